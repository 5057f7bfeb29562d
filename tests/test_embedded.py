"""The embedded FalkorDB process: one per data directory, shared, recovered after crashes, durable, private."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from falkordb import FalkorDB
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue

from mediagateway.graph.embedded import PLAN_CACHE_SIZE, EmbeddedInstance, EmbeddedServer
from mediagateway.graph.errors import EmbeddedStoreError

FIND_OR_START = (
    "import json, sys; from pathlib import Path; from mediagateway.graph.embedded import EmbeddedServer; "
    "i, started = EmbeddedServer(Path(sys.argv[1])).ensure_running(); print(json.dumps([i.pid, started]))"
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    embedded = EmbeddedServer(tmp_path / "store")
    yield embedded
    embedded.stop()


def graph(instance: EmbeddedInstance) -> FalkorDB:
    return FalkorDB(unix_socket_path=instance.socket, password=instance.password)


def find_or_start_in_another_process(data_dir: Path) -> tuple[int, bool]:
    output = subprocess.run(
        [sys.executable, "-c", FIND_OR_START, str(data_dir)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    pid, started = json.loads(output)
    return pid, started


def test_a_second_process_reuses_the_running_server(server: EmbeddedServer) -> None:
    instance, started = server.ensure_running()

    assert started
    assert find_or_start_in_another_process(server.data_dir) == (instance.pid, False)
    assert server.ensure_running() == (instance, False)


def test_processes_starting_at_once_end_up_with_one_server(server: EmbeddedServer) -> None:
    processes = [
        subprocess.Popen([sys.executable, "-c", FIND_OR_START, str(server.data_dir)], stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    results = [json.loads(p.communicate(timeout=60)[0]) for p in processes]

    assert len({pid for pid, _ in results}) == 1
    assert sorted(started for _, started in results) == [False, False, True]


def test_a_stale_state_file_after_a_crash_is_recovered(server: EmbeddedServer) -> None:
    server.ensure_running()
    server.stop()
    state = {"pid": 999_999, "port": 1, "socket": str(server.socket_path), "password": "x"}
    server.state_file.write_text(json.dumps(state))
    server.socket_path.touch()

    instance, started = server.ensure_running()

    assert started
    assert instance.pid != 999_999
    assert instance.client().ping()


def test_a_reused_pid_that_is_not_our_server_counts_as_stale(server: EmbeddedServer) -> None:
    server.data_dir.mkdir(parents=True)
    server.state_file.write_text(json.dumps({"pid": os.getpid(), "port": 1, "socket": "x", "password": "x"}))

    instance, started = server.ensure_running()

    assert started and instance.pid != os.getpid()


def test_a_torn_state_file_is_recovered(server: EmbeddedServer) -> None:
    server.data_dir.mkdir(parents=True)
    server.state_file.write_text('{"pid": 12')

    _, started = server.ensure_running()

    assert started


@pytest.mark.slow
def test_writes_acknowledged_a_second_before_sigkill_survive(server: EmbeddedServer) -> None:
    instance, _ = server.ensure_running()
    g = graph(instance).select_graph("durability")
    g.query("UNWIND range(1, 5000) AS i CREATE (:Item {id: i})")
    g.query("CREATE INDEX FOR (n:Item) ON (n.id)")
    time.sleep(1.2)  # appendfsync everysec: acknowledged more than a second ago means on disk

    os.kill(instance.pid, signal.SIGKILL)
    restarted, started = server.ensure_running()

    assert started and restarted.pid != instance.pid
    g = graph(restarted).select_graph("durability")
    assert g.query("MATCH (n:Item) RETURN count(n)").result_set == [[5000]]
    assert g.query("MATCH (n:Item {id: 4321}) RETURN n.id").result_set == [[4321]]


def test_clean_stop_keeps_data_and_removes_the_state_file(server: EmbeddedServer) -> None:
    instance, _ = server.ensure_running()
    graph(instance).select_graph("stop").query("CREATE (:Item {id: 1})")

    assert server.stop()

    assert not server.state_file.exists()
    assert server.find() is None
    assert not Path(f"/proc/{instance.pid}").exists()
    restarted, _ = server.ensure_running()
    assert graph(restarted).select_graph("stop").query("MATCH (n:Item) RETURN count(n)").result_set == [[1]]
    assert server.stop() is True
    assert server.stop() is False  # stopping twice is harmless


def test_only_the_owner_can_reach_it(server: EmbeddedServer) -> None:
    instance, _ = server.ensure_running()

    assert stat.S_IMODE(server.data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(server.state_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(server.config_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(os.stat(instance.socket).st_mode) == 0o700
    assert instance.password not in Path(f"/proc/{instance.pid}/cmdline").read_text()
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(host="127.0.0.1", port=instance.port, retry=Retry(NoBackoff(), 0)).ping()
    assert redis.Redis(host="127.0.0.1", port=instance.port, password=instance.password).ping()


@pytest.mark.slow
def test_the_same_process_serves_a_real_rq_worker(server: EmbeddedServer) -> None:
    instance, _ = server.ensure_running()
    connection = redis.Redis.from_url(instance.redis_url)
    job = Queue("probe", connection=connection).enqueue("builtins.len", [1, 2, 3])

    subprocess.run(
        [str(Path(sys.executable).with_name("rq")), "worker", "--burst", "--url", instance.redis_url, "probe"],
        check=True, capture_output=True, timeout=60,
    )

    job.refresh()
    assert job.get_status() == "finished"
    assert job.return_value() == 3
    assert b"graph" in {module[b"name"] for module in connection.module_list()}


def test_a_data_dir_too_long_for_a_socket_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EmbeddedStoreError, match="too long for a unix socket path"):
        EmbeddedServer(tmp_path / ("d" * 120)).ensure_running()


def test_statements_stay_planned_while_hundreds_run_in_turn(server: EmbeddedServer) -> None:
    instance, _ = server.ensure_running()
    client = redis.Redis.from_url(instance.redis_url)
    statements = [f"RETURN {n} AS n{n}" for n in range(PLAN_CACHE_SIZE - 1)]  # distinct texts: distinct plans

    def cached(statement: str) -> bool:
        statistics = client.execute_command("GRAPH.QUERY", "plans", statement, "--compact")[-1]
        return b"Cached execution: 1" in statistics

    for statement in statements:
        cached(statement)

    assert all(cached(statement) for statement in statements)
