"""Search: semantic candidates from the text-embedding index and keyword candidates from titles and people,
fused by reciprocal rank, then filtered in the graph, then paged.

1. Candidates, concurrently: the `SEMANTIC_CANDIDATES` nearest titles to the query's embedding (those below
   `SEMANTIC_FLOOR` dropped: unrelated), up to `KEYWORD_CANDIDATES` titles whose title holds every query word or
   two of them side by side, and the titles of up to `PEOPLE_MATCHED` people named by two query words side by
   side ("al pacino") or by a one-word query. A sentence's single common word does not make a title match: that
   is what the semantic list is for, and on 100,000 titles such a lookup cost the index ten times as much.
2. Fusion: each list ranks its candidates; a title scores sum(weight / (60 + rank)) over the lists it is in
   (reciprocal rank fusion, the k of DESIGN.md). A title holding every query word gets the title list's weight
   twice, so "heat" puts Heat above films merely about heat, and the people list's weight once for each person
   named in it. Why each result matched is described for the page only.
3. The filter runs in the graph over the fused candidates (cypher/search/filter.cypher), keeping their order,
   and answers how many pass and the page's summaries. `totalCount` is how many candidates pass: search ranks
   the best couple of hundred titles, it does not count the catalog (browse does). A filter on availability
   counts windows trusted at least 0.5 today only.

Steps 1 and 2 depend only on the phrase and the catalog's text, so their fused list is kept for the next search of
the phrase by any API process of the host, until a write changes what search reads (resolvers/search_candidates.py);
step 3 and the page are read live on every search.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from mediagateway.graph.discovery import CatalogFilter, PersonHit, TitleHit, keywords
from mediagateway.graph.model import VectorHit
from mediagateway.resolvers.context import Info
from mediagateway.resolvers.selection import selected_on_nodes, window_regions_on_nodes
from mediagateway.schema.arguments import checked_text
from mediagateway.schema.catalog import content_of
from mediagateway.schema.pagination import DEFAULT_PAGE_SIZE, PageRequest, encode_cursor, page_info
from mediagateway.schema.search import MatchReason, SearchConnection, SearchEdge, SearchFilter, SearchMatch

SEMANTIC_CANDIDATES = 100
SEMANTIC_FLOOR = 0.6  # (1 + cos) / 2: cosine 0.2, below which MiniLM texts are unrelated
KEYWORD_CANDIDATES = 50
PEOPLE_MATCHED = 5
RRF_K = 60
WEIGHTS = {MatchReason.SEMANTIC: 1.0, MatchReason.TITLE: 1.0, MatchReason.PERSON: 0.8}
MAX_QUERY_LENGTH = 500
_ROLE_ORDER = {"director": 0, "writer": 1, "actor": 2}
_RECIPE = (f"v1:{SEMANTIC_CANDIDATES}:{SEMANTIC_FLOOR}:{KEYWORD_CANDIDATES}:{PEOPLE_MATCHED}:{RRF_K}:"
           f"{sorted((reason.value, weight) for reason, weight in WEIGHTS.items())}")
"""how this code reads and fuses candidates, in the key of those it keeps (v1: the format of `Candidate.plain`)"""
PlainCandidate = tuple[str, float, float | None, tuple[str, ...] | None, float, tuple[tuple[str, str, str, str], ...]]


@dataclass
class Candidate:
    """A title of the fused lists: its score, and what put it there, described (`matches`) for the page only."""

    id: str
    score: float = 0.0
    similarity: float | None = None
    title_words: list[str] | None = None
    title_share: float = 0.0
    people: list[PersonHit] = field(default_factory=list)

    def plain(self) -> PlainCandidate:
        """The candidate as plain values, to be kept (resolvers/search_candidates.py)."""
        return (self.id, self.score, self.similarity,
                None if self.title_words is None else tuple(self.title_words), self.title_share,
                tuple((hit.id, hit.person_id, hit.name, hit.role) for hit in self.people))

    @classmethod
    def of_plain(cls, row: PlainCandidate) -> Candidate:
        content_id, score, similarity, title_words, title_share, people = row
        return cls(content_id, score, similarity, None if title_words is None else list(title_words), title_share,
                   [PersonHit(id=i, person_id=p, name=n, role=r) for i, p, n, r in people])

    def matches(self) -> list[SearchMatch]:
        """Why the title matched, in the order of the lists: meaning, title words, people."""
        found = []
        if self.similarity is not None:
            found.append(SearchMatch(
                reason=MatchReason.SEMANTIC, score=round(self.similarity, 4),
                detail=f"close in meaning to the query (similarity {self.similarity:.2f})"))
        if self.title_words is not None:
            detail = (f"title has {', '.join(repr(w) for w in self.title_words)}" if self.title_words
                      else "title matches a query word")
            found.append(SearchMatch(reason=MatchReason.TITLE, detail=detail, score=self.title_share))
        found += [SearchMatch(reason=MatchReason.PERSON, detail=f"{hit.name} ({hit.role})", score=1.0)
                  for hit in self.people]
        return found


async def search(
    info: Info,
    query: str,
    filter: SearchFilter | None = None,
    first: int | None = DEFAULT_PAGE_SIZE,
    after: str | None = None,
) -> SearchConnection:
    page = PageRequest.of(first, after)
    text = checked_text("query", query, MAX_QUERY_LENGTH)
    catalog_filter = filter.to_catalog_filter() if filter else CatalogFilter()
    ranked = await _candidates(info, text)
    passing = await info.context.reads.passing([c.id for c in ranked], catalog_filter, info.context.now,
                                               page.offset, page.size)
    loaders = info.context.loaders
    loaders.prime_contents(passing.contents)
    await loaders.load_parts([c.id for c in passing.contents], selected_on_nodes(info), window_regions_on_nodes(info))
    by_id = {c.id: c for c in ranked}
    edges = [
        SearchEdge(cursor=encode_cursor(page.offset + i), node=content_of(content),
                   score=round(by_id[content.id].score, 6), matches=by_id[content.id].matches())
        for i, content in enumerate(passing.contents)
    ]
    return SearchConnection(
        total_count=passing.total,
        edges=edges,
        page_info=page_info(len(edges), passing.total, page.offset),
        nodes=[edge.node for edge in edges],
    )


async def _candidates(info: Info, text: str) -> list[Candidate]:
    """The phrase's fused candidates: kept by an API process of the host in the catalog's current generation, or
    read from the store (resolvers/search_candidates.py)."""
    kept = info.context.search_candidates
    if kept is None:
        return await _read_candidates(info, text)
    key = await kept.key(_recipe(info), text)
    found = kept.get(key)
    if found is not None:
        return [Candidate.of_plain(row) for row in found]
    ranked = await _read_candidates(info, text)
    kept.put(key, [candidate.plain() for candidate in ranked])
    return ranked


async def _read_candidates(info: Info, text: str) -> list[Candidate]:
    semantic, titles, people = await asyncio.gather(
        _semantic(info, text), info.context.reads.title_keyword(keywords(text), KEYWORD_CANDIDATES),
        info.context.reads.person_keyword(keywords(text), PEOPLE_MATCHED, KEYWORD_CANDIDATES),
    )
    return fuse(text, semantic, titles, people)


def _recipe(info: Info) -> str:
    """What a phrase's candidates are read with, besides the catalog: a change of it reads them afresh."""
    vectors = info.context.query_vectors
    model = vectors.encoder.fingerprint if vectors is not None else "keywords only"
    return f"{_RECIPE}:{model}"


