"""The GraphQL endpoint's transport: whatever a client sends, a typed JSON answer.

Malformed bodies get a 4xx with ``extensions.code``; every GraphQL error has a code;
invalid documents spend the query budget; errors are logged once and bounded; CORS
preflights and CSRF refusals say what they mean.
"""

from __future__ import annotations

import json
import logging

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, TestCase, override_settings

from tests.graphql.mutation_support import build_net, post
from wagtail_network.conf import DEFAULTS

URL = "/graphql/"


def network(**overrides):
    return override_settings(WAGTAIL_NETWORK={**DEFAULTS, **overrides})


def codes(body) -> list[str | None]:
    return [(e.get("extensions") or {}).get("code") for e in body.get("errors", [])]


def raw_post(body: bytes, content_type: str = "application/json", client=None, **extra):
    client = client or Client()
    response = client.post(URL, data=body, content_type=content_type, **extra)
    return response


def decoded(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return json.loads(response.content)


MALFORMED_BODIES = {
    "nested arrays": b"[" * 100_000 + b"]" * 100_000,
    "nested variables": (
        b'{"query":"{__typename}","variables":' + b'{"a":' * 50_000 + b"1" + b"}" * 50_001
    ),
    "moderately nested variables": (
        b'{"query":"{__typename}","variables":' + b'{"a":' * 100 + b"1" + b"}" * 101
    ),
    "not utf-8": b'{"query":"\xff\xfe{__typename}"}',
    "utf-16": '{"query":"{__typename}"}'.encode("utf-16"),
    "not json": b"{query: nope",
    "a number": b"123",
    "a string": b'"{ __typename }"',
    "null": b"null",
    "empty": b"",
    "query not a string": b'{"query": 5}',
    "variables not an object": b'{"query":"{__typename}","variables":"x"}',
    "operationName not a string": b'{"query":"{__typename}","operationName":5}',
    "a batch": b'[{"query":"{__typename}"}]',
}


class MalformedRequests(TestCase):
    @pytest.mark.filterwarnings("ignore")
    def test_malformed_bodies_get_a_typed_4xx_json_answer(self):
        for label, body in MALFORMED_BODIES.items():
            with self.subTest(label):
                response = raw_post(body)
                assert 400 <= response.status_code < 500, (label, response.status_code)
                payload = decoded(response)
                assert payload["data"] is None
                assert all(codes(payload)), (label, payload)

    def test_body_over_the_upload_limit_answers_413_payload_too_large(self):
        with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
            response = raw_post(b'{"query":"' + b"a" * 5000 + b'"}')
        assert response.status_code == 413
        assert codes(decoded(response)) == ["PAYLOAD_TOO_LARGE"]

    def test_deeply_nested_get_variables_answer_400(self):
        response = Client().get(URL, {"query": "{__typename}", "variables": "[" * 100_000})
        assert response.status_code == 400
        assert codes(decoded(response)) == ["BAD_REQUEST"]

    def test_unsupported_content_types_answer_400(self):
        for content_type in ("text/plain", "multipart/form-data; boundary=x", "application/xml"):
            with self.subTest(content_type):
                response = raw_post(b"{__typename}", content_type=content_type)
                assert response.status_code == 400
                assert codes(decoded(response)) == ["BAD_REQUEST"]

    def test_other_methods_answer_405_with_allow(self):
        for method in ("put", "patch", "delete"):
            with self.subTest(method):
                response = getattr(Client(), method)(URL, data=b"{}")
                assert response.status_code == 405
                assert "POST" in response["Allow"]
                assert codes(decoded(response)) == ["METHOD_NOT_ALLOWED"]

    def test_plain_options_answers_204_with_allow(self):
        response = Client().options(URL)
        assert response.status_code == 204
        assert set(response["Allow"].split(", ")) == {"GET", "POST", "OPTIONS"}


class EveryErrorHasACode(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def setUp(self):
        cache.clear()

    def assert_codes(self, query, expected, variables=None, **settings):
        with network(**settings):
            _status, body = post(query, variables)
        assert codes(body) and set(codes(body)) == {expected}, body

    def test_syntax_error_answers_graphql_parse_failed(self):
        self.assert_codes("{ members(first: 1) { ", "GRAPHQL_PARSE_FAILED")

    def test_unknown_field_answers_graphql_validation_failed(self):
        self.assert_codes("{ nope }", "GRAPHQL_VALIDATION_FAILED")

    def test_missing_required_argument_answers_graphql_validation_failed(self):
        self.assert_codes("{ member { name } }", "GRAPHQL_VALIDATION_FAILED")

    def test_depth_limit_answers_depth_limit_exceeded(self):
        deep = "{ viewer { member { connections(first: 1) { edges { node { name } } } } } }"
        self.assert_codes(deep, "DEPTH_LIMIT_EXCEEDED", GRAPHQL_MAX_DEPTH=3)

    def test_alias_limit_answers_alias_limit_exceeded(self):
        query = "{ " + " ".join(f"a{i}: __typename" for i in range(5)) + " }"
        self.assert_codes(query, "ALIAS_LIMIT_EXCEEDED", GRAPHQL_MAX_ALIASES=3)

    def test_token_limit_answers_token_limit_exceeded(self):
        query = "{ " + " ".join("__typename" for _ in range(60)) + " }"
        self.assert_codes(query, "TOKEN_LIMIT_EXCEEDED", GRAPHQL_MAX_TOKENS=50)

    def test_disabled_introspection_answers_introspection_disabled(self):
        self.assert_codes(
            "{ __schema { types { name } } }", "INTROSPECTION_DISABLED", GRAPHQL_INTROSPECTION=False
        )

    def test_a_string_that_is_not_a_global_id_answers_invalid_argument(self):
        self.assert_codes('{ node(id: "garbage") { id } }', "INVALID_ARGUMENT")

    def test_a_variable_of_the_wrong_type_answers_invalid_argument(self):
        self.assert_codes(
            "query($n: Int!) { members(first: $n) { totalCount } }", "INVALID_ARGUMENT", {"n": "x"}
        )

    def test_a_missing_variable_answers_invalid_argument(self):
        self.assert_codes(
            "query($n: Int!) { members(first: $n) { totalCount } }", "INVALID_ARGUMENT"
        )

    def test_an_out_of_range_int_answers_invalid_argument(self):
        self.assert_codes(
            "query($n: Int!) { members(first: $n) { totalCount } }",
            "INVALID_ARGUMENT",
            {"n": 10**30},
        )

    def test_a_negative_page_size_names_the_argument(self):
        _status, body = post("{ companies(last: -1) { totalCount } }")
        (error,) = body["errors"]
        assert error["extensions"] == {"code": "INVALID_ARGUMENT", "field": "last"}
        assert "'last'" in error["message"]

    def test_an_unknown_operation_name_answers_bad_request(self):
        response = raw_post(
            json.dumps({"query": "query A { __typename }", "operationName": "B"}).encode()
        )
        assert response.status_code == 400
        assert codes(decoded(response)) == ["BAD_REQUEST"]


class InvalidDocumentsSpendTheBudget(TestCase):
    def setUp(self):
        cache.clear()

    def test_a_document_that_fails_validation_costs_budget(self):
        with network(GRAPHQL_COST_PER_MINUTE=25):
            for _ in range(3):
                _status, body = post("{ nope }")
                assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
            _status, body = post("{ nope }")
        # 10 points each: after three the budget of 25 is spent, and the fourth is
        # refused before it is even parsed.
        assert codes(body) == ["THROTTLED"], body

    def test_a_document_that_fails_to_parse_costs_budget(self):
        with network(GRAPHQL_COST_PER_MINUTE=25):
            for _ in range(3):
                _status, body = post("{ nope")
                assert codes(body) == ["GRAPHQL_PARSE_FAILED"]
            _status, body = post("{ nope")
            assert codes(body) == ["THROTTLED"], body
            # Once used up, even a valid query is refused until the minute is over.
            _status, body = post("{ __typename }")
        assert codes(body) == ["THROTTLED"]

    def test_a_document_refused_for_its_cost_costs_budget(self):
        query = "{ members(first: 100) { edges { node { name } } } }"
        with network(GRAPHQL_MAX_COST=5, GRAPHQL_COST_PER_MINUTE=25):
            for _ in range(3):
                _status, body = post(query)
                assert codes(body) == ["COST_EXCEEDED"]
            _status, body = post("{ __typename }")
        assert codes(body) == ["THROTTLED"], body


class ErrorsAreLoggedOnceAndBounded(TestCase):
    def test_a_document_with_many_unknown_fields_logs_one_short_line(self):
        query = "{ " + " ".join(f"unknownField{i} {{ id }}" for i in range(100)) + " }"
        logger = logging.getLogger("graphql_schema")
        records: list[logging.LogRecord] = []

        class Collect(logging.Handler):
            def emit(self, record):
                records.append(record)

        handler = Collect(level=logging.DEBUG)
        logger.addHandler(handler)
        strawberry_logger = logging.getLogger("strawberry")
        strawberry_logger.addHandler(handler)
        old_level = logger.level
        logger.setLevel(logging.DEBUG)
        try:
            _status, body = post(query)
        finally:
            logger.removeHandler(handler)
            strawberry_logger.removeHandler(handler)
            logger.setLevel(old_level)
        assert len(body["errors"]) == 100
        assert len(records) == 1
        text = records[0].getMessage()
        assert "100 error" in text
        assert len(text) < 400


class CrossOrigin(TestCase):
    ORIGIN = "https://app.example.com"

    @override_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_ALLOW_ALL_ORIGINS=False)
    def test_preflight_from_an_allowed_origin_is_answered(self):
        response = Client().options(
            URL,
            headers={
                "Origin": self.ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == self.ORIGIN
        assert "authorization" in response["Access-Control-Allow-Headers"]

    @override_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_ALLOW_ALL_ORIGINS=False)
    def test_preflight_from_another_origin_gets_no_allow_origin(self):
        response = Client().options(
            URL,
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert "Access-Control-Allow-Origin" not in response

    @override_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_ALLOW_ALL_ORIGINS=False)
    def test_a_post_from_an_allowed_origin_carries_the_cors_headers(self):
        response = Client().post(
            URL,
            data=json.dumps({"query": "{ __typename }"}),
            content_type="application/json",
            headers={"Origin": self.ORIGIN},
        )
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == self.ORIGIN


MUTATION = 'mutation { followCompany(input: {companyId: "x"}) { errors { code } } }'


class CsrfRefusalsNameTheirCause(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_net()

    def session_client(self, cookie: str | None = None) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.n.u_alice)
        if cookie is not None:
            client.cookies[settings.CSRF_COOKIE_NAME] = cookie
        return client

    def refuse(self, client, **headers) -> str:
        response = client.post(
            URL, data=json.dumps({"query": MUTATION}), content_type="application/json", **headers
        )
        assert response.status_code == 403
        body = decoded(response)
        assert codes(body) == ["CSRF_FAILED"]
        return body["errors"][0]["message"]

    def test_an_untrusted_origin_is_named_as_the_cause(self):
        token = "a" * 32
        message = self.refuse(
            self.session_client(token),
            headers={"Origin": "https://evil.example", "X-CSRFToken": token},
        )
        assert "https://evil.example" in message and "CSRF_TRUSTED_ORIGINS" in message

    def test_a_missing_cookie_is_named_as_the_cause(self):
        message = self.refuse(self.session_client(), headers={"X-CSRFToken": "x" * 32})
        assert "cookie" in message

    def test_a_missing_header_is_named_as_the_cause(self):
        message = self.refuse(self.session_client("a" * 32))
        assert "X-CSRFToken header" in message

    def test_a_wrong_token_is_named_as_the_cause(self):
        message = self.refuse(self.session_client("a" * 32), headers={"X-CSRFToken": "b" * 32})
        assert "does not match" in message
