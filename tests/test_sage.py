"""GraphSAGE: the CSR neighbour sampler, the training graph, training and the model, versions on disk, the train
job on a real worker, and users embedded at query time from the live graph."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import redis
import torch

from mediagateway.graph.connect import StoreRuntime
from mediagateway.graph.errors import InvalidInput
from mediagateway.graph.sage import (
    NotEnoughToTrain,
    SageConfig,
    SageModel,
    TrainingGraph,
    popular_titles,
    roc_auc,
    train,
)
from mediagateway.graph.sage_registry import ModelRegistry
from mediagateway.graph.sampler import CsrAdjacency, HeteroCsr, NeighbourSampler, SampledSubgraph, edge_key
from mediagateway.graph.store import VectorIndex
from mediagateway.graph.training_graph import interaction_weight
from mediagateway.graph.user_embedding import needs_refresh, refresh_user_embedding, user_neighbourhood
from mediagateway.jobs.queue import TRAIN_QUEUE, enqueue_train, job_view
from mediagateway.settings import Settings

from . import sage_graphs
from .own_graph import own_graph
from .sage_graphs import title_ids

CLI = str(Path(sys.executable).with_name("mediagateway"))
LIKES, LIKED_BY = ("user", "likes", "title"), ("title", "liked_by", "user")
FAST = SageConfig(max_epochs=30, patience=5)


# --- the sampler -------------------------------------------------------------------------------------------------


def random_likes(users: int = 30, titles: int = 60, edges: int = 400, seed: int = 1) -> HeteroCsr:
    rng = np.random.default_rng(seed)
    keys = np.unique(rng.integers(0, users * titles, size=edges))
    user_index, title_index = torch.from_numpy(keys // titles), torch.from_numpy(keys % titles)
    return HeteroCsr.from_edge_index(
        {"user": users, "title": titles},
        {LIKES: torch.stack([user_index, title_index]), LIKED_BY: torch.stack([title_index, user_index])},
    )


def graph_edges(graph: HeteroCsr, relation: tuple[str, str, str]) -> set[tuple[int, int]]:
    adjacency = graph.relations[relation]
    return {(int(adjacency.col[i]), d) for d in range(adjacency.num_destinations)
            for i in range(int(adjacency.rowptr[d]), int(adjacency.rowptr[d + 1]))}


def sampled_edges(subgraph: SampledSubgraph, relation: tuple[str, str, str]) -> list[tuple[int, int]]:
    sources, destinations = subgraph.edge_index[relation]
    source_nodes, destination_nodes = subgraph.nodes[relation[0]], subgraph.nodes[relation[2]]
    return [(int(source_nodes[s]), int(destination_nodes[d])) for s, d in zip(sources, destinations, strict=True)]


def hop_of(subgraph: SampledSubgraph, node_type: str) -> dict[int, int]:
    """The hop at which each node of the subgraph was first reached (0 for the seeds)."""
    within = subgraph.nodes_within[node_type]
    return {int(node): next(h for h, count in enumerate(within) if position < count)
            for position, node in enumerate(subgraph.nodes[node_type])}


def test_a_csr_lists_every_incoming_neighbour_by_destination() -> None:
    adjacency = CsrAdjacency.from_edges(torch.tensor([0, 2, 1, 2]), torch.tensor([1, 1, 0, 3]), 3, 4)

    assert adjacency.rowptr.tolist() == [0, 1, 3, 3, 4]
    assert adjacency.degree(torch.arange(4)).tolist() == [1, 2, 0, 1]
    assert sorted(adjacency.col[1:3].tolist()) == [0, 2]


def test_a_csr_refuses_an_edge_to_a_node_that_does_not_exist() -> None:
    with pytest.raises(ValueError, match=r"destination indexes must be in \[0, 4\), got 0..4"):
        CsrAdjacency.from_edges(torch.tensor([0, 1]), torch.tensor([0, 4]), 2, 4)


def test_samples_respect_degrees_and_fanout_caps_and_hold_only_graph_edges() -> None:
    graph = random_likes()
    fanout = (3, 2)
    seeds = torch.tensor([4, 0, 7])
    subgraph = NeighbourSampler(graph, fanout, seed=3).sample({"user": seeds})

    assert subgraph.nodes["user"][:3].tolist() == [4, 0, 7]  # seeds first, in the order given
    for relation in (LIKES, LIKED_BY):
        edges = sampled_edges(subgraph, relation)
        assert set(edges) <= graph_edges(graph, relation)  # no foreign edge
        assert len(edges) == len(set(edges))  # without replacement
        hops = hop_of(subgraph, relation[2])
        per_destination = Counter(destination for _, destination in edges)
        adjacency = graph.relations[relation]
        for node, hop in hops.items():
            expected = min(int(adjacency.degree(torch.tensor([node]))), fanout[hop]) if hop < len(fanout) else 0
            assert per_destination[node] == expected, (relation, node, hop)
    for node_type in ("user", "title"):
        nodes = subgraph.nodes[node_type].tolist()
        assert len(nodes) == len(set(nodes))
        reached = {s for relation in (LIKES, LIKED_BY) if relation[0] == node_type
                   for s, _ in sampled_edges(subgraph, relation)}
        assert set(nodes) - set(seeds.tolist() if node_type == "user" else []) <= reached  # no node from nowhere


def test_a_node_with_fewer_neighbours_than_the_fanout_keeps_them_all() -> None:
    edges = torch.tensor([[0, 1, 2], [0, 0, 0]])
    graph = HeteroCsr.from_edge_index({"user": 3, "title": 1}, {LIKED_BY: torch.stack([edges[1], edges[0]])})
    subgraph = NeighbourSampler(graph, (25,), seed=1).sample({"user": torch.tensor([0, 1, 2])})

    assert sorted(sampled_edges(subgraph, LIKED_BY)) == [(0, 0), (0, 1), (0, 2)]


def test_sampling_is_deterministic_with_a_seed_and_differs_across_seeds() -> None:
    graph = random_likes()
    seeds = {"user": torch.arange(10)}

    first = NeighbourSampler(graph, (3, 2), seed=5).sample(seeds)
    again = NeighbourSampler(graph, (3, 2), seed=5).sample(seeds)
    other = NeighbourSampler(graph, (3, 2), seed=6).sample(seeds)

    for relation in (LIKES, LIKED_BY):
        assert torch.equal(first.edge_index[relation], again.edge_index[relation])
    assert all(torch.equal(first.nodes[t], again.nodes[t]) for t in first.nodes)
    assert sampled_edges(first, LIKES) != sampled_edges(other, LIKES)


def test_sampling_is_uniform_over_a_nodes_neighbours() -> None:
    titles = torch.arange(10)
    graph = HeteroCsr.from_edge_index({"user": 1, "title": 10},
                                      {LIKES: torch.stack([torch.zeros(10, dtype=torch.long), titles]),
                                       LIKED_BY: torch.stack([titles, torch.zeros(10, dtype=torch.long)])})
    sampler = NeighbourSampler(graph, (1,), seed=11)
    counts = Counter(sampled_edges(sampler.sample({"user": torch.tensor([0])}), LIKED_BY)[0][0] for _ in range(2000))

    assert set(counts) == set(range(10))
    assert all(130 <= count <= 270 for count in counts.values()), counts  # 200 each expected


def test_excluded_edges_are_never_sampled_and_the_fanout_is_filled_from_the_others() -> None:
    graph = random_likes(users=5, titles=40, edges=150)
    adjacency = graph.relations[LIKED_BY]
    neighbours = adjacency.col[int(adjacency.rowptr[0]) : int(adjacency.rowptr[1])]
    banned = neighbours[:3]
    excluded = {LIKED_BY: edge_key(banned, torch.zeros(3, dtype=torch.long), 5)}

    for seed in range(20):
        subgraph = NeighbourSampler(graph, (neighbours.numel() - 3,), seed=seed).sample(
            {"user": torch.tensor([0])}, excluded)
        titles = [t for t, u in sampled_edges(subgraph, LIKED_BY) if u == 0]
        assert set(titles) == set(neighbours[3:].tolist())


def test_bad_seeds_are_refused_with_what_is_wrong() -> None:
    sampler = NeighbourSampler(random_likes(), (2,), seed=1)
    with pytest.raises(ValueError, match="user seeds must be distinct"):
        sampler.sample({"user": torch.tensor([1, 1])})
    with pytest.raises(ValueError, match=r"user seed indexes must be in \[0, 30\)"):
        sampler.sample({"user": torch.tensor([30])})
    with pytest.raises(ValueError, match="seed node type 'person' is not in the graph"):
        sampler.sample({"person": torch.tensor([0])})


# --- the training graph, the refresh rule, the configuration -------------------------------------------------------


def test_a_user_title_pair_is_one_edge_weighed_by_its_strongest_interaction() -> None:
    graph = TrainingGraph.from_arrays(["u0", "u1"], ["t0", "t1"], [0, 0, 0, 1, 1], [0, 0, 1, 1, 1],
                                      [0.25, -0.75, 0.0, 0.5, 1.0])

    edges = list(zip(graph.interaction_users.tolist(), graph.interaction_titles.tolist(),
                     graph.interaction_weights.tolist(), strict=True))
    assert edges == [(0, 0, -0.75), (1, 1, 1.0)]  # the middling rating (0) says nothing and is gone


@pytest.mark.parametrize(("arguments", "message"), [
    ({"interaction_titles": [0, 5]}, r"interaction_titles: index 5 is out of range for 2 ids"),
    ({"interaction_weights": [0.5]}, "must have one length, got 2, 2 and 1"),
    ({"interaction_weights": [0.5, 1.5]}, r"interaction_weights must be finite and within \[-1, 1\]"),
    ({"user_ids": ["u0", "u0"]}, "user_ids: 'u0' appears twice"),
    ({"title_genre": [[0], [3]]}, r"title_genre\[1\] \(genre\): index 3 is out of range for 1 ids"),
    ({"title_text": np.zeros((3, 4))}, r"title_text must be \[titles, dimension\] = \[2, d\], got shape \(3, 4\)"),
])
def test_a_bad_training_graph_is_refused_naming_what_is_wrong(arguments: dict[str, object], message: str) -> None:
    given: dict[str, object] = {"user_ids": ["u0", "u1"], "title_ids": ["t0", "t1"], "interaction_users": [0, 1],
                                "interaction_titles": [0, 1], "interaction_weights": [0.5, -0.5],
                                "genre_ids": ["g"], **arguments}
    with pytest.raises(ValueError, match=message):
        TrainingGraph.from_arrays(**given)  # type: ignore[arg-type]


@pytest.mark.parametrize(("row", "expected"), [
    ({"type": "RATED", "rating": 5.0}, 0.9),
    ({"type": "RATED", "rating": 10.0}, 0.9),  # above five stars: counts as five
    ({"type": "RATED", "rating": 1.0}, -0.875),
    ({"type": "WATCHED", "completed": True}, 1.0),
    ({"type": "WATCHED", "completed": False}, 0.5),
    ({"type": "INTERACTED", "signal": "skip"}, -0.5),
])
def test_stored_interactions_weigh_as_their_signal(row: dict[str, object], expected: float) -> None:
    assert interaction_weight({"rating": None, "completed": None, "signal": None, **row}) == expected


def test_a_tiny_graph_is_not_trained_on_and_the_error_says_what_is_missing() -> None:
    tiny = TrainingGraph.from_arrays(["u0", "u1"], ["t0", "t1"], [0, 0, 1], [0, 1, 1], [0.9, 0.9, 0.0])

    with pytest.raises(NotEnoughToTrain, match=r"2 interaction\(s\) from 1 user\(s\) over 2 title\(s\); it needs at "
                                               r"least 10 interactions .* from at least 2 users"):
        train(tiny, FAST)


@pytest.mark.parametrize(("new", "since_ms", "strongest", "expected"), [
    (5, 3_600_000, 0.6, True),
    (12, 86_400_000, 1.0, True),
    (4, 86_400_000, 1.0, False),  # too few new interactions
    (5, 3_599_999, 1.0, False),  # not an hour yet
    (20, 86_400_000, 0.5, False),  # nothing strong: watch starts, clicks
    (20, 86_400_000, -1.0, False),  # strong evidence against is not a reason
])
def test_a_user_vector_is_refreshed_after_five_interactions_an_hour_and_a_strong_signal(
    new: int, since_ms: int, strongest: float, expected: bool
) -> None:
    assert needs_refresh(new, since_ms, strongest) is expected


def test_the_refresh_rule_refuses_impossible_input() -> None:
    with pytest.raises(ValueError, match="new_interactions must be 0 or more, got -1"):
        needs_refresh(-1, 0, 1.0)
    with pytest.raises(ValueError, match=r"strongest_signal_weight must be a signal weight in \[-1, 1\], got 3"):
        needs_refresh(5, 3_600_000, 3)


def test_a_bad_configuration_is_refused_naming_each_problem() -> None:
    with pytest.raises(ValueError, match=r"layers must be between 1 and 3, got 4; fanout needs a positive entry for "
                                         r"each of the 4 layers, got \(25, 15, 10\)"):
        SageConfig(layers=4)
    with pytest.raises(ValueError, match="lr must be positive, got 0"):
        SageConfig(lr=0)


def test_roc_auc_counts_ties_as_half() -> None:
    assert roc_auc(np.array([0.9, 0.8]), np.array([0.1, 0.2])) == 1.0
    assert roc_auc(np.array([0.5]), np.array([0.5])) == 0.5
    assert roc_auc(np.array([0.1, 0.6]), np.array([0.5])) == 0.5


# --- training and the model (about a second each) --------------------------------------------------------------


@pytest.fixture(scope="module")
def clusters() -> TrainingGraph:
    return sage_graphs.two_cluster_graph()


@pytest.fixture(scope="module")
def model(clusters: TrainingGraph) -> SageModel:
    return train(clusters, FAST, validation=0.2)


def cluster_of(title_id: str) -> str:
    return title_id[2]


def test_training_on_two_taste_clusters_separates_them(model: SageModel) -> None:
    assert model.metrics.validation_auc > 0.8, model.metrics
    assert model.metrics.best_epoch >= 1 and model.metrics.validation_edges > 0
    titles = np.array([cluster_of(t) for t in model.title_ids])
    for row, user in enumerate(model.user_ids):
        scores = model.score(model.user_vectors()[row])
        own = titles == user[2]
        assert scores[own].min() > scores[~own].max(), user  # every title of the user's cluster ranks first


def test_progress_is_told_of_every_epoch_and_early_stopping_keeps_the_best(clusters: TrainingGraph) -> None:
    told: list[tuple[int, float]] = []
    trained = train(clusters, replace(FAST, max_epochs=60, patience=2), lambda epoch, loss: told.append((epoch, loss)),
                    validation=0.2)

    assert [epoch for epoch, _ in told] == list(range(1, trained.metrics.epochs + 1))
    assert trained.metrics.best_validation_loss == min(loss for _, loss in told)
    assert trained.metrics.stopped_early and trained.metrics.epochs == trained.metrics.best_epoch + 2


def test_a_new_user_is_embedded_from_their_titles_without_retraining(model: SageModel) -> None:
    empty = model.embed_user([])
    for cluster, other in (("a", "b"), ("b", "a")):
        rated = title_ids(cluster)[:5]
        vector = model.embed_user([(t, 0.9) for t in rated])
        assert not np.allclose(vector, empty, atol=1e-3)
        assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)
        scores = dict(zip(model.title_ids, model.score(vector).tolist(), strict=True))
        unrated_own = [scores[t] for t in title_ids(cluster)[5:]]
        assert min(unrated_own) > max(scores[t] for t in title_ids(other)), cluster


def test_embedding_a_user_ignores_unknown_titles_and_refuses_a_bad_weight(model: SageModel) -> None:
    known = [("t-a1", 0.9), ("t-a2", 1.0)]
    assert np.array_equal(model.embed_user([*known, ("not-in-the-model", 0.9)]), model.embed_user(known))
    with pytest.raises(ValueError, match=r"interactions\[1\]: weight must be a number in \[-1, 1\], got 2"):
        model.embed_user([("t-a1", 0.9), ("t-a2", 2)])
    assert np.array_equal(model.embed_user([("t-a1", np.float32(0.9))]), model.embed_user([("t-a1", 0.9)]))
    with pytest.raises(ValueError, match="user_vector must have 64 dimensions, got 3"):
        model.score(np.ones(3))
    cold = model.embed_user([])
    with pytest.raises(ValueError, match=r"title_indexes must be in \[0, 40\), got 2..40"):
        model.score(cold, np.array([2, 40]))
    assert np.allclose(model.score(cold, np.array([3, 1])), model.score(cold)[[3, 1]], atol=1e-6)


def test_a_saved_model_loads_back_scoring_the_same(model: SageModel, tmp_path: Path) -> None:
    path = model.save(tmp_path)
    loaded = SageModel.load(path)

    assert path == tmp_path / model.version
    assert loaded.version == model.version and loaded.config == model.config and loaded.metrics == model.metrics
    assert loaded.title_ids == model.title_ids and loaded.user_ids == model.user_ids
    for row in range(0, len(model.user_ids), 7):
        assert np.array_equal(loaded.score(loaded.user_vectors()[row]), model.score(model.user_vectors()[row]))
    interactions = [("t-b3", 0.9), ("t-b4", 0.6), ("t-a1", -0.75)]
    assert np.array_equal(loaded.embed_user(interactions), model.embed_user(interactions))
    assert np.array_equal(loaded.embed_user(interactions, user_id="u-b1"),
                          model.embed_user(interactions, user_id="u-b1"))


def test_loading_what_is_not_a_model_says_so(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"is not a saved GraphSAGE model: model\.json is missing"):
        SageModel.load(tmp_path)


def test_negatives_are_drawn_by_the_square_root_of_their_likes(clusters: TrainingGraph) -> None:
    every_edge = np.ones(clusters.interaction_users.size, dtype=bool)
    liked = np.bincount(clusters.interaction_titles[clusters.interaction_weights > 0],
                        minlength=len(clusters.title_ids))

    def shares(exponent: float) -> np.ndarray:
        drawn = popular_titles(clusters, every_edge, exponent, np.random.default_rng(3))(40_000)
        return np.bincount(drawn, minlength=len(clusters.title_ids)) / 40_000

    leaning = np.sqrt(1.0 + liked)
    assert liked.min() < liked.max()
    assert np.allclose(shares(0.5), leaning / leaning.sum(), atol=0.004)  # five standard deviations
    assert np.allclose(shares(0.0), 1 / len(clusters.title_ids), atol=0.004)


def test_held_out_pairs_can_be_given_instead_of_a_fraction(clusters: TrainingGraph) -> None:
    users, titles = clusters.user_ids, clusters.title_ids
    held_out = np.array([[users.index(f"u-a{n}"), titles.index(f"t-a{n}")] for n in range(10)] +
                        [[users.index(f"u-b{n}"), titles.index(f"t-b{n}")] for n in range(10)])
    trained = train(clusters, replace(FAST, max_epochs=20), validation=held_out)

    assert trained.metrics.validation_edges == 20
    assert trained.metrics.validation_auc > 0.8
    with pytest.raises(ValueError, match=r"validation pairs must be a non-empty \[n, 2\] integer array"):
        train(clusters, FAST, validation=np.zeros((3, 3), dtype=np.int64))


# --- the registry ------------------------------------------------------------------------------------------------


def test_the_registry_switches_current_and_keeps_the_newest_versions(clusters: TrainingGraph, tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path / "models", keep=2)
    assert registry.versions() == [] and registry.current_version() is None and registry.load_current() is None

    trained = [train(clusters, replace(FAST, max_epochs=1)) for _ in range(3)]
    for number, model in enumerate(trained):
        registry.add(model)
        if number < 2:
            registry.make_current(model.version)
    assert registry.versions() == [m.version for m in trained]
    assert registry.current_version() == trained[1].version  # the newest is saved but not yet current

    registry.keep = 1
    assert registry.prune() == [trained[0].version]  # the current one stays, however old
    assert registry.versions() == [trained[1].version, trained[2].version]
    current = registry.load_current()
    assert current is not None and current.version == trained[1].version
    with pytest.raises(ValueError, match=f"no model version 'nope' in {registry.directory}"):
        registry.make_current("nope")
    assert [p.name for p in registry.directory.iterdir() if p.name.startswith(".")] == []


# --- the train job on a real worker, and users refreshed from the live graph ------------------------------------


@pytest.fixture
async def store_of(embedded_settings: Settings) -> AsyncIterator[tuple[Settings, StoreRuntime]]:
    """Settings and runtime of a graph of this test's own, holding the two clusters, with an empty train queue."""
    async with own_graph(embedded_settings, "sage-") as (settings, runtime):
        await sage_graphs.load_catalog(runtime.repository)
        yield settings, runtime


