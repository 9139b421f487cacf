"""A tenant's link rules: domains and URLs it blocks or allows, with `*` wildcards.

Rules are stored in their normal form (lower-case IDNA host, normalised path and query), so
that `Example.COM`, `https://example.com` and `example.com` are one rule, and removing a rule
works with any of its spellings. They reach the links analyzer through the tenant's
`TenantTerms`, cached per process with the lexicon terms.
"""

from __future__ import annotations

import hashlib

from tamis.analyzers.text.links import parse_rule
from tamis.core import taxonomy
from tamis.errors import InvalidInput
from tamis.store.interfaces import Transaction

LISTS = ("block", "allow")
MAX_PATTERN = 500


def normal_pattern(list_name: str, pattern: str) -> str:
    if list_name not in LISTS:
        raise InvalidInput(f"list must be 'block' or 'allow', not {list_name!r}")
    if not 1 <= len(pattern.strip()) <= MAX_PATTERN:
        raise InvalidInput(f"a link rule is 1 to {MAX_PATTERN} characters")
    try:
        normal = parse_rule(pattern)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if len(normal) > MAX_PATTERN:
        raise InvalidInput(f"this rule is longer than {MAX_PATTERN} characters once normalised")
    return normal


def _event(tx: Transaction, tenant_id: str, list_name: str, pattern: str, change: str) -> None:
    tx.events.append(
        tenant_id=tenant_id,
        type="links.changed",
        subject=f"links:{list_name}",
        digest=hashlib.sha256(pattern.encode()).hexdigest(),
        data={"change": change},
    )


def add_rule(
    tx: Transaction, *, tenant_id: str, list_name: str, pattern: str, category: str | None
) -> tuple[str, bool]:
    """Add (or re-categorise) a rule; returns its normal form and whether anything changed."""
    normal = normal_pattern(list_name, pattern)
    if list_name == "allow" and category is not None:
        raise InvalidInput("only a block rule takes a category; an allow rule takes none")
    if list_name == "block":
        category = category or "spam"
        if not taxonomy.is_category(category):
            raise InvalidInput(
                f"unknown category {category!r}: one of {', '.join(taxonomy.NAMES)} "
                "or custom/<name>"
            )
    changed = tx.link_rules.add(
        tenant_id=tenant_id, list=list_name, pattern=normal, category=category
    )
    if changed:
        _event(tx, tenant_id, list_name, normal, "add")
    return normal, changed


def remove_rule(tx: Transaction, *, tenant_id: str, list_name: str, pattern: str) -> bool:
    normal = normal_pattern(list_name, pattern)
    removed = tx.link_rules.remove(tenant_id=tenant_id, list=list_name, pattern=normal)
    if removed:
        _event(tx, tenant_id, list_name, normal, "remove")
    return removed
