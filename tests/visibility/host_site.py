"""A host site's URLs with the search view exactly as ``wagtail start`` writes it.

The view is loaded from Wagtail's own project template (``search/views.py``), not
copied, so the tests run the code a new Wagtail site ships with: it searches
``Page.objects.live().search(query)`` and applies no visibility rule of its own.
Its template is the project template's ``search/search.html``, rendered the way
``wagtail start`` renders it (:data:`SEARCH_TEMPLATES` for ``override_settings``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import wagtail
from django.conf import settings
from django.template import Context, Engine
from django.urls import path

from example_site import urls as example_urls

PROJECT_TEMPLATE = Path(wagtail.__file__).parent / "project_template"


def _load_search_views() -> Any:
    spec = importlib.util.spec_from_file_location(
        "wagtail_start_search_views", PROJECT_TEMPLATE / "search" / "views.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _search_template() -> str:
    """``search/search.html`` as ``wagtail start`` writes it into a new project."""
    source = (PROJECT_TEMPLATE / "search" / "templates" / "search" / "search.html").read_text()
    return Engine().from_string(source).render(Context({}, autoescape=False))


search_views = _load_search_views()

# The host's search before everything else, as `wagtail start` orders its URLs.
urlpatterns = [
    path("search/", search_views.search, name="search"),
    *example_urls.urlpatterns,
]

#: TEMPLATES with the project template's search page first (the example site's
#: base.html and the apps' templates behind it).
SEARCH_TEMPLATES = [
    {
        **settings.TEMPLATES[0],
        "APP_DIRS": False,
        "OPTIONS": {
            **settings.TEMPLATES[0]["OPTIONS"],
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {"search/search.html": _search_template()},
                ),
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        },
    }
]
