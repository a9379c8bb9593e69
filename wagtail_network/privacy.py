"""Privacy rights: a member's data export and the erasure of their account.

* :func:`export_member_data` gathers everything the network holds about a user
  into one JSON-serialisable dict (with their notifications as their notifications
  page shows them, their notification choices and the e-mails sent to them);
  :func:`make_export_link` signs a short-lived download link
  (``EXPORT_LINK_MAX_AGE`` seconds) that only the same user can use, served by
  :func:`wagtail_network.views.export_download`.
* :func:`delete_account` erases the member page with its revisions, photo and
  renditions, search-index entries, connections, invitations, endorsements and
  recommendations given and received, follows, blocks and dismissed suggestions
  (either side), the account's notifications, notification choices and e-mail
  history, and what others were told about the member; keeps reports and audit
  entries only with personal data removed; sends
  :data:`wagtail_network.signals.member_account_deleted`; and, unless
  ``ACCOUNT_DELETION_DEACTIVATES_USER`` is off, deactivates the host site's user
  and blanks its personal fields (the host site owns the account).

Both are reachable over GraphQL (``exportMyData``, ``deleteMyAccount``) and from
the member's account page.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import visibility
from .conf import get_setting
from .errors import ErrorCode, NetworkError
from .models import (
    Block,
    CompanyPage,
    Connection,
    ConnectionEvent,
    ConnectionState,
    Endorsement,
    Follow,
    MemberPage,
    Notification,
    NotificationEmail,
    NotificationSettings,
    Recommendation,
    Report,
    SkillSuggestion,
    SuggestionDismissal,
)
from .photos import member_photo_url
from .signals import member_account_deleted
from .sites import absolute_url
from .sql import chunks

EXPORT_SALT = "wagtail_network.privacy.export"
EXPORT_FORMAT_VERSION = 1
#: A sign-in this recent confirms an account deletion without the password.
RECENT_LOGIN = timedelta(minutes=10)
DELETED_LABEL = "[deleted member]"


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else value


def _member_ref(member_id: int | None, names: dict[int, str]) -> dict | None:
    if member_id is None:
        return None
    return {"id": member_id, "name": names.get(member_id, "")}


def _profile(member: MemberPage) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": member.pk,
        "name": member.title,
        "slug": member.slug,
        "url": member.full_url,
        "live": member.live,
        "first_published_at": _iso(member.first_published_at),
        "last_published_at": _iso(member.last_published_at),
    }
    for field in (
        "headline",
        "bio",
        "city",
        "country",
        "languages",
        "contact_email",
        "contact_phone",
        "profile_visibility",
        "email_visibility",
        "phone_visibility",
        "connections_visibility",
        "positions_visibility",
    ):
        data[field] = getattr(member, field)
    data["open_to"] = [str(v) for v in member.open_to]
    data["industry"] = member.industry.name if member.industry is not None else None
    data["skills"] = list(member.skills.values_list("name", flat=True))
    data["interests"] = list(member.interests.names())
    data["photo"] = (
        {
            "id": member.photo_id,
            "title": member.photo.title,
            "file": member.photo.file.name,
            # The checked address (wagtail_network.photos): the one the site shows.
            "url": absolute_url(member_photo_url(member, "fill-256x256") or ""),
        }
        if member.photo is not None
        else None
    )
    data["positions"] = [
        {
            "id": p.pk,
            "title": p.title,
            "company": p.company.title if p.company_id else p.company_name,
            "company_id": p.company_id,
            "start_date": _iso(p.start_date),
            "end_date": _iso(p.end_date),
            "is_current": p.is_current,
            "verified_at": _iso(p.verified_at),
        }
        for p in member.positions.select_related("company").all()
    ]
    data["education"] = [
        {
            "school": e.school,
            "degree": e.degree,
            "field_of_study": e.field_of_study,
            "start_year": e.start_year,
            "end_year": e.end_year,
        }
        for e in member.education.all()
    ]
    data["links"] = [{"label": link.label, "url": link.url} for link in member.links.all()]
    return data


def _revisions(member: MemberPage) -> list[dict[str, Any]]:
    return [
        {
            "id": r.pk,
            "created_at": _iso(r.created_at),
            "by_me": r.user_id == member.user_id if member.user_id else False,
            "content": r.content,
        }
        for r in member.revisions.order_by("created_at", "pk")
    ]


def _connections(member: MemberPage, me: int, names: dict[int, str]) -> list[dict[str, Any]]:
    rows = (
        Connection.objects.filter(Q(member_low_id=me) | Q(member_high_id=me))
        .prefetch_related("events")
        .order_by("created_at", "pk")
    )
    result = []
    for c in rows:
        i_sent = c.requester_id == me
        hidden_ignore = i_sent and c.state == ConnectionState.IGNORED
        history = []
        for event in c.events.all():
            # The inviter is never told of an ignore (docs/concepts/connections.md), not even here.
            if i_sent and event.state == ConnectionState.IGNORED:
                continue
            history.append(
                {
                    "state": event.state,
                    "at": _iso(event.at),
                    "by": "me" if event.actor_id == me else "other",
                }
            )
        result.append(
            {
                "id": c.pk,
                "with": _member_ref(c.other(me), names),
                "direction": "sent" if i_sent else "received",
                # As services.invitation_state_for tells it to the member.
                "state": ConnectionState.PENDING if hidden_ignore else c.state,
                "message": c.message,
                "created_at": _iso(c.created_at),
                "responded_at": None if hidden_ignore else _iso(c.responded_at),
                "ended_at": _iso(c.ended_at),
                "history": history,
            }
        )
    return result


def _account(user: Any) -> dict[str, Any]:
    from wagtail.models import APIToken

    User = get_user_model()
    return {
        "id": user.pk,
        "username": user.get_username(),
        "email": getattr(user, User.get_email_field_name(), "") or "",
        "first_name": getattr(user, "first_name", ""),
        "last_name": getattr(user, "last_name", ""),
        "date_joined": _iso(getattr(user, "date_joined", None)),
        "last_login": _iso(user.last_login),
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created": _iso(t.created),
                "last_used_at": _iso(t.last_used_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in APIToken.objects.filter(user_id=user.pk).order_by("created")
        ],
    }


def _notifications(user: Any) -> dict[str, Any]:
    """The user's notifications (as their notifications page shows them now, in the
    active language), their choices and their e-mail history."""
    from . import notifications
    from .notifications.kinds import get_kind

    related = {"actor", *notifications.kinds.related_paths()}
    items = []
    for n in notifications.visible_notifications(user).select_related(*sorted(related)):
        kind = get_kind(n.kind)
        items.append(
            {
                "kind": n.kind,
                "message": kind.describe(n) if kind is not None else "",
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
            }
        )
    row = NotificationSettings.objects.filter(user_id=user.pk).first()
    return {
        "notifications": items,
        "notification_settings": (
            {
                "language": row.language,
                "channels": dict(row.channels or {}),
                "updated_at": _iso(row.updated_at),
            }
            if row is not None
            else None
        ),
        "notification_emails": [
            {
                "kind": e.kind,
                "subject": e.subject,
                "address": e.address,
                "language": e.language,
                "state": e.state,
                "created_at": _iso(e.created_at),
                "sent_at": _iso(e.sent_at),
            }
            for e in NotificationEmail.objects.filter(recipient_id=user.pk).order_by(
                "created_at", "pk"
            )
        ],
    }


def export_member_data(user: Any = None, *, member: MemberPage | None = None) -> dict[str, Any]:
    """Everything the network holds about ``user`` (or, for an editor's export, about
    ``member``, who may have no site account), as one JSON-ready dict."""
    if member is None:
        if not visibility.is_authenticated(user):
            raise NetworkError(ErrorCode.UNAUTHENTICATED)
        member = MemberPage.objects.filter(user_id=user.pk).first()
    elif user is None:
        user = member.user
    archive: dict[str, Any] = {
        "format": "wagtail-network-export",
        "version": EXPORT_FORMAT_VERSION,
        "exported_at": _iso(timezone.now()),
        "account": _account(user) if user is not None else None,
        "profile": None,
    }
    if user is not None:
        # Editors and moderators without a profile are notified too.
        archive.update(_notifications(user))
    if member is None:
        return archive
    me = member.pk

    # Names of every member the archive mentions, in one query.
    related_ids: set[int] = set()
    for low, high in Connection.objects.filter(
        Q(member_low_id=me) | Q(member_high_id=me)
    ).values_list("member_low_id", "member_high_id"):
        related_ids.update((low, high))
    for a, b in Endorsement.objects.filter(Q(endorser_id=me) | Q(member_id=me)).values_list(
        "endorser_id", "member_id"
    ):
        related_ids.update((a, b))
    for a, b in Recommendation.objects.filter(Q(author_id=me) | Q(member_id=me)).values_list(
        "author_id", "member_id"
    ):
        related_ids.update((a, b))
    related_ids.update(Block.objects.filter(blocker_id=me).values_list("blocked_id", flat=True))
    related_ids.update(
        SuggestionDismissal.objects.filter(member_id=me).values_list("dismissed_id", flat=True)
    )
    related_ids.update(
        Report.objects.filter(reporter_id=me, target_member__isnull=False).values_list(
            "target_member_id", flat=True
        )
    )
    names = dict(MemberPage.objects.filter(pk__in=related_ids).values_list("pk", "title"))

    connections = _connections(member, me, names)
    archive["profile"] = _profile(member)
    archive["profile_revisions"] = _revisions(member)
    archive["connections"] = [c for c in connections if c["state"] in ("accepted", "removed")]
    archive["invitations_sent"] = [c for c in connections if c["direction"] == "sent"]
    archive["invitations_received"] = [c for c in connections if c["direction"] == "received"]
    archive["endorsements_given"] = [
        {
            "member": _member_ref(e.member_id, names),
            "skill": e.skill.name,
            "state": e.state,
            "created_at": _iso(e.created_at),
        }
        for e in Endorsement.objects.filter(endorser_id=me).select_related("skill")
    ]
    archive["endorsements_received"] = [
        {
            "endorser": _member_ref(e.endorser_id, names),
            "skill": e.skill.name,
            "state": e.state,
            "hidden": e.is_hidden,
            "created_at": _iso(e.created_at),
        }
        for e in Endorsement.objects.filter(member_id=me).select_related("skill")
    ]

    def recommendation(r: Recommendation, key: str, other: int) -> dict[str, Any]:
        return {
            key: _member_ref(other, names),
            "relationship": r.relationship,
            "text": r.text,
            "state": r.state,
            "hidden": r.is_hidden,
            "created_at": _iso(r.created_at),
            "updated_at": _iso(r.updated_at),
        }

    archive["recommendations_given"] = [
        recommendation(r, "member", r.member_id)
        for r in Recommendation.objects.filter(author_id=me)
    ]
    archive["recommendations_received"] = [
        recommendation(r, "author", r.author_id)
        for r in Recommendation.objects.filter(member_id=me)
    ]
    archive["follows"] = [
        {"company": {"id": f.company_id, "name": f.company.title}, "since": _iso(f.created_at)}
        for f in Follow.objects.filter(member_id=me).select_related("company")
    ]
    archive["blocks"] = [
        {"member": _member_ref(b.blocked_id, names), "since": _iso(b.created_at)}
        for b in Block.objects.filter(blocker_id=me)
    ]
    # Only the member's own dismissals: who dismissed them is others' data (and
    # never told to anyone).
    archive["dismissed_suggestions"] = [
        {"member": _member_ref(d.dismissed_id, names), "since": _iso(d.created_at)}
        for d in SuggestionDismissal.objects.filter(member_id=me).order_by("created_at", "pk")
    ]
    # Skills the member named that the vocabulary lacks, still waiting for an editor.
    archive["skill_suggestions"] = [
        {"name": s.name, "suggested_at": _iso(s.created_at)}
        for s in SkillSuggestion.objects.filter(member_id=me).order_by("created_at", "pk")
    ]
    archive["reports_made"] = [
        {
            "target": _report_target(r, names),
            "reason": r.reason,
            "details": r.details,
            "state": r.state,
            "created_at": _iso(r.created_at),
        }
        for r in Report.objects.filter(reporter_id=me).select_related("target_company")
    ]
    return archive


def _report_target(report: Report, names: dict[int, str]) -> dict[str, Any]:
    if report.target_member_id:
        return {"type": "member", **(_member_ref(report.target_member_id, names) or {})}
    if report.target_company is not None:
        return {
            "type": "company",
            "id": report.target_company_id,
            "name": report.target_company.title,
        }
    if report.target_endorsement_id:
        return {"type": "endorsement", "id": report.target_endorsement_id}
    return {"type": "recommendation", "id": report.target_recommendation_id}


def make_export_token(user: Any) -> str:
    """A signed, timestamped token naming ``user`` (checked with :func:`read_export_token`)."""
    # The password hash fragment makes a link die when the password changes.
    fingerprint = (user.password or "")[-12:]
    return signing.dumps({"u": user.pk, "f": fingerprint}, salt=EXPORT_SALT, compress=True)


def read_export_token(token: str, user: Any) -> bool:
    """Whether ``token`` is a live export token for ``user``."""
    if not visibility.is_authenticated(user):
        return False
    try:
        data = signing.loads(
            token, salt=EXPORT_SALT, max_age=int(get_setting("EXPORT_LINK_MAX_AGE"))
        )
    except signing.BadSignature:  # includes SignatureExpired
        return False
    return data.get("u") == user.pk and data.get("f") == (user.password or "")[-12:]


def make_export_link(user: Any, request: Any = None) -> tuple[str, Any]:
    """``(url, expires_at)`` of a download link for ``user``'s data export."""
    if not visibility.is_authenticated(user):
        raise NetworkError(ErrorCode.UNAUTHENTICATED)
    path = reverse("wagtail_network:export_download", args=[make_export_token(user)])
    # On the Site record's origin, like every other link the network hands out.
    url = absolute_url(path, request)
    expires_at = timezone.now() + timedelta(seconds=int(get_setting("EXPORT_LINK_MAX_AGE")))
    return url, expires_at


