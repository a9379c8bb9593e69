"""What the Network's inspect views show for yes/no and empty values."""

from __future__ import annotations

from django.utils.translation import gettext


class ReadableValuesMixin:
    """An inspect view that names yes/no and missing values in the admin's language.

    Wagtail's ``InspectView`` prints a boolean field's raw value and an empty one as
    Python spells them (``True``, ``False``, ``None``): English on a Dutch screen.
    """

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if value is None:
            return "–"
        return value
