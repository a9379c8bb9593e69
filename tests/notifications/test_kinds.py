"""Each kind of notification reaches who PRODUCT.md and issue 12 name, and never
discloses what its recipient may not see (the visibility module decides, at
creation and whenever the list, the count or an e-mail is read)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import translation
from guardian.shortcuts import assign_perm

from tests.factories import UserFactory, connect
from tests.services.conftest import fresh
from wagtail_network import notifications, services
from wagtail_network.models import (
    EmailState,
    MemberPage,
    Notification,
    NotificationChannel,
    NotificationEmail,
    ProfileVisibility,
)
from wagtail_network.notifications import NotificationKind, kinds

pytestmark = pytest.mark.django_db


def told(user) -> list[tuple[str, int | None]]:
    """(kind, actor) of what ``user`` may see of their notifications, newest first."""
    return [(n.kind, n.actor_id) for n in notifications.visible_notifications(fresh(user))]


def stored(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.fixture
def mailed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks (the e-mail tasks) and return the outbox."""

    class Run:
        def __enter__(self):
            self.ctx = django_capture_on_commit_callbacks(execute=True)
            self.ctx.__enter__()
            return mail.outbox

        def __exit__(self, *exc):
            return self.ctx.__exit__(*exc)

    return Run


def company_admin(company):
    user = UserFactory()
    assign_perm("wagtail_network.change_companypage", user, company)
    return fresh(user)


# --- invitations ------------------------------------------------------------------


def test_invitation_received_is_told_to_the_invited_member_in_app_and_by_email(alice, bob, mailed):
    with mailed() as outbox:
        services.request_connection(alice.user, bob, "Hello")
    assert told(bob.user) == [("invitation_received", alice.pk)]
    assert told(alice.user) == []
    assert notifications.unread_count(bob.user) == 1
    assert [m.to for m in outbox] == [[bob.user.email]]
    assert "Alice invited you to connect" in outbox[0].subject
    assert "/network/#invitations" in outbox[0].body


def test_invitation_accepted_is_told_to_the_inviter(alice, bob, mailed):
    services.request_connection(alice.user, bob)
    with mailed() as outbox:
        services.accept_connection(bob.user, alice)
    assert told(alice.user) == [("invitation_accepted", bob.pk)]
    assert [m.to for m in outbox] == [[alice.user.email]]
    assert "Bob accepted your invitation" in outbox[0].subject


def test_crossing_invitations_tell_the_first_inviter_of_the_acceptance(alice, bob):
    services.request_connection(alice.user, bob)
    services.request_connection(bob.user, alice)  # the clearest possible "yes"
    assert told(alice.user) == [("invitation_accepted", bob.pk)]


def test_an_ignore_is_never_notified(alice, bob):
    services.request_connection(alice.user, bob)
    services.ignore_connection(bob.user, alice)
    assert told(alice.user) == []
    assert stored(alice.user) == []


def test_a_withdrawn_invitation_is_no_longer_told(alice, bob):
    services.request_connection(alice.user, bob)
    services.withdraw_connection_request(alice.user, bob)
    assert told(bob.user) == []
    assert notifications.unread_count(bob.user) == 0


# --- endorsements and recommendations ----------------------------------------------


def test_endorsement_received_is_told_to_the_endorsed_member(alice, bob, skill, mailed):
    connect(alice, bob)
    bob.skills.add(skill)
    bob.save()
    with mailed() as outbox:
        services.endorse_skill(alice.user, bob, skill)
    assert told(bob.user) == [("endorsement_received", alice.pk)]
    assert "Alice endorsed you for Python" in outbox[0].subject


@override_settings(WAGTAIL_NETWORK={"ENDORSEMENT_MODERATION": True})
def test_an_endorsement_waiting_for_a_moderator_is_announced_only_when_approved(
    alice, bob, skill, moderator
):
    connect(alice, bob)
    bob.skills.add(skill)
    bob.save()
    endorsement = services.endorse_skill(alice.user, bob, skill)
    assert told(bob.user) == []
    services.moderate_endorsement(moderator, endorsement, approve=True)
    assert told(bob.user) == [("endorsement_received", alice.pk)]


@override_settings(WAGTAIL_NETWORK={"ENDORSEMENT_MODERATION": True})
def test_a_rejected_endorsement_is_never_announced(alice, bob, skill, moderator):
    connect(alice, bob)
    bob.skills.add(skill)
    bob.save()
    endorsement = services.endorse_skill(alice.user, bob, skill)
    services.moderate_endorsement(moderator, endorsement, approve=False)
    assert told(bob.user) == [] and stored(bob.user) == []


