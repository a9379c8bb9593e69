"""The ``member`` and ``members`` root fields."""

from __future__ import annotations

import strawberry

from wagtail_network import visibility
from wagtail_network.filters import filter_members

from ..base.directory import by_slug_field, directory_field
from .filters import MemberFilter, MemberOrdering
from .types import MemberType


@strawberry.type
class MemberQuery:
    member = by_slug_field(
        MemberType,
        visibility.members_visible_to,
        "One member by slug; null when missing or not visible.",
        "The profile's URL slug.",
    )
    members = directory_field(
        MemberType,
        MemberFilter,
        MemberOrdering,
        "Words to find in names, headlines, bios, places, skills and interests.",
        filter_members,
        "The member directory: only members the viewer may see; filters, "
        "search and ordering act on what the viewer may see.",
        lists=("open_to",),
    )


__all__ = ["MemberQuery"]
