"""Language identification for routing and coverage, tuned for the comments tamis sees.

Policies and coverage depend on the language, so a wrong *certain* answer is worse than none:
a one-word comment gets no language or low-confidence candidates, never a confident guess.
Arabic script is split off first (only one of the supported languages uses it) and checked
for Darija words; Latin script goes to lingua restricted to English, French and Spanish, unless
it reads as Arabizi (Darija written with Latin letters, where 3, 7 and 9 are letters), which
lingua would otherwise call French or English. Code-switched comments get one candidate per
script, weighted by its share of the letters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib.metadata import version as _dist_version
from typing import Any, ClassVar

from tamis.core.verdict import Language

__all__ = ["LinguaLanguageIdentifier", "arabizi_score", "darija_markers"]

_ARABIC_RE = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
_ARABIC_WORD_RE = re.compile(r"[\u0600-\u06ff]+")
_LATIN_WORD_RE = re.compile(r"[a-z0-9\u00e0-\u00ff']+")
_ARABIZI_TOKEN_RE = re.compile(r"[a-z]*[235679]+[a-z]+[a-z0-9]*")
_HARAKAT_RE = re.compile(r"[\u064b-\u065f\u0640\u0670]")

_DARIJA_ARABIC = frozenset(
    [
        "ديال",
        "ديالي",
        "ديالك",
        "ديالو",
        "ديالنا",
        "ديالهم",
        "واش",
        "بزاف",
        "كنبغي",
        "كنبغيك",
        "دابا",
        "شنو",
        "اشنو",
        "مزيان",
        "مزيانة",
        "كيفاش",
        "علاش",
        "فين",
        "هادشي",
        "هادي",
        "هادا",
        "هاداك",
        "ماشي",
        "والو",
        "غير",
        "بغيت",
        "بغا",
        "كاين",
        "كاينة",
        "مكاين",
        "خويا",
        "صافي",
        "واخا",
        "راه",
        "راني",
        "راك",
        "راها",
        "حيت",
        "باش",
        "فاش",
        "بحال",
        "نتا",
        "نتي",
        "نتوما",
        "حنا",
        "كيدير",
        "كتدير",
        "كندير",
        "شحال",
        "دغيا",
        "زوين",
        "زوينة",
        "بزز",
        "كولشي",
        "شوية",
        "الدراري",
        "دراري",
        "حشومة",
        "سير",
        "لحمار",
        "مكلخ",
        "خاصك",
        "خاصني",
        "عافاك",
        "بلاتي",
        "ميمتي",
        "كيقولو",
        "كنقول",
        "كيبان",
        "تاني",
        "غادي",
        "غانمشي",
        "مشيت",
    ]
)
_DARIJA_LATIN = frozenset(
    [
        "wach",
        "wash",
        "dyal",
        "dial",
        "diyal",
        "dyali",
        "dyalk",
        "dyalo",
        "bzaf",
        "bzzaf",
        "bezzaf",
        "walo",
        "chno",
        "achno",
        "kifach",
        "kifash",
        "3lach",
        "3lash",
        "hadchi",
        "hadshi",
        "mzyan",
        "mezyan",
        "mziana",
        "labas",
        "bikhir",
        "khouya",
        "khoya",
        "khouia",
        "khti",
        "safi",
        "wakha",
        "bghit",
        "bghiti",
        "bgha",
        "kayn",
        "kayen",
        "kayna",
        "makayn",
        "makaynch",
        "machi",
        "mashi",
        "ghir",
        "kolchi",
        "kolshi",
        "wlah",
        "wllah",
        "wallah",
        "wallahi",
        "sahbi",
        "nhar",
        "lyoum",
        "lyoum",
        "chwiya",
        "chwia",
        "shwiya",
        "katdir",
        "kandir",
        "kaydir",
        "kadir",
        "hakka",
        "hakda",
        "hakdak",
        "khassek",
        "khassni",
        "drari",
        "hchouma",
        "zwin",
        "zwina",
        "rak",
        "rani",
        "raha",
        "rah",
        "ntoma",
        "nti",
        "nta",
        "hadi",
        "hada",
        "hadak",
        "hadik",
        "daba",
        "3afak",
        "tbarkellah",
        "nchallah",
        "inchallah",
        "hamdullah",
        "lhamdulilah",
        "m3a",
        "m3ak",
        "3lik",
        "3lih",
        "3andi",
        "3ndi",
        "ma3ndi",
        "bach",
        "bhal",
        "gha",
        "ghadi",
        "ghan",
        "sir",
        "siri",
        "aji",
        "ajiw",
        "baraka",
        "yallah",
        "yak",
        "chi",
        "wlad",
        "bnat",
        "3la",
        "f7al",
        "kifkif",
    ]
)

_MIN_LETTERS = 4
_FULL_LETTERS = 20
_FLOOR = 0.05


def darija_markers(text: str) -> int:
    """How many words of an Arabic-script text are Darija function words."""
    clean = _HARAKAT_RE.sub("", text)
    return sum(1 for w in _ARABIC_WORD_RE.findall(clean) if w in _DARIJA_ARABIC)


def arabizi_score(text: str) -> float:
    """0..1: how much a Latin-script text reads as Arabizi (digits as letters, Darija words)."""
    words = _LATIN_WORD_RE.findall(text.lower())
    if not words:
        return 0.0
    digits = sum(1 for w in words if _ARABIZI_TOKEN_RE.fullmatch(w))
    known = sum(1 for w in words if w in _DARIJA_LATIN)
    if digits + known < min(2, len(words)):
        return 0.0
    return min(1.0, (2 * digits + known) / len(words))


@cache
def _detector() -> Any:
    from lingua import Language as Lingua
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Lingua.ENGLISH, Lingua.FRENCH, Lingua.SPANISH, Lingua.ARABIC
    ).build()


def _latin(text: str, share: float, letters: int) -> list[Language]:
    scale = share * min(1.0, letters / _FULL_LETTERS)
    arabizi = arabizi_score(text)
    if arabizi >= 0.3:
        return [Language("ary", "Latn", round(scale * min(0.95, 0.5 + arabizi), 4))]
    found = []
    for value in _detector().compute_language_confidence_values(text):
        code = value.language.iso_code_639_1.name.lower()
        confidence = value.value * scale
        if code != "ar" and confidence >= _FLOOR:
            found.append(Language(code, "Latn", round(confidence, 4)))
    return found


def _arabic(text: str, share: float, letters: int) -> list[Language]:
    scale = share * min(1.0, letters / _FULL_LETTERS)
    markers = darija_markers(text)
    if markers == 0:
        return [Language("ar", "Arab", round(0.95 * scale, 4))]
    darija = 0.65 if markers == 1 else 0.85
    return [
        Language("ary", "Arab", round(darija * scale, 4)),
        Language("ar", "Arab", round((1 - darija) * scale, 4)),
    ]


class LinguaLanguageIdentifier:
    """English, French, Spanish and Arabic through lingua; Darija (`ary`) in both scripts."""

    name: ClassVar[str] = "langid"
    version: ClassVar[str] = f"1.0.0+lingua-{_dist_version('lingua-language-detector')}"

    def identify(self, text: str) -> Sequence[Language]:
        arabic = len(_ARABIC_RE.findall(text))
        latin = len(_LATIN_RE.findall(text))
        total = arabic + latin
        if total < _MIN_LETTERS:
            return []
        found: list[Language] = []
        if arabic >= _MIN_LETTERS:
            found += _arabic(text, arabic / total, arabic)
        if latin >= _MIN_LETTERS:
            latin_text = _ARABIC_RE.sub(" ", text) if arabic else text
            found += _latin(latin_text, latin / total, latin)
        return sorted(
            (lang for lang in found if lang.confidence >= _FLOOR), key=lambda g: -g.confidence
        )
