"""GraphQL API benchmark: `search`, a title page, the highest `search` rate held, and `recommendations`, over HTTP
on loopback.

Targets (the 100,000-title generated catalog with text embeddings, the embedded store, 2 cores):
- `search` with a filter and availability, first 20, at 50 requests/s: p50 <= 15 ms, p99 <= 50 ms;
- a title page (`content(id)` with people, genres, availability and similar titles): p50 <= 10 ms;
- the highest rate `search` sustains with p99 under 100 ms and no errors: reported (the aim is 300/s);
- `recommendations(first: 20)` for random viewers of the 10,000, at 20/s: p50 <= 30 ms, p99 <= 80 ms (against a
  second API process in development mode, which honours the header naming the viewer).

Run from the repository root:

    .venv/bin/python bench/bench_api.py --keep DIR                      # load once into DIR, then every workload
    .venv/bin/python bench/bench_api.py --keep DIR --workload title --duration 10
    .venv/bin/python bench/bench_api.py --keep DIR --workload max --rates 100 200 300 400
    .venv/bin/python bench/bench_api.py --keep DIR --workload recommend --recommend-rate 10
    .venv/bin/python bench/bench_api.py --keep DIR --workload recommend --rank-ahead 0   # no rankings ahead
    .venv/bin/python bench/bench_api.py --titles 2000 --workload search --rate 100

The generated catalog (ingest/generate.py) is loaded through the store API into an embedded store, as
bench_store.py does, with the titles' text embeddings (cached under bench/.cache/, computed on a miss) and
`--users` viewers with recent interactions, so that `browse(list: TRENDING)` has data. With `--keep DIR` the store
stays in DIR between runs and is loaded only when DIR holds no complete load of the same catalog from the last
MAX_KEPT_AGE_DAYS days (the catalog is dated from when it is loaded); without it, a temporary directory is used
and removed.

The API runs under uvicorn on that store, with `--workers` processes (2, one per core, as docker-compose.yml serves
it; the recommend workload runs one, since each worker would build a recommender snapshot of its own), and the load
comes from another process:
open-loop, request i is due at t0 + i / rate whatever happened to the ones before, and its latency runs from when
it was due, so a server that falls behind shows it rather than slowing the load down (no coordinated omission).
Requests go through one aiohttp client with a pool of HTTP/1.1 keep-alive connections (aiohttp: 0.26 ms of CPU a
request here, httpx 1.2 ms, which would make the generator the bottleneck). The first `--warmup` seconds
are not counted. Before the `search` and `max` workloads the API first serves `--served-before` searches (10,000)
of the same phrase stream, four at a time as fast as it answers, unmeasured, and the measured run goes on with the
phrases that follow: the API is measured as a running service is, its query vectors and kept candidate lists holding
the phrases seen before and missing the new ones (26% of the measured run's phrases are new to it, against 66% of the
first phrases a fresh API gets); `--served-before 0` measures a freshly started API. An error is a non-200 answer, a
transport error or a GraphQL `errors` entry; an empty answer is a null title or a search without results (counted
apart: it means the workload, not the server, needs a look).
The server, the store and the load generator share the machine's cores; the CPU each used per request is printed
(the API's summed over its workers). The load generator's own CPU a request does the same work in every run, so it
tells how fast the machine is at the time: this machine's speed drifts by a third over a day. Beside it, from
/proc/stat, the share of the run's CPU time the cores were busy (in `max` the tail broke with them about 80% busy:
the CPU is what stops the rate) and, on a virtual machine, the share the host gave to others (steal): when that
is high, the cores were not the run's, and neither are the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import numpy as np
import uvloop
from bench_store import (
    Corpus,
    Report,
    bench_settings,
    cached,
    encode,
    ingest_phases,
    load_model,
    settle,
    title_texts,
    title_vectors_path,
    write_embeddings,
)

from mediagateway.graph.connect import embedded_server, open_store
from mediagateway.graph.embeddings import text_hash
from mediagateway.graph.model import InteractionIn, Signal, UserIn
from mediagateway.graph.repository import GraphRepository
from mediagateway.ingest.generate import (
    DAY_MS,
    GENRES,
    PLATFORMS,
    REGIONS,
    Catalog,
    CatalogSpec,
    content_id,
    rng_for,
    user_queries,
    weighted,
    zipf_rank,
)
from mediagateway.resolvers.cache_file import forget_cache_file
from mediagateway.resolvers.recommendations import DEV_USER_HEADER
from mediagateway.settings import Mode, Settings

# --- the GraphQL documents ---------------------------------------------------------------------------------------

WINDOW_FRAGMENT = """
fragment Window on AvailabilityWindow {
  id platform { id name } region { id name } pricingModel price currency quality deepLink
  availableFrom availableUntil trustScore verifiedAt warning demo
}
"""

SEARCH_DOCUMENT = """
query Search($query: String!, $filter: SearchFilter, $first: Int, $region: String) {
  search(query: $query, filter: $filter, first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      score
      matches { reason detail score }
      node {
        id kind title year runtimeMinutes
        genres { nodes { id name } }
        availability(region: $region, first: 5) { nodes { ...Window } }
      }
    }
  }
}
""" + WINDOW_FRAGMENT

TITLE_DOCUMENT = """
query TitlePage($id: ID!) {
  content(id: $id) {
    id kind title year runtimeMinutes synopsis
    genres { nodes { id name } }
    moods { nodes { id name } }
    credits(first: 10) { nodes { role character person { id name } } }
    availability(first: 20) { nodes { ...Window } }
    similar(first: 10) { nodes { id kind title year } }
  }
}
""" + WINDOW_FRAGMENT

RECOMMEND_DOCUMENT = """
query Recommendations($first: Int) {
  recommendations(first: $first) {
    totalCount
    strategies { name weight }
    edges {
      score explanation
      reasons { kind text }
      platforms { id name }
      node { id kind title year runtimeMinutes genres { nodes { id name } } }
    }
  }
}
"""

SEARCH_RESULTS = 20
RECOMMENDATIONS = 20
TITLE_REQUESTS = 2_000  # distinct title pages asked for, in turn
SERVED_BEFORE = 10_000  # searches a running API has served before the measured ones: see the module docstring
API_WORKERS = 2  # one per core, as docker-compose.yml serves it: one worker's event loop queues requests at 50/s
RATES = [50, 60, 70, 80, 90, 100, 125, 150, 200, 300, 400, 600, 800]
INTERACTION_DAYS = 30  # interactions fall in the days before loading: trending lists look at recent ones
MAX_KEPT_AGE_DAYS = 7  # a kept store older than this is loaded again (see `reusable`)
# A kept store of 100,000 titles takes about two minutes to start: FalkorDB rebuilds the vector index from the
# snapshot, and says nothing while it does.
STORE_STARTUP_TIMEOUT_S = 900.0

SEARCH_P50_MS, SEARCH_P99_MS, SEARCH_TARGET_RATE = 15.0, 50.0, 50.0
TITLE_P50_MS = 10.0
RECOMMEND_P50_MS, RECOMMEND_P99_MS = 30.0, 80.0
RECOMMEND_RATE = 20.0
# The first recommendation starts building the recommender from a snapshot of the graph: about two minutes at 100,000
# titles and 10,000 viewers ranked ahead, during which the API answers NOT_READY.
RECOMMENDER_BUILD_TIMEOUT_S = 600.0
MAX_P99_MS = 100.0
MAX_RATE_AIM = 300
MACHINE_SHARES = "cores busy / given by the host to others"

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent


# --- users and interactions --------------------------------------------------------------------------------------

_REGION_WEIGHTS = [r.weight for r in REGIONS]
_SIGNALS = (Signal.WATCH_COMPLETE, Signal.RATING, Signal.WATCH_START, Signal.CLICK, Signal.SKIP)
_SIGNAL_WEIGHTS = (0.3, 0.15, 0.25, 0.25, 0.05)


def user_id(number: int) -> str:
    return f"u{number:07d}"


def viewer(spec: CatalogSpec, number: int) -> UserIn:
    """A viewer in a region (by market weight) subscribing to one to three of the platforms offered there."""
    rng = rng_for(spec.seed, "bench-user", number)
    region = weighted(rng, REGIONS, _REGION_WEIGHTS)
    offered = [p.id for p in PLATFORMS if region.id in p.regions]
    return UserIn(id=user_id(number), name=f"Viewer {number}", region_id=region.id,
                  subscriptions=rng.sample(offered, rng.randint(1, 3)))


def interactions_of(spec: CatalogSpec, number: int) -> list[InteractionIn]:
    """5 to 40 interactions in the INTERACTION_DAYS days before the catalog's date; titles drawn by a Zipf law, so
    a few are hubs."""
    rng = rng_for(spec.seed, "bench-interactions", number)
    result = []
    for _ in range(rng.randint(5, 40)):
        signal_ = weighted(rng, _SIGNALS, _SIGNAL_WEIGHTS)
        result.append(InteractionIn(
            user_id=user_id(number),
            content_id=content_id(zipf_rank(rng, spec.titles)),
            signal=signal_,
            rating=rng.randint(2, 10) / 2 if signal_ is Signal.RATING else None,
            at=spec.as_of_ms - rng.randrange(INTERACTION_DAYS * DAY_MS),
        ))
    return result


async def load_viewers(repo: GraphRepository, spec: CatalogSpec, users: int, batch: int = 100) -> int:
    """Users, then their interactions, `batch` users at a time; the number of interactions written."""
    written = 0
    for start in range(0, users, batch):
        numbers = range(start, min(users, start + batch))
        await repo.upsert_users([viewer(spec, n) for n in numbers])
        written += await repo.upsert_interactions([i for n in numbers for i in interactions_of(spec, n)])
    return written


# --- the store ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """What a kept directory holds once every part of the load has finished."""

    titles: int
    seed: int
    users: int
    as_of_ms: int  # the catalog's "now", which windows, verifications and interactions are dated from

    @staticmethod
    def read(path: Path) -> Loaded | None:
        try:
            return Loaded(**json.loads(path.read_text()))
        except (FileNotFoundError, ValueError, TypeError):
            return None

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)) + "\n")

    def same_catalog(self, other: Loaded) -> bool:
        return (self.titles, self.seed, self.users) == (other.titles, other.seed, other.users)

    def age_days(self, now_ms: int) -> float:
        return (now_ms - self.as_of_ms) / DAY_MS

    def catalog(self, batch_size: int) -> Catalog:
        return Catalog(CatalogSpec(titles=self.titles, seed=self.seed, batch_size=batch_size, as_of_ms=self.as_of_ms))


async def embed_titles(repo: GraphRepository, catalog: Catalog) -> tuple[float, bool]:
    """Write every title's text embedding (from the cache, or computed and cached); (seconds, from the cache)."""
    ids, texts = title_texts(catalog)
    vectors, hit = cached(title_vectors_path(catalog.spec), lambda: encode(load_model(), texts))
    data = Corpus(ids, [text_hash(t) for t in texts], vectors, np.empty((0, vectors.shape[1]), dtype=np.float32))
    return await write_embeddings(repo, data), hit


