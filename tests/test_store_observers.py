"""A graph store tells its observers (the metrics) of every statement it runs: name, seconds, and the outcome."""

from __future__ import annotations

import pytest

from mediagateway.graph.connect import open_store
from mediagateway.graph.errors import QueryFailed
from mediagateway.graph.queries import Query
from mediagateway.settings import Settings


async def test_observers_hear_of_each_statement_that_succeeds_or_fails(embedded_settings: Settings) -> None:
    runtime = await open_store(embedded_settings.model_copy(update={"graph_name": "observer_tests"}))
    heard: list[tuple[str, float, bool]] = []
    runtime.store.add_observer(lambda name, seconds, ok: heard.append((name, seconds, ok)))
    try:
        await runtime.store.read(Query.STATS_COUNT_BY_LABEL)
        with pytest.raises(QueryFailed):
            await runtime.store.read(Query.DELETE_ALL)  # a write sent as a read: the store refuses it
    finally:
        await runtime.store.close()

    assert [(name, ok) for name, _, ok in heard] == [
        (Query.STATS_COUNT_BY_LABEL.value, True), (Query.DELETE_ALL.value, False)]
    assert all(0 < seconds < 5 for _, seconds, _ in heard)
