"""The root ``Mutation`` type: one class per domain, merged.

Every mutation takes one ``input`` and returns a payload with the changed
object(s) and ``errors: [MutationError!]!``. Mutations decode Relay global IDs,
call the service layer (:mod:`wagtail_network.services`) or the privacy module and
nothing else to change state, and run in one transaction each: an expected
failure is a typed error with nothing written.
"""

from __future__ import annotations

from strawberry.tools import merge_types

from .endorsements import EndorsementMutations
from .network import NetworkMutations
from .privacy import PrivacyMutations
from .profile import ProfileMutations
from .tokens import TokenMutations

Mutation = merge_types(
    "Mutation",
    (NetworkMutations, EndorsementMutations, ProfileMutations, PrivacyMutations, TokenMutations),
)

__all__ = ["Mutation"]
