"""What every service shares: resolving the actor and targets through the visibility
rules, row locks, history and audit-log entries, and the one way the viewer's
cached facts are invalidated after a change."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry

from .. import limits, log_actions, visibility
from ..conf import rate_limit
from ..errors import ErrorCode, NetworkError
from ..models import (
    LIVE_CONNECTION_STATES,
    Block,
    CompanyPage,
    Connection,
    ConnectionEdge,
    ConnectionEvent,
    MemberPage,
    Report,
    Skill,
)
from ..suggestion_pool import forget_suggestions
from ..viewer import Viewer, user_of


def _error(code: ErrorCode, message: Any = None, field: str | None = None) -> NetworkError:
    return NetworkError(code, message, field=field)


def _require_choice(
    value: Any, choices: type[models.TextChoices], message: Any, field: str
) -> None:
    """``VALIDATION`` on ``field`` unless ``value`` is one of ``choices``."""
    if value not in choices.values:
        raise _error(ErrorCode.VALIDATION, message, field=field)


def _text_within(value: Any, max_length: int, too_long: Any, field: str) -> str:
    """``value`` stripped (``None`` reads as empty); ``VALIDATION`` on ``field`` when
    it is longer than ``max_length`` (``too_long`` names the limit as ``%(max)d``)
    or holds a control character (:func:`wagtail_network.limits.check_text`)."""
    text = limits.check_text(value, None, field)
    if len(text) > max_length:
        raise _error(ErrorCode.VALIDATION, too_long % {"max": max_length}, field=field)
    return text


def _delete_logged(viewer: Viewer, obj: Any, action: str, **data: Any) -> None:
    """Delete ``obj`` and log ``action`` in one transaction: the audit log keeps the fact."""
    with transaction.atomic():
        _log(obj, action, viewer, **data)
        obj.delete()


def _pk(value: Any, field: str | None = None) -> int:
    """A primary key from an instance or an id; garbage, and numbers no row can
    have (:func:`wagtail_network.limits.bounded_pk`), read as "not found"."""
    if isinstance(value, models.Model):
        if value.pk is None:
            raise _error(ErrorCode.NOT_FOUND, field=field)
        return int(value.pk)
    pk = limits.bounded_pk(value)
    if pk is None:
        raise _error(ErrorCode.NOT_FOUND, field=field)
    return pk


def _actor(user: Any, *, live: bool = True) -> MemberPage:
    """The acting user's member profile.

    ``live``: the action reaches other members (inviting, endorsing, …), which a
    profile still waiting for an editor may not do yet.
    """
    viewer = Viewer.of(user)
    if not visibility.is_authenticated(viewer):
        raise _error(ErrorCode.UNAUTHENTICATED)
    member = visibility.viewer_member(viewer)
    if member is None:
        raise _error(ErrorCode.NO_PROFILE)
    if live and not member.live:
        raise _error(ErrorCode.NO_PROFILE, _("Your profile is not published yet."))
    return member


def _require_user(user: Any) -> None:
    viewer = Viewer.of(user)
    if not visibility.is_authenticated(viewer):
        raise _error(ErrorCode.UNAUTHENTICATED)


def _other_member_pk(me: MemberPage, member: Any) -> int:
    """The pk of the member acted on; ``SELF_ACTION`` when that is the actor."""
    other_pk = _pk(member, "member")
    if other_pk == me.pk:
        raise _error(ErrorCode.SELF_ACTION, field="member")
    return other_pk


def _visible_one(user: Any, visible_to: Callable[[Viewer], QuerySet], obj: Any, field: str) -> Any:
    """The row of ``visible_to(viewer)`` that ``obj`` (instance or pk) names; otherwise
    ``NOT_FOUND``, so an invisible row and a missing one answer alike."""
    viewer = Viewer.of(user)
    pk = _pk(obj, field)
    target = visible_to(viewer).filter(pk=pk).first()
    if target is None:
        raise _error(ErrorCode.NOT_FOUND, field=field)
    return target


def _visible_member(user: Any, member: Any, field: str = "member") -> MemberPage:
    """The target member, if the user may see it; otherwise ``NOT_FOUND``."""
    return _visible_one(user, visibility.members_visible_to, member, field)


def _visible_company(user: Any, company: Any, field: str = "company") -> CompanyPage:
    """The target company, if the user may see it; otherwise ``NOT_FOUND``."""
    return _visible_one(user, visibility.companies_visible_to, company, field)


def _not_found_or(user: Any, member_pk: int, code: ErrorCode) -> NetworkError:
    """``code`` for a member the user sees, ``NOT_FOUND`` for one they do not.

    Used where the relation row that the action needs is missing: answering
    "not connected" about an invisible member would confirm that it exists.
    """
    viewer = Viewer.of(user)
    if visibility.members_visible_to(viewer).filter(pk=member_pk).exists():
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


def _skill_named(name: str) -> tuple[Skill, bool]:
    """The skill called ``name`` (case-insensitively), created with a free slug when
    the vocabulary lacks it; and whether it was created. The one way a name a member
    or an editor typed becomes a vocabulary term (``NEW_SKILLS = "create"``, an
    accepted suggestion)."""
    skill = Skill.objects.filter(name__iexact=name).first()
    if skill is not None:
        return skill, False
    slug = slugify(name, allow_unicode=True)[:100] or "skill"
    base, n = slug, 1
    while Skill.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base[:95]}-{n}"
    return Skill.objects.create(name=name, slug=slug), True


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
    # Every change of a connection's state passes here: both members' suggestions
    # must be recomputed (the one place for invitations and connections).
    forget_suggestions(connection.member_low_id, connection.member_high_id)


#: The audit-log actions that send a recommendation to its recipient: a new one
#: and a rewrite (which asks the recipient again).
RECOMMENDATION_SENT_ACTIONS = (
    "wagtail_network.recommendation.write",
    "wagtail_network.recommendation.update",
)


def _actions_in_window(kind: str, me: MemberPage, user: Any, since: Any) -> int:
    """How many actions of ``kind`` the member took since ``since``, counted from
    rows their own later actions cannot remove: every invitation is a Connection
    row that stays (withdrawn, ignored, removed, ended by a block) and is only
    deleted with an erased account; every report stays for the moderators;
    recommendations can go (deleted by a block, rewritten in place), so they are
    counted from the audit log, which keeps every write and rewrite."""
    if kind == "invitations":
        return Connection.objects.filter(requester_id=me.pk, created_at__gte=since).count()
    if kind == "reports":
        return Report.objects.filter(reporter_id=me.pk, created_at__gte=since).count()
    from wagtail.models import ModelLogEntry

    return ModelLogEntry.objects.filter(
        user_id=user_of(user).pk, action__in=RECOMMENDATION_SENT_ACTIONS, timestamp__gte=since
    ).count()


def _check_rate_limit(user: Any, me: MemberPage, kind: str) -> None:
    """``RATE_LIMITED`` when the member has already taken ``WAGTAIL_NETWORK
    ["RATE_LIMITS"][kind]["count"]`` actions of ``kind`` in its window.

    Call it inside the write's transaction, after the member's row is locked
    (:func:`_lock_members`): every limited action locks the actor's row, so two
    requests by one member count one after the other and cannot both pass on
    the last free slot.
    """
    limit = rate_limit(kind)
    if limit is None:
        return
    since = timezone.now() - timedelta(seconds=int(limit["window"]))
    if _actions_in_window(kind, me, user, since) >= int(limit["count"]):
        raise _error(ErrorCode.RATE_LIMITED)


#: The lists :func:`recorded_changes` collects into, innermost last.
_recorders: ContextVar[tuple[list[str], ...]] = ContextVar(
    "wagtail_network_recorded_changes", default=()
)


@contextlib.contextmanager
def recorded_changes() -> Iterator[list[str]]:
    """Collect the audit-log actions the service calls inside this block write.

    The rule of the service layer: an action whose target is already in the
    requested state (approving what is live, resolving what is resolved, granting
    a grant held) changes nothing and writes nothing — no save, no audit entry, no
    notification — and answers success all the same. So an empty list afterwards
    means "already so": bulk actions count only the items that changed, and
    one-object screens say "already approved". Entries of a transaction that is
    rolled back stay in the list; callers count only calls that succeeded.
    """
    actions: list[str] = []
    token = _recorders.set((*_recorders.get(), actions))
    try:
        yield actions
    finally:
        _recorders.reset(token)


def _log(instance: Any, action: str, user: Any, **data: Any) -> None:
    # Wagtail validates log entries against its registry of actions. The app's
    # wagtail_hooks registers ours; registering here too keeps the service layer
    # working where that hook is not (yet) loaded, e.g. in a host's custom setup.
    if not log_registry.action_exists(action):
        log_actions.register(log_registry)
    # ``user=None``: setup code with no user (a management command); the entry names nobody.
    log(instance, action, user=user_of(user) if user is not None else None, data=data)
    _record(action)


def _record(action: str) -> None:
    """Tell :func:`recorded_changes` that an audit entry was written."""
    for actions in _recorders.get():
        actions.append(action)


def _changed(user: Any) -> None:
    """The one place the service layer invalidates what a viewer has looked up:
    called after every change, with the viewer the caller passed (a fresh
    :class:`~wagtail_network.viewer.Viewer` made from a plain user has nothing to forget)."""
    Viewer.of(user).refresh()


def _get_or_create(model: type[models.Model], defaults: dict | None = None, **lookup):
    """``get_or_create`` that survives a concurrent insert of the same row."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is not None:
        return obj, False
    try:
        with transaction.atomic():
            return model._default_manager.create(**lookup, **(defaults or {})), True
    except IntegrityError:
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            raise
        return obj, False


