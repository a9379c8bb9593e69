"""Notifications in a real browser: Ann invites Ben from his page; Ben (who chose
Dutch for his e-mails on the preferences page) sees the count in the navigation,
the notification on his page and gets the e-mail in Dutch; he accepts and Ann is
told; Ann switches invitations off and a new one tells her nothing; the e-mail's
unsubscribe link works in a browser that never signed in. axe-core on every new
page, at 1280 px and 390 px."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from tests.browser.helpers import assert_accessible
from tests.factories import MemberIndexPageFactory, MemberPageFactory, UserFactory, site_root
from wagtail_network import notifications, services
from wagtail_network.models import Notification, NotificationEmail

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def people(live_server):
    directory = MemberIndexPageFactory(parent=site_root())

    def member(handle: str, name: str):
        return MemberPageFactory(
            parent=directory, title=name, slug=handle, user=UserFactory(username=handle)
        )

    return {
        "url": live_server.url,
        "ann": member("ann", "Ann Smith"),
        "ben": member("ben", "Ben Jones"),
        "cas": member("cas", "Cas de Vries"),
    }


def signed_in(browser, people, handle: str, *, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{people['url']}/accounts/login/")
    page.fill("input[name=username]", handle)
    page.fill("input[name=password]", "password")
    with page.expect_navigation():
        page.click("main button[type=submit], main input[type=submit]")
    return context, page, errors


def nav_count(page) -> str:
    return page.locator("#wn-notifications-count").inner_text().strip()


def fits(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.evaluate("() => window.innerWidth")
    assert width <= viewport, f"{page.url}: {width}px wide in a {viewport}px window"


def test_invite_notify_mail_accept_switch_off_and_unsubscribe(browser, people):
    url = people["url"]
    ben_context, ben, ben_errors = signed_in(browser, people, "ben")
    ann_context, ann, ann_errors = signed_in(browser, people, "ann")

    # Ben chooses Dutch for his e-mails.
    ben.goto(f"{url}/network/notifications/preferences/")
    assert_accessible(ben)
    ben.select_option("select[name=email_language]", "nl")
    with ben.expect_navigation():
        ben.get_by_role("button", name="Save settings").click()
    assert "Your notification settings are saved." in ben.locator("#wn-messages").inner_text()
    assert notifications.language_for(people["ben"].user) == "nl"

    # Ann invites Ben from his page.
    ann.goto(f"{url}/members/ben/")
    ann.get_by_role("button", name="Connect (Ben Jones)").click()
    ann.wait_for_selector("text=Withdraw invitation")

    # Ben's navigation counts it; his page lists it.
    ben.goto(f"{url}/")
    assert nav_count(ben).endswith("1")
    assert "1 unread" in ben.get_by_role("link", name=re.compile("Notifications")).inner_text()
    ben.goto(f"{url}/network/notifications/")
    assert_accessible(ben)
    assert ben.get_by_role("link", name="Ann Smith invited you to connect.").is_visible()

    # The e-mail went to Ben, in Dutch.
    sent = [m for m in mail.outbox if people["ben"].user.email in m.to]
    assert len(sent) == 1
    record = NotificationEmail.objects.get(recipient=people["ben"].user)
    assert record.language == "nl"
    assert "Ann Smith heeft je uitgenodigd om te connecten." in sent[0].subject
    assert "Bekijk het op de site" in sent[0].body
    unsubscribe = re.search(r"https?://\S+/network/notifications/unsubscribe/\S+/", sent[0].body)
    assert unsubscribe, sent[0].body

    # Marking read with htmx updates the list and the count in place.
    ben.evaluate("window.__notReloaded = true")
    ben.get_by_role("button", name=re.compile("^Mark read")).click()
    ben.wait_for_selector(".wn-notification:not(.wn-notification--unread)")
    assert ben.evaluate("window.__notReloaded") is True
    assert nav_count(ben) == ""
    assert "Notification marked as read." in ben.locator("#wn-messages").inner_text()
    assert_accessible(ben)

    # At 390 px the page fits and passes axe too.
    ben.set_viewport_size({"width": 390, "height": 800})
    ben.goto(f"{url}/network/notifications/")
    fits(ben)
    assert_accessible(ben)
    ben.goto(f"{url}/network/notifications/preferences/")
    fits(ben)
    ben.set_viewport_size({"width": 1280, "height": 800})

    # Ben accepts from My network; Ann is told.
    ben.goto(f"{url}/network/")
    # The browser may put a space before the visually hidden ": Ann Smith".
    ben.get_by_role("button", name=re.compile(r"^Accept\W*Ann Smith$")).click()
    ben.wait_for_selector("#connections >> text=Ann Smith")
    ann.goto(f"{url}/network/notifications/")
    assert "1" in nav_count(ann)
    link = ann.get_by_role("link", name="Ben Jones accepted your invitation to connect.")
    with ann.expect_navigation():
        link.click()
    assert ann.url.rstrip("/").endswith("/members/ben")

    # Ann switches invitations off: Cas's invitation tells her nothing.
    ann.goto(f"{url}/network/notifications/preferences/")
    ann.select_option("select[name=invitation_received]", "off")
    with ann.expect_navigation():
        ann.get_by_role("button", name="Save settings").click()
    services.request_connection(people["cas"].user, people["ann"])
    assert not Notification.objects.filter(
        recipient=people["ann"].user, kind="invitation_received"
    ).exists()

    # The e-mail's unsubscribe link, in a browser that never signed in.
    fresh = browser.new_context(viewport={"width": 390, "height": 800})
    page = fresh.new_page()
    # The e-mail's address is the Wagtail Site's (localhost:80); the path on the live server.
    page.goto(url + urlsplit(unsubscribe.group(0)).path)
    text = page.locator("main").inner_text()
    # In Ben's e-mail language (Dutch), whatever the browser's: he is who reads it.
    assert "Je krijgt geen e-mails meer over Uitnodigingen om te connecten" in text
    assert notifications.channel_for(people["ben"].user, "invitation_received") == "in_app"
    fits(page)
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Ongedaan maken").click()
    assert notifications.channel_for(people["ben"].user, "invitation_received") == "email"
    page.goto(f"{url}/network/notifications/unsubscribe/not-a-token/")
    assert "This link is not valid" in page.locator("main").inner_text()
    assert_accessible(page)
    fresh.close()

    assert not ben_errors and not ann_errors
    ben_context.close()
    ann_context.close()
