"""`make demo` runs example_site.settings.demo: DEBUG off (the site's own error pages,
never a traceback), static files and uploaded images still served, GraphiQL open."""

from __future__ import annotations

import importlib
import sys

import pytest
from django.test import Client, override_settings
from django.urls import clear_url_caches


def demo_settings():
    sys.modules.pop("example_site.settings.demo", None)
    try:
        return importlib.import_module("example_site.settings.demo")
    finally:
        sys.modules.pop("example_site.settings.demo", None)


def test_demo_settings_run_with_debug_off_and_graphiql_open():
    demo = demo_settings()
    assert demo.DEBUG is False
    assert demo.WAGTAIL_NETWORK["GRAPHIQL"] is True
    assert demo.WHITENOISE_USE_FINDERS is True
    assert demo.MIDDLEWARE[0] == "wagtail_network.busy.DatabaseBusyMiddleware"


@pytest.fixture
def as_demo(settings):
    """The test settings with the demo's differences applied, and the URLconf re-read."""
    demo = demo_settings()
    settings.DEBUG = False
    settings.SERVE_MEDIA = True
    settings.WAGTAIL_NETWORK = {**settings.WAGTAIL_NETWORK, **demo.WAGTAIL_NETWORK}
    sys.modules.pop("example_site.urls", None)
    clear_url_caches()
    yield
    sys.modules.pop("example_site.urls", None)
    clear_url_caches()


@pytest.mark.django_db
def test_demo_serves_uploaded_images_with_debug_off(as_demo, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    response = Client().get("/media/images/x.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.django_db
def test_demo_serves_graphiql_to_visitors(as_demo):
    response = Client().get("/graphql/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert b"graphiql" in response.content.lower()


@pytest.mark.django_db
def test_demo_answers_an_unknown_page_with_its_own_404_page(as_demo):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Traceback" not in response.content


@pytest.mark.django_db
def test_graphiql_setting_false_serves_it_to_no_one(settings):
    settings.WAGTAIL_NETWORK = {**settings.WAGTAIL_NETWORK, "GRAPHIQL": False}
    with override_settings(DEBUG=True):
        response = Client().get("/graphql/", headers={"Accept": "text/html"})
    assert response.status_code == 404
