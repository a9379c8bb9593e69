"""Member profiles: a member joining the network and editing their own, and an
editor creating or editing one (:func:`save_member_profile`)."""

from __future__ import annotations

import html
import re
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .. import limits, notifications, photos, profile_forms
from ..conf import get_setting
from ..errors import ErrorCode, NetworkError
from ..models import (
    CompanyPage,
    Education,
    MemberIndexPage,
    MemberLink,
    MemberPage,
    Position,
    Skill,
)
from ..suggestion_pool import forget_suggestions
from ..viewer import Viewer, user_of
from .base import (
    _actor,
    _changed,
    _error,
    _lock_members,
    _log,
    _pk,
    _require_user,
    _skill_named,
    _visible_company,
)

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
    + ("name", "bio", "industry", "skills", "add_skills", "interests", "open_to", "positions")
    + ("education", "links")
    # Profile photo (wagtail_network.photos): an UploadedFile or None to remove it;
    # the focal point an (x, y) pair of fractions or None.
    + ("photo", "photo_focal_point")
)

#: Longest value of each text field, in characters (:mod:`wagtail_network.limits`).
PROFILE_TEXT_LIMITS = {
    "title": limits.NAME_MAX_LENGTH,
    "name": limits.NAME_MAX_LENGTH,
    "headline": limits.HEADLINE_MAX_LENGTH,
    "city": limits.PLACE_MAX_LENGTH,
    "country": limits.PLACE_MAX_LENGTH,
    "languages": limits.LANGUAGES_MAX_LENGTH,
    "contact_email": limits.EMAIL_MAX_LENGTH,
    "contact_phone": limits.PHONE_MAX_LENGTH,
    "bio": limits.LONG_TEXT_MAX_LENGTH,
}

#: Most items of each list field.
PROFILE_LIST_LIMITS = {
    "skills": limits.ID_LIST_MAX_ITEMS,
    "add_skills": limits.ID_LIST_MAX_ITEMS,
    "interests": limits.TAG_MAX_ITEMS,
    "open_to": limits.FILTER_MAX_ITEMS,
    "positions": limits.POSITIONS_MAX_ITEMS,
    "education": limits.EDUCATION_MAX_ITEMS,
    "links": limits.LINKS_MAX_ITEMS,
}

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
        name, errors = next(iter(exc.error_dict.items()))
        message = errors[0].messages[0] if errors else exc.messages[0]
        field = None if name == "__all__" else f"{prefix}{name}"
        return _error(ErrorCode.VALIDATION, message, field=field)
    return _error(ErrorCode.VALIDATION, exc.messages[0] if exc.messages else None)


def check_input_limits(
    fields: dict[str, Any], text_limits: dict[str, int], list_limits: dict[str, int]
) -> None:
    """``VALIDATION`` on the first field whose text or list is over its limit or
    holds a control character, before anything is looked up or written. Plain
    items of a list (tags) are held to :data:`~wagtail_network.limits.TAG_MAX_LENGTH`;
    the texts of list rows (positions, links …) are checked for control characters
    here and for length by the model's own ``full_clean``."""
    for name, value in fields.items():
        if name in text_limits and value is not None:
            limits.check_text(value, text_limits[name], name)
        elif name in list_limits:
            items = limits.check_list(value, list_limits[name], name)
            for i, item in enumerate(items):
                if isinstance(item, str):
                    limits.check_text(item, limits.TAG_MAX_LENGTH, f"{name}.{i}")
                elif isinstance(item, dict):
                    for key, text in item.items():
                        if isinstance(text, str):
                            limits.check_text(text, None, f"{name}.{i}.{key}")


def _only_known(fields: dict[str, Any], known: frozenset[str]) -> None:
    """``VALIDATION`` on the first field (alphabetically) that is not ``known``."""
    unknown = sorted(set(fields) - known)
    if unknown:
        raise _error(ErrorCode.VALIDATION, _("Unknown field."), field=unknown[0])


def _resolve_vocab(model: type[models.Model], value: Any, field: str):
    """A vocabulary term by instance, id or slug (a company's industry)."""
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    obj = None
    if isinstance(value, int) and not isinstance(value, bool):
        obj = model._default_manager.filter(pk=value).first()
    elif isinstance(value, str):
        obj = model._default_manager.filter(slug=value).first()
        if obj is None and value.isdigit():
            obj = model._default_manager.filter(pk=int(value)).first()
    if obj is None:
        raise _error(ErrorCode.VALIDATION, _("Unknown value."), field=field)
    return obj


