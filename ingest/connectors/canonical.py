"""The project's own canonical JSON Lines format (`ingest/formats/README.md`): titles, offers and interactions.

Each line is checked against `ingest/formats/canonical.schema.json`, then normalised (text, genres, moods, links,
instants) and built into a source record, whose model checks it once more.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema import ValidationError as SchemaError
from jsonschema.exceptions import best_match

from mediagateway.ingest import normalise
from mediagateway.ingest.connectors.base import (
    MAX_LINE_BYTES,
    LineTest,
    at,
    count_lines,
    path_of,
    read_json_lines,
    reason_of,
    rejected,
)
from mediagateway.ingest.records import ParsedItem, SourceCredit, SourceInteraction, SourceOffer, SourceTitle

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "formats" / "canonical.schema.json"
_RULES = frozenset({"not", "anyOf", "if", "then", "else", "allOf"})
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}


@cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def schema_validator() -> Draft202012Validator:
    """The reference validator: slow, but its errors say exactly what is wrong."""
    return Draft202012Validator(_schema())


@cache
def _fast_validator() -> Any:
    """A compiled validator of the same schema, about a hundred times faster: it decides; the reference explains."""
    return jsonschema_rs.validator_for(_schema())


def _json_type(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "an integer" if isinstance(value, int) else "a number"
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _schema_message(error: SchemaError) -> str:
    """What a schema error means, without repeating the (possibly huge) value."""
    expected, value = error.validator_value, error.instance
    match error.validator:
        case "required":
            missing = [name for name in expected if name not in value]
            rule = error.schema.get("description") if set(error.schema) == {"required", "description"} else None
            return rule or f"missing required field {missing[0]!r}"
        case "type":
            wanted = " or ".join(expected) if isinstance(expected, list) else expected
            return f"expected {wanted}, got {_json_type(value)}"
        case "enum" | "const":
            allowed = ", ".join(map(str, expected)) if isinstance(expected, list) else str(expected)
            return f"{normalise.preview(value)} is not one of: {allowed}"
        case "maxLength":
            return f"{len(value):,} characters long, at most {expected:,} allowed"
        case "minLength":
            return "is empty"
        case "maxItems":
            return f"{len(value):,} items, at most {expected:,} allowed"
        case "uniqueItems":
            return "has repeated items"
        case "minimum" | "maximum":
            side = "below the minimum" if error.validator == "minimum" else "above the maximum"
            return f"{value} is {side} {expected}"
        case "pattern":
            form = error.schema.get("description", expected)
            return f"{normalise.preview(value)} is not in the expected form ({form})"
        case "additionalProperties":
            known = error.schema.get("properties", {})
            extra = sorted(name for name in value if name not in known)
            return f"unknown field {extra[0]!r}" if len(extra) == 1 else f"unknown fields {extra[:5]}"
        case "anyOf":
            options = [name for option in expected for name in option.get("required", [])]
            return f"needs one of: {', '.join(options)}" if options else "matches none of the allowed forms"
        case "not":
            return error.schema.get("description", "has a field that is not allowed here")
        case "minProperties":
            return "is empty"
    return error.message[:200]


def check_schema(record: object) -> None:
    """Raise ValueError naming the first field that breaks the canonical schema."""
    if _fast_validator().is_valid(record):
        return
    errors = list(schema_validator().iter_errors(record))
    if not errors:
        return
    # A wrong field value explains more than a cross-field rule it happens to break as well.
    fields = [e for e in errors if e.validator not in _RULES]
    error = best_match(fields or errors)
    if error is not None:
        where = path_of(error.absolute_path)
        message = _schema_message(error)
        raise ValueError(f"{where}: {message}" if where else message)


_OFFER_TYPE = re.compile(rb'"type"\s*:\s*"offer"')


def is_offer_line(raw: bytes) -> bool:
    """Whether a line holds an offer, told from its bytes without parsing them. Where a line of another kind says
    `"type": "offer"` elsewhere, its reader finds out when it parses it (`ingest/window_maker.py`)."""
    return _OFFER_TYPE.search(raw) is not None


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not allowed (JSON has no NaN or Infinity)")


def load_json(raw: str) -> Any:
    if len(raw) > MAX_LINE_BYTES:
        raise ValueError(f"line is {len(raw):,} characters long, over the limit of {MAX_LINE_BYTES:,}")
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise ValueError(f"invalid JSON: {error}") from None
    except RecursionError:
        raise ValueError("invalid JSON: nested too deeply") from None


def _text(record: dict[str, Any], key: str, max_length: int) -> str | None:
    value = record.get(key)
    return None if value is None else at(key, lambda v: normalise.clean_text(v, max_length), value)


def _credit(index: int, credit: dict[str, Any]) -> SourceCredit:
    where = f"credits[{index}]"
    character = credit.get("character")
    return SourceCredit(
        name=at(f"{where}.name", normalise.person_name, credit["name"]),
        role=credit["role"],
        character=None if character is None else at(f"{where}.character", normalise.clean_text, character),
        order=credit.get("order", index),
        native_person_id=credit.get("person_id"),
        imdb_id=credit.get("imdb_id"),
    )


def _instant(record: dict[str, Any], key: str) -> int | None:
    value = record.get(key)
    return None if value is None else at(key, lambda v: normalise.to_epoch_ms(v, unit="ms"), value)


class CanonicalConnector:
    """Reads the canonical JSON Lines format; `source` names the feed the file came from."""

    name = "canonical"
    offer_lines: LineTest = staticmethod(is_offer_line)

    def __init__(self, source: str | None = None) -> None:
        self.source = source or self.name

    def estimate_items(self, path: Path) -> int | None:
        """One item a line."""
        return count_lines(Path(path))

    def read(self, path: Path, keep: LineTest | None = None) -> Iterator[ParsedItem]:
        return read_json_lines(self.source, path, self.parse_line, keep)

    def parse_line(self, raw: str, line: int, part: str | None = None) -> list[ParsedItem]:
        try:
            return [self._parse(raw, line)]
        except ValueError as error:
            return [rejected(self.source, line, raw, reason_of(error))]

    def _parse(self, raw: str, line: int) -> ParsedItem:
        record = load_json(raw)
        check_schema(record)
        kind = record["type"]
        if kind == "title":
            return self._title(record, line)
        if kind == "offer":
            return self._offer(record, line)
        return self._interaction(record, line)

    def _title(self, record: dict[str, Any], line: int) -> SourceTitle:
        external = record.get("external_ids", {})
        return SourceTitle(
            source=self.source,
            native_id=record["id"],
            line=line,
            kind=record["kind"],
            title=_text(record, "title", 512),
            original_title=_text(record, "original_title", 512),
            year=record.get("year"),
            runtime_minutes=record.get("runtime_minutes"),
            synopsis=_text(record, "synopsis", 10_000),
            language=record.get("language"),
            number=record.get("number"),
            parent_native_id=record.get("parent_id"),
            imdb_id=external.get("imdb"),
            tmdb_id=external.get("tmdb"),
            eidr_id=external.get("eidr"),
            genres=at("genres", normalise.genres_of, record.get("genres", [])),
            moods=at("moods", normalise.moods_of, record.get("moods", [])),
            credits=[_credit(i, credit) for i, credit in enumerate(record.get("credits", []))],
            popularity=record.get("popularity"),
        )

    def _offer(self, record: dict[str, Any], line: int) -> SourceOffer:
        external = record.get("title_external_ids", {})
        links = record.get("deep_links", {})
        available_from = _instant(record, "available_from")
        available_until = _instant(record, "available_until")
        if available_until is not None and available_from is not None and available_until <= available_from:
            raise ValueError("available_until: must be after available_from")
        return SourceOffer(
            source=self.source,
            native_id=record["id"],
            line=line,
            title_native_id=record.get("title_id"),
            title_imdb_id=external.get("imdb"),
            title_tmdb_id=external.get("tmdb"),
            platform_id=record["platform"],
            region_id=at("region", normalise.country_code, record["region"]),
            pricing_model=record["pricing_model"],
            transaction=record.get("transaction"),
            price=record.get("price"),
            currency=record.get("currency"),
            quality=record.get("quality", []),
            audio=record.get("audio", []),
            download=record.get("download", False),
            exclusive=record.get("exclusive", False),
            deep_link=None if "web" not in links else at("deep_links.web", normalise.deep_link, links["web"]),
            deep_link_tv=None if "tv" not in links else at("deep_links.tv", normalise.deep_link, links["tv"]),
            available_from=available_from,
            available_until=available_until,
            verified_at=_instant(record, "verified_at"),
            verification_source=record["verification_source"],
            demo=record.get("demo", False),
        )

    def _interaction(self, record: dict[str, Any], line: int) -> SourceInteraction:
        at_ms = _instant(record, "at")
        native_id = record.get("id") or "|".join((record["user_id"], record["title_id"], record["signal"], str(at_ms)))
        return SourceInteraction(
            source=self.source,
            native_id=native_id,
            line=line,
            user_native_id=record["user_id"],
            title_native_id=record["title_id"],
            signal=record["signal"],
            rating=record.get("rating"),
            at=at_ms,
        )
