"""CSV import of companies and members in the admin: every row validated, all or nothing.

PRODUCT.md: companies are matched on ``slug`` and members on e-mail; files are UTF-8
with or without a byte-order mark, and comma- or semicolon-separated (Dutch Excel
writes semicolons), detected from the header line. A downloadable template lists
the documented columns. If any row is invalid, nothing is written and every error
is shown with its row number and column.

Writing goes through the service layer (``services.create_company``,
``update_company`` and ``save_member_profile``), like every other page write:
new companies go under the first live company directory, new members under the
member directory (setting ``MEMBER_DIRECTORY``, as for members who join); new pages
are published, existing ones get a new revision, published if they are live. Each
write is checked, revisioned and in the audit log with the importing editor.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin import messages

from .. import services
from ..errors import NetworkError
from ..models import (
    CompanyIndexPage,
    CompanyPage,
    CompanySize,
    Industry,
    MemberIndexPage,
    MemberPage,
    Skill,
)
from .screens import NetworkScreenView, NetworkScreenViewSet

COMPANIES = "companies"
MEMBERS = "members"

#: Documented columns, in template order. Required ones are marked.
COLUMNS: dict[str, list[tuple[str, bool, Any]]] = {
    COMPANIES: [
        ("slug", True, _("Unique key: an existing company with this slug is updated.")),
        ("name", True, _("Company name.")),
        ("tagline", False, _("One line.")),
        ("industry", False, _("Name or slug of an existing industry.")),
        ("size_range", False, _("One of: 1, 2-10, 11-50, 51-200, 201-500, 501-1000, …")),
        ("founded_year", False, _("A year, e.g. 1998.")),
        ("city", False, ""),
        ("country", False, ""),
        ("website", False, _("A full URL.")),
        ("contact_email", False, ""),
    ],
    MEMBERS: [
        ("email", True, _("Unique key: the member whose contact or account e-mail matches.")),
        ("name", True, _("Full name.")),
        ("headline", False, ""),
        ("city", False, ""),
        ("country", False, ""),
        ("industry", False, _("Name or slug of an existing industry.")),
        ("skills", False, _("Names or slugs of existing skills, separated by |")),
        ("languages", False, _("Comma-separated.")),
        ("contact_phone", False, ""),
    ],
}

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class RowError:
    row: int  # 1-based line number in the file (the header is line 1)
    column: str
    message: str


@dataclass
class ParsedRow:
    line: int
    key: str
    values: dict[str, Any] = field(default_factory=dict)


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, header, size)."""


