"""Text normalisation that undoes evasion but never loses the way back to the original.

People who want an insult to pass a filter write it `c o n n a r d`, `f\u200buck`, `ѕhit`
(Cyrillic), `𝐟𝐮𝐜𝐤`, `sh1t` or `fuuuuck`. Lexicons match a normalised view in which all of
those collapse to one spelling, but the evidence a moderator sees must point at what the user
actually wrote: every character of the normalised view keeps the span of original code points
it came from.

That map costs a Python loop per character, and almost no text needs it (only those with a
hit), so the normalised string is computed with C-speed primitives (`str.translate` and
regular expressions) and the map is rebuilt lazily, by the very same stage functions, only
when a caller asks for a span.

Digits are letters in Arabizi (`3a9el`, `7mar`, `9a7ba`), so leetspeak is decided per word: a
word whose only digits are ones Arabizi uses keeps them in `text`, and `alt` carries the
leetspeak reading of the whole string for the lexicon to try as well.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from confusable_homoglyphs import utils as _homoglyphs

INVISIBLE_MARKER = "text/invisible-characters"
MIXED_SCRIPT_MARKER = "text/mixed-script"
LEETSPEAK_MARKER = "text/leetspeak"
SPACED_MARKER = "text/spaced-letters"

_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
)
_SILENT = "\ufe00\ufe01\ufe02\ufe03\ufe04\ufe05\ufe06\ufe07\ufe08\ufe09\ufe0a\ufe0b\ufe0c"
_SILENT += "\ufe0d\ufe0e\ufe0f\u0640"  # variation selectors and Arabic tatweel: no marker
_WHITESPACE = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
_WHITESPACE += "".join(chr(c) for c in range(0x2000, 0x200B))
# A ZWJ between two non-word characters (emoji sequences) is legitimate and not reported.
_INVISIBLE_RE = re.compile(
    "[" + _INVISIBLE.replace("\u200d", "") + "]|(?<=\\w)\u200d|\u200d(?=\\w)"
)
_INVISIBLE_HINT_RE = re.compile("[" + _INVISIBLE + "]")
_GREEK_CYRILLIC_RE = re.compile("[\u0370-\u052f]")
_MIXED_RE = re.compile(
    r"[A-Za-z\u00c0-\u024f][\u0370-\u03ff\u0400-\u052f]|[\u0370-\u03ff\u0400-\u052f][A-Za-z\u00c0-\u024f]"
)

_EXTRA = {
    # Lower-case Cyrillic letters that pass for Latin in most fonts but are not in UTS #39.
    "к": "k",
    "м": "m",
    "т": "t",
    "п": "n",
    "ı": "i",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "æ": "ae",
    "œ": "oe",
    "ŀ": "l",
    # Arabic: one spelling per letter, Persian and Urdu look-alikes included.
    "ٱ": "ا",
    "ى": "ي",
    "ة": "ه",
    "ک": "ك",
    "ڪ": "ك",
    "گ": "ك",
    "ڭ": "ك",
    "ی": "ي",
    "ې": "ي",
    "ۍ": "ي",
    "ێ": "ي",
    "ھ": "ه",
    "ہ": "ه",
    "ۀ": "ه",
    "ە": "ه",
    "ۃ": "ه",
    "ٹ": "ت",
    "ڤ": "ف",
    "ڥ": "ف",
    "پ": "ب",
    "چ": "ج",
    "ژ": "ز",
    "ﻻ": "لا",
}


def _confusables() -> dict[str, str]:
    table: dict[str, str] = {}
    data: dict[str, list[dict[str, str]]] = _homoglyphs.load("confusables.json")
    for char, homoglyphs in data.items():
        if len(char) != 1 or not 0x370 <= ord(char) < 0x530:
            continue
        for glyph in homoglyphs:
            target = glyph["c"]
            if len(target) == 1 and target.isascii() and target.isalpha():
                table[char] = target.lower()
                break
    return table


_CONFUSABLE = _confusables()


def _fold_char(char: str) -> str:
    if char in _INVISIBLE or char in _SILENT:
        return ""
    if char in _WHITESPACE:
        return " "
    out = []
    for c in unicodedata.normalize("NFKC", char):
        folded = c.casefold()
        if folded in _CONFUSABLE:
            folded = _CONFUSABLE[folded]
        elif c in _CONFUSABLE:
            folded = _CONFUSABLE[c]
        for d in unicodedata.normalize("NFD", folded):
            if unicodedata.category(d) == "Mn" or d in _INVISIBLE or d in _SILENT:
                continue
            out.append(_EXTRA.get(d, d))
    return "".join(out)


def fold_char(char: str) -> str:
    """The normalised form of one code point (a fixed point: folding it again changes nothing)."""
    folded = _fold_char(char)
    for _ in range(4):
        again = "".join(_fold_char(c) for c in folded)
        if again == folded:
            break
        folded = again
    return folded


class _FoldTable(dict[int, str]):
    """`str.translate` table filled on first sight of each code point."""

    def __missing__(self, codepoint: int) -> str:
        value = fold_char(chr(codepoint))
        self[codepoint] = value
        return value


_TABLE = _FoldTable()
for _cp in range(0x80):
    _TABLE[_cp] = fold_char(chr(_cp))

# One kept character of a stage's output: (first, last) positions within the match, the text.
_Piece = tuple[int, int, str]
_Stage = Callable[["re.Match[str]"], list[_Piece]]

_SEP_CHAR = r"[ .\-_*·/+~|]"
_SEP = _SEP_CHAR + "+"
_SPACED_TOKEN_RE = re.compile(r"[^\W_]+|[@$]+")
_SPACED_RE = re.compile(
    rf"(?<![^\W_])(?:([^\W_@$])\1*)(?:{_SEP}(?:([^\W_@$]|[@$])\2*)){{2,}}(?![^\W_])"
)
# What every `_SPACED_RE` match ends with: a separator, a one-character token, separators and
# a last one-character token. Starting on a character class, it skips to separators at C
# speed, where `_SPACED_RE` (starting on a look-behind) tries every position.
_SPACED_HINT_RE = re.compile(rf"{_SEP_CHAR}([^\W_@$]|[@$])\1*{_SEP}([^\W_@$]|[@$])\2*(?![^\W_])")
_LEET = str.maketrans("013457@$!|8€", "oieastasilbe")
_LEET_ONLY = frozenset("014@$!|€")
_ARABIZI_DIGITS = frozenset("269")
_DIGITS = "0123456789"
# A digit that is neither leetspeak-only nor Arabizi: no `ambiguous` token without one.
_AMBIGUOUS_HINT_RE = re.compile("[3578]")
# A Latin word holding both a letter and a leetspeak character; words without both are left
# alone without a Python call. Each look-ahead skips to the first character that can settle
# it (a letter; a character other than a letter), so it never backtracks over what it passed.
_TOKEN_RE = re.compile(
    r"(?<![a-z0-9@$|€])(?=[0-9@$|!€]*[a-z])(?=[a-z]*[0-9@$|€!][a-z0-9@$|!€]*[a-z0-9@$|€])"
    r"[a-z0-9@$|€][a-z0-9@$|!€]*[a-z0-9@$|€]"
)
_TOKEN_RUN_RE = re.compile(r"[a-z0-9@$|!€]{2,}")
_LEET_HINT_RE = re.compile(r"[0-9@$|!€]")


class _Tokens:
    """`_TOKEN_RE`'s matches in linear time: tried once per run of its characters, at the
    run's first character other than "!". A later start in the same run sees less of the run,
    so where the first fails every later one fails too; `_TOKEN_RE.finditer` tries them all,
    each to the run's end (20,000 characters of "!" after a letter: 5 s)."""

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        for run in _TOKEN_RUN_RE.finditer(text):
            first = run.end() - len(run[0].lstrip("!"))
            found = _TOKEN_RE.match(text, first, run.end())
            if found is not None:
                yield found

    def sub(self, replace: Callable[[re.Match[str]], str], text: str) -> str:
        out: list[str] = []
        last = 0
        for found in self.finditer(text):
            out += (text[last : found.start()], replace(found))
            last = found.end()
        out.append(text[last:])
        return "".join(out)


