"""Relay-style cursor connections: page sizes, opaque cursors, and slicing a list into a page.

Every list the API returns is a `Connection` with `totalCount`, `edges` (cursor and node), `nodes` (the nodes
alone, for clients that do not need cursors) and `pageInfo`. A cursor is an opaque offset into the list as it is
ordered now; a list that changes between two pages may repeat or skip an item, which is the usual trade-off of
offset cursors and fine for a catalog that changes by the hour. `first` is clamped to `MAX_PAGE_SIZE`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry
from graphql import FieldNode, IntValueNode, VariableNode

from mediagateway.schema.errors import InvalidArgumentError

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_PREFIX = "offset:"

T = TypeVar("T")


def first_argument(node: FieldNode, variables: Mapping[str, Any], absent: Any = None) -> Any:
    """What a field of a document is given as `first`: its literal, its variable's value in `variables`, or `absent`
    when neither the argument nor its variable is given; None for a literal null (validation refuses the rest)."""
    argument = next((arg for arg in node.arguments or () if arg.name.value == "first"), None)
    if argument is None:
        return absent
    if isinstance(argument.value, IntValueNode):
        return int(argument.value.value)
    if isinstance(argument.value, VariableNode):
        return variables.get(argument.value.name.value, absent)
    return None


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    """A page of a list. Its edges and page info are made only when a query asks for them: most ask for `nodes`
    alone, and a page of 20 search results holds 40 connections (each result's genres and windows)."""

    total_count: int

    @strawberry.field
    def edges(self) -> list[Edge[T]]:
        return edges_of(self.nodes, self.offset)

    @strawberry.field
    def page_info(self) -> PageInfo:
        return page_info(len(self.nodes), self.total_count, self.offset)

    # A value, not a resolver: `nodes { ... }` of plain objects is then a plain subtree the executor answers whole
    # (schema/execution.py), a search result's windows among them. The search and recommendation connections hold
    # theirs the same way.
    nodes: list[T] = strawberry.field(description="The nodes of this page, without their cursors")
    offset: strawberry.Private[int] = 0
    """the position of the first node in the whole list"""


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The offset a cursor stands for, or an `InvalidArgumentError` naming `after`."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
    except (UnicodeError, binascii.Error, ValueError):
        text = ""
    if not text.startswith(_PREFIX) or not text[len(_PREFIX):].isdigit():
        raise InvalidArgumentError("after", "not a cursor this API gave out")
    return int(text[len(_PREFIX):])


@dataclass(frozen=True)
class PageRequest:
    """Which slice of a list a client asked for: `size` items after position `offset - 1`."""

    offset: int
    size: int

    @classmethod
    def of(cls, first: int | None, after: str | None) -> PageRequest:
        if first is not None and first < 0:
            raise InvalidArgumentError("first", f"must be 0 or more, got {first}")
        size = DEFAULT_PAGE_SIZE if first is None else min(first, MAX_PAGE_SIZE)
        offset = 0 if after is None else decode_cursor(after) + 1
        return cls(offset=offset, size=size)

    @property
    def end(self) -> int:
        return self.offset + self.size


def connection(page_items: Sequence[T], total: int, page: PageRequest) -> Connection[T]:
    """A connection over the items of one page, which start at `page.offset` of a list of `total` items."""
    return Connection(total_count=total, nodes=list(page_items), offset=page.offset)


def edges_of(nodes: Sequence[T], offset: int) -> list[Edge[T]]:
    """The edges of a page of `nodes` that starts at position `offset` of its list."""
    return [Edge(cursor=encode_cursor(offset + i), node=node) for i, node in enumerate(nodes)]


def page_info(count: int, total: int, offset: int) -> PageInfo:
    """Where a page of `count` items, starting at position `offset`, stands in a list of `total` items."""
    return PageInfo(
        has_next_page=offset + count < total,
        has_previous_page=offset > 0,
        start_cursor=encode_cursor(offset) if count else None,
        end_cursor=encode_cursor(offset + count - 1) if count else None,
    )


def paginate(items: Sequence[T], first: int | None, after: str | None) -> Connection[T]:
    """A page of a list held whole in memory."""
    page = PageRequest.of(first, after)
    return connection(items[page.offset:page.end], len(items), page)
