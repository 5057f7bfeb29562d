"""GraphSAGE for recommendations: training by link prediction, and the trained model (DESIGN.md, "Scoring").

`train` learns user and title vectors such that a user's vector is close to the titles they want: link prediction
user -> title with binary cross-entropy, positives weighed by their signal weight, `negatives` random titles per
positive as sampled negatives (drawn with a lean towards popular titles, `negative_popularity`) and the
negative-evidence edges (low ratings, skips) as explicit ones; Adam, mini-batches of edges over subgraphs sampled
by `graph/sampler.py`, and early stopping on the loss of a validation slice of the positive edges, whose edges are
kept out of the graph the model learns from, against negatives drawn as training draws them.

Why those negatives (measured on MovieLens, bench/README.md): one uniform title per positive is nearly always one
nobody watches, so the model learnt little beyond popularity (NDCG@10 0.150, below popularity's 0.240), and the
validation loss against such titles bottomed out while the ranking still improved. Eight titles drawn in
proportion to the square root of their likes make it tell apart the titles that compete for the top.

A `SageModel` holds the final vectors (L2-normalised: their cosine is the model's ranking) and embeds users it has
never seen from their titles (`embed_user`), without retraining. `ModelRegistry` (graph/sage_registry.py) keeps
the versions on disk.
"""

from __future__ import annotations

import copy
import json
import math
import numbers
import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as functional
from torch import Tensor

from mediagateway.graph.sage_network import (
    DISLIKED_BY,
    DISLIKES,
    LIKED_BY,
    LIKES,
    NODE_TYPES,
    TITLE,
    USER,
    SageNetwork,
    message_edges,
)
from mediagateway.graph.sampler import EdgeType, HeteroCsr, NeighbourSampler, edge_key
from mediagateway.graph.training_graph import NotEnoughToTrain, TrainingGraph, strongest_per_pair

__all__ = ["NotEnoughToTrain", "SageConfig", "SageModel", "TrainingGraph", "TrainingMetrics", "train"]

MAX_LAYERS = 3
TITLES_PER_NEGATIVE = 1_000
"""at most one sampled negative per this many titles (at least one): in a small catalog, many draws per positive
would push down most of what a user has not rated yet, including what they would like"""
FORMAT = 1
Progress = Callable[[int, float], None]
"""Told after each epoch: the epoch (from 1) and its validation loss."""


@dataclass(frozen=True)
class SageConfig:
    """Training settings; the defaults are DESIGN.md's. `hidden` must equal the gnn vector indexes' dimension
    (`Settings.gnn_embedding_dim`) for the vectors to be written to the graph."""

    layers: int = 2
    fanout: tuple[int, ...] = (25, 15, 10)
    hidden: int = 64
    lr: float = 1e-3
    batch_size: int = 256
    patience: int = 5
    max_epochs: int = 50
    seed: int = 7
    negatives: int = 8
    """random titles drawn as negatives per positive edge (fewer in a small catalog: `TITLES_PER_NEGATIVE`)"""
    negative_popularity: float = 0.5
    """negatives are drawn in proportion to (1 + a title's likes) ** this: 0 uniform, 1 as popular as they are"""
    unknown_user_rate: float = 0.25
    """share of a batch's users fed as "a user never seen", so that new users are embedded from their titles"""
    batches_per_epoch: int | None = None
    """at most this many batches an epoch (None: every training edge once); each epoch draws a fresh shuffle"""
    threads: int = 1
    """torch threads while training and embedding; the cores are shared with the database, and on two busy cores
    one thread ran small sparse operations up to 100 times faster than two (bench/README.md)"""

    def __post_init__(self) -> None:
        object.__setattr__(self, "fanout", tuple(self.fanout))
        problems = [
            f"layers must be between 1 and {MAX_LAYERS}, got {self.layers}" if not 1 <= self.layers <= MAX_LAYERS
            else "",
            f"fanout needs a positive entry for each of the {self.layers} layers, got {self.fanout}"
            if len(self.fanout) < self.layers or any(f < 1 for f in self.fanout[: self.layers]) else "",
            f"hidden must be positive, got {self.hidden}" if self.hidden < 1 else "",
            f"lr must be positive, got {self.lr}" if not self.lr > 0 else "",
            f"batch_size must be positive, got {self.batch_size}" if self.batch_size < 1 else "",
            f"patience must be positive, got {self.patience}" if self.patience < 1 else "",
            f"max_epochs must be positive, got {self.max_epochs}" if self.max_epochs < 1 else "",
            f"negatives must be positive, got {self.negatives}" if self.negatives < 1 else "",
            f"unknown_user_rate must be in [0, 1), got {self.unknown_user_rate}"
            if not 0 <= self.unknown_user_rate < 1 else "",
            f"batches_per_epoch must be positive, got {self.batches_per_epoch}"
            if self.batches_per_epoch is not None and self.batches_per_epoch < 1 else "",
            f"threads must be positive, got {self.threads}" if self.threads < 1 else "",
        ]
        if found := [p for p in problems if p]:
            raise ValueError("invalid SageConfig: " + "; ".join(found))

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> SageConfig:
        known: dict[str, Any] = {f.name: values[f.name] for f in fields(cls) if f.name in values}
        return cls(**known)


