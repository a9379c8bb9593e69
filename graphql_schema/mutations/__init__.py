"""The root ``Mutation`` type: one class per domain, merged.

Every mutation takes one ``input`` and returns a payload with the changed
object(s) and ``errors: [MutationError!]!``. Mutations call the service layer
(:mod:`wagtail_network.services`) and nothing else to change state.
"""

from __future__ import annotations

from strawberry.tools import merge_types

from .tokens import TokenMutations

Mutation = merge_types("Mutation", (TokenMutations,))

__all__ = ["Mutation"]
