"""The verdict as the API returns it; mirrors `Verdict.to_dict()`."""

from __future__ import annotations

from pydantic import BaseModel, Field


class EvidencePublic(BaseModel):
    kind: str = Field(description="text_span, lexicon_hit, image_box, time_range or hash_match")
    category: str
    analyzer: str
    part: int
    start: int | None = Field(None, description="Code-point offset into the original text.")
    end: int | None = None
    term: str | None = None
    lexicon: str | None = None
    language: str | None = None
    x: int | None = None
    y: int | None = None
    width: int | None = None
    height: int | None = None
    label: str | None = None
    frame_ms: int | None = None
    start_ms: int | None = None
    end_ms: int | None = None
    algorithm: str | None = None
    bank: str | None = None
    entry: str | None = None
    distance: int | None = None


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
