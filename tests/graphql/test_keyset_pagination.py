"""Keyset cursors (issue 7): a page after a cursor is "the items that sort after
that item's key", so renaming, adding or removing *other* items between two
requests never repeats or skips an item whose own key stayed put — what Apollo's
``relayStylePagination`` needs to merge pages. Ranked lists (search relevance,
suggestions) keep offset cursors. Bad cursors are ``INVALID_ARGUMENT``."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import connection
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from graphql_schema.base.connection import MAX_CURSOR_LENGTH
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
from tests.graphql.conftest import post_graphql
from wagtail_network.models import Connection, ConnectionState, MemberPage

BUDGET = {"GRAPHQL_MAX_COST": 10**9, "GRAPHQL_COST_PER_MINUTE": 10**9}

PAGE = (
    "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } "
    "edges { cursor node { slug } }"
)

MEMBERS = (
    "query($first: Int, $after: String, $last: Int, $before: String, $ordering: MemberOrdering) "
    "{ members(first: $first, after: $after, last: $last, before: $before, ordering: $ordering) "
    f"{{ {PAGE} }} }}"
)

CONNECTIONS = (
    'query($first: Int, $after: String, $last: Int, $before: String) { member(slug: "hub") '
    f"{{ connections(first: $first, after: $after, last: $last, before: $before) {{ {PAGE} }} }} }}"
)

EMPLOYEE_CONNECTIONS = (
    'query($first: Int, $after: String) { company(slug: "acme") { employees { edges { node '
    f"{{ slug connections(first: $first, after: $after) {{ {PAGE} }} }} }} }} }} }}"
)

INVITATIONS = (
    "query($first: Int, $after: String) { viewer { invitationsReceived(first: $first, "
    "after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } "
    "edges { cursor node { requester { slug } } } } } }"
)


def decode(cursor: str) -> str:
    return base64.b64decode(cursor).decode()


def encode(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def rename(member: MemberPage, title: str) -> None:
    """A rename as the database sees it (the title lives on the page row)."""
    Page.objects.filter(pk=member.pk).update(title=title)


@override_settings(WAGTAIL_NETWORK=BUDGET)
class KeysetPaginationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = site_root()
        cls.directory = MemberIndexPageFactory(parent=root)
        company = CompanyPageFactory(parent=CompanyIndexPageFactory(parent=root), slug="acme")
        cls.u_viewer = UserFactory(username="viewer")
        cls.viewer = cls.member("Viewer", user=cls.u_viewer, city="Zwolle")
        cls.hub = cls.member("Hub", city="Zwolle")
        start = timezone.now() - timedelta(days=100)
        cities = ["Amersfoort", "Breda", "", "Delft", "Ede", "", "Gouda", "Haarlem"]
        cls.people = []
        for i, city in enumerate(cities):
            person = cls.member(f"Member {i:02d}", city=city)
            # Distinct join dates, in name order.
            Page.objects.filter(pk=person.pk).update(first_published_at=start + timedelta(days=i))
            connect(cls.hub, person)
            cls.people.append(person)
        PositionFactory(member=cls.hub, company=company)
        PositionFactory(member=cls.people[0], company=company)
        connect(cls.people[0], cls.people[1])

    @classmethod
    def member(cls, title: str, **kwargs: Any) -> MemberPage:
        slug = title.lower().replace(" ", "-")
        # With an account: profiles without one are never suggested.
        kwargs.setdefault("user", UserFactory(username=f"u-{slug}"))
        return MemberPageFactory(parent=cls.directory, title=title, slug=slug, **kwargs)

    def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        client = Client()
        client.force_login(self.u_viewer)
        return post_graphql(query, variables or {}, client=client)

    def page(self, query: str, path: tuple[str, ...], **variables: Any) -> dict[str, Any]:
        body = self.gql(query, variables)
        self.assertNotIn("errors", body, body.get("errors"))
        node = body["data"]
        for key in path:
            node = node[key]
        return node

    @staticmethod
    def slugs(page: dict[str, Any]) -> list[str]:
        return [edge["node"]["slug"] for edge in page["edges"]]

    def walk_with_changes(
        self, query: str, path: tuple[str, ...], change: Any, **variables: Any
    ) -> list[str]:
        """Every slug seen paging ``first: 3`` to the end, ``change()`` applied
        after the first page (as another client would, between two requests)."""
        page = self.page(query, path, first=3, **variables)
        seen = self.slugs(page)
        change()
        while page["pageInfo"]["hasNextPage"]:
            page = self.page(query, path, first=3, after=page["pageInfo"]["endCursor"], **variables)
            seen += self.slugs(page)
        return seen

    def assert_each_unmoved_once(self, seen: list[str], unmoved: list[str]) -> None:
        for slug in unmoved:
            self.assertEqual(seen.count(slug), 1, f"{slug} seen {seen.count(slug)}× in {seen}")
        unmoved_seen = [s for s in seen if s in unmoved]
        self.assertEqual(unmoved_seen, [s for s in unmoved if s in unmoved_seen])

    # ------------------------------------------------------------------
    # Keys that stayed put are never repeated or skipped
    # ------------------------------------------------------------------

    def test_members_by_name_repeat_and_skip_nobody_while_others_are_renamed_and_added(self):
        names = ["hub", "member-00", "member-01", "member-02", "member-03", "member-04"]
        names += ["member-05", "member-06", "member-07", "viewer"]

        def change():
            rename(self.people[5], "Aaa Renamed")  # from the next page to before the cursor
            self.member("Abc New")  # a new member sorting before the cursor
            self.member("Member 035")  # and one on the next page

        seen = self.walk_with_changes(MEMBERS, ("members",), change)
        self.assertEqual(seen[:3], ["hub", "member-00", "member-01"])
        self.assert_each_unmoved_once(seen, [n for n in names if n != "member-05"])
        self.assertIn("member-035", seen)
        self.assertNotIn("abc-new", seen)

    def test_members_by_join_date_repeat_and_skip_nobody_while_others_move(self):
        ordering = {"field": "JOINED", "direction": "DESC"}
        first = self.page(MEMBERS, ("members",), first=3, ordering=ordering)
        # Newest first; Viewer and Hub, never published here, have no date: last.
        self.assertEqual(self.slugs(first), ["member-07", "member-06", "member-05"])

        def change():
            # member-03 now reads as the newest, before the cursor.
            newest = timezone.now()
            Page.objects.filter(pk=self.people[3].pk).update(first_published_at=newest)
            MemberPage.objects.filter(pk=self.hub.pk).update(first_published_at=newest)

        seen = self.walk_with_changes(MEMBERS, ("members",), change, ordering=ordering)
        unmoved = ["member-07", "member-06", "member-05", "member-04", "member-02"]
        self.assert_each_unmoved_once(seen, [*unmoved, "member-01", "member-00", "viewer"])
        self.assertNotIn("member-03", seen)
        self.assertNotIn("hub", seen)

    def test_members_by_city_keep_empty_cities_last_and_repeat_nobody(self):
        ordering = {"field": "CITY", "direction": "ASC"}
        first = self.page(MEMBERS, ("members",), first=3, ordering=ordering)
        self.assertEqual(self.slugs(first), ["member-00", "member-01", "member-03"])

        def change():
            MemberPage.objects.filter(pk=self.people[7].pk).update(city="Aalsmeer")
            self.member("Late Comer", city="")

        seen = self.walk_with_changes(MEMBERS, ("members",), change, ordering=ordering)
        self.assert_each_unmoved_once(
            seen, ["member-03", "member-04", "member-06", "viewer", "hub", "member-02", "member-05"]
        )
        self.assertNotIn("member-07", seen)
        # Missing cities last, and members without a city paged through too.
        self.assertEqual(seen[-3:], ["member-02", "member-05", "late-comer"])

    def test_a_members_connections_repeat_and_skip_nobody_while_others_are_renamed(self):
        def change():
            rename(self.people[4], "Aaa")
            connect(self.hub, self.member("Aab"))

        seen = self.walk_with_changes(CONNECTIONS, ("member", "connections"), change)
        unmoved = ["member-00", "member-01", "member-02", "member-03", "member-05", "member-06"]
        self.assert_each_unmoved_once(seen, unmoved + ["member-07"])
        self.assertNotIn("aab", seen)

    def test_nested_connections_in_a_list_repeat_nobody_while_others_are_renamed(self):
        query, path = EMPLOYEE_CONNECTIONS, ("company", "employees", "edges")
        first = {
            e["node"]["slug"]: e["node"]["connections"] for e in self.page(query, path, first=2)
        }
        self.assertEqual(self.slugs(first["hub"]), ["member-00", "member-01"])
        rename(self.people[3], "Aaa")
        after = first["hub"]["pageInfo"]["endCursor"]
        second = {
            e["node"]["slug"]: e["node"]["connections"]
            for e in self.page(query, path, first=2, after=after)
        }
        self.assertEqual(self.slugs(second["hub"]), ["member-02", "member-04"])
        self.assertEqual(second["hub"]["totalCount"], 8)
        self.assertTrue(second["hub"]["pageInfo"]["hasPreviousPage"])
        # member-00's own list, after hub's cursor: only what sorts after member-01.
        self.assertEqual(self.slugs(second["member-00"]), [])
        self.assertEqual(second["member-00"]["totalCount"], 2)

    def test_invitations_received_repeat_nobody_when_a_newer_one_arrives(self):
        now = timezone.now()
        for i, sender in enumerate(self.people[:5]):
            invite(sender, self.viewer, created_at=now - timedelta(hours=i))
        page = self.page(INVITATIONS, ("viewer", "invitationsReceived"), first=2)
        seen = [e["node"]["requester"]["slug"] for e in page["edges"]]
        invite(self.hub, self.viewer, created_at=now + timedelta(hours=1))
        while page["pageInfo"]["hasNextPage"]:
            page = self.page(
                INVITATIONS,
                ("viewer", "invitationsReceived"),
                first=2,
                after=page["pageInfo"]["endCursor"],
            )
            seen += [e["node"]["requester"]["slug"] for e in page["edges"]]
        self.assertEqual(seen, [p.slug for p in self.people[:5]])
        self.assertEqual(page["totalCount"], 6)

    # ------------------------------------------------------------------
    # Both directions, page info, totals
    # ------------------------------------------------------------------

    def test_members_page_backwards_with_last_and_before(self):
        everyone = self.slugs(self.page(MEMBERS, ("members",), first=100))
        last = self.page(MEMBERS, ("members",), last=3)
        self.assertEqual(self.slugs(last), everyone[-3:])
        self.assertTrue(last["pageInfo"]["hasPreviousPage"])
        self.assertFalse(last["pageInfo"]["hasNextPage"])
        earlier = self.page(MEMBERS, ("members",), last=3, before=last["pageInfo"]["startCursor"])
        self.assertEqual(self.slugs(earlier), everyone[-6:-3])
        self.assertTrue(earlier["pageInfo"]["hasNextPage"])
        self.assertEqual(earlier["totalCount"], len(everyone))
        start = self.page(MEMBERS, ("members",), last=10, before=earlier["pageInfo"]["startCursor"])
        self.assertEqual(self.slugs(start), everyone[:-6])
        self.assertFalse(start["pageInfo"]["hasPreviousPage"])

    def test_a_members_connections_page_backwards(self):
        last = self.page(CONNECTIONS, ("member", "connections"), last=2)
        self.assertEqual(self.slugs(last), ["member-06", "member-07"])
        before = last["pageInfo"]["startCursor"]
        earlier = self.page(CONNECTIONS, ("member", "connections"), last=2, before=before)
        self.assertEqual(self.slugs(earlier), ["member-04", "member-05"])
        self.assertEqual(earlier["totalCount"], 8)

    def test_page_info_says_whether_more_items_precede_and_follow(self):
        first = self.page(MEMBERS, ("members",), first=4)
        self.assertEqual(
            (first["pageInfo"]["hasPreviousPage"], first["pageInfo"]["hasNextPage"]), (False, True)
        )
        rest = self.page(MEMBERS, ("members",), first=100, after=first["pageInfo"]["endCursor"])
        self.assertEqual(
            (rest["pageInfo"]["hasPreviousPage"], rest["pageInfo"]["hasNextPage"]), (True, False)
        )
        self.assertEqual(len(rest["edges"]) + 4, rest["totalCount"])

    def test_cursors_are_keyset_cursors_of_the_sort_key_and_id(self):
        page = self.page(MEMBERS, ("members",), first=1)
        prefix, values = decode(page["edges"][0]["cursor"]).split(":", 1)
        self.assertEqual(prefix, "orderedcursor")
        self.assertEqual(json.loads(values), ["Hub", str(self.hub.pk)])

    def test_a_later_page_costs_no_more_queries_than_the_first(self):
        client = Client()
        client.force_login(self.u_viewer)
        first = post_graphql(MEMBERS, {"first": 3}, client=client)
        with CaptureQueriesContext(connection) as on_first:
            post_graphql(MEMBERS, {"first": 3}, client=client)
        after = first["data"]["members"]["pageInfo"]["endCursor"]
        with CaptureQueriesContext(connection) as on_second:
            second = post_graphql(MEMBERS, {"first": 3, "after": after}, client=client)
        self.assertEqual(second["data"]["members"]["totalCount"], 10)
        self.assertLessEqual(len(on_second), len(on_first))

    # ------------------------------------------------------------------
    # Ranked lists keep offsets
    # ------------------------------------------------------------------

    def test_relevance_search_pages_with_offset_cursors(self):
        query = """query($after: String) { members(search: "Member", first: 3, after: $after) {
            totalCount pageInfo { hasNextPage endCursor } edges { cursor node { slug } } } }"""
        page = self.page(query, ("members",))
        self.assertEqual(decode(page["edges"][0]["cursor"]), "arrayconnection:0")
        seen = self.slugs(page)
        while page["pageInfo"]["hasNextPage"]:
            page = self.page(query, ("members",), after=page["pageInfo"]["endCursor"])
            seen += self.slugs(page)
        self.assertEqual(sorted(seen), [p.slug for p in self.people])
        self.assertEqual(page["totalCount"], len(self.people))

    def test_suggestions_page_with_offset_cursors(self):
        connect(self.viewer, self.people[0])  # people[1] and hub become 2nd degree
        query = "{ viewer { suggestions(first: 1) { edges { cursor node { slug } } } } }"
        edges = self.page(query, ("viewer", "suggestions"))["edges"]
        self.assertEqual(decode(edges[0]["cursor"]), "arrayconnection:0")

    # ------------------------------------------------------------------
    # Bad cursors
    # ------------------------------------------------------------------

    def assert_refused(self, query: str, variables: dict[str, Any], argument: str) -> None:
        body = self.gql(query, variables)
        self.assertIn("errors", body, body)
        error = body["errors"][0]
        self.assertEqual(error["extensions"]["code"], "INVALID_ARGUMENT", error)
        self.assertEqual(error["extensions"]["field"], argument, error)

    def bad_cursors(self) -> dict[str, str]:
        hub = str(self.hub.pk)
        return {
            "garbage": "not base64 at all!",
            "undecodable base64": "////",
            "offset cursor on a keyset list": encode("arrayconnection:2"),
            "huge offset": encode("arrayconnection:" + "9" * 30),
            "node id": encode("Member:1"),
            "too few values": encode('orderedcursor:["Hub"]'),
            "too many values": encode(f'orderedcursor:["Hub","{hub}","1"]'),
            "huge id": encode('orderedcursor:["Hub","' + "9" * 30 + '"]'),
            "negative huge id": encode('orderedcursor:["Hub","-' + "9" * 30 + '"]'),
            "not a number": encode('orderedcursor:["Hub","x"]'),
            "numbers instead of strings": encode("orderedcursor:[1,2]"),
            "not a list": encode('orderedcursor:{"a":1}'),
            "not JSON": encode("orderedcursor:[Hub"),
            "too long": encode('orderedcursor:["' + "a" * MAX_CURSOR_LENGTH + f'","{hub}"]'),
        }

    def test_bad_cursors_are_refused_as_invalid_argument(self):
        for name, cursor in self.bad_cursors().items():
            for argument in ("after", "before"):
                with self.subTest(cursor=name, argument=argument):
                    self.assert_refused(MEMBERS, {"first": 2, argument: cursor}, argument)

    def test_bad_cursors_on_a_nested_connection_are_refused_as_invalid_argument(self):
        for name, cursor in self.bad_cursors().items():
            if name == "too many values":
                continue  # a member's connections sort by three terms (see below)
            with self.subTest(cursor=name):
                self.assert_refused(EMPLOYEE_CONNECTIONS, {"first": 2, "after": cursor}, "after")
                self.assert_refused(CONNECTIONS, {"first": 2, "after": cursor}, "after")

    def test_a_keyset_cursor_on_a_ranked_list_is_refused(self):
        cursor = self.page(MEMBERS, ("members",), first=1)["pageInfo"]["endCursor"]
        query = """query($c: String) { members(search: "Member", first: 2, after: $c) {
            totalCount } }"""
        self.assert_refused(query, {"c": cursor}, "after")

    def test_bad_offset_cursors_on_a_ranked_list_are_refused(self):
        query = """query($c: String) { members(search: "Member", first: 2, after: $c) {
            totalCount } }"""
        for name, offset in {
            "thousands of digits": "0" * 6000 + "5",
            "many leading zeros": "0" * 1700 + "5",
            "negative": "-1",
            "sign": "+5",
            "spaces": " 5",
            "non-ascii digits": "٥",
            "huge": "9" * 11,
        }.items():
            with self.subTest(offset=name):
                self.assert_refused(query, {"c": encode("arrayconnection:" + offset)}, "after")

    def test_a_cursor_of_another_ordering_is_refused(self):
        cursor = self.page(CONNECTIONS, ("member", "connections"), first=1)["pageInfo"]["endCursor"]
        self.assert_refused(MEMBERS, {"first": 2, "after": cursor}, "after")

    def test_a_nested_cursor_works_batched_and_alone(self):
        """The same cursor pages a member's connections whether they are
        prefetched for a list of members or fetched for an aliased selection."""
        cursor = self.page(CONNECTIONS, ("member", "connections"), first=2)["pageInfo"]["endCursor"]
        aliased = self.page(
            'query($c: String) { member(slug: "hub") { more: connections(first: 2, after: $c) '
            "{ edges { node { slug } } } } }",
            ("member", "more"),
            c=cursor,
        )
        self.assertEqual(self.slugs(aliased), ["member-02", "member-03"])


def invite(requester: MemberPage, recipient: MemberPage, *, created_at: Any) -> Connection:
    low, high = sorted([requester, recipient], key=lambda p: p.pk)
    return Connection.objects.create(
        member_low=low,
        member_high=high,
        requester=requester,
        recipient=recipient,
        state=ConnectionState.PENDING,
        created_at=created_at,
    )


class ConnectionSDLTests(TestCase):
    """What the committed SDL says about every connection."""

    sdl = (Path(__file__).parents[2] / "graphql_schema" / "schema.graphql").read_text()

    def test_total_count_is_non_null_on_every_connection(self):
        counts = re.findall(r"^\s*totalCount: (\S+)$", self.sdl, re.MULTILINE)
        self.assertGreater(len(counts), 5)
        self.assertEqual(set(counts), {"Int!"})

    def test_paging_arguments_say_what_they_do(self):
        self.assertNotIn("Returns the items in the list that come after", self.sdl)
        self.assertIn('"""The last n items (before `before` if given); at most 100."""', self.sdl)
