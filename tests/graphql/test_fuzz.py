"""Fuzzing the real ``/graphql/`` view with schemathesis and hypothesis.

schemathesis (hypothesis-graphql underneath) writes valid and schema-violating
documents for every root field of the real schema; the scalars draw from the test
data's real global ids, slugs and the cursors the API itself answered, mixed with
hostile values (tests/graphql/fuzz_support.py), so that cases get past argument
decoding into the resolvers. Each case is POSTed through Django's test client,
anonymously or with ``Authorization: Bearer <token>``, and must get:

* an HTTP status below 500, with a JSON body;
* ``extensions.code`` on every error, never ``INTERNAL_ERROR`` (a masked exception),
  and no traceback or SQL in any message;
* for a mutation that answered errors (top-level or in its payload): no row of the
  network's models, API tokens or revisions written.

Every example runs in its own savepoint (hypothesis' Django ``TestCase``), so a
mutation that succeeded does not change what the next example sees. The run is
reproducible (``derandomize``) and bounded: ``FUZZ_EXAMPLES`` examples per test
(four tests), 800 by default; raise it for a longer run, lower it for a quick one.
"""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any

import graphql
import schemathesis
from django.test import Client, override_settings
from guardian.shortcuts import assign_perm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from schemathesis.generation import GenerationMode

from graphql_schema.schema import schema as network_schema
from tests.factories import MemberPageFactory, UserFactory
from tests.graphql.conftest import build_world
from tests.graphql.fuzz_support import (
    SEEDS,
    database_state,
    ids_of_every_row,
    mutation_failed,
    problems,
    register_scalars,
    state_difference,
    with_typed_ids,
)
from wagtail_network.conf import DEFAULTS
from wagtail_network.models import Connection, Industry
from wagtail_network.services.tokens import create_token

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "800"))

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    # Reproducible in CI: the same cases every run, no example database on disk.
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)

register_scalars()
API = schemathesis.graphql.from_file(network_schema.as_str())
OPERATIONS = [result.ok() for result in API.get_all_operations()]


@st.composite
def _valid_or_not(draw: Any, valid: st.SearchStrategy[Any], negative: Any) -> Any:
    # A coin of our own: hypothesis does not pick one_of's branches uniformly (a
    # last, differently shaped branch came up nearly half the time).
    return draw(negative if draw(st.randoms()).random() < NEGATIVE_SHARE else valid)


#: The share of cases that violate the schema on purpose (the rest are valid).
NEGATIVE_SHARE = 0.04


def cases(root: str) -> st.SearchStrategy[Any]:
    """Documents for the root fields of ``root`` ("Query" or "Mutation"): valid
    ones, and a share of schema-violating ones (wrong types, missing arguments)
    for the validation layer's codes."""
    operations = [op for op in OPERATIONS if op.label.startswith(f"{root}.")]
    valid = st.one_of([op.as_strategy() for op in operations])
    negative = st.one_of(
        [op.as_strategy(generation_mode=GenerationMode.NEGATIVE) for op in operations]
    )
    return with_typed_ids(_valid_or_not(valid, negative))


ERRORS_FIELD = graphql.parse("{ errors { code field message } }").definitions[0]


def selecting_errors(document: str) -> str:
    """``document`` with ``errors { code field message }`` added to its root field's
    selection, so that the test always sees whether the mutation failed."""
    try:
        parsed = graphql.parse(document)
    except graphql.GraphQLError:
        return document
    operation = parsed.definitions[0]
    if not isinstance(operation, graphql.OperationDefinitionNode):
        return document
    root = operation.selection_set.selections[0]
    if not isinstance(root, graphql.FieldNode) or root.selection_set is None:
        return document
    if any(
        getattr(s, "name", None) and s.name.value == "errors" for s in root.selection_set.selections
    ):
        return document
    errors = ERRORS_FIELD.selection_set.selections[0]  # type: ignore[attr-defined]
    root = dataclasses.replace(
        root,
        selection_set=dataclasses.replace(
            root.selection_set, selections=(*root.selection_set.selections, errors)
        ),
    )
    operation = dataclasses.replace(
        operation,
        selection_set=dataclasses.replace(operation.selection_set, selections=(root,)),
    )
    return graphql.print_ast(dataclasses.replace(parsed, definitions=(operation,)))


