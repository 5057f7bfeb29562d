"""The discovery API as a client sees it: a real uvicorn process on 127.0.0.1, a real GraphQL client, the hand-made
catalog of `discovery_catalog` (availability relative to now) with real text embeddings."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from gql.transport.exceptions import TransportQueryError

from mediagateway.graph.connect import open_store
from mediagateway.graph.discovery import DiscoveryReads
from mediagateway.graph.embeddings import TextEncoder, embedding_text
from mediagateway.schema.pagination import encode_cursor
from mediagateway.server import create_app
from mediagateway.settings import Settings

from . import discovery_catalog as catalog
from .own_graph import own_graph
from .test_server import graphql, serving

GRAPH = "discovery_tests"


@pytest.fixture(scope="module")
async def loaded(embedded_settings: Settings) -> AsyncIterator[int]:
    async with own_graph(embedded_settings, GRAPH) as (_, runtime):
        now = await catalog.load(runtime.repository)
        encoder = TextEncoder()
        texts = [embedding_text(t["title"], t.get("year"), t.get("synopsis"), t.get("genres", ()))
                 for t in catalog.FILMS_AND_SHOWS]
        vectors = encoder.encode(texts)
        await runtime.repository.set_text_embeddings(
            (t["id"], v, None) for t, v in zip(catalog.FILMS_AND_SHOWS, vectors, strict=True))
        yield now


@pytest.fixture(scope="module")
def api(loaded: int, embedded_settings: Settings) -> Iterator[str]:
    with serving(embedded_settings, GRAPH) as base:
        yield base


async def graphql_error(base: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The first error of a request that must fail, with the data that came with it."""
    with pytest.raises(TransportQueryError) as failure:
        await graphql(base, query, variables)
    assert failure.value.errors
    return {"error": failure.value.errors[0], "data": failure.value.data}


SEARCH = """
query Search($query: String!, $filter: SearchFilter, $first: Int, $after: String) {
  search(query: $query, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor score matches { reason detail } node { id title kind } }
  }
}
"""


async def search_ids(api: str, query: str, filter: dict[str, Any] | None = None) -> list[str]:
    result = await graphql(api, SEARCH, {"query": query, "filter": filter, "first": 50})
    return [edge["node"]["id"] for edge in result["search"]["edges"]]


# --- search ------------------------------------------------------------------------------------------------------


async def test_a_title_word_finds_the_title_first_and_says_why(api: str) -> None:
    result = await graphql(api, SEARCH, {"query": "heat"})

    first = result["search"]["edges"][0]
    assert first["node"] == {"id": "title:heat", "title": "Heat", "kind": "MOVIE"}
    assert {"reason": "TITLE", "detail": "title has 'heat'"} in first["matches"]


async def test_a_persons_name_finds_their_titles(api: str) -> None:
    result = await graphql(api, SEARCH, {"query": "Al Pacino"})

    by_id = {edge["node"]["id"]: edge["matches"] for edge in result["search"]["edges"]}
    assert {"title:heat", "title:the-insider"} <= by_id.keys()
    assert {"reason": "PERSON", "detail": "Al Pacino (actor)"} in by_id["title:heat"]


async def test_meaning_finds_a_title_sharing_no_word_with_the_query(api: str) -> None:
    result = await graphql(api, SEARCH, {"query": "burglars steal diamonds in France"})

    top = result["search"]["edges"][:2]
    assert "title:rififi" in [edge["node"]["id"] for edge in top]
    rififi = next(edge for edge in top if edge["node"]["id"] == "title:rififi")
    assert [m["reason"] for m in rififi["matches"]] == ["SEMANTIC"]
    assert rififi["matches"][0]["detail"].startswith("close in meaning to the query (similarity 0.")


