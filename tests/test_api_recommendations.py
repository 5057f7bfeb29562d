"""Recommendations over GraphQL as a client sees them: a real uvicorn process, a real GraphQL client, the
recommendation test graph of `recommend_catalog` moved to today (so trust and availability mean what they say)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport

from mediagateway.server import create_app
from mediagateway.settings import Mode, Settings

from . import recommend_catalog as catalog
from .own_graph import own_graph
from .test_server import serving

GRAPH = "recommendation_api_tests"
RECOMMEND = """query Recommend($first: Int, $mood: String, $only: Boolean) {
  recommendations(first: $first, mood: $mood, onlyMyServices: $only) {
    totalCount strategies { name weight }
    edges { score explanation reasons { kind text } platforms { id } node { id title } }
  }
}"""


@pytest.fixture(scope="module")
async def loaded(embedded_settings: Settings) -> AsyncIterator[None]:
    async with own_graph(embedded_settings, GRAPH) as (_, runtime):
        await catalog.load(runtime.repository, now=int(time.time() * 1000))
        yield


@pytest.fixture(scope="module")
def api(loaded: None, embedded_settings: Settings) -> Iterator[str]:
    with serving(embedded_settings, GRAPH) as base:
        yield base


async def recommend(api: str, viewer: str | None, **variables: Any) -> dict[str, Any]:
    headers = {"X-Dev-User-Id": viewer} if viewer else {}
    transport = HTTPXAsyncTransport(url=f"{api}/graphql", timeout=60, headers=headers)
    async with Client(transport=transport) as session:
        result: dict[str, Any] = await session.execute(GraphQLRequest(RECOMMEND, variable_values=variables))
        return result["recommendations"]


async def recommend_error(api: str, viewer: str | None, **variables: Any) -> dict[str, Any]:
    with pytest.raises(TransportQueryError) as failure:
        await recommend(api, viewer, **variables)
    assert failure.value.errors
    error: dict[str, Any] = failure.value.errors[0]
    return error


async def test_a_viewer_gets_available_unwatched_titles_each_with_why(api: str) -> None:
    result = await recommend(api, "user:ana")

    ids = [edge["node"]["id"] for edge in result["edges"]]
    assert ids and "title:heat" not in ids  # watched
    assert "title:insider" not in ids  # its only window is no longer trusted enough
    assert "title:cars" not in ids  # only in Great Britain
    assert all(edge["explanation"] and edge["platforms"] for edge in result["edges"])
    assert {s["name"] for s in result["strategies"]} >= {"collaborative", "content", "context"}
    assert all(s["weight"] >= 0 for s in result["strategies"])


async def test_only_my_services_keeps_to_the_viewers_subscriptions(api: str) -> None:
    result = await recommend(api, "user:ana", only=True)

    assert result["edges"]
    assert {p["id"] for edge in result["edges"] for p in edge["platforms"]} == {"streamflix"}


async def test_a_viewer_without_interactions_gets_popular_titles_and_is_told_so(api: str) -> None:
    result = await recommend(api, "user:eve")

    assert result["edges"]
    assert any(reason["kind"] == "COLD_START" for reason in result["edges"][0]["reasons"])


@pytest.mark.parametrize(("viewer", "variables", "code", "naming"), [
    ("user:nobody", {}, "INVALID_ARGUMENT", "viewer: no user 'user:nobody'"),
    ("user:ana", {"mood": "grumpy"}, "INVALID_ARGUMENT", "mood: 'grumpy' is not a mood"),
    ("user:ana", {"first": 0}, "INVALID_ARGUMENT", "first: must be between 1 and 100"),
    ("user:ana", {"first": -5}, "INVALID_ARGUMENT", "first: must be 0 or more"),
    (None, {}, "UNAUTHENTICATED", "recommendations need a signed-in viewer"),
])
async def test_bad_requests_get_typed_errors(api: str, viewer: str | None, variables: dict[str, Any], code: str,
                                             naming: str) -> None:
    error = await recommend_error(api, viewer, **variables)

    assert error["extensions"]["code"] == code
    assert error["message"].startswith(naming)


async def test_reads_that_do_not_wait_for_each_other_run_side_by_side(
        loaded: None, embedded_settings: Settings) -> None:
    """The titles' genres beside the titles, and the windows written since the recommender's snapshot beside the
    viewer's own reads."""
    app = create_app(embedded_settings.model_copy(update={"graph_name": GRAPH, "mode": Mode.DEVELOPMENT}))
    started: dict[str, float] = {}
    finished: dict[str, float] = {}

    def heard(name: str, seconds: float, ok: bool) -> None:
        finished[name] = time.perf_counter()
        started[name] = finished[name] - seconds

    async with app.router.lifespan_context(app):
        app.state.service.store_runtime.store.add_observer(heard)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api") as client:
            response = await client.post(
                "/graphql", headers={"X-Dev-User-Id": "user:ana"}, timeout=60,
                json={"query": "{ recommendations(first: 3) { nodes { title genres { nodes { name } } } } }"})

    nodes = response.json()["data"]["recommendations"]["nodes"]
    assert nodes and all(node["genres"]["nodes"] for node in nodes)
    assert started["content/taxonomy_by_ids"] < finished["content/by_ids"]
    assert started["recommend/windows_written"] < finished["interaction/of_user"]
    assert started["recommend/windows_written"] < finished["user/get"]


