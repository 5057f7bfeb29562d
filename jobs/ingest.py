"""The `ingest` job: a feed (a file, a directory, or an http(s) URL) in one format, into the graph.

Chunked and resumable: after each chunk the job records how many items are done; if its worker dies, RQ retries
the job and it passes over what was done (re-reading, not re-writing). Writes are idempotent MERGEs, so the chunk
that was in flight when the worker died is simply written again.

One feed at a time: an ingest holds a Redis lock while it resolves and writes, so two feeds ingested at once give
the graph of one ingested after the other (which one first is not fixed: where the feeds hold the same titles
spelled differently, the order can decide a canonical id; see `ingest/resolve.py`). The graph has a single writer
anyway, so little is lost. The lock expires if its holder dies, and a retried job takes back its own lock at once.

A feed of at least `MG_INGEST_FIRST_LOAD_MIN_ITEMS` items into an empty graph on FalkorDB is loaded whole instead
(`ingest/first_load.py`): several times faster, but it writes nothing until its bulk import, so it has no resume
point. While it runs a mark names its job; a retried job that finds its own mark deletes what the load it
replaces left in the graph, and loads again from the beginning.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import redis
from redis.exceptions import LockError
from rq import get_current_job

from mediagateway.graph.connect import open_store
from mediagateway.graph.errors import InvalidInput
from mediagateway.graph.store import GraphStore
from mediagateway.ingest.connectors import connector_for
from mediagateway.ingest.first_load import fits_in_memory, load_whole
from mediagateway.ingest.pipeline import IngestPipeline, IngestReport
from mediagateway.ingest.quarantine import Quarantine
from mediagateway.ingest.resolve import EntityResolver
from mediagateway.jobs import progress
from mediagateway.settings import Settings

CHECKPOINT = "checkpoint"
log = logging.getLogger(__name__)


ProgressCallback = Callable[[int, int | None, str], None]  # items done, of a total if known, in a named step


def ingest_feed(location: str, format_name: str, source: str | None = None, chunk_size: int = 1_000) -> dict[str, Any]:
    """RQ entry point (enqueue as `mediagateway.jobs.ingest.ingest_feed`): progress and resume point in job meta."""

    def record_progress(done: int, total: int | None, step: str) -> None:
        progress.report(done, total, step)

    def record_checkpoint(done: int) -> None:
        progress.remember(**{CHECKPOINT: done})

    skip = progress.resume_point(CHECKPOINT)
    settings = Settings()
    report = asyncio.run(run_ingest(settings, location, format_name, source, chunk_size, skip, record_progress,
                                    _job_id(), record_checkpoint))
    return report.as_dict()


async def run_ingest(
    settings: Settings,
    location: str,
    format_name: str,
    source: str | None = None,
    chunk_size: int = 1_000,
    skip: int = 0,
    on_progress: ProgressCallback | None = None,
    job_id: str | None = None,
    on_checkpoint: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest one feed in this process; `on_progress(done, total, step)` as items are done (step "ingest", or the
    first load's "reading", "resolving", "writing"), `on_checkpoint(done)` once the first `done` items are in the
    graph (where a retry resumes)."""
    connector = connector_for(format_name, source)
    path = fetch(location, settings.data_dir / "downloads")
    total = connector.estimate_items(path)
    runtime = await open_store(settings)
    connection = redis.Redis.from_url(runtime.redis_url)
    holder = job_id or uuid.uuid4().hex

    def show(done: int, step: str = "ingest") -> None:
        if on_progress is not None:
            on_progress(done, total, step)

    try:
        quarantine = Quarantine(connection, settings.graph_name)
        pipeline = IngestPipeline(runtime.repository, EntityResolver(runtime.store), quarantine, format_name, job_id)
        with FeedLock(connection, settings.graph_name, holder) as lock:
            show(skip)
            mark = FirstLoadMark(connection, settings.graph_name, holder)
            if await _loads_whole(settings, total, skip, mark, runtime.store):
                try:
                    with mark, lock.kept_while_busy():
                        report = await load_whole(pipeline, connector, path, chunk_size,
                                                  on_step=lambda step, done: show(done, step))
                    show(report.items)
                    return report
                except InvalidInput as exc:  # the import left the graph empty; the chunks quarantine what it refused
                    log.warning("the first load of %s was refused (%s): ingesting it chunk by chunk", location, exc)

            def chunk_done(done: int) -> None:
                lock.refresh()
                show(done)
                if on_checkpoint is not None:
                    on_checkpoint(done)

            return await pipeline.run(connector.read(path), skip=skip, chunk_size=chunk_size, on_chunk=chunk_done)
    finally:
        connection.close()
        await runtime.close()


