"""DSA transparency: statements of reasons for the Transparency Database, and Article 15 figures.

Online platforms must send every statement of reasons to the EU Transparency Database
(Article 24(5)) and publish periodic reports (Articles 15 and 24) with counts of notices,
actions, complaints, handling times, and indicators of how accurate their automated means
are. Both come from the same stored casework — decisions, reports and appeals — so they are
computed here, once, for the CLI and the API alike. A statement is rendered by
`tamis.core.decisions.dsa_statement` from the statement stored with the decision, never
rebuilt from current state, so that an export says what the author was told at the time.

The accuracy indicator is the reversal rate of automated decisions: automated restrictive
decisions of the period later reversed on appeal, or replaced by a person with a different
outcome, over all automated restrictive decisions of the period. Corrections are looked up
whenever they happened (also after the period), since an error is an error whenever found.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from tamis.core.decisions import (
    RESTRICTIVE,
    AccountAction,
    Automation,
    Ground,
    Source,
    Statement,
    Visibility,
    dsa_statement,
)
from tamis.errors import InvalidInput
from tamis.ids import utcnow
from tamis.store.interfaces import (
    AppealRecord,
    DecisionRecord,
    ItemRecord,
    ReportRecord,
    Transaction,
)

BATCH_SIZE = 100
"""The most statements the Transparency Database API takes in one call."""

AUTOMATED_DECIDERS = frozenset({"tamis:policy", "tamis:reports"})
"""`decided_by` values of decisions taken by tamis itself rather than by a person."""

REPORTER_KINDS = ("user", "anonymous", "trusted_flagger")

_LATER = datetime(9999, 1, 1, tzinfo=UTC)
"""An end for look-ups of what happened after a period (corrections, appeals)."""


# --- periods -------------------------------------------------------------------------------


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of `day`."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def period(start: date, end: date | None = None) -> tuple[datetime, datetime]:
    """[start, end) in UTC from calendar dates; no end means up to now.

    Raises `InvalidInput` when the period is empty or reversed.
    """
    begin = day_start(start)
    finish = day_start(end) if end is not None else utcnow()
    if finish <= begin:
        shown = end.isoformat() if end is not None else "now"
        raise InvalidInput(
            f"the period {start.isoformat()}..{shown} is empty or reversed; "
            "its end (exclusive) must come after its start"
        )
    return begin, finish


def parse_period(text: str) -> tuple[datetime, datetime]:
    """`YYYY-MM-DD..YYYY-MM-DD` (end exclusive) or `YYYY-MM-DD..` (up to now)."""
    first, sep, second = text.partition("..")
    if not sep:
        raise InvalidInput(f"write the period as YYYY-MM-DD..YYYY-MM-DD, not {text!r}")
    try:
        start = date.fromisoformat(first.strip())
        end = date.fromisoformat(second.strip()) if second.strip() else None
    except ValueError:
        raise InvalidInput(
            f"write the period as YYYY-MM-DD..YYYY-MM-DD (ISO dates), not {text!r}"
        ) from None
    return period(start, end)


# --- statements of reasons -----------------------------------------------------------------


def is_restrictive(decision: DecisionRecord) -> bool:
    """Whether a decision restricts content or an account (and so owes a statement)."""
    return decision.visibility != Visibility.NONE.value or decision.account is not None


def _restrictive(
    tx: Transaction, *, tenant_id: str, start: datetime, end: datetime
) -> list[DecisionRecord]:
    found = tx.decisions.between(tenant_id=tenant_id, start=start, end=end)
    return sorted((d for d in found if is_restrictive(d)), key=lambda d: (d.created_at, d.id))


def _language(item: ItemRecord | None) -> str | None:
    languages = (item.verdict or {}).get("languages") if item else None
    if isinstance(languages, list) and languages and isinstance(languages[0], dict):
        code = languages[0].get("code")
        return code if isinstance(code, str) and code else None
    return None


def render(decision: DecisionRecord, item: ItemRecord | None) -> dict[str, Any]:
    """One decision's statement of reasons, in the Transparency Database's shape."""
    return dsa_statement(
        Statement.from_dict(decision.statement),
        puid=item.external_id if item else (decision.author_id or decision.item_id or ""),
        url=item.context_url if item else None,
        content_types=tuple(str(p.get("kind", "other")) for p in item.parts) if item else (),
        content_date=item.content_date if item else None,
        application_date=decision.created_at,
        content_language=_language(item),
    )


def statements(
    tx: Transaction, *, tenant_id: str, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Statements of reasons for every restrictive decision taken in [start, end).

    Decisions since reversed or superseded are included: each was in force, and its
    statement was owed, when it was taken.
    """
    items: dict[str, ItemRecord | None] = {}
    out = []
    for decision in _restrictive(tx, tenant_id=tenant_id, start=start, end=end):
        item = None
        if decision.item_id is not None:
            if decision.item_id not in items:
                items[decision.item_id] = tx.items.get(
                    tenant_id=tenant_id, item_id=decision.item_id
                )
            item = items[decision.item_id]
        out.append(render(decision, item))
    return out


def batches(
    statements: Sequence[dict[str, Any]], size: int = BATCH_SIZE
) -> list[list[dict[str, Any]]]:
    """Statements cut into batches of at most `size`, the most one API call takes."""
    if size < 1:
        raise ValueError("a batch holds at least one statement")
    return [list(statements[i : i + size]) for i in range(0, len(statements), size)]


# --- Article 15 report ---------------------------------------------------------------------


def _hours(first: datetime, then: datetime) -> float:
    return (then - first).total_seconds() / 3600