async def test_similar_titles_by_id_and_an_unknown_id(api: str) -> None:
    query = 'query($id: String!) { similar(contentId: $id, first: 3) { totalCount nodes { id } } }'
    transport = HTTPXAsyncTransport(url=f"{api}/graphql", timeout=30)
    async with Client(transport=transport) as session:
        found = await session.execute(GraphQLRequest(query, variable_values={"id": "title:heat"}))
        assert 0 < found["similar"]["totalCount"] <= 3
        assert "title:heat" not in {n["id"] for n in found["similar"]["nodes"]}
        with pytest.raises(TransportQueryError) as failure:
            await session.execute(GraphQLRequest(query, variable_values={"id": "title:nope"}))
    assert failure.value.errors and failure.value.errors[0]["extensions"]["code"] == "NOT_FOUND"


def test_the_development_header_is_ignored_in_production(loaded: None, embedded_settings: Settings) -> None:
    with serving(embedded_settings, GRAPH, MG_MODE="production") as base:
        response = httpx.post(f"{base}/graphql", json={"query": RECOMMEND}, headers={"X-Dev-User-Id": "user:ana"},
                              timeout=60)
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_until_the_first_build_is_ready_a_viewer_is_told_to_come_back(loaded: None,
                                                                            embedded_settings: Settings) -> None:
    with serving(embedded_settings, GRAPH, MG_RECOMMEND_FIRST_WAIT_S="0") as base:
        early = await recommend_error(base, "user:ana")
        deadline = time.monotonic() + 60
        while True:
            try:
                later = await recommend(base, "user:ana")
                break
            except TransportQueryError as exc:
                assert exc.errors and exc.errors[0]["extensions"]["code"] == "NOT_READY"
                assert time.monotonic() < deadline, "the recommender was never built"
                time.sleep(0.2)

    assert early["extensions"]["code"] == "NOT_READY"
    assert "try again shortly" in early["message"]
    assert later["totalCount"] > 0


def explanation_of(result: dict[str, Any], title_id: str) -> str:
    explanation: str = next(edge["explanation"] for edge in result["edges"] if edge["node"]["id"] == title_id)
    return explanation


async def test_other_viewers_news_reaches_recommendations_once_the_snapshot_is_rebuilt(
        embedded_settings: Settings) -> None:
    now = int(time.time() * 1000)
    async with own_graph(embedded_settings, "recommendation_refresh_tests") as (settings, runtime):
        await catalog.load(runtime.repository, now=now)
        with serving(embedded_settings, settings.graph_name, MG_RECOMMEND_REFRESH_S="1") as base:
            before = explanation_of(await recommend(base, "user:ana"), "title:godfather")
            await runtime.repository.upsert_users([{"id": "user:zoe", "region_id": "US"}])
            await runtime.repository.upsert_interactions([
                {"user_id": "user:zoe", "content_id": f"title:{title}", "signal": "rating", "rating": 5.0,
                 "at": now - 60_000} for title in ("heat", "godfather")])
            deadline = time.monotonic() + 60
            while "(3 viewers)" not in (after := explanation_of(await recommend(base, "user:ana"), "title:godfather")):
                assert time.monotonic() < deadline, f"still {after!r}"
                time.sleep(0.5)

    assert "people who liked \u201cHeat\u201d also liked this (2 viewers)" in before
    assert "people who liked \u201cHeat\u201d also liked this (3 viewers)" in after
