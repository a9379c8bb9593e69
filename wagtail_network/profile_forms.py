"""The member profile's field groups, one Django form class each.

Every write of a member profile goes through one service function
(:func:`wagtail_network.services.update_my_profile` for the member,
:func:`~wagtail_network.services.save_member_profile` for an editor and the CSV
import), and that function validates what it is given once, here:
:func:`clean_profile` binds the form of each field group the caller touched
(a partial update binds only the fields sent) and a row form for each position,
education entry and link. The site's profile editor renders the same classes
(:class:`ProfileForms`), so a rule (a length, an e-mail address, a locked
visibility, a date order) is written once and answers the same on the page, over
GraphQL and in an import.

Values may be Python values (the API: lists, dates, ids) or strings (a POST, a CSV
cell); the form fields accept both.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import limits
from .conf import get_setting
from .errors import ErrorCode, NetworkError
from .limits import ProhibitControlCharactersValidator
from .models import (
    CompanyPage,
    Education,
    FieldVisibility,
    Industry,
    MemberLink,
    MemberPage,
    OpenTo,
    Position,
    ProfileVisibility,
    Skill,
)

NO_CONTROL = [ProhibitControlCharactersValidator()]


def _text(model: Any, name: str, **kwargs: Any) -> forms.CharField:
    """The model field ``name`` as a form field (its label, length, validators),
    refusing control characters as the model does."""
    form_field = model._meta.get_field(name).formfield(**kwargs)
    form_field.validators = [*form_field.validators, *NO_CONTROL]
    return form_field


class VocabularyChoiceField(forms.ModelChoiceField):
    """A vocabulary term by instance, id or slug (the API sends ids, a CSV slugs)."""

    default_error_messages = {"invalid_choice": gettext_lazy("Unknown value.")}

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        queryset: Any = self.queryset
        model = queryset.model
        if isinstance(value, model):
            return value
        if isinstance(value, bool) or (
            isinstance(value, str) and limits.has_control_characters(value)
        ):
            # (A NUL would reach PostgreSQL as a query parameter, which it refuses.)
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        term = None
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            term = queryset.filter(pk=int(value)).first()
        if term is None and isinstance(value, str):
            term = queryset.filter(slug=value).first()
        if term is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return term


@dataclass
class SkillChoice:
    """The skills a member lists: terms of the vocabulary, and names of terms it
    does not hold yet (created or suggested to the editors: setting ``NEW_SKILLS``)."""

    skills: list[Skill] = field(default_factory=list)
    new_names: list[str] = field(default_factory=list)


SKILL_NAME_MAX_LENGTH = 100  # Skill.name's max_length


class SkillsField(forms.Field):
    """Skills by instance, id, slug or name; a name the vocabulary does not hold is
    kept as a new name (``SkillChoice.new_names``). An id that matches nothing is
    refused: ids come from a list the client was given."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"unknown": gettext_lazy("Unknown value.")}

    def to_python(self, value: Any) -> SkillChoice:
        if value in (None, ""):
            return SkillChoice()
        items = list(value) if isinstance(value, (list, tuple)) else [value]
        choice = SkillChoice()
        ids = [
            pk
            for v in items
            if (isinstance(v, int) and not isinstance(v, bool))
            or (isinstance(v, str) and v.strip().isdigit())
            if (pk := limits.bounded_pk(v.strip() if isinstance(v, str) else v, Skill))
        ]
        by_id = {s.pk: s for s in Skill.objects.filter(pk__in=ids)}
        names = [
            " ".join(v.split()) for v in items if isinstance(v, str) and not v.strip().isdigit()
        ]
        names = [n for n in names if n]
        for name in names:
            # Checked before any lookup: PostgreSQL refuses a NUL in a query
            # parameter, and a ValidationError (not a NetworkError) is what a form
            # field raises, so the page shows it next to the field.
            if len(name) > SKILL_NAME_MAX_LENGTH:
                raise ValidationError(
                    _("Each at most %(n)d characters.") % {"n": SKILL_NAME_MAX_LENGTH},
                    code="max_length",
                )
            if limits.has_control_characters(name):
                raise ValidationError(limits.CONTROL_CHARACTER_MESSAGE, code="control_characters")
        by_name: dict[str, Skill] = {}
        if names:
            q = Q()
            for name in names:
                q |= Q(name__iexact=name) | Q(slug=name)
            for term in Skill.objects.filter(q):
                by_name[term.name.casefold()] = term
                by_name[term.slug] = term
        for item in items:
            skill: Skill | None
            if isinstance(item, Skill):
                skill = item
            elif isinstance(item, bool) or not isinstance(item, (int, str)):
                raise ValidationError(self.error_messages["unknown"], code="unknown")
            elif isinstance(item, int) or item.strip().isdigit():
                pk = limits.bounded_pk(item.strip() if isinstance(item, str) else item, Skill)
                skill = by_id.get(pk) if pk is not None else None
                if skill is None:
                    raise ValidationError(self.error_messages["unknown"], code="unknown")
            else:
                name = " ".join(item.split())
                if not name:
                    continue
                skill = by_name.get(name.casefold()) or by_name.get(name)
                if skill is None:
                    if name.casefold() not in {n.casefold() for n in choice.new_names}:
                        choice.new_names.append(name)
                    continue
            if skill not in choice.skills:
                choice.skills.append(skill)
        return choice

    def validate(self, value: SkillChoice) -> None:
        if len(value.skills) + len(value.new_names) > limits.ID_LIST_MAX_ITEMS:
            raise ValidationError(
                _("At most %(n)d items.") % {"n": limits.ID_LIST_MAX_ITEMS}, code="too_many"
            )


