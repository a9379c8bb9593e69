"""What a resolver learns from the request: the viewer, and absolute page URLs
without a query per row."""

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


def page_url(info: Info, page: Any) -> str | None:
    """The absolute URL of ``page`` on its Wagtail site's origin (``Site.root_url``).

    Wagtail's own ``Page.get_full_url(request)``: it needs only the page's
    ``url_path`` (load it with ``only=["url_path"]``) and caches the site root
    paths on the request, so a list costs no query per row.
    """
    return page.get_full_url(request_of(info))


__all__ = ["page_url", "request_of", "user_of", "viewer_of"]
