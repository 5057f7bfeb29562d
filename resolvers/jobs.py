"""Resolvers of background jobs: progress of ingestion and embedding, read from RQ."""

from __future__ import annotations

import asyncio
import json

import strawberry

from mediagateway.jobs.queue import job_view
from mediagateway.resolvers.context import Info
from mediagateway.schema.types import Job


async def job(info: Info, id: strawberry.ID) -> Job | None:
    view = await asyncio.to_thread(job_view, info.context.redis, str(id))
    if view is None:
        return None
    return Job(
        id=strawberry.ID(view.id),
        function=view.function,
        status=view.status,
        done=view.done,
        total=view.total,
        stage=view.stage,
        result=json.dumps(view.result) if view.result is not None else None,
        error=view.error,
    )
