"""Decisions: one code path for every way an item or account gets restricted or restored.

Whoever decides — the policy on a verdict, the report threshold, a moderator, an appeal — the
decision goes through `record()`: it supersedes the one in force, keeps strikes in step,
writes the statement of reasons and the author's notice (in the author's locale, never
guessed from the text), settles the reports it answers, and announces all of it by webhook,
in the one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tamis.core import notices, taxonomy
from tamis.core.decisions import (
    AccountAction,
    Automation,
    Ground,
    Source,
    Statement,
    Visibility,
    visibility_of,
)
from tamis.core.policy import Policy, Rule
from tamis.core.verdict import Verdict
from tamis.errors import InvalidInput, NotFound
from tamis.ids import new_id, utcnow
from tamis.services import examples, webhooks
from tamis.store.interfaces import DecisionRecord, ItemRecord, Transaction

POLICY = "tamis:policy"
REPORTS = "tamis:reports"
REDRESS = (
    "You may appeal this decision through the platform's internal complaint system, use a "
    "certified out-of-court dispute settlement body, or go to court."
)


def is_automated(actor: str) -> bool:
    """tamis's own automated actors are named `tamis:...`; people never are."""
    return actor.startswith("tamis:")


def check_moderator(moderator_id: str) -> str:
    moderator_id = moderator_id.strip()
    if not moderator_id:
        raise InvalidInput("moderator_id names the person taking the decision")
    if is_automated(moderator_id):
        raise InvalidInput(
            f"{moderator_id!r} is an automated actor; a human decision needs a moderator's id"
        )
    return moderator_id


def restrictive(visibility: str, account: str | None) -> bool:
    return visibility != Visibility.NONE.value or account is not None


@dataclass(frozen=True, slots=True)
class Grounds:
    ground: Ground
    legal_ground: str | None
    clause: str | None
    terms_url: str | None
    explanation: str


def grounds(
    policy: Policy,
    *,
    clause: str | None,
    legal_ground: str | None = None,
    explanation: str | None = None,
) -> Grounds:
    """The ground a decision relies on: a clause of the policy, or a legal ground stated."""
    if clause is not None:
        rule = policy.rule(clause)
        if rule is None:
            known = ", ".join(r.clause for r in policy.rules)
            raise InvalidInput(f"no clause {clause!r} in the policy; choose from {known}")
        return _from_rule(policy, rule, explanation)
    if legal_ground:
        return Grounds(Ground.ILLEGAL, legal_ground, None, None, explanation or legal_ground)
    raise InvalidInput("a decision relies on a policy clause or a legal ground: give one")


def _from_rule(policy: Policy, rule: Rule, explanation: str | None) -> Grounds:
    return Grounds(
        ground=Ground(rule.ground),
        legal_ground=rule.legal_ground,
        clause=rule.clause,
        terms_url=policy.terms_url(rule.clause),
        explanation=explanation or rule.explanation,
    )


def rule_for(policy: Policy, category: str) -> Rule | None:
    return next((r for r in policy.rules if category in r.categories), None)


