"""Statements that liken a group to vermin, call it vile, declare hatred of it or call for
violence against it, in five language varieties."""

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


def _found(text: str, category: str = "hate") -> list[str]:
    """The stretches of `text` the analyzer gives as evidence of `category`."""
    analysis = ANALYZER.analyze(TextPart(text), PartContext(index=0, languages=()))
    signals = [s for s in analysis.signals if s.category == category]
    assert analysis.covered == {s.category for s in analysis.signals}
    return [text[e.start : e.end] for s in signals for e in s.evidence]


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
        ("I hate Muslims, they are everywhere", "I hate Muslims"),
        ("I hate Muslims so much", "I hate Muslims"),
        ("Immigrants are shit.", "Immigrants are shit"),
        ("Les immigrés me rendent malade.", "immigrés me rendent malade"),
        ("Los gitanos me enferman.", "gitanos me enferman"),
        ("The lives of black people don't matter.", "black people don't matter"),
        ("Les vies des noirs ne comptent pas.", "noirs ne comptent pas"),
        ("Las vidas de los negros no importan.", "negros no importan"),
        ("Les juifs sont avares.", "juifs sont avares"),
        ("Les gays sont une abomination.", "gays sont une abomination"),
        ("l afaraqa wsakh", "l afaraqa wsakh"),
        ("l'3yalat blasthom f lkouzina", "3yalat blasthom f lkouzina"),
        ("l'afarqa khasshom yrj3o lblad dyalhom", "l'afarqa khasshom yrj3o lblad dyalhom"),
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
        "'Muslims are terrorists' is a racist lie",
        "« Les juifs sont des parasites » : ce propos est antisémite",
        'Decir "los gitanos son una plaga" es racista',
        'عبارة "اليهود خنازير" عنصرية',
        'He shouted "kill all the Jews!" and was arrested',
        "Politicians are disgusting",
        "Women are tired after work",
        "This film about immigrants is trash.",
        "Articles about Muslims are lies.",
        "Las vidas de los negros importan.",
        "Las mujeres no son solo objetos.",
        "l'afarqa machi wsakh",
        "l'3yalat mrad b lgrippe",
    ],
)
def test_denied_reported_or_narrowed_hatred_and_derogation_are_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Kill all the Muslims.", "Kill all the Muslims"),
        ("We should kill all immigrants", "kill all immigrants"),
        ("Let's gas the Jews", "gas the Jews"),
        ("i'm gonna shoot those refugees lol", "shoot those refugees"),
        ("Death to all immigrants!", "Death to all immigrants"),
        ("Muslims should all be killed", "Muslims should all be killed"),
        ("Gay people deserve to die.", "Gay people deserve to die"),
        ("Il faut tuer tous les juifs", "tuer tous les juifs"),
        ("Les musulmans doivent mourir", "musulmans doivent mourir"),
        ("Tuez les Roms !", "Tuez les Roms"),
        ("Mort aux arabes", "Mort aux arabes"),
        ("Hay que matar a todos los gitanos", "matar a todos los gitanos"),
        ("Los inmigrantes deberían morir", "inmigrantes deberían morir"),
        ("Muerte a los judíos", "Muerte a los judíos"),
        ("يجب قتل اليهود", "يجب قتل اليهود"),
        ("اليهود يجب قتلهم", "اليهود يجب قتلهم"),
        ("الموت لليهود", "الموت لليهود"),
        ("اقتلوا المسيحيين", "اقتلوا المسيحيين"),
        ("العرب خاصهم يموتو", "العرب خاصهم يموتو"),
        ("خاصنا نقتلو ليهود", "خاصنا نقتلو ليهود"),
    ],
)
def test_a_call_for_violence_against_a_group_is_a_threat_and_hate(text: str, span: str) -> None:
    assert _found(text, "hate/threat") == [span]
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Police kill immigrants at the border",
        "La policía va a matar a los inmigrantes",
        "Bombs killed Muslims and Christians alike",
        "We should not kill immigrants",
        "Don't kill Muslims",
        "Muslims should not be killed",
        "Muslims must be protected",
        "Women deserve respect",
        "Les musulmans ne doivent pas mourir",
        "Los inmigrantes no deberían morir",
        "المسلمين لا يستحقون الموت",
        "Saying Muslims should be killed is disgusting",
        "We should kill all immigrants' prejudices",
        "Kill the Chinese food order, I'm cooking",
        "Gay men die of AIDS less often today",
    ],
)
def test_reported_denied_or_narrowed_violence_is_not_a_threat(text: str) -> None:
    assert _found(text, "hate/threat") == []


@pytest.mark.parametrize(
    ("text", "span", "category"),
    [
        (
            "I think that Muslims should all be killed.",
            "Muslims should all be killed",
            "hate/threat",
        ),
        ("I honestly believe refugees are vermin", "refugees are vermin", "hate"),
        ("Je pense que les juifs sont des parasites", "juifs sont des parasites", "hate"),
        ("Muslims make me sick", "Muslims make me sick", "hate"),
        ("Los gitanos me dan asco", "gitanos me dan asco", "hate"),
    ],
)
def test_the_speakers_own_opinion_is_said_not_reported(text: str, span: str, category: str) -> None:
    assert _found(text, category) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "I don't think Muslims are rats",
        "People think Muslims are rats",
        "They believe refugees are vermin",
        "I think saying Muslims are rats is wrong",
        "Je ne pense pas que les juifs sont des parasites",
    ],
)
def test_opinions_denied_or_of_others_are_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("I'm going to shoot the next Muslim I see.", "shoot the next Muslim"),
        ("I will kill every Jew I meet", "kill every Jew"),
        ("Every Muslim should be killed", "Muslim should be killed"),
        ("Je vais tirer sur le prochain arabe que je vois", "tirer sur le prochain arabe"),
        ("Chaque juif doit mourir", "juif doit mourir"),
        ("Voy a disparar al próximo gitano que vea", "disparar al próximo gitano"),
        ("Todo gitano debería morir", "gitano debería morir"),
        ("سأقتل أول يهودي أراه", "سأقتل أول يهودي"),
        ("كل يهودي يجب قتله", "يهودي يجب قتله"),
        ("We should get rid of immigrants once and for all", "get rid of immigrants"),
        ("Il faut se débarrasser des immigrés", "se débarrasser des immigrés"),
        ("يجب التخلص من اللاجئين", "يجب التخلص من اللاجئين"),
    ],
)
def test_a_threat_to_any_one_of_a_group_is_a_threat_to_the_group(text: str, span: str) -> None:
    assert _found(text, "hate/threat") == [span]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("I want all Muslims dead", "Muslims dead"),
        ("I'd love to see all immigrants dead", "immigrants dead"),
        ("I hope every Muslim dies", "Muslim dies"),
        ("May all Jews burn in hell", "Jews burn"),
        ("Je veux que tous les juifs meurent", "juifs meurent"),
        ("J'espère que tous les arabes vont crever", "arabes vont crever"),
        ("Ojalá todos los gitanos se mueran", "gitanos se mueran"),
        ("Ojalá mueran todos los gitanos", "Ojalá mueran todos los gitanos"),
        ("Quiero que los inmigrantes mueran", "inmigrantes mueran"),
        ("يا رب اليهود يموتوا", "اليهود يموتوا"),
        ("اتمنى موت اليهود", "اتمنى موت اليهود"),
        ("اللهم أهلك اليهود", "اللهم أهلك اليهود"),
        ("اللهم عليك باليهود", "اللهم عليك باليهود"),
        ("الله ياخد ليهود", "الله ياخد ليهود"),
    ],
)
def test_a_wish_or_a_curse_that_a_group_die_is_a_threat(text: str, span: str) -> None:
    assert _found(text, "hate/threat") == [span]


