"""Absolute URLs come from Wagtail's Site record: GraphQL page URLs, image renditions,
the data-export link and the sitemap name the site's origin, never the request's host."""

from __future__ import annotations

import pytest
import wagtail_factories
from django.test import Client, override_settings
from wagtail.models import Site

from tests.factories import (
    CompanyIndexPageFactory,
    CompanyPageFactory,
    MemberIndexPageFactory,
    MemberPageFactory,
    UserFactory,
)
from tests.graphql.conftest import post_graphql
from wagtail_network import privacy
from wagtail_network.sites import absolute_url, site_root_url

pytestmark = pytest.mark.django_db

ORIGIN = "https://network.example.org"
BUDGET = {"GRAPHQL_MAX_COST": 10**9, "GRAPHQL_COST_PER_MINUTE": 10**9}


@pytest.fixture
def network(default_site: Site):
    # Port 443 makes Wagtail's root_url https; the test client's Host stays
    # "testserver", which names no site, so Wagtail falls back to this default one.
    default_site.hostname = "network.example.org"
    default_site.port = 443
    default_site.save()
    root = default_site.root_page
    members = MemberIndexPageFactory(parent=root)
    companies = CompanyIndexPageFactory(parent=root)
    company = CompanyPageFactory(
        parent=companies, title="Initech", slug="initech", logo=wagtail_factories.ImageFactory()
    )
    user = UserFactory(username="alice")
    member = MemberPageFactory(
        parent=members,
        title="Alice",
        slug="alice",
        user=user,
        photo=wagtail_factories.ImageFactory(),
    )
    return member, company


@override_settings(WAGTAIL_NETWORK=BUDGET)
def test_member_and_company_urls_use_the_site_records_origin(network) -> None:
    body = post_graphql('{ member(slug: "alice") { url } company(slug: "initech") { url } }')

    assert "errors" not in body, body
    assert body["data"]["member"]["url"] == f"{ORIGIN}/members/alice/"
    assert body["data"]["company"]["url"] == f"{ORIGIN}/companies/initech/"


@override_settings(WAGTAIL_NETWORK=BUDGET)
def test_a_request_on_the_sites_own_host_gets_the_same_urls(network) -> None:
    client = Client(HTTP_HOST="network.example.org")
    body = post_graphql('{ member(slug: "alice") { url } }', client=client)

    assert body["data"]["member"]["url"] == f"{ORIGIN}/members/alice/"


@override_settings(WAGTAIL_NETWORK=BUDGET)
def test_rendition_url_is_absolute_beside_its_relative_url(network) -> None:
    body = post_graphql(
        '{ member(slug: "alice") { photo { url relativeUrl } } '
        'company(slug: "initech") { logo { url relativeUrl } } }'
    )

    assert "errors" not in body, body
    logo = body["data"]["company"]["logo"]
    assert logo["relativeUrl"].startswith("/media/images/")
    assert logo["url"] == ORIGIN + logo["relativeUrl"]
    # A member photo's address is the checked view's (wagtail_network.photos).
    photo = body["data"]["member"]["photo"]
    assert photo["relativeUrl"].startswith("/network/photo/")
    assert photo["url"] == ORIGIN + photo["relativeUrl"]


@override_settings(WAGTAIL_NETWORK=BUDGET, MEDIA_URL="https://cdn.example.net/media/")
def test_rendition_url_keeps_an_absolute_media_url(network) -> None:
    body = post_graphql(
        '{ member(slug: "alice") { photo { url } } '
        'company(slug: "initech") { logo { url relativeUrl } } }'
    )

    logo = body["data"]["company"]["logo"]
    assert logo["url"].startswith("https://cdn.example.net/media/images/")
    assert logo["relativeUrl"] == logo["url"]
    # Member photos are never handed out at their media address, a CDN's included.
    assert body["data"]["member"]["photo"]["url"].startswith(f"{ORIGIN}/network/photo/")


def test_export_link_uses_the_site_origin_with_or_without_a_request(network, rf) -> None:
    member, _company = network
    without_request, _expires = privacy.make_export_link(member.user)
    with_request, _expires = privacy.make_export_link(
        member.user, rf.get("/", HTTP_HOST="testserver")
    )

    assert without_request.startswith(f"{ORIGIN}/network/account/export/")
    assert with_request.startswith(f"{ORIGIN}/network/account/export/")


def test_privacy_export_profile_url_is_absolute_on_the_site_origin(network) -> None:
    member, _company = network

    data = privacy.export_member_data(member.user)

    assert data["profile"]["url"] == f"{ORIGIN}/members/alice/"


def test_sitemap_lists_pages_on_the_site_origin(network, client: Client) -> None:
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    xml = response.content.decode()
    assert f"<loc>{ORIGIN}/members/alice/</loc>" in xml
    assert "http://localhost" not in xml and "testserver" not in xml


def test_absolute_url_falls_back_to_wagtailadmin_base_url_without_any_site(db) -> None:
    Site.objects.all().delete()

    with override_settings(WAGTAILADMIN_BASE_URL="https://admin.example.org/"):
        assert site_root_url() == "https://admin.example.org"
        assert absolute_url("/media/a.png") == "https://admin.example.org/media/a.png"
    assert absolute_url("//cdn.example.net/a.png") == "//cdn.example.net/a.png"
