"""Template helpers for the plugin's public pages: ``{% load wagtail_network_tags %}``."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def initials(name: str | None) -> str:
    """Up to two initials of a name, for the avatar shown when there is no photo."""
    parts = [part for part in (name or "").split() if part[:1].isalpha()]
    if not parts:
        return "?"
    letters = parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")
    return letters.upper()


@register.simple_tag(takes_context=True)
def page_query(context: template.Context, page_number: int) -> str:
    """The current query string with ``page`` replaced, for pagination links.

    Keeps search and filters; drops empty parameters so URLs stay short.
    """
    request = context.get("request")
    params = request.GET.copy() if request is not None else None
    if params is None:
        return f"?page={page_number}"
    for key in [key for key, value in params.items() if not value]:
        del params[key]
    params["page"] = str(page_number)
    return "?" + params.urlencode()


@register.inclusion_tag("wagtail_network/includes/avatar.html")
def avatar(image, name: str, size: str = "md", alt: str = "") -> dict:
    """A square photo or logo rendition, or the name's initials when there is none.

    ``size`` is ``sm`` (64 px), ``md`` (128 px) or ``lg`` (256 px). The rendition
    specs are in ``WAGTAIL_NETWORK["RENDITION_SPECS"]`` so the API and the pages share
    the same generated files.
    """
    specs = {"sm": "fill-64x64", "md": "fill-128x128", "lg": "fill-256x256"}
    return {
        "image": image,
        "name": name,
        "size": size,
        "spec": specs.get(size, specs["md"]),
        "alt": alt,
    }


@register.filter
def open_to_labels(member) -> list[str]:
    """The translated "open to" labels a member has switched on."""
    from ..models import OpenTo

    return [str(OpenTo(value).label) for value in getattr(member, "open_to", [])]


@register.filter
def http_url(value: str | None) -> str:
    """``value`` if it is an http(s) URL, else an empty string.

    Profile links and websites come from members (through the API too); a
    ``javascript:`` or ``data:`` URL in an ``href`` would run in visitors' browsers,
    so only web addresses are ever linked.
    """
    url = (value or "").strip()
    if url.lower().startswith(("https://", "http://")):
        return url
    return ""
