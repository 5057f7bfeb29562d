"""Runs Cypher statements through Neo4j's own Cypher linter (`tools/cypher-lint`), as Neo4j 5 Cypher.

The linter is a Node.js program; its packages are installed by `npm ci` in `tools/cypher-lint` (the project's
`./dev test` does that). All statements go to one `node` process, since starting the linter is the slow part.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

LINT_DIR = Path(__file__).resolve().parents[1] / "tools" / "cypher-lint"
LINT_SCRIPT = LINT_DIR / "lint.mjs"
LINT_TIMEOUT_SECONDS = 300

Severity = Literal["error", "warning"]


class LinterUnavailable(RuntimeError):
    """Node.js or the linter's packages are not installed."""


@dataclass(frozen=True)
class LintDiagnostic:
    """One finding of the linter; line and column are 1-based within the statement."""

    severity: Severity
    message: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column} {self.severity}: {self.message}"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise LinterUnavailable("Node.js (`node`) is not on PATH; the Cypher linter needs it")
    if not (LINT_DIR / "node_modules").is_dir():
        raise LinterUnavailable("the Cypher linter is not installed: run `npm ci` in tools/cypher-lint")
    return node


def lint_neo4j(statements: Mapping[str, str]) -> dict[str, list[LintDiagnostic]]:
    """Lint each named statement as Neo4j 5 Cypher; every name maps to its diagnostics (empty when clean)."""
    if not statements:
        return {}
    completed = subprocess.run(
        [_node(), str(LINT_SCRIPT)],
        input=json.dumps(dict(statements)),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=LINT_DIR,
        timeout=LINT_TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the Cypher linter failed (exit {completed.returncode}):\n{completed.stderr.strip()}")
    report: dict[str, list[dict[str, Any]]] = json.loads(completed.stdout)
    return {
        name: [
            LintDiagnostic(
                severity="error" if found["severity"] == "error" else "warning",
                message=str(found["message"]),
                line=int(found["line"]),
                column=int(found["column"]),
            )
            for found in report[name]
        ]
        for name in statements
    }


def errors_only(report: Mapping[str, Iterable[LintDiagnostic]]) -> dict[str, list[LintDiagnostic]]:
    """The statements that have errors, each with its errors only (warnings dropped)."""
    errors = {
        name: [found for found in diagnostics if found.severity == "error"] for name, diagnostics in report.items()
    }
    return {name: found for name, found in errors.items() if found}
