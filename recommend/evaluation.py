"""The evaluation harness behind `mediagateway evaluate`: any user can measure every strategy, the hybrid and two
baselines on their own rating data, by one code path.

1. The training ratings are written into an isolated graph (a fresh `evaluate-<random>` graph on the embedded
   store, or on the configured FalkorDB server, never the configured graph) through the repository's upserts,
   read back as the strategies read the live graph, and the GraphSAGE model is trained from it; the graph is
   deleted as soon as that is done, or if anything fails.
2. Every strategy (and the hybrid, and the baselines) ranks every title for every test user, as `recommend` does
   at request time, timed per user.
3. Metrics per strategy (recommend/metrics.py), with the protocol stated in `PROTOCOL`.

With `tune`, the fusion weights are also chosen on a validation split of the training data (recommend/tuning.py)
and the hybrid is reported with both the default and the tuned weights.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from mediagateway.graph.connect import StoreRuntime, open_store
from mediagateway.graph.model import ContentIn, InteractionIn, Signal, TaxonomyIn, UserIn
from mediagateway.graph.repository import GraphRepository
from mediagateway.graph.store import GraphStore
from mediagateway.ingest import normalise
from mediagateway.ingest.records import SourceTitle
from mediagateway.recommend.context import ViewingContext
from mediagateway.recommend.data import RecommendationData, Viewer
from mediagateway.recommend.datasets import TEST_SHARE, Rating
from mediagateway.recommend.hybrid import DEFAULT_WEIGHTS, FusionWeights, HybridStrategy, Lineup
from mediagateway.recommend.metrics import Scores, Tally, ndcg_at, recall_at
from mediagateway.recommend.strategies import (
    EmbeddingModel,
    ItemKnnStrategy,
    MostPopularStrategy,
    Scored,
    Strategy,
)
from mediagateway.recommend.tuning import SHORTLIST, Candidate, ValidationUser, best, grid_search
from mediagateway.settings import Backend, Settings

K = 20
WRITE_CHUNK = 5_000
GNN_EPOCHS = 10
PROTOCOL = (
    "Relevance: every test rating is relevant, whatever its stars. Candidates: every title of the catalog except "
    "those the user rated in training: all titles are ranked, none sampled. Users: every test user with at least "
    "one relevant title; figures are means over them. Time: each user asks at the moment of their last training "
    "rating (recent popularity counts up to it). Context: the data has no device, mood or local viewing time, so "
    "no context rule fires. Filters: off (the data has no availability, trust or subscriptions), unlike the live "
    "service. Latency: the time of one user's ranking, in this process, after training."
)
STRATEGIES = ("collaborative", "content", "gnn", "context", "popularity")
BASELINES = ("item_knn", "most_popular")


class EvaluationError(ValueError):
    """The data cannot be evaluated (an empty training file, a graph too small to learn from)."""


class Reporter(Protocol):
    def stage(self, name: str, total: int | None = None) -> None:
        """A new step starts (a progress bar)."""

    def advance(self, done: int) -> None:
        """How far the current step has got."""

    def note(self, text: str) -> None:
        """Something the reader of the results should know."""


class Silent:
    def stage(self, name: str, total: int | None = None) -> None:
        return None

    def advance(self, done: int) -> None:
        return None

    def note(self, text: str) -> None:
        return None


@dataclass(frozen=True)
class EvaluationInput:
    training: Sequence[Rating]
    test: Sequence[Rating]
    titles: Sequence[SourceTitle] | None
    description: str


@dataclass(frozen=True)
class EvaluationOptions:
    weights: FusionWeights = DEFAULT_WEIGHTS
    tune: bool = True
    gnn: bool = True
    gnn_epochs: int = GNN_EPOCHS
    max_users: int | None = None
    """evaluate a seeded sample of this many test users (all by default)"""
    seed: int = 7


@dataclass(frozen=True)
class Row:
    role: str
    """strategy, hybrid or baseline"""
    scores: Scores


@dataclass
class EvaluationReport:
    description: str
    protocol: str
    counts: dict[str, int]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    weights: dict[str, dict[str, float]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"data": self.description, "protocol": self.protocol, "counts": self.counts,
                "results": [{"role": row.role, **row.scores.as_dict()} for row in self.rows],
                "weights": self.weights, "notes": self.notes, "seconds": self.seconds}

    def verdict(self) -> str:
        """Per hybrid and per metric (NDCG@10, Recall@20): whether it beats every strategy and baseline, or who is
        level with it or ahead."""
        others = [row.scores for row in self.rows if row.role != "hybrid"]
        lines = []
        for hybrid in (row.scores for row in self.rows if row.role == "hybrid"):
            parts = []
            for label, metric in (("NDCG@10", "ndcg_10"), ("Recall@20", "recall_20")):
                mine = getattr(hybrid, metric)
                ahead = [f"{o.strategy} {getattr(o, metric):.4f}" for o in others if getattr(o, metric) >= mine]
                parts.append(f"beats every strategy and baseline on {label}" if not ahead
                             else f"does not beat {', '.join(ahead)} on {label} (it has {mine:.4f})")
            lines.append(f"{hybrid.strategy} " + "; ".join(parts))
        return ". ".join(lines)


# --- the isolated graph ------------------------------------------------------------------------------------------


def isolated_settings(settings: Settings) -> Settings:
    """Settings of a fresh graph on the embedded store (or the configured FalkorDB server): never the live graph,
    and never Neo4j."""
    name = f"evaluate-{secrets.token_hex(6)}"
    if settings.backend is Backend.FALKORDB:
        return settings.model_copy(update={"graph_name": name})
    return settings.model_copy(update={"graph_name": name, "backend": Backend.EMBEDDED, "redis_url": None})


@asynccontextmanager
async def isolated_graph(settings: Settings) -> AsyncIterator[StoreRuntime]:
    """A store on a fresh graph, deleted on the way out whatever happened."""
    isolated = isolated_settings(settings)
    runtime = await open_store(isolated)
    try:
        yield runtime
    finally:
        try:
            await drop_graph(runtime.redis_url, isolated.graph_name)
        finally:
            await runtime.close()


async def drop_graph(redis_url: str, graph_name: str) -> None:
    client = aioredis.Redis.from_url(redis_url)
    try:
        await client.execute_command("GRAPH.DELETE", graph_name)
    except ResponseError as exc:
        if "empty key" not in str(exc).lower() and "invalid graph" not in str(exc).lower():
            raise
    finally:
        await client.aclose()


def title_id(movie_id: str) -> str:
    return f"title:movielens:{movie_id}"


def user_id(native_id: str) -> str:
    return f"user:movielens:{native_id}"


def _contents(data: EvaluationInput) -> list[ContentIn]:
    described = {t.native_id: t for t in data.titles or ()}
    ids = set(described) | {r.movie_id for r in (*data.training, *data.test)}
    contents = []
    for movie_id in sorted(ids):
        source = described.get(movie_id)
        if source is None:
            contents.append(ContentIn(id=title_id(movie_id), kind="movie", title=f"MovieLens movie {movie_id}"))
        else:
            contents.append(ContentIn(id=title_id(movie_id), kind="movie", title=source.title, year=source.year,
                                      original_title=source.original_title, imdb_id=source.imdb_id,
                                      tmdb_id=source.tmdb_id, genres=source.genres, moods=source.moods))
    return contents


async def write_training(repository: GraphRepository, data: EvaluationInput, reporter: Reporter) -> None:
    """The titles, the training users and their ratings, through the repository's upserts."""
    await repository.upsert_genres([TaxonomyIn(id=k, name=v) for k, v in normalise.GENRES.items()])
    await repository.upsert_moods([TaxonomyIn(id=k, name=v) for k, v in normalise.MOODS.items()])
    await _in_chunks("writing titles", _contents(data), repository.upsert_contents, reporter)
    users = sorted({r.user_id for r in data.training})
    await _in_chunks("writing users", [UserIn(id=user_id(u)) for u in users], repository.upsert_users, reporter)
    interactions = [InteractionIn(user_id=user_id(r.user_id), content_id=title_id(r.movie_id), signal=Signal.RATING,
                                  rating=r.stars, at=r.at_ms) for r in data.training]
    await _in_chunks("writing ratings", interactions, repository.upsert_interactions, reporter)


