"""The evaluation harness: metric functions by hand, the data sets and their split, weight tuning, and
`mediagateway evaluate` end to end through the real command against its own embedded store."""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from mediagateway.graph.connect import embedded_server, open_store
from mediagateway.recommend.datasets import (
    DatasetError,
    DatasetFormat,
    Rating,
    read_ratings,
    read_titles,
    split_per_user,
)
from mediagateway.recommend.evaluation import EvaluationReport, Row
from mediagateway.recommend.hybrid import FusionWeights
from mediagateway.recommend.metrics import Scores, Tally, hit_rate_at, ndcg_at, precision_at, recall_at
from mediagateway.recommend.tuning import Candidate, ValidationUser, best, grid_search
from mediagateway.settings import Settings

from . import catalog

CLI = str(Path(sys.executable).with_name("mediagateway"))
MOVIELENS_SMALL = Path(__file__).resolve().parents[2] / "shared/data/ml-latest-small"
STRATEGY_ROWS = {"collaborative", "content", "gnn", "context", "popularity", "hybrid", "item_knn", "most_popular"}


# --- metrics -----------------------------------------------------------------------------------------------------


def test_metrics_by_hand() -> None:
    ranked = ["a", "b", "c", "d"]
    relevant = {"b", "d", "x"}

    assert precision_at(ranked, relevant, 2) == 0.5
    assert precision_at(ranked, relevant, 10) == 0.2  # missing places count as misses
    assert recall_at(ranked, relevant, 2) == pytest.approx(1 / 3)
    assert recall_at(ranked, relevant, 4) == pytest.approx(2 / 3)
    gain = 1 / math.log2(3) + 1 / math.log2(5)  # b at position 2, d at position 4
    best = 1 + 1 / math.log2(3) + 1 / math.log2(4)  # three relevant titles at the top
    assert ndcg_at(ranked, relevant, 4) == pytest.approx(gain / best)
    assert ndcg_at(["b", "d", "x"], relevant, 10) == pytest.approx(1.0)
    assert hit_rate_at(ranked, relevant, 1) == 0.0 and hit_rate_at(ranked, relevant, 2) == 1.0


def test_a_tally_averages_over_users_and_counts_coverage() -> None:
    tally = Tally("s", catalog_size=20)
    tally.add(["a", "b"], {"a"}, 0.001)
    tally.add(["c", "d"], {"x"}, 0.003)

    scores = tally.scores()

    assert scores.users == 2
    assert scores.precision_10 == pytest.approx((0.1 + 0.0) / 2)
    assert scores.recall_10 == pytest.approx(0.5) and scores.hit_rate_10 == pytest.approx(0.5)
    assert scores.coverage == pytest.approx(4 / 20)
    assert scores.latency_p50_ms == pytest.approx(2.0)


def test_the_verdict_says_per_metric_who_the_hybrid_does_not_beat() -> None:
    def scores(name: str, ndcg: float, recall: float) -> Scores:
        return Scores(name, 10, 0.1, 0.1, recall, ndcg, 0.5, 0.1, 1.0, 2.0)

    report = EvaluationReport("d", "p", {}, [
        Row("strategy", scores("collaborative", 0.33, 0.23)), Row("baseline", scores("item_knn", 0.32, 0.24)),
        Row("hybrid", scores("hybrid", 0.34, 0.24)), Row("hybrid", scores("hybrid (tuned)", 0.35, 0.25)),
    ])

    assert report.verdict() == (
        "hybrid beats every strategy and baseline on NDCG@10; does not beat item_knn 0.2400 on Recall@20 "
        "(it has 0.2400). hybrid (tuned) beats every strategy and baseline on NDCG@10; beats every strategy and "
        "baseline on Recall@20")


# --- data sets -----------------------------------------------------------------------------------------------------


def test_a_seeded_per_user_split_holds_out_a_fifth_of_each_users_ratings() -> None:
    ratings = [Rating(str(user), str(movie), 4.0, movie) for user in (1, 2, 10) for movie in range(10 * user)]

    training, test = split_per_user(ratings, seed=7)
    again = split_per_user(ratings, seed=7)
    other = split_per_user(ratings, seed=8)

    assert sorted(training + test, key=lambda r: (r.user_id, r.movie_id)) == sorted(
        ratings, key=lambda r: (r.user_id, r.movie_id))
    for user, count in (("1", 10), ("2", 20), ("10", 100)):
        assert sum(r.user_id == user for r in test) == round(0.2 * count)
    assert (training, test) == again
    assert test != other[1]