def reusable(kept: Loaded, wanted: Loaded, titles_stored: int) -> bool:
    """A kept load serves if it is the same catalog, complete, and recent: the API decays a window's trust by 1% a
    day since its verification and hides it below 0.5, so an old load would answer with less and less
    availability."""
    if not kept.same_catalog(wanted) or titles_stored != wanted.titles:
        return False
    if (age := kept.age_days(wanted.as_of_ms)) > MAX_KEPT_AGE_DAYS:
        print(f"  the kept store is dated {age:.0f} days ago, past {MAX_KEPT_AGE_DAYS}: loading again", flush=True)
        return False
    return True


async def prepare_store(settings: Settings, marker: Path, wanted: Loaded, report: Report) -> None:
    """Load the catalog, the viewers and the embeddings, unless the marker shows a reusable finished load."""
    runtime = await open_store(settings)
    try:
        counts = await runtime.repository.counts_by_label()
        kept = Loaded.read(marker)
        if kept is not None and reusable(kept, wanted, counts.get("Content", 0)):
            stored = f"{counts['Content']:,} / {counts.get('User', 0):,}"
            report.add("load", "kept store reused: titles / users", stored)
            report.add("load", "kept store: days since its catalog's date", f"{kept.age_days(wanted.as_of_ms):.1f}")
            return
        marker.unlink(missing_ok=True)
        await load_everything(runtime.repository, wanted.catalog(settings.write_batch_size), wanted.users, report)
        wanted.write(marker)
        await settle(runtime)
    finally:
        await runtime.close()


