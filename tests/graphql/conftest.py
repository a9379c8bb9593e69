"""Shared GraphQL client fixtures.

``gql(query, variables=None, user=None, token=None)`` posts JSON to ``/graphql/``
with Django's test client (as a real frontend would) and returns the parsed body.
``user`` signs that user in through the session; ``token`` sends
``Authorization: Bearer <token>`` instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

GRAPHQL_URL = "/graphql/"

GqlCallable = Callable[..., dict[str, Any]]


def post_graphql(
    query: str,
    variables: dict[str, Any] | None = None,
    user: Any = None,
    token: str | None = None,
    client: Client | None = None,
) -> dict[str, Any]:
    """POST one GraphQL operation as JSON and return the decoded response body."""
    client = client or Client()
    if user is not None:
        client.force_login(user)
    headers: dict[str, str] = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    response = client.post(
        GRAPHQL_URL,
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        headers=headers,
    )
    assert response["Content-Type"].startswith("application/json"), response.content[:500]
    return json.loads(response.content)


@pytest.fixture
def gql() -> GqlCallable:
    """The GraphQL helper: ``gql(query, variables=None, user=None, token=None)``."""
    return post_graphql
