"""Repository functions over the content hypergraph: validated batch upserts and typed reads.

Every upsert validates the whole batch, and checks that everything it points at exists, before it writes any of
it: a bad record raises `InvalidInput` naming the record and field, and leaves the graph as it was. Writes are
idempotent `UNWIND $rows ... MERGE` batches, so re-ingesting the same records changes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from mediagateway.graph.catalog_import import COMMAND_ENTITIES, CatalogGraph, CatalogParts, ImportSummary, located
from mediagateway.graph.errors import FieldProblem, InvalidInput, StoreError, StoreNotEmpty
from mediagateway.graph.model import (
    KIND_LABEL,
    MAX_PROBLEMS_LISTED,
    PARENT_KIND,
    RELATIONSHIP_ROLE,
    AvailabilityWindow,
    Content,
    ContentAvailability,
    ContentDetail,
    ContentIn,
    ContentKind,
    ContentLinks,
    Interaction,
    InteractionIn,
    Neighbour,
    PersonDetail,
    PersonIn,
    PlatformIn,
    RegionIn,
    Signal,
    SourceRecord,
    SourceRecordIn,
    TaxonomyIn,
    User,
    UserIn,
    VectorHit,
    WindowIn,
    check_vector,
    validate_batch,
)
from mediagateway.graph.queries import Query
from mediagateway.graph.store import GraphStore, VectorIndex


def _duplicates(ids: Sequence[str]) -> list[FieldProblem]:
    seen: set[str] = set()
    problems = []
    for position, value in enumerate(ids):
        if value in seen:
            problems.append(FieldProblem(f"[{position}].id", f"{value!r} appears twice in the batch"))
        seen.add(value)
    return problems


class GraphRepository:
    def __init__(self, store: GraphStore) -> None:
        self.store = store

    # --- writes ------------------------------------------------------------------------------------------------

    async def upsert_contents(self, records: Iterable[ContentIn | Mapping[str, Any]]) -> int:
        contents = validate_batch(ContentIn, records)
        problems = _duplicates([c.id for c in contents]) + await self._missing_parents(contents)
        if problems:
            raise InvalidInput(problems[:MAX_PROBLEMS_LISTED])
        await self.store.write_batches(Query.CONTENT_UPSERT, [c.row() for c in contents])
        children = [{"id": c.id, "kind": c.kind, "parent_id": c.parent_id} for c in contents if c.parent_id]
        await self.store.write_batches(Query.CONTENT_LINK_PARENTS, children)
        return len(contents)

    async def _missing_parents(self, contents: Sequence[ContentIn]) -> list[FieldProblem]:
        kinds = {c.id: ContentKind(c.kind) for c in contents}
        wanted = sorted({c.parent_id for c in contents if c.parent_id and c.parent_id not in kinds})
        if wanted:
            for row in await self.store.read(Query.CONTENT_EXISTING_IDS, {"ids": wanted}):
                kinds[row["id"]] = ContentKind(row["kind"])
        problems = []
        for position, content in enumerate(contents):
            if content.parent_id is None:
                continue
            expected = PARENT_KIND[ContentKind(content.kind)]
            found = kinds.get(content.parent_id)
            if found is None:
                problems.append(FieldProblem(f"[{position}].parent_id", f"no {expected} {content.parent_id!r}"))
            elif found != expected:
                problems.append(
                    FieldProblem(f"[{position}].parent_id", f"{content.parent_id!r} is a {found}, not a {expected}")
                )
        return problems

    async def upsert_people(self, records: Iterable[PersonIn | Mapping[str, Any]]) -> int:
        return await self._upsert_simple(PersonIn, Query.PERSON_UPSERT, records)

    async def upsert_genres(self, records: Iterable[TaxonomyIn | Mapping[str, Any]]) -> int:
        return await self._upsert_simple(TaxonomyIn, Query.GENRE_UPSERT, records)

    async def upsert_moods(self, records: Iterable[TaxonomyIn | Mapping[str, Any]]) -> int:
        return await self._upsert_simple(TaxonomyIn, Query.MOOD_UPSERT, records)

    async def upsert_platforms(self, records: Iterable[PlatformIn | Mapping[str, Any]]) -> int:
        return await self._upsert_simple(PlatformIn, Query.PLATFORM_UPSERT, records)

    async def upsert_regions(self, records: Iterable[RegionIn | Mapping[str, Any]]) -> int:
        return await self._upsert_simple(RegionIn, Query.REGION_UPSERT, records)

    async def _upsert_simple(self, model: type[Any], query: Query, records: Iterable[Any]) -> int:
        valid = validate_batch(model, records)
        if problems := _duplicates([r.id for r in valid]):
            raise InvalidInput(problems[:MAX_PROBLEMS_LISTED])
        await self.store.write_batches(query, [{"id": r.id, "props": r.props()} for r in valid])
        return len(valid)

    async def upsert_users(self, records: Iterable[UserIn | Mapping[str, Any]]) -> int:
        users = validate_batch(UserIn, records)
        problems = _duplicates([u.id for u in users])
        problems += await self._missing(Query.REGION_EXISTING_IDS, "region_id", "region",
                                        [[u.region_id] if u.region_id else [] for u in users])
        problems += await self._missing(Query.PLATFORM_EXISTING_IDS, "subscriptions", "platform",
                                        [u.subscriptions for u in users])
        if problems:
            raise InvalidInput(problems[:MAX_PROBLEMS_LISTED])
        rows = [
            {"id": u.id, "props": u.props(exclude={"region_id", "subscriptions"}), "region_id": u.region_id,
             "subscriptions": list(u.subscriptions)}
            for u in users
        ]
        await self.store.write_batches(Query.USER_UPSERT, rows)
        return len(users)

    async def upsert_windows(self, records: Iterable[WindowIn | Mapping[str, Any]]) -> int:
        windows = validate_batch(WindowIn, records)
        problems = _duplicates([w.window_id for w in windows])
        for query, field, noun in (
            (Query.CONTENT_EXISTING_IDS, "content_id", "title"),
            (Query.PLATFORM_EXISTING_IDS, "platform_id", "platform"),
            (Query.REGION_EXISTING_IDS, "region_id", "region"),
        ):
            problems += await self._missing(query, field, noun, [[getattr(w, field)] for w in windows])
        if problems:
            raise InvalidInput(problems[:MAX_PROBLEMS_LISTED])
        await self.store.write_batches(Query.WINDOW_UPSERT, [w.row() for w in windows])
        return len(windows)

    async def upsert_source_records(self, records: Iterable[SourceRecordIn | Mapping[str, Any]]) -> int:
        sources = validate_batch(SourceRecordIn, records)
        problems = _duplicates([s.id for s in sources])
        for label, query in (("Content", Query.CONTENT_EXISTING_IDS), ("Person", Query.PERSON_EXISTING_IDS)):
            problems += await self._missing(
                query, "entity_id", label.lower(), [[s.entity_id] if s.entity_label == label else [] for s in sources]
            )
        if problems:
            raise InvalidInput(problems[:MAX_PROBLEMS_LISTED])
        await self.store.write_batches(Query.SOURCE_RECORD_UPSERT, [s.row() for s in sources])
        return len(sources)

    async def upsert_interactions(self, records: Iterable[InteractionIn | Mapping[str, Any]]) -> int:
        interactions = validate_batch(InteractionIn, records)
        problems = await self._missing(Query.USER_EXISTING_IDS, "user_id", "user", [[i.user_id] for i in interactions])
        problems += await self._missing(Query.CONTENT_EXISTING_IDS, "content_id", "title",
                                        [[i.content_id] for i in interactions])
        if problems:
            raise InvalidInput(problems[:MAX_PROBLEMS_LISTED])
        # Only the newest interaction per edge goes into a batch: FalkorDB does not show one row's SET on an edge
        # that an earlier row of the same statement created, so "newest wins" is decided here for the batch and
        # in Cypher against what is already stored.
        newest: dict[tuple[str, str, str], InteractionIn] = {}
        for i in interactions:
            edge = "rated" if i.signal == Signal.RATING else "watched" if i.signal in _WATCH_SIGNALS else i.signal
            key = (i.user_id, i.content_id, edge)
            if key not in newest or newest[key].at <= i.at:
                newest[key] = i
        ratings, watches, others = [], [], []
        for (user_id, content_id, edge), i in newest.items():
            row = {"user_id": user_id, "content_id": content_id, "at": i.at}
            if edge == "rated":
                ratings.append({**row, "rating": i.rating})
            elif edge == "watched":
                watches.append({**row, "completed": i.signal == Signal.WATCH_COMPLETE})
            else:
                others.append({**row, "signal": i.signal})
        await self.store.write_batches(Query.RATED_UPSERT, ratings)
        await self.store.write_batches(Query.WATCHED_UPSERT, watches)
        await self.store.write_batches(Query.INTERACTED_UPSERT, others)
        return len(interactions)

    async def set_text_embeddings(self, rows: Iterable[tuple[str, Sequence[float], str | None]]) -> int:
        """(title id, vector, hash of the text it was computed from) for each title."""
        return await self._set_vectors(Query.CONTENT_SET_TEXT_EMBEDDING, Query.CONTENT_EXISTING_IDS,
                                       self.store.schema.text_dim, rows)

    async def set_content_gnn_embeddings(self, rows: Iterable[tuple[str, Sequence[float]]]) -> int:
        return await self._set_vectors(Query.CONTENT_SET_GNN_EMBEDDING, Query.CONTENT_EXISTING_IDS,
                                       self.store.schema.gnn_dim, ((i, v, None) for i, v in rows))

    async def set_user_gnn_embeddings(self, rows: Iterable[tuple[str, Sequence[float]]]) -> int:
        return await self._set_vectors(Query.USER_SET_GNN_EMBEDDING, Query.USER_EXISTING_IDS,
                                       self.store.schema.gnn_dim, ((i, v, None) for i, v in rows))

    async def _set_vectors(
        self, query: Query, exists: Query, dimension: int, rows: Iterable[tuple[str, Sequence[float], str | None]]
    ) -> int:
        prepared: list[dict[str, Any]] = []
        problems: list[FieldProblem] = []
        for position, (node_id, vector, text_hash) in enumerate(rows):
            try:
                floats = check_vector(list(vector), dimension, "vector")
            except (ValueError, TypeError) as exc:
                problems.append(FieldProblem(f"[{position}].vector", str(exc).removeprefix("vector: ")))
                continue
            prepared.append({"id": node_id, "vector": floats, "text_hash": text_hash})
        problems += await self._missing(exists, "id", "node", [[row["id"]] for row in prepared])
        if problems:
            raise InvalidInput(problems[:MAX_PROBLEMS_LISTED])
        await self.store.write_batches(query, prepared)
        return len(prepared)

    async def import_catalog(self, parts: CatalogParts, command_entities: int = COMMAND_ENTITIES) -> ImportSummary:
        """Fill an empty store with a whole catalog: on FalkorDB through its bulk loader (`catalog_import.py`),
        several times faster than the upserts, with the same graph as a result; elsewhere through the upserts.
        Raises `StoreNotEmpty` if the store holds anything; on bad input (a repeated id included) raises
        `InvalidInput` naming part, batch and record (`windows[2][40].region_id`) and leaves the store empty, as
        it was. `command_entities` bounds the nodes and edges one bulk command carries (its memory)."""
        if self.store.can_create_in_bulk:
            graph = CatalogGraph(await self.server_time(), command_entities)
            await self.store.create_in_bulk(graph.commands(parts))
            return graph.summary
        return await self._import_by_upserts(parts)

    async def _import_by_upserts(self, parts: CatalogParts) -> ImportSummary:
        if parts.encoded_windows:
            raise ValueError("windows encoded ahead are for FalkorDB's bulk import, not the upserts")
        if nodes := await self.store.node_count():
            raise StoreNotEmpty(nodes)
        upserts = {"platforms": self.upsert_platforms, "regions": self.upsert_regions, "genres": self.upsert_genres,
                   "moods": self.upsert_moods, "people": self.upsert_people, "contents": self.upsert_contents,
                   "windows": self.upsert_windows, "source_records": self.upsert_source_records}
        seen: dict[str, set[str]] = {part: set() for part in upserts}
        try:
            for where, batch in parts.batches():
                if problems := batch.problems_of_repeats(seen[batch.part]):
                    raise located(where, problems)
                try:
                    await upserts[batch.part](batch.records)
                except InvalidInput as exc:
                    raise located(where, exc.problems) from None
        except BaseException:
            with contextlib.suppress(StoreError):  # the error that stopped the import is the one to report
                await self.store.delete_all()
            raise
        kinds = set(KIND_LABEL.values())
        nodes_by_label = {label: n for label, n in (await self.counts_by_label()).items() if label not in kinds}
        return ImportSummary(nodes_by_label, await self.counts_by_type())

    async def _missing(
        self, query: Query, field: str, noun: str, wanted_per_record: Sequence[Sequence[str]]
    ) -> list[FieldProblem]:
        wanted = sorted({value for values in wanted_per_record for value in values})
        if not wanted:
            return []
        found = {row["id"] for row in await self.store.read(query, {"ids": wanted})}
        return [
            FieldProblem(f"[{position}].{field}", f"no {noun} {value!r}")
            for position, values in enumerate(wanted_per_record)
            for value in values
            if value not in found
        ]

    # --- reads -------------------------------------------------------------------------------------------------

    async def get_content(self, content_id: str) -> ContentDetail | None:
        """A title with its people, genres, moods, seasons or episodes, and availability: one round trip."""
        rows = await self.store.read(Query.CONTENT_GET, {"id": content_id})
        return _content_detail(rows[0]) if rows else None

    async def get_content_availability(self, content_id: str) -> ContentAvailability | None:
        """A title with its availability windows and their platforms' and regions' names: one round trip."""
        rows = await self.store.read(Query.CONTENT_WITH_AVAILABILITY, {"id": content_id})
        if not rows:
            return None
        return ContentAvailability(content=Content.model_validate(rows[0]["content"]),
                                   windows=sorted(map(AvailabilityWindow.model_validate, rows[0]["windows"]),
                                                  key=_window_order))

    async def get_person(self, person_id: str) -> PersonDetail | None:
        rows = await self.store.read(Query.PERSON_GET, {"id": person_id})
        if not rows:
            return None
        credits = [{**credit, "role": RELATIONSHIP_ROLE[credit["role"]]} for credit in rows[0]["credits"]]
        credits.sort(key=lambda c: (-(c["content"].get("year") or 0), c["content"]["id"], c["role"]))
        return PersonDetail(person=rows[0]["person"], credits=credits)

    async def get_user(self, user_id: str) -> User | None:
        rows = await self.store.read(Query.USER_GET, {"id": user_id})
        if not rows:
            return None
        row = rows[0]
        return User(**row["user"], region_id=(row["regions"] or [None])[0], subscriptions=sorted(row["subscriptions"]))

    async def neighbourhood(self, content_id: str, limit: int = 25) -> list[Neighbour]:
        """Titles two hops away through a shared person, genre or mood, the most connected first."""
        if not 1 <= limit <= 500:
            raise InvalidInput([FieldProblem("limit", f"must be between 1 and 500, got {limit}")])
        rows = await self.store.read(Query.CONTENT_NEIGHBOURHOOD, {"id": content_id, "limit": limit})
        return [Neighbour.model_validate(row) for row in rows]

    async def interactions_of(self, user_id: str, limit: int = 100) -> list[Interaction]:
        """A user's interactions, newest first."""
        rows = await self.store.read(Query.INTERACTIONS_OF_USER, {"id": user_id, "limit": limit})
        return [Interaction.model_validate(row) for row in rows]

    async def canonical_ids_of_source_records(self, keys: Sequence[str]) -> dict[str, str]:
        """Source record id (`source:native_id`) -> the canonical title it was resolved into, for those known."""
        if not keys:
            return {}
        rows = await self.store.read(Query.CANONICAL_OF_SOURCE_RECORDS, {"keys": sorted(set(keys))})
        return {row["key"]: row["id"] for row in rows}

    async def content_ids_by_external_ids(
        self, imdb_ids: Sequence[str], tmdb_ids: Sequence[int]
    ) -> dict[tuple[str, str], str]:
        """("imdb", "tt…") or ("tmdb", "123") -> canonical title id, for those that name exactly one title."""
        if not imdb_ids and not tmdb_ids:
            return {}
        rows = await self.store.read(
            Query.CONTENT_BY_EXTERNAL_IDS, {"imdb_ids": sorted(set(imdb_ids)), "tmdb_ids": sorted(set(tmdb_ids))}
        )
        return ids_named_once(((row["scheme"], row["value"]), row["id"]) for row in rows)

    async def source_records(self, entity_id: str) -> list[SourceRecord]:
        rows = await self.store.read(Query.SOURCE_RECORDS_OF, {"id": entity_id})
        return [SourceRecord.model_validate(row["record"]) for row in rows]

    async def counts_by_label(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in await self.store.read(Query.STATS_COUNT_BY_LABEL):
            for label in row["labels"]:
                counts[label] = counts.get(label, 0) + row["count"]
        return dict(sorted(counts.items()))

    async def titles_needing_text_embedding(self, limit: int) -> list[dict[str, Any]]:
        """Up to `limit` titles whose text embedding is missing or stale: id, title, year, synopsis, genres."""
        return await self.store.read(Query.CONTENT_NEEDING_TEXT_EMBEDDING, {"limit": limit})

    async def count_titles_needing_text_embedding(self) -> int:
        rows = await self.store.read(Query.CONTENT_COUNT_NEEDING_TEXT_EMBEDDING)
        return int(rows[0]["count"]) if rows else 0

    async def counts_by_type(self) -> dict[str, int]:
        """Edge counts by relationship type."""
        rows = await self.store.read(Query.STATS_COUNT_BY_TYPE)
        return dict(sorted((row["type"], row["count"]) for row in rows))

    async def server_time(self) -> int:
        """The store server's clock in epoch ms, the clock of the windows' write stamps."""
        return int((await self.store.read(Query.SERVER_TIME))[0]["now"])

    async def digest(self) -> str:
        """A hash of every node and edge with their properties (vectors aside): equal digests, equal graphs."""
        nodes = await self.store.read(Query.DIGEST_NODES)
        edges = await self.store.read(Query.DIGEST_EDGES)
        lines = sorted(json.dumps([sorted(row["labels"]), row["id"], sorted(map(tuple, row["properties"]))],
                                  sort_keys=True, default=str) for row in nodes)
        lines += sorted(json.dumps([row["type"], row["from"], row["to"], sorted(map(tuple, row["properties"]))],
                                   sort_keys=True, default=str) for row in edges)
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()

    async def similar_by_text(self, vector: Sequence[float], k: int = 10) -> list[VectorHit]:
        return await self.store.vector_search(VectorIndex.CONTENT_TEXT, vector, k)


def ids_named_once(named: Iterable[tuple[tuple[str, str], str]]) -> dict[tuple[str, str], str]:
    """(scheme, external id) -> the one title id it names, from (external id, title id) pairs. TMDb numbers films
    and shows apart, so one number can name a film and a show: then it names neither."""
    found: dict[tuple[str, str], set[str]] = {}
    for key, content_id in named:
        found.setdefault(key, set()).add(content_id)
    return {key: ids.pop() for key, ids in found.items() if len(ids) == 1}


_WATCH_SIGNALS = (Signal.WATCH_COMPLETE, Signal.WATCH_START)


def content_links(links: Iterable[Mapping[str, Any]]) -> ContentLinks:
    """Sort a title's edges (see cypher/content/links_by_ids.cypher) into genres, moods, credits and family."""
    genres, moods, credits, children = [], [], [], []
    parent_id = None
    for link in links:
        rel, node = link["rel"], link["node"]
        if rel == "IN_GENRE":
            genres.append(node)
        elif rel == "HAS_MOOD":
            moods.append(node)
        elif rel in RELATIONSHIP_ROLE:
            credits.append({"person_id": node["id"], "name": node["name"], "role": RELATIONSHIP_ROLE[rel],
                            "character": link["character"], "order": link["order"]})
        elif rel in ("SEASON_OF", "EPISODE_OF"):
            if link["outgoing"]:
                parent_id = node["id"]
            else:
                children.append(node)
    return ContentLinks(
        genres=sorted(genres, key=lambda g: g["id"]),
        moods=sorted(moods, key=lambda m: m["id"]),
        credits=sorted(credits, key=lambda c: (c["role"], c["order"] or 0, c["person_id"])),
        parent_id=parent_id,
        children=sorted(children, key=lambda c: (c["number"] or 0, c["id"])),
    )


def _window_order(window: AvailabilityWindow) -> tuple[str, str, float, str]:
    return window.region_id, window.platform_id, window.price or 0, window.id


def _content_detail(row: Mapping[str, Any]) -> ContentDetail:
    """A title page from cypher/content/get.cypher: the title's links sorted into their kinds, windows apart."""
    windows = [link["node"] for link in row["links"] if link["rel"] == "OF"]
    links = content_links(link for link in row["links"] if link["rel"] != "OF")
    people = {link["node"]["id"]: link["node"] for link in row["links"] if link["rel"] in RELATIONSHIP_ROLE}
    return ContentDetail(
        content=Content.model_validate(row["content"]),
        genres=links.genres,
        moods=links.moods,
        credits=links.credits,
        people=sorted(people.values(), key=lambda person: person["id"]),
        parent_id=links.parent_id,
        children=links.children,
        windows=sorted(map(AvailabilityWindow.model_validate, windows), key=_window_order),
    )
