"""Re-driving quarantined records: each is read again by the connector of its format and ingested."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mediagateway.graph.repository import GraphRepository
from mediagateway.graph.store import GraphStore
from mediagateway.ingest.connectors import connector_for
from mediagateway.ingest.pipeline import SOURCE_RECORD_FORMAT, IngestPipeline, parse_source_record
from mediagateway.ingest.quarantine import Quarantine, QuarantineEntry
from mediagateway.ingest.records import ParsedItem, Rejected
from mediagateway.ingest.resolve import EntityResolver


@dataclass
class RedriveReport:
    attempted: int = 0
    ingested: int = 0
    still_quarantined: int = 0


def _parse(entry: QuarantineEntry) -> list[ParsedItem]:
    if entry.format == SOURCE_RECORD_FORMAT:
        try:
            return [parse_source_record(entry.raw)]
        except ValueError as exc:
            return [Rejected(source=entry.source, line=entry.line, raw=entry.raw, reason=str(exc), part=entry.part)]
    return connector_for(entry.format, entry.source).parse_line(entry.raw, entry.line, entry.part)


async def redrive(
    entries: Sequence[QuarantineEntry], repository: GraphRepository, store: GraphStore, quarantine: Quarantine
) -> RedriveReport:
    """Take each entry out of quarantine and ingest it; whatever is rejected again goes back with its new reason."""
    report = RedriveReport()
    resolver = EntityResolver(store)
    pipelines: dict[str, IngestPipeline] = {}
    for entry in entries:
        report.attempted += 1
        quarantine.remove([entry.id])
        pipeline = pipelines.setdefault(
            entry.format, IngestPipeline(repository, resolver, quarantine, entry.format, job_id=entry.job_id)
        )
        result = await pipeline.ingest_chunk(_parse(entry))
        if result.quarantined:
            report.still_quarantined += 1
        else:
            report.ingested += 1
    return report
