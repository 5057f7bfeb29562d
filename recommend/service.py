"""Recommendations for the live service: the hybrid ranking (recommend/hybrid.py) over the live graph, then the
filters (recommend/filters.py), then explanations from graph paths (recommend/explain.py).

`Recommender.build` reads a snapshot of the graph for the strategies that learn from one (content, context,
popularity, and by default collaborative); a trained GraphSAGE model, when given, adds the gnn strategy and its
title vectors. The viewer's own interactions are read at each request, so what they watched a minute ago already
steers the ranking and is left out of it; only other viewers' behaviour comes from the snapshot, which the server
rebuilds in the background (server.py). Availability comes from the snapshot's windows with those written since laid
over them, read at each request: as fresh as the graph (recommend/filters.py).

The collaborative walk can instead run in Cypher against the live graph at each request
(`CollaborativeSource.CYPHER`): the same scores, fresh to the second, but its three-hop walk took 367 ms a request
on the 100,000-title benchmark catalog against a few ms for the snapshot's sparse products, so the snapshot is the
default (bench/README.md).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from mediagateway.graph.errors import FieldProblem, InvalidInput
from mediagateway.graph.repository import GraphRepository
from mediagateway.graph.store import GraphStore
from mediagateway.recommend.context import ViewingContext
from mediagateway.recommend.data import LoadProgress, RecommendationData, Viewer
from mediagateway.recommend.explain import PathExplainer, by_title
from mediagateway.recommend.filters import AvailabilityFilter, Platform, Where
from mediagateway.recommend.hybrid import (
    COLD_START,
    DEFAULT_WEIGHTS,
    NOTHING_TO_GO_ON,
    FusionWeights,
    HybridStrategy,
    Lineup,
)
from mediagateway.recommend.strategies import (
    EmbeddingModel,
    GraphCollaborativeStrategy,
    Reason,
    ReasonKind,
    Scored,
)
from mediagateway.settings import CollaborativeSource

MAX_RESULTS = 100
HISTORY_LIMIT = 1_000
COLD_START_CANDIDATES = 300  # popular titles filtered for a viewer with nothing to go on


@dataclass(frozen=True)
class RecommendationRequest:
    k: int = 10
    context: ViewingContext = field(default_factory=ViewingContext)
    region_id: str | None = None
    """where the viewer watches; by default the region of their profile"""
    only_subscriptions: bool = False
    """keep to the platforms the viewer subscribes to"""


@dataclass(frozen=True)
class Recommendation:
    title_id: str
    title: str
    score: float
    reasons: tuple[Reason, ...]
    platforms: tuple[Platform, ...]

    @property
    def explanation(self) -> str:
        return "; ".join(reason.text for reason in self.reasons)


class Recommender:
    def __init__(self, store: GraphStore, data: RecommendationData, hybrid: HybridStrategy) -> None:
        self.store, self.data, self.hybrid = store, data, hybrid
        self.repository = GraphRepository(store)
        self.filter = AvailabilityFilter(store, data.windows)
        self.explainer = PathExplainer(data)

    @classmethod
    async def build(cls, store: GraphStore, model: EmbeddingModel | None = None,
                    weights: FusionWeights = DEFAULT_WEIGHTS,
                    collaborative: CollaborativeSource = CollaborativeSource.SNAPSHOT,
                    on_progress: LoadProgress | None = None) -> Recommender:
        """The recommender over a snapshot read from `store` now (`on_progress` hears of the pages read)."""
        return cls.of(store, await RecommendationData.load(store, on_progress), model, weights, collaborative)

    @classmethod
    def of(cls, store: GraphStore, data: RecommendationData, model: EmbeddingModel | None = None,
           weights: FusionWeights = DEFAULT_WEIGHTS,
           collaborative: CollaborativeSource = CollaborativeSource.SNAPSHOT) -> Recommender:
        """The recommender over a snapshot read already, answering from `store`."""
        return cls.on(store, data, Lineup.of(data), model, weights, collaborative)

    @classmethod
    def on(cls, store: GraphStore, data: RecommendationData, lineup: Lineup, model: EmbeddingModel | None = None,
           weights: FusionWeights = DEFAULT_WEIGHTS,
           collaborative: CollaborativeSource = CollaborativeSource.SNAPSHOT) -> Recommender:
        """The recommender over strategies built on the snapshot already (by the build process, server.py), with the
        gnn strategy of a trained `model` and, for `CollaborativeSource.CYPHER`, the live graph's walk."""
        if model is not None:
            lineup = lineup.with_model(model, data)
        if collaborative is CollaborativeSource.CYPHER:
            lineup = lineup.with_strategies([GraphCollaborativeStrategy(store)])
        return cls(store, data, lineup.hybrid(weights))

    async def recommend(self, user_id: str, request: RecommendationRequest | None = None) -> list[Recommendation]:
        """Up to `k` titles for the user, available where they watch, each with why."""
        request = request or RecommendationRequest()
        if not 1 <= request.k <= MAX_RESULTS:
            raise InvalidInput([FieldProblem("k", f"must be between 1 and {MAX_RESULTS}, got {request.k}")])
        (viewer, where), written = await asyncio.gather(self._viewer(user_id, request),
                                                        self.filter.written_since_snapshot())
        context = replace(request.context, now_ms=where.now_ms)
        candidates, personal = await self._candidates(viewer, context)
        available = await self.filter.available([c.title_id for c in candidates], where, written)
        left = [c for c in candidates if c.title_id in available]
        kept = self.hybrid.diversify(left, request.k)[: request.k] if personal else left[: request.k]
        kept_ids = [c.title_id for c in kept]
        paths = by_title(kept_ids, self.explainer.people(viewer, kept_ids), self.explainer.co_viewing(viewer, kept_ids))
        if personal:
            kept = await self.hybrid.explain(viewer, kept, context)
        return [self._recommendation(c, paths.get(c.title_id, []), available[c.title_id], viewer) for c in kept]

    async def _candidates(self, viewer: Viewer, context: ViewingContext) -> tuple[list[Scored], bool]:
        """Every unseen title the strategies rank, fused, and True; or popular titles, and False, for a viewer
        they have nothing for. Filtered before they are diversified: most titles are not available in a given
        region, so diversifying first would spend the diversity on titles that are then dropped."""
        seen = viewer.seen
        fused = [c for c in await self.hybrid.fused(viewer, context) if c.title_id not in seen] \
            if viewer.tastes else []
        if fused:
            return fused, True
        why = NOTHING_TO_GO_ON if viewer.tastes else COLD_START
        return await self.hybrid.cold_start(viewer, context, COLD_START_CANDIDATES, why), False

    async def _viewer(self, user_id: str, request: RecommendationRequest) -> tuple[Viewer, Where]:
        user, interactions = await asyncio.gather(self.repository.get_user(user_id),
                                                  self.repository.interactions_of(user_id, HISTORY_LIMIT))
        if user is None:
            raise InvalidInput([FieldProblem("user_id", f"no user {user_id!r}")])
        region = request.region_id or user.region_id
        if region is None:
            raise InvalidInput([FieldProblem("region_id", f"user {user_id!r} has no region; say where they watch")])
        if request.only_subscriptions and not user.subscriptions:
            raise InvalidInput([FieldProblem("only_subscriptions", f"user {user_id!r} subscribes to no platform")])
        viewer = Viewer.from_interactions(user_id, interactions, region, user.subscriptions)
        now = request.context.now_ms if request.context.now_ms is not None else int(time.time() * 1000)
        platforms = tuple(user.subscriptions) if request.only_subscriptions else None
        return viewer, Where(region, now, platforms)

    def _recommendation(self, candidate: Scored, paths: Sequence[Reason], platforms: Sequence[Platform],
                        viewer: Viewer) -> Recommendation:
        subscribed = [p.name for p in platforms if p.id in viewer.subscriptions]
        names = subscribed or [p.name for p in platforms]
        where = Reason(ReasonKind.AVAILABLE, ("on your " if subscribed else "on ") + ", ".join(names))
        explained = {reason.kind for reason in paths}  # a graph path says it better than the strategy's summary
        strategy_reasons = [r for r in candidate.reasons if r.kind not in explained]
        title = self.data.catalog.name(candidate.title_id) if candidate.title_id in self.data.catalog.index \
            else candidate.title_id
        return Recommendation(candidate.title_id, title, candidate.score, (*paths, *strategy_reasons, where),
                              tuple(platforms))