def member_directory() -> MemberIndexPage | None:
    """The member directory new profiles go under (joining, or an editor's import):
    setting ``MEMBER_DIRECTORY`` (slug or id), else the first live one."""
    setting = get_setting("MEMBER_DIRECTORY")
    qs = MemberIndexPage.objects.all()
    if setting in (None, ""):
        return qs.live().order_by("path").first()
    if isinstance(setting, int) or (isinstance(setting, str) and setting.isdigit()):
        return qs.filter(pk=int(setting)).first()
    return qs.filter(slug=setting).order_by("path").first()


def _member_directory() -> MemberIndexPage:
    directory = member_directory()
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


def _apply_profile_fields(page: MemberPage, fields: dict[str, Any]) -> list[str]:
    """Set the cleaned values (:func:`wagtail_network.profile_forms.clean_profile`)
    on ``page``. Returns the names of new skills to suggest to the editors once
    the page is saved (setting ``NEW_SKILLS``)."""
    suggested: list[str] = []
    for name, value in fields.items():
        if name == "name":
            page.title = (value or "").strip()
            # The name is now one the member (or an editor) gave, not a placeholder
            # put in by repair_profile_names.
            page.name_needs_review = False
        elif name in PROFILE_TEXT_FIELDS:
            setattr(page, name, (value or "").strip())
        elif name in PROFILE_VISIBILITY_FIELDS:
            setattr(page, name, value)
        elif name == "bio":
            page.bio = plain_text_to_rich_text(value)
        elif name == "industry":
            page.industry = value
        elif name in ("skills", "add_skills"):
            listed = list(page.skills.all()) if name == "add_skills" else []
            listed += [s for s in value.skills if s not in listed]
            suggested += _new_skills(value.new_names, listed)
            page.skills = listed
        elif name == "interests":
            page.interests.set(value)
        elif name == "open_to":
            for choice, attr in MemberPage.OPEN_TO_FIELDS.items():
                setattr(page, attr, choice in value)
        elif name == "positions":
            page.positions = _positions(page, value)
        elif name == "education":
            page.education = _children(Education, value)
        elif name == "links":
            page.links = _children(MemberLink, value)
        # --- profile photo (wagtail_network.photos) ---------------------------
        elif name == "photo":
            _apply_photo(page, value, fields.get("photo_focal_point"))
        elif name == "photo_focal_point" and "photo" not in fields:
            # Alone: move the focal point of the current photo, if it is the
            # member's own upload (an editor's library image is not theirs to crop).
            current = page.photo if page.photo_id else None
            if photos.is_plugin_photo(current):
                photos.set_focal_point(current, *(value or (None, None)))
    return suggested


def _apply_photo(page: MemberPage, upload: Any, focal_point: Any) -> None:
    """A new photo (checked by :class:`~wagtail_network.profile_forms.PhotoForm`,
    stored in the plugin's collection) or none, in place of the current one, which
    is deleted once the change commits (if it was the plugin's and nothing else
    uses it)."""
    replaced = page.photo if page.photo_id else None
    if upload is None:
        page.photo = None
    else:
        page.photo = photos.store_photo(
            page.user or page.owner, upload, title=page.title, focal_point=focal_point
        )
    if replaced is not None:
        photos.discard_photo(replaced)


def _new_skills(names: list[str], listed: list[Skill]) -> list[str]:
    """Skills the vocabulary does not hold: created and added to ``listed``
    (``NEW_SKILLS = "create"``), or returned to be suggested to the editors."""
    if not names:
        return []
    if get_setting("NEW_SKILLS") != "create":
        return names
    for name in names:
        skill, _created = _skill_named(name)
        if skill not in listed:
            listed.append(skill)
    return []


def _suggest_skills(page: MemberPage, names: list[str]) -> None:
    """Record skills the member named for the editors to accept or reject."""
    if not names:
        return
    from ..models import SkillSuggestion

    waiting = {
        n.casefold()
        for n in SkillSuggestion.objects.filter(member=page).values_list("name", flat=True)
    }
    SkillSuggestion.objects.bulk_create(
        [SkillSuggestion(member=page, name=n) for n in names if n.casefold() not in waiting]
    )


