"""Readers' reports (DSA Article 16 notices) and the automatic hide they can trigger.

The promise a news site makes under each photo — "this image will be blocked automatically
once several people have reported it" — is kept here: once the policy's number of distinct,
identified reporters is reached for a category, the item is hidden by an automated decision
that a moderator then confirms or reverses. Anonymous reports are recorded and answered but
never count towards the threshold (nothing tells two of them apart), and once a moderator
has decided, further reports wait for a person instead of hiding the item again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tamis.core import taxonomy
from tamis.core.decisions import Automation, Ground, Source, Statement, Visibility
from tamis.core.policy import Policy
from tamis.errors import Conflict, InvalidInput, NotFound
from tamis.services import decisions
from tamis.store.interfaces import ItemRecord, ReportRecord, Transaction

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


@dataclass(frozen=True, slots=True)
class Submission:
    """A report as it reaches the intake: the item named by tamis's id or the platform's."""

    tenant_id: str
    policy: Policy
    report: NewReport
    item_id: str | None = None
    external_id: str | None = None


def submit_many(tx: Transaction, submissions: Sequence[Submission]) -> list[Receipt | Exception]:
    """File reports together, in order; each outcome is a receipt or the error for that one.

    The result is what filing them one by one would give, in a handful of statements per
    tenant rather than several per report: items are looked up, repeat reporters found and
    reports inserted all at once, and the distinct reporters of each (item, category) are
    counted once, then followed report by report to find the one that crosses the threshold.
    """
    outcomes: list[Receipt | Exception | None] = [None] * len(submissions)
    tenants: dict[str, list[int]] = {}
    for index, submission in enumerate(submissions):
        tenants.setdefault(submission.tenant_id, []).append(index)
    for tenant_id, indexes in tenants.items():
        for index, outcome in zip(
            indexes, _tenant_batch(tx, tenant_id, [submissions[i] for i in indexes]), strict=True
        ):
            outcomes[index] = outcome
    return [outcome for outcome in outcomes if outcome is not None]


def _tenant_batch(
    tx: Transaction, tenant_id: str, submissions: Sequence[Submission]
) -> list[Receipt | Exception]:
    items = tx.items.many(
        tenant_id=tenant_id,
        ids=[s.item_id for s in submissions if s.item_id],
        external_ids=[s.external_id for s in submissions if s.external_id and not s.item_id],
    )
    by_id = {item.id: item for item in items}
    by_external_id = {item.external_id: item for item in items}
    outcomes: list[Receipt | Exception | None] = [None] * len(submissions)
    accepted: list[tuple[int, ItemRecord, NewReport]] = []
    for index, s in enumerate(submissions):
        try:
            item = _item(s, by_id, by_external_id)
            accepted.append((index, item, s.report.check()))
        except (InvalidInput, NotFound) as error:
            outcomes[index] = error
    # Held, so that readers counted in another process's batch are counted here too.
    tx.items.lock(tenant_id=tenant_id, item_ids=[item.id for _, item, _ in accepted])
    taken = tx.reports.reported(
        tenant_id=tenant_id,
        pairs=[(item.id, r.reporter_id) for _, item, r in accepted if r.reporter_id is not None],
    )
    fresh = []
    for index, item, report in accepted:
        if report.reporter_id is not None:
            if (item.id, report.reporter_id) in taken:
                outcomes[index] = Conflict("this reporter has already reported this item")
                continue
            taken.add((item.id, report.reporter_id))
        fresh.append((index, item, report))
    records = tx.reports.add_many(
        tenant_id=tenant_id, reports=[(item.id, report) for _, item, report in fresh]
    )
    # Items already restricted, or decided by a person, wait for one: their reports need no count.
    decided = tx.decisions.in_force(tenant_id=tenant_id, item_ids=[r.item_id for r in records])
    settled = {item_id for item_id, (visibility, by) in decided.items() if _settled(visibility, by)}
    counted = [
        (r.item_id, r.category)
        for r in records
        if r.reporter_id is not None and r.item_id not in settled
    ]
    reporters = tx.reports.reporters(tenant_id=tenant_id, keys=counted)
    for key in counted:
        reporters[key] -= 1  # back to the count before this batch; followed report by report
    for (index, item, _), record in zip(fresh, records, strict=True):
        tx.events.append(
            tenant_id=tenant_id,
            type="report.received",
            subject=record.id,
            data={"item": item.id, "category": record.category, "kind": record.reporter_kind},
        )
        hidden = False
        if record.reporter_id is not None and item.id not in settled:
            key = (item.id, record.category)
            reporters[key] += 1
            threshold = submissions[index].policy.document.notices.threshold(record.category)
            if threshold is not None and reporters[key] >= threshold:
                settled.add(item.id)
                hidden = True
                _hide(
                    tx,
                    submissions[index].policy,
                    tenant_id=tenant_id,
                    item=item,
                    category=record.category,
                    reporters=reporters[key],
                    threshold=threshold,
                )
        receipt = Receipt(record, hidden=hidden)
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
        outcomes[index] = receipt
    return [outcome for outcome in outcomes if outcome is not None]


def _item(
    s: Submission, by_id: dict[str, ItemRecord], by_external_id: dict[str, ItemRecord]
) -> ItemRecord:
    if s.item_id:
        if s.item_id not in by_id:
            raise NotFound(f"no item {s.item_id!r} in this tenant")
        item = by_id[s.item_id]
        if s.external_id and s.external_id != item.external_id:
            raise InvalidInput(
                f"item {s.item_id!r} has external_id {item.external_id!r}, not "
                f"{s.external_id!r}; send one of the two"
            )
        return item
    if s.external_id:
        if s.external_id not in by_external_id:
            raise NotFound(f"no item with external_id {s.external_id!r} in this tenant")
        return by_external_id[s.external_id]
    raise InvalidInput("name the item reported: item_id or external_id")


def _settled(visibility: str, decided_by: str) -> bool:
    return visibility != Visibility.NONE.value or not decisions.is_automated(decided_by)


def _hide(
    tx: Transaction,
    policy: Policy,
    *,
    tenant_id: str,
    item: ItemRecord,
    category: str,
    reporters: int,
    threshold: int,
) -> None:
    """Hide the item for its reports (it is neither restricted nor decided by a person)."""
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
