"""How you are connected (graph.connection_path), mutual connections and your
connections at a company (graph.connections_at_company): every result through
members and edges the viewer may see."""

from __future__ import annotations

import random
from collections import deque

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from tests.factories import PositionFactory, connect
from wagtail_network import graph, visibility
from wagtail_network.models import Block, ConnectionEdge, MemberPage
from wagtail_network.viewer import Viewer

pytestmark = pytest.mark.django_db


def titles(path):
    return [m.title for m in path.members]


@pytest.fixture
def chain(make_member):
    """me – a – b – c – d, plus x unconnected."""
    me, a, b, c, d, x = (make_member(title=name) for name in "me a b c d x".split())
    connect(me, a)
    connect(a, b)
    connect(b, c)
    connect(c, d)
    return me, a, b, c, d, x


def test_path_runs_from_the_viewer_to_the_member_up_to_three_hops(chain):
    me, a, b, c, d, x = chain
    assert titles(graph.connection_path(me.user, a)) == ["me", "a"]
    assert titles(graph.connection_path(me.user, b)) == ["me", "a", "b"]
    assert titles(graph.connection_path(me.user, c)) == ["me", "a", "b", "c"]
    four = graph.connection_path(me.user, d)
    assert (four.degree, four.members, four.hidden) == (None, (), False)
    assert graph.connection_path(me.user, x).degree is None


def test_path_is_a_shortest_one(chain):
    me, a, b, c, *_ = chain
    connect(me, c)
    path = graph.connection_path(me.user, c)
    assert (path.degree, path.hops, titles(path)) == (1, 1, ["me", "c"])
    # b is now reachable in 2 hops two ways; either is a shortest path.
    path = graph.connection_path(me.user, b)
    assert path.hops == 2 and path.between[0].title in {"a", "c"}


def test_path_of_oneself_and_for_anonymous_is_empty(chain):
    me, a, *_ = chain
    assert graph.connection_path(me.user, me).members == ()
    assert graph.connection_path(me.user, me).degree is None
    assert graph.connection_path(AnonymousUser(), a).degree is None


def test_path_through_connections_who_keep_their_list_private_is_not_shown(chain):
    me, a, b, c, *_ = chain
    for member in (a, b, c):
        member.connections_visibility = "only_me"
        member.save()
    two = graph.connection_path(me.user, b)
    assert (two.degree, two.members, two.hidden) == (2, (), True)
    three = graph.connection_path(me.user, c)
    assert (three.degree, three.members, three.hidden) == (3, (), True)


def test_path_uses_an_edge_whose_other_end_shows_its_list(chain):
    # a keeps its list private, but b shows its own: the edge a–b is visible.
    me, a, b, *_ = chain
    a.connections_visibility = "only_me"
    a.save()
    assert titles(graph.connection_path(me.user, b)) == ["me", "a", "b"]


def test_path_may_be_longer_than_the_degree_when_the_short_way_is_hidden(make_member):
    # me – a – t is hidden (a and t keep their lists to themselves), but
    # me – c – d – t runs through lists the viewer may see.
    me, a, t, c, d = (make_member(title=name) for name in "me a t c d".split())
    for private in (a, t):
        private.connections_visibility = "only_me"
        private.save()
    connect(me, a)
    connect(a, t)
    connect(me, c)
    connect(c, d)
    connect(d, t)
    path = graph.connection_path(me.user, t)
    assert (path.degree, titles(path), path.hidden) == (2, ["me", "c", "d", "t"], False)


def test_path_never_runs_through_a_member_the_viewer_may_not_see(chain, make_member):
    me, a, b, *_ = chain
    a.unpublish()
    path = graph.connection_path(me.user, b)
    assert path.members == () and path.hidden  # degree counts all edges; no path shown
    # With another way round through a visible member, that one is shown.
    e = make_member(title="e")
    connect(me, e)
    connect(e, b)
    assert titles(graph.connection_path(me.user, b)) == ["me", "e", "b"]


def test_path_never_runs_through_a_member_blocked_either_way(chain):
    me, a, b, *_ = chain
    Block.objects.create(blocker=a, blocked=me)
    assert graph.connection_path(me.user, b).members == ()