def _clean(fields: dict[str, Any], *, joining: bool) -> dict[str, Any]:
    """``fields`` validated once, by the field groups' forms; errors named for the
    caller's own field names (``title`` when the caller said ``title``)."""
    try:
        cleaned = profile_forms.clean_profile(fields, joining=joining)
    except profile_forms.ProfileInvalid as exc:
        if "title" in fields and "name" not in fields:
            for error in exc.errors:
                if error.field == "name":
                    error.field = "title"
            if exc.field == "name":
                exc.field = "title"
        raise
    return cleaned


def _children(model: type[models.Model], rows: list[dict]) -> list:
    result = []
    for i, row in enumerate(rows):
        obj: Any = model(**{k: v for k, v in row.items() if k != "id"})
        # The order the member gave is the order shown (Orderable sorts by it; left
        # unset, rows come back in whatever order the database picks).
        obj.sort_order = i
        result.append(obj)
    return result


POSITION_FIELDS = ("company", "company_name", "title", "start_date", "end_date", "is_current")


def _positions(page: MemberPage, rows: list[dict]) -> list[Position]:
    """The member's positions, replaced by ``rows`` (cleaned by
    :class:`~wagtail_network.profile_forms.PositionForm`).

    A row with the ``id`` of an existing position keeps its confirmation unless
    the company, title or start date changed: a company admin confirmed those.
    """
    existing = {p.pk: p for p in Position.objects.filter(member_id=page.pk)} if page.pk else {}
    result = []
    for i, row in enumerate(rows):
        values = {k: v for k, v in row.items() if k in POSITION_FIELDS}
        old = existing.get(row["id"]) if row.get("id") else None
        if values.get("company") not in (None, ""):
            pk = _pk(values["company"], f"positions.{i}.company")
            # Any live company may be claimed. A position kept at the company it
            # already names stays even when that company has since been
            # unpublished: the member claims nothing new, and re-sending the list
            # (or claiming elsewhere, :func:`claim_position`) must not fail on it.
            companies = CompanyPage.objects.all()
            if old is None or old.company_id != pk:
                companies = companies.live()
            found = companies.filter(pk=pk).first()
            if found is None:
                raise _error(
                    ErrorCode.NOT_FOUND,
                    _("This company is not in the network (any more): choose another."),
                    field=f"positions.{i}.company",
                )
            values["company"] = found
        else:
            values["company"] = None
        position = Position(**values)
        position.sort_order = i
        if old is not None:
            position.pk = old.pk
            if (
                old.company_id == (position.company.pk if position.company else None)
                and old.title == position.title
                and old.start_date == position.start_date
            ):
                position.verified_at = old.verified_at
                position.verified_by_id = old.verified_by_id
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


def _save_and_publish(page, user: Any, publish: bool, log_action: bool | str = True):
    """Save a revision and publish it through Wagtail, so revisions, the audit log
    and the page signals all record the change (``log_action=False`` for a page
    just created: ``add_child`` logged its creation). ``user=None``: setup code
    with no user (a management command); the revision and entries name nobody."""
    author = user_of(user) if user is not None else None
    try:
        revision = page.save_revision(user=author, log_action=log_action)
    except ValidationError as exc:
        raise _validation_from(exc) from None
    if publish:
        # The service layer has already decided who may change this page; the
        # member has no Wagtail page permissions on their own profile.
        revision.publish(user=author, skip_permission_checks=True)
    return revision


@contextmanager
def _title_as_name(fields: dict[str, Any]):
    """Report errors about the page title under ``name`` when the caller said
    ``name`` (a company's fields)."""
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
    viewer = Viewer.of(user)
    user = viewer.user
    _require_user(viewer)
    _only_known(fields, PROFILE_FIELDS)
    check_input_limits(fields, PROFILE_TEXT_LIMITS, PROFILE_LIST_LIMITS)
    joining = not MemberPage.objects.filter(user_id=user.pk).exists()
    cleaned = _clean(fields, joining=joining)
    with transaction.atomic():
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
            page = _create_profile(user, cleaned)
        else:
            page = _edit_profile(user, member, cleaned)
    _changed(viewer)
    return MemberPage.objects.get(pk=page.pk)


def _position_row(position: Position) -> dict[str, Any]:
    """A position of a profile (revision) as :func:`_positions` takes it back: the
    same row, so that re-sending it keeps its confirmation."""
    row: dict[str, Any] = {name: getattr(position, name) for name in POSITION_FIELDS}
    row["company"] = position.company_id
    if position.pk is not None:
        row["id"] = position.pk
    return row


