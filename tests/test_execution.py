"""The schema's executor answers plain leaves, and plain lists of objects with plain leaves, itself: what a client
receives must be what graphql-core gives."""

from __future__ import annotations

import enum
import operator
from typing import Any, ClassVar, NewType

import pytest
import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig

from mediagateway.schema.execution import PlainLeafExecutor

Strict = NewType("Strict", str)


def _strict(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"not a string: {value!r}")
    return value


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Place:
    city: str
    country: str | None


@strawberry.type
class Owner:
    name: str
    home: Place | None
    shades: list[Colour]


@strawberry.type
class Tag(Named):
    name: str
    colour: Colour
    weight: float | None
    owner: Owner | None = None


@strawberry.type
class Item:
    id: strawberry.ID
    title: str
    year: int | None
    code: Strict
    tags: list[Tag]
    maybe_tags: list[Tag | None] | None = None
    odd_tags: list[Tag] | None = strawberry.field(default_factory=list)

    @strawberry.field
    def shout(self, times: int = 1) -> str:
        return self.title.upper() * times

    @strawberry.field
    async def later(self) -> str:
        return self.title[::-1]


def _items() -> list[Item]:
    ana = Owner(name="Ana", home=Place(city="Lisbon", country=None), shades=[Colour.RED, Colour.BLUE])
    homeless = Owner(name="Ben", home=None, shades=[])
    tags = [Tag(name="crime", colour=Colour.RED, weight=0.5, owner=ana),
            Tag(name="la", colour=Colour.BLUE, weight=None, owner=homeless)]
    odd_owners = [Tag(name="no city", colour=Colour.RED, weight=None,
                      owner=Owner(name="Cy", home=Place(city=None, country="PT"), shades=[])),  # type: ignore[arg-type]
                  Tag(name="green", colour=Colour.RED, weight=None,
                      owner=Owner(name="Dee", home=None, shades=["green"])),  # type: ignore[list-item]
                  Tag(name="not an owner", colour=Colour.BLUE, weight=None, owner=ana.home)]  # type: ignore[arg-type]
    good = Item(id=strawberry.ID("1"), title="Heat", year=1995, code=Strict("h"), tags=tags,
                maybe_tags=[tags[1], None])
    no_title = Item(id=strawberry.ID("2"), title=None, year=None, code=Strict("x"), tags=[])  # type: ignore[arg-type]
    bad_code = Item(id=strawberry.ID("3"), title="Ran", year=1985, code=7, tags=[])  # type: ignore[arg-type]
    bad_year = Item(id=strawberry.ID("4"), title="Ikiru", year="MCMLII", code=Strict("i"),  # type: ignore[arg-type]
                    tags=[], odd_tags=[Colour.RED])  # type: ignore[list-item]  # not a tag
    bad_colour = Item(id=strawberry.ID("5"), title="Ran", year=1985, code=Strict("r"),
                      tags=[Tag(name="x", colour="green", weight=1.0)])  # type: ignore[arg-type]
    odd = Item(id=strawberry.ID("6"), title="Odd", year=None, code=Strict("o"), tags=odd_owners)
    return [good, no_title, bad_code, bad_year, bad_colour, odd]


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return _items()  # type: ignore[return-value]

    @strawberry.field
    async def first(self) -> Item:
        return _items()[0]


class ResolveEveryField(SchemaExtension):
    """An extension that sees every field (graphql-core middleware): the shortcut must stand aside for it."""

    seen: ClassVar[list[str]] = []

    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        self.seen.append(info.field_name)
        return _next(root, info, *args, **kwargs)


DOCUMENT = """
query {
  items { id title year code shout(times: 2) later tags { name colour weight } maybeTags { name } oddTags { name }
          ... on Item { again: title } }
  first {
    id title tags { name }
    labelled: tags { label: name weight }
    typed: tags { name __typename }
    twice: tags { name name }
    spread: tags { ... on Tag { name } }
    owned: tags { name owner { name home { city country } shades } }
    named: tags { ...TagParts }
    nested: tags { owner { ... on Owner { name home { __typename city } } } }
    abstract: tags { ... on Named { name } }
  }
  owners: items { tags { ...TagParts } }
}

fragment TagParts on Tag { name owner { name shades home { city } } }
"""


def _schema(executor: type | None, extensions: list[Any] | None = None) -> strawberry.Schema:
    strict = strawberry.scalar(name="Strict", serialize=_strict, parse_value=str)
    return strawberry.Schema(query=Query, execution_context_class=executor, extensions=extensions or [],
                             config=StrawberryConfig(scalar_map={Strict: strict}))