def test_path_to_a_member_the_viewer_may_not_see_reads_like_no_connection(chain):
    me, a, b, *_ = chain
    b.profile_visibility = "connections"
    b.save()
    path = graph.connection_path(me.user, b)
    assert (path.degree, path.members, path.hidden) == (None, (), False)


def test_path_takes_a_constant_number_of_queries(make_member):
    me, *others = (make_member(title=f"m{i}") for i in range(13))
    # me – m0..m4, each of them – m5..m9, m10 – m11 unreachable.
    for near in others[:5]:
        connect(me, near)
        for far in others[5:10]:
            connect(near, far)
    connect(others[9], others[10])
    viewer = Viewer.of(me.user)
    graph.connection_path(viewer, others[0])  # looks up the viewer's member

    def count(target):
        with CaptureQueriesContext(db_connection) as ctx:
            graph.connection_path(viewer, target)
        return len(ctx.captured_queries)

    assert count(others[5]) <= 4  # 2 hops
    assert count(others[10]) <= 5  # 3 hops
    assert count(others[11]) <= 4  # unreachable


def _visible_edges_bfs(viewer_member, members, edges, lists_visible, visible):
    """Shortest hop count over edges the viewer may see, in plain Python: the
    oracle for the SQL search."""
    adjacency: dict[int, set[int]] = {m: set() for m in members}
    for x, y in edges:
        if x not in visible or y not in visible:
            continue
        if viewer_member in (x, y) or x in lists_visible or y in lists_visible:
            adjacency[x].add(y)
            adjacency[y].add(x)
    dist = {viewer_member: 0}
    queue = deque([viewer_member])
    while queue:
        node = queue.popleft()
        for nxt in adjacency[node]:
            if nxt not in dist:
                dist[nxt] = dist[node] + 1
                queue.append(nxt)
    return dist


@pytest.mark.parametrize("batch", [graph.PATH_BATCH, 1], ids=["one round", "a round per edge"])
def test_path_is_a_real_shortest_path_through_visible_edges_on_a_random_network(
    make_member, monkeypatch, batch
):
    # With one candidate edge per round the 3-hop search pages through every
    # edge between the two neighbourhoods: the same answers.
    monkeypatch.setattr(graph, "PATH_BATCH", batch)
    rng = random.Random(13)
    people = [make_member(title=f"p{i:02d}") for i in range(36)]
    choices = ["public", "members", "connections", "only_me"]
    for person in people:
        person.connections_visibility = rng.choice(choices)
        person.save()
    pairs = set()
    while len(pairs) < 60:
        x, y = rng.sample(range(len(people)), 2)
        pairs.add((min(x, y), max(x, y)))
    for x, y in sorted(pairs):
        connect(people[x], people[y])
    edges = {(a, b) for a, b in ConnectionEdge.objects.values_list("member_id", "other_id")}
    ids = [p.pk for p in people]
    for viewer_member in people[:6]:
        viewer = Viewer.of(viewer_member.user)
        visible = set(visibility.members_visible_to(viewer).values_list("pk", flat=True))
        lists_visible = set(
            visibility.members_with_visible_connections(viewer).values_list("pk", flat=True)
        )
        dist = _visible_edges_bfs(viewer_member.pk, ids, edges, lists_visible, visible)
        degrees = graph.degrees(viewer, ids)
        for target in people:
            if target.pk == viewer_member.pk:
                continue
            path = graph.connection_path(viewer, target)
            expected = dist.get(target.pk)
            if target.pk not in visible:
                assert path.degree is None and path.members == ()
                continue
            assert path.degree == degrees[target.pk]
            if expected is None or expected > 3:
                assert path.members == ()
                assert path.hidden == (degrees[target.pk] in (2, 3))
                continue
            assert path.hops == expected, (viewer_member.title, target.title)
            chain = [m.pk for m in path.members]
            assert chain[0] == viewer_member.pk and chain[-1] == target.pk
            for x, y in zip(chain, chain[1:], strict=False):
                assert (x, y) in edges
                assert viewer_member.pk in (x, y) or x in lists_visible or y in lists_visible
            assert all(pk in visible for pk in chain)


