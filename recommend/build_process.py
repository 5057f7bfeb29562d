"""The recommender's snapshot, built in a process of its own so that the API's requests never wait on the build.

Building reads every title and viewer from the graph, computes the strategies' arrays and ranks the most active
viewers ahead: about two minutes of Python at 100,000 titles and 10,000 viewers. In a thread of the API, that work
held the interpreter (the GIL) away from requests; paced, it still stalled them for seconds once the graph was read,
once per rebuild (bench/README.md, "a rebuild's end"). So the API starts `python -m
mediagateway.recommend.build_process OUT` (`build_apart`), the child builds and writes the snapshot to OUT
(recommend/snapshot_file.py), and the API reads it back a piece at a time.

The child gets the settings pickled on its standard input (a password must not show on a command line), runs at a
lower CPU priority than the API (`NICENESS`), and reads the graph working `share` of the time, so that the store
keeps answering the API's own statements on a small machine; what it computes is its own work alone, and the lower
priority is enough for that. It writes what it built, or the exception that stopped
it, so that an error the API knows (the store unreachable) reaches it as itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import pickle
import sys
import time
import traceback
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits

from mediagateway.graph.connect import open_store
from mediagateway.recommend import snapshot_file
from mediagateway.recommend.data import RecommendationData
from mediagateway.recommend.hybrid import Lineup
from mediagateway.settings import Settings

NICENESS = 10
STALE_AFTER_S = 24 * 3600
_ERROR_TAIL = 2_000  # characters of the child's standard error kept in the error when it dies


class SnapshotBuildError(RuntimeError):
    """The build process died without saying why in its output (killed, out of memory): its exit code and the end of
    what it printed."""


@dataclass
class Built:
    """A snapshot and the strategies built on it (the collaborative and content strategies ranked ahead), without the
    live parts the API adds: its store, the GraphSAGE model (recommend/service.py, `Recommender.on`)."""

    data: RecommendationData
    lineup: Lineup


@dataclass
class Failure:
    """What stopped a build, to be raised in the API as the same exception. Sent as its class, arguments and
    attributes, since an exception whose `__init__` takes other arguments than its message does not unpickle."""

    kind: type[Exception]
    args: tuple[Any, ...]
    attributes: dict[str, Any]

    @classmethod
    def of(cls, exc: Exception) -> Failure:
        return cls(type(exc), exc.args, dict(vars(exc)))

    def exception(self) -> Exception:
        exc = self.kind.__new__(self.kind)
        exc.args = self.args
        vars(exc).update(self.attributes)
        return exc


class Pacing:
    """Pauses a build after each page of the graph it reads, so that it works `share` of the time (the store's time
    answering included): a pause is a sleep."""

    def __init__(self, share: float) -> None:
        self.share = share
        self._since = time.perf_counter()

    def page_read(self, _what: str, _done: int) -> None:
        worked = time.perf_counter() - self._since
        if self.share < 1.0:
            time.sleep(worked * (1.0 - self.share) / self.share)
        self._since = time.perf_counter()


async def build(settings: Settings, share: float) -> Built:
    """Read the snapshot, working `share` of the time, and build the strategies on it, ranking
    `settings.recommend_rank_ahead` viewers ahead: the computing is the process's alone, at its lower priority."""
    pacing = Pacing(share)
    runtime = await open_store(settings, bootstrap=False)
    try:
        data = await RecommendationData.load(runtime.store, pacing.page_read)
    finally:
        await runtime.close()
    return Built(data, await Lineup.of(data).ranked_ahead(data, settings.recommend_rank_ahead))


async def build_apart(settings: Settings, share: float) -> Built:
    """`build` in a child process, working `share` of the time; what it built is read back in a thread, so that the
    caller's event loop goes on, working `share` of that thread's time too. Raises what stopped the child, or
    `SnapshotBuildError` if it died."""
    directory = settings.data_dir / "snapshots"
    directory.mkdir(parents=True, exist_ok=True)
    _delete_stale(directory)
    out = directory / f"recommender-{uuid.uuid4().hex}"
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", __name__, str(out),
                                                   stdin=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        _, errors = await process.communicate(pickle.dumps((settings, share)))
    finally:
        if process.returncode is None:  # cancelled: the service is stopping
            process.kill()
            await process.wait()
    if process.returncode != 0:
        for leftover in directory.glob(f"{out.name}*"):
            leftover.unlink()
        raise SnapshotBuildError(f"the recommender's build process exited with {process.returncode}: "
                                 f"{errors.decode(errors='replace')[-_ERROR_TAIL:]}")
    outcome = await asyncio.to_thread(snapshot_file.read, out, share)
    if isinstance(outcome, Failure):
        raise outcome.exception()
    if not isinstance(outcome, Built):
        raise SnapshotBuildError(f"the recommender's build process wrote a {type(outcome).__name__}")
    return outcome


def _delete_stale(directory: Path) -> None:
    """Files of builds no one read: an API killed between a build's end and its reading. A build's files live for
    seconds; every API process of the data directory shares the folder, so only files a day old are taken."""
    for path in directory.iterdir():
        with contextlib.suppress(FileNotFoundError):
            if time.time() - path.stat().st_mtime > STALE_AFTER_S:
                path.unlink()


def main() -> None:
    out = Path(sys.argv[1])
    api = os.getppid()
    settings, share = pickle.load(sys.stdin.buffer)  # noqa: S301 - the API that started us wrote it
    os.nice(NICENESS)
    threadpool_limits(settings.blas_threads, user_api="blas")
    # No garbage collections: each full one walks the millions of objects built so far (15 s over a build at
    # 100,000 titles), and a build makes little cyclic garbage before it exits.
    gc.disable()
    try:
        outcome: Built | Failure = asyncio.run(build(settings, share))
    except Exception as exc:  # written for the API to raise; printed too, in case it cannot be pickled
        traceback.print_exc()
        outcome = Failure.of(exc)
    if os.getppid() == api:  # else the API died meanwhile, and nobody would read (or delete) the file
        snapshot_file.write(out, outcome)


if __name__ == "__main__":  # run through the module's own name, so that what it pickles names that module
    from mediagateway.recommend.build_process import main as build_main

    build_main()
