"""Neighbour sampling for GraphSAGE training over CSR tensors, the project's own (DESIGN.md, "Why PyTorch Geometric").

PyG's `NeighborLoader` needs `pyg-lib` or `torch-sparse`, which PyPI does not carry for this torch, so training
samples its mini-batch subgraphs here. Each relation (source type, name, destination type) is held as a CSR of
incoming neighbours: the sources of destination node `d` are `col[rowptr[d]:rowptr[d + 1]]`. From the seed nodes,
each hop picks up to the hop's fan-out neighbours per node and relation, uniformly and without replacement, and
the nodes first reached in a hop are the ones the next hop expands: what PyG's `NeighborLoader` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

EdgeType = tuple[str, str, str]


def _empty_index() -> Tensor:
    return torch.zeros(0, dtype=torch.long)


@dataclass(frozen=True)
class CsrAdjacency:
    """The incoming neighbours of one relation, grouped by destination node."""

    rowptr: Tensor
    col: Tensor
    num_sources: int

    @classmethod
    def from_edges(cls, sources: Tensor, destinations: Tensor, num_sources: int, num_destinations: int) -> CsrAdjacency:
        if sources.shape != destinations.shape or sources.dim() != 1:
            raise ValueError(f"sources and destinations must be 1-d of one length, got {tuple(sources.shape)} "
                             f"and {tuple(destinations.shape)}")
        _check_range(sources, num_sources, "source")
        _check_range(destinations, num_destinations, "destination")
        order = torch.argsort(destinations, stable=True)
        counts = torch.bincount(destinations, minlength=num_destinations)
        rowptr = torch.zeros(num_destinations + 1, dtype=torch.long)
        rowptr[1:] = torch.cumsum(counts, 0)
        return cls(rowptr=rowptr, col=sources[order].long(), num_sources=num_sources)

    @property
    def num_destinations(self) -> int:
        return self.rowptr.numel() - 1

    def degree(self, destinations: Tensor) -> Tensor:
        return self.rowptr[destinations + 1] - self.rowptr[destinations]

    def sample(
        self, destinations: Tensor, fanout: int, generator: torch.Generator, excluded: Tensor | None = None
    ) -> tuple[Tensor, Tensor]:
        """Up to `fanout` incoming edges of each destination (all of them if `fanout` < 0), chosen uniformly
        without replacement among those whose key (`edge_key`) is not in `excluded`: (sources, destinations)."""
        starts = self.rowptr[destinations]
        degrees = self.rowptr[destinations + 1] - starts
        total = int(degrees.sum())
        if total == 0:
            return _empty_index(), _empty_index()
        segment = torch.repeat_interleave(torch.arange(destinations.numel()), degrees)
        first_of_segment = torch.cumsum(degrees, 0) - degrees
        positions = starts[segment] + torch.arange(total) - first_of_segment[segment]
        sources, targets = self.col[positions], destinations[segment]
        if excluded is not None and excluded.numel():
            kept = ~torch.isin(edge_key(sources, targets, self.num_destinations), excluded)
            sources, targets, segment = sources[kept], targets[kept], segment[kept]
        if fanout < 0 or sources.numel() == 0:
            return sources, targets
        # A random key per candidate edge, ordered within its destination's segment: the first `fanout` of each
        # segment are a uniform sample without replacement.
        keys = segment.double() + torch.rand(segment.numel(), generator=generator, dtype=torch.float64)
        order = torch.argsort(keys, stable=True)
        counts = torch.bincount(segment, minlength=destinations.numel())
        segment_starts = torch.cumsum(counts, 0) - counts
        rank = torch.arange(order.numel()) - segment_starts[segment[order]]
        chosen = order[rank < fanout]
        return sources[chosen], targets[chosen]


def edge_key(sources: Tensor, destinations: Tensor, num_destinations: int) -> Tensor:
    """One integer per (source, destination) pair of a relation, for excluding edges from a sample."""
    return sources.long() * num_destinations + destinations.long()


def _check_range(indexes: Tensor, size: int, what: str) -> None:
    if indexes.numel() and (int(indexes.min()) < 0 or int(indexes.max()) >= size):
        raise ValueError(f"{what} indexes must be in [0, {size}), got {int(indexes.min())}..{int(indexes.max())}")


@dataclass(frozen=True)
class HeteroCsr:
    """Every relation of a heterogeneous graph as a `CsrAdjacency`, with the node count of each type."""

    num_nodes: Mapping[str, int]
    relations: Mapping[EdgeType, CsrAdjacency]

    @classmethod
    def from_edge_index(cls, num_nodes: Mapping[str, int], edge_index: Mapping[EdgeType, Tensor]) -> HeteroCsr:
        relations: dict[EdgeType, CsrAdjacency] = {}
        for edge_type, edges in edge_index.items():
            source_type, _, destination_type = edge_type
            if source_type not in num_nodes or destination_type not in num_nodes:
                raise ValueError(f"relation {edge_type} joins a node type without a node count")
            relations[edge_type] = CsrAdjacency.from_edges(
                edges[0], edges[1], num_nodes[source_type], num_nodes[destination_type]
            )
        return cls(num_nodes=dict(num_nodes), relations=relations)


@dataclass(frozen=True)
class SampledSubgraph:
    """A mini-batch subgraph. `nodes[t]` holds the graph indexes of its nodes of type t: the seeds first in the
    order given, then those first reached in hop 1, hop 2, ...; `edge_index[r]` is [2, E] of local indexes into
    those (row 0 sources, row 1 destinations), the edges sampled in hop 1 first. `nodes_within[t][h]` counts the
    nodes of type t reached within h hops (h = 0: the seeds), `edges_within[r][h]` the edges sampled within h
    hops (h = 0: none): a layer that only needs h hops around the seeds reads the first ones of each."""

    nodes: dict[str, Tensor]
    edge_index: dict[EdgeType, Tensor]
    nodes_within: dict[str, list[int]]
    edges_within: dict[EdgeType, list[int]]


class NeighbourSampler:
    """Samples the subgraph that `len(fanout)` message-passing layers need around a set of seed nodes."""

    def __init__(self, graph: HeteroCsr, fanout: Sequence[int], seed: int) -> None:
        if not fanout:
            raise ValueError("fanout needs one entry per layer, got none")
        self.graph = graph
        self.fanout = tuple(fanout)
        self.generator = torch.Generator().manual_seed(seed)

    def sample(
        self, seeds: Mapping[str, Tensor], excluded: Mapping[EdgeType, Tensor] | None = None
    ) -> SampledSubgraph:
        """The subgraph around `seeds` (distinct graph indexes per node type). `excluded[r]` holds keys
        (`edge_key`) of edges of relation r that must not be sampled: the edges a batch is asked to predict."""
        local_of = {t: torch.full((n,), -1, dtype=torch.long) for t, n in self.graph.num_nodes.items()}
        nodes = {t: [_empty_index()] for t in self.graph.num_nodes}
        frontier: dict[str, Tensor] = {}
        for node_type, indexes in seeds.items():
            indexes = indexes.long()
            self._check_seeds(node_type, indexes)
            local_of[node_type][indexes] = torch.arange(indexes.numel())
            nodes[node_type] = [indexes]
            frontier[node_type] = indexes
        sampled: dict[EdgeType, list[tuple[Tensor, Tensor]]] = {r: [] for r in self.graph.relations}
        nodes_within = {t: [_count(parts)] for t, parts in nodes.items()}
        edges_within: dict[EdgeType, list[int]] = {r: [0] for r in self.graph.relations}
        for hop, fanout in enumerate(self.fanout):
            # An excluded edge joins two seeds, and only the first hop expands seeds.
            exclusions = (excluded or {}) if hop == 0 else {}
            reached: dict[str, list[Tensor]] = {}
            for relation, adjacency in self.graph.relations.items():
                source_type, _, destination_type = relation
                destinations = frontier.get(destination_type)
                if destinations is not None and destinations.numel():
                    sources, targets = adjacency.sample(destinations, fanout, self.generator, exclusions.get(relation))
                    sampled[relation].append((sources, targets))
                    new = torch.unique(sources[local_of[source_type][sources] < 0])
                    local_of[source_type][new] = _count(nodes[source_type]) + torch.arange(new.numel())
                    nodes[source_type].append(new)
                    reached.setdefault(source_type, []).append(new)
                edges_within[relation].append(_count(source for source, _ in sampled[relation]))
            frontier = {t: torch.cat(parts) for t, parts in reached.items()}
            for node_type, parts in nodes.items():
                nodes_within[node_type].append(_count(parts))
        return SampledSubgraph(
            nodes={t: torch.cat(parts) for t, parts in nodes.items()},
            edge_index={r: _local_edges(parts, local_of[r[0]], local_of[r[2]]) for r, parts in sampled.items()},
            nodes_within=nodes_within,
            edges_within=edges_within,
        )

    def _check_seeds(self, node_type: str, indexes: Tensor) -> None:
        if node_type not in self.graph.num_nodes:
            raise ValueError(f"seed node type {node_type!r} is not in the graph ({', '.join(self.graph.num_nodes)})")
        _check_range(indexes, self.graph.num_nodes[node_type], f"{node_type} seed")
        if torch.unique(indexes).numel() != indexes.numel():
            raise ValueError(f"{node_type} seeds must be distinct")


def _count(parts: Iterable[Tensor]) -> int:
    return sum(part.numel() for part in parts)


def _local_edges(parts: list[tuple[Tensor, Tensor]], source_local: Tensor, destination_local: Tensor) -> Tensor:
    if not parts:
        return torch.zeros((2, 0), dtype=torch.long)
    sources = torch.cat([s for s, _ in parts])
    destinations = torch.cat([d for _, d in parts])
    return torch.stack([source_local[sources], destination_local[destinations]])
