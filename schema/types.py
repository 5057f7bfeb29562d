"""GraphQL types of the catalog, built from the graph model's read types."""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel

from mediagateway.graph import model
from mediagateway.jobs.queue import JobView

T = TypeVar("T")


def from_model(cls: type[T], source: BaseModel, **overrides: Any) -> T:
    """A GraphQL type filled from the read model of the same shape: its fields by name, plain JSON values (enums as
    their values), then `overrides` for what differs (nested types, GraphQL enums)."""
    names = {field.name for field in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{**source.model_dump(mode="json", include=names - overrides.keys()), **overrides})


@strawberry.enum
class ContentKind(Enum):
    MOVIE = "movie"
    SHOW = "show"
    SEASON = "season"
    EPISODE = "episode"


@strawberry.type
class Term:
    id: strawberry.ID
    name: str | None


@strawberry.type
class Credit:
    person_id: strawberry.ID
    name: str | None
    role: str
    character: str | None


@strawberry.type
class AvailabilityWindow:
    id: strawberry.ID
    platform_id: strawberry.ID
    platform_name: str | None
    region_id: str
    pricing_model: str
    price: float | None
    currency: str | None
    quality: list[str]
    audio: list[str]
    download: bool
    exclusive: bool
    deep_link: str | None
    available_from: float = strawberry.field(description="epoch milliseconds")
    available_until: float | None = strawberry.field(description="epoch milliseconds; null: open-ended")
    trust_score: float
    verification_source: str
    verified_at: float = strawberry.field(description="epoch milliseconds")
    demo: bool = strawberry.field(description="true for generated demo availability, not a real offer")

    @classmethod
    def of(cls, window: model.AvailabilityWindow) -> AvailabilityWindow:
        return from_model(cls, window)


@strawberry.type
class ChildContent:
    id: strawberry.ID
    kind: ContentKind
    title: str
    number: int | None


@strawberry.type
class Content:
    id: strawberry.ID
    kind: ContentKind
    title: str
    original_title: str | None
    year: int | None
    runtime_minutes: int | None
    synopsis: str | None
    language: str | None
    imdb_id: str | None
    tmdb_id: int | None
    genres: list[Term]
    moods: list[Term]
    credits: list[Credit]
    parent_id: strawberry.ID | None
    children: list[ChildContent]
    availability: list[AvailabilityWindow]

    @classmethod
    def of(cls, detail: model.ContentDetail) -> Content:
        return from_model(
            cls,
            detail.content,
            kind=ContentKind(detail.content.kind),
            genres=[from_model(Term, g) for g in detail.genres],
            moods=[from_model(Term, m) for m in detail.moods],
            credits=[from_model(Credit, c) for c in detail.credits],
            parent_id=detail.parent_id,
            children=[from_model(ChildContent, c, kind=ContentKind(c.kind)) for c in detail.children],
            availability=[AvailabilityWindow.of(w) for w in detail.windows],
        )


@strawberry.type
class LabelCount:
    label: str
    count: int


@strawberry.type
class Stats:
    backend: str
    nodes: list[LabelCount]


@strawberry.type(description="A background job (ingest, embed) and its progress")
class Job:
    id: strawberry.ID
    function: str
    status: str = strawberry.field(description="queued, started, finished, failed, scheduled, deferred, canceled")
    done: int = strawberry.field(description="items done so far")
    total: int | None = strawberry.field(description="items in all, when known")
    stage: str | None
    result: str | None = strawberry.field(description="the job's report, as JSON, once finished")
    error: str | None

    @classmethod
    def of(cls, view: JobView) -> Job:
        fields = {field.name for field in dataclasses.fields(cls)}  # type: ignore[arg-type]
        values = {name: value for name, value in dataclasses.asdict(view).items() if name in fields}
        return cls(**{**values, "result": None if view.result is None else json.dumps(view.result)})