async def _in_chunks(stage: str, records: Sequence[Any], upsert: Callable[[Sequence[Any]], Any],
                     reporter: Reporter) -> None:
    reporter.stage(stage, len(records))
    for start in range(0, len(records), WRITE_CHUNK):
        await upsert(records[start : start + WRITE_CHUNK])
        reporter.advance(min(start + WRITE_CHUNK, len(records)))


# --- the GraphSAGE model (graph/sage.py), when there is one ------------------------------------------------------


@dataclass
class GnnTraining:
    """The GraphSAGE module's training graph and how to train on it, or why there is none."""

    graph: Any = None
    train: Callable[[Any], EmbeddingModel] | None = None
    unavailable: str | None = None

    def without(self, held_out: Mapping[str, set[str]]) -> Any:
        """The training graph without the (user, title) pairs of `held_out`."""
        from mediagateway.graph.training_graph import TrainingGraph

        graph = self.graph
        users = np.asarray(graph.interaction_users)
        titles = np.asarray(graph.interaction_titles)
        keep = np.array([graph.title_ids[t] not in held_out.get(graph.user_ids[u], ()) for u, t in zip(users, titles,
                                                                                                      strict=True)])
        return TrainingGraph.from_arrays(
            graph.user_ids, graph.title_ids, users[keep], titles[keep], np.asarray(graph.interaction_weights)[keep],
            person_ids=graph.person_ids, genre_ids=graph.genre_ids, mood_ids=graph.mood_ids,
            title_person=graph.title_person, title_genre=graph.title_genre, title_mood=graph.title_mood,
            title_text=graph.title_text)


