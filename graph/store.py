"""The one interface the rest of the code uses to reach the graph, whatever the backend.

A store runs named statements from the `QueryBook` of its dialect with parameters, returns rows as dicts, writes
lists of rows in batches, searches vector indexes and bootstraps the schema. Adapters: `FalkorDBStore`
(embedded or external FalkorDB over RESP) and `Neo4jStore` (the official async driver).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from mediagateway.graph.bulk_format import BulkCommand
from mediagateway.graph.errors import FieldProblem, InvalidInput
from mediagateway.graph.model import VectorHit, check_vector
from mediagateway.graph.queries import Dialect, Query, QueryBook

Row = dict[str, Any]
Params = Mapping[str, Any]
QueryObserver = Callable[[str, float, bool], None]
"""Told of every statement a store ran: its name (a `Query` value), seconds taken, and whether it succeeded.
Called on the request's path, so it must be quick and must not raise."""
ChangeListener = Callable[[], Awaitable[None]]
"""Awaited after each write that changes what a search phrase finds (`CHANGES_SEARCH`); must not raise."""

CHANGES_SEARCH = frozenset({
    Query.CONTENT_UPSERT, Query.CONTENT_SET_TEXT_EMBEDDING, Query.PERSON_UPSERT, Query.RESOLVE_SPLIT_MOVE,
    Query.DELETE_ALL,
})
"""The writes of titles' text, people and credits, and text embeddings: what search's candidate lists are read from
(resolvers/search.py). A new statement that writes any of those belongs here."""


class VectorIndex(Enum):
    """The vector indexes of the graph, each with the statement that searches it."""

    CONTENT_TEXT = Query.VECTOR_CONTENT_TEXT
    CONTENT_GNN = Query.VECTOR_CONTENT_GNN
    USER_GNN = Query.VECTOR_USER_GNN

    def dimension(self, schema: SchemaParams) -> int:
        return schema.text_dim if self is VectorIndex.CONTENT_TEXT else schema.gnn_dim


@dataclass(frozen=True)
class SchemaParams:
    """What the schema bootstrap needs to know: vector sizes and HNSW settings."""

    text_dim: int
    gnn_dim: int
    m: int
    ef_construction: int
    ef_runtime: int

    def as_params(self) -> dict[str, int]:
        return {
            "text_dim": self.text_dim,
            "gnn_dim": self.gnn_dim,
            "m": self.m,
            "ef_construction": self.ef_construction,
            "ef_runtime": self.ef_runtime,
        }


def chunks(rows: Sequence[Row], size: int) -> Iterator[Sequence[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


class GraphStore(ABC):
    """Named Cypher against one backend. Subclasses implement `read`, `_write`, `bootstrap_schema`, `close`."""

    dialect: Dialect

    def __init__(self, book: QueryBook, schema: SchemaParams, batch_size: int = 1_000) -> None:
        if book.dialect != self.dialect:
            raise ValueError(f"{type(self).__name__} needs the {self.dialect} query book, got {book.dialect}")
        self.book = book
        self.schema = schema
        self.batch_size = batch_size
        self._observers: list[QueryObserver] = []
        self._change_listeners: list[ChangeListener] = []

    def add_observer(self, observer: QueryObserver) -> None:
        """Have `observer` told of every statement run from now on (metrics)."""
        self._observers.append(observer)

    def _observed(self, name: str, seconds: float, ok: bool) -> None:
        for observer in self._observers:
            observer(name, seconds, ok)

    def add_change_listener(self, listener: ChangeListener) -> None:
        """Have `listener` awaited after each write that changes what search finds (the catalog's generation)."""
        self._change_listeners.append(listener)

    async def _search_changed(self) -> None:
        for listener in self._change_listeners:
            await listener()

    @abstractmethod
    async def read(self, query: Query, params: Params | None = None) -> list[Row]:
        """Run a read-only statement; reads may go to replicas."""

    async def write(self, query: Query, params: Params | None = None) -> list[Row]:
        """Run a statement that writes, in one transaction."""
        rows = await self._write(query, params)
        if query in CHANGES_SEARCH:
            await self._search_changed()
        return rows

    @abstractmethod
    async def _write(self, query: Query, params: Params | None = None) -> list[Row]: ...

    @abstractmethod
    async def bootstrap_schema(self) -> None:
        """Create every constraint, index and vector index; safe to run again."""

    async def ping(self) -> None:
        """Raise `StoreUnavailable` unless the backend answers a statement (credentials and database included)."""
        await self.read(Query.PING)

    @abstractmethod
    async def close(self) -> None: ...

    async def write_batches(self, query: Query, rows: Sequence[Row], batch_size: int | None = None) -> int:
        """Write `rows` as `$rows` in batches, one transaction each; returns how many rows were sent."""
        for batch in chunks(rows, batch_size or self.batch_size):
            await self.write(query, {"rows": list(batch)})
        return len(rows)

    async def vector_search(self, index: VectorIndex, vector: Sequence[float], k: int) -> list[VectorHit]:
        """The k nearest nodes by cosine, best first, scored on one scale for every backend: (1 + cos) / 2."""
        return await self._nearest(index.value, index.dimension(self.schema), vector, k)

    async def exact_text_search(self, vector: Sequence[float], k: int) -> list[VectorHit]:
        """Exact top-k over content text embeddings by a full scan: ground truth for recall."""
        return await self._nearest(Query.EXACT_CONTENT_TEXT, self.schema.text_dim, vector, k)

    async def _nearest(self, query: Query, dimension: int, vector: Sequence[float], k: int) -> list[VectorHit]:
        if not 1 <= k <= 1_000:
            raise InvalidInput([FieldProblem("k", f"must be between 1 and 1000, got {k}")])
        try:
            floats = check_vector(list(vector), dimension, "vector")
        except ValueError as exc:
            raise InvalidInput([FieldProblem("vector", str(exc).removeprefix("vector: "))]) from exc
        rows = await self.read(query, {"k": k, "vector": floats})
        return [VectorHit(id=row["id"], score=row["score"]) for row in rows]

    async def delete_all(self) -> None:
        """Remove every node and edge (tests, benchmarks and `mediagateway db reset`)."""
        await self.write(Query.DELETE_ALL)

    async def node_count(self) -> int:
        rows = await self.read(Query.NODE_COUNT)
        return int(rows[0]["count"])

    can_create_in_bulk = False
    """Whether `create_in_bulk` works here. Neo4j's bulk importer (`neo4j-admin database import`) needs the database
    stopped, so on Neo4j an import goes through the upserts (`GraphRepository.import_catalog`)."""

    async def create_in_bulk(self, commands: Iterable[BulkCommand]) -> None:
        """Build the graph from nothing with the backend's bulk loader: an empty store only (`StoreNotEmpty`).
        If a command, or making one, fails, the store is left empty with its schema, and the error raised."""
        raise NotImplementedError(f"{type(self).__name__} has no bulk loader")
