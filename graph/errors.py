"""Errors the store raises, each meant to be read by the person who hit it."""

from __future__ import annotations

from dataclasses import dataclass


class StoreError(Exception):
    """Base of every error raised by the graph store layer."""


class QueryBookError(StoreError):
    """A query name has no Cypher file, or the dialect is unknown: raised at start-up."""


class StoreUnavailable(StoreError):
    """The backend (or the Redis that hosts it) cannot be reached."""

    def __init__(self, component: str, reason: str) -> None:
        super().__init__(f"{component} is unavailable: {reason}")
        self.component = component
        self.reason = reason


class StoreAuthError(StoreUnavailable):
    """The backend refused the credentials."""


class EmbeddedStoreError(StoreError):
    """The embedded FalkorDB process could not be started, found or stopped."""


class StoreNotEmpty(StoreError):
    """An import builds a new graph, and the store already holds one."""

    def __init__(self, nodes: int) -> None:
        super().__init__(
            f"the store already holds {nodes:,} nodes: an import fills an empty store only (empty it with "
            "`mediagateway db reset --yes`, or add to it through the upserts, `mediagateway ingest`)"
        )
        self.nodes = nodes


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one field of one input record."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InvalidInput(StoreError, ValueError):
    """Input was rejected before anything was written; names every offending field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("invalid input: " + "; ".join(str(p) for p in problems))


class QueryFailed(StoreError):
    """The backend rejected or aborted a statement (constraint violation, timeout, syntax)."""

    def __init__(self, query: str, reason: str) -> None:
        super().__init__(f"{query} failed: {reason}")
        self.query = query
        self.reason = reason
