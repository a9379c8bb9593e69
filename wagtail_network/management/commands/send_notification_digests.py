"""``manage.py send_notification_digests``: the daily digests, and the e-mails due again.

Builds one digest e-mail per user with notifications waiting for the daily
summary (:func:`wagtail_network.notifications.delivery.build_digests`), then
enqueues every e-mail that is due again: failed sends whose retry time has come,
e-mails no task ever took, and sends that died with their worker
(:func:`~wagtail_network.notifications.delivery.retry_due_emails`). Each is sent by
the task backend (``WAGTAIL_NETWORK["NOTIFICATIONS"]["TASK_BACKEND"]``).

Run it daily from cron or a systemd timer (docs/how-to/deployment.md).
``--retries-only`` skips the digests: run that every few minutes where the task
backend cannot wait (the immediate backend: a failed send is retried only when this
runs). ``--dry-run`` counts what would be enqueued and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q
from django.utils import timezone

from wagtail_network.models import EmailState, Notification, NotificationEmail
from wagtail_network.notifications import delivery


def waiting_digest_recipients(now: Any) -> int:
    """How many users :func:`delivery.build_digests` would write a digest to now."""
    return (
        Notification.objects.filter(email_state=EmailState.DIGEST, created_at__lte=now)
        .values("recipient_id")
        .distinct()
        .count()
    )


def due_emails(now: Any) -> int:
    """How many e-mails :func:`delivery.retry_due_emails` would enqueue now (the same
    conditions; ``tests/notifications/test_digests.py`` keeps the two in step)."""
    return NotificationEmail.objects.filter(
        Q(state=EmailState.PENDING, next_attempt_at__lte=now)
        | Q(
            state=EmailState.PENDING,
            next_attempt_at__isnull=True,
            created_at__lte=now - delivery.STALE_SENDING,
        )
        | Q(state=delivery.SENDING, next_attempt_at__lte=now - delivery.STALE_SENDING)
    ).count()


class Command(BaseCommand):
    help = (
        "Enqueue the daily notification digests and every notification e-mail due "
        "again (failed sends whose retry time has come, sends lost with a worker). "
        "Run daily; with --retries-only, as often as every few minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--retries-only",
            action="store_true",
            help="Only enqueue the e-mails due again; build no digests.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be enqueued; change and send nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        retries_only = options["retries_only"]
        now = timezone.now()
        if options["dry_run"]:
            digests = 0 if retries_only else waiting_digest_recipients(now)
            retries = due_emails(now)
            if verbosity:
                self.stdout.write(
                    f"Dry run: {digests} digest(s) and {retries} retry(ies) would be "
                    "enqueued; nothing was changed."
                )
            return
        digest_ids = [] if retries_only else delivery.build_digests(now)
        retry_ids = delivery.retry_due_emails(now)
        if verbosity >= 2:
            for pk in digest_ids:
                self.stdout.write(f"digest e-mail {pk} enqueued")
            for pk in retry_ids:
                self.stdout.write(f"e-mail {pk} enqueued again")
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{len(digest_ids)} digest(s) and {len(retry_ids)} retry(ies) enqueued."
                )
            )
