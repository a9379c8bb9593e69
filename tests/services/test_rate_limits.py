"""Per-member rate limits (``WAGTAIL_NETWORK["RATE_LIMITS"]``): invitations,
recommendations and reports, counted from the database in the window, refused
with ``RATE_LIMITED`` and nothing written, and not dodged by undoing and redoing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.checks import run_checks
from django.test import override_settings
from django.utils import timezone
from wagtail.models import ModelLogEntry

from tests.factories import connect
from tests.services.helpers import raises, snapshot
from wagtail_network import conf, services
from wagtail_network.errors import ErrorCode
from wagtail_network.models import Connection, Recommendation, Report

pytestmark = pytest.mark.django_db

HOUR = 3600


def limits(**kinds):
    """``override_settings`` with these kinds limited to ``(count, window)``."""
    return override_settings(
        WAGTAIL_NETWORK={
            "RATE_LIMITS": {
                kind: None if value is None else {"count": value[0], "window": value[1]}
                for kind, value in kinds.items()
            }
        }
    )


@pytest.fixture
def members(make_member):
    return [make_member(title=f"M{i}") for i in range(5)]


# --- defaults and settings --------------------------------------------------------


def test_defaults_are_a_day_per_kind():
    assert conf.rate_limit("invitations") == {"count": 50, "window": 86400}
    assert conf.rate_limit("recommendations") == {"count": 10, "window": 86400}
    assert conf.rate_limit("reports") == {"count": 20, "window": 86400}


@limits(reports=None)
def test_a_kind_left_out_keeps_its_default_and_none_switches_one_off():
    assert conf.rate_limit("invitations") == {"count": 50, "window": 86400}
    assert conf.rate_limit("reports") is None


@pytest.mark.parametrize(
    "value",
    [
        [],
        {"invitation": {"count": 1, "window": 60}},
        {"invitations": {"count": -1, "window": 60}},
        {"invitations": {"count": 1, "window": 0}},
        {"invitations": {"count": "5", "window": 60}},
        {"invitations": {"count": True, "window": 60}},
        {"invitations": {"count": 5}},
        {"reports": 5},
    ],
)
def test_malformed_rate_limits_are_system_check_error_e016(value):
    with override_settings(WAGTAIL_NETWORK={"RATE_LIMITS": value}):
        assert "wagtail_network.E016" in {m.id for m in run_checks()}


def test_well_formed_rate_limits_pass_the_system_check():
    value = {"invitations": {"count": 0, "window": 1}, "reports": None}
    with override_settings(WAGTAIL_NETWORK={"RATE_LIMITS": value}):
        assert "wagtail_network.E016" not in {m.id for m in run_checks()}


# --- invitations ------------------------------------------------------------------


@limits(invitations=(2, HOUR))
def test_invitations_beyond_the_limit_are_rate_limited_with_nothing_written(members):
    me, a, b, c, _ = members
    services.request_connection(me.user, a)
    services.request_connection(me.user, b)
    before = snapshot()
    with raises(ErrorCode.RATE_LIMITED):
        services.request_connection(me.user, c)
    assert snapshot() == before


@limits(invitations=(2, HOUR))
def test_withdrawing_does_not_give_an_invitation_back(members):
    me, a, b, c, _ = members
    services.request_connection(me.user, a)
    services.withdraw_connection_request(me.user, a)
    services.request_connection(me.user, b)
    services.withdraw_connection_request(me.user, b)
    with raises(ErrorCode.RATE_LIMITED):
        services.request_connection(me.user, c)


@limits(invitations=(1, HOUR))
def test_invitations_older_than_the_window_do_not_count(members):
    me, a, b, _c, _ = members
    services.request_connection(me.user, a)
    Connection.objects.update(created_at=timezone.now() - timedelta(seconds=HOUR + 5))
    services.request_connection(me.user, b)


@limits(invitations=(1, HOUR))
def test_accepting_a_crossing_invitation_is_never_rate_limited(members):
    me, a, b, _c, _ = members
    services.request_connection(me.user, a)
    services.request_connection(b.user, me)
    connection = services.request_connection(me.user, b)
    assert connection.state == "accepted"


@limits(invitations=(1, HOUR))
def test_each_member_has_their_own_invitation_limit(members):
    me, a, b, _c, _ = members
    services.request_connection(me.user, a)
    services.request_connection(b.user, a)


@limits(invitations=None)
def test_invitations_unlimited_when_switched_off(members):
    me, *others = members
    for other in others:
        services.request_connection(me.user, other)


# --- recommendations --------------------------------------------------------------


@limits(recommendations=(2, HOUR))
def test_recommendations_beyond_the_limit_are_rate_limited_with_nothing_written(members):
    me, a, b, c, _ = members
    for other in (a, b, c):
        connect(me, other)
    services.write_recommendation(me.user, a, "same_team", "Great")
    services.write_recommendation(me.user, b, "same_team", "Great")
    before = snapshot()
    with raises(ErrorCode.RATE_LIMITED):
        services.write_recommendation(me.user, c, "same_team", "Great")
    assert snapshot() == before
    assert not Recommendation.objects.filter(member=c).exists()


@limits(recommendations=(2, HOUR))
def test_rewrites_count_and_the_same_text_again_does_not(members):
    me, a, _b, _c, _ = members
    connect(me, a)
    services.write_recommendation(me.user, a, "same_team", "Great")
    services.write_recommendation(me.user, a, "same_team", "Great")  # no change: free
    services.respond_to_recommendation(a.user, Recommendation.objects.get(), "decline")
    services.write_recommendation(me.user, a, "same_team", "Really great")
    services.respond_to_recommendation(a.user, Recommendation.objects.get(), "decline")
    with raises(ErrorCode.RATE_LIMITED):
        services.write_recommendation(me.user, a, "same_team", "The greatest")
    assert Recommendation.objects.get().text == "Really great"


@limits(recommendations=(1, HOUR))
def test_a_recommendation_deleted_by_a_block_still_counts(members):
    me, a, b, _c, _ = members
    connect(me, a)
    connect(me, b)
    services.write_recommendation(me.user, a, "same_team", "Great")
    services.block_member(me.user, a)
    assert not Recommendation.objects.exists()
    with raises(ErrorCode.RATE_LIMITED):
        services.write_recommendation(me.user, b, "same_team", "Great")


@limits(recommendations=(1, HOUR))
def test_recommendations_older_than_the_window_do_not_count(members):
    me, a, b, _c, _ = members
    connect(me, a)
    connect(me, b)
    services.write_recommendation(me.user, a, "same_team", "Great")
    ModelLogEntry.objects.update(timestamp=timezone.now() - timedelta(seconds=HOUR + 5))
    services.write_recommendation(me.user, b, "same_team", "Great")


# --- reports ----------------------------------------------------------------------


@limits(reports=(2, HOUR))
def test_reports_beyond_the_limit_are_rate_limited_with_nothing_written(members):
    me, a, b, c, _ = members
    services.report_content(me.user, member=a, reason="spam")
    services.report_content(me.user, member=b, reason="spam")
    # Reporting an open report's target again returns it: not a new report.
    services.report_content(me.user, member=b, reason="spam")
    before = snapshot()
    with raises(ErrorCode.RATE_LIMITED):
        services.report_content(me.user, member=c, reason="spam")
    assert snapshot() == before


@limits(reports=(1, HOUR))
def test_a_handled_report_still_counts(members, moderator):
    me, a, b, _c, _ = members
    report = services.report_content(me.user, member=a, reason="spam")
    services.resolve_report(moderator, report, "dismissed")
    with raises(ErrorCode.RATE_LIMITED):
        services.report_content(me.user, member=b, reason="spam")
    assert Report.objects.count() == 1
