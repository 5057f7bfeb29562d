"""GraphSAGE benchmark: training on MovieLens latest-small, and a user's inductive embedding at query time.

Training: ratings become interactions weighed by `recommend.signals.weight` (middling ratings weigh 0 and are
dropped), genres come from movies.csv; the graph is built with `TrainingGraph.from_arrays`, without a store.
Reported: epochs, wall time, peak memory (ru_maxrss) and validation AUC and loss.

Query time: `SageModel.embed_user` for users with 20 interactions, and the whole refresh
(`refresh_user_embedding`: the Cypher read of the user's neighbourhood, the embedding, the write of the vector)
against an embedded store started in a temporary directory and loaded with the movies and those users' ratings.
Target: p50 <= 10 ms for the whole refresh.

Run from the repository root, with the data set unpacked next to the repository (never inside it):

    .venv/bin/python bench/bench_sage.py --movielens ../shared/data/ml-latest-small
    .venv/bin/python bench/bench_sage.py --movielens DIR --max-epochs 10 --batches-per-epoch 100 --layers 3
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from mediagateway.graph.connect import embedded_server, open_store
from mediagateway.graph.repository import GraphRepository
from mediagateway.graph.sage import SageConfig, SageModel, TrainingGraph, train
from mediagateway.graph.user_embedding import neighbourhood_params, refresh_user_embedding
from mediagateway.recommend.signals import rating_weight
from mediagateway.settings import Backend, Settings

NO_GENRE = "(no genres listed)"
INTERACTIONS_PER_USER = 20


def movielens_graph(directory: Path) -> tuple[TrainingGraph, dict[str, str], list[tuple[str, str, float, int]]]:
    """The training graph, movie titles by id, and the ratings as (user id, title id, stars, epoch ms)."""
    titles: dict[str, str] = {}
    genres_of: dict[str, list[str]] = {}
    with (directory / "movies.csv").open(newline="", encoding="utf-8") as movies:
        for row in csv.DictReader(movies):
            title_id = f"movielens:{row['movieId']}"
            titles[title_id] = row["title"]
            genres_of[title_id] = [g for g in row["genres"].split("|") if g and g != NO_GENRE]
    ratings: list[tuple[str, str, float, int]] = []
    with (directory / "ratings.csv").open(newline="", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            ratings.append((f"user:{row['userId']}", f"movielens:{row['movieId']}", float(row["rating"]),
                            int(row["timestamp"]) * 1000))
    title_ids = list(titles)
    user_ids = sorted({user for user, _, _, _ in ratings})
    genre_ids = sorted({genre for genres in genres_of.values() for genre in genres})
    title_at = {title_id: i for i, title_id in enumerate(title_ids)}
    user_at = {user_id: i for i, user_id in enumerate(user_ids)}
    genre_at = {genre: i for i, genre in enumerate(genre_ids)}
    title_genre = [(title_at[t], genre_at[g]) for t, genres in genres_of.items() for g in genres]
    graph = TrainingGraph.from_arrays(
        user_ids, title_ids,
        [user_at[u] for u, _, _, _ in ratings], [title_at[t] for _, t, _, _ in ratings],
        [rating_weight(stars) for _, _, stars, _ in ratings],
        genre_ids=genre_ids, title_genre=np.array(title_genre).T,
    )
    return graph, titles, ratings


def peak_memory_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(samples_s: Sequence[float]) -> str:
    ordered = sorted(samples_s)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return f"p50 {statistics.median(ordered) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms"


def time_embed_user(model: SageModel, ratings: list[tuple[str, str, float, int]], users: list[str],
                    repeats: int) -> list[float]:
    by_user: dict[str, list[tuple[str, float]]] = {}
    for user, title, stars, _ in ratings:
        if user in users and rating_weight(stars) != 0:
            by_user.setdefault(user, []).append((title, rating_weight(stars)))
    samples = []
    for _ in range(repeats):
        for user in users:
            interactions = by_user[user][:INTERACTIONS_PER_USER]
            started = time.perf_counter()
            model.embed_user(interactions)
            samples.append(time.perf_counter() - started)
    return samples


async def time_refresh(model: SageModel, titles: dict[str, str], ratings: list[tuple[str, str, float, int]],
                       users: list[str], repeats: int) -> tuple[list[float], list[float]]:
    """Whole refreshes and, apart, their Cypher reads; against a store holding the movies and `users`' ratings."""
    with tempfile.TemporaryDirectory(prefix="mg-bench-") as scratch:
        settings = Settings(backend=Backend.EMBEDDED, redis_url=None, data_dir=Path(scratch), graph_name="bench_sage")
        server = embedded_server(settings)
        server.ensure_running()
        try:
            runtime = await open_store(settings)
            repository = GraphRepository(runtime.store)
            await load_users(repository, titles, ratings, users)
            refreshes, reads = [], []
            for _ in range(repeats):
                for user in users:
                    started = time.perf_counter()
                    await refresh_user_embedding(runtime.store, model, user)
                    refreshes.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    await runtime.store.read(*neighbourhood_params(model, user))
                    reads.append(time.perf_counter() - started)
            await runtime.store.close()
            return refreshes, reads
        finally:
            server.stop()


