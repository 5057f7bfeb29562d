"""The ingestion pipeline: parsed items in, canonical hypergraph out, chunk by chunk.

For each chunk of items a connector yields:
1. rejected records go to the quarantine;
2. titles are resolved to canonical entities (`EntityResolver`) and written: people, titles, source records;
3. offers find their canonical title (this chunk's resolution, else the source record already in the graph, else
   the title's IMDb or TMDb id) and become availability windows; platforms and regions are created as needed;
4. interactions find their title the same way and are written with their users.

A record that cannot be written (an offer whose title is unknown, an episode whose season never arrived) is
quarantined with the reason; the rest of the chunk goes on. Every write is an idempotent MERGE, so a chunk
written twice (after a worker died half-way through it) leaves the graph as if written once: `skip` resumes
after the last chunk that was reported done.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, TypeAlias

from mediagateway.graph.errors import InvalidInput
from mediagateway.graph.model import SOURCE_RELIABILITY, InteractionIn, TaxonomyIn, UserIn, VerificationSource, WindowIn
from mediagateway.graph.repository import GraphRepository
from mediagateway.ingest import normalise, places
from mediagateway.ingest.quarantine import Quarantine
from mediagateway.ingest.records import ParsedItem, Rejected, SourceInteraction, SourceOffer, SourceTitle
from mediagateway.ingest.resolve import EntityResolver, Resolution

ChunkDone = Callable[[int], None]


@dataclass
class IngestReport:
    """What an ingest did: items read; source titles, of which `new_titles` became new canonical titles (the rest
    were resolved into titles already known); windows and interactions written; records quarantined; whether the
    feed was loaded whole into an empty graph (`ingest/first_load.py`) rather than chunk by chunk."""

    items: int = 0
    titles: int = 0
    new_titles: int = 0
    windows: int = 0
    interactions: int = 0
    quarantined: int = 0
    seconds: float = 0.0
    first_load: bool = False

    def add(self, other: IngestReport) -> None:
        for name in (f.name for f in fields(self) if f.name != "first_load"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.first_load = self.first_load or other.first_load

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "seconds": round(self.seconds, 3)}


@dataclass
class Chunk:
    titles: list[SourceTitle] = field(default_factory=list)
    offers: list[SourceOffer] = field(default_factory=list)
    interactions: list[SourceInteraction] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def split_items(items: Sequence[ParsedItem]) -> Chunk:
    chunk = Chunk()
    for item in items:
        if isinstance(item, SourceTitle):
            chunk.titles.append(item)
        elif isinstance(item, SourceOffer):
            chunk.offers.append(item)
        elif isinstance(item, SourceInteraction):
            chunk.interactions.append(item)
        else:
            chunk.rejected.append(item)
    return chunk


SourceItem: TypeAlias = SourceTitle | SourceOffer | SourceInteraction
SOURCE_RECORD_FORMAT = "source-record"
NO_TITLE_FOR_OFFER = "no title for this offer: its title id is unknown here"
_RECORD_TYPES: dict[str, type[SourceTitle] | type[SourceOffer] | type[SourceInteraction]] = {
    "title": SourceTitle, "offer": SourceOffer, "interaction": SourceInteraction,
}


def rejected_record(record: SourceItem, reason: str) -> Rejected:
    """A record that was read but could not be written; its raw text is the record itself, tagged with its type."""
    record_type = next(name for name, kind in _RECORD_TYPES.items() if isinstance(record, kind))
    raw = json.dumps({"record_type": record_type, **record.model_dump(mode="json")}, ensure_ascii=False)
    return Rejected(source=record.source, line=record.line, raw=raw, reason=reason)


def parse_source_record(raw: str) -> SourceItem:
    """Read back a record quarantined after it was read (format `source-record`), to re-drive it."""
    data = json.loads(raw)
    return _RECORD_TYPES[data.pop("record_type")].model_validate(data)


_YIELD_EVERY = 100  # items read between chances for the event loop to carry on the chunk being written


async def read_chunk(items: Iterator[ParsedItem], size: int) -> list[ParsedItem]:
    """The next `size` items (fewer at the end), letting the event loop run now and then while reading them, so the
    chunk before this one is resolved and written while this one is read: reading is the client's work, writing
    mostly the server's."""
    chunk: list[ParsedItem] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            break
        if len(chunk) % _YIELD_EVERY == 0:
            await asyncio.sleep(0)
    return chunk