class TagListField(forms.CharField):
    """Tags as a list, or as one comma-separated text (the page, a CSV cell)."""

    def prepare_value(self, value: Any) -> Any:
        # Shown again in a text input as the member typed it: comma-separated.
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if value in (None, ""):
            return []
        items = value if isinstance(value, (list, tuple)) else str(value).split(",")
        tags: list[str] = []
        for item in items:
            tag = str(item).strip()
            if tag and tag.casefold() not in {t.casefold() for t in tags}:
                tags.append(tag)
        return tags

    def validate(self, value: list[str]) -> None:
        if len(value) > limits.TAG_MAX_ITEMS:
            raise ValidationError(
                _("At most %(n)d items.") % {"n": limits.TAG_MAX_ITEMS}, code="too_many"
            )

    def run_validators(self, value: list[str]) -> None:
        for tag in value:
            if len(tag) > limits.TAG_MAX_LENGTH:
                raise ValidationError(
                    _("Each at most %(n)d characters.") % {"n": limits.TAG_MAX_LENGTH},
                    code="max_length",
                )
            if limits.has_control_characters(tag):
                raise ValidationError(limits.CONTROL_CHARACTER_MESSAGE, code="control_characters")


# --------------------------------------------------------------------------
# The field groups
# --------------------------------------------------------------------------


