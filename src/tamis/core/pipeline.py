"""`moderate(content, policy, analyzers) -> Verdict`: the whole judgement as a plain function.

No database, no server, no queue: the same function serves the HTTP API, the CLI, job
workers and `tamis.moderate()` in a notebook, which is what makes a verdict reproducible from
its recorded policy and analyzer versions.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from tamis.analyzers.base import (
    Analysis,
    Analyzer,
    FoundText,
    LanguageIdentifier,
    PartContext,
    TenantTerms,
)
from tamis.core import policy as policies
from tamis.core import taxonomy
from tamis.core.content import Content, Part, TextPart
from tamis.core.verdict import (
    Action,
    AnalyzerRef,
    AttributedEvidence,
    Evidence,
    ImageBox,
    Language,
    Signal,
    Verdict,
)


def moderate(
    content: Content,
    policy: policies.Policy,
    analyzers: Sequence[Analyzer],
    *,
    language_identifier: LanguageIdentifier | None = None,
    tenant_terms: TenantTerms | None = None,
    external: Sequence[tuple[AnalyzerRef, Analysis]] = (),
) -> Verdict:
    """Judge `content`; `external` adds what was found outside the analyzers because it needs
    stored state (near-duplicate floods across items), folded in like any analyzer's."""
    signals: list[Signal] = []
    covered: set[str] = set()
    markers: list[str] = []
    languages: dict[tuple[str, str], Language] = {}
    used: dict[str, AnalyzerRef] = {}
    if language_identifier is not None:
        used[language_identifier.name] = AnalyzerRef(
            language_identifier.name, language_identifier.version
        )

    def identify(text: str) -> tuple[Language, ...]:
        if language_identifier is None:
            return ()
        found_languages = tuple(language_identifier.identify(text))
        for lang in found_languages:
            key = (lang.code, lang.script)
            if key not in languages or languages[key].confidence < lang.confidence:
                languages[key] = lang
        return found_languages

    def run(part: Part, context: PartContext) -> list[tuple[AnalyzerRef, Analysis]]:
        return [
            (AnalyzerRef(analyzer.name, analyzer.version), analyzer.analyze(part, context))
            for analyzer in analyzers
            if part.kind in analyzer.accepts
        ]

    found: list[tuple[AnalyzerRef, Analysis]] = []
    for index, part in enumerate(content.parts):
        part_languages = identify(part.text) if isinstance(part, TextPart) else ()
        context = PartContext(index=index, languages=part_languages, tenant_terms=tenant_terms)
        analyses = run(part, context)
        found.extend(analyses)
        for _, analysis in analyses:
            for text in analysis.texts:
                if not "".join(text.lines).strip():
                    continue
                read = TextPart("\n".join(text.lines))
                read_context = PartContext(index, identify(read.text), tenant_terms)
                found.extend(
                    (ref, _onto_boxes(result, text)) for ref, result in run(read, read_context)
                )

    for ref, analysis in [*found, *external]:
        used[ref.name] = ref
        signals.extend(analysis.signals)
        covered.update(analysis.covered)
        covered.update(s.category for s in analysis.signals)
        markers.extend(m for m in analysis.markers if m not in markers)

    scores: dict[str, float | None] = {name: None for name in taxonomy.NAMES}
    for category in covered:
        scores[category] = 0.0
    for signal in signals:
        current = scores.get(signal.category)
        if current is None or signal.score > current:
            scores[signal.category] = signal.score

    decision = policies.evaluate(policy, scores)
    return Verdict(
        flagged=decision.action is not Action.ALLOW,
        action=decision.action,
        categories=scores,
        severity={
            name: taxonomy.severity(name, score)
            for name, score in scores.items()
            if score is not None
        },
        unsupported=tuple(name for name, score in scores.items() if score is None),
        evidence=tuple(
            AttributedEvidence(s.category, s.analyzer, e) for s in signals for e in s.evidence
        ),
        languages=tuple(sorted(languages.values(), key=lambda lang: -lang.confidence)),
        policy=policy.ref,
        clause=decision.clause,
        reasons=decision.reasons,
        analyzers=tuple(used.values()),
        markers=tuple(markers),
    )


def _onto_boxes(analysis: Analysis, text: FoundText) -> Analysis:
    """Point evidence found in text read from an image at the image regions it was read in."""
    starts = [0]
    for line in text.lines:
        starts.append(starts[-1] + len(line) + 1)

    def boxes(evidence: Evidence) -> tuple[Evidence, ...]:
        start = getattr(evidence, "start", None)
        end = getattr(evidence, "end", None)
        if isinstance(evidence, ImageBox) or start is None or end is None:
            return (evidence,)
        return (
            tuple(
                box
                for box, line_start, line_end in zip(text.boxes, starts, starts[1:], strict=False)
                if start < line_end - 1 and end > line_start
            )
            or text.boxes
        )

    return Analysis(
        signals=tuple(
            dataclasses.replace(s, evidence=tuple(b for e in s.evidence for b in boxes(e)))
            for s in analysis.signals
        ),
        covered=analysis.covered,
        markers=analysis.markers,
    )
