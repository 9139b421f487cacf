"""`POST /v1/moderations`: OpenAI's moderation API, so a platform switches by changing a URL.

The same API key (scope `moderate`) in OpenAI's `Authorization: Bearer` header; the same
judgement as `POST /v1/moderate`, with the tenant's policy deciding `flagged`. See
`services.compat_openai` for what a category tamis cannot score looks like.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from tamis import __version__
from tamis.api.deps import Moderate, RuntimeDep
from tamis.api.schemas.compat_openai import ImageUrlInput, ModerationCreate, ModerationsPublic
from tamis.core.content import Content, TextPart
from tamis.errors import InvalidInput, TooLarge
from tamis.ids import new_id
from tamis.services import compat_openai
from tamis.services.moderation import judge_stateless
from tamis.settings import Settings

router = APIRouter(prefix="/v1/moderations", tags=["compatibility"])

MAX_INPUTS = 32


@router.post("", response_model=ModerationsPublic)
async def moderations(body: ModerationCreate, rt: RuntimeDep, principal: Moderate) -> JSONResponse:
    contents = _contents(body, rt.settings)

    def work() -> list[dict[str, object]]:
        return [
            compat_openai.result(judge_stateless(rt, tenant_id=principal.tenant_id, content=c))
            for c in contents
        ]

    results = await run_in_threadpool(work)  # off the event loop, as in routes.moderate
    return JSONResponse(
        {
            "id": new_id("modr").replace("_", "-", 1),
            "model": f"tamis-{__version__}",
            "results": results,
        }
    )


def _contents(body: ModerationCreate, settings: Settings) -> list[Content]:
    given = body.input
    if isinstance(given, str):
        texts = [given]
    elif not given:
        raise InvalidInput("input is an empty list; send a text, a list of texts or text parts")
    elif all(isinstance(p, str) for p in given):
        texts = [p for p in given if isinstance(p, str)]
        if len(texts) > MAX_INPUTS:
            raise TooLarge(f"at most {MAX_INPUTS} inputs per request, got {len(texts)}")
    else:
        parts: list[TextPart] = []
        for index, part in enumerate(given):
            if isinstance(part, ImageUrlInput):
                raise InvalidInput(
                    f"input[{index}] is an image_url: tamis does not judge images on "
                    "/v1/moderations yet; send only text parts"
                )
            assert not isinstance(part, str)
            _check_length(part.text, f"input[{index}].text", settings)
            parts.append(TextPart(part.text))
        if len(parts) > settings.max_parts:
            raise TooLarge(f"at most {settings.max_parts} parts per input, got {len(parts)}")
        return [Content(parts=tuple(parts))]
    for index, text in enumerate(texts):
        _check_length(text, "input" if isinstance(given, str) else f"input[{index}]", settings)
    return [Content.of_text(t) for t in texts]


def _check_length(text: str, where: str, settings: Settings) -> None:
    if len(text) > settings.max_text_chars:
        raise TooLarge(
            f"{where} has {len(text)} characters; the limit is {settings.max_text_chars}"
        )
