"""Racing requests against PostgreSQL with real threads and real row locks.

Each case fires the same operation (or its mirror image) from two threads released
together by a barrier, each thread on its own database connection, and asserts
one correct result and no exception. SQLite serialises writers and cannot run
these meaningfully, so they are skipped there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection as db_connection
from django.db import connections

from tests.factories import connect
from tests.services.conftest import requires_postgres
from wagtail_network import services
from wagtail_network.models import (
    Connection,
    ConnectionEdge,
    ConnectionEvent,
    ConnectionState,
    Endorsement,
)

pytestmark = [
    requires_postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROUNDS = 20


def run_together(*calls: Callable[[], object]) -> list[object]:
    """Run ``calls`` in parallel threads released at once; return results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    return results


def fresh(user):
    """A user object per thread: visibility memoises answers on the user instance."""
    return type(user).objects.get(pk=user.pk)


def test_database_is_postgresql():
    assert db_connection.vendor == "postgresql"


def test_crossing_invitations_end_as_one_accepted_connection(alice, bob):
    for round_ in range(ROUNDS):
        results = run_together(
            lambda: services.request_connection(fresh(alice.user), bob.pk),
            lambda: services.request_connection(fresh(bob.user), alice.pk),
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        assert not errors, f"round {round_}: {errors!r}"
        live = Connection.objects.filter(state__in=["pending", "ignored", "accepted"])
        assert live.count() == 1, f"round {round_}"
        assert live.get().state == ConnectionState.ACCEPTED
        assert ConnectionEdge.objects.count() == 2
        # Start the next round from "not connected" again.
        services.remove_connection(fresh(alice.user), bob)
    assert Connection.objects.filter(state=ConnectionState.REMOVED).count() == ROUNDS
    assert not ConnectionEdge.objects.exists()


def test_double_accept_ends_with_one_connection_and_no_error(alice, bob):
    for round_ in range(ROUNDS // 2):
        invitation = services.request_connection(fresh(alice.user), bob)
        results = run_together(
            lambda: services.accept_connection(fresh(bob.user), alice),
            lambda: services.accept_connection(fresh(bob.user), alice.pk),
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        assert not errors, f"round {round_}: {errors!r}"
        assert {r.pk for r in results} == {invitation.pk}
        assert all(r.state == ConnectionState.ACCEPTED for r in results)
        assert ConnectionEdge.objects.filter(connection=invitation).count() == 2
        assert (
            ConnectionEvent.objects.filter(
                connection=invitation, state=ConnectionState.ACCEPTED
            ).count()
            == 1
        )
        services.remove_connection(fresh(bob.user), alice)


def test_double_endorse_ends_with_one_endorsement_and_no_error(alice, bob, skill):
    connect(alice, bob)
    bob.skills.add(skill)
    bob.save()
    for round_ in range(ROUNDS // 2):
        results = run_together(
            lambda: services.endorse_skill(fresh(alice.user), bob, skill),
            lambda: services.endorse_skill(fresh(alice.user), bob.pk, skill.slug),
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        assert not errors, f"round {round_}: {errors!r}"
        assert Endorsement.objects.count() == 1
        assert results[0].pk == results[1].pk
        services.withdraw_endorsement(fresh(alice.user), bob, skill)


def test_invitation_cap_holds_under_concurrent_invitations(alice, make_member, settings):
    settings.WAGTAIL_NETWORK = {"INVITATION_CAP": 1}
    targets = [make_member(), make_member(), make_member()]
    results = run_together(
        *[(lambda t=t: services.request_connection(fresh(alice.user), t.pk)) for t in targets]
    )
    created = [r for r in results if isinstance(r, Connection)]
    refused = [r for r in results if not isinstance(r, Connection)]
    assert len(created) == 1
    assert all(getattr(r, "code", None) == "INVITATION_CAP_REACHED" for r in refused)
    assert Connection.objects.count() == 1


def test_invitation_rate_limit_holds_under_concurrent_invitations(alice, make_member, settings):
    settings.WAGTAIL_NETWORK = {"RATE_LIMITS": {"invitations": {"count": 1, "window": 3600}}}
    targets = [make_member(), make_member(), make_member()]
    results = run_together(
        *[(lambda t=t: services.request_connection(fresh(alice.user), t.pk)) for t in targets]
    )
    created = [r for r in results if isinstance(r, Connection)]
    refused = [r for r in results if not isinstance(r, Connection)]
    assert len(created) == 1
    assert all(getattr(r, "code", None) == "RATE_LIMITED" for r in refused)
    assert Connection.objects.count() == 1


def test_report_rate_limit_holds_under_concurrent_reports(alice, make_member, settings):
    from wagtail_network.models import Report

    settings.WAGTAIL_NETWORK = {"RATE_LIMITS": {"reports": {"count": 1, "window": 3600}}}
    targets = [make_member(), make_member(), make_member()]
    results = run_together(
        *[
            (lambda t=t: services.report_content(fresh(alice.user), member=t.pk, reason="spam"))
            for t in targets
        ]
    )
    refused = [r for r in results if not isinstance(r, Report)]
    assert len(refused) == 2
    assert all(getattr(r, "code", None) == "RATE_LIMITED" for r in refused)
    assert Report.objects.count() == 1


def test_concurrent_joins_get_distinct_pages(directories):
    from tests.factories import UserFactory
    from wagtail_network.models import MemberPage

    users = [UserFactory(first_name="Sam", last_name="Jansen") for _ in range(3)]
    results = run_together(
        *[
            (lambda u=u: services.update_my_profile(fresh(u), name="Sam Jansen", headline="Hi"))
            for u in users
        ]
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    pages = MemberPage.objects.filter(user__in=users)
    assert pages.count() == 3
    assert len({p.path for p in pages}) == len({p.slug for p in pages}) == 3


def test_same_user_joining_twice_at_once_gets_one_profile(directories):
    from tests.factories import UserFactory
    from wagtail_network.models import MemberPage

    user = UserFactory()
    results = run_together(
        lambda: services.update_my_profile(fresh(user), name="Sam", headline="One"),
        lambda: services.update_my_profile(fresh(user), name="Sam", headline="Two"),
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    assert MemberPage.objects.filter(user=user).count() == 1
