"""`mediagateway`: the operators' command line. Every command reads the same settings (MG_* variables).

    mediagateway serve                 start (or reuse) the store, bootstrap the schema, serve HTTP
    mediagateway db start|stop|status  manage the embedded FalkorDB process
    mediagateway db bootstrap          create constraints, indexes and vector indexes (idempotent)
    mediagateway db reset --yes        delete every node and edge
    mediagateway stats                 node counts by label
    mediagateway content ID            one title with its availability, as JSON
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
import uvicorn
from rich.console import Console
from rich.table import Table

from mediagateway.graph.connect import StoreRuntime, embedded_server, open_store
from mediagateway.graph.errors import StoreError
from mediagateway.settings import Backend, Settings

app = typer.Typer(help="Media Gateway: what to watch tonight, and where.", no_args_is_help=True)
db_app = typer.Typer(help="The graph store: the embedded FalkorDB process and the schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
console = Console()
err_console = Console(stderr=True)
T = TypeVar("T")


def _with_store(work: Callable[[StoreRuntime], Awaitable[T]], *, bootstrap: bool = True) -> T:
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
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="interface to bind (default MG_HOST, 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default MG_PORT, 8000)")] = None,
    workers: Annotated[int, typer.Option(min=1, help="uvicorn worker processes")] = 1,
) -> None:
    """Serve the API. With the embedded backend, start the store first and stop it on exit."""
    settings = Settings()
    started_here = False
    if settings.backend is Backend.EMBEDDED and not settings.redis_url:
        try:
            instance, started_here = embedded_server(settings).ensure_running()
        except StoreError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1) from exc
        console.print(f"embedded store: pid {instance.pid}, data in {settings.data_dir.resolve()}")
    try:
        uvicorn.run(
            "mediagateway.server:create_app",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            workers=workers,
            log_level="info",
        )
    finally:
        if started_here:
            embedded_server(settings).stop()


@db_app.command("start")
def db_start() -> None:
    """Start the embedded store and leave it running for other processes (stop it with `db stop`)."""
    instance, started = embedded_server(Settings()).ensure_running()
    console.print(f"{'started' if started else 'already running'}: pid {instance.pid}, port {instance.port}")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded store cleanly (it flushes and snapshots first)."""
    stopped = embedded_server(Settings()).stop()
    console.print("stopped" if stopped else "not running")


@db_app.command("status")
def db_status() -> None:
    """Whether the embedded store of MG_DATA_DIR is running."""
    settings = Settings()
    instance = embedded_server(settings).find()
    if instance is None:
        console.print(f"not running (data dir {settings.data_dir.resolve()})")
        raise typer.Exit(3)
    console.print(f"running: pid {instance.pid}, port {instance.port}, socket {instance.socket}")


@db_app.command("bootstrap")
def db_bootstrap() -> None:
    """Create every constraint, index and vector index; safe to run again."""
    _with_store(_noop)
    console.print("schema ready")


async def _noop(_: StoreRuntime) -> None:
    return None


@db_app.command("reset")
def db_reset(yes: Annotated[bool, typer.Option("--yes", help="confirm: this deletes everything")] = False) -> None:
    """Delete every node and edge of the graph (the schema stays)."""
    if not yes:
        err_console.print("refusing to delete everything without --yes")
        raise typer.Exit(2)

    async def reset(runtime: StoreRuntime) -> None:
        await runtime.store.delete_all()

    _with_store(reset)
    console.print("graph emptied")


@app.command()
def stats() -> None:
    """Node counts by label."""

    async def counts(runtime: StoreRuntime) -> dict[str, int]:
        return await runtime.repository.counts_by_label()

    table = Table("label", "nodes")
    for label, count in _with_store(counts).items():
        table.add_row(label, f"{count:,}")
    console.print(table)


@app.command()
def content(content_id: Annotated[str, typer.Argument(help="the title's id")]) -> None:
    """One title with its people, genres and availability, as JSON."""

    async def get(runtime: StoreRuntime) -> str | None:
        detail = await runtime.repository.get_content(content_id)
        return detail.model_dump_json(indent=2) if detail else None

    found = _with_store(get, bootstrap=False)
    if found is None:
        err_console.print(f"no title with id {json.dumps(content_id)}")
        raise typer.Exit(1)
    console.print_json(found)


if __name__ == "__main__":
    app()
