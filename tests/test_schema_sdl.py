"""The committed SDL (schema/schema.graphql) is the live schema: frontends and reviewers read that file."""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

from mediagateway.schema.build import SDL_PATH, schema_sdl
from mediagateway.settings import Settings

MEDIAGATEWAY = str(Path(sys.executable).with_name("mediagateway"))


def test_the_committed_sdl_is_the_live_schema() -> None:
    committed = SDL_PATH.read_text(encoding="utf-8")
    live = schema_sdl(Settings())

    if committed != live:
        diff = "".join(list(difflib.unified_diff(committed.splitlines(keepends=True), live.splitlines(keepends=True),
                                                 "schema/schema.graphql (committed)", "the live schema"))[:60])
        raise AssertionError(f"schema/schema.graphql is out of date: run `mediagateway schema export`.\n{diff}")


def test_export_writes_the_sdl_where_asked(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"

    result = subprocess.run([MEDIAGATEWAY, "schema", "export", "--output", str(target)], capture_output=True,
                            text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    sdl = target.read_text(encoding="utf-8")
    assert sdl == schema_sdl(Settings())
    assert "type Query {" in sdl
    assert "content(id: ID!): Content" in sdl
