"""Items as the API takes and returns them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field

from tamis.api.schemas import Instant
from tamis.api.schemas.content import ContentIn
from tamis.api.schemas.verdicts import VerdictPublic
from tamis.store.interfaces import ItemRecord


def _web_page(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if (
        not sep
        or scheme.lower() not in ("http", "https")
        or not rest.strip()
        or not url.isprintable()
    ):
        raise ValueError(
            "context_url is the address of the page where the content appears, starting with "
            "http:// or https://"
        )
    return url


WebPage = Annotated[str, AfterValidator(_web_page)]
"""A moderator opens it and the DSA statements cite it, so only a web address will do."""


class ItemCreate(ContentIn):
    external_id: str = Field(min_length=1, max_length=200, description="The platform's own id.")
    author_id: str | None = Field(
        None, max_length=200, description="The platform's opaque account id of the author."
    )
    author_locale: str | None = Field(
        None,
        max_length=35,
        pattern=r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$",
        description="BCP 47 locale of the author, e.g. fr-FR; notices are written in it.",
    )
    created_at: Instant | None = Field(None, description="When the content was posted.")
    context_url: WebPage | None = Field(
        None, max_length=2048, description="The page where the content appears (http or https)."
    )
    run_async: bool = Field(
        False, alias="async", description="Queue for a worker and answer 202 at once."
    )


class ItemPublic(BaseModel):
    id: str
    external_id: str
    author_id: str | None
    author_locale: str | None
    created_at: datetime | None
    context_url: str | None
    received_at: datetime
    status: str = Field(description="pending, moderated or failed")
    parts: list[dict[str, Any]]
    content_digest: str
    erased: bool
    action: str | None
    verdict: VerdictPublic | None
    moderated_at: datetime | None

    @classmethod
    def of(cls, record: ItemRecord) -> ItemPublic:
        return cls(
            id=record.id,
            external_id=record.external_id,
            author_id=record.author_id,
            author_locale=record.author_locale,
            created_at=record.content_date,
            context_url=record.context_url,
            received_at=record.created_at,
            status=record.status,
            parts=list(record.parts),
            content_digest=record.content_digest,
            erased=record.erased_at is not None,
            action=record.action,
            verdict=VerdictPublic.model_validate(record.verdict) if record.verdict else None,
            moderated_at=record.moderated_at,
        )
