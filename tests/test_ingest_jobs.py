"""Ingestion as RQ jobs, end to end: real workers (as `mediagateway worker` processes) on the embedded store.

Each test works in a graph of its own (MG_GRAPH_NAME) on the session's embedded store, and compares graphs by
their digest: every node and edge with its properties.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
import redis
from rq import Queue

from mediagateway.graph.connect import StoreRuntime, embedded_server, open_store
from mediagateway.graph.errors import QueryFailed
from mediagateway.graph.queries import Query
from mediagateway.ingest import first_load
from mediagateway.ingest.demo import AGGREGATOR_FEED, CATALOG_FEED, DemoFeeds, write_feeds
from mediagateway.ingest.generate import CatalogSpec
from mediagateway.ingest.generated_feed import write_feed
from mediagateway.ingest.quarantine import Quarantine
from mediagateway.jobs.ingest import FeedLock, run_ingest
from mediagateway.jobs.queue import INGEST_QUEUE, enqueue_ingest, job_view
from mediagateway.settings import Settings

from .own_graph import own_graph

CLI = str(Path(sys.executable).with_name("mediagateway"))
ANCHOR_MS = 1_790_000_000_000  # the demo feeds are generated for a fixed day, so every run writes the same feeds


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> DemoFeeds:
    return write_feeds(tmp_path_factory.mktemp("feeds"), anchor=ANCHOR_MS)


@pytest.fixture
async def graph(embedded_settings: Settings) -> AsyncIterator[Settings]:
    """Settings of an empty graph of this test's own, with an empty quarantine and empty queues."""
    async with own_graph(embedded_settings, "ingest-") as (settings, runtime):
        connection = redis.Redis.from_url(runtime.redis_url)
        Queue(INGEST_QUEUE, connection=connection).empty()
        connection.close()
        yield settings


def env_of(settings: Settings) -> dict[str, str]:
    return {**os.environ, "MG_DATA_DIR": str(settings.data_dir), "MG_GRAPH_NAME": settings.graph_name}


def run_worker(settings: Settings) -> None:
    subprocess.run([CLI, "worker", "--burst"], env=env_of(settings), check=True, capture_output=True, timeout=300)


