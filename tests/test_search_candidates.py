"""Search phrases' candidate lists kept for the host's API processes: filed under the catalog's generation, which the
store's writes of what search reads advance; a file or a generation that cannot be used costs only the reading."""

from __future__ import annotations

import asyncio
import logging
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mediagateway.graph.catalog_generation import CatalogGeneration
from mediagateway.graph.connect import StoreRuntime
from mediagateway.resolvers.cache_file import forget_cache_file
from mediagateway.resolvers.search_candidates import SearchCandidates, Source, load_search_candidates
from mediagateway.settings import Settings

from . import catalog
from .own_graph import own_graph

CANDIDATES = [
    ("title:heat", 0.0325, 0.81, ("heat",), 1.0, (("title:heat", "person:mann", "Michael Mann", "director"),)),
]


@pytest.fixture
async def runtime(embedded_settings: Settings) -> AsyncIterator[StoreRuntime]:
    async with own_graph(embedded_settings, "kept-candidates-") as (_, runtime):
        yield runtime


def kept_in(directory: Path, generation: CatalogGeneration, ttl_s: float = 600) -> SearchCandidates:
    return SearchCandidates(directory, size_mb=1, ttl_s=ttl_s, generation=generation)


def counted(candidates: SearchCandidates) -> list[Source]:
    sources: list[Source] = []
    candidates.add_observer(sources.append)
    return sources


async def kept_until_written(candidates: SearchCandidates, directory: Path, key: str | None) -> None:
    """`CANDIDATES` put under `key`, once the worker thread has written them (seen through another handle)."""
    candidates.put(key, CANDIDATES)
    reader = kept_in(directory, CatalogGeneration("redis://127.0.0.1:1", "unused"))
    for _ in range(100):
        if reader.get(key) is not None:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the candidates were not written within a second")


async def test_a_list_kept_is_read_back_in_its_generation_only(tmp_path: Path, runtime: StoreRuntime) -> None:
    candidates = kept_in(tmp_path / "kept", runtime.generation)
    sources = counted(candidates)
    key = await candidates.key("recipe", "heat")
    await kept_until_written(candidates, tmp_path / "kept", key)

    assert candidates.get(await candidates.key("recipe", "heat")) == CANDIDATES
    assert candidates.get(await candidates.key("recipe", "the heat")) is None
    assert candidates.get(await candidates.key("another recipe", "heat")) is None
    await runtime.generation.advance()
    assert candidates.get(await candidates.key("recipe", "heat")) is None
    assert sources == ["kept", "computed", "computed", "computed"]
    assert stat.S_IMODE((tmp_path / "kept").stat().st_mode) == 0o700  # only the service reads what was searched


async def test_a_list_is_dropped_once_its_time_is_up(tmp_path: Path, runtime: StoreRuntime) -> None:
    candidates = kept_in(tmp_path, runtime.generation, ttl_s=1.0)
    key = await candidates.key("recipe", "heat")
    await kept_until_written(candidates, tmp_path, key)
    assert candidates.get(key) == CANDIDATES

    await asyncio.sleep(1.1)

    assert candidates.get(key) is None


async def test_forgetting_removes_every_list(tmp_path: Path, runtime: StoreRuntime) -> None:
    candidates = kept_in(tmp_path, runtime.generation)
    await kept_until_written(candidates, tmp_path, await candidates.key("recipe", "heat"))

    assert forget_cache_file(tmp_path) == 1


async def test_writes_of_what_search_reads_advance_the_generation_and_others_do_not(runtime: StoreRuntime) -> None:
    repository = runtime.repository
    await catalog.load(repository)
    generation = await runtime.generation.current()

    await repository.upsert_windows(catalog.WINDOWS)
    await repository.upsert_platforms(catalog.PLATFORMS)
    assert await runtime.generation.current() == generation

    for write in (lambda: repository.upsert_contents([catalog.HEAT]),
                  lambda: repository.upsert_people(catalog.PEOPLE[:1]),
                  lambda: repository.set_text_embeddings([("title:heat", [0.5] * 384, None)])):
        await write()
        assert await runtime.generation.current() not in (generation, None)
        generation = await runtime.generation.current()


async def test_a_generation_that_cannot_be_read_keeps_nothing(
        tmp_path: Path, runtime: StoreRuntime, caplog: pytest.LogCaptureFixture) -> None:
    unreachable = CatalogGeneration("redis://127.0.0.1:1", "kept-candidates")
    candidates = kept_in(tmp_path, unreachable)
    sources = counted(candidates)

    with caplog.at_level(logging.WARNING, logger="mediagateway.search"):
        key = await candidates.key("recipe", "heat")
        candidates.put(key, CANDIDATES)
        found = candidates.get(key)

    assert (key, found, sources) == (None, None, ["computed"])
    assert "the catalog's generation could not be read" in caplog.text
    await unreachable.close()


async def test_a_cache_file_that_cannot_be_read_costs_only_the_reading(
        tmp_path: Path, runtime: StoreRuntime, caplog: pytest.LogCaptureFixture) -> None:
    candidates = kept_in(tmp_path, runtime.generation)
    sources = counted(candidates)
    key = await candidates.key("recipe", "heat")
    for database in tmp_path.glob("cache.db*"):  # the file is there, but is no SQLite database any more
        database.write_bytes(b"not a database" * 100)

    with caplog.at_level(logging.WARNING, logger="mediagateway.search"):
        found = candidates.get(key)

    assert (found, sources) == (None, ["computed"])
    assert "kept search candidates could not be read" in caplog.text


def test_a_cache_directory_that_cannot_be_made_keeps_nothing(
        tmp_path: Path, embedded_settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory")
    settings = embedded_settings.model_copy(update={"search_candidate_dir": a_file})

    with caplog.at_level(logging.WARNING, logger="mediagateway.search"):
        candidates = load_search_candidates(settings, CatalogGeneration("redis://127.0.0.1:1", "unused"))

    assert candidates is None
    assert "search candidates are not kept" in caplog.text
