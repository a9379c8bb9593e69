"""Notifications in the member's data export and erasure: their notifications,
choices and e-mail history are theirs to take and to erase; what others were told
about an erased member goes with the member."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import override_settings

from tests.factories import UserFactory
from wagtail_network import notifications, privacy, services
from wagtail_network.models import (
    EmailState,
    MemberPage,
    Notification,
    NotificationEmail,
    NotificationSettings,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(alice, bob, immediate_tasks, django_capture_on_commit_callbacks):
    """Bob chose Dutch and a digest for accepted invitations; Alice invited him (mailed
    at once) and he read it."""
    notifications.set_preferences(bob.user, {"invitation_accepted": "digest"}, language="nl")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_connection(alice.user, bob)
    notifications.mark_read(bob.user)
    assert len(mail.outbox) == 1
    return alice, bob


def test_the_export_holds_the_members_notifications_choices_and_emails(told):
    _alice, bob = told

    archive = json.loads(json.dumps(privacy.export_member_data(bob.user)))

    [item] = archive["notifications"]
    assert item["kind"] == "invitation_received"
    assert item["message"] == "Alice invited you to connect."
    assert item["created_at"] and item["read_at"]
    assert archive["notification_settings"]["language"] == "nl"
    assert archive["notification_settings"]["channels"] == {"invitation_accepted": "digest"}
    [email] = archive["notification_emails"]
    assert email["kind"] == "invitation_received"
    assert "Alice heeft je uitgenodigd om te connecten." in email["subject"]  # his language
    assert email["address"] == bob.user.email
    assert email["state"] == EmailState.SENT and email["sent_at"]
    assert email["language"] == "nl"


def test_the_export_leaves_out_what_the_member_may_no_longer_be_told(told):
    alice, bob = told
    services.withdraw_connection_request(alice.user, bob)

    archive = privacy.export_member_data(bob.user)

    assert archive["notifications"] == []
    # The e-mail was sent: it stays in the history.
    assert len(archive["notification_emails"]) == 1


def test_an_account_without_a_profile_exports_its_notifications_too(db):
    moderator = UserFactory(username="mod")
    notifications.set_preferences(moderator, language="en")

    archive = privacy.export_member_data(moderator)

    assert archive["profile"] is None
    assert archive["notifications"] == [] and archive["notification_emails"] == []
    assert archive["notification_settings"]["language"] == "en"


def test_a_member_without_notification_settings_exports_none(alice):
    assert privacy.export_member_data(alice.user)["notification_settings"] is None


@pytest.mark.parametrize("deactivates", [True, False])
def test_deleting_my_account_erases_my_notifications_choices_and_emails(told, deactivates):
    _alice, bob = told
    with override_settings(WAGTAIL_NETWORK={"ACCOUNT_DELETION_DEACTIVATES_USER": deactivates}):
        privacy.delete_account(bob.user, password="password")

    assert not Notification.objects.filter(recipient=bob.user).exists()
    assert not NotificationEmail.objects.filter(recipient=bob.user).exists()
    assert not NotificationSettings.objects.filter(user=bob.user).exists()


def test_what_others_were_told_about_an_erased_member_goes_with_them(told):
    alice, bob = told
    email = NotificationEmail.objects.get(recipient=bob.user)

    privacy.delete_account(alice.user, password="password")

    # Bob's notification about Alice went with her page ...
    assert not Notification.objects.filter(recipient=bob.user).exists()
    # ... his e-mail history keeps the e-mail, without her name in its subject.
    email.refresh_from_db()
    assert email.subject == "" and email.state == EmailState.SENT


def test_an_erased_members_name_leaves_emails_whose_notifications_went_before(told):
    alice, bob = told
    email = NotificationEmail.objects.get(recipient=bob.user)
    Notification.objects.filter(recipient=bob.user).delete()  # pruned, or a block forgot it
    privacy.delete_account(alice.user, password="password")
    email.refresh_from_db()
    assert "Alice" not in email.subject


def test_the_editors_erasure_removes_notifications_naming_the_member(alice, bob):
    editor = UserFactory(username="editor", is_superuser=True, is_staff=True)
    services.request_connection(alice.user, bob)
    # A profile waiting for an editor: the member is ``member``, not the actor.
    Notification.objects.create(recipient=editor, kind="profile_waiting", member=alice)
    # Alice has no account any more: only the page's foreign keys find her notifications.
    MemberPage.objects.filter(pk=alice.pk).update(user=None)

    privacy.erase_member(alice.pk, actor=editor)

    assert not Notification.objects.filter(actor_id=alice.pk).exists()
    assert not Notification.objects.filter(member_id=alice.pk).exists()
    assert not Notification.objects.exists()
