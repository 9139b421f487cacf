"""A tenant's own block and allow terms, added to the shipped lexicons at match time."""

from __future__ import annotations

import hashlib
import threading
import time

from tamis.analyzers.base import TenantHeads, TenantTerms
from tamis.core import taxonomy
from tamis.errors import InvalidInput
from tamis.store.interfaces import Store, Transaction

LISTS = ("block", "allow")


def _check(list_name: str, term: str, category: str | None) -> str:
    if list_name not in LISTS:
        raise InvalidInput(f"list must be 'block' or 'allow', not {list_name!r}")
    term = term.strip()
    if not 1 <= len(term) <= 200:
        raise InvalidInput("a term is 1 to 200 characters")
    if list_name == "block" and (category is None or not taxonomy.is_category(category)):
        raise InvalidInput(
            f"a blocked term needs a category: one of {', '.join(taxonomy.NAMES)} or custom/<name>"
        )
    return term


def add_term(
    tx: Transaction, *, tenant_id: str, list_name: str, term: str, category: str | None
) -> bool:
    term = _check(list_name, term, category)
    changed = tx.lexicon.add(
        tenant_id=tenant_id,
        list=list_name,
        term=term,
        category=category if list_name == "block" else None,
    )
    if changed:
        tx.events.append(
            tenant_id=tenant_id,
            type="lexicon.changed",
            subject=f"lexicon:{list_name}",
            digest=hashlib.sha256(term.encode()).hexdigest(),
            data={"change": "add"},
        )
    return changed


def remove_term(tx: Transaction, *, tenant_id: str, list_name: str, term: str) -> bool:
    removed = tx.lexicon.remove(tenant_id=tenant_id, list=list_name, term=term.strip())
    if removed:
        tx.events.append(
            tenant_id=tenant_id,
            type="lexicon.changed",
            subject=f"lexicon:{list_name}",
            digest=hashlib.sha256(term.strip().encode()).hexdigest(),
            data={"change": "remove"},
        )
    return removed


def share(tx: Transaction, *, owner_id: str, subscriber_id: str) -> bool:
    """Let `subscriber_id` read (never change) `owner_id`'s block list."""
    if owner_id == subscriber_id:
        raise InvalidInput("a tenant already reads its own block list")
    shared = tx.lexicon.share(owner_id=owner_id, subscriber_id=subscriber_id)
    if shared:
        for tenant_id in (owner_id, subscriber_id):
            tx.events.append(
                tenant_id=tenant_id,
                type="lexicon.shared",
                subject="lexicon:block",
                data={"owner": owner_id, "subscriber": subscriber_id},
            )
    return shared


def unshare(tx: Transaction, *, owner_id: str, subscriber_id: str) -> bool:
    removed = tx.lexicon.unshare(owner_id=owner_id, subscriber_id=subscriber_id)
    if removed:
        for tenant_id in (owner_id, subscriber_id):
            tx.events.append(
                tenant_id=tenant_id,
                type="lexicon.unshared",
                subject="lexicon:block",
                data={"owner": owner_id, "subscriber": subscriber_id},
            )
    return removed


class TermsCache:
    def __init__(self, store: Store, *, ttl_seconds: float = 5.0) -> None:
        self.store = store
        self.ttl = ttl_seconds
        self._entries: dict[str, tuple[float, TenantTerms | None]] = {}
        self._lock = threading.Lock()

    def get(self, tenant_id: str) -> TenantTerms | None:
        now = time.monotonic()
        entry = self._entries.get(tenant_id)
        if entry is not None and entry[0] >= now:
            return entry[1]
        with self.store.read() as tx:
            rows = list(tx.lexicon.list(tenant_id=tenant_id))
            for owner in tx.lexicon.shared_with(subscriber_id=tenant_id):
                rows.extend(r for r in tx.lexicon.list(tenant_id=owner) if r.list == "block")
            links = tuple(
                (r.list, r.pattern, r.category or "")
                for r in tx.link_rules.list(tenant_id=tenant_id)
            )
            trained = tx.text_heads.get(tenant_id=tenant_id)
        heads = (
            TenantHeads(trained.version, trained.categories, trained.weights) if trained else None
        )
        terms = None
        if rows or links or heads:
            block = tuple(sorted({(r.term, r.category or "") for r in rows if r.list == "block"}))
            allow = tuple(r.term for r in rows if r.list == "allow")
            version = hashlib.sha256(repr((block, allow, links)).encode()).hexdigest()[:16]
            terms = TenantTerms(block=block, allow=allow, version=version, links=links, heads=heads)
        with self._lock:
            self._entries[tenant_id] = (now + self.ttl, terms)
        return terms

    def forget(self, tenant_id: str) -> None:
        with self._lock:
            self._entries.pop(tenant_id, None)
