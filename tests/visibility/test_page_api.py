"""Wagtail's page API obeys the visibility rule set (issue 3: "and by ... Wagtail's
page API"). The example site serves it through NetworkPagesAPIViewSet."""

from __future__ import annotations

from django.test import TestCase

from tests.factories import MemberIndexPageFactory, MemberPageFactory, UserFactory, site_root
from wagtail_network.models import Block

LIST_URL = "/api/v2/pages/?type=wagtail_network.MemberPage"


class PageAPIVisibilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        directory = MemberIndexPageFactory(parent=site_root())
        cls.public = MemberPageFactory(
            parent=directory, title="Open Olga", user=UserFactory(username="olga")
        )
        cls.members_only = MemberPageFactory(
            parent=directory,
            title="Members Max",
            profile_visibility="members",
            user=UserFactory(username="max"),
        )
        cls.u_viewer = UserFactory(username="viewer")
        cls.viewer = MemberPageFactory(parent=directory, title="Viewer Vic", user=cls.u_viewer)

    def titles(self, response) -> set[str]:
        self.assertEqual(response.status_code, 200)
        return {item["title"] for item in response.json()["items"]}

    def test_page_api_lists_only_profiles_the_visitor_may_see(self):
        titles = self.titles(self.client.get(LIST_URL))
        self.assertIn("Open Olga", titles)
        self.assertNotIn("Members Max", titles)

    def test_page_api_detail_of_hidden_profile_reads_as_missing(self):
        hidden = self.client.get(f"/api/v2/pages/{self.members_only.pk}/")
        missing = self.client.get("/api/v2/pages/999999/")
        self.assertEqual(hidden.status_code, 404)
        self.assertEqual(hidden.json(), missing.json())

    def test_page_api_shows_members_only_profile_to_signed_in_member(self):
        self.client.force_login(self.u_viewer)
        self.assertIn("Members Max", self.titles(self.client.get(LIST_URL)))

    def test_page_api_hides_blocker_from_blocked_member(self):
        Block.objects.create(blocker=self.public, blocked=self.viewer)
        self.client.force_login(self.u_viewer)
        self.assertNotIn("Open Olga", self.titles(self.client.get(LIST_URL)))


class PasswordSectionTests(TestCase):
    """Wagtail's password-protected sections: the session that entered the
    password sees the profiles in it; lists and the API never pass the password."""

    @classmethod
    def setUpTestData(cls):
        from wagtail.models import PageViewRestriction

        cls.directory = MemberIndexPageFactory(parent=site_root())
        cls.member = MemberPageFactory(parent=cls.directory, title="Secret Sam")
        cls.restriction = PageViewRestriction.objects.create(
            page=cls.directory, restriction_type=PageViewRestriction.PASSWORD, password="open"
        )

    def test_profile_in_password_section_served_after_password_entered(self):
        url = self.member.url
        before = self.client.get(url)
        self.assertNotContains(before, "Secret Sam", status_code=200)  # the password form
        self.client.post(
            f"/_util/authenticate_with_password/{self.restriction.pk}/{self.member.pk}/",
            {"password": "open", "return_url": url},
        )
        self.assertContains(self.client.get(url), "Secret Sam")

    def test_password_section_never_listed_by_page_api(self):
        response = self.client.get(LIST_URL)
        self.assertNotIn("Secret Sam", {item["title"] for item in response.json()["items"]})


class SitemapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        directory = MemberIndexPageFactory(parent=site_root())
        cls.public = MemberPageFactory(parent=directory, title="Public Pia")
        cls.private = MemberPageFactory(
            parent=directory, title="Private Piet", profile_visibility="connections"
        )

    def test_sitemap_lists_public_profiles_only(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertIn(self.public.slug, body)
        self.assertNotIn(self.private.slug, body)