@pytest.mark.parametrize(
    "text",
    [
        "I don't want Muslims dead",
        "I want immigrants to live",
        "I hope no immigrants die at sea",
        "I hope the immigrants who died are remembered",
        "No quiero que los inmigrantes mueran",
        "Je ne veux pas que les migrants meurent",
        "Je sais que les migrants meurent en mer",
        "Migrants die at sea every week",
        "اللهم عليك بالحكام العرب",  # "the Arab rulers": not a group named for who they are
        "الله ياخد فيكم الحق",
    ],
)
def test_a_death_reported_denied_or_not_wished_on_a_group_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "We should kill the next bus driver",
        "Kill the next song",
        "The next Muslim I meet will be my friend",
        "I will help every immigrant I meet",
        "Not every Muslim should be killed",
        "Every Muslim is welcome here",
        "I'd kill for every woman I know",
    ],
)
def test_one_person_named_without_a_threat_is_not(text: str) -> None:
    assert _found(text, "hate/threat") == []
    assert _found(text) == []


def test_a_single_member_hated_stands_for_the_group_unless_narrowed() -> None:
    assert _found("I hate every single Muslim") == ["I hate every single Muslim"]
    assert _found("I hate every woman who cheats") == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Every Muslim is a terrorist", "Muslim is a terrorist"),
        ("Every Jew is a rat and a thief", "Jew is a rat"),
        ("Any immigrant is a criminal, period.", "immigrant is a criminal"),
        ("Every woman is stupid", "woman is stupid"),
        ("Tout juif est un parasite.", "juif est un parasite"),
        ("Chaque arabe est un voleur", "arabe est un voleur"),
        ("Tout gitan est un animal", "gitan est un animal"),
        ("Todo gitano es un ladrón", "gitano es un ladrón"),
        ("Cada inmigrante es una rata", "inmigrante es una rata"),
        ("كل يهودي حشرة", "يهودي حشرة"),
        ("كل مسلم ارهابي", "مسلم ارهابي"),
        ("كل يهودي كلب", "يهودي كلب"),
        ("كل اجنبي وسخ منحط في هيئته", "اجنبي وسخ"),
        ("kol yhodi 7mar", "yhodi 7mar"),
    ],
)
def test_any_one_member_called_vermin_or_criminal_in_the_singular_stands_for_the_group(
    text: str, span: str
) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Not every Muslim is a terrorist",
        "Every Muslim is not a terrorist",
        "Every Muslim I know is a doctor",
        "Every immigrant is a human being",
        "Every Muslim is a dog lover",
        "Every immigrant is a criminal lawyer",
        "Saying every Muslim is a terrorist is racist",
        "Pas chaque juif est un parasite",
        "Cada inmigrante es un vecino",
        "The rat ate every Muslim's bread",
    ],
)
def test_one_member_named_with_no_statement_of_them_all_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("No Muslim can be trusted", "Muslim can be trusted"),
        ("No Muslim deserves to live", "Muslim deserves to live"),
        ("Not a single Jew is welcome", "Jew is welcome"),
        ("Aucun musulman n'est digne de confiance", "musulman n'est digne de confiance"),
        ("Aucun arabe n'est humain", "arabe n'est humain"),
        ("Ningún gitano es de fiar", "gitano es de fiar"),
        ("Ningún inmigrante merece vivir", "inmigrante merece vivir"),
    ],
)
def test_what_no_member_is_said_to_have_is_denied_to_the_group(text: str, span: str) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "No Muslim is a terrorist",
        "No Muslim should be killed",
        "No immigrant deserves to live in a tent",
        "No Muslim I know is welcome",
        "Aucun juif n'est un parasite",
        "Every Muslim can be trusted",
    ],
)
def test_no_member_denied_a_vice_or_harm_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span", "category"),
    [
        ("Muslims? Kill them all.", "Kill them all", "hate/threat"),
        ("Immigrants are everywhere. We should kill them all", "kill them all", "hate/threat"),
        (
            "I have met many Muslims and I hate every single one of them.",
            "I hate every single one of them",
            "hate",
        ),
        ("Les Roms, il faut tous les tuer", "tous les tuer", "hate/threat"),
        ("Les Roms ? Tuez-les tous !", "Tuez-les tous", "hate/threat"),
        ("Les juifs ? Je les déteste.", "Je les déteste", "hate"),
        ("Los gitanos... hay que matarlos a todos", "matarlos", "hate/threat"),
        ("Los inmigrantes, los odio", "los odio", "hate"),
        ("اليهود؟ اقتلوهم جميعا", "اقتلوهم", "hate/threat"),
        ("المهاجرين، أكرههم", "أكرههم", "hate"),
        ("العرب خاصنا نقتلوهم", "خاصنا نقتلوهم", "hate/threat"),
        ("Los gitanos, muerte a ellos", "muerte a ellos", "hate/threat"),
        ("اليهود الموت لهم", "الموت لهم", "hate/threat"),
    ],
)
def test_a_pronoun_after_a_group_stands_for_it(text: str, span: str, category: str) -> None:
    assert _found(text, category) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "I hate them",
        "Kill them all",
        "Muslims. The weather is nice today. The neighbours are loud. Kill them all",
        "I love Muslims and I hate them being attacked",
        "Refugees fleeing war are attacked by gangs. Police kill them",
        "Los inmigrantes, no los odio",
        "Les femmes ? Je ne les déteste pas.",
        "I don't hate them, Muslims are fine",
    ],
)
def test_a_pronoun_without_a_group_just_before_or_a_threat_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Muslims belong in a zoo", "Muslims belong in a zoo"),
        ("Immigrants don't deserve to live", "Immigrants don't deserve to live"),
        ("Les immigrés doivent rentrer chez eux", "immigrés doivent rentrer chez eux"),
        ("Los inmigrantes no merecen vivir", "inmigrantes no merecen vivir"),
        ("المهاجرين لا يستحقون الحياة", "المهاجرين لا يستحقون الحياة"),
        ("Women belong in the kitchen", "Women belong in the kitchen"),
        ("Muslims can never be trusted", "Muslims can never be trusted"),
        ("Muslims are pieces of shit", "Muslims are pieces of shit"),
        ("Immigrants are a drain on our economy", "Immigrants are a drain on"),
        ("Les musulmans ne valent rien", "musulmans ne valent rien"),
        ("Les femmes ne sont bonnes qu'à faire la cuisine", "femmes ne sont bonnes qu'à"),
        ("Les noirs, c'est de la merde", "noirs, c'est de la merde"),
        ("Las mujeres solo sirven para la cocina", "mujeres solo sirven para"),
        ("Los negros son una mierda", "negros son una mierda"),
        ("المسلمين لا يمكن الوثوق بهم", "المسلمين لا يمكن الوثوق بهم"),
        ("النساء مكانهن المطبخ", "النساء مكانهن المطبخ"),
    ],
)
def test_exclusion_and_implied_derogation_are_found(text: str, span: str) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Immigrants deserve to live in peace",
        "Women should go back to work after the holidays",
        "Immigrants are not a burden on society",
        "Muslims can be trusted",
        "Muslims are no good at hiding it",
        "Les femmes ne sont pas bonnes qu'à faire la cuisine",
    ],
)
def test_their_look_alikes_are_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Muslims are attacked every day. They are rats.", "They are rats"),
        ("Les Roms volent. Ils sont des parasites.", "Ils sont des parasites"),
        ("Les juifs, ce sont des rats.", "juifs, ce sont des rats"),
        ("Los inmigrantes llegan cada día. Son ratas.", "Son ratas"),
        ("اليهود في كل مكان. هم حشرات", "هم حشرات"),
    ],
)
def test_a_subject_pronoun_after_a_group_stands_for_it(text: str, span: str) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Refugees fled the war. They are victims.",
        "They are rats.",
        "Immigrants arrived yesterday. Police say they are criminals.",
        "Los inmigrantes llegaron ayer. Son muchos.",
        "Los gitanos viven aquí. Mis vecinos son ratas.",
        "Son ratas los que roban.",
    ],
)
def test_a_subject_pronoun_without_a_group_or_a_statement_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Women are not capable of anything.", "Women are not capable"),
        ("Jews are never trustworthy.", "Jews are never trustworthy"),
        ("Immigrants will never be real citizens.", "Immigrants will never be real citizens"),
        (
            "Les musulmans ne sont pas des êtres humains.",
            "musulmans ne sont pas des êtres humains",
        ),
        ("Las mujeres no son capaces de nada.", "mujeres no son capaces"),
        ("اليهود ليسوا بشرا", "اليهود ليسوا بشرا"),
        ("Trans women are not real women", "Trans women are not real women"),
    ],
)
def test_a_quality_every_person_has_denied_to_a_group_is_derogation(text: str, span: str) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Muslims are not terrorists.",
        "Immigrants are not only welcome, they are needed.",
        "Women are not stupid, they are smart.",
        "Muslims are not allowed to eat pork.",
        "Immigrants are not happy with the new law.",
        "Trans people are not mentally ill.",
    ],
)
def test_a_denied_fault_or_an_ordinary_denial_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Aren't immigrants just parasites?", "immigrants just parasites"),
        ("¿No son los gitanos unos ladrones?", "gitanos unos ladrones"),
        ("Pourquoi les juifs sont-ils si dégoûtants ?", "juifs sont-ils si dégoûtants"),
        ("لماذا اليهود مقرفون جدا؟", "اليهود مقرفون"),
    ],
)
def test_a_question_that_asserts_is_found(text: str, span: str) -> None:
    assert _found(text) == [span]


