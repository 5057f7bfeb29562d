"""The content hypergraph's records: what goes in (validated) and what comes out (typed).

Input models reject bad records with a message naming the field; the repository validates a whole batch before it
writes any of it, so a bad record never leaves half a batch behind. Instants are epoch milliseconds throughout.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from mediagateway.graph.embeddings import embedding_text, text_hash
from mediagateway.graph.errors import FieldProblem, InvalidInput

_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f]")  # below 32, except tab and newline


def _no_control_characters(value: str) -> str:
    if not value.isprintable() and _CONTROL_CHARACTER.search(value):  # most text is printable: one quick test
        raise ValueError("contains a control character (NUL or similar)")
    return value


Id = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256), AfterValidator(_no_control_characters)
]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=10_000), AfterValidator(_no_control_characters)
]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=512), AfterValidator(_no_control_characters)
]
EIDR_PATTERN = r"^10\.5240/[0-9A-F]{4}(-[0-9A-F]{4}){4}-[0-9A-Z]$"
EpochMs = Annotated[int, Field(ge=0, le=32_503_680_000_000)]  # up to the year 3000


class ContentKind(StrEnum):
    MOVIE = "movie"
    SHOW = "show"
    SEASON = "season"
    EPISODE = "episode"


PARENT_KIND = {ContentKind.SEASON: ContentKind.SHOW, ContentKind.EPISODE: ContentKind.SEASON}
KIND_LABEL = {kind: kind.value.capitalize() for kind in ContentKind}  # the label a title has besides Content


class Role(StrEnum):
    ACTOR = "actor"
    DIRECTOR = "director"
    WRITER = "writer"


ROLE_RELATIONSHIP = {Role.ACTOR: "ACTED_IN", Role.DIRECTOR: "DIRECTED", Role.WRITER: "WROTE"}
RELATIONSHIP_ROLE = {relationship: str(role) for role, relationship in ROLE_RELATIONSHIP.items()}


class PricingModel(StrEnum):
    SVOD = "SVOD"
    TVOD = "TVOD"
    AVOD = "AVOD"
    FREE = "FREE"


class Transaction(StrEnum):
    """What a TVOD price buys."""

    RENT = "rent"
    BUY = "buy"


class Quality(StrEnum):
    SD = "SD"
    HD = "HD"
    FHD = "FHD"
    UHD = "UHD"
    HDR = "HDR"
    DOLBY_VISION = "DOLBY_VISION"


class AudioFormat(StrEnum):
    STEREO = "STEREO"
    SURROUND_5_1 = "5.1"
    SURROUND_7_1 = "7.1"
    DOLBY_ATMOS = "DOLBY_ATMOS"


class VerificationSource(StrEnum):
    """Where an availability fact came from; its reliability feeds the trust score (DESIGN.md)."""

    PLATFORM_API = "platform_api"
    AGGREGATOR = "aggregator"
    SCRAPING = "scraping"
    DEMO = "demo"


SOURCE_RELIABILITY = {
    VerificationSource.PLATFORM_API: 1.0,
    VerificationSource.AGGREGATOR: 0.7,
    VerificationSource.SCRAPING: 0.4,
    VerificationSource.DEMO: 0.7,
}

# Every node label and the property that is its unique key: the schema bootstrap constrains each.
UNIQUE_KEYS: dict[str, str] = {
    "Content": "id",
    "Person": "id",
    "Genre": "id",
    "Mood": "id",
    "Platform": "id",
    "Region": "id",
    "User": "id",
    "AvailabilityWindow": "id",
    "SourceRecord": "id",
}


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, use_enum_values=True)

    def props(self, exclude: set[str] | None = None) -> dict[str, Any]:
        """The stored properties: everything but the id and the fields stored as edges, nulls dropped."""
        return self.model_dump(exclude={"id", *(exclude or set())}, exclude_none=True, mode="json")


class Credit(Record):
    person_id: Id
    name: Name
    role: Role
    character: Name | None = None
    order: int = Field(0, ge=0, le=10_000)


class ContentIn(Record):
    id: Id
    kind: ContentKind
    title: Name
    original_title: Name | None = None
    year: int | None = Field(None, ge=1870, le=2100)
    runtime_minutes: int | None = Field(None, gt=0, le=10_000)
    synopsis: Text | None = None
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")] | None = None
    number: int | None = Field(None, ge=0, le=100_000, description="season or episode number")
    parent_id: Id | None = Field(None, description="the show of a season, the season of an episode")
    imdb_id: Annotated[str, StringConstraints(pattern=r"^tt\d{7,10}$")] | None = None
    tmdb_id: int | None = Field(None, gt=0)
    eidr_id: Annotated[str, StringConstraints(pattern=EIDR_PATTERN)] | None = None
    popularity: float | None = Field(None, ge=0)
    match_key: Annotated[str, StringConstraints(max_length=512)] | None = Field(
        None, description="the entity resolver's blocking key: how titles spelled alike are found in the graph"
    )
    genres: list[Id] = Field(default_factory=list, max_length=50)
    moods: list[Id] = Field(default_factory=list, max_length=50)
    credits: list[Credit] = Field(default_factory=list, max_length=1_000)

    @model_validator(mode="after")
    def _parent_matches_kind(self) -> ContentIn:
        needs_parent = self.kind in PARENT_KIND
        if needs_parent and self.parent_id is None:
            raise ValueError(f"a {self.kind} needs parent_id (its {PARENT_KIND[ContentKind(self.kind)]})")
        if not needs_parent and self.parent_id is not None:
            raise ValueError(f"a {self.kind} has no parent; parent_id must be empty")
        return self

    def stored_props(self) -> dict[str, Any]:
        """The title node's own properties: genres, moods, credits and parent are edges."""
        props = self.props(exclude={"genres", "moods", "credits", "parent_id"})
        # Genres are left out of the hash: a batch from a second source may not carry them, and its title must
        # not look changed. The embedding itself is computed from the genres the graph holds.
        props["text_wanted_hash"] = text_hash(embedding_text(self.title, self.year, self.synopsis, ()))
        return props

    def row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "props": self.stored_props(),
            "genres": list(self.genres),
            "moods": list(self.moods),
            "credits": [c.model_dump(mode="json") for c in self.credits],
        }