async def _answer(schema: strawberry.Schema) -> tuple[Any, list[tuple[str, list[Any]]]]:
    result = await schema.execute(DOCUMENT)
    errors = sorted((error.message, list(error.path or [])) for error in result.errors or [])
    return result.data, errors


async def test_the_answer_and_its_errors_are_graphql_cores() -> None:
    usual = await _answer(_schema(None))
    shortcut = await _answer(_schema(PlainLeafExecutor))

    assert shortcut == usual
    assert repr(shortcut[0]) == repr(usual[0])  # keys in the document's order too
    data, errors = shortcut
    assert data["items"][0] == {"id": "1", "title": "Heat", "year": 1995, "code": "h", "shout": "HEATHEAT",
                                "later": "taeH", "tags": [{"name": "crime", "colour": "RED", "weight": 0.5},
                                                          {"name": "la", "colour": "BLUE", "weight": None}],
                                "maybeTags": [{"name": "la"}, None], "oddTags": [], "again": "Heat"}
    assert data["first"]["labelled"] == [{"label": "crime", "weight": 0.5}, {"label": "la", "weight": None}]
    assert data["first"]["typed"] == [{"name": "crime", "__typename": "Tag"}, {"name": "la", "__typename": "Tag"}]
    assert data["first"]["twice"] == data["first"]["spread"] == data["first"]["tags"]
    assert [data["items"][i] for i in (1, 2, 4)] == [None, None, None]  # a bad non-null leaf nulls its item
    assert data["items"][3]["year"] is None and data["items"][3]["title"] == "Ikiru"  # a bad nullable leaf, itself
    assert data["items"][3]["oddTags"] is None  # not a tag in a list of them
    assert data["first"]["owned"] == [
        {"name": "crime", "owner": {"name": "Ana", "home": {"city": "Lisbon", "country": None},
                                    "shades": ["RED", "BLUE"]}},
        {"name": "la", "owner": {"name": "Ben", "home": None, "shades": []}}]
    assert data["first"]["named"] == [
        {"name": "crime", "owner": {"name": "Ana", "shades": ["RED", "BLUE"], "home": {"city": "Lisbon"}}},
        {"name": "la", "owner": {"name": "Ben", "shades": [], "home": None}}]
    assert data["first"]["nested"][0] == {"owner": {"name": "Ana", "home": {"__typename": "Place", "city": "Lisbon"}}}
    assert data["first"]["abstract"] == [{"name": "crime"}, {"name": "la"}]
    assert data["owners"][5]["tags"] == [{"name": "no city", "owner": {"name": "Cy", "shades": [], "home": None}},
                                         {"name": "green", "owner": None}, {"name": "not an owner", "owner": None}]
    paths = {tuple(path) for _, path in errors}
    assert paths >= {("items", 1, "title"), ("items", 2, "code"), ("items", 3, "year"),
                     ("items", 4, "tags", 0, "colour"), ("items", 3, "oddTags", 0),
                     ("owners", 5, "tags", 0, "owner", "home", "city"), ("owners", 5, "tags", 1, "owner", "shades", 0),
                     ("owners", 5, "tags", 2, "owner", "name")}


@pytest.mark.parametrize("executor", [None, PlainLeafExecutor])
async def test_an_extension_that_resolves_fields_still_sees_every_leaf(executor: type | None) -> None:
    ResolveEveryField.seen = []
    await _schema(executor, [ResolveEveryField]).execute("query { first { id title tags { name colour } } }")

    assert sorted(ResolveEveryField.seen) == sorted(["first", "id", "title", "tags", *["name", "colour"] * 2])


class ItemsAndAttributes(dict[str, Any]):
    name = "read as an attribute"


@strawberry.type
class Row:
    name: str
    colour: Colour


@strawberry.type
class RowQuery:
    @strawberry.field
    def rows(self) -> list[Row]:
        rows = [ItemsAndAttributes(name="read as an item", colour="red"),
                ItemsAndAttributes(name="blue", colour=Colour.BLUE)]
        return rows  # type: ignore[return-value]


@pytest.mark.parametrize("executor", [None, PlainLeafExecutor])
async def test_a_schema_that_reads_fields_its_own_way_is_answered_its_way(executor: type | None) -> None:
    schema = strawberry.Schema(query=RowQuery, execution_context_class=executor,
                               config=StrawberryConfig(default_resolver=operator.getitem))

    result = await schema.execute("query { rows { name colour } }")

    assert result.errors is None
    assert result.data == {"rows": [{"name": "read as an item", "colour": "RED"}, {"name": "blue", "colour": "BLUE"}]}
