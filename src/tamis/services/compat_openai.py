"""A tamis verdict in the shape of OpenAI's moderation result.

OpenAI's clients parse every category as a required boolean and float, so tamis cannot answer
`null` for what it does not score. An OpenAI category's score is the highest of the tamis
categories mapped to it (`taxonomy.Category.openai`); where none of them was scored it is 0.0
with `category_applied_input_types` empty (the score applies to no input) and the category is
listed in the `tamis.unsupported` extension; where only some were, it is listed in
`tamis.partial`. A category's boolean, like `flagged`, follows the tenant's policy: it is true
when a policy rule acted on one of its tamis categories, never from a fixed cut-off.
"""

from __future__ import annotations

from typing import Any

from tamis.core import taxonomy
from tamis.core.verdict import Verdict

__all__ = ["CATEGORIES", "SOURCES", "result"]

CATEGORIES: tuple[str, ...] = (
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
)

SOURCES: dict[str, tuple[str, ...]] = {
    name: tuple(c.name for c in taxonomy.CATEGORIES if name in c.openai) for name in CATEGORIES
}
"""The tamis categories that count towards each OpenAI category."""


def result(verdict: Verdict) -> dict[str, Any]:
    acted = {reason.category for reason in verdict.reasons}
    flags: dict[str, bool] = {}
    scores: dict[str, float] = {}
    applied: dict[str, list[str]] = {}
    unsupported: list[str] = []
    partial: list[str] = []
    for name in CATEGORIES:
        sources = SOURCES[name]
        known = [s for s in (verdict.categories.get(c) for c in sources) if s is not None]
        scores[name] = max(known, default=0.0)
        flags[name] = any(c in acted for c in sources)
        applied[name] = ["text"] if known else []
        if not known:
            unsupported.append(name)
        elif len(known) < len(sources):
            partial.append(name)
    return {
        "flagged": verdict.flagged,
        "categories": flags,
        "category_scores": scores,
        "category_applied_input_types": applied,
        "tamis": {
            "action": verdict.action.value,
            "clause": verdict.clause,
            "policy_version": verdict.policy.version,
            "unsupported": unsupported,
            "partial": partial,
        },
    }
