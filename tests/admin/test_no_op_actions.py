"""Actions that change nothing write nothing.

Issue 9: "approving an endorsement that is already live writes another audit
entry" — and the class it belongs to: every action whose target is already in the
requested state is a no-op (no save, no audit entry) that still answers success;
bulk actions over a mix log only what changed and count it in their message.
"""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import reverse
from guardian.models import UserObjectPermission
from wagtail.models import ModelLogEntry, PageLogEntry

from tests.admin.data import AdminData
from tests.admin.test_moderation import bulk_url
from tests.factories import MemberPageFactory, SkillFactory, UserFactory, connect
from wagtail_network import services
from wagtail_network.models import (
    Block,
    CompanyRelationship,
    CompanyRelationshipKind,
    Connection,
    ConnectionState,
    Endorsement,
    EndorsementState,
    Follow,
    Position,
    Recommendation,
    RecommendationState,
    Report,
    ReportReason,
    ReportState,
    Skill,
)
from wagtail_network.services import roles


def written() -> dict[str, list]:
    """Audit entries and every row the actions below may write."""
    models = (
        ModelLogEntry,
        PageLogEntry,
        Endorsement,
        Recommendation,
        Report,
        Position,
        CompanyRelationship,
        Follow,
        Block,
        Connection,
        UserObjectPermission,
        Skill,
    )
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in models}
    # Group memberships, whatever the user model's column is called (user_id on
    # auth.User, emailuser_id on the e-mail model).
    rows["groups"] = sorted(
        tuple(sorted(row.items()))
        for row in UserFactory._meta.model.groups.through.objects.values()
    )
    return rows


def messages_of(response) -> list[str]:
    return [str(m).strip() for m in get_messages(response.wsgi_request)]


class NoOpData(AdminData):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.carol = MemberPageFactory(
            parent=cls.member_index, title="Carol", user=UserFactory(username="carol")
        )
        connect(cls.alice, cls.bob)
        cls.alice.skills.add(cls.skill)
        cls.alice.save()
        cls.pending = [
            Endorsement.objects.create(
                endorser=endorser, member=cls.alice, skill=cls.skill, state=EndorsementState.PENDING
            )
            for endorser in (cls.bob, cls.carol)
        ]
        cls.live = Endorsement.objects.create(
            endorser=cls.alice, member=cls.bob, skill=cls.skill, state=EndorsementState.LIVE
        )
        cls.awaiting_moderation = Recommendation.objects.create(
            author=cls.bob,
            member=cls.alice,
            relationship="same_team",
            text="Great colleague.",
            state=RecommendationState.PENDING_MODERATION,
        )
        cls.awaiting_recipient = Recommendation.objects.create(
            author=cls.alice,
            member=cls.bob,
            relationship="same_team",
            text="Reliable.",
            state=RecommendationState.PENDING_RECIPIENT,
        )
        cls.reports = [
            Report.objects.create(
                reporter=cls.alice, target_member=member, reason=ReportReason.SPAM
            )
            for member in (cls.carol, cls.bob)
        ]
        cls.invitation = Connection.objects.create(
            member_low=min(cls.carol, cls.bob, key=lambda p: p.pk),
            member_high=max(cls.carol, cls.bob, key=lambda p: p.pk),
            requester=cls.carol,
            recipient=cls.bob,
            state=ConnectionState.PENDING,
        )
        cls.proposed = CompanyRelationship.objects.create(
            from_company=cls.globex, to_company=cls.acme, kind=CompanyRelationshipKind.SUPPLIER
        )


#: (name, action): each action, done twice, must change nothing the second time.
ACTIONS = [
    (
        "approve endorsement",
        lambda t: services.moderate_endorsement(t.moderator, t.pending[0], True),
    ),
    (
        "reject endorsement",
        lambda t: services.moderate_endorsement(t.moderator, t.pending[0], False),
    ),
    (
        "approve recommendation",
        lambda t: services.moderate_recommendation(t.moderator, t.awaiting_moderation, True),
    ),
    (
        "reject recommendation",
        lambda t: services.moderate_recommendation(t.moderator, t.awaiting_moderation, False),
    ),
    (
        "resolve report",
        lambda t: services.resolve_report(t.moderator, t.reports[0], ReportState.RESOLVED, "Done"),
    ),
    (
        "dismiss report",
        lambda t: services.resolve_report(t.moderator, t.reports[0], ReportState.DISMISSED),
    ),
    (
        "hide endorsement",
        lambda t: services.set_endorsement_hidden(t.alice_user, t.pending[0], True),
    ),
    (
        "hide recommendation",
        lambda t: services.respond_to_recommendation(t.bob_user, t.awaiting_recipient, "hide"),
    ),
    (
        "accept recommendation",
        lambda t: services.respond_to_recommendation(t.bob_user, t.awaiting_recipient, "accept"),
    ),
    (
        "decline recommendation",
        lambda t: services.respond_to_recommendation(t.bob_user, t.awaiting_recipient, "decline"),
    ),
    (
        "rewrite a waiting recommendation unchanged",
        lambda t: services.write_recommendation(t.alice_user, t.bob, "same_team", "Reliable."),
    ),
    ("block", lambda t: services.block_member(t.alice_user, t.carol)),
    ("follow", lambda t: services.follow_company(t.alice_user, t.acme)),
    ("unfollow", lambda t: services.unfollow_company(t.alice_user, t.acme)),
    ("accept invitation", lambda t: services.accept_connection(t.bob_user, t.carol)),
    ("ignore invitation", lambda t: services.ignore_connection(t.bob_user, t.carol)),
    ("confirm position", lambda t: services.confirm_position(t.company_admin, t.alice_at_acme)),
    ("unverify position", lambda t: services.unverify_position(t.company_admin, t.alice_at_acme)),
    (
        "confirm company relationship",
        lambda t: services.confirm_company_relationship(t.company_admin, t.proposed),
    ),
    (
        "propose company relationship",
        lambda t: services.propose_company_relationship(
            t.company_admin, t.acme, t.globex, CompanyRelationshipKind.CLIENT
        ),
    ),
    ("grant company admin", lambda t: roles.grant_company_admin(t.editor, t.bob_user, t.acme)),
    (
        "revoke company admin",
        lambda t: roles.revoke_company_admin(t.editor, t.company_admin, t.acme),
    ),
    ("ensure role groups", lambda t: roles.ensure_role_groups(t.superuser)),
]


