"""Template helpers for the plugin's admin screens: ``{% load wagtail_network_admin %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext
from wagtail.admin.widgets.button import Button, ButtonWithDropdown, ListingButton

from ..admin.actions import offered_bulk_actions

register = template.Library()

#: As in Wagtail's footer: the first four actions are buttons, the rest under "More".
SHOWN_BULK_ACTIONS = 4


def wagtail_text(message: str) -> str:
    """One of Wagtail's own interface strings, in the active language.

    Translated by Wagtail's catalogue; passed as a variable so that the plugin's
    ``makemessages`` does not copy Wagtail's strings into the plugin's catalogue.
    """
    return gettext(message)


@register.simple_tag
def wagtail_string(message: str) -> str:
    """``{% wagtail_string "Bulk actions" %}``: :func:`wagtail_text` in a template."""
    return wagtail_text(message)


@register.inclusion_tag("wagtailadmin/shared/buttons.html", takes_context=True)
def network_bulk_action_choices(
    context: template.Context, app_label: str, model_name: str
) -> dict[str, Any]:
    """Wagtail's ``{% bulk_action_choices %}``, offering only the actions the user
    may use (:func:`wagtail_network.admin.actions.offered_bulk_actions`)."""
    model = apps.get_model(app_label, model_name)
    actions = offered_bulk_actions(context["request"], model)

    def url(action) -> str:
        # No ``next``: the footer is not re-rendered after a search, so the
        # script adds it (as in Wagtail's own footer).
        return reverse("wagtail_bulk_action", args=[app_label, model_name, action.action_type])

    buttons: list[Any] = [
        ListingButton(
            action.display_name,
            url(action),
            attrs={"aria-label": action.aria_label, "data-bulk-action-button": ""},
            priority=action.action_priority,
            classname=" ".join(action.classes | {"bulk-action-btn"}),
        )
        for action in actions[:SHOWN_BULK_ACTIONS]
    ]
    more = actions[SHOWN_BULK_ACTIONS:]
    if more:
        buttons.append(
            ButtonWithDropdown(
                label=wagtail_text("More"),
                attrs={"title": wagtail_text("More bulk actions")},
                classname="button button-secondary button-small",
                buttons=[
                    Button(
                        label=action.display_name,
                        url=url(action),
                        attrs={"aria-label": action.aria_label, "data-bulk-action-button": ""},
                        priority=action.action_priority,
                    )
                    for action in more
                ],
            )
        )
    return {"buttons": buttons}
