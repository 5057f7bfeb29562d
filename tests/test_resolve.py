"""The entity resolver on the embedded FalkorDB: source records from several feeds to canonical titles and people."""

from __future__ import annotations

import random
from typing import Any

import pytest

from mediagateway.graph.repository import GraphRepository
from mediagateway.ingest.records import SourceTitle
from mediagateway.ingest.resolve import EntityResolver, Resolution, ResolverConfig


def title(source: str, native_id: str, name: str, year: int | None, **fields: Any) -> SourceTitle:
    return SourceTitle(source=source, native_id=native_id, line=1, kind=fields.pop("kind", "movie"), title=name,
                       year=year, **fields)


def actor(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "role": fields.pop("role", "actor"), **fields}


async def write(repo: GraphRepository, resolution: Resolution) -> None:
    """What the ingestion pipeline does with a resolution: people, then titles, then provenance."""
    await repo.upsert_people(resolution.people)
    await repo.upsert_contents(resolution.contents)
    await repo.upsert_source_records(resolution.source_records)


def rules(resolution: Resolution) -> dict[str, str | None]:
    return {r.id: r.match_rule for r in resolution.source_records}


GODFATHER_CAST = [actor("Al Pacino", imdb_id="nm0000199"), actor("Robert Duvall"), actor("Diane Keaton")]


async def test_external_ids_merge_records_of_different_sources(repo: GraphRepository) -> None:
    resolver = EntityResolver(repo.store)
    resolution = await resolver.resolve([
        title("streamflix", "sf-1", "Heat", 1995, imdb_id="tt0113277"),
        title("tmdb", "949", "Heat (1995)", 1995, imdb_id="tt0113277", tmdb_id=949),
        title("justfeed", "jf-77", "HEAT", None, tmdb_id=949),
    ])

    assert set(resolution.title_ids.values()) == {"title:imdb:tt0113277"}
    [content] = resolution.contents
    assert (content.title, content.year, content.imdb_id, content.tmdb_id) == ("Heat (1995)", 1995, "tt0113277", 949)
    found = rules(resolution)
    assert (found["tmdb:949"] or "").startswith("imdb_id ~ ")
    assert found["justfeed:jf-77"] == "tmdb_id ~ tmdb:949"


async def test_tmdb_numbers_films_and_shows_apart(repo: GraphRepository) -> None:
    resolution = await EntityResolver(repo.store).resolve([
        title("a", "1", "The Office", 2005, kind="show", tmdb_id=2316),
        title("b", "2", "Unrelated Film", 2001, tmdb_id=2316),
    ])

    assert resolution.title_ids == {"a:1": "title:tmdb:show:2316", "b:2": "title:tmdb:movie:2316"}


@pytest.mark.parametrize(("first", "second"), [
    (("The Godfather: Part II", 1974), ("Godfather Part II, The", 1974)),
    (("Amélie", 2001), ("Amelie", 2001)),
    (("Heat", 1995), ("Heat", 1996)),
    (("Spider-Man", 2002), ("Spiderman", 2002)),
    (("Star Wars: Episode IV - A New Hope", 1977), ("Star Wars", 1977)),
    (("The Lord of the Rings: The Two Towers", 2002), ("Lord of the Rings: The Two Towers, The", 2002)),
    (("Sabrina", 1995), ("Sabrina Special Edition", 1995)),
    (("20,000 Days on Earth", 2014), ("20000 Days on Earth", 2014)),
    (("The Shawshank Redemption", 1994), ("Shawshank Redmeption", 1994)),
])
async def test_fuzzy_titles_merge(repo: GraphRepository, first: tuple[str, int], second: tuple[str, int]) -> None:
    resolution = await EntityResolver(repo.store).resolve([title("a", "1", *first), title("b", "2", *second)])

    assert len(resolution.contents) == 1
    assert resolution.title_ids["a:1"] == resolution.title_ids["b:2"]
    assert (rules(resolution)["b:2"] or "").startswith("title+year")


@pytest.mark.parametrize(("first", "second"), [
    (("Dune", 1984), ("Dune", 2021)),
    (("Scream", 1996), ("Scream 2", 1997)),
    (("Kill Bill: Vol. 1", 2003), ("Kill Bill: Vol. 2", 2004)),
    (("The Matrix", 1999), ("The Matrix Reloaded", 2003)),
    (("Drive", 2011), ("Drive Angry", 2011)),
    (("It", 2017), ("It Comes at Night", 2017)),
])
async def test_remakes_and_sequels_stay_apart(
    repo: GraphRepository, first: tuple[str, int], second: tuple[str, int]
) -> None:
    resolution = await EntityResolver(repo.store).resolve([title("a", "1", *first), title("b", "2", *second)])

    assert len(resolution.contents) == 2


