"""The connections that carry graph statements, on the real embedded server: each reply reaches the statement that
asked for it, whatever happened to the statements before it, and a store that cannot be reached says so."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from mediagateway.graph.connect import build_store, embedded_server
from mediagateway.graph.errors import StoreAuthError, StoreUnavailable
from mediagateway.graph.falkordb_store import connection_pool
from mediagateway.graph.queries import Query
from mediagateway.graph.statement_connections import StatementConnections
from mediagateway.settings import Backend, Settings

GRAPH = "statement_connections"
SLOW = ("GRAPH.QUERY", GRAPH, "UNWIND range(1, 20000000) AS x RETURN count(x) AS n", "timeout", 600)
"""A statement the server works on for more than 0.6 s (its time-out, which the server checks now and then), then
aborts: long enough to cancel it mid-reply or to hold the only connection, short enough not to hold the server."""


@pytest.fixture
async def redis_url(embedded_settings: Settings) -> str:
    instance, _ = embedded_server(embedded_settings).ensure_running()
    return instance.redis_url


@pytest.fixture
async def connections(redis_url: str) -> AsyncIterator[StatementConnections]:
    pool = connection_pool(redis_url, max_connections=1, timeout_s=10)
    connections = StatementConnections(pool, size=1, wait_s=0.2)
    yield connections
    await connections.close()
    await pool.disconnect()


async def answer(connections: StatementConnections, value: int) -> int:
    reply = await connections.execute("GRAPH.QUERY", GRAPH, f"RETURN {value} AS answer", "--compact")
    return int(reply[1][0][0][1])


async def test_a_statement_cancelled_mid_reply_leaves_no_reply_behind(connections: StatementConnections) -> None:
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await connections.execute(*SLOW)

    assert await answer(connections, 42) == 42  # the same (only) connection, reopened: not the slow reply


async def test_an_error_reply_is_raised_and_the_connection_goes_on(connections: StatementConnections) -> None:
    with pytest.raises(ResponseError):
        await connections.execute("GRAPH.QUERY", GRAPH, "RETURN nonsense(")

    assert await answer(connections, 7) == 7


async def test_a_statement_waits_for_a_free_connection_then_fails_clearly(connections: StatementConnections) -> None:
    slow = asyncio.create_task(connections.execute(*SLOW))
    await asyncio.sleep(0.05)
    try:
        with pytest.raises(RedisConnectionError, match=r"no connection to the graph store came free in 0\.2 s"):
            await answer(connections, 1)
    finally:
        slow.cancel()
    assert await answer(connections, 2) == 2


async def test_a_connection_the_server_dropped_is_opened_again(
        connections: StatementConnections, redis_url: str) -> None:
    own_id = await connections.execute("CLIENT", "ID")
    other = aioredis.Redis.from_url(redis_url)
    try:
        assert await other.execute_command("CLIENT", "KILL", "ID", own_id) == 1
    finally:
        await other.aclose()

    assert await answer(connections, 3) == 3
    assert await connections.execute("CLIENT", "ID") != own_id


async def test_a_store_that_cannot_be_reached_or_refuses_the_password_says_so(
        redis_url: str, embedded_settings: Settings) -> None:
    settings = embedded_settings.model_copy(update={"backend": Backend.FALKORDB, "graph_name": GRAPH})
    wrong_password = redis_url.rsplit("password=", 1)[0] + "password=not-the-password"
    refused = build_store(settings, wrong_password)
    unreachable = build_store(settings, "redis://127.0.0.1:1")
    try:
        with pytest.raises(StoreAuthError, match="the password was refused"):
            await refused.read(Query.STATS_COUNT_BY_LABEL)
        with pytest.raises(StoreUnavailable, match=r"FalkorDB at redis://127\.0\.0\.1:1 is unavailable"):
            await unreachable.read(Query.STATS_COUNT_BY_LABEL)
    finally:
        await refused.close()
        await unreachable.close()
