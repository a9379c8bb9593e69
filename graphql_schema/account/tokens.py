"""Personal API tokens over GraphQL: create (plaintext shown once) and revoke."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry.types import Info
from wagtail.models import APIToken

from wagtail_network.limits import TOKEN_NAME_MAX_LENGTH, limit_text
from wagtail_network.services import tokens

from ..base.context import user_of
from ..base.errors import MutationError
from ..base.fields import PkNode
from ..base.ids import decode_id
from ..base.mutations import errors_field, performed_mutation

API_TOKEN_TYPE = "ApiToken"


@strawberry_django.type(
    APIToken,
    name=API_TOKEN_TYPE,
    description="A personal API token (its secret is never shown again). A node only for "
    "its owner: node(id:) answers null to anyone else.",
)
class ApiToken(PkNode):
    name: str = strawberry_django.field(description="The label its owner gave it.")
    prefix: str = strawberry_django.field(description="The first characters, to recognise it by.")
    created: datetime = strawberry_django.field(description="When it was created.")
    last_used_at: datetime | None = strawberry_django.field(
        description="When it last authenticated."
    )
    revoked_at: datetime | None = strawberry_django.field(
        description="When it was revoked, if it was."
    )

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs: Any) -> QuerySet:
        # Only the owner's own tokens (revoked ones too, which say so): everyone
        # else, anonymous visitors included, finds nothing.
        user = user_of(info)
        if not user.is_authenticated:
            return queryset.none()
        return queryset.filter(user_id=user.pk)


@strawberry.input(description="Create a personal API token for the signed-in user.")
class CreateApiTokenInput:
    name: str = strawberry.field(
        description="A label to recognise the token by (e.g. a device). "
        + limit_text(TOKEN_NAME_MAX_LENGTH)
    )


@strawberry.type(description="The new token and, once only, its secret.")
class CreateApiTokenPayload:
    token: ApiToken | None = strawberry.field(default=None, description="The token created.")
    plaintext: str | None = strawberry.field(
        default=None,
        description="The secret to send as 'Authorization: Bearer …'. Shown only in this response.",
    )
    errors: list[MutationError] = errors_field("Why nothing was created, if nothing was.")


@strawberry.input(description="Revoke one of your personal API tokens.")
class RevokeApiTokenInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the token.")


@strawberry.type(description="The revoked token.")
class RevokeApiTokenPayload:
    token: ApiToken | None = strawberry.field(default=None, description="The token revoked.")
    errors: list[MutationError] = errors_field("Why nothing was revoked, if nothing was.")


@strawberry.type
class TokenMutations:
    @performed_mutation(
        CreateApiTokenInput,
        CreateApiTokenPayload,
        "Create a personal API token. The plaintext secret is returned once and "
        "never stored; only its digest is kept.",
    )
    @staticmethod
    def create_api_token(user, input):
        token, plaintext = tokens.create_token(user, input.name)
        return CreateApiTokenPayload(token=token, plaintext=plaintext)

    @performed_mutation(
        RevokeApiTokenInput,
        RevokeApiTokenPayload,
        "Revoke one of your API tokens; it stops authenticating at once.",
    )
    @staticmethod
    def revoke_api_token(user, input):
        pk = decode_id(input.id, API_TOKEN_TYPE, "id")
        return RevokeApiTokenPayload(token=tokens.revoke_token(user, pk))


@strawberry.type
class TokenQuery:
    @strawberry.field(
        description="Your active personal API tokens, newest first (at most 20; their "
        "secrets are never shown again). Empty when not signed in."
    )
    def my_api_tokens(self, info: Info) -> list[ApiToken]:
        user = info.context.request.user
        return list(tokens.active_tokens(user))  # type: ignore[arg-type]
