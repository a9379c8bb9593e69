"""Company and vocabulary queries: fields, filters, search, ordering, relationships."""

from __future__ import annotations

from django.test import Client, TestCase, override_settings

from tests.factories import CompanyPageFactory, IndustryFactory, SkillFactory
from tests.graphql.conftest import build_world, post_graphql
from wagtail_network.models import CompanyRelationship

BUDGET = {"GRAPHQL_MAX_COST": 10**9, "GRAPHQL_COST_PER_MINUTE": 10**9}


@override_settings(WAGTAIL_NETWORK=BUDGET)
class CompanyQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        cls.energy = IndustryFactory(name="Energy")
        w.initech = CompanyPageFactory(
            parent=w.companies_index,
            title="Initech",
            slug="initech",
            industry=cls.energy,
            size_range="51-200",
            founded_year=1999,
            city="Rotterdam",
            tagline="Solar panels for everyone",
        )
        w.initech.specialities.add("solar")
        w.initech.save_revision().publish()
        w.acme.founded_year = 1950
        w.acme.save_revision().publish()
        w.globex.founded_year = 2010
        w.globex.save_revision().publish()
        CompanyRelationship.objects.create(
            from_company=w.acme, to_company=w.globex, kind="partner", confirmed_by_editor=True
        )
        CompanyRelationship.objects.create(
            from_company=w.acme, to_company=w.initech, kind="supplier", confirmed_by_from=True
        )
        CompanyRelationship.objects.create(
            from_company=w.hidden_co, to_company=w.acme, kind="client", confirmed_by_editor=True
        )

    def gql(self, query, variables=None, user=None):
        client = Client()
        if user is not None:
            client.force_login(user)
        body = post_graphql(query, variables, client=client)
        self.assertNotIn("errors", body, body.get("errors"))
        return body["data"]

    def slugs(self, arguments: str, user=None) -> list[str]:
        data = self.gql(
            f"{{ companies({arguments}) {{ totalCount edges {{ node {{ slug }} }} }} }}", user=user
        )
        slugs = [e["node"]["slug"] for e in data["companies"]["edges"]]
        self.assertEqual(data["companies"]["totalCount"], len(slugs))
        return slugs

    def test_company_profile_fields(self):
        company = self.gql(
            """{ company(slug: "initech") { name tagline size foundedYear city country
                 industry { slug } specialities url description logo { url } } }"""
        )["company"]
        self.assertEqual(company["name"], "Initech")
        self.assertEqual(company["size"], "S51_200")
        self.assertEqual(company["foundedYear"], 1999)
        self.assertEqual(company["industry"], {"slug": "energy"})
        self.assertEqual(company["specialities"], ["solar"])
        self.assertTrue(company["url"].endswith("/companies/initech/"))
        self.assertIsNone(company["logo"])

    def test_company_filters(self):
        self.assertEqual(self.slugs('filters: {industry: "energy"}'), ["initech"])
        self.assertEqual(self.slugs("filters: {size: [S51_200]}"), ["initech"])
        self.assertEqual(self.slugs('filters: {city: "rotterdam"}'), ["initech"])
        self.assertEqual(self.slugs('filters: {speciality: "Solar"}'), ["initech"])
        self.assertEqual(self.slugs('filters: {city: "Utrecht"}'), ["acme", "globex"])

    def test_company_filters_never_match_a_draft_company(self):
        # The directory lists live companies only, as the directory page does; a
        # draft's admins reach it by slug, by id and in viewer.administeredCompanies.
        for user in (self.w.u_companyadmin, self.w.u_dave):
            with self.subTest(user=user.get_username()):
                self.assertEqual(
                    self.slugs('filters: {city: "Utrecht"}', user=user), ["acme", "globex"]
                )

    def test_company_place_filters_match_part_of_the_name_in_any_case(self):
        self.assertEqual(self.slugs('filters: {city: "rotter"}'), ["initech"])
        self.assertEqual(self.slugs('filters: {location: "UTRE"}'), ["acme", "globex"])

    def test_company_search(self):
        self.assertEqual(self.slugs('search: "solar"'), ["initech"])
        self.assertEqual(self.slugs('search: "Stealth"', user=self.w.u_dave), [])

    def test_company_ordering(self):
        self.assertEqual(
            self.slugs("ordering: {field: FOUNDED, direction: DESC}"), ["globex", "initech", "acme"]
        )
        self.assertEqual(self.slugs("ordering: {field: NAME}"), ["acme", "globex", "initech"])

    def test_relationships_confirmed_are_public_unconfirmed_only_for_their_admins(self):
        query = (
            '{ company(slug: "acme") { relationships { totalCount edges { node { kind '
            "confirmed fromCompany { slug } toCompany { slug } } } } } }"
        )
        visitor = self.gql(query)["company"]["relationships"]
        self.assertEqual(
            [(e["node"]["kind"], e["node"]["toCompany"]["slug"]) for e in visitor["edges"]],
            [("PARTNER", "globex")],
        )
        admin = self.gql(query, user=self.w.u_companyadmin)["company"]["relationships"]
        self.assertEqual(admin["totalCount"], 3)
        self.assertEqual(
            sorted(e["node"]["kind"] for e in admin["edges"]), ["CLIENT", "PARTNER", "SUPPLIER"]
        )

    def test_skills_search_and_industries(self):
        SkillFactory(name="PostgreSQL")
        data = self.gql(
            '{ skills(search: "post") { edges { node { name } } } industries { edges { node '
            "{ slug } } } }"
        )
        self.assertEqual(data["skills"]["edges"], [{"node": {"name": "PostgreSQL"}}])
        self.assertEqual([e["node"]["slug"] for e in data["industries"]["edges"]], ["energy"])
