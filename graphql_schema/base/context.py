"""What a resolver learns from the request: the viewer, and page URLs without a
query per row."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from strawberry.types import Info


def request_of(info: Info) -> Any:
    """The Django request behind ``info`` (``None`` outside a request)."""
    request = getattr(info.context, "request", None)
    if request is None and isinstance(info.context, dict):
        request = info.context.get("request")
    return request


def viewer_of(info: Info) -> Any:
    """The user making the request (anonymous when nobody signed in)."""
    return getattr(request_of(info), "user", None) or AnonymousUser()


def site_root_paths(info: Info) -> list[Any]:
    """Wagtail's site root paths, read once per request (Wagtail caches them
    between requests itself)."""
    from wagtail.models import Site

    request = request_of(info)
    if request is not None:
        cached = getattr(request, "_wagtail_network_root_paths", None)
        if cached is not None:
            return cached
    paths = Site.get_site_root_paths()
    if request is not None:
        request._wagtail_network_root_paths = paths
    return paths


def page_url(info: Info, url_path: str) -> str | None:
    """The absolute URL of a page from its ``url_path`` (as ``Page.full_url`` would
    give it), without loading the page's site or parents."""
    for root in site_root_paths(info):
        if url_path.startswith(root.root_path):
            return root.root_url + url_path[len(root.root_path) - 1 :]
    return None


__all__ = ["page_url", "request_of", "site_root_paths", "viewer_of"]