def _connected(a: int, b: int) -> bool:
    return ConnectionEdge.objects.filter(member_id=a, other_id=b).exists()


def _require_moderator(user: Any, visible: bool) -> None:
    """Moderators only; others get ``PERMISSION_DENIED`` for what they see and
    ``NOT_FOUND`` for what they do not."""
    viewer = Viewer.of(user)
    _require_user(viewer)
    if not visibility.can_moderate(viewer):
        raise _error(ErrorCode.PERMISSION_DENIED if visible else ErrorCode.NOT_FOUND)


def _is_company_admin(user: Any, company: CompanyPage) -> bool:
    """A per-object (guardian) grant on this very company; global permissions do not count."""
    viewer = Viewer.of(user)
    return visibility.administered_companies(viewer).filter(pk=company.pk).exists()


def _is_editor(user: Any, company: CompanyPage) -> bool:
    """A Wagtail editor of the company page, other than through a company-admin grant.

    Company admins may also be able to edit their page through Wagtail (the admin
    wires guardian grants into the page permission policy), so being able to edit
    the page alone does not make someone an editor here.
    """
    viewer = Viewer.of(user)
    if not visibility.is_authenticated(viewer):
        return False
    if viewer.user.is_superuser:
        return True
    if _is_company_admin(viewer, company):
        return False
    return bool(company.permissions_for_user(viewer.user).can_edit())
