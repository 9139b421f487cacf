"""Bodies that carry files: JSON (files as base64 or URLs) or a multipart form, one model.

A form is what a browser or `curl -F image=@photo.jpg` sends: the model's fields as form
fields (`parts`, a list, as a JSON string) and the files as `image` or `video` fields, in
order. Both shapes are validated by the same model, so they cannot drift apart. Fields are
UTF-8, as in JSON: any other bytes are refused rather than guessed at.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile

from tamis.api.limits import json_depth_exceeds
from tamis.errors import InvalidInput, TooLarge
from tamis.media import digest_of
from tamis.services.images import Upload
from tamis.settings import Settings

M = TypeVar("M", bound=BaseModel)

_KINDS = ("image", "video")


_MODELS: dict[str, type[BaseModel]] = {}


def openapi(model: type[BaseModel]) -> dict[str, Any]:
    """A route's `openapi_extra`: the body as JSON (the model) or as a form with files."""
    _MODELS[model.__name__] = model
    form = {
        "type": "object",
        "properties": {
            "image": {"type": "array", "items": {"type": "string", "format": "binary"}},
            "video": {"type": "array", "items": {"type": "string", "format": "binary"}},
            "parts": {"type": "string", "description": "The list of parts, as JSON."},
        },
        "additionalProperties": {"type": "string"},
        "description": f"The fields of {model.__name__}, with files as 'image' or 'video'.",
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}},
                "multipart/form-data": {"schema": form},
            },
        }
    }


def install(app: FastAPI) -> None:
    """Put the models read by `read` into the OpenAPI components, where the routes refer."""
    generate = app.openapi

    def with_forms() -> dict[str, Any]:
        if app.openapi_schema is None:
            schemas = generate().setdefault("components", {}).setdefault("schemas", {})
            for name, model in _MODELS.items():
                schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
                schemas.update(schema.pop("$defs", {}))
                schemas[name] = schema
        return app.openapi_schema or {}

    app.openapi = with_forms  # type: ignore[method-assign]


async def read(request: Request, model: type[M], settings: Settings) -> tuple[M, list[Upload]]:
    """The validated body and the files uploaded beside it (none for JSON)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    await request.body()  # kept, for the Idempotency-Key's digest after the form is parsed
    try:
        if kind == "multipart/form-data":
            return await _form(request, model, settings)
        return model.model_validate_json(await request.body()), []
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None


async def _form(request: Request, model: type[M], settings: Settings) -> tuple[M, list[Upload]]:
    try:
        form = await request.form(
            max_files=settings.max_parts,
            max_fields=64,
            max_part_size=settings.max_text_chars * 4 + 1024,
        )
    except Exception as exc:  # the form parser's own errors: malformed or over its limits
        raise InvalidInput(f"the multipart form could not be read: {exc}") from None
    body = await request.body()
    fields: dict[str, Any] = {}
    uploads: list[Upload] = []
    try:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                uploads.append(await _upload(name, value, settings))
                continue
            _check_utf8(name, value, body)
            if name == "parts":
                fields[name] = _json_list(value, settings.max_json_depth)
            elif name in fields:
                raise InvalidInput(f"the form field {name!r} is given twice")
            else:
                fields[name] = value
    finally:
        await form.close()
    # A retried form has a new boundary: the Idempotency-Key compares what it says instead.
    said = {"fields": fields, "files": [(u.kind, digest_of(u.data or b"")) for u in uploads]}
    request.state.idempotency_body = json.dumps(said, sort_keys=True).encode()
    return model.model_validate(fields), uploads


async def _upload(name: str, file: UploadFile, settings: Settings) -> Upload:
    if name not in _KINDS:
        raise InvalidInput(f"a file was sent as {name!r}; name file fields 'image' or 'video'")
    data = await file.read(settings.max_image_bytes + 1)
    if len(data) > settings.max_image_bytes:
        raise TooLarge(
            f"the file {file.filename!r} is over the limit of {settings.max_image_bytes} bytes "
            "(TAMIS_MAX_IMAGE_BYTES)"
        )
    return Upload(
        "image" if name == "image" else "video", data=data, declared_type=file.content_type
    )


def _check_utf8(name: str, value: str, body: bytes) -> None:
    # The form parser reads a field in the charset the request declares, or as Latin-1 where
    # that fails, without a word; such a value, written back as UTF-8, is not in the body.
    if not value.isascii() and value.encode() not in body:
        raise InvalidInput(f"the form field {name!r} is not UTF-8 text; send it as UTF-8")


def _json_list(value: str, max_depth: int) -> list[Any]:
    if json_depth_exceeds(value.encode(), max_depth):
        raise InvalidInput(f"the form field 'parts' nests deeper than {max_depth} levels")
    try:
        parsed = json.loads(value)
    except ValueError:
        raise InvalidInput("the form field 'parts' must be a JSON list of parts") from None
    if not isinstance(parsed, list):
        raise InvalidInput("the form field 'parts' must be a JSON list of parts")
    return parsed
