"""``member_visible_q`` is ``members_visible_to`` applied through a join: for every
role, the related members it admits are exactly the visible ones."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.graphql.conftest import build_world
from wagtail_network import visibility
from wagtail_network.models import ConnectionEdge, Endorsement, MemberPage, Position
from wagtail_network.viewer import Viewer

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "alice", "bob", "carol", "dave", "eve", "nobody", "editor", "moderator"]


@pytest.mark.parametrize("role", ROLES)
def test_member_visible_q_through_a_join_admits_exactly_the_visible_members(role):
    w = build_world()
    user = AnonymousUser() if role == "anonymous" else getattr(w, f"u_{role}")
    viewer = Viewer.of(user)
    visible = set(visibility.members_visible_to(viewer).values_list("pk", flat=True))
    every = set(MemberPage.objects.values_list("pk", flat=True))
    for model, prefixes in (
        (ConnectionEdge, ("member", "other")),
        (Endorsement, ("endorser", "member")),
        (Position, ("member",)),
    ):
        for prefix in prefixes:
            rows = model.objects.all()
            joined = set(
                rows.filter(visibility.member_visible_q(viewer, f"{prefix}__")).values_list(
                    "pk", flat=True
                )
            )
            by_ids = set(rows.filter(**{f"{prefix}_id__in": visible}).values_list("pk", flat=True))
            assert joined == by_ids, (model.__name__, prefix)
    # The viewer's own facts are compiled once and reused: a second call is the same Q.
    assert visibility.member_visible_q(viewer, "member__") is visibility.member_visible_q(
        viewer, "member__"
    )
    assert visible <= every
