"""Dehumanising statements about groups: "immigrants are vermin", "los gitanos son una plaga".

Hate without a single insult is where word lists and n-gram heads are weakest: every word of
"les juifs sont des parasites" is ordinary. What makes it hate is its shape, a group named
by a protected characteristic said to *be* vermin, disease or filth, and that shape can be
written down. This analyzer looks for it in the normalised text (the lexicon's, so disguises
do not hide it), in English, French, Spanish, Arabic and Darija:

- a group, then within four words that may stand between ("are nothing but filthy") a
  likening, in the same sentence; or a likening, "like", then a group ("vermin like ...");
- not when a negation stands between them ("are not rats"), unless a word turns it into
  "nothing but" (Spanish "no son más que ratas", Arabic "ما هم إلا");
- not when a word that reports or refutes the statement comes before the group in the
  sentence ("saying immigrants are rats is disgusting"), as counter-speech does.

A statement found scores `hate` at 0.95, as a slur in the lexicon does, with its span as
evidence. Where it finds nothing it covers no category: that says nothing about other forms
of hate, so coverage stays with the classifier. The lists are in
`group_attacks.tsv`; their digest is in the analyzer's version.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import ClassVar

from tamis.analyzers.base import Analysis, PartContext
from tamis.analyzers.text.normalize import Normalized, normalize
from tamis.core.content import Part, PartKind
from tamis.core.verdict import LexiconHit, Signal

__all__ = ["GroupAttackAnalyzer", "find_attacks"]

_DATA = Path(__file__).with_name("group_attacks.tsv")
_KINDS = ("group", "likening", "filler", "like", "negation", "restrict", "frame")
STRENGTH = 0.95
_GAP = 4
"""Words at most between a group and its likening."""
_FRAME_BACK = 8
"""Words before a group searched for a frame."""
_WORD_RE = re.compile(r"\w+")
_SENTENCE_END = frozenset(".!?;:\n؟؛")
_PROCLITICS = ("و", "ف", "ب", "ل", "ك", "وال", "فال", "بال", "كال", "ال", "لل")

Phrase = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Lists:
    """Per kind, the phrases of every language (as word tuples), and each phrase's language."""

    phrases: dict[str, dict[Phrase, str]]
    longest: int
    aliases: dict[str, str]
    """A listed Arabic-script word behind a proclitic (والعرب) -> the word as listed."""
    starts: frozenset[str]
    """First words of groups and likenings: a text holding none is done with at once."""

    def match(self, kind: str, words: Sequence[str], at: int) -> tuple[int, str] | None:
        """The number of words the longest phrase of `kind` at `at` spans, and its language."""
        table = self.phrases[kind]
        for size in range(min(self.longest, len(words) - at), 0, -1):
            language = table.get(tuple(words[at : at + size]))
            if language is not None:
                return size, language
        return None


@dataclass(frozen=True, slots=True)
class Attack:
    start: int
    end: int
    """Span in the normalised text."""
    likening: Sequence[str]
    language: str
    """The group's list."""

    @property
    def term(self) -> str:
        """An id of the likening, as the lexicon names its terms (evidence never repeats it)."""
        digest = hashlib.sha1(" ".join(self.likening).encode()).hexdigest()[:8]  # noqa: S324
        return f"{self.language}:likening:{digest}"


@cache
def lists() -> Lists:
    phrases: dict[str, dict[Phrase, str]] = {kind: {} for kind in _KINDS}
    longest = 1
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, language, joined = line.split("\t")
        for raw in joined.split("|"):
            words = tuple(_WORD_RE.findall(normalize(raw).text))
            if words:
                phrases[kind].setdefault(words, language)
                longest = max(longest, len(words))
    listed = {word for table in phrases.values() for phrase in table for word in phrase}
    aliases = {
        prefix + word: word
        for word in listed
        if len(word) >= 3 and all("\u0600" <= c <= "\u06ff" for c in word)
        for prefix in _PROCLITICS
        if not (prefix.endswith("ال") and word.startswith("ال")) and prefix + word not in listed
    }
    starts = frozenset(phrase[0] for kind in ("group", "likening") for phrase in phrases[kind])
    return Lists(phrases, longest, aliases, starts)


