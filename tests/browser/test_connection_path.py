""" "How you are connected" on a member page and "Your connections here" on a
company page in Chromium, at 1280 px and 390 px, with JavaScript off (both
sections are plain markup): axe-core finds no serious or critical violation, the
page never scrolls sideways, and the path reads in order.

Set ``WAGTAIL_NETWORK_SCREENSHOTS`` to a folder to keep a full-page screenshot of
each screen.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.conf import settings
from django.test import Client
from wagtail_factories import ImageFactory

from tests.browser.helpers import assert_accessible
from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    PositionFactory,
    UserFactory,
    connect,
    site_root,
)

WIDTHS = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 800}}


def build():
    root = site_root()
    members = MemberIndexPageFactory(parent=root, title="Members")
    companies = CompanyIndexPageFactory(parent=root, title="Companies")
    photo = ImageFactory()

    def member(name, **kwargs):
        kwargs.setdefault("connections_visibility", "public")
        kwargs.setdefault("positions_visibility", "public")
        return MemberPageFactory(
            parent=members,
            title=name,
            user=UserFactory(username=name.split()[0].lower()),
            **kwargs,
        )

    me = member("Mira Viewer", photo=photo)
    anna = member("Anna de Vries", photo=photo)
    bram = member("Bram Jansen-Oudshoorn van der Veen")  # a long name, initials only
    cees = member("Cees Bakker", headline="Data engineer")
    connect(me, anna)
    connect(anna, bram)
    connect(bram, cees)
    acme = CompanyPageFactory(parent=companies, title="Acme Widgets")
    for colleague in (anna, bram):
        PositionFactory(member=colleague, company=acme, title="Engineer")
    dora = member("Dora Former")
    connect(me, dora)
    PositionFactory(member=dora, company=acme, title="Intern", is_current=False)
    return me, cees, acme


def signed_in_page(browser, base_url, user, viewport):
    context = browser.new_context(viewport=viewport, locale="en-GB", java_script_enabled=False)
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )
    return context, context.new_page()


def accessible_in_a_twin(browser, page, viewport) -> None:
    """axe-core needs JavaScript: the served markup, checked in a twin page with it on."""
    twin_context = browser.new_context(viewport=viewport)
    try:
        twin = twin_context.new_page()
        html, url = page.content(), page.url.split("#", 1)[0]
        twin.route(
            url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8")
        )
        twin.goto(url)
        assert_accessible(twin)
    finally:
        twin_context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_path_and_company_sections_are_accessible_and_fit_at_each_width(
    live_server, django_db_serialized_rollback, browser, width
):
    me, cees, acme = build()
    viewport = WIDTHS[width]
    context, page = signed_in_page(browser, live_server.url, me.user, viewport)
    shots = os.environ.get("WAGTAIL_NETWORK_SCREENSHOTS")
    try:
        for name, target in (("member-3-hops", cees), ("company", acme)):
            response = page.goto(urljoin(live_server.url, target.url))
            assert response is not None and response.status == 200
            scroll, client_width = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert scroll <= client_width, f"{name} scrolls sideways at {width}px"
            accessible_in_a_twin(browser, page, viewport)
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(Path(shots) / f"{name}-{width}.png"), full_page=True)
            if name == "member-3-hops":
                steps = page.locator(".wn-path__list > li .wn-path__name").all_inner_texts()
                assert steps == [
                    "You",
                    "Anna de Vries",
                    "Bram Jansen-Oudshoorn van der Veen",
                    "Cees Bakker",
                ]
            else:
                here = page.locator("#wn-connections-here").locator("xpath=..")
                # Bram works there too, but is no connection of the viewer's.
                text = here.inner_text()
                assert "1 of your connections works here" in text
                assert "Anna de Vries" in text and "Bram" not in text
    finally:
        context.close()
