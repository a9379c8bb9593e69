"""A host site serves its own merged schema through the plugin's view, both ways the
docs show: a ``schema`` class attribute on a subclass, and ``as_view(schema=...)``."""

from __future__ import annotations

import json

import strawberry
from django.test import RequestFactory, TestCase
from strawberry.tools import merge_types

from graphql_schema.mutations import Mutation
from graphql_schema.schema import QUERY_TYPES, build_schema
from graphql_schema.views import NetworkGraphQLView
from tests.graphql.mutation_support import build_net


@strawberry.type
class HostQuery:
    @strawberry.field(description="A field of the host site's own.")
    def host_greeting(self) -> str:
        return "hello from the host"


HOST_SCHEMA = build_schema(query=merge_types("Query", (*QUERY_TYPES, HostQuery)), mutation=Mutation)


class HostView(NetworkGraphQLView):
    schema = HOST_SCHEMA


QUERY = "{ hostGreeting members(first: 5) { totalCount } }"


class HostSchema(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_net()

    def run_view(self, view):
        request = RequestFactory().post(
            "/graphql/", data=json.dumps({"query": QUERY}), content_type="application/json"
        )
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        response = view(request)
        return response.status_code, json.loads(response.content)

    def test_a_schema_class_attribute_on_a_subclass_is_served(self):
        status, body = self.run_view(HostView.as_view())
        assert status == 200, body
        assert body["data"]["hostGreeting"] == "hello from the host"
        assert body["data"]["members"]["totalCount"] > 0

    def test_as_view_with_a_schema_argument_is_served(self):
        status, body = self.run_view(NetworkGraphQLView.as_view(schema=HOST_SCHEMA))
        assert status == 200, body
        assert body["data"]["hostGreeting"] == "hello from the host"

    def test_the_plugins_view_without_either_serves_the_plugins_schema(self):
        status, body = self.run_view(NetworkGraphQLView.as_view())
        assert [e["extensions"]["code"] for e in body["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
