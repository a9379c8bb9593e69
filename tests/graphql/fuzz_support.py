"""Seeds, value strategies and per-case checks for the GraphQL fuzz test.

schemathesis (through hypothesis-graphql) writes the documents; what it cannot know
is which values reach the resolvers. :class:`Seeds` collects them from the test's
real data (global ids of every row, slugs, names, cities, and the cursors the API
itself handed out), and :func:`register_scalars` makes the ``ID``, ``String``,
``Int``, ``Date`` and ``DateTime`` scalars draw from them, mixed with hostile
values. The strategies read :data:`SEEDS` at draw time, so the data can be built by
``setUpTestData`` after the strategies exist.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import graphql
import schemathesis
from django.apps import apps
from hypothesis import strategies as st
from schemathesis.graphql import nodes
from wagtail.models import APIToken, Revision

from graphql_schema.base.ids import global_id


@dataclass
class Seeds:
    """Real values of the current test data; filled by :meth:`collect`."""

    ids: list[str] = field(default_factory=list)
    #: Global ids per GraphQL type name, for arguments whose name says the type.
    typed_ids: dict[str, list[str]] = field(default_factory=dict)
    strings: list[str] = field(default_factory=list)
    cursors: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.ids.clear()
        self.typed_ids.clear()
        self.strings.clear()
        self.cursors.clear()

    def add_from_response(self, body: Any) -> None:
        """Every id, slug, name and cursor found anywhere in a GraphQL response."""
        for key, value in _walk(body):
            if not isinstance(value, str) or not value:
                continue
            if key in {"cursor", "startCursor", "endCursor"}:
                _add(self.cursors, value)
            elif key in {"id", "memberId"}:
                _add(self.ids, value)
            elif key in {"slug", "name", "city", "username", "title"}:
                _add(self.strings, value)


def _add(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)


def _walk(node: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v, key)
    else:
        yield key, node


#: The one instance the registered scalar strategies read.
SEEDS = Seeds()

#: GraphQL type name per model whose rows clients address by global id.
NODE_TYPES = {
    "MemberPage": "Member",
    "CompanyPage": "Company",
    "Skill": "Skill",
    "Industry": "Industry",
    "Endorsement": "Endorsement",
    "Recommendation": "Recommendation",
    "Position": "Position",
    "Connection": "Invitation",
    "CompanyRelationship": "CompanyRelationship",
    "Report": "Report",
}


def ids_of_every_row() -> dict[str, list[str]]:
    """Global ids of every row of the addressable models and of the API tokens, per
    type name; under ``"Member"`` also company keys (an id naming the wrong kind)."""
    out: dict[str, list[str]] = {}
    models = [(apps.get_model("wagtail_network", m), t) for m, t in NODE_TYPES.items()]
    for model, type_name in [*models, (APIToken, "ApiToken")]:
        pks = model.objects.order_by("pk").values_list("pk", flat=True)
        out[type_name] = [global_id(type_name, pk) for pk in pks]
    company_pks = apps.get_model("wagtail_network", "CompanyPage").objects.values_list(
        "pk", flat=True
    )
    out["Member"].extend(global_id("Member", pk) for pk in company_pks)
    return out


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


HUGE = "9" * 30

#: Ids a client may send that name nothing: malformed, overflowing, negative,
#: unknown type names, raw primary keys, control characters.
HOSTILE_IDS = [
    "",
    " ",
    "1",
    "-1",
    HUGE,
    "not base64!",
    "\x00",
    _b64("Member:" + HUGE),
    _b64("Company:" + HUGE),
    _b64("Invitation:" + HUGE),
    _b64("Member:-1"),
    _b64("Member:0"),
    _b64("Member:1e3"),
    _b64("Member: 1"),
    _b64("Member:1\x00"),
    _b64("Member:"),
    _b64(":1"),
    _b64("Nope:1"),
    _b64("Member"),
    _b64("ApiToken:" + HUGE),
    "A" * 10_000,
]

#: Strings for every String argument: search syntax, control characters, quotes,
#: overflowing and malformed cursors, sizes far over any sane limit.
HOSTILE_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    '"',
    "'",
    "\\",
    '"unbalanced',
    'a OR "b AND (c',
    "((((",
    "a AND",
    "-",
    "*",
    "%",
    "_",
    "%_%",
    "a:b",
    "'; DROP TABLE wagtailcore_page; --",
    "<script>alert(1)</script>",
    "\u202e\u200b\ufeff",
    "\U0001f600" * 50,
    "x" * 10_000,
    "a " * 5_000,
    "%" * 10_000,
    "%" * 60_000,  # over SQLite's LIKE pattern limit (50,000 bytes)
    HUGE,
    "-" + HUGE,
    "1e309",
    _b64("arrayconnection:" + HUGE),
    _b64("arrayconnection:-1"),
    _b64("arrayconnection:-" + HUGE),
    _b64("arrayconnection:abc"),
    _b64("arrayconnection:"),
    _b64("\x00"),
    _b64("{}"),
    _b64('["' + HUGE + '", ' + HUGE + "]"),
    "arrayconnection:5",
    "====",
]

HOSTILE_INTS = [0, -1, -100, 1, 2, 5, 20, 99, 100, 101, 1_000, 2**31 - 1, -(2**31)]
#: Outside GraphQL's 32-bit Int: the parser refuses them (validation, with a code).
OUT_OF_RANGE_INTS = [2**31, -(2**31) - 1, 10**30]

HOSTILE_DATES = ["", "2024-02-30", "0000-00-00", "9999-12-31", "0001-01-01", "x" * 10_000]


@st.composite
def _seeded(draw: Any, pool: str) -> str:
    values = getattr(SEEDS, pool)
    if not values:
        return "seeds-missing"
    return draw(st.sampled_from(values))


_text = st.text(
    alphabet=st.characters(codec="utf-8", max_codepoint=0xFFFF, exclude_categories=["Cs"]),
    max_size=40,
)


def _weighted(*branches: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of ``branches``, each drawn in proportion to its weight.

    A document has many arguments; a hostile value in any one of them usually
    stops the whole operation early, so hostile values are the minority and real
    ones the rule, or few cases would reach the resolvers.
    """
    return st.one_of([strategy for weight, strategy in branches for _ in range(weight)])