async def test_people_in_common_raise_confidence_and_none_lower_it(repo: GraphRepository) -> None:
    config = ResolverConfig(fuzzy_threshold=0.9)
    cast = [actor("Al Pacino"), actor("Robert De Niro")]
    with_people = await EntityResolver(repo.store, config).resolve([
        title("a", "1", "Heat", 1995, credits=cast), title("b", "2", "Heat", 1996, credits=cast[:1]),
    ])
    strangers = await EntityResolver(repo.store, config).resolve([
        title("a", "1", "Heat", 1995, credits=cast), title("b", "2", "Heat", 1996, credits=[actor("Someone Else")]),
    ])

    assert len(with_people.contents) == 1
    assert (rules(with_people)["b:2"] or "").startswith("title+year±1+people")
    assert len(strangers.contents) == 2


async def test_a_source_never_lists_one_film_twice(repo: GraphRepository) -> None:
    resolution = await EntityResolver(repo.store).resolve([
        title("a", "1", "War of the Worlds", 2005), title("a", "2", "War of the Worlds", 2005),
        title("b", "9", "War of the Worlds", 2005),
    ])

    assert len(resolution.contents) == 2
    assert resolution.title_ids["b:9"] == resolution.title_ids["a:1"]


async def test_clusters_are_transitive(repo: GraphRepository) -> None:
    resolution = await EntityResolver(repo.store).resolve([
        title("a", "1", "The Godfather Part II", 1974, imdb_id="tt0071562"),
        title("b", "2", "Godfather: Part II, The", 1974, imdb_id="tt0071562", tmdb_id=240),
        title("c", "3", "The Godfather, Part 2", 1975, tmdb_id=240),
        title("d", "4", "Godfather Part Two", None),  # only fuzzy, and only to the others' spellings
    ])

    ids = set(resolution.title_ids.values())
    assert ids == {"title:imdb:tt0071562"} or len(ids) == 2
    assert resolution.title_ids["a:1"] == resolution.title_ids["b:2"] == resolution.title_ids["c:3"]


async def test_people_resolve_by_imdb_source_id_and_name_with_co_credits(repo: GraphRepository) -> None:
    resolution = await EntityResolver(repo.store).resolve([
        title("a", "1", "The Godfather: Part II", 1974, credits=[
            actor("Al Pacino", imdb_id="nm0000199", native_person_id="p1"),
            actor("Robert Duvall", native_person_id="p2"),
            actor("Francis Ford Coppola", role="director", native_person_id="p3"),
        ]),
        title("a", "5", "Apocalypse Now", 1979, credits=[
            actor("Robert Duvall", native_person_id="p2"),
            actor("Francis Ford Coppola", role="director", native_person_id="p3"),
        ]),
        title("b", "2", "Godfather Part II, The", 1974, credits=[
            actor("Pacino, Al", imdb_id="nm0000199"), actor("Robert  Duvall"), actor("Diane Keaton"),
        ]),
        title("b", "3", "The Conversation", 1974, credits=[actor("Francis Ford Coppola", role="director"),
                                                         actor("Robert Duvall")]),
    ])

    ids = resolution.person_ids
    assert ids["a:p1"] == ids["b:Pacino, Al"] == "person:imdb:nm0000199"
    assert ids["a:p2"] == ids["b:Robert  Duvall"] == "person:a:p2"  # same name on the same canonical title
    assert ids["b:Francis Ford Coppola"] == "person:a:p3"  # same name, and Duvall worked with both
    assert len(resolution.people) == 4
    names = {p.id: p.name for p in resolution.people}
    assert names["person:imdb:nm0000199"] == "Al Pacino"
    godfather = next(c for c in resolution.contents if c.id == resolution.title_ids["a:1"])
    assert {c.person_id for c in godfather.credits} == {"person:imdb:nm0000199", "person:a:p2", "person:a:p3",
                                                        ids["b:Diane Keaton"]}
    person_records = {r.id: r for r in resolution.source_records if r.entity_label == "Person"}
    assert set(person_records) == {"a:person:p1", "a:person:p2", "a:person:p3"}


async def test_same_name_without_anything_in_common_stays_two_people(repo: GraphRepository) -> None:
    resolution = await EntityResolver(repo.store).resolve([
        title("a", "1", "First Film", 2001, credits=[actor("John Smith")]),
        title("a", "2", "Second Film", 2010, credits=[actor("John Smith")]),
    ])

    assert len(resolution.people) == 2