async def load_everything(repo: GraphRepository, catalog: Catalog, users: int, report: Report) -> None:
    start = time.perf_counter()
    await repo.store.delete_all()
    times = await ingest_phases(repo, catalog, concurrency=2)
    report.add("load", "catalog: titles / people / windows", f"{times.titles:,} / {times.people:,} / {times.windows:,}")
    report.add("load", "catalog (s)", f"{times.store_s + times.generate_s:.1f}")
    viewers_start = time.perf_counter()
    interactions = await load_viewers(repo, catalog.spec, users)
    report.add("load", "users / interactions", f"{users:,} / {interactions:,}")
    report.add("load", "users and interactions (s)", f"{time.perf_counter() - viewers_start:.1f}")
    seconds, from_cache = await embed_titles(repo, catalog)
    report.add("load", "write text embeddings (s)" + (" [cache]" if from_cache else ""), f"{seconds:.1f}")
    report.add("load", "loading in all (s)", f"{time.perf_counter() - start:.1f}")


# --- the API server ----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) a process has used, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class MachineTicks:
    """CPU ticks of the machine's cores so far, from /proc/stat, summed over the cores."""

    busy: int
    """running anything: processes, the kernel, interrupts"""
    stolen: int
    """ready to run, but the host (of a virtual machine) ran something else"""
    all: int

    @staticmethod
    def now() -> MachineTicks:
        user, nice, system, idle, iowait, irq, softirq, steal = (
            int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9])
        busy = user + nice + system + irq + softirq
        return MachineTicks(busy, steal, busy + idle + iowait + steal)

    def shares_since(self, before: MachineTicks) -> tuple[float, float]:
        """(busy, stolen) as shares of the machine's CPU time since `before`."""
        elapsed = max(1, self.all - before.all)
        return (self.busy - before.busy) / elapsed, (self.stolen - before.stolen) / elapsed


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds a process and its children alive now have used: uvicorn's workers are children of its
    supervisor (what a child that has exited used is not counted; workers live as long as the benchmark)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
    return cpu_seconds(pid) + sum(tree_cpu_seconds(child) for child in children)


def server_environment(settings: Settings, mode: Mode) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("MG_")}
    env.update(MG_BACKEND="embedded", MG_DATA_DIR=str(settings.data_dir), MG_GRAPH_NAME=settings.graph_name,
               MG_MODE=mode.value, MG_RECOMMEND_REFRESH_S=str(settings.recommend_refresh_s),
               MG_RECOMMEND_REBUILD_SHARE=str(settings.recommend_rebuild_share),
               MG_RECOMMEND_RANK_AHEAD=str(settings.recommend_rank_ahead),
               MG_QUERY_VECTOR_CACHE_MB=str(settings.query_vector_cache_mb),
               MG_SEARCH_CANDIDATE_CACHE_MB=str(settings.search_candidate_cache_mb))
    return env


