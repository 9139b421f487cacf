"""`tamis eval text`: the shipped cascade scored once on the held-out test files.

Everything here runs the configuration that ships (language identification, the lexicon, the
group-attack statements and both classifier tiers, combined as the pipeline combines them:
the highest score of any analyzer covering a category) at thresholds chosen on dev by
`tamis train text`. It reports:

- precision, recall and F1 per (category, language) on `.test.jsonl`, with a bootstrap 95%
  interval, and pairs with fewer than 100 test positives marked *unmeasured*;
- precision and recall at the default policy's review threshold, with precision reweighted
  to the stated prevalence of real streams (what an operator should expect);
- accuracy per functionality and language on the project's frozen functional tests;
- recall on seeded evasions of test positives against recall on the same texts unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tamis.analyzers.base import PartContext
from tamis.analyzers.text.classifier import model as models
from tamis.analyzers.text.classifier.analyzer import score_batch
from tamis.analyzers.text.classifier.data import HEADS, LANGUAGES, RARE, Row
from tamis.core.content import TextPart
from tamis.core.verdict import Language

__all__ = [
    "MEASURED",
    "POLICY_TARGETS",
    "TARGETS",
    "Target",
    "bootstrap_f1",
    "false_alarms",
    "pipeline_scores",
    "precision_at",
]

MEASURED = 100
"""Pairs with fewer test positives are reported but marked unmeasured."""

Embed = Callable[[Sequence[str]], npt.NDArray[np.float32]]


@dataclass(frozen=True)
class Target:
    """An evaluated category: the score is the highest of `categories`, the label the highest
    of `labels_from`."""

    name: str
    categories: tuple[str, ...]
    labels_from: tuple[str, ...]
    """Heads, or `toxic` (the data sets' coarse label), whose positives count: a row is
    positive when any of them is, unannotated (-1) when none of them was annotated."""

    def labels(self, rows: Sequence[Row]) -> npt.NDArray[np.int64]:
        columns = [
            [r.toxic for r in rows]
            if name == "toxic"
            else [r.targets[HEADS.index(name)] for r in rows]
            for name in self.labels_from
        ]
        table = np.array(columns, dtype=np.int64).reshape(len(columns), len(rows))
        return table.max(axis=0)  # type: ignore[no-any-return]

    def score(self, scores: dict[str, npt.NDArray[np.float32]]) -> npt.NDArray[np.float64]:
        stacked = np.stack([np.nan_to_num(scores[c], nan=0.0) for c in self.categories])
        return stacked.max(axis=0).astype(np.float64)  # type: ignore[no-any-return]

    def select(
        self, rows: Sequence[Row], scores: dict[str, npt.NDArray[np.float32]]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        y = self.labels(rows)
        mask = y >= 0
        return y[mask], self.score(scores)[mask]


TARGETS: tuple[Target, ...] = (
    Target("toxicity", ("toxicity/insult", "toxicity/profanity"), ("toxic",)),
    Target("toxicity/profanity", ("toxicity/profanity",), ("toxicity/profanity",)),
    Target("hate", ("hate",), ("hate",)),
    Target("threat", ("violence/threat", "hate/threat"), ("violence/threat", "hate/threat")),
    Target("spam", ("spam",), ("spam",)),
    Target("harassment", ("harassment",), ("harassment",)),
)
POLICY_TARGETS: dict[str, Target] = {
    "threats": TARGETS[3],
    "hate": TARGETS[2],
    "insults": Target("insult", ("toxicity/insult", "harassment"), ("toxic", "harassment")),
    "profanity": TARGETS[1],
    "spam": TARGETS[4],
}
"""What each text rule of the default policy acts on, to choose its thresholds on dev."""


def languages_of(texts: Sequence[str]) -> list[tuple[Language, ...]]:
    from tamis.analyzers.text.langid import LinguaLanguageIdentifier

    identify = LinguaLanguageIdentifier().identify
    return [tuple(identify(t)) for t in texts]


def pipeline_scores(
    texts: Sequence[str], embed: Embed | None = None, model: models.Model | None = None
) -> tuple[dict[str, npt.NDArray[np.float32]], npt.NDArray[np.bool_]]:
    """Per category, what a verdict would say for each text (NaN: unsupported); and which
    texts the embedding tier saw."""
    from tamis.analyzers.text.group_attacks import GroupAttackAnalyzer
    from tamis.analyzers.text.lexicon import LexiconAnalyzer

    languages = languages_of(texts)
    cascade = score_batch(texts, languages, embed, model)
    heads = (model or models.load()).heads
    out = {h: cascade.scores[:, j].copy() for j, h in enumerate(heads)}
    rules = (LexiconAnalyzer(), GroupAttackAnalyzer())
    for i, (text, langs) in enumerate(zip(texts, languages, strict=True)):
        for analyzer in rules:
            analysis = analyzer.analyze(TextPart(text), PartContext(index=0, languages=langs))
            for category in analysis.covered:
                if category in out and np.isnan(out[category][i]):
                    out[category][i] = 0.0
            for signal in analysis.signals:
                if signal.category in out:
                    current = out[signal.category][i]
                    if np.isnan(current) or signal.score > current:
                        out[signal.category][i] = signal.score
    deferred = np.asarray(cascade.deferred.any(axis=1), dtype=bool)
    return out, deferred


def precision_at(
    y: npt.NDArray[np.int64], s: npt.NDArray[np.float64], precision: float, prevalence: float
) -> dict[str, float] | None:
    """The lowest threshold whose precision, reweighted to `prevalence`, reaches `precision`."""
    pos, neg = s[y == 1], s[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        return None
    for t in np.unique(np.round(s, 3)):
        tpr = float((pos >= t).mean())
        fpr = float((neg >= t).mean())
        if (pos >= t).sum() < 10:
            break
        p = prevalence * tpr / (prevalence * tpr + (1 - prevalence) * fpr)
        if p >= precision:
            return {"threshold": float(t), "recall": round(tpr, 4), "fpr": round(fpr, 5)}
    return None


def reweighted_precision(
    y: npt.NDArray[np.int64], flagged: npt.NDArray[np.bool_], prevalence: float
) -> tuple[float | None, float]:
    """Precision had positives made up `prevalence` of the rows, and recall."""
    pos, neg = flagged[y == 1], flagged[y == 0]
    tpr = float(pos.mean()) if len(pos) else 0.0
    fpr = float(neg.mean()) if len(neg) else 0.0
    if tpr == 0 and fpr == 0:
        return None, tpr
    return prevalence * tpr / (prevalence * tpr + (1 - prevalence) * fpr), tpr


def prf(y: npt.NDArray[np.int64], flagged: npt.NDArray[np.bool_]) -> tuple[float, float, float]:
    tp = float((flagged & (y == 1)).sum())
    fp = float((flagged & (y == 0)).sum())
    fn = float((~flagged & (y == 1)).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def bootstrap_f1(
    y: npt.NDArray[np.int64], flagged: npt.NDArray[np.bool_], seed: int, rounds: int = 1000
) -> tuple[float, float]:
    """A percentile bootstrap 95% interval of F1."""
    rng = np.random.default_rng(seed)
    n = len(y)
    f1s = np.empty(rounds)
    for k in range(rounds):
        i = rng.integers(0, n, n)
        f1s[k] = prf(y[i], flagged[i])[2]
    return float(np.percentile(f1s, 2.5)), float(np.percentile(f1s, 97.5))


def per_language(
    rows: Sequence[Row],
    scores: dict[str, npt.NDArray[np.float32]],
    thresholds: dict[str, Any],
    policy_review: dict[str, float],
    coverage: dict[str, frozenset[str]],
    prevalence: float,
    seed: int,
) -> list[dict[str, Any]]:
    langs = np.array([r.lang for r in rows])
    report = []
    for target in TARGETS:
        entry = thresholds.get(target.name)
        if entry is None:
            continue
        y_all = target.labels(rows)
        s_all = target.score(scores)
        reviewed = _reviewed(target, scores, policy_review)
        for lang in LANGUAGES:
            mask = (y_all >= 0) & (langs == lang)
            y, s = y_all[mask], s_all[mask]
            positives = int(y.sum())
            if positives == 0:
                continue
            covered = any(lang in coverage.get(c, frozenset()) for c in target.categories)
            flagged = s >= entry["f1_threshold"]
            p, r, f = prf(y, flagged)
            low, high = bootstrap_f1(y, flagged, seed)
            row: dict[str, Any] = {
                "target": target.name,
                "language": lang,
                "covered": covered,
                "rows": int(mask.sum()),
                "positives": positives,
                "measured": positives >= MEASURED,
                "precision": round(p, 4),
                "recall": round(r, 4),
                "f1": round(f, 4),
                "f1_ci95": [round(low, 4), round(high, 4)],
            }
            if reviewed is not None:
                precision, recall = reweighted_precision(y, reviewed[mask], prevalence)
                row["review_precision_at_prevalence"] = (
                    None if precision is None else round(precision, 4)
                )
                row["review_recall"] = round(recall, 4)
            report.append(row)
    return report


def _reviewed(
    target: Target, scores: dict[str, npt.NDArray[np.float32]], review: dict[str, float]
) -> npt.NDArray[np.bool_] | None:
    """Which texts the policy would at least send to review for one of the target's categories."""
    found = [
        np.nan_to_num(scores[c], nan=0.0) >= review[c] for c in target.categories if c in review
    ]
    return np.logical_or.reduce(found) if found else None


def review_thresholds(policy: Any) -> dict[str, float]:
    """Per category, the lowest score at which the policy acts at all."""
    out: dict[str, float] = {}
    for rule in policy.rules:
        lowest = min(rule.thresholds.values())
        for category in rule.categories:
            out[category] = min(out.get(category, 1.0), lowest)
    return out


def _embedder(cache_dir: Path | None, log: Callable[[str], None]) -> Embed:
    """Embeddings through the shared encoder, remembered in the cache directory if given."""
    from tamis.analyzers.text.classifier.analyzer import shared_encoder

    if cache_dir is None:
        return shared_encoder().encode
    from tamis.analyzers.text.classifier.cache import EmbeddingCache

    cache = EmbeddingCache(cache_dir)

    def embed(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        missing = len({t for t in texts if t not in cache})
        if missing:
            log(f"  embedding {missing} texts the linear tier left uncertain")
        cache.fill(texts, shared_encoder())
        return cache.get(texts)

    return embed


def false_alarms(
    rows: Sequence[Row],
    scores: dict[str, npt.NDArray[np.float32]],
    review: dict[str, float],
    coverage: dict[str, frozenset[str]],
) -> list[dict[str, Any]]:
    """For each rare head and spam, per covered language: of the comments a data set
    labelled not insulting without labelling that category, the share the policy would send
    to review for it. Those sets never taught the head anything, so this is how it behaves
    on ordinary comments from elsewhere, where a head fitted on few examples (spam outside
    English is only the project's) may read style as abuse or promotion."""
    insult = HEADS.index("toxicity/insult")
    langs = np.array([r.lang for r in rows])
    out = []
    for category in (*RARE, "spam"):
        j = HEADS.index(category)
        ordinary = np.array([r.targets[insult] == 0 and r.targets[j] == -1 for r in rows])
        reviewed = np.nan_to_num(scores[category], nan=0.0) >= review[category]
        for lang in LANGUAGES:
            mask = ordinary & (langs == lang)
            if lang in coverage.get(category, frozenset()) and mask.sum() >= MEASURED:
                out.append(
                    {
                        "category": category,
                        "language": lang,
                        "rows": int(mask.sum()),
                        "reviewed": round(float(reviewed[mask].mean()), 4),
                    }
                )
    return out


def _evasion(
    rows: Sequence[Row],
    embed: Embed,
    thresholds: dict[str, Any],
    seed: int,
    per_language: int,
) -> dict[str, Any]:
    import hashlib

    from tamis.analyzers.text.classifier.perturb import PERTURBATIONS, perturb

    target = TARGETS[0]
    threshold = thresholds[target.name]["f1_threshold"]
    chosen: list[Row] = []
    for lang in LANGUAGES:
        positives = [r for r in rows if r.lang == lang and r.toxic == 1]
        positives.sort(key=lambda r: hashlib.sha256(f"{seed}:{r.text}".encode()).digest())
        chosen += positives[:per_language]
    texts = [r.text for r in chosen]
    clean = target.score(pipeline_scores(texts, embed)[0]) >= threshold
    result: dict[str, Any] = {"target": target.name, "texts": len(texts)}
    result["clean_recall"] = round(float(clean.mean()), 4)
    kinds: dict[str, Any] = {}
    for kind in PERTURBATIONS:
        changed = [perturb(t, kind, seed) for t in texts]
        hit = target.score(pipeline_scores(changed, embed)[0]) >= threshold
        recall = float(hit.mean())
        kinds[kind] = {
            "recall": round(recall, 4),
            "ratio": round(recall / result["clean_recall"], 4) if clean.any() else None,
        }
    result["perturbations"] = kinds
    return result


def _f1_thresholds(thresholds: dict[str, Any]) -> dict[str, float]:
    """Per category, the dev-tuned F1 threshold of the target it belongs to."""
    out: dict[str, float] = {}
    for target in (*TARGETS, POLICY_TARGETS["insults"]):
        entry = thresholds.get(target.name)
        if entry is not None and len(target.categories) <= 2:
            for category in target.categories:
                out.setdefault(category, entry["f1_threshold"])
    return out


def _functional(
    directory: Path, embed: Embed, review: dict[str, float], f1: dict[str, float]
) -> list[dict[str, Any]]:
    import json

    cases = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                cases.append(json.loads(line))
    if not cases:
        return []
    scores, _ = pipeline_scores([c["text"] for c in cases], embed)
    groups: dict[tuple[str, str], list[tuple[bool, bool, bool]]] = {}
    for i, case in enumerate(cases):
        flagged = {
            c for c, s in scores.items() if c in review and not np.isnan(s[i]) and s[i] >= review[c]
        }
        at_f1 = {c for c, s in scores.items() if c in f1 and not np.isnan(s[i]) and s[i] >= f1[c]}
        expected = set(case["expected"]) - {"none"}
        right = bool(flagged) == bool(expected)
        # data/text/README.md's rule: every expected category fires and none it must not
        must_not = set(case.get("must_not", ()))
        strict = expected <= flagged and not flagged & must_not if expected else not flagged
        right_f1 = bool(at_f1) == bool(expected)
        key = (
            case["functionality"],
            case["lang"]
            + ("-Latn" if case.get("script") == "Latn" and case["lang"] in ("ar", "ary") else ""),
        )
        groups.setdefault(key, []).append((right, strict, right_f1))
    return [
        {
            "functionality": f,
            "language": lang,
            "cases": len(found),
            "accuracy": round(sum(r for r, _, _ in found) / len(found), 4),
            "strict_accuracy": round(sum(c for _, c, _ in found) / len(found), 4),
            "accuracy_f1_threshold": round(sum(r for _, _, r in found) / len(found), 4),
        }
        for (f, lang), found in sorted(groups.items())
    ]


def run(
    data: Path,
    *,
    functional: Path | None,
    cache_dir: Path | None,
    seed: int = 13,
    evasion_per_language: int = 150,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Score the test files (once), the functional tests and the evasions."""
    from tamis.analyzers.text.classifier.data import load_shared
    from tamis.core import policy as policies

    model = models.load()
    meta = model.meta
    thresholds = meta.get("thresholds") or {}
    if not thresholds:
        raise ValueError("the shipped model has no dev thresholds; run `tamis train text` first")
    test_files = sorted(p.name for p in data.glob("*.test.jsonl"))
    rows = load_shared(data, "test")
    log(f"scoring {len(rows)} rows of {len(test_files)} test files")
    embed = _embedder(cache_dir, log)
    texts = [r.text for r in rows]
    scores, deferred = pipeline_scores(texts, embed, model)
    review = review_thresholds(policies.default())
    report: dict[str, Any] = {
        "model": model.version,
        "trained_on": meta["trained_on"],
        "tuned_on": meta["tuned_on"],
        "scored": test_files,
        "prevalence": meta["prevalence"],
        "deferred_share": round(float(deferred.mean()), 4),
        "pairs": per_language(
            rows, scores, thresholds, review, model.coverage, meta["prevalence"], seed
        ),
    }
    report["false_alarms"] = false_alarms(rows, scores, review, model.coverage)
    log("evasion: perturbing test positives")
    report["evasion"] = _evasion(rows, embed, thresholds, seed, evasion_per_language)
    report["functional_files"] = []
    report["functional"] = []
    if functional is not None and functional.is_dir():
        report["functional_files"] = sorted(p.name for p in functional.glob("*.jsonl"))
        report["functional"] = _functional(functional, embed, review, _f1_thresholds(thresholds))
    return report
