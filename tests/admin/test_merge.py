"""Merging duplicate vocabulary terms (PRODUCT.md: "Skill, Industry: editor-managed
vocabularies ... with merge of duplicates")."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.admin.data import AdminData
from tests.factories import IndustryFactory, SkillFactory
from wagtail_network.models import CompanyPage, Endorsement, Industry, MemberPage, Skill


def merge_url(model: str, terms) -> str:
    base = reverse("wagtail_bulk_action", args=["wagtail_network", model, "merge"])
    listing = reverse(f"wagtailsnippets_wagtail_network_{model}:list")
    return base + "?" + urlencode([("next", listing), *(("id", t.pk) for t in terms)])


class MergeSkillsData(AdminData):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.duplicate = SkillFactory(name="python (dup)")
        cls.other = SkillFactory(name="Go")
        cls.alice.skills.add(cls.duplicate)
        cls.alice.save()
        cls.bob.skills.add(cls.skill, cls.duplicate)
        cls.bob.save()
        # Bob endorsed Alice for the duplicate: moves to the kept skill.
        cls.moved = Endorsement.objects.create(
            endorser=cls.bob, member=cls.alice, skill=cls.duplicate
        )
        # Alice endorsed Bob for both: the duplicate's endorsement would clash.
        cls.kept = Endorsement.objects.create(endorser=cls.alice, member=cls.bob, skill=cls.skill)
        cls.clash = Endorsement.objects.create(
            endorser=cls.alice, member=cls.bob, skill=cls.duplicate
        )

    def merge(self, user, terms, keep):
        self.login(user)
        return self.client.post(merge_url("skill", terms), {"keep": keep.pk})


class MergeSkillsTests(MergeSkillsData):
    def test_merge_moves_member_skills_to_the_kept_skill_and_deletes_the_duplicate(self):
        response = self.merge(self.editor, [self.skill, self.duplicate], keep=self.skill)
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Skill.objects.filter(pk=self.duplicate.pk).exists())
        for member in (self.alice, self.bob):
            skills = set(MemberPage.objects.get(pk=member.pk).skills.values_list("pk", flat=True))
            self.assertEqual(skills, {self.skill.pk}, member)
        self.assertTrue(Skill.objects.filter(pk=self.other.pk).exists())

    def test_merge_moves_endorsements_to_the_kept_skill(self):
        self.merge(self.editor, [self.skill, self.duplicate], keep=self.skill)
        self.assertEqual(Endorsement.objects.get(pk=self.moved.pk).skill_id, self.skill.pk)

    def test_merge_drops_an_endorsement_that_would_repeat_one_of_the_kept_skill(self):
        self.merge(self.editor, [self.skill, self.duplicate], keep=self.skill)
        self.assertFalse(Endorsement.objects.filter(pk=self.clash.pk).exists())
        self.assertTrue(Endorsement.objects.filter(pk=self.kept.pk).exists())
        self.assertEqual(
            Endorsement.objects.filter(endorser=self.alice, member=self.bob).count(), 1
        )

    def test_merge_is_in_the_audit_log(self):
        self.merge(self.editor, [self.skill, self.duplicate], keep=self.skill)
        entry = ModelLogEntry.objects.get(
            object_id=str(self.skill.pk), action="wagtail_network.vocabulary.merge"
        )
        self.assertEqual(entry.data["merged"]["id"], self.duplicate.pk)
        self.assertEqual(entry.user, self.editor)

    def test_merge_of_a_single_term_changes_nothing(self):
        response = self.merge(self.editor, [self.duplicate], keep=self.duplicate)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Skill.objects.filter(pk=self.duplicate.pk).exists())

    def test_merge_keeping_a_term_outside_the_selection_is_refused(self):
        response = self.merge(self.editor, [self.skill, self.duplicate], keep=self.other)
        self.assertEqual(response.status_code, 200)  # the form again, with its error
        self.assertTrue(Skill.objects.filter(pk=self.duplicate.pk).exists())

    def test_merge_refused_to_users_who_may_not_delete_terms(self):
        self.merge(self.moderator, [self.skill, self.duplicate], keep=self.skill)
        self.assertTrue(Skill.objects.filter(pk=self.duplicate.pk).exists())
        self.merge(self.company_admin, [self.skill, self.duplicate], keep=self.skill)
        self.assertTrue(Skill.objects.filter(pk=self.duplicate.pk).exists())

    def test_merge_confirmation_page_offers_the_selected_terms(self):
        self.login(self.editor)
        response = self.client.get(merge_url("skill", [self.skill, self.duplicate]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            set(response.context["form"].fields["keep"].queryset),
            {self.skill, self.duplicate},
        )


class MergeIndustriesTests(AdminData):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.keep = IndustryFactory(name="Software")
        cls.duplicate = IndustryFactory(name="Software development")
        CompanyPage.objects.filter(pk=cls.acme.pk).update(industry=cls.duplicate)
        MemberPage.objects.filter(pk=cls.alice.pk).update(industry=cls.duplicate)

    def test_merge_moves_companies_and_members_to_the_kept_industry(self):
        self.login(self.editor)
        response = self.client.post(
            merge_url("industry", [self.keep, self.duplicate]), {"keep": self.keep.pk}
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Industry.objects.filter(pk=self.duplicate.pk).exists())
        self.assertEqual(CompanyPage.objects.get(pk=self.acme.pk).industry_id, self.keep.pk)
        self.assertEqual(MemberPage.objects.get(pk=self.alice.pk).industry_id, self.keep.pk)

    def test_merge_rewrites_the_latest_draft_revision(self):
        revision = CompanyPage.objects.get(pk=self.acme.pk).save_revision()
        self.assertEqual(revision.content["industry"], self.duplicate.pk)
        self.login(self.editor)
        self.client.post(merge_url("industry", [self.keep, self.duplicate]), {"keep": self.keep.pk})
        revision.refresh_from_db()
        self.assertEqual(revision.content["industry"], self.keep.pk)


class MergeAccessTests(MergeSkillsData):
    def test_merge_confirmation_page_refused_to_users_who_may_not_merge(self):
        for user in (self.moderator, self.company_admin):
            self.login(user)
            response = self.client.get(merge_url("skill", [self.skill, self.duplicate]))
            self.assertEqual(response.status_code, 302, user)
