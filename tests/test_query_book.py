"""The query book: every statement name resolves to a file per dialect, or start-up fails naming what is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mediagateway.graph.errors import QueryBookError
from mediagateway.graph.model import UNIQUE_KEYS
from mediagateway.graph.queries import CYPHER_DIR, DIALECTS, Query, QueryBook, Script, split_statements


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_name_resolves_in_every_dialect(dialect: str) -> None:
    book = QueryBook(dialect)  # type: ignore[arg-type]
    assert all(book[query] for query in Query)
    assert book.script(Script.SCHEMA)


def test_a_missing_statement_fails_at_start_up_naming_it(tmp_path: Path) -> None:
    root = tmp_path / "cypher"
    shutil.copytree(CYPHER_DIR, root)
    (root / "content" / "get.cypher").unlink()

    with pytest.raises(QueryBookError, match="content/get"):
        QueryBook("neo4j", root)


def test_an_unknown_dialect_is_refused() -> None:
    with pytest.raises(QueryBookError, match="unknown Cypher dialect 'memgraph'"):
        QueryBook("memgraph")  # type: ignore[arg-type]


def test_dialect_files_override_shared_ones() -> None:
    assert "vecf32" in QueryBook("falkordb")[Query.CONTENT_SET_TEXT_EMBEDDING]
    assert "vecf32" not in QueryBook("neo4j")[Query.CONTENT_SET_TEXT_EMBEDDING]
    assert QueryBook("falkordb")[Query.CONTENT_GET] == QueryBook("neo4j")[Query.CONTENT_GET]


def test_every_cypher_file_is_used() -> None:
    known = {q.value for q in Query} | {s.value for s in Script}
    files = {str(p.relative_to(CYPHER_DIR)).split(".")[0] for p in CYPHER_DIR.rglob("*.cypher")}
    assert files - known == set()


def test_neo4j_schema_constrains_every_key() -> None:
    statements = QueryBook("neo4j").script(Script.SCHEMA)
    for label, key in UNIQUE_KEYS.items():
        assert any(f"(n:{label}) REQUIRE n.{key} IS UNIQUE" in s for s in statements), label


def test_scripts_split_at_semicolons_and_skip_comments() -> None:
    text = "// header\nCREATE INDEX a;\nCREATE VECTOR INDEX b\n  OPTIONS {x: 1};\n"
    assert split_statements(text) == ["CREATE INDEX a", "CREATE VECTOR INDEX b\n  OPTIONS {x: 1}"]
