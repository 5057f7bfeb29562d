"""What stands between a GraphQL request and the graph: limits on the document, error masking, the timeout.

Limits, all checked before anything runs:

- **tokens**: strawberry's `MaxTokensLimiter`; the parser stops at the limit, so a huge document costs little.
- **depth, aliases and list cost**: `DocumentChecks`, one pass over the document that walks each fragment once.
  Strawberry's `QueryDepthLimiter` and `MaxAliasesLimiter` walk a fragment again at every spread of it, so their
  time doubles with each fragment that spreads the next one twice: a document of 170 tokens (20 such fragments)
  kept them busy 6.1 s and 2.6 s (strawberry 0.341), and validation blocks the event loop. This pass counts
  introspection fields too, which `QueryDepthLimiter` skips.
- **introspection depth**: graphql-core's `MaxIntrospectionDepthRule` (`fields { type { fields ...` nested more
  than three lists deep is refused); in production introspection is off altogether.

**List cost.** Every field with a `first` argument is a paged list. It costs its page size (`first`, from the
document or its variables, else the schema's default or `DEFAULT_PAGE_SIZE`, clamped to `MAX_PAGE_SIZE`) times the
page sizes of the paged lists around it; a document's cost is the sum over its lists. The budget (5,000 by default)
is set from the largest request a frontend makes: a full page of 100 search results, each with a default page (20)
of two lists such as availability and credits, costs 100 + 100 * (20 + 20) = 4,100. What it refuses: a page of 100
titles each with a full page of 100 windows (100 + 100 * 100 = 10,100), or three nested default pages
(20 + 400 + 8,000 = 8,420), documents that ask the store for ten thousand rows or more.

**Errors.** `ClientErrorMasking` (strawberry's `MaskErrors`) lets through, with `extensions.code`, the errors a client
may read: `ClientError` (its `code`), the store's `InvalidInput` (`INVALID_INPUT`) and `StoreUnavailable`
(`UNAVAILABLE`, its detail only in development). GraphQL's own syntax and validation errors are never masked.
Every other error becomes "Unexpected error." (`INTERNAL_SERVER_ERROR`) and is logged with its traceback.

**Timeout.** `RequestTimeout` cancels an operation that runs longer than `request_timeout_s` and answers `TIMEOUT`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from cross_web import HTTPException
from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    IntValueNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef
from graphql.validation import MaxIntrospectionDepthRule
from strawberry.extensions import AddValidationRules, DisableIntrospection, MaskErrors, MaxTokensLimiter
from strawberry.extensions.base_extension import SchemaExtension
from strawberry.schema.schema import validate_document

from mediagateway.graph.errors import InvalidInput, StoreUnavailable
from mediagateway.schema.errors import ClientError
from mediagateway.schema.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, first_argument
from mediagateway.settings import Mode, Settings

log = logging.getLogger("mediagateway.graphql")

ExtensionFactory = Callable[[], SchemaExtension]
MASKED_MESSAGE = "Unexpected error."
UNAVAILABLE_MESSAGE = "The catalog is unavailable right now; try again shortly."
INTERNAL = "INTERNAL_SERVER_ERROR"


def protection_extensions(settings: Settings) -> list[ExtensionFactory]:
    """The extensions that protect the API, in order: masking sees the errors of everything after it."""
    limits = Limits(settings.graphql_max_depth, settings.graphql_max_aliases, settings.graphql_list_cost_budget)
    checks = DocumentChecks(limits)
    parsed = ParsedDocuments()
    extensions: list[ExtensionFactory] = [
        lambda: ClientErrorMasking(settings.mode),
        lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
        lambda: parsed,
        lambda: AddValidationRules([MaxIntrospectionDepthRule]),
    ]
    if settings.mode is Mode.PRODUCTION:
        extensions.append(DisableIntrospection)
    extensions.append(lambda: checks)  # after the extensions that add validation rules; one cache per schema
    extensions.append(lambda: RequestTimeout(settings.request_timeout_s))  # innermost: it times everything above
    return extensions


# --- errors -----------------------------------------------------------------------------------------------------


def error_code(error: GraphQLError) -> str:
    """The `extensions.code` a client sees for `error` (and the metrics count)."""
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return "GRAPHQL_VALIDATION_FAILED"
    if isinstance(original, ClientError):
        return original.code
    if isinstance(original, InvalidInput):
        return "INVALID_INPUT"
    if isinstance(original, StoreUnavailable):
        return "UNAVAILABLE"
    return INTERNAL


class ClientErrorMasking(MaskErrors):
    """Strawberry's `MaskErrors` with the allowlist: each error is replaced by what a client may see of it."""

    def __init__(self, mode: Mode) -> None:
        # rewritten: whatever came from Python code (masked or not), and what has no code yet
        super().__init__(should_mask_error=lambda error: error.original_error is not None or not error.extensions)
        self.mode = mode

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        code = error_code(error)
        if code == INTERNAL:
            message = MASKED_MESSAGE
        elif code == "UNAVAILABLE" and self.mode is Mode.PRODUCTION:
            message = UNAVAILABLE_MESSAGE
        else:
            message = error.message
        return GraphQLError(message, error.nodes, error.source, error.positions, error.path,
                            extensions={**(error.extensions or {}), "code": code})


