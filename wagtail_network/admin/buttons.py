"""Entries in a page's header menu (the ``register_page_header_buttons`` hook)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.urls import reverse


def page_header_buttons(
    page: Any,
    user: Any,
    page_class: type,
    allowed: Callable[[Any, Any], bool],
    buttons: list[tuple[Any, str, str, int]],
) -> Iterator[Any]:
    """One :class:`Button` per ``(label, url name, icon, priority)``, each URL taking the
    page's pk; only on pages of ``page_class`` and only for users ``allowed(user, page)``.
    """
    # Imported when called, as the hooks always did: Wagtail's admin widgets stay out
    # of import time.
    from wagtail.admin.widgets.button import Button

    if page.specific_class is not page_class or not allowed(user, page):
        return
    for label, url_name, icon, priority in buttons:
        yield Button(label, reverse(url_name, args=[page.pk]), icon_name=icon, priority=priority)
