"""What every mutation shares: the viewer, global-ID decoding, lookups that obey
visibility, and one transaction per mutation that turns a domain error into a
typed payload error with nothing written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model, QuerySet
from strawberry import relay
from strawberry.types import Info

from wagtail_network import visibility
from wagtail_network.errors import ErrorCode, NetworkError
from wagtail_network.viewer import Viewer

from ..errors import MutationError

P = TypeVar("P")


def viewer(info: Info) -> Any:
    """The user the request is authenticated as (session or bearer token)."""
    return info.context.request.user


def require_user(info: Info) -> Any:
    user = viewer(info)
    if not (user is not None and user.is_authenticated and user.is_active):
        raise NetworkError(ErrorCode.UNAUTHENTICATED)
    return user


def decode_id(value: Any, type_names: str | Iterable[str], field: str) -> int:
    """The primary key behind a Relay global ID of one of ``type_names``.

    A malformed ID, an ID of another type, or a non-numeric key all read as
    NOT_FOUND on ``field``: the client learns nothing a missing object would not tell.
    """
    names = {type_names} if isinstance(type_names, str) else set(type_names)
    try:
        gid = relay.GlobalID.from_id(str(value))
        pk = int(gid.node_id)
    except (ValueError, TypeError):
        raise NetworkError(ErrorCode.NOT_FOUND, field=field) from None
    if gid.type_name not in names or pk <= 0:
        raise NetworkError(ErrorCode.NOT_FOUND, field=field)
    return pk


def global_id(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


def get_visible(queryset: QuerySet, pk: int, field: str) -> Model:
    """One row of an already visibility-filtered queryset, or NOT_FOUND on ``field``.

    An object the viewer may not see answers exactly like a missing one.
    """
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise NetworkError(ErrorCode.NOT_FOUND, field=field)
    return obj


def visible_member(user: Any, value: Any, field: str = "memberId"):
    from wagtail_network.models import MemberPage

    pk = decode_id(value, MEMBER_TYPES, field)
    return get_visible(visibility.members_visible_to(user, MemberPage.objects.all()), pk, field)


def visible_company(user: Any, value: Any, field: str = "companyId"):
    from wagtail_network.models import CompanyPage

    pk = decode_id(value, COMPANY_TYPES, field)
    return get_visible(visibility.companies_visible_to(user, CompanyPage.objects.all()), pk, field)


#: GraphQL type names whose global IDs point at members / companies (the Relay
#: node types of graphql_schema.members / companies).
MEMBER_TYPES = ("Member",)
COMPANY_TYPES = ("Company",)


def perform(info: Info, payload: Callable[..., P], action: Callable[[Any], P], *, auth=True) -> P:
    """Run ``action(user)`` in one transaction and return its payload.

    A :class:`NetworkError` raised anywhere inside rolls the transaction back and
    becomes ``payload(errors=[MutationError])``: an expected failure never leaves
    a partial write and never reaches the client as a stack trace. Anything else
    propagates and is masked by the schema's error masking.
    """
    user = viewer(info)
    try:
        if auth:
            require_user(info)
        with transaction.atomic():
            result = action(user)
    except NetworkError as exc:
        return payload(errors=[MutationError.from_exception(exc)])
    finally:
        # What the request's viewer looked up (connections, blocks, profile) may
        # have changed: the payload's nested fields must see the new state.
        Viewer.for_request(info.context.request).refresh()
    return result


__all__ = [
    "COMPANY_TYPES",
    "MEMBER_TYPES",
    "decode_id",
    "get_visible",
    "global_id",
    "perform",
    "require_user",
    "viewer",
    "visible_company",
    "visible_member",
]
