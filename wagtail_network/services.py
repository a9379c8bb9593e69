"""The service layer: every state change of the network goes through here.

GraphQL mutations, admin actions and views call these functions and nothing
else. Each operation

1. resolves the actor (``request.user``) and its member profile
   (anonymous → ``UNAUTHENTICATED``, no profile → ``NO_PROFILE``);
2. resolves its targets (instances or primary keys) through
   :mod:`wagtail_network.visibility` — a target the actor may not see raises
   ``NOT_FOUND`` exactly as a missing id does;
3. validates and checks permissions, raising exactly one
   :class:`~wagtail_network.errors.NetworkError` on an expected failure;
4. writes inside ``transaction.atomic`` (so a raised error leaves nothing
   written), appends history (:class:`ConnectionEvent`) and an entry in Wagtail's
   audit log (action names in :mod:`wagtail_network.log_actions`).

Concurrency: every change to the relation between two members first locks both
member rows in primary-key order (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite
serialises writers with IMMEDIATE transactions). Two requests about the same pair
therefore run one after the other, and the second sees what the first wrote: two
crossing invitations end as one accepted connection, a double accept or a double
endorsement as one row, none of them as an error. The database constraints stay
the last line of defence; an ``IntegrityError`` is caught inside a savepoint and
the row re-read.

The rules and error codes are documented in ``docs/concepts/connections.md``.
"""

from __future__ import annotations

import html
import re
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry

from . import graph, log_actions, visibility
from .conf import get_setting
from .errors import ErrorCode, NetworkError
from .models import (
    LIVE_CONNECTION_STATES,
    Block,
    CompanyPage,
    CompanyRelationship,
    CompanyRelationshipKind,
    Connection,
    ConnectionEdge,
    ConnectionEvent,
    ConnectionState,
    Education,
    Endorsement,
    EndorsementState,
    Follow,
    Industry,
    MemberIndexPage,
    MemberLink,
    MemberPage,
    OpenTo,
    Position,
    Recommendation,
    RecommendationRelationship,
    RecommendationState,
    Report,
    ReportReason,
    ReportState,
    Skill,
)

MESSAGE_MAX_LENGTH = 500
RECOMMENDATION_MAX_LENGTH = 3000
REPORT_DETAILS_MAX_LENGTH = 2000

#: Invitation states that still wait for the recipient. Ignored ones count: to the
#: inviter they read as pending, so they must count towards the cap as well.
OPEN_INVITATION_STATES = (ConnectionState.PENDING, ConnectionState.IGNORED)

RECOMMENDATION_ACTIONS = ("accept", "decline", "hide", "unhide")


# --------------------------------------------------------------------------
# Resolution helpers
# --------------------------------------------------------------------------


def _error(code: ErrorCode, message: Any = None, field: str | None = None) -> NetworkError:
    return NetworkError(code, message, field=field)


def _pk(value: Any, field: str | None = None) -> int:
    """A primary key from an instance or an id; garbage reads as "not found"."""
    if isinstance(value, models.Model):
        if value.pk is None:
            raise _error(ErrorCode.NOT_FOUND, field=field)
        return int(value.pk)
    if isinstance(value, bool):
        raise _error(ErrorCode.NOT_FOUND, field=field)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _error(ErrorCode.NOT_FOUND, field=field) from None


def _actor(user: Any, *, live: bool = True) -> MemberPage:
    """The acting user's member profile.

    ``live``: the action reaches other members (inviting, endorsing, …), which a
    profile still waiting for an editor may not do yet.
    """
    if not visibility.is_authenticated(user):
        raise _error(ErrorCode.UNAUTHENTICATED)
    member = visibility.viewer_member(user)
    if member is None:
        raise _error(ErrorCode.NO_PROFILE)
    if live and not member.live:
        raise _error(ErrorCode.NO_PROFILE, _("Your profile is not published yet."))
    return member


def _require_user(user: Any) -> None:
    if not visibility.is_authenticated(user):
        raise _error(ErrorCode.UNAUTHENTICATED)


def _visible_member(user: Any, member: Any, field: str = "member") -> MemberPage:
    """The target member, if the user may see it; otherwise ``NOT_FOUND``."""
    pk = _pk(member, field)
    target = visibility.members_visible_to(user).filter(pk=pk).first()
    if target is None:
        raise _error(ErrorCode.NOT_FOUND, field=field)
    return target


def _visible_company(user: Any, company: Any, field: str = "company") -> CompanyPage:
    pk = _pk(company, field)
    target = visibility.companies_visible_to(user).filter(pk=pk).first()
    if target is None:
        raise _error(ErrorCode.NOT_FOUND, field=field)
    return target


def _not_found_or(user: Any, member_pk: int, code: ErrorCode) -> NetworkError:
    """``code`` for a member the user sees, ``NOT_FOUND`` for one they do not.

    Used where the relation row that the action needs is missing: answering
    "not connected" about an invisible member would confirm that it exists.
    """
    if visibility.members_visible_to(user).filter(pk=member_pk).exists():
        return _error(code)
    return _error(ErrorCode.NOT_FOUND, field="member")


def _resolve_skill(value: Any, field: str = "skill") -> Skill:
    """A skill from an instance, an id or a slug."""
    if isinstance(value, Skill):
        return value
    qs = Skill.objects.all()
    skill = None
    if isinstance(value, int) and not isinstance(value, bool):
        skill = qs.filter(pk=value).first()
    elif isinstance(value, str) and value:
        skill = qs.filter(slug=value).first()
        if skill is None and value.isdigit():
            skill = qs.filter(pk=int(value)).first()
    if skill is None:
        raise _error(ErrorCode.NOT_FOUND, _("Unknown skill."), field=field)
    return skill


