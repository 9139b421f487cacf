"""Request and response models of the HTTP API (`XCreate` in, `XPublic` out)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, model_validator

_SURROGATE = "a string holds an unpaired UTF-16 surrogate (e.g. \\ud800); send valid Unicode"
_NUL = "a string holds a NUL character (\\u0000), which no field accepts; remove it"


def _invalid_text(value: Any) -> str | None:
    """Why a string somewhere in `value` cannot be stored as text, or None."""
    if isinstance(value, str):
        if "\x00" in value:
            return _NUL
        if not value.isascii() and any("\ud800" <= ch <= "\udfff" for ch in value):
            return _SURROGATE
        return None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list):
        return next((why for v in value if (why := _invalid_text(v)) is not None), None)
    return None


def _storable(value: datetime) -> datetime:
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise ValueError(
            "the date falls outside years 1-9999 once converted to UTC; send a real date"
        ) from None
    return value


Instant = Annotated[AwareDatetime, AfterValidator(_storable)]
"""A date with its time zone that is still a date in UTC (`9999-12-31T23:59:59-14:00` is
not: the store keeps every instant in UTC)."""


class StrictIn(BaseModel):
    """Refuses unknown fields, and strings that are not valid Unicode (lone surrogates) or that
    no database stores as text (NUL: PostgreSQL refuses it, SQLite would keep it)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _valid_unicode(cls, data: Any) -> Any:
        why = _invalid_text(data)
        if why is not None:
            raise ValueError(why)
        return data
