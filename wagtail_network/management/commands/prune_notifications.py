"""``manage.py prune_notifications``: delete old read notifications and old e-mail rows.

Deletes notifications read more than ``WAGTAIL_NETWORK["NOTIFICATIONS"]
["PRUNE_READ_AFTER_DAYS"]`` days ago (``--days N`` overrides it; ``None`` keeps
everything), then the e-mail history rows (``NotificationEmail``) in a final state
(sent, skipped, failed) created longer ago than that which no notification points
to any more. Unread notifications are never pruned, nor e-mails still to be sent.
Deletes in batches of ``--batch-size`` rows, so memory stays bounded however much
there is. Run it daily, after ``send_notification_digests``
(docs/how-to/deployment.md).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from wagtail_network.conf import notification_setting
from wagtail_network.models import EmailState, Notification, NotificationEmail

FINAL_STATES = (EmailState.SENT, EmailState.SKIPPED, EmailState.FAILED)


def delete_in_batches(queryset: QuerySet, batch_size: int) -> int:
    """Delete the rows of ``queryset`` ``batch_size`` primary keys at a time (the
    filter is applied again to each batch); how many were deleted."""
    label = queryset.model._meta.label
    deleted = 0
    while True:
        batch = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not batch:
            return deleted
        _total, per_model = queryset.filter(pk__in=batch).delete()
        deleted += per_model.get(label, 0)


def prune(days: int, batch_size: int = 1000, now: Any = None) -> tuple[int, int]:
    """Delete what is older than ``days``: ``(notifications, e-mails)`` deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    # read_at is never before created_at: a notification read N days ago is older too.
    notifications = delete_in_batches(
        Notification.objects.filter(read_at__isnull=False, read_at__lt=cutoff), batch_size
    )
    referenced = Notification.objects.filter(email_id=OuterRef("pk"))
    emails = delete_in_batches(
        NotificationEmail.objects.filter(state__in=FINAL_STATES, created_at__lt=cutoff).filter(
            ~Exists(referenced)
        ),
        batch_size,
    )
    return notifications, emails


class Command(BaseCommand):
    help = (
        "Delete notifications read more than PRUNE_READ_AFTER_DAYS days ago (or --days), "
        "and the e-mail rows in a final state that old which no notification points to."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Prune what is older than this many days (overrides PRUNE_READ_AFTER_DAYS).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="Rows deleted per statement (default 1000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        days = options["days"]
        if days is None:
            days = notification_setting("PRUNE_READ_AFTER_DAYS")
        if days is None:
            if verbosity:
                self.stdout.write(
                    'WAGTAIL_NETWORK["NOTIFICATIONS"]["PRUNE_READ_AFTER_DAYS"] is None: '
                    "notifications are kept; nothing was deleted (--days N prunes anyway)."
                )
            return
        if int(days) < 0:
            raise CommandError("--days must be 0 or more.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be 1 or more.")
        notifications, emails = prune(int(days), options["batch_size"])
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{notifications} read notification(s) and {emails} e-mail row(s) "
                    f"older than {days} day(s) deleted."
                )
            )
