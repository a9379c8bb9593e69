"""GraphQL's "how you are connected" (``Member.connectionPath``) and "your
connections at a company" (``Company.viewerConnections``): the results of
graph.connection_path / graph.connections_at_company, each member read through
the ``Member`` type's own visibility."""

from __future__ import annotations

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    PositionFactory,
    UserFactory,
    connect,
    site_root,
)

pytestmark = pytest.mark.django_db

PATH = """query($s: String!) { member(slug: $s) { connectionPath {
    degree hops hidden members { slug name email } } } }"""

AT_COMPANY = """query($s: String!, $current: Boolean) { company(slug: $s) {
    viewerConnections(current: $current, first: 10) { totalCount edges { node { slug } } } } }"""


@pytest.fixture
def net():
    """me – anna – bram – cees, all lists public; me – priv (list "only me") –
    hidden2; a path me – anna – ghost – far where ghost's profile is for
    connections only (so the viewer may not see ghost); nobody: no profile.
    At Acme: anna works there, bram is a stranger there, dora (me's connection)
    worked there before."""
    root = site_root()
    directory = MemberIndexPageFactory(parent=root)
    companies = CompanyIndexPageFactory(parent=root)

    def member(slug, **kwargs):
        kwargs.setdefault("connections_visibility", "public")
        kwargs.setdefault("positions_visibility", "public")
        kwargs.setdefault("profile_visibility", "public")
        kwargs.setdefault("email_visibility", "only_me")
        return MemberPageFactory(
            parent=directory,
            title=slug.title(),
            slug=slug,
            user=UserFactory(username=slug),
            **kwargs,
        )

    class N:
        pass

    n = N()
    for slug in ("me", "anna", "bram", "cees", "dora", "hidden2", "far"):
        setattr(n, slug, member(slug))
    n.priv = member("priv", connections_visibility="only_me")
    n.ghost = member("ghost", profile_visibility="connections")
    n.nobody = UserFactory(username="nobody")
    connect(n.me, n.anna)
    connect(n.anna, n.bram)
    connect(n.bram, n.cees)
    connect(n.me, n.priv)
    connect(n.priv, n.hidden2)
    n.hidden2.connections_visibility = "only_me"
    n.hidden2.save()
    connect(n.anna, n.ghost)
    connect(n.ghost, n.far)
    n.far.connections_visibility = "only_me"
    n.far.save()
    connect(n.me, n.dora)
    n.acme = CompanyPageFactory(parent=companies, title="Acme", slug="acme")
    PositionFactory(member=n.anna, company=n.acme, is_current=True)
    PositionFactory(member=n.bram, company=n.acme, is_current=True)
    PositionFactory(member=n.dora, company=n.acme, is_current=False)
    return n


def path_of(gql, slug, user=None):
    body = gql(PATH, {"s": slug}, user=user)
    assert "errors" not in body, body
    return body["data"]["member"]["connectionPath"]


def test_connection_path_lists_the_viewer_first_and_the_member_last(gql, net):
    u = net.me.user
    one = path_of(gql, "anna", u)
    assert (one["degree"], one["hops"], one["hidden"]) == (1, 1, False)
    assert [m["slug"] for m in one["members"]] == ["me", "anna"]
    two = path_of(gql, "bram", u)
    assert (two["degree"], two["hops"]) == (2, 2)
    assert [m["slug"] for m in two["members"]] == ["me", "anna", "bram"]
    three = path_of(gql, "cees", u)
    assert (three["degree"], three["hops"], three["hidden"]) == (3, 3, False)
    assert [m["slug"] for m in three["members"]] == ["me", "anna", "bram", "cees"]


def test_members_on_a_path_read_their_fields_as_visibility_allows(gql, net):
    three = path_of(gql, "cees", net.me.user)
    # Every e-mail is "only me": the viewer reads their own, nobody else's.
    assert [m["email"] for m in three["members"]] == ["me@example.com", None, None, None]


def test_a_path_through_a_private_connection_list_says_hidden_and_names_nobody(gql, net):
    hidden = path_of(gql, "hidden2", net.me.user)
    assert hidden == {"degree": 2, "hops": None, "hidden": True, "members": []}


def test_a_member_the_viewer_may_not_see_never_appears_on_a_path(gql, net):
    # me – anna – ghost – far is the only path; ghost's profile is for its
    # connections only, so the path is not shown (and ghost is never named).
    body = gql(PATH, {"s": "far"}, user=net.me.user)
    assert "ghost" not in str(body)
    path = body["data"]["member"]["connectionPath"]
    assert (path["degree"], path["members"], path["hidden"]) == (3, [], True)


def test_no_path_for_visitors_users_without_a_profile_or_oneself(gql, net):
    assert path_of(gql, "anna") is None
    assert path_of(gql, "anna", net.nobody) is None
    assert path_of(gql, "me", net.me.user) is None


def test_an_unconnected_member_has_no_degree_and_no_path(gql, net):
    far_away = MemberPageFactory(
        parent=net.me.get_parent(), title="Zed", slug="zed", user=UserFactory(username="zed")
    )
    assert path_of(gql, far_away.slug, net.me.user) == {
        "degree": None,
        "hops": None,
        "hidden": False,
        "members": [],
    }


def test_connection_path_for_one_member_adds_a_bounded_number_of_queries(net):
    from django.test import Client

    from tests.graphql.conftest import post_graphql

    client = Client()
    client.force_login(net.me.user)

    def count(query):
        post_graphql(query, {"s": "cees"}, client=client)  # warm-up (session, caches)
        with CaptureQueriesContext(db_connection) as queries:
            body = post_graphql(query, {"s": "cees"}, client=client)
        assert "errors" not in body, body
        return len(queries), body

    without, _ = count("query($s: String!) { member(slug: $s) { slug } }")
    with_path, body = count(PATH)
    assert body["data"]["member"]["connectionPath"]["hops"] == 3
    # graph.connection_path (at most 5 for a 3-hop path) and the path's members in
    # one optimized query, whatever fields of them are asked.
    assert with_path - without <= 6, (without, with_path)
    print(f"member(slug:): {without} queries, {with_path} with connectionPath (3 hops)")


def test_viewer_connections_lists_the_viewers_connections_at_the_company(gql, net):
    def slugs(user, current=None):
        body = gql(AT_COMPANY, {"s": "acme", "current": current}, user=user)
        assert "errors" not in body, body
        found = body["data"]["company"]["viewerConnections"]
        assert found["totalCount"] == len(found["edges"])
        return [edge["node"]["slug"] for edge in found["edges"]]

    u = net.me.user
    # bram works there too, but is no connection of the viewer's.
    assert slugs(u) == ["anna", "dora"]
    assert slugs(u, True) == ["anna"]
    assert slugs(u, False) == ["dora"]
    assert slugs(None) == []
    assert slugs(net.nobody) == []


def test_viewer_connections_count_only_positions_the_viewer_may_see(gql, net):
    net.anna.positions_visibility = "only_me"
    net.anna.save()
    body = gql(AT_COMPANY, {"s": "acme", "current": True}, user=net.me.user)
    assert body["data"]["company"]["viewerConnections"] == {"totalCount": 0, "edges": []}
