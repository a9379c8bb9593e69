"""The committed SDL (graphql_schema/schema.graphql) matches the code."""

from __future__ import annotations

from graphql_schema.management.commands.export_graphql_schema import SDL_PATH, current_sdl


def test_committed_sdl_matches_schema():
    committed = SDL_PATH.read_text(encoding="utf-8") if SDL_PATH.exists() else ""
    assert committed == current_sdl(), (
        "graphql_schema/schema.graphql differs from the schema in code; run "
        "`python example_site/manage.py export_graphql_schema` and commit the file."
    )


def _types_reachable_from_query():
    """Object and input types reachable from ``Query`` (the read side; mutations
    are checked by their own tests)."""
    from graphql import (
        GraphQLInputObjectType,
        GraphQLInterfaceType,
        GraphQLObjectType,
        get_named_type,
    )

    from graphql_schema.schema import schema

    seen: dict[str, object] = {}
    stack = [schema._schema.query_type]
    while stack:
        gql_type = stack.pop()
        if gql_type.name in seen or gql_type.name.startswith("__"):
            continue
        seen[gql_type.name] = gql_type
        for field in gql_type.fields.values():
            named = get_named_type(field.type)
            if isinstance(named, GraphQLObjectType | GraphQLInputObjectType | GraphQLInterfaceType):
                stack.append(named)
            for arg in getattr(field, "args", {}).values():
                arg_type = get_named_type(arg.type)
                if isinstance(arg_type, GraphQLInputObjectType):
                    stack.append(arg_type)
    for name, gql_type in schema._schema.type_map.items():
        # Types reachable only through node(id:) implement Node.
        interfaces = getattr(gql_type, "interfaces", [])
        if any(i.name == "Node" for i in interfaces) and name not in seen:
            seen[name] = gql_type
    return seen


def test_every_query_field_and_argument_has_a_description():
    """Every field and argument of the read side is described (PRODUCT.md contract);
    relay's generated connection/edge types are described by strawberry."""
    missing = []
    for name, gql_type in _types_reachable_from_query().items():
        if name == "PageInfo" or name.endswith(("Connection", "Edge")):
            continue
        for field_name, field in gql_type.fields.items():
            if not field.description:
                missing.append(f"{name}.{field_name}")
            for arg_name, arg in getattr(field, "args", {}).items():
                if not arg.description:
                    missing.append(f"{name}.{field_name}({arg_name})")
    assert not missing, f"Undescribed fields/arguments: {missing}"


def test_no_unbounded_list_of_nodes():
    """Every list of objects on the read side is a paged connection or capped in
    its resolver; lists of Node types must be connections."""
    from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType

    offenders = []
    for name, gql_type in _types_reachable_from_query().items():
        if not isinstance(gql_type, GraphQLObjectType) or name.endswith(("Connection", "Edge")):
            continue
        for field_name, field in gql_type.fields.items():
            field_type = field.type
            if isinstance(field_type, GraphQLNonNull):
                field_type = field_type.of_type
            if isinstance(field_type, GraphQLList):
                item = field_type.of_type
                if isinstance(item, GraphQLNonNull):
                    item = item.of_type
                if any(i.name == "Node" for i in getattr(item, "interfaces", [])):
                    # Bounded by rule: positions are capped in the resolver, a user
                    # holds at most MAX_TOKENS_PER_USER (20) active API tokens, and a
                    # connection path holds at most 4 members (3 hops).
                    if (name, field_name) not in {
                        ("ConnectionPath", "members"),
                        ("Member", "positions"),
                        ("Query", "myApiTokens"),
                    }:
                        offenders.append(f"{name}.{field_name}")
    assert not offenders, f"Lists of nodes that are not connections: {offenders}"
