"""Policies: the platform's rules, as a validated YAML file, turning scores into an action.

Each rule is a clause of the platform's terms (with its public URL) and the DSA ground it
relies on: illegal content (with the legal ground) or content incompatible with the terms.
A rule maps categories to per-action thresholds and states the precision the thresholds were
chosen for, so an operator can tell how much automated action to expect to be wrong. Every
verdict records the policy's version and digest; any decision can be replayed against it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tamis.core import taxonomy
from tamis.core.verdict import Action, PolicyRef, Reason
from tamis.errors import PolicyError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # YAML can spell one ("\0", "\u0000"); it would reach statements of reasons, which
        # PostgreSQL cannot store.
        if _holds_nul(value):
            raise ValueError("holds a NUL character (\\0); remove it")
        return value


def _holds_nul(value: Any) -> bool:
    """A NUL in a string, or in the strings of a list or mapping (sub-models check their own)."""
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    elif not isinstance(value, list | tuple):
        value = [value]
    return any(isinstance(v, str) and "\x00" in v for v in value)


MAX_RULES = 500
"""Far above any real policy (a rule per category would be a few dozen); each is checked on
every verdict."""


class Rule(_Strict):
    clause: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=200)
    terms_url: str | None = None
    ground: Literal["terms", "illegal"]
    legal_ground: str | None = None
    explanation: str = Field(min_length=1, max_length=5000)
    categories: tuple[str, ...] = Field(min_length=1)
    thresholds: dict[Action, float] = Field(min_length=1)
    target_precision: float = Field(gt=0, le=1)

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if not taxonomy.is_category(name):
                raise ValueError(
                    f"unknown category {name!r}; use one of {', '.join(taxonomy.NAMES)} "
                    "or custom/<name>"
                )
        return value

    @field_validator("thresholds")
    @classmethod
    def _valid_thresholds(cls, value: dict[Action, float]) -> dict[Action, float]:
        if Action.ALLOW in value:
            raise ValueError("'allow' needs no threshold: it is what happens below all others")
        for action, threshold in value.items():
            if not 0.0 < threshold <= 1.0:
                raise ValueError(f"threshold for {action.value} must be in (0, 1], not {threshold}")
        ordered = sorted(value.items(), key=lambda kv: kv[0].rank)
        for (weaker, low), (stronger, high) in pairwise(ordered):
            if high < low:
                raise ValueError(
                    f"{stronger.value} ({high}) must not need a lower score than {weaker.value} "
                    f"({low})"
                )
        return value

    @model_validator(mode="after")
    def _legal_ground_when_illegal(self) -> Rule:
        if self.ground == "illegal" and not self.legal_ground:
            raise ValueError("a rule on illegal content must name its legal_ground")
        return self


class Notices(_Strict):
    """Readers' reports: how many distinct reporters hide an item until a person looks."""

    hide_after: int | None = Field(default=3, ge=1, le=1_000_000)
    """Distinct identified reporters (per category) that hide an item; None never hides."""
    hide_after_by_category: dict[str, int | None] = Field(default_factory=dict)

    @field_validator("hide_after_by_category")
    @classmethod
    def _known(cls, value: dict[str, int | None]) -> dict[str, int | None]:
        for name, n in value.items():
            if not taxonomy.is_category(name) and name != "other":
                raise ValueError(f"unknown category {name!r}")
            if n is not None and not 1 <= n <= 1_000_000:
                raise ValueError(f"{name}: between 1 and 1,000,000 reporters, not {n}")
        return value

    def threshold(self, category: str) -> int | None:
        return self.hide_after_by_category.get(category, self.hide_after)


class Appeals(_Strict):
    window_days: int = Field(default=183, ge=183, le=36_500)
    """How long after a decision it may be appealed: at least six months (DSA Article 20)."""


class Strikes(_Strict):
    expire_days: int = Field(default=90, ge=1, le=36_500)


