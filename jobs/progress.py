"""Progress of the running job, kept in its RQ meta where the CLI and GraphQL read it."""

from __future__ import annotations

from rq import get_current_job


def report(done: int, total: int | None, stage: str) -> None:
    """Record progress on the current job; does nothing outside a job."""
    remember(progress={"done": done, "total": total, "stage": stage})


def remember(**values: object) -> None:
    """Keep values (a resume point) in the current job's meta; does nothing outside a job."""
    job = get_current_job()
    if job is None:
        return
    job.meta.update(values)
    job.save_meta()


def resume_point(key: str) -> int:
    """Where a retried job left off (0 for a first run)."""
    job = get_current_job()
    return int(job.meta.get(key, 0)) if job is not None else 0
