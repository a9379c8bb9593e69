"""Editor-managed vocabularies (skills, industries): merging duplicate terms, and the
skills members suggested (setting ``NEW_SKILLS = "suggest"``) accepted or rejected."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Exists, Model, OuterRef, Q
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Revision

from .. import search
from ..errors import ErrorCode
from ..models import CompanyPage, Endorsement, Industry, MemberPage, Skill, SkillSuggestion
from ..viewer import Viewer
from .base import _changed, _error, _log, _pk, _require_user, _resolve_skill, _skill_named
from .profiles import save_member_profile


def _permission(model: type[Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def merge_terms(user: Any, keep: Skill | Industry, duplicates: list) -> dict[str, int]:
    """Merge duplicate vocabulary terms into ``keep`` and delete them, atomically.

    Members and companies pointing at a duplicate point at ``keep`` afterwards;
    endorsements of a duplicate skill move to ``keep`` unless the same endorser
    already endorsed that member for ``keep`` (then the duplicate endorsement
    goes, as the one-per-skill rule demands). The latest revision of each page
    concerned is rewritten too. Each duplicate is one ``wagtail_network.vocabulary.merge``
    entry on ``keep`` and one ``wagtail.delete`` entry on itself. Returns counts of
    what moved.

    Who: users holding both the ``change`` and the ``delete`` permission of the
    model (editors). Errors: ``UNAUTHENTICATED``, ``PERMISSION_DENIED``,
    ``VALIDATION`` (not a vocabulary, mixed models, nothing to merge).
    """
    model = type(keep)
    if model not in (Skill, Industry):
        raise _error(ErrorCode.VALIDATION, field="keep")
    viewer = Viewer.of(user)
    _require_user(viewer)
    if not all(viewer.user.has_perm(_permission(model, action)) for action in ("change", "delete")):
        raise _error(ErrorCode.PERMISSION_DENIED)
    if any(type(d) is not model for d in duplicates):
        raise _error(ErrorCode.VALIDATION, field="duplicates")
    duplicates = [d for d in duplicates if d.pk != keep.pk]
    if not duplicates:
        raise _error(ErrorCode.VALIDATION, _("Choose at least one duplicate to merge."), "keep")
    dup_ids = [d.pk for d in duplicates]
    counts = {"members": 0, "companies": 0, "endorsements": 0}
    company_ids: list[int] = []
    with transaction.atomic():
        if model is Skill:
            through = MemberPage.skills.through
            members_with_keep = through.objects.filter(skill_id=keep.pk).values("memberpage_id")
            # Members listing both: drop the duplicate link; the rest are re-pointed.
            through.objects.filter(
                skill_id__in=dup_ids, memberpage_id__in=members_with_keep
            ).delete()
            member_ids = list(
                through.objects.filter(skill_id__in=dup_ids).values_list("memberpage_id", flat=True)
            )
            counts["members"] = through.objects.filter(skill_id__in=dup_ids).update(
                skill_id=keep.pk
            )
            clash = Endorsement.objects.filter(
                skill_id=keep.pk,
                endorser_id=OuterRef("endorser_id"),
                member_id=OuterRef("member_id"),
            )
            Endorsement.objects.filter(skill_id__in=dup_ids).filter(Exists(clash)).delete()
            counts["endorsements"] = Endorsement.objects.filter(skill_id__in=dup_ids).update(
                skill_id=keep.pk
            )
            _rewrite_revisions(MemberPage, member_ids, "skills", dup_ids, keep.pk, many=True)
        else:
            member_ids = list(
                MemberPage.objects.filter(industry_id__in=dup_ids).values_list("pk", flat=True)
            )
            company_ids = list(
                CompanyPage.objects.filter(industry_id__in=dup_ids).values_list("pk", flat=True)
            )
            counts["members"] = MemberPage.objects.filter(industry_id__in=dup_ids).update(
                industry_id=keep.pk
            )
            counts["companies"] = CompanyPage.objects.filter(industry_id__in=dup_ids).update(
                industry_id=keep.pk
            )
            _rewrite_revisions(MemberPage, member_ids, "industry", dup_ids, keep.pk)
            _rewrite_revisions(CompanyPage, company_ids, "industry", dup_ids, keep.pk)
        for duplicate in duplicates:
            _log(
                keep,
                "wagtail_network.vocabulary.merge",
                viewer,
                merged={"id": duplicate.pk, "name": duplicate.name},
                **counts,
            )
            log(instance=duplicate, action="wagtail.delete", user=viewer.user, deleted=True)
        model.objects.filter(pk__in=dup_ids).delete()
        # The pages' rows were re-pointed in SQL, past save() and its signals:
        # their search entries (and Wagtail's index) still hold the old names.
        search.reindex_profiles(member_ids + company_ids)
    _changed(viewer)
    return counts


def _rewrite_revisions(
    page_model: type[Model],
    page_ids: list[int],
    field: str,
    old: list[int],
    new: int,
    many: bool = False,
) -> None:
    """Point the latest revision of each page at the kept term.

    Drafts are stored as JSON in revisions; without this, publishing a draft made
    before the merge would point at a term that no longer exists.
    """
    if not page_ids:
        return
    revision_ids = page_model._default_manager.filter(
        pk__in=page_ids, latest_revision__isnull=False
    ).values_list("latest_revision_id", flat=True)
    for revision in Revision.objects.filter(pk__in=list(revision_ids)):
        content = revision.content or {}
        value = content.get(field)
        if many and isinstance(value, list):
            ids = [new if v in old else v for v in value]
            content[field] = list(dict.fromkeys(ids))
        elif not many and value in old:
            content[field] = new
        else:
            continue
        revision.content = content
        revision.save(update_fields=["content"])


def may_review_skill_suggestions(user: Any) -> bool:
    """Whether ``user`` may list, accept and reject skill suggestions: reviewing
    them decides what enters the vocabulary, so it takes the right to add skills
    (editors), whatever else the user may do (company admins and moderators may not)."""
    viewer = Viewer.of(user)
    return viewer.is_authenticated and viewer.user.has_perm(_permission(Skill, "add"))


def _may_review_suggestions(viewer: Viewer) -> None:
    _require_user(viewer)
    if not may_review_skill_suggestions(viewer):
        raise _error(ErrorCode.PERMISSION_DENIED)


def _suggestion_groups(suggestions: list) -> dict[str, list[SkillSuggestion]]:
    """The waiting suggestions of the names that ``suggestions`` (instances or ids)
    carry, every member's, grouped by name as typed first, locked for the change.

    ``VALIDATION`` when nothing is given; ``NOT_FOUND`` when one of them is gone
    (accepted or rejected meanwhile): nothing is decided on a stale selection.
    """
    pks = {_pk(s, "suggestions") for s in suggestions}
    if not pks:
        raise _error(
            ErrorCode.VALIDATION, _("Choose at least one skill suggestion."), "suggestions"
        )
    chosen = list(SkillSuggestion.objects.select_for_update().filter(pk__in=pks))
    if len(chosen) != len(pks):
        raise _error(ErrorCode.NOT_FOUND, field="suggestions")
    names: dict[str, str] = {}
    for suggestion in chosen:
        names.setdefault(suggestion.name.casefold(), suggestion.name)
    same_name = Q()
    for name in names.values():
        same_name |= Q(name__iexact=name)
    groups: dict[str, list[SkillSuggestion]] = {name: [] for name in names.values()}
    for suggestion in (
        SkillSuggestion.objects.select_for_update().filter(same_name).order_by("member_id", "pk")
    ):
        key = names.get(suggestion.name.casefold())
        if key is not None:  # iexact may fold more widely than casefold on some databases
            groups[key].append(suggestion)
    return groups


def accept_skill_suggestions(
    editor: Any, suggestions: list, skill: Skill | int | str | None = None
) -> dict[str, int]:
    """Accept skill suggestions: the named skill goes on each suggesting member's profile.

    A suggestion is a name; accepting one accepts that name for every member who
    suggested it (case-insensitively). Each name becomes the skill of that name
    (created when the vocabulary lacks it, logged ``wagtail.create``), or ``skill``
    when the editor maps it to an existing term ("JS" → "JavaScript"; every
    selected name then maps to it). The skill is added to each member's profile
    through :func:`save_member_profile` (a revision by the editor, published when
    the page is live, with its audit entry); the suggestions are deleted; each
    name is one ``wagtail_network.skill_suggestion.accept`` entry on the skill.
    All in one transaction: a profile the editor may not edit refuses the whole
    batch. Returns counts: ``skills_created``, ``members``, ``suggestions``.

    Who: users holding the Skill ``add`` permission (editors). Errors:
    ``UNAUTHENTICATED``, ``PERMISSION_DENIED``, ``VALIDATION`` (nothing chosen),
    ``NOT_FOUND`` (``suggestions``: one is gone; ``skill``: no such skill).
    """
    viewer = Viewer.of(editor)
    _may_review_suggestions(viewer)
    counts = {"skills_created": 0, "members": 0, "suggestions": 0}
    with transaction.atomic():
        target = _resolve_skill(skill) if skill is not None and skill != "" else None
        groups = _suggestion_groups(list(suggestions))
        per_member: dict[int, list[int]] = {}
        for name, rows in groups.items():
            if target is not None:
                term, created = target, False
            else:
                term, created = _skill_named(name)
            if created:
                log(instance=term, action="wagtail.create", user=viewer.user)
                counts["skills_created"] += 1
            members = list(dict.fromkeys(row.member_id for row in rows))
            for member_id in members:
                per_member.setdefault(member_id, [])
                if term.pk not in per_member[member_id]:
                    per_member[member_id].append(term.pk)
            _log(
                term,
                "wagtail_network.skill_suggestion.accept",
                viewer,
                suggested=name,
                members=members,
                created=created,
            )
            counts["suggestions"] += len(rows)
        for member_id, skill_ids in per_member.items():
            save_member_profile(viewer, member_id, add_skills=skill_ids)
        counts["members"] = len(per_member)
        SkillSuggestion.objects.filter(
            pk__in=[row.pk for rows in groups.values() for row in rows]
        ).delete()
    _changed(viewer)
    return counts


def reject_skill_suggestions(editor: Any, suggestions: list) -> int:
    """Reject skill suggestions: the names go, for every member who suggested them.

    Each deleted suggestion is one ``wagtail_network.skill_suggestion.reject``
    entry (its name and member), in one transaction. Returns how many were
    deleted. Who and errors: as :func:`accept_skill_suggestions` (no ``skill``).
    """
    viewer = Viewer.of(editor)
    _may_review_suggestions(viewer)
    with transaction.atomic():
        rows = [row for group in _suggestion_groups(list(suggestions)).values() for row in group]
        for row in rows:
            _log(
                row,
                "wagtail_network.skill_suggestion.reject",
                viewer,
                name=row.name,
                member=row.member_id,
            )
        SkillSuggestion.objects.filter(pk__in=[row.pk for row in rows]).delete()
    _changed(viewer)
    return len(rows)


__all__ = [
    "accept_skill_suggestions",
    "may_review_skill_suggestions",
    "merge_terms",
    "reject_skill_suggestions",
]