@dataclass(frozen=True)
class TrainingMetrics:
    epochs: int
    best_epoch: int
    best_validation_loss: float
    validation_auc: float
    """ROC AUC of held-out positives against random titles the user has not liked, at the best epoch"""
    wall_time_s: float
    training_edges: int
    validation_edges: int
    stopped_early: bool


# --- validation split and scores ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Split:
    in_training: np.ndarray
    """mask over the graph's interactions: those the model learns from and passes messages along"""
    users: np.ndarray
    titles: np.ndarray
    weights: np.ndarray
    negative_titles: np.ndarray
    """one title per positive drawn uniformly among those its user has not liked: what the AUC is measured against"""


def _positive_keys(graph: TrainingGraph, extra: np.ndarray | None = None) -> np.ndarray:
    liked = graph.interaction_weights > 0
    keys = graph.interaction_users[liked] * len(graph.title_ids) + graph.interaction_titles[liked]
    if extra is not None:
        keys = np.concatenate([keys, extra[:, 0] * len(graph.title_ids) + extra[:, 1]])
    return np.unique(keys)


TitleDraw = Callable[[int], np.ndarray]
"""Draws that many title indexes at random."""


def uniform_titles(titles: int, rng: np.random.Generator) -> TitleDraw:
    return lambda count: rng.integers(0, titles, size=count)


def popular_titles(graph: TrainingGraph, in_training: np.ndarray, exponent: float, rng: np.random.Generator
                   ) -> TitleDraw:
    """Titles drawn in proportion to (1 + users who liked them) ** `exponent`: 0 is uniform. Uniform negatives
    are mostly titles nobody watches, which teaches little beyond popularity; popular ones make the model tell
    apart the titles that compete for the top of a ranking."""
    if exponent == 0:
        return uniform_titles(len(graph.title_ids), rng)
    liked = in_training & (graph.interaction_weights > 0)
    degree = np.bincount(graph.interaction_titles[liked], minlength=len(graph.title_ids))
    cumulative = np.cumsum((1.0 + degree) ** exponent)
    cumulative /= cumulative[-1]
    return lambda count: np.searchsorted(cumulative, rng.random(count), side="right").clip(max=cumulative.size - 1)


def _titles_not_liked(users: np.ndarray, titles: int, liked_keys: np.ndarray, draw: TitleDraw,
                      attempts: int = 10) -> np.ndarray:
    """A random title per user, redrawn (a few times at most) while it is one the user liked."""
    drawn = draw(users.size)
    for _ in range(attempts):
        keys = users * titles + drawn
        found = np.searchsorted(liked_keys, keys).clip(max=max(liked_keys.size - 1, 0))
        clash = liked_keys[found] == keys if liked_keys.size else np.zeros(users.size, dtype=bool)
        if not clash.any():
            break
        drawn[clash] = draw(int(clash.sum()))
    return drawn


