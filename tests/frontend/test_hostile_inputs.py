"""Hostile input on the site's own pages and Wagtail's page API (issue 7): search
syntax, control characters, odd numbers and oversized values in query strings and
forms answer a page (or a 400/404), never a 500; refused forms write nothing.
Run on SQLite and on PostgreSQL."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import Client, TestCase
from wagtail.models import APIToken

from tests.graphql.mutation_support import build_net
from wagtail_network import limits
from wagtail_network.api import NetworkPagesAPIViewSet, WordsSearchFilter
from wagtail_network.filters import search_words
from wagtail_network.models import MemberPage

NASTY = [
    '"',
    'a OR "b AND (c',
    "x\x00y",
    "\x00",
    "\\",
    "%",
    "_",
    "*",
    "NOT",
    "(",
    "\x01\x7f",
    "ŽŁŒ ☃",
    "a" * 100_000,
]

ODD_NUMBERS = ["9" * 30, str(2**63), "-1", "0", "1e9", "abc", "\x00"]


class HostileQueryStringTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def setUp(self):
        self.client = Client(raise_request_exception=False)

    def test_directory_pages_read_search_syntax_as_words(self):
        for url in (self.n.directory.url, self.n.companies.url):
            for text in NASTY:
                for key in ("q", "city", "location", "industry", "skill", "company", "order"):
                    with self.subTest(url=url, key=key, text=text[:10]):
                        response = self.client.get(url, {key: text})
                        self.assertEqual(response.status_code, 200)

    def test_directory_pages_answer_odd_page_numbers(self):
        for value in ODD_NUMBERS:
            with self.subTest(value=value):
                response = self.client.get(self.n.directory.url, {"page": value})
                self.assertEqual(response.status_code, 200)

    def test_directory_search_still_finds_words_inside_syntax(self):
        response = self.client.get(self.n.directory.url, {"q": '"alice ((*'})
        self.assertContains(response, "Alice")

    def test_page_api_reads_search_syntax_as_words(self):
        for text in NASTY:
            with self.subTest(text=text[:10]):
                response = self.client.get("/api/v2/pages/", {"search": text})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], "application/json")

    def test_page_api_search_finds_the_words(self):
        response = self.client.get(
            "/api/v2/pages/", {"search": '"Alice', "type": "wagtail_network.MemberPage"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual([item["title"] for item in response.json()["items"]], ["Alice"])

    def test_page_api_unknown_search_operator_is_400(self):
        response = self.client.get("/api/v2/pages/", {"search": "a", "search_operator": "xor"})
        self.assertEqual(response.status_code, 400)

    def test_page_api_offsets_past_the_database_range_are_400(self):
        for offset in (str(2**63), str(2**31), "9" * 30, "0" * 6000 + "1"):
            for extra in ({}, {"search": "alice"}, {"order": "title"}):
                with self.subTest(offset=offset[:12], extra=extra):
                    response = self.client.get("/api/v2/pages/", {"offset": offset, **extra})
                    self.assertEqual(response.status_code, 400)
                    self.assertIn("offset", response.json()["message"])
        self.assertEqual(self.client.get("/api/v2/pages/", {"offset": "5"}).status_code, 200)

    def test_page_api_odd_ids_are_404_or_400(self):
        for value in ODD_NUMBERS[:3]:
            with self.subTest(value=value):
                self.assertEqual(self.client.get(f"/api/v2/pages/{value}/").status_code, 404)
                for key in ("child_of", "descendant_of", "ancestor_of", "id"):
                    status = self.client.get("/api/v2/pages/", {key: value}).status_code
                    self.assertIn(status, (200, 400, 404), key)

    def test_host_router_gets_words_only_from_the_endpoint_class(self):
        # A host registers NetworkPagesAPIViewSet in its own WagtailAPIRouter: the
        # words filter comes with the class, not with the example site's URLs.
        self.assertIn(WordsSearchFilter, NetworkPagesAPIViewSet.filter_backends)
        self.assertEqual(NetworkPagesAPIViewSet.filter_backends[-1], WordsSearchFilter)

    def test_search_words_is_the_one_normalisation(self):
        self.assertEqual(search_words('a OR "b AND (c'), "a OR b AND c")
        self.assertEqual(search_words("x\x00y\\z%"), "x y z")
        self.assertEqual(len(search_words("a " * 1000)), limits.SEARCH_MAX_LENGTH - 1)


class HostileAccountFormsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def setUp(self):
        self.client = Client(raise_request_exception=False)
        self.client.force_login(self.n.u_alice)

    def test_token_name_with_control_characters_is_a_form_error_and_no_token(self):
        for name in ("phone\x00", "phone\x01", "x" * (limits.TOKEN_NAME_MAX_LENGTH + 1)):
            with self.subTest(name=name[:10]):
                response = self.client.post(
                    "/network/account/", {"action": "create_token", "name": name}
                )
                self.assertEqual(response.status_code, 200)
                self.assertEqual(APIToken.objects.count(), 0)

    def test_revoking_an_out_of_range_token_id_answers_a_message(self):
        for value in ODD_NUMBERS:
            with self.subTest(value=value):
                response = self.client.post(
                    "/network/account/", {"action": "revoke_token", "token_id": value}
                )
                self.assertEqual(response.status_code, 302)


class ModelFormsRefuseControlCharactersTest(TestCase):
    """The admin's and the site's model forms clean the models: the same rule."""

    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def test_member_page_full_clean_refuses_control_characters_on_the_field(self):
        page = MemberPage.objects.get(pk=self.n.alice.pk)
        page.headline = "Chief\x01officer"
        with self.assertRaises(ValidationError) as caught:
            page.full_clean()
        self.assertIn("headline", caught.exception.error_dict)

    def test_member_page_full_clean_keeps_tabs_and_newlines(self):
        page = MemberPage.objects.get(pk=self.n.alice.pk)
        page.headline = "Chief\tofficer"
        page.full_clean()
