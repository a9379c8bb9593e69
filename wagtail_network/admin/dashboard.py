"""The "Network" panel of the admin home page: figures and growth.

It shows network figures and weekly growth with a fixed number of queries,
whatever the size of the network.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from wagtail.admin.ui.components import Component

from .. import visibility
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
from .profiles import needs_review_url

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
        # One query for both: the panel's query count does not grow.
        member_counts = MemberPage.objects.aggregate(
            live=Count("pk", filter=Q(live=True)),
            names_to_review=Count("pk", filter=Q(name_needs_review=True)),
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
            "names_to_review": member_counts["names_to_review"],
            "links": {**moderation_links(), "names_to_review": needs_review_url()},
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
