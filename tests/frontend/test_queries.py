"""Directory and profile pages run a constant number of SQL queries whatever the
number of rows shown (no N+1): measured at 5 and at 25 rows."""

from __future__ import annotations

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from wagtail_factories import ImageFactory

from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    IndustryFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    PositionFactory,
    SkillFactory,
    UserFactory,
    connect,
    site_root,
)
from wagtail_network.models import Endorsement, Follow, Recommendation, RecommendationState


@override_settings(WAGTAIL_NETWORK={"DIRECTORY_PAGE_SIZE": 50})
class ConstantQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = site_root()
        cls.directory = MemberIndexPageFactory(parent=root)
        cls.company_index = CompanyIndexPageFactory(parent=root)
        cls.industry = IndustryFactory(name="Software")
        cls.skills = [SkillFactory(name=name) for name in ("Python", "Django", "SQL")]
        cls.image = ImageFactory()
        cls.viewer_user = UserFactory(username="viewer")
        cls.viewer = MemberPageFactory(parent=cls.directory, title="Viewer", user=cls.viewer_user)
        cls.companies = []
        cls.members = []

    def add_rows(self, count: int) -> None:
        """Add ``count`` members and ``count`` companies, each with everything a card shows."""
        for _ in range(count):
            company = CompanyPageFactory(
                parent=self.company_index, industry=self.industry, logo=self.image
            )
            member = MemberPageFactory(
                parent=self.directory,
                industry=self.industry,
                photo=self.image,
                open_to_mentoring=True,
            )
            member.skills.add(*self.skills)
            member.save()
            PositionFactory(member=member, company=company, title="Engineer")
            connect(member, self.viewer)
            for skill in self.skills[:2]:
                Endorsement.objects.create(endorser=self.viewer, member=member, skill=skill)
            Follow.objects.create(member=member, company=company)
            Recommendation.objects.create(
                author=member,
                member=self.viewer,
                relationship="same_team",
                text="Great to work with.",
                state=RecommendationState.PUBLISHED,
            )
            self.companies.append(company)
            self.members.append(member)

    def count_queries(self, url: str, user=None, **params) -> int:
        if user is None:
            self.client.logout()
        else:
            self.client.force_login(user)
        self.client.get(url, params)  # warm-up: renditions are generated once
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def surfaces(self, big_company) -> dict[str, tuple[str, object, dict]]:
        return {
            "member directory, visitor": (self.directory.url, None, {}),
            "member directory, member": (self.directory.url, self.viewer_user, {}),
            "member directory, search": (self.directory.url, self.viewer_user, {"q": "Member"}),
            "member directory, filters": (
                self.directory.url,
                self.viewer_user,
                {"skill": "python", "company": big_company.slug, "order": "newest"},
            ),
            "company directory, visitor": (self.company_index.url, None, {}),
            "company directory, member": (self.company_index.url, self.viewer_user, {}),
            "company directory, search and filters": (
                self.company_index.url,
                self.viewer_user,
                {"q": "Company", "location": "utrecht", "order": "newest"},
            ),
            "member page, connections and recommendations": (
                self.viewer.url,
                self.viewer_user,
                {},
            ),
            "company page with employees": (big_company.url, self.viewer_user, {}),
        }

    def test_directory_and_profile_pages_run_constant_queries_at_5_and_25_rows(self):
        # Every member also works at one big company, so its page lists them all.
        big = CompanyPageFactory(parent=self.company_index, title="Big", logo=self.image)
        counts: dict[str, list[int]] = {}
        for batch in (5, 20):
            self.add_rows(batch)
            for member in self.members[-batch:]:
                PositionFactory(member=member, company=big, title="Staff")
            for name, (url, user, params) in self.surfaces(big).items():
                counts.setdefault(name, []).append(self.count_queries(url, user, **params))
        for name, (small, large) in counts.items():
            with self.subTest(surface=name):
                self.assertEqual(small, large, f"{name}: {small} queries at 5 rows, {large} at 25")
        # Sanity: the large run really rendered 25 cards with their photos.
        self.client.force_login(self.viewer_user)
        response = self.client.get(self.directory.url)
        self.assertEqual(len(response.context["members"]), 26)
        self.assertEqual(response.content.decode().count('<img alt="" class="wn-avatar'), 25)
        print("queries at 5 / 25 rows:", {name: tuple(pair) for name, pair in counts.items()})
