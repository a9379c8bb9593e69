"""Endorsement and recommendation mutations: success paths and typed failures."""

from __future__ import annotations

from django.test import TestCase

from tests.factories import connect
from tests.graphql.mutation_support import build_net, error_codes, gid, mutate
from tests.graphql.test_mutations_network import snapshot
from tests.graphql.test_protection import network
from wagtail_network.models import Endorsement, Recommendation, RecommendationState

ENDORSE = """mutation($m: ID!, $s: ID!) { endorseSkill(input: {memberId: $m, skillId: $s}) {
  endorsement { id state skill { name } endorser { name } }
  member { name skills { skill { name } endorsementCount endorsedByViewer } }
  errors { code field message } } }"""
WITHDRAW = """mutation($m: ID!, $s: ID!) { withdrawEndorsement(input: {memberId: $m, skillId: $s}) {
  member { skills { skill { name } endorsementCount endorsedByViewer } }
  errors { code field message } } }"""
WRITE = """mutation($m: ID!, $r: RecommendationRelationship!, $t: String!) {
  writeRecommendation(input: {memberId: $m, relationship: $r, text: $t}) {
  recommendation { id state text relationship author { name } member { name } }
  errors { code field message } } }"""
RESPOND = """mutation($id: ID!, $a: RecommendationAction!) {
  respondToRecommendation(input: {recommendationId: $id, action: $a}) {
  recommendation { id state isHidden } errors { code field message } } }"""


def snapshot_with_recommendations():
    return {
        **snapshot(),
        "recommendations": sorted(
            Recommendation.objects.values_list("pk", "state", "is_hidden", "text")
        ),
    }