def _split(graph: TrainingGraph, validation: float | np.ndarray, liked_keys: np.ndarray,
           rng: np.random.Generator) -> _Split:
    """`validation`: a share of the positive edges to hold out, or pairs already checked by `_held_out_pairs`."""
    if isinstance(validation, np.ndarray):
        users, chosen_titles = validation[:, 0], validation[:, 1]
        weights = np.ones(users.size, dtype=np.float32)
        in_training = np.ones(graph.interaction_users.size, dtype=bool)
    else:
        if not 0 < validation < 1:
            raise ValueError(f"validation must be a fraction in (0, 1) or [n, 2] held-out pairs, got {validation}")
        positives = np.flatnonzero(graph.interaction_weights > 0)
        if positives.size < 2:
            raise NotEnoughToTrain(f"validation needs at least 2 positive interactions, got {positives.size}")
        count = min(max(1, round(validation * positives.size)), positives.size - 1)
        chosen = rng.choice(positives, size=count, replace=False)
        in_training = np.ones(graph.interaction_users.size, dtype=bool)
        in_training[chosen] = False
        users, chosen_titles = graph.interaction_users[chosen], graph.interaction_titles[chosen]
        weights = graph.interaction_weights[chosen]
    negatives = _titles_not_liked(users, len(graph.title_ids), liked_keys, uniform_titles(len(graph.title_ids), rng))
    return _Split(in_training, users, chosen_titles, weights, negatives)


def _held_out_pairs(pairs: np.ndarray, users: int, titles: int) -> np.ndarray:
    if pairs.ndim != 2 or pairs.shape[1] != 2 or pairs.shape[0] == 0 or not np.issubdtype(pairs.dtype, np.integer):
        raise ValueError(f"validation pairs must be a non-empty [n, 2] integer array of (user index, title index), "
                         f"got {pairs.dtype} of shape {pairs.shape}")
    for column, size, name in ((0, users, "user"), (1, titles, "title")):
        if pairs[:, column].min() < 0 or pairs[:, column].max() >= size:
            raise ValueError(f"validation pairs: a {name} index is out of range for {size} {name}s")
    return pairs.astype(np.int64)


def roc_auc(positive_scores: np.ndarray, negative_scores: np.ndarray) -> float:
    """The probability that a positive outscores a negative (ties count half): the Mann-Whitney U statistic."""
    scores = np.concatenate([positive_scores, negative_scores])
    order = scores.argsort(kind="stable")
    ranks = np.empty(scores.size, dtype=np.float64)
    ranks[order] = np.arange(1, scores.size + 1)
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    ranks = (sums / counts)[inverse]
    n_pos, n_neg = positive_scores.size, negative_scores.size
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


# --- training ----------------------------------------------------------------------------------------------------


def _all_nodes(graph: TrainingGraph, cold_users: np.ndarray, unknown_user: int) -> dict[str, Tensor]:
    nodes = {node_type: torch.arange(count) for node_type, count in graph.num_nodes.items()}
    nodes[USER] = torch.where(torch.from_numpy(cold_users), unknown_user, nodes[USER])
    return nodes


def _users_without_edges(graph: TrainingGraph, in_training: np.ndarray) -> np.ndarray:
    return np.bincount(graph.interaction_users[in_training], minlength=len(graph.user_ids)) == 0