def start_worker(settings: Settings) -> subprocess.Popen[bytes]:
    return subprocess.Popen([CLI, "worker"], env=env_of(settings), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
def connection(embedded_settings: Settings) -> Iterator[redis.Redis]:
    instance = embedded_server(embedded_settings).find()
    assert instance is not None
    client = redis.Redis.from_url(instance.redis_url)
    yield client
    client.close()


async def digest_and_counts(settings: Settings) -> tuple[str, dict[str, int]]:
    runtime: StoreRuntime = await open_store(settings)
    try:
        return await runtime.repository.digest(), await runtime.repository.counts_by_label()
    finally:
        await runtime.close()


def kill_tree(pid: int) -> None:
    """SIGKILL a process and all its descendants at once, as a crash of the machine's worker would."""
    pids = [pid]
    for parent in pids:
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        pids += [int(child) for child in children]
    for victim in pids:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass


def wait_for(predicate: object, timeout_s: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def test_a_queued_ingest_reports_progress_and_its_result(
    graph: Settings, feeds: DemoFeeds, connection: redis.Redis
) -> None:
    job = enqueue_ingest(connection, str(feeds.catalog), "canonical", CATALOG_FEED)
    assert job_view(connection, job.id).status == "queued"  # type: ignore[union-attr]

    run_worker(graph)

    view = job_view(connection, job.id)
    assert view is not None and view.status == "finished"
    assert view.done == view.total == 2339
    assert view.result is not None
    assert (view.result["titles"], view.result["new_titles"], view.result["windows"]) == (661, 661, 1678)
    _, counts = await digest_and_counts(graph)
    assert (counts["Content"], counts["Movie"], counts["Show"], counts["AvailabilityWindow"]) == (661, 535, 126, 1678)


async def test_duplicates_across_feeds_resolve_to_one_title_with_provenance(graph: Settings, feeds: DemoFeeds) -> None:
    await run_ingest(graph, str(feeds.catalog), "canonical", CATALOG_FEED)
    report = await run_ingest(graph, str(feeds.aggregator), "aggregator", AGGREGATOR_FEED)

    assert (report.titles, report.new_titles) == (67, 0)  # every title of the second feed was already known
    runtime = await open_store(graph)
    city_lights = await runtime.repository.get_content("title:imdb:tt0021749")
    records = await runtime.repository.source_records("title:imdb:tt0021749")
    counts = await runtime.repository.counts_by_label()
    await runtime.close()
    assert counts["Content"] == 661
    assert city_lights is not None and city_lights.content.title == "City Lights"
    assert [r.id for r in records] == ["demo-aggregator:agg-0000", "demo-catalog:demo:city-lights-1931"]
    assert records[0].match_rule == "title+year 1.00 ~ title:imdb:tt0021749"
    assert {w.platform_id for w in city_lights.windows} >= {"prime-video"}  # the second feed's offer joined


async def test_ingesting_the_same_feed_twice_gives_the_same_graph(graph: Settings, feeds: DemoFeeds) -> None:
    await run_ingest(graph, str(feeds.catalog), "canonical", CATALOG_FEED)
    await run_ingest(graph, str(feeds.aggregator), "aggregator", AGGREGATOR_FEED)
    once = await digest_and_counts(graph)

    await run_ingest(graph, str(feeds.aggregator), "aggregator", AGGREGATOR_FEED)
    assert await digest_and_counts(graph) == once
    await run_ingest(graph, str(feeds.catalog), "canonical", CATALOG_FEED)
    assert await digest_and_counts(graph) == once  # the second feed's additions stay: each source describes its own


@pytest.mark.slow
async def test_two_feeds_at_once_give_the_graph_of_one_after_the_other(
    graph: Settings, feeds: DemoFeeds, connection: redis.Redis, embedded_settings: Settings
) -> None:
    orders = {}
    for name, order in (("catalog-first", (0, 1)), ("aggregator-first", (1, 0))):
        feeds_in_order = [(str(feeds.catalog), "canonical", CATALOG_FEED),
                          (str(feeds.aggregator), "aggregator", AGGREGATOR_FEED)]
        async with own_graph(embedded_settings, f"{graph.graph_name}-{name}") as (settings, _):
            for index in order:
                await run_ingest(settings, *feeds_in_order[index])
            orders[name] = await digest_and_counts(settings)

    jobs = [enqueue_ingest(connection, str(feeds.catalog), "canonical", CATALOG_FEED),
            enqueue_ingest(connection, str(feeds.aggregator), "aggregator", AGGREGATOR_FEED)]
    workers = [start_worker(graph), start_worker(graph)]
    try:
        wait_for(lambda: all(job_view(connection, j.id).status == "finished" for j in jobs),  # type: ignore[union-attr]
                 what="both ingest jobs to finish")
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)

    assert await digest_and_counts(graph) in orders.values()


async def generated_feed_and_its_graph(
    titles: int, tmp_path: Path, embedded_settings: Settings, graph: Settings
) -> tuple[Path, tuple[str, dict[str, int]]]:
    """A generated feed of `titles` titles, and the digest and counts of the graph a clean ingest of it builds."""
    feed = tmp_path / "generated.jsonl"
    write_feed(CatalogSpec(titles=titles, seed=11), feed)
    async with own_graph(embedded_settings, f"{graph.graph_name}-clean") as (clean, _):
        await run_ingest(clean, str(feed), "canonical", "generated")
        return feed, await digest_and_counts(clean)


@pytest.mark.slow
async def test_a_worker_killed_mid_ingest_leaves_after_retry_the_graph_of_a_clean_run(
    graph: Settings, connection: redis.Redis, tmp_path: Path, embedded_settings: Settings
) -> None:
    feed, expected = await generated_feed_and_its_graph(2_000, tmp_path, embedded_settings, graph)

    job = enqueue_ingest(connection, str(feed), "canonical", "generated")
    worker = start_worker(graph)
    wait_for(lambda: job.get_meta(refresh=True).get("checkpoint", 0) >= 2_000, what="a few chunks to be done")
    kill_tree(worker.pid)  # the worker and the job's work-horse (a session of its own), mid-chunk
    worker.wait(timeout=30)
    killed_at = job.get_meta(refresh=True)["checkpoint"]
    assert killed_at < job_view(connection, job.id).total  # type: ignore[union-attr, operator]

    recovered = subprocess.run([CLI, "jobs", "recover"], env=env_of(graph), capture_output=True, text=True, timeout=60)
    assert recovered.returncode == 0, recovered.stderr
    run_worker(graph)

    view = job_view(connection, job.id)
    assert view is not None and view.status == "finished", view
    assert view.retries_left == 2
    assert view.result is not None and view.result["items"] == view.total - killed_at  # resumed, not restarted
    assert await digest_and_counts(graph) == expected


async def test_bad_records_are_quarantined_with_a_reason_and_can_be_redriven(
    graph: Settings, tmp_path: Path, connection: redis.Redis
) -> None:
    lines = [
        {"type": "title", "id": "t1", "kind": "movie", "title": "First Light", "year": 2001},
        {"type": "title", "id": "t2", "kind": "movie", "year": 2002},
        {"type": "offer", "id": "o1", "title_id": "t1", "platform": "netflix", "region": "US",
         "pricing_model": "SVOD", "available_from": "2024-01-01", "verified_at": "2024-06-01",
         "verification_source": "aggregator", "deep_links": {"web": "javascript:alert(1)"}},
        {"type": "offer", "id": "o2", "title_id": "t9", "platform": "netflix", "region": "US",
         "pricing_model": "SVOD", "available_from": "2024-01-01", "verified_at": "2024-06-01",
         "verification_source": "aggregator"},
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(line) for line in lines) + "\n{not json\n")

    report = await run_ingest(graph, str(feed), "canonical", "feed-a")

    assert (report.titles, report.windows, report.quarantined) == (1, 0, 4)
    entries = {entry.line: entry for entry in Quarantine(connection, graph.graph_name).entries()}
    assert "title" in entries[2].reason and "missing" in entries[2].reason
    assert "deep_links.web" in entries[3].reason
    assert entries[4].reason == "no title for this offer: its title id is unknown here"
    assert entries[5].reason.startswith("invalid JSON")

    later = tmp_path / "later.jsonl"
    later.write_text(json.dumps({"type": "title", "id": "t9", "kind": "movie", "title": "Late Arrival"}) + "\n")
    await run_ingest(graph, str(later), "canonical", "feed-a")
    redriven = subprocess.run([CLI, "quarantine", "redrive", "--all"], env=env_of(graph), capture_output=True,
                              text=True, timeout=120)

    assert redriven.returncode == 0, redriven.stderr
    assert "re-driven 4: 1 ingested, 3 still quarantined" in redriven.stdout
    assert sorted(e.line for e in Quarantine(connection, graph.graph_name).entries()) == [2, 3, 5]
    _, counts = await digest_and_counts(graph)
    assert counts["AvailabilityWindow"] == 1


