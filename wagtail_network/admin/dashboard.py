"""The "Network" panel of the admin home page: figures and growth.

It shows network figures and weekly growth with a fixed number of queries,
whatever the size of the network. A figure links to the screen where its items
are handled only for users who may open that screen; others see the figure alone.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.permissions import policy_registry

from .. import services, visibility
from ..models import (
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
from .moderation import moderation_links
from .profiles import may_list_profiles, needs_review_url

GROWTH_WEEKS = 12
LISTING_ACTIONS = ("add", "change", "delete", "view")

#: The chart's drawing area and margins (SVG user units): room for the y-axis
#: figures on the left and the week labels below.
CHART = {"left": 28, "top": 16, "bar": 10, "gap": 8, "height": 100, "bottom": 30}


def links_for(user: Any) -> dict[str, str]:
    """The dashboard's links the user may follow ("" for a screen they may not open).

    Each listing is asked exactly what its index view asks (any of add, change,
    delete, view on the model's registered policy), so a link never ends on
    "Sorry, you do not have permission".
    """
    links = moderation_links()
    for key, model in (
        ("endorsements", Endorsement),
        ("recommendations", Recommendation),
        ("reports", Report),
    ):
        policy = policy_registry.get_by_type(model)
        if not policy.user_has_any_permission(user, LISTING_ACTIONS):
            links[key] = ""
    links["names_to_review"] = needs_review_url() if may_list_profiles(user) else ""
    links["skill_suggestions"] = (
        reverse("wagtailsnippets_wagtail_network_skillsuggestion:list")
        if services.may_review_skill_suggestions(user)
        else ""
    )
    try:
        queue = reverse("wagtail_network_moderation:index")
    except NoReverseMatch:  # pragma: no cover - the menu is always registered
        queue = ""
    links["queue"] = queue if visibility.can_moderate(user) else ""
    return links


def axis_ticks(peak: int) -> list[int]:
    """Up to three whole-number ticks for the y-axis: 0, the middle, the top."""
    return sorted({0, peak // 2, peak}) if peak > 1 else [0, 1]


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
        # One query for all three: the panel's query count does not grow. The join
        # to the (few) skill suggestions repeats member rows, hence distinct counts.
        member_counts = MemberPage.objects.aggregate(
            live=Count("pk", filter=Q(live=True), distinct=True),
            names_to_review=Count("pk", filter=Q(name_needs_review=True), distinct=True),
            skill_suggestions=Count("skill_suggestions", distinct=True),
        )
        members = member_counts["live"]
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
        series: list[dict[str, Any]] = [
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
        left, top, bar, gap = CHART["left"], CHART["top"], CHART["bar"], CHART["gap"]
        height = CHART["height"]
        baseline = top + height
        for index, row in enumerate(series):
            x = left + gap // 2 + index * (2 * bar + gap)
            row["x_members"] = x
            row["x_connections"] = x + bar
            row["x_label"] = x + bar
            row["h_members"] = round(height * row["members"] / peak)
            row["h_connections"] = round(height * row["connections"] / peak)
            row["y_members"] = baseline - row["h_members"]
            row["y_connections"] = baseline - row["h_connections"]
            # Every other week is labelled: twelve dates do not fit side by side.
            row["labelled"] = index % 2 == 0
        ticks = [{"value": t, "y": baseline - round(height * t / peak)} for t in axis_ticks(peak)]
        chart_width = left + GROWTH_WEEKS * (2 * bar + gap)
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
            "totals": {
                "members": sum(row["members"] for row in series),
                "connections": sum(row["connections"] for row in series),
            },
            "weeks": GROWTH_WEEKS,
            "chart": {
                **CHART,
                "width": chart_width,
                "full_height": baseline + CHART["bottom"],
                "baseline": baseline,
                "right": chart_width,
                "ticks": ticks,
                "label_y": baseline + 14,
            },
            "names_to_review": member_counts["names_to_review"],
            "skill_suggestions": member_counts["skill_suggestions"],
            "links": links_for(self.request.user),
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
