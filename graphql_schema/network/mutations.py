"""Connection lifecycle, blocks, dismissed suggestions and follows: the mutations on
the viewer's network."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.types import Info

from wagtail_network import limits, services, visibility
from wagtail_network.limits import limit_text

from ..base.errors import MutationError
from ..base.ids import decode_id, global_id
from ..base.mutations import (
    errors_field,
    input_argument,
    perform,
    performed_mutation,
    visible_now,
)
from ..companies.types import CompanyType
from ..members.types import MemberType

P = TypeVar("P")


@strawberry.input(description="Invite a member to connect.")
class RequestConnectionInput:
    member_id: strawberry.ID = strawberry.field(description="Global ID of the member to invite.")
    message: str | None = strawberry.field(
        default=None, description="An optional note. " + limit_text(limits.MESSAGE_MAX_LENGTH)
    )


@strawberry.input(description="Act on the invitation or connection between you and a member.")
class MemberActionInput:
    member_id: strawberry.ID = strawberry.field(description="Global ID of the other member.")


@strawberry.type(description="The member after a change to your relation with them.")
class MemberPayload:
    member: MemberType | None = strawberry.field(
        default=None,
        description="The other member as you see them now (read `connectionStatus`); null "
        "when they are not visible to you.",
    )
    errors: list[MutationError] = errors_field()


@strawberry.type(description="The result of blocking a member.")
class BlockMemberPayload:
    blocked_member_id: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of the member you blocked."
    )
    errors: list[MutationError] = errors_field()


@strawberry.input(description="Follow or unfollow a company.")
class CompanyActionInput:
    company_id: strawberry.ID = strawberry.field(description="Global ID of the company.")


@strawberry.type(description="The company after (un)following it.")
class CompanyPayload:
    company: CompanyType | None = strawberry.field(
        default=None, description="The company (read `followedByViewer`)."
    )
    errors: list[MutationError] = errors_field()


RequestConnectionArgument = Annotated[
    RequestConnectionInput, input_argument(RequestConnectionInput)
]
MemberActionArgument = Annotated[MemberActionInput, input_argument(MemberActionInput)]
CompanyActionArgument = Annotated[CompanyActionInput, input_argument(CompanyActionInput)]


def _act_on(
    info: Info,
    payload: type[P],
    attr: str,
    type_name: str,
    object_id: str,
    service: str,
    **extra: Any,
) -> P:
    """Apply the service ``service`` to the object of global id ``object_id`` and
    return ``payload`` with that object (in ``attr``) as the viewer now sees it.

    The service is looked up by name when the mutation runs, so that a patched
    service is the one called."""
    field, visible_to = _TARGETS[type_name]

    def action(user: Any) -> P:
        pk = decode_id(object_id, type_name, field)
        getattr(services, service)(user, pk, **extra)
        return payload(**{attr: visible_now(user, visible_to, pk)})

    return perform(info, payload, action)


#: The input field and visibility rule of each kind of object these mutations act on.
_TARGETS = {
    "Member": ("memberId", visibility.members_visible_to),
    "Company": ("companyId", visibility.companies_visible_to),
}


def _member_mutation(service: str, description: str) -> Any:
    """A mutation applying the service ``service`` to the member in its input and
    returning them as the viewer now sees them."""

    def resolve(info: Info, input: MemberActionArgument) -> MemberPayload:
        return _act_on(info, MemberPayload, "member", "Member", input.member_id, service)

    return strawberry.mutation(resolve, description=description)


def _company_mutation(service: str, description: str) -> Any:
    """A mutation applying the service ``service`` to the company in its input and
    returning it as the viewer now sees it."""

    def resolve(info: Info, input: CompanyActionArgument) -> CompanyPayload:
        return _act_on(info, CompanyPayload, "company", "Company", input.company_id, service)

    return strawberry.mutation(resolve, description=description)


@strawberry.type
class NetworkMutations:
    @strawberry.mutation(
        description="Invite a member to connect. If they already invited you, this accepts "
        "their invitation instead (crossing invitations become one connection). Errors: "
        "NOT_FOUND, SELF_ACTION, ALREADY_CONNECTED, ALREADY_INVITED, COOLDOWN, "
        "INVITATION_CAP_REACHED, VALIDATION, NO_PROFILE, UNAUTHENTICATED."
    )
    def request_connection(self, info: Info, input: RequestConnectionArgument) -> MemberPayload:
        return _act_on(
            info,
            MemberPayload,
            "member",
            "Member",
            input.member_id,
            "request_connection",
            message=input.message or "",
        )

    accept_connection = _member_mutation(
        "accept_connection",
        "Accept the invitation a member sent you (pending or ignored). "
        "Errors: NOT_FOUND (no invitation from them), SELF_ACTION.",
    )
    ignore_connection = _member_mutation(
        "ignore_connection",
        "Ignore the invitation a member sent you; they are never told. "
        "Errors: NOT_FOUND, ALREADY_CONNECTED.",
    )
    withdraw_connection_request = _member_mutation(
        "withdraw_connection_request",
        "Withdraw your open invitation to a member (starts the cool-down before "
        "you may invite them again). Errors: NOT_FOUND, ALREADY_CONNECTED.",
    )
    remove_connection = _member_mutation(
        "remove_connection",
        "Remove a connection (either side may). Errors: NOT_CONNECTED, NOT_FOUND.",
    )

    @performed_mutation(
        MemberActionInput,
        BlockMemberPayload,
        "Block a member: ends any connection and invitations both ways, removes "
        "endorsements and recommendations between you, and hides you from each other. "
        "Errors: NOT_FOUND, SELF_ACTION.",
    )
    @staticmethod
    def block_member(user, input):
        pk = decode_id(input.member_id, "Member", "memberId")
        services.block_member(user, pk)
        return BlockMemberPayload(blocked_member_id=strawberry.ID(global_id("Member", pk)))

    unblock_member = _member_mutation(
        "unblock_member",
        "Lift your block of a member. Nothing the block removed comes back. "
        "Errors: NOT_FOUND (you have not blocked them).",
    )
    dismiss_suggestion = _member_mutation(
        "dismiss_suggestion",
        "Never suggest this member to you again (`viewer.suggestions`); idempotent, and "
        "they are never told. Errors: NOT_FOUND, SELF_ACTION, NO_PROFILE, UNAUTHENTICATED.",
    )
    follow_company = _company_mutation(
        "follow_company", "Follow a company (idempotent). Errors: NOT_FOUND."
    )
    unfollow_company = _company_mutation(
        "unfollow_company", "Stop following a company (idempotent). Errors: NOT_FOUND."
    )


__all__ = ["NetworkMutations"]
