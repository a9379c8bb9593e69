"""What every mutation shares: one transaction per mutation that turns a domain
error into a typed payload error with nothing written, and re-reading the changed
object as the viewer now sees it.

Mutations decode global ids (:mod:`.ids`), call the service layer
(:mod:`wagtail_network.services`) or the privacy module and nothing else to change
state, and return their payload with ``errors: [MutationError!]!``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import strawberry
from django.db import transaction
from django.db.models import Model, QuerySet
from strawberry.types import Info, get_object_definition

from wagtail_network.errors import ErrorCode, NetworkError

from .context import user_of, viewer_of
from .errors import MutationError

P = TypeVar("P")

#: Description of every payload's ``errors`` field.
ERRORS_DESCRIPTION = "Expected failures (nothing was written when there are any)."

#: Default of an input field the client may leave out; only sent fields change.
UNSET: Any = strawberry.UNSET


def errors_field(description: str = ERRORS_DESCRIPTION) -> Any:
    """The ``errors: [MutationError!]!`` field every payload ends with (empty on success)."""
    return strawberry.field(default_factory=list, description=description)


def input_argument(input_type: type) -> Any:
    """The ``strawberry.argument`` of a mutation's one ``input`` argument, described
    by the input type's own description, so that the SDL describes every ``input``
    argument: ``input: Annotated[XInput, input_argument(XInput)]``."""
    definition = get_object_definition(input_type, strict=True)
    return strawberry.argument(description=definition.description or "The mutation's input.")


def is_set(value: Any) -> bool:
    """Whether the client sent this input field (``null`` counts as sent)."""
    return value is not UNSET


def enum_value(value: Any) -> Any:
    """The service-layer value of a GraphQL enum member (other values as they are)."""
    return getattr(value, "value", value)


def require_user(info: Info) -> Any:
    """The signed-in, active user, or UNAUTHENTICATED."""
    user = user_of(info)
    if not (user is not None and user.is_authenticated and user.is_active):
        raise NetworkError(ErrorCode.UNAUTHENTICATED)
    return user


def perform(info: Info, payload: Callable[..., P], action: Callable[[Any], P], *, auth=True) -> P:
    """Run ``action(user)`` in one transaction and return its payload.

    A :class:`NetworkError` raised anywhere inside rolls the transaction back and
    becomes ``payload(errors=[MutationError])``: an expected failure never leaves
    a partial write and never reaches the client as a stack trace. Anything else
    propagates and is masked by the schema's error masking.
    """
    user = user_of(info)
    try:
        if auth:
            require_user(info)
        with transaction.atomic():
            result = action(user)
    except NetworkError as exc:
        # A profile change reports every invalid field at once (ProfileInvalid).
        errors = getattr(exc, "errors", None) or [exc]
        return payload(errors=[MutationError.from_exception(error) for error in errors])
    finally:
        # What the request's viewer looked up (connections, blocks, profile) may
        # have changed: the payload's nested fields must see the new state.
        viewer_of(info).refresh()
    return result


def performed_mutation(input: type, payload: type, description: str) -> Callable[[Any], Any]:
    """Declare a mutation by its action alone: a static ``fn(user, input)`` that
    returns a ``payload``.

    The mutation field takes one argument ``input`` of type ``input`` and returns
    ``payload``; ``fn`` runs through :func:`perform` (signed-in user, one
    transaction, a domain error becomes ``payload(errors=[...])``). The field is
    named for the function, as with ``@strawberry.mutation``.
    """

    def decorate(fn: Any) -> Any:
        # Under ``@staticmethod`` in the mutations class (the action takes no self).
        fn = getattr(fn, "__func__", fn)

        def resolve(info: Info, input: Any) -> Any:
            return perform(info, payload, lambda user: fn(user, input))

        resolve.__name__ = fn.__name__
        resolve.__annotations__ = {
            "info": Info,
            "input": Annotated[input_type, input_argument(input_type)],
            "return": payload,
        }
        return strawberry.mutation(resolve, description=description)

    input_type = input
    return decorate


def visible_now(user: Any, visible_to: Callable[[Any], QuerySet], pk: int) -> Model | None:
    """The object ``pk`` as ``user`` sees it after a write, through the visibility
    rule ``visible_to`` (e.g. :func:`wagtail_network.visibility.members_visible_to`);
    ``None`` once it is hidden from them (after a block, say). Given a user, the rule
    builds a fresh viewer, so nothing the write made stale is used."""
    return visible_to(user).filter(pk=pk).first()


__all__ = [
    "ERRORS_DESCRIPTION",
    "UNSET",
    "enum_value",
    "errors_field",
    "input_argument",
    "is_set",
    "perform",
    "performed_mutation",
    "require_user",
    "visible_now",
]
