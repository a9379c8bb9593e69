"""Skills and industries: editor-managed vocabularies, and merging duplicates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin import messages
from wagtail.permissions import policy_registry

from ..errors import NetworkError
from ..models import Endorsement, Industry, Skill
from .actions import NetworkBulkAction
from .listings import NetworkSnippetViewSet


class SkillViewSet(NetworkSnippetViewSet):
    model = Skill
    icon = "tag"
    menu_label = _("Skills")
    menu_name = "network-skills"
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "description"]
    list_export = ["name", "slug", "description"]
    ordering = ["name"]


class IndustryViewSet(NetworkSnippetViewSet):
    model = Industry
    icon = "site"
    menu_label = _("Industries")
    menu_name = "network-industries"
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "description"]
    list_export = ["name", "slug", "description"]
    ordering = ["name"]


class MergeTermsForm(forms.Form):
    keep = forms.ModelChoiceField(
        label=_("Keep"),
        queryset=Skill.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text=_("The others are merged into this one and deleted."),
    )


class MergeTermsBulkAction(NetworkBulkAction):
    """Merge duplicate skills or industries into the one the editor keeps."""

    models = [Skill, Industry]
    display_name = _("Merge duplicates")
    action_type = "merge"
    aria_label = _("Merge the selected terms into one")
    question = _(
        "Merge these terms? Members, companies and endorsements move to the term you keep; "
        "the others are deleted."
    )
    button_label = _("Yes, merge")
    action_priority = 40
    form_class = MergeTermsForm

    def user_may_act(self) -> bool:
        policy = policy_registry.get_by_type(self.model)
        user = self.request.user
        return policy.user_has_permission(user, "change") and policy.user_has_permission(
            user, "delete"
        )

    def check_perm(self, obj) -> bool:
        policy = policy_registry.get_by_type(self.model)
        user = self.request.user
        return policy.user_has_permission_for_instance(
            user, "change", obj
        ) and policy.user_has_permission_for_instance(user, "delete", obj)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        ids = [i for i in self.request.GET.getlist("id") if i.isdigit()]
        form.fields["keep"].queryset = self.model._default_manager.filter(pk__in=ids)
        return form

    def prepare_action(self, objects, objects_without_access):
        if objects_without_access.get("items_with_no_access") or len(objects) < 2:
            messages.error(
                self.request, _("Select at least two terms you may change and delete to merge.")
            )
            return HttpResponseRedirect(self.next_url)
        return None

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        action = kwargs["self"]
        keep = action.cleaned_form.cleaned_data["keep"]
        action.counts = merge_terms(user, keep, list(objects))
        return len(objects) - 1, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        keep = self.cleaned_form.cleaned_data["keep"]
        return ngettext(
            "%(count)d duplicate merged into “%(keep)s”.",
            "%(count)d duplicates merged into “%(keep)s”.",
            num_parent_objects,
        ) % {"count": num_parent_objects, "keep": keep}


def merge_terms(user: Any, keep: Skill | Industry, duplicates: list) -> dict[str, int]:
    """Merge duplicate vocabulary terms into ``keep`` and delete them, atomically.

    Members and companies pointing at a duplicate point at ``keep`` afterwards;
    endorsements of a duplicate skill move to ``keep`` unless the same endorser
    already endorsed that member for ``keep`` (then the duplicate endorsement
    goes, as the one-per-skill rule demands). Each merge is in the audit log.
    Returns counts of what moved.
    """
    from wagtail.log_actions import log

    from ..models import CompanyPage, MemberPage

    model = type(keep)
    duplicates = [d for d in duplicates if d.pk != keep.pk]
    if not duplicates:
        raise NetworkError("VALIDATION", _("Choose at least one duplicate to merge."), "keep")
    dup_ids = [d.pk for d in duplicates]
    counts = {"members": 0, "companies": 0, "endorsements": 0}
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
            log(
                instance=keep,
                action="wagtail_network.vocabulary.merge",
                user=user,
                data={"merged": {"id": duplicate.pk, "name": duplicate.name}, **counts},
            )
            log(instance=duplicate, action="wagtail.delete", user=user, deleted=True)
        model.objects.filter(pk__in=dup_ids).delete()
    return counts


def _rewrite_revisions(
    page_model: type, page_ids: list[int], field: str, old: list[int], new: int, many: bool = False
) -> None:
    """Point the latest revision of each page at the kept term.

    Drafts are stored as JSON in revisions; without this, publishing a draft made
    before the merge would point at a term that no longer exists.
    """
    if not page_ids:
        return
    from wagtail.models import Revision

    revision_ids = page_model.objects.filter(
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
