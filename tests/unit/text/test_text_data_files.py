"""The project's own text data: well-formed, consistent, frozen where it must be, and unleaked.

The functional tests are only worth reporting if nobody trained on them, tuned against them or
quietly edited them after the first training run, and the hand-written examples only fill the
shared data's gaps if they are valid training rows. These checks keep both promises
mechanical: a broken line, an unknown label, a functional case copied into the examples, a
shared test sentence copied into either, or an unrecorded edit of a frozen file fails here.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data" / "text"
FUNCTIONAL = DATA / "functional"
EXAMPLES = DATA / "examples"
SHARED = ROOT.parent / "shared" / "data" / "text"

LANGS = ("fr", "ar", "ary", "en", "es")
CATEGORIES = (
    "toxicity/insult",
    "toxicity/profanity",
    "hate",
    "hate/threat",
    "violence/threat",
    "harassment",
    "spam",
)
# What each functionality must (and, for the harmless ones, may only) expect.
MUST_EXPECT: dict[str, frozenset[str]] = {
    "derogation": frozenset({"hate"}),
    "dehumanisation": frozenset({"hate"}),
    "threat_group": frozenset({"hate", "hate/threat"}),
    "threat_individual": frozenset({"violence/threat"}),
    "slur": frozenset({"hate"}),
    "profanity_not_hateful": frozenset({"toxicity/profanity"}),
    "insult_individual": frozenset({"toxicity/insult"}),
    "individual_vs_group": frozenset({"toxicity/insult"}),
    "spam": frozenset({"spam"}),
    "spelling_variation": frozenset(),
    "benign_profanity_context": frozenset(),
}
HARMLESS = frozenset(
    {
        "reclaimed_slur",
        "negation",
        "counter_speech",
        "neutral_group_mention",
        "positive_group_statement",
    }
)
FUNCTIONALITIES = frozenset(MUST_EXPECT) | HARMLESS
FUNCTIONAL_KEYS = {"id", "lang", "script", "functionality", "text", "expected"}
EXAMPLE_KEYS = {"text", "lang", "labels", "source", "annotated_for"}
ARABIC = re.compile("[\u0600-\u06ff]")


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as fh:
        yield from enumerate(fh, start=1)


def _parse(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    for n, line in _lines(path):
        where = f"{path.name}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: not JSON ({exc.msg})")
            continue
        if not isinstance(row, dict):
            errors.append(f"{where}: not a JSON object")
            continue
        rows.append(row)
    return rows, errors


def _text_errors(where: str, row: dict[str, Any], lang: str) -> list[str]:
    errors = []
    text = row.get("text")
    if not isinstance(text, str) or not text.strip() or text != text.strip():
        errors.append(f"{where}: text must be a non-empty, stripped string")
    if row.get("lang") != lang:
        errors.append(f"{where}: lang {row.get('lang')!r} in the {lang} file")
    script = row.get("script")
    if lang in ("ar", "ary") or script is not None:
        want = "Arab" if isinstance(text, str) and ARABIC.search(text) else "Latn"
        if script != want:
            errors.append(f"{where}: script {script!r}, text is {want}")
    return errors


def _category_list(value: object) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def functional_errors(path: Path, lang: str) -> list[str]:
    """Every problem with one functional file, as messages a person can act on."""
    rows, errors = _parse(path)
    seen: set[str] = set()
    for n, row in enumerate(rows, start=1):
        where = f"{path.name} row {n}"
        if missing := FUNCTIONAL_KEYS - row.keys():
            errors.append(f"{where}: missing {sorted(missing)}")
            continue
        if extra := row.keys() - FUNCTIONAL_KEYS - {"must_not"}:
            errors.append(f"{where}: unknown keys {sorted(extra)}")
        errors += _text_errors(where, row, lang)
        case_id = row["id"]
        if not isinstance(case_id, str) or not case_id.startswith(f"{lang}-"):
            errors.append(f"{where}: id {case_id!r} must start with {lang}-")
        elif case_id in seen:
            errors.append(f"{where}: duplicate id {case_id}")
        else:
            seen.add(case_id)
        func = row["functionality"]
        expected = _category_list(row["expected"])
        must_not = _category_list(row.get("must_not", []))
        if func not in FUNCTIONALITIES:
            errors.append(f"{where}: unknown functionality {func!r}")
            continue
        if expected is None or must_not is None:
            errors.append(f"{where}: expected and must_not must be lists of categories")
            continue
        if unknown := set(expected + must_not) - set(CATEGORIES):
            errors.append(f"{where}: unknown categories {sorted(unknown)}")
        if len(set(expected)) != len(expected) or set(expected) & set(must_not):
            errors.append(f"{where}: expected repeats itself or overlaps must_not")
        if "hate/threat" in expected and "hate" not in expected:
            errors.append(f"{where}: hate/threat without hate")
        if func in HARMLESS and expected:
            errors.append(f"{where}: {func} cases expect nothing, got {expected}")
        if not MUST_EXPECT.get(func, frozenset()) <= set(expected):
            errors.append(f"{where}: {func} must expect {sorted(MUST_EXPECT[func])}")
        if func == "spelling_variation" and not expected:
            errors.append(f"{where}: a spelling variation expects its clean reading's labels")
    return errors


def example_errors(path: Path, lang: str) -> list[str]:
    """Every problem with one examples file, as messages a person can act on."""
    rows, errors = _parse(path)
    for n, row in enumerate(rows, start=1):
        where = f"{path.name} row {n}"
        if missing := EXAMPLE_KEYS - row.keys():
            errors.append(f"{where}: missing {sorted(missing)}")
            continue
        errors += _text_errors(where, row, lang)
        labels = _category_list(row["labels"])
        if row["source"] != "tamis":
            errors.append(f"{where}: source must be 'tamis'")
        if row["annotated_for"] != list(CATEGORIES):
            errors.append(f"{where}: annotated_for must list the seven categories")
        if labels is None or not labels or len(set(labels)) != len(labels):
            errors.append(f"{where}: labels must be a non-empty list without repeats")
        elif labels != ["none"] and not set(labels) <= set(CATEGORIES):
            errors.append(f"{where}: unknown labels {sorted(set(labels) - set(CATEGORIES))}")
        elif "hate/threat" in labels and "hate" not in labels:
            errors.append(f"{where}: hate/threat without hate")
    return errors


def _texts(directory: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted(directory.glob("*.jsonl")):
        rows, _ = _parse(path)
        for n, row in enumerate(rows, start=1):
            if isinstance(row.get("text"), str):
                out.setdefault(row["text"].strip().casefold(), f"{path.name} row {n}")
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_functional_file_is_well_formed(lang: str) -> None:
    assert functional_errors(FUNCTIONAL / f"{lang}.jsonl", lang) == []


@pytest.mark.parametrize("lang", LANGS)
def test_examples_file_is_well_formed(lang: str) -> None:
    assert example_errors(EXAMPLES / f"{lang}.jsonl", lang) == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_functionality_is_covered_in_every_language(lang: str) -> None:
    rows, _ = _parse(FUNCTIONAL / f"{lang}.jsonl")
    counts = Counter(row["functionality"] for row in rows)
    thin = {f: counts[f] for f in FUNCTIONALITIES if counts[f] < 5}
    assert thin == {}


@pytest.mark.parametrize("lang", LANGS)
def test_examples_cover_every_category(lang: str) -> None:
    rows, _ = _parse(EXAMPLES / f"{lang}.jsonl")
    counts = Counter(label for row in rows for label in row["labels"])
    floor = {c: 10 if c == "spam" and lang == "ary" else 20 for c in CATEGORIES}
    thin = {c: counts[c] for c in CATEGORIES if counts[c] < floor[c]}
    assert thin == {}
    assert counts["none"] >= 50, "examples need hard negatives too"


def test_ids_are_unique_across_languages() -> None:
    ids = [row["id"] for lang in LANGS for row in _parse(FUNCTIONAL / f"{lang}.jsonl")[0]]
    assert [i for i, c in Counter(ids).items() if c > 1] == []


def test_no_functional_case_is_repeated_in_the_examples() -> None:
    functional = _texts(FUNCTIONAL)
    copied = {where: text for text, where in _texts(EXAMPLES).items() if text in functional}
    assert copied == {}


def test_no_text_repeats_within_the_examples() -> None:
    texts = [
        row["text"].strip().casefold()
        for lang in LANGS
        for row in _parse(EXAMPLES / f"{lang}.jsonl")[0]
    ]
    assert [t for t, c in Counter(texts).items() if c > 1] == []


def test_nothing_is_copied_from_the_shared_data() -> None:
    """Test files must stay unseen by training; functional cases must be unseen by anything."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not here to compare with")
    shared_test: set[str] = set()
    shared_any: set[str] = set()
    for path in SHARED.glob("*.jsonl"):
        for _, line in _lines(path):
            text = str(json.loads(line)["text"]).strip().casefold()
            shared_any.add(text)
            if path.name.endswith(".test.jsonl"):
                shared_test.add(text)
    in_examples = {w: t for t, w in _texts(EXAMPLES).items() if t in shared_test}
    in_functional = {w: t for t, w in _texts(FUNCTIONAL).items() if t in shared_any}
    assert in_examples == {} and in_functional == {}


