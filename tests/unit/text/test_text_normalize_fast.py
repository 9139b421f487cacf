"""Normalisation's fast paths: each gives exactly what the general stage would."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.analyzers.text.normalize import (
    _RUN_RE,
    _SPACED_HINT_RE,
    _SPACED_RE,
    _TOKEN_RE,
    _TOKENS,
    _collapse,
    _fold,
    _has_ambiguous,
    _leet_kind,
    _pipeline,
)

# Short tokens, separators and leetspeak characters, so that spaced letters, leetspeak words
# and runs turn up often.
_ALPHABET = st.sampled_from(
    list("abceilostxyz 0123456789@$!|€.-_*·/+~'aaa   ")
    + list("éçœ")
    + ["\u200b", "\u00ad"]
    + list("аеоѕ")
    + ["𝐮", "ｆ"]
    + list("قحبة ")
)
_TEXTS = st.text(alphabet=_ALPHABET, max_size=40) | st.text(max_size=30)
_EXAMPLES = [
    "c o n n a r d",
    "f.u.c.k you",
    "a b",
    "s h i t!!!",
    "@ s s h o l e",
    "3a9el 7mar sh1t b1tch 3 7 8 5",
    "h3ll0 @user l33t $h1t 2020 mp3 covid19 a!b a!!5",
    "fuuuuck  sooo   cooool!!!...",
    "ق ح ب ة",
    "",
]


def _folded(text: str) -> str:
    return _fold(text, False)[0]


def _reference_collapse(text: str) -> tuple[str, dict[int, int]]:
    runs: dict[int, int] = {}
    shift = 0
    for match in _RUN_RE.finditer(text):
        size = match.end() - match.start()
        if match.group(1).isalpha():
            runs[match.start() - shift] = size
        shift += size - 1
    return _RUN_RE.sub(r"\1", text), runs


def _check(text: str) -> None:
    folded = _folded(text)
    if _SPACED_RE.search(folded):
        assert _SPACED_HINT_RE.search(folded)
    assert _collapse(folded) == _reference_collapse(folded)
    ambiguous = any(_leet_kind(m.group(0)) == "ambiguous" for m in _TOKEN_RE.finditer(folded))
    assert _has_ambiguous(folded) == ambiguous
    for alt in (False, True):
        fast, none, runs, markers = _pipeline(text, alt=alt, track=False)
        tracked, spans, tracked_runs, tracked_markers = _pipeline(text, alt=alt, track=True)
        assert none is None
        assert spans is not None
        assert (fast, runs, markers) == (tracked, tracked_runs, tracked_markers)
        assert len(spans) == len(fast)


@settings(max_examples=500, deadline=None)
@given(_TEXTS)
def test_fast_paths_agree_with_the_general_stages(text: str) -> None:
    _check(text)


def test_fast_paths_agree_on_known_evasions() -> None:
    for text in _EXAMPLES:
        _check(text)
        _check(text.upper())


def test_spaced_hint_finds_every_spaced_word() -> None:
    for text in ("c o n n a r d", "x c.o.n x", "a-b-c", "a @ s s", "ss h ii t"):
        assert _SPACED_RE.search(text)
        assert _SPACED_HINT_RE.search(text)


# `_TOKEN_RE` as first written, searched at every position: the specification that the
# linear search (`_TOKENS`) must give exactly.
_TOKEN_SPEC = re.compile(
    r"(?<![a-z0-9@$|€])(?=[a-z0-9@$|!€]*[a-z])(?=[a-z0-9@$|!€]*[0-9@$|€!][a-z0-9@$|!€]*[a-z0-9@$|€])"
    r"[a-z0-9@$|€][a-z0-9@$|!€]*[a-z0-9@$|€]"
)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab19@$|€!!!! .é")), max_size=40) | _TEXTS)
def test_leetspeak_words_are_found_as_the_full_search_finds_them(text: str) -> None:
    folded = _folded(text)
    found = [m.span() for m in _TOKENS.finditer(folded)]
    assert found == [m.span() for m in _TOKEN_SPEC.finditer(folded)]
