"""Fixtures shared by the whole suite.

Factories (tests/factories.py) build the data; fixtures here only hand out
what every test module would otherwise look up itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from wagtail.models import Page, Site


@pytest.fixture
def default_site(db) -> Site:
    """The default Wagtail Site (created by the example site's migrations)."""
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def site_root(default_site: Site) -> Page:
    """The default site's root page, under which tests add directories and profiles."""
    return default_site.root_page.specific


#: The admin browser tests (tests/browser) need Chromium and axe-core and take
#: minutes: they run in their own leg (``make test-browser``, ``tox -e browser``),
#: which passes ``--browser`` (or sets this variable to 1).
BROWSER_TESTS_ENV = "WAGTAIL_NETWORK_BROWSER_TESTS"
BROWSER_TESTS_DIR = Path(__file__).parent / "browser"
BROWSER_TESTS_SKIPPED = "browser tests not run here: make test-browser (or tox -e browser)"


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--browser",
        action="store_true",
        help="Also collect the admin browser tests in tests/browser (Chromium, axe-core).",
    )


def browser_tests_enabled(config) -> bool:
    return bool(config.getoption("--browser")) or os.environ.get(BROWSER_TESTS_ENV) == "1"


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    if collection_path == BROWSER_TESTS_DIR and not browser_tests_enabled(config):
        return True
    return None


def pytest_report_header(config) -> list[str]:
    """Name the user model in the run's header: CI's legs run on different ones;
    and say when the browser tests are left out."""
    from django.conf import settings

    lines = [f"user model: {settings.AUTH_USER_MODEL} (TEST_USER_MODEL=email switches it)"]
    if not browser_tests_enabled(config):
        lines.append(BROWSER_TESTS_SKIPPED)
    return lines


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not browser_tests_enabled(config):
        terminalreporter.write_line(BROWSER_TESTS_SKIPPED)


@pytest.fixture(autouse=True)
def _empty_caches():
    """Every test starts with empty caches: the suggestion pools are kept per member
    id, and ids are reused between tests when the database rolls back (SQLite)."""
    from django.core.cache import caches

    from graphql_schema import shared_facts

    for cache in caches.all():
        cache.clear()
    # Kept per process like a cache (keyed by its generation, which clearing restarts).
    shared_facts.forget()
