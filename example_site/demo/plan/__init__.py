"""What the demo network holds, planned in memory before anything is written.

:func:`plan_network` turns a seed, the sizes and the moment taken as "now" into a
:class:`DemoPlan` of plain records (:mod:`.records`), without touching the
database: the same arguments give the same plan on any database.
:mod:`example_site.demo.write` then turns the plan into rows.

* :mod:`.people`: companies, members and their careers, accounts, verifications.
* :mod:`.network`: connections and their history, blocks, endorsements,
  recommendations, follows, company relationships, reports.
* :mod:`.chance`: the one seeded generator all of them draw from, in a fixed order.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from wagtail_network.models import ConnectionState

from . import network, people
from .chance import WINDOW_DAYS, Chance
from .records import (
    BlockPlan,
    CompanyPlan,
    CompanyRelationshipPlan,
    ConnectionPlan,
    DemoPlan,
    EndorsementPlan,
    FollowPlan,
    MemberPlan,
    PositionPlan,
    RecommendationPlan,
    ReportPlan,
)

#: The companies the demo's "companyadmin" account manages (indices into companies).
ADMIN_COMPANIES = (0, 1)


def plan_network(
    *,
    members: int,
    companies: int,
    seed: int,
    now: datetime,
    skill_names: Mapping[str, str] | None = None,
) -> DemoPlan:
    """The demo network for ``seed``: ``members`` profiles and ``companies`` companies,
    with six months of history ending at ``now``.

    ``skill_names`` maps a skill of the word lists to the spelling the site's
    vocabulary already has for it (an editor's term with the same slug), for texts
    that name a skill.
    """
    chance = Chance(seed, now)
    # The steps draw from one generator: their order is part of what a seed means.
    company_plans = people.plan_companies(chance, companies)
    member_plans = people.plan_members(chance, members, company_plans)
    people.plan_accounts(chance, member_plans)
    admin_companies = [i for i in ADMIN_COMPANIES if i < len(company_plans)]
    people.plan_verifications(chance, member_plans, company_plans, admin_companies)
    graph = network.plan_graph(chance, member_plans)
    connections, blocks = network.plan_connections(chance, member_plans, graph)
    endorsements, recommendations = network.plan_endorsements_and_recommendations(
        chance,
        member_plans,
        [c for c in connections if c.state == ConnectionState.ACCEPTED],
        skill_names or {},
    )
    follows = network.plan_follows(chance, member_plans, company_plans)
    company_relationships = network.plan_company_relationships(chance, company_plans)
    reports = network.plan_reports(chance, member_plans, endorsements, recommendations)
    former_colleagues = network.plan_former_colleagues(
        chance, member_plans, company_plans, connections, blocks
    )
    return DemoPlan(
        companies=company_plans,
        members=member_plans,
        admin_companies=admin_companies,
        connections=connections,
        blocks=blocks,
        endorsements=endorsements,
        recommendations=recommendations,
        follows=follows,
        company_relationships=company_relationships,
        reports=reports,
        former_colleagues=former_colleagues,
    )


__all__ = [
    "WINDOW_DAYS",
    "BlockPlan",
    "CompanyPlan",
    "CompanyRelationshipPlan",
    "ConnectionPlan",
    "DemoPlan",
    "EndorsementPlan",
    "FollowPlan",
    "MemberPlan",
    "PositionPlan",
    "RecommendationPlan",
    "ReportPlan",
    "plan_network",
]
