"""Per-request DataLoaders: every title, link, window list, person and filmography a request needs is fetched in
one batched round trip per kind, however many places in the query ask for it.

Round trips of a search page (see resolvers/search.py): the vector search, the title keyword search, the person
keyword search and the filter (4), then one per kind of data the client selects on the results: availability, genres
and moods, credits with their people, seasons and episodes (1 each). So a page of 50 results with availability,
genres and people costs 7 round trips, whatever the page size, and 4 when the phrase's candidates are kept from an
earlier search (resolvers/search_candidates.py: the filter alone, after a Redis read of the catalog's generation);
tests/test_api_discovery.py checks both. The kinds are apart so that a page asking for genres does not read every
title's cast. Search and browse read a page's windows, genres and moods themselves, when selected, before they
return it (`load_parts`), so that the page then completes without awaiting. Windows are read for the region a field
asks for (`availability(region:)`), or for every region: a page asking for windows in two regions reads them twice,
one asking in a region and in every region once (every region's windows answer for a region too).

A title page (`content(id)` with any of its parts) costs two round trips, side by side, however many aliases ask for
it: the title with all its parts in one statement (`title_page`), and the search for similar titles (a show's
seasons, or a season's episodes, cost one more: the children themselves); tests/test_api_discovery.py checks it.
`whereToWatch` is one round trip: the title with its windows (`title_with_windows`). Recommendations read their
titles and, when the query asks for them, the titles' genres and moods side by side (`prefetch`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from mediagateway.graph import model
from mediagateway.graph.discovery import Credit, DiscoveryReads, LinkKind

K = TypeVar("K")
T = TypeVar("T")
R = TypeVar("R")
WINDOW_FIELDS = frozenset({"availability", "availabilityByRegion"})
"""a title's fields answered from its windows"""
TAXONOMY_FIELDS = frozenset({"genres", "moods"})
"""a title's fields answered from its genres and moods"""
WindowKey = tuple[str, str | None]
"""a title's id and a region, or None for every region"""


