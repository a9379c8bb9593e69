"""Personal API tokens belong to the app (``wagtail_network.services.tokens``): the
account page and GraphQL both call these functions, and the endpoint and the export
download both recognise tokens through them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from tests.factories import UserFactory
from wagtail_network.errors import ErrorCode, NetworkError
from wagtail_network.services import tokens
from wagtail_network.views import CreateTokenForm

pytestmark = pytest.mark.django_db


def test_the_account_form_and_the_service_share_one_name_limit() -> None:
    assert CreateTokenForm().fields["name"].max_length == tokens.MAX_NAME_LENGTH
    user = UserFactory()
    tokens.create_token(user, "n" * tokens.MAX_NAME_LENGTH)
    with pytest.raises(NetworkError) as refused:
        tokens.create_token(user, "n" * (tokens.MAX_NAME_LENGTH + 1))
    assert refused.value.code == ErrorCode.VALIDATION


def test_a_user_holds_at_most_the_token_cap_until_one_is_revoked() -> None:
    user = UserFactory()
    created = [tokens.create_token(user, f"t{i}")[0] for i in range(tokens.MAX_TOKENS_PER_USER)]
    with pytest.raises(NetworkError):
        tokens.create_token(user, "one too many")
    tokens.revoke_token(user, created[0].pk)
    tokens.create_token(user, "room again")
    assert tokens.active_tokens(user).count() == tokens.MAX_TOKENS_PER_USER


@pytest.mark.parametrize("token_id", ["abc", None, "", True, -1])
def test_revoking_a_garbage_or_unknown_id_reads_as_missing(token_id) -> None:
    user = UserFactory()
    tokens.create_token(user, "mine")
    with pytest.raises(NetworkError) as refused:
        tokens.revoke_token(user, token_id)
    assert refused.value.code == ErrorCode.NOT_FOUND


def test_visitors_have_no_tokens_and_cannot_create_one() -> None:
    assert list(tokens.active_tokens(AnonymousUser())) == []
    with pytest.raises(NetworkError) as refused:
        tokens.create_token(AnonymousUser(), "x")
    assert refused.value.code == ErrorCode.UNAUTHENTICATED


def test_a_bearer_header_authenticates_as_the_tokens_user_and_anything_else_is_refused() -> None:
    user = UserFactory()
    _token, plaintext = tokens.create_token(user, "cli")
    factory = RequestFactory()

    request = factory.get("/", headers={"Authorization": f"Bearer {plaintext}"})
    assert tokens.authenticate_token(tokens.bearer_token_from(request)).user == user
    assert tokens.bearer_token_from(factory.get("/")) is None
    with pytest.raises(tokens.InvalidToken):
        tokens.bearer_token_from(factory.get("/", headers={"Authorization": "Basic abc"}))
    with pytest.raises(tokens.InvalidToken):
        tokens.authenticate_token(plaintext[:-1] + ("a" if plaintext[-1] != "a" else "b"))
