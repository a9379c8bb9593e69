"""Fixtures shared by the whole suite.

Factories (tests/factories.py) build the data; fixtures here only hand out
what every test module would otherwise look up itself.
"""

from __future__ import annotations

import pytest
from wagtail.models import Page, Site


@pytest.fixture
def default_site(db) -> Site:
    """The default Wagtail Site (created by the example site's migrations)."""
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def site_root(default_site: Site) -> Page:
    """The default site's root page, under which tests add directories and profiles."""
    return default_site.root_page.specific


def pytest_report_header(config) -> str:
    """Name the user model in the run's header: CI's legs run on different ones."""
    from django.conf import settings

    return f"user model: {settings.AUTH_USER_MODEL} (TEST_USER_MODEL=email switches it)"
