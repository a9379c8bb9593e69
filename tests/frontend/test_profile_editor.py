"""The member's profile editor (/network/profile/): joining, editing every group in
one save (one revision), errors next to their fields with nothing saved, rows and
skills added and removed with and without htmx, locked visibility, the skill
suggestions endpoint, and the page's query count."""

from __future__ import annotations

from html.parser import HTMLParser

from django.db import connection as db_connection
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Revision

from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    IndustryFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    PositionFactory,
    SkillFactory,
    UserFactory,
    site_root,
)
from wagtail_network.models import MemberPage, Position

URL = "/network/profile/"
HTMX = {"HTTP_HX_REQUEST": "true"}


class _FormReader(HTMLParser):
    """What a browser would submit from the editor's form: every enabled control's
    value (checked boxes and radios only), submit buttons left out."""

    def __init__(self) -> None:
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "wn-profile-form":
            self._in_form = True
        if not self._in_form or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((name, a.get("value", "on")))
                return
            self.data.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_value, self._first_option = name, None, None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self._select_value = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select:
            value = self._select_value if self._select_value is not None else self._first_option
            self.data.append((self._select, value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


def form_data(html: str, **changes) -> dict[str, list[str]]:
    """The editor's form as a browser would post it, with ``changes`` applied
    (a value of ``None`` removes the field)."""
    reader = _FormReader()
    reader.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        name = name.replace("__", "-")
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [value]
    return data


def revisions_of(member: MemberPage) -> int:
    return Revision.page_revisions.filter(object_id=str(member.pk)).count()


class EditorTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = site_root()
        cls.directory = MemberIndexPageFactory(parent=root)
        companies = CompanyIndexPageFactory(parent=root)
        cls.company = CompanyPageFactory(parent=companies, title="Acme")
        cls.industry = IndustryFactory(name="Software")
        cls.python = SkillFactory(name="Python")
        cls.django = SkillFactory(name="Django")
        cls.user = UserFactory(username="owner")
        cls.member = MemberPageFactory(
            parent=cls.directory,
            title="Owner",
            user=cls.user,
            contact_email="owner@example.com",
        )
        cls.member.skills.add(cls.python)
        cls.member.save()
        PositionFactory(member=cls.member, company_name="Old Co", title="Dev")
        # The editor shows the latest revision: make it hold the rows above.
        MemberPage.objects.get(pk=cls.member.pk).save_revision(user=cls.user).publish()

    def setUp(self):
        self.client.force_login(self.user)

    def editor_data(self, **changes) -> dict[str, list[str]]:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        return form_data(response.content.decode(), **changes)

    def save(self, **changes):
        return self.client.post(URL, self.editor_data(**changes))

    def fresh(self) -> MemberPage:
        return MemberPage.objects.get(pk=self.member.pk)


class AccessTests(EditorTestCase):
    def test_visitor_is_sent_to_sign_in_with_next(self):
        response = Client().get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("next=/network/profile/", response["Location"])

    def test_editor_page_is_never_cached(self):
        self.assertEqual(self.client.get(URL)["Cache-Control"], "no-store, private")


class JoinTests(EditorTestCase):
    def setUp(self):
        self.newcomer = UserFactory(username="newcomer")
        self.client.force_login(self.newcomer)

    def test_user_without_profile_sees_join_page(self):
        response = self.client.get(URL)
        self.assertContains(response, "<h1", count=1)
        self.assertContains(response, "Join the network")
        self.assertContains(response, "Your profile goes live as soon as you join.")

    @override_settings(WAGTAIL_NETWORK={"NEW_PROFILES_LIVE": False})
    def test_join_page_says_an_editor_reviews_when_profiles_wait(self):
        response = self.client.get(URL)
        self.assertContains(response, "An editor reviews new profiles")

    def test_joining_creates_a_live_profile_and_says_so(self):
        response = self.save(name="New Person", headline="Gardener")
        self.assertRedirects(response, URL, status_code=303, fetch_redirect_response=False)
        member = MemberPage.objects.get(user=self.newcomer)
        self.assertTrue(member.live)
        self.assertEqual((member.title, member.headline), ("New Person", "Gardener"))
        page = self.client.get(URL)
        self.assertContains(page, "Welcome to the network: your profile is live.")
        self.assertContains(page, "Edit your profile")

    @override_settings(WAGTAIL_NETWORK={"NEW_PROFILES_LIVE": False})
    def test_joining_waits_for_an_editor_when_the_site_says_so(self):
        self.save(name="New Person")
        member = MemberPage.objects.get(user=self.newcomer)
        self.assertFalse(member.live)
        page = self.client.get(URL)
        self.assertContains(page, "your profile waits for an editor before others see it")
        self.assertContains(page, "Waiting for an editor")

    def test_joining_without_a_name_shows_the_error_and_creates_nothing(self):
        response = self.save(name="", headline="Gardener")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(MemberPage.objects.filter(user=self.newcomer).exists())
        self.assertContains(response, 'id="wn-error-summary"', status_code=400)
        self.assertContains(response, 'href="#id_name"', status_code=400)
        self.assertContains(response, 'id="id_name-errors"', status_code=400)
        # What was typed stays in the form.
        self.assertContains(response, 'value="Gardener"', status_code=400)


class NoDirectoryTests(TestCase):
    def test_joining_without_a_member_directory_is_a_clear_error(self):
        user = UserFactory(username="lonely")
        self.client.force_login(user)
        html = self.client.get(URL).content.decode()
        response = self.client.post(URL, form_data(html, name="Lonely"))
        self.assertContains(response, "no member directory", status_code=400)
        self.assertFalse(MemberPage.objects.filter(user=user).exists())


class EditTests(EditorTestCase):
    def test_edit_page_shows_every_group_with_visibility_beside_it(self):
        html = self.client.get(URL).content.decode()
        for group in ("basics", "photo", "about", "contact", "positions", "education", "links"):
            self.assertIn(f'id="wn-group-{group}"', html)
        contact = html[html.index('id="wn-group-contact"') : html.index('id="wn-group-positions"')]
        self.assertIn('name="email_visibility"', contact)
        self.assertIn('name="phone_visibility"', contact)
        positions = html[
            html.index('id="wn-group-positions"') : html.index('id="wn-group-education"')
        ]
        self.assertIn('name="positions_visibility"', positions)
        # The profile's own visibility comes first, above the groups.
        self.assertLess(html.index('name="profile_visibility"'), html.index('id="wn-group-basics"'))
        self.assertIn('name="connections_visibility"', html)

    def test_saving_every_group_is_one_revision(self):
        before = revisions_of(self.member)
        response = self.save(
            name="Owner Renamed",
            headline="Architect",
            bio="First paragraph.\n\nSecond.",
            city="Utrecht",
            country="Netherlands",
            industry=str(self.industry.pk),
            languages="Dutch, English",
            skills=[str(self.python.pk), str(self.django.pk)],
            interests="sailing, chess",
            open_to=["mentoring", "advice"],
            contact_email="new@example.com",
            contact_phone="+31 6 1234 5678",
            email_visibility="connections",
            profile_visibility="members",
            positions__0__title="Lead",
            positions__0__company=str(self.company.pk),
        )
        self.assertRedirects(response, URL, status_code=303, fetch_redirect_response=False)
        self.assertEqual(revisions_of(self.member), before + 1)
        member = self.fresh()
        self.assertEqual(member.title, "Owner Renamed")
        self.assertEqual(member.headline, "Architect")
        self.assertIn("<p>Second.</p>", member.bio)
        self.assertEqual(member.city, "Utrecht")
        self.assertEqual(member.industry, self.industry)
        self.assertEqual(set(member.skills.values_list("name", flat=True)), {"Python", "Django"})
        self.assertEqual(set(member.interests.names()), {"sailing", "chess"})
        self.assertTrue(member.open_to_mentoring)
        self.assertEqual(member.contact_email, "new@example.com")
        self.assertEqual(member.email_visibility, "connections")
        self.assertEqual(member.profile_visibility, "members")
        position = Position.objects.get(member=member)
        self.assertEqual((position.title, position.company), ("Lead", self.company))
        self.assertContains(self.client.get(URL), "Your profile is saved.")

    def test_an_error_shows_beside_its_field_and_nothing_is_saved(self):
        before = revisions_of(self.member)
        response = self.save(headline="Changed", contact_email="not an address")
        self.assertEqual(response.status_code, 400)
        html = response.content.decode()
        self.assertIn('href="#id_contact_email"', html)
        self.assertIn('id="id_contact_email-errors"', html)
        self.assertIn('aria-describedby="id_contact_email-errors', html)
        self.assertIn('aria-invalid="true"', html)
        self.assertIn('value="Changed"', html)  # the rest of the input is kept
        self.assertEqual(revisions_of(self.member), before)
        self.assertEqual(self.fresh().headline, "Professional")

    def test_hostile_input_is_a_clear_error_never_a_500(self):
        before = revisions_of(self.member)
        cases = [
            {"positions__TOTAL_FORMS": "abc"},
            {"positions__0__company": "not-a-company"},
            {"positions__0__company": "999999"},
            {"industry": "no-such-industry"},
            {"open_to": ["bogus"]},
            {"skills": ["999999"]},
            {"profile_visibility": "everyone-and-their-dog"},
            {"headline": "x" * 5000},
            {"positions__0__start_date": "2024-13-45"},
        ]
        for changes in cases:
            with self.subTest(changes):
                response = self.save(**changes)
                self.assertIn(response.status_code, (303, 400))
        # Only the harmless ones (an unreadable row count reads as no rows) may save.
        self.assertLessEqual(revisions_of(self.member), before + 1)
        data = self.editor_data()
        data["add"] = ["photos"]
        data["remove_skill"] = ["<script>"]
        self.assertEqual(self.client.post(URL, data).status_code, 200)

    def test_an_error_keeps_the_interests_as_typed(self):
        response = self.save(interests="sailing, chess", contact_email="not an address")
        self.assertContains(response, 'value="sailing, chess"', status_code=400)
        self.assertFalse(self.fresh().interests.exists())

    def test_a_row_error_links_to_the_rows_field(self):
        response = self.save(positions__0__title="", positions__0__company_name="Old Co")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'href="#id_positions-0-title"', status_code=400)
        self.assertContains(response, "Position 1: ", status_code=400)

    def test_status_line_says_live_or_draft_changes(self):
        self.assertContains(self.client.get(URL), "wn-editor__status--live")
        page = self.fresh()
        page.headline = "A draft"
        page.save_revision(user=self.user)
        self.assertContains(self.client.get(URL), "wn-editor__status--changes")

    def test_unpublished_profile_says_waiting_for_an_editor(self):
        MemberPage.objects.filter(pk=self.member.pk).update(live=False)
        self.assertContains(self.client.get(URL), "wn-editor__status--draft")

    def test_editor_links_to_the_profile_and_view_as(self):
        response = self.client.get(URL)
        self.assertContains(response, f'href="{self.member.url}"')
        for audience in ("visitor", "member", "connection"):
            url = reverse("wagtail_network:view_profile_as", args=[audience])
            self.assertContains(response, f'href="{url}"')


class RowTests(EditorTestCase):
    def test_add_without_javascript_shows_one_more_row_and_saves_nothing(self):
        before = revisions_of(self.member)
        data = self.editor_data(headline="Typed")
        data["add"] = ["positions"]
        response = self.client.post(URL, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="wn-row-positions-1"')
        self.assertContains(response, 'name="positions-TOTAL_FORMS" value="2"')
        self.assertContains(response, 'value="Typed"')
        self.assertNotContains(response, 'id="wn-error-summary"')
        self.assertEqual(revisions_of(self.member), before)
        # The new row is filled in and saved with the rest.
        data = form_data(
            response.content.decode(),
            positions__1__title="Second",
            positions__1__company_name="New Co",
        )
        self.assertEqual(self.client.post(URL, data).status_code, 303)
        self.assertEqual(
            set(Position.objects.filter(member=self.member).values_list("title", flat=True)),
            {"Dev", "Second"},
        )

    def test_add_education_and_links_without_javascript(self):
        for kind in ("education", "links"):
            with self.subTest(kind):
                data = self.editor_data()
                data["add"] = [kind]
                response = self.client.post(URL, data)
                self.assertContains(response, f'id="wn-row-{kind}-0"')

    def test_an_empty_added_row_is_left_out_on_save(self):
        data = self.editor_data()
        data["add"] = ["links"]
        html = self.client.post(URL, data).content.decode()
        self.assertEqual(self.client.post(URL, form_data(html)).status_code, 303)
        self.assertFalse(self.fresh().links.exists())

    def test_delete_box_removes_the_row_on_save(self):
        response = self.save(positions__0__DELETE="on")
        self.assertEqual(response.status_code, 303)
        self.assertFalse(Position.objects.filter(member=self.member).exists())

    def test_htmx_row_endpoint_returns_one_empty_row_and_the_new_count(self):
        url = reverse("wagtail_network:profile_row", args=["positions"])
        response = self.client.get(url, {"index": "1"}, **HTMX)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertEqual(html.count('class="wn-row"'), 1)
        self.assertIn('name="positions-1-title"', html)
        self.assertIn("data-wn-row-new", html)
        self.assertIn('id="id_positions-TOTAL_FORMS"', html)
        self.assertIn('value="2"', html)
        self.assertIn('hx-swap-oob="true"', html)
        self.assertIn(f">{self.company.title}</option>", html)

    def test_row_endpoint_reads_the_row_count_the_add_button_sends(self):
        url = reverse("wagtail_network:profile_row", args=["links"])
        response = self.client.get(url, {"links-TOTAL_FORMS": "3"}, **HTMX)
        self.assertContains(response, 'name="links-3-url"')

    def test_row_endpoint_without_htmx_sends_no_out_of_band_count(self):
        url = reverse("wagtail_network:profile_row", args=["education"])
        response = self.client.get(url, {"index": "0"})
        self.assertContains(response, 'name="education-0-school"')
        self.assertNotContains(response, "hx-swap-oob")

    def test_row_endpoint_refuses_bad_input(self):
        url = reverse("wagtail_network:profile_row", args=["positions"])
        for index in ("abc", "-1", "100000"):
            with self.subTest(index):
                self.assertEqual(self.client.get(url, {"index": index}).status_code, 400)
        self.assertEqual(self.client.get("/network/profile/row/photos/").status_code, 404)
        self.assertEqual(Client().get(url).status_code, 302)

    def test_existing_rows_can_be_removed_new_rows_dropped(self):
        html = self.client.get(URL).content.decode()
        row = html[html.index('id="wn-row-positions-0"') :]
        row = row[: row.index("</fieldset>")]
        self.assertNotIn("data-wn-row-new", row)
        self.assertIn('name="positions-0-DELETE"', html)
        self.assertIn("data-wn-row-remove", html)


class SkillTests(EditorTestCase):
    def test_listed_skills_are_chips_with_a_remove_button(self):
        response = self.client.get(URL)
        self.assertContains(response, '<span class="wn-chip__label">Python</span>')
        self.assertContains(response, f'name="remove_skill" value="{self.python.pk}"')

    def test_remove_skill_without_javascript_saves_nothing(self):
        before = revisions_of(self.member)
        data = self.editor_data()
        data["remove_skill"] = [str(self.python.pk)]
        response = self.client.post(URL, data)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, '<span class="wn-chip__label">Python</span>')
        self.assertEqual(revisions_of(self.member), before)
        # Saving that form then removes it.
        self.assertEqual(
            self.client.post(URL, form_data(response.content.decode())).status_code, 303
        )
        self.assertFalse(self.fresh().skills.exists())

    def test_add_skill_by_name_on_save(self):
        response = self.save(add_skills="django")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(
            set(self.fresh().skills.values_list("name", flat=True)), {"Python", "Django"}
        )

    def test_skill_options_lists_at_most_ten_names_starting_with_the_query_first(self):
        for i in range(12):
            SkillFactory(name=f"Data {i:02d}")
        SkillFactory(name="Big data")
        url = reverse("wagtail_network:skill_options")
        html = self.client.get(url, {"q": "data"}).content.decode()
        self.assertEqual(html.count("<option"), 10)
        self.assertNotIn("Big data", html)
        html = self.client.get(url, {"q": "g dat"}).content.decode()
        self.assertIn('<option value="Big data">', html)

    def test_skill_options_reads_the_add_field_htmx_sends(self):
        url = reverse("wagtail_network:skill_options")
        self.assertContains(self.client.get(url, {"add_skills": "pyt"}), 'value="Python"')

    def test_skill_options_escapes_and_answers_empty_queries(self):
        SkillFactory(name='<b>"x"</b>')
        url = reverse("wagtail_network:skill_options")
        self.assertNotContains(self.client.get(url, {"q": "<b>"}), "<b>")
        self.assertNotContains(self.client.get(url, {"q": ""}), "<option")
        self.assertEqual(Client().get(url, {"q": "py"}).status_code, 302)


@override_settings(WAGTAIL_NETWORK={"LOCKED_FIELD_VISIBILITY": {"email": "members"}})
class LockedVisibilityTests(EditorTestCase):
    def test_locked_visibility_is_shown_disabled_with_the_sites_reason(self):
        html = self.client.get(URL).content.decode()
        select = html[html.index('name="email_visibility"') - 200 :]
        select = select[: select.index("</select>")]
        self.assertIn("disabled", select)
        self.assertIn("wn-field--locked", html)
        self.assertIn("The site decides this for every member.", html)

    def test_saving_keeps_the_locked_value(self):
        response = self.save(headline="Still saves")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.fresh().headline, "Still saves")

    def test_a_forged_value_for_a_locked_field_is_refused(self):
        before = revisions_of(self.member)
        response = self.save(email_visibility="public")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "The site decides who can see this.", status_code=400)
        self.assertEqual(revisions_of(self.member), before)


