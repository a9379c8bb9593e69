"""``Member.connections`` inside a list of members: batched by strawberry-django's
window pagination, yet each member's page and total are their own."""

from __future__ import annotations

from django.test import Client, TestCase, override_settings

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

BUDGET = {"GRAPHQL_MAX_COST": 10**9, "GRAPHQL_COST_PER_MINUTE": 10**9}

EMPLOYEES = """query($first: Int, $after: String, $last: Int, $before: String) {
  company(slug: "acme") { employees {
    edges { node { slug connections(first: $first, after: $after, last: $last, before: $before) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { slug } } } } } } } }"""


@override_settings(WAGTAIL_NETWORK=BUDGET)
class NestedConnectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = site_root()
        directory = MemberIndexPageFactory(parent=root)
        company = CompanyPageFactory(parent=CompanyIndexPageFactory(parent=root), slug="acme")

        def member(slug, **kwargs):
            return MemberPageFactory(parent=directory, title=slug.title(), slug=slug, **kwargs)

        # ann and bob both work at acme; both know "aaron", who sorts first in
        # each list, so the same member object heads two pages of different sizes.
        cls.ann, cls.bob = member("ann"), member("bob")
        aaron, carl, dora = member("aaron"), member("carl"), member("dora")
        for employee in (cls.ann, cls.bob):
            PositionFactory(member=employee, company=company, title="Engineer")
        for other in (aaron, carl, dora):
            connect(cls.ann, other)
        connect(cls.bob, aaron)
        cls.viewer = UserFactory(username="viewer")
        member("viewer", user=cls.viewer)

    def pages(self, **variables):
        client = Client()
        client.force_login(self.viewer)
        body = post_graphql(EMPLOYEES, variables, client=client)
        self.assertNotIn("errors", body, body.get("errors"))
        return {
            edge["node"]["slug"]: edge["node"]["connections"]
            for edge in body["data"]["company"]["employees"]["edges"]
        }

    def test_nested_connection_totals_are_per_member_even_when_they_share_a_connection(self):
        pages = self.pages(first=2)
        self.assertEqual(pages["ann"]["totalCount"], 3)  # aaron, carl, dora
        self.assertEqual([e["node"]["slug"] for e in pages["ann"]["edges"]], ["aaron", "carl"])
        self.assertEqual(pages["bob"]["totalCount"], 1)

    def test_nested_connection_pages_by_cursor_per_member(self):
        first = self.pages(first=1)
        self.assertEqual([e["node"]["slug"] for e in first["ann"]["edges"]], ["aaron"])
        self.assertTrue(first["ann"]["pageInfo"]["hasNextPage"])
        self.assertFalse(first["bob"]["pageInfo"]["hasNextPage"])
        after = first["ann"]["pageInfo"]["endCursor"]
        second = self.pages(first=2, after=after)
        self.assertEqual([e["node"]["slug"] for e in second["ann"]["edges"]], ["carl", "dora"])
        self.assertTrue(second["ann"]["pageInfo"]["hasPreviousPage"])
        self.assertFalse(second["ann"]["pageInfo"]["hasNextPage"])
        self.assertEqual(second["bob"]["edges"], [])
        self.assertEqual(second["ann"]["totalCount"], 3)

    def test_nested_connection_pages_backwards_per_member(self):
        pages = self.pages(last=2)
        self.assertEqual([e["node"]["slug"] for e in pages["ann"]["edges"]], ["carl", "dora"])
        self.assertTrue(pages["ann"]["pageInfo"]["hasPreviousPage"])
        self.assertEqual([e["node"]["slug"] for e in pages["bob"]["edges"]], ["aaron"])
        self.assertFalse(pages["bob"]["pageInfo"]["hasPreviousPage"])
        before = pages["ann"]["edges"][0]["cursor"]
        earlier = self.pages(last=1, before=before)
        self.assertEqual([e["node"]["slug"] for e in earlier["ann"]["edges"]], ["aaron"])
        self.assertEqual(earlier["ann"]["totalCount"], 3)

    def test_aliased_nested_connections_page_independently(self):
        client = Client()
        client.force_login(self.viewer)
        body = post_graphql(
            """{ company(slug: "acme") { employees { edges { node { slug
                one: connections(first: 1) { totalCount edges { node { slug } } }
                all: connections(first: 10) { totalCount edges { node { slug } } } } } } } }""",
            client=client,
        )
        self.assertNotIn("errors", body, body.get("errors"))
        nodes = {
            e["node"]["slug"]: e["node"] for e in body["data"]["company"]["employees"]["edges"]
        }
        self.assertEqual([e["node"]["slug"] for e in nodes["ann"]["one"]["edges"]], ["aaron"])
        self.assertEqual(
            [e["node"]["slug"] for e in nodes["ann"]["all"]["edges"]], ["aaron", "carl", "dora"]
        )
        self.assertEqual(nodes["ann"]["one"]["totalCount"], 3)
        self.assertEqual(nodes["bob"]["all"]["totalCount"], 1)
