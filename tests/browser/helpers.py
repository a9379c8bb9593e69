"""What every browser test asserts about a screen, and how it signs in.

* :func:`assert_listing_layout`: no listing row taller than :data:`MAX_ROW_HEIGHT`
  at 1280 × 800, no table cell reading a raw ``True``/``False``;
* :func:`assert_links_allowed`: no link on the screen (or in the Network menu)
  answers 403/404 or Wagtail's "Sorry, you do not have permission to access this
  area" (it redirects to the admin home with that message);
* :func:`assert_accessible`: axe-core finds no serious or critical violation in
  the screen's own content (see :data:`AXE_ALLOWLIST`);
* :func:`check_screen`: all three.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.utils import translation

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORT = {"width": 1280, "height": 800}
MAX_ROW_HEIGHT = 120
RAW_BOOLEANS = ("True", "False")

#: Links never followed: signing out ends the test's session; the others answer
#: files or change language state rather than show a screen.
SKIPPED_LINKS = re.compile(r"/admin/logout/|[?&]export=|/template/|\.csv$|^mailto:|^#")

#: axe rules broken by Wagtail's own markup on the admin's screens, outside the
#: plugin's control: rule id -> CSS selector prefixes of the nodes Wagtail renders.
#: A violation is only excused on those nodes. Empty: none found so far. Checked
#: everywhere: the screen's ``<main>`` (the sidebar is Wagtail's), except its
#: status messages (Wagtail's, measured mid fade-in they fail color-contrast).
AXE_ALLOWLIST: dict[str, tuple[str, ...]] = {}


def denied_message(language: str) -> str:
    """Wagtail's refusal (wagtail/admin/auth.py), in the user's admin language."""
    with translation.override(language):
        return translation.gettext("Sorry, you do not have permission to access this area.")


def login(page, site, user) -> None:
    """Sign in on Wagtail's own login form, as the user would."""
    page.goto(f"{site.url}/admin/login/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", "password")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{site.url}/admin/")


def goto(page, site, path: str):
    response = page.goto(urljoin(site.url, path))
    assert response is not None, path
    return response


def listing_rows(page) -> list[dict]:
    """Each listing row's height and each cell's text, as drawn."""
    return page.eval_on_selector_all(
        "main table tbody tr",
        """rows => rows.map(row => ({
            height: row.getBoundingClientRect().height,
            text: row.innerText.slice(0, 80),
            cells: Array.from(row.cells).map(cell => cell.innerText.trim()),
        }))""",
    )


def assert_listing_layout(page) -> int:
    """No row taller than :data:`MAX_ROW_HEIGHT` px, no cell reading True/False.
    Returns the number of rows checked."""
    rows = listing_rows(page)
    tall = [(round(r["height"]), r["text"]) for r in rows if r["height"] > MAX_ROW_HEIGHT]
    assert not tall, f"{page.url}: rows taller than {MAX_ROW_HEIGHT} px: {tall}"
    raw = [(cell, r["text"]) for r in rows for cell in r["cells"] if cell in RAW_BOOLEANS]
    assert not raw, f"{page.url}: cells reading a raw boolean: {raw}"
    return len(rows)


def network_menu_urls(page) -> list[str]:
    """The URL of every item of the Network menu the signed-in user is shown
    (read from the sidebar's data, so no menu needs opening)."""
    props = page.eval_on_selector("#wagtail-sidebar-props", "node => node.textContent")
    pattern = r'"url": "(/admin/(?:network|snippets/wagtail_network)/[^"]*)"'
    return sorted(set(re.findall(pattern, props)))


def link_shape(href: str) -> str:
    """A link with its ids replaced: ``/admin/pages/12/edit/`` and
    ``/admin/pages/13/edit/`` are the same screen for a user with the same rights
    on both, and one of each shape is fetched."""
    parts = urlsplit(href)
    keys = "&".join(sorted(pair.split("=")[0] for pair in parts.query.split("&") if pair))
    return re.sub(r"\d+", "N", parts.path) + "?" + keys


def page_links(page) -> list[str]:
    """One link of each shape in the screen's own content (not the sidebar: see
    :func:`network_menu_urls`). Bulk-action buttons are left out: their URL is
    completed by script with the selected rows' ids."""
    hrefs = page.eval_on_selector_all(
        "main a[href]:not([data-bulk-action-button])",
        "links => links.map(link => link.getAttribute('href'))",
    )
    shapes: dict[str, str] = {}
    for href in hrefs:
        if href and not SKIPPED_LINKS.search(href):
            shapes.setdefault(link_shape(href), href)
    return sorted(shapes.values())


