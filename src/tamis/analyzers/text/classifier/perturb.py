"""Seeded evasions of a text, the ones people use to slip past filters.

Used by `tamis eval text` to measure recall on disguised positives against recall on the same
texts written plainly. Each perturbation touches about half of the words of three letters
or more, chosen by a seeded generator, so results are reproducible.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable

__all__ = ["PERTURBATIONS", "perturb"]

_WORD_RE = re.compile(r"\w{3,}")
_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
_HOMOGLYPHS = {"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і"}
_ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060")


def _leet(word: str, rng: random.Random) -> str:
    return "".join(_LEET.get(c, c) if rng.random() < 0.7 else c for c in word)


def _spacing(word: str, rng: random.Random) -> str:
    return rng.choice((" ", ".", "-")).join(word)


def _elongation(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    return word[: i + 1] + word[i] * rng.randint(2, 5) + word[i + 1 :]


def _homoglyphs(word: str, rng: random.Random) -> str:
    return "".join(_HOMOGLYPHS.get(c, c) if rng.random() < 0.7 else c for c in word)


def _zero_width(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))
    return word[:i] + rng.choice(_ZERO_WIDTH) + word[i:]


def _accents(word: str, rng: random.Random) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


PERTURBATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "leet": _leet,
    "spacing": _spacing,
    "elongation": _elongation,
    "homoglyphs": _homoglyphs,
    "zero-width": _zero_width,
    "accent-stripping": _accents,
}


def perturb(text: str, kind: str, seed: int) -> str:
    """`text` with about half of its words disguised by `kind` (see PERTURBATIONS)."""
    change = PERTURBATIONS[kind]
    rng = random.Random(f"{seed}:{kind}:{text}")  # noqa: S311 - reproducible, not secret

    def one(match: re.Match[str]) -> str:
        word = match[0]
        return change(word, rng) if rng.random() < 0.5 else word

    return _WORD_RE.sub(one, text)