def _lock_members(*pks: int) -> None:
    """Lock member rows in primary-key order, so that two requests about the same
    pair serialise instead of racing (and never deadlock on each other)."""
    list(
        MemberPage.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(set(pks)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _live_connection(a: int, b: int, *, lock: bool = True) -> Connection | None:
    low, high = _ordered(a, b)
    qs = Connection.objects.filter(
        member_low_id=low, member_high_id=high, state__in=LIVE_CONNECTION_STATES
    )
    if lock:
        qs = qs.select_for_update()
    return qs.first()


def _is_blocked_either_way(a: int, b: int) -> bool:
    return Block.objects.filter(
        Q(blocker_id=a, blocked_id=b) | Q(blocker_id=b, blocked_id=a)
    ).exists()


def _event(connection: Connection, actor: MemberPage | None, at=None) -> None:
    ConnectionEvent.objects.create(
        connection=connection,
        actor=actor,
        state=connection.state,
        at=at or timezone.now(),
    )


def _log(instance: Any, action: str, user: Any, **data: Any) -> None:
    # Wagtail validates log entries against its registry of actions. The app's
    # wagtail_hooks registers ours; registering here too keeps the service layer
    # working where that hook is not (yet) loaded, e.g. in a host's custom setup.
    if not log_registry.action_exists(action):
        log_actions.register(log_registry)
    log(instance, action, user=user, data=data)


def _changed(user: Any) -> None:
    """Forget the user's memoised visibility answers after a change of their network."""
    visibility.clear_viewer_cache(user)


# --------------------------------------------------------------------------
# Connection lifecycle
# --------------------------------------------------------------------------


def _accept(user: Any, me: MemberPage, connection: Connection, *, collapsed: bool = False):
    """Turn a live invitation addressed to ``me`` into an accepted connection."""
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
        user,
        requester=connection.requester_id,
        recipient=connection.recipient_id,
        collapsed=collapsed,
    )
    return connection


def request_connection(user: Any, member: Any, message: str = "") -> Connection:
    """Invite ``member`` to connect; returns the (pending or accepted) connection.

    If ``member`` already invited the actor (pending or ignored), the request
    accepts that invitation instead: two crossing invitations end as one accepted
    connection. Errors: ``SELF_ACTION``, ``NOT_FOUND`` (invisible, missing or
    blocked either way), ``VALIDATION`` (``message`` longer than 500 characters),
    ``ALREADY_CONNECTED``, ``ALREADY_INVITED``, ``COOLDOWN``,
    ``INVITATION_CAP_REACHED``.
    """
    me = _actor(user)
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise _error(
            ErrorCode.VALIDATION,
            _("The message can be at most %(max)d characters long.") % {"max": MESSAGE_MAX_LENGTH},
            field="message",
        )
    if _pk(member, "member") == me.pk:
        raise _error(ErrorCode.SELF_ACTION, field="member")
    target = _visible_member(user, member)
    if target.user_id is None:
        # Editors may create profiles before their person has an account; nobody
        # could answer an invitation to one.
        raise _error(
            ErrorCode.INVALID_STATE, _("This member has not joined the network yet."), "member"
        )

    for attempt in range(2):
        try:
            with transaction.atomic():
                return _request_connection_locked(user, me, target, message)
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
        result = _accept(user, me, live, collapsed=True)
        _changed(user)
        return result

    cooldown_days = int(get_setting("WITHDRAWAL_COOLDOWN_DAYS") or 0)
    if cooldown_days > 0:
        since = timezone.now() - timedelta(days=cooldown_days)
        if Connection.objects.filter(
            requester_id=me.pk,
            recipient_id=target.pk,
            state=ConnectionState.WITHDRAWN,
            ended_at__gt=since,
            # Only the inviter's own withdrawal starts a cool-down: an invitation
            # ended by the other member's block does not hold its sender back.
            events__state=ConnectionState.WITHDRAWN,
            events__actor_id=me.pk,
        ).exists():
            raise _error(ErrorCode.COOLDOWN)

    cap = get_setting("INVITATION_CAP")
    if cap is not None:
        open_count = Connection.objects.filter(
            requester_id=me.pk, state__in=OPEN_INVITATION_STATES
        ).count()
        if open_count >= int(cap):
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
        user,
        requester=me.pk,
        recipient=target.pk,
    )
    return connection


def accept_connection(user: Any, member: Any) -> Connection:
    """Accept the invitation that ``member`` sent to the actor (pending or ignored).

    Idempotent: accepting an already accepted connection returns it. Errors:
    ``NOT_FOUND`` (no invitation from this member, or the member is not visible).
    """
    me = _actor(user)
    other_pk = _pk(member, "member")
    if other_pk == me.pk:
        raise _error(ErrorCode.SELF_ACTION, field="member")
    with transaction.atomic():
        _lock_members(me.pk, other_pk)
        live = _live_connection(me.pk, other_pk)
        if live is not None and live.state == ConnectionState.ACCEPTED:
            return live
        if live is None or live.requester_id != other_pk:
            # The invitation itself is the authority here (not profile
            # visibility): a member who invited us may since have narrowed who
            # sees their profile, and we must still be able to answer.
            raise _error(ErrorCode.NOT_FOUND, field="member")
        result = _accept(user, me, live)
    _changed(user)
    return result


def ignore_connection(user: Any, member: Any) -> Connection:
    """Ignore the invitation ``member`` sent. The inviter is never told: to them it
    still reads as pending (:func:`invitation_state_for`). Idempotent."""
    me = _actor(user, live=False)
    other_pk = _pk(member, "member")
    with transaction.atomic():
        _lock_members(me.pk, other_pk)
        live = _live_connection(me.pk, other_pk)
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
        _log(live, "wagtail_network.connection.ignore", user, requester=other_pk, recipient=me.pk)
    return live


def withdraw_connection_request(user: Any, member: Any) -> Connection:
    """Withdraw the actor's open invitation to ``member`` (pending or ignored).

    Starts the cool-down (``WITHDRAWAL_COOLDOWN_DAYS``) before the actor may invite
    ``member`` again. Errors: ``NOT_FOUND`` (no open invitation),
    ``ALREADY_CONNECTED`` (use :func:`remove_connection`).
    """
    me = _actor(user, live=False)
    other_pk = _pk(member, "member")
    with transaction.atomic():
        _lock_members(me.pk, other_pk)
        live = _live_connection(me.pk, other_pk)
        if live is not None and live.state == ConnectionState.ACCEPTED:
            raise _error(ErrorCode.ALREADY_CONNECTED)
        if live is None or live.requester_id != me.pk:
            raise _error(ErrorCode.NOT_FOUND, field="member")
        live.state = ConnectionState.WITHDRAWN
        live.ended_at = timezone.now()
        live.save(update_fields=["state", "ended_at"])
        _event(live, me, live.ended_at)
        _log(live, "wagtail_network.connection.withdraw", user, requester=me.pk, recipient=other_pk)
    return live


def remove_connection(user: Any, member: Any) -> Connection:
    """End an accepted connection (either side may). Deletes both adjacency rows;
    the connection row stays as history in state ``removed``.

    Errors: ``NOT_CONNECTED`` (visible member, no connection), ``NOT_FOUND``.
    """
    me = _actor(user, live=False)
    other_pk = _pk(member, "member")
    if other_pk == me.pk:
        raise _error(ErrorCode.SELF_ACTION, field="member")
    with transaction.atomic():
        _lock_members(me.pk, other_pk)
        live = _live_connection(me.pk, other_pk)
        if live is None or live.state != ConnectionState.ACCEPTED:
            raise _not_found_or(user, other_pk, ErrorCode.NOT_CONNECTED)
        _end_connection(user, me, live, action="wagtail_network.connection.remove")
    _changed(user)
    return live


def _end_connection(user: Any, me: MemberPage, live: Connection, *, action: str, **data) -> None:
    """Close a live row: accepted → removed (edges deleted), open → withdrawn."""
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
        user,
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
    me = visibility.viewer_member_id(user)
    if connection.state == ConnectionState.IGNORED and me == connection.requester_id:
        return ConnectionState.PENDING
    return connection.state


def invitations_received(user: Any, *, include_ignored: bool = False):
    """Open invitations addressed to the user (ignored ones only on request)."""
    me = visibility.viewer_member_id(user)
    if me is None:
        return Connection.objects.none()
    states = OPEN_INVITATION_STATES if include_ignored else (ConnectionState.PENDING,)
    return Connection.objects.filter(recipient_id=me, state__in=states)


def invitations_sent(user: Any):
    """Open invitations the user sent; ignored ones included (they read as pending)."""
    me = visibility.viewer_member_id(user)
    if me is None:
        return Connection.objects.none()
    return Connection.objects.filter(requester_id=me, state__in=OPEN_INVITATION_STATES)


# One SQL expression decides a member's standing and degree (wagtail_network.graph);
# these names stay here because the service layer is where callers look for them.
connection_statuses = graph.connection_statuses
connection_status = graph.connection_status
degrees = graph.degrees
degree = graph.degree


