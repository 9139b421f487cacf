"""Content as the API accepts it: a text shorthand, or parts (text, image, video, link)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Literal

from pydantic import Field

from tamis.api.schemas import StrictIn
from tamis.core.content import LinkPart, MediaPart, Part, TextPart
from tamis.errors import InvalidInput, TooLarge
from tamis.media import digest_of
from tamis.settings import Settings


class TextPartIn(StrictIn):
    type: Literal["text"]
    text: str


class LinkPartIn(StrictIn):
    type: Literal["link"]
    url: str = Field(min_length=1, max_length=2048)


class MediaPartIn(StrictIn):
    type: Literal["image", "video"]
    data: str = Field(description="The file's bytes, base64-encoded.")
    media_type: str | None = Field(default=None, max_length=100)


PartIn = Annotated[TextPartIn | LinkPartIn | MediaPartIn, Field(discriminator="type")]


class ContentIn(StrictIn):
    text: str | None = Field(default=None, description="Shorthand for one text part.")
    parts: list[PartIn] | None = None

    def to_parts(self, settings: Settings) -> tuple[Part, ...]:
        given: list[PartIn] = list(self.parts or [])
        if self.text is not None:
            given.insert(0, TextPartIn(type="text", text=self.text))
        if not given:
            raise InvalidInput("send 'text' or a non-empty list of 'parts'")
        if len(given) > settings.max_parts:
            raise TooLarge(f"at most {settings.max_parts} parts per item, got {len(given)}")
        return tuple(_convert(p, i, settings) for i, p in enumerate(given))


def _convert(part: PartIn, index: int, settings: Settings) -> Part:
    if isinstance(part, TextPartIn):
        if len(part.text) > settings.max_text_chars:
            raise TooLarge(
                f"parts[{index}].text has {len(part.text)} characters; "
                f"the limit is {settings.max_text_chars}"
            )
        return TextPart(part.text)
    if isinstance(part, LinkPartIn):
        return LinkPart(part.url)
    try:
        data = base64.b64decode(part.data, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(f"parts[{index}].data is not valid base64") from None
    if not data:
        raise InvalidInput(f"parts[{index}].data is empty")
    return MediaPart(part.type, digest_of(data), part.media_type, data)
