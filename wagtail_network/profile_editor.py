"""The member's own profile on the site: joining, editing, and "view my profile as".

``/network/profile/`` (``wagtail_network:edit_profile``) is one form of every field
group (:class:`wagtail_network.profile_forms.ProfileForms`). Saving calls
:func:`wagtail_network.services.update_my_profile` once: one revision for the whole
form, nothing saved when any field is wrong. The page works without JavaScript:
"Add a position" (``name="add"``) and removing a skill (``name="remove_skill"``)
re-render the form with the change and save nothing; htmx adds rows in place
through ``wagtail_network:profile_row`` and fills the skill suggestions through
``wagtail_network:skill_options``.

``/network/profile/view-as/<audience>/`` renders the member's saved profile as a
stand-in viewer (:meth:`wagtail_network.viewer.Viewer.stand_in`) sees it, through
the same page context and visibility rules as the real page.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from . import limits, services, visibility
from .conf import get_setting
from .errors import NetworkError
from .htmx import htmx_of
from .models import MemberPage, Skill
from .profile_forms import (
    ROW_FORMS,
    ProfileForms,
    RowForm,
    company_choices,
    fields_from_post,
)
from .viewer import REQUEST_ATTRIBUTE, STAND_IN_AUDIENCES, Viewer
from .views import _no_store

#: The list groups that gain and lose rows: formset attribute = prefix = ``add`` value.
ROW_KINDS = ("positions", "education", "links")

#: Most suggestions the skill autocomplete returns.
SKILL_OPTIONS_LIMIT = 10
#: Longest skill search accepted (longer input is cut, never an error).
SKILL_QUERY_MAX_LENGTH = 100
#: Most rows a list may be given on the page (the service's own limit decides on save).
ROW_INDEX_MAX = 100

AUDIENCE_LINKS = {
    "visitor": gettext_lazy("View as a visitor"),
    "member": gettext_lazy("View as a member"),
    "connection": gettext_lazy("View as a connection"),
}
AUDIENCE_HEADINGS = {
    "visitor": gettext_lazy("This is how a visitor sees your profile"),
    "member": gettext_lazy("This is how a member sees your profile"),
    "connection": gettext_lazy("This is how a connection sees your profile"),
}
AUDIENCE_NOT_FOUND = {
    "visitor": gettext_lazy("A visitor would find no profile here (Page not found)."),
    "member": gettext_lazy("A member would find no profile here (Page not found)."),
    "connection": gettext_lazy("A connection would find no profile here (Page not found)."),
}
ROW_LEGENDS = {
    "positions": gettext_lazy("Position %(number)s"),
    "education": gettext_lazy("Education %(number)s"),
    "links": gettext_lazy("Link %(number)s"),
}


# --------------------------------------------------------------------------
# Building the page
# --------------------------------------------------------------------------


def view_as_links() -> list[dict[str, Any]]:
    """The "view my profile as …" links: ``audience``, ``label`` and ``url`` each
    (the editor, the preview banner and the member's own profile page show them)."""
    return [
        {
            "audience": key,
            "label": AUDIENCE_LINKS[key],
            "url": reverse("wagtail_network:view_profile_as", args=[key]),
        }
        for key in STAND_IN_AUDIENCES
    ]


def _status(member: MemberPage | None) -> dict[str, str] | None:
    """The profile's state as the member should read it (``key`` for styling)."""
    if member is None:
        return None
    if not member.live:
        return {"key": "draft", "label": _("Waiting for an editor: not yet visible to others")}
    if member.has_unpublished_changes:
        return {"key": "changes", "label": _("Live, with draft changes not yet published")}
    return {"key": "live", "label": _("Live")}


def _all_forms(forms: ProfileForms) -> list[BaseForm]:
    """Every form of the bundle: the groups, then each row of each list."""
    found: list[BaseForm] = list(forms.groups.values())
    for kind in ROW_KINDS:
        found.extend(forms.rows.get(kind) or [])
    return found


def _error_summary(forms: ProfileForms) -> list[dict[str, Any]]:
    """Every error of a bound bundle, each linking to its field (``#`` + the field's id)."""
    summary: list[dict[str, Any]] = []
    for form in _all_forms(forms):
        if not form.is_bound:
            continue
        for error in form.non_field_errors():
            summary.append({"id": "", "label": "", "message": error})
        for name, errors in form.errors.items():
            if name == "__all__" or name not in form.fields:
                continue
            field = form[name]
            label = field.label
            if form.prefix:  # a row: say which one ("Position 2: Title")
                kind, _sep, index = form.prefix.rpartition("-")
                if kind in ROW_LEGENDS and index.isdigit():
                    label = f"{ROW_LEGENDS[kind] % {'number': int(index) + 1}}: {label}"
            for error in errors:
                field_id = field.id_for_label or field.auto_id
                summary.append({"id": field_id, "label": label, "message": error})
    return summary


def _prepare_fields(forms: ProfileForms, show_errors: bool) -> None:
    """Point each field at its help text and, when shown, its errors
    (``aria-describedby``, ``aria-invalid``), so a screen reader reads them with
    the field; show a visibility the site locked as a disabled field."""
    visibility_form = forms.groups.get("visibility")
    if visibility_form is not None:
        for name in getattr(visibility_form, "locked", {}):
            # Disabled: the browser does not post it, so the service keeps the site's value.
            visibility_form.fields[name].disabled = True
    for form in _all_forms(forms):
        for name, field in form.fields.items():
            bound = form[name]
            ids = []
            if show_errors and form.is_bound and bound.errors:
                ids.append(f"{bound.auto_id}-errors")
                field.widget.attrs["aria-invalid"] = "true"
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)
            else:
                field.widget.attrs.pop("aria-describedby", None)