@dataclass(frozen=True)
class ApiServer:
    process: subprocess.Popen[bytes]
    url: str
    store_pid: int

    def cpu_seconds(self) -> tuple[float, float]:
        """(API processes, store process) CPU seconds so far."""
        return tree_cpu_seconds(self.process.pid), cpu_seconds(self.store_pid)


@contextlib.contextmanager
def api_server(settings: Settings, log: Path, mode: Mode = Mode.PRODUCTION, workers: int = 1,
               timeout_s: float = 120, code: Path | None = None) -> Iterator[ApiServer]:
    """The API under uvicorn with `workers` processes on a free loopback port, once /ready answers 200; stopped on
    exit. `code` is a directory holding a `mediagateway` package to run instead of this checkout's (put first on
    PYTHONPATH, which comes before the editable install's finder)."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "mediagateway.server:create_app", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    instance = embedded_server(settings).find()
    if instance is None:
        raise RuntimeError("the embedded store is not running")
    with open(log, "ab") as output:
        environment = server_environment(settings, mode)
        if code is not None:
            environment["PYTHONPATH"] = str(code)
        process = subprocess.Popen(command, env=environment, cwd=REPOSITORY_ROOT,
                                   stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(process, base, log, timeout_s)
        yield ApiServer(process, f"{base}/graphql", instance.pid)
    finally:
        stop_process(process)


def wait_until_ready(process: subprocess.Popen[bytes], base: str, log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API exited with status {process.returncode}:\n{tail(log)}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/ready", timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    raise TimeoutError(f"the API was not ready within {timeout_s:.0f}s:\n{tail(log)}")


def stop_process(process: subprocess.Popen[bytes], timeout_s: float = 15) -> None:
    """SIGINT (uvicorn's clean shutdown, which closes the store connections), then SIGKILL if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- the workloads -----------------------------------------------------------------------------------------------

_GENRE_IDS = list(GENRES)
_GENRE_WEIGHTS = [spec[1] for spec in GENRES.values()]


def pick_region(rng: random.Random) -> str:
    return weighted(rng, REGIONS, _REGION_WEIGHTS).id


def available_now_in_region(rng: random.Random) -> dict[str, Any]:
    return {"region": pick_region(rng), "availableNow": True}


def genre_in_region(rng: random.Random) -> dict[str, Any]:
    return {"genres": [weighted(rng, _GENRE_IDS, _GENRE_WEIGHTS)], "region": pick_region(rng)}


def since_year(rng: random.Random) -> dict[str, Any]:
    return {"yearFrom": rng.choice((1990, 2000, 2010, 2015, 2020))}


def platforms_and_pricing(rng: random.Random) -> dict[str, Any]:
    """One or two platforms offered in a region, and one pricing model at least one of them has."""
    region = pick_region(rng)
    platforms = rng.sample([p for p in PLATFORMS if region in p.regions], rng.randint(1, 2))
    models = sorted({model.value for p in platforms for model in p.models})
    return {"region": region, "platforms": [p.id for p in platforms], "pricingModels": [rng.choice(models)]}


SEARCH_FILTERS: tuple[Callable[[random.Random], dict[str, Any]], ...] = (
    available_now_in_region, genre_in_region, since_year, platforms_and_pricing,
)


@dataclass(frozen=True)
class Workload:
    document: str
    variables: list[dict[str, Any]]  # one request each, sent in turn
    headers: list[dict[str, str]] | None = None  # each request's own headers (the viewer), beside `variables`


def search_workload(seed: int, phrases: int) -> Workload:
    """The viewer phrases of `user_queries` (a fixed list, cycled; popular phrases recur in it), each with a filter
    of one of the combinations a frontend sends, drawn by a seeded generator."""
    rng = random.Random(seed)
    variables = []
    for text in user_queries(seed, phrases):
        search_filter = rng.choice(SEARCH_FILTERS)(rng)
        variables.append({"query": text, "filter": search_filter, "first": SEARCH_RESULTS,
                          "region": search_filter.get("region")})
    return Workload(SEARCH_DOCUMENT, variables)


def title_workload(titles: int, seed: int, count: int = TITLE_REQUESTS) -> Workload:
    rng = random.Random(seed)
    return Workload(TITLE_DOCUMENT, [{"id": content_id(rng.randrange(titles))} for _ in range(count)])


def recommend_workload(users: int, seed: int, count: int = TITLE_REQUESTS) -> Workload:
    """Random viewers of the loaded ones, each named by the development header (the API's only way until sign-in
    exists, so this workload runs against an API in development mode)."""
    rng = random.Random(seed)
    viewers = [user_id(rng.randrange(users)) for _ in range(count)]
    return Workload(RECOMMEND_DOCUMENT, [{"first": RECOMMENDATIONS}] * count,
                    [{DEV_USER_HEADER: viewer} for viewer in viewers])


# --- the load generator (its own process) ------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadPlan:
    url: str
    workload: Workload
    rate: float
    warmup_s: float
    duration_s: float
    connections: int
    timeout_s: float = 10.0

    @staticmethod
    def from_json(text: str) -> LoadPlan:
        fields = json.loads(text)
        return LoadPlan(**{**fields, "workload": Workload(**fields["workload"])})


@dataclass(frozen=True)
class Percentiles:
    p50: float
    p90: float
    p99: float
    max: float

    @staticmethod
    def of(samples_ms: Sequence[float]) -> Percentiles:
        if not samples_ms:
            return Percentiles(float("nan"), float("nan"), float("nan"), float("nan"))
        p50, p90, p99 = np.percentile(np.asarray(samples_ms), [50, 90, 99])
        return Percentiles(float(p50), float(p90), float(p99), float(max(samples_ms)))

    def __str__(self) -> str:
        return f"{self.p50:.1f} / {self.p90:.1f} / {self.p99:.1f} / {self.max:.1f}"


@dataclass(frozen=True)
class LoadResult:
    sent: int  # warm-up included
    counted: int
    errors: int
    empty: int
    first_error: str | None
    latency_ms: Percentiles  # from when each request was due to its whole answer, errors included
    late_p99_ms: float  # how late the generator sent requests: high means it, not the server, ran short of CPU
    cpu_s: float  # the load generator's own CPU

    @staticmethod
    def from_json(text: str) -> LoadResult:
        fields = json.loads(text)
        return LoadResult(**{**fields, "latency_ms": Percentiles(**fields["latency_ms"])})


class Answer(Enum):
    OK = "ok"
    EMPTY = "empty"
    ERROR = "error"


@dataclass(frozen=True)
class Outcome:
    latency_ms: float
    late_ms: float
    answer: Answer
    error: str | None = None


def judge(status: int, body: bytes) -> tuple[Answer, str | None]:
    if status != 200:
        return Answer.ERROR, f"HTTP {status}: {body[:300]!r}"
    document = json.loads(body)
    if document.get("errors"):
        return Answer.ERROR, str(document["errors"][0].get("message"))
    first = next(iter((document.get("data") or {}).values()), None)
    if first is None or (isinstance(first, dict) and first.get("edges") == []):
        return Answer.EMPTY, None
    return Answer.OK, None


JSON_HEADERS = {"content-type": "application/json"}


@dataclass(frozen=True)
class Sender:
    client: aiohttp.ClientSession
    url: str
    # Requests wait for a connection here rather than in the client's pool, so a backlog costs the generator
    # nothing but a place in this queue.
    gate: asyncio.Semaphore
    timeout_s: float

    async def send(self, body: bytes, headers: dict[str, str], due: float) -> Outcome:
        """One request; an error if not answered within `timeout_s` of when it was due."""
        now = time.perf_counter()
        deadline = asyncio.get_running_loop().time() + (due + self.timeout_s - now)
        try:
            async with asyncio.timeout_at(deadline), self.gate:
                async with self.client.post(self.url, data=body, headers=headers) as response:
                    answer, error = judge(response.status, await response.read())
        except TimeoutError:
            answer, error = Answer.ERROR, f"no answer within {self.timeout_s:g} s of when it was due"
        except (aiohttp.ClientError, ValueError) as exc:
            answer, error = Answer.ERROR, f"{type(exc).__name__}: {exc}"
        return Outcome((time.perf_counter() - due) * 1e3, (now - due) * 1e3, answer, error)


async def generate_load(plan: LoadPlan) -> LoadResult:
    """Send request i at start + i / rate, whatever became of the earlier ones; wait for every answer."""
    bodies = [json.dumps({"query": plan.workload.document, "variables": variables}).encode()
              for variables in plan.workload.variables]
    headers = [{**JSON_HEADERS, **extra} for extra in plan.workload.headers or [{}]]
    total = round((plan.warmup_s + plan.duration_s) * plan.rate)
    connector = aiohttp.TCPConnector(limit=plan.connections)
    async with aiohttp.ClientSession(connector=connector) as client:
        cpu_start = time.process_time()  # from here: the client's set-up is not per request
        sender = Sender(client, plan.url, asyncio.Semaphore(plan.connections), plan.timeout_s)
        tasks: list[asyncio.Task[Outcome]] = []
        start = time.perf_counter() + 0.05
        for number in range(total):
            due = start + number / plan.rate
            if (delay := due - time.perf_counter()) > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(sender.send(bodies[number % len(bodies)],
                                                         headers[number % len(headers)], due)))
        outcomes = await asyncio.gather(*tasks)
    counted = outcomes[round(plan.warmup_s * plan.rate):]
    errors = [o.error for o in counted if o.answer is Answer.ERROR]
    return LoadResult(
        sent=len(outcomes),
        counted=len(counted),
        errors=len(errors),
        empty=sum(o.answer is Answer.EMPTY for o in counted),
        first_error=errors[0] if errors else None,
        latency_ms=Percentiles.of([o.latency_ms for o in counted]),
        late_p99_ms=float(np.percentile([o.late_ms for o in counted], 99)) if counted else float("nan"),
        cpu_s=time.process_time() - cpu_start,
    )


