"""What every resolver receives: the reads of the process's graph store, the request's DataLoaders and clock,
the query encoder for semantic search, and the Redis of its jobs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import redis
from strawberry.types import Info as StrawberryInfo

from mediagateway.graph.discovery import DiscoveryReads
from mediagateway.graph.repository import GraphRepository
from mediagateway.resolvers.loaders import Loaders


class TextQueryEncoder(Protocol):
    def encode_one(self, text: str) -> list[float]: ...


@dataclass(frozen=True)
class RequestContext:
    repository: GraphRepository
    reads: DiscoveryReads
    loaders: Loaders
    now: int
    """Epoch milliseconds when the request arrived: one instant for every availability decision it makes."""
    backend: str
    redis: redis.Redis
    encoder: TextQueryEncoder | None
    """None when semantic search is unavailable (the model could not be loaded): search is by keyword alone."""


Info = StrawberryInfo[RequestContext, None]
