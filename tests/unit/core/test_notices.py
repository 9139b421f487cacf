from __future__ import annotations

import re
import string
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from tamis.core import taxonomy
from tamis.core.decisions import AccountAction, Automation, Ground, Source, Statement, Visibility
from tamis.core.notices import CATEGORY_NAMES, LOCALES, PHRASES, Notice, render, resolve_locale

DECIDED = datetime(2026, 5, 21, 14, 30, tzinfo=UTC)
APPEAL_UNTIL = datetime(2026, 11, 21, 23, 59, tzinfo=UTC)
GENERIC_REDRESS = (
    "You may appeal this decision through the internal complaint system, use a certified "
    "out-of-court dispute settlement body, or go to court."
)

TERMS_AUTO = Statement(
    visibility=Visibility.REMOVED,
    account=None,
    territorial_scope=("worldwide",),
    visibility_end=None,
    account_end=None,
    facts="score 0.97 > 0.90 [toxicity/insult], policy default v3",
    ground=Ground.TERMS,
    legal_ground=None,
    clause="insults",
    terms_url="https://example.org/cgu#insults",
    explanation="EXPL-7",
    also_illegal=False,
    category="toxicity/insult",
    source=Source.OWN_INITIATIVE,
    automated_detection=True,
    automated_decision=Automation.FULLY,
    redress=GENERIC_REDRESS,
)
ILLEGAL_NOTICES = replace(
    TERMS_AUTO,
    visibility=Visibility.DISABLED,
    territorial_scope=("FR", "BE"),
    visibility_end=datetime(2026, 9, 30, tzinfo=UTC),
    facts="3 / 5 -> 0.6",
    ground=Ground.ILLEGAL,
    legal_ground="C. pen. 222-17",
    clause=None,
    terms_url=None,
    explanation="EXPL-8",
    category="violence/threat",
    source=Source.NOTICE,
    automated_detection=False,
    automated_decision=Automation.PARTIALLY,
)
SUSPENSION = replace(
    TERMS_AUTO,
    visibility=Visibility.NONE,
    account=AccountAction.SUSPENDED,
    account_end=datetime(2026, 6, 4, tzinfo=UTC),
    facts="42 x 24h",
    clause="spam-3",
    explanation="EXPL-9",
    category="spam",
    source=Source.TRUSTED_FLAGGER,
    automated_detection=True,
    automated_decision=Automation.NOT,
)
RESTORE = replace(
    TERMS_AUTO,
    visibility=Visibility.NONE,
    facts="#1234 -> OK",
    source=Source.NOTICE,
    automated_detection=False,
    automated_decision=Automation.NOT,
)
STATEMENTS = {
    "terms_auto": TERMS_AUTO,
    "illegal_notices": ILLEGAL_NOTICES,
    "suspension": SUSPENSION,
    "restore": RESTORE,
}

