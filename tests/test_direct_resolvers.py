"""Resolvers called directly answer what strawberry's wrapper answers, and fields that need the wrapper keep it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import strawberry
from graphql import GraphQLObjectType
from strawberry.permission import BasePermission
from strawberry.types import Info

from mediagateway.schema.direct_resolvers import call_resolvers_directly

from .test_execution import Colour


@strawberry.input
class Range:
    low: int
    high: int


@strawberry.input
class Look:
    colours: list[Colour] | None = None
    ids: list[strawberry.ID] | None
    bright: bool = False
    within: Range | None = None
    note: str | None = strawberry.field(default="plain", description="a default of the field's own")

    def __post_init__(self) -> None:
        if self.within is not None and self.within.low > self.within.high:
            raise ValueError("low is above high")


@strawberry.input
class Since:
    when: datetime  # strawberry parses a DateTime itself


class Nobody(BasePermission):
    message = "nobody may see this"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Item:
    title: str

    @strawberry.field
    def shout(self, times: int = 1, with_mark: bool = False) -> str:
        return self.title.upper() * times + ("!" if with_mark else "")


@strawberry.type
class Query:
    @strawberry.field
    def items(self, info: Info, titles: list[str] | None = None, within_days: int | None = None) -> list[Item]:
        chosen = titles if titles is not None else ["heat", "ran"]
        chosen.append(f"{info.field_name} {info.context['who']} {within_days}")  # must not reach the next request
        return [Item(title=t) for t in chosen]

    @strawberry.field
    def paint(self, colours: list[Colour], ids: list[strawberry.ID] | None = None) -> list[str]:
        return [f"{colour.name}:{colour.value}" for colour in colours] + [str(type(i).__name__) for i in ids or []]

    @strawberry.field
    def colour(self, colour: Colour | None = Colour.RED) -> Colour | None:
        return colour

    @strawberry.field
    def root_name(self, root: Any) -> str:
        return type(root).__name__

    @strawberry.field
    async def later(self, text: str) -> str:
        return text[::-1]

    @strawberry.field
    def fails(self, reason: str) -> str | None:
        raise ValueError(reason)

    @strawberry.field
    def in_range(self, bounds: Range) -> str:
        return f"{type(bounds).__name__} {bounds.low}-{bounds.high}"

    @strawberry.field
    def looks(self, looks: list[Look], first: Look | None = None) -> list[str] | None:
        return [repr(look) for look in ([first] if first else []) + looks]

    @strawberry.field
    def since(self, since: Since) -> str:
        return since.when.isoformat()

    @strawberry.field(permission_classes=[Nobody])
    def secret(self, word: str) -> str | None:
        return word


DOCUMENT = """
query ($titles: [String!], $days: Int, $look: Look!) {
  items(titles: $titles, withinDays: $days) { title shout(times: 2, withMark: true) }
  defaults: items { title shout }
  paint(colours: [BLUE, RED], ids: ["7", "8"])
  colour
  blue: colour(colour: BLUE)
  none: colour(colour: null)
  rootName
  later(text: "heat")
  fails(reason: "no such title")
  inRange(bounds: {low: 1, high: 3})
  looks(looks: [$look, {ids: null}, {colours: [BLUE], ids: ["9"], note: null}],
        first: {ids: [], within: {low: 1, high: 2}})
  badLook: looks(looks: [{ids: [], within: {low: 3, high: 2}}])
  since(since: {when: "2026-11-23T08:00:00Z"})
  secret(word: "x")
}
"""


def _schema(direct: bool) -> strawberry.Schema:
    schema = strawberry.Schema(query=Query)
    if direct:
        call_resolvers_directly(schema)
    return schema


async def _answer(schema: strawberry.Schema, variables: dict[str, Any]) -> tuple[Any, list[Any]]:
    result = await schema.execute(DOCUMENT, variable_values=variables, context_value={"who": "ana"})
    return result.data, sorted((error.message, error.path) for error in result.errors or [])


async def test_the_answers_and_errors_are_strawberrys() -> None:
    usual, direct = _schema(direct=False), _schema(direct=True)
    variables = {"titles": ["alien"], "days": 7, "look": {"colours": ["RED", "BLUE"], "ids": ["7"], "bright": True}}

    answers = [await _answer(schema, dict(variables)) for schema in (usual, direct, usual, direct)]

    assert answers[1] == answers[0]
    assert answers[3] == answers[2] == answers[0]  # a resolver changing its list argument changed nothing
    data, errors = answers[1]
    assert data["items"] == [{"title": "alien", "shout": "ALIENALIEN!"},
                             {"title": "items ana 7", "shout": "ITEMS ANA 7ITEMS ANA 7!"}]
    assert [item["title"] for item in data["defaults"]] == ["heat", "ran", "items ana None"]
    assert data["paint"] == ["BLUE:blue", "RED:red", "str", "str"]
    assert (data["colour"], data["blue"], data["none"]) == ("RED", "BLUE", None)
    assert data["rootName"] == "NoneType"
    assert data["later"] == "taeh"
    assert data["inRange"] == "Range 1-3"
    assert data["looks"] == [
        "Look(colours=None, ids=[], bright=False, within=Range(low=1, high=2), note='plain')",
        "Look(colours=[<Colour.RED: 'red'>, <Colour.BLUE: 'blue'>], ids=['7'], bright=True, within=None, note='plain')",
        "Look(colours=None, ids=None, bright=False, within=None, note='plain')",
        "Look(colours=[<Colour.BLUE: 'blue'>], ids=['9'], bright=False, within=None, note=None)",
    ]
    assert data["badLook"] is None
    assert data["since"] == "2026-11-23T08:00:00+00:00"
    assert errors == [("low is above high", ["badLook"]), ("no such title", ["fails"]),
                      ("nobody may see this", ["secret"])]


def test_fields_needing_strawberrys_conversion_or_extensions_keep_its_wrapper() -> None:
    schema = _schema(direct=False)
    types = {name: schema._schema.get_type(name) for name in ("Query", "Item")}
    fields = {(type_name, name): field for type_name, type_ in types.items()
              for name, field in cast(GraphQLObjectType, type_).fields.items()}
    before = {key: field.resolve for key, field in fields.items()}

    call_resolvers_directly(schema)

    changed = {key for key, field in fields.items() if field.resolve is not before[key]}
    assert changed == {("Query", name) for name in ("items", "paint", "colour", "rootName", "later", "fails",
                                                    "inRange", "looks")} | {("Item", "shout")}
