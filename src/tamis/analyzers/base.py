"""The analyzer interface: content in, signals out.

An analyzer declares its name (a storage key, unique), its version (recorded in every verdict
so a decision can be reproduced), and the part kinds it accepts. For each part it returns the
signals it found *and the categories it covered* for that part: coverage depends on the
language and the medium, and a category nobody covered is reported as unsupported rather
than as a reassuring zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol, runtime_checkable

from tamis.core.content import Part, PartKind
from tamis.core.verdict import ImageBox, Language, Signal


@dataclass(frozen=True, slots=True)
class FoundText:
    """Text an analyzer read inside a part (words in an image), for the text analyzers to
    judge; line `i` was read in `boxes[i]`, which is where their evidence will point."""

    lines: tuple[str, ...]
    boxes: tuple[ImageBox, ...]


@dataclass(frozen=True, slots=True)
class Analysis:
    signals: tuple[Signal, ...] = ()
    covered: frozenset[str] = frozenset()
    markers: tuple[str, ...] = ()
    texts: tuple[FoundText, ...] = ()


@dataclass(frozen=True, slots=True)
class PartContext:
    """What the pipeline knows about a part before analyzers see it."""

    index: int
    languages: tuple[Language, ...]
    tenant_terms: TenantTerms | None = None


@dataclass(frozen=True, slots=True)
class TenantHeads:
    """A tenant's own text heads, as stored; the analyzer that trained them reads `weights`."""

    version: str
    categories: tuple[str, ...]
    weights: bytes


@dataclass(frozen=True, slots=True)
class TenantTerms:
    """What a tenant adds to the shared analyzers: lexicon terms to block and to allow, link
    rules, and text heads of its own."""

    block: tuple[tuple[str, str], ...] = ()
    """(term, category) pairs."""
    allow: tuple[str, ...] = ()
    version: str = ""
    links: tuple[tuple[str, str, str], ...] = ()
    """(list, pattern, category) link rules; `list` is block or allow (see `text.links`)."""
    heads: TenantHeads | None = None
    """Heads trained on the tenant's examples; they replace the shared ones they cover."""


@runtime_checkable
class Analyzer(Protocol):
    name: ClassVar[str]
    version: ClassVar[str]
    accepts: ClassVar[frozenset[PartKind]]

    def analyze(self, part: Part, context: PartContext) -> Analysis: ...


@runtime_checkable
class LanguageIdentifier(Protocol):
    name: ClassVar[str]
    version: ClassVar[str]

    def identify(self, text: str) -> Sequence[Language]: ...