def record(
    tx: Transaction,
    policy: Policy,
    *,
    tenant_id: str,
    item: ItemRecord | None,
    author_id: str | None,
    statement: Statement,
    decided_by: str,
    appeal_id: str | None = None,
) -> DecisionRecord:
    """Store a decision with its statement and notice, supersede the one in force, announce."""
    now = utcnow()
    previous = tx.decisions.current(tenant_id=tenant_id, item_id=item.id) if item else None
    if previous is not None:
        tx.decisions.set_state(tenant_id=tenant_id, decision_id=previous.id, state="superseded")
        tx.strikes.lift(tenant_id=tenant_id, decision_id=previous.id)
    decision_id = new_id("dec")
    rule = policy.rule(statement.clause) if statement.clause else None
    notice = notices.render(
        statement,
        locale=item.author_locale if item else None,
        item_ref=item.external_id if item else (author_id or ""),
        decided_at=now,
        appeal_until=now + timedelta(days=policy.document.appeals.window_days),
        terms_title=rule.title if rule else None,
    )
    decision = DecisionRecord(
        id=decision_id,
        tenant_id=tenant_id,
        item_id=item.id if item else None,
        author_id=author_id,
        visibility=statement.visibility.value,
        account=statement.account.value if statement.account else None,
        decided_by=decided_by,
        automated=statement.automated_decision.value,
        source=statement.source.value,
        statement=statement.to_dict(),
        notice=notice.to_dict(),
        state="in_force",
        supersedes=previous.id if previous else None,
        appeal_id=appeal_id,
        created_at=now,
    )
    tx.decisions.add(record=decision)
    if author_id and restrictive(decision.visibility, decision.account):
        tx.strikes.add(
            tenant_id=tenant_id,
            author_id=author_id,
            decision_id=decision_id,
            expires_at=now + timedelta(days=policy.document.strikes.expire_days),
        )
    tx.events.append(
        tenant_id=tenant_id,
        type="decision.made",
        subject=decision_id,
        digest=item.content_digest if item else None,
        data={
            "item": item.id if item else None,
            "visibility": decision.visibility,
            "account": decision.account,
            "decided_by": "automated" if is_automated(decided_by) else "moderator",
            "automated": decision.automated,
            "source": decision.source,
            "supersedes": decision.supersedes,
            "appeal": appeal_id,
        },
    )
    announce(tx, tenant_id=tenant_id, event_type="decision.made", payload=public(decision, item))
    if item is not None and not is_automated(decided_by):
        _settle_reports(tx, tenant_id=tenant_id, item=item, decision=decision)
        violating = restrictive(decision.visibility, None)
        examples.learn_from(tx, item=item, decision=decision, violating=violating)
    return decision


def _settle_reports(
    tx: Transaction, *, tenant_id: str, item: ItemRecord, decision: DecisionRecord
) -> None:
    """Tell each reporter what became of their report, once a person has decided."""
    pending = tx.reports.unsettled(tenant_id=tenant_id, item_id=item.id)
    tx.reports.settle(
        tenant_id=tenant_id, report_ids=[r.id for r in pending], decision_id=decision.id
    )
    for report in pending:
        announce(
            tx,
            tenant_id=tenant_id,
            event_type="report.outcome",
            payload={
                "report_id": report.id,
                "reporter_id": report.reporter_id,
                "item_id": item.id,
                "external_id": item.external_id,
                "decision_id": decision.id,
                "outcome": decision.visibility,
            },
        )


def announce(tx: Transaction, *, tenant_id: str, event_type: str, payload: dict[str, Any]) -> None:
    if event_type not in webhooks.EVENTS:
        raise ValueError(f"{event_type!r} is not a webhook event")  # a hook could not hear it
    for hook in tx.webhooks.subscribed(tenant_id=tenant_id, event_type=event_type):
        tx.outbox.add(
            tenant_id=tenant_id, webhook_id=hook.id, event_type=event_type, payload=payload
        )


def public(decision: DecisionRecord, item: ItemRecord | None) -> dict[str, Any]:
    return {
        "id": decision.id,
        "item_id": decision.item_id,
        "external_id": item.external_id if item else None,
        "author_id": decision.author_id,
        "visibility": decision.visibility,
        "account": decision.account,
        "decided_by": decision.decided_by,
        "automated": decision.automated,
        "source": decision.source,
        "state": decision.state,
        "supersedes": decision.supersedes,
        "appeal_id": decision.appeal_id,
        "statement": decision.statement,
        "notice": decision.notice,
        "created_at": decision.created_at.isoformat(),
    }


def from_verdict(
    tx: Transaction, policy: Policy, *, item: ItemRecord, verdict: Verdict
) -> DecisionRecord | None:
    """The automated decision a restrictive verdict amounts to (none for allow or review)."""
    visibility = visibility_of(verdict.action)
    if visibility is Visibility.NONE or verdict.clause is None:
        return None
    rule = policy.rule(verdict.clause)
    decisive = next(r for r in verdict.reasons if r.clause == verdict.clause)
    if rule is None:
        return None
    facts = (
        f"Automated analysis scored the content {decisive.score:.2f} for "
        f"{decisive.category} (threshold {decisive.threshold:.2f} for {decisive.action.value} "
        f"under clause {rule.clause}, policy {verdict.policy.name} v{verdict.policy.version}); "
        f"analyzers: {', '.join(f'{a.name} {a.version}' for a in verdict.analyzers)}."
    )
    g = _from_rule(policy, rule, None)
    statement = Statement(
        visibility=visibility,
        account=None,
        territorial_scope=("worldwide",),
        visibility_end=None,
        account_end=None,
        facts=facts,
        ground=g.ground,
        legal_ground=g.legal_ground,
        clause=g.clause,
        terms_url=g.terms_url,
        explanation=g.explanation,
        also_illegal=False,
        category=decisive.category,
        source=Source.OWN_INITIATIVE,
        automated_detection=True,
        automated_decision=Automation.FULLY,
        redress=REDRESS,
    )
    return record(
        tx,
        policy,
        tenant_id=item.tenant_id,
        item=item,
        author_id=item.author_id,
        statement=statement,
        decided_by=POLICY,
    )


