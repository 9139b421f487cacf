"""Reports, decisions, appeals and author histories: the casework around an item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from tamis.api import creating, problems
from tamis.api.deps import IdempotencyHeader, ItemsRead, ItemsWrite, Moderator, Reports, RuntimeDep
from tamis.api.schemas import CategoryName, Instant, ReportCategory, StrictIn
from tamis.api.schemas.items import ItemPublic
from tamis.core.decisions import AccountAction, Source, Visibility
from tamis.errors import Conflict, NotFound
from tamis.ids import utcnow
from tamis.services import appeals, decisions, idempotency, items, reports
from tamis.services.idempotency import IdempotencyKey, Replay
from tamis.services.intake import Intake, RunAlone
from tamis.services.runtime import Runtime
from tamis.store.interfaces import Transaction

reports_router = APIRouter(prefix="/v1/reports", tags=["reports"])
decisions_router = APIRouter(tags=["decisions"])
appeals_router = APIRouter(prefix="/v1/appeals", tags=["appeals"])
authors_router = APIRouter(prefix="/v1/authors", tags=["authors"])

AuthorId = Annotated[str, Path(min_length=1, max_length=200, description="The platform's id.")]


# --- reports ---------------------------------------------------------------------------------


class ReportCreate(StrictIn):
    item_id: str | None = Field(None, description="tamis's id of the item...")
    external_id: str | None = Field(None, description="...or the platform's own id of it.")
    reporter_id: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="The platform's opaque account id; omit if anonymous.",
    )
    reporter_kind: Literal["user", "anonymous", "trusted_flagger"] = "user"
    category: ReportCategory
    other_reason: str | None = Field(None, max_length=500)
    explanation: str | None = Field(None, max_length=5000)
    illegal: bool = Field(False, description="The reporter says the content is illegal...")
    law: str | None = Field(None, max_length=500, description="...under this law.")
    good_faith: bool = Field(description="The reporter confirms the notice is made in good faith.")


@dataclass(frozen=True, slots=True)
class _Filing:
    submission: reports.Submission
    idem: IdempotencyKey | None


def _file(tx: Transaction, filings: Sequence[_Filing]) -> list[Any]:
    """Reports arriving together, filed at once (see `services.intake`)."""
    keys = [(f.submission.tenant_id, f.idem.key) for f in filings if f.idem is not None]
    if len(set(keys)) < len(keys):
        raise RunAlone  # the first with a key must be stored before the retry looks for it
    outcomes: list[Any] = [None] * len(filings)
    todo = []
    for index, filing in enumerate(filings):
        try:
            idempotency.check(tx, tenant_id=filing.submission.tenant_id, idem=filing.idem)
            todo.append(index)
        except (Replay, Conflict) as answer:
            outcomes[index] = answer
    filed = reports.submit_many(tx, [filings[i].submission for i in todo])
    for index, outcome in zip(todo, filed, strict=True):
        if isinstance(outcome, reports.Receipt):
            body = outcome.to_dict()
            tenant_id, idem = filings[index].submission.tenant_id, filings[index].idem
            idempotency.save(tx, tenant_id=tenant_id, idem=idem, status_code=201, body=body)
            outcomes[index] = body
        else:
            outcomes[index] = outcome
    return outcomes


def _intake(request: Request, rt: Runtime) -> Intake[_Filing]:
    """This process's report intake, made on first use (one per app, like its runtime)."""
    intake: Intake[_Filing] | None = getattr(request.app.state, "report_intake", None)
    if intake is None:
        intake = Intake(rt.store, _file, after_commit=rt.outbox_ready.set)
        request.app.state.report_intake = intake
    return intake


@reports_router.post("", status_code=201, responses=problems.responses(404))
async def create_report(
    request: Request,
    body: ReportCreate,
    rt: RuntimeDep,
    principal: Reports,
    idempotency_key: IdempotencyHeader = None,
) -> JSONResponse:
    """A reader's report; answered with a receipt (also sent by webhook).

    Reports arriving together share one transaction (see `services.intake`); the receipt is
    sent once it has committed.
    """
    report = reports.NewReport(
        reporter_id=body.reporter_id,
        reporter_kind=body.reporter_kind,
        category=body.category,
        other_reason=body.other_reason,
        explanation=body.explanation,
        illegal=body.illegal,
        law=body.law,
        good_faith=body.good_faith,
    )
    tenant_id = principal.tenant_id
    submission = reports.Submission(
        tenant_id,
        rt.policies.get(tenant_id),
        report,
        item_id=body.item_id,
        external_id=body.external_id,
    )
    idem = await creating.idempotency_of(request, idempotency_key)
    try:
        return JSONResponse(
            await _intake(request, rt).run(_Filing(submission, idem)), status_code=201
        )
    except Replay as replay:
        return JSONResponse(replay.body, status_code=replay.status_code)


