"""``updateCompany`` and ``confirmPosition``: what a company's admins change; and
``claimPosition``, a member's one-click "I work here" that those admins confirm."""

from __future__ import annotations

from typing import Any

import strawberry

from wagtail_network import limits, services, visibility
from wagtail_network.limits import limit_items, limit_text
from wagtail_network.models import Position

from ..base.errors import MutationError
from ..base.ids import decode_id, decode_optional_id
from ..base.mutations import UNSET, enum_value, errors_field, is_set, performed_mutation
from ..members.types import PositionType
from .types import CompanySizeEnum, CompanyType


@strawberry.input(description="Change a company you administer. Only the fields you send change.")
class UpdateCompanyInput:
    company_id: strawberry.ID = strawberry.field(description="Global ID of the company.")
    name: str | None = strawberry.field(
        default=UNSET, description="Company name. " + limit_text(limits.NAME_MAX_LENGTH)
    )
    tagline: str | None = strawberry.field(
        default=UNSET, description="Tagline. " + limit_text(limits.TAGLINE_MAX_LENGTH)
    )
    description: str | None = strawberry.field(
        default=UNSET, description="About (plain text). " + limit_text(limits.LONG_TEXT_MAX_LENGTH)
    )
    industry_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Global ID of the industry (null clears it)."
    )
    size_range: CompanySizeEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=UNSET, description="Number of employees."
    )
    founded_year: int | None = strawberry.field(default=UNSET, description="Year founded.")
    city: str | None = strawberry.field(
        default=UNSET, description="City. " + limit_text(limits.PLACE_MAX_LENGTH)
    )
    country: str | None = strawberry.field(
        default=UNSET, description="Country. " + limit_text(limits.PLACE_MAX_LENGTH)
    )
    website: str | None = strawberry.field(
        default=UNSET, description="Website URL. " + limit_text(limits.URL_MAX_LENGTH)
    )
    contact_email: str | None = strawberry.field(
        default=UNSET, description="Contact e-mail. " + limit_text(limits.EMAIL_MAX_LENGTH)
    )
    specialities: list[str] | None = strawberry.field(
        default=UNSET,
        description="Specialities (replaces the list). "
        + limit_items(limits.TAG_MAX_ITEMS, limits.TAG_MAX_LENGTH),
    )


@strawberry.type(description="The company after the change.")
class UpdateCompanyPayload:
    company: CompanyType | None = strawberry.field(default=None, description="The company.")
    errors: list[MutationError] = errors_field()


@strawberry.input(description="Confirm (or un-confirm) that a member works at your company.")
class ConfirmPositionInput:
    position_id: strawberry.ID = strawberry.field(description="Global ID of the position.")
    confirmed: bool = strawberry.field(
        default=True, description="False withdraws an earlier confirmation."
    )


@strawberry.type(description="The position after confirmation.")
class ConfirmPositionPayload:
    position: PositionType | None = strawberry.field(default=None, description="The position.")
    errors: list[MutationError] = errors_field()


@strawberry.input(
    description="Say that you work at a company: a current position on your profile, "
    "unconfirmed until one of the company's admins confirms it."
)
class ClaimPositionInput:
    company_id: strawberry.ID = strawberry.field(description="Global ID of the company.")
    title: str | None = strawberry.field(
        default=None,
        description='Your job title (empty or left out: "Employee", which you can change '
        "in your profile). At most 200 characters.",
    )


@strawberry.type(description="The position you claimed.")
class ClaimPositionPayload:
    position: PositionType | None = strawberry.field(
        default=None, description="The new position (read `verified`: false until confirmed)."
    )
    errors: list[MutationError] = errors_field()


COMPANY_SCALARS = (
    "name",
    "tagline",
    "description",
    "founded_year",
    "city",
    "country",
    "website",
    "contact_email",
    "specialities",
)


def company_fields(input: UpdateCompanyInput) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for attr in COMPANY_SCALARS:
        value = getattr(input, attr)
        if is_set(value):
            fields[attr] = value
    if is_set(input.size_range):
        fields["size_range"] = enum_value(input.size_range) or ""
    if is_set(input.industry_id):
        fields["industry"] = decode_optional_id(input.industry_id, "Industry", "industryId")
    return fields


@strawberry.type
class CompanyMutations:
    @performed_mutation(
        UpdateCompanyInput,
        UpdateCompanyPayload,
        "Change a company's profile: its admins, editors and superusers. Errors: "
        "NOT_FOUND, PERMISSION_DENIED (you see it but do not administer it), VALIDATION.",
    )
    @staticmethod
    def update_company(user, input):
        pk = decode_id(input.company_id, "Company", "companyId")
        company = services.update_company(user, pk, **company_fields(input))
        return UpdateCompanyPayload(company=company)

    @performed_mutation(
        ConfirmPositionInput,
        ConfirmPositionPayload,
        "A company admin confirms that a member works (worked) there, or withdraws "
        "the confirmation. Errors: NOT_FOUND, PERMISSION_DENIED.",
    )
    @staticmethod
    def confirm_position(user, input):
        pk = decode_id(input.position_id, "Position", "positionId")
        if input.confirmed:
            position = services.confirm_position(user, pk)
        else:
            position = services.unverify_position(user, pk)
        visible = visibility.positions_visible_to(user, Position.objects.filter(pk=position.pk))
        return ConfirmPositionPayload(position=visible.first())

    @performed_mutation(
        ClaimPositionInput,
        ClaimPositionPayload,
        'Claim a current position at a company ("I work here"), through the same rules '
        "as the positions in `updateMyProfile`; the company's admins confirm it with "
        "`confirmPosition`. Your profile must be published. Errors: UNAUTHENTICATED, "
        "NO_PROFILE, NOT_FOUND (companyId), ALREADY_EXISTS (you already list a current "
        "position there), VALIDATION (title; positions: you list the most allowed).",
    )
    @staticmethod
    def claim_position(user, input):
        pk = decode_id(input.company_id, "Company", "companyId")
        position = services.claim_position(user, pk, title=input.title or "")
        visible = visibility.positions_visible_to(user, Position.objects.filter(pk=position.pk))
        return ClaimPositionPayload(position=visible.first())


__all__ = ["CompanyMutations", "company_fields"]
