"""FalkorDB's `GRAPH.BULK` wire format: a new graph's nodes and edges as binary blobs.

`GRAPH.BULK <graph> [BEGIN] <nodes> <edges> <node blob count> <edge blob count> <blob>...` builds a graph that does
not exist yet (`BEGIN`), or goes on building the one a previous `GRAPH.BULK` began. A blob holds entities of one
label set (nodes: `Content:Movie`) or one relationship type (edges): a header naming the label or type and the
property names, then for each entity one typed value per property name, null meaning "no such property". Nodes carry
no id: FalkorDB numbers them from 0 in the order it creates them, and an edge names its ends by those numbers. The
format is FalkorDB's design note "GRAPH.BULK endpoint specification".
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

_NULL = b"\x00"
_TRUE = b"\x01\x01"
_FALSE = b"\x01\x00"
_DOUBLE = b"\x02"
_STRING = b"\x03"
_LONG = b"\x04"
_ARRAY = b"\x05"
_END = b"\x00"  # strings are NUL-terminated: the input models reject NUL characters
_int64 = struct.Struct("<q").pack
_uint32 = struct.Struct("<I").pack
_float64 = struct.Struct("<d").pack
_ends = struct.Struct("<QQ").pack

Props = dict[str, Any]
_NO_PROPS: Props = {}


def encode_value(value: Any) -> bytes:
    """One property value, typed: string, integer, double, boolean, list (of these), or null."""
    if isinstance(value, str):
        return _STRING + value.encode() + _END
    if value is None:
        return _NULL
    if value is True:
        return _TRUE
    if value is False:
        return _FALSE
    if isinstance(value, int):
        return _LONG + _int64(value)
    if isinstance(value, float):
        return _DOUBLE + _float64(value)
    if isinstance(value, list | tuple):
        return _ARRAY + _int64(len(value)) + b"".join(encode_value(item) for item in value)
    raise TypeError(f"a graph property cannot hold a {type(value).__name__}")


def _header(name: str, keys: Sequence[str]) -> bytes:
    return name.encode() + _END + _uint32(len(keys)) + b"".join(key.encode() + _END for key in keys)


def _keys(entities: Sequence[Props]) -> list[str]:
    """Every property name of the entities. Entities of a blob mostly share one set of names: they are gathered
    per distinct set."""
    shapes = dict.fromkeys(tuple(props) for props in entities)
    return list(dict.fromkeys(key for shape in shapes for key in shape))


def _column_bytes(values: list[Any]) -> list[bytes]:
    """One property of every entity of a blob, each value possibly null. Encoded a column at a time, so that the
    common columns (strings, integers...) take one comprehension each: row by row, a call per value made encoding
    most of an import."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if kinds == {str}:
        return [_NULL if value is None else _STRING + value.encode() + _END for value in values]
    if kinds == {int}:
        return [_NULL if value is None else _LONG + _int64(value) for value in values]
    if kinds == {float}:
        return [_NULL if value is None else _DOUBLE + _float64(value) for value in values]
    if kinds == {bool}:
        return [_NULL if value is None else _TRUE if value else _FALSE for value in values]
    if kinds == {list}:  # a few distinct lists (qualities, audio formats) repeated many times
        encoded: dict[tuple[Any, ...] | None, bytes] = {}
        result = []
        for value in values:
            key = None if value is None else tuple(value)
            if key not in encoded:
                encoded[key] = encode_value(value)
            result.append(encoded[key])
        return result
    return [encode_value(value) for value in values]


def _interleaved(columns: Sequence[list[bytes]]) -> bytes:
    """Entity by entity, each entity's columns in order: slice assignment lays every column out in one C loop."""
    width = len(columns)
    out: list[bytes] = [b""] * (width * len(columns[0]))
    for position, column in enumerate(columns):
        out[position::width] = column
    return b"".join(out)


def encode_rows(entities: Sequence[Props]) -> tuple[list[str], list[bytes]]:
    """Every property name of the entities, and each entity's values for those names encoded as one row: a part
    of a node blob made ahead of it (`BulkBuffer.encoded_node`)."""
    keys = _keys(entities)
    columns = [_column_bytes([props.get(key) for props in entities]) for key in keys]
    return keys, [b"".join(row) for row in zip(*columns, strict=True)]


