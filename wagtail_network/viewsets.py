"""Admin viewsets of the "Network" menu: vocabularies and relations.

Every listing here is scoped by the model's registered permission policy
(:mod:`wagtail_network.permission_policies`), and the CSV/XLSX export of a listing
exports exactly the rows the listing shows, so nobody exports what they may not
see. State changes (moderation, confirming positions) go through
:mod:`wagtail_network.services`; vocabulary merges are here because they are an
editor-only admin operation with no other caller.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permissions import policy_registry
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import permission_policies as policies
from . import visibility
from .admin_import import ImportViewSet
from .admin_views import (
    CompanyAdminsViewSet,
    ConfirmPositionView,
    ConfirmRelationshipView,
    ModerationQueueViewSet,
    ProposeRelationshipView,
    RemoveRelationshipView,
)
from .errors import NetworkError
from .models import (
    Block,
    CompanyRelationship,
    CompanyRelationshipKind,
    Connection,
    ConnectionState,
    Endorsement,
    EndorsementState,
    Follow,
    Industry,
    Position,
    Recommendation,
    RecommendationRelationship,
    RecommendationState,
    Report,
    ReportReason,
    ReportState,
    Skill,
)
from .viewer import Viewer

# --------------------------------------------------------------------------
# Scoping: listings, exports and single-object views ask the policy which rows
# --------------------------------------------------------------------------

ANY_ACTION = ("add", "change", "delete", "view")


def scoped_queryset(model: type, user: Any, queryset: QuerySet | None = None) -> QuerySet:
    """Rows of ``model`` the user may act on at all, according to its registered policy."""
    qs = queryset if queryset is not None else model._default_manager.all()
    policy = policy_registry.get_by_type(model)
    allowed = policy.instances_user_has_any_permission_for(user, ANY_ACTION)
    return qs.filter(pk__in=allowed.values("pk"))


class ScopedIndexMixin:
    """An index view (and its export) that lists only rows the policy allows."""

    select_related: tuple[str, ...] = ()

    def get_base_queryset(self):
        qs = super().get_base_queryset()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return scoped_queryset(self.model, self.request.user, qs)


class ScopedObjectMixin:
    """A single-object view that answers 404 for rows outside the user's scope."""

    def get_object(self, queryset=None):
        pk = unquote(str(self.kwargs.get(getattr(self, "pk_url_kwarg", "pk"))))
        return get_object_or_404(scoped_queryset(self.model, self.request.user), pk=pk)


# --------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------


class CreatedFilterMixin(django_filters.FilterSet):
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Created"), widget=DateRangePickerWidget
    )


class ConnectionFilterSet(WagtailFilterSet, CreatedFilterMixin):
    state = django_filters.ChoiceFilter(label=_("State"), choices=ConnectionState.choices)

    class Meta:
        model = Connection
        fields = ["state", "created_at"]


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


class FollowFilterSet(WagtailFilterSet, CreatedFilterMixin):
    class Meta:
        model = Follow
        fields = ["created_at"]


class BlockFilterSet(WagtailFilterSet, CreatedFilterMixin):
    class Meta:
        model = Block
        fields = ["created_at"]


class CompanyRelationshipFilterSet(WagtailFilterSet, CreatedFilterMixin):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CompanyRelationshipKind.choices)
    confirmed_by_editor = django_filters.BooleanFilter(label=_("Confirmed by an editor"))

    class Meta:
        model = CompanyRelationship
        fields = ["kind", "confirmed_by_editor", "created_at"]


class PositionFilterSet(WagtailFilterSet):
    verified = django_filters.BooleanFilter(
        label=_("Confirmed"), field_name="verified_at", lookup_expr="isnull", exclude=True
    )
    is_current = django_filters.BooleanFilter(label=_("Current"))

    class Meta:
        model = Position
        fields = ["verified", "is_current"]


# --------------------------------------------------------------------------
# Snippet viewsets
# --------------------------------------------------------------------------


def state_column() -> StatusTagColumn:
    """The "State" column of a listing whose rows have a ``state`` choice field."""
    return StatusTagColumn("state", label=_("State"), accessor="get_state_display", primary=None)


