"""Resolvers of background jobs: progress of ingestion and embedding, read from RQ."""

from __future__ import annotations

import asyncio

import strawberry

from mediagateway.jobs.queue import job_view
from mediagateway.resolvers.context import Info
from mediagateway.schema.types import Job


async def job(info: Info, id: strawberry.ID) -> Job | None:
    view = await asyncio.to_thread(job_view, info.context.redis, str(id))
    if view is None:
        return None
    return Job.of(view)
