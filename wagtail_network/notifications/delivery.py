"""E-mail: rendering in the recipient's language, sending from a task, retrying.

Each e-mail is a :class:`~wagtail_network.models.NotificationEmail` row written in
the request's transaction; the task (:func:`send_notification_email`) only reads
that row, so a task lost with a worker, or one that failed, is found again by
:func:`retry_due_emails` (run by ``send_notification_digests``). A send is claimed
by moving the row from *pending* to *sending* in a short transaction of its own
(no lock is held while the mail server answers); a failed send goes back to
*pending* with a later ``next_attempt_at`` (doubling from ``EMAIL_RETRY_DELAY``),
and after ``EMAIL_MAX_ATTEMPTS`` it is *failed* and logged as an error.

Links name the site's real origin (Wagtail's ``Site`` record, :mod:`wagtail_network.sites`):
background work has no request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import select_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from ..conf import notification_setting
from ..models import EmailState, Notification, NotificationEmail
from ..sites import absolute_url, site_for
from ..tasks import task, task_backend

logger = logging.getLogger("wagtail_network.notifications")

#: A send claimed longer ago than this is taken to have died with its worker.
STALE_SENDING = timedelta(minutes=15)
SENDING = "sending"


def _address(user: Any) -> str:
    field = user.get_email_field_name() if hasattr(user, "get_email_field_name") else "email"
    return str(getattr(user, field, "") or "")


def _path(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _context(user: Any, notifications: list[Notification], kind_key: str) -> dict[str, Any]:
    from . import unsubscribe_token
    from .kinds import get_kind

    items = []
    for n in notifications:
        kind = get_kind(n.kind)
        if kind is None:
            continue
        link = kind.link(n)
        items.append(
            {
                "notification": n,
                "kind": kind,
                "text": kind.describe(n),
                "url": absolute_url(link) if link else "",
            }
        )
    token = unsubscribe_token(user, kind_key)
    site = site_for()
    unsubscribe_path = _path("wagtail_network:unsubscribe", token)
    preferences_path = _path("wagtail_network:notification_preferences")
    notifications_path = _path("wagtail_network:notifications")
    kind = get_kind(kind_key)
    return {
        "recipient": user,
        "items": items,
        "item": items[0] if items else None,
        "kind": kind,
        "is_digest": kind is None,
        "site_name": site.site_name if site and site.site_name else "",
        "site_url": absolute_url("/"),
        "unsubscribe_url": absolute_url(unsubscribe_path) if unsubscribe_path else "",
        "preferences_url": absolute_url(preferences_path) if preferences_path else "",
        "notifications_url": absolute_url(notifications_path) if notifications_path else "",
    }


def render_email(user: Any, notifications: list[Notification], kind_key: str) -> dict[str, str]:
    """Subject, text and HTML of the e-mail, in the active language. The templates:
    ``wagtail_network/email/<kind>_subject.txt`` (``.txt``, ``.html``), falling back
    to ``notification_*`` (one notification) or ``digest_*``; a host overrides any
    of them in its own templates."""
    context = _context(user, notifications, kind_key)
    base = "digest" if context["is_digest"] else "notification"

    def pick(suffix: str) -> Any:
        return select_template(
            [f"wagtail_network/email/{kind_key}{suffix}", f"wagtail_network/email/{base}{suffix}"]
        )

    subject = " ".join(pick("_subject.txt").render(context).split())[:255]
    context["subject"] = subject
    text = pick(".txt").render(context)
    html = pick(".html").render(context)
    return {
        "subject": subject,
        "text": text,
        "html": html,
        "unsubscribe": context["unsubscribe_url"],
    }


# --------------------------------------------------------------------------
# Enqueueing
# --------------------------------------------------------------------------


def _enqueue(email_id: int, run_after: Any = None) -> None:
    backend = task_backend()
    target = send_notification_email.using(backend=notification_setting("TASK_BACKEND"))
    if run_after is not None and getattr(backend, "supports_defer", False):
        target = target.using(run_after=run_after)
    elif run_after is not None:
        # The backend cannot wait (the immediate one): retry_due_emails, run by
        # the daily command (or more often), sends it when it is due.
        return
    try:
        target.enqueue(email_id)
    except Exception:  # a queue that is down must not fail the request that wrote
        logger.exception("Could not enqueue notification e-mail %s; it is retried later", email_id)


def enqueue_notification_emails(notification_ids: Iterable[int]) -> list[int]:
    """One e-mail row per notification (wanted at once), each sent by a task."""
    ids = []
    for n in Notification.objects.filter(
        pk__in=list(notification_ids), email_state=EmailState.PENDING, email__isnull=True
    ).select_related("recipient"):
        with transaction.atomic():
            email = NotificationEmail.objects.create(
                recipient_id=n.recipient_id, kind=n.kind, address=_address(n.recipient)
            )
            Notification.objects.filter(pk=n.pk, email__isnull=True).update(email=email)
        ids.append(email.pk)
    for pk in ids:
        _enqueue(pk)
    return ids


def build_digests(now: Any = None) -> list[int]:
    """One digest e-mail per user with notifications waiting for it, each enqueued."""
    now = now or timezone.now()
    ids = []
    users = (
        Notification.objects.filter(email_state=EmailState.DIGEST, created_at__lte=now)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    from django.contrib.auth import get_user_model

    User = get_user_model()
    for user in User._default_manager.filter(pk__in=list(users)):
        with transaction.atomic():
            email = NotificationEmail.objects.create(
                recipient=user, kind="digest", address=_address(user)
            )
            Notification.objects.filter(
                recipient=user, email_state=EmailState.DIGEST, created_at__lte=now
            ).update(email=email, email_state=EmailState.PENDING)
        ids.append(email.pk)
    for pk in ids:
        _enqueue(pk)
    return ids


def retry_due_emails(now: Any = None) -> list[int]:
    """Enqueue every e-mail that is due: pending ones whose retry time has come
    (or that no task ever took), and sends that died with their worker."""
    now = now or timezone.now()
    due = NotificationEmail.objects.filter(
        Q(state=EmailState.PENDING, next_attempt_at__lte=now)
        | Q(
            state=EmailState.PENDING,
            next_attempt_at__isnull=True,
            created_at__lte=now - STALE_SENDING,
        )
        | Q(state=SENDING, next_attempt_at__lte=now - STALE_SENDING)
    )
    ids = list(due.values_list("pk", flat=True))
    NotificationEmail.objects.filter(pk__in=ids, state=SENDING).update(state=EmailState.PENDING)
    for pk in ids:
        _enqueue(pk)
    # Notifications whose e-mail row was never written: the process ended between
    # the change's commit and its on-commit step.
    orphans = Notification.objects.filter(
        email_state=EmailState.PENDING, email__isnull=True, created_at__lte=now - STALE_SENDING
    ).values_list("pk", flat=True)
    return ids + enqueue_notification_emails(list(orphans))


# --------------------------------------------------------------------------
# Sending
# --------------------------------------------------------------------------


def _claim(email_id: int) -> NotificationEmail | None:
    now = timezone.now()
    claimed = NotificationEmail.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=email_id,
        state=EmailState.PENDING,
    ).update(state=SENDING, next_attempt_at=now)
    if not claimed:
        return None
    return NotificationEmail.objects.select_related("recipient").get(pk=email_id)


def _still_wanted(email: NotificationEmail) -> list[Notification]:
    """The e-mail's notifications that may still be told, and by e-mail: visible to
    the recipient now (the same filters as the list) and of a kind still mailed."""
    from . import channels_for, visible_notifications
    from .kinds import related_paths

    user = email.recipient
    channels = channels_for(user)
    wanted = "digest" if email.kind == "digest" else "email"
    # A digest holds any kind; an e-mail of its own, its kind alone.
    paths = related_paths() if email.kind == "digest" else related_paths(email.kind)
    rows = list(
        visible_notifications(user)
        .filter(email_id=email.pk)
        .select_related(*sorted({"actor", "recipient", *paths}))
    )
    return [n for n in rows if channels.get(n.kind) == wanted]


def deliver(email_id: int) -> str:
    """Send one e-mail if it is still due and wanted; the state it ends in."""
    email = _claim(email_id)
    if email is None:
        return "not-due"
    user = email.recipient
    notifications = _still_wanted(email) if user.is_active else []
    address = _address(user)
    if not notifications or not address:
        Notification.objects.filter(email_id=email.pk).update(email_state=EmailState.SKIPPED)
        NotificationEmail.objects.filter(pk=email.pk).update(state=EmailState.SKIPPED)
        return EmailState.SKIPPED
    from . import language_for

    language = language_for(user)
    try:
        with translation.override(language):
            rendered = render_email(user, notifications, email.kind)
    except Exception as exc:  # a broken (host-overridden) template: retried, then failed
        return _failed(email, exc, "", address, language)
    headers = {}
    if rendered["unsubscribe"]:
        # RFC 8058: mail clients offer "unsubscribe" and POST to it in one click.
        headers["List-Unsubscribe"] = f"<{rendered['unsubscribe']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=rendered["subject"],
        body=rendered["text"],
        from_email=notification_setting("FROM_EMAIL") or settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers=headers,
    )
    message.attach_alternative(rendered["html"], "text/html")
    try:
        message.send()
    except Exception as exc:  # any backend failure: SMTP, DNS, a refused recipient
        return _failed(email, exc, rendered["subject"], address, language)
    now = timezone.now()
    NotificationEmail.objects.filter(pk=email.pk).update(
        state=EmailState.SENT,
        sent_at=now,
        subject=rendered["subject"],
        address=address,
        language=language,
        attempts=email.attempts + 1,
        last_error="",
    )
    sent_ids = [n.pk for n in notifications]
    Notification.objects.filter(pk__in=sent_ids).update(email_state=EmailState.SENT)
    Notification.objects.filter(email_id=email.pk).exclude(pk__in=sent_ids).update(
        email_state=EmailState.SKIPPED
    )
    return EmailState.SENT


def _failed(
    email: NotificationEmail, exc: Exception, subject: str, address: str, language: str
) -> str:
    attempts = email.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if attempts >= int(notification_setting("EMAIL_MAX_ATTEMPTS")):
        NotificationEmail.objects.filter(pk=email.pk).update(
            state=EmailState.FAILED,
            attempts=attempts,
            last_error=error,
            subject=subject,
            address=address,
            language=language,
            next_attempt_at=None,
        )
        Notification.objects.filter(email_id=email.pk).update(email_state=EmailState.FAILED)
        logger.error(
            "Notification e-mail %s to user %s failed %s times and is given up: %s",
            email.pk,
            email.recipient_id,
            attempts,
            error,
        )
        return EmailState.FAILED
    delay = int(notification_setting("EMAIL_RETRY_DELAY")) * 2 ** (attempts - 1)
    retry_at = timezone.now() + timedelta(seconds=delay)
    NotificationEmail.objects.filter(pk=email.pk).update(
        state=EmailState.PENDING,
        attempts=attempts,
        last_error=error,
        subject=subject,
        address=address,
        language=language,
        next_attempt_at=retry_at,
    )
    logger.warning(
        "Notification e-mail %s failed (attempt %s), retried at %s: %s",
        email.pk,
        attempts,
        retry_at.isoformat(),
        error,
    )
    _enqueue(email.pk, run_after=retry_at)
    return "retry"


def may_manage_emails(user: Any) -> bool:
    """Who lists and resends the network's e-mails in the admin: holders of the
    model's change permission (superusers; a site may grant it to a group). The
    list holds every member's address, so the role groups do not include it."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("wagtail_network.change_notificationemail")
    )


