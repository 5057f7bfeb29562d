"""`mediagateway db ...`: the embedded FalkorDB process and the schema."""

from __future__ import annotations

from typing import Annotated

import typer

from mediagateway.commands.common import console, err_console, with_store
from mediagateway.graph.connect import StoreRuntime, embedded_server
from mediagateway.settings import Settings

db_app = typer.Typer(help="The graph store: the embedded FalkorDB process and the schema.", no_args_is_help=True)


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
    """Whether the embedded store of MG_DATA_DIR is running (exit status 3 if not)."""
    settings = Settings()
    instance = embedded_server(settings).find()
    if instance is None:
        console.print(f"not running (data dir {settings.data_dir.resolve()})")
        raise typer.Exit(3)
    console.print(f"running: pid {instance.pid}, port {instance.port}, socket {instance.socket}")


@db_app.command("bootstrap")
def db_bootstrap() -> None:
    """Create every constraint, index and vector index; safe to run again."""

    async def nothing(_: StoreRuntime) -> None:
        return None

    with_store(nothing)
    console.print("schema ready")


@db_app.command("reset")
def db_reset(yes: Annotated[bool, typer.Option("--yes", help="confirm: this deletes everything")] = False) -> None:
    """Delete every node and edge of the graph (the schema stays)."""
    if not yes:
        err_console.print("refusing to delete everything without --yes")
        raise typer.Exit(2)

    async def reset(runtime: StoreRuntime) -> None:
        await runtime.store.delete_all()

    with_store(reset)
    console.print("graph emptied")
