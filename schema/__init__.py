"""The GraphQL schema: types in `types`, the root query here, resolvers in `mediagateway.resolvers`."""

from __future__ import annotations

import strawberry

from mediagateway.resolvers import catalog
from mediagateway.schema.types import Content, Stats


@strawberry.type
class Query:
    content: Content | None = strawberry.field(resolver=catalog.content, description="A title by id; null if none")
    stats: Stats = strawberry.field(resolver=catalog.stats, description="Node counts by label")


schema = strawberry.Schema(query=Query)