def _skill_chips(forms: ProfileForms) -> list[dict[str, str]]:
    """The skills listed in the form, each as a chip: the value sent back and its name.

    A value is a skill id or a new name; ids are named in one query.
    """
    about = forms.groups["about"]
    # A hand-made POST may leave the skills out: the form then holds no such field.
    values = about["skills"].value() if "skills" in about.fields else []
    values = values or []
    if isinstance(values, (str, int)):
        values = [values]
    if not isinstance(values, (list, tuple)):  # a cleaned SkillChoice
        values = [s.pk for s in getattr(values, "skills", [])] + list(
            getattr(values, "new_names", [])
        )
    texts = [str(v.pk if isinstance(v, Skill) else v).strip() for v in values]
    texts = [v for v in texts if v]
    ids = [pk for v in texts if v.isdigit() and (pk := limits.bounded_pk(v, Skill))]
    names = dict(Skill.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    chips, seen = [], set()
    for value in texts:
        label = names.get(limits.bounded_pk(value, Skill) or 0, "") if value.isdigit() else value
        if label and label.casefold() not in seen:
            seen.add(label.casefold())
            chips.append({"value": value, "label": label})
    return chips


def _rows(forms: ProfileForms, kind: str) -> list[dict[str, Any]]:
    return [
        {"form": form, "legend": ROW_LEGENDS[kind] % {"number": i + 1}, "kind": kind}
        for i, form in enumerate(forms.rows.get(kind) or [])
    ]


def editor_context(
    member: MemberPage | None, forms: ProfileForms, *, show_errors: bool
) -> dict[str, Any]:
    """What ``wagtail_network/profile_editor.html`` shows."""
    _prepare_fields(forms, show_errors)
    rows = {kind: _rows(forms, kind) for kind in ROW_KINDS}
    about = forms.groups["about"]
    # A change binds only the fields it sent: an empty "add a skill" is not sent, so
    # the field comes from an unbound form of the group when the bound one lacks it.
    skill_add = about["add_skills"] if "add_skills" in about.fields else type(about)()["add_skills"]
    return {
        "member": member,
        "joining": member is None,
        "goes_live": bool(get_setting("NEW_PROFILES_LIVE")),
        "forms": forms,
        "groups": forms.groups,
        "status": _status(member),
        "errors": _error_summary(forms) if show_errors else [],
        "show_errors": show_errors,
        "skill_chips": _skill_chips(forms),
        "skill_add": skill_add,
        "rows": rows,
        "totals": {kind: len(kind_rows) for kind, kind_rows in rows.items()},
        "view_as": view_as_links(),
        "new_skills_suggested": get_setting("NEW_SKILLS") != "create",
    }


def _editor_response(request: HttpRequest, context: dict[str, Any], status: int = 200):
    response = render(request, "wagtail_network/profile_editor.html", context, status=status)
    # Personal data (contact details, drafts): never kept by a shared or browser cache.
    return _no_store(response)


def _empty_row(kind: str, index: int) -> RowForm:
    """An empty row form of list ``kind`` at ``index`` (prefix ``<kind>-<index>``)."""
    form_class = ROW_FORMS[kind]
    kwargs: dict[str, Any] = {"companies": company_choices()} if kind == "positions" else {}
    return form_class(prefix=f"{kind}-{index}", use_required_attribute=False, **kwargs)


def _posted_forms(member: MemberPage | None, data: QueryDict, files: Any) -> ProfileForms:
    """The POSTed page as forms, for showing it again (nothing validated or saved)."""
    return ProfileForms.for_fields(fields_from_post(data, files)).complete(member)


# --------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request: HttpRequest) -> HttpResponse:
    """Join the network (no profile yet) or edit one's own profile, every group at once."""
    viewer = Viewer.for_request(request)
    member = visibility.viewer_member(viewer)
    if request.method != "POST":
        forms = ProfileForms.for_member(member)
        return _editor_response(request, editor_context(member, forms, show_errors=False))

    add = request.POST.get("add")
    remove_skill = request.POST.get("remove_skill")
    if add in ROW_KINDS or remove_skill is not None:
        return _edit_lists(request, member, add, remove_skill)

    try:
        saved = services.update_my_profile(viewer, **fields_from_post(request.POST, request.FILES))
    except NetworkError as exc:  # ProfileInvalid (every field error) or another refusal
        return _invalid_response(request, member, exc)

    if member is None:
        if saved.live:
            messages.success(request, _("Welcome to the network: your profile is live."))
        else:
            messages.success(
                request,
                _("Welcome to the network: your profile waits for an editor before others see it."),
            )
    else:
        messages.success(request, _("Your profile is saved."))
    return HttpResponseRedirect(reverse("wagtail_network:edit_profile"), status=303)


def _invalid_response(
    request: HttpRequest, member: MemberPage | None, exc: NetworkError
) -> HttpResponse:
    """The page again, as posted, with every error next to its field; nothing saved.

    The forms are bound to the POST itself (the text typed, not the service's
    parsed lists) and validated by the same group forms the service used, so each
    error lands on its field; an error no page field holds is listed on its own.
    """
    # The service's own bound forms when it refused the change as invalid (already
    # validated: nothing is checked twice); else (a refusal before the forms ran,
    # such as an input limit) the same forms bound to the POST.
    forms = getattr(exc, "forms", None)
    if forms is None:
        fields = fields_from_post(request.POST, request.FILES)
        forms = ProfileForms.for_fields(fields, joining=member is None)
    forms = forms.complete(member)
    placed = {e.field for e in forms.errors()}
    unplaced = []
    for error in getattr(exc, "errors", None) or [exc]:
        # An error only the service finds (a company unpublished since the page
        # was loaded) goes next to its field too, when the page has that field.
        if error.field not in placed and not _place(forms, error):
            unplaced.append(error)
    context = editor_context(member, forms, show_errors=True)
    if unplaced and not context.get("errors"):
        context["errors"] = [_unplaced(e) for e in unplaced]
    return _editor_response(request, context, status=400)


def _place(forms: ProfileForms, error: NetworkError) -> bool:
    """Attach a service error to the page's field it names (``positions.0.company``
    or a group's field); ``False`` when the page has no such field."""
    if not error.field:
        return False
    parts = error.field.split(".")
    if len(parts) == 3 and parts[1].isdigit():
        rows = forms.rows.get(parts[0]) or []
        index = int(parts[1])
        if index < len(rows) and parts[2] in rows[index].fields:
            rows[index].add_error(parts[2], error.message)
            return True
        return False
    for form in forms.groups.values():
        if error.field in form.fields and form.is_bound:
            form.add_error(error.field, error.message)
            return True
    return False


def _unplaced(error: NetworkError) -> dict[str, Any]:
    """An error for the summary, linked to its field when the page has one."""
    field_id = ""
    if error.field:
        field_id = "id_" + error.field.replace(".", "-")
    return {"id": field_id, "label": "", "message": error.message}


def _edit_lists(
    request: HttpRequest, member: MemberPage | None, add: str | None, remove_skill: str | None
) -> HttpResponse:
    """No-JS list editing: the page again with one more row, or one skill fewer;
    nothing validated, nothing saved."""
    data = request.POST.copy()
    if remove_skill is not None:
        data.setlist("skills", [v for v in data.getlist("skills") if v != remove_skill])
    forms = _posted_forms(member, data, request.FILES)
    focus = "wn-skill-input"
    if add in ROW_KINDS:
        rows = forms.rows[add] or []
        if len(rows) < ROW_INDEX_MAX:
            rows.append(_empty_row(add, len(rows)))
        forms.rows[add] = rows
        focus = f"wn-row-{add}-{len(rows) - 1}"
    context = editor_context(member, forms, show_errors=False)
    context["focus"] = focus
    return _editor_response(request, context)


@login_required
@require_safe
def profile_row(request: HttpRequest, kind: str) -> HttpResponse:
    """One empty row of list ``kind`` at ``?index=N`` (htmx "Add"), with the list's
    updated row count swapped out of band into the form."""
    if kind not in ROW_KINDS:
        raise Http404
    raw = request.GET.get("index") or request.GET.get(f"{kind}-TOTAL_FORMS") or "0"
    try:
        index = int(raw)
    except ValueError:
        index = -1
    if not 0 <= index < ROW_INDEX_MAX:
        return HttpResponse(_("Not a row number."), status=400, content_type="text/plain")
    context = {
        "row": {
            "form": _empty_row(kind, index),
            "legend": ROW_LEGENDS[kind] % {"number": index + 1},
            "kind": kind,
        },
        "new_row": True,
        "total": index + 1,
        "kind": kind,
        "oob": bool(htmx_of(request)),
        "show_errors": False,
    }
    template = "wagtail_network/includes/profile_editor/new_row.html"
    return _no_store(render(request, template, context))


@login_required
@require_safe
def skill_options(request: HttpRequest) -> HttpResponse:
    """``<option>`` elements for the skill autocomplete: at most
    :data:`SKILL_OPTIONS_LIMIT` skills of the vocabulary whose name contains ``q``
    (names starting with it first)."""
    query = (request.GET.get("q") or "").strip()
    if not query:
        # The field's own name, when htmx sends the text input as it is.
        values = [v for values in request.GET.lists() for v in values[1]]
        query = (values[-1] if values else "").strip()
    query = query[:SKILL_QUERY_MAX_LENGTH]
    if limits.has_control_characters(query):
        # PostgreSQL refuses NUL in a text parameter; no skill name holds one.
        query = ""
    options: list[str] = []
    if query:
        from django.db.models import Case, IntegerField, Value, When

        options = list(
            Skill.objects.filter(name__icontains=query)
            .annotate(
                starts=Case(
                    When(name__istartswith=query, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("starts", "name")
            .values_list("name", flat=True)[:SKILL_OPTIONS_LIMIT]
        )
    response = render(
        request, "wagtail_network/includes/profile_editor/skill_options.html", {"options": options}
    )
    return _no_store(response)


@login_required
@require_safe
def view_profile_as(request: HttpRequest, audience: str) -> HttpResponse:
    """The member's saved profile as a visitor, a member or a connection sees it."""
    if audience not in STAND_IN_AUDIENCES:
        raise Http404
    member = visibility.viewer_member(Viewer.for_request(request))
    if member is None:
        return redirect("wagtail_network:edit_profile")
    page = MemberPage.objects.get(pk=member.pk)  # the saved (published) row, not a draft
    stand_in = Viewer.stand_in(audience, page)
    # The rules read the viewer from the request: a copy acts for the stand-in, while
    # the real request renders the site around it (navigation, messages, CSRF).
    as_seen = copy.copy(request)
    as_seen.user = stand_in.user
    stand_in.request = as_seen
    setattr(as_seen, REQUEST_ATTRIBUTE, stand_in)
    banner = {
        "audience": audience,
        "heading": AUDIENCE_HEADINGS[audience],
        "view_as": view_as_links(),
        "not_found": AUDIENCE_NOT_FOUND[audience],
    }
    if not visibility.members_visible_to(stand_in).filter(pk=page.pk).exists():
        context = {"preview": banner, "member": member}
        response = render(request, "wagtail_network/profile_preview_not_found.html", context)
        return _no_store(response)
    context = page.get_context(as_seen)
    context.update(
        {
            "request": request,
            "preview": banner,
            # A preview shows the profile, never what the stand-in could do about it.
            "actions": None,
            "sign_in_url": None,
            "is_self": False,
            "connected": audience == "connection",
        }
    )
    response = render(request, page.get_template(as_seen), context)
    return _no_store(response)
