"""Two versions of the API compared request by request: this checkout against a git revision, on the store that
`bench_api.py --keep DIR` loaded.

This machine's speed drifts by a third within an hour, so two benchmark runs minutes apart differ by more than most
changes save. Here both versions run at once, as two API processes (one uvicorn worker each, production mode) on
the same store, and each request is sent to one, then the same request to the other, one at a time, the order
swapped every request. What the drift does falls on both alike, and the paired difference shows the change:

    .venv/bin/python bench/bench_api_compare.py --keep DIR --base HEAD~1                 # search, 400 pairs
    .venv/bin/python bench/bench_api_compare.py --keep DIR --base HEAD~1 --workload title
    .venv/bin/python bench/bench_api_compare.py --keep DIR --base HEAD                   # a version against itself

The revision is exported with `git archive` into a temporary directory and run from there; the checkout's own code
runs as it is, uncommitted changes included. Each version encodes each phrase once, so both see the same cache hits.
Printed: latency p50 and mean, the API's CPU a request, and the mean paired difference (this checkout minus the
base) with its 95% interval. A version against itself differed by 0.05 ms over 400 searches.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
from bench_api import (
    REPOSITORY_ROOT,
    Answer,
    ApiServer,
    Workload,
    api_server,
    cpu_seconds,
    judge,
    search_workload,
    title_workload,
)
from bench_store import bench_settings

from mediagateway.graph.connect import embedded_server
from mediagateway.settings import Mode

WORKLOADS = ("search", "title")
WARMUP_REQUESTS = 50


def export(revision: str, into: Path) -> Path:
    """The package at `revision`, as a directory to put on PYTHONPATH (the repository root is the package)."""
    package = into / "mediagateway"
    package.mkdir()
    archive = subprocess.run(["git", "archive", revision], cwd=REPOSITORY_ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(package)], input=archive.stdout, check=True)
    return into


class Timed:
    """One API's answers: latency per request and the CPU its processes used."""

    def __init__(self, server: ApiServer) -> None:
        self.server = server
        self.latency_ms: list[float] = []
        self.cpu_s = 0.0

    def send(self, client: httpx.Client, body: dict[str, object], count: bool) -> None:
        cpu_before = cpu_seconds(self.server.process.pid)  # one worker: uvicorn serves in its own process
        started = time.perf_counter()
        response = client.post(self.server.url, json=body)
        elapsed_ms = (time.perf_counter() - started) * 1000
        answer, error = judge(response.status_code, response.content)
        if answer is Answer.ERROR:
            raise RuntimeError(f"the API answered an error: {error}")
        if count:
            self.latency_ms.append(elapsed_ms)
            self.cpu_s += cpu_seconds(self.server.process.pid) - cpu_before

    def summary(self) -> str:
        cpu_ms = self.cpu_s / len(self.latency_ms) * 1000
        return (f"p50 {statistics.median(self.latency_ms):.2f} ms, mean {statistics.mean(self.latency_ms):.2f} ms, "
                f"API CPU {cpu_ms:.2f} ms a request")


def compare(base: Timed, current: Timed, client: httpx.Client, workload: Workload, requests: int, skip: int) -> None:
    bodies = [{"query": workload.document, "variables": variables}
              for variables in workload.variables[skip:skip + WARMUP_REQUESTS + requests]]
    if len(bodies) < WARMUP_REQUESTS + requests:
        raise SystemExit(f"the workload has {len(workload.variables)} requests; lower --requests or --skip")
    for index, body in enumerate(bodies):
        pair = (base, current) if index % 2 == 0 else (current, base)
        for api in pair:
            api.send(client, body, count=index >= WARMUP_REQUESTS)


def paired_difference(base: Sequence[float], current: Sequence[float]) -> str:
    differences = [after - before for before, after in zip(base, current, strict=True)]
    mean = statistics.mean(differences)
    half_width = 1.96 * statistics.stdev(differences) / len(differences) ** 0.5
    return f"{mean:+.2f} ms (95% interval {mean - half_width:+.2f} to {mean + half_width:+.2f})"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, required=True, metavar="DIR",
                        help="the directory `bench_api.py --keep DIR` loaded")
    parser.add_argument("--base", default="HEAD", help="the git revision to compare this checkout against")
    parser.add_argument("--workload", choices=WORKLOADS, default="search")
    parser.add_argument("--requests", type=int, default=400, help="pairs counted, after 50 of warm-up")
    parser.add_argument("--skip", type=int, default=0, help="start this far into the workload's requests")
    parser.add_argument("--titles", type=int, default=100_000, help="titles of the kept catalog (title workload)")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    bench_dir = args.keep.resolve()
    if not (bench_dir / "loaded.json").exists():
        raise SystemExit(f"{bench_dir} holds no load: run `bench/bench_api.py --keep {bench_dir}` first")
    settings = bench_settings(bench_dir / "store")
    workload = (search_workload(args.seed, args.skip + WARMUP_REQUESTS + args.requests) if args.workload == "search"
                else title_workload(args.titles, args.seed))
    store = embedded_server(settings)
    _, started = store.ensure_running()
    try:
        with tempfile.TemporaryDirectory(prefix="mg-compare-") as scratch:
            code = export(args.base, Path(scratch))
            log = bench_dir / "compare.log"
            with api_server(settings, log, Mode.PRODUCTION, code=code) as base_server, \
                    api_server(settings, log, Mode.PRODUCTION) as current_server, \
                    httpx.Client(timeout=30) as client:
                base, current = Timed(base_server), Timed(current_server)
                compare(base, current, client, workload, args.requests, args.skip)
    finally:
        if started:
            store.stop()
    print(f"{args.workload}, {args.requests} requests each, one at a time, in turn")
    print(f"  base {args.base}: {base.summary()}")
    print(f"  this checkout: {current.summary()}")
    print(f"  paired difference (this checkout - base): "
          f"{paired_difference(base.latency_ms, current.latency_ms)}")


if __name__ == "__main__":
    main()
