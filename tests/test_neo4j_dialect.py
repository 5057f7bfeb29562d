"""Every Neo4j-dialect statement under `cypher/` passes Neo4j's own Cypher linter, as Neo4j 5 Cypher.

FalkorDB accepts Cypher that Neo4j does not (`vecf32()`, `db.idx.vector.*`), and the two dialects share most files,
so a statement that runs on the embedded FalkorDB can still fail on the production Neo4j. The linter catches that
without a Neo4j server. The sample statements below show that the check catches what it must and passes the Neo4j
forms the project relies on. All statements are linted in one linter run per module, since starting it is slow.
"""

from __future__ import annotations

import pytest

from mediagateway.graph.queries import QueryBook

from .neo4j_lint import LintDiagnostic, errors_only, lint_neo4j

SAMPLE = "sample:"
SAMPLES: dict[str, str] = {
    "misspelt_function": "RETURN toLowr('x')",
    "falkordb_vector_query": (
        "CALL db.idx.vector.queryNodes('Content','text_embedding',10,vecf32($v)) YIELD node RETURN node"
    ),
    "neo4j_vector_query": (
        "CALL db.index.vector.queryNodes('content_text_embedding', $k, $vector) YIELD node, score RETURN node.id, score"
    ),
    "syntax_error": "MATCH (c:Content RETURN c",
    "neo4j_vector_index": (
        "CREATE VECTOR INDEX content_text_embedding IF NOT EXISTS FOR (c:Content) ON (c.text_embedding) "
        "OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine'}}"
    ),
}


@pytest.fixture(scope="module")
def project_statements() -> dict[str, str]:
    return QueryBook("neo4j").all_statements()


@pytest.fixture(scope="module")
def lint_errors(project_statements: dict[str, str]) -> dict[str, list[LintDiagnostic]]:
    """Errors of every project statement and every sample (prefixed `sample:`), from one linter run."""
    samples = {SAMPLE + name: text for name, text in SAMPLES.items()}
    return errors_only(lint_neo4j({**project_statements, **samples}))


def _messages(errors: dict[str, list[LintDiagnostic]], sample: str) -> list[str]:
    return [found.message for found in errors.get(SAMPLE + sample, [])]


def test_every_neo4j_statement_passes_the_linter(
    project_statements: dict[str, str], lint_errors: dict[str, list[LintDiagnostic]]
) -> None:
    assert project_statements, "no Neo4j-dialect statements found"
    failures = [f"{name} {found}" for name in project_statements for found in lint_errors.get(name, [])]
    assert not failures, "Neo4j's Cypher linter rejects:\n" + "\n".join(failures)


def test_a_misspelt_function_is_an_error(lint_errors: dict[str, list[LintDiagnostic]]) -> None:
    messages = _messages(lint_errors, "misspelt_function")
    assert any("Function toLowr is not present" in message for message in messages), messages


def test_falkordb_vector_search_is_an_error(lint_errors: dict[str, list[LintDiagnostic]]) -> None:
    messages = _messages(lint_errors, "falkordb_vector_query")
    assert any("Procedure db.idx.vector.queryNodes is not present" in message for message in messages), messages
    assert any("Function vecf32 is not present" in message for message in messages), messages


def test_neo4j_vector_search_passes(lint_errors: dict[str, list[LintDiagnostic]]) -> None:
    assert _messages(lint_errors, "neo4j_vector_query") == []


def test_a_syntax_error_is_an_error(lint_errors: dict[str, list[LintDiagnostic]]) -> None:
    assert _messages(lint_errors, "syntax_error")


def test_neo4j_vector_index_ddl_passes(lint_errors: dict[str, list[LintDiagnostic]]) -> None:
    assert _messages(lint_errors, "neo4j_vector_index") == []
