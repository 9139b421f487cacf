"""Attacks on groups: "immigrants are vermin", "les Roms sont des voleurs", "kill all the Jews".

Hate without a single insult is where word lists and n-gram heads are weakest: every word of
"les juifs sont des parasites" is ordinary. What makes it hate is its shape, a group named
by a protected characteristic said to *be* vermin, disease or filth (dehumanisation), to be
disgusting, inferior or criminal (derogation), declared hated, or threatened with violence,
and that shape can be written down. This analyzer looks for it in the normalised text (the
lexicon's, so disguises do not hide it), in English, French, Spanish, Arabic and Darija:

- a group, then within four words that may stand between ("are nothing but filthy") a
  likening, a derogation, a call for what should befall it ("should all be killed",
  "doivent mourir") or for its exclusion ("should not be allowed to vote", "doivent rester
  à la cuisine"), or a quality every person has, denied ("are not human beings", "no son
  capaces"), in the same sentence; or a likening, "like", then a group ("vermin like ...");
  or violence against a group called right ("killing Muslims is the right thing", "قتل
  اليهود واجب"); or a speaker's hatred or a call to violence or exclusion, then the group
  as its whole object ("I hate all the ...", "death to all the ...", "expulsez les ...",
  not "... who steal" or "... being insulted"), a violent or exclusion verb counting as a
  call after one ("we should kill", "hay que expulsar") or opening its sentence ("Kill all
  the ...", "Deport all the ..."), not after a subject ("police kill ...");
- a group asked about as a topic, alone or after what opens such a question ("what about",
  "et", "¿y qué hay de"), then a sentence that is all a likening or a derogation of it
  ("Immigrants? Parasites.", "What about immigrants? Parasites.", "Les femmes ? Des
  incapables.");
- a vice said to be in a group's nature, ending its clause ("it's in the nature of Muslims
  to lie", "c'est dans la nature des Roms de voler", "من طبيعة اليهود الكذب"; after the
  group, "violence is in their nature" is a derogation of the list);
- a vice said to be the group's habit, where it ends the clause ("why do immigrants always
  steal?", "les Roms volent toujours", "los gitanos siempre roban", "اليهود يكذبون دائما"),
  not in a relative clause ("the ones who steal", "los gitanos que roban");
- an order to leave said to a group addressed ("go back to your country, you ...",
  "Immigrés, rentrez chez vous") is a derogation;
- a wish for the group's death, the group named between the wish and the death ("I want
  all Muslims dead", "je veux que les juifs crèvent", "يا رب اليهود يموتوا"), is a threat,
  as is an Arabic curse ("اللهم أهلك", "الله ياخد");
- any one member stands for the group, called vermin or criminal in the singular or
  threatened ("every Muslim is a terrorist", "كل يهودي حشرة", "kill the next Muslim I see",
  "chaque juif doit mourir"), what none of it is said to be is denied to it ("no Muslim can
  be trusted", "aucun arabe n'est humain"), and a pronoun after a group named in its
  sentence or the one before stands for it ("Muslims? Kill them all", "les Roms, je les
  déteste", "matarlos", "اقتلوهم"; "... They are rats", "... Son ratas"): the nearest group
  is taken for it, which a sentence naming another plural between can mislead;
- not when a negation stands between them ("are not rats"), unless a word turns it into
  "nothing but" (Spanish "no son más que ratas", Arabic "ما هم إلا"), nor when one stands
  just before the group or the hatred ("not all Muslims", "no odio"), other than the
  question opening the sentence ("Aren't immigrants just parasites?"); "less" denies as a
  negation does ("are less intelligent", "moins", "menos"; not "are less violent") and
  undoes one just before it ("no less human", "pas moins intelligentes");
- not when the group completes a noun before it, so that what follows is said of that noun
  ("the killers of Muslims are animals", "a film about Muslims is trash", "les dirigeants
  des Arabes", "رؤساء العرب"), unless the noun is a portion of the group ("most of the
  ...", "the children of ..."), nor when it is the object in a relative clause ("people
  who hate Muslims are scum", "los que atacan a los ..."), as counter-speech often says it;
- not when a word that reports or refutes the statement comes before it in the sentence
  ("saying immigrants are rats is disgusting", "they think"), as counter-speech does, unless
  it is the speaker's own opinion ("I think ..."), nor when the words right after it give
  it to others ("... according to Nazi propaganda", not "according to me"), the clause
  after it reports it ("..., he said") or is all a refutation of it ("...? That's a lie.")
  or all a "no" answering it as a question ("Are ... criminals? No."), nor when the
  statement stands within quotation marks ("'Muslims are terrorists' is a racist lie"):
  quoted, it is mentioned, not said.

The words that carry a statement (groups, likenings, derogations, hatreds, threats) are read
with one slip of the keys or z for s ("Mulsims", "parasties", "haet", "Muzlims") unless the
slip spells a word, a group's name cut in two is read whole ("Mus lims"), and listed words
and phrases run together are read apart ("muslimsare rats", "IhateMuslims", "أكرهاليهود"),
as they are written in haste or to slip past a word list.

A statement found scores `hate` at 0.95, as a slur in the lexicon does, with its span as
evidence; a threat scores `hate/threat` too. Where it finds nothing it covers no category:
that says nothing about other forms of hate, so coverage stays with the classifier. The lists
are in `group_attacks.tsv`; their digest is in the analyzer's version.
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files
from itertools import pairwise
from pathlib import Path
from typing import ClassVar

from tamis.analyzers.base import Analysis, PartContext
from tamis.analyzers.text.normalize import Normalized, normalize
from tamis.core.content import Part, PartKind
from tamis.core.verdict import LexiconHit, Signal

__all__ = ["GroupAttackAnalyzer", "find_attacks"]

_DATA = Path(__file__).with_name("group_attacks.tsv")
_KINDS = (
    *("group", "likening", "derogation", "filler", "like", "negation", "less", "restrict"),
    "frame",
    *("hatred", "distrust", "object", "close", "opening"),
    *("threat", "harm", "expulsion", "expel", "vow", "must", "harmed"),
    *("opinion", "one", "none", "member", "sighted"),
    *("them", "hatred-them", "threat-them", "harm-them", "expulsion-them", "expel-them", "they"),
    *("worth", "excluded", "harming", "approval", "asking", "attribute", "ending"),
    *("wish", "wished", "sent", "addressee", "place", "tail", "reported", "refuted"),
    *("likening-one", "derogation-one", "attribute-one", "worth-one", "topic", "nature", "vice"),
    *("of", "portion", "head", "relative", "answered", "source", "speaker"),
)
_SINGULAR = ("likening", "derogation", "attribute", "worth")
"""Kinds listed in the plural and read in the singular after one member (`-one`): "every
Muslim is a rat"."""
_ARABIC_PLURALS = (("ات", "ه"), ("ين", ""), ("ون", ""))
_ARABIC_MASCULINE = ("ين", "ون")
_FEMININE = {"ar": _ARABIC_MASCULINE, "ary": _ARABIC_MASCULINE}
"""Masculine plural endings whose feminine plural ends in ات instead, per language: women are
called "متخلفات", not "متخلفين". Derogations listed in one word are read in both."""
_PLURALS = {
    "en": (("ies", "y"), ("es", ""), ("s", "")),
    "fr": (("aux", "al"), ("s", ""), ("x", "")),
    "es": (("es", ""), ("s", "")),
    "ar": _ARABIC_PLURALS,
    "ary": _ARABIC_PLURALS,
}
"""Plural endings and what a singular ends with instead, per language: "rats", "animaux",
"ladrones", "حشرات" (ة, normalised, is ه), "مجرمين". Arabic's broken plurals ("كلاب") are
listed in the singular in the `-one` kinds."""
_DECLARED = (
    *("hatred-them", "threat-them", "harm-them", "expulsion-them", "expel-them"),
    *("hatred", "distrust", "threat", "harm", "expulsion", "expel"),
)
"""Kinds that declare hatred or call for violence or exclusion, the object in them (`-them`,
tried first: "muerte a ellos" before "muerte a") or after them."""
_STATED = {"hatred": "hatred", "threat": "threat", "harm": "threat"}
"""What a declaration of each kind states; a call for exclusion is a derogation."""
_CATEGORIES = {
    "likening": ("hate",),
    "derogation": ("hate",),
    "hatred": ("hate",),
    "threat": ("hate", "hate/threat"),
}
"""What each kind of statement scores."""
STRENGTH = 0.95
_GAP = 4
"""Words at most between a group and what is said of it."""
_ARTICLES = ("ال", "وال", "فال")
_DEFINITE = {"ar": _ARTICLES, "ary": _ARTICLES}
"""A group's article (a proclitic may come first), per language where a bare adjective after
the group is its predicate, not an adjective picking some of it: "المسلمون عنيفون" ('Muslims
are violent'), where the violent ones would be "المسلمون العنيفون"."""
_DENYING = frozenset({"غير"})
"""Restricting words that deny before an adjective of the Arabic lists (`_denying`)."""
_RELATIVE = frozenset({"who", "that", "qui", "que", "الذين", "اللي", "لي", "li", "lli"})
"""Words that open a relative clause: an `ending` after one is said of some ("los gitanos que
roban", "the immigrants who are the worst"), not of the group."""
_NEGATION_BACK = 3
"""Words before a group searched for a negation of the whole statement ("not all ...")."""
_FRAME_BACK = 8
"""Words before a group searched for a frame."""
_OPINION_BACK = 2
"""Words before the frames searched for an opinion that holds one ("I think", "je pense")."""
_VOW_BACK = 4
"""Words before a violent verb searched for the call that makes it one ("we need to ...")."""
_ANTECEDENT_BACK = 30
"""Words before a pronoun object searched for the group it stands for."""
_WISH_BACK = 8
"""Words before a group searched for a wish ("I would love to see all the ...")."""
_ARTICLE_WORDS = frozenset({"the", "les", "le", "la", "l", "los", "las", "el"})
"""Articles between a group and the word it completes ("of the ...", "de los ...")."""
_RELATIVE_BACK = 6
"""Words at most from a relative word to the group that is its clause's object."""
_RELATIVE_BACK_IN = {"ar": 3, "ary": 3}
"""The same, where the verb and its preposition are all that may stand between ("الذين
يعتدون على المسلمين"), so that a relative clause closed before does not count ("اللي حدا
المدينة ونجريو على ...")."""
_NATURE_BACK = 6
"""Words at most in what says a vice is in a group's nature ("it s in the nature of")."""
_TOPIC_BACK = 4
"""Words at most in the opening of a question about a topic ("and what about")."""
_HARMED_GAP = 2
"""Words at most between a call ("should") and what should befall the group ("be killed")."""
_GLUED = 3
"""Listed phrases at most read in one word, their spaces left out ("ihatemuslims")."""
_GLUED_PIECE = 3
"""Letters at least in each listed phrase read run together."""
_HALVED_MIN = 5
"""Letters at least in a group's name read cut in two ("mus lims")."""
_WORD_RE = re.compile(r"\w+")
_SENTENCE_END = frozenset(".!?;:\n؟؛")
_CLAUSE_END = _SENTENCE_END | frozenset(',()"«»“”—–،')
_OPENING_QUOTES = frozenset("«“„‘")
_CLOSING_QUOTES = frozenset("»”’")
_QUOTE_RE = re.compile("[\"'«»“”„‘’]")
_PROCLITICS = ("و", "ف", "ب", "ل", "ك", "وال", "فال", "بال", "كال", "ال", "لل")
_ARABIZI_ARTICLES = ("l", "el")
"""The article as Arabizi writes it before a word ("l7mir", "elklab"), as Arabic script writes
ال: a Darija word listed in Latin letters is read behind it too."""
_CARRIERS = ("group", "member", "likening", "derogation", "attribute", "hatred", "threat", "harm")
"""Kinds whose last words carry a statement, and are read misspelt ("Mulsims", "parasties")."""
_SWAPPED_MIN = 4
_DROPPED_MIN = 6
"""Letters at least in a word read with two letters swapped, and with one left out: a shorter
word misspelt is more often another word."""
_DICTIONARIES = ("en", "fr", "es", "ar")

