"""The site's action endpoint (``POST network/act/<action>/``), through the real view.

Every action succeeds with a message naming the person or company; every refusal is
the service's own (the same as GraphQL's), shown as an error message, with nothing
written; redirects stay on the site; CSRF is enforced; htmx requests take the same path.
"""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.test import Client, override_settings
from django.urls import reverse
from wagtail.models import ModelLogEntry, PageLogEntry

from tests.factories import invite
from tests.frontend.scenario import NetworkScenario
from wagtail_network.models import (
    Block,
    Connection,
    ConnectionEdge,
    ConnectionEvent,
    ConnectionState,
    Endorsement,
    Follow,
    Recommendation,
    RecommendationState,
    Report,
    SuggestionDismissal,
)
from wagtail_network.site_actions import my_network_url


def act_url(action: str) -> str:
    return reverse("wagtail_network:act", args=[action])


class ActionTestCase(NetworkScenario):
    """Helpers: post an action as someone, read its messages, snapshot the tables."""

    def act(self, action: str, user=None, *, headers=None, **data):
        self.as_user(user)
        # Messages of an earlier post in the same test were never shown (no page was
        # rendered): drop them, so each response is read for its own messages.
        self.client.cookies.pop("messages", None)
        data.setdefault("next", "/members/")
        return self.client.post(act_url(action), data, headers=headers or {})

    def messages_of(self, response) -> list[tuple[str, str]]:
        return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]

    def assert_success(self, response, text: str, url: str = "/members/") -> None:
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response["Location"], url)
        self.assertIn(("success", text), self.messages_of(response))

    def snapshot(self) -> tuple[int, ...]:
        """Row counts of everything an action may write (including audit entries)."""
        return tuple(
            model.objects.count()
            for model in (
                Connection,
                ConnectionEdge,
                ConnectionEvent,
                Endorsement,
                Recommendation,
                Block,
                Report,
                Follow,
                SuggestionDismissal,
                ModelLogEntry,
                PageLogEntry,
            )
        )

    def assert_refused(self, action: str, user, expected: str, **data) -> None:
        """The action is refused with ``expected`` (an error), nothing written, 303 back."""
        before = self.snapshot()
        response = self.act(action, user, **data)
        self.assertEqual(response.status_code, 303, action)
        self.assertEqual(self.messages_of(response), [("error", expected)])
        self.assertEqual(self.snapshot(), before, f"{action} wrote something")


