"""Absolute URLs, all from Wagtail's ``Site`` record.

A link the network hands out (a profile URL over GraphQL, an image rendition, a
data-export link, a sitemap entry, an e-mail later) must name the same origin
whether it is built in a request, in an e-mail or in background work with no
request at all. The origin therefore comes from Wagtail's :class:`~wagtail.models.Site`
(``Site.root_url``: hostname and port as editors set them under Settings → Sites),
never from the request's ``Host`` header: a request only picks *which* site
(``Site.find_for_request``, falling back to the default site), as Wagtail's own
``Page.get_full_url(request)`` does. Page URLs go through ``Page.get_full_url``
itself; everything else that is a path on the site goes through
:func:`absolute_url`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from wagtail.models import Site

__all__ = ["absolute_url", "is_absolute", "site_for", "site_root_url"]


def site_for(request: Any = None) -> Site | None:
    """The Wagtail site serving ``request``, or the default site when there is no
    request (background work, management commands). ``None`` when the database
    holds no site at all."""
    if request is not None:
        # Cached on the request by Wagtail itself; falls back to the default site
        # when the Host header names no site.
        site = Site.find_for_request(request)
        if site is not None:
            return site
    return Site.objects.filter(is_default_site=True).first()


def site_root_url(request: Any = None) -> str:
    """The origin links are built on, without a trailing slash
    (``https://network.example.org``, ``http://127.0.0.1:8000``).

    The site's ``root_url``; with no Site record at all, Wagtail's
    ``WAGTAILADMIN_BASE_URL`` (the admin's own setting for links in its e-mails),
    and only then the request's own host.
    """
    site = site_for(request)
    if site is not None:
        return site.root_url
    base_url = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    if base_url:
        return base_url.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return ""


def is_absolute(url: str) -> bool:
    """Whether ``url`` already names an origin (``https://cdn…``, ``//cdn…``)."""
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


def absolute_url(url: str, request: Any = None) -> str:
    """``url`` made absolute on the site's origin (:func:`site_root_url`).

    A URL that already names an origin is returned unchanged: media served from a
    CDN (an absolute ``MEDIA_URL``) keeps the CDN's URL.
    """
    if not url or is_absolute(url):
        return url
    if not url.startswith("/"):
        url = "/" + url
    return site_root_url(request) + url
