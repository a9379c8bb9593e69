"""Server-rendered views of the member's own account: API tokens, data export and
account deletion. The same operations exist over GraphQL (``createApiToken``,
``revokeApiToken``, ``exportMyData``, ``deleteMyAccount``); both call the same
functions (:mod:`wagtail_network.services.tokens`, :mod:`wagtail_network.privacy`).
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotFound,
    HttpResponseNotModified,
)
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from . import privacy, visibility
from .errors import NetworkError
from .services import tokens
from .sites import absolute_url

#: The GraphQL endpoint's URL name: found by name (its path is the host's to choose,
#: ``WAGTAIL_NETWORK["GRAPHQL_PATH"]``), never imported from the API package.
GRAPHQL_URL_NAME = "graphql_schema:graphql"
#: The page where a user joins the network (creates a profile) or edits their own.
EDIT_PROFILE_URL_NAME = "wagtail_network:edit_profile"


class CreateTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=tokens.MAX_NAME_LENGTH,
        help_text=gettext_lazy("For example the app or device that will use it."),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        required=False,
        help_text=gettext_lazy("Not needed if you signed in within the last ten minutes."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that my profile and network are erased for good."),
        template_name="wagtail_network/forms/checkbox_field.html",
    )


def graphql_endpoint_url(request: HttpRequest | None = None) -> str | None:
    """The GraphQL endpoint's absolute URL on the site's origin, or None when the
    site serves no GraphQL API."""
    try:
        return absolute_url(reverse(GRAPHQL_URL_NAME), request)
    except NoReverseMatch:
        return None


def edit_profile_url() -> str:
    """Where a signed-in user joins the network or edits their own profile, or
    ``""`` where the host's URLs do not include that page: the navigation, the
    account page and My network then leave the link out instead of failing."""
    try:
        return reverse(EDIT_PROFILE_URL_NAME)
    except NoReverseMatch:
        return ""


def _no_store(response: HttpResponse) -> HttpResponse:
    # Token secrets and personal data must not linger in shared or browser caches.
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The member's account page: joining the network (or links to one's profile),
    personal API tokens, data export, deletion."""
    user = request.user
    new_token = None
    token_form = CreateTokenForm()
    delete_form = DeleteAccountForm()
    action = request.POST.get("action") if request.method == "POST" else None

    if action == "create_token":
        token_form = CreateTokenForm(request.POST)
        if token_form.is_valid():
            try:
                token, plaintext = tokens.create_token(user, token_form.cleaned_data["name"])
            except NetworkError as exc:
                token_form.add_error("name", exc.message)
            else:
                # Rendered in this response only, never stored or redirected with.
                new_token = {"token": token, "plaintext": plaintext}
                token_form = CreateTokenForm()
    elif action == "revoke_token":
        try:
            token = tokens.revoke_token(user, request.POST.get("token_id", ""))
        except NetworkError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
        return redirect("wagtail_network:account")
    elif action == "export":
        url, _expires = privacy.make_export_link(user, request)
        return redirect(url)
    elif action == "delete_account":
        delete_form = DeleteAccountForm(request.POST)
        if delete_form.is_valid():
            try:
                privacy.delete_account(
                    user,
                    password=delete_form.cleaned_data["password"] or None,
                    session_login=True,
                )
            except NetworkError as exc:
                delete_form.add_error("password", exc.message)
            else:
                logout(request)
                messages.success(request, _("Your account and network data were deleted."))
                return redirect("/")
    elif action is not None:
        return HttpResponse(status=400)

    context: dict[str, Any] = {
        "member": visibility.viewer_member(user),
        "edit_profile_url": edit_profile_url(),
        "tokens": tokens.active_tokens(user),
        "new_token": new_token,
        "token_form": token_form,
        "delete_form": delete_form,
        "export_max_age_minutes": int(privacy.get_setting("EXPORT_LINK_MAX_AGE")) // 60,
        "graphql_url": graphql_endpoint_url(request),
    }
    return _no_store(render(request, "wagtail_network/account/account.html", context))