def run_load_generator() -> None:
    """The load generator's side: a plan as JSON on stdin, the result as JSON on stdout."""
    plan = LoadPlan.from_json(sys.stdin.read())
    result = uvloop.run(generate_load(plan))
    print(json.dumps(asdict(result)))


def drive(plan: LoadPlan) -> LoadResult:
    """Run one plan in a load generator process of its own (this file with --generate-load)."""
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--generate-load"],
        input=json.dumps(asdict(plan)), capture_output=True, text=True,
        timeout=plan.warmup_s + plan.duration_s + plan.timeout_s + 120,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the load generator failed:\n{completed.stderr}")
    return LoadResult.from_json(completed.stdout)


# --- measuring ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measurement:
    rate: float
    result: LoadResult
    api_cpu_s: float
    store_cpu_s: float
    busy_share: float  # this and the next: shares of the machine's CPU time during the run (MachineTicks)
    stolen_share: float

    def cpu_per_request_ms(self) -> str:
        sent = max(1, self.result.sent)
        return " / ".join(f"{seconds / sent * 1e3:.2f}"
                          for seconds in (self.api_cpu_s, self.store_cpu_s, self.result.cpu_s))

    def machine_shares(self) -> str:
        return f"{self.busy_share:.0%} / {self.stolen_share:.1%}"


