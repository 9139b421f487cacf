"""The links analyzer: tenants' block and allow rules, shorteners and look-alike domains.

A link is not spam by itself; what makes one suspect is where it leads. A tenant knows the
sites that flood its comments, so its block rules decide (spam, or the category the rule
names, at 1.0, with the rule as evidence). Without a rule, three weak signs remain: a
shortener hides the destination, a disguised link (`exemple[.]com`) was written to dodge
filters, and a host mixing Latin and look-alike Cyrillic or Greek letters passes for another
site. The first two score spam modestly, below any default threshold; the last one is a
reason for a person to look. A tenant's allow rule silences all three for its own sites.

Rules (`*` is a wildcard):

- `example.com` matches that host and every host below it; `*.example.com` only those below;
  `*.xyz` every host in that TLD;
- `example.com/promo*` matches links whose host the host part matches and whose path (and
  sorted query, tracking parameters dropped) the rest matches.

When several rules match, the most specific wins (a path beats a host alone, a longer pattern
a shorter one); on a tie, blocking wins.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from tamis.analyzers.base import Analysis, PartContext, TenantTerms
from tamis.analyzers.text.urls import (
    Link,
    find_links,
    lists_digest,
    normalize_host,
    normalize_rest,
    shortener,
)
from tamis.core.content import LinkPart, Part, PartKind, TextPart
from tamis.core.verdict import LinkHit, Signal

__all__ = [
    "HOMOGLYPH_MARKER",
    "OBFUSCATED_MARKER",
    "SHORTENER_MARKER",
    "LinkRule",
    "LinksAnalyzer",
    "RuleSet",
    "parse_rule",
]

SHORTENER_MARKER = "link/shortener"
HOMOGLYPH_MARKER = "link/homoglyph"
OBFUSCATED_MARKER = "link/obfuscated"

SHORTENER_SCORE = 0.3
OBFUSCATED_SCORE = 0.3
HOMOGLYPH_SCORE = 0.7
BLOCK_SCORE = 1.0

_MAX_EVIDENCE = 20
_CACHE = 256
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_HOST_PATTERN_RE = re.compile(r"(\*\.)?([^*/?#\s]+)")


def parse_rule(pattern: str) -> str:
    """The normal form of a rule, or `ValueError` saying what is wrong with it."""
    text = _SCHEME_RE.sub("", pattern.strip())
    cut = next((i for i, c in enumerate(text) if c in "/?#"), len(text))
    host_part, rest = text[:cut], text[cut:].split("#", 1)[0]
    match = _HOST_PATTERN_RE.fullmatch(host_part)
    if match is None:
        raise ValueError(
            f"{pattern.strip()!r} is not a link rule: write example.com, *.example.com or "
            "example.com/path* (a * in the host only as its first label)"
        )
    host = normalize_host(match.group(2))
    if host is None or ("." not in host and not match.group(1) and not rest):
        raise ValueError(f"{match.group(2)!r} is not a host name")
    prefix = "*." if match.group(1) else ""
    if not rest:
        return prefix + host
    return prefix + host + normalize_rest(rest, wildcards=True)


@dataclass(frozen=True, slots=True)
class LinkRule:
    list: str
    """`block` or `allow`."""
    pattern: str
    category: str = "spam"
    below_only: bool = field(init=False)
    base: str = field(init=False)
    path: re.Pattern[str] | None = field(init=False)

    def __post_init__(self) -> None:
        host, slash, rest = self.pattern.partition("/")
        below = host.startswith("*.")
        object.__setattr__(self, "below_only", below)
        object.__setattr__(self, "base", host[2:] if below else host)
        path = None
        if slash:
            body = ("/" + rest).rstrip("/") or "/"
            regex = ".*".join(re.escape(piece) for piece in body.split("*"))
            path = re.compile(regex + "/?")
        object.__setattr__(self, "path", path)

    @property
    def specificity(self) -> tuple[bool, int, bool]:
        return (self.path is not None, len(self.pattern.replace("*", "")), self.list == "block")

    def matches(self, host: str, rest: str) -> bool:
        if host == self.base:
            if self.below_only:
                return False
        elif not host.endswith("." + self.base):
            return False
        return self.path is None or self.path.fullmatch(rest) is not None


class RuleSet:
    """A tenant's rules indexed by the domain they hang from: a look-up per label of a host."""

    def __init__(self, rules: Iterable[tuple[str, str, str]]) -> None:
        self._by_base: dict[str, list[LinkRule]] = {}
        for list_name, pattern, category in rules:
            rule = LinkRule(list_name, pattern, category or "spam")
            self._by_base.setdefault(rule.base, []).append(rule)

    def __len__(self) -> int:
        return sum(len(rules) for rules in self._by_base.values())

    def match(self, link: Link) -> LinkRule | None:
        host, _, path = link.target.partition("/")
        rest = "/" + path
        labels = host.split(".")
        best: LinkRule | None = None
        for i in range(len(labels)):
            for rule in self._by_base.get(".".join(labels[i:]), ()):
                if rule.matches(host, rest) and (
                    best is None or rule.specificity > best.specificity
                ):
                    best = rule
        return best


