"""Racing mutations over HTTP against PostgreSQL: the GraphQL layer adds its own
transaction around each service call, and racing requests must still end in one
correct state with no error in any response.

Each case builds a fresh network, then fires two requests (bearer tokens, so each
thread is an independent client) released together by a barrier.
"""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connections
from django.test import Client
from wagtail.models import APIToken

from tests.graphql.mutation_support import build_net, gid
from tests.services.conftest import requires_postgres
from wagtail_network.models import Connection, ConnectionEdge, ConnectionState, Endorsement, Follow

pytestmark = [
    requires_postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REQUEST = """mutation($id: ID!) { requestConnection(input: {memberId: $id}) {
  member { connectionStatus } errors { code } } }"""
ACCEPT = """mutation($id: ID!) { acceptConnection(input: {memberId: $id}) {
  member { connectionStatus } errors { code } } }"""
ENDORSE = """mutation($m: ID!, $s: ID!) { endorseSkill(input: {memberId: $m, skillId: $s}) {
  endorsement { id } errors { code } } }"""
FOLLOW = """mutation($id: ID!) { followCompany(input: {companyId: $id}) { errors { code } } }"""


def fire_together(*requests: tuple[str, dict, str]) -> list[dict]:
    """POST each ``(query, variables, token)`` from its own thread, all at once."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def worker(index: int, query: str, variables: dict, token: str) -> None:
        try:
            barrier.wait(timeout=10)
            response = Client().post(
                "/graphql/",
                data=json.dumps({"query": query, "variables": variables}),
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}"},
            )
            results[index] = (response.status_code, json.loads(response.content))
        except Exception as exc:  # noqa: BLE001 - reported by the assertions
            results[index] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(i, *request)) for i, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    for result in results:
        assert isinstance(result, tuple), result
        status, body = result
        assert status == 200 and not body.get("errors"), body
    return [body["data"] for _status, body in results]


def token(user) -> str:
    return APIToken.create_token(user=user, name="race")[1]


def test_crossing_request_connection_mutations_end_as_one_connection():
    n = build_net()
    alice, eve = token(n.u_alice), token(n.u_eve)
    data = fire_together(
        (REQUEST, {"id": gid("Member", n.eve.pk)}, alice),
        (REQUEST, {"id": gid("Member", n.alice.pk)}, eve),
    )
    assert all(d["requestConnection"]["errors"] == [] for d in data)
    live = Connection.objects.filter(
        member_low__in=[n.alice, n.eve], member_high__in=[n.alice, n.eve]
    )
    assert live.count() == 1 and live.get().state == ConnectionState.ACCEPTED
    assert (
        ConnectionEdge.objects.filter(
            member__in=[n.alice, n.eve], other__in=[n.alice, n.eve]
        ).count()
        == 2
    )


def test_double_accept_connection_mutation_is_one_connection_no_error():
    n = build_net()
    Client().post(
        "/graphql/",
        data=json.dumps({"query": REQUEST, "variables": {"id": gid("Member", n.alice.pk)}}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token(n.u_eve)}"},
    )
    alice = token(n.u_alice)
    data = fire_together(
        (ACCEPT, {"id": gid("Member", n.eve.pk)}, alice),
        (ACCEPT, {"id": gid("Member", n.eve.pk)}, alice),
    )
    assert [d["acceptConnection"]["errors"] for d in data] == [[], []]
    assert ConnectionEdge.objects.filter(member=n.alice, other=n.eve).count() == 1


def test_double_endorse_mutation_is_one_endorsement_no_error():
    n = build_net()
    bob = token(n.u_bob)
    variables = {"m": gid("Member", n.alice.pk), "s": gid("Skill", n.python.pk)}
    data = fire_together((ENDORSE, variables, bob), (ENDORSE, variables, bob))
    assert [d["endorseSkill"]["errors"] for d in data] == [[], []]
    assert Endorsement.objects.filter(endorser=n.bob, member=n.alice).count() == 1


def test_double_follow_mutation_is_one_follow_no_error():
    n = build_net()
    alice = token(n.u_alice)
    variables = {"id": gid("Company", n.acme.pk)}
    data = fire_together((FOLLOW, variables, alice), (FOLLOW, variables, alice))
    assert [d["followCompany"]["errors"] for d in data] == [[], []]
    assert Follow.objects.filter(member=n.alice, company=n.acme).count() == 1
