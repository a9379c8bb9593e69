"""Reports of profiles and recommendations to moderators, and their resolution."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import limits, notifications, visibility
from ..errors import ErrorCode
from ..models import (
    Report,
    ReportReason,
    ReportState,
)
from ..viewer import Viewer
from .base import (
    _actor,
    _check_rate_limit,
    _error,
    _lock_members,
    _log,
    _pk,
    _require_choice,
    _require_user,
    _text_within,
    _visible_company,
    _visible_member,
)
from .endorsements import _visible_endorsement, _visible_recommendation

REPORT_DETAILS_MAX_LENGTH = limits.REPORT_DETAILS_MAX_LENGTH


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
    ``SELF_ACTION`` (reporting one's own profile), ``RATE_LIMITED`` (the
    ``RATE_LIMITS["reports"]`` of the last window made already).
    """
    viewer = Viewer.of(user)
    me = _actor(viewer, live=False)
    targets = {
        "member": member,
        "company": company,
        "endorsement": endorsement,
        "recommendation": recommendation,
    }
    given = [name for name, value in targets.items() if value is not None]
    if len(given) != 1:
        raise _error(ErrorCode.VALIDATION, _("Report exactly one thing."), field="target")
    _require_choice(reason, ReportReason, _("Choose a reason."), "reason")
    details = _text_within(
        details,
        REPORT_DETAILS_MAX_LENGTH,
        _("Details can be at most %(max)d characters long."),
        "details",
    )
    kind = given[0]
    value = targets[kind]
    target: Any
    if kind == "member":
        if _pk(value, "member") == me.pk:
            raise _error(ErrorCode.SELF_ACTION, field="member")
        target = _visible_member(viewer, value)
    elif kind == "company":
        target = _visible_company(viewer, value)
    elif kind == "endorsement":
        target = _visible_endorsement(viewer, value)
    else:
        target = _visible_recommendation(viewer, value)
    field = f"target_{kind}"
    with transaction.atomic():
        # One report at a time per reporter: the rate limit below counts what
        # the previous one wrote, and a double submit finds the first report.
        _lock_members(me.pk)
        existing = Report.objects.filter(
            reporter_id=me.pk, state=ReportState.OPEN, **{field: target}
        ).first()
        if existing is not None:
            return existing
        _check_rate_limit(viewer, me, "reports")
        report = Report.objects.create(
            reporter=me, reason=reason, details=details, **{field: target}
        )
        _log(
            report,
            "wagtail_network.report.create",
            viewer,
            target_type=kind,
            target=target.pk,
            reason=reason,
        )
        notifications.notify("report_received", _moderators(), report=report)
    return report


def _moderators() -> Any:
    """Active users who moderate (the permission, through a group or their own;
    superusers too), as Django's own permission backend finds them."""
    from django.contrib.auth.backends import ModelBackend

    return ModelBackend().with_perm(visibility.MODERATE_PERMISSION, include_superusers=True)


def resolve_report(user: Any, report: Any, state: str, note: str = "") -> Report:
    """A moderator closes a report as ``resolved`` or ``dismissed``.

    A report already in that state is left as it is (no write, no audit entry).

    Errors: ``NOT_FOUND`` (not a moderator, or no such report: reports are visible
    to moderators only), ``VALIDATION`` (``state``).
    """
    viewer = Viewer.of(user)
    _require_user(viewer)
    if not visibility.can_moderate(viewer):
        raise _error(ErrorCode.NOT_FOUND, field="report")
    if state not in (ReportState.RESOLVED, ReportState.DISMISSED):
        raise _error(ErrorCode.VALIDATION, _("Choose resolved or dismissed."), field="state")
    pk = _pk(report, "report")
    with transaction.atomic():
        obj = Report.objects.select_for_update().filter(pk=pk).first()
        if obj is None:
            raise _error(ErrorCode.NOT_FOUND, field="report")
        previous = obj.state
        if previous == state:
            # Already resolved (or dismissed): nothing is written or logged, and
            # the first decision's note, moderator and time stay.
            return obj
        obj.state = state
        obj.handled_at = timezone.now()
        obj.handled_by = viewer.user
        obj.resolution_note = (note or "").strip()
        obj.save(update_fields=["state", "handled_at", "handled_by", "resolution_note"])
        _log(obj, "wagtail_network.report.resolve", viewer, previous_state=previous, state=state)
        notifications.notify("report_resolved", [obj.reporter], report=obj)
    return obj
