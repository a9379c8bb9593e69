"""The ``Notification`` node, its connection (with ``unreadCount``) and the
preferences types.

Which notifications a user may see is decided only by
:func:`wagtail_network.notifications.visible_notifications` (the kinds' filters,
blocks either way, an actor whose profile the recipient may not see); the types
here only present it. A notification is a node for its recipient alone.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
import strawberry_django
from django.conf import settings
from django.db.models import Prefetch, QuerySet
from strawberry.types import Info

from wagtail_network import notifications
from wagtail_network.models import MemberPage, Notification, NotificationChannel
from wagtail_network.sites import absolute_url

from ..base.connection import NetworkConnection
from ..base.context import request_of, viewer_of
from ..base.enums import choices_enum
from ..base.fields import PkNode, visible_fk

if TYPE_CHECKING:
    from ..members.types import MemberType

MemberRef = Annotated["MemberType", strawberry.lazy("graphql_schema.members.types")]

#: Where each row keeps the actor as its kind's sentence names them (the kind's own
#: rule, :data:`NotificationKind.actor_visible`), apart from ``actor``, which the
#: ``Member`` type's visibility filters.
TOLD_ACTOR = "_wn_told_actor"

#: Every column: a kind's ``describe``/``link`` may read any of them (other apps'
#: kinds included), and a deferred one would cost a query per row.
ALL_COLUMNS = [f.attname for f in Notification._meta.concrete_fields]

NotificationChannelEnum = choices_enum(
    NotificationChannel,
    name="NotificationChannel",
    description="How the viewer learns of one kind of notification.",
)

BUILT_IN_KIND_KEYS = ", ".join(f"`{kind.key}`" for kind in notifications.kinds.BUILT_IN_KINDS)


def described_related() -> list[str]:
    """What the registered kinds' sentences and links read, but the actor
    (``select_related`` paths; the actor is loaded by :data:`TOLD_ACTOR`)."""
    return [
        p
        for p in notifications.kinds.related_paths()
        if p != "actor" and not p.startswith("actor__")
    ]


def with_what_kinds_read(queryset: QuerySet) -> QuerySet:
    """``queryset`` joined to what the kinds' sentences read, in the same query, and
    the actors they name in one more: a page costs as many queries with 1 row of one
    kind as with 100 of every kind."""
    return queryset.select_related(*described_related()).prefetch_related(told_actors())


def told_actors(info: Any = None) -> Prefetch:
    """The actors the sentences name, in one query. A hint of the fields that read
    them (``message``, ``url``), not of the type: a query for ids alone must not
    load them (the optimizer's ``only()`` would leave ``actor_id`` out, and each
    row would fetch it apart)."""
    return Prefetch("actor", queryset=MemberPage.objects.all(), to_attr=TOLD_ACTOR)


def as_told(notification: Notification) -> Notification:
    """The notification with the actor its kind's sentence names (a copy: the
    row's own ``actor`` is the one the viewer may see)."""
    told = copy.copy(notification)
    if hasattr(notification, TOLD_ACTOR):
        actor = getattr(notification, TOLD_ACTOR)
    elif notification.actor_id is not None:
        actor = MemberPage.objects.filter(pk=notification.actor_id).first()
    else:
        actor = None
    told.actor = actor
    return told


