"""Labelled examples: what a tenant's moderators teach its own text heads.

Moderators (the `moderator` scope) label texts by hand here; their decisions on items add
examples by themselves (see `services.examples`). `tamis train text --tenant T` learns from
them.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from tamis.api import creating
from tamis.api.deps import IdempotencyHeader, Moderator, PageLimit, RuntimeDep
from tamis.api.schemas import CategoryName, StrictIn
from tamis.errors import NotFound
from tamis.services import examples
from tamis.store.interfaces import ExampleRecord, Transaction

router = APIRouter(prefix="/v1/examples", tags=["examples"])


class ExampleCreate(StrictIn):
    text: str = Field(min_length=1, max_length=examples.MAX_TEXT)
    category: CategoryName
    violating: bool = Field(description="Whether the text breaks the rule of that category.")
    language: str | None = Field(None, description="en, fr, es, ar or ary; detected if omitted.")


def _public(record: ExampleRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "text": record.text,
        "language": record.language,
        "category": record.category,
        "violating": record.violating,
        "source": record.source,
        "item_id": record.item_id,
        "decision_id": record.decision_id,
        "created_at": record.created_at.isoformat(),
    }


@router.post("", status_code=201)
async def add_example(
    request: Request,
    body: ExampleCreate,
    rt: RuntimeDep,
    principal: Moderator,
    idempotency_key: IdempotencyHeader = None,
) -> JSONResponse:
    def make(tx: Transaction) -> dict[str, Any]:
        record = examples.add(
            tx,
            tenant_id=principal.tenant_id,
            text=body.text,
            category=body.category,
            violating=body.violating,
            language=body.language,
        )
        return _public(record)

    return await creating.create(
        request, rt, tenant_id=principal.tenant_id, key=idempotency_key, make=make
    )


@router.get("")
def list_examples(
    rt: RuntimeDep,
    principal: Moderator,
    category: CategoryName | None = None,
    after: str | None = Query(None, description="The last id of the previous page."),
    limit: PageLimit = 100,
) -> dict[str, Any]:
    if category is not None:
        examples.check_category(category)
    with rt.store.read() as tx:
        page = tx.examples.page(
            tenant_id=principal.tenant_id, category=category, after=after, limit=limit
        )
    return {
        "examples": [_public(r) for r in page],
        "next": page[-1].id if len(page) == limit else None,
    }


@router.delete("/{example_id}", status_code=204)
def remove_example(example_id: str, rt: RuntimeDep, principal: Moderator) -> None:
    with rt.store.write() as tx:
        if not tx.examples.remove(tenant_id=principal.tenant_id, example_id=example_id):
            raise NotFound(f"no example {example_id!r} in this tenant")