Phrase = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Lists:
    """Per kind, the phrases of every language (as word tuples), and each phrase's language."""

    phrases: dict[str, dict[Phrase, str]]
    longest: dict[str, int]
    """Per kind, the words its longest phrase spans."""
    firsts: dict[str, frozenset[str]]
    """Per kind, the first words of its phrases: most words start none."""
    aliases: dict[str, str]
    """A listed Arabic-script word behind a proclitic (والعرب), or a listed word with one slip
    of the keys (mulsims) -> the word as listed."""
    groups: frozenset[str]
    """First words of groups and members: every attack names one, so a text holding none is
    done with."""
    starts: frozenset[str]
    """First words of groups, members, likenings, hatreds and threats: where an attack can
    begin."""
    joined: dict[str, Phrase]
    """Every listed word and phrase of `_GLUED_PIECE` letters or more, a phrase's spaces left
    out ("ihate")."""
    widest: int
    """Letters in the longest of them."""
    ends: tuple[frozenset[str], frozenset[str]]
    """Their first and last `_GLUED_PIECE` letters: a word run together from them begins with
    one and ends with one."""
    read: frozenset[str]
    """Words read as they are: every listed word, every alias of one, and the words of the
    dictionaries that listed phrases run together would spell ("someone", "credit", "wed")."""
    halves: dict[str, dict[str, str]]
    """A group's or member's name cut in two: first half -> second half -> the name ("mus" ->
    "lims" -> "muslims")."""

    def match(self, kind: str, words: Sequence[str], at: int) -> tuple[int, str] | None:
        """The number of words the longest phrase of `kind` at `at` spans, and its language."""
        if words[at] not in self.firsts[kind]:
            return None
        table = self.phrases[kind]
        for size in range(min(self.longest[kind], len(words) - at), 0, -1):
            language = table.get(tuple(words[at : at + size]))
            if language is not None:
                return size, language
        return None

    def rejoined(
        self, words: list[str], spans: list[tuple[int, int]]
    ) -> tuple[list[str], list[tuple[int, int]]]:
        """`words` and their `spans`, a name cut in two by one space or mark ("mus lims",
        "ara-bs") read whole."""
        if self.halves.keys().isdisjoint(words):
            return words, spans
        whole: list[str] = []
        places: list[tuple[int, int]] = []
        i = 0
        while i < len(words):
            name = self.halves.get(words[i], {}).get(words[i + 1]) if i + 1 < len(words) else None
            if name is not None and spans[i + 1][0] - spans[i][1] == 1:
                whole.append(name)
                places.append((spans[i][0], spans[i + 1][1]))
                i += 2
            else:
                whole.append(words[i])
                places.append(spans[i])
                i += 1
        return whole, places

    def run_together(self, words: Sequence[str]) -> list[tuple[int, str]]:
        """The words that may be listed phrases run together, with their places: not read as
        they are, and beginning and ending as listed phrases do."""
        heads, tails = self.ends
        return [
            (i, word)
            for i, word in enumerate(words)
            if _GLUED_PIECE <= len(word) <= _GLUED * self.widest
            and word[:_GLUED_PIECE] in heads
            and word[-_GLUED_PIECE:] in tails
            and word not in self.read
        ]

    def unglued(
        self, words: list[str], spans: list[tuple[int, int]]
    ) -> tuple[list[str], list[tuple[int, int]]]:
        """`words` and their `spans`, each word that is listed phrases run together cut into
        their words."""
        for i, word in reversed(self.run_together(words)):
            apart = self.glued(word)
            if apart is None:
                continue
            start = spans[i][0]
            cuts = [start, *(start := start + len(listed) for listed in apart)]
            words[i : i + 1] = apart
            spans[i : i + 1] = list(pairwise(cuts))
        return words, spans

    def glued(self, word: str, pieces: int = _GLUED) -> Phrase | None:
        """The words of a word that is listed phrases run together ("muslimsarerats",
        "ihate"), at most `pieces` phrases, none shorter than `_GLUED_PIECE` letters ("s" and
        "de" begin and end too many words) and none misspelt; None if it is not, or is one
        listed word."""
        whole = self.joined.get(word)
        if whole is not None:
            return whole if len(whole) > 1 else None
        for cut in range(_GLUED_PIECE, min(self.widest, len(word) - _GLUED_PIECE) + 1):
            head = self.joined.get(word[:cut])
            if head is None:
                continue
            rest = self.joined.get(word[cut:]) or (
                self.glued(word[cut:], pieces - 1) if pieces > 2 else None
            )
            if rest is not None:
                return (*head, *rest)
        return None