async def test_resolving_twice_or_in_another_order_gives_the_same_resolution(repo: GraphRepository) -> None:
    records = [
        title("a", "1", "The Godfather: Part II", 1974, credits=GODFATHER_CAST),
        title("b", "2", "Godfather Part II, The", 1974, credits=GODFATHER_CAST[:2]),
        title("c", "3", "Heat", 1995, credits=[actor("Al Pacino", native_person_id="x")]),
        title("d", "4", "Heat", 1995, tmdb_id=949),
        title("e", "5", "Dune", 1984),
        title("e", "6", "Dune", 2021),
    ]
    resolver = EntityResolver(repo.store)

    first = await resolver.resolve(records)
    again = await resolver.resolve(records)
    shuffled = list(records)
    random.Random(7).shuffle(shuffled)
    reordered = await resolver.resolve(shuffled)

    assert first == again == reordered
    assert len(first.contents) == 4
    dune = sorted(first.title_ids[k] for k in ("e:5", "e:6"))
    assert dune[0].startswith("title:dune-1984-") and dune[1].startswith("title:dune-2021-")


async def test_second_source_resolves_against_the_graph(repo: GraphRepository) -> None:
    resolver = EntityResolver(repo.store)
    first_feed = [
        title("a", "1", "The Godfather: Part II", 1974, imdb_id="tt0071562", credits=GODFATHER_CAST),
        title("a", "2", "Heat", 1995, credits=[actor("Al Pacino", imdb_id="nm0000199"), actor("Robert De Niro")]),
    ]
    first = await resolver.resolve(first_feed)
    await write(repo, first)

    second = await resolver.resolve([
        title("b", "10", "Godfather: Part II, The", 1974, imdb_id="tt0071562"),
        title("b", "11", "Heat", 1996, credits=[actor("Al Pacino", imdb_id="nm0000199")]),  # a typo'd year
        title("b", "12", "Dune", 2021),
    ])

    assert second.title_ids["b:10"] == first.title_ids["a:1"] == "title:imdb:tt0071562"
    assert second.title_ids["b:11"] == first.title_ids["a:2"]
    assert rules(second)["b:11"] == f"title+year±1+people 1.00 ~ {first.title_ids['a:2']}"
    assert second.person_ids["b:Al Pacino"] == "person:imdb:nm0000199"
    await write(repo, second)
    heat = await repo.get_content(first.title_ids["a:2"])
    assert heat is not None and heat.content.year == 1995  # a new source fills gaps; it does not overwrite
    assert {r.id for r in await repo.source_records(first.title_ids["a:2"])} == {"a:2", "b:11"}

    again = await resolver.resolve(first_feed)  # re-ingesting the first feed changes nothing
    assert again.title_ids == first.title_ids
    assert rules(again) == rules(first)


async def test_a_name_only_person_is_found_on_the_same_title_in_the_graph(repo: GraphRepository) -> None:
    resolver = EntityResolver(repo.store)
    first = await resolver.resolve([title("a", "1", "Heat", 1995, imdb_id="tt0113277",
                                          credits=[actor("Val Kilmer", native_person_id="k")])])
    await write(repo, first)

    second = await resolver.resolve([title("b", "1", "Heat", 1995, imdb_id="tt0113277",
                                           credits=[actor("Kilmer, Val")])])

    assert second.person_ids["b:Kilmer, Val"] == first.person_ids["a:k"] == "person:a:k"


