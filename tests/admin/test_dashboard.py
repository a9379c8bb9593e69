"""The dashboard panel: network figures and a growth chart, with a fixed number
of queries whatever the size of the network (PRODUCT.md: "a dashboard panel with
network figures and a growth chart")."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.admin.data import AdminData
from tests.factories import MemberPageFactory, UserFactory, connect
from wagtail_network.models import Endorsement, EndorsementState, Report, ReportReason

PANEL_ID = "wagtail-network-summary"


class _PanelText(HTMLParser):
    """The panel's text as it reads (scripts and the SVG drawing left out), and
    the links of each ``data-figure``."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside the panel
        self.svg = 0
        self.chunks: list[str] = []
        self.figure: str | None = None
        self.links: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "wagtail-network-summary-content":
            self.depth = 1
        elif self.depth:
            self.depth += tag not in ("br", "img", "input", "line", "rect")
        if tag == "svg":
            self.svg += 1
        if "data-figure" in attrs:
            self.figure = attrs["data-figure"]
        if tag == "a" and self.figure and self.depth:
            self.links[self.figure] = attrs["href"]

    def handle_endtag(self, tag):
        if tag == "svg":
            self.svg -= 1
        if tag in ("dd", "li"):
            self.figure = None
        if self.depth and tag not in ("line", "rect"):
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.svg:
            self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.chunks).split())


def panel_text(response) -> _PanelText:
    parser = _PanelText()
    parser.feed(response.content.decode())
    return parser


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
        text = panel_text(response).text
        self.assertIn("Pending moderation 2 1 endorsement 0 recommendations 1 open report", text)

    def test_dashboard_text_has_no_space_before_punctuation_or_inside_brackets(self):
        Endorsement.objects.create(
            endorser=self.bob, member=self.alice, skill=self.skill, state=EndorsementState.PENDING
        )
        for user in (self.superuser, self.editor, self.moderator):
            text = panel_text(self.home(user)).text
            self.assertIn("1 endorsement", text, user)
            self.assertIsNone(re.search(r"\s[,.;:!?)]|\(\s", text), (user, text))

    def test_dashboard_links_only_to_screens_the_user_may_open(self):
        Endorsement.objects.create(
            endorser=self.bob, member=self.alice, skill=self.skill, state=EndorsementState.PENDING
        )
        endorsements = reverse("wagtailsnippets_wagtail_network_endorsement:list")
        recommendations = reverse("wagtailsnippets_wagtail_network_recommendation:list")
        reports = reverse("wagtailsnippets_wagtail_network_report:list")
        queue = reverse("wagtail_network_moderation:index")
        expected = {
            # Moderators handle every pending kind, from the queue or the listings.
            self.moderator: {
                "pending": queue,
                "pending_endorsements": endorsements,
                "pending_recommendations": recommendations,
                "open_reports": reports,
            },
            # Editors edit and remove endorsements and recommendations and read
            # reports; they do not moderate, so the queue's figure is not a link.
            self.editor: {
                "pending_endorsements": endorsements,
                "pending_recommendations": recommendations,
                "open_reports": reports,
            },
        }
        for user, links in expected.items():
            with self.subTest(user=user):
                found = panel_text(self.home(user)).links
                self.assertEqual({k: v.split("?")[0] for k, v in found.items()}, links)
                for url in found.values():
                    self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_dashboard_shows_a_figure_without_a_link_to_a_screen_the_user_cannot_open(self):
        from django.contrib.auth.models import Permission

        # Sees every profile (the panel) but holds no right on the listings.
        viewer = UserFactory(username="privateviewer")
        viewer.user_permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
            Permission.objects.get(
                content_type__app_label="wagtail_network", codename="view_private_profiles"
            ),
        )
        response = self.home(viewer)
        parsed = panel_text(response)
        self.assertEqual(parsed.links, {})
        self.assertIn(
            "Pending moderation 0 0 endorsements 0 recommendations 0 open reports", parsed.text
        )

    def test_growth_chart_has_axes_a_legend_and_a_text_alternative(self):
        response = self.home(self.editor)
        html = response.content.decode()
        self.assertIn('data-axis="x"', html)
        self.assertIn('data-axis="y"', html)
        self.assertIn('data-tick="0"', html)
        text = panel_text(response).text
        # Legend, caption, a summary in words, and the figures as a table.
        self.assertIn("Growth per week, over the last 12 weeks", text)
        self.assertIn("New members New connections", text)
        self.assertIn("In total 0 new members and 0 new connections.", text)
        self.assertEqual(html.count('<tr><th scope="row">'), 12)
        # The drawing itself is hidden from screen readers, which get the words.
        self.assertRegex(html, r'<svg aria-hidden="true"[^>]*data-chart="growth"')

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
        # The first request fills caches (Wagtail's site root paths): not counted.
        self.client.get(reverse("wagtailadmin_home"))
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
