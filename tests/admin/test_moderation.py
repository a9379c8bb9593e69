"""Moderation in the admin: bulk approve/reject through the service layer, and
every admin edit or removal of endorsements and recommendations in the audit log.

PRODUCT.md: "a moderation queue"; "Editors and moderators can edit or remove any
of them in the admin, and every such action is in Wagtail's audit log."
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.admin.data import AdminData
from tests.factories import MemberPageFactory, UserFactory
from wagtail_network.models import (
    Endorsement,
    EndorsementState,
    Recommendation,
    RecommendationState,
    Report,
    ReportReason,
    ReportState,
)


def bulk_url(model: str, action: str, objects) -> str:
    base = reverse("wagtail_bulk_action", args=["wagtail_network", model, action])
    listing = reverse(f"wagtailsnippets_wagtail_network_{model}:list")
    return base + "?" + urlencode([("next", listing), *(("id", obj.pk) for obj in objects)])


def logged(obj, action: str) -> bool:
    return ModelLogEntry.objects.filter(
        content_type__model=obj._meta.model_name, object_id=str(obj.pk), action=action
    ).exists()


class ModerationData(AdminData):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        carol_user = UserFactory(username="carol")
        cls.carol = MemberPageFactory(parent=cls.member_index, title="Carol", user=carol_user)
        cls.pending = [
            Endorsement.objects.create(
                endorser=endorser, member=cls.alice, skill=cls.skill, state=EndorsementState.PENDING
            )
            for endorser in (cls.bob, cls.carol)
        ]
        cls.live = Endorsement.objects.create(
            endorser=cls.alice, member=cls.bob, skill=cls.skill, state=EndorsementState.LIVE
        )
        cls.recommendation = Recommendation.objects.create(
            author=cls.bob,
            member=cls.alice,
            relationship="same_team",
            text="Great colleague.",
            state=RecommendationState.PENDING_MODERATION,
        )
        cls.report = Report.objects.create(
            reporter=cls.alice, target_member=cls.carol, reason=ReportReason.SPAM
        )


class ModerationTests(ModerationData):
    def test_pending_filter_lists_the_moderation_queue(self):
        self.login(self.moderator)
        url = reverse("wagtailsnippets_wagtail_network_endorsement:list")
        response = self.client.get(url, {"state": EndorsementState.PENDING})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(set(response.context["object_list"]), set(self.pending))

    def test_bulk_approve_makes_pending_endorsements_live(self):
        self.login(self.moderator)
        url = bulk_url("endorsement", "approve", self.pending)
        self.assertEqual(self.client.get(url).status_code, 200)  # the confirmation page
        response = self.client.post(url)
        self.assertEqual(response.status_code, 302)
        states = set(
            Endorsement.objects.filter(pk__in=[e.pk for e in self.pending]).values_list(
                "state", flat=True
            )
        )
        self.assertEqual(states, {EndorsementState.LIVE})

    def test_bulk_approve_is_in_the_audit_log(self):
        self.login(self.moderator)
        self.client.post(bulk_url("endorsement", "approve", self.pending))
        for endorsement in self.pending:
            self.assertTrue(logged(endorsement, "wagtail_network.endorsement.approve"))

    def test_bulk_reject_rejects_endorsements(self):
        self.login(self.moderator)
        self.client.post(bulk_url("endorsement", "reject", self.pending[:1]))
        self.assertEqual(
            Endorsement.objects.get(pk=self.pending[0].pk).state, EndorsementState.REJECTED
        )
        self.assertEqual(
            Endorsement.objects.get(pk=self.pending[1].pk).state, EndorsementState.PENDING
        )

    def test_bulk_approve_publishes_recommendations_awaiting_moderation(self):
        self.login(self.moderator)
        response = self.client.post(bulk_url("recommendation", "approve", [self.recommendation]))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            Recommendation.objects.get(pk=self.recommendation.pk).state,
            RecommendationState.PUBLISHED,
        )

    def test_bulk_reject_rejects_recommendations(self):
        self.login(self.moderator)
        self.client.post(bulk_url("recommendation", "reject", [self.recommendation]))
        self.assertEqual(
            Recommendation.objects.get(pk=self.recommendation.pk).state,
            RecommendationState.REJECTED,
        )

    def test_bulk_resolve_closes_reports_with_a_note(self):
        self.login(self.moderator)
        response = self.client.post(
            bulk_url("report", "resolve", [self.report]), {"note": "Profile removed"}
        )
        self.assertEqual(response.status_code, 302)
        report = Report.objects.get(pk=self.report.pk)
        self.assertEqual(report.state, ReportState.RESOLVED)
        self.assertEqual(report.handled_by, self.moderator)
        self.assertEqual(report.resolution_note, "Profile removed")

    def test_bulk_moderation_refused_to_editors_without_the_moderation_right(self):
        self.login(self.editor)
        self.client.post(bulk_url("endorsement", "approve", self.pending))
        states = set(
            Endorsement.objects.filter(pk__in=[e.pk for e in self.pending]).values_list(
                "state", flat=True
            )
        )
        self.assertEqual(states, {EndorsementState.PENDING})

    def test_bulk_moderation_refused_to_company_admins(self):
        self.login(self.company_admin)
        self.client.post(bulk_url("endorsement", "approve", self.pending))
        self.assertEqual(
            Endorsement.objects.filter(state=EndorsementState.PENDING).count(), len(self.pending)
        )

    def test_bulk_approve_of_a_mixed_selection_approves_the_pending_and_keeps_the_live(self):
        self.login(self.moderator)
        response = self.client.post(
            bulk_url("endorsement", "approve", [self.live, *self.pending]), follow=True
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Endorsement.objects.filter(state=EndorsementState.LIVE).count(), 3)

    def test_admin_edit_of_an_endorsement_is_in_the_audit_log(self):
        self.login(self.editor)
        url = reverse("wagtailsnippets_wagtail_network_endorsement:edit", args=[self.live.pk])
        response = self.client.post(url, {"state": EndorsementState.LIVE, "is_hidden": "on"})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Endorsement.objects.get(pk=self.live.pk).is_hidden)
        self.assertTrue(logged(self.live, "wagtail.edit"))

    def test_admin_removal_of_a_recommendation_is_in_the_audit_log(self):
        self.login(self.editor)
        url = reverse(
            "wagtailsnippets_wagtail_network_recommendation:delete", args=[self.recommendation.pk]
        )
        response = self.client.post(url)
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Recommendation.objects.filter(pk=self.recommendation.pk).exists())
        self.assertTrue(logged(self.recommendation, "wagtail.delete"))

    def test_moderator_edits_a_recommendation_and_it_is_logged(self):
        self.login(self.moderator)
        url = reverse(
            "wagtailsnippets_wagtail_network_recommendation:edit", args=[self.recommendation.pk]
        )
        response = self.client.post(
            url,
            {
                "text": "Edited for tone.",
                "relationship": "same_team",
                "state": RecommendationState.PENDING_MODERATION,
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            Recommendation.objects.get(pk=self.recommendation.pk).text, "Edited for tone."
        )
        self.assertTrue(logged(self.recommendation, "wagtail.edit"))

    def test_endorsements_cannot_be_created_in_the_admin(self):
        self.login(self.superuser)
        url = reverse("wagtailsnippets_wagtail_network_endorsement:add")
        self.assertEqual(self.client.get(url).status_code, 302)


class DecisionsOnlyThroughTheServiceTests(ModerationData):
    """The edit forms show the state but never change it: a decision is made with
    an action that calls the service (its checks and its one audit entry)."""

    def entries(self, obj, action: str):
        return ModelLogEntry.objects.filter(
            content_type__model=obj._meta.model_name, object_id=str(obj.pk), action=action
        )

    def test_endorsement_edit_form_does_not_change_the_state(self):
        self.login(self.moderator)
        pending = self.pending[0]
        url = reverse("wagtailsnippets_wagtail_network_endorsement:edit", args=[pending.pk])
        self.assertNotContains(self.client.get(url), 'name="state"')
        self.client.post(url, {"state": EndorsementState.LIVE})
        self.assertEqual(Endorsement.objects.get(pk=pending.pk).state, EndorsementState.PENDING)
        self.assertFalse(self.entries(pending, "wagtail_network.endorsement.approve").exists())

    def test_recommendation_edit_form_does_not_change_the_state(self):
        self.login(self.moderator)
        url = reverse(
            "wagtailsnippets_wagtail_network_recommendation:edit", args=[self.recommendation.pk]
        )
        self.assertNotContains(self.client.get(url), 'name="state"')
        self.client.post(
            url,
            {
                "text": "Great colleague.",
                "relationship": "same_team",
                "state": RecommendationState.PUBLISHED,
            },
        )
        self.assertEqual(
            Recommendation.objects.get(pk=self.recommendation.pk).state,
            RecommendationState.PENDING_MODERATION,
        )

    def test_reports_have_no_edit_form(self):
        self.login(self.moderator)
        url = reverse("wagtailsnippets_wagtail_network_report:edit", args=[self.report.pk])
        self.assertNotEqual(self.client.get(url).status_code, 200)
        self.client.post(url, {"state": ReportState.RESOLVED, "resolution_note": "x"})
        report = Report.objects.get(pk=self.report.pk)
        self.assertEqual((report.state, report.resolution_note), (ReportState.OPEN, ""))
        inspect = reverse("wagtailsnippets_wagtail_network_report:inspect", args=[self.report.pk])
        self.assertEqual(self.client.get(inspect).status_code, 200)

    def decision_ids(self, response, model: str, action: str) -> set[int]:
        """Ids of the rows whose menu links to ``action``'s confirmation page."""
        url = reverse("wagtail_bulk_action", args=["wagtail_network", model, action])
        pattern = re.escape(url) + r"\?[^\"]*?id=(\d+)"
        return {int(pk) for pk in re.findall(pattern, response.content.decode())}

    def test_listing_offers_the_decisions_on_rows_awaiting_one(self):
        self.login(self.moderator)
        response = self.client.get(reverse("wagtailsnippets_wagtail_network_endorsement:list"))
        pending = {e.pk for e in self.pending}
        self.assertEqual(self.decision_ids(response, "endorsement", "approve"), pending)
        self.assertEqual(self.decision_ids(response, "endorsement", "reject"), pending)
        response = self.client.get(reverse("wagtailsnippets_wagtail_network_report:list"))
        self.assertEqual(self.decision_ids(response, "report", "resolve"), {self.report.pk})

    def test_listing_offers_no_decisions_to_editors(self):
        self.login(self.editor)
        response = self.client.get(reverse("wagtailsnippets_wagtail_network_endorsement:list"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.decision_ids(response, "endorsement", "approve"), set())

    def test_one_decision_is_logged_once_with_its_moderator(self):
        self.login(self.moderator)
        cases = [
            (self.pending[0], "endorsement", "approve", "wagtail_network.endorsement.approve"),
            (
                self.recommendation,
                "recommendation",
                "reject",
                "wagtail_network.recommendation.reject",
            ),
            (self.report, "report", "dismiss", "wagtail_network.report.resolve"),
        ]
        for obj, model, action, logged_action in cases:
            self.client.post(bulk_url(model, action, [obj]))
            entries = self.entries(obj, logged_action)
            self.assertEqual(entries.count(), 1, model)
            self.assertEqual(entries.get().user, self.moderator, model)

    def test_a_refused_decision_writes_nothing(self):
        # A rejected recommendation goes back through its author, not a moderator.
        Recommendation.objects.filter(pk=self.recommendation.pk).update(
            state=RecommendationState.REJECTED
        )
        self.login(self.moderator)
        self.client.post(bulk_url("recommendation", "approve", [self.recommendation]))
        self.assertEqual(
            Recommendation.objects.get(pk=self.recommendation.pk).state,
            RecommendationState.REJECTED,
        )
        self.assertFalse(
            self.entries(self.recommendation, "wagtail_network.recommendation.approve").exists()
        )


class BulkDeleteAuditTests(ModerationData):
    def test_bulk_delete_of_endorsements_is_in_the_audit_log(self):
        self.login(self.editor)
        response = self.client.post(bulk_url("endorsement", "delete", self.pending))
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Endorsement.objects.filter(pk__in=[e.pk for e in self.pending]).exists())
        for endorsement in self.pending:
            self.assertTrue(logged(endorsement, "wagtail.delete"))

    def test_bulk_delete_of_recommendations_is_in_the_audit_log(self):
        self.login(self.editor)
        self.client.post(bulk_url("recommendation", "delete", [self.recommendation]))
        self.assertFalse(Recommendation.objects.filter(pk=self.recommendation.pk).exists())
        self.assertTrue(logged(self.recommendation, "wagtail.delete"))


