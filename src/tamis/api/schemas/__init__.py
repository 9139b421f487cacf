"""Request and response models of the HTTP API (`XCreate` in, `XPublic` out)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from tamis.core import taxonomy

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


def _written_out(value: Any) -> Any:
    """Pydantic would read a number, or a string of digits, as seconds since 1970: a
    platform that sends milliseconds, or a local epoch, would date its content decades off
    without a word, so only a date written out is taken."""
    if isinstance(value, bool | int | float) or (
        isinstance(value, str) and value.strip().lstrip("+-").replace(".", "", 1).isdigit()
    ):
        raise ValueError(
            "a number is not a date here; write it out in ISO 8601: 2026-12-08 for a day, "
            "2026-12-08T09:30:00Z for an instant"
        )
    return value


def _storable(value: datetime) -> datetime:
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise ValueError(
            "the date falls outside years 1-9999 once converted to UTC; send a real date"
        ) from None
    return value


Day = Annotated[date, BeforeValidator(_written_out)]
"""A day written out, YYYY-MM-DD, never a count of seconds."""

Instant = Annotated[AwareDatetime, BeforeValidator(_written_out), AfterValidator(_storable)]
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


def _category_schema(*also: str) -> dict[str, Any]:
    names = {"enum": [*taxonomy.NAMES, *also]}
    return {"anyOf": [names, {"pattern": taxonomy.CUSTOM_PATTERN}]}


CategoryName = Annotated[
    str,
    Field(
        json_schema_extra=_category_schema(),
        description="A taxonomy category, or custom/<name> for one the tenant defines.",
    ),
]
"""A category field: the services check it (`taxonomy.is_category`); this documents it."""
ReportCategory = Annotated[
    str,
    Field(
        json_schema_extra=_category_schema("other"),
        description="A taxonomy category, custom/<name>, or 'other' with other_reason.",
    ),
]