class _Trainer:
    """One training run: the network, its optimiser, the sampler over the training graph, the validation slice."""

    def __init__(self, graph: TrainingGraph, config: SageConfig, validation: float | np.ndarray) -> None:
        self.graph, self.config = graph, config
        torch.manual_seed(config.seed)
        self.rng = np.random.default_rng(config.seed)
        if isinstance(validation, np.ndarray):
            validation = _held_out_pairs(validation, len(graph.user_ids), len(graph.title_ids))
        self.liked_keys = _positive_keys(graph, validation if isinstance(validation, np.ndarray) else None)
        self.split = _split(graph, validation, self.liked_keys, self.rng)
        self.edges = message_edges(graph, self.split.in_training)
        self.sampler = NeighbourSampler(HeteroCsr.from_edge_index(graph.num_nodes, self.edges),
                                        config.fanout[: config.layers], config.seed)
        self.network = SageNetwork(graph.num_nodes, graph.text_dim, config.hidden, config.layers)
        self.optimizer = torch.optim.Adam(self.network.parameters(), lr=config.lr)
        self.title_text = None if graph.title_text is None else torch.from_numpy(graph.title_text)
        self.draw_negative = popular_titles(graph, self.split.in_training, config.negative_popularity, self.rng)
        self.negatives = max(1, min(config.negatives, len(graph.title_ids) // TITLES_PER_NEGATIVE))
        self.validation_users = np.repeat(self.split.users, self.negatives)
        self.validation_negatives = _titles_not_liked(self.validation_users, len(graph.title_ids), self.liked_keys,
                                                      self.draw_negative)
        kept = self.split.in_training
        self.users, self.titles = graph.interaction_users[kept], graph.interaction_titles[kept]
        self.labels = (graph.interaction_weights[kept] > 0).astype(np.float32)
        self.weights = np.abs(graph.interaction_weights[kept]).astype(np.float32)
        self.cold_users = _users_without_edges(graph, kept)

    def epoch(self) -> float:
        """One pass of mini-batches; the mean training loss."""
        self.network.train()
        order = self.rng.permutation(self.users.size)
        starts = range(0, order.size, self.config.batch_size)
        if self.config.batches_per_epoch is not None:
            starts = starts[: self.config.batches_per_epoch]
        losses = [self._step(order[start : start + self.config.batch_size]) for start in starts]
        return float(np.mean(losses))

    def _step(self, batch: np.ndarray) -> float:
        users, titles, labels, weights = self._with_negatives(batch)
        seed_users, user_at = np.unique(users, return_inverse=True)
        seed_titles, title_at = np.unique(titles, return_inverse=True)
        subgraph = self.sampler.sample(
            {USER: torch.from_numpy(seed_users), TITLE: torch.from_numpy(seed_titles)},
            self._edges_to_predict(self.users[batch], self.titles[batch], self.labels[batch] > 0),
        )
        nodes = dict(subgraph.nodes)
        unseen = torch.rand(nodes[USER].numel()) < self.config.unknown_user_rate
        nodes[USER] = torch.where(unseen, self.network.unknown_user, nodes[USER])
        final = self.network.sampled_forward(self.network.inputs(nodes, self.title_text), subgraph)
        logits = self.network.logits(final[USER][torch.from_numpy(user_at)], final[TITLE][torch.from_numpy(title_at)])
        loss = _weighted_bce(logits, torch.from_numpy(labels), torch.from_numpy(weights))
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return float(loss.detach())

    def _with_negatives(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The batch's edges and, per positive, `negatives` random titles the user has not liked."""
        users, labels = self.users[batch], self.labels[batch]
        negative_users = np.repeat(users[labels > 0], self.negatives)
        negative_titles = _titles_not_liked(negative_users, len(self.graph.title_ids), self.liked_keys,
                                           self.draw_negative)
        return (np.concatenate([users, negative_users]), np.concatenate([self.titles[batch], negative_titles]),
                np.concatenate([labels, np.zeros(negative_users.size, dtype=np.float32)]),
                np.concatenate([self.weights[batch], np.ones(negative_users.size, dtype=np.float32)]))

    def _edges_to_predict(self, users: np.ndarray, titles: np.ndarray, liked: np.ndarray) -> dict[EdgeType, Tensor]:
        """The batch's own edges, kept out of its subgraph so the model cannot read an answer off the graph."""
        user_count, title_count = len(self.graph.user_ids), len(self.graph.title_ids)
        u, t = torch.from_numpy(users), torch.from_numpy(titles)
        positive, negative = torch.from_numpy(liked), torch.from_numpy(~liked)
        return {
            LIKES: edge_key(u[positive], t[positive], title_count),
            LIKED_BY: edge_key(t[positive], u[positive], user_count),
            DISLIKES: edge_key(u[negative], t[negative], title_count),
            DISLIKED_BY: edge_key(t[negative], u[negative], user_count),
        }

    def validate(self) -> tuple[float, float]:
        """The validation slice's loss against negatives drawn as training draws them, and its AUC against uniform
        ones, with every node's vector computed over the whole training graph."""
        self.network.eval()
        with torch.inference_mode():
            nodes = _all_nodes(self.graph, self.cold_users, self.network.unknown_user)
            final = self.network.states(self.network.inputs(nodes, self.title_text), self.edges)[-1]
            split = self.split

            def logits(users: np.ndarray, titles: np.ndarray) -> Tensor:
                return self.network.logits(final[USER][torch.from_numpy(users)], final[TITLE][torch.from_numpy(titles)])

            positives = logits(split.users, split.titles)
            drawn = logits(self.validation_users, self.validation_negatives)
            labels = torch.cat([torch.ones(positives.numel()), torch.zeros(drawn.numel())])
            weights = torch.cat([torch.from_numpy(split.weights.astype(np.float32)), torch.ones(drawn.numel())])
            loss = float(_weighted_bce(torch.cat([positives, drawn]), labels, weights))
            auc = roc_auc(positives.numpy(), logits(split.users, split.negative_titles).numpy())
        return loss, auc


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run torch with `count` intra-op threads, then restore the process's setting."""
    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _weighted_bce(logits: Tensor, labels: Tensor, weights: Tensor) -> Tensor:
    losses = functional.binary_cross_entropy_with_logits(logits, labels, reduction="none")
    return (losses * weights).sum() / weights.sum()


def train(
    graph: TrainingGraph,
    config: SageConfig | None = None,
    progress: Progress | None = None,
    validation: float | np.ndarray = 0.1,
) -> SageModel:
    """Train on `graph`. `validation` is the share of positive edges held out for early stopping, or [n, 2]
    (user index, title index) positives the caller held out of the graph. Raises `NotEnoughToTrain` on a graph
    too small to learn from. The returned model's vectors are computed over every edge of the graph."""
    config = config or SageConfig()
    graph.check_trainable()
    with torch_threads(config.threads):
        return _train(graph, config, progress, validation)


def _train(graph: TrainingGraph, config: SageConfig, progress: Progress | None, validation: float | np.ndarray
           ) -> SageModel:
    started = time.perf_counter()
    trainer = _Trainer(graph, config, validation)
    best_loss, best_auc, best_epoch, best_state = math.inf, 0.5, 0, copy.deepcopy(trainer.network.state_dict())
    epoch = 0
    for epoch in range(1, config.max_epochs + 1):
        trainer.epoch()
        loss, auc = trainer.validate()
        if progress is not None:
            progress(epoch, loss)
        if loss < best_loss:
            best_loss, best_auc, best_epoch = loss, auc, epoch
            best_state = copy.deepcopy(trainer.network.state_dict())
        elif epoch - best_epoch >= config.patience:
            break
    trainer.network.load_state_dict(best_state)
    metrics = TrainingMetrics(
        epochs=epoch, best_epoch=best_epoch, best_validation_loss=best_loss, validation_auc=best_auc,
        wall_time_s=round(time.perf_counter() - started, 3), training_edges=int(trainer.users.size),
        validation_edges=int(trainer.split.users.size), stopped_early=epoch < config.max_epochs,
    )
    return SageModel.from_network(trainer.network, graph, config, metrics)


# --- the trained model -------------------------------------------------------------------------------------------


def new_version() -> str:
    """A version name that sorts by creation time: UTC date, time and microseconds."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S-%f")


class SageModel:
    """A trained GraphSAGE: final vectors of the titles and users it was trained with, and what `embed_user`
    needs to embed any user from their titles (the network and the titles' vectors before each layer)."""

    def __init__(self, version: str, config: SageConfig, metrics: TrainingMetrics, ids: Mapping[str, list[str]],
                 network: SageNetwork, title_layers: Sequence[np.ndarray], title_vectors: np.ndarray,
                 user_vectors: np.ndarray) -> None:
        self.version = version
        self.config = config
        self.metrics = metrics
        self.ids = {node_type: list(ids[node_type]) for node_type in NODE_TYPES}
        self.network = network.eval()
        self._title_layers = [torch.from_numpy(np.ascontiguousarray(states)) for states in title_layers]
        self._title_vectors = title_vectors
        self._user_vectors = user_vectors
        self._title_index = {title_id: i for i, title_id in enumerate(self.ids[TITLE])}
        self._user_index = {user_id: i for i, user_id in enumerate(self.ids[USER])}

    @classmethod
    def from_network(cls, network: SageNetwork, graph: TrainingGraph, config: SageConfig,
                     metrics: TrainingMetrics) -> SageModel:
        """Vectors of every node over every edge of `graph`; a user without edges is embedded as an unknown one."""
        network.eval()
        with torch.inference_mode():
            everything = np.ones(graph.interaction_users.size, dtype=bool)
            nodes = _all_nodes(graph, _users_without_edges(graph, everything), network.unknown_user)
            title_text = None if graph.title_text is None else torch.from_numpy(graph.title_text)
            states = network.states(network.inputs(nodes, title_text), message_edges(graph))
        ids = {USER: graph.user_ids, TITLE: graph.title_ids, "person": graph.person_ids, "genre": graph.genre_ids,
               "mood": graph.mood_ids}
        return cls(new_version(), config, metrics, ids, network, [s[TITLE].numpy() for s in states[:-1]],
                   _normalised(states[-1][TITLE]).numpy(), _normalised(states[-1][USER]).numpy())

    @property
    def title_ids(self) -> list[str]:
        return self.ids[TITLE]

    @property
    def user_ids(self) -> list[str]:
        return self.ids[USER]

    def title_index(self, title_id: str) -> int | None:
        return self._title_index.get(title_id)

    def title_vectors(self) -> np.ndarray:
        """[titles, hidden], L2-normalised; row i is `title_ids[i]`."""
        return self._title_vectors

    def user_vectors(self) -> np.ndarray:
        """[users, hidden], L2-normalised; row i is `user_ids[i]`."""
        return self._user_vectors

    def embed_user(self, interactions: Sequence[tuple[str, float]], user_id: str | None = None) -> np.ndarray:
        """A user's vector (L2-normalised) from their (title id, signal weight) interactions, without retraining:
        the trained layers run over the user's neighbourhood. Titles the model does not know and weights of 0
        are left out. With `user_id` of a user the model was trained with, that user's learnt input is used;
        otherwise the input of "a user never seen"."""
        titles, weights = self._known_interactions(interactions)
        liked, disliked = titles[weights > 0], titles[weights < 0]
        rows = torch.from_numpy(np.concatenate([liked, disliked]))
        to_user = torch.zeros(rows.numel(), dtype=torch.long)
        positions = torch.arange(rows.numel())
        edges = {LIKED_BY: torch.stack([positions[: liked.size], to_user[: liked.size]]),
                 DISLIKED_BY: torch.stack([positions[liked.size :], to_user[liked.size :]])}
        user_row = self._user_index.get(user_id, self.network.unknown_user) if user_id else self.network.unknown_user
        with torch.inference_mode(), torch_threads(self.config.threads):
            user = self.network.embeddings[USER](torch.tensor([user_row]))
            for number, title_states in enumerate(self._title_layers):
                user = self.network.layer(number, {USER: user, TITLE: title_states[rows]}, edges)[USER]
            return _normalised(user)[0].numpy()

    def _known_interactions(self, interactions: Sequence[tuple[str, float]]) -> tuple[np.ndarray, np.ndarray]:
        titles: list[int] = []
        weights: list[float] = []
        for position, (title_id, weight) in enumerate(interactions):
            if not (isinstance(weight, numbers.Real) and math.isfinite(weight) and -1 <= weight <= 1):
                raise ValueError(f"interactions[{position}]: weight must be a number in [-1, 1], got {weight!r}")
            if (index := self._title_index.get(title_id)) is not None:
                titles.append(index)
                weights.append(weight)
        _, title_array, weight_array = strongest_per_pair(
            np.zeros(len(titles), dtype=np.int64), np.array(titles, dtype=np.int64), np.array(weights, dtype=np.float64)
        )
        return title_array, weight_array

    def score(self, user_vector: np.ndarray, title_indexes: np.ndarray | None = None) -> np.ndarray:
        """Cosine of `user_vector` with each title (all, or those of `title_indexes`): the model's ranking."""
        vector = np.asarray(user_vector, dtype=np.float32).reshape(-1)
        if vector.size != self.config.hidden:
            raise ValueError(f"user_vector must have {self.config.hidden} dimensions, got {vector.size}")
        norm = float(np.linalg.norm(vector))
        vector = vector / norm if norm > 0 else vector
        if title_indexes is None:
            return np.asarray(self._title_vectors @ vector)
        indexes, count = np.asarray(title_indexes, dtype=np.int64).reshape(-1), len(self.title_ids)
        if indexes.size and (indexes.min() < 0 or indexes.max() >= count):
            raise ValueError(f"title_indexes must be in [0, {count}), got {indexes.min()}..{indexes.max()}")
        return np.asarray(self._title_vectors[indexes] @ vector)

    # --- on disk ---------------------------------------------------------------------------------------------

    def save(self, directory: Path) -> Path:
        """Write the model to `directory/<version>/` (written aside, then renamed into place) and return that."""
        target = Path(directory) / self.version
        if target.exists():
            raise FileExistsError(f"a model version {self.version} already exists in {directory}")
        scratch = Path(directory) / f".{self.version}.partial"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        torch.save(self.network.state_dict(), scratch / "weights.pt")
        np.savez(scratch / "vectors.npz", title_layers=np.stack([t.numpy() for t in self._title_layers]),
                 titles=self._title_vectors, users=self._user_vectors)
        (scratch / "ids.json").write_text(json.dumps(self.ids))
        (scratch / "model.json").write_text(json.dumps({
            "format": FORMAT, "version": self.version, "config": asdict(self.config), "metrics": asdict(self.metrics),
            "num_nodes": self.network.num_nodes, "text_dim": self.network.text_dim,
        }, indent=2))
        os.replace(scratch, target)
        return target

    @classmethod
    def load(cls, path: Path) -> SageModel:
        """A model saved by `save`, from its version directory."""
        path = Path(path)
        try:
            about = json.loads((path / "model.json").read_text())
            ids = json.loads((path / "ids.json").read_text())
            with np.load(path / "vectors.npz") as vectors:
                title_layers, titles, users = list(vectors["title_layers"]), vectors["titles"], vectors["users"]
            state = torch.load(path / "weights.pt", weights_only=True)
        except FileNotFoundError as exc:
            raise ValueError(f"{path} is not a saved GraphSAGE model: {Path(exc.filename or '').name} is missing") \
                from exc
        if about.get("format") != FORMAT:
            raise ValueError(f"{path}: model format {about.get('format')!r} is not {FORMAT}, the one this code reads")
        config = SageConfig.from_dict(about["config"])
        network = SageNetwork(about["num_nodes"], about["text_dim"], config.hidden, config.layers)
        network.load_state_dict(state)
        return cls(about["version"], config, TrainingMetrics(**about["metrics"]), ids, network, title_layers, titles,
                   users)


def _normalised(vectors: Tensor) -> Tensor:
    return functional.normalize(vectors, dim=-1)
