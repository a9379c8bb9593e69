"""Protection of the GraphQL endpoint against expensive or abusive requests.

:func:`protection_extensions` returns the schema extensions (classes, so that
each request gets fresh instances and reads the ``WAGTAIL_NETWORK`` settings at
call time):

* :class:`ProtectionRules` — validation rules: maximum depth
  (``GRAPHQL_MAX_DEPTH``), maximum aliases (``GRAPHQL_MAX_ALIASES``) and, when
  ``GRAPHQL_INTROSPECTION`` is off (or ``"staff"`` and the user is not staff), no
  introspection;
* :class:`TokenLimit` — strawberry's ``MaxTokensLimiter``: the parser refuses
  documents above ``GRAPHQL_MAX_TOKENS``;
* :class:`QueryCost` — a static cost analysis before execution, as GitHub and
  Shopify do: every object costs 1, a connection multiplies what it selects by
  ``first``/``last`` (or the maximum page size when neither is given), a plain
  list by its size argument (or :data:`LIST_DEFAULT_SIZE`), a mutation field
  costs :data:`MUTATION_COST`, and a few per-object questions cost more
  (:data:`FIELD_COSTS`). A request above ``GRAPHQL_MAX_COST`` is refused
  (``COST_EXCEEDED``) and so is one that would take the client over
  ``GRAPHQL_COST_PER_MINUTE`` (``THROTTLED``); the client is the signed-in user
  (session or any of their tokens), else the IP address, counted in Django's cache (Redis in
  production, so every app server shares the count). Every response reports
  ``extensions.cost = {requested, remaining, limit, resetAt}``;
* :class:`~graphql_schema.errors.ErrorMasking` and
  :class:`~graphql_schema.errors.ErrorDetails` — how errors are coded, masked and
  logged; they live in :mod:`graphql_schema.errors` and are installed from here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_leaf_type,
)
from graphql.utilities import value_from_ast_untyped
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    SchemaExtension,
)
from strawberry.extensions.max_aliases import create_validator as create_alias_validator
from strawberry.extensions.query_depth_limiter import (
    create_validator as create_depth_validator,
)

from wagtail_network.conf import get_setting

# The largest page a connection serves; also the size assumed for a connection
# asked for without ``first``/``last``.
from .base.connection import MAX_PAGE_SIZE

# Error reporting lives in .errors; imported here for the extensions list and for
# code that imported these names from this module.
from .errors import (
    CODE_ALIAS_LIMIT,
    CODE_COST_EXCEEDED,
    CODE_DEPTH_LIMIT,
    CODE_INTROSPECTION_DISABLED,
    CODE_INVALID_ARGUMENT,
    CODE_THROTTLED,
    ErrorDetails,
    ErrorMasking,
    ProtectionError,
    default_code,
    log_errors,
    should_mask_error,
    with_details,
)

logger = logging.getLogger(__name__)

#: Size assumed for a plain list field without a size argument (profile lists
#: such as skills, positions and links are short; connections carry the fan-out).
LIST_DEFAULT_SIZE = 5
#: Flat cost of each mutation field (it writes, and locks rows).
MUTATION_COST = 10
#: What a field costs on top of the objects it returns, for fields that answer
#: a question per object with several queries of their own (``connectionPath``
#: runs up to five for each member it is asked on), by (type, field).
FIELD_COSTS: dict[tuple[str, str], int] = {("Member", "connectionPath"): 10}
#: Flat cost of an introspection field (``__schema``/``__type``).
INTROSPECTION_COST = 10
WINDOW_SECONDS = 60
SIZE_ARGUMENTS = ("first", "last", "limit")

#: Flat cost of a document that fails to parse or validate: probing the schema
#: with invalid documents spends the budget like any other request.
INVALID_DOCUMENT_COST = 10

# --------------------------------------------------------------------------
# Validation rules: depth, aliases, introspection
# --------------------------------------------------------------------------


class _CodingContext:
    """A validation context that adds ``extensions.code`` to what is reported
    through it, and passes everything else to the real one."""

    def __init__(self, context: Any, code: str) -> None:
        self._context = context
        self._code = code

    def report_error(self, error: GraphQLError) -> None:
        self._context.report_error(
            GraphQLError(
                error.message,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                original_error=error.original_error,
                extensions={**(error.extensions or {}), "code": self._code},
            )
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def coded_rule(rule: type[ASTValidationRule], code: str) -> type[ASTValidationRule]:
    """``rule`` reporting its errors with ``extensions.code = code``.

    graphql-core's and strawberry's rules report plain errors (some straight to the
    context they are built with); a client needs to tell a depth limit from a typo
    without reading the message.
    """

    class CodedRule(rule):  # type: ignore[valid-type,misc]
        def __init__(self, context: Any) -> None:
            super().__init__(_CodingContext(context, code))

    CodedRule.__name__ = CodedRule.__qualname__ = f"Coded{rule.__name__}"
    return CodedRule


@lru_cache(maxsize=32)
def _depth_rule(max_depth: int):
    return coded_rule(create_depth_validator(max_depth, None, None), CODE_DEPTH_LIMIT)


@lru_cache(maxsize=32)
def _alias_rule(max_aliases: int):
    return coded_rule(create_alias_validator(max_aliases), CODE_ALIAS_LIMIT)


_NoIntrospection = coded_rule(NoSchemaIntrospectionCustomRule, CODE_INTROSPECTION_DISABLED)


class ProtectionRules(AddValidationRules):
    """Depth, alias and introspection rules, sized from the settings of this request.

    The rule classes are cached per value, so strawberry's validation cache keeps
    working and a settings change (``override_settings``) takes effect at once.
    """

    def __init__(self) -> None:
        rules = [
            _depth_rule(int(get_setting("GRAPHQL_MAX_DEPTH"))),
            _alias_rule(int(get_setting("GRAPHQL_MAX_ALIASES"))),
        ]
        super().__init__(rules)

    def on_operation(self) -> Iterator[None]:
        # Decided here, where the request is known: "staff" depends on the user.
        request = getattr(self.execution_context.context, "request", None)
        if not introspection_allowed(request):
            self.validation_rules = [*self.validation_rules, _NoIntrospection]
        yield from super().on_operation()


def introspection_allowed(request: Any) -> bool:
    """Whether ``request`` may introspect the schema: ``GRAPHQL_INTROSPECTION`` is
    ``True`` (everyone), ``False`` (no one) or ``"staff"`` (active staff users only,
    the people GraphiQL is served to outside DEBUG)."""
    setting = get_setting("GRAPHQL_INTROSPECTION")
    if setting == "staff":
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_active and user.is_staff)
    return bool(setting)


class TokenLimit(MaxTokensLimiter):
    """strawberry's token limiter, sized from ``GRAPHQL_MAX_TOKENS`` for each request.

    ``MaxTokensLimiter`` takes its limit once, when it is constructed. Installed as
    a class, the extension is constructed for every request, so reading the
    setting here (and only here) lets a settings change take effect at once.
    """

    def __init__(self) -> None:
        super().__init__(max_token_count=int(get_setting("GRAPHQL_MAX_TOKENS")))


# --------------------------------------------------------------------------
# Query cost
# --------------------------------------------------------------------------


def _unwrap_list(type_: Any) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def _is_connection(named: Any) -> bool:
    fields = getattr(named, "fields", None) or {}
    return "edges" in fields and "pageInfo" in fields


class CostAnalysis:
    """Static cost of one operation of a parsed document (see the module docstring)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any] | None,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables or {}

    def operation(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return 0
        per_field = MUTATION_COST if operation.operation == OperationType.MUTATION else 0
        return self.selection_set(operation.selection_set, root, set(), per_field)

    def selection_set(
        self,
        selection_set: SelectionSetNode | None,
        parent: Any,
        seen_fragments: set[str],
        per_field: int = 0,
        in_connection: bool = False,
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += per_field + self.field(selection, parent, seen_fragments, in_connection)
            elif isinstance(selection, InlineFragmentNode):
                target = parent
                if selection.type_condition is not None:
                    target = self.schema.get_type(selection.type_condition.name.value) or parent
                total += self.selection_set(
                    selection.selection_set, target, seen_fragments, per_field, in_connection
                )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen_fragments:
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value) or parent
                total += self.selection_set(
                    fragment.selection_set,
                    target,
                    seen_fragments | {name},
                    per_field,
                    in_connection,
                )
        return total

    def field(self, node: FieldNode, parent: Any, seen: set[str], in_connection: bool) -> int:
        name = node.name.value
        if name == "__typename":
            return 0
        if name in ("__schema", "__type"):
            return INTROSPECTION_COST
        field_def = (getattr(parent, "fields", None) or {}).get(name)
        if field_def is None:
            return 0
        extra = FIELD_COSTS.get((getattr(parent, "name", ""), name), 0)
        return extra + self._field(node, field_def, seen, in_connection)

    def _field(self, node: FieldNode, field_def: Any, seen: set[str], in_connection: bool) -> int:
        name = node.name.value
        named = get_named_type(field_def.type)
        if is_leaf_type(named):
            return 0
        args = self._arguments(node)
        children = self.selection_set(
            node.selection_set, named, seen, in_connection=_is_connection(named)
        )
        if in_connection and name in ("edges", "nodes"):
            # The connection already multiplied by its page size.
            return children
        if _is_connection(named):
            size = self._size(args, MAX_PAGE_SIZE, node)
            return 1 + size * children
        if _unwrap_list(field_def.type):
            size = self._size(args, LIST_DEFAULT_SIZE, node)
            return 1 + size * max(children, 1)
        return 1 + children

    def _arguments(self, node: FieldNode) -> dict[str, Any]:
        """The field's arguments as sent (literals and variables), untyped.

        Only the size arguments matter here, and validation has already checked
        their types; anything unreadable simply does not count.
        """
        args: dict[str, Any] = {}
        for argument in node.arguments or ():
            try:
                args[argument.name.value] = value_from_ast_untyped(argument.value, self.variables)
            except Exception:  # noqa: BLE001 - priced as if absent; execution reports it
                continue
        return args

    def _size(self, args: dict[str, Any], default: int, node: FieldNode) -> int:
        sizes: dict[str, int] = {
            key: value for key in SIZE_ARGUMENTS if isinstance(value := args.get(key), int)
        }
        pagination = args.get("pagination")  # strawberry-django offset pagination input
        limit = pagination.get("limit") if isinstance(pagination, dict) else None
        if isinstance(limit, int) and limit >= 0:
            sizes["pagination.limit"] = limit
        for key, value in sizes.items():
            if value < 0:
                raise ProtectionError(
                    _("Argument '%(name)s' of '%(field)s' must be a non-negative integer.")
                    % {"name": key, "field": node.name.value},
                    CODE_INVALID_ARGUMENT,
                    field=key,
                )
            if value > MAX_PAGE_SIZE and key in ("first", "last"):
                raise ProtectionError(
                    _("Argument '%(name)s' cannot be higher than %(max)d.")
                    % {"name": key, "max": MAX_PAGE_SIZE},
                    CODE_INVALID_ARGUMENT,
                    field=key,
                )
        return max(sizes.values()) if sizes else default


def operation_cost(execution_context: Any) -> int:
    """The cost of the operation an execution context will run."""
    document = execution_context.graphql_document
    if document is None:
        return 0
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    wanted = execution_context.operation_name
    if wanted:
        operations = [o for o in operations if o.name and o.name.value == wanted]
    elif len(operations) > 1:
        return 0  # graphql-core refuses to run an ambiguous document
    # strawberry offers no public accessor for the graphql-core schema it built;
    # its own ValidationCache extension reads the same attribute.
    analysis = CostAnalysis(
        execution_context.schema._schema, fragments, execution_context.variables
    )
    return sum(analysis.operation(op) for op in operations)


def client_key(request: Any) -> str:
    """Whose budget a request spends: the signed-in user (however authenticated, so
    that minting more tokens buys no more budget), else the client's IP address.

    Behind reverse proxies every request arrives from the proxy's address, so all
    visitors would share one budget. With ``TRUSTED_PROXY_COUNT`` = N, the address
    is the N-th entry from the right of ``X-Forwarded-For``: the one the outermost
    trusted proxy saw (entries further left are whatever the client sent, and can be
    forged). A header with fewer entries did not pass through every proxy and is
    ignored, as werkzeug's ``ProxyFix`` does.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    address = request.META.get("REMOTE_ADDR", "unknown")
    proxies = int(get_setting("TRUSTED_PROXY_COUNT") or 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            # Bounded: the key names a cache entry, whatever a client wrote there.
            address = forwarded[-proxies][:64]
    return f"ip:{address}"


def _window() -> tuple[int, int]:
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    return window, (window + 1) * WINDOW_SECONDS


def _cache_key(client: str, window: int) -> str:
    return f"wagtail_network:graphql-cost:{client}:{window}"


def spent_this_minute(request: Any) -> int:
    window, _reset = _window()
    return int(cache.get(_cache_key(client_key(request), window), 0))


def charge(request: Any, cost: int) -> int | None:
    """Spend ``cost`` points of the client's budget for this minute; what the client
    has spent now, or ``None`` when nothing was counted (no per-minute budget)."""
    per_minute = int(get_setting("GRAPHQL_COST_PER_MINUTE") or 0)
    if request is None or per_minute <= 0 or cost <= 0:
        return None
    window, _reset = _window()
    key = _cache_key(client_key(request), window)
    # add() then incr() is atomic on Redis and memcached; the window key
    # expires on its own shortly after the minute ends.
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        return int(cache.incr(key, cost))
    except ValueError:  # evicted between add and incr
        cache.set(key, cost, timeout=WINDOW_SECONDS * 2)
        return cost


class QueryCost(SchemaExtension):
    """Price the operation before it runs, refuse it if over budget, report the cost.

    A document that fails to parse or validate costs :data:`INVALID_DOCUMENT_COST`,
    and a client whose budget is used up is refused before its document is even
    parsed: probing the schema with invalid documents is throttled like querying it.
    """

    def __init__(self) -> None:
        self.requested = 0
        self.spent: int | None = None
        self.charged = False
        self.reset_at = _window()[1]

    def _request(self) -> Any:
        context = self.execution_context.context
        return getattr(context, "request", None) or (
            context.get("request") if isinstance(context, dict) else None
        )

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLError:
            # A document that does not parse ends the operation with this error.
            self._charge_invalid_document()
            raise
        if getattr(self.execution_context.result, "errors", None):
            self._charge_invalid_document()

    def _charge_invalid_document(self) -> None:
        if not self.charged:  # parsing or validation failed: execution never charged
            self.requested = INVALID_DOCUMENT_COST
            self._charge(INVALID_DOCUMENT_COST)

    def on_parse(self) -> Iterator[None]:
        request = self._request()
        per_minute = int(get_setting("GRAPHQL_COST_PER_MINUTE") or 0)
        if request is not None and per_minute > 0:
            window, self.reset_at = _window()
            spent = int(cache.get(_cache_key(client_key(request), window), 0))
            if spent >= per_minute:
                self.spent = spent
                self.charged = True  # nothing more to charge: the request is refused
                raise self._throttled(0, spent, per_minute).as_graphql_error()
        yield

    def on_execute(self) -> Iterator[None]:
        try:
            self._check()
        except ProtectionError as exc:
            from graphql import ExecutionResult as GraphQLExecutionResult

            self.execution_context.result = GraphQLExecutionResult(
                data=None, errors=[exc.as_graphql_error()]
            )
        yield

    def _throttled(self, cost: int, spent: int, per_minute: int) -> ProtectionError:
        return ProtectionError(
            _("Query budget for this minute used up; try again after %(reset)s.")
            % {"reset": self._reset_iso()},
            CODE_THROTTLED,
            cost=cost,
            remaining=max(per_minute - spent, 0),
            resetAt=self._reset_iso(),
        )

    def _check(self) -> None:
        request = self._request()
        max_cost = int(get_setting("GRAPHQL_MAX_COST"))
        per_minute = int(get_setting("GRAPHQL_COST_PER_MINUTE") or 0)
        self.charged = True
        self.requested = cost = operation_cost(self.execution_context)
        if cost > max_cost:
            # Refused, but not free: probing for the limit spends budget too.
            self._charge(INVALID_DOCUMENT_COST)
            raise ProtectionError(
                _("The query costs %(cost)d points; a request may cost at most %(max)d.")
                % {"cost": cost, "max": max_cost},
                CODE_COST_EXCEEDED,
                cost=cost,
                limit=max_cost,
            )
        if request is None or per_minute <= 0:  # 0: no per-minute budget
            return
        window, self.reset_at = _window()
        spent = int(cache.get(_cache_key(client_key(request), window), 0))
        if spent + cost > per_minute:
            self.spent = spent
            raise self._throttled(cost, spent, per_minute)
        self._charge(cost)

    def _charge(self, cost: int) -> None:
        self.charged = True
        self.reset_at = _window()[1]
        spent = charge(self._request(), cost)
        if spent is not None:
            self.spent = spent

    def _reset_iso(self) -> str:
        return _iso(self.reset_at)

    def get_results(self) -> dict[str, Any]:
        request = self._request()
        spent = self.spent
        if spent is None:
            spent = spent_this_minute(request) if request is not None else 0
        return cost_report(self.requested, spent, self.reset_at)


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat().replace("+00:00", "Z")


def cost_report(requested: int, spent: int, reset_at: float) -> dict[str, Any]:
    """``extensions.cost`` of a response: what it cost and the client's own budget."""
    limit = int(get_setting("GRAPHQL_COST_PER_MINUTE") or 0)
    return {
        "cost": {
            "requested": requested,
            "remaining": max(limit - spent, 0) if limit > 0 else None,
            "limit": limit,
            "maxPerRequest": int(get_setting("GRAPHQL_MAX_COST")),
            "resetAt": _iso(reset_at),
        }
    }


def spend_cached(request: Any, cost: int) -> tuple[dict[str, Any], GraphQLError | None]:
    """Spend a cached answer's ``cost`` as if it had run: the client's
    ``extensions.cost``, and the ``THROTTLED`` error when the budget is used up."""
    per_minute = int(get_setting("GRAPHQL_COST_PER_MINUTE") or 0)
    window, reset_at = _window()
    spent = spent_this_minute(request) if per_minute > 0 else 0
    if per_minute > 0 and spent + cost > per_minute:
        error = ProtectionError(
            _("Query budget for this minute used up; try again after %(reset)s.")
            % {"reset": _iso(reset_at)},
            CODE_THROTTLED,
            cost=cost,
            remaining=max(per_minute - spent, 0),
            resetAt=_iso(reset_at),
        )
        return cost_report(cost, spent, reset_at), error.as_graphql_error()
    charged = charge(request, cost)
    return cost_report(cost, charged if charged is not None else spent, reset_at), None


# --------------------------------------------------------------------------
def protection_extensions() -> list[type[SchemaExtension]]:
    """The extensions ``schema.py`` installs, as classes (fresh per request).

    ``ErrorDetails`` comes last: strawberry finishes the extensions' operation
    hooks in list order, so it shapes the errors ``ErrorMasking`` left.
    """
    return [TokenLimit, ProtectionRules, QueryCost, ErrorMasking, ErrorDetails]


__all__ = [
    "CostAnalysis",
    "ErrorDetails",
    "ErrorMasking",
    "ProtectionError",
    "ProtectionRules",
    "QueryCost",
    "TokenLimit",
    "charge",
    "client_key",
    "cost_report",
    "spend_cached",
    "introspection_allowed",
    "operation_cost",
    "protection_extensions",
    "should_mask_error",
    "default_code",
    "log_errors",
    "with_details",
]
