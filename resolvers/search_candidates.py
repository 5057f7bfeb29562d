"""A search phrase's fused candidate list, kept for the next search of the same phrase by any API process of the host.

Reading a phrase's candidates is most of a search: the vector top-100, the title and person keyword statements and
their fusion, three statements before the filter can run. Viewers repeat phrases (in the benchmark's stream, three
searches in four are of a phrase searched before), and a phrase finds the same candidates until the catalog's text
changes, so the fused list is kept in a cache file every API process of the host opens (`MG_SEARCH_CANDIDATE_DIR`,
SQLite through `diskcache`, as the query vectors are), bounded to `MG_SEARCH_CANDIDATE_CACHE_MB`. A search of a kept
phrase runs the filter at once: in process, one search at a time, 5.6 to 6.8 ms instead of 7.3 to 8.9; over HTTP at
50/s, a p50 of 9.8 to 11.1 ms instead of 13.4 to 15.8 (bench/README.md).

Only the candidates are kept: the filter, the availability and the page are read live on every search.

A list is filed under the catalog's generation read before the list was (graph/catalog_generation.py), which every
write of titles' text, people, credits or embeddings changes: a list read before such a write is never used after
it, whichever host or job wrote. `MG_SEARCH_CANDIDATE_TTL_S` bounds what a write made outside the service (an
analyst's edit in Neo4j Browser) can leave: a list is dropped that long after it was read.

The cache only saves work: when the file or the generation cannot be read, the candidates are read from the store
and the failure is logged.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from mediagateway.graph.catalog_generation import CatalogGeneration
from mediagateway.resolvers.cache_file import CACHE_ERRORS, open_cache_file
from mediagateway.settings import Settings

log = logging.getLogger("mediagateway.search")

_READ_ERRORS = (*CACHE_ERRORS, pickle.UnpicklingError, EOFError, AttributeError, ImportError)
"""a file that cannot be read, or a value in it that cannot be unpickled"""

Source = Literal["kept", "computed"]
"""where a phrase's candidates came from: the cache file, or the store"""
CandidateObserver = Callable[[Source], None]


class SearchCandidates:
    """Phrases' candidate lists in the cache file under `directory`, at most `size_mb` of it, each for `ttl_s`."""

    def __init__(self, directory: Path, size_mb: int, ttl_s: float, generation: CatalogGeneration) -> None:
        self._cache = open_cache_file(directory, size_mb)
        self._ttl_s = ttl_s
        self._generation = generation
        self._observers: list[CandidateObserver] = []

    def add_observer(self, observer: CandidateObserver) -> None:
        """Called with each search's source of candidates (the API counts them in its metrics)."""
        self._observers.append(observer)

    async def key(self, *parts: str) -> str | None:
        """The key of the list `parts` name (the phrase, and how its lists are read) in the catalog's current
        generation; None when the generation is unknown, and the list is neither to be read nor kept."""
        generation = await self._generation.current()
        if generation is None:
            return None
        return f"{generation}:{hashlib.sha256(chr(0).join(parts).encode()).hexdigest()[:32]}"

    def get(self, key: str | None) -> Any | None:
        """The list kept under `key`, or None (then the caller reads it and `put`s it)."""
        found = None
        if key is not None:
            try:
                found = self._cache.get(key)
            except _READ_ERRORS as exc:
                log.warning("kept search candidates could not be read (%s); reading them from the store", exc)
        self._observed("computed" if found is None else "kept")
        return found

    def put(self, key: str | None, value: Any) -> None:
        """Keep `value` (plain tuples, lists and numbers) under `key`, written on a worker thread: a write waits for
        the file's lock, and the search does not wait for it."""
        if key is not None:
            asyncio.get_running_loop().run_in_executor(None, self._write, key, value)

    def _write(self, key: str, value: Any) -> None:
        try:
            self._cache.set(key, value, expire=self._ttl_s)
        except CACHE_ERRORS as exc:
            log.warning("search candidates could not be kept (%s)", exc)

    def _observed(self, source: Source) -> None:
        for observer in self._observers:
            observer(source)

    def close(self) -> None:
        self._cache.close()


def load_search_candidates(settings: Settings, generation: CatalogGeneration) -> SearchCandidates | None:
    """The candidate lists the host's API processes keep, filed under the catalog's `generation`; None when
    `search_candidate_cache_mb` is 0 or the file cannot be opened (then every search reads its candidates)."""
    if settings.search_candidate_cache_mb == 0:
        return None
    try:
        return SearchCandidates(settings.search_candidates, settings.search_candidate_cache_mb,
                                settings.search_candidate_ttl_s, generation)
    except CACHE_ERRORS as exc:
        log.warning("search candidates are not kept: %s cannot be opened (%s)", settings.search_candidates, exc)
        return None
