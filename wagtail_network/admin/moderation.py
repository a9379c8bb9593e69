"""Moderation: endorsements, recommendations and reports, and the moderation queue.

Decisions (approve, reject, resolve, dismiss) are made only through the bulk
actions below, each a call to :mod:`wagtail_network.services`
(``moderate_endorsement``, ``moderate_recommendation``, ``resolve_report``): the
edit forms show an item's state but do not let anyone change it, so no decision
skips the service's checks and its audit-log entry.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import NoReverseMatch, path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.log_actions import log
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction

from .. import services, visibility
from ..models import (
    Endorsement,
    EndorsementState,
    Recommendation,
    RecommendationRelationship,
    RecommendationState,
    Report,
    ReportReason,
    ReportState,
    Skill,
)
from ..viewer import Viewer
from .actions import ServiceBulkAction
from .listings import CreatedFilterMixin, RelationSnippetViewSet, YesNoColumn, state_column
from .screens import NetworkScreenView, NetworkScreenViewSet

# --------------------------------------------------------------------------
# Listings
# --------------------------------------------------------------------------


class EndorsementFilterSet(WagtailFilterSet, CreatedFilterMixin):
    state = django_filters.ChoiceFilter(label=_("State"), choices=EndorsementState.choices)
    is_hidden = django_filters.BooleanFilter(label=_("Hidden by the recipient"))
    skill = django_filters.ModelChoiceFilter(label=_("Skill"), queryset=Skill.objects.all())

    class Meta:
        model = Endorsement
        fields = ["state", "is_hidden", "skill", "created_at"]


class RecommendationFilterSet(WagtailFilterSet, CreatedFilterMixin):
    state = django_filters.ChoiceFilter(label=_("State"), choices=RecommendationState.choices)
    relationship = django_filters.ChoiceFilter(
        label=_("Relationship"), choices=RecommendationRelationship.choices
    )
    is_hidden = django_filters.BooleanFilter(label=_("Hidden by the recipient"))

    class Meta:
        model = Recommendation
        fields = ["state", "relationship", "is_hidden", "created_at"]


class ReportFilterSet(WagtailFilterSet, CreatedFilterMixin):
    state = django_filters.ChoiceFilter(label=_("State"), choices=ReportState.choices)
    reason = django_filters.ChoiceFilter(label=_("Reason"), choices=ReportReason.choices)

    class Meta:
        model = Report
        fields = ["state", "reason", "created_at"]


class DecisionButtonsMixin:
    """An index view whose rows awaiting a decision offer it in their "More" menu.

    Each button opens the confirmation page of the bulk action for that one row,
    so a single decision goes through the same service call as a bulk one.
    """

    #: The state of rows that wait for a moderator.
    awaiting_state: str = ""
    #: ``(bulk action type, label, icon)`` of each decision.
    decisions: tuple[tuple[str, Any, str], ...] = ()

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if instance.state != self.awaiting_state or not visibility.can_moderate(
            Viewer.for_request(self.request)
        ):
            return buttons
        meta = self.model._meta
        for priority, (action, label, icon) in enumerate(self.decisions, start=1):
            url = reverse("wagtail_bulk_action", args=[meta.app_label, meta.model_name, action])
            query = urlencode({"next": self.request.get_full_path(), "id": instance.pk})
            buttons.append(
                ListingMenuItem(label, url=f"{url}?{query}", icon_name=icon, priority=priority)
            )
        return buttons


def shown_state() -> FieldPanel:
    """The state in an edit form: shown, never changed there. Approving and
    rejecting are the decision actions, through the service layer (its checks and
    its audit entry)."""
    return FieldPanel("state", read_only=True)


APPROVE_OR_REJECT = (("approve", _("Approve"), "check"), ("reject", _("Reject"), "cross"))


class EndorsementViewSet(RelationSnippetViewSet):
    model = Endorsement
    icon = "pick"
    menu_label = _("Endorsements")
    menu_name = "network-endorsements"
    select_related = ("endorser", "member", "skill")
    list_display = [
        "__str__",
        "skill",
        state_column(),
        YesNoColumn("is_hidden", label=_("Hidden by the recipient")),
        DateColumn("created_at", label=_("Created"), sort_key="created_at"),
    ]
    filterset_class = EndorsementFilterSet
    index_view_mixins = (DecisionButtonsMixin,)
    index_view_attrs = {"awaiting_state": EndorsementState.PENDING, "decisions": APPROVE_OR_REJECT}
    search_fields = ["endorser__title", "member__title", "skill__name"]
    list_export = ["pk", "endorser", "member", "skill", "state", "is_hidden", "created_at"]
    panels = [
        FieldPanel("endorser", read_only=True),
        FieldPanel("member", read_only=True),
        FieldPanel("skill", read_only=True),
        shown_state(),
        FieldPanel("is_hidden"),
    ]


class RecommendationViewSet(RelationSnippetViewSet):
    model = Recommendation
    icon = "openquote"
    menu_label = _("Recommendations")
    menu_name = "network-recommendations"
    select_related = ("author", "member")
    list_display = [
        "__str__",
        "relationship",
        state_column(),
        YesNoColumn("is_hidden", label=_("Hidden by the recipient")),
        DateColumn("created_at", label=_("Written"), sort_key="created_at"),
    ]
    filterset_class = RecommendationFilterSet
    index_view_mixins = (DecisionButtonsMixin,)
    index_view_attrs = {
        "awaiting_state": RecommendationState.PENDING_MODERATION,
        "decisions": APPROVE_OR_REJECT,
    }
    search_fields = ["author__title", "member__title", "text"]
    list_export = [
        "pk",
        "author",
        "member",
        "relationship",
        "state",
        "is_hidden",
        "text",
        "created_at",
    ]
    panels = [
        FieldPanel("author", read_only=True),
        FieldPanel("member", read_only=True),
        FieldPanel("relationship"),
        FieldPanel("text"),
        shown_state(),
        FieldPanel("is_hidden"),
    ]


class ReportViewSet(RelationSnippetViewSet):
    model = Report
    icon = "warning"
    # In context: Wagtail's own "Reports" menu (audit reports) keeps its Dutch.
    menu_label = pgettext_lazy("moderation", "Reports")
    menu_name = "network-reports"
    select_related = (
        "reporter",
        "target_member",
        "target_company",
        # A reported endorsement or recommendation is shown by who and what.
        "target_endorsement__endorser",
        "target_endorsement__member",
        "target_endorsement__skill",
        "target_recommendation__author",
        "target_recommendation__member",
    )
    list_display = [
        "__str__",
        "reporter",
        Column("target", label=_("Reported")),
        state_column(),
        DateColumn("created_at", label=_("Reported at"), sort_key="created_at"),
    ]
    filterset_class = ReportFilterSet
    index_view_mixins = (DecisionButtonsMixin,)
    index_view_attrs = {
        "awaiting_state": ReportState.OPEN,
        "decisions": (("resolve", _("Resolve"), "check"), ("dismiss", _("Dismiss"), "cross")),
    }
    search_fields = ["reporter__title", "target_member__title", "target_company__title", "details"]
    list_export = ["pk", "reporter", "target", "reason", "details", "state", "created_at"]
    export_headings = {"pk": _("ID"), "target": _("Reported")}
    # No edit form: its policy refuses "change" (a report's state and note are the
    # decision, made with the Resolve and Dismiss actions); the inspect view shows it.


# --------------------------------------------------------------------------
# Bulk actions: decisions through the service layer
# --------------------------------------------------------------------------


class Approval:
    """What an approving decision shows; ``approve`` is passed to the service."""

    display_name = _("Approve")
    action_type = "approve"
    button_label: str | Promise = _("Yes, approve")
    action_priority = 10
    approve = True
    unchanged_message = ngettext_lazy(
        "%(count)d was already approved.", "%(count)d were already approved.", "count"
    )


class Rejection:
    """What a rejecting decision shows; ``approve`` is passed to the service."""

    display_name = _("Reject")
    action_type = "reject"
    button_label: str | Promise = _("Yes, reject")
    action_priority = 20
    classes = {"serious"}
    approve = False
    unchanged_message = ngettext_lazy(
        "%(count)d was already rejected.", "%(count)d were already rejected.", "count"
    )


class ModerateEndorsements(ServiceBulkAction):
    models = [Endorsement]
    approve = True

    def call_service(self, user, obj):
        services.moderate_endorsement(user, obj, self.approve)


class ModerateRecommendations(ServiceBulkAction):
    models = [Recommendation]
    approve = True

    def call_service(self, user, obj):
        services.moderate_recommendation(user, obj, self.approve)


class ApproveEndorsementsBulkAction(Approval, ModerateEndorsements):
    aria_label = _("Approve selected endorsements")
    question = _("Approve these endorsements? They go live on the members' profiles.")


class RejectEndorsementsBulkAction(Rejection, ModerateEndorsements):
    aria_label = _("Reject selected endorsements")
    question = _("Reject these endorsements? They will not be shown.")


class ApproveRecommendationsBulkAction(Approval, ModerateRecommendations):
    aria_label = _("Approve selected recommendations")
    question = _("Approve these recommendations? They go live on the members' profiles.")


class RejectRecommendationsBulkAction(Rejection, ModerateRecommendations):
    aria_label = _("Reject selected recommendations")
    question = _("Reject these recommendations? They will not be shown.")


class ResolveReportsForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResolveReportsBulkAction(ServiceBulkAction):
    models = [Report]
    display_name = _("Resolve")
    action_type = "resolve"
    aria_label = _("Resolve selected reports")
    question = _("Mark these reports as resolved (action was taken)?")
    button_label = _("Yes, resolve")
    action_priority = 10
    form_class = ResolveReportsForm
    state = ReportState.RESOLVED
    unchanged_message = ngettext_lazy(
        "%(count)d was already resolved.", "%(count)d were already resolved.", "count"
    )

    def call_service(self, user, obj):
        note = self.cleaned_form.cleaned_data.get("note", "") if self.cleaned_form else ""
        services.resolve_report(user, obj, self.state, note=note)


class DismissReportsBulkAction(ResolveReportsBulkAction):
    display_name = _("Dismiss")
    action_type = "dismiss"
    aria_label = _("Dismiss selected reports")
    question = _("Dismiss these reports (no action needed)?")
    button_label = _("Yes, dismiss")
    action_priority = 20
    state = ReportState.DISMISSED
    unchanged_message = ngettext_lazy(
        "%(count)d was already dismissed.", "%(count)d were already dismissed.", "count"
    )


class LoggedDeleteBulkAction(DeleteBulkAction):
    """Wagtail's bulk delete for snippets, plus one audit-log entry per deleted
    endorsement or recommendation (the stock action deletes without logging)."""

    models = [Endorsement, Recommendation]

    def dispatch(self, request, *args, **kwargs):
        # Refuse before listing items, like the network's other bulk actions.
        if not self.permission_policy.user_has_permission(request.user, "delete"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):

        action = kwargs["self"]
        with transaction.atomic():
            for obj in objects:
                log(instance=obj, action="wagtail.delete", user=action.request.user, deleted=True)
            return super().execute_action(objects, user=user, **kwargs)


# --------------------------------------------------------------------------
# Moderation queue
# --------------------------------------------------------------------------


def moderation_links() -> dict[str, str]:
    """Listing URLs filtered on what waits for a moderator, by kind."""

    def url(name: str, query: str) -> str:
        try:
            return reverse(name) + query
        except NoReverseMatch:  # the listing is not registered in this site
            return ""

    return {
        "endorsements": url(
            "wagtailsnippets_wagtail_network_endorsement:list", f"?state={EndorsementState.PENDING}"
        ),
        "recommendations": url(
            "wagtailsnippets_wagtail_network_recommendation:list",
            f"?state={RecommendationState.PENDING_MODERATION}",
        ),
        "reports": url("wagtailsnippets_wagtail_network_report:list", f"?state={ReportState.OPEN}"),
    }


class ModerationQueueView(NetworkScreenView):
    """What waits for a moderator: the oldest pending items of each kind, with
    links to the filtered listings where they are approved or rejected in bulk."""

    template_name = "wagtail_network/admin/moderation_queue.html"
    page_title = _("Moderation queue")
    header_icon = "tasks"
    preview_size = 10
    allowed = staticmethod(visibility.can_moderate)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        links = moderation_links()
        endorsements = Endorsement.objects.filter(state=EndorsementState.PENDING)
        recommendations = Recommendation.objects.filter(
            state=RecommendationState.PENDING_MODERATION
        )
        reports = Report.objects.filter(state=ReportState.OPEN)
        context["queues"] = [
            {
                "title": _("Endorsements awaiting moderation"),
                "count": endorsements.count(),
                "items": endorsements.select_related("endorser", "member", "skill").order_by(
                    "created_at"
                )[: self.preview_size],
                "url": links["endorsements"],
            },
            {
                "title": _("Recommendations awaiting moderation"),
                "count": recommendations.count(),
                "items": recommendations.select_related("author", "member").order_by("created_at")[
                    : self.preview_size
                ],
                "url": links["recommendations"],
            },
            {
                "title": _("Open reports"),
                "count": reports.count(),
                "items": reports.select_related(
                    "target_member",
                    "target_company",
                    "target_endorsement",
                    "target_recommendation",
                ).order_by("created_at")[: self.preview_size],
                "url": links["reports"],
            },
        ]
        return context


class ModerationQueueViewSet(NetworkScreenViewSet):
    """The "Moderation queue" entry of the Network menu, for moderators."""

    name = "wagtail_network_moderation"
    icon = "tasks"
    menu_label = _("Moderation queue")
    menu_name = "network-moderation"
    allowed = staticmethod(visibility.can_moderate)

    def get_urlpatterns(self):
        return [path("", ModerationQueueView.as_view(), name="index")]
