"""The viewing context (time of day, day of the week, device, mood) and the rules that say which titles fit it.

A rule multiplies the score of the titles it picks out by its factor, above 1 to favour them, below 1 to hold them
back; the factors of the rules that fire multiply. Local time is the viewer's own (`ViewingContext.at` takes the
UTC offset). The rules:

| when | titles | factor |
| --- | --- | --- |
| late on a weeknight (22:00-05:00 before a workday) | short (at most 100 minutes) | 1.5 |
| late on a weeknight | light: comedy, animation, family; funny, uplifting, heartwarming, whimsical | 1.3 |
| late on a weeknight | long (over 140 minutes) | 0.6 |
| late on a weeknight | heavy: horror, war; dark, scary, melancholic | 0.8 |
| in the afternoon (12:00-18:00) | family: family, animation | 1.4 |
| in the afternoon | scary: horror; scary | 0.5 |
| Friday or Saturday evening (18:00-24:00) | feature length (at least 120 minutes) | 1.2 |
| Friday or Saturday evening | gripping: thriller, action, mystery; tense, thrilling | 1.2 |
| on a phone | short | 1.3 |
| on a phone | shows (watched an episode at a time) | 1.2 |
| on a phone | long | 0.7 |
| on a TV | made for a big screen: action, adventure, science fiction, war, western | 1.1 |
| a mood asked for | titles with that mood | 1.6 |
| a mood asked for | the genres that go with it (`MOOD_GENRES`) | 1.3 |

A title whose runtime is unknown is neither short nor long.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from mediagateway.ingest.normalise import MOODS
from mediagateway.recommend.data import Catalog

Mask = npt.NDArray[np.bool_]
SHORT_UP_TO = 100
LONG_FROM = 141
FEATURE_LENGTH_FROM = 120
MOOD_GENRES: dict[str, tuple[str, ...]] = {
    "funny": ("comedy",),
    "scary": ("horror",),
    "romantic": ("romance",),
    "tense": ("thriller",),
    "thrilling": ("thriller", "action"),
    "uplifting": ("family", "comedy"),
    "heartwarming": ("family", "romance"),
    "dark": ("crime", "film-noir"),
    "gritty": ("crime", "war"),
    "thought-provoking": ("documentary", "drama"),
    "melancholic": ("drama",),
    "whimsical": ("fantasy", "animation"),
    "nostalgic": ("family", "musical"),
    "atmospheric": ("mystery", "film-noir"),
    "surreal": ("fantasy", "science-fiction"),
}


class Device(StrEnum):
    TV = "tv"
    DESKTOP = "desktop"
    TABLET = "tablet"
    MOBILE = "mobile"


@dataclass(frozen=True)
class ViewingContext:
    """When and how someone is about to watch. Every part is optional: a context without any fires no rule.
    `now_ms` is the instant recommendations are for (recent popularity is counted up to it)."""

    now_ms: int | None = None
    local_hour: int | None = None
    weekday: int | None = None
    """0 is Monday, 6 Sunday"""
    device: Device | None = None
    mood: str | None = None

    def __post_init__(self) -> None:
        problems = [
            f"local_hour must be 0 to 23, got {self.local_hour}"
            if self.local_hour is not None and not 0 <= self.local_hour <= 23 else "",
            f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}"
            if self.weekday is not None and not 0 <= self.weekday <= 6 else "",
            f"mood must be one of {', '.join(sorted(MOODS))}, got {self.mood!r}"
            if self.mood is not None and self.mood not in MOODS else "",
            f"now_ms must not be negative, got {self.now_ms}" if self.now_ms is not None and self.now_ms < 0 else "",
        ]
        if found := [p for p in problems if p]:
            raise ValueError("invalid viewing context: " + "; ".join(found))
        if self.device is not None:
            object.__setattr__(self, "device", Device(self.device))

    @classmethod
    def at(cls, now_ms: int, utc_offset_minutes: int = 0, device: Device | str | None = None,
           mood: str | None = None) -> ViewingContext:
        """The context of a viewer at `now_ms` whose clock is `utc_offset_minutes` ahead of UTC."""
        local = datetime.fromtimestamp(now_ms / 1000, UTC) + timedelta(minutes=utc_offset_minutes)
        return cls(now_ms, local.hour, local.weekday(), Device(device) if device else None, mood)

    @property
    def late_on_a_weeknight(self) -> bool:
        if self.local_hour is None or self.weekday is None:
            return False
        if self.local_hour >= 22:
            return self.weekday in (6, 0, 1, 2, 3)  # the next day is a workday
        return self.local_hour < 5 and self.weekday in (0, 1, 2, 3, 4)

    @property
    def afternoon(self) -> bool:
        return self.local_hour is not None and 12 <= self.local_hour < 18

    @property
    def weekend_evening(self) -> bool:
        return self.local_hour is not None and self.local_hour >= 18 and self.weekday in (4, 5)


class TitleTraits:
    """Which titles of a catalog are short, light, for families...: one mask over the catalog per trait."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        runtimes = catalog.runtimes
        self.short = (runtimes > 0) & (runtimes <= SHORT_UP_TO)
        self.long = runtimes >= LONG_FROM
        self.feature_length = runtimes >= FEATURE_LENGTH_FROM
        self.light = self.having(("comedy", "animation", "family"), ("funny", "uplifting", "heartwarming", "whimsical"))
        self.heavy = self.having(("horror", "war"), ("dark", "scary", "melancholic"))
        self.family = self.having(("family", "animation"), ())
        self.scary = self.having(("horror",), ("scary",))
        self.gripping = self.having(("thriller", "action", "mystery"), ("tense", "thrilling"))
        self.big_screen = self.having(("action", "adventure", "science-fiction", "war", "western"), ())
        self.shows = np.array([t.kind == "show" for t in catalog.facts], dtype=bool)

    def having(self, genres: Iterable[str], moods: Iterable[str]) -> Mask:
        """Titles with any of `genres` or any of `moods`."""
        genre_set, mood_set = set(genres), set(moods)
        return np.array([bool(genre_set.intersection(t.genres) or mood_set.intersection(t.moods))
                         for t in self.catalog.facts], dtype=bool)


