"""Choosing the fusion weights on a validation split of the training data (never on the test set).

`grid_search` fuses each validation user's lists by reciprocal rank under every combination of weights from `GRID`
(one value per strategy) and keeps the combinations with the best mean NDCG@10 + Recall@20, the earlier one in grid
order on a tie. That search leaves diversification (MMR) out, for speed; the evaluation then scores the shortlist
with the whole hybrid, MMR included, and keeps the best (recommend/evaluation.py). Only ranks matter to the fusion,
so weights are comparable up to a common factor.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mediagateway.recommend.hybrid import RRF_K, FusionWeights

GRID = (0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0)
TOP = 20
SHORTLIST = 10


@dataclass(frozen=True)
class ValidationUser:
    rankings: Mapping[str, Sequence[str]]
    """each strategy's ranked title ids"""
    relevant: Set[str]


@dataclass(frozen=True)
class Candidate:
    weights: FusionWeights
    ndcg_10: float
    recall_20: float

    @property
    def objective(self) -> float:
        return self.ndcg_10 + self.recall_20


def best(candidates: Sequence[Candidate]) -> Candidate:
    """The candidate with the highest NDCG@10 + Recall@20; the earlier one on a tie."""
    if not candidates:
        raise ValueError("no candidate weights to choose from")
    return max(candidates, key=lambda c: c.objective)  # max keeps the first of equals


def _combinations(names: Sequence[str]) -> npt.NDArray[np.float64]:
    grid = [combo for combo in itertools.product(GRID, repeat=len(names)) if any(w > 0 for w in combo)]
    return np.array(grid, dtype=np.float64).reshape(-1, len(names))


def _figures(user: ValidationUser, names: Sequence[str], weights: npt.NDArray[np.float64], rrf_k: int
             ) -> npt.NDArray[np.float64]:
    """[combinations, 2]: NDCG@10 and Recall@20 of this user's fused list under each row of `weights`."""
    candidates = sorted({t for name in names for t in user.rankings.get(name, ())})
    if not candidates or not user.relevant:
        return np.zeros((weights.shape[0], 2))
    column = {title_id: i for i, title_id in enumerate(candidates)}
    shares = np.zeros((len(names), len(candidates)), dtype=np.float64)
    for row, name in enumerate(names):
        for rank, title_id in enumerate(user.rankings.get(name, ()), start=1):
            shares[row, column[title_id]] = 1.0 / (rrf_k + rank)
    fused = weights @ shares
    relevant = np.array([t in user.relevant for t in candidates], dtype=np.float64)
    top = min(TOP, len(candidates))
    # Ties go to the candidate with the lower id, as the fusion orders them: subtracting a tiny amount per column
    # keeps that order without changing which scores differ.
    order = np.argsort(-(fused - np.arange(len(candidates)) * 1e-12), axis=1, kind="stable")[:, :top]
    gains = relevant[order] * np.where(fused[np.arange(len(weights))[:, None], order] > 0, 1.0, 0.0)
    discounts = 1.0 / np.log2(np.arange(2, top + 2))
    best = discounts[: min(10, len(user.relevant))].sum()
    ndcg = (gains[:, :10] * discounts[:10][: gains[:, :10].shape[1]]).sum(axis=1) / best
    recall = gains.sum(axis=1) / len(user.relevant)
    return np.stack([ndcg, recall], axis=1)


def grid_search(users: Sequence[ValidationUser], names: Sequence[str], base: FusionWeights, top: int = 10,
                rrf_k: int = RRF_K) -> list[Candidate]:
    """The `top` best weight combinations for `names` by reciprocal rank fusion alone, best first; the weights of
    strategies not in `names` are 0. `base` only says which strategies there are."""
    if not users:
        raise ValueError("tuning needs at least one validation user with relevant titles")
    weights = _combinations(names)
    totals = np.zeros((weights.shape[0], 2))
    for user in users:
        totals += _figures(user, names, weights, rrf_k)
    means = totals / len(users)
    order = np.argsort(-means.sum(axis=1), kind="stable")[:top]
    return [Candidate(_weights(base, names, weights[row]), float(means[row, 0]), float(means[row, 1]))
            for row in order]


def _weights(base: FusionWeights, names: Sequence[str], values: npt.NDArray[np.float64]) -> FusionWeights:
    chosen = {name: 0.0 for name in base.as_dict()}
    chosen.update({name: float(value) for name, value in zip(names, values, strict=True)})
    return FusionWeights(**chosen)
