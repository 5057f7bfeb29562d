"""Importing a whole catalog into an empty store: the graph the upserts would build, or a clear error and a store
left empty. On FalkorDB the import goes through GRAPH.BULK; on Neo4j through the upserts (conftest.BACKENDS)."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mediagateway.graph.bulk_format import encode_rows
from mediagateway.graph.catalog_import import CatalogParts, EncodedWindows
from mediagateway.graph.connect import embedded_server, open_store
from mediagateway.graph.errors import InvalidInput, QueryFailed, StoreNotEmpty
from mediagateway.graph.model import UNIQUE_KEYS, WindowIn, validate_batch
from mediagateway.graph.queries import Query
from mediagateway.graph.repository import GraphRepository
from mediagateway.ingest.generate import Catalog, CatalogSpec
from mediagateway.settings import Settings

from . import catalog
from .own_graph import own_graph

SMALL_COMMANDS = 300  # nodes and edges a bulk command carries in these tests: an import takes many commands

# What the hand-made catalog leaves out: a person and a genre only a credit or a title names, a person credited
# twice in one role (the later credit wins), names outside ASCII, a title with a popularity and an empty list.
EXTRA_TITLES: list[dict[str, Any]] = [
    {"id": "title:amelie", "kind": "movie", "title": "Le Fabuleux Destin d’Amélie Poulain", "year": 2001,
     "popularity": 71.5, "genres": ["comedy", "romance", "comedy"], "moods": ["tense"],
     "credits": [{"person_id": "person:tautou", "name": "Audrey Tautou", "role": "actor", "character": "Amélie"},
                 {"person_id": "person:jeunet", "name": "Jean-Pierre Jeunet", "role": "director"},
                 {"person_id": "person:tautou", "name": "Audrey Tautou", "role": "actor", "character": "Amélie P.",
                  "order": 3}]},
]
EXTRA_WINDOWS: list[dict[str, Any]] = [
    {"content_id": "title:amelie", "platform_id": "rentbox", "region_id": "GB", "pricing_model": "TVOD",
     "transaction": "buy", "price": 7.0, "currency": "GBP", "quality": [], "available_from": catalog.NOW_MS,
     "verified_at": catalog.NOW_MS},
]

# Provenance as an ingest's first load writes it: a title's and a person's source records.
SOURCE_RECORDS: list[dict[str, Any]] = [
    {"id": "feed-a:heat-1995", "source": "feed-a", "native_id": "heat-1995", "entity_label": "Content",
     "entity_id": "title:heat", "payload_hash": "ab12", "match_rule": "new"},
    {"id": "feed-b:77", "source": "feed-b", "native_id": "77", "entity_label": "Content", "entity_id": "title:heat",
     "match_rule": "title+year 1.00 ~ feed-a:heat-1995"},
    {"id": "feed-a:person:mann", "source": "feed-a", "native_id": "person:mann", "entity_label": "Person",
     "entity_id": "person:mann", "match_rule": "new"},
]


def generated(titles: int = 120, seed: int = 5) -> Catalog:
    return Catalog(CatalogSpec(titles=titles, seed=seed, batch_size=40))


def parts(extra_titles: list[dict[str, Any]] | None = None, extra_windows: list[dict[str, Any]] | None = None,
          titles: int = 120, extra_sources: list[dict[str, Any]] | None = None) -> CatalogParts:
    """The hand-made catalog and a generated one, in batches; the extra titles, windows and source records come
    last, in batches of their own."""
    big = generated(titles)
    return CatalogParts(
        platforms=[catalog.PLATFORMS, big.platforms()],
        regions=[catalog.REGIONS, not_in(catalog.REGIONS, big.regions())],
        genres=[catalog.GENRES, not_in(catalog.GENRES, big.genres())],
        moods=[catalog.MOODS, not_in(catalog.MOODS, big.moods())],
        people=[catalog.PEOPLE, *big.people()],
        contents=[catalog.TITLES + EXTRA_TITLES, *big.titles(), *([extra_titles] if extra_titles else [])],
        windows=[catalog.WINDOWS + EXTRA_WINDOWS, *big.windows(), *([extra_windows] if extra_windows else [])],
        source_records=[SOURCE_RECORDS, *([extra_sources] if extra_sources else [])],
    )


def not_in(given: list[dict[str, Any]], records: list[Any]) -> list[Any]:
    """The generated vocabulary without the entries the hand-made catalog has already given."""
    ids = {entry["id"] for entry in given}
    return [record for record in records if record.id not in ids]


async def upsert_all(repo: GraphRepository, catalog_parts: CatalogParts) -> None:
    for upsert, batches in (
        (repo.upsert_platforms, catalog_parts.platforms), (repo.upsert_regions, catalog_parts.regions),
        (repo.upsert_genres, catalog_parts.genres), (repo.upsert_moods, catalog_parts.moods),
        (repo.upsert_people, catalog_parts.people), (repo.upsert_contents, catalog_parts.contents),
        (repo.upsert_windows, catalog_parts.windows), (repo.upsert_source_records, catalog_parts.source_records),
    ):
        for batch in batches:
            await upsert(batch)


async def test_an_import_builds_the_graph_the_upserts_build(repo: GraphRepository) -> None:
    await upsert_all(repo, parts())
    upserted = await repo.digest()
    labels, types = await repo.counts_by_label(), await repo.counts_by_type()
    await repo.store.delete_all()

    summary = await repo.import_catalog(parts(), command_entities=SMALL_COMMANDS)

    assert await repo.digest() == upserted
    assert summary.nodes == {label: n for label, n in labels.items() if label not in {"Movie", "Show", "Season",
                                                                                       "Episode"}}
    assert summary.edges == types
    assert summary.nodes["Content"] == 6 + len(EXTRA_TITLES) + 120
    amelie = await repo.get_content("title:amelie")
    assert amelie is not None
    assert [(c.name, c.role, c.character) for c in amelie.credits] == [
        ("Audrey Tautou", "actor", "Amélie P."), ("Jean-Pierre Jeunet", "director", None)]
    assert [g.id for g in amelie.genres] == ["comedy", "romance"]
    assert [(r.id, r.match_rule) for r in await repo.source_records("title:heat")] == [
        ("feed-a:heat-1995", "new"), ("feed-b:77", "title+year 1.00 ~ feed-a:heat-1995")]


def encoded(windows: list[WindowIn]) -> EncodedWindows:
    """Windows encoded ahead, as a first load's window maker sends them (`ingest/window_maker.py`)."""
    keys, rows = encode_rows([{"id": w.window_id, **w.props(), "written_at": catalog.NOW_MS} for w in windows])
    return EncodedWindows(tuple(keys), rows, [w.content_id for w in windows], [w.platform_id for w in windows],
                          [w.region_id for w in windows])


