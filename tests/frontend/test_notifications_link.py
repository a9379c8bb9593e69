"""The navigation's "Notifications" link: the unread count in one SQL query at most
(none for anonymous visitors), once per request however often a template asks, with
the element htmx updates always there for a signed-in user."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from tests.factories import MemberIndexPageFactory, MemberPageFactory, UserFactory, site_root
from tests.frontend.test_nav_count import render
from wagtail_network import services

pytestmark = pytest.mark.django_db

LINK = "{% load wagtail_network_tags %}{% notifications_link %}"
TWICE = LINK + "|" + LINK


@pytest.fixture
def bob():
    directory = MemberIndexPageFactory(parent=site_root())

    def member(name):
        return MemberPageFactory(
            parent=directory, title=name.title(), slug=name, user=UserFactory(username=name)
        )

    bob = member("bob")
    for name in ("alice", "carol", "dave"):
        services.request_connection(member(name).user, bob)
    return bob


def test_the_link_names_the_unread_count_for_screen_readers(bob):
    html = render(LINK, bob.user)
    assert 'href="/network/notifications/"' in html
    text = re.sub(r"<[^>]+>", "", html.replace('aria-hidden="true">3<', "><")).strip()
    assert text == "Notifications, 3 unread"


def test_the_count_is_one_query_however_often_the_link_is_placed(
    bob, django_assert_max_num_queries
):
    request = RequestFactory().get("/")
    request.user = bob.user
    with django_assert_max_num_queries(1):
        assert render(TWICE, bob.user, request).count("3 unread") == 2


def test_nothing_for_an_anonymous_visitor_and_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert render(LINK, AnonymousUser()).strip() == ""


def test_the_count_element_is_there_and_hidden_when_nothing_is_unread():
    user = UserFactory(username="quiet")
    html = render(LINK, user)
    assert re.search(r'<span id="wn-notifications-count" class="wn-nav-count" hidden></span>', html)
    assert re.sub(r"<[^>]+>", "", html).strip() == "Notifications"


def test_the_link_is_current_on_the_notifications_page(bob):
    request = RequestFactory().get("/network/notifications/")
    request.user = bob.user
    assert 'aria-current="page"' in render(LINK, bob.user, request)
    assert 'aria-current="page"' not in render(LINK, bob.user)


def test_the_site_navigation_shows_it_once_to_signed_in_users_only(bob):
    client = Client()
    client.force_login(bob.user)
    html = client.get("/network/").content.decode()
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'id="wn-notifications-count"' in nav
    assert html.count('id="wn-notifications-count"') == 1
    assert 'id="wn-notifications-count"' not in Client().get("/accounts/login/").content.decode()


def test_the_account_page_links_the_preferences(bob):
    client = Client()
    client.force_login(bob.user)
    assert (
        'href="/network/notifications/preferences/"'
        in client.get("/network/account/").content.decode()
    )