def test_the_cli_ingests_inline_with_a_report_and_refuses_bad_arguments(graph: Settings, feeds: DemoFeeds) -> None:
    env = env_of(graph)
    done = subprocess.run([CLI, "ingest", str(feeds.aggregator), "-f", "aggregator", "--inline"], env=env,
                          capture_output=True, text=True, timeout=120)
    unknown = subprocess.run([CLI, "ingest", str(feeds.aggregator), "-f", "xml"], env=env, capture_output=True,
                             text=True, timeout=60)
    missing = subprocess.run([CLI, "ingest", "/nonexistent/feed.jsonl", "-f", "canonical"], env=env,
                             capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout[done.stdout.index("{"):])["windows"] == 97
    assert unknown.returncode == 2 and "unknown ingest format 'xml'" in unknown.stderr
    assert "aggregator, canonical, movielens" in unknown.stderr
    assert missing.returncode == 2 and "no such file or directory: /nonexistent/feed.jsonl" in missing.stderr


async def test_offers_find_their_title_by_feed_id_imdb_or_tmdb_id(graph: Settings, tmp_path: Path) -> None:
    titles = tmp_path / "titles.jsonl"
    titles.write_text(json.dumps({"type": "title", "id": "1", "kind": "movie", "title": "Heat", "year": 1995,
                                  "external_ids": {"imdb": "tt0113277", "tmdb": 949}}) + "\n")
    await run_ingest(graph, str(titles), "canonical", "feed-a")

    def offer(number: int, **title_ref: object) -> str:
        return json.dumps({"type": "offer", "id": f"o{number}", "platform": "netflix", "region": "US",
                           "pricing_model": "SVOD", "available_from": "2024-01-01",
                           "verified_at": f"2024-06-0{number + 1}", "verification_source": "aggregator",
                           "quality": [["SD", "HD", "UHD", "HDR"][number]], **title_ref})

    offers = tmp_path / "offers.jsonl"
    offers.write_text("\n".join([offer(0, title_id="1"), offer(1, title_external_ids={"imdb": "tt0113277"}),
                                 offer(2, title_external_ids={"tmdb": 949}), offer(3, title_id="unknown")]) + "\n")
    same_feed = await run_ingest(graph, str(offers), "canonical", "feed-a")
    other_feed = await run_ingest(graph, str(offers), "canonical", "feed-b")

    assert (same_feed.windows, same_feed.quarantined) == (3, 1)
    assert (other_feed.windows, other_feed.quarantined) == (2, 2)  # feed-b's "1" is not feed-a's "1"