def assert_links_allowed(page, site, links: list[str]) -> None:
    """Each link, fetched with the user's cookies, opens: no 403/404, no redirect to
    Wagtail's refusal.

    A link is fetched once per user, test and shape (:func:`link_shape`); one that only
    changes the query of the screen on show (sorting, paging, filtering) opens the
    same view as that screen, already open, and is not fetched again.
    """
    denied = denied_message(site.language)
    origin = urlsplit(site.url)
    here = urlsplit(page.url).path
    checked = site.checked_links.setdefault(id(page.context), set())  # per signed-in user
    urls = []
    for href in links:
        url = urljoin(page.url, href)
        parts = urlsplit(url)
        shape = link_shape(parts.path + ("?" + parts.query if parts.query else ""))
        if parts.netloc != origin.netloc or parts.path == here or shape in checked:
            continue
        checked.add(shape)
        urls.append(url)
    # Fetched by the page itself (its cookies, redirects followed), a few at a time:
    # the live server answers in threads, so both cores work.
    answers = page.evaluate(
        """async ([urls, denied]) => {
            const answers = [];
            for (let i = 0; i < urls.length; i += 4) {
                answers.push(...await Promise.all(urls.slice(i, i + 4).map(async url => {
                    const response = await fetch(url, {credentials: "same-origin"});
                    const type = response.headers.get("content-type") || "";
                    const body = type.includes("html") ? await response.text() : "";
                    return [url, response.status, body.includes(denied)];
                })));
            }
            return answers;
        }""",
        [urls, denied],
    )
    failures = [
        (url, status, "denied" if refused else "")
        for url, status, refused in answers
        if status in (403, 404) or refused
    ]
    assert not failures, f"{page.url}: links that refuse the user: {failures}"


def assert_not_refused(page, site) -> None:
    """The screen on show is not Wagtail's refusal."""
    assert denied_message(site.language) not in page.content(), f"{page.url}: refused"


#: Screens axe-core has checked this run, by link shape and language: a screen's
#: markup comes from its template whichever role opens it, so each is checked once.
AXE_CHECKED: set[tuple[str, str]] = set()


def assert_accessible(page, language: str | None = None) -> None:
    """No serious or critical axe-core violation in the screen's own content."""
    if language is not None:
        key = (link_shape(urlsplit(page.url).path), language)
        if key in AXE_CHECKED:
            return
        AXE_CHECKED.add(key)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """() => axe.run(
            {include: [["main"]], exclude: [[".messages"]]},
            {resultTypes: ["violations"]},
        )"""
    )
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        excused = AXE_ALLOWLIST.get(violation["id"], ())
        nodes = [
            " ".join(node["target"])
            for node in violation["nodes"]
            if not any(" ".join(node["target"]).startswith(prefix) for prefix in excused)
        ]
        if nodes:
            found.append((violation["id"], violation["help"], nodes[:5]))
    assert not found, f"{page.url}: axe violations: {found}"


def check_screen(page, site, *, listing: bool = True, links: bool = True) -> None:
    """The checks every screen a flow visits gets."""
    assert_not_refused(page, site)
    if listing:
        assert_listing_layout(page)
    assert_accessible(page, site.language)
    if links:
        assert_links_allowed(page, site, page_links(page))


def sidebar_urls(page) -> list[str]:
    """Every admin URL in the signed-in user's sidebar menus."""
    props = page.eval_on_selector("#wagtail-sidebar-props", "node => node.textContent")
    return sorted(set(re.findall(r'"url": "(/admin/[^"]*)"', props)))


def click(locator) -> None:
    """Click a link or button, opening the dropdown menu it sits in first if it
    is hidden there (a page's header menu, the editor's publish menu)."""
    if not locator.is_visible():
        # Wagtail's dropdowns move their content into a popup when they start, so
        # the toggle is found by trying the visible ones, not by the link's parents.
        page = locator.page
        for toggle in page.locator("[data-w-dropdown-target='toggle']").all():
            if not toggle.is_visible():
                continue
            toggle.click()
            if locator.is_visible():
                break
            page.keyboard.press("Escape")
    locator.click()


def submit(locator) -> None:
    """Click a button or link that loads another screen, and wait until it has
    loaded (a POST's redirect included) before the test reads the database."""
    with locator.page.expect_navigation():
        click(locator)


def t(site, message: str) -> str:
    """``message`` as the site's users read it (their admin language)."""
    with translation.override(site.language):
        return translation.gettext(message)


def messages_text(page) -> str:
    """The admin's status messages on the screen (successes and errors)."""
    return " ".join(page.locator(".messages").all_inner_texts())
