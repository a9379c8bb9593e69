"""Shared GraphQL client fixtures.

``gql(query, variables=None, user=None, token=None)`` posts JSON to ``/graphql/``
with Django's test client (as a real frontend would) and returns the parsed body.
``user`` signs that user in through the session; ``token`` sends
``Authorization: Bearer <token>`` instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

GRAPHQL_URL = "/graphql/"

GqlCallable = Callable[..., dict[str, Any]]


def post_graphql(
    query: str,
    variables: dict[str, Any] | None = None,
    user: Any = None,
    token: str | None = None,
    client: Client | None = None,
) -> dict[str, Any]:
    """POST one GraphQL operation as JSON and return the decoded response body."""
    client = client or Client()
    if user is not None:
        client.force_login(user)
    headers: dict[str, str] = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    response = client.post(
        GRAPHQL_URL,
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        headers=headers,
    )
    assert response["Content-Type"].startswith("application/json"), response.content[:500]
    return json.loads(response.content)


@pytest.fixture
def gql() -> GqlCallable:
    """The GraphQL helper: ``gql(query, variables=None, user=None, token=None)``."""
    return post_graphql


# --------------------------------------------------------------------------
# A small network with one member of every role (engineer Q's read-side tests)
# --------------------------------------------------------------------------


class World:
    """Attribute bag for :func:`build_world` (users ``u_*``, pages without prefix)."""


def build_world() -> World:
    """A network with one member per role of PRODUCT.md and one object per rule.

    * alice: public profile, e-mail for members, phone for connections, positions public;
      connected to carol and bob; blocked eve; works at Acme (verified) and at Globex (past).
    * bob: members-only profile; connected to alice, dave, eve.
    * carol: connections-only profile, positions only_me; CTO at Acme; connected to alice.
    * dave: e-mail only_me, connection list connections-only; connected to bob.
    * eve: blocked by alice; connected to bob; analyst at Acme, positions only_me.
    * drafty: unpublished profile. nobody: signed in without a profile.
    * editor: may see private profiles. moderator: may moderate (no profile).
    * companyadmin: guardian grant on Acme.
    * hidden_co: a draft company administered by companyadmin.
    """
    from django.contrib.auth.models import Permission
    from django.utils import timezone
    from guardian.shortcuts import assign_perm

    from tests.factories import (
        CompanyIndexPageFactory,
        CompanyPageFactory,
        MemberIndexPageFactory,
        MemberPageFactory,
        PositionFactory,
        SkillFactory,
        UserFactory,
        connect,
        site_root,
    )
    from wagtail_network.models import (
        Block,
        Connection,
        ConnectionState,
        Endorsement,
        Follow,
        Recommendation,
        RecommendationState,
    )

    w = World()
    root = site_root()
    w.directory = MemberIndexPageFactory(parent=root)
    w.companies_index = CompanyIndexPageFactory(parent=root)
    w.acme = CompanyPageFactory(parent=w.companies_index, title="Acme", slug="acme")
    w.globex = CompanyPageFactory(parent=w.companies_index, title="Globex", slug="globex")
    w.hidden_co = CompanyPageFactory(
        parent=w.companies_index, title="Stealth", slug="stealth", live=False
    )
    w.python = SkillFactory(name="Python")
    w.django = SkillFactory(name="Django")

    def member(name: str, **kwargs: Any):
        user = UserFactory(username=name)
        page = MemberPageFactory(
            parent=w.directory, title=name.title(), slug=name, user=user, **kwargs
        )
        return user, page

    w.u_alice, w.alice = member(
        "alice",
        profile_visibility="public",
        email_visibility="members",
        phone_visibility="connections",
        connections_visibility="members",
        positions_visibility="public",
        headline="Chief widget officer",
    )
    w.u_bob, w.bob = member("bob", profile_visibility="members")
    w.u_carol, w.carol = member(
        "carol",
        profile_visibility="connections",
        positions_visibility="only_me",
        headline="Secret engineer",
    )
    w.u_dave, w.dave = member(
        "dave",
        profile_visibility="public",
        email_visibility="only_me",
        connections_visibility="connections",
    )
    w.u_eve, w.eve = member("eve", profile_visibility="public")
    w.u_drafty, w.drafty = member("drafty", live=False)
    w.u_nobody = UserFactory(username="nobody")
    w.u_editor = UserFactory(username="editor")
    w.u_editor.user_permissions.add(Permission.objects.get(codename="view_private_profiles"))
    w.u_moderator = UserFactory(username="moderator")
    w.u_moderator.user_permissions.add(Permission.objects.get(codename="moderate_network"))
    w.u_companyadmin = UserFactory(username="companyadmin")
    assign_perm("wagtail_network.change_companypage", w.u_companyadmin, w.acme)
    assign_perm("wagtail_network.change_companypage", w.u_companyadmin, w.hidden_co)

    for page, skills in ((w.alice, [w.python, w.django]), (w.bob, [w.python])):
        page.skills.set(skills)
        page.save_revision().publish()

    connect(w.alice, w.carol)
    connect(w.alice, w.bob)
    connect(w.dave, w.bob)
    connect(w.eve, w.bob)
    Block.objects.create(blocker=w.alice, blocked=w.eve)

    w.alice_acme = PositionFactory(
        member=w.alice, company=w.acme, title="CEO", verified_at=timezone.now()
    )
    w.alice_globex = PositionFactory(
        member=w.alice, company=w.globex, title="Intern", is_current=False
    )
    w.carol_acme = PositionFactory(member=w.carol, company=w.acme, title="CTO")
    w.dave_stealth = PositionFactory(member=w.dave, company=w.hidden_co, title="Founder")
    # eve keeps her positions to herself; Acme's admin still sees the one claimed there.
    w.eve.positions_visibility = "only_me"
    w.eve.save(update_fields=["positions_visibility"])
    w.eve_acme = PositionFactory(member=w.eve, company=w.acme, title="Analyst")

    w.bob_endorses_alice = Endorsement.objects.create(
        endorser=w.bob, member=w.alice, skill=w.python
    )
    w.carol_endorses_alice = Endorsement.objects.create(
        endorser=w.carol, member=w.alice, skill=w.python
    )
    w.hidden_endorsement = Endorsement.objects.create(
        endorser=w.bob, member=w.alice, skill=w.django, is_hidden=True
    )
    w.bob_recommends_alice = Recommendation.objects.create(
        author=w.bob,
        member=w.alice,
        relationship="same_team",
        text="Great colleague",
        state=RecommendationState.PUBLISHED,
    )
    w.pending_recommendation = Recommendation.objects.create(
        author=w.carol,
        member=w.alice,
        relationship="managed",
        text="Waiting for alice",
    )
    # dave invited eve (pending); alice invited dave, who ignored it (alice must
    # keep reading it as pending).
    w.dave_invites_eve = Connection.objects.create(
        member_low=min(w.dave, w.eve, key=lambda p: p.pk),
        member_high=max(w.dave, w.eve, key=lambda p: p.pk),
        requester=w.dave,
        recipient=w.eve,
        message="Hi Eve",
    )
    w.alice_invites_dave = Connection.objects.create(
        member_low=min(w.alice, w.dave, key=lambda p: p.pk),
        member_high=max(w.alice, w.dave, key=lambda p: p.pk),
        requester=w.alice,
        recipient=w.dave,
        state=ConnectionState.IGNORED,
    )
    Follow.objects.create(member=w.alice, company=w.acme)
    Follow.objects.create(member=w.bob, company=w.acme)
    return w


@pytest.fixture(autouse=True)
def _full_query_budget():
    """Every test starts with a full per-minute GraphQL cost budget.

    The budget (graphql_schema/protection.py) is counted in Django's cache per
    client; without this, tests run within one minute would spend each other's.
    """
    from django.core.cache import cache

    cache.clear()
