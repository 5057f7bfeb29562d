"""What every resolver receives: the reads of the process's graph store, the request's DataLoaders and clock,
the query vectors and kept candidate lists of search, and the Redis of its jobs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import redis
from strawberry.types import Info as StrawberryInfo

from mediagateway.graph.discovery import DiscoveryReads
from mediagateway.graph.repository import GraphRepository
from mediagateway.resolvers.loaders import Loaders
from mediagateway.resolvers.query_vectors import QueryVectors
from mediagateway.resolvers.search_candidates import SearchCandidates

if TYPE_CHECKING:
    from mediagateway.recommend.service import Recommender


@dataclass(frozen=True)
class RequestContext:
    repository: GraphRepository
    reads: DiscoveryReads
    loaders: Loaders
    now: int
    """Epoch milliseconds when the request arrived: one instant for every availability decision it makes."""
    backend: str
    redis: redis.Redis
    query_vectors: QueryVectors | None
    """None when semantic search is unavailable (the model could not be loaded): search is by keyword alone."""
    search_candidates: SearchCandidates | None
    """Phrases' candidate lists kept by the host's API processes; None when not kept (read on every search)."""
    recommender: Callable[[], Awaitable[Recommender]]
    """The process's recommender, built on first use from a snapshot of the graph and rebuilt as it ages."""
    viewer_id: str | None = None
    """The signed-in viewer; until sign-in lands, the development header of resolvers/recommendations.py."""


Info = StrawberryInfo[RequestContext, None]
