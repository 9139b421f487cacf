"""`POST /v1/moderate`: judge content without storing it."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from tamis.api.deps import Moderate, RuntimeDep
from tamis.api.schemas.content import ContentIn
from tamis.api.schemas.verdicts import VerdictPublic
from tamis.core.content import Content
from tamis.services.moderation import judge_stateless

router = APIRouter(prefix="/v1/moderate", tags=["moderate"])


class ModerateRequest(ContentIn):
    author_locale: str | None = None


@router.post("", response_model=VerdictPublic)
async def moderate(body: ModerateRequest, rt: RuntimeDep, principal: Moderate) -> JSONResponse:
    # Off the event loop: most judgements take half a millisecond, but the few the embedding
    # tier reads take tens, and would hold up every other request of this process meanwhile.
    content = Content(body.to_parts(rt.settings), author_locale=body.author_locale)
    verdict = await run_in_threadpool(
        judge_stateless, rt, tenant_id=principal.tenant_id, content=content
    )
    return JSONResponse(verdict.to_dict())
