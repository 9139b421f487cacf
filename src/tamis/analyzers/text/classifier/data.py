"""Labelled text for the classifier: the shared data sets and the project's own examples.

The shared sets speak a coarse vocabulary (`toxic`, `hate`, `harassment/threat`, `spam`) and
each annotated only some of it; the project's examples speak tamis's categories. Both become
one row shape with a target *and a mask* per head, so a source that never annotated hate
teaches the hate head nothing rather than teaching it that everything is benign.

The dev split is carved out of the training files by a salted hash of the lower-cased text (a
different salt from the one that made the train/test split), so it is stable across runs
and machines and a text and its case variants always land on the same side.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "HEADS",
    "LANGUAGES",
    "RARE",
    "Row",
    "is_dev",
    "language_key",
    "load_examples",
    "load_shared",
]

HEADS: tuple[str, ...] = (
    "toxicity/insult",
    "toxicity/profanity",
    "hate",
    "hate/threat",
    "violence/threat",
    "harassment",
    "spam",
)
RARE: tuple[str, ...] = ("violence/threat", "hate/threat", "harassment")
"""Heads that few data sets label: they learn mostly from the project's own examples."""
LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "ar", "ary", "arabizi")
"""Language keys of coverage: `arabizi` is Arabic or Darija written in Latin letters."""

DEV_SHARE = 15
_DEV_SALT = b"tamis-dev-split-v1\x00"


@dataclass(frozen=True, slots=True)
class Row:
    text: str
    lang: str
    """One of LANGUAGES."""
    source: str
    """The file stem it came from, e.g. `davidson` or `examples-fr`."""
    targets: tuple[int, ...]
    """Per head: 1 positive, 0 negative, -1 not annotated (masked)."""
    toxic: int
    """The coarse `toxic` label as the source gave it (-1 when not annotated), for evaluation."""


def language_key(code: str, script: str | None) -> str | None:
    if code in ("ar", "ary") and script == "Latn":
        return "arabizi"
    return code if code in LANGUAGES else None


def is_dev(text: str) -> bool:
    digest = hashlib.sha256(_DEV_SALT + text.lower().encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < DEV_SHARE


def _osact(orig: Any) -> dict[str, str]:
    if isinstance(orig, dict):
        return {str(k): str(v) for k, v in orig.items()}
    try:
        import ast

        parsed = ast.literal_eval(str(orig))
    except (ValueError, SyntaxError):
        return {}
    return {str(k): str(v) for k, v in parsed.items()} if isinstance(parsed, dict) else {}


def _shared_targets(record: dict[str, Any], source: str) -> tuple[list[int], int]:
    labels = set(record["labels"])
    annotated = set(record["annotated_for"])
    t = dict.fromkeys(HEADS, -1)
    toxic = -1
    if "toxic" in annotated:
        toxic = int("toxic" in labels or "hate" in labels)
        if "toxic" in labels or "hate" not in labels:
            # Hate rows without `toxic` come from sets whose classes exclude each other
            # (Davidson, MLMA): hate is offensive too, so those rows teach insult nothing.
            t["toxicity/insult"] = int("toxic" in labels)
        if record.get("profanity_only") is True:
            t["toxicity/insult"] = 0  # OffendES: swearing that offends no one
            t["toxicity/profanity"] = 1
        elif source == "offendes" and "toxic" not in labels:
            t["toxicity/profanity"] = 0
    if "hate" in annotated:
        t["hate"] = int("hate" in labels)
    if source == "osact5":
        orig = _osact(record.get("orig_label"))
        t["toxicity/profanity"] = int(orig.get("vulgar") == "VLG")
        violent = orig.get("violence") == "VIO"
        t["violence/threat"] = int(violent)
        t["hate/threat"] = int(violent and "hate" in labels)
    if "spam" in annotated:
        t["spam"] = int("spam" in labels)
    return [t[h] for h in HEADS], toxic


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def load_shared(directory: Path, split: str) -> list[Row]:
    """Rows of every `*.{split}.jsonl` in the shared data directory (split: train or test)."""
    rows: list[Row] = []
    for path in sorted(directory.glob(f"*.{split}.jsonl")):
        source = path.name.split(".", 1)[0]
        for record in _lines(path):
            lang = language_key(record["lang"], record.get("script"))
            if lang is None or not record["text"].strip():
                continue
            targets, toxic = _shared_targets(record, source)
            rows.append(Row(record["text"], lang, source, tuple(targets), toxic))
    return rows


def load_examples(directory: Path) -> list[Row]:
    """The project's examples (`{lang}.jsonl`, labels in tamis's categories)."""
    rows: list[Row] = []
    for path in sorted(directory.glob("*.jsonl")):
        for record in _lines(path):
            lang = language_key(record["lang"], record.get("script"))
            if lang is None or not record["text"].strip():
                continue
            labels = set(record["labels"])
            annotated = set(record.get("annotated_for") or HEADS)
            targets = tuple(int(h in labels) if h in annotated else -1 for h in HEADS)
            toxic = int(bool(labels & {"toxicity/insult", "toxicity/profanity", "hate"}))
            rows.append(Row(record["text"], lang, f"examples-{path.stem}", targets, toxic))
    return rows
