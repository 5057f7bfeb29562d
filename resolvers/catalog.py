"""Resolvers of the catalog queries: each is one repository call."""

from __future__ import annotations

import strawberry

from mediagateway.resolvers.context import Info
from mediagateway.schema.types import Content, LabelCount, Stats


async def content(info: Info, id: strawberry.ID) -> Content | None:
    detail = await info.context.repository.get_content(id)
    return Content.of(detail) if detail else None


async def stats(info: Info) -> Stats:
    counts = await info.context.repository.counts_by_label()
    return Stats(
        backend=info.context.backend,
        nodes=[LabelCount(label=label, count=count) for label, count in counts.items()],
    )
