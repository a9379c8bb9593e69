"""Privacy rights over GraphQL: exportMyData and deleteMyAccount."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from django.contrib.auth import logout
from strawberry.types import Info

from wagtail_network import privacy
from wagtail_network.errors import ErrorCode, NetworkError
from wagtail_network.limits import (
    CLIENT_MUTATION_ID_MAX_LENGTH,
    PASSWORD_MAX_LENGTH,
    check_text,
    limit_text,
)

from ..base.errors import MutationError
from ..base.mutations import errors_field, input_argument, perform


@strawberry.input(description="Ask for a download link to all your data.")
class ExportMyDataInput:
    client_mutation_id: str | None = strawberry.field(
        default=None,
        description="Echoed back unchanged, for the client's bookkeeping. "
        + limit_text(CLIENT_MUTATION_ID_MAX_LENGTH),
    )


@strawberry.type(description="A short-lived link to your data as one JSON file.")
class ExportMyDataPayload:
    url: str | None = strawberry.field(
        default=None,
        description="Signed download link; works only for you (same session or token) until "
        "`expiresAt`.",
    )
    expires_at: datetime | None = strawberry.field(default=None, description="Link expiry.")
    client_mutation_id: str | None = strawberry.field(default=None, description="As sent.")
    errors: list[MutationError] = errors_field()


@strawberry.input(description="Erase your profile and network data for good.")
class DeleteMyAccountInput:
    password: str | None = strawberry.field(
        default=None,
        description="Your password. May be left out within ten minutes of signing in "
        "(browser session only). " + limit_text(PASSWORD_MAX_LENGTH),
    )
    confirm: bool = strawberry.field(
        description="Must be true: you understand this cannot be undone."
    )


@strawberry.type(description="The result of erasing your account.")
class DeleteMyAccountPayload:
    deleted: bool = strawberry.field(default=False, description="Whether it was erased.")
    errors: list[MutationError] = errors_field()


ExportMyDataArgument = Annotated[ExportMyDataInput | None, input_argument(ExportMyDataInput)]
DeleteMyAccountArgument = Annotated[DeleteMyAccountInput, input_argument(DeleteMyAccountInput)]


@strawberry.type
class PrivacyMutations:
    @strawberry.mutation(
        description="A signed, short-lived download link to everything the network holds "
        "about you: profile and revisions, positions, education, connections with history, "
        "invitations, endorsements and recommendations given and received, follows, blocks, "
        "reports made."
    )
    def export_my_data(self, info: Info, input: ExportMyDataArgument = None) -> ExportMyDataPayload:
        request = info.context.request
        client_id = input.client_mutation_id if input else None

        def action(user):
            check_text(client_id, CLIENT_MUTATION_ID_MAX_LENGTH, "clientMutationId")
            url, expires_at = privacy.make_export_link(user, request)
            return ExportMyDataPayload(url=url, expires_at=expires_at, client_mutation_id=client_id)

        return perform(info, ExportMyDataPayload, action)

    @strawberry.mutation(
        description="Erase your member profile with its revisions and photo, your connections, "
        "invitations, endorsements and recommendations given and received; audit entries stay "
        "without personal data. By default your site account is deactivated and its personal "
        "fields blanked. Errors: CONFIRMATION_REQUIRED (password wrong or missing), "
        "VALIDATION (confirm not true)."
    )
    def delete_my_account(
        self, info: Info, input: DeleteMyAccountArgument
    ) -> DeleteMyAccountPayload:
        request = info.context.request

        def action(user):
            if not input.confirm:
                raise NetworkError(ErrorCode.VALIDATION, field="confirm")
            check_text(input.password, PASSWORD_MAX_LENGTH, "password", strip=False)
            privacy.delete_account(
                user,
                password=input.password,
                session_login=getattr(request, "network_auth", None) == "session",
            )
            return DeleteMyAccountPayload(deleted=True)

        payload = perform(info, DeleteMyAccountPayload, action)
        if payload.deleted and getattr(request, "network_auth", None) == "session":
            logout(request)
        return payload


__all__ = ["PrivacyMutations"]
