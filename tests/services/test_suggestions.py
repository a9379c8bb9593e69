"""``graph.suggestions``: people you may know, with the reasons for each, from what
the viewer may see, in a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.factories import IndustryFactory, PositionFactory, SkillFactory, connect
from wagtail_network import graph, services
from wagtail_network.models import Block

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(make_member):
    """A member with no place (factories put everyone in Amsterdam)."""

    def make(title: str, **kwargs):
        kwargs.setdefault("city", "")
        kwargs.setdefault("country", "")
        return make_member(title=title, **kwargs)

    return make


def by_name(suggestions) -> dict[str, list[tuple[str, int | None, str]]]:
    return {s.member.title: [(r.kind, r.count, r.label) for r in s.reasons] for s in suggestions}


def with_skills(member, *skills):
    member.skills.set(skills)
    member.save()


def test_mutual_connections_are_a_reason_with_the_count(person):
    me, a, b, s = (person(n) for n in ("Me", "A", "B", "S"))
    for friend in (a, b):
        connect(me, friend)
        connect(friend, s)
    [suggestion] = graph.suggestions(me.user)
    assert suggestion.member.pk == s.pk and suggestion.mutual_count == 2
    assert by_name([suggestion]) == {"S": [("mutual_connections", 2, "2 mutual connections")]}


def test_one_mutual_connection_reads_singular(person):
    me, a, s = (person(n) for n in ("Me", "A", "S"))
    connect(me, a)
    connect(a, s)
    assert by_name(graph.suggestions(me.user))["S"] == [
        ("mutual_connections", 1, "1 mutual connection")
    ]


def test_shared_skills_interests_industry_place_and_open_to_are_reasons(person):
    software = IndustryFactory(name="Software")
    python, django = SkillFactory(name="Python"), SkillFactory(name="Django")
    me = person("Me", industry=software, city="Amsterdam", country="Netherlands")
    me.open_to_mentoring = True
    me.save()
    other = person("Other", industry=software, city="amsterdam ", country="Netherlands")
    other.open_to_mentoring = True
    other.save()
    with_skills(me, python, django)
    with_skills(other, python, django)
    me.interests.add("chess")
    me.save()
    other.interests.add("chess")
    other.save()
    assert by_name(graph.suggestions(me.user))["Other"] == [
        ("skills", 2, "Shares 2 skills"),
        ("industry", None, "Same industry: Software"),
        ("location", None, "Also in amsterdam"),
        ("interests", 1, "Shares 1 interest"),
        ("open_to", 1, "Also open to mentoring"),
    ]


def test_a_shared_current_company_reads_both_work_at(person, company):
    me, other = person("Me"), person("Other")
    PositionFactory(member=me, company=company, is_current=True)
    PositionFactory(member=other, company=company, is_current=True)
    [suggestion] = graph.suggestions(me.user)
    [reason] = suggestion.reasons
    assert (reason.kind, reason.label, reason.company.pk) == (
        "company",
        "Both work at Acme",
        company.pk,
    )


def test_a_company_shared_in_the_past_reads_both_worked_at(person, company):
    me, other = person("Me"), person("Other")
    PositionFactory(member=me, company=company, is_current=True)
    PositionFactory(member=other, company=company, is_current=False)
    assert by_name(graph.suggestions(me.user))["Other"] == [
        ("company", None, "Both worked at Acme")
    ]


def test_a_hidden_position_never_makes_a_company_reason(person, company):
    me = person("Me")
    hidden = person("Hidden", positions_visibility="only_me")
    PositionFactory(member=me, company=company, is_current=True)
    PositionFactory(member=hidden, company=company, is_current=True)
    assert graph.suggestions(me.user) == []


def test_mutual_connections_rank_above_a_company_and_a_company_above_skills(person, company):
    python = SkillFactory(name="Python")
    me, friend = person("Me"), person("Friend")
    second, colleague, skilled = person("Second"), person("Colleague"), person("Skilled")
    connect(me, friend)
    connect(friend, second)
    PositionFactory(member=me, company=company)
    PositionFactory(member=colleague, company=company)
    with_skills(me, python)
    with_skills(skilled, python)
    names = [s.member.title for s in graph.suggestions(me.user)]
    assert names == ["Second", "Colleague", "Skilled"]


def test_reasons_are_listed_strongest_first(person, company):
    python = SkillFactory(name="Python")
    me, friend, other = person("Me"), person("Friend"), person("Other")
    connect(me, friend)
    connect(friend, other)
    PositionFactory(member=me, company=company)
    PositionFactory(member=other, company=company)
    with_skills(me, python)
    with_skills(other, python)
    kinds = [r.kind for r in graph.suggestions(me.user)[0].reasons]
    assert kinds == ["mutual_connections", "company", "skills"]


def test_connected_invited_blocked_dismissed_hidden_and_self_never_appear(person):
    python = SkillFactory(name="Python")
    me = person("Me")
    names = ("Connected", "Invited", "Inviter", "Blocked", "Blocker", "Dismissed", "Hidden", "Ok")
    others = {n: person(n) for n in names}
    others["Hidden"].profile_visibility = "connections"
    others["Hidden"].save()
    for member in [me, *others.values()]:
        with_skills(member, python)
    connect(me, others["Connected"])
    services.request_connection(me.user, others["Invited"])
    services.request_connection(others["Inviter"].user, me)
    Block.objects.create(blocker=me, blocked=others["Blocked"])
    Block.objects.create(blocker=others["Blocker"], blocked=me)
    services.dismiss_suggestion(me.user, others["Dismissed"])
    assert [s.member.title for s in graph.suggestions(me.user)] == ["Ok"]


def test_a_profile_without_an_account_is_never_suggested(person, directories):
    from tests.factories import MemberPageFactory

    python = SkillFactory(name="Python")
    me = person("Me")
    nobody = MemberPageFactory(parent=directories[0], title="No account", city="", country="")
    with_skills(me, python)
    with_skills(nobody, python)
    assert graph.suggestions(me.user) == []


def test_no_reasons_no_suggestion(person):
    me, _stranger = person("Me"), person("Stranger")
    assert graph.suggestions(me.user) == []


def test_labels_follow_the_active_language(person):
    me, a, s = (person(n) for n in ("Me", "A", "S"))
    connect(me, a)
    connect(a, s)
    with translation.override("nl"):
        [suggestion] = graph.suggestions(me.user)
    # Dutch once the lead translates it; never empty.
    assert suggestion.reasons[0].label


def test_limit_is_respected_and_capped(person):
    python = SkillFactory(name="Python")
    me = person("Me")
    with_skills(me, python)
    for i in range(4):
        with_skills(person(f"P{i}"), python)
    assert len(graph.suggestions(me.user, limit=2)) == 2
    assert graph.suggestions(me.user, limit=0) == []


def _network(person, company, size: int):
    """A viewer with ``size`` members of each kind of suggestion."""
    python, django = SkillFactory(name="Python"), SkillFactory(name="Django")
    me, friend = person("Me"), person("Friend")
    with_skills(me, python, django)
    me.interests.add("chess")
    me.save()
    PositionFactory(member=me, company=company)
    connect(me, friend)
    for i in range(size):
        second = person(f"Second {i}")
        connect(friend, second)
        colleague = person(f"Colleague {i}")
        PositionFactory(member=colleague, company=company, is_current=bool(i % 2))
        with_skills(person(f"Skilled {i}"), python)
        fan = person(f"Fan {i}")
        fan.interests.add("chess")
        fan.save()
    return me


def test_suggestions_run_in_a_constant_number_of_queries(person, company, directories):
    def count(size):
        me = _network(person, company, size)
        with CaptureQueriesContext(db_connection) as ctx:
            result = graph.suggestions(me.user, limit=10)
            for suggestion in result:
                [r.label for r in suggestion.reasons]
                assert suggestion.member.photo is None  # selected with the member
        assert len(result) == 10
        return len(ctx.captured_queries)

    small = count(3)
    from wagtail_network.models import MemberPage

    MemberPage.objects.exclude(pk=directories[0].pk).delete()
    assert count(30) == small
