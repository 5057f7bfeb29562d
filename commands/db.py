"""`mediagateway db ...`: the embedded FalkorDB process and the schema."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from mediagateway.commands.common import console, err_console, with_store
from mediagateway.graph.catalog_import import CatalogParts, ImportSummary
from mediagateway.graph.connect import StoreRuntime, embedded_server
from mediagateway.ingest.generate import Catalog, CatalogSpec
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


@db_app.command("import-generated")
def db_import_generated(
    titles: Annotated[int, typer.Option(min=1, max=1_000_000, help="how many titles")] = 100_000,
    seed: Annotated[int, typer.Option(help="the same seed gives the same catalog")] = 7,
) -> None:
    """Fill an empty store with a generated catalog (titles, people, genres, availability; no viewers) in one
    import: the quick way to a large store for load tests, 100,000 titles in seconds where ingesting the same
    catalog as a feed takes minutes. Refuses a store that holds anything (`db reset --yes` empties it)."""
    catalog = Catalog(CatalogSpec(titles=titles, seed=seed))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        parts = CatalogParts(
            platforms=[catalog.platforms()], regions=[catalog.regions()], genres=[catalog.genres()],
            moods=[catalog.moods()], people=_counted(bar, bar.add_task("people", total=catalog.spec.people),
                                                       catalog.people()),
            contents=_counted(bar, bar.add_task("titles", total=titles), catalog.titles()),
            windows=_counted(bar, bar.add_task("windows", total=None), catalog.windows()),
        )

        async def load(runtime: StoreRuntime) -> ImportSummary:
            return await runtime.repository.import_catalog(parts)

        summary = with_store(load)
    console.print_json(json.dumps(asdict(summary)))


def _counted(bar: Progress, task: TaskID, batches: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    for batch in batches:
        yield batch
        bar.advance(task, len(batch))
