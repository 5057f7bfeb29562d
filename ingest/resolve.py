"""Entity resolution: source records (`SourceTitle`) to the canonical titles and people of the graph.

Titles are matched in this order, and the evidence that attached each record is kept on its `SourceRecord` as
`match_rule`, with the record or entity it was matched with ("imdb_id ~ tmdb:603", "title+year±1 0.91 ~ a:12"):
1. a record already in the graph stays with the entity it was resolved into (its rule is kept);
2. external ids, IMDb, TMDb (per kind: TMDb numbers films and shows apart) and EIDR, within the batch and against
   the graph;
3. films and shows: blocking and fuzzy scores (`ingest/matching.py`) against the batch and against graph titles
   found by block key (`Content.match_key`) or credited to people already known; seasons and episodes: the same
   canonical parent and number.
Clusters are transitive (union-find) but never hold two IMDb, TMDb or EIDR ids, two graph entities, two native ids
of one source (`ResolverConfig.same_source_distinct`), or records a split set apart (`do_not_merge` on their source
records); and a fuzzy merge never widens a cluster's years beyond the tolerance (no chaining a film to its remake
through a record without a year). Pairs are merged best score first.

People: by IMDb nm id, then the source's own person id, then the normalised name on the same canonical title, then
the normalised name with a co-worker in common (a co-worker of the same name in the batch, the same person in the
graph).

Canonical ids are deterministic (the same records give the same ids):
- a cluster holding a graph entity keeps that entity's id;
- else its external id: `title:imdb:tt0113277`, `title:tmdb:movie:949`, `title:eidr:10.5240/...`; a season or
  episode without one: `<show id>/season-2`, `<season id>/episode-5`;
- else `title:<title slug>-<year>-<hash of the cluster's smallest source key>`;
- people: `person:imdb:nm0000199`, else `person:<source>:<native id>` (the smallest), else
  `person:<name slug>-<hash of the smallest title key with the name>`;
- a derived id another entity already holds (one this cluster may not merge with) gets a hash suffix.
The one order-dependence: an id is fixed when its entity is first written, from the records of that batch; a later
batch keeps it even when its records would derive another (an IMDb id that arrives with a second source).

Attributes: per field, the first value in record rank (more external ids first, then source key). The source
record that created a title (its origin, match rule "new") describes it: a batch holding it writes its values;
a batch of other sources only fills the fields the title lacks, so a second feed's "CITY LIGHTS" does not rename
"City Lights" and re-ingesting either feed, in any order, changes nothing. Credits, genres and moods of every
source are added. Credits point at canonical person ids.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from mediagateway.graph.model import (
    EIDR_PATTERN,
    PARENT_KIND,
    ContentIn,
    ContentKind,
    PersonIn,
    SourceRecordIn,
)
from mediagateway.graph.queries import Query
from mediagateway.graph.repository import GraphRepository
from mediagateway.graph.store import GraphStore
from mediagateway.ingest.matching import (
    Clusters,
    ResolverConfig,
    TitleProfile,
    block_key,
    lookup_keys,
    name_key,
    scored_pairs,
    title_key,
    title_profile,
)
from mediagateway.ingest.normalise import person_name
from mediagateway.ingest.records import SourceTitle

__all__ = ["EntityResolver", "Resolution", "ResolverConfig"]

_STAGES: tuple[frozenset[str], ...] = (
    frozenset({ContentKind.MOVIE.value, ContentKind.SHOW.value}),
    frozenset({ContentKind.SEASON.value}),
    frozenset({ContentKind.EPISODE.value}),
)
_EIDR = re.compile(EIDR_PATTERN)
_RULE_LIMIT = 256
_GRAPH = "\x1f"  # starts the ref of a graph entity in a cluster; no record key can hold it (see graph.model.Id)
_EXACT_RULES = (("imdb", "imdb_id"), ("tmdb", "tmdb_id"), ("eidr", "eidr_id"))


@dataclass
class Resolution:
    contents: list[ContentIn] = field(default_factory=list)
    people: list[PersonIn] = field(default_factory=list)
    source_records: list[SourceRecordIn] = field(default_factory=list)
    title_ids: dict[str, str] = field(default_factory=dict)
    person_ids: dict[str, str] = field(default_factory=dict)
    unresolved: dict[str, str] = field(default_factory=dict)  # SourceTitle.key -> why it has no canonical title
    new_titles: set[str] = field(default_factory=set)  # ids of the contents not in the graph before


# --- what the graph already holds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """A source record already in the graph."""

    entity_id: str | None
    match_rule: str | None
    do_not_merge: tuple[str, ...]


@dataclass(frozen=True)
class GraphPerson:
    id: str
    name: str
    imdb_id: str | None = None


@dataclass(frozen=True)
class GraphTitle:
    id: str
    kind: str
    title: str
    year: int | None
    original_title: str | None
    number: int | None
    parent_id: str | None
    imdb_id: str | None
    tmdb_id: int | None
    eidr_id: str | None
    people: tuple[GraphPerson, ...]
    records: tuple[str, ...]
    origin: tuple[str, ...] = ()  # the source records that created it
    described: Mapping[str, Any] = field(default_factory=dict)  # runtime, synopsis, language, popularity

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> GraphTitle:
        content = row["content"]
        people = tuple(GraphPerson(p["id"], p.get("name") or "", p.get("imdb_id"))
                       for p in row["people"] if p and p.get("id"))
        return cls(
            id=content["id"], kind=content["kind"], title=content.get("title") or "", year=content.get("year"),
            original_title=content.get("original_title"), number=content.get("number"), parent_id=row["parent_id"],
            imdb_id=content.get("imdb_id"), tmdb_id=content.get("tmdb_id"), eidr_id=content.get("eidr_id"),
            people=people, records=tuple(sorted(r for r in row["records"] if r)),
            origin=tuple(sorted(r for r in row.get("origin") or [] if r)),
            described={k: content.get(k) for k in _DESCRIBED},
        )


# --- small helpers ------------------------------------------------------------------------------------------------


def digest(text: str, length: int = 10) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def slug(text: str) -> str:
    return re.sub(r"\W+", "-", text.casefold()).strip("-_")[:60].strip("-_") or "untitled"


def _eidr(value: str | None) -> str | None:
    return value if value and _EIDR.match(value) else None


def person_record_key(source: str, native_person_id: str) -> str:
    """The SourceRecord id of a person as a source names it (kept apart from the source's title keys)."""
    return f"{source}:person:{native_person_id}"


def _rank(record: SourceTitle) -> tuple[int, str]:
    ids = sum(1 for value in (record.imdb_id, record.tmdb_id, _eidr(record.eidr_id)) if value)
    return -ids, record.key


def _first(values: Iterable[Any]) -> Any:
    return next((value for value in values if value is not None), None)


def _first_attribute(records: Sequence[SourceTitle], name: str) -> Any:
    for record in records:
        if (value := getattr(record, name)) is not None:
            return value
    return None


def _payload_hash(record: SourceTitle) -> str:
    return hashlib.sha256(record.model_dump_json(exclude={"line"}).encode()).hexdigest()


def _latest(titles: Sequence[SourceTitle]) -> list[SourceTitle]:
    """One record per key (the one read last when a source repeats a key), sorted by key."""
    chosen: dict[str, SourceTitle] = {}
    for record in titles:
        if record.key not in chosen or record.line >= chosen[record.key].line:
            chosen[record.key] = record
    return [chosen[key] for key in sorted(chosen)]


def _rule(text: str, partner: str) -> str:
    return f"{text} ~ {partner}"[:_RULE_LIMIT]


# --- one resolve call -------------------------------------------------------------------------------------------


@dataclass
class _TitleCluster:
    id: str
    kind: str
    records: list[SourceTitle]  # ranked
    parent_id: str | None
    entity: GraphTitle | None


class _Mention(NamedTuple):  # a tuple: a first load makes one for each of hundreds of thousands of credits
    """One credit of one record: a person as a source names them on a title."""

    ref: str
    source: str
    native_id: str | None
    imdb_id: str | None
    name: str
    key: str
    title_id: str
    record_key: str | None  # the person's SourceRecord id, if the source gave the person an id

    @property
    def person_key(self) -> str:
        return f"{self.source}:{self.native_id or self.name}"


@dataclass
class _Batch:
    known: dict[str, Known]
    graph_people_by_imdb: dict[str, list[GraphPerson]]
    graph_is_empty: bool = False
    graph_titles: dict[str, GraphTitle] = field(default_factory=dict)
    title_ids: dict[str, str] = field(default_factory=dict)
    title_kinds: dict[str, str] = field(default_factory=dict)  # canonical id -> kind, for parents in this batch
    rules: dict[str, str] = field(default_factory=dict)
    clusters: list[_TitleCluster] = field(default_factory=list)
    unresolved: dict[str, str] = field(default_factory=dict)

    def entity_of(self, key: str) -> str | None:
        known = self.known.get(key)
        return known.entity_id if known else None


class EntityResolver:
    def __init__(self, store: GraphStore, config: ResolverConfig = ResolverConfig()) -> None:  # noqa: B008
        self.store = store
        self.config = config

    # --- titles ---------------------------------------------------------------------------------------------------

    async def resolve(self, titles: Sequence[SourceTitle], graph_is_empty: bool = False) -> Resolution:
        """`graph_is_empty`: the caller knows there is nothing in the graph to resolve against, so nothing is
        looked up there (a feed's first load)."""
        records = _latest(titles)
        if graph_is_empty:
            batch = _Batch({}, {}, graph_is_empty=True)
        else:
            batch = _Batch(await self._known(_keys_to_look_up(records)), await self._people_by_imdb(records))
        for kinds in _STAGES:
            await self._resolve_stage(batch, [r for r in records if r.kind in kinds])
        people = await self._resolve_people(batch)
        return self._resolution(batch, people)

    async def _resolve_stage(self, batch: _Batch, records: list[SourceTitle]) -> None:
        parents = self._parents(batch, records)
        records = [r for r in records if r.key not in batch.unresolved]
        if not records:
            return
        graph = await self._graph_candidates(batch, records, parents)
        clusters = self._cluster(batch, records, graph, parents)
        await self._assign_ids(batch, clusters)

    def _parents(self, batch: _Batch, records: Sequence[SourceTitle]) -> dict[str, str]:
        """Record key -> canonical parent id, for seasons and episodes; the ones without go to `unresolved`."""
        parents: dict[str, str] = {}
        for record in records:
            if record.kind not in PARENT_KIND:
                continue
            wanted = PARENT_KIND[ContentKind(record.kind)]
            parent_key = f"{record.source}:{record.parent_native_id}" if record.parent_native_id else None
            parent = batch.title_ids.get(parent_key or "") or batch.entity_of(parent_key or "")
            if parent is None:
                batch.unresolved[record.key] = f"its {wanted} {parent_key or '(none given)'} is not known"
            elif (kind := batch.title_kinds.get(parent)) is not None and kind != wanted:
                batch.unresolved[record.key] = f"its parent {parent_key} is a {kind}, not a {wanted}"
            else:
                parents[record.key] = parent
        return parents

    async def _graph_candidates(
        self, batch: _Batch, records: Sequence[SourceTitle], parents: Mapping[str, str]
    ) -> list[GraphTitle]:
        if batch.graph_is_empty:
            return []
        kinds = {r.kind for r in records}
        first_stage = not kinds & set(PARENT_KIND)
        fresh = [r for r in records if batch.entity_of(r.key) is None]  # known records stay with their entity
        params = {
            "imdb_ids": sorted({r.imdb_id for r in fresh if r.imdb_id}),
            "tmdb_ids": sorted({r.tmdb_id for r in fresh if r.tmdb_id}),
            "eidr_ids": sorted({e for r in fresh if (e := _eidr(r.eidr_id))}),
            "match_keys": sorted(lookup_keys(t for r in fresh for t in (r.title, r.original_title)))
            if first_stage else [],
            "person_years": [{"id": person, "year": year, "key": key}
                             for person, year, key in sorted(self._known_people(batch, fresh), key=str)]
            if first_stage else [],
            "max_person_titles": self.config.max_person_titles,
            "year_tolerance": self.config.year_tolerance,
        }
        ids = {row["id"] for row in await self.store.read(Query.RESOLVE_CONTENT_CANDIDATES, params)}
        if not first_stage:
            rows = await self.store.read(Query.RESOLVE_CHILDREN, {"parent_ids": sorted(set(parents.values()))})
            ids.update(row["id"] for row in rows)
        known = {e for r in records if (e := batch.entity_of(r.key))}
        await self._load_titles(batch, ids | known)
        return [batch.graph_titles[i] for i in sorted(ids | known)
                if i in batch.graph_titles and (i in known or batch.graph_titles[i].kind in kinds)]

    def _known_people(self, batch: _Batch, records: Sequence[SourceTitle]) -> set[tuple[str, int | None, str]]:
        """(graph person, year and block key of the record that credits them) for the people these records credit."""
        found: set[tuple[str, int | None, str]] = set()
        for record in records:
            key = block_key(record.title)
            for credit in record.credits:
                if credit.imdb_id:
                    found.update((p.id, record.year, key)
                                 for p in batch.graph_people_by_imdb.get(credit.imdb_id, []))
                if credit.native_person_id and (entity := batch.entity_of(
                        person_record_key(record.source, credit.native_person_id))):
                    found.add((entity, record.year, key))
        return found

    async def _load_titles(self, batch: _Batch, ids: Iterable[str]) -> None:
        wanted = sorted(set(ids) - batch.graph_titles.keys())
        if wanted:
            for row in await self.store.read(Query.RESOLVE_CONTENTS, {"ids": wanted}):
                title = GraphTitle.from_row(row)
                batch.graph_titles[title.id] = title

    def _cluster(
        self, batch: _Batch, records: Sequence[SourceTitle], graph: Sequence[GraphTitle], parents: Mapping[str, str]
    ) -> list[_TitleCluster]:
        refs = [r.key for r in records] + [_GRAPH + g.id for g in graph]
        attrs = [self._record_attrs(batch, r, parents) for r in records] + [self._graph_attrs(g) for g in graph]
        forbidden = {r.key: batch.known[r.key].do_not_merge for r in records if r.key in batch.known}
        clusters = Clusters(refs, attrs, forbidden, [r.year for r in records] + [g.year for g in graph])
        self._link_known(batch, clusters, records)
        self._link_exact(batch, clusters, attrs)
        if any(r.kind in PARENT_KIND for r in records):
            self._link_by_number(batch, clusters, records, graph, parents)
        else:
            self._link_fuzzy(batch, clusters, records, graph, attrs)
        result = []
        for members in clusters.groups():
            cluster_records = sorted((records[i] for i in members if i < len(records)), key=_rank)
            if not cluster_records:
                continue
            entity = next((graph[i - len(records)] for i in members if i >= len(records)), None)
            result.append(_TitleCluster("", entity.kind if entity else cluster_records[0].kind, cluster_records,
                                        parents.get(cluster_records[0].key), entity))
        return result

    def _record_attrs(self, batch: _Batch, record: SourceTitle, parents: Mapping[str, str]) -> dict[str, str]:
        attrs = {}
        if record.imdb_id:
            attrs["imdb"] = record.imdb_id
        if record.tmdb_id:
            attrs["tmdb"] = f"{record.kind}:{record.tmdb_id}"
        if eidr := _eidr(record.eidr_id):
            attrs["eidr"] = eidr
        if entity := batch.entity_of(record.key):
            attrs["entity"] = entity
        if record.key in parents:
            attrs["parent"] = parents[record.key]
        if self.config.same_source_distinct:
            attrs[f"src:{record.source}"] = record.native_id
        return attrs

    def _graph_attrs(self, title: GraphTitle) -> dict[str, str]:
        attrs = {"entity": title.id}
        if title.imdb_id:
            attrs["imdb"] = title.imdb_id
        if title.tmdb_id:
            attrs["tmdb"] = f"{title.kind}:{title.tmdb_id}"
        if title.eidr_id:
            attrs["eidr"] = title.eidr_id
        if title.parent_id:
            attrs["parent"] = title.parent_id
        if self.config.same_source_distinct:
            natives: dict[str, set[str]] = defaultdict(set)
            for key in title.records:
                source, _, native = key.partition(":")
                natives[source].add(native)
            attrs.update({f"src:{s}": next(iter(n)) for s, n in natives.items() if len(n) == 1})
        return attrs

    def _link_known(self, batch: _Batch, clusters: Clusters, records: Sequence[SourceTitle]) -> None:
        for record in records:
            entity = batch.entity_of(record.key)
            if entity and (_GRAPH + entity) in clusters.index:
                clusters.union(clusters.index[record.key], clusters.index[_GRAPH + entity])

    def _link_exact(self, batch: _Batch, clusters: Clusters, attrs: Sequence[Mapping[str, str]]) -> None:
        for attr, rule in _EXACT_RULES:
            groups: dict[str, list[int]] = defaultdict(list)
            for index, element in enumerate(attrs):
                if attr in element:
                    groups[element[attr]].append(index)
            for value in sorted(groups):
                members = sorted(groups[value], key=lambda i: clusters.refs[i])  # graph refs sort first
                for other in members[1:]:
                    self._union(batch, clusters, members[0], other, rule)

    def _link_fuzzy(
        self, batch: _Batch, clusters: Clusters, records: Sequence[SourceTitle], graph: Sequence[GraphTitle],
        attrs: Sequence[Mapping[str, str]],
    ) -> None:
        sources = [frozenset(name.removeprefix("src:") for name in a if name.startswith("src:")) for a in attrs]
        if len(set(sources)) == 1 and sources[0]:
            return  # all of one source, as in a feed's first load: no pair may merge (candidate_pairs)
        profiles = [_record_profile(r, s) for r, s in zip(records, sources, strict=False)]
        profiles += [_graph_profile(g, s) for g, s in zip(graph, sources[len(records):], strict=True)]
        for i, j, match in scored_pairs(profiles, self.config):
            self._union(batch, clusters, i, j, match.rule, self.config.year_tolerance)

    def _link_by_number(
        self,
        batch: _Batch,
        clusters: Clusters,
        records: Sequence[SourceTitle],
        graph: Sequence[GraphTitle],
        parents: Mapping[str, str],
    ) -> None:
        groups: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        for index, record in enumerate(records):
            if record.number is not None:
                groups[(parents[record.key], record.kind, record.number)].append(index)
        for index, title in enumerate(graph, start=len(records)):
            if title.number is not None and title.parent_id:
                groups[(title.parent_id, title.kind, title.number)].append(index)
        for group in sorted(groups):
            members = sorted(groups[group], key=lambda i: clusters.refs[i])
            for other in members[1:]:
                self._union(batch, clusters, members[0], other, "parent+number")

    def _union(
        self, batch: _Batch, clusters: Clusters, i: int, j: int, rule: str, year_tolerance: int | None = None
    ) -> None:
        if not clusters.union(i, j, year_tolerance):
            return
        a, b = clusters.refs[i], clusters.refs[j]
        for ref, partner in ((a, b), (b, a)):
            if not ref.startswith(_GRAPH) and ref not in batch.rules and batch.entity_of(ref) is None:
                batch.rules[ref] = _rule(rule, partner.removeprefix(_GRAPH))

    async def _assign_ids(self, batch: _Batch, clusters: list[_TitleCluster]) -> None:
        for cluster in clusters:
            cluster.id = cluster.entity.id if cluster.entity else _title_id(cluster)
        await self._avoid_collisions(batch, [c for c in clusters if c.entity is None])
        for cluster in sorted(clusters, key=lambda c: c.id):
            batch.clusters.append(cluster)
            batch.title_kinds[cluster.id] = cluster.kind
            for record in cluster.records:
                batch.title_ids[record.key] = cluster.id

    async def _avoid_collisions(self, batch: _Batch, new: Sequence[_TitleCluster]) -> None:
        """A derived id already taken (by a graph title this cluster may not merge with) gets a hash suffix."""
        ids = sorted({c.id for c in new})
        taken = set()
        if ids and not batch.graph_is_empty:
            taken = {row["id"] for row in await self.store.read(Query.CONTENT_EXISTING_IDS, {"ids": ids})}
        taken |= set(batch.title_kinds)
        for cluster in sorted(new, key=lambda c: c.records[0].key):
            if cluster.id in taken:
                cluster.id = f"{cluster.id}-{digest(min(r.key for r in cluster.records))}"
            taken.add(cluster.id)

    # --- people ---------------------------------------------------------------------------------------------------

    async def _resolve_people(self, batch: _Batch) -> _People:
        mentions = _mentions(batch)
        people = _People(mentions)
        clusters = Clusters([m.ref for m in mentions], [self._mention_attrs(batch, m) for m in mentions])
        graph = _GraphPeople(clusters)
        self._people_known(batch, clusters, graph, mentions, people)
        self._people_exact(batch, clusters, graph, mentions, people)
        self._people_by_title(batch, clusters, graph, mentions, people)
        self._people_by_coworker(clusters, mentions, people)
        if not batch.graph_is_empty:
            await self._people_by_graph_coworker(clusters, graph, mentions, people)
        people.finish(clusters)
        return people

    def _mention_attrs(self, batch: _Batch, mention: _Mention) -> dict[str, str]:
        attrs = {}
        if mention.imdb_id:
            attrs["imdb"] = mention.imdb_id
        if mention.native_id:
            attrs[f"src:{mention.source}"] = mention.native_id
        if mention.record_key and (entity := batch.entity_of(mention.record_key)):
            attrs["entity"] = entity
        return attrs

    def _people_known(
        self, batch: _Batch, clusters: Clusters, graph: _GraphPeople, mentions: Sequence[_Mention], people: _People
    ) -> None:
        for index, mention in enumerate(mentions):
            if mention.record_key and (entity := batch.entity_of(mention.record_key)):
                people.union(clusters, index, graph.add(GraphPerson(entity, "")), None)

    def _people_exact(
        self, batch: _Batch, clusters: Clusters, graph: _GraphPeople, mentions: Sequence[_Mention], people: _People
    ) -> None:
        by_imdb: dict[str, list[int]] = defaultdict(list)
        by_source: dict[tuple[str, str], list[int]] = defaultdict(list)
        for index, mention in enumerate(mentions):
            if mention.imdb_id:
                by_imdb[mention.imdb_id].append(index)
            if mention.native_id:
                by_source[(mention.source, mention.native_id)].append(index)
        for imdb_id in sorted(by_imdb):
            found = sorted(batch.graph_people_by_imdb.get(imdb_id, []), key=lambda p: p.id)
            members = [graph.add(p) for p in found[:1]] + by_imdb[imdb_id]
            for other in members[1:]:
                people.union(clusters, members[0], other, "imdb_id")
        for key in sorted(by_source):
            members = by_source[key]
            for other in members[1:]:  # mentions of one person record: no match between records, so no rule
                people.union(clusters, members[0], other, None)

    def _people_by_title(
        self, batch: _Batch, clusters: Clusters, graph: _GraphPeople, mentions: Sequence[_Mention], people: _People
    ) -> None:
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for index, mention in enumerate(mentions):
            groups[(mention.title_id, mention.key)].append(index)
        for title_id, key in sorted(groups):
            existing = batch.graph_titles.get(title_id)
            credited = sorted((p for p in existing.people if name_key(p.name) == key), key=lambda p: p.id) \
                if existing else []
            members = [graph.add(p) for p in credited[:1]] + groups[(title_id, key)]
            for other in members[1:]:
                people.union(clusters, members[0], other, "name+title")

    def _people_by_coworker(self, clusters: Clusters, mentions: Sequence[_Mention], people: _People) -> None:
        """Same name, and credited with someone of the same name: one person."""
        by_key: dict[str, list[int]] = defaultdict(list)
        for index, mention in enumerate(mentions):
            by_key[mention.key].append(index)
        coworkers = _coworkers(clusters, mentions)  # as the clusters stand before this step
        keys_of: dict[int, set[str]] = defaultdict(set)  # cluster root -> the names its mentions give
        for index, mention in enumerate(mentions):
            keys_of[clusters.find(index)].add(mention.key)
        names: dict[int, set[str]] = {}  # cluster root -> the names of its co-workers, for roots that need them

        def coworker_names(root: int) -> set[str]:
            if root not in names:
                names[root] = set().union(*(keys_of[other] for other in coworkers.get(root, ())))
            return names[root]

        for key in sorted(by_key):
            roots = sorted({clusters.find(i) for i in by_key[key]}, key=lambda r: clusters.refs[r])
            for position, a in enumerate(roots):
                for b in roots[position + 1:]:
                    if (coworker_names(a) & coworker_names(b)) - {key}:
                        people.union(clusters, a, b, "name+co-credit")

    async def _people_by_graph_coworker(
        self, clusters: Clusters, graph: _GraphPeople, mentions: Sequence[_Mention], people: _People
    ) -> None:
        """A person not yet in the graph may be a same-name person credited with one of their co-workers there."""
        coworkers = _coworkers(clusters, mentions)
        wanted: dict[int, set[str]] = {}
        for root in sorted(coworkers, key=lambda r: clusters.refs[r]):
            if "entity" in clusters.attrs(root):
                continue
            entities = {clusters.attrs(c).get("entity") for c in coworkers[root]} - {None}
            if entities:
                wanted[root] = {e for e in entities if e}
        if not wanted:
            return
        rows = await self.store.read(Query.RESOLVE_COWORKERS, {"ids": sorted(set().union(*wanted.values()))})
        found: dict[str, list[GraphPerson]] = defaultdict(list)
        for row in rows:
            found[row["known_id"]].append(GraphPerson(row["id"], row["name"] or "", row["imdb_id"]))
        keys: dict[int, set[str]] = defaultdict(set)
        for index, mention in enumerate(mentions):
            keys[clusters.find(index)].add(mention.key)
        for root, entities in wanted.items():
            candidates = sorted({p for e in entities for p in found[e] if name_key(p.name) in keys[root]},
                                key=lambda p: p.id)
            for candidate in candidates:
                if people.union(clusters, root, graph.add(candidate), "name+co-credit"):
                    break

    # --- the answer -----------------------------------------------------------------------------------------------

    def _resolution(self, batch: _Batch, people: _People) -> Resolution:
        resolution = Resolution(title_ids=dict(batch.title_ids), unresolved=dict(batch.unresolved))
        resolution.people = people.records()
        resolution.person_ids = people.person_ids()
        for cluster in batch.clusters:
            resolution.contents.append(_content(cluster, people))
            if cluster.entity is None:
                resolution.new_titles.add(cluster.id)
            for record in cluster.records:
                resolution.source_records.append(self._title_source_record(batch, record, cluster.id))
        resolution.source_records += people.source_records(batch)
        return resolution

    def _title_source_record(self, batch: _Batch, record: SourceTitle, entity_id: str) -> SourceRecordIn:
        known = batch.known.get(record.key)
        if known and known.entity_id == entity_id:
            rule = known.match_rule or "known"
        else:
            rule = batch.rules.get(record.key, "new")
        return SourceRecordIn(id=record.key, source=record.source, native_id=record.native_id, entity_label="Content",
                              entity_id=entity_id, payload_hash=_payload_hash(record), match_rule=rule)

    # --- graph look-ups -------------------------------------------------------------------------------------------

    async def _known(self, keys: Iterable[str]) -> dict[str, Known]:
        ids = sorted(set(keys))
        if not ids:
            return {}
        known: dict[str, Known] = {}
        for row in sorted(await self.store.read(Query.RESOLVE_SOURCE_RECORDS, {"ids": ids}),
                          key=lambda r: (r["id"], r["entity_id"] or "")):
            known.setdefault(row["id"], Known(row["entity_id"], row["match_rule"], tuple(row["do_not_merge"] or ())))
        return known

    async def _people_by_imdb(self, records: Sequence[SourceTitle]) -> dict[str, list[GraphPerson]]:
        ids = sorted({c.imdb_id for r in records for c in r.credits if c.imdb_id})
        found: dict[str, list[GraphPerson]] = defaultdict(list)
        if ids:
            for row in await self.store.read(Query.RESOLVE_PEOPLE_BY_IMDB, {"imdb_ids": ids}):
                found[row["imdb_id"]].append(GraphPerson(row["id"], row["name"] or "", row["imdb_id"]))
        return found

    # --- split ----------------------------------------------------------------------------------------------------

    async def split(self, canonical_id: str, source_keys: Sequence[str]) -> str:
        """Move `source_keys`' records off `canonical_id` to a new entity, and keep them apart from the rest.

        The new entity copies the old one's descriptive attributes (not its external ids); the next ingest of the
        moved records writes theirs over it, with their credits and genres. Edges the graph cannot trace to a
        source record (credits, genres, windows) stay with the old entity."""
        moved = sorted(set(source_keys))
        rows = await self.store.read(Query.RESOLVE_ENTITY, {"id": canonical_id})
        if not rows:
            raise ValueError(f"no canonical title or person {canonical_id!r}")
        row = rows[0]
        records = {r["id"]: tuple(r.get("do_not_merge") or ()) for r in row["records"] if r and r.get("id")}
        if not moved:
            raise ValueError("name at least one source record to split off")
        if strangers := [key for key in moved if key not in records]:
            raise ValueError(f"{canonical_id!r} was not resolved from {', '.join(strangers)}")
        staying = sorted(set(records) - set(moved))
        if not staying:
            raise ValueError(f"splitting every source record off {canonical_id!r} would leave it with none")
        prefix = "title" if row["label"] == "Content" else "person"
        new_id = f"{prefix}:split:{digest('|'.join([canonical_id, *moved]))}"
        await self._write_split_entity(row, new_id)
        await self.store.write(Query.RESOLVE_SPLIT_MOVE, {"old_id": canonical_id, "new_id": new_id, "rows": [
            {"id": key, "match_rule": f"split from {canonical_id}"[:_RULE_LIMIT],
             "do_not_merge": sorted(set(records[key]) | set(staying))} for key in moved
        ]})
        await self.store.write(Query.RESOLVE_MARK_DO_NOT_MERGE, {"rows": [
            {"id": key, "do_not_merge": sorted(set(records[key]) | set(moved))} for key in staying
        ]})
        return new_id

    async def _write_split_entity(self, row: Mapping[str, Any], new_id: str) -> None:
        props = {k: v for k, v in row["props"].items() if v is not None}
        repository = GraphRepository(self.store)
        if row["label"] == "Person":
            await repository.upsert_people([PersonIn(id=new_id, name=props.get("name") or new_id,
                                                     birth_year=props.get("birth_year"))])
            return
        fields = {k: v for k, v in props.items() if k in ContentIn.model_fields and k not in ("name", "birth_year")}
        fields["match_key"] = block_key(fields["title"])
        await repository.upsert_contents([ContentIn(id=new_id, parent_id=row["parent_id"], **fields)])


# --- people, after titles -----------------------------------------------------------------------------------------


class _GraphPeople:
    """Graph people added to a person `Clusters` as they are found, once each."""

    def __init__(self, clusters: Clusters) -> None:
        self.clusters = clusters
        self.people: dict[str, GraphPerson] = {}

    def add(self, person: GraphPerson) -> int:
        ref = _GRAPH + person.id
        if ref in self.clusters.index:
            if person.name and not self.people[person.id].name:
                self.people[person.id] = person
            return self.clusters.index[ref]
        self.people[person.id] = person
        attrs = {"entity": person.id, **({"imdb": person.imdb_id} if person.imdb_id else {})}
        return self.clusters.add(ref, attrs)


class _People:
    """The person side of a resolution: mention clusters, their canonical ids, names and rules."""

    def __init__(self, mentions: Sequence[_Mention]) -> None:
        self.mentions = list(mentions)  # by ref, as `_mentions` gives them: every pass below goes in this order
        self.rules: dict[str, str] = {}
        self.id_of: dict[str, str] = {}  # mention ref -> canonical person id
        self.persons: dict[str, PersonIn] = {}

    def union(self, clusters: Clusters, i: int, j: int, rule: str | None) -> bool:
        if not clusters.union(i, j):
            return False
        if rule is not None:
            a, b = clusters.refs[i], clusters.refs[j]
            for ref, partner in ((a, b), (b, a)):
                if not ref.startswith(_GRAPH) and ref not in self.rules:
                    self.rules[ref] = _rule(rule, partner.removeprefix(_GRAPH).split("#")[0])
        return True

    def finish(self, clusters: Clusters) -> None:
        by_root: dict[int, list[_Mention]] = defaultdict(list)
        for index, mention in enumerate(self.mentions):
            by_root[clusters.find(index)].append(mention)
        taken: set[str] = set()
        for root in by_root:  # by their first mention: mentions go by ref
            members = by_root[root]
            attrs = clusters.attrs(root)
            person_id = attrs.get("entity") or _person_id(members, attrs)
            if person_id in taken:
                person_id = f"{person_id}-{digest(min(m.ref for m in members))}"
            taken.add(person_id)
            imdb_id = attrs.get("imdb")
            self.persons[person_id] = PersonIn(id=person_id, name=_display_name(members), imdb_id=imdb_id)
            for mention in members:
                self.id_of[mention.ref] = person_id

    def records(self) -> list[PersonIn]:
        return [self.persons[i] for i in sorted(self.persons)]

    def person_ids(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for mention in self.mentions:
            found.setdefault(mention.person_key, self.id_of[mention.ref])
        return found

    def source_records(self, batch: _Batch) -> list[SourceRecordIn]:
        chosen: dict[str, SourceRecordIn] = {}
        rules = self._rules_by_record()
        for mention in self.mentions:
            key = mention.record_key
            if key is None or key in chosen or mention.native_id is None:
                continue
            person_id = self.id_of[mention.ref]
            known = batch.known.get(key)
            if known and known.entity_id == person_id:
                rule = known.match_rule or "known"
            else:
                rule = rules.get(key) or "new"
            chosen[key] = SourceRecordIn(id=key, source=mention.source, native_id=f"person:{mention.native_id}",
                                         entity_label="Person", entity_id=person_id, match_rule=rule)
        return [chosen[k] for k in sorted(chosen)]

    def _rules_by_record(self) -> dict[str, str]:
        """Each person record's match rule: the rule of its first mention (by ref) that has one."""
        found: dict[str, str] = {}
        for mention in self.mentions:
            if mention.record_key is not None and mention.ref in self.rules:
                found.setdefault(mention.record_key, self.rules[mention.ref])
        return found

    def credits_of(self, record: SourceTitle) -> list[tuple[str, Any]]:
        found = ((self.id_of.get(f"{record.key}#{position}"), credit) for position, credit in enumerate(record.credits))
        return [(person_id, credit) for person_id, credit in found if person_id is not None]


def _mentions(batch: _Batch) -> list[_Mention]:
    mentions = []
    for cluster in batch.clusters:
        for record in cluster.records:
            for position, credit in enumerate(record.credits):
                native_id = credit.native_person_id
                mentions.append(_Mention(
                    ref=f"{record.key}#{position}", source=record.source, native_id=native_id,
                    imdb_id=credit.imdb_id, name=credit.name, key=name_key(credit.name), title_id=cluster.id,
                    record_key=person_record_key(record.source, native_id) if native_id else None,
                ))
    return sorted(mentions, key=lambda m: m.ref)


def _coworkers(clusters: Clusters, mentions: Sequence[_Mention]) -> dict[int, set[int]]:
    """Person cluster root -> the roots of everyone credited on a title with them."""
    on_title: dict[str, set[int]] = defaultdict(set)
    for index, mention in enumerate(mentions):
        on_title[mention.title_id].add(clusters.find(index))
    coworkers: dict[int, set[int]] = defaultdict(set)
    for roots in on_title.values():
        for root in roots:
            coworkers[root] |= roots - {root}
    return coworkers


def _person_id(members: Sequence[_Mention], attrs: Mapping[str, str]) -> str:
    if imdb_id := attrs.get("imdb"):
        return f"person:imdb:{imdb_id}"
    native = sorted((m.source, m.native_id) for m in members if m.native_id)
    if native:
        return f"person:{native[0][0]}:{native[0][1]}"
    first = min(members, key=lambda m: (m.ref.split("#")[0], m.key))
    return f"person:{slug(first.name)}-{digest(first.ref.split('#')[0] + '|' + first.key)}"


def _display_name(members: Sequence[_Mention]) -> str:
    """The spelling most mentions use ('Pacino, Al' read as 'Al Pacino'); ties go to a mention with an IMDb id,
    then to the first alphabetically."""
    names = [(_readable(m.name), m.imdb_id) for m in members]
    counts = Counter(name for name, _ in names)
    with_imdb = {name for name, imdb_id in names if imdb_id}
    return min(counts, key=lambda name: (-counts[name], name not in with_imdb, name))


def _readable(name: str) -> str:
    try:
        return person_name(name)
    except ValueError:
        return name


# --- titles: profiles, ids, records -------------------------------------------------------------------------------


def _keys_to_look_up(records: Sequence[SourceTitle]) -> set[str]:
    keys = {r.key for r in records}
    keys |= {f"{r.source}:{r.parent_native_id}" for r in records if r.parent_native_id}
    keys |= {person_record_key(r.source, c.native_person_id) for r in records for c in r.credits
             if c.native_person_id}
    return keys


def _record_profile(record: SourceTitle, sources: Iterable[str]) -> TitleProfile:
    return title_profile(record.key, record.kind, record.title, record.year, record.original_title,
                         [c.name for c in record.credits], sources=sources)


def _graph_profile(title: GraphTitle, sources: Iterable[str]) -> TitleProfile:
    return title_profile(_GRAPH + title.id, title.kind, title.title, title.year, title.original_title,
                         [p.name for p in title.people], fixed=True, sources=sources)


def _title_id(cluster: _TitleCluster) -> str:
    records = cluster.records
    if imdb_id := _first_attribute(records, "imdb_id"):
        return f"title:imdb:{imdb_id}"
    if tmdb_id := _first_attribute(records, "tmdb_id"):
        return f"title:tmdb:{cluster.kind}:{tmdb_id}"
    if eidr_id := _first(_eidr(r.eidr_id) for r in records):
        return f"title:eidr:{eidr_id}"
    number = _first_attribute(records, "number")
    if cluster.parent_id and number is not None:
        return f"{cluster.parent_id}/{cluster.kind}-{number}"
    best = records[0]
    year = _first_attribute(records, "year")
    return f"title:{slug(title_key(best.title))}-{year or 'undated'}-{digest(min(r.key for r in records))}"


_DESCRIBED = ("runtime_minutes", "synopsis", "language", "popularity")


def _content(cluster: _TitleCluster, people: _People) -> ContentIn:
    records = cluster.records
    entity = cluster.entity
    title = records[0].title
    fields: dict[str, Any] = {
        "id": cluster.id,
        "kind": cluster.kind,
        "title": title,
        "parent_id": cluster.parent_id,
        "genres": sorted({g for r in records for g in r.genres})[:50],
        "moods": sorted({m for r in records for m in r.moods})[:50],
        "credits": _credits(records, people),
        "eidr_id": _first(_eidr(r.eidr_id) for r in records),
        "tmdb_id": _first(r.tmdb_id for r in records if r.kind == cluster.kind),
    }
    for name in ("original_title", "year", "runtime_minutes", "synopsis", "language", "number", "imdb_id",
                 "popularity"):
        fields[name] = _first_attribute(records, name)
    if entity is not None and not _from_origin(entity, records):
        # Only the source that created a title describes it; another fills what it left out. So a second feed's
        # "CITY LIGHTS" does not rename "City Lights", and re-ingesting either feed changes nothing.
        current = {"title": entity.title or None, "original_title": entity.original_title, "year": entity.year,
                   **entity.described}
        fields.update({name: value for name, value in current.items() if value is not None})
    fields["match_key"] = block_key(fields["title"])
    return ContentIn(**fields)


def _from_origin(entity: GraphTitle, records: Sequence[SourceTitle]) -> bool:
    origin = entity.origin or entity.records  # titles written before origins were recorded: any known source
    return any(r.key in origin for r in records)


def _credits(records: Sequence[SourceTitle], people: _People) -> list[dict[str, Any]]:
    """The title's credits, as fields of `Credit`s: its `ContentIn` checks them all in one call."""
    chosen: dict[tuple[str, str], dict[str, Any]] = {}
    for record in records:
        for person_id, credit in people.credits_of(record):
            if (person_id, credit.role) not in chosen:
                name = people.persons[person_id].name
                chosen[(person_id, credit.role)] = {"person_id": person_id, "name": name, "role": credit.role,
                                                    "character": credit.character, "order": credit.order}
    return sorted(chosen.values(), key=lambda c: (c["role"], c["order"], c["person_id"]))[:1_000]