class IngestPipeline:
    def __init__(
        self,
        repository: GraphRepository,
        resolver: EntityResolver,
        quarantine: Quarantine,
        format_name: str,
        job_id: str | None = None,
    ) -> None:
        self.repository = repository
        self.resolver = resolver
        self.quarantine = quarantine
        self.format_name = format_name
        self.job_id = job_id
        self._vocabulary_written = False
        self._platforms: set[str] = set()
        self._regions: set[str] = set()
        self._users: set[str] = set()

    async def run(
        self,
        items: Iterable[ParsedItem],
        *,
        skip: int = 0,
        chunk_size: int = 1_000,
        on_chunk: ChunkDone | None = None,
    ) -> IngestReport:
        """Ingest `items`, passing over the first `skip` (done before a crash); `on_chunk(done)` after each chunk."""
        started = time.perf_counter()
        report = IngestReport()
        iterator = iter(items)
        done = 0
        chunk = await read_chunk(iterator, chunk_size)
        while chunk:
            todo = chunk[max(0, skip - done) :]
            writing = asyncio.create_task(self.ingest_chunk(todo)) if todo else None
            done += len(chunk)
            chunk = await read_chunk(iterator, chunk_size)  # the next chunk, while this one is written
            if writing is not None:
                report.add(await writing)
                if on_chunk is not None:
                    on_chunk(done)
        report.seconds = time.perf_counter() - started
        return report

    async def ingest_chunk(self, items: Sequence[ParsedItem]) -> IngestReport:
        if not self._vocabulary_written:
            await self.repository.upsert_genres([TaxonomyIn(id=k, name=v) for k, v in normalise.GENRES.items()])
            await self.repository.upsert_moods([TaxonomyIn(id=k, name=v) for k, v in normalise.MOODS.items()])
            self._vocabulary_written = True
        chunk = split_items(items)
        report = IngestReport(items=len(items), titles=len(chunk.titles))
        not_written: list[Rejected] = []
        resolution = await self.resolver.resolve(chunk.titles) if chunk.titles else None
        if resolution is not None:
            rejected, written = await self._write_titles(resolution, chunk.titles)
            not_written += rejected
            report.new_titles = len(resolution.new_titles & written)
        title_ids = resolution.title_ids if resolution else {}
        windows, bad_offers = await self._windows(chunk.offers, title_ids)
        report.windows = await self._write(self.repository.upsert_windows, windows, not_written)
        interactions, bad_interactions = await self._interactions(chunk.interactions, title_ids)
        report.interactions = await self._write(self.repository.upsert_interactions, interactions, not_written)
        not_written += bad_offers + bad_interactions
        report.quarantined = self.quarantine.add(chunk.rejected, self.format_name, self.job_id)
        report.quarantined += self.quarantine.add(not_written, SOURCE_RECORD_FORMAT, self.job_id)
        return report

    async def _write_titles(
        self, resolution: Resolution, titles: Sequence[SourceTitle]
    ) -> tuple[list[Rejected], set[str]]:
        """People, titles, then provenance; a title the store refuses is quarantined with its source records.
        Returns those and the ids of the titles written."""
        await self.repository.upsert_people(resolution.people)
        rejected = [rejected_record(t, reason) for t in titles if (reason := resolution.unresolved.get(t.key))]
        try:
            await self.repository.upsert_contents(resolution.contents)
            written = {content.id for content in resolution.contents}
        except InvalidInput:
            written = set()
            for content in resolution.contents:  # find the offenders one by one; the batch path is the fast one
                try:
                    await self.repository.upsert_contents([content])
                    written.add(content.id)
                except InvalidInput as exc:
                    sources = [t for t in titles if resolution.title_ids.get(t.key) == content.id]
                    rejected += [rejected_record(t, str(exc)) for t in sources]
        await self.repository.upsert_source_records(
            [r for r in resolution.source_records if r.entity_label != "Content" or r.entity_id in written]
        )
        return rejected, written

    async def _windows(
        self, offers: Sequence[SourceOffer], title_ids: dict[str, str]
    ) -> tuple[list[tuple[SourceItem, WindowIn]], list[Rejected]]:
        if not offers:
            return [], []
        found = await self._canonical_titles(offers, title_ids)
        await self._ensure_places({o.platform_id for o in offers}, {o.region_id for o in offers})
        return windows_of(offers, found)

    async def _canonical_titles(self, offers: Sequence[SourceOffer], title_ids: dict[str, str]) -> dict[str, str]:
        """offer.key -> canonical title id, by this chunk's resolution, the graph's source records, external ids."""
        found: dict[str, str] = {}
        wanted: dict[str, str] = {}
        for offer in offers:
            if offer.title_native_id is None:
                continue
            title_key = f"{offer.source}:{offer.title_native_id}"
            if title_key in title_ids:
                found[offer.key] = title_ids[title_key]
            else:
                wanted[offer.key] = title_key
        known = await self.repository.canonical_ids_of_source_records(list(wanted.values()))
        found.update({key: known[title_key] for key, title_key in wanted.items() if title_key in known})
        rest = [o for o in offers if o.key not in found and (o.title_imdb_id or o.title_tmdb_id)]
        if rest:
            by_id = await self.repository.content_ids_by_external_ids(
                [o.title_imdb_id for o in rest if o.title_imdb_id],
                [o.title_tmdb_id for o in rest if o.title_tmdb_id],
            )
            for offer in rest:
                content_id = by_id.get(("imdb", offer.title_imdb_id or "")) or by_id.get(
                    ("tmdb", str(offer.title_tmdb_id))
                )
                if content_id:
                    found[offer.key] = content_id
        return found

    async def _ensure_places(self, platform_ids: set[str], region_ids: set[str]) -> None:
        if new_platforms := sorted(platform_ids - self._platforms):
            await self.repository.upsert_platforms([places.platform(p) for p in new_platforms])
            self._platforms.update(new_platforms)
        if new_regions := sorted(region_ids - self._regions):
            await self.repository.upsert_regions([places.region(r) for r in new_regions])
            self._regions.update(new_regions)

    async def _interactions(
        self, interactions: Sequence[SourceInteraction], title_ids: dict[str, str]
    ) -> tuple[list[tuple[SourceItem, InteractionIn]], list[Rejected]]:
        if not interactions:
            return [], []
        keys = {f"{i.source}:{i.title_native_id}" for i in interactions}
        known = dict(title_ids)
        known.update(await self.repository.canonical_ids_of_source_records(sorted(keys - known.keys())))
        users = {user_id(i) for i in interactions} - self._users
        if users:
            await self.repository.upsert_users([UserIn(id=u) for u in sorted(users)])
            self._users.update(users)
        result: list[tuple[SourceItem, InteractionIn]] = []
        rejected: list[Rejected] = []
        for interaction in interactions:
            content_id = known.get(f"{interaction.source}:{interaction.title_native_id}")
            if content_id is None:
                reason = "no title for this interaction: its title id is unknown here"
                rejected.append(rejected_record(interaction, reason))
                continue
            result.append((interaction, InteractionIn(user_id=user_id(interaction), content_id=content_id,
                                                      signal=interaction.signal, rating=interaction.rating,
                                                      at=interaction.at)))
        return result, rejected

    async def _write(
        self, upsert: Callable[[list[Any]], Awaitable[int]], pairs: Sequence[tuple[SourceItem, Any]],
        not_written: list[Rejected],
    ) -> int:
        """Write a batch; if the store refuses it, write record by record and quarantine the refused ones."""
        if not pairs:
            return 0
        try:
            return await upsert([record for _, record in pairs])
        except InvalidInput:
            written = 0
            for source, record in pairs:
                try:
                    written += await upsert([record])
                except InvalidInput as exc:
                    not_written.append(rejected_record(source, str(exc)))
            return written