def wait_until_idle(server: ApiServer, timeout_s: float = 120, interval_s: float = 0.5, busy: float = 0.1) -> None:
    """Wait until the API and the store each use less than `busy` of a core. The server still works on requests
    the load generator gave up on: waiting before a run keeps it from paying for the backlog of the one before."""
    deadline = time.monotonic() + timeout_s
    before = server.cpu_seconds()
    while time.monotonic() < deadline:
        time.sleep(interval_s)
        after = server.cpu_seconds()
        if all((a - b) / interval_s < busy for a, b in zip(after, before, strict=True)):
            return
        before = after
    print(f"  the API or the store was still busy after {timeout_s:g} s; measuring anyway", flush=True)


def measure(server: ApiServer, workload: Workload, rate: float, args: argparse.Namespace) -> Measurement:
    wait_until_idle(server)
    api_before, store_before = server.cpu_seconds()
    ticks_before = MachineTicks.now()
    result = drive(LoadPlan(server.url, workload, rate, args.warmup, args.duration, args.connections))
    busy_share, stolen_share = MachineTicks.now().shares_since(ticks_before)
    wait_until_idle(server)  # requests the load generator gave up on still cost the server: count them here
    api_after, store_after = server.cpu_seconds()
    if result.first_error:
        print(f"  first error at {rate:g}/s: {result.first_error}", flush=True)
    return Measurement(rate, result, api_after - api_before, store_after - store_before, busy_share, stolen_share)


def report_run(report: Report, section: str, m: Measurement) -> None:
    r = m.result
    counts = f"{r.counted:,} / {r.errors:,} / {r.empty:,}"
    report.add(section, f"requests at {m.rate:g}/s: counted / errors / empty", counts)
    report.add(section, "latency p50 / p90 / p99 / max (ms)", str(r.latency_ms))
    report.add(section, "CPU per request: API / store / load gen. (ms)", m.cpu_per_request_ms())
    report.add(section, "load generator late, p99 (ms)", f"{r.late_p99_ms:.1f}")
    report.add(section, MACHINE_SHARES, m.machine_shares())


def served_before(server: ApiServer, workload: Workload, count: int, concurrency: int = 4) -> Workload:
    """Send the workload's first `count` requests, `concurrency` at a time, as fast as the API answers them (not
    measured), and return the workload going on from there: the API as a service that has served them is."""
    if count <= 0:
        return workload
    bodies = [{"query": workload.document, "variables": variables} for variables in workload.variables[:count]]

    async def serve() -> None:
        pending = iter(bodies)
        async with httpx.AsyncClient(timeout=60) as client:
            async def sender() -> None:
                for body in pending:
                    (await client.post(server.url, json=body)).raise_for_status()
            await asyncio.gather(*(sender() for _ in range(concurrency)))

    started = time.perf_counter()
    asyncio.run(serve())
    print(f"  served {len(bodies):,} searches before measuring, in {time.perf_counter() - started:.0f} s", flush=True)
    rest = workload.variables[count:] + workload.variables[:count]
    return Workload(workload.document, rest)


def new_phrases(served: Sequence[dict[str, Any]], sent: Sequence[dict[str, Any]]) -> float:
    """The share of the `sent` searches whose phrase the API had not had before (neither in `served` nor earlier in
    `sent`): those its text encoder runs for. The workers share the vectors they compute (resolvers/query_vectors.py);
    with `--query-vector-cache-mb 0` each keeps its own, and a phrase is new to each worker it reaches."""
    seen = {variables["query"] for variables in served}
    new = 0
    for variables in sent:
        if variables["query"] not in seen:
            new += 1
            seen.add(variables["query"])
    return new / max(1, len(sent))


