"""The first load of a large feed into an empty graph: read whole, resolved in one batch, written in bulk.

Chunk by chunk (`pipeline.py`), every chunk is resolved against the graph and written with `MERGE`s, one statement
at a time on the store's single write thread: a few hundred titles a second. Into an empty graph there is nothing
to resolve against, so the first load reads the whole feed, resolves its titles as one batch (the resolver's own
semantics for a batch: `ingest/resolve.py`), and builds the graph with the store's bulk import
(`GraphRepository.import_catalog`): vocabulary, platforms and regions, people, titles, windows and the source
records with their `SOURCED_FROM` edges. The offers are read and made windows by a second process while this one
reads and resolves the titles (`window_maker.py`). Interactions follow through the pipeline, chunk by chunk, once
their titles are in the graph.

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
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import psutil

from mediagateway.graph.catalog_import import CatalogParts, EncodedWindows
from mediagateway.graph.model import TaxonomyIn
from mediagateway.ingest import normalise, places
from mediagateway.ingest.pipeline import (
    SOURCE_RECORD_FORMAT,
    Chunk,
    IngestPipeline,
    IngestReport,
    rejected_record,
    split_items,
)
from mediagateway.ingest.records import Connector, ParsedItem
from mediagateway.ingest.resolve import Resolution
from mediagateway.ingest.window_maker import OffersRead, TitleIds, WindowMaker, window_maker

StepProgress = Callable[[str, int], None]  # (step, items read)
# The most memory a first load takes for each item of its feed. For the 100,000-title generated feed (399,587
# lines) its two processes' peaks add up to 3.6 GB (2.0 GB loading, 1.6 GB making windows): with the graph the
# server grows meanwhile, 4.4 GB was seen when one process did both.
BYTES_PER_ITEM = 11_000
MEMORY_SHARE = 0.8  # of the memory available, the most a first load may take
log = logging.getLogger(__name__)
_READ_REPORT_EVERY = 10_000


async def load_whole(
    pipeline: IngestPipeline, connector: Connector, path: Path, chunk_size: int = 1_000,
    on_step: StepProgress = lambda step, read: None,
) -> IngestReport:
    """Load the feed at `path` into the empty graph of `pipeline`, which then takes the interactions chunk by
    chunk; `on_step(step, items read)` now and then while they are read ("reading"), then as resolving and writing
    begin."""
    started = time.perf_counter()
    with _collector_paused(), window_maker(connector, path) as maker:
        chunk, offers, resolution = await _read_and_resolved(pipeline, maker, on_step, started)
        read = _count(chunk) + offers.offers
        on_step("writing", read)
        maker.send(TitleIds.of(resolution, await pipeline.repository.server_time()))
        not_written = [rejected_record(t, reason) for t in chunk.titles if (reason := resolution.unresolved.get(t.key))]
        report = IngestReport(items=read - len(chunk.interactions), titles=len(chunk.titles),
                              new_titles=len(resolution.new_titles), first_load=True)
        parts = _parts(resolution, offers, _windows_of(maker))
        chunk.titles = []  # the import needs only `parts`: the records read go now, not after it (memory)
        summary = await pipeline.repository.import_catalog(parts)
        _log_step("imported", sum(summary.nodes.values()), "nodes", started)
        made = maker.made()
    report.windows = len(made.windows.rows)
    for start in range(0, len(chunk.interactions), chunk_size):
        report.add(await pipeline.ingest_chunk(chunk.interactions[start:start + chunk_size]))
    report.quarantined += pipeline.quarantine.add(chunk.rejected, pipeline.format_name, pipeline.job_id)
    report.quarantined += pipeline.quarantine.add(made.not_written + not_written, SOURCE_RECORD_FORMAT,
                                                  pipeline.job_id)
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


async def _read_and_resolved(
    pipeline: IngestPipeline, maker: WindowMaker, on_step: StepProgress, started: float
) -> tuple[Chunk, OffersRead, Resolution]:
    """The feed's items but its offers, what reading its offers found, and the titles' resolution."""
    chunk = split_items(_read_all(maker.items(), on_step))
    _log_step("read", len(chunk.titles), "titles", started)
    resolution = await _resolved(pipeline, chunk, on_step)
    offers = maker.offers_read()
    if offers.others:  # lines taken for offers that were not (`is_offer_line`)
        others = split_items(offers.others)
        chunk = _merged(chunk, others)
        if others.titles:
            resolution = await _resolved(pipeline, chunk, on_step)
    _log_step("resolved", len(chunk.titles), "titles", started)
    return chunk, offers, resolution


async def _resolved(pipeline: IngestPipeline, chunk: Chunk, on_step: StepProgress) -> Resolution:
    on_step("resolving", _count(chunk))
    return await pipeline.resolver.resolve(chunk.titles, graph_is_empty=True)


def _count(chunk: Chunk) -> int:
    return len(chunk.titles) + len(chunk.offers) + len(chunk.interactions) + len(chunk.rejected)


def _merged(chunk: Chunk, other: Chunk) -> Chunk:
    """The items of two chunks of one file, in the order of the file."""
    def by_line(items: list[Any]) -> list[Any]:
        return sorted(items, key=lambda item: item.line)

    return Chunk(titles=by_line(chunk.titles + other.titles), offers=by_line(chunk.offers + other.offers),
                 interactions=by_line(chunk.interactions + other.interactions),
                 rejected=by_line(chunk.rejected + other.rejected))


def _windows_of(maker: WindowMaker) -> Iterator[EncodedWindows]:
    """The maker's windows, asked for when the import reaches them: it builds everything else meanwhile."""
    yield maker.made().windows


def _parts(resolution: Resolution, offers: OffersRead, windows: Iterable[EncodedWindows]) -> CatalogParts:
    """The graph of the feed."""
    return CatalogParts(
        platforms=[[places.platform(p) for p in sorted(offers.platform_ids)]],
        regions=[[places.region(r) for r in sorted(offers.region_ids)]],
        genres=[[TaxonomyIn(id=k, name=v) for k, v in normalise.GENRES.items()]],
        moods=[[TaxonomyIn(id=k, name=v) for k, v in normalise.MOODS.items()]],
        people=[resolution.people],
        contents=[resolution.contents],
        source_records=[resolution.source_records],
        encoded_windows=windows,
    )
