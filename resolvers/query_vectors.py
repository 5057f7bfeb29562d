"""A search phrase's vector: kept by this process, else kept on disk by any API process of this host, else computed.

Each API process keeps the vectors it has recently used (`graph/query_encoder.py`). With two processes, a phrase
one of them has seen is still new to the other: after 10,000 searches of the benchmark's phrase stream, 38% of the
next searches would run the network in the process they reach, against 26% were the processes' vectors shared
(bench/README.md). So a vector computed is also kept in a cache file that every API process of the host opens
(`MG_QUERY_VECTOR_DIR`, an SQLite database through `diskcache`), keyed by the model and the token ids and bounded to
`MG_QUERY_VECTOR_CACHE_MB`, the oldest dropped first. A process that has not kept a phrase's vector reads it there
(about 10 microseconds) before it runs the network (3.5 to 4.5 ms). The vectors are the same float32 values
whichever way they come, so a search answers alike whichever process serves it, and the file outlives a restart.

Not Redis: for the embedded default, the jobs' Redis is the graph store's own server, and a write there counts
towards its snapshots. With vectors written under search load, the server snapshotted the whole graph (256 MB at
100,000 titles, 1.5 s of a core and a fork) every five minutes, and searches stalled up to 0.9 s when an AOF rewrite
ended (bench/README.md).

The cache only saves work: when the file cannot be read or written, the network runs and the failure is logged.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from mediagateway.resolvers.cache_file import CACHE_ERRORS, open_cache_file

log = logging.getLogger("mediagateway.search")

_FLOAT32 = np.dtype("<f4")

Source = Literal["process", "shared", "computed"]
"""where a vector came from: kept by this process, kept on disk by a process of the host, or computed"""
VectorObserver = Callable[[Source], None]


class TextQueryEncoder(Protocol):
    fingerprint: str

    def tokens(self, text: str) -> tuple[int, ...]: ...

    def cached(self, tokens: tuple[int, ...]) -> list[float] | None: ...

    def keep(self, tokens: tuple[int, ...], vector: Sequence[float]) -> None: ...

    def encode_tokens(self, tokens: tuple[int, ...]) -> list[float]: ...


class SharedVectors:
    """Query vectors of one model in the cache file under `directory`, at most `size_mb` of them."""

    def __init__(self, directory: Path, model: str, size_mb: int) -> None:
        self._cache = open_cache_file(directory, size_mb)
        self._model = model

    def key(self, tokens: tuple[int, ...]) -> str:
        return f"{self._model}:{hashlib.sha256(np.asarray(tokens, dtype='<i4').tobytes()).hexdigest()[:32]}"

    def get(self, tokens: tuple[int, ...]) -> list[float] | None:
        """The kept vector, or None when there is none or the file cannot say."""
        try:
            data = self._cache.get(self.key(tokens))
        except CACHE_ERRORS as exc:
            log.warning("the shared query vectors could not be read (%s); computing the vector", exc)
            return None
        if not isinstance(data, bytes):  # None: not kept
            return None
        result: list[float] = np.frombuffer(data, dtype=_FLOAT32).tolist()
        return result

    def put(self, tokens: tuple[int, ...], vector: list[float]) -> None:
        try:
            self._cache.set(self.key(tokens), np.asarray(vector, dtype=_FLOAT32).tobytes())
        except CACHE_ERRORS as exc:
            log.warning("a query vector could not be shared (%s)", exc)

    def close(self) -> None:
        self._cache.close()


class QueryVectors:
    """The vector of a search phrase, from the process's encoder and, when given, the vectors shared on disk."""

    def __init__(self, encoder: TextQueryEncoder, shared: SharedVectors | None = None) -> None:
        self.encoder = encoder
        self.shared = shared
        self._observers: list[VectorObserver] = []

    def add_observer(self, observer: VectorObserver) -> None:
        """Called with each vector's source (the API counts them in its metrics)."""
        self._observers.append(observer)

    async def of(self, text: str) -> list[float]:
        tokens = self.encoder.tokens(text)
        vector = self.encoder.cached(tokens)  # on the event loop: a kept vector costs no thread hand-off
        if vector is not None:
            return self._from("process", vector)
        if self.shared is not None:
            vector = self.shared.get(tokens)  # a read of the file: microseconds, so on the event loop too
            if vector is not None:
                self.encoder.keep(tokens, vector)
                return self._from("shared", vector)
        return self._from("computed", await asyncio.to_thread(self._compute, tokens))

    def _compute(self, tokens: tuple[int, ...]) -> list[float]:
        vector = self.encoder.encode_tokens(tokens)
        if self.shared is not None:  # a write waits for the file's lock: on this worker thread, not the loop
            self.shared.put(tokens, vector)
        return vector

    def _from(self, source: Source, vector: list[float]) -> list[float]:
        for observer in self._observers:
            observer(source)
        return vector

    def close(self) -> None:
        if self.shared is not None:
            self.shared.close()
