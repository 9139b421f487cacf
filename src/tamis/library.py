"""`tamis.moderate(...)`: the pure core with the shipped analyzers, for use in a program."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from tamis.analyzers import registry
from tamis.analyzers.base import Analyzer, LanguageIdentifier
from tamis.core import policy as policies
from tamis.core.content import Content, LinkPart, Part, TextPart
from tamis.core.pipeline import moderate as run_pipeline
from tamis.core.verdict import Verdict


@cache
def _analyzers() -> tuple[Analyzer, ...]:
    return registry.load()


@cache
def _identifier() -> LanguageIdentifier:
    from tamis.analyzers.text.langid import LinguaLanguageIdentifier

    return LinguaLanguageIdentifier()


def moderate(
    text: str | None = None,
    *,
    links: Sequence[str] = (),
    policy: policies.Policy | str | Path | None = None,
    locale: str | None = None,
) -> Verdict:
    """Judge a text (and links) against a policy: the default one, a parsed one or a file."""
    parts: list[Part] = []
    if text is not None:
        parts.append(TextPart(text))
    parts.extend(LinkPart(url) for url in links)
    if not parts:
        raise ValueError("give a text or at least one link")
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
