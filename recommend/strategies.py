"""The recommendation strategies, each usable on its own: `recommend(viewer, k, context)` gives at most k titles the
viewer has not interacted with, best first, each with the pieces of its explanation.

The strategies the hybrid fuses (`RankedStrategy`) split that in two: `rank` orders titles without explaining them,
and `explain` gives the reasons for the titles asked about. The hybrid ranks a hundred titles a strategy and shows
ten or twenty, so it explains only those (recommend/hybrid.py).

- `collaborative`: a random walk of three steps over the interaction graph, viewer -> title -> other viewer ->
  title: titles co-interacted with what the viewer engaged with, weighted by the product of the steps' engagement
  weights (recommend/data.py), each step normalised by the weights leaving its node and raised to `alpha`, and the
  title's own weight raised to `beta` dividing its score so that what everybody watches does not crowd out the
  rest. `GraphCollaborativeStrategy` runs it in Cypher against the live graph (cypher/recommend/co_occurrence.cypher);
  `CollaborativeStrategy` computes the same scores with sparse matrices from a snapshot, for speed.
- `content`: titles like the ones the viewer liked, by text embedding where titles have one and by genres, moods
  and decade (weighted by rarity), with a mild prior for titles more people watched.
- `gnn`: the GraphSAGE model's ranking (graph/sage.py), through `GnnStrategy`, an adapter to its interface.
- `context`: recent popularity re-scored by how well each title fits the viewing context (recommend/context.py).
- `popularity`: engagement summed over every viewer, each interaction halved in weight every `half_life_days`
  before the moment asked about: what people watch lately. The cold-start answer.

Baselines, run through the same interface by the evaluation: `item_knn`, classic item-kNN (cosine similarity of
titles' rating columns, each title's 100 nearest neighbours), and `most_popular`, the all-time count of viewers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from scipy import sparse

from mediagateway.graph.queries import Query
from mediagateway.graph.store import GraphStore
from mediagateway.ingest.normalise import GENRES, MOODS
from mediagateway.recommend.context import RULES, Fit, Rule, TitleTraits, ViewingContext, fit
from mediagateway.recommend.data import (
    RECOMMENDABLE_KINDS,
    Floats,
    Indexes,
    RecommendationData,
    Viewer,
    engagement_params,
)

MAX_K = 1_000
MAX_KEPT_FITS = 64
DAY_MS = 86_400_000
Mask = npt.NDArray[np.bool_]


class ReasonKind(StrEnum):
    CO_VIEWING = "co_viewing"
    SIMILAR = "similar"
    GRAPH_MODEL = "graph_model"
    CONTEXT = "context"
    POPULAR = "popular"
    COLD_START = "cold_start"
    PEOPLE = "people"
    AVAILABLE = "available"


@dataclass(frozen=True)
class Reason:
    """One piece of an explanation, e.g. (CO_VIEWING, "people who watched “Heat” also watched this")."""

    kind: ReasonKind
    text: str


@dataclass(frozen=True)
class Scored:
    title_id: str
    score: float
    reasons: tuple[Reason, ...] = ()
    sources: tuple[str, ...] = ()
    """for a fused title: the strategies that ranked it, the largest share of its score first"""


Explanations = dict[str, tuple[Reason, ...]]
"""Reasons per title id."""


class Strategy(Protocol):
    name: str

    async def recommend(self, viewer: Viewer, k: int, context: ViewingContext) -> list[Scored]:
        """At most `k` titles the viewer has not interacted with, best first."""
        ...


class RankedStrategy(ABC):
    """A strategy in two steps: `rank`, then `explain` for the titles that are shown."""

    name: str
    ranks_by_tastes = False
    """whether its ranking depends on nothing but the viewer's tastes and the snapshot, so that it can be computed
    ahead (recommend/ahead.py)"""

    @abstractmethod
    async def rank(self, viewer: Viewer, k: int, context: ViewingContext) -> list[Scored]:
        """What `recommend` gives, without the reasons."""

    @abstractmethod
    async def explain(self, viewer: Viewer, title_ids: Sequence[str], context: ViewingContext) -> Explanations:
        """The reasons for those of `title_ids` this strategy can explain."""

    async def recommend(self, viewer: Viewer, k: int, context: ViewingContext) -> list[Scored]:
        ranked = await self.rank(viewer, k, context)
        reasons = await self.explain(viewer, [s.title_id for s in ranked], context)
        return [Scored(s.title_id, s.score, reasons.get(s.title_id, ())) for s in ranked]


def check_k(k: int) -> None:
    if not 1 <= k <= MAX_K:
        raise ValueError(f"k must be between 1 and {MAX_K}, got {k}")


def best_rows(scores: Floats, k: int, allowed: Mask) -> Indexes:
    """The rows of the k highest positive scores among `allowed`, best first; ties go to the lower row (the lower
    title id, as the catalog is in id order)."""
    rows = np.flatnonzero(allowed & (scores > 0))
    if rows.size > k:
        kth = np.partition(-scores[rows], k - 1)[k - 1]
        rows = rows[-scores[rows] <= kth]
    return rows[np.lexsort((rows, -scores[rows]))][:k]


def quoted(name: str) -> str:
    return f"\u201c{name}\u201d"


def _people(count: int, noun: str = "viewer") -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


# --- collaborative -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WalkSettings:
    """The walk's exponents; chosen on a validation split of MovieLens training data (never its test ratings)."""

    alpha: float = 0.6
    beta: float = 0.5

    def __post_init__(self) -> None:
        if not 0 < self.alpha <= 2 or not 0 <= self.beta <= 2:
            raise ValueError(f"walk settings: alpha must be in (0, 2] and beta in [0, 2], "
                             f"got {self.alpha} and {self.beta}")

    def params(self) -> dict[str, Any]:
        return {"alpha": self.alpha, "beta": self.beta, "kinds": list(RECOMMENDABLE_KINDS), **engagement_params()}