class ConnectionActionTests(ActionTestCase):
    def test_connect_sends_invitation_with_note_and_names_the_member(self):
        response = self.act("connect", self.u_frank, member=self.dave.pk, message="Hi Dave")
        self.assert_success(response, "Invitation sent to Dave Tester.")
        invitation = Connection.objects.get(requester=self.frank, recipient=self.dave)
        self.assertEqual((invitation.state, invitation.message), ("pending", "Hi Dave"))

    def test_connect_to_member_who_invited_you_connects_at_once(self):
        invite(self.dave, self.frank)
        response = self.act("connect", self.u_frank, member=self.dave.pk)
        self.assert_success(response, "You are now connected with Dave Tester.")
        self.assertTrue(ConnectionEdge.objects.filter(member=self.frank, other=self.dave).exists())

    def test_withdraw_ends_own_invitation(self):
        invite(self.frank, self.dave)
        response = self.act("withdraw", self.u_frank, member=self.dave.pk)
        self.assert_success(response, "Invitation to Dave Tester withdrawn.")
        self.assertEqual(Connection.objects.get(requester=self.frank).state, "withdrawn")

    def test_accept_connects_to_inviter(self):
        invite(self.dave, self.frank, message="Let's connect")
        response = self.act("accept", self.u_frank, member=self.dave.pk)
        self.assert_success(response, "You are now connected with Dave Tester.")
        self.assertTrue(ConnectionEdge.objects.filter(member=self.dave, other=self.frank).exists())

    def test_ignore_leaves_invitation_ignored(self):
        invite(self.dave, self.frank)
        response = self.act("ignore", self.u_frank, member=self.dave.pk)
        self.assert_success(response, "Invitation from Dave Tester ignored.")
        self.assertEqual(Connection.objects.get(requester=self.dave).state, "ignored")

    def test_remove_ends_connection(self):
        response = self.act("remove", self.u_alice, member=self.bob.pk)
        self.assert_success(response, "Connection with Bob Tester removed.")
        self.assertFalse(ConnectionEdge.objects.filter(member=self.alice, other=self.bob).exists())

    def test_accept_without_invitation_is_refused(self):
        self.assert_refused("accept", self.u_frank, "Not found.", member=self.dave.pk)

    def test_withdraw_without_invitation_is_refused(self):
        self.assert_refused("withdraw", self.u_frank, "Not found.", member=self.dave.pk)

    def test_remove_when_not_connected_is_refused(self):
        self.assert_refused(
            "remove", self.u_frank, "You are not connected to this member.", member=self.dave.pk
        )

    def test_connect_twice_is_refused_as_already_invited(self):
        invite(self.frank, self.dave)
        self.assert_refused(
            "connect", self.u_frank, "An invitation is already pending.", member=self.dave.pk
        )

    def test_connect_to_connection_is_refused(self):
        self.assert_refused(
            "connect", self.u_alice, "You are already connected.", member=self.bob.pk
        )

    def test_connect_to_self_is_refused(self):
        self.assert_refused(
            "connect", self.u_frank, "You cannot do this to yourself.", member=self.frank.pk
        )

    @override_settings(WAGTAIL_NETWORK={"INVITATION_CAP": 1})
    def test_connect_over_the_invitation_cap_is_refused(self):
        invite(self.frank, self.bob)
        self.assert_refused(
            "connect", self.u_frank, "You have too many open invitations.", member=self.dave.pk
        )

    @override_settings(
        WAGTAIL_NETWORK={"RATE_LIMITS": {"invitations": {"count": 1, "window": 3600}}}
    )
    def test_connect_over_the_rate_limit_is_refused_with_the_services_message(self):
        self.act("connect", self.u_frank, member=self.dave.pk)
        self.assert_refused(
            "connect",
            self.u_frank,
            "You have done this too often; try again later.",
            member=self.bob.pk,
        )

    @override_settings(WAGTAIL_NETWORK={"RATE_LIMITS": {"reports": {"count": 1, "window": 3600}}})
    def test_report_over_the_rate_limit_is_refused(self):
        self.act("report", self.u_frank, member=self.dave.pk, reason="spam")
        self.assert_refused(
            "report",
            self.u_frank,
            "You have done this too often; try again later.",
            member=self.bob.pk,
            reason="spam",
        )

    def test_connect_during_cooldown_is_refused(self):
        self.act("connect", self.u_frank, member=self.dave.pk)
        self.act("withdraw", self.u_frank, member=self.dave.pk)
        self.assert_refused(
            "connect",
            self.u_frank,
            "You cannot invite this member again yet.",
            member=self.dave.pk,
        )

    def test_connect_note_over_500_characters_is_refused(self):
        self.assert_refused(
            "connect",
            self.u_frank,
            "The message can be at most 500 characters long.",
            member=self.dave.pk,
            message="x" * 501,
        )

    def test_malformed_member_ids_are_refused_as_not_found_never_an_error_page(self):
        for value in ("abc", "", "-1", "1.5", "9" * 40, "１２", "0"):
            with self.subTest(value=value):
                self.assert_refused("connect", self.u_frank, "Not found.", member=value)
                self.assert_refused("accept", self.u_frank, "Not found.", member=value)

    def test_a_field_given_twice_is_refused_and_nothing_is_written(self):
        # member=a&member=b would otherwise act on whichever value the parser kept.
        for action in ("connect", "block", "report"):
            with self.subTest(action=action):
                self.assert_refused(
                    action,
                    self.u_frank,
                    "Give each field once.",
                    member=[self.dave.pk, self.alice.pk],
                    reason="spam",
                )

    def test_missing_member_field_is_refused_as_not_found(self):
        self.as_user(self.u_frank)
        before = self.snapshot()
        response = self.client.post(act_url("withdraw"), {})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.messages_of(response), [("error", "Not found.")])
        self.assertEqual(self.snapshot(), before)


