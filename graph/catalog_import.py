"""A whole catalog as the nodes and edges of a new graph, for the first load of an empty store.

`CatalogGraph` validates the catalog's records batch by batch, as the upserts do, and turns them into the same nodes,
properties and edges the upserts' Cypher writes, as `GRAPH.BULK` commands (`bulk_format.py`). On FalkorDB this fills
an empty store several times faster than the upserts, whose `MERGE`s the single write thread runs one by one
(bench/README.md has the figures). The equal result is checked by a test that loads one catalog both ways and
compares the graphs' digests.

An import is a new graph, so each record appears once in it: a repeated id is bad input here, where an upsert would
update. What a record refers to comes before it: a window's title, platform and region, a season's show (or in the
same batch, as for the upserts). Genres, moods and people named by a title but not given are created the way the
upserts create them, with their id (genres, moods) or the credit's name (people) as name.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from mediagateway.graph.bulk_format import BulkBuffer, BulkCommand, Props
from mediagateway.graph.errors import FieldProblem, InvalidInput
from mediagateway.graph.model import (
    KIND_LABEL,
    MAX_PROBLEMS_LISTED,
    PARENT_KIND,
    ROLE_RELATIONSHIP,
    ContentIn,
    ContentKind,
    PersonIn,
    PlatformIn,
    RegionIn,
    Role,
    SourceRecordIn,
    TaxonomyIn,
    WindowIn,
    validate_batch,
)

Batches = Iterable[Sequence[Any]]
# Nodes and edges a GRAPH.BULK command carries at most: about 10 MB. Small commands keep the server busy from the
# start, while the rest are made (`FalkorDBStore.create_in_bulk`).
COMMAND_ENTITIES = 50_000
_LABELS = {kind: f"Content:{label}" for kind, label in KIND_LABEL.items()}
_PARENT_EDGE = {ContentKind.SEASON: "SEASON_OF", ContentKind.EPISODE: "EPISODE_OF"}


class EncodedWindow(NamedTuple):
    keys: tuple[str, ...]
    row: bytes
    content_id: str
    platform_id: str
    region_id: str


@dataclass(frozen=True)
class EncodedWindows:
    """Windows checked and encoded ahead, a row each under `keys` (`bulk_format.encode_rows`; the window's id
    first), with the ids of the title, platform and region each one joins. A first load has its windows made so by
    a process of their own (`ingest/window_maker.py`). FalkorDB's bulk import takes them; the upserts do not."""

    keys: tuple[str, ...]
    rows: list[bytes]
    content_ids: list[str]
    platform_ids: list[str]
    region_ids: list[str]

    def __iter__(self) -> Iterator[EncodedWindow]:
        return map(EncodedWindow, itertools.repeat(self.keys), self.rows, self.content_ids, self.platform_ids,
                   self.region_ids)


@dataclass
class CatalogParts:
    """A catalog to import, each part an iterable of batches (lists of records or of mappings). Parts are read in
    this order, so that what a record refers to has been given before it."""

    platforms: Batches = ()
    regions: Batches = ()
    genres: Batches = ()
    moods: Batches = ()
    people: Batches = ()
    contents: Batches = ()
    windows: Batches = ()
    encoded_windows: Iterable[EncodedWindows] = ()
    source_records: Batches = ()

    def batches(self) -> Iterator[tuple[str, Batch]]:
        """Every batch in order, with where it is (`contents[3]`), validated: `InvalidInput` names the part, batch,
        record and field of each bad record (`contents[3][17].year`)."""
        for part, model in _PART_MODELS.items():
            for number, batch in enumerate(getattr(self, part)):
                where = f"{part}[{number}]"
                try:
                    yield where, Batch(part, validate_batch(model, batch) if model else list(batch))
                except InvalidInput as exc:
                    raise located(where, exc.problems) from None


@dataclass(frozen=True)
class Batch:
    part: str
    records: list[Any]

    def problems_of_repeats(self, seen: set[str]) -> list[FieldProblem]:
        """Ids of this batch already in `seen` (ids of the part's earlier records), which then takes this batch's."""
        problems = []
        for position, record in enumerate(self.records):
            record_id = record.window_id if isinstance(record, WindowIn) else record.id
            if record_id in seen:
                problems.append(FieldProblem(f"[{position}].id", f"{record_id!r} is already in the import"))
            seen.add(record_id)
        return problems