async def test_windows_encoded_ahead_are_imported_as_the_windows_they_encode(repo: GraphRepository) -> None:
    await repo.import_catalog(parts(), command_entities=SMALL_COMMANDS)
    imported = await repo.digest()
    await repo.store.delete_all()
    given = parts()
    windows = validate_batch(WindowIn, [window for batch in given.windows for window in batch])
    given.windows, given.encoded_windows = [], [encoded(windows[:50]), encoded(windows[50:])]
    if not repo.store.can_create_in_bulk:
        with pytest.raises(ValueError, match="windows encoded ahead are for FalkorDB's bulk import"):
            await repo.import_catalog(given)
        return

    summary = await repo.import_catalog(given, command_entities=SMALL_COMMANDS)

    assert await repo.digest() == imported
    assert summary.nodes["AvailabilityWindow"] == len(windows) and summary.edges["OF"] == len(windows)


async def test_a_window_encoded_ahead_for_a_title_the_import_lacks_stops_it(repo: GraphRepository) -> None:
    if not repo.store.can_create_in_bulk:
        pytest.skip("windows encoded ahead are for FalkorDB's bulk import")
    given = parts()
    window = WindowIn(**{**catalog.WINDOWS[0], "content_id": "title:nowhere"})
    given.encoded_windows = [encoded([window])]

    with pytest.raises(InvalidInput, match=r"encoded_windows\[0\]\[0\]\.content_id: no title 'title:nowhere'"):
        await repo.import_catalog(given, command_entities=SMALL_COMMANDS)

    assert await repo.store.node_count() == 0


async def test_an_imported_graph_is_read_searched_and_updated_like_any_other(repo: GraphRepository) -> None:
    await repo.import_catalog(parts(), command_entities=SMALL_COMMANDS)

    heat = await repo.get_content_availability("title:heat")
    assert heat is not None
    assert [(w.region_id, w.platform_id, w.pricing_model) for w in heat.windows] == [
        ("GB", "streamflix", "SVOD"), ("US", "rentbox", "TVOD"), ("US", "streamflix", "SVOD")]
    rows = await repo.store.read(Query.EXISTING_CONSTRAINTS)
    constraints = {(row["label"], tuple(row["properties"])) for row in rows}
    assert {(label, (key,)) for label, key in UNIQUE_KEYS.items()} <= constraints
    vector = [0.0] * repo.store.schema.text_dim
    vector[7] = 1.0
    await repo.set_text_embeddings([("title:the-insider", vector, "hash")])
    assert [hit.id for hit in await repo.similar_by_text(vector, k=1)] == ["title:the-insider"]
    titles = (await repo.counts_by_label())["Content"]
    await repo.upsert_contents([{**catalog.THE_INSIDER, "year": 2000}])
    assert (await repo.counts_by_label())["Content"] == titles
    insider = await repo.get_content("title:the-insider")
    assert insider is not None and insider.content.year == 2000


