"""Positions confirmed by company admins, company-to-company relationships, and
company pages created by editors and edited by their admins and editors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import limits, notifications, visibility
from ..errors import ErrorCode
from ..models import (
    CompanyIndexPage,
    CompanyPage,
    CompanyRelationship,
    CompanyRelationshipKind,
    Industry,
    Position,
)
from ..viewer import Viewer
from .base import (
    _changed,
    _delete_logged,
    _error,
    _get_or_create,
    _is_company_admin,
    _is_editor,
    _log,
    _pk,
    _require_choice,
    _require_user,
    _visible_company,
)
from .profiles import (
    _already_so,
    _only_known,
    _resolve_vocab,
    _save_and_publish,
    _title_as_name,
    _validation_from,
    check_input_limits,
    plain_text_to_rich_text,
)


def _position_for_company_admin(user: Any, position: Any) -> Position:
    viewer = Viewer.of(user)
    _require_user(viewer)
    pk = _pk(position, "position")
    obj = (
        visibility.positions_visible_to(viewer, Position.objects.select_related("company"))
        .filter(pk=pk)
        .first()
    )
    if obj is None:
        raise _error(ErrorCode.NOT_FOUND, field="position")
    if obj.company_id is None or not visibility.can_edit_company(viewer, obj.company):
        raise _error(ErrorCode.PERMISSION_DENIED)
    return obj


def confirm_position(user: Any, position: Any) -> Position:
    """An admin of the position's company (a guardian grant) or an editor confirms
    that the member works (worked) there. Idempotent.

    Errors: ``NOT_FOUND`` (position not visible), ``PERMISSION_DENIED`` (not an
    admin of that company, or a free-text company nobody administers).
    """
    viewer = Viewer.of(user)
    obj = _position_for_company_admin(viewer, position)
    if obj.verified_at is not None:
        return obj
    with transaction.atomic():
        obj.verified_at = timezone.now()
        obj.verified_by = viewer.user
        Position.objects.filter(pk=obj.pk).update(
            verified_at=obj.verified_at, verified_by=viewer.user
        )
        _log(
            obj,
            "wagtail_network.position.confirm",
            viewer,
            member=obj.member_id,
            company=obj.company_id,
        )
        notifications.notify("position_confirmed", [obj.member], company=obj.company, position=obj)
    return obj


def unverify_position(user: Any, position: Any) -> Position:
    """Withdraw a confirmation (same permission as :func:`confirm_position`)."""
    viewer = Viewer.of(user)
    obj = _position_for_company_admin(viewer, position)
    if obj.verified_at is None:
        return obj
    with transaction.atomic():
        Position.objects.filter(pk=obj.pk).update(verified_at=None, verified_by=None)
        obj.verified_at = None
        obj.verified_by = None
        _log(
            obj,
            "wagtail_network.position.unverify",
            viewer,
            member=obj.member_id,
            company=obj.company_id,
        )
    return obj


def propose_company_relationship(
    user: Any, from_company: Any, to_company: Any, kind: str
) -> CompanyRelationship:
    """Declare that ``from_company`` is ``kind`` of ``to_company``.

    By an admin of ``from_company`` (confirmed on that side; the other side's
    admins confirm) or by an editor (confirmed by the editor at once).
    Idempotent per (from, to, kind). Errors: ``NOT_FOUND``, ``SELF_ACTION``,
    ``VALIDATION`` (``kind``), ``PERMISSION_DENIED``.
    """
    viewer = Viewer.of(user)
    _require_user(viewer)
    _require_choice(kind, CompanyRelationshipKind, _("Choose a kind of relationship."), "kind")
    source = _visible_company(viewer, from_company, "from_company")
    target = _visible_company(viewer, to_company, "to_company")
    if source.pk == target.pk:
        raise _error(ErrorCode.SELF_ACTION, field="to_company")
    is_admin = _is_company_admin(viewer, source)
    is_editor = not is_admin and _is_editor(viewer, source)
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
            viewer,
            from_company=source.pk,
            to_company=target.pk,
            kind=kind,
            as_editor=is_editor,
        )
    return rel


def _visible_relationship(user: Any, relationship: Any) -> CompanyRelationship:
    viewer = Viewer.of(user)
    _require_user(viewer)
    pk = _pk(relationship, "relationship")
    obj = (
        visibility.relationships_visible_to(
            viewer, CompanyRelationship.objects.select_related("from_company", "to_company")
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
    viewer = Viewer.of(user)
    rel = _visible_relationship(viewer, relationship)
    changed = []
    if _is_company_admin(viewer, rel.to_company) and not rel.confirmed_by_to:
        rel.confirmed_by_to = True
        changed.append("confirmed_by_to")
    if _is_company_admin(viewer, rel.from_company) and not rel.confirmed_by_from:
        rel.confirmed_by_from = True
        changed.append("confirmed_by_from")
    is_admin = _is_company_admin(viewer, rel.to_company) or _is_company_admin(
        viewer, rel.from_company
    )
    if not is_admin:
        if not (_is_editor(viewer, rel.from_company) or _is_editor(viewer, rel.to_company)):
            raise _error(ErrorCode.PERMISSION_DENIED)
        if not rel.confirmed_by_editor:
            rel.confirmed_by_editor = True
            changed.append("confirmed_by_editor")
    if not changed:
        return rel
    with transaction.atomic():
        CompanyRelationship.objects.filter(pk=rel.pk).update(**{name: True for name in changed})
        _log(rel, "wagtail_network.company_relationship.confirm", viewer, sides=changed)
    return rel


def remove_company_relationship(user: Any, relationship: Any) -> None:
    """Remove a relationship (an admin of either side, or an editor)."""
    viewer = Viewer.of(user)
    rel = _visible_relationship(viewer, relationship)
    allowed = any(
        _is_company_admin(viewer, c) or _is_editor(viewer, c)
        for c in (rel.from_company, rel.to_company)
    )
    if not allowed:
        raise _error(ErrorCode.PERMISSION_DENIED)
    _delete_logged(
        viewer,
        rel,
        "wagtail_network.company_relationship.remove",
        from_company=rel.from_company_id,
        to_company=rel.to_company_id,
        kind=rel.kind,
    )


#: Plain fields a member may set on their own profile.
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

#: Longest value of each text field, and most items of each list field
#: (:mod:`wagtail_network.limits`).
COMPANY_TEXT_LIMITS = {
    "title": limits.NAME_MAX_LENGTH,
    "name": limits.NAME_MAX_LENGTH,
    "tagline": limits.TAGLINE_MAX_LENGTH,
    "city": limits.PLACE_MAX_LENGTH,
    "country": limits.PLACE_MAX_LENGTH,
    "website": limits.URL_MAX_LENGTH,
    "contact_email": limits.EMAIL_MAX_LENGTH,
    "size_range": limits.FILTER_MAX_LENGTH,
    "description": limits.LONG_TEXT_MAX_LENGTH,
}
COMPANY_LIST_LIMITS = {"specialities": limits.TAG_MAX_ITEMS}


def _apply_company_fields(page: CompanyPage, fields: dict[str, Any]) -> None:
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


def company_directory() -> CompanyIndexPage | None:
    """The company directory new company pages go under: the first live one (or,
    with none live, the first one)."""
    directories = CompanyIndexPage.objects.order_by("path")
    return directories.live().first() or directories.first()


def create_company(user: Any, /, slug: str, **fields: Any) -> CompanyPage:
    """Create a company page and publish it: editors (e.g. CSV import).

    The page goes under the first live company directory with ``slug`` as its URL
    identity; the other fields are those of :func:`update_company`. It is owned by
    the editor and logged as Wagtail's ``wagtail.create`` and ``wagtail.publish``.
    ``user`` is a user or a Viewer. Who: users whose Wagtail page permissions let
    them add and publish pages in the directory. Errors: ``UNAUTHENTICATED``,
    ``INVALID_STATE`` (no company directory), ``PERMISSION_DENIED``, ``VALIDATION``
    with ``field`` (e.g. ``slug`` already taken).
    """
    from wagtail.models import Page

    viewer = Viewer.of(user)
    _require_user(viewer)
    _only_known(fields, COMPANY_FIELDS)
    check_input_limits(fields, COMPANY_TEXT_LIMITS, COMPANY_LIST_LIMITS)
    directory = company_directory()
    if directory is None:
        raise _error(ErrorCode.INVALID_STATE)
    perms = directory.permissions_for_user(viewer.user)
    if not (perms.can_add_subpage() and perms.can_publish_subpage()):
        raise _error(ErrorCode.PERMISSION_DENIED)
    with _title_as_name(fields), transaction.atomic():
        # Serialise additions to one directory, as joins do (treebeard's next path).
        list(Page.objects.select_for_update().filter(pk=directory.pk).values_list("pk", flat=True))
        directory = CompanyIndexPage.objects.get(pk=directory.pk)
        page = CompanyPage(slug=slug, owner=viewer.user, live=False)
        _apply_company_fields(page, fields)
        try:
            directory.add_child(instance=page)
        except ValidationError as exc:
            raise _validation_from(exc) from None
        # add_child logged the creation (with the owner); no separate edit entry.
        _save_and_publish(page, viewer, publish=True, log_action=False)
    _changed(viewer)
    return CompanyPage.objects.get(pk=page.pk)


def update_company(user: Any, company: Any, /, **fields: Any) -> CompanyPage:
    """Edit a company page: its admins (guardian grants), editors and superusers.

    ``description`` is plain text; ``industry`` a slug or id; ``specialities`` a
    list of tags. The change is saved as a revision and published (drafts stay
    drafts); an edit that changes nothing writes nothing (no revision, no audit
    entry). Errors: ``NOT_FOUND`` (not visible), ``PERMISSION_DENIED`` (visible,
    not editable), ``VALIDATION`` with ``field``.
    """
    viewer = Viewer.of(user)
    _require_user(viewer)
    target = _visible_company(viewer, company)
    if not visibility.can_edit_company(viewer, target):
        raise _error(ErrorCode.PERMISSION_DENIED)
    _only_known(fields, COMPANY_FIELDS)
    check_input_limits(fields, COMPANY_TEXT_LIMITS, COMPANY_LIST_LIMITS)
    with _title_as_name(fields), transaction.atomic():
        current = CompanyPage.objects.select_for_update(of=("self",)).get(pk=target.pk)
        page = current.get_latest_revision_as_object()
        before = page.serializable_data()
        _apply_company_fields(page, fields)
        page.slug = current.slug
        if _already_so(current, page, before):
            return current
        _save_and_publish(page, viewer, publish=current.live)
    _changed(viewer)
    return CompanyPage.objects.get(pk=target.pk)
