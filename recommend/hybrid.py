"""Hybrid ranking (DESIGN.md, "Scoring"): the strategies' lists fused by reciprocal rank, then diversified by
maximal marginal relevance.

- Reciprocal rank fusion: a title's score is the sum over the strategies that rank it of weight / (k + rank), rank
  counted from 1, k = 60; weights collaborative 0.35, content 0.25, gnn 0.30, context 0.10 unless configured. A
  strategy that is not there (no model trained yet) adds nothing.
- Maximal marginal relevance: from the best fused candidates, repeatedly take the one with the highest
  lambda * relevance - (1 - lambda) * (its highest cosine with a title taken already), lambda = 0.85; relevance is
  the fused score scaled to [0, 1] over the candidates, and the vectors are the titles' (`TitleVectors`).
- Cold start: a viewer with nothing to go on gets the popularity strategy's titles, and the explanation says so.
- Explanations: the strategies rank without reasons; once the titles to show are chosen, each strategy that ranked
  one explains it, and its reasons come in the order of the strategies' shares of its score.

Availability, trust and subscription filters and the explanations from graph paths belong to the live service
(recommend/service.py); the evaluation ranks with this module alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace

import numpy as np
import numpy.typing as npt

from mediagateway.recommend.ahead import rank_ahead
from mediagateway.recommend.context import ViewingContext
from mediagateway.recommend.data import RecommendationData, Viewer
from mediagateway.recommend.strategies import (
    CollaborativeStrategy,
    ContentStrategy,
    ContextStrategy,
    EmbeddingModel,
    GnnStrategy,
    PopularityStrategy,
    RankedStrategy,
    Reason,
    ReasonKind,
    Scored,
    check_k,
)

RRF_K = 60
MMR_LAMBDA = 0.85
FUSION_DEPTH = 100
MMR_POOL = 50
COLD_START = Reason(ReasonKind.COLD_START,
                    "popular right now: you have not watched or rated anything yet, so nothing is personal so far")
NOTHING_TO_GO_ON = Reason(ReasonKind.COLD_START,
                          "popular right now: what you have watched so far says too little about your taste")


@dataclass(frozen=True)
class FusionWeights:
    """Each strategy's weight in the fusion; the defaults are DESIGN.md's."""

    collaborative: float = 0.35
    content: float = 0.25
    gnn: float = 0.30
    context: float = 0.10

    def __post_init__(self) -> None:
        problems = [f"{f.name} must be a finite number of at least 0, got {getattr(self, f.name)}"
                    for f in fields(self) if not (math.isfinite(getattr(self, f.name)) and getattr(self, f.name) >= 0)]
        if not problems and not any(getattr(self, f.name) > 0 for f in fields(self)):
            problems.append("at least one weight must be above 0")
        if problems:
            raise ValueError("fusion weights: " + "; ".join(problems))

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def parse(cls, text: str) -> FusionWeights:
        """From "collaborative=0.5,content=0.1,...": names not given keep their default."""
        known = {f.name for f in fields(cls)}
        given: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            name, equals, value = part.partition("=")
            name = name.strip()
            if not equals or name not in known:
                raise ValueError(f"fusion weights: {part!r} is not NAME=NUMBER, NAME one of {', '.join(sorted(known))}")
            try:
                given[name] = float(value)
            except ValueError:
                raise ValueError(f"fusion weights: {name}: {value.strip()!r} is not a number") from None
        return cls(**given)


DEFAULT_WEIGHTS = FusionWeights()


def reciprocal_rank_fusion(rankings: Mapping[str, Sequence[Scored]], weights: Mapping[str, float],
                           k: int = RRF_K, limit: int | None = None) -> list[Scored]:
    """The fused ranking, best first (ties by title id), the first `limit` of it when given. Each title names the
    strategies that ranked it (`sources`) and keeps the reasons they gave, the largest contribution's first."""
    if k < 0:
        raise ValueError(f"the fusion's k must not be negative, got {k}")
    shares: dict[str, dict[str, float]] = {}
    given: dict[tuple[str, str], tuple[Reason, ...]] = {}
    for name, ranking in rankings.items():
        weight = weights.get(name, 0.0)
        if weight > 0:
            for rank, scored in enumerate(ranking, start=1):
                shares.setdefault(scored.title_id, {})[name] = weight / (k + rank)
                if scored.reasons:
                    given[scored.title_id, name] = scored.reasons
    totals = {title_id: sum(by_strategy.values()) for title_id, by_strategy in shares.items()}
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]
    fused = []
    for title_id, total in ranked:
        by_strategy = shares[title_id]
        sources = tuple(sorted(by_strategy, key=by_strategy.__getitem__, reverse=True))  # stable: ties keep order
        fused.append(Scored(title_id, total, in_order(title_id, sources, given) if given else (), sources))
    return fused


