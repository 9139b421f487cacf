"""A tenant's own text heads: learnt from its moderators' examples, on top of the shared ones.

Platforms draw their lines differently (a football forum swears more than a children's news
site) and some need categories nobody else has (`custom/crypto-shilling`). A tenant's head
reads the same multilingual e5 embedding as the shared embedding tier. For a category the
shared cascade has, it learns only a *correction*: its logit is the shared head's logit plus a
small regularised term, so with few examples it stays close to the shared head and with many
it moves where the tenant's moderators put the line. A custom category starts from nothing,
and learns from the tenant's examples of it, with the tenant's other examples as negatives.

Heads are small (a 384-weight vector per category), stored in the database with the tenant
and refitted by `tamis train text --tenant T` in seconds. A tenant head replaces the shared
head it covers for that tenant's texts, in every language (e5 is multilingual; the figures
printed at training say how well it does on the tenant's own examples).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from tamis.analyzers.base import Analysis, PartContext, TenantHeads
from tamis.analyzers.text.classifier import model as models
from tamis.analyzers.text.classifier.analyzer import shared_encoder
from tamis.analyzers.text.classifier.embed import e5_input
from tamis.analyzers.text.classifier.evaluate import prf
from tamis.analyzers.text.classifier.prepare import leet_variant, prepare
from tamis.core import taxonomy
from tamis.core.content import Part, PartKind, TextPart
from tamis.core.verdict import Signal, TextSpan

__all__ = ["Fitted", "TenantAnalyzer", "fit", "pack", "shared_encode", "unpack"]

Floats = npt.NDArray[np.float32]
Encode = Callable[[Sequence[str]], Floats]

MIN_EACH = 3
"""Violating and non-violating examples a category needs before a head is fitted."""
L2 = 1.0
_FOLDS = 5


def shared_encode(texts: Sequence[str]) -> Floats:
    """The process's e5 encoder, shared with the embedding tier."""
    return shared_encoder().encode(texts)


@dataclass(frozen=True)
class Fitted:
    categories: tuple[str, ...]
    w: Floats
    """(categories, dim) weights on the embedding."""
    b: Floats
    """(categories,) intercepts."""
    report: dict[str, Any]


def pack(fitted: Fitted) -> TenantHeads:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, w=fitted.w, b=fitted.b)
    weights = buffer.getvalue()
    version = hashlib.sha256(repr(fitted.categories).encode() + weights).hexdigest()[:16]
    return TenantHeads(version=version, categories=fitted.categories, weights=weights)


@lru_cache(maxsize=64)
def unpack(heads: TenantHeads) -> tuple[Floats, Floats]:
    with np.load(io.BytesIO(heads.weights)) as arrays:
        return arrays["w"].astype(np.float32), arrays["b"].astype(np.float32)


# --- fitting ---------------------------------------------------------------------------------


def _logistic(
    x: Floats, y: npt.NDArray[np.float64], offset: npt.NDArray[np.float64]
) -> tuple[Floats, float]:
    """L2-regularised logistic regression with a fixed offset, by Newton's method."""
    n, d = x.shape
    a = np.hstack([x.astype(np.float64), np.ones((n, 1))])
    theta = np.zeros(d + 1)
    ridge = np.full(d + 1, L2)
    ridge[-1] = 1e-6  # the intercept is barely held back
    for _ in range(25):
        p = 1.0 / (1.0 + np.exp(-np.clip(a @ theta + offset, -30, 30)))
        gradient = a.T @ (p - y) + ridge * theta
        hessian = (a * (p * (1 - p))[:, None]).T @ a + np.diag(ridge)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-6:
            break
    return theta[:-1].astype(np.float32), float(theta[-1])


def _figures(y: npt.NDArray[np.float64], p: npt.NDArray[np.floating[Any]]) -> dict[str, float]:
    precision, recall, f1 = prf(y.astype(np.int64), p >= 0.5)
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def _cross_validated(
    x: Floats, y: npt.NDArray[np.float64], offset: npt.NDArray[np.float64]
) -> Floats:
    """Each example's probability from a head fitted without it (k folds, seeded)."""
    order = np.random.default_rng(0).permutation(len(y))
    out = np.zeros(len(y), dtype=np.float32)
    for fold in range(_FOLDS):
        test = order[fold::_FOLDS]
        train = np.setdiff1d(order, test)
        w, b = _logistic(x[train], y[train], offset[train])
        out[test] = models.sigmoid(x[test] @ w + b + offset[test])
    return out


