"""The member page offers exactly the actions the service layer would allow now,
always shows the relationship, names endorsers as visibility allows, and runs a
constant number of queries whatever the number of connections, skills and
endorsements it shows."""

from __future__ import annotations

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    MemberIndexPageFactory,
    MemberPageFactory,
    SkillFactory,
    UserFactory,
    connect,
    invite,
    site_root,
)
from tests.frontend.scenario import NetworkScenario
from wagtail_network.models import (
    ConnectionState,
    Endorsement,
    Recommendation,
    RecommendationState,
)

#: The form of each action, as the page writes it.
FORMS = {
    name: f'action="{reverse("wagtail_network:act", args=[name])}"'
    for name in (
        "connect",
        "withdraw",
        "accept",
        "ignore",
        "remove",
        "endorse",
        "unendorse",
        "recommend",
        "block",
        "report",
    )
}


class MemberPanelTests(NetworkScenario):
    def offered(self, page, user) -> set[str]:
        """The actions whose forms the page shows to ``user``."""
        response = self.get(page, user)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        return {name for name, marker in FORMS.items() if marker in html}

    def test_stranger_is_offered_connect_block_and_report_only(self):
        self.assertEqual(self.offered(self.dave, self.u_frank), {"connect", "block", "report"})
        self.assertContains(self.get(self.dave, self.u_frank), "Not connected")

    def test_second_degree_member_shows_2nd(self):
        response = self.get(self.bob, self.u_carol)
        self.assertContains(response, "2nd-degree connection")
        self.assertEqual(self.offered(self.bob, self.u_carol), {"connect", "block", "report"})

    def test_invitation_sent_offers_withdraw_only(self):
        invite(self.frank, self.dave)
        self.assertEqual(self.offered(self.dave, self.u_frank), {"withdraw", "block", "report"})
        self.assertContains(self.get(self.dave, self.u_frank), "Invitation sent")

    def test_ignored_invitation_still_reads_sent_to_its_sender(self):
        invite(self.frank, self.dave, state=ConnectionState.IGNORED)
        response = self.get(self.dave, self.u_frank)
        self.assertContains(response, "Invitation sent")
        self.assertNotContains(response, "ignored")
        self.assertEqual(self.offered(self.dave, self.u_frank), {"withdraw", "block", "report"})

    def test_invitation_received_offers_accept_and_ignore_with_the_note(self):
        invite(self.frank, self.dave, message="We met at PyCon")
        response = self.get(self.frank, self.u_dave)
        self.assertContains(response, "Wants to connect with you")
        self.assertContains(response, "We met at PyCon")
        self.assertEqual(
            self.offered(self.frank, self.u_dave), {"accept", "ignore", "block", "report"}
        )

    def test_ignored_invitation_can_still_be_accepted_by_its_recipient(self):
        invite(self.frank, self.dave, state=ConnectionState.IGNORED)
        self.assertEqual(self.offered(self.frank, self.u_dave), {"accept", "block", "report"})

    def test_connection_offers_remove_endorse_and_recommend(self):
        self.assertEqual(
            self.offered(self.bob, self.u_alice),
            {"remove", "endorse", "recommend", "block", "report"},
        )
        self.assertContains(self.get(self.bob, self.u_alice), "1st-degree connection")

    def test_endorsed_skill_offers_withdraw_instead_of_endorse(self):
        # Bob endorsed Alice's Python, not her Django.
        html = self.get(self.alice, self.u_bob).content.decode()
        self.assertEqual(html.count(FORMS["unendorse"]), 1)
        self.assertEqual(html.count(FORMS["endorse"]), 1)

    def test_published_recommendation_cannot_be_rewritten_and_reads_published(self):
        response = self.get(self.alice, self.u_bob)
        self.assertContains(response, "Your recommendation: Published.")
        self.assertNotIn("recommend", self.offered(self.alice, self.u_bob))

    def test_hidden_recommendation_still_reads_published_to_its_author(self):
        Recommendation.objects.filter(author=self.bob, member=self.alice).update(is_hidden=True)
        response = self.get(self.alice, self.u_bob)
        self.assertContains(response, "Your recommendation: Published.")
        self.assertEqual(response.context["actions"].recommendation_state, "Published")
        self.assertNotContains(response, "Hidden")

    def test_waiting_recommendation_reads_waiting_and_may_be_rewritten(self):
        Recommendation.objects.create(
            author=self.alice,
            member=self.bob,
            relationship="same_team",
            text="Draft",
            state=RecommendationState.PENDING_RECIPIENT,
        )
        response = self.get(self.bob, self.u_alice)
        self.assertContains(response, "Your recommendation: Awaiting the recipient.")
        self.assertContains(response, "Edit and send your recommendation again")

    def test_blocked_pages_show_nothing_to_either_side(self):
        self.assertEqual(self.get(self.eve, self.u_alice).status_code, 404)
        self.assertEqual(self.get(self.alice, self.u_eve).status_code, 404)

    def test_own_page_and_visitors_get_no_action_forms(self):
        self.assertEqual(self.offered(self.alice, self.u_alice), set())
        self.assertEqual(self.offered(self.alice, None), set())
        self.assertContains(self.get(self.alice), "Sign in to connect")

    def test_sign_in_link_follows_login_url_and_comes_back(self):
        # The host's LOGIN_URL, never a URL name it may not have.
        with override_settings(LOGIN_URL="/sign-in/"):
            self.assertContains(self.get(self.alice), 'href="/sign-in/?next=/members/alice/"')

    def test_user_without_profile_gets_no_action_forms(self):
        self.assertEqual(self.offered(self.alice, UserFactory(username="lurker")), set())

    @override_settings(WAGTAIL_NETWORK={"INVITATION_CAP": 1})
    def test_connect_is_not_offered_over_the_invitation_cap(self):
        invite(self.frank, self.bob)
        self.assertEqual(self.offered(self.dave, self.u_frank), {"block", "report"})
        self.assertContains(
            self.get(self.dave, self.u_frank), "You have too many open invitations."
        )

    def test_connect_is_not_offered_during_the_cooldown(self):
        self.as_user(self.u_frank)
        act = reverse("wagtail_network:act", args=["connect"])
        self.client.post(act, {"member": self.dave.pk})
        self.client.post(
            reverse("wagtail_network:act", args=["withdraw"]), {"member": self.dave.pk}
        )
        self.assertEqual(self.offered(self.dave, self.u_frank), {"block", "report"})

    def test_unpublished_viewer_may_not_connect_yet(self):
        self.assertEqual(self.offered(self.alice, self.u_drafty), {"block", "report"})
        self.assertContains(
            self.get(self.alice, self.u_drafty), "Your profile is not published yet."
        )

    def test_offered_actions_succeed_when_posted(self):
        """What the page offers, the service accepts (the panel mirrors the rules)."""
        self.as_user(self.u_alice)
        for action, data in (
            ("endorse", {"member": self.bob.pk, "skill": self.cobol.pk}),
            ("recommend", {"member": self.bob.pk, "relationship": "other", "text": "Good"}),
            ("remove", {"member": self.bob.pk}),
        ):
            with self.subTest(action=action):
                response = self.client.post(
                    reverse("wagtail_network:act", args=[action]), data, follow=True
                )
                self.assertNotContains(response, "wn-message--error")

    def test_mutual_connections_link_opens_the_list(self):
        # Carol and Bob share Alice.
        response = self.get(self.bob, self.u_carol)
        url = reverse("wagtail_network:mutual_connections", args=[self.bob.pk])
        self.assertContains(response, f'href="{url}"')
        self.assertContains(response, "1 mutual connection")
        listing = self.get(url, self.u_carol)
        self.assertEqual([m.title for m in listing.context["mutual"]], ["Alice Tester"])

    def test_mutual_connections_page_is_404_for_an_invisible_member(self):
        url = reverse("wagtail_network:mutual_connections", args=[self.eve.pk])
        self.assertEqual(self.get(url, self.u_alice).status_code, 404)
        url = reverse("wagtail_network:mutual_connections", args=[self.carol.pk])
        self.assertEqual(self.get(url, self.u_frank).status_code, 404)  # connections-only
        url = reverse("wagtail_network:mutual_connections", args=[999999])
        self.assertEqual(self.get(url, self.u_alice).status_code, 404)

    def test_mutual_connections_page_asks_visitors_to_sign_in(self):
        url = reverse("wagtail_network:mutual_connections", args=[self.bob.pk])
        response = self.get(url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])


