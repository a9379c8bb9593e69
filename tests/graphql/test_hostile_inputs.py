"""Hostile input over GraphQL (issue 7): search syntax and control characters read
as words, out-of-range ids read as NOT_FOUND, control characters and oversized
texts and lists refused as VALIDATION with the field — never a 5xx, never
INTERNAL_ERROR, and nothing written by a refused mutation. Run on SQLite and on
PostgreSQL (which refuses NUL in text parameters)."""

from __future__ import annotations

import base64

from django.test import Client, TestCase
from wagtail.models import APIToken, Revision

from tests.graphql.mutation_support import build_net, gid, post
from wagtail_network import limits
from wagtail_network.models import (
    Block,
    Connection,
    Endorsement,
    Follow,
    MemberPage,
    Recommendation,
    Report,
)

#: Search-engine syntax, wildcards, control characters and sheer length.
NASTY_SEARCHES = [
    '"',
    'a OR "b AND (c',
    "x\x00y",
    "\x00",
    "\\",
    "\\'; --",
    "%",
    "_",
    "%_%",
    "a*",
    "NOT",
    "-a +b",
    "(((",
    "a:b",
    "\x01\x1f\x7f",
    "tab\there\nnew line",
    "ŽŁŒ ☃ 𝔘",
    "a" * limits.SEARCH_MAX_LENGTH,
]

#: Global ids that name nothing: out-of-range numbers, negative, non-numeric, huge.
BAD_NUMBERS = ["9" * 30, str(2**63), str(2**31), "-1", "0", "1e9", "0x10", " 7", "١٢"]


def raw_gid(type_name: str, node_id: str) -> str:
    return base64.b64encode(f"{type_name}:{node_id}".encode()).decode()


def safe_post(query: str, variables: dict | None = None, **kwargs):
    """POST without the test client re-raising server errors: the status is asserted."""
    return post(query, variables, client=Client(raise_request_exception=False), **kwargs)


def snapshot() -> dict[str, int]:
    """Row counts of everything a refused mutation must leave alone."""
    return {
        "connections": Connection.objects.count(),
        "follows": Follow.objects.count(),
        "blocks": Block.objects.count(),
        "endorsements": Endorsement.objects.count(),
        "recommendations": Recommendation.objects.count(),
        "reports": Report.objects.count(),
        "tokens": APIToken.objects.count(),
        "revisions": Revision.objects.count(),
        "members": MemberPage.objects.count(),
    }


MEMBERS = "query($s: String) { members(search: $s) { totalCount edges { node { name } } } }"
COMPANIES = "query($s: String) { companies(search: $s) { totalCount } }"


def argument_error(body: dict) -> tuple[str, str]:
    (error,) = body["errors"]
    return error["extensions"]["code"], error["extensions"].get("field")


class SearchSyntaxReadAsWordsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def test_search_syntax_and_control_characters_are_words_on_members_and_companies(self):
        for query in (MEMBERS, COMPANIES):
            for text in NASTY_SEARCHES:
                with self.subTest(query=query[:20], text=text[:20]):
                    status, body = safe_post(query, {"s": text})
                    self.assertEqual(status, 200)
                    self.assertNotIn("errors", body)

    def test_search_words_still_find_members_through_the_syntax(self):
        status, body = safe_post(MEMBERS, {"s": '"alice'})
        self.assertEqual(status, 200)
        names = [e["node"]["name"] for e in body["data"]["members"]["edges"]]
        self.assertEqual(names, ["Alice"])

    def test_search_over_the_limit_is_validation_on_search(self):
        text = "a" * (limits.SEARCH_MAX_LENGTH + 1)
        for query in (MEMBERS, COMPANIES):
            status, body = safe_post(query, {"s": text})
            self.assertEqual(status, 200)
            self.assertEqual(argument_error(body), ("VALIDATION", "search"))

    def test_filter_with_control_character_or_over_limit_is_validation_with_field(self):
        query = "query($v: String) { members(filters: {city: $v}) { totalCount } }"
        for value in ("x\x00y", "\x01", "a" * (limits.FILTER_MAX_LENGTH + 1), "a" * 1_000_000):
            with self.subTest(value=value[:10]):
                status, body = safe_post(query, {"v": value})
                self.assertEqual(status, 200)
                self.assertEqual(argument_error(body), ("VALIDATION", "filters.city"))

    def test_filter_with_syntax_characters_is_a_plain_value(self):
        query = "query($v: String) { companies(filters: {location: $v}) { totalCount } }"
        for value in ('"', "%", "_", "\\", "a OR (b"):
            with self.subTest(value=value):
                status, body = safe_post(query, {"v": value})
                self.assertEqual(status, 200)
                self.assertEqual(body["data"]["companies"]["totalCount"], 0)

    def test_filter_list_over_the_limit_is_validation_with_field(self):
        values = ", ".join(["HIRING"] * (limits.FILTER_MAX_ITEMS + 1))
        query = f"query {{ members(filters: {{openTo: [{values}]}}) {{ totalCount }} }}"
        status, body = safe_post(query)
        self.assertEqual(argument_error(body), ("VALIDATION", "filters.openTo"))

    def test_skill_search_and_slug_with_nul_are_validation_not_internal_error(self):
        for query, field in (
            ("query($v: String) { skills(search: $v) { totalCount } }", "search"),
            ("query($v: String!) { member(slug: $v) { name } }", "slug"),
            ("query($v: String!) { company(slug: $v) { name } }", "slug"),
        ):
            for value in ("x\x00y", "a" * 100_000):
                with self.subTest(query=query[:30], value=value[:5]):
                    status, body = safe_post(query, {"v": value})
                    self.assertEqual(status, 200)
                    self.assertEqual(argument_error(body), ("VALIDATION", field))

    def test_skill_search_with_syntax_characters_matches_literally(self):
        query = "query($v: String) { skills(search: $v) { totalCount } }"
        for value in ("%", "_", "\\"):
            status, body = safe_post(query, {"v": value})
            self.assertEqual(body["data"]["skills"]["totalCount"], 0, value)


class OutOfRangeIdsReadAsNotFoundTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def test_node_with_out_of_range_or_odd_number_is_null(self):
        for number in BAD_NUMBERS:
            for type_name in ("Member", "Company", "Skill", "Position"):
                with self.subTest(type_name=type_name, number=number):
                    status, body = safe_post(
                        "query($id: ID!) { node(id: $id) { id } }",
                        {"id": raw_gid(type_name, number)},
                    )
                    self.assertEqual(status, 200)
                    self.assertEqual(body["data"], {"node": None})
                    self.assertNotIn("errors", body)

    def test_node_with_overlong_id_is_null(self):
        status, body = safe_post(
            "query($id: ID!) { node(id: $id) { id } }", {"id": raw_gid("Member", "1" * 5000)}
        )
        self.assertEqual(body["data"], {"node": None})

    def test_mutations_with_out_of_range_ids_answer_not_found_with_field(self):
        n = self.n
        cases = [
            ("requestConnection", "memberId", "Member", ""),
            ("ignoreConnection", "memberId", "Member", ""),
            ("acceptConnection", "memberId", "Member", ""),
            ("removeConnection", "memberId", "Member", ""),
            ("blockMember", "memberId", "Member", ""),
            ("followCompany", "companyId", "Company", ""),
            ("unfollowCompany", "companyId", "Company", ""),
            ("confirmPosition", "positionId", "Position", ", confirmed: true"),
            ("updateCompany", "companyId", "Company", ', tagline: "x"'),
            ("reportContent", "targetId", "Member", ", reason: SPAM"),
            (
                "writeRecommendation",
                "memberId",
                "Member",
                ', relationship: SAME_TEAM, text: "Great"',
            ),
        ]
        before = snapshot()
        for name, field, type_name, extra in cases:
            for number in ("9" * 30, str(2**63), "-5"):
                with self.subTest(name=name, number=number):
                    query = f"""mutation($id: ID!) {{ {name}(input: {{{field}: $id{extra}}}) {{
                        errors {{ code field }} }} }}"""
                    status, body = safe_post(
                        query, {"id": raw_gid(type_name, number)}, user=n.u_alice
                    )
                    self.assertEqual(status, 200)
                    self.assertNotIn("errors", body)
                    self.assertEqual(
                        body["data"][name]["errors"], [{"code": "NOT_FOUND", "field": field}]
                    )
        self.assertEqual(snapshot(), before)

    def test_endorse_with_out_of_range_skill_id_is_not_found_on_skill(self):
        n = self.n
        status, body = safe_post(
            """mutation($m: ID!, $s: ID!) { endorseSkill(input: {memberId: $m, skillId: $s}) {
              errors { code field } } }""",
            {"m": gid("Member", n.alice.pk), "s": raw_gid("Skill", "9" * 30)},
            user=n.u_bob,
        )
        self.assertEqual(body["data"]["endorseSkill"]["errors"][0]["code"], "NOT_FOUND")

    def test_profile_with_out_of_range_skill_and_company_ids_is_not_found(self):
        before = snapshot()
        status, body = safe_post(
            """mutation($s: [ID!], $c: ID) { updateMyProfile(input: {skillIds: $s,
              positions: [{title: "CEO", companyId: $c}]}) { errors { code field } } }""",
            {"s": [raw_gid("Skill", "9" * 30)], "c": None},
            user=self.n.u_alice,
        )
        errors = body["data"]["updateMyProfile"]["errors"]
        self.assertEqual(errors, [{"code": "NOT_FOUND", "field": "skillIds.0"}])
        self.assertEqual(snapshot(), before)