class ProfileGroupForm(forms.Form):
    """A field group: its fields are the service's field names."""

    #: Heading of the group on the page.
    legend: Any = ""

    def __init__(self, *args: Any, only: set[str] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if only is not None:
            # A partial update validates the fields sent, and only those.
            for name in list(self.fields):
                if name not in only:
                    del self.fields[name]


class BasicsForm(ProfileGroupForm):
    legend = gettext_lazy("About you")

    name = forms.CharField(
        label=gettext_lazy("Display name"),
        max_length=limits.NAME_MAX_LENGTH,
        validators=NO_CONTROL,
        help_text=gettext_lazy("The name everyone who may see your profile sees."),
        error_messages={"required": gettext_lazy("Give the name to show on your profile.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    headline = _text(MemberPage, "headline")
    bio = forms.CharField(
        label=gettext_lazy("About"),
        required=False,
        max_length=limits.LONG_TEXT_MAX_LENGTH,
        validators=NO_CONTROL,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "What you know, what interests you. An empty line starts a paragraph."
        ),
    )
    city = _text(
        MemberPage, "city", widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    country = _text(
        MemberPage, "country", widget=forms.TextInput(attrs={"autocomplete": "country-name"})
    )
    industry = VocabularyChoiceField(
        label=gettext_lazy("Industry"), queryset=Industry.objects.all(), required=False
    )
    languages = _text(MemberPage, "languages")


class AboutForm(ProfileGroupForm):
    legend = gettext_lazy("What you know and look for")

    skills = SkillsField(label=gettext_lazy("Skills"), required=False)
    add_skills = SkillsField(
        label=gettext_lazy("Add a skill"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("Start typing to choose from the list."),
    )
    interests = TagListField(
        label=gettext_lazy("Interests"),
        required=False,
        help_text=gettext_lazy("Comma-separated, for example: sailing, open source."),
    )
    open_to = forms.MultipleChoiceField(
        label=gettext_lazy("Open to"),
        choices=OpenTo.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("Unknown choice.")},
    )


class ContactForm(ProfileGroupForm):
    legend = gettext_lazy("Contact")

    contact_email = _text(
        MemberPage, "contact_email", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    contact_phone = _text(
        MemberPage,
        "contact_phone",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )


def _locked(name: str) -> str | None:
    """The audience the site locked for a visibility field, if any."""
    if name == "profile_visibility":
        return get_setting("LOCKED_PROFILE_VISIBILITY")
    return (get_setting("LOCKED_FIELD_VISIBILITY") or {}).get(name.removesuffix("_visibility"))


class VisibilityForm(ProfileGroupForm):
    """Who sees the profile and each sensitive field. A choice the site locked is
    shown disabled with the site's value, and any other value is refused."""

    legend = gettext_lazy("Who can see what")

    profile_visibility = forms.ChoiceField(
        label=gettext_lazy("Who can see your profile"),
        choices=ProfileVisibility.choices,
        widget=forms.RadioSelect,
    )
    email_visibility = forms.ChoiceField(
        label=gettext_lazy("Who can see your e-mail address"), choices=FieldVisibility.choices
    )
    phone_visibility = forms.ChoiceField(
        label=gettext_lazy("Who can see your phone number"), choices=FieldVisibility.choices
    )
    connections_visibility = forms.ChoiceField(
        label=gettext_lazy("Who can see your connections"), choices=FieldVisibility.choices
    )
    positions_visibility = forms.ChoiceField(
        label=gettext_lazy("Who can see your positions"), choices=FieldVisibility.choices
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locked: dict[str, str] = {}
        for name, form_field in self.fields.items():
            audience = _locked(name)
            if audience:
                self.locked[name] = audience
                form_field.help_text = _("The site decides this for every member.")
                form_field.widget.attrs["aria-describedby"] = f"id_{name}_helptext"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, audience in self.locked.items():
            if name in self.cleaned_data and self.cleaned_data[name] != audience:
                message = (
                    _("The site decides who can see profiles.")
                    if name == "profile_visibility"
                    else _("The site decides who can see this.")
                )
                self.add_error(name, message)
        return data


FOCUS_CHOICES = [
    ("top-left", gettext_lazy("Top left")),
    ("top", gettext_lazy("Top")),
    ("top-right", gettext_lazy("Top right")),
    ("left", gettext_lazy("Left")),
    ("centre", gettext_lazy("Centre")),
    ("right", gettext_lazy("Right")),
    ("bottom-left", gettext_lazy("Bottom left")),
    ("bottom", gettext_lazy("Bottom")),
    ("bottom-right", gettext_lazy("Bottom right")),
]

#: Each focus choice as the focal point's centre, in fractions of width and height.
FOCUS_POINTS = {
    key: (x, y)
    for (key, _label), (x, y) in zip(
        FOCUS_CHOICES,
        [(fx, fy) for fy in (1 / 6, 1 / 2, 5 / 6) for fx in (1 / 6, 1 / 2, 5 / 6)],
        strict=True,
    )
}


class PhotoForm(ProfileGroupForm):
    """The photo, on the page: a file, "remove", and which part a square keeps.
    The service takes ``photo`` (a file, or ``None`` to remove it) and
    ``photo_focal_point`` (``(x, y)`` fractions)."""

    legend = gettext_lazy("Photo")

    photo = forms.FileField(
        label=gettext_lazy("New photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    remove_photo = forms.BooleanField(label=gettext_lazy("Remove my photo"), required=False)
    focus = forms.ChoiceField(
        label=gettext_lazy("Which part of the photo a square keeps"),
        choices=FOCUS_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )

    def clean_photo(self) -> Any:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        from . import photos

        try:
            return photos.clean_photo(upload)
        except NetworkError as exc:
            raise ValidationError(exc.message, code="invalid_image") from None


# --------------------------------------------------------------------------
# Rows: positions, education, links
# --------------------------------------------------------------------------


class RowForm(forms.ModelForm):
    """One row of a profile list. ``id`` names an existing row (positions keep
    their confirmation through it)."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            if isinstance(form_field, forms.CharField):
                form_field.validators = [*form_field.validators, *NO_CONTROL]


class PositionForm(RowForm):
    company = forms.IntegerField(required=False, widget=forms.Select)

    class Meta:
        model = Position
        fields = ["company_name", "title", "start_date", "end_date", "is_current"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, companies: list[tuple[Any, Any]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["company"].label = _("Company page")
        self.fields["company"].widget.choices = [("", _("Not in the network"))] + list(
            companies or []
        )
        self.fields["company_name"].help_text = _("When the company has no page here.")

    def clean_company(self) -> Any:
        value = self.cleaned_data.get("company")
        return value or None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("company") and not (data.get("company_name") or "").strip():
            self.add_error("company_name", _("Choose a company or type its name."))
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("A position ends after it starts."))
        return data


class EducationForm(RowForm):
    class Meta:
        model = Education
        fields = ["school", "degree", "field_of_study", "start_year", "end_year"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The end comes after the start."))
        return data


class LinkForm(RowForm):
    url = forms.URLField(
        label=MemberLink._meta.get_field("url").verbose_name,
        max_length=MemberLink._meta.get_field("url").max_length,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = MemberLink
        fields = ["label", "url"]


ROW_FORMS: dict[str, type[RowForm]] = {
    "positions": PositionForm,
    "education": EducationForm,
    "links": LinkForm,
}

ROW_MAX_ITEMS = {
    "positions": limits.POSITIONS_MAX_ITEMS,
    "education": limits.EDUCATION_MAX_ITEMS,
    "links": limits.LINKS_MAX_ITEMS,
}

ROW_LEGENDS = {
    "positions": gettext_lazy("Positions"),
    "education": gettext_lazy("Education"),
    "links": gettext_lazy("Links"),
}

#: The field groups in page order (rows come after ``about``).
GROUP_FORMS: dict[str, type[ProfileGroupForm]] = {
    "visibility": VisibilityForm,
    "basics": BasicsForm,
    "photo": PhotoForm,
    "about": AboutForm,
    "contact": ContactForm,
}

#: Service fields with no form of their own: the "open to" flags one by one
#: (the CSV import and older callers), folded into ``open_to``.
OPEN_TO_FLAGS = {attr: choice for choice, attr in MemberPage.OPEN_TO_FIELDS.items()}


def company_choices() -> list[tuple[int, str]]:
    """Live company pages, for a position's company menu."""
    return list(CompanyPage.objects.live().order_by("title").values_list("pk", "title"))


# --------------------------------------------------------------------------
# Validation, once, for the service layer
# --------------------------------------------------------------------------


class ProfileInvalid(NetworkError):
    """Every validation error of a profile change (``errors``; the exception itself
    reads as the first), with the bound :class:`ProfileForms` for a page to show
    them next to their fields."""

    def __init__(self, errors: list[NetworkError], forms: ProfileForms | None = None) -> None:
        first = errors[0]
        super().__init__(first.code, first.message, first.field)
        self.errors = errors
        self.forms = forms


def _form_errors(form: forms.BaseForm, prefix: str = "") -> list[NetworkError]:
    found = []
    for name, messages in form.errors.items():
        field_name = None if name == "__all__" else f"{prefix}{name}"
        for message in messages:
            found.append(NetworkError(ErrorCode.VALIDATION, message, field=field_name))
    return found


def clean_profile(fields: dict[str, Any], *, joining: bool = False) -> dict[str, Any]:
    """The cleaned values of ``fields`` (service field names), validated by the
    form of each group they touch and a row form per list row.

    Raises :class:`ProfileInvalid` with every error found. ``joining``: the
    profile is being created, so the display name is required.
    """
    profile_forms = ProfileForms.for_fields(fields, joining=joining)
    return profile_forms.clean()


def _row_data(prefix: str, row: dict[str, Any]) -> dict[str, Any]:
    return {f"{prefix}-{key}": value for key, value in row.items()}


class ProfileForms:
    """All field groups of a profile, bound or not: what the page renders and the
    service validates. ``groups`` maps group keys to forms; ``rows`` maps
    ``positions`` / ``education`` / ``links`` to lists of row forms (prefixes
    ``positions-0`` …), or to ``None`` when the change leaves that list alone."""

    def __init__(
        self,
        groups: dict[str, ProfileGroupForm],
        rows: dict[str, list[RowForm] | None],
        *,
        fields: dict[str, Any] | None = None,
    ) -> None:
        self.groups = groups
        self.rows = rows
        self.fields = fields or {}
        #: Errors of service fields no form holds (a photo's focal point).
        self.extra_errors: list[NetworkError] = []

    # ------------------------------------------------------------ binding

    @classmethod
    def for_fields(cls, fields: dict[str, Any], *, joining: bool = False) -> ProfileForms:
        """Forms bound to a change given as service fields (only the groups and
        fields it touches)."""
        data = dict(fields)
        if "title" in data and "name" not in data:
            data["name"] = data.pop("title")
        elif "title" in data:
            data.pop("title")
        flags = {k: data.pop(k) for k in list(data) if k in OPEN_TO_FLAGS}
        if flags:
            chosen = set(data.get("open_to") or [])
            for attr, value in flags.items():
                (chosen.add if value else chosen.discard)(OPEN_TO_FLAGS[attr])
            data["open_to"] = sorted(chosen)
        focal_error = None
        if "photo_focal_point" in data:
            point = data.pop("photo_focal_point")
            if point is not None and not (
                isinstance(point, (list, tuple))
                and len(point) == 2
                and all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1
                    for v in point
                )
            ):
                focal_error = NetworkError(
                    ErrorCode.VALIDATION, _("Give a number from 0 to 1."), field="photo_focal_point"
                )
        photo_files = {"photo": data.pop("photo")} if data.get("photo") else {}
        if "photo" in data:
            data.pop("photo")
        if joining:
            data.setdefault("name", "")
        groups: dict[str, ProfileGroupForm] = {}
        for key, form_class in GROUP_FORMS.items():
            present = set(form_class.base_fields) & set(data)
            if key == "photo":
                present = set(photo_files)
            if present:
                groups[key] = form_class(data=data, files=photo_files, only=present, prefix=None)
        rows: dict[str, list[RowForm] | None] = {}
        choices: list[tuple[Any, Any]] | None = None
        for kind, row_class in ROW_FORMS.items():
            if kind not in data:
                rows[kind] = None
                continue
            bound = []
            for i, row in enumerate(data[kind] or []):
                if not isinstance(row, dict):
                    raise NetworkError(
                        ErrorCode.VALIDATION, _("Unknown field."), field=f"{kind}.{i}"
                    )
                unknown = set(row) - set(row_class.base_fields) - {"id"}
                if kind == "positions":
                    unknown -= {"company"}
                if unknown:
                    raise NetworkError(
                        ErrorCode.VALIDATION, _("Unknown field."), field=f"{kind}.{i}"
                    )
                kwargs: dict[str, Any] = {}
                if kind == "positions":
                    choices = choices if choices is not None else []
                    kwargs["companies"] = choices
                prefix = f"{kind}-{i}"
                bound.append(row_class(data=_row_data(prefix, row), prefix=prefix, **kwargs))
            rows[kind] = bound
        bundle = cls(groups, rows, fields=fields)
        if focal_error is not None:
            bundle.extra_errors.append(focal_error)
        return bundle

    @classmethod
    def for_member(cls, member: MemberPage | None) -> ProfileForms:
        """Unbound forms showing ``member``'s latest revision (``None``: joining,
        with the site's defaults)."""
        page = member.get_latest_revision_as_object() if member is not None else MemberPage()
        initial = initial_values(page)
        groups = {key: form_class(initial=initial) for key, form_class in GROUP_FORMS.items()}
        choices = company_choices()
        rows: dict[str, list[RowForm] | None] = {}
        for kind, row_class in ROW_FORMS.items():
            items = list(getattr(page, kind).all()) if member is not None else []
            bound = []
            for i, item in enumerate(items):
                kwargs: dict[str, Any] = {"companies": choices} if kind == "positions" else {}
                row_initial = {"id": item.pk}
                if kind == "positions":
                    row_initial["company"] = item.company_id
                bound.append(
                    row_class(instance=item, initial=row_initial, prefix=f"{kind}-{i}", **kwargs)
                )
            rows[kind] = bound
        return cls(groups, rows)

    def complete(self, member: MemberPage | None) -> ProfileForms:
        """Ready for the page: every group (those the change did not touch,
        unbound from ``member``) and the company menu of each position."""
        unbound = ProfileForms.for_member(member)
        for key, form in unbound.groups.items():
            self.groups.setdefault(key, form)
        choices = company_choices()
        for kind, row_forms in self.rows.items():
            if row_forms is None:
                self.rows[kind] = unbound.rows[kind]
            elif kind == "positions":
                for row_form in row_forms:
                    row_form.fields["company"].widget.choices = [
                        ("", _("Not in the network"))
                    ] + choices
        return self

    # --------------------------------------------------------- validation

    def errors(self) -> list[NetworkError]:
        """Every error, with the service's field names (``positions.0.title``)."""
        found: list[NetworkError] = list(self.extra_errors)
        for form in self.groups.values():
            found.extend(_form_errors(form))
        for kind, row_forms in self.rows.items():
            for i, row_form in enumerate(row_forms or []):
                found.extend(_form_errors(row_form, f"{kind}.{i}."))
        return found

    def clean(self) -> dict[str, Any]:
        """The cleaned service fields, or :class:`ProfileInvalid` with every error."""
        errors = self.errors()
        if errors:
            raise ProfileInvalid(errors, self)
        cleaned: dict[str, Any] = {}
        for form in self.groups.values():
            cleaned.update(form.cleaned_data)
        for kind, row_forms in self.rows.items():
            if row_forms is None:
                continue
            rows = []
            for row_form in row_forms:
                row = {k: v for k, v in row_form.cleaned_data.items() if k in row_form.fields}
                if not row.get("id"):
                    row.pop("id", None)
                rows.append(row)
            cleaned[kind] = rows
        if "photo" in self.fields:
            # The checked upload (PhotoForm), or None: remove the photo.
            cleaned["photo"] = cleaned.get("photo") if self.fields["photo"] else None
        else:
            cleaned.pop("photo", None)
        if "photo_focal_point" in self.fields:
            cleaned["photo_focal_point"] = self.fields["photo_focal_point"]
        cleaned.pop("remove_photo", None)
        cleaned.pop("focus", None)
        return cleaned


#: The widest list a page may post (its rows above the limit are refused by the
#: service with the list's own error).
_ROWS_READ_MAX = max(ROW_MAX_ITEMS.values()) + 1


def fields_from_post(data: Any, files: Any = None) -> dict[str, Any]:
    """The service fields of the profile editor's POST: no validation here (the
    service validates, once). Each group's fields as posted; rows from their
    ``<kind>-TOTAL_FORMS`` count, leaving out rows ticked ``DELETE`` and rows left
    empty; skills as the listed ids plus ``add_skills``; the photo as a file, or
    ``None`` for "remove", and its focus when it changed."""
    fields: dict[str, Any] = {}
    for key, form_class in GROUP_FORMS.items():
        if key == "photo":
            continue
        for name, form_field in form_class.base_fields.items():
            if isinstance(
                form_field.widget, (forms.CheckboxSelectMultiple, forms.MultipleHiddenInput)
            ):
                # Posted as a group (skills, "open to"): present when the page has
                # the group's marker, so that unticking everything clears it.
                if f"{name}-present" in data or name in data:
                    fields[name] = data.getlist(name)
            elif name in data:
                fields[name] = data.get(name)
    # The page's one-line lists: the interests as typed (comma-separated), one
    # skill to add; the service takes lists.
    if isinstance(fields.get("interests"), str):
        fields["interests"] = AboutForm.base_fields["interests"].to_python(fields["interests"])
    if fields.get("add_skills"):
        add = fields["add_skills"]
        fields["add_skills"] = [add] if isinstance(add, str) else list(add)
    else:
        fields.pop("add_skills", None)
    for kind, row_class in ROW_FORMS.items():
        total_key = f"{kind}-TOTAL_FORMS"
        if total_key not in data:
            continue
        try:
            total = int(data.get(total_key) or 0)
        except (TypeError, ValueError):
            continue  # an unreadable count: the list is left as it is, not emptied
        if total < 0:
            continue
        total = min(total, _ROWS_READ_MAX)
        names = [*row_class.base_fields, "id"]
        rows = []
        for i in range(max(total, 0)):
            prefix = f"{kind}-{i}"
            if data.get(f"{prefix}-DELETE"):
                continue
            row = {name: data.get(f"{prefix}-{name}", "") for name in names}
            if "is_current" in row:
                row["is_current"] = bool(row["is_current"])
            if not any(v for k, v in row.items() if k != "id"):
                continue  # an empty extra row
            rows.append(row)
        fields[kind] = rows
    upload = files.get("photo") if files is not None else None
    if upload:
        fields["photo"] = upload
    elif data.get("remove_photo"):
        fields["photo"] = None
    focus = data.get("focus")
    if focus in FOCUS_POINTS and (upload or focus != data.get("focus-initial")):
        if fields.get("photo", True) is not None:
            fields["photo_focal_point"] = FOCUS_POINTS[focus]
    return fields


def rich_text_to_plain_text(value: str) -> str:
    """A bio stored as rich text, as the plain text a member edits (paragraphs
    separated by an empty line, line breaks kept)."""
    if not value:
        return ""
    text = re.sub(r"<br\s*/?>", "\n", value)
    text = re.sub(r"</p>\s*<p[^>]*>", "\n\n", text)
    return html.unescape(strip_tags(text)).strip()


def initial_values(page: MemberPage) -> dict[str, Any]:
    """A profile's values as the group forms show them."""
    initial: dict[str, Any] = {
        "name": page.title,
        "headline": page.headline,
        "bio": rich_text_to_plain_text(page.bio),
        "city": page.city,
        "country": page.country,
        "industry": page.industry_id,
        "languages": page.languages,
        "skills": [s.pk for s in page.skills.all()] if page.pk else [],
        "interests": ", ".join(t.name for t in page.interests.all()) if page.pk else "",
        "open_to": list(page.open_to),
        "contact_email": page.contact_email,
        "contact_phone": page.contact_phone,
        "focus": "centre",
    }
    for name in VisibilityForm.base_fields:
        initial[name] = _locked(name) or getattr(page, name)
    return initial


__all__ = [
    "AboutForm",
    "BasicsForm",
    "ContactForm",
    "EducationForm",
    "FOCUS_POINTS",
    "GROUP_FORMS",
    "LinkForm",
    "PhotoForm",
    "PositionForm",
    "ProfileForms",
    "ProfileInvalid",
    "ROW_FORMS",
    "SkillChoice",
    "VisibilityForm",
    "clean_profile",
    "initial_values",
    "rich_text_to_plain_text",
]