ID_VALUES = _weighted(
    (8, _seeded("ids")),
    (2, st.sampled_from(HOSTILE_IDS)),
    (1, _seeded("cursors")),
    (1, _text),
)

STRING_VALUES = _weighted(
    (4, _seeded("strings")),
    (3, _seeded("cursors")),
    (1, _seeded("ids")),
    (2, st.sampled_from(HOSTILE_STRINGS)),
    (2, _text),
)

INT_VALUES = _weighted(
    (12, st.integers(min_value=0, max_value=30)),
    (2, st.sampled_from(HOSTILE_INTS)),
    (1, st.integers(min_value=-(2**31), max_value=2**31 - 1)),
    (1, st.sampled_from(OUT_OF_RANGE_INTS)),
)

DATE_VALUES = _weighted(
    (6, st.dates().map(str)),
    (1, st.sampled_from(HOSTILE_DATES)),
    (1, _text),
)
DATETIME_VALUES = _weighted(
    (6, st.datetimes().map(lambda d: d.isoformat())),
    (1, st.sampled_from(HOSTILE_DATES)),
    (1, _text),
)


#: Argument and input-field names that say which type of object their id names.
ID_ARGUMENTS = {
    "memberId": ("Member",),
    "companyId": ("Company",),
    "skillId": ("Skill",),
    "skillIds": ("Skill",),
    "industryId": ("Industry",),
    "positionId": ("Position",),
    "recommendationId": ("Recommendation",),
    "targetId": ("Member", "Company", "Endorsement", "Recommendation"),
}


@st.composite
def with_typed_ids(draw: Any, cases: st.SearchStrategy[Any]) -> Any:
    """A case from ``cases`` whose ``memberId``-like arguments name an object of the
    right type more often than not: the ID scalar alone cannot know which type an
    argument wants, and a Skill id in ``memberId`` only ever tests NOT_FOUND."""
    case = draw(cases)
    try:
        document = graphql.parse(case.body)
    except graphql.GraphQLError:
        return case  # a negative case that does not even parse: keep it as it is
    rnd = draw(st.randoms())

    class TypedIds(graphql.Visitor):
        def enter_string_value(self, node: Any, key: Any, parent: Any, path: Any, ancestors: Any):
            owner = next(
                (
                    a
                    for a in reversed([*ancestors, parent])
                    if isinstance(a, graphql.ObjectFieldNode | graphql.ArgumentNode)
                ),
                None,
            )
            types = ID_ARGUMENTS.get(owner.name.value) if owner is not None else None
            if not types or rnd.random() < 0.3:
                return None
            pool = [v for t in types for v in SEEDS.typed_ids.get(t, [])]
            return graphql.StringValueNode(value=rnd.choice(pool)) if pool else None

    case.body = graphql.print_ast(graphql.visit(document, TypedIds()))
    return case


