"""The MovieLens data sets (GroupLens): the "latest" CSV files and the older 100K files.

`read(directory)` takes the data set's directory:

- latest (`movies.csv` present): `links.csv` (IMDb and TMDb ids) and `tags.csv` are read first, then each row of
  `movies.csv` gives a `SourceTitle`, then each row of `ratings.csv` a `SourceInteraction` (signal `rating`).
  Tags that name a mood of the vocabulary ("atmospheric", "dark comedy") become the title's moods, most-used first;
  all other tags are ignored.
- 100K (`u.item` present): `u.item` (pipe-separated, Latin-1, 19 genre flags) gives the titles and `u.data`
  (tab-separated: user, item, rating, timestamp) the ratings.

Ratings are streamed; only links, mood tags and the set of movie ids are held in memory. A row's `line` is its line
in its file (the header is line 1) and a rejected row names its file in `part`. Rows are one line each: a quoted
field spanning lines is rejected, as MovieLens files never have one.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

from mediagateway.graph.model import ContentKind
from mediagateway.ingest import normalise
from mediagateway.ingest.connectors.base import (
    Line,
    LineTest,
    at,
    build,
    count_lines,
    read_lines,
    reason_of,
    rejected,
)
from mediagateway.ingest.records import ParsedItem, Signal, SourceInteraction, SourceTitle

HEADERS: dict[str, tuple[str, ...]] = {
    "movies.csv": ("movieId", "title", "genres"),
    "links.csv": ("movieId", "imdbId", "tmdbId"),
    "tags.csv": ("userId", "movieId", "tag", "timestamp"),
    "ratings.csv": ("userId", "movieId", "rating", "timestamp"),
}
U_ITEM_GENRES = (
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
    "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
)  # fmt: skip
U_ITEM_COLUMNS = ("movie id", "movie title", "release date", "video release date", "IMDb URL", *U_ITEM_GENRES)
U_DATA_COLUMNS = ("user id", "item id", "rating", "timestamp")
MIN_RATING, MAX_RATING = 0.5, 5.0


def _columns(fields: list[str], names: tuple[str, ...]) -> list[str]:
    if len(fields) != len(names):
        raise ValueError(f"expected {len(names)} columns ({', '.join(names)}), got {len(fields)}")
    return fields


def _csv_fields(raw: str) -> list[str]:
    try:
        return next(csv.reader([raw], strict=True), [])
    except csv.Error as error:
        raise ValueError(f"malformed CSV: {error}") from None


def _id(value: str) -> str:
    return str(normalise.positive_int(value))


def _rating(value: str) -> float:
    try:
        rating = float(value)
    except ValueError:
        raise ValueError(f"{normalise.preview(value)} is not a number") from None
    if not math.isfinite(rating):
        raise ValueError(f"{normalise.preview(value)} is not a finite number")
    if not MIN_RATING <= rating <= MAX_RATING:
        raise ValueError(f"{rating} is outside MovieLens' scale of {MIN_RATING} to {MAX_RATING}")
    return rating


def _seconds(value: str) -> int:
    return normalise.to_epoch_ms(value, unit="s")


def _guess_part(raw: str) -> str:
    """Which file a row came from, by its shape, for re-driving a row whose file was not given."""
    if raw.count("|") == len(U_ITEM_COLUMNS) - 1:
        return "u.item"
    if "\t" in raw:
        return "u.data"
    fields = _csv_fields(raw)
    if len(fields) == len(HEADERS["movies.csv"]):
        return "links.csv" if all(f.strip().isdigit() or not f.strip() for f in fields) else "movies.csv"
    try:
        float(fields[2])
    except (ValueError, IndexError):
        return "tags.csv"
    return "ratings.csv"


class MovieLensConnector:
    name = "movielens"
    offer_lines = None  # no offers

    def __init__(self, source: str | None = None) -> None:
        self.source = source or self.name
        self._links: dict[str, tuple[str | None, int | None]] = {}
        self._moods: dict[str, Counter[str]] = {}
        self._movies: set[str] = set()

    def estimate_items(self, path: Path) -> int | None:
        """A title per movie row and an interaction per rating row."""
        directory = Path(path)
        parts = [("movies.csv", True), ("ratings.csv", True), ("u.item", False), ("u.data", False)]
        return sum(count_lines(directory / name, header) for name, header in parts if (directory / name).is_file())

    def read(self, path: Path, keep: LineTest | None = None) -> Iterator[ParsedItem]:
        if keep is not None:
            raise ValueError("a MovieLens directory is read whole: its ratings need its titles")
        directory = Path(path)
        if (directory / "movies.csv").is_file():
            parts = ["links.csv", "tags.csv", "movies.csv", "ratings.csv"]
        elif (directory / "u.item").is_file():
            parts = ["u.item", "u.data"]
        else:
            expected = "movies.csv (latest) or u.item (100K)"
            raise FileNotFoundError(f"{directory} holds no MovieLens data: expected {expected}")
        for part in parts:
            if (directory / part).is_file():
                yield from self._read_part(directory / part, part)

    def parse_line(self, raw: str, line: int, part: str | None = None) -> list[ParsedItem]:
        """One row of `part` (a file name such as "ratings.csv"; guessed from the row's shape if not given)."""
        try:
            part = part or _guess_part(raw)
            return self._parse(part, raw, line)
        except ValueError as error:
            return [rejected(self.source, line, raw, reason_of(error), part)]

    def _read_part(self, path: Path, part: str) -> Iterator[ParsedItem]:
        lines = read_lines(path, encoding="latin-1" if part == "u.item" else "utf-8")
        if part in HEADERS:
            _check_header(next(lines, None), part)
        for line in lines:
            if line.problem:
                yield rejected(self.source, line.number, line.text, line.problem, part)
            elif line.text.strip():
                yield from self.parse_line(line.text, line.number, part)

    def _parse(self, part: str, raw: str, line: int) -> list[ParsedItem]:
        if part == "u.item":
            return [self._u_item(_columns(raw.split("|"), U_ITEM_COLUMNS), line)]
        if part == "u.data":
            return [self._rating(_columns(raw.split("\t"), U_DATA_COLUMNS), line)]
        if part not in HEADERS:
            raise ValueError(f"unknown MovieLens file {part!r} (known: {', '.join([*HEADERS, 'u.item', 'u.data'])})")
        fields = _columns(_csv_fields(raw), HEADERS[part])
        if part == "movies.csv":
            return [self._movie(fields, line)]
        if part == "ratings.csv":
            return [self._rating(fields, line)]
        if part == "links.csv":
            self._link(fields)
        else:
            self._tag(fields)
        return []

    def _movie(self, fields: list[str], line: int) -> SourceTitle:
        movie_id = at("movieId", _id, fields[0])
        parts = at("title", normalise.split_title, fields[1])
        genres = at("genres", normalise.genres_of, fields[2].split("|"))
        return self._title(movie_id, parts, genres, line)

    def _u_item(self, fields: list[str], line: int) -> SourceTitle:
        movie_id = at("movie id", _id, fields[0])
        parts = at("movie title", normalise.split_title, fields[1])
        if parts.year is None and fields[2].strip():
            parts = replace(parts, year=at("release date", _release_year, fields[2]))
        flags = fields[len(U_ITEM_COLUMNS) - len(U_ITEM_GENRES) :]
        for name, flag in zip(U_ITEM_GENRES, flags, strict=True):
            if flag.strip() not in {"0", "1"}:
                raise ValueError(f"genre flag {name}: {normalise.preview(flag)} is not 0 or 1")
        names = [name for name, flag in zip(U_ITEM_GENRES, flags, strict=True) if flag.strip() == "1"]
        return self._title(movie_id, parts, normalise.genres_of(names), line)

    def _title(self, movie_id: str, parts: normalise.TitleParts, genres: list[str], line: int) -> SourceTitle:
        imdb_id, tmdb_id = self._links.get(movie_id, (None, None))
        moods = [mood for mood, _ in sorted(self._moods.get(movie_id, Counter()).items(), key=lambda m: (-m[1], m[0]))]
        title = build(
            SourceTitle,
            source=self.source,
            native_id=movie_id,
            line=line,
            kind=ContentKind.MOVIE,
            title=parts.title,
            year=parts.year,
            original_title=parts.original_title if parts.original_title != parts.title else None,
            imdb_id=imdb_id,
            tmdb_id=tmdb_id,
            genres=genres,
            moods=moods[: normalise.MAX_TERMS],
        )
        self._movies.add(movie_id)
        return title

    def _rating(self, fields: list[str], line: int) -> SourceInteraction:
        user_id = at("userId", _id, fields[0])
        movie_id = at("movieId", _id, fields[1])
        if self._movies and movie_id not in self._movies:
            raise ValueError(f"movieId: {movie_id} is not a movie of this data set")
        return build(
            SourceInteraction,
            source=self.source,
            native_id=f"{user_id}:{movie_id}",
            line=line,
            user_native_id=user_id,
            title_native_id=movie_id,
            signal=Signal.RATING,
            rating=at("rating", _rating, fields[2]),
            at=at("timestamp", _seconds, fields[3]),
        )

    def _link(self, fields: list[str]) -> None:
        movie_id = at("movieId", _id, fields[0])
        imdb_id = None if not fields[1].strip() else at("imdbId", normalise.imdb_title_id, fields[1])
        tmdb_id = None if not fields[2].strip() else at("tmdbId", normalise.tmdb_id, fields[2])
        self._links[movie_id] = (imdb_id, tmdb_id)

    def _tag(self, fields: list[str]) -> None:
        at("userId", _id, fields[0])
        movie_id = at("movieId", _id, fields[1])
        moods = at("tag", normalise.mood_ids, fields[2])
        at("timestamp", _seconds, fields[3])
        if moods:
            self._moods.setdefault(movie_id, Counter()).update(moods)


def _check_header(line: Line | None, part: str) -> None:
    expected = ",".join(HEADERS[part])
    found = None if line is None else line.text.strip()
    if found != expected:
        raise ValueError(f"{part}: the header is {normalise.preview(found, 80)}, expected {expected!r}")


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _release_year(value: str) -> int:
    """The year of a 100K release date such as '01-Jan-1995'."""
    day, _, rest = value.strip().partition("-")
    month, _, year = rest.partition("-")
    try:
        date(int(year), _MONTHS.index(month.lower()) + 1, int(day))
    except ValueError:
        raise ValueError(f"{normalise.preview(value)} is not a date like 01-Jan-1995") from None
    return normalise.check_year(int(year))