# --------------------------------------------------------------------------
# Erasure
# --------------------------------------------------------------------------


def confirm_identity(
    user: Any, *, password: str | None = None, session_login: bool = False
) -> None:
    """Raise ``CONFIRMATION_REQUIRED`` unless the user proved it is them just now.

    Either the correct password, or (only for a request made with the browser
    session, ``session_login``) a sign-in within the last ten minutes.
    """
    if password:
        if user.check_password(password):
            return
        raise NetworkError(
            ErrorCode.CONFIRMATION_REQUIRED, _("The password is not correct."), field="password"
        )
    last_login = getattr(user, "last_login", None)
    if session_login and last_login and timezone.now() - last_login <= RECENT_LOGIN:
        return
    raise NetworkError(
        ErrorCode.CONFIRMATION_REQUIRED,
        _("Confirm with your password (or sign in again first)."),
        field="password",
    )


#: The relations a member is party to, with the fields that name a member: their
#: audit entries are the ones that concern the member.
PARTY_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    # The same pair as member_low/member_high, but the two __str__ names them by.
    Connection: ("requester", "recipient"),
    Endorsement: ("endorser", "member"),
    Recommendation: ("author", "member"),
    Follow: ("member",),
    Block: ("blocker", "blocked"),
    SuggestionDismissal: ("member", "dismissed"),
    Report: ("reporter", "target_member"),
}


