"""Template helpers for the plugin's public pages: ``{% load wagtail_network_tags %}``."""

from __future__ import annotations

import datetime

from django import template
from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, formats, timezone
from django.utils.translation import get_language

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


#: The rendition spec of each avatar size (all in ``RENDITION_SPECS``).
AVATAR_SPECS = {"sm": "fill-64x64", "md": "fill-128x128", "lg": "fill-256x256"}


@register.inclusion_tag("wagtail_network/includes/avatar.html")
def avatar(image, name: str, size: str = "md", alt: str = "") -> dict:
    """A square logo (or other image) rendition, or the name's initials when there is
    none. Member photos use :func:`member_avatar` (their checked URL) instead.

    ``size`` is ``sm`` (64 px), ``md`` (128 px) or ``lg`` (256 px). The rendition
    specs are in ``WAGTAIL_NETWORK["RENDITION_SPECS"]`` so the API and the pages share
    the same generated files.
    """
    return {
        "image": image,
        "name": name,
        "size": size,
        "spec": AVATAR_SPECS.get(size, AVATAR_SPECS["md"]),
        "alt": alt,
    }


@register.inclusion_tag("wagtail_network/includes/avatar.html")
def member_avatar(member, size: str = "md", alt: str = "") -> dict:
    """A member's photo, or their initials when there is none: like :func:`avatar`,
    but the picture's address is the checked one
    (:func:`wagtail_network.photos.member_photo_url`), which serves it only to
    viewers who may see the profile, never the rendition file's public address.

    ``{% member_avatar member "sm" %}``. The rendition is looked up (and made on
    first use) here as ``{% image %}`` would, from prefetched renditions when the
    page prefetched them, so the ``<img>`` keeps its width and height.
    """
    from wagtail.images.models import SourceImageIOError

    from ..photos import member_photo_url

    spec = AVATAR_SPECS.get(size, AVATAR_SPECS["md"])
    context = {"image": None, "name": getattr(member, "title", ""), "size": size, "alt": alt}
    image = getattr(member, "photo", None) if getattr(member, "photo_id", None) else None
    if image is None:
        return context
    try:
        rendition = image.get_rendition(spec)
    except SourceImageIOError:
        # The original is missing from storage: the initials, not a broken picture.
        return context
    context.update(
        url=member_photo_url(member, spec), width=rendition.width, height=rendition.height
    )
    return context


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


# --------------------------------------------------------------------------
# Messages, shown once per request
# --------------------------------------------------------------------------

#: Set on the request once its messages are on the page.
MESSAGES_SHOWN = "wagtail_network_messages_shown"


@register.inclusion_tag("wagtail_network/includes/messages.html", takes_context=True)
def network_messages(context: template.Context) -> dict:
    """The request's Django messages, rendered by the first call in a response only.

    The plugin's pages show their own messages (a host's ``base.html`` may not);
    a host base template that shows messages uses this same tag, so that each
    message appears once whichever template renders first.

    The first call always renders the live region ``<div id="wn-messages"
    role="status">``, even with no message: htmx swaps the messages of an action
    into it (``hx-select-oob="#wn-messages:innerHTML"``), and a screen reader
    announces a change only in a region that was already on the page. Later calls
    render nothing (``show`` false), so the id stays unique.
    """
    request = context.get("request")
    if request is None or getattr(request, MESSAGES_SHOWN, False):
        return {"messages": [], "show": False}
    setattr(request, MESSAGES_SHOWN, True)
    return {"messages": list(get_messages(request)), "show": True}


# --------------------------------------------------------------------------
# Dates in the visitor's regional format
# --------------------------------------------------------------------------


def visitor_format_locale(request: HttpRequest | None) -> str:
    """The locale whose date formats the visitor expects.

    The page's language is the active one (``LANGUAGES`` may list only ``en``);
    its regional variant comes from the browser's ``Accept-Language``: an en-GB
    browser reading the English page gets day-month-year, an en-US one
    month-day-year. The first preferred locale sharing the page's language wins;
    without one, the page's language decides.
    """
    language = get_language() or "en"
    base = language.split("-")[0].lower()
    header = request.headers.get("Accept-Language", "") if request is not None else ""
    ranked = []
    for position, item in enumerate(header.split(",")[:20]):
        tag, _sep, params = item.strip().partition(";")
        tag = tag.strip().lower()
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and len(tag) <= 20 and quality > 0:
            ranked.append((-quality, position, tag))
    for _quality, _position, tag in sorted(ranked):
        if tag.split("-")[0] == base:
            return tag
    return language