def bench_search(server: ApiServer, args: argparse.Namespace, report: Report) -> None:
    phrases = search_workload(args.seed, args.phrases)
    workload = served_before(server, phrases, args.served_before)
    m = measure(server, workload, args.rate, args)
    report.add("search", "searches served before, unmeasured", f"{args.served_before:,}")
    sent = [workload.variables[i % len(workload.variables)] for i in range(m.result.sent)]  # cycled, as sent
    new = new_phrases(phrases.variables[:args.served_before], sent)
    report.add("search", "phrases new to the API in the run", f"{new:.0%}")
    report_run(report, "search", m)
    latency, clean = m.result.latency_ms, m.result.errors == 0
    judged = args.rate == SEARCH_TARGET_RATE  # the targets hold at 50/s: another rate is reported, not judged
    at = f" at {SEARCH_TARGET_RATE:g}/s" + ("" if judged else f" (ran at {args.rate:g}/s)")
    report.add("search", "p50 (ms)", f"{latency.p50:.1f}", f"<= {SEARCH_P50_MS:g} ms{at}",
               clean and latency.p50 <= SEARCH_P50_MS if judged else None)
    report.add("search", "p99 (ms)", f"{latency.p99:.1f}", f"<= {SEARCH_P99_MS:g} ms{at}",
               clean and latency.p99 <= SEARCH_P99_MS if judged else None)


def bench_title(server: ApiServer, args: argparse.Namespace, report: Report) -> None:
    m = measure(server, title_workload(args.titles, args.seed), args.rate, args)
    report_run(report, "title", m)
    latency = m.result.latency_ms
    report.add("title", "p50 (ms)", f"{latency.p50:.1f}", f"<= {TITLE_P50_MS:g} ms",
               m.result.errors == 0 and latency.p50 <= TITLE_P50_MS)


def bench_max(server: ApiServer, args: argparse.Namespace, report: Report) -> None:
    """`search` at rising rates until p99 reaches MAX_P99_MS or an error appears."""
    workload = served_before(server, search_workload(args.seed, args.phrases), args.served_before)
    held: float | None = None
    for rate in args.rates:
        m = measure(server, workload, rate, args)
        ok = m.result.errors == 0 and m.result.latency_ms.p99 < MAX_P99_MS
        report.add("max", f"search at {rate:g}/s: p50 / p99 (ms), errors",
                   f"{m.result.latency_ms.p50:.1f} / {m.result.latency_ms.p99:.1f}, {m.result.errors:,}",
                   f"p99 < {MAX_P99_MS:g} ms", ok)
        report.add("max", f"search at {rate:g}/s: CPU/request API / store / gen. (ms)", m.cpu_per_request_ms())
        report.add("max", f"search at {rate:g}/s: {MACHINE_SHARES}", m.machine_shares())
        if not ok:
            break
        held = rate
    else:
        print("  every rate tried held; add higher --rates to find the limit", flush=True)
    report.add("max", "highest search rate held (requests/s)", "none" if held is None else f"{held:g}",
               f">= {MAX_RATE_AIM}/s (aim)", held is not None and held >= MAX_RATE_AIM)


def wait_for_recommender(server: ApiServer, workload: Workload) -> None:
    """Ask until the API has built its recommender (it answers NOT_READY until then)."""
    body = {"query": workload.document, "variables": workload.variables[0]}
    headers = workload.headers[0] if workload.headers else {}
    deadline = time.monotonic() + RECOMMENDER_BUILD_TIMEOUT_S
    while True:
        response = httpx.post(server.url, json=body, headers=headers, timeout=60)
        answer, error = judge(response.status_code, response.content)
        if answer is not Answer.ERROR:
            return
        if "NOT_READY" not in response.text or time.monotonic() > deadline:
            raise RuntimeError(f"the first recommendation failed: {error}")
        time.sleep(1)


def bench_recommend(server: ApiServer, args: argparse.Namespace, report: Report) -> None:
    workload = recommend_workload(args.users, args.seed)
    started = time.perf_counter()
    wait_for_recommender(server, workload)
    report.add("recommend", "first answer: the recommender built (s)", f"{time.perf_counter() - started:.1f}")
    m = measure(server, workload, args.recommend_rate, args)
    report_run(report, "recommend", m)
    latency, clean = m.result.latency_ms, m.result.errors == 0
    report.add("recommend", "p50 (ms)", f"{latency.p50:.1f}", f"<= {RECOMMEND_P50_MS:g} ms",
               clean and latency.p50 <= RECOMMEND_P50_MS)
    report.add("recommend", "p99 (ms)", f"{latency.p99:.1f}", f"<= {RECOMMEND_P99_MS:g} ms",
               clean and latency.p99 <= RECOMMEND_P99_MS)


Bench = Callable[[ApiServer, argparse.Namespace, Report], None]
WORKLOADS: dict[str, Bench] = {"search": bench_search, "title": bench_title, "max": bench_max}
# Recommendations name their viewer by the development header, so they run against an API in development mode.
DEVELOPMENT_WORKLOADS: dict[str, Bench] = {"recommend": bench_recommend}