# --------------------------------------------------------------------------
# Blocks and follows
# --------------------------------------------------------------------------


def block_member(user: Any, member: Any) -> Block:
    """Block ``member``. Idempotent.

    Effects, in one transaction: any connection and open invitation between the
    two ends (accepted → removed, open → withdrawn; history kept); endorsements and
    recommendations between them, either way, are deleted (logged); from then on
    neither can see, invite, endorse or recommend the other.
    """
    me = _actor(user, live=False)
    other_pk = _pk(member, "member")
    if other_pk == me.pk:
        raise _error(ErrorCode.SELF_ACTION, field="member")
    existing = Block.objects.filter(blocker_id=me.pk, blocked_id=other_pk).first()
    if existing is not None:
        return existing
    if _live_connection(me.pk, other_pk, lock=False) is not None:
        # Whoever invited (or is connected to) the actor can be blocked even if
        # their profile is hidden from the actor: that is who blocking is for.
        target = MemberPage.objects.get(pk=other_pk)
    else:
        target = _visible_member(user, other_pk)
    with transaction.atomic():
        _lock_members(me.pk, target.pk)
        block, created = _get_or_create(Block, blocker_id=me.pk, blocked_id=target.pk)
        if not created:
            return block
        live = _live_connection(me.pk, target.pk)
        if live is not None:
            _end_connection(user, me, live, action="wagtail_network.connection.remove", block=True)
        between = Q(endorser_id=me.pk, member_id=target.pk) | Q(
            endorser_id=target.pk, member_id=me.pk
        )
        endorsements = Endorsement.objects.filter(between)
        recommendations = Recommendation.objects.filter(
            Q(author_id=me.pk, member_id=target.pk) | Q(author_id=target.pk, member_id=me.pk)
        )
        endorsement_ids = list(endorsements.values_list("pk", flat=True))
        recommendation_ids = list(recommendations.values_list("pk", flat=True))
        endorsements.delete()
        recommendations.delete()
        _log(
            block,
            "wagtail_network.block",
            user,
            blocker=me.pk,
            blocked=target.pk,
            ended_connection=live.pk if live else None,
            deleted_endorsements=endorsement_ids,
            deleted_recommendations=recommendation_ids,
        )
    _changed(user)
    return block


def unblock_member(user: Any, member: Any) -> None:
    """Lift the actor's block of ``member``. Nothing removed by the block comes back.

    Errors: ``NOT_FOUND`` (the actor has not blocked this member).
    """
    me = _actor(user, live=False)
    other_pk = _pk(member, "member")
    with transaction.atomic():
        block = Block.objects.select_for_update().filter(blocker_id=me.pk, blocked_id=other_pk)
        block = block.first()
        if block is None:
            raise _error(ErrorCode.NOT_FOUND, field="member")
        _log(block, "wagtail_network.unblock", user, blocker=me.pk, blocked=other_pk)
        block.delete()
    _changed(user)


def blocked_members(user: Any):
    """The members the user blocked (the one place the blocker still sees them)."""
    me = visibility.viewer_member_id(user)
    if me is None:
        return MemberPage.objects.none()
    return MemberPage.objects.filter(
        pk__in=Block.objects.filter(blocker_id=me).values("blocked_id")
    )


def _get_or_create(model: type[models.Model], defaults: dict | None = None, **lookup):
    """``get_or_create`` that survives a concurrent insert of the same row."""
    obj = model.objects.filter(**lookup).first()
    if obj is not None:
        return obj, False
    try:
        with transaction.atomic():
            return model.objects.create(**lookup, **(defaults or {})), True
    except IntegrityError:
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            raise
        return obj, False


def follow_company(user: Any, company: Any) -> Follow:
    """Follow ``company`` (idempotent)."""
    me = _actor(user)
    target = _visible_company(user, company)
    with transaction.atomic():
        follow, created = _get_or_create(Follow, member_id=me.pk, company_id=target.pk)
        if created:
            _log(follow, "wagtail_network.follow", user, member=me.pk, company=target.pk)
    return follow


def unfollow_company(user: Any, company: Any) -> None:
    """Stop following ``company`` (idempotent).

    The follow row is the authority: a member can always stop following a company
    that has since been unpublished. Without a follow, an invisible company is
    ``NOT_FOUND``.
    """
    me = _actor(user, live=False)
    pk = _pk(company, "company")
    with transaction.atomic():
        follow = Follow.objects.filter(member_id=me.pk, company_id=pk).first()
        if follow is None:
            _visible_company(user, pk)
            return
        _log(follow, "wagtail_network.unfollow", user, member=me.pk, company=pk)
        follow.delete()


# --------------------------------------------------------------------------
# Endorsements
# --------------------------------------------------------------------------


def _connected(a: int, b: int) -> bool:
    return ConnectionEdge.objects.filter(member_id=a, other_id=b).exists()


def endorse_skill(user: Any, member: Any, skill: Any) -> Endorsement:
    """Endorse ``member`` for ``skill``.

    Only 1st-degree connections, only a skill the member lists, never oneself; one
    endorsement per (endorser, member, skill) — repeating returns the existing one.
    New endorsements are ``pending`` with ``ENDORSEMENT_MODERATION``, else ``live``.
    Errors: ``SELF_ACTION``, ``NOT_FOUND``, ``NOT_CONNECTED``, ``SKILL_NOT_LISTED``.
    """
    me = _actor(user)
    if _pk(member, "member") == me.pk:
        raise _error(ErrorCode.SELF_ACTION, field="member")
    target = _visible_member(user, member)
    skill_obj = _resolve_skill(skill)
    with transaction.atomic():
        _lock_members(me.pk, target.pk)
        if not _connected(me.pk, target.pk):
            raise _error(ErrorCode.NOT_CONNECTED)
        if not MemberPage.skills.through.objects.filter(
            memberpage_id=target.pk, skill_id=skill_obj.pk
        ).exists():
            raise _error(ErrorCode.SKILL_NOT_LISTED, field="skill")
        state = (
            EndorsementState.PENDING
            if get_setting("ENDORSEMENT_MODERATION")
            else EndorsementState.LIVE
        )
        endorsement, created = _get_or_create(
            Endorsement,
            defaults={"state": state},
            endorser_id=me.pk,
            member_id=target.pk,
            skill_id=skill_obj.pk,
        )
        if created:
            _log(
                endorsement,
                "wagtail_network.endorsement.create",
                user,
                endorser=me.pk,
                member=target.pk,
                skill=skill_obj.pk,
                state=endorsement.state,
            )
    return endorsement


def withdraw_endorsement(user: Any, member: Any, skill: Any) -> None:
    """Withdraw the actor's endorsement of ``member`` for ``skill``.

    Errors: ``NOT_FOUND`` (no such endorsement).
    """
    me = _actor(user, live=False)
    other_pk = _pk(member, "member")
    skill_obj = _resolve_skill(skill)
    with transaction.atomic():
        endorsement = (
            Endorsement.objects.select_for_update()
            .filter(endorser_id=me.pk, member_id=other_pk, skill_id=skill_obj.pk)
            .first()
        )
        if endorsement is None:
            raise _error(ErrorCode.NOT_FOUND)
        _log(
            endorsement,
            "wagtail_network.endorsement.withdraw",
            user,
            endorser=me.pk,
            member=other_pk,
            skill=skill_obj.pk,
        )
        endorsement.delete()


