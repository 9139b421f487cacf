"""Items: submit (moderated now, or queued with `"async": true`) and fetch."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from tamis.api import creating, forms, problems
from tamis.api.deps import IdempotencyHeader, ItemsRead, ItemsWrite, RuntimeDep
from tamis.api.schemas.items import ItemCreate, ItemPublic
from tamis.services import items
from tamis.services.idempotency import Replay
from tamis.store.interfaces import ItemRecord

router = APIRouter(prefix="/v1/items", tags=["items"])


@router.post(
    "",
    status_code=201,
    response_model=ItemPublic,
    responses={
        202: {"model": ItemPublic, "description": "Accepted; a worker will moderate it."},
        **problems.responses(415),
    },
    openapi_extra=forms.openapi(ItemCreate),
)
async def create_item(
    request: Request,
    rt: RuntimeDep,
    principal: ItemsWrite,
    idempotency_key: IdempotencyHeader = None,
) -> JSONResponse:
    body, uploads = await forms.read(request, ItemCreate, rt.settings)
    idem = await creating.idempotency_of(request, idempotency_key)
    new = items.NewItem(
        external_id=body.external_id,
        parts=body.to_parts(rt.settings, uploads),
        author_id=body.author_id,
        author_locale=body.author_locale,
        content_date=body.created_at,
        context_url=body.context_url,
    )

    def present(record: ItemRecord) -> dict[str, Any]:
        return ItemPublic.of(record).model_dump(mode="json")

    try:
        record = await run_in_threadpool(
            items.submit,
            rt,
            tenant_id=principal.tenant_id,
            item=new,
            run_async=body.run_async,
            idem=idem,
            present=present,
        )
    except Replay as replay:
        return JSONResponse(replay.body, status_code=replay.status_code)
    return JSONResponse(present(record), status_code=202 if body.run_async else 201)


@router.get("/{item_id}", response_model=ItemPublic)
def get_item(item_id: str, rt: RuntimeDep, principal: ItemsRead) -> ItemPublic:
    return ItemPublic.of(items.get(rt, tenant_id=principal.tenant_id, item_id=item_id))