_TOKENS = _Tokens()
# Any repeated character: letters (fuuuck), but also spaces and punctuation, harmlessly.
_RUN_RE = re.compile(r"(.)\1+", re.DOTALL)
_ASCII_SPACE = str.maketrans("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f", " " * 9)


def _spaced(match: re.Match[str]) -> list[_Piece]:
    text = match.group(0)
    pieces = [(t.start(), t.end() - 1, t.group(0)) for t in _SPACED_TOKEN_RE.finditer(text)]
    letters = sum(1 for _, _, t in pieces if t[0].isalpha())
    if letters < 2:
        return [(i, i, c) for i, c in enumerate(text)]
    return pieces


def _leet_split(token: str) -> tuple[str, str]:
    """The token's convertible head and its trailing digits (`covid19`, `mp3` stay as they are)."""
    stripped = token.rstrip(_DIGITS)
    return stripped, token[len(stripped) :]


def _leet_kind(token: str) -> str:
    """'leet', 'arabizi', 'ambiguous' or '' for a `_TOKEN_RE` match (always holds a letter)."""
    head = token.rstrip(_DIGITS)
    if not _LEET_HINT_RE.search(head):
        return ""
    if head[0] == "@" and head[1:].isalpha():
        return ""  # a mention, not a disguised letter
    chars = set(head)
    if not chars.isdisjoint(_LEET_ONLY):
        return "leet"
    if not chars.isdisjoint(_ARABIZI_DIGITS):
        return "arabizi"
    return "ambiguous"