def _visible_endorsement(user: Any, endorsement: Any) -> Endorsement:
    pk = _pk(endorsement, "endorsement")
    obj = visibility.endorsements_visible_to(user).filter(pk=pk).first()
    if obj is None:
        raise _error(ErrorCode.NOT_FOUND, field="endorsement")
    return obj


def set_endorsement_hidden(user: Any, endorsement: Any, hidden: bool) -> Endorsement:
    """The recipient hides (or shows again) an endorsement they received.

    Errors: ``NOT_FOUND``, ``PERMISSION_DENIED`` (visible but not received by the actor).
    """
    me = _actor(user, live=False)
    obj = _visible_endorsement(user, endorsement)
    if obj.member_id != me.pk:
        raise _error(ErrorCode.PERMISSION_DENIED)
    hidden = bool(hidden)
    with transaction.atomic():
        if obj.is_hidden != hidden:
            Endorsement.objects.filter(pk=obj.pk).update(is_hidden=hidden)
            obj.is_hidden = hidden
            _log(
                obj,
                "wagtail_network.endorsement.hide"
                if hidden
                else "wagtail_network.endorsement.unhide",
                user,
                member=me.pk,
            )
    return obj


def _require_moderator(user: Any, visible: bool) -> None:
    """Moderators only; others get ``PERMISSION_DENIED`` for what they see and
    ``NOT_FOUND`` for what they do not."""
    _require_user(user)
    if not visibility.can_moderate(user):
        raise _error(ErrorCode.PERMISSION_DENIED if visible else ErrorCode.NOT_FOUND)


def _moderated_endorsement(user: Any, endorsement: Any) -> Endorsement:
    _require_user(user)
    pk = _pk(endorsement, "endorsement")
    obj = visibility.endorsements_visible_to(user).filter(pk=pk).first()
    _require_moderator(user, obj is not None)
    if obj is None:
        raise _error(ErrorCode.NOT_FOUND, field="endorsement")
    return obj


def moderate_endorsement(user: Any, endorsement: Any, approve: bool) -> Endorsement:
    """A moderator approves (→ live) or rejects (→ rejected) an endorsement."""
    obj = _moderated_endorsement(user, endorsement)
    state = EndorsementState.LIVE if approve else EndorsementState.REJECTED
    with transaction.atomic():
        Endorsement.objects.filter(pk=obj.pk).update(state=state)
        previous, obj.state = obj.state, state
        _log(
            obj,
            "wagtail_network.endorsement.approve"
            if approve
            else "wagtail_network.endorsement.reject",
            user,
            previous_state=previous,
        )
    return obj


def delete_endorsement(user: Any, endorsement: Any) -> None:
    """A moderator deletes an endorsement (the audit log keeps the fact)."""
    obj = _moderated_endorsement(user, endorsement)
    with transaction.atomic():
        _log(
            obj,
            "wagtail_network.endorsement.delete",
            user,
            endorser=obj.endorser_id,
            member=obj.member_id,
            skill=obj.skill_id,
        )
        obj.delete()


# --------------------------------------------------------------------------
# Recommendations
# --------------------------------------------------------------------------


def write_recommendation(user: Any, member: Any, relationship: str, text: str) -> Recommendation:
    """Write (or rewrite) a recommendation for a 1st-degree connection.

    The recommendation waits for its recipient (``pending_recipient``). One per
    author and member: writing again updates a recommendation that is not
    published yet and sends it to the recipient again. Errors: ``SELF_ACTION``,
    ``NOT_FOUND``, ``NOT_CONNECTED``, ``VALIDATION`` (``relationship``, ``text``),
    ``ALREADY_EXISTS`` (a published one: the recipient must hide it, or the author
    ask a moderator).
    """
    me = _actor(user)
    if _pk(member, "member") == me.pk:
        raise _error(ErrorCode.SELF_ACTION, field="member")
    if relationship not in RecommendationRelationship.values:
        raise _error(ErrorCode.VALIDATION, _("Choose a relationship."), field="relationship")
    text = (text or "").strip()
    if not text:
        raise _error(ErrorCode.VALIDATION, _("Write the recommendation."), field="text")
    if len(text) > RECOMMENDATION_MAX_LENGTH:
        raise _error(
            ErrorCode.VALIDATION,
            _("A recommendation can be at most %(max)d characters long.")
            % {"max": RECOMMENDATION_MAX_LENGTH},
            field="text",
        )
    target = _visible_member(user, member)
    with transaction.atomic():
        _lock_members(me.pk, target.pk)
        if not _connected(me.pk, target.pk):
            raise _error(ErrorCode.NOT_CONNECTED)
        now = timezone.now()
        rec, created = _get_or_create(
            Recommendation,
            defaults={"relationship": relationship, "text": text, "created_at": now},
            author_id=me.pk,
            member_id=target.pk,
        )
        if not created:
            rec = Recommendation.objects.select_for_update().get(pk=rec.pk)
            if rec.state in (RecommendationState.PUBLISHED, RecommendationState.PENDING_MODERATION):
                raise _error(ErrorCode.ALREADY_EXISTS)
            rec.relationship = relationship
            rec.text = text
            rec.state = RecommendationState.PENDING_RECIPIENT
            rec.updated_at = now
            rec.responded_at = None
            rec.save(update_fields=["relationship", "text", "state", "updated_at", "responded_at"])
        _log(
            rec,
            "wagtail_network.recommendation.write"
            if created
            else "wagtail_network.recommendation.update",
            user,
            author=me.pk,
            member=target.pk,
        )
    return rec


def _visible_recommendation(user: Any, recommendation: Any) -> Recommendation:
    pk = _pk(recommendation, "recommendation")
    obj = visibility.recommendations_visible_to(user).filter(pk=pk).first()
    if obj is None:
        raise _error(ErrorCode.NOT_FOUND, field="recommendation")
    return obj


def respond_to_recommendation(user: Any, recommendation: Any, action: str) -> Recommendation:
    """The recipient accepts, declines, hides or unhides a recommendation.

    ``accept``: → ``published``, or ``pending_moderation`` with
    ``RECOMMENDATION_MODERATION`` (idempotent once accepted; a declined one may
    still be accepted). ``decline``: only while it waits for the recipient.
    ``hide``/``unhide``: at any time. Errors: ``VALIDATION`` (``action``),
    ``NOT_FOUND``, ``PERMISSION_DENIED`` (not the recipient), ``INVALID_STATE``.
    """
    me = _actor(user, live=False)
    if action not in RECOMMENDATION_ACTIONS:
        raise _error(ErrorCode.VALIDATION, _("Unknown action."), field="action")
    obj = _visible_recommendation(user, recommendation)
    if obj.member_id != me.pk:
        raise _error(ErrorCode.PERMISSION_DENIED)
    with transaction.atomic():
        rec = Recommendation.objects.select_for_update().get(pk=obj.pk)
        now = timezone.now()
        if action in ("hide", "unhide"):
            hidden = action == "hide"
            if rec.is_hidden == hidden:
                return rec
            rec.is_hidden = hidden
            rec.save(update_fields=["is_hidden"])
        elif action == "accept":
            if rec.state in (
                RecommendationState.PUBLISHED,
                RecommendationState.PENDING_MODERATION,
            ):
                return rec
            if rec.state not in (
                RecommendationState.PENDING_RECIPIENT,
                RecommendationState.DECLINED,
            ):
                raise _error(ErrorCode.INVALID_STATE)
            rec.state = (
                RecommendationState.PENDING_MODERATION
                if get_setting("RECOMMENDATION_MODERATION")
                else RecommendationState.PUBLISHED
            )
            rec.responded_at = now
            rec.save(update_fields=["state", "responded_at"])
        else:  # decline
            if rec.state == RecommendationState.DECLINED:
                return rec
            if rec.state != RecommendationState.PENDING_RECIPIENT:
                raise _error(ErrorCode.INVALID_STATE)
            rec.state = RecommendationState.DECLINED
            rec.responded_at = now
            rec.save(update_fields=["state", "responded_at"])
        _log(
            rec,
            f"wagtail_network.recommendation.{action}",
            user,
            author=rec.author_id,
            member=rec.member_id,
            state=rec.state,
        )
    return rec