class EndorsementAndRecommendationActionTests(ActionTestCase):
    def test_endorse_then_withdraw_a_listed_skill_of_a_connection(self):
        response = self.act("endorse", self.u_alice, member=self.bob.pk, skill=self.cobol.pk)
        self.assert_success(response, "You endorsed Bob Tester for Cobol.")
        self.assertTrue(Endorsement.objects.filter(endorser=self.alice, member=self.bob).exists())
        response = self.act("unendorse", self.u_alice, member=self.bob.pk, skill=self.cobol.pk)
        self.assert_success(response, "Endorsement of Bob Tester for Cobol withdrawn.")
        self.assertFalse(Endorsement.objects.filter(endorser=self.alice, member=self.bob).exists())

    @override_settings(WAGTAIL_NETWORK={"ENDORSEMENT_MODERATION": True})
    def test_endorse_with_moderation_says_it_waits(self):
        response = self.act("endorse", self.u_alice, member=self.bob.pk, skill=self.cobol.pk)
        self.assert_success(
            response, "Your endorsement of Bob Tester for Cobol waits for a moderator."
        )

    def test_endorse_when_not_connected_is_refused(self):
        self.assert_refused(
            "endorse",
            self.u_frank,
            "You are not connected to this member.",
            member=self.alice.pk,
            skill=self.python.pk,
        )

    def test_endorse_unlisted_skill_is_refused(self):
        self.assert_refused(
            "endorse",
            self.u_bob,
            "The member does not list this skill.",
            member=self.alice.pk,
            skill=self.cobol.pk,
        )

    def test_endorse_unknown_or_malformed_skill_is_refused(self):
        for value in ("999999", "no-such-skill", ""):
            with self.subTest(value=value):
                self.assert_refused(
                    "endorse", self.u_bob, "Unknown skill.", member=self.alice.pk, skill=value
                )

    def test_withdraw_endorsement_never_given_is_refused(self):
        self.assert_refused(
            "unendorse", self.u_alice, "Not found.", member=self.bob.pk, skill=self.cobol.pk
        )

    def test_recommend_a_connection_waits_for_them(self):
        response = self.act(
            "recommend", self.u_alice, member=self.bob.pk, relationship="same_team", text="Solid."
        )
        self.assert_success(
            response, "Recommendation sent to Bob Tester; it shows once they accept it."
        )
        rec = Recommendation.objects.get(author=self.alice, member=self.bob)
        self.assertEqual(rec.state, RecommendationState.PENDING_RECIPIENT)

    def test_recommend_self_is_refused(self):
        self.assert_refused(
            "recommend",
            self.u_alice,
            "You cannot do this to yourself.",
            member=self.alice.pk,
            relationship="same_team",
            text="I am great.",
        )

    def test_recommend_stranger_is_refused(self):
        self.assert_refused(
            "recommend",
            self.u_frank,
            "You are not connected to this member.",
            member=self.alice.pk,
            relationship="same_team",
            text="Hello",
        )

    def test_recommend_with_unknown_relationship_or_no_text_is_refused(self):
        self.assert_refused(
            "recommend",
            self.u_alice,
            "Choose a relationship.",
            member=self.bob.pk,
            relationship="lover",
            text="x",
        )
        self.assert_refused(
            "recommend",
            self.u_alice,
            "Write the recommendation.",
            member=self.bob.pk,
            relationship="same_team",
            text="   ",
        )

    def test_recommend_again_after_it_was_published_is_refused(self):
        self.assert_refused(
            "recommend",
            self.u_bob,
            "This already exists.",
            member=self.alice.pk,
            relationship="same_team",
            text="Once more.",
        )

    def test_respond_accept_decline_hide_unhide(self):
        waiting = Recommendation.objects.get(author=self.frank, member=self.alice)
        response = self.act("respond", self.u_alice, recommendation=waiting.pk, response="decline")
        self.assert_success(response, "Recommendation from Frank Tester declined.")
        response = self.act("respond", self.u_alice, recommendation=waiting.pk, response="accept")
        self.assert_success(
            response, "Recommendation from Frank Tester accepted and shown on your profile."
        )
        response = self.act("respond", self.u_alice, recommendation=waiting.pk, response="hide")
        self.assert_success(response, "Recommendation from Frank Tester hidden from your profile.")
        response = self.act("respond", self.u_alice, recommendation=waiting.pk, response="unhide")
        self.assert_success(
            response, "Recommendation from Frank Tester shown on your profile again."
        )
        waiting.refresh_from_db()
        self.assertEqual((waiting.state, waiting.is_hidden), ("published", False))

    @override_settings(WAGTAIL_NETWORK={"RECOMMENDATION_MODERATION": True})
    def test_respond_accept_with_moderation_says_a_moderator_decides(self):
        waiting = Recommendation.objects.get(author=self.frank, member=self.alice)
        response = self.act("respond", self.u_alice, recommendation=waiting.pk, response="accept")
        self.assert_success(
            response,
            "Recommendation from Frank Tester accepted; it shows once a moderator approves it.",
        )

    def test_respond_to_someone_elses_recommendation_is_refused(self):
        waiting = Recommendation.objects.get(author=self.frank, member=self.alice)
        self.assert_refused(
            "respond",
            self.u_frank,
            "You do not have permission to do this.",
            recommendation=waiting.pk,
            response="accept",
        )

    def test_respond_with_unknown_answer_is_refused(self):
        waiting = Recommendation.objects.get(author=self.frank, member=self.alice)
        self.assert_refused(
            "respond", self.u_alice, "Unknown action.", recommendation=waiting.pk, response="love"
        )

    def test_hide_and_unhide_received_endorsement(self):
        given = Endorsement.objects.get(endorser=self.bob, member=self.alice)
        response = self.act("hide_endorsement", self.u_alice, endorsement=given.pk)
        self.assert_success(response, "Endorsement from Bob Tester for Python hidden.")
        given.refresh_from_db()
        self.assertTrue(given.is_hidden)
        response = self.act("unhide_endorsement", self.u_alice, endorsement=given.pk)
        self.assert_success(response, "Endorsement from Bob Tester for Python shown again.")
        given.refresh_from_db()
        self.assertFalse(given.is_hidden)

    def test_hide_endorsement_given_to_someone_else_is_refused(self):
        given = Endorsement.objects.get(endorser=self.bob, member=self.alice)
        self.assert_refused(
            "hide_endorsement",
            self.u_bob,
            "You do not have permission to do this.",
            endorsement=given.pk,
        )