class NetworkSnippetViewSet(SnippetViewSet):
    """Base for the network's snippet viewsets: scoped listings, export, no copy."""

    copy_view_enabled = False
    list_per_page = 50
    #: Relations to join in listings (``__str__`` of a row names both members).
    select_related: tuple[str, ...] = ()
    # Relations are searched with the database, not the page search backend.
    search_backend_name = None

    @cached_property
    def index_view_class(self):
        return type(
            f"{self.model.__name__}IndexView",
            (ScopedIndexMixin, snippet_views.IndexView),
            {"select_related": self.select_related},
        )

    @cached_property
    def inspect_view_class(self):
        return type(
            f"{self.model.__name__}InspectView",
            (ScopedObjectMixin, snippet_views.InspectView),
            {},
        )


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


class ConnectionViewSet(NetworkSnippetViewSet):
    model = Connection
    icon = "link"
    menu_label = _("Connections")
    menu_name = "network-connections"
    inspect_view_enabled = True
    select_related = ("requester", "recipient")
    list_display = [
        "requester",
        "recipient",
        state_column(),
        DateColumn("created_at", label=_("Invited at"), sort_key="created_at"),
    ]
    list_filter = None
    filterset_class = ConnectionFilterSet
    search_fields = ["requester__title", "recipient__title", "message"]
    list_export = [
        "pk",
        "requester",
        "recipient",
        "state",
        "created_at",
        "responded_at",
        "ended_at",
    ]
    export_headings = {"pk": _("ID"), "requester": _("Invited by"), "recipient": _("Invited")}
    ordering = ["-created_at"]


class EndorsementViewSet(NetworkSnippetViewSet):
    model = Endorsement
    icon = "pick"
    menu_label = _("Endorsements")
    menu_name = "network-endorsements"
    inspect_view_enabled = True
    select_related = ("endorser", "member", "skill")
    list_display = [
        "__str__",
        "skill",
        state_column(),
        "is_hidden",
        DateColumn("created_at", label=_("Created"), sort_key="created_at"),
    ]
    filterset_class = EndorsementFilterSet
    search_fields = ["endorser__title", "member__title", "skill__name"]
    list_export = ["pk", "endorser", "member", "skill", "state", "is_hidden", "created_at"]
    export_headings = {"pk": _("ID")}
    ordering = ["-created_at"]
    panels = [
        FieldPanel("endorser", read_only=True),
        FieldPanel("member", read_only=True),
        FieldPanel("skill", read_only=True),
        FieldPanel("state"),
        FieldPanel("is_hidden"),
    ]


class RecommendationViewSet(NetworkSnippetViewSet):
    model = Recommendation
    icon = "openquote"
    menu_label = _("Recommendations")
    menu_name = "network-recommendations"
    inspect_view_enabled = True
    select_related = ("author", "member")
    list_display = [
        "__str__",
        "relationship",
        state_column(),
        "is_hidden",
        DateColumn("created_at", label=_("Written"), sort_key="created_at"),
    ]
    filterset_class = RecommendationFilterSet
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
    export_headings = {"pk": _("ID")}
    ordering = ["-created_at"]
    panels = [
        FieldPanel("author", read_only=True),
        FieldPanel("member", read_only=True),
        FieldPanel("relationship"),
        FieldPanel("text"),
        FieldPanel("state"),
        FieldPanel("is_hidden"),
    ]


class ReportViewSet(NetworkSnippetViewSet):
    model = Report
    icon = "warning"
    menu_label = _("Reports")
    menu_name = "network-reports"
    inspect_view_enabled = True
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
    search_fields = ["reporter__title", "target_member__title", "target_company__title", "details"]
    list_export = ["pk", "reporter", "target", "reason", "details", "state", "created_at"]
    export_headings = {"pk": _("ID"), "target": _("Reported")}
    ordering = ["-created_at"]
    panels = [
        FieldPanel("reason", read_only=True),
        FieldPanel("details", read_only=True),
        FieldPanel("state"),
        FieldPanel("resolution_note"),
    ]


