"""What a walk of the admin in Chromium found after the first round of issue 9:
links offered that answer "permission denied", screens headed "Home", a listing
opened by URL to a role its menu hides, and buttons whose accessible name differs
from their text."""

from __future__ import annotations

from django.urls import reverse

from tests.admin.data import AdminData
from wagtail_network.services import roles

PERMISSION_DENIED = "Sorry, you do not have permission to access this area."


class HistoryLinkFollowsTheHistoryScreenTests(AdminData):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # An admin of two companies explores from the company directory (an admin
        # of one is sent straight to their company).
        roles.grant_company_admin(cls.superuser, cls.company_admin, cls.initech)

    def _history_url(self, page) -> str:
        return reverse("wagtailadmin_pages:history", args=[page.pk])

    def test_a_company_admin_exploring_the_directory_is_offered_no_history_it_cannot_open(self):
        self.login(self.company_admin)
        listing = self.client.get(reverse("wagtailadmin_explore", args=[self.company_index.pk]))
        self.assertEqual(listing.status_code, 200)
        self.assertNotContains(listing, self._history_url(self.company_index))
        refused = self.client.get(self._history_url(self.company_index), follow=True)
        self.assertContains(refused, PERMISSION_DENIED)

    def test_a_company_admin_is_offered_their_own_companys_history_and_it_opens(self):
        self.login(self.company_admin)
        edit = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.acme.pk]))
        self.assertContains(edit, self._history_url(self.acme))
        self.assertEqual(self.client.get(self._history_url(self.acme)).status_code, 200)

    def test_editors_keep_the_history_of_pages_they_edit(self):
        self.login(self.editor)
        listing = self.client.get(reverse("wagtailadmin_explore", args=[self.company_index.pk]))
        self.assertContains(listing, self._history_url(self.company_index))
        self.assertEqual(self.client.get(self._history_url(self.company_index)).status_code, 200)


class ConfirmationScreensAreNamedTests(AdminData):
    def test_the_position_confirmation_names_the_screen_the_listing_and_the_member(self):
        self.login(self.company_admin)
        url = reverse("wagtail_network_positions:confirm", args=[self.alice_at_acme.pk])
        html = self.client.get(url).content.decode()
        breadcrumbs = html[html.index("<nav") : html.index("</nav>")]
        self.assertIn("Positions to confirm", breadcrumbs)
        self.assertIn("Confirm position", breadcrumbs)
        self.assertIn(f"Alice: {self.alice_at_acme}", html)

    def test_the_relationship_removal_names_the_screen_and_the_listing(self):
        self.login(self.editor)
        url = reverse("wagtail_network_company_relationships:remove", args=[self.acme_partner.pk])
        html = self.client.get(url).content.decode()
        breadcrumbs = html[html.index("<nav") : html.index("</nav>")]
        self.assertIn("Company relationships", breadcrumbs)
        self.assertIn("Remove company relationship", breadcrumbs)


class MemberProfilesListingTests(AdminData):
    def test_roles_without_the_menu_item_are_refused_the_member_profiles_listing(self):
        url = reverse("wagtail_network_member_profiles:index")
        for user in (self.company_admin, self.moderator):
            with self.subTest(user=str(user)):
                self.login(user)
                response = self.client.get(url, follow=True)
                self.assertContains(response, PERMISSION_DENIED)
                self.assertNotContains(response, self.alice_user.get_username())

    def test_editors_open_the_member_profiles_listing(self):
        self.login(self.editor)
        response = self.client.get(reverse("wagtail_network_member_profiles:index"))
        self.assertContains(response, "Alice")


class BulkButtonNamesTests(AdminData):
    def test_every_network_bulk_actions_accessible_name_contains_its_text(self):
        from wagtail_network.admin.menu import BULK_ACTIONS

        for action in BULK_ACTIONS:
            with self.subTest(action=action.__name__):
                name = str(getattr(action, "aria_label", "") or action.display_name).lower()
                self.assertIn(str(action.display_name).lower(), name)
