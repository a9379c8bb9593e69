"""prune_notifications: old read notifications go, unread and recent ones stay;
e-mail rows go once final, old and no longer pointed to."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from tests.factories import UserFactory
from wagtail_network.models import EmailState, Notification, NotificationEmail
from wagtail_network.notifications import delivery

pytestmark = pytest.mark.django_db

KIND = "report_resolved"


def days_ago(n: float):
    return timezone.now() - timedelta(days=n)


def note(user, *, created: float, read: float | None, email=None) -> Notification:
    return Notification.objects.create(
        recipient=user,
        kind=KIND,
        created_at=days_ago(created),
        read_at=days_ago(read) if read is not None else None,
        email=email,
    )


def email_row(user, *, created: float, state=EmailState.SENT) -> NotificationEmail:
    return NotificationEmail.objects.create(
        recipient=user, kind=KIND, state=state, created_at=days_ago(created)
    )


def prune(*args) -> str:
    out = StringIO()
    call_command("prune_notifications", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def user(db):
    return UserFactory(username="reader")


@override_settings(WAGTAIL_NETWORK={"NOTIFICATIONS": {"PRUNE_READ_AFTER_DAYS": 30}})
def test_old_read_notifications_are_pruned_and_unread_and_recent_ones_kept(user):
    old_read = note(user, created=100, read=40)
    old_unread = note(user, created=100, read=None)
    recent_read = note(user, created=10, read=5)
    # Created long ago but read only yesterday: read too recently to go.
    read_lately = note(user, created=100, read=1)

    output = prune()

    assert set(Notification.objects.values_list("pk", flat=True)) == {
        old_unread.pk,
        recent_read.pk,
        read_lately.pk,
    }
    assert not Notification.objects.filter(pk=old_read.pk).exists()
    assert "1 read notification(s) and 0 e-mail row(s) older than 30 day(s) deleted" in output


@override_settings(WAGTAIL_NETWORK={"NOTIFICATIONS": {"PRUNE_READ_AFTER_DAYS": None}})
def test_none_keeps_every_notification_and_says_so(user):
    note(user, created=1000, read=900)
    email_row(user, created=1000)

    output = prune()

    assert Notification.objects.count() == 1 and NotificationEmail.objects.count() == 1
    assert "PRUNE_READ_AFTER_DAYS" in output and "None" in output
    assert "nothing was deleted" in output


@override_settings(WAGTAIL_NETWORK={"NOTIFICATIONS": {"PRUNE_READ_AFTER_DAYS": None}})
def test_days_overrides_the_setting(user):
    note(user, created=20, read=10)
    note(user, created=20, read=2)

    assert "1 read notification(s)" in prune("--days", "7")
    assert Notification.objects.count() == 1


def test_the_default_is_90_days(user):
    note(user, created=100, read=91)
    note(user, created=100, read=89)

    prune()

    assert Notification.objects.count() == 1


def test_final_old_emails_nothing_points_to_are_pruned_with_their_notifications(user):
    # The e-mail of a notification pruned in the same run goes too.
    freed = email_row(user, created=40)
    note(user, created=40, read=35, email=freed)
    orphan_skipped = email_row(user, created=40, state=EmailState.SKIPPED)
    orphan_failed = email_row(user, created=40, state=EmailState.FAILED)
    # Kept: still pointed to by an unread notification ...
    pointed_to = email_row(user, created=40)
    note(user, created=40, read=None, email=pointed_to)
    # ... still to be sent, or being sent ...
    pending = email_row(user, created=40, state=EmailState.PENDING)
    sending = email_row(user, created=40, state=delivery.SENDING)
    # ... or recent.
    recent = email_row(user, created=5)

    output = prune("--days", "30")

    assert set(NotificationEmail.objects.values_list("pk", flat=True)) == {
        pointed_to.pk,
        pending.pk,
        sending.pk,
        recent.pk,
    }
    assert not NotificationEmail.objects.filter(
        pk__in=[freed.pk, orphan_skipped.pk, orphan_failed.pk]
    ).exists()
    assert "1 read notification(s) and 3 e-mail row(s)" in output


def test_pruning_deletes_in_batches_and_misses_nothing(user):
    for _ in range(7):
        note(user, created=50, read=45, email=email_row(user, created=50))
    note(user, created=50, read=None)

    output = prune("--days", "30", "--batch-size", "3")

    assert "7 read notification(s) and 7 e-mail row(s)" in output
    assert list(Notification.objects.values_list("read_at", flat=True)) == [None]
    assert not NotificationEmail.objects.exists()


def test_a_negative_number_of_days_is_refused(user):
    from django.core.management.base import CommandError

    note(user, created=50, read=45)
    with pytest.raises(CommandError):
        prune("--days=-1")
    assert Notification.objects.count() == 1
