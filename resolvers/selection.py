"""What a query selects under the field being resolved, so a resolver can start the reads its children will need
before they ask (see `content` in resolvers/catalog.py)."""

from __future__ import annotations

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode

from mediagateway.resolvers.context import Info


def selected_fields(info: Info, *path: str) -> dict[str, FieldNode]:
    """The fields selected directly under the current one, or under the field reached from it by the names of
    `path` ("edges", "node"), by name; through inline fragments and fragment spreads of any type condition (so a
    field of one kind of title only may be prefetched for nothing: a cheap read)."""
    nodes: list[FieldNode] = list(info._raw_info.field_nodes)
    for name in path:
        nodes = _fields_under(info, nodes).get(name, [])
    return {name: found[0] for name, found in _fields_under(info, nodes).items()}


def selected_on_nodes(info: Info) -> set[str]:
    """The names of the fields selected on a connection's nodes, under `nodes` or under `edges { node }`."""
    return selected_fields(info, "nodes").keys() | selected_fields(info, "edges", "node").keys()


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