_rule_cache: OrderedDict[str, RuleSet] = OrderedDict()


def _rules(terms: TenantTerms | None) -> RuleSet | None:
    if terms is None or not terms.links:
        return None
    key = terms.version or repr(terms.links)
    rules = _rule_cache.get(key)
    if rules is None:
        rules = RuleSet(terms.links)
        _rule_cache[key] = rules
        if len(_rule_cache) > _CACHE:
            _rule_cache.popitem(last=False)
    else:
        _rule_cache.move_to_end(key)
    return rules


class LinksAnalyzer:
    """Links in texts and link parts: tenants' rules, shorteners, disguises, look-alikes."""

    name: ClassVar[str] = "links"
    version: ClassVar[str] = f"1.0.0+{lists_digest()}"
    accepts: ClassVar[frozenset[PartKind]] = frozenset({"text", "link"})

    def analyze(self, part: Part, context: PartContext) -> Analysis:
        if isinstance(part, TextPart):
            links = find_links(part.text)
        elif isinstance(part, LinkPart):
            links = find_links(part.url)[:1]
        else:
            return Analysis()
        if not links:
            return Analysis()
        rules = _rules(context.tenant_terms)
        found: dict[str, tuple[float, list[LinkHit]]] = {}
        markers: list[str] = []

        def hit(category: str, score: float, evidence: LinkHit, marker: str | None) -> None:
            best, evidence_list = found.setdefault(category, (0.0, []))
            if len(evidence_list) < _MAX_EVIDENCE:
                evidence_list.append(evidence)
            found[category] = (max(best, score), evidence_list)
            if marker is not None and marker not in markers:
                markers.append(marker)

        for link in links:
            rule = rules.match(link) if rules is not None else None
            if rule is not None and rule.list == "allow":
                continue
            span = (context.index, link.start, link.end)
            if rule is not None:
                hit(rule.category, BLOCK_SCORE, LinkHit(*span, "block", rule.pattern), None)
            if link.homoglyph is not None:
                evidence = LinkHit(*span, "homoglyph", link.homoglyph)
                hit("spam", HOMOGLYPH_SCORE, evidence, HOMOGLYPH_MARKER)
            listed = shortener(link.host)
            if listed is not None:
                hit("spam", SHORTENER_SCORE, LinkHit(*span, "shortener", listed), SHORTENER_MARKER)
            if link.obfuscated:
                evidence = LinkHit(*span, "obfuscated", "disguised")
                hit("spam", OBFUSCATED_SCORE, evidence, OBFUSCATED_MARKER)
        signals = tuple(
            Signal(category, score, self.name, context.index, tuple(evidence))
            for category, (score, evidence) in sorted(found.items())
        )
        return Analysis(
            signals=signals,
            covered=frozenset(found),
            markers=tuple(markers),
        )
