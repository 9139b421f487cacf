"""The trained cascade as numbers: load the committed artefacts and score prepared texts.

Pure numpy at inference (no scikit-learn): the linear tier is a hashed n-gram table with one
logistic head per category; the embedding tier is one logistic head per category over e5
embeddings, stacked with the linear score. Each head is calibrated on the dev split (Platt
scaling) and its odds are then shifted from the dev split's share of positives to the stated
prevalence of real comment streams (`meta.json`: `prevalence`), so a score reads as "the
chance this comment, drawn from such a stream, is in the category".

A head covers a language only where it was trained and measured (`coverage` in the
metadata); elsewhere the category stays unsupported for that text.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tamis.analyzers.text.classifier.data import HEADS, LANGUAGES, language_key
from tamis.analyzers.text.classifier.prepare import features
from tamis.core.verdict import Language

__all__ = ["ARTEFACTS", "Model", "load", "sigmoid"]

ARTEFACTS = Path(__file__).with_name("artefacts")
_MIN_CONFIDENCE = 0.3

Floats = npt.NDArray[np.float32]


def sigmoid(x: npt.NDArray[np.floating[Any]]) -> Floats:
    out: Floats = (1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))).astype(np.float32)
    return out


@dataclass(frozen=True, eq=False)
class Model:
    heads: tuple[str, ...]
    linear_w: npt.NDArray[np.float16]
    """(buckets, heads)"""
    linear_b: Floats
    e5_w: Floats
    """(dim, heads)"""
    e5_b: Floats
    platt: Floats
    """(heads, 2): slope and intercept on the linear logit."""
    stack: Floats
    """(heads, 3): weights of the Platt logit and the e5 logit, and an intercept."""
    shift: Floats
    """(heads,) log-odds from the dev split's prevalence to the stated one."""
    band: tuple[float, float]
    """Platt probabilities (at dev prevalence) between which the linear tier defers to e5."""
    coverage: dict[str, frozenset[str]]
    """Head -> language keys it covers."""
    meta: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.meta["version"])

    def covered(self, languages: tuple[Language, ...]) -> npt.NDArray[np.bool_]:
        """Per head: whether it covers the text's language(s)."""
        keys = {
            language_key(g.code, g.script) for g in languages if g.confidence >= _MIN_CONFIDENCE
        }
        if not keys and languages:
            keys = {language_key(languages[0].code, languages[0].script)}
        keys.discard(None)
        if not keys:  # too short to tell: only heads that cover every language
            keys = set(LANGUAGES)
            return np.array([keys <= self.coverage[h] for h in self.heads])
        return np.array([bool(keys & self.coverage[h]) for h in self.heads])

    def linear_logits(self, prepared: str, variant: str | None = None) -> Floats:
        """Platt-calibrated logits (at dev prevalence) of the linear tier, per head."""
        index, counts = np.unique(features(prepared, variant), return_counts=True)
        out = self.linear_b.copy()
        if len(index):
            values = np.log1p(counts.astype(np.float32))
            values /= np.linalg.norm(values)
            out += values @ self.linear_w[index].astype(np.float32)
        return (self.platt[:, 0] * out + self.platt[:, 1]).astype(np.float32)

    def uncertain(self, platt_logits: Floats) -> npt.NDArray[np.bool_]:
        low, high = self.band
        p = sigmoid(platt_logits)
        return (p >= low) & (p <= high)

    def stacked_logits(self, platt_logits: Floats, embeddings: Floats) -> Floats:
        """(n, heads) logits at dev prevalence of the embedding tier, given linear logits."""
        e5 = embeddings @ self.e5_w + self.e5_b
        return (self.stack[:, 0] * platt_logits + self.stack[:, 1] * e5 + self.stack[:, 2]).astype(
            np.float32
        )

    def scores(self, logits: Floats) -> Floats:
        """Scores at the stated prevalence from logits at the dev split's."""
        return sigmoid(logits + self.shift)


def read(directory: Path) -> Model:
    meta = json.loads((directory / "meta.json").read_text("utf-8"))
    heads = tuple(meta["heads"])
    if set(heads) - set(HEADS):
        raise ValueError(f"{directory}: unknown heads {sorted(set(heads) - set(HEADS))}")
    with np.load(directory / "linear.npz") as linear, np.load(directory / "e5.npz") as e5:
        return Model(
            heads=heads,
            linear_w=linear["w"],
            linear_b=linear["b"].astype(np.float32),
            e5_w=e5["w"].astype(np.float32),
            e5_b=e5["b"].astype(np.float32),
            platt=np.array([meta["calibration"][h]["platt"] for h in heads], dtype=np.float32),
            stack=np.array([meta["calibration"][h]["stack"] for h in heads], dtype=np.float32),
            shift=np.array([meta["calibration"][h]["shift"] for h in heads], dtype=np.float32),
            band=(float(meta["band"][0]), float(meta["band"][1])),
            coverage={h: frozenset(meta["coverage"].get(h, [])) for h in heads},
            meta=meta,
        )


_lock = threading.Lock()


@cache
def _shipped() -> Model:
    return read(ARTEFACTS)


def load() -> Model:
    """The shipped model, read once per process (thread-safe)."""
    with _lock:
        return _shipped()
