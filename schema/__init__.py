"""The GraphQL schema: types in `types`, the root query here, resolvers in `mediagateway.resolvers`."""

from __future__ import annotations

import strawberry

from mediagateway.resolvers import catalog, jobs
from mediagateway.schema.types import Content, Job, Stats


@strawberry.type
class Query:
    content: Content | None = strawberry.field(resolver=catalog.content, description="A title by id; null if none")
    stats: Stats = strawberry.field(resolver=catalog.stats, description="Node counts by label")
    job: Job | None = strawberry.field(resolver=jobs.job, description="A background job by id; null if none")


schema = strawberry.Schema(query=Query)