async def load_users(repository: GraphRepository, titles: dict[str, str],
                     ratings: list[tuple[str, str, float, int]], users: list[str]) -> None:
    await repository.upsert_contents({"id": t, "kind": "movie", "title": name} for t, name in titles.items())
    await repository.upsert_users({"id": u} for u in users)
    chosen = set(users)
    await repository.upsert_interactions(
        {"user_id": u, "content_id": t, "signal": "rating", "rating": stars, "at": at}
        for u, t, stars, at in ratings if u in chosen
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--movielens", type=Path, required=True, help="the ml-latest-small directory")
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--max-epochs", type=int, default=SageConfig.max_epochs)
    parser.add_argument("--batches-per-epoch", type=int, default=None)
    parser.add_argument("--patience", type=int, default=SageConfig.patience)
    parser.add_argument("--users", type=int, default=50, help="users timed for embed_user and the refresh")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-store", action="store_true", help="time embed_user alone, without the store")
    args = parser.parse_args(argv)
    if not (args.movielens / "ratings.csv").is_file():
        sys.exit(f"no ratings.csv in {args.movielens}")

    started = time.perf_counter()
    graph, titles, ratings = movielens_graph(args.movielens)
    print(f"graph: {len(graph.user_ids):,} users, {len(graph.title_ids):,} titles, {len(graph.genre_ids)} genres, "
          f"{graph.interaction_users.size:,} weighted interactions ({int((graph.interaction_weights < 0).sum()):,} "
          f"against) of {len(ratings):,} ratings; read in {time.perf_counter() - started:.1f}s")

    config = SageConfig(layers=args.layers, max_epochs=args.max_epochs, batches_per_epoch=args.batches_per_epoch,
                        patience=args.patience)
    print(f"config: {asdict(config)}")
    epoch_started = [time.perf_counter()]

    def show(epoch: int, loss: float) -> None:
        now = time.perf_counter()
        print(f"  epoch {epoch}: validation loss {loss:.4f} ({now - epoch_started[0]:.1f}s)", flush=True)
        epoch_started[0] = now

    model = train(graph, config, show)
    metrics = model.metrics
    print(f"training: {metrics.epochs} epochs (best {metrics.best_epoch}, stopped early: {metrics.stopped_early}), "
          f"{metrics.wall_time_s:.1f}s, validation AUC {metrics.validation_auc:.4f}, "
          f"loss {metrics.best_validation_loss:.4f}; {metrics.training_edges:,} training edges, "
          f"{metrics.validation_edges:,} validation; peak memory {peak_memory_mib():,.0f} MiB")

    counts: dict[str, int] = {}
    for user, _, stars, _ in ratings:
        counts[user] = counts.get(user, 0) + (rating_weight(stars) != 0)
    users = [u for u in sorted(counts) if counts[u] >= INTERACTIONS_PER_USER][: args.users]
    embed = time_embed_user(model, ratings, users, args.repeats)
    print(f"embed_user, {INTERACTIONS_PER_USER} interactions, {len(embed)} calls: {percentiles(embed)}")
    if not args.skip_store:
        refreshes, reads = asyncio.run(time_refresh(model, titles, ratings, users, args.repeats))
        print(f"refresh_user_embedding (read, embed, write), {len(refreshes)} calls: {percentiles(refreshes)}")
        print(f"  of which the neighbourhood read: {percentiles(reads)}")
    print(f"peak memory {peak_memory_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