# Each locale's own words, written here independently of the module's phrase tables.
WORDS: dict[str, dict[object, Any]] = {
    "en": {
        "date": "2026-11-21",
        "decided": "2026-05-21",
        "appeal": ("appeal",),
        "article_21": "Article 21",
        "courts": "courts",
        "free": "free of charge",
        Source.NOTICE: "users reported",
        Source.TRUSTED_FLAGGER: "trusted flagger",
        Source.OWN_INITIATIVE: "own initiative",
        True: "was detected by automated means",
        False: "was not detected by automated means",
        Automation.FULLY: "entirely by automated means",
        Automation.PARTIALLY: "partly by automated means",
        Automation.NOT: "by a person",
        Visibility.REMOVED: "removed",
        Visibility.DISABLED: "disabled access",
        Visibility.NONE: "not restricted",
        AccountAction.SUSPENDED: "suspended your account",
        "worldwide": "worldwide",
        "open": "until further notice",
        "end": "until 2026-09-30",
        "account_end": "until 2026-06-04",
        "countries": "FR, BE",
        "terms": "terms of service",
        "illegal": "illegal",
        "category": "insults",
    },
    "fr": {
        "date": "21/11/2026",
        "decided": "21/05/2026",
        "appeal": ("recours", "appel"),
        "article_21": "article 21",
        "courts": "tribunaux",
        "free": "gratuitement",
        Source.NOTICE: "signalements d'utilisateurs",
        Source.TRUSTED_FLAGGER: "signaleur de confiance",
        Source.OWN_INITIATIVE: "propre initiative",
        True: "a été détecté par des moyens automatisés",
        False: "n'a pas été détecté",
        Automation.FULLY: "entièrement par des moyens automatisés",
        Automation.PARTIALLY: "en partie par des moyens automatisés",
        Automation.NOT: "par une personne",
        Visibility.REMOVED: "supprimé",
        Visibility.DISABLED: "bloqué l'accès",
        Visibility.NONE: "pas restreint",
        AccountAction.SUSPENDED: "suspendu votre compte",
        "worldwide": "monde entier",
        "open": "jusqu'à nouvel ordre",
        "end": "jusqu'au 30/09/2026",
        "account_end": "jusqu'au 04/06/2026",
        "countries": "FR, BE",
        "terms": "conditions d'utilisation",
        "illegal": "illicite",
        "category": "insultes",
    },
    "es": {
        "date": "21/11/2026",
        "decided": "21/05/2026",
        "appeal": ("recurso",),
        "article_21": "artículo 21",
        "courts": "tribunales",
        "free": "gratuita",
        Source.NOTICE: "usuarios nos lo notificaran",
        Source.TRUSTED_FLAGGER: "alertador fiable",
        Source.OWN_INITIATIVE: "iniciativa propia",
        True: "Se detectó por medios automatizados",
        False: "No se detectó",
        Automation.FULLY: "íntegramente por medios automatizados",
        Automation.PARTIALLY: "en parte por medios automatizados",
        Automation.NOT: "una persona",
        Visibility.REMOVED: "eliminado",
        Visibility.DISABLED: "bloqueado el acceso",
        Visibility.NONE: "no lo hemos restringido",
        AccountAction.SUSPENDED: "suspendido su cuenta",
        "worldwide": "todo el mundo",
        "open": "hasta nuevo aviso",
        "end": "hasta el 30/09/2026",
        "account_end": "hasta el 04/06/2026",
        "countries": "FR, BE",
        "terms": "condiciones de uso",
        "illegal": "ilícito",
        "category": "insultos",
    },
    "ar": {
        "date": "21/11/2026",
        "decided": "21/05/2026",
        "appeal": ("طعن", "استئناف"),
        "article_21": "المادة 21",
        "courts": "المحاكم",
        "free": "مجانًا",
        Source.NOTICE: "أبلغنا عنه مستخدم",
        Source.TRUSTED_FLAGGER: "مُبلِّغ موثوق",
        Source.OWN_INITIATIVE: "بمبادرة منا",
        True: "تم رصده بوسائل آلية",
        False: "لم يتم رصده",
        Automation.FULLY: "بالكامل بوسائل آلية",
        Automation.PARTIALLY: "جزئيًا بوسائل آلية",
        Automation.NOT: "شخصٌ",
        Visibility.REMOVED: "حذفنا",
        Visibility.DISABLED: "عطّلنا الوصول",
        Visibility.NONE: "لم نفرض عليه أي قيد",
        AccountAction.SUSPENDED: "علّقنا حسابك",
        "worldwide": "جميع أنحاء العالم",
        "open": "حتى إشعار آخر",
        "end": "حتى 30/09/2026",
        "account_end": "حتى 04/06/2026",
        "countries": "FR، BE",
        "terms": "شروط الاستخدام",
        "illegal": "غير قانوني",
        "category": "الإهانات",
    },
}

ENGLISH = re.compile(
    r"\b(appeal|removed|disabled|account|decision|worldwide|until|further|notice|automated|"
    r"trusted|flagger|courts?|terms|content|we|you|your|the|and|of|by|this|hello|regards)\b",
    re.IGNORECASE,
)


def _render(
    statement: Statement,
    locale: str | None,
    *,
    appeal_until: datetime | None = APPEAL_UNTIL,
    terms_title: str | None = None,
) -> Notice:
    return render(
        statement,
        locale=locale,
        item_ref="post-42",
        decided_at=DECIDED,
        appeal_until=appeal_until,
        terms_title=terms_title,
    )