def _moderated_recommendation(user: Any, recommendation: Any) -> Recommendation:
    _require_user(user)
    pk = _pk(recommendation, "recommendation")
    obj = visibility.recommendations_visible_to(user).filter(pk=pk).first()
    _require_moderator(user, obj is not None)
    if obj is None:
        raise _error(ErrorCode.NOT_FOUND, field="recommendation")
    return obj


def moderate_recommendation(user: Any, recommendation: Any, approve: bool) -> Recommendation:
    """A moderator approves (→ published) or rejects (→ rejected) a recommendation.

    Approval needs the recipient's acceptance first (``INVALID_STATE`` otherwise):
    a moderator never publishes what the recipient has not agreed to.
    """
    obj = _moderated_recommendation(user, recommendation)
    with transaction.atomic():
        rec = Recommendation.objects.select_for_update().get(pk=obj.pk)
        previous = rec.state
        if approve:
            if rec.state == RecommendationState.PUBLISHED:
                return rec
            # Only what the recipient accepted waits for a moderator; a rejected or
            # declined recommendation goes back through its author and recipient.
            if rec.state != RecommendationState.PENDING_MODERATION:
                raise _error(ErrorCode.INVALID_STATE)
            rec.state = RecommendationState.PUBLISHED
        else:
            rec.state = RecommendationState.REJECTED
        rec.moderated_at = timezone.now()
        rec.moderated_by = user
        rec.save(update_fields=["state", "moderated_at", "moderated_by"])
        _log(
            rec,
            "wagtail_network.recommendation.approve"
            if approve
            else "wagtail_network.recommendation.reject",
            user,
            previous_state=previous,
        )
    return rec


def delete_recommendation(user: Any, recommendation: Any) -> None:
    """A moderator deletes a recommendation (the audit log keeps the fact)."""
    obj = _moderated_recommendation(user, recommendation)
    with transaction.atomic():
        _log(
            obj,
            "wagtail_network.recommendation.delete",
            user,
            author=obj.author_id,
            member=obj.member_id,
        )
        obj.delete()


# --------------------------------------------------------------------------
# Positions
# --------------------------------------------------------------------------


def _position_for_company_admin(user: Any, position: Any) -> Position:
    _require_user(user)
    pk = _pk(position, "position")
    obj = (
        visibility.positions_visible_to(user, Position.objects.select_related("company"))
        .filter(pk=pk)
        .first()
    )
    if obj is None:
        raise _error(ErrorCode.NOT_FOUND, field="position")
    if obj.company_id is None or not visibility.can_edit_company(user, obj.company):
        raise _error(ErrorCode.PERMISSION_DENIED)
    return obj


def confirm_position(user: Any, position: Any) -> Position:
    """An admin of the position's company (a guardian grant) or an editor confirms
    that the member works (worked) there. Idempotent.

    Errors: ``NOT_FOUND`` (position not visible), ``PERMISSION_DENIED`` (not an
    admin of that company, or a free-text company nobody administers).
    """
    obj = _position_for_company_admin(user, position)
    if obj.verified_at is not None:
        return obj
    with transaction.atomic():
        obj.verified_at = timezone.now()
        obj.verified_by = user
        Position.objects.filter(pk=obj.pk).update(verified_at=obj.verified_at, verified_by=user)
        _log(
            obj,
            "wagtail_network.position.confirm",
            user,
            member=obj.member_id,
            company=obj.company_id,
        )
    return obj


def unverify_position(user: Any, position: Any) -> Position:
    """Withdraw a confirmation (same permission as :func:`confirm_position`)."""
    obj = _position_for_company_admin(user, position)
    if obj.verified_at is None:
        return obj
    with transaction.atomic():
        Position.objects.filter(pk=obj.pk).update(verified_at=None, verified_by=None)
        obj.verified_at = None
        obj.verified_by = None
        _log(
            obj,
            "wagtail_network.position.unverify",
            user,
            member=obj.member_id,
            company=obj.company_id,
        )
    return obj


# --------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------


def report_content(
    user: Any,
    *,
    member: Any = None,
    company: Any = None,
    endorsement: Any = None,
    recommendation: Any = None,
    reason: str,
    details: str = "",
) -> Report:
    """Report one member, company, endorsement or recommendation to moderators.

    The target must be visible to the reporter. Reporting the same target again
    while the first report is open returns that report. Errors: ``VALIDATION``
    (not exactly one target; ``reason``; ``details`` too long), ``NOT_FOUND``,
    ``SELF_ACTION`` (reporting one's own profile).
    """
    me = _actor(user, live=False)
    targets = {
        "member": member,
        "company": company,
        "endorsement": endorsement,
        "recommendation": recommendation,
    }
    given = [name for name, value in targets.items() if value is not None]
    if len(given) != 1:
        raise _error(ErrorCode.VALIDATION, _("Report exactly one thing."), field="target")
    if reason not in ReportReason.values:
        raise _error(ErrorCode.VALIDATION, _("Choose a reason."), field="reason")
    details = (details or "").strip()
    if len(details) > REPORT_DETAILS_MAX_LENGTH:
        raise _error(
            ErrorCode.VALIDATION,
            _("Details can be at most %(max)d characters long.")
            % {"max": REPORT_DETAILS_MAX_LENGTH},
            field="details",
        )
    kind = given[0]
    value = targets[kind]
    if kind == "member":
        if _pk(value, "member") == me.pk:
            raise _error(ErrorCode.SELF_ACTION, field="member")
        target = _visible_member(user, value)
    elif kind == "company":
        target = _visible_company(user, value)
    elif kind == "endorsement":
        target = _visible_endorsement(user, value)
    else:
        target = _visible_recommendation(user, value)
    field = f"target_{kind}"
    with transaction.atomic():
        existing = Report.objects.filter(
            reporter_id=me.pk, state=ReportState.OPEN, **{field: target}
        ).first()
        if existing is not None:
            return existing
        report = Report.objects.create(
            reporter=me, reason=reason, details=details, **{field: target}
        )
        _log(
            report,
            "wagtail_network.report.create",
            user,
            target_type=kind,
            target=target.pk,
            reason=reason,
        )
    return report