def env_of(settings: Settings) -> dict[str, str]:
    return {**os.environ, "MG_DATA_DIR": str(settings.data_dir), "MG_GRAPH_NAME": settings.graph_name}


def train_with_a_worker(settings: Settings, runtime: StoreRuntime, max_epochs: int) -> str:
    connection = redis.Redis.from_url(runtime.redis_url)
    job = enqueue_train(connection, max_epochs)
    subprocess.run([CLI, "worker", "--burst", "--queue", TRAIN_QUEUE], env=env_of(settings), check=True,
                   capture_output=True, timeout=300)
    view = job_view(connection, job.id)
    connection.close()
    assert view is not None
    return view.status if view.status != "failed" else f"failed: {view.error}"


@pytest.mark.slow
async def test_the_train_job_writes_vectors_the_gnn_indexes_find_and_a_tiny_graph_changes_nothing(
    store_of: tuple[Settings, StoreRuntime], embedded_settings: Settings
) -> None:
    settings, runtime = store_of
    registry = ModelRegistry.for_settings(settings)

    assert train_with_a_worker(settings, runtime, max_epochs=30) == "finished"
    model = registry.load_current()
    assert model is not None and model.metrics.validation_auc > 0.8
    assert sorted(model.title_ids) == sorted(title_ids("a") + title_ids("b"))
    a_fan = model.user_vectors()[model.user_ids.index("u-a3")]
    hits = await runtime.store.vector_search(VectorIndex.CONTENT_GNN, a_fan.tolist(), k=10)
    assert len(hits) == 10 and all(cluster_of(hit.id) == "a" for hit in hits), hits
    b_title = model.title_vectors()[model.title_ids.index("t-b7")]
    assert (await runtime.store.vector_search(VectorIndex.CONTENT_GNN, b_title.tolist(), k=1))[0].id == "t-b7"
    assert (await runtime.store.vector_search(VectorIndex.USER_GNN, a_fan.tolist(), k=1))[0].id == "u-a3"

    async with own_graph(embedded_settings, "sage-tiny-") as (tiny, tiny_runtime):
        await tiny_runtime.repository.upsert_contents([{"id": "t-1", "kind": "movie", "title": "One"}])
        await tiny_runtime.repository.upsert_users([{"id": "u-1"}])
        await tiny_runtime.repository.upsert_interactions(
            [{"user_id": "u-1", "content_id": "t-1", "signal": "watch_complete", "at": sage_graphs.AT_MS}])
        versions = registry.versions()

        outcome = train_with_a_worker(tiny, tiny_runtime, max_epochs=30)
        assert outcome.startswith("failed: ") and "not enough to train GraphSAGE on: 1 interaction(s) from 1 " \
            "user(s) over 1 title(s)" in outcome, outcome
        assert registry.current_version() == model.version and registry.versions() == versions

        cli = subprocess.run([CLI, "train", "--inline"], env=env_of(tiny), capture_output=True, text=True,
                             timeout=300)
        assert cli.returncode == 1 and "not enough to train GraphSAGE on" in cli.stderr, cli.stderr
        assert registry.current_version() == model.version


