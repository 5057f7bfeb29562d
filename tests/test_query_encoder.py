"""The query-time encoder: the same vectors as sentence-transformers, an export made once and reused, a cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from mediagateway.graph.embeddings import TextEncoder
from mediagateway.graph.query_encoder import QueryEncoder, default_model
from mediagateway.settings import Settings

pytestmark = pytest.mark.slow  # exports the model to ONNX once (about 10 s) and loads sentence-transformers

LONG_TEXT = " ".join(f"a heist thriller number {n} set in a rainy harbour town" for n in range(400))
TEXTS = {
    "empty": "",
    "english": "a detective and a thief in Los Angeles",
    "just over the model's 256 tokens": " ".join(["noir"] * 300),
    "far over every limit": LONG_TEXT,
    "japanese": "東京の下町で暮らす家族の静かな夏の物語",
    "russian": "Фильм о войне и мире, о любви и потерях",
    "arabic": "فيلم عن الحب والصداقة في القاهرة",
    "hindi": "मुंबई में एक पुलिस अधिकारी की कहानी",
    "unicode mix": "Amélie's café 🎬 — naïve ΣΟΦΙΑ, 北京 & ﬁlm noir\u0301 \u200b\ttabs\nnewline",
}

ENCODE_IN_A_SUBPROCESS = textwrap.dedent("""
    import json, sys
    from mediagateway.graph.query_encoder import QueryEncoder, default_model
    from mediagateway.settings import Settings
    settings = Settings()
    exported_before = default_model().onnx_path(settings.model_cache).exists()
    vector = QueryEncoder.from_settings(settings).encode_one(sys.argv[1])
    print(json.dumps({"exported_before": exported_before, "torch": "torch" in sys.modules, "vector": vector}))
""")


def cosine(a: list[float], b: list[float]) -> float:
    x, y = np.asarray(a), np.asarray(b)
    return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))


def start_encoding(data_dir: Path, text: str) -> subprocess.Popen[str]:
    """A process encoding `text` with the export kept in `data_dir`'s own models folder."""
    env = {name: value for name, value in os.environ.items() if name != "MG_MODEL_CACHE_DIR"}
    env["MG_DATA_DIR"] = str(data_dir)
    return subprocess.Popen([sys.executable, "-c", ENCODE_IN_A_SUBPROCESS, text], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(process: subprocess.Popen[str]) -> dict[str, object]:
    out, err = process.communicate(timeout=240)
    assert process.returncode == 0, err
    result: dict[str, object] = json.loads(out)
    return result


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose data directory holds the export made by the first encoder built from them."""
    return Settings(data_dir=tmp_path_factory.mktemp("query-encoder"), model_cache_dir=None)


@pytest.fixture(scope="module")
def encoder(settings: Settings) -> QueryEncoder:
    return QueryEncoder.from_settings(settings)


@pytest.fixture(scope="module")
def reference() -> dict[str, list[float]]:
    """What sentence-transformers (the `embed` job's encoder) gives for each text."""
    return dict(zip(TEXTS, TextEncoder().encode(list(TEXTS.values())), strict=True))


@pytest.mark.parametrize("case", list(TEXTS))
def test_one_query_encodes_as_sentence_transformers_does(
    encoder: QueryEncoder, reference: dict[str, list[float]], case: str
) -> None:
    vector = encoder.encode_one(TEXTS[case])
    assert len(vector) == 384
    assert cosine(vector, reference[case]) >= 0.9999
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


@pytest.mark.parametrize("batch_size", [64, 2])
def test_padded_batches_encode_as_sentence_transformers_does(
    encoder: QueryEncoder, reference: dict[str, list[float]], batch_size: int
) -> None:
    vectors = encoder.encode(list(TEXTS.values()), batch_size=batch_size)
    similarities = {case: cosine(vector, reference[case]) for case, vector in zip(TEXTS, vectors, strict=True)}
    assert min(similarities.values()) >= 0.9999, similarities


def test_the_export_is_made_once_and_reused(settings: Settings, encoder: QueryEncoder) -> None:
    models = settings.model_cache
    exported = default_model().onnx_path(models)
    written_at = exported.stat().st_mtime_ns

    again = QueryEncoder.from_settings(settings)

    assert exported.stat().st_mtime_ns == written_at
    assert [path.name for path in models.iterdir()] == [exported.name]
    assert again.encode_one("heat") == encoder.encode_one("heat")


def test_a_process_loading_the_cached_export_never_imports_torch(settings: Settings, encoder: QueryEncoder) -> None:
    result = finish(start_encoding(settings.data_dir, "a quiet film about a lighthouse keeper"))

    assert result["exported_before"] is True
    assert result["torch"] is False
    assert result["vector"] == encoder.encode_one("a quiet film about a lighthouse keeper")


def test_two_processes_exporting_at_once_leave_one_valid_file(tmp_path: Path, encoder: QueryEncoder) -> None:
    first, second = start_encoding(tmp_path, "space opera"), start_encoding(tmp_path, "space opera")
    results = [finish(first), finish(second)]

    assert [result["exported_before"] for result in results] == [False, False]  # both did export
    assert sorted(path.name for path in (tmp_path / "models").iterdir()) == [default_model().onnx_path(Path()).name]
    expected = encoder.encode_one("space opera")
    assert all(cosine(result["vector"], expected) >= 0.9999 for result in results)  # type: ignore[arg-type]
    reloaded = QueryEncoder.from_settings(Settings(data_dir=tmp_path, model_cache_dir=None))
    assert reloaded.encode_one("space opera") == expected


def test_a_repeated_query_is_answered_from_the_cache(settings: Settings) -> None:
    encoder = QueryEncoder.from_settings(settings, cache_size=2)
    first = encoder.encode_one("something funny for a rainy sunday")
    first.clear()  # what a caller does with its list does not reach the cache

    again = encoder.encode_one("Something funny  for a rainy Sunday")  # the same tokens

    assert encoder.cache_info().hits == 1
    assert again == encoder.encode_one("something funny for a rainy sunday")
    assert len(again) == 384
    encoder.encode_one("a war film")
    encoder.encode_one("a western")
    assert encoder.cache_info().currsize == 2


def test_the_cache_drops_the_least_recently_used_vector(settings: Settings) -> None:
    encoder = QueryEncoder.from_settings(settings, cache_size=2)
    heat, western = encoder.tokens("heat"), encoder.tokens("a western")
    encoder.encode_one("heat")
    encoder.encode_one("a western")
    encoder.encode_one("heat")  # used again: now "a western" is the oldest

    encoder.encode_one("a war film")

    assert encoder.cached(heat) == encoder.encode_tokens(heat)
    assert encoder.cached(western) is None
    assert encoder.cache_info().currsize == 2


def test_queries_encoded_from_many_threads_at_once_get_their_own_vectors(encoder: QueryEncoder) -> None:
    texts = [f"a film about {n} brothers lost at sea" for n in range(40)]
    sequential = [encoder.encode([text])[0] for text in texts]

    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(encoder.encode_one, texts))

    assert concurrent == sequential
    assert len({tuple(vector) for vector in concurrent}) == len(texts)


def test_the_thread_count_comes_from_the_environment(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    assert QueryEncoder.from_settings(settings).threads == 1
    assert QueryEncoder.from_settings(settings, threads=3).threads == 3  # a batch job's own count
    monkeypatch.setenv("MG_QUERY_ENCODER_THREADS", "2")
    assert QueryEncoder.from_settings(Settings(data_dir=settings.data_dir, model_cache_dir=None)).threads == 2
