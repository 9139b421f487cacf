"""The one canonical set of categories tamis judges, and how each maps outward.

Every analyzer speaks these names and every policy rule refers to them, so a score means the
same thing whichever model produced it. The outward maps let tamis answer in the shapes other
services use (OpenAI moderation, Perspective) and export EU DSA statements of reasons without
a second vocabulary leaking into the core.

Hate categories describe what a text *says* about a group, never who wrote it or who is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    description: str
    openai: tuple[str, ...] = ()
    """OpenAI moderation categories this one counts towards (their score is the max of these)."""
    perspective: tuple[str, ...] = ()
    """Perspective attributes this one counts towards, the same way."""
    dsa: str = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
    base_severity: int = 1
    """Severity (0-3) of a confident detection; weaker scores step down from it."""


CATEGORIES: tuple[Category, ...] = (
    Category(
        "sexual/explicit",
        "Explicit sexual content.",
        openai=("sexual",),
        perspective=("SEXUALLY_EXPLICIT",),
        dsa="STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT",
        base_severity=2,
    ),
    Category(
        "sexual/suggestive",
        "Suggestive content short of explicit.",
        openai=("sexual",),
        dsa="STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT",
        base_severity=1,
    ),
    Category(
        "sexual/minors",
        "Sexual content involving minors (hash banks and reports only).",
        openai=("sexual/minors", "sexual"),
        dsa="STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
        base_severity=3,
    ),
    Category(
        "violence",
        "Depiction or glorification of violence.",
        openai=("violence",),
        dsa="STATEMENT_CATEGORY_VIOLENCE",
        base_severity=1,
    ),
    Category(
        "violence/graphic",
        "Gore and graphic injury.",
        openai=("violence/graphic",),
        dsa="STATEMENT_CATEGORY_VIOLENCE",
        base_severity=2,
    ),
    Category(
        "violence/threat",
        "A threat of violence against a person.",
        openai=("violence", "harassment/threatening", "harassment"),
        perspective=("THREAT", "TOXICITY"),
        dsa="STATEMENT_CATEGORY_VIOLENCE",
        base_severity=3,
    ),
    Category(
        "hate",
        "An attack on a group defined by a protected characteristic.",
        openai=("hate",),
        perspective=("IDENTITY_ATTACK", "TOXICITY"),
        dsa="STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        base_severity=2,
    ),
    Category(
        "hate/threat",
        "A threat of violence against a protected group.",
        openai=("hate/threatening", "hate", "violence"),
        perspective=("IDENTITY_ATTACK", "THREAT", "TOXICITY"),
        dsa="STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        base_severity=3,
    ),
    Category(
        "harassment",
        "Targeted abuse of an individual.",
        openai=("harassment",),
        perspective=("TOXICITY",),
        dsa="STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        base_severity=2,
    ),
    Category(
        "toxicity/insult",
        "Insulting, demeaning language.",
        openai=("harassment",),
        perspective=("INSULT", "TOXICITY"),
        dsa="STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        base_severity=1,
    ),
    Category(
        "toxicity/profanity",
        "Swearing and obscenity, not aimed at anyone in particular.",
        perspective=("PROFANITY", "TOXICITY"),
        dsa="STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
        base_severity=0,
    ),
    Category(
        "self_harm",
        "Promotion or instructions of self-harm.",
        openai=("self-harm", "self-harm/instructions"),
        dsa="STATEMENT_CATEGORY_SELF_HARM",
        base_severity=3,
    ),
    Category(
        "extremism",
        "Terrorist or violent extremist content (hash banks and reports).",
        openai=("violence",),
        dsa="STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
        base_severity=3,
    ),
    Category(
        "spam",
        "Unsolicited bulk or repetitive commercial content.",
        perspective=("SPAM",),
        dsa="STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
        base_severity=0,
    ),
    Category(
        "scam",
        "Fraud, phishing and deceptive offers.",
        dsa="STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        base_severity=2,
    ),
)

BY_NAME: dict[str, Category] = {c.name: c for c in CATEGORIES}
NAMES: tuple[str, ...] = tuple(c.name for c in CATEGORIES)

CUSTOM_PREFIX = "custom/"
CUSTOM_PATTERN = r"^custom/[a-z0-9][a-z0-9_\-]{0,62}$"
_CUSTOM = re.compile(CUSTOM_PATTERN)


def is_category(name: str) -> bool:
    """True for a canonical category or a well-formed operator-defined `custom/...` one."""
    return name in BY_NAME or bool(_CUSTOM.match(name))


def severity(name: str, score: float) -> int:
    """Severity 0-3 from the category's kind and the strength of the signal together.

    A confident detection takes the category's base severity; an uncertain one steps down, so a
    borderline threat still outranks a confident bout of swearing.
    """
    base = BY_NAME[name].base_severity if name in BY_NAME else 1
    if score >= 0.85:
        return base
    if score >= 0.5:
        return max(base - 1, 0)
    return 0
