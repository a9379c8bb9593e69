"""CSV import of companies (matched on slug) and members (matched on e-mail).

PRODUCT.md: "validates every row and imports all or nothing — UTF-8 with or without
BOM, comma or semicolon (Dutch Excel) detected, a downloadable template with the
documented columns".
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from wagtail.models import PageLogEntry

from tests.admin.data import AdminData
from tests.factories import IndustryFactory, MemberIndexPageFactory, SkillFactory
from wagtail_network.admin import importing
from wagtail_network.models import CompanyPage, MemberPage

URL = "wagtail_network_import:index"


def upload(text: str, *, bom: bool = False, encoding: str = "utf-8") -> SimpleUploadedFile:
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile("import.csv", data, content_type="text/csv")


class CsvImportData(AdminData):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.software = IndustryFactory(name="Software")
        cls.django = SkillFactory(name="Django")

    def post(self, kind, file, user=None):
        self.login(user or self.editor)
        return self.client.post(reverse(URL), {"kind": kind, "file": file})


class CsvImportTests(CsvImportData):
    def test_import_companies_from_dutch_excel_semicolons_with_bom(self):
        text = (
            "slug;name;industry;size_range;founded_year;city;website\n"
            "zuidas-zaken;Zuidas Zaken;Software;11-50;1998;Amsterdam;https://zuidas.example\n"
            "köln-werk;Kölner Werk;software;;;Köln;\n"
        )
        response = self.post("companies", upload(text, bom=True))
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        zuidas = CompanyPage.objects.get(slug="zuidas-zaken")
        self.assertEqual(zuidas.title, "Zuidas Zaken")
        self.assertEqual(zuidas.industry, self.software)
        self.assertEqual(zuidas.founded_year, 1998)
        self.assertTrue(zuidas.live)
        self.assertIsNotNone(zuidas.latest_revision_id)
        self.assertEqual(CompanyPage.objects.get(slug="köln-werk").title, "Kölner Werk")

    def test_import_companies_with_commas_and_no_bom(self):
        response = self.post("companies", upload("slug,name\nnew-co,New Co\n"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(CompanyPage.objects.filter(slug="new-co", title="New Co").exists())

    def test_import_matches_companies_on_slug_and_updates_them(self):
        before = CompanyPage.objects.count()
        response = self.post(
            "companies", upload(f"slug,name,tagline\n{self.acme.slug},Acme BV,Better widgets\n")
        )
        self.assertEqual(response.status_code, 302)
        acme = CompanyPage.objects.get(pk=self.acme.pk)
        self.assertEqual((acme.title, acme.tagline), ("Acme BV", "Better widgets"))
        self.assertEqual(CompanyPage.objects.count(), before)

    def test_one_invalid_row_imports_nothing_and_lists_every_error(self):
        text = (
            "slug,name,industry,founded_year,website\n"
            "good-co,Good Co,,,\n"
            "bad-co,,Nonexistent,19x8,not a url\n"
            "good-co,Duplicate,,,\n"
        )
        before = CompanyPage.objects.count()
        response = self.post("companies", upload(text))
        self.assertEqual(response.status_code, 200)
        errors = {(e.row, e.column) for e in response.context["row_errors"]}
        self.assertEqual(
            errors,
            {(3, "name"), (3, "industry"), (3, "founded_year"), (3, "website"), (4, "slug")},
        )
        self.assertEqual(CompanyPage.objects.count(), before)
        self.assertFalse(CompanyPage.objects.filter(slug="good-co").exists())

    def test_file_that_is_not_utf8_is_refused_with_a_message(self):
        response = self.post("companies", upload("slug,name\nzürich,Zürich\n", encoding="latin-1"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("UTF-8", str(response.context["form"].errors["file"]))

    def test_file_without_the_required_columns_is_refused(self):
        response = self.post("companies", upload("name,city\nX,Y\n"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("slug", str(response.context["form"].errors["file"]))

    def test_import_members_matched_on_email(self):
        text = (
            "email;name;headline;skills;industry\n"
            f"{self.alice.contact_email};Alice Updated;CTO;Django|python;Software\n"
            "new.person@example.com;New Person;Designer;;\n"
        )
        response = self.post("members", upload(text, bom=True))
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        alice = MemberPage.objects.get(pk=self.alice.pk)
        self.assertEqual((alice.title, alice.headline), ("Alice Updated", "CTO"))
        self.assertEqual(set(alice.skills.all()), {self.django, self.skill})
        new = MemberPage.objects.get(contact_email="new.person@example.com")
        self.assertEqual(new.title, "New Person")
        self.assertTrue(new.live)

    def test_import_matches_a_member_on_their_accounts_email_in_any_case(self):
        # Bob's contact address differs from his account's; the account's is read
        # through the user model's EMAIL_FIELD (the login on an e-mail login model).
        MemberPage.objects.filter(pk=self.bob.pk).update(contact_email="press@bob.example")
        text = f"email,name\n{self.bob_user.email.upper()},Bob Updated\n"
        response = self.post("members", upload(text))
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        self.assertEqual(MemberPage.objects.get(pk=self.bob.pk).title, "Bob Updated")
        self.assertEqual(MemberPage.objects.filter(title="Bob Updated").count(), 1)

    def test_member_with_an_unknown_skill_imports_nothing(self):
        response = self.post("members", upload("email,name,skills\nx@example.com,X,Cobol\n"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual([e.column for e in response.context["row_errors"]], ["skills"])
        self.assertFalse(MemberPage.objects.filter(contact_email="x@example.com").exists())

    def test_template_download_has_the_documented_columns(self):
        self.login(self.editor)
        for kind, first in (("companies", "slug"), ("members", "email")):
            response = self.client.get(reverse("wagtail_network_import:template", args=[kind]))
            self.assertEqual(response.status_code, 200)
            header = response.content.decode("utf-8-sig").splitlines()[0]
            self.assertTrue(header.startswith(first), header)

    def test_import_refused_to_company_admins_and_moderators(self):
        for user in (self.company_admin, self.moderator):
            response = self.post("companies", upload("slug,name\nsneaky,Sneaky\n"), user=user)
            self.assertEqual(response.status_code, 302, user)
            self.assertNotEqual(response["Location"], reverse(URL))
        self.assertFalse(CompanyPage.objects.filter(slug="sneaky").exists())


class CsvImportThroughTheServicesTests(CsvImportData):
    """The apply step writes through the same services as every other profile and
    company write: the member directory setting, free slugs, permission checks and
    one audit entry per write, with the importing editor."""

    def entries(self, page, action):
        return PageLogEntry.objects.filter(page_id=page.pk, action=action)

    def test_csv_imported_member_lands_in_the_member_directory_setting(self):
        alumni = MemberIndexPageFactory(parent=self.root, title="Alumni", slug="alumni")
        with override_settings(WAGTAIL_NETWORK={"MEMBER_DIRECTORY": "alumni"}):
            response = self.post("members", upload("email,name\nold.hand@example.com,Old Hand\n"))
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        member = MemberPage.objects.get(contact_email="old.hand@example.com")
        self.assertEqual(member.get_parent().pk, alumni.pk)

    def test_csv_imported_members_get_free_slugs_like_joining_members(self):
        text = "email,name\nsam.a@example.com,Alice\nsam.b@example.com,Alice\n"
        self.assertEqual(self.post("members", upload(text)).status_code, 302)
        slugs = set(
            MemberPage.objects.filter(title="Alice")
            .exclude(pk=self.alice.pk)
            .values_list("slug", flat=True)
        )
        self.assertEqual(len(slugs), 2)
        self.assertNotIn(self.alice.slug, slugs)

    def test_every_imported_write_is_logged_once_with_the_editor(self):
        text = f"email,name\n{self.alice.contact_email},Alice Updated\nnew@example.com,New One\n"
        self.assertEqual(self.post("members", upload(text)).status_code, 302)
        new = MemberPage.objects.get(contact_email="new@example.com")
        for page, action in ((new, "wagtail.create"), (self.alice, "wagtail.edit")):
            entries = self.entries(page, action)
            self.assertEqual(entries.count(), 1, action)
            self.assertEqual(entries.get().user, self.editor, action)
        text = f"slug,name\n{self.acme.slug},Acme BV\nnew-co,New Co\n"
        self.assertEqual(self.post("companies", upload(text)).status_code, 302)
        new_co = CompanyPage.objects.get(slug="new-co")
        for page, action in ((new_co, "wagtail.create"), (self.acme, "wagtail.edit")):
            entries = self.entries(page, action)
            self.assertEqual(entries.count(), 1, action)
            self.assertEqual(entries.get().user, self.editor, action)

    def test_imported_update_of_a_draft_profile_keeps_it_a_draft(self):
        # The services' rule for every edit: drafts stay drafts (the import used to
        # publish them, which would approve a profile waiting for an editor).
        MemberPage.objects.filter(pk=self.bob.pk).update(
            live=False, contact_email="bob.draft@example.com"
        )
        self.post("members", upload("email,name,headline\nbob.draft@example.com,Bob,Baker\n"))
        bob = MemberPage.objects.get(pk=self.bob.pk)
        self.assertFalse(bob.live)
        self.assertEqual(bob.get_latest_revision_as_object().headline, "Baker")

    def test_a_row_the_service_refuses_writes_nothing(self):
        rows, errors = importing.parse(
            "members", b"email,name\nfirst@example.com,First\nsecond@example.com,Second\n"
        )
        self.assertEqual(errors, [])
        before = PageLogEntry.objects.count()
        # The moderator may not add pages to the directory: the service refuses.
        with self.assertRaises(importing.ImportRowError) as refused:
            importing.apply("members", rows, self.moderator)
        self.assertEqual(refused.exception.error.row, 2)
        self.assertFalse(
            MemberPage.objects.filter(contact_email__endswith="@example.com")
            .filter(title__in=["First", "Second"])
            .exists()
        )
        self.assertEqual(PageLogEntry.objects.count(), before)

    def test_a_refused_row_is_reported_with_its_line(self):
        # An existing profile the editor may not publish: another directory, no rights there.
        other_root = MemberIndexPageFactory(parent=None, title="Elsewhere", slug="elsewhere")
        outsider = MemberPage(title="Out", slug="out", contact_email="out@example.com")
        other_root.add_child(instance=outsider)
        response = self.post(
            "members", upload("email,name\nok@example.com,Ok\nout@example.com,X\n")
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual([(e.row, e.column) for e in response.context["row_errors"]], [(3, "")])
        self.assertFalse(MemberPage.objects.filter(contact_email="ok@example.com").exists())
        self.assertEqual(MemberPage.objects.get(pk=outsider.pk).title, "Out")
