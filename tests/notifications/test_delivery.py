"""Sending a notification's e-mail from a task: a failed send is retried with a
doubling delay and never lost silently; what became invisible before the send is
not mailed."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from wagtail_network import notifications, services
from wagtail_network.models import (
    EmailState,
    Notification,
    NotificationChannel,
    NotificationEmail,
)
from wagtail_network.notifications import delivery

pytestmark = pytest.mark.django_db

RETRY = {"NOTIFICATIONS": {"EMAIL_RETRY_DELAY": 60, "EMAIL_MAX_ATTEMPTS": 3}}


def invite(capture, inviter, member):
    """``inviter`` invites ``member``; the e-mail is enqueued as the request commits."""
    with capture(execute=True):
        services.request_connection(inviter.user, member)
    return NotificationEmail.objects.get(recipient=member.user)


def sends(backend) -> list:
    """The e-mail tasks a keeping backend holds (Wagtail enqueues its own tasks too)."""
    path = delivery.send_notification_email.module_path
    return [r for r in backend.results if r.task.module_path == path]


def make_due(email: NotificationEmail) -> None:
    """Time passes: the e-mail's retry time has come."""
    NotificationEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_an_invitation_is_mailed_from_the_task_once_the_request_commits(
    alice, bob, immediate_tasks, django_capture_on_commit_callbacks
):
    email = invite(django_capture_on_commit_callbacks, alice, bob)

    assert email.state == EmailState.SENT and email.attempts == 1
    assert [m.to for m in mail.outbox] == [[bob.user.email]]
    assert "Alice invited you to connect." in mail.outbox[0].body
    assert Notification.objects.get(recipient=bob.user).email_state == EmailState.SENT


@override_settings(WAGTAIL_NETWORK=RETRY)
def test_a_failed_send_stays_pending_with_its_error_and_a_retry_time(
    alice, bob, immediate_tasks, flaky_mail, django_capture_on_commit_callbacks
):
    flaky_mail(1)
    before = timezone.now()

    email = invite(django_capture_on_commit_callbacks, alice, bob)

    assert mail.outbox == []
    assert email.state == EmailState.PENDING
    assert email.attempts == 1
    assert "SMTPException" in email.last_error
    assert before + timedelta(seconds=60) <= email.next_attempt_at
    assert email.next_attempt_at <= timezone.now() + timedelta(seconds=60)


@override_settings(WAGTAIL_NETWORK=RETRY)
def test_a_backend_that_can_wait_gets_the_retry_enqueued_for_its_retry_time(
    alice, bob, dummy_tasks, flaky_mail, django_capture_on_commit_callbacks
):
    email = invite(django_capture_on_commit_callbacks, alice, bob)
    # The request enqueued the send, to run at once.
    assert [(r.args, r.task.run_after) for r in sends(dummy_tasks)] == [([email.pk], None)]
    dummy_tasks.clear()
    flaky_mail(1)

    # The worker runs the task; the mail server refuses.
    assert delivery.send_notification_email.call(email.pk) == "retry"

    email.refresh_from_db()
    assert email.state == EmailState.PENDING and email.attempts == 1
    [retry] = sends(dummy_tasks)
    assert retry.args == [email.pk]
    assert retry.task.run_after == email.next_attempt_at
    # Run when it is due, it is sent.
    make_due(email)
    assert delivery.send_notification_email.call(email.pk) == EmailState.SENT
    assert len(mail.outbox) == 1


@override_settings(WAGTAIL_NETWORK=RETRY)
def test_the_immediate_backend_retries_when_the_command_runs_once_the_send_is_due(
    alice, bob, immediate_tasks, flaky_mail, django_capture_on_commit_callbacks
):
    flaky_mail(1)
    email = invite(django_capture_on_commit_callbacks, alice, bob)
    assert email.state == EmailState.PENDING

    # Not due yet: the command leaves it.
    call_command("send_notification_digests", "--retries-only", verbosity=0)
    email.refresh_from_db()
    assert email.state == EmailState.PENDING and mail.outbox == []

    make_due(email)
    call_command("send_notification_digests", "--retries-only", verbosity=0)

    email.refresh_from_db()
    assert email.state == EmailState.SENT and email.attempts == 2
    assert email.last_error == ""
    assert len(mail.outbox) == 1


