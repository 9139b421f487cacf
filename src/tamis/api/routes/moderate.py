"""`POST /v1/moderate`: judge content without storing it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from tamis.api.deps import Moderate, RuntimeDep
from tamis.api.schemas.content import ContentIn
from tamis.api.schemas.verdicts import VerdictPublic
from tamis.core.content import Content
from tamis.services.moderation import judge_stateless

router = APIRouter(prefix="/v1/moderate", tags=["moderate"])


class ModerateRequest(ContentIn):
    author_locale: str | None = None


@router.post("", response_model=VerdictPublic)
def moderate(body: ModerateRequest, rt: RuntimeDep, principal: Moderate) -> dict[str, Any]:
    content = Content(body.to_parts(rt.settings), author_locale=body.author_locale)
    return judge_stateless(rt, tenant_id=principal.tenant_id, content=content).to_dict()
