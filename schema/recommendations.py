"""GraphQL types of recommendations: each result with its score and why, and which strategies ranked them."""

from __future__ import annotations

import strawberry

from mediagateway.recommend.context import Device as DeviceValue
from mediagateway.recommend.strategies import ReasonKind as ReasonKindValue
from mediagateway.schema.catalog import Content, Platform
from mediagateway.schema.pagination import Edge, PageInfo

Device = strawberry.enum(DeviceValue, description="what the viewer watches on")
ReasonKind = strawberry.enum(ReasonKindValue, description="what a piece of an explanation rests on")


@strawberry.input(description="When and how the viewer is about to watch; every part is optional")
class ViewingContextInput:
    device: Device | None = None  # type: ignore[valid-type]
    utc_offset_minutes: int = strawberry.field(default=0, description="how far the viewer's clock is ahead of UTC")


@strawberry.type
class Reason:
    kind: ReasonKind  # type: ignore[valid-type]
    text: str = strawberry.field(description="e.g. 'directed by Michael Mann, whose Heat you rated 5 stars'")


@strawberry.type
class RecommendationEdge(Edge[Content]):
    score: float = strawberry.field(description="the hybrid score; higher is better")
    explanation: str = strawberry.field(description="the reasons in one sentence")
    reasons: list[Reason]
    platforms: list[Platform] = strawberry.field(description="where the viewer can watch it")


@strawberry.type
class StrategyWeight:
    name: str
    weight: float


@strawberry.type(description="Titles for the viewer, best first, with the strategies that ranked them")
class RecommendationConnection:
    total_count: int
    edges: list[RecommendationEdge]
    page_info: PageInfo
    strategies: list[StrategyWeight] = strawberry.field(
        description="the strategies fused for this answer, with their weights (reciprocal rank fusion)")
    nodes: list[Content] = strawberry.field(description="The nodes of this page, without their cursors")
