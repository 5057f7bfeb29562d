"""The `embed` job: text embeddings for titles that lack one or whose text changed, in batches.

A title's text (title, year, genres, synopsis) is hashed when the title is written (`text_wanted_hash`); an
embedding is stored with the wanted hash it answered (`text_hash`). This job encodes every title where the two
differ, so re-running it after an unchanged re-ingest encodes nothing.

Texts are encoded by the ONNX export of the model (`QueryEncoder`, on every core), which gives the vectors
sentence-transformers gives (cosine >= 0.9999) 10 to 35% faster on batches of 64, and loads without torch
(bench/README.md).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from mediagateway.graph.connect import open_store
from mediagateway.graph.embeddings import embedding_text
from mediagateway.graph.query_encoder import QueryEncoder
from mediagateway.graph.repository import GraphRepository
from mediagateway.jobs import progress
from mediagateway.settings import Settings

ProgressCallback = Callable[[int, int | None], None]


class TextsEncoder(Protocol):
    def encode(self, texts: Sequence[str]) -> list[list[float]]: ...


def embed_titles(batch_size: int = 256) -> dict[str, Any]:
    """RQ entry point (enqueue as `mediagateway.jobs.embed.embed_titles`): progress in job meta."""

    def report(done: int, total: int | None) -> None:
        progress.report(done, total, "embed")

    return asyncio.run(run_embed(Settings(), batch_size, report))


async def run_embed(
    settings: Settings, batch_size: int = 256, on_progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """Embed in this process; `on_progress(done, total)` after each batch."""
    runtime = await open_store(settings)
    try:
        if await runtime.repository.count_titles_needing_text_embedding() == 0:
            if on_progress is not None:
                on_progress(0, 0)
            return {"embedded": 0}  # nothing to do: not worth loading the model
        encoder = QueryEncoder.from_settings(settings, threads=os.cpu_count() or 1)
        return await embed_missing(runtime.repository, encoder, batch_size, on_progress)
    finally:
        await runtime.close()


async def embed_missing(
    repository: GraphRepository, encoder: TextsEncoder, batch_size: int, on_progress: ProgressCallback | None = None
) -> dict[str, Any]:
    report = on_progress or (lambda done, total: None)
    total = await repository.count_titles_needing_text_embedding()
    done = 0
    report(done, total)
    while titles := await repository.titles_needing_text_embedding(batch_size):
        texts = [embedding_text(t["title"], t["year"], t["synopsis"], t["genres"]) for t in titles]
        vectors = encoder.encode(texts)
        await repository.set_text_embeddings(
            (t["id"], vector, t["text_wanted_hash"] or "unhashed") for t, vector in zip(titles, vectors, strict=True)
        )
        done += len(titles)
        report(done, total)
        if done > total + batch_size:  # text keeps changing under us: stop rather than loop forever
            break
    return {"embedded": done}