HARVEST = """
fragment M on Member {
  id slug name city
  skills { skill { id slug name } }
  positions { id company { id slug } }
  connections(first: 2) { edges { cursor node { id slug } } pageInfo { startCursor endCursor } }
  mutualConnections(first: 2) { edges { cursor } }
  endorsementsReceived(first: 2) { edges { cursor node { id } } pageInfo { endCursor } }
  recommendationsReceived(first: 2) { edges { cursor node { id } } pageInfo { endCursor } }
}
query {
  members(first: 3) { edges { cursor node { ...M } } pageInfo { startCursor endCursor } }
  byCity: members(first: 2, ordering: {field: CITY}) { edges { cursor } }
  companies(first: 3) {
    edges { cursor node { id slug name city
      employees(first: 2) { edges { cursor node { id } } }
      relationships(first: 2) { edges { cursor node { id } } }
    } }
    pageInfo { endCursor }
  }
  skills(first: 3) { edges { cursor node { id slug name } } }
  industries(first: 3) { edges { cursor node { id slug name } } }
  viewer {
    username
    member { ...M }
    invitationsReceived(first: 2, includeIgnored: true) { edges { cursor node { id } } }
    invitationsSent(first: 2) { edges { cursor node { id } } }
    suggestions(first: 2) { edges { cursor node { id slug } } }
    administeredCompanies(first: 2) { edges { cursor node { id slug } } }
    blockedMembers(first: 2) { edges { cursor node { id memberId slug } } }
  }
  myApiTokens { id name }
}
"""


@override_settings(
    # The per-minute cost budget exists to throttle exactly this kind of client:
    # left on, most cases would test THROTTLED instead of the resolvers.
    WAGTAIL_NETWORK={**DEFAULTS, "GRAPHQL_COST_PER_MINUTE": 0},
)
class GraphQLFuzz(TestCase):
    """Anonymous and bearer-token fuzzing of queries and mutations."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = build_world()
        w = cls.w
        # The fuzzing member also administers a company and has an invitation to
        # answer, so that updateCompany, confirmPosition and acceptConnection can
        # succeed as well as fail.
        assign_perm("wagtail_network.change_companypage", w.u_alice, w.acme)
        frank = MemberPageFactory(
            parent=w.directory, title="Frank", slug="frank", user=UserFactory(username="frank")
        )
        Connection.objects.create(
            member_low=min(frank, w.alice, key=lambda p: p.pk),
            member_high=max(frank, w.alice, key=lambda p: p.pk),
            requester=frank,
            recipient=w.alice,
            message="Hello Alice",
        )
        Industry.objects.create(name="Software", slug="software")
        cls.token_row, cls.token = create_token(w.u_alice, "fuzz")
        SEEDS.clear()
        harvested = [cls.post(HARVEST, token)[2] for token in (None, cls.token)]
        for body in harvested:
            assert not body.get("errors"), body["errors"]
            SEEDS.add_from_response(body)
        SEEDS.typed_ids.update(ids_of_every_row())
        for values in SEEDS.typed_ids.values():
            SEEDS.ids.extend(v for v in values if v not in SEEDS.ids)
        assert SEEDS.cursors and SEEDS.ids and SEEDS.strings, SEEDS

    @staticmethod
    def post(document: str, token: str | None) -> tuple[int, Any, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = Client().post(
            "/graphql/",
            data=json.dumps({"query": document}),
            content_type="application/json",
            headers=headers,
        )
        body = json.loads(response.content) if response.content else None
        return response.status_code, response, body

    def check(self, case: Any, token: str | None, mutation: bool) -> None:
        document = selecting_errors(case.body) if mutation else case.body
        before = database_state()
        status, response, _body = self.post(document, token)
        found, body = problems(status, response, response.content)
        if not mutation or mutation_failed(body):
            # A failed mutation writes nothing, and a query never writes at all
            # (beyond the token's last-used time, written after the response).
            written = state_difference(before, database_state())
            if written:
                found.append(f"{'failed mutation' if mutation else 'query'} wrote: {written}")
        assert not found, (
            f"{found}\n--- document ---\n{document}\n--- status {status} ---\n"
            f"{response.content[:2000]!r}"
        )

    @FUZZ_SETTINGS
    @given(case=cases("Query"))
    def test_anonymous_queries_get_typed_answers(self, case: Any) -> None:
        self.check(case, None, mutation=False)

    @FUZZ_SETTINGS
    @given(case=cases("Query"))
    def test_member_queries_with_a_bearer_token_get_typed_answers(self, case: Any) -> None:
        self.check(case, self.token, mutation=False)

    @FUZZ_SETTINGS
    @given(case=cases("Mutation"))
    def test_anonymous_mutations_get_typed_answers_and_failures_write_nothing(
        self, case: Any
    ) -> None:
        self.check(case, None, mutation=True)

    @FUZZ_SETTINGS
    @given(case=cases("Mutation"))
    def test_member_mutations_with_a_bearer_token_get_typed_answers_and_failures_write_nothing(
        self, case: Any
    ) -> None:
        self.check(case, self.token, mutation=True)
