"""Perspective's `AnalyzeCommentRequest` and response, in its own camelCase field names."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from tamis.api.schemas import StrictIn


class Comment(StrictIn):
    text: str
    type: Literal["PLAIN_TEXT"] = "PLAIN_TEXT"


class RequestedAttribute(StrictIn):
    scoreType: Literal["PROBABILITY"] | None = None
    scoreThreshold: float | None = Field(default=None, ge=0.0, le=1.0, strict=True)


class AnalyzeCommentRequest(StrictIn):
    comment: Comment
    requestedAttributes: dict[str, RequestedAttribute] = Field(default_factory=dict, max_length=20)
    languages: list[str] | None = Field(
        default=None,
        max_length=10,
        description="ISO 639 codes; tamis serves en, fr, es, ar and ary (Darija). Detected "
        "when left out.",
    )
    spanAnnotations: bool = False
    doNotStore: bool = Field(default=False, description="Accepted: tamis stores nothing here.")
    clientToken: str | None = Field(default=None, max_length=1000)
    sessionId: str | None = Field(default=None, max_length=1000)
    communityId: str | None = Field(default=None, max_length=1000)
    context: dict[str, Any] | None = Field(default=None, description="Accepted and ignored.")


class Score(BaseModel):
    value: float
    type: Literal["PROBABILITY"]


class SpanScore(BaseModel):
    begin: int = Field(description="UTF-16 code-unit offset, as Perspective's.")
    end: int
    score: Score


class AttributeScore(BaseModel):
    summaryScore: Score
    spanScores: list[SpanScore] | None = None


class AnalyzeCommentResponse(BaseModel):
    attributeScores: dict[str, AttributeScore]
    languages: list[str]
    detectedLanguages: list[str]
    clientToken: str | None = None


class ErrorDetail(BaseModel):
    errorType: str = Field(description="`LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE`, `COMMENT_EMPTY`…")


class ErrorBody(BaseModel):
    code: Literal[400]
    message: str
    status: Literal["INVALID_ARGUMENT"]
    details: list[ErrorDetail]


class AnalyzeCommentError(BaseModel):
    """A refused comment or attribute, or a malformed body, in Perspective's error shape."""

    error: ErrorBody
