"""Neo4j errors a user can meet without a Neo4j server here: an unreachable server gives a clear, quick error."""

from __future__ import annotations

import socket
import time

import pytest

from mediagateway.graph.connect import build_store
from mediagateway.graph.errors import StoreUnavailable
from mediagateway.graph.queries import Query
from mediagateway.settings import Backend, Settings


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("operation", ["ping", "read"])
async def test_unreachable_neo4j_is_a_clear_error_within_seconds(operation: str) -> None:
    port = closed_port()
    settings = Settings(backend=Backend.NEO4J, neo4j_uri=f"neo4j://127.0.0.1:{port}", neo4j_connect_timeout_s=2)
    store = build_store(settings, redis_url="unused")
    started = time.monotonic()

    with pytest.raises(StoreUnavailable) as raised:
        if operation == "ping":
            await store.ping()
        else:
            await store.read(Query.CONTENT_GET, {"id": "title:heat"})

    await store.close()
    assert time.monotonic() - started < 15
    assert raised.value.component == f"Neo4j at neo4j://127.0.0.1:{port} (database 'neo4j')"
    assert str(raised.value).startswith(f"Neo4j at neo4j://127.0.0.1:{port} (database 'neo4j') is unavailable: ")
