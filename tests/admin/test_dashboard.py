"""The dashboard panel: network figures and a growth chart, with a fixed number
of queries whatever the size of the network (PRODUCT.md: "a dashboard panel with
network figures and a growth chart")."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.admin.data import AdminData
from tests.factories import MemberPageFactory, connect
from wagtail_network.models import Endorsement, EndorsementState, Report, ReportReason

PANEL_ID = "wagtail-network-summary"


class DashboardPanelTests(AdminData):
    def home(self, user):
        self.login(user)
        return self.client.get(reverse("wagtailadmin_home"))

    def test_dashboard_panel_shows_network_figures_to_editors(self):
        response = self.home(self.editor)
        self.assertContains(response, PANEL_ID)
        figures = response.context["panels"]
        panel = next(p for p in figures if p.name == "wagtail_network_summary")
        context = panel.get_context_data({})
        self.assertEqual(context["figures"]["members"], 2)
        self.assertEqual(context["figures"]["companies"], 2)  # Initech is a draft
        self.assertEqual(len(context["series"]), 12)

    def test_dashboard_panel_counts_pending_moderation(self):
        Endorsement.objects.create(
            endorser=self.bob, member=self.alice, skill=self.skill, state=EndorsementState.PENDING
        )
        Report.objects.create(reporter=self.bob, target_member=self.alice, reason=ReportReason.SPAM)
        response = self.home(self.moderator)
        self.assertContains(response, PANEL_ID)
        self.assertContains(response, '<dd data-figure="pending">2')

    def test_dashboard_panel_hidden_from_company_admins(self):
        response = self.home(self.company_admin)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, PANEL_ID)

    def test_dashboard_panel_growth_chart_counts_new_members_this_week(self):
        from django.utils import timezone

        from wagtail_network.models import MemberPage

        MemberPage.objects.filter(pk__in=[self.alice.pk, self.bob.pk]).update(
            first_published_at=timezone.now()
        )
        response = self.home(self.superuser)
        panel = next(p for p in response.context["panels"] if p.name == "wagtail_network_summary")
        self.assertEqual(panel.get_context_data({})["series"][-1]["members"], 2)

    def test_dashboard_panel_runs_a_constant_number_of_queries(self):
        self.login(self.superuser)
        panel_queries = []
        home_queries = []
        for extra in (0, 10):
            members = [
                MemberPageFactory(parent=self.member_index, title=f"Extra {extra}-{i}")
                for i in range(extra)
            ]
            for a, b in zip(members, members[1:], strict=False):
                connect(a, b)
            for member in members:
                Endorsement.objects.create(
                    endorser=member,
                    member=self.alice,
                    skill=self.skill,
                    state=EndorsementState.PENDING,
                )
            with CaptureQueriesContext(connection) as home:
                response = self.client.get(reverse("wagtailadmin_home"))
            panel = next(
                p for p in response.context["panels"] if p.name == "wagtail_network_summary"
            )
            with CaptureQueriesContext(connection) as own:
                panel.render_html({"request": response.wsgi_request})
            panel_queries.append(len(own))
            home_queries.append(len(home))
        self.assertEqual(panel_queries[0], panel_queries[1])
        self.assertLessEqual(panel_queries[0], 8)
        self.assertEqual(home_queries[0], home_queries[1])
