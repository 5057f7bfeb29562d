"""Checks of client arguments, each failing with an `InvalidArgumentError` that names the argument."""

from __future__ import annotations

import re
from collections.abc import Iterable

from mediagateway.schema.errors import InvalidArgumentError

MAX_ID_LENGTH = 256
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def checked_text(argument: str, value: str, max_length: int) -> str:
    """`value` with runs of white space made single spaces; not empty, not too long, no control characters."""
    text = " ".join(value.split())
    if not text:
        raise InvalidArgumentError(argument, "must not be empty")
    if len(text) > max_length:
        raise InvalidArgumentError(argument, f"at most {max_length} characters, got {len(text)}")
    if _CONTROL_CHARACTER.search(value):
        raise InvalidArgumentError(argument, "contains a control character (NUL or similar)")
    return text


def checked_id(argument: str, value: str) -> str:
    if not value or len(value) > MAX_ID_LENGTH:
        raise InvalidArgumentError(argument, f"must be 1 to {MAX_ID_LENGTH} characters")
    if _CONTROL_CHARACTER.search(value):
        raise InvalidArgumentError(argument, "contains a control character (NUL or similar)")
    return value


def checked_ids(argument: str, values: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(checked_id(argument, str(value)) for value in values or ())


def checked_region(argument: str, value: str | None) -> str | None:
    if value is not None and not (len(value) == 2 and value.isascii() and value.isalpha() and value.isupper()):
        raise InvalidArgumentError(argument, f"{value!r} is not an ISO 3166-1 alpha-2 code like 'US'")
    return value
