"""The links analyzer: tenants' wildcard rules, shorteners, look-alike hosts, disguises."""

from __future__ import annotations

from typing import ClassVar

import pytest

from tamis.analyzers.base import Analysis, Analyzer, PartContext, TenantTerms
from tamis.analyzers.text.links import (
    HOMOGLYPH_MARKER,
    OBFUSCATED_MARKER,
    SHORTENER_MARKER,
    LinksAnalyzer,
    RuleSet,
    parse_rule,
)
from tamis.analyzers.text.urls import find_links
from tamis.core import policy as policies
from tamis.core.content import Content, LinkPart, Part, TextPart
from tamis.core.pipeline import moderate
from tamis.core.verdict import Action, LinkHit
from tamis.testing import AnalyzerConformance

ANALYZER = LinksAnalyzer()


def _terms(*rules: tuple[str, str, str]) -> TenantTerms:
    return TenantTerms(links=rules, version=repr(rules))


def _analyze(text: str, terms: TenantTerms | None = None) -> Analysis:
    return ANALYZER.analyze(TextPart(text), PartContext(index=0, languages=(), tenant_terms=terms))


def _scores(analysis: Analysis) -> dict[str, float]:
    return {s.category: s.score for s in analysis.signals}


class TestConformance(AnalyzerConformance):
    analyzer: ClassVar[Analyzer] = ANALYZER
    samples: ClassVar[tuple[Part, ...]] = (
        TextPart("rien à voir ici"),
        TextPart("promo sur bit.ly/abc et pаypal.com, exemple[.]com"),
        LinkPart("https://tinyurl.com/xyz"),
    )


def test_it_is_registered_under_its_name() -> None:
    from tamis.analyzers import registry

    assert registry.available()["links"] is LinksAnalyzer


def test_a_plain_link_is_not_spam_and_claims_no_coverage() -> None:
    analysis = _analyze("Le compte rendu est sur https://www.lemonde.fr/politique/article.html")
    assert analysis.signals == () and analysis.covered == frozenset()
    verdict = moderate(
        Content.of_text("Lisez https://www.lemonde.fr/politique/"),
        policies.default(),
        [ANALYZER],
    )
    assert verdict.categories["spam"] is None and verdict.action is Action.ALLOW


@pytest.mark.parametrize(
    ("pattern", "normal"),
    [
        ("Example.COM", "example.com"),
        ("https://example.com", "example.com"),
        ("*.Example.com", "*.example.com"),
        ("*.xyz", "*.xyz"),
        ("example.com/promo*", "example.com/promo*"),
        ("example.com?b=2&utm_source=x&a=1", "example.com/?a=1&b=2"),
        ("пример.рф", "xn--e1afmkfd.xn--p1ai"),
    ],
)
def test_rules_are_stored_in_normal_form(pattern: str, normal: str) -> None:
    assert parse_rule(pattern) == normal


@pytest.mark.parametrize("pattern", ["", "ex*ample.com", "exa mple.com", "localhost", "*"])
def test_malformed_rules_say_what_to_write(pattern: str) -> None:
    with pytest.raises(ValueError, match=r"example\.com|host name"):
        parse_rule(pattern)


RULES = RuleSet(
    [
        ("block", "spam-site.net", "spam"),
        ("block", "*.blogspot.com", "spam"),
        ("allow", "ourblog.blogspot.com", ""),
        ("block", "news.example.org/promo*", "scam"),
        ("block", "*.xyz", "spam"),
    ]
)


@pytest.mark.parametrize(
    ("written", "rule"),
    [
        ("spam-site.net", "spam-site.net"),
        ("www.spam-site.net/any/path", "spam-site.net"),
        ("notspam-site.net", None),
        ("blogspot.com", None),
        ("someone.blogspot.com", "*.blogspot.com"),
        ("ourblog.blogspot.com/post", "ourblog.blogspot.com"),
        ("news.example.org/promo/2025?utm_source=x", "news.example.org/promo*"),
        ("news.example.org/article", None),
        ("win-big.xyz", "*.xyz"),
    ],
)
def test_the_most_specific_rule_wins(written: str, rule: str | None) -> None:
    [link] = find_links(f"voir {written} svp")
    found = RULES.match(link)
    assert (found.pattern if found else None) == rule


def test_a_blocked_link_is_spam_at_one_with_the_rule_as_evidence() -> None:
    text = "Achetez des followers sur www.spam-site.net/offre maintenant"
    analysis = _analyze(text, _terms(("block", "spam-site.net", "spam")))
    [signal] = analysis.signals
    assert signal.category == "spam" and signal.score == 1.0
    [hit] = signal.evidence
    assert isinstance(hit, LinkHit) and hit.list == "block" and hit.rule == "spam-site.net"
    assert text[hit.start : hit.end] == "www.spam-site.net/offre"


def test_a_block_rule_may_name_its_category() -> None:
    analysis = _analyze(
        "faux support: help.example.org/x", _terms(("block", "*.example.org", "scam"))
    )
    assert _scores(analysis) == {"scam": 1.0}


def test_a_shortener_is_marked_and_a_modest_spam_signal() -> None:
    analysis = _analyze("regarde ça https://bit.ly/3xYz")
    assert SHORTENER_MARKER in analysis.markers
    assert 0 < _scores(analysis)["spam"] < 0.6  # below the default policy's review threshold
    [hit] = analysis.signals[0].evidence
    assert isinstance(hit, LinkHit) and hit.list == "shortener" and hit.rule == "bit.ly"


def test_a_look_alike_host_is_marked_and_goes_to_review() -> None:
    text = "Votre compte est bloqué, connectez-vous sur pаypal.com/verify"
    analysis = _analyze(text)
    assert HOMOGLYPH_MARKER in analysis.markers
    verdict = moderate(Content.of_text(text), policies.default(), [ANALYZER])
    assert verdict.action is Action.REVIEW and verdict.clause == "spam"


def test_a_disguised_link_is_marked() -> None:
    analysis = _analyze("écris-moi sur exemple[.]com")
    assert OBFUSCATED_MARKER in analysis.markers and _scores(analysis)["spam"] < 0.6


def test_an_allowed_link_is_never_flagged_by_the_heuristics() -> None:
    terms = _terms(("allow", "bit.ly", ""), ("allow", "xn--pypal-4ve.com", ""))
    analysis = _analyze("bit.ly/abc et pаypal.com", terms)
    assert analysis.signals == () and analysis.markers == ()


def test_allow_beats_a_broader_block_and_block_wins_a_tie() -> None:
    terms = _terms(("block", "*.example.com", "spam"), ("allow", "good.example.com", ""))
    assert _analyze("good.example.com", terms).signals == ()
    assert _scores(_analyze("bad.example.com", terms)) == {"spam": 1.0}
    tie = _terms(("block", "example.com", "spam"), ("allow", "example.com", ""))
    assert _scores(_analyze("example.com", tie)) == {"spam": 1.0}


def test_a_link_part_is_judged_like_a_link_in_text() -> None:
    context = PartContext(index=2, languages=(), tenant_terms=_terms(("block", "t.co", "spam")))
    analysis = ANALYZER.analyze(LinkPart("https://t.co/abc"), context)
    [signal] = analysis.signals
    assert signal.part == 2 and signal.score == 1.0