class BlockReportFollowActionTests(ActionTestCase):
    def test_block_redirects_to_the_blocked_list_of_my_network(self):
        response = self.act("block", self.u_frank, member=self.dave.pk)
        self.assert_success(response, "You blocked Dave Tester.", url=my_network_url() + "#blocked")
        self.assertTrue(Block.objects.filter(blocker=self.frank, blocked=self.dave).exists())

    def test_unblock_lifts_own_block(self):
        response = self.act("unblock", self.u_eve, member=self.alice.pk)
        self.assert_success(response, "You unblocked Alice Tester.")
        self.assertFalse(Block.objects.filter(blocker=self.eve).exists())

    def test_unblock_without_block_is_refused(self):
        self.assert_refused("unblock", self.u_frank, "Not found.", member=self.dave.pk)

    def test_report_member_and_recommendation(self):
        response = self.act(
            "report", self.u_frank, member=self.dave.pk, reason="spam", details="Sells things"
        )
        self.assert_success(response, "Thank you. Your report was sent to the moderators.")
        published = Recommendation.objects.get(author=self.bob, member=self.alice)
        response = self.act(
            "report", self.u_frank, recommendation=published.pk, member="", reason="fake"
        )
        self.assert_success(response, "Thank you. Your report was sent to the moderators.")
        self.assertEqual(Report.objects.filter(reporter=self.frank).count(), 2)

    def test_report_without_reason_or_target_is_refused(self):
        self.assert_refused("report", self.u_frank, "Choose a reason.", member=self.dave.pk)
        self.assert_refused("report", self.u_frank, "Report exactly one thing.", reason="spam")

    def test_follow_and_unfollow_name_the_company(self):
        response = self.act("follow", self.u_frank, company=self.globex.pk)
        self.assert_success(response, "You follow Globex.")
        self.assertTrue(Follow.objects.filter(member=self.frank, company=self.globex).exists())
        response = self.act("unfollow", self.u_frank, company=self.globex.pk)
        self.assert_success(response, "You no longer follow Globex.")
        self.assertFalse(Follow.objects.filter(member=self.frank, company=self.globex).exists())

    def test_follow_unpublished_or_malformed_company_is_refused(self):
        for value in (self.initech.pk, "x", ""):
            with self.subTest(value=value):
                self.assert_refused("follow", self.u_frank, "Not found.", company=value)


