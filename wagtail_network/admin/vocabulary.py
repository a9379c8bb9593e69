"""Skills and industries: editor-managed vocabularies, merging duplicates, and the
skills members suggested.

Merging is :func:`wagtail_network.services.merge_terms` (its checks, transaction
and audit entries); the bulk action only asks which term to keep. Suggestions are
accepted and rejected by :func:`~wagtail_network.services.accept_skill_suggestions`
and :func:`~wagtail_network.services.reject_skill_suggestions`; their bulk actions
only ask, for accepting, whether to map the names to an existing skill.
"""

from __future__ import annotations

from django import forms
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Lower
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permissions import policy_registry
from wagtail.snippets.widgets import AdminSnippetChooser

from .. import services
from ..errors import NetworkError
from ..models import Industry, Skill, SkillSuggestion
from .actions import NetworkBulkAction
from .listings import LinkColumn, NetworkSnippetViewSet


class VocabularyViewSet(NetworkSnippetViewSet):
    """A vocabulary's listing: terms by name, searched and exported with their slug."""

    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "description"]
    list_export = ["name", "slug", "description"]
    ordering = ["name"]


class SkillViewSet(VocabularyViewSet):
    model = Skill
    icon = "tag"
    menu_label = _("Skills")
    menu_name = "network-skills"


class IndustryViewSet(VocabularyViewSet):
    model = Industry
    icon = "site"
    menu_label = _("Industries")
    menu_name = "network-industries"


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
    aria_label = _("Merge duplicates: the selected terms into one")
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
        requested = {i for i in self.request.GET.getlist("id") if i.isdigit()}
        if (
            len(objects) == 1
            and len(requested) > 1
            and not objects_without_access.get("items_with_no_access")
        ):
            # The others are gone: this merge was done already (a second click,
            # the back button). Nothing to write, nothing to log.
            messages.success(
                self.request,
                _(
                    "Nothing left to merge into “%(keep)s”: the other terms were already "
                    "merged or deleted."
                )
                % {"keep": objects[0]},
            )
            return HttpResponseRedirect(self.next_url)
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
        action.refusal = None
        try:
            action.counts = services.merge_terms(user, keep, list(objects))
        except NetworkError as error:
            action.refusal = error  # nothing was written
            return 0, 0
        return len(objects) - 1, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        if self.refusal is not None:
            messages.error(self.request, self.refusal.message)
            return None
        keep = self.cleaned_form.cleaned_data["keep"]
        return ngettext(
            "%(count)d duplicate merged into “%(keep)s”.",
            "%(count)d duplicates merged into “%(keep)s”.",
            num_parent_objects,
        ) % {"count": num_parent_objects, "keep": keep}


# --------------------------------------------------------------------------
# Skill suggestions (setting NEW_SKILLS = "suggest")
# --------------------------------------------------------------------------


class SuggestionCountMixin:
    """Each row says how many members suggested the same name (case-insensitively),
    as one correlated subquery: the listing's query count does not grow with it."""

    def get_base_queryset(self):
        qs = super().get_base_queryset()  # type: ignore[misc]
        same_name = (
            SkillSuggestion.objects.annotate(key=Lower("name"))
            .filter(key=Lower(OuterRef("name")))
            .order_by()
            .values("key")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return qs.annotate(suggested_by=Subquery(same_name))


def member_edit_url(suggestion: SkillSuggestion) -> str:
    return reverse("wagtailadmin_pages:edit", args=[suggestion.member_id])


class SkillSuggestionViewSet(NetworkSnippetViewSet):
    """Skills members named that the vocabulary lacks, waiting for an editor: one
    row per member and name, accepted or rejected with the bulk actions."""

    model = SkillSuggestion
    icon = "comment"
    menu_label = _("Skill suggestions")
    menu_name = "network-skill-suggestions"
    select_related = ("member",)
    index_view_mixins = (SuggestionCountMixin,)
    list_display = [
        "name",
        LinkColumn("member", get_url=member_edit_url, label=_("Member")),
        DateColumn("created_at", label=_("Suggested at"), sort_key="created_at"),
        Column("suggested_by", label=_("Members suggesting it")),
    ]
    search_fields = ["name"]
    ordering = ["name", "pk"]


class SuggestionBulkAction(NetworkBulkAction):
    """Open to those who may add skills (the service's own rule)."""

    models = [SkillSuggestion]

    def user_may_act(self) -> bool:
        return services.may_review_skill_suggestions(self.request.user)

    def check_perm(self, obj) -> bool:
        return self.user_may_act()

    @classmethod
    def get_queryset(cls, model, object_ids):
        # Wagtail answers 404 when none of the ids exists; here that is a second
        # click on suggestions already decided, answered by prepare_action.
        return list(model._default_manager.filter(pk__in=object_ids))

    def prepare_action(self, objects, objects_without_access):
        if not objects:
            messages.success(
                self.request,
                _("These suggestions were already accepted or rejected: nothing to do."),
            )
            return HttpResponseRedirect(self.next_url)
        return None

    def get_success_message(self, num_parent_objects, num_child_objects):
        if self.refusal is not None:
            messages.error(self.request, self.refusal.message)
            return None
        return self.done_message(num_parent_objects)

    def done_message(self, count: int) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


class AcceptSuggestionsForm(forms.Form):
    skill = forms.ModelChoiceField(
        label=_("Map to an existing skill"),
        queryset=Skill.objects.all(),
        required=False,
        widget=AdminSnippetChooser(Skill),
        help_text=_(
            "Optional: add this skill instead of the suggested names, e.g. “JavaScript” "
            "for “JS”. Leave it empty to make each name a skill of its own."
        ),
    )


class AcceptSkillSuggestionsBulkAction(SuggestionBulkAction):
    display_name = _("Accept as skills")
    action_type = "accept"
    aria_label = _("Accept as skills: the selected suggestions")
    question = _(
        "Accept these suggestions? Each name becomes a skill (or the skill you map them to) "
        "on the profile of every member who suggested it."
    )
    button_label = _("Yes, accept")
    action_priority = 20
    form_class = AcceptSuggestionsForm

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        action = kwargs["self"]
        action.refusal = None
        try:
            counts = services.accept_skill_suggestions(
                user, list(objects), skill=action.cleaned_form.cleaned_data.get("skill")
            )
        except NetworkError as error:
            action.refusal = error  # nothing was written
            return 0, 0
        return counts["suggestions"], 0

    def done_message(self, count: int) -> str:
        return ngettext(
            "%(count)d skill suggestion accepted.",
            "%(count)d skill suggestions accepted.",
            count,
        ) % {"count": count}


class RejectSkillSuggestionsBulkAction(SuggestionBulkAction):
    display_name = _("Reject")
    action_type = "reject"
    aria_label = _("Reject: the selected suggestions")
    question = _(
        "Reject these suggestions? They are deleted for every member who suggested the "
        "same name; no skill is added."
    )
    button_label = _("Yes, reject")
    action_priority = 30

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        action = kwargs["self"]
        action.refusal = None
        try:
            rejected = services.reject_skill_suggestions(user, list(objects))
        except NetworkError as error:
            action.refusal = error
            return 0, 0
        return rejected, 0

    def done_message(self, count: int) -> str:
        return ngettext(
            "%(count)d skill suggestion rejected.",
            "%(count)d skill suggestions rejected.",
            count,
        ) % {"count": count}
