"""Every type, field, argument and enum value of the schema is described (issue 7:
"the SDL described fully"), and every text and list input states its limit."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
)

from graphql_schema.schema import schema

#: Types that strawberry or relay declare and we cannot describe.
BUILT_IN_TYPES = {"PageInfo", "Node", "ID", "String", "Int", "Float", "Boolean"}

#: Connection arguments owned by the connection helper (strawberry's relay descriptions).
CONNECTION_ARGUMENTS = {"first", "last", "before", "after"}

#: Fields strawberry's relay adds to every Node.
BUILT_IN_FIELDS = {"id"}


def _named(type_):
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


def _is_text_or_list(type_) -> bool:
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(inner, GraphQLList):
        return True
    return isinstance(inner, GraphQLScalarType) and inner.name == "String"


def undocumented() -> list[str]:
    missing: list[str] = []
    graphql_schema = schema._schema
    for name, type_ in graphql_schema.type_map.items():
        if name.startswith("__") or name in BUILT_IN_TYPES:
            continue
        if not type_.description:
            missing.append(name)
        if isinstance(type_, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in type_.values.items() if not value.description]
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in type_.fields.items():
                if field_name in BUILT_IN_FIELDS:
                    continue
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if arg_name in CONNECTION_ARGUMENTS:
                        continue
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(type_, GraphQLUnionType | GraphQLScalarType) and not type_.description:
            missing.append(name)
    return sorted(set(missing))


def unlimited_inputs() -> list[str]:
    """Text and list arguments and input fields whose description states no limit."""
    missing: list[str] = []
    graphql_schema = schema._schema

    def check(where: str, type_, description: str | None) -> None:
        if _named(type_).name == "ID" and not isinstance(
            type_.of_type if isinstance(type_, GraphQLNonNull) else type_, GraphQLList
        ):
            return  # global ids: one limit for all, documented in the Limits section
        if _is_text_or_list(type_) and "At most" not in (description or ""):
            missing.append(where)

    for name, type_ in graphql_schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(type_, GraphQLInputObjectType):
            for field_name, field in type_.fields.items():
                check(f"{name}.{field_name}", field.type, field.description)
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in type_.fields.items():
                for arg_name, arg in field.args.items():
                    if arg_name in CONNECTION_ARGUMENTS or arg_name == "spec":
                        continue
                    check(f"{name}.{field_name}({arg_name})", arg.type, arg.description)
    return sorted(missing)


def test_every_type_field_argument_and_enum_value_is_described():
    assert undocumented() == []


def test_query_and_mutation_types_are_described():
    sdl = schema.as_str()
    assert '"""\nThe read side of the network.' in sdl or '"""The read side' in sdl
    assert schema._schema.mutation_type.description.startswith("The write side")


def test_every_mutation_input_argument_is_described():
    for name, field in schema._schema.mutation_type.fields.items():
        assert field.args["input"].description, name


def test_every_text_and_list_input_states_its_limit():
    assert unlimited_inputs() == []


def test_limits_table_in_the_docs_reads_the_limits_module():
    from pathlib import Path

    from wagtail_network import limits

    doc = (Path(__file__).parents[2] / "docs/reference/graphql.md").read_text()
    section = doc.split("## Limits", 1)[1].split("\n## ", 1)[0]
    for number in (
        limits.SEARCH_MAX_LENGTH,
        limits.FILTER_MAX_LENGTH,
        limits.FILTER_MAX_ITEMS,
        limits.ID_MAX_LENGTH,
        limits.NAME_MAX_LENGTH,
        limits.HEADLINE_MAX_LENGTH,
        limits.PHONE_MAX_LENGTH,
        limits.EMAIL_MAX_LENGTH,
        limits.TAG_MAX_ITEMS,
        limits.POSITIONS_MAX_ITEMS,
        limits.LINKS_MAX_ITEMS,
        limits.MESSAGE_MAX_LENGTH,
        limits.TOKEN_NAME_MAX_LENGTH,
    ):
        assert f"{number:,}" in section or str(number) in section, number
    for number in (
        limits.LONG_TEXT_MAX_LENGTH,
        limits.RECOMMENDATION_MAX_LENGTH,
        limits.REPORT_DETAILS_MAX_LENGTH,
    ):
        assert f"{number:,}" in section, number