class FollowViewSet(NetworkSnippetViewSet):
    model = Follow
    icon = "view"
    menu_label = _("Follows")
    menu_name = "network-follows"
    inspect_view_enabled = True
    select_related = ("member", "company")
    list_display = [
        "member",
        "company",
        DateColumn("created_at", label=_("Since"), sort_key="created_at"),
    ]
    filterset_class = FollowFilterSet
    search_fields = ["member__title", "company__title"]
    list_export = ["pk", "member", "company", "created_at"]
    export_headings = {"pk": _("ID")}
    ordering = ["-created_at"]


class BlockViewSet(NetworkSnippetViewSet):
    model = Block
    icon = "cross"
    menu_label = _("Blocks")
    menu_name = "network-blocks"
    inspect_view_enabled = True
    select_related = ("blocker", "blocked")
    list_display = [
        "blocker",
        "blocked",
        DateColumn("created_at", label=_("Since"), sort_key="created_at"),
    ]
    filterset_class = BlockFilterSet
    search_fields = ["blocker__title", "blocked__title"]
    list_export = ["pk", "blocker", "blocked", "created_at"]
    export_headings = {"pk": _("ID")}
    ordering = ["-created_at"]


# --------------------------------------------------------------------------
# Model viewsets (not snippets: not counted on the Snippets index page, where a
# company admin would otherwise see unscoped totals)
# --------------------------------------------------------------------------


class CompanyRelationshipIndexView(ScopedIndexMixin, generic.IndexView):
    select_related = ("from_company", "to_company")

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if policies.is_company_admin(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Propose a relationship"),
                    url=reverse("wagtail_network_company_relationships:propose"),
                    icon_name="plus",
                )
            )
        return buttons

    def get_list_buttons(self, instance):
        buttons = list(super().get_list_buttons(instance))
        if not policies.is_company_admin(self.request.user):
            return buttons
        # Company admins act through the service layer: confirm their side, remove.
        name = "wagtail_network_company_relationships"
        if not instance.is_confirmed:
            buttons.append(
                Button(
                    _("Confirm"),
                    url=reverse(f"{name}:confirm", args=[quote(instance.pk)]),
                    icon_name="check",
                    priority=10,
                )
            )
        buttons.append(
            Button(
                _("Remove"),
                url=reverse(f"{name}:remove", args=[quote(instance.pk)]),
                icon_name="bin",
                priority=20,
            )
        )
        return buttons


class CompanyRelationshipInspectView(ScopedObjectMixin, generic.InspectView):
    pass


class CompanyRelationshipViewSet(ModelViewSet):
    model = CompanyRelationship
    name = "wagtail_network_company_relationships"
    url_prefix = "network/company-relationships"
    icon = "group"
    menu_label = _("Company relationships")
    menu_name = "network-company-relationships"
    index_view_class = CompanyRelationshipIndexView
    inspect_view_class = CompanyRelationshipInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        "__str__",
        "from_company",
        "to_company",
        "kind",
        "confirmed_by_from",
        "confirmed_by_to",
        "confirmed_by_editor",
    ]
    filterset_class = CompanyRelationshipFilterSet
    search_fields = ["from_company__title", "to_company__title"]
    search_backend_name = None
    list_export = [
        "pk",
        "from_company",
        "to_company",
        "kind",
        "confirmed_by_from",
        "confirmed_by_to",
        "confirmed_by_editor",
        "created_at",
    ]
    export_headings = {"pk": _("ID")}
    ordering = ["-created_at"]
    form_fields = [
        "from_company",
        "to_company",
        "kind",
        "confirmed_by_from",
        "confirmed_by_to",
        "confirmed_by_editor",
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("propose/", ProposeRelationshipView.as_view(), name="propose"),
            path("confirm/<int:pk>/", ConfirmRelationshipView.as_view(), name="confirm"),
            path("remove/<int:pk>/", RemoveRelationshipView.as_view(), name="remove"),
        ]


