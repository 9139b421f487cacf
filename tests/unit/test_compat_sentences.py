"""Sentence spans and UTF-16 offsets behind Perspective's spanScores."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.services.compat import _SENTENCE_END, sentences, utf16_offsets

# The sentence end as first written, tried from every position: the specification.
_SENTENCE_END_SPEC = re.compile(r"[.!?\u2026\u061f]+[\"'\u00bb\u201d)\]]*(?=\s|$)|\n")


def test_sentences_split_latin_and_arabic_punctuation_and_lines() -> None:
    text = "Salut ! Ça va ?? Très bien… واش نتا مزيان؟ نعم.\nNew line 3.5 stays"
    pieces = [text[s:e] for s, e in sentences(text)]
    assert pieces == [
        "Salut !",
        "Ça va ??",
        "Très bien…",
        "واش نتا مزيان؟",
        "نعم.",
        "New line 3.5 stays",
    ]


def test_pieces_without_words_join_a_neighbour() -> None:
    assert sentences(" 😀 ! ") == [(1, 4)]  # nothing to join: the piece stays whole
    text = "🎉🎉. Bonjour. Merci ! 🙏"
    assert [text[s:e] for s, e in sentences(text)] == ["🎉🎉. Bonjour.", "Merci ! 🙏"]


@given(st.text(max_size=200))
def test_spans_are_ordered_inside_the_text_and_keep_every_word(text: str) -> None:
    spans = sentences(text)
    last = 0
    for start, end in spans:
        assert last <= start < end <= len(text)
        last = end
    covered = "".join(text[s:e] for s, e in spans)
    assert [c for c in covered if c.isalnum()] == [c for c in text if c.isalnum()]


@given(st.text(max_size=100), st.data())
def test_utf16_offsets_match_the_utf16_encoding(text: str, data: st.DataObject) -> None:
    indices = data.draw(st.lists(st.integers(0, len(text)), max_size=10))
    utf16 = utf16_offsets(text, indices)
    for index in indices:
        assert utf16[index] == len(text[:index].encode("utf-16-le", "surrogatepass")) // 2


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(".!?\u2026\u061f\"'\u00bb\u201d)] a\n")), max_size=40))
def test_sentence_ends_are_found_as_the_full_search_finds_them(text: str) -> None:
    found = [m.span() for m in _SENTENCE_END.finditer(text)]
    assert found == [m.span() for m in _SENTENCE_END_SPEC.finditer(text)]