def resolve_report(user: Any, report: Any, state: str, note: str = "") -> Report:
    """A moderator closes a report as ``resolved`` or ``dismissed``.

    Errors: ``NOT_FOUND`` (not a moderator, or no such report: reports are visible
    to moderators only), ``VALIDATION`` (``state``).
    """
    _require_user(user)
    if not visibility.can_moderate(user):
        raise _error(ErrorCode.NOT_FOUND, field="report")
    if state not in (ReportState.RESOLVED, ReportState.DISMISSED):
        raise _error(ErrorCode.VALIDATION, _("Choose resolved or dismissed."), field="state")
    pk = _pk(report, "report")
    with transaction.atomic():
        obj = Report.objects.select_for_update().filter(pk=pk).first()
        if obj is None:
            raise _error(ErrorCode.NOT_FOUND, field="report")
        previous = obj.state
        obj.state = state
        obj.handled_at = timezone.now()
        obj.handled_by = user
        obj.resolution_note = (note or "").strip()
        obj.save(update_fields=["state", "handled_at", "handled_by", "resolution_note"])
        _log(obj, "wagtail_network.report.resolve", user, previous_state=previous, state=state)
    return obj


# --------------------------------------------------------------------------
# Company relationships
# --------------------------------------------------------------------------


def _is_company_admin(user: Any, company: CompanyPage) -> bool:
    """A per-object (guardian) grant on this very company; global permissions do not count."""
    return visibility.administered_companies(user).filter(pk=company.pk).exists()


def _is_editor(user: Any, company: CompanyPage) -> bool:
    """A Wagtail editor of the company page, other than through a company-admin grant.

    Company admins may also be able to edit their page through Wagtail (the admin
    wires guardian grants into the page permission policy), so being able to edit
    the page alone does not make someone an editor here.
    """
    if not visibility.is_authenticated(user):
        return False
    if user.is_superuser:
        return True
    if _is_company_admin(user, company):
        return False
    return bool(company.permissions_for_user(user).can_edit())


def propose_company_relationship(
    user: Any, from_company: Any, to_company: Any, kind: str
) -> CompanyRelationship:
    """Declare that ``from_company`` is ``kind`` of ``to_company``.

    By an admin of ``from_company`` (confirmed on that side; the other side's
    admins confirm) or by an editor (confirmed by the editor at once).
    Idempotent per (from, to, kind). Errors: ``NOT_FOUND``, ``SELF_ACTION``,
    ``VALIDATION`` (``kind``), ``PERMISSION_DENIED``.
    """
    _require_user(user)
    if kind not in CompanyRelationshipKind.values:
        raise _error(ErrorCode.VALIDATION, _("Choose a kind of relationship."), field="kind")
    source = _visible_company(user, from_company, "from_company")
    target = _visible_company(user, to_company, "to_company")
    if source.pk == target.pk:
        raise _error(ErrorCode.SELF_ACTION, field="to_company")
    is_admin = _is_company_admin(user, source)
    is_editor = not is_admin and _is_editor(user, source)
    if not (is_admin or is_editor):
        raise _error(ErrorCode.PERMISSION_DENIED)
    with transaction.atomic():
        rel, created = _get_or_create(
            CompanyRelationship,
            defaults={"confirmed_by_from": is_admin, "confirmed_by_editor": is_editor},
            from_company_id=source.pk,
            to_company_id=target.pk,
            kind=kind,
        )
        if not created:
            changed = []
            if is_admin and not rel.confirmed_by_from:
                rel.confirmed_by_from = True
                changed.append("confirmed_by_from")
            if is_editor and not rel.confirmed_by_editor:
                rel.confirmed_by_editor = True
                changed.append("confirmed_by_editor")
            if not changed:
                return rel
            rel.save(update_fields=changed)
        _log(
            rel,
            "wagtail_network.company_relationship.propose",
            user,
            from_company=source.pk,
            to_company=target.pk,
            kind=kind,
            as_editor=is_editor,
        )
    return rel


def _visible_relationship(user: Any, relationship: Any) -> CompanyRelationship:
    _require_user(user)
    pk = _pk(relationship, "relationship")
    obj = (
        visibility.relationships_visible_to(
            user, CompanyRelationship.objects.select_related("from_company", "to_company")
        )
        .filter(pk=pk)
        .first()
    )
    if obj is None:
        raise _error(ErrorCode.NOT_FOUND, field="relationship")
    return obj


def confirm_company_relationship(user: Any, relationship: Any) -> CompanyRelationship:
    """Confirm a relationship: an admin of either side confirms for that side, an
    editor for everyone. Idempotent. Errors: ``NOT_FOUND``, ``PERMISSION_DENIED``."""
    rel = _visible_relationship(user, relationship)
    changed = []
    if _is_company_admin(user, rel.to_company) and not rel.confirmed_by_to:
        rel.confirmed_by_to = True
        changed.append("confirmed_by_to")
    if _is_company_admin(user, rel.from_company) and not rel.confirmed_by_from:
        rel.confirmed_by_from = True
        changed.append("confirmed_by_from")
    is_admin = _is_company_admin(user, rel.to_company) or _is_company_admin(user, rel.from_company)
    if not is_admin:
        if not (_is_editor(user, rel.from_company) or _is_editor(user, rel.to_company)):
            raise _error(ErrorCode.PERMISSION_DENIED)
        if not rel.confirmed_by_editor:
            rel.confirmed_by_editor = True
            changed.append("confirmed_by_editor")
    if not changed:
        return rel
    with transaction.atomic():
        CompanyRelationship.objects.filter(pk=rel.pk).update(**{name: True for name in changed})
        _log(rel, "wagtail_network.company_relationship.confirm", user, sides=changed)
    return rel


def remove_company_relationship(user: Any, relationship: Any) -> None:
    """Remove a relationship (an admin of either side, or an editor)."""
    rel = _visible_relationship(user, relationship)
    allowed = any(
        _is_company_admin(user, c) or _is_editor(user, c)
        for c in (rel.from_company, rel.to_company)
    )
    if not allowed:
        raise _error(ErrorCode.PERMISSION_DENIED)
    with transaction.atomic():
        _log(
            rel,
            "wagtail_network.company_relationship.remove",
            user,
            from_company=rel.from_company_id,
            to_company=rel.to_company_id,
            kind=rel.kind,
        )
        rel.delete()


# --------------------------------------------------------------------------
# Profiles and company pages
# --------------------------------------------------------------------------

#: Plain fields a member may set on their own profile.
PROFILE_TEXT_FIELDS = (
    "title",
    "headline",
    "city",
    "country",
    "languages",
    "contact_email",
    "contact_phone",
)
PROFILE_BOOL_FIELDS = tuple(MemberPage.OPEN_TO_FIELDS.values())
PROFILE_VISIBILITY_FIELDS = (
    "profile_visibility",
    "email_visibility",
    "phone_visibility",
    "connections_visibility",
    "positions_visibility",
)
PROFILE_FIELDS = frozenset(
    PROFILE_TEXT_FIELDS
    + PROFILE_BOOL_FIELDS
    + PROFILE_VISIBILITY_FIELDS
    + ("name", "bio", "industry", "skills", "interests", "open_to", "positions")
    + ("education", "links")
)

COMPANY_TEXT_FIELDS = (
    "title",
    "tagline",
    "city",
    "country",
    "website",
    "contact_email",
    "size_range",
)
COMPANY_FIELDS = frozenset(
    COMPANY_TEXT_FIELDS + ("name", "description", "industry", "founded_year", "specialities")
)

_PARAGRAPHS = re.compile(r"\n\s*\n")