class BulkActionAccessTests(ModerationData):
    def test_bulk_confirmation_page_refused_to_users_without_the_right(self):
        # Refused outright: the confirmation page would otherwise name the items.
        cases = [
            (self.company_admin, bulk_url("endorsement", "approve", self.pending)),
            (self.editor, bulk_url("endorsement", "approve", self.pending)),
            (self.company_admin, bulk_url("endorsement", "delete", self.pending)),
            (self.company_admin, bulk_url("recommendation", "reject", [self.recommendation])),
            (self.company_admin, bulk_url("report", "resolve", [self.report])),
        ]
        for user, url in cases:
            self.login(user)
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, (user, url))
            self.assertNotIn("Carol", response.content.decode())


class ModerationQueueTests(ModerationData):
    url = "wagtail_network_moderation:index"

    def test_moderation_queue_lists_what_waits_for_a_moderator(self):
        self.login(self.moderator)
        response = self.client.get(reverse(self.url))
        self.assertEqual(response.status_code, 200)
        counts = [queue["count"] for queue in response.context["queues"]]
        self.assertEqual(counts, [2, 1, 1])
        self.assertContains(response, "?state=pending")

    def test_moderation_queue_refused_to_non_moderators(self):
        for user in (self.editor, self.company_admin):
            self.login(user)
            self.assertEqual(self.client.get(reverse(self.url)).status_code, 302, user)
