// Lints Cypher statements as Neo4j 5 Cypher with Neo4j's own linter (@neo4j-cypher/language-support).
//
//   stdin:  {"<name>": "<statement>", ...}
//   stdout: {"<name>": [{"severity": "error"|"warning", "message": "...", "line": 1, "column": 1}, ...], ...}
//
// Line and column are 1-based. The exit code is non-zero only when the tool itself fails (bad input, missing package).
//
// Why the mock schema: offline, `lintCypherQuery` checks syntax and semantics, but it can only tell an unknown
// function or procedure from a real one if it is given the list of those that exist, which it normally reads from a
// live server. The package ships such a list in its test data (`testData.mockSchema`, one registry per Cypher
// version), taken from a Neo4j 5 server; we pass its `CYPHER 5` registries, so that a misspelt function or a
// FalkorDB-only procedure is an error. The mock also lists the APOC and GDS plugins, which a plain Neo4j does not
// have: those are left out. Labels, relationship types and property keys are left out of the schema on purpose:
// the linter checks them only when the schema lists them, and the project's graph schema is not in the mock.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

// This release's ES-module build has import paths that Node cannot resolve; its CommonJS build is sound.
const { lintCypherQuery, testData } = createRequire(import.meta.url)('@neo4j-cypher/language-support');

const CYPHER_VERSION = 'CYPHER 5';
const PLUGIN_NAMESPACES = ['apoc.', 'gds.'];
const ERROR = 1; // DiagnosticSeverity.Error in the Language Server Protocol; the others are warnings or hints.
// Parameters are supplied when a statement runs, so "not defined" says nothing about the statement.
const UNDEFINED_PARAMETER = /^Parameter \$.+ is not defined\.$/;

function withoutPlugins(registry) {
  return Object.fromEntries(
    Object.entries(registry).filter(([name]) => !PLUGIN_NAMESPACES.some((prefix) => name.startsWith(prefix))),
  );
}

const mock = testData.mockSchema;
const schema = {
  functions: { [CYPHER_VERSION]: withoutPlugins(mock.functions[CYPHER_VERSION]) },
  procedures: { [CYPHER_VERSION]: withoutPlugins(mock.procedures[CYPHER_VERSION]) },
  defaultLanguage: CYPHER_VERSION,
};

function lint(statement) {
  return lintCypherQuery(statement, schema)
    .filter((diagnostic) => !UNDEFINED_PARAMETER.test(diagnostic.message))
    .map((diagnostic) => ({
      severity: diagnostic.severity === ERROR ? 'error' : 'warning',
      message: diagnostic.message,
      line: diagnostic.range.start.line + 1,
      column: diagnostic.range.start.character + 1,
    }));
}

const statements = JSON.parse(readFileSync(0, 'utf8'));
if (statements === null || typeof statements !== 'object' || Array.isArray(statements)) {
  throw new TypeError('stdin must be a JSON object of statement name to statement text');
}
const report = {};
for (const [name, statement] of Object.entries(statements)) {
  if (typeof statement !== 'string') {
    throw new TypeError(`statement ${JSON.stringify(name)} is not a string`);
  }
  report[name] = lint(statement);
}
process.stdout.write(JSON.stringify(report) + '\n');