# --- main --------------------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--titles", type=int, default=100_000, help="titles in the generated catalog")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--users", type=int, default=10_000, help="viewers with recent interactions")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="keep the loaded store in DIR between runs (loaded only if DIR holds no complete load)")
    parser.add_argument("--workload", choices=[*WORKLOADS, *DEVELOPMENT_WORKLOADS, "all"], default="all")
    parser.add_argument("--workers", type=int, default=API_WORKERS,
                        help="uvicorn worker processes of the API for search and title pages (`mediagateway serve "
                             "--workers`); the recommend workload runs one")
    parser.add_argument("--rate", type=float, default=50, help="requests/s of the search and title workloads")
    parser.add_argument("--recommend-rate", type=float, default=RECOMMEND_RATE,
                        help="requests/s of the recommend workload")
    parser.add_argument("--refresh-s", type=float, default=Settings.model_fields["recommend_refresh_s"].default,
                        help="the API rebuilds the recommender's snapshot once it is this old "
                             "(MG_RECOMMEND_REFRESH_S); 1 keeps a rebuild running, to measure requests meanwhile")
    parser.add_argument("--rebuild-share", type=float,
                        default=Settings.model_fields["recommend_rebuild_share"].default,
                        help="the share of the time a background rebuild may work (MG_RECOMMEND_REBUILD_SHARE)")
    parser.add_argument("--rank-ahead", type=int, default=Settings.model_fields["recommend_rank_ahead"].default,
                        help="viewers the API ranks when it builds the snapshot (MG_RECOMMEND_RANK_AHEAD); 0 ranks "
                             "every request live")
    parser.add_argument("--rates", type=float, nargs="+", default=RATES, help="the rates the max workload climbs")
    parser.add_argument("--duration", type=float, default=30, help="seconds counted per run")
    parser.add_argument("--warmup", type=float, default=5, help="seconds sent before counting, per run")
    parser.add_argument("--phrases", type=int, default=20_000,
                        help="search phrases, cycled (20,000 hold 6,405 distinct ones); the API keeps the vectors "
                             "of the 16,384 most recent, so with few phrases its encoder runs on the first cycle only")
    parser.add_argument("--connections", type=int, default=32, help="the load generator's connection pool")
    parser.add_argument("--served-before", type=int, default=SERVED_BEFORE,
                        help="searches the API serves, unmeasured, before the search and max workloads measure; "
                             "0 measures a freshly started API, its query-vector cache empty")
    parser.add_argument("--query-vector-cache-mb", type=int,
                        default=Settings.model_fields["query_vector_cache_mb"].default,
                        help="the disk the API's processes share phrases' vectors in (MG_QUERY_VECTOR_CACHE_MB); 0: "
                             "each process keeps its own")
    parser.add_argument("--search-candidate-cache-mb", type=int,
                        default=Settings.model_fields["search_candidate_cache_mb"].default,
                        help="the disk the API's processes keep phrases' candidate lists in "
                             "(MG_SEARCH_CANDIDATE_CACHE_MB); 0: every search reads its candidates")
    parser.add_argument("--generate-load", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run(args: argparse.Namespace, bench_dir: Path, report: Report) -> None:
    settings = bench_settings(bench_dir / "store").model_copy(
        update={"embedded_startup_timeout_s": STORE_STARTUP_TIMEOUT_S, "recommend_refresh_s": args.refresh_s,
                "recommend_rebuild_share": args.rebuild_share, "recommend_rank_ahead": args.rank_ahead,
                "query_vector_cache_mb": args.query_vector_cache_mb,
                "search_candidate_cache_mb": args.search_candidate_cache_mb})
    store = embedded_server(settings)
    start = time.perf_counter()
    _, started = store.ensure_running()  # ours from here on, so that closing the loader's connection keeps it up
    if started:
        report.add("load", "start the embedded store (s)", f"{time.perf_counter() - start:.1f}")
    try:
        wanted = Loaded(args.titles, args.seed, args.users, as_of_ms=int(time.time() * 1000))
        uvloop.run(prepare_store(settings, bench_dir / "loaded.json", wanted, report))
        # a run starts with no phrase's vector or candidates kept, as a new API
        forget_cache_file(settings.query_vectors)
        forget_cache_file(settings.search_candidates)
        # The recommend workload keeps one worker: each worker builds a snapshot of its own (bench/README.md).
        for mode, workloads, workers in ((Mode.PRODUCTION, WORKLOADS, args.workers),
                                         (Mode.DEVELOPMENT, DEVELOPMENT_WORKLOADS, 1)):
            chosen = [bench for name, bench in workloads.items() if args.workload in (name, "all")]
            if chosen:
                with api_server(settings, bench_dir / "api.log", mode, workers) as server:
                    for bench in chosen:
                        bench(server, args, report)
    finally:
        if started:
            store.stop()


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.generate_load:
        run_load_generator()
        return
    print(f"Media Gateway API benchmark: {args.titles:,} titles, seed {args.seed}, {os.cpu_count()} cores "
          f"(the API, the store and the load generator share them), {args.duration:g} s per run after "
          f"{args.warmup:g} s of warm-up, {args.phrases:,} search phrases cycled")
    bench_dir = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="mg-bench-api-"))
    bench_dir.mkdir(parents=True, exist_ok=True)
    report = Report()
    try:
        run(args, bench_dir, report)
    finally:
        if args.keep is None:
            shutil.rmtree(bench_dir, ignore_errors=True)
    report.print_table()


if __name__ == "__main__":
    main()
