"""The demo plan (`example_site.demo.plan`): pure data, determined by its arguments."""

from __future__ import annotations

import datetime as dt

import pytest

from example_site.demo.plan import plan_network

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def plan(seed: int = 7):
    return plan_network(members=40, companies=6, seed=seed, now=NOW)


def test_the_same_seed_plans_the_same_network() -> None:
    assert plan(7) == plan(7)
    assert plan(7) != plan(8)


@pytest.mark.django_db
def test_planning_reads_and_writes_no_database(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        plan(7)


def test_plan_records_point_at_each_other_by_index() -> None:
    network = plan(7)
    members, companies = range(len(network.members)), range(len(network.companies))
    for connection in network.connections:
        assert {connection.requester, connection.recipient} <= set(members)
        assert connection.requester != connection.recipient
    for position in (p for m in network.members for p in m.positions):
        assert position.company is None or position.company in companies
    for endorsement in network.endorsements:
        assert endorsement.skill in network.members[endorsement.member].skills
    for follow in network.follows:
        assert follow.member in members and follow.company in companies
    assert network.admin_companies == [0, 1]
    assert {m.role for m in network.members} == {None, "anna", "bram"}


def test_every_moment_falls_in_the_window_ending_now() -> None:
    network = plan(7)
    moments = [c.created_at for c in network.connections]
    moments += [e.created_at for e in network.endorsements]
    moments += [f.created_at for f in network.follows]
    assert all(NOW - dt.timedelta(days=183) <= m <= NOW for m in moments)


def test_the_demo_members_have_a_former_colleague_who_knows_the_same_people() -> None:
    """A suggestion near the top of People you may know gives a company as a reason:
    someone unconnected who worked at the demo member's company, with people in common."""
    network = plan_network(members=420, companies=48, seed=2026, now=NOW)
    neighbours: dict[int, set[int]] = {}
    for c in network.connections:
        if c.state == "accepted":
            neighbours.setdefault(c.requester, set()).add(c.recipient)
            neighbours.setdefault(c.recipient, set()).add(c.requester)
    roles = {network.members[member].role for member, _ in network.former_colleagues}
    assert roles == {"anna", "bram"}
    for member, colleague in network.former_colleagues:
        current = next(p for p in network.members[member].positions if p.is_current)
        assert colleague not in neighbours.get(member, set())
        assert neighbours.get(member, set()) & neighbours.get(colleague, set())
        assert any(
            p.company == current.company and not p.is_current
            for p in network.members[colleague].positions
        )
