"""MinHash signatures: lightly varied copies stay close, unrelated texts do not, keys find them."""

from __future__ import annotations

from tamis.analyzers.text.minhash import (
    BANDS,
    HASHES,
    SIMILARITY,
    band_keys,
    decode,
    encode,
    signature,
    similarity,
)

SPAM = (
    "Félicitations ! Vous avez gagné un iPhone 15. Pour le recevoir, cliquez vite sur "
    "https://cadeau-gratuit.xyz/claim?id=12345 avant minuit, offre limitée."
)
VARIANTS = (
    # another number, another tracking link, an emoji, a capital and a word changed
    "Félicitations !! Vous avez gagné un iPhone 16. Pour le recevoir, cliquez vite sur "
    "https://cadeau-gratuit.xyz/claim?id=98765&utm_source=fb avant minuit, offre limitée 🎁",
    "FÉLICITATIONS ! Vous avez gagné un iPhone 15. Pour le recevoir, cliquez sur "
    "cadeau-gratuit[.]xyz/c/abc avant minuit, offre très limitée.",
    # look-alike letters and an invisible character do not hide a copy
    "Féliсitations ! Vous avez gagné un iPh\u200bone 15. Pour le recevoir, cliquez vite sur "
    "https://cadeau-gratuit.xyz/claim?id=1 avant minuit, offre limitée.",
)
UNRELATED = (
    "Le conseil municipal a voté hier soir le budget de la ville pour l'année prochaine.",
    "Félicitations à toute l'équipe pour ce match magnifique, on y croit pour la finale !",
    "¿Alguien sabe a qué hora abre la biblioteca municipal este domingo por la mañana?",
    "أعلنت الحكومة اليوم عن خطة جديدة لدعم الاقتصاد الوطني وتشجيع الاستثمار في المناطق",
)


def _sig(text: str) -> tuple[int, ...]:
    found = signature(text)
    assert found is not None
    return found


def test_a_signature_has_the_stated_size_and_survives_encoding() -> None:
    sig = _sig(SPAM)
    assert len(sig) == HASHES and decode(encode(sig)) == sig
    assert len(band_keys(sig)) == BANDS
    assert all(-(2**63) <= k < 2**63 for k in band_keys(sig))


def test_signatures_are_stable_across_calls() -> None:
    assert _sig(SPAM) == _sig(SPAM)


def test_lightly_varied_copies_are_near_duplicates_that_share_a_key() -> None:
    base = _sig(SPAM)
    for variant in VARIANTS:
        other = _sig(variant)
        assert similarity(base, other) >= SIMILARITY, variant
        assert set(band_keys(base)) & set(band_keys(other)), variant


def test_unrelated_texts_are_not() -> None:
    sigs = [_sig(t) for t in (SPAM, *UNRELATED)]
    for i, a in enumerate(sigs):
        for b in sigs[i + 1 :]:
            assert similarity(a, b) < SIMILARITY


def test_short_texts_get_no_signature() -> None:
    assert signature("Bravo !") is None
    assert signature("merci pour l'article 👍") is None
    assert signature("") is None