class DismissActionTests(ActionTestCase):
    def test_dismiss_keeps_the_member_out_of_suggestions(self):
        response = self.act("dismiss", self.u_carol, member=self.bob.pk)
        self.assert_success(response, "Bob Tester will not be suggested to you again.")
        self.assertTrue(
            SuggestionDismissal.objects.filter(member=self.carol, dismissed=self.bob).exists()
        )
        again = self.act("dismiss", self.u_carol, member=self.bob.pk)  # idempotent
        self.assert_success(again, "Bob Tester will not be suggested to you again.")
        self.assertEqual(SuggestionDismissal.objects.filter(member=self.carol).count(), 1)

    def test_dismiss_self_blocker_or_malformed_is_refused(self):
        self.assert_refused(
            "dismiss", self.u_carol, "You cannot do this to yourself.", member=self.carol.pk
        )
        self.assert_refused("dismiss", self.u_alice, "Not found.", member=self.eve.pk)
        self.assert_refused("dismiss", self.u_alice, "Not found.", member="abc")


class BlockedMemberActionTests(ActionTestCase):
    """Eve blocked Alice: whatever Alice posts about Eve reads "not found", as over GraphQL."""

    def test_every_action_about_the_blocker_answers_not_found(self):
        posts = {
            "connect": {"member": self.eve.pk},
            "withdraw": {"member": self.eve.pk},
            "accept": {"member": self.eve.pk},
            "ignore": {"member": self.eve.pk},
            "remove": {"member": self.eve.pk},
            "endorse": {"member": self.eve.pk, "skill": self.python.pk},
            "unendorse": {"member": self.eve.pk, "skill": self.python.pk},
            "recommend": {"member": self.eve.pk, "relationship": "other", "text": "Hi"},
            "block": {"member": self.eve.pk},
            "unblock": {"member": self.eve.pk},
            "report": {"member": self.eve.pk, "reason": "spam"},
            "dismiss": {"member": self.eve.pk},
        }
        for action, data in posts.items():
            with self.subTest(action=action):
                self.assert_refused(action, self.u_alice, "Not found.", **data)

    def test_refusal_about_blocker_reads_like_a_missing_member(self):
        blocked = self.act("connect", self.u_alice, member=self.eve.pk)
        missing = self.act("connect", self.u_alice, member=999999)
        self.assertEqual(self.messages_of(blocked), self.messages_of(missing))


