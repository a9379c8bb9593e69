"""``updateMyProfile``: a member creates or changes their own profile."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from django.utils.translation import gettext as _
from strawberry.file_uploads import Upload

from wagtail_network import limits, services
from wagtail_network.errors import ErrorCode, NetworkError
from wagtail_network.limits import check_list, check_texts, limit_items, limit_text
from wagtail_network.models import FieldVisibility, ProfileVisibility

from ..base.enums import choices_enum
from ..base.errors import MutationError
from ..base.ids import decode_id, decode_optional_id
from ..base.mutations import UNSET, enum_value, errors_field, is_set, performed_mutation
from .types import MemberType, OpenToEnum

ProfileVisibilityEnum = choices_enum(
    ProfileVisibility, name="ProfileVisibility", description="Who may see a profile."
)
FieldVisibilityEnum = choices_enum(
    FieldVisibility, name="FieldVisibility", description="Who may see one sensitive field."
)


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
        default=None,
        description="Company name when it has no page. "
        + limit_text(limits.POSITION_TEXT_MAX_LENGTH),
    )
    title: str = strawberry.field(
        description="Job title. " + limit_text(limits.POSITION_TEXT_MAX_LENGTH)
    )
    start_date: date | None = strawberry.field(default=None, description="First day.")
    end_date: date | None = strawberry.field(default=None, description="Last day.")
    is_current: bool = strawberry.field(default=False, description="Current role.")


@strawberry.input(description="One education entry; the list you send replaces yours.")
class EducationInput:
    school: str = strawberry.field(
        description="School or institution. " + limit_text(limits.EDUCATION_TEXT_MAX_LENGTH)
    )
    degree: str | None = strawberry.field(
        default=None, description="Degree. " + limit_text(limits.EDUCATION_TEXT_MAX_LENGTH)
    )
    field_of_study: str | None = strawberry.field(
        default=None, description="Field of study. " + limit_text(limits.EDUCATION_TEXT_MAX_LENGTH)
    )
    start_year: int | None = strawberry.field(
        default=None, description="Start year, between 1900 and 2100."
    )
    end_year: int | None = strawberry.field(
        default=None, description="End year, between 1900 and 2100."
    )


@strawberry.input(description="One link; the list you send replaces yours.")
class LinkInput:
    label: str = strawberry.field(description="Label. " + limit_text(limits.LINK_LABEL_MAX_LENGTH))
    url: str = strawberry.field(
        description="URL (http or https). " + limit_text(limits.URL_MAX_LENGTH)
    )


@strawberry.input(
    description="The centre of the part of a photo to keep when it is cropped to a square, "
    "as fractions of its width and height."
)
class FocalPointInput:
    x: float = strawberry.field(description="From the left edge: 0 (left) to 1 (right).")
    y: float = strawberry.field(description="From the top edge: 0 (top) to 1 (bottom).")


@strawberry.input(
    description="Create your member profile (when you have none) or change it. Only the "
    "fields you send change."
)
class UpdateMyProfileInput:
    name: str | None = strawberry.field(
        default=UNSET,
        description="The name shown on your profile; required when you join (it is never "
        "taken from your username or e-mail address). " + limit_text(limits.NAME_MAX_LENGTH),
    )
    headline: str | None = strawberry.field(
        default=UNSET, description="Headline. " + limit_text(limits.HEADLINE_MAX_LENGTH)
    )
    bio: str | None = strawberry.field(
        default=UNSET,
        description="About you (plain text). " + limit_text(limits.LONG_TEXT_MAX_LENGTH),
    )
    city: str | None = strawberry.field(
        default=UNSET, description="City. " + limit_text(limits.PLACE_MAX_LENGTH)
    )
    country: str | None = strawberry.field(
        default=UNSET, description="Country. " + limit_text(limits.PLACE_MAX_LENGTH)
    )
    languages: list[str] | None = strawberry.field(
        default=UNSET,
        description="Languages. "
        + limit_items(limits.LANGUAGE_MAX_ITEMS, limits.LANGUAGE_MAX_LENGTH)
        + f" Stored comma-separated in at most {limits.LANGUAGES_MAX_LENGTH} characters.",
    )
    contact_email: str | None = strawberry.field(
        default=UNSET, description="Contact e-mail. " + limit_text(limits.EMAIL_MAX_LENGTH)
    )
    contact_phone: str | None = strawberry.field(
        default=UNSET, description="Contact phone. " + limit_text(limits.PHONE_MAX_LENGTH)
    )
    industry_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Global ID of your industry (null clears it)."
    )
    skill_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET,
        description="Global IDs of the skills you list (replaces the list). "
        + limit_items(limits.ID_LIST_MAX_ITEMS),
    )
    new_skills: list[str] | None = strawberry.field(
        default=UNSET,
        description="Skills to add to your list by name. A name the vocabulary does not hold "
        "is created, or suggested to the editors and listed once they accept it (the site's "
        "setting NEW_SKILLS). " + limit_items(limits.ID_LIST_MAX_ITEMS, limits.TAG_MAX_LENGTH),
    )
    interests: list[str] | None = strawberry.field(
        default=UNSET,
        description="Interests. " + limit_items(limits.TAG_MAX_ITEMS, limits.TAG_MAX_LENGTH),
    )
    open_to: list[OpenToEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=UNSET,
        description="What you are open to (replaces the list). "
        + limit_items(limits.FILTER_MAX_ITEMS),
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
        default=UNSET,
        description="Your positions (replaces the list). "
        + limit_items(limits.POSITIONS_MAX_ITEMS),
    )
    education: list[EducationInput] | None = strawberry.field(
        default=UNSET,
        description="Your education (replaces the list). "
        + limit_items(limits.EDUCATION_MAX_ITEMS),
    )
    links: list[LinkInput] | None = strawberry.field(
        default=UNSET,
        description="Your links (replaces the list). " + limit_items(limits.LINKS_MAX_ITEMS),
    )
    photo: Upload | None = strawberry.field(
        default=UNSET,
        description="Your profile photo, sent as a GraphQL multipart request (the file's "
        "part named in the request's map); null removes it. An image in one of the site's "
        "formats (WAGTAILIMAGES_EXTENSIONS, not SVG) and within its size limits "
        "(WAGTAILIMAGES_MAX_UPLOAD_SIZE, WAGTAILIMAGES_MAX_IMAGE_PIXELS); otherwise the "
        "error VALIDATION with the field photo.",
    )
    photo_focal_point: FocalPointInput | None = strawberry.field(
        default=UNSET,
        description="Where to centre the square crops of your photo (with a new photo, or "
        "alone to move the focal point of your current one); null centres them.",
    )


@strawberry.type(description="Your profile after the change.")
class UpdateMyProfilePayload:
    member: MemberType | None = strawberry.field(default=None, description="Your profile.")
    errors: list[MutationError] = errors_field()


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


#: Most items of each list input (:mod:`wagtail_network.limits`).
LIST_LIMITS = {
    "skill_ids": limits.ID_LIST_MAX_ITEMS,
    "new_skills": limits.ID_LIST_MAX_ITEMS,
    "interests": limits.TAG_MAX_ITEMS,
    "open_to": limits.FILTER_MAX_ITEMS,
    "positions": limits.POSITIONS_MAX_ITEMS,
    "education": limits.EDUCATION_MAX_ITEMS,
    "links": limits.LINKS_MAX_ITEMS,
}


def profile_fields(input: UpdateMyProfileInput) -> dict[str, Any]:
    """The service-layer keyword arguments for the fields the client sent."""
    fields: dict[str, Any] = {}
    for attr, key in PROFILE_SCALARS.items():
        value = getattr(input, attr)
        if is_set(value):
            fields[key] = enum_value(value)
    for key in PROFILE_SCALARS:
        if key.endswith("_visibility") and fields.get(key, "") is None:
            raise NetworkError(ErrorCode.VALIDATION, field=key)
    # List sizes are checked before any id in them is decoded (and again by the
    # service, which the site's forms call too).
    for attr, max_items in LIST_LIMITS.items():
        value = getattr(input, attr)
        if is_set(value):
            check_list(value, max_items, attr)
    if is_set(input.languages):
        languages = check_texts(
            input.languages, limits.LANGUAGE_MAX_ITEMS, limits.LANGUAGE_MAX_LENGTH, "languages"
        )
        fields["languages"] = ", ".join(languages)
    if is_set(input.industry_id):
        fields["industry"] = decode_optional_id(input.industry_id, "Industry", "industryId")
    if is_set(input.skill_ids):
        fields["skills"] = [
            decode_id(value, "Skill", f"skillIds.{i}")
            for i, value in enumerate(input.skill_ids or [])
        ]
    if is_set(input.new_skills):
        fields["add_skills"] = check_texts(
            input.new_skills or [], limits.ID_LIST_MAX_ITEMS, limits.TAG_MAX_LENGTH, "newSkills"
        )
    if is_set(input.open_to):
        fields["open_to"] = [enum_value(v) for v in input.open_to or []]
    if is_set(input.positions):
        rows = []
        for i, p in enumerate(input.positions or []):
            row: dict[str, Any] = {
                "title": p.title,
                "company_name": p.company_name or "",
                "start_date": p.start_date,
                "end_date": p.end_date,
                "is_current": p.is_current,
                "company": (
                    decode_id(p.company_id, "Company", f"positions.{i}.companyId")
                    if p.company_id
                    else None
                ),
            }
            if p.id:
                row["id"] = decode_id(p.id, "Position", f"positions.{i}.id")
            rows.append(row)
        fields["positions"] = rows
    if is_set(input.education):
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
    if is_set(input.links):
        fields["links"] = [{"label": link.label, "url": link.url} for link in input.links or []]
    # Last, so that the service stores a new photo's file only after every other
    # field was applied (a file written before a refusal would outlive the rollback).
    if is_set(input.photo):
        fields["photo"] = input.photo
    if is_set(input.photo_focal_point):
        point = input.photo_focal_point
        if point is not None:
            for name in ("x", "y"):
                value = getattr(point, name)
                if not 0 <= value <= 1:
                    raise NetworkError(
                        ErrorCode.VALIDATION,
                        _("Give a number from 0 to 1."),
                        field=f"photoFocalPoint.{name}",
                    )
        fields["photo_focal_point"] = (point.x, point.y) if point is not None else None
    return fields


@strawberry.type
class MemberMutations:
    @performed_mutation(
        UpdateMyProfileInput,
        UpdateMyProfilePayload,
        "Create your member profile (joining the network) or change it. Each "
        "change is a revision of your profile page. A photo is sent as a GraphQL multipart "
        "request (docs/reference). Errors: VALIDATION (with the field), "
        "NOT_FOUND (an unknown company/skill/industry id), UNAUTHENTICATED.",
    )
    @staticmethod
    def update_my_profile(user, input):
        member = services.update_my_profile(user, **profile_fields(input))
        return UpdateMyProfilePayload(member=member)


__all__ = ["MemberMutations", "profile_fields"]