def test_a_hidden_endorsement_is_not_announced(alice, bob, skill):
    connect(alice, bob)
    bob.skills.add(skill)
    bob.save()
    endorsement = services.endorse_skill(alice.user, bob, skill)
    services.set_endorsement_hidden(bob.user, endorsement, True)
    assert told(bob.user) == []
    assert notifications.unread_count(bob.user) == 0


def test_a_withdrawn_endorsement_takes_its_notification_with_it(alice, bob, skill):
    connect(alice, bob)
    bob.skills.add(skill)
    bob.save()
    services.endorse_skill(alice.user, bob, skill)
    services.withdraw_endorsement(alice.user, bob, skill)
    assert stored(bob.user) == []


def test_an_endorsement_withdrawn_and_given_again_is_announced_once(alice, bob, skill, mailed):
    connect(alice, bob)
    bob.skills.add(skill)
    bob.save()
    with mailed() as outbox:
        services.endorse_skill(alice.user, bob, skill)
    assert len(outbox) == 1
    with mailed() as outbox:
        for _ in range(4):
            services.withdraw_endorsement(alice.user, bob, skill)
            services.endorse_skill(alice.user, bob, skill)
    assert len(outbox) == 1
    assert stored(bob.user) == []  # the first went with its endorsement


def test_recommendation_received_and_accepted_go_to_recipient_and_author(alice, bob):
    connect(alice, bob)
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great to work with.")
    assert told(bob.user) == [("recommendation_received", alice.pk)]
    services.respond_to_recommendation(bob.user, rec, "accept")
    assert told(alice.user) == [("recommendation_accepted", bob.pk)]


def test_a_declined_recommendation_is_never_told_to_its_author(alice, bob):
    connect(alice, bob)
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great to work with.")
    services.respond_to_recommendation(bob.user, rec, "decline")
    assert told(alice.user) == [] and stored(alice.user) == []


def test_hiding_an_accepted_recommendation_is_not_disclosed_to_its_author(alice, bob):
    connect(alice, bob)
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great to work with.")
    services.respond_to_recommendation(bob.user, rec, "accept")
    before = told(alice.user)
    services.respond_to_recommendation(bob.user, rec, "hide")
    assert told(alice.user) == before == [("recommendation_accepted", bob.pk)]


# --- positions ----------------------------------------------------------------------


def test_position_claimed_is_told_to_the_company_admins_and_confirmed_to_the_member(
    alice, company, other_company
):
    admin = company_admin(company)
    other_admin = company_admin(other_company)
    position = services.claim_position(alice.user, company, title="Engineer")
    assert told(admin) == [("position_claimed", alice.pk)]
    assert told(other_admin) == []
    services.confirm_position(admin, position)
    assert told(alice.user) == [("position_confirmed", None)]
    sentence = kinds.get_kind("position_confirmed").describe(
        notifications.visible_notifications(alice.user).get()
    )
    assert sentence == "Acme confirmed your position as Engineer."


def test_a_company_admin_whose_grant_is_revoked_no_longer_sees_the_claims(alice, company):
    admin = company_admin(company)
    services.claim_position(alice.user, company, title="Engineer")
    from guardian.shortcuts import remove_perm

    remove_perm("wagtail_network.change_companypage", admin, company)
    assert told(admin) == []


def test_a_claim_is_told_to_the_admin_even_when_the_claimers_profile_is_private(alice, company):
    admin = company_admin(company)
    MemberPage.objects.filter(pk=alice.pk).update(profile_visibility=ProfileVisibility.CONNECTIONS)
    services.claim_position(fresh(alice.user), company, title="Engineer")
    assert told(admin) == [("position_claimed", alice.pk)]


# --- reports ------------------------------------------------------------------------


def test_report_received_goes_to_moderators_only(alice, bob, carol, moderator):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    group = Group.objects.create(name="Mods")
    group.permissions.add(
        Permission.objects.get(
            codename="moderate_network", content_type__app_label="wagtail_network"
        )
    )
    grouped = UserFactory()
    grouped.groups.add(group)
    services.report_content(alice.user, member=bob, reason="spam", details="Ads")
    assert told(moderator) == [("report_received", None)]
    assert told(superuser) == [("report_received", None)]
    assert told(grouped) == [("report_received", None)]
    assert told(bob.user) == [] and told(carol.user) == []


def test_a_moderator_who_gives_up_the_role_no_longer_sees_the_reports(alice, bob, moderator):
    services.report_content(alice.user, member=bob, reason="spam")
    moderator.user_permissions.clear()
    assert told(moderator) == []