def test_a_question_opening_is_not_a_denial_but_not_all_still_is() -> None:
    assert _found("Aren't Muslims people too?") == []
    assert _found("Not all immigrants are criminals.") == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Muslims should not be allowed to vote.", "Muslims should not be allowed to vote"),
        (
            "Gay people should be kept away from children.",
            "Gay people should be kept away from children",
        ),
        ("Les femmes doivent rester à la cuisine.", "femmes doivent rester à la cuisine"),
        (
            "Les immigrés ne devraient pas avoir le droit de voter.",
            "immigrés ne devraient pas avoir le droit de voter",
        ),
        ("Las mujeres deberían quedarse en la cocina.", "mujeres deberían quedarse en la cocina"),
        ("المهاجرين يجب طردهم", "المهاجرين يجب طردهم"),
        ("Black lives don't matter.", "Black lives don't matter"),
        ("Trans people are all mentally ill.", "Trans people are all mentally ill"),
    ],
)
def test_a_call_for_exclusion_is_derogation_not_a_threat(text: str, span: str) -> None:
    assert _found(text) == [span]
    assert _found(text, "hate/threat") == []


@pytest.mark.parametrize(
    "text",
    [
        "Women should not be allowed to be paid less.",
        "Muslims should be allowed to vote.",
        "The refugees should stay at home during the lockdown.",
        "Black lives matter.",
        "Saying black lives don't matter is racist.",
    ],
)
def test_rights_defended_and_ordinary_advice_are_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Killing Muslims is the right thing to do.", "Killing Muslims is the right thing to do"),
        ("Murdering immigrants should be legal.", "Murdering immigrants should be legal"),
        ("Tuer des juifs est normal.", "Tuer des juifs est normal"),
        ("Matar gitanos es lo correcto.", "Matar gitanos es lo correcto"),
        ("قتل اليهود واجب", "قتل اليهود واجب"),
    ],
)
def test_violence_against_a_group_called_right_is_a_threat(text: str, span: str) -> None:
    assert _found(text, "hate/threat") == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Killing Muslims is wrong.",
        "Killing immigrants is never justified.",
        "Tuer des juifs est un crime.",
        "Matar gitanos no está bien.",
        "قتل اليهود حرام",
        "Killing rats is fine.",
        "Shooting photos of immigrants is the right thing for this story.",
    ],
)
def test_violence_condemned_or_not_against_a_group_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Muslims are violent.", "Muslims are violent"),
        ("Gay men are pedophiles.", "Gay men are pedophiles"),
        ("Les juifs sont des lâches.", "juifs sont des lâches"),
        ("Los gitanos son unos cobardes.", "gitanos son unos cobardes"),
        ("اليهود هم جبناء", "اليهود هم جبناء"),
    ],
)
def test_a_milder_derogation_said_of_a_group_is_found(text: str, span: str) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Les hommes violents doivent être punis.",
        "Los hombres violentos son un peligro.",
        "Men who are violent should be jailed.",
        "Immigrants are not dangerous.",
        "Refugees are in danger of dying.",
    ],
)
def test_a_milder_derogation_as_the_adjective_of_some_or_denied_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Je ne supporte pas les arabes.", "Je ne supporte pas les arabes"),
        ("No soporto a los gitanos.", "No soporto a los gitanos"),
        ("لا أطيق اليهود", "لا أطيق اليهود"),
    ],
)
def test_hatred_said_with_a_negation_is_hatred(text: str, span: str) -> None:
    assert _found(text) == [span]


def test_such_hatred_of_some_of_a_group_is_not() -> None:
    assert _found("Je ne supporte pas les arabes qui crient.") == []
    assert _found("No soporto a los gitanos que roban.") == []


def test_quotation_marks_around_a_word_or_an_apostrophe_do_not_hide_a_statement() -> None:
    assert _found('The "refugees" are rats') == ['refugees" are rats']
    assert _found("Don't you see? Muslims are rats") == ["Muslims are rats"]
    assert _found("L'immigration ? Les immigrés sont des rats.") == ["immigrés sont des rats"]
    assert _found('He said "hello". Muslims are rats') == ["Muslims are rats"]
    assert _found('"Muslims are rats" is racist. Muslims are rats') == ["Muslims are rats"]
    assert _found('"Muslims are rats, Jews are rats') == ["Muslims are rats", "Jews are rats"]


def test_a_disguised_statement_is_found_in_the_text_as_sent() -> None:
    text = "Muslims are v3rm1n"
    assert _found(text) == [text]
    text = "Imm\u200bigrants are RAAATS"
    assert _found(text) == [text]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("You can't trust a Muslim.", "You can't trust a Muslim"),
        ("Never trust an immigrant", "Never trust an immigrant"),
        ("I don't trust Jews", "I don't trust Jews"),
        ("On ne peut pas faire confiance aux arabes", "On ne peut pas faire confiance aux arabes"),
        ("Ne faites jamais confiance à un juif", "Ne faites jamais confiance à un juif"),
        ("No se puede confiar en los gitanos", "No se puede confiar en los gitanos"),
        ("Nunca confíes en un moro", "Nunca confíes en un moro"),
        ("لا يمكن الثقة في اليهود", "لا يمكن الثقة في اليهود"),
        ("لا تثقوا بالمهاجرين", "لا تثقوا بالمهاجرين"),
    ],
)
def test_distrust_urged_of_a_group_or_any_one_of_it_is_derogation(text: str, span: str) -> None:
    assert _found(text) == [span]
    assert _found(text, "hate/threat") == []


