"""The one settings object: every knob comes from an environment variable prefixed `MG_`.

`Settings()` reads the environment (and a `.env` file in the working directory, if any); pass it down to what
needs it instead of reading the environment anywhere else.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Backend(StrEnum):
    EMBEDDED = "embedded"
    FALKORDB = "falkordb"
    NEO4J = "neo4j"


class Mode(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class CollaborativeSource(StrEnum):
    """Where the live collaborative strategy reads other viewers' interactions (recommend/service.py)."""

    SNAPSHOT = "snapshot"
    CYPHER = "cypher"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MG_", env_file=".env", extra="ignore")

    backend: Backend = Field(
        Backend.EMBEDDED,
        description="embedded: start FalkorDB ourselves; falkordb: an external FalkorDB at redis_url; neo4j: neo4j_uri",
    )
    graph_name: str = Field("mediagateway", description="FalkorDB graph key that holds the content graph")

    neo4j_uri: str = "bolt://localhost:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("neo4j")
    neo4j_database: str = "neo4j"
    neo4j_connect_timeout_s: float = 5.0

    redis_url: str | None = Field(
        None,
        description="Redis for RQ, the cache and (backend=falkordb) the graph; unset: the embedded process",
    )
    data_dir: Path = Field(Path("var"), description="where the embedded store keeps its files, pid and socket")
    embedded_startup_timeout_s: float = Field(300.0, gt=0, description=(
        "how long a start may wait for the embedded store to answer; FalkorDB rebuilds its vector indexes when it "
        "loads, without answering: about two minutes for 100,000 title vectors on 2 cores"))

    text_embedding_dim: int = Field(384, gt=0, le=4096)
    gnn_embedding_dim: int = Field(64, gt=0, le=4096)
    vector_m: int = Field(16, gt=1, description="HNSW links per node")
    vector_ef_construction: int = Field(200, gt=0)
    vector_ef_runtime: int = Field(200, gt=0, description="200: recall@10 0.98 at 100,000 titles (bench/README.md)")

    query_timeout_ms: int = Field(10_000, gt=0, description="a statement that runs longer is cancelled")
    write_batch_size: int = Field(1_000, gt=0, le=100_000)
    ingest_first_load_min_items: int = Field(50_000, ge=0, description=(
        "a feed of at least this many items (lines, rows) ingested into an empty graph on FalkorDB is loaded "
        "whole: resolved in one batch and written in bulk, several times faster than chunk by chunk, but started "
        "again from the beginning after a crash instead of resumed (ingest/first_load.py)"))

    model_cache_dir: Path | None = Field(None, description=(
        "where files made from the models are kept (the query encoder's ONNX export); unset: <data_dir>/models"))
    query_encoder_threads: int = Field(
        1, gt=0, le=64, description="threads of the query text encoder; the API shares its cores with the database"
    )
    query_vector_dir: Path | None = Field(None, description=(
        "where the API processes of this host keep search phrases' vectors for each other "
        "(resolvers/query_vectors.py); unset: <data_dir>/query-vectors"))
    query_vector_cache_mb: int = Field(128, ge=0, description=(
        "the most disk those vectors take, about 470 phrases a MB (60,000 in the default), the oldest dropped "
        "first; 0: each process keeps its own only"))
    search_candidate_dir: Path | None = Field(None, description=(
        "where the API processes of this host keep search phrases' candidate lists for each other "
        "(resolvers/search_candidates.py); unset: <data_dir>/search-candidates"))
    search_candidate_cache_mb: int = Field(256, ge=0, description=(
        "the most disk those lists take, about 200 phrases a MB (50,000 in the default), the oldest dropped "
        "first; 0: not kept, every search reads its candidates"))
    search_candidate_ttl_s: float = Field(600.0, gt=0, description=(
        "a kept list is dropped this long after it was read; the service's own writes to the catalog drop the "
        "lists at once, this bounds what other writers (an analyst in Neo4j Browser) leave"))

    host: str = "127.0.0.1"
    port: int = 8000

    mode: Mode = Field(
        Mode.DEVELOPMENT,
        description="production: no introspection, no GraphiQL, no store details in errors; development: all three",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="level of the JSON log lines")
    max_body_bytes: int = Field(1_048_576, gt=0, description="a larger request body is refused with 413")
    request_timeout_s: float = Field(10.0, gt=0, description="a GraphQL operation that runs longer is cancelled")
    graphql_max_depth: int = Field(12, gt=0, description="fields nested deeper than this are refused")
    graphql_max_aliases: int = Field(30, ge=0, description="a document with more aliases is refused")
    graphql_max_tokens: int = Field(2_000, gt=0, description="a document with more tokens is refused unparsed")
    graphql_list_cost_budget: int = Field(
        5_000,
        gt=0,
        description="most list items a document may ask for: the sum over its paged lists of each page size times "
        "the page sizes around it (schema/protection.py)",
    )

    blas_threads: int = Field(1, gt=0, description=(
        "threads of the API process's linear algebra (recommendations): its products are small, and idle BLAS "
        "threads spin, taking cores from the store and the event loop (bench/README.md)"))
    recommend_collaborative: CollaborativeSource = Field(CollaborativeSource.SNAPSHOT, description=(
        "snapshot: other viewers' interactions from the recommender's snapshot, a few ms a request; cypher: the "
        "walk over the live graph, fresh to the second but hundreds of ms at 100,000 titles (bench/README.md)"))
    recommend_refresh_s: float = Field(600.0, gt=0, description=(
        "the recommender's snapshot of the graph is rebuilt in the background once it is this old"))
    recommend_rebuild_share: float = Field(0.3, gt=0, le=1, description=(
        "the share of the time a background rebuild of the recommender's snapshot may work: its process pauses "
        "after each page of the graph it reads, so that the store keeps answering requests, and the API after each "
        "piece of the snapshot it reads back (recommend/build_process.py; 1: no pauses; the first build never "
        "pauses)"))
    recommend_rank_ahead: int = Field(20_000, ge=0, description=(
        "how many viewers (the most recently active) the collaborative and content strategies rank when a snapshot "
        "is built, so that a request of theirs is ranked at once while their tastes are unchanged "
        "(recommend/ahead.py); each takes about 5 ms of the build's CPU (0: rank every request live)"))
    recommend_first_wait_s: float = Field(5.0, ge=0, description=(
        "how long a request waits for the first build of the recommender before it is told to try again"))

    @property
    def model_cache(self) -> Path:
        """Where files made from the models are kept: `model_cache_dir`, else `<data_dir>/models`."""
        return self.model_cache_dir or self.data_dir / "models"

    @property
    def query_vectors(self) -> Path:
        """Where the API processes share phrases' vectors: `query_vector_dir`, else `<data_dir>/query-vectors`."""
        return self.query_vector_dir or self.data_dir / "query-vectors"

    @property
    def search_candidates(self) -> Path:
        """Where the API processes share phrases' candidate lists: `search_candidate_dir`, else
        `<data_dir>/search-candidates`."""
        return self.search_candidate_dir or self.data_dir / "search-candidates"
