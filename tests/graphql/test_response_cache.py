"""Exact response caching (graphql_schema/response_cache.py): every visitor shares
one answer, which any write to what it reads makes unreachable at once."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from graphql_schema import response_cache
from tests.factories import MemberPageFactory, connect
from tests.graphql.conftest import build_world
from wagtail_network.models import MemberPage

pytestmark = pytest.mark.django_db

DIRECTORY = """query { members(first: 20) { totalCount edges { node {
  name headline url connectionCount positions { title company { name } } } } } }"""
PROFILE = """query($slug: String!) { member(slug: $slug) {
  name headline connections(first: 10) { totalCount edges { node { name } } } } }"""


def ask(query=DIRECTORY, variables=None, client=None, host="testserver"):
    response = (client or Client()).post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        HTTP_HOST=host,
    )
    assert response.status_code == 200
    return response.json()


def names(body) -> list[str]:
    return [edge["node"]["name"] for edge in body["data"]["members"]["edges"]]


@pytest.fixture
def world():
    return build_world()


def test_response_cache_visitors_share_one_answer_served_without_sql(world):
    first = ask()
    with CaptureQueriesContext(connection) as queries:
        again = ask()
    assert again["data"] == first["data"]
    assert len(queries) == 0


def test_response_cache_hit_spends_the_clients_own_budget(world):
    first = ask()
    cost = first["extensions"]["cost"]["requested"]
    assert cost > 0
    second = ask()
    assert second["extensions"]["cost"]["requested"] == cost
    assert (
        second["extensions"]["cost"]["remaining"] == first["extensions"]["cost"]["remaining"] - cost
    )
    # Another visitor (another address) has a budget of their own.
    other = Client(REMOTE_ADDR="10.9.8.7")
    assert ask(client=other)["extensions"]["cost"]["remaining"] == 250000 - cost


def test_response_cache_hit_is_throttled_when_the_budget_is_used_up(world):
    cost = ask()["extensions"]["cost"]["requested"]
    with override_settings(WAGTAIL_NETWORK={"GRAPHQL_COST_PER_MINUTE": cost + 1}):
        cache.clear()
        ask()  # spends `cost`, and fills the cache
        body = ask()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"


def test_response_cache_profile_edit_and_publish_are_seen_at_once(world):
    ask()
    alice = MemberPage.objects.get(pk=world.alice.pk)
    alice.headline = "New headline"
    alice.save_revision().publish()
    headlines = {
        e["node"]["name"]: e["node"]["headline"] for e in ask()["data"]["members"]["edges"]
    }
    assert headlines["Alice"] == "New headline"
    alice.refresh_from_db()
    alice.unpublish()
    assert "Alice" not in names(ask())


def test_response_cache_visibility_change_by_queryset_update_is_seen_at_once(world):
    assert "Alice" in names(ask())
    MemberPage.objects.filter(pk=world.alice.pk).update(profile_visibility="members")
    assert "Alice" not in names(ask())


def test_response_cache_third_party_connection_list_visibility_is_seen_at_once(world):
    new = MemberPageFactory(parent=world.directory, title="Zed", slug="zed")
    connect(world.alice, new)
    before = ask(PROFILE, {"slug": "zed"})["data"]["member"]["connections"]
    # Zed's public list shows Alice only if Alice's list (members) or Zed's admits a
    # visitor; Zed's own list choice decides what a visitor sees here.
    MemberPage.objects.filter(pk=new.pk).update(connections_visibility="only_me")
    after = ask(PROFILE, {"slug": "zed"})["data"]["member"]["connections"]
    MemberPage.objects.filter(pk=new.pk).update(connections_visibility="public")
    again = ask(PROFILE, {"slug": "zed"})["data"]["member"]["connections"]
    assert after["totalCount"] <= before["totalCount"]
    assert again["totalCount"] >= 1
    assert after != again


def test_response_cache_a_new_connection_is_counted_at_once(world):
    new = MemberPageFactory(
        parent=world.directory, title="Zed", slug="zed", connections_visibility="public"
    )
    count = ask(PROFILE, {"slug": "zed"})["data"]["member"]["connections"]["totalCount"]
    connect(world.alice, new)  # bulk_create: no post_save signal
    assert ask(PROFILE, {"slug": "zed"})["data"]["member"]["connections"]["totalCount"] == (
        count + 1
    )


def test_response_cache_signed_in_answers_are_never_cached(world):
    client = Client()
    client.force_login(world.u_alice)
    gen = response_cache.generation()
    ask(client=client)
    with CaptureQueriesContext(connection) as queries:
        ask(client=client)
    assert len(queries) > 0
    assert response_cache.generation() == gen


def test_response_cache_answers_with_errors_are_not_cached():
    body = ask("query { members(first: 500) { totalCount } }")
    assert body["errors"]
    with CaptureQueriesContext(connection):
        again = ask("query { members(first: 500) { totalCount } }")
    assert again["errors"]


def test_response_cache_writes_no_visitor_reads_leave_it_alone(world):
    from wagtail.models import APIToken

    gen = response_cache.generation()
    APIToken.create_token(user=world.u_bob, name="laptop")
    assert response_cache.generation() == gen
    MemberPage.objects.filter(pk=world.bob.pk).update(headline="x")
    assert response_cache.generation() > gen


@override_settings(WAGTAIL_NETWORK={"GRAPHQL_RESPONSE_CACHE": False})
def test_response_cache_switched_off_runs_every_request(world):
    ask()
    with CaptureQueriesContext(connection) as queries:
        ask()
    assert len(queries) > 0


@pytest.mark.parametrize(
    ("sql", "moves"),
    [
        ('UPDATE "wagtail_network_memberpage" SET "headline" = %s', True),
        ('INSERT INTO "wagtailcore_page" ("title") VALUES (%s)', True),
        ('DELETE FROM "wagtail_network_connectionedge" WHERE "id" = %s', True),
        ('INSERT INTO "myhost_article" ("title") VALUES (%s)', True),
        ('INSERT INTO "django_session" ("session_key") VALUES (%s)', False),
        ('UPDATE "wagtailcore_apitoken" SET "last_used_at" = %s', False),
        ('INSERT INTO "wagtail_network_block" ("blocker_id") VALUES (%s)', False),
        ('INSERT OR IGNORE INTO "wagtailcore_referenceindex" ("object_id") VALUES (%s)', False),
        ('SELECT * FROM "wagtail_network_memberpage"', False),
        ("TRUNCATE wagtail_network_memberpage", True),
        ("ROLLBACK TO SAVEPOINT s1", True),
        ('/* hint */ UPDATE "wagtail_network_memberpage" SET "headline" = %s', True),
        ('WITH x AS (SELECT 1) UPDATE "wagtail_network_skill" SET "name" = %s', True),
        ("-- a comment\nSELECT 1", False),
        ('SAVEPOINT "s1"', False),
    ],
)
def test_response_cache_which_statements_move_the_generation(sql, moves):
    assert response_cache.moves_generation(sql) is moves


def test_response_cache_composed_sql_counts_as_a_write():
    from psycopg import sql

    assert response_cache.moves_generation(sql.SQL("UPDATE x SET y = 1"))


def test_response_cache_a_rolled_back_transaction_leaves_the_after_commit_bump_working(
    world, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                MemberPage.objects.filter(pk=world.bob.pk).update(headline="rolled back")
                raise RuntimeError
        except RuntimeError:
            pass
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            MemberPage.objects.filter(pk=world.bob.pk).update(headline="kept")
            at_write = response_cache.generation()
    assert len(callbacks) >= 1
    assert response_cache.generation() > at_write


def test_response_cache_generation_never_comes_back_after_the_counter_is_evicted():
    response_cache.bump()
    before = response_cache.generation()
    cache.delete(response_cache.GENERATION_KEY)
    assert response_cache.generation() > before


def test_response_cache_in_a_per_process_cache_outside_debug_is_a_warning(settings):
    from django.core import checks

    settings.DEBUG = False
    settings.WAGTAIL_NETWORK = {"GRAPHQL_RESPONSE_CACHE": True}
    assert "wagtail_network.W003" in {m.id for m in checks.run_checks()}
    settings.WAGTAIL_NETWORK = {"GRAPHQL_RESPONSE_CACHE": False}
    assert "wagtail_network.W003" not in {m.id for m in checks.run_checks()}


def test_response_cache_a_request_reads_the_generation_once(world, monkeypatch):
    # The kept viewer facts and the answer's key share the one read.
    reads = []
    real = response_cache.generation
    monkeypatch.setattr(response_cache, "generation", lambda: reads.append(1) or real())
    ask()
    assert len(reads) == 1
