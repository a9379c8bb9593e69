"""Skills and industries: editor-managed vocabularies, and merging duplicates.

Merging is :func:`wagtail_network.services.merge_terms` (its checks, transaction
and audit entries); the bulk action only asks which term to keep.
"""

from __future__ import annotations

from django import forms
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin import messages
from wagtail.permissions import policy_registry

from .. import services
from ..errors import NetworkError
from ..models import Industry, Skill
from .actions import NetworkBulkAction
from .listings import NetworkSnippetViewSet


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