@register.simple_tag(takes_context=True)
def network_date(context: template.Context, value, format_name: str = "SHORT_DATE_FORMAT") -> str:
    """``value`` (a date or datetime) in one of Django's named formats
    (``DATE_FORMAT``, ``SHORT_DATETIME_FORMAT``, …) of the visitor's regional locale
    (:func:`visitor_format_locale`), in the site's time zone. Empty for no value."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    pattern = formats.get_format(format_name, lang=visitor_format_locale(context.get("request")))
    return dateformat.format(value, pattern)


# --------------------------------------------------------------------------
# My network: the navigation link and its count
# --------------------------------------------------------------------------


def _nav_state(context: template.Context):
    from ..my_network import NO_PROFILE, nav_state_for_request

    request = context.get("request")
    if request is None:
        user = context.get("user")
        if user is None or not getattr(user, "is_authenticated", False):
            return NO_PROFILE
        return nav_state_for_request(None, user)
    return nav_state_for_request(request)


@register.simple_tag(takes_context=True)
def network_waiting_count(context: template.Context) -> int:
    """How many things wait for the signed-in member's answer: invitations still
    pending (not ignored) plus recommendations waiting for them (not hidden).

    ``{% network_waiting_count as n %}``. One SQL query for a signed-in user, none
    for an anonymous visitor, and one per request however often it is used
    (kept on the request, shared with ``{% my_network_link %}``). See
    :func:`wagtail_network.my_network.nav_state`.
    """
    return _nav_state(context).waiting


@register.inclusion_tag("wagtail_network/includes/my_network_link.html", takes_context=True)
def my_network_link(context: template.Context) -> dict:
    """The "My network" link with the waiting count, for a site's navigation; for a
    signed-in user without a member profile, "Join the network" instead, linking to
    the page that creates one (``wagtail_network:edit_profile``).

    ``{% my_network_link %}``: renders nothing for anonymous visitors. One SQL query
    for a signed-in user (the profile and the count come from the same statement).
    The count's element (``id="wn-nav-count"``) is always there for a signed-in user,
    empty when nothing waits, so that the member's actions can update it in place
    (htmx out-of-band swap). Where the host's URLs lack the join page, a user without
    a profile sees "My network", whose page tells how to join.
    """
    from ..views import edit_profile_url

    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    url = ""
    join = False
    count = 0
    if signed_in:
        try:
            url = reverse("wagtail_network:my_network")
        except NoReverseMatch:  # the host has not included wagtail_network.urls
            signed_in = False
    if signed_in:
        state = _nav_state(context)
        count = state.waiting
        join_url = "" if state.has_profile else edit_profile_url()
        if join_url:
            join, url = True, join_url
    return {
        "signed_in": signed_in,
        "join": join,
        "url": url,
        "current": bool(signed_in and request is not None and request.path == url),
        "count": count,
    }


# --------------------------------------------------------------------------
# Notifications: the navigation link and its unread count
# --------------------------------------------------------------------------


@register.inclusion_tag("wagtail_network/includes/notifications_link.html", takes_context=True)
def notifications_link(context: template.Context) -> dict:
    """The "Notifications" link with the unread count, for a site's navigation.

    ``{% notifications_link %}``: renders nothing for anonymous visitors. One SQL
    query for a signed-in user, once per request
    (:func:`wagtail_network.notification_views.unread_count_for_request`). The
    count's element (``id="wn-notifications-count"``) is always there for a
    signed-in user, empty when nothing is unread, so that marking read updates it
    in place (htmx out-of-band swap). Works for users without a member profile.
    """
    from ..notification_views import unread_count_for_request

    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    url = ""
    count = 0
    if signed_in:
        try:
            url = reverse("wagtail_network:notifications")
        except NoReverseMatch:  # the host has not included wagtail_network.urls
            signed_in = False
    if signed_in:
        count = unread_count_for_request(request, None if request is not None else user)
    return {
        "signed_in": signed_in,
        "url": url,
        "current": bool(signed_in and request is not None and request.path == url),
        "count": count,
    }