class RequestHandlingTests(ActionTestCase):
    def test_get_is_not_allowed(self):
        self.as_user(self.u_frank)
        self.assertEqual(self.client.get(act_url("connect")).status_code, 405)

    def test_unknown_action_is_404(self):
        self.assertEqual(self.act("frobnicate", self.u_frank).status_code, 404)

    def test_anonymous_post_redirects_to_login_with_next_and_writes_nothing(self):
        before = self.snapshot()
        response = self.act("connect", None, member=self.dave.pk, next="/members/dave/")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/accounts/login/?next=/members/dave/")
        self.assertEqual(self.snapshot(), before)

    def test_csrf_token_is_required(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.u_frank)
        before = self.snapshot()
        response = client.post(act_url("connect"), {"member": self.dave.pk})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.snapshot(), before)

    def test_csrf_token_from_the_page_is_accepted(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.u_frank)
        client.get(self.dave.url)
        token = client.cookies["csrftoken"].value
        response = client.post(
            act_url("connect"), {"member": self.dave.pk, "csrfmiddlewaretoken": token}
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(Connection.objects.filter(requester=self.frank).exists())

    def test_safe_next_is_followed(self):
        response = self.act("follow", self.u_frank, company=self.globex.pk, next="/companies/?q=a")
        self.assertEqual(response["Location"], "/companies/?q=a")

    def test_unsafe_next_is_ignored_for_the_referer_then_my_network(self):
        for unsafe in (
            "https://evil.example/",
            "//evil.example/",
            "\\\\evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "http://testserver/x",  # plain http while the request is https
        ):
            with self.subTest(next=unsafe):
                self.as_user(self.u_frank)
                response = self.client.post(
                    act_url("follow"),
                    {"company": self.globex.pk, "next": unsafe},
                    secure=True,
                )
                self.assertEqual(response["Location"], my_network_url())
                response = self.client.post(
                    act_url("follow"),
                    {"company": self.globex.pk, "next": unsafe},
                    headers={"referer": "https://testserver/companies/globex/"},
                    secure=True,
                )
                self.assertEqual(response["Location"], "https://testserver/companies/globex/")

    def test_unsafe_referer_is_ignored(self):
        self.as_user(self.u_frank)
        response = self.client.post(
            act_url("follow"),
            {"company": self.globex.pk},
            headers={"referer": "https://evil.example/phish"},
        )
        self.assertEqual(response["Location"], my_network_url())

    def test_htmx_request_takes_the_same_path(self):
        headers = {"HX-Request": "true"}
        response = self.act("connect", self.u_frank, headers=headers, member=self.dave.pk)
        self.assert_success(response, "Invitation sent to Dave Tester.")
        before = self.snapshot()
        response = self.act("connect", self.u_frank, headers=headers, member=self.dave.pk)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(
            self.messages_of(response), [("error", "An invitation is already pending.")]
        )
        self.assertEqual(self.snapshot(), before)

    def test_htmx_block_loads_my_network_instead_of_swapping(self):
        response = self.act(
            "block", self.u_frank, headers={"HX-Request": "true"}, member=self.dave.pk
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["HX-Redirect"], my_network_url() + "#blocked")

    def test_htmx_anonymous_post_loads_the_login_page(self):
        response = self.act("connect", None, headers={"HX-Request": "true"}, member=1)
        self.assertEqual(response["HX-Redirect"], "/accounts/login/?next=/members/")

    def test_message_is_shown_in_the_live_region_of_the_page_it_returns_to(self):
        self.as_user(self.u_frank)
        response = self.client.post(
            act_url("connect"), {"member": self.dave.pk, "next": self.dave.url}, follow=True
        )
        html = response.content.decode()
        self.assertIn('<div id="wn-messages" class="wn-messages-region" role="status"', html)
        region = html.split('id="wn-messages"', 1)[1].split("</div>", 1)[0]
        self.assertIn("Invitation sent to Dave Tester.", region)

    def test_state_changes_are_not_visible_as_a_connection_state_to_the_ignored(self):
        # Frank ignored Dave: Dave's page of Frank still reads "Invitation sent".
        invite(self.dave, self.frank, state=ConnectionState.IGNORED)
        response = self.get(self.frank, self.u_dave)
        self.assertContains(response, "Invitation sent")
        self.assertNotContains(response, "ignored")


class RedirectAfterHidingTests(ActionTestCase):
    def test_removing_a_connections_only_member_returns_to_my_network_not_a_404(self):
        # Carol's profile is for her connections only: once removed, Alice cannot see it.
        response = self.act("remove", self.u_alice, member=self.carol.pk, next=self.carol.url)
        self.assert_success(response, "Connection with Carol Tester removed.", url=my_network_url())

    def test_htmx_removal_that_hides_the_page_loads_my_network(self):
        response = self.act(
            "remove",
            self.u_alice,
            headers={"HX-Request": "true"},
            member=self.carol.pk,
            next=self.carol.url,
        )
        self.assertEqual(response["HX-Redirect"], my_network_url())

    def test_removing_a_public_member_returns_to_their_page(self):
        response = self.act("remove", self.u_alice, member=self.bob.pk, next=self.bob.url)
        self.assert_success(response, "Connection with Bob Tester removed.", url=self.bob.url)
