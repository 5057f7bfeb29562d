"""A graph of a test's (or a test module's) own on the session's embedded store, so tests can neither see nor
spoil each other's data."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

from mediagateway.graph.connect import StoreRuntime, open_store
from mediagateway.settings import Settings


@contextlib.asynccontextmanager
async def own_graph(settings: Settings, name: str) -> AsyncIterator[tuple[Settings, StoreRuntime]]:
    """The settings and an open runtime of the graph `name` (a name ending in "-" gets a random suffix), with the
    schema in place and nothing in it; emptied and closed after."""
    if name.endswith("-"):
        name += uuid.uuid4().hex[:8]
    own = settings.model_copy(update={"graph_name": name})
    runtime = await open_store(own)
    await runtime.store.delete_all()
    try:
        yield own, runtime
    finally:
        await runtime.store.delete_all()
        await runtime.close()