def log_error(error: GraphQLError, operation: str | None) -> None:
    """Log what will be masked (a bug: with its traceback); an unreachable store and a timeout as warnings. A
    client's own mistakes (syntax, validation, unknown ids) are not logged: the access line has the request."""
    code = error_code(error)
    path = ".".join(str(key) for key in error.path or ())
    extra = {"operation": operation, "path": path or None, "code": code}
    if code == INTERNAL:
        log.error("unexpected error in %s: %s", operation or "an anonymous operation",
                  error.message or type(error.original_error).__name__, exc_info=error.original_error, extra=extra)
    elif code in ("UNAVAILABLE", "TIMEOUT"):
        log.warning("%s", error.message, extra=extra)


# --- the timeout --------------------------------------------------------------------------------------------------


class RequestTimeout(SchemaExtension):
    """Cancels the operation after `seconds`: its store statements are abandoned and the client gets `TIMEOUT`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    async def on_operation(self) -> AsyncIterator[None]:
        try:
            async with asyncio.timeout(self.seconds) as deadline:
                yield
        except TimeoutError:
            if not deadline.expired():
                raise
            raise GraphQLError(f"The operation took longer than {self.seconds:g}s and was cancelled.",
                               extensions={"code": "TIMEOUT"}) from None


# --- document limits ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    max_depth: int
    max_aliases: int
    list_cost_budget: int


@dataclass(frozen=True)
class Shape:
    """What a selection asks for: fields on its longest path, its aliases, and its list cost (per item of the
    list around it)."""

    depth: int = 0
    aliases: int = 0
    cost: int = 0

    def beside(self, other: Shape) -> Shape:
        return Shape(max(self.depth, other.depth), self.aliases + other.aliases, self.cost + other.cost)


EMPTY = Shape()


K = TypeVar("K")
V = TypeVar("V")


class ParsedDocuments(SchemaExtension):
    """Parses each distinct document text once (0.8 ms for a title page). A document that is not in the cache is
    parsed by strawberry as usual, so a syntax error (or one over the token limit) is reported as any other.

    One instance serves every request of a schema (strawberry then gives it each request's execution context)."""

    def __init__(self, cache_size: int = 1_024) -> None:
        self.cache_size = cache_size
        self._documents: dict[str, DocumentNode] = {}

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and context.graphql_document is None:
            context.graphql_document = self._documents.get(context.query)
        yield
        if context.query is not None and context.graphql_document is not None:
            _remember(self._documents, context.query, context.graphql_document, self.cache_size)


def _remember(cache: dict[K, V], key: K, value: V, size: int) -> None:
    """Keep `value` under `key` in a cache of at most `size` entries, forgetting the oldest first."""
    if key not in cache and len(cache) >= size:
        del cache[next(iter(cache))]
    cache[key] = value


class DocumentChecks(SchemaExtension):
    """Validates a document with GraphQL's rules once per distinct document text (clients send the same documents
    with new variables, and validation is the largest CPU cost of a small request: 3.9 ms for a title page), and
    checks its limits once per document text and numeric variables, since a `first` may come from the variables
    (0.2 ms for a title page).

    One instance serves every request of a schema (strawberry then gives it each request's execution context)."""

    def __init__(self, limits: Limits, cache_size: int = 1_024) -> None:
        self.limits = limits
        self.cache_size = cache_size
        self._validated: dict[tuple[str, tuple[type[ASTValidationRule], ...]], tuple[GraphQLError, ...]] = {}
        self._limited: dict[tuple[str, tuple[tuple[str, float | None], ...]], tuple[GraphQLError, ...]] = {}

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        assert context.graphql_document is not None and context.query is not None
        schema = context.schema._schema
        key = (context.query, tuple(context.validation_rules))
        errors = self._validated.get(key)
        if errors is None:
            errors = tuple(validate_document(schema, context.graphql_document, key[1]))
            _remember(self._validated, key, errors, self.cache_size)
        if not errors:
            errors = self._limit_problems(schema, context.graphql_document, context.query, context.variables or {})
        context.pre_execution_errors = list(errors)  # set, so strawberry does not validate again
        yield

    def _limit_problems(self, schema: GraphQLSchema, document: DocumentNode, query: str,
                        variables: Mapping[str, Any]) -> tuple[GraphQLError, ...]:
        """`document_problems`, remembered by the document's text, the names of its variables and the values of
        those that are numbers: a `first` counts only a number, any other value alike, and an absent variable its
        default."""
        key = (query, tuple(sorted((name, _number(value)) for name, value in variables.items())))
        problems = self._limited.get(key)
        if problems is None:
            problems = tuple(document_problems(schema, document, variables, self.limits))
            _remember(self._limited, key, problems, self.cache_size)
        return problems


def document_problems(schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any],
                      limits: Limits) -> list[GraphQLError]:
    """Every limit `document` breaks, each as an error that names the figure and the limit."""
    try:
        shapes = DocumentShapes(schema, document, variables, limits.max_depth)
        operations = [(operation, shapes.of_operation(operation)) for operation in shapes.operations]
    except RecursionError:
        return [GraphQLError("The document is nested too deeply to be checked.")]
    problems = [
        GraphQLError(f"Operation {_name(operation)} nests fields deeper than the limit of {limits.max_depth} levels.",
                     [operation])
        for operation, shape in operations
        if shape.depth > limits.max_depth
    ]
    aliases = sum(shape.aliases for _, shape in operations)
    if aliases > limits.max_aliases:
        problems.append(GraphQLError(f"The document uses {aliases} aliases; at most {limits.max_aliases} are allowed."))
    cost = sum(shape.cost for _, shape in operations)
    if cost > limits.list_cost_budget:
        problems.append(GraphQLError(
            f"The document's list cost is {cost}, over the budget of {limits.list_cost_budget}: each paged list costs "
            f"its page size (first: default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}) times the page sizes of "
            "the lists around it."))
    return problems


