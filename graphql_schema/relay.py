"""Deprecated import path, kept for host sites: import these from
:mod:`graphql_schema.base` instead.

The helpers that lived here moved into :mod:`graphql_schema.base` (connection,
fields, context); the two that ``docs/reference/graphql.md`` told integrators to
import are re-exported until the next major version.
"""

from .base.context import viewer_of
from .base.fields import PkNode

__all__ = ["PkNode", "viewer_of"]
