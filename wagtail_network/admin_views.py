"""Custom admin screens: company admins (guardian grants) and the dashboard panel.

Guardian grants do not show in Wagtail's Users and Groups screens, so the
"Company admins" screen lists each company's grants and lets editors grant and
revoke them. The dashboard panel shows network figures and growth with a fixed
number of queries, whatever the size of the network.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.log_actions import log

from . import permission_policies as policies
from . import visibility
from .models import (
    CompanyPage,
    Connection,
    ConnectionState,
    Endorsement,
    EndorsementState,
    MemberPage,
    Recommendation,
    RecommendationState,
    Report,
    ReportState,
)

# --------------------------------------------------------------------------
# Company admins
# --------------------------------------------------------------------------


class GrantCompanyAdminForm(forms.Form):
    user = forms.CharField(
        label=_("User"),
        max_length=254,
        help_text=_("Username or e-mail address of an existing user."),
    )

    def clean_user(self):
        value = self.cleaned_data["user"].strip()
        User = get_user_model()
        lookup = Q(**{User.USERNAME_FIELD: value})
        if "@" in value:
            lookup |= Q(email__iexact=value)
        users = list(User._default_manager.filter(lookup, is_active=True)[:2])
        if len(users) != 1:
            raise forms.ValidationError(
                _("No single active user matches “%(value)s”."), params={"value": value}
            )
        return users[0]


class CompanyAdminsIndexView(WagtailAdminTemplateMixin, TemplateView):
    """Companies whose admins the user may manage, with their number of admins."""

    template_name = "wagtail_network/admin/company_admins_index.html"
    page_title = _("Company admins")
    header_icon = "group"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if not policies.can_manage_company_admins(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        from guardian.shortcuts import get_user_obj_perms_model

        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        companies = policies.companies_user_can_manage_admins_for(self.request.user)
        if query:
            companies = companies.filter(title__icontains=query)
        # One query for all admin counts on the page (object_pk is a text column).
        grants = get_user_obj_perms_model(CompanyPage).objects.filter(
            permission__codename=policies.COMPANY_ADMIN_CODENAME,
            permission__content_type__app_label=CompanyPage._meta.app_label,
        )
        page = Paginator(companies.order_by("title"), self.paginate_by).get_page(
            self.request.GET.get("p")
        )
        counts = dict(
            grants.filter(object_pk__in=[str(c.pk) for c in page.object_list])
            .values_list("object_pk")
            .annotate(n=Count("pk"))
        )
        context.update(
            {
                "page_obj": page,
                "companies": [(c, counts.get(str(c.pk), 0)) for c in page.object_list],
                "query": query,
            }
        )
        return context


class CompanyAdminsView(WagtailAdminTemplateMixin, TemplateView):
    """One company's admins: list, grant, revoke (POST), each in the audit log."""

    template_name = "wagtail_network/admin/company_admins.html"
    page_title = _("Company admins")
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        self.company = get_object_or_404(CompanyPage, pk=kwargs["pk"])
        if not policies.can_manage_company_admins(request.user, self.company):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.company.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtail_network_company_admins:index"), "label": _("Company admins")},
            {"url": "", "label": self.company.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", GrantCompanyAdminForm())
        context.update(
            {
                "company": self.company,
                "admins": policies.company_admins(self.company),
                "edit_url": reverse("wagtailadmin_pages:edit", args=[self.company.pk]),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        if "revoke" in request.POST:
            User = get_user_model()
            raw = request.POST.get("revoke", "")
            user = User._default_manager.filter(pk=raw).first() if raw.isdigit() else None
            if (
                user is None
                or not policies.company_admins(self.company).filter(pk=user.pk).exists()
            ):
                messages.error(request, gettext("That user is not an admin of this company."))
            else:
                with transaction.atomic():
                    policies.revoke_company_admin(user, self.company)
                    log(
                        instance=self.company,
                        action="wagtail_network.company_admin.revoke",
                        user=request.user,
                        data={"user_id": user.pk, "username": user.get_username()},
                    )
                messages.success(
                    request,
                    gettext("%(user)s is no longer an admin of %(company)s.")
                    % {"user": user.get_username(), "company": self.company.title},
                )
            return HttpResponseRedirect(request.path)
        form = GrantCompanyAdminForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        user = form.cleaned_data["user"]
        with transaction.atomic():
            policies.grant_company_admin(user, self.company)
            log(
                instance=self.company,
                action="wagtail_network.company_admin.grant",
                user=request.user,
                data={"user_id": user.pk, "username": user.get_username()},
            )
        messages.success(
            request,
            gettext("%(user)s is now an admin of %(company)s.")
            % {"user": user.get_username(), "company": self.company.title},
        )
        return HttpResponseRedirect(request.path)


class CompanyAdminsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return policies.can_manage_company_admins(request.user)


class CompanyAdminsViewSet(ViewSet):
    """The "Company admins" screens, in the Network menu for editors."""

    name = "wagtail_network_company_admins"
    url_prefix = "network/company-admins"
    icon = "group"
    menu_label = _("Company admins")
    menu_name = "network-company-admins"
    menu_url = reverse_lazy("wagtail_network_company_admins:index")

    @cached_property
    def menu_item_class(self):
        return CompanyAdminsMenuItem

    def get_urlpatterns(self):
        return [
            path("", CompanyAdminsIndexView.as_view(), name="index"),
            path("<int:pk>/", CompanyAdminsView.as_view(), name="company"),
        ]


# --------------------------------------------------------------------------
# Dashboard
# --------------------------------------------------------------------------

GROWTH_WEEKS = 12


class NetworkSummaryPanel(Component):
    """Network figures and a weekly growth chart for editors and moderators.

    Eight queries whatever the size of the network: aggregates with filtered
    counts, and one grouped query per growth series.
    """

    name = "wagtail_network_summary"
    template_name = "wagtail_network/admin/dashboard_panel.html"
    order = 90

    def __init__(self, request) -> None:
        self.request = request

    @staticmethod
    def is_shown_to(user: Any) -> bool:
        return visibility.sees_everything(user) or visibility.can_moderate(user)

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None):
        today = timezone.now()
        start = (today - datetime.timedelta(weeks=GROWTH_WEEKS - 1)).date()
        start = start - datetime.timedelta(days=start.weekday())  # Monday
        connections = Connection.objects.aggregate(
            accepted=Count("pk", filter=Q(state=ConnectionState.ACCEPTED)),
            pending=Count("pk", filter=Q(state=ConnectionState.PENDING)),
        )
        endorsements = Endorsement.objects.aggregate(
            live=Count("pk", filter=Q(state=EndorsementState.LIVE)),
            pending=Count("pk", filter=Q(state=EndorsementState.PENDING)),
        )
        recommendations = Recommendation.objects.aggregate(
            published=Count("pk", filter=Q(state=RecommendationState.PUBLISHED)),
            pending=Count("pk", filter=Q(state=RecommendationState.PENDING_MODERATION)),
        )
        open_reports = Report.objects.filter(state=ReportState.OPEN).count()
        members = MemberPage.objects.filter(live=True).count()
        companies = CompanyPage.objects.filter(live=True).count()

        start_dt = datetime.datetime.combine(start, datetime.time.min, tzinfo=datetime.UTC)
        new_members = self._per_week(
            MemberPage.objects.filter(first_published_at__gte=start_dt), "first_published_at"
        )
        new_connections = self._per_week(
            Connection.objects.filter(state=ConnectionState.ACCEPTED, created_at__gte=start_dt),
            "created_at",
        )
        weeks = [start + datetime.timedelta(weeks=i) for i in range(GROWTH_WEEKS)]
        series = [
            {
                "week": week,
                "members": new_members.get(week, 0),
                "connections": new_connections.get(week, 0),
            }
            for week in weeks
        ]
        peak = max(
            [1, *(row["members"] for row in series), *(row["connections"] for row in series)]
        )
        bar_width, gap, height = 14, 6, 80
        for index, row in enumerate(series):
            x = index * (2 * bar_width + gap)
            row["x_members"] = x
            row["x_connections"] = x + bar_width
            row["h_members"] = round(height * row["members"] / peak)
            row["h_connections"] = round(height * row["connections"] / peak)
            row["y_members"] = height - row["h_members"]
            row["y_connections"] = height - row["h_connections"]
        pending_total = endorsements["pending"] + recommendations["pending"] + open_reports
        return {
            "figures": {
                "members": members,
                "companies": companies,
                "connections": connections["accepted"],
                "pending_invitations": connections["pending"],
                "endorsements": endorsements["live"],
                "recommendations": recommendations["published"],
            },
            "pending": {
                "endorsements": endorsements["pending"],
                "recommendations": recommendations["pending"],
                "reports": open_reports,
                "total": pending_total,
            },
            "series": series,
            "chart_width": GROWTH_WEEKS * (2 * bar_width + gap),
            "chart_height": height,
            "bar_width": bar_width,
            "links": _moderation_links(),
        }

    @staticmethod
    def _per_week(queryset, field: str) -> dict[datetime.date, int]:
        rows = (
            queryset.annotate(week=TruncWeek(field))
            .values("week")
            .annotate(n=Count("pk"))
            .order_by()
        )
        result: dict[datetime.date, int] = {}
        for row in rows:
            week = row["week"]
            if isinstance(week, datetime.datetime):
                week = week.date()
            result[week] = result.get(week, 0) + row["n"]
        return result


def _moderation_links() -> dict[str, str]:
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


# --------------------------------------------------------------------------
# One-object actions through the service layer (confirm, remove, ...)
# --------------------------------------------------------------------------


class ServiceActionView(WagtailAdminTemplateMixin, TemplateView):
    """GET asks for confirmation, POST runs one service-layer call on one object.

    The object is looked up in ``get_queryset(user)`` (the user's scope): anything
    outside it answers 404, as a missing object does. A :class:`NetworkError` from
    the service becomes an error message; nothing is written then.
    """

    template_name = "wagtail_network/admin/confirm_action.html"
    header_icon = "check"
    #: ``(user) -> QuerySet`` of objects the action may be asked for.
    get_queryset: Any = None
    #: ``(user, obj) -> Any``: the service call.
    service: Any = None
    page_title = ""
    question = ""
    button_label = _("Confirm")
    success_message = ""
    index_url_name = ""

    def dispatch(self, request, *args, **kwargs):
        from django.http import Http404

        if not request.user.is_authenticated:
            raise PermissionDenied
        self.object = type(self).get_queryset(request.user).filter(pk=kwargs["pk"]).first()
        if self.object is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "object": self.object,
                "question": self.question,
                "button_label": self.button_label,
                "cancel_url": reverse(self.index_url_name),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        from .errors import NetworkError

        try:
            with transaction.atomic():
                type(self).service(request.user, self.object)
        except NetworkError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, str(self.success_message) % {"object": self.object})
        return HttpResponseRedirect(reverse(self.index_url_name))


def _services():
    from . import services

    return services


class ConfirmPositionView(ServiceActionView):
    page_title = _("Confirm position")
    question = _("Confirm that this member works (or worked) at this company?")
    button_label = _("Yes, confirm")
    success_message = _("Position “%(object)s” confirmed.")
    index_url_name = "wagtail_network_positions:index"

    @staticmethod
    def get_queryset(user):
        return policies.positions_to_review(user).select_related("member", "company")

    @staticmethod
    def service(user, obj):
        return _services().confirm_position(user, obj)


def _scoped_relationships(user):
    """Relationships the user may act on in the admin (their policy's scope)."""
    from .models import CompanyRelationship

    allowed = policies.company_relationship_policy.instances_user_has_any_permission_for(
        user, ["view", "change", "delete"]
    )
    return CompanyRelationship.objects.select_related("from_company", "to_company").filter(
        pk__in=allowed.values("pk")
    )


class ConfirmRelationshipView(ServiceActionView):
    page_title = _("Confirm company relationship")
    question = _("Confirm this relationship for your side?")
    button_label = _("Yes, confirm")
    success_message = _("Relationship “%(object)s” confirmed.")
    index_url_name = "wagtail_network_company_relationships:index"
    get_queryset = staticmethod(_scoped_relationships)

    @staticmethod
    def service(user, obj):
        return _services().confirm_company_relationship(user, obj)


class RemoveRelationshipView(ServiceActionView):
    page_title = _("Remove company relationship")
    header_icon = "bin"
    question = _("Remove this relationship? Both companies' pages stop showing it.")
    button_label = _("Yes, remove")
    success_message = _("Relationship “%(object)s” removed.")
    index_url_name = "wagtail_network_company_relationships:index"
    get_queryset = staticmethod(_scoped_relationships)

    @staticmethod
    def service(user, obj):
        return _services().remove_company_relationship(user, obj)


class ProposeRelationshipForm(forms.Form):
    from_company = forms.ModelChoiceField(label=_("Company"), queryset=CompanyPage.objects.none())
    kind = forms.ChoiceField(label=_("is a … of"))
    to_company = forms.ModelChoiceField(
        label=_("Other company"), queryset=CompanyPage.objects.none()
    )

    def __init__(self, *args, user=None, **kwargs):
        from .models import CompanyRelationshipKind

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
        from .errors import NetworkError

        form = ProposeRelationshipForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    _services().propose_company_relationship(
                        request.user, data["from_company"], data["to_company"], data["kind"]
                    )
            except NetworkError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, gettext("Relationship proposed."))
                return HttpResponseRedirect(reverse("wagtail_network_company_relationships:index"))
        return self.render_to_response(self.get_context_data(form=form))


# --------------------------------------------------------------------------
# Moderation queue
# --------------------------------------------------------------------------


class ModerationQueueView(WagtailAdminTemplateMixin, TemplateView):
    """What waits for a moderator: the oldest pending items of each kind, with
    links to the filtered listings where they are approved or rejected in bulk."""

    template_name = "wagtail_network/admin/moderation_queue.html"
    page_title = _("Moderation queue")
    header_icon = "tasks"
    preview_size = 10

    def dispatch(self, request, *args, **kwargs):
        if not visibility.can_moderate(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        links = _moderation_links()
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


class ModerationQueueMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return visibility.can_moderate(request.user)


class ModerationQueueViewSet(ViewSet):
    """The "Moderation queue" entry of the Network menu, for moderators."""

    name = "wagtail_network_moderation"
    url_prefix = "network/moderation"
    icon = "tasks"
    menu_label = _("Moderation queue")
    menu_name = "network-moderation"
    menu_url = reverse_lazy("wagtail_network_moderation:index")

    @cached_property
    def menu_item_class(self):
        return ModerationQueueMenuItem

    def get_urlpatterns(self):
        return [path("", ModerationQueueView.as_view(), name="index")]