async def gnn_training(store: GraphStore, options: EvaluationOptions, settings: Settings,
                       reporter: Reporter) -> GnnTraining:
    if not options.gnn:
        return GnnTraining(unavailable="left out (--no-gnn)")
    try:
        from mediagateway.graph.sage import SageConfig, train
        from mediagateway.graph.training_graph import training_graph_from_store
    except ImportError as exc:
        return GnnTraining(unavailable=f"not available ({exc})")
    config = SageConfig(max_epochs=options.gnn_epochs, hidden=settings.gnn_embedding_dim, seed=options.seed)

    def run(graph: Any) -> EmbeddingModel:
        reporter.stage("training GraphSAGE (epochs)", options.gnn_epochs)
        model: EmbeddingModel = train(graph, config, progress=lambda epoch, _loss: reporter.advance(epoch))
        return model

    return GnnTraining(graph=await training_graph_from_store(store), train=run)


# --- ranking -----------------------------------------------------------------------------------------------------


def context_of(viewer: Viewer) -> ViewingContext:
    return ViewingContext(now_ms=viewer.last_seen_at)


async def rank_all(strategy: Strategy, data: RecommendationData, relevant: Mapping[str, set[str]], reporter: Reporter,
                   label: str) -> Scores:
    tally = Tally(label, int(data.catalog.recommendable.sum()))
    reporter.stage(f"ranking: {label}", len(relevant))
    for done, (viewer_id, titles) in enumerate(relevant.items(), start=1):
        viewer = data.viewer(viewer_id)
        started = time.perf_counter()
        ranked = await strategy.recommend(viewer, K, context_of(viewer))
        tally.add([s.title_id for s in ranked], titles, time.perf_counter() - started)
        reporter.advance(done)
    return tally.scores()


def relevant_titles(data: RecommendationData, test: Iterable[Rating]) -> dict[str, set[str]]:
    """Each test user's relevant titles: every test rating, less what they rated in training."""
    relevant: dict[str, set[str]] = {}
    for rating in test:
        relevant.setdefault(user_id(rating.user_id), set()).add(title_id(rating.movie_id))
    kept = {u: titles - data.viewer(u).seen for u, titles in sorted(relevant.items())}
    return {u: titles for u, titles in kept.items() if titles}


