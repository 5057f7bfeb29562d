"""Rankings computed ahead: when the live service builds a snapshot, the strategies whose ranking depends on nothing
but the viewer's tastes and the snapshot (`RankedStrategy.ranks_by_tastes`: collaborative over the snapshot, and
content) rank each of the snapshot's most recently active viewers once, in the build's thread.

A request whose viewer's tastes are still those the snapshot read gets that ranking as it is. Any other viewer (one
who watched or rated something since, one the snapshot does not hold or left out) is ranked live, as before. The
answer is the same either way; only its cost differs: on the 100,000-title benchmark catalog these two strategies
are about 5 ms of a request's CPU live (bench/README.md, "Recommendations").

The rankings are kept as arrays, a row of catalog rows and a row of scores per viewer (12 bytes a title ranked, so
2.4 MB per 1,000 viewers for two strategies 100 titles deep), not as objects the garbage collector would walk.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from mediagateway.recommend.context import ViewingContext
from mediagateway.recommend.data import RecommendationData, Viewer
from mediagateway.recommend.strategies import Explanations, RankedStrategy, Scored, check_k


class RankedAhead(RankedStrategy):
    """A strategy answering from the rankings it computed ahead for the snapshot's viewers (`rank_ahead`), and live
    for any other viewer or any deeper ranking."""

    def __init__(self, strategy: RankedStrategy, data: RecommendationData, viewer_ids: Sequence[str], depth: int,
                 ) -> None:
        self.strategy, self.data, self.depth = strategy, data, depth
        self.name = strategy.name
        self._slots = {viewer_id: slot for slot, viewer_id in enumerate(viewer_ids)}
        self._rows: npt.NDArray[np.int32] = np.full((len(viewer_ids), depth), -1, dtype=np.int32)
        self._scores: npt.NDArray[np.float64] = np.zeros((len(viewer_ids), depth), dtype=np.float64)

    async def fill(self) -> None:
        """Rank every viewer of `viewer_ids` through the strategy itself, so the kept rankings are its own."""
        anywhere = ViewingContext()
        index = self.data.catalog.index
        for viewer_id, slot in self._slots.items():
            ranked = await self.strategy.rank(self.data.viewers[viewer_id], self.depth, anywhere)
            self._rows[slot, : len(ranked)] = [index[s.title_id] for s in ranked]
            self._scores[slot, : len(ranked)] = [s.score for s in ranked]

    def holds(self, viewer: Viewer) -> bool:
        """Whether the kept ranking is the viewer's: the snapshot holds them and their tastes have not changed."""
        kept = self.data.viewers.get(viewer.id)
        return viewer.id in self._slots and kept is not None and kept.tastes == viewer.tastes

    async def rank(self, viewer: Viewer, k: int, context: ViewingContext) -> list[Scored]:
        check_k(k)
        if k != self.depth or not self.holds(viewer):  # a shortlist's top 20 need not be its top 100's first 20
            return await self.strategy.rank(viewer, k, context)
        slot = self._slots[viewer.id]
        rows = self._rows[slot, :k]
        rows = rows[rows >= 0]
        ids = self.data.catalog.ids
        return [Scored(ids[row], score) for row, score in zip(rows.tolist(), self._scores[slot, :rows.size].tolist(),
                                                              strict=True)]

    async def explain(self, viewer: Viewer, title_ids: Sequence[str], context: ViewingContext) -> Explanations:
        return await self.strategy.explain(viewer, title_ids, context)


def most_recent_viewers(data: RecommendationData, limit: int) -> list[str]:
    """The ids of the `limit` viewers whose last interaction is the latest (ties by id)."""
    by_recency = sorted(data.viewers.values(), key=lambda v: (-(v.last_seen_at or 0), v.id))
    return [viewer.id for viewer in by_recency[:limit]]


async def rank_ahead(strategies: Sequence[RankedStrategy], data: RecommendationData, viewers: int, depth: int
                     ) -> list[RankedStrategy]:
    """The strategies, those that rank by tastes alone ranked ahead `depth` deep for the `viewers` most recently
    active viewers, the others as they are."""
    chosen = most_recent_viewers(data, viewers)
    kept: list[RankedStrategy] = []
    for strategy in strategies:
        if strategy.ranks_by_tastes and chosen:
            ahead = RankedAhead(strategy, data, chosen, depth)
            await ahead.fill()
            strategy = ahead
        kept.append(strategy)
    return kept
