"""The company page: Follow / Unfollow with the follower count, "I work here" only
while the member holds no current position there, "Edit company profile" for its
admins; constant queries whatever the number of followers and employees."""

from __future__ import annotations

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    PositionFactory,
    UserFactory,
    site_root,
)
from tests.frontend.scenario import NetworkScenario
from wagtail_network.models import Follow, Position


def form(action: str) -> str:
    return f'action="{reverse("wagtail_network:act", args=[action])}"'


class CompanyPanelTests(NetworkScenario):
    def html(self, page, user) -> str:
        response = self.get(page, user)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_member_not_following_is_offered_follow_and_claim(self):
        html = self.html(self.globex, self.u_frank)
        self.assertIn(form("follow"), html)
        self.assertNotIn(form("unfollow"), html)
        self.assertIn(form("claim"), html)
        self.assertIn("I work here", html)

    def test_follower_is_offered_unfollow_and_sees_the_count(self):
        html = self.html(self.acme, self.u_frank)
        self.assertIn(form("unfollow"), html)
        self.assertNotIn(form("follow"), html)
        self.assertIn("2 followers", html)

    def test_following_updates_button_and_count(self):
        self.as_user(self.u_frank)
        response = self.client.post(
            reverse("wagtail_network:act", args=["follow"]),
            {"company": self.globex.pk, "next": self.globex.url},
            follow=True,
        )
        html = response.content.decode()
        self.assertIn(form("unfollow"), html)
        self.assertIn("1 follower", html)
        self.assertIn("You follow Globex.", html)

    def test_current_position_hides_i_work_here(self):
        # Alice's verified position at Acme.
        html = self.html(self.acme, self.u_alice)
        self.assertNotIn(form("claim"), html)
        self.assertNotIn("waiting for confirmation", html)

    def test_unverified_current_position_reads_waiting_for_confirmation(self):
        # Carol's claimed, unconfirmed position at Acme.
        html = self.html(self.acme, self.u_carol)
        self.assertNotIn(form("claim"), html)
        self.assertIn("Position claimed — waiting for confirmation", html)

    def test_past_position_still_offers_i_work_here(self):
        PositionFactory(member=self.frank, company=self.globex, is_current=False)
        self.assertIn(form("claim"), self.html(self.globex, self.u_frank))

    def test_visitor_is_asked_to_sign_in_and_gets_no_forms(self):
        html = self.html(self.acme, None)
        self.assertIn("Sign in to follow", html)
        self.assertNotIn("/network/act/", html)
        self.assertNotIn("htmx", html)

    def test_unpublished_member_may_unfollow_but_not_follow_or_claim(self):
        Follow.objects.create(member=self.drafty, company=self.acme)
        acme = self.html(self.acme, self.u_drafty)
        self.assertIn(form("unfollow"), acme)
        self.assertNotIn(form("claim"), acme)
        globex = self.html(self.globex, self.u_drafty)
        self.assertNotIn(form("follow"), globex)

    def test_company_admin_keeps_the_edit_link(self):
        admin = UserFactory(username="acme-admin")
        assign_perm("wagtail_network.change_companypage", admin, self.acme)
        html = self.html(self.acme, admin)
        self.assertIn("Edit company profile", html)
        self.assertNotIn("Edit company profile", self.html(self.acme, self.u_frank))

    def test_company_page_is_one_htmx_region(self):
        html = self.html(self.globex, self.u_frank)
        self.assertIn(
            'id="wn-company" aria-labelledby="wn-profile-name" tabindex="-1" hx-target="this" '
            'hx-select="#wn-company" hx-swap="outerHTML" '
            'hx-select-oob="#wn-messages:innerHTML,#wn-nav-count:outerHTML"',
            html,
        )
        self.assertIn(f'hx-post="{reverse("wagtail_network:act", args=["follow"])}"', html)


class CompanyPageQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = site_root()
        cls.directory = MemberIndexPageFactory(parent=root)
        cls.companies = CompanyIndexPageFactory(parent=root)
        cls.company = CompanyPageFactory(parent=cls.companies, title="Big")
        cls.viewer_user = UserFactory(username="viewer")
        cls.viewer = MemberPageFactory(parent=cls.directory, title="Viewer", user=cls.viewer_user)
        Follow.objects.create(member=cls.viewer, company=cls.company)

    def grow(self, count: int) -> None:
        for _ in range(count):
            member = MemberPageFactory(parent=self.directory, user=UserFactory())
            Follow.objects.create(member=member, company=self.company)
            Position.objects.create(member=member, company=self.company, title="Staff")

    def count(self) -> int:
        self.client.force_login(self.viewer_user)
        self.client.get(self.company.url)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.company.url)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_company_page_queries_do_not_grow_with_followers_and_employees(self):
        self.grow(3)
        small = self.count()
        self.grow(9)
        large = self.count()
        self.assertContains(self.client.get(self.company.url), "13 followers")
        self.assertEqual(small, large, f"{small} queries at 3 rows, {large} at 12")
        print(f"company page with actions: {large} queries")


class ClaimActionTests(NetworkScenario):
    def claim(self, user, company, **data):
        self.as_user(user)
        self.client.cookies.pop("messages", None)
        return self.client.post(
            reverse("wagtail_network:act", args=["claim"]),
            {"company": company, "next": "/companies/", **data},
        )

    def messages_of(self, response) -> list[tuple[str, str]]:
        from django.contrib.messages import get_messages

        return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]

    def test_i_work_here_claims_a_current_position_waiting_for_confirmation(self):
        response = self.claim(self.u_frank, self.globex.pk)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(
            self.messages_of(response),
            [("success", "Position at Globex claimed; it waits for the company's confirmation.")],
        )
        position = Position.objects.get(member=self.frank, company=self.globex)
        self.assertTrue(position.is_current)
        self.assertIsNone(position.verified_at)
        html = self.get(self.globex, self.u_frank).content.decode()
        self.assertIn("Position claimed — waiting for confirmation", html)
        self.assertNotIn(form("claim"), html)

    def test_claim_with_a_current_position_there_is_refused(self):
        before = Position.objects.count()
        response = self.claim(self.u_alice, self.acme.pk)
        self.assertEqual(self.messages_of(response), [("error", "This already exists.")])
        self.assertEqual(Position.objects.count(), before)

    def test_claim_at_unpublished_or_malformed_company_is_refused(self):
        for value in (self.initech.pk, "abc", ""):
            with self.subTest(value=value):
                response = self.claim(self.u_frank, value)
                self.assertEqual(self.messages_of(response), [("error", "Not found.")])
        self.assertFalse(Position.objects.filter(member=self.frank).exists())

    def test_claim_by_unpublished_profile_is_refused(self):
        response = self.claim(self.u_drafty, self.globex.pk)
        self.assertEqual(
            self.messages_of(response), [("error", "Your profile is not published yet.")]
        )
        self.assertFalse(Position.objects.filter(member=self.drafty).exists())
