"""Data and client helpers for the mutation, auth, protection and privacy tests.

Tests here drive the real ``/graphql/`` view over Django's test client (JSON POSTs,
as a frontend sends them) and assert on the real database afterwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.test import Client
from strawberry import relay

GRAPHQL_URL = "/graphql/"


def gid(type_name: str, pk: int) -> str:
    """The Relay global ID of an object."""
    return str(relay.GlobalID(type_name, str(pk)))


def post(
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    user: Any = None,
    token: str | None = None,
    client: Client | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    """POST one operation; returns ``(status, body)``."""
    client = client or Client()
    if user is not None:
        client.force_login(user)
    all_headers = dict(headers or {})
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    response = client.post(
        GRAPHQL_URL,
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        headers=all_headers,
    )
    try:
        body = json.loads(response.content)
    except ValueError:
        body = {"raw": response.content.decode(errors="replace")}
    return response.status_code, body


def mutate(name: str, query: str, variables: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Run a mutation and return its payload (asserting no top-level errors)."""
    status, body = post(query, variables, **kwargs)
    assert status == 200, body
    assert not body.get("errors"), body
    return body["data"][name]


def error_codes(payload: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


@dataclass
class Net:
    """A small network (see :func:`build_net`)."""

    directory: Any = None
    companies: Any = None
    acme: Any = None
    globex: Any = None
    python: Any = None
    django: Any = None
    u_alice: Any = None
    alice: Any = None
    u_bob: Any = None
    bob: Any = None
    u_carol: Any = None
    carol: Any = None
    u_dave: Any = None
    dave: Any = None
    u_eve: Any = None
    eve: Any = None
    u_nobody: Any = None
    u_admin: Any = None
    u_editor: Any = None


def build_net() -> Net:
    """Members with users, connections, a block and a company admin.

    * alice (public) — connected to bob; lists Python and Django.
    * bob (members) — connected to alice; lists Python.
    * carol (connections only) — connected to nobody: invisible to alice and bob.
    * dave (public) — blocked by alice.
    * eve (public) — no relations.
    * nobody: signed in without a profile. admin: guardian grant on Acme.
      editor: superuser.
    """
    from guardian.shortcuts import assign_perm

    from tests.factories import (
        CompanyIndexPageFactory,
        CompanyPageFactory,
        MemberIndexPageFactory,
        MemberPageFactory,
        SkillFactory,
        UserFactory,
        connect,
        site_root,
    )
    from wagtail_network.models import Block

    n = Net()
    root = site_root()
    n.directory = MemberIndexPageFactory(parent=root)
    n.companies = CompanyIndexPageFactory(parent=root)
    n.acme = CompanyPageFactory(parent=n.companies, title="Acme", slug="acme")
    n.globex = CompanyPageFactory(parent=n.companies, title="Globex", slug="globex")
    n.python = SkillFactory(name="Python")
    n.django = SkillFactory(name="Django")

    def member(name: str, **kwargs: Any):
        user = UserFactory(username=name, password="secret-pass")
        page = MemberPageFactory(
            parent=n.directory, title=name.title(), slug=name, user=user, **kwargs
        )
        return user, page

    n.u_alice, n.alice = member("alice", profile_visibility="public")
    n.u_bob, n.bob = member("bob", profile_visibility="members")
    n.u_carol, n.carol = member("carol", profile_visibility="connections")
    n.u_dave, n.dave = member("dave", profile_visibility="public")
    n.u_eve, n.eve = member("eve", profile_visibility="public")
    n.u_nobody = UserFactory(username="nobody", password="secret-pass")
    n.u_admin = UserFactory(username="acmeadmin", password="secret-pass")
    assign_perm("wagtail_network.change_companypage", n.u_admin, n.acme)
    n.u_editor = UserFactory(username="editor", is_superuser=True, is_staff=True)

    # ParentalManyToManyField: the set is written when the page is saved.
    n.alice.skills.set([n.python, n.django])
    n.alice.save()
    n.bob.skills.set([n.python])
    n.bob.save()
    connect(n.alice, n.bob)
    Block.objects.create(blocker=n.alice, blocked=n.dave)
    return n
