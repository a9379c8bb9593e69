"""What the wheel promises: its dependencies, its layering, its type information.

The shipped packages are ``wagtail_network`` (the app) and ``graphql_schema`` (the
API built on it). These tests read their source with :mod:`ast`, so an import
hidden inside a function or under ``TYPE_CHECKING`` counts like any other.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterator
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("wagtail_network", "graphql_schema")


def _modules(package: str, *, migrations: bool = True) -> Iterator[Path]:
    for path in sorted((ROOT / package).rglob("*.py")):
        if migrations or "migrations" not in path.relative_to(ROOT).parts:
            yield path


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """``(line, absolute module name)`` of every import statement in ``path``."""
    yield from _imports_in(path.read_text(encoding="utf-8"), path.relative_to(ROOT))


def _imports_in(source: str, relative_path: Path) -> Iterator[tuple[int, str]]:
    # ast.walk reaches imports inside functions, classes and ``if TYPE_CHECKING:``.
    tree = ast.parse(source, filename=str(relative_path))
    package = list(relative_path.with_suffix("").parts)
    if relative_path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                yield node.lineno, ".".join([*base, node.module] if node.module else base)
            else:
                yield node.lineno, node.module or ""


def _distribution_name(requirement: str) -> str:
    name = re.match(r"[A-Za-z0-9._-]+", requirement).group(0)
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_app_never_imports_the_graphql_package() -> None:
    # The API is built on the app, never the other way round: a site may run the
    # app without the API, and the app's rules cannot come to depend on it.
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in _modules("wagtail_network")
        for line, module in _imports(path)
        if module == "graphql_schema" or module.startswith("graphql_schema.")
    ]
    assert offenders == []


def test_the_import_walk_sees_nested_and_relative_imports() -> None:
    # Guards the test above: imports under TYPE_CHECKING, inside a function and
    # relative ones must all be found, resolved to absolute names.
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from graphql_schema.views import NetworkGraphQLView\n"
        "def f():\n"
        "    import graphql_schema.auth\n"
        "from . import errors\n"
        "from ..graphql_schema import schema\n"
    )
    found = sorted(name for _line, name in _imports_in(source, Path("wagtail_network/views.py")))
    assert found == [
        "graphql_schema",
        "graphql_schema.auth",
        "graphql_schema.views",
        "typing",
        "wagtail_network",
    ]


def test_runtime_dependencies_are_exactly_what_the_shipped_packages_import() -> None:
    # Every third-party module the shipped code imports is declared (not left to
    # arrive through Wagtail), and nothing is declared that only the example site
    # uses. Migrations are left out: they record whichever module a base class
    # lived in when they were generated (modelsearch.index, through Wagtail).
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {_distribution_name(r) for r in pyproject["project"]["dependencies"]}
    dists_of = packages_distributions()

    imported: dict[str, str] = {}
    for package in SHIPPED:
        for path in _modules(package, migrations=False):
            for _line, module in _imports(path):
                top = module.partition(".")[0]
                if top in SHIPPED or top in sys.stdlib_module_names or top == "__future__":
                    continue
                for dist in dists_of.get(top, [top]):
                    imported.setdefault(_distribution_name(dist), str(path.relative_to(ROOT)))

    assert sorted(set(imported) - declared) == [], "imported but not declared"
    assert sorted(declared - set(imported)) == [], "declared but never imported"


def test_both_packages_ship_their_type_information() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = pyproject["tool"]["setuptools"]["package-data"]
    for package in SHIPPED:
        assert (ROOT / package / "py.typed").is_file()
        assert "py.typed" in package_data[package]