def write_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_ratings_are_read_in_both_formats(tmp_path: Path) -> None:
    csv = write_csv(tmp_path / "r.csv", "userId,movieId,rating,timestamp", ["1,10,4.5,964982703", "2,10,1.0,5"])
    u_data = tmp_path / "u.data"
    u_data.write_text("196\t242\t3\t881250949\n186\t302\t3\t891717742\n", encoding="utf-8")

    assert read_ratings(csv, DatasetFormat.MOVIELENS_CSV) == [Rating("1", "10", 4.5, 964982703000),
                                                               Rating("2", "10", 1.0, 5000)]
    assert read_ratings(u_data, DatasetFormat.MOVIELENS_100K)[0] == Rating("196", "242", 3.0, 881250949000)


def test_titles_beside_the_ratings_bring_their_genres(tmp_path: Path) -> None:
    write_csv(tmp_path / "movies.csv", "movieId,title,genres", ['1,"Toy Story (1995)",Adventure|Animation|Children'])

    titles = read_titles(tmp_path, DatasetFormat.MOVIELENS_CSV)

    assert titles is not None
    assert [(t.native_id, t.title, t.year, t.genres) for t in titles] == [
        ("1", "Toy Story", 1995, ["adventure", "animation", "family"])]
    assert read_titles(tmp_path / "nowhere", DatasetFormat.MOVIELENS_CSV) is None


def test_a_bad_rating_file_is_refused_naming_the_file_and_line(tmp_path: Path) -> None:
    bad_rating = write_csv(tmp_path / "a.csv", "userId,movieId,rating,timestamp", ["1,10,4.5,5", "1,11,9,5"])
    bad_header = write_csv(tmp_path / "b.csv", "user,movie,rating,time", ["1,10,4.5,5"])

    with pytest.raises(DatasetError, match=r"a.csv, line 3: rating: 9.0 is outside MovieLens' scale of 0.5 to 5.0"):
        read_ratings(bad_rating, DatasetFormat.MOVIELENS_CSV)
    with pytest.raises(DatasetError, match=r"b.csv: the first line is 'user,movie,rating,time', expected"):
        read_ratings(bad_header, DatasetFormat.MOVIELENS_CSV)
    with pytest.raises(DatasetError, match=r"missing.csv: no such file"):
        read_ratings(tmp_path / "missing.csv", DatasetFormat.MOVIELENS_CSV)


# --- tuning ------------------------------------------------------------------------------------------------------


def test_the_grid_search_favours_the_strategy_that_finds_what_users_watch() -> None:
    users = [ValidationUser({"collaborative": ["junk"], "content": [f"hit{u}"]}, {f"hit{u}"}) for u in range(3)]

    shortlist = grid_search(users, ["collaborative", "content"], FusionWeights(), top=3)

    weights = shortlist[0].weights.as_dict()
    assert weights["content"] > weights["collaborative"]
    assert weights["gnn"] == 0 and weights["context"] == 0  # strategies not tuned for weigh nothing
    assert (shortlist[0].ndcg_10, shortlist[0].recall_20) == (pytest.approx(1.0), pytest.approx(1.0))
    assert [c.objective for c in shortlist] == sorted((c.objective for c in shortlist), reverse=True)
    # the defaults (collaborative 0.35 over content 0.25) would put the junk first and the hit second
    default = grid_search(users, ["collaborative", "content"], FusionWeights(), top=10_000)
    found = next(c for c in default if (c.weights.collaborative, c.weights.content) == (0.35, 0.2))
    assert found.ndcg_10 == pytest.approx(1 / math.log2(3))


def test_the_best_candidate_is_the_first_of_equals() -> None:
    first, second = Candidate(FusionWeights(), 0.3, 0.2), Candidate(FusionWeights(content=0), 0.2, 0.3)

    assert best([first, second]) is first
    assert best([Candidate(FusionWeights(), 0.1, 0.1), second]) is second


# --- the command, end to end ---------------------------------------------------------------------------------------


