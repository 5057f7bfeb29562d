"""The `train` job: GraphSAGE over the whole graph, a new model version, and its vectors written back.

Steps, each reported as the job's progress stage: read the graph (`training_graph_from_store`), train (one
progress step an epoch), save the model as a new version in the registry, write every title's and user's gnn
embedding to the graph, then make the new version current and prune old ones. A graph too small to train on
fails the job with a message saying what is missing, before anything is saved: the previous version stays current.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

from mediagateway.graph.connect import open_store
from mediagateway.graph.repository import GraphRepository
from mediagateway.graph.sage import SageConfig, SageModel, train
from mediagateway.graph.sage_registry import ModelRegistry
from mediagateway.graph.training_graph import training_graph_from_store
from mediagateway.jobs import progress
from mediagateway.settings import Settings

ProgressCallback = Callable[[int, int | None, str], None]
"""Told (done, total, stage) as the job goes: stages "read graph", "train", "write embeddings"."""


def train_model(max_epochs: int | None = None) -> dict[str, Any]:
    """RQ entry point (enqueue as `mediagateway.jobs.train.train_model`): progress in job meta."""
    return asyncio.run(run_train(Settings(), max_epochs, progress.report))


def config_for(settings: Settings, max_epochs: int | None = None) -> SageConfig:
    """The default training settings, with vectors the size of the graph's gnn indexes."""
    config = SageConfig(hidden=settings.gnn_embedding_dim)
    return config if max_epochs is None else replace(config, max_epochs=max_epochs)


async def run_train(
    settings: Settings, max_epochs: int | None = None, on_progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """Train in this process; returns the new version with its metrics."""
    report = on_progress or (lambda done, total, stage: None)
    config = config_for(settings, max_epochs)
    runtime = await open_store(settings)
    try:
        report(0, None, "read graph")
        graph = await training_graph_from_store(runtime.store)
        model = train(graph, config, lambda epoch, loss: report(epoch, config.max_epochs, "train"))
        registry = ModelRegistry.for_settings(settings)
        registry.add(model)
        report(0, len(model.title_ids) + len(model.user_ids), "write embeddings")
        await write_embeddings(runtime.repository, model)
        registry.make_current(model.version)
        registry.prune()
    finally:
        await runtime.close()
    return {"version": model.version, "titles": len(model.title_ids), "users": len(model.user_ids),
            **asdict(model.metrics)}


async def write_embeddings(repository: GraphRepository, model: SageModel) -> None:
    """Every title's and user's final vector to their gnn embedding (the vector indexes serve them)."""
    await repository.set_content_gnn_embeddings(zip(model.title_ids, model.title_vectors().tolist(), strict=True))
    await repository.set_user_gnn_embeddings(zip(model.user_ids, model.user_vectors().tolist(), strict=True))
