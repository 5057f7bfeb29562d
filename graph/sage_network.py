"""The heterogeneous GraphSAGE network: node inputs, message-passing layers, and the link decoder.

Node types are user, title, person, genre and mood; every relation has its reverse, so messages reach users from
titles, titles from users, people, genres and moods, and back. Each layer is one PyG `SAGEConv` (mean aggregation)
per relation, summed per destination type by `HeteroConv`. Inputs are learnable id embeddings, plus for titles a
projection of their text embedding. One extra user row stands for a user the network has not seen: training
gives it to a share of the users of each batch, so a brand-new user is embedded from their titles alone.

A user-title pair is scored by the cosine of their final vectors, scaled and shifted into a logit: ranking by the
L2-normalised vectors is then the model's own ranking, and the cosine vector indexes can serve it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
import torch.nn.functional as functional
from torch import Tensor, nn
from torch_geometric.nn import HeteroConv, SAGEConv

from mediagateway.graph.sampler import EdgeType, SampledSubgraph
from mediagateway.graph.training_graph import TrainingGraph

USER, TITLE, PERSON, GENRE, MOOD = "user", "title", "person", "genre", "mood"
NODE_TYPES = (USER, TITLE, PERSON, GENRE, MOOD)
LIKES: EdgeType = (USER, "likes", TITLE)
LIKED_BY: EdgeType = (TITLE, "liked_by", USER)
DISLIKES: EdgeType = (USER, "dislikes", TITLE)
DISLIKED_BY: EdgeType = (TITLE, "disliked_by", USER)
CREDITED_IN: EdgeType = (PERSON, "credited_in", TITLE)
CREDITS: EdgeType = (TITLE, "credits", PERSON)
GENRE_OF: EdgeType = (GENRE, "genre_of", TITLE)
IN_GENRE: EdgeType = (TITLE, "in_genre", GENRE)
MOOD_OF: EdgeType = (MOOD, "mood_of", TITLE)
HAS_MOOD: EdgeType = (TITLE, "has_mood", MOOD)
EDGE_TYPES = (LIKES, LIKED_BY, DISLIKES, DISLIKED_BY, CREDITED_IN, CREDITS, GENRE_OF, IN_GENRE, MOOD_OF, HAS_MOOD)
USER_EDGE_TYPES = (LIKED_BY, DISLIKED_BY)  # the relations whose messages reach a user


def _pair_edges(forward: EdgeType, backward: EdgeType, sources: np.ndarray, targets: np.ndarray
                ) -> dict[EdgeType, Tensor]:
    source_index, target_index = torch.from_numpy(sources).long(), torch.from_numpy(targets).long()
    return {forward: torch.stack([source_index, target_index]), backward: torch.stack([target_index, source_index])}


def message_edges(graph: TrainingGraph, interactions: np.ndarray | None = None) -> dict[EdgeType, Tensor]:
    """Every relation of `graph` as a [2, E] edge index, both ways. `interactions` (a boolean mask over the
    graph's interactions) keeps only some of them: the others are held out for validation."""
    kept = np.ones(graph.interaction_users.size, dtype=bool) if interactions is None else interactions
    users, titles = graph.interaction_users[kept], graph.interaction_titles[kept]
    liked = graph.interaction_weights[kept] > 0
    return {
        **_pair_edges(LIKES, LIKED_BY, users[liked], titles[liked]),
        **_pair_edges(DISLIKES, DISLIKED_BY, users[~liked], titles[~liked]),
        **_pair_edges(CREDITED_IN, CREDITS, graph.title_person[1], graph.title_person[0]),
        **_pair_edges(GENRE_OF, IN_GENRE, graph.title_genre[1], graph.title_genre[0]),
        **_pair_edges(MOOD_OF, HAS_MOOD, graph.title_mood[1], graph.title_mood[0]),
    }


def _embedding(rows: int, hidden: int) -> nn.Embedding:
    embedding = nn.Embedding(rows, hidden)
    nn.init.normal_(embedding.weight, std=0.1)
    return embedding


class SageNetwork(nn.Module):
    def __init__(self, num_nodes: Mapping[str, int], text_dim: int, hidden: int, layers: int) -> None:
        super().__init__()
        self.num_nodes = dict(num_nodes)
        self.text_dim = text_dim
        self.hidden = hidden
        self.embeddings = nn.ModuleDict({
            node_type: _embedding(num_nodes[node_type] + (1 if node_type == USER else 0), hidden)
            for node_type in NODE_TYPES
        })
        self.text_projection = nn.Linear(text_dim, hidden) if text_dim else None
        self.layers = nn.ModuleList(
            HeteroConv({edge_type: SAGEConv(hidden, hidden) for edge_type in EDGE_TYPES}, aggr="sum")
            for _ in range(layers)
        )
        self.logit_scale = nn.Parameter(torch.tensor(5.0))
        self.logit_bias = nn.Parameter(torch.tensor(0.0))

    @property
    def unknown_user(self) -> int:
        """The input row of a user the network has not seen."""
        return self.num_nodes[USER]

    def inputs(self, nodes: Mapping[str, Tensor], title_text: Tensor | None) -> dict[str, Tensor]:
        """Layer-0 vectors of `nodes` (graph indexes per type; a user index may be `unknown_user`)."""
        x = {node_type: self.embeddings[node_type](nodes[node_type]) for node_type in NODE_TYPES}
        if self.text_projection is not None and title_text is not None:
            x[TITLE] = x[TITLE] + self.text_projection(title_text[nodes[TITLE]])
        return x

    def layer(self, number: int, x: Mapping[str, Tensor], edge_index: Mapping[EdgeType, Tensor]) -> dict[str, Tensor]:
        """Layer `number` over the relations in `edge_index`; only the node types they reach get an output."""
        out: dict[str, Tensor] = self.layers[number](dict(x), dict(edge_index))
        if number < len(self.layers) - 1:
            out = {node_type: functional.relu(h) for node_type, h in out.items()}
        return out

    def states(self, x: Mapping[str, Tensor], edge_index: Mapping[EdgeType, Tensor]) -> list[dict[str, Tensor]]:
        """The vectors of every node before each layer and after the last: [inputs, layer 1, ..., layer L]."""
        every = [dict(x)]
        full = {edge_type: edge_index.get(edge_type, torch.zeros((2, 0), dtype=torch.long))
                for edge_type in EDGE_TYPES}
        for number in range(len(self.layers)):
            every.append(self.layer(number, every[-1], full))
        return every

    def sampled_forward(self, x: Mapping[str, Tensor], subgraph: SampledSubgraph) -> dict[str, Tensor]:
        """Final vectors of a sampled subgraph's seeds (first rows of each type). Each layer runs over the nodes
        and edges within the hops it still needs, as PyG's `trim_to_layer` does: the last layer over the seeds
        and their sampled neighbours alone."""
        h = dict(x)
        layers = len(self.layers)
        for number in range(layers):
            reach = layers - number
            h = {node_type: h[node_type][: subgraph.nodes_within[node_type][reach]] for node_type in NODE_TYPES}
            edges = {edge_type: subgraph.edge_index[edge_type][:, : subgraph.edges_within[edge_type][reach]]
                     for edge_type in EDGE_TYPES}
            h = self.layer(number, h, edges)
        return h

    def logits(self, users: Tensor, titles: Tensor) -> Tensor:
        """One logit per row pair of final user and title vectors."""
        cosine = (functional.normalize(users, dim=-1) * functional.normalize(titles, dim=-1)).sum(-1)
        return self.logit_scale * cosine + self.logit_bias
