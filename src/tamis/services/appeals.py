"""Appeals (DSA Article 20 internal complaints), always decided by a person.

The author of a restricted item (or account) may appeal the restriction; a reporter may
appeal a decision *not* to act on what they reported. The window is the policy's (at least
six months). The appeal is decided by a moderator who did not take the decision appealed,
never by tamis's automated actors. A reversal is a new decision that undoes the old one
(restoring the content, or restricting it), announced like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tamis.core.decisions import Automation, Source, Statement, Visibility
from tamis.core.policy import Policy
from tamis.errors import Conflict, Forbidden, InvalidInput, NotFound
from tamis.ids import new_id, utcnow
from tamis.services import decisions
from tamis.store.interfaces import AppealRecord, DecisionRecord, Transaction

KINDS = ("author", "reporter")


def submit(
    tx: Transaction,
    policy: Policy,
    *,
    tenant_id: str,
    decision_id: str,
    appellant_kind: str,
    appellant_id: str,
    reason: str,
) -> AppealRecord:
    found = tx.decisions.get(tenant_id=tenant_id, decision_id=decision_id)
    if found is None:
        raise NotFound(f"no decision {decision_id!r} in this tenant")
    decision = _held(tx, found)
    if appellant_kind not in KINDS:
        raise InvalidInput("appellant_kind is 'author' or 'reporter'")
    if not reason.strip():
        raise InvalidInput("say why the decision should change ('reason')")
    if decision.state != "in_force":
        raise Conflict(
            f"decision {decision_id} is {decision.state}; appeal the decision now in force"
        )
    closes = decision.created_at + timedelta(days=policy.document.appeals.window_days)
    if utcnow() > closes:
        raise InvalidInput(f"the appeal window for this decision closed on {closes.date()}")
    restricts = decisions.restrictive(decision.visibility, decision.account)
    if appellant_kind == "author":
        if not restricts:
            raise InvalidInput("an author appeals a restriction; this decision restricts nothing")
        if appellant_id != decision.author_id:
            raise Forbidden("only the author of the content may appeal its restriction")
    else:
        if restricts:
            raise InvalidInput("a reporter appeals a decision not to act; this one restricts")
        if (
            decision.item_id is None
            or tx.reports.by_reporter(
                tenant_id=tenant_id, item_id=decision.item_id, reporter_id=appellant_id
            )
            is None
        ):
            raise Forbidden("only someone who reported the item may appeal a decision not to act")
    if any(
        a.appellant_id == appellant_id and a.status == "open"
        for a in tx.appeals.for_decision(tenant_id=tenant_id, decision_id=decision_id)
    ):
        raise Conflict("this appellant already has an open appeal against this decision")
    appeal = AppealRecord(
        id=new_id("apl"),
        tenant_id=tenant_id,
        decision_id=decision_id,
        appellant_kind=appellant_kind,
        appellant_id=appellant_id,
        reason=reason.strip(),
        status="open",
        decided_by=None,
        outcome_reasons=None,
        outcome_decision_id=None,
        created_at=utcnow(),
        decided_at=None,
    )
    tx.appeals.add(record=appeal)
    tx.events.append(
        tenant_id=tenant_id,
        type="appeal.received",
        subject=appeal.id,
        data={"decision": decision_id, "kind": appellant_kind},
    )
    decisions.announce(
        tx, tenant_id=tenant_id, event_type="appeal.received", payload=public(appeal)
    )
    return appeal


def _held(tx: Transaction, decision: DecisionRecord) -> DecisionRecord:
    """The decision read again once its item and it are held (see `Items.lock`): appeals on
    it, and decisions on its item, wait for this transaction."""
    if decision.item_id:
        tx.items.lock(tenant_id=decision.tenant_id, item_ids=[decision.item_id])
    tx.decisions.lock(tenant_id=decision.tenant_id, decision_id=decision.id)
    return tx.decisions.get(tenant_id=decision.tenant_id, decision_id=decision.id) or decision


@dataclass(frozen=True, slots=True)
class Outcome:
    moderator_id: str
    reverse: bool
    reasons: str
    visibility: Visibility | None = None
    """For a reporter's appeal that is upheld in their favour: the restriction to apply."""
    clause: str | None = None
    legal_ground: str | None = None