def register_scalars() -> None:
    """Make schemathesis draw every scalar from the strategies above.

    ``schemathesis.graphql.scalar`` overrides the built-in scalars too (a custom
    strategy is consulted before the built-in one), which is what lets an ``ID!``
    argument receive a real global id instead of random text.
    """
    schemathesis.graphql.scalar("ID", ID_VALUES.map(nodes.String))
    schemathesis.graphql.scalar("String", STRING_VALUES.map(nodes.String))
    schemathesis.graphql.scalar("Int", INT_VALUES.map(nodes.Int))
    schemathesis.graphql.scalar("Date", DATE_VALUES.map(nodes.String))
    schemathesis.graphql.scalar("DateTime", DATETIME_VALUES.map(nodes.String))


# --------------------------------------------------------------------------
# What the database holds, to prove that a failed mutation wrote nothing
# --------------------------------------------------------------------------

#: Columns that reads may legitimately touch (the token's last-used time is
#: written after the response, whatever the request did).
VOLATILE_FIELDS = {"last_used_at"}


def _snapshot_models() -> list[Any]:
    network = list(apps.get_app_config("wagtail_network").get_models(include_auto_created=True))
    return [*network, APIToken, Revision]


def database_state() -> dict[str, Any]:
    """Every row of the network's models (pages, relations, vocabulary, their M2M
    tables), of API tokens and of revisions, as comparable values."""
    state: dict[str, Any] = {}
    for model in _snapshot_models():
        columns = [
            f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE_FIELDS
        ]
        rows = model.objects.order_by("pk").values_list(*columns)
        state[model._meta.label] = [tuple(map(str, row)) for row in rows]
    return state


def state_difference(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Per model, the row counts before and after where the rows differ."""
    return {
        label: {"rows_before": len(rows), "rows_after": len(after[label])}
        for label, rows in before.items()
        if after[label] != rows
    }


# --------------------------------------------------------------------------
# The checks every case must pass
# --------------------------------------------------------------------------

#: Text that must never reach a client: a Python traceback, SQL, driver names.
LEAK = re.compile(
    r"Traceback|File \"|\bSELECT\b.+\bFROM\b|\bINSERT INTO\b|\bUPDATE\b.+\bSET\b|"
    r"sqlite3?\.|psycopg|django\.db|OperationalError|IntegrityError|DataError",
    re.DOTALL,
)


def problems(status: int, headers: Any, content: bytes) -> tuple[list[str], dict[str, Any]]:
    """What is wrong with one answer (empty when nothing is), and its decoded body."""
    found: list[str] = []
    if status == 503 and headers.get("Retry-After"):
        found.append("503 BUSY (allowed in production, must not happen in tests)")
    elif status >= 500:
        found.append(f"HTTP {status}")
    if not headers.get("Content-Type", "").startswith("application/json"):
        found.append(f"not JSON: {headers.get('Content-Type')}")
        return found, {}
    try:
        body = json.loads(content)
    except ValueError:
        found.append("body is not valid JSON")
        return found, {}
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if not code:
            found.append(f"error without a code: {error.get('message')!r:.300}")
        elif code == "INTERNAL_ERROR":
            # A masked exception: a 500 in disguise (and it nulls non-null parents).
            found.append(f"INTERNAL_ERROR at {error.get('path')}")
    if LEAK.search(json.dumps(body.get("errors") or [])):
        found.append("traceback or SQL in an error")
    return found, body


def mutation_failed(body: dict[str, Any]) -> bool:
    """True when the mutation itself failed: payload errors, or a top-level error
    on the root field or on the whole request (parse, validation, transport).

    An error deeper in the path (a bad cursor on a list inside the returned
    member) was raised while reading the result of a mutation that had already
    succeeded, so its writes are expected.
    """
    for error in body.get("errors") or []:
        if len(error.get("path") or []) <= 1:
            return True
    for payload in (body.get("data") or {}).values():
        if payload is None or (isinstance(payload, dict) and payload.get("errors")):
            return True
    return False