def sample(relevant: dict[str, set[str]], count: int | None, seed: int) -> dict[str, set[str]]:
    if count is None or count >= len(relevant):
        return relevant
    users = sorted(relevant)
    chosen = np.random.default_rng(seed).choice(len(users), size=count, replace=False)
    return {users[i]: relevant[users[i]] for i in sorted(chosen.tolist())}


# --- tuning the fusion weights on a validation split of the training data ----------------------------------------


def validation_split(data: RecommendationData, seed: int) -> tuple[RecommendationData, dict[str, set[str]]]:
    """The training data less a seeded `TEST_SHARE` of each viewer's titles, and those titles per viewer."""
    rng = np.random.default_rng(seed)
    kept: list[Viewer] = []
    held_out: dict[str, set[str]] = {}
    for viewer in data.viewers.values():
        titles = sorted(viewer.tastes)
        chosen = {titles[i] for i in rng.permutation(len(titles))[: round(TEST_SHARE * len(titles))]}
        if chosen:
            held_out[viewer.id] = chosen
        kept.append(Viewer(viewer.id, {t: taste for t, taste in viewer.tastes.items() if t not in chosen}))
    return RecommendationData(data.catalog, kept), held_out


@dataclass(frozen=True)
class Tuned:
    chosen: Candidate
    default: Candidate


async def tune_weights(data: RecommendationData, gnn: GnnTraining, options: EvaluationOptions,
                       reporter: Reporter) -> Tuned:
    """Weights chosen on a validation split: a shortlist by fusion alone, then the whole hybrid decides."""
    reduced, held_out = validation_split(data, options.seed + 1)
    model = gnn.train(gnn.without(held_out)) if gnn.train is not None else None
    lineup = Lineup.of(reduced, model)
    hybrid = lineup.hybrid(options.weights)
    users = sample({u: t for u, t in held_out.items() if u in reduced.viewers}, options.max_users, options.seed)
    reporter.stage("validation rankings", len(users))
    rankings: dict[str, dict[str, list[Scored]]] = {}
    for done, viewer_id in enumerate(users, start=1):
        viewer = reduced.viewer(viewer_id)
        rankings[viewer_id] = await hybrid.rankings(viewer, context_of(viewer))
        reporter.advance(done)
    validation = [ValidationUser({name: [s.title_id for s in ranked] for name, ranked in rankings[u].items()},
                                 relevant) for u, relevant in users.items()]
    shortlist = [c.weights for c in grid_search(validation, list(lineup.strategies), options.weights, SHORTLIST)]
    reporter.stage("validation: the shortlist as the hybrid ranks", len(shortlist) + 1)
    scored = []
    for done, weights in enumerate([options.weights, *shortlist], start=1):
        scored.append(_as_the_hybrid_ranks(hybrid, rankings, users, weights))
        reporter.advance(done)
    return Tuned(best(scored), scored[0])


def _as_the_hybrid_ranks(hybrid: HybridStrategy, rankings: Mapping[str, Mapping[str, list[Scored]]],
                         relevant: Mapping[str, set[str]], weights: FusionWeights) -> Candidate:
    ndcg, recall = [], []
    for viewer_id, titles in relevant.items():
        ranked = [s.title_id for s in hybrid.fuse(rankings[viewer_id], K, weights)[:K]]
        ndcg.append(ndcg_at(ranked, titles, 10))
        recall.append(recall_at(ranked, titles, 20))
    return Candidate(weights, float(np.mean(ndcg)), float(np.mean(recall)))


# --- the whole run -----------------------------------------------------------------------------------------------


