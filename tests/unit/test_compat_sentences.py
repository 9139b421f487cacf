"""Sentence spans and UTF-16 offsets behind Perspective's spanScores."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tamis.services.compat import sentences, utf16_offsets


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