def _request_user(request: HttpRequest) -> Any:
    """The session user, or the user of a bearer token (headless clients)."""
    try:
        plaintext = tokens.bearer_token_from(request)
        if plaintext is not None:
            return tokens.authenticate_token(plaintext).user
    except tokens.InvalidToken:
        return None
    return request.user if request.user.is_authenticated else None


@require_http_methods(["GET"])
def export_download(request: HttpRequest, token: str) -> HttpResponse:
    """Serve the JSON archive behind a signed export link.

    The link is short-lived and only works for the user it was made for: someone
    else holding the URL (signed in or not) gets "not found".
    """
    user = _request_user(request)
    if user is None or not privacy.read_export_token(token, user):
        return HttpResponseNotFound(_("This download link is not valid (any more)."))
    archive = privacy.export_member_data(user)
    body = json.dumps(archive, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="network-data-{stamp}.json"'
    return _no_store(response)


#: How long a browser may reuse a photo before asking again, in seconds. Short on
#: purpose: a member who hides their profile (or blocks someone) should stop being
#: shown within minutes, not whenever a long-lived cache happens to expire.
PHOTO_MAX_AGE = 300


@require_safe
def member_photo(
    request: HttpRequest, member_id: int, image_id: int, spec: str
) -> HttpResponseBase:
    """A member's photo in one rendition, to viewers who may see the profile.

    The one way the plugin serves member photos (:func:`wagtail_network.photos.member_photo_url`):
    the member must be visible to the viewer (:func:`visibility.members_visible_to`),
    ``image_id`` must be the member's current photo and ``spec`` one of
    ``RENDITION_SPECS``; anything else is "not found", exactly like a missing
    photo, so the answer tells nothing about profiles the viewer may not see.
    Signed-in viewers come by session or, for API clients, by bearer token.
    """
    from django.db import DatabaseError
    from wagtail.images.models import SourceImageIOError

    from .busy import busy_page_response, is_database_busy
    from .conf import get_setting
    from .viewer import Viewer

    if spec not in list(get_setting("RENDITION_SPECS") or []):
        raise Http404
    token_user = _request_user(request) if "Authorization" in request.headers else None
    viewer = Viewer(token_user) if token_user is not None else Viewer.for_request(request)
    member = (
        visibility.members_visible_to(viewer, request=request)
        .filter(pk=member_id, photo_id=image_id)
        .select_related("photo")
        .first()
    )
    if member is None or member.photo is None:
        raise Http404
    image = member.photo
    try:
        rendition = image.get_rendition(spec)
    except SourceImageIOError:
        raise Http404 from None
    except DatabaseError as exc:
        # Made on first use, a rendition is a write inside a read: a busy database
        # answers "try again" (503), like every other busy request.
        if not is_database_busy(exc):
            raise
        return busy_page_response(request)
    etag = '"' + hashlib.sha256(rendition.file.name.encode()).hexdigest()[:32] + '"'
    anonymous_sees_it = (
        not viewer.is_authenticated and token_user is None
    ) or visibility.members_visible_to(None).filter(pk=member.pk).exists()
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponseBase = HttpResponseNotModified()
    else:
        try:
            handle = rendition.file.open("rb")
        except OSError:
            raise Http404 from None
        extension = os.path.splitext(rendition.file.name)[1].lower()
        content_type = mimetypes.guess_type(rendition.file.name)[0] or "application/octet-stream"
        # A neutral download name: the storage's own (random) name stays private.
        response = FileResponse(handle, content_type=content_type, filename=f"photo{extension}")
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    if anonymous_sees_it:
        # Anyone may see a public profile: shared caches may keep the picture.
        response["Cache-Control"] = f"public, max-age={PHOTO_MAX_AGE}"
    else:
        # Only for this viewer: never kept by a shared cache, and a browser keeps it
        # per signed-in session (the cookie, or the bearer token, decides).
        response["Cache-Control"] = f"private, max-age={PHOTO_MAX_AGE}"
        patch_vary_headers(response, ("Cookie", "Authorization"))
    return response
