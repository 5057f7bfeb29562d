"""GraphQL types that are not catalog entities: where to watch, graph counts, background jobs."""

from __future__ import annotations

import dataclasses
import json

import strawberry

from mediagateway.jobs.queue import JobView
from mediagateway.schema.catalog import AvailabilityWindow, Content
from mediagateway.schema.pagination import Connection


@strawberry.type(description="The best way to watch a title now in a region, for a viewer with given subscriptions")
class WhereToWatch:
    content: Content
    region: str
    best: AvailabilityWindow | None = strawberry.field(description="null when nothing trusted is open now")
    reason: str = strawberry.field(description="why this window, in words")
    options: Connection[AvailabilityWindow] = strawberry.field(
        description="every open window in the region, best first: subscribed, free, cheapest rental, purchase, "
                    "other subscriptions"
    )


@strawberry.type
class LabelCount:
    label: str
    count: int


@strawberry.type
class Stats:
    backend: str
    nodes: list[LabelCount]


@strawberry.type(description="A background job (ingest, embed) and its progress")
class Job:
    id: strawberry.ID
    function: str
    status: str = strawberry.field(description="queued, started, finished, failed, scheduled, deferred, canceled")
    done: int = strawberry.field(description="items done so far")
    total: int | None = strawberry.field(description="items in all, when known")
    stage: str | None
    result: str | None = strawberry.field(description="the job's report, as JSON, once finished")
    error: str | None

    @classmethod
    def of(cls, view: JobView) -> Job:
        fields = {field.name for field in dataclasses.fields(cls)}  # type: ignore[arg-type]
        values = {name: value for name, value in dataclasses.asdict(view).items() if name in fields}
        return cls(**{**values, "result": None if view.result is None else json.dumps(view.result)})