def synthetic_movielens(directory: Path, users: int = 30, movies: int = 40) -> Path:
    """Two audiences: the first half of the users love the first half of the films (dramas), the rest the other
    half (comedies); each also rates a couple of the other half's films low."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    genres = {m: "Drama" if m <= movies // 2 else "Comedy" for m in range(1, movies + 1)}
    write_csv(directory / "movies.csv", "movieId,title,genres",
              [f"{m},Film {m} ({1980 + m}),{genres[m]}" for m in genres])
    rows = []
    for user in range(1, users + 1):
        own = range(1, movies // 2 + 1) if user <= users // 2 else range(movies // 2 + 1, movies + 1)
        other = [m for m in genres if m not in own]
        liked = rng.sample(list(own), 12)
        for n, movie in enumerate(liked + rng.sample(other, 2)):
            stars = rng.choice([4.0, 4.5, 5.0]) if movie in liked else 1.5
            rows.append(f"{user},{movie},{stars},{1_000_000_000 + user * 10_000 + n}")
    write_csv(directory / "ratings.csv", "userId,movieId,rating,timestamp", rows)
    return directory


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    """An embedded store of the test's own, running before the command and stopped after."""
    directory = tmp_path / "store"
    embedded_server(Settings(data_dir=directory)).ensure_running()
    yield directory
    embedded_server(Settings(data_dir=directory)).stop()


def run(data_dir: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MG_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    return subprocess.run([CLI, "evaluate", *args], env=env, capture_output=True, text=True, timeout=timeout)


def graph_names(data_dir: Path) -> list[str]:
    instance = embedded_server(Settings(data_dir=data_dir)).find()
    assert instance is not None
    client = redis.Redis.from_url(instance.redis_url)
    try:
        return sorted(name.decode() for name in client.execute_command("GRAPH.LIST"))
    finally:
        client.close()


async def live_graph_digest(data_dir: Path) -> str:
    runtime = await open_store(Settings(data_dir=data_dir))
    try:
        return await runtime.repository.digest()
    finally:
        await runtime.close()


async def load_live_graph(data_dir: Path) -> None:
    runtime = await open_store(Settings(data_dir=data_dir))
    try:
        await catalog.load(runtime.repository)
    finally:
        await runtime.close()


@pytest.mark.slow
def test_evaluate_ranks_with_every_strategy_in_a_graph_of_its_own(tmp_path: Path, data_dir: Path) -> None:
    movielens = synthetic_movielens(tmp_path / "ml")
    asyncio.run(load_live_graph(data_dir))
    before = asyncio.run(live_graph_digest(data_dir))

    result = run(data_dir, "--split", str(movielens), "--seed", "7", "--gnn-epochs", "2", "--json")

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    rows = {row["strategy"]: row for row in report["results"]}
    assert STRATEGY_ROWS <= set(rows)
    assert {row["role"] for row in report["results"]} == {"strategy", "hybrid", "baseline"}
    for row in report["results"]:
        for metric in ("precision_10", "recall_10", "recall_20", "ndcg_10", "hit_rate_10", "coverage"):
            assert 0 <= row[metric] <= 1, (row["strategy"], metric)
        assert row["users"] == 30 and row["latency_p50_ms"] > 0
    # the two audiences are plain to see in the ratings: co-viewing finds them, all-time popularity cannot
    assert rows["collaborative"]["ndcg_10"] > rows["most_popular"]["ndcg_10"] + 0.1
    assert rows["item_knn"]["ndcg_10"] > rows["most_popular"]["ndcg_10"] + 0.1
    assert "every test rating is relevant" in report["protocol"] and "Filters: off" in report["protocol"]
    assert report["counts"]["training ratings"] + report["counts"]["test ratings"] == 30 * 14
    assert any(note.startswith("weights tuned on a validation split") for note in report["notes"])
    assert set(report["weights"]) == {"default", "tuned"}
    assert graph_names(data_dir) == ["mediagateway"]  # the evaluation's graph is gone
    assert asyncio.run(live_graph_digest(data_dir)) == before  # and the live one untouched


def test_evaluate_prints_a_table_and_states_the_protocol(tmp_path: Path, data_dir: Path) -> None:
    movielens = synthetic_movielens(tmp_path / "ml")

    result = run(data_dir, "--split", str(movielens), "--no-gnn", "--no-tune")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.split("│")[1].strip() == "hybrid" for line in lines if line.startswith("│"))
    assert "NDCG@10" in result.stdout and "Protocol: Relevance: every test rating is relevant" in result.stdout
    assert "gnn: left out (--no-gnn)" in result.stdout
    assert "ranking: hybrid" in result.stderr  # progress on standard error