@pytest.mark.parametrize(("search_filter", "expected"), [
    ({"kinds": ["SHOW"]}, {"title:the-wire"}),
    ({"genres": ["crime", "thriller"]}, {"title:heat"}),
    ({"moods": ["uplifting"]}, {"title:toy-story"}),
    ({"genres": ["crime"], "moods": ["tense"]}, {"title:heat", "title:rififi"}),
    ({"genres": ["crime"], "moods": ["tense"], "region": "GB"}, {"title:heat"}),
    ({"genres": ["crime", "no-such-genre"]}, set()),
    ({"yearFrom": 1995, "yearTo": 1999}, {"title:heat", "title:the-insider", "title:toy-story"}),
    ({"runtimeMax": 120}, {"title:rififi", "title:toy-story", "title:the-wire"}),
    ({"runtimeMin": 160}, {"title:heat"}),
    ({"region": "GB"}, {"title:heat", "title:toy-story", "title:the-wire"}),
    ({"platforms": ["rentbox"]}, {"title:heat"}),
    ({"pricingModels": ["FREE"]}, {"title:toy-story"}),
    ({"quality": ["UHD"]}, {"title:heat"}),
    ({"region": "US", "availableNow": True}, {"title:heat"}),
    ({"leavingWithinDays": 14}, {"title:heat"}),
    ({"region": "US", "platforms": ["streamflix"]}, {"title:heat", "title:dune"}),
])
async def test_every_filter_keeps_only_what_it_names(api: str, search_filter: dict[str, Any],
                                                     expected: set[str]) -> None:
    # a query every film and show matches somehow, so the filter alone decides
    found = set(await search_ids(api, "a film or a series", search_filter))
    assert found == expected


async def test_a_title_whose_only_window_is_no_longer_trusted_is_not_shown_as_available(api: str) -> None:
    assert "title:the-insider" in await search_ids(api, "The Insider")
    assert "title:the-insider" not in await search_ids(api, "The Insider", {"region": "US"})


