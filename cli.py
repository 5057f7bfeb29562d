"""`mediagateway`: the operators' command line. Every command reads the same settings (MG_* variables).

    mediagateway serve                        start (or reuse) the store, bootstrap the schema, serve HTTP
    mediagateway db start|stop|status         the embedded FalkorDB process
    mediagateway db bootstrap | reset --yes   the schema; emptying the graph
    mediagateway db import-generated          an empty store filled with a generated catalog, in seconds
    mediagateway stats | content ID           reading the catalog
    mediagateway ingest LOCATION -f FORMAT    ingest a feed (queued, or --inline)
    mediagateway embed                        text embeddings for titles that need them
    mediagateway train [--wait]               GraphSAGE: a new model version, gnn embeddings written back
    mediagateway evaluate --split DIR | --train P --test P -f F   recommenders measured on ratings
    mediagateway worker | schedule FEEDS      run jobs; ingest feeds periodically
    mediagateway demo load | generate OUT     the demo catalog; a synthetic catalog for benchmarks
    mediagateway resolve explain ID | split ID KEY...   why records were merged; undoing a wrong merge
    mediagateway jobs list|show|watch|recover background jobs
    mediagateway quarantine list|show|redrive records that could not be ingested
    mediagateway schema export [--output PATH]   the GraphQL schema as SDL (schema/schema.graphql)
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
import uvicorn

from mediagateway.commands import catalog, evaluate, jobs, recommend, train
from mediagateway.commands.common import console, fail
from mediagateway.commands.db import db_app
from mediagateway.commands.demo import demo_app, generate, load_demo_with_progress
from mediagateway.commands.resolve import resolve_app
from mediagateway.commands.schema import schema_app
from mediagateway.graph.connect import embedded_server
from mediagateway.graph.errors import StoreError
from mediagateway.jobs.demo import catalog_is_empty
from mediagateway.settings import Backend, Settings

app = typer.Typer(help="Media Gateway: what to watch tonight, and where.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(jobs.jobs_app, name="jobs")
app.add_typer(jobs.quarantine_app, name="quarantine")
app.add_typer(demo_app, name="demo")
app.add_typer(resolve_app, name="resolve")
app.add_typer(schema_app, name="schema")
app.command()(catalog.stats)
app.command()(catalog.content)
app.command()(jobs.ingest)
app.command()(jobs.embed)
app.command()(train.train)
app.command()(evaluate.evaluate)
app.command()(recommend.recommend)
app.command()(jobs.worker)
app.command()(jobs.schedule)
app.command()(generate)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="interface to bind (default MG_HOST, 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default MG_PORT, 8000)")] = None,
    workers: Annotated[int, typer.Option(
        min=1, help="uvicorn worker processes: one per core under load (each builds its own recommender)")] = 1,
    demo: Annotated[bool, typer.Option(help="load the demo catalog (with embeddings) into an empty store")] = True,
) -> None:
    """Serve the API. With the embedded backend, start the store first and stop it on exit."""
    settings = Settings()
    started_here = False
    if settings.backend is Backend.EMBEDDED and not settings.redis_url:
        try:
            instance, started_here = embedded_server(settings).ensure_running()
        except StoreError as exc:
            raise fail(str(exc)) from exc
        console.print(f"embedded store: pid {instance.pid}, data in {settings.data_dir.resolve()}")
    try:
        if demo and asyncio.run(catalog_is_empty(settings)):
            console.print("the catalog is empty: loading the demo catalog")
            load_demo_with_progress(settings, embed=True)
        uvicorn.run(
            "mediagateway.server:create_app",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            workers=workers,
            log_level="info",
            access_log=False,  # the app writes its own, as JSON with the request id
        )
    finally:
        if started_here:
            embedded_server(settings).stop()


if __name__ == "__main__":
    app()
