"""The backend contract: every repository function behaves the same on every backend (see conftest.BACKENDS)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from mediagateway.graph.errors import InvalidInput
from mediagateway.graph.repository import GraphRepository
from mediagateway.graph.store import VectorIndex

from . import catalog


def unit(*hot: int, dim: int = 384) -> list[float]:
    """A unit vector with weight on the given axes."""
    vector = [0.0] * dim
    for axis in hot:
        vector[axis] = 1.0
    norm = math.sqrt(len(hot))
    return [x / norm for x in vector]


async def test_title_with_people_genres_moods_and_availability_in_one_read(repo: GraphRepository) -> None:
    await catalog.load(repo)

    heat = await repo.get_content("title:heat")

    assert heat is not None
    assert heat.content.title == "Heat"
    assert heat.content.year == 1995
    assert heat.content.imdb_id == "tt0113277"
    assert heat.content.tmdb_id == 949
    assert [g.id for g in heat.genres] == ["crime", "thriller"]
    assert [g.name for g in heat.genres] == ["Crime", "Thriller"]
    assert [m.id for m in heat.moods] == ["tense"]
    assert [(c.name, c.role, c.character) for c in heat.credits] == [
        ("Al Pacino", "actor", "Vincent Hanna"),
        ("Robert De Niro", "actor", "Neil McCauley"),
        ("Michael Mann", "director", None),
        ("Michael Mann", "writer", None),
    ]
    assert [(p.name, p.birth_year) for p in heat.people] == [
        ("Robert De Niro", 1943), ("Michael Mann", 1943), ("Al Pacino", 1940)]
    assert heat.parent_id is None
    assert [(w.region_id, w.platform_id, w.pricing_model) for w in heat.windows] == [
        ("GB", "streamflix", "SVOD"),
        ("US", "rentbox", "TVOD"),
        ("US", "streamflix", "SVOD"),
    ]
    rental = heat.windows[1]
    assert rental.price == pytest.approx(3.99)
    assert rental.currency == "USD"
    assert (rental.platform_name, rental.region_name) == ("RentBox", "United States")
    subscription = heat.windows[2]
    assert subscription.quality == ["HD", "UHD"]
    assert subscription.audio == ["5.1"]
    assert subscription.download is True
    assert subscription.deep_link == "https://streamflix.example/watch/heat"
    assert subscription.available_until == catalog.NOW_MS + 60 * catalog.DAY_MS
    assert subscription.trust_score == pytest.approx(0.9)
    assert subscription.verification_source == "platform_api"


async def test_title_with_its_availability_in_one_read(repo: GraphRepository) -> None:
    await catalog.load(repo)

    heat = await repo.get_content_availability("title:heat")
    the_wire = await repo.get_content_availability("title:the-wire")

    assert heat is not None
    assert (heat.content.title, heat.content.year) == ("Heat", 1995)
    assert [(w.region_id, w.platform_name, w.region_name, w.price) for w in heat.windows] == [
        ("GB", "StreamFlix", "United Kingdom", None),
        ("US", "RentBox", "United States", pytest.approx(3.99)),
        ("US", "StreamFlix", "United States", None),
    ]
    page = await repo.get_content("title:heat")
    assert page is not None and heat.windows == page.windows
    assert the_wire is not None and the_wire.content.kind == "show" and the_wire.windows == []
    assert await repo.get_content_availability("title:nope") is None


async def test_unknown_title_reads_as_none(repo: GraphRepository) -> None:
    await catalog.load(repo)
    assert await repo.get_content("title:nope") is None
    assert await repo.get_person("person:nope") is None
    assert await repo.get_user("user:nope") is None


async def test_show_season_episode_hierarchy(repo: GraphRepository) -> None:
    await catalog.load(repo)

    show = await repo.get_content("title:the-wire")
    season = await repo.get_content("title:the-wire:s1")
    episode = await repo.get_content("title:the-wire:s1e2")

    assert show is not None and season is not None and episode is not None
    assert [(c.id, c.kind) for c in show.children] == [("title:the-wire:s1", "season")]
    assert season.parent_id == "title:the-wire"
    assert [c.number for c in season.children] == [1, 2]
    assert episode.parent_id == "title:the-wire:s1"
    assert episode.content.kind == "episode"


async def test_person_with_filmography_newest_first(repo: GraphRepository) -> None:
    await catalog.load(repo)

    mann = await repo.get_person("person:mann")

    assert mann is not None
    assert mann.person.name == "Michael Mann"
    assert mann.person.birth_year == 1943
    assert mann.person.imdb_id == "nm0000520"
    assert [(c.content.title, c.role) for c in mann.credits] == [
        ("The Insider", "director"),
        ("Heat", "director"),
        ("Heat", "writer"),
    ]


async def test_two_hop_neighbourhood_most_connected_first(repo: GraphRepository) -> None:
    await catalog.load(repo)

    neighbours = await repo.neighbourhood("title:heat")

    assert [n.content.id for n in neighbours] == ["title:the-insider", "title:the-wire"]
    shared_with_insider = {(s.label, s.id) for s in neighbours[0].shared}
    assert shared_with_insider == {("Person", "person:mann"), ("Person", "person:pacino"), ("Genre", "thriller")}
    assert {(s.label, s.id) for s in neighbours[1].shared} == {("Genre", "crime")}
    assert [n.content.id for n in await repo.neighbourhood("title:heat", limit=1)] == ["title:the-insider"]


async def test_users_with_region_and_subscriptions(repo: GraphRepository) -> None:
    await catalog.load(repo)
    await repo.upsert_users([{"id": "user:ada", "name": "Ada", "region_id": "GB",
                              "subscriptions": ["streamflix", "rentbox"]}])

    user = await repo.get_user("user:ada")

    assert user is not None
    assert (user.name, user.region_id, user.subscriptions) == ("Ada", "GB", ["rentbox", "streamflix"])


async def test_source_records_explain_a_canonical_entity(repo: GraphRepository) -> None:
    await catalog.load(repo)
    await repo.upsert_source_records([
        {"id": "feed-a:123", "source": "feed-a", "native_id": "123", "entity_label": "Content",
         "entity_id": "title:heat", "match_rule": "imdb_id", "fetched_at": catalog.NOW_MS},
        {"id": "feed-b:heat-1995", "source": "feed-b", "native_id": "heat-1995", "entity_label": "Content",
         "entity_id": "title:heat", "match_rule": "title+year"},
        {"id": "feed-a:p9", "source": "feed-a", "native_id": "p9", "entity_label": "Person",
         "entity_id": "person:mann"},
    ])

    records = await repo.source_records("title:heat")

    assert [(r.id, r.match_rule) for r in records] == [("feed-a:123", "imdb_id"), ("feed-b:heat-1995", "title+year")]
    assert [r.id for r in await repo.source_records("person:mann")] == ["feed-a:p9"]


async def test_counts_by_label(repo: GraphRepository) -> None:
    await catalog.load(repo)

    counts = await repo.counts_by_label()

    assert counts["Content"] == 6
    assert counts["Movie"] == 2
    assert counts["Show"] == 1
    assert counts["Season"] == 1
    assert counts["Episode"] == 2
    assert counts["Person"] == 4
    assert counts["AvailabilityWindow"] == 3
    assert counts["Platform"] == 2
    assert counts["Region"] == 2


async def test_reingesting_the_same_records_changes_nothing(repo: GraphRepository) -> None:
    await catalog.load(repo)
    counts_once = await repo.counts_by_label()
    heat_once = await repo.get_content("title:heat")

    await catalog.load(repo)
    await catalog.load(repo)

    assert await repo.counts_by_label() == counts_once
    assert await repo.get_content("title:heat") == heat_once


async def test_an_update_changes_properties_in_place(repo: GraphRepository) -> None:
    await catalog.load(repo)

    await repo.upsert_contents([{**catalog.HEAT, "title": "Heat (Director's Cut)", "runtime_minutes": 171}])

    heat = await repo.get_content("title:heat")
    assert heat is not None
    assert heat.content.title == "Heat (Director's Cut)"
    assert heat.content.runtime_minutes == 171
    assert (await repo.counts_by_label())["Content"] == 6


async def test_vector_search_finds_nearest_first_on_one_score_scale(repo: GraphRepository) -> None:
    await catalog.load(repo)
    await repo.set_text_embeddings([
        ("title:heat", unit(0), "h1"),
        ("title:the-insider", unit(0, 1), "h2"),
        ("title:the-wire", unit(2), "h3"),
    ])

    hits = await repo.similar_by_text(unit(0), k=3)

    assert [h.id for h in hits] == ["title:heat", "title:the-insider", "title:the-wire"]
    # (1 + cos) / 2: identical 1.0, 45 degrees ~0.854, orthogonal 0.5
    assert [round(h.score, 3) for h in hits] == [1.0, 0.854, 0.5]
    exact = await repo.store.exact_text_search(unit(0), k=3)
    assert [h.id for h in exact] == [h.id for h in hits]
    assert [round(h.score, 3) for h in exact] == [1.0, 0.854, 0.5]


async def test_gnn_vector_indexes_for_content_and_users(repo: GraphRepository) -> None:
    await catalog.load(repo)
    await repo.upsert_users([{"id": "user:ada"}, {"id": "user:bo"}])
    dim = repo.store.schema.gnn_dim
    await repo.set_content_gnn_embeddings([("title:heat", unit(1, dim=dim)), ("title:the-wire", unit(2, dim=dim))])
    await repo.set_user_gnn_embeddings([("user:ada", unit(2, dim=dim)), ("user:bo", unit(1, dim=dim))])

    content_hits = await repo.store.vector_search(VectorIndex.CONTENT_GNN, unit(2, dim=dim), 1)
    user_hits = await repo.store.vector_search(VectorIndex.USER_GNN, unit(1, dim=dim), 1)

    assert [h.id for h in content_hits] == ["title:the-wire"]
    assert [h.id for h in user_hits] == ["user:bo"]


# --- bad input: a clear error naming the field, and nothing already stored changes ------------------------------


async def _snapshot(repo: GraphRepository) -> tuple[Any, ...]:
    return (await repo.counts_by_label(), await repo.get_content("title:heat"), await repo.get_person("person:mann"))


BAD_BATCHES: list[tuple[str, str, list[dict[str, Any]], str]] = [
    ("contents", "empty id", [{**catalog.HEAT, "title": "changed"}, {"id": "  ", "kind": "movie", "title": "X"}],
     "[1].id"),
    ("contents", "unknown kind", [{"id": "t:x", "kind": "podcast", "title": "X"}], "[0].kind"),
    ("contents", "season without show", [{"id": "t:s", "kind": "season", "title": "S1"}], "parent_id"),
    ("contents", "parent that does not exist", [{"id": "t:e", "kind": "episode", "title": "E",
                                                 "parent_id": "title:missing"}], "[0].parent_id"),
    ("contents", "parent of the wrong kind", [{"id": "t:e", "kind": "episode", "title": "E",
                                               "parent_id": "title:the-wire"}], "[0].parent_id"),
    ("contents", "NUL in a title", [{"id": "t:x", "kind": "movie", "title": "Bad\x00Title"}], "[0].title"),
    ("contents", "same id twice", [{"id": "t:x", "kind": "movie", "title": "A"},
                                   {"id": "t:x", "kind": "movie", "title": "B"}], "[1].id"),
    ("contents", "absurd year", [{"id": "t:x", "kind": "movie", "title": "A", "year": 30000}], "[0].year"),
    ("contents", "malformed IMDb id", [{"id": "t:x", "kind": "movie", "title": "A", "imdb_id": "123"}],
     "[0].imdb_id"),
    ("windows", "unknown pricing model", [{**catalog.WINDOWS[0], "pricing_model": "LEASE"}], "[0].pricing_model"),
    ("windows", "end before start", [{**catalog.WINDOWS[0], "available_until": catalog.WINDOWS[0]["available_from"]
                                      - 1}], "available_until must be after available_from"),
    ("windows", "unknown platform", [{**catalog.WINDOWS[0], "platform_id": "nowhere"}], "[0].platform_id"),
    ("windows", "unknown title", [{**catalog.WINDOWS[0], "content_id": "title:missing"}], "[0].content_id"),
    ("windows", "deep link not http", [{**catalog.WINDOWS[0], "deep_link": "javascript:alert(1)"}],
     "[0].deep_link"),
    ("windows", "trust above 1", [{**catalog.WINDOWS[0], "trust_score": 1.5}], "[0].trust_score"),
    ("windows", "rental without a price", [{**catalog.WINDOWS[1], "price": None}], "needs a price"),
    ("windows", "NaN price", [{**catalog.WINDOWS[1], "price": float("nan")}], "[0].price"),
    ("users", "unknown subscription", [{"id": "user:x", "subscriptions": ["nowhere"]}], "[0].subscriptions"),
    ("regions", "region not ISO", [{"id": "usa", "name": "USA"}], "[0].id"),
    ("source_records", "unknown entity", [{"id": "f:1", "source": "f", "native_id": "1", "entity_label": "Content",
                                           "entity_id": "title:missing"}], "[0].entity_id"),
]


@pytest.mark.parametrize(("kind", "case", "records", "names"), BAD_BATCHES, ids=[c[1] for c in BAD_BATCHES])
async def test_bad_input_is_rejected_by_field_and_changes_nothing(
    repo: GraphRepository, kind: str, case: str, records: list[dict[str, Any]], names: str
) -> None:
    await catalog.load(repo)
    before = await _snapshot(repo)

    with pytest.raises(InvalidInput) as raised:
        await getattr(repo, f"upsert_{kind}")(records)

    assert names in str(raised.value)
    assert await _snapshot(repo) == before


@pytest.mark.parametrize(
    ("vector", "message"),
    [([1.0] * 383, "expected 384 dimensions, got 383"), ([math.nan] + [0.0] * 383, "NaN or infinity")],
    ids=["wrong dimension", "NaN"],
)
async def test_bad_vectors_are_rejected_and_change_nothing(
    repo: GraphRepository, vector: list[float], message: str
) -> None:
    await catalog.load(repo)
    await repo.set_text_embeddings([("title:heat", unit(0), "h1")])

    with pytest.raises(InvalidInput, match=message):
        await repo.set_text_embeddings([("title:the-wire", unit(1), "h2"), ("title:heat", vector, "h3")])
    with pytest.raises(InvalidInput, match=message):
        await repo.similar_by_text(vector)

    hits = await repo.similar_by_text(unit(1), k=5)
    assert [h.id for h in hits] == ["title:heat"]  # the good half of the bad batch was not written either


async def test_embedding_for_an_unknown_title_is_rejected(repo: GraphRepository) -> None:
    await catalog.load(repo)
    with pytest.raises(InvalidInput, match=r"\[0\]\.id: no node 'title:missing'"):
        await repo.set_text_embeddings([("title:missing", unit(0), None)])


async def test_hostile_strings_are_stored_as_plain_data(repo: GraphRepository) -> None:
    await catalog.load(repo)
    hostile = "x\"}) MATCH (n) DETACH DELETE n //' \\ $rows `tick` ¿ü 🎬"

    await repo.upsert_contents([{"id": "title:hostile", "kind": "movie", "title": hostile, "synopsis": hostile}])

    stored = await repo.get_content("title:hostile")
    assert stored is not None
    assert stored.content.title == hostile.strip()
    assert (await repo.counts_by_label())["Content"] == 7


async def test_a_window_keeps_its_most_recently_verified_terms_whatever_order_they_come_in(
    repo: GraphRepository,
) -> None:
    await catalog.load(repo)
    rental = catalog.WINDOWS[1]  # verified three days before NOW_MS, at 3.99
    edges = await repo.counts_by_type()

    await repo.upsert_windows([{**rental, "price": 2.99, "verified_at": catalog.NOW_MS - 5 * catalog.DAY_MS}])
    older = await repo.get_content_availability("title:heat")
    await repo.upsert_windows([{**rental, "price": 4.99, "verified_at": catalog.NOW_MS}])
    newer = await repo.get_content_availability("title:heat")

    assert older is not None and newer is not None
    assert [w.price for w in older.windows if w.platform_id == "rentbox"] == [pytest.approx(3.99)]
    assert [w.price for w in newer.windows if w.platform_id == "rentbox"] == [pytest.approx(4.99)]
    assert len(newer.windows) == 3
    assert await repo.counts_by_type() == edges  # the window's edges were not made again


async def test_interactions_keep_the_newest_per_kind(repo: GraphRepository) -> None:
    await catalog.load(repo)
    await repo.upsert_users([{"id": "user:ada"}])
    await repo.upsert_interactions([
        {"user_id": "user:ada", "content_id": "title:heat", "signal": "rating", "rating": 4.5, "at": 2_000},
        {"user_id": "user:ada", "content_id": "title:heat", "signal": "rating", "rating": 2.0, "at": 1_000},
        {"user_id": "user:ada", "content_id": "title:heat", "signal": "watch_start", "at": 500},
        {"user_id": "user:ada", "content_id": "title:heat", "signal": "watch_complete", "at": 900},
        {"user_id": "user:ada", "content_id": "title:the-wire", "signal": "click", "at": 3_000},
    ])

    interactions = await repo.interactions_of("user:ada")

    assert [(i.content_id, i.type, i.rating, i.completed, i.signal, i.at) for i in interactions] == [
        ("title:the-wire", "INTERACTED", None, None, "click", 3_000),
        ("title:heat", "RATED", 4.5, None, None, 2_000),
        ("title:heat", "WATCHED", None, True, None, 900),
    ]


async def test_interactions_with_unknown_users_or_titles_are_rejected(repo: GraphRepository) -> None:
    await catalog.load(repo)
    await repo.upsert_users([{"id": "user:ada"}])

    with pytest.raises(InvalidInput) as raised:
        await repo.upsert_interactions([
            {"user_id": "user:ada", "content_id": "title:heat", "signal": "click", "at": 1},
            {"user_id": "user:nobody", "content_id": "title:nope", "signal": "click", "at": 1},
            {"user_id": "user:ada", "content_id": "title:heat", "signal": "click", "rating": 3, "at": 1},
        ])

    assert "[2]" in str(raised.value) and "rating value goes with the rating signal" in str(raised.value)
    assert await repo.interactions_of("user:ada") == []


async def test_lookups_of_canonical_titles_by_source_record_and_external_id(repo: GraphRepository) -> None:
    await catalog.load(repo)
    await repo.upsert_source_records([{"id": "feed-a:123", "source": "feed-a", "native_id": "123",
                                       "entity_label": "Content", "entity_id": "title:heat"}])

    assert await repo.canonical_ids_of_source_records(["feed-a:123", "feed-a:999"]) == {"feed-a:123": "title:heat"}
    assert await repo.content_ids_by_external_ids(["tt0113277", "tt0000001"], [949, 1]) == {
        ("imdb", "tt0113277"): "title:heat",
        ("tmdb", "949"): "title:heat",
    }


async def test_digest_is_equal_for_equal_graphs_and_differs_otherwise(repo: GraphRepository) -> None:
    await catalog.load(repo)
    first = await repo.digest()
    await catalog.load(repo)
    assert await repo.digest() == first

    await repo.upsert_windows([{**catalog.WINDOWS[0], "price": 1.0, "currency": "USD"}])
    assert await repo.digest() != first
    assert (await repo.counts_by_type())["OF"] == 3