class MediaStorage(_Strict):
    keep_originals: bool = False
    """Keep the files as sent beside the re-encoded copies tamis stores (and hashes always)."""


class PolicyDocument(_Strict):
    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.\-]+$")
    version: int = Field(default=1, ge=0, le=2**31 - 1)
    description: str = ""
    terms_url: str = Field(min_length=1)
    rules: tuple[Rule, ...] = Field(min_length=1, max_length=MAX_RULES)
    notices: Notices = Field(default_factory=Notices)
    appeals: Appeals = Field(default_factory=Appeals)
    strikes: Strikes = Field(default_factory=Strikes)
    media: MediaStorage = Field(default_factory=MediaStorage)

    @model_validator(mode="after")
    def _unique_clauses(self) -> PolicyDocument:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.clause in seen:
                raise ValueError(f"clause {rule.clause!r} is defined twice")
            seen.add(rule.clause)
        return self


@dataclass(frozen=True, slots=True)
class Policy:
    document: PolicyDocument
    source: str
    digest: str
    version: int

    @property
    def ref(self) -> PolicyRef:
        return PolicyRef(name=self.document.name, version=self.version, digest=self.digest)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self.document.rules

    def with_version(self, version: int) -> Policy:
        return Policy(self.document, self.source, self.digest, version)

    def rule(self, clause: str) -> Rule | None:
        return next((r for r in self.rules if r.clause == clause), None)

    def terms_url(self, clause: str) -> str:
        rule = self.rule(clause)
        return (rule.terms_url if rule and rule.terms_url else None) or self.document.terms_url


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    clause: str | None
    reasons: tuple[Reason, ...]


def evaluate(policy: Policy, scores: Mapping[str, float | None]) -> Decision:
    """The most restrictive action any rule calls for; the first rule wins a tie."""
    reasons: list[Reason] = []
    for rule in policy.rules:
        for category in rule.categories:
            score = scores.get(category)
            if score is None:
                continue
            fired = [(a, t) for a, t in rule.thresholds.items() if score >= t]
            if fired:
                action, threshold = max(fired, key=lambda at: at[0].rank)
                reasons.append(Reason(rule.clause, category, score, threshold, action))
    if not reasons:
        return Decision(Action.ALLOW, None, ())
    decisive = max(reasons, key=lambda r: r.action.rank)  # max keeps the first of equals
    return Decision(decisive.action, decisive.clause, tuple(reasons))


def parse(source: str, *, name: str = "policy") -> Policy:
    """Validate a policy file; a PolicyError names the line at fault."""
    try:
        data = yaml.load(source, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyError(f"not valid YAML: {problem}", line=line, source=name) from None
    except ValueError as exc:  # a number PyYAML cannot build: `!!int abc`, 5,000 digits
        raise PolicyError(f"not valid YAML: a value cannot be read ({exc})", source=name) from None
    if not isinstance(data, dict):
        raise PolicyError("a policy is a mapping with name, terms_url and rules", source=name)
    try:
        document = PolicyDocument.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        where = ".".join(str(p) for p in loc) or "(top level)"
        node = yaml.compose(source, Loader=_Loader)  # only now: positions for the message
        raise PolicyError(
            f"{where}: {error['msg']}", line=_line_of(node, loc), source=name
        ) from None
    digest = hashlib.sha256(source.encode()).hexdigest()
    return Policy(document=document, source=source, digest=digest, version=document.version)


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """PyYAML's safe loader, in C where available; dates stay text (a policy holds none, and
    `2001-13-45` would fail inside PyYAML)."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_str)


@cache
def default_source() -> str:
    return resources.files("tamis.core").joinpath("default_policy.yaml").read_text("utf-8")


@cache
def default() -> Policy:
    return parse(default_source(), name="default_policy.yaml")


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at `loc`, or of the deepest parent that exists."""
    if node is None:
        return None
    line: int = node.start_mark.line + 1
    for key in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == str(key):
                    child = v
                    line = k.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            child = node.value[key]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line
