"""The reads the discovery API is made of: titles, links, availability and people of many ids in one round trip
each, keyword and vector candidates for search, the search filter, and the browse lists.

Every batch read takes a list of ids and answers a dict keyed by id, so the API's DataLoaders can serve a page of
results with a bounded number of round trips. Instants are epoch milliseconds; `now` is always a parameter, so a
read is a function of the graph and its arguments alone.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mediagateway.graph import trust
from mediagateway.graph.model import (
    RELATIONSHIP_ROLE,
    AvailabilityWindow,
    Content,
    ContentKind,
    ContentLinks,
    Out,
    Person,
)
from mediagateway.graph.queries import Query
from mediagateway.graph.repository import GraphRepository, content_links
from mediagateway.graph.store import GraphStore

_WORD = re.compile(r"[^\W_]+")
MAX_KEYWORDS = 12


def keywords(text: str) -> list[str]:
    """The words of a query a full-text index can look up: letters and digits only, lower case, at most 12.
    Everything else (quotes, operators, Cypher or Lucene syntax) is dropped, so any text is a safe query."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        seen.setdefault(word, None)
    return list(seen)[:MAX_KEYWORDS]


def _side_by_side(words: Sequence[str]) -> list[str]:
    return [f"{first} {second}" for first, second in itertools.pairwise(words)]


class LinkKind(StrEnum):
    """What a title is joined to, fetched apart so a page of results asking for genres does not read its cast."""

    TAXONOMY = "taxonomy"
    FAMILY = "family"


_LINK_QUERIES = {LinkKind.TAXONOMY: Query.CONTENT_TAXONOMY_BY_IDS, LinkKind.FAMILY: Query.CONTENT_FAMILY_BY_IDS}


class BrowseList(StrEnum):
    TRENDING = "trending"
    NEW_ON_PLATFORM = "new_on_platform"
    LEAVING_SOON = "leaving_soon"
    BY_GENRE = "by_genre"
    BY_MOOD = "by_mood"


@dataclass(frozen=True)
class CatalogFilter:
    """What a search result must be: conditions on the title, and on one of its windows."""

    kinds: tuple[ContentKind, ...] = ()
    genres: tuple[str, ...] = ()
    moods: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    runtime_min: int | None = None
    runtime_max: int | None = None
    region: str | None = None
    platforms: tuple[str, ...] = ()
    pricing_models: tuple[str, ...] = ()
    quality: tuple[str, ...] = ()
    available_now: bool = False
    leaving_within_days: int | None = None

    @property
    def needs_window(self) -> bool:
        return bool(self.region or self.platforms or self.pricing_models or self.quality or self.available_now
                    or self.leaving_within_days is not None)

    @property
    def statement(self) -> Query:
        """The filter statement with only the stages this filter needs: each stage walks every candidate's edges."""
        if self.genres or self.moods:
            return Query.SEARCH_FILTER
        return Query.SEARCH_FILTER_WINDOWS if self.needs_window else Query.SEARCH_FILTER_TITLES

    def params(self, now: int) -> dict[str, Any]:
        leaving_before = (None if self.leaving_within_days is None
                          else now + self.leaving_within_days * trust.DAY_MS)
        return {
            "kinds": [str(k) for k in self.kinds] or None,
            "genres": list(self.genres),
            "moods": list(self.moods),
            "year_from": self.year_from,
            "year_to": self.year_to,
            "runtime_min": self.runtime_min,
            "runtime_max": self.runtime_max,
            "window": self.needs_window,
            "region": self.region,
            "platforms": list(self.platforms) or None,
            "pricing": list(self.pricing_models) or None,
            "quality": list(self.quality) or None,
            "available_now": self.available_now,
            "leaving_before": leaving_before,
            **trust_params(now),
        }


def trust_params(now: int) -> dict[str, Any]:
    return {"now": now, "decay_per_day": trust.DECAY_PER_DAY, "trust_from": trust.SHOWN_FROM}


class TitleHit(Out):
    id: str
    title: str
    original_title: str | None = None


class PersonHit(Out):
    id: str
    person_id: str
    name: str
    role: str


class Credit(Out):
    role: str
    character: str | None = None
    content: Content


class ContentPage(Out):
    total: int
    contents: list[Content]


@dataclass(frozen=True)
class BrowseRequest:
    list: BrowseList
    now: int
    skip: int
    limit: int
    region: str | None = None
    platform: str | None = None
    genre: str | None = None
    mood: str | None = None
    within_days: int = 30