def _co_viewing(because: str) -> Reason:
    return Reason(ReasonKind.CO_VIEWING, f"people who watched {quoted(because)} also watched this")


class CollaborativeStrategy(RankedStrategy):
    """The collaborative walk over a snapshot, as sparse matrix products (the same scores as the Cypher one)."""

    name = "collaborative"
    ranks_by_tastes = True

    def __init__(self, data: RecommendationData, settings: WalkSettings = WalkSettings()) -> None:
        self.data, self.settings = data, settings
        weights = data.engagement
        title_weight = np.asarray(weights.sum(axis=0)).ravel()
        viewer_weight = np.asarray(weights.sum(axis=1)).ravel()
        self._to_viewer = (sparse.diags(_inverse(title_weight)) @ weights.T).power(settings.alpha).tocsr()
        self._to_title = (sparse.diags(_inverse(viewer_weight)) @ weights).power(settings.alpha).tocsc()
        self._discount = _inverse(title_weight) ** settings.beta

    async def rank(self, viewer: Viewer, k: int, context: ViewingContext) -> list[Scored]:
        check_k(k)
        rows, start, steps = self._first_steps(viewer)
        if not rows.size:
            return []
        reach = steps.T @ start
        own = self.data.viewer_index.get(viewer.id)
        if own is not None:  # through other viewers only; the viewer's own walks reach only titles they have seen
            reach[own] = 0.0
        scores = (self._to_title.T @ reach) * self._discount
        best = best_rows(scores, k, self.data.allowed(viewer))
        return [Scored(self.data.catalog.ids[row], float(scores[row])) for row in best]

    async def explain(self, viewer: Viewer, title_ids: Sequence[str], context: ViewingContext) -> Explanations:
        """Per title, the viewer's title whose walks reach it the most."""
        rows, start, steps = self._first_steps(viewer)
        targets = self.data.catalog.indexes_of(title_ids)
        if not rows.size or not targets.size:
            return {}
        contributions = (steps @ self._to_title[:, targets]).toarray() * start[:, None]
        because = rows[np.argmax(contributions, axis=0)]
        ids, name = self.data.catalog.ids, self.data.catalog.name
        return {ids[row]: (_co_viewing(name(ids[seed])),) for row, seed in zip(targets, because, strict=True)}

    def _first_steps(self, viewer: Viewer) -> tuple[Indexes, Floats, sparse.csr_matrix]:
        """The viewer's engaged titles, the walk's weight leaving the viewer to each, and their steps to viewers."""
        rows, weights = self.data.engaged(viewer)
        if not rows.size:
            return rows, weights, sparse.csr_matrix((0, len(self.data.viewer_ids)))
        return rows, (weights / weights.sum()) ** self.settings.alpha, self._to_viewer[rows]


