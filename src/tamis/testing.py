"""Test helpers that ship with tamis: fake analyzers and a conformance suite for analyzers.

Third-party analyzer authors subclass `AnalyzerConformance` in their own tests to check that
their analyzer keeps the contract every interface relies on: a unique name and a version,
scores within 0..1, evidence inside the part it describes, and coverage declared honestly.
Fakes live here, in the package, so tests never mock tamis's own internals.
"""

from __future__ import annotations

import os
import re
from typing import ClassVar

from tamis.analyzers.base import Analysis, Analyzer, PartContext
from tamis.core import taxonomy
from tamis.core.content import Part, PartKind, TextPart
from tamis.core.verdict import LexiconHit, Signal, TextSpan


class KeywordAnalyzer:
    """Scores `category` at `score` wherever `keyword` appears; covers only that category."""

    name: ClassVar[str] = "keyword"
    version: ClassVar[str] = "1"
    accepts: ClassVar[frozenset[PartKind]] = frozenset({"text"})

    def __init__(
        self, keyword: str = "badword", category: str = "toxicity/insult", score: float = 0.97
    ) -> None:
        self.keyword, self.category, self.score = keyword, category, score

    def analyze(self, part: Part, context: PartContext) -> Analysis:
        assert isinstance(part, TextPart)
        spans = tuple(
            TextSpan(context.index, m.start(), m.end())
            for m in re.finditer(re.escape(self.keyword), part.text)
        )
        signals = (
            (Signal(self.category, self.score, self.name, context.index, spans),) if spans else ()
        )
        return Analysis(signals=signals, covered=frozenset({self.category}))


class CrashingAnalyzer:
    """Kills its whole process when a text contains `CRASH_MARKER`: a poison input for tests
    of job leases, retries and dead-lettering. Load it with
    `TAMIS_ANALYZERS='["lexicon", "tamis.testing:CrashingAnalyzer"]'`."""

    name: ClassVar[str] = "crasher"
    version: ClassVar[str] = "1"
    accepts: ClassVar[frozenset[PartKind]] = frozenset({"text"})
    CRASH_MARKER: ClassVar[str] = "\u2620crash-the-worker\u2620"

    def analyze(self, part: Part, context: PartContext) -> Analysis:
        if isinstance(part, TextPart) and self.CRASH_MARKER in part.text:
            os._exit(70)
        return Analysis()


class AnalyzerConformance:
    """Subclass in a pytest module and set `analyzer` and `samples`; the tests come for free."""

    analyzer: ClassVar[Analyzer]
    samples: ClassVar[tuple[Part, ...]]

    def _analyses(self) -> list[tuple[int, Part, Analysis]]:
        out = []
        for index, part in enumerate(self.samples):
            if part.kind in self.analyzer.accepts:
                context = PartContext(index=index, languages=())
                out.append((index, part, self.analyzer.analyze(part, context)))
        return out

    def test_identity(self) -> None:
        assert re.fullmatch(r"[a-z][a-z0-9_\-]{0,62}", self.analyzer.name)
        assert self.analyzer.version
        assert self.analyzer.accepts

    def test_signals_are_well_formed(self) -> None:
        for index, part, analysis in self._analyses():
            for signal in analysis.signals:
                assert taxonomy.is_category(signal.category), signal.category
                assert 0.0 <= signal.score <= 1.0
                assert signal.analyzer == self.analyzer.name
                assert signal.part == index
                assert signal.category in analysis.covered, (
                    f"{signal.category} scored but not declared covered"
                )
                for evidence in signal.evidence:
                    assert evidence.part == index
                    if isinstance(evidence, TextSpan | LexiconHit):
                        assert isinstance(part, TextPart)
                        assert 0 <= evidence.start < evidence.end <= len(part.text)

    def test_covered_categories_are_known(self) -> None:
        for _, _, analysis in self._analyses():
            for name in analysis.covered:
                assert taxonomy.is_category(name), name
