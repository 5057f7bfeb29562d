"""FalkorDB over RESP: the embedded default, and an external FalkorDB (never over Bolt: see DESIGN.md)."""

from __future__ import annotations

import asyncio
import contextlib
import math
import numbers
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import redis.asyncio as aioredis
from falkordb.asyncio.graph import AsyncGraph
from falkordb.asyncio.query_result import QueryResult
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import AuthenticationError, ResponseError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from mediagateway.graph.bulk_format import BulkCommand
from mediagateway.graph.errors import (
    FieldProblem,
    InvalidInput,
    QueryFailed,
    StoreAuthError,
    StoreError,
    StoreNotEmpty,
    StoreUnavailable,
)
from mediagateway.graph.model import UNIQUE_KEYS
from mediagateway.graph.queries import Query, QueryBook, Script
from mediagateway.graph.statement_connections import StatementConnections
from mediagateway.graph.store import GraphStore, Params, Row, SchemaParams

_ALREADY_THERE = ("already indexed", "already exists", "constraint already")
SCHEMA_BUILD_TIMEOUT_S = 600  # how long an import waits for the indexes built over its nodes
MADE_AHEAD = 16  # bulk commands an import makes before the server has taken them: about 150 MB at most


def check_params(value: Any, path: str = "params") -> None:
    """FalkorDB receives parameters as Cypher literals in a text header, where a NUL ends the text and NaN has no
    spelling: reject both up front with the parameter's path rather than let the server answer a parse error."""
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidInput([FieldProblem(path, "contains a NUL character")])
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput([FieldProblem(path, "is NaN or infinite")])
    elif isinstance(value, Mapping):
        for key, item in value.items():
            check_params(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for number, item in enumerate(value):
            check_params(item, f"{path}[{number}]")


class _Unsendable(ValueError):
    """A NUL in a string or a non-finite float: `check_params` says where."""


_KEY_PREFIXES: dict[str, str] = {}


def _key_prefix(key: Any) -> str:
    prefix = _KEY_PREFIXES.get(key)
    if prefix is None:
        if not isinstance(key, str) or not key or "`" in key:
            raise InvalidInput([FieldProblem("params", f"map key {key!r} must be a non-empty name without a backtick")])
        prefix = _KEY_PREFIXES[key] = f"`{key}`:"
    return prefix


def _literal(value: Any) -> str:
    """One value as a Cypher literal. The exact-type tests come first because this runs for every value of every
    batch: it is the client's main cost when ingesting."""
    kind = type(value)
    if kind is str:
        if "\x00" in value:
            raise _Unsendable
        if "\\" in value or '"' in value:
            value = value.replace("\\", "\\\\").replace('"', '\\"')
        return '"' + value + '"'
    if kind is dict:
        return "{" + ",".join([_key_prefix(key) + _literal(item) for key, item in value.items()]) + "}"
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if kind is list or kind is tuple:
        return _list_literal(value)
    if kind is float:
        if not math.isfinite(value):
            raise _Unsendable
        return float.__repr__(value)
    if kind is bool:
        return "true" if value else "false"
    return _literal_of_subclass(value)


def _list_literal(items: list[Any] | tuple[Any, ...]) -> str:
    if items and all(type(item) is float for item in items):
        # A vector: one formatting pass. 17 significant digits give back the exact double, and `#` keeps the
        # decimal point so every item stays a float; shortest-repr formatting took 2.5 times as long.
        text = ("%#.17g," * len(items)) % tuple(items)
        if "n" in text:  # `nan` or `inf` spelled out
            raise _Unsendable
        return "[" + text[:-1] + "]"
    return "[" + ",".join([_literal(item) for item in items]) + "]"


def _literal_of_subclass(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _literal(str.__str__(value))
    if isinstance(value, numbers.Integral):
        return int.__repr__(int(value))
    if isinstance(value, numbers.Real):
        return _literal(float(value))
    if isinstance(value, Mapping):
        return _literal(dict(value))
    if isinstance(value, (list, tuple)):
        return _literal(list(value))
    raise InvalidInput([FieldProblem("params", f"a {type(value).__name__} cannot be sent as a parameter")])


def cypher_header(params: Mapping[str, Any]) -> str:
    """The `CYPHER name=value ...` prefix that carries parameters to FalkorDB as Cypher literals, checked as it is
    built (a NUL or NaN raises `InvalidInput` naming the parameter's path). One pass over the values, instead of
    a check and then the falkordb client's own serialiser: a third of the client's time on a batch of titles."""
    if not params:
        return ""
    try:
        return "CYPHER " + "".join([f"{_key_prefix(name)[:-1]}={_literal(value)} " for name, value in params.items()])
    except _Unsendable:
        check_params(dict(params))  # raises, naming the path
        raise InvalidInput([FieldProblem("params", "contains a NUL character, NaN or infinity")]) from None


class _GraphEntity(Exception):
    """A node, edge or path in a result: left to the falkordb client's parser."""


def _map(pairs: list[Any]) -> dict[str, Any]:
    return {pairs[i]: _value(pairs[i + 1]) for i in range(0, len(pairs), 2)}


def _value(cell: list[Any]) -> Any:
    """One value of a compact result set, [type, value]; types as in FalkorDB's result-set documentation. Tests in
    the order values are most common in our results: a lookup table of parsers took about 30% longer."""
    kind, value = cell
    if kind == 2:  # string
        return value
    if kind == 3:  # integer
        return int(value)
    if kind == 10:  # map
        return _map(value)
    if kind == 1:  # null
        return None
    if kind == 6:  # array
        return [_value(item) for item in value]
    if kind == 5:  # double
        return float(value)
    if kind == 4:  # boolean
        return value == "true"
    if kind == 12:  # vector
        return [float(item) for item in value]
    raise _GraphEntity  # a node, edge or path


def connection_pool(redis_url: str, max_connections: int, timeout_s: float) -> aioredis.BlockingConnectionPool:
    """The connections to FalkorDB: at most `max_connections`, each waiting at most `timeout_s` (plus 5 s for the
    network) for a reply."""
    return aioredis.BlockingConnectionPool.from_url(
        redis_url,
        decode_responses=True,
        max_connections=max_connections,
        timeout=timeout_s,
        socket_connect_timeout=3,
        socket_timeout=timeout_s + 5,
        # one quick retry covers a dropped idle connection; more would only delay a clear error
        retry=Retry(ExponentialBackoff(cap=0.1, base=0.01), 1),
    )


class FalkorDBStore(GraphStore):
    dialect = "falkordb"

    def __init__(
        self,
        redis_url: str,
        graph_name: str,
        book: QueryBook,
        schema: SchemaParams,
        *,
        batch_size: int = 1_000,
        query_timeout_ms: int = 10_000,
        max_connections: int = 32,
    ) -> None:
        super().__init__(book, schema, batch_size)
        self.graph_name = graph_name
        self.query_timeout_ms = query_timeout_ms
        self._where = _describe(redis_url)
        self._pool = connection_pool(redis_url, max_connections, query_timeout_ms / 1000)
        # The graph handle needs only a client's execute_command. The FalkorDB() wrapper is skipped on purpose:
        # its constructor probes the server synchronously, which blocks the event loop and fails outright when
        # the server is down, and the service must start (and say what is down in /ready) even then.
        self._client = aioredis.Redis(connection_pool=self._pool)
        self._graph = AsyncGraph(self._client, graph_name)
        # statements go through connections of their own, without redis-py's per-command overhead (see there)
        self._statements = StatementConnections(self._pool, max_connections, wait_s=query_timeout_ms / 1000)

    async def read(self, query: Query, params: Params | None = None) -> list[Row]:
        return await self._run(query, params, read_only=True)

    async def _write(self, query: Query, params: Params | None = None) -> list[Row]:
        return await self._run(query, params, read_only=False)

    async def _run(self, query: Query, params: Params | None, *, read_only: bool) -> list[Row]:
        """Send the statement as GRAPH.QUERY / GRAPH.RO_QUERY with compact results and parse them here: the
        falkordb client awaits a coroutine per value it parses, which was a quarter of a title read."""
        text = cypher_header(params or {}) + self.book[query]
        command = "GRAPH.RO_QUERY" if read_only else "GRAPH.QUERY"
        started = time.perf_counter()
        ok = False
        try:
            response = await self._statements.execute(
                command, self.graph_name, text, "--compact", "timeout", self.query_timeout_ms
            )
            rows = await self._rows(response)
            ok = True
            return rows
        except (RedisConnectionError, RedisTimeoutError, AuthenticationError, ResponseError) as exc:
            raise self._translate(exc, query.value) from exc
        finally:
            self._observed(query.value, time.perf_counter() - started, ok)

    async def _rows(self, response: list[Any]) -> list[Row]:
        for part in (response[0], response[-1]):  # an error replaces the header, or follows a partial result
            if isinstance(part, ResponseError):
                raise part
        if len(response) < 3:  # statistics only: the statement returns nothing
            return []
        columns = [column[1] for column in response[0]]
        try:
            records = [[_value(cell) for cell in record] for record in response[1]]
        except _GraphEntity:  # nodes, edges, paths need the graph's schema: the falkordb client resolves it
            result = QueryResult(self._graph)
            await result.parse(response)
            records = result.result_set
        return [dict(zip(columns, record, strict=True)) for record in records]

    async def bootstrap_schema(self) -> None:
        params = self.schema.as_params()
        for statement in self.book.script(Script.SCHEMA):
            await self._idempotent(self._graph.query(statement, params))
        existing = {(row["label"], tuple(row["properties"])) for row in await self.read(Query.EXISTING_CONSTRAINTS)}
        for label, key in UNIQUE_KEYS.items():
            if (label, (key,)) in existing:
                continue
            await self._idempotent(
                self._pool_command("GRAPH.CONSTRAINT", "CREATE", self.graph_name, "UNIQUE", "NODE", label,
                                   "PROPERTIES", 1, key)
            )

    async def _idempotent(self, awaitable: Any) -> None:
        try:
            await awaitable
        except ResponseError as exc:
            if not any(marker in str(exc).lower() for marker in _ALREADY_THERE):
                raise self._translate(exc, "schema bootstrap") from exc
        except (RedisConnectionError, RedisTimeoutError, AuthenticationError) as exc:
            raise self._translate(exc, "schema bootstrap") from exc

    async def _pool_command(self, *args: Any) -> Any:
        return await self._client.execute_command(*args)

    can_create_in_bulk = True

    async def create_in_bulk(self, commands: Iterable[BulkCommand]) -> None:
        """`GRAPH.BULK` builds only a graph whose key does not exist: the empty graph's key goes (its indexes with
        it), the commands build the graph, and the schema bootstrap puts the indexes and constraints back.

        Edges name their ends by the numbers FalkorDB gives nodes in creation order, so nothing else may write to
        the graph during an import: before each command the graph's node count is checked, and a write from
        elsewhere stops the import (`QueryFailed`) before it can join edges to the wrong nodes."""
        if nodes := await self.node_count():
            raise StoreNotEmpty(nodes)
        await self._drop_graph()
        try:
            await self._send_while_making(iter(commands))
        except BaseException:
            with contextlib.suppress(StoreError):  # the error that stopped the import is the one to report
                await self.delete_all()
            raise
        await self.bootstrap_schema()
        await self._until_schema_built()
        await self._search_changed()

    async def _until_schema_built(self) -> None:
        """Indexes made over existing nodes are built in the background; until then reads scan instead."""
        deadline = time.monotonic() + SCHEMA_BUILD_TIMEOUT_S
        while rows := await self.read(Query.SCHEMA_BUILDING):
            if not rows[0]["building"]:
                return
            if time.monotonic() > deadline:
                raise QueryFailed("bulk import", f"indexes still building after {SCHEMA_BUILD_TIMEOUT_S} s")
            await asyncio.sleep(0.1)

    async def _send_while_making(self, commands: Iterator[BulkCommand]) -> None:
        """Commands are made in a worker thread while the server builds the graph from those made before, so the
        two halves of the work overlap instead of waiting for each other. The maker runs up to `MADE_AHEAD`
        commands ahead: some parts are quick to make and slow to build (windows encoded ahead), others the reverse
        (titles), and the server works through the first while the next are made."""
        made: asyncio.Queue[BulkCommand | BaseException | None] = asyncio.Queue(MADE_AHEAD)

        async def make() -> None:
            try:
                while (command := await asyncio.to_thread(next, commands, None)) is not None:
                    await made.put(command)
                await made.put(None)
            except Exception as exc:  # the sender raises it, in order, after the commands made before it
                await made.put(exc)

        making = asyncio.create_task(make())
        nodes, sent = 0, 0  # nodes created by the commands sent so far, and those commands
        try:
            while (command := await made.get()) is not None:
                if isinstance(command, BaseException):
                    raise command
                await self._bulk(command, nodes, begin=sent == 0)
                nodes, sent = nodes + command.nodes, sent + 1
            await self._check_nodes(nodes)
        finally:
            making.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await making

    async def _bulk(self, command: BulkCommand, nodes_before: int, *, begin: bool) -> None:
        if not begin:
            await self._check_nodes(nodes_before)
        try:
            await self._pool_command("GRAPH.BULK", self.graph_name, *command.args(begin=begin))
        except ResponseError as exc:
            if begin and "already exists" in str(exc):
                raise _written_meanwhile() from exc
            raise self._translate(exc, "bulk import") from exc
        except (RedisConnectionError, RedisTimeoutError, AuthenticationError) as exc:
            raise self._translate(exc, "bulk import") from exc

    async def _check_nodes(self, made: int) -> None:
        if await self.node_count() != made:
            raise _written_meanwhile()

    async def _drop_graph(self) -> None:
        try:
            await self._graph.delete()
        except ResponseError as exc:
            if "empty key" not in str(exc).lower() and "invalid graph" not in str(exc).lower():
                raise self._translate(exc, "delete all") from exc

    async def delete_all(self) -> None:
        """Drop the graph key whole (far faster than deleting node by node) and put the schema back."""
        await self._drop_graph()
        await self.bootstrap_schema()

    async def close(self) -> None:
        await self._statements.close()
        await self._client.aclose()
        await self._pool.disconnect()

    def _translate(self, exc: Exception, what: str) -> Exception:
        if _refused_password(exc):
            return StoreAuthError(f"FalkorDB at {self._where}", "the password was refused")
        if isinstance(exc, (RedisConnectionError, RedisTimeoutError)):
            return StoreUnavailable(f"FalkorDB at {self._where}", str(exc) or type(exc).__name__)
        return QueryFailed(what, str(exc))


def _written_meanwhile() -> QueryFailed:
    return QueryFailed("bulk import", "something else wrote to the graph meanwhile; the import was undone")


def _refused_password(exc: BaseException | None) -> bool:
    """Whether the server refused the password: redis-py wraps the refusal in a connection error when it comes while
    connecting, so the chain of causes is searched."""
    while exc is not None:
        if isinstance(exc, AuthenticationError) or "NOAUTH" in str(exc) or "WRONGPASS" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _describe(redis_url: str) -> str:
    """The URL without its password, for error messages."""
    if "@" in redis_url:
        scheme, _, rest = redis_url.partition("://")
        return f"{scheme}://{rest.split('@', 1)[1]}"
    return redis_url.split("?", 1)[0]