def decode(data: bytes) -> str:
    """UTF-8 text with any byte-order mark removed."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(gettext("The file is larger than 5 MB."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            gettext("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
        ) from exc


def detect_delimiter(text: str) -> str:
    """Semicolon when the header line has more semicolons than commas (Dutch Excel)."""
    header = text.splitlines()[0] if text else ""
    return ";" if header.count(";") > header.count(",") else ","


def _terms(model: type[Skill] | type[Industry], values: list[str]) -> dict[str, Any]:
    """Existing vocabulary terms by lower-cased name and slug, in one query."""
    wanted = {v.strip().lower() for v in values if v.strip()}
    if not wanted:
        return {}
    found = {}
    q = Q()
    for value in wanted:
        q |= Q(name__iexact=value) | Q(slug__iexact=value)
    for term in model._default_manager.filter(q):
        found[term.name.lower()] = term
        found[term.slug.lower()] = term
    return found


def parse(kind: str, data: bytes) -> tuple[list[ParsedRow], list[RowError]]:
    """Read and validate every row; return the rows and *all* errors found."""
    text = decode(data)
    if not text.strip():
        raise ImportFileError(gettext("The file is empty."))
    reader = csv.DictReader(io.StringIO(text), delimiter=detect_delimiter(text))
    columns = COLUMNS[kind]
    known = {name for name, _required, _help in columns}
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [name for name, required, _help in columns if required and name not in header]
    if missing:
        raise ImportFileError(
            gettext("Missing column(s): %(columns)s. Download the template for the layout.")
            % {"columns": ", ".join(missing)}
        )
    unknown = [h for h in header if h and h not in known]
    if unknown:
        raise ImportFileError(
            gettext("Unknown column(s): %(columns)s.") % {"columns": ", ".join(unknown)}
        )
    raw_rows = []
    for index, raw in enumerate(reader, start=2):
        if index - 1 > MAX_ROWS:
            raise ImportFileError(gettext("At most %(n)d rows per file.") % {"n": MAX_ROWS})
        row = {
            (k or "").strip().lower(): (v or "").strip()
            for k, v in raw.items()
            if k is not None and not isinstance(v, list)
        }
        if not any(row.values()):
            continue  # blank line
        raw_rows.append((index, row))

    industries = _terms(Industry, [row.get("industry", "") for _i, row in raw_rows])
    skills = _terms(Skill, [s for _i, row in raw_rows for s in row.get("skills", "").split("|")])
    email_validator = EmailValidator()
    url_validator = URLValidator()
    errors: list[RowError] = []
    rows: list[ParsedRow] = []
    seen: dict[str, int] = {}

    def error(line: int, column: str, message: Any) -> None:
        errors.append(RowError(line, column, str(message)))

    for line, row in raw_rows:
        key_column = "slug" if kind == COMPANIES else "email"
        values: dict[str, Any] = {}
        for name, required, _help in columns:
            if required and not row.get(name):
                error(line, name, _("Required."))
        key = row.get(key_column, "").lower()
        if kind == COMPANIES and key and slugify(key, allow_unicode=True) != key:
            error(line, "slug", _("Use lower-case letters, digits and hyphens only."))
        if kind == MEMBERS and key:
            try:
                email_validator(key)
            except ValidationError:
                error(line, "email", _("Not a valid e-mail address."))
        if key in seen:
            error(
                line,
                key_column,
                _("Same %(column)s as row %(row)d.") % {"column": key_column, "row": seen[key]},
            )
        elif key:
            seen[key] = line
        values["title"] = row.get("name", "")[:255]
        for name in ("tagline", "headline", "city", "country", "languages", "contact_phone"):
            if name in known and name in row:
                values[name] = row[name]
        if row.get("industry"):
            term = industries.get(row["industry"].lower())
            if term is None:
                error(line, "industry", _("No industry called “%s”.") % row["industry"])
            values["industry"] = term
        elif "industry" in row:
            values["industry"] = None
        if kind == COMPANIES:
            if row.get("size_range"):
                if row["size_range"] not in CompanySize.values:
                    error(line, "size_range", _("Not one of the size ranges."))
                values["size_range"] = row["size_range"]
            if row.get("founded_year"):
                year = row["founded_year"]
                if not (year.isdigit() and 1000 <= int(year) <= 2100):
                    error(line, "founded_year", _("Not a year."))
                else:
                    values["founded_year"] = int(year)
            if row.get("website"):
                try:
                    url_validator(row["website"])
                except ValidationError:
                    error(line, "website", _("Not a valid URL (include https://)."))
                values["website"] = row["website"]
            if row.get("contact_email"):
                try:
                    email_validator(row["contact_email"])
                except ValidationError:
                    error(line, "contact_email", _("Not a valid e-mail address."))
                values["contact_email"] = row["contact_email"]
        else:
            values["contact_email"] = key
            if "skills" in row:
                chosen = []
                for name in (s.strip() for s in row["skills"].split("|")):
                    if not name:
                        continue
                    term = skills.get(name.lower())
                    if term is None:
                        error(line, "skills", _("No skill called “%s”.") % name)
                    else:
                        chosen.append(term)
                values["skills"] = chosen
        for name in ("title", "tagline", "headline", "city", "country"):
            if len(values.get(name) or "") > 200:
                error(line, name, _("At most 200 characters."))
        rows.append(ParsedRow(line=line, key=key, values=values))
    if not rows and not errors:
        raise ImportFileError(gettext("The file has a header but no rows."))
    return rows, errors


class ImportRowError(Exception):
    """The service layer refused a row: nothing of the file is written."""

    def __init__(self, error: RowError) -> None:
        super().__init__(error.message)
        self.error = error


#: Service fields named differently from the file's columns, per kind.
SERVICE_FIELD_COLUMNS = {
    COMPANIES: {"title": "name"},
    MEMBERS: {"title": "name", "contact_email": "email"},
}


def _directory(kind: str) -> Any:
    """Where new pages go: the directory the service layer chooses (for members,
    setting ``MEMBER_DIRECTORY``, as for members who join)."""
    if kind == COMPANIES:
        directory, model = services.company_directory(), CompanyIndexPage
    else:
        directory, model = services.member_directory(), MemberIndexPage
    if directory is None:
        raise ImportFileError(
            gettext("Create a %(model)s first.") % {"model": model._meta.verbose_name}
        )
    return directory


def _existing(kind: str, rows: list[ParsedRow]) -> dict[str, Any]:
    """Pages the rows update, by key: companies by slug, members by the contact
    or account e-mail (lower-cased)."""
    if kind == COMPANIES:
        return {p.slug: p for p in CompanyPage.objects.filter(slug__in=[r.key for r in rows])}
    existing: dict[str, Any] = {}
    emails = [r.key for r in rows]
    # The account's address is in the user model's EMAIL_FIELD, whatever it is called.
    email_field = get_user_model().get_email_field_name()
    q = Q(contact_email__in=[]) if not emails else Q()
    for email in emails:
        q |= Q(contact_email__iexact=email) | Q(**{f"user__{email_field}__iexact": email})
    for member in MemberPage.objects.filter(q).select_related("user"):
        for email in (member.contact_email, getattr(member.user, email_field, "")):
            if email:
                existing.setdefault(email.lower(), member)
    return existing


def apply(kind: str, rows: list[ParsedRow], user: Any) -> dict[str, int]:
    """Write valid rows through the service layer, all or nothing.

    Companies: ``services.create_company`` / ``update_company``; members:
    ``services.save_member_profile``, the path of every other profile write (the
    member directory, free slugs, revisions, permission checks and audit entries
    are the services'). A row the service refuses raises :class:`ImportRowError`
    and the whole file is rolled back.
    """
    counts = {"created": 0, "updated": 0}
    _directory(kind)
    columns = SERVICE_FIELD_COLUMNS[kind]
    with transaction.atomic():
        existing = _existing(kind, rows)
        for row in rows:
            page = existing.get(row.key)
            try:
                if kind == MEMBERS:
                    services.save_member_profile(user, page, **row.values)
                elif page is None:
                    services.create_company(user, slug=row.key, **row.values)
                else:
                    services.update_company(user, page, **row.values)
            except NetworkError as error:
                column = columns.get(error.field or "", error.field or "")
                raise ImportRowError(RowError(row.line, column, error.message)) from None
            counts["created" if page is None else "updated"] += 1
    return counts


# --------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------


def can_import(user: Any, kind: str | None = None) -> bool:
    """Superusers, and editors whose Wagtail page permissions let them add and
    publish pages in the directory the import writes to (the services check each
    row again)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    for each in [kind] if kind else [COMPANIES, MEMBERS]:
        directory = (
            services.company_directory() if each == COMPANIES else services.member_directory()
        )
        if directory is None:
            continue
        perms = directory.permissions_for_user(user)
        if perms.can_add_subpage() and perms.can_publish_subpage():
            return True
    return False


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Import"), choices=[(COMPANIES, _("Companies")), (MEMBERS, _("Members"))]
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, comma- or semicolon-separated, with the template's header line."),
    )


