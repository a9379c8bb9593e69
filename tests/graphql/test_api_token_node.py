"""ApiToken is a Relay node: node(id:) resolves it for its owner only."""

from __future__ import annotations

import pytest
from wagtail.models import APIToken

from tests.factories import UserFactory
from tests.graphql.conftest import post_graphql
from wagtail_network.services import tokens

pytestmark = pytest.mark.django_db

NODE = "query ($id: ID!) { node(id: $id) { __typename id ... on ApiToken { name prefix } } }"


@pytest.fixture
def owned():
    owner = UserFactory(username="owner")
    token, plaintext = tokens.create_token(owner, "laptop")
    return owner, token, plaintext


def token_id(owner) -> str:
    body = post_graphql("{ myApiTokens { id name } }", user=owner)
    [token] = body["data"]["myApiTokens"]
    return token["id"]


def test_api_token_id_is_a_global_id_the_owner_resolves_with_node(owned) -> None:
    owner, token, _plaintext = owned
    gid = token_id(owner)

    body = post_graphql(NODE, {"id": gid}, user=owner)

    assert body["data"]["node"] == {
        "__typename": "ApiToken",
        "id": gid,
        "name": "laptop",
        "prefix": token.prefix,
    }


def test_api_token_node_resolves_with_the_tokens_own_bearer_auth(owned) -> None:
    owner, _token, plaintext = owned
    gid = token_id(owner)

    body = post_graphql(NODE, {"id": gid}, token=plaintext)

    assert body["data"]["node"]["id"] == gid


def test_api_token_node_is_null_for_anyone_but_its_owner(owned) -> None:
    owner, _token, _plaintext = owned
    gid = token_id(owner)
    staff = UserFactory(username="staffer", is_staff=True, is_superuser=True)

    for user in (None, UserFactory(username="other"), staff):
        body = post_graphql(NODE, {"id": gid}, user=user)
        assert "errors" not in body, body
        assert body["data"]["node"] is None


def test_revoked_token_still_resolves_for_its_owner_and_says_so(owned) -> None:
    owner, token, _plaintext = owned
    gid = token_id(owner)
    tokens.revoke_token(owner, token.pk)

    body = post_graphql(
        "query ($id: ID!) { node(id: $id) { ... on ApiToken { revokedAt } } }",
        {"id": gid},
        user=owner,
    )

    assert body["data"]["node"]["revokedAt"] is not None


def test_create_and_revoke_payloads_return_the_same_global_id(owned) -> None:
    owner, _token, _plaintext = owned
    created = post_graphql(
        'mutation { createApiToken(input: {name: "phone"}) { token { id } errors { code } } }',
        user=owner,
    )["data"]["createApiToken"]
    gid = created["token"]["id"]

    revoked = post_graphql(
        "mutation ($id: ID!) { revokeApiToken(input: {id: $id}) { token { id revokedAt } } }",
        {"id": gid},
        user=owner,
    )["data"]["revokeApiToken"]

    assert revoked["token"]["id"] == gid and revoked["token"]["revokedAt"]
    assert APIToken.objects.get(name="phone").revoked_at is not None
