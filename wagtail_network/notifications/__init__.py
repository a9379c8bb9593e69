"""Notifications: in-app and by e-mail, per member and kind as they choose.

The one place that decides what a user is told:

* :func:`notify` creates notifications inside the service's transaction — never
  for the actor themselves, never for a kind the recipient switched off, never
  what the recipient may not see (the kind's filters, from the visibility
  module) — and, once the transaction commits, enqueues the e-mail of each one
  whose recipient wants e-mail at once (:mod:`.delivery`, a task of Django's tasks
  framework: no request waits on a mail server).
* :func:`visible_notifications` is what a user may see of their notifications
  now: the same filters again, so that a block, a withdrawn invitation or a hidden
  endorsement made later takes what it concerns out of the list, the count and
  the e-mail not sent yet.
* :func:`channel_for`, :func:`set_preferences`, :func:`language_for`: the
  member's choices (:class:`~wagtail_network.models.NotificationSettings`).

Kinds are registered in :mod:`.kinds`; other apps plug their own in there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import visibility
from ..conf import notification_setting
from ..errors import ErrorCode, NetworkError
from ..models import (
    Block,
    EmailState,
    MemberPage,
    Notification,
    NotificationChannel,
    NotificationSettings,
)
from ..viewer import Viewer, user_of
from .kinds import NotificationKind, all_kinds, get_kind, register_kind

__all__ = [
    "NotificationKind",
    "all_kinds",
    "channel_for",
    "channels_for",
    "get_kind",
    "language_for",
    "mark_read",
    "notify",
    "preferences_for",
    "register_kind",
    "set_preferences",
    "unread_count",
    "unsubscribe",
    "unsubscribe_token",
    "read_unsubscribe_token",
    "visible_notifications",
]

CHANNELS = tuple(NotificationChannel.values)
#: The pseudo-kind of a digest e-mail's unsubscribe link: every kind mailed in digests.
DIGEST = "digest"
UNSUBSCRIBE_SALT = "wagtail_network.notifications.unsubscribe"
_NOTHING = Q(pk__in=[])


# --------------------------------------------------------------------------
# Preferences
# --------------------------------------------------------------------------


def default_channel(kind: NotificationKind) -> str:
    """The channel of a member who chose none: the site's default for the kind, else
    the kind's own."""
    site = notification_setting("DEFAULT_CHANNELS") or {}
    value = site.get(kind.key, kind.default)
    return value if value in CHANNELS else kind.default


def _settings_row(user: Any) -> NotificationSettings | None:
    pk = getattr(user_of(user), "pk", None)
    if pk is None:
        return None
    return NotificationSettings.objects.filter(user_id=pk).first()


_UNREAD: Any = object()


def channels_for(user: Any, row: Any = _UNREAD) -> dict[str, str]:
    """Every registered kind's channel for ``user``: their choice, else the default.
    ``row``: their settings row when already read (``None``: they have none)."""
    if row is _UNREAD:
        row = _settings_row(user)
    chosen = row.channels if row is not None else {}
    result = {}
    for kind in all_kinds():
        value = chosen.get(kind.key)
        result[kind.key] = value if value in CHANNELS else default_channel(kind)
    return result


def channel_for(user: Any, kind: str) -> str:
    return channels_for(user).get(kind, NotificationChannel.OFF)


def preferences_for(user: Any) -> dict[str, Any]:
    """``{"language": ..., "channels": {kind: channel}}`` for the preferences page."""
    row = _settings_row(user)
    return {"language": row.language if row else "", "channels": channels_for(user, row)}


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_for(user: Any, row: Any = _UNREAD) -> str:
    """The language of ``user``'s e-mails: their choice, else the admin language they
    chose in Wagtail (editors, moderators), else the site's ``LANGUAGE_CODE``."""
    if row is _UNREAD:
        row = _settings_row(user)
    codes = language_codes()
    if row is not None and row.language in codes:
        return row.language
    profile = getattr(user_of(user), "wagtail_userprofile", None)
    chosen = getattr(profile, "preferred_language", "") or ""
    if chosen in codes:
        return chosen
    return settings.LANGUAGE_CODE


