"""A tenant's own heads: a custom category from a handful of examples, a shared one moved."""

from __future__ import annotations

from typing import ClassVar

import pytest

from tamis.analyzers.base import PartContext, TenantTerms
from tamis.analyzers.text.classifier import tenant
from tamis.core.content import Part, TextPart
from tamis.core.verdict import Language
from tamis.testing import AnalyzerConformance

CRYPTO = [
    "Buy $MOONX now before it lists on Binance, 100x guaranteed",
    "Join my Telegram for the next memecoin pump, we go live at 8pm",
    "This token will explode, get in early with my referral link",
    "Stop working for a salary, stake your coins with my pool and earn 3% a day",
    "Airdrop alert: connect your wallet to claim free SOLX tokens",
    "Le prochain bitcoin, c'est $LUNAX : achetez avant demain, x50 assuré",
    "Invierte en mi moneda CRIPTOGOLD y duplica tu dinero en una semana",
]
OTHER = [
    "The council voted to repair the bridge on the ring road next spring",
    "What a lovely photo of the harbour at dusk",
    "I disagree with the article: the new tram line will help commuters",
    "Does anyone know when the library reopens after the holidays?",
    "Le match de samedi était superbe, bravo à l'équipe locale",
    "Me encanta esta receta de tortilla, la probaré el domingo",
    "Bitcoin fell 4% today after the central bank's announcement, analysts said",
]


@pytest.fixture(scope="module")
def crypto_heads() -> tenant.Fitted:
    examples = [(t, "custom/crypto-shilling", True) for t in CRYPTO]
    examples += [(t, "spam", False) for t in OTHER]
    return tenant.fit(examples, encode=tenant.shared_encode)


def _score(heads: tenant.Fitted, text: str, language: str = "en") -> float:
    context = PartContext(
        index=0,
        languages=(Language(language, "Latn", 1.0),),
        tenant_terms=TenantTerms(heads=tenant.pack(heads)),
    )
    analysis = tenant.TenantAnalyzer().analyze(TextPart(text), context)
    assert "custom/crypto-shilling" in analysis.covered
    return max(
        (s.score for s in analysis.signals if s.category == "custom/crypto-shilling"), default=0.0
    )


def test_a_custom_category_from_a_handful_of_examples(crypto_heads: tenant.Fitted) -> None:
    assert "custom/crypto-shilling" in crypto_heads.categories
    entry = crypto_heads.report["categories"]["custom/crypto-shilling"]
    assert entry["positives"] == len(CRYPTO) and entry["negatives"] == len(OTHER)
    assert set(entry["cross_validated"]) == {"precision", "recall", "f1"}
    shill = _score(crypto_heads, "Get $PEPEX before the pump, my Telegram has the signal, 200x")
    news = _score(crypto_heads, "The weather will be mild this weekend with some rain on Sunday")
    assert shill > 0.5 > news, (shill, news)


def test_too_few_examples_fit_no_head_and_say_why() -> None:
    fitted = tenant.fit(
        [(t, "custom/tiny", True) for t in CRYPTO[:2]] + [(t, "spam", False) for t in OTHER],
        encode=tenant.shared_encode,
    )
    assert "custom/tiny" not in fitted.categories
    assert "at least" in fitted.report["categories"]["custom/tiny"]["skipped"]


def test_heads_survive_packing(crypto_heads: tenant.Fitted) -> None:
    packed = tenant.pack(crypto_heads)
    w, b = tenant.unpack(packed)
    assert (w == crypto_heads.w).all() and (b == crypto_heads.b).all()
    assert packed.version == tenant.pack(crypto_heads).version


def test_no_heads_cover_nothing() -> None:
    analysis = tenant.TenantAnalyzer().analyze(TextPart("hello"), PartContext(0, ()))
    assert not analysis.signals and not analysis.covered


class TestConformance(AnalyzerConformance):
    analyzer = tenant.TenantAnalyzer()
    samples: ClassVar[tuple[Part, ...]] = (TextPart("Buy $MOONX now, 100x"), TextPart(""))