@pytest.mark.slow
def test_the_scheduler_enqueues_a_feed_periodically(graph: Settings, feeds: DemoFeeds, tmp_path: Path,
                                                    connection: redis.Redis) -> None:
    schedule = tmp_path / "feeds.json"
    schedule.write_text(json.dumps([{"location": str(feeds.aggregator), "format": "aggregator",
                                     "source": AGGREGATOR_FEED, "every_seconds": 1}]))
    queue = Queue(INGEST_QUEUE, connection=connection)
    scheduler = subprocess.Popen([CLI, "schedule", str(schedule)], env=env_of(graph), start_new_session=True,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: queue.count >= 2, timeout_s=30, what="two scheduled ingest jobs")
    finally:
        os.killpg(scheduler.pid, signal.SIGTERM)
        scheduler.wait(timeout=30)
    job = queue.jobs[0]
    assert (job.func_name, job.args) == ("mediagateway.jobs.ingest.ingest_feed",
                                         (str(feeds.aggregator), "aggregator", AGGREGATOR_FEED))


def test_a_schedule_with_an_unknown_format_is_refused(graph: Settings, tmp_path: Path) -> None:
    schedule = tmp_path / "feeds.json"
    schedule.write_text(json.dumps([{"location": "x.jsonl", "format": "xml", "every_minutes": 5}]))

    result = subprocess.run([CLI, "schedule", str(schedule)], env=env_of(graph), capture_output=True, text=True,
                            timeout=60)

    assert result.returncode == 2
    assert "feed 0: unknown ingest format 'xml'" in result.stderr


MOVIELENS = Path(__file__).resolve().parents[2] / "shared" / "data" / "ml-latest-small"