async def _semantic(info: Info, text: str) -> list[VectorHit]:
    if info.context.query_vectors is None:
        return []
    vector = await info.context.query_vectors.of(text)
    hits = await info.context.reads.repository.similar_by_text(vector, SEMANTIC_CANDIDATES)
    return [hit for hit in hits if hit.score >= SEMANTIC_FLOOR]


def fuse(text: str, semantic: list[VectorHit], titles: list[TitleHit], people: list[PersonHit]) -> list[Candidate]:
    """Candidates of every list, best first by reciprocal rank fusion, each with what put it there."""
    candidates: dict[str, Candidate] = {}

    def add(content_id: str, reason: MatchReason, rank: int, boost: float = 1.0) -> Candidate:
        candidate = candidates.get(content_id)
        if candidate is None:
            candidate = candidates[content_id] = Candidate(content_id)
        candidate.score += boost * WEIGHTS[reason] / (RRF_K + rank)
        return candidate

    for rank, hit in enumerate(semantic, start=1):
        add(hit.id, MatchReason.SEMANTIC, rank).similarity = hit.score
    words = set(keywords(text))
    held_by = {hit.id: words & set(keywords(f"{hit.title} {hit.original_title or ''}")) for hit in titles}
    scored_titles = sorted(titles, key=lambda t: -len(held_by[t.id]))
    for rank, hit in enumerate(scored_titles, start=1):
        share = round(len(held_by[hit.id]) / len(words), 4) if words else 0.0
        candidate = add(hit.id, MatchReason.TITLE, rank, boost=2.0 if share == 1.0 else 1.0)
        candidate.title_words, candidate.title_share = sorted(held_by[hit.id]), share
    for rank, (content_id, hits) in enumerate(_people_by_title(people).items(), start=1):
        for hit in hits:  # each person named counts: "pacino de niro" puts Heat above a film with one of them
            add(content_id, MatchReason.PERSON, rank).people.append(hit)
    return sorted(candidates.values(), key=lambda c: (-c.score, c.id))


def _people_by_title(people: list[PersonHit]) -> dict[str, list[PersonHit]]:
    by_title: dict[str, list[PersonHit]] = {}
    for hit in people:
        by_title.setdefault(hit.id, []).append(hit)
    for hits in by_title.values():
        hits.sort(key=lambda h: (_ROLE_ORDER[h.role], h.name))
    return by_title
