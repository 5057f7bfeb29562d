"""A user's GraphSAGE vector kept fresh between trainings: when to recompute it, and recomputing it.

The research brief's rule (`needs_refresh`): recompute a user's vector once they have at least 5 interactions
since it was computed, at least an hour has passed, and one of those interactions is strong evidence for a title
(signal weight of 0.6 or more: a finished watch, or a rating of 3.5 stars or more). Small or weak changes wait for
the next one, or for the next training.

`refresh_user_embedding` samples the user's neighbourhood from the live graph (their newest interactions that say
something, as many as the model's first layer samples), embeds it with the current model (`SageModel.embed_user`:
no retraining) and writes the vector to the user's gnn embedding, where the user vector index finds it.
This module imports no torch itself: only a model does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from mediagateway.graph.errors import FieldProblem, InvalidInput
from mediagateway.graph.queries import Query
from mediagateway.graph.repository import GraphRepository
from mediagateway.graph.store import GraphStore
from mediagateway.graph.training_graph import interaction_weight
from mediagateway.recommend.signals import DISLIKED_BELOW, LIKED_FROM

if TYPE_CHECKING:
    from mediagateway.graph.sage import SageModel

REFRESH_MIN_INTERACTIONS = 5
REFRESH_MIN_INTERVAL_MS = 3_600_000
REFRESH_MIN_STRONGEST_WEIGHT = 0.6


def needs_refresh(new_interactions: int, since_last_ms: int, strongest_signal_weight: float) -> bool:
    """Whether a user's vector should be recomputed now: `new_interactions` since it was computed
    `since_last_ms` ago, the strongest of them weighing `strongest_signal_weight` (recommend.signals.weight).
    All three must hold: at least 5 interactions, at least an hour, and a weight of at least 0.6."""
    if new_interactions < 0:
        raise ValueError(f"new_interactions must be 0 or more, got {new_interactions}")
    if since_last_ms < 0:
        raise ValueError(f"since_last_ms must be 0 or more, got {since_last_ms}")
    if not -1 <= strongest_signal_weight <= 1:
        raise ValueError(f"strongest_signal_weight must be a signal weight in [-1, 1], got {strongest_signal_weight}")
    return (new_interactions >= REFRESH_MIN_INTERACTIONS and since_last_ms >= REFRESH_MIN_INTERVAL_MS
            and strongest_signal_weight >= REFRESH_MIN_STRONGEST_WEIGHT)


def neighbourhood_params(model: SageModel, user_id: str) -> tuple[Query, dict[str, Any]]:
    """The statement that samples `user_id`'s neighbourhood for `model`, with its parameters."""
    return Query.GNN_USER_NEIGHBOURHOOD, {
        "id": user_id, "limit": model.config.fanout[0], "liked_from": LIKED_FROM, "disliked_below": DISLIKED_BELOW,
    }


async def user_neighbourhood(store: GraphStore, model: SageModel, user_id: str) -> list[tuple[str, float]]:
    """The user's newest interactions that say something, as (title id, signal weight), newest first."""
    query, params = neighbourhood_params(model, user_id)
    rows = await store.read(query, params)
    return [(row["content_id"], interaction_weight(row)) for row in rows]


async def refresh_user_embedding(store: GraphStore, model: SageModel, user_id: str) -> np.ndarray:
    """Embed `user_id` from their neighbourhood in the live graph and write the vector; returns it. A user
    who does not exist is refused (`InvalidInput` naming them), and nothing is written."""
    interactions = await user_neighbourhood(store, model, user_id)
    vector = model.embed_user(interactions, user_id=user_id)
    try:
        await GraphRepository(store).set_user_gnn_embeddings([(user_id, vector.tolist())])
    except InvalidInput as exc:
        raise InvalidInput([FieldProblem("user_id", f"no user {user_id!r}")]) from exc
    return vector
