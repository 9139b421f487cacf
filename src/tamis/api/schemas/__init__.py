"""Request and response models of the HTTP API (`XCreate` in, `XPublic` out)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value) if not value.isascii() else False
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


class StrictIn(BaseModel):
    """Refuses unknown fields, and strings that are not valid Unicode (lone surrogates)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _valid_unicode(cls, data: Any) -> Any:
        if _has_surrogate(data):
            raise ValueError(
                "a string holds an unpaired UTF-16 surrogate (e.g. \\ud800); send valid Unicode"
            )
        return data
