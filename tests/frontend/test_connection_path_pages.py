"""The member page says how the viewer is connected ("How you are connected": the
path from "You" to the member, or the degree in words when every path is hidden),
and the company page lists the viewer's connections who work or worked there; both
only for signed-in members, both from the graph service's answers."""

from __future__ import annotations

import re

from django.db import connection as db_connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    PositionFactory,
    UserFactory,
    connect,
    site_root,
)
from wagtail_network.directory import CONNECTIONS_HERE_LIMIT


def section(html: str, heading_id: str) -> str:
    """The ``<section>`` labelled by ``heading_id`` ("" when the page has none)."""
    found = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, flags=re.S
    )
    return found.group(0) if found else ""


def names_in_order(html: str) -> list[str]:
    return re.findall(r'<span class="wn-path__name">([^<]*)</span>', html)


class PathNetwork(TestCase):
    """me – anna – bram – cees (lists public); me – priv (list "only me") – pia and
    pia – pim (pia's list also "only me"): pia is 2nd-degree and pim 3rd-degree,
    both behind private lists. Acme: anna works there, dora (me's connection)
    worked there, stan (a stranger) works there."""

    @classmethod
    def setUpTestData(cls):
        root = site_root()
        cls.directory = MemberIndexPageFactory(parent=root)
        cls.companies = CompanyIndexPageFactory(parent=root)

        def member(name, **kwargs):
            kwargs.setdefault("connections_visibility", "public")
            kwargs.setdefault("positions_visibility", "public")
            kwargs.setdefault("profile_visibility", "public")
            return MemberPageFactory(
                parent=cls.directory,
                title=name,
                user=UserFactory(username=name.split()[0].lower()),
                **kwargs,
            )

        cls.me = member("Mira Viewer")
        cls.anna = member("Anna de Vries")
        cls.bram = member("Bram Jansen")
        cls.cees = member("Cees Bakker")
        cls.priv = member("Priv Member", connections_visibility="only_me")
        cls.pia = member("Pia Hidden", connections_visibility="only_me")
        cls.pim = member("Pim Hidden")
        cls.dora = member("Dora Former")
        cls.stan = member("Stan Stranger")
        connect(cls.me, cls.anna)
        connect(cls.anna, cls.bram)
        connect(cls.bram, cls.cees)
        connect(cls.me, cls.priv)
        connect(cls.priv, cls.pia)
        connect(cls.pia, cls.pim)
        connect(cls.me, cls.dora)
        cls.acme = CompanyPageFactory(parent=cls.companies, title="Acme")
        PositionFactory(member=cls.anna, company=cls.acme, title="Engineer")
        PositionFactory(member=cls.stan, company=cls.acme, title="Engineer")
        PositionFactory(member=cls.dora, company=cls.acme, title="Intern", is_current=False)

    def page(self, page, user=None, **headers) -> str:
        if user is None:
            self.client.logout()
        else:
            self.client.force_login(user)
        response = self.client.get(page.url, headers=headers)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def path_section(self, page, user=None) -> str:
        return section(self.page(page, user), "wn-path-heading")