def plain_text_to_rich_text(text: str) -> str:
    """Rich text from plain text: escaped paragraphs.

    Members and company admins send plain text over the API; accepting their HTML
    as Wagtail rich text would let anyone inject markup into pages.
    """
    text = (text or "").strip()
    if not text:
        return ""
    parts = [p.strip() for p in _PARAGRAPHS.split(text) if p.strip()]
    return "".join(
        "<p>" + "<br/>".join(html.escape(line) for line in p.splitlines()) + "</p>" for p in parts
    )


def _validation_from(exc: ValidationError, prefix: str = "") -> NetworkError:
    """The first message of a Django ``ValidationError`` as a typed error."""
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        message = errors[0].messages[0] if errors else exc.messages[0]
        if field == "__all__":
            field = None
        return _error(ErrorCode.VALIDATION, message, field=f"{prefix}{field}" if field else None)
    return _error(ErrorCode.VALIDATION, exc.messages[0] if exc.messages else None)


def _resolve_vocab(model: type[models.Model], value: Any, field: str):
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    obj = None
    if isinstance(value, int) and not isinstance(value, bool):
        obj = model.objects.filter(pk=value).first()
    elif isinstance(value, str):
        obj = model.objects.filter(slug=value).first()
        if obj is None and value.isdigit():
            obj = model.objects.filter(pk=int(value)).first()
    if obj is None:
        raise _error(ErrorCode.VALIDATION, _("Unknown value."), field=field)
    return obj


def _member_directory() -> MemberIndexPage:
    setting = get_setting("MEMBER_DIRECTORY")
    qs = MemberIndexPage.objects.all()
    if setting in (None, ""):
        directory = qs.live().order_by("path").first()
    elif isinstance(setting, int) or (isinstance(setting, str) and setting.isdigit()):
        directory = qs.filter(pk=int(setting)).first()
    else:
        directory = qs.filter(slug=setting).order_by("path").first()
    if directory is None:
        raise _error(
            ErrorCode.INVALID_STATE,
            _("This site has no member directory to join yet."),
        )
    return directory


