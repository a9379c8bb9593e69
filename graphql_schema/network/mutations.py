"""Connection lifecycle, blocks and follows: the mutations on the viewer's network."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from wagtail_network import services, visibility

from ..base.errors import MutationError
from ..base.ids import decode_id, global_id
from ..base.mutations import errors_field, perform, visible_now
from ..companies.types import CompanyType
from ..members.types import MemberType


@strawberry.input(description="Invite a member to connect.")
class RequestConnectionInput:
    member_id: strawberry.ID = strawberry.field(description="Global ID of the member to invite.")
    message: str | None = strawberry.field(
        default=None, description="An optional note (at most 500 characters)."
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


def _member_action(info: Info, input: MemberActionInput, service) -> MemberPayload:
    def action(user):
        pk = decode_id(input.member_id, "Member", "memberId")
        service(user, pk)
        return MemberPayload(member=visible_now(user, visibility.members_visible_to, pk))

    return perform(info, MemberPayload, action)


@strawberry.type
class NetworkMutations:
    @strawberry.mutation(
        description="Invite a member to connect. If they already invited you, this accepts "
        "their invitation instead (crossing invitations become one connection). Errors: "
        "NOT_FOUND, SELF_ACTION, ALREADY_CONNECTED, ALREADY_INVITED, COOLDOWN, "
        "INVITATION_CAP_REACHED, VALIDATION, NO_PROFILE, UNAUTHENTICATED."
    )
    def request_connection(self, info: Info, input: RequestConnectionInput) -> MemberPayload:
        def action(user):
            pk = decode_id(input.member_id, "Member", "memberId")
            services.request_connection(user, pk, input.message or "")
            return MemberPayload(member=visible_now(user, visibility.members_visible_to, pk))

        return perform(info, MemberPayload, action)

    @strawberry.mutation(
        description="Accept the invitation a member sent you (pending or ignored). "
        "Errors: NOT_FOUND (no invitation from them), SELF_ACTION."
    )
    def accept_connection(self, info: Info, input: MemberActionInput) -> MemberPayload:
        return _member_action(info, input, services.accept_connection)

    @strawberry.mutation(
        description="Ignore the invitation a member sent you; they are never told. "
        "Errors: NOT_FOUND, ALREADY_CONNECTED."
    )
    def ignore_connection(self, info: Info, input: MemberActionInput) -> MemberPayload:
        return _member_action(info, input, services.ignore_connection)

    @strawberry.mutation(
        description="Withdraw your open invitation to a member (starts the cool-down before "
        "you may invite them again). Errors: NOT_FOUND, ALREADY_CONNECTED."
    )
    def withdraw_connection_request(self, info: Info, input: MemberActionInput) -> MemberPayload:
        return _member_action(info, input, services.withdraw_connection_request)

    @strawberry.mutation(
        description="Remove a connection (either side may). Errors: NOT_CONNECTED, NOT_FOUND."
    )
    def remove_connection(self, info: Info, input: MemberActionInput) -> MemberPayload:
        return _member_action(info, input, services.remove_connection)

    @strawberry.mutation(
        description="Block a member: ends any connection and invitations both ways, removes "
        "endorsements and recommendations between you, and hides you from each other. "
        "Errors: NOT_FOUND, SELF_ACTION."
    )
    def block_member(self, info: Info, input: MemberActionInput) -> BlockMemberPayload:
        def action(user):
            pk = decode_id(input.member_id, "Member", "memberId")
            services.block_member(user, pk)
            return BlockMemberPayload(blocked_member_id=strawberry.ID(global_id("Member", pk)))

        return perform(info, BlockMemberPayload, action)

    @strawberry.mutation(
        description="Lift your block of a member. Nothing the block removed comes back. "
        "Errors: NOT_FOUND (you have not blocked them)."
    )
    def unblock_member(self, info: Info, input: MemberActionInput) -> MemberPayload:
        return _member_action(info, input, services.unblock_member)

    @strawberry.mutation(description="Follow a company (idempotent). Errors: NOT_FOUND.")
    def follow_company(self, info: Info, input: CompanyActionInput) -> CompanyPayload:
        def action(user):
            pk = decode_id(input.company_id, "Company", "companyId")
            services.follow_company(user, pk)
            return CompanyPayload(company=visible_now(user, visibility.companies_visible_to, pk))

        return perform(info, CompanyPayload, action)

    @strawberry.mutation(description="Stop following a company (idempotent). Errors: NOT_FOUND.")
    def unfollow_company(self, info: Info, input: CompanyActionInput) -> CompanyPayload:
        def action(user):
            pk = decode_id(input.company_id, "Company", "companyId")
            services.unfollow_company(user, pk)
            return CompanyPayload(company=visible_now(user, visibility.companies_visible_to, pk))

        return perform(info, CompanyPayload, action)


__all__ = ["NetworkMutations"]