class HowYouAreConnectedTests(PathNetwork):
    def test_the_path_runs_from_you_to_the_member_in_order_for_two_and_three_hops(self):
        two = self.path_section(self.bram, self.me.user)
        self.assertEqual(names_in_order(two), ["You", "Anna de Vries", "Bram Jansen"])
        self.assertIn("2nd-degree connection", two)
        three = self.path_section(self.cees, self.me.user)
        self.assertEqual(
            names_in_order(three), ["You", "Anna de Vries", "Bram Jansen", "Cees Bakker"]
        )
        self.assertIn("3rd-degree connection", three)
        # An ordered list under a heading; the people between are links to them.
        self.assertIn('<h2 id="wn-path-heading">How you are connected</h2>', three)
        self.assertIn('<ol class="wn-path__list">', three)
        self.assertIn(f'href="{self.anna.url}"', three)
        self.assertIn(f'href="{self.bram.url}"', three)

    def test_a_direct_connection_reads_you_are_connected(self):
        one = self.path_section(self.anna, self.me.user)
        self.assertIn("You are connected", one)
        self.assertNotIn("<ol", one)

    def test_a_path_behind_private_lists_is_said_in_words_and_names_nobody(self):
        two = self.path_section(self.pia, self.me.user)
        self.assertIn("2nd-degree connection, through connections who keep their list private", two)
        self.assertNotIn("Priv Member", two)
        self.assertNotIn("<ol", two)
        three = self.path_section(self.pim, self.me.user)
        self.assertIn(
            "3rd-degree connection, through connections who keep their list private", three
        )
        self.assertNotIn("Pia Hidden", three)

    def test_a_longer_visible_path_is_shown_with_the_degree_and_says_why(self):
        # me – priv – tess is hidden (both lists private); me – anna – bram – tess is not.
        tess = MemberPageFactory(
            parent=self.directory,
            title="Tess Twice",
            user=UserFactory(username="tess"),
            connections_visibility="only_me",
        )
        connect(self.priv, tess)
        connect(self.bram, tess)
        html = self.path_section(tess, self.me.user)
        self.assertIn("2nd-degree connection", html)
        self.assertIn("a shorter path runs through connections who keep their list private", html)
        self.assertEqual(
            names_in_order(html), ["You", "Anna de Vries", "Bram Jansen", "Tess Twice"]
        )
        self.assertNotIn("Priv Member", html)

    def test_nothing_for_visitors_oneself_or_a_member_out_of_reach(self):
        self.assertEqual(self.path_section(self.cees), "")
        self.assertEqual(self.path_section(self.me, self.me.user), "")
        self.assertEqual(self.path_section(self.stan, self.me.user), "")

    def test_the_section_reads_in_dutch(self):
        with translation.override("nl"):
            html = self.page(self.cees, self.me.user, accept_language="nl")
            hidden = self.page(self.pia, self.me.user, accept_language="nl")
            one = self.page(self.anna, self.me.user, accept_language="nl")
        path = section(html, "wn-path-heading")
        self.assertIn("Hoe je verbonden bent", path)
        self.assertEqual(names_in_order(path)[0], "Jij")
        self.assertIn("Je bent verbonden", section(one, "wn-path-heading"))
        self.assertIn(
            "Tweedegraads connectie, via connecties die hun lijst privé houden",
            section(hidden, "wn-path-heading"),
        )

    def test_a_three_hop_path_costs_a_bounded_number_of_queries(self):
        def count(page) -> int:
            self.client.force_login(self.me.user)
            self.client.get(page.url)
            with CaptureQueriesContext(db_connection) as queries:
                self.client.get(page.url)
            return len(queries)

        stranger, three = count(self.stan), count(self.cees)
        # graph.connection_path: at most 5 queries for 3 hops, where the page asked
        # for the degree alone before (1): 4 more, plus 1 for the photos' renditions
        # when a member on the path has a photo.
        self.assertLessEqual(three - stranger, 5, (stranger, three))
        print(f"member page: {stranger} queries (no path), {three} (3-hop path)")


class ConnectionsAtCompanyTests(PathNetwork):
    def here(self, user=None, **headers) -> str:
        return section(self.page(self.acme, user, **headers), "wn-connections-here")

    def test_the_company_page_lists_your_connections_there_and_no_strangers(self):
        html = self.here(self.me.user)
        self.assertIn("Your connections here", html)
        self.assertIn("1 of your connections works here", html)
        self.assertIn("Anna de Vries", html)
        self.assertNotIn("Stan Stranger", html)
        # dora worked there before: told apart, in a disclosure.
        self.assertIn("1 of your connections worked here before", html)
        self.assertIn("Dora Former", html)
        self.assertIn("<details", html)

    def test_nothing_for_visitors(self):
        self.assertEqual(self.here(), "")

    def test_a_position_hidden_from_you_does_not_count(self):
        self.anna.positions_visibility = "only_me"
        self.anna.save()
        html = self.here(self.me.user)
        self.assertNotIn("Anna de Vries", html)
        self.assertIn("None of your connections work here.", html)

    def test_a_long_list_is_cut_and_counted(self):
        for i in range(CONNECTIONS_HERE_LIMIT + 2):
            colleague = MemberPageFactory(
                parent=self.directory, title=f"Colleague {i:02}", positions_visibility="public"
            )
            connect(self.me, colleague)
            PositionFactory(member=colleague, company=self.acme)
        html = self.here(self.me.user)
        self.assertIn(f"{CONNECTIONS_HERE_LIMIT + 3} of your connections work here", html)
        self.assertEqual(html.count('class="wn-people__name"'), CONNECTIONS_HERE_LIMIT + 1)
        self.assertIn(f"The first {CONNECTIONS_HERE_LIMIT} by name.", html)

    def test_the_section_reads_in_dutch(self):
        with translation.override("nl"):
            html = self.here(self.me.user, accept_language="nl")
        self.assertIn("Je connecties hier", html)
        self.assertIn("1 van je connecties werkt hier", html)
