"""The stored candidate pool of "people you may know" (``wagtail_network.suggestion_pool``):
served from the cache, never contradicting a change the viewer made or is party to,
late about others' changes by at most ``SUGGESTIONS["FRESH_FOR"]``."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.factories import SkillFactory, connect
from wagtail_network import graph, services, suggestion_pool
from wagtail_network.checks import check_installation
from wagtail_network.models import MemberPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(make_member):
    """A member with no place (factories put everyone in Amsterdam, which would
    make everyone a candidate of everyone)."""

    def make(title: str, **kwargs):
        kwargs.setdefault("city", "")
        kwargs.setdefault("country", "")
        return make_member(title=title, **kwargs)

    return make


def suggested(member) -> list[str]:
    return [s.member.title for s in graph.suggestions(member.user)]


def accepted(a, b) -> None:
    """a invites b, b accepts, through the service layer."""
    services.request_connection(a.user, b)
    services.accept_connection(b.user, a)


@pytest.fixture
def warm(person):
    """me – a – b, a – c: b and c are suggested to me, and my pool is stored."""
    me, a, b, c = (person(n) for n in ("Me", "A", "B", "C"))
    connect(me, a)
    connect(a, b)
    connect(a, c)
    assert suggested(me) == ["B", "C"]
    assert suggestion_pool.cached_pool(me.pk) is not None
    return me, a, b, c


def test_the_second_answer_is_served_from_the_stored_pool(warm):
    me, _a, _b, _c = warm
    stored = suggestion_pool.cached_pool(me.pk)
    assert suggested(me) == ["B", "C"]
    assert suggestion_pool.cached_pool(me.pk) == stored


def test_after_connecting_with_b_a_sees_b_at_degree_1_and_not_among_suggestions(warm, person):
    me, _a, b, _c = warm
    d = person("D")
    connect(b, d)  # before: b's connection d is 3 hops from me, not considered
    accepted(me, b)
    assert graph.degree(me.user, b) == 1
    names = suggested(me)
    assert "B" not in names
    # Both pools were dropped, so b's connections are considered at once.
    assert names == ["C", "D"]
    assert "Me" not in suggested(b)


def test_an_invitation_either_way_takes_the_member_out_at_once(warm):
    me, _a, b, c = warm
    services.request_connection(me.user, b)
    assert suggested(me) == ["C"]
    services.request_connection(c.user, me)
    assert suggested(me) == []


def test_after_blocking_c_c_is_gone_at_once(warm):
    me, _a, _b, c = warm
    services.block_member(me.user, c)
    assert suggested(me) == ["B"]


def test_after_being_blocked_by_c_c_is_gone_at_once(warm):
    me, _a, _b, c = warm
    services.block_member(c.user, me)
    assert suggested(me) == ["B"]


def test_after_dismissing_c_c_is_gone_at_once(warm):
    me, _a, _b, c = warm
    services.dismiss_suggestion(me.user, c)
    assert suggested(me) == ["B"]


def test_after_removing_a_connection_its_friends_are_no_longer_suggested(warm):
    me, a, _b, _c = warm
    services.remove_connection(me.user, a)
    assert suggested(me) == []


def test_a_change_to_the_viewers_own_skills_is_considered_at_once(warm, person):
    me, _a, _b, _c = warm
    python = SkillFactory(name="Python")
    skilled = person("Skilled")
    skilled.skills.set([python])
    skilled.save()
    assert "Skilled" not in suggested(me)
    services.update_my_profile(me.user, skills=[python.pk])
    assert "Skilled" in suggested(me)


def test_a_profile_hidden_by_others_since_the_pool_was_stored_is_gone_at_once(warm):
    me, _a, _b, c = warm
    MemberPage.objects.filter(pk=c.pk).update(profile_visibility="connections")
    assert suggested(me) == ["B"]
    # The pool still holds c: only what is shown is decided now.
    assert c.pk in suggestion_pool.cached_pool(me.pk).ids


def test_a_mutual_count_changed_by_others_is_current_at_once(warm, person):
    me, _a, b, _c = warm
    other_friend = person("F")
    connect(me, other_friend)  # as a script would: no pool is dropped
    connect(other_friend, b)
    [first, *_rest] = graph.suggestions(me.user)
    assert (first.member.pk, first.mutual_count) == (b.pk, 2)


def test_others_changes_lag_at_most_fresh_for(warm, person):
    me, a, _b, _c = warm
    y = person("Y")
    accepted(a, y)  # a change others made: my pool is not dropped
    assert suggested(me) == ["B", "C"]
    # What a pool computed now would hold:
    assert [s.member.title for s in graph.suggestions(me.user, from_scratch=True)] == [
        "B",
        "C",
        "Y",
    ]


def test_a_stale_pool_older_than_fresh_for_is_served_and_refreshed(warm, person):
    me, a, _b, _c = warm
    y = person("Y")
    accepted(a, y)
    before = suggestion_pool.cached_pool(me.pk)
    with override_settings(WAGTAIL_NETWORK={"SUGGESTIONS": {"FRESH_FOR": 0}}):
        # Served from the stale pool; the refresh is enqueued (the immediate
        # backend of the test settings runs it at once) ...
        assert suggested(me) == ["B", "C"]
        after = suggestion_pool.cached_pool(me.pk)
        assert after is not None and after.computed_at > before.computed_at
        assert y.pk in after.ids
    # ... and the next answer considers Y.
    assert suggested(me) == ["B", "C", "Y"]


def test_a_refresh_that_started_before_a_change_never_stores_its_stale_pool(warm):
    me, _a, b, c = warm

    def refresh_overtaken_by_a_change():
        # The pool read from the database before the change committed ...
        stale = [b.pk, c.pk]
        # ... and the change's own drop, committed while the refresh ran.
        graph.forget_suggestions(me.pk)
        return stale

    suggestion_pool.store(me.pk, refresh_overtaken_by_a_change)
    assert suggestion_pool.cached_pool(me.pk) is None


def test_served_and_from_scratch_answers_agree_on_a_fresh_pool(warm):
    me, _a, _b, _c = warm
    served = [(s.member.pk, s.mutual_count, s.reasons) for s in graph.suggestions(me.user)]
    scratch = graph.suggestions(me.user, from_scratch=True)
    assert served == [(s.member.pk, s.mutual_count, s.reasons) for s in scratch]


def test_the_command_precomputes_pools_of_the_members_named(person):
    me, a, b = (person(n) for n in ("Me", "A", "B"))
    connect(me, a)
    connect(a, b)
    call_command("refresh_network_suggestions", "--members", str(me.pk), stdout=io.StringIO())
    assert suggestion_pool.cached_pool(me.pk).ids == (b.pk,)
    assert suggestion_pool.cached_pool(b.pk) is None


def test_the_command_with_stale_only_skips_fresh_pools(person):
    me, a, b = (person(n) for n in ("Me", "A", "B"))
    connect(me, a)
    connect(a, b)
    call_command("refresh_network_suggestions", stdout=io.StringIO())
    stored = suggestion_pool.cached_pool(me.pk)
    assert stored is not None and suggestion_pool.cached_pool(b.pk) is not None
    call_command("refresh_network_suggestions", "--stale-only", stdout=(out := io.StringIO()))
    assert suggestion_pool.cached_pool(me.pk) == stored
    assert "suggestions of 0 members" in out.getvalue()


@pytest.mark.parametrize(
    "value",
    [
        {"FRESH_FOR": -1},
        {"STALE_FOR": "1h"},
        {"CACHE": "nowhere"},
        {"TASK_BACKEND": "nowhere"},
        {"FRESH": 10},
        "3600",
    ],
)
def test_malformed_suggestion_settings_are_e020(value):
    with override_settings(WAGTAIL_NETWORK={"SUGGESTIONS": value}):
        ids = [e.id for e in check_installation()]
    assert "wagtail_network.E020" in ids


def test_the_default_suggestion_settings_pass_the_checks():
    with override_settings(WAGTAIL_NETWORK={"SUGGESTIONS": {"FRESH_FOR": 60, "CACHE": "default"}}):
        assert "wagtail_network.E020" not in [e.id for e in check_installation()]
