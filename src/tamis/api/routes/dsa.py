"""DSA transparency over HTTP: statements of reasons and Article 15 figures for a period.

A platform that submits to the EU Transparency Database from its own systems, or publishes
its reports itself, pulls them here. Both need the `admin` scope: the figures describe the
whole tenant's moderation, and statements carry case details. Periods are ISO dates in UTC,
end exclusive, so consecutive periods neither overlap nor leave gaps.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from tamis.api.deps import Admin, RuntimeDep
from tamis.api.schemas import Day
from tamis.services import transparency

router = APIRouter(prefix="/v1/dsa", tags=["dsa"])

Start = Annotated[Day, Query(description="First day of the period, YYYY-MM-DD (UTC).")]
End = Annotated[
    Day | None,
    Query(description="Day after the last, YYYY-MM-DD (exclusive, UTC); default now."),
]


@router.get("/statements")
def list_statements(
    rt: RuntimeDep, principal: Admin, start: Start, end: End = None
) -> dict[str, Any]:
    """Statements of reasons of the period's restrictive decisions, in the Transparency
    Database's shape (submit them in batches of at most 100)."""
    begin, finish = transparency.period(start, end)
    with rt.store.read() as tx:
        found = transparency.statements(tx, tenant_id=principal.tenant_id, start=begin, end=finish)
    return {"statements": found}


@router.get("/report")
def get_report(rt: RuntimeDep, principal: Admin, start: Start, end: End = None) -> dict[str, Any]:
    """The Article 15 figures for the period: notices, actions, automated means, complaints."""
    begin, finish = transparency.period(start, end)
    with rt.store.read() as tx:
        return transparency.report(tx, tenant_id=principal.tenant_id, start=begin, end=finish)