class EditorQueryCountTests(EditorTestCase):
    """The editor's GET runs a fixed number of queries, whatever the number of rows."""

    #: Measured on SQLite (docs/how-to/edit-profile.md): session, user, profile, its
    #: skills, interests, positions, education, links, the listed skills' names, the
    #: company menu (once for every row), the industry menu, and the layout's own
    #: (the navigation's waiting count and, since issue 12, its unread notifications).
    EDIT_PAGE_QUERIES = 20

    def count(self) -> int:
        with CaptureQueriesContext(db_connection) as queries:
            self.assertEqual(self.client.get(URL).status_code, 200)
        return len(queries)

    def test_edit_page_query_count_does_not_grow_with_rows(self):
        self.client.get(URL)  # warm the per-process caches (content types, site)
        few = self.count()
        for i in range(5):
            PositionFactory(member=self.member, company=self.company, title=f"Role {i}")
            self.member.skills.add(SkillFactory(name=f"Skill {i}"))
        page = self.fresh()
        page.save_revision(user=self.user).publish()
        many = self.count()
        self.assertEqual(few, many)
        self.assertLessEqual(many, self.EDIT_PAGE_QUERIES)


class HostileReviewFindingsTests(EditorTestCase):
    """What an independent hostile pass found on the editor, the photo and mutual
    pages: each answers a typed 4xx and writes nothing, never a 500."""

    def test_a_new_skill_name_too_long_or_with_control_characters_is_an_error_on_the_field(self):
        for name in ("x" * 101, "a\x1bb", "a\x00b"):
            before = revisions_of(self.member)
            response = self.client.post(URL, self.editor_data(add_skills=name))
            self.assertEqual(response.status_code, 400, name)
            self.assertEqual(revisions_of(self.member), before)

    def test_a_nul_in_a_skill_or_the_industry_is_refused_before_any_lookup(self):
        # PostgreSQL refuses NUL in a query parameter: it must never get that far.
        for changes in ({"skills": ["a\x00b"]}, {"industry": "soft\x00ware"}):
            response = self.client.post(URL, self.editor_data(**changes))
            self.assertEqual(response.status_code, 400, changes)

    def test_a_hand_made_post_without_the_skills_fields_is_answered_not_crashed(self):
        response = self.client.post(URL, {"name": "Owner", "interests": "x" * 200})
        self.assertEqual(response.status_code, 400)
        response = self.client.post(
            URL, {"name": "Owner", "open_to": "zzz", "open_to-present": "1"}
        )
        self.assertEqual(response.status_code, 400)

    def test_ids_too_big_for_the_database_are_not_found_or_refused(self):
        huge = "9" * 23
        self.assertEqual(self.client.get(f"/network/photo/{huge}/1/fill-64x64/").status_code, 404)
        self.assertEqual(self.client.get(f"/network/photo/1/{huge}/fill-64x64/").status_code, 404)
        self.assertEqual(self.client.get(f"/network/mutual/{huge}/").status_code, 404)
        self.assertEqual(self.client.post(URL, self.editor_data(skills=huge)).status_code, 400)

    def test_skill_options_ignore_a_query_with_a_nul(self):
        response = self.client.get("/network/skills/", {"q": "\x00"})
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Python")

    def test_a_company_unpublished_since_the_page_loaded_is_an_error_next_to_its_menu(self):
        data = self.editor_data(positions__0__company=str(self.company.pk))
        self.company.unpublish()
        response = self.client.post(URL, data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'href="#id_positions-0-company"', status_code=400)
        self.assertContains(response, "not in the network", status_code=400)
        self.assertFalse(self.fresh().positions.filter(company=self.company).exists())
