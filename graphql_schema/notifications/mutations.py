"""``markNotificationsRead`` and ``updateNotificationPreferences``.

Both call :mod:`wagtail_network.notifications` (``mark_read``, ``set_preferences``)
and nothing else to change state, through :func:`~graphql_schema.base.mutations.perform`
(one transaction, a domain error a typed payload error with nothing written).
The resolvers only bound and decode the input.
"""

from __future__ import annotations

from typing import Any

import strawberry
from django.utils.translation import gettext as _

from wagtail_network import limits, notifications
from wagtail_network.errors import ErrorCode, NetworkError
from wagtail_network.limits import check_list, check_text, limit_items, limit_text

from ..base.errors import MutationError
from ..base.ids import parse_global_id
from ..base.mutations import UNSET, enum_value, errors_field, is_set, performed_mutation
from .types import NotificationChannelEnum, NotificationPreferencesType


@strawberry.input(
    description="Mark some or all of your notifications read: send `ids` or `all: true`."
)
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Global IDs of your notifications to mark read. Ids that are not your "
        "notifications (another user's, unknown, malformed) are ignored, not errors. "
        + limit_items(limits.ID_LIST_MAX_ITEMS),
    )
    all: bool | None = strawberry.field(
        default=None, description="true: mark all your notifications read (without `ids`)."
    )


@strawberry.type(description="The result of marking notifications read.")
class MarkNotificationsReadPayload:
    marked_count: int = strawberry.field(
        default=0, description="How many unread notifications were marked read."
    )
    unread_count: int = strawberry.field(
        default=0, description="How many stay unread (as `viewer.notifications.unreadCount`)."
    )
    errors: list[MutationError] = errors_field()


@strawberry.input(description="The channel of one kind of notification.")
class NotificationChannelInput:
    kind: str = strawberry.field(
        description="The kind's key (`NotificationKindPreference.kind`). "
        + limit_text(limits.NOTIFICATION_KIND_MAX_LENGTH)
    )
    channel: NotificationChannelEnum = strawberry.field(  # type: ignore[valid-type]
        description="How you want to learn of it."
    )


@strawberry.input(
    description="Change your notification preferences; only the fields (and kinds) sent change."
)
class UpdateNotificationPreferencesInput:
    channels: list[NotificationChannelInput] | None = strawberry.field(
        default=UNSET,
        description="Channels of the kinds sent; kinds left out keep theirs. "
        + limit_items(limits.NOTIFICATION_CHANNELS_MAX_ITEMS),
    )
    language: str | None = strawberry.field(
        default=UNSET,
        description="The language of your e-mails, a code of "
        "`notificationPreferences.languages`; null or an empty string: the site's language. "
        + limit_text(limits.LANGUAGE_CODE_MAX_LENGTH),
    )


@strawberry.type(description="Your notification preferences after the change.")
class UpdateNotificationPreferencesPayload:
    preferences: NotificationPreferencesType | None = strawberry.field(
        default=None, description="Your preferences as stored now; null when there are errors."
    )
    errors: list[MutationError] = errors_field()


def notification_pks(ids: Any) -> list[int]:
    """The primary keys behind those of ``ids`` that are Notification global ids;
    anything else is left out (``mark_read`` ignores others' ids as well)."""
    pks = []
    for value in check_list(ids, limits.ID_LIST_MAX_ITEMS, "ids"):
        parsed = parse_global_id(value)
        if parsed is not None and parsed[0] == "Notification":
            pks.append(parsed[1])
    return pks


def _channels_of(input: UpdateNotificationPreferencesInput) -> dict[str, str] | None:
    if not is_set(input.channels) or input.channels is None:
        return None
    items = check_list(input.channels, limits.NOTIFICATION_CHANNELS_MAX_ITEMS, "channels")
    return {
        check_text(item.kind, limits.NOTIFICATION_KIND_MAX_LENGTH, f"channels.{i}.kind"): str(
            enum_value(item.channel)
        )
        for i, item in enumerate(items)
    }


def _set_preferences(user: Any, input: UpdateNotificationPreferencesInput) -> None:
    channels = _channels_of(input)
    language = None
    if is_set(input.language):
        language = check_text(input.language, limits.LANGUAGE_CODE_MAX_LENGTH, "language")
    try:
        notifications.set_preferences(user, channels, language)
    except NetworkError as exc:
        if exc.field == "kind" and channels:
            # Where in the input the kind the service refused is.
            known = {kind.key for kind in notifications.all_kinds()}
            sent = [item.kind.strip() for item in input.channels or []]
            exc.field = next(
                (f"channels.{i}.kind" for i, key in enumerate(sent) if key not in known),
                "channels",
            )
        raise


@strawberry.type
class NotificationMutations:
    @performed_mutation(
        MarkNotificationsReadInput,
        MarkNotificationsReadPayload,
        "Mark your notifications read: those of `ids`, or all of them with `all: true`. "
        "Ids of notifications that are not yours, or malformed, are ignored (they count "
        "nothing). Errors: VALIDATION (neither or both of `ids` and `all`, too many ids), "
        "UNAUTHENTICATED.",
    )
    @staticmethod
    def mark_notifications_read(user, input):
        everything = bool(input.all)
        if everything and input.ids is not None:
            raise NetworkError(
                ErrorCode.VALIDATION, _("Send either ids or all: true, not both."), field="all"
            )
        if not everything and input.ids is None:
            raise NetworkError(
                ErrorCode.VALIDATION,
                _("Send the ids of the notifications to mark read, or all: true."),
            )
        ids = None if everything else notification_pks(input.ids)
        marked = notifications.mark_read(user, ids)
        return MarkNotificationsReadPayload(
            marked_count=marked, unread_count=notifications.unread_count(user)
        )

    @performed_mutation(
        UpdateNotificationPreferencesInput,
        UpdateNotificationPreferencesPayload,
        "Change how you learn of each kind of notification and the language of your "
        "e-mails (also without a member profile). Errors: VALIDATION (an unknown kind on "
        "`channels.N.kind`, an unknown language on `language`), UNAUTHENTICATED.",
    )
    @staticmethod
    def update_notification_preferences(user, input):
        _set_preferences(user, input)
        return UpdateNotificationPreferencesPayload(
            preferences=NotificationPreferencesType.of(user)
        )


__all__ = ["NotificationMutations"]