def claim_position(user: Any, company: Any, title: str = "") -> Position:
    """The one-click "I work here": a current position at ``company`` (instance or
    id), unconfirmed until one of the company's admins confirms it
    (:func:`~wagtail_network.services.confirm_position`).

    The claim is an edit of the member's own profile through the same path as
    :func:`update_my_profile` with ``positions`` (the member's positions, as the
    latest revision holds them, plus the new one): the same validation, the same
    revision, publication and audit entry. ``title`` is the job title; left empty
    it reads "Employee" (in the member's language at the time; they can change it
    in their profile). The profile must be published: a claim reaches the
    company's admins, whom a draft profile does not reach yet (and whose
    positions are not rows anyone could confirm).

    Errors: ``UNAUTHENTICATED``, ``NO_PROFILE`` (none, or not published),
    ``NOT_FOUND`` (``company``: missing, not visible or not live),
    ``ALREADY_EXISTS`` (a current position at the company is already listed),
    ``VALIDATION`` (``title``: too long, control characters; ``positions``: the
    profile already lists the most positions allowed).
    """
    viewer = Viewer.of(user)
    me = _actor(viewer)
    target = _visible_company(viewer, company)
    if not target.live:
        raise _error(ErrorCode.NOT_FOUND, field="company")
    title = limits.check_text(title, Position._meta.get_field("title").max_length, "title")
    if not title:
        title = pgettext("job title", "Employee")
    with transaction.atomic():
        # Held until the edit below is saved: two claims at once cannot both
        # find "no current position here" (the edit takes the same lock again).
        _lock_members(me.pk)
        page = MemberPage.objects.get(pk=me.pk).get_latest_revision_as_object()
        held = list(page.positions.all())
        if any(p.company_id == target.pk and p.is_current for p in held):
            raise _error(ErrorCode.ALREADY_EXISTS, field="company")
        rows = [_position_row(p) for p in held]
        rows.append({"company": target.pk, "title": title, "is_current": True})
        fields = {"positions": rows}
        try:
            check_input_limits(fields, PROFILE_TEXT_LIMITS, PROFILE_LIST_LIMITS)
            _edit_profile(viewer, me, _clean(fields, joining=False))
        except NetworkError as exc:
            # Name the claim's own input, not the row of the list it was built into.
            prefix = f"positions.{len(rows) - 1}."
            if exc.field and exc.field.startswith(prefix):
                exc.field = exc.field[len(prefix) :]
            raise
        position = (
            Position.objects.filter(member_id=me.pk, company_id=target.pk, is_current=True)
            .order_by("-pk")
            .first()
        )
        if position is not None:
            from .roles import company_admins

            notifications.notify(
                "position_claimed",
                company_admins(target),
                actor=me,
                company=target,
                position=position,
            )
    _changed(viewer)
    return position


def save_member_profile(editor: Any, member: Any = None, /, **fields: Any) -> MemberPage:
    """Create (``member=None``) or edit a member profile as an editor (e.g. CSV import).

    The same path as a member's own :func:`update_my_profile`, with the same
    fields: a new profile goes under the member directory (setting
    ``MEMBER_DIRECTORY``) with a free slug, is owned by the editor, linked to no
    account, and published at once (logged as Wagtail's ``wagtail.create`` and
    ``wagtail.publish``); an edit is a new revision, published when the page is
    live (drafts stay drafts), and an edit that changes nothing writes nothing.
    Who: users whose Wagtail page permissions let them add and publish pages in
    the directory (create) or edit, and publish if live, the profile (edit).
    ``editor`` is a user or a Viewer. Errors: ``UNAUTHENTICATED``,
    ``PERMISSION_DENIED``, ``NOT_FOUND`` (``member``), ``INVALID_STATE`` (no
    member directory), ``VALIDATION`` with ``field``.
    """
    viewer = Viewer.of(editor)
    _require_user(viewer)
    _only_known(fields, PROFILE_FIELDS)
    check_input_limits(fields, PROFILE_TEXT_LIMITS, PROFILE_LIST_LIMITS)
    cleaned = _clean(fields, joining=member is None)
    with transaction.atomic():
        if member is None:
            perms = _member_directory().permissions_for_user(viewer.user)
            if not (perms.can_add_subpage() and perms.can_publish_subpage()):
                raise _error(ErrorCode.PERMISSION_DENIED)
            page = _create_profile(viewer, cleaned, as_editor=True)
        else:
            current = MemberPage.objects.filter(pk=_pk(member, "member")).first()
            if current is None:
                raise _error(ErrorCode.NOT_FOUND, field="member")
            perms = current.permissions_for_user(viewer.user)
            if not perms.can_edit() or (current.live and not perms.can_publish()):
                raise _error(ErrorCode.PERMISSION_DENIED)
            page = _edit_profile(viewer, current, cleaned, as_editor=True)
    _changed(viewer)
    return MemberPage.objects.get(pk=page.pk)


