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
from django.urls import path, reverse, reverse_lazy
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
            user = User._default_manager.filter(pk=request.POST.get("revoke")).first()
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
        except Exception:  # noqa: BLE001 - a viewset not registered in this site
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
