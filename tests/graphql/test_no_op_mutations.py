"""Mutations that change nothing write nothing (issue 9).

The mutations call the same services as the admin: a repeated confirmPosition,
writeRecommendation, respondToRecommendation, blockMember, updateCompany or
updateMyProfile succeeds without a second save, revision or audit entry.
"""

from __future__ import annotations

from django.test import TestCase
from wagtail.models import ModelLogEntry, PageLogEntry, Revision

from tests.factories import PositionFactory
from tests.graphql.mutation_support import build_net, gid, mutate
from tests.graphql.test_mutations_endorsements import RESPOND, WRITE
from tests.graphql.test_mutations_profile import COMPANY, CONFIRM, PROFILE
from wagtail_network.models import Block, Position, Recommendation

BLOCK = """mutation($m: ID!) { blockMember(input: {memberId: $m}) {
  errors { code field message } } }"""


def audit_entries() -> list[tuple[str, str]]:
    return sorted(ModelLogEntry.objects.values_list("action", "object_id")) + sorted(
        PageLogEntry.objects.values_list("action", "page_id")
    )


class RepeatedMutationsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()
        cls.at_acme = PositionFactory(member=cls.n.bob, company=cls.n.acme, title="Dev")

    def twice(self, name, query, variables, user):
        """Run a mutation, then again: the second succeeds and writes nothing."""
        first = mutate(name, query, variables, user=user)
        assert first["errors"] == [], first
        entries = audit_entries()
        second = mutate(name, query, variables, user=user)
        assert second["errors"] == [], second
        assert audit_entries() == entries
        return first, second

    def test_confirming_a_confirmed_position_again_writes_no_audit_entry(self):
        variables = {"id": gid("Position", self.at_acme.pk)}
        first, second = self.twice("confirmPosition", CONFIRM, variables, self.n.u_admin)
        assert second == first == {"position": {"title": "Dev", "verified": True}, "errors": []}
        verified_at = Position.objects.get(pk=self.at_acme.pk).verified_at
        mutate("confirmPosition", CONFIRM, variables, user=self.n.u_admin)
        assert Position.objects.get(pk=self.at_acme.pk).verified_at == verified_at

    def test_rewriting_a_waiting_recommendation_unchanged_writes_no_audit_entry(self):
        variables = {"m": gid("Member", self.n.alice.pk), "r": "SAME_TEAM", "t": "Solid work."}
        self.twice("writeRecommendation", WRITE, variables, self.n.u_bob)
        rec = Recommendation.objects.get(author=self.n.bob, member=self.n.alice)
        updated_at = rec.updated_at
        mutate("writeRecommendation", WRITE, variables, user=self.n.u_bob)
        assert Recommendation.objects.get(pk=rec.pk).updated_at == updated_at
        # A changed text is a change, and logged.
        entries = len(audit_entries())
        mutate("writeRecommendation", WRITE, {**variables, "t": "Better."}, user=self.n.u_bob)
        assert len(audit_entries()) == entries + 1

    def test_hiding_a_hidden_recommendation_writes_no_audit_entry(self):
        variables = {"m": gid("Member", self.n.alice.pk), "r": "SAME_TEAM", "t": "Solid work."}
        rec_id = mutate("writeRecommendation", WRITE, variables, user=self.n.u_bob)[
            "recommendation"
        ]["id"]
        self.twice("respondToRecommendation", RESPOND, {"id": rec_id, "a": "HIDE"}, self.n.u_alice)

    def test_blocking_a_blocked_member_writes_no_audit_entry(self):
        self.twice("blockMember", BLOCK, {"m": gid("Member", self.n.eve.pk)}, self.n.u_alice)
        assert Block.objects.filter(blocker=self.n.alice, blocked=self.n.eve).count() == 1

    def test_saving_a_company_unchanged_writes_no_revision_or_audit_entry(self):
        variables = {"input": {"companyId": gid("Company", self.n.acme.pk), "tagline": "Anew"}}
        self.twice("updateCompany", COMPANY, variables, self.n.u_admin)
        revisions = Revision.objects.count()
        mutate("updateCompany", COMPANY, variables, user=self.n.u_admin)
        assert Revision.objects.count() == revisions

    def test_saving_ones_profile_unchanged_writes_no_revision_or_audit_entry(self):
        variables = {"input": {"headline": "Builder", "city": "Utrecht"}}
        self.twice("updateMyProfile", PROFILE, variables, self.n.u_bob)
        revisions = Revision.objects.count()
        mutate("updateMyProfile", PROFILE, variables, user=self.n.u_bob)
        assert Revision.objects.count() == revisions
        # A real change is still a revision.
        mutate("updateMyProfile", PROFILE, {"input": {"headline": "Maker"}}, user=self.n.u_bob)
        assert Revision.objects.count() == revisions + 1
