"""CSV import of companies and members in the admin: upload, preview, confirm.

PRODUCT.md: companies are matched on ``slug`` and members on e-mail; files are UTF-8
with or without a byte-order mark, and comma- or semicolon-separated (Dutch Excel
writes semicolons), detected from the header line. A downloadable template lists
the documented columns. Every row is validated; all or nothing.

Issue 9: nothing is written on upload. The file is stored in the database
(:class:`~wagtail_network.models.ImportUpload`: several app servers, no local disk,
no session) and its preview (:func:`plan`) shows, row by row and column by column,
what would be created, updated, left unchanged or refused. "Confirm import" plans
again, and writes only if nothing is refused and nothing differs from the preview
the editor saw; the upload is claimed in the same transaction, so confirming twice
imports once. Uploads expire after ``IMPORT_UPLOAD_MAX_AGE`` seconds.

Writing goes through the service layer (``services.create_company``,
``update_company`` and ``save_member_profile``), like every other page write:
new companies go under the first live company directory, new members under the
member directory (setting ``MEMBER_DIRECTORY``, as for members who join); new pages
are published, existing ones get a new revision, published if they are live. Each
write is checked, revisioned and in the audit log with the importing editor; a row
that changes nothing is not written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin import messages

from .. import services, visibility
from ..conf import get_setting
from ..errors import NetworkError
from ..models import (
    CompanyIndexPage,
    CompanyPage,
    CompanySize,
    ImportUpload,
    Industry,
    MemberIndexPage,
    MemberPage,
    Skill,
)
from ..profile_forms import ProfileForms
from ..viewer import Viewer
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
    """Read and validate every row of a file; return the rows and *all* errors found."""
    return parse_text(kind, decode(data))


def parse_text(kind: str, text: str) -> tuple[list[ParsedRow], list[RowError]]:
    """Read and validate every row of decoded text (see :func:`parse`)."""
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
            # A column in the file sets its field on every row; an empty cell clears it.
            if "size_range" in row:
                if row["size_range"] and row["size_range"] not in CompanySize.values:
                    error(line, "size_range", _("Not one of the size ranges."))
                values["size_range"] = row["size_range"]
            if "founded_year" in row:
                year = row["founded_year"]
                if not year:
                    values["founded_year"] = None
                elif not (year.isdigit() and 1000 <= int(year) <= 2100):
                    error(line, "founded_year", _("Not a year."))
                else:
                    values["founded_year"] = int(year)
            if "website" in row:
                if row["website"]:
                    try:
                        url_validator(row["website"])
                    except ValidationError:
                        error(line, "website", _("Not a valid URL (include https://)."))
                values["website"] = row["website"]
            if "contact_email" in row:
                if row["contact_email"]:
                    try:
                        email_validator(row["contact_email"])
                    except ValidationError:
                        error(line, "contact_email", _("Not a valid e-mail address."))
                values["contact_email"] = row["contact_email"]
        else:
            values["contact_email"] = row.get("email", "")
            if "skills" in row:
                chosen = []
                for name in (s.strip() for s in row["skills"].split("|")):
                    if not name:
                        continue
                    term = skills.get(name.lower())
                    if term is None:
                        error(line, "skills", _("No skill called “%s”.") % name)
                    elif term not in chosen:
                        chosen.append(term)
                values["skills"] = chosen
        if kind == COMPANIES:
            for name in ("title", "tagline", "city", "country"):
                if len(values.get(name) or "") > 200:
                    error(line, name, _("At most 200 characters."))
        else:
            # The profile's own field-group forms, as every profile write uses
            # (services.save_member_profile validates with them again on confirm).
            reported = {e.column for e in errors if e.row == line}
            for found in ProfileForms.for_fields(values).errors():
                column = SERVICE_FIELD_COLUMNS[MEMBERS].get(found.field or "", found.field or "")
                if column not in reported:
                    reported.add(column)
                    error(line, column, found.message)
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
        return {
            p.slug: p
            for p in CompanyPage.objects.filter(slug__in=[r.key for r in rows]).select_related(
                "industry"
            )
        }
    existing: dict[str, Any] = {}
    emails = [r.key for r in rows if r.key]
    if not emails:
        return existing
    # The account's address is in the user model's EMAIL_FIELD, whatever it is called.
    email_field = get_user_model().get_email_field_name()
    q = Q()
    for email in emails:
        q |= Q(contact_email__iexact=email) | Q(**{f"user__{email_field}__iexact": email})
    members = MemberPage.objects.filter(q).select_related("user", "industry")
    for member in members.prefetch_related("skills"):
        for email in (member.contact_email, getattr(member.user, email_field, "")):
            if email:
                existing.setdefault(email.lower(), member)
    return existing


# --------------------------------------------------------------------------
# The plan: what the file would write, row by row and column by column
# --------------------------------------------------------------------------

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
REFUSED = "refused"

ACTION_LABELS = {
    CREATE: _("To be created"),
    UPDATE: _("To be updated"),
    UNCHANGED: _("No change"),
    REFUSED: _("Refused"),
}
DONE_LABELS = {
    CREATE: _("Created"),
    UPDATE: _("Updated"),
    UNCHANGED: _("No change"),
}

#: (file column, service field) compared and shown, in the file's column order.
PLAN_COLUMNS = {
    COMPANIES: [
        ("name", "title"),
        ("tagline", "tagline"),
        ("industry", "industry"),
        ("size_range", "size_range"),
        ("founded_year", "founded_year"),
        ("city", "city"),
        ("country", "country"),
        ("website", "website"),
        ("contact_email", "contact_email"),
    ],
    MEMBERS: [
        ("email", "contact_email"),
        ("name", "title"),
        ("headline", "headline"),
        ("city", "city"),
        ("country", "country"),
        ("industry", "industry"),
        ("skills", "skills"),
        ("languages", "languages"),
        ("contact_phone", "contact_phone"),
    ],
}


@dataclass
class Cell:
    """One column of one row: its value now (``""`` for a new page) and after."""

    column: str
    old: str
    new: str


@dataclass
class PlannedRow:
    line: int
    key: str
    action: str
    title: str = ""
    cells: list[Cell] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    page: Any = None
    #: What goes to the service: only the fields that change.
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> Any:
        return ACTION_LABELS[self.action]


@dataclass
class Plan:
    kind: str
    rows: list[PlannedRow]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTION_LABELS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def refused(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == REFUSED]

    @property
    def writes(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.action in (CREATE, UPDATE)]

    @property
    def can_confirm(self) -> bool:
        """All or nothing: a file with a refused row cannot be imported."""
        return not self.refused and bool(self.writes)

    @property
    def digest(self) -> str:
        """What the confirmation agrees to: each row's action and cells. Confirming
        a preview whose digest no longer matches shows the new preview instead."""
        data = [
            [row.line, row.action, [[c.column, c.old, c.new] for c in row.cells]]
            for row in self.rows
        ]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def _shown(name: str, value: Any) -> str:
    """A field value as the preview shows it."""
    if value is None:
        return ""
    if name == "skills":
        return ", ".join(sorted((str(v) for v in value), key=str.lower))
    if isinstance(value, models.Model):
        return str(value)
    return str(value).strip()


def _comparable(name: str, value: Any) -> Any:
    if name == "skills":
        return sorted(v.pk for v in value or [])
    if name == "industry":
        return value.pk if value is not None else None
    if name == "founded_year":
        return value
    return (value or "").strip() if isinstance(value, str) or value is None else value


def _current_values(page: Any) -> Any:
    """The version of the page the services edit: its latest revision (a draft
    of a live page included); the page row itself when nothing is unpublished."""
    if page.has_unpublished_changes and page.latest_revision_id:
        return page.get_latest_revision_as_object()
    return page


def _current(obj: Any, name: str) -> Any:
    if name == "skills":
        return list(obj.skills.all())
    return getattr(obj, name)


def _refuse(row: PlannedRow, column: str, message: Any) -> None:
    row.errors.append(RowError(row.line, column, str(message)))
    row.action = REFUSED


def plan(kind: str, text: str, user: Any) -> Plan:
    """What importing ``text`` as ``user`` would do, without writing anything.

    Every row is validated (:func:`parse_text`), matched (companies on slug,
    members on e-mail), checked as the services will check it (input limits,
    the user's page permissions on the page it updates or the directory it adds
    to, a slug another page of the company directory holds) and compared column
    by column with the page's current version: a matched row whose values are
    all the same is "no change" and is not written.
    """
    from wagtail.models import Page

    from ..services import companies as company_services
    from ..services import profiles as profile_services

    parsed, errors = parse_text(kind, text)
    directory = _directory(kind)
    perms = directory.permissions_for_user(user)
    may_create = perms.can_add_subpage() and perms.can_publish_subpage()
    existing = _existing(kind, parsed)
    errors_by_line: dict[int, list[RowError]] = {}
    for error in errors:
        errors_by_line.setdefault(error.row, []).append(error)
    if kind == COMPANIES:
        text_limits = company_services.COMPANY_TEXT_LIMITS
        list_limits = company_services.COMPANY_LIST_LIMITS
        new_slugs = [r.key for r in parsed if r.key and r.key not in existing]
        taken = set(
            Page.objects.child_of(directory)
            .filter(slug__in=new_slugs)
            .values_list("slug", flat=True)
        )
    else:
        text_limits = profile_services.PROFILE_TEXT_LIMITS
        list_limits = profile_services.PROFILE_LIST_LIMITS
        taken = set()
    viewer = Viewer.of(user)
    field_columns = SERVICE_FIELD_COLUMNS[kind]
    rows: list[PlannedRow] = []
    for parsed_row in parsed:
        page = existing.get(parsed_row.key)
        values = dict(parsed_row.values)
        row = PlannedRow(
            line=parsed_row.line,
            key=parsed_row.key,
            action=CREATE if page is None else UPDATE,
            title=values.get("title") or (page.title if page is not None else ""),
            page=page,
        )
        rows.append(row)
        for error in errors_by_line.get(row.line, []):
            _refuse(row, error.column, error.message)
        if page is None and kind == MEMBERS and not values.get("contact_email"):
            values.pop("contact_email", None)
        if page is not None and kind == MEMBERS:
            # The e-mail matched the profile (its contact address or its account's):
            # it is the key, and fills the contact address only where there is none.
            if page.contact_email:
                values.pop("contact_email", None)
        try:
            profile_services.check_input_limits(
                {k: v for k, v in values.items() if isinstance(v, str)}, text_limits, list_limits
            )
        except NetworkError as error:
            _refuse(row, field_columns.get(error.field or "", error.field or ""), error.message)
        if page is None:
            if not may_create:
                _refuse(row, "", _("You may not add pages to the directory."))
            elif row.key in taken:
                _refuse(row, "slug", _("Another page in the company directory has this slug."))
        elif kind == COMPANIES:
            if not visibility.can_edit_company(viewer, page):
                _refuse(row, "slug", _("You may not edit this company."))
        else:
            page_perms = page.permissions_for_user(user)
            if not page_perms.can_edit() or (page.live and not page_perms.can_publish()):
                _refuse(row, "email", _("You may not edit this profile."))
        current = _current_values(page) if page is not None else None
        for column, name in PLAN_COLUMNS[kind]:
            if name not in values:
                continue
            new = values[name]
            if current is None:
                if _shown(name, new):
                    row.cells.append(Cell(column, "", _shown(name, new)))
                row.fields[name] = new
                continue
            old = _current(current, name)
            if _comparable(name, old) != _comparable(name, new):
                row.cells.append(Cell(column, _shown(name, old), _shown(name, new)))
                row.fields[name] = new
        if row.action == UPDATE and not row.fields:
            row.action = UNCHANGED
    return Plan(kind=kind, rows=rows)


def execute(import_plan: Plan, user: Any) -> list[dict[str, Any]]:
    """Write the plan's rows through the service layer, all or nothing.

    Companies: ``services.create_company`` / ``update_company``; members:
    ``services.save_member_profile``, the path of every other profile write (the
    member directory, free slugs, revisions, permission checks and audit entries
    are the services'). Only the fields that change are passed; rows with no
    change are not written (no revision, no audit entry). A row the service
    refuses raises :class:`ImportRowError` and the whole file is rolled back.
    Returns what was done, row by row.
    """
    kind = import_plan.kind
    columns = SERVICE_FIELD_COLUMNS[kind]
    done = []
    with transaction.atomic():
        for row in import_plan.rows:
            page = row.page
            if row.action == REFUSED:
                raise ImportRowError(row.errors[0])
            if row.action in (CREATE, UPDATE):
                try:
                    if kind == MEMBERS:
                        page = services.save_member_profile(user, page, **row.fields)
                    elif page is None:
                        page = services.create_company(user, slug=row.key, **row.fields)
                    else:
                        page = services.update_company(user, page, **row.fields)
                except NetworkError as error:
                    column = columns.get(error.field or "", error.field or "")
                    raise ImportRowError(RowError(row.line, column, error.message)) from None
            done.append(
                {"line": row.line, "action": row.action, "title": page.title, "page": page.pk}
            )
    return done


# --------------------------------------------------------------------------
# Views: upload → preview → confirm (or cancel) → result
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


def delete_expired_uploads() -> int:
    """Delete uploads older than ``IMPORT_UPLOAD_MAX_AGE``; called on every upload,
    so that no scheduled job is needed. Returns how many went."""
    deleted, _per_model = ImportUpload.objects.expired().delete()
    return deleted


KIND_LABELS = {COMPANIES: _("Companies"), MEMBERS: _("Members")}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Import"), choices=list(KIND_LABELS.items()))
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, comma- or semicolon-separated, with the template's header line."),
    )


class ImportView(NetworkScreenView):
    """The upload form. A readable file is kept in the database
    (:class:`~wagtail_network.models.ImportUpload`) and the editor is sent to its
    preview; nothing is imported yet."""

    template_name = "wagtail_network/admin/import.html"
    page_title = _("Import companies or members")
    header_icon = "upload"
    allowed = staticmethod(can_import)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ImportForm())
        context["columns"] = COLUMNS
        context["max_age_minutes"] = int(get_setting("IMPORT_UPLOAD_MAX_AGE")) // 60
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
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BYTES:
                raise ImportFileError(gettext("The file is larger than 5 MB."))
            text = decode(upload.read())
            # File-level problems (encoding, header, no rows) are the upload form's;
            # row-level ones are shown in the preview.
            parse_text(kind, text)
            _directory(kind)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.render_to_response(self.get_context_data(form=form))
        with transaction.atomic():
            delete_expired_uploads()
            stored = ImportUpload.objects.create(
                kind=kind,
                uploaded_by=request.user,
                filename=(upload.name or "")[:255],
                text=text,
                sha256=hashlib.sha256(text.encode()).hexdigest(),
            )
        return HttpResponseRedirect(reverse("wagtail_network_import:preview", args=[stored.pk]))


class ImportPreviewView(NetworkScreenView):
    """One upload: its preview (GET), confirmed or cancelled (POST), then its result.

    Only the editor who uploaded the file reaches it (anyone else: 404). An upload
    older than ``IMPORT_UPLOAD_MAX_AGE`` is refused with a message. Confirming
    claims the upload and writes every row in one transaction: a second
    confirmation (a double click, the back button) finds it claimed and imports
    nothing. The rows are planned again at confirmation; if anything is refused
    now, or differs from the preview the editor saw, nothing is written and the
    new preview is shown.
    """

    template_name = "wagtail_network/admin/import_preview.html"
    page_title = _("Import preview")
    header_icon = "upload"
    allowed = staticmethod(can_import)

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            raise PermissionDenied
        self.upload = ImportUpload.objects.filter(
            pk=kwargs["pk"], uploaded_by_id=request.user.pk
        ).first()
        if self.upload is None:
            raise Http404
        if self.upload.expired:
            messages.error(
                request,
                gettext(
                    "That upload has expired: uploads wait at most %(minutes)d minutes for "
                    "their confirmation. Nothing was imported; upload the file again."
                )
                % {"minutes": int(get_setting("IMPORT_UPLOAD_MAX_AGE")) // 60},
            )
            return HttpResponseRedirect(reverse("wagtail_network_import:index"))
        if not can_import(request.user, self.upload.kind):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        if self.upload.imported_at is not None:
            return gettext("Import done")
        return super().get_page_title()

    def get_page_subtitle(self):
        return self.upload.filename

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtail_network_import:index"), "label": _("Import (CSV)")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "upload": self.upload,
                "kind_label": KIND_LABELS.get(self.upload.kind, self.upload.kind),
                "index_url": reverse("wagtail_network_import:index"),
                "max_age_minutes": int(get_setting("IMPORT_UPLOAD_MAX_AGE")) // 60,
            }
        )
        if self.upload.imported_at is not None:
            result = self.upload.result or {}
            rows = result.get("rows", [])
            context["result_rows"] = [
                {
                    **row,
                    "label": DONE_LABELS.get(row["action"], ""),
                    "edit_url": reverse("wagtailadmin_pages:edit", args=[row["page"]])
                    if row.get("page")
                    else "",
                }
                for row in rows
            ]
            context["result_counts"] = {
                action: sum(1 for row in rows if row["action"] == action) for action in DONE_LABELS
            }
            return context
        if "plan" not in context and "file_error" not in context:
            try:
                context["plan"] = plan(self.upload.kind, self.upload.text, self.request.user)
            except ImportFileError as exc:
                context["file_error"] = str(exc)
        return context

    def post(self, request, *args, **kwargs):
        if self.upload.imported_at is not None:
            messages.info(
                request, gettext("This file was already imported; nothing more was done.")
            )
            return HttpResponseRedirect(request.path)
        if "cancel" in request.POST:
            ImportUpload.objects.filter(pk=self.upload.pk, imported_at__isnull=True).delete()
            messages.success(request, gettext("Import cancelled: nothing was written."))
            return HttpResponseRedirect(reverse("wagtail_network_import:index"))
        return self.confirm(request)

    def confirm(self, request):
        upload = self.upload
        notice = None
        try:
            with transaction.atomic():
                # The claim: one UPDATE that only the first confirmation can make.
                # Concurrent ones wait for its row lock and then match nothing.
                claimed = (
                    ImportUpload.objects.current()
                    .filter(pk=upload.pk, uploaded_by_id=request.user.pk, imported_at__isnull=True)
                    .update(imported_at=timezone.now())
                )
                if not claimed:
                    raise _AlreadyClaimed
                import_plan = plan(upload.kind, upload.text, request.user)
                if not import_plan.can_confirm or import_plan.digest != request.POST.get("digest"):
                    notice = _(
                        "Nothing was imported: the data changed since the preview. Check the "
                        "preview below again."
                    )
                    raise _Replan(import_plan)
                done = execute(import_plan, request.user)
                ImportUpload.objects.filter(pk=upload.pk).update(text="", result={"rows": done})
        except ImportFileError as exc:  # e.g. the directory went away meanwhile
            return self.render_to_response(self.get_context_data(file_error=str(exc)))
        except _AlreadyClaimed:
            messages.info(
                request, gettext("This file was already imported; nothing more was done.")
            )
            return HttpResponseRedirect(request.path)
        except _Replan as replan:
            messages.warning(request, notice)
            return self.render_to_response(self.get_context_data(plan=replan.plan))
        except ImportRowError as exc:
            import_plan = plan(upload.kind, upload.text, request.user)
            for row in import_plan.rows:
                if row.line == exc.error.row:
                    _refuse(row, exc.error.column, exc.error.message)
            messages.error(request, gettext("Nothing was imported: a row was refused."))
            return self.render_to_response(self.get_context_data(plan=import_plan))
        counts = {
            action: sum(1 for row in done if row["action"] == action) for action in DONE_LABELS
        }
        messages.success(
            request,
            gettext(
                "Import done: %(created)d created, %(updated)d updated, %(unchanged)d unchanged."
            )
            % {
                "created": counts[CREATE],
                "updated": counts[UPDATE],
                "unchanged": counts[UNCHANGED],
            },
        )
        return HttpResponseRedirect(request.path)


class _AlreadyClaimed(Exception):
    """Another confirmation of the same upload came first."""


class _Replan(Exception):
    """The plan at confirmation cannot be written as previewed: roll back the claim."""

    def __init__(self, new_plan: Plan) -> None:
        super().__init__()
        self.plan = new_plan


class TemplateDownloadView(View):
    def get(self, request, kind: str):
        if kind not in COLUMNS:
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
            path("<uuid:pk>/", ImportPreviewView.as_view(), name="preview"),
        ]
