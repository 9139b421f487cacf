"""API keys: random, prefixed, shown once, stored as SHA-256, checked from a memory cache.

A key carries 192 random bits, so a fast hash is enough (no password hash on the request
path); the cache answers repeat requests without a database read, and a revocation made in
this process takes effect at once (in others, within the cache's lifetime).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from tamis.errors import AuthError, Forbidden, InvalidInput, NotFound
from tamis.store.interfaces import KeyRecord, Store, Transaction

PREFIX = "tamis_sk_"
SCOPES = {
    "admin": "everything in the tenant, including keys, policy, lexicon and jobs",
    "moderate": "POST /v1/moderate and the compatibility endpoints (nothing is stored)",
    "items:write": "submit items",
    "items:read": "read items, verdicts, decisions, reports, appeals and author histories",
    "reports": "submit readers' reports and users' appeals",
    "moderator": "take decisions on items and accounts, and decide appeals (people only)",
}


@dataclass(frozen=True, slots=True)
class Principal:
    tenant_id: str
    key_id: str
    scopes: frozenset[str]

    def require(self, scope: str) -> None:
        if "admin" not in self.scopes and scope not in self.scopes:
            raise Forbidden(f"this API key lacks the {scope!r} scope")


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(
    tx: Transaction, *, tenant_id: str, name: str, scopes: list[str]
) -> tuple[KeyRecord, str]:
    """Create a key; returns its record and the secret, which is never stored or shown again."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise InvalidInput(
            f"unknown or missing scopes {unknown}; choose from {', '.join(sorted(SCOPES))}"
        )
    secret = PREFIX + secrets.token_urlsafe(24)
    record = tx.keys.create(
        tenant_id=tenant_id,
        name=name,
        prefix=secret[: len(PREFIX) + 6],
        key_hash=hash_key(secret),
        scopes=sorted(set(scopes)),
    )
    tx.events.append(
        tenant_id=tenant_id,
        type="key.created",
        subject=record.id,
        data={"name": name, "scopes": list(record.scopes)},
    )
    return record, secret


def revoke(tx: Transaction, cache: KeyCache, *, tenant_id: str, key_id: str) -> KeyRecord:
    revoked = tx.keys.revoke(tenant_id=tenant_id, key_id=key_id)
    if revoked is None:
        raise NotFound(f"no API key {key_id!r} in this tenant")
    record, now = revoked
    if now:  # a repeated revoke changes nothing and says nothing
        tx.events.append(tenant_id=tenant_id, type="key.revoked", subject=key_id)
    cache.forget_key(key_id)
    return record


class KeyCache:
    def __init__(self, store: Store, *, ttl_seconds: float = 30.0) -> None:
        self.store = store
        self.ttl = ttl_seconds
        self._entries: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def authenticate(self, authorization: str | None) -> Principal:
        if not authorization:
            raise AuthError("send your API key as 'Authorization: Bearer tamis_sk_...'")
        scheme, _, secret = authorization.partition(" ")
        secret = secret.strip()
        if scheme.lower() != "bearer" or not secret.startswith(PREFIX):
            raise AuthError("send your API key as 'Authorization: Bearer tamis_sk_...'")
        digest = hash_key(secret)
        now = time.monotonic()
        entry = self._entries.get(digest)
        if entry is None or entry[0] < now:
            with self.store.read() as tx:
                record = tx.keys.by_hash(key_hash=digest)
            principal = (
                Principal(record.tenant_id, record.id, frozenset(record.scopes))
                if record is not None and record.revoked_at is None
                else None
            )
            with self._lock:
                if len(self._entries) > 10_000:
                    self._entries.clear()
                self._entries[digest] = (now + self.ttl, principal)
        else:
            principal = entry[1]
        if principal is None:
            raise AuthError("this API key is unknown or has been revoked")
        return principal

    def forget_key(self, key_id: str) -> None:
        with self._lock:
            for digest, (_, principal) in list(self._entries.items()):
                if principal is not None and principal.key_id == key_id:
                    del self._entries[digest]
