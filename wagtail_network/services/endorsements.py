"""Skill endorsements and written recommendations, with their moderation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import limits, notifications, visibility
from ..conf import get_setting
from ..errors import ErrorCode
from ..models import (
    Endorsement,
    EndorsementState,
    MemberPage,
    Recommendation,
    RecommendationRelationship,
    RecommendationState,
)
from ..viewer import Viewer
from .base import (
    _actor,
    _check_rate_limit,
    _connected,
    _delete_logged,
    _error,
    _get_or_create,
    _lock_members,
    _log,
    _other_member_pk,
    _pk,
    _require_choice,
    _require_moderator,
    _require_user,
    _resolve_skill,
    _text_within,
    _visible_member,
    _visible_one,
)

RECOMMENDATION_MAX_LENGTH = limits.RECOMMENDATION_MAX_LENGTH
RECOMMENDATION_ACTIONS = ("accept", "decline", "hide", "unhide")


def endorse_skill(user: Any, member: Any, skill: Any) -> Endorsement:
    """Endorse ``member`` for ``skill``.

    Only 1st-degree connections, only a skill the member lists, never oneself; one
    endorsement per (endorser, member, skill) — repeating returns the existing one.
    New endorsements are ``pending`` with ``ENDORSEMENT_MODERATION``, else ``live``.
    Errors: ``SELF_ACTION``, ``NOT_FOUND``, ``NOT_CONNECTED``, ``SKILL_NOT_LISTED``.
    """
    viewer = Viewer.of(user)
    me = _actor(viewer)
    _other_member_pk(me, member)
    target = _visible_member(viewer, member)
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
                viewer,
                endorser=me.pk,
                member=target.pk,
                skill=skill_obj.pk,
                state=endorsement.state,
            )
            if endorsement.state == EndorsementState.LIVE and not _endorsed_before(
                me.pk, target.pk, skill_obj.pk
            ):
                _announce_endorsement(endorsement, me)
    return endorsement


#: An endorsement withdrawn and given again within this time is not announced
#: again (otherwise a connection could mail a member as often as they like).
REANNOUNCE_AFTER = timedelta(days=30)


def _endorsed_before(endorser_pk: int, member_pk: int, skill_pk: int) -> bool:
    """Whether the same endorsement was given before, within :data:`REANNOUNCE_AFTER`
    (the audit log keeps every one, also those withdrawn since)."""
    from wagtail.models import ModelLogEntry

    return (
        ModelLogEntry.objects.filter(
            action="wagtail_network.endorsement.create",
            timestamp__gte=timezone.now() - REANNOUNCE_AFTER,
            data__endorser=endorser_pk,
            data__member=member_pk,
            data__skill=skill_pk,
        ).count()
        > 1  # the one just written
    )


def _announce_endorsement(endorsement: Endorsement, endorser: Any = None) -> None:
    """Tell the member they were endorsed: when it goes live (at once, or when a
    moderator approves it), never while it waits or once rejected."""
    endorser = endorser or endorsement.endorser
    notifications.notify(
        "endorsement_received", [endorsement.member], actor=endorser, endorsement=endorsement
    )


def withdraw_endorsement(user: Any, member: Any, skill: Any) -> None:
    """Withdraw the actor's endorsement of ``member`` for ``skill``.

    Errors: ``NOT_FOUND`` (no such endorsement).
    """
    viewer = Viewer.of(user)
    me = _actor(viewer, live=False)
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
            viewer,
            endorser=me.pk,
            member=other_pk,
            skill=skill_obj.pk,
        )
        endorsement.delete()


def _visible_endorsement(user: Any, endorsement: Any) -> Endorsement:
    return _visible_one(user, visibility.endorsements_visible_to, endorsement, "endorsement")


def set_endorsement_hidden(user: Any, endorsement: Any, hidden: bool) -> Endorsement:
    """The recipient hides (or shows again) an endorsement they received.

    Errors: ``NOT_FOUND``, ``PERMISSION_DENIED`` (visible but not received by the actor).
    """
    viewer = Viewer.of(user)
    me = _actor(viewer, live=False)
    obj = _visible_endorsement(viewer, endorsement)
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
                viewer,
                member=me.pk,
            )
    return obj


def _moderated(user: Any, visible_to: Callable[[Viewer], QuerySet], obj: Any, field: str) -> Any:
    """The endorsement or recommendation a moderator acts on; ``PERMISSION_DENIED``
    for a non-moderator who sees it, ``NOT_FOUND`` for one who does not."""
    viewer = Viewer.of(user)
    _require_user(viewer)
    pk = _pk(obj, field)
    target = visible_to(viewer).filter(pk=pk).first()
    _require_moderator(viewer, target is not None)
    if target is None:
        raise _error(ErrorCode.NOT_FOUND, field=field)
    return target


def _moderated_endorsement(user: Any, endorsement: Any) -> Endorsement:
    return _moderated(user, visibility.endorsements_visible_to, endorsement, "endorsement")


def moderate_endorsement(user: Any, endorsement: Any, approve: bool) -> Endorsement:
    """A moderator approves (→ live) or rejects (→ rejected) an endorsement.

    One already in that state is left as it is: nothing is written or logged.
    """
    viewer = Viewer.of(user)
    obj = _moderated_endorsement(viewer, endorsement)
    state = EndorsementState.LIVE if approve else EndorsementState.REJECTED
    with transaction.atomic():
        # Locked and read again: two moderators deciding at once log one decision.
        current = Endorsement.objects.select_for_update().filter(pk=obj.pk).first()
        if current is None:
            raise _error(ErrorCode.NOT_FOUND, field="endorsement")
        if current.state == state:
            obj.state = state
            return obj
        Endorsement.objects.filter(pk=obj.pk).update(state=state)
        previous, obj.state = current.state, state
        _log(
            obj,
            "wagtail_network.endorsement.approve"
            if approve
            else "wagtail_network.endorsement.reject",
            viewer,
            previous_state=previous,
        )
        if approve:
            _announce_endorsement(
                Endorsement.objects.select_related("member", "endorser").get(pk=obj.pk)
            )
    return obj


def _delete_moderated(
    user: Any,
    visible_to: Callable[[Viewer], QuerySet],
    obj: Any,
    field: str,
    giver: str,
    *more: str,
) -> None:
    """A moderator deletes an endorsement or recommendation (``field``); the audit log
    keeps the fact with the ids of the giver, the member and any ``more`` relations."""
    viewer = Viewer.of(user)
    target = _moderated(viewer, visible_to, obj, field)
    parties = {name: getattr(target, f"{name}_id") for name in (giver, "member", *more)}
    _delete_logged(viewer, target, f"wagtail_network.{field}.delete", **parties)


def delete_endorsement(user: Any, endorsement: Any) -> None:
    """A moderator deletes an endorsement (the audit log keeps the fact)."""
    _delete_moderated(
        user, visibility.endorsements_visible_to, endorsement, "endorsement", "endorser", "skill"
    )


def write_recommendation(user: Any, member: Any, relationship: str, text: str) -> Recommendation:
    """Write (or rewrite) a recommendation for a 1st-degree connection.

    The recommendation waits for its recipient (``pending_recipient``). One per
    author and member: writing again updates a recommendation that is not
    published yet and sends it to the recipient again (the same text and
    relationship while it waits for the recipient changes nothing and logs
    nothing). Errors: ``SELF_ACTION``, ``NOT_FOUND``, ``NOT_CONNECTED``,
    ``VALIDATION`` (``relationship``, ``text``), ``ALREADY_EXISTS`` (a published
    one: the recipient must hide it, or the author ask a moderator),
    ``RATE_LIMITED`` (``RATE_LIMITS["recommendations"]`` sent in the window
    already: new ones and rewrites, whatever became of them since).
    """
    viewer = Viewer.of(user)
    me = _actor(viewer)
    _other_member_pk(me, member)
    _require_choice(
        relationship, RecommendationRelationship, _("Choose a relationship."), "relationship"
    )
    text = _text_within(
        text,
        RECOMMENDATION_MAX_LENGTH,
        _("A recommendation can be at most %(max)d characters long."),
        "text",
    )
    if not text:
        raise _error(ErrorCode.VALIDATION, _("Write the recommendation."), field="text")
    target = _visible_member(viewer, member)
    with transaction.atomic():
        _lock_members(me.pk, target.pk)
        if not _connected(me.pk, target.pk):
            raise _error(ErrorCode.NOT_CONNECTED)
        if not Recommendation.objects.filter(author_id=me.pk, member_id=target.pk).exists():
            # A new one: counted before anything is written (a rewrite is
            # counted below, once it is known to change something).
            _check_rate_limit(viewer, me, "recommendations")
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
            if (
                rec.state == RecommendationState.PENDING_RECIPIENT
                and rec.relationship == relationship
                and rec.text == text
            ):
                # The same recommendation, still waiting: nothing to write or log.
                return rec
            _check_rate_limit(viewer, me, "recommendations")
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
            viewer,
            author=me.pk,
            member=target.pk,
        )
        notifications.notify("recommendation_received", [target], actor=me, recommendation=rec)
    return rec


def _visible_recommendation(user: Any, recommendation: Any) -> Recommendation:
    return _visible_one(
        user, visibility.recommendations_visible_to, recommendation, "recommendation"
    )


def respond_to_recommendation(user: Any, recommendation: Any, action: str) -> Recommendation:
    """The recipient accepts, declines, hides or unhides a recommendation.

    ``accept``: → ``published``, or ``pending_moderation`` with
    ``RECOMMENDATION_MODERATION`` (idempotent once accepted; a declined one may
    still be accepted). ``decline``: only while it waits for the recipient.
    ``hide``/``unhide``: at any time. Errors: ``VALIDATION`` (``action``),
    ``NOT_FOUND``, ``PERMISSION_DENIED`` (not the recipient), ``INVALID_STATE``.
    """
    viewer = Viewer.of(user)
    me = _actor(viewer, live=False)
    if action not in RECOMMENDATION_ACTIONS:
        raise _error(ErrorCode.VALIDATION, _("Unknown action."), field="action")
    obj = _visible_recommendation(viewer, recommendation)
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
            viewer,
            author=rec.author_id,
            member=rec.member_id,
            state=rec.state,
        )
        if action == "accept":
            # Declining, like ignoring an invitation, is never told; hiding neither.
            notifications.notify(
                "recommendation_accepted", [rec.author], actor=me, recommendation=rec
            )
    return rec


def _moderated_recommendation(user: Any, recommendation: Any) -> Recommendation:
    return _moderated(user, visibility.recommendations_visible_to, recommendation, "recommendation")


def moderate_recommendation(user: Any, recommendation: Any, approve: bool) -> Recommendation:
    """A moderator approves (→ published) or rejects (→ rejected) a recommendation.

    Approval needs the recipient's acceptance first (``INVALID_STATE`` otherwise):
    a moderator never publishes what the recipient has not agreed to. One already
    in the requested state is left as it is: nothing is written or logged.
    """
    viewer = Viewer.of(user)
    obj = _moderated_recommendation(viewer, recommendation)
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
            if rec.state == RecommendationState.REJECTED:
                return rec
            rec.state = RecommendationState.REJECTED
        rec.moderated_at = timezone.now()
        rec.moderated_by = viewer.user
        rec.save(update_fields=["state", "moderated_at", "moderated_by"])
        _log(
            rec,
            "wagtail_network.recommendation.approve"
            if approve
            else "wagtail_network.recommendation.reject",
            viewer,
            previous_state=previous,
        )
    return rec


def delete_recommendation(user: Any, recommendation: Any) -> None:
    """A moderator deletes a recommendation (the audit log keeps the fact)."""
    _delete_moderated(
        user, visibility.recommendations_visible_to, recommendation, "recommendation", "author"
    )
