"""What connectors produce: records as a source sent them, normalised, but not yet resolved to canonical entities.

A connector reads one format and yields, per input line or row, either a source record (`SourceTitle`,
`SourceOffer`, `SourceInteraction`) or a `Rejected` with the reason and the raw line, so one bad record never stops
a batch. The entity resolver then maps source records to canonical graph entities (`mediagateway.graph.model`).

Every record carries `source` (the feed's name), `native_id` (its id in that feed) and `line` (where it was read:
line number for JSON Lines, row number for CSV, counting from 1), so provenance and quarantine can point back.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from mediagateway.graph.model import (
    ContentKind,
    EpochMs,
    Id,
    LicenseTerms,
    Name,
    Role,
    Signal,
    Text,
)

if TYPE_CHECKING:
    from mediagateway.ingest.connectors.base import LineTest


class SourceModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, use_enum_values=True)

    source: Id
    native_id: Id
    line: int = Field(ge=0)

    @cached_property  # asked for again and again while a record is resolved; the model is frozen
    def key(self) -> str:
        """`source:native_id`: the id of the `SourceRecord` node that keeps this record's provenance."""
        return f"{self.source}:{self.native_id}"


class SourceCredit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)

    name: Name
    role: Role
    character: Name | None = None
    order: int = Field(0, ge=0, le=10_000)
    native_person_id: Id | None = None
    imdb_id: Annotated[str, StringConstraints(pattern=r"^nm\d{7,10}$")] | None = None


class SourceTitle(SourceModel):
    kind: ContentKind
    title: Name
    year: int | None = Field(None, ge=1870, le=2100)
    original_title: Name | None = None
    runtime_minutes: int | None = Field(None, gt=0, le=10_000)
    synopsis: Text | None = None
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")] | None = None
    number: int | None = Field(None, ge=0, le=100_000)
    parent_native_id: Id | None = Field(None, description="the show of a season, the season of an episode")
    imdb_id: Annotated[str, StringConstraints(pattern=r"^tt\d{7,10}$")] | None = None
    tmdb_id: int | None = Field(None, gt=0)
    eidr_id: str | None = None
    genres: list[Id] = Field(default_factory=list, max_length=50, description="ids of the genre vocabulary")
    moods: list[Id] = Field(default_factory=list, max_length=50)
    credits: list[SourceCredit] = Field(default_factory=list, max_length=1_000)
    popularity: float | None = Field(None, ge=0)


class SourceOffer(SourceModel, LicenseTerms):
    """An availability offer: a title on a platform in a region, under license terms.

    The title is named by the same source's `title_native_id`, or by an external id where the feed has only that
    (aggregator feeds key offers by IMDb or TMDb id)."""

    title_native_id: Id | None = None
    title_imdb_id: Annotated[str, StringConstraints(pattern=r"^tt\d{7,10}$")] | None = None
    title_tmdb_id: int | None = Field(None, gt=0)


class SourceInteraction(SourceModel):
    """A user's interaction with a title (a MovieLens rating, a watch event)."""

    user_native_id: Id
    title_native_id: Id
    signal: Signal
    rating: float | None = Field(None, ge=0, le=10)
    at: EpochMs


class Rejected(BaseModel):
    """A record that could not be read: kept in quarantine with why, and the raw text to re-drive it."""

    model_config = ConfigDict(frozen=True)

    source: str
    line: int
    raw: str
    reason: str
    part: str | None = Field(None, description="which file of a multi-file source (e.g. ratings.csv)")


ParsedItem = SourceTitle | SourceOffer | SourceInteraction | Rejected


class Connector(Protocol):
    """Reads one format. `read` yields one item per input record, in input order; with `keep`, a line-by-line
    format reads only the lines it keeps. `offer_lines`, where a format has one, tells the lines that hold an offer
    from their bytes alone: a first load has them read by a process of their own (`ingest/window_maker.py`)."""

    name: str
    offer_lines: LineTest | None

    def estimate_items(self, path: Path) -> int | None:
        """About how many items `read` will yield (for progress bars), or None if that cannot be told cheaply."""
        ...

    def read(
        self, path: Path, keep: LineTest | None = None
    ) -> Iterator[ParsedItem]: ...

    def parse_line(self, raw: str, line: int, part: str | None = None) -> list[ParsedItem]:
        """Parse one raw record again (re-driving it out of quarantine); `part` is the file it came from."""
        ...
