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

import strawberry

from .account.mutations import PrivacyMutations
from .account.tokens import TokenMutations
from .companies.mutations import CompanyMutations
from .endorsements.mutations import EndorsementMutations
from .members.mutations import MemberMutations
from .moderation.mutations import ModerationMutations
from .network.mutations import NetworkMutations
from .notifications.mutations import NotificationMutations

#: The write side, in the order the root fields appear.
MUTATION_TYPES: tuple[type, ...] = (
    NetworkMutations,
    EndorsementMutations,
    MemberMutations,
    CompanyMutations,
    ModerationMutations,
    NotificationMutations,
    PrivacyMutations,
    TokenMutations,
)

#: Description of the root mutation type in the SDL.
MUTATION_DESCRIPTION = (
    "The write side of the network. Each mutation takes one `input` and returns a payload "
    "whose `errors` list the expected failures (code and field); when there are any, "
    "nothing was written."
)

# As strawberry's merge_types does, with the description it cannot take.
Mutation = strawberry.type(type("Mutation", MUTATION_TYPES, {}), description=MUTATION_DESCRIPTION)

__all__ = ["MUTATION_TYPES", "Mutation"]