def test_evaluate_reads_separate_training_and_test_files_in_the_100k_format(tmp_path: Path, data_dir: Path) -> None:
    rows = [line.split(",") for line in (synthetic_movielens(tmp_path / "ml") / "ratings.csv").read_text().split()[1:]]
    training, test = split_per_user([Rating(u, m, float(s), int(t)) for u, m, s, t in rows], seed=3)
    for name, ratings in (("train.data", training), ("test.data", test)):
        (tmp_path / name).write_text("".join(f"{r.user_id}\t{r.movie_id}\t{r.stars:g}\t{r.at_ms // 1000}\n"
                                             for r in ratings))

    result = run(data_dir, "--train", str(tmp_path / "train.data"), "--test", str(tmp_path / "test.data"),
                 "--format", "movielens-100k", "--no-gnn", "--no-tune", "--json")

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["counts"]["test ratings"] == len(test)
    assert {row["strategy"] for row in report["results"]} == STRATEGY_ROWS - {"gnn"}


def test_an_empty_training_file_is_refused_with_the_reason(tmp_path: Path, data_dir: Path) -> None:
    empty = write_csv(tmp_path / "train.csv", "userId,movieId,rating,timestamp", [])
    test = write_csv(tmp_path / "test.csv", "userId,movieId,rating,timestamp", ["1,10,4.5,5"])

    result = run(data_dir, "--train", str(empty), "--test", str(test), "--format", "movielens-csv")

    assert result.returncode == 2
    assert "error: the training data holds no ratings: there is nothing to learn from" in result.stderr
    assert "Traceback" not in result.stderr


def test_too_small_a_training_set_is_refused_and_leaves_no_graph_behind(tmp_path: Path, data_dir: Path) -> None:
    train = write_csv(tmp_path / "train.csv", "userId,movieId,rating,timestamp", ["1,10,4.5,5", "1,11,4,6"])
    test = write_csv(tmp_path / "test.csv", "userId,movieId,rating,timestamp", ["1,12,4.5,7"])

    result = run(data_dir, "--train", str(train), "--test", str(test), "-f", "movielens-csv", "--no-gnn")

    assert result.returncode == 2
    assert ("error: the training data is too small: not enough to recommend from: 2 interaction(s) by 1 viewer(s) "
            "with 2 title(s)") in result.stderr
    assert not [name for name in graph_names(data_dir) if name.startswith("evaluate-")]


@pytest.mark.parametrize(("args", "message"), [
    (["--train", "t.csv", "--test", "t.csv"], "--format is needed with --train and --test"),
    (["--train", "t.csv"], "give --train and --test (with --format), or --split DIR"),
    (["--split", "nowhere", "--train", "t.csv"], "give either --split DIR, or --train and --test, not both"),
    (["--split", "nowhere"], "--split: nowhere is not a directory"),
    (["--train", "t.csv", "--test", "t.csv", "-f", "imdb"], "--format: 'imdb' is not a known format"),
    (["--split", ".", "--weights", "gnn=lots"], "fusion weights: gnn: 'lots' is not a number"),
])
def test_bad_arguments_are_refused_naming_them(tmp_path: Path, args: list[str], message: str) -> None:
    result = run(tmp_path / "unused", *args)

    assert result.returncode == 2
    assert message in result.stderr.replace("\n", " ")


@pytest.mark.slow
@pytest.mark.skipif(not MOVIELENS_SMALL.is_dir(), reason="MovieLens latest-small is not beside the repository")
def test_evaluate_on_movielens_latest_small(data_dir: Path) -> None:
    result = run(data_dir, "--split", str(MOVIELENS_SMALL), "--users", "60", "--no-tune", "--gnn-epochs", "1",
                 "--json", timeout=1200)

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    rows = {row["strategy"]: row for row in report["results"]}
    assert report["counts"]["training ratings"] + report["counts"]["test ratings"] == 100_836
    assert report["counts"]["test users evaluated"] == 60
    assert rows["collaborative"]["ndcg_10"] > rows["most_popular"]["ndcg_10"]
    assert rows["collaborative"]["recall_20"] > rows["popularity"]["recall_20"]