async def test_search_pages_follow_each_other_to_the_end(api: str) -> None:
    seen: list[str] = []
    after = None
    while True:
        result = (await graphql(api, SEARCH, {"query": "a film or a series", "first": 2, "after": after}))["search"]
        seen += [edge["node"]["id"] for edge in result["edges"]]
        if not result["pageInfo"]["hasNextPage"]:
            break
        after = result["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == result["totalCount"] >= 5


@pytest.mark.slow  # starts a second API process
async def test_a_phrase_one_api_process_has_encoded_is_not_encoded_again_by_another(
        api: str, embedded_settings: Settings) -> None:
    phrase = "an ageing safecracker plans one last job"
    before = query_vector_sources(api)
    answer = await graphql(api, SEARCH, {"query": phrase})
    assert query_vector_sources(api)["computed"] == before["computed"] + 1

    with serving(embedded_settings, GRAPH, MG_SEARCH_CANDIDATE_CACHE_MB="0") as other:  # needing the vector
        assert await graphql(other, SEARCH, {"query": phrase}) == answer
        assert await graphql(other, SEARCH, {"query": phrase}) == answer
        assert query_vector_sources(other) == {"process": 1, "shared": 1, "computed": 0}


@pytest.mark.slow  # starts a second API process
async def test_a_phrase_searched_again_by_any_api_process_runs_the_filter_alone(
        api: str, embedded_settings: Settings) -> None:
    phrase = "a detective and a thief circle each other"
    before_sources, before = candidate_sources(api), statements_run(api)
    answer = await graphql(api, SEARCH, {"query": phrase})
    assert set(statements_since(api, before)) == {
        "vector/content_text", "search/title_keyword", "search/person_keyword", "search/filter_titles"}

    before = statements_run(api)
    assert await graphql(api, SEARCH, {"query": phrase}) == answer
    assert statements_since(api, before) == {"search/filter_titles": 1}
    assert candidate_sources(api) == {"computed": before_sources["computed"] + 1, "kept": before_sources["kept"] + 1}

    with serving(embedded_settings, GRAPH) as other:
        assert await graphql(other, SEARCH, {"query": phrase}) == answer
        assert candidate_sources(other) == {"computed": 0, "kept": 1}
        assert query_vector_sources(other) == {"process": 0, "shared": 0, "computed": 0}


@pytest.mark.slow  # starts an API process of its own
async def test_a_title_written_after_a_phrase_was_searched_is_found_by_that_phrase(
        embedded_settings: Settings) -> None:
    async with own_graph(embedded_settings, "kept-search-") as (settings, runtime):
        await runtime.repository.upsert_contents([{"id": "title:nights", "kind": "movie", "title": "Zanzibar Nights"}])
        with serving(settings, settings.graph_name) as base:
            assert await search_ids(base, "zanzibar") == await search_ids(base, "zanzibar") == ["title:nights"]

            await runtime.repository.upsert_contents([
                {"id": "title:express", "kind": "movie", "title": "Zanzibar Express"}])

            assert sorted(await search_ids(base, "zanzibar")) == ["title:express", "title:nights"]
            assert candidate_sources(base) == {"computed": 2, "kept": 1}


@pytest.mark.parametrize(("variables", "argument"), [
    ({"query": "   "}, "query"),
    ({"query": "heat", "filter": {"genres": ["crime\x07"]}}, "filter.genres"),
    ({"query": "x" * 501}, "query"),
    ({"query": "heat", "first": -1}, "first"),
    ({"query": "heat", "after": "not-a-cursor"}, "after"),
    ({"query": "heat", "filter": {"yearFrom": 2000, "yearTo": 1990}}, "filter.yearFrom"),
    ({"query": "heat", "filter": {"region": "usa"}}, "filter.region"),
    ({"query": "heat", "filter": {"leavingWithinDays": -3}}, "filter.leavingWithinDays"),
])
async def test_bad_arguments_get_a_typed_error_naming_them(api: str, variables: dict[str, Any],
                                                            argument: str) -> None:
    failure = await graphql_error(api, SEARCH, variables)

    assert failure["error"]["message"].startswith(f"{argument}: ")
    assert failure["error"]["extensions"]["code"] == "INVALID_ARGUMENT"


@pytest.mark.parametrize("hostile", [
    "') DETACH DELETE n //", "\" OR 1=1 --", "MATCH (n) DETACH DELETE n", "heat\x00", "*|%~\"@{}()[]",
    "\\", "'; CALL db.idx.fulltext.drop('Content') //",
])
async def test_hostile_text_in_every_argument_is_only_text(api: str, hostile: str) -> None:
    variables = {"query": hostile, "filter": {"genres": [hostile], "moods": [hostile], "platforms": [hostile]}}
    if "\x00" in hostile:
        failure = await graphql_error(api, SEARCH, variables)
        assert failure["error"]["message"] == "query: contains a control character (NUL or similar)"
    else:
        result = await graphql(api, SEARCH, variables)
        assert result["search"]["totalCount"] == 0  # nothing has that genre, mood and platform
    for query in ("query($v: ID!) { content(id: $v) { id } }", "query($v: ID!) { person(id: $v) { id } }"):
        failure = await graphql_error(api, query, {"v": hostile})
        assert failure["data"] in (None, {"content": None}, {"person": None})
    still_there = await graphql(api, "{ content(id: \"title:heat\") { title } }")
    assert still_there == {"content": {"title": "Heat"}}


async def test_a_huge_first_is_clamped_to_the_largest_page(api: str) -> None:
    result = await graphql(api, "{ content(id: \"title:the-wire:s2\") { ... on Season { episodes(first: 99999999) "
                                "{ totalCount edges { cursor } } } } }")

    episodes = result["content"]["episodes"]
    assert (episodes["totalCount"], len(episodes["edges"])) == (120, 100)


# --- title pages, people, nodes ------------------------------------------------------------------------------------

TITLE_PAGE = """
query Title($id: ID!) {
  content(id: $id) {
    id kind title year
    genres { totalCount nodes { id name } }
    credits { nodes { role character person { id name } } }
    availabilityByRegion {
      nodes { region { id name } platforms { nodes { platform { id name }
        windows { nodes { pricingModel transaction price currency deepLink trustScore warning } } } } }
    }
    similar(first: 3) { nodes { id title } }
  }
}
"""


async def test_a_title_page_has_people_genres_similar_titles_and_availability_grouped_cheapest_first(
        api: str) -> None:
    heat = (await graphql(api, TITLE_PAGE, {"id": "title:heat"}))["content"]

    assert (heat["kind"], heat["title"], heat["year"]) == ("MOVIE", "Heat", 1995)
    assert heat["genres"] == {"totalCount": 2, "nodes": [{"id": "crime", "name": "Crime"},
                                                         {"id": "thriller", "name": "Thriller"}]}
    assert [(c["role"], c["person"]["name"]) for c in heat["credits"]["nodes"]] == [
        ("DIRECTOR", "Michael Mann"), ("ACTOR", "Al Pacino"), ("ACTOR", "Robert De Niro")]
    regions = heat["availabilityByRegion"]["nodes"]
    assert [r["region"]["id"] for r in regions] == ["GB", "US"]
    gb, us = regions
    assert gb["platforms"]["nodes"][0]["windows"]["nodes"][0]["warning"].startswith("availability not confirmed")
    us_offers = [(p["platform"]["id"], w["pricingModel"], w["price"])
                 for p in us["platforms"]["nodes"] for w in p["windows"]["nodes"]]
    # the FreeView offer (trust 0.45 today) is not shown; subscription before rental before purchase
    assert us_offers == [("streamflix", "SVOD", None), ("rentbox", "TVOD", 3.99), ("rentbox", "TVOD", 12.99)]
    assert all(w["warning"] is None for p in us["platforms"]["nodes"] for w in p["windows"]["nodes"])
    assert len(heat["similar"]["nodes"]) == 3 and "title:heat" not in {s["id"] for s in heat["similar"]["nodes"]}


async def test_a_show_lists_its_seasons_and_a_season_its_episodes_in_order(api: str) -> None:
    query = """{ content(id: "title:the-wire") { ... on Show { seasons { nodes { id
                   ... on Season { number episodes(first: 3) { totalCount nodes { title } } } } } } } }"""
    seasons = (await graphql(api, query))["content"]["seasons"]["nodes"]

    assert [s["number"] for s in seasons] == [1, 2]
    assert [e["title"] for e in seasons[0]["episodes"]["nodes"]] == ["Episode 1", "Episode 2", "Episode 3"]
    assert seasons[1]["episodes"]["totalCount"] == 120


async def test_paging_a_long_list_to_its_end_sees_every_item_once(api: str) -> None:
    query = """query($after: String) { content(id: "title:the-wire:s2") { ... on Season {
                 episodes(first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor }
                   nodes { number } } } } }"""
    numbers: list[int] = []
    after = None
    while True:
        page = (await graphql(api, query, {"after": after}))["content"]["episodes"]
        numbers += [e["number"] for e in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert numbers == list(range(1, 121))


async def test_an_unknown_id_is_null_with_a_typed_error(api: str) -> None:
    for field in ("content", "person", "node"):
        failure = await graphql_error(api, f'{{ {field}(id: "nope") {{ id }} }}')
        assert failure["data"] == {field: None}
        assert failure["error"]["extensions"]["code"] == "NOT_FOUND"
        assert "'nope'" in failure["error"]["message"]


async def test_text_beyond_ascii_comes_back_as_it_was_sent(api: str) -> None:
    id_ = "title:été 東京物語 🎬"
    failure = await graphql_error(api, "query($id: ID!) { content(id: $id) { id } }", {"id": id_})

    assert f"'{id_}'" in failure["error"]["message"]


async def test_a_title_page_with_a_bad_or_unknown_argument_gets_the_typed_error(api: str) -> None:
    query = """query($id: ID!, $n: Int) { content(id: $id) {
                 title genres { totalCount } similar(first: $n) { totalCount } } }"""

    negative = await graphql_error(api, query, {"id": "title:heat", "n": -1})
    unknown = await graphql_error(api, query, {"id": "title:nope", "n": 2})

    assert negative["error"]["extensions"]["code"] == "INVALID_ARGUMENT"
    assert negative["error"]["message"].startswith("first: ")
    assert (unknown["error"]["extensions"]["code"], unknown["data"]) == ("NOT_FOUND", {"content": None})


async def test_a_person_has_a_filmography_with_availability(api: str) -> None:
    query = """{ person(id: "person:pacino") { name filmography { totalCount nodes { role character
                   content { title availability(region: "US") { totalCount } } } } } }"""
    pacino = (await graphql(api, query))["person"]

    credits = pacino["filmography"]["nodes"]
    assert [(c["content"]["title"], c["character"]) for c in credits] == [
        ("The Insider", "Lowell Bergman"), ("Heat", "Vincent Hanna")]
    assert [c["content"]["availability"]["totalCount"] for c in credits] == [0, 3]


async def test_node_fetches_titles_and_people_by_id(api: str) -> None:
    result = await graphql(api, """{ a: node(id: "title:heat") { __typename id }
                                     b: node(id: "person:mann") { __typename ... on Person { name } } }""")
    assert result == {"a": {"__typename": "Movie", "id": "title:heat"},
                      "b": {"__typename": "Person", "name": "Michael Mann"}}


# --- browse ------------------------------------------------------------------------------------------------------

BROWSE = """query($list: BrowseList!, $region: String, $platform: ID, $genre: ID, $mood: ID, $first: Int,
                  $after: String, $withinDays: Int) {
  browse(list: $list, region: $region, platform: $platform, genre: $genre, mood: $mood, first: $first,
         after: $after, withinDays: $withinDays) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id }
  }
}"""


async def browse_ids(api: str, **variables: Any) -> list[str]:
    return [n["id"] for n in (await graphql(api, BROWSE, variables))["browse"]["nodes"]]


async def test_trending_is_by_recent_interactions_without_skips(api: str) -> None:
    assert await browse_ids(api, list="TRENDING") == ["title:the-wire", "title:heat"]
    assert "title:toy-story" in await browse_ids(api, list="TRENDING", withinDays=60)


async def test_new_on_a_platform_and_leaving_soon(api: str) -> None:
    assert await browse_ids(api, list="NEW_ON_PLATFORM", platform="streamflix", withinDays=7) == ["title:the-wire"]
    assert await browse_ids(api, list="LEAVING_SOON") == ["title:heat"]
    assert await browse_ids(api, list="LEAVING_SOON", withinDays=60) == ["title:heat", "title:the-wire"]
    assert await browse_ids(api, list="LEAVING_SOON", withinDays=60, region="GB") == ["title:the-wire"]


async def test_by_genre_and_mood_page_through_to_the_end(api: str) -> None:
    seen: list[str] = []
    after = None
    while True:
        page = (await graphql(api, BROWSE, {"list": "BY_GENRE", "genre": "crime", "first": 1, "after": after}))
        seen += [n["id"] for n in page["browse"]["nodes"]]
        if not page["browse"]["pageInfo"]["hasNextPage"]:
            break
        after = page["browse"]["pageInfo"]["endCursor"]
    assert seen == ["title:the-wire", "title:heat", "title:rififi"]  # most popular first
    assert await browse_ids(api, list="BY_MOOD", mood="tense") == ["title:heat", "title:rififi"]


async def test_a_list_without_what_it_needs_is_a_typed_error(api: str) -> None:
    failure = await graphql_error(api, BROWSE, {"list": "BY_GENRE"})
    assert failure["error"]["message"] == "genre: BY_GENRE needs a genre"
    assert failure["error"]["extensions"]["code"] == "INVALID_ARGUMENT"


# --- where to watch ----------------------------------------------------------------------------------------------

WHERE = """query($id: ID!, $region: String!, $platforms: [ID!]) {
  whereToWatch(contentId: $id, region: $region, platforms: $platforms) {
    reason best { platform { id } pricingModel price } options { totalCount }
  }
}"""


@pytest.mark.parametrize(("region", "platforms", "reason"), [
    ("US", ["streamflix"], "included in your StreamFlix subscription"),
    ("US", [], "rent on RentBox for 3.99 USD"),
    ("GB", [], "needs a StreamFlix subscription"),
    ("FR", [], "not available to watch now in FR from a source trusted enough to show"),
])
async def test_where_to_watch_prefers_subscriptions_then_free_then_the_cheapest(
        api: str, region: str, platforms: list[str], reason: str) -> None:
    result = (await graphql(api, WHERE, {"id": "title:heat", "region": region, "platforms": platforms}))
    assert result["whereToWatch"]["reason"] == reason


async def test_where_to_watch_prefers_free_to_renting(api: str) -> None:
    result = await graphql(api, WHERE, {"id": "title:toy-story", "region": "GB"})
    assert result["whereToWatch"]["reason"] == "free on FreeView"


async def test_an_announced_window_is_listed_but_not_watchable_yet(api: str) -> None:
    result = await graphql(api, WHERE, {"id": "title:dune", "region": "US", "platforms": ["streamflix"]})
    assert result["whereToWatch"]["best"] is None
    page = await graphql(api, '{ content(id: "title:dune") { availability { nodes { availableFrom } } } }')
    assert len(page["content"]["availability"]["nodes"]) == 1


# --- round trips -------------------------------------------------------------------------------------------------

PAGE_WITH_EVERYTHING = """query($first: Int) { search(query: "chapter", first: $first) { totalCount edges { node {
  id title genres { nodes { name } } credits { nodes { role person { name } } }
  availability { nodes { platform { name } pricingModel price deepLink trustScore } } } } } }"""


def metric_by(api: str, metric: str, label: str) -> dict[str, float]:
    """A metric of the server's /metrics, its samples summed by the value of one label."""
    totals: dict[str, float] = {}
    for line in httpx.get(f"{api}/metrics").text.splitlines():
        if line.startswith(metric + "{"):
            labels, value = line.rsplit(" ", 1)
            name = labels.split(f'{label}="', 1)[1].split('"', 1)[0]
            totals[name] = totals.get(name, 0) + float(value)
    return totals


def statements_run(api: str) -> dict[str, float]:
    """How many statements of each name the server has sent to the graph store."""
    return metric_by(api, "mediagateway_graph_statement_duration_seconds_count", "statement")


def query_vector_sources(api: str) -> dict[str, float]:
    """Where the server's search phrases' vectors came from."""
    return metric_by(api, "mediagateway_query_vectors_total", "source")


def candidate_sources(api: str) -> dict[str, float]:
    """Where the server's searches' candidate lists came from."""
    return metric_by(api, "mediagateway_search_candidates_total", "source")


def statements_since(api: str, before: dict[str, float]) -> dict[str, float]:
    after = statements_run(api)
    return {name: after[name] - before.get(name, 0) for name in after if after[name] != before.get(name, 0)}


@pytest.mark.parametrize("first", [50, 5])
async def test_a_search_page_costs_seven_round_trips_whatever_its_size_and_four_once_its_phrase_is_kept(
        api: str, embedded_settings: Settings, first: int) -> None:
    await graphql(api, PAGE_WITH_EVERYTHING, {"first": first})  # the encoder and caches warm
    await catalog_changed(embedded_settings)  # the phrase's kept candidates no longer hold
    before = statements_run(api)
    result = await graphql(api, PAGE_WITH_EVERYTHING, {"first": first})

    assert len(result["search"]["edges"]) == first
    assert statements_since(api, before) == {
        "vector/content_text": 1, "search/title_keyword": 1, "search/person_keyword": 1, "search/filter_titles": 1,
        "availability/of_contents": 1, "content/taxonomy_by_ids": 1, "content/credits_by_ids": 1}

    before = statements_run(api)
    assert await graphql(api, PAGE_WITH_EVERYTHING, {"first": first}) == result
    assert statements_since(api, before) == {
        "search/filter_titles": 1, "availability/of_contents": 1, "content/taxonomy_by_ids": 1,
        "content/credits_by_ids": 1}


SEARCH_WINDOWS = """query($query: String!, $filter: SearchFilter, $region: String, $after: String) {
  search(query: $query, filter: $filter, first: 3, after: $after) { totalCount edges { node {
    id genres { nodes { id } } moods { nodes { id } } availability(region: $region) { nodes { id region { id } } }
  } } } }"""
SEARCH_WINDOWS_IN_TWO_REGIONS = """query($query: String!) { search(query: $query, first: 3) { edges { node {
  id gb: availability(region: "GB") { nodes { id region { id } } }
  us: availability(region: "US") { nodes { id region { id } } } } } } }"""
TITLE_PARTS = """query($id: ID!, $region: String) { content(id: $id) {
  genres { nodes { id } } moods { nodes { id } } availability(region: $region) { nodes { id region { id } } } } }"""


@pytest.mark.parametrize("search_filter", [None, {"genres": ["crime"]}, {"region": "US"}],
                         ids=["no filter", "a genre", "a region"])
async def test_the_parts_of_a_search_page_are_those_its_title_pages_show(
        api: str, search_filter: dict[str, Any] | None) -> None:
    for region in ("GB", None):
        variables = {"query": "heat", "filter": search_filter, "region": region}
        await graphql(api, SEARCH_WINDOWS, variables)  # the phrase's candidates kept
        before = statements_run(api)
        page = (await graphql(api, SEARCH_WINDOWS, variables))["search"]
        reads = statements_since(api, before)

        filters = [name for name in reads if name.startswith("search/filter")]
        assert len(filters) == 1 and reads == {
            filters[0]: 1, "availability/of_contents": 1, "content/taxonomy_by_ids": 1}
        assert page["edges"] and page["totalCount"] >= len(page["edges"])
        for edge in page["edges"]:
            node = edge["node"]
            title = await graphql(api, TITLE_PARTS, {"id": node["id"], "region": region})
            assert {key: node[key] for key in ("genres", "moods", "availability")} == title["content"]
        assert any(edge["node"]["availability"]["nodes"] for edge in page["edges"])


async def test_a_search_page_past_its_end_still_counts_its_results(api: str) -> None:
    first = (await graphql(api, SEARCH_WINDOWS, {"query": "heat"}))["search"]
    past = (await graphql(api, SEARCH_WINDOWS, {"query": "heat", "after": encode_cursor(first["totalCount"])}))

    assert past["search"] == {"totalCount": first["totalCount"], "edges": []}


async def test_a_search_page_asking_for_windows_in_two_regions_reads_each_regions(api: str) -> None:
    await graphql(api, SEARCH_WINDOWS_IN_TWO_REGIONS, {"query": "heat"})
    before = statements_run(api)
    two = (await graphql(api, SEARCH_WINDOWS_IN_TWO_REGIONS, {"query": "heat"}))["search"]
    reads = statements_since(api, before)
    for alias, region in (("gb", "GB"), ("us", "US")):
        one = (await graphql(api, SEARCH_WINDOWS, {"query": "heat", "region": region}))["search"]
        assert [edge["node"][alias] for edge in two["edges"]] == [edge["node"]["availability"] for edge in one["edges"]]
    assert reads == {"search/filter_titles": 1, "availability/of_contents": 2}


async def catalog_changed(settings: Settings) -> None:
    """Advance the generation of the module's catalog, as a write of titles would."""
    runtime = await open_store(settings.model_copy(update={"graph_name": GRAPH}), bootstrap=False)
    try:
        await runtime.generation.advance()
    finally:
        await runtime.close()


async def test_a_browse_page_reads_the_parts_it_selects_and_no_others(api: str) -> None:
    before = statements_run(api)
    assert await browse_ids(api, list="BY_GENRE", genre="crime") == ["title:the-wire", "title:heat", "title:rififi"]
    assert statements_since(api, before) == {"browse/by_genre": 1}

    document = """{ browse(list: BY_GENRE, genre: "crime") { edges { node {
                    id genres { nodes { name } } availability(region: "GB") { totalCount } } } } }"""
    before = statements_run(api)
    result = await graphql(api, document)

    assert [(e["node"]["id"], [g["name"] for g in e["node"]["genres"]["nodes"]],
             e["node"]["availability"]["totalCount"]) for e in result["browse"]["edges"]] == [
        ("title:the-wire", ["Crime", "Drama"], 1), ("title:heat", ["Crime", "Thriller"], 1),
        ("title:rififi", ["Crime"], 0)]
    assert statements_since(api, before) == {
        "browse/by_genre": 1, "availability/of_contents": 1, "content/taxonomy_by_ids": 1}


WINDOWS_IN_A_REGION = """query($region: String) { browse(list: BY_GENRE, genre: "crime") { edges { node {
  id inRegion: availability(region: $region) { nodes { region { id } } } } } } }"""
WINDOWS_IN_A_REGION_AND_EVERY = """query($region: String) { browse(list: BY_GENRE, genre: "crime") { edges { node {
  id inRegion: availability(region: $region) { nodes { region { id } } }
  every: availability { nodes { region { id } } } } } } }"""
WINDOWS_IN_TWO_REGIONS = """{ browse(list: BY_GENRE, genre: "crime") { edges { node {
  id inRegion: availability(region: "GB") { nodes { region { id } } }
  us: availability(region: "US") { nodes { region { id } } } } } } }"""


async def test_a_page_reads_the_windows_of_the_regions_its_fields_ask_for(api: str) -> None:
    before = statements_run(api)
    both = await graphql(api, WINDOWS_IN_A_REGION_AND_EVERY, {"region": "GB"})
    reads_for_both = statements_since(api, before)
    before = statements_run(api)
    one = await graphql(api, WINDOWS_IN_A_REGION, {"region": "GB"})
    reads_for_one = statements_since(api, before)
    before = statements_run(api)
    two = await graphql(api, WINDOWS_IN_TWO_REGIONS)
    reads_for_two = statements_since(api, before)

    def regions(result: dict[str, Any], field: str) -> dict[str, list[str]]:
        edges = result["browse"]["edges"]
        return {e["node"]["id"]: [w["region"]["id"] for w in e["node"][field]["nodes"]] for e in edges}

    assert regions(both, "every") == {"title:the-wire": ["GB"], "title:heat": ["GB", "US", "US", "US"],
                                      "title:rififi": []}
    assert regions(both, "inRegion") == regions(one, "inRegion") == {
        "title:the-wire": ["GB"], "title:heat": ["GB"], "title:rififi": []}
    assert regions(two, "us") == {"title:the-wire": [], "title:heat": ["US", "US", "US"], "title:rififi": []}
    assert regions(two, "inRegion") == regions(one, "inRegion")
    assert reads_for_both == reads_for_one == {"browse/by_genre": 1, "availability/of_contents": 1}
    assert reads_for_two == {"browse/by_genre": 1, "availability/of_contents": 2}  # each region's windows alone


async def test_the_windows_read_for_a_region_are_that_regions(loaded: int, embedded_settings: Settings) -> None:
    runtime = await open_store(embedded_settings.model_copy(update={"graph_name": GRAPH}), bootstrap=False)
    try:
        reads = DiscoveryReads(runtime.store)
        ids = ["title:heat", "title:the-wire", "title:toy-story"]
        every, in_gb = await reads.windows(ids, loaded), await reads.windows(ids, loaded, "GB")
    finally:
        await runtime.close()

    assert {i: sorted(w.id for w in ws) for i, ws in in_gb.items()} == {
        i: sorted(w.id for w in ws if w.region_id == "GB") for i, ws in every.items() if any(
            w.region_id == "GB" for w in ws)}
    assert all(w.region_id == "GB" for ws in in_gb.values() for w in ws) and len(in_gb) == 3


async def test_where_to_watch_is_one_round_trip(api: str) -> None:
    variables = {"id": "title:heat", "region": "US", "platforms": ["streamflix"]}
    before = statements_run(api)
    result = await graphql(api, WHERE, variables)

    assert result["whereToWatch"]["reason"] == "included in your StreamFlix subscription"
    assert result["whereToWatch"]["options"]["totalCount"] == 3  # not the FreeView offer: trusted 0.45
    assert statements_since(api, before) == {"content/with_availability": 1}


async def test_the_same_title_page_under_two_aliases_is_read_once(api: str) -> None:
    document = """{ a: content(id: "title:heat") { title genres { nodes { name } } }
                    b: content(id: "title:heat") { title availability { totalCount } } }"""
    before = statements_run(api)
    result = await graphql(api, document)

    assert (result["a"]["title"], result["b"]["title"]) == ("Heat", "Heat")
    assert [g["name"] for g in result["a"]["genres"]["nodes"]] == ["Crime", "Thriller"]
    assert result["b"]["availability"]["totalCount"] == 4
    assert statements_since(api, before) == {"content/get": 1}


TITLE_PAGE_IN_FRAGMENTS = """
query Title($id: ID!, $similar: Int) {
  content(id: $id) {
    title
    ...Taxonomy
    ... on Movie { credits { nodes { person { name } } } availability { totalCount } }
    similar(first: $similar) { nodes { id } }
  }
}
fragment Taxonomy on Content { genres { nodes { name } } moods { nodes { name } } }
"""


async def test_a_title_page_is_one_read_with_the_similar_titles_searched_beside_it(
        loaded: int, embedded_settings: Settings) -> None:
    app = create_app(embedded_settings.model_copy(update={"graph_name": GRAPH}))
    started: dict[str, list[float]] = {}
    finished: dict[str, float] = {}

    def heard(name: str, seconds: float, ok: bool) -> None:
        finished[name] = time.perf_counter()
        started.setdefault(name, []).append(finished[name] - seconds)

    async with app.router.lifespan_context(app):
        app.state.service.store_runtime.store.add_observer(heard)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api") as client:
            response = await client.post("/graphql", json={"query": TITLE_PAGE_IN_FRAGMENTS,
                                                           "variables": {"id": "title:heat", "similar": 2}})

    heat = response.json()["data"]["content"]
    assert heat["title"] == "Heat" and len(heat["similar"]["nodes"]) == 2
    assert [g["name"] for g in heat["genres"]["nodes"]] == ["Crime", "Thriller"]
    assert [c["person"]["name"] for c in heat["credits"]["nodes"]] == ["Michael Mann", "Al Pacino", "Robert De Niro"]
    assert heat["availability"]["totalCount"] == 4  # the FreeView offer, trusted 0.45 today, is not shown
    assert {name: len(starts) for name, starts in started.items()} == {"content/get": 1, "content/similar": 1}
    assert started["content/similar"][0] < finished["content/get"]
