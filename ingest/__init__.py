"""Catalog ingestion: importers of real sources and the deterministic synthetic demo catalog (`generate`)."""
