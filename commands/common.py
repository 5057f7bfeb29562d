"""What every command shares: the console, running async work against the store, turning errors into one line."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import redis
import typer
from rich.console import Console

from mediagateway.graph.connect import StoreRuntime, open_store, resolve_redis
from mediagateway.graph.errors import StoreError
from mediagateway.settings import Settings

console = Console()
err_console = Console(stderr=True, soft_wrap=True)  # an error is one line, however narrow the terminal
T = TypeVar("T")


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


def with_store(work: Callable[[StoreRuntime], Awaitable[T]], *, bootstrap: bool = True) -> T:
    """Open the configured store, run `work`, close it; a store error becomes a one-line message and exit 1."""

    async def run() -> T:
        runtime = await open_store(Settings(), bootstrap=bootstrap)
        try:
            return await work(runtime)
        finally:
            await runtime.close()

    try:
        return asyncio.run(run())
    except StoreError as exc:
        raise fail(str(exc)) from exc


@contextmanager
def redis_connection() -> Iterator[redis.Redis]:
    """The Redis of RQ and the quarantine (the embedded process, started if needed and stopped after if so)."""
    try:
        url, server, started = resolve_redis(Settings())
    except StoreError as exc:
        raise fail(str(exc)) from exc
    connection = redis.Redis.from_url(url)
    try:
        yield connection
    finally:
        connection.close()
        if server is not None and started:
            server.stop()
