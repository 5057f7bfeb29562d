"""GraphQL types of the catalog, built from the graph model's read types."""

from __future__ import annotations

from enum import Enum

import strawberry

from mediagateway.graph import model


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
        return cls(
            id=strawberry.ID(window.id),
            platform_id=strawberry.ID(window.platform_id),
            platform_name=window.platform_name,
            region_id=window.region_id,
            pricing_model=window.pricing_model,
            price=window.price,
            currency=window.currency,
            quality=[str(q) for q in window.quality],
            audio=[str(a) for a in window.audio],
            download=window.download,
            exclusive=window.exclusive,
            deep_link=window.deep_link,
            available_from=window.available_from,
            available_until=window.available_until,
            trust_score=window.trust_score,
            verification_source=window.verification_source,
            verified_at=window.verified_at,
            demo=window.demo,
        )


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
        content = detail.content
        return cls(
            id=strawberry.ID(content.id),
            kind=ContentKind(content.kind),
            title=content.title,
            original_title=content.original_title,
            year=content.year,
            runtime_minutes=content.runtime_minutes,
            synopsis=content.synopsis,
            language=content.language,
            imdb_id=content.imdb_id,
            tmdb_id=content.tmdb_id,
            genres=[Term(id=strawberry.ID(g.id), name=g.name) for g in detail.genres],
            moods=[Term(id=strawberry.ID(m.id), name=m.name) for m in detail.moods],
            credits=[
                Credit(person_id=strawberry.ID(c.person_id), name=c.name, role=c.role, character=c.character)
                for c in detail.credits
            ],
            parent_id=strawberry.ID(detail.parent_id) if detail.parent_id else None,
            children=[
                ChildContent(id=strawberry.ID(c.id), kind=ContentKind(c.kind), title=c.title, number=c.number)
                for c in detail.children
            ],
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