class DiscoveryReads:
    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.repository = GraphRepository(store)

    # --- batches by id -----------------------------------------------------------------------------------------

    async def contents(self, ids: Sequence[str]) -> dict[str, Content]:
        rows = await self.store.read(Query.CONTENT_BY_IDS, {"ids": list(ids)})
        return {row["content"]["id"]: Content.model_validate(row["content"]) for row in rows}

    async def links(self, kind: LinkKind, ids: Sequence[str]) -> dict[str, ContentLinks]:
        """Each title's links of one kind: only its genres and moods, only its credits, or only its family."""
        rows = await self.store.read(_LINK_QUERIES[kind], {"ids": list(ids)})
        return {row["id"]: content_links(row["links"]) for row in rows}

    async def credited_people(self, ids: Sequence[str]) -> tuple[dict[str, ContentLinks], dict[str, Person]]:
        """Each title's credits, and the people credited, whole."""
        rows = await self.store.read(Query.CONTENT_CREDITS_BY_IDS, {"ids": list(ids)})
        people = {link["node"]["id"]: Person.model_validate(link["node"]) for row in rows for link in row["links"]}
        return {row["id"]: content_links(row["links"]) for row in rows}, people

    async def windows(self, ids: Sequence[str], now: int,
                      region: str | None = None) -> dict[str, list[AvailabilityWindow]]:
        """Windows not ended by `now`, in `region` (every region when None), each title's in no particular order."""
        rows = await self.store.read(Query.WINDOWS_OF_CONTENTS, {"ids": list(ids), "now": now, "region": region})
        return {row["id"]: [AvailabilityWindow.model_validate(w) for w in row["windows"]] for row in rows}

    async def people(self, ids: Sequence[str]) -> dict[str, Person]:
        rows = await self.store.read(Query.PERSON_BY_IDS, {"ids": list(ids)})
        return {row["person"]["id"]: Person.model_validate(row["person"]) for row in rows}

    async def credits_of_people(self, ids: Sequence[str]) -> dict[str, list[Credit]]:
        """Each person's credits, newest title first."""
        rows = await self.store.read(Query.PERSON_CREDITS_BY_IDS, {"ids": list(ids)})
        found: dict[str, list[Credit]] = {}
        for row in rows:
            credits = [Credit(role=RELATIONSHIP_ROLE[c["role"]], character=c["character"], content=c["content"])
                       for c in row["credits"]]
            credits.sort(key=lambda c: (-(c.content.year or 0), c.content.id, c.role))
            found[row["id"]] = credits
        return found

    # --- similar titles ----------------------------------------------------------------------------------------

    async def similar_by_text(self, content_id: str, k: int) -> list[Content]:
        """Titles nearest by text embedding, best first; empty when the title has no embedding yet."""
        rows = await self.store.read(Query.CONTENT_SIMILAR, {"id": content_id, "k": k + 1})
        return [Content.model_validate(row["content"]) for row in rows][:k]

    # --- search ------------------------------------------------------------------------------------------------

    async def title_keyword(self, words: Sequence[str], k: int) -> list[TitleHit]:
        """Titles holding every word, or two words side by side: a title typed in full or in part, not every
        title that shares one common word with a sentence (which also costs the index far more)."""
        if not words:
            return []
        rows = await self.store.read(Query.SEARCH_TITLE_KEYWORD,
                                     {"words": list(words), "phrases": _side_by_side(words), "k": k})
        return [TitleHit.model_validate(row) for row in rows]

    async def person_keyword(self, words: Sequence[str], people: int, k: int) -> list[PersonHit]:
        """Titles of people named by two words side by side ("al pacino"), or by the query's only word."""
        phrases = _side_by_side(words) or list(words)
        if not phrases:
            return []
        rows = await self.store.read(Query.SEARCH_PERSON_KEYWORD, {"phrases": phrases, "people": people, "k": k})
        return [PersonHit.model_validate({**row, "role": RELATIONSHIP_ROLE[row["role"]]}) for row in rows]

    async def passing(self, ids: Sequence[str], catalog_filter: CatalogFilter, now: int, skip: int,
                      limit: int) -> ContentPage:
        """How many titles of `ids` pass the filter, and those of them in [skip, skip + limit), in the order given."""
        if not ids:
            return ContentPage(total=0, contents=[])
        rows = await self.store.read(catalog_filter.statement, {"ids": list(ids), "skip": skip, "limit": limit,
                                                                **catalog_filter.params(now)})
        return ContentPage(total=rows[0]["total"], contents=rows[0]["page"])

    # --- browse lists ------------------------------------------------------------------------------------------

    async def browse(self, request: BrowseRequest) -> ContentPage:
        query, params = _BROWSE[request.list](request)
        rows = await self.store.read(query, {"skip": request.skip, "limit": request.limit, **params})
        if not rows:
            return ContentPage(total=0, contents=[])
        return ContentPage(total=rows[0]["total"], contents=rows[0]["page"])


def _trending(request: BrowseRequest) -> tuple[Query, Mapping[str, Any]]:
    return Query.BROWSE_TRENDING, {"since": request.now - request.within_days * trust.DAY_MS}


def _new_on_platform(request: BrowseRequest) -> tuple[Query, Mapping[str, Any]]:
    return Query.BROWSE_NEW_ON_PLATFORM, {
        "platform": request.platform, "region": request.region,
        "since": request.now - request.within_days * trust.DAY_MS, **trust_params(request.now),
    }


def _leaving_soon(request: BrowseRequest) -> tuple[Query, Mapping[str, Any]]:
    return Query.BROWSE_LEAVING_SOON, {
        "platform": request.platform, "region": request.region,
        "until": request.now + request.within_days * trust.DAY_MS, **trust_params(request.now),
    }


def _by_genre(request: BrowseRequest) -> tuple[Query, Mapping[str, Any]]:
    return Query.BROWSE_BY_GENRE, {"genre": request.genre}


def _by_mood(request: BrowseRequest) -> tuple[Query, Mapping[str, Any]]:
    return Query.BROWSE_BY_MOOD, {"mood": request.mood}


_BROWSE = {
    BrowseList.TRENDING: _trending,
    BrowseList.NEW_ON_PLATFORM: _new_on_platform,
    BrowseList.LEAVING_SOON: _leaving_soon,
    BrowseList.BY_GENRE: _by_genre,
    BrowseList.BY_MOOD: _by_mood,
}
