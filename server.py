"""The HTTP service: `/health` (liveness), `/ready` (the graph store and Redis answer), and GraphQL at `/graphql`.

The app opens the configured store when it starts. An unreachable Neo4j or external FalkorDB does not stop it
from starting: `/ready` then says which component is down and why, GraphQL requests get a clear error, and the
schema bootstrap is retried once the backend answers. The embedded store is the service's own process, so
failing to start it does stop the service.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import AsyncIterator
from typing import Any, Literal

import orjson
import redis
import redis.asyncio as aioredis
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from threadpoolctl import threadpool_limits

from mediagateway.body_limit import BodySizeLimit
from mediagateway.graph.connect import StoreRuntime, open_store
from mediagateway.graph.discovery import DiscoveryReads
from mediagateway.graph.errors import StoreError, StoreUnavailable
from mediagateway.graph.sage_registry import ModelRegistry
from mediagateway.observability.logs import RequestLogMiddleware, configure_logging
from mediagateway.observability.metrics import Metrics
from mediagateway.recommend.build_process import build_apart
from mediagateway.recommend.service import Recommender
from mediagateway.resolvers.context import RequestContext
from mediagateway.resolvers.loaders import Loaders
from mediagateway.resolvers.query_vectors import QueryVectors
from mediagateway.resolvers.recommendations import DEV_USER_HEADER
from mediagateway.resolvers.search_candidates import SearchCandidates, load_search_candidates
from mediagateway.resolvers.semantic import load_query_vectors
from mediagateway.schema.build import build_schema
from mediagateway.schema.errors import NotReadyError
from mediagateway.schema.protection import decode_request_json
from mediagateway.settings import Mode, Settings

log = logging.getLogger("mediagateway.server")
READY_CHECK_TIMEOUT_S = 3.0
_NO_FULL_COLLECTIONS = 1_000_000_000  # the third GC threshold until a snapshot read back is frozen: never reached


class ServiceState:
    """What the app holds between requests."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runtime: StoreRuntime | None = None
        self.redis: redis.Redis | None = None
        self.schema_ready = False
        self.reads: DiscoveryReads | None = None
        self.query_vectors: QueryVectors | None = None
        self.search_candidates: SearchCandidates | None = None
        self._bootstrap_lock = asyncio.Lock()
        self._recommender: Recommender | None = None
        self._recommender_built_at = 0.0
        self._first_build: asyncio.Task[Recommender] | None = None
        self._refresh: asyncio.Task[None] | None = None

    @property
    def store_runtime(self) -> StoreRuntime:
        if self.runtime is None:
            raise StoreUnavailable("graph store", "the service is still starting")
        return self.runtime

    @property
    def jobs_redis(self) -> redis.Redis:
        if self.redis is None:
            raise StoreUnavailable("redis", "the service is still starting")
        return self.redis

    async def start(self) -> None:
        threadpool_limits(self.settings.blas_threads, user_api="blas")
        self.runtime = await open_store(self.settings, bootstrap=False)
        self.redis = redis.Redis.from_url(self.runtime.redis_url, socket_connect_timeout=2, socket_timeout=5)
        self.reads = DiscoveryReads(self.runtime.store)
        self.query_vectors = await asyncio.to_thread(load_query_vectors, self.settings)
        self.search_candidates = await asyncio.to_thread(load_search_candidates, self.settings,
                                                         self.runtime.generation)
        with contextlib.suppress(StoreUnavailable):
            await self.ensure_schema()
        # What is alive now (modules, the schema, the text model) lives as long as the process: out of the garbage
        # collector's full collections, each of which walked it for about 110 ms, every few seconds under search
        # load, and was most of the slowest searches (bench/README.md: "The slowest searches were the garbage
        # collector's").
        gc.freeze()

    async def ensure_schema(self) -> None:
        if self.schema_ready:
            return
        async with self._bootstrap_lock:
            if not self.schema_ready:
                await self.store_runtime.store.bootstrap_schema()
                self.schema_ready = True

    async def recommender(self) -> Recommender:
        """The recommender, built from a snapshot of the graph (and the current GraphSAGE model, if one has been
        trained) on first use. A request waits for that first build `recommend_first_wait_s` at most, then is told
        to come back; the build goes on regardless. Once the snapshot is older than `recommend_refresh_s`, a new one
        is built in the background while the old one keeps answering, so no request waits for a rebuild."""
        if self._recommender is None:
            if self._first_build is None:
                self._first_build = asyncio.create_task(self._build_first_recommender())
            try:
                return await asyncio.wait_for(asyncio.shield(self._first_build),
                                              self.settings.recommend_first_wait_s)
            except TimeoutError:
                raise NotReadyError("recommendations are being prepared from the graph, which takes about a minute "
                                    "on a large catalog; try again shortly") from None
        if self._refresh is None and \
                time.monotonic() - self._recommender_built_at > self.settings.recommend_refresh_s:
            self._refresh = asyncio.create_task(self._refresh_recommender())
        return self._recommender

    async def _build_first_recommender(self) -> Recommender:
        try:
            self._recommender = await self._build_recommender(share=1.0)
            self._recommender_built_at = time.monotonic()
            return self._recommender
        finally:
            self._first_build = None  # a failed first build is tried again by the next request

    async def _build_recommender(self, share: float) -> Recommender:
        """Built in a process of its own (recommend/build_process.py), so that requests keep being answered while it
        reads the graph and computes (two minutes at 100,000 titles with 10,000 viewers ranked ahead,
        bench/README.md), then read back here a piece at a time. The build reads the graph, and the snapshot is read
        back, working `share` of the time."""
        started = time.monotonic()
        # No full collections until the snapshot is frozen: each would walk the hundreds of thousands of objects read
        # back, holding the GIL (requests stalled for seconds when one ran between the reading and the freeze). The
        # young generations are still collected, so requests' garbage still goes.
        thresholds = gc.get_threshold()
        gc.set_threshold(thresholds[0], thresholds[1], _NO_FULL_COLLECTIONS)
        try:
            built = await build_apart(self.settings, share)
            model = await asyncio.to_thread(ModelRegistry.for_settings(self.settings).load_current)  # torch if any
            recommender = Recommender.on(self.store_runtime.store, built.data, built.lineup, model,
                                         collaborative=self.settings.recommend_collaborative)
            # Out of the full collections for good, which would otherwise walk them every few seconds under load (a
            # pause of tens of ms). Frozen objects are still freed by reference counting when the next build
            # replaces them; only a reference cycle among what was alive at the freeze would outlive it (bounded:
            # one freeze per rebuild).
            gc.freeze()
        finally:
            gc.set_threshold(*thresholds)
        log.info("the recommender's snapshot was built in %.1f s", time.monotonic() - started)
        return recommender

    async def _refresh_recommender(self) -> None:
        try:
            self._recommender = await self._build_recommender(self.settings.recommend_rebuild_share)
        except Exception:  # the old snapshot keeps serving; the next request past the age tries again
            log.exception("rebuilding the recommender failed")
        finally:
            self._recommender_built_at = time.monotonic()
            self._refresh = None

    async def stop(self) -> None:
        for task in (self._first_build, self._refresh):
            if task is not None:
                task.cancel()
        if self.redis is not None:
            self.redis.close()
        if self.query_vectors is not None:
            self.query_vectors.close()
        if self.search_candidates is not None:
            self.search_candidates.close()
        if self.runtime is not None:
            await self.runtime.close()