def _node_blob(labels: str, nodes: Sequence[Props]) -> bytes:
    keys = _keys(nodes)
    if not keys:  # FalkorDB reads nodes until the blob ends: nodes without properties would take no bytes
        raise ValueError(f"nodes of {labels} need at least one property")
    columns = [_column_bytes([props.get(key) for props in nodes]) for key in keys]
    return _header(labels, keys) + _interleaved(columns)


@dataclass(slots=True)
class _Run:
    """Nodes of one label set in a row: property maps, or rows encoded ahead under `keys`."""

    labels: str
    keys: tuple[str, ...] | None = None
    nodes: list[Any] = field(default_factory=list)

    def blob(self) -> bytes:
        if self.keys is None:
            return _node_blob(self.labels, self.nodes)
        return _header(self.labels, self.keys) + b"".join(self.nodes)


@dataclass(slots=True)
class _Edges:
    """Edges of one type, a list per field: no tuple or dict per edge for the garbage collector to walk."""

    sources: list[int] = field(default_factory=list)
    targets: list[int] = field(default_factory=list)
    props: list[Props | None] = field(default_factory=list)

    def blob(self, kind: str) -> bytes:
        keys = _keys([props for props in self.props if props is not None])
        columns = [[_ends(source, target) for source, target in zip(self.sources, self.targets, strict=True)]]
        columns += [_column_bytes([(props or _NO_PROPS).get(key) for props in self.props]) for key in keys]
        return _header(kind, keys) + _interleaved(columns)


@dataclass(frozen=True)
class BulkCommand:
    """The arguments of one `GRAPH.BULK` after the graph's name."""

    nodes: int
    edges: int
    node_blobs: list[bytes]
    edge_blobs: list[bytes]

    def args(self, begin: bool) -> list[Any]:
        counts = [self.nodes, self.edges, len(self.node_blobs), len(self.edge_blobs)]
        return (["BEGIN"] if begin else []) + counts + self.node_blobs + self.edge_blobs


@dataclass
class BulkBuffer:
    """Nodes and edges waiting for the next command. A node's number is given when it is added: nodes are kept in
    runs of one label set, in the order they came, so the numbers FalkorDB gives them are the same."""

    next_node: int = 0
    size: int = 0  # entities buffered
    edges_taken: dict[str, int] = field(default_factory=dict)  # by type, over every command taken
    _runs: list[_Run] = field(default_factory=list, init=False)
    _edges: dict[str, _Edges] = field(default_factory=dict, init=False)

    def node(self, labels: str, props: Props) -> int:
        return self._add(labels, None, props)

    def encoded_node(self, labels: str, keys: tuple[str, ...], row: bytes) -> int:
        """A node whose values for `keys` are encoded already (`encode_rows`)."""
        return self._add(labels, keys, row)

    def _add(self, labels: str, keys: tuple[str, ...] | None, node: Props | bytes) -> int:
        if not self._runs or self._runs[-1].labels != labels or self._runs[-1].keys != keys:
            self._runs.append(_Run(labels, keys))
        self._runs[-1].nodes.append(node)
        self.size += 1
        self.next_node += 1
        return self.next_node - 1

    def edge(self, kind: str, source: int, target: int, props: Props | None = None) -> None:
        edges = self._edges.get(kind)
        if edges is None:
            edges = self._edges[kind] = _Edges()
        edges.sources.append(source)
        edges.targets.append(target)
        edges.props.append(props)
        self.size += 1

    def take(self) -> BulkCommand:
        """Everything buffered as one command, and an empty buffer."""
        command = BulkCommand(
            nodes=sum(len(run.nodes) for run in self._runs),
            edges=sum(len(edges.sources) for edges in self._edges.values()),
            node_blobs=[run.blob() for run in self._runs],
            edge_blobs=[edges.blob(kind) for kind, edges in self._edges.items()],
        )
        for kind, edges in self._edges.items():
            self.edges_taken[kind] = self.edges_taken.get(kind, 0) + len(edges.sources)
        self._runs, self._edges, self.size = [], {}, 0
        return command