@pytest.mark.parametrize(
    "text",
    [
        "I don't trust the Chinese government",
        "Don't trust anyone who says immigrants are criminals",
        "Never trust a stereotype about Muslims",
        "You can trust a Muslim like anyone else",
        "On ne peut pas faire confiance aux sondages sur les musulmans",
        "Je ne fais pas confiance aux politiciens qui parlent des arabes",
        "No confíes en quien dice que los gitanos son ladrones",
        "لا تثق في من يقول إن اليهود كلاب",  # "don't trust whoever says the Jews are dogs"
        "Saying you can't trust Muslims is bigotry",
    ],
)
def test_distrust_of_some_of_a_group_of_something_else_or_reported_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("I'm sick of Muslims.", "I'm sick of Muslims"),
        ("I'm so fed up with immigrants", "I'm so fed up with immigrants"),
        ("I really can't stand gay people", "I really can't stand gay people"),
        ("Fuck all immigrants.", "Fuck all immigrants"),
        ("Nique les arabes", "Nique les arabes"),
        ("J'en ai ras le bol des migrants", "J'en ai ras le bol des migrants"),
        ("Que se jodan los inmigrantes", "Que se jodan los inmigrantes"),
        ("A la mierda los moros", "A la mierda los moros"),
        ("تبا للعرب", "تبا للعرب"),
        ("سئمت من المهاجرين", "سئمت من المهاجرين"),
    ],
)
def test_weariness_or_an_oath_aimed_at_a_whole_group_is_hatred(text: str, span: str) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "I'm sick of people saying Muslims are terrorists.",
        "I'm tired of immigrants being blamed for everything.",
        "Fuck yeah, gay people can marry now!",
        "Fuck, Muslims are so kind.",
        "Fuck the people who hate immigrants.",
        "I hate how we fuck immigrants over",
        "Nique ta mère",
        "Que se jodan los racistas que odian a los inmigrantes",
        "A la mierda el racismo contra los moros",
        "تبا لك",
    ],
)
def test_such_words_not_aimed_at_a_whole_group_are_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Muslims don't belong in this country", "Muslims don't belong in this country"),
        ("Jews have no place in our society", "Jews have no place in our society"),
        ("Trans people should not exist.", "Trans people should not exist"),
        ("Women should never be allowed to lead", "Women should never be allowed to lead"),
        ("Les juifs n'ont pas leur place en France", "juifs n'ont pas leur place en France"),
        ("Les trans ne devraient pas exister", "trans ne devraient pas exister"),
        ("Les homosexuels sont des malades", "homosexuels sont des malades"),
        ("Les musulmans ne méritent aucun respect", "musulmans ne méritent aucun respect"),
        ("Los moros no tienen cabida en este país", "moros no tienen cabida en este país"),
        ("Las personas trans no deberían existir", "personas trans no deberían existir"),
        ("Los inmigrantes dan asco", "inmigrantes dan asco"),
        ("اليهود لا يستحقون الاحترام", "اليهود لا يستحقون الاحترام"),
        ("المعاقون عالة على المجتمع", "المعاقون عالة على المجتمع"),
        ("اليهود لا مكان لهم في بلادنا", "اليهود لا مكان لهم في بلادنا"),
    ],
)
def test_a_group_said_to_have_no_place_or_no_right_to_exist_is_derogation(
    text: str, span: str
) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Muslims don't belong to a single culture",
        "Women have no place in the report, it's about men",
        "Saying Jews don't belong here is antisemitic",
        "Les migrants ne méritent pas ça",
        "Las personas trans no deberían tener miedo",
        "المهاجرون لا مكان لهم للنوم",  # "the migrants have no place to sleep"
        "الفلسطينيون يستحقون الحياة",  # "Palestinians deserve to live"
    ],
)
def test_a_group_without_a_place_of_its_own_or_owed_something_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Women are lesser beings.", "Women are lesser beings"),
        ("Immigrants have no brains", "Immigrants have no brains"),
        ("Muslims like you should be hanged", "Muslims like you should be hanged"),
        ("Les arabes comme toi devraient être pendus", "arabes comme toi devraient être pendus"),
        ("Los gitanos son seres inferiores", "gitanos son seres inferiores"),
        ("Los moros como tú deberían morir", "moros como tú deberían morir"),
        ("اليهود بلا أخلاق", "اليهود بلا أخلاق"),
    ],
)
def test_a_group_called_lesser_or_addressed_in_one_member_is_found(text: str, span: str) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Muslims you know are kind",
        "Women, you are amazing",
        "Women have no shame in asking for help",
        "Los gitanos tienen cerebro y alma",
        "النساء بلا حقوق في هذا البلد",  # "women are without rights in this country"
    ],
)
def test_a_group_addressed_or_said_to_lack_what_others_deny_it_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("النساء غبيات", "النساء غبيات"),  # "women are stupid"
        ("العيالات مكلخات", "العيالات مكلخات"),
        ("المسلمات متخلفات", "المسلمات متخلفات"),
    ],
)
def test_an_arabic_derogation_is_read_in_the_feminine_plural(text: str, span: str) -> None:
    assert _found(text) == [span]


def test_an_arabic_derogation_in_the_feminine_denied_or_reported_is_not() -> None:
    assert _found("النساء لسن غبيات") == []  # "women are not stupid"
    assert _found("هم يقولون إن النساء غبيات وهذا كذب") == []  # "they say ..., a lie"
    assert _found("المسلمات محترمات") == []  # "Muslim women are respectable"


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Les arabes, il faut les expulser.", "les expulser"),
        ("A los moros hay que echarlos.", "echarlos"),
        ("الأجانب؟ اطردوهم", "اطردوهم"),
    ],
)
def test_a_call_to_expel_a_pronoun_standing_for_a_group_is_derogation(text: str, span: str) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("lyhod l7mir", "lyhod l7mir"),
        ("elmhajrin hachara", "elmhajrin hachara"),
        ("l3arab elklab", "l3arab elklab"),
    ],
)
def test_a_darija_word_in_latin_letters_is_read_behind_the_article(text: str, span: str) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("People with disabilities are worthless.", "People with disabilities are worthless"),
        ("LGBT people are disgusting", "LGBT people are disgusting"),
        ("Los moros son ladrones", "moros son ladrones"),
        ("Las personas con discapacidad son inútiles", "personas con discapacidad son inútiles"),
        ("المتحولون جنسيا مقرفون", "المتحولون جنسيا مقرفون"),
        ("ذوي الإعاقة عالة على المجتمع", "ذوي الإعاقة عالة على المجتمع"),
    ],
)
def test_groups_named_by_disability_gender_identity_or_origin_in_more_words(
    text: str, span: str
) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("We must deport all immigrants", "deport all immigrants"),
        ("Deport all the Muslims!", "Deport all the Muslims"),
        ("Il faut expulser les immigrés", "expulser les immigrés"),
        ("Expulsez les arabes", "Expulsez les arabes"),
        ("Hay que echar a los gitanos", "echar a los gitanos"),
        ("يجب طرد المهاجرين", "يجب طرد المهاجرين"),
    ],
)
def test_a_call_to_expel_a_group_is_derogation(text: str, span: str) -> None:
    assert _found(text) == [span]
    assert _found(text, "hate/threat") == []


@pytest.mark.parametrize(
    "text",
    [
        "Deport all immigrants who commit crimes",
        "Police deport immigrants every day",
        "We must not deport refugees",
        "Il ne faut pas expulser les migrants",
        "We should ban gay marriage",
        "ترحيل المهاجرين بدأ اليوم",  # "the deportation of migrants began today"
    ],
)
def test_expulsion_of_some_reported_or_refused_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Mulsims are rats", "Mulsims are rats"),
        ("Immigrants are parasties", "Immigrants are parasties"),
        ("Jews are vremin", "Jews are vremin"),
        ("Women are disgsting", "Women are disgsting"),
        ("I haet Muslims", "I haet Muslims"),
        ("Les jiufs sont des parasites", "jiufs sont des parasites"),
        ("Les Roms sont des voluers", "Roms sont des voluers"),
        ("Los inmigarntes son ratas", "inmigarntes son ratas"),
        ("المهاجرين حشارت", "المهاجرين حشارت"),
    ],
)
def test_a_slip_of_the_keys_in_a_word_that_carries_the_statement_is_read(
    text: str, span: str
) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    ("text", "slip", "listed"),
    [
        ("Il faut voler les juifs", "voler", "violer"),  # one letter short of "violer"
        ("The immigrants are arts students", "arts", "rats"),
        ("مصابش لعيالات الحرات", "الحرات", "الحشرات"),  # "the free women", not "insects"
    ],
)
def test_a_slip_that_spells_a_word_is_that_word(text: str, slip: str, listed: str) -> None:
    assert _found(text) == []
    assert _found(text.replace(slip, listed)) != []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Muslimsare rats", "Muslimsare rats"),
        ("Muslimsarerats", "Muslimsarerats"),
        ("I hateMuslims", "I hateMuslims"),
        ("lesjuifs sont des rats", "juifs sont des rats"),
        ("Los gitanos sonratas", "gitanos sonratas"),
        ("أكرهاليهود", "أكرهاليهود"),
        ("IhateMuslims", "IhateMuslims"),  # "i hate", a listed phrase, is one piece
        ("Ihate Muslims", "Ihate Muslims"),
        ("Jehais les arabes", "Jehais les arabes"),
        ("Iwill kill every Muslim", "kill every Muslim"),  # the call, "i will", read apart
    ],
)
def test_listed_words_run_together_are_read_apart(text: str, span: str) -> None:
    assert _found(text) == [span]


