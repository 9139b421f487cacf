"""Readers' reports (DSA Article 16 notices) and the automatic hide they can trigger.

The promise a news site makes under each photo — "this image will be blocked automatically
once several people have reported it" — is kept here: once the policy's number of distinct,
identified reporters is reached for a category, the item is hidden by an automated decision
that a moderator then confirms or reverses. Anonymous reports are recorded and answered but
never count towards the threshold (nothing tells two of them apart), and once a moderator
has decided, further reports wait for a person instead of hiding the item again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tamis.core import taxonomy
from tamis.core.decisions import Automation, Ground, Source, Statement, Visibility
from tamis.core.policy import Policy
from tamis.errors import InvalidInput, NotFound
from tamis.services import decisions
from tamis.store.interfaces import ReportRecord, Transaction

KINDS = ("user", "anonymous", "trusted_flagger")


@dataclass(frozen=True, slots=True)
class NewReport:
    reporter_id: str | None
    reporter_kind: str
    category: str
    other_reason: str | None = None
    explanation: str | None = None
    illegal: bool = False
    law: str | None = None
    good_faith: bool = True

    def check(self) -> NewReport:
        if self.reporter_kind not in KINDS:
            raise InvalidInput(f"reporter_kind is one of {', '.join(KINDS)}")
        if (self.reporter_kind == "anonymous") != (self.reporter_id is None):
            raise InvalidInput("give a reporter_id unless the reporter is anonymous")
        if self.category != "other" and not taxonomy.is_category(self.category):
            raise InvalidInput(
                f"category is one of {', '.join(taxonomy.NAMES)}, custom/<name> or other"
            )
        if self.category == "other" and not (self.other_reason or "").strip():
            raise InvalidInput("with category 'other', say what is wrong in other_reason")
        if self.illegal and not (self.law or "").strip():
            raise InvalidInput("a report of illegal content names the law it breaks ('law')")
        if not self.good_faith:
            raise InvalidInput(
                "a notice needs the reporter's confirmation that it is made in good faith"
            )
        return self


@dataclass(frozen=True, slots=True)
class Receipt:
    report: ReportRecord
    hidden: bool
    """True when this report was the one that hid the item."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "report_id": self.report.id,
            "item_id": self.report.item_id,
            "category": self.report.category,
            "received_at": self.report.created_at.isoformat(),
            "hidden": self.hidden,
        }


def submit(
    tx: Transaction, policy: Policy, *, tenant_id: str, item_id: str, report: NewReport
) -> Receipt:
    item = tx.items.get(tenant_id=tenant_id, item_id=item_id)
    if item is None:
        raise NotFound(f"no item {item_id!r} in this tenant")
    record = tx.reports.add(tenant_id=tenant_id, item_id=item_id, report=report.check())
    tx.events.append(
        tenant_id=tenant_id,
        type="report.received",
        subject=record.id,
        data={"item": item_id, "category": record.category, "kind": record.reporter_kind},
    )
    receipt = Receipt(
        record,
        hidden=_maybe_hide(tx, policy, tenant_id=tenant_id, item=item, category=record.category),
    )
    decisions.announce(
        tx,
        tenant_id=tenant_id,
        event_type="report.received",
        payload={
            **receipt.to_dict(),
            "reporter_id": record.reporter_id,
            "external_id": item.external_id,
        },
    )
    return receipt


def _maybe_hide(
    tx: Transaction, policy: Policy, *, tenant_id: str, item: Any, category: str
) -> bool:
    threshold = policy.document.notices.threshold(category)
    if threshold is None:
        return False
    reporters = tx.reports.distinct_reporters(
        tenant_id=tenant_id, item_id=item.id, category=category
    )
    if reporters < threshold:  # the common case, settled by one query
        return False
    current = tx.decisions.current(tenant_id=tenant_id, item_id=item.id)
    if current is not None and (
        current.visibility != Visibility.NONE.value
        or not decisions.is_automated(current.decided_by)
    ):
        return False  # already restricted, or a person has decided: reports now wait for one
    rule = decisions.rule_for(policy, category)
    pending = tx.reports.unsettled(tenant_id=tenant_id, item_id=item.id)
    statement = Statement(
        visibility=Visibility.DISABLED,
        account=None,
        territorial_scope=("worldwide",),
        visibility_end=None,
        account_end=None,
        facts=(
            f"{reporters} distinct readers reported this item for {category}; by the "
            f"platform's rule it is hidden once {threshold} have, until a moderator reviews it."
        ),
        ground=Ground(rule.ground) if rule else Ground.TERMS,
        legal_ground=rule.legal_ground if rule else None,
        clause=rule.clause if rule else None,
        terms_url=policy.terms_url(rule.clause) if rule else policy.document.terms_url,
        explanation=rule.explanation if rule else "Reported by several readers; under review.",
        also_illegal=False,
        category=category if taxonomy.is_category(category) else "custom/other",
        source=(
            Source.TRUSTED_FLAGGER
            if any(r.reporter_kind == "trusted_flagger" for r in pending)
            else Source.NOTICE
        ),
        automated_detection=False,
        automated_decision=Automation.FULLY,
        redress=decisions.REDRESS,
    )
    decision = decisions.record(
        tx,
        policy,
        tenant_id=tenant_id,
        item=item,
        author_id=item.author_id,
        statement=statement,
        decided_by=decisions.REPORTS,
    )
    decisions.announce(
        tx,
        tenant_id=tenant_id,
        event_type="item.hidden",
        payload={
            "item_id": item.id,
            "external_id": item.external_id,
            "decision_id": decision.id,
            "reporters": reporters,
            "category": category,
        },
    )
    return True
