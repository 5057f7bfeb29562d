"""What every resolver receives: the repository of the process's graph store."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.types import Info as StrawberryInfo

from mediagateway.graph.repository import GraphRepository


@dataclass(frozen=True)
class RequestContext:
    repository: GraphRepository
    backend: str


Info = StrawberryInfo[RequestContext, None]