def _inverse(values: Floats) -> Floats:
    return np.divide(1.0, values, out=np.zeros_like(values, dtype=np.float64), where=values > 0)


class GraphCollaborativeStrategy(RankedStrategy):
    """The collaborative walk in Cypher against the live graph: the viewer's interactions are the graph's."""

    name = "collaborative"

    def __init__(self, store: GraphStore, settings: WalkSettings = WalkSettings()) -> None:
        self.store, self.settings = store, settings

    async def rank(self, viewer: Viewer, k: int, context: ViewingContext) -> list[Scored]:
        check_k(k)
        rows = await self.store.read(Query.RECOMMEND_CO_OCCURRENCE, {"user_id": viewer.id, **self.settings.params(),
                                                                     "k": k})
        return [Scored(row["id"], float(row["score"])) for row in rows]

    async def explain(self, viewer: Viewer, title_ids: Sequence[str], context: ViewingContext) -> Explanations:
        if not title_ids:
            return {}
        rows = await self.store.read(Query.RECOMMEND_CO_OCCURRENCE_BECAUSE,
                                     {"user_id": viewer.id, **self.settings.params(), "ids": list(title_ids)})
        return {row["id"]: (_co_viewing(row["because_title"] or row["because_id"]),) for row in rows}


# --- content -----------------------------------------------------------------------------------------------------


