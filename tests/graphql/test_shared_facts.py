"""The viewer's rules kept across requests (graphql_schema/shared_facts.py): the same
account's next request skips looking them up again, and any change to what they are
built from is seen by the very next request.

Clients authenticate with API tokens: a session login writes ``last_login``, which
moves the generation, so every request after one would start afresh anyway.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import APIToken

from graphql_schema import response_cache, shared_facts
from tests.factories import invite
from tests.graphql.conftest import build_world
from wagtail_network import graph, visibility
from wagtail_network.models import Block, MemberPage
from wagtail_network.viewer import Viewer

pytestmark = pytest.mark.django_db

DIRECTORY = """query { members(first: 20) { edges { node {
  name degree connectionStatus positions { title company { name } }
  skills { skill { name } endorsementCount } } } } }"""


class TokenClient:
    def __init__(self, user):
        _token, self.plaintext = APIToken.create_token(user=user, name="shared facts")
        self.client = Client()

    def ask(self, query=DIRECTORY, variables=None):
        response = self.client.post(
            "/graphql/",
            json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.plaintext}"},
        )
        body = response.json()
        assert "errors" not in body, body
        return body

    def names(self, query=DIRECTORY):
        return sorted(edge["node"]["name"] for edge in self.ask(query)["data"]["members"]["edges"])

    def counted(self, query=DIRECTORY):
        with CaptureQueriesContext(connection) as queries:
            body = self.ask(query)
        return body, [q["sql"] for q in queries.captured_queries]


def visitor_names():
    response = Client().post(
        "/graphql/", json.dumps({"query": DIRECTORY}), content_type="application/json"
    )
    return sorted(edge["node"]["name"] for edge in response.json()["data"]["members"]["edges"])


@pytest.fixture
def world():
    return build_world()


def test_shared_facts_the_same_accounts_next_request_looks_nothing_up_again(world):
    bob = TokenClient(world.u_bob)
    first, first_sql = bob.counted()
    again, again_sql = bob.counted()
    assert again["data"] == first["data"]
    # Its permissions and the private sections were looked up once.
    looked_up = ('SELECT "django_content_type"', 'SELECT "wagtailcore_pageviewrestriction"')
    assert [sql for sql in first_sql if sql.startswith(looked_up)]
    assert not [sql for sql in again_sql if sql.startswith(looked_up)]
    assert len(again_sql) < len(first_sql)


def test_shared_facts_are_kept_per_account_at_one_generation(world):
    bob, editor = TokenClient(world.u_bob), TokenClient(world.u_editor)
    generation = response_cache.generation()
    for _ in range(2):  # the second round answers from what the first kept
        assert "Carol" not in bob.names()
        assert "Carol" in editor.names()  # sees every profile
        assert "Bob" not in visitor_names()
    assert response_cache.generation() == generation
    accounts = {account for _settings, account in shared_facts.kept()}
    label = world.u_bob._meta.label_lower  # the host site's user model
    assert {None, (label, str(world.u_bob.pk), True, False)} <= accounts
    assert (label, str(world.u_editor.pk), True, False) in accounts


def test_shared_facts_a_permission_granted_then_revoked_is_seen_by_the_next_request(world):
    bob = TokenClient(world.u_bob)
    assert "Carol" not in bob.names()
    readers = Group.objects.create(name="Profile readers")
    readers.permissions.add(Permission.objects.get(codename="view_private_profiles"))
    world.u_bob.groups.add(readers)  # auth_user_groups: a table the facts read
    assert "Carol" in bob.names()
    assert "Carol" in bob.names()
    world.u_bob.groups.remove(readers)
    assert "Carol" not in bob.names()


def test_shared_facts_an_account_made_superuser_is_seen_at_once(world):
    bob = TokenClient(world.u_bob)
    assert "Carol" not in bob.names()
    world.u_bob.is_superuser = True
    world.u_bob.save(update_fields=["is_superuser"])
    assert "Carol" in bob.names()


def test_shared_facts_a_block_by_someone_else_is_seen_at_once(world):
    # Blocks leave the generation alone: the kept rule reads them when it runs.
    alice = TokenClient(world.u_alice)
    assert "Dave" in alice.names()
    assert "Dave" in alice.names()
    generation = response_cache.generation()
    Block.objects.create(blocker=world.dave, blocked=world.alice)
    assert response_cache.generation() == generation
    assert "Dave" not in alice.names()


def test_shared_facts_an_invitation_from_someone_else_is_seen_at_once(world):
    # carol's profile is for her connections; her invitation shows her to bob.
    bob = TokenClient(world.u_bob)
    assert "Carol" not in bob.names()
    assert "Carol" not in bob.names()
    invite(world.carol, world.bob)
    statuses = {
        edge["node"]["name"]: edge["node"]["connectionStatus"]
        for edge in bob.ask()["data"]["members"]["edges"]
    }
    assert statuses["Carol"] == "PENDING_RECEIVED"


def test_shared_facts_the_viewers_own_profile_going_offline_is_seen_at_once(world):
    # alice shows her e-mail to network members: bob, while his profile is live.
    email = 'query { member(slug: "alice") { email } }'
    bob = TokenClient(world.u_bob)
    assert bob.ask(email)["data"]["member"]["email"] is not None
    assert bob.ask(email)["data"]["member"]["email"] is not None
    MemberPage.objects.filter(pk=world.bob.pk).update(live=False)
    assert bob.ask(email)["data"]["member"]["email"] is None


def test_shared_facts_a_locked_visibility_setting_is_seen_at_once(world):
    dave = TokenClient(world.u_dave)
    assert "Carol" not in dave.names()
    with override_settings(WAGTAIL_NETWORK={"LOCKED_PROFILE_VISIBILITY": "members"}):
        assert "Carol" in dave.names()
    assert "Carol" not in dave.names()


def test_shared_facts_a_request_that_wrote_keeps_nothing(world):
    dave = TokenClient(world.u_dave)
    shared_facts.forget()
    # The payload reads the profile and its positions: facts are looked up after the write.
    dave.ask(
        'mutation { updateMyProfile(input: {headline: "Now hiring"}) { member { name '
        "degree positions { title company { name } } } errors { code } } }"
    )
    assert not shared_facts.kept()
    dave.ask()
    assert shared_facts.kept()


def test_shared_facts_expire_after_max_age(world, monkeypatch):
    bob = TokenClient(world.u_bob)
    bob.ask()
    _fresh, fresh_sql = bob.counted()
    monkeypatch.setattr(shared_facts, "MAX_AGE", 0.0)
    _stale, expired_sql = bob.counted()
    assert len(expired_sql) > len(fresh_sql)


def test_shared_facts_off_with_the_response_cache(world):
    with override_settings(WAGTAIL_NETWORK={"GRAPHQL_RESPONSE_CACHE": False}):
        shared_facts.forget()
        bob = TokenClient(world.u_bob)
        first, _first_sql = bob.counted()
        again, again_sql = bob.counted()
        assert again["data"] == first["data"]
        assert not shared_facts.kept()
        # The permissions are asked again.
        assert [sql for sql in again_sql if sql.startswith('SELECT "django_content_type"')]


def test_shared_facts_keep_at_most_max_entries_of_the_newest_generation(world, monkeypatch):
    monkeypatch.setattr(shared_facts, "MAX_ENTRIES", 2)
    clients = [TokenClient(user) for user in (world.u_alice, world.u_bob, world.u_carol)]
    for client in clients:
        client.ask()
    assert len(shared_facts.kept()) == 2
    response_cache.bump()
    clients[0].ask()
    assert len(shared_facts.kept()) == 1
    assert shared_facts.kept_generation() == response_cache.generation()


def test_shared_facts_kept_rule_querysets_are_copies_never_evaluated(world):
    viewer = Viewer(world.u_bob)
    first = visibility.members_visible_to(viewer)
    second = visibility.members_visible_to(viewer)
    assert first is not second
    listed = sorted(m.title for m in first)
    assert first._result_cache is not None  # noqa: SLF001
    assert second._result_cache is None  # noqa: SLF001
    assert sorted(m.title for m in second) == listed
    # Narrowing a copy leaves the rule alone.
    assert list(visibility.members_visible_to(viewer).filter(pk=world.alice.pk)) == [world.alice]
    assert sorted(m.title for m in visibility.members_visible_to(viewer)) == listed


def test_shared_facts_read_no_table_whose_writes_leave_the_generation_alone(world):
    """Every statement run to build the kept facts reads only tables whose writes move
    the generation (the kept SQL of blocks and invitations runs later, with the query)."""
    for user in (world.u_bob, world.u_editor, world.u_companyadmin, world.u_nobody):
        viewer = Viewer(user)
        with CaptureQueriesContext(connection) as queries:
            visibility.members_visible_to(viewer)
            visibility.companies_visible_to(viewer)
            visibility.positions_visible_to(viewer)
            visibility.endorsements_visible_to(viewer)
            visibility.recommendations_visible_to(viewer)
            visibility.member_visible_q(viewer, "member__")
            visibility.can_moderate(viewer)
            graph.degree_expression(viewer)
            graph.connection_status_expression(viewer)
            visibility.mutual_connection_count_expression(viewer)
        for query in queries.captured_queries:
            read = {t for t in response_cache.UNREAD_TABLES if f'"{t}"' in query["sql"]}
            assert not read, (user, query["sql"])
