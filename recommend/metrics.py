"""Ranking metrics for the evaluation, per user, and their average over users.

For a user's ranked list and the set of their relevant titles (binary relevance):
- Precision@k: relevant titles in the first k, over k (a list shorter than k counts its missing places as misses);
- Recall@k: relevant titles in the first k, over all their relevant titles;
- NDCG@k: the discounted gain (1 / log2(position + 1) for each relevant title) over the best possible for them;
- HR@k: 1 if any of the first k is relevant;
- catalog coverage: the share of the catalog's recommendable titles that appear in someone's first 10;
- latency: the time one user's list took, p50 and p99 over users.
"""

from __future__ import annotations

import math
from collections.abc import Sequence, Set
from dataclasses import dataclass, field

import numpy as np

COVERAGE_AT = 10


def hits(ranked: Sequence[str], relevant: Set[str], k: int) -> int:
    return sum(1 for title_id in ranked[:k] if title_id in relevant)


def precision_at(ranked: Sequence[str], relevant: Set[str], k: int) -> float:
    return hits(ranked, relevant, k) / k


def recall_at(ranked: Sequence[str], relevant: Set[str], k: int) -> float:
    return hits(ranked, relevant, k) / len(relevant) if relevant else 0.0


def ndcg_at(ranked: Sequence[str], relevant: Set[str], k: int) -> float:
    gain = sum(1 / math.log2(position + 2) for position, title_id in enumerate(ranked[:k]) if title_id in relevant)
    best = sum(1 / math.log2(position + 2) for position in range(min(k, len(relevant))))
    return gain / best if best else 0.0


def hit_rate_at(ranked: Sequence[str], relevant: Set[str], k: int) -> float:
    return 1.0 if hits(ranked, relevant, k) else 0.0


def percentile(values: Sequence[float], share: float) -> float:
    return float(np.percentile(values, share * 100)) if values else 0.0


@dataclass(frozen=True)
class Scores:
    """One strategy's figures, averaged over the users evaluated."""

    strategy: str
    users: int
    precision_10: float
    recall_10: float
    recall_20: float
    ndcg_10: float
    hit_rate_10: float
    coverage: float
    latency_p50_ms: float
    latency_p99_ms: float

    def as_dict(self) -> dict[str, float | int | str]:
        return dict(self.__dict__)


@dataclass
class Tally:
    """Accumulates one strategy's per-user figures."""

    strategy: str
    catalog_size: int
    per_user: list[tuple[float, float, float, float, float]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    covered: set[str] = field(default_factory=set)

    def add(self, ranked: Sequence[str], relevant: Set[str], seconds: float) -> None:
        self.per_user.append((precision_at(ranked, relevant, 10), recall_at(ranked, relevant, 10),
                              recall_at(ranked, relevant, 20), ndcg_at(ranked, relevant, 10),
                              hit_rate_at(ranked, relevant, 10)))
        self.seconds.append(seconds)
        self.covered.update(ranked[:COVERAGE_AT])

    def scores(self) -> Scores:
        means = np.mean(self.per_user, axis=0) if self.per_user else np.zeros(5)
        latencies = [s * 1000 for s in self.seconds]
        return Scores(
            strategy=self.strategy, users=len(self.per_user), precision_10=float(means[0]),
            recall_10=float(means[1]), recall_20=float(means[2]), ndcg_10=float(means[3]),
            hit_rate_10=float(means[4]),
            coverage=len(self.covered) / self.catalog_size if self.catalog_size else 0.0,
            latency_p50_ms=percentile(latencies, 0.5), latency_p99_ms=percentile(latencies, 0.99),
        )