def test_a_word_the_dictionaries_know_is_not_cut_into_listed_words() -> None:
    assert _found("The workmen are lazy") == []  # not "work men are lazy"
    assert _found("The countrymen are rats") == []
    assert _found("The work men are lazy") == ["men are lazy"]
    assert _found("Let the Muslims wed") == []  # "we d", as "we'd" is normalised


def test_evidence_names_an_id_not_the_words() -> None:
    analysis = ANALYZER.analyze(TextPart("Les juifs sont des parasites"), PartContext(0, ()))
    [hit] = analysis.signals[0].evidence
    assert isinstance(hit, LexiconHit) and hit.language == "fr"
    assert "parasites" not in hit.term and hit.term.startswith("fr:likening:")
    analysis = ANALYZER.analyze(TextPart("I hate Muslims"), PartContext(0, ()))
    assert analysis.signals[0].evidence[0].term.startswith("en:hatred:")
    analysis = ANALYZER.analyze(TextPart("Kill all the Jews"), PartContext(0, ()))
    assert [s.category for s in analysis.signals] == ["hate", "hate/threat"]
    assert all(s.evidence[0].term.startswith("en:threat:") for s in analysis.signals)


def test_the_default_policy_sends_the_statement_to_a_person() -> None:
    from tamis.analyzers.text.lexicon import LexiconAnalyzer

    verdict = moderate(
        Content.of_text("Los gitanos son una plaga"),
        policies.default(),
        analyzers=(LexiconAnalyzer(), ANALYZER),
    )
    assert verdict.action == Action.REVIEW and verdict.clause == "hate"
    verdict = moderate(
        Content.of_text("Los gitanos deberían morir"),
        policies.default(),
        analyzers=(LexiconAnalyzer(), ANALYZER),
    )
    assert verdict.action == Action.REVIEW and verdict.categories["hate/threat"] == 0.95


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Women are whores.", "Women are whores"),
        ("Gay people are fucking bastards.", "Gay people are fucking bastards"),
        ("Les femmes c'est vraiment des connes.", "femmes c'est vraiment des connes"),
        ("Los moros son unos hijos de puta.", "moros son unos hijos de puta"),
        ("العيالات كاملين قحاب", "العيالات كاملين قحاب"),
        ("l3yalat kamlin 9hab", "l3yalat kamlin 9hab"),
        ("Jews control the media.", "Jews control the media"),
        ("Les juifs contrôlent les médias.", "juifs contrôlent les médias"),
        ("Los judíos controlan los medios.", "judíos controlan los medios"),
        ("اليهود يسيطرون على الإعلام", "اليهود يسيطرون على الإعلام"),
        ("Women are nothing but objects.", "Women are nothing but objects"),
        ("Les femmes ne sont que des objets.", "femmes ne sont que des objets"),
        ("Asians all look the same.", "Asians all look the same"),
        ("Women should never vote.", "Women should never vote"),
        ("Las mujeres nunca deberían votar.", "mujeres nunca deberían votar"),
        ("النساء يجب ألا يصوتن", "النساء يجب ألا يصوتن"),
        ("There is nothing worse than a Jew.", "There is nothing worse than a Jew"),
        ("No hay nada peor que un judío.", "No hay nada peor que un judío"),
        ("لا يوجد أسوأ من اليهود", "لا يوجد أسوأ من اليهود"),
        ("Gay people are way too disgusting.", "Gay people are way too disgusting"),
        (
            "Los discapacitados deberían estar encerrados.",
            "discapacitados deberían estar encerrados",
        ),
        ("المعاقون عبء على المجتمع", "المعاقون عبء على المجتمع"),
        ("المهاجرون يجب أن يعودوا إلى بلادهم", "المهاجرون يجب أن يعودوا إلى بلادهم"),
        ("العرب كذابين", "العرب كذابين"),
        ("الأفارقة ما فيهم خير", "الأفارقة ما فيهم خير"),
        ("الكحل ماشي ناس", "الكحل ماشي ناس"),
        ("lk7el ma fihomch ti9a", "lk7el ma fihomch ti9a"),
    ],
)
def test_profanity_tropes_and_worse_than_any_are_derogation(text: str, span: str) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Calling women whores is disgusting.",
        "Women are not whores.",
        "My friends are such bitches lol.",
        "It's not true that Jews control the media.",
        "The idea that Jews control the banks is an antisemitic conspiracy theory.",
        "نظرية أن اليهود يسيطرون على العالم كذبة.",
        "Stop treating women as objects.",
        "Women are not just objects.",
        "Les femmes ne sont pas que des objets.",
        "Las mujeres no son objetos.",
        "Les musulmans sont tous pareils à nous, des humains.",
        "Les juifs et les arabes sont tous les mêmes.",
        "المسلمين والمسيحيين بحال بحال",  # "are the same": said in tolerance as often
        "l3arab w lyhod kif kif",
        "المسلمون والمسيحيون متشابهون",
        "Women should never have to vote under threat.",
        "There is nothing worse than racism against Muslims.",
        "No hay nada peor que el racismo contra los gitanos.",
        "لا يوجد أسوأ من العنصرية ضد المسلمين.",
        "Gay people are way more accepted now.",
        "المعاقون ليسوا عبئا على المجتمع.",
        "النساء أدنى أجرا من الرجال.",
        "العرب ماشي كذابين.",
        "الأفارقة ناس مزيانين.",
        "المهاجرين كيتسرقو.",
    ],
)
def test_their_denials_critiques_and_look_alikes_are_not(text: str) -> None:
    assert _found(text) == []


