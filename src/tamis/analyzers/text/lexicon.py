"""The lexicon analyzer: listed insults, profanity and slurs, found however they are disguised.

A lexicon is the one text analyzer that is exact and explainable: each hit names the listed
term (by a stable id, so verdicts and logs never repeat the slur) and the span of the original
text it came from. It runs on every text whatever language was detected, because comments
switch between Darija, French and Arabic mid-sentence; words that are insults in one language
and ordinary in another (French "con", Spanish "with") are *gated*: they fire only when
language identification found their language.

All terms of all lexicons go into one Aho-Corasick automaton over the normalised text, so the
cost of a text does not grow with the number of terms; word boundaries and repeated-letter
counts are checked only on candidate hits. Tenants' own block and allow terms are compiled
into a second automaton, cached per version of the tenant's list.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import operator
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import ClassVar

import ahocorasick

from tamis.analyzers.base import Analysis, PartContext, TenantTerms
from tamis.analyzers.text.normalize import LEETSPEAK_MARKER, Normalized, normalize
from tamis.core.content import Part, PartKind
from tamis.core.verdict import Language, LexiconHit, Signal

__all__ = ["LexiconAnalyzer", "Term", "lexicon_digest"]

_DATA = Path(__file__).with_name("lexicons")
_FILES = {
    "fr": "fr",
    "en": "en",
    "es": "es",
    "ar": "ar",
    "ary": "ary",
    "ary-latn": "ary",
}
_GLIN = {"english": "en", "french": "fr", "spanish": "es", "arabic": "ar"}
_CATEGORIES = {
    "insult": "toxicity/insult",
    "profanity": "toxicity/profanity",
    "hate": "hate",
}
_GLIN_STRENGTH = 0.6
_PROCLITICS = (
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
    "ال",
    "وال",
    "فال",
    "بال",
    "كال",
    "لل",
    "ولل",
    "فلل",
    "يا",
    "يال",
)
_ARABIC_FAMILY = frozenset({"ar", "ary"})
_MAX_EVIDENCE = 20
_TENANT_CACHE = 256
_BY_START = operator.attrgetter("start")


@dataclass(frozen=True, slots=True)
class Term:
    """One listed spelling, as the automaton stores it."""

    id: str
    category: str
    strength: float
    lexicon: str
    language: str | None
    gate: bool
    length: int
    runs: tuple[tuple[int, int], ...]
    """(offset in the term, letters it needs there) where the term doubles a letter."""
    allow: bool = False


def _glin_dir() -> Path | None:
    spec = importlib.util.find_spec("glin_profanity")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "data" / "dictionaries"
    return path if path.is_dir() else None


def _rows(path: Path) -> Iterator[list[str]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n").split("\t")


@cache
def lexicon_digest() -> str:
    """A digest of every list the analyzer reads: it changes whenever a lexicon does."""
    digest = hashlib.sha256()
    paths = sorted(_DATA.glob("*.tsv"))
    glin = _glin_dir()
    if glin is not None:
        paths += [glin / f"{name}.json" for name in sorted(_GLIN)]
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _term_id(language: str, category: str, raw: str) -> str:
    short = category.rsplit("/", 1)[-1]
    return f"{language}:{short}:{hashlib.sha1(raw.encode()).hexdigest()[:8]}"  # noqa: S324


def _is_arabic_word(key: str) -> bool:
    return " " not in key and len(key) >= 3 and all("\u0600" <= c <= "\u06ff" for c in key)


def _variants(key: str) -> Iterator[tuple[str, int]]:
    """The key and, for an Arabic word, the key behind each proclitic (with its length)."""
    yield key, 0
    if _is_arabic_word(key):
        for prefix in _PROCLITICS:
            if not (prefix.endswith("ال") and key.startswith("ال")):
                yield prefix + key, len(prefix)


def _make(
    raw: str,
    category: str,
    strength: float,
    lexicon: str,
    language: str | None,
    *,
    gate: bool = False,
    allow: bool = False,
    term_id: str | None = None,
) -> list[tuple[str, Term]]:
    norm = normalize(raw.strip())
    key = norm.text.strip()
    if not key:
        return []
    ident = term_id or _term_id(language or "xx", category, raw.strip().casefold())
    out = []
    for variant, shift in _variants(key):
        runs = tuple(sorted((i + shift, n) for i, n in norm.runs.items()))
        term = Term(ident, category, strength, lexicon, language, gate, len(variant), runs, allow)
        out.append((variant, term))
    return out


def _builtin_terms() -> Iterator[tuple[str, Term]]:
    for stem, language in _FILES.items():
        for row in _rows(_DATA / f"{stem}.tsv"):
            raw, category, strength = row[0], _CATEGORIES[row[1]], float(row[2])
            gate = len(row) > 3 and "gate" in row[3].split(",")
            yield from _make(raw, category, strength, stem, language, gate=gate)
    for row in _rows(_DATA / "allow.tsv"):
        yield from _make(row[0], "", 0.0, "allow", None, allow=True)
    glin = _glin_dir()
    if glin is None:
        return
    excluded = {(r[0], normalize(r[1]).text) for r in _rows(_DATA / "glin_exclude.tsv")}
    for name, language in _GLIN.items():
        words: list[str] = json.loads((glin / f"{name}.json").read_text("utf-8"))["words"]
        for word in words:
            if (name, normalize(word).text) not in excluded:
                yield from _make(
                    word, "toxicity/profanity", _GLIN_STRENGTH, f"glin-{language}", language
                )


def _compile(entries: Iterable[tuple[str, Term]], *, curated_first: bool) -> ahocorasick.Automaton:
    table: dict[str, list[Term]] = {}
    for key, term in entries:
        found = table.setdefault(key, [])
        if curated_first and term.lexicon.startswith("glin-") and found:
            continue  # a curated entry already decides this spelling
        found.append(term)
    automaton = ahocorasick.Automaton()
    for key, terms in table.items():
        automaton.add_word(key, (len(key), tuple(terms)))
    if len(automaton):
        automaton.make_automaton()
    return automaton


@cache
def _builtin() -> ahocorasick.Automaton:
    return _compile(_builtin_terms(), curated_first=True)


@cache
def _covered() -> frozenset[str]:
    return frozenset(
        t.category for _, (_, terms) in _builtin().items() for t in terms if not t.allow
    )


_tenant_cache: OrderedDict[str, ahocorasick.Automaton] = OrderedDict()


def _tenant(terms: TenantTerms) -> ahocorasick.Automaton:
    key = terms.version or hashlib.sha256(repr((terms.block, terms.allow)).encode()).hexdigest()
    automaton = _tenant_cache.get(key)
    if automaton is not None:
        _tenant_cache.move_to_end(key)
        return automaton
    entries: list[tuple[str, Term]] = []
    for raw, category in terms.block:
        ident = "tenant:" + hashlib.sha256(raw.strip().casefold().encode()).hexdigest()[:10]
        entries += _make(raw, category, 1.0, "tenant", None, term_id=ident)
    for raw in terms.allow:
        entries += _make(raw, "", 0.0, "tenant", None, allow=True)
    automaton = _compile(entries, curated_first=False)
    _tenant_cache[key] = automaton
    if len(_tenant_cache) > _TENANT_CACHE:
        _tenant_cache.popitem(last=False)
    return automaton


def _language_ok(term: Term, languages: tuple[Language, ...]) -> bool:
    if not term.gate:
        return True
    for lang in languages:
        if lang.code == term.language or (
            lang.code in _ARABIC_FAMILY and term.language in _ARABIC_FAMILY
        ):
            return True
    return False


# A candidate hit: (start, end) in the normalised text, the term, and which view found it.
_Hit = tuple[int, int, Term, Normalized]


def _scan(
    automaton: ahocorasick.Automaton, view: Normalized, out: list[_Hit], allows: list[_Hit]
) -> None:
    text = view.text
    size = len(text)
    for last, (length, terms) in automaton.iter(text):
        start = last - length + 1
        end = last + 1
        if start > 0 and text[start - 1].isalnum() and text[start].isalnum():
            continue
        if end < size and text[end].isalnum() and text[last].isalnum():
            continue
        for term in terms:
            if term.runs and any(view.runs.get(start + i, 1) < n for i, n in term.runs):
                continue
            (allows if term.allow else out).append((start, end, term, view))


class LexiconAnalyzer:
    """Curated word lists for French, English, Spanish, Arabic and Darija, plus tenants' own."""

    name: ClassVar[str] = "lexicon"
    version: ClassVar[str] = f"1.0.0+{lexicon_digest()}"
    accepts: ClassVar[frozenset[PartKind]] = frozenset({"text"})

    def __init__(self) -> None:
        _builtin()

    @property
    def covered(self) -> frozenset[str]:
        return _covered()

    def analyze(self, part: Part, context: PartContext) -> Analysis:
        if part.kind != "text":
            return Analysis()
        norm = normalize(part.text)
        automata = [_builtin()]
        if context.tenant_terms is not None:
            automata.append(_tenant(context.tenant_terms))
        hits: list[_Hit] = []
        allows: list[_Hit] = []
        for view in (norm,) if norm.alt is None else (norm, norm.alt):
            for automaton in automata:
                if len(automaton):
                    _scan(automaton, view, hits, allows)
        if not hits:  # the common case: nothing more to build
            return Analysis(covered=_covered(), markers=norm.markers)
        markers = norm.markers
        signals = self._signals(hits, allows, context)
        if LEETSPEAK_MARKER not in markers and any(h[3].is_alt for h in hits):
            markers = (*markers, LEETSPEAK_MARKER)
        return Analysis(signals=signals, covered=_covered(), markers=markers)

    def _signals(
        self, hits: list[_Hit], allows: list[_Hit], context: PartContext
    ) -> tuple[Signal, ...]:
        allowed = [view.span(s, e) for s, e, _, view in allows]
        scores: dict[str, float] = {}
        evidence: dict[str, dict[tuple[int, int], LexiconHit]] = {}
        for start, end, term, view in hits:
            if term.gate and not _language_ok(term, context.languages):
                continue
            lo, hi = view.span(start, end)
            if allowed and any(a <= lo and hi <= b for a, b in allowed):
                continue
            scores[term.category] = max(scores.get(term.category, 0.0), term.strength)
            found = evidence.setdefault(term.category, {})
            if len(found) < _MAX_EVIDENCE and (lo, hi) not in found:
                found[lo, hi] = LexiconHit(
                    context.index, lo, hi, term.id, term.lexicon, term.language
                )
        return tuple(
            Signal(
                category=category,
                score=score,
                analyzer=self.name,
                part=context.index,
                evidence=tuple(sorted(evidence[category].values(), key=_BY_START)),
            )
            for category, score in sorted(scores.items())
        )
