"""Erasing a member keeps the audit trail but removes them from exactly the entries
that concern them."""

from __future__ import annotations

import pytest
from wagtail.models import ModelLogEntry

from tests.factories import SkillFactory, UserFactory, connect
from wagtail_network import privacy, services
from wagtail_network.models import Connection, Endorsement

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return UserFactory(username="editor", is_staff=True, is_superuser=True)


def labels_of(obj) -> list[str]:
    return list(ModelLogEntry.objects.filter(object_id=str(obj.pk)).values_list("label", flat=True))


def test_erasing_a_member_rewrites_only_the_entries_of_objects_they_were_party_to(
    make_member, editor
):
    # Two members whose names contain each other: a text match on "Jan" would
    # also rewrite every entry about "Janssen".
    jan, janssen, carla = (make_member(title=t) for t in ("Jan", "Janssen", "Carla"))
    skill = SkillFactory(name="Python")
    for member in (jan, janssen, carla):
        member.skills.add(skill)
        member.save()
    connect(jan, janssen)
    connect(janssen, carla)
    services.endorse_skill(jan.user, janssen, skill)
    services.endorse_skill(carla.user, janssen, skill)
    services.endorse_skill(janssen.user, carla, skill)
    by_jan = Endorsement.objects.get(endorser=jan)
    about_janssen = Endorsement.objects.get(endorser=carla)
    by_janssen = Endorsement.objects.get(endorser=janssen)
    assert labels_of(by_jan) == ["Jan endorses Janssen for Python"]

    privacy.erase_member(jan, actor=editor)

    # The entry Jan was party to stays, without Jan but still naming Janssen ...
    assert labels_of(by_jan) == [f"{privacy.DELETED_LABEL} endorses Janssen for Python"]
    # ... and entries about others are untouched.
    assert labels_of(about_janssen) == ["Carla endorses Janssen for Python"]
    assert labels_of(by_janssen) == ["Janssen endorses Carla for Python"]
    assert not ModelLogEntry.objects.filter(label__startswith="Jan ").exists()


def test_erasing_a_member_removes_their_name_from_their_connections_audit_entries(
    make_member, editor
):
    # A connection is named by its two members ("Jan ↔ Carla"), so its audit entries
    # hold the erased member's name until the erasure rewrites them.
    jan, carla = (make_member(title=t) for t in ("Jan", "Carla"))
    services.request_connection(jan.user, carla)
    services.accept_connection(carla.user, jan)
    connection = Connection.objects.get(requester=jan)
    assert set(labels_of(connection)) == {"Jan ↔ Carla"}

    privacy.erase_member(jan, actor=editor)

    assert set(labels_of(connection)) == {f"{privacy.DELETED_LABEL} ↔ Carla"}
