"""RFC 9457 problem+json for every error, with a message a person can act on.

Anything unexpected is logged with the request's path only (never its body) and answered
500 without details; every expected failure is a `TamisError` with its own status.

The OpenAPI document says so too, since a platform generates its client from it: FastAPI
documents only a 422, in a shape of its own that tamis never sends. `document` replaces it
with `Problem` and adds, to every operation, the errors its kind can answer: 400 (a NUL in the
URL; for a body, malformed JSON, JSON nested too deep, text that is not UTF-8), 401 and 403
where a key is needed, 413 where there is a body, 422 where there is any input, 404 where the
path names something, 409 where an Idempotency-Key can be replayed. A route declares the rest
itself with `responses` (415 for files, 404 for an id named in the body). An operation that
declares its own 400 (Perspective's, in Google's error shape) answers invalid input with it,
so it gets no 422.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from tamis.errors import TamisError

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"


class FieldError(BaseModel):
    field: str = Field(description="Where, as dotted names: `parts.0.text`, `created_at`.")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem: what went wrong, in words a person can act on."""

    type: str = Field(default="about:blank", description="Always `about:blank`.")
    title: str
    status: int = Field(description="The HTTP status, repeated.")
    detail: str = Field(description="What to change for the request to succeed.")
    errors: list[FieldError] | None = Field(
        default=None, description="An invalid request (422): each field at fault."
    )


_WHY: dict[int, str] = {
    400: "The request cannot be read: a NUL in the URL; for a body, malformed JSON, JSON "
    "nested deeper than TAMIS_MAX_JSON_DEPTH, or text that is not UTF-8.",
    401: "No API key, or one that is unknown or revoked.",
    403: "The key lacks the scope this operation needs.",
    404: "What the request names does not exist in this tenant.",
    409: "It conflicts with what is stored, or the Idempotency-Key is in use by a concurrent "
    "request or was used with another body.",
    413: "Over a limit: the body, a file, a text or the number of parts.",
    415: "A file in a format tamis does not read (JPEG, PNG, WebP and GIF are read).",
    422: "A field is missing or invalid; `errors` says which.",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The errors a route declares beside those its kind of operation gets (`document`)."""
    return {status: _documented(status) for status in statuses}


def _documented(status: int) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Problem"}
    return {"description": _WHY[status], "content": {MEDIA_TYPE: {"schema": schema}}}


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, headers=headers, media_type=MEDIA_TYPE)


def _where(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


def install(app: FastAPI) -> None:
    """Answer every error as a problem, and document them so."""
    _handle(app)
    generate = app.openapi

    def with_problems() -> dict[str, Any]:
        if app.openapi_schema is None:
            document(generate())
        return app.openapi_schema or {}

    app.openapi = with_problems  # type: ignore[method-assign]


def document(spec: dict[str, Any]) -> None:
    """Put `Problem` in the OpenAPI document `spec`, for every error each operation answers."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem_schema.pop("$defs", {}))
    schemas["Problem"] = problem_schema
    for operations in spec.get("paths", {}).values():
        for method, operation in operations.items():
            answers = operation.setdefault("responses", {})
            own_400 = "400" in answers and MEDIA_TYPE not in answers["400"].get("content", {})
            if own_400:
                answers.pop("422", None)
            for status in _errors(method, operation, invalid=400 if own_400 else 422):
                given = answers.get(str(status))
                if given is None or _fastapi_validation(given):
                    answers[str(status)] = _documented(status)
                else:
                    given.setdefault("content", {}).update(_documented(status)["content"])


def _errors(method: str, operation: dict[str, Any], *, invalid: int) -> set[int]:
    """The errors an operation answers by its kind alone; `invalid`: its status for invalid
    input."""
    parameters = operation.get("parameters", [])
    found = {400}
    if operation.get("security"):
        found |= {401, 403}
    if method != "get":
        found.add(413)
    if parameters or "requestBody" in operation:
        found.add(invalid)
    if any(p["in"] == "path" for p in parameters):
        found.add(404)
    if any(p["name"] == "Idempotency-Key" for p in parameters):
        found.add(409)
    return found


def _fastapi_validation(answer: dict[str, Any]) -> bool:
    schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
    return str(schema.get("$ref", "")).endswith("/HTTPValidationError")


def _handle(app: FastAPI) -> None:
    @app.exception_handler(TamisError)
    async def _tamis(_: Request, exc: TamisError) -> JSONResponse:
        return problem(exc.status, exc.title, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _where(tuple(e.get("loc", ()))), "message": e.get("msg", "invalid")}
            for e in exc.errors()[:20]
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem(422, "Invalid request", detail or "the request is invalid", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        """A path or a method no route serves. Starlette's 405 names the methods of the first
        route on the path only; `Allow` must name those of every route on it (the document's,
        or Starlette's for the documentation's own pages)."""
        detail, path, headers = str(exc.detail), request.url.path, dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_methods(request)) or headers.get("Allow", "")
            detail = f"{path} does not take {request.method}; it takes {headers['Allow']}"
        elif exc.status_code == 404:
            detail = f"no operation at {path}; /docs lists them"
        return problem(exc.status_code, HTTPStatus(exc.status_code).phrase, detail, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error(
            "unexpected %s on %s %s",
            type(exc).__name__,
            request.method,
            request.url.path,
            exc_info=exc,
        )
        return problem(500, "Internal error", "an unexpected error occurred; it has been logged")


def _methods(request: Request) -> list[str]:
    """The methods the API's document lists for the request's path."""
    paths: dict[str, dict[str, Any]] = request.app.openapi().get("paths", {})
    path = request.url.path
    return sorted(
        {
            m.upper()
            for template, ops in paths.items()
            if _path(template).fullmatch(path)
            for m in ops
        }
    )


@functools.cache
def _path(template: str) -> re.Pattern[str]:
    """`/v1/items/{item_id}` as a pattern that its paths match."""
    return re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)))