def windows_of(
    offers: Sequence[SourceOffer], found: Mapping[str, str]
) -> tuple[list[tuple[SourceItem, WindowIn]], list[Rejected]]:
    """Each offer's window, given `found`: offer key -> canonical title id; offers without one are rejected."""
    windows: list[tuple[SourceItem, WindowIn]] = []
    rejected: list[Rejected] = []
    for offer in offers:
        content_id = found.get(offer.key)
        if content_id is None:
            rejected.append(rejected_record(offer, NO_TITLE_FOR_OFFER))
            continue
        try:
            windows.append((offer, window_for(offer, content_id)))
        except ValueError as exc:
            rejected.append(rejected_record(offer, str(exc)))
    return windows, rejected


def user_id(interaction: SourceInteraction) -> str:
    """Users of a feed are that feed's own: `user:<source>:<native id>`."""
    return f"user:{interaction.source}:{interaction.user_native_id}"


def window_for(offer: SourceOffer, content_id: str) -> WindowIn:
    return WindowIn(content_id=content_id, trust_score=initial_trust(offer), **offer.terms())


def initial_trust(offer: SourceOffer) -> float:
    """Trust of a freshly verified window (DESIGN.md, trust): the source-reliability term from the verification
    source, the other terms at a neutral 0.7 until re-verification measures them; decay applies on read."""
    reliability = SOURCE_RELIABILITY[VerificationSource(offer.verification_source)]
    return round(0.25 * reliability + 0.75 * 0.7, 4)
