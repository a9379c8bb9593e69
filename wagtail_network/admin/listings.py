"""Policy-scoped listings: what every network listing, export and inspect view shows.

Every listing here is scoped by the model's registered permission policy
(:mod:`wagtail_network.admin.policies`), and the CSV/XLSX export of a listing
exports exactly the rows the listing shows, so nobody exports what they may not
see.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib.admin.utils import unquote
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, StatusTagColumn
from wagtail.admin.widgets.button import ListingButton
from wagtail.permissions import policy_registry
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from .inspect import ReadableValuesMixin

ANY_ACTION = ("add", "change", "delete", "view")


def scoped_queryset(model: type[Model], user: Any, queryset: QuerySet | None = None) -> QuerySet:
    """Rows of ``model`` the user may act on at all, according to its registered policy."""
    qs = queryset if queryset is not None else model._default_manager.all()
    policy = policy_registry.get_by_type(model)
    allowed = policy.instances_user_has_any_permission_for(user, ANY_ACTION)
    return qs.filter(pk__in=allowed.values("pk"))


class ScopedIndexMixin:
    """An index view (and its export) that lists only rows the policy allows."""

    select_related: tuple[str, ...] = ()

    def get_base_queryset(self):
        qs = super().get_base_queryset()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return scoped_queryset(self.model, self.request.user, qs)


class ScopedObjectMixin:
    """A single-object view that answers 404 for rows outside the user's scope."""

    def get_object(self, queryset=None):
        pk = unquote(str(self.kwargs.get(getattr(self, "pk_url_kwarg", "pk"))))
        return get_object_or_404(scoped_queryset(self.model, self.request.user), pk=pk)


class CreatedFilterMixin(django_filters.FilterSet):
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Created"), widget=DateRangePickerWidget
    )


def state_column() -> StatusTagColumn:
    """The "State" column of a listing whose rows have a ``state`` choice field."""
    return StatusTagColumn("state", label=_("State"), accessor="get_state_display", primary=None)


class YesNoColumn(BooleanColumn):
    """A yes/no column drawn as Wagtail's own listings draw one (its tick, cross or
    question mark), with a translated label for screen readers.

    Wagtail's :class:`BooleanColumn` names the icon with the raw value ("True",
    "False"), in English whatever the admin's language, and that name is the
    cell's text. Every boolean of the Network listings goes through this column,
    never a plain field name (which prints ``True``/``False``).
    """

    cell_template_name = "wagtail_network/admin/tables/yes_no_cell.html"

    def __init__(self, name, true_label=None, false_label=None, **kwargs):
        kwargs.setdefault("sort_key", name if "accessor" not in kwargs else None)
        super().__init__(name, **kwargs)
        self.true_label = true_label or _("Yes")
        self.false_label = false_label or _("No")

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        value = context["value"]
        # None (a nullable field left empty) draws Wagtail's question mark, unnamed.
        context["value_label"] = (
            "" if value is None else self.true_label if value else self.false_label
        )
        return context


class LinkColumn(Column):
    """A column whose cell links to ``get_url(instance)`` (no link when it is empty)."""

    cell_template_name = "wagtail_network/admin/tables/link_cell.html"

    def __init__(self, name, get_url, **kwargs):
        super().__init__(name, **kwargs)
        self.get_url = get_url

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["url"] = self.get_url(instance)
        return context


def row_button(label: Any, url: str, icon: str, priority: int, **attrs: str) -> ListingButton:
    """A button shown in a listing row beside its title (not in its "More" menu).

    Wagtail sizes a row's icons only inside its listing buttons: a plain ``Button``
    there draws its icon at the full width of the cell (the 130 px ticks once seen
    in "Positions to confirm").
    """
    return ListingButton(label, url=url, icon_name=icon, priority=priority, attrs=attrs or None)


class UnchangedEditMixin:
    """An edit view whose save changes nothing (the form, inline formsets included,
    reads as submitted unchanged) writes nothing: no save, no ``wagtail.edit`` audit
    entry, while the editor still sees the usual success message."""

    def save_instance(self):
        if not self.form.has_changed():
            return self.form.instance
        return super().save_instance()


class NetworkSnippetViewSet(SnippetViewSet):
    """Base for the network's snippet viewsets: scoped listings, export, no copy."""

    copy_view_enabled = False
    list_per_page = 50
    #: Relations to join in listings (``__str__`` of a row names both members).
    select_related: tuple[str, ...] = ()
    # Relations are searched with the database, not the page search backend.
    search_backend_name = None
    #: Extra mixins of the index view, before the scoping one.
    index_view_mixins: tuple[type, ...] = ()
    #: Extra attributes of the index view class.
    index_view_attrs: dict[str, Any] = {}

    @cached_property
    def index_view_class(self):
        return type(
            f"{self.model.__name__}IndexView",
            (*self.index_view_mixins, ScopedIndexMixin, snippet_views.IndexView),
            {"select_related": self.select_related, **self.index_view_attrs},
        )

    @cached_property
    def edit_view_class(self):
        return type(
            f"{self.model.__name__}EditView", (UnchangedEditMixin, snippet_views.EditView), {}
        )

    @cached_property
    def inspect_view_class(self):
        return type(
            f"{self.model.__name__}InspectView",
            (ScopedObjectMixin, ReadableValuesMixin, snippet_views.InspectView),
            {},
        )


class RelationSnippetViewSet(NetworkSnippetViewSet):
    """A relation members make (connection, endorsement, report, …): inspected,
    exported with its id, newest first."""

    inspect_view_enabled = True
    export_headings = {"pk": _("ID")}
    ordering = ["-created_at"]


def created_filterset(model: type) -> type[WagtailFilterSet]:
    """A filter set with only the creation-date range, for ``model``."""
    meta = type("Meta", (), {"model": model, "fields": ["created_at"]})
    return type(
        f"{model.__name__}FilterSet", (WagtailFilterSet, CreatedFilterMixin), {"Meta": meta}
    )


class PairSnippetViewSet(RelationSnippetViewSet):
    """A relation between two pages (a follow, a block): listed, searched and
    exported by its two sides and its date."""

    #: The field names of the two sides.
    sides: tuple[str, str] = ("", "")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        first, second = self.sides
        self.select_related = self.sides
        self.list_display = [
            first,
            second,
            DateColumn("created_at", label=_("Since"), sort_key="created_at"),
        ]
        self.filterset_class = created_filterset(self.model)
        self.search_fields = [f"{first}__title", f"{second}__title"]
        self.list_export = ["pk", first, second, "created_at"]
        super().__init__(*args, **kwargs)
