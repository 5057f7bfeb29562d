"""Exports a sentence-transformers model (transformer, mean pooling, L2 normalisation) to one ONNX file.

This is the only part of the query encoder that needs torch, transformers and onnx; it runs once per weights file,
and `graph/query_encoder.py` imports it only when no exported file is cached yet.

The transformer is loaded with eager attention: exported with the default scaled-dot-product attention the graph
gives vectors off by a cosine of about 0.05.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from pathlib import Path

import torch
from transformers import AutoModel
from transformers.utils import logging as transformers_logging

INPUT_NAMES = ("input_ids", "attention_mask")
OUTPUT_NAME = "embedding"
OPSET = 17


class SentenceEmbedding(torch.nn.Module):
    """Token ids and attention mask in, one L2-normalised mean-pooled vector per text out."""

    def __init__(self, transformer: torch.nn.Module) -> None:
        super().__init__()
        self.transformer = transformer

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        tokens = self.transformer(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
        mean = (tokens * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(mean, p=2.0, dim=1)


def check_mean_pooling(model_dir: Path) -> None:
    """The exported graph pools by mean: refuse a model configured to pool any other way."""
    config = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
    modes = {key for key, value in config.items() if key.startswith("pooling_mode") and value}
    if modes != {"pooling_mode_mean_tokens"}:
        raise ValueError(f"{model_dir} pools by {sorted(modes)}; the ONNX export supports mean pooling only")


def export_onnx(model_dir: Path, target: Path) -> None:
    """Write the model's ONNX graph to `target` atomically: a process that finds the file finds all of it."""
    check_mean_pooling(model_dir)
    transformers_logging.disable_progress_bar()
    model = SentenceEmbedding(AutoModel.from_pretrained(str(model_dir), attn_implementation="eager")).eval()
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(descriptor)
    try:
        _write(model, Path(temporary))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write(model: SentenceEmbedding, path: Path) -> None:
    example = (torch.tensor([[101, 7592, 102]]), torch.ones(1, 3, dtype=torch.int64))
    batch_and_sequence = {0: "batch", 1: "sequence"}
    # The tracer warns about the attention-mask helpers' Python branches; the export is checked against
    # sentence-transformers on padded batches instead (tests/test_query_encoder.py).
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            example,
            str(path),
            dynamo=False,
            opset_version=OPSET,
            input_names=list(INPUT_NAMES),
            output_names=[OUTPUT_NAME],
            dynamic_axes={
                "input_ids": batch_and_sequence,
                "attention_mask": batch_and_sequence,
                OUTPUT_NAME: {0: "batch"},
            },
        )
    with path.open("rb") as written:
        os.fsync(written.fileno())