@pytest.mark.slow
@pytest.mark.skipif(not (MOVIELENS / "ratings.csv").is_file(), reason="the MovieLens data set is not beside the repo")
async def test_movielens_latest_small_becomes_titles_users_and_ratings(graph: Settings) -> None:
    report = await run_ingest(graph, str(MOVIELENS), "movielens")

    assert (report.titles, report.new_titles, report.interactions, report.quarantined) == (9742, 9742, 100836, 0)
    runtime = await open_store(graph)
    counts = await runtime.repository.counts_by_label()
    edges = await runtime.repository.counts_by_type()
    toy_story = await runtime.repository.get_content("title:imdb:tt0114709")
    ratings = await runtime.repository.interactions_of("user:movielens:1", limit=1_000)
    await runtime.close()
    assert (counts["Content"], counts["User"], edges["RATED"]) == (9742, 610, 100836)
    assert toy_story is not None and (toy_story.content.title, toy_story.content.year) == ("Toy Story", 1995)
    assert len(ratings) == 232 and all(r.type == "RATED" for r in ratings)


# --- the first load of a feed into an empty graph, whole and in bulk (ingest/first_load.py) ----------------------


def loaded_whole(settings: Settings) -> Settings:
    """The settings with every feed into an empty graph loaded whole, however small."""
    return settings.model_copy(update={"ingest_first_load_min_items": 0})


def mixed_feed(path: Path) -> Path:
    """A feed with a bit of everything a first load meets: a show with a season and an episode, one film under two
    ids of the feed (kept apart: a feed lists a film once), offers by feed id and by IMDb id, one window offered
    twice, an interaction, records that cannot be read or written, and two lines that look like what they are not:
    a title that says `"type": "offer"` before saying `"type": "title"`, and an offer whose `type` is spelled with
    an escape (a first load has offer lines read by a process of their own, told apart by their bytes)."""
    title = {"type": "title", "kind": "movie", "year": 1995}
    lines: list[dict[str, object] | str] = [
        {**title, "id": "heat", "title": "Heat", "external_ids": {"imdb": "tt0113277"},
         "credits": [{"name": "Michael Mann", "role": "director", "person_id": "mann"},
                     {"name": "Al Pacino", "role": "actor", "character": "Hanna"}]},
        {**title, "id": "heat-again", "title": "Heat", "year": 1995,
         "credits": [{"name": "Michael Mann", "role": "director", "person_id": "mann"}]},
        {"type": "title", "id": "wire", "kind": "show", "title": "The Wire", "year": 2002},
        {"type": "title", "id": "wire-1", "kind": "season", "title": "Season 1", "number": 1, "parent_id": "wire"},
        {"type": "title", "id": "wire-1-1", "kind": "episode", "title": "The Target", "number": 1,
         "parent_id": "wire-1"},
        {"type": "title", "id": "lost-1", "kind": "season", "title": "Season 1", "number": 1, "parent_id": "lost"},
        {"type": "title", "id": "untitled", "kind": "movie"},
        "{not json",
    ]
    offer = {"type": "offer", "platform": "netflix", "region": "US", "pricing_model": "SVOD",
             "available_from": "2024-01-01", "verified_at": "2024-06-01", "verification_source": "aggregator"}
    lines += [
        {**offer, "id": "o1", "title_id": "heat"},
        {**offer, "id": "o2", "title_external_ids": {"imdb": "tt0113277"}, "region": "GB"},
        {**offer, "id": "o3", "title_id": "wire", "verified_at": "2024-06-02"},
        {**offer, "id": "o4", "title_id": "wire", "verified_at": "2024-06-03"},  # the same window, verified later
        {**offer, "id": "o5", "title_id": "nowhere"},
        {"type": "interaction", "user_id": "u1", "title_id": "heat", "signal": "rating", "rating": 4.5,
         "at": "2024-05-01T20:00:00Z"},
        {"type": "interaction", "user_id": "u1", "title_id": "nowhere", "signal": "rating", "rating": 1,
         "at": "2024-05-01T20:00:00Z"},
    ]
    lines += [
        '{"type": "offer", "type": "title", "id": "odd", "kind": "movie", "title": "Odd One", "year": 2001}',
        json.dumps({**offer, "id": "o6", "title_id": "odd"}).replace('"type"', '"\\u0074ype"'),
    ]
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    return path


def quarantined(connection: redis.Redis, settings: Settings) -> list[tuple[int, str]]:
    return sorted((entry.line, entry.reason) for entry in Quarantine(connection, settings.graph_name).entries())