class PositionIndexView(ScopedIndexMixin, generic.IndexView):
    select_related = ("member", "company")

    def get_edit_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None

    def get_add_url(self):
        return None

    def get_list_buttons(self, instance):
        if instance.verified_at is not None:
            return []
        return [
            Button(
                _("Confirm"),
                url=reverse("wagtail_network_positions:confirm", args=[quote(instance.pk)]),
                icon_name="check",
                attrs={"data-confirm-position": str(instance.pk)},
                priority=10,
            )
        ]


class PositionViewSet(ModelViewSet):
    """Positions claimed at companies, to be confirmed by the company's admins."""

    model = Position
    name = "wagtail_network_positions"
    url_prefix = "network/positions"
    icon = "user"
    menu_label = _("Positions to confirm")
    menu_name = "network-positions"
    index_view_class = PositionIndexView
    add_to_reference_index = False
    copy_view_enabled = False
    list_per_page = 50
    list_display = ["title", "member", "company", "is_current", "start_date", "verified_at"]
    filterset_class = PositionFilterSet
    search_fields = ["title", "member__title", "company__title"]
    search_backend_name = None
    list_export = [
        "pk",
        "member",
        "company",
        "title",
        "start_date",
        "end_date",
        "is_current",
        "verified_at",
    ]
    export_headings = {"pk": _("ID")}
    ordering = ["verified_at", "-pk"]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            add_url_name=None, edit_url_name=None, delete_url_name=None, **kwargs
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("confirm/<int:pk>/", ConfirmPositionView.as_view(), name="confirm"),
        ]

    def register_permissions(self):
        # Nothing to register: listing and confirming follow company grants.
        return None

    def register_admin_url_finder(self):
        return None


# --------------------------------------------------------------------------
# The "Network" menu
# --------------------------------------------------------------------------


class NetworkViewSetGroup(SnippetViewSetGroup):
    """One "Network" menu; each item asks its permission policy whether to show,
    and the group shows when any item does."""

    menu_label = _("Network")
    menu_name = "network"
    menu_icon = "group"
    menu_order = 250
    items = (
        ModerationQueueViewSet,
        SkillViewSet,
        IndustryViewSet,
        ConnectionViewSet,
        EndorsementViewSet,
        RecommendationViewSet,
        ReportViewSet,
        FollowViewSet,
        BlockViewSet,
        CompanyRelationshipViewSet,
        PositionViewSet,
        CompanyAdminsViewSet,
        ImportViewSet,
    )


def merge_terms(user: Any, keep: Skill | Industry, duplicates: list) -> dict[str, int]:
    """Merge duplicate vocabulary terms into ``keep`` and delete them, atomically.

    Members and companies pointing at a duplicate point at ``keep`` afterwards;
    endorsements of a duplicate skill move to ``keep`` unless the same endorser
    already endorsed that member for ``keep`` (then the duplicate endorsement
    goes, as the one-per-skill rule demands). Each merge is in the audit log.
    Returns counts of what moved.
    """
    from wagtail.log_actions import log

    from .models import CompanyPage, MemberPage

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


# --------------------------------------------------------------------------
# Bulk actions: moderation and vocabulary merges
# --------------------------------------------------------------------------


class NetworkBulkAction(SnippetBulkAction):
    """A bulk action on one network model, confirmed on a page listing the items."""

    template_name = "wagtail_network/admin/bulk_confirm.html"
    #: Shown above the list of items on the confirmation page.
    question = ""
    button_label = _("Confirm")

    def user_may_act(self) -> bool:
        """Whether the user may use this action at all (checked before any item is
        read, so that nobody learns which items exist from the confirmation page)."""
        return True

    def dispatch(self, request, *args, **kwargs):
        if not self.user_may_act():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "action_title": self.display_name,
                "question": self.question,
                "button_label": self.button_label,
                "form_template": "wagtailadmin/bulk_actions/confirmation/form_with_fields.html",
            }
        )
        return context

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    def get_success_message(self, num_parent_objects, num_child_objects):
        failures = getattr(self, "failures", [])
        message = ngettext(
            "%(count)d %(model)s done.", "%(count)d %(model)s done.", num_parent_objects
        ) % {
            "count": num_parent_objects,
            "model": (
                self.model._meta.verbose_name
                if num_parent_objects == 1
                else self.model._meta.verbose_name_plural
            ),
        }
        if failures:
            messages.warning(
                self.request,
                _("Skipped %(count)d: %(reasons)s")
                % {
                    "count": len(failures),
                    "reasons": "; ".join(f"{obj}: {error.message}" for obj, error in failures),
                },
            )
        return message


