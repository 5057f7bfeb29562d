"""What may be recommended to a viewer now (DESIGN.md, "Scoring"): titles with a window open now in the viewer's
region, trusted at least 0.6 today once decayed (graph/trust.py), and, when asked, on a platform the viewer
subscribes to. Titles the viewer has already interacted with never get this far: every strategy leaves them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mediagateway.graph import trust
from mediagateway.graph.queries import Query
from mediagateway.graph.store import GraphStore


@dataclass(frozen=True)
class Where:
    """Where and when the viewer watches: their region, and the platforms to keep to (None: any)."""

    region_id: str
    now_ms: int
    platforms: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Platform:
    id: str
    name: str


class AvailabilityFilter:
    def __init__(self, store: GraphStore) -> None:
        self.store = store

    async def available(self, title_ids: Sequence[str], where: Where) -> dict[str, list[Platform]]:
        """The titles of `title_ids` the viewer can watch, each with the platforms it is on (by name)."""
        if not title_ids:
            return {}
        rows = await self.store.read(Query.RECOMMEND_AVAILABLE, {
            "ids": list(title_ids), "region": where.region_id, "now": where.now_ms,
            "platforms": list(where.platforms) if where.platforms is not None else None,
            "decay_per_day": trust.DECAY_PER_DAY, "trust_from": trust.RECOMMEND_FROM,
        })
        return {row["id"]: sorted((Platform(p["id"], p["name"] or p["id"]) for p in row["platforms"]),
                                  key=lambda p: p.name) for row in rows}
