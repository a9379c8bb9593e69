"""The member's side of the site in a real browser (issue 10): how a journey opens
a member's browser, visits a page and takes an action, and what every page gets.

A journey runs in one :class:`Setup`: a language (English or Dutch), a viewport
(1280 × 800 or 390 × 844) and JavaScript on or off. :data:`SETUPS` gives each
journey two runs, and across the journeys every one of the eight combinations
appears at least once (``test_member_journeys.py`` checks it).

Every page visited (and every state an action leaves) gets :meth:`Journey.check`:

* axe-core finds no serious or critical violation on the whole document (the
  site's header, navigation count and footer included); the figures of every run
  are collected in :data:`AXE_FIGURES` and printed at the end of the session;
* at 390 px there is no horizontal scroll
  (``document.documentElement.scrollWidth <= clientWidth``);
* the page is in the journey's language (``<html lang>``).

An action with JavaScript on must update the page in place: a marker set on
``window`` before the click survives, and the keyboard focus ends on a control or
region inside ``<main>``, not on ``<body>``. With JavaScript off the same form
posts and the browser follows the redirect.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.test import Client
from django.utils import translation

from tests.browser.helpers import AXE

#: Impact → number of violations (nodes counted per rule) over the session, and the
#: number of screens checked; printed by the conftest's terminal summary.
AXE_FIGURES: Counter = Counter()

WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Setup:
    language: str  # "en" or "nl"
    width: int  # 1280 or 390
    js: bool

    @property
    def viewport(self) -> dict[str, int]:
        return WIDE if self.width == WIDE["width"] else NARROW

    @property
    def id(self) -> str:
        return f"{self.language}-{self.width}-{'js' if self.js else 'nojs'}"

    @property
    def via_switch(self) -> bool:
        """Dutch without JavaScript is chosen with the site's language switch (a plain
        form in the footer, setting the language cookie); Dutch with JavaScript
        through the browser's Accept-Language. English is the default either way."""
        return self.language == "nl" and not self.js


def setups(*pairs: tuple[str, int, bool]) -> list:
    import pytest

    return [pytest.param(Setup(*p), id=Setup(*p).id) for p in pairs]


#: Two runs per journey; together they hold all eight combinations (each journey
#: gets each language, each width and JavaScript on and off once).
SETUPS: dict[str, list] = {
    "invite": setups(("en", 1280, True), ("nl", 390, False)),
    "endorse": setups(("nl", 1280, True), ("en", 390, False)),
    "dismiss": setups(("en", 390, True), ("nl", 1280, False)),
    "claim": setups(("nl", 390, True), ("en", 1280, False)),
    "block": setups(("en", 390, True), ("nl", 1280, False)),
    "forged": setups(("en", 1280, True), ("nl", 390, False)),
}