def _leet_token(token: str, convert_ambiguous: bool) -> str:
    """The token as the leetspeak stage writes it."""
    kind = _leet_kind(token)
    if kind == "leet" or (kind == "ambiguous" and convert_ambiguous):
        head, tail = _leet_split(token)
        return head.translate(_LEET) + tail
    return token


def _leet_stage(convert_ambiguous: bool) -> _Stage:
    def stage(match: re.Match[str]) -> list[_Piece]:
        return [(i, i, c) for i, c in enumerate(_leet_token(match[0], convert_ambiguous))]

    return stage


def _leet_text(convert_ambiguous: bool) -> Callable[[re.Match[str]], str]:
    def text(match: re.Match[str]) -> str:
        return _leet_token(match[0], convert_ambiguous)

    return text


def _runs(match: re.Match[str]) -> list[_Piece]:
    return [(0, len(match.group(0)) - 1, match.group(1))]


_LEET_MAIN = _leet_stage(convert_ambiguous=False)
_LEET_ALT = _leet_stage(convert_ambiguous=True)
# The untracked path needs only each match's replacement text, not its pieces.
_FAST: dict[_Stage, Callable[[re.Match[str]], str]] = {
    _LEET_MAIN: _leet_text(convert_ambiguous=False),
    _LEET_ALT: _leet_text(convert_ambiguous=True),
}


def _apply(
    pattern: re.Pattern[str] | _Tokens,
    stage: _Stage,
    text: str,
    spans: list[tuple[int, int]] | None,
) -> tuple[str, list[tuple[int, int]] | None]:
    """Run one stage; with `spans`, also carry each output character's original span."""
    if spans is None:
        fast = _FAST.get(stage)
        if fast is not None:
            return pattern.sub(fast, text), None
        return pattern.sub(lambda m: "".join(p[2] for p in stage(m)), text), None
    out: list[str] = []
    new: list[tuple[int, int]] = []
    last = 0
    for match in pattern.finditer(text):
        start = match.start()
        out.append(text[last:start])
        new.extend(spans[last:start])
        for first, final, piece in stage(match):
            lo, hi = spans[start + first][0], spans[start + final][1]
            out.append(piece)
            new.extend([(lo, hi)] * len(piece))
        last = match.end()
    out.append(text[last:])
    new.extend(spans[last:])
    return "".join(out), new


