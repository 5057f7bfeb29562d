"""Query-time text encoding: milliseconds per single query, sentence-transformers against the ONNX encoder.

    .venv/bin/python bench/bench_query_encoder.py                # 200 viewer queries, one at a time
    .venv/bin/python bench/bench_query_encoder.py --batches      # and batches of 64 title texts (the embed job)

The queries are `user_queries` of the generated catalog: short phrases a viewer would type, some repeated. Each
encoder first encodes 20 other queries to warm up. Measured:

- sentence-transformers (`TextEncoder`, the embed job's encoder; torch uses every core);
- the ONNX encoder (`QueryEncoder`, `MG_QUERY_ENCODER_THREADS` threads, 1 by default) with its cache off: every
  query runs the network;
- the same with its cache: the first pass over the 200 queries (hits only where a query repeats) and a second pass
  (every query a hit);
- the cache file the API's processes share vectors through (`SharedVectors`, resolvers/query_vectors.py): a write
  of each query's vector, then a read of it.

The encoders take each query in turn (and each batch, with --batches), so load from elsewhere on a shared machine
falls on all of them alike.

The ONNX export is made in a temporary data directory, so its time (the first start of a service) is printed too,
and then the time to build an encoder from the cached file (every later start).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

from mediagateway.graph.embeddings import TextEncoder, embedding_text
from mediagateway.graph.query_encoder import QueryEncoder
from mediagateway.ingest.demo import load_titles
from mediagateway.ingest.generate import user_queries
from mediagateway.resolvers.query_vectors import SharedVectors
from mediagateway.settings import Settings

WARMUP = 20
BATCH = 64
T = TypeVar("T")


def per_call_ms(encoders: dict[str, Callable[[T], object]], texts: Sequence[T]) -> dict[str, np.ndarray]:
    """Each text through every encoder in turn, so a burst of load from elsewhere falls on all of them alike."""
    samples: dict[str, list[float]] = {label: [] for label in encoders}
    for text in texts:
        for label, encode in encoders.items():
            started = time.perf_counter()
            encode(text)
            samples[label].append((time.perf_counter() - started) * 1000)
    return {label: np.asarray(values) for label, values in samples.items()}


def report(label: str, samples_ms: np.ndarray) -> None:
    p50, p99 = np.percentile(samples_ms, [50, 99])
    print(f"{label:<44} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   mean {samples_ms.mean():7.3f} ms")


def cosine_floor(a: Sequence[Sequence[float]], b: Sequence[Sequence[float]]) -> float:
    x, y = np.asarray(a), np.asarray(b)
    return float(((x * y).sum(axis=1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))).min())


def timed_build(settings: Settings, **kwargs: int) -> tuple[QueryEncoder, float]:
    started = time.perf_counter()
    encoder = QueryEncoder.from_settings(settings, **kwargs)
    return encoder, time.perf_counter() - started


def bench_queries(settings: Settings, queries: list[str], warmup: list[str]) -> None:
    _, export_s = timed_build(settings)
    uncached, load_s = timed_build(settings, cache_size=0)
    print(f"ONNX encoder: first start (export) {export_s:.1f} s, later starts (cached file) {load_s:.2f} s")
    print(f"{len(queries)} queries, {len(set(queries))} distinct; ONNX threads {uncached.threads}")

    sentence_transformers = TextEncoder()
    cached, _ = timed_build(settings)
    encoders: dict[str, Callable[[str], object]] = {
        "sentence-transformers": lambda text: sentence_transformers.encode([text]),
        "ONNX, cache off": uncached.encode_one,
        "ONNX with cache, first pass": cached.encode_one,
    }
    per_call_ms(encoders, warmup)
    for label, samples in per_call_ms(encoders, queries).items():
        report(label, samples)
    second_pass = per_call_ms({"ONNX with cache, second pass": cached.encode_one}, queries)
    report("ONNX with cache, second pass", second_pass["ONNX with cache, second pass"])
    print(f"  cache: {cached.cache_info()}")

    similarity = cosine_floor([uncached.encode_one(q) for q in queries], sentence_transformers.encode(queries))
    print(f"lowest cosine to sentence-transformers over the queries: {similarity:.6f}")
    bench_shared(settings, cached, queries)


def bench_shared(settings: Settings, encoder: QueryEncoder, queries: list[str]) -> None:
    shared = SharedVectors(settings.query_vectors, encoder.fingerprint, settings.query_vector_cache_mb)
    vectors = {encoder.tokens(query): encoder.encode_one(query) for query in queries}
    operations: dict[str, Callable[[tuple[int, ...]], object]] = {
        "shared cache file, write": lambda tokens: shared.put(tokens, vectors[tokens]),
        "shared cache file, read": shared.get,  # each phrase's read just after its write
    }
    for label, samples in per_call_ms(operations, list(vectors)).items():
        report(label, samples)
    shared.close()


def bench_batches(settings: Settings, threads: int) -> None:
    texts = [embedding_text(t["title"], t.get("year"), t.get("synopsis"), t.get("genres", [])) for t in load_titles()]
    batches = [texts[start:start + BATCH] for start in range(0, len(texts) - BATCH + 1, BATCH)]
    sentence_transformers = TextEncoder(batch_size=BATCH)
    onnx = QueryEncoder.from_settings(settings.model_copy(update={"query_encoder_threads": threads}))
    print(f"\n{len(batches)} batches of {BATCH} demo title texts; ONNX threads {onnx.threads}")
    encoders = {"sentence-transformers": sentence_transformers.encode, "ONNX": onnx.encode}
    seconds = dict.fromkeys(encoders, 0.0)
    for encode in encoders.values():
        encode(batches[0])
    for batch in batches:  # in turn, as for the queries
        for label, encode in encoders.items():
            started = time.perf_counter()
            encode(batch)
            seconds[label] += time.perf_counter() - started
    for label, total in seconds.items():
        rate, per_batch_ms = len(batches) * BATCH / total, total / len(batches) * 1000
        print(f"{label:<24} {rate:6.0f} texts/s   {per_batch_ms:7.1f} ms a batch")
    similarity = cosine_floor(onnx.encode(batches[0]), sentence_transformers.encode(batches[0]))
    print(f"lowest cosine to sentence-transformers over a batch: {similarity:.6f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batches", action="store_true", help="also batches of 64 title texts, as the embed job")
    parser.add_argument("--batch-threads", type=int, default=2, help="ONNX threads for the batches")
    args = parser.parse_args()

    queries = user_queries(args.seed, args.queries)
    warmup = user_queries(args.seed + 1, WARMUP)
    with tempfile.TemporaryDirectory(prefix="mg-bench-") as scratch:
        settings = Settings(data_dir=Path(scratch), model_cache_dir=Path(scratch) / "models")  # export made here
        bench_queries(settings, queries, warmup)
        if args.batches:
            bench_batches(settings, args.batch_threads)


if __name__ == "__main__":
    main()