@reports_router.get("/{report_id}")
def get_report(report_id: str, rt: RuntimeDep, principal: ItemsRead) -> dict[str, Any]:
    with rt.store.read() as tx:
        report = tx.reports.get(tenant_id=principal.tenant_id, report_id=report_id)
    if report is None:
        raise NotFound(f"no report {report_id!r} in this tenant")
    return {
        "id": report.id,
        "item_id": report.item_id,
        "reporter_id": report.reporter_id,
        "reporter_kind": report.reporter_kind,
        "category": report.category,
        "illegal": report.illegal,
        "received_at": report.created_at.isoformat(),
        "decision_id": report.decision_id,
        "settled_at": report.outcome_at.isoformat() if report.outcome_at else None,
    }


# --- decisions -------------------------------------------------------------------------------


class DecisionCreate(StrictIn):
    moderator_id: str = Field(min_length=1, max_length=200, description="Who decides.")
    visibility: Visibility = Field(description="What happens to the content ('none': no action).")
    category: CategoryName
    facts: str = Field(min_length=1, max_length=5000, description="Facts relied on.")
    clause: str | None = Field(None, description="The policy clause relied on...")
    legal_ground: str | None = Field(None, max_length=500, description="...or the legal ground.")
    explanation: str | None = Field(None, max_length=5000)
    also_illegal: bool = False
    territorial_scope: list[Annotated[str, Field(pattern="^([A-Z]{2}|worldwide)$")]] = Field(
        default_factory=lambda: ["worldwide"],
        min_length=1,
        max_length=250,
        description="ISO 3166-1 alpha-2 country codes (FR, MA...), or ['worldwide'].",
    )
    end_date: Instant | None = Field(None, description="When the restriction ends.")
    source: Source | None = None


class AccountDecisionCreate(DecisionCreate):
    visibility: Visibility = Visibility.NONE
    account: AccountAction
    account_end_date: Instant | None = None


def _human(
    body: DecisionCreate, account: AccountAction | None = None, account_end: datetime | None = None
) -> decisions.HumanDecision:
    return decisions.HumanDecision(
        moderator_id=body.moderator_id,
        visibility=body.visibility,
        category=body.category,
        facts=body.facts,
        clause=body.clause,
        legal_ground=body.legal_ground,
        explanation=body.explanation,
        also_illegal=body.also_illegal,
        account=account,
        territorial_scope=tuple(body.territorial_scope),
        visibility_end=body.end_date,
        account_end=account_end,
        source=body.source,
    )


@decisions_router.post("/v1/items/{item_id}/decisions", status_code=201)
async def decide_item(
    item_id: str,
    request: Request,
    body: DecisionCreate,
    rt: RuntimeDep,
    principal: Moderator,
    idempotency_key: IdempotencyHeader = None,
) -> JSONResponse:
    """A moderator's decision, with its statement of reasons; it supersedes the one in force."""
    policy = rt.policies.get(principal.tenant_id)

    def make(tx: Transaction) -> dict[str, Any]:
        decision = decisions.on_item(
            tx, policy, tenant_id=principal.tenant_id, item_id=item_id, decision=_human(body)
        )
        return decisions.public(
            decision, tx.items.get(tenant_id=principal.tenant_id, item_id=item_id)
        )

    return await creating.create(
        request, rt, tenant_id=principal.tenant_id, key=idempotency_key, make=make
    )


@decisions_router.get("/v1/items/{item_id}/decisions")
def item_decisions(item_id: str, rt: RuntimeDep, principal: ItemsRead) -> list[dict[str, Any]]:
    with rt.store.read() as tx:
        item = tx.items.get(tenant_id=principal.tenant_id, item_id=item_id)
        if item is None:
            raise NotFound(f"no item {item_id!r} in this tenant")
        found = tx.decisions.for_item(tenant_id=principal.tenant_id, item_id=item_id)
    return [decisions.public(d, item) for d in found]


@decisions_router.get("/v1/decisions/{decision_id}")
def get_decision(decision_id: str, rt: RuntimeDep, principal: ItemsRead) -> dict[str, Any]:
    with rt.store.read() as tx:
        decision = tx.decisions.get(tenant_id=principal.tenant_id, decision_id=decision_id)
        if decision is None:
            raise NotFound(f"no decision {decision_id!r} in this tenant")
        item = (
            tx.items.get(tenant_id=principal.tenant_id, item_id=decision.item_id)
            if decision.item_id
            else None
        )
    return decisions.public(decision, item)


@decisions_router.delete("/v1/items/{item_id}/content", response_model=ItemPublic)
def erase_item_content(item_id: str, rt: RuntimeDep, principal: ItemsWrite) -> ItemPublic:
    """Erase the content; the decisions, statements of reasons and digest are kept."""
    return ItemPublic.of(items.erase_content(rt, tenant_id=principal.tenant_id, item_id=item_id))


# --- authors ---------------------------------------------------------------------------------


