"""The classifier cascade as two analyzers, each reporting its own signals.

`text-linear` scores every text with the hashed n-gram heads and reports the categories it is
sure about. Where a head's score falls inside the uncertain band tuned on the dev split, it
leaves the category to `text-e5`, which embeds the text with multilingual-e5-small and
reports a score that stacks both tiers. A verdict therefore says, category by category,
which tier decided (its analyzer name is on the signal and the evidence), and the slow tier
runs only on the few texts the fast one cannot settle. Together they cover a category in a
language only where the trained heads do; a deferred category that no embedding tier picks
up stays unsupported rather than silently zero.

The lexicon analyzer runs beside them: it is exact and explains itself with the listed term.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from tamis.analyzers.base import Analysis, PartContext
from tamis.analyzers.text.classifier import model as models
from tamis.analyzers.text.classifier.embed import Encoder, e5_input
from tamis.analyzers.text.classifier.prepare import leet_variant, prepare
from tamis.core.content import Part, PartKind, TextPart
from tamis.core.verdict import Language, Signal, TextSpan

__all__ = ["EmbeddingAnalyzer", "LinearAnalyzer", "Scored", "score_batch", "shared_encoder"]

_EVIDENCE_FROM = 0.5
"""A signal at least this strong points at the text it judged."""


@cache
def _version() -> str:
    path = models.ARTEFACTS / "meta.json"
    if not path.exists():  # only while the first model is being trained
        return "untrained"
    return str(json.loads(path.read_text("utf-8"))["version"])


@lru_cache(maxsize=1024)
def _linear(model: models.Model, text: str) -> tuple[str, npt.NDArray[np.float32]]:
    """Both tiers ask for the same text in turn: it is prepared and scored once."""
    prepared = prepare(text)
    return prepared, model.linear_logits(prepared, leet_variant(text))


_encoder_lock = threading.Lock()
_encoders: list[Encoder] = []


def shared_encoder() -> Encoder:
    """The process-wide encoder, created on first use (its model loads on first encode)."""
    with _encoder_lock:
        if not _encoders:
            _encoders.append(Encoder(threads=2))  # one encoding on two cores: half the wait
        return _encoders[0]


def _plan(
    model: models.Model, text: str, context: PartContext
) -> tuple[str, npt.NDArray[np.float32], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """The prepared text, linear logits, and the heads each tier decides.

    A head the tenant has replaced with its own (see `tenant`) is left to that one.
    """
    prepared, logits = _linear(model, text)
    covered = model.covered(context.languages)
    heads = context.tenant_terms.heads if context.tenant_terms else None
    if heads is not None:
        covered &= np.array([h not in heads.categories for h in model.heads])
    deferred = covered & model.uncertain(logits)
    return prepared, logits, covered & ~deferred, deferred


class _Tier:
    def __init__(self, model: models.Model | None = None) -> None:
        self._given = model

    @property
    def model(self) -> models.Model:
        return self._given or models.load()


def _signals(
    name: str,
    model: models.Model,
    scores: npt.NDArray[np.float32],
    mask: npt.NDArray[np.bool_],
    part: TextPart,
    index: int,
) -> Analysis:
    signals = []
    for i in np.flatnonzero(mask):
        score = round(float(scores[i]), 4)
        if score <= 0.0:
            continue
        evidence = (
            (TextSpan(index, 0, len(part.text)),) if score >= _EVIDENCE_FROM and part.text else ()
        )
        signals.append(Signal(model.heads[i], score, name, index, evidence))
    covered = frozenset(model.heads[i] for i in np.flatnonzero(mask))
    return Analysis(signals=tuple(signals), covered=covered)


class LinearAnalyzer(_Tier):
    """Fast tier: hashed character and word n-grams, one logistic head per category."""

    name: ClassVar[str] = "text-linear"
    version: ClassVar[str] = f"1.0.0+{_version()}"
    accepts: ClassVar[frozenset[PartKind]] = frozenset({"text"})

    def warm(self) -> None:
        _ = self.model

    def analyze(self, part: Part, context: PartContext) -> Analysis:
        if not isinstance(part, TextPart):
            return Analysis()
        model = self.model
        _, logits, confident, _ = _plan(model, part.text, context)
        return _signals(self.name, model, model.scores(logits), confident, part, context.index)


class EmbeddingAnalyzer(_Tier):
    """Second tier: multilingual-e5-small embeddings, only where the fast tier was unsure."""

    name: ClassVar[str] = "text-e5"
    version: ClassVar[str] = f"1.0.0+{_version()}"
    accepts: ClassVar[frozenset[PartKind]] = frozenset({"text"})

    def warm(self) -> None:
        _ = self.model
        shared_encoder().encode(["warm-up"])

    def analyze(self, part: Part, context: PartContext) -> Analysis:
        if not isinstance(part, TextPart):
            return Analysis()
        model = self.model
        prepared, logits, _, deferred = _plan(model, part.text, context)
        if not deferred.any():
            return Analysis()
        embedding = shared_encoder().encode([e5_input(prepared)])
        scores = model.scores(model.stacked_logits(logits[None, :], embedding)[0])
        return _signals(self.name, model, scores, deferred, part, context.index)


class Scored:
    """Scores of many texts through the cascade, as the two analyzers would give them."""

    def __init__(
        self,
        scores: npt.NDArray[np.float32],
        covered: npt.NDArray[np.bool_],
        deferred: npt.NDArray[np.bool_],
    ) -> None:
        self.scores = scores
        """(n, heads); NaN where the category is unsupported for the text."""
        self.covered = covered
        self.deferred = deferred
        """(n, heads): where the embedding tier decided."""


def score_batch(
    texts: Sequence[str],
    languages: Sequence[tuple[Language, ...]],
    embed: object = None,
    model: models.Model | None = None,
) -> Scored:
    """The cascade over many texts, embedding all deferred texts in one batch.

    `embed` maps encoder inputs to embeddings (a cache, say); by default the shared encoder.
    """
    model = model or models.load()
    n, h = len(texts), len(model.heads)
    logits = np.zeros((n, h), dtype=np.float32)
    prepared = []
    for i, text in enumerate(texts):
        p = prepare(text)
        prepared.append(p)
        logits[i] = model.linear_logits(p, leet_variant(text))
    covered = np.stack([model.covered(g) for g in languages]) if n else np.zeros((0, h), bool)
    deferred = covered & model.uncertain(logits)
    final = model.scores(logits)
    rows = np.flatnonzero(deferred.any(axis=1))
    if len(rows):
        inputs = [e5_input(prepared[i]) for i in rows]
        encode = embed if callable(embed) else shared_encoder().encode
        embeddings = np.asarray(encode(inputs), dtype=np.float32)
        stacked = model.scores(model.stacked_logits(logits[rows], embeddings))
        final[rows] = np.where(deferred[rows], stacked, final[rows])
    final = np.where(covered, np.round(final, 4), np.nan).astype(np.float32)
    return Scored(final, covered, deferred)
