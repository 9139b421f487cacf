"""Text classifier throughput: the shipped cascade beside alt-profanity-check and the lexicon.

A realistic stream of short comments is mostly benign: the mix here draws 95% of its texts
from rows the data sets label `none` and 5% from violating ones, ~100 characters each, in
French, English, Spanish, Arabic, Darija and Arabizi (from the *training* files; the test
files are only for `tamis eval text`). Each text goes through what the API runs: language
identification, the lexicon, `text-linear` and, where that tier is unsure, `text-e5`, then
the default policy (`tamis.core.pipeline.moderate`), one text at a time, with caches emptied.

The cascade is timed on one core and on two (two worker processes, each with its own copy of
the models), beside the lexicon alone and alt-profanity-check (a linear SVM over English
word n-grams) on one core, in the same run.

    PYTHONPATH=src .venv/bin/python bench/text_cascade.py [--texts 2000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "text"
SETS = ("mlma", "davidson", "offendes", "omcd_darija", "arabizi_off", "osact5", "lhsab")
VIOLATING = 0.05


def load(total: int) -> list[str]:
    benign: list[str] = []
    violating: list[str] = []
    for name in SETS:
        path = DATA / f"{name}.train.jsonl"
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                text = " ".join(row["text"].split())
                if len(text) >= 40:
                    (benign if row["labels"] == ["none"] else violating).append(text[:110])
    key: Callable[[str], bytes] = lambda t: hashlib.sha256(t.encode()).digest()  # noqa: E731
    benign.sort(key=key)
    violating.sort(key=key)
    n_bad = round(total * VIOLATING)
    mix = benign[: total - n_bad] + violating[:n_bad]
    mix.sort(key=key)
    return mix


def _pin(cores: set[int]) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, cores)


def _cascade() -> Callable[[str], object]:
    from tamis.analyzers.registry import load as load_analyzers
    from tamis.analyzers.text.langid import LinguaLanguageIdentifier
    from tamis.core import policy
    from tamis.core.content import Content
    from tamis.core.pipeline import moderate

    analyzers = load_analyzers(["lexicon", "text-linear", "text-e5"])
    for analyzer in analyzers:
        warm = getattr(analyzer, "warm", None)
        if callable(warm):
            warm()
    identifier = LinguaLanguageIdentifier()
    chosen = policy.default()

    def check(text: str) -> object:
        return moderate(Content.of_text(text), chosen, analyzers, language_identifier=identifier)

    return check


def _clear() -> None:
    from tamis.analyzers.text import normalize
    from tamis.analyzers.text.classifier import analyzer

    normalize.normalize.cache_clear()
    analyzer._linear.cache_clear()


def rate(check: Callable[[str], object], texts: Sequence[str]) -> float:
    _clear()
    start = time.perf_counter()
    for text in texts:
        check(text)
    return len(texts) / (time.perf_counter() - start)


def _worker(args: tuple[int, list[str], list[str]]) -> float:
    core, warmup, texts = args
    _pin({core})
    check = _cascade()
    for text in warmup:
        check(text)
    _clear()
    start = time.perf_counter()
    for text in texts:
        check(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=2000)
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    texts = load(args.texts)
    warmup = [t[::-1] for t in texts[:100]]
    print(
        f"{len(texts)} texts ({VIOLATING:.0%} violating), "
        f"mean {sum(map(len, texts)) / len(texts):.0f} characters; {len(cores)} cores seen"
    )
    _pin({cores[0]})

    check = _cascade()
    for text in warmup:
        check(text)
    from tamis.analyzers.text.classifier.analyzer import score_batch
    from tamis.analyzers.text.classifier.evaluate import languages_of

    deferred = score_batch(texts, languages_of(texts), embed=lambda ts: _zeros(len(ts))).deferred
    share = float(deferred.any(axis=1).mean())
    one = rate(check, texts)
    print(f"{'tamis cascade, 1 core':40s} {one:8,.0f} texts/s   e5 tier on {share:.1%} of texts")

    if len(cores) >= 2:
        halves = [texts[0::2], texts[1::2]]
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(2) as pool:
            start = time.perf_counter()
            spent = pool.map(_worker, [(cores[i], warmup, halves[i]) for i in range(2)])
            wall = time.perf_counter() - start
        two = len(texts) / max(spent)
        print(
            f"{'tamis cascade, 2 cores (2 processes)':40s} {two:8,.0f} texts/s"
            f"   (wall {wall:.1f} s with model loading)"
        )

    from tamis.analyzers.base import PartContext
    from tamis.analyzers.text.lexicon import LexiconAnalyzer
    from tamis.core.content import TextPart

    lexicon = LexiconAnalyzer()
    context = PartContext(index=0, languages=())
    alone = rate(lambda t: lexicon.analyze(TextPart(t), context), texts)
    print(f"{'tamis lexicon alone, 1 core':40s} {alone:8,.0f} texts/s")
    try:
        from profanity_check import predict

        predict(["warm up"])
        theirs = rate(lambda t: predict([t]), texts)
        print(f"{'alt-profanity-check, 1 core':40s} {theirs:8,.0f} texts/s   (English only)")
    except ImportError:
        print("alt-profanity-check not installed: pip install alt-profanity-check")


def _zeros(n: int) -> object:
    import numpy as np

    return np.zeros((n, 384), dtype=np.float32)


if __name__ == "__main__":
    main()
