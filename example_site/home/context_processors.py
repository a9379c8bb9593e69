"""Template context shared by every page of the example site."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import first_live_page


def site_nav(request: HttpRequest) -> dict[str, Any]:
    """The directories linked from the site header.

    Lazy, so a response whose template never shows the header runs no query.
    """
    return {
        "site_nav": {
            "company_index": SimpleLazyObject(lambda: first_live_page("CompanyIndexPage")),
            "member_index": SimpleLazyObject(lambda: first_live_page("MemberIndexPage")),
        }
    }