class ServiceBulkAction(NetworkBulkAction):
    """Runs one service-layer call per item; an item the service refuses (a typed
    :class:`NetworkError`) is skipped and reported, the others go through."""

    def user_may_act(self) -> bool:
        return visibility.can_moderate(Viewer.for_request(self.request))

    def check_perm(self, obj) -> bool:
        return visibility.can_moderate(Viewer.for_request(self.request))

    def call_service(self, user: Any, obj: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        action = kwargs["self"]
        action.failures = []
        done = 0
        # One viewer for the whole batch: its facts are looked up once, and each
        # service call refreshes it after its change.
        viewer = Viewer.for_request(action.request)
        for obj in objects:
            try:
                with transaction.atomic():
                    action.call_service(viewer, obj)
            except NetworkError as error:
                action.failures.append((obj, error))
            else:
                done += 1
        return done, 0


class ApproveEndorsementsBulkAction(ServiceBulkAction):
    models = [Endorsement]
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve selected endorsements")
    question = _("Approve these endorsements? They go live on the members' profiles.")
    button_label = _("Yes, approve")
    action_priority = 10

    def call_service(self, user, obj):
        from . import services

        services.moderate_endorsement(user, obj, True)


class RejectEndorsementsBulkAction(ServiceBulkAction):
    models = [Endorsement]
    display_name = _("Reject")
    action_type = "reject"
    aria_label = _("Reject selected endorsements")
    question = _("Reject these endorsements? They will not be shown.")
    button_label = _("Yes, reject")
    action_priority = 20
    classes = {"serious"}

    def call_service(self, user, obj):
        from . import services

        services.moderate_endorsement(user, obj, False)


class ApproveRecommendationsBulkAction(ServiceBulkAction):
    models = [Recommendation]
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve selected recommendations")
    question = _("Approve these recommendations? They go live on the members' profiles.")
    button_label = _("Yes, approve")
    action_priority = 10

    def call_service(self, user, obj):
        from . import services

        services.moderate_recommendation(user, obj, True)


class RejectRecommendationsBulkAction(ServiceBulkAction):
    models = [Recommendation]
    display_name = _("Reject")
    action_type = "reject"
    aria_label = _("Reject selected recommendations")
    question = _("Reject these recommendations? They will not be shown.")
    button_label = _("Yes, reject")
    action_priority = 20
    classes = {"serious"}

    def call_service(self, user, obj):
        from . import services

        services.moderate_recommendation(user, obj, False)


class ResolveReportsForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResolveReportsBulkAction(ServiceBulkAction):
    models = [Report]
    display_name = _("Resolve")
    action_type = "resolve"
    aria_label = _("Mark selected reports as resolved")
    question = _("Mark these reports as resolved (action was taken)?")
    button_label = _("Yes, resolve")
    action_priority = 10
    form_class = ResolveReportsForm
    state = ReportState.RESOLVED

    def call_service(self, user, obj):
        from . import services

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
        from wagtail.log_actions import log

        action = kwargs["self"]
        with transaction.atomic():
            for obj in objects:
                log(instance=obj, action="wagtail.delete", user=action.request.user, deleted=True)
            return super().execute_action(objects, user=user, **kwargs)


BULK_ACTIONS = (
    ApproveEndorsementsBulkAction,
    RejectEndorsementsBulkAction,
    ApproveRecommendationsBulkAction,
    RejectRecommendationsBulkAction,
    ResolveReportsBulkAction,
    DismissReportsBulkAction,
    MergeTermsBulkAction,
    LoggedDeleteBulkAction,
)
