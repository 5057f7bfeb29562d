"""End-to-end ingestion through the RQ job, on a generated catalog.

    .venv/bin/python bench/bench_ingest.py --titles 100000            # ingest only (target: 3,000 titles/s)
    .venv/bin/python bench/bench_ingest.py --titles 20000 --embed     # and the embed job after it
    .venv/bin/python bench/bench_ingest.py --titles 20000 --chunked   # chunk by chunk, not loaded whole

A canonical feed of the generated catalog (`mediagateway generate`) is ingested by one `mediagateway worker`
process on a fresh embedded store, through the connector, the entity resolver and the pipeline: what a real feed
goes through. Into the fresh store a feed of 50,000 lines or more is loaded whole (`ingest/first_load.py`);
`--chunked` makes the job ingest it chunk by chunk, as it would into a graph that already holds something.
The figure is titles per second from the job's start to its end, as RQ recorded them (feed lines hold each title
and its offers, about 4 lines a title). With --embed, the embed job then encodes every title's text with the
offline MiniLM model, and its rate is reported too.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
from rq.job import Job

from mediagateway.graph.connect import embedded_server
from mediagateway.ingest.generate import CatalogSpec
from mediagateway.ingest.generated_feed import write_feed
from mediagateway.jobs.queue import enqueue_embed, enqueue_ingest
from mediagateway.settings import Settings

CLI = str(Path(sys.executable).with_name("mediagateway"))


def run_job(connection: redis.Redis, job: Job, env: dict[str, str]) -> float:
    """Run one queued job with a burst worker; its run time in seconds, as RQ recorded it."""
    subprocess.run([CLI, "worker", "--burst"], env=env, check=True, capture_output=True)
    job.refresh()
    if job.get_status() != "finished":
        raise SystemExit(f"job {job.id} ended {job.get_status()}: {job.latest_result()}")
    assert job.started_at is not None and job.ended_at is not None
    return (job.ended_at - job.started_at).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--titles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--embed", action="store_true", help="run the embed job after the ingest")
    parser.add_argument("--chunked", action="store_true",
                        help="ingest chunk by chunk, as into a graph that is not empty, instead of loading it whole")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mg-bench-") as scratch:
        data_dir = Path(scratch) / "store"
        settings = Settings(data_dir=data_dir, graph_name="bench")
        env = {**os.environ, "MG_DATA_DIR": str(data_dir), "MG_GRAPH_NAME": "bench"}
        if args.chunked:
            env["MG_INGEST_FIRST_LOAD_MIN_ITEMS"] = str(sys.maxsize)
        feed = Path(scratch) / "catalog.jsonl"
        started = time.perf_counter()
        lines = write_feed(CatalogSpec(titles=args.titles, seed=args.seed), feed)
        print(f"feed: {args.titles:,} titles, {lines:,} lines, written in {time.perf_counter() - started:.1f}s")

        server = embedded_server(settings)
        instance, _ = server.ensure_running()
        connection = redis.Redis.from_url(instance.redis_url)
        try:
            job = enqueue_ingest(connection, str(feed), "canonical", "generated")
            seconds = run_job(connection, job, env)
            result = job.return_value() or {}
            print(f"ingest job: {seconds:.1f}s, {args.titles / seconds:,.0f} titles/s, {lines / seconds:,.0f} lines/s")
            print(f"  report: {result}")
            if args.embed:
                embed = enqueue_embed(connection)
                seconds = run_job(connection, embed, env)
                embedded = (embed.return_value() or {}).get("embedded", 0)
                print(f"embed job: {embedded:,} titles in {seconds:.1f}s, {embedded / seconds:,.0f} titles/s")
        finally:
            connection.close()
            server.stop()


if __name__ == "__main__":
    main()
