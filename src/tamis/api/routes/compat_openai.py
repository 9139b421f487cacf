"""`POST /v1/moderations`: OpenAI's moderation API, so a platform switches by changing a URL.

The same API key (scope `moderate`) in OpenAI's `Authorization: Bearer` header; the same
judgement as `POST /v1/moderate`, with the tenant's policy deciding `flagged`. See
`services.compat_openai` for what a category tamis cannot score looks like.
"""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from tamis import __version__
from tamis.api import problems
from tamis.api.deps import Moderate, RuntimeDep
from tamis.api.schemas.compat_openai import ImageUrlInput, ModerationCreate, ModerationsPublic
from tamis.core.content import TextPart
from tamis.errors import InvalidInput, TooLarge
from tamis.ids import new_id
from tamis.services import compat_openai
from tamis.services.images import Incoming, Upload
from tamis.services.moderation import judge_stateless
from tamis.settings import Settings

router = APIRouter(prefix="/v1/moderations", tags=["compatibility"])

MAX_INPUTS = 32


@router.post("", response_model=ModerationsPublic, responses=problems.responses(415))
async def moderations(body: ModerationCreate, rt: RuntimeDep, principal: Moderate) -> JSONResponse:
    inputs = _inputs(body, rt.settings)

    def work() -> list[dict[str, object]]:
        return [
            compat_openai.result(judge_stateless(rt, tenant_id=principal.tenant_id, parts=parts))
            for parts in inputs
        ]

    results = await run_in_threadpool(work)  # off the event loop, as in routes.moderate
    return JSONResponse(
        {
            "id": new_id("modr").replace("_", "-", 1),
            "model": f"tamis-{__version__}",
            "results": results,
        }
    )


def _inputs(body: ModerationCreate, settings: Settings) -> list[tuple[Incoming, ...]]:
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
        parts: list[Incoming] = []
        for index, part in enumerate(given):
            if isinstance(part, ImageUrlInput):
                parts.append(_image(part.image_url.url, f"input[{index}].image_url.url", settings))
                continue
            assert not isinstance(part, str)
            _check_length(part.text, f"input[{index}].text", settings)
            parts.append(TextPart(part.text))
        if len(parts) > settings.max_parts:
            raise TooLarge(f"at most {settings.max_parts} parts per input, got {len(parts)}")
        return [tuple(parts)]
    for index, text in enumerate(texts):
        _check_length(text, "input" if isinstance(given, str) else f"input[{index}]", settings)
    return [(TextPart(t),) for t in texts]


def _image(url: str, where: str, settings: Settings) -> Upload:
    """An image as OpenAI takes it: a `data:` URL with base64 bytes, or an http(s) URL."""
    if not url.startswith("data:"):
        return Upload("image", url=url)
    header, _, payload = url.partition(",")
    if not header.endswith(";base64"):
        raise InvalidInput(f"{where}: a data URL must be base64 (data:image/png;base64,...)")
    if len(payload) > settings.max_image_bytes * 4 // 3 + 4:
        raise TooLarge(f"{where}: over the limit of {settings.max_image_bytes} bytes")
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(f"{where}: the data URL's base64 is not valid") from None
    return Upload("image", data=data, declared_type=header[5:].removesuffix(";base64") or None)


def _check_length(text: str, where: str, settings: Settings) -> None:
    if len(text) > settings.max_text_chars:
        raise TooLarge(
            f"{where} has {len(text)} characters; the limit is {settings.max_text_chars}"
        )
