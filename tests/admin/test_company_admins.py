"""Company admins in the page admin: guardian grants become page permissions.

PRODUCT.md: "company admins see and edit only their own companies"; "global
permissions do not silently grant every object where a per-object grant is meant".
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import querydict_from_html

from tests.admin.data import AdminData
from tests.factories import UserFactory
from wagtail_network.admin import policies
from wagtail_network.models import CompanyPage
from wagtail_network.services import roles


class CompanyAdminPageAdminTests(AdminData):
    def test_company_admin_can_sign_in_to_the_admin(self):
        self.login(self.company_admin)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertEqual(response.status_code, 200)

    def test_company_admin_explorer_lists_only_their_company(self):
        self.login(self.company_admin)
        # The directory above their company is not theirs to explore: Wagtail
        # sends them to their own explorable root instead.
        response = self.client.get(
            reverse("wagtailadmin_explore", args=[self.company_index.pk]), follow=True
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.redirect_chain[-1][0], reverse("wagtailadmin_explore", args=[self.acme.pk])
        )
        self.assertContains(response, "Acme Widgets")
        self.assertNotContains(response, "Globex Widgets")
        self.assertNotContains(response, "Initech Widgets")

    def test_company_admin_explorer_starts_at_their_company(self):
        user = self.login(self.company_admin)
        root = policies.page_permission_policy.explorable_root_instance(user)
        self.assertEqual(root.pk, self.acme.pk)

    def test_company_admin_search_finds_only_their_company(self):
        self.login(self.company_admin)
        response = self.client.get(reverse("wagtailadmin_pages:search"), {"q": "Widgets"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Acme Widgets")
        self.assertNotContains(response, "Globex Widgets")
        self.assertNotContains(response, "Initech Widgets")

    def test_company_admin_admin_api_lists_and_finds_only_their_company(self):
        # The sidebar's page explorer reads this API.
        self.login(self.company_admin)
        url = reverse("wagtailadmin_api:pages:listing")
        for params in (
            {"child_of": self.company_index.pk, "for_explorer": 1},
            {"search": "Widgets"},
        ):
            titles = [item["title"] for item in self.client.get(url, params).json()["items"]]
            self.assertEqual(titles, ["Acme Widgets"], params)
        for company in (self.globex, self.initech):
            detail = reverse("wagtailadmin_api:pages:detail", args=[company.pk])
            self.assertEqual(self.client.get(detail).status_code, 404, company)

    def test_editor_search_finds_every_company(self):
        # Drafts are out of Wagtail's shared page index (which a host site's own
        # search view reads): editors find them in the "Network profiles" search.
        self.login(self.editor)
        response = self.client.get(reverse("wagtailadmin_pages:search"), {"q": "Widgets"})
        self.assertContains(response, "Acme Widgets")
        self.assertContains(response, "Globex Widgets")
        self.assertNotContains(response, "Initech Widgets")
        response = self.client.get(reverse("network_profiles:index"), {"q": "Widgets"})
        self.assertContains(response, "Acme Widgets")
        self.assertContains(response, "Globex Widgets")
        self.assertContains(response, "Initech Widgets")

    def test_company_admin_profile_search_finds_only_their_company(self):
        self.login(self.company_admin)
        response = self.client.get(reverse("network_profiles:index"), {"q": "Widgets"})
        self.assertContains(response, "Acme Widgets")
        self.assertNotContains(response, "Globex Widgets")
        self.assertNotContains(response, "Initech Widgets")

    def test_company_admin_is_redirected_away_from_another_company_edit_get(self):
        self.login(self.company_admin)
        url = reverse("wagtailadmin_pages:edit", args=[self.globex.pk])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 302)
        self.assertNotEqual(response["Location"], url)

    def test_company_admin_is_redirected_away_from_another_company_edit_post(self):
        self.login(self.company_admin)
        url = reverse("wagtailadmin_pages:edit", args=[self.globex.pk])
        response = self.client.post(url, {"title": "Hijacked", "slug": "hijacked"})
        self.assertEqual(response.status_code, 302)
        self.assertNotEqual(response["Location"], url)
        globex = CompanyPage.objects.get(pk=self.globex.pk)
        self.assertEqual(globex.title, "Globex Widgets")
        self.assertEqual(globex.draft_title, "Globex Widgets")
        self.assertIsNone(globex.get_latest_revision())  # no draft was saved either

    def test_company_admin_can_edit_and_publish_their_own_company(self):
        self.login(self.company_admin)
        url = reverse("wagtailadmin_pages:edit", args=[self.acme.pk])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
        data = data.copy()
        data["tagline"] = "Widgets since 1999"
        data["action-publish"] = "action-publish"
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        self.assertEqual(CompanyPage.objects.get(pk=self.acme.pk).tagline, "Widgets since 1999")

    def test_global_change_companypage_permission_does_not_make_a_company_admin(self):
        self.login(self.global_perm_user)
        for company in (self.acme, self.globex):
            url = reverse("wagtailadmin_pages:edit", args=[company.pk])
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, company)
        response = self.client.get(reverse("wagtailadmin_pages:search"), {"q": "Widgets"})
        self.assertNotContains(response, "Acme Widgets", status_code=response.status_code)

    def test_editors_keep_their_wagtail_page_permissions(self):
        self.login(self.editor)
        for company in (self.acme, self.globex, self.initech):
            response = self.client.get(reverse("wagtailadmin_pages:edit", args=[company.pk]))
            self.assertEqual(response.status_code, 200, company)

    def test_page_chooser_hides_other_companies_drafts_from_company_admins(self):
        self.login(self.company_admin)
        response = self.client.get(
            reverse("wagtailadmin_choose_page_child", args=[self.company_index.pk])
        )
        self.assertEqual(response.status_code, 200)
        content = (
            response.json()["html"]
            if "json" in response["Content-Type"]
            else (response.content.decode())
        )
        self.assertIn("Acme Widgets", content)
        self.assertIn("Globex Widgets", content)  # live and public: choosable
        self.assertNotIn("Initech Widgets", content)  # another company's draft

    def test_page_chooser_search_hides_other_companies_drafts_from_company_admins(self):
        self.login(self.company_admin)
        response = self.client.get(reverse("wagtailadmin_choose_page_search"), {"q": "Widgets"})
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        self.assertIn("Acme Widgets", content)
        self.assertNotIn("Initech Widgets", content)

    def test_page_chooser_hides_drafts_from_moderators_without_page_rights(self):
        self.login(self.moderator)
        response = self.client.get(
            reverse("wagtailadmin_choose_page_child", args=[self.company_index.pk])
        )
        content = response.content.decode()
        self.assertIn("Globex Widgets", content)
        self.assertNotIn("Initech Widgets", content)

    def test_page_chooser_is_not_filtered_for_editors(self):
        self.login(self.editor)
        response = self.client.get(
            reverse("wagtailadmin_choose_page_child", args=[self.company_index.pk])
        )
        content = (
            response.json()["html"]
            if "json" in response["Content-Type"]
            else (response.content.decode())
        )
        self.assertIn("Initech Widgets", content)

    def test_revoked_company_admin_loses_the_company(self):
        roles.revoke_company_admin(self.superuser, self.company_admin, self.acme)
        self.login(self.company_admin)
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.acme.pk]))
        self.assertEqual(response.status_code, 302)
        self.assertFalse(self.company_admin.groups.filter(name=roles.COMPANY_ADMINS_GROUP))

    def test_company_admin_pages_menu_is_shown(self):
        self.login(self.company_admin)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, reverse("wagtailadmin_explore_root"))

    def test_grants_are_rows_shaped_like_group_page_permissions(self):
        user = type(self.company_admin).objects.get(pk=self.company_admin.pk)
        rows = policies.page_permission_policy.get_all_permissions_for_user(user)
        self.assertEqual(
            {(row.page_id, row.permission.codename) for row in rows},
            {(self.acme.pk, "change_page"), (self.acme.pk, "publish_page")},
        )
        self.assertIsInstance(rows[0].page, Page)


class OtherCompanyRefusalTests(AdminData):
    """An admin of Acme and Initech explores from their directory (the closest
    common ancestor of their companies), where Globex also lies. Every page
    screen of Globex must answer like any refused page — Wagtail's "permission
    denied" (a redirect to the dashboard with its message) or a 404 — and never
    show Globex's title."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.two_company_admin = UserFactory(username="twocompanies")
        roles.grant_company_admin(cls.superuser, cls.two_company_admin, cls.acme)
        roles.grant_company_admin(cls.superuser, cls.two_company_admin, cls.initech)
        cls.globex_revision = cls.globex.save_revision()

    def assert_refused_without_the_title(self, url: str, title: str = "Globex") -> None:
        response = self.client.get(url)
        if response.status_code == 302:
            self.assertEqual(response["Location"], reverse("wagtailadmin_home"), url)
            said = " ".join(str(m) for m in get_messages(response.wsgi_request))
            self.assertIn("permission", said, url)
        else:
            self.assertEqual(response.status_code, 404, url)
            self.assertNotIn(title, response.content.decode(), url)

    def test_the_explorer_of_another_company_answers_not_found(self):
        self.login(self.two_company_admin)
        for name in ("wagtailadmin_explore", "wagtailadmin_explore_results"):
            self.assert_refused_without_the_title(reverse(name, args=[self.globex.pk]))

    def test_every_page_screen_of_another_company_is_refused_without_its_title(self):
        self.login(self.two_company_admin)
        pk, revision = self.globex.pk, self.globex_revision.pk
        for name, args in [
            ("edit", [pk]),
            ("history", [pk]),
            ("usage", [pk]),
            ("revisions_view", [pk, revision]),
            ("revisions_compare", [pk, "live", revision]),
            ("view_draft", [pk]),
            ("delete", [pk]),
            ("move", [pk]),
            ("copy", [pk]),
            ("unpublish", [pk]),
            ("workflow_history", [pk]),
        ]:
            with self.subTest(name):
                self.assert_refused_without_the_title(
                    reverse(f"wagtailadmin_pages:{name}", args=args)
                )

    def test_their_own_companies_and_directory_still_open(self):
        self.login(self.two_company_admin)
        response = self.client.get(reverse("wagtailadmin_explore", args=[self.company_index.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Acme Widgets")
        self.assertContains(response, "Initech Widgets")
        self.assertNotContains(response, "Globex Widgets")
        for company in (self.acme, self.initech):
            response = self.client.get(reverse("wagtailadmin_explore", args=[company.pk]))
            self.assertEqual(response.status_code, 200, company)

    def test_breadcrumbs_on_their_company_name_no_other_company(self):
        self.login(self.two_company_admin)
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.acme.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Globex Widgets")

    def test_a_one_company_admin_is_sent_to_their_own_company(self):
        self.login(self.company_admin)
        response = self.client.get(reverse("wagtailadmin_explore", args=[self.globex.pk]))
        self.assertRedirects(response, reverse("wagtailadmin_explore", args=[self.acme.pk]))

    def test_the_page_chooser_at_another_companies_draft_answers_not_found(self):
        self.login(self.company_admin)
        url = reverse("wagtailadmin_choose_page_child", args=[self.initech.pk])
        self.assert_refused_without_the_title(url, "Initech")
        # A live, public company is choosable, as on the site.
        url = reverse("wagtailadmin_choose_page_child", args=[self.globex.pk])
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_editors_explore_every_company(self):
        self.login(self.editor)
        for company in (self.acme, self.globex, self.initech):
            response = self.client.get(reverse("wagtailadmin_explore", args=[company.pk]))
            self.assertEqual(response.status_code, 200, company)


class CompanyAdminsScreenTests(AdminData):
    def url(self, company):
        return reverse("wagtail_network_company_admins:company", args=[company.pk])

    def test_company_admins_screen_lists_guardian_grants(self):
        self.login(self.editor)
        response = self.client.get(self.url(self.acme))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'data-company-admin="{self.company_admin.pk}"')

    def test_editor_grants_company_admin_rights_and_it_is_logged(self):
        from wagtail.models import PageLogEntry

        self.login(self.editor)
        response = self.client.post(self.url(self.globex), {"user": "bob@example.com"})
        self.assertEqual(response.status_code, 302)
        self.assertIn(self.bob_user, roles.company_admins(self.globex))
        self.assertTrue(self.bob_user.groups.filter(name=roles.COMPANY_ADMINS_GROUP).exists())
        self.assertTrue(
            PageLogEntry.objects.filter(
                page=self.globex, action="wagtail_network.company_admin.grant"
            ).exists()
        )

    def test_grant_finds_the_user_by_their_login_or_their_email_in_any_case(self):
        # On an e-mail login model (TEST_USER_MODEL=email) the login *is* the address.
        self.login(self.editor)
        response = self.client.post(self.url(self.globex), {"user": self.bob_user.get_username()})
        self.assertEqual(response.status_code, 302)
        response = self.client.post(self.url(self.globex), {"user": "ALICE@Example.com"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(set(roles.company_admins(self.globex)), {self.alice_user, self.bob_user})
        response = self.client.get(self.url(self.globex))
        self.assertContains(response, f"<td>{self.alice_user.email}</td>", html=True)
        self.assertContains(response, self.bob_user.get_username())

    def test_grant_form_asks_for_what_the_user_model_signs_in_with(self):
        User = get_user_model()
        self.login(self.editor)
        help_text = self.client.get(self.url(self.globex)).context["form"]["user"].help_text
        if User.USERNAME_FIELD == User.get_email_field_name():
            self.assertEqual(help_text, "E-mail address of an existing user.")
        else:
            self.assertEqual(help_text, "Username or e-mail address of an existing user.")

    def test_editor_revokes_company_admin_rights(self):
        self.login(self.editor)
        response = self.client.post(self.url(self.acme), {"revoke": self.company_admin.pk})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(roles.company_admins(self.acme).exists())

    def test_grant_to_unknown_user_is_a_form_error_and_writes_nothing(self):
        self.login(self.editor)
        response = self.client.post(self.url(self.globex), {"user": "nobody"})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["form"].is_valid())
        self.assertFalse(roles.company_admins(self.globex).exists())

    def test_company_admin_cannot_appoint_company_admins(self):
        self.login(self.company_admin)
        response = self.client.post(self.url(self.acme), {"user": self.bob_user.get_username()})
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(self.bob_user, roles.company_admins(self.acme))
        response = self.client.get(reverse("wagtail_network_company_admins:index"))
        self.assertNotEqual(response.status_code, 200)

    def test_company_admins_index_lists_companies_with_admin_counts(self):
        self.login(self.editor)
        response = self.client.get(reverse("wagtail_network_company_admins:index"))
        self.assertEqual(response.status_code, 200)
        counts = {company.pk: n for company, n in response.context["companies"]}
        self.assertEqual(counts[self.acme.pk], 1)
        self.assertEqual(counts[self.globex.pk], 0)


class CompanyAdminNotificationTests(AdminData):
    def test_company_admins_are_among_users_who_may_edit_their_company(self):
        policy = policies.page_permission_policy
        self.assertIn(
            self.company_admin, policy.users_with_permission_for_instance("change", self.acme)
        )
        self.assertNotIn(
            self.company_admin, policy.users_with_permission_for_instance("change", self.globex)
        )
        self.assertIn(self.editor, policy.users_with_permission_for_instance("change", self.acme))


class CompanyAdminsButtonTests(AdminData):
    def test_company_page_header_links_editors_to_its_company_admins(self):
        self.login(self.editor)
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.acme.pk]))
        self.assertContains(
            response, reverse("wagtail_network_company_admins:company", args=[self.acme.pk])
        )

    def test_company_page_header_has_no_company_admins_link_for_company_admins(self):
        self.login(self.company_admin)
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.acme.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(
            response, reverse("wagtail_network_company_admins:company", args=[self.acme.pk])
        )