async def ingest_both_ways(
    embedded_settings: Settings, connection: redis.Redis, feeds_in_order: list[tuple[str, str, str]]
) -> dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[int, str]]]]:
    """The feeds ingested in order into an empty graph chunk by chunk, and with the first loaded whole: each way's
    nodes, edges and quarantine."""
    results = {}
    for way in ("chunks", "whole"):
        async with own_graph(embedded_settings, f"first-load-{way}-") as (settings, runtime):
            if way == "whole":
                settings = loaded_whole(settings)
            reports = [await run_ingest(settings, *feed) for feed in feeds_in_order]
            assert [r.first_load for r in reports] == [way == "whole"] + [False] * (len(reports) - 1)
            results[way] = (await runtime.store.read(Query.DIGEST_NODES), await runtime.store.read(Query.DIGEST_EDGES),
                            quarantined(connection, settings))
    return results


def canonical(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps({**row, "properties": sorted(map(tuple, row["properties"]))}, sort_keys=True,
                             default=str) for row in rows)


async def test_a_first_load_builds_the_graph_and_quarantine_the_chunks_build(
    embedded_settings: Settings, connection: redis.Redis, tmp_path: Path
) -> None:
    write_feed(CatalogSpec(titles=600, seed=3), tmp_path / "generated.jsonl")
    mixed = mixed_feed(tmp_path / "mixed.jsonl")
    compressed = tmp_path / "mixed.jsonl.gz"  # read in one piece: its offers are made windows by the loading process
    compressed.write_bytes(gzip.compress(mixed.read_bytes()))
    for feed in ((str(mixed), "canonical", "feed-a"), (str(compressed), "canonical", "feed-a"),
                 (str(tmp_path / "generated.jsonl"), "canonical", "generated")):
        results = await ingest_both_ways(embedded_settings, connection, [feed])

        (nodes, edges, entries), chunks = results["whole"], results["chunks"]
        assert (canonical(nodes), canonical(edges), entries) == (canonical(chunks[0]), canonical(chunks[1]),
                                                                  chunks[2])
        labels = Counter(label for node in nodes for label in node["labels"])
        if feed[2] == "feed-a":
            assert (labels["Content"], labels["AvailabilityWindow"], labels["User"]) == (6, 4, 1)
            assert [line for line, _ in entries] == [6, 7, 8, 13, 15]
            assert entries[0][1] == "its show feed-a:lost is not known"
        else:
            assert labels["Content"] == 600


async def test_a_first_load_joins_people_named_only_by_name_that_chunks_may_leave_apart(
    embedded_settings: Settings, connection: redis.Redis, feeds: DemoFeeds
) -> None:
    results = await ingest_both_ways(embedded_settings, connection, [
        (str(feeds.catalog), "canonical", CATALOG_FEED), (str(feeds.aggregator), "aggregator", AGGREGATOR_FEED)])

    def split(way: str) -> tuple[list[str], dict[str, str], dict[tuple[str, str, str], str]]:
        """Everything but people and their credits; each person's name; each credit's person, by title, type and
        properties."""
        nodes, edges, _ = results[way]
        names = {node["id"]: dict(map(tuple, node["properties"]))["name"]
                 for node in nodes if "Person" in node["labels"]}
        credits = {(edge["to"], edge["type"], str(sorted(map(tuple, edge["properties"])))): edge["from"]
                   for edge in edges if edge["from"] in names}
        rest = canonical([n for n in nodes if n["id"] not in names]) + canonical(
            [e for e in edges if e["from"] not in names])
        return rest, names, credits

    whole, whole_names, whole_credits = split("whole")
    chunks, chunk_names, chunk_credits = split("chunks")
    assert whole == chunks and results["whole"][2] == results["chunks"][2]
    assert whole_credits.keys() == chunk_credits.keys()
    joined: dict[str, set[str]] = defaultdict(set)  # each person of the chunks -> their people of the first load
    for credit, person in chunk_credits.items():
        joined[person].add(whole_credits[credit])
    assert all(len(people) == 1 for people in joined.values())  # the first load splits no one the chunks joined
    assert all(chunk_names[person] == whole_names[next(iter(people))] for person, people in joined.items())
    assert len(whole_names) < len(chunk_names)


