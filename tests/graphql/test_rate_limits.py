"""RATE_LIMITED over GraphQL: the service's per-member limits on invitations,
recommendations and reports answer the same code in the payload, nothing written."""

from __future__ import annotations

from django.test import TestCase

from tests.factories import MemberPageFactory, UserFactory, connect
from tests.graphql.mutation_support import build_net, error_codes, gid, mutate
from tests.graphql.test_mutations_network import snapshot
from tests.graphql.test_protection import network
from wagtail_network.models import Recommendation, Report

REQUEST = """mutation($id: ID!) { requestConnection(input: {memberId: $id}) {
  member { name } errors { code field message } } }"""
WRITE = """mutation($id: ID!) { writeRecommendation(input: {memberId: $id,
  relationship: SAME_TEAM, text: "Great"}) {
  recommendation { text } errors { code field message } } }"""
REPORT = """mutation($id: ID!) { reportContent(input: {targetId: $id, reason: SPAM}) {
  reportId errors { code field message } } }"""


def a_day(kind: str, count: int = 1):
    return network(RATE_LIMITS={kind: {"count": count, "window": 86400}})


class RateLimits(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()
        cls.frank = MemberPageFactory(
            parent=cls.n.directory, title="Frank", slug="frank", user=UserFactory()
        )

    def run_twice(self, name, query, first, second):
        done = mutate(name, query, {"id": gid("Member", first.pk)}, user=self.n.u_alice)
        assert done["errors"] == [], done
        before = snapshot(), Recommendation.objects.count(), Report.objects.count()
        refused = mutate(name, query, {"id": gid("Member", second.pk)}, user=self.n.u_alice)
        assert (snapshot(), Recommendation.objects.count(), Report.objects.count()) == before
        return refused

    def test_request_connection_beyond_the_limit_is_rate_limited(self):
        # Alice's invitation that Bob accepted (build_net, today) is the first.
        with a_day("invitations", 2):
            payload = self.run_twice("requestConnection", REQUEST, self.n.eve, self.frank)
        assert error_codes(payload) == [("RATE_LIMITED", None)]
        assert payload["errors"][0]["message"] == "You have done this too often; try again later."
        assert payload["member"] is None

    def test_write_recommendation_beyond_the_limit_is_rate_limited(self):
        connect(self.n.alice, self.n.eve)
        with a_day("recommendations"):
            payload = self.run_twice("writeRecommendation", WRITE, self.n.bob, self.n.eve)
        assert error_codes(payload) == [("RATE_LIMITED", None)]
        assert payload["recommendation"] is None

    def test_report_content_beyond_the_limit_is_rate_limited(self):
        with a_day("reports"):
            payload = self.run_twice("reportContent", REPORT, self.n.bob, self.n.eve)
        assert error_codes(payload) == [("RATE_LIMITED", None)]
        assert payload["reportId"] is None