def _name(operation: OperationDefinitionNode) -> str:
    return operation.name.value if operation.name else "(anonymous)"


class DocumentShapes:
    """The shape of each operation of a document. Fragments are measured once each, those they spread first, so
    the work is linear in the document however often a fragment is spread."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any],
                 max_depth: int) -> None:
        self.schema = schema
        self.max_depth = max_depth
        self.operations = [node for node in document.definitions if isinstance(node, OperationDefinitionNode)]
        self.variables = {**_variable_defaults(self.operations), **variables}  # as coerced, with the defaults
        self.fragments = {node.name.value: node for node in document.definitions
                          if isinstance(node, FragmentDefinitionNode)}
        self.fragment_shapes: dict[str, Shape] = {}
        for name in self._spread_order():
            fragment = self.fragments[name]
            self.fragment_shapes[name] = self._selections(
                fragment.selection_set, self._type_named(fragment.type_condition, None), 0)

    def of_operation(self, operation: OperationDefinitionNode) -> Shape:
        return self._selections(operation.selection_set, self.schema.get_root_type(operation.operation), 0)

    def _spread_order(self) -> list[str]:
        """Fragment names, each after the fragments it spreads (a cycle, refused by validation, is cut)."""
        order: list[str] = []
        seen: set[str] = set()
        for root in self.fragments:
            if root in seen:
                continue
            seen.add(root)
            stack = [(root, iter(_spreads(self.fragments[root].selection_set)))]
            while stack:
                name, spreads = stack[-1]
                spread = next(spreads, None)
                if spread is None:
                    stack.pop()
                    order.append(name)
                elif spread in self.fragments and spread not in seen:
                    seen.add(spread)
                    stack.append((spread, iter(_spreads(self.fragments[spread].selection_set))))
        return order

    def _selections(self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None, level: int) -> Shape:
        """`level`: the fields above this selection set."""
        shape = EMPTY
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                part = self._field(selection, parent, level)
            elif isinstance(selection, InlineFragmentNode):
                part = self._selections(selection.selection_set, self._type_named(selection.type_condition, parent),
                                        level)
            elif isinstance(selection, FragmentSpreadNode):
                part = self.fragment_shapes.get(selection.name.value, EMPTY)
            else:
                part = EMPTY
            shape = shape.beside(part)
        return shape

    def _field(self, node: FieldNode, parent: GraphQLNamedType | None, level: int) -> Shape:
        definition = _field_definition(parent, node.name.value)
        inner = EMPTY
        if node.selection_set is not None:
            if level + 1 >= self.max_depth:
                inner = Shape(depth=1)  # already too deep: what lies below does not matter
            else:
                child_type = get_named_type(definition.type) if definition else None
                inner = self._selections(node.selection_set, child_type, level + 1)
        page = self._page_size(node, definition)
        cost = inner.cost if page is None else page * (1 + inner.cost)
        return Shape(1 + inner.depth, (1 if node.alias else 0) + inner.aliases, cost)

    def _page_size(self, node: FieldNode, definition: GraphQLField | None) -> int | None:
        """The clamped `first` of a paged list field; None for any other field."""
        if definition is None or "first" not in definition.args:
            return None
        requested = _as_int(first_argument(node, self.variables))
        if requested is None:
            default = definition.args["first"].default_value
            requested = default if isinstance(default, int) and not isinstance(default, bool) else DEFAULT_PAGE_SIZE
        return min(max(requested, 0), MAX_PAGE_SIZE)

    def _type_named(self, condition: NamedTypeNode | None,
                    otherwise: GraphQLNamedType | None) -> GraphQLNamedType | None:
        return self.schema.get_type(condition.name.value) if condition else otherwise


def _field_definition(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if name == "__typename":
        return TypeNameMetaFieldDef
    if name == "__schema":
        return SchemaMetaFieldDef
    if name == "__type":
        return TypeMetaFieldDef
    if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
        return parent.fields.get(name)
    return None


def _spreads(selection_set: SelectionSetNode) -> Iterator[str]:
    """Names of the fragments spread anywhere inside `selection_set`."""
    pending = [selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                yield selection.name.value
            elif isinstance(selection, (FieldNode, InlineFragmentNode)) and selection.selection_set is not None:
                pending.append(selection.selection_set)


def _variable_defaults(operations: list[OperationDefinitionNode]) -> dict[str, int]:
    """Integer defaults of the operations' variables; where two operations differ, the larger (never under-count)."""
    defaults: dict[str, int] = {}
    for operation in operations:
        for definition in operation.variable_definitions or ():
            if isinstance(definition.default_value, IntValueNode):
                name = definition.variable.name.value
                defaults[name] = max(defaults.get(name, 0), int(definition.default_value.value))
    return defaults


