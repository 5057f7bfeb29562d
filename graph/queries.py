"""Named Cypher statements loaded from the `cypher/` folder.

Every statement the code runs has a name in `Query` (its path under `cypher/`, without the ending). The file
`cypher/<name>.cypher` holds the statement both dialects share; `cypher/<name>.<dialect>.cypher` overrides it for
one dialect where the two differ (DDL, vector search). A `QueryBook` resolves every name for its dialect when it is
built, so a name without a file fails at start-up rather than at first use.

Scripts (`Script`) are files of several statements, each ending with `;` at the end of a line: schema DDL.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from mediagateway.graph.errors import QueryBookError

Dialect = Literal["falkordb", "neo4j"]
DIALECTS: tuple[Dialect, ...] = ("falkordb", "neo4j")
CYPHER_DIR = Path(__file__).resolve().parent.parent / "cypher"


class Query(StrEnum):
    """Every single statement the code runs."""

    CONTENT_UPSERT = "content/upsert"
    CONTENT_LINK_PARENTS = "content/link_parents"
    CONTENT_GET = "content/get"
    CONTENT_WITH_AVAILABILITY = "content/with_availability"
    CONTENT_EXISTING_IDS = "content/existing_ids"
    CONTENT_SET_TEXT_EMBEDDING = "content/set_text_embedding"
    CONTENT_SET_GNN_EMBEDDING = "content/set_gnn_embedding"
    CONTENT_NEIGHBOURHOOD = "content/neighbourhood"
    PERSON_UPSERT = "person/upsert"
    PERSON_GET = "person/get"
    PERSON_EXISTING_IDS = "person/existing_ids"
    GENRE_UPSERT = "taxonomy/genre_upsert"
    MOOD_UPSERT = "taxonomy/mood_upsert"
    PLATFORM_UPSERT = "taxonomy/platform_upsert"
    PLATFORM_EXISTING_IDS = "taxonomy/platform_existing_ids"
    REGION_UPSERT = "taxonomy/region_upsert"
    REGION_EXISTING_IDS = "taxonomy/region_existing_ids"
    USER_UPSERT = "user/upsert"
    USER_GET = "user/get"
    USER_EXISTING_IDS = "user/existing_ids"
    USER_SET_GNN_EMBEDDING = "user/set_gnn_embedding"
    WINDOW_UPSERT = "availability/window_upsert"
    SOURCE_RECORD_UPSERT = "provenance/source_record_upsert"
    SOURCE_RECORDS_OF = "provenance/source_records_of"
    STATS_COUNT_BY_LABEL = "stats/count_by_label"
    STATS_COUNT_BY_TYPE = "stats/count_by_type"
    VECTOR_CONTENT_TEXT = "vector/content_text"
    VECTOR_CONTENT_GNN = "vector/content_gnn"
    VECTOR_USER_GNN = "vector/user_gnn"
    EXACT_CONTENT_TEXT = "vector/exact_content_text"
    # --- ingestion: entity resolution (ingest/resolve.py) ---
    RESOLVE_SOURCE_RECORDS = "resolve/source_records"
    RESOLVE_CONTENT_CANDIDATES = "resolve/content_candidates"
    RESOLVE_CONTENTS = "resolve/contents"
    RESOLVE_CHILDREN = "resolve/children"
    RESOLVE_PEOPLE_BY_IMDB = "resolve/people_by_imdb"
    RESOLVE_COWORKERS = "resolve/coworkers"
    RESOLVE_ENTITY = "resolve/entity"
    RESOLVE_SPLIT_MOVE = "resolve/split_move"
    RESOLVE_MARK_DO_NOT_MERGE = "resolve/mark_do_not_merge"
    # --- ingestion: pipeline, jobs, users and interactions ---
    RATED_UPSERT = "interaction/rated_upsert"
    WATCHED_UPSERT = "interaction/watched_upsert"
    INTERACTED_UPSERT = "interaction/interacted_upsert"
    INTERACTIONS_OF_USER = "interaction/of_user"
    CONTENT_NEEDING_TEXT_EMBEDDING = "content/needing_text_embedding"
    CONTENT_COUNT_NEEDING_TEXT_EMBEDDING = "content/count_needing_text_embedding"
    CANONICAL_OF_SOURCE_RECORDS = "ingest/canonical_of_source_records"
    CONTENT_BY_EXTERNAL_IDS = "ingest/content_by_external_ids"
    # --- discovery API: batched reads and lists (graph/discovery.py) ---
    CONTENT_BY_IDS = "content/by_ids"
    CONTENT_TAXONOMY_BY_IDS = "content/taxonomy_by_ids"
    CONTENT_CREDITS_BY_IDS = "content/credits_by_ids"
    CONTENT_FAMILY_BY_IDS = "content/family_by_ids"
    CONTENT_SIMILAR = "content/similar"
    WINDOWS_OF_CONTENTS = "availability/of_contents"
    PERSON_BY_IDS = "person/by_ids"
    PERSON_CREDITS_BY_IDS = "person/credits_by_ids"
    SEARCH_TITLE_KEYWORD = "search/title_keyword"
    SEARCH_PERSON_KEYWORD = "search/person_keyword"
    SEARCH_FILTER = "search/filter"
    SEARCH_FILTER_TITLES = "search/filter_titles"
    SEARCH_FILTER_WINDOWS = "search/filter_windows"
    BROWSE_TRENDING = "browse/trending"
    BROWSE_NEW_ON_PLATFORM = "browse/new_on_platform"
    BROWSE_LEAVING_SOON = "browse/leaving_soon"
    BROWSE_BY_GENRE = "browse/by_genre"
    BROWSE_BY_MOOD = "browse/by_mood"
    # --- recommendations: GraphSAGE (graph/sage.py) ---
    GNN_TITLE_IDS = "gnn/title_ids"
    GNN_TITLE_FEATURES = "gnn/title_features"
    GNN_USER_IDS = "gnn/user_ids"
    GNN_INTERACTIONS_OF_USERS = "gnn/interactions_of_users"
    GNN_USER_NEIGHBOURHOOD = "gnn/user_neighbourhood"
    # --- recommendations: strategies (recommend/) ---
    RECOMMEND_TITLES_BY_IDS = "recommend/titles_by_ids"
    RECOMMEND_VIEWERS_BY_IDS = "recommend/viewers_by_ids"
    RECOMMEND_CO_OCCURRENCE = "recommend/co_occurrence"
    RECOMMEND_CO_OCCURRENCE_BECAUSE = "recommend/co_occurrence_because"
    RECOMMEND_AVAILABLE = "recommend/available"
    RECOMMEND_WINDOWS_WRITTEN = "recommend/windows_written"
    RECOMMEND_PLATFORM_NAMES = "recommend/platform_names"
    # --- administration ---
    EXISTING_CONSTRAINTS = "schema/existing_constraints"
    SCHEMA_BUILDING = "schema/building"
    PING = "admin/ping"
    DIGEST_NODES = "admin/digest_nodes"
    DIGEST_EDGES = "admin/digest_edges"
    DELETE_ALL = "admin/delete_all"
    NODE_COUNT = "admin/node_count"
    SERVER_TIME = "admin/server_time"


class Script(StrEnum):
    """Files of several statements, run in order."""

    SCHEMA = "schema/bootstrap"


def _file_for(name: str, dialect: Dialect, root: Path) -> Path | None:
    for candidate in (root / f"{name}.{dialect}.cypher", root / f"{name}.cypher"):
        if candidate.is_file():
            return candidate
    return None


def split_statements(text: str) -> list[str]:
    """Split a script into statements at lines that end with `;`, dropping `//` comment lines."""
    statements: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip().startswith("//"):
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current).strip().rstrip(";").strip())
            current = []
    tail = "\n".join(current).strip()
    if tail:
        statements.append(tail)
    return [s for s in statements if s]


class QueryBook:
    """The statements of one dialect, all read and checked when the book is built."""

    def __init__(self, dialect: Dialect, root: Path = CYPHER_DIR) -> None:
        if dialect not in DIALECTS:
            raise QueryBookError(f"unknown Cypher dialect {dialect!r}; expected one of {', '.join(DIALECTS)}")
        self.dialect = dialect
        missing: list[str] = []
        self._queries: dict[Query, str] = {}
        self._scripts: dict[Script, list[str]] = {}
        for query in Query:
            path = _file_for(query.value, dialect, root)
            if path is None:
                missing.append(query.value)
            else:
                self._queries[query] = _strip_comments(path.read_text(encoding="utf-8"))
        for script in Script:
            path = _file_for(script.value, dialect, root)
            if path is None:
                missing.append(script.value)
            else:
                self._scripts[script] = split_statements(path.read_text(encoding="utf-8"))
        if missing:
            raise QueryBookError(
                f"no Cypher file for {', '.join(sorted(missing))} in dialect {dialect!r} under {root}"
            )

    def __getitem__(self, query: Query) -> str:
        return self._queries[query]

    def script(self, script: Script) -> list[str]:
        return list(self._scripts[script])

    def all_statements(self) -> dict[str, str]:
        """Every statement of this dialect by a readable name: what the dialect linter checks."""
        named = {query.value: text for query, text in self._queries.items()}
        for script, statements in self._scripts.items():
            for number, text in enumerate(statements, start=1):
                named[f"{script.value}#{number}"] = text
        return named


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.strip().startswith("//")).strip()
