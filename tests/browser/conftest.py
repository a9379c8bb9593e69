"""The admin in a real browser: Playwright's Python client driving Debian's Chromium.

Run with ``make test-browser`` or ``tox -e browser`` (the main ``make test`` leaves
this folder out and says so; see tests/conftest.py). Needs:

* ``/usr/bin/chromium`` (Debian's ``chromium`` package; set ``CHROMIUM`` to use
  another binary). Playwright never downloads a browser here.
* axe-core from npm: ``npm ci`` in this folder (tests/browser/package.json).

Every test runs against pytest-django's ``live_server`` (a transactional
database: each test's rows are flushed afterwards, and the rows Wagtail's
migrations made, the root page and the default Site, are restored through
serialized rollback). The test database is a file, not SQLite's shared
in-memory database: the server answers in its own threads, each with its own
connection (WAL and a busy timeout, from the example site's settings).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.helpers import AXE, CHROMIUM, VIEWPORT

# Playwright's synchronous API runs its event loop in the test's thread, so Django
# sees "an async context" and refuses ORM calls from the test (the data each test
# builds). The test code itself is synchronous; the server runs in its own threads.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

LANGUAGES = ("en", "nl")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """A file, not shared memory, for an SQLite test database (see the module's doc)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        directory = tempfile.mkdtemp(prefix="wagtail-network-browser-")
        database.setdefault("TEST", {})["NAME"] = os.path.join(directory, "test.sqlite3")


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"No Chromium at {CHROMIUM}: apt-get install -y chromium (or set CHROMIUM).")
    if not AXE.exists():
        pytest.fail(f"No axe-core at {AXE}: run `npm ci` in {AXE.parent.parent.parent}.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def django_db_setup(playwright_driver, django_db_setup) -> None:
    """pytest-django's test database, created once Playwright runs.

    Playwright's synchronous API hands the test code a context of its own, and
    Django keeps its database connections in context variables: a database set
    up before Playwright started would be reached through another connection,
    without the serialized rows that restore what the migrations made (the root
    page, the default Site) after each test's flush.
    """


@pytest.fixture(scope="session")
def browser(playwright_driver) -> Iterator:
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def context(browser) -> Iterator:
    """A fresh browser profile per test (its own cookies), at 1280 × 800."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture(params=LANGUAGES)
def language(request) -> str:
    """Each flow runs once in English and once in Dutch (the users' admin language)."""
    return request.param


@pytest.fixture
def site(live_server, django_db_serialized_rollback, language):
    """The running server and a network with one user per role, in ``language``."""
    from tests.browser.data import build_network

    network = build_network(language)
    network.url = live_server.url
    network.language = language
    return network


@pytest.fixture
def journey(request, live_server, django_db_serialized_rollback, browser) -> Iterator:
    """A member journey (issue 10) in the setup it is parametrized with
    (``tests.browser.members.SETUPS``, passed indirectly): its browsers, closed
    afterwards. The test builds its network with ``journey.build(...)``."""
    from tests.browser.members import Journey

    journey = Journey(setup=request.param, browser=browser, url=live_server.url)
    yield journey
    journey.close()


def pytest_terminal_summary(terminalreporter) -> None:
    """The axe-core figures of the member journeys: screens checked, nodes per impact."""
    from tests.browser.members import AXE_FIGURES

    if AXE_FIGURES["screens"]:
        figures = ", ".join(
            f"{impact} {AXE_FIGURES[impact]}"
            for impact in ("critical", "serious", "moderate", "minor")
        )
        terminalreporter.write_line(
            f"axe-core on the member's pages: {AXE_FIGURES['screens']} screens checked; "
            f"violating nodes: {figures}"
        )
