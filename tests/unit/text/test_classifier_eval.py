"""The pieces `tamis eval text` reports with: perturbations, reweighted precision, intervals."""

from __future__ import annotations

import numpy as np
import pytest

from tamis.analyzers.text.classifier.data import is_dev, language_key
from tamis.analyzers.text.classifier.evaluate import (
    bootstrap_f1,
    precision_at,
    prf,
    reweighted_precision,
)
from tamis.analyzers.text.classifier.perturb import PERTURBATIONS, perturb
from tamis.analyzers.text.classifier.prepare import leet_variant, prepare

TEXT = "Vous êtes vraiment des idiots, sérieusement, arrêtez de commenter"


@pytest.mark.parametrize("kind", sorted(PERTURBATIONS))
def test_perturbations_are_seeded_and_change_the_text(kind: str) -> None:
    once = perturb(TEXT, kind, seed=1)
    assert once == perturb(TEXT, kind, seed=1)
    assert once != TEXT
    assert any(perturb(TEXT, kind, seed=s) != once for s in range(2, 6))


@pytest.mark.parametrize("kind", ["homoglyphs", "zero-width", "accent-stripping", "elongation"])
def test_normalisation_undoes_character_level_disguises(kind: str) -> None:
    text = "you are a stupid idiot and a liar"
    assert prepare(perturb(text, kind, seed=3)) == prepare(text)


def test_the_leet_variant_reads_digits_inside_and_after_words() -> None:
    assert leet_variant("eres un estupido de mierd4") == "eres un estupido de mierda"
    assert leet_variant("il 357 vraiment l35 pires") == "il est vraiment les pires"
    assert leet_variant("merci pour l'article") is None


def test_precision_is_reweighted_to_the_stated_prevalence() -> None:
    y = np.array([1] * 50 + [0] * 50)
    flagged = np.array([True] * 40 + [False] * 10 + [True] * 5 + [False] * 45)
    precision, recall = reweighted_precision(y, flagged, 0.05)
    assert recall == pytest.approx(0.8)
    # TPR 0.8, FPR 0.1: at 5% prevalence 0.04 / (0.04 + 0.095)
    assert precision == pytest.approx(0.04 / 0.135)
    assert prf(y, flagged)[0] == pytest.approx(40 / 45)


def test_the_threshold_for_a_precision_is_the_lowest_that_reaches_it() -> None:
    y = np.array([1] * 20 + [0] * 80)
    s = np.concatenate([np.linspace(0.5, 1.0, 20), np.linspace(0.0, 0.6, 80)])
    found = precision_at(y, s, 0.9, 0.5)
    assert found is not None
    precision, recall = reweighted_precision(y, s >= found["threshold"], 0.5)
    assert precision is not None and precision >= 0.9 and recall == found["recall"]
    lower = max(t for t in np.unique(np.round(s, 3)) if t < found["threshold"])
    below, _ = reweighted_precision(y, s >= lower, 0.5)
    assert below is not None and below < 0.9
    alike = np.full(100, 0.5)  # scores that do not separate: precision is the prevalence
    assert precision_at(y, alike, 0.9, 0.5) is None


def test_bootstrap_interval_brackets_the_point_estimate() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    flagged = np.where(rng.random(400) < 0.8, y == 1, y == 0)
    low, high = bootstrap_f1(y, flagged, seed=1, rounds=300)
    assert low < prf(y, flagged)[2] < high
    assert (low, high) == bootstrap_f1(y, flagged, seed=1, rounds=300)


def test_the_dev_split_is_stable_case_blind_and_about_fifteen_percent() -> None:
    texts = [f"comment number {i}" for i in range(4000)]
    share = sum(map(is_dev, texts)) / len(texts)
    assert 0.13 < share < 0.17
    assert all(is_dev(t) == is_dev(t.upper()) for t in texts[:200])


def test_arabic_in_latin_letters_is_its_own_language_key() -> None:
    assert language_key("ary", "Latn") == language_key("ar", "Latn") == "arabizi"
    assert language_key("ary", "Arab") == "ary"
    assert language_key("de", "Latn") is None


@pytest.mark.parametrize(
    ("text", "prepared"),
    [
        ("write to jo.smith+news@example.co.uk today", "write to email today"),
        ("see foo-bar.com/x?y=1 and www.example.org", "se url and url"),
        ("--abc.com and ..x@y.fr", "- url and . email"),
        ("a-a-a-a.com", "url"),
        ("1.1.1.1", "1.1.1.1"),
    ],
)
def test_addresses_and_links_become_placeholders_from_the_start_of_their_run(
    text: str, prepared: str
) -> None:
    """Each name starts where its run of letters, digits, dots and dashes starts (what leads
    it before a letter or digit stays), so a run tens of thousands long is scanned once
    (`bench/hostile_text.py` times it)."""
    assert prepare(text) == prepared
