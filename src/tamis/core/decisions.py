"""Decisions and their statements of reasons (DSA Article 17), as plain data.

A decision restricts (or declines to restrict) an item or an account. Whoever takes it — the
policy automatically, a report threshold, a moderator — it carries the same statement of
reasons: the restriction and its scope and end, the facts relied on, the ground (a legal
ground or a clause of the terms), where the case came from, how far automation was involved,
and how to seek redress. The shape maps one to one onto the EU Transparency Database's
statement fields (`dsa_statement`), so an export is a rendering, not a reinterpretation.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tamis.core import taxonomy
from tamis.core.verdict import Action


class Visibility(enum.StrEnum):
    """What happened to the content's visibility."""

    REMOVED = "removed"
    DISABLED = "disabled"
    DEMOTED = "demoted"
    AGE_RESTRICTED = "age_restricted"
    INTERACTION_RESTRICTED = "interaction_restricted"
    LABELLED = "labelled"
    NONE = "none"
    """No restriction: a decision not to act, or a reversal that restores the content."""


class AccountAction(enum.StrEnum):
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


class Source(enum.StrEnum):
    NOTICE = "notice"
    TRUSTED_FLAGGER = "trusted_flagger"
    OWN_INITIATIVE = "own_initiative"


class Automation(enum.StrEnum):
    FULLY = "fully"
    PARTIALLY = "partially"
    NOT = "not"


class Ground(enum.StrEnum):
    TERMS = "terms"
    ILLEGAL = "illegal"


RESTRICTIVE = frozenset(v for v in Visibility if v is not Visibility.NONE)


def visibility_of(action: Action, restriction: Visibility | None = None) -> Visibility:
    """The visibility restriction an action amounts to (`restrict` says which kind)."""
    if action is Action.REMOVE:
        return Visibility.REMOVED
    if action is Action.HIDE:
        return Visibility.DISABLED
    if action is Action.RESTRICT:
        return restriction if restriction in RESTRICTIVE else Visibility.LABELLED
    return Visibility.NONE


def action_of(visibility: Visibility) -> Action:
    if visibility is Visibility.REMOVED:
        return Action.REMOVE
    if visibility is Visibility.DISABLED:
        return Action.HIDE
    if visibility is Visibility.NONE:
        return Action.ALLOW
    return Action.RESTRICT


@dataclass(frozen=True, slots=True)
class Statement:
    """A statement of reasons: everything Article 17 asks a decision to tell its author."""

    visibility: Visibility
    account: AccountAction | None
    territorial_scope: tuple[str, ...]
    """ISO country codes, or ("worldwide",)."""
    visibility_end: datetime | None
    account_end: datetime | None
    facts: str
    ground: Ground
    legal_ground: str | None
    clause: str | None
    terms_url: str | None
    explanation: str
    also_illegal: bool
    category: str
    source: Source
    automated_detection: bool
    automated_decision: Automation
    redress: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "visibility": self.visibility.value,
            "account": self.account.value if self.account else None,
            "territorial_scope": list(self.territorial_scope),
            "visibility_end": self.visibility_end.isoformat() if self.visibility_end else None,
            "account_end": self.account_end.isoformat() if self.account_end else None,
            "facts": self.facts,
            "ground": self.ground.value,
            "legal_ground": self.legal_ground,
            "clause": self.clause,
            "terms_url": self.terms_url,
            "explanation": self.explanation,
            "also_illegal": self.also_illegal,
            "category": self.category,
            "source": self.source.value,
            "automated_detection": self.automated_detection,
            "automated_decision": self.automated_decision.value,
            "redress": self.redress,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Statement:
        return cls(
            visibility=Visibility(data["visibility"]),
            account=AccountAction(data["account"]) if data.get("account") else None,
            territorial_scope=tuple(data["territorial_scope"]),
            visibility_end=_dt(data.get("visibility_end")),
            account_end=_dt(data.get("account_end")),
            facts=data["facts"],
            ground=Ground(data["ground"]),
            legal_ground=data.get("legal_ground"),
            clause=data.get("clause"),
            terms_url=data.get("terms_url"),
            explanation=data["explanation"],
            also_illegal=bool(data.get("also_illegal")),
            category=data["category"],
            source=Source(data["source"]),
            automated_detection=bool(data["automated_detection"]),
            automated_decision=Automation(data["automated_decision"]),
            redress=data["redress"],
        )


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


