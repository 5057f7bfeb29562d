"""`mediagateway evaluate`: every recommendation strategy, the hybrid and two baselines measured on rating data."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from mediagateway.commands.common import console, err_console, fail
from mediagateway.graph.errors import StoreError
from mediagateway.settings import Settings

if TYPE_CHECKING:
    from mediagateway.recommend.evaluation import EvaluationInput, EvaluationReport


class ProgressReporter:
    """Progress bars on standard error, so that standard output holds the results alone."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.task: TaskID | None = None

    def stage(self, name: str, total: int | None = None) -> None:
        self.finish()
        self.task = self.bar.add_task(name, total=total)

    def finish(self) -> None:
        """Mark the current step done (a step may end early, or never have known its total)."""
        if self.task is not None:
            done = self.bar.tasks[-1].completed
            self.bar.update(self.task, total=done, completed=done)

    def advance(self, done: int) -> None:
        if self.task is not None:
            self.bar.update(self.task, completed=done)

    def note(self, text: str) -> None:
        self.bar.console.print(text)


def _input(train: Path | None, test: Path | None, format_name: str | None, split: Path | None, seed: int,
           titles: Path | None) -> EvaluationInput:
    from mediagateway.recommend.datasets import (
        DatasetFormat,
        format_of_directory,
        read_ratings,
        read_titles,
        split_per_user,
    )
    from mediagateway.recommend.evaluation import EvaluationInput

    if split is not None and (train is not None or test is not None):
        raise fail("give either --split DIR, or --train and --test, not both", code=2)
    if split is None and (train is None or test is None):
        raise fail("give --train and --test (with --format), or --split DIR to split a MovieLens directory", code=2)
    try:
        fmt = DatasetFormat(format_name) if format_name else None
    except ValueError:
        known = ", ".join(f.value for f in DatasetFormat)
        raise fail(f"--format: {format_name!r} is not a known format ({known})", code=2) from None
    if split is not None:
        if not split.is_dir():
            raise fail(f"--split: {split} is not a directory", code=2)
        fmt = fmt or format_of_directory(split)
        ratings = read_ratings(split / fmt.ratings_part, fmt)
        training, held_out = split_per_user(ratings, seed)
        described = read_titles(titles or split, fmt)
        description = f"{split.name}: {len(ratings):,} ratings split 80/20 per user at random (seed {seed})"
        return EvaluationInput(training, held_out, described, description)
    assert train is not None and test is not None
    if fmt is None:
        raise fail("--format is needed with --train and --test (movielens-csv or movielens-100k)", code=2)
    described = read_titles(titles or train.parent, fmt)
    return EvaluationInput(read_ratings(train, fmt), read_ratings(test, fmt), described,
                           f"training {train.name}, test {test.name}")


def _table(report: EvaluationReport) -> Table:
    table = Table("strategy", "role", "P@10", "R@10", "R@20", "NDCG@10", "HR@10", "coverage", "p50 ms", "p99 ms",
                  title=report.description)
    for row in report.rows:
        s = row.scores
        table.add_row(s.strategy, row.role, f"{s.precision_10:.4f}", f"{s.recall_10:.4f}", f"{s.recall_20:.4f}",
                      f"{s.ndcg_10:.4f}", f"{s.hit_rate_10:.4f}", f"{s.coverage:.4f}", f"{s.latency_p50_ms:.1f}",
                      f"{s.latency_p99_ms:.1f}")
    return table


def _print(report: EvaluationReport, wall_time_s: float) -> None:
    console.print(_table(report))
    console.print(f"[bold]Protocol[/bold]: {report.protocol}")
    counts = ", ".join(f"{name} {value:,}" for name, value in report.counts.items())
    console.print(f"[bold]Data[/bold]: {counts}")
    for name, weights in report.weights.items():
        console.print(f"[bold]Weights ({name})[/bold]: " + ", ".join(f"{k} {v:g}" for k, v in weights.items()))
    for note in report.notes:
        console.print(f"- {note}")
    steps = ", ".join(f"{name} {seconds:g} s" for name, seconds in report.seconds.items())
    console.print(f"[bold]Time[/bold]: {wall_time_s:.1f} s in all ({steps})")


def evaluate(
    train: Annotated[Path | None, typer.Option(help="training ratings (ratings.csv or u.data style)")] = None,
    test: Annotated[Path | None, typer.Option(help="test ratings, same format")] = None,
    format_name: Annotated[str | None, typer.Option(
        "--format", "-f", help="movielens-csv or movielens-100k (with --split: found from the directory)")] = None,
    split: Annotated[Path | None, typer.Option(
        help="a MovieLens directory to split 80/20 per user at random, instead of --train and --test")] = None,
    seed: Annotated[int, typer.Option(help="seed of the split, the samples and the model")] = 7,
    titles: Annotated[Path | None, typer.Option(
        help="directory with movies.csv or u.item (default: beside the ratings)")] = None,
    weights: Annotated[str | None, typer.Option(
        help="fusion weights, e.g. collaborative=0.35,content=0.25,gnn=0.3,context=0.1")] = None,
    tune: Annotated[bool, typer.Option(help="also tune the weights on a validation split of the training data")
                    ] = True,
    gnn: Annotated[bool, typer.Option(help="train and include the GraphSAGE model")] = True,
    gnn_epochs: Annotated[int, typer.Option(min=1, max=200, help="GraphSAGE epochs at most")] = 10,
    users: Annotated[int | None, typer.Option(min=1, help="evaluate a seeded sample of this many test users")
                     ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="print the results as JSON")] = False,
) -> None:
    """Measure every recommendation strategy, the hybrid and the baselines on rating data, in an isolated graph."""
    from mediagateway.recommend.datasets import DatasetError
    from mediagateway.recommend.evaluation import EvaluationError, EvaluationOptions
    from mediagateway.recommend.evaluation import evaluate as run_evaluation
    from mediagateway.recommend.hybrid import DEFAULT_WEIGHTS, FusionWeights

    started = time.perf_counter()
    try:
        options = EvaluationOptions(weights=FusionWeights.parse(weights) if weights else DEFAULT_WEIGHTS, tune=tune,
                                    gnn=gnn, gnn_epochs=gnn_epochs, max_users=users, seed=seed)
        data = _input(train, test, format_name, split, seed, titles)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err_console, transient=json_output) as bar:
            reporter = ProgressReporter(bar)
            report = asyncio.run(run_evaluation(Settings(), data, options, reporter))
            reporter.finish()
    except (DatasetError, EvaluationError, ValueError) as exc:
        raise fail(str(exc), code=2) from exc
    except StoreError as exc:
        raise fail(str(exc)) from exc
    wall_time_s = time.perf_counter() - started
    if json_output:
        typer.echo(json.dumps({**report.as_dict(), "wall_time_s": round(wall_time_s, 1)}, indent=2))
    else:
        _print(report, wall_time_s)
