"""Text lexicon throughput: tamis beside glin-profanity, better-profanity and profanity-check.

One core, one text at a time, as the API sees a comment: ~100-character lines drawn from the
labelled sets in ../shared/data/text (French, English, Spanish, Arabic, Darija, Arabizi).
Every text is seen once in the timed pass, with tamis's normalisation cache emptied first, so
the cache does not flatter the figure. Language identification is timed on its own.

    PYTHONPATH=src .venv/bin/python bench/text.py [--per-set 500]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from tamis.analyzers.base import PartContext
from tamis.analyzers.text import normalize as norm
from tamis.analyzers.text.langid import LinguaLanguageIdentifier
from tamis.analyzers.text.lexicon import LexiconAnalyzer
from tamis.core.content import TextPart

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "text"
SETS = ("mlma", "davidson", "offendes", "omcd_darija", "arabizi_off", "osact5", "lhsab")


def load(per_set: int) -> list[str]:
    texts: list[str] = []
    for name in SETS:
        path = DATA / f"{name}.train.jsonl"
        if not path.exists():
            continue
        taken = 0
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                text = " ".join(json.loads(line)["text"].split())
                if len(text) >= 60:
                    texts.append(text[:110])
                    taken += 1
                    if taken == per_set:
                        break
    return texts


def rate(check: Callable[[str], object], texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        check(text)
    return len(texts) / (time.perf_counter() - start)


def peers() -> dict[str, Callable[[str], object]]:
    found: dict[str, Callable[[str], object]] = {}
    from glin_profanity import Filter

    glin = Filter(
        {  # type: ignore[arg-type]
            "languages": ["english", "french", "spanish", "arabic"],
            "cache_results": False,
        }
    )
    found["glin-profanity"] = glin.is_profane
    try:
        from better_profanity import profanity

        profanity.load_censor_words()
        found["better-profanity"] = profanity.contains_profanity
    except ImportError:
        print("better-profanity not installed: pip install better-profanity")
    try:
        from profanity_check import predict

        found["alt-profanity-check"] = lambda text: predict([text])
    except ImportError:
        print("alt-profanity-check not installed: pip install alt-profanity-check")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-set", type=int, default=150)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    texts = load(args.per_set)
    print(f"{len(texts)} texts, mean {sum(map(len, texts)) / len(texts):.0f} characters")

    lexicon = LexiconAnalyzer()
    context = PartContext(index=0, languages=())

    def tamis(text: str) -> object:
        return lexicon.analyze(TextPart(text), context)

    for text in texts[:200]:
        tamis(text[::-1])
    norm.normalize.cache_clear()
    flagged = sum(1 for t in texts if tamis(t).signals)
    ours = 0.0
    for _ in range(5):  # best of five, each pass on an empty cache
        norm.normalize.cache_clear()
        ours = max(ours, rate(tamis, texts))
    print(f"{'tamis lexicon (normalise + match)':36s} {ours:10,.0f} texts/s   flagged {flagged}")
    for name, check in peers().items():
        check(texts[0])
        theirs = rate(check, texts)
        print(f"{name:36s} {theirs:10,.0f} texts/s   tamis/{name} = {ours / theirs:.1f}x")

    identifier = LinguaLanguageIdentifier()
    identifier.identify(texts[0])
    for text in texts[:: max(1, len(texts) // 400)][:50]:
        identifier.identify(text)  # load the models the samples need before timing
    sample = texts[1 :: max(1, len(texts) // 400)]
    per = 1e6 / rate(identifier.identify, sample)
    label = "language identification (separate)"
    print(f"{label:36s} {1e6 / per:10,.0f} texts/s   {per:.0f} µs/text")


if __name__ == "__main__":
    main()