async def evaluate(settings: Settings, data: EvaluationInput, options: EvaluationOptions = EvaluationOptions(),
                   reporter: Reporter | None = None) -> EvaluationReport:
    reporter = reporter or Silent()
    if not data.training:
        raise EvaluationError("the training data holds no ratings: there is nothing to learn from")
    if not data.test:
        raise EvaluationError("the test data holds no ratings: there is nothing to measure against")
    report = EvaluationReport(data.description, PROTOCOL, {"training ratings": len(data.training),
                                                           "test ratings": len(data.test)})
    clock = time.perf_counter()
    async with isolated_graph(settings) as runtime:
        await write_training(runtime.repository, data, reporter)
        reporter.stage("reading the graph back")
        snapshot = await RecommendationData.load(runtime.store, lambda _what, read: reporter.advance(read))
        try:
            snapshot.check_enough()
        except ValueError as exc:
            raise EvaluationError(f"the training data is too small: {exc}") from exc
        gnn = await gnn_training(runtime.store, options, settings, reporter)
    report.seconds["load"] = round(time.perf_counter() - clock, 1)
    report.counts.update({"users": len(snapshot.viewer_ids), "titles": len(snapshot.catalog)})
    clock = time.perf_counter()
    model = await asyncio.to_thread(gnn.train, gnn.graph) if gnn.train is not None else None
    if gnn.unavailable:
        report.notes.append(f"gnn: {gnn.unavailable}; the hybrid fuses the other strategies")
    lineup = Lineup.of(snapshot, model)
    baselines: dict[str, Strategy] = {"item_knn": ItemKnnStrategy(snapshot),
                                      "most_popular": MostPopularStrategy(snapshot)}
    report.seconds["train"] = round(time.perf_counter() - clock, 1)
    report.weights["default"] = options.weights.as_dict()
    tuned = await _tuned(snapshot, gnn, options, reporter, report)
    relevant = sample(relevant_titles(snapshot, data.test), options.max_users, options.seed)
    report.counts["test users evaluated"] = len(relevant)
    clock = time.perf_counter()
    for name, strategy in lineup.strategies.items():
        report.rows.append(Row("strategy", await rank_all(strategy, snapshot, relevant, reporter, name)))
    report.rows.append(Row("strategy", await rank_all(lineup.popularity, snapshot, relevant, reporter,
                                                      "popularity")))
    report.rows.append(Row("hybrid", await rank_all(lineup.hybrid(options.weights), snapshot, relevant, reporter,
                                                    "hybrid")))
    if tuned is not None and tuned.chosen.weights != options.weights:
        tuned_hybrid = lineup.hybrid(tuned.chosen.weights)
        report.rows.append(Row("hybrid", await rank_all(tuned_hybrid, snapshot, relevant, reporter, "hybrid (tuned)")))
    for name, baseline in baselines.items():
        report.rows.append(Row("baseline", await rank_all(baseline, snapshot, relevant, reporter, name)))
    report.seconds["rank"] = round(time.perf_counter() - clock, 1)
    report.notes.append(report.verdict())
    return report


async def _tuned(snapshot: RecommendationData, gnn: GnnTraining, options: EvaluationOptions, reporter: Reporter,
                 report: EvaluationReport) -> Tuned | None:
    if not options.tune:
        return None
    clock = time.perf_counter()
    tuned = await tune_weights(snapshot, gnn, options, reporter)
    report.seconds["tune"] = round(time.perf_counter() - clock, 1)
    report.weights["tuned"] = tuned.chosen.weights.as_dict()
    chosen, default = tuned.chosen, tuned.default
    report.notes.append(
        f"weights tuned on a validation split of the training data ({round(TEST_SHARE * 100)}% of each user's "
        f"training ratings, seed {options.seed + 1}; the best {SHORTLIST} of the grid by fusion alone, then ranked "
        f"as the hybrid ranks, MMR included): NDCG@10 {chosen.ndcg_10:.4f} and Recall@20 {chosen.recall_20:.4f} "
        f"there, against {default.ndcg_10:.4f} and {default.recall_20:.4f} with the default weights"
        + ("; the default weights were best" if chosen.weights == options.weights else ""))
    return tuned
