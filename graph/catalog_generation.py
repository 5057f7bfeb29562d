"""The catalog's generation: a token in Redis that changes whenever a write changes what a search phrase finds.

Search keeps each phrase's candidate lists under the generation it read before reading them
(resolvers/search_candidates.py), so lists read before a write are never used after it. The store changes the
token after each statement that writes titles, people and their credits, or text embeddings, and after a bulk import
(`GraphStore.write`, `CHANGES_SEARCH`); writes of availability, interactions and users leave it alone, so the lists
outlive the re-verification jobs, whose windows the search filter reads live anyway.

A token, not a counter: a Redis emptied or replaced starts with a new token, never with one that lists kept from an
older catalog were filed under. The first reader of an empty key sets one.
"""

from __future__ import annotations

import logging
import uuid

import redis.asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger("mediagateway.search")


class CatalogGeneration:
    """The generation of the catalog of graph `graph_name`, kept in the Redis at `redis_url`."""

    def __init__(self, redis_url: str, graph_name: str) -> None:
        self._redis = aioredis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
        self.key = f"mediagateway:{graph_name}:catalog-generation"

    async def current(self) -> str | None:
        """The current token (set now if there is none); None when Redis cannot say."""
        try:
            token = await self._redis.get(self.key)
            if token is None:
                await self._redis.set(self.key, uuid.uuid4().hex, nx=True)
                token = await self._redis.get(self.key)
        except RedisError as exc:
            log.warning("the catalog's generation could not be read (%s): search reads its candidates", exc)
            return None
        return token.decode() if isinstance(token, bytes) else None

    async def advance(self) -> None:
        """Give the catalog a new token: what was kept under the old one is not used again."""
        try:
            await self._redis.set(self.key, uuid.uuid4().hex)
        except RedisError as exc:
            # The write itself succeeded; search may show the catalog as it was for `search_candidate_ttl_s`.
            log.warning("the catalog's generation could not be advanced (%s)", exc)

    async def close(self) -> None:
        await self._redis.aclose()