def _number(value: Any) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


# --- the request body ---------------------------------------------------------------------------------------------


def decode_request_json(data: str | bytes) -> object:
    """A GraphQL request body (or GET `variables`) as JSON, refused with 400 unless it is an object (or a batch),
    when it is nested too deeply to decode, or when it holds a string that is not Unicode text (a lone surrogate
    such as `\\ud800`, which no store accepts). Strawberry answers 500 to the first two."""
    try:
        decoded = json.loads(data)
    except RecursionError:
        raise HTTPException(400, "The request body is nested too deeply.") from None
    if not isinstance(decoded, (dict, list)):
        raise HTTPException(400, f"The request body must be a JSON object, not {type(decoded).__name__}.")
    where = _lone_surrogate(decoded)
    if where is not None:
        raise HTTPException(400, f"{where} holds a lone surrogate (\\ud800-\\udfff): strings must be Unicode text.")
    return decoded


def _lone_surrogate(value: object) -> str | None:
    """The path of the first string (or key) in decoded JSON that cannot be encoded as UTF-8."""
    pending: list[tuple[str, object]] = [("the request", value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            if not item.isascii() and not _encodable(item):
                return path
        elif isinstance(item, dict):
            for key, child in item.items():
                if not _encodable(key):
                    return f"a key in {path}"
                pending.append((key if path == "the request" else f"{path}.{key}", child))
        elif isinstance(item, list):
            pending.extend((f"{path}[{index}]", child) for index, child in enumerate(item))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
