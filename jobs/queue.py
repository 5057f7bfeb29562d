"""Enqueueing jobs by dotted path, and reading their progress back: what the CLI and the API use.

Jobs report progress in `job.meta["progress"]` as `{"done": n, "total": n, "stage": str}`; `JobView` is what a
caller sees of a job. Ingestion jobs are retried (RQ's `Retry`) after a failure or after their worker died, and
resume from their last finished chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

INGEST_QUEUE = "ingest"
EMBED_QUEUE = "embed"
TRAIN_QUEUE = "train"
QUEUES = (INGEST_QUEUE, EMBED_QUEUE, TRAIN_QUEUE)
INGEST_JOB = "mediagateway.jobs.ingest.ingest_feed"
EMBED_JOB = "mediagateway.jobs.embed.embed_titles"
TRAIN_JOB = "mediagateway.jobs.train.train_model"
RETRY = Retry(max=3, interval=[0, 30, 120])  # a dead worker is usually a one-off: retry it at once, then back off
TWO_HOURS_S = 2 * 3600


@dataclass(frozen=True)
class JobView:
    id: str
    function: str
    status: str
    done: int
    total: int | None
    stage: str | None
    result: dict[str, Any] | None
    error: str | None
    retries_left: int | None


def enqueue_ingest(connection: redis.Redis, location: str, format_name: str, source: str | None = None) -> Job:
    return Queue(INGEST_QUEUE, connection=connection).enqueue(
        INGEST_JOB, location, format_name, source, retry=RETRY, job_timeout=TWO_HOURS_S, result_ttl=7 * 86400,
        description=f"ingest {format_name} {location}",
    )


def enqueue_embed(connection: redis.Redis, batch_size: int = 256) -> Job:
    return Queue(EMBED_QUEUE, connection=connection).enqueue(
        EMBED_JOB, batch_size, retry=RETRY, job_timeout=TWO_HOURS_S, result_ttl=7 * 86400,
        description="embed titles that lack a text embedding",
    )


def enqueue_train(connection: redis.Redis, max_epochs: int | None = None) -> Job:
    """Not retried: a graph too small to train on stays too small, and a new training is one command away."""
    return Queue(TRAIN_QUEUE, connection=connection).enqueue(
        TRAIN_JOB, max_epochs, job_timeout=TWO_HOURS_S, result_ttl=7 * 86400,
        description="train GraphSAGE and write the gnn embeddings",
    )


def job_view(connection: redis.Redis, job_id: str) -> JobView | None:
    try:
        job = Job.fetch(job_id, connection=connection)
    except NoSuchJobError:
        return None
    progress = job.meta.get("progress", {})
    status = JobStatus(job.get_status(refresh=False)).value
    result = job.return_value() if status == "finished" else None
    error = None
    if status == "failed":
        latest = job.latest_result()
        error = (latest.exc_string or "").strip().splitlines()[-1] if latest and latest.exc_string else "failed"
    return JobView(
        id=job.id,
        function=job.func_name or "",
        status=status,
        done=int(progress.get("done", 0)),
        total=progress.get("total"),
        stage=progress.get("stage"),
        result=result if isinstance(result, dict) else None,
        error=error,
        retries_left=job.retries_left,
    )


def recent_jobs(connection: redis.Redis, limit: int = 20) -> list[JobView]:
    """The newest jobs of every queue: queued, running, finished and failed."""
    ids: list[str] = []
    for name in QUEUES:
        queue = Queue(name, connection=connection)
        ids += queue.get_job_ids()
        for registry in (queue.started_job_registry, queue.finished_job_registry, queue.failed_job_registry):
            ids += registry.get_job_ids()
    views = [view for job_id in dict.fromkeys(ids) if (view := job_view(connection, job_id))]
    return views[:limit]