EU_COUNTRIES = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip
"""The EEA countries the Transparency Database accepts in a territorial scope."""

_VISIBILITY_DSA = {
    Visibility.REMOVED: "DECISION_VISIBILITY_CONTENT_REMOVED",
    Visibility.DISABLED: "DECISION_VISIBILITY_CONTENT_DISABLED",
    Visibility.DEMOTED: "DECISION_VISIBILITY_CONTENT_DEMOTED",
    Visibility.AGE_RESTRICTED: "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    Visibility.INTERACTION_RESTRICTED: "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    Visibility.LABELLED: "DECISION_VISIBILITY_CONTENT_LABELLED",
}
_SOURCE_DSA = {
    Source.NOTICE: "SOURCE_ARTICLE_16",
    Source.TRUSTED_FLAGGER: "SOURCE_TRUSTED_FLAGGER",
    Source.OWN_INITIATIVE: "SOURCE_VOLUNTARY",
}
_AUTOMATION_DSA = {
    Automation.FULLY: "AUTOMATED_DECISION_FULLY",
    Automation.PARTIALLY: "AUTOMATED_DECISION_PARTIALLY",
    Automation.NOT: "AUTOMATED_DECISION_NOT_AUTOMATED",
}
_CONTENT_TYPE_DSA = {
    "text": "CONTENT_TYPE_TEXT",
    "image": "CONTENT_TYPE_IMAGE",
    "video": "CONTENT_TYPE_VIDEO",
    "link": "CONTENT_TYPE_OTHER",
}


def dsa_statement(
    statement: Statement,
    *,
    puid: str,
    url: str | None,
    content_types: tuple[str, ...],
    content_date: datetime | None,
    application_date: datetime,
    content_language: str | None,
) -> dict[str, Any]:
    """One statement in the shape of the EU Transparency Database API (2024 schema).

    Field names and values follow that database's public API documentation; check them
    against its current version before submitting, as they have changed over time.
    """
    out: dict[str, Any] = {
        "puid": puid,
        "content_type": sorted(
            {_CONTENT_TYPE_DSA.get(t, "CONTENT_TYPE_OTHER") for t in content_types}
        )
        or ["CONTENT_TYPE_OTHER"],
        "category": taxonomy.BY_NAME[statement.category].dsa
        if statement.category in taxonomy.BY_NAME
        else "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        "decision_facts": statement.facts[:5000],
        "source_type": _SOURCE_DSA[statement.source],
        "automated_detection": "Yes" if statement.automated_detection else "No",
        "automated_decision": _AUTOMATION_DSA[statement.automated_decision],
        "application_date": application_date.strftime("%Y-%m-%d"),
        "territorial_scope": list(EU_COUNTRIES)
        if "worldwide" in statement.territorial_scope
        else sorted(c for c in statement.territorial_scope if c in EU_COUNTRIES),
    }
    if statement.visibility in _VISIBILITY_DSA:
        out["decision_visibility"] = [_VISIBILITY_DSA[statement.visibility]]
        if statement.visibility_end:
            out["end_date_visibility_restriction"] = statement.visibility_end.strftime("%Y-%m-%d")
    if statement.account is not None:
        out["decision_account"] = (
            "DECISION_ACCOUNT_SUSPENDED"
            if statement.account is AccountAction.SUSPENDED
            else "DECISION_ACCOUNT_TERMINATED"
        )
        if statement.account_end:
            out["end_date_account_restriction"] = statement.account_end.strftime("%Y-%m-%d")
    if statement.ground is Ground.ILLEGAL:
        out["decision_ground"] = "DECISION_GROUND_ILLEGAL_CONTENT"
        out["illegal_content_legal_ground"] = (statement.legal_ground or "")[:500]
        out["illegal_content_explanation"] = statement.explanation[:2000]
    else:
        out["decision_ground"] = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
        out["incompatible_content_ground"] = (statement.clause or "")[:500]
        out["incompatible_content_explanation"] = statement.explanation[:2000]
        out["incompatible_content_illegal"] = "Yes" if statement.also_illegal else "No"
    if url:
        out["url"] = url
    if content_date:
        out["content_date"] = content_date.strftime("%Y-%m-%d")
    if content_language:
        out["content_language"] = content_language.split("-")[0].upper()
    return out
