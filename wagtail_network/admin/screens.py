"""The bases of the Network menu's custom screens (not listings of a model)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet


class NetworkScreenViewSet(ViewSet):
    """A custom screen in the Network menu, shown to the users :attr:`allowed` admits.

    Its URLs live under ``network/<menu name without "network-">/``; its menu item
    opens the first of them. Each view checks the user again: the menu only hides
    what they could not open.
    """

    #: ``(user) -> bool``: who sees the menu item.
    allowed: Callable[[Any], bool]

    @cached_property
    def url_prefix(self) -> str:
        return "network/" + self.menu_name.removeprefix("network-")

    @cached_property
    def menu_item_class(self) -> type[MenuItem]:
        viewset = self

        class ScreenMenuItem(MenuItem):
            def is_shown(self, request) -> bool:
                return viewset.allowed(request.user)

        return ScreenMenuItem


class NetworkScreenView(WagtailAdminTemplateMixin, TemplateView):
    """The top page of a custom screen: refused (403) to the users
    :attr:`allowed` does not admit, before anything is read."""

    #: ``(user) -> bool``: who may open the page.
    allowed: Callable[[Any], bool]

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]
