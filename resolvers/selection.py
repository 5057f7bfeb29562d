"""What a query selects under the field being resolved, so a resolver can start the reads its children will need
before they ask (see `content` in resolvers/catalog.py)."""

from __future__ import annotations

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, IntValueNode, NullValueNode, VariableNode

from mediagateway.resolvers.context import Info


def selected_fields(info: Info, *path: str) -> dict[str, FieldNode]:
    """The fields selected directly under the current one, or under the field reached from it by the names of
    `path` ("edges", "node"), by name; through inline fragments and fragment spreads of any type condition (so a
    field of one kind of title only may be prefetched for nothing: a cheap read)."""
    nodes: list[FieldNode] = list(info._raw_info.field_nodes)
    for name in path:
        nodes = _fields_under(info, nodes).get(name, [])
    return {name: found[0] for name, found in _fields_under(info, nodes).items()}


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


def first_argument(info: Info, node: FieldNode, default: int | None) -> int | None:
    """The `first` a selected field's resolver will get: a literal, a variable's value, or the field's `default`
    when the argument is absent (validation has already checked that it is an Int)."""
    argument = next((arg for arg in node.arguments or () if arg.name.value == "first"), None)
    if argument is None:
        return default
    value = argument.value
    if isinstance(value, IntValueNode):
        return int(value.value)
    if isinstance(value, NullValueNode):
        return None
    if isinstance(value, VariableNode):
        variables = info._raw_info.variable_values
        name = value.name.value
        return variables[name] if name in variables else default
    return default