@authors_router.get("/{author_id}")
def author_history(author_id: AuthorId, rt: RuntimeDep, principal: ItemsRead) -> dict[str, Any]:
    """An author's items, decisions, strikes and account actions, by the platform's account id."""
    now = utcnow()
    with rt.store.read() as tx:
        authored = tx.items.for_author(
            tenant_id=principal.tenant_id, author_id=author_id, limit=200
        )
        decided = tx.decisions.for_author(tenant_id=principal.tenant_id, author_id=author_id)
        strikes = tx.strikes.for_author(tenant_id=principal.tenant_id, author_id=author_id)
    active = [s for s in strikes if s.lifted_at is None and s.expires_at > now]
    return {
        "author_id": author_id,
        "items": [
            {
                "id": i.id,
                "external_id": i.external_id,
                "status": i.status,
                "action": i.action,
                "received_at": i.created_at.isoformat(),
            }
            for i in authored
        ],
        "decisions": [decisions.public(d, None) for d in decided],
        "account_actions": [decisions.public(d, None) for d in decided if d.account],
        "strikes": {
            "active": len(active),
            "all": [
                {
                    "decision_id": s.decision_id,
                    "created_at": s.created_at.isoformat(),
                    "expires_at": s.expires_at.isoformat(),
                    "lifted_at": s.lifted_at.isoformat() if s.lifted_at else None,
                }
                for s in strikes
            ],
        },
    }


@authors_router.post("/{author_id}/decisions", status_code=201)
async def decide_account(
    author_id: AuthorId,
    request: Request,
    body: AccountDecisionCreate,
    rt: RuntimeDep,
    principal: Moderator,
    idempotency_key: IdempotencyHeader = None,
) -> JSONResponse:
    """Suspend or terminate an author's account, with its own statement of reasons."""
    policy = rt.policies.get(principal.tenant_id)

    def make(tx: Transaction) -> dict[str, Any]:
        decision = decisions.on_account(
            tx,
            policy,
            tenant_id=principal.tenant_id,
            author_id=author_id,
            decision=_human(body, body.account, body.account_end_date),
        )
        return decisions.public(decision, None)

    return await creating.create(
        request, rt, tenant_id=principal.tenant_id, key=idempotency_key, make=make
    )


# --- appeals ---------------------------------------------------------------------------------


class AppealCreate(StrictIn):
    decision_id: str
    appellant_kind: Literal["author", "reporter"]
    appellant_id: str = Field(
        min_length=1, max_length=200, description="The platform's account id of the appellant."
    )
    reason: str = Field(min_length=1, max_length=5000)


class AppealDecisionCreate(StrictIn):
    moderator_id: str = Field(min_length=1, max_length=200)
    outcome: Literal["upheld", "reversed"]
    reasons: str = Field(min_length=1, max_length=5000)
    visibility: Visibility | None = Field(
        None, description="Reversing a decision not to act: the restriction to apply."
    )
    clause: str | None = None
    legal_ground: str | None = None


@appeals_router.post("", status_code=201, responses=problems.responses(404))
async def create_appeal(
    request: Request,
    body: AppealCreate,
    rt: RuntimeDep,
    principal: Reports,
    idempotency_key: IdempotencyHeader = None,
) -> JSONResponse:
    policy = rt.policies.get(principal.tenant_id)

    def make(tx: Transaction) -> dict[str, Any]:
        appeal = appeals.submit(
            tx,
            policy,
            tenant_id=principal.tenant_id,
            decision_id=body.decision_id,
            appellant_kind=body.appellant_kind,
            appellant_id=body.appellant_id,
            reason=body.reason,
        )
        return appeals.public(appeal)

    return await creating.create(
        request, rt, tenant_id=principal.tenant_id, key=idempotency_key, make=make
    )


@appeals_router.get("/{appeal_id}")
def get_appeal(appeal_id: str, rt: RuntimeDep, principal: ItemsRead) -> dict[str, Any]:
    with rt.store.read() as tx:
        appeal = tx.appeals.get(tenant_id=principal.tenant_id, appeal_id=appeal_id)
    if appeal is None:
        raise NotFound(f"no appeal {appeal_id!r} in this tenant")
    return appeals.public(appeal)


@appeals_router.post("/{appeal_id}/decision", status_code=201)
async def decide_appeal(
    appeal_id: str,
    request: Request,
    body: AppealDecisionCreate,
    rt: RuntimeDep,
    principal: Moderator,
    idempotency_key: IdempotencyHeader = None,
) -> JSONResponse:
    """Decide an appeal: a person other than the one who took the decision appealed."""
    policy = rt.policies.get(principal.tenant_id)
    outcome = appeals.Outcome(
        moderator_id=body.moderator_id,
        reverse=body.outcome == "reversed",
        reasons=body.reasons,
        visibility=body.visibility,
        clause=body.clause,
        legal_ground=body.legal_ground,
    )

    def make(tx: Transaction) -> dict[str, Any]:
        appeal, new = appeals.decide(
            tx, policy, tenant_id=principal.tenant_id, appeal_id=appeal_id, outcome=outcome
        )
        return {
            **appeals.public(appeal),
            "new_decision": decisions.public(new, None) if new else None,
        }

    return await creating.create(
        request, rt, tenant_id=principal.tenant_id, key=idempotency_key, make=make
    )
