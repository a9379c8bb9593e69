"""Member profile queries: fields, renditions by allow-listed spec, paging limits."""

from __future__ import annotations

import wagtail_factories
from django.test import Client, TestCase, override_settings
from wagtail.images import get_image_model

from tests.factories import IndustryFactory, login_of
from tests.graphql.conftest import build_world, post_graphql
from wagtail_network.models import Education, MemberLink

BUDGET = {"GRAPHQL_MAX_COST": 10**9, "GRAPHQL_COST_PER_MINUTE": 10**9}


@override_settings(WAGTAIL_NETWORK=BUDGET)
class MemberQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        alice = cls.w.alice
        alice.bio = "<p>Builds <b>widgets</b></p>"
        alice.languages = "Dutch, English"
        alice.open_to_mentoring = True
        alice.open_to_hiring = True
        alice.industry = IndustryFactory(name="Software")
        alice.photo = wagtail_factories.ImageFactory()
        alice.interests.add("chess", "sailing")
        alice.save_revision().publish()
        Education.objects.create(member=alice, school="TU Delft", degree="MSc", end_year=2010)
        MemberLink.objects.create(member=alice, label="Blog", url="https://alice.example.com")

    def gql(self, query, variables=None, user=None):
        client = Client()
        if user is not None:
            client.force_login(user)
        return post_graphql(query, variables, client=client)

    def test_profile_fields_of_a_public_member(self):
        body = self.gql(
            """{ member(slug: "alice") { name headline bio city country location languages
                 openTo interests industry { name slug } url
                 education { school degree endYear } links { label url } } }"""
        )
        self.assertNotIn("errors", body)
        member = body["data"]["member"]
        self.assertEqual(member["name"], "Alice")
        self.assertEqual(member["headline"], "Chief widget officer")
        self.assertIn("<b>widgets</b>", member["bio"])
        self.assertEqual(member["location"], "Amsterdam, Netherlands")
        self.assertEqual(member["languages"], ["Dutch", "English"])
        self.assertEqual(sorted(member["openTo"]), ["HIRING", "MENTORING"])
        self.assertEqual(sorted(member["interests"]), ["chess", "sailing"])
        self.assertEqual(member["industry"], {"name": "Software", "slug": "software"})
        self.assertTrue(member["url"].endswith("/members/alice/"))
        self.assertEqual(
            member["education"], [{"school": "TU Delft", "degree": "MSc", "endYear": 2010}]
        )
        self.assertEqual(member["links"], [{"label": "Blog", "url": "https://alice.example.com"}])

    def test_photo_rendition_for_an_allowed_spec(self):
        body = self.gql(
            '{ member(slug: "alice") { photo(spec: "fill-64x64") { url width height spec } } }'
        )
        self.assertNotIn("errors", body)
        photo = body["data"]["member"]["photo"]
        self.assertEqual((photo["width"], photo["height"], photo["spec"]), (64, 64, "fill-64x64"))

    def test_unlisted_rendition_spec_is_refused_and_never_generated(self):
        renditions = get_image_model().get_rendition_model().objects
        before = renditions.count()
        body = self.gql('{ member(slug: "alice") { photo(spec: "fill-4000x4000") { url } } }')
        self.assertEqual(body["errors"][0]["extensions"]["code"], "INVALID_ARGUMENT")
        self.assertIn("fill-4000x4000", body["errors"][0]["message"])
        self.assertNotIn("Traceback", str(body))
        self.assertEqual(renditions.count(), before)

    def test_photo_whose_file_is_missing_reads_null_not_an_error(self):
        bob = self.w.bob
        bob.photo = wagtail_factories.ImageFactory()
        bob.save_revision().publish()
        bob.photo.file.storage.delete(bob.photo.file.name)
        body = self.gql(
            '{ member(slug: "bob") { photo(spec: "fill-256x256") { url } } }', user=self.w.u_dave
        )
        self.assertNotIn("errors", body)
        self.assertIsNone(body["data"]["member"]["photo"])

    def test_unlisted_spec_refused_even_for_members_without_photo(self):
        body = self.gql(
            '{ member(slug: "bob") { photo(spec: "width-9999") { url } } }', user=self.w.u_dave
        )
        self.assertEqual(body["errors"][0]["extensions"]["code"], "INVALID_ARGUMENT")

    def test_first_above_100_is_refused(self):
        for query in (
            "{ members(first: 101) { totalCount } }",
            "{ companies(first: 500) { totalCount } }",
            '{ member(slug: "alice") { connections(first: 101) { totalCount } } }',
            "{ skills(first: 1000) { totalCount } }",
        ):
            with self.subTest(query=query):
                body = self.gql(query)
                self.assertIn("errors", body)
                self.assertIn("100", body["errors"][0]["message"])

    def test_malformed_cursor_is_refused_as_invalid_argument(self):
        for cursor in ("garbage", "YXJyYXljb25uZWN0aW9uOi0x", "TWVtYmVyOjE="):
            with self.subTest(cursor=cursor):
                body = self.gql(
                    "query($c: String) { members(first: 2, after: $c) { totalCount } }",
                    {"c": cursor},
                )
                self.assertEqual(body["errors"][0]["extensions"]["code"], "INVALID_ARGUMENT")
                self.assertIsNone(body["data"])

    def test_undecodable_node_id_is_refused_without_mentioning_any_object(self):
        body = self.gql("query($id: ID!) { node(id: $id) { id } }", {"id": "!!!"})
        self.assertIsNone(body["data"]["node"])
        self.assertNotIn("Member", str(body["errors"]))

    def test_members_pages_with_cursors(self):
        query = """query($after: String) { members(first: 2, after: $after) {
            totalCount pageInfo { hasNextPage endCursor } edges { node { slug } } } }"""
        seen, after = [], None
        while True:
            page = self.gql(query, {"after": after}, user=self.w.u_dave)["data"]["members"]
            seen += [e["node"]["slug"] for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        self.assertEqual(len(seen), page["totalCount"])
        self.assertEqual(seen, sorted(seen))  # default order: by name
        self.assertEqual(set(seen), {"alice", "bob", "dave", "eve"})

    def test_viewer_is_null_for_visitors_and_describes_the_signed_in_user(self):
        self.assertIsNone(self.gql("{ viewer { username } }")["data"]["viewer"])
        data = self.gql("{ viewer { username member { slug } } }", user=self.w.u_nobody)["data"]
        # The viewer's own login: "nobody", or nobody@example.com on an e-mail login model.
        self.assertEqual(data["viewer"], {"username": login_of("nobody"), "member": None})

    def test_member_by_global_id_returns_the_same_profile_as_by_slug(self):
        by_slug = self.gql('{ member(slug: "alice") { id name email } }', user=self.w.u_bob)
        node = self.gql(
            "query($id: ID!) { node(id: $id) { ... on Member { id name email } } }",
            {"id": by_slug["data"]["member"]["id"]},
            user=self.w.u_bob,
        )
        self.assertEqual(node["data"]["node"], by_slug["data"]["member"])
