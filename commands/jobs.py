"""Ingestion and embedding, queued for RQ workers or run in this process; jobs, workers, the quarantine."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Annotated

import redis
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rq import Queue, Worker
from rq.cron import CronScheduler
from rq.job import Job

from mediagateway.commands.common import console, fail, redis_connection, with_store
from mediagateway.graph.connect import StoreRuntime
from mediagateway.ingest.connectors import connector_for
from mediagateway.ingest.quarantine import Quarantine
from mediagateway.ingest.redrive import redrive
from mediagateway.jobs.embed import run_embed
from mediagateway.jobs.ingest import ingest_feed, run_ingest
from mediagateway.jobs.queue import INGEST_QUEUE, QUEUES, JobView, enqueue_embed, enqueue_ingest, job_view, recent_jobs
from mediagateway.settings import Settings

jobs_app = typer.Typer(help="Background jobs: list, show, watch, recover.", no_args_is_help=True)
quarantine_app = typer.Typer(help="Records that could not be ingested: list, show, re-drive.", no_args_is_help=True)


def progress_bar(on: Console = console, transient: bool = False) -> Progress:
    """A bar on `on` (stdout by default); a transient one is cleared when done."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=on, transient=transient)


def watch_job(connection: redis.Redis, job_id: str, poll_s: float = 0.5) -> JobView:
    """Show a job's progress until it finishes or fails."""
    with progress_bar() as bar:
        task = bar.add_task(job_id, total=None)
        while True:
            view = job_view(connection, job_id)
            if view is None:
                raise fail(f"no job {job_id}")
            bar.update(task, completed=view.done, total=view.total,
                       description=f"{view.stage or view.function.rsplit('.', 1)[-1]} [{view.status}]")
            if view.status in ("finished", "failed", "stopped", "canceled"):
                return view
            time.sleep(poll_s)


def print_result(view: JobView) -> None:
    """A finished job's report as JSON, or the command fails with why the job did not finish."""
    if view.status != "finished":
        raise fail(f"job {view.id} {view.status}: {view.error or ''}")
    console.print_json(json.dumps(view.result))


def follow_queued(connection: redis.Redis, job: Job, name: str, wait: bool) -> None:
    """Say a job was queued; with `wait`, follow it to its end and print its report."""
    console.print(f"queued {name} job {job.id}")
    if wait:
        print_result(watch_job(connection, job.id))


def ingest(
    location: Annotated[str, typer.Argument(help="a file, a directory (MovieLens) or an http(s) URL")],
    format_name: Annotated[str, typer.Option("--format", "-f", help="canonical, aggregator or movielens")],
    source: Annotated[str | None, typer.Option(help="the feed's name (default: the format's)")] = None,
    inline: Annotated[bool, typer.Option(help="run here instead of queueing for a worker")] = False,
    wait: Annotated[bool, typer.Option(help="queued: follow the job with a progress bar")] = True,
) -> None:
    """Ingest a feed: queued as an RQ job (a `mediagateway worker` runs it), or --inline in this process."""
    try:
        connector_for(format_name, source)
    except ValueError as exc:
        raise fail(str(exc), code=2) from exc
    if not location.startswith(("http://", "https://")) and not Path(location).exists():
        raise fail(f"no such file or directory: {location}", code=2)
    if inline:
        _ingest_inline(location, format_name, source)
        return
    with redis_connection() as connection:
        job = enqueue_ingest(connection, location, format_name, source)
        follow_queued(connection, job, "ingest", wait)


def _ingest_inline(location: str, format_name: str, source: str | None) -> None:
    with progress_bar() as bar:
        task = bar.add_task(f"ingest {format_name}", total=None)

        def show(done: int, total: int | None, step: str) -> None:
            bar.update(task, completed=done, total=total, description=f"ingest {format_name}: {step}")

        report = asyncio.run(run_ingest(Settings(), location, format_name, source, on_progress=show))
    console.print_json(json.dumps(report.as_dict()))


def embed(
    inline: Annotated[bool, typer.Option(help="run here instead of queueing for a worker")] = False,
    wait: Annotated[bool, typer.Option(help="queued: follow the job with a progress bar")] = True,
    batch_size: Annotated[int, typer.Option(min=1, max=4096)] = 256,
) -> None:
    """Text embeddings for titles that lack one or whose text changed."""
    if inline:
        with progress_bar() as bar:
            task = bar.add_task("embed", total=None)
            result = asyncio.run(run_embed(Settings(), batch_size,
                                           lambda done, total: bar.update(task, completed=done, total=total)))
        console.print_json(json.dumps(result))
        return
    with redis_connection() as connection:
        job = enqueue_embed(connection, batch_size)
        follow_queued(connection, job, "embed", wait)


def worker(
    burst: Annotated[bool, typer.Option(help="exit when the queues are empty")] = False,
    queues: Annotated[list[str] | None, typer.Option("--queue", help="queues to serve (default: all)")] = None,
) -> None:
    """Run an RQ worker on the service's Redis (the embedded store by default)."""
    with redis_connection() as connection:
        names = queues or list(QUEUES)
        worker = Worker([Queue(name, connection=connection) for name in names], connection=connection)
        worker.work(burst=burst, with_scheduler=True)  # the scheduler runs retries that wait, and scheduled jobs


