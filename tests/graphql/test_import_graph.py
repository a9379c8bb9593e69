"""The GraphQL package's modules form no import cycle (issue 6, "Layers point one way").

The graph is read from the source with :mod:`ast`, so it holds every import the
code states: module-level ones, the ones under ``if TYPE_CHECKING:`` (a cycle
there still couples the modules for every reader and type checker) and the ones
inside functions. ``strawberry.lazy("module")`` references are strings, not
imports: they are how domain types point at each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import graphql_schema

PACKAGE = "graphql_schema"
ROOT = Path(graphql_schema.__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def shipped_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in sorted(ROOT.rglob("*.py"))
        if "migrations" not in path.parts
    }


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that module ``name`` imports, wherever it does."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # `from package import module` imports the submodule.
            targets = [source] + [f"{source}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            # `import a.b.c` also runs a and a.b; only the named module is an edge
            # here, the package __init__ files import nothing of their own.
            if target in known and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = shipped_modules()
    known = set(modules)
    return {name: imported_modules(name, path, known) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path ``[a, b, …, a]``, or ``None``."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target) :] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_graphql_modules_form_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "Import cycle in graphql_schema: " + " -> ".join(cycle or [])


def test_import_graph_sees_type_checking_and_function_level_imports():
    """The graph the test above checks is complete: imports under TYPE_CHECKING
    and inside functions are edges too."""
    graph = import_graph()
    # members.types names CompanyType for type checkers only.
    assert "graphql_schema.companies.types" in graph["graphql_schema.members.types"]
    # views imports the schema inside get_schema().
    assert "graphql_schema.schema" in graph["graphql_schema.views"]


def test_cycle_finder_reports_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_domain_packages_import_no_other_domain_for_filters():
    """Search, filters and ordering of a directory live in its own domain (or the
    shared base): no domain's filters import another domain's."""
    graph = import_graph()
    for domain in ("members", "companies"):
        imported = graph[f"{PACKAGE}.{domain}.filters"]
        other = {
            m for m in imported if not m.startswith((f"{PACKAGE}.{domain}.", f"{PACKAGE}.base"))
        }
        assert not other, f"{domain}.filters imports {other}"


def test_no_graphql_module_over_700_lines():
    long = {
        name: lines
        for name, path in shipped_modules().items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 700
    }
    assert not long, f"Modules over 700 lines: {long}"