async def health(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def ready(request: Request) -> Response:
    state: ServiceState = request.app.state.service
    components = {
        "graph": await _check(_graph_ready(state)),
        "redis": await _check(_redis_ready(state)),
    }
    components["graph"]["backend"] = state.settings.backend.value
    ok = all(component["ok"] for component in components.values())
    return JSONResponse({"status": "ready" if ok else "unavailable", "components": components},
                        status_code=200 if ok else 503)


async def _graph_ready(state: ServiceState) -> None:
    await state.store_runtime.store.ping()
    await state.ensure_schema()


async def _redis_ready(state: ServiceState) -> None:
    client = aioredis.Redis.from_url(state.store_runtime.redis_url, socket_connect_timeout=2, socket_timeout=2)
    try:
        await client.ping()
    finally:
        await client.aclose()


async def _check(probe: Any) -> dict[str, Any]:
    try:
        await asyncio.wait_for(probe, READY_CHECK_TIMEOUT_S)
    except TimeoutError:
        return {"ok": False, "error": f"no answer within {READY_CHECK_TIMEOUT_S:.0f}s"}
    except (StoreError, OSError, aioredis.RedisError) as exc:
        return {"ok": False, "error": str(exc)}
    return {"ok": True}


class GraphQLApp(GraphQL[RequestContext, None]):
    def decode_json(self, data: str | bytes) -> object:
        return decode_request_json(data)

    def encode_json(self, data: object) -> bytes:
        """orjson: 26 µs for a page of 20 search results (13 KB), against 210 µs for strawberry's `json.dumps`."""
        return orjson.dumps(data)

    async def get_context(self, request: Any, response: Any = None) -> RequestContext:
        state: ServiceState = request.app.state.service
        runtime = state.store_runtime
        reads = state.reads or DiscoveryReads(runtime.store)
        now = int(time.time() * 1000)
        return RequestContext(repository=runtime.repository, reads=reads, loaders=Loaders(reads, now), now=now,
                              backend=state.settings.backend.value, redis=state.jobs_redis,
                              query_vectors=state.query_vectors, search_candidates=state.search_candidates,
                              recommender=state.recommender, viewer_id=_viewer_id(request, state.settings))


def _viewer_id(request: Any, settings: Settings) -> str | None:
    """The viewer named by the development header, in development mode only (resolvers/recommendations.py)."""
    if settings.mode is not Mode.DEVELOPMENT:
        return None
    value = request.headers.get(DEV_USER_HEADER)
    return value.strip() or None if value else None


def _ide(settings: Settings) -> Literal["graphiql"] | None:
    """GraphiQL at GET /graphql for browsers, in development only."""
    return "graphiql" if settings.mode is Mode.DEVELOPMENT else None


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    configure_logging(settings.log_level)
    service = ServiceState(settings)
    metrics = Metrics()
    schema = build_schema(settings, observers=[metrics.extension])

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await service.start()
        service.store_runtime.store.add_observer(metrics.observe_statement)
        if service.query_vectors is not None:
            service.query_vectors.add_observer(metrics.count_query_vector)
        if service.search_candidates is not None:
            service.search_candidates.add_observer(metrics.count_search_candidates)
        try:
            yield
        finally:
            await service.stop()

    app = Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/ready", ready, methods=["GET"]),
            Route("/graphql", GraphQLApp(schema, graphql_ide=_ide(settings)), methods=["GET", "POST"]),
            Route("/metrics", metrics.endpoint, methods=["GET"]),
        ],
        middleware=[
            Middleware(RequestLogMiddleware),
            Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
        ],
        lifespan=lifespan,
    )
    app.state.service = service
    return app