def test_report_resolved_is_told_to_the_reporter_without_naming_the_moderator(
    alice, bob, moderator
):
    report = services.report_content(alice.user, member=bob, reason="spam")
    services.resolve_report(moderator, report, "resolved", "Removed the ads")
    assert told(alice.user) == [("report_resolved", None)]
    n = notifications.visible_notifications(alice.user).get()
    assert kinds.get_kind(n.kind).describe(n) == "A moderator reviewed your report."


# --- profiles waiting for an editor ------------------------------------------------


def _page_editor():
    """A Network editor with Wagtail's page rights on the site (not a superuser)."""
    from tests.services.test_skill_suggestions import page_editor

    return page_editor()


@override_settings(WAGTAIL_NETWORK={"NEW_PROFILES_LIVE": False})
def test_a_profile_waiting_for_an_editor_is_told_to_editors_until_published(directories, alice):
    editor = _page_editor()
    newcomer = UserFactory()
    services.update_my_profile(newcomer, title="Newcomer")
    member = MemberPage.objects.get(user=newcomer)
    assert told(editor) == [("profile_waiting", None)]
    assert told(alice.user) == []
    member.get_latest_revision().publish()
    assert told(editor) == []


def test_a_profile_that_goes_live_at_once_waits_for_no_one(directories):
    editor = _page_editor()
    services.update_my_profile(UserFactory(), title="Newcomer")
    assert told(editor) == []


def test_joining_keeps_the_request_language_for_the_members_emails(directories):
    newcomer = UserFactory()
    with translation.override("nl"):
        services.update_my_profile(newcomer, title="Nieuwkomer")
    assert notifications.language_for(newcomer) == "nl"
    notifications.set_preferences(newcomer, language="en")
    with translation.override("nl"):
        services.update_my_profile(newcomer, headline="Again")
    assert notifications.language_for(newcomer) == "en"


# --- disclosure ---------------------------------------------------------------------


def test_nothing_is_told_to_the_actor_themselves(alice, bob, company):
    admin_alice = alice.user
    assign_perm("wagtail_network.change_companypage", admin_alice, company)
    services.claim_position(fresh(admin_alice), company, title="Founder")
    assert stored(admin_alice) == []


def test_a_block_forgets_what_either_was_told_about_the_other(alice, bob, carol):
    services.request_connection(alice.user, bob)
    services.request_connection(carol.user, bob)
    services.block_member(bob.user, alice)
    assert told(bob.user) == [("invitation_received", carol.pk)]
    assert stored(bob.user) == ["invitation_received"]
    assert notifications.unread_count(bob.user) == 1


def test_nothing_about_a_member_who_blocked_the_recipient(alice, bob, carol):
    connect(alice, bob)
    rec = services.write_recommendation(alice.user, bob, "same_team", "Great.")
    services.respond_to_recommendation(bob.user, rec, "accept")
    # A block written past the services (an import, the admin's raw tools): the
    # visibility rules hide it all the same, in the list and in the count.
    from wagtail_network.models import Block

    Block.objects.create(blocker=bob, blocked=alice)
    assert told(alice.user) == []
    assert notifications.unread_count(alice.user) == 0


def test_a_notification_from_an_actor_the_recipient_can_no_longer_see_is_not_shown(
    alice, bob, skill
):
    connect(alice, bob)
    bob.skills.add(skill)
    bob.save()
    services.endorse_skill(alice.user, bob, skill)
    alice.unpublish()
    assert told(bob.user) == []


def test_a_kind_switched_off_creates_nothing_and_in_app_sends_no_email(alice, bob, carol, mailed):
    notifications.set_preferences(bob.user, {"invitation_received": NotificationChannel.OFF})
    notifications.set_preferences(carol.user, {"invitation_received": NotificationChannel.IN_APP})
    with mailed() as outbox:
        services.request_connection(alice.user, bob)
        services.request_connection(alice.user, carol)
    assert stored(bob.user) == []
    assert told(carol.user) == [("invitation_received", alice.pk)]
    assert outbox == []


def test_a_digest_kind_waits_for_the_daily_email(alice, bob, mailed):
    notifications.set_preferences(bob.user, {"invitation_received": NotificationChannel.DIGEST})
    with mailed() as outbox:
        services.request_connection(alice.user, bob)
    assert outbox == []
    assert Notification.objects.get(recipient=bob.user).email_state == EmailState.DIGEST


