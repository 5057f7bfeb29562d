"""The `mediagateway` command line, run as an operator would, against its own embedded store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mediagateway.graph.connect import open_store
from mediagateway.ingest.records import SourceTitle
from mediagateway.ingest.resolve import EntityResolver
from mediagateway.settings import Settings

from . import catalog, recommend_catalog

CLI = str(Path(sys.executable).with_name("mediagateway"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    directory = tmp_path / "store"
    yield directory
    subprocess.run([CLI, "db", "stop"], env={**os.environ, "MG_DATA_DIR": str(directory)}, capture_output=True)


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MG_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    return subprocess.run([CLI, *args], env=env, capture_output=True, text=True, timeout=120)


async def test_operator_session(data_dir: Path) -> None:
    assert run(data_dir, "db", "status").returncode == 3

    started = run(data_dir, "db", "start")
    assert started.returncode == 0 and started.stdout.startswith("started: pid ")
    assert run(data_dir, "db", "start").stdout.startswith("already running: pid ")
    assert run(data_dir, "db", "status").stdout.startswith("running: pid ")
    assert run(data_dir, "db", "bootstrap").stdout.strip() == "schema ready"

    runtime = await open_store(Settings(data_dir=data_dir))
    await catalog.load(runtime.repository)
    await runtime.close()  # it did not start the store, so it leaves it running
    assert run(data_dir, "db", "status").returncode == 0

    stats = run(data_dir, "stats")
    assert stats.returncode == 0
    assert any(line.split() == ["│", "AvailabilityWindow", "│", "3", "│"] for line in stats.stdout.splitlines())

    heat = run(data_dir, "content", "title:heat")
    assert heat.returncode == 0
    detail = json.loads(heat.stdout)
    assert detail["content"]["title"] == "Heat"
    assert len(detail["windows"]) == 3

    missing = run(data_dir, "content", "title:nope")
    assert missing.returncode == 1
    assert 'no title with id "title:nope"' in missing.stderr

    refused = run(data_dir, "db", "reset")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert run(data_dir, "db", "reset", "--yes").stdout.strip() == "graph emptied"
    assert "Content" not in run(data_dir, "stats").stdout

    assert run(data_dir, "db", "stop").stdout.strip() == "stopped"
    assert run(data_dir, "db", "stop").stdout.strip() == "not running"


async def test_an_operator_sees_a_viewers_recommendations_with_why(data_dir: Path) -> None:
    assert run(data_dir, "db", "start").returncode == 0
    runtime = await open_store(Settings(data_dir=data_dir))
    await recommend_catalog.load(runtime.repository, now=int(time.time() * 1000))
    await runtime.close()

    shown = run(data_dir, "recommend", "user:ana", "--json")
    table = run(data_dir, "recommend", "user:ana", "--first", "2", "--region", "GB")
    unknown = run(data_dir, "recommend", "user:nobody")
    no_mood = run(data_dir, "recommend", "user:ana", "--mood", "grumpy")

    assert shown.returncode == 0, shown.stderr
    found = {r["id"]: r for r in json.loads(shown.stdout)}
    assert "title:heat" not in found and "title:cars" not in found  # watched; only in Britain
    assert found["title:collateral"]["explanation"].startswith("directed by Michael Mann, whose \u201cHeat\u201d")
    assert all(r["platforms"] for r in found.values())
    assert table.returncode == 0 and "Cars" in table.stdout and "StreamFlix" in table.stdout
    assert unknown.returncode == 1 and "no user 'user:nobody'" in unknown.stderr
    assert no_mood.returncode == 1 and "mood must be one of" in no_mood.stderr


def test_an_operator_fills_an_empty_store_with_a_generated_catalog(data_dir: Path) -> None:
    imported = run(data_dir, "db", "import-generated", "--titles", "300", "--seed", "3")

    assert imported.returncode == 0, imported.stderr
    summary = json.loads(imported.stdout[imported.stdout.index("{"):])
    assert summary["nodes"]["Content"] == 300
    assert summary["nodes"]["Person"] == 150
    assert summary["edges"]["OF"] == summary["nodes"]["AvailabilityWindow"] > 300
    stats = run(data_dir, "stats")
    assert any(line.split() == ["│", "Content", "│", "300", "│"] for line in stats.stdout.splitlines())

    again = run(data_dir, "db", "import-generated", "--titles", "300")
    assert again.returncode == 1
    assert "the store already holds" in again.stderr and "db reset --yes" in again.stderr


def test_a_command_starts_the_store_it_needs_and_stops_it_after(data_dir: Path) -> None:
    result = run(data_dir, "stats")

    assert result.returncode == 0
    assert run(data_dir, "db", "status").returncode == 3


def test_an_unreachable_backend_is_one_clear_line(tmp_path: Path) -> None:
    env = {**os.environ, "MG_BACKEND": "falkordb", "MG_REDIS_URL": "redis://127.0.0.1:1", "MG_DATA_DIR": str(tmp_path)}
    result = subprocess.run([CLI, "stats"], env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode == 1
    assert "error: FalkorDB at redis://127.0.0.1:1 is unavailable" in result.stderr
    assert "Traceback" not in result.stderr


async def test_an_operator_explains_and_splits_a_merge(data_dir: Path) -> None:
    runtime = await open_store(Settings(data_dir=data_dir))
    records = [SourceTitle(source=source, native_id=native, line=1, kind="movie", title="Crash", year=2004)
               for source, native in (("feed-a", "1"), ("feed-b", "2"))]
    resolution = await EntityResolver(runtime.store).resolve(records)
    await runtime.repository.upsert_contents(resolution.contents)
    await runtime.repository.upsert_source_records(resolution.source_records)
    crash = resolution.title_ids["feed-a:1"]
    await runtime.close()

    explained = run(data_dir, "resolve", "explain", crash)
    split = run(data_dir, "resolve", "split", crash, "feed-b:2")
    refused = run(data_dir, "resolve", "split", crash, "feed-z:9")

    assert explained.returncode == 0, explained.stderr
    assert "feed-a:1" in explained.stdout and "feed-b:2" in explained.stdout
    assert split.returncode == 0 and "moved 1 record(s) to title:split:" in split.stdout
    assert refused.returncode == 2 and "feed-z:9" in refused.stderr
    rows = [line.split("│")[1].strip() for line in run(data_dir, "resolve", "explain", crash).stdout.splitlines()
            if line.startswith("│")]
    assert "feed-a:1" in rows and "feed-b:2" not in rows
