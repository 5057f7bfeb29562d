"""Recommendation benchmark: the live recommender (`recommend/service.py`) on the API benchmark's kept store.

Targets (issue): `recommendations` p50 <= 30 ms, p99 <= 80 ms on 100,000 titles with 10,000 users. This measures
the recommender in process (no HTTP, no GraphQL): where the time of one answer goes. `bench_api.py --workload
recommend` measures what a client sees over GraphQL. The kept store is the one `bench_api.py --keep DIR` loads
(10,000 users by default); start it first with `MG_DATA_DIR=DIR/store .venv/bin/mediagateway db start`, since it
takes about two minutes to load.

    .venv/bin/python bench/bench_recommend.py --keep DIR [--users 100]

Prints how long building the recommender takes (its snapshot of the graph), then p50 / p99 of one viewer's
recommendations and the median time of each Cypher statement they run.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

from threadpoolctl import threadpool_limits

from mediagateway.graph.connect import open_store
from mediagateway.graph.queries import Query
from mediagateway.recommend.service import RecommendationRequest, Recommender
from mediagateway.settings import Backend, Settings

GRAPH = "mediagateway_bench"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def measure(data_dir: Path, users: int) -> None:
    settings = Settings(backend=Backend.EMBEDDED, redis_url=None, data_dir=data_dir, graph_name=GRAPH)
    threadpool_limits(settings.blas_threads, user_api="blas")  # as the API process does
    runtime = await open_store(settings, bootstrap=False)
    statements: dict[str, list[float]] = {}
    runtime.store.add_observer(lambda name, seconds, ok: statements.setdefault(name, []).append(seconds * 1e3))
    try:
        started = time.perf_counter()
        recommender = await Recommender.build(runtime.store)
        print(f"building the recommender (graph snapshot): {time.perf_counter() - started:.1f} s")
        everyone = [row["id"] for row in await runtime.store.read(Query.GNN_USER_IDS)]
        viewers = everyone[:: max(1, len(everyone) // users)][:users]
        statements.clear()
        latencies = []
        for viewer in viewers:
            started = time.perf_counter()
            await recommender.recommend(viewer, RecommendationRequest(k=20))
            latencies.append((time.perf_counter() - started) * 1e3)
        print(f"recommendations for {len(viewers)} viewers, 20 each: "
              f"p50 {percentile(latencies, 0.5):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms "
              "[targets over GraphQL: p50 <= 30 ms, p99 <= 80 ms]")
        for name, times in sorted(statements.items(), key=lambda item: -statistics.median(item[1])):
            print(f"  {name:40s} median {statistics.median(times):8.1f} ms  ({len(times)} runs)")
    finally:
        await runtime.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, required=True, help="the directory bench_api.py --keep loaded")
    parser.add_argument("--users", type=int, default=100, help="viewers to recommend for")
    arguments = parser.parse_args()
    asyncio.run(measure(arguments.keep / "store", arguments.users))


if __name__ == "__main__":
    main()
