"""Per-request DataLoaders: every title, link, window list, person and filmography a request needs is fetched in
one batched round trip per kind, however many places in the query ask for it.

Round trips of a search page (see resolvers/search.py): the vector search, the title keyword search, the person
keyword search and the filter (4), then one per kind of data the client selects on the results: availability,
genres and moods, credits with their people, seasons and episodes (1 each). So a page of 50 results with
availability, genres and people costs 7 round trips, whatever the page size; tests/test_api_discovery.py checks
it. The kinds are apart so that a page asking for genres does not read every title's cast.
"""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from mediagateway.graph import model
from mediagateway.graph.discovery import Credit, DiscoveryReads, LinkKind


class Loaders:
    def __init__(self, reads: DiscoveryReads, now: int) -> None:
        self.reads = reads
        self.now = now
        self.content = DataLoader[str, model.Content | None](load_fn=self._contents)
        self.taxonomy = DataLoader[str, model.ContentLinks](load_fn=self._taxonomy)
        self.credits_of = DataLoader[str, model.ContentLinks](load_fn=self._credits_of)
        self.family = DataLoader[str, model.ContentLinks](load_fn=self._family)
        self.windows = DataLoader[str, list[model.AvailabilityWindow]](load_fn=self._windows)
        self.person = DataLoader[str, model.Person | None](load_fn=self._people)
        self.credits = DataLoader[str, list[Credit]](load_fn=self._credits)

    def prime_contents(self, contents: Sequence[model.Content]) -> None:
        for content in contents:
            self.content.prime(content.id, content)

    async def similar_titles(self, content_id: str, k: int) -> list[model.Content]:
        """Up to k titles nearest in meaning (text embeddings), or, for a title without an embedding yet, those
        sharing the most people, genres and moods with it."""
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

    async def _windows(self, ids: Sequence[str]) -> list[list[model.AvailabilityWindow]]:
        found = await self.reads.windows(ids, self.now)
        return [found.get(i, []) for i in ids]

    async def _people(self, ids: Sequence[str]) -> list[model.Person | None]:
        found = await self.reads.people(ids)
        return [found.get(i) for i in ids]

    async def _credits(self, ids: Sequence[str]) -> list[list[Credit]]:
        found = await self.reads.credits_of_people(ids)
        credits = [found.get(i, []) for i in ids]
        self.prime_contents([credit.content for person_credits in credits for credit in person_credits])
        return credits