class _Undo(Exception):
    """Rolls one subtest's writes back."""


USERS = ("superuser", "editor", "moderator", "company_admin", "alice_user", "bob_user")


class ActionsThatChangeNothingTests(NoOpData):
    def test_an_action_on_a_target_already_in_the_requested_state_writes_nothing(self):
        for name, action in ACTIONS:
            # Users as a new request loads them: nothing memoised by an earlier subtest.
            for attr in USERS:
                setattr(
                    self, attr, type(getattr(self, attr)).objects.get(pk=getattr(self, attr).pk)
                )
            with self.subTest(name), self.assertRaises(_Undo):
                with transaction.atomic():
                    action(self)  # into the requested state (it may already be there)
                    before = written()
                    with services.recorded_changes() as changes:
                        action(self)  # again: it succeeds, and changes nothing
                    self.assertEqual(changes, [], name)
                    self.assertEqual(written(), before, name)
                    raise _Undo

    def test_each_first_action_is_logged_once(self):
        # The counterpart: a real change is one audit entry, so "no entry" above
        # means "nothing happened", not "nothing is ever logged".
        with services.recorded_changes() as changes:
            services.moderate_endorsement(self.moderator, self.pending[0], True)
            services.resolve_report(self.moderator, self.reports[0], ReportState.RESOLVED)
            roles.grant_company_admin(self.editor, self.bob_user, self.acme)
        self.assertEqual(
            changes,
            [
                "wagtail_network.endorsement.approve",
                "wagtail_network.report.resolve",
                "wagtail_network.company_admin.grant",
            ],
        )

    def test_resolving_a_resolved_report_keeps_its_first_decision(self):
        services.resolve_report(self.moderator, self.reports[0], ReportState.RESOLVED, "First")
        other = UserFactory(username="moderator2")
        other.groups.set(self.moderator.groups.all())
        services.resolve_report(other, self.reports[0], ReportState.RESOLVED, "Second")
        report = Report.objects.get(pk=self.reports[0].pk)
        self.assertEqual((report.resolution_note, report.handled_by), ("First", self.moderator))