_PART_MODELS: dict[str, type[Any] | None] = {
    "platforms": PlatformIn, "regions": RegionIn, "genres": TaxonomyIn, "moods": TaxonomyIn, "people": PersonIn,
    "contents": ContentIn, "windows": WindowIn, "encoded_windows": None, "source_records": SourceRecordIn,
}  # None: checked by their maker


def located(where: str, problems: Sequence[FieldProblem]) -> InvalidInput:
    """The problems of a batch, named by where the batch is in the import."""
    return InvalidInput([FieldProblem(where + problem.field, problem.message)
                         for problem in problems[:MAX_PROBLEMS_LISTED]])


@dataclass(frozen=True)
class ImportSummary:
    """What an import created: nodes by label (a title counts under `Content`) and edges by type."""

    nodes: dict[str, int]
    edges: dict[str, int]


@dataclass
class _Parent:
    where: str
    child: int
    kind: ContentKind
    parent_id: str


@dataclass
class CatalogGraph:
    """Turns a catalog into `GRAPH.BULK` commands, numbering nodes as it goes (see `commands`)."""

    written_at: int
    """the windows' write stamp (`written_at`, cypher/availability/window_upsert.cypher): the server's clock"""
    command_entities: int = COMMAND_ENTITIES
    _buffer: BulkBuffer = field(default_factory=BulkBuffer, init=False)
    # by label, each node's number by its id
    _nodes: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict), init=False)
    _kinds: dict[str, ContentKind] = field(default_factory=dict, init=False)
    _parents: list[_Parent] = field(default_factory=list, init=False)
    _node_counts: Counter[str] = field(default_factory=Counter, init=False)

    @property
    def summary(self) -> ImportSummary:
        """What the commands taken so far create."""
        return ImportSummary(dict(sorted(self._node_counts.items())), dict(sorted(self._buffer.edges_taken.items())))

    def commands(self, parts: CatalogParts) -> Iterator[BulkCommand]:
        """The commands that build the catalog's graph, made as they are asked for. Raises `InvalidInput` for the
        first batch with a bad record, naming the part, batch and record: `contents[3][17].year`."""
        adders: dict[str, Callable[[Any, str], list[FieldProblem]]] = {
            "platforms": self._simple("Platform"), "regions": self._simple("Region"), "genres": self._simple("Genre"),
            "moods": self._simple("Mood"), "people": self._simple("Person"), "contents": self._content,
            "windows": self._window, "encoded_windows": self._encoded_window, "source_records": self._source_record,
        }
        for where, batch in parts.batches():
            add = adders[batch.part]
            problems: list[FieldProblem] = []
            for position, record in enumerate(batch.records):
                problems += add(record, f"{where}[{position}]")
                if self._buffer.size >= self.command_entities:
                    _raise(problems)
                    yield self._buffer.take()
            _raise(problems)
        _raise(self._link_parents())
        if self._buffer.size:
            yield self._buffer.take()

    # --- records -------------------------------------------------------------------------------------------------

    def _simple(self, label: str) -> Callable[[Any, str], list[FieldProblem]]:
        def add(record: Any, where: str) -> list[FieldProblem]:
            return self._new_node(label, label, record.id, {"id": record.id, **record.props()}, where)

        return add

    def _content(self, content: ContentIn, where: str) -> list[FieldProblem]:
        # Kinds and roles hold their values (use_enum_values): the tables keyed by the StrEnums take them as they
        # are, and calling the enums for each title and credit was a tenth of an import.
        kind = content.kind
        title_props = {"id": content.id, **content.stored_props()}
        problems = self._new_node("Content", _LABELS[kind], content.id, title_props, where)
        if problems:
            return problems
        title = self._nodes["Content"][content.id]
        self._kinds[content.id] = kind
        edge = self._buffer.edge
        for genre_id in dict.fromkeys(content.genres):
            edge("IN_GENRE", title, self._named_node("Genre", genre_id, genre_id))
        for mood_id in dict.fromkeys(content.moods):
            edge("HAS_MOOD", title, self._named_node("Mood", mood_id, mood_id))
        credits: dict[tuple[int, str], Props] = {}  # the last credit of a person in a role wins, as in the upsert
        for credit in content.credits:
            person = self._named_node("Person", credit.person_id, credit.name)
            if credit.role == Role.ACTOR and credit.character is not None:
                credits[person, "ACTED_IN"] = {"character": credit.character, "order": credit.order}
            else:
                credits[person, ROLE_RELATIONSHIP[credit.role]] = {"order": credit.order}
        for (person, relationship), props in credits.items():
            edge(relationship, person, title, props)
        if content.parent_id:
            self._parents.append(_Parent(where, title, kind, content.parent_id))
        return []

    def _window(self, window: WindowIn, where: str) -> list[FieldProblem]:
        ends, problems = self._window_ends(where, window.content_id, window.platform_id, window.region_id)
        if ends is None:
            return problems
        window_id = window.window_id
        problems = self._new_node("AvailabilityWindow", "AvailabilityWindow", window_id,
                                  {"id": window_id, **window.props(), "written_at": self.written_at}, where)
        if not problems:
            self._window_edges(self._nodes["AvailabilityWindow"][window_id], ends)
        return problems

    def _window_ends(
        self, where: str, content_id: str, platform_id: str, region_id: str
    ) -> tuple[tuple[int, int, int] | None, list[FieldProblem]]:
        """The node numbers of a window's title, platform and region, or what is missing."""
        title = self._nodes["Content"].get(content_id)
        platform = self._nodes["Platform"].get(platform_id)
        region = self._nodes["Region"].get(region_id)
        if title is not None and platform is not None and region is not None:
            return (title, platform, region), []
        return None, [FieldProblem(f"{where}.{name}", f"no {noun} {value!r}") for name, noun, value, node in (
            ("content_id", "title", content_id, title),
            ("platform_id", "platform", platform_id, platform),
            ("region_id", "region", region_id, region)) if node is None]

    def _window_edges(self, window: int, ends: tuple[int, int, int]) -> None:
        title, platform, region = ends
        self._buffer.edge("OF", window, title)
        self._buffer.edge("ON", window, platform)
        self._buffer.edge("IN", window, region)

    def _encoded_window(self, window: EncodedWindow, where: str) -> list[FieldProblem]:
        ends, problems = self._window_ends(where, window.content_id, window.platform_id, window.region_id)
        if ends is not None:
            self._node_counts["AvailabilityWindow"] += 1
            self._window_edges(self._buffer.encoded_node("AvailabilityWindow", window.keys, window.row), ends)
        return problems

    def _source_record(self, record: SourceRecordIn, where: str) -> list[FieldProblem]:
        entity = self._nodes[record.entity_label].get(record.entity_id)
        if entity is None:
            noun = "title" if record.entity_label == "Content" else "person"
            return [FieldProblem(f"{where}.entity_id", f"no {noun} {record.entity_id!r}")]
        problems = self._new_node("SourceRecord", "SourceRecord", record.id, {"id": record.id, **record.props()}, where)
        if not problems:
            self._buffer.edge("SOURCED_FROM", entity, self._nodes["SourceRecord"][record.id])
        return problems

    def _link_parents(self) -> list[FieldProblem]:
        problems = []
        for parent in self._parents:
            expected = PARENT_KIND[parent.kind]
            found = self._kinds.get(parent.parent_id)
            if found is None:
                problems.append(FieldProblem(f"{parent.where}.parent_id", f"no {expected} {parent.parent_id!r}"))
            elif found != expected:
                problems.append(FieldProblem(f"{parent.where}.parent_id",
                                             f"{parent.parent_id!r} is a {found}, not a {expected}"))
            else:
                self._buffer.edge(_PARENT_EDGE[parent.kind], parent.child, self._nodes["Content"][parent.parent_id])
        return problems

    # --- nodes and edges -----------------------------------------------------------------------------------------

    def _new_node(self, label: str, labels: str, node_id: str, props: Props, where: str) -> list[FieldProblem]:
        numbers = self._nodes[label]
        if node_id in numbers:
            return [FieldProblem(f"{where}.id", f"{node_id!r} is already in the import")]
        numbers[node_id] = self._buffer.node(labels, props)
        self._node_counts[label] += 1
        return []

    def _named_node(self, label: str, node_id: str, name: str) -> int:
        """The node of `label` with `node_id`, created with `name` if the import has not given it."""
        if node_id not in self._nodes[label]:
            self._new_node(label, label, node_id, {"id": node_id, "name": name}, "")
        return self._nodes[label][node_id]


def _raise(problems: list[FieldProblem]) -> None:
    if problems:
        raise InvalidInput(problems[:MAX_PROBLEMS_LISTED])