class Base(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def refused(self, name, query, variables, user, expected):
        before = snapshot_with_recommendations()
        payload = mutate(name, query, variables, user=user)
        assert error_codes(payload) == expected, payload
        assert snapshot_with_recommendations() == before
        return payload


class Endorse(Base):
    def v(self, member, skill):
        return {"m": gid("Member", member.pk), "s": gid("Skill", skill.pk)}

    def test_connection_endorses_listed_skill(self):
        payload = mutate(
            "endorseSkill", ENDORSE, self.v(self.n.alice, self.n.python), user=self.n.u_bob
        )
        assert payload["errors"] == []
        assert payload["endorsement"]["state"] == "LIVE"
        assert payload["endorsement"]["endorser"]["name"] == "Bob"
        python = next(s for s in payload["member"]["skills"] if s["skill"]["name"] == "Python")
        assert python == {
            "skill": {"name": "Python"},
            "endorsementCount": 1,
            "endorsedByViewer": True,
        }
        assert Endorsement.objects.filter(endorser=self.n.bob, member=self.n.alice).count() == 1

    def test_endorsing_twice_keeps_one_endorsement(self):
        mutate("endorseSkill", ENDORSE, self.v(self.n.alice, self.n.python), user=self.n.u_bob)
        payload = mutate(
            "endorseSkill", ENDORSE, self.v(self.n.alice, self.n.python), user=self.n.u_bob
        )
        assert payload["errors"] == []
        assert Endorsement.objects.count() == 1

    def test_endorsement_waits_for_moderation_when_switched_on(self):
        with network(ENDORSEMENT_MODERATION=True):
            payload = mutate(
                "endorseSkill", ENDORSE, self.v(self.n.alice, self.n.python), user=self.n.u_bob
            )
        assert payload["endorsement"]["state"] == "PENDING"

    def test_only_first_degree_connections_may_endorse(self):
        self.refused(
            "endorseSkill",
            ENDORSE,
            self.v(self.n.alice, self.n.python),
            self.n.u_eve,
            [("NOT_CONNECTED", None)],
        )

    def test_cannot_endorse_unlisted_skill(self):
        self.refused(
            "endorseSkill",
            ENDORSE,
            self.v(self.n.bob, self.n.django),
            self.n.u_alice,
            [("SKILL_NOT_LISTED", "skillId")],
        )

    def test_cannot_endorse_yourself(self):
        self.refused(
            "endorseSkill",
            ENDORSE,
            self.v(self.n.alice, self.n.python),
            self.n.u_alice,
            [("SELF_ACTION", "memberId")],
        )

    def test_blocked_member_cannot_endorse_blocker(self):
        connect(self.n.alice, self.n.dave)  # even a connection row left over does not help
        self.refused(
            "endorseSkill",
            ENDORSE,
            self.v(self.n.alice, self.n.python),
            self.n.u_dave,
            [("NOT_FOUND", "memberId")],
        )

    def test_endorse_invisible_member_is_not_found(self):
        self.refused(
            "endorseSkill",
            ENDORSE,
            self.v(self.n.carol, self.n.python),
            self.n.u_alice,
            [("NOT_FOUND", "memberId")],
        )

    def test_endorse_with_malformed_skill_id_is_not_found(self):
        self.refused(
            "endorseSkill",
            ENDORSE,
            {"m": gid("Member", self.n.alice.pk), "s": gid("Member", self.n.python.pk)},
            self.n.u_bob,
            [("NOT_FOUND", "skillId")],
        )

    def test_withdraw_endorsement(self):
        mutate("endorseSkill", ENDORSE, self.v(self.n.alice, self.n.python), user=self.n.u_bob)
        payload = mutate(
            "withdrawEndorsement", WITHDRAW, self.v(self.n.alice, self.n.python), user=self.n.u_bob
        )
        assert payload["errors"] == []
        python = next(s for s in payload["member"]["skills"] if s["skill"]["name"] == "Python")
        assert python["endorsementCount"] == 0 and python["endorsedByViewer"] is False
        assert not Endorsement.objects.exists()

    def test_withdraw_missing_endorsement_is_not_found(self):
        self.refused(
            "withdrawEndorsement",
            WITHDRAW,
            self.v(self.n.alice, self.n.python),
            self.n.u_bob,
            [("NOT_FOUND", None)],
        )


class Recommend(Base):
    def write(self, user, member, text="Sharp and kind.", relationship="SAME_TEAM"):
        return mutate(
            "writeRecommendation",
            WRITE,
            {"m": gid("Member", member.pk), "r": relationship, "t": text},
            user=user,
        )

    def test_write_recommendation_waits_for_recipient(self):
        payload = self.write(self.n.u_bob, self.n.alice)
        assert payload["errors"] == []
        assert payload["recommendation"]["state"] == "PENDING_RECIPIENT"
        assert payload["recommendation"]["relationship"] == "SAME_TEAM"
        assert Recommendation.objects.get().state == RecommendationState.PENDING_RECIPIENT

    def test_recommendation_needs_a_connection(self):
        before = snapshot_with_recommendations()
        payload = self.write(self.n.u_eve, self.n.alice)
        assert error_codes(payload) == [("NOT_CONNECTED", None)]
        assert snapshot_with_recommendations() == before

    def test_recommendation_text_required_and_bounded(self):
        for text in ("   ", "x" * 3001):
            before = snapshot_with_recommendations()
            payload = self.write(self.n.u_bob, self.n.alice, text=text)
            assert error_codes(payload) == [("VALIDATION", "text")]
            assert snapshot_with_recommendations() == before

    def test_recommend_yourself_is_self_action(self):
        assert error_codes(self.write(self.n.u_alice, self.n.alice)) == [
            ("SELF_ACTION", "memberId")
        ]

    def test_recommend_blocker_is_not_found(self):
        assert error_codes(self.write(self.n.u_dave, self.n.alice)) == [("NOT_FOUND", "memberId")]

    def test_recipient_accepts_and_it_is_published(self):
        rec_id = self.write(self.n.u_bob, self.n.alice)["recommendation"]["id"]
        payload = mutate(
            "respondToRecommendation", RESPOND, {"id": rec_id, "a": "ACCEPT"}, user=self.n.u_alice
        )
        assert payload["errors"] == []
        assert payload["recommendation"]["state"] == "PUBLISHED"

    def test_accepted_recommendation_waits_for_moderator_when_switched_on(self):
        rec_id = self.write(self.n.u_bob, self.n.alice)["recommendation"]["id"]
        with network(RECOMMENDATION_MODERATION=True):
            payload = mutate(
                "respondToRecommendation",
                RESPOND,
                {"id": rec_id, "a": "ACCEPT"},
                user=self.n.u_alice,
            )
        assert payload["recommendation"]["state"] == "PENDING_MODERATION"

    def test_recipient_hides_and_unhides(self):
        rec_id = self.write(self.n.u_bob, self.n.alice)["recommendation"]["id"]
        mutate(
            "respondToRecommendation", RESPOND, {"id": rec_id, "a": "ACCEPT"}, user=self.n.u_alice
        )
        hidden = mutate(
            "respondToRecommendation", RESPOND, {"id": rec_id, "a": "HIDE"}, user=self.n.u_alice
        )
        assert hidden["recommendation"]["isHidden"] is True
        shown = mutate(
            "respondToRecommendation", RESPOND, {"id": rec_id, "a": "UNHIDE"}, user=self.n.u_alice
        )
        assert shown["recommendation"]["isHidden"] is False

    def test_decline_then_decline_published_is_invalid_state(self):
        rec_id = self.write(self.n.u_bob, self.n.alice)["recommendation"]["id"]
        declined = mutate(
            "respondToRecommendation", RESPOND, {"id": rec_id, "a": "DECLINE"}, user=self.n.u_alice
        )
        assert declined["recommendation"]["state"] == "DECLINED"
        mutate(
            "respondToRecommendation", RESPOND, {"id": rec_id, "a": "ACCEPT"}, user=self.n.u_alice
        )
        self.refused(
            "respondToRecommendation",
            RESPOND,
            {"id": rec_id, "a": "DECLINE"},
            self.n.u_alice,
            [("INVALID_STATE", None)],
        )

    def test_author_cannot_accept_own_recommendation(self):
        rec_id = self.write(self.n.u_bob, self.n.alice)["recommendation"]["id"]
        self.refused(
            "respondToRecommendation",
            RESPOND,
            {"id": rec_id, "a": "ACCEPT"},
            self.n.u_bob,
            [("PERMISSION_DENIED", None)],
        )

    def test_stranger_cannot_see_pending_recommendation_not_found(self):
        rec_id = self.write(self.n.u_bob, self.n.alice)["recommendation"]["id"]
        self.refused(
            "respondToRecommendation",
            RESPOND,
            {"id": rec_id, "a": "ACCEPT"},
            self.n.u_eve,
            [("NOT_FOUND", "recommendationId")],
        )

    def test_respond_with_malformed_id_is_not_found(self):
        self.refused(
            "respondToRecommendation",
            RESPOND,
            {"id": gid("Endorsement", 1), "a": "ACCEPT"},
            self.n.u_alice,
            [("NOT_FOUND", "recommendationId")],
        )

    def test_unknown_relationship_is_refused_by_the_schema(self):
        from tests.graphql.mutation_support import post

        _status, body = post(
            WRITE, {"m": gid("Member", self.n.alice.pk), "r": "BOSS", "t": "x"}, user=self.n.u_bob
        )
        assert body["data"] is None and body["errors"]
        assert not Recommendation.objects.exists()
