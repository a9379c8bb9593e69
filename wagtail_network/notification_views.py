"""The member's notification pages on the site (``/network/notifications/…``).

* the list (``wagtail_network:notifications``): what
  :func:`~wagtail_network.notifications.visible_notifications` lets the user see,
  newest first, 20 a page, in a constant number of queries per page;
* opening one (``notification_open``): marks it read and redirects to the kind's
  link, a path on this site, never elsewhere;
* marking read (``notifications_mark_read``): one, several or all, a POST;
* the preferences (``notification_preferences``): a channel per kind and the
  language of the e-mails, for every signed-in user (editors and moderators get
  notifications too, without a member profile);
* unsubscribing from an e-mail's link (``unsubscribe``): without signing in, the
  signed token naming the user and the kind.

Every change goes through :mod:`wagtail_network.notifications`; these views only
read the request and render. Without JavaScript every form POSTs and redirects
(303); with htmx the list's region and the navigation's count update in place.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from . import notifications
from .directory import PageListing
from .errors import NetworkError
from .htmx import htmx_of
from .models import Notification, NotificationChannel
from .views import _no_store

#: Notifications per page of the list.
PAGE_SIZE = 20
#: The salt of the undo button's signed list of the kinds an unsubscribe changed.
UNDO_SALT = "wagtail_network.notifications.unsubscribe.undo"
#: The preferences form's field for the e-mails' language (the others are kind keys).
LANGUAGE_FIELD = "email_language"


class _SeeOther(HttpResponseRedirect):
    status_code = 303


#: Where a request keeps its unread count (:func:`unread_count_for_request`).
REQUEST_UNREAD_ATTRIBUTE = "_wagtail_network_unread_notifications"


def unread_count_for_request(request: HttpRequest | None, user: Any = None) -> int:
    """:func:`~wagtail_network.notifications.unread_count` for the request's user,
    computed once per request (the navigation and the page share it; one SQL query,
    none for an anonymous visitor). Kept with the user's pk: a login or logout
    during the request counts again."""
    who = getattr(request, "user", None) if user is None else user
    if who is None or not getattr(who, "is_authenticated", False):
        return 0
    if request is None:
        return notifications.unread_count(who)
    cached = getattr(request, REQUEST_UNREAD_ATTRIBUTE, None)
    if cached is not None and cached[0] == who.pk:
        return int(cached[1])
    value = notifications.unread_count(who)
    setattr(request, REQUEST_UNREAD_ATTRIBUTE, (who.pk, value))
    return value


def forget_unread_count(request: HttpRequest) -> None:
    """Count again on next use (after marking read)."""
    if hasattr(request, REQUEST_UNREAD_ATTRIBUTE):
        delattr(request, REQUEST_UNREAD_ATTRIBUTE)


def list_url(page: int | None = None) -> str:
    url = reverse("wagtail_network:notifications")
    return f"{url}?page={page}" if page and page > 1 else url


# --------------------------------------------------------------------------
# The list
# --------------------------------------------------------------------------


def notifications_for_page(user: Any) -> QuerySet:
    """The user's visible notifications with everything a row shows: what every
    kind's ``describe`` and ``link`` read, and the actor's photo and renditions for
    the avatar. Two queries for any number of rows (plus the paginator's count)."""
    related = {"actor", "actor__photo", *notifications.kinds.related_paths()}
    return (
        notifications.visible_notifications(user)
        .select_related(*sorted(related))
        .prefetch_related("actor__photo__renditions")
    )


def _page_number(value: Any) -> int | None:
    """A page number given in a form or query string, else ``None``."""
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 9:
        return None
    return int(text) or None


def _rows(page_notifications: list[Notification]) -> list[dict[str, Any]]:
    rows = []
    for n in page_notifications:
        kind = notifications.get_kind(n.kind)
        if kind is None:  # visible_notifications keeps registered kinds only
            continue
        rows.append({"notification": n, "kind": kind, "text": kind.describe(n)})
    return rows


def _list_response(request: HttpRequest, status: int = 200) -> HttpResponse:
    paginator = Paginator(notifications_for_page(request.user), PAGE_SIZE)
    # Bad page numbers (?page=abc, ?page=99999) fall back to the first or last page,
    # as the directories do.
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    listing = PageListing(page=page)
    rows = _rows(page.object_list)
    context = {
        "listing": listing,
        "rows": rows,
        "any_unread": any(row["notification"].read_at is None for row in rows)
        or unread_count_for_request(request) > 0,
        "mark_read_url": reverse("wagtail_network:notifications_mark_read")
        + (f"?page={page.number}" if page.number > 1 else ""),
    }
    response = render(request, "wagtail_network/notifications/list.html", context, status=status)
    return _no_store(response)


@login_required
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    """The signed-in user's notifications, newest first."""
    return _list_response(request)


@login_required
@require_safe
def notification_open(request: HttpRequest, notification: int) -> HttpResponse:
    """Mark one of the user's notifications read and go where it points."""
    n = notifications_for_page(request.user).filter(pk=notification).first()
    if n is None:
        raise Http404
    kind = notifications.get_kind(n.kind)
    notifications.mark_read(request.user, [n.pk])
    target = kind.link(n) if kind is not None else ""
    # The kind computes a path on this site; anything else (another host, a
    # scheme, ``//host``) falls back to the list: never an open redirect.
    if not (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        target = list_url()
    return _SeeOther(target)


@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark ``notification=<id>`` (repeatable) or ``all=1`` read. Others' ids and
    garbage are ignored (the service marks the user's own only)."""
    if not request.user.is_authenticated:
        login = redirect_to_login(list_url())
        # An htmx request would swap the login form into the region: load it instead.
        return HttpResponseClientRedirect(login.url) if htmx_of(request) else login
    if request.POST.get("all"):
        notifications.mark_read(request.user, None)
        messages.success(request, _("All notifications marked as read."))
    else:
        ids = request.POST.getlist("notification")[: PAGE_SIZE * 5]
        if notifications.mark_read(request.user, ids):
            messages.success(request, _("Notification marked as read."))
    forget_unread_count(request)
    if htmx_of(request):
        # The updated list (its region is hx-selected) with the navigation's count
        # and the message, swapped out of band.
        return _list_response(request)
    return _SeeOther(list_url(_page_number(request.GET.get("page"))))


# --------------------------------------------------------------------------
# Preferences
# --------------------------------------------------------------------------


class NotificationPreferencesForm(forms.Form):
    """One channel per registered kind (its key is the field's name) and the
    language of the e-mails."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in notifications.all_kinds():
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label,
                help_text=kind.audience,
                choices=NotificationChannel.choices,
            )
        self.fields[LANGUAGE_FIELD] = forms.ChoiceField(
            label=gettext_lazy("Language of your e-mails"),
            choices=[("", gettext_lazy("The site's language"))]
            + [(code, _language_name(code, name)) for code, name in settings.LANGUAGES],
            required=False,
        )

    def channels(self) -> dict[str, str]:
        return {kind.key: self.cleaned_data[kind.key] for kind in notifications.all_kinds()}


def _language_name(code: str, name: Any) -> str:
    """A language in its own words ("Nederlands"), as a reader of it looks for it."""
    from django.utils.translation import get_language_info

    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return str(name)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """What the user is told of, and how; the language of their e-mails."""
    status = 200
    if request.method == "POST":
        form = NotificationPreferencesForm(request.POST)
        if form.is_valid():
            try:
                notifications.set_preferences(
                    request.user, form.channels(), form.cleaned_data[LANGUAGE_FIELD]
                )
            except NetworkError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Your notification settings are saved."))
                return _SeeOther(reverse("wagtail_network:notification_preferences"))
        status = 400
    else:
        current = notifications.preferences_for(request.user)
        initial = dict(current["channels"])
        initial[LANGUAGE_FIELD] = current["language"]
        form = NotificationPreferencesForm(initial=initial)
    response = render(
        request,
        "wagtail_network/notifications/preferences.html",
        {"form": form},
        status=status,
    )
    return _no_store(response)


# --------------------------------------------------------------------------
# Unsubscribing from an e-mail's link
# --------------------------------------------------------------------------


def _undo_value(user: Any, keys: list[str]) -> str:
    return signing.dumps([user.pk, keys], salt=UNDO_SALT, compress=True)


def _undo_keys(user: Any, value: str) -> list[str]:
    try:
        # An hour to change one's mind: an old page's Undo must not switch back on
        # what the member has since turned off in their settings.
        pk, keys = signing.loads(str(value)[:2000], salt=UNDO_SALT, max_age=3600)
    except (signing.BadSignature, ValueError, TypeError):
        return []
    if pk != user.pk or not isinstance(keys, list):
        return []
    return [str(k) for k in keys if notifications.get_kind(str(k)) is not None]


def _kind_label(kind: str) -> str:
    if kind == notifications.DIGEST:
        return ""  # the templates word the digest on their own (``is_digest``)
    spec = notifications.get_kind(kind)
    return str(spec.label) if spec is not None else kind


# The signed token in the URL is the authority here, not a session: the link comes
# from an e-mail and is opened (or POSTed to by the mail client, RFC 8058) without
# signing in, so there is no CSRF token to check. A forged request needs the token,
# which only the recipient's e-mail holds; it can only change that user's e-mails
# of the token's kind (or back, with the signed undo list).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click: stop the e-mails of the token's kind (they stay on the site); a
    button undoes it."""
    found = notifications.read_unsubscribe_token(token)
    if found is None:
        response = render(
            request, "wagtail_network/notifications/unsubscribe_invalid.html", status=400
        )
        return _no_store(response)
    user, kind = found
    context: dict[str, Any] = {
        "kind": kind,
        "kind_label": _kind_label(kind),
        "is_digest": kind == notifications.DIGEST,
        "token": token,
        "preferences_url": reverse("wagtail_network:notification_preferences"),
    }
    if request.method == "POST" and request.POST.get("resubscribe"):
        if kind == notifications.DIGEST:
            keys = _undo_keys(user, request.POST.get("undo", ""))
            channels = {key: NotificationChannel.DIGEST.value for key in keys}
        else:
            # Only what this link's click changed comes back (a kind the member had
            # switched off stays off, whoever holds the link).
            keys = _undo_keys(user, request.POST.get("undo", ""))
            channels = {k: NotificationChannel.EMAIL.value for k in keys if k == kind}
        if channels:
            notifications.set_preferences(user, channels)
        context["resubscribed"] = bool(channels)
    else:
        # A GET (the link clicked) or a POST without resubscribe (the mail client's
        # one-click ``List-Unsubscribe=One-Click``): unsubscribe at once.
        changed = notifications.unsubscribe(user, kind)
        context["undo"] = _undo_value(user, changed)
    # In the language of the e-mail the link came from: its reader is its recipient.
    with translation.override(notifications.language_for(user)):
        context["kind_label"] = _kind_label(kind)
        response = render(request, "wagtail_network/notifications/unsubscribe.html", context)
    return _no_store(response)
