"""What may be recommended to a viewer now (DESIGN.md, "Scoring"): titles with a window open now in the viewer's
region, trusted at least 0.6 today once decayed (graph/trust.py), and, when asked, on a platform the viewer
subscribes to. Titles the viewer has already interacted with never get this far: every strategy leaves them out.

**Where the windows come from.** The recommender's snapshot of the graph holds every title's windows
(`WindowSnapshot`), taken with the server's clock. Each write of a window stamps it with that clock
(`written_at`, cypher/availability/window_upsert.cypher), so at each request the filter reads only the windows
written since the snapshot (`recommend/windows_written`, an index range read, beside the viewer's own reads) and
lays them over the snapshot's: the answer is the live graph's, and a re-verified or withdrawn window counts at
once. Checking the 260 or so fused candidates in Cypher instead (`recommend/available`) took 4 to 6 ms of the
store's time a request on the 100,000-title benchmark catalog; it is still how the filter answers without a
snapshot of windows, or when more than `MAX_WRITTEN` windows were written since the snapshot (a large ingest: the
next rebuild of the snapshot takes them in).

What the stamps cannot see: an edit of a window that bypasses the service's statements (a `SET` typed into Neo4j
Browser) counts from the next rebuild of the snapshot (`MG_RECOMMEND_REFRESH_S`); and a platform's name is the
one it had at the snapshot (a platform the snapshot did not know is read at once).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mediagateway.graph import trust
from mediagateway.graph.queries import Query
from mediagateway.graph.store import GraphStore

MAX_WRITTEN = 2_000
"""windows written since the snapshot that a request lays over it; beyond, it asks the graph"""
STAMP_MARGIN_MS = 60_000
"""a write stamped before the snapshot began but committed after it had read that title is read again: a
statement stamps when it runs, so the overlay starts this long before the snapshot"""
_NEVER = np.iinfo(np.int64).max


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


@dataclass(frozen=True)
class Window:
    """A window as the filter needs it."""

    id: str
    title_id: str
    region_id: str
    platform_id: str
    available_from: int
    available_until: int | None
    trust_score: float
    verified_at: int | None


class WindowSnapshot:
    """Every window of a set of titles, as arrays grouped by title (the windows of title i are rows
    `offsets[i]:offsets[i + 1]`), and the platforms' names, as the graph held them at `taken_at` (the server's
    clock, epoch ms)."""

    def __init__(self, title_ids: Sequence[str], title_index: Mapping[str, int], windows: Iterable[Window],
                 taken_at: int, platform_names: Mapping[str, str]) -> None:
        """`title_ids` in row order, `title_index` their rows (the catalog's, recommend/data.py)."""
        self.taken_at = taken_at
        self.platform_names = dict(platform_names)
        """by platform id; a platform met later is added (`AvailabilityFilter`)"""
        self.title_ids, self.title_index = title_ids, title_index
        known = [w for w in windows if w.title_id in self.title_index]
        rows = np.array([self.title_index[w.title_id] for w in known], dtype=np.int64)
        ordered = [known[i] for i in np.argsort(rows, kind="stable")]  # `sorted` held the GIL 90 ms at 300,000
        self.ids = [w.id for w in ordered]
        self.offsets = np.zeros(len(self.title_ids) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=len(self.title_ids)), out=self.offsets[1:])
        self.regions = _Codes(w.region_id for w in ordered)
        self.platforms = _Codes(w.platform_id for w in ordered)
        self.available_from = np.array([w.available_from for w in ordered], dtype=np.int64)
        self.available_until = np.array([_NEVER if w.available_until is None else w.available_until
                                         for w in ordered], dtype=np.int64)
        self.trust_score = np.array([w.trust_score for w in ordered], dtype=np.float64)
        self.verified_at = np.array([_NEVER if w.verified_at is None else w.verified_at for w in ordered],
                                    dtype=np.int64)

    def open(self, title_ids: Sequence[str], where: Where, written: Mapping[str, Sequence[Window]]
             ) -> dict[str, set[str]]:
        """The titles of `title_ids` with a window open to the viewer, each with the platforms it is on; `written`
        (by title) replaces the snapshot's windows of the same id and adds new ones."""
        found: dict[str, set[str]] = {}
        rows = np.array([self.title_index.get(t, -1) for t in title_ids if t not in written], dtype=np.int64)
        for title_row, platform in self._open_windows(rows[rows >= 0], where):
            found.setdefault(self.title_ids[title_row], set()).add(platform)
        overlaid = [t for t in title_ids if t in written]
        if overlaid:  # their windows as they are now, judged the same way
            merged = [w for t in overlaid for w in self._with_written(t, written[t])]
            now = WindowSnapshot(overlaid, {t: i for i, t in enumerate(overlaid)}, merged, self.taken_at, {})
            for title_row, platform in now._open_windows(np.arange(len(overlaid)), where):
                found.setdefault(overlaid[title_row], set()).add(platform)
        return found

    def _open_windows(self, rows: npt.NDArray[np.int64], where: Where) -> Iterable[tuple[int, str]]:
        """(title row, platform) of each window of `rows` open to the viewer: as cypher/recommend/available.cypher
        decides it, in the same arithmetic."""
        region = self.regions.code.get(where.region_id)
        if region is None or not rows.size:
            return []
        starts, counts = self.offsets[rows], self.offsets[rows + 1] - self.offsets[rows]
        first = np.cumsum(counts) - counts
        windows = np.arange(counts.sum()) - np.repeat(first, counts) + np.repeat(starts, counts)
        now = where.now_ms
        age = np.maximum(now - self.verified_at[windows], 0)  # a window never verified does not decay
        keep = (self.regions.codes[windows] == region) & (self.available_from[windows] <= now) \
            & (self.available_until[windows] > now) \
            & (self.trust_score[windows] * (1.0 - trust.DECAY_PER_DAY * age / trust.DAY_MS) >= trust.RECOMMEND_FROM)
        if where.platforms is not None:
            keep &= np.isin(self.platforms.codes[windows], [self.platforms.code.get(p, -1) for p in where.platforms])
        return [(int(row), self.platforms.values[code])
                for row, code in zip(np.repeat(rows, counts)[keep], self.platforms.codes[windows[keep]], strict=True)]

    def _with_written(self, title_id: str, written: Sequence[Window]) -> list[Window]:
        replaced = {w.id for w in written}
        row = self.title_index.get(title_id)
        held = range(self.offsets[row], self.offsets[row + 1]) if row is not None else range(0)
        return [self._window(title_id, i) for i in held if self.ids[i] not in replaced] + list(written)

    def _window(self, title_id: str, i: int) -> Window:
        until, verified = int(self.available_until[i]), int(self.verified_at[i])
        return Window(self.ids[i], title_id, self.regions.values[self.regions.codes[i]],
                      self.platforms.values[self.platforms.codes[i]], int(self.available_from[i]),
                      None if until == _NEVER else until, float(self.trust_score[i]),
                      None if verified == _NEVER else verified)


