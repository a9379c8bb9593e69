"""Degrees and suggestions over the connection adjacency (wagtail_network.graph)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from tests.factories import connect
from wagtail_network import graph, services
from wagtail_network.viewer import Viewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(make_member):
    """me – a – b – c – d, plus x unconnected: degrees 1, 2, 3, None, None."""
    me, a, b, c, d, x = (make_member(title=name) for name in "me a b c d x".split())
    connect(me, a)
    connect(a, b)
    connect(b, c)
    connect(c, d)
    return me, a, b, c, d, x


def test_degree_counts_hops_up_to_three(chain):
    me, a, b, c, d, x = chain
    assert [services.degree(me.user, m) for m in (a, b, c, d, x)] == [1, 2, 3, None, None]


def test_degree_of_oneself_and_for_anonymous_is_none(chain):
    me, a, *_ = chain
    assert services.degree(me.user, me) is None
    assert services.degree(AnonymousUser(), a) is None


def test_degree_takes_the_shortest_path(chain):
    me, a, b, c, *_ = chain
    connect(me, c)
    assert services.degrees(me.user, [a.pk, b.pk, c.pk]) == {a.pk: 1, b.pk: 2, c.pk: 1}


def test_degree_uses_edges_the_viewer_cannot_see(chain):
    # Deliberate disclosure (PRODUCT.md): degree is over all edges, even a
    # connection list set to "only me".
    me, a, b, *_ = chain
    a.connections_visibility = "only_me"
    a.save()
    assert services.degree(me.user, b) == 2


def test_degrees_run_in_constant_queries_for_10_and_100_members(make_member, chain):
    me, *_ = chain
    others = [m.pk for m in chain[1:]]
    many = others + list(range(100_000, 100_095))
    viewer = Viewer.of(me.user)  # one viewer, as one request has
    services.degrees(viewer, [])  # looks up the viewer's member

    def count(ids):
        with CaptureQueriesContext(db_connection) as ctx:
            result = services.degrees(viewer, ids)
        return len(ctx.captured_queries), result

    small_count, small = count(others + list(range(100_000, 100_005)))
    large_count, large = count(many)
    assert len(small) == 10 and len(large) == 100
    assert small_count == large_count == 1


def test_connection_statuses_run_in_constant_queries_for_10_and_100_members(chain):
    me, *_ = chain
    ids = [m.pk for m in chain]
    viewer = Viewer.of(me.user)
    services.connection_statuses(viewer, [])

    def count(member_ids):
        with CaptureQueriesContext(db_connection) as ctx:
            services.connection_statuses(viewer, member_ids)
        return len(ctx.captured_queries)

    assert count(ids + list(range(100_000, 100_004))) == count(ids + list(range(100_000, 100_094)))


def test_suggestions_rank_second_degree_members_by_mutual_connections(make_member):
    me, a, b, s1, s2, s3 = (make_member(title=n) for n in "me a b s1 s2 s3".split())
    connect(me, a)
    connect(me, b)
    connect(a, s1)
    connect(b, s1)  # s1: two mutual connections
    connect(a, s2)  # s2: one
    connect(s2, s3)  # s3: 3rd degree, never suggested
    suggestions = list(graph.suggested_members(me.user, limit=10))
    assert [(m.pk, m.mutual_count) for m in suggestions] == [(s1.pk, 2), (s2.pk, 1)]


def test_suggestions_exclude_connected_pending_blocked_and_invisible(make_member):
    me, a = make_member(title="me"), make_member(title="a")
    pending, blocked, hidden, ok = (make_member() for _ in range(4))
    hidden.profile_visibility = "connections"
    hidden.save()
    connect(me, a)
    for m in (pending, blocked, hidden, ok):
        connect(a, m)
    services.request_connection(pending.user, me)
    services.block_member(blocked.user, me)
    assert [m.pk for m in graph.suggested_members(me.user)] == [ok.pk]


def test_suggestions_count_only_edges_the_viewer_may_see(make_member):
    me, a, b, s = (make_member(title=n) for n in "me a b s".split())
    connect(me, a)
    connect(me, b)
    connect(a, s)
    connect(b, s)
    s.connections_visibility = "only_me"
    s.save()
    b.connections_visibility = "only_me"
    b.save()
    # b–s is visible through neither b's nor s's list: only a counts.
    [suggestion] = graph.suggested_members(me.user)
    assert (suggestion.pk, suggestion.mutual_count) == (s.pk, 1)


def test_suggestions_count_an_edge_through_a_closed_list_when_the_candidates_is_open(
    make_member,
):
    # The served ranking (graph.suggestions, over the stored pool): the edge b–s
    # counts through s's open list although b keeps theirs to themself; a friend the
    # viewer may not see (unpublished) never counts.
    me, a, b, c, s = (make_member(title=n) for n in "me a b c s".split())
    for friend in (a, b, c):
        connect(me, friend)
        connect(friend, s)
    b.connections_visibility = "only_me"
    b.save()
    s.connections_visibility = "public"
    s.save()
    [suggestion] = graph.suggestions(me.user)
    assert (suggestion.member.pk, suggestion.mutual_count) == (s.pk, 3)
    c.unpublish()
    graph.forget_suggestions(me)
    [suggestion] = graph.suggestions(me.user)
    assert (suggestion.member.pk, suggestion.mutual_count) == (s.pk, 2)
    s.connections_visibility = "only_me"
    s.save()
    graph.forget_suggestions(me)
    [suggestion] = graph.suggestions(me.user)
    assert (suggestion.member.pk, suggestion.mutual_count) == (s.pk, 1)  # a's open list


def test_suggestions_for_anonymous_are_empty(chain):
    assert list(graph.suggested_members(AnonymousUser())) == []
