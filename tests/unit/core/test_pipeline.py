from __future__ import annotations

from tamis.core import policy as policies
from tamis.core import taxonomy
from tamis.core.content import Content, LinkPart, MediaPart, TextPart
from tamis.core.pipeline import moderate
from tamis.core.verdict import Action, ImageBox
from tamis.testing import AnalyzerConformance, KeywordAnalyzer, ReadingAnalyzer


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


def test_text_read_in_an_image_is_judged_and_points_at_where_it_was_read() -> None:
    image = MediaPart("image", "0" * 64, "image/png")
    content = Content((TextPart("nice photo"), image))
    reader = ReadingAnalyzer("hello there", "you badword", "bye")
    verdict = moderate(content, policies.default(), [KeywordAnalyzer(), reader])
    assert verdict.action is Action.HIDE and verdict.categories["toxicity/insult"] == 0.97
    [found] = verdict.evidence
    assert found.analyzer == "keyword" and found.category == "toxicity/insult"
    assert found.evidence == ImageBox(1, 10, 50, 300, 30, "text")
    assert {a.name for a in verdict.analyzers} == {"keyword", "reader"}


def test_an_image_without_text_leaves_text_categories_to_the_text_parts() -> None:
    image = MediaPart("image", "0" * 64, "image/png")
    verdict = moderate(
        Content((image,)), policies.default(), [KeywordAnalyzer(), ReadingAnalyzer()]
    )
    assert verdict.categories["toxicity/insult"] is None
