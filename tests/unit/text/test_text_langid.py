"""Language identification: clear samples per language, Arabizi and Darija, no forced guesses."""

from __future__ import annotations

import pytest

from tamis.analyzers.base import LanguageIdentifier
from tamis.analyzers.text.langid import LinguaLanguageIdentifier, arabizi_score

IDENTIFIER = LinguaLanguageIdentifier()


def test_it_is_a_language_identifier_versioned_with_lingua() -> None:
    assert isinstance(IDENTIFIER, LanguageIdentifier)
    assert "lingua-2.1.1" in LinguaLanguageIdentifier.version


@pytest.mark.parametrize(
    ("text", "code", "script"),
    [
        ("Le gouvernement a présenté ce matin un projet de loi sur le logement", "fr", "Latn"),
        ("The city council approved the new budget after a long public debate", "en", "Latn"),
        ("El gobierno aprobó ayer una nueva ley de vivienda con sus socios", "es", "Latn"),
        ("أعلنت الحكومة اليوم عن خطة جديدة لدعم الاقتصاد الوطني", "ar", "Arab"),
        ("واش غادي تجي معانا دابا؟ راه الماتش مزيان بزاف", "ary", "Arab"),
        ("wach nta 7mar", "ary", "Latn"),
        ("3lach katdir hakka", "ary", "Latn"),
        ("khouya labas", "ary", "Latn"),
        ("salam khouya, wach ghadi tji l match lyoum? kolchi mzyan", "ary", "Latn"),
    ],
)
def test_clear_samples(text: str, code: str, script: str) -> None:
    found = IDENTIFIER.identify(text)
    assert found, text
    assert (found[0].code, found[0].script) == (code, script)
    assert 0 < found[0].confidence <= 1


def test_short_texts_are_not_forced_into_a_language() -> None:
    assert IDENTIFIER.identify("ok") == []
    assert IDENTIFIER.identify("👍👍") == []
    assert all(lang.confidence < 0.5 for lang in IDENTIFIER.identify("merci"))


def test_code_switching_gets_one_candidate_per_script() -> None:
    found = IDENTIFIER.identify("Franchement le match d'hier était nul, والله ما عجبني والو")
    assert {lang.script for lang in found} == {"Latn", "Arab"}


def test_arabizi_is_told_apart_from_french_and_english() -> None:
    assert arabizi_score("3lach katdir hakka") > 0.5
    assert arabizi_score("covid19 et la 5G en 2024, mp3") == 0.0
    assert arabizi_score("The government announced a plan") == 0.0
