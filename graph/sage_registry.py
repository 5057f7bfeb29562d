"""Versions of the GraphSAGE model on disk, and which one is current.

`<data_dir>/models/sage/` holds one directory per version (`SageModel.save`), named so that names sort by age,
and a file `current` naming the version in use. The pointer is switched by writing a new file aside and renaming
it over the old one, so a reader sees the old version or the new one, never neither. Old versions are pruned to
the newest `keep`, never removing the current one.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from mediagateway.settings import Settings

if TYPE_CHECKING:  # imported when a model is loaded: the API without a trained model does without torch
    from mediagateway.graph.sage import SageModel

CURRENT = "current"
DEFAULT_KEEP = 3


def registry_directory(settings: Settings) -> Path:
    return settings.data_dir / "models" / "sage"


class ModelRegistry:
    def __init__(self, directory: Path, keep: int = DEFAULT_KEEP) -> None:
        if keep < 1:
            raise ValueError(f"keep must be at least 1, got {keep}")
        self.directory = Path(directory)
        self.keep = keep

    @classmethod
    def for_settings(cls, settings: Settings, keep: int = DEFAULT_KEEP) -> ModelRegistry:
        return cls(registry_directory(settings), keep)

    def versions(self) -> list[str]:
        """Every saved version, oldest first."""
        if not self.directory.is_dir():
            return []
        return sorted(p.name for p in self.directory.iterdir()
                      if p.is_dir() and not p.name.startswith(".") and (p / "model.json").is_file())

    def current_version(self) -> str | None:
        try:
            version = (self.directory / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return version or None

    def path_of(self, version: str) -> Path:
        if version not in self.versions():
            raise ValueError(f"no model version {version!r} in {self.directory}")
        return self.directory / version

    def load_current(self) -> SageModel | None:
        """The current model, or None before the first training has finished."""
        version = self.current_version()
        if version is None:
            return None
        from mediagateway.graph.sage import SageModel

        return SageModel.load(self.path_of(version))

    def add(self, model: SageModel) -> Path:
        """Save `model` as a new version; it is not current until `make_current`."""
        self.directory.mkdir(parents=True, exist_ok=True)
        return model.save(self.directory)

    def make_current(self, version: str) -> None:
        self.path_of(version)  # refuses an unknown version
        scratch = self.directory / f".{CURRENT}.{uuid.uuid4().hex}"
        scratch.write_text(version + "\n", encoding="utf-8")
        os.replace(scratch, self.directory / CURRENT)

    def prune(self) -> list[str]:
        """Remove all but the newest `keep` versions (the current one always stays); returns those removed."""
        versions = self.versions()
        current = self.current_version()
        removed = [v for v in versions[: max(0, len(versions) - self.keep)] if v != current]
        for version in removed:
            shutil.rmtree(self.directory / version)
        return removed