def decide(
    tx: Transaction, policy: Policy, *, tenant_id: str, appeal_id: str, outcome: Outcome
) -> tuple[AppealRecord, DecisionRecord | None]:
    appeal = tx.appeals.get(tenant_id=tenant_id, appeal_id=appeal_id)
    if appeal is None:
        raise NotFound(f"no appeal {appeal_id!r} in this tenant")
    found = tx.decisions.get(tenant_id=tenant_id, decision_id=appeal.decision_id)
    assert found is not None  # appeals reference decisions by foreign key
    appealed = _held(tx, found)
    appeal = tx.appeals.get(tenant_id=tenant_id, appeal_id=appeal_id) or appeal
    if decisions.is_automated(outcome.moderator_id):
        raise InvalidInput(
            "appeals are decided by a person, never by automated means (DSA Article 20): "
            f"{outcome.moderator_id!r} is an automated actor"
        )
    moderator = decisions.check_moderator(outcome.moderator_id)
    if appeal.status != "open":
        raise Conflict(f"appeal {appeal_id} was already decided ({appeal.status})")
    if moderator == appealed.decided_by:
        raise InvalidInput(
            f"{moderator} took the decision under appeal; another moderator must decide the appeal"
        )
    if not outcome.reasons.strip():
        raise InvalidInput("give the reasons for the outcome ('reasons')")
    new = _reversal(tx, policy, appealed, appeal, outcome, moderator) if outcome.reverse else None
    status = "reversed" if outcome.reverse else "upheld"
    tx.appeals.decide(
        tenant_id=tenant_id,
        appeal_id=appeal_id,
        status=status,
        decided_by=moderator,
        reasons=outcome.reasons.strip(),
        outcome_decision_id=new.id if new else None,
    )
    tx.events.append(
        tenant_id=tenant_id,
        type="appeal.decided",
        subject=appeal_id,
        data={"outcome": status, "decision": appealed.id, "new_decision": new.id if new else None},
    )
    decided = tx.appeals.get(tenant_id=tenant_id, appeal_id=appeal_id)
    assert decided is not None
    decisions.announce(
        tx, tenant_id=tenant_id, event_type="appeal.decided", payload=public(decided)
    )
    return decided, new


def _reversal(
    tx: Transaction,
    policy: Policy,
    appealed: DecisionRecord,
    appeal: AppealRecord,
    outcome: Outcome,
    moderator: str,
) -> DecisionRecord:
    old = Statement.from_dict(appealed.statement)
    item = (
        tx.items.get(tenant_id=appealed.tenant_id, item_id=appealed.item_id)
        if appealed.item_id
        else None
    )
    if appeal.appellant_kind == "author":
        visibility, ground = (
            Visibility.NONE,
            decisions.Grounds(
                old.ground, old.legal_ground, old.clause, old.terms_url, outcome.reasons.strip()
            ),
        )
    else:
        if outcome.visibility is None or outcome.visibility is Visibility.NONE:
            raise InvalidInput("reversing a decision not to act needs the restriction to apply")
        visibility = outcome.visibility
        ground = decisions.grounds(
            policy,
            clause=outcome.clause,
            legal_ground=outcome.legal_ground,
            explanation=outcome.reasons.strip(),
        )
    statement = Statement(
        visibility=visibility,
        account=None,
        territorial_scope=old.territorial_scope,
        visibility_end=None,
        account_end=None,
        facts=f"On appeal {appeal.id} against decision {appealed.id}: {outcome.reasons.strip()}",
        ground=ground.ground,
        legal_ground=ground.legal_ground,
        clause=ground.clause,
        terms_url=ground.terms_url,
        explanation=ground.explanation,
        also_illegal=False,
        category=old.category,
        source=Source(appealed.source),
        automated_detection=old.automated_detection,
        automated_decision=Automation.NOT,
        redress=decisions.REDRESS,
    )
    new = decisions.record(
        tx,
        policy,
        tenant_id=appealed.tenant_id,
        item=item,
        author_id=appealed.author_id,
        statement=statement,
        decided_by=moderator,
        appeal_id=appeal.id,
    )
    tx.decisions.set_state(tenant_id=appealed.tenant_id, decision_id=appealed.id, state="reversed")
    tx.strikes.lift(tenant_id=appealed.tenant_id, decision_id=appealed.id)
    decisions.announce(
        tx,
        tenant_id=appealed.tenant_id,
        event_type="decision.reversed",
        payload={
            "reversed": appealed.id,
            "by": decisions.public(new, item),
            "appeal_id": appeal.id,
        },
    )
    return new


def public(appeal: AppealRecord) -> dict[str, object]:
    return {
        "id": appeal.id,
        "decision_id": appeal.decision_id,
        "appellant_kind": appeal.appellant_kind,
        "appellant_id": appeal.appellant_id,
        "status": appeal.status,
        "decided_by": appeal.decided_by,
        "outcome_reasons": appeal.outcome_reasons,
        "outcome_decision_id": appeal.outcome_decision_id,
        "created_at": appeal.created_at.isoformat(),
        "decided_at": appeal.decided_at.isoformat() if appeal.decided_at else None,
    }
