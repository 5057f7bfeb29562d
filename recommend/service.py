"""Recommendations for the live service: the hybrid ranking (recommend/hybrid.py) over the live graph, then the
filters (recommend/filters.py), then explanations from graph paths (recommend/explain.py).

`Recommender.build` reads a snapshot of the graph for the strategies that learn from one (content, context,
popularity) and runs the collaborative walk in Cypher against the live graph at each request; a trained GraphSAGE
model, when given, adds the gnn strategy and its title vectors. The viewer's own interactions are read at each
request, so what they watched a minute ago is already left out.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from mediagateway.graph.errors import FieldProblem, InvalidInput
from mediagateway.graph.repository import GraphRepository
from mediagateway.graph.store import GraphStore
from mediagateway.recommend.context import ViewingContext
from mediagateway.recommend.data import RecommendationData, Viewer
from mediagateway.recommend.explain import PathExplainer
from mediagateway.recommend.filters import AvailabilityFilter, Platform, Where
from mediagateway.recommend.hybrid import DEFAULT_WEIGHTS, FusionWeights, HybridStrategy, TitleVectors
from mediagateway.recommend.strategies import (
    ContentStrategy,
    ContextStrategy,
    EmbeddingModel,
    GnnStrategy,
    GraphCollaborativeStrategy,
    PopularityStrategy,
    Reason,
    ReasonKind,
    Scored,
    Strategy,
)

MAX_RESULTS = 100
HISTORY_LIMIT = 1_000
CANDIDATES = 300  # ranked before filtering, so that enough are left after it


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
        self.filter = AvailabilityFilter(store)
        self.explainer = PathExplainer(store)

    @classmethod
    async def build(cls, store: GraphStore, model: EmbeddingModel | None = None,
                    weights: FusionWeights = DEFAULT_WEIGHTS) -> Recommender:
        data = await RecommendationData.load(store)
        popularity = PopularityStrategy(data)
        strategies: list[Strategy] = [GraphCollaborativeStrategy(store), ContentStrategy(data),
                                      ContextStrategy(data, popularity)]
        gnn = GnnStrategy(model, data) if model is not None else None
        if gnn is not None:
            strategies.append(gnn)
        vectors = TitleVectors.of(data, gnn.title_vectors if gnn is not None else None)
        return cls(store, data, HybridStrategy(strategies, popularity, vectors, weights, pool=CANDIDATES))

    async def recommend(self, user_id: str, request: RecommendationRequest | None = None) -> list[Recommendation]:
        """Up to `k` titles for the user, available where they watch, each with why."""
        request = request or RecommendationRequest()
        if not 1 <= request.k <= MAX_RESULTS:
            raise InvalidInput([FieldProblem("k", f"must be between 1 and {MAX_RESULTS}, got {request.k}")])
        viewer, where = await self._viewer(user_id, request)
        context = replace(request.context, now_ms=where.now_ms)
        candidates = [c for c in await self.hybrid.ranked(viewer, context, CANDIDATES) if c.title_id not in viewer.seen]
        available = await self.filter.available([c.title_id for c in candidates], where)
        kept = [c for c in candidates if c.title_id in available][: request.k]
        paths = await self.explainer.explain(user_id, [c.title_id for c in kept]) if viewer.tastes else {}
        return [self._recommendation(c, paths.get(c.title_id, []), available[c.title_id], viewer) for c in kept]

    async def _viewer(self, user_id: str, request: RecommendationRequest) -> tuple[Viewer, Where]:
        user = await self.repository.get_user(user_id)
        if user is None:
            raise InvalidInput([FieldProblem("user_id", f"no user {user_id!r}")])
        region = request.region_id or user.region_id
        if region is None:
            raise InvalidInput([FieldProblem("region_id", f"user {user_id!r} has no region; say where they watch")])
        if request.only_subscriptions and not user.subscriptions:
            raise InvalidInput([FieldProblem("only_subscriptions", f"user {user_id!r} subscribes to no platform")])
        interactions = await self.repository.interactions_of(user_id, HISTORY_LIMIT)
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