class BulkActionsOverAMixTests(NoOpData):
    def entries(self, action):
        return ModelLogEntry.objects.filter(action=action)

    def test_bulk_approve_over_a_mix_logs_and_counts_only_the_changed(self):
        self.login(self.moderator)
        response = self.client.post(
            bulk_url("endorsement", "approve", [self.live, *self.pending]), follow=True
        )
        self.assertEqual(response.status_code, 200)
        logged = {int(e.object_id) for e in self.entries("wagtail_network.endorsement.approve")}
        self.assertEqual(logged, {e.pk for e in self.pending})
        self.assertIn("2 endorsements done. 1 was already approved.", messages_of(response))

    def test_bulk_approve_of_only_live_endorsements_says_already_approved_and_logs_nothing(self):
        self.login(self.moderator)
        before = written()
        response = self.client.post(bulk_url("endorsement", "approve", [self.live]), follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(written(), before)
        self.assertIn("1 was already approved.", messages_of(response))

    def test_bulk_reject_twice_logs_once(self):
        self.login(self.moderator)
        self.client.post(bulk_url("endorsement", "reject", self.pending))
        response = self.client.post(bulk_url("endorsement", "reject", self.pending), follow=True)
        self.assertEqual(self.entries("wagtail_network.endorsement.reject").count(), 2)
        self.assertIn("2 were already rejected.", messages_of(response))

    def test_bulk_resolve_over_a_mix_logs_only_the_open_reports(self):
        services.resolve_report(self.moderator, self.reports[0], ReportState.RESOLVED)
        self.login(self.moderator)
        response = self.client.post(
            bulk_url("report", "resolve", self.reports), {"note": "Checked"}, follow=True
        )
        entries = self.entries("wagtail_network.report.resolve")
        self.assertEqual(sorted(int(e.object_id) for e in entries), [r.pk for r in self.reports])
        self.assertEqual(entries.count(), 2)  # one each, the first one's from before
        self.assertIn("1 report done. 1 was already resolved.", messages_of(response))
        self.assertEqual(Report.objects.get(pk=self.reports[0].pk).resolution_note, "")

    def test_bulk_approve_of_published_recommendations_logs_nothing(self):
        services.moderate_recommendation(self.moderator, self.awaiting_moderation, True)
        self.login(self.moderator)
        before = written()
        response = self.client.post(
            bulk_url("recommendation", "approve", [self.awaiting_moderation]), follow=True
        )
        self.assertEqual(written(), before)
        self.assertIn("1 was already approved.", messages_of(response))


class OneObjectScreensTests(NoOpData):
    def test_confirming_a_confirmed_position_on_its_screen_says_so_and_logs_nothing(self):
        self.login(self.company_admin)
        url = reverse("wagtail_network_positions:confirm", args=[self.alice_at_acme.pk])
        self.client.post(url)
        before = written()
        response = self.client.post(url, follow=True)
        self.assertEqual(written(), before)
        self.assertIn(
            f"Position “{self.alice_at_acme}” was already confirmed.", messages_of(response)
        )

    def test_confirming_a_confirmed_relationship_on_its_screen_says_so_and_logs_nothing(self):
        self.login(self.company_admin)
        url = reverse("wagtail_network_company_relationships:confirm", args=[self.proposed.pk])
        self.client.post(url)
        before = written()
        response = self.client.post(url, follow=True)
        self.assertEqual(written(), before)
        self.assertIn(
            f"Relationship “{self.proposed}” was already confirmed.", messages_of(response)
        )

    def test_granting_a_company_admin_twice_on_the_screen_logs_once(self):
        self.login(self.editor)
        url = reverse("wagtail_network_company_admins:company", args=[self.globex.pk])
        self.client.post(url, {"user": self.bob_user.get_username()})
        before = written()
        response = self.client.post(url, {"user": self.bob_user.get_username()}, follow=True)
        self.assertEqual(written(), before)
        self.assertIn(
            f"{self.bob_user.get_username()} is already an admin of {self.globex.title}.",
            messages_of(response),
        )

    def test_revoking_a_company_admin_twice_on_the_screen_logs_once(self):
        self.login(self.editor)
        url = reverse("wagtail_network_company_admins:company", args=[self.acme.pk])
        self.client.post(url, {"revoke": self.company_admin.pk})
        before = written()
        response = self.client.post(url, {"revoke": self.company_admin.pk}, follow=True)
        self.assertEqual(written(), before)
        self.assertIn(
            f"{self.company_admin.get_username()} is not an admin of {self.acme.title}.",
            messages_of(response),
        )

    def test_merging_again_after_a_merge_says_nothing_is_left_and_writes_nothing(self):
        keep, duplicate = self.skill, SkillFactory(name="python3")
        self.login(self.editor)
        url = bulk_url("skill", "merge", [keep, duplicate])
        self.client.post(url, {"keep": keep.pk})
        self.assertFalse(Skill.objects.filter(pk=duplicate.pk).exists())
        before = written()
        response = self.client.post(url, {"keep": keep.pk}, follow=True)
        self.assertEqual(written(), before)
        self.assertIn(
            f"Nothing left to merge into “{keep}”: the other terms were already merged or deleted.",
            messages_of(response),
        )


def _unchanged_form_data(form) -> dict:
    """What a browser posts back for ``form`` untouched: every field's current value,
    and each inline formset's management form."""
    data = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        data[bound.html_name] = value
    for formset in getattr(form, "formsets", {}).values():
        data.update({f.html_name: f.value() for f in formset.management_form})
        for inline in formset.forms:
            data.update(_unchanged_form_data(inline))
    return data


class EditFormsThatChangeNothingTests(NoOpData):
    """Saving a Network edit screen unchanged writes no save and no ``wagtail.edit``
    entry; a real change is logged once."""

    def _edit(self, obj, changes: dict | None = None):
        url = reverse(obj.snippet_viewset.get_url_name("edit"), args=[obj.pk])
        form = self.client.get(url).context["form"]
        data = {**_unchanged_form_data(form), **(changes or {})}
        return self.client.post(url, data, follow=True)

    def test_saving_an_edit_form_unchanged_writes_nothing(self):
        self.login(self.superuser)
        for obj in (self.skill, self.awaiting_moderation, self.pending[0]):
            with self.subTest(model=obj._meta.model_name):
                before = written()
                response = self._edit(obj)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(written(), before)

    def test_a_change_on_an_edit_form_is_logged_once(self):
        self.login(self.superuser)
        before = ModelLogEntry.objects.filter(action="wagtail.edit").count()
        self._edit(self.skill, {"name": "Python 3"})
        self.skill.refresh_from_db()
        self.assertEqual(self.skill.name, "Python 3")
        self.assertEqual(ModelLogEntry.objects.filter(action="wagtail.edit").count(), before + 1)
