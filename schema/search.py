"""GraphQL types of search: the filter a client sends, and results that say why they matched."""

from __future__ import annotations

from enum import Enum

import strawberry

from mediagateway.graph.discovery import CatalogFilter
from mediagateway.graph.model import ContentKind as KindValue
from mediagateway.schema.arguments import checked_ids, checked_region
from mediagateway.schema.catalog import Content, ContentKind, PricingModel, Quality
from mediagateway.schema.errors import InvalidArgumentError
from mediagateway.schema.pagination import Edge, PageInfo

MAX_LEAVING_DAYS = 3_650


@strawberry.input(description="Conditions every result must meet; all are optional and combine with AND")
class SearchFilter:
    kinds: list[ContentKind] | None = None  # type: ignore[valid-type]
    genres: list[strawberry.ID] | None = strawberry.field(default=None, description="all of these genres")
    moods: list[strawberry.ID] | None = strawberry.field(default=None, description="all of these moods")
    year_from: int | None = None
    year_to: int | None = None
    runtime_min: int | None = strawberry.field(default=None, description="minutes")
    runtime_max: int | None = strawberry.field(default=None, description="minutes")
    region: str | None = strawberry.field(default=None, description="available in this region (ISO 3166-1 alpha-2)")
    platforms: list[strawberry.ID] | None = strawberry.field(default=None, description="on one of these platforms")
    pricing_models: list[PricingModel] | None = None  # type: ignore[valid-type]
    quality: list[Quality] | None = strawberry.field(default=None, description="in one of these tiers")  # type: ignore[valid-type]
    available_now: bool = strawberry.field(default=False, description="a window open today")
    leaving_within_days: int | None = strawberry.field(default=None, description="a window ending within N days")

    def to_catalog_filter(self) -> CatalogFilter:
        """The filter in graph terms, or an `InvalidArgumentError` naming the field that makes no sense."""
        _check_range("filter.yearFrom", "filter.yearTo", self.year_from, self.year_to)
        _check_range("filter.runtimeMin", "filter.runtimeMax", self.runtime_min, self.runtime_max)
        if self.leaving_within_days is not None and not 0 <= self.leaving_within_days <= MAX_LEAVING_DAYS:
            raise InvalidArgumentError("filter.leavingWithinDays", f"must be between 0 and {MAX_LEAVING_DAYS}")
        return CatalogFilter(
            kinds=tuple(KindValue(k.value) for k in self.kinds or ()),
            genres=checked_ids("filter.genres", self.genres),
            moods=checked_ids("filter.moods", self.moods),
            year_from=self.year_from,
            year_to=self.year_to,
            runtime_min=self.runtime_min,
            runtime_max=self.runtime_max,
            region=checked_region("filter.region", self.region),
            platforms=checked_ids("filter.platforms", self.platforms),
            pricing_models=tuple(p.value for p in self.pricing_models or ()),
            quality=tuple(q.value for q in self.quality or ()),
            available_now=self.available_now,
            leaving_within_days=self.leaving_within_days,
        )


def _check_range(low_name: str, high_name: str, low: int | None, high: int | None) -> None:
    for name, value in ((low_name, low), (high_name, high)):
        if value is not None and not 0 <= value <= 100_000:
            raise InvalidArgumentError(name, f"must be between 0 and 100000, got {value}")
    if low is not None and high is not None and low > high:
        raise InvalidArgumentError(low_name, f"{low} is after {high_name} {high}")


@strawberry.enum(description="Why a result matched")
class MatchReason(Enum):
    SEMANTIC = "semantic"
    TITLE = "title"
    PERSON = "person"


@strawberry.type
class SearchMatch:
    reason: MatchReason
    detail: str = strawberry.field(description="the match in words, e.g. 'Al Pacino (actor)'")
    score: float = strawberry.field(description="semantic: similarity 0..1; title: share of query words in it; "
                                                "person: 1")


@strawberry.type
class SearchEdge(Edge[Content]):
    score: float = strawberry.field(description="the fused rank score; higher is better")
    matches: list[SearchMatch]


@strawberry.type
class SearchConnection:
    total_count: int = strawberry.field(description="results that pass the filter among the best candidates")
    edges: list[SearchEdge]
    page_info: PageInfo
    nodes: list[Content] = strawberry.field(description="The nodes of this page, without their cursors")
