"""The demo catalog and generated catalogs, from the command line."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from mediagateway.commands.common import console
from mediagateway.ingest.generate import CatalogSpec
from mediagateway.ingest.generated_feed import write_feed
from mediagateway.jobs.demo import load_demo
from mediagateway.settings import Settings

demo_app = typer.Typer(help="The demo catalog: real titles with invented availability.", no_args_is_help=True)


def load_demo_with_progress(settings: Settings, embed: bool) -> dict[str, int]:
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        tasks: dict[str, TaskID] = {}

        def show(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return asyncio.run(load_demo(settings, embed, show))


@demo_app.command("load")
def demo_load(embed: Annotated[bool, typer.Option(help="compute text embeddings too")] = True) -> None:
    """Ingest the demo catalog (idempotent: loading twice gives the same graph)."""
    console.print_json(json.dumps(load_demo_with_progress(Settings(), embed)))


def generate(
    out: Annotated[Path, typer.Argument(help="where to write the canonical JSON Lines feed")],
    titles: Annotated[int, typer.Option(min=1, max=1_000_000, help="how many titles")] = 100_000,
    seed: Annotated[int, typer.Option(help="the same seed gives the same catalog")] = 7,
) -> None:
    """Write a synthetic catalog (titles, people, availability) as a canonical feed, for benchmarks."""
    lines = write_feed(CatalogSpec(titles=titles, seed=seed), out)
    console.print(f"wrote {lines:,} lines ({titles:,} titles) to {out}")
