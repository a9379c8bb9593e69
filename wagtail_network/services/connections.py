"""The connection lifecycle: invite, accept, ignore, withdraw, remove; open invitations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import graph, limits, notifications, visibility
from ..conf import get_setting
from ..errors import ErrorCode
from ..models import (
    Connection,
    ConnectionEdge,
    ConnectionState,
    MemberPage,
)
from ..viewer import Viewer
from .base import (
    _actor,
    _changed,
    _check_rate_limit,
    _error,
    _event,
    _is_blocked_either_way,
    _live_connection,
    _lock_members,
    _log,
    _not_found_or,
    _ordered,
    _other_member_pk,
    _pk,
    _text_within,
    _visible_member,
)

#: Longest note sent with an invitation (:mod:`wagtail_network.limits`).
MESSAGE_MAX_LENGTH = limits.MESSAGE_MAX_LENGTH

#: Invitation states that still wait for the recipient. Ignored ones count: to the
#: inviter they read as pending, so they must count towards the cap as well.
OPEN_INVITATION_STATES = (ConnectionState.PENDING, ConnectionState.IGNORED)


def in_cooldown(me_pk: int, target_pk: int) -> bool:
    """Whether ``me_pk`` withdrew an invitation to ``target_pk`` too recently to invite
    again (``WITHDRAWAL_COOLDOWN_DAYS``). The one test of the rule: the service
    refuses with ``COOLDOWN`` on it, and the pages ask it to offer no Connect button."""
    cooldown_days = int(get_setting("WITHDRAWAL_COOLDOWN_DAYS") or 0)
    if cooldown_days <= 0:
        return False
    since = timezone.now() - timedelta(days=cooldown_days)
    return Connection.objects.filter(
        requester_id=me_pk,
        recipient_id=target_pk,
        state=ConnectionState.WITHDRAWN,
        ended_at__gt=since,
        # Only the inviter's own withdrawal starts a cool-down: an invitation
        # ended by the other member's block does not hold its sender back.
        events__state=ConnectionState.WITHDRAWN,
        events__actor_id=me_pk,
    ).exists()


def invitation_cap_reached(me_pk: int) -> bool:
    """Whether ``me_pk`` has as many open invitations as ``INVITATION_CAP`` allows
    (the service's ``INVITATION_CAP_REACHED``; the pages ask the same question)."""
    cap = get_setting("INVITATION_CAP")
    if cap is None:
        return False
    open_count = Connection.objects.filter(
        requester_id=me_pk, state__in=OPEN_INVITATION_STATES
    ).count()
    return open_count >= int(cap)


def _accept(user: Any, me: MemberPage, connection: Connection, *, collapsed: bool = False):
    """Turn a live invitation addressed to ``me`` into an accepted connection."""
    viewer = Viewer.of(user)
    now = timezone.now()
    connection.state = ConnectionState.ACCEPTED
    connection.responded_at = now
    connection.save(update_fields=["state", "responded_at"])
    try:
        with transaction.atomic():
            ConnectionEdge.objects.bulk_create(
                [
                    ConnectionEdge(
                        member_id=connection.requester_id,
                        other_id=connection.recipient_id,
                        connection=connection,
                        created_at=now,
                    ),
                    ConnectionEdge(
                        member_id=connection.recipient_id,
                        other_id=connection.requester_id,
                        connection=connection,
                        created_at=now,
                    ),
                ]
            )
    except IntegrityError:
        # Stale edges of an earlier connection of this pair (only possible if rows
        # were edited by hand): replace them so the adjacency matches the state.
        ConnectionEdge.objects.filter(
            Q(member_id=connection.requester_id, other_id=connection.recipient_id)
            | Q(member_id=connection.recipient_id, other_id=connection.requester_id)
        ).update(connection=connection)
    _event(connection, me, now)
    _log(
        connection,
        "wagtail_network.connection.accept",
        viewer,
        requester=connection.requester_id,
        recipient=connection.recipient_id,
        collapsed=collapsed,
    )
    notifications.notify(
        "invitation_accepted", [connection.requester], actor=me, connection=connection
    )
    return connection


def request_connection(user: Any, member: Any, message: str = "") -> Connection:
    """Invite ``member`` to connect; returns the (pending or accepted) connection.

    If ``member`` already invited the actor (pending or ignored), the request
    accepts that invitation instead: two crossing invitations end as one accepted
    connection. Errors: ``SELF_ACTION``, ``NOT_FOUND`` (invisible, missing or
    blocked either way), ``VALIDATION`` (``message`` longer than 500 characters),
    ``ALREADY_CONNECTED``, ``ALREADY_INVITED``, ``COOLDOWN``,
    ``INVITATION_CAP_REACHED``, ``RATE_LIMITED`` (``RATE_LIMITS["invitations"]``
    invitations sent in the window already, withdrawn ones included; accepting a
    crossing invitation is never limited).
    """
    viewer = Viewer.of(user)
    me = _actor(viewer)
    message = _text_within(
        message,
        MESSAGE_MAX_LENGTH,
        _("The message can be at most %(max)d characters long."),
        "message",
    )
    _other_member_pk(me, member)
    target = _visible_member(viewer, member)
    if target.user_id is None:
        # Editors may create profiles before their person has an account; nobody
        # could answer an invitation to one.
        raise _error(
            ErrorCode.INVALID_STATE, _("This member has not joined the network yet."), "member"
        )

    for attempt in range(2):
        try:
            with transaction.atomic():
                return _request_connection_locked(viewer, me, target, message)
        except IntegrityError:
            # Another request created the pair's live row between our read and our
            # insert (possible only where row locks are unavailable): decide again
            # on what is there now.
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _request_connection_locked(
    user: Any, me: MemberPage, target: MemberPage, message: str
) -> Connection:
    viewer = Viewer.of(user)
    _lock_members(me.pk, target.pk)
    if _is_blocked_either_way(me.pk, target.pk):
        raise _error(ErrorCode.NOT_FOUND, field="member")
    live = _live_connection(me.pk, target.pk)
    if live is not None:
        if live.state == ConnectionState.ACCEPTED:
            raise _error(ErrorCode.ALREADY_CONNECTED)
        if live.requester_id == me.pk:
            raise _error(ErrorCode.ALREADY_INVITED)
        # The other side invited us already (pending, or ignored by us): a request
        # is the clearest possible "yes".
        result = _accept(viewer, me, live, collapsed=True)
        _changed(viewer)
        return result

    if in_cooldown(me.pk, target.pk):
        raise _error(ErrorCode.COOLDOWN)
    _check_rate_limit(viewer, me, "invitations")
    if invitation_cap_reached(me.pk):
        raise _error(ErrorCode.INVITATION_CAP_REACHED)

    low, high = _ordered(me.pk, target.pk)
    with transaction.atomic():
        connection = Connection.objects.create(
            member_low_id=low,
            member_high_id=high,
            requester=me,
            recipient=target,
            state=ConnectionState.PENDING,
            message=message,
        )
    _event(connection, me, connection.created_at)
    _log(
        connection,
        "wagtail_network.connection.request",
        viewer,
        requester=me.pk,
        recipient=target.pk,
    )
    notifications.notify("invitation_received", [target], actor=me, connection=connection)
    return connection


def _locked_pair_connection(me_pk: int, other_pk: int) -> Connection | None:
    """Lock both members, then the pair's live connection (inside a transaction):
    every change to a connection between two members starts here."""
    _lock_members(me_pk, other_pk)
    return _live_connection(me_pk, other_pk)


def accept_connection(user: Any, member: Any) -> Connection:
    """Accept the invitation that ``member`` sent to the actor (pending or ignored).

    Idempotent: accepting an already accepted connection returns it. Errors:
    ``NOT_FOUND`` (no invitation from this member, or the member is not visible).
    """
    viewer = Viewer.of(user)
    me = _actor(viewer)
    other_pk = _other_member_pk(me, member)
    with transaction.atomic():
        live = _locked_pair_connection(me.pk, other_pk)
        if live is not None and live.state == ConnectionState.ACCEPTED:
            return live
        if live is None or live.requester_id != other_pk:
            # The invitation itself is the authority here (not profile
            # visibility): a member who invited us may since have narrowed who
            # sees their profile, and we must still be able to answer.
            raise _error(ErrorCode.NOT_FOUND, field="member")
        result = _accept(viewer, me, live)
    _changed(viewer)
    return result


def ignore_connection(user: Any, member: Any) -> Connection:
    """Ignore the invitation ``member`` sent. The inviter is never told: to them it
    still reads as pending (:func:`invitation_state_for`). Idempotent."""
    viewer = Viewer.of(user)
    me = _actor(viewer, live=False)
    other_pk = _pk(member, "member")
    with transaction.atomic():
        live = _locked_pair_connection(me.pk, other_pk)
        if live is None or live.requester_id != other_pk:
            if live is not None and live.state == ConnectionState.ACCEPTED:
                raise _error(ErrorCode.ALREADY_CONNECTED)
            raise _error(ErrorCode.NOT_FOUND, field="member")
        if live.state == ConnectionState.ACCEPTED:
            raise _error(ErrorCode.ALREADY_CONNECTED)
        if live.state == ConnectionState.IGNORED:
            return live
        live.state = ConnectionState.IGNORED
        live.responded_at = timezone.now()
        live.save(update_fields=["state", "responded_at"])
        _event(live, me, live.responded_at)
        _log(live, "wagtail_network.connection.ignore", viewer, requester=other_pk, recipient=me.pk)
    return live


def withdraw_connection_request(user: Any, member: Any) -> Connection:
    """Withdraw the actor's open invitation to ``member`` (pending or ignored).

    Starts the cool-down (``WITHDRAWAL_COOLDOWN_DAYS``) before the actor may invite
    ``member`` again. Errors: ``NOT_FOUND`` (no open invitation),
    ``ALREADY_CONNECTED`` (use :func:`remove_connection`).
    """
    viewer = Viewer.of(user)
    me = _actor(viewer, live=False)
    other_pk = _pk(member, "member")
    with transaction.atomic():
        live = _locked_pair_connection(me.pk, other_pk)
        if live is not None and live.state == ConnectionState.ACCEPTED:
            raise _error(ErrorCode.ALREADY_CONNECTED)
        if live is None or live.requester_id != me.pk:
            raise _error(ErrorCode.NOT_FOUND, field="member")
        live.state = ConnectionState.WITHDRAWN
        live.ended_at = timezone.now()
        live.save(update_fields=["state", "ended_at"])
        _event(live, me, live.ended_at)
        _log(
            live, "wagtail_network.connection.withdraw", viewer, requester=me.pk, recipient=other_pk
        )
    return live


def remove_connection(user: Any, member: Any) -> Connection:
    """End an accepted connection (either side may). Deletes both adjacency rows;
    the connection row stays as history in state ``removed``.

    Errors: ``NOT_CONNECTED`` (visible member, no connection), ``NOT_FOUND``.
    """
    viewer = Viewer.of(user)
    me = _actor(viewer, live=False)
    other_pk = _other_member_pk(me, member)
    with transaction.atomic():
        live = _locked_pair_connection(me.pk, other_pk)
        if live is None or live.state != ConnectionState.ACCEPTED:
            raise _not_found_or(viewer, other_pk, ErrorCode.NOT_CONNECTED)
        _end_connection(viewer, me, live, action="wagtail_network.connection.remove")
    _changed(viewer)
    return live


def _end_connection(user: Any, me: MemberPage, live: Connection, *, action: str, **data) -> None:
    """Close a live row: accepted → removed (edges deleted), open → withdrawn."""
    viewer = Viewer.of(user)
    now = timezone.now()
    if live.state == ConnectionState.ACCEPTED:
        live.state = ConnectionState.REMOVED
        ConnectionEdge.objects.filter(connection=live).delete()
    else:
        live.state = ConnectionState.WITHDRAWN
    live.ended_at = now
    live.save(update_fields=["state", "ended_at"])
    _event(live, me, now)
    _log(
        live,
        action,
        viewer,
        requester=live.requester_id,
        recipient=live.recipient_id,
        state=live.state,
        **data,
    )


def invitation_state_for(user: Any, connection: Connection) -> str:
    """The connection's state as ``user`` may know it.

    An ignored invitation reads ``pending`` to its sender: the ignore is never
    disclosed. Everyone else (the recipient, moderators) sees the real state.
    """
    viewer = Viewer.of(user)
    me = visibility.viewer_member_id(viewer)
    if connection.state == ConnectionState.IGNORED and me == connection.requester_id:
        return ConnectionState.PENDING
    return connection.state


def invitations_received(user: Any, *, include_ignored: bool = False):
    """Open invitations addressed to the user (ignored ones only on request)."""
    viewer = Viewer.of(user)
    me = visibility.viewer_member_id(viewer)
    if me is None:
        return Connection.objects.none()
    states = OPEN_INVITATION_STATES if include_ignored else (ConnectionState.PENDING,)
    return Connection.objects.filter(recipient_id=me, state__in=states)


def invitations_sent(user: Any):
    """Open invitations the user sent; ignored ones included (they read as pending)."""
    viewer = Viewer.of(user)
    me = visibility.viewer_member_id(viewer)
    if me is None:
        return Connection.objects.none()
    return Connection.objects.filter(requester_id=me, state__in=OPEN_INVITATION_STATES)


# One SQL expression decides a member's standing and degree (wagtail_network.graph);
# these names stay here because the service layer is where callers look for them.
connection_statuses = graph.connection_statuses
connection_status = graph.connection_status
degrees = graph.degrees
degree = graph.degree
