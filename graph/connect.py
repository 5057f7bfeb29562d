"""Opens the configured store (and the Redis that RQ and the cache use) from the settings.

With `backend=embedded` both are the one embedded FalkorDB process, started if no other process of the service has
started it already. With `backend=neo4j` and no `MG_REDIS_URL`, the embedded process still serves as RQ's Redis.
"""

from __future__ import annotations

from dataclasses import dataclass

from mediagateway.graph.catalog_generation import CatalogGeneration
from mediagateway.graph.embedded import EmbeddedServer
from mediagateway.graph.errors import StoreError
from mediagateway.graph.falkordb_store import FalkorDBStore
from mediagateway.graph.neo4j_store import Neo4jStore
from mediagateway.graph.queries import QueryBook
from mediagateway.graph.repository import GraphRepository
from mediagateway.graph.store import GraphStore, SchemaParams
from mediagateway.settings import Backend, Settings


@dataclass
class StoreRuntime:
    """What a process holds while it talks to the graph; `close` stops the embedded server if it started it."""

    store: GraphStore
    redis_url: str
    embedded: EmbeddedServer | None
    started_embedded: bool
    generation: CatalogGeneration
    """advanced by the store's writes that change what search finds"""

    @property
    def repository(self) -> GraphRepository:
        return GraphRepository(self.store)

    async def close(self) -> None:
        await self.store.close()
        await self.generation.close()
        if self.embedded is not None and self.started_embedded:
            self.embedded.stop()


def schema_params(settings: Settings) -> SchemaParams:
    return SchemaParams(
        text_dim=settings.text_embedding_dim,
        gnn_dim=settings.gnn_embedding_dim,
        m=settings.vector_m,
        ef_construction=settings.vector_ef_construction,
        ef_runtime=settings.vector_ef_runtime,
    )


def embedded_server(settings: Settings) -> EmbeddedServer:
    return EmbeddedServer(settings.data_dir, settings.embedded_startup_timeout_s)


def resolve_redis(settings: Settings) -> tuple[str, EmbeddedServer | None, bool]:
    """The Redis URL to use, the embedded server behind it if any, and whether this call started that server."""
    if settings.backend is Backend.FALKORDB or settings.redis_url:
        if not settings.redis_url:
            raise StoreError("MG_BACKEND=falkordb needs MG_REDIS_URL (for example redis://localhost:6379)")
        return settings.redis_url, None, False
    server = embedded_server(settings)
    instance, started = server.ensure_running()
    return instance.redis_url, server, started


def build_store(settings: Settings, redis_url: str) -> GraphStore:
    schema = schema_params(settings)
    if settings.backend is Backend.NEO4J:
        return Neo4jStore(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password.get_secret_value(),
            settings.neo4j_database,
            QueryBook("neo4j"),
            schema,
            batch_size=settings.write_batch_size,
            query_timeout_ms=settings.query_timeout_ms,
            connect_timeout_s=settings.neo4j_connect_timeout_s,
        )
    return FalkorDBStore(
        redis_url,
        settings.graph_name,
        QueryBook("falkordb"),
        schema,
        batch_size=settings.write_batch_size,
        query_timeout_ms=settings.query_timeout_ms,
    )


async def open_store(settings: Settings, *, bootstrap: bool = True) -> StoreRuntime:
    """Start or find what the settings name, check the query files, and (by default) bootstrap the schema."""
    redis_url, server, started = resolve_redis(settings)
    try:
        store = build_store(settings, redis_url)
    except BaseException:
        if server is not None and started:
            server.stop()
        raise
    generation = CatalogGeneration(redis_url, settings.graph_name)
    store.add_change_listener(generation.advance)
    runtime = StoreRuntime(store, redis_url, server, started, generation)
    if bootstrap:
        try:
            await runtime.store.bootstrap_schema()
        except BaseException:
            await runtime.close()
            raise
    return runtime