def _party_log_labels(member_id: int, title: str = DELETED_LABEL) -> dict[tuple[int, str], str]:
    """Audit-entry labels of every object ``member_id`` is party to, as they read
    with the member's name replaced by ``title`` (:data:`DELETED_LABEL` for an
    erasure; the other party stays named).

    Read before the objects are deleted; the entries are then found by content
    type and object id, never by matching text (erasing "Jan" must not touch an
    entry about "Janssen").
    """
    from django.contrib.contenttypes.models import ContentType

    labels: dict[tuple[int, str], str] = {}
    for model, fields in PARTY_FIELDS.items():
        content_type = ContentType.objects.get_for_model(model)
        party = Q()
        for name in fields:
            party |= Q(**{f"{name}_id": member_id})
        for obj in model._default_manager.filter(party).select_related(*fields):
            for name in fields:
                if getattr(obj, f"{name}_id") == member_id:
                    # In memory only: the label is rebuilt as the model writes it.
                    getattr(obj, name).title = title
            labels[(content_type.pk, str(obj.pk))] = str(obj)[:255]
    return labels


def scrub_log_entries(
    member_ids: Collection[int],
    revision_ids: Collection[int],
    party_labels: dict[tuple[int, str], str] | None = None,
) -> None:
    """Keep audit entries about members but without their names or content:
    entries on their pages lose label and data, entries pointing at the pages'
    revisions (deleted with them) lose that link, and entries on the objects they
    were party to get the labels of :func:`_party_log_labels`.

    Shared by a member's erasure (one member) and the network's uninstall
    (:mod:`wagtail_network.uninstall`, every member).
    """
    from wagtail.models import ModelLogEntry, PageLogEntry

    for batch in chunks(member_ids):
        PageLogEntry.objects.filter(page_id__in=batch).update(label=DELETED_LABEL, data={})
    for batch in chunks(revision_ids):
        PageLogEntry.objects.filter(revision_id__in=batch).update(revision=None)
    # One UPDATE per content type and label, not per object: labels repeat.
    by_label: dict[tuple[int, str], list[str]] = {}
    for (content_type_id, object_id), label in (party_labels or {}).items():
        by_label.setdefault((content_type_id, label), []).append(object_id)
    for (content_type_id, label), object_ids in by_label.items():
        for batch in chunks(object_ids):
            ModelLogEntry.objects.filter(
                content_type_id=content_type_id, object_id__in=batch
            ).update(label=label)


