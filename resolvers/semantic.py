"""The query encoder semantic search embeds query texts with, loaded once per process."""

from __future__ import annotations

import logging

from mediagateway.resolvers.context import TextQueryEncoder
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
