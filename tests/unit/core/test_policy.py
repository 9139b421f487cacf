from __future__ import annotations

import pytest

from tamis.core import policy as policies
from tamis.core.verdict import Action
from tamis.errors import PolicyError

VALID = """\
name: news
terms_url: https://example.org/terms
rules:
  - clause: insults
    title: Insults
    ground: terms
    explanation: No insults.
    categories: [toxicity/insult]
    thresholds: {review: 0.5, hide: 0.9}
    target_precision: 0.9
  - clause: threats
    title: Threats
    ground: illegal
    legal_ground: Penal code art. 222-17
    explanation: No threats.
    categories: [violence/threat]
    thresholds: {remove: 0.8}
    target_precision: 0.95
"""


def test_default_policy_is_valid_and_versioned() -> None:
    policy = policies.default()
    assert policy.ref.name == "default"
    assert len(policy.digest) == 64
    assert {r.clause for r in policy.rules} >= {"insults", "threats", "csam"}


def test_most_restrictive_rule_decides() -> None:
    policy = policies.parse(VALID)
    decision = policies.evaluate(policy, {"toxicity/insult": 0.95, "violence/threat": 0.85})
    assert decision.action is Action.REMOVE
    assert decision.clause == "threats"
    assert {r.clause for r in decision.reasons} == {"insults", "threats"}


def test_below_every_threshold_allows() -> None:
    decision = policies.evaluate(policies.parse(VALID), {"toxicity/insult": 0.49})
    assert decision.action is Action.ALLOW and decision.clause is None


def test_unsupported_category_never_fires() -> None:
    decision = policies.evaluate(policies.parse(VALID), {"toxicity/insult": None})
    assert decision.action is Action.ALLOW


@pytest.mark.parametrize(
    ("broken", "line", "words"),
    [
        (VALID.replace("toxicity/insult]", "toxicity/insults]"), 8, "unknown category"),
        (VALID.replace("{remove: 0.8}", "{remove: 1.8}"), 17, "threshold"),
        (VALID.replace("    legal_ground: Penal code art. 222-17\n", ""), 11, "legal_ground"),
        (VALID.replace("title: Threats", "title: Threats\n    colour: red"), 13, "colour"),
        (VALID.replace("{review: 0.5, hide: 0.9}", "{review: 0.9, hide: 0.5}"), 9, "hide"),
        (VALID.replace("rules:", "rules: [oops"), 4, "YAML"),
        (VALID.replace("explanation: No insults.", 'explanation: "No\\0 insults."'), 7, "NUL"),
        (VALID.replace("[violence/threat]", '["violence/threat\\u0000"]'), 16, "NUL"),
        (VALID + "appeals: {window_days: 1000000000000000000000}\n", 19, "less than"),
    ],
)
def test_errors_name_the_line_at_fault(broken: str, line: int, words: str) -> None:
    with pytest.raises(PolicyError) as caught:
        policies.parse(broken, name="news.yaml")
    assert caught.value.line == line, caught.value.message
    assert words in caught.value.message
    assert f"news.yaml, line {line}" in caught.value.message


def test_duplicate_clauses_are_refused() -> None:
    doubled = VALID.replace("clause: threats", "clause: insults")
    with pytest.raises(PolicyError, match="defined twice"):
        policies.parse(doubled)


def test_a_policy_of_more_rules_than_the_limit_is_refused() -> None:
    head, first_rule = VALID.split("  - clause: insults", 1)
    first_rule = first_rule.split("  - clause: threats")[0]

    def rules(n: int) -> str:
        return head + "".join(f"  - clause: r{i}{first_rule}" for i in range(n))

    assert len(policies.parse(rules(policies.MAX_RULES)).rules) == policies.MAX_RULES
    with pytest.raises(PolicyError, match=f"at most {policies.MAX_RULES}"):
        policies.parse(rules(policies.MAX_RULES + 1))


@pytest.mark.parametrize(
    ("broken", "words"),
    [
        (VALID + "published: 2001-13-45\n", "published"),
        (VALID + "appeals: {window_days: " + "9" * 5000 + "}\n", "cannot be read"),
        (VALID + "appeals: {window_days: !!int abc}\n", "cannot be read"),
        (VALID + "appeals: {window_days: !!float abc}\n", "cannot be read"),
        (VALID + "published: !!timestamp abc\n", "published"),
    ],
)
def test_values_yaml_cannot_build_are_refused_with_a_reason(broken: str, words: str) -> None:
    """Dates are read as text and numbers PyYAML cannot build are a PolicyError, never a
    ValueError or an AttributeError from inside PyYAML (a 500 on `PUT /v1/policy`)."""
    with pytest.raises(PolicyError) as caught:
        policies.parse(broken)
    assert words in caught.value.message


def test_a_date_like_name_is_text() -> None:
    dated = policies.parse(VALID.replace("name: news", "name: 2026-02-30"))
    assert dated.document.name == "2026-02-30"
