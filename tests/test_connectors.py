"""Connectors: every kind of malformed record is quarantined with a readable reason, and good records around it
still come through. The MovieLens data set is read from `shared/data` beside the repository, never copied in;
the other files here are tiny made-up ones written by the tests."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mediagateway.ingest.connectors import CONNECTORS, connector_for
from mediagateway.ingest.connectors.aggregator import AggregatorConnector
from mediagateway.ingest.connectors.base import MAX_LINE_BYTES, read_lines
from mediagateway.ingest.connectors.canonical import SCHEMA_PATH, CanonicalConnector
from mediagateway.ingest.connectors.movielens import U_ITEM_GENRES, MovieLensConnector
from mediagateway.ingest.generate import CatalogSpec
from mediagateway.ingest.generated_feed import write_feed
from mediagateway.ingest.records import ParsedItem, Rejected, SourceInteraction, SourceOffer, SourceTitle

REPO = Path(__file__).resolve().parents[1]
MOVIELENS_SMALL = Path(__file__).resolve().parents[2] / "shared" / "data" / "ml-latest-small"
FETCHED_AT = 1_748_736_000_000  # 2025-06-01T00:00:00Z


def jsonl(path: Path, lines: Iterable[str | dict[str, Any]]) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines), encoding="utf-8")
    return path


def only(items: list[ParsedItem]) -> ParsedItem:
    assert len(items) == 1, items
    return items[0]


def reason(items: list[ParsedItem]) -> str:
    item = only(items)
    assert isinstance(item, Rejected), item
    return item.reason


# --- Registry -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["canonical", "aggregator", "movielens", " MovieLens "])
def test_connector_for_known_formats(name: str) -> None:
    connector = connector_for(name)
    assert connector.name == name.strip().lower()
    assert callable(connector.read) and callable(connector.parse_line)


def test_connector_for_names_the_source() -> None:
    connector = connector_for("canonical", "acme-feed")
    assert only(connector.parse_line("{", 3)).source == "acme-feed"


@pytest.mark.parametrize("name", ["csv", "justwatch", ""])
def test_connector_for_unknown_format_names_the_known_ones(name: str) -> None:
    with pytest.raises(ValueError, match=r"known formats: aggregator, canonical, movielens"):
        connector_for(name)
    assert set(CONNECTORS) == {"aggregator", "canonical", "movielens"}


# --- Reading lines ------------------------------------------------------------------------------------------------


def test_read_lines_survives_bad_bytes_long_lines_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\xef\xbb\xbffirst\r\n" + b"bad \xff byte\n" + b"x" * (MAX_LINE_BYTES + 10) + b"\nlast")
    lines = list(read_lines(path))
    assert [line.number for line in lines] == [1, 2, 3, 4]
    assert (lines[0].text, lines[0].problem) == ("first", None)
    assert lines[1].problem == "not valid utf-8: byte 0xff at position 4"
    assert lines[2].problem == f"line is {MAX_LINE_BYTES + 11:,} bytes long, over the limit of {MAX_LINE_BYTES:,}"
    assert len(lines[2].text) == 1_000  # an over-long line keeps only its start
    assert (lines[3].text, lines[3].problem) == ("last", None)


def test_read_lines_reads_gzip(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.write("one\ntwo\n")
    assert [line.text for line in read_lines(path)] == ["one", "two"]


def test_lines_kept_by_a_test_of_their_bytes_keep_their_numbers(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"a 1\nb 2\n" + b"a" * (MAX_LINE_BYTES + 10) + b"\n" + b"b" * (MAX_LINE_BYTES + 10) + b"\nb 5")

    kept = list(read_lines(path, keep=lambda raw: raw.startswith(b"b")))
    passed_over = list(read_lines(path, keep=lambda raw: raw.startswith(b"a")))

    assert [(line.number, line.text[:3], line.problem is None) for line in kept] == [
        (2, "b 2", True), (4, "bbb", False), (5, "b 5", True)]
    assert sorted(kept + passed_over, key=lambda line: line.number) == list(read_lines(path))


def test_canonical_offer_lines_are_told_apart_by_their_bytes(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    write_feed(CatalogSpec(titles=30, seed=5), path)
    connector = CanonicalConnector(source="feed-a")

    offers = list(connector.read(path, keep=CanonicalConnector.offer_lines))
    others = list(connector.read(path, keep=lambda raw: not CanonicalConnector.offer_lines(raw)))

    assert offers and all(isinstance(item, SourceOffer) for item in offers)
    assert others and not any(isinstance(item, SourceOffer) for item in others)
    assert sorted(offers + others, key=lambda item: item.line) == list(connector.read(path))
    assert CanonicalConnector.offer_lines(b'{"id": "o", "type" :  "offer"}')
    assert not CanonicalConnector.offer_lines(b'{"type": "title", "synopsis": "a \\"type\\": \\"offer\\""}')


# --- Canonical format: the schema ---------------------------------------------------------------------------------


def _subschemas(node: Any, where: str = "") -> Iterable[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            yield f"{where}.{key}", value
        for key, value in node.items():
            if key != "if":  # a condition's properties are not fields
                yield from _subschemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for value in node:
            yield from _subschemas(value, where)


def test_schema_is_valid_and_every_field_is_described() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    undescribed = [where for where, field in _subschemas(schema) if "description" not in field and "$ref" not in field]
    assert undescribed == []
    for name in ("title", "offer", "interaction", "credit"):
        assert schema["$defs"][name]["description"]


def test_schema_covers_every_license_term() -> None:
    offer = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["$defs"]["offer"]["properties"]
    terms = {"pricing_model", "transaction", "price", "currency", "quality", "audio", "download", "exclusive",
             "deep_links", "available_from", "available_until", "verification_source", "verified_at", "demo"}
    assert terms <= set(offer)


def test_readme_example_reads_cleanly() -> None:
    readme = (REPO / "ingest" / "formats" / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", readme, re.DOTALL)
    assert example is not None
    connector = CanonicalConnector()
    items = [item for i, raw in enumerate(example.group(1).splitlines(), 1) for item in connector.parse_line(raw, i)]
    assert [type(item).__name__ for item in items] == ["SourceTitle"] * 3 + ["SourceOffer"] * 2 + ["SourceInteraction"]


# --- Canonical format: good records -------------------------------------------------------------------------------

TITLE: dict[str, Any] = {
    "type": "title",
    "id": "t1",
    "kind": "movie",
    "title": "  Harbour   Lights ",
    "year": 1999,
    "runtime_minutes": 101,
    "language": "en",
    "genres": ["Sci-Fi", "drama", "Action & Adventure"],
    "moods": ["tense"],
    "external_ids": {"imdb": "tt0000001", "tmdb": 42, "eidr": "10.5240/7791-8534-2C23-9030-8610-5"},
    "credits": [
        {"name": "Example, Ada", "role": "director"},
        {"name": "Ben Sample", "role": "actor", "character": "The Keeper", "order": 0, "imdb_id": "nm0000001"},
    ],
}
OFFER: dict[str, Any] = {
    "type": "offer",
    "id": "o1",
    "title_id": "t1",
    "platform": "rentstore",
    "region": "GB",
    "pricing_model": "TVOD",
    "transaction": "rent",
    "price": 3.49,
    "currency": "GBP",
    "quality": ["HD", "UHD"],
    "audio": ["5.1", "DOLBY_ATMOS"],
    "download": True,
    "exclusive": False,
    "deep_links": {"web": "https://rentstore.example/t1", "tv": "https://rentstore.example/tv/t1"},
    "available_from": "2025-01-01",
    "available_until": "2025-12-31T23:00:00+01:00",
    "verification_source": "demo",
    "verified_at": FETCHED_AT,
    "demo": True,
}
INTERACTION: dict[str, Any] = {
    "type": "interaction", "user_id": "u1", "title_id": "t1", "signal": "rating", "rating": 4.5, "at": "2025-05-30",
}


def test_canonical_title_is_normalised() -> None:
    title = only(CanonicalConnector("feed").parse_line(json.dumps(TITLE), 7))
    assert isinstance(title, SourceTitle)
    assert (title.source, title.native_id, title.line, title.key) == ("feed", "t1", 7, "feed:t1")
    assert title.title == "Harbour Lights"
    assert title.genres == ["science-fiction", "drama", "action", "adventure"]
    assert (title.imdb_id, title.tmdb_id, title.eidr_id) == ("tt0000001", 42, "10.5240/7791-8534-2C23-9030-8610-5")
    credits = [(c.name, c.role, c.order) for c in title.credits]
    assert credits == [("Ada Example", "director", 0), ("Ben Sample", "actor", 0)]


def test_canonical_episode_names_its_parent() -> None:
    episode = {"type": "title", "id": "e1", "kind": "episode", "parent_id": "s1", "number": 3, "title": "Three"}
    title = only(CanonicalConnector().parse_line(json.dumps(episode), 1))
    assert isinstance(title, SourceTitle)
    assert (title.kind, title.parent_native_id, title.number) == ("episode", "s1", 3)


def test_canonical_offer_keeps_every_term() -> None:
    offer = only(CanonicalConnector().parse_line(json.dumps(OFFER), 2))
    assert isinstance(offer, SourceOffer)
    assert offer.model_dump(exclude={"source", "native_id", "line"}) == {
        "title_native_id": "t1", "title_imdb_id": None, "title_tmdb_id": None, "platform_id": "rentstore",
        "region_id": "GB", "pricing_model": "TVOD", "transaction": "rent", "price": 3.49, "currency": "GBP",
        "quality": ["HD", "UHD"], "audio": ["5.1", "DOLBY_ATMOS"], "download": True, "exclusive": False,
        "deep_link": "https://rentstore.example/t1", "deep_link_tv": "https://rentstore.example/tv/t1",
        "available_from": 1_735_689_600_000, "available_until": 1_767_218_400_000,
        "verified_at": FETCHED_AT, "verification_source": "demo", "demo": True,
    }


def test_canonical_offer_by_external_id() -> None:
    record = {**OFFER, "pricing_model": "SVOD", "title_external_ids": {"imdb": "tt0000001", "tmdb": 42}}
    for key in ("title_id", "transaction", "price", "currency"):
        del record[key]
    offer = only(CanonicalConnector().parse_line(json.dumps(record), 1))
    assert isinstance(offer, SourceOffer)
    assert (offer.title_native_id, offer.title_imdb_id, offer.title_tmdb_id) == (None, "tt0000001", 42)


def test_canonical_interaction_without_id_gets_one() -> None:
    interaction = only(CanonicalConnector().parse_line(json.dumps(INTERACTION), 1))
    assert isinstance(interaction, SourceInteraction)
    assert interaction.native_id == "u1|t1|rating|1748563200000"
    assert (interaction.signal, interaction.rating, interaction.at) == ("rating", 4.5, 1_748_563_200_000)


# --- Canonical format: malformed records --------------------------------------------------------------------------


def _with(base: dict[str, Any], **changes: Any) -> str:
    record = {**base, **changes}
    return json.dumps({k: v for k, v in record.items() if v is not DROP})


DROP = object()

CANONICAL_MALFORMED = [
    ("{bad json", "invalid JSON: Expecting property name"),
    ('{"type": "title", "id": "t", "kind": "movie", "title": "x", "year": NaN}', "NaN is not allowed"),
    ('{"type": "title", "id": "t", "kind": "movie", "title": "x", "popularity": Infinity}', "Infinity is not allowed"),
    ("[1, 2]", "expected object, got an array"),
    ('"title"', "expected object, got a string"),
    ('{"id": "t"}', "missing required field 'type'"),
    ('{"type": "review"}', "type: 'review' is not one of: title, offer, interaction"),
    ('{"type": "title", "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    (_with(TITLE, title=DROP), "missing required field 'title'"),
    (_with(TITLE, id=DROP), "missing required field 'id'"),
    (_with(TITLE, id=""), "id: is empty"),
    (_with(TITLE, year="1999"), "year: expected integer, got a string"),
    (_with(TITLE, year=True), "year: expected integer, got a boolean"),
    (_with(TITLE, year=1850), "year: 1850 is below the minimum 1870"),
    (_with(TITLE, runtime_minutes=1.5), "runtime_minutes: expected integer, got a number"),
    (_with(TITLE, kind="film"), "kind: 'film' is not one of: movie, show, season, episode"),
    (_with(TITLE, title="x" * 600), "title: 600 characters long, at most 512 allowed"),
    (_with(TITLE, title="   "), "title: empty text"),
    (_with(TITLE, title="a\u0000b"), "title: text contains a control character (U+0000)"),
    (_with(TITLE, synopsis="s" * 20_000), "synopsis: 20,000 characters long, at most 10,000 allowed"),
    (_with(TITLE, genres=["drama"] * 10_000), "genres: 10,000 items, at most 50 allowed"),
    (_with(TITLE, genres=["drama", "space opera"]), "genres: unknown genre 'space opera'"),
    (_with(TITLE, genres="drama"), "genres: expected array, got a string"),
    (_with(TITLE, moods=["pixar"]), "moods: unknown mood 'pixar'"),
    (_with(TITLE, titel="typo"), "unknown field 'titel'"),
    (_with(TITLE, external_ids={"imdb": "nm0000001"}), "external_ids.imdb: 'nm0000001' is not in the expected form"),
    (_with(TITLE, external_ids={"tmdb": 0}), "external_ids.tmdb: 0 is below the minimum 1"),
    (_with(TITLE, credits=[{"name": "A", "role": "producer"}]), "credits[0].role: 'producer' is not one of"),
    (_with(TITLE, credits=[{"role": "actor"}]), "credits[0]: missing required field 'name'"),
    (_with(TITLE, credits=[{"name": "A\u0007", "role": "actor"}]), "credits[0].name: text contains a control"),
    (_with(TITLE, kind="season"), "a season or an episode needs parent_id"),
    (_with(TITLE, parent_id="show"), "only a season or an episode has a parent_id"),
    (_with(OFFER, deep_links={"web": "javascript:alert(1)"}), "deep_links.web: 'javascript:alert(1)' is not in the"),
    (_with(OFFER, deep_links={"tv": "ftp://rentstore.example/t1"}), "deep_links.tv: 'ftp://rentstore.example/t1'"),
    (_with(OFFER, deep_links={"web": "https://"}), "deep_links.web: link 'https://' has no host"),
    (_with(OFFER, pricing_model="PPV"), "pricing_model: 'PPV' is not one of: SVOD, TVOD, AVOD, FREE"),
    (_with(OFFER, price=DROP), "a TVOD offer needs transaction, price and currency"),
    (_with(OFFER, pricing_model="SVOD"), "only a TVOD offer has a transaction"),
    (_with(OFFER, price=-1), "price: -1 is below the minimum 0"),
    (_with(OFFER, price="3.99"), "price: expected number, got a string"),
    (_with(OFFER, currency="gbp"), "currency: 'gbp' is not in the expected form"),
    (_with(OFFER, region="us"), "region: 'us' is not in the expected form"),
    (_with(OFFER, region="XX"), "region: 'XX' is not an ISO 3166-1 country code"),
    (_with(OFFER, quality=["8K"]), "quality[0]: '8K' is not one of"),
    (_with(OFFER, quality=["HD", "HD"]), "quality: has repeated items"),
    (_with(OFFER, download="yes"), "download: expected boolean, got a string"),
    (_with(OFFER, available_from="2025-13-45"), "available_from: '2025-13-45' is not an ISO 8601 date"),
    (_with(OFFER, available_from="1800-01-01"), "available_from: date '1800-01-01' is outside 1870–2100"),
    (_with(OFFER, available_from=10**17), "available_from: date 100000000000000000 is outside 1870–2100"),
    (_with(OFFER, verified_at=None), "verified_at: expected integer or string, got null"),
    (_with(OFFER, available_until="2024-06-01"), "available_until: must be after available_from"),
    (_with(OFFER, available_from="1960-01-01"), "available_from: Input should be greater than or equal to 0"),
    (_with(OFFER, title_id=DROP), "needs one of: title_id, title_external_ids"),
    (_with(OFFER, verification_source="rumour"), "verification_source: 'rumour' is not one of"),
    (_with(INTERACTION, rating=DROP), "a 'rating' interaction needs a rating"),
    (_with(INTERACTION, rating=11), "rating: 11 is above the maximum 10"),
    (_with(INTERACTION, signal="click"), "only a 'rating' interaction has a rating"),
    (_with(INTERACTION, at="tomorrow"), "at: 'tomorrow' is not an ISO 8601 date"),
]


@pytest.mark.parametrize(("raw", "expected"), CANONICAL_MALFORMED, ids=[e for _, e in CANONICAL_MALFORMED])
def test_canonical_quarantines_malformed_records(raw: str, expected: str) -> None:
    item = only(CanonicalConnector().parse_line(raw, 5))
    assert isinstance(item, Rejected)
    assert expected in item.reason
    assert (item.line, item.raw, item.source) == (5, raw, "canonical")
    assert len(item.reason) < 300  # readable: never the whole (possibly huge) value


def test_canonical_file_good_records_survive_bad_ones(tmp_path: Path) -> None:
    bad = [raw for raw, _ in CANONICAL_MALFORMED]
    huge_title = _with(TITLE, title="x" * (1 << 20))
    path = tmp_path / "feed.jsonl"
    lines = [json.dumps(TITLE), *bad[:20], "", "   ", json.dumps(OFFER), huge_title, *bad[20:], json.dumps(INTERACTION)]
    jsonl(path, lines)
    with path.open("ab") as stream:
        stream.write(b'{"type": "title", "id": "t9", "kind": "movie", "title": "caf\xe9"}\n')
    items = list(CanonicalConnector().read(path))
    good = [item for item in items if not isinstance(item, Rejected)]
    rejected = [item for item in items if isinstance(item, Rejected)]
    assert [(type(g).__name__, g.line) for g in good] == [
        ("SourceTitle", 1), ("SourceOffer", 24), ("SourceInteraction", len(lines))
    ]
    assert len(rejected) == len(bad) + 2
    assert "over the limit of 1,048,576" in rejected[20].reason and rejected[20].line == 25
    assert rejected[-1].reason == "not valid utf-8: byte 0xe9 at position 60"
    assert rejected[-1].line == len(lines) + 1


def test_canonical_redrive_of_a_fixed_line() -> None:
    connector = CanonicalConnector()
    broken = only(connector.parse_line(_with(TITLE, year="1999"), 4))
    assert isinstance(broken, Rejected)
    fixed = broken.raw.replace('"1999"', "1999")
    assert isinstance(only(connector.parse_line(fixed, broken.line)), SourceTitle)


# --- Aggregator feed ----------------------------------------------------------------------------------------------


def _aggregator_line(offers: Any, **title: Any) -> dict[str, Any]:
    record = {"id": "tm7", "object_type": "movie", "title": "Harbour Lights", "original_release_year": 1999,
              "imdb_id": "tt0000001", "tmdb_id": 42, "offers": offers}
    record.update(title)
    return record


def _offer(**fields: Any) -> dict[str, Any]:
    offer = {"country": "US", "provider": "streamflix", "monetization_type": "flatrate", "presentation_type": "hd"}
    offer.update(fields)
    return {k: v for k, v in offer.items() if v is not DROP}


def _parse_aggregator(record: Any, line: int = 3) -> list[ParsedItem]:
    raw = record if isinstance(record, str) else json.dumps(record)
    return AggregatorConnector(fetched_at=FETCHED_AT).parse_line(raw, line)


def test_aggregator_title_and_offers_are_keyed_both_ways() -> None:
    web = "https://streamflix.example/title/7"
    urls = {"standard_web": web, "deeplink_android_tv": "https://streamflix.example/tv/7"}
    items = _parse_aggregator(_aggregator_line([_offer(urls=urls, leaving_date="2025-09-30")]))
    title, offer = items
    assert isinstance(title, SourceTitle) and isinstance(offer, SourceOffer)
    assert (title.native_id, title.kind, title.title, title.year) == ("tm7", "movie", "Harbour Lights", 1999)
    assert (title.imdb_id, title.tmdb_id, title.line) == ("tt0000001", 42, 3)
    assert (offer.title_native_id, offer.title_imdb_id, offer.title_tmdb_id) == ("tm7", "tt0000001", 42)
    assert offer.native_id == "tm7|US|streamflix|SVOD-HD"
    assert (offer.platform_id, offer.region_id, offer.pricing_model) == ("streamflix", "US", "SVOD")
    assert offer.quality == ["HD"]
    assert (offer.deep_link, offer.deep_link_tv) == (web, "https://streamflix.example/tv/7")
    assert (offer.available_from, offer.verified_at) == (FETCHED_AT, FETCHED_AT)
    assert offer.available_until == 1_759_190_400_000
    assert (offer.verification_source, offer.line) == ("aggregator", 3)


@pytest.mark.parametrize(
    ("monetization", "price", "pricing_model", "transaction", "amount"),
    [
        ("flatrate", None, "SVOD", None, None),
        ("rent", 3.99, "TVOD", "rent", 3.99),
        ("buy", 9.99, "TVOD", "buy", 9.99),
        ("free", None, "FREE", None, None),
        ("ads", None, "AVOD", None, None),
        ("RENT", "$3.99", "TVOD", "rent", 3.99),
    ],
)
def test_aggregator_monetisation(
    monetization: str, price: Any, pricing_model: str, transaction: str | None, amount: float | None
) -> None:
    offer = _offer(monetization_type=monetization, retail_price=price, currency="USD" if price is not None else None)
    _, parsed = _parse_aggregator(_aggregator_line([offer]))
    assert isinstance(parsed, SourceOffer)
    assert (parsed.pricing_model, parsed.transaction) == (pricing_model, transaction)
    assert (parsed.price, parsed.currency) == (amount, None if amount is None else "USD")


@pytest.mark.parametrize(("presentation", "quality"), [("sd", ["SD"]), ("HD", ["HD"]), ("4k", ["UHD"]),
                                                       ("_4K", ["UHD"]), ("uhd", ["UHD"]), (None, [])])
def test_aggregator_presentation(presentation: str | None, quality: list[str]) -> None:
    _, parsed = _parse_aggregator(_aggregator_line([_offer(presentation_type=presentation)]))
    assert isinstance(parsed, SourceOffer)
    assert parsed.quality == quality


def test_aggregator_price_formats_and_dates() -> None:
    offers = [
        _offer(monetization_type="rent", retail_price="3,99 €", country="de", available_from="2025-02-01T00:00:00Z"),
        _offer(monetization_type="buy", retail_price=12, currency="gbp", country="en_GB", leaving_date=1_767_225_600),
    ]
    record = _aggregator_line(offers, fetched_at="2025-05-01")
    _, rent, buy = _parse_aggregator(record)
    assert isinstance(rent, SourceOffer) and isinstance(buy, SourceOffer)
    assert (rent.region_id, rent.price, rent.currency, rent.available_from) == ("DE", 3.99, "EUR", 1_738_368_000_000)
    assert (buy.region_id, buy.price, buy.currency) == ("GB", 12.0, "GBP")
    assert buy.available_from == buy.verified_at == 1_746_057_600_000  # the line's fetched_at
    assert buy.available_until == 1_767_225_600_000


AGGREGATOR_BAD_OFFERS = [
    (_offer(monetization_type="cinema"), "offers[1].monetization_type: unknown monetization type 'cinema'"),
    (_offer(monetization_type=None), "offers[1].monetization_type: missing"),
    (_offer(presentation_type="8k"), "offers[1].presentation_type: unknown presentation type '8k'"),
    (_offer(country="XX"), "offers[1].country: 'XX' is not an ISO 3166-1 country code"),
    (_offer(country=DROP), "offers[1].country: missing"),
    (_offer(provider=DROP), "offers[1].provider: missing"),
    (_offer(provider="net\u0000flix"), "offers[1].provider: text contains a control character"),
    (_offer(urls={"standard_web": "javascript:alert(1)"}), "offers[1].urls.standard_web: link 'javascript:alert(1)'"),
    (_offer(urls={"deeplink_android_tv": "ftp://x.example/7"}), "offers[1].urls.deeplink_android_tv: link 'ftp:"),
    (_offer(urls="https://x.example"), "offers[1].urls: expected an object"),
    (_offer(monetization_type="rent"), "offers[1].retail_price: a rent offer needs a price"),
    (_offer(monetization_type="buy", retail_price=4.99), "offers[1].currency: a price needs a currency"),
    (_offer(monetization_type="rent", retail_price="free", currency="USD"), "offers[1].retail_price: 'free' is not"),
    (_offer(monetization_type="rent", retail_price=-2, currency="USD"), "offers[1].retail_price: price -2.0 is neg"),
    (_offer(monetization_type="rent", retail_price=1e12, currency="USD"), "offers[1].retail_price: price 1,000,000"),
    (_offer(monetization_type="rent", retail_price=True, currency="USD"), "offers[1].retail_price: expected a price"),
    (_offer(available_from="someday"), "offers[1].available_from: 'someday' is not an ISO 8601 date"),
    (_offer(available_from="2500-01-01"), "offers[1].available_from: date '2500-01-01' is outside 1870–2100"),
    (_offer(available_from="1950-01-01"), "offers[1].available_from: Input should be greater than or equal to 0"),
    (_offer(available_from="2025-03-01", leaving_date="2025-01-01"), "offers[1].leaving_date: must be after"),
    (_offer(audio_technology=["SMELL_O_VISION"]), "offers[1].audio_technology: unknown audio format"),
    (_offer(country=["US"]), "offers[1].country: expected text, got list"),
    (_offer(provider=3.5), "offers[1].provider: expected text, got float"),
    (_offer(monetization_type=7), "offers[1].monetization_type: expected text, got 7"),
    (_offer(monetization_type="rent", retail_price={}, currency="USD"), "offers[1].retail_price: expected text, got"),
    (_offer(monetization_type="rent", retail_price=3, currency=840), "offers[1].currency: expected text, got int"),
    (_offer(urls={"standard_web": 5}), "offers[1].urls.standard_web: expected text, got int"),
    (_offer(audio_technology="ATMOS"), "offers[1].audio_technology: expected a list"),
    ("not an offer", "offers[1]: expected an object, got 'not an offer'"),
    (None, "offers[1]: expected an object, got None"),
]


@pytest.mark.parametrize(("bad", "expected"), AGGREGATOR_BAD_OFFERS, ids=[e for _, e in AGGREGATOR_BAD_OFFERS])
def test_aggregator_bad_offer_rejects_only_that_offer(bad: Any, expected: str) -> None:
    record = _aggregator_line([_offer(provider="first"), bad, _offer(provider="third")])
    raw = json.dumps(record)
    title, first, rejected, third = _parse_aggregator(raw)
    assert isinstance(title, SourceTitle)
    assert isinstance(first, SourceOffer) and first.platform_id == "first"
    assert isinstance(third, SourceOffer) and third.platform_id == "third"
    assert isinstance(rejected, Rejected)
    assert rejected.reason.startswith(expected), rejected.reason
    assert (rejected.line, rejected.raw) == (3, raw)


AGGREGATOR_BAD_LINES = [
    ("{", "invalid JSON"),
    ("[]", "expected a JSON object, got list"),
    ('{"id": "x", "object_type": "movie", "title": "t", "tmdb_id": NaN}', "NaN is not allowed"),
    (_aggregator_line([], id=DROP), "id: missing"),
    (_aggregator_line([], title=""), "title: missing"),
    (_aggregator_line([], title="x" * 1_000), "title: text is 1,000 characters long, over the limit of 512"),
    (_aggregator_line([], object_type="game"), "object_type: unknown object type 'game'"),
    (_aggregator_line([], imdb_id="nm0000001"), "imdb_id: 'nm0000001' is not an IMDb title id"),
    (_aggregator_line([], tmdb_id=-4), "tmdb_id: TMDb id must be a positive whole number"),
    (_aggregator_line([], original_release_year=3000), "original_release_year: year 3000 is outside 1870–2100"),
    (_aggregator_line([], original_release_year="soon"), "original_release_year: expected a year"),
    (_aggregator_line([], id=["a"]), "id: expected text, got list"),
    (_aggregator_line([], title=5), "title: expected text, got int"),
    (_aggregator_line([], imdb_id=["tt0000001"]), "imdb_id: IMDb id must be a positive whole number"),
    (_aggregator_line([], tmdb_id={"id": 1}), "tmdb_id: TMDb id must be a positive whole number"),
    (_aggregator_line([], original_release_year=[1999]), "original_release_year: expected a year"),
    (_aggregator_line({"country": "US"}), "offers: expected a list"),
    (_aggregator_line([{}] * 10_001), "offers: 10,001 offers, at most 10,000 allowed"),
    (_aggregator_line([], fetched_at="a while ago"), "fetched_at: 'a while ago' is not an ISO 8601 date"),
]


@pytest.mark.parametrize(("record", "expected"), AGGREGATOR_BAD_LINES, ids=[e for _, e in AGGREGATOR_BAD_LINES])
def test_aggregator_bad_title_rejects_the_line(record: Any, expected: str) -> None:
    if isinstance(record, dict):
        record = {k: v for k, v in record.items() if v is not DROP}
    assert expected in reason(_parse_aggregator(record))


def test_aggregator_file_keeps_going(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "feed.jsonl", [
        _aggregator_line([_offer()]),
        "{oops",
        _aggregator_line([_offer(monetization_type="cinema"), _offer(country="FR")], id="tm8"),
        "",
        _aggregator_line([], id="tm9", object_type="show"),
    ])
    items = list(AggregatorConnector(fetched_at=FETCHED_AT).read(path))
    shapes = [(type(i).__name__, i.line) for i in items]
    assert shapes == [("SourceTitle", 1), ("SourceOffer", 1), ("Rejected", 2), ("SourceTitle", 3), ("Rejected", 3),
                      ("SourceOffer", 3), ("SourceTitle", 5)]


# --- MovieLens ----------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_movielens_latest_small() -> None:
    if not (MOVIELENS_SMALL / "movies.csv").is_file():
        pytest.skip(f"the MovieLens latest-small data set is not at {MOVIELENS_SMALL}")
    titles: dict[str, SourceTitle] = {}
    kinds: Counter[str] = Counter()
    users: set[str] = set()
    for item in MovieLensConnector().read(MOVIELENS_SMALL):
        kinds[type(item).__name__] += 1
        if isinstance(item, SourceTitle):
            titles[item.native_id] = item
        elif isinstance(item, SourceInteraction):
            users.add(item.user_native_id)
            assert item.signal == "rating" and 0.5 <= (item.rating or 0) <= 5
    assert kinds == {"SourceTitle": 9742, "SourceInteraction": 100_836}
    assert len(users) == 610
    toy_story = titles["1"]
    assert (toy_story.title, toy_story.year, toy_story.kind) == ("Toy Story", 1995, "movie")
    assert (toy_story.imdb_id, toy_story.tmdb_id) == ("tt0114709", 862)
    assert {"animation", "comedy", "family"} <= set(toy_story.genres)
    assert sum(1 for t in titles.values() if t.moods) > 100  # mood tags reach titles
    assert all(t.title and not t.title.endswith(", The") for t in titles.values())


def _latest(tmp_path: Path, movies: Iterable[str], links: Iterable[str] = (), ratings: Iterable[str] = (),
            tags: Iterable[str] = ()) -> Path:
    files = {
        "movies.csv": ["movieId,title,genres", *movies],
        "links.csv": ["movieId,imdbId,tmdbId", *links],
        "ratings.csv": ["userId,movieId,rating,timestamp", *ratings],
        "tags.csv": ["userId,movieId,tag,timestamp", *tags],
    }
    for name, lines in files.items():
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


MOVIES = [
    "1,Harbour Lights (1999),Drama|Sci-Fi|IMAX",
    '2,"Lighthouse, The (Phare, Le) (1987)",Children|Film-Noir',
    "3,Quiet Acre,(no genres listed)",
]
BAD_MOVIES = [
    ("4,Too Many,Columns,Here", "expected 3 columns (movieId, title, genres), got 4"),
    ("5,Too Few", "expected 3 columns (movieId, title, genres), got 2"),
    ("x,Bad Id (2001),Drama", "movieId: id must be a positive whole number, got 'x'"),
    ("6,Odd Genre (2001),Drama|Space Opera", "genres: unknown genre 'Space Opera'"),
    ("7,Many Genres (2001)," + "|".join(["Drama"] * 10_000), "genres: 10,000 genres, at most 50 allowed"),
    ("8,Ancient (1850),Drama", "title: year 1850 is outside 1870–2100"),
    ("9,,Drama", "title: empty text"),
    ("10," + "T" * 1_000 + " (2001),Drama", "title: String should have at most 512 characters"),
    ("11,Bell\x07 (2001),Drama", "title: text contains a control character (U+0007)"),
    ('12,"Unclosed (2001),Drama', "malformed CSV"),
]
GOOD_RATINGS = ["1,1,4.5,964982703", "1,2,3.0,964982224", "2,1,0.5,1445714835"]
BAD_RATINGS = [
    ("3,1,NaN,964982703", "rating: 'NaN' is not a finite number"),
    ("3,1,7,964982703", "rating: 7.0 is outside MovieLens' scale of 0.5 to 5.0"),
    ("3,1,good,964982703", "rating: 'good' is not a number"),
    ("3,99,4,964982703", "movieId: 99 is not a movie of this data set"),
    ("3,1,4", "expected 4 columns (userId, movieId, rating, timestamp), got 3"),
    ("3,1,4,99999999999999", "timestamp: date 99999999999999 is outside 1870–2100"),
    ("3,1,4,-4000000000", "timestamp: date -4000000000 is outside 1870–2100"),
    ("3,1,4,-3000000000", "at: Input should be greater than or equal to 0"),
    ("-3,1,4,964982703", "userId: id must be a positive whole number"),
]


def test_movielens_latest_quarantines_bad_rows(tmp_path: Path) -> None:
    movies = [MOVIES[0], *[row for row, _ in BAD_MOVIES], *MOVIES[1:]]
    ratings = [GOOD_RATINGS[0], *[row for row, _ in BAD_RATINGS], *GOOD_RATINGS[1:]]
    links = ["1,0000001,42", "2,12345,", "x,1,2", "3,abc,7"]
    tags = ["1,1,atmospheric,1", "2,1,Dark Comedy,1", "3,1,atmospheric,1", "1,2,in netflix queue,1", "1,2,1"]
    items = list(MovieLensConnector().read(_latest(tmp_path, movies, links, ratings, tags)))
    rejected = [(i.part, i.line, i.reason) for i in items if isinstance(i, Rejected)]
    titles = {i.native_id: i for i in items if isinstance(i, SourceTitle)}
    ratings_read = [i for i in items if isinstance(i, SourceInteraction)]

    assert rejected[:3] == [
        ("links.csv", 4, "movieId: id must be a positive whole number, got 'x'"),
        ("links.csv", 5, "imdbId: 'abc' is not an IMDb title id"),
        ("tags.csv", 6, "expected 4 columns (userId, movieId, tag, timestamp), got 3"),
    ]
    movie_reasons = [(line, why) for part, line, why in rejected if part == "movies.csv"]
    assert [line for line, _ in movie_reasons] == list(range(3, 3 + len(BAD_MOVIES)))
    for (_, why), (_, expected) in zip(movie_reasons, BAD_MOVIES, strict=True):
        assert expected in why
    rating_reasons = [why for part, _, why in rejected if part == "ratings.csv"]
    assert len(rating_reasons) == len(BAD_RATINGS)
    for why, (_, expected) in zip(rating_reasons, BAD_RATINGS, strict=True):
        assert expected in why

    assert list(titles) == ["1", "2", "3"]
    harbour, lighthouse, acre = titles["1"], titles["2"], titles["3"]
    assert (harbour.title, harbour.year, harbour.genres) == ("Harbour Lights", 1999, ["drama", "science-fiction"])
    assert (harbour.imdb_id, harbour.tmdb_id) == ("tt0000001", 42)
    assert harbour.moods == ["atmospheric", "dark", "funny"]  # most-tagged first; other tags ignored
    assert (lighthouse.title, lighthouse.original_title) == ("The Lighthouse", "Le Phare")
    assert (lighthouse.imdb_id, lighthouse.tmdb_id, lighthouse.genres) == ("tt0012345", None, ["family", "film-noir"])
    assert (acre.year, acre.genres, acre.moods, acre.imdb_id) == (None, [], [], None)

    assert [(r.user_native_id, r.title_native_id, r.rating, r.at) for r in ratings_read] == [
        ("1", "1", 4.5, 964_982_703_000), ("1", "2", 3.0, 964_982_224_000), ("2", "1", 0.5, 1_445_714_835_000)
    ]
    assert ratings_read[0].native_id == "1:1" and ratings_read[0].signal == "rating"


def test_movielens_wrong_header_is_an_error(tmp_path: Path) -> None:
    _latest(tmp_path, MOVIES)
    (tmp_path / "ratings.csv").write_text("user,movie,stars,when\n1,1,4,964982703\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"ratings.csv: the header is 'user,movie,stars,when', expected"):
        list(MovieLensConnector().read(tmp_path))


def test_movielens_directory_without_data(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"expected movies.csv \(latest\) or u.item \(100K\)"):
        list(MovieLensConnector().read(tmp_path))


def _u_item(movie_id: str, title: str, date: str, genres: Iterable[str] = (), flags: str | None = None) -> str:
    flags = flags or "".join("1" if name in genres else "0" for name in U_ITEM_GENRES)
    return "|".join([movie_id, title, date, "", "http://imdb.example/title", *flags])


def test_movielens_100k(tmp_path: Path) -> None:
    rows = [
        _u_item("1", "Misérables, Les (1995)", "01-Jan-1995", ["Children's", "Comedy"]),
        _u_item("2", "Quiet Acre", "15-Mar-1994", ["Drama", "Sci-Fi"]),
        _u_item("3", "Bad Flags (1996)", "01-Jan-1996", flags="000011000000000000x"),
        "4|Too Few|Columns",
        _u_item("5", "Bad Date", "31-Feb-1996", ["Drama"]),
        _u_item("6", "Harbour Lights (1997)", "", ["unknown"]),
    ]
    (tmp_path / "u.item").write_bytes("\n".join(rows).encode("latin-1") + b"\n")
    (tmp_path / "u.data").write_text("196\t1\t3\t881250949\n186\t2\t9\t891717742\n22\t6\n244\t6\t2\t880606923\n")
    items = list(MovieLensConnector().read(tmp_path))
    titles = [i for i in items if isinstance(i, SourceTitle)]
    assert [(t.native_id, t.title, t.year, t.genres) for t in titles] == [
        ("1", "Les Misérables", 1995, ["family", "comedy"]),
        ("2", "Quiet Acre", 1994, ["drama", "science-fiction"]),
        ("6", "Harbour Lights", 1997, []),
    ]
    assert [(i.part, i.line, i.reason) for i in items if isinstance(i, Rejected)] == [
        ("u.item", 3, "genre flag Western: 'x' is not 0 or 1"),
        ("u.item", 4, f"expected {5 + 19} columns (movie id, movie title, release date, video release date, IMDb URL, "
                      "unknown, Action, Adventure, Animation, Children's, Comedy, Crime, Documentary, Drama, Fantasy, "
                      "Film-Noir, Horror, Musical, Mystery, Romance, Sci-Fi, Thriller, War, Western), got 3"),
        ("u.item", 5, "release date: '31-Feb-1996' is not a date like 01-Jan-1995"),
        ("u.data", 2, "rating: 9.0 is outside MovieLens' scale of 0.5 to 5.0"),
        ("u.data", 3, "expected 4 columns (user id, item id, rating, timestamp), got 2"),
    ]
    ratings = [(i.user_native_id, i.title_native_id, i.rating) for i in items if isinstance(i, SourceInteraction)]
    assert ratings == [("196", "1", 3.0), ("244", "6", 2.0)]


@pytest.mark.parametrize(
    ("raw", "part", "kind"),
    [
        ("1,Harbour Lights (1999),Drama", "movies.csv", SourceTitle),
        ("1,Harbour Lights (1999),Drama", None, SourceTitle),
        ("1,1,4.5,964982703", "ratings.csv", SourceInteraction),
        ("1,1,4.5,964982703", None, SourceInteraction),
        ("196\t1\t3\t881250949", None, SourceInteraction),
        (_u_item("1", "Quiet Acre (1994)", ""), None, SourceTitle),
    ],
)
def test_movielens_redrive_one_row(raw: str, part: str | None, kind: type) -> None:
    assert isinstance(only(MovieLensConnector().parse_line(raw, 9, part)), kind)


@pytest.mark.parametrize(
    ("raw", "part"),
    [("1,1,atmospheric,1", "tags.csv"), ("1,0000001,42", "links.csv"), ("1,1,atmospheric,1", None)],
)
def test_movielens_redrive_of_a_side_file_row_yields_nothing(raw: str, part: str | None) -> None:
    assert MovieLensConnector().parse_line(raw, 9, part) == []


def test_movielens_redrive_unknown_part() -> None:
    assert "unknown MovieLens file 'genome.csv'" in reason(MovieLensConnector().parse_line("1,2", 1, "genome.csv"))
