"""Relations in the admin: connections, follows, blocks, company relationships, positions.

Connections, follows and blocks are made by members through the service layer;
the admin lists, inspects, exports and deletes them. Company admins confirm,
propose and remove company relationships, and confirm positions claimed at their
companies, through :mod:`wagtail_network.services` (see :mod:`.actions`).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from .. import services, visibility
from ..errors import NetworkError
from ..models import (
    Block,
    CompanyPage,
    CompanyRelationship,
    CompanyRelationshipKind,
    Connection,
    ConnectionState,
    Follow,
    Position,
)
from . import policies
from .actions import ServiceActionView
from .inspect import ReadableValuesMixin
from .listings import (
    CreatedFilterMixin,
    PairSnippetViewSet,
    RelationSnippetViewSet,
    ScopedIndexMixin,
    ScopedObjectMixin,
    YesNoColumn,
    row_button,
    state_column,
)

# --------------------------------------------------------------------------
# Connections, follows and blocks
# --------------------------------------------------------------------------


class ConnectionFilterSet(WagtailFilterSet, CreatedFilterMixin):
    state = django_filters.ChoiceFilter(label=_("State"), choices=ConnectionState.choices)

    class Meta:
        model = Connection
        fields = ["state", "created_at"]


class ConnectionViewSet(RelationSnippetViewSet):
    model = Connection
    icon = "link"
    menu_label = _("Connections")
    menu_name = "network-connections"
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


class FollowViewSet(PairSnippetViewSet):
    model = Follow
    icon = "view"
    menu_label = _("Follows")
    menu_name = "network-follows"
    sides = ("member", "company")


class BlockViewSet(PairSnippetViewSet):
    model = Block
    icon = "cross"
    menu_label = _("Blocks")
    menu_name = "network-blocks"
    sides = ("blocker", "blocked")


# --------------------------------------------------------------------------
# Company relationships and positions (model viewsets, not snippets: not counted on
# the Snippets index page, where a company admin would otherwise see unscoped totals)
# --------------------------------------------------------------------------


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


class ConfirmPositionView(ServiceActionView):
    page_title = _("Confirm position")
    question = _("Confirm that this member works (or worked) at this company?")
    button_label = _("Yes, confirm")
    success_message = _("Position “%(object)s” confirmed.")
    unchanged_message = _("Position “%(object)s” was already confirmed.")
    index_url_name = "wagtail_network_positions:index"
    index_label = _("Positions to confirm")

    def object_label(self) -> str:
        # The position names the job and the company; the editor confirms a person.
        return _("%(member)s: %(position)s") % {
            "member": self.object.member.title,
            "position": self.object,
        }

    @staticmethod
    def get_queryset(user):
        return policies.positions_to_review(user).select_related("member", "company")

    @staticmethod
    def service(user, obj):
        return services.confirm_position(user, obj)


def _scoped_relationships(user):
    """Relationships the user may act on in the admin (their policy's scope)."""
    allowed = policies.company_relationship_policy.instances_user_has_any_permission_for(
        user, ["view", "change", "delete"]
    )
    return CompanyRelationship.objects.select_related("from_company", "to_company").filter(
        pk__in=allowed.values("pk")
    )


class RelationshipActionView(ServiceActionView):
    """A company-relationship decision, on the relationships the user may act on."""

    index_url_name = "wagtail_network_company_relationships:index"
    index_label = _("Company relationships")
    get_queryset = staticmethod(_scoped_relationships)


class ConfirmRelationshipView(RelationshipActionView):
    page_title = _("Confirm company relationship")
    question = _("Confirm this relationship for your side?")
    button_label = _("Yes, confirm")
    success_message = _("Relationship “%(object)s” confirmed.")
    unchanged_message = _("Relationship “%(object)s” was already confirmed.")
    service = staticmethod(services.confirm_company_relationship)


class RemoveRelationshipView(RelationshipActionView):
    page_title = _("Remove company relationship")
    header_icon = "bin"
    question = _("Remove this relationship? Both companies' pages stop showing it.")
    button_label = _("Yes, remove")
    success_message = _("Relationship “%(object)s” removed.")
    service = staticmethod(services.remove_company_relationship)


class ProposeRelationshipForm(forms.Form):
    from_company = forms.ModelChoiceField(label=_("Company"), queryset=CompanyPage.objects.none())
    kind = forms.ChoiceField(label=_("is a … of"))
    to_company = forms.ModelChoiceField(
        label=_("Other company"), queryset=CompanyPage.objects.none()
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_superuser or not policies.is_company_admin(user):
            own = visibility.companies_visible_to(user)
        else:
            own = visibility.administered_companies(user)
        self.fields["from_company"].queryset = own.order_by("title")
        self.fields["to_company"].queryset = visibility.companies_visible_to(user).order_by("title")
        self.fields["kind"].choices = CompanyRelationshipKind.choices


class ProposeRelationshipView(WagtailAdminTemplateMixin, TemplateView):
    """A company admin declares a relationship of their company with another one
    (confirmed on their side; the other side's admins confirm)."""

    template_name = "wagtail_network/admin/propose_relationship.html"
    page_title = _("Propose a company relationship")
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        policy = policies.company_relationship_policy
        if not (
            policies.is_company_admin(request.user)
            or policy.user_has_permission(request.user, "add")
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ProposeRelationshipForm(user=self.request.user))
        context["cancel_url"] = reverse("wagtail_network_company_relationships:index")
        return context

    def post(self, request, *args, **kwargs):
        form = ProposeRelationshipForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with services.recorded_changes() as changes, transaction.atomic():
                    services.propose_company_relationship(
                        request.user, data["from_company"], data["to_company"], data["kind"]
                    )
            except NetworkError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    gettext("Relationship proposed.")
                    if changes
                    else gettext("That relationship was already proposed; nothing changed."),
                )
                return HttpResponseRedirect(reverse("wagtail_network_company_relationships:index"))
        return self.render_to_response(self.get_context_data(form=form))


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
                row_button(
                    _("Confirm"), reverse(f"{name}:confirm", args=[quote(instance.pk)]), "check", 10
                )
            )
        buttons.append(
            row_button(_("Remove"), reverse(f"{name}:remove", args=[quote(instance.pk)]), "bin", 20)
        )
        return buttons