class PersonIn(Record):
    id: Id
    name: Name
    birth_year: int | None = Field(None, ge=1800, le=2100)
    imdb_id: Annotated[str, StringConstraints(pattern=r"^nm\d{7,10}$")] | None = None
    tmdb_id: int | None = Field(None, gt=0)


class TaxonomyIn(Record):
    """A genre, a mood, or any other named vocabulary term."""

    id: Id
    name: Name


class PlatformIn(Record):
    id: Id
    name: Name
    homepage: Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=2_048)] | None = None


class RegionIn(Record):
    id: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = Field(description="ISO 3166-1 alpha-2")
    name: Name


class UserIn(Record):
    id: Id
    name: Name | None = None
    region_id: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    subscriptions: list[Id] = Field(default_factory=list, max_length=200)


Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2_048)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class LicenseTerms(Record):
    """Where and on what terms a title can be watched: what a feed's offer and a stored window share."""

    platform_id: Id
    region_id: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    pricing_model: PricingModel
    transaction: Transaction | None = Field(None, description="rent or buy, for TVOD")
    price: float | None = Field(None, ge=0, le=100_000)
    currency: Currency | None = None
    quality: list[Quality] = Field(default_factory=list, max_length=10)
    audio: list[AudioFormat] = Field(default_factory=list, max_length=10)
    download: bool = False
    exclusive: bool = False
    deep_link: Url | None = None
    deep_link_tv: Url | None = None
    available_from: EpochMs
    available_until: EpochMs | None = None
    verification_source: VerificationSource = VerificationSource.AGGREGATOR
    verified_at: EpochMs
    demo: bool = Field(False, description="true for generated demo availability, never real")

    def terms(self) -> dict[str, Any]:
        """The license terms alone, as values a `WindowIn` takes."""
        return {name: getattr(self, name) for name in LicenseTerms.model_fields}

    def inconsistency(self) -> str | None:
        """What makes these terms impossible for a window, if anything: a `WindowIn` refuses them."""
        if self.available_until is not None and self.available_until <= self.available_from:
            return "available_until must be after available_from"
        if self.pricing_model == PricingModel.TVOD and self.price is None:
            return "a TVOD window needs a price"
        if self.price is not None and self.currency is None:
            return "a price needs a currency"
        return None

    def window_props(self, trust_score: float) -> dict[str, Any]:
        """The stored properties of a window under these terms (`WindowIn.props`) but its title id, without checking
        them again as a `WindowIn` would: they were checked when these terms were made."""
        return {**self.model_dump(include=_TERM_NAMES, exclude_none=True, mode="json"), "trust_score": trust_score}

    def window_id_for(self, content_id: str) -> str:
        """The id of the window of the title `content_id` under these terms: one per title, platform, region,
        terms and quality, so that a feed that re-verifies an offer (new dates, a new price) updates its window
        instead of adding one."""
        terms = str(self.pricing_model) if self.transaction is None else f"{self.pricing_model}-{self.transaction}"
        quality = "+".join(sorted(str(q) for q in self.quality)) or "any"
        return "|".join((content_id, self.platform_id, self.region_id, terms, quality))


