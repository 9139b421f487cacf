from __future__ import annotations

from tamis.core import policy as policies
from tamis.core import taxonomy
from tamis.core.content import Content, LinkPart, TextPart
from tamis.core.pipeline import moderate
from tamis.core.verdict import Action
from tamis.testing import AnalyzerConformance, KeywordAnalyzer


def test_uncovered_categories_are_null_not_zero() -> None:
    verdict = moderate(Content.of_text("hello"), policies.default(), [KeywordAnalyzer()])
    assert verdict.categories["toxicity/insult"] == 0.0
    assert verdict.categories["spam"] is None
    assert "spam" in verdict.unsupported
    assert "toxicity/insult" not in verdict.unsupported
    assert set(verdict.categories) == set(taxonomy.NAMES)


def test_verdict_carries_evidence_policy_and_analyzers() -> None:
    text = "you badword"
    verdict = moderate(Content.of_text(text), policies.default(), [KeywordAnalyzer()])
    assert verdict.flagged and verdict.action is Action.HIDE
    assert verdict.clause == "insults"
    [evidence] = verdict.evidence
    assert text[evidence.evidence.start : evidence.evidence.end] == "badword"  # type: ignore[union-attr]
    assert verdict.analyzers[0].name == "keyword"
    assert verdict.policy.digest == policies.default().digest
    assert verdict.to_dict()["evidence"][0]["kind"] == "text_span"


def test_parts_are_judged_together_and_analyzers_only_see_what_they_accept() -> None:
    content = Content((TextPart("fine"), LinkPart("https://example.org"), TextPart("badword")))
    verdict = moderate(content, policies.default(), [KeywordAnalyzer()])
    assert [e.evidence.part for e in verdict.evidence] == [2]


class TestKeywordAnalyzerConforms(AnalyzerConformance):
    analyzer = KeywordAnalyzer()
    samples = (TextPart("badword here"), TextPart(""), LinkPart("https://x.example"))