def schedule(
    feeds_file: Annotated[Path, typer.Argument(help="JSON list of {location, format, source, every_minutes}")],
) -> None:
    """Ingest feeds periodically with RQ's cron scheduler (runs until stopped); workers run the jobs.

    Each feed: {"location": path or URL, "format": ..., "source": feed name, "every_minutes": N}
    ("every_seconds" instead, for short intervals)."""
    try:
        feeds = json.loads(feeds_file.read_text())
        if not isinstance(feeds, list):
            raise ValueError("the file must hold a JSON list")
    except (OSError, ValueError) as exc:
        raise fail(f"{feeds_file}: {exc}", code=2) from exc
    with redis_connection() as connection:
        scheduler = CronScheduler(connection=connection)
        for number, feed in enumerate(feeds):
            try:
                interval = int(feed["every_seconds"]) if "every_seconds" in feed else int(feed["every_minutes"]) * 60
                connector_for(feed["format"], feed.get("source"))
                scheduler.register(ingest_feed, INGEST_QUEUE, args=(feed["location"], feed["format"],
                                   feed.get("source")), interval=interval, name=f"feed-{number}")
            except (KeyError, TypeError, ValueError) as exc:
                raise fail(f"{feeds_file}: feed {number}: {exc}", code=2) from exc
        console.print(f"scheduling {len(feeds)} feed(s); Ctrl+C stops")
        scheduler.start()


@jobs_app.command("list")
def jobs_list(limit: Annotated[int, typer.Option(min=1, max=500)] = 20) -> None:
    """Recent jobs with their status and progress."""
    with redis_connection() as connection:
        views = recent_jobs(connection, limit)
    table = Table("id", "job", "status", "done", "total", "retries left")
    for view in views:
        table.add_row(view.id, view.function.rsplit(".", 1)[-1], view.status, str(view.done),
                      str(view.total or ""), str(view.retries_left if view.retries_left is not None else ""))
    console.print(table)


@jobs_app.command("show")
def jobs_show(job_id: str) -> None:
    """One job as JSON."""
    with redis_connection() as connection:
        view = job_view(connection, job_id)
    if view is None:
        raise fail(f"no job {job_id}")
    console.print_json(json.dumps(view.__dict__))


@jobs_app.command("watch")
def jobs_watch(job_id: str) -> None:
    """Follow a job with a progress bar until it ends."""
    with redis_connection() as connection:
        print_result(watch_job(connection, job_id))


@jobs_app.command("recover")
def jobs_recover() -> None:
    """Retry jobs whose worker died (RQ would notice within a few minutes; this does it now)."""
    with redis_connection() as connection:
        for name in QUEUES:
            Queue(name, connection=connection).started_job_registry.cleanup(timestamp=time.time() + 3600)
    console.print("abandoned jobs requeued (or failed, if out of retries)")


@quarantine_app.command("list")
def quarantine_list(
    source: Annotated[str | None, typer.Option(help="only this feed")] = None,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """Quarantined records, newest first."""
    with redis_connection() as connection:
        quarantine = Quarantine(connection, Settings().graph_name)
        entries, total = quarantine.entries(offset, limit, source), quarantine.count()
    table = Table("id", "source", "line", "reason", title=f"{total} quarantined")
    for entry in entries:
        table.add_row(entry.id, entry.source + (f"/{entry.part}" if entry.part else ""), str(entry.line),
                      entry.reason)
    console.print(table)


@quarantine_app.command("show")
def quarantine_show(entry_id: str) -> None:
    """One quarantined record with its raw text, as JSON."""
    with redis_connection() as connection:
        entry = Quarantine(connection, Settings().graph_name).get(entry_id)
    if entry is None:
        raise fail(f"no quarantined record {entry_id}")
    console.print_json(entry.model_dump_json())


@quarantine_app.command("redrive")
def quarantine_redrive(
    entry_ids: Annotated[list[str] | None, typer.Argument(help="ids to re-drive")] = None,
    every: Annotated[bool, typer.Option("--all", help="re-drive every quarantined record")] = False,
) -> None:
    """Ingest quarantined records again (after fixing what they needed); those still bad stay, with the new reason."""
    if not entry_ids and not every:
        raise fail("name the records to re-drive, or pass --all", code=2)

    async def run(runtime: StoreRuntime) -> None:
        connection = redis.Redis.from_url(runtime.redis_url)
        quarantine = Quarantine(connection, Settings().graph_name)
        if every:
            entries = quarantine.entries(0, quarantine.count())
        else:
            entries = [e for i in entry_ids or [] if (e := quarantine.get(i)) is not None]
        report = await redrive(entries, runtime.repository, runtime.store, quarantine)
        connection.close()
        console.print(f"re-driven {report.attempted}: {report.ingested} ingested, "
                      f"{report.still_quarantined} still quarantined")

    with_store(run)
