"""Rating data sets for the evaluation, read with the MovieLens connector's own parsing and checks:

- `movielens-csv`: ratings.csv-style files (header `userId,movieId,rating,timestamp`, one rating a line);
- `movielens-100k`: u.data-style files (user, item, rating, timestamp, tab-separated, no header).

Titles come from the data set's movies.csv (with links.csv and, for moods, tags.csv) or u.item when one lies beside
the ratings; without one, titles are known by their ids alone. `split_per_user` makes the seeded per-user split.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np

from mediagateway.ingest.connectors.base import read_lines
from mediagateway.ingest.connectors.movielens import HEADERS, MovieLensConnector
from mediagateway.ingest.records import Rejected, SourceInteraction, SourceTitle

TEST_SHARE = 0.2


class DatasetFormat(StrEnum):
    MOVIELENS_CSV = "movielens-csv"
    MOVIELENS_100K = "movielens-100k"

    @property
    def ratings_part(self) -> str:
        return "ratings.csv" if self is DatasetFormat.MOVIELENS_CSV else "u.data"

    @property
    def title_parts(self) -> tuple[str, ...]:
        """The files that describe titles, in the order the connector reads them (links and tags before movies)."""
        return ("links.csv", "tags.csv", "movies.csv") if self is DatasetFormat.MOVIELENS_CSV else ("u.item",)


class DatasetError(ValueError):
    """A rating or title file that cannot be used; the message names the file and, where it applies, the line."""


@dataclass(frozen=True)
class Rating:
    user_id: str
    movie_id: str
    stars: float
    at_ms: int


def format_of_directory(directory: Path) -> DatasetFormat:
    """The format of a MovieLens directory, by the ratings file it holds."""
    for fmt in DatasetFormat:
        if (directory / fmt.ratings_part).is_file():
            return fmt
    raise DatasetError(f"{directory} holds no MovieLens ratings: expected ratings.csv (latest) or u.data (100K)")


def read_ratings(path: Path, fmt: DatasetFormat) -> list[Rating]:
    """Every rating of the file; the first bad line raises `DatasetError` naming the file, line and reason."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    connector = MovieLensConnector()
    ratings = []
    for item in _parsed(connector, path, fmt.ratings_part):
        if isinstance(item, SourceInteraction) and item.rating is not None:
            ratings.append(Rating(item.user_native_id, item.title_native_id, item.rating, item.at))
    return ratings


def read_titles(directory: Path, fmt: DatasetFormat) -> list[SourceTitle] | None:
    """The titles described beside the ratings (movies.csv or u.item), or None when there is no such file."""
    main_part = fmt.title_parts[-1]
    if not (directory / main_part).is_file():
        return None
    connector = MovieLensConnector()
    titles: list[SourceTitle] = []
    for part in fmt.title_parts:
        if (directory / part).is_file():
            titles += [item for item in _parsed(connector, directory / part, part) if isinstance(item, SourceTitle)]
    return titles


def _parsed(connector: MovieLensConnector, path: Path, part: str) -> Iterator[SourceInteraction | SourceTitle]:
    encoding = "latin-1" if part == "u.item" else "utf-8"
    for line in read_lines(path, encoding):
        if line.number == 1 and part in HEADERS:
            expected = ",".join(HEADERS[part])
            if line.text.strip() != expected:
                raise DatasetError(f"{path}: the first line is {line.text.strip()[:80]!r}, expected {expected!r}")
            continue
        if line.problem:
            raise DatasetError(f"{path}, line {line.number}: {line.problem}")
        if not line.text.strip():
            continue
        for item in connector.parse_line(line.text, line.number, part):
            if isinstance(item, Rejected):
                raise DatasetError(f"{path}, line {line.number}: {item.reason}")
            if isinstance(item, SourceInteraction | SourceTitle):
                yield item


def split_per_user(ratings: Sequence[Rating], seed: int, test_share: float = TEST_SHARE
                   ) -> tuple[list[Rating], list[Rating]]:
    """(training, test): for each user, in user id order, a seeded random `test_share` of their ratings (rounded;
    a user with very few ratings may keep them all for training) goes to the test set."""
    if not 0 < test_share < 1:
        raise ValueError(f"test_share must be in (0, 1), got {test_share}")
    by_user: dict[str, list[Rating]] = {}
    for rating in ratings:
        by_user.setdefault(rating.user_id, []).append(rating)
    rng = np.random.default_rng(seed)
    training: list[Rating] = []
    test: list[Rating] = []
    for user_id in sorted(by_user, key=_natural):
        own = by_user[user_id]
        held_out = set(rng.permutation(len(own))[: round(test_share * len(own))].tolist())
        for position, rating in enumerate(own):
            (test if position in held_out else training).append(rating)
    return training, test


def _natural(value: str) -> tuple[int, int, str]:
    """Numeric ids in numeric order, before any other."""
    return (0, int(value), "") if value.isdigit() else (1, 0, value)
