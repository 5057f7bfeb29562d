"""`mediagateway schema ...`: the GraphQL schema as SDL."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mediagateway.commands.common import console
from mediagateway.settings import Settings

schema_app = typer.Typer(help="The GraphQL schema.", no_args_is_help=True)


@schema_app.command("export")
def export(
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="file to write, - for standard output (default: schema/schema.graphql)")] = None,
) -> None:
    """Write the GraphQL schema as SDL; by default to schema/schema.graphql, the copy kept in the repository."""
    from mediagateway.schema.build import SDL_PATH, schema_sdl  # strawberry and the resolvers: only when asked

    sdl = schema_sdl(Settings())
    if output is not None and str(output) == "-":
        typer.echo(sdl, nl=False)
        return
    target = output or SDL_PATH
    target.write_text(sdl, encoding="utf-8")
    console.print(f"wrote {target} ({len(sdl.splitlines())} lines)")