def _unique_slug(parent, base: str) -> str:
    from wagtail.models import Page

    base = (slugify(base, allow_unicode=True) or "member")[:200]
    taken = set(
        Page.objects.child_of(parent).filter(slug__startswith=base).values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_locks(fields: dict[str, Any], current: MemberPage | None) -> None:
    """A visibility the site locked cannot be chosen differently."""
    locked_profile = get_setting("LOCKED_PROFILE_VISIBILITY")
    if (
        locked_profile
        and "profile_visibility" in fields
        and fields["profile_visibility"] != locked_profile
    ):
        raise _error(
            ErrorCode.VALIDATION,
            _("The site decides who can see profiles."),
            field="profile_visibility",
        )
    locks = get_setting("LOCKED_FIELD_VISIBILITY") or {}
    for name, audience in locks.items():
        key = f"{name}_visibility"
        if key in fields and fields[key] != audience:
            raise _error(
                ErrorCode.VALIDATION,
                _("The site decides who can see this."),
                field=key,
            )


def _apply_profile_fields(page: MemberPage, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name in ("title", "name"):
            page.title = (value or "").strip()
        elif name in PROFILE_TEXT_FIELDS:
            setattr(page, name, (value or "").strip())
        elif name in PROFILE_BOOL_FIELDS:
            setattr(page, name, bool(value))
        elif name in PROFILE_VISIBILITY_FIELDS:
            setattr(page, name, value)
        elif name == "bio":
            page.bio = plain_text_to_rich_text(value)
        elif name == "industry":
            page.industry = _resolve_vocab(Industry, value, "industry")
        elif name == "skills":
            page.skills = [_resolve_vocab(Skill, v, "skills") for v in (value or [])]
        elif name == "interests":
            page.interests.set([str(v).strip() for v in (value or []) if str(v).strip()])
        elif name == "open_to":
            values = set(value or [])
            unknown = values - set(OpenTo.values)
            if unknown:
                raise _error(ErrorCode.VALIDATION, _("Unknown choice."), field="open_to")
            for choice, attr in MemberPage.OPEN_TO_FIELDS.items():
                setattr(page, attr, choice in values)
        elif name == "positions":
            page.positions = _positions(page, value or [])
        elif name == "education":
            page.education = _children(Education, value or [], "education")
        elif name == "links":
            page.links = _children(MemberLink, value or [], "links")


def _children(model: type[models.Model], rows: list[dict], field: str) -> list:
    allowed = {
        Education: ("school", "degree", "field_of_study", "start_year", "end_year"),
        MemberLink: ("label", "url"),
    }[model]
    result = []
    for i, row in enumerate(rows):
        unknown = set(row) - set(allowed) - {"id"}
        if unknown:
            raise _error(ErrorCode.VALIDATION, _("Unknown field."), field=f"{field}.{i}")
        obj = model(**{k: v for k, v in row.items() if k in allowed})
        try:
            obj.full_clean(
                exclude=["member", "sort_order"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            raise _validation_from(exc, prefix=f"{field}.{i}.") from None
        result.append(obj)
    return result


POSITION_FIELDS = ("company", "company_name", "title", "start_date", "end_date", "is_current")


def _positions(page: MemberPage, rows: list[dict]) -> list[Position]:
    """The member's positions, replaced by ``rows``.

    A row with the ``id`` of an existing position keeps its confirmation unless
    the company, title or start date changed: a company admin confirmed those.
    """
    existing = {p.pk: p for p in Position.objects.filter(member_id=page.pk)} if page.pk else {}
    result = []
    for i, row in enumerate(rows):
        unknown = set(row) - set(POSITION_FIELDS) - {"id"}
        if unknown:
            raise _error(ErrorCode.VALIDATION, _("Unknown field."), field=f"positions.{i}")
        values = {k: v for k, v in row.items() if k in POSITION_FIELDS}
        if values.get("company") not in (None, ""):
            company = values["company"]
            pk = _pk(company, f"positions.{i}.company")
            # Any live company may be claimed; drafts only by those who see them.
            found = CompanyPage.objects.live().filter(pk=pk).first()
            if found is None:
                raise _error(ErrorCode.NOT_FOUND, field=f"positions.{i}.company")
            values["company"] = found
        else:
            values["company"] = None
        old = existing.get(_pk(row["id"])) if row.get("id") not in (None, "") else None
        position = Position(**values)
        if old is not None:
            position.pk = old.pk
            if (
                old.company_id == (position.company.pk if position.company else None)
                and old.title == position.title
                and old.start_date == position.start_date
            ):
                position.verified_at = old.verified_at
                position.verified_by_id = old.verified_by_id
        if not position.company and not (position.company_name or "").strip():
            raise _error(
                ErrorCode.VALIDATION,
                _("Choose a company or type its name."),
                field=f"positions.{i}.company_name",
            )
        try:
            position.full_clean(
                exclude=["member", "sort_order"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            raise _validation_from(exc, prefix=f"positions.{i}.") from None
        if position.start_date and position.end_date and position.end_date < position.start_date:
            raise _error(
                ErrorCode.VALIDATION,
                _("A position ends after it starts."),
                field=f"positions.{i}.end_date",
            )
        result.append(position)
    return result


def _carry_verifications(page: MemberPage) -> None:
    """Keep confirmations made since the revision being edited was saved.

    Confirmations are written straight to the position rows; a revision saved
    earlier still holds the unconfirmed copy, and publishing it would undo them.
    """
    current = {
        p.pk: (p.verified_at, p.verified_by_id) for p in Position.objects.filter(member_id=page.pk)
    }
    for position in page.positions.all():
        if position.pk in current and position.verified_at is None:
            position.verified_at, position.verified_by_id = current[position.pk]


def _save_and_publish(page, user: Any, publish: bool):
    """Save a revision and publish it through Wagtail, so revisions, the audit log
    and the page signals all record the change."""
    try:
        revision = page.save_revision(user=user, log_action=True)
    except ValidationError as exc:
        raise _validation_from(exc) from None
    if publish:
        # The service layer has already decided who may change this page; the
        # member has no Wagtail page permissions on their own profile.
        revision.publish(user=user, skip_permission_checks=True)
    return revision


@contextmanager
def _title_as_name(fields: dict[str, Any]):
    """Report errors about the page title under ``name`` when the caller said ``name``."""
    try:
        yield
    except NetworkError as exc:
        if exc.field == "title" and "name" in fields:
            exc.field = "name"
        raise


def update_my_profile(user: Any, /, **fields: Any) -> MemberPage:
    """Create or edit the user's own member profile.

    Without a profile the user joins the network: a new profile is placed under
    the member directory (setting ``MEMBER_DIRECTORY``) and is published at once
    or left as a draft for an editor (``NEW_PROFILES_LIVE``). Every change is a
    revision, published through Wagtail. ``bio`` is plain text; ``skills`` a list
    of skill slugs or ids; ``industry`` a slug or id; ``open_to`` a list of
    :class:`OpenTo` values; ``positions``/``education``/``links`` replace the
    lists (rows may carry their ``id``). Errors: ``UNAUTHENTICATED``,
    ``VALIDATION`` with ``field`` (unknown field, invalid value, locked
    visibility).
    """
    _require_user(user)
    unknown = sorted(set(fields) - PROFILE_FIELDS)
    if unknown:
        raise _error(ErrorCode.VALIDATION, _("Unknown field."), field=unknown[0])
    _check_locks(fields, None)
    with _title_as_name(fields), transaction.atomic():
        # One profile per user even when two requests join at once: the second
        # waits for the first and then edits the profile it created.
        # (The user model from settings, not type(user): request.user is a lazy proxy.)
        list(
            get_user_model()
            ._default_manager.select_for_update()
            .filter(pk=user.pk)
            .values_list("pk", flat=True)
        )
        member = MemberPage.objects.filter(user_id=user.pk).first()
        if member is None:
            page = _create_profile(user, fields)
        else:
            page = _edit_profile(user, member, fields)
    _changed(user)
    return MemberPage.objects.get(pk=page.pk)


def _create_profile(user: Any, fields: dict[str, Any]) -> MemberPage:
    from wagtail.models import Page

    directory = _member_directory()
    # Joins add children to one directory: serialise them, so that treebeard's
    # next path and the free slug are computed from what the previous join wrote
    # (two concurrent add_child calls would compute the same path).
    list(Page.objects.select_for_update().filter(pk=directory.pk).values_list("pk", flat=True))
    directory = MemberIndexPage.objects.get(pk=directory.pk)
    title = (fields.get("title") or fields.get("name") or "").strip()
    if not title:
        title = (user.get_full_name() or user.get_username()).strip()
    page = MemberPage(title=title, user=user, owner=user, live=False)
    if get_setting("LOCKED_PROFILE_VISIBILITY"):
        page.profile_visibility = get_setting("LOCKED_PROFILE_VISIBILITY")
    for name, audience in (get_setting("LOCKED_FIELD_VISIBILITY") or {}).items():
        setattr(page, f"{name}_visibility", audience)
    if "contact_email" not in fields and getattr(user, "email", ""):
        page.contact_email = user.email
    _apply_profile_fields(page, fields)
    page.slug = _unique_slug(directory, page.title)
    try:
        directory.add_child(instance=page)
    except ValidationError as exc:
        raise _validation_from(exc) from None
    _save_and_publish(page, user, publish=bool(get_setting("NEW_PROFILES_LIVE")))
    _log(page, "wagtail_network.profile.join", user, member=page.pk)
    return page


def _edit_profile(user: Any, member: MemberPage, fields: dict[str, Any]) -> MemberPage:
    _lock_members(member.pk)
    current = MemberPage.objects.get(pk=member.pk)
    page = current.get_latest_revision_as_object()
    _carry_verifications(page)
    _apply_profile_fields(page, fields)
    # The page's own URL identity is not the member's to change here.
    page.slug = current.slug
    page.user = user
    _save_and_publish(page, user, publish=current.live)
    return page


def update_company(user: Any, company: Any, /, **fields: Any) -> CompanyPage:
    """Edit a company page: its admins (guardian grants), editors and superusers.

    ``description`` is plain text; ``industry`` a slug or id; ``specialities`` a
    list of tags. The change is saved as a revision and published (drafts stay
    drafts). Errors: ``NOT_FOUND`` (not visible), ``PERMISSION_DENIED`` (visible,
    not editable), ``VALIDATION`` with ``field``.
    """
    _require_user(user)
    target = _visible_company(user, company)
    if not visibility.can_edit_company(user, target):
        raise _error(ErrorCode.PERMISSION_DENIED)
    unknown = sorted(set(fields) - COMPANY_FIELDS)
    if unknown:
        raise _error(ErrorCode.VALIDATION, _("Unknown field."), field=unknown[0])
    with _title_as_name(fields), transaction.atomic():
        current = CompanyPage.objects.select_for_update(of=("self",)).get(pk=target.pk)
        page = current.get_latest_revision_as_object()
        for name, value in fields.items():
            if name in ("title", "name"):
                page.title = (value or "").strip()
            elif name in COMPANY_TEXT_FIELDS:
                setattr(page, name, (value or "").strip())
            elif name == "description":
                page.description = plain_text_to_rich_text(value)
            elif name == "industry":
                page.industry = _resolve_vocab(Industry, value, "industry")
            elif name == "founded_year":
                page.founded_year = value if value not in ("", None) else None
            elif name == "specialities":
                page.specialities.set([str(v).strip() for v in (value or []) if str(v).strip()])
        page.slug = current.slug
        _save_and_publish(page, user, publish=current.live)
    visibility.clear_viewer_cache(user)
    return CompanyPage.objects.get(pk=target.pk)


__all__ = [
    "accept_connection",
    "block_member",
    "blocked_members",
    "confirm_company_relationship",
    "confirm_position",
    "connection_status",
    "connection_statuses",
    "degree",
    "degrees",
    "delete_endorsement",
    "delete_recommendation",
    "endorse_skill",
    "follow_company",
    "ignore_connection",
    "invitation_state_for",
    "invitations_received",
    "invitations_sent",
    "moderate_endorsement",
    "moderate_recommendation",
    "plain_text_to_rich_text",
    "propose_company_relationship",
    "remove_company_relationship",
    "remove_connection",
    "report_content",
    "request_connection",
    "resolve_report",
    "respond_to_recommendation",
    "set_endorsement_hidden",
    "unblock_member",
    "unfollow_company",
    "unverify_position",
    "update_company",
    "update_my_profile",
    "withdraw_connection_request",
    "withdraw_endorsement",
]
