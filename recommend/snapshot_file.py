"""A snapshot written by one process and read by another a piece at a time, its arrays mapped rather than copied.

The API builds its recommender's snapshot in a process of its own (recommend/build_process.py) and reads the result
here. Reading a whole snapshot of the 100,000-title benchmark catalog at once is one `pickle.loads` of about 700,000
objects, 1.5 s with the interpreter held: every request in flight would wait that long. So the writer cuts it up:

- one pickle stream (protocol 5) of several pickles sharing one memo: first the items of every large collection in
  the snapshot, `SLICE` at a time, and the collection once its items are read, then the snapshot itself, in which
  all of those are then only references;
- the arrays (numpy's, and so scipy's sparse matrices') out of band, in a second file the reader maps into memory
  copy-on-write: 700 MB of vectors and features are not copied, and pages are read when first used.

The reader loads one pickle at a time, and after each may pause for long enough to work only `share` of the time, so
that the API's event loop gets the interpreter in between. The pieces' own CPU time decides the pause, not the time
they took: waiting for the interpreter, which the requests hold, is not work.

Objects both processes hold as module constants and that cannot be pickled (the context rules, whose tests are
lambdas) travel by name (`SHARED`).

Pickle runs code when it loads: these files are the service's own, written by its own build process into its data
directory, and deleted once read. Never read one from elsewhere.
"""

from __future__ import annotations

import mmap
import os
import pickle
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from mediagateway.recommend.context import RULES

SLICE = 2_000  # items of a large collection per pickle: 5 to 40 ms to load each (the collection itself up to 90)
_ALIGN = 64
_LENGTH = struct.Struct("<Q")
SHARED: dict[str, tuple[object, ...]] = {"context-rule": RULES}


def write(path: Path, snapshot: object) -> None:
    """Write `snapshot` to `path` and its arrays to `path` + ".arrays"."""
    with open(path, "wb") as stream, open(_arrays_path(path), "wb") as arrays:
        pickler = _Pickler(stream, arrays)
        for piece in _pieces(snapshot):
            pickler.dump(piece)
        pickler.dump(_Root(snapshot))


def read(path: Path, share: float = 1.0) -> Any:
    """The snapshot written to `path`, loaded a pickle at a time, working `share` of the time. Both files are deleted
    once opened (the mapped arrays live on until the snapshot is freed)."""
    with open(_arrays_path(path), "rb") as arrays_file:
        size = os.fstat(arrays_file.fileno()).st_size
        mapped = mmap.mmap(arrays_file.fileno(), size, access=mmap.ACCESS_COPY) if size else None
    with open(path, "rb") as stream:
        path.unlink()
        _arrays_path(path).unlink()
        unpickler = _Unpickler(stream, _buffers(mapped))
        while True:
            started = time.thread_time()
            loaded = unpickler.load()
            if isinstance(loaded, _Root):
                return loaded.snapshot
            if share < 1.0:
                time.sleep((time.thread_time() - started) * (1.0 - share) / share)


class _Root:
    """The last pickle of a file: the snapshot itself."""

    def __init__(self, snapshot: object) -> None:
        self.snapshot = snapshot


class _Pickler(pickle.Pickler):
    def __init__(self, stream: Any, arrays: Any) -> None:
        super().__init__(stream, protocol=5, buffer_callback=self._write_array)
        self.arrays = arrays
        self.shared = {id(value): (name, position) for name, values in SHARED.items()
                       for position, value in enumerate(values)}

    def persistent_id(self, obj: Any) -> tuple[str, int] | None:
        return self.shared.get(id(obj))

    def _write_array(self, buffer: pickle.PickleBuffer) -> None:
        raw = buffer.raw()
        self.arrays.write(_LENGTH.pack(raw.nbytes))
        self.arrays.write(b"\0" * (-(self.arrays.tell()) % _ALIGN))
        self.arrays.write(raw)


class _Unpickler(pickle.Unpickler):
    def __init__(self, stream: Any, buffers: Iterator[memoryview]) -> None:
        super().__init__(stream, buffers=buffers)

    def persistent_load(self, pid: tuple[str, int]) -> object:
        name, position = pid
        return SHARED[name][position]


def _buffers(mapped: mmap.mmap | None) -> Iterator[memoryview]:
    """The out-of-band arrays in the order written: each a length, padding to `_ALIGN`, the bytes."""
    if mapped is None:
        return
    view, at = memoryview(mapped), 0
    while at < len(view):
        (length,) = _LENGTH.unpack_from(view, at)
        at += _LENGTH.size
        at += -at % _ALIGN
        yield view[at:at + length]
        at += length


def _arrays_path(path: Path) -> Path:
    return path.with_name(path.name + ".arrays")


_ATOMS = (str, bytes, int, float, bool, type(None), np.ndarray, np.generic, sparse.spmatrix)


def _pieces(root: object) -> Iterator[list[Any]]:
    """For every collection in `root` longer than `SLICE`, innermost first (so that no piece carries a large
    collection whole): slices of its items, then the collection itself, by then only references."""
    seen: set[int] = set()
    large: list[tuple[object, list[Any]]] = []

    def visit(obj: object) -> None:
        if isinstance(obj, _ATOMS) or id(obj) in seen:
            return
        seen.add(id(obj))
        items = _items(obj)
        for item in items:
            visit(item)
        if isinstance(obj, list | tuple | dict | set | frozenset) and len(items) > SLICE:
            large.append((obj, items))

    visit(root)
    for collection, items in large:
        for start in range(0, len(items), SLICE):
            yield items[start:start + SLICE]
        yield [collection]


def _items(obj: object) -> list[Any]:
    if isinstance(obj, dict):
        return [value for pair in obj.items() for value in pair]
    if isinstance(obj, list | tuple | set | frozenset):
        return list(obj)
    if hasattr(obj, "__dict__"):
        return list(vars(obj).values())
    return []
