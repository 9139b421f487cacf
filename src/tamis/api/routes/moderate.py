"""`POST /v1/moderate`: judge content without storing it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from tamis.api import forms, problems
from tamis.api.deps import Moderate, RuntimeDep
from tamis.api.schemas.content import ContentIn
from tamis.api.schemas.verdicts import VerdictPublic
from tamis.services.moderation import judge_stateless

router = APIRouter(prefix="/v1/moderate", tags=["moderate"])


class ModerateRequest(ContentIn):
    author_locale: str | None = None


@router.post(
    "",
    response_model=VerdictPublic,
    responses=problems.responses(415),
    openapi_extra=forms.openapi(ModerateRequest),
)
async def moderate(request: Request, rt: RuntimeDep, principal: Moderate) -> JSONResponse:
    body, uploads = await forms.read(request, ModerateRequest, rt.settings)
    # Off the event loop: images are decoded and judged in tens of milliseconds, and so are
    # the few texts the embedding tier reads; they would hold up every other request meanwhile.
    verdict = await run_in_threadpool(
        judge_stateless,
        rt,
        tenant_id=principal.tenant_id,
        parts=body.to_parts(rt.settings, uploads),
        author_locale=body.author_locale,
    )
    return JSONResponse(verdict.to_dict())
