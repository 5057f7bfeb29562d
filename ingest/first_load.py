"""The first load of a large feed into an empty graph: read whole, resolved in one batch, written in bulk.

Chunk by chunk (`pipeline.py`), every chunk is resolved against the graph and written with `MERGE`s, one statement
at a time on the store's single write thread: a few hundred titles a second. Into an empty graph there is nothing
to resolve against, so the first load reads the whole feed, resolves its titles as one batch (the resolver's own
semantics for a batch: `ingest/resolve.py`), and builds the graph with the store's bulk import
(`GraphRepository.import_catalog`): vocabulary, platforms and regions, people, titles, windows and the source
records with their `SOURCED_FROM` edges. Interactions follow through the pipeline, chunk by chunk, once their
titles are in the graph.

What is quarantined is what the chunked path quarantines: records that cannot be read, offers and interactions
whose title is unknown, windows whose terms are refused.

Nothing is written before the bulk import, and the import leaves the graph empty when it fails; a load whose
worker dies during the import is restarted from the beginning (`jobs/ingest.py` deletes what it left), not resumed.
The whole feed is in memory at once, so a feed too large for the memory available is ingested chunk by chunk
(`fits_in_memory`).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence

import psutil

from mediagateway.graph.catalog_import import CatalogParts
from mediagateway.graph.model import TaxonomyIn, WindowIn
from mediagateway.graph.repository import ids_named_once
from mediagateway.ingest import normalise, places
from mediagateway.ingest.pipeline import (
    SOURCE_RECORD_FORMAT,
    IngestPipeline,
    IngestReport,
    rejected_record,
    split_items,
    windows_of,
)
from mediagateway.ingest.records import ParsedItem, SourceOffer
from mediagateway.ingest.resolve import Resolution

StepProgress = Callable[[str, int], None]  # (step, items read)
# Peak memory of a first load for each item of its feed: 4.4 GB for the 100,000-title generated feed (399,587 lines)
BYTES_PER_ITEM = 11_000
MEMORY_SHARE = 0.8  # of the memory available, the most a first load may take
log = logging.getLogger(__name__)
_READ_REPORT_EVERY = 10_000


async def load_whole(
    pipeline: IngestPipeline, items: Iterable[ParsedItem], chunk_size: int = 1_000,
    on_step: StepProgress = lambda step, read: None,
) -> IngestReport:
    """Load `items` into the empty graph of `pipeline`, which then takes the interactions chunk by chunk;
    `on_step(step, items read)` now and then while they are read ("reading"), then as resolving and writing
    begin."""
    started = time.perf_counter()
    with _collector_paused():
        chunk = split_items(_read_all(items, on_step))
        read = len(chunk.titles) + len(chunk.offers) + len(chunk.interactions) + len(chunk.rejected)
        _log_step("read", read, "items", started)
        on_step("resolving", read)
        resolution = await pipeline.resolver.resolve(chunk.titles, graph_is_empty=True)
        _log_step("resolved", len(chunk.titles), "titles", started)
        on_step("writing", read)
        windows, not_written = windows_of(chunk.offers, _titles_of_offers(chunk.offers, resolution))
        not_written += [rejected_record(t, reason) for t in chunk.titles
                        if (reason := resolution.unresolved.get(t.key))]
        report = IngestReport(items=read - len(chunk.interactions), titles=len(chunk.titles),
                              new_titles=len(resolution.new_titles), windows=len(windows), first_load=True)
        parts = _parts(resolution, chunk.offers, [window for _, window in windows])
        del windows  # the import needs only `parts`: the records read go now, not after it (memory)
        chunk.titles, chunk.offers = [], []
        _log_step("made", report.windows, "windows", started)
        summary = await pipeline.repository.import_catalog(parts)
        _log_step("imported", sum(summary.nodes.values()), "nodes", started)
    for start in range(0, len(chunk.interactions), chunk_size):
        report.add(await pipeline.ingest_chunk(chunk.interactions[start:start + chunk_size]))
    report.quarantined += pipeline.quarantine.add(chunk.rejected, pipeline.format_name, pipeline.job_id)
    report.quarantined += pipeline.quarantine.add(not_written, SOURCE_RECORD_FORMAT, pipeline.job_id)
    report.seconds = time.perf_counter() - started
    return report


def fits_in_memory(items: int) -> bool:
    """Whether a first load of a feed of `items` items fits in the memory available now."""
    return items * BYTES_PER_ITEM <= MEMORY_SHARE * psutil.virtual_memory().available


def _log_step(done: str, count: int, what: str, started: float) -> None:
    log.info("first load: %s %d %s, %.1f s in", done, count, what, time.perf_counter() - started)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off: a load holds millions of objects, and each full collection walks them all
    (at 100,000 titles it took 36 of 95 s); what the load makes is freed by reference counts. Those objects are
    frozen before the collector is back (`gc.freeze`), or its first full collection walks them all once more (3 s);
    an ingest's process ends with its job."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _read_all(items: Iterable[ParsedItem], on_step: StepProgress) -> list[ParsedItem]:
    read: list[ParsedItem] = []
    for item in items:
        read.append(item)
        if len(read) % _READ_REPORT_EVERY == 0:
            on_step("reading", len(read))
    return read


def _titles_of_offers(offers: Sequence[SourceOffer], resolution: Resolution) -> dict[str, str]:
    """offer.key -> canonical title id: by the feed's own title id, else by an IMDb or TMDb id that names exactly
    one of the feed's titles (as the chunked path finds them in the graph)."""
    by_external = ids_named_once(
        ((scheme, str(value)), content.id) for content in resolution.contents
        for scheme, value in (("imdb", content.imdb_id), ("tmdb", content.tmdb_id)) if value
    )
    found: dict[str, str] = {}
    for offer in offers:
        if offer.title_native_id is not None and (
                content_id := resolution.title_ids.get(f"{offer.source}:{offer.title_native_id}")):
            found[offer.key] = content_id
            continue
        for scheme, value in (("imdb", offer.title_imdb_id), ("tmdb", offer.title_tmdb_id)):
            if value and (content_id := by_external.get((scheme, str(value)))):
                found[offer.key] = content_id
                break
    return found


def _parts(resolution: Resolution, offers: Sequence[SourceOffer], windows: Sequence[WindowIn]) -> CatalogParts:
    """The graph of the feed; a window given twice is written once, the last one read, as its upserts would."""
    unique_windows = list({window.window_id: window for window in windows}.values())
    return CatalogParts(
        platforms=[[places.platform(p) for p in sorted({o.platform_id for o in offers})]],
        regions=[[places.region(r) for r in sorted({o.region_id for o in offers})]],
        genres=[[TaxonomyIn(id=k, name=v) for k, v in normalise.GENRES.items()]],
        moods=[[TaxonomyIn(id=k, name=v) for k, v in normalise.MOODS.items()]],
        people=[resolution.people],
        contents=[resolution.contents],
        windows=[unique_windows],
        source_records=[resolution.source_records],
    )