class CompanyAdminCannotDeleteTests(AdminData):
    def test_company_admin_cannot_delete_their_company_page(self):
        self.login(self.company_admin)
        url = reverse("wagtailadmin_pages:delete", args=[self.acme.pk])
        for method in (self.client.get, self.client.post):
            response = method(url)
            self.assertEqual(response.status_code, 302)
            self.assertEqual(
                response["Location"], reverse("wagtailadmin_pages:edit", args=[self.acme.pk])
            )
        self.assertTrue(CompanyPage.objects.filter(pk=self.acme.pk).exists())

    def test_company_admin_cannot_bulk_delete_their_company_page(self):
        self.login(self.company_admin)
        url = (
            reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
            + f"?id={self.acme.pk}"
        )
        self.client.post(url)
        self.assertTrue(CompanyPage.objects.filter(pk=self.acme.pk).exists())

    def test_editor_can_still_delete_a_company_page(self):
        self.login(self.editor)
        response = self.client.post(reverse("wagtailadmin_pages:delete", args=[self.globex.pk]))
        self.assertEqual(response.status_code, 302)
        self.assertFalse(CompanyPage.objects.filter(pk=self.globex.pk).exists())


class CompanyAdminsScreenInputTests(AdminData):
    def test_revoke_with_malformed_user_id_is_an_error_message_not_a_crash(self):
        self.login(self.editor)
        url = reverse("wagtail_network_company_admins:company", args=[self.acme.pk])
        response = self.client.post(url, {"revoke": "not-a-number"}, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.company_admin, roles.company_admins(self.acme))
