"""One viewer's recommendations from the command line: what the API's `recommendations` answers, for an operator or
an analyst checking what someone is offered and why, without signing in as them. It builds the recommender from a
snapshot of the graph first (about a minute at 100,000 titles), with a progress bar."""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer
from rich.table import Table

from mediagateway.commands.common import console, err_console, fail, with_store
from mediagateway.commands.jobs import progress_bar
from mediagateway.graph.connect import StoreRuntime
from mediagateway.graph.sage_registry import ModelRegistry
from mediagateway.recommend.context import ViewingContext
from mediagateway.recommend.service import MAX_RESULTS, Recommendation, RecommendationRequest, Recommender
from mediagateway.settings import Settings


def recommend(
    user_id: Annotated[str, typer.Argument(help="the viewer's id")],
    first: Annotated[int, typer.Option(min=1, max=MAX_RESULTS, help="how many titles")] = 10,
    region: Annotated[str | None, typer.Option(help="where they watch; by default their profile's region")] = None,
    only_my_services: Annotated[bool, typer.Option(help="only titles on platforms they subscribe to")] = False,
    mood: Annotated[str | None, typer.Option(help="the mood they are in, e.g. tense or uplifting")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
) -> None:
    """A viewer's recommendations as the API gives them: available where they watch, nothing they watched, each
    with why and where."""
    try:
        context = ViewingContext(now_ms=int(time.time() * 1000), mood=mood)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    request = RecommendationRequest(k=first, context=context, region_id=region, only_subscriptions=only_my_services)
    settings = Settings()

    async def work(runtime: StoreRuntime) -> list[Recommendation]:
        model = ModelRegistry.for_settings(settings).load_current()
        with progress_bar(err_console, transient=True) as bar:  # stdout holds the answer alone
            task = bar.add_task("reading the graph", total=None)
            recommender = await Recommender.build(
                runtime.store, model, collaborative=settings.recommend_collaborative,
                on_progress=lambda what, done: bar.update(task, completed=done, description=f"reading {what}"))
        return await recommender.recommend(user_id, request)

    found = with_store(work, bootstrap=False)  # a bad request (an unknown user...) is a store error: one line
    if as_json:
        console.print_json(json.dumps([_as_dict(r) for r in found]))
        return
    table = Table("#", "title", "score", "why", "where", show_lines=True)
    for rank, r in enumerate(found, start=1):
        table.add_row(str(rank), f"{r.title}\n[dim]{r.title_id}[/dim]", f"{r.score:.4f}",
                      "\n".join(reason.text for reason in r.reasons[:-1]), ", ".join(p.name for p in r.platforms))
    console.print(table)


def _as_dict(r: Recommendation) -> dict[str, object]:
    return {"id": r.title_id, "title": r.title, "score": round(r.score, 6), "explanation": r.explanation,
            "reasons": [{"kind": reason.kind.value, "text": reason.text} for reason in r.reasons],
            "platforms": [{"id": p.id, "name": p.name} for p in r.platforms]}
