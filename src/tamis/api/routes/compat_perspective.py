"""`POST /v1alpha1/comments:analyze`: Perspective's API, for platforms it leaves behind.

Perspective shuts down at the end of 2026; its clients send the key as `?key=` and read errors
in Google's shape (`error.details[].errorType`). Both are honoured here: a refusal about the
comment or the attributes comes in that shape, so existing handling of
`LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE` keeps working. Authentication failures and the
server-wide limits stay RFC 9457 problems, as everywhere else in tamis: clients act on their
status (401, 403, 413), which is the same. The key is blanked out of the query string before
the access log sees it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from tamis.api.deps import RuntimeDep
from tamis.api.schemas.compat_perspective import (
    AnalyzeCommentError,
    AnalyzeCommentRequest,
    AnalyzeCommentResponse,
)
from tamis.errors import AuthError
from tamis.services.compat_perspective import AnalyzeRequest, PerspectiveError, analyze
from tamis.services.keys import Principal

_KEY_IN_QUERY = re.compile(rb"(^|&)key=[^&]*")


class _PerspectiveErrors(APIRoute):
    """Answers a malformed body and a refused comment in Perspective's error shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            _hide_key(request)
            try:
                return await handler(request)
            except RequestValidationError as exc:
                error = exc.errors()[0] if exc.errors() else {}
                where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
                failure = PerspectiveError(
                    "INVALID_REQUEST", f"{where}: {error.get('msg', 'invalid request')}"
                )
            except PerspectiveError as exc:
                failure = exc
            return JSONResponse(failure.body(), status_code=400)

        return route


def _hide_key(request: Request) -> None:
    """Blank `?key=` out of the scope the access log reads; the parsed copy keeps it."""
    query: bytes = request.scope.get("query_string", b"")
    if b"key=" in query:
        _ = request.query_params  # parsed and cached now, with the key, for `_principal`
        request.scope["query_string"] = _KEY_IN_QUERY.sub(rb"\1key=REDACTED", query)


router = APIRouter(
    prefix="/v1alpha1/comments:analyze", tags=["compatibility"], route_class=_PerspectiveErrors
)
_bearer = HTTPBearer(auto_error=False, description="An API key: tamis_sk_...")


async def _principal(
    rt: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    key: Annotated[
        str | None, Query(description="The API key, Perspective's way (the header is safer).")
    ] = None,
) -> Principal:
    if credentials is not None:
        header: str | None = f"{credentials.scheme} {credentials.credentials}"
    elif key:
        header = f"Bearer {key}"
    else:
        raise AuthError("send your API key as ?key=tamis_sk_... or 'Authorization: Bearer ...'")
    principal = rt.keys.authenticate(header)
    principal.require("moderate")
    return principal


@router.post(
    "",
    response_model=AnalyzeCommentResponse,
    response_model_exclude_none=True,
    responses={400: {"model": AnalyzeCommentError, "description": "Refused, as Perspective does."}},
)
async def analyze_comment(
    body: AnalyzeCommentRequest,
    rt: RuntimeDep,
    principal: Annotated[Principal, Depends(_principal)],
) -> JSONResponse:
    request = AnalyzeRequest(
        text=body.comment.text,
        thresholds={name: a.scoreThreshold for name, a in body.requestedAttributes.items()},
        languages=tuple(body.languages) if body.languages else None,
        spans=body.spanAnnotations,
        client_token=body.clientToken,
        max_chars=rt.settings.max_text_chars,
    )
    if request.spans:  # one judgement per sentence: off the event loop
        answer = await run_in_threadpool(
            analyze, rt, tenant_id=principal.tenant_id, request=request
        )
    else:
        answer = analyze(rt, tenant_id=principal.tenant_id, request=request)
    return JSONResponse(answer)