def _median(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(float(statistics.median(values)), 3) if values else None


def _rate(numerator: int, denominator: int) -> dict[str, Any]:
    return {
        "numerator": numerator,
        "denominator": denominator,
        "rate": numerator / denominator if denominator else None,
    }


def _counts(values: Iterable[str], known: Iterable[str] = ()) -> dict[str, int]:
    """Counts by value, every known value present (with 0), sorted by key."""
    counted = Counter(values)
    return {key: counted.get(key, 0) for key in sorted(set(known) | set(counted))}


def _is_human(decision: DecisionRecord) -> bool:
    return decision.decided_by not in AUTOMATED_DECIDERS


def _notices(
    reports: Sequence[ReportRecord], settled_by: dict[str, DecisionRecord | None]
) -> dict[str, Any]:
    settled = [r for r in reports if r.outcome_at is not None]
    acted_on = [
        r
        for r in settled
        if r.decision_id is not None
        and (d := settled_by.get(r.decision_id)) is not None
        and is_restrictive(d)
    ]
    return {
        "received": len(reports),
        "by_category": _counts(r.category for r in reports),
        "by_reporter_kind": _counts((r.reporter_kind for r in reports), REPORTER_KINDS),
        "illegal_content_claims": sum(1 for r in reports if r.illegal),
        "settled": len(settled),
        "settled_with_restriction": len(acted_on),
        "median_hours_to_outcome": _median(
            _hours(r.created_at, r.outcome_at) for r in settled if r.outcome_at is not None
        ),
    }


def _overturned(
    decision: DecisionRecord,
    *,
    successors: dict[str, list[DecisionRecord]],
    appeals: dict[str, list[AppealRecord]],
) -> bool:
    """Reversed on appeal, or lifted by a person who replaced it.

    A moderator who replaces an automated hide with a removal confirms it (the automation
    erred, if at all, on the lenient side); one who lifts the restriction corrects it.
    """
    if decision.state == "reversed" or any(
        a.status == "reversed" for a in appeals.get(decision.id, [])
    ):
        return True
    return any(
        _is_human(later) and not is_restrictive(later) for later in successors.get(decision.id, [])
    )


def report(tx: Transaction, *, tenant_id: str, start: datetime, end: datetime) -> dict[str, Any]:
    """The Article 15 figures for [start, end): notices, actions, automation, complaints."""
    reports = tx.reports.between(tenant_id=tenant_id, start=start, end=end)
    since = tx.decisions.between(tenant_id=tenant_id, start=start, end=_LATER)
    actions = sorted(
        (d for d in since if d.created_at < end and is_restrictive(d)),
        key=lambda d: (d.created_at, d.id),
    )
    by_id: dict[str, DecisionRecord | None] = {d.id: d for d in since}
    for r in reports:
        if r.decision_id is not None and r.decision_id not in by_id:
            by_id[r.decision_id] = tx.decisions.get(tenant_id=tenant_id, decision_id=r.decision_id)
    successors: dict[str, list[DecisionRecord]] = {}
    for d in since:
        if d.supersedes is not None:
            successors.setdefault(d.supersedes, []).append(d)
    appeals_since = tx.appeals.between(tenant_id=tenant_id, start=start, end=_LATER)
    appeals_on: dict[str, list[AppealRecord]] = {}
    for a in appeals_since:
        appeals_on.setdefault(a.decision_id, []).append(a)
    complaints = [a for a in appeals_since if a.created_at < end]
    decided = [a for a in complaints if a.status != "open" and a.decided_at is not None]

    statements_ = [Statement.from_dict(d.statement) for d in actions]
    automated = [d for d in actions if d.automated != Automation.NOT.value]
    overturned = {
        d.id for d in automated if _overturned(d, successors=successors, appeals=appeals_on)
    }
    appealed = [d for d in automated if any(a.status != "open" for a in appeals_on.get(d.id, []))]
    reversed_on_appeal = [
        d
        for d in actions
        if d.state == "reversed" or any(a.status == "reversed" for a in appeals_on.get(d.id, []))
    ]
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "notices": _notices(reports, by_id),
        "actions": {
            "total": len(actions),
            "by_visibility": _counts(
                (d.visibility for d in actions if d.visibility != Visibility.NONE.value),
                (v.value for v in RESTRICTIVE),
            ),
            "by_account": _counts(
                (d.account for d in actions if d.account is not None),
                (a.value for a in AccountAction),
            ),
            "by_ground": _counts((s.ground.value for s in statements_), (g.value for g in Ground)),
            "by_category": _counts(s.category for s in statements_),
            "by_source": _counts((d.source for d in actions), (s.value for s in Source)),
            "own_initiative": sum(1 for d in actions if d.source == Source.OWN_INITIATIVE.value),
            "reversed_on_appeal": len(reversed_on_appeal),
        },
        "automated_means": {
            "automated_detection": sum(1 for s in statements_ if s.automated_detection),
            "by_automation": _counts((d.automated for d in actions), (a.value for a in Automation)),
            "reversal_rate": _rate(len(overturned), len(automated)),
            "reversal_rate_among_appealed": _rate(
                sum(1 for d in appealed if d.id in overturned), len(appealed)
            ),
        },
        "complaints": {
            "received": len(complaints),
            "decided": len(decided),
            "upheld": sum(1 for a in decided if a.status == "upheld"),
            "reversed": sum(1 for a in decided if a.status == "reversed"),
            "open": sum(1 for a in complaints if a.status == "open"),
            "median_hours_to_decide": _median(
                _hours(a.created_at, a.decided_at) for a in decided if a.decided_at is not None
            ),
        },
    }
