"""Entity resolution benchmark: precision and recall of merges on a labelled duplicate set built at run time.

Feed A is MovieLens "latest-small" as it is (title, year, original title, IMDb and TMDb ids from links.csv). Feed B
is a perturbed copy of a share of it, made with a seed, so the truth is known: ids dropped or typo'd (many records
keep none, so only fuzzy matching can find them), "X, The" article moves, subtitles dropped or added,
punctuation, case and accents changed, letters typo'd, years off by one or missing. Hard negatives come with the
data: MovieLens holds remakes and other films that share a title but not a year.

Truth: two records are one film when their MovieLens rows share an IMDb id. Scores are pairwise: every pair of
records the resolver put in one cluster is a predicted merge. "Fuzzy" pairs are those whose records share no
external id and hold no conflicting one, so only the fuzzy matcher can merge them. Pairs whose IMDb ids conflict (feed
B's typo'd ids) count in the overall recall; the resolver never merges them, by design.

Two modes:
- default: both feeds resolved in one batch on an empty graph, once per fuzzy threshold of the sweep;
- `--through-graph`: feed A resolved and written, then feed B resolved against the graph in chunks of `--chunk`,
  at one threshold: the ingestion path, where fuzzy candidates come from the graph's block keys.

The data is read where it lies and never copied. Run from the repository root:

    .venv/bin/python bench/bench_resolution.py
    .venv/bin/python bench/bench_resolution.py --data path/to/ml-latest-small --seed 3 --thresholds 0.8 0.86 0.9
    .venv/bin/python bench/bench_resolution.py --through-graph --thresholds 0.86
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import shutil
import string
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from mediagateway.graph.connect import StoreRuntime, embedded_server, open_store
from mediagateway.ingest.matching import title_key
from mediagateway.ingest.normalise import split_title
from mediagateway.ingest.records import SourceTitle
from mediagateway.ingest.resolve import EntityResolver, Resolution, ResolverConfig
from mediagateway.settings import Backend, Settings

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/ml-latest-small"
DEFAULT_THRESHOLDS = (0.70, 0.76, 0.80, 0.83, 0.86, 0.88, 0.90, 0.93, 0.96)
SUBTITLES = ("The Movie", "Director's Cut", "Special Edition", "Remastered", "Extended Cut")
ACCENTED = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "n": "ñ", "c": "ç"}
Pair = tuple[str, str]


# --- the labelled set --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Film:
    movie_id: str
    title: str
    year: int | None
    original_title: str | None
    imdb_id: str | None
    tmdb_id: int | None

    @property
    def entity(self) -> str:
        return self.imdb_id or f"movielens:{self.movie_id}"


def read_films(data: Path) -> list[Film]:
    links: dict[str, tuple[str | None, int | None]] = {}
    with (data / "links.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            imdb = f"tt{int(row['imdbId']):07d}" if row["imdbId"] else None
            links[row["movieId"]] = (imdb, int(row["tmdbId"]) if row["tmdbId"] else None)
    films = []
    with (data / "movies.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            parts = split_title(row["title"])
            imdb, tmdb = links.get(row["movieId"], (None, None))
            films.append(Film(row["movieId"], parts.title, parts.year, parts.original_title, imdb, tmdb))
    return films


@dataclass
class Feeds:
    records: list[SourceTitle] = field(default_factory=list)
    entity: dict[str, str] = field(default_factory=dict)  # record key -> true film
    ids: dict[str, frozenset[str]] = field(default_factory=dict)  # record key -> its external ids


def source_a(film: Film, with_ids: bool) -> SourceTitle:
    return SourceTitle(source="movielens", native_id=film.movie_id, line=0, kind="movie", title=film.title,
                       year=film.year, original_title=film.original_title,
                       imdb_id=film.imdb_id if with_ids else None, tmdb_id=film.tmdb_id if with_ids else None)


def typo(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    word, at = words[i], rng.randrange(1, len(words[i]) - 1)
    edit = rng.choice(("swap", "drop", "double", "replace"))
    if edit == "swap":
        word = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    elif edit == "drop":
        word = word[:at] + word[at + 1:]
    elif edit == "double":
        word = word[:at] + word[at] + word[at:]
    else:
        word = word[:at] + rng.choice(string.ascii_lowercase) + word[at + 1:]
    words[i] = word
    return " ".join(words)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def add_accent(rng: random.Random, text: str) -> str:
    spots = [i for i, c in enumerate(text) if c in ACCENTED]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + ACCENTED[text[i]] + text[i + 1:]


def move_article(text: str) -> str:
    head, sep, rest = text.partition(" ")
    if sep and head.lower() in ("the", "a", "an"):
        main, colon, subtitle = rest.partition(":")
        return f"{main}, {head}{colon}{subtitle}"
    return text


def perturb_title(rng: random.Random, text: str) -> str:
    if rng.random() < 0.3:
        text = move_article(text)
    if ":" in text and rng.random() < 0.35:
        text = text.split(":", 1)[0].strip()
    elif ":" not in text and rng.random() < 0.1:
        text = f"{text}: {rng.choice(SUBTITLES)}"
    if rng.random() < 0.25:
        text = " ".join(text.translate(str.maketrans("", "", ".,:;'!?-")).split())
    if rng.random() < 0.15:
        text = text.upper() if rng.random() < 0.5 else text.lower()
    if not text.isascii() and rng.random() < 0.6:
        text = strip_accents(text)
    elif rng.random() < 0.05:
        text = add_accent(rng, text)
    if rng.random() < 0.15:
        text = typo(rng, text)
    return text or "untitled"


def perturb_ids(rng: random.Random, film: Film) -> tuple[str | None, int | None]:
    draw = rng.random()
    if draw < 0.35:
        return film.imdb_id, film.tmdb_id
    if draw < 0.45:
        return film.imdb_id, None
    if draw < 0.55:
        return None, film.tmdb_id
    if draw < 0.95:
        return None, None
    wrong = f"tt{rng.randrange(1, 9_999_999):07d}"  # a typo'd id: matches nothing, or the wrong film
    return wrong, None


def source_b(rng: random.Random, film: Film) -> SourceTitle:
    imdb, tmdb = perturb_ids(rng, film)
    year = film.year
    if year is not None and rng.random() < 0.15:
        year += rng.choice((-1, 1))
    elif rng.random() < 0.04:
        year = None
    original = film.original_title if rng.random() < 0.5 else None
    return SourceTitle(source="feedb", native_id=f"b{film.movie_id}", line=0, kind="movie",
                       title=perturb_title(rng, film.title), year=year, original_title=original, imdb_id=imdb,
                       tmdb_id=tmdb)


def build_feeds(films: Sequence[Film], seed: int, share: float, a_ids: float) -> Feeds:
    feeds = Feeds()
    for film in films:
        rng = random.Random(f"{seed}:{film.movie_id}")
        records = [source_a(film, rng.random() < a_ids)]
        if rng.random() < share:
            records.append(source_b(rng, film))
        for record in records:
            feeds.records.append(record)
            feeds.entity[record.key] = film.entity
            feeds.ids[record.key] = frozenset(
                v for v in (record.imdb_id and f"imdb:{record.imdb_id}", record.tmdb_id and f"tmdb:{record.tmdb_id}")
                if v
            )
    return feeds


# --- scoring -----------------------------------------------------------------------------------------------------


def pairs_of(groups: Iterable[Iterable[str]]) -> set[Pair]:
    found: set[Pair] = set()
    for group in groups:
        found.update(combinations(sorted(group), 2))
    return found


def grouped(mapping: dict[str, str]) -> list[list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for key, value in mapping.items():
        groups[value].append(key)
    return list(groups.values())


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def scores(predicted: set[Pair], truth: set[Pair]) -> Scores:
    hits = len(predicted & truth)
    return Scores(hits / len(predicted) if predicted else 1.0, hits / len(truth) if truth else 1.0)


@dataclass(frozen=True)
class Row:
    threshold: float
    overall: Scores
    fuzzy: Scores
    hard_merged: int
    titles_per_s: float


@dataclass(frozen=True)
class Truth:
    pairs: set[Pair]
    fuzzy_pairs: set[Pair]
    conflicting: set[Pair]  # one film, but the records' IMDb ids differ (a typo'd id): never merged, by design
    hard_negatives: set[Pair]


def conflict(feeds: Feeds, pair: Pair) -> bool:
    schemes = [{i.split(":")[0]: i for i in feeds.ids[key]} for key in pair]
    return any(s in schemes[1] and schemes[1][s] != v for s, v in schemes[0].items())


def truth_of(feeds: Feeds, films: Sequence[Film]) -> Truth:
    pairs = pairs_of(grouped(feeds.entity))
    conflicting = {p for p in pairs if conflict(feeds, p)}
    fuzzy = {p for p in pairs if not feeds.ids[p[0]] & feeds.ids[p[1]]} - conflicting
    by_title: dict[str, set[str]] = defaultdict(set)
    titles = {f.entity: title_key(f.title) for f in films}
    for key, entity in feeds.entity.items():
        by_title[titles[entity]].add(key)
    hard = {p for p in pairs_of(by_title.values()) if feeds.entity[p[0]] != feeds.entity[p[1]]}
    return Truth(pairs, fuzzy, conflicting, hard)


def evaluate(title_ids: dict[str, str], feeds: Feeds, truth: Truth, threshold: float, seconds: float) -> Row:
    predicted = pairs_of(grouped(title_ids))
    fuzzy_predicted = {p for p in predicted if not feeds.ids[p[0]] & feeds.ids[p[1]] and not conflict(feeds, p)}
    return Row(threshold, scores(predicted, truth.pairs), scores(fuzzy_predicted, truth.fuzzy_pairs),
               len(predicted & truth.hard_negatives), len(feeds.records) / seconds)


# --- runs --------------------------------------------------------------------------------------------------------


def config(threshold: float, same_source: bool) -> ResolverConfig:
    return ResolverConfig(fuzzy_threshold=threshold, same_source_distinct=same_source)


async def one_batch(
    runtime: StoreRuntime, feeds: Feeds, threshold: float, same_source: bool
) -> tuple[dict[str, str], float]:
    resolver = EntityResolver(runtime.store, config(threshold, same_source))
    started = time.perf_counter()
    resolution = await resolver.resolve(feeds.records)
    return resolution.title_ids, time.perf_counter() - started


async def write(runtime: StoreRuntime, resolution: Resolution) -> None:
    await runtime.repository.upsert_people(resolution.people)
    await runtime.repository.upsert_contents(resolution.contents)
    await runtime.repository.upsert_source_records(resolution.source_records)


async def through_graph(
    runtime: StoreRuntime, feeds: Feeds, threshold: float, same_source: bool, chunk: int
) -> tuple[dict[str, str], float]:
    """Feed A resolved and written first; then feed B, chunk by chunk, against the graph (B is what is timed)."""
    await runtime.store.delete_all()
    resolver = EntityResolver(runtime.store, config(threshold, same_source))
    title_ids: dict[str, str] = {}
    first = [r for r in feeds.records if r.source == "movielens"]
    second = [r for r in feeds.records if r.source != "movielens"]
    for start in range(0, len(first), chunk):
        resolution = await resolver.resolve(first[start:start + chunk])
        await write(runtime, resolution)
        title_ids.update(resolution.title_ids)
    started = time.perf_counter()
    for start in range(0, len(second), chunk):
        resolution = await resolver.resolve(second[start:start + chunk])
        await write(runtime, resolution)
        title_ids.update(resolution.title_ids)
    return title_ids, (time.perf_counter() - started) * len(feeds.records) / max(1, len(second))


def print_table(rows: Sequence[Row], feeds: Feeds, truth: Truth, mode: str) -> None:
    b_records = sum(1 for r in feeds.records if r.source != "movielens")
    a_ids = sum(1 for r in feeds.records if r.source == "movielens" and r.imdb_id)
    print(f"{len(feeds.records):,} records ({b_records:,} in feed B; {a_ids:,} of feed A with ids), "
          f"{len(truth.pairs):,} true pairs "
          f"({len(truth.fuzzy_pairs):,} fuzzy-only, {len(truth.conflicting):,} with conflicting IMDb ids), "
          f"{len(truth.hard_negatives):,} hard-negative pairs; {mode}")
    print()
    print("| threshold | precision | recall | F1 | fuzzy precision | fuzzy recall | fuzzy F1 | hard negatives merged "
          "| titles/s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print(f"| {row.threshold:.2f} | {row.overall.precision:.3f} | {row.overall.recall:.3f} | {row.overall.f1:.3f} "
              f"| {row.fuzzy.precision:.3f} | {row.fuzzy.recall:.3f} | {row.fuzzy.f1:.3f} | {row.hard_merged} "
              f"| {row.titles_per_s:,.0f} |")


async def run(args: argparse.Namespace, settings: Settings) -> None:
    films = read_films(args.data)
    feeds = build_feeds(films, args.seed, args.share, args.a_ids)
    truth = truth_of(feeds, films)
    runtime = await open_store(settings)
    rows = []
    try:
        await runtime.store.delete_all()
        for threshold in args.thresholds:
            if args.through_graph:
                title_ids, seconds = await through_graph(runtime, feeds, threshold, args.same_source, args.chunk)
            else:
                title_ids, seconds = await one_batch(runtime, feeds, threshold, args.same_source)
            rows.append(evaluate(title_ids, feeds, truth, threshold, seconds))
    finally:
        await runtime.store.close()
    mode = f"feed B through the graph in chunks of {args.chunk}" if args.through_graph else "one batch"
    mode += "" if args.same_source else ", records of one source may merge"
    print_table(rows, feeds, truth, mode)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the ml-latest-small folder")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--share", type=float, default=0.8, help="share of films feed B carries")
    parser.add_argument("--a-ids", type=float, default=1.0, help="share of feed A records that keep their ids")
    parser.add_argument("--thresholds", type=float, nargs="+", default=list(DEFAULT_THRESHOLDS))
    parser.add_argument("--through-graph", action="store_true")
    parser.add_argument("--chunk", type=int, default=1_000)
    parser.add_argument("--allow-same-source", dest="same_source", action="store_false",
                        help="let records of one source merge (ResolverConfig.same_source_distinct off)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    data_dir = Path(tempfile.mkdtemp(prefix="mg-bench-resolve-"))
    settings = Settings(backend=Backend.EMBEDDED, redis_url=None, data_dir=data_dir, graph_name="mediagateway_bench")
    try:
        asyncio.run(run(args, settings))
    finally:  # the embedded server is this run's alone
        embedded_server(settings).stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
