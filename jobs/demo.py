"""Loading the demo catalog: both demo feeds through the ingestion pipeline, then text embeddings."""

from __future__ import annotations

from collections.abc import Callable

from mediagateway.graph.connect import open_store
from mediagateway.ingest.demo import AGGREGATOR_FEED, CATALOG_FEED, write_feeds
from mediagateway.ingest.pipeline import IngestReport
from mediagateway.jobs.embed import run_embed
from mediagateway.jobs.ingest import run_ingest
from mediagateway.settings import Settings

StageProgress = Callable[[str, int, int | None], None]


async def catalog_is_empty(settings: Settings) -> bool:
    runtime = await open_store(settings)
    try:
        return "Content" not in await runtime.repository.counts_by_label()
    finally:
        await runtime.close()


async def load_demo(settings: Settings, embed: bool = True, on_progress: StageProgress | None = None) -> dict[str, int]:
    """Write the demo feeds into the data directory and ingest them (and embed, unless told not to)."""
    feeds = write_feeds(settings.data_dir / "demo")
    report = IngestReport()
    for stage, path, format_name, source in (
        ("demo catalog", feeds.catalog, "canonical", CATALOG_FEED),
        ("demo aggregator feed", feeds.aggregator, "aggregator", AGGREGATOR_FEED),
    ):
        def show(done: int, total: int | None, step: str, stage: str = stage) -> None:
            if on_progress is not None:
                on_progress(stage, done, total)

        report.add(await run_ingest(settings, str(path), format_name, source, on_progress=show))
    result = report.as_dict()
    if embed:
        embedded = await run_embed(
            settings, on_progress=(lambda d, t: on_progress("embeddings", d, t)) if on_progress else None
        )
        result.update(embedded)
    return result
