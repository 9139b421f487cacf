"""The verdict as the API returns it; mirrors `Verdict.to_dict()`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field


class _Evidence(BaseModel):
    category: str
    analyzer: str
    part: int = Field(description="Index of the part the evidence points into.")


class TextSpanPublic(_Evidence):
    kind: Literal["text_span"]
    start: int = Field(description="Code-point offset into the original text.")
    end: int


class LexiconHitPublic(_Evidence):
    kind: Literal["lexicon_hit"]
    start: int = Field(description="Code-point offset into the original text.")
    end: int
    term: str = Field(description="The lexicon's id of the term (not the matched text).")
    lexicon: str
    language: str | None


class ImageBoxPublic(_Evidence):
    kind: Literal["image_box"]
    x: int
    y: int
    width: int
    height: int
    label: str
    frame_ms: int | None


class TimeRangePublic(_Evidence):
    kind: Literal["time_range"]
    start_ms: int
    end_ms: int


class HashMatchPublic(_Evidence):
    kind: Literal["hash_match"]
    algorithm: str
    bank: str
    entry: str
    distance: int


class LinkHitPublic(_Evidence):
    kind: Literal["link_hit"]
    start: int = Field(description="Code-point offset of the link in the original text.")
    end: int
    list: str = Field(description="block (a tenant's rule), shortener, homoglyph, obfuscated")
    rule: str = Field(description="What matched: the rule, the shortener, the mixed scripts.")


class NearDuplicatesPublic(_Evidence):
    kind: Literal["near_duplicates"]
    items: int = Field(description="Near-copies in the window, this item included.")
    authors: int = Field(description="Distinct authors among them (never who they are).")
    since: str = Field(description="When the earliest near-copy was posted (UTC).")
    window_seconds: int


EvidencePublic = Annotated[
    TextSpanPublic
    | LexiconHitPublic
    | ImageBoxPublic
    | TimeRangePublic
    | HashMatchPublic
    | LinkHitPublic
    | NearDuplicatesPublic,
    Field(discriminator="kind"),
]


class LanguagePublic(BaseModel):
    code: str
    script: str
    confidence: float


class PolicyRefPublic(BaseModel):
    name: str
    version: int
    digest: str


class ReasonPublic(BaseModel):
    clause: str
    category: str
    score: float
    threshold: float
    action: str


class AnalyzerPublic(BaseModel):
    name: str
    version: str


class VerdictPublic(BaseModel):
    flagged: bool
    action: str = Field(description="allow, review, restrict, hide or remove")
    categories: dict[str, float | None] = Field(
        description="Score per category; null where no analyzer covers it (see unsupported)."
    )
    severity: dict[str, int]
    unsupported: list[str]
    evidence: list[EvidencePublic]
    languages: list[LanguagePublic]
    policy: PolicyRefPublic
    clause: str | None = Field(description="The policy clause that decided the action.")
    reasons: list[ReasonPublic]
    analyzers: list[AnalyzerPublic]
    markers: list[str]