def _erase_photo(member: MemberPage) -> None:
    """Delete the profile photo's renditions, and the image itself unless some
    other page uses it (then it is not only this member's)."""
    image = member.photo
    if image is None:
        return
    image.renditions.all().delete()
    in_use = (
        MemberPage.objects.filter(photo_id=image.pk).exclude(pk=member.pk).exists()
        or CompanyPage.objects.filter(Q(logo_id=image.pk) | Q(cover_id=image.pk)).exists()
    )
    if not in_use:
        image.delete()


def _blank_user(user: Any) -> None:
    """Deactivate the account and blank what identifies the person."""
    User = get_user_model()
    field_names = {f.name for f in User._meta.get_fields()}
    updates: dict[str, Any] = {"is_active": False} if "is_active" in field_names else {}
    for name in ("first_name", "last_name", User.get_email_field_name()):
        if name in field_names:
            updates[name] = ""
    username_field = User.USERNAME_FIELD
    if username_field in field_names and username_field != User.get_email_field_name():
        updates[username_field] = f"deleted-{user.pk}"
    elif username_field in field_names:
        updates[username_field] = f"deleted-{user.pk}@invalid"
    for name, value in updates.items():
        setattr(user, name, value)
    user.set_unusable_password()
    user.save()


def _erase_member(member: MemberPage, actor: Any) -> dict[str, Any]:
    """Erase one member page and everything that hangs off it (inside a transaction)."""
    from wagtail.actions.delete_page import DeletePageAction
    from wagtail.models import Revision
    from wagtail.search import index

    me = member.pk
    party_labels = _party_log_labels(me)
    summary = {
        "member": me,
        "connections": Connection.objects.filter(
            Q(member_low_id=me) | Q(member_high_id=me)
        ).count(),
        "endorsements": Endorsement.objects.filter(Q(endorser_id=me) | Q(member_id=me)).count(),
        "recommendations": Recommendation.objects.filter(Q(author_id=me) | Q(member_id=me)).count(),
    }
    revision_ids = list(member.revisions.values_list("pk", flat=True))
    # What others were told about the member goes with the page (the notifications'
    # foreign keys cascade); the subjects of the e-mails that told them, which name
    # the member, are blanked first (digests' subjects name no one).
    NotificationEmail.objects.filter(
        Q(notifications__actor_id=me) | Q(notifications__member_id=me)
    ).exclude(kind="digest").update(subject="")
    # E-mails whose notifications are gone already (a block forgot them, pruning
    # took them) still name the member in their subject: found by the name.
    if len(member.title.strip()) >= 2:
        NotificationEmail.objects.filter(
            notifications__isnull=True, subject__contains=member.title.strip()
        ).exclude(kind="digest").update(subject="")
    # Relations first (the member's FKs cascade too, but deleting explicitly keeps
    # the order clear and survives a host site that soft-deletes pages).
    ConnectionEvent.objects.filter(
        Q(connection__member_low_id=me) | Q(connection__member_high_id=me)
    ).delete()
    Connection.objects.filter(Q(member_low_id=me) | Q(member_high_id=me)).delete()
    Endorsement.objects.filter(Q(endorser_id=me) | Q(member_id=me)).delete()
    Recommendation.objects.filter(Q(author_id=me) | Q(member_id=me)).delete()
    Follow.objects.filter(member_id=me).delete()
    Block.objects.filter(Q(blocker_id=me) | Q(blocked_id=me)).delete()
    SuggestionDismissal.objects.filter(Q(member_id=me) | Q(dismissed_id=me)).delete()
    SkillSuggestion.objects.filter(member_id=me).delete()
    # Reports about the member go with them; reports they made stay for the
    # moderators, without the reporter or the free-text details.
    Report.objects.filter(reporter_id=me).update(reporter=None, details="")
    _erase_photo(member)
    index.remove_object(member)
    # Wagtail's own delete action: page signals (frontend-cache purge of a live
    # page, search index) fire as for any deleted page.
    DeletePageAction(member, user=actor).execute(skip_permission_checks=True)
    Revision.objects.filter(pk__in=revision_ids).delete()
    scrub_log_entries([me], revision_ids, party_labels)
    return summary


