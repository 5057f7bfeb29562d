"""What the recommenders learn from: the titles' facts and every viewer's interactions, held as arrays.

`RecommendationData` is read from the graph (`load`, through cypher/recommend/*_page.cypher) or built from records
(`build`). Each (viewer, title) pair folds the pair's interaction edges into a `Taste`:

- engagement: how strongly the viewer chose the title, the sum over the pair's edges. A finished watch weighs 1, a
  started one 0.5, a click 0.25, a skip nothing; a rating weighs its signal weight (recommend/signals.py) but at
  least a started watch, whatever the stars, since a rated title was watched. The collaborative walk, popularity
  and item-kNN count engagement.
- evidence: the signal weight of the strongest edge (for wins a tie), negative for evidence against: what taste
  profiles and the GraphSAGE model use (graph/training_graph.py folds pairs the same way).
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from mediagateway.graph.model import Interaction, Signal
from mediagateway.graph.queries import Query
from mediagateway.graph.repository import GraphRepository
from mediagateway.graph.store import GraphStore
from mediagateway.recommend import signals
from mediagateway.recommend.filters import Window, WindowSnapshot, read_platform_names

RECOMMENDABLE_KINDS = ("movie", "show")
MIN_VIEWERS = 2
MIN_TITLES = 2
MIN_INTERACTIONS = 10
_PAGE = 100

Floats = npt.NDArray[np.float64]
Indexes = npt.NDArray[np.int64]
LoadProgress = Callable[[str, int], None]
"""Told while loading: what is being read ("titles", "viewers") and how many so far."""


class NotEnoughData(ValueError):
    """Too few viewers, titles or interactions to recommend from; the message says what there is and what is needed."""


def engagement(signal: Signal | str, rating: float | None = None) -> float:
    """How strongly one interaction shows the viewer chose the title (see the module's docstring)."""
    signal = Signal(signal)
    if signal is Signal.SKIP:
        return 0.0
    if signal is Signal.RATING:
        return max(signals.weight(signal, rating), signals.WATCH_START)
    return signals.weight(signal)


def engagement_params() -> dict[str, float]:
    """The engagement weights as the Cypher statements take them (cypher/recommend/co_occurrence.cypher): a rating
    from `liked_from` stars up is linear from `liked_base` to `liked_base + liked_span` at `top_stars`."""
    top_stars = 5.0
    liked_base = signals.rating_weight(signals.LIKED_FROM)
    return {
        "liked_from": signals.LIKED_FROM,
        "liked_base": liked_base,
        "liked_span": signals.rating_weight(top_stars) - liked_base,
        "top_stars": top_stars,
        "watch_complete": signals.WATCH_COMPLETE,
        "watch_start": signals.WATCH_START,
        "click": signals.CLICK,
    }


@dataclass(frozen=True)
class Touch:
    """One interaction edge of a viewer with a title."""

    title_id: str
    signal: Signal
    at: int
    rating: float | None = None

    @classmethod
    def from_edge(cls, title_id: str, edge_type: str, rating: float | None, completed: bool | None,
                  signal: str | None, at: int | None) -> Touch:
        """An edge as the graph stores it: RATED (rating), WATCHED (completed) or INTERACTED (signal)."""
        if edge_type == "RATED":
            return cls(title_id, Signal.RATING, at or 0, rating)
        if edge_type == "WATCHED":
            return cls(title_id, Signal.WATCH_COMPLETE if completed else Signal.WATCH_START, at or 0)
        return cls(title_id, Signal(signal), at or 0)


@dataclass(frozen=True)
class Taste:
    """What a viewer's interactions with one title say (see the module's docstring)."""

    engagement: float
    evidence: float
    at: int
    stars: float | None = None
    finished: bool = False


def fold(touches: Iterable[Touch]) -> dict[str, Taste]:
    """Each title's edges folded into one `Taste`."""
    by_title: dict[str, list[Touch]] = {}
    for touch in touches:
        by_title.setdefault(touch.title_id, []).append(touch)
    return {title_id: _taste(edges) for title_id, edges in by_title.items()}


def _taste(edges: Sequence[Touch]) -> Taste:
    weights = [signals.weight(e.signal, e.rating) for e in edges]
    rated = [e for e in edges if e.signal is Signal.RATING]
    return Taste(
        engagement=math.fsum(engagement(e.signal, e.rating) for e in edges),  # exact: the same in any edge order
        evidence=max(weights, key=lambda w: (abs(w), w)),
        at=max(e.at for e in edges),
        stars=max(rated, key=lambda e: e.at).rating if rated else None,
        finished=any(e.signal is Signal.WATCH_COMPLETE for e in edges),
    )


@dataclass(frozen=True)
class Viewer:
    """Someone asking for recommendations: what they have interacted with, where they are, what they pay for."""

    id: str
    tastes: Mapping[str, Taste] = field(default_factory=dict)
    region_id: str | None = None
    subscriptions: tuple[str, ...] = ()

    @property
    def seen(self) -> frozenset[str]:
        return frozenset(self.tastes)

    @property
    def last_seen_at(self) -> int | None:
        return max((t.at for t in self.tastes.values()), default=None)

    @classmethod
    def from_interactions(cls, user_id: str, interactions: Iterable[Interaction], region_id: str | None = None,
                          subscriptions: Sequence[str] = ()) -> Viewer:
        touches = [Touch.from_edge(i.content_id, i.type, i.rating, i.completed, i.signal, i.at) for i in interactions]
        return cls(user_id, fold(touches), region_id, tuple(subscriptions))


@dataclass(frozen=True)
class TitleFacts:
    id: str
    kind: str = "movie"
    title: str | None = None
    year: int | None = None
    runtime_minutes: int | None = None
    genres: tuple[str, ...] = ()
    moods: tuple[str, ...] = ()


class Catalog:
    """The titles as arrays, in id order: row i of every array is `ids[i]`."""

    def __init__(self, titles: Iterable[TitleFacts], text_vectors: Mapping[str, Floats] | None = None) -> None:
        """`text_vectors`: the titles' text embeddings by title id, for those that have one."""
        self.facts = sorted(titles, key=lambda t: t.id)
        self.ids = [t.id for t in self.facts]
        self.index = {title_id: i for i, title_id in enumerate(self.ids)}
        if len(self.index) != len(self.ids):
            duplicate = next(i for n, i in enumerate(self.ids) if i in self.ids[:n])
            raise ValueError(f"titles: {duplicate!r} appears twice")
        self.recommendable = np.array([t.kind in RECOMMENDABLE_KINDS for t in self.facts], dtype=bool)
        self.years = np.array([t.year or 0 for t in self.facts], dtype=np.int64)
        self.runtimes = np.array([t.runtime_minutes or 0 for t in self.facts], dtype=np.int64)
        # A matrix, not tuples on the facts: as tuples they would be 384 Python floats a title, which the garbage
        # collector walks on every full collection (seconds at 100,000 titles).
        self.text_vectors = _text_matrix(self.ids, text_vectors or {})

    def __len__(self) -> int:
        return len(self.ids)

    def name(self, title_id: str) -> str:
        facts = self.facts[self.index[title_id]]
        return facts.title or title_id

    def indexes_of(self, title_ids: Iterable[str]) -> Indexes:
        return np.array([self.index[t] for t in title_ids if t in self.index], dtype=np.int64)


def _text_matrix(ids: Sequence[str], given: Mapping[str, Floats]) -> Floats | None:
    """[titles, d] text embeddings in the order of `ids`, zeros where a title has none; None when none has one."""
    dimension = next((len(v) for v in given.values() if len(v)), 0)
    if not dimension:
        return None
    matrix = np.zeros((len(ids), dimension), dtype=np.float64)
    for row, title_id in enumerate(ids):
        vector = given.get(title_id)
        if vector is not None and len(vector) == dimension:
            matrix[row] = vector
    return matrix


class TitleCredits:
    """Who made each title of a catalog (directed, wrote, acted in): for catalog row i, the people and roles at
    `offsets[i]:offsets[i + 1]` of `people` (codes into `person_names`) and `roles` (indexes into `ROLES`)."""

    ROLES = ("DIRECTED", "WROTE", "ACTED_IN")

    def __init__(self, catalog: Catalog, credits: Mapping[str, Sequence[Sequence[str]]]) -> None:
        """`credits`: per title id, its (person id, person name, role) triples."""
        codes: dict[str, int] = {}
        self.person_names: list[str] = []
        people: list[int] = []
        roles: list[int] = []
        counts = np.zeros(len(catalog), dtype=np.int64)
        role_index = {role: i for i, role in enumerate(self.ROLES)}
        for row, title_id in enumerate(catalog.ids):
            for person_id, name, role in credits.get(title_id, ()):
                if person_id not in codes:
                    codes[person_id] = len(self.person_names)
                    self.person_names.append(name or person_id)
                people.append(codes[person_id])
                roles.append(role_index[role])
                counts[row] += 1
        self.offsets = np.concatenate(([0], np.cumsum(counts)))
        self.people = np.array(people, dtype=np.int32)
        self.roles = np.array(roles, dtype=np.int8)

    def of(self, row: int) -> list[tuple[int, str]]:
        """The (person code, role) of everyone who made the title at catalog row `row`."""
        start, end = self.offsets[row], self.offsets[row + 1]
        return [(person, self.ROLES[role]) for person, role in
                zip(self.people[start:end].tolist(), self.roles[start:end].tolist(), strict=True)]


class RecommendationData:
    """The catalog and every viewer's tastes, with the (viewer, title) pairs as aligned arrays and sparse matrices.
    Pairs with titles outside the catalog are left out."""

    def __init__(self, catalog: Catalog, viewers: Iterable[Viewer], windows: WindowSnapshot | None = None,
                 credits: TitleCredits | None = None) -> None:
        self.catalog = catalog
        self.windows = windows
        """the titles' availability windows, when read from a graph (recommend/filters.py)"""
        self.credits = credits
        """who made the titles, when read from a graph (recommend/explain.py)"""
        self.viewers = {v.id: v for v in sorted(viewers, key=lambda v: v.id) if v.tastes}
        self.viewer_ids = list(self.viewers)
        self.viewer_index = {viewer_id: i for i, viewer_id in enumerate(self.viewer_ids)}
        rows, cols, engaged, evidence, at, stars, finished = [], [], [], [], [], [], []
        for row, viewer in enumerate(self.viewers.values()):
            for title_id, taste in viewer.tastes.items():
                col = catalog.index.get(title_id)
                if col is None:
                    continue
                rows.append(row)
                cols.append(col)
                engaged.append(taste.engagement)
                evidence.append(taste.evidence)
                at.append(taste.at)
                stars.append(np.nan if taste.stars is None else taste.stars)
                finished.append(taste.finished)
        self.pair_viewers = np.array(rows, dtype=np.int64)
        self.pair_titles = np.array(cols, dtype=np.int64)
        self.pair_engagement = np.array(engaged, dtype=np.float64)
        self.pair_evidence = np.array(evidence, dtype=np.float64)
        self.pair_at = np.array(at, dtype=np.int64)
        self.pair_stars = np.array(stars, dtype=np.float64)
        self.pair_finished = np.array(finished, dtype=bool)
        shape = (len(self.viewer_ids), len(catalog))
        self.engagement = sparse.csr_matrix((self.pair_engagement, (self.pair_viewers, self.pair_titles)), shape=shape)

    @property
    def latest_at(self) -> int:
        return int(self.pair_at.max()) if self.pair_at.size else 0

    def viewer(self, viewer_id: str) -> Viewer:
        """A viewer the data holds, or one without history."""
        return self.viewers.get(viewer_id) or Viewer(viewer_id)

    def engaged(self, viewer: Viewer) -> tuple[Indexes, Floats]:
        """The catalog rows of the titles the viewer engaged with (ascending) and their engagement."""
        return self._rows(viewer, lambda taste: taste.engagement)

    def liked(self, viewer: Viewer) -> tuple[Indexes, Floats]:
        """The catalog rows of the titles with evidence for (ascending) and that evidence."""
        return self._rows(viewer, lambda taste: taste.evidence)

    def _rows(self, viewer: Viewer, value: Callable[[Taste], float]) -> tuple[Indexes, Floats]:
        pairs = sorted((self.catalog.index[t], value(taste)) for t, taste in viewer.tastes.items()
                       if t in self.catalog.index and value(taste) > 0)
        return (np.array([p[0] for p in pairs], dtype=np.int64), np.array([p[1] for p in pairs], dtype=np.float64))

    def allowed(self, viewer: Viewer) -> npt.NDArray[np.bool_]:
        """Which catalog rows may be recommended to the viewer: recommendable kinds they have not interacted with."""
        mask = self.catalog.recommendable.copy()
        mask[self.catalog.indexes_of(viewer.tastes)] = False
        return mask

    def check_enough(self) -> None:
        """Raise `NotEnoughData` unless there are enough viewers, titles and interactions to learn from."""
        viewers = len(self.viewer_ids)
        titles = int(np.unique(self.pair_titles).size)
        pairs = int(self.pair_titles.size)
        if viewers < MIN_VIEWERS or titles < MIN_TITLES or pairs < MIN_INTERACTIONS:
            raise NotEnoughData(
                f"not enough to recommend from: {pairs} interaction(s) by {viewers} viewer(s) with {titles} "
                f"title(s); the strategies need at least {MIN_INTERACTIONS} interactions by {MIN_VIEWERS} viewers "
                f"with {MIN_TITLES} titles"
            )

    @classmethod
    async def load(cls, store: GraphStore, on_progress: LoadProgress | None = None) -> RecommendationData:
        """Every title with its windows and credits and every viewer's interactions, read from the graph a page at a
        time."""
        taken_at = await GraphRepository(store).server_time()
        platform_names = await read_platform_names(store)
        titles: list[TitleFacts] = []
        # Each title's vector as an array at once: as tuples they were 38 million Python floats at 100,000 titles,
        # all freed when the load ended, and the API's event loop was held 600 ms there (bench/README.md).
        vectors: dict[str, Floats] = {}
        windows: list[Window] = []
        credits: dict[str, list[list[str]]] = {}
        async for row in _pages(store, Query.GNN_TITLE_IDS, Query.RECOMMEND_TITLES_BY_IDS, "titles", on_progress):
            titles.append(_title_facts(row))
            if row.get("text_embedding"):
                vectors[row["id"]] = np.asarray(row["text_embedding"], dtype=np.float64)
            windows += [Window(window_id, row["id"], *terms) for window_id, *terms in row["windows"]]
            credits[row["id"]] = row["credits"]
        viewers = [_viewer(row) async for row in _pages(store, Query.GNN_USER_IDS, Query.RECOMMEND_VIEWERS_BY_IDS,
                                                        "viewers", on_progress)]
        catalog = Catalog(titles, vectors)
        return cls(catalog, viewers, WindowSnapshot(catalog.ids, catalog.index, windows, taken_at, platform_names),
                   TitleCredits(catalog, credits))


async def _pages(store: GraphStore, ids: Query, page: Query, what: str, on_progress: LoadProgress | None
                 ) -> AsyncIterator[dict[str, Any]]:
    """Every row of `page` for the ids `ids` returns, `_PAGE` ids at a time.

    Pages by lists of ids, not by `WHERE id > $after ORDER BY id LIMIT n`: FalkorDB sorted every id after `$after`
    for each page (100 ms a page at 100,000 titles, a quarter of the build). And small pages: the API builds the
    snapshot in a thread while it answers requests, and each reply is parsed (hiredis) without letting go of the
    GIL, so a page of 500 titles with their vectors held requests up by about 100 ms at a time."""
    everyone = [row["id"] for row in await store.read(ids)]
    for start in range(0, len(everyone), _PAGE):
        for row in await store.read(page, {"ids": everyone[start:start + _PAGE]}):
            yield row
        if on_progress is not None:
            on_progress(what, min(start + _PAGE, len(everyone)))


def _title_facts(row: Mapping[str, Any]) -> TitleFacts:
    """The title's facts, without its text embedding (`load` keeps that as an array)."""
    return TitleFacts(
        id=row["id"], kind=row.get("kind") or "movie", title=row.get("title"), year=row.get("year"),
        runtime_minutes=row.get("runtime_minutes"), genres=tuple(sorted(row.get("genres") or ())),
        moods=tuple(sorted(row.get("moods") or ())),
    )


def _viewer(row: Mapping[str, Any]) -> Viewer:
    touches = [Touch.from_edge(i["title_id"], i["type"], i["rating"], i["completed"], i["signal"], i["at"])
               for i in row["interactions"]]
    return Viewer(row["user_id"], fold(touches))

