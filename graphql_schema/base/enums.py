"""GraphQL enums over the models' Django choices, with every value described."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry
from django.utils import translation


def describe_values(enum_type: Any, descriptions: Mapping[Any, Any] | None = None) -> Any:
    """Describe each value of the strawberry enum ``enum_type`` that has no
    description yet: by ``descriptions`` (member name → text), else by the Django
    choice's label. The SDL is written in the source language (English), whatever
    language is active."""
    definition = enum_type.__strawberry_definition__
    with translation.override(None):
        for value in definition.values:
            if value.description:
                continue
            text = (descriptions or {}).get(value.name)
            if text is None:
                text = getattr(enum_type[value.name], "label", None)
            if text is not None:
                value.description = str(text)
    return enum_type


def choices_enum(
    choices: Any, *, name: str, description: str, values: Mapping[str, Any] | None = None
) -> Any:
    """``strawberry.enum(choices)`` for a Django ``TextChoices`` class, each value
    described by its label (or by ``values``)."""
    return describe_values(strawberry.enum(choices, name=name, description=description), values)


__all__ = ["choices_enum", "describe_values"]