#: Audit entries whose data copies the account's login (``services.roles``): on a
#: user model that signs in by e-mail, that login is the person's address.
ACCOUNT_LOG_ACTIONS = (
    "wagtail_network.company_admin.grant",
    "wagtail_network.company_admin.revoke",
)


def _scrub_account_log_entries(user: Any) -> None:
    """Keep the company-admin grants and revocations of the account (and its id),
    without the copy of its login."""
    from wagtail.models import PageLogEntry

    for entry in PageLogEntry.objects.filter(action__in=ACCOUNT_LOG_ACTIONS, data__user_id=user.pk):
        if "username" in (entry.data or {}):
            entry.data = {k: v for k, v in entry.data.items() if k != "username"}
            entry.save(update_fields=["data"])


def _erase_notifications(user: Any) -> None:
    """The account's notifications, notification choices and e-mail history, also
    when the host keeps the account (``ACCOUNT_DELETION_DEACTIVATES_USER`` off)."""
    Notification.objects.filter(recipient_id=user.pk).delete()
    NotificationEmail.objects.filter(recipient_id=user.pk).delete()
    NotificationSettings.objects.filter(user_id=user.pk).delete()


def _close_account(user: Any, member_id: int | None) -> bool:
    """Revoke the user's tokens, deactivate/blank it (setting) and send the signal."""
    from wagtail.models import APIToken

    APIToken.objects.filter(user_id=user.pk).delete()
    _erase_notifications(user)
    _scrub_account_log_entries(user)
    deactivate = bool(get_setting("ACCOUNT_DELETION_DEACTIVATES_USER"))
    if deactivate:
        _blank_user(user)
    # Receivers (host sites) run inside the transaction: if one fails, nothing is
    # erased and the erasure can be tried again.
    member_account_deleted.send(
        sender=MemberPage, user=user, member_id=member_id, deactivated=deactivate
    )
    return deactivate


