"""What a query selects under the field being resolved, so a resolver can start the reads its children will need
before they ask (see `content` in resolvers/catalog.py)."""

from __future__ import annotations

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode
from graphql.utilities import value_from_ast_untyped

from mediagateway.resolvers.context import Info
from mediagateway.resolvers.loaders import WINDOW_FIELDS

NODE_PATHS = (("nodes",), ("edges", "node"))
"""where a connection's nodes are selected"""


def selected_fields(info: Info, *path: str) -> dict[str, FieldNode]:
    """The fields selected directly under the current one, or under the field reached from it by the names of
    `path` ("edges", "node"), by name; through inline fragments and fragment spreads of any type condition (so a
    field of one kind of title only may be prefetched for nothing: a cheap read)."""
    return {name: found[0] for name, found in _selections(info, *path).items()}


def selected_on_nodes(info: Info) -> set[str]:
    """The names of the fields selected on a connection's nodes, under `nodes` or under `edges { node }`."""
    return {name for path in NODE_PATHS for name in _selections(info, *path)}


def window_regions_on_nodes(info: Info) -> set[str | None]:
    """The regions the window fields selected on a connection's nodes ask for (`availability(region:)`), None for
    one asking for every region."""
    return {_argument(info, node, "region") for path in NODE_PATHS
            for name, nodes in _selections(info, *path).items() if name in WINDOW_FIELDS for node in nodes}


def _selections(info: Info, *path: str) -> dict[str, list[FieldNode]]:
    """Every selection of each field under the current one, or under the field `path` reaches, by name."""
    nodes: list[FieldNode] = list(info._raw_info.field_nodes)
    for name in path:
        nodes = _fields_under(info, nodes).get(name, [])
    return _fields_under(info, nodes)


def _argument(info: Info, node: FieldNode, name: str) -> str | None:
    """A text argument's value, given or from a variable; None when not given."""
    for argument in node.arguments or ():
        if argument.name.value == name:
            value = value_from_ast_untyped(argument.value, info._raw_info.variable_values)
            return None if value is None else str(value)
    return None


def _fields_under(info: Info, nodes: list[FieldNode]) -> dict[str, list[FieldNode]]:
    fragments = info._raw_info.fragments
    found: dict[str, list[FieldNode]] = {}
    pending = [node.selection_set for node in nodes if node.selection_set is not None]
    spread: set[str] = set()
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                found.setdefault(selection.name.value, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in spread:
                spread.add(selection.name.value)
                if selection.name.value in fragments:
                    pending.append(fragments[selection.name.value].selection_set)
    return found
