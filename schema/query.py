"""The root query type; each field is resolved in `mediagateway.resolvers`."""

from __future__ import annotations

import strawberry

from mediagateway.resolvers import browse, catalog, jobs, search
from mediagateway.resolvers import recommendations as recommending
from mediagateway.schema.catalog import Content, Episode, Movie, Node, Person, Season, Show
from mediagateway.schema.pagination import Connection
from mediagateway.schema.recommendations import RecommendationConnection
from mediagateway.schema.search import SearchConnection
from mediagateway.schema.types import Job, Stats, WhereToWatch


@strawberry.type
class Query:
    search: SearchConnection = strawberry.field(resolver=search.search, description=(
        "Titles for a text query, by meaning and by keyword on titles and people, filtered; every result says "
        "why it matched. Ranks the best few hundred candidates."))
    content: Content | None = strawberry.field(
        resolver=catalog.content, description="A title page by id; null and a NOT_FOUND error if there is none")
    node: Node | None = strawberry.field(
        resolver=catalog.node, description="A title or person by id; null and a NOT_FOUND error if there is none")
    person: Person | None = strawberry.field(
        resolver=catalog.person, description="A person and their filmography; null and NOT_FOUND if none")
    browse: Connection[Content] = strawberry.field(resolver=browse.browse)
    where_to_watch: WhereToWatch | None = strawberry.field(resolver=catalog.where_to_watch)
    recommendations: RecommendationConnection = strawberry.field(
        resolver=recommending.recommendations,
        description="What the signed-in viewer might watch tonight (in development: the X-Dev-User-Id header names "
                    "the viewer), available where they watch, each with why")
    similar: Connection[Content] = strawberry.field(resolver=recommending.similar)
    stats: Stats = strawberry.field(resolver=catalog.stats, description="Node counts by label")
    job: Job | None = strawberry.field(resolver=jobs.job, description="A background job by id; null if none")


CONTENT_TYPES = [Movie, Show, Season, Episode]
"""The kinds of `Content`: the schema must be told of them, since fields name only the interface."""
