"""Statements that liken a group to vermin, call it vile or declare hatred of it, in five
language varieties."""

from __future__ import annotations

from typing import ClassVar

import pytest

from tamis.analyzers.base import Analyzer, PartContext
from tamis.analyzers.text.group_attacks import GroupAttackAnalyzer
from tamis.core import policy as policies
from tamis.core.content import Content, Part, TextPart
from tamis.core.pipeline import moderate
from tamis.core.verdict import Action, LexiconHit
from tamis.testing import AnalyzerConformance

ANALYZER = GroupAttackAnalyzer()


def _found(text: str) -> list[str]:
    """The stretches of `text` the analyzer gives as evidence."""
    analysis = ANALYZER.analyze(TextPart(text), PartContext(index=0, languages=()))
    return [text[e.start : e.end] for s in analysis.signals for e in s.evidence]


class TestConformance(AnalyzerConformance):
    analyzer: ClassVar[Analyzer] = ANALYZER
    samples: ClassVar[tuple[Part, ...]] = (
        TextPart("Les réfugiés sont des gens comme nous."),
        TextPart("These immigrants are vermin. Les juifs sont des parasites"),
    )


def test_it_is_registered_under_its_name() -> None:
    from tamis.analyzers import registry

    assert registry.available()["group-attacks"] is GroupAttackAnalyzer


@pytest.mark.parametrize(
    ("text", "span"),
    [
        (
            "Honestly, immigrants are nothing but filthy rats.",
            "immigrants are nothing but filthy rats",
        ),
        ("Gay people are a disease", "Gay people are a disease"),
        ("Les juifs ne sont que des parasites !", "juifs ne sont que des parasites"),
        ("los gitanos son una plaga", "gitanos son una plaga"),
        ("Los inmigrantes no son más que ratas", "inmigrantes no son más que ratas"),
        ("Vermin like the Muslims", "Vermin like the Muslims"),
        ("اليهود خنازير", "اليهود خنازير"),
        ("واللاجئين هم الحشرات", "واللاجئين هم الحشرات"),
        ("العرب ما هوما غير حمير", "العرب ما هوما غير حمير"),
        ("l3rb 7mir", "l3rb 7mir"),
        ("Refugees are not even human", "Refugees are not even human"),
    ],
)
def test_a_group_likened_to_vermin_disease_or_filth_is_found(text: str, span: str) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Immigrants are not rats.",
        "Immigrants aren't rats",
        "Les migrants ne sont pas des rats",
        "العرب ليسوا حيوانات",
        "Saying immigrants are rats is disgusting.",
        "Dire que les juifs sont des parasites est un mensonge.",
        "Es falso que los gitanos son una plaga",
        "Refugees bring disease, the article claimed without evidence? No.",
        "Women are dying of cancer.",
        "Muslims. Rats are everywhere in this city",
        "My dog and my rats are fine",
    ],
)
def test_denials_reports_and_ordinary_sentences_are_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Honestly, refugees are just worthless.", "refugees are just worthless"),
        ("Muslims are stupid rats", "Muslims are stupid rats"),
        ("Les Roms sont tous des voleurs", "Roms sont tous des voleurs"),
        ("Why are Muslims so stupid?", "Muslims so stupid"),
        ("los gitanos son muy sucios", "gitanos son muy sucios"),
        ("las mujeres son unas inútiles", "mujeres son unas inútiles"),
        ("المهاجرين مجرمين", "المهاجرين مجرمين"),
        ("العيالات مكلخين", "العيالات مكلخين"),
        ("I fucking hate gay people!", "I fucking hate gay people"),
        ("Je déteste les musulmans", "Je déteste les musulmans"),
        ("Odio a los gitanos.", "Odio a los gitanos"),
        ("أكره اليهود", "أكره اليهود"),
        ("الله ينعل لعرب", "الله ينعل لعرب"),
        ("Death to all immigrants", "Death to all immigrants"),
        ("I hate Muslims, they are everywhere", "I hate Muslims"),
        ("I hate Muslims so much", "I hate Muslims"),
    ],
)
def test_a_group_called_vile_or_hated_is_found(text: str, span: str) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Refugees are not criminals.",
        "Not all Muslims are terrorists",
        "No todos los inmigrantes son delincuentes",
        "ليس كل المسلمين إرهابيين",
        "Calling women stupid is sexist",
        "I don't hate Muslims",
        "Je ne déteste pas les juifs",
        "No odio a los gitanos",
        "لا أكره اليهود",
        "El odio a los gitanos crece",
        "Ha crecido el odio a los gitanos",
        "I hate women being insulted",
        "I hate immigrants who steal, and anyone who steals",
        "Je déteste qu'on insulte les femmes",
        "I hate the way women are treated",
        "I hate Chinese food",
        "Je déteste les hommes politiques",
        "Stop the hate Muslims face every day",
        "Politicians are disgusting",
        "Women are tired after work",
    ],
)
def test_denied_reported_or_narrowed_hatred_and_derogation_are_not(text: str) -> None:
    assert _found(text) == []


def test_a_disguised_statement_is_found_in_the_text_as_sent() -> None:
    text = "Muslims are v3rm1n"
    assert _found(text) == [text]
    text = "Imm\u200bigrants are RAAATS"
    assert _found(text) == [text]


def test_evidence_names_an_id_not_the_words() -> None:
    analysis = ANALYZER.analyze(TextPart("Les juifs sont des parasites"), PartContext(0, ()))
    [hit] = analysis.signals[0].evidence
    assert isinstance(hit, LexiconHit) and hit.language == "fr"
    assert "parasites" not in hit.term and hit.term.startswith("fr:likening:")
    analysis = ANALYZER.analyze(TextPart("I hate Muslims"), PartContext(0, ()))
    assert analysis.signals[0].evidence[0].term.startswith("en:hatred:")


def test_the_default_policy_sends_the_statement_to_a_person() -> None:
    from tamis.analyzers.text.lexicon import LexiconAnalyzer

    verdict = moderate(
        Content.of_text("Los gitanos son una plaga"),
        policies.default(),
        analyzers=(LexiconAnalyzer(), ANALYZER),
    )
    assert verdict.action == Action.REVIEW and verdict.clause == "hate"
