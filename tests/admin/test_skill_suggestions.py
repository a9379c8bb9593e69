"""The "Skill suggestions" listing: editors review the skills members named that the
vocabulary lacks (setting ``NEW_SKILLS = "suggest"``), and accept or reject them."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.admin.data import AdminData
from tests.factories import MemberPageFactory, SkillFactory
from wagtail_network.models import MemberPage, Skill, SkillSuggestion

LISTING = "wagtailsnippets_wagtail_network_skillsuggestion:list"


def action_url(action: str, suggestions) -> str:
    base = reverse("wagtail_bulk_action", args=["wagtail_network", "skillsuggestion", action])
    return (
        base + "?" + urlencode([("next", reverse(LISTING)), *(("id", s.pk) for s in suggestions)])
    )


def skill_names(member) -> list[str]:
    return sorted(MemberPage.objects.get(pk=member.pk).skills.values_list("name", flat=True))


class SkillSuggestionData(AdminData):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.by_alice = SkillSuggestion.objects.create(member=cls.alice, name="Beekeeping")
        cls.by_bob = SkillSuggestion.objects.create(member=cls.bob, name="beekeeping")
        cls.js = SkillSuggestion.objects.create(member=cls.bob, name="JS")


class SkillSuggestionListingTests(SkillSuggestionData):
    def listing(self, user, **params):
        self.login(user)
        return self.client.get(reverse(LISTING), params)

    def test_editors_see_each_suggestion_with_its_member_and_how_many_suggested_the_name(self):
        response = self.listing(self.editor)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("Beekeeping", html)
        self.assertIn(reverse("wagtailadmin_pages:edit", args=[self.alice.pk]), html)
        rows = {row.name: row.suggested_by for row in response.context["object_list"]}
        self.assertEqual(rows, {"Beekeeping": 2, "beekeeping": 2, "JS": 1})

    def test_listing_is_searched_by_name(self):
        response = self.listing(self.editor, q="JS")
        self.assertEqual([row.pk for row in response.context["object_list"]], [self.js.pk])

    def test_listing_query_count_does_not_grow_with_the_suggestions(self):
        self.listing(self.editor)  # warm per-process caches (content types, policies)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(reverse(LISTING)).status_code, 200)
            return len(captured)

        few = queries()
        for n in range(8):
            member = MemberPageFactory(parent=self.member_index, title=f"Member {n}")
            SkillSuggestion.objects.create(member=member, name=f"Skill {n}")
            SkillSuggestion.objects.create(member=member, name="JS")
        self.assertEqual(queries(), few)

    def test_company_admins_moderators_and_members_are_refused_the_listing(self):
        for user in (self.company_admin, self.moderator, self.alice_user):
            response = self.listing(user)
            self.assertIn(response.status_code, (302, 403), user)
            self.assertNotIn(b"Beekeeping", response.content)

    def test_editors_are_offered_accept_and_reject_but_no_delete_or_edit(self):
        html = self.listing(self.editor).content.decode()
        prefix = reverse("wagtail_bulk_action", args=["wagtail_network", "skillsuggestion", "x"])
        offered = set(re.findall(re.escape(prefix[:-2]) + r'([a-z]+)/"', html))
        self.assertEqual(offered, {"accept", "reject"})
        edit = reverse("wagtailsnippets_wagtail_network_skillsuggestion:edit", args=[self.js.pk])
        self.assertNotEqual(self.client.get(edit).status_code, 200)


class SkillSuggestionActionTests(SkillSuggestionData):
    def test_accept_adds_the_new_skill_to_every_suggesting_member_as_a_revision(self):
        self.login(self.editor)
        revisions = {m.pk: m.revisions.count() for m in (self.alice, self.bob)}
        response = self.client.post(action_url("accept", [self.by_alice]), {"skill": ""})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(skill_names(self.alice), ["Beekeeping"])
        self.assertEqual(skill_names(self.bob), ["Beekeeping"])
        for member in (self.alice, self.bob):
            page = MemberPage.objects.get(pk=member.pk)
            self.assertEqual(page.revisions.count(), revisions[member.pk] + 1)
            self.assertEqual(page.latest_revision.user, self.editor)
        self.assertEqual(list(SkillSuggestion.objects.all()), [self.js])
        entry = ModelLogEntry.objects.get(action="wagtail_network.skill_suggestion.accept")
        self.assertEqual(entry.user, self.editor)
        self.assertEqual(entry.object_id, str(Skill.objects.get(name="Beekeeping").pk))

    def test_accept_mapped_to_an_existing_skill_adds_that_skill(self):
        javascript = SkillFactory(name="JavaScript")
        self.login(self.editor)
        confirm = self.client.get(action_url("accept", [self.js]))
        self.assertContains(confirm, "Map to an existing skill")
        self.client.post(action_url("accept", [self.js]), {"skill": javascript.pk})
        self.assertEqual(skill_names(self.bob), ["JavaScript"])
        self.assertFalse(Skill.objects.filter(name="JS").exists())
        self.assertFalse(SkillSuggestion.objects.filter(pk=self.js.pk).exists())

    def test_reject_deletes_the_name_for_every_member_and_is_in_the_audit_log(self):
        self.login(self.editor)
        response = self.client.post(action_url("reject", [self.by_bob]))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(list(SkillSuggestion.objects.all()), [self.js])
        self.assertFalse(Skill.objects.filter(name__iexact="beekeeping").exists())
        self.assertEqual(
            ModelLogEntry.objects.filter(action="wagtail_network.skill_suggestion.reject").count(),
            2,
        )

    def test_company_admins_and_moderators_may_not_accept_or_reject(self):
        for user in (self.company_admin, self.moderator):
            self.login(user)
            for action in ("accept", "reject"):
                response = self.client.post(action_url(action, [self.by_alice]), {"skill": ""})
                self.assertIn(response.status_code, (302, 403), (user, action))
        self.assertEqual(SkillSuggestion.objects.count(), 3)
        self.assertFalse(Skill.objects.filter(name="Beekeeping").exists())

    def test_a_second_click_after_the_decision_writes_nothing_and_answers_no_error_page(self):
        self.login(self.editor)
        self.client.post(action_url("reject", [self.js]))
        response = self.client.post(action_url("accept", [self.js]), {"skill": ""}, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Skill.objects.filter(name="JS").exists())


class SkillSuggestionDashboardTests(SkillSuggestionData):
    def figure(self, user) -> str | None:
        self.login(user)
        html = self.client.get(reverse("wagtailadmin_home")).content.decode()
        match = re.search(r'data-figure="skill_suggestions">(.*?)</dd>', html)
        return match.group(1) if match else None

    def test_dashboard_counts_the_waiting_suggestions_and_links_editors_to_them(self):
        figure = self.figure(self.editor)
        self.assertIn(f'href="{reverse(LISTING)}"', figure)
        self.assertIn(">3<", figure)

    def test_dashboard_shows_moderators_the_figure_without_a_link(self):
        self.assertEqual(self.figure(self.moderator), "3")

    def test_dashboard_member_figures_are_not_inflated_by_the_suggestions(self):
        self.login(self.editor)
        response = self.client.get(reverse("wagtailadmin_home"))
        panel = next(p for p in response.context["panels"] if p.name == "wagtail_network_summary")
        context = panel.get_context_data()
        self.assertEqual(context["figures"]["members"], MemberPage.objects.live().count())
        self.assertEqual(context["skill_suggestions"], 3)
