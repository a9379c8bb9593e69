"""``dismiss_suggestion``: a stored, idempotent "not this one" that lasts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from wagtail.models import ModelLogEntry

from tests.factories import UserFactory, connect
from tests.services.helpers import raises
from wagtail_network import graph, privacy, services
from wagtail_network.errors import ErrorCode
from wagtail_network.models import SuggestionDismissal

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_degree(make_member):
    """me – a – s: s is suggested to me."""
    me, a, s = (make_member(title=n) for n in ("Me", "A", "S"))
    connect(me, a)
    connect(a, s)
    return me, s


def test_a_dismissed_member_is_never_suggested_again(second_degree):
    me, s = second_degree
    assert [m.pk for m in graph.suggested_members(me.user)] == [s.pk]
    services.dismiss_suggestion(me.user, s)
    assert list(graph.suggested_members(me.user)) == []


def test_a_dismissal_is_the_dismissers_own(second_degree):
    me, s = second_degree
    services.dismiss_suggestion(me.user, s)
    # s still gets me suggested: a dismissal tells the dismissed member nothing.
    assert [m.pk for m in graph.suggested_members(s.user)] == [me.pk]


def test_dismissing_twice_returns_the_first_dismissal_and_logs_once(second_degree):
    me, s = second_degree
    first = services.dismiss_suggestion(me.user, s.pk)
    again = services.dismiss_suggestion(me.user, s.pk)
    assert first.pk == again.pk
    assert SuggestionDismissal.objects.count() == 1
    assert ModelLogEntry.objects.filter(action="wagtail_network.suggestion.dismiss").count() == 1


def test_dismissing_oneself_is_self_action(second_degree):
    me, _s = second_degree
    with raises(ErrorCode.SELF_ACTION, "member"):
        services.dismiss_suggestion(me.user, me)
    assert not SuggestionDismissal.objects.exists()


def test_dismissing_a_member_one_may_not_see_is_not_found(second_degree, make_member):
    me, _s = second_degree
    hidden = make_member(profile_visibility="connections")
    with raises(ErrorCode.NOT_FOUND, "member"):
        services.dismiss_suggestion(me.user, hidden)
    with raises(ErrorCode.NOT_FOUND, "member"):
        services.dismiss_suggestion(me.user, 999_999)
    assert not SuggestionDismissal.objects.exists()


def test_dismissing_needs_a_signed_in_member(second_degree):
    _me, s = second_degree
    with raises(ErrorCode.UNAUTHENTICATED):
        services.dismiss_suggestion(AnonymousUser(), s)
    with raises(ErrorCode.NO_PROFILE):
        services.dismiss_suggestion(UserFactory(), s)
    assert not SuggestionDismissal.objects.exists()


def test_dismissals_are_in_the_export_and_erased_with_either_account(second_degree):
    me, s = second_degree
    services.dismiss_suggestion(me.user, s)
    archive = privacy.export_member_data(me.user)
    assert [d["member"]["id"] for d in archive["dismissed_suggestions"]] == [s.pk]
    assert privacy.export_member_data(s.user)["dismissed_suggestions"] == []
    privacy.erase_member(s, actor=UserFactory(is_superuser=True))
    assert not SuggestionDismissal.objects.exists()