PROFILE = """mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) {
  member { name } errors { code field } } }"""
COMPANY = """mutation($input: UpdateCompanyInput!) { updateCompany(input: $input) {
  company { name } errors { code field } } }"""


class ControlCharactersAndLimitsRefusedTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def assert_refused(self, query, variables, name, field, user):
        before = snapshot()
        status, body = safe_post(query, variables, user=user)
        self.assertEqual(status, 200, body)
        self.assertNotIn("errors", body)
        errors = body["data"][name]["errors"]
        self.assertEqual([(e["code"], e["field"]) for e in errors], [("VALIDATION", field)])
        self.assertEqual(snapshot(), before)

    def test_control_characters_in_profile_texts_are_validation_with_field(self):
        cases = {
            "name": ("name", "A\x00B"),
            "headline": ("headline", "Chief\x00officer"),
            "bio": ("bio", "Hello\x00world"),
            "city": ("city", "\x01"),
            "country": ("country", "NL\x7f"),
            "contactPhone": ("contactPhone", "\x00"),
            "interests": ("interests.0", ["ok\x00"]),
            "languages": ("languages.1", ["Dutch", "\x00"]),
            "positions": ("positions.0.title", [{"title": "CEO\x00"}]),
            "education": ("education.0.school", [{"school": "\x00"}]),
            "links": ("links.0.label", [{"label": "x\x00", "url": "https://example.com"}]),
        }
        for key, (field, value) in cases.items():
            with self.subTest(key=key):
                self.assert_refused(
                    PROFILE, {"input": {key: value}}, "updateMyProfile", field, self.n.u_alice
                )

    def test_profile_texts_and_lists_over_their_limits_are_validation_with_field(self):
        cases = {
            "headline": ("headline", "h" * (limits.HEADLINE_MAX_LENGTH + 1)),
            "bio": ("bio", "b" * (limits.LONG_TEXT_MAX_LENGTH + 1)),
            "name": ("name", "n" * (limits.NAME_MAX_LENGTH + 1)),
            "interests": ("interests", ["x"] * (limits.TAG_MAX_ITEMS + 1)),
            "skillIds": ("skillIds", [gid("Skill", 1)] * (limits.ID_LIST_MAX_ITEMS + 1)),
            "languages": ("languages", ["Dutch"] * (limits.LANGUAGE_MAX_ITEMS + 1)),
            "links": (
                "links",
                [{"label": "x", "url": "https://example.com"}] * (limits.LINKS_MAX_ITEMS + 1),
            ),
        }
        for key, (field, value) in cases.items():
            with self.subTest(key=key):
                self.assert_refused(
                    PROFILE, {"input": {key: value}}, "updateMyProfile", field, self.n.u_alice
                )

    def test_joining_with_nul_in_name_creates_no_profile(self):
        self.assert_refused(
            PROFILE, {"input": {"name": "New\x00comer"}}, "updateMyProfile", "name", self.n.u_nobody
        )

    def test_company_texts_and_specialities_are_limited(self):
        company = gid("Company", self.n.acme.pk)
        cases = {
            "tagline": ("tagline", "\x00"),
            "description": ("description", "d" * (limits.LONG_TEXT_MAX_LENGTH + 1)),
            "specialities": ("specialities", [f"s{i}" for i in range(10_000)]),
            "city": ("city", "c" * 1_000_000),
        }
        for key, (field, value) in cases.items():
            with self.subTest(key=key):
                self.assert_refused(
                    COMPANY,
                    {"input": {"companyId": company, key: value}},
                    "updateCompany",
                    field,
                    self.n.u_admin,
                )
        self.assert_refused(
            COMPANY,
            {"input": {"companyId": company, "specialities": ["x" * (limits.TAG_MAX_LENGTH + 1)]}},
            "updateCompany",
            "specialities.0",
            self.n.u_admin,
        )

    def test_message_recommendation_report_and_token_name_refuse_nul(self):
        n = self.n
        self.assert_refused(
            """mutation($id: ID!, $t: String) { requestConnection(input: {memberId: $id,
              message: $t}) { errors { code field } } }""",
            {"id": gid("Member", n.eve.pk), "t": "Hi\x00"},
            "requestConnection",
            "message",
            n.u_alice,
        )
        self.assert_refused(
            """mutation($id: ID!, $t: String!) { writeRecommendation(input: {memberId: $id,
              relationship: SAME_TEAM, text: $t}) { errors { code field } } }""",
            {"id": gid("Member", n.bob.pk), "t": "Great\x00"},
            "writeRecommendation",
            "text",
            n.u_alice,
        )
        self.assert_refused(
            """mutation($id: ID!, $t: String) { reportContent(input: {targetId: $id,
              reason: SPAM, details: $t}) { errors { code field } } }""",
            {"id": gid("Member", n.eve.pk), "t": "\x00"},
            "reportContent",
            "details",
            n.u_alice,
        )
        self.assert_refused(
            """mutation($t: String!) { createApiToken(input: {name: $t}) {
              errors { code field } } }""",
            {"t": "phone\x00"},
            "createApiToken",
            "name",
            n.u_alice,
        )

    def test_tab_and_newline_are_allowed_in_long_texts(self):
        status, body = safe_post(
            PROFILE, {"input": {"bio": "One\tline\r\nand another"}}, user=self.n.u_alice
        )
        self.assertEqual(body["data"]["updateMyProfile"]["errors"], [])


class AccountInputsAreLimitedTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def test_delete_my_account_with_an_overlong_password_is_validation_and_deletes_nothing(self):
        token = self.token()
        before = snapshot()
        status, body = safe_post(
            "mutation($p: String) { deleteMyAccount(input: {confirm: true, password: $p}) "
            "{ deleted errors { code field } } }",
            {"p": "x" * (limits.PASSWORD_MAX_LENGTH + 1)},
            token=token,
        )
        self.assertEqual(status, 200, body)
        payload = body["data"]["deleteMyAccount"]
        self.assertFalse(payload["deleted"])
        self.assertEqual(payload["errors"], [{"code": "VALIDATION", "field": "password"}])
        self.assertEqual(snapshot(), before)

    def test_export_my_data_with_an_overlong_client_mutation_id_is_validation(self):
        status, body = safe_post(
            "mutation($c: String) { exportMyData(input: {clientMutationId: $c}) "
            "{ url errors { code field } } }",
            {"c": "c" * (limits.CLIENT_MUTATION_ID_MAX_LENGTH + 1)},
            user=self.n.u_alice,
        )
        self.assertEqual(status, 200, body)
        payload = body["data"]["exportMyData"]
        self.assertIsNone(payload["url"])
        self.assertEqual(payload["errors"], [{"code": "VALIDATION", "field": "clientMutationId"}])

    def test_a_refused_image_spec_is_quoted_briefly(self):
        status, body = safe_post(
            'query($s: String!) { member(slug: "alice") { photo(spec: $s) { url } } }',
            {"s": "fill-" + "9" * 5000},
        )
        self.assertEqual(status, 200, body)
        (error,) = body["errors"]
        self.assertEqual(error["extensions"]["code"], "INVALID_ARGUMENT")
        self.assertLess(len(error["message"]), 400)

    def token(self) -> str:
        from wagtail_network.services.tokens import create_token

        return create_token(self.n.u_alice, "hostile")[1]


class YearsAreBoundedOnEveryDatabaseTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def test_education_years_outside_1900_to_2100_are_validation_on_every_database(self):
        query = """mutation($y: Int) { updateMyProfile(input: {education: [
            {school: "S", startYear: $y}]}) { errors { code field } } }"""
        for year in (0, 1899, 2101, 40000, 2**31 - 1):
            with self.subTest(year=year):
                before = snapshot()
                status, body = safe_post(query, {"y": year}, user=self.n.u_alice)
                self.assertEqual(status, 200, body)
                self.assertEqual(
                    body["data"]["updateMyProfile"]["errors"],
                    [{"code": "VALIDATION", "field": "education.0.startYear"}],
                )
                self.assertEqual(snapshot(), before)
