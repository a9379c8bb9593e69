"""Member and company pages show only what the viewer may see; a profile the viewer
may not see answers 404, exactly like a missing page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sites.requests import RequestSite
from django.test import RequestFactory, override_settings
from guardian.shortcuts import assign_perm
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap
from wagtail.models import PageViewRestriction

from tests.factories import UserFactory
from tests.frontend.scenario import NetworkScenario
from wagtail_network.models import CompanyPage, MemberLink, MemberPage, Position


class MemberPageAccessTests(NetworkScenario):
    def test_public_profile_answers_200_to_visitor(self):
        self.assertEqual(self.get(self.alice).status_code, 200)

    def test_blocked_member_cannot_see_blocker_profile(self):
        self.assertEqual(self.get(self.eve, self.u_alice).status_code, 404)

    def test_blocker_cannot_see_blocked_member_profile(self):
        self.assertEqual(self.get(self.alice, self.u_eve).status_code, 404)

    def test_blocked_profile_reads_like_a_missing_one(self):
        missing = self.get("/members/nobody-here/", self.u_alice)
        blocked = self.get(self.eve, self.u_alice)
        self.assertEqual(blocked.status_code, missing.status_code)
        self.assertNotContains(blocked, "Eve Tester", status_code=404)

    def test_connections_only_profile_404_for_strangers(self):
        for user in (None, self.u_frank, self.u_bob):
            with self.subTest(user=user):
                self.assertEqual(self.get(self.carol, user).status_code, 404)

    def test_connections_only_profile_200_for_connection_self_and_editor(self):
        for user in (self.u_alice, self.u_carol, self.u_editor):
            with self.subTest(user=user):
                self.assertEqual(self.get(self.carol, user).status_code, 200)

    def test_members_only_profile_404_for_visitor_200_for_member(self):
        self.assertEqual(self.get(self.dave).status_code, 404)
        self.assertEqual(self.get(self.dave, self.u_frank).status_code, 200)

    def test_signed_in_user_without_profile_is_not_a_member(self):
        from tests.factories import UserFactory

        self.assertEqual(self.get(self.dave, UserFactory(username="lurker")).status_code, 404)

    def test_unpublished_profile_404_for_everyone(self):
        for user in (None, self.u_drafty, self.u_editor):
            with self.subTest(user=user):
                self.assertEqual(self.get("/members/drafty/", user).status_code, 404)

    @override_settings(WAGTAIL_NETWORK={"LOCKED_PROFILE_VISIBILITY": "members"})
    def test_site_lock_on_profile_visibility_hides_public_profile_from_visitor(self):
        self.assertEqual(self.get(self.alice).status_code, 404)
        self.assertEqual(self.get(self.alice, self.u_frank).status_code, 200)

    def test_login_restricted_section_hides_profile_from_visitor(self):
        restriction = PageViewRestriction.objects.create(
            page=self.directory, restriction_type=PageViewRestriction.LOGIN
        )
        try:
            response = self.get(self.alice)
            self.assertNotEqual(response.status_code, 200)
            self.assertEqual(self.get(self.alice, self.u_frank).status_code, 200)
        finally:
            restriction.delete()


class MemberPageFieldTests(NetworkScenario):
    EMAIL = "alice-secret@mail.example.com"
    PHONE = "+31 6 5000 0005"

    def test_visitor_does_not_see_members_only_email(self):
        self.assertNotContains(self.get(self.alice), self.EMAIL)

    def test_member_sees_members_only_email(self):
        self.assertContains(self.get(self.alice, self.u_frank), self.EMAIL)

    def test_member_does_not_see_connections_only_phone(self):
        self.assertNotContains(self.get(self.alice, self.u_frank), self.PHONE)

    def test_connection_sees_connections_only_phone(self):
        self.assertContains(self.get(self.alice, self.u_bob), self.PHONE)

    def test_only_me_email_hidden_from_connection_but_shown_to_owner_and_editor(self):
        self.bob.email_visibility = "only_me"
        self.bob.save()
        self.assertNotContains(self.get(self.bob, self.u_alice), "bob-secret@")
        self.assertContains(self.get(self.bob, self.u_bob), "bob-secret@")
        self.assertContains(self.get(self.bob, self.u_editor), "bob-secret@")

    def test_hidden_positions_absent_from_profile(self):
        for user in (None, self.u_frank, self.u_alice):
            with self.subTest(user=user):
                response = self.get(self.bob, user)
                self.assertNotContains(response, "Secret analyst")
                self.assertNotContains(response, "Globex")

    def test_owner_and_editor_see_hidden_positions(self):
        for user in (self.u_bob, self.u_editor):
            with self.subTest(user=user):
                self.assertContains(self.get(self.bob, user), "Secret analyst")

    def test_public_positions_shown_with_verified_badge_and_company_link(self):
        response = self.get(self.alice)
        self.assertContains(response, "Engineer")
        self.assertContains(response, f'href="{self.acme.url}"')
        self.assertContains(response, "Verified")

    def test_position_at_unpublished_company_is_not_linked(self):
        from tests.factories import PositionFactory

        PositionFactory(member=self.frank, company=self.initech, company_name="", title="Tester")
        response = self.get(self.frank)
        self.assertContains(response, "Tester")
        self.assertNotContains(response, "Initech")

    def test_connection_list_hidden_from_visitor_when_members_only(self):
        response = self.get(self.alice)
        self.assertFalse(response.context["show_connections"])
        self.assertNotContains(response, 'id="wn-connections"')

    def test_connection_list_shown_to_member_without_hidden_profiles(self):
        response = self.get(self.alice, self.u_frank)
        self.assertEqual([m.title for m in response.context["connections"]], ["Bob Tester"])
        self.assertEqual(response.context["connection_count"], 1)

    def test_connection_list_shows_connections_only_profile_to_its_connection(self):
        response = self.get(self.alice, self.u_carol)
        self.assertEqual(
            [m.title for m in response.context["connections"]], ["Bob Tester", "Carol Tester"]
        )

    def test_connections_only_connection_list_hidden_from_members(self):
        self.assertFalse(self.get(self.bob, self.u_frank).context["show_connections"])
        self.assertTrue(self.get(self.bob, self.u_alice).context["show_connections"])

    def test_skills_show_visible_live_endorsement_counts_only(self):
        response = self.get(self.alice)
        counts = {skill.name: skill.endorsement_count for skill in response.context["skills"]}
        # Python: bob's live one counts; carol's is hidden by alice. Django: frank's is pending.
        self.assertEqual(counts, {"Python": 1, "Django": 0})
        self.assertContains(response, "1 endorsement")

    def test_endorsement_count_drops_when_endorser_becomes_invisible(self):
        self.bob.profile_visibility = "connections"
        self.bob.save()
        counts = {s.name: s.endorsement_count for s in self.get(self.alice).context["skills"]}
        self.assertEqual(counts["Python"], 0)

    def test_only_published_recommendations_are_shown(self):
        response = self.get(self.alice)
        self.assertContains(response, "Alice ships reliable code.")
        self.assertNotContains(response, "Unaccepted praise.")

    def test_recommendation_by_hidden_author_not_shown(self):
        self.bob.profile_visibility = "members"
        self.bob.save()
        self.assertNotContains(self.get(self.alice), "Alice ships reliable code.")
        self.assertContains(self.get(self.alice, self.u_frank), "Alice ships reliable code.")

    def test_profile_shows_open_to_languages_and_skills(self):
        response = self.get(self.alice)
        for text in ("Mentoring", "Dutch", "English", "Python", "Backend developer"):
            self.assertContains(response, text)

    def test_viewer_sees_connection_badge_and_mutual_count(self):
        response = self.get(self.bob, self.u_carol)
        self.assertEqual(response.context["mutual_count"], 1)  # alice
        self.assertFalse(response.context["connected"])
        self.assertTrue(self.get(self.bob, self.u_alice).context["connected"])

    def test_viewer_sees_degree_of_member_in_own_network(self):
        self.assertEqual(self.get(self.bob, self.u_alice).context["degree"], 1)
        response = self.get(self.bob, self.u_carol)  # carol – alice – bob
        self.assertEqual(response.context["degree"], 2)
        self.assertContains(response, "2nd-degree connection")
        self.assertIsNone(self.get(self.bob, self.u_frank).context["degree"])
        self.assertIsNone(self.get(self.bob).context["degree"])

    def test_only_web_addresses_are_linked(self):
        # Model validation allows only http(s), but rows can be written around it.
        MemberLink.objects.create(member=self.alice, label="Evil", url="javascript:alert(1)")
        MemberLink.objects.create(member=self.alice, label="Blog", url="https://blog.example.com")
        response = self.get(self.alice)
        self.assertNotContains(response, "javascript:")
        self.assertContains(response, 'href="https://blog.example.com"')
        CompanyPage.objects.filter(pk=self.acme.pk).update(website="javascript:alert(2)")
        self.assertNotContains(self.get(self.acme), "javascript:")

    def test_profile_page_has_one_h1_and_labelled_landmarks(self):
        content = self.get(self.alice, self.u_frank).content.decode()
        self.assertEqual(content.count("<h1"), 1)
        self.assertIn('<main id="main-content"', content)
        self.assertIn('aria-label="Details"', content)


class CompanyPageTests(NetworkScenario):
    def test_company_page_answers_200_with_profile_fields(self):
        response = self.get(self.acme)
        for text in (
            "Acme",
            "Software",
            "11–50 employees",
            "1999",
            "https://acme.example.com",
            "hello@acme.example.com",
            "Utrecht",
        ):
            self.assertContains(response, text)

    def test_unpublished_company_404(self):
        for user in (None, self.u_editor):
            with self.subTest(user=user):
                self.assertEqual(self.get("/companies/initech/", user).status_code, 404)

    def test_company_page_lists_only_visible_current_employees(self):
        response = self.get(self.acme)
        self.assertEqual([m.title for m in response.context["employees"]], ["Alice Tester"])
        self.assertNotContains(response, "Carol Tester")
        response = self.get(self.acme, self.u_alice)
        self.assertEqual(
            [m.title for m in response.context["employees"]], ["Alice Tester", "Carol Tester"]
        )

    def test_company_page_never_lists_member_with_hidden_position(self):
        for user in (None, self.u_frank, self.u_alice):
            with self.subTest(user=user):
                self.assertEqual(self.get(self.globex, user).context["employees"], [])
        self.assertEqual(
            [m.title for m in self.get(self.globex, self.u_editor).context["employees"]],
            ["Bob Tester"],
        )

    def test_company_page_hides_blocker_from_blocked_employee_list(self):
        from tests.factories import PositionFactory

        PositionFactory(member=self.eve, company=self.acme, title="Manager")
        self.assertIn("Eve Tester", [m.title for m in self.get(self.acme).context["employees"]])
        names = [m.title for m in self.get(self.acme, self.u_alice).context["employees"]]
        self.assertNotIn("Eve Tester", names)

    def test_company_page_shows_follower_count(self):
        self.assertContains(self.get(self.acme), "2 followers")

    def test_follower_count_counts_only_followers_the_viewer_may_see(self):
        # alice and frank follow Acme; eve blocked alice, so eve counts frank only.
        self.assertEqual(self.get(self.acme, self.u_eve).context["follower_count"], 1)
        rows = {c.title: c for c in self.get(self.company_index, self.u_eve).context["companies"]}
        self.assertEqual(rows["Acme"].follower_count, 1)

    def test_company_page_shows_confirmed_relationships_only(self):
        response = self.get(self.acme)
        others = [rel["other"].title for rel in response.context["relationships"]]
        self.assertEqual(others, ["Globex"])
        self.assertNotContains(response, "Umbrella")


class SitemapTests(NetworkScenario):
    def sitemap_urls(self) -> list[str]:
        request = RequestFactory().get("/sitemap.xml")
        request.user = AnonymousUser()
        urls = Sitemap(request).get_urls(site=RequestSite(request), protocol="http")
        return [entry["location"] for entry in urls]

    def test_sitemap_lists_public_profiles(self):
        urls = self.sitemap_urls()
        self.assertTrue(any(url.endswith("/members/alice/") for url in urls))
        self.assertTrue(any(url.endswith("/companies/acme/") for url in urls))

    def test_sitemap_omits_profiles_anonymous_visitors_may_not_see(self):
        urls = self.sitemap_urls()
        for slug in ("carol", "dave", "drafty"):
            with self.subTest(slug=slug):
                self.assertFalse(any(url.endswith(f"/members/{slug}/") for url in urls))

    @override_settings(WAGTAIL_NETWORK={"LOCKED_PROFILE_VISIBILITY": "members"})
    def test_sitemap_follows_site_lock_on_profile_visibility(self):
        urls = self.sitemap_urls()
        self.assertTrue(any(url.endswith("/companies/acme/") for url in urls))
        self.assertFalse([url for url in urls if "/members/" in url and url.count("/") > 4])


class EditorPreviewAndCompanyAdminTests(NetworkScenario):
    def preview_as(self, user, page):
        self.client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        cookie = f"{name}={self.client.cookies[name].value}"
        return page.make_preview_request(RequestFactory().get("/", HTTP_COOKIE=cookie))

    def test_preview_shows_unsaved_positions_and_skills(self):
        page = MemberPage.objects.get(pk=self.frank.pk)
        page.positions.add(Position(title="Unsaved role", company_name="Nowhere Ltd"))
        page.skills.add(self.python)
        response = self.preview_as(self.u_editor, page)
        self.assertContains(response, "Unsaved role")
        self.assertContains(response, "Nowhere Ltd")
        self.assertContains(response, "Python")

    def test_company_admin_sees_edit_link_on_own_company_only(self):
        admin = UserFactory(username="acme-admin")
        assign_perm("wagtail_network.change_companypage", admin, self.acme)
        self.assertContains(self.get(self.acme, admin), "Edit company profile")
        self.assertNotContains(self.get(self.globex, admin), "Edit company profile")

    def test_visitor_and_member_see_no_edit_link(self):
        for user in (None, self.u_alice):
            with self.subTest(user=user):
                self.assertNotContains(self.get(self.acme, user), "Edit company profile")

    def test_company_admin_sees_unconfirmed_relationship_of_own_company(self):
        admin = UserFactory(username="acme-admin-2")
        assign_perm("wagtail_network.change_companypage", admin, self.acme)
        response = self.get(self.acme, admin)
        self.assertContains(response, "Umbrella")
        self.assertContains(response, "awaiting confirmation")
