"""The one settings object: every knob comes from an environment variable prefixed `MG_`.

`Settings()` reads the environment (and a `.env` file in the working directory, if any); pass it down to what
needs it instead of reading the environment anywhere else.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Backend(StrEnum):
    EMBEDDED = "embedded"
    FALKORDB = "falkordb"
    NEO4J = "neo4j"


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
    embedded_startup_timeout_s: float = 20.0

    text_embedding_dim: int = Field(384, gt=0, le=4096)
    gnn_embedding_dim: int = Field(64, gt=0, le=4096)
    vector_m: int = Field(16, gt=1, description="HNSW links per node")
    vector_ef_construction: int = Field(200, gt=0)
    vector_ef_runtime: int = Field(200, gt=0, description="200: recall@10 0.98 at 100,000 titles (bench/README.md)")

    query_timeout_ms: int = Field(10_000, gt=0, description="a statement that runs longer is cancelled")
    write_batch_size: int = Field(1_000, gt=0, le=100_000)

    host: str = "127.0.0.1"
    port: int = 8000