def in_order(title_id: str, sources: Sequence[str], reasons: Mapping[tuple[str, str], Sequence[Reason]]
             ) -> tuple[Reason, ...]:
    """The reasons each of `sources` gave for the title (`reasons` by (title id, strategy)), in the order of
    `sources`, each text once."""
    kept: dict[str, Reason] = {}
    for name in sources:
        for reason in reasons.get((title_id, name), ()):
            kept.setdefault(reason.text, reason)
    return tuple(kept.values())


class TitleVectors:
    """A unit vector per title, for the similarity MMR penalises; titles without one are similar to nothing."""

    def __init__(self, ids: Sequence[str], vectors: npt.NDArray[np.float64]) -> None:
        if len(ids) != vectors.shape[0]:
            raise ValueError(f"title vectors: {len(ids)} ids for {vectors.shape[0]} vectors")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit = bool(np.allclose(norms[norms > 0], 1.0))  # the content features are: no copy of 300 MB then
        self.vectors = vectors if unit else np.divide(vectors, norms, out=np.zeros_like(vectors, dtype=np.float64),
                                                      where=norms > 0)
        self.index = {title_id: row for row, title_id in enumerate(ids)}

    def similarities(self, title_ids: Sequence[str]) -> npt.NDArray[np.float64]:
        rows = np.zeros((len(title_ids), self.vectors.shape[1]), dtype=np.float64)
        for position, title_id in enumerate(title_ids):
            if (row := self.index.get(title_id)) is not None:
                rows[position] = self.vectors[row]
        similarity: npt.NDArray[np.float64] = rows @ rows.T
        return similarity


def maximal_marginal_relevance(candidates: Sequence[Scored], similarity: npt.NDArray[np.float64],
                               lam: float = MMR_LAMBDA, picks: int | None = None) -> list[Scored]:
    """The candidates reordered greedily, the first `picks` of that order when given (each pick depends only on the
    ones before it, so they are the full order's first): each next pick maximises lam * relevance - (1 - lam) *
    (its highest similarity with a pick so far); relevance is the score scaled to [0, 1] over the candidates. Ties
    keep the given order."""
    if not 0 <= lam <= 1:
        raise ValueError(f"MMR lambda must be in [0, 1], got {lam}")
    if len(candidates) != similarity.shape[0]:
        raise ValueError(f"MMR: {len(candidates)} candidates for a {similarity.shape} similarity matrix")
    scores = np.array([c.score for c in candidates], dtype=np.float64)
    spread = float(scores.max() - scores.min()) if scores.size else 0.0
    relevance = (scores - scores.min()) / spread if spread > 0 else np.ones_like(scores)
    closest = np.full(len(candidates), -np.inf)
    left = np.ones(len(candidates), dtype=bool)
    order: list[int] = []
    for _ in range(len(candidates) if picks is None else min(picks, len(candidates))):
        penalty = np.where(np.isfinite(closest), closest, 0.0)
        value = np.where(left, lam * relevance - (1 - lam) * penalty, -np.inf)
        pick = int(np.argmax(value))
        order.append(pick)
        left[pick] = False
        closest = np.maximum(closest, similarity[pick])
    return [candidates[i] for i in order]


