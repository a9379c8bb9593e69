from .choices import *  # noqa: F403
from .network import (
    Block,
    CompanyRelationship,
    Connection,
    ConnectionEdge,
    ConnectionEvent,
    Endorsement,
    Follow,
    Recommendation,
    Report,
)
from .pages import (
    CompanyIndexPage,
    CompanyPage,
    CompanySpeciality,
    Education,
    MemberIndexPage,
    MemberInterest,
    MemberLink,
    MemberPage,
    Position,
)
from .search import ProfileSearchEntry
from .vocab import Industry, Skill

__all__ = [
    "Block",
    "CompanyIndexPage",
    "CompanyPage",
    "CompanyRelationship",
    "CompanySpeciality",
    "Connection",
    "ConnectionEdge",
    "ConnectionEvent",
    "Education",
    "Endorsement",
    "Follow",
    "Industry",
    "MemberIndexPage",
    "MemberInterest",
    "MemberLink",
    "MemberPage",
    "Position",
    "ProfileSearchEntry",
    "Recommendation",
    "Report",
    "Skill",
]