# --------------------------------------------------------------------------
# Mutual connections
# --------------------------------------------------------------------------


def test_mutual_connections_count_only_edges_the_viewer_may_see(make_member):
    me, t, k1, k2 = (make_member(title=name) for name in "me t k1 k2".split())
    for k in (k1, k2):
        connect(me, k)
        connect(k, t)
    t.connections_visibility = "only_me"
    t.save()
    k2.connections_visibility = "only_me"
    k2.save()
    # k2–t: neither list is visible to me, so k2 is not shown as mutual.
    assert [m.title for m in visibility.mutual_connections(me.user, t)] == ["k1"]
    annotated = MemberPage.objects.filter(pk=t.pk).annotate(
        n=visibility.mutual_connection_count_expression(me.user)
    )
    assert annotated.get().n == 1
    t.connections_visibility = "public"
    t.save()
    assert visibility.mutual_connections(me.user, t).count() == 2
    assert (
        MemberPage.objects.filter(pk=t.pk)
        .annotate(n=visibility.mutual_connection_count_expression(me.user))
        .get()
        .n
        == 2
    )


def test_mutual_connections_hide_members_the_viewer_may_not_see(make_member):
    me, t, k = (make_member(title=name) for name in "me t k".split())
    connect(me, k)
    connect(k, t)
    Block.objects.create(blocker=k, blocked=me)
    assert visibility.mutual_connections(me.user, t).count() == 0
    assert (
        MemberPage.objects.filter(pk=t.pk)
        .annotate(n=visibility.mutual_connection_count_expression(me.user))
        .get()
        .n
        == 0
    )


def test_mutual_connections_with_a_member_the_viewer_may_not_see_are_none(make_member):
    me, t, k = (make_member(title=name) for name in "me t k".split())
    connect(me, k)
    connect(k, t)
    t.profile_visibility = "connections"
    t.save()
    assert visibility.mutual_connections(me.user, t).count() == 0


def test_mutual_connection_count_is_one_query(make_member):
    me, t, k = (make_member(title=name) for name in "me t k".split())
    connect(me, k)
    connect(k, t)
    viewer = Viewer.of(me.user)
    visibility.mutual_connections(viewer, t).count()
    with CaptureQueriesContext(db_connection) as ctx:
        assert visibility.mutual_connections(viewer, t).count() == 1
    assert len(ctx.captured_queries) == 1


# --------------------------------------------------------------------------
# Your connections at a company
# --------------------------------------------------------------------------


def test_connections_at_company_are_the_viewers_connections_who_work_or_worked_there(
    make_member, company, other_company
):
    me, now, before, elsewhere, stranger = (
        make_member(title=name) for name in "me now before elsewhere stranger".split()
    )
    for member in (now, before, elsewhere):
        connect(me, member)
    PositionFactory(member=now, company=company, is_current=True)
    PositionFactory(member=before, company=company, is_current=False)
    PositionFactory(member=elsewhere, company=other_company, is_current=True)
    PositionFactory(member=stranger, company=company, is_current=True)

    def names(current=None):
        return sorted(m.title for m in graph.connections_at_company(me.user, company, current))

    assert names() == ["before", "now"]
    assert names(current=True) == ["now"]
    assert names(current=False) == ["before"]
    assert graph.connections_at_company(AnonymousUser(), company).count() == 0


def test_connections_at_company_obey_position_visibility_except_for_its_admins(
    make_member, company
):
    me, hidden = make_member(title="me"), make_member(title="hidden")
    connect(me, hidden)
    PositionFactory(member=hidden, company=company, is_current=True)
    hidden.positions_visibility = "only_me"
    hidden.save()
    assert graph.connections_at_company(me.user, company).count() == 0
    assign_perm("wagtail_network.change_companypage", me.user, company)
    fresh = type(me.user).objects.get(pk=me.user.pk)
    assert [m.title for m in graph.connections_at_company(fresh, company)] == ["hidden"]


def test_connections_at_an_unpublished_company_are_none(make_member, company):
    me, k = make_member(title="me"), make_member(title="k")
    connect(me, k)
    PositionFactory(member=k, company=company, is_current=True)
    company.unpublish()
    assert graph.connections_at_company(me.user, company).count() == 0