class CompanyRelationshipInspectView(ScopedObjectMixin, ReadableValuesMixin, generic.InspectView):
    pass


def relationship_state(relationship: CompanyRelationship) -> str:
    """A relationship's state as its listing's tag shows it."""
    return (
        gettext("Confirmed")
        if relationship.is_confirmed
        else capfirst(gettext("awaiting confirmation"))
    )


def relationship_confirmed_by(relationship: CompanyRelationship) -> str:
    """Who has confirmed a relationship: the companies (by name) and/or an editor."""
    names = []
    if relationship.confirmed_by_from:
        names.append(str(relationship.from_company))
    if relationship.confirmed_by_to:
        names.append(str(relationship.to_company))
    if relationship.confirmed_by_editor:
        names.append(gettext("an editor"))
    return ", ".join(names) if names else "–"


def position_confirmation(position: Position) -> str:
    """A position's confirmation as its listing's tag shows it."""
    return gettext("Confirmed") if position.verified_at else gettext("Pending")


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
    # The first column is the row's title: the relationship read left to right
    # ("A · partner of · B" as three short cells, not its whole name wrapped in one),
    # then its state as a tag and who has confirmed it, as names, not booleans.
    list_display = [
        "from_company",
        "kind",
        "to_company",
        StatusTagColumn(
            "is_confirmed",
            label=_("State"),
            accessor=relationship_state,
            primary=lambda relationship: relationship.is_confirmed,
        ),
        Column("confirmed_by", label=_("Confirmed by"), accessor=relationship_confirmed_by),
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
            row_button(
                _("Confirm"),
                reverse("wagtail_network_positions:confirm", args=[quote(instance.pk)]),
                "check",
                10,
                **{"data-confirm-position": str(instance.pk)},
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
    list_display = [
        "title",
        "member",
        "company",
        YesNoColumn("is_current", label=_("Current")),
        "start_date",
        StatusTagColumn(
            "verified_at",
            label=_("State"),
            accessor=position_confirmation,
            primary=lambda position: position.verified_at is not None,
            sort_key="verified_at",
        ),
    ]
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