@dataclass(frozen=True, slots=True)
class Attack:
    start: int
    end: int
    """Span in the normalised text."""
    kind: str
    """`likening`, `derogation`, `hatred` or `threat`: what the statement does to the group
    (a call for exclusion is a derogation; violence called right is a threat)."""
    said: Sequence[str]
    """The words of the likening, derogation, hatred or threat."""
    language: str
    """The group's list."""

    @property
    def term(self) -> str:
        """An id of what was said, as the lexicon names its terms (evidence never repeats it)."""
        digest = hashlib.sha1(" ".join(self.said).encode()).hexdigest()[:8]  # noqa: S324
        return f"{self.language}:{self.kind}:{digest}"


@cache
def lists() -> Lists:
    phrases: dict[str, dict[Phrase, str]] = {kind: {} for kind in _KINDS}
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, language, listing = line.split("\t")
        for raw in listing.split("|"):
            words = tuple(_WORD_RE.findall(normalize(raw).text))
            if words:
                phrases[kind].setdefault(words, language)
    for kind in ("derogation", "attribute"):
        for phrase, language in list(phrases[kind].items()):
            feminine = _feminine(phrase, language)
            if feminine is not None:
                phrases[kind].setdefault(feminine, language)
    for kind in _SINGULAR:
        for phrase, language in phrases[kind].items():
            for singular in _singulars(phrase[-1], language):
                phrases[f"{kind}-one"].setdefault((*phrase[:-1], singular), language)
    longest = {kind: max(map(len, table), default=0) for kind, table in phrases.items()}
    listed = {word for table in phrases.values() for phrase in table for word in phrase}
    aliases = {
        prefix + word: word
        for word in listed
        if len(word) >= 3 and all("\u0600" <= c <= "\u06ff" for c in word)
        for prefix in _PROCLITICS
        if not (prefix.endswith("ال") and word.startswith("ال")) and prefix + word not in listed
    }
    arabizi = {
        phrase[-1]
        for kind in _CARRIERS
        for phrase, language in phrases[kind].items()
        if language == "ary" and phrase[-1].isascii() and len(phrase[-1]) >= 3
    }
    for word in arabizi:
        for article in _ARABIZI_ARTICLES:
            if article + word not in listed:
                aliases.setdefault(article + word, word)
    dictionary = _dictionary_words()
    for slip, word in _slips(phrases, listed, dictionary).items():
        aliases.setdefault(slip, word)
    firsts = {kind: frozenset(phrase[0] for phrase in table) for kind, table in phrases.items()}
    groups = firsts["group"] | firsts["member"]
    leading = ("likening", "they", "harming", "sent", *_DECLARED)
    starts = groups.union(*(firsts[kind] for kind in leading))
    read = frozenset(listed | aliases.keys())
    every = {(word,) for word in listed}.union(*phrases.values())
    joined = {"".join(p): p for p in every if len("".join(p)) >= _GLUED_PIECE}
    ends = frozenset(w[:_GLUED_PIECE] for w in joined), frozenset(w[-_GLUED_PIECE:] for w in joined)
    widest = max(map(len, joined))
    halves = _halves(groups, listed, dictionary)
    found = Lists(
        phrases, longest, firsts, aliases, groups, starts, joined, widest, ends, read, halves
    )
    spelled = {word for _, word in found.run_together(list(dictionary)) if found.glued(word)}
    return replace(found, read=read | spelled)


