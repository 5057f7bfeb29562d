"""The GraphQL schema of one app, built from its settings: the root types with the protection extensions."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Sequence
from pathlib import Path

import strawberry
from graphql import GraphQLError
from strawberry.printer import print_schema
from strawberry.types import ExecutionContext

from mediagateway.schema.direct_resolvers import call_resolvers_directly
from mediagateway.schema.execution import PlainLeafExecutor
from mediagateway.schema.protection import ExtensionFactory, log_error, protection_extensions
from mediagateway.schema.query import CONTENT_TYPES, Query
from mediagateway.settings import Settings

MUTATION_MODULE = "mediagateway.schema.mutation"
SDL_PATH = Path(__file__).with_name("schema.graphql")
"""The committed SDL of the schema, for frontends and reviews: `mediagateway schema export` writes it."""


class GatewaySchema(strawberry.Schema):
    """Strawberry's schema, logging only what deserves a log line (`log_error`). Strawberry's own logs every
    error at ERROR, a client's typo included."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        operation = execution_context.operation_name if execution_context else None
        for error in errors:
            log_error(error, operation)


def build_schema(settings: Settings, *, observers: Sequence[ExtensionFactory] = ()) -> strawberry.Schema:
    """The schema for an app with `settings`; `observers` (metrics) come first, so they see every error as the
    client will."""
    schema = GatewaySchema(
        query=Query,
        mutation=_mutation_type(),
        types=CONTENT_TYPES,
        extensions=[*observers, *protection_extensions(settings)],
        execution_context_class=PlainLeafExecutor,
    )
    call_resolvers_directly(schema)
    return schema


def _mutation_type() -> type | None:
    if importlib.util.find_spec(MUTATION_MODULE) is None:
        return None
    mutation: type = importlib.import_module(MUTATION_MODULE).Mutation
    return mutation



def schema_sdl(settings: Settings) -> str:
    """The schema in SDL, as `SDL_PATH` holds it."""
    return print_schema(build_schema(settings)) + "\n"