def test_functional_files_are_frozen() -> None:
    """A changed functional file must come with a dated README entry and a new checksum."""
    lines = (FUNCTIONAL / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    recorded = {name: digest for digest, name in (line.split() for line in lines)}
    actual = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(FUNCTIONAL.glob("*.jsonl"))
    }
    assert actual == recorded, (
        "a frozen functional file changed: record the date and reason in data/text/README.md "
        "and update data/text/functional/SHA256SUMS"
    )


def test_the_validators_catch_broken_files(tmp_path: Path) -> None:
    good = {
        "id": "en-negation-001",
        "lang": "en",
        "script": "Latn",
        "functionality": "negation",
        "text": "I would never say that.",
        "expected": [],
    }
    broken = [
        "{not json",
        json.dumps({**good, "expected": ["hate"]}),
        json.dumps({**good, "id": "en-negation-001", "functionality": "mockery"}),
        json.dumps({**good, "lang": "fr", "id": "fr-x-1"}),
        json.dumps({**good, "id": "en-x-2", "functionality": "threat_group", "expected": ["hate"]}),
        json.dumps({**good, "id": "en-x-3", "script": "Arab"}),
    ]
    path = tmp_path / "en.jsonl"
    path.write_text("\n".join([json.dumps(good), *broken]) + "\n", encoding="utf-8")
    assert len(functional_errors(path, "en")) >= len(broken)

    example = {
        "text": "hello",
        "lang": "en",
        "labels": ["none"],
        "source": "tamis",
        "annotated_for": list(CATEGORIES),
    }
    bad_examples = [
        json.dumps({**example, "labels": ["toxic"]}),
        json.dumps({**example, "labels": ["hate/threat"]}),
        json.dumps({**example, "annotated_for": ["hate"]}),
        json.dumps({**example, "labels": []}),
        json.dumps({k: v for k, v in example.items() if k != "source"}),
    ]
    path.write_text("\n".join([json.dumps(example), *bad_examples]) + "\n", encoding="utf-8")
    assert len(example_errors(path, "en")) == len(bad_examples)
