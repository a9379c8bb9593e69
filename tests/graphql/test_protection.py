"""Protection of /graphql/: depth, alias, token and page-size limits, the query-cost
budget per request and per client per minute, introspection and field-suggestion
switches, and masking of unexpected errors."""

from __future__ import annotations

from unittest import mock

from django.test import TestCase, override_settings

from graphql_schema.protection import FIELD_COSTS, LIST_DEFAULT_SIZE, MAX_PAGE_SIZE
from tests.graphql.mutation_support import build_net, gid, post
from wagtail_network.conf import DEFAULTS


def network(**overrides):
    """override_settings for WAGTAIL_NETWORK with the defaults plus ``overrides``."""
    return override_settings(WAGTAIL_NETWORK={**DEFAULTS, **overrides})


def codes(body) -> list[str]:
    return [(e.get("extensions") or {}).get("code") for e in body.get("errors", [])]


DEEP = "{ members(first: 1) { edges { node { connections(first: 1) { edges { node { connections(first: 1) { edges { node { name } } } } } } } } } }"  # noqa: E501
MEMBERS = "query($n: Int!) { members(first: $n) { edges { node { name } } } }"


class Limits(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def test_query_deeper_than_max_depth_is_refused(self):
        with network(GRAPHQL_MAX_DEPTH=5):
            status, body = post(DEEP)
        assert status == 200
        assert body["data"] is None
        assert "exceeds maximum operation depth" in body["errors"][0]["message"]

    def test_query_within_max_depth_runs(self):
        with network(GRAPHQL_MAX_DEPTH=20):
            _status, body = post(DEEP)
        assert "errors" not in body, body

    def test_too_many_aliases_are_refused(self):
        query = "{ " + " ".join(f"a{i}: skills(first: 1) {{ totalCount }}" for i in range(4)) + " }"
        with network(GRAPHQL_MAX_ALIASES=3):
            _status, body = post(query)
        assert body["data"] is None
        assert "aliases found" in body["errors"][0]["message"]
        with network(GRAPHQL_MAX_ALIASES=4):
            _status, body = post(query)
        assert "errors" not in body, body

    def test_too_many_tokens_are_refused_before_validation(self):
        query = "{ " + " ".join("__typename" for _ in range(60)) + " }"
        with network(GRAPHQL_MAX_TOKENS=50):
            _status, body = post(query)
        assert body["data"] is None
        assert "more than 50 tokens" in body["errors"][0]["message"]

    def test_first_above_100_is_refused_with_a_typed_error(self):
        _status, body = post(MEMBERS, {"n": MAX_PAGE_SIZE + 1})
        assert body["data"] is None
        assert codes(body) == ["INVALID_ARGUMENT"]
        assert "100" in body["errors"][0]["message"]

    def test_first_of_100_is_allowed(self):
        _status, body = post(MEMBERS, {"n": MAX_PAGE_SIZE})
        assert "errors" not in body, body

    def test_negative_first_is_refused(self):
        _status, body = post(MEMBERS, {"n": -1})
        assert codes(body) == ["INVALID_ARGUMENT"]


class Cost(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def test_every_response_reports_cost_in_extensions(self):
        _status, body = post(MEMBERS, {"n": 10}, user=self.n.u_alice)
        cost = body["extensions"]["cost"]
        # members connection: 1 + 10 × (member 1)
        assert cost["requested"] == 11
        assert cost["limit"] == DEFAULTS["GRAPHQL_COST_PER_MINUTE"]
        assert cost["remaining"] == DEFAULTS["GRAPHQL_COST_PER_MINUTE"] - 11
        assert cost["resetAt"].endswith("Z")

    def test_cost_is_reported_on_validation_errors_too(self):
        _status, body = post("{ nope }")
        assert body["errors"]
        assert "cost" in body["extensions"]

    def test_connection_cost_multiplies_by_first_as_github_does(self):
        query = "{ members(first: 20) { edges { node { connections(first: 50) { edges { node { name } } } } } } }"  # noqa: E501
        _status, body = post(query)
        # members: 1 + 20 × (member 1 + connections (1 + 50 × member 1))
        assert body["extensions"]["cost"]["requested"] == 1 + 20 * (1 + 1 + 50)

    def test_plain_list_cost_assumes_default_size(self):
        _status, body = post(
            "{ members(first: 2) { edges { node { skills { endorsementCount } } } } }"
        )
        assert body["extensions"]["cost"]["requested"] == 1 + 2 * (1 + 1 + LIST_DEFAULT_SIZE)

    def test_connection_path_costs_more_than_an_object_since_it_asks_per_member(self):
        _status, body = post(
            "{ members(first: 10) { edges { node { connectionPath { degree } } } } }",
            user=self.n.u_alice,
        )
        # members: 1 + 10 × (member 1 + connectionPath (1 + FIELD_COSTS 10))
        cost = FIELD_COSTS[("Member", "connectionPath")]
        assert body["extensions"]["cost"]["requested"] == 1 + 10 * (1 + 1 + cost)

    def test_fragments_are_priced(self):
        query = """
        query { members(first: 10) { edges { node { ...M } } } }
        fragment M on Member { industry { name } }
        """
        _status, body = post(query)
        assert body["extensions"]["cost"]["requested"] == 1 + 10 * (1 + 1)

    def test_request_over_max_cost_is_refused_before_running(self):
        query = "{ members(first: 100) { edges { node { connections(first: 100) { edges { node { name } } } } } } }"  # noqa: E501
        with (
            network(GRAPHQL_MAX_COST=5000),
            mock.patch("wagtail_network.visibility.members_visible_to") as spy,
        ):
            _status, body = post(query)
        assert body["data"] is None
        assert codes(body) == ["COST_EXCEEDED"]
        assert body["errors"][0]["extensions"]["cost"] == 1 + 100 * (1 + 1 + 100)
        assert not spy.called  # nothing resolved, no SQL for it
        assert body["extensions"]["cost"]["requested"] == 1 + 100 * (1 + 1 + 100)

    def test_default_budget_refuses_three_levels_of_full_pages(self):
        query = """{ members(first: 100) { edges { node { connections(first: 100) { edges { node {
            connections(first: 100) { edges { node { name } } } } } } } } } }"""
        _status, body = post(query)
        assert codes(body) == ["COST_EXCEEDED"]

    def test_per_minute_budget_throttles_the_client_and_reports_reset(self):
        with network(GRAPHQL_COST_PER_MINUTE=25):
            first = post(MEMBERS, {"n": 10}, user=self.n.u_alice)[1]
            second = post(MEMBERS, {"n": 10}, user=self.n.u_alice)[1]
            third = post(MEMBERS, {"n": 10}, user=self.n.u_alice)[1]
        assert "errors" not in first and "errors" not in second
        assert first["extensions"]["cost"]["remaining"] == 14
        assert second["extensions"]["cost"]["remaining"] == 3
        assert third["data"] is None
        assert codes(third) == ["THROTTLED"]
        assert third["errors"][0]["extensions"]["resetAt"].endswith("Z")
        assert third["extensions"]["cost"]["remaining"] == 3

    def test_per_minute_budget_is_per_client(self):
        with network(GRAPHQL_COST_PER_MINUTE=15):
            assert "errors" not in post(MEMBERS, {"n": 10}, user=self.n.u_alice)[1]
            assert codes(post(MEMBERS, {"n": 10}, user=self.n.u_alice)[1]) == ["THROTTLED"]
            # Another user, and an anonymous client, still have their budgets.
            assert "errors" not in post(MEMBERS, {"n": 10}, user=self.n.u_bob)[1]
            assert "errors" not in post(MEMBERS, {"n": 10})[1]

    def test_throttled_mutation_writes_nothing(self):
        mutation = """mutation($id: ID!) { followCompany(input: {companyId: $id}) {
            errors { code } } }"""
        with network(GRAPHQL_COST_PER_MINUTE=12):
            post(MEMBERS, {"n": 5}, user=self.n.u_alice)  # 6 spent
            _status, body = post(
                mutation, {"id": gid("Company", self.n.acme.pk)}, user=self.n.u_alice
            )
        assert codes(body) == ["THROTTLED"]
        assert not self.n.alice.follows.exists()

    def test_zero_per_minute_budget_means_unlimited(self):
        with network(GRAPHQL_COST_PER_MINUTE=0):
            for _ in range(3):
                _status, body = post(MEMBERS, {"n": 10})
                assert "errors" not in body
        assert body["extensions"]["cost"]["remaining"] is None


class Introspection(TestCase):
    def test_introspection_can_be_switched_off(self):
        with network(GRAPHQL_INTROSPECTION=False):
            _status, body = post("{ __schema { types { name } } }")
        assert body["data"] is None
        assert "introspection" in body["errors"][0]["message"].lower()

    def test_introspection_on_by_default(self):
        _status, body = post('{ __type(name: "Member") { name } }')
        assert body["data"]["__type"]["name"] == "Member"

    def test_field_suggestions_can_be_switched_off(self):
        # Off, on, off again for the same (cached) document: the switch is per request.
        for enabled in (False, True, False):
            with network(GRAPHQL_FIELD_SUGGESTIONS=enabled):
                _status, body = post('{ member(slug: "x") { nam } }')
            message = body["errors"][0]["message"]
            assert ("Did you mean" in message) is enabled, message
            assert "nam" in message


class Masking(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def test_unexpected_exception_is_masked_without_stack_or_sql(self):
        boom = RuntimeError("SELECT password FROM auth_user WHERE id = 1 -- Traceback (most")
        mutation = """mutation($id: ID!) { followCompany(input: {companyId: $id}) {
            errors { code } } }"""
        with mock.patch("wagtail_network.services.follow_company", side_effect=boom):
            status, body = post(
                mutation, {"id": gid("Company", self.n.acme.pk)}, user=self.n.u_alice
            )
        assert status == 200
        error = body["errors"][0]
        assert error["message"] == "Internal error."
        assert error["extensions"]["code"] == "INTERNAL_ERROR"
        text = str(body)
        assert "SELECT" not in text and "Traceback" not in text and "RuntimeError" not in text

    def test_validation_errors_are_not_masked(self):
        _status, body = post("{ nope }")
        assert "nope" in body["errors"][0]["message"]


class MalformedRequests(TestCase):
    """Garbage in: a JSON client error, never a Django error page or a stack trace."""

    def send(self, body: str, content_type: str = "application/json"):
        from django.test import Client

        response = Client(raise_request_exception=False).post(
            "/graphql/", data=body, content_type=content_type
        )
        assert response["Content-Type"].startswith("application/json"), response.content
        return response.status_code, response.json()

    def test_non_object_json_bodies_are_bad_requests(self):
        for body in ("123", '"query"', "null", "true"):
            status, payload = self.send(body)
            assert status == 400, body
            assert codes(payload) == ["BAD_REQUEST"]

    def test_broken_json_is_a_bad_request(self):
        status, payload = self.send('{"query": ')
        assert status == 400 and codes(payload) == ["BAD_REQUEST"]

    def test_wrongly_typed_fields_are_bad_requests(self):
        for body in ('{"query": 5}', '{"query": "{ __typename }", "variables": "x"}'):
            status, payload = self.send(body)
            assert status == 400 and codes(payload) == ["BAD_REQUEST"], body

    def test_batches_are_refused(self):
        status, payload = self.send('[{"query": "{ __typename }"}]')
        assert status == 400 and codes(payload) == ["BAD_REQUEST"]

    def test_unsupported_content_type_is_a_bad_request(self):
        status, _payload = self.send("query=x", "text/plain")
        assert status == 400

    def test_unknown_operation_name_is_a_bad_request(self):
        status, payload = self.send('{"query": "{ __typename }", "operationName": "nope"}')
        assert status == 400 and "nope" in payload["errors"][0]["message"]

    def test_wrong_variable_types_are_graphql_errors(self):
        _status, body = post(MEMBERS, {"n": "ten"})
        assert body["data"] is None and "Int" in body["errors"][0]["message"]
        assert "Traceback" not in str(body)


class BudgetPerUser(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def test_session_and_tokens_of_one_user_share_one_budget(self):
        from wagtail.models import APIToken

        first = APIToken.create_token(user=self.n.u_alice, name="a")[1]
        second = APIToken.create_token(user=self.n.u_alice, name="b")[1]
        with network(GRAPHQL_COST_PER_MINUTE=25):
            assert "errors" not in post(MEMBERS, {"n": 10}, token=first)[1]
            assert "errors" not in post(MEMBERS, {"n": 10}, user=self.n.u_alice)[1]
            assert codes(post(MEMBERS, {"n": 10}, token=second)[1]) == ["THROTTLED"]
