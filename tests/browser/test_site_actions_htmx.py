"""Site actions in a real browser: htmx updates the page in place, keeps the
keyboard focus on the equivalent control, announces the message in the live
region, logs no console error; without JavaScript the same forms post and
redirect; the pages pass axe-core at 360 px and 1280 px."""

from __future__ import annotations

import pytest

from tests.browser.helpers import assert_accessible
from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    SkillFactory,
    UserFactory,
    connect,
    invite,
    site_root,
)
from wagtail_network.models import Connection, Endorsement, Follow

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def people(live_server):
    root = site_root()
    directory = MemberIndexPageFactory(parent=root)
    companies = CompanyIndexPageFactory(parent=root)
    ann = MemberPageFactory(
        parent=directory, title="Ann Smith", slug="ann", user=UserFactory(username="ann")
    )
    ben = MemberPageFactory(
        parent=directory, title="Ben Jones", slug="ben", user=UserFactory(username="ben")
    )
    ben.skills.add(SkillFactory(name="Python"))
    ben.save()
    acme = CompanyPageFactory(parent=companies, title="Acme", slug="acme")
    return {"url": live_server.url, "ann": ann, "ben": ben, "acme": acme}


def signed_in(browser, people, *, width: int = 1280, javascript: bool = True):
    context = browser.new_context(
        viewport={"width": width, "height": 800}, java_script_enabled=javascript
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{people['url']}/accounts/login/")
    page.fill("input[name=username]", "ann")
    page.fill("input[name=password]", "password")
    with page.expect_navigation():
        page.click("main button[type=submit], main input[type=submit]")
    return context, page, errors


def focused(page) -> str:
    return page.evaluate(
        "document.activeElement.getAttribute('data-wn-focus') || document.activeElement.id"
    )


def own_errors(errors: list[str]) -> list[str]:
    # Chromium asks for /favicon.ico, which the example site does not serve.
    return [e for e in errors if "Failed to load resource" not in e]


@pytest.mark.parametrize("width", [1280, 360])
def test_connect_and_endorse_update_in_place_with_focus_kept(browser, people, width):
    context, page, errors = signed_in(browser, people, width=width)
    page.goto(f"{people['url']}/members/ben/")
    assert_accessible(page)
    page.evaluate("window.__notReloaded = true")

    page.get_by_role("button", name="Connect (Ben Jones)").click()
    page.wait_for_selector("text=Withdraw invitation")
    assert page.evaluate("window.__notReloaded") is True
    assert "Invitation sent to Ben Jones." in page.inner_text("#wn-messages")
    assert page.get_attribute("#wn-messages", "role") == "status"
    assert focused(page) == "connection"
    assert Connection.objects.filter(requester=people["ann"], recipient=people["ben"]).exists()
    if width == 360:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

    Connection.objects.filter(state="pending").delete()
    connect(people["ann"], people["ben"])
    page.reload()
    page.get_by_role("button", name="Endorse (Python)").click()
    page.wait_for_selector("text=Withdraw endorsement")
    assert focused(page).startswith("skill-")
    assert "1 endorsement" in page.inner_text("#wn-profile")
    assert Endorsement.objects.filter(endorser=people["ann"]).count() == 1
    assert_accessible(page)
    assert own_errors(errors) == []
    context.close()


def test_follow_updates_the_count_in_place(browser, people):
    context, page, errors = signed_in(browser, people)
    page.goto(f"{people['url']}/companies/acme/")
    assert_accessible(page)
    page.get_by_role("button", name="Follow (Acme)").click()
    page.wait_for_selector("text=1 follower")
    assert focused(page) == "follow"
    assert "You follow Acme." in page.inner_text("#wn-messages")
    assert Follow.objects.filter(member=people["ann"]).exists()
    page.goto(f"{people['url']}/network/mutual/{people['ben'].pk}/")
    assert "Mutual connections with Ben Jones" in page.inner_text("h1")
    assert_accessible(page)
    assert own_errors(errors) == []
    context.close()


def test_block_loads_my_network_instead_of_swapping(browser, people):
    context, page, errors = signed_in(browser, people)
    page.goto(f"{people['url']}/members/ben/")
    page.locator("summary", has_text="Block").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, block").click()
    assert page.url.endswith("#blocked")
    assert "You blocked Ben Jones." in page.inner_text("#wn-messages")
    assert own_errors(errors) == []
    context.close()


def test_without_javascript_the_forms_post_and_redirect(browser, people):
    context, page, _errors = signed_in(browser, people, javascript=False)
    page.goto(f"{people['url']}/members/ben/")
    with page.expect_navigation():
        page.get_by_role("button", name="Connect (Ben Jones)").click()
    assert page.url == f"{people['url']}/members/ben/"
    assert "Invitation sent to Ben Jones." in page.inner_text("#wn-messages")
    assert page.get_by_role("button", name="Withdraw invitation (Ben Jones)").is_visible()
    context.close()


def test_accept_updates_the_navigation_count_out_of_band(browser, people):
    invite(people["ben"], people["ann"], message="Hello Ann")
    context, page, errors = signed_in(browser, people)
    page.goto(f"{people['url']}/members/ben/")
    assert "Hello Ann" in page.inner_text("#wn-profile")
    assert page.locator("#wn-nav-count").get_attribute("hidden") is None
    page.get_by_role("button", name="Accept (Ben Jones)").click()
    page.wait_for_selector("text=You are now connected with Ben Jones.")
    assert page.locator("#wn-nav-count").get_attribute("hidden") is not None
    assert "1st" in page.inner_text(".wn-relationship")
    assert focused(page) == "connection"
    assert own_errors(errors) == []
    context.close()