@override_settings(
    WAGTAIL_NETWORK={"NOTIFICATIONS": {"DEFAULT_CHANNELS": {"invitation_received": "in_app"}}}
)
def test_the_sites_default_channel_applies_to_members_who_chose_none(alice, bob, mailed):
    with mailed() as outbox:
        services.request_connection(alice.user, bob)
    assert outbox == [] and told(bob.user) == [("invitation_received", alice.pk)]
    assert notifications.channels_for(bob.user)["invitation_accepted"] == "email"


def test_the_email_is_written_in_the_recipients_language(alice, bob, mailed):
    notifications.set_preferences(bob.user, language="nl")
    with mailed() as outbox:
        services.request_connection(alice.user, bob)
    assert NotificationEmail.objects.get(recipient=bob.user).language == "nl"
    assert '<html lang="nl">' in outbox[0].alternatives[0][0]
    html = outbox[0].alternatives[0][0]
    assert "<title>Alice heeft je uitgenodigd om te connecten.</title>" in html


def test_an_email_carries_a_one_click_unsubscribe_link_and_header(alice, bob, mailed):
    with mailed() as outbox:
        services.request_connection(alice.user, bob)
    headers = outbox[0].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("http") and "/network/notifications/unsubscribe/" in url
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert notifications.read_unsubscribe_token(token) == (bob.user, "invitation_received")
    assert notifications.read_unsubscribe_token(token[:-2] + "xx") is None


def test_unsubscribing_keeps_the_kind_on_the_site(bob):
    assert notifications.unsubscribe(bob.user, "invitation_received") == ["invitation_received"]
    assert notifications.channel_for(bob.user, "invitation_received") == "in_app"
    assert notifications.unsubscribe(bob.user, "invitation_received") == []


def test_preferences_refuse_unknown_kinds_channels_and_languages(bob):
    from wagtail_network.errors import ErrorCode, NetworkError

    for channels, language, field in (
        ({"nope": "email"}, None, "kind"),
        ({"invitation_received": "fax"}, None, "channel"),
        ({}, "xx", "language"),
    ):
        with pytest.raises(NetworkError) as err:
            notifications.set_preferences(bob.user, channels, language)
        assert (err.value.code, err.value.field) == (ErrorCode.VALIDATION, field)
    with pytest.raises(NetworkError):
        notifications.set_preferences(AnonymousUser(), {})
    assert notifications.preferences_for(bob.user)["language"] == ""


# --- the count, marking read, plugged-in kinds -------------------------------------


def test_the_unread_count_is_one_query(alice, bob, carol):
    services.request_connection(alice.user, bob)
    services.request_connection(carol.user, bob)
    user = fresh(bob.user)
    with CaptureQueriesContext(connection) as queries:
        assert notifications.unread_count(user) == 2
    assert len(queries) == 1


def test_marking_read_touches_only_the_users_own_notifications(alice, bob, carol):
    services.request_connection(alice.user, bob)
    services.request_connection(alice.user, carol)
    mine = notifications.visible_notifications(bob.user).get()
    theirs = notifications.visible_notifications(carol.user).get()
    assert notifications.mark_read(bob.user, [theirs.pk, "garbage", 10**30]) == 0
    assert notifications.mark_read(bob.user, [mine.pk]) == 1
    assert notifications.unread_count(bob.user) == 0
    assert notifications.unread_count(carol.user) == 1
    assert notifications.mark_read(carol.user) == 1


def test_another_app_plugs_in_a_kind_of_its_own(alice, bob):
    kind = NotificationKind(
        key="test_post_comment",
        label="Comments on your posts",
        audience="When someone comments.",
        describe=lambda n: f"{n.actor.title} commented on post {n.object_id}.",
        link=lambda n: f"/posts/{n.object_id}/",
        current=~__import__("django.db.models", fromlist=["Q"]).Q(object_id=13),
        default=NotificationChannel.IN_APP,
    )
    notifications.register_kind(kind)
    try:
        notifications.notify("test_post_comment", [bob.user], actor=alice, object_id=7)
        notifications.notify("test_post_comment", [bob.user], actor=alice, object_id=13)
        rows = list(notifications.visible_notifications(bob.user))
        assert [kind.describe(n) for n in rows] == ["Alice commented on post 7."]
        assert "test_post_comment" in notifications.channels_for(bob.user)
    finally:
        kinds._registry.pop("test_post_comment")


def test_an_unknown_kind_is_refused(alice, bob):
    with pytest.raises(ValueError):
        notifications.notify("no_such_kind", [bob.user], actor=alice)