def send_again(user: Any, email: NotificationEmail) -> bool:
    """An operator sends a failed e-mail again (after fixing the mail server): its
    attempts start over and a task is enqueued. ``False`` (nothing written) when it
    is not failed. Errors: ``PERMISSION_DENIED``."""
    from ..errors import ErrorCode, NetworkError
    from ..services.base import _log

    if not may_manage_emails(user):
        raise NetworkError(ErrorCode.PERMISSION_DENIED)
    with transaction.atomic():
        changed = NotificationEmail.objects.filter(pk=email.pk, state=EmailState.FAILED).update(
            state=EmailState.PENDING, attempts=0, next_attempt_at=None, last_error=""
        )
        if not changed:
            return False
        Notification.objects.filter(email_id=email.pk).update(email_state=EmailState.PENDING)
        _log(email, "wagtail_network.notification_email.send_again", user)
        transaction.on_commit(lambda: _enqueue(email.pk))
    return True


@task()
def send_notification_email(email_id: int) -> str:
    """The task: send one notification or digest e-mail (:func:`deliver`)."""
    return deliver(int(email_id))


__all__ = [
    "build_digests",
    "deliver",
    "enqueue_notification_emails",
    "render_email",
    "may_manage_emails",
    "retry_due_emails",
    "send_again",
    "send_notification_email",
]