async def test_a_feed_loaded_whole_and_ingested_again_is_unchanged(graph: Settings, feeds: DemoFeeds) -> None:
    seen: list[tuple[int, int | None, str]] = []
    report = await run_ingest(loaded_whole(graph), str(feeds.catalog), "canonical", CATALOG_FEED,
                              on_progress=lambda done, total, step: seen.append((done, total, step)))
    once = await digest_and_counts(graph)
    steps = list(dict.fromkeys(step for _, _, step in seen))
    assert steps == ["ingest", "resolving", "writing"]  # then "ingest" again, done
    assert seen[-1] == (2339, 2339, "ingest")

    again = await run_ingest(loaded_whole(graph), str(feeds.catalog), "canonical", CATALOG_FEED)

    assert report.first_load and not again.first_load  # the graph is no longer empty
    assert (again.titles, again.new_titles) == (report.titles, 0)
    assert await digest_and_counts(graph) == once


async def test_a_feed_too_large_for_the_memory_free_is_ingested_chunk_by_chunk(
    graph: Settings, feeds: DemoFeeds, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(first_load, "BYTES_PER_ITEM", psutil.virtual_memory().total)  # a machine of the feed's size

    report = await run_ingest(loaded_whole(graph), str(feeds.catalog), "canonical", CATALOG_FEED)

    assert not report.first_load and (report.titles, report.new_titles) == (661, 661)


@pytest.mark.slow
async def test_a_worker_killed_mid_first_load_leaves_after_retry_the_graph_of_a_clean_run(
    graph: Settings, connection: redis.Redis, tmp_path: Path, embedded_settings: Settings
) -> None:
    feed, expected = await generated_feed_and_its_graph(6_000, tmp_path, embedded_settings, graph)
    runtime = await open_store(graph)
    env = {**env_of(graph), "MG_INGEST_FIRST_LOAD_MIN_ITEMS": "0"}

    job = enqueue_ingest(connection, str(feed), "canonical", "generated")
    worker = subprocess.Popen([CLI, "worker"], env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    mark = f"mg:{graph.graph_name}:ingest:first-load".encode()

    async def nodes() -> int:
        try:
            return await runtime.store.node_count()
        except QueryFailed:  # no graph at all: a bulk import drops the empty graph's key before it builds one
            return 0

    deadline = time.monotonic() + 120
    while not (connection.exists(mark) and await nodes()):  # the bulk import has begun
        assert time.monotonic() < deadline, "the first load never began its import"
        await asyncio.sleep(0.02)
    kill_tree(worker.pid)
    worker.wait(timeout=30)
    left = await nodes()
    await runtime.close()

    recovered = subprocess.run([CLI, "jobs", "recover"], env=env, capture_output=True, text=True, timeout=60)
    assert recovered.returncode == 0, recovered.stderr
    subprocess.run([CLI, "worker", "--burst"], env=env, check=True, capture_output=True, timeout=300)

    view = job_view(connection, job.id)
    assert view is not None and view.status == "finished", view
    assert left > 0 and view.result is not None and view.result["first_load"]
    assert not connection.exists(mark)
    assert await digest_and_counts(graph) == expected


def test_the_feed_lock_is_kept_while_a_first_load_holds_the_event_loop(
    graph: Settings, connection: redis.Redis
) -> None:
    class ShortLived(FeedLock):
        TTL_S = 1

    key = f"mg:{graph.graph_name}:lock:ingest"
    with ShortLived(connection, graph.graph_name, "job-a") as lock:
        with lock.kept_while_busy():
            time.sleep(2.5)  # longer than the lock lives, with no chance to refresh it here
            assert connection.get(key) == b"job-a"
        time.sleep(1.5)
        assert connection.get(key) is None  # no longer kept