class HybridStrategy:
    """The strategies fused and diversified, with popularity for viewers it has nothing to go on for."""

    name = "hybrid"

    def __init__(
        self,
        strategies: Sequence[RankedStrategy],
        popularity: PopularityStrategy,
        vectors: TitleVectors,
        weights: FusionWeights = DEFAULT_WEIGHTS,
        *,
        depth: int = FUSION_DEPTH,
        pool: int = MMR_POOL,
        rrf_k: int = RRF_K,
        mmr_lambda: float = MMR_LAMBDA,
    ) -> None:
        self.strategies = {s.name: s for s in strategies}
        unknown = sorted(set(self.strategies) - set(weights.as_dict()))
        if unknown:
            raise ValueError(f"the hybrid has no weight for {', '.join(unknown)}")
        self.popularity, self.vectors, self.weights = popularity, vectors, weights
        self.depth, self.pool, self.rrf_k, self.mmr_lambda = depth, pool, rrf_k, mmr_lambda

    async def rankings(self, viewer: Viewer, context: ViewingContext) -> dict[str, list[Scored]]:
        """Each weighted strategy's list, `depth` long."""
        weights = self.weights.as_dict()
        return {name: await strategy.rank(viewer, self.depth, context)
                for name, strategy in self.strategies.items() if weights[name] > 0}

    async def explain(self, viewer: Viewer, fused: Sequence[Scored], context: ViewingContext) -> list[Scored]:
        """The fused titles with the reasons of the strategies that ranked them (the others, popular titles for a
        cold start, as they are)."""
        reasons: dict[tuple[str, str], Sequence[Reason]] = {}
        for name, strategy in self.strategies.items():
            asked = [s.title_id for s in fused if name in s.sources]
            if asked:
                for title_id, given in (await strategy.explain(viewer, asked, context)).items():
                    reasons[title_id, name] = given
        return [replace(s, reasons=in_order(s.title_id, s.sources, reasons)) if s.sources else s for s in fused]

    async def ranked(self, viewer: Viewer, context: ViewingContext, size: int) -> list[Scored]:
        """The fused, diversified candidates, `size` of them where there are that many, not yet explained."""
        if not viewer.tastes:
            return await self.cold_start(viewer, context, size, COLD_START)
        ranked = self.fuse(await self.rankings(viewer, context), size)
        return ranked or await self.cold_start(viewer, context, size, NOTHING_TO_GO_ON)

    async def fused(self, viewer: Viewer, context: ViewingContext) -> list[Scored]:
        """Every title the strategies rank, fused by reciprocal rank, best first, not yet diversified: the live
        service filters them first (recommend/service.py)."""
        return reciprocal_rank_fusion(await self.rankings(viewer, context), self.weights.as_dict(), self.rrf_k)

    def fuse(self, rankings: Mapping[str, Sequence[Scored]], size: int, weights: FusionWeights | None = None
             ) -> list[Scored]:
        """The lists fused by reciprocal rank (with `weights`, else the hybrid's) and diversified: the first `size`."""
        return self.diversify(reciprocal_rank_fusion(rankings, (weights or self.weights).as_dict(), self.rrf_k,
                                                     limit=max(size, self.pool)), size)

    def diversify(self, candidates: Sequence[Scored], size: int) -> list[Scored]:
        """The first `size` by maximal marginal relevance among the best `max(size, pool)` of the candidates."""
        best = candidates[: max(size, self.pool)]
        return maximal_marginal_relevance(best, self.vectors.similarities([c.title_id for c in best]),
                                          self.mmr_lambda, picks=size)

    async def cold_start(self, viewer: Viewer, context: ViewingContext, size: int, why: Reason) -> list[Scored]:
        popular = await self.popularity.recommend(viewer, size, context)
        return [Scored(s.title_id, s.score, (why, *s.reasons)) for s in popular]

    async def recommend(self, viewer: Viewer, k: int, context: ViewingContext) -> list[Scored]:
        check_k(k)
        return await self.explain(viewer, (await self.ranked(viewer, context, k))[:k], context)


@dataclass
class Lineup:
    """The strategies a hybrid fuses, built on one snapshot, with the popularity it falls back on and the vectors it
    diversifies by: the live service's and the evaluation's alike."""

    strategies: dict[str, RankedStrategy]
    popularity: PopularityStrategy
    vectors: TitleVectors

    @classmethod
    def of(cls, data: RecommendationData, model: EmbeddingModel | None = None) -> Lineup:
        """The snapshot's strategies, gnn with a trained `model`."""
        popularity, content = PopularityStrategy(data), ContentStrategy(data)
        strategies: dict[str, RankedStrategy] = {
            "collaborative": CollaborativeStrategy(data),
            "content": content,
            "context": ContextStrategy(data, popularity),
        }
        lineup = cls(strategies, popularity, TitleVectors(data.catalog.ids, content.features))
        return lineup.with_model(model, data) if model is not None else lineup

    def with_model(self, model: EmbeddingModel, data: RecommendationData) -> Lineup:
        """This lineup with the gnn strategy of a trained `model`, whose title vectors it then diversifies by."""
        gnn = GnnStrategy(model, data)
        vectors = TitleVectors(data.catalog.ids, gnn.title_vectors)
        return Lineup({**self.strategies, gnn.name: gnn}, self.popularity, vectors)

    def with_strategies(self, strategies: Sequence[RankedStrategy]) -> Lineup:
        """This lineup with `strategies` in place of its own of the same names."""
        return Lineup({**self.strategies, **{s.name: s for s in strategies}}, self.popularity, self.vectors)

    async def ranked_ahead(self, data: RecommendationData, viewers: int) -> Lineup:
        """This lineup with its strategies that rank by tastes alone ranked ahead for the `viewers` most recently
        active viewers of `data` (recommend/ahead.py)."""
        return self.with_strategies(await rank_ahead(list(self.strategies.values()), data, viewers, FUSION_DEPTH))

    def hybrid(self, weights: FusionWeights = DEFAULT_WEIGHTS) -> HybridStrategy:
        return HybridStrategy(list(self.strategies.values()), self.popularity, self.vectors, weights)