class ImportView(NetworkScreenView):
    template_name = "wagtail_network/admin/import.html"
    page_title = _("Import companies or members")
    header_icon = "upload"
    allowed = staticmethod(can_import)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ImportForm())
        context["columns"] = COLUMNS
        context["template_urls"] = {
            kind: reverse("wagtail_network_import:template", args=[kind]) for kind in COLUMNS
        }
        return context

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        kind = form.cleaned_data["kind"]
        if not can_import(request.user, kind):
            form.add_error("kind", gettext("You may not add pages to that directory."))
            return self.render_to_response(self.get_context_data(form=form))
        try:
            rows, errors = parse(kind, form.cleaned_data["file"].read())
            if errors:
                return self.render_to_response(
                    self.get_context_data(form=form, row_errors=errors, kind=kind)
                )
            counts = apply(kind, rows, request.user)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.render_to_response(self.get_context_data(form=form))
        except ImportRowError as exc:
            return self.render_to_response(
                self.get_context_data(form=form, row_errors=[exc.error], kind=kind)
            )
        messages.success(
            request,
            gettext("Import done: %(created)d created, %(updated)d updated.") % counts,
        )
        return HttpResponseRedirect(reverse("wagtail_network_import:index"))


class TemplateDownloadView(View):
    def get(self, request, kind: str):
        if kind not in COLUMNS:
            from django.http import Http404

            raise Http404
        if not can_import(request.user):
            raise PermissionDenied
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
        response.write("\ufeff")  # BOM: Excel then reads the file as UTF-8
        writer = csv.writer(response)
        writer.writerow([name for name, _required, _help in COLUMNS[kind]])
        return response


class ImportViewSet(NetworkScreenViewSet):
    """The "Import" entry of the Network menu, for editors."""

    name = "wagtail_network_import"
    icon = "upload"
    menu_label = _("Import (CSV)")
    menu_name = "network-import"
    allowed = staticmethod(can_import)

    def get_urlpatterns(self):
        return [
            path("", ImportView.as_view(), name="index"),
            path("template/<str:kind>.csv", TemplateDownloadView.as_view(), name="template"),
        ]
