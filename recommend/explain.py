"""Explanations from graph paths, for the titles the live service recommends:

- through people: "directed by Michael Mann, whose “Heat” you rated 5 stars" (a person who made the title also made
  one the viewer rated highly or finished; directors before writers before actors, higher stars first);
- through other viewers: "people who finished “Heat” also finished this" (or "liked", for ratings), naming the
  viewer's title that the most other viewers share with this one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mediagateway.graph.queries import Query
from mediagateway.graph.store import GraphStore
from mediagateway.recommend import signals
from mediagateway.recommend.strategies import Reason, ReasonKind, quoted

_MADE = {"DIRECTED": "directed by", "WROTE": "written by", "ACTED_IN": "starring"}
_ROLE_ORDER = {"DIRECTED": 0, "WROTE": 1, "ACTED_IN": 2}


def person_reason(row: Mapping[str, Any]) -> Reason:
    liked = quoted(row["liked_title"])
    how = f"you rated {row['stars']:g} stars" if row["how"] == "RATED" else "you finished"
    return Reason(ReasonKind.PEOPLE, f"{_MADE[row['role']]} {row['person']}, whose {liked} {how}")


def co_viewer_reason(row: Mapping[str, Any]) -> Reason:
    verb = "finished" if row["how"] == "WATCHED" else "liked"
    viewers = row["viewers"]
    return Reason(ReasonKind.CO_VIEWING, f"people who {verb} {quoted(row['title'])} also {verb} this "
                                         f"({viewers:,} {'viewer' if viewers == 1 else 'viewers'})")


def _strongest_person(rows: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    return min(rows, key=lambda r: (_ROLE_ORDER[r["role"]], -(r["stars"] or 0), r["how"] != "WATCHED",
                                    r["person"], r["liked_title"]))


class PathExplainer:
    def __init__(self, store: GraphStore) -> None:
        self.store = store

    async def explain(self, user_id: str, title_ids: Sequence[str]) -> dict[str, list[Reason]]:
        """Each title's reasons from graph paths, people first; titles without such a path are left out."""
        if not title_ids:
            return {}
        params = {"user_id": user_id, "ids": list(title_ids), "liked_from": signals.LIKED_FROM}
        people: dict[str, list[Mapping[str, Any]]] = {}
        for row in await self.store.read(Query.RECOMMEND_EXPLAIN_PEOPLE, params):
            people.setdefault(row["id"], []).append(row)
        reasons: dict[str, list[Reason]] = {title_id: [person_reason(_strongest_person(rows))]
                                            for title_id, rows in people.items()}
        for row in await self.store.read(Query.RECOMMEND_EXPLAIN_CO_VIEWERS, params):
            if row["title"] is not None:
                reasons.setdefault(row["id"], []).append(co_viewer_reason(row))
        return reasons
