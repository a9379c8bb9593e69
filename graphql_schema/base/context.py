"""What a resolver learns from the request: the viewer, and page URLs without a
query per row."""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from wagtail_network.viewer import Viewer


def request_of(info: Info) -> Any:
    """The Django request behind ``info`` (``None`` outside a request)."""
    request = getattr(info.context, "request", None)
    if request is None and isinstance(info.context, dict):
        request = info.context.get("request")
    return request


def viewer_of(info: Info) -> Viewer:
    """Who is making the request: the request's :class:`~wagtail_network.viewer.Viewer`
    (one per request, shared by every resolver), to pass to the visibility rules;
    ``.user`` is the user (anonymous when nobody signed in)."""
    request = request_of(info)
    if request is None:
        return Viewer()
    return Viewer.for_request(request)


def user_of(info: Info) -> Any:
    """The user the request is authenticated as (session or bearer token), anonymous
    when nobody signed in."""
    return viewer_of(info).user


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


__all__ = ["page_url", "request_of", "site_root_paths", "user_of", "viewer_of"]
