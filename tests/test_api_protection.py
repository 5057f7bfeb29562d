"""The API's protection, metrics and logs, end to end: real uvicorn processes on 127.0.0.1 (development, production,
and one with a tiny request timeout) spoken to over HTTP, their JSON log lines read from their stderr."""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from mediagateway.graph.connect import embedded_server
from mediagateway.graph.queries import Query
from mediagateway.settings import Settings

from . import catalog
from .own_graph import own_graph
from .test_server import free_port, graphql, start_api, stop_api

GRAPH = "protection_tests"
TEN_MEGABYTES = 10 * 1024 * 1024


@dataclass
class Api:
    base: str
    log: Path

    def post(self, query: str, variables: dict[str, Any] | None = None, **headers: str) -> httpx.Response:
        """A GraphQL POST whose body is encoded here, so it may hold what httpx's JSON encoder refuses."""
        body = json.dumps({"query": query, "variables": variables})
        return httpx.post(f"{self.base}/graphql", content=body, timeout=30,
                          headers={"content-type": "application/json", **headers})

    def log_lines(self, wanted: Any, timeout_s: float = 5.0) -> list[dict[str, Any]]:
        """The server's JSON log lines that `wanted` accepts, waiting a little for them to be written."""
        deadline = time.monotonic() + timeout_s
        while True:
            lines = [json.loads(line) for line in self.log.read_text().splitlines() if line.startswith("{")]
            found = [line for line in lines if wanted(line)]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


@pytest.fixture(scope="module")
async def loaded(embedded_settings: Settings) -> AsyncIterator[None]:
    async with own_graph(embedded_settings, GRAPH) as (_, runtime):
        await catalog.load(runtime.repository)
        yield


def serve(settings: Settings, log_dir: Path, name: str, env: dict[str, str]) -> Iterator[Api]:
    log = log_dir / f"{name}.log"
    with log.open("wb") as stderr:
        process, base = start_api({"MG_DATA_DIR": str(settings.data_dir), "MG_GRAPH_NAME": GRAPH, **env}, stderr)
        yield Api(base, log)
        stop_api(process)


