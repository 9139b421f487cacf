"""Signals, evidence and the verdict: the shapes every analyzer and every interface share.

They are fixed here for all media at once (text spans, image boxes, video time ranges, hash
matches, lexicon hits) so that images, video and hash banks add analyzers, not new shapes.
Evidence always points into the *original* content (code-point offsets into the string the
platform sent, boxes in the decoded image), never into a normalised copy, and always names
the analyzer that produced it.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any, Literal


class Action(enum.StrEnum):
    """What happens to an item, from least to most restrictive."""

    ALLOW = "allow"
    REVIEW = "review"
    RESTRICT = "restrict"
    HIDE = "hide"
    REMOVE = "remove"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {a: i for i, a in enumerate(Action)}


@dataclass(frozen=True, slots=True)
class TextSpan:
    part: int
    start: int
    end: int
    kind: Literal["text_span"] = "text_span"


@dataclass(frozen=True, slots=True)
class LexiconHit:
    """A listed term found in a text; `term` is the lexicon's id of the term, not the text."""

    part: int
    start: int
    end: int
    term: str
    lexicon: str
    language: str | None = None
    kind: Literal["lexicon_hit"] = "lexicon_hit"


@dataclass(frozen=True, slots=True)
class ImageBox:
    """A region of an image (or of a video frame), in pixels of the decoded picture."""

    part: int
    x: int
    y: int
    width: int
    height: int
    label: str
    frame_ms: int | None = None
    kind: Literal["image_box"] = "image_box"


@dataclass(frozen=True, slots=True)
class TimeRange:
    part: int
    start_ms: int
    end_ms: int
    kind: Literal["time_range"] = "time_range"


@dataclass(frozen=True, slots=True)
class HashMatch:
    part: int
    algorithm: str
    bank: str
    entry: str
    distance: int
    kind: Literal["hash_match"] = "hash_match"


@dataclass(frozen=True, slots=True)
class LinkHit:
    """A link in a part that a list or a heuristic caught.

    `list` says which (`block`: a tenant's rule, `shortener`, `homoglyph`, `obfuscated`) and
    `rule` what it matched: the tenant's pattern, the listed shortener, the mixed scripts or
    the disguise. The link itself is at `start:end` of the part, never copied here.
    """

    part: int
    start: int
    end: int
    list: str
    rule: str
    kind: Literal["link_hit"] = "link_hit"


@dataclass(frozen=True, slots=True)
class NearDuplicates:
    """Near-copies of an item posted in the same tenant within a time window.

    Counts only (this item included) and the time of the earliest: never who posted them.
    """

    part: int
    items: int
    authors: int
    since: str
    """ISO 8601 UTC time of the earliest near-copy in the window."""
    window_seconds: int
    kind: Literal["near_duplicates"] = "near_duplicates"


Evidence = TextSpan | LexiconHit | ImageBox | TimeRange | HashMatch | LinkHit | NearDuplicates


@dataclass(frozen=True, slots=True)
class Signal:
    """One analyzer's opinion on one category for one part."""

    category: str
    score: float
    analyzer: str
    part: int
    evidence: tuple[Evidence, ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} for {self.category} is outside 0..1")


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    """ISO 639 code; `ary` is Moroccan Arabic (Darija)."""
    script: str
    """ISO 15924 script: Latn, Arab, ..."""
    confidence: float


@dataclass(frozen=True, slots=True)
class AnalyzerRef:
    name: str
    version: str


@dataclass(frozen=True, slots=True)
class PolicyRef:
    name: str
    version: int
    digest: str


@dataclass(frozen=True, slots=True)
class Reason:
    """A policy rule that fired: which clause, on which category, above which threshold."""

    clause: str
    category: str
    score: float
    threshold: float
    action: Action


@dataclass(frozen=True, slots=True)
class AttributedEvidence:
    category: str
    analyzer: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Verdict:
    flagged: bool
    action: Action
    categories: dict[str, float | None]
    """Every category: a score where some analyzer covers it, None where none does."""
    severity: dict[str, int]
    unsupported: tuple[str, ...]
    evidence: tuple[AttributedEvidence, ...]
    languages: tuple[Language, ...]
    policy: PolicyRef
    clause: str | None
    """The clause that decided the action; None when the item is allowed."""
    reasons: tuple[Reason, ...]
    analyzers: tuple[AnalyzerRef, ...]
    markers: tuple[str, ...] = field(default=())
    """Things noticed on the way that are not categories, e.g. `text/invisible-characters`."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form; the API, the CLI and storage all use this one."""
        return {
            "flagged": self.flagged,
            "action": self.action.value,
            "categories": dict(self.categories),
            "severity": dict(self.severity),
            "unsupported": list(self.unsupported),
            "evidence": [
                {"category": e.category, "analyzer": e.analyzer, **dataclasses.asdict(e.evidence)}
                for e in self.evidence
            ],
            "languages": [
                {"code": lang.code, "script": lang.script, "confidence": lang.confidence}
                for lang in self.languages
            ],
            "policy": {
                "name": self.policy.name,
                "version": self.policy.version,
                "digest": self.policy.digest,
            },
            "clause": self.clause,
            "reasons": [
                {
                    "clause": r.clause,
                    "category": r.category,
                    "score": r.score,
                    "threshold": r.threshold,
                    "action": r.action.value,
                }
                for r in self.reasons
            ],
            "analyzers": [{"name": a.name, "version": a.version} for a in self.analyzers],
            "markers": list(self.markers),
        }
