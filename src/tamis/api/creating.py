"""Creating routes: one write transaction off the event loop, honouring `Idempotency-Key`.

The key and the first answer are saved in the same transaction as what was created, so a
retry gets that answer back and creates nothing twice (see `services.idempotency`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from tamis.services import idempotency
from tamis.services.idempotency import IdempotencyKey, Replay
from tamis.services.runtime import Runtime
from tamis.store.interfaces import Transaction


async def idempotency_of(request: Request, key: str | None) -> IdempotencyKey | None:
    """The request's Idempotency-Key with its digest; the body is read only when there is one
    (a multipart form's is what `forms.read` found in it)."""
    if key is None:
        return None
    route = f"{request.method} {request.scope['path']}"
    body = getattr(request.state, "idempotency_body", None) or await request.body()
    return IdempotencyKey.of(key, route=route, body=body)


async def create(
    request: Request,
    rt: Runtime,
    *,
    tenant_id: str,
    key: str | None,
    make: Callable[[Transaction], dict[str, Any]],
    forget: frozenset[str] = frozenset(),
) -> JSONResponse:
    """201 with `make(tx)`'s body; fields in `forget` are left out of the stored replay."""
    idem = await idempotency_of(request, key)

    def work() -> dict[str, Any]:
        with rt.store.write() as tx:
            idempotency.check(tx, tenant_id=tenant_id, idem=idem)
            body = make(tx)
            kept = {k: (None if k in forget else v) for k, v in body.items()}
            idempotency.save(tx, tenant_id=tenant_id, idem=idem, status_code=201, body=kept)
        rt.outbox_ready.set()
        return body

    try:
        return JSONResponse(await run_in_threadpool(work), status_code=201)
    except Replay as replay:
        return JSONResponse(replay.body, status_code=replay.status_code)
