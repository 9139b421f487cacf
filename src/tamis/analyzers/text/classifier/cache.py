"""A cache of embeddings of training texts on disk, keyed by a hash of the encoder's input.

Encoding tens of thousands of texts takes many minutes on two cores, so `tamis train text`
encodes each text once and keeps its vector outside the package (by default in
`.cache/tamis/`). The cache grows by whole chunk files, written atomically, so an interrupted
run loses at most one chunk and a second process can read what the first has written.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tamis.analyzers.text.classifier.embed import MODEL_ID, Encoder, cache_key

__all__ = ["EmbeddingCache"]


class EmbeddingCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory / MODEL_ID
        self._vectors: dict[str, npt.NDArray[np.float16]] = {}
        self._seen: set[str] = set()
        self.refresh()

    def refresh(self) -> None:
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.glob("chunk-*.npz")):
            if path.name in self._seen:
                continue
            with np.load(path) as data:
                for key, vector in zip(data["keys"], data["vectors"], strict=True):
                    self._vectors[str(key)] = vector
            self._seen.add(path.name)

    def __contains__(self, text: str) -> bool:
        return cache_key(text) in self._vectors

    def __len__(self) -> int:
        return len(self._vectors)

    def get(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return np.stack([self._vectors[cache_key(t)] for t in texts]).astype(np.float32)

    def fill(
        self,
        texts: Sequence[str],
        encoder: Encoder,
        *,
        chunk: int = 256,
        progress: Callable[[int, int, float], None] | None = None,
    ) -> int:
        """Encode the texts not yet cached; returns how many were encoded."""
        todo = list(dict.fromkeys(t for t in texts if t not in self))
        start = time.monotonic()
        for i in range(0, len(todo), chunk):
            batch = todo[i : i + chunk]
            vectors = encoder.encode(batch).astype(np.float16)
            self._write([cache_key(t) for t in batch], vectors)
            if progress is not None:
                progress(i + len(batch), len(todo), time.monotonic() - start)
        return len(todo)

    def _write(self, keys: list[str], vectors: npt.NDArray[np.float16]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"chunk-{time.time_ns():020d}-{os.getpid()}.npz"
        tmp = self.directory / (name + ".tmp")
        with tmp.open("wb") as f:
            np.savez(f, keys=np.array(keys), vectors=vectors)
        tmp.replace(self.directory / name)
        self._seen.add(name)
        for key, vector in zip(keys, vectors, strict=True):
            self._vectors[key] = vector