@cache
def lists_digest() -> str:
    return hashlib.sha256(_DATA.read_bytes()).hexdigest()[:12]


def find_attacks(text: str) -> list[Attack]:
    """Statements in a normalised text that liken a group to vermin, disease or filth."""
    spans = [(m.start(), m.end()) for m in _WORD_RE.finditer(text)]
    if not spans:
        return []
    known = lists()
    words = [known.aliases.get(text[start:end], text[start:end]) for start, end in spans]
    if known.starts.isdisjoint(words):
        return []
    sentence = [0] * len(words)
    for i in range(1, len(words)):
        between = text[spans[i - 1][1] : spans[i][0]]
        sentence[i] = sentence[i - 1] + any(c in _SENTENCE_END for c in between)
    found: list[Attack] = []
    for i in (i for i, word in enumerate(words) if word in known.starts):
        group = known.match("group", words, i)
        if group is not None:
            attack = _likened_after(words, sentence, i, i + group[0])
            if attack is not None and not _framed(words, sentence, i):
                j, size = attack
                found.append(
                    Attack(spans[i][0], spans[j + size - 1][1], words[j : j + size], group[1])
                )
                continue
        likening = known.match("likening", words, i)
        if likening is not None:
            after = _group_after_like(words, sentence, i + likening[0])
            if after is not None and not _framed(words, sentence, i):
                end, language = after
                found.append(
                    Attack(spans[i][0], spans[end - 1][1], words[i : i + likening[0]], language)
                )
    return found


def _likened_after(
    words: Sequence[str], sentence: Sequence[int], group: int, j: int
) -> tuple[int, int] | None:
    """Where the likening said of the group ending before `j` starts, and its length."""
    known = lists()
    negated = False
    for gap in range(_GAP + 1):
        if j >= len(words) or sentence[j] != sentence[group]:
            return None
        likening = known.match("likening", words, j)
        if likening is not None and not negated:
            return j, likening[0]
        negation = known.match("negation", words, j) is not None
        if known.match("restrict", words, j):
            negated = False
        elif negation:
            negated = True
        if gap == _GAP or not (negation or known.match("filler", words, j)):
            return None
        j += 1
    return None


def _group_after_like(
    words: Sequence[str], sentence: Sequence[int], j: int
) -> tuple[int, str] | None:
    """Where a group named right after "like" ends, and its language."""
    known = lists()
    like = known.match("like", words, j) if j < len(words) else None
    if like is None:
        return None
    k = j + like[0]
    if k < len(words) and sentence[k] == sentence[j] and known.match("filler", words, k):
        k += 1  # "like the Jews"
    group = known.match("group", words, k) if k < len(words) else None
    if group is None or sentence[k] != sentence[j]:
        return None
    return k + group[0], group[1]


def _framed(words: Sequence[str], sentence: Sequence[int], at: int) -> bool:
    known = lists()
    return any(
        sentence[k] == sentence[at] and known.match("frame", words, k) is not None
        for k in range(max(0, at - _FRAME_BACK), at)
    )


class GroupAttackAnalyzer:
    """Groups likened to vermin, disease or filth, in English, French, Spanish, Arabic, Darija."""

    name: ClassVar[str] = "group-attacks"
    version: ClassVar[str] = f"1.0.0+{lists_digest()}"
    accepts: ClassVar[frozenset[PartKind]] = frozenset({"text"})

    def __init__(self) -> None:
        lists()

    def analyze(self, part: Part, context: PartContext) -> Analysis:
        if part.kind != "text":
            return Analysis()
        norm = normalize(part.text)
        evidence: dict[tuple[int, int], LexiconHit] = {}
        views: tuple[Normalized, ...] = (norm,) if norm.alt is None else (norm, norm.alt)
        for view in views:
            for attack in find_attacks(view.text):
                lo, hi = view.span(attack.start, attack.end)
                evidence.setdefault(
                    (lo, hi),
                    LexiconHit(context.index, lo, hi, attack.term, self.name, attack.language),
                )
        if not evidence:
            return Analysis()
        hits = tuple(sorted(evidence.values(), key=lambda h: h.start))
        signal = Signal("hate", STRENGTH, self.name, context.index, hits)
        return Analysis(signals=(signal,), covered=frozenset({"hate"}))