def _fold(text: str, track: bool) -> tuple[str, list[tuple[int, int]] | None]:
    if text.isascii():
        folded = text.lower()
        if not folded.isprintable():
            folded = folded.translate(_ASCII_SPACE)
        return folded, [(i, i + 1) for i in range(len(text))] if track else None
    folded = text.translate(_TABLE)
    if not track:
        return folded, None
    spans: list[tuple[int, int]] = []
    for i, char in enumerate(text):
        spans.extend([(i, i + 1)] * len(_TABLE[ord(char)]))
    return folded, spans


def _pipeline(
    text: str, *, alt: bool, track: bool
) -> tuple[str, list[tuple[int, int]] | None, dict[int, int], list[str]]:
    markers: list[str] = []
    folded, spans = _fold(text, track)
    if _SPACED_HINT_RE.search(folded) and _SPACED_RE.search(folded):
        spaced, spans = _apply(_SPACED_RE, _spaced, folded, spans)
        if spaced != folded:
            markers.append(SPACED_MARKER)
        folded = spaced
    if _LEET_HINT_RE.search(folded):
        leeted, spans = _apply(_TOKENS, _LEET_ALT if alt else _LEET_MAIN, folded, spans)
        if leeted != folded:
            markers.append(LEETSPEAK_MARKER)
        folded = leeted
    if spans is not None:
        _, spans = _apply(_RUN_RE, _runs, folded, spans)
    folded, runs = _collapse(folded)
    return folded, spans, runs, markers


def _collapse(text: str) -> tuple[str, dict[int, int]]:
    """Each run of one repeated character written once, and the letter runs by output index."""
    runs: dict[int, int] = {}
    out: list[str] = []
    last = 0
    size = 0  # length of the output so far
    for match in _RUN_RE.finditer(text):
        start, end = match.span()
        char = match[1]
        size += start - last
        if char.isalpha():
            runs[size] = end - start
        out.append(text[last:start])
        out.append(char)
        size += 1
        last = end
    if not out:
        return text, runs
    out.append(text[last:])
    return "".join(out), runs


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised view of `original`; spans of the view map back to the original."""

    original: str
    text: str
    runs: dict[int, int] = field(compare=False, repr=False)
    """Index in `text` -> how many repeated letters it stood for, where more than one."""
    markers: tuple[str, ...] = ()
    alt: Normalized | None = None
    """The same text read with Arabizi-looking digits taken as leetspeak, where that differs."""
    is_alt: bool = False

    @property
    def starts(self) -> tuple[int, ...]:
        return _spans(self.original, self.is_alt)[0]

    @property
    def ends(self) -> tuple[int, ...]:
        return _spans(self.original, self.is_alt)[1]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original code-point span behind `text[start:end]` (end exclusive, end > start)."""
        starts, ends = _spans(self.original, self.is_alt)
        return starts[start], ends[end - 1]


@lru_cache(maxsize=4096)
def _spans(original: str, alt: bool) -> tuple[tuple[int, ...], tuple[int, ...]]:
    _, spans, _, _ = _pipeline(original, alt=alt, track=True)
    assert spans is not None
    return tuple(s for s, _ in spans), tuple(e for _, e in spans)


@lru_cache(maxsize=4096)
def normalize(text: str) -> Normalized:
    """The normalised view of `text` (cached: every text analyzer asks for the same one)."""
    folded, _, runs, markers = _pipeline(text, alt=False, track=False)
    if not text.isascii():
        if _INVISIBLE_HINT_RE.search(text) and _INVISIBLE_RE.search(text):
            markers.append(INVISIBLE_MARKER)
        if _GREEK_CYRILLIC_RE.search(text) and _MIXED_RE.search(text):
            markers.append(MIXED_SCRIPT_MARKER)
    alt = None
    if _has_ambiguous(folded):
        alt_text, _, alt_runs, _ = _pipeline(text, alt=True, track=False)
        if alt_text != folded:
            alt = Normalized(text, alt_text, alt_runs, (LEETSPEAK_MARKER,), None, True)
    return Normalized(text, folded, runs, tuple(markers), alt)


def _has_ambiguous(folded: str) -> bool:
    if not _AMBIGUOUS_HINT_RE.search(folded):
        return False
    return any(_leet_kind(m[0]) == "ambiguous" for m in _TOKENS.finditer(folded))