class _Codes:
    """Small integer codes for a column of a few distinct strings (regions, platforms)."""

    def __init__(self, values: Iterable[str]) -> None:
        self.code: dict[str, int] = {}
        self.codes = np.array([self.code.setdefault(v, len(self.code)) for v in values], dtype=np.int32)
        self.values = list(self.code)


class AvailabilityFilter:
    """Which titles a viewer can watch now, on which platforms: from a `WindowSnapshot` with the windows written
    since laid over it, or from the graph alone when there is no snapshot (see the module's docstring)."""

    def __init__(self, store: GraphStore, snapshot: WindowSnapshot | None = None) -> None:
        self.store = store
        self.snapshot = snapshot

    async def written_since_snapshot(self) -> dict[str, list[Window]] | None:
        """The windows written since the snapshot, by title; None without a snapshot or past `MAX_WRITTEN`."""
        if self.snapshot is None:
            return None
        rows = await self.store.read(Query.RECOMMEND_WINDOWS_WRITTEN, {
            "since": self.snapshot.taken_at - STAMP_MARGIN_MS, "limit": MAX_WRITTEN + 1})
        if len(rows) > MAX_WRITTEN:
            return None
        written: dict[str, list[Window]] = {}
        for row in rows:
            written.setdefault(row["title_id"], []).append(Window(**row))
        return written

    async def available(self, title_ids: Sequence[str], where: Where,
                        written: Mapping[str, Sequence[Window]] | None) -> dict[str, list[Platform]]:
        """The titles of `title_ids` the viewer can watch, each with the platforms it is on (by name); `written`
        is what `written_since_snapshot` read for this request (None: ask the graph)."""
        if not title_ids:
            return {}
        if self.snapshot is None or written is None:
            return await self._from_graph(title_ids, where)
        found = self.snapshot.open(title_ids, where, written)
        names = self.snapshot.platform_names
        unnamed = sorted({p for platforms in found.values() for p in platforms} - names.keys())
        if unnamed:
            names.update(await read_platform_names(self.store, unnamed))
        return {title_id: _by_name(Platform(p, names.get(p) or p) for p in platforms)
                for title_id, platforms in found.items()}

    async def _from_graph(self, title_ids: Sequence[str], where: Where) -> dict[str, list[Platform]]:
        rows = await self.store.read(Query.RECOMMEND_AVAILABLE, {
            "ids": list(title_ids), "region": where.region_id, "now": where.now_ms,
            "platforms": list(where.platforms) if where.platforms is not None else None,
            "decay_per_day": trust.DECAY_PER_DAY, "trust_from": trust.RECOMMEND_FROM,
        })
        return {row["id"]: _by_name(Platform(p["id"], p["name"] or p["id"]) for p in row["platforms"])
                for row in rows}


async def read_platform_names(store: GraphStore, ids: Sequence[str] | None = None) -> dict[str, str]:
    """Platform names by id: of `ids`, or of every platform."""
    rows = await store.read(Query.RECOMMEND_PLATFORM_NAMES, {"ids": list(ids) if ids is not None else None})
    return {row["id"]: row["name"] or row["id"] for row in rows}


def _by_name(platforms: Iterable[Platform]) -> list[Platform]:
    return sorted(platforms, key=lambda p: p.name)
