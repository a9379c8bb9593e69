"""The records a demo plan is made of: plain data, one class per kind of row.

Records point at each other by their index in :class:`DemoPlan`'s lists
(``members[i]``, ``companies[j]``), never at database rows; page records carry their
field values as a dict that :mod:`example_site.demo.write` passes to the page class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from wagtail_network.models import EndorsementState, ReportState


@dataclass
class CompanyPlan:
    """A company page."""

    page: dict[str, Any]  # CompanyPage field values, the industry aside
    industry: str  # name of its Industry term
    industry_index: int  # into data.INDUSTRIES
    specialities: list[str]

    @property
    def name(self) -> str:
        return self.page["title"]

    @property
    def slug(self) -> str:
        return self.page["slug"]


@dataclass
class PositionPlan:
    """A job in a member's career, current or past."""

    company: int | None  # a company of the plan, or None for ``company_name``
    company_name: str
    title: str
    start_date: date
    end_date: date | None
    is_current: bool
    verified_at: datetime | None = None
    verified_by: str | None = None  # the role account that verified it ("editor", ...)


@dataclass
class MemberPlan:
    """A member page with its profile parts and how its owner signs in."""

    page: dict[str, Any]  # MemberPage field values, the industry aside
    industry: str
    first_name: str
    last_name: str
    role: str | None  # "anna" or "bram": signs in with that role account
    joined: datetime
    photo: bool
    skills: list[str]  # Skill term names, sorted
    interests: list[str]
    positions: list[PositionPlan]
    education: list[dict[str, Any]]
    links: list[dict[str, str]]
    own_account: bool = False  # a site account of their own (role members use the role's)

    @property
    def name(self) -> str:
        return self.page["title"]

    @property
    def slug(self) -> str:
        return self.page["slug"]

    @property
    def live(self) -> bool:
        return self.page["live"]


@dataclass
class ConnectionPlan:
    """An invitation between two members, in its final state, with its history."""

    requester: int
    recipient: int
    state: str
    created_at: datetime
    responded_at: datetime | None = None
    ended_at: datetime | None = None
    message: str = ""
    events: list[tuple[int, str, datetime]] = field(default_factory=list)  # actor, state, at


@dataclass
class BlockPlan:
    """One member blocking another."""

    blocker: int
    blocked: int
    created_at: datetime


@dataclass
class EndorsementPlan:
    """One member endorsing a connection for one of their skills."""

    endorser: int
    member: int
    skill: str
    is_hidden: bool
    created_at: datetime
    state: str = EndorsementState.LIVE


@dataclass
class RecommendationPlan:
    """A written recommendation from one connection to the other."""

    author: int
    member: int
    relationship: str
    text: str
    state: str
    created_at: datetime
    responded_at: datetime | None


@dataclass
class FollowPlan:
    """A member following a company."""

    member: int
    company: int
    created_at: datetime


@dataclass
class CompanyRelationshipPlan:
    """A relationship of one company to another."""

    from_company: int
    to_company: int
    kind: str
    confirmed_by_from: bool
    confirmed_by_to: bool
    confirmed_by_editor: bool
    created_at: datetime


@dataclass
class ReportPlan:
    """A report for the moderators about a member, endorsement or recommendation."""

    reporter: int
    reason: str
    details: str
    created_at: datetime
    target_member: int | None = None
    target_endorsement: int | None = None  # index into DemoPlan.endorsements
    target_recommendation: int | None = None  # index into DemoPlan.recommendations
    state: str = ReportState.OPEN
    handled_at: datetime | None = None
    handled_by: str | None = None  # a role account ("moderator")
    resolution_note: str = ""


@dataclass
class DemoPlan:
    """Everything the demo network holds, as plain records."""

    companies: list[CompanyPlan]
    members: list[MemberPlan]
    admin_companies: list[int]  # managed by the "companyadmin" account
    connections: list[ConnectionPlan]  # accepted ones first
    blocks: list[BlockPlan]
    endorsements: list[EndorsementPlan]
    recommendations: list[RecommendationPlan]
    follows: list[FollowPlan]
    company_relationships: list[CompanyRelationshipPlan]
    reports: list[ReportPlan]
    #: (demo member, member they may know only through a company), by index
    former_colleagues: list[tuple[int, int]] = field(default_factory=list)