class EndorsementDisplayTests(NetworkScenario):
    def test_endorsers_are_named_only_as_visibility_allows(self):
        # Python: Bob (live), Carol (hidden by Alice); Django: Frank (pending).
        response = self.get(self.alice, self.u_frank)
        skills = {skill.name: skill for skill in response.context["skills"]}
        self.assertEqual([m.title for m in skills["Python"].endorsers], ["Bob Tester"])
        self.assertEqual(skills["Python"].endorsement_count, 1)
        self.assertEqual(skills["Django"].endorsers, [])
        # Frank sees his own pending endorsement as his, never as a public figure.
        self.assertTrue(skills["Django"].endorsed_by_viewer)
        self.assertEqual(skills["Django"].endorsement_count, 0)

    def test_endorser_hidden_from_viewer_is_not_named(self):
        Endorsement.objects.create(endorser=self.carol, member=self.bob, skill=self.cobol)
        html = self.get(self.bob, self.u_frank).content.decode()
        self.assertNotIn("Carol Tester", html)


class MemberPageHtmxTests(NetworkScenario):
    def test_member_page_is_one_htmx_region_with_the_scripts(self):
        html = self.get(self.dave, self.u_frank).content.decode()
        self.assertIn(
            'id="wn-profile" aria-labelledby="wn-profile-name" tabindex="-1" hx-target="this" '
            'hx-select="#wn-profile" hx-swap="outerHTML" '
            'hx-select-oob="#wn-messages:innerHTML,#wn-nav-count:outerHTML"',
            html,
        )
        self.assertIn(f'hx-post="{reverse("wagtail_network:act", args=["connect"])}"', html)
        self.assertIn("django_htmx/htmx-2", html)
        self.assertIn("wagtail_network/js/network.js", html)
        self.assertIn('<div id="wn-messages" class="wn-messages-region" role="status"', html)
        self.assertEqual(html.count('id="wn-messages"'), 1)

    def test_visitor_page_loads_no_scripts(self):
        self.assertNotIn("htmx", self.get(self.alice).content.decode())