async def test_an_import_into_a_store_that_holds_anything_is_refused(repo: GraphRepository) -> None:
    await repo.upsert_platforms(catalog.PLATFORMS[:1])
    before = await repo.digest()

    with pytest.raises(StoreNotEmpty, match="already holds 1 nodes"):
        await repo.import_catalog(parts())

    assert await repo.digest() == before


BAD_IMPORTS: dict[str, tuple[dict[str, Any], str]] = {
    "a bad field": (
        {"titles": [{"id": "title:late", "kind": "movie", "title": "Late", "year": 3000}]},
        r"contents\[4\]\[0\]\.year: Input should be less than or equal to 2100",
    ),
    "a window on a platform the import does not have": (
        {"windows": [{**catalog.WINDOWS[2], "platform_id": "nowhere"}]},
        r"windows\[\d+\]\[0\]\.platform_id: no platform 'nowhere'",
    ),
    "a title given again in a later batch": (
        {"titles": [{**catalog.HEAT, "title": "Heat again"}]},
        r"contents\[4\]\[0\]\.id: 'title:heat' is already in the import",
    ),
    "a source record of a person the import does not have": (
        {"sources": [{**SOURCE_RECORDS[2], "id": "feed-a:person:nobody", "entity_id": "person:nobody"}]},
        r"source_records\[1\]\[0\]\.entity_id: no person 'person:nobody'",
    ),
    "an episode of a film": (
        {"titles": [{"id": "title:odd", "kind": "episode", "title": "Odd", "parent_id": "title:heat"}]},
        r"contents\[4\]\[0\]\.parent_id: 'title:heat' is a movie, not a season",
    ),
}


@pytest.mark.parametrize("case", BAD_IMPORTS)
async def test_bad_input_stops_the_import_and_leaves_the_store_empty(repo: GraphRepository, case: str) -> None:
    extra, message = BAD_IMPORTS[case]

    with pytest.raises(InvalidInput, match=message):
        await repo.import_catalog(parts(extra.get("titles"), extra.get("windows"), extra_sources=extra.get("sources")),
                                  command_entities=SMALL_COMMANDS)

    assert await repo.store.node_count() == 0
    await repo.import_catalog(parts(), command_entities=SMALL_COMMANDS)  # the schema is back: a new import works
    assert (await repo.counts_by_label())["Platform"] == 10 + 2


async def test_a_write_from_elsewhere_during_an_import_stops_it(embedded_settings: Settings) -> None:
    async with own_graph(embedded_settings, "import-") as (settings, runtime):

        def titles_with_a_write_between() -> Iterator[list[Any]]:
            yield catalog.TITLES + EXTRA_TITLES
            generated_titles = generated().titles()
            yield next(generated_titles)  # the first command is made once this batch is in
            asyncio.run(write_a_platform(settings))  # runs in the import's worker thread, between two batches
            yield from generated_titles

        catalog_parts = parts()
        catalog_parts.contents = titles_with_a_write_between()

        with pytest.raises(QueryFailed, match="something else wrote to the graph meanwhile; the import was undone"):
            await runtime.repository.import_catalog(catalog_parts, command_entities=SMALL_COMMANDS)

        assert await runtime.store.node_count() == 0


async def write_a_platform(settings: Settings) -> None:
    runtime = await open_store(settings)
    try:
        await runtime.repository.upsert_platforms([{"id": "elsewhere", "name": "Elsewhere"}])
    finally:
        await runtime.close()


@pytest.mark.slow
async def test_an_imported_graph_survives_the_server_being_killed(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "store", redis_url=None)
    server = embedded_server(settings)
    instance, _ = server.ensure_running()
    try:
        runtime = await open_store(settings)
        await runtime.repository.import_catalog(parts(titles=300), command_entities=2_000)
        imported = await runtime.repository.digest()
        await runtime.close()
        time.sleep(1.2)  # appendfsync everysec: a command acknowledged more than a second ago is on disk

        os.kill(instance.pid, signal.SIGKILL)
        server.ensure_running()

        runtime = await open_store(settings)
        assert await runtime.repository.digest() == imported
        await runtime.close()
    finally:
        server.stop()
