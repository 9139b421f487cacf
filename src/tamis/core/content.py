"""What a platform sends: an item made of one or more parts.

A post with a caption and two photos is one item with three parts, judged together, so that a
decision covers what readers actually saw. Media parts carry their bytes only while they are
being judged; stored items refer to media by digest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import numpy as np
import numpy.typing as npt

PartKind = Literal["text", "image", "video", "link"]


@dataclass(frozen=True, slots=True)
class TextPart:
    text: str
    kind: Literal["text"] = "text"


Frame = npt.NDArray[np.uint8]
"""Height × width × 3, RGB."""


@dataclass(frozen=True, slots=True)
class Picture:
    """An image as analyzers see it: decoded in a sandbox, never the file an attacker crafted.

    `frames` are RGB, scaled so the long side fits the analysis size; an animation is sampled
    (`frame_ms` says when each sample shows). Boxes in evidence are in these frames' pixels.
    """

    format: str
    """What the magic bytes said: jpeg, png, webp or gif."""
    width: int
    height: int
    """Of the original image."""
    frames: tuple[Frame, ...] = field(repr=False, compare=False)
    frame_ms: tuple[int, ...] = (0,)


@dataclass(frozen=True, slots=True)
class MediaPart:
    """An image or a video, by content digest; `data` and `picture` are present only while
    it is analysed."""

    kind: Literal["image", "video"]
    digest: str
    media_type: str | None = None
    data: bytes | None = field(default=None, repr=False, compare=False)
    picture: Picture | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class LinkPart:
    url: str
    kind: Literal["link"] = "link"


Part = TextPart | MediaPart | LinkPart


@dataclass(frozen=True, slots=True)
class Content:
    parts: tuple[Part, ...]
    author_locale: str | None = None

    @classmethod
    def of_text(cls, text: str) -> Content:
        return cls(parts=(TextPart(text),))

    @property
    def kinds(self) -> frozenset[PartKind]:
        return frozenset(p.kind for p in self.parts)


@dataclass(frozen=True, slots=True)
class Item:
    """An item as the platform knows it: its own ids, opaque to tamis, and the content."""

    external_id: str
    content: Content
    author_id: str | None = None
    created_at: datetime | None = None
    context_url: str | None = None
