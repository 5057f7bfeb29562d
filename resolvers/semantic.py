"""The text encoder of semantic search and the vectors it shares with the host's other API processes, loaded once
per process."""

from __future__ import annotations

import logging

from mediagateway.resolvers.cache_file import CACHE_ERRORS
from mediagateway.resolvers.query_vectors import QueryVectors, SharedVectors, TextQueryEncoder
from mediagateway.settings import Settings

log = logging.getLogger("mediagateway.search")


def load_query_encoder(settings: Settings) -> TextQueryEncoder | None:
    """The ONNX query encoder (exported from the model on first use), or None, with the reason logged, when it
    cannot be loaded (the `ml` extra is not installed): search then matches keywords alone."""
    try:
        from mediagateway.graph.query_encoder import QueryEncoder

        return QueryEncoder.from_settings(settings)
    except (ImportError, OSError, RuntimeError) as exc:
        log.warning("semantic search is off: the text model could not be loaded (%s)", exc)
        return None


def load_query_vectors(settings: Settings) -> QueryVectors | None:
    """The encoder's vectors, shared with the host's other API processes unless `query_vector_cache_mb` is 0; None
    when the encoder cannot be loaded."""
    encoder = load_query_encoder(settings)
    if encoder is None:
        return None
    if settings.query_vector_cache_mb == 0:
        return QueryVectors(encoder)
    try:
        shared = SharedVectors(settings.query_vectors, encoder.fingerprint, settings.query_vector_cache_mb)
    except CACHE_ERRORS as exc:
        log.warning("query vectors are not shared: %s cannot be opened (%s)", settings.query_vectors, exc)
        return QueryVectors(encoder)
    return QueryVectors(encoder, shared)
