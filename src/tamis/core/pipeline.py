"""`moderate(content, policy, analyzers) -> Verdict`: the whole judgement as a plain function.

No database, no server, no queue: the same function serves the HTTP API, the CLI, job
workers and `tamis.moderate()` in a notebook, which is what makes a verdict reproducible from
its recorded policy and analyzer versions.
"""

from __future__ import annotations

from collections.abc import Sequence

from tamis.analyzers.base import Analysis, Analyzer, LanguageIdentifier, PartContext, TenantTerms
from tamis.core import policy as policies
from tamis.core import taxonomy
from tamis.core.content import Content, TextPart
from tamis.core.verdict import (
    Action,
    AnalyzerRef,
    AttributedEvidence,
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

    found: list[tuple[AnalyzerRef, Analysis]] = []
    for index, part in enumerate(content.parts):
        part_languages: tuple[Language, ...] = ()
        if language_identifier is not None and isinstance(part, TextPart):
            part_languages = tuple(language_identifier.identify(part.text))
            for lang in part_languages:
                key = (lang.code, lang.script)
                if key not in languages or languages[key].confidence < lang.confidence:
                    languages[key] = lang
        context = PartContext(index=index, languages=part_languages, tenant_terms=tenant_terms)
        for analyzer in analyzers:
            if part.kind not in analyzer.accepts:
                continue
            ref = AnalyzerRef(analyzer.name, analyzer.version)
            found.append((ref, analyzer.analyze(part, context)))

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
