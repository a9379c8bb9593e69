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