class Loaders:
    def __init__(self, reads: DiscoveryReads, now: int) -> None:
        self.reads = reads
        self.now = now
        self.content = DataLoader[str, model.Content | None](load_fn=self._contents)
        self.taxonomy = DataLoader[str, model.ContentLinks](load_fn=self._taxonomy)
        self.credits_of = DataLoader[str, model.ContentLinks](load_fn=self._credits_of)
        self.family = DataLoader[str, model.ContentLinks](load_fn=self._family)
        self.windows = DataLoader[WindowKey, list[model.AvailabilityWindow]](load_fn=self._windows)
        self.person = DataLoader[str, model.Person | None](load_fn=self._people)
        self.credits = DataLoader[str, list[Credit]](load_fn=self._credits)
        self._similar: dict[tuple[str, int], asyncio.Task[list[model.Content]]] = {}
        self._pages: dict[str, asyncio.Task[model.Content | None]] = {}

    def title_page(self, content_id: str) -> asyncio.Task[model.Content | None]:
        """A title, read with its genres, moods, credits and people, family and windows in one round trip, which
        then answer the loaders of those parts without another; read once per request, however many aliases ask."""
        return _once(self._pages, content_id, lambda: self._title_page(content_id))

    async def _title_page(self, content_id: str) -> model.Content | None:
        detail = await self.reads.repository.get_content(content_id)
        if detail is None:
            return None
        self.content.prime(content_id, detail.content)
        self.taxonomy.prime(content_id, model.ContentLinks(genres=detail.genres, moods=detail.moods))
        self.credits_of.prime(content_id, model.ContentLinks(credits=detail.credits))
        for person in detail.people:
            self.person.prime(person.id, person)
        self.family.prime(content_id, model.ContentLinks(parent_id=detail.parent_id, children=detail.children))
        self._prime_windows(content_id, detail.windows)
        return detail.content

    async def title_with_windows(self, content_id: str) -> model.Content | None:
        """A title, read with its availability windows in one round trip, which then answer `windows`."""
        found = await self.reads.repository.get_content_availability(content_id)
        if found is None:
            return None
        self.content.prime(content_id, found.content)
        self._prime_windows(content_id, found.windows)
        return found.content

    def _prime_windows(self, content_id: str, windows: Sequence[model.AvailabilityWindow]) -> None:
        """Prime `windows` as its own read would answer: only the windows not ended by now."""
        now = self.now
        self.windows.prime((content_id, None),
                           [w for w in windows if w.available_until is None or w.available_until > now])

    def window_key(self, content_id: str, region: str | None) -> WindowKey:
        """The key to load a title's windows in `region` (every region when None) by: every region's when they are
        loaded or loading already, as they answer for a region too; else the region's alone, a smaller read."""
        every = (content_id, None)
        return every if region is None or self.windows.cache_map.get(every) is not None else (content_id, region)

    @staticmethod
    def prefetch(loader: DataLoader[str, Any], keys: Sequence[str]) -> None:
        """Start loading `keys` now, beside whatever else is read; whoever asks for them later gets the same read."""
        _quiet(asyncio.ensure_future(loader.load_many(keys)))

    async def load_parts(self, ids: Sequence[str], selected: AbstractSet[str],
                         regions: AbstractSet[str | None] = frozenset({None})) -> None:
        """Read now, side by side, the parts of the titles `ids` that the `selected` fields of a title show (windows,
        in each of `regions` that the window fields ask for, genres and moods): the titles then complete without
        awaiting anything, which saved 0.24 to 0.40 ms a page of 20 search results over HTTP (bench/README.md)."""
        reads = []
        if not selected.isdisjoint(WINDOW_FIELDS):
            read_in = {None} if None in regions else regions
            reads.append(self.windows.load_many([self.window_key(i, region) for region in read_in for i in ids]))
        if not selected.isdisjoint(TAXONOMY_FIELDS):
            reads.append(self.taxonomy.load_many(ids))
        # A failed read fails the fields that ask for it, as it would have without this (the loaders keep it)
        await asyncio.gather(*reads, return_exceptions=True)

    def prime_contents(self, contents: Sequence[model.Content]) -> None:
        for content in contents:
            self.content.prime(content.id, content)

    def similar_titles(self, content_id: str, k: int) -> asyncio.Task[list[model.Content]]:
        """Up to k titles nearest in meaning (text embeddings), or, for a title without an embedding yet, those
        sharing the most people, genres and moods with it; read once per request, from the first call."""
        return _once(self._similar, (content_id, k), lambda: self._similar_titles(content_id, k))

    async def _similar_titles(self, content_id: str, k: int) -> list[model.Content]:
        if k == 0:
            return []
        nearest = await self.reads.similar_by_text(content_id, k)
        if nearest:
            self.prime_contents(nearest)
            return nearest
        ids = [n.content.id for n in await self.reads.repository.neighbourhood(content_id, k)]
        found = await self.content.load_many(ids)
        return [c for c in found if c is not None]

    async def _contents(self, ids: Sequence[str]) -> list[model.Content | None]:
        found = await self.reads.contents(ids)
        return [found.get(i) for i in ids]

    async def _taxonomy(self, ids: Sequence[str]) -> list[model.ContentLinks]:
        found = await self.reads.links(LinkKind.TAXONOMY, ids)
        return [found.get(i) or model.ContentLinks() for i in ids]

    async def _family(self, ids: Sequence[str]) -> list[model.ContentLinks]:
        found = await self.reads.links(LinkKind.FAMILY, ids)
        return [found.get(i) or model.ContentLinks() for i in ids]

    async def _credits_of(self, ids: Sequence[str]) -> list[model.ContentLinks]:
        found, people = await self.reads.credited_people(ids)
        for person in people.values():
            self.person.prime(person.id, person)
        return [found.get(i) or model.ContentLinks() for i in ids]

    async def _windows(self, keys: Sequence[WindowKey]) -> list[list[model.AvailabilityWindow]]:
        ids_in: dict[str | None, list[str]] = {}
        for content_id, region in keys:
            ids_in.setdefault(region, []).append(content_id)
        found = await asyncio.gather(*(self.reads.windows(ids, self.now, region) for region, ids in ids_in.items()))
        found_in = dict(zip(ids_in, found, strict=True))
        return [found_in[region].get(content_id, []) for content_id, region in keys]

    async def _people(self, ids: Sequence[str]) -> list[model.Person | None]:
        found = await self.reads.people(ids)
        return [found.get(i) for i in ids]

    async def _credits(self, ids: Sequence[str]) -> list[list[Credit]]:
        found = await self.reads.credits_of_people(ids)
        credits = [found.get(i, []) for i in ids]
        self.prime_contents([credit.content for person_credits in credits for credit in person_credits])
        return credits


def _once(tasks: dict[K, asyncio.Task[T]], key: K, start: Callable[[], Coroutine[Any, Any, T]]) -> asyncio.Task[T]:
    """The task for `key` in `tasks`, started with `start()` the first time it is asked for."""
    if key not in tasks:
        tasks[key] = asyncio.create_task(start())
        _quiet(tasks[key])
    return tasks[key]


def _quiet(future: asyncio.Future[Any]) -> None:
    """Mark the exception of `future` as seen: a search started for a title that turns out not to exist is never
    awaited, and must not log "exception was never retrieved"; whoever awaits it still gets the exception."""
    future.add_done_callback(lambda done: done.cancelled() or done.exception())


def now_or_later(loader: DataLoader[K, T], key: K, then: Callable[[T], R]) -> R | Awaitable[R]:
    """`then` of the key's value at once when the loader holds it already (primed, or read earlier in the request);
    else a coroutine that loads it first. A resolver that returns this spares graphql-core the awaiting of a field
    whose value is there: for the genres of a page of 20 recommendations, about a millisecond a request."""
    future = loader.cache_map.get(key) if loader.cache else None
    if future is not None and future.done() and not future.cancelled() and future.exception() is None:
        return then(future.result())

    async def later() -> R:
        return then(await loader.load(key))

    return later()
