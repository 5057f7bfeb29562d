"""Resolvers of our own called directly, without strawberry's per-call wrapper, where that changes nothing.

For a field with a resolver, strawberry's wrapper does on every call what depends only on the field: it converts
each argument by its type, asks the name converter for each argument's Python name, looks for `self`, `info` and
`root` parameters and chains the field's extensions. A page of 20 search results calls `genres` and `availability`
20 times each: in process, the wrapper took about a millisecond of a search's 8.4 ms of CPU (bench/README.md).

`call_resolvers_directly` works that out once per field, when the schema is built, for the fields where it can:
every argument a scalar or an enum, or a list of them, which strawberry passes on as graphql-core gave them (a
list copied), or an input type whose fields are such values or such input types, which strawberry builds from
graphql-core's dict by the fields' Python names (absent fields without a default as None); no field extension
(permissions are one); no exception handler in the schema; a plain `StrawberryField` (not a subclass with a
`get_result` of its own). Strawberry's generic conversion of a search filter with four of its 13 fields set takes
60 µs (`timeit`); built this way, 2 µs. The resolver is then called with what strawberry would have passed it:
the source as `self` or `root`, an `Info` and the arguments by Python name. Any other field keeps strawberry's
wrapper. graphql-core still calls the resolver, so middleware (a schema extension's `resolve`), errors and their
paths are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING
from functools import partial
from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLObjectType, GraphQLResolveInfo
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.base import StrawberryList, StrawberryMaybe, StrawberryObjectDefinition, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition
from strawberry.types.field import StrawberryField

Convert = Callable[[Any], Any]
"""an argument's value as graphql-core gives it, to what strawberry passes the resolver"""
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
    converted_by_name: dict[str, tuple[str, Convert]] = {}
    for argument in field.arguments:
        convert = _converter(schema, argument.type)
        if convert is None:
            return None
        converted_by_name[schema.config.name_converter.from_argument(argument)] = (argument.python_name, convert)
    resolver = field.base_resolver
    takes_self = resolver.self_parameter is not None
    source_names = [parameter.name for parameter in (resolver.root_parameter, resolver.parent_parameter)
                    if parameter is not None]
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    info_class = schema.config.info_class

    def resolve(source: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
        kwargs: dict[str, Any] = {}
        for name, value in arguments.items():
            python_name, convert = converted_by_name[name]
            kwargs[python_name] = convert(value)
        for source_name in source_names:
            kwargs[source_name] = source
        if info_name is not None:
            kwargs[info_name] = info_class(_raw_info=info, _field=field)
        return resolver(source, **kwargs) if takes_self else resolver(**kwargs)

    return resolve


def _converter(schema: strawberry.Schema, type_: Any) -> Convert | None:
    """How strawberry turns an argument (or input field) of this type into what the resolver gets, as a function;
    None when only strawberry's own conversion will do (a custom scalar, `Maybe`, a global id, `from_input`)."""
    type_ = _required(type_)
    if isinstance(type_, StrawberryList):
        item = _converter(schema, type_.of_type)
        if item is None:
            return None
        return _copied_list if item is _as_given else partial(_converted_list, item)
    if _passed_as_given(type_):
        return _as_given
    definition = getattr(type_, "__strawberry_definition__", None)
    if not isinstance(definition, StrawberryObjectDefinition) or not definition.is_input \
            or definition.from_input is not None or definition.is_graphql_generic:
        return None
    fields: list[tuple[str, str, Convert]] = []
    for input_field in definition.fields:
        convert = _converter(schema, input_field.type)
        if convert is None:
            return None
        fields.append((schema.config.name_converter.from_field(input_field), input_field.python_name, convert))
    unset = tuple(f.python_name for f in definition.fields
                  if f.default_value is MISSING and f.default_factory is MISSING)
    return partial(_built_input, type_, tuple(fields), unset)


def _as_given(value: Any) -> Any:
    return value


def _copied_list(value: Any) -> Any:
    """A list argument copied: graphql-core gives every request that omits it the same default list."""
    return None if value is None else list(value)


def _converted_list(item: Convert, value: Any) -> Any:
    return None if value is None else [item(each) for each in value]


def _built_input(input_type: type, fields: tuple[tuple[str, str, Convert], ...], unset: tuple[str, ...],
                 value: Any) -> Any:
    if value is None:
        return None
    kwargs: dict[str, Any] = dict.fromkeys(unset)
    for graphql_name, python_name, convert in fields:
        if graphql_name in value:
            kwargs[python_name] = convert(value[graphql_name])
    return input_type(**kwargs)


def _required(type_: Any) -> Any:
    while isinstance(type_, StrawberryOptional) and not isinstance(type_, StrawberryMaybe):
        type_ = type_.of_type
    return type_


def _passed_as_given(type_: Any) -> bool:
    if isinstance(type_, StrawberryMaybe):
        return False
    return type_ in _PASSED_AS_GIVEN or isinstance(type_, StrawberryEnumDefinition) or has_enum_definition(type_)