_TERM_NAMES: set[str] = set(LicenseTerms.model_fields)  # what `window_props` dumps


class WindowIn(LicenseTerms):
    """An availability window: a title on a platform in a region for a time, under license terms."""

    id: Id | None = Field(None, description="derived from title, platform, region, terms and quality if empty")
    content_id: Id
    trust_score: float = Field(0.5, ge=0, le=1)

    @model_validator(mode="after")
    def _terms_are_consistent(self) -> WindowIn:
        if problem := self.inconsistency():
            raise ValueError(problem)
        return self

    @cached_property  # asked for several times a window by an import; the model is frozen
    def window_id(self) -> str:
        """The given id, else the one its title and terms derive (`window_id_for`)."""
        return self.id or self.window_id_for(self.content_id)

    def row(self) -> dict[str, Any]:
        return {
            "id": self.window_id,
            "content_id": self.content_id,
            "platform_id": self.platform_id,
            "region_id": self.region_id,
            "props": self.props(),
        }


class Signal(StrEnum):
    """User interaction signals, strongest first (DESIGN.md, scoring)."""

    WATCH_COMPLETE = "watch_complete"
    RATING = "rating"
    WATCH_START = "watch_start"
    CLICK = "click"
    SKIP = "skip"


class InteractionIn(Record):
    """A user's interaction with a title; the newest of each kind per user and title is kept."""

    user_id: Id
    content_id: Id
    signal: Signal
    rating: float | None = Field(None, ge=0, le=10)
    at: EpochMs

    @model_validator(mode="after")
    def _rating_goes_with_rating(self) -> InteractionIn:
        if (self.signal == Signal.RATING) != (self.rating is not None):
            raise ValueError("a rating value goes with the rating signal, and only with it")
        return self


class SourceRecordIn(Record):
    """One record as a source sent it, kept so an analyst can see why entities were merged."""

    id: Id = Field(description="source:native id")
    source: Id
    native_id: Id
    entity_label: Annotated[str, StringConstraints(pattern=r"^(Content|Person)$")]
    entity_id: Id
    payload_hash: Annotated[str, StringConstraints(max_length=128)] | None = None
    fetched_at: EpochMs | None = None
    match_rule: Annotated[str, StringConstraints(max_length=256)] | None = None

    def row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "entity_label": self.entity_label,
            "entity_id": self.entity_id,
            "props": self.props(),
        }


def check_vector(vector: list[float], dimension: int, field: str) -> list[float]:
    """A plain list of finite floats of the index's dimension, or a ValueError naming the field."""
    if len(vector) != dimension:
        raise ValueError(f"{field}: expected {dimension} dimensions, got {len(vector)}")
    floats = [float(x) for x in vector]
    if not all(math.isfinite(x) for x in floats):
        raise ValueError(f"{field}: contains NaN or infinity")
    return floats


# --- What reads return -------------------------------------------------------------------------------------------


class Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Content(Out):
    id: str
    kind: ContentKind
    title: str
    original_title: str | None = None
    year: int | None = None
    runtime_minutes: int | None = None
    synopsis: str | None = None
    language: str | None = None
    number: int | None = None
    imdb_id: str | None = None
    tmdb_id: int | None = None
    eidr_id: str | None = None
    popularity: float | None = None


class Term(Out):
    id: str
    name: str | None = None


class CreditOut(Out):
    person_id: str
    name: str | None
    role: str
    character: str | None = None
    order: int | None = None


class AvailabilityWindow(Out):
    id: str
    content_id: str
    platform_id: str
    platform_name: str | None = None
    region_id: str
    region_name: str | None = None
    pricing_model: PricingModel
    transaction: Transaction | None = None
    price: float | None = None
    currency: str | None = None
    quality: list[Quality] = []
    audio: list[AudioFormat] = []
    download: bool = False
    exclusive: bool = False
    deep_link: str | None = None
    deep_link_tv: str | None = None
    available_from: int
    available_until: int | None = None
    trust_score: float
    verification_source: VerificationSource
    verified_at: int
    demo: bool = False


class ChildContent(Out):
    id: str
    kind: ContentKind
    title: str
    number: int | None = None


class ContentLinks(Out):
    """What a title is joined to besides its availability: genres, moods, people, parent and children."""

    genres: list[Term] = []
    moods: list[Term] = []
    credits: list[CreditOut] = []
    parent_id: str | None = None
    children: list[ChildContent] = []


class Person(Out):
    id: str
    name: str
    birth_year: int | None = None
    imdb_id: str | None = None
    tmdb_id: int | None = None


class ContentDetail(Out):
    """A title with its people, genres, moods, parents, children and availability: one round trip."""

    content: Content
    genres: list[Term]
    moods: list[Term]
    credits: list[CreditOut]
    people: list[Person]
    """The people of `credits`, whole, each once."""
    parent_id: str | None
    children: list[ChildContent]
    windows: list[AvailabilityWindow]


class ContentAvailability(Out):
    """A title with its availability windows, ended ones too: one round trip."""

    content: Content
    windows: list[AvailabilityWindow]


class ContentSummary(Out):
    id: str
    kind: ContentKind
    title: str
    year: int | None = None


class FilmographyEntry(Out):
    role: str
    character: str | None = None
    content: ContentSummary


class PersonDetail(Out):
    person: Person
    credits: list[FilmographyEntry]


class SharedNode(Out):
    id: str
    label: str
    name: str | None = None


class Neighbour(Out):
    content: ContentSummary
    shared: list[SharedNode]


class User(Out):
    id: str
    name: str | None = None
    region_id: str | None = None
    subscriptions: list[str] = []


class Interaction(Out):
    content_id: str
    type: str
    rating: float | None = None
    completed: bool | None = None
    signal: str | None = None
    at: int


class SourceRecord(Out):
    id: str
    source: str
    native_id: str
    entity_label: str
    entity_id: str
    payload_hash: str | None = None
    fetched_at: int | None = None
    match_rule: str | None = None


class VectorHit(Out):
    id: str
    score: float = Field(description="cosine similarity on Neo4j's scale, (1 + cos) / 2, higher is closer")


M = TypeVar("M", bound=BaseModel)
MAX_PROBLEMS_LISTED = 20


def validate_batch(model: type[M], records: Iterable[M | Mapping[str, Any]]) -> list[M]:
    """Every record as `model`, or one `InvalidInput` naming each bad record (by position) and field."""
    valid: list[M] = []
    problems: list[FieldProblem] = []
    for position, record in enumerate(records):
        if isinstance(record, model):
            valid.append(record)
            continue
        try:
            valid.append(model.model_validate(record))
        except ValidationError as exc:
            for error in exc.errors():
                field = ".".join(str(part) for part in error["loc"]) or "record"
                problems.append(FieldProblem(f"[{position}].{field}", error["msg"]))
    if problems:
        raise InvalidInput(problems[:MAX_PROBLEMS_LISTED])
    return valid
