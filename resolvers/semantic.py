"""The query encoder semantic search embeds query texts with, loaded once per process."""

from __future__ import annotations

import logging

from mediagateway.resolvers.context import TextQueryEncoder
from mediagateway.settings import Settings

log = logging.getLogger("mediagateway.search")


class _SentenceEncoder:
    def __init__(self) -> None:
        from mediagateway.graph.embeddings import TextEncoder

        self._encoder = TextEncoder()

    def encode_one(self, text: str) -> list[float]:
        return self._encoder.encode([text])[0]


def load_query_encoder(settings: Settings) -> TextQueryEncoder | None:
    """The encoder, or None (search by keyword alone) when the model cannot be loaded, with the reason logged."""
    try:
        return _SentenceEncoder()
    except (ImportError, OSError, RuntimeError) as exc:
        log.warning("semantic search is off: the text model could not be loaded (%s)", exc)
        return None