async def test_a_new_users_vector_is_refreshed_from_the_live_graph(
    store_of: tuple[Settings, StoreRuntime], model: SageModel
) -> None:
    _, runtime = store_of
    repository = runtime.repository
    await repository.upsert_users([{"id": "u-new"}])
    await repository.upsert_interactions(
        [{"user_id": "u-new", "content_id": t, "signal": "rating", "rating": 5.0, "at": sage_graphs.AT_MS + n}
         for n, t in enumerate(title_ids("b")[:5])])

    vector = await refresh_user_embedding(runtime.store, model, "u-new")

    assert not np.allclose(vector, model.embed_user([]), atol=1e-3)
    assert (await runtime.store.vector_search(VectorIndex.USER_GNN, vector.tolist(), k=1))[0].id == "u-new"
    scores = dict(zip(model.title_ids, model.score(vector).tolist(), strict=True))
    assert min(scores[t] for t in title_ids("b")[5:]) > max(scores[t] for t in title_ids("a"))
    with pytest.raises(InvalidInput, match="user_id: no user 'u-nobody'"):
        await refresh_user_embedding(runtime.store, model, "u-nobody")


async def test_the_neighbourhood_read_is_the_newest_interactions_that_say_something(
    store_of: tuple[Settings, StoreRuntime], model: SageModel
) -> None:
    _, runtime = store_of
    await runtime.repository.upsert_users([{"id": "u-many"}])
    titles = title_ids("a") + title_ids("b")
    middling = {t for n, t in enumerate(titles) if n % 4 == 1}
    await runtime.repository.upsert_interactions(
        [{"user_id": "u-many", "content_id": t, "signal": "rating", "rating": 3.0 if t in middling else 4.0,
          "at": sage_graphs.AT_MS + n} for n, t in enumerate(titles)]
        + [{"user_id": "u-many", "content_id": "t-a0", "signal": "skip", "at": sage_graphs.AT_MS + 100}])

    neighbourhood = await user_neighbourhood(runtime.store, model, "u-many")

    newest_saying_something = [(t, 0.7) for t in reversed(titles) if t not in middling]
    assert len(newest_saying_something) + 1 > model.config.fanout[0]
    assert neighbourhood == [("t-a0", -0.5), *newest_saying_something[: model.config.fanout[0] - 1]]
