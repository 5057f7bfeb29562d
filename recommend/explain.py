"""Explanations from graph paths, for the titles the live service recommends:

- through people: "directed by Michael Mann, whose “Heat” you rated 5 stars" (a person who made the title also made
  one the viewer rated highly or finished; directors before writers before actors, higher stars first);
- through other viewers: "people who finished “Heat” also finished this" (or "liked", for ratings), naming the
  viewer's title that the most other viewers share with this one.

Both are found over the recommender's snapshot of the graph (recommend/data.py), from the viewer's own titles of the
request (always the fresh ones): the people paths, viewer -> title <- person -> this title, through the snapshot's
credits; the co-viewer paths, viewer -> title -> other viewers -> this title, as sparse products. Walked in Cypher,
the co-viewer paths took 76 ms a request on the 100,000-title benchmark catalog with 10,000 viewers (a popular
title has thousands of viewers), and the people paths 4 to 7 ms of the store's time (a prolific person has made
hundreds of titles). A credit added since the snapshot explains from the next one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import sparse

from mediagateway.recommend import signals
from mediagateway.recommend.data import Floats, Indexes, RecommendationData, Taste, TitleCredits, Viewer
from mediagateway.recommend.strategies import Reason, ReasonKind, quoted

_MADE = {"DIRECTED": "directed by", "WROTE": "written by", "ACTED_IN": "starring"}
_ROLE_ORDER = {"DIRECTED": 0, "WROTE": 1, "ACTED_IN": 2}
FINISHED, LIKED = "WATCHED", "RATED"  # how the viewer and the co-viewers showed they liked a title, as edge types


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


class CoViewerPaths:
    """For a viewer and titles, per title the viewer's title that the most other viewers liked in the same way as the
    viewer and also liked this one that way: all three steps finished watches, or all three ratings of at least
    `signals.LIKED_FROM` stars."""

    def __init__(self, data: RecommendationData) -> None:
        self.data = data
        liked = np.nan_to_num(data.pair_stars, nan=0.0) >= signals.LIKED_FROM
        self._viewers_who = {FINISHED: self._matrix(data.pair_finished), LIKED: self._matrix(liked)}
        self._titles_of = {how: matrix.tocsr() for how, matrix in self._viewers_who.items()}  # a viewer's row, fast
        for titles_of in self._titles_of.values():
            titles_of.sort_indices()  # `_own` looks titles up in a row by bisection

    def _matrix(self, kept: np.ndarray) -> sparse.csc_matrix:
        data = self.data
        return sparse.csc_matrix((np.ones(int(kept.sum())), (data.pair_viewers[kept], data.pair_titles[kept])),
                                 shape=(len(data.viewer_ids), len(data.catalog)))

    def best(self, viewer: Viewer, title_ids: Sequence[str]) -> dict[str, Mapping[str, Any]]:
        """Per title of `title_ids` that has such a path: the shared title's name, how it was liked and by how many
        other viewers."""
        catalog = self.data.catalog
        targets = [t for t in title_ids if t in catalog.index]
        own = self.data.viewer_index.get(viewer.id)
        found: dict[str, tuple[tuple[int, str, int], Mapping[str, Any]]] = {}
        for order, (how, matrix) in enumerate(self._viewers_who.items()):
            seeds = sorted(t for t, taste in viewer.tastes.items() if t in catalog.index and _liked(taste, how))
            if not seeds or not targets:
                continue
            seed_rows, target_rows = catalog.indexes_of(seeds), catalog.indexes_of(targets)
            shared = (matrix[:, seed_rows].T @ matrix[:, target_rows]).toarray()
            if own is not None:  # other viewers only
                shared -= np.outer(self._own(how, own, seed_rows), self._own(how, own, target_rows))
            for column, title_id in enumerate(targets):
                row = int(np.argmax(shared[:, column]))  # the first of equals: the lowest title id
                viewers = int(shared[row, column])
                key = (-viewers, seeds[row], order)
                if viewers > 0 and (title_id not in found or key < found[title_id][0]):
                    found[title_id] = (key, {"title": catalog.name(seeds[row]), "how": how, "viewers": viewers})
        return {title_id: row for title_id, (_, row) in found.items()}

    def _own(self, how: str, viewer_row: int, title_rows: Indexes) -> Floats:
        """The viewer's own entries of the matrix for `how` at `title_rows` (read off the viewer's sparse row: a
        dense copy of the row is a pass over every title)."""
        titles_of = self._titles_of[how]
        start, end = titles_of.indptr[viewer_row], titles_of.indptr[viewer_row + 1]
        columns, values = titles_of.indices[start:end], titles_of.data[start:end]
        found = np.zeros(len(title_rows), dtype=np.float64)
        if columns.size:
            at = np.minimum(np.searchsorted(columns, title_rows), columns.size - 1)
            hit = columns[at] == title_rows
            found[hit] = values[at[hit]]
        return found


def _liked(taste: Taste, how: str) -> bool:
    return taste.finished if how == FINISHED else taste.stars is not None and taste.stars >= signals.LIKED_FROM


class PathExplainer:
    def __init__(self, data: RecommendationData) -> None:
        self.data = data
        self.co_viewers = CoViewerPaths(data)

    def people(self, viewer: Viewer, title_ids: Sequence[str]) -> dict[str, Reason]:
        """Per title of `title_ids` with a path through its people, the strongest one: a person who made it also
        made a title the viewer rated at least `signals.LIKED_FROM` stars or finished."""
        catalog, credits = self.data.catalog, self.data.credits
        if credits is None or not title_ids:
            return {}
        liked_through = self._liked_through(viewer, credits)
        found: dict[str, Reason] = {}
        for title_id in title_ids:
            row = catalog.index.get(title_id)
            paths = [{"person": credits.person_names[person], "role": role, "how": how, "stars": stars,
                      "liked_title": catalog.name(catalog.ids[liked])}
                     for person, role in (credits.of(row) if row is not None else [])
                     for liked, how, stars in liked_through.get(person, ()) if liked != row]
            if paths:
                found[title_id] = person_reason(_strongest_person(paths))
        return found

    def _liked_through(self, viewer: Viewer, credits: TitleCredits) -> dict[int, list[tuple[int, str, float | None]]]:
        """Per person who made a title the viewer liked: (that title's row, how it was liked, the stars)."""
        liked_through: dict[int, list[tuple[int, str, float | None]]] = {}
        for title_id, taste in viewer.tastes.items():
            row = self.data.catalog.index.get(title_id)
            ways = ([(LIKED, taste.stars)] if taste.stars is not None and taste.stars >= signals.LIKED_FROM else []) \
                + ([(FINISHED, None)] if taste.finished else [])
            if row is not None and ways:
                for person, _ in credits.of(row):
                    liked_through.setdefault(person, []).extend((row, how, stars) for how, stars in ways)
        return liked_through

    def co_viewing(self, viewer: Viewer, title_ids: Sequence[str]) -> dict[str, Reason]:
        """Per title of `title_ids` with a path through other viewers, the strongest one."""
        return {title_id: co_viewer_reason(row) for title_id, row in self.co_viewers.best(viewer, title_ids).items()}


def by_title(title_ids: Sequence[str], *paths: Mapping[str, Reason]) -> dict[str, list[Reason]]:
    """Each title's reasons from graph paths, in the order of `paths` (people, then other viewers); titles without
    such a path are left out."""
    reasons = {title_id: [found[title_id] for found in paths if title_id in found] for title_id in title_ids}
    return {title_id: found for title_id, found in reasons.items() if found}