def _singulars(word: str, language: str) -> set[str]:
    """A listed word as it is (an English adjective, "disgusting", is the same in both
    numbers) and in the singular if it ends as a plural ("rats" -> "rat")."""
    return {word} | {
        word.removesuffix(plural) + singular
        for plural, singular in _PLURALS.get(language, ())
        if word.endswith(plural) and len(word) > len(plural) + 1
    }


def _feminine(phrase: Phrase, language: str) -> Phrase | None:
    """A derogation listed in one word, in the masculine plural, in the feminine plural
    ("متخلفين" -> "متخلفات"); None for any other."""
    if len(phrase) > 1:
        return None
    word = phrase[0]
    for masculine in _FEMININE.get(language, ()):
        if word.endswith(masculine) and len(word) > len(masculine) + 2:
            return (word.removesuffix(masculine) + "ات",)
    return None


def _slips(
    phrases: dict[str, dict[Phrase, str]], listed: set[str], dictionary: set[str]
) -> dict[str, str]:
    """Each slip of the keys in a word that carries a statement -> the word ("mulsims" ->
    "muslims"), unless it spells a listed word, a word of English, French, Spanish or Arabic
    or its plural ("laides" swapped is "ladies", "violer" short of a letter "voler"), or a
    slip of another carrier too."""
    slips: dict[str, str] = {}
    shared: set[str] = set()
    for word in {phrase[-1] for kind in _CARRIERS for phrase in phrases[kind]}:
        for slip in _misspellings(word) - listed:
            if slips.setdefault(slip, word) != word:
                shared.add(slip)
    return {
        slip: word
        for slip, word in slips.items()
        if slip not in shared and dictionary.isdisjoint((slip, slip.removesuffix("s")))
    }


def _misspellings(word: str) -> set[str]:
    """Two letters swapped ("haet") or z written for s ("muzlims", "jewz"), from four letters,
    or one left out ("muslms"), from six, neither first nor last (that makes singulars of
    plurals and other words of verbs: "leches", "eches"). Arabic script, written without short
    vowels, makes other words of most slips: only swaps there, from five letters."""
    arabic = "\u0600" <= word[0] <= "\u06ff"
    size = len(word)
    slips: set[str] = set()
    if size >= _SWAPPED_MIN + arabic:
        slips.update(word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(size - 1))
    if size >= _DROPPED_MIN and not arabic:
        slips.update(word[:i] + word[i + 1 :] for i in range(1, size - 1))
    if size >= _SWAPPED_MIN and not arabic:  # "muzlims", "jewz", "muzlimz"
        slips.add(word.replace("s", "z"))
        slips.update(word[:i] + "z" + word[i + 1 :] for i, c in enumerate(word) if c == "s")
    return slips - {word}


def _halves(
    names: frozenset[str], listed: set[str], dictionary: set[str]
) -> dict[str, dict[str, str]]:
    """Each cut of a name in two (first half -> second half -> the name), unless a half is a
    listed word or both are words of the dictionaries ("his panics", "mig rants")."""
    halves: dict[str, dict[str, str]] = {}
    for name in (name for name in names if len(name) >= _HALVED_MIN):
        for head, tail in ((name[:cut], name[cut:]) for cut in range(2, len(name) - 1)):
            if listed.isdisjoint((head, tail)) and not dictionary.issuperset((head, tail)):
                halves.setdefault(head, {})[tail] = name
    return halves


def _dictionary_words() -> set[str]:
    """The words of pyspellchecker's frequency lists, normalised as texts are. Read straight
    from its package: its `SpellChecker` takes three times as long to load them."""
    resources = files("spellchecker") / "resources"
    words: list[str] = []
    for language in _DICTIONARIES:
        words.extend(json.loads(gzip.decompress((resources / f"{language}.json.gz").read_bytes())))
    return set(_WORD_RE.findall(normalize(" ".join(words)).text))


