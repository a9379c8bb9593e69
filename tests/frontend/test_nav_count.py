"""The navigation's "My network" count: what waits for the member's answer, in one SQL
query at most (none for anonymous visitors), once per request however often a template
asks; and the link that shows it, always carrying the element htmx updates."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from tests.factories import MemberIndexPageFactory, MemberPageFactory, UserFactory, site_root
from tests.frontend.test_my_network import invite, recommend
from wagtail_network.models import ConnectionState, RecommendationState

pytestmark = pytest.mark.django_db

TWICE = (
    "{% load wagtail_network_tags %}{% network_waiting_count as n %}{{ n }}|"
    "{% network_waiting_count as m %}{{ m }}"
)
LINK = "{% load wagtail_network_tags %}{% my_network_link %}"


def render(source: str, user, request=None) -> str:
    if request is None:
        request = RequestFactory().get("/")
        request.user = user
    return engines["django"].from_string(source).render({"request": request}, request)


@pytest.fixture
def network():
    """alice with two pending invitations, an ignored one, one from an unpublished
    profile; a recommendation waiting for her, a hidden one, a published one and a
    declined one; bob's invitation and recommendation that concern someone else."""
    directory = MemberIndexPageFactory(parent=site_root())

    def member(name: str, **kwargs):
        return MemberPageFactory(
            parent=directory,
            title=name.title(),
            slug=name,
            user=UserFactory(username=name),
            **kwargs,
        )

    alice = member("alice")
    bob, carol, dave, erin, frank, grace, heidi, ivan = (
        member(name) for name in ("bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan")
    )
    drafty = member("drafty", live=False)
    invite(bob, alice)
    invite(carol, alice)
    invite(dave, alice, state=ConnectionState.IGNORED)
    invite(drafty, alice)
    invite(alice, erin)  # sent: waits for erin, not for alice
    invite(bob, ivan)
    recommend(frank, alice, "waiting")
    recommend(grace, alice, "hidden", is_hidden=True)
    recommend(heidi, alice, "published", state=RecommendationState.PUBLISHED)
    recommend(ivan, alice, "declined", state=RecommendationState.DECLINED)
    recommend(frank, bob, "for bob")
    return alice


def test_the_count_is_pending_invitations_plus_recommendations_waiting(network):
    # bob's and carol's invitations, frank's recommendation; not the ignored one, the
    # unpublished inviter's, the sent one, nor the hidden, published or declined ones.
    assert render(TWICE, network.user) == "3|3"


def test_the_count_is_one_query_for_a_member_however_often_it_is_used(
    network, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.user = network.user
    with django_assert_num_queries(1):
        assert render(TWICE, network.user, request) == "3|3"
        assert "3 waiting" in render(LINK, network.user, request)


def test_the_count_costs_no_query_for_an_anonymous_visitor(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert render(TWICE, AnonymousUser()) == "0|0"
        assert render(LINK, AnonymousUser()) == ""


def test_a_user_without_a_profile_counts_zero_in_one_query(django_assert_num_queries):
    user = UserFactory(username="newcomer")
    with django_assert_num_queries(1):
        assert render(TWICE, user) == "0|0"


def test_the_link_names_the_count_for_screen_readers(network):
    html = render(LINK, network.user)
    assert 'href="/network/"' in html
    text = re.sub(r"<[^>]+>", "", html.replace('aria-hidden="true">3<', "><"))
    assert text == "My network, 3 waiting"
    assert '<span id="wn-nav-count"' in html


def test_the_count_element_is_there_and_hidden_when_nothing_waits():
    user = UserFactory(username="quiet")
    MemberPageFactory(parent=MemberIndexPageFactory(parent=site_root()), user=user)
    html = render(LINK, user)
    assert re.search(r'<span id="wn-nav-count" class="wn-nav-count" hidden></span>', html)
    assert re.sub(r"<[^>]+>", "", html) == "My network"


def test_the_link_is_marked_current_on_my_network():
    user = UserFactory(username="here")
    # A member: a user without a profile is shown "Join the network" instead.
    MemberPageFactory(parent=MemberIndexPageFactory(parent=site_root()), user=user)
    request = RequestFactory().get("/network/")
    request.user = user
    assert 'aria-current="page"' in render(LINK, user, request)
    assert 'aria-current="page"' not in render(LINK, user)


def test_the_site_navigation_shows_the_link_to_members_only(network):
    client = Client()
    client.force_login(network.user)
    html = client.get("/network/").content.decode()
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'id="wn-nav-count"' in nav
    assert html.count('id="wn-nav-count"') == 1
    anonymous = Client().get("/accounts/login/").content.decode()
    assert 'id="wn-nav-count"' not in anonymous


# --------------------------------------------------------------------------
# "Join the network" for a signed-in user without a profile
# --------------------------------------------------------------------------

JOIN_URLS = "tests.urlconfs.join_page"


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@override_settings(ROOT_URLCONF=JOIN_URLS)
def test_a_user_without_a_profile_is_offered_join_in_one_query(django_assert_num_queries):
    user = UserFactory(username="newcomer")
    request = RequestFactory().get("/")
    request.user = user
    with django_assert_num_queries(1):
        html = render(LINK, user, request)
        assert render(TWICE, user, request) == "0|0"
    assert f'href="{reverse("wagtail_network:edit_profile")}"' in html
    assert _text(html) == "Join the network"
    # The actions' out-of-band swap still finds its target.
    assert '<span id="wn-nav-count" class="wn-nav-count" hidden></span>' in html


@override_settings(ROOT_URLCONF=JOIN_URLS)
def test_a_member_with_a_profile_keeps_my_network_in_one_query(network, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = network.user
    with django_assert_num_queries(1):
        html = render(LINK, network.user, request)
    assert 'href="/network/"' in html
    assert "Join the network" not in html


@override_settings(ROOT_URLCONF=JOIN_URLS)
def test_an_unpublished_profile_is_a_profile_not_a_reason_to_join():
    user = UserFactory(username="waiting")
    MemberPageFactory(parent=MemberIndexPageFactory(parent=site_root()), user=user, live=False)
    html = render(LINK, user)
    assert _text(html) == "My network"


@override_settings(ROOT_URLCONF=JOIN_URLS)
def test_visitors_get_neither_link(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert render(LINK, AnonymousUser()) == ""


@override_settings(ROOT_URLCONF=JOIN_URLS)
def test_the_join_link_is_marked_current_on_the_join_page():
    user = UserFactory(username="joining")
    request = RequestFactory().get(reverse("wagtail_network:edit_profile"))
    request.user = user
    assert 'aria-current="page"' in render(LINK, user, request)


@override_settings(ROOT_URLCONF="tests.urlconfs.no_join_page")
def test_without_a_join_page_a_user_without_a_profile_sees_my_network():
    # My network's page says how to join; the navigation never fails to render.
    html = render(LINK, UserFactory(username="nojoin"))
    assert 'href="/network/"' in html
    assert _text(html) == "My network"


@override_settings(ROOT_URLCONF=JOIN_URLS)
def test_the_site_navigation_offers_join_to_a_signed_in_user_without_a_profile():
    client = Client()
    client.force_login(UserFactory(username="navjoin"))
    html = client.get("/network/account/").content.decode()
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert "Join the network" in nav
    assert "My network" not in nav