def content_features(data: RecommendationData, decade_weight: float = 1.0) -> Floats:
    """A unit vector per title: its text embedding (where titles have one) beside its genres, moods and decade, each
    block of unit length; genres and moods weighted by rarity (smoothed inverse document frequency)."""
    catalog = data.catalog
    terms = np.hstack([_term_matrix([t.genres for t in catalog.facts]), _term_matrix([t.moods for t in catalog.facts])])
    decades = _term_matrix([(str(year // 10),) if year else () for year in catalog.years], rarity=False)
    blocks = [_unit_rows(np.hstack([_unit_rows(terms), decade_weight * decades]))]
    if catalog.text_vectors is not None:
        blocks.insert(0, _unit_rows(catalog.text_vectors))
    return _unit_rows(np.hstack(blocks))


def _principal_projection(features: Floats, dimensions: int) -> tuple[Floats, npt.NDArray[np.float32]]:
    """The first `dimensions` principal directions of the rows (uncentred, as cosine scoring is), as a [features,
    dimensions] basis, and the rows projected on it in float32."""
    _, vectors = np.linalg.eigh(features.T @ features)
    basis = np.ascontiguousarray(vectors[:, ::-1][:, :dimensions])
    return basis, (features @ basis).astype(np.float32)


def _term_matrix(terms: Sequence[Sequence[str]], rarity: bool = True) -> Floats:
    vocabulary = {term: column for column, term in enumerate(sorted({t for row in terms for t in row}))}
    matrix = np.zeros((len(terms), len(vocabulary)), dtype=np.float64)
    for row, held in enumerate(terms):
        matrix[row, [vocabulary[t] for t in held]] = 1.0
    if rarity and vocabulary:
        frequency = matrix.sum(axis=0)
        matrix *= np.log((1 + len(terms)) / (1 + frequency)) + 1
    return matrix


def _unit_rows(matrix: Floats) -> Floats:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


EXACT_CONTENT_UP_TO = 20_000  # titles; above this, the content strategy scores a shortlist exactly
SHORTLIST_DIMENSIONS = 48
SHORTLIST_FACTOR = 8


class ContentStrategy(RankedStrategy):
    """Scores every title by the cosine of its features with the sum of the viewer's liked titles' features (weighted
    by evidence), times a mild popularity prior.

    On a large catalog, one pass over every title's full features (100,000 x 420 doubles) is 16 ms a request, so the
    pass over every title uses the features projected on their first `SHORTLIST_DIMENSIONS` principal directions (in
    float32, 19 MB at 100,000 titles), and only a shortlist `SHORTLIST_FACTOR` times as long as asked for is scored
    exactly. Up to `EXACT_CONTENT_UP_TO` titles (MovieLens' 9,742, so the evaluation) every title is scored exactly.
    On the 100,000-title benchmark catalog, for 200 viewers, the shortlist held every title of the exact top 100 with
    48 dimensions and 8 times as many, as with 96 and 4 times, in less time (bench/README.md); 32 dimensions and 4
    times lost up to 2 titles of 100."""

    name = "content"
    ranks_by_tastes = True

    def __init__(self, data: RecommendationData, popularity_prior: float = 0.5, decade_weight: float = 1.0,
                 exact_up_to: int = EXACT_CONTENT_UP_TO) -> None:
        self.data = data
        self.features = content_features(data, decade_weight)
        viewers = np.bincount(data.pair_titles, minlength=len(data.catalog)).astype(np.float64)
        self._prior = (1 + np.log1p(viewers)) ** popularity_prior
        self._basis: Floats | None = None
        self._projected: npt.NDArray[np.float32] | None = None
        if len(data.catalog) > exact_up_to:
            self._basis, self._projected = _principal_projection(self.features, SHORTLIST_DIMENSIONS)

    async def rank(self, viewer: Viewer, k: int, context: ViewingContext) -> list[Scored]:
        check_k(k)
        rows, weights = self._tastes(viewer)
        if not rows.size:
            return []
        taste = weights @ self.features[rows]
        allowed = self.data.allowed(viewer)
        if self._basis is None or self._projected is None:
            scores = (self.features @ taste) * self._prior
            best = best_rows(scores, k, allowed)
        else:
            rough = (self._projected @ (taste @ self._basis).astype(np.float32)) * self._prior
            shortlist = np.sort(best_rows(rough, SHORTLIST_FACTOR * k, allowed))  # in row order: ties as exact
            scores = np.zeros(len(self.data.catalog), dtype=np.float64)
            scores[shortlist] = (self.features[shortlist] @ taste) * self._prior[shortlist]
            best = shortlist[best_rows(scores[shortlist], k, np.ones(shortlist.size, dtype=bool))]
        return [Scored(self.data.catalog.ids[row], float(scores[row])) for row in best]

    async def explain(self, viewer: Viewer, title_ids: Sequence[str], context: ViewingContext) -> Explanations:
        """Per title, the viewer's liked title that adds the most to its score."""
        rows, weights = self._tastes(viewer)
        targets = self.data.catalog.indexes_of(title_ids)
        if not rows.size or not targets.size:
            return {}
        nearest = rows[np.argmax((self.features[rows] @ self.features[targets].T) * weights[:, None], axis=0)]
        return {self.data.catalog.ids[row]: (self._reason(row, seed),)
                for row, seed in zip(targets, nearest, strict=True)}

    def _tastes(self, viewer: Viewer) -> tuple[Indexes, Floats]:
        """The titles the viewer liked, or failing those engaged with, and how much."""
        rows, weights = self.data.liked(viewer)
        return (rows, weights) if rows.size else self.data.engaged(viewer)

    def _reason(self, row: int, liked_row: int) -> Reason:
        catalog = self.data.catalog
        title, liked = catalog.facts[row], catalog.facts[liked_row]
        shared = [GENRES.get(g, g).lower() for g in title.genres if g in liked.genres]
        shared += [MOODS.get(m, m).lower() for m in title.moods if m in liked.moods]
        if title.year and liked.year and title.year // 10 == liked.year // 10:
            shared.append(f"the {title.year // 10 * 10}s")
        like = f"like {quoted(catalog.name(liked.id))}, which you liked"
        return Reason(ReasonKind.SIMILAR, like + (f" ({', '.join(shared)})" if shared else ""))


# --- GraphSAGE ---------------------------------------------------------------------------------------------------


class EmbeddingModel(Protocol):
    """What `GnnStrategy` needs of a trained model (graph/sage.py's `SageModel`)."""

    @property
    def title_ids(self) -> list[str]: ...

    def title_vectors(self) -> npt.NDArray[Any]: ...

    def embed_user(self, interactions: Sequence[tuple[str, float]], user_id: str | None = None) -> npt.NDArray[Any]:
        ...

    def score(self, user_vector: npt.NDArray[Any], title_indexes: npt.NDArray[Any] | None = None
              ) -> npt.NDArray[Any]: ...


class GnnStrategy(RankedStrategy):
    """The GraphSAGE model's ranking: the viewer embedded from their titles and evidence (signal weights), then
    cosine against every title; the explanation names the viewer's liked title closest to each result."""

    name = "gnn"

    def __init__(self, model: EmbeddingModel, data: RecommendationData) -> None:
        self.model, self.data = model, data
        index = data.catalog.index
        self._catalog_rows = np.array([index.get(t, -1) for t in model.title_ids], dtype=np.int64)
        vectors = np.zeros((len(data.catalog), model.title_vectors().shape[1]), dtype=np.float64)
        known = self._catalog_rows >= 0
        vectors[self._catalog_rows[known]] = model.title_vectors()[known]
        self.title_vectors = _unit_rows(vectors)

    async def rank(self, viewer: Viewer, k: int, context: ViewingContext) -> list[Scored]:
        check_k(k)
        evidence = [(title_id, taste.evidence) for title_id, taste in sorted(viewer.tastes.items())
                    if taste.evidence != 0]
        if not evidence:
            return []
        vector = self.model.embed_user(evidence, user_id=viewer.id)
        cosine = np.asarray(self.model.score(vector), dtype=np.float64)
        scores = np.zeros(len(self.data.catalog), dtype=np.float64)
        known = self._catalog_rows >= 0
        scores[self._catalog_rows[known]] = (1 + cosine[known]) / 2  # on (0, 1], so every known title can rank
        best = best_rows(scores, k, self.data.allowed(viewer))
        return [Scored(self.data.catalog.ids[row], float(scores[row])) for row in best]

    async def explain(self, viewer: Viewer, title_ids: Sequence[str], context: ViewingContext) -> Explanations:
        """Per title, the viewer's liked title closest to it in the model's space."""
        liked, _ = self.data.liked(viewer)
        targets = self.data.catalog.indexes_of(title_ids)
        if not liked.size or not targets.size:
            return {}
        nearest = liked[np.argmax(self.title_vectors[liked] @ self.title_vectors[targets].T, axis=0)]
        ids, name = self.data.catalog.ids, self.data.catalog.name
        return {ids[row]: (Reason(ReasonKind.GRAPH_MODEL, f"close to {quoted(name(ids[seed]))} in who watches what"),)
                for row, seed in zip(targets, nearest, strict=True)}


# --- popularity and context --------------------------------------------------------------------------------------


class PopularityStrategy:
    name = "popularity"

    def __init__(self, data: RecommendationData, half_life_days: float = 365.0) -> None:
        if not half_life_days > 0:
            raise ValueError(f"half_life_days must be positive, got {half_life_days}")
        self.data, self.half_life_ms = data, half_life_days * DAY_MS
        engaged = data.pair_engagement > 0
        order = np.argsort(data.pair_at[engaged], kind="stable")
        self._at = data.pair_at[engaged][order]
        self._titles = data.pair_titles[engaged][order]
        self._engagement = data.pair_engagement[engaged][order]
        self._cached: tuple[int, int, Floats] | None = None
        self._viewers: tuple[tuple[int, int], npt.NDArray[np.int64]] | None = None

    def now(self, context: ViewingContext) -> int:
        return context.now_ms if context.now_ms is not None else self.data.latest_at

    def scores_at(self, now_ms: int) -> Floats:
        """Each title's engagement up to `now_ms`, halved every half-life before it."""
        _, sums, decay = self.sums_at(now_ms)
        return sums * decay

    def sums_at(self, now_ms: int) -> tuple[int, Floats, float]:
        """How many interactions count at `now_ms`, their decayed sums per title, and the factor that brings those
        to `now_ms` (`scores_at` is the product). Between two interactions every counted one decays by the same
        factor, so the sums are computed once per set of interactions counted and scaled to the moment asked
        about."""
        past = int(np.searchsorted(self._at, now_ms, side="right"))
        if self._cached is None or self._cached[0] != past:
            decay = np.exp2(-(now_ms - self._at[:past]) / self.half_life_ms)
            self._cached = (past, now_ms, np.bincount(self._titles[:past], weights=self._engagement[:past] * decay,
                                                      minlength=len(self.data.catalog)))
        _, computed_at, sums = self._cached
        return past, sums, float(np.exp2(-(now_ms - computed_at) / self.half_life_ms))

    def viewers_in_year_before(self, now_ms: int) -> npt.NDArray[np.int64]:
        span = (int(np.searchsorted(self._at, now_ms - 365 * DAY_MS, side="right")),
                int(np.searchsorted(self._at, now_ms, side="right")))
        if self._viewers is None or self._viewers[0] != span:
            self._viewers = (span, np.bincount(self._titles[span[0]:span[1]], minlength=len(self.data.catalog)))
        return self._viewers[1]

    def reason(self, viewers: int) -> Reason:
        if viewers:
            return Reason(ReasonKind.POPULAR, f"popular lately: {_people(viewers)} in the past year")
        return Reason(ReasonKind.POPULAR, "popular with viewers over time")

    async def recommend(self, viewer: Viewer, k: int, context: ViewingContext) -> list[Scored]:
        check_k(k)
        now = self.now(context)
        scores = self.scores_at(now)
        best = best_rows(scores, k, self.data.allowed(viewer))
        viewers = self.viewers_in_year_before(now)
        return [Scored(self.data.catalog.ids[row], float(scores[row]), (self.reason(int(viewers[row])),))
                for row in best]


class ContextStrategy(RankedStrategy):
    """Recent popularity (`PopularityStrategy`) times how well each title fits the viewing context. Without any
    context (no time of day, device or mood) no rule fires and it ranks as popularity does.

    The order is the same for every viewer but for what each has seen, and it changes only with the rules that fire
    and the interactions counted (the moment asked about scales every score alike). So the best `KEPT_ORDER` titles
    are kept in order per (rules fired, mood, interactions counted), and a request takes the first k its viewer has
    not seen: 0.1 ms instead of 0.7 to 1.2 ms over 100,000 titles. A viewer who has seen so many of them that fewer
    than k are left is ranked over every title."""

    name = "context"
    KEPT_ORDER = 2_000

    def __init__(self, data: RecommendationData, popularity: PopularityStrategy, rules: Sequence[Rule] = RULES
                 ) -> None:
        self.data, self.popularity, self.rules = data, popularity, tuple(rules)
        self.traits = TitleTraits(data.catalog)
        self._fits: dict[tuple[Any, ...], Fit] = {}
        self._orders: dict[tuple[Any, ...], Indexes] = {}

    def _key(self, context: ViewingContext) -> tuple[Any, ...]:
        return tuple(rule.fires(context) for rule in self.rules), context.mood

    def _fit(self, context: ViewingContext, key: tuple[Any, ...] | None = None) -> Fit:
        """The fit of every title, kept per set of rules that fire (and mood, `key` when known): a handful of them in
        practice."""
        key = self._key(context) if key is None else key
        if key not in self._fits:
            if len(self._fits) >= MAX_KEPT_FITS:
                self._fits.clear()
                self._orders.clear()
            self._fits[key] = fit(self.traits, context, self.rules)
        return self._fits[key]

    async def rank(self, viewer: Viewer, k: int, context: ViewingContext) -> list[Scored]:
        check_k(k)
        counted, sums, decay = self.popularity.sums_at(self.popularity.now(context))
        fires = self._key(context)
        factors = self._fit(context, fires).factors
        key = (*fires, counted)
        if key not in self._orders:
            if len(self._orders) >= MAX_KEPT_FITS:  # many moments asked about (an evaluation): keep a handful
                self._orders.clear()
            self._orders[key] = best_rows(sums * factors, self.KEPT_ORDER, self.data.catalog.recommendable)
        order = self._orders[key]
        seen = self.data.catalog.indexes_of(viewer.tastes)
        best = order[~np.isin(order, seen)][:k] if seen.size else order[:k]
        if best.size < k and order.size == self.KEPT_ORDER:  # seen too many of the kept ones: every title, then
            best = best_rows(sums * factors, k, self.data.allowed(viewer))
        scores = (sums[best] * decay) * factors[best]
        ids = self.data.catalog.ids
        return [Scored(ids[row], score) for row, score in zip(best.tolist(), scores.tolist(), strict=True)]

    async def explain(self, viewer: Viewer, title_ids: Sequence[str], context: ViewingContext) -> Explanations:
        """How each title fits the context, and how popular it is lately."""
        fitted = self._fit(context)
        viewers = self.popularity.viewers_in_year_before(self.popularity.now(context))
        ids = self.data.catalog.ids
        return {ids[row]: (*(Reason(ReasonKind.CONTEXT, text) for text in fitted.reasons(row)),
                           self.popularity.reason(int(viewers[row])))
                for row in self.data.catalog.indexes_of(title_ids)}


# --- baselines ---------------------------------------------------------------------------------------------------


def rating_matrix(data: RecommendationData) -> sparse.csr_matrix:
    """Stars where a pair has a rating; otherwise its engagement on the same five-star scale."""
    stars = np.where(np.isnan(data.pair_stars), np.minimum(5.0 * data.pair_engagement, 5.0), data.pair_stars)
    return sparse.csr_matrix((stars, (data.pair_viewers, data.pair_titles)),
                             shape=(len(data.viewer_ids), len(data.catalog)))


def nearest_neighbours(ratings: sparse.csr_matrix, neighbours: int, block: int = 1_000) -> sparse.csc_matrix:
    """[titles, titles] cosine similarities of the rating columns, keeping for each title (column) its
    `neighbours` most similar other titles."""
    columns = ratings.tocsc()
    norms = np.sqrt(np.asarray(columns.multiply(columns).sum(axis=0)).ravel())
    inverse = _inverse(norms)
    titles = columns.shape[1]
    kept_rows: list[Indexes] = []
    kept_cols: list[Indexes] = []
    kept_values: list[Floats] = []
    for start in range(0, titles, block):
        stop = min(start + block, titles)
        similarity = (columns.T @ columns[:, start:stop]).toarray() * inverse[:, None] * inverse[None, start:stop]
        similarity[np.arange(start, stop), np.arange(stop - start)] = 0.0
        keep = min(neighbours, titles - 1)
        if keep <= 0:
            continue
        top = np.argpartition(-similarity, keep - 1, axis=0)[:keep]
        values = np.take_along_axis(similarity, top, axis=0)
        positive = values > 0
        kept_rows.append(top[positive])
        kept_cols.append(np.broadcast_to(np.arange(start, stop), top.shape)[positive])
        kept_values.append(values[positive])
    if not kept_values:
        return sparse.csc_matrix((titles, titles))
    return sparse.csc_matrix((np.concatenate(kept_values), (np.concatenate(kept_rows), np.concatenate(kept_cols))),
                             shape=(titles, titles))


class ItemKnnStrategy:
    """Baseline: classic item-kNN. A title's score is the sum, over the viewer's rated titles that count it among
    their nearest neighbours, of the viewer's stars times the cosine similarity."""

    name = "item_knn"

    def __init__(self, data: RecommendationData, neighbours: int = 100) -> None:
        self.data = data
        self._similar = nearest_neighbours(rating_matrix(data), neighbours).tocsr()

    async def recommend(self, viewer: Viewer, k: int, context: ViewingContext) -> list[Scored]:
        check_k(k)
        catalog = self.data.catalog
        rated = sorted((catalog.index[t], _stars(taste.stars, taste.engagement))
                       for t, taste in viewer.tastes.items() if t in catalog.index)
        if not rated:
            return []
        rows = np.array([r for r, _ in rated], dtype=np.int64)
        stars = np.array([s for _, s in rated], dtype=np.float64)
        neighbours = self._similar[rows]
        scores = np.asarray(neighbours.T @ stars).ravel()
        best = best_rows(scores, k, self.data.allowed(viewer))
        nearest = rows[np.argmax(neighbours[:, best].toarray() * stars[:, None], axis=0)] if best.size else best
        return [Scored(catalog.ids[row], float(scores[row]),
                       (Reason(ReasonKind.SIMILAR, f"rated like {quoted(catalog.name(catalog.ids[seed]))} "
                                                   "by the same viewers"),))
                for row, seed in zip(best, nearest, strict=True)]


def _stars(stars: float | None, engagement: float) -> float:
    return stars if stars is not None else min(5.0 * engagement, 5.0)


class MostPopularStrategy:
    """Baseline: the titles with the most viewers of all time."""

    name = "most_popular"

    def __init__(self, data: RecommendationData) -> None:
        self.data = data
        engaged = data.pair_engagement > 0
        self.viewers = np.bincount(data.pair_titles[engaged], minlength=len(data.catalog)).astype(np.float64)

    async def recommend(self, viewer: Viewer, k: int, context: ViewingContext) -> list[Scored]:
        check_k(k)
        best = best_rows(self.viewers, k, self.data.allowed(viewer))
        return [Scored(self.data.catalog.ids[row], float(self.viewers[row]),
                       (Reason(ReasonKind.POPULAR, f"one of the most watched: {_people(int(self.viewers[row]))}"),))
                for row in best]
