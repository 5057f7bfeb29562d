"""Prometheus metrics of one app, served at `GET /metrics` in the text exposition format.

- `mediagateway_graphql_request_duration_seconds{operation, operation_type}`: GraphQL operations, parse to answer;
- `mediagateway_graphql_errors_total{operation, code}`: their errors, by the `extensions.code` the client saw;
- `mediagateway_graph_statement_duration_seconds{statement, outcome}`: every graph store statement, by its `Query`
  name, `ok` or `error`;
- `mediagateway_query_vectors_total{source}`: search phrases' vectors by where they came from: `process` (kept by
  this process), `shared` (kept on disk by another process of the host) or `computed` (the text model ran);
- `mediagateway_search_candidates_total{source}`: searches by where their candidate lists came from: `kept` (by an
  API process of the host, in the catalog's current generation) or `computed` (read from the store).

Each app has a registry of its own, not prometheus_client's global one, so two apps in one process (tests, or a
second app mounted beside this one) never clash over metric names or mix their counts. With several uvicorn
workers, each process answers `/metrics` with its own counts.

Operation names come from clients, so they are bounded before they become label values: names past the first
`OPERATION_NAME_LIMIT` distinct ones, or longer than `OPERATION_NAME_MAX_LENGTH`, are counted as `other`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import get_args

from graphql import GraphQLError
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions.base_extension import SchemaExtension
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionContext

from mediagateway.observability.logs import current_request
from mediagateway.resolvers import query_vectors, search_candidates
from mediagateway.schema.protection import INTERNAL, error_code

OPERATION_NAME_LIMIT = 200
OPERATION_NAME_MAX_LENGTH = 100
STATEMENT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class OperationNames:
    """Client-chosen operation names as label values, at most `limit` distinct ones."""

    def __init__(self, limit: int = OPERATION_NAME_LIMIT) -> None:
        self.limit = limit
        self._seen: set[str] = set()

    def label(self, name: str | None) -> str:
        if name is None:
            return "anonymous"
        if name in self._seen:
            return name
        if len(self._seen) >= self.limit or len(name) > OPERATION_NAME_MAX_LENGTH:
            return "other"
        self._seen.add(name)
        return name


class Metrics:
    """The metrics of one app and the registry that serves them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.graphql_duration = Histogram(
            "mediagateway_graphql_request_duration_seconds", "GraphQL operations, from parsing to the answer",
            ["operation", "operation_type"], registry=self.registry,
        )
        self.graphql_errors = Counter(
            "mediagateway_graphql_errors_total", "Errors of GraphQL operations, by the code the client saw",
            ["operation", "code"], registry=self.registry,
        )
        self.statement_duration = Histogram(
            "mediagateway_graph_statement_duration_seconds", "Graph store statements, by name and outcome",
            ["statement", "outcome"], buckets=STATEMENT_BUCKETS, registry=self.registry,
        )
        self.query_vectors = Counter(
            "mediagateway_query_vectors_total", "Search phrases' vectors, by where they came from",
            ["source"], registry=self.registry,
        )
        self._vector_series = {source: self.query_vectors.labels(source)
                               for source in get_args(query_vectors.Source)}
        self.search_candidates = Counter(
            "mediagateway_search_candidates_total", "Searches, by where their candidate lists came from",
            ["source"], registry=self.registry,
        )
        self._candidate_series = {source: self.search_candidates.labels(source)
                                  for source in get_args(search_candidates.Source)}
        self.operation_names = OperationNames()
        self._statement_series: dict[tuple[str, bool], Histogram] = {}

    def observe_statement(self, name: str, seconds: float, ok: bool) -> None:
        """A `QueryObserver` for the graph store; runs after every statement, so the labelled series are kept."""
        series = self._statement_series.get((name, ok))
        if series is None:
            series = self._statement_series[(name, ok)] = self.statement_duration.labels(name, "ok" if ok else "error")
        series.observe(seconds)

    def count_query_vector(self, source: query_vectors.Source) -> None:
        """A `VectorObserver` for the query vectors (resolvers/query_vectors.py)."""
        self._vector_series[source].inc()

    def count_search_candidates(self, source: search_candidates.Source) -> None:
        """A `CandidateObserver` for the kept candidate lists (resolvers/search_candidates.py)."""
        self._candidate_series[source].inc()

    def observe_operation(self, name: str | None, operation_type: str, seconds: float, codes: list[str]) -> None:
        label = self.operation_names.label(name)
        self.graphql_duration.labels(label, operation_type).observe(seconds)
        for code in codes:
            self.graphql_errors.labels(label, code).inc()

    def extension(self) -> GraphQLMetrics:
        """A GraphQL extension reporting to these metrics (a factory for `build_schema(observers=...)`)."""
        return GraphQLMetrics(self)

    async def endpoint(self, _: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class GraphQLMetrics(SchemaExtension):
    """Times each operation and counts its errors; names the operation in the request's access line. Placed first
    among the extensions, it sees the errors as masked for the client."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        codes: list[str] = []
        try:
            yield
            result = self.execution_context.result
            codes = [error_code(error) for error in getattr(result, "errors", None) or ()]
        except GraphQLError as error:  # raised out of the operation: the timeout
            codes = [error_code(error)]
            raise
        except asyncio.CancelledError:
            codes = ["CANCELLED"]
            raise
        except InvalidOperationTypeError:  # a mutation over GET
            codes = ["OPERATION_NOT_ALLOWED"]
            raise
        except Exception:  # a failing extension
            codes = [INTERNAL]
            raise
        finally:
            name = self.execution_context.operation_name
            request = current_request()
            if request is not None:
                request.operation = name
            self.metrics.observe_operation(name, _operation_type(self.execution_context),
                                           time.perf_counter() - started, codes)


def _operation_type(execution_context: ExecutionContext) -> str:
    try:
        return execution_context.operation_type.value
    except RuntimeError:  # no document: it did not parse
        return "unknown"
