"""Dependencies shared by the routers, as `Annotated` aliases.

They are `async` on purpose: each is a memory look-up (the key cache answers without the
database on a hit), cheaper than the hop to a worker thread that a plain `def` would cost.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tamis.services.keys import Principal
from tamis.services.runtime import Runtime

_bearer = HTTPBearer(auto_error=False, description="An API key: tamis_sk_...")


async def runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


RuntimeDep = Annotated[Runtime, Depends(runtime)]


async def _principal(
    rt: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    header = f"{credentials.scheme} {credentials.credentials}" if credentials else None
    return rt.keys.authenticate(header)


def scoped(scope: str) -> Callable[..., Awaitable[Principal]]:
    async def check(principal: Annotated[Principal, Depends(_principal)]) -> Principal:
        principal.require(scope)
        return principal

    return check


Admin = Annotated[Principal, Depends(scoped("admin"))]
Moderate = Annotated[Principal, Depends(scoped("moderate"))]
ItemsWrite = Annotated[Principal, Depends(scoped("items:write"))]
ItemsRead = Annotated[Principal, Depends(scoped("items:read"))]
Reports = Annotated[Principal, Depends(scoped("reports"))]
Moderator = Annotated[Principal, Depends(scoped("moderator"))]
IdempotencyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Any unique string; a retry with the same key creates nothing twice.",
        json_schema_extra={"minLength": 1, "maxLength": 200, "pattern": "^[ -~]+$"},
    ),
]

PageLimit = Annotated[int, Query(ge=1, le=1000, description="At most this many in the answer.")]
"""A list's page size: bounded, since a negative LIMIT is an error on PostgreSQL."""
