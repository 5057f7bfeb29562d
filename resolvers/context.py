"""What every resolver receives: the repository of the process's graph store, and the Redis of its jobs."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from strawberry.types import Info as StrawberryInfo

from mediagateway.graph.repository import GraphRepository


@dataclass(frozen=True)
class RequestContext:
    repository: GraphRepository
    backend: str
    redis: redis.Redis


Info = StrawberryInfo[RequestContext, None]