@dataclass(frozen=True, slots=True)
class HumanDecision:
    """What a moderator states when deciding on an item or an account."""

    moderator_id: str
    visibility: Visibility
    category: str
    facts: str
    clause: str | None = None
    legal_ground: str | None = None
    explanation: str | None = None
    also_illegal: bool = False
    account: AccountAction | None = None
    territorial_scope: tuple[str, ...] = ("worldwide",)
    visibility_end: datetime | None = None
    account_end: datetime | None = None
    source: Source | None = None
    automated_detection: bool | None = None


def statement_of(
    policy: Policy,
    decision: HumanDecision,
    *,
    default_source: Source,
    default_detection: bool,
) -> Statement:
    if not taxonomy.is_category(decision.category):
        raise InvalidInput(f"unknown category {decision.category!r}")
    if not decision.facts.strip():
        raise InvalidInput("state the facts and circumstances the decision relies on")
    g = grounds(
        policy,
        clause=decision.clause,
        legal_ground=decision.legal_ground,
        explanation=decision.explanation,
    )
    return Statement(
        visibility=decision.visibility,
        account=decision.account,
        territorial_scope=decision.territorial_scope,
        visibility_end=decision.visibility_end,
        account_end=decision.account_end,
        facts=decision.facts.strip(),
        ground=g.ground,
        legal_ground=g.legal_ground,
        clause=g.clause,
        terms_url=g.terms_url,
        explanation=g.explanation,
        also_illegal=decision.also_illegal,
        category=decision.category,
        source=decision.source or default_source,
        automated_detection=(
            default_detection
            if decision.automated_detection is None
            else decision.automated_detection
        ),
        automated_decision=Automation.NOT,
        redress=REDRESS,
    )


def on_item(
    tx: Transaction, policy: Policy, *, tenant_id: str, item_id: str, decision: HumanDecision
) -> DecisionRecord:
    """A moderator's decision on an item; it supersedes whatever was in force."""
    moderator = check_moderator(decision.moderator_id)
    tx.items.lock(tenant_id=tenant_id, item_ids=[item_id])
    item = tx.items.get(tenant_id=tenant_id, item_id=item_id)
    if item is None:
        raise NotFound(f"no item {item_id!r} in this tenant")
    reports = tx.reports.unsettled(tenant_id=tenant_id, item_id=item_id)
    previous = tx.decisions.current(tenant_id=tenant_id, item_id=item_id)
    source = (
        Source.TRUSTED_FLAGGER
        if any(r.reporter_kind == "trusted_flagger" for r in reports)
        else Source.NOTICE
        if reports
        else Source(previous.source)
        if previous
        else Source.OWN_INITIATIVE
    )
    detection = bool(previous and previous.statement.get("automated_detection"))
    statement = statement_of(policy, decision, default_source=source, default_detection=detection)
    return record(
        tx,
        policy,
        tenant_id=tenant_id,
        item=item,
        author_id=item.author_id,
        statement=statement,
        decided_by=moderator,
    )


def on_account(
    tx: Transaction, policy: Policy, *, tenant_id: str, author_id: str, decision: HumanDecision
) -> DecisionRecord:
    """Suspension or termination of an author's account, with its own statement of reasons."""
    moderator = check_moderator(decision.moderator_id)
    if decision.account is None:
        raise InvalidInput("an account decision says 'suspended' or 'terminated'")
    statement = statement_of(
        policy, decision, default_source=Source.OWN_INITIATIVE, default_detection=False
    )
    return record(
        tx,
        policy,
        tenant_id=tenant_id,
        item=None,
        author_id=author_id,
        statement=statement,
        decided_by=moderator,
    )
