"""Editor-managed vocabularies (skills, industries): merging duplicate terms."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Exists, Model, OuterRef
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Revision

from .. import search
from ..errors import ErrorCode
from ..models import CompanyPage, Endorsement, Industry, MemberPage, Skill
from ..viewer import Viewer
from .base import _changed, _error, _log, _require_user


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


__all__ = ["merge_terms"]
