"""Planning the network between the demo's people: connections, blocks, endorsements,
recommendations, follows, company relationships and reports.

Connections grow by preferential attachment in join order (the chance of being
picked grows a little faster than the degree), plus "friend of a friend" links made
later: a few hubs with 100+ connections at the default size, most members with a
handful, and real mutual connections. Every connection carries its history
(invited, accepted; or ignored, withdrawn, removed). Endorsements are only between
connections and only for listed skills.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from wagtail_network.models import (
    CompanyRelationshipKind,
    ConnectionState,
    FieldVisibility,
    ProfileVisibility,
    RecommendationRelationship,
    RecommendationState,
    ReportReason,
    ReportState,
)

from .. import data
from .chance import Chance
from .records import (
    BlockPlan,
    CompanyPlan,
    CompanyRelationshipPlan,
    ConnectionPlan,
    EndorsementPlan,
    FollowPlan,
    MemberPlan,
    PositionPlan,
    RecommendationPlan,
    ReportPlan,
)


def plan_graph(chance: Chance, members: list[MemberPlan]) -> dict[str, Any]:
    """Pairs (by member index, join order) for every connection state, and blocks."""
    rng = chance.rng
    active = [i for i, m in enumerate(members) if m.live]
    joined = [m.joined for m in members]
    degree: Counter[int] = Counter()
    adjacency: dict[int, set[int]] = {i: set() for i in active}
    accepted: dict[tuple[int, int], dict] = {}

    def connect(a: int, b: int, at: datetime, requester: int) -> bool:
        key = (min(a, b), max(a, b))
        if a == b or key in accepted:
            return False
        responded = chance.soon_after(at, 5)
        accepted[key] = {"requester": requester, "created_at": at, "responded_at": responded}
        adjacency[a].add(b)
        adjacency[b].add(a)
        degree[a] += 1
        degree[b] += 1
        return True

    # Preferential attachment in join order: a newcomer invites a few earlier
    # members, each picked with weight (degree + 1) ** 1.4 (superlinear, so a few
    # early members become hubs).
    for position, i in enumerate(active):
        if position == 0:
            continue
        earlier = active[:position]
        wanted = min(
            len(earlier),
            rng.choices([1, 2, 3, 4, 5, 6, 8, 12, 20], [20, 22, 18, 12, 8, 7, 6, 4, 3])[0],
        )
        cumulative = list(accumulate((degree[j] + 1) ** 1.4 for j in earlier))
        picked: dict[int, None] = {}  # insertion-ordered set: draw order kept
        for _ in range(4):  # a few rounds of draws; repeats are simply skipped
            for j in rng.choices(earlier, cum_weights=cumulative, k=wanted):
                picked.setdefault(j)
            if len(picked) >= wanted:
                break
        for j in list(picked)[:wanted]:
            connect(i, j, chance.soon_after(joined[i], 10), requester=i)

    # Friend-of-a-friend links made later on: mutual connections mean something.
    target = len(accepted) * 35 // 100
    made = attempts = 0
    while made < target and attempts < target * 20:
        attempts += 1
        a = rng.choice(active)
        if not adjacency[a]:
            continue
        b = rng.choice(sorted(adjacency[a]))
        c = rng.choice(sorted(adjacency[b]))
        at = chance.between(max(joined[a], joined[c]))
        if connect(a, c, at, requester=rng.choice([a, c])):
            made += 1

    def free_pair(a: int | None = None, b: int | None = None) -> tuple[int, int] | None:
        for _ in range(200):
            x = a if a is not None else rng.choice(active)
            y = b if b is not None else rng.choice(active)
            key = (min(x, y), max(x, y))
            if x != y and key not in taken:
                taken.add(key)
                return x, y
        return None

    def invitations(count: int, recent_days: float, **fixed) -> list[dict]:
        found = []
        for _ in range(count):
            pair = free_pair(fixed.get("requester"), fixed.get("recipient"))
            if pair is None:
                break
            requester, recipient = pair
            earliest = max(
                joined[requester], joined[recipient], chance.now - timedelta(days=recent_days)
            )
            found.append(
                {
                    "requester": requester,
                    "recipient": recipient,
                    "created_at": chance.between(earliest),
                }
            )
        return found

    roles_at = {m.role: i for i, m in enumerate(members) if m.role}
    anna, bram = roles_at["anna"], roles_at["bram"]
    if (min(anna, bram), max(anna, bram)) not in accepted:
        connect(bram, anna, chance.between(max(joined[anna], joined[bram])), requester=bram)
    # Anna is a well-connected member (her lists have something to page through)
    # without being one of the hubs.
    target_degree = min(24, len(active) // 3)
    for _ in range(200):
        if degree[anna] >= target_degree:
            break
        other = rng.choice(active)
        connect(other, anna, chance.between(max(joined[anna], joined[other])), requester=other)
    # A few of Anna's connections know Bram too: mutual connections to look at.
    for friend in rng.sample(sorted(adjacency[anna] - {bram}), min(3, len(adjacency[anna]) - 1)):
        connect(bram, friend, chance.between(max(joined[bram], joined[friend])), requester=bram)

    # Every pair with a live relation from here on is taken for invitations and blocks.
    taken = set(accepted)
    scale = max(1, len(accepted) // 100)
    pending = (
        invitations(3, 21, recipient=anna)
        + invitations(2, 21, requester=anna)
        + invitations(2, 21, recipient=bram)
        + invitations(1, 21, requester=bram)
        + invitations(2 * scale, 30)
    )
    ignored = invitations(1, 60, recipient=anna) + invitations(scale, 90)
    withdrawn = invitations(scale, 120)
    removed = invitations(scale // 2 + 1, 150)

    # Blocks between members with no live relation; Bram has blocked one member.
    blocks = []
    for pair in [free_pair(a=bram)] + [free_pair() for _ in range(max(2, scale // 6))]:
        if pair and anna not in pair and (pair[0] != bram or pair[1] != anna):
            blocks.append({"blocker": pair[0], "blocked": pair[1]})

    return {
        "accepted": accepted,
        "pending": pending,
        "ignored": ignored,
        "withdrawn": withdrawn,
        "removed": removed,
        "blocks": blocks,
        "degree": degree,
    }


def plan_connections(
    chance: Chance, members: list[MemberPlan], graph: dict[str, Any]
) -> tuple[list[ConnectionPlan], list[BlockPlan]]:
    """Each pair of the graph as a connection with its history (accepted ones first,
    in pair order), and the blocks."""
    rng = chance.rng
    connections = []
    for (a, b), info in sorted(graph["accepted"].items()):
        requester = info["requester"]
        recipient = b if requester == a else a
        connections.append(
            ConnectionPlan(
                requester,
                recipient,
                ConnectionState.ACCEPTED,
                created_at=info["created_at"],
                responded_at=info["responded_at"],
                events=[
                    (requester, ConnectionState.PENDING, info["created_at"]),
                    (recipient, ConnectionState.ACCEPTED, info["responded_at"]),
                ],
            )
        )
    for invite in graph["pending"]:
        requester, recipient, created = (
            invite["requester"],
            invite["recipient"],
            invite["created_at"],
        )
        # The demo members' invitations always carry a note (My network shows it);
        # one draw either way, so the rest of the network stays the same.
        notes = data.INVITATION_MESSAGES
        if members[requester].role or members[recipient].role:
            notes = [note for note in notes if note]
        message = rng.choice(notes).format(first=members[recipient].first_name, skill="Wagtail")
        connections.append(
            ConnectionPlan(
                requester,
                recipient,
                ConnectionState.PENDING,
                created_at=created,
                message=message,
                events=[(requester, ConnectionState.PENDING, created)],
            )
        )
    for invite in graph["ignored"]:
        requester, recipient, created = (
            invite["requester"],
            invite["recipient"],
            invite["created_at"],
        )
        responded = chance.soon_after(created, 7)
        connections.append(
            ConnectionPlan(
                requester,
                recipient,
                ConnectionState.IGNORED,
                created_at=created,
                responded_at=responded,
                events=[
                    (requester, ConnectionState.PENDING, created),
                    (recipient, ConnectionState.IGNORED, responded),
                ],
            )
        )
    for invite in graph["withdrawn"]:
        requester, recipient, created = (
            invite["requester"],
            invite["recipient"],
            invite["created_at"],
        )
        ended = chance.soon_after(created, 20)
        connections.append(
            ConnectionPlan(
                requester,
                recipient,
                ConnectionState.WITHDRAWN,
                created_at=created,
                ended_at=ended,
                events=[
                    (requester, ConnectionState.PENDING, created),
                    (requester, ConnectionState.WITHDRAWN, ended),
                ],
            )
        )
    for invite in graph["removed"]:
        requester, recipient, created = (
            invite["requester"],
            invite["recipient"],
            invite["created_at"],
        )
        responded = chance.soon_after(created, 5)
        ended = chance.soon_after(responded, 60)
        remover = rng.choice([requester, recipient])
        connections.append(
            ConnectionPlan(
                requester,
                recipient,
                ConnectionState.REMOVED,
                created_at=created,
                responded_at=responded,
                ended_at=ended,
                events=[
                    (requester, ConnectionState.PENDING, created),
                    (recipient, ConnectionState.ACCEPTED, responded),
                    (remover, ConnectionState.REMOVED, ended),
                ],
            )
        )
    blocks = [
        BlockPlan(b["blocker"], b["blocked"], chance.between(chance.now - timedelta(days=60)))
        for b in graph["blocks"]
    ]
    return connections, blocks


def plan_endorsements_and_recommendations(
    chance: Chance,
    members: list[MemberPlan],
    accepted: list[ConnectionPlan],
    skill_names: Mapping[str, str],
) -> tuple[list[EndorsementPlan], list[RecommendationPlan]]:
    """Endorsements and recommendations, each between the two ends of a connection."""
    rng = chance.rng
    endorsements: dict[tuple[int, int, str], EndorsementPlan] = {}
    recommendations: dict[tuple[int, int], RecommendationPlan] = {}
    roles_at = {m.role: i for i, m in enumerate(members) if m.role}
    anna, bram = roles_at.get("anna"), roles_at.get("bram")
    for connection in accepted:
        low, high = sorted((connection.requester, connection.recipient))
        for endorser, member in ((low, high), (high, low)):
            target = members[member]
            likely = 0.35 + (0.4 if anna in (endorser, member) else 0)
            if target.skills and rng.random() < likely:
                for skill in rng.sample(target.skills, min(len(target.skills), rng.randint(1, 3))):
                    endorsements[(endorser, member, skill)] = EndorsementPlan(
                        endorser=endorser,
                        member=member,
                        skill=skill,
                        is_hidden=rng.random() < 0.02,
                        created_at=chance.between(connection.responded_at),
                    )
            if rng.random() < 0.05 or (member == anna and endorser == bram):
                recommendations[(endorser, member)] = _recommendation(
                    chance, endorser, member, target, connection, skill_names
                )
    # Anna and Bram each have a recommendation waiting for their answer (Bram's from
    # his first connection other than Anna, written when chance gave him none).
    for role_member in (anna, bram):
        if role_member is None:
            continue
        waiting = [r for (_author, m), r in recommendations.items() if m == role_member]
        if not waiting:
            connection = next(
                (
                    c
                    for c in accepted
                    if role_member in (c.requester, c.recipient)
                    and (bram if role_member == anna else anna) not in (c.requester, c.recipient)
                ),
                None,
            )
            if connection is None:
                continue
            author = (
                connection.recipient
                if connection.requester == role_member
                else connection.requester
            )
            recommendations[(author, role_member)] = _recommendation(
                chance, author, role_member, members[role_member], connection, skill_names
            )
            waiting = [recommendations[(author, role_member)]]
        waiting[-1].state = RecommendationState.PENDING_RECIPIENT
        waiting[-1].responded_at = None
    return list(endorsements.values()), list(recommendations.values())


def _recommendation(
    chance: Chance,
    author: int,
    member: int,
    target: MemberPlan,
    connection: ConnectionPlan,
    skill_names: Mapping[str, str],
) -> RecommendationPlan:
    rng = chance.rng
    created = chance.between(connection.responded_at)
    state = chance.weighted(
        (
            (RecommendationState.PUBLISHED, 80),
            (RecommendationState.PENDING_RECIPIENT, 15),
            (RecommendationState.DECLINED, 5),
        )
    )
    responded = None
    if state != RecommendationState.PENDING_RECIPIENT:
        responded = chance.soon_after(created, 10)
    skill_name = "teamwork"
    if target.skills:
        skill = rng.choice(target.skills)
        skill_name = skill_names.get(skill, skill)
    return RecommendationPlan(
        author=author,
        member=member,
        relationship=rng.choice(RecommendationRelationship.values),
        text=rng.choice(data.RECOMMENDATION_TEXTS).format(
            first=target.first_name, skill=skill_name
        ),
        state=state,
        created_at=created,
        responded_at=responded,
    )


def plan_follows(
    chance: Chance, members: list[MemberPlan], companies: list[CompanyPlan]
) -> list[FollowPlan]:
    """Live members follow their current employer (mostly) and a few popular companies."""
    rng = chance.rng
    company_ids = range(len(companies))
    popularity = [data.SIZE_PULL[c.page["size_range"]] + 1 for c in companies]
    follows: dict[tuple[int, int], FollowPlan] = {}
    for index, member in enumerate(members):
        if not member.live:
            continue
        # In the order picked (a dict as an ordered set), so the moments drawn below
        # do not depend on how a set happens to order the companies.
        chosen: dict[int, None] = {}
        current = [p.company for p in member.positions if p.is_current]
        if current and current[0] is not None and rng.random() < 0.85:
            chosen[current[0]] = None
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 5])):
            chosen[rng.choices(company_ids, popularity)[0]] = None
        for company in chosen:
            earliest = max(member.joined, companies[company].page["first_published_at"])
            follows[(index, company)] = FollowPlan(index, company, chance.between(earliest))
    return list(follows.values())


def plan_company_relationships(
    chance: Chance, companies: list[CompanyPlan]
) -> list[CompanyRelationshipPlan]:
    """Partnerships, suppliers and the like, confirmed by one side, both or an editor."""
    rng = chance.rng
    rows: dict[tuple[int, int, str], CompanyRelationshipPlan] = {}
    for index, company in enumerate(companies):
        if len(companies) < 2 or rng.random() > 0.7:
            continue
        other = rng.choice([i for i in range(len(companies)) if i != index])
        kind = rng.choice(CompanyRelationshipKind.values)
        confirmation = chance.weighted((("both", 50), ("editor", 20), ("one", 30)))
        rows[(index, other, kind)] = CompanyRelationshipPlan(
            from_company=index,
            to_company=other,
            kind=kind,
            confirmed_by_from=confirmation in ("both", "one"),
            confirmed_by_to=confirmation == "both",
            confirmed_by_editor=confirmation == "editor",
            created_at=chance.between(
                max(
                    company.page["first_published_at"],
                    companies[other].page["first_published_at"],
                )
            ),
        )
    return list(rows.values())


def plan_reports(
    chance: Chance,
    members: list[MemberPlan],
    endorsements: list[EndorsementPlan],
    recommendations: list[RecommendationPlan],
) -> list[ReportPlan]:
    """A few reports for the moderators: open ones and one already resolved."""
    rng = chance.rng
    now = chance.now
    live = [i for i, m in enumerate(members) if m.live and not m.role]
    reports = []
    if len(live) >= 3:
        reporter, target = rng.sample(live, 2)
        reports.append(
            ReportPlan(
                reporter=reporter,
                target_member=target,
                reason=ReportReason.FAKE,
                details=data.REPORT_DETAILS["fake"],
                created_at=chance.between(now - timedelta(days=10)),
            )
        )
        reporter, target = rng.sample(live, 2)
        created = chance.between(now - timedelta(days=90), now - timedelta(days=30))
        reports.append(
            ReportPlan(
                reporter=reporter,
                target_member=target,
                reason=ReportReason.INAPPROPRIATE,
                details=data.REPORT_DETAILS["inappropriate"],
                state=ReportState.RESOLVED,
                created_at=created,
                handled_at=chance.soon_after(created, 3),
                handled_by="moderator",
                resolution_note="Headline changed after a message from the moderators.",
            )
        )
    published = [
        i for i, r in enumerate(recommendations) if r.state == RecommendationState.PUBLISHED
    ]
    if published:
        index = rng.choice(published)
        reports.append(
            ReportPlan(
                reporter=recommendations[index].member,
                target_recommendation=index,
                reason=ReportReason.SPAM,
                details=data.REPORT_DETAILS["spam"],
                created_at=chance.between(recommendations[index].created_at),
            )
        )
    if endorsements:
        index = rng.choice(range(len(endorsements)))
        reports.append(
            ReportPlan(
                reporter=endorsements[index].member,
                target_endorsement=index,
                reason=ReportReason.OTHER,
                details="I never worked with this person.",
                created_at=chance.between(endorsements[index].created_at),
            )
        )
    return reports


def plan_former_colleagues(
    chance: Chance,
    members: list[MemberPlan],
    companies: list[CompanyPlan],
    connections: list[ConnectionPlan],
    blocks: list[BlockPlan],
) -> list[tuple[int, int]]:
    """For each demo member working at a company page, one member they may know
    through that company as well: no relation between them, many connections in
    common, and a past position there shown to members. "People you may know" then
    has, near its top, a suggestion whose reasons include the company ("Both worked
    at …") besides mutual connections, skills, industry or city. Returns ``(demo
    member, former colleague)`` pairs.

    Planned last, so that the draws before it (the rest of the network) stay the same.
    """
    rng = chance.rng
    neighbours: dict[int, set[int]] = {i: set() for i in range(len(members))}
    related: set[tuple[int, int]] = set()
    for c in connections:
        if c.state == ConnectionState.ACCEPTED:
            neighbours[c.requester].add(c.recipient)
            neighbours[c.recipient].add(c.requester)
        related.add((min(c.requester, c.recipient), max(c.requester, c.recipient)))
    related.update((min(b.blocker, b.blocked), max(b.blocker, b.blocked)) for b in blocks)
    pairs = []
    for index, member in enumerate(members):
        current = next((p for p in member.positions if p.is_current), None)
        if not member.role or current is None or current.company is None:
            continue
        candidates = [
            i
            for i, m in enumerate(members)
            if m.live
            and not m.role
            and m.own_account
            and i != index
            and i not in neighbours[index]
            and (min(index, i), max(index, i)) not in related
            and all(p.company != current.company for p in m.positions)
        ]
        if not candidates:
            continue
        # Among those with the most connections in common (former colleagues know the
        # same people), so that the suggestion is near the top of People you may know,
        # with "Both worked at …" beside its mutual connections.
        mutual = {i: len(neighbours[i] & neighbours[index]) for i in candidates}
        candidates = sorted(candidates, key=lambda i: (-mutual[i], i))[:3]
        chosen = rng.choice(candidates)
        colleague = members[chosen]
        earliest = min(p.start_date for p in colleague.positions) if colleague.positions else None
        end = (earliest or chance.now.date()) - timedelta(days=rng.randint(30, 400))
        colleague.positions.append(
            PositionPlan(
                company=current.company,
                company_name="",
                title=rng.choice(data.INDUSTRIES[companies[current.company].industry_index].titles),
                start_date=end - timedelta(days=rng.randint(365, 365 * 4)),
                end_date=end,
                is_current=False,
            )
        )
        # A reason is only given from what the viewer may see.
        colleague.page["positions_visibility"] = FieldVisibility.PUBLIC
        if colleague.page["profile_visibility"] == ProfileVisibility.CONNECTIONS:
            colleague.page["profile_visibility"] = ProfileVisibility.MEMBERS
        pairs.append((index, chosen))
    return pairs
