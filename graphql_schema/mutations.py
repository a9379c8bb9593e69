"""The root ``Mutation`` type: each domain's mutations, merged.

Every mutation takes one ``input`` and returns a payload with the changed
object(s) and ``errors: [MutationError!]!``. Mutations decode global ids, call
the service layer (:mod:`wagtail_network.services`) or the privacy module and
nothing else to change state, and run in one transaction each (see
:mod:`graphql_schema.base.mutations`): an expected failure is a typed error with
nothing written.

Host sites merge their own mutation types with this one (see
``docs/reference/graphql.md``).
"""

from __future__ import annotations

from strawberry.tools import merge_types

from .account.mutations import PrivacyMutations
from .account.tokens import TokenMutations
from .companies.mutations import CompanyMutations
from .endorsements.mutations import EndorsementMutations
from .members.mutations import MemberMutations
from .moderation.mutations import ModerationMutations
from .network.mutations import NetworkMutations

#: The write side, in the order the root fields appear.
MUTATION_TYPES: tuple[type, ...] = (
    NetworkMutations,
    EndorsementMutations,
    MemberMutations,
    CompanyMutations,
    ModerationMutations,
    PrivacyMutations,
    TokenMutations,
)

Mutation = merge_types("Mutation", MUTATION_TYPES)

__all__ = ["MUTATION_TYPES", "Mutation"]
