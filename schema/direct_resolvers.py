"""Resolvers of our own called directly, without strawberry's per-call wrapper, where that changes nothing.

For a field with a resolver, strawberry's wrapper does on every call what depends only on the field: it converts
each argument by its type, asks the name converter for each argument's Python name, looks for `self`, `info` and
`root` parameters and chains the field's extensions. A page of 20 search results calls `genres` and `availability`
20 times each: in process, the wrapper took about a millisecond of a search's 8.4 ms of CPU (bench/README.md).

`call_resolvers_directly` works that out once per field, when the schema is built, for the fields where it can:
every argument a scalar or an enum, or a list of them, which strawberry passes on as graphql-core gave them (a
list copied); no field extension (permissions are one); no exception handler in the schema; a plain
`StrawberryField` (not a subclass with a `get_result` of its own). The resolver is then called with what
strawberry would have passed it: the source as `self` or `root`, an `Info` and the arguments by Python name. Any
other field keeps strawberry's wrapper. graphql-core still calls the resolver, so middleware (a schema extension's
`resolve`), errors and their paths are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLObjectType, GraphQLResolveInfo
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.base import StrawberryList, StrawberryMaybe, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition
from strawberry.types.field import StrawberryField

_PASSED_AS_GIVEN = (str, int, float, bool, strawberry.ID)
"""argument types strawberry's conversion returns as graphql-core gave them"""


def call_resolvers_directly(schema: strawberry.Schema) -> None:
    """Give every field of `schema` that allows it a resolver that calls ours directly (module docstring)."""
    if getattr(schema.schema_converter, "_exception_handler_specs", ()):
        return
    for graphql_type in schema._schema.type_map.values():
        if isinstance(graphql_type, GraphQLObjectType) and not graphql_type.name.startswith("__"):
            for graphql_field in graphql_type.fields.values():
                if (direct := _direct_resolver(schema, graphql_field)) is not None:
                    graphql_field.resolve = direct


def _direct_resolver(schema: strawberry.Schema, graphql_field: GraphQLField) -> Callable[..., Any] | None:
    field = graphql_field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if type(field) is not StrawberryField or field.base_resolver is None or field.extensions \
            or field.is_subscription:
        return None
    listed_by_name: dict[str, tuple[str, bool]] = {}
    for argument in field.arguments:
        listed = _listed_or_plain(argument.type)
        if listed is None:
            return None
        listed_by_name[schema.config.name_converter.from_argument(argument)] = (argument.python_name, listed)
    resolver = field.base_resolver
    takes_self = resolver.self_parameter is not None
    source_names = [parameter.name for parameter in (resolver.root_parameter, resolver.parent_parameter)
                    if parameter is not None]
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    info_class = schema.config.info_class

    def resolve(source: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
        kwargs: dict[str, Any] = {}
        for name, value in arguments.items():
            python_name, listed = listed_by_name[name]
            kwargs[python_name] = list(value) if listed and value is not None else value
        for source_name in source_names:
            kwargs[source_name] = source
        if info_name is not None:
            kwargs[info_name] = info_class(_raw_info=info, _field=field)
        return resolver(source, **kwargs) if takes_self else resolver(**kwargs)

    return resolve


def _listed_or_plain(type_: Any) -> bool | None:
    """Whether an argument of this type is a list (True) or a single value (False) passed on as given; None when
    strawberry converts it (an input type, a custom scalar, `Maybe`, a global id)."""
    type_ = _required(type_)
    if isinstance(type_, StrawberryList):
        return True if _passed_as_given(_required(type_.of_type)) else None
    return False if _passed_as_given(type_) else None


def _required(type_: Any) -> Any:
    while isinstance(type_, StrawberryOptional) and not isinstance(type_, StrawberryMaybe):
        type_ = type_.of_type
    return type_


def _passed_as_given(type_: Any) -> bool:
    if isinstance(type_, StrawberryMaybe):
        return False
    return type_ in _PASSED_AS_GIVEN or isinstance(type_, StrawberryEnumDefinition) or has_enum_definition(type_)