@dataclass(frozen=True)
class Rule:
    reason: str
    """said of a title the rule favours, e.g. "short, for a late weeknight" """
    fires: Callable[[ViewingContext], bool]
    titles: Callable[[TitleTraits, ViewingContext], Mask]
    factor: float


def _is(device: Device) -> Callable[[ViewingContext], bool]:
    return lambda context: context.device is device


def _with_mood(traits: TitleTraits, context: ViewingContext) -> Mask:
    return traits.having((), (context.mood,) if context.mood else ())


def _mood_genres(traits: TitleTraits, context: ViewingContext) -> Mask:
    return traits.having(MOOD_GENRES.get(context.mood or "", ()), ())


def _asked_for_a_mood(context: ViewingContext) -> bool:
    return context.mood is not None


def _late(context: ViewingContext) -> bool:
    return context.late_on_a_weeknight


def _afternoon(context: ViewingContext) -> bool:
    return context.afternoon


def _weekend_evening(context: ViewingContext) -> bool:
    return context.weekend_evening


RULES: tuple[Rule, ...] = (
    Rule("short, for a late weeknight", _late, lambda t, _: t.short, 1.5),
    Rule("light, for a late weeknight", _late, lambda t, _: t.light, 1.3),
    Rule("long for a late weeknight", _late, lambda t, _: t.long, 0.6),
    Rule("heavy for a late weeknight", _late, lambda t, _: t.heavy, 0.8),
    Rule("for a family afternoon", _afternoon, lambda t, _: t.family, 1.4),
    Rule("scary for the afternoon", _afternoon, lambda t, _: t.scary, 0.5),
    Rule("a feature-length film for a weekend evening", _weekend_evening, lambda t, _: t.feature_length, 1.2),
    Rule("gripping, for a weekend evening", _weekend_evening, lambda t, _: t.gripping, 1.2),
    Rule("short enough for a phone", _is(Device.MOBILE), lambda t, _: t.short, 1.3),
    Rule("a show, an episode at a time on a phone", _is(Device.MOBILE), lambda t, _: t.shows, 1.2),
    Rule("long for a phone", _is(Device.MOBILE), lambda t, _: t.long, 0.7),
    Rule("made for a big screen", _is(Device.TV), lambda t, _: t.big_screen, 1.1),
    Rule("fits your mood", _asked_for_a_mood, _with_mood, 1.6),
    Rule("in a genre that suits your mood", _asked_for_a_mood, _mood_genres, 1.3),
)


@dataclass(frozen=True)
class Fit:
    """How well each title of a catalog fits a context: a factor per title, and the favouring rules that fired."""

    factors: npt.NDArray[np.float64]
    favouring: tuple[tuple[str, Mask], ...]

    def reasons(self, row: int) -> list[str]:
        return [reason for reason, titles in self.favouring if titles[row]]


def fit(traits: TitleTraits, context: ViewingContext, rules: Iterable[Rule] = RULES) -> Fit:
    factors = np.ones(len(traits.catalog), dtype=np.float64)
    favouring: list[tuple[str, Mask]] = []
    for rule in rules:
        if not rule.fires(context):
            continue
        titles = rule.titles(traits, context)
        factors[titles] *= rule.factor
        if rule.factor > 1:
            favouring.append((rule.reason, titles))
    return Fit(factors, tuple(favouring))