def set_preferences(
    user: Any, channels: dict[str, str] | None = None, language: str | None = None
) -> NotificationSettings:
    """Store ``user``'s channels (only the kinds given; others keep theirs) and/or
    language. ``VALIDATION`` for an unknown kind, channel or language; nothing is
    stored then."""
    account = user_of(user)
    if account is None or not getattr(account, "is_authenticated", False):
        raise NetworkError(ErrorCode.UNAUTHENTICATED)
    channels = dict(channels or {})
    for key, value in channels.items():
        if get_kind(key) is None:
            raise NetworkError(ErrorCode.VALIDATION, _("Unknown notification kind."), field="kind")
        if value not in CHANNELS:
            raise NetworkError(ErrorCode.VALIDATION, _("Unknown channel."), field="channel")
    if language is not None and language != "" and language not in language_codes():
        raise NetworkError(ErrorCode.VALIDATION, _("Unknown language."), field="language")
    with transaction.atomic():
        row, _created = NotificationSettings.objects.select_for_update().get_or_create(
            user_id=account.pk
        )
        if channels:
            row.channels = {**(row.channels or {}), **channels}
        if language is not None:
            row.language = language
        row.updated_at = timezone.now()
        row.save()
    return row


def remember_language(user: Any, language: str) -> None:
    """Keep ``language`` (the request's, when a member joins) unless one is chosen."""
    account = user_of(user)
    if account is None or language not in language_codes():
        return
    row, created = NotificationSettings.objects.get_or_create(
        user_id=account.pk, defaults={"language": language}
    )
    if not created and not row.language:
        NotificationSettings.objects.filter(pk=row.pk, language="").update(language=language)


# --------------------------------------------------------------------------
# Unsubscribing
# --------------------------------------------------------------------------