def delete_account(
    user: Any,
    *,
    password: str | None = None,
    session_login: bool = False,
) -> dict[str, Any]:
    """The member erases their own account (see the module docstring).

    Needs :func:`confirm_identity`. Returns a small summary (counts, no personal data).
    """
    if not visibility.is_authenticated(user):
        raise NetworkError(ErrorCode.UNAUTHENTICATED)
    confirm_identity(user, password=password, session_login=session_login)
    summary: dict[str, Any] = {"member": None}
    with transaction.atomic():
        member = MemberPage.objects.select_for_update().filter(user_id=user.pk).first()
        if member is not None:
            summary = _erase_member(member, actor=user)
        _close_account(user, summary["member"])
    return summary


def erase_member(member: MemberPage | int, *, actor: Any) -> dict[str, Any]:
    """An editor erases a member (also one without a site account), e.g. on a
    written request. ``actor`` must be a superuser or hold the
    ``view_private_profiles`` permission and the right to delete the page."""
    if not visibility.is_authenticated(actor):
        raise NetworkError(ErrorCode.UNAUTHENTICATED)
    pk = member.pk if isinstance(member, MemberPage) else int(member)
    target = MemberPage.objects.filter(pk=pk).first()
    if target is None or not visibility.sees_everything(actor):
        raise NetworkError(ErrorCode.NOT_FOUND, field="member")
    if not (actor.is_superuser or target.permissions_for_user(actor).can_delete()):
        raise NetworkError(ErrorCode.PERMISSION_DENIED)
    with transaction.atomic():
        target = MemberPage.objects.select_for_update().get(pk=pk)
        user = target.user
        summary = _erase_member(target, actor=actor)
        if user is not None:
            _close_account(user, pk)
        else:
            member_account_deleted.send(
                sender=MemberPage, user=None, member_id=pk, deactivated=False
            )
    return summary


__all__ = [
    "DELETED_LABEL",
    "confirm_identity",
    "delete_account",
    "erase_member",
    "export_member_data",
    "make_export_link",
    "make_export_token",
    "read_export_token",
    "scrub_log_entries",
]
