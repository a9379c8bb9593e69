"""Profiles and companies: updateMyProfile, updateCompany, confirmPosition, reportContent."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info

from wagtail_network import services, visibility
from wagtail_network.errors import ErrorCode, NetworkError
from wagtail_network.models import FieldVisibility, Position, ProfileVisibility, ReportReason

from ..companies import CompanySizeEnum, CompanyType
from ..errors import MutationError
from ..members import MemberType, OpenToEnum, PositionType
from .base import COMPANY_TYPES, MEMBER_TYPES, decode_id, global_id, perform
from .network import ERRORS_DESCRIPTION

ProfileVisibilityEnum = strawberry.enum(
    ProfileVisibility, name="ProfileVisibility", description="Who may see a profile."
)
FieldVisibilityEnum = strawberry.enum(
    FieldVisibility, name="FieldVisibility", description="Who may see one sensitive field."
)
ReportReasonEnum = strawberry.enum(
    ReportReason, name="ReportReason", description="Why something is reported."
)

UNSET: Any = strawberry.UNSET


@strawberry.input(description="One position; the list you send replaces your positions.")
class PositionInput:
    id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global ID of an existing position (keeps its confirmation unless the "
        "company, title or start date change).",
    )
    company_id: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of the company page, if it has one."
    )
    company_name: str | None = strawberry.field(
        default=None, description="Company name when it has no page."
    )
    title: str = strawberry.field(description="Job title.")
    start_date: date | None = strawberry.field(default=None, description="First day.")
    end_date: date | None = strawberry.field(default=None, description="Last day.")
    is_current: bool = strawberry.field(default=False, description="Current role.")


@strawberry.input(description="One education entry; the list you send replaces yours.")
class EducationInput:
    school: str = strawberry.field(description="School or institution.")
    degree: str | None = strawberry.field(default=None, description="Degree.")
    field_of_study: str | None = strawberry.field(default=None, description="Field of study.")
    start_year: int | None = strawberry.field(default=None, description="Start year.")
    end_year: int | None = strawberry.field(default=None, description="End year.")


@strawberry.input(description="One link; the list you send replaces yours.")
class LinkInput:
    label: str = strawberry.field(description="Label.")
    url: str = strawberry.field(description="URL (http or https).")


@strawberry.input(
    description="Create your member profile (when you have none) or change it. Only the "
    "fields you send change."
)
class UpdateMyProfileInput:
    name: str | None = strawberry.field(default=UNSET, description="Full name.")
    headline: str | None = strawberry.field(default=UNSET, description="Headline.")
    bio: str | None = strawberry.field(default=UNSET, description="About you (plain text).")
    city: str | None = strawberry.field(default=UNSET, description="City.")
    country: str | None = strawberry.field(default=UNSET, description="Country.")
    languages: list[str] | None = strawberry.field(default=UNSET, description="Languages.")
    contact_email: str | None = strawberry.field(default=UNSET, description="Contact e-mail.")
    contact_phone: str | None = strawberry.field(default=UNSET, description="Contact phone.")
    industry_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Global ID of your industry (null clears it)."
    )
    skill_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Global IDs of the skills you list (replaces the list)."
    )
    interests: list[str] | None = strawberry.field(default=UNSET, description="Interests.")
    open_to: list[OpenToEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=UNSET, description="What you are open to (replaces the list)."
    )
    profile_visibility: ProfileVisibilityEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=UNSET, description="Who may see your profile."
    )
    email_visibility: FieldVisibilityEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=UNSET, description="Who may see your e-mail address."
    )
    phone_visibility: FieldVisibilityEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=UNSET, description="Who may see your phone number."
    )
    connections_visibility: FieldVisibilityEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=UNSET, description="Who may see your connection list."
    )
    positions_visibility: FieldVisibilityEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=UNSET, description="Who may see your positions."
    )
    positions: list[PositionInput] | None = strawberry.field(
        default=UNSET, description="Your positions (replaces the list)."
    )
    education: list[EducationInput] | None = strawberry.field(
        default=UNSET, description="Your education (replaces the list)."
    )
    links: list[LinkInput] | None = strawberry.field(
        default=UNSET, description="Your links (replaces the list)."
    )


@strawberry.type(description="Your profile after the change.")
class UpdateMyProfilePayload:
    member: MemberType | None = strawberry.field(default=None, description="Your profile.")
    errors: list[MutationError] = strawberry.field(
        default_factory=list, description=ERRORS_DESCRIPTION
    )


@strawberry.input(description="Change a company you administer. Only the fields you send change.")
class UpdateCompanyInput:
    company_id: strawberry.ID = strawberry.field(description="Global ID of the company.")
    name: str | None = strawberry.field(default=UNSET, description="Company name.")
    tagline: str | None = strawberry.field(default=UNSET, description="Tagline.")
    description: str | None = strawberry.field(default=UNSET, description="About (plain text).")
    industry_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Global ID of the industry (null clears it)."
    )
    size_range: CompanySizeEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=UNSET, description="Number of employees."
    )
    founded_year: int | None = strawberry.field(default=UNSET, description="Year founded.")
    city: str | None = strawberry.field(default=UNSET, description="City.")
    country: str | None = strawberry.field(default=UNSET, description="Country.")
    website: str | None = strawberry.field(default=UNSET, description="Website URL.")
    contact_email: str | None = strawberry.field(default=UNSET, description="Contact e-mail.")
    specialities: list[str] | None = strawberry.field(
        default=UNSET, description="Specialities (replaces the list)."
    )


@strawberry.type(description="The company after the change.")
class UpdateCompanyPayload:
    company: CompanyType | None = strawberry.field(default=None, description="The company.")
    errors: list[MutationError] = strawberry.field(
        default_factory=list, description=ERRORS_DESCRIPTION
    )


@strawberry.input(description="Confirm (or un-confirm) that a member works at your company.")
class ConfirmPositionInput:
    position_id: strawberry.ID = strawberry.field(description="Global ID of the position.")
    confirmed: bool = strawberry.field(
        default=True, description="False withdraws an earlier confirmation."
    )


@strawberry.type(description="The position after confirmation.")
class ConfirmPositionPayload:
    position: PositionType | None = strawberry.field(default=None, description="The position.")
    errors: list[MutationError] = strawberry.field(
        default_factory=list, description=ERRORS_DESCRIPTION
    )


@strawberry.input(description="Report a member, company, endorsement or recommendation.")
class ReportContentInput:
    target_id: strawberry.ID = strawberry.field(
        description="Global ID of a Member, Company, Endorsement or Recommendation."
    )
    reason: ReportReasonEnum = strawberry.field(description="Why.")  # type: ignore[valid-type]
    details: str | None = strawberry.field(
        default=None, description="What moderators should know (≤ 2000 characters)."
    )


@strawberry.type(description="Your report, now with the moderators.")
class ReportContentPayload:
    report_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global ID of the report (an open report of the same thing "
        "by you is returned instead of a new one).",
    )
    errors: list[MutationError] = strawberry.field(
        default_factory=list, description=ERRORS_DESCRIPTION
    )


REPORT_TARGETS = {
    "Member": "member",
    "Company": "company",
    "Endorsement": "endorsement",
    "Recommendation": "recommendation",
}

PROFILE_SCALARS = {
    "name": "name",
    "headline": "headline",
    "bio": "bio",
    "city": "city",
    "country": "country",
    "contact_email": "contact_email",
    "contact_phone": "contact_phone",
    "interests": "interests",
    "profile_visibility": "profile_visibility",
    "email_visibility": "email_visibility",
    "phone_visibility": "phone_visibility",
    "connections_visibility": "connections_visibility",
    "positions_visibility": "positions_visibility",
}


def _set(value: Any) -> bool:
    return value is not UNSET


def _enum_value(value: Any) -> Any:
    return getattr(value, "value", value)


def _industry_pk(industry_id: strawberry.ID | None) -> int | None:
    """The industry a sent ``industryId`` names; null clears it."""
    return decode_id(industry_id, "Industry", "industryId") if industry_id is not None else None


def profile_fields(input: UpdateMyProfileInput) -> dict[str, Any]:
    """The service-layer keyword arguments for the fields the client sent."""
    fields: dict[str, Any] = {}
    for attr, key in PROFILE_SCALARS.items():
        value = getattr(input, attr)
        if _set(value):
            fields[key] = _enum_value(value)
    for key in PROFILE_SCALARS:
        if key.endswith("_visibility") and fields.get(key, "") is None:
            raise NetworkError(ErrorCode.VALIDATION, field=key)
    if _set(input.languages):
        fields["languages"] = ", ".join(s.strip() for s in input.languages or [] if s.strip())
    if _set(input.industry_id):
        fields["industry"] = _industry_pk(input.industry_id)
    if _set(input.skill_ids):
        fields["skills"] = [
            decode_id(value, "Skill", f"skillIds.{i}")
            for i, value in enumerate(input.skill_ids or [])
        ]
    if _set(input.open_to):
        fields["open_to"] = [_enum_value(v) for v in input.open_to or []]
    if _set(input.positions):
        rows = []
        for i, p in enumerate(input.positions or []):
            row: dict[str, Any] = {
                "title": p.title,
                "company_name": p.company_name or "",
                "start_date": p.start_date,
                "end_date": p.end_date,
                "is_current": p.is_current,
                "company": (
                    decode_id(p.company_id, COMPANY_TYPES, f"positions.{i}.companyId")
                    if p.company_id
                    else None
                ),
            }
            if p.id:
                row["id"] = decode_id(p.id, "Position", f"positions.{i}.id")
            rows.append(row)
        fields["positions"] = rows
    if _set(input.education):
        fields["education"] = [
            {
                "school": e.school,
                "degree": e.degree or "",
                "field_of_study": e.field_of_study or "",
                "start_year": e.start_year,
                "end_year": e.end_year,
            }
            for e in input.education or []
        ]
    if _set(input.links):
        fields["links"] = [{"label": link.label, "url": link.url} for link in input.links or []]
    return fields


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
        if _set(value):
            fields[attr] = value
    if _set(input.size_range):
        fields["size_range"] = _enum_value(input.size_range) or ""
    if _set(input.industry_id):
        fields["industry"] = _industry_pk(input.industry_id)
    return fields


@strawberry.type
class ProfileMutations:
    @strawberry.mutation(
        description="Create your member profile (joining the network) or change it. Each "
        "change is a revision of your profile page. Errors: VALIDATION (with the field), "
        "NOT_FOUND (an unknown company/skill/industry id), UNAUTHENTICATED."
    )
    def update_my_profile(self, info: Info, input: UpdateMyProfileInput) -> UpdateMyProfilePayload:
        def action(user):
            member = services.update_my_profile(user, **profile_fields(input))
            visibility.clear_viewer_cache(user)
            return UpdateMyProfilePayload(member=member)

        return perform(info, UpdateMyProfilePayload, action)

    @strawberry.mutation(
        description="Change a company's profile: its admins, editors and superusers. Errors: "
        "NOT_FOUND, PERMISSION_DENIED (you see it but do not administer it), VALIDATION."
    )
    def update_company(self, info: Info, input: UpdateCompanyInput) -> UpdateCompanyPayload:
        def action(user):
            pk = decode_id(input.company_id, COMPANY_TYPES, "companyId")
            company = services.update_company(user, pk, **company_fields(input))
            return UpdateCompanyPayload(company=company)

        return perform(info, UpdateCompanyPayload, action)

    @strawberry.mutation(
        description="A company admin confirms that a member works (worked) there, or withdraws "
        "the confirmation. Errors: NOT_FOUND, PERMISSION_DENIED."
    )
    def confirm_position(self, info: Info, input: ConfirmPositionInput) -> ConfirmPositionPayload:
        def action(user):
            pk = decode_id(input.position_id, "Position", "positionId")
            if input.confirmed:
                position = services.confirm_position(user, pk)
            else:
                position = services.unverify_position(user, pk)
            visible = visibility.positions_visible_to(user, Position.objects.filter(pk=position.pk))
            return ConfirmPositionPayload(position=visible.first())

        return perform(info, ConfirmPositionPayload, action)

    @strawberry.mutation(
        description="Report a member, company, endorsement or recommendation to the "
        "moderators. Errors: NOT_FOUND, SELF_ACTION, VALIDATION."
    )
    def report_content(self, info: Info, input: ReportContentInput) -> ReportContentPayload:
        def action(user):
            kind = None
            pk = decode_id(input.target_id, tuple(REPORT_TARGETS), "targetId")
            from strawberry import relay

            kind = REPORT_TARGETS[relay.GlobalID.from_id(str(input.target_id)).type_name]
            try:
                report = services.report_content(
                    user,
                    reason=_enum_value(input.reason),
                    details=input.details or "",
                    **{kind: pk},
                )
            except NetworkError as exc:
                if exc.field in REPORT_TARGETS.values():
                    exc.field = "targetId"
                raise
            return ReportContentPayload(report_id=strawberry.ID(global_id("Report", report.pk)))

        return perform(info, ReportContentPayload, action)


__all__ = ["MEMBER_TYPES", "ProfileMutations"]