def unsubscribe_token(user: Any, kind: str) -> str:
    """The signed token of a one-click unsubscribe link: ``user`` and ``kind`` (or
    :data:`DIGEST`), no expiry (a link in an old e-mail keeps working)."""
    return signing.dumps([user_of(user).pk, kind], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[Any, str] | None:
    """``(user, kind)`` of a valid token, else ``None``."""
    try:
        pk, kind = signing.loads(str(token)[:500], salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind != DIGEST and get_kind(str(kind)) is None:
        return None
    user = get_user_model()._default_manager.filter(pk=pk).first()
    if user is None:
        return None
    return user, str(kind)


def unsubscribe(user: Any, kind: str) -> list[str]:
    """Stop e-mails of ``kind`` (every digest kind for :data:`DIGEST`): those kinds
    stay on the site. Returns the kinds changed."""
    current = channels_for(user)
    if kind == DIGEST:
        keys = [k for k, ch in current.items() if ch == NotificationChannel.DIGEST]
    else:
        mailed = (NotificationChannel.EMAIL, NotificationChannel.DIGEST)
        keys = [kind] if current.get(kind) in mailed else []
    if keys:
        set_preferences(user, {k: NotificationChannel.IN_APP for k in keys})
    return keys


# --------------------------------------------------------------------------
# What a user may see
# --------------------------------------------------------------------------


def _kinds_q(viewer: Viewer, *, with_viewer_facts: bool) -> Q:
    q = _NOTHING
    for kind in all_kinds():
        kind_q = Q(kind=kind.key) & kind.current
        if with_viewer_facts:
            kind_q &= kind.visible(viewer)
        q |= kind_q
    return q


def visible_notifications(who: Any) -> QuerySet:
    """The notifications ``who`` may see now, newest first: their own, of a
    registered kind, about rows that still hold (``kind.current``) and that the
    visibility rules let them see (``kind.visible``), from an actor whose profile
    they may see — never from a member blocked either way."""
    viewer = Viewer.of(who)
    if not visibility.is_authenticated(viewer):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient_id=viewer.user.pk)
    visible_members = visibility.members_visible_to(viewer).values("pk")
    blocked = visibility.blocked_member_ids(viewer)
    actor_ok = Q(actor__isnull=True) | (
        ~Q(actor_id__in=blocked)
        & (
            Q(actor_id__in=visible_members)
            | Q(kind__in=[k.key for k in all_kinds() if not k.actor_visible])
        )
    )
    return qs.filter(actor_ok & _kinds_q(viewer, with_viewer_facts=True)).order_by(
        "-created_at", "-pk"
    )


def unread_count(who: Any) -> int:
    """How many of :func:`visible_notifications` are unread, in one SQL statement.

    The statement holds what needs no facts about the viewer: the kind's
    ``current`` filter and blocks either way (read through the viewer's member
    row inside the statement). What needs the viewer's facts — a profile that
    became private, a role given up — the page applies on top, so in those rare
    cases the count is higher than the list (as the navigation's waiting count).
    """
    viewer = Viewer.of(who)
    if not visibility.is_authenticated(viewer):
        return 0
    me = MemberPage.objects.filter(user_id=viewer.user.pk).values("pk")[:1]
    blocks = Block.objects.filter(
        (Q(blocker_id__in=me) & Q(blocked_id=OuterRef("actor_id")))
        | (Q(blocked_id__in=me) & Q(blocker_id=OuterRef("actor_id")))
    )
    return (
        Notification.objects.filter(recipient_id=viewer.user.pk, read_at__isnull=True)
        .filter(_kinds_q(viewer, with_viewer_facts=False))
        .filter(~Exists(blocks))
        .count()
    )


def mark_read(who: Any, ids: Iterable[Any] | None = None) -> int:
    """Mark the user's notifications read: those of ``ids`` (others' ids and
    garbage are ignored), or all when ``ids`` is ``None``. Returns how many changed."""
    from .. import limits

    viewer = Viewer.of(who)
    if not visibility.is_authenticated(viewer):
        raise NetworkError(ErrorCode.UNAUTHENTICATED)
    qs = Notification.objects.filter(recipient_id=viewer.user.pk, read_at__isnull=True)
    if ids is not None:
        pks = [pk for pk in (limits.bounded_pk(i) for i in ids) if pk is not None]
        qs = qs.filter(pk__in=pks)
    return qs.update(read_at=timezone.now())


# --------------------------------------------------------------------------
# Creating
# --------------------------------------------------------------------------


def _account_of(member: Any) -> Any:
    return getattr(member, "user", None) if member is not None else None


def notify(
    kind: str, recipients: Iterable[Any], *, actor: MemberPage | None = None, **about: Any
) -> list[Notification]:
    """Tell each of ``recipients`` (users, or member pages: their accounts) that
    ``kind`` happened, about the rows in ``about`` (``connection=``, ``endorsement=``,
    ``company=``, ``object_id=``, …). Call it inside the change's transaction: the
    notifications are rolled back with it, and the e-mails are enqueued only once
    it commits. Skips the actor, accounts that are inactive, kinds switched off,
    and every notification the recipient may not see."""
    spec = get_kind(kind)
    if spec is None:
        raise ValueError(f"Unknown notification kind {kind!r}")
    actor_user_id = getattr(actor, "user_id", None)
    seen: set[Any] = set()
    created: list[Notification] = []
    for recipient in recipients:
        user = recipient if not isinstance(recipient, MemberPage) else _account_of(recipient)
        if user is None or user.pk is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        if actor_user_id is not None and user.pk == actor_user_id:
            continue
        channel = channel_for(user, kind)
        if channel == NotificationChannel.OFF:
            continue
        state: str = EmailState.NONE
        if channel == NotificationChannel.EMAIL:
            state = EmailState.PENDING
        elif channel == NotificationChannel.DIGEST:
            state = EmailState.DIGEST
        notification = Notification.objects.create(
            recipient=user, kind=kind, actor=actor, email_state=state, **about
        )
        # The same rules as the list, at creation: what the recipient may not
        # see is never stored for them.
        if not visible_notifications(user).filter(pk=notification.pk).exists():
            notification.delete()
            continue
        created.append(notification)
    mailed = [n.pk for n in created if n.email_state == EmailState.PENDING]
    if mailed:
        from .delivery import enqueue_notification_emails

        transaction.on_commit(lambda: enqueue_notification_emails(mailed))
    return created


def forget_between(a: MemberPage | int, b: MemberPage | int) -> int:
    """Delete what either of two members was told about the other (a block): the
    visibility filters hide it already; deleting it keeps counts exact and the
    history free of it."""
    a_pk = a if isinstance(a, int) else a.pk
    b_pk = b if isinstance(b, int) else b.pk
    users = dict(MemberPage.objects.filter(pk__in=[a_pk, b_pk]).values_list("pk", "user_id"))
    q = Q(pk__in=[])
    if users.get(a_pk):
        q |= Q(recipient_id=users[a_pk], actor_id=b_pk) | Q(
            recipient_id=users[a_pk], member_id=b_pk
        )
    if users.get(b_pk):
        q |= Q(recipient_id=users[b_pk], actor_id=a_pk) | Q(
            recipient_id=users[b_pk], member_id=a_pk
        )
    deleted, _ = Notification.objects.filter(q).delete()
    return deleted