@strawberry_django.type(
    Notification,
    name="Notification",
    description="Something that happened which the viewer should learn of; a node only for "
    "its recipient. Never more than the recipient may see: a notification about what "
    "they may no longer see (a block either way, a withdrawn invitation, a hidden "
    "endorsement, an actor whose profile became private to them) is left out.",
)
class NotificationType(PkNode):
    kind: str = strawberry_django.field(
        description="The kind's key (kinds are registered by the network and by other apps, "
        f"so this is not an enum). Built in: {BUILT_IN_KIND_KEYS}. "
        "`viewer.notificationPreferences.channels` lists every registered kind with its label."
    )
    read_at: datetime | None = strawberry_django.field(
        description="When the viewer marked it read; null while unread."
    )
    created_at: datetime = strawberry_django.field(description="When it happened.")
    actor: MemberRef | None = visible_fk(
        description="The member whose action it reports; null when there is none or the "
        "viewer may not see their profile."
    )

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs: Any) -> QuerySet:
        if queryset.query.is_empty():
            return queryset
        visible = notifications.visible_notifications(viewer_of(info))
        return (queryset & visible).select_related(*described_related())

    @strawberry_django.field(only=["read_at"], description="Whether the viewer marked it read.")
    def is_read(self) -> bool:
        return self.read_at is not None  # type: ignore[attr-defined]

    @strawberry_django.field(
        only=ALL_COLUMNS,
        prefetch_related=[told_actors],
        description="What happened, in one sentence in the request's language.",
    )
    def message(self) -> str:
        kind = notifications.get_kind(self.kind)  # type: ignore[attr-defined]
        return str(kind.describe(as_told(self))) if kind is not None else ""  # type: ignore[arg-type]

    @strawberry_django.field(
        only=ALL_COLUMNS,
        prefetch_related=[told_actors],
        description="The absolute URL of what it is about, on the site's origin; null when "
        "it links nowhere.",
    )
    def url(self, info: Info) -> str | None:
        kind = notifications.get_kind(self.kind)  # type: ignore[attr-defined]
        path = kind.link(as_told(self)) if kind is not None else ""  # type: ignore[arg-type]
        return absolute_url(path, request_of(info)) if path else None


@strawberry.type(
    name="NotificationConnection",
    description="A page of the viewer's notifications, newest first.",
)
class NotificationConnection(NetworkConnection[NotificationType]):
    @strawberry.field(
        description="How many of the viewer's notifications are unread (of the whole list, "
        "whatever `unreadOnly` and the page), as the site's navigation counts them. In one "
        "query; in rare cases (a profile that became private to the viewer, a role given up) "
        "it counts a notification the list leaves out."
    )
    def unread_count(self, info: Info) -> int:
        return notifications.unread_count(viewer_of(info))


@strawberry.type(name="Language", description="A language the site is offered in.")
class LanguageType:
    code: str = strawberry.field(description="The language code (`LANGUAGES` in the settings).")
    name: str = strawberry.field(description="The language's name, as the settings give it.")


@strawberry.type(
    name="NotificationKindPreference", description="How the viewer learns of one kind."
)
class NotificationKindPreferenceType:
    kind: str = strawberry.field(description="The kind's key (as `Notification.kind`).")
    label: str = strawberry.field(description="What the kind is called, translated.")
    audience: str = strawberry.field(description="Who gets it and when, translated.")
    channel: NotificationChannelEnum = strawberry.field(  # type: ignore[valid-type]
        description="The viewer's choice, else the site's default for the kind."
    )


@strawberry.type(
    name="NotificationPreferences",
    description="The viewer's notification choices: a channel per kind and the language "
    "of their e-mails.",
)
class NotificationPreferencesType:
    language: str | None = strawberry.field(
        description="The language of the viewer's e-mails (a code of `languages`); null when "
        "they chose none (the site's language, or the admin language they chose in Wagtail)."
    )
    channels: list[NotificationKindPreferenceType] = strawberry.field(
        description="Every registered kind, in the order the site lists them."
    )

    @strawberry.field(description="The languages the viewer may choose from.")
    def languages(self) -> list[LanguageType]:
        return [LanguageType(code=code, name=str(name)) for code, name in settings.LANGUAGES]

    @classmethod
    def of(cls, user: Any) -> NotificationPreferencesType:
        """``user``'s preferences, in one query."""
        chosen = notifications.preferences_for(user)
        channels = chosen["channels"]
        return cls(
            language=chosen["language"] or None,
            channels=[
                NotificationKindPreferenceType(
                    kind=kind.key,
                    label=str(kind.label),
                    audience=str(kind.audience),
                    channel=NotificationChannel(channels[kind.key]),
                )
                for kind in notifications.all_kinds()
                if kind.key in channels
            ],
        )


__all__ = [
    "LanguageType",
    "NotificationChannelEnum",
    "NotificationConnection",
    "NotificationKindPreferenceType",
    "NotificationPreferencesType",
    "NotificationType",
]
