"""Assertion helpers shared by the service-layer tests."""

from __future__ import annotations

import pytest
from wagtail.models import ModelLogEntry

from wagtail_network.errors import ErrorCode, NetworkError
from wagtail_network.models import (
    Block,
    CompanyRelationship,
    Connection,
    ConnectionEdge,
    ConnectionEvent,
    Endorsement,
    Follow,
    Recommendation,
    Report,
)


def raises(code: ErrorCode, field: str | None = ...):
    """Context manager asserting one NetworkError with ``code`` (and ``field``)."""

    class _Raises:
        def __enter__(self):
            self.ctx = pytest.raises(NetworkError)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            result = self.ctx.__exit__(*exc)
            if not result:  # another exception: let it propagate as it is
                return result
            assert self.info.value.code == code, self.info.value
            if field is not ...:
                assert self.info.value.field == field
            return result

    return _Raises()


MODELS = (
    Block,
    CompanyRelationship,
    Connection,
    ConnectionEdge,
    ConnectionEvent,
    Endorsement,
    Follow,
    ModelLogEntry,
    Recommendation,
    Report,
)


def snapshot() -> dict[str, list]:
    """Every row the service layer may write, to compare before and after a failure."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}
