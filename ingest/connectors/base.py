"""What every connector shares: reading a file one line at a time, and turning errors into readable reasons."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from io import BufferedIOBase
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from mediagateway.ingest.records import Rejected

T = TypeVar("T")

MAX_LINE_BYTES = 1 << 20
_KEPT_OF_LONG_LINE = 1_000  # an over-long line is quarantined with this much of its start
_MAX_REASONS = 3


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    problem: str | None = None


def _open(path: Path) -> BufferedIOBase:
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")


def _skip_rest_of_line(stream: BufferedIOBase) -> int:
    skipped = 0
    while chunk := stream.readline(MAX_LINE_BYTES):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def _decode(data: bytes, encoding: str) -> tuple[str, str | None]:
    try:
        return data.decode(encoding), None
    except UnicodeDecodeError as error:
        bad = data[error.start]
        return data.decode(encoding, "replace"), f"not valid {encoding}: byte 0x{bad:02x} at position {error.start}"


LineTest = Callable[[bytes], bool]


def read_lines(path: Path, encoding: str = "utf-8", keep: LineTest | None = None) -> Iterator[Line]:
    """Each line of a text file (gzip if it ends in .gz), numbered from 1, without its line break; with `keep`,
    only the lines whose bytes it keeps (numbered all the same).

    A line that cannot be decoded or is longer than MAX_LINE_BYTES comes with a `problem` instead of stopping the
    read; an over-long line is never held in memory whole."""
    with _open(path) as stream:
        number = 0
        while data := stream.readline(MAX_LINE_BYTES + 1):
            number += 1
            long = len(data) > MAX_LINE_BYTES and not data.endswith(b"\n")
            rest = _skip_rest_of_line(stream) if long else 0
            if keep is not None and not keep(data):
                continue
            if long:
                size = len(data) + rest
                kept = data[:_KEPT_OF_LONG_LINE].decode(encoding, "replace")
                yield Line(number, kept, f"line is {size:,} bytes long, over the limit of {MAX_LINE_BYTES:,}")
                continue
            text, problem = _decode(data.rstrip(b"\r\n"), encoding)
            yield Line(number, text.removeprefix("\ufeff") if number == 1 else text, problem)


def path_of(parts: Iterable[str | int]) -> str:
    """('credits', 0, 'name') -> 'credits[0].name'."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def describe(error: ValidationError, prefix: str = "") -> str:
    """A pydantic error as 'field: problem; field: problem', never quoting the (possibly huge) input."""
    items = error.errors(include_url=False, include_input=False)
    reasons = []
    for item in items[:_MAX_REASONS]:
        where = prefix + path_of(item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        reasons.append(f"{where}: {message}" if where else message)
    if len(items) > _MAX_REASONS:
        reasons.append(f"and {len(items) - _MAX_REASONS} more")
    return "; ".join(reasons)


def reason_of(error: Exception) -> str:
    return describe(error) if isinstance(error, ValidationError) else str(error)


def at(where: str, parse: Callable[[Any], T], value: Any) -> T:
    """`parse(value)`, with a failure's message prefixed by the field it came from."""
    try:
        return parse(value)
    except ValidationError as error:
        raise ValueError(describe(error, prefix=f"{where}.")) from None
    except (ValueError, TypeError) as error:
        raise ValueError(f"{where}: {error}") from None


def rejected(source: str, line: int, raw: str, reason: str, part: str | None = None) -> Rejected:
    return Rejected(source=source, line=line, raw=raw, reason=reason, part=part)


def build(model: Callable[..., T], prefix: str = "", **fields: Any) -> T:
    """`model(**fields)`, with a validation failure's fields named under `prefix` ('offers[2].')."""
    try:
        return model(**fields)
    except ValidationError as error:
        raise ValueError(describe(error, prefix)) from None


def count_lines(path: Path, header: bool = False) -> int:
    """Lines in a file (less a header row): how progress bars learn a feed's size without parsing it."""
    with _open(path) as stream:
        lines = sum(1 for _ in stream)
    return max(0, lines - 1) if header else lines


def read_json_lines(
    source: str, path: Path, parse_line: Callable[[str, int], list[Any]], keep: LineTest | None = None
) -> Iterator[Any]:
    """What a JSON Lines connector yields: each non-blank line (that `keep` keeps) parsed, or rejected when it
    cannot be read."""
    for line in read_lines(Path(path), keep=keep):
        if line.problem:
            yield rejected(source, line.number, line.text, line.problem)
        elif line.text.strip():
            yield from parse_line(line.text, line.number)