def test_an_idea_is_a_frame_but_by_the_way_is_not() -> None:
    assert _found("The idea that Muslims are rats is vile") == []
    assert _found("على فكرة العرب حمير") == ["العرب حمير"]  # "by the way"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("المسلمون عنيفون", True),
        ("والمسلمون عنيفون جدا", True),
        ("النساء ضعيفات", True),
        ("المسلمون العنيفون في السجن", False),  # the adjective takes the article: some of them
        ("مسلمين عنيفين قتلوا رجلا", False),  # no article: "violent Muslims killed a man"
        ("Les hommes violents", False),
        ("Les hommes sont violents", True),
    ],
)
def test_an_arabic_adjective_after_a_group_with_the_article_is_said_of_it(
    text: str, found: bool
) -> None:
    assert bool(_found(text)) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Immigrants are the worst.", True),
        ("Muslims are the worst, honestly.", True),
        ("Les immigrés sont les pires.", True),
        ("Los gitanos son los peores.", True),
        ("المهاجرون هم الأسوأ.", True),
        ("Immigrants are the worst hit by the crisis.", False),
        ("Les immigrés sont les pires victimes de la crise.", False),
        ("Los gitanos son los peores parados.", False),
        ("المهاجرون هم الأسوأ حظا.", False),
        ("Immigrants are not the worst.", False),
    ],
)
def test_the_worst_is_derogation_only_where_it_ends_the_clause(text: str, found: bool) -> None:
    assert bool(_found(text)) is found


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Why do immigrants always steal?", "immigrants always steal"),
        ("Muslims always lie.", "Muslims always lie"),
        ("Jews are always lying", "Jews are always lying"),
        ("Immigrants? They steal.", "They steal"),
        ("Les Roms volent toujours.", "Roms volent toujours"),
        ("Pourquoi les Roms volent-ils toujours ?", "Roms volent-ils toujours"),
        ("les arabes foutent toujours la merde", "arabes foutent toujours la merde"),
        ("¿Por qué los gitanos siempre roban?", "gitanos siempre roban"),
        ("Los moros siempre dan problemas.", "moros siempre dan problemas"),
        ("اليهود يكذبون دائما", "اليهود يكذبون دائما"),
        ("المهاجرون يسرقون.", "المهاجرون يسرقون"),
        ("العرب ديما كيشفرو", "العرب ديما كيشفرو"),
    ],
)
def test_a_vice_said_to_be_a_groups_habit_is_derogation(text: str, span: str) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Muslims always steal the show at the festival.",
        "Immigrants steal our hearts with their cooking.",
        "Thieves steal from Muslims.",
        "Muslims do not steal.",
        "The cemetery where the Jews lie.",
        "Saying that Muslims always lie is racist.",
        "No soporto a los gitanos que roban.",
        "The immigrants who steal should be judged like anyone else.",
        "Les Roms volent des poules, disait-il.",
        "Los gitanos no roban.",
    ],
)
def test_a_vice_not_ending_its_clause_denied_reported_or_of_some_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Immigrants? Parasites.", "Immigrants? Parasites"),
        ("Women? Useless.", "Women? Useless"),
        ("Les femmes ? Des incapables.", "femmes ? Des incapables"),
        ("¿Los gitanos? Ladrones", "gitanos? Ladrones"),
        ("المهاجرون؟ حشرات", "المهاجرون؟ حشرات"),
        ("What about immigrants? Parasites.", "immigrants? Parasites"),
        ("And the Muslims? Terrorists.", "Muslims? Terrorists"),
        ("Et les Roms ? Des voleurs.", "Roms ? Des voleurs"),
        ("Quid des Roms ? Des voleurs.", "Roms ? Des voleurs"),
        ("¿Y qué hay de los gitanos? Ladrones.", "gitanos? Ladrones"),
        ("وماذا عن المهاجرين؟ حشرات", "المهاجرين؟ حشرات"),
        ("شنو على العرب؟ شفارة", "العرب؟ شفارة"),
    ],
)
def test_a_group_asked_about_then_called_vile_in_a_sentence_of_its_own_is_found(
    text: str, span: str
) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Immigrants? Not parasites.",
        "Immigrants? Parasites are everywhere in the old house.",
        "Immigrants? Great people.",
        "Immigrants? Parasites? That's a lie.",
        "Les femmes ? Des incapables, disait-il.",
        '"Immigrants? Parasites." is what racists say.',
        "We spoke about immigrants? Parasites.",
        "What about immigrants? Great people.",
        "What about immigrants? Parasites? That is a lie.",
        "¿Y los gitanos? Ladrones, dicen algunos.",
        "Et les Roms ? Des gens formidables.",
    ],
)
def test_a_topic_question_answered_otherwise_refuted_or_quoted_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The leaders of the Arabs are traitors.",
        "The enemies of the Jews are vermin.",
        "The killers of Muslims are animals.",
        "Les dirigeants des Arabes sont des traîtres.",
        "Les ennemis des juifs sont des rats.",
        "Los líderes de los musulmanes son ladrones.",
        "رؤساء العرب خونة",
        "حكام العرب خونة",
        "People who hate Muslims are scum.",
        "Those who attack Muslims are animals.",
        "Ceux qui attaquent les musulmans sont des animaux.",
        "Los que atacan a los musulmanes son animales.",
        "Quienes odian a los judíos son basura.",
        "الذين يكرهون المسلمين حشرات",
        "اللي كيكرهو العرب حشرات",
    ],
)
def test_what_is_said_of_a_noun_the_group_completes_is_not_said_of_the_group(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Most of the immigrants are criminals.", "immigrants are criminals"),
        ("All of the Muslims are terrorists.", "Muslims are terrorists"),
        ("The children of immigrants are criminals.", "immigrants are criminals"),
        ("La plupart des immigrés sont des voleurs.", "immigrés sont des voleurs"),
        ("La mayoría de los gitanos son ladrones.", "gitanos son ladrones"),
        ("Des Arabes sont des voleurs.", "Arabes sont des voleurs"),
        ("Je pense que les juifs sont des rats.", "juifs sont des rats"),
        ("Creo que los gitanos son ladrones.", "gitanos son ladrones"),
        ("I think that Muslims are rats.", "Muslims are rats"),
        ("العرب خونة", "العرب خونة"),
    ],
)
def test_a_group_named_after_a_portion_of_it_or_a_that_is_still_spoken_of(
    text: str, span: str
) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("It's in the nature of Muslims to lie.", "It's in the nature of Muslims to lie"),
        ("C'est dans la nature des Roms de voler.", "C'est dans la nature des Roms de voler"),
        (
            "Está en la naturaleza de los gitanos robar.",
            "Está en la naturaleza de los gitanos robar",
        ),
        ("من طبيعة اليهود الكذب", "من طبيعة اليهود الكذب"),
        ("فطبيعة العرب الكذب", "فطبيعة العرب الكذب"),
        ("Muslims? Lying is in their nature.", "Muslims? Lying is in their nature"),
        ("Immigrants, violence is in their nature.", "Immigrants, violence is in their nature"),
        ("Les Roms, le vol est dans leur nature.", "Roms, le vol est dans leur nature"),
        ("Los gitanos, robar está en su naturaleza.", "gitanos, robar está en su naturaleza"),
        ("اليهود الغدر من طبعهم", "اليهود الغدر من طبعهم"),
        ("العرب الكذوب فطبعهم", "العرب الكذوب فطبعهم"),
    ],
)
def test_a_vice_said_to_be_in_a_groups_nature_is_found(text: str, span: str) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "It's not in the nature of Muslims to lie.",
        "It isn't in the nature of Muslims to lie.",
        "It's in the nature of Muslims to lie about nothing, a myth says.",
        "It's in the nature of Muslims to help.",
        "Saying it's in the nature of Muslims to lie is racist.",
        "Ce n'est pas dans la nature des Roms de voler.",
        "No está en la naturaleza de los gitanos robar.",
        "ليس من طبيعة اليهود الكذب",
        "I love Muslims, kindness is in their nature.",
        "Muslims are not violent, violence is not in their nature.",
    ],
)
def test_a_vice_in_a_groups_nature_denied_reported_or_not_ending_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Immigrants aren't human.", True),
        ("Women can't be smart.", True),
        ("Women won't ever be smart.", True),
        ("Les femmes ne peuvent pas être intelligentes.", True),
        ("Las mujeres no pueden ser inteligentes.", True),
        ("النساء لا يمكن أن يكن ذكيات.", True),
        ("Muslims can be terrorists too, like anyone.", False),  # "can" is no filler
        ("Muslims can't be terrorists, they are peaceful.", False),
        ("Les musulmans ne peuvent pas être expulsés.", False),
        ("Los gitanos no pueden ser discriminados.", False),
        ("الكحل ماشي ناس", True),  # "not people"
        ("l3arab machi bnadem", True),
        ("العرب ماشي ناس خايبين", False),  # "not bad people"
        ("l3arab machi bnadem mzyanin", False),
    ],
)
def test_a_quality_denied_through_a_negation_of_several_words(text: str, found: bool) -> None:
    assert bool(_found(text)) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Muslims deserve to suffer.", True),
        ("Les femmes méritent d'être battues.", True),
        ("Las mujeres merecen ser golpeadas.", True),
        ("المسلمون يستحقون المعاناة.", True),
        ("Je veux frapper les arabes.", True),
        ("Quiero pegar a los gays.", True),
        ("lah ymout lyhod kamlin", True),
        ("Les femmes ne méritent pas de souffrir.", False),
        ("المسلمون لا يستحقون المعاناة.", False),
        ("Je ne veux pas frapper les arabes.", False),
        ("La policía suele pegar a los inmigrantes.", False),
        ("Hate crimes hurt Muslims.", False),
    ],
)
def test_suffering_or_a_beating_called_for_is_a_threat(text: str, found: bool) -> None:
    assert bool(_found(text, "hate/threat")) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I will never respect a Muslim.", True),
        ("Je n'ai aucun respect pour les arabes.", True),
        ("No respeto a los gitanos.", True),
        ("لا أحترم اليهود", True),
        ("I don't respect people who hate Muslims.", False),
        ("I respect Muslims.", False),
    ],
)
def test_respect_refused_to_a_whole_group_is_hatred(text: str, found: bool) -> None:
    assert bool(_found(text)) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Immigrants are an invasion.", True),
        ("Black people are gorillas.", True),
        ("Muslims are barely human.", True),
        ("Women are property.", True),
        ("Immigrants breed like rabbits.", True),
        ("Les musulmans sont des envahisseurs.", True),
        ("Les roms se reproduisent comme des lapins.", True),
        ("Los trans son monstruos.", True),
        ("Las mujeres son máquinas de hacer bebés.", True),
        ("المهاجرون غزاة.", True),
        ("اللاجئون جراد.", True),
        ("Women are creatures of habit.", False),
        ("Women are property owners too.", False),
        ("Muslims are facing an invasion of privacy.", False),
        ("Calling immigrants an invasion is racist.", False),
        ("Jews are not snakes.", False),
        ("Disabled people eat vegetables.", False),
        ("اللاجئون هربوا من الغزاة.", False),
    ],
)
def test_invaders_beasts_and_breeding_are_dehumanisation(text: str, found: bool) -> None:
    assert bool(_found(text)) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("We will hunt down all the immigrants.", True),
        ("Let's go kill some immigrants tonight.", True),
        ("I will slit the throats of all Jews.", True),
        ("Black people will be strung up.", True),
        ("Gay people will pay for this with their blood.", True),
        ("Les juifs vont payer de leur sang.", True),
        ("Los gays van a pagar con su sangre.", True),
        ("سوف نذبح المسيحيين.", True),
        ("Muslims will be killed if the war goes on.", False),  # "will" alone calls for nothing
        ("Experts warn that immigrants will be slaughtered.", False),
        ("Immigrants will die in the sea.", False),
        ("Immigrants will be dealt with fairly by the courts.", False),
        ("Les migrants vont payer plus d'impôts.", False),
        ("The police will hunt down the people who attacked Muslims.", False),
        ("سوف نساعد المهاجرين.", False),
    ],
)
def test_a_vow_of_bloodshed_is_a_threat_but_a_forecast_is_not(text: str, found: bool) -> None:
    assert bool(_found(text, "hate/threat")) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Les femmes sont hystériques.", True),
        ("Les noirs sont paresseux.", True),
        ("Les immigrés sont des profiteurs.", True),
        ("Les arabes ne savent que voler.", True),
        ("Les femmes sont incapables.", True),
        ("Los inmigrantes viven de las ayudas.", True),
        ("Women are too emotional to lead.", True),
        ("السود كسالى", True),
        ("Les handicapés sont incapables de marcher sans aide.", False),  # does not end there
        ("Les handicapés sont assistés par des bénévoles.", False),
        ("Les musulmans intégristes sont une minorité.", False),  # the adjective picks some
        ("المسلمون المتطرفون أقلية.", False),
        ("Muslims are victims of fanatics.", False),
        ("Immigrants are cheap labour.", False),
    ],
)
def test_stereotypes_said_of_a_whole_group_are_derogation(text: str, found: bool) -> None:
    assert bool(_found(text)) is found


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Go back to your country, you Muslims", "Go back to your country, you Muslims"),
        ("Muslims, go back to where you came from", "Muslims, go back to where you came from"),
        ("Hey immigrants, go back to your own country!", "immigrants, go back to your own country"),
        ("Les immigrés, rentrez chez vous", "immigrés, rentrez chez vous"),
        ("Dégagez, bande de Roms", "Dégagez, bande de Roms"),
        ("Volved a vuestro país, moros", "Volved a vuestro país, moros"),
        ("ارجعوا إلى بلادكم يا عرب", "ارجعوا إلى بلادكم يا عرب"),
        ("سيرو لبلادكم يا الأفارقة", "سيرو لبلادكم يا الأفارقة"),
    ],
)
def test_an_order_to_leave_said_to_a_group_is_derogation(text: str, span: str) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Muslims go back to their country every summer",
        "Telling Muslims to go back to your country is racist",
        "Go back to your country and help Muslims there",
        "Don't go back to your country, immigrants, we need you",
        "Muslims who go back to your country are welcome",
        "Mes voisins roms, rentrez chez vous",  # "voisins" names people, not the group
        '"Go back to your country, Muslims" is what they shouted at her',
    ],
)
def test_an_order_not_said_to_the_group_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("We don't want Muslims here", True),
        ("We don't want any more immigrants in this country", True),
        ("On ne veut pas de musulmans ici", True),
        ("No queremos más inmigrantes en España", True),
        ("لا نريد اليهود في بلادنا", True),
        ("ما بغيناش الأفارقة هنا", True),
        ("Immigrants should go back to their country", True),
        ("Black people should go back to Africa", True),
        ("Los inmigrantes deberían volver por donde vinieron", True),
        ("We don't want Muslims to feel unwelcome here", False),
        ("We don't want immigrants to suffer", False),
        ("It's not that we don't want immigrants here", False),
        ("On ne veut pas de musulmans maltraités", False),
        ("Immigrants should not go back to their country if it is at war", False),
        ("Refugees who want to go back to their country should get help", False),
    ],
)
def test_a_group_unwanted_here_or_sent_home_is_derogation(text: str, found: bool) -> None:
    assert bool(_found(text)) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I hate Muslims too", True),
        ("Kill the Jews as well!", True),
        ("We don't want women to be afraid", False),  # "too" is written "to" once normalised
    ],
)
def test_too_follows_a_hated_group_only_where_it_ends_the_clause(text: str, found: bool) -> None:
    assert bool(_found(text)) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Muzlims are rats", True),
        ("Muslimz are rats", True),
        ("Jewz are parasites", True),
        ("Mus lims are rats", True),
        ("Mus-lims are rats", True),
        ("Immi grants are vermin", True),
        ("Les musul mans sont des rats", True),
        ("His panics are the worst", False),  # both halves are words
        ("Mig rants are disgusting", False),
    ],
)
def test_a_name_with_z_for_s_or_cut_in_two_is_read(text: str, found: bool) -> None:
    assert bool(_found(text)) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("العرب غير شفارة", True),  # Darija: 'only thieves'
        ("l3rab ghir chfara", True),
        ("العرب غير كلاب", True),
        ("اليهود غير بشر", True),  # 'not human'
        ("المسلمون غير عنيفين", False),  # Arabic: 'not violent'
        ("المسلمون غير إرهابيين", False),
    ],
)
def test_ghayr_is_not_before_an_arabic_adjective_and_only_in_darija(text: str, found: bool) -> None:
    assert bool(_found(text)) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Muslims have violence in their blood", True),
        ("Gypsies have stealing in their blood", True),
        ("Muslims lie by nature", True),
        ("Les Arabes ont le vol dans le sang", True),
        ("Les Roms volent par nature", True),
        ("Los gitanos llevan el robo en la sangre", True),
        ("Los gitanos roban por naturaleza", True),
        ("العرب السرقة في دمهم", True),
        ("اليهود يكذبون بطبعهم", True),
        ("الشلوح البخل فدمهم", True),
        ("Music is in their blood", False),
        ("Muslims don't have violence in their blood", False),
        ("Los gitanos llevan el flamenco en la sangre", False),
        ("Saying that Muslims have violence in their blood is racist", False),
    ],
)
def test_a_vice_said_to_be_in_a_groups_blood_or_nature_is_derogation(
    text: str, found: bool
) -> None:
    assert bool(_found(text)) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("لا تثق في يهودي", True),
        ("لا تثق بيهودي أبدا", True),
        ("ما تيقش فيهودي", True),
        ("ما تيقش في شي يهودي", True),
        ("قتل يهودي واجب", True),
        ("لا تثق في اليهودي", False),  # the article: one person
        ("قتل يهودي في القدس", False),
        ("أكره يهودي سرق سيارتي", False),
    ],
)
def test_a_bare_arabic_singular_after_distrust_or_violence_is_any_one(
    text: str, found: bool
) -> None:
    assert bool(_found(text)) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Immigrants are criminals, he said", False),
        ("Muslims are terrorists? That's a lie.", False),
        ("Muslims are terrorists. That is not true.", False),
        ("Les immigrés sont des voleurs, a-t-il dit", False),
        ("Les musulmans sont des terroristes ? C'est faux.", False),
        ("Los inmigrantes son delincuentes, dijo el candidato", False),
        ("Los gitanos son ladrones. Mentira.", False),
        ("المهاجرون مجرمون، حسب زعمه", False),
        ("العرب شفارة؟ ماشي صحيح", False),
        ("Muslims are terrorists. They say they are peaceful but they lie", True),
        ("Immigrants are criminals. Period.", True),
        ("Los gitanos son ladrones, mentirosos y sucios", True),
        ("اليهود خونة، كذب وخداع", True),  # 'lies and deceit': not all a refutation
    ],
)
def test_a_statement_reported_or_refuted_in_the_clause_after_it_is_not(
    text: str, found: bool
) -> None:
    assert bool(_found(text)) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I'd happily watch all the Jews burn", True),
        ("Me encantaría ver a todos los judíos muertos", True),
        ("J'adorerais voir tous les juifs morts", True),
        ("أتمنى أن أرى كل اليهود أمواتا", True),
        ("نتمنى نشوف العرب كاملين ميتين", True),
        ("Someone should shoot every immigrant in this town", True),
        ("Alguien debería disparar a todos los inmigrantes", True),
        ("J'aimerais voir les juifs heureux", False),
        ("أتمنى أن أرى المسلمين سعداء", False),
        ("Alguien debería ayudar a los inmigrantes", False),
    ],
)
def test_a_wish_to_watch_a_group_die_is_a_threat(text: str, found: bool) -> None:
    assert bool(_found(text, "hate/threat")) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Vosotros los moros sois todos unos terroristas", True),
        ("أنتم المسلمون كلكم إرهابيون", True),
        ("Pourquoi les juifs sont toujours aussi radins ?", True),
        ("لماذا المسلمون دائما عنيفون؟", True),
        ("علاش العرب موسخين هكا؟", True),
        ("Gay people should be ashamed of themselves", True),
        ("Les juifs devraient avoir honte d'exister", True),
        ("اليهود عار على البشرية", True),
        ("Men should be ashamed of themselves for what they did", False),  # goes on
        ("No woman can ever be a good leader", True),
        ("Les juifs aussi sont des victimes", False),
    ],
)
def test_derogation_said_to_a_group_asked_of_it_or_shaming_it(text: str, found: bool) -> None:
    assert bool(_found(text)) is found