@pytest.fixture(scope="module")
def dev(loaded: None, embedded_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    yield from serve(embedded_settings, tmp_path_factory.mktemp("logs"), "development", {"MG_MODE": "development"})


@pytest.fixture(scope="module")
def prod(loaded: None, embedded_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    yield from serve(embedded_settings, tmp_path_factory.mktemp("logs"), "production", {"MG_MODE": "production"})


@pytest.fixture(scope="module")
def impatient(loaded: None, embedded_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    yield from serve(embedded_settings, tmp_path_factory.mktemp("logs"), "impatient", {"MG_REQUEST_TIMEOUT_S": "0.001"})


def errors_of(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    errors: list[dict[str, Any]] = response.json().get("errors") or []
    return errors


def nested(field: str, depth: int, leaf: str) -> str:
    return f"{{ {field} " * depth + f"{{ {leaf} }}" + " }" * depth


# --- document limits ----------------------------------------------------------------------------------------------


def test_a_query_fifty_levels_deep_is_refused(dev: Api) -> None:
    document = '{ __type(name: "Query") ' + nested("ofType", 49, "name") + " }"

    response = dev.post(document)

    (error,) = errors_of(response)
    assert error["message"] == "Operation (anonymous) nests fields deeper than the limit of 12 levels."
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert response.json()["data"] is None


def test_a_query_within_the_depth_limit_runs(dev: Api) -> None:
    document = '{ __type(name: "Query") ' + nested("ofType", 9, "name") + " }"

    response = dev.post(document)

    assert errors_of(response) == []
    assert response.json()["data"]["__type"]["ofType"] is None


def test_fragments_spread_again_and_again_are_counted_in_linear_time(dev: Api) -> None:
    # each fragment spreads the next twice: 2**40 aliases once expanded, in a few hundred tokens
    fragments = "".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}\n" for i in range(40))
    document = "query Doubling { ...F0 }\n" + fragments + "fragment F40 on Query { alias: __typename }"
    started = time.monotonic()

    response = dev.post(document)

    assert time.monotonic() - started < 2
    assert any(e["message"] == f"The document uses {2 ** 40} aliases; at most 30 are allowed."
               for e in errors_of(response))


def test_a_thousand_aliases_are_refused(dev: Api) -> None:
    document = "{ " + " ".join(f"a{i}: __typename" for i in range(1_000)) + " }"

    (error,) = errors_of(dev.post(document))

    # three tokens an alias: the token limit refuses the document before it is even parsed
    assert error["message"] == "Syntax Error: Document contains more than 2000 tokens. Parsing aborted."
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


def test_more_aliases_than_allowed_are_refused(dev: Api) -> None:
    document = "{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }"

    (error,) = errors_of(dev.post(document))

    assert error["message"] == "The document uses 31 aliases; at most 30 are allowed."


def test_a_huge_token_count_is_refused_without_parsing_it_all(dev: Api) -> None:
    document = "{ stats { " + "backend " * 100_000 + "} }"
    started = time.monotonic()

    (error,) = errors_of(dev.post(document))

    assert time.monotonic() - started < 2
    assert error["message"] == "Syntax Error: Document contains more than 2000 tokens. Parsing aborted."


WIDE_BROWSE = """
query Wide($n: Int) {
  browse(list: TRENDING, first: $n) { nodes { id availability(first: 100) { nodes { id } } } }
}
"""


def test_a_list_fan_out_over_budget_is_refused_naming_the_total(dev: Api) -> None:
    (error,) = errors_of(dev.post(WIDE_BROWSE, {"n": 100}))

    assert error["message"].startswith("The document's list cost is 10100, over the budget of 5000")
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_a_page_size_is_clamped_before_it_is_costed(dev: Api) -> None:
    (error,) = errors_of(dev.post(WIDE_BROWSE, {"n": 1_000_000}))

    assert error["message"].startswith("The document's list cost is 10100,")


def test_the_same_document_is_costed_again_with_new_variables(dev: Api) -> None:
    # validation is cached by document; the budget depends on the variables, so it is cached by them too
    assert not [e for e in errors_of(dev.post(WIDE_BROWSE, {"n": 5}))
                if e["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"]
    (error,) = errors_of(dev.post(WIDE_BROWSE, {"n": 100}))

    assert error["message"].startswith("The document's list cost is 10100,")


def test_a_variable_that_is_not_a_number_does_not_change_the_cost_of_a_request_without_it(dev: Api) -> None:
    document = WIDE_BROWSE.replace("$n: Int)", "$n: Int = 100)")
    assert not [e for e in errors_of(dev.post(document, {"n": "many"}))
                if e["message"].startswith("The document's list cost")]

    (error,) = errors_of(dev.post(document))  # $n takes its default, 100

    assert error["message"].startswith("The document's list cost is 10100,")


def test_a_page_of_search_results_with_their_availability_is_within_budget(dev: Api) -> None:
    document = """
    query Results { search(query: "heat", first: 100) { edges { node { id title availability { nodes { id } } } } } }
    """

    errors = errors_of(dev.post(document))

    assert [e for e in errors if e["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"] == []


# --- the request body ---------------------------------------------------------------------------------------------


def test_a_ten_megabyte_body_is_refused_and_the_server_goes_on(dev: Api) -> None:
    body = b'{"query": "{ stats { backend } }", "padding": "' + b"x" * TEN_MEGABYTES + b'"}'

    declared = httpx.post(f"{dev.base}/graphql", content=body, headers={"content-type": "application/json"},
                          timeout=30)
    streamed = httpx.post(f"{dev.base}/graphql", content=iter([body[i:i + 65_536]
                                                               for i in range(0, len(body), 65_536)]),
                          headers={"content-type": "application/json"}, timeout=30)

    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.json()["errors"][0] == {
            "message": "The request body is larger than the limit of 1048576 bytes.",
            "extensions": {"code": "PAYLOAD_TOO_LARGE"},
        }
    assert "content-length" not in streamed.request.headers  # the second one really was chunked
    assert dev.post("{ stats { backend } }").json() == {"data": {"stats": {"backend": "embedded"}}}


@pytest.mark.parametrize(("body", "message"), [
    ('"a string"', "The request body must be a JSON object, not str."),
    ("[" * 100_000, "The request body is nested too deeply."),
])
def test_a_body_that_is_no_graphql_request_gets_400_naming_why(dev: Api, body: str, message: str) -> None:
    response = httpx.post(f"{dev.base}/graphql", content=body, headers={"content-type": "application/json"})

    assert (response.status_code, response.text) == (400, message)


CONTENT_BY_ID = "query Title($id: ID!) { content(id: $id) { id title } }"


def test_a_lone_surrogate_in_a_variable_is_refused_by_name(dev: Api) -> None:
    response = dev.post(CONTENT_BY_ID, {"id": "title:\ud800heat"})

    assert response.status_code == 400
    assert response.text == "variables.id holds a lone surrogate (\\ud800-\\udfff): strings must be Unicode text."


def test_a_lone_surrogate_in_the_document_is_a_syntax_error(dev: Api) -> None:
    (error,) = errors_of(dev.post('{ content(id: "title:\\ud800") { id } }'))

    assert error["message"] == "Syntax Error: Invalid Unicode escape sequence: '\\ud800'."


@pytest.mark.parametrize("send", ["variable", "literal"])
def test_a_nul_in_an_argument_is_a_clean_error(dev: Api, send: str) -> None:
    if send == "variable":
        response = dev.post(CONTENT_BY_ID, {"id": "title:\x00heat"})
    else:
        response = dev.post('{ content(id: "title:\\u0000heat") { id } }')

    (error,) = errors_of(response)
    assert response.json()["data"] == {"content": None}
    assert error["extensions"]["code"] in ("INVALID_ARGUMENT", "INVALID_INPUT")  # the resolver's or the store's check
    assert "NUL" in error["message"]


@pytest.mark.parametrize("id", [
    "') DETACH DELETE n //",
    "x'}) MATCH (n) DETACH DELETE n RETURN 1 AS id //",
    '" OR 1=1 //',
    "title:heat` }) DETACH DELETE n //",
    "\\') MATCH (n) SET n.title = 'pwned' //",
])
async def test_cypher_in_an_argument_is_only_an_unknown_id(dev: Api, id: str) -> None:
    before = await graphql(dev.base, "{ stats { nodes { label count } } }")

    response = dev.post(CONTENT_BY_ID, {"id": id})

    assert response.json()["data"] == {"content": None}
    assert [error["extensions"]["code"] for error in errors_of(response)] in ([], ["NOT_FOUND"])
    assert await graphql(dev.base, "{ stats { nodes { label count } } }") == before
    heat = await graphql(dev.base, CONTENT_BY_ID, {"id": "title:heat"})
    assert heat == {"content": {"id": "title:heat", "title": "Heat"}}


# --- operations, introspection, the IDE ---------------------------------------------------------------------------


def test_a_mutation_over_get_is_refused_not_run(dev: Api) -> None:
    response = httpx.get(f"{dev.base}/graphql", params={"query": "mutation Sneaky { __typename }"})

    assert (response.status_code, response.text) == (400, "mutations are not allowed when using GET")


def test_a_query_over_get_runs(dev: Api) -> None:
    response = httpx.get(f"{dev.base}/graphql", params={"query": "{ stats { backend } }"})

    assert response.json() == {"data": {"stats": {"backend": "embedded"}}}


INTROSPECTION = "{ __schema { queryType { name } } }"


def test_production_refuses_introspection(prod: Api) -> None:
    response = prod.post(INTROSPECTION)

    errors = errors_of(response)
    assert response.json()["data"] is None
    assert errors[0]["message"] == ("GraphQL introspection has been disabled, but the requested query contained the "
                                    "field '__schema'.")
    assert {error["extensions"]["code"] for error in errors} == {"GRAPHQL_VALIDATION_FAILED"}


def test_development_answers_introspection(dev: Api) -> None:
    assert dev.post(INTROSPECTION).json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


def test_graphiql_is_served_to_browsers_in_development_only(dev: Api, prod: Api) -> None:
    browser = {"accept": "text/html,application/xhtml+xml"}

    in_development = httpx.get(f"{dev.base}/graphql", headers=browser)
    in_production = httpx.get(f"{prod.base}/graphql", headers=browser)

    assert in_development.status_code == 200
    assert "graphiql" in in_development.text.lower()
    assert in_production.status_code == 404
    assert "graphiql" not in in_production.text.lower()


# --- errors, the timeout ------------------------------------------------------------------------------------------


def test_an_unexpected_error_is_masked_and_logged_with_the_request_id(dev: Api,
                                                                      embedded_settings: Settings) -> None:
    # a job record that RQ cannot read back (written by another version, or damaged)
    instance = embedded_server(embedded_settings).find()
    assert instance is not None
    connection = redis.Redis.from_url(instance.redis_url)
    connection.hset("rq:job:damaged-job", mapping={"status": "finished", "data": b"not a pickled job",
                                                   "created_at": "2026-01-01T00:00:00.000000Z"})
    try:
        response = dev.post('query DamagedJob { job(id: "damaged-job") { status function } }', None,
                            **{"X-Request-ID": "masking-check-1"})
    finally:
        connection.delete("rq:job:damaged-job")
        connection.close()

    (error,) = errors_of(response)
    assert (error["message"], error["extensions"]) == ("Unexpected error.", {"code": "INTERNAL_SERVER_ERROR"})
    assert "pickle" not in response.text.lower()
    (logged,) = dev.log_lines(lambda line: line["level"] == "ERROR" and line["request_id"] == "masking-check-1")
    assert logged["operation"] == "DamagedJob"
    assert logged["path"] == "job"
    assert "DeserializationError" in logged["exc_info"]


def test_a_client_error_keeps_its_message_and_code(dev: Api) -> None:
    response = dev.post(CONTENT_BY_ID, {"id": "title:no-such-title"})

    assert response.json()["data"] == {"content": None}
    assert [e["extensions"]["code"] for e in errors_of(response)] in ([], ["NOT_FOUND"])


def test_an_operation_over_its_time_is_cancelled_with_a_clear_error(impatient: Api) -> None:
    # several store round trips: milliseconds, so well past 0.001 s (a single sub-millisecond statement may finish
    # before the event loop, whose clock ticks in milliseconds, runs the deadline)
    response = impatient.post('query Slow { content(id: "title:heat") { id title } stats { nodes { label count } } }')

    (error,) = errors_of(response)
    assert (error["message"], error["extensions"]) == (
        "The operation took longer than 0.001s and was cancelled.", {"code": "TIMEOUT"})
    assert response.json()["data"] is None
    assert impatient.post("{ __typename }").json() == {"data": {"__typename": "Query"}}  # no await: no timeout
    assert sample(impatient, "mediagateway_graphql_errors_total", operation="Slow", code="TIMEOUT") == 1


@pytest.mark.slow
def test_production_tells_an_unreachable_store_without_its_address(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    dead_port = free_port()
    log = tmp_path_factory.mktemp("logs") / "production-without-store.log"
    with log.open("wb") as stderr:
        process, base = start_api({"MG_MODE": "production", "MG_BACKEND": "falkordb",
                                   "MG_REDIS_URL": f"redis://127.0.0.1:{dead_port}",
                                   "MG_DATA_DIR": str(tmp_path_factory.mktemp("unused"))}, stderr)
        try:
            response = Api(base, log).post("query Counts { stats { backend } }", None,
                                           **{"X-Request-ID": "store-down-1"})
            (logged,) = Api(base, log).log_lines(lambda line: line["request_id"] == "store-down-1"
                                                  and line["level"] == "WARNING")
        finally:
            stop_api(process)

    (error,) = errors_of(response)
    assert (error["message"], error["extensions"]) == (
        "The catalog is unavailable right now; try again shortly.", {"code": "UNAVAILABLE"})
    assert str(dead_port) not in response.text
    assert f"redis://127.0.0.1:{dead_port} is unavailable" in logged["message"]  # operators see where


# --- metrics and logs ---------------------------------------------------------------------------------------------


def sample(api: Api, name: str, **labels: str) -> float | None:
    """One sample of the server's /metrics, by its name and labels; None if there is none."""
    text = httpx.get(f"{api.base}/metrics").text
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(key) == value for key, value in labels.items()):
                return float(found.value)
    return None


async def test_metrics_count_a_request_by_operation_and_time_its_statements(dev: Api) -> None:
    statement = Query.STATS_COUNT_BY_LABEL.value
    before = sample(dev, "mediagateway_graph_statement_duration_seconds_count", statement=statement, outcome="ok")

    await graphql(dev.base, "query CountNodes { stats { nodes { label count } } }")

    assert sample(dev, "mediagateway_graphql_request_duration_seconds_count",
                  operation="CountNodes", operation_type="query") == 1
    assert sample(dev, "mediagateway_graph_statement_duration_seconds_count",
                  statement=statement, outcome="ok") == (before or 0) + 1
    assert (sample(dev, "mediagateway_graph_statement_duration_seconds_sum", statement=statement, outcome="ok")
            or 0) > 0


def test_metrics_count_errors_by_operation_and_code(dev: Api) -> None:
    dev.post("query Broken { stats { noSuchField } }")

    assert sample(dev, "mediagateway_graphql_errors_total", operation="Broken",
                  code="GRAPHQL_VALIDATION_FAILED") == 1


def test_a_sane_request_id_is_echoed_and_any_other_replaced(dev: Api) -> None:
    echoed = httpx.get(f"{dev.base}/health", headers={"X-Request-ID": "frontend-7f3a.2_b"})
    too_long = httpx.get(f"{dev.base}/health", headers={"X-Request-ID": "a" * 129})
    odd = httpx.get(f"{dev.base}/health", headers={"X-Request-ID": "abc def\tinjected=1"})
    missing = httpx.get(f"{dev.base}/health")

    assert echoed.headers["X-Request-ID"] == "frontend-7f3a.2_b"
    for response in (too_long, odd, missing):
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_each_request_writes_one_json_access_line(dev: Api) -> None:
    response = dev.post("query AccessLogged { stats { backend } }", None, **{"X-Request-ID": "access-line-1"})

    (line,) = dev.log_lines(lambda line: line["request_id"] == "access-line-1")
    assert response.status_code == 200
    assert line["logger"] == "mediagateway.access"
    assert line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"], line["operation"]) == (
        "POST", "/graphql", 200, "AccessLogged")
    assert 0 < line["duration_ms"] < 10_000
    assert line["time"].endswith("+00:00")