def _template_text(body: str, statement: Statement) -> str:
    """The body without the data the statement and caller supplied verbatim."""
    values = (
        statement.facts,
        statement.explanation,
        statement.legal_ground,
        statement.clause,
        statement.terms_url,
        "post-42",
    )
    for value in sorted((v for v in values if v), key=len, reverse=True):
        body = body.replace(value, "")
    return body


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("   ", "en"),
        ("fr", "fr"),
        ("fr-FR", "fr"),
        ("fr_CA", "fr"),
        ("fr_BE.UTF-8", "fr"),
        ("FR", "fr"),
        ("ar", "ar"),
        ("ar-MA", "ar"),
        ("ar-Arab-DZ", "ar"),
        ("ary", "ar"),
        ("ary-MA", "ar"),
        ("arq", "ar"),
        ("es", "es"),
        ("ES", "es"),
        ("es-419", "es"),
        ("es_MX", "es"),
        ("EN", "en"),
        ("en-GB", "en"),
        ("de-DE", "en"),
        ("zh-Hant-TW", "en"),
        ("x-klingon", "en"),
        ("und", "en"),
    ],
)
def test_resolve_locale(tag: str | None, expected: str) -> None:
    assert resolve_locale(tag) == expected


def test_every_locale_has_the_same_phrases_and_placeholders() -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    reference = PHRASES["en"]
    assert set(PHRASES) == set(LOCALES)
    for locale in LOCALES:
        assert PHRASES[locale].keys() == reference.keys(), locale
        for key, text in PHRASES[locale].items():
            assert fields(text) == fields(reference[key]), (locale, key)


def test_every_taxonomy_category_is_translated() -> None:
    for locale in LOCALES:
        assert set(CATEGORY_NAMES[locale]) == set(taxonomy.NAMES), locale


@pytest.mark.parametrize("name", list(STATEMENTS))
@pytest.mark.parametrize("locale", LOCALES)
def test_notice_carries_every_article_17_element(locale: str, name: str) -> None:
    statement = STATEMENTS[name]
    words = WORDS[locale]
    notice = _render(statement, locale)
    body = notice.body

    assert notice.locale == locale
    assert "post-42" in notice.subject or statement.account is not None
    assert statement.facts in body
    assert statement.explanation in body
    assert str(words["decided"]) in body
    # Redress: internal appeal with its deadline, out-of-court settlement, the courts.
    assert any(w in body for w in words["appeal"])
    assert str(words["date"]) in body
    assert str(words["free"]) in body
    assert str(words["article_21"]) in body
    assert str(words["courts"]) in body
    # Where the case came from and how far automation went.
    assert str(words[statement.source]) in body
    assert str(words[statement.automated_detection]) in body
    assert str(words[statement.automated_decision]) in body
    for other in Automation:
        if other is not statement.automated_decision and other is not Automation.NOT:
            assert str(words[other]) not in body
    # The ground.
    if statement.ground is Ground.TERMS:
        assert statement.clause is not None and statement.clause in body
        assert statement.terms_url is not None and statement.terms_url in body
        assert str(words["terms"]) in body
    else:
        assert statement.legal_ground is not None and statement.legal_ground in body
        assert str(words["illegal"]) in body
    # What was restricted, where and for how long.
    if statement.account is not None:
        assert str(words[statement.account]) in body
        assert str(words["account_end"]) in body
    else:
        assert str(words[statement.visibility]) in body
    if statement is ILLEGAL_NOTICES:
        assert str(words["countries"]) in body
        assert str(words["end"]) in body
        assert str(words["worldwide"]) not in body
    elif statement is TERMS_AUTO:
        assert str(words["worldwide"]) in body
        assert str(words["open"]) in body
    elif statement is RESTORE:
        assert str(words["worldwide"]) not in body


@pytest.mark.parametrize("name", list(STATEMENTS))
@pytest.mark.parametrize("locale", [loc for loc in LOCALES if loc != "en"])
def test_no_english_leaks_into_other_locales(locale: str, name: str) -> None:
    statement = STATEMENTS[name]
    notice = _render(statement, locale, terms_title=None)
    for text in (_template_text(notice.body, statement), notice.subject.replace("post-42", "")):
        assert not ENGLISH.search(text), ENGLISH.findall(text)
        if locale == "ar":
            # Nothing Latin left in an Arabic notice once the quoted data is set aside.
            leftover = text.replace("FR", "").replace("BE", "")
            assert not re.search(r"[A-Za-z]", leftover), leftover


