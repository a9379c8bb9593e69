"""CSV import of companies (matched on slug) and members (matched on e-mail).

PRODUCT.md: "validates every row and imports all or nothing — UTF-8 with or without
BOM, comma or semicolon (Dutch Excel) detected, a downloadable template with the
documented columns".
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.admin.data import AdminData
from tests.factories import IndustryFactory, SkillFactory
from wagtail_network.models import CompanyPage, MemberPage

URL = "wagtail_network_import:index"


def upload(text: str, *, bom: bool = False, encoding: str = "utf-8") -> SimpleUploadedFile:
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile("import.csv", data, content_type="text/csv")


class CsvImportTests(AdminData):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.software = IndustryFactory(name="Software")
        cls.django = SkillFactory(name="Django")

    def post(self, kind, file, user=None):
        self.login(user or self.editor)
        return self.client.post(reverse(URL), {"kind": kind, "file": file})

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
