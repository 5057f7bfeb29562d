"""Connectors: one per input format, each yielding source records or `Rejected` items (`ingest/records.py`)."""

from __future__ import annotations

from mediagateway.ingest.connectors.aggregator import AggregatorConnector
from mediagateway.ingest.connectors.canonical import CanonicalConnector
from mediagateway.ingest.connectors.movielens import MovieLensConnector
from mediagateway.ingest.records import Connector

CONNECTORS: dict[str, type] = {
    CanonicalConnector.name: CanonicalConnector,
    AggregatorConnector.name: AggregatorConnector,
    MovieLensConnector.name: MovieLensConnector,
}


def connector_for(name: str, source: str | None = None) -> Connector:
    """A connector for the format `name`; `source` names the feed in provenance (the format's name if not given)."""
    connector_type = CONNECTORS.get(name.strip().lower())
    if connector_type is None:
        known = ", ".join(sorted(CONNECTORS))
        raise ValueError(f"unknown ingest format {name!r}; known formats: {known}")
    connector: Connector = connector_type(source=source)
    return connector


__all__ = ["CONNECTORS", "AggregatorConnector", "CanonicalConnector", "MovieLensConnector", "connector_for"]