@dataclass
class Journey:
    """One journey's browsers: one context per member, in the journey's setup."""

    setup: Setup
    browser: Any
    url: str
    network: Any = None
    contexts: list = field(default_factory=list)
    axe_context: Any = None

    # -- translations -------------------------------------------------------

    def t(self, message: str) -> str:
        with translation.override(self.setup.language):
            return translation.gettext(message)

    def pt(self, context: str, message: str) -> str:
        with translation.override(self.setup.language):
            return translation.pgettext(context, message)

    # -- browsers -----------------------------------------------------------

    def build(self, *, connected: bool = False):
        """The journey's network (tests/browser/member_data.py), pointed at the server."""
        from tests.browser.member_data import build_member_network

        self.network = build_member_network(self.setup.language, connected=connected)
        self.network.url = self.url
        return self.network

    def open(self, user, *, js: bool | None = None, viewport: dict | None = None):
        """A browser of ``user``'s own, signed in, in the journey's setup."""
        js = self.setup.js if js is None else js
        context = self.browser.new_context(
            viewport=viewport or self.setup.viewport,
            locale="nl-NL"
            if self.setup.language == "nl" and not self.setup.via_switch
            else "en-GB",
            java_script_enabled=js,
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        # Signed in the way Django's test client does (a session row, its cookie):
        # the site's login page is not what these journeys are about.
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": self.url,
                }
            ]
        )
        page = context.new_page()
        if self.setup.via_switch:
            self.switch_language(page)
        return page

    def switch_language(self, page) -> None:
        """Choose the journey's language in the footer's switch, as a visitor would."""
        page.goto(urljoin(self.url, "/"))
        page.select_option("#language-select", self.setup.language)
        with page.expect_navigation():
            page.locator(".language-form button[type=submit]").click()
        assert page.evaluate("document.documentElement.lang") == self.setup.language

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    # -- pages --------------------------------------------------------------

    def visit(self, page, path: str, *, status: int = 200):
        response = page.goto(urljoin(self.url, path))
        assert response is not None, path
        assert response.status == status, f"{path}: {response.status}"
        self.check(page)
        return response

    def check(self, page) -> None:
        """What every page (and every state an action leaves) must pass."""
        lang = page.evaluate("document.documentElement.lang")
        assert lang == self.setup.language, f"{page.url}: <html lang={lang!r}>"
        if self.setup.width < WIDE["width"]:
            widths = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert widths[0] <= widths[1], f"{page.url}: scrolls sideways at {widths}"
        if self.setup.js:
            assert_accessible(page)
        else:
            self.assert_accessible_without_js(page)

    def assert_accessible_without_js(self, page) -> None:
        """axe-core runs on timers, which a page with JavaScript off never fires: the
        page's own markup, as served, is checked in a twin page with JavaScript on
        (same URL, viewport and style sheets; the HTML taken from the page)."""
        if self.axe_context is None:
            self.axe_context = self.browser.new_context(viewport=self.setup.viewport)
            self.contexts.append(self.axe_context)
        html, url = page.content(), page.url.split("#", 1)[0]
        twin = self.axe_context.new_page()
        try:
            twin.route(
                url,
                lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"),
            )
            twin.goto(url)
            assert_accessible(twin)
        finally:
            twin.close()

    # -- actions ------------------------------------------------------------

    def act(self, page, control, *, navigates: bool = False) -> None:
        """Press ``control`` (a submit button) and wait for the page's answer.

        With JavaScript on, htmx updates the page in place: the page must not have
        reloaded (``window.__wnMarker`` survives) and the focus must be on an element
        of ``<main>``. ``navigates`` is for an action that leaves the page on purpose
        (Block redirects to My network).
        """
        if not self.setup.js or navigates:
            with page.expect_navigation():
                control.click()
            self.check(page)
            return
        page.evaluate(
            """() => {
                window.__wnMarker = "still here";
                window.__wnSettled = new Promise(resolve =>
                    document.addEventListener("htmx:afterSettle", () => resolve(true), {once: true})
                );
            }"""
        )
        control.click()
        assert page.evaluate("() => window.__wnSettled") is True, f"{page.url}: no htmx update"
        assert page.evaluate("() => window.__wnMarker") == "still here", "the page reloaded"
        focus = page.evaluate(
            """() => {
                const el = document.activeElement;
                return {
                    body: !el || el === document.body,
                    inMain: !!(el && el.closest("main")),
                    label: el ? (el.id || el.getAttribute("data-wn-focus") || el.tagName) : "",
                };
            }"""
        )
        assert not focus["body"] and focus["inMain"], f"{page.url}: focus lost: {focus}"
        self.check(page)

    @staticmethod
    def messages(page) -> str:
        """The site's live region of status messages (#wn-messages)."""
        return page.locator("#wn-messages").inner_text()


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8") + "\n;true"


def assert_accessible(page) -> None:
    """No serious or critical axe-core violation on the whole document."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol rather than a <script> tag, which
        # a page with JavaScript off would never run.
        page.evaluate(_axe_source())
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    AXE_FIGURES["screens"] += 1
    found = []
    for violation in results["violations"]:
        AXE_FIGURES[violation["impact"] or "unknown"] += len(violation["nodes"])
        if violation["impact"] in ("serious", "critical"):
            targets = [" ".join(node["target"]) for node in violation["nodes"]]
            found.append((violation["id"], violation["help"], targets[:5]))
    assert not found, f"{page.url}: axe violations: {found}"