async def _loads_whole(
    settings: Settings, total: int | None, skip: int, mark: FirstLoadMark, store: GraphStore
) -> bool:
    """Whether a feed is loaded whole: large enough, not a resumed chunked ingest, into an empty graph on a store
    that imports in bulk, and small enough for the memory available. What a first load of this job left when its
    worker died is deleted first: that graph is to be loaded again."""
    if skip or total is None or total < settings.ingest_first_load_min_items or not store.can_create_in_bulk:
        return False
    if mark.left_by_this_job():
        await store.delete_all()
    if await store.node_count():
        return False
    if not fits_in_memory(total):
        log.warning("a first load of %d items would not fit in the memory available: ingesting chunk by chunk", total)
        return False
    return True


class FirstLoadMark:
    """Names the job whose first load is under way (`ingest/first_load.py`), so that its retry can start over."""

    def __init__(self, connection: redis.Redis, graph_name: str, holder: str) -> None:
        self.connection = connection
        self.key = f"mg:{graph_name}:ingest:first-load"
        self.holder = holder.encode()

    def left_by_this_job(self) -> bool:
        """Whether a first load of this job was cut off (its mark is still there)."""
        return bool(self.connection.get(self.key) == self.holder)

    def __enter__(self) -> FirstLoadMark:
        self.connection.set(self.key, self.holder)
        return self

    def __exit__(self, *_: object) -> None:
        self.connection.delete(self.key)


class FeedLock:
    """The lock one ingest holds while it resolves and writes; its token is the holder's job id."""

    TTL_S = 120

    def __init__(self, connection: redis.Redis, graph_name: str, holder: str) -> None:
        key = f"mg:{graph_name}:lock:ingest"
        self.lock = connection.lock(key, timeout=self.TTL_S, sleep=0.2, thread_local=False)
        self.holder = holder.encode()

    def __enter__(self) -> FeedLock:
        self.lock.local.token = self.holder
        if self.lock.owned():  # our own, left by a run of this job that died
            self.lock.reacquire()
        else:
            self.lock.acquire(token=self.holder)
        return self

    def refresh(self) -> None:
        self.lock.reacquire()

    @contextlib.contextmanager
    def kept_while_busy(self) -> Iterator[None]:
        """The lock refreshed from a thread of its own while the block runs: a first load resolves for longer than
        the lock lives (minutes at a million titles), and holds the event loop all that time."""
        done = threading.Event()

        def keep() -> None:
            while not done.wait(self.TTL_S / 4):
                self.refresh()

        keeper = threading.Thread(target=keep, name="ingest-lock", daemon=True)
        keeper.start()
        try:
            yield
        finally:
            done.set()
            keeper.join()

    def __exit__(self, *_: object) -> None:
        with contextlib.suppress(LockError):
            self.lock.release()


def _job_id() -> str | None:
    job = get_current_job()
    return job.id if job else None


def fetch(location: str, downloads: Path) -> Path:
    """A local path as is; an http(s) URL downloaded (streamed) into the data directory first."""
    if not location.startswith(("http://", "https://")):
        path = Path(location)
        if not path.exists():
            raise FileNotFoundError(f"no such file or directory: {location}")
        return path
    downloads.mkdir(parents=True, exist_ok=True)
    target = downloads / hashlib.sha256(location.encode()).hexdigest()[:16]
    with httpx.stream("GET", location, follow_redirects=True, timeout=60) as response:
        response.raise_for_status()
        with open(target, "wb") as out:
            for block in response.iter_bytes(1 << 16):
                out.write(block)
    return target