def fit(
    examples: Sequence[tuple[str, str, bool]],
    *,
    encode: Encode,
    model: models.Model | None = None,
) -> Fitted:
    """Heads for every category with enough (text, category, violating) examples."""
    model = model or models.load()
    texts = sorted({text for text, _, _ in examples})
    row = {text: i for i, text in enumerate(texts)}
    prepared = [prepare(t) for t in texts]
    embeddings = np.asarray(encode([e5_input(p) for p in prepared]), dtype=np.float32)
    shared = _shared_logits(model, texts, prepared, embeddings)

    categories, weights, intercepts = [], [], []
    report: dict[str, Any] = {"examples": len(examples), "texts": len(texts), "categories": {}}
    for category in sorted({c for _, c, _ in examples}):
        labels: dict[int, float] = {}
        for text, c, violating in examples:
            if c == category:
                labels[row[text]] = float(violating)  # the latest label of a text wins
        if category.startswith(taxonomy.CUSTOM_PREFIX):
            for text, _, _ in examples:  # other examples say what this category is not
                labels.setdefault(row[text], 0.0)
        index = np.array(sorted(labels), dtype=np.int64)
        y = np.array([labels[i] for i in index])
        positives, negatives = int(y.sum()), int(len(y) - y.sum())
        entry: dict[str, Any] = {"positives": positives, "negatives": negatives}
        report["categories"][category] = entry
        if positives < MIN_EACH or negatives < MIN_EACH:
            entry["skipped"] = f"needs at least {MIN_EACH} violating and {MIN_EACH} other examples"
            continue
        head = model.heads.index(category) if category in model.heads else None
        offset = shared[index, head].astype(np.float64) if head is not None else np.zeros(len(y))
        x = embeddings[index]
        entry["cross_validated"] = _figures(y, _cross_validated(x, y, offset))
        if head is not None:  # the peer: the shared head alone on the same examples
            entry["shared_head"] = _figures(y, models.sigmoid(offset))
        w, b = _logistic(x, y, offset)
        categories.append(category)
        weights.append(w)
        intercepts.append(b)
    dim = embeddings.shape[1] if len(embeddings) else 0
    return Fitted(
        categories=tuple(categories),
        w=np.array(weights, dtype=np.float32).reshape(len(categories), dim),
        b=np.array(intercepts, dtype=np.float32),
        report=report,
    )


def _shared_logits(
    model: models.Model, texts: Sequence[str], prepared: Sequence[str], embeddings: Floats
) -> Floats:
    """(texts, heads) logits of the shared embedding tier, at the stated prevalence."""
    if not texts:
        return np.zeros((0, len(model.heads)), dtype=np.float32)
    linear = np.stack(
        [model.linear_logits(p, leet_variant(t)) for t, p in zip(texts, prepared, strict=True)]
    )
    return model.stacked_logits(linear, embeddings) + model.shift


# --- serving ---------------------------------------------------------------------------------


class TenantAnalyzer:
    """Scores a tenant's texts with the tenant's own heads, where it has trained some."""

    name: ClassVar[str] = "text-tenant"
    version: ClassVar[str] = "1.0.0"
    accepts: ClassVar[frozenset[PartKind]] = frozenset({"text"})

    def __init__(self, encode: Encode | None = None, model: models.Model | None = None) -> None:
        self._encode = encode
        self._model = model

    def analyze(self, part: Part, context: PartContext) -> Analysis:
        heads = context.tenant_terms.heads if context.tenant_terms else None
        if heads is None or not heads.categories or not isinstance(part, TextPart):
            return Analysis()
        model = self._model or models.load()
        encode = self._encode or shared_encode
        prepared = prepare(part.text)
        embedding = np.asarray(encode([e5_input(prepared)]), dtype=np.float32)
        shared = _shared_logits(model, [part.text], [prepared], embedding)[0]
        w, b = unpack(heads)
        offsets = np.array(
            [shared[model.heads.index(c)] if c in model.heads else 0.0 for c in heads.categories]
        )
        scores = models.sigmoid(w @ embedding[0] + b + offsets)
        signals = []
        for category, score in zip(heads.categories, scores, strict=True):
            value = round(float(score), 4)
            if value > 0.0:
                span = (TextSpan(context.index, 0, len(part.text)),) if value >= 0.5 else ()
                signals.append(Signal(category, value, self.name, context.index, span))
        return Analysis(signals=tuple(signals), covered=frozenset(heads.categories))