@pytest.mark.parametrize(
    "text",
    [
        "Are immigrants criminals? No.",
        "Les immigrés sont des criminels ? Non.",
        "¿Los inmigrantes son criminales? Claro que no.",
        "هل المسلمون إرهابيون؟ لا",
        "Jews are parasites according to Nazi propaganda.",
        "Les juifs sont des parasites selon la propagande nazie.",
        "Los judíos son parásitos según la propaganda nazi.",
        "Les femmes sont moins violentes que les hommes.",
        "Las mujeres son menos violentas que los hombres.",
        "Immigrants are less violent than you think.",
        "Immigrants are LESS criminal than natives.",
        "Immigrants are no less human than us.",
        "Disabled people are no less capable.",
        "Les femmes ne sont pas moins intelligentes que les hommes.",
        "Las mujeres no son menos inteligentes que los hombres.",
        "Muslims are terrorists? Please.",
        "¿Los musulmanes son terroristas? Por favor.",
        "I'm tired of hearing that Muslims are terrorists.",
        "J'en ai marre d'entendre que les musulmans sont des terroristes.",
        "We're told Muslims are terrorists.",
    ],
)
def test_a_statement_heard_answered_no_given_to_others_or_said_less_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Immigrants are criminals, no?", "Immigrants are criminals"),
        ("Immigrants are criminals. No doubt about it.", "Immigrants are criminals"),
        ("Are immigrants parasites? Yes.", "immigrants parasites"),
        ("Jews are parasites according to me.", "Jews are parasites"),
        ("Les juifs sont des parasites selon moi.", "juifs sont des parasites"),
        ("Les femmes sont moins intelligentes que les hommes.", "femmes sont moins intelligentes"),
        ("Les femmes sont moins que rien.", "femmes sont moins que rien"),
        ("Las mujeres son menos que nada.", "mujeres son menos que nada"),
        ("Women are less than human.", "Women are less than human"),
        ("Women are less intelligent than men.", "Women are less intelligent"),
        ("Muslims are less civilised than us.", "Muslims are less civilised"),
        ("Les immigrés sont les pires.", "immigrés sont les pires"),
        ("المسلمون أقل شأنا", "المسلمون أقل شأنا"),
        ("I tell you, Muslims are terrorists.", "Muslims are terrorists"),
    ],
)
def test_a_tag_a_yes_the_speakers_own_word_or_less_of_a_quality_is_still_found(
    text: str, span: str
) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Immigrants are invading our country.", "Immigrants are invading our country"),
        ("Les immigrés envahissent la France.", "immigrés envahissent la France"),
        ("Los inmigrantes nos están invadiendo.", "inmigrantes nos están invadiendo"),
        ("المهاجرون يغزون بلادنا", "المهاجرون يغزون بلادنا"),
        ("Black people are genetically inferior.", "Black people are genetically inferior"),
        ("Muslims don't belong in Europe.", "Muslims don't belong in Europe"),
        ("Los gitanos no deberían tener derechos.", "gitanos no deberían tener derechos"),
        ("Send all the immigrants back.", "Send all the immigrants"),
        ("We should send the migrants back where they came from.", "send the migrants"),
        ("Dehors les Arabes !", "Dehors les Arabes"),
        ("La France aux Français, les immigrés dehors.", "immigrés dehors"),
        ("Renvoyez les migrants chez eux.", "Renvoyez les migrants"),
        ("اليهود أعداء الله", "اليهود أعداء الله"),
        ("Muslims are the enemies of humanity.", "Muslims are the enemies of humanity"),
        ("l3arab khawana", "l3arab khawana"),
        ("lafar9a wsakhin", "lafar9a wsakhin"),
    ],
)
def test_invasion_inborn_inferiority_and_no_place_in_europe_are_found(text: str, span: str) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Russians are invading Ukraine.",
        "Tourists are invading our beaches every summer.",
        "Muslims are naturally generous.",
        "The Chinese are investing in Europe.",
        "Send the refugees food.",
        "Send Muslims our regards.",
        "Les femmes sont dehors.",
        "Les immigrés dorment dehors.",
        "Les juifs sont dehors ce soir.",
        "l3arab m3a lkhawana",
    ],
)
def test_an_army_tourists_or_a_kind_word_after_an_adverb_is_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Kill every Jew you see.", "Kill every Jew"),
        ("Shoot every Muslim on sight.", "Shoot every Muslim"),
        ("Tuez chaque juif que vous croisez.", "Tuez chaque juif"),
        ("Mata a cada gitano que veas.", "Mata a cada gitano"),
    ],
)
def test_a_call_to_kill_any_member_one_comes_across_is_a_threat(text: str, span: str) -> None:
    assert _found(text, "hate/threat") == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Help every immigrant you meet.",
        "La policía mata a gitanos.",
        "El racismo mata a los inmigrantes.",
    ],
)
def test_help_offered_or_a_killing_reported_is_no_threat(text: str) -> None:
    assert _found(text, "hate/threat") == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("الأفارقة ما خاصهمش يبقاو هنا", "الأفارقة ما خاصهمش يبقاو هنا"),
        ("الأفارقة كيجيبو غير المشاكل", "الأفارقة كيجيبو غير المشاكل"),
        ("هاد الأفارقة عامرين البلاد", "الأفارقة عامرين البلاد"),
        ("lafar9a kayjibo ghir lmachakil", "lafar9a kayjibo ghir lmachakil"),
        ("l3arab bouzbal", "l3arab bouzbal"),
    ],
)
def test_darija_derogations_of_a_group_are_found(text: str, span: str) -> None:
    assert _found(text) == [span]


@pytest.mark.parametrize(
    "text", ["الأفارقة ما خاصهمش يبقاو بلا خدمة", "المغاربة عامرين الملاعب", "العرب خرجو من الماتش"]
)
def test_darija_sentences_of_the_same_words_about_else_are_not(text: str) -> None:
    assert _found(text) == []