@pytest.mark.parametrize("locale", LOCALES)
def test_categories_are_named_in_the_locale(locale: str) -> None:
    body = _render(TERMS_AUTO, locale).body
    assert str(WORDS[locale]["category"]) in body
    assert "toxicity/insult" not in _template_text(body, TERMS_AUTO)
    custom = _render(replace(TERMS_AUTO, category="custom/doxxing"), locale).body
    assert "custom/doxxing" in custom


def test_english_notice_reads_as_a_letter() -> None:
    notice = _render(TERMS_AUTO, "en-GB", terms_title="Insults and slurs")
    assert notice.subject == "Decision about your content (post-42)"
    assert notice.body.startswith("Hello,\n")
    assert "We have removed your content. This applies until further notice, worldwide." in (
        notice.body
    )
    assert "clause insults (“Insults and slurs”)" in notice.body
    assert "until 2026-11-21" in notice.body


def test_terms_title_is_shown_in_each_locale() -> None:
    for locale in LOCALES:
        body = _render(TERMS_AUTO, locale, terms_title="TITLE-X").body
        assert "TITLE-X" in body
        assert "TITLE-X" not in _render(TERMS_AUTO, locale).body


def test_account_notice_is_addressed_about_the_account() -> None:
    for locale, word in (("en", "account"), ("fr", "compte"), ("es", "cuenta"), ("ar", "حسابك")):
        notice = _render(SUSPENSION, locale)
        assert word in notice.subject
        assert "post-42" in notice.body


def test_termination_without_end_date_has_no_until() -> None:
    closed = replace(SUSPENSION, account=AccountAction.TERMINATED, account_end=None)
    body = _render(closed, "en").body
    assert "We have closed your account. This applies worldwide." in body
    assert "further notice" not in body
    fr = _render(closed, "fr").body
    assert "fermé votre compte" in fr
    assert "nouvel ordre" not in fr


def test_restriction_and_account_action_together() -> None:
    both = replace(ILLEGAL_NOTICES, account=AccountAction.SUSPENDED, account_end=None)
    body = _render(both, "es").body
    assert "bloqueado el acceso" in body
    assert "hasta el 30/09/2026" in body
    assert "suspendido su cuenta" in body
    assert "hasta nuevo aviso" in body


def test_illegal_ground_without_legal_basis_still_says_illegal() -> None:
    body = _render(replace(ILLEGAL_NOTICES, legal_ground=None), "fr").body
    assert "illicite au regard de la loi applicable" in body


def test_also_illegal_terms_ground_says_so() -> None:
    body = _render(replace(TERMS_AUTO, also_illegal=True), "en").body
    assert "We also consider it illegal." in body
    assert "illegal" not in _render(TERMS_AUTO, "en").body


def test_without_appeal_deadline_the_minimum_period_is_stated() -> None:
    for locale, word in (("en", "six months"), ("fr", "six mois"), ("es", "seis meses")):
        body = _render(TERMS_AUTO, locale, appeal_until=None).body
        assert word in body
        assert str(WORDS[locale]["date"]) not in body
    assert "ستة أشهر" in _render(TERMS_AUTO, "ar", appeal_until=None).body


def test_redress_text_is_added_only_when_it_gives_a_way_to_reach_someone() -> None:
    assert GENERIC_REDRESS not in _render(TERMS_AUTO, "en").body
    extra = "Appeals: https://example.org/appeals or moderation@example.org"
    for locale in LOCALES:
        assert extra in _render(replace(TERMS_AUTO, redress=extra), locale).body


def test_multiline_facts_are_kept_verbatim() -> None:
    facts = "line one\n  line two: 0.93\n"
    assert facts in _render(replace(TERMS_AUTO, facts=facts), "fr").body


def test_arabic_has_no_bidi_controls_and_is_marked_rtl() -> None:
    notice = _render(ILLEGAL_NOTICES, "ar-MA")
    assert not re.search("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", notice.body)
    assert notice.direction == "rtl"
    assert _render(ILLEGAL_NOTICES, "fr").direction == "ltr"


def test_unknown_locale_falls_back_to_english() -> None:
    assert _render(TERMS_AUTO, "de-DE").body == _render(TERMS_AUTO, "en").body
    assert _render(TERMS_AUTO, None).locale == "en"


def test_to_dict() -> None:
    notice = _render(TERMS_AUTO, "es")
    assert notice.to_dict() == {
        "locale": "es",
        "direction": "ltr",
        "subject": notice.subject,
        "body": notice.body,
    }
