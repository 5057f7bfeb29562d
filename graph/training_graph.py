"""What GraphSAGE trains on: users, titles, people, genres and moods as contiguous indexes, and the edges between
them as index arrays. Built from the live graph (`training_graph_from_store`) or from plain arrays
(`TrainingGraph.from_arrays`, for an evaluation run over a data set that never went into a graph).

Interactions carry a weight from `recommend.signals.weight`: positive is evidence for the title, negative against;
0 says neither and is dropped. A user with several interactions with one title (a rating and a watch, say) has
one edge, weighed by the strongest of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from mediagateway.graph.model import Signal
from mediagateway.graph.queries import Query
from mediagateway.graph.store import GraphStore
from mediagateway.recommend.signals import DISLIKED_BELOW, LIKED_FROM, weight

MIN_INTERACTIONS = 10
MIN_USERS = 2
_READ_BATCH = 500


class NotEnoughToTrain(ValueError):
    """The graph is too small to train on: too few interactions or users."""


def _index_array(values: ArrayLike | None, name: str) -> np.ndarray:
    array = np.zeros(0, dtype=np.int64) if values is None else np.asarray(values)
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must be a 1-d array of integer indexes, got {array.dtype} of shape {array.shape}")
    return array.astype(np.int64)


def _pairs(values: ArrayLike | None, name: str, titles: int, others: int, other_name: str) -> np.ndarray:
    """[2, n] (title index, other index) pairs, checked and without duplicates."""
    array = np.zeros((2, 0), dtype=np.int64) if values is None else np.asarray(values)
    if array.size == 0:
        return np.zeros((2, 0), dtype=np.int64)
    if array.ndim != 2 or array.shape[0] != 2 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must be [2, n] integer (title index, {other_name} index) pairs, "
                         f"got {array.dtype} of shape {array.shape}")
    _check_indexes(array[0], titles, f"{name}[0] (title)")
    _check_indexes(array[1], others, f"{name}[1] ({other_name})")
    return np.unique(array.astype(np.int64), axis=1)


def _check_indexes(indexes: np.ndarray, size: int, name: str) -> None:
    if indexes.size and (indexes.min() < 0 or indexes.max() >= size):
        bad = indexes[(indexes < 0) | (indexes >= size)][0]
        raise ValueError(f"{name}: index {bad} is out of range for {size} ids")


def _check_ids(ids: Sequence[str], name: str) -> list[str]:
    listed = [str(i) for i in ids]
    seen: set[str] = set()
    for value in listed:
        if value in seen:
            raise ValueError(f"{name}: {value!r} appears twice")
        seen.add(value)
    return listed


def strongest_per_pair(users: np.ndarray, titles: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, ...]:
    """One edge per (user, title), weighed by the interaction of largest magnitude (evidence for wins a tie);
    weights of 0 dropped. Sorted by user, then title."""
    said = weights != 0
    users, titles, weights = users[said], titles[said], weights[said]
    order = np.lexsort((weights, np.abs(weights), titles, users))
    users, titles, weights = users[order], titles[order], weights[order]
    last_of_pair = np.ones(users.size, dtype=bool)
    last_of_pair[:-1] = (users[1:] != users[:-1]) | (titles[1:] != titles[:-1])
    return users[last_of_pair], titles[last_of_pair], weights[last_of_pair]


@dataclass
class TrainingGraph:
    """Everything as contiguous indexes: `user_ids[i]` is user i, and so on. Interactions are three aligned arrays
    (user index, title index, weight), one per (user, title), no zero weights. `title_person`, `title_genre`
    and `title_mood` are [2, n] (title index, other index). `title_text` is [titles, d]: the titles' text
    embeddings, a row of zeros where a title has none; None when no title has one."""

    user_ids: list[str]
    title_ids: list[str]
    person_ids: list[str]
    genre_ids: list[str]
    mood_ids: list[str]
    interaction_users: np.ndarray
    interaction_titles: np.ndarray
    interaction_weights: np.ndarray
    title_person: np.ndarray
    title_genre: np.ndarray
    title_mood: np.ndarray
    title_text: np.ndarray | None = None

    @classmethod
    def from_arrays(
        cls,
        user_ids: Sequence[str],
        title_ids: Sequence[str],
        interaction_users: ArrayLike,
        interaction_titles: ArrayLike,
        interaction_weights: ArrayLike,
        *,
        person_ids: Sequence[str] = (),
        genre_ids: Sequence[str] = (),
        mood_ids: Sequence[str] = (),
        title_person: ArrayLike | None = None,
        title_genre: ArrayLike | None = None,
        title_mood: ArrayLike | None = None,
        title_text: ArrayLike | None = None,
    ) -> TrainingGraph:
        """A checked graph from index arrays; a ValueError names the first argument that is wrong.

        Weights come from `recommend.signals.weight` and must lie in [-1, 1]; zeros are dropped and several
        interactions of one user with one title become one edge, weighed by the strongest."""
        users_listed, titles_listed = _check_ids(user_ids, "user_ids"), _check_ids(title_ids, "title_ids")
        users = _index_array(interaction_users, "interaction_users")
        titles = _index_array(interaction_titles, "interaction_titles")
        weights = np.asarray(interaction_weights, dtype=np.float64).reshape(-1)
        if not users.size == titles.size == weights.size:
            raise ValueError(f"interaction_users, interaction_titles and interaction_weights must have one length, "
                             f"got {users.size}, {titles.size} and {weights.size}")
        _check_indexes(users, len(users_listed), "interaction_users")
        _check_indexes(titles, len(titles_listed), "interaction_titles")
        if weights.size and (not np.all(np.isfinite(weights)) or np.abs(weights).max() > 1):
            raise ValueError("interaction_weights must be finite and within [-1, 1]")
        users, titles, weights = strongest_per_pair(users, titles, weights)
        people, genres, moods = (_check_ids(ids, name) for ids, name in
                                 ((person_ids, "person_ids"), (genre_ids, "genre_ids"), (mood_ids, "mood_ids")))
        return cls(
            user_ids=users_listed,
            title_ids=titles_listed,
            person_ids=people,
            genre_ids=genres,
            mood_ids=moods,
            interaction_users=users,
            interaction_titles=titles,
            interaction_weights=weights.astype(np.float32),
            title_person=_pairs(title_person, "title_person", len(titles_listed), len(people), "person"),
            title_genre=_pairs(title_genre, "title_genre", len(titles_listed), len(genres), "genre"),
            title_mood=_pairs(title_mood, "title_mood", len(titles_listed), len(moods), "mood"),
            title_text=_text_features(title_text, len(titles_listed)),
        )

    @property
    def num_nodes(self) -> dict[str, int]:
        return {"user": len(self.user_ids), "title": len(self.title_ids), "person": len(self.person_ids),
                "genre": len(self.genre_ids), "mood": len(self.mood_ids)}

    @property
    def text_dim(self) -> int:
        return 0 if self.title_text is None else int(self.title_text.shape[1])

    def check_trainable(self) -> None:
        """Raise `NotEnoughToTrain`, saying what is missing, unless there is enough to learn from."""
        interactions = int(self.interaction_users.size)
        users = int(np.unique(self.interaction_users).size)
        if interactions < MIN_INTERACTIONS or users < MIN_USERS:
            raise NotEnoughToTrain(
                f"not enough to train GraphSAGE on: {interactions} interaction(s) from {users} user(s) over "
                f"{len(self.title_ids)} title(s); it needs at least {MIN_INTERACTIONS} interactions (ratings of "
                f"{LIKED_FROM} stars or more, or of {DISLIKED_BELOW} or less, watches, clicks or skips) from at "
                f"least {MIN_USERS} users"
            )


def _text_features(values: ArrayLike | None, titles: int) -> np.ndarray | None:
    if values is None:
        return None
    array = np.asarray(values, dtype=np.float32)
    if array.ndim != 2 or array.shape[0] != titles:
        raise ValueError(f"title_text must be [titles, dimension] = [{titles}, d], got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError("title_text contains NaN or infinity")
    return array


# --- from the live graph -----------------------------------------------------------------------------------------


def interaction_weight(row: dict[str, Any]) -> float:
    """The weight of one stored interaction edge (RATED, WATCHED or INTERACTED) as the gnn statements return it."""
    kind = row["type"]
    if kind == "RATED":
        # A stored rating may be above five stars (the input model takes up to 10): as strong as evidence gets.
        return max(-1.0, min(1.0, weight(Signal.RATING, row["rating"])))
    if kind == "WATCHED":
        return weight(Signal.WATCH_COMPLETE if row["completed"] else Signal.WATCH_START)
    return weight(row["signal"])


class _Index:
    """Ids in the order first seen, each with its contiguous index."""

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self.positions: dict[str, int] = {}
        for value in ids:
            self.add(value)

    def add(self, value: str) -> int:
        return self.positions.setdefault(value, len(self.positions))

    @property
    def ids(self) -> list[str]:
        return list(self.positions)


async def training_graph_from_store(store: GraphStore, batch_size: int = _READ_BATCH) -> TrainingGraph:
    """Every title with its people, genres, moods and text embedding, and every user with their interactions."""
    titles = _Index(row["id"] for row in await store.read(Query.GNN_TITLE_IDS))
    people, genres, moods = _Index(), _Index(), _Index()
    links: dict[str, list[tuple[int, int]]] = {"person": [], "genre": [], "mood": []}
    text: dict[int, list[float]] = {}
    title_ids = titles.ids
    for start in range(0, len(title_ids), batch_size):
        rows = await store.read(Query.GNN_TITLE_FEATURES, {"ids": title_ids[start : start + batch_size]})
        for row in rows:
            title = titles.positions[row["id"]]
            links["person"] += [(title, people.add(i)) for i in row["people"]]
            links["genre"] += [(title, genres.add(i)) for i in row["genres"]]
            links["mood"] += [(title, moods.add(i)) for i in row["moods"]]
            if row["text_embedding"]:
                text[title] = row["text_embedding"]
    users = _Index(row["id"] for row in await store.read(Query.GNN_USER_IDS))
    user_ids = users.ids
    interactions: list[tuple[int, int, float]] = []
    for start in range(0, len(user_ids), batch_size):
        rows = await store.read(Query.GNN_INTERACTIONS_OF_USERS, {"ids": user_ids[start : start + batch_size]})
        interactions += [(users.positions[row["user_id"]], titles.positions[row["content_id"]],
                          interaction_weight(row)) for row in rows if row["content_id"] in titles.positions]
    edges = np.array(interactions, dtype=np.float64).reshape(-1, 3)
    return TrainingGraph.from_arrays(
        user_ids, title_ids, edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64), edges[:, 2],
        person_ids=people.ids, genre_ids=genres.ids, mood_ids=moods.ids,
        title_person=_link_array(links["person"]), title_genre=_link_array(links["genre"]),
        title_mood=_link_array(links["mood"]), title_text=_text_matrix(text, len(title_ids)),
    )


def _link_array(pairs: list[tuple[int, int]]) -> np.ndarray:
    return np.array(pairs, dtype=np.int64).reshape(-1, 2).T


def _text_matrix(vectors: dict[int, list[float]], titles: int) -> np.ndarray | None:
    if not vectors:
        return None
    dimension = len(next(iter(vectors.values())))
    matrix = np.zeros((titles, dimension), dtype=np.float32)
    for title, vector in vectors.items():
        if len(vector) == dimension:
            matrix[title] = vector
    return matrix
