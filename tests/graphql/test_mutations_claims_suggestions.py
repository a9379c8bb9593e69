"""claimPosition and dismissSuggestion: the service's rules over GraphQL, typed
errors with nothing written."""

from __future__ import annotations

from django.test import TestCase

from tests.graphql.mutation_support import build_net, error_codes, gid, mutate
from wagtail_network.models import Position

CLAIM = """mutation($id: ID!, $title: String) {
  claimPosition(input: {companyId: $id, title: $title}) {
  position { title isCurrent verified company { name } } errors { code field message } } }"""


class ClaimPosition(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def claim(self, user, company, title=None):
        return mutate(
            "claimPosition", CLAIM, {"id": gid("Company", company.pk), "title": title}, user=user
        )

    def test_claim_position_returns_the_unconfirmed_current_position(self):
        payload = self.claim(self.n.u_alice, self.n.acme, "Engineer")
        assert payload["errors"] == []
        assert payload["position"] == {
            "title": "Engineer",
            "isCurrent": True,
            "verified": False,
            "company": {"name": "Acme"},
        }
        assert Position.objects.filter(member=self.n.alice, company=self.n.acme).count() == 1

    def test_claim_position_without_a_title_reads_employee(self):
        assert self.claim(self.n.u_bob, self.n.acme)["position"]["title"] == "Employee"

    def test_claim_position_twice_is_already_exists_with_nothing_written(self):
        self.claim(self.n.u_alice, self.n.globex, "CTO")
        before = list(Position.objects.values_list("pk", "title"))
        payload = self.claim(self.n.u_alice, self.n.globex, "CEO")
        assert error_codes(payload) == [("ALREADY_EXISTS", "companyId")]
        assert payload["position"] is None
        assert list(Position.objects.values_list("pk", "title")) == before

    def test_claim_position_refusals(self):
        too_long = self.claim(self.n.u_alice, self.n.acme, "x" * 201)
        assert error_codes(too_long) == [("VALIDATION", "title")]
        assert error_codes(self.claim(self.n.u_nobody, self.n.acme)) == [("NO_PROFILE", None)]
        assert error_codes(self.claim(None, self.n.acme)) == [("UNAUTHENTICATED", None)]
        missing = mutate(
            "claimPosition", CLAIM, {"id": gid("Company", 999_999)}, user=self.n.u_alice
        )
        assert error_codes(missing) == [("NOT_FOUND", "companyId")]
        assert not Position.objects.exists()
