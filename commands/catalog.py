"""Reading the catalog from the command line: counts, one title."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from mediagateway.commands.common import console, err_console, with_store
from mediagateway.graph.connect import StoreRuntime


def stats() -> None:
    """Node counts by label."""

    async def counts(runtime: StoreRuntime) -> dict[str, int]:
        return await runtime.repository.counts_by_label()

    table = Table("label", "nodes")
    for label, count in with_store(counts).items():
        table.add_row(label, f"{count:,}")
    console.print(table)


def content(content_id: Annotated[str, typer.Argument(help="the title's id")]) -> None:
    """One title with its people, genres and availability, as JSON."""

    async def get(runtime: StoreRuntime) -> str | None:
        detail = await runtime.repository.get_content(content_id)
        return detail.model_dump_json(indent=2) if detail else None

    found = with_store(get, bootstrap=False)
    if found is None:
        err_console.print(f"no title with id {json.dumps(content_id)}")
        raise typer.Exit(1)
    console.print_json(found)