class GrowingNetwork(TestCase):
    """A viewer connected to a member; :meth:`grow` adds skills, connections (each a
    mutual one), endorsements and recommendations to the member."""

    @classmethod
    def setUpTestData(cls):
        cls.directory = MemberIndexPageFactory(parent=site_root())
        cls.viewer_user = UserFactory(username="viewer")
        cls.viewer = MemberPageFactory(parent=cls.directory, title="Viewer", user=cls.viewer_user)
        cls.member = MemberPageFactory(
            parent=cls.directory,
            title="Member",
            user=UserFactory(username="member"),
            connections_visibility="public",
        )
        connect(cls.viewer, cls.member)

    def grow(self, count: int) -> None:
        for _ in range(count):
            skill = SkillFactory()
            self.member.skills.add(skill)
            self.member.save()
            friend = MemberPageFactory(parent=self.directory, user=UserFactory())
            connect(friend, self.member)
            connect(friend, self.viewer)  # a mutual connection
            Endorsement.objects.create(endorser=friend, member=self.member, skill=skill)
            Endorsement.objects.create(endorser=self.viewer, member=self.member, skill=skill)
            Recommendation.objects.create(
                author=friend,
                member=self.member,
                relationship="same_team",
                text="Reliable.",
                state=RecommendationState.PUBLISHED,
            )


class MemberPageQueryCountTests(GrowingNetwork):
    """The member page with its panel runs the same queries for 3 and for 12
    connections, skills, endorsements and recommendations (each with its Report form)."""

    def count(self) -> int:
        self.client.force_login(self.viewer_user)
        self.client.get(self.member.url)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.member.url)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_member_page_queries_do_not_grow_with_connections_skills_endorsements(self):
        self.grow(3)
        small = self.count()
        self.grow(9)
        large = self.count()
        response = self.client.get(self.member.url)
        self.assertEqual(len(response.context["skills"]), 12)
        self.assertEqual(response.context["actions"].mutual_count, 12)
        self.assertEqual(len(response.context["recommendations"]), 12)
        self.assertEqual(small, large, f"{small} queries at 3 rows, {large} at 12")
        print(f"member page with actions: {large} queries")


class RecommendationReportTests(NetworkScenario):
    def test_members_may_report_a_recommendation_they_did_not_write(self):
        published = Recommendation.objects.get(author=self.bob, member=self.alice)
        marker = f'name="recommendation" value="{published.pk}"'
        self.assertContains(self.get(self.alice, self.u_frank), marker)
        self.assertNotContains(self.get(self.alice, self.u_bob), marker)  # its author
        self.assertNotContains(self.get(self.alice, self.u_alice), marker)  # its recipient
        self.assertNotContains(self.get(self.alice), marker)  # visitors


class MutualConnectionsQueryCountTests(GrowingNetwork):
    """The mutual-connections page runs the same queries for 3 and for 12 of them."""

    def count_mutual(self) -> int:
        url = reverse("wagtail_network:mutual_connections", args=[self.member.pk])
        self.client.force_login(self.viewer_user)
        self.client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_mutual_connections_page_queries_do_not_grow_with_the_list(self):
        self.grow(3)
        small = self.count_mutual()
        self.grow(9)
        large = self.count_mutual()
        url = reverse("wagtail_network:mutual_connections", args=[self.member.pk])
        self.assertEqual(len(self.client.get(url).context["mutual"]), 12)
        self.assertEqual(small, large, f"{small} queries at 3 rows, {large} at 12")
        print(f"mutual connections page: {large} queries")
