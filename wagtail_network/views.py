"""Server-rendered views of the member's own account: API tokens, data export and
account deletion. The same operations exist over GraphQL (``createApiToken``,
``revokeApiToken``, ``exportMyData``, ``deleteMyAccount``); both call the same
functions (:mod:`wagtail_network.services.tokens`, :mod:`wagtail_network.privacy`).
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

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
