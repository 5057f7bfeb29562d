"""The dead-letter store: records that could not be ingested, with why, where they came from and their raw text.

Kept in Redis (the embedded process by default), per graph: a hash of entries by id and a sorted set by time, so
the newest can be listed a page at a time. The same record rejected again replaces its entry (the id is derived from the
source, part, line and raw text), so re-running a feed does not pile up copies.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from typing import Any

import redis
from pydantic import BaseModel, ConfigDict

from mediagateway.ingest.records import Rejected


class QuarantineEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    format: str
    source: str
    part: str | None
    line: int
    raw: str
    reason: str
    at: int
    job_id: str | None = None

    @property
    def rejected(self) -> Rejected:
        return Rejected(source=self.source, line=self.line, raw=self.raw, reason=self.reason, part=self.part)


def entry_id(rejected: Rejected) -> str:
    key = f"{rejected.source}\x1f{rejected.part or ''}\x1f{rejected.line}\x1f{rejected.raw}"
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]


class Quarantine:
    """The quarantine of one graph (its keys carry the graph's name)."""

    def __init__(self, connection: redis.Redis, graph_name: str) -> None:
        self.connection = connection
        self._entries = f"mg:{graph_name}:quarantine:entries"
        self._by_time = f"mg:{graph_name}:quarantine:by-time"

    def add(self, records: Iterable[Rejected], format_name: str, job_id: str | None = None) -> int:
        now_ms = int(time.time() * 1000)
        pipeline = self.connection.pipeline(transaction=False)
        count = 0
        for rejected in records:
            entry = QuarantineEntry(id=entry_id(rejected), format=format_name, source=rejected.source,
                                    part=rejected.part, line=rejected.line, raw=rejected.raw, reason=rejected.reason,
                                    at=now_ms, job_id=job_id)
            pipeline.hset(self._entries, entry.id, entry.model_dump_json())
            pipeline.zadd(self._by_time, {entry.id: now_ms})
            count += 1
        if count:
            pipeline.execute()
        return count

    def count(self) -> int:
        return int(self.connection.zcard(self._by_time))

    def entries(self, offset: int = 0, limit: int = 50, source: str | None = None) -> list[QuarantineEntry]:
        """Newest first; with `source`, only that feed's entries."""
        if source is None:
            ids = self.connection.zrevrange(self._by_time, offset, offset + limit - 1)
            return self._load(ids)
        matching = [e for e in self._load(self.connection.zrevrange(self._by_time, 0, -1)) if e.source == source]
        return matching[offset : offset + limit]

    def get(self, entry_id_: str) -> QuarantineEntry | None:
        raw = self.connection.hget(self._entries, entry_id_)
        return QuarantineEntry.model_validate_json(raw) if raw else None

    def remove(self, entry_ids: Iterable[str]) -> int:
        ids = list(entry_ids)
        if not ids:
            return 0
        pipeline = self.connection.pipeline(transaction=False)
        pipeline.hdel(self._entries, *ids)
        pipeline.zrem(self._by_time, *ids)
        removed, _ = pipeline.execute()
        return int(removed)

    def _load(self, ids: Any) -> list[QuarantineEntry]:
        if not ids:
            return []
        raws = self.connection.hmget(self._entries, ids)
        return [QuarantineEntry.model_validate(json.loads(raw)) for raw in raws if raw]
