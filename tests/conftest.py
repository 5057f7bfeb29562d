"""Shared fixtures: one embedded FalkorDB for the session, and the backends the contract suite runs on.

The contract suite runs on the embedded FalkorDB always, and on Neo4j when `NEO4J_URI` is set (with `NEO4J_USER`,
`NEO4J_PASSWORD` and optionally `NEO4J_DATABASE`); without it the Neo4j cases are skipped with that reason.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from mediagateway.graph.connect import StoreRuntime, embedded_server, open_store
from mediagateway.graph.repository import GraphRepository
from mediagateway.settings import Backend, Settings

BACKENDS = ["falkordb", "neo4j"]


@pytest.fixture(scope="session", autouse=True)
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One folder for the files made from models (the query encoder's ONNX export) for the whole session, so each
    API server a test starts loads the export instead of making it again."""
    folder = tmp_path_factory.mktemp("model-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MG_MODEL_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def embedded_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of the session's embedded store; the store is stopped when the session ends."""
    settings = Settings(backend=Backend.EMBEDDED, data_dir=tmp_path_factory.mktemp("mg"), redis_url=None)
    embedded_server(settings).ensure_running()  # started here, so no test's store owns (and stops) it
    yield settings
    embedded_server(settings).stop()


def _neo4j_settings(data_dir: Path) -> Settings:
    return Settings(
        backend=Backend.NEO4J,
        neo4j_uri=os.environ["NEO4J_URI"],
        neo4j_user=os.environ.get("NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("NEO4J_PASSWORD", "neo4j"),
        neo4j_database=os.environ.get("NEO4J_DATABASE", "neo4j"),
        data_dir=data_dir,
        redis_url=None,
    )


@pytest.fixture(scope="session", params=BACKENDS)
async def runtime(request: pytest.FixtureRequest, embedded_settings: Settings) -> AsyncIterator[StoreRuntime]:
    if request.param == "neo4j":
        if not os.environ.get("NEO4J_URI"):
            pytest.skip("Neo4j contract run needs NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD)")
        settings = _neo4j_settings(embedded_settings.data_dir)
    else:
        settings = embedded_settings
    runtime = await open_store(settings)
    yield runtime
    await runtime.store.close()


@pytest.fixture
async def repo(runtime: StoreRuntime) -> GraphRepository:
    """A repository over an empty graph with the schema in place."""
    await runtime.store.delete_all()
    return runtime.repository
