"""The network's GraphQL API (strawberry-graphql-django): types, queries, mutations.

The root schema lives in :mod:`graphql_schema.schema`; host sites extend it as
described in ``docs/reference/graphql.md``.
"""
