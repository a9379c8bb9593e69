"""The viewer's rules kept across requests (graphql_schema/shared_facts.py): the same
account's next request skips looking them up again, and any change to what they are
built from is seen by the very next request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from graphql_schema import response_cache, shared_facts
from tests.graphql.conftest import build_world, post_graphql
from wagtail_network import visibility
from wagtail_network.models import MemberPage
from wagtail_network.viewer import Viewer

pytestmark = pytest.mark.django_db

DIRECTORY = """query { members(first: 20) { edges { node {
  name degree connectionStatus positions { title company { name } }
  skills { skill { name } endorsementCount } } } } }"""


def names(body) -> list[str]:
    assert "errors" not in body, body
    return sorted(edge["node"]["name"] for edge in body["data"]["members"]["edges"])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world():
    return build_world()


def _queries(client, query=DIRECTORY):
    with CaptureQueriesContext(connection) as queries:
        body = post_graphql(query, client=client)
    return body, [q["sql"] for q in queries.captured_queries]


def test_shared_facts_the_same_accounts_next_request_looks_nothing_up_again(world):
    client = signed_in(world.u_bob)
    first, first_sql = _queries(client)
    again, again_sql = _queries(client)
    assert names(again) == names(first)
    assert again["data"] == first["data"]
    # Its permissions and the private sections were looked up once.
    looked_up = ('SELECT "django_content_type"', 'SELECT "wagtailcore_pageviewrestriction"')
    assert [sql for sql in first_sql if sql.startswith(looked_up)]
    assert not [sql for sql in again_sql if sql.startswith(looked_up)]
    assert len(again_sql) < len(first_sql)


def test_shared_facts_are_kept_per_account(world):
    # bob (a member) and the editor (who sees every profile) share nothing.
    assert "Carol" not in names(post_graphql(DIRECTORY, client=signed_in(world.u_bob)))
    assert "Carol" in names(post_graphql(DIRECTORY, client=signed_in(world.u_editor)))
    assert "Carol" not in names(post_graphql(DIRECTORY, client=signed_in(world.u_bob)))
    # The anonymous visitor's own rules: members-only profiles stay hidden.
    assert "Bob" not in names(post_graphql(DIRECTORY))


def test_shared_facts_a_new_permission_is_seen_by_the_next_request(world):
    client = signed_in(world.u_bob)
    assert "Carol" not in names(post_graphql(DIRECTORY, client=client))
    editors = Group.objects.create(name="Profile readers")
    editors.permissions.add(Permission.objects.get(codename="view_private_profiles"))
    world.u_bob.groups.add(editors)  # auth_user_groups: a table the facts read
    assert "Carol" in names(post_graphql(DIRECTORY, client=client))


def test_shared_facts_the_viewers_own_profile_going_offline_is_seen_at_once(world):
    # alice shows her e-mail to network members: bob, while his profile is live.
    email = 'query { member(slug: "alice") { email } }'
    client = signed_in(world.u_bob)
    assert post_graphql(email, client=client)["data"]["member"]["email"] is not None
    assert post_graphql(email, client=client)["data"]["member"]["email"] is not None
    MemberPage.objects.filter(pk=world.bob.pk).update(live=False)
    assert post_graphql(email, client=client)["data"]["member"]["email"] is None


def test_shared_facts_a_locked_visibility_setting_is_seen_at_once(world):
    client = signed_in(world.u_dave)
    assert "Carol" not in names(post_graphql(DIRECTORY, client=client))
    with override_settings(WAGTAIL_NETWORK={"LOCKED_PROFILE_VISIBILITY": "members"}):
        assert "Carol" in names(post_graphql(DIRECTORY, client=client))
    assert "Carol" not in names(post_graphql(DIRECTORY, client=client))


def test_shared_facts_a_request_that_wrote_keeps_nothing(world):
    client = signed_in(world.u_dave)
    shared_facts.forget()
    body = post_graphql(
        'mutation { updateMyProfile(input: {headline: "Now hiring"}) { __typename } }',
        client=client,
    )
    assert "errors" not in body, body
    assert not shared_facts._entries  # noqa: SLF001 - what was kept is the point
    post_graphql(DIRECTORY, client=client)
    assert shared_facts._entries  # noqa: SLF001


def test_shared_facts_off_with_the_response_cache(world):
    with override_settings(WAGTAIL_NETWORK={"GRAPHQL_RESPONSE_CACHE": False}):
        shared_facts.forget()
        client = signed_in(world.u_bob)
        first, first_sql = _queries(client)
        again, again_sql = _queries(client)
        assert again["data"] == first["data"]
        assert len(again_sql) == len(first_sql)
        assert not shared_facts._entries  # noqa: SLF001


def test_shared_facts_keep_at_most_max_entries(world, monkeypatch):
    monkeypatch.setattr(shared_facts, "MAX_ENTRIES", 2)
    shared_facts.forget()
    for user in (world.u_alice, world.u_bob, world.u_carol):
        post_graphql(DIRECTORY, client=signed_in(user))
    assert len(shared_facts._entries) == 2  # noqa: SLF001


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


def test_shared_facts_the_generation_keys_them(world):
    client = signed_in(world.u_bob)
    post_graphql(DIRECTORY, client=client)
    generation = response_cache.generation()
    assert any(key[0] == generation for key in shared_facts._entries)  # noqa: SLF001
    response_cache.bump()
    post_graphql(DIRECTORY, client=client)
    assert any(key[0] == generation + 1 for key in shared_facts._entries)  # noqa: SLF001
