"""`tamis.moderate(...)`: the pure core with the shipped analyzers, for use in a program."""

from __future__ import annotations

import atexit
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from tamis.analyzers import registry
from tamis.analyzers.base import Analyzer, LanguageIdentifier
from tamis.core import policy as policies
from tamis.core.content import Content, LinkPart, MediaPart, Part, TextPart
from tamis.core.pipeline import moderate as run_pipeline
from tamis.core.verdict import Verdict
from tamis.errors import InvalidInput
from tamis.media import digest_of

if TYPE_CHECKING:
    from tamis.media.decode import Decoder


@cache
def _analyzers() -> tuple[Analyzer, ...]:
    return registry.load()


@cache
def _identifier() -> LanguageIdentifier:
    from tamis.analyzers.text.langid import LinguaLanguageIdentifier

    return LinguaLanguageIdentifier()


@cache
def _decoder() -> Decoder:
    from tamis.media.decode import Decoder

    decoder = Decoder(processes=min(4, os.cpu_count() or 1))
    atexit.register(decoder.close)
    return decoder


def _read_image(path: Path) -> bytes:
    """A file's bytes, refusing what is not a regular file (a pipe or a device would never
    end) and reading no more than the decoder will refuse anyway."""
    if path.exists() and not path.is_file():
        raise InvalidInput(f"{path} is a folder, a pipe or a device: give an image file")
    with path.open("rb") as f:
        return f.read(_decoder().limits.max_bytes + 1)  # one byte over: "too large"


def moderate(
    text: str | None = None,
    *,
    image: bytes | str | Path | Sequence[bytes | str | Path] = (),
    links: Sequence[str] = (),
    policy: policies.Policy | str | Path | None = None,
    locale: str | None = None,
) -> Verdict:
    """Judge a text, images (bytes or file paths) and links, as one item, against a policy:
    the default one, a parsed one or a file."""
    parts: list[Part] = []
    if text is not None:
        parts.append(TextPart(text))
    given = [image] if isinstance(image, bytes | str | Path) else list(image)
    for source in given:
        data = source if isinstance(source, bytes) else _read_image(Path(source))
        decoded = _decoder().decode(data)
        parts.append(
            MediaPart("image", digest_of(data), decoded.stored_type, data, decoded.picture)
        )
    parts.extend(LinkPart(url) for url in links)
    if not parts:
        raise ValueError("give a text, an image or at least one link")
    if policy is None:
        chosen = policies.default()
    elif isinstance(policy, policies.Policy):
        chosen = policy
    else:
        path = Path(policy)
        chosen = policies.parse(path.read_text("utf-8"), name=str(path))
    return run_pipeline(
        Content(tuple(parts), author_locale=locale),
        chosen,
        _analyzers(),
        language_identifier=_identifier(),
    )
