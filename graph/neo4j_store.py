"""Neo4j through the official async driver: the production backend.

`execute_query` runs each statement in a managed transaction that the driver retries on transient errors (leader
changes, deadlocks, lost connections) for up to `max_transaction_retry_time`; reads are routed to readers.
"""

from __future__ import annotations

import time
from typing import Any

from neo4j import AsyncDriver, AsyncGraphDatabase, RoutingControl
from neo4j import Query as Neo4jQuery
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired

from mediagateway.graph.errors import QueryFailed, StoreAuthError, StoreUnavailable
from mediagateway.graph.queries import Query, QueryBook, Script
from mediagateway.graph.store import GraphStore, Params, Row, SchemaParams


class Neo4jStore(GraphStore):
    dialect = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str,
        password: str,
        database: str,
        book: QueryBook,
        schema: SchemaParams,
        *,
        batch_size: int = 1_000,
        query_timeout_ms: int = 10_000,
        connect_timeout_s: float = 5.0,
    ) -> None:
        super().__init__(book, schema, batch_size)
        self.uri = uri
        self.database = database
        self.query_timeout_s = query_timeout_ms / 1000
        self._driver: AsyncDriver = AsyncGraphDatabase.driver(
            uri,
            auth=(user, password),
            connection_timeout=connect_timeout_s,
            connection_acquisition_timeout=connect_timeout_s,
            max_transaction_retry_time=max(connect_timeout_s, 5.0),
        )

    async def read(self, query: Query, params: Params | None = None) -> list[Row]:
        return await self._run(self.book[query], params, RoutingControl.READ, query.value)

    async def _write(self, query: Query, params: Params | None = None) -> list[Row]:
        return await self._run(self.book[query], params, RoutingControl.WRITE, query.value)

    async def _run(self, text: str, params: Params | None, routing: RoutingControl, what: str) -> list[Row]:
        statement = Neo4jQuery(text, timeout=self.query_timeout_s)  # type: ignore[arg-type]
        started = time.perf_counter()
        ok = False
        try:
            records, _, _ = await self._driver.execute_query(
                statement, dict(params or {}), database_=self.database, routing_=routing
            )
            ok = True
        except Exception as exc:
            raise self._translate(exc, what) from exc
        finally:
            self._observed(what, time.perf_counter() - started, ok)
        return [_plain(record.data()) for record in records]

    async def bootstrap_schema(self) -> None:
        params = self.schema.as_params()
        for number, statement in enumerate(self.book.script(Script.SCHEMA), start=1):
            await self._run(statement, params, RoutingControl.WRITE, f"schema statement {number}")

    async def close(self) -> None:
        await self._driver.close()

    def _translate(self, exc: Exception, what: str) -> Exception:
        where = f"Neo4j at {self.uri} (database {self.database!r})"
        if isinstance(exc, AuthError):
            return StoreAuthError(where, "the user name or password was refused")
        if isinstance(exc, (ServiceUnavailable, SessionExpired, OSError)):
            return StoreUnavailable(where, str(exc) or type(exc).__name__)
        if isinstance(exc, Neo4jError):
            return QueryFailed(what, f"{exc.code}: {exc.message}")
        return exc


def _plain(value: Any) -> Any:
    """Neo4j returns its own list and map types in places; the rest of the code sees plain Python."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value
