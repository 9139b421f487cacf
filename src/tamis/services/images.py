"""Images as they arrive: fetched when given by URL, decoded in a sandbox, hashed, re-encoded.

This runs before anything is judged or stored, for a stateless check and a stored item alike,
so a file tamis cannot read is answered with a 4xx at once (even when the item itself will be
moderated later by a worker), and what analyzers, storage and the hash banks see is always
the re-encoded picture, never the bytes an attacker crafted. The files as sent are kept only
when the tenant's policy asks for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tamis.core.content import LinkPart, MediaPart, Part, TextPart
from tamis.errors import InvalidInput, TamisError, TooLarge
from tamis.media import digest_of
from tamis.media.decode import Decoded
from tamis.services.runtime import Runtime

MAX_MEDIA_TYPE = 100
"""The longest declared type kept beside a stored file."""


@dataclass(frozen=True, slots=True)
class Upload:
    """An image or a video as the platform sent it: its bytes, or a URL for tamis to fetch."""

    kind: Literal["image", "video"]
    data: bytes | None = field(default=None, repr=False)
    url: str | None = None
    declared_type: str | None = None


Incoming = TextPart | LinkPart | Upload


@dataclass(frozen=True, slots=True)
class Received:
    """An image after intake: what is judged and stored, and what is known of the original."""

    part: MediaPart
    """The re-encoded image, with its picture for the analyzers."""
    original: bytes = field(repr=False)
    original_type: str | None
    decoded: Decoded = field(repr=False)

    def facts(self, *, original_kept: bool) -> dict[str, Any]:
        """What the item record keeps of the image beside the stored copy's digest."""
        picture = self.decoded.picture
        return {
            "format": picture.format,
            "width": picture.width,
            "height": picture.height,
            "frames": len(picture.frames),
            "md5": self.decoded.md5,
            "pdq": [{"hash": h.hash, "quality": h.quality} for h in self.decoded.pdq],
            "original": {
                "digest": digest_of(self.original),
                "size": len(self.original),
                "media_type": self.original_type,
                "kept": original_kept,
            },
        }


@dataclass(frozen=True, slots=True)
class Intake:
    parts: tuple[Part, ...]
    images: dict[int, Received]
    """By part index."""


def receive(rt: Runtime, incoming: Sequence[Incoming]) -> Intake:
    """Turn what was sent into parts ready to judge; a part tamis cannot use is a 4xx naming it."""
    parts: list[Part] = []
    images: dict[int, Received] = {}
    for index, given in enumerate(incoming):
        if not isinstance(given, Upload):
            parts.append(given)
            continue
        try:
            data, declared = _bytes_of(rt, given)
            if given.kind == "video":
                parts.append(MediaPart("video", digest_of(data), declared, data))
                continue
            received = _decode(rt, data, declared)
        except TamisError as exc:
            raise type(exc)(f"parts[{index}]: {exc.message}") from None
        images[index] = received
        parts.append(received.part)
    return Intake(tuple(parts), images)


def picture_of(rt: Runtime, part: MediaPart) -> MediaPart:
    """A stored image made ready to judge again (a queued item, a re-check)."""
    if part.kind != "image" or part.data is None:
        return part
    decoded = rt.decoder.decode(part.data)
    return MediaPart(part.kind, part.digest, part.media_type, part.data, decoded.picture)


def _bytes_of(rt: Runtime, upload: Upload) -> tuple[bytes, str | None]:
    if upload.data is not None:
        data, declared = upload.data, upload.declared_type
    elif upload.url is not None:
        fetched = rt.fetcher.fetch(upload.url)
        data, declared = fetched.data, upload.declared_type or fetched.media_type
    else:
        raise InvalidInput("send the file's bytes ('data') or a 'url' to fetch it from")
    if not data:
        raise InvalidInput("the file is empty")
    if declared is not None and len(declared) > MAX_MEDIA_TYPE:
        raise InvalidInput(
            f"the file's declared type is over {MAX_MEDIA_TYPE} characters: {declared[:40]!r}…"
        )
    if len(data) > rt.settings.max_image_bytes:
        raise TooLarge(
            f"the file has {len(data)} bytes; the limit is {rt.settings.max_image_bytes} "
            "(TAMIS_MAX_IMAGE_BYTES)"
        )
    return data, declared


def _decode(rt: Runtime, data: bytes, declared: str | None) -> Received:
    decoded = rt.decoder.decode(data, declared_type=declared)
    stored = decoded.stored
    part = MediaPart("image", digest_of(stored), decoded.stored_type, stored, decoded.picture)
    return Received(part=part, original=data, original_type=declared, decoded=decoded)