@cache
def lists_digest() -> str:
    return hashlib.sha256(_DATA.read_bytes()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class _Words:
    """A normalised text's words (Arabic proclitics taken off listed words), sentences, clauses."""

    text: str
    words: Sequence[str]
    spans: Sequence[tuple[int, int]]
    sentence: Sequence[int]
    """Per word, the number of its sentence."""
    clause: Sequence[int]
    """Per word, the number of its clause (sentences cut at commas, brackets, quotes)."""
    runs: Mapping[int, int]
    """Where a letter stood for more than one: `Normalized.runs`."""

    def match(self, kind: str, at: int) -> tuple[int, str] | None:
        return lists().match(kind, self.words, at) if at < len(self.words) else None

    def written(self, at: int) -> str:
        """The word at `at` as the text has it."""
        start, end = self.spans[at]
        return self.text[start:end]

    def clause_ends(self, end: int) -> bool:
        """Whether the clause of the word before `end` ends there."""
        return end >= len(self.words) or self.clause[end] != self.clause[end - 1]

    def together(self, at: int, other: int) -> bool:
        return 0 <= other < len(self.words) and self.sentence[other] == self.sentence[at]

    def attack(self, first: int, last: int, kind: str, said: range, language: str) -> Attack:
        words = self.words[said.start : said.stop]
        return Attack(self.spans[first][0], self.spans[last][1], kind, words, language)


def find_attacks(view: Normalized) -> list[Attack]:
    """Statements in a normalised text that liken a group to vermin, disease or filth, say it
    is disgusting, inferior or criminal, declare hatred of it or call for violence against it
    or for its exclusion."""
    known, text = lists(), view.text
    spans = [(m.start(), m.end()) for m in _WORD_RE.finditer(text)]
    words = [known.aliases.get(text[start:end], text[start:end]) for start, end in spans]
    words, spans = known.rejoined(*known.unglued(words, spans))
    if known.groups.isdisjoint(words):
        return []
    sentence = [0] * len(words)
    clause = [0] * len(words)
    for i in range(1, len(words)):
        between = text[spans[i - 1][1] : spans[i][0]]
        sentence[i] = sentence[i - 1] + any(c in _SENTENCE_END for c in between)
        clause[i] = clause[i - 1] + any(c in _CLAUSE_END for c in between)
    seen = _Words(text, words, spans, sentence, clause, view.runs)
    found: list[Attack] = []
    quotes: _Quotes | None = None
    for i in (i for i, word in enumerate(words) if word in known.starts):
        if found and spans[i][0] < found[-1].end:
            continue  # within a statement found ("we should kill ...")
        attack = (
            _said_of_group(seen, i)
            or _topic(seen, i)
            or _in_nature(seen, i)
            or _likening_of_group(seen, i)
            or _declared(seen, i)
            or _approved(seen, i)
            or _ordered(seen, i)
        )
        if attack is None or _framed(seen, i) or _refuted(seen, attack.end):
            continue
        quotes = quotes or _Quotes.of(text)
        if not quotes.around(attack.start, attack.end):
            found.append(attack)
    return found


def _said_of_group(seen: _Words, group: int) -> Attack | None:
    """A group at `group` (or a pronoun standing for one), then within a few words a call for
    violence or exclusion, a likening or else a derogation, not denied, or a quality every
    person has, denied ("are not human beings"); or the same of any one member of it, in
    the singular ("every Muslim is a rat").

    A derogation may stand before a likening ("are stupid rats"): the likening is preferred. A
    milder one (`attribute`: "violent") needs a word between, not to be read in the adjective
    that picks some of the group ("les hommes violents"), unless the group takes an article
    that such an adjective would take too (`_DEFINITE`: "المسلمون عنيفون"). Some (`ending`:
    "the worst") count only where they end the clause.
    """
    named = seen.match("group", group)
    member = None if named else _member(seen, group)  # "every Muslim", "no Muslim"
    if member is not None:
        named, before = member[:2], member[2]
    else:
        named, before = named or _subject(seen, group), group  # "... They are rats"
    if named is None or _denied(seen, before):
        return None
    if member is None and before == group and _complement(seen, group):
        return None  # "the killers of Muslims are animals": said of the killers
    one = member is not None
    negated = before < group  # "no Muslim can be trusted": the rest is denied of them all
    articles = _DEFINITE.get(named[1], ())
    definite = not one and seen.written(group).startswith(articles)
    j = group + named[0]
    derogation: range | None = None
    for gap in range(_GAP + 1):
        if not seen.together(group, j):
            break
        wished = None if negated else seen.match("wished", j)
        if wished is not None and _wished(seen, group):  # "I want all Muslims dead"
            return seen.attack(
                group, j + wished[0] - 1, "threat", range(j, j + wished[0]), named[1]
            )
        must = seen.match("must", j)
        for befalls, stated in (("harmed", "threat"), ("excluded", "derogation")):
            call = _befalls(seen, j + must[0], befalls) if must and not negated else None
            if call is not None:  # "should be killed", "should be deported"
                return seen.attack(group, call[-1], stated, range(j, call.stop), named[1])
        likening = _called(seen, "likening", j, one)
        if likening is not None and not negated:
            words = range(j, j + likening[0])
            return seen.attack(group, words[-1], "likening", words, named[1])
        if negated:  # "are not human beings"
            said = _called(seen, "worth", j, one)
        else:
            predicate = gap or (definite and not seen.written(j).startswith(articles))
            said = (
                _called(seen, "derogation", j, one)
                or (_called(seen, "attribute", j, one) if predicate else None)
                or _ending(seen, group + named[0], j)
            )
        if said is not None and derogation is None:
            derogation = range(j, j + said[0])
        less = _less(seen, j, named[1])
        negation = seen.match("negation", j) or less
        if seen.match("restrict", j):
            negated = _denying(seen, j)
        elif negation:
            negated = not negated if less else True  # "no less human": as human
        if gap == _GAP or not (negation or said or seen.match("filler", j)):
            break
        j += negation[0] if negation else 1  # "can t be", "no pueden ser": read past it whole
    if derogation is None:
        return None
    return seen.attack(group, derogation[-1], "derogation", derogation, named[1])


def _topic(seen: _Words, group: int) -> Attack | None:
    """A group asked about as a topic, then a sentence that is all a likening or a derogation
    of it: "Immigrants? Parasites.", "Les femmes ? Des incapables.", "¿Los gitanos? Ladrones",
    "What about immigrants? Parasites."""
    named = seen.match("group", group)
    if named is None:
        return None
    j = group + named[0]
    between = seen.text[seen.spans[j - 1][1] : seen.spans[j][0]] if j < len(seen.words) else ""
    asked = "?" in between or "؟" in between
    if not asked or seen.together(group, j) or not _opens_question(seen, _fillers(seen, group)):
        return None
    for _ in range(_GAP):
        for kind in ("likening", "derogation", "attribute", "ending"):
            said = seen.match(kind, j)
            if said is not None and not seen.together(j, j + said[0]):
                stated = "likening" if kind == "likening" else "derogation"
                return seen.attack(group, j + said[0] - 1, stated, range(j, j + said[0]), named[1])
        if not seen.match("filler", j):
            return None
        j += 1
    return None


def _complement(seen: _Words, group: int) -> bool:
    """Whether a group completes a word before it in its clause, so that what follows is said
    of that word: a noun it belongs to ("the leaders of the Arabs", "les ennemis des juifs",
    "رؤساء العرب"; not "most of the ...", "the children of ...") or a relative clause whose
    object it is ("people who hate Muslims", "ceux qui attaquent les ...", "los que odian a
    los ...")."""
    clause = seen.clause[group]
    k = group
    while k > 0 and seen.clause[k - 1] == clause and seen.words[k - 1] in _ARTICLE_WORDS:
        k -= 1
    of, head = k - 1, k - 2
    owned = head >= 0 and seen.clause[head] == clause and seen.match("of", of)
    if owned and not seen.match("portion", head):
        return True  # "the killers of ...", not "most of ..."
    if k == group and k > 0 and seen.clause[k - 1] == clause and seen.match("head", k - 1):
        return True  # "رؤساء العرب"
    for start in range(max(0, group - _RELATIVE_BACK), group):
        opens = seen.match("relative", start) if seen.clause[start] == clause else None
        if opens is None or group - start > _RELATIVE_BACK_IN.get(opens[1], _RELATIVE_BACK):
            continue
        if not all(
            seen.match("filler", m) or seen.match("object", m) for m in range(start + opens[0], k)
        ):
            return True
    return False


def _in_nature(seen: _Words, group: int) -> Attack | None:
    """A vice said to be in a group's nature, the vice ending its clause: "it's in the
    nature of Muslims to lie", "c'est dans la nature des Roms de voler", "está en la
    naturaleza de los gitanos robar", "من طبيعة اليهود الكذب"."""
    named = seen.match("group", group)
    if named is None:
        return None
    k, end = _fillers(seen, group), group + named[0]
    for start in range(max(0, k - _NATURE_BACK), k):
        said = seen.match("nature", start) if seen.together(group, start) else None
        if said is None or start + said[0] != k or _before(seen, "negation", start, 2):
            continue
        vice = seen.match("vice", end)
        if vice is None or not seen.clause_ends(end + vice[0]):
            return None
        return seen.attack(
            start, end + vice[0] - 1, "derogation", range(end, end + vice[0]), vice[1]
        )
    return None


def _fillers(seen: _Words, group: int) -> int:
    """Where the fillers just before a group in its sentence begin ("all the" of "all the
    Muslims"); the group itself if none."""
    k = group
    while seen.together(group, k - 1) and seen.match("filler", k - 1):
        k -= 1
    return k


def _opens_question(seen: _Words, at: int) -> bool:
    """Whether the words before `at` in its sentence, if any, are all one topic's opening
    ("what about", "et", "y qué hay")."""
    if not seen.together(at, at - 1):
        return True
    for start in range(max(0, at - _TOPIC_BACK), at):
        opening = None if seen.together(start, start - 1) else seen.match("topic", start)
        if opening is not None and start + opening[0] == at:
            return True
    return False


def _less(seen: _Words, at: int, language: str) -> tuple[int, str] | None:
    """A word that says "less" at `at` (`less` in the lists), but not English "les" where the
    text wrote one "s" (the French article) or of a group named in another language."""
    less = seen.match("less", at)
    written_less = language == "en" and seen.runs.get(seen.spans[at][1] - 1, 1) >= 2
    return None if less is not None and less[1] == "en" and not written_less else less


def _denying(seen: _Words, at: int) -> bool:
    """Whether a restricting word at `at` denies what follows instead: Darija "غير" is 'only'
    ("العرب غير شفارة"), but before an adjective of the Arabic lists it is Arabic's 'not'
    ("المسلمون غير عنيفين", "غير بشر")."""
    if seen.words[at] not in _DENYING:
        return False
    return any(
        (said := seen.match(kind, at + 1)) is not None and said[1] == "ar"
        for kind in ("derogation", "attribute", "worth", "ending")
    )


def _wished(seen: _Words, group: int) -> bool:
    """Whether a wish, undenied, stands in the few words before a group, only words of its
    object between ("I want all the ...", "je veux que tous les ...", "ojalá los ...")."""
    for k in range(max(0, group - _WISH_BACK), group):
        wish = seen.match("wish", k) if seen.together(group, k) else None
        if wish is None or _before(seen, "negation", k, 2):  # "no quiero que"
            continue
        between = range(k + wish[0], group)
        if all(seen.match("object", m) or seen.match("one", m) for m in between):
            return True
    return False


def _called(seen: _Words, kind: str, at: int, one: bool) -> tuple[int, str] | None:
    """What a phrase of `kind` at `at` says of a group, or in the singular of one member, where
    it must end what is said or be followed by more ("every Muslim is a rat", "كل اجنبي وسخ
    منحط", not "... a dog lover")."""
    if not one:
        return seen.match(kind, at)
    said = seen.match(f"{kind}-one", at)
    if said is None:
        return None
    end = at + said[0]
    more = any(seen.match(f"{other}-one", end) for other in _SINGULAR)
    return said if more or not _narrowed(seen, end) else None


def _ending(seen: _Words, after: int, at: int) -> tuple[int, str] | None:
    """A derogation at `at` that ends its clause ("are the worst", not "the worst hit"), said
    of the group that ends at `after`, not in a relative clause of it ("who steal")."""
    said = seen.match("ending", at)
    if said is None or not seen.clause_ends(at + said[0]):
        return None
    return None if _RELATIVE.intersection(seen.words[after:at]) else said


def _member(seen: _Words, at: int) -> tuple[int, str, int] | None:
    """A singular member of a group at `at` just after what makes it any of them ("the next",
    "every", "chaque", "كل") or none of them ("no", "aucun"): the words it spans, its
    language, and where "none" begins (`at` after "any")."""
    member = seen.match("member", at)
    if member is None:
        return None
    for kind in ("one", "none"):
        for k in range(max(0, at - lists().longest[kind]), at):
            quantifier = seen.match(kind, k)
            if quantifier is not None and k + quantifier[0] == at and seen.together(at, k):
                return (*member, at if kind == "one" else k)
    return None


def _subject(seen: _Words, at: int) -> tuple[int, str] | None:
    """A subject pronoun at `at` ("they", "ils", "هم"; Spanish "son" opening its sentence)
    standing for the group named nearest before it: the words it spans and that group's
    language."""
    pronoun = seen.match("they", at)
    if pronoun is None or (seen.together(at, at - 1) and seen.match("opening", at) == pronoun):
        return None
    language = _antecedent(seen, at)
    return None if language is None else (pronoun[0], language)


def _denied(seen: _Words, at: int) -> bool:
    """Whether a negation stands in the few words before a group, in its sentence ("not all
    Muslims"), other than the question opening it ("Aren't Muslims just ...?")."""
    k = at
    while k > at - _NEGATION_BACK and seen.together(at, k - 1):
        k -= 1
    asking = None if seen.together(k, k - 1) else seen.match("asking", k)
    k += asking[0] if asking is not None else 0
    return any(seen.match("negation", j) is not None for j in range(k, at))


def _likening_of_group(seen: _Words, at: int) -> Attack | None:
    """A likening, "like", then a group: "vermin like the Muslims"."""
    likening = seen.match("likening", at)
    if likening is None:
        return None
    j = at + likening[0]
    like = seen.match("like", j) if seen.together(at, j) else None
    if like is None:
        return None
    k = j + like[0]
    if seen.together(at, k) and seen.match("filler", k):
        k += 1  # "like the Jews"
    group = seen.match("group", k) if seen.together(at, k) else None
    if group is None:
        return None
    return seen.attack(at, k + group[0] - 1, "likening", range(at, j), group[1])


def _befalls(seen: _Words, at: int, kind: str) -> range | None:
    """What a call says should befall a group (`harmed`: "be killed"; `excluded`: "be
    deported"), a few fillers after it, undenied."""
    for k in range(at, at + _HARMED_GAP + 1):
        if not seen.together(at - 1, k):
            return None
        befalls = seen.match(kind, k)
        if befalls is not None:
            return range(k, k + befalls[0])
        if seen.match("negation", k) or not seen.match("filler", k):
            return None
    return None


def _declared(seen: _Words, at: int) -> Attack | None:
    """A declared hatred of a group or a call to violence against it or to its exclusion, not
    denied just before, as a verb, of the whole group or of a pronoun standing for it."""
    kind, said = "", None
    for kind in _DECLARED:
        said = seen.match(kind, at)
        if said is not None:
            break
    if said is None or _before(seen, "negation", at, 2):  # "I don't hate", "no odio"
        return None
    base = kind.removesuffix("-them")
    opens = not seen.together(at, at - 1)
    if base in ("harm", "expel") and not (opens or _before(seen, "vow", at, _VOW_BACK)):
        return None  # "police kill ..."
    if not opens and seen.match("opening", at) == said:
        return None
    first = at + said[0]
    # "je les déteste", "matarlos", "اقتلوهم": the phrase holds its object, a pronoun
    target = _pronoun(seen, at, first) if kind != base else _object(seen, at, first)
    if target is None:
        return None
    stated = _STATED.get(base, "derogation")
    return seen.attack(at, target[0] - 1, stated, range(at, first), target[1])


def _approved(seen: _Words, at: int) -> Attack | None:
    """Violence against a group called right or needed: "killing Muslims is the right thing",
    "tuer des juifs est normal", "قتل اليهود واجب"; not "... is never justified"."""
    act = seen.match("harming", at) or seen.match("harm", at)
    if act is None or _before(seen, "negation", at, 2):
        return None
    end, group = _named(seen, at, at + act[0])
    if group is None:
        return None
    for j in range(end, end + _HARMED_GAP + 1):
        if not seen.together(at, j):
            return None
        approval = seen.match("approval", j)
        if approval is not None:
            return seen.attack(at, j + approval[0] - 1, "threat", range(at, at + act[0]), group)
        if seen.match("negation", j) or not seen.match("filler", j):
            return None
    return None


def _ordered(seen: _Words, at: int) -> Attack | None:
    """An order to leave, said to a group addressed just after it ("go back to your country,
    you Muslims", "ارجعوا لبلادكم يا عرب") or just before it, opening its clause
    ("Immigrés, rentrez chez vous", "La France aux Français, les immigrés dehors"); not
    denied just before ("don't", a question's negation)."""
    order = seen.match("sent", at)
    if order is None or _before(seen, "negation", at, 2) or _before(seen, "asking", at, 2):
        return None
    said = range(at, at + order[0])
    k = said.stop
    while seen.together(at, k) and not seen.match("group", k) and (step := _addressing(seen, k)):
        k += step
    group = seen.match("group", k) if seen.together(at, k) else None
    if group is not None and not _narrowed(seen, k + group[0]):
        return seen.attack(at, k + group[0] - 1, "derogation", said, group[1])
    for g in range(at - 1, max(-1, at - lists().longest["group"] - 1), -1):
        group = seen.match("group", g) if seen.together(at, g) else None
        if group is not None and g + group[0] == at:
            k = bisect.bisect_left(seen.clause, seen.clause[g])  # its clause's first word
            while k < g and (step := _addressing(seen, k)):
                k += step
            return seen.attack(k, said[-1], "derogation", said, group[1]) if k == g else None
    return None


def _addressing(seen: _Words, at: int) -> int:
    """The words at `at` that may stand beside a group addressed ("you", "bande de", "يا"):
    0 if none."""
    words = seen.match("addressee", at) or seen.match("object", at)
    return 0 if words is None else words[0]


def _object(seen: _Words, at: int, first: int) -> tuple[int, str] | None:
    """Where the object of a hatred or call said at `at` ends, and its group's language: the
    whole group ("all the Jews"), any one of it ("the next Muslim") or a pronoun ("them all")."""
    end, group = _named(seen, at, first)
    if group is None:
        them = seen.match("them", first) if seen.together(at, first) else None
        return None if them is None else _pronoun(seen, at, first + them[0])
    return None if _narrowed(seen, end) else (end, group)


def _named(seen: _Words, at: int, first: int) -> tuple[int, str | None]:
    """Where a group or one member named from `first` on, after a few object words ("all the
    Jews", "the next Muslim"), in the sentence of `at`, ends, and its language (None if none)."""
    k = first
    while seen.together(at, k) and seen.match("object", k) and not seen.match("group", k):
        k += 1
    group = seen.match("group", k) if seen.together(at, k) else None
    if group is None:  # "the next Muslim", "chaque juif"
        for j in range(first, k + 1):
            one = seen.match("one", j)
            if one is not None and seen.together(at, j + one[0]):
                k, group = j + one[0], seen.match("member", j + one[0])
                break
    if group is None and seen.together(at, k) and _indefinite(seen, k):  # "لا تثق بيهودي"
        group = seen.match("member", k)
    return (k, None) if group is None else (k + group[0], group[1])


def _indefinite(seen: _Words, at: int) -> bool:
    """Whether the word at `at` is one member named without an article where the article
    makes it definite (`_DEFINITE`): any one of the group, as "a Jew" is in English."""
    member = seen.match("member", at)
    if member is None or member[1] not in _DEFINITE:
        return False
    # "ل" also stands for Darija's article ("ليهودي", 'the Jew') and starts Arabic's "لل"
    return not seen.written(at).startswith((*_DEFINITE[member[1]], "بال", "كال", "ل"))


def _pronoun(seen: _Words, at: int, end: int) -> tuple[int, str] | None:
    """`end` and the language of the group a pronoun object ending there stands for, unless
    the words after it narrow it."""
    language = None if _narrowed(seen, end) else _antecedent(seen, at)
    return None if language is None else (end, language)


def _antecedent(seen: _Words, at: int) -> str | None:
    """The language of the group a pronoun at `at` stands for: the nearest named before it,
    in its sentence or the one before, at most `_ANTECEDENT_BACK` words back."""
    for k in range(at - 1, max(-1, at - _ANTECEDENT_BACK - 1), -1):
        if seen.sentence[k] < seen.sentence[at] - 1:
            break
        group = seen.match("group", k)
        if group is not None:
            return group[1]
    return None


def _narrowed(seen: _Words, end: int) -> bool:
    """Whether the words after an object ending at `end` narrow it ("who steal", "being
    insulted", "Chinese food"); not "and", "so", a place ("here", "en France"), a last word
    ("too", not "to feel") or, after one member, "I see"."""
    if seen.clause_ends(end):
        return False
    place = seen.match("place", end)
    if place is not None:
        return _narrowed(seen, end + place[0])
    tail = seen.match("tail", end)
    if tail is not None and seen.clause_ends(end + tail[0]):
        return False
    return not (seen.match("close", end) or seen.match("sighted", end))


@dataclass(frozen=True, slots=True)
class _Quotes:
    """A text's quotation marks, read once, to tell a quoted statement."""

    at: Sequence[int]
    """Positions of the marks, in order."""
    depth: Sequence[int]
    """After each, how many quotations are open."""
    closes: Sequence[bool]
    """From each on, whether a closing mark comes."""

    @classmethod
    def of(cls, text: str) -> _Quotes:
        found = [(m.start(), _quote_mark(text, m.start())) for m in _QUOTE_RE.finditer(text)]
        marks = [(i, mark) for i, mark in found if mark is not None]
        opened, depth = [], 0
        for _, mark in marks:
            depth = max(0, depth + (1 if mark == "open" else -1))
            opened.append(depth)
        closes = [mark == "close" for _, mark in marks]
        for k in range(len(marks) - 2, -1, -1):
            closes[k] = closes[k] or closes[k + 1]
        return cls([i for i, _ in marks], opened, closes)

    def around(self, start: int, end: int) -> bool:
        """Whether `start:end` stands within quotation marks."""
        before = bisect.bisect_left(self.at, start) - 1
        after = bisect.bisect_left(self.at, end)
        opened = before >= 0 and self.depth[before] > 0
        return opened and after < len(self.at) and self.closes[after]


def _quote_mark(text: str, i: int) -> str | None:
    """`open`, `close` or None: straight quotes open after a space and close before one, so
    the apostrophes of "don't" and "l'autre" are neither."""
    c = text[i]
    if c in _OPENING_QUOTES:
        return "open"
    if c in _CLOSING_QUOTES:
        return "close"
    if c not in "\"'":
        return None
    before = i > 0 and (text[i - 1].isalnum() or text[i - 1] in ".!?,")
    after = i + 1 < len(text) and text[i + 1].isalnum()
    if after and not before:
        return "open"
    if before and not after:
        return "close"
    return None


def _framed(seen: _Words, at: int) -> bool:
    """Whether a frame stands in the words before a group, in its sentence, other than in the
    speaker's own opinion ("I think ...", "je pense que ..."; not "I don't think", "they think")."""
    k = max(0, at - _FRAME_BACK - _OPINION_BACK)
    while k < at:
        opinion = seen.match("opinion", k) if seen.together(at, k) else None
        if opinion is not None:
            k += opinion[0]
            continue
        if k >= at - _FRAME_BACK and seen.together(at, k) and seen.match("frame", k):
            return True
        k += 1
    return False


def _refuted(seen: _Words, end: int) -> bool:
    """Whether what follows a statement ending at `end` (in the text) gives it to someone
    else ("... according to Nazi propaganda", not "according to me"), the next clause reports
    it, in its sentence ("..., he said", "..., dijo el candidato"), or is all a refutation of
    it ("...? That's a lie.", "..., mentira"; not "... They say they are peaceful"), or all a
    "no" answering it as a question ("Are ... criminals? No.", not "..., no?")."""
    last = bisect.bisect_left(seen.spans, end, key=lambda span: span[0]) - 1
    source = seen.match("source", last + 1) if seen.together(last, last + 1) else None
    if source is not None and not seen.match("speaker", last + 1 + source[0]):
        return True
    k = bisect.bisect_right(seen.clause, seen.clause[last])  # the next clause's first word
    if k >= len(seen.words):
        return False
    if seen.together(k, k - 1) and seen.match("reported", k):
        return True
    said = seen.match("refuted", k)
    if said is not None and seen.clause_ends(k + said[0]):
        return True
    asked = any(mark in seen.text[end : seen.spans[k][0]] for mark in "?؟")
    answer = seen.match("answered", k) if asked else None
    return answer is not None and seen.clause_ends(k + answer[0])


def _before(seen: _Words, kind: str, at: int, back: int) -> bool:
    """Whether a phrase of `kind` starts in the `back` words before `at`, in its sentence."""
    return any(
        seen.together(at, k) and seen.match(kind, k) is not None
        for k in range(max(0, at - back), at)
    )


class GroupAttackAnalyzer:
    """Groups likened to vermin, called vile, declared hated or threatened, in five language
    varieties."""

    name: ClassVar[str] = "group-attacks"
    version: ClassVar[str] = f"1.12.0+{lists_digest()}"
    accepts: ClassVar[frozenset[PartKind]] = frozenset({"text"})

    def __init__(self) -> None:
        lists()

    def analyze(self, part: Part, context: PartContext) -> Analysis:
        if part.kind != "text":
            return Analysis()
        norm = normalize(part.text)
        evidence: dict[str, dict[tuple[int, int], LexiconHit]] = {}
        views: tuple[Normalized, ...] = (norm,) if norm.alt is None else (norm, norm.alt)
        for view in views:
            for attack in find_attacks(view):
                lo, hi = view.span(attack.start, attack.end)
                hit = LexiconHit(context.index, lo, hi, attack.term, self.name, attack.language)
                for category in _CATEGORIES[attack.kind]:
                    evidence.setdefault(category, {}).setdefault((lo, hi), hit)
        signals = tuple(
            Signal(
                category,
                STRENGTH,
                self.name,
                context.index,
                tuple(hit for _, hit in sorted(hits.items())),
            )
            for category, hits in sorted(evidence.items())
        )
        return Analysis(signals=signals, covered=frozenset(evidence))
