"""`POST /v1/moderate`: judge content without storing it."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

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
    # The judgement takes well under a millisecond of CPU: running it on the event loop costs
    # less than handing it to a thread, and the verdict is already plain JSON data.
    content = Content(body.to_parts(rt.settings), author_locale=body.author_locale)
    verdict = judge_stateless(rt, tenant_id=principal.tenant_id, content=content)
    return JSONResponse(verdict.to_dict())
