"""The embed job: text embeddings for titles that lack one or whose text changed, on a real RQ worker."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis

from mediagateway.graph.connect import StoreRuntime
from mediagateway.graph.embeddings import TextEncoder
from mediagateway.jobs.queue import enqueue_embed, job_view
from mediagateway.settings import Settings

from . import catalog
from .own_graph import own_graph

CLI = str(Path(sys.executable).with_name("mediagateway"))
pytestmark = pytest.mark.slow  # loads the sentence-transformers model


@pytest.fixture
async def loaded(embedded_settings: Settings) -> AsyncIterator[tuple[Settings, StoreRuntime]]:
    async with own_graph(embedded_settings, "embed-") as (settings, runtime):
        await catalog.load(runtime.repository)
        yield settings, runtime


def embed_with_a_worker(settings: Settings, runtime: StoreRuntime) -> dict[str, int]:
    connection = redis.Redis.from_url(runtime.redis_url)
    job = enqueue_embed(connection, batch_size=4)
    env = {**os.environ, "MG_DATA_DIR": str(settings.data_dir), "MG_GRAPH_NAME": settings.graph_name}
    subprocess.run([CLI, "worker", "--burst", "--queue", "embed"], env=env, check=True, capture_output=True,
                   timeout=300)
    view = job_view(connection, job.id)
    connection.close()
    assert view is not None and view.status == "finished", view
    assert view.done == view.total
    return view.result or {}


async def test_titles_get_embeddings_once_and_again_when_their_text_changes(
    loaded: tuple[Settings, StoreRuntime],
) -> None:
    settings, runtime = loaded
    repository = runtime.repository

    assert embed_with_a_worker(settings, runtime) == {"embedded": 6}
    assert await repository.count_titles_needing_text_embedding() == 0
    assert embed_with_a_worker(settings, runtime) == {"embedded": 0}

    await repository.upsert_contents([{**catalog.THE_INSIDER, "synopsis": "A tobacco insider blows the whistle."}])
    assert await repository.count_titles_needing_text_embedding() == 1
    assert embed_with_a_worker(settings, runtime) == {"embedded": 1}

    query = TextEncoder().encode(["a detective and a thief in Los Angeles"])[0]
    hits = await repository.similar_by_text(query, k=3)
    assert hits[0].id == "title:heat"
