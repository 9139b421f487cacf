"""What the compatibility endpoints need beyond `judge()`: chosen languages and sentences.

Perspective lets a client state the comment's languages instead of detecting them, and scores
each sentence on request. Both go through the same pipeline, analyzers and tenant policy as
`POST /v1/moderate`, so a score here is the score there; only the language identifier is
swapped for one that answers what the client stated (or what the whole comment was found to
be, so that a three-word sentence is not judged as if its language were unknown).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from tamis.core.content import Content
from tamis.core.pipeline import moderate
from tamis.core.verdict import Language, Verdict
from tamis.services.moderation import judge
from tamis.services.runtime import Runtime

__all__ = ["StatedLanguages", "judge_in", "sentences", "stated", "utf16_offsets"]

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_SCRIPT = re.compile(r"[A-Za-z\u00c0-\u024f]")
# A sentence ends at terminal punctuation (Latin, Arabic, ellipsis) followed by a space or the
# end, closing quotes and brackets included, or at a line break. A run of punctuation is tried
# once, whole, from its first character: trying each of its suffixes, and each shorter run,
# took quadratic time (20,000 "!" before a letter: 10 s).
_SENTENCE_END = re.compile(
    r"(?<![.!?\u2026\u061f])[.!?\u2026\u061f]++[\"'\u00bb\u201d)\]]*+(?=\s|$)|\n"
)


@dataclass(frozen=True, slots=True)
class StatedLanguages:
    """A language identifier that answers the languages it was given, whatever the text."""

    languages: tuple[Language, ...]
    name: ClassVar[str] = "stated-languages"
    version: ClassVar[str] = "1"

    def identify(self, text: str) -> Sequence[Language]:
        return self.languages


def stated(codes: Sequence[str], text: str, detected: Sequence[Language]) -> tuple[Language, ...]:
    """Languages for codes a client stated: the detected script where detection agrees."""
    found = {lang.code: lang for lang in detected}
    arabic = len(_ARABIC_SCRIPT.findall(text)) >= len(_LATIN_SCRIPT.findall(text))
    out: list[Language] = []
    for code in dict.fromkeys(codes):
        if code in found:
            out.append(Language(code, found[code].script, 1.0))
        else:
            script = "Arab" if code in ("ar", "ary") and arabic else "Latn"
            out.append(Language(code, script, 1.0))
    return tuple(out)


def judge_in(
    rt: Runtime, *, tenant_id: str, content: Content, languages: tuple[Language, ...] | None
) -> Verdict:
    """`judge()` itself when `languages` is None; otherwise the same with those languages."""
    if languages is None:
        return judge(rt, tenant_id=tenant_id, content=content)
    return moderate(
        content,
        rt.policies.get(tenant_id),
        rt.analyzers,
        language_identifier=StatedLanguages(languages),
        tenant_terms=rt.terms.get(tenant_id),
    )


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans as code-point (start, end), surrounding whitespace left out.

    A piece with no letter or digit (a trailing emoji, a lone "!!") joins the sentence before
    it, so that every span can be scored as language.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        _add(text, start, match.end(), spans)
        start = match.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lo = start + (len(piece) - len(piece.lstrip()))
    hi = lo + len(stripped)
    if spans and not any(ch.isalnum() for ch in stripped):
        spans[-1] = (spans[-1][0], hi)
    elif len(spans) == 1 and not any(ch.isalnum() for ch in text[spans[0][0] : spans[0][1]]):
        spans[0] = (spans[0][0], hi)
    else:
        spans.append((lo, hi))


def utf16_offsets(text: str, indices: Sequence[int]) -> dict[int, int]:
    """Code-point offsets into `text` as UTF-16 code-unit offsets (what JavaScript counts)."""
    out: dict[int, int] = {}
    extra = 0
    position = 0
    for index in sorted(set(indices)):
        extra += sum(1 for ch in text[position:index] if ord(ch) > 0xFFFF)
        position = index
        out[index] = index + extra
    return out