@override_settings(WAGTAIL_NETWORK=RETRY)
def test_each_retry_waits_twice_as_long_and_the_last_failure_is_logged_as_an_error(
    alice, bob, immediate_tasks, flaky_mail, django_capture_on_commit_callbacks, caplog
):
    flaky_mail(10)
    caplog.set_level(logging.WARNING, logger="wagtail_network.notifications")
    email = invite(django_capture_on_commit_callbacks, alice, bob)
    delays = []
    for _attempt in range(2):
        email.refresh_from_db()
        delays.append(round((email.next_attempt_at - timezone.now()).total_seconds()))
        make_due(email)
        delivery.retry_due_emails()

    email.refresh_from_db()
    assert delays == [60, 120]
    assert email.state == EmailState.FAILED
    assert email.attempts == 3 and email.next_attempt_at is None
    assert "SMTPException" in email.last_error
    assert Notification.objects.get(recipient=bob.user).email_state == EmailState.FAILED
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert f"e-mail {email.pk}" in errors[0].getMessage()
    assert "given up" in errors[0].getMessage()
    # Nothing retries it again: given up is final.
    assert email.pk not in delivery.retry_due_emails(timezone.now() + timedelta(days=30))
    assert mail.outbox == []


def test_a_send_stuck_in_sending_for_over_15_minutes_is_retried(
    alice, bob, dummy_tasks, immediate_tasks, django_capture_on_commit_callbacks
):
    email = invite(django_capture_on_commit_callbacks, alice, bob)
    # The worker claimed it and died: "sending", claimed 16 minutes ago.
    NotificationEmail.objects.filter(pk=email.pk).update(
        state=delivery.SENDING, next_attempt_at=timezone.now() - timedelta(minutes=16)
    )
    mail.outbox = []

    assert delivery.retry_due_emails() == [email.pk]

    email.refresh_from_db()
    assert email.state == EmailState.SENT
    assert len(mail.outbox) == 1


def test_a_send_claimed_a_moment_ago_is_not_taken_from_its_worker(
    alice, bob, dummy_tasks, django_capture_on_commit_callbacks
):
    email = invite(django_capture_on_commit_callbacks, alice, bob)
    NotificationEmail.objects.filter(pk=email.pk).update(
        state=delivery.SENDING, next_attempt_at=timezone.now() - timedelta(minutes=5)
    )

    assert delivery.retry_due_emails() == []
    assert NotificationEmail.objects.get(pk=email.pk).state == delivery.SENDING


# --------------------------------------------------------------------------
# Disclosure at delivery time: the same rules as the list, once more
# --------------------------------------------------------------------------


def assert_skipped(email: NotificationEmail) -> None:
    assert delivery.send_notification_email.call(email.pk) == EmailState.SKIPPED
    email.refresh_from_db()
    assert email.state == EmailState.SKIPPED
    assert mail.outbox == []


def test_an_invitation_withdrawn_before_the_send_is_not_mailed(
    alice, bob, dummy_tasks, django_capture_on_commit_callbacks
):
    email = invite(django_capture_on_commit_callbacks, alice, bob)
    services.withdraw_connection_request(alice.user, bob)

    assert_skipped(email)
    assert Notification.objects.get(recipient=bob.user).email_state == EmailState.SKIPPED


def test_an_invitation_from_a_member_who_then_blocked_the_recipient_is_not_mailed(
    alice, bob, dummy_tasks, django_capture_on_commit_callbacks
):
    email = invite(django_capture_on_commit_callbacks, alice, bob)
    services.block_member(alice.user, bob)

    assert_skipped(email)
    # The block forgot what Bob was told of Alice.
    assert not Notification.objects.filter(recipient=bob.user).exists()


def test_an_invitation_whose_recipient_blocked_the_inviter_is_not_mailed(
    alice, bob, dummy_tasks, django_capture_on_commit_callbacks
):
    email = invite(django_capture_on_commit_callbacks, alice, bob)
    services.block_member(bob.user, alice)

    assert_skipped(email)


@pytest.mark.parametrize("channel", [NotificationChannel.IN_APP, NotificationChannel.OFF])
def test_a_kind_switched_away_from_email_before_the_send_is_not_mailed(
    alice, bob, dummy_tasks, django_capture_on_commit_callbacks, channel
):
    email = invite(django_capture_on_commit_callbacks, alice, bob)
    notifications.set_preferences(bob.user, {"invitation_received": channel})

    assert_skipped(email)


def test_an_endorsement_hidden_before_the_send_is_not_mailed(
    alice, bob, dummy_tasks, django_capture_on_commit_callbacks
):
    from tests.factories import SkillFactory, connect
    from wagtail_network.models import Endorsement

    python = SkillFactory(name="Python")
    bob.skills.add(python)
    bob.save()
    connect(alice, bob)
    with django_capture_on_commit_callbacks(execute=True):
        services.endorse_skill(alice.user, bob, python)
    email = NotificationEmail.objects.get(recipient=bob.user, kind="endorsement_received")
    services.set_endorsement_hidden(bob.user, Endorsement.objects.get(), True)

    assert_skipped(email)


def test_an_account_without_an_address_is_skipped_not_retried(
    alice, bob, dummy_tasks, django_capture_on_commit_callbacks
):
    email = invite(django_capture_on_commit_callbacks, alice, bob)
    field = type(bob.user).get_email_field_name()
    type(bob.user).objects.filter(pk=bob.user.pk).update(**{field: ""})

    assert_skipped(email)
