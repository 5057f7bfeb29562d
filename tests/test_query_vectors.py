"""Search phrases' vectors shared by the API processes of a host: what one encoder computed, another finds; a cache
file that cannot be used costs only the computing."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import numpy as np
import pytest

from mediagateway.graph.query_encoder import QueryEncoder
from mediagateway.resolvers.cache_file import forget_cache_file
from mediagateway.resolvers.query_vectors import QueryVectors, SharedVectors, Source
from mediagateway.resolvers.semantic import load_query_vectors
from mediagateway.settings import Settings

pytestmark = pytest.mark.slow  # loads the query encoder (and exports it first if no test has)

MODEL = "test-model"
PHRASE = "a retired safecracker plans one last job in a snowed-in town"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


def encoder(settings: Settings) -> QueryEncoder:
    """An encoder with a cache of its own, as each API process has."""
    return QueryEncoder.from_settings(settings)


def counted(vectors: QueryVectors) -> list[Source]:
    sources: list[Source] = []
    vectors.add_observer(sources.append)
    return sources


def test_a_kept_vector_reads_back_as_its_float32_values_for_its_model_only(tmp_path: Path) -> None:
    shared = SharedVectors(tmp_path / "vectors", MODEL, size_mb=1)
    vector = [0.1, -0.25, 1 / 3]

    shared.put((101, 2054, 102), vector)

    assert shared.get((101, 2054, 102)) == np.asarray(vector, dtype=np.float32).tolist()
    assert shared.get((101, 2055, 102)) is None
    assert SharedVectors(tmp_path / "vectors", "another-model", size_mb=1).get((101, 2054, 102)) is None
    assert stat.S_IMODE((tmp_path / "vectors").stat().st_mode) == 0o700  # only the service reads what was searched


def test_the_cache_keeps_to_its_size_dropping_the_oldest(tmp_path: Path) -> None:
    shared = SharedVectors(tmp_path, MODEL, size_mb=1)
    vector = [0.5] * 384  # 1.5 KB, and the file's own bookkeeping: a megabyte holds some 470
    for n in range(2_000):
        shared.put((n,), vector)

    kept = [n for n in range(2_000) if shared.get((n,)) is not None]

    assert 350 < len(kept) < 600
    assert kept == list(range(2_000 - len(kept), 2_000))


def test_forgetting_removes_every_model_s_vectors(tmp_path: Path) -> None:
    for model in (MODEL, "another-model"):
        SharedVectors(tmp_path, model, size_mb=1).put((7,), [1.0])

    assert forget_cache_file(tmp_path) == 2

    assert SharedVectors(tmp_path, MODEL, size_mb=1).get((7,)) is None


async def test_a_vector_computed_by_one_encoder_is_found_by_another(tmp_path: Path, settings: Settings) -> None:
    first_encoder, second_encoder = encoder(settings), encoder(settings)
    first = QueryVectors(first_encoder, SharedVectors(tmp_path, first_encoder.fingerprint, size_mb=1))
    second = QueryVectors(second_encoder, SharedVectors(tmp_path, second_encoder.fingerprint, size_mb=1))
    first_sources, second_sources = counted(first), counted(second)

    computed = await first.of(PHRASE)
    found = await second.of(PHRASE)
    kept = await second.of(PHRASE)

    assert computed == found == kept == second_encoder.encode_tokens(second_encoder.tokens(PHRASE))
    assert first_sources == ["computed"]
    assert second_sources == ["shared", "process"]


async def test_a_cache_file_that_cannot_be_used_costs_only_the_computing(
        tmp_path: Path, settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    text_encoder = encoder(settings)
    shared = SharedVectors(tmp_path, text_encoder.fingerprint, size_mb=1)
    vectors = QueryVectors(text_encoder, shared)
    sources = counted(vectors)
    for database in tmp_path.glob("cache.db*"):  # the file is there, but is no SQLite database any more
        database.write_bytes(b"not a database" * 100)

    with caplog.at_level(logging.WARNING, logger="mediagateway.search"):
        vector = await vectors.of(PHRASE)

    assert vector == text_encoder.encode_tokens(text_encoder.tokens(PHRASE))
    assert sources == ["computed"]
    assert [record.getMessage().split(" (")[0] for record in caplog.records] == [
        "the shared query vectors could not be read", "a query vector could not be shared"]


def test_a_cache_directory_that_cannot_be_made_leaves_each_process_its_own_vectors(
        tmp_path: Path, settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory")

    with caplog.at_level(logging.WARNING, logger="mediagateway.search"):
        vectors = load_query_vectors(settings.model_copy(update={"query_vector_dir": a_file}))

    assert vectors is not None and vectors.shared is None
    assert "query vectors are not shared" in caplog.text
