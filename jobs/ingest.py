"""The `ingest` job: a feed (a file, a directory, or an http(s) URL) in one format, into the graph.

Chunked and resumable: after each chunk the job records how many items are done; if its worker dies, RQ retries
the job and it passes over what was done (re-reading, not re-writing). Writes are idempotent MERGEs, so the chunk
that was in flight when the worker died is simply written again.

One feed at a time: an ingest holds a Redis lock while it resolves and writes, so two feeds ingested at once give
the graph of one ingested after the other (which one first is not fixed: where the feeds hold the same titles
spelled differently, the order can decide a canonical id; see `ingest/resolve.py`). The graph has a single writer
anyway, so little is lost. The lock expires if its holder dies, and a retried job takes back its own lock at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import redis
from redis.exceptions import LockError
from rq import get_current_job

from mediagateway.graph.connect import open_store
from mediagateway.ingest.connectors import connector_for
from mediagateway.ingest.pipeline import IngestPipeline, IngestReport
from mediagateway.ingest.quarantine import Quarantine
from mediagateway.ingest.resolve import EntityResolver
from mediagateway.jobs import progress
from mediagateway.settings import Settings

CHECKPOINT = "checkpoint"


ProgressCallback = Callable[[int, int | None], None]


def ingest_feed(location: str, format_name: str, source: str | None = None, chunk_size: int = 1_000) -> dict[str, Any]:
    """RQ entry point (enqueue as `mediagateway.jobs.ingest.ingest_feed`): progress and resume point in job meta."""

    def record_progress(done: int, total: int | None) -> None:
        progress.report(done, total, "ingest", **{CHECKPOINT: done})

    skip = progress.resume_point(CHECKPOINT)
    settings = Settings()
    report = asyncio.run(run_ingest(settings, location, format_name, source, chunk_size, skip, record_progress,
                                    _job_id()))
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
) -> IngestReport:
    """Ingest one feed in this process; `on_progress(done, total)` after each chunk."""
    connector = connector_for(format_name, source)
    path = fetch(location, settings.data_dir / "downloads")
    total = connector.estimate_items(path)
    runtime = await open_store(settings)
    connection = redis.Redis.from_url(runtime.redis_url)
    try:
        quarantine = Quarantine(connection, settings.graph_name)
        pipeline = IngestPipeline(runtime.repository, EntityResolver(runtime.store), quarantine, format_name, job_id)
        with FeedLock(connection, settings.graph_name, job_id or uuid.uuid4().hex) as lock:
            if on_progress is not None:
                on_progress(skip, total)

            def chunk_done(done: int) -> None:
                lock.refresh()
                if on_progress is not None:
                    on_progress(done, total)

            return await pipeline.run(connector.read(path), skip=skip, chunk_size=chunk_size, on_chunk=chunk_done)
    finally:
        connection.close()
        await runtime.close()


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
