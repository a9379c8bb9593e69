"""CSV import of companies (matched on slug) and members (matched on e-mail).

PRODUCT.md: "validates every row and imports all or nothing — UTF-8 with or without
BOM, comma or semicolon (Dutch Excel) detected, a downloadable template with the
documented columns". Issue 9: upload → a preview of what each row would create,
update or refuse, column by column, with nothing written → "Confirm import" writes
it all in one transaction. The file waits in the database (several app servers),
expires by itself, and belongs to the editor who uploaded it.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.messages import get_messages
from django.core.checks import run_checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision

from tests.admin.data import AdminData
from tests.factories import IndustryFactory, MemberIndexPageFactory, SkillFactory, UserFactory
from wagtail_network.admin import importing
from wagtail_network.models import CompanyPage, ImportUpload, MemberPage

URL = "wagtail_network_import:index"


def upload(text: str, *, bom: bool = False, encoding: str = "utf-8") -> SimpleUploadedFile:
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile("import.csv", data, content_type="text/csv")


def messages_of(response) -> list[str]:
    return [str(m).strip() for m in get_messages(response.wsgi_request)]


class CsvImportData(AdminData):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.software = IndustryFactory(name="Software")
        cls.django = SkillFactory(name="Django")

    def post(self, kind, file, user=None):
        """Upload a file: the answer is the upload form again, or a redirect to its preview."""
        self.login(user or self.editor)
        return self.client.post(reverse(URL), {"kind": kind, "file": file})

    def preview(self, kind, file, user=None):
        """Upload a file and open its preview."""
        response = self.post(kind, file, user)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        preview = self.client.get(response["Location"])
        self.assertEqual(preview.status_code, 200)
        return preview

    def confirm(self, preview, digest=None):
        """Press "Confirm import" on a preview page."""
        return self.client.post(
            preview.wsgi_request.path,
            {"confirm": "1", "digest": digest or preview.context["plan"].digest},
        )

    def import_file(self, kind, file, user=None):
        """Upload, preview and confirm; the answer is the redirect to the result."""
        preview = self.preview(kind, file, user)
        plan = preview.context["plan"]
        self.assertTrue(plan.can_confirm, [(r.line, r.action, r.errors) for r in plan.rows])
        response = self.confirm(preview)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        return response

    def actions(self, preview) -> dict[int, str]:
        return {row.line: row.action for row in preview.context["plan"].rows}

    def refusals(self, preview) -> set[tuple[int, str]]:
        return {(e.row, e.column) for row in preview.context["plan"].rows for e in row.errors}

    def written(self) -> tuple[int, int, int]:
        """Pages, revisions and audit entries: what an import writes."""
        return (Page.objects.count(), Revision.objects.count(), PageLogEntry.objects.count())


class CsvImportTests(CsvImportData):
    def test_import_companies_from_dutch_excel_semicolons_with_bom(self):
        text = (
            "slug;name;industry;size_range;founded_year;city;website\n"
            "zuidas-zaken;Zuidas Zaken;Software;11-50;1998;Amsterdam;https://zuidas.example\n"
            "köln-werk;Kölner Werk;software;;;Köln;\n"
        )
        preview = self.preview("companies", upload(text, bom=True))
        self.assertEqual(self.actions(preview), {2: "create", 3: "create"})
        self.assertFalse(CompanyPage.objects.filter(slug="zuidas-zaken").exists())
        self.confirm(preview)
        zuidas = CompanyPage.objects.get(slug="zuidas-zaken")
        self.assertEqual(zuidas.title, "Zuidas Zaken")
        self.assertEqual(zuidas.industry, self.software)
        self.assertEqual(zuidas.founded_year, 1998)
        self.assertTrue(zuidas.live)
        self.assertIsNotNone(zuidas.latest_revision_id)
        self.assertEqual(CompanyPage.objects.get(slug="köln-werk").title, "Kölner Werk")

    def test_import_companies_with_commas_and_no_bom(self):
        self.import_file("companies", upload("slug,name\nnew-co,New Co\n"))
        self.assertTrue(CompanyPage.objects.filter(slug="new-co", title="New Co").exists())

    def test_import_matches_companies_on_slug_and_updates_them(self):
        before = CompanyPage.objects.count()
        self.import_file(
            "companies", upload(f"slug,name,tagline\n{self.acme.slug},Acme BV,Better widgets\n")
        )
        acme = CompanyPage.objects.get(pk=self.acme.pk)
        self.assertEqual((acme.title, acme.tagline), ("Acme BV", "Better widgets"))
        self.assertEqual(CompanyPage.objects.count(), before)

    def test_one_invalid_row_refuses_the_file_and_lists_every_error(self):
        text = (
            "slug,name,industry,founded_year,website\n"
            "good-co,Good Co,,,\n"
            "bad-co,,Nonexistent,19x8,not a url\n"
            "good-co,Duplicate,,,\n"
        )
        before = CompanyPage.objects.count()
        preview = self.preview("companies", upload(text))
        self.assertEqual(
            self.refusals(preview),
            {(3, "name"), (3, "industry"), (3, "founded_year"), (3, "website"), (4, "slug")},
        )
        self.assertEqual(self.actions(preview), {2: "create", 3: "refused", 4: "refused"})
        self.assertEqual(CompanyPage.objects.count(), before)
        self.assertFalse(CompanyPage.objects.filter(slug="good-co").exists())

    def test_file_that_is_not_utf8_is_refused_with_a_message(self):
        response = self.post("companies", upload("slug,name\nzürich,Zürich\n", encoding="latin-1"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("UTF-8", str(response.context["form"].errors["file"]))
        self.assertFalse(ImportUpload.objects.exists())

    def test_file_without_the_required_columns_is_refused(self):
        response = self.post("companies", upload("name,city\nX,Y\n"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("slug", str(response.context["form"].errors["file"]))
        self.assertFalse(ImportUpload.objects.exists())

    def test_import_members_matched_on_email(self):
        text = (
            "email;name;headline;skills;industry\n"
            f"{self.alice.contact_email};Alice Updated;CTO;Django|python;Software\n"
            "new.person@example.com;New Person;Designer;;\n"
        )
        preview = self.preview("members", upload(text, bom=True))
        self.assertEqual(self.actions(preview), {2: "update", 3: "create"})
        self.confirm(preview)
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
        self.import_file("members", upload(text))
        bob = MemberPage.objects.get(pk=self.bob.pk)
        self.assertEqual(bob.title, "Bob Updated")
        # The e-mail is the key that found him: his contact address stays his own.
        self.assertEqual(bob.contact_email, "press@bob.example")
        self.assertEqual(MemberPage.objects.filter(title="Bob Updated").count(), 1)

    def test_member_with_an_unknown_skill_is_refused_on_that_column(self):
        preview = self.preview("members", upload("email,name,skills\nx@example.com,X,Cobol\n"))
        self.assertEqual(self.refusals(preview), {(2, "skills")})
        self.assertFalse(preview.context["plan"].can_confirm)
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
        self.assertFalse(ImportUpload.objects.exists())


class CsvImportPreviewTests(CsvImportData):
    """The preview shows what would happen and writes nothing; the confirmation
    writes it all, once."""

    def test_preview_writes_nothing(self):
        before = self.written()
        text = f"slug,name,tagline\n{self.acme.slug},Acme BV,New\nnew-co,New Co,Fresh\n"
        preview = self.preview("companies", upload(text))
        self.assertEqual(self.written(), before)
        self.assertEqual(CompanyPage.objects.get(pk=self.acme.pk).title, self.acme.title)
        self.assertFalse(CompanyPage.objects.filter(slug="new-co").exists())
        # The file itself waits in the database, not on this server's disk or in the session.
        stored = ImportUpload.objects.get()
        self.assertEqual(stored.uploaded_by, self.editor)
        self.assertIn("new-co,New Co", stored.text)
        self.assertNotIn("New Co", str(dict(self.client.session.items())))
        self.assertContains(preview, "Confirm import")

    def test_preview_lists_each_row_and_column_with_what_changes(self):
        text = (
            "slug,name,tagline,city\n"
            f"{self.acme.slug},Acme BV,{self.acme.tagline},{self.acme.city}\n"
            "new-co,New Co,Fresh,\n"
            f"{self.globex.slug},{self.globex.title},{self.globex.tagline},{self.globex.city}\n"
        )
        preview = self.preview("companies", upload(text))
        plan = preview.context["plan"]
        self.assertEqual(self.actions(preview), {2: "update", 3: "create", 4: "unchanged"})
        rows = {row.line: row for row in plan.rows}
        self.assertEqual(
            [(c.column, c.old, c.new) for c in rows[2].cells],
            [("name", self.acme.title, "Acme BV")],
        )
        self.assertEqual(
            [(c.column, c.old, c.new) for c in rows[3].cells],
            [("name", "", "New Co"), ("tagline", "", "Fresh")],
        )
        self.assertEqual(plan.counts, {"create": 1, "update": 1, "unchanged": 1, "refused": 0})
        self.assertContains(preview, 'data-import-row="2" data-import-action="update"')
        self.assertContains(preview, 'data-import-row="3" data-import-action="create"')
        self.assertContains(preview, "1 to be created, 1 to be updated, 1 with no change")

    def test_confirm_writes_every_row_in_one_go_and_shows_the_result(self):
        text = f"slug,name\n{self.acme.slug},Acme BV\nnew-co,New Co\n"
        response = self.import_file("companies", upload(text))
        self.assertEqual(CompanyPage.objects.get(pk=self.acme.pk).title, "Acme BV")
        self.assertTrue(CompanyPage.objects.filter(slug="new-co").exists())
        self.assertIn("Import done: 1 created, 1 updated, 0 unchanged.", messages_of(response))
        result = self.client.get(response["Location"])
        self.assertEqual(result.status_code, 200)
        self.assertContains(result, 'data-import-row="3" data-import-action="create"')
        self.assertContains(result, reverse("wagtailadmin_pages:edit", args=[self.acme.pk]))
        stored = ImportUpload.objects.get()
        self.assertIsNotNone(stored.imported_at)
        self.assertEqual(stored.text, "")  # the data is in the pages now

    def test_unchanged_rows_are_not_written(self):
        before = Revision.objects.filter(object_id=str(self.globex.pk)).count()
        entries = PageLogEntry.objects.filter(page_id=self.globex.pk).count()
        text = (
            f"slug,name,tagline\n{self.globex.slug},{self.globex.title},{self.globex.tagline}\n"
            "new-co,New Co,\n"
        )
        self.import_file("companies", upload(text))
        self.assertEqual(Revision.objects.filter(object_id=str(self.globex.pk)).count(), before)
        self.assertEqual(PageLogEntry.objects.filter(page_id=self.globex.pk).count(), entries)

    def test_a_file_with_a_refused_row_cannot_be_confirmed(self):
        preview = self.preview("companies", upload("slug,name\nnew-co,New Co\nbad co,Bad\n"))
        self.assertEqual(self.actions(preview), {2: "create", 3: "refused"})
        self.assertEqual(self.refusals(preview), {(3, "slug")})
        self.assertNotContains(preview, "Confirm import")
        self.assertContains(preview, "nothing can be imported from this file")
        before = self.written()
        response = self.confirm(preview)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.written(), before)
        self.assertFalse(CompanyPage.objects.filter(slug="new-co").exists())
        self.assertIsNone(ImportUpload.objects.get().imported_at)

    def test_confirming_twice_imports_once(self):
        preview = self.preview("members", upload("email,name\nonce@example.com,Once\n"))
        first = self.confirm(preview)
        self.assertEqual(first.status_code, 302)
        written = self.written()
        # The back button, or a second click: the same form posted again.
        second = self.confirm(preview)
        self.assertEqual(second.status_code, 302)
        self.assertIn("This file was already imported; nothing more was done.", messages_of(second))
        self.assertEqual(self.written(), written)
        self.assertEqual(MemberPage.objects.filter(contact_email="once@example.com").count(), 1)

    def test_cancel_deletes_the_upload_and_writes_nothing(self):
        before = self.written()
        preview = self.preview("companies", upload("slug,name\nnew-co,New Co\n"))
        response = self.client.post(preview.wsgi_request.path, {"cancel": "1"})
        self.assertRedirects(response, reverse(URL))
        self.assertFalse(ImportUpload.objects.exists())
        self.assertEqual(self.written(), before)
        self.assertEqual(self.client.get(preview.wsgi_request.path).status_code, 404)

    def test_another_editor_gets_404_for_someone_elses_upload(self):
        preview = self.preview("companies", upload("slug,name\nnew-co,New Co\n"))
        other = UserFactory(username="other-editor")
        other.groups.set(self.editor.groups.all())
        self.login(other)
        path = preview.wsgi_request.path
        self.assertEqual(self.client.get(path).status_code, 404)
        response = self.client.post(
            path, {"confirm": "1", "digest": preview.context["plan"].digest}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.post(path, {"cancel": "1"}).status_code, 404)
        self.assertFalse(CompanyPage.objects.filter(slug="new-co").exists())
        self.assertTrue(ImportUpload.objects.exists())

    @override_settings(WAGTAIL_NETWORK={"IMPORT_UPLOAD_MAX_AGE": 600})
    def test_an_expired_upload_can_no_longer_be_previewed_or_confirmed(self):
        preview = self.preview("companies", upload("slug,name\nnew-co,New Co\n"))
        ImportUpload.objects.update(created_at=timezone.now() - timedelta(seconds=601))
        path = preview.wsgi_request.path
        response = self.client.get(path)
        self.assertRedirects(response, reverse(URL))
        self.assertIn("expired", " ".join(messages_of(response)))
        response = self.confirm(preview)
        self.assertRedirects(response, reverse(URL))
        self.assertFalse(CompanyPage.objects.filter(slug="new-co").exists())

    @override_settings(WAGTAIL_NETWORK={"IMPORT_UPLOAD_MAX_AGE": 600})
    def test_expired_uploads_are_deleted_when_a_new_file_is_uploaded(self):
        self.preview("companies", upload("slug,name\nold-co,Old Co\n"))
        old = ImportUpload.objects.get()
        ImportUpload.objects.update(created_at=timezone.now() - timedelta(seconds=601))
        self.preview("companies", upload("slug,name\nnew-co,New Co\n"))
        self.assertFalse(ImportUpload.objects.filter(pk=old.pk).exists())
        self.assertEqual(ImportUpload.objects.count(), 1)

    def test_a_slug_taken_since_the_preview_refuses_the_file_at_confirmation(self):
        preview = self.preview("companies", upload("slug,name\nnew-co,New Co\nother-co,Other\n"))
        # Meanwhile someone adds a page with that slug to the company directory.
        self.company_index.add_child(instance=Page(title="Not a company", slug="new-co"))
        before = self.written()
        response = self.confirm(preview)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.refusals(response), {(2, "slug")})
        self.assertNotContains(response, "Confirm import")
        self.assertEqual(self.written(), before)
        self.assertFalse(CompanyPage.objects.filter(slug="other-co").exists())

    def test_data_changed_since_the_preview_shows_the_new_preview_before_writing(self):
        preview = self.preview("companies", upload(f"slug,name\n{self.acme.slug},Acme BV\n"))
        CompanyPage.objects.filter(pk=self.acme.pk).update(title="Acme Renamed")
        before = self.written()
        response = self.confirm(preview)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.written(), before)
        self.assertIn("the data changed since the preview", " ".join(messages_of(response)))
        cells = response.context["plan"].rows[0].cells
        self.assertEqual([(c.old, c.new) for c in cells], [("Acme Renamed", "Acme BV")])
        # The new preview can be confirmed.
        self.assertEqual(self.confirm(response).status_code, 302)
        self.assertEqual(CompanyPage.objects.get(pk=self.acme.pk).title, "Acme BV")

    def test_semicolon_and_bom_files_go_through_the_preview(self):
        text = f"email;name;headline\n{self.alice.contact_email};Alice;Chief\n"
        preview = self.preview("members", upload(text, bom=True))
        self.assertEqual(self.actions(preview), {2: "update"})
        self.assertEqual(
            [(c.column, c.new) for c in preview.context["plan"].rows[0].cells],
            [("headline", "Chief")],
        )
        self.confirm(preview)
        self.assertEqual(MemberPage.objects.get(pk=self.alice.pk).headline, "Chief")


class CsvImportThroughTheServicesTests(CsvImportData):
    """The confirmation writes through the same services as every other profile and
    company write: the member directory setting, free slugs, permission checks and
    one audit entry per write, with the importing editor."""

    def entries(self, page, action):
        return PageLogEntry.objects.filter(page_id=page.pk, action=action)

    def test_csv_imported_member_lands_in_the_member_directory_setting(self):
        alumni = MemberIndexPageFactory(parent=self.root, title="Alumni", slug="alumni")
        with override_settings(WAGTAIL_NETWORK={"MEMBER_DIRECTORY": "alumni"}):
            self.import_file("members", upload("email,name\nold.hand@example.com,Old Hand\n"))
        member = MemberPage.objects.get(contact_email="old.hand@example.com")
        self.assertEqual(member.get_parent().pk, alumni.pk)

    def test_csv_imported_members_get_free_slugs_like_joining_members(self):
        text = "email,name\nsam.a@example.com,Alice\nsam.b@example.com,Alice\n"
        self.import_file("members", upload(text))
        slugs = set(
            MemberPage.objects.filter(title="Alice")
            .exclude(pk=self.alice.pk)
            .values_list("slug", flat=True)
        )
        self.assertEqual(len(slugs), 2)
        self.assertNotIn(self.alice.slug, slugs)

    def test_every_imported_write_is_logged_once_with_the_editor(self):
        text = f"email,name\n{self.alice.contact_email},Alice Updated\nnew@example.com,New One\n"
        self.import_file("members", upload(text))
        new = MemberPage.objects.get(contact_email="new@example.com")
        for page, action in ((new, "wagtail.create"), (self.alice, "wagtail.edit")):
            entries = self.entries(page, action)
            self.assertEqual(entries.count(), 1, action)
            self.assertEqual(entries.get().user, self.editor, action)
        text = f"slug,name\n{self.acme.slug},Acme BV\nnew-co,New Co\n"
        self.import_file("companies", upload(text))
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
        self.import_file(
            "members", upload("email,name,headline\nbob.draft@example.com,Bob,Baker\n")
        )
        bob = MemberPage.objects.get(pk=self.bob.pk)
        self.assertFalse(bob.live)
        self.assertEqual(bob.get_latest_revision_as_object().headline, "Baker")

    def test_a_row_the_service_refuses_at_confirmation_writes_nothing(self):
        text = "email,name\nfirst@example.com,First\nsecond@example.com,Second\n"
        plan = importing.plan("members", text, self.editor)
        self.assertTrue(plan.can_confirm)
        before = self.written()
        # Written by a user the service refuses (the moderator may not add pages to
        # the directory): the first row is refused and nothing is kept.
        with self.assertRaises(importing.ImportRowError) as refused:
            importing.execute(plan, self.moderator)
        self.assertEqual(refused.exception.error.row, 2)
        self.assertFalse(MemberPage.objects.filter(title__in=["First", "Second"]).exists())
        self.assertEqual(self.written(), before)

    def test_a_profile_the_editor_may_not_edit_is_refused_in_the_preview(self):
        # An existing profile the editor may not publish: another directory, no rights there.
        other_root = MemberIndexPageFactory(parent=None, title="Elsewhere", slug="elsewhere")
        outsider = MemberPage(title="Out", slug="out", contact_email="out@example.com")
        other_root.add_child(instance=outsider)
        preview = self.preview(
            "members", upload("email,name\nok@example.com,Ok\nout@example.com,X\n")
        )
        self.assertEqual(self.refusals(preview), {(3, "email")})
        self.assertFalse(preview.context["plan"].can_confirm)
        self.confirm(preview)
        self.assertFalse(MemberPage.objects.filter(contact_email="ok@example.com").exists())
        self.assertEqual(MemberPage.objects.get(pk=outsider.pk).title, "Out")


class ImportSettingCheckTests(SimpleTestCase):
    def test_a_negative_or_non_integer_upload_max_age_is_a_system_check_error(self):
        for value in (-1, "3600"):
            with (
                self.subTest(value),
                override_settings(WAGTAIL_NETWORK={"IMPORT_UPLOAD_MAX_AGE": value}),
            ):
                ids = {m.id for m in run_checks() if "IMPORT_UPLOAD_MAX_AGE" in m.msg}
                self.assertEqual(ids, {"wagtail_network.E007"})
