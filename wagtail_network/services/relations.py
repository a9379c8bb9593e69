"""Blocks between members, dismissed suggestions and follows of companies."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q

from .. import notifications, visibility
from ..errors import ErrorCode
from ..models import (
    Block,
    Endorsement,
    Follow,
    MemberPage,
    Recommendation,
    SuggestionDismissal,
)
from ..suggestion_pool import forget_suggestions
from ..viewer import Viewer
from .base import (
    _actor,
    _changed,
    _error,
    _get_or_create,
    _live_connection,
    _lock_members,
    _log,
    _other_member_pk,
    _pk,
    _visible_company,
    _visible_member,
)
from .connections import _end_connection


def block_member(user: Any, member: Any) -> Block:
    """Block ``member``. Idempotent.

    Effects, in one transaction: any connection and open invitation between the
    two ends (accepted → removed, open → withdrawn; history kept); endorsements and
    recommendations between them, either way, are deleted (logged); from then on
    neither can see, invite, endorse or recommend the other.
    """
    viewer = Viewer.of(user)
    me = _actor(viewer, live=False)
    other_pk = _other_member_pk(me, member)
    existing = Block.objects.filter(blocker_id=me.pk, blocked_id=other_pk).first()
    if existing is not None:
        return existing
    if _live_connection(me.pk, other_pk, lock=False) is not None:
        # Whoever invited (or is connected to) the actor can be blocked even if
        # their profile is hidden from the actor: that is who blocking is for.
        target = MemberPage.objects.get(pk=other_pk)
    else:
        target = _visible_member(viewer, other_pk)
    with transaction.atomic():
        _lock_members(me.pk, target.pk)
        block, created = _get_or_create(Block, blocker_id=me.pk, blocked_id=target.pk)
        if not created:
            return block
        live = _live_connection(me.pk, target.pk)
        if live is not None:
            _end_connection(
                viewer, me, live, action="wagtail_network.connection.remove", block=True
            )
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
        # What either was told about the other goes too (the lists hide it
        # already; deleting it keeps the unread count exact).
        notifications.forget_between(me.pk, target.pk)
        _log(
            block,
            "wagtail_network.block",
            viewer,
            blocker=me.pk,
            blocked=target.pk,
            ended_connection=live.pk if live else None,
            deleted_endorsements=endorsement_ids,
            deleted_recommendations=recommendation_ids,
        )
        forget_suggestions(me.pk, target.pk)
    _changed(viewer)
    return block


def unblock_member(user: Any, member: Any) -> None:
    """Lift the actor's block of ``member``. Nothing removed by the block comes back.

    Errors: ``NOT_FOUND`` (the actor has not blocked this member).
    """
    viewer = Viewer.of(user)
    me = _actor(viewer, live=False)
    other_pk = _pk(member, "member")
    with transaction.atomic():
        block = (
            Block.objects.select_for_update().filter(blocker_id=me.pk, blocked_id=other_pk).first()
        )
        if block is None:
            raise _error(ErrorCode.NOT_FOUND, field="member")
        _log(block, "wagtail_network.unblock", viewer, blocker=me.pk, blocked=other_pk)
        block.delete()
        forget_suggestions(me.pk, other_pk)
    _changed(viewer)


def blocked_members(user: Any):
    """The members the user blocked (the one place the blocker still sees them)."""
    viewer = Viewer.of(user)
    me = visibility.viewer_member_id(viewer)
    if me is None:
        return MemberPage.objects.none()
    return MemberPage.objects.filter(
        pk__in=Block.objects.filter(blocker_id=me).values("blocked_id")
    )


def dismiss_suggestion(user: Any, member: Any) -> SuggestionDismissal:
    """Never suggest ``member`` to the actor again ("people you may know" → Dismiss).

    Idempotent: a second dismissal returns the first. Any member the actor sees may
    be dismissed, suggested right now or not (a stale page must not fail). The
    dismissed member is told nothing; the row is in the actor's data export and is
    erased with either account.

    Errors: ``UNAUTHENTICATED``, ``NO_PROFILE``, ``SELF_ACTION``, ``NOT_FOUND``
    (missing, or not visible to the actor).
    """
    viewer = Viewer.of(user)
    # A draft profile gets suggestions too (viewer_member covers drafts).
    me = _actor(viewer, live=False)
    other_pk = _other_member_pk(me, member)
    existing = SuggestionDismissal.objects.filter(member_id=me.pk, dismissed_id=other_pk).first()
    if existing is not None:
        return existing
    target = _visible_member(viewer, other_pk)
    with transaction.atomic():
        dismissal, created = _get_or_create(
            SuggestionDismissal, member_id=me.pk, dismissed_id=target.pk
        )
        if created:
            _log(
                dismissal,
                "wagtail_network.suggestion.dismiss",
                viewer,
                member=me.pk,
                dismissed=target.pk,
            )
            forget_suggestions(me.pk)
    _changed(viewer)
    return dismissal


def follow_company(user: Any, company: Any) -> Follow:
    """Follow ``company`` (idempotent)."""
    viewer = Viewer.of(user)
    me = _actor(viewer)
    target = _visible_company(viewer, company)
    with transaction.atomic():
        follow, created = _get_or_create(Follow, member_id=me.pk, company_id=target.pk)
        if created:
            _log(follow, "wagtail_network.follow", viewer, member=me.pk, company=target.pk)
    return follow


def unfollow_company(user: Any, company: Any) -> None:
    """Stop following ``company`` (idempotent).

    The follow row is the authority: a member can always stop following a company
    that has since been unpublished. Without a follow, an invisible company is
    ``NOT_FOUND``.
    """
    viewer = Viewer.of(user)
    me = _actor(viewer, live=False)
    pk = _pk(company, "company")
    with transaction.atomic():
        follow = Follow.objects.filter(member_id=me.pk, company_id=pk).first()
        if follow is None:
            _visible_company(viewer, pk)
            return
        _log(follow, "wagtail_network.unfollow", viewer, member=me.pk, company=pk)
        follow.delete()
