"""The recommender's snapshot built in a process of its own and read back a piece at a time: the same recommendations
as a snapshot built in the API's process, the build's errors raised as themselves, nothing left behind."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from mediagateway.graph.errors import StoreUnavailable
from mediagateway.graph.repository import GraphRepository
from mediagateway.recommend import snapshot_file
from mediagateway.recommend.ahead import RankedAhead
from mediagateway.recommend.build_process import Built, Pacing, build_apart
from mediagateway.recommend.context import RULES, ViewingContext
from mediagateway.recommend.service import RecommendationRequest, Recommender
from mediagateway.settings import Backend, Settings

from . import recommend_catalog as catalog
from .recommend_catalog import NOW_MS

VIEWERS = ["user:ana", "user:ben", "user:cy", "user:dee", "user:fay", "user:gus"]


def test_a_snapshot_file_reads_back_equal_in_pieces_with_shared_objects_shared(tmp_path: Path) -> None:
    shared_item = ("the same", "tuple")
    many = [{"row": i, "name": f"title {i}"} for i in range(3 * snapshot_file.SLICE + 5)]
    matrix = sparse.random(50, 40, density=0.1, format="csr", random_state=1)
    snapshot = {"many": many, "again": many, "index": {f"t{i}": i for i in range(snapshot_file.SLICE + 1)},
                "vectors": np.arange(12.0).reshape(3, 4), "matrix": matrix, "rules": RULES,
                "shared": [shared_item, shared_item]}
    path = tmp_path / "snapshot"
    snapshot_file.write(path, snapshot)

    back = snapshot_file.read(path, share=0.5)  # pausing after each piece as long as it took

    assert back["many"] == many and back["index"] == snapshot["index"]
    assert back["again"] is back["many"] and back["shared"][0] is back["shared"][1]
    assert np.array_equal(back["vectors"], snapshot["vectors"]) and back["vectors"].flags.writeable
    assert (back["matrix"] != matrix).nnz == 0
    assert all(back_rule is rule for back_rule, rule in zip(back["rules"], RULES, strict=True))  # lambdas: by name
    assert list(tmp_path.iterdir()) == []


async def test_a_snapshot_built_apart_recommends_as_one_built_in_process(repo: GraphRepository,
                                                                        embedded_settings: Settings) -> None:
    await catalog.load(repo)
    settings = embedded_settings.model_copy(update={"graph_name": repo.store.graph_name})  # type: ignore[attr-defined]
    built = await build_apart(settings, share=1.0)
    apart = Recommender.on(repo.store, built.data, built.lineup)
    here = await Recommender.build(repo.store)
    request = RecommendationRequest(k=5, context=ViewingContext(now_ms=NOW_MS))

    assert isinstance(built, Built)
    assert sorted(name for name, s in apart.hybrid.strategies.items() if isinstance(s, RankedAhead)) == [
        "collaborative", "content"]
    answers = {viewer: (await apart.recommend(viewer, request), await here.recommend(viewer, request))
               for viewer in VIEWERS}
    assert all(from_apart == from_here for from_apart, from_here in answers.values())
    assert sum(len(from_apart) for from_apart, _ in answers.values()) >= 10  # 13 on this catalog
    assert list((settings.data_dir / "snapshots").iterdir()) == []


async def test_what_stops_the_build_reaches_the_api_as_itself_and_nothing_is_left_behind(
        embedded_settings: Settings) -> None:
    unreachable = embedded_settings.model_copy(update={"backend": Backend.FALKORDB,
                                                       "redis_url": "redis://127.0.0.1:1"})

    with pytest.raises(StoreUnavailable, match="is unavailable"):
        await build_apart(unreachable, share=1.0)
    assert list((embedded_settings.data_dir / "snapshots").iterdir()) == []


def _work_then_page(pacing: Pacing, work_s: float) -> float:
    """Busy for `work_s`, then one page read: the seconds the page read took (the pause)."""
    pacing.page_read("titles", 0)  # the clock starts at the first page
    until = time.perf_counter() + work_s
    while time.perf_counter() < until:
        pass
    started = time.perf_counter()
    pacing.page_read("titles", 100)
    return time.perf_counter() - started


def test_a_paced_rebuild_pauses_for_the_rest_of_its_share_and_an_unpaced_one_not_at_all() -> None:
    assert _work_then_page(Pacing(0.25), 0.04) >= 0.11  # works a quarter of the time: 3 x 40 ms of pause
    assert _work_then_page(Pacing(1.0), 0.04) < 0.04
