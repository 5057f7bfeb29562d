"""The HTTP service end to end: a real uvicorn process on 127.0.0.1, spoken to by a real GraphQL client."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
import redis
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport

from mediagateway.graph.connect import embedded_server
from mediagateway.graph.query_encoder import default_model, exported_onnx
from mediagateway.jobs.queue import enqueue_ingest
from mediagateway.settings import Settings

from . import catalog
from .own_graph import own_graph

GRAPH = "server_tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_api(env: dict[str, str], stderr: IO[bytes] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """A uvicorn process serving the app with `env` on a free port; its log lines go to `stderr` if given. The
    search model is exported here first if no server of the session has, so the server starts in seconds."""
    exported_onnx(default_model(), Settings().model_cache)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "mediagateway.server:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env={**os.environ, **env},
        stderr=stderr,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the API did not start within 30s")


@contextlib.contextmanager
def serving(settings: Settings, graph: str, **env: str) -> Iterator[str]:
    """An API process serving `graph` of the session's embedded store, stopped on leaving."""
    process, base = start_api({"MG_DATA_DIR": str(settings.data_dir), "MG_GRAPH_NAME": graph, **env})
    try:
        yield base
    finally:
        stop_api(process)


def stop_api(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
async def loaded(embedded_settings: Settings) -> AsyncIterator[None]:
    async with own_graph(embedded_settings, GRAPH) as (_, runtime):
        await catalog.load(runtime.repository)
        yield


@pytest.fixture(scope="module")
def api(loaded: None, embedded_settings: Settings) -> Iterator[str]:
    with serving(embedded_settings, GRAPH) as base:
        yield base


async def graphql(base: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    transport = HTTPXAsyncTransport(url=f"{base}/graphql", timeout=15)
    async with Client(transport=transport) as session:
        return await session.execute(GraphQLRequest(query, variable_values=variables))


TITLE_PAGE = """
query Title($id: ID!) {
  content(id: $id) {
    id kind title year genres { nodes { id name } } credits { nodes { person { name } role character } }
  }
}
"""


def test_health_is_always_ok(api: str) -> None:
    response = httpx.get(f"{api}/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_ready_when_store_and_redis_answer(api: str) -> None:
    response = httpx.get(f"{api}/ready")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["components"]["graph"] == {"ok": True, "backend": "embedded"}
    assert body["components"]["redis"] == {"ok": True}


async def test_title_page_over_graphql(api: str) -> None:
    # the discovery API in full is tried in test_api_discovery.py
    result = await graphql(api, TITLE_PAGE, {"id": "title:heat"})

    heat = result["content"]
    assert (heat["kind"], heat["title"], heat["year"]) == ("MOVIE", "Heat", 1995)
    assert [g["name"] for g in heat["genres"]["nodes"]] == ["Crime", "Thriller"]
    assert {"person": {"name": "Al Pacino"}, "role": "ACTOR", "character": "Vincent Hanna"} in heat["credits"]["nodes"]


async def test_unknown_title_is_null_with_a_not_found_error(api: str) -> None:
    with pytest.raises(TransportQueryError) as failure:
        await graphql(api, TITLE_PAGE, {"id": "title:nope"})
    assert failure.value.data == {"content": None}
    assert failure.value.errors and failure.value.errors[0]["extensions"]["code"] == "NOT_FOUND"


async def test_stats_counts_nodes_by_label(api: str) -> None:
    result = await graphql(api, "{ stats { backend nodes { label count } } }")

    counts = {row["label"]: row["count"] for row in result["stats"]["nodes"]}
    assert result["stats"]["backend"] == "embedded"
    assert (counts["Content"], counts["AvailabilityWindow"], counts["Person"]) == (6, 3, 4)


@pytest.fixture(scope="module")
def api_without_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    dead_port = free_port()  # nothing listens here
    process, base = start_api({
        "MG_BACKEND": "falkordb",
        "MG_REDIS_URL": f"redis://127.0.0.1:{dead_port}",
        "MG_DATA_DIR": str(tmp_path_factory.mktemp("unused")),
    })
    yield base, dead_port
    stop_api(process)


def test_ready_names_the_component_that_is_down_and_why(api_without_backend: tuple[str, int]) -> None:
    base, port = api_without_backend
    started = time.monotonic()

    response = httpx.get(f"{base}/ready", timeout=30)

    assert time.monotonic() - started < 10
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    graph = body["components"]["graph"]
    assert graph["ok"] is False
    assert f"FalkorDB at redis://127.0.0.1:{port} is unavailable" in graph["error"]
    assert "refused" in graph["error"].lower()
    assert body["components"]["redis"]["ok"] is False


async def test_requests_get_a_clear_error_not_a_hang(api_without_backend: tuple[str, int]) -> None:
    base, port = api_without_backend
    started = time.monotonic()

    with pytest.raises(TransportQueryError) as raised:
        await graphql(base, TITLE_PAGE, {"id": "title:heat"})

    assert time.monotonic() - started < 10
    assert f"FalkorDB at redis://127.0.0.1:{port} is unavailable" in str(raised.value)


def test_the_api_process_never_imports_torch() -> None:
    probe = ("import sys, mediagateway.server, mediagateway.jobs.queue; "
             "print(sorted(m for m in ('torch', 'sentence_transformers', 'torch_geometric') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


async def test_an_unknown_job_is_null(api: str) -> None:
    assert await graphql(api, '{ job(id: "no-such-job") { status } }') == {"job": None}


async def test_a_finished_job_shows_its_progress_and_report(api: str, embedded_settings: Settings,
                                                            tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"type": "title", "id": "t1", "kind": "movie", "title": "Quiet Harbour"}) + "\n")
    instance = embedded_server(embedded_settings).find()
    assert instance is not None
    connection = redis.Redis.from_url(instance.redis_url)
    job = enqueue_ingest(connection, str(feed), "canonical", "feed-q")
    connection.close()
    env = {**os.environ, "MG_DATA_DIR": str(embedded_settings.data_dir), "MG_GRAPH_NAME": f"{GRAPH}_jobs"}
    subprocess.run([str(Path(sys.executable).with_name("mediagateway")), "worker", "--burst"], env=env, check=True,
                   capture_output=True, timeout=120)

    result = await graphql(api, "query Job($id: ID!) { job(id: $id) { status done total stage result error } }",
                           {"id": job.id})

    view = result["job"]
    assert (view["status"], view["done"], view["total"], view["stage"], view["error"]) == (
        "finished", 1, 1, "ingest", None)
    assert json.loads(view["result"])["titles"] == 1
