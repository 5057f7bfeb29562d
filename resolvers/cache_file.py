"""The cache files the API processes of a host share (query vectors, search candidates): SQLite through `diskcache`,
which several processes read and write safely, bounded in size, the least recently stored dropped first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import diskcache

CACHE_ERRORS = (sqlite3.Error, OSError, diskcache.Timeout)
"""what a cache file that cannot be opened, read or written raises"""


def open_cache_file(directory: Path, size_mb: int) -> diskcache.Cache:
    """The cache file under `directory` (made, readable by the service alone), at most `size_mb` of it."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)  # what viewers search for is theirs
    # Evicting the least recently stored keeps a read a read; least recently used would write on every hit.
    return diskcache.Cache(str(directory), size_limit=size_mb << 20, eviction_policy="least-recently-stored",
                           timeout=1)


def forget_cache_file(directory: Path) -> int:
    """Delete everything kept in the cache file under `directory`; how many entries there were."""
    with diskcache.Cache(str(directory)) as cache:
        return int(cache.clear())
