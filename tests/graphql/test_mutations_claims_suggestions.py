"""claimPosition and dismissSuggestion: the service's rules over GraphQL, typed
errors with nothing written."""

from __future__ import annotations

from django.test import TestCase

from tests.factories import PositionFactory, connect
from tests.graphql.mutation_support import build_net, error_codes, gid, mutate, post
from wagtail_network.models import Position, SuggestionDismissal

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


DISMISS = """mutation($id: ID!) { dismissSuggestion(input: {memberId: $id}) {
  member { name } errors { code field message } } }"""
SUGGESTIONS = "{ viewer { suggestions(first: 10) { edges { node { name } } } } }"


class DismissSuggestion(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()
        # alice – bob – eve: eve is suggested to alice.
        connect(cls.n.bob, cls.n.eve)

    def suggested(self, user):
        status, body = post(SUGGESTIONS, user=user)
        assert status == 200 and not body.get("errors"), body
        return [e["node"]["name"] for e in body["data"]["viewer"]["suggestions"]["edges"]]

    def test_dismiss_suggestion_removes_the_member_from_viewer_suggestions(self):
        assert "Eve" in self.suggested(self.n.u_alice)
        payload = mutate(
            "dismissSuggestion", DISMISS, {"id": gid("Member", self.n.eve.pk)}, user=self.n.u_alice
        )
        assert payload == {"member": {"name": "Eve"}, "errors": []}
        assert "Eve" not in self.suggested(self.n.u_alice)
        again = mutate(
            "dismissSuggestion", DISMISS, {"id": gid("Member", self.n.eve.pk)}, user=self.n.u_alice
        )
        assert again["errors"] == []
        assert SuggestionDismissal.objects.count() == 1

    def test_dismiss_suggestion_refusals_write_nothing(self):
        cases = [
            (self.n.u_alice, self.n.alice, [("SELF_ACTION", "memberId")]),
            (self.n.u_alice, self.n.carol, [("NOT_FOUND", "memberId")]),
            (self.n.u_nobody, self.n.eve, [("NO_PROFILE", None)]),
            (None, self.n.eve, [("UNAUTHENTICATED", None)]),
        ]
        for user, member, expected in cases:
            payload = mutate(
                "dismissSuggestion", DISMISS, {"id": gid("Member", member.pk)}, user=user
            )
            assert error_codes(payload) == expected, (user, member)
        assert not SuggestionDismissal.objects.exists()


REASONS = """{ viewer { suggestions(first: 10) { edges { node { name
  suggestionReasons { kind count label company { name } } } } } } }"""


class SuggestionReasons(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()
        for member in (cls.n.alice, cls.n.bob, cls.n.eve, cls.n.dave, cls.n.carol):
            member.city = member.country = ""
            member.save()
        connect(cls.n.bob, cls.n.eve)  # eve: 2nd degree to alice, via bob

    def reasons(self, user):
        status, body = post(REASONS, user=user)
        assert status == 200 and not body.get("errors"), body
        return {
            e["node"]["name"]: e["node"]["suggestionReasons"]
            for e in body["data"]["viewer"]["suggestions"]["edges"]
        }

    def test_viewer_suggestions_carry_their_reasons(self):
        PositionFactory(member=self.n.alice, company=self.n.acme, is_current=True)
        PositionFactory(member=self.n.eve, company=self.n.acme, is_current=False)
        assert self.reasons(self.n.u_alice) == {
            "Eve": [
                {
                    "kind": "MUTUAL_CONNECTIONS",
                    "count": 1,
                    "label": "1 mutual connection",
                    "company": None,
                },
                {
                    "kind": "COMPANY",
                    "count": None,
                    "label": "Both worked at Acme",
                    "company": {"name": "Acme"},
                },
            ]
        }

    def test_a_hidden_position_never_makes_a_company_reason_over_graphql(self):
        self.n.eve.positions_visibility = "only_me"
        self.n.eve.save()
        PositionFactory(member=self.n.alice, company=self.n.acme, is_current=True)
        PositionFactory(member=self.n.eve, company=self.n.acme, is_current=True)
        kinds = [r["kind"] for r in self.reasons(self.n.u_alice)["Eve"]]
        assert kinds == ["MUTUAL_CONNECTIONS"]

    def test_suggestion_reasons_are_empty_for_a_member_not_suggested(self):
        status, body = post(
            "query($id: ID!) { node(id: $id) { ... on Member { suggestionReasons { kind } } } }",
            {"id": gid("Member", self.n.bob.pk)},
            user=self.n.u_alice,
        )
        assert status == 200 and body["data"]["node"] == {"suggestionReasons": []}, body
