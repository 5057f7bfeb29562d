"""The RESP connections that carry graph statements to FalkorDB: redis-py's connections in a pool of our own.

redis-py 8's `Redis.execute_command` and its pools add about 0.2 ms and 0.1 ms of CPU to every statement: a
condition variable, a probe of the socket and connection-count metrics on each checkout and return, response
callbacks and operation metrics. On a title with its availability (about 1 ms in all) that was a fifth of the
time. This pool keeps redis-py's connections, with their protocol, hiredis parser, authentication, time-outs and
retry, and drops the rest: a connection goes back to the pool after a whole reply was read, and one that failed
mid-reply is closed first, so that it reconnects clean on its next statement.
"""

from __future__ import annotations

import asyncio
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError


class StatementConnections:
    def __init__(self, pool: aioredis.ConnectionPool, size: int, wait_s: float) -> None:
        """`pool` makes the connections (address, password, time-outs, retry); at most `size` are open at once, and
        a statement waits at most `wait_s` for one."""
        self._pool = pool
        self._idle: list[AbstractConnection] = []
        self._slots = asyncio.Semaphore(size)
        self._wait_s = wait_s

    async def execute(self, *args: Any) -> Any:
        """Send one command and return its reply; an error reply is raised as redis-py raises it."""
        await self._take_slot()
        connection = self._idle.pop() if self._idle else self._pool.make_connection()
        try:
            reply = await connection.retry.call_with_retry(
                lambda: self._round_trip(connection, args), lambda _error: connection.disconnect())
        except ResponseError:
            raise  # the whole error reply was read: the connection is clean
        except BaseException:
            await connection.disconnect(nowait=True)
            raise
        finally:
            self._idle.append(connection)
            self._slots.release()
        return reply

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.disconnect()

    async def _take_slot(self) -> None:
        if not self._slots.locked():
            await self._slots.acquire()
            return
        try:
            async with asyncio.timeout(self._wait_s):
                await self._slots.acquire()
        except TimeoutError:
            raise RedisConnectionError(f"no connection to the graph store came free in {self._wait_s:g} s") from None

    @staticmethod
    async def _round_trip(connection: AbstractConnection, args: tuple[Any, ...]) -> Any:
        await connection.send_command(*args)
        return await connection.read_response()
