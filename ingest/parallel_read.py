"""A large feed read by several processes at once, one part of the file each (the first part by this one).

Parsing and checking a line is Python work (about 30 µs for a canonical line), so one process reads 30,000 lines a
second at best; the first load of a 100,000-title feed (400,000 lines) spends 13 s there. Processes started afresh
(`spawn`: a worker of RQ may have threads, which `fork` does not carry over safely) each read a part and send back
what they parsed; the items come back in the order of the file, with their line numbers. A feed that is not
splittable (MovieLens, whose ratings need its titles) or is compressed is read here, in one piece.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from mediagateway.ingest.connectors.base import FilePart, file_parts
from mediagateway.ingest.records import Connector, ParsedItem

MIN_PART_BYTES = 8 << 20  # below this a part is not worth a process of its own
# This process reads a larger part than each other one: they also pickle what they read, which takes a fifth of
# the time reading it took, and this one unpickles it.
OWN_PART_WEIGHT = 1.3


def read_in_parallel(
    connector: Connector, path: Path, processes: int | None = None, min_part_bytes: int = MIN_PART_BYTES
) -> Iterator[ParsedItem]:
    """The items of the feed at `path`, read by `processes` processes (one per core if not given), each with at
    least `min_part_bytes` of the file."""
    count = processes or len(os.sched_getaffinity(0))
    size = path.stat().st_size if path.is_file() else 0
    count = min(count, size // min_part_bytes)
    if count < 2 or not connector.splittable or path.suffix == ".gz":
        yield from connector.read(path)
        return
    parts = file_parts(path, [OWN_PART_WEIGHT] + [1.0] * (count - 1))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(parts) - 1, mp_context=context) as pool:
        later = [pool.submit(read_part, connector, path, part) for part in parts[1:]]
        yield from connector.read(path, parts[0])
        for items in later:
            yield from items.result()


def read_part(connector: Connector, path: Path, part: FilePart) -> list[ParsedItem]:
    """What a reading process does: parse its part of the file, with the cyclic collector off (it makes only
    acyclic records, hundreds of thousands of them)."""
    gc.disable()
    return list(connector.read(path, part))