async def test_seasons_and_episodes_follow_their_parents(repo: GraphRepository) -> None:
    resolver = EntityResolver(repo.store)
    feed_a = [
        title("a", "show", "The Wire", 2002, kind="show", imdb_id="tt0306414"),
        title("a", "s1", "Season 1", 2002, kind="season", number=1, parent_native_id="show"),
        title("a", "s1e1", "The Target", 2002, kind="episode", number=1, parent_native_id="s1"),
    ]
    feed_b = [
        title("b", "w", "Wire, The", 2002, kind="show", imdb_id="tt0306414"),
        title("b", "w1", "Series One", 2002, kind="season", number=1, parent_native_id="w"),
        title("b", "w1-1", "Episode 1", 2002, kind="episode", number=1, parent_native_id="w1"),
        title("b", "w1-2", "The Detail", 2002, kind="episode", number=2, parent_native_id="w1"),
        title("b", "lost", "Orphan", 2002, kind="episode", number=3, parent_native_id="nowhere"),
    ]

    resolution = await resolver.resolve(feed_a + feed_b)

    ids = resolution.title_ids
    assert ids["a:s1"] == ids["b:w1"] == "title:imdb:tt0306414/season-1"
    assert ids["a:s1e1"] == ids["b:w1-1"] == "title:imdb:tt0306414/season-1/episode-1"
    assert [c.kind for c in resolution.contents] == ["show", "season", "episode", "episode"]
    assert "b:lost" in resolution.unresolved and "b:lost" not in ids
    await write(repo, resolution)

    later = await resolver.resolve([title("c", "e2", "The Detail", 2002, kind="episode", number=2,
                                          parent_native_id="w1")])
    assert later.unresolved == {"c:e2": "its season c:w1 is not known"}
    feed_c = await resolver.resolve([
        title("c", "show", "The Wire", 2002, kind="show", imdb_id="tt0306414"),
        title("c", "s1", "Season One", None, kind="season", number=1, parent_native_id="show"),
        title("c", "e2", "Detail", 2002, kind="episode", number=2, parent_native_id="s1"),
    ])
    assert feed_c.title_ids["c:e2"] == "title:imdb:tt0306414/season-1/episode-2"
    assert rules(feed_c)["c:e2"] == "parent+number ~ title:imdb:tt0306414/season-1/episode-2"


async def test_split_moves_records_and_keeps_them_apart(repo: GraphRepository) -> None:
    resolver = EntityResolver(repo.store)
    records = [title("a", "1", "Crash", 2004), title("b", "2", "Crash", 2004), title("c", "3", "Crash", 2004)]
    merged = await resolver.resolve(records)
    await write(repo, merged)
    wrong = merged.title_ids["a:1"]
    assert set(merged.title_ids.values()) == {wrong}

    new_id = await resolver.split(wrong, ["c:3"])

    assert new_id.startswith("title:split:")
    assert {r.id for r in await repo.source_records(wrong)} == {"a:1", "b:2"}
    [moved] = await repo.source_records(new_id)
    assert (moved.id, moved.entity_id, moved.match_rule) == ("c:3", new_id, f"split from {wrong}")
    split_off = await repo.get_content(new_id)
    assert split_off is not None and (split_off.content.title, split_off.content.year) == ("Crash", 2004)

    again = await resolver.resolve(records)
    assert again.title_ids == {"a:1": wrong, "b:2": wrong, "c:3": new_id}
    assert rules(again)["c:3"] == f"split from {wrong}"
    await write(repo, again)
    assert {r.id for r in await repo.source_records(new_id)} == {"c:3"}
    assert await resolver.split(wrong, ["b:2"]) != new_id


async def test_split_refuses_records_it_does_not_hold(repo: GraphRepository) -> None:
    resolver = EntityResolver(repo.store)
    resolution = await resolver.resolve([title("a", "1", "Heat", 1995), title("b", "2", "Heat", 1995)])
    await write(repo, resolution)
    heat = resolution.title_ids["a:1"]

    with pytest.raises(ValueError, match="was not resolved from z:9"):
        await resolver.split(heat, ["z:9"])
    with pytest.raises(ValueError, match="would leave it with none"):
        await resolver.split(heat, ["a:1", "b:2"])
    with pytest.raises(ValueError, match="no canonical title or person"):
        await resolver.split("title:nothing", ["a:1"])


async def test_titles_in_the_graph_are_found_by_block_key(repo: GraphRepository) -> None:
    resolver = EntityResolver(repo.store)
    first = await resolver.resolve([title("a", "1", "The Godfather: Part II", 1974), title("a", "2", "Heat", 1995)])
    await write(repo, first)

    second = await resolver.resolve([title("b", "1", "Godfather Part II, The", 1975),
                                     title("b", "2", "Heat: Director's Cut", 1995)])

    assert second.title_ids == {"b:1": first.title_ids["a:1"], "b:2": first.title_ids["a:2"]}


async def test_a_person_can_be_split_too(repo: GraphRepository) -> None:
    resolver = EntityResolver(repo.store)
    records = [title(source, "1", "Heat", 1995, imdb_id="tt0113277",
                     credits=[actor("Tom Sizemore", native_person_id=person)])
               for source, person in (("a", "1"), ("b", "7"))]
    merged = await resolver.resolve(records)
    await write(repo, merged)
    person = merged.person_ids["a:1"]
    assert merged.person_ids["b:7"] == person

    new_id = await resolver.split(person, ["b:person:7"])

    again = await resolver.resolve(records)
    assert (again.person_ids["a:1"], again.person_ids["b:7"]) == (person, new_id)
    detail = await repo.get_person(new_id)
    assert detail is not None and detail.person.name == "Tom Sizemore"
