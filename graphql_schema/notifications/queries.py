"""``viewer.notifications`` and ``viewer.notificationPreferences``: the viewer's own
fields of this domain, which :class:`graphql_schema.network.queries.ViewerType`
inherits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import strawberry
from strawberry.relay.utils import should_resolve_list_connection_edges
from strawberry.types import Info

from wagtail_network.models import Notification

from ..base.connection import network_connection, selects_total_count
from ..base.context import viewer_of
from .types import NotificationConnection, NotificationPreferencesType, NotificationType


@strawberry.type
class NotificationViewerFields:
    @network_connection(
        NotificationConnection,
        description="The viewer's notifications, newest first: only those they may still "
        "see (see `Notification`). `unreadCount` counts the unread ones.",
    )
    def notifications(
        self,
        info: Info,
        unread_only: Annotated[
            bool, strawberry.argument(description="Only the notifications not read yet.")
        ] = False,
    ) -> Iterable[NotificationType]:
        if not (should_resolve_list_connection_edges(info) or selects_total_count(info)):
            # Only `unreadCount` (a badge): no list, and none of the viewer's
            # facts the list's rules would look up.
            return Notification.objects.none()  # type: ignore[return-value]
        # NotificationType.get_queryset narrows this to visible_notifications(viewer),
        # in its order (newest first).
        qs = Notification.objects.all()
        if unread_only:
            qs = qs.filter(read_at__isnull=True)
        return qs  # type: ignore[return-value]

    @strawberry.field(
        description="How the viewer learns of each kind of notification, and the language "
        "of their e-mails (also without a member profile)."
    )
    def notification_preferences(self, info: Info) -> NotificationPreferencesType:
        return NotificationPreferencesType.of(viewer_of(info).user)


__all__ = ["NotificationViewerFields"]
