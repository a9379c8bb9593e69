"""Bearer-token authentication for the GraphQL endpoint.

A request that presents ``Authorization: Bearer <token>`` is authenticated as the
token's user and nothing else (a session cookie riding along is ignored); a token
that is malformed, unknown, revoked or belongs to an inactive user is refused with
401 (:mod:`graphql_schema.views`), never downgraded to an anonymous request.

The tokens themselves, and how a request's header and token are read, belong to the
app (:mod:`wagtail_network.services.tokens`): its account page manages them and its
data-export download accepts them too. This module is the endpoint's view of them.
"""

from __future__ import annotations

from wagtail_network.services.tokens import InvalidToken, authenticate_token, bearer_token_from

__all__ = [
    "InvalidToken",
    "authenticate_token",
    "bearer_token_from",
]
