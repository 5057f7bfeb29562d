"""GraphSAGE training: queued for a worker (`mediagateway worker` serves the `train` queue), or --inline."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer

from mediagateway.commands.common import console, fail, redis_connection
from mediagateway.commands.jobs import follow_queued, progress_bar
from mediagateway.graph.errors import StoreError
from mediagateway.jobs.queue import enqueue_train
from mediagateway.settings import Settings


def train(
    wait: Annotated[bool, typer.Option(help="follow the queued job with a progress bar until it ends")] = False,
    inline: Annotated[bool, typer.Option(help="train in this process instead of queueing for a worker")] = False,
    max_epochs: Annotated[int | None, typer.Option(min=1, max=1000, help="at most this many epochs (default 50)")]
    = None,
) -> None:
    """Train GraphSAGE on the graph, save a new model version, write every title's and user's gnn embedding."""
    if inline:
        _train_inline(max_epochs)
        return
    with redis_connection() as connection:
        job = enqueue_train(connection, max_epochs)
        follow_queued(connection, job, "train", wait)


def _train_inline(max_epochs: int | None) -> None:
    # torch is imported here, not at start-up, so every other command stays quick
    from mediagateway.graph.training_graph import NotEnoughToTrain
    from mediagateway.jobs.train import run_train

    with progress_bar() as bar:
        task = bar.add_task("train", total=None)

        def show(done: int, total: int | None, stage: str) -> None:
            bar.update(task, completed=done, total=total, description=stage)

        try:
            result = asyncio.run(run_train(Settings(), max_epochs, show))
        except (NotEnoughToTrain, StoreError) as exc:
            raise fail(str(exc)) from exc
    console.print_json(json.dumps(result))
