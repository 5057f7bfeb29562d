"""`mediagateway resolve ...`: why records were merged into a title or person, and undoing a wrong merge."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from mediagateway.commands.common import console, fail, with_store
from mediagateway.graph.connect import StoreRuntime
from mediagateway.graph.model import SourceRecord
from mediagateway.ingest.resolve import EntityResolver

resolve_app = typer.Typer(help="Entity resolution: explain a merge, split a wrong one.", no_args_is_help=True)


@resolve_app.command("explain")
def explain(entity_id: Annotated[str, typer.Argument(help="a canonical title or person id")]) -> None:
    """The source records a title or person was built from, and the rule that matched each."""

    async def records(runtime: StoreRuntime) -> list[SourceRecord]:
        return await runtime.repository.source_records(entity_id)

    found = with_store(records, bootstrap=False)
    if not found:
        raise fail(f"no source records for {entity_id!r} (is the id right?)")
    table = Table("source record", "source", "matched by", title=entity_id)
    for record in found:
        table.add_row(record.id, record.source, record.match_rule or "")
    console.print(table)


@resolve_app.command("split")
def split(
    entity_id: Annotated[str, typer.Argument(help="the canonical title or person that merged too much")],
    source_keys: Annotated[list[str], typer.Argument(help="source record ids to move to a new entity")],
) -> None:
    """Move source records off a wrongly merged entity to a new one; they stay apart in later ingests."""

    async def run(runtime: StoreRuntime) -> str:
        try:
            return await EntityResolver(runtime.store).split(entity_id, source_keys)
        except ValueError as exc:
            raise fail(str(exc), code=2) from exc

    console.print(f"moved {len(source_keys)} record(s) to {with_store(run)}")