def _create_profile(user: Any, fields: dict[str, Any], *, as_editor: bool = False) -> MemberPage:
    """A new profile under the member directory: the joining ``user``'s own, or
    (``as_editor``) one that the editor ``user`` creates for no account."""
    viewer = Viewer.of(user)
    from wagtail.models import Page

    directory = _member_directory()
    # Joins add children to one directory: serialise them, so that treebeard's
    # next path and the free slug are computed from what the previous join wrote
    # (two concurrent add_child calls would compute the same path).
    list(Page.objects.select_for_update().filter(pk=directory.pk).values_list("pk", flat=True))
    directory = MemberIndexPage.objects.get(pk=directory.pk)
    title = (fields.get("name") or "").strip()
    account = None if as_editor else viewer.user
    if not title:
        # The name is shown to everyone who may see the profile: it is asked for, never
        # taken from the account (a username or an e-mail address would leak).
        raise _error(
            ErrorCode.VALIDATION,
            _("Give the name to show on your profile."),
            field="name",
        )
    page = MemberPage(title=title, user=account, owner=viewer.user, live=False)
    if get_setting("LOCKED_PROFILE_VISIBILITY"):
        page.profile_visibility = get_setting("LOCKED_PROFILE_VISIBILITY")
    for name, audience in (get_setting("LOCKED_FIELD_VISIBILITY") or {}).items():
        setattr(page, f"{name}_visibility", audience)
    # The user model's own e-mail field (EMAIL_FIELD), which need not be "email".
    account_email = getattr(account, get_user_model().get_email_field_name(), None) or ""
    if "contact_email" not in fields and account_email:
        page.contact_email = account_email
    suggested = _apply_profile_fields(page, fields)
    page.slug = _unique_slug(directory, page.title)
    try:
        directory.add_child(instance=page)
    except ValidationError as exc:
        raise _validation_from(exc) from None
    _suggest_skills(page, suggested)
    if as_editor:
        # As Wagtail's admin does for an editor's new page: the creation (logged by
        # add_child, with the owner) and the publication, no separate edit entry.
        _save_and_publish(page, viewer, publish=True, log_action=False)
        return page
    _save_and_publish(page, viewer, publish=bool(get_setting("NEW_PROFILES_LIVE")))
    _log(page, "wagtail_network.profile.join", viewer, member=page.pk)
    # The language the member joined in is the one their e-mails are written in,
    # until they choose another with their notification preferences.
    notifications.remember_language(viewer.user, translation.get_language() or "")
    if not page.live:
        from wagtail.permission_policies.pages import PagePermissionPolicy

        editors = PagePermissionPolicy().users_with_permission_for_instance("publish", page)
        notifications.notify("profile_waiting", editors, member=page)
    return page


def _edit_profile(
    user: Any, member: MemberPage, fields: dict[str, Any], *, as_editor: bool = False
) -> MemberPage:
    viewer = Viewer.of(user)
    _lock_members(member.pk)
    current = MemberPage.objects.get(pk=member.pk)
    page = current.get_latest_revision_as_object()
    _carry_verifications(page)
    before = page.serializable_data()
    suggested = _apply_profile_fields(page, fields)
    _suggest_skills(current, suggested)
    # The page's own URL identity is not the member's to change here.
    page.slug = current.slug
    if not as_editor:
        page.user = viewer.user
    if _already_so(current, page, before):
        return current
    _save_and_publish(page, viewer, publish=current.live)
    # Skills, interests, positions, industry, place and "open to" are where the
    # member's suggestions come from.
    forget_suggestions(member.pk)
    return page


def _already_so(current: Any, page: Any, before: dict[str, Any]) -> bool:
    """Whether an edit of ``page`` (the latest revision of ``current``, whose data
    was ``before``) changed nothing that would be saved: then no revision, no
    publication and no audit entry are written. A live page with a draft waiting
    is not "already so": the edit publishes that draft."""
    if current.live and current.has_unpublished_changes:
        return False
    return page.serializable_data() == before
