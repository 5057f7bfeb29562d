"""Small graphs with two clear taste clusters for the GraphSAGE tests: as arrays, and as a catalog in a store.

Users u-a* like titles t-a* (ratings of 4.5 and 5 stars) and dislike two t-b* titles (1 star); users u-b* the
other way round. Titles of a cluster share a genre, so the structure is there to be learnt from both sides.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mediagateway.graph.sage import TrainingGraph
from mediagateway.recommend.signals import rating_weight

CLUSTERS = ("a", "b")
AT_MS = 1_790_000_000_000


def title_ids(cluster: str, count: int = 20) -> list[str]:
    return [f"t-{cluster}{n}" for n in range(count)]


def user_ids(cluster: str, count: int = 20) -> list[str]:
    return [f"u-{cluster}{n}" for n in range(count)]


def ratings(users_per_cluster: int = 20, titles_per_cluster: int = 20, likes: int = 8, seed: int = 0
            ) -> list[tuple[str, str, float]]:
    """(user id, title id, stars) for both clusters."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[str, str, float]] = []
    for cluster, other in (("a", "b"), ("b", "a")):
        own, foreign = title_ids(cluster, titles_per_cluster), title_ids(other, titles_per_cluster)
        for user in user_ids(cluster, users_per_cluster):
            rows += [(user, own[i], float(rng.choice([4.5, 5.0])))
                     for i in rng.choice(titles_per_cluster, size=likes, replace=False)]
            rows += [(user, foreign[i], 1.0) for i in rng.choice(titles_per_cluster, size=2, replace=False)]
    return rows


def two_cluster_graph(users_per_cluster: int = 20, titles_per_cluster: int = 20, seed: int = 0) -> TrainingGraph:
    rows = ratings(users_per_cluster, titles_per_cluster, seed=seed)
    users = user_ids("a", users_per_cluster) + user_ids("b", users_per_cluster)
    titles = title_ids("a", titles_per_cluster) + title_ids("b", titles_per_cluster)
    user_at, title_at = {u: i for i, u in enumerate(users)}, {t: i for i, t in enumerate(titles)}
    return TrainingGraph.from_arrays(
        users, titles,
        [user_at[u] for u, _, _ in rows], [title_at[t] for _, t, _ in rows], [rating_weight(s) for _, _, s in rows],
        genre_ids=["genre-a", "genre-b"],
        title_genre=np.array([[title_at[t] for t in titles], [0 if t.startswith("t-a") else 1 for t in titles]]),
    )


async def load_catalog(repository: Any, users_per_cluster: int = 20, titles_per_cluster: int = 20) -> None:
    """The same two clusters as titles, genres, users and ratings in a store."""
    await repository.upsert_genres([{"id": f"genre-{c}", "name": f"Genre {c.upper()}"} for c in CLUSTERS])
    await repository.upsert_contents(
        {"id": t, "kind": "movie", "title": f"Title {t}", "genres": [f"genre-{c}"]}
        for c in CLUSTERS for t in title_ids(c, titles_per_cluster)
    )
    await repository.upsert_users({"id": u} for c in CLUSTERS for u in user_ids(c, users_per_cluster))
    await repository.upsert_interactions(
        {"user_id": u, "content_id": t, "signal": "rating", "rating": stars, "at": AT_MS + n}
        for n, (u, t, stars) in enumerate(ratings(users_per_cluster, titles_per_cluster))
    )
