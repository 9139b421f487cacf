"""Content as the API accepts it: a text shorthand, or parts (text, image, video, link)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import Field

from tamis.api.schemas import StrictIn
from tamis.core.content import LinkPart, TextPart
from tamis.errors import InvalidInput, TooLarge
from tamis.services.images import MAX_MEDIA_TYPE, Incoming, Upload
from tamis.settings import Settings


class TextPartIn(StrictIn):
    type: Literal["text"]
    text: str


class LinkPartIn(StrictIn):
    type: Literal["link"]
    url: str = Field(min_length=1, max_length=2048)


class MediaPartIn(StrictIn):
    type: Literal["image", "video"]
    data: str | None = Field(default=None, description="The file's bytes, base64-encoded.")
    url: str | None = Field(
        default=None,
        max_length=2048,
        description="Or where tamis fetches it: http(s) on a public address, ports 80 and 443.",
    )
    media_type: str | None = Field(
        default=None, max_length=MAX_MEDIA_TYPE, description="As declared; tamis judges the bytes."
    )


PartIn = Annotated[TextPartIn | LinkPartIn | MediaPartIn, Field(discriminator="type")]


class ContentIn(StrictIn):
    text: str | None = Field(default=None, description="Shorthand for one text part.")
    parts: list[PartIn] | None = None

    def to_parts(self, settings: Settings, uploads: Sequence[Upload] = ()) -> tuple[Incoming, ...]:
        """The parts sent, then files uploaded beside them (multipart), in order."""
        given: list[PartIn | Upload] = [*(self.parts or []), *uploads]
        if self.text is not None:
            given.insert(0, TextPartIn(type="text", text=self.text))
        if not given:
            raise InvalidInput("send 'text' or a non-empty list of 'parts'")
        if len(given) > settings.max_parts:
            raise TooLarge(f"at most {settings.max_parts} parts per item, got {len(given)}")
        return tuple(_convert(p, i, settings) for i, p in enumerate(given))


def _convert(part: PartIn | Upload, index: int, settings: Settings) -> Incoming:
    if isinstance(part, Upload):
        return part
    if isinstance(part, TextPartIn):
        if not part.text.strip():
            raise InvalidInput(
                f"parts[{index}].text is empty or only white space: "
                "send the words to judge, or leave the part out"
            )
        if len(part.text) > settings.max_text_chars:
            raise TooLarge(
                f"parts[{index}].text has {len(part.text)} characters; "
                f"the limit is {settings.max_text_chars}"
            )
        return TextPart(part.text)
    if isinstance(part, LinkPartIn):
        return LinkPart(part.url)
    if (part.data is None) == (part.url is None):
        raise InvalidInput(f"parts[{index}]: send either 'data' (base64) or 'url', not both")
    if part.url is not None:
        return Upload(part.type, url=part.url, declared_type=part.media_type)
    if len(part.data or "") > settings.max_image_bytes * 4 // 3 + 4:
        raise TooLarge(
            f"parts[{index}].data is over the limit of {settings.max_image_bytes} bytes "
            "(TAMIS_MAX_IMAGE_BYTES)"
        )
    try:
        data = base64.b64decode(part.data or "", validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(f"parts[{index}].data is not valid base64") from None
    if not data:
        raise InvalidInput(f"parts[{index}].data is empty")
    return Upload(part.type, data=data, declared_type=part.media_type)
