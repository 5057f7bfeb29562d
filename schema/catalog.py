"""GraphQL types of the catalog: titles of every kind, people, genres, moods, platforms, regions and availability.

Each type is built from a read model of `mediagateway.graph.model`; what it links to is fetched through the
request's DataLoaders (resolvers/loaders.py), so asking for the same thing in many places costs one round trip.
Every list is a Relay connection (schema/pagination.py).
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime
from enum import Enum
from itertools import groupby

import strawberry

from mediagateway.graph import model, trust
from mediagateway.resolvers.context import Info
from mediagateway.resolvers.loaders import now_or_later
from mediagateway.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, connection, paginate

SIMILAR_PAGE_SIZE = 10

ContentKind = strawberry.enum(model.ContentKind, description="movie, show, season or episode")
PricingModel = strawberry.enum(model.PricingModel, description="SVOD subscription, TVOD rent or buy, AVOD ads, FREE")
Transaction = strawberry.enum(model.Transaction, description="what a TVOD price buys")
Quality = strawberry.enum(model.Quality)
AudioFormat = strawberry.enum(model.AudioFormat)
VerificationSource = strawberry.enum(model.VerificationSource, description="where an availability fact came from")


@strawberry.enum(description="a person's part in a title")
class Role(Enum):
    ACTOR = "actor"
    DIRECTOR = "director"
    WRITER = "writer"


def instant(epoch_ms: int | None) -> datetime | None:
    return None if epoch_ms is None else datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)


@strawberry.interface(description="Anything with an id the API can fetch again with `node(id)`")
class Node:
    id: strawberry.ID


@strawberry.type
class Genre(Node):
    name: str | None


@strawberry.type
class Mood(Node):
    name: str | None


@strawberry.type
class Platform(Node):
    name: str | None


@strawberry.type
class Region:
    id: str = strawberry.field(description="ISO 3166-1 alpha-2 code")
    name: str | None


@strawberry.type(description="A title on a platform in a region for a time, under license terms")
class AvailabilityWindow(Node):
    platform: Platform
    region: Region
    pricing_model: PricingModel  # type: ignore[valid-type]
    transaction: Transaction | None  # type: ignore[valid-type]
    price: float | None
    currency: str | None
    quality: list[Quality]  # type: ignore[valid-type]
    audio: list[AudioFormat]  # type: ignore[valid-type]
    download: bool
    exclusive: bool
    deep_link: str | None
    deep_link_tv: str | None
    available_from: datetime
    available_until: datetime | None = strawberry.field(description="null: no end announced")
    trust_score: float = strawberry.field(
        description="how far this can be believed today, 0 to 1: the verified score, decayed 1% a day since"
    )
    verification_source: VerificationSource  # type: ignore[valid-type]
    verified_at: datetime
    warning: str | None = strawberry.field(description="set when trust is below 0.6: check before relying on it")
    demo: bool = strawberry.field(description="true for generated demo availability, not a real offer")

    @classmethod
    def of(cls, window: model.AvailabilityWindow, now: int) -> AvailabilityWindow:
        score = trust.effective_trust(window.trust_score, window.verified_at, now)
        return cls(
            id=strawberry.ID(window.id),
            platform=Platform(id=strawberry.ID(window.platform_id), name=window.platform_name),
            region=Region(id=window.region_id, name=window.region_name),
            pricing_model=window.pricing_model,
            transaction=window.transaction,
            price=window.price,
            currency=window.currency,
            quality=list(window.quality),
            audio=list(window.audio),
            download=window.download,
            exclusive=window.exclusive,
            deep_link=window.deep_link,
            deep_link_tv=window.deep_link_tv,
            available_from=instant(window.available_from),  # type: ignore[arg-type]
            available_until=instant(window.available_until),
            trust_score=round(score, 4),
            verification_source=window.verification_source,
            verified_at=instant(window.verified_at),  # type: ignore[arg-type]
            warning=trust.warning(score),
            demo=window.demo,
        )


def cost_to_watch(window: model.AvailabilityWindow) -> float:
    """What a window costs on top of a subscription: its price for TVOD, nothing otherwise."""
    return (window.price or 0.0) if window.pricing_model == model.PricingModel.TVOD else 0.0


def shown_windows(windows: list[model.AvailabilityWindow], now: int, region: str | None = None,
                  platforms: list[str] | None = None) -> list[model.AvailabilityWindow]:
    """The windows a viewer is shown: trusted today at least 0.5, in `region` and on `platforms` when given,
    grouped by region and platform (the platform with the cheapest offer first), cheapest first."""
    kept = [
        w for w in windows
        if trust.effective_trust(w.trust_score, w.verified_at, now) >= trust.SHOWN_FROM
        and (region is None or w.region_id == region)
        and (not platforms or w.platform_id in platforms)
    ]
    cheapest_on: dict[tuple[str, str], float] = {}
    for w in kept:
        key = (w.region_id, w.platform_id)
        cheapest_on[key] = min(cheapest_on.get(key, float("inf")), cost_to_watch(w))
    return sorted(kept, key=lambda w: (w.region_id, cheapest_on[(w.region_id, w.platform_id)], w.platform_id,
                                       cost_to_watch(w), w.id))


def _shown(windows: list[model.AvailabilityWindow], now: int, region: str | None,
           platforms: list[strawberry.ID] | None) -> list[AvailabilityWindow]:
    shown = shown_windows(windows, now, region, [str(p) for p in platforms] if platforms else None)
    return [AvailabilityWindow.of(w, now) for w in shown]


@strawberry.type(description="The offers of one platform in one region, cheapest first")
class PlatformAvailability:
    platform: Platform
    windows: Connection[AvailabilityWindow]


@strawberry.type(description="Where a title can be watched in one region, the platform with the cheapest offer first")
class RegionAvailability:
    region: Region
    platforms: Connection[PlatformAvailability]


def grouped_by_region(windows: list[AvailabilityWindow]) -> list[RegionAvailability]:
    """Windows already in `shown_windows` order, grouped by region, then by platform."""
    regions = []
    for _, in_region in groupby(windows, key=lambda w: w.region.id):
        in_region_list = list(in_region)
        platforms = [
            PlatformAvailability(platform=group[0].platform, windows=paginate(group, None, None))
            for group in (list(g) for _, g in groupby(in_region_list, key=lambda w: w.platform.id))
        ]
        regions.append(RegionAvailability(region=in_region_list[0].region,
                                          platforms=paginate(platforms, None, None)))
    return regions


@strawberry.type(description="A person's part in a title")
class Credit:
    role: Role
    character: str | None
    person_id: strawberry.Private[str]
    content_id: strawberry.Private[str]

    @strawberry.field
    async def person(self, info: Info) -> Person | None:
        found = await info.context.loaders.person.load(self.person_id)
        return Person.of(found) if found else None

    @strawberry.field
    async def content(self, info: Info) -> Content | None:
        found = await info.context.loaders.content.load(self.content_id)
        return content_of(found) if found else None


@strawberry.interface(description="A title: a movie, a show, a season or an episode")
class Content(Node):
    kind: ContentKind  # type: ignore[valid-type]
    title: str
    original_title: str | None
    year: int | None
    runtime_minutes: int | None
    synopsis: str | None
    language: str | None
    imdb_id: str | None
    tmdb_id: int | None
    popularity: float | None

    @strawberry.field(graphql_type=Connection[Genre])
    def genres(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE,
               after: str | None = None) -> Connection[Genre] | Awaitable[Connection[Genre]]:
        return now_or_later(info.context.loaders.taxonomy, str(self.id), lambda links: paginate(
            [Genre(id=strawberry.ID(g.id), name=g.name) for g in links.genres], first, after))

    @strawberry.field(graphql_type=Connection[Mood])
    def moods(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE,
              after: str | None = None) -> Connection[Mood] | Awaitable[Connection[Mood]]:
        return now_or_later(info.context.loaders.taxonomy, str(self.id), lambda links: paginate(
            [Mood(id=strawberry.ID(m.id), name=m.name) for m in links.moods], first, after))

    @strawberry.field(description="Directors first, then writers, then the cast in billing order")
    async def credits(self, info: Info, role: Role | None = None, first: int | None = DEFAULT_PAGE_SIZE,
                      after: str | None = None) -> Connection[Credit]:
        links = await info.context.loaders.credits_of.load(str(self.id))
        order = {"director": 0, "writer": 1, "actor": 2}
        credits = sorted(links.credits, key=lambda c: (order[c.role], c.order or 0, c.person_id))
        return paginate([Credit(role=Role(c.role), character=c.character, person_id=c.person_id,
                                content_id=str(self.id))
                         for c in credits if role is None or c.role == role.value], first, after)

    @strawberry.field(graphql_type=Connection[AvailabilityWindow],
                      description="Windows open now or announced, trusted at least 0.5 today, grouped by region "
                                  "and platform, cheapest first; filter by region and platforms")
    def availability(self, info: Info, region: str | None = None, platforms: list[strawberry.ID] | None = None,
                     first: int | None = DEFAULT_PAGE_SIZE, after: str | None = None,
                     ) -> Connection[AvailabilityWindow] | Awaitable[Connection[AvailabilityWindow]]:
        now, loaders = info.context.now, info.context.loaders
        return now_or_later(loaders.windows, loaders.window_key(str(self.id), region), lambda windows: paginate(
            _shown(windows, now, region, platforms), first, after))

    @strawberry.field(graphql_type=Connection[RegionAvailability],
                      description="The same windows as `availability`, grouped by region, then by platform")
    def availability_by_region(self, info: Info, region: str | None = None,
                               platforms: list[strawberry.ID] | None = None,
                               first: int | None = DEFAULT_PAGE_SIZE, after: str | None = None,
                               ) -> Connection[RegionAvailability] | Awaitable[Connection[RegionAvailability]]:
        now, loaders = info.context.now, info.context.loaders
        return now_or_later(loaders.windows, loaders.window_key(str(self.id), region), lambda windows: paginate(
            grouped_by_region(_shown(windows, now, region, platforms)), first, after))

    @strawberry.field(description="Titles close to this one in meaning (text embeddings), or sharing people, "
                                  "genres and moods when it has no embedding yet")
    async def similar(self, info: Info, first: int | None = SIMILAR_PAGE_SIZE) -> Connection[Content]:
        page = PageRequest.of(first, None)
        found = await info.context.loaders.similar_titles(str(self.id), page.size)
        return connection([content_of(c) for c in found], len(found), page)


@strawberry.type
class Movie(Content):
    pass


@strawberry.type
class Show(Content):
    @strawberry.field(description="Seasons in order")
    async def seasons(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE,
                      after: str | None = None) -> Connection[Season]:
        return paginate(await _children(info, str(self.id)), first, after)  # type: ignore[arg-type]


@strawberry.type
class Season(Content):
    number: int | None

    @strawberry.field
    async def show(self, info: Info) -> Show | None:
        return await _parent(info, str(self.id))  # type: ignore[return-value]

    @strawberry.field(description="Episodes in order")
    async def episodes(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE,
                       after: str | None = None) -> Connection[Episode]:
        return paginate(await _children(info, str(self.id)), first, after)  # type: ignore[arg-type]


@strawberry.type
class Episode(Content):
    number: int | None

    @strawberry.field
    async def season(self, info: Info) -> Season | None:
        return await _parent(info, str(self.id))  # type: ignore[return-value]


async def _children(info: Info, content_id: str) -> list[Content]:
    links = await info.context.loaders.family.load(content_id)
    found = await info.context.loaders.content.load_many([child.id for child in links.children])
    return [content_of(child) for child in found if child is not None]


async def _parent(info: Info, content_id: str) -> Content | None:
    links = await info.context.loaders.family.load(content_id)
    if links.parent_id is None:
        return None
    parent = await info.context.loaders.content.load(links.parent_id)
    return content_of(parent) if parent else None


_KIND_TYPES: dict[model.ContentKind, type[Content]] = {
    model.ContentKind.MOVIE: Movie,
    model.ContentKind.SHOW: Show,
    model.ContentKind.SEASON: Season,
    model.ContentKind.EPISODE: Episode,
}


def content_of(summary: model.Content) -> Content:
    """The GraphQL type of a title's kind, filled from its summary."""
    kind_type = _KIND_TYPES[model.ContentKind(summary.kind)]
    values = {
        "id": strawberry.ID(summary.id), "kind": model.ContentKind(summary.kind), "title": summary.title,
        "original_title": summary.original_title, "year": summary.year, "runtime_minutes": summary.runtime_minutes,
        "synopsis": summary.synopsis, "language": summary.language, "imdb_id": summary.imdb_id,
        "tmdb_id": summary.tmdb_id, "popularity": summary.popularity,
    }
    if kind_type in (Season, Episode):
        values["number"] = summary.number
    return kind_type(**values)


@strawberry.type(description="A person, with their filmography")
class Person(Node):
    name: str
    birth_year: int | None
    imdb_id: str | None

    @classmethod
    def of(cls, person: model.Person) -> Person:
        return cls(id=strawberry.ID(person.id), name=person.name, birth_year=person.birth_year,
                   imdb_id=person.imdb_id)

    @strawberry.field(description="Titles this person made or played in, newest first")
    async def filmography(self, info: Info, role: Role | None = None, first: int | None = DEFAULT_PAGE_SIZE,
                          after: str | None = None) -> Connection[Credit]:
        credits = await info.context.loaders.credits.load(str(self.id))
        return paginate([Credit(role=Role(c.role), character=c.character, person_id=str(self.id),
                                content_id=c.content.id)
                         for c in credits if role is None or c.role == role.value], first, after)
