"""Tenant policies: validated, versioned, and cached for the request path.

A new version takes effect in this process at once and in others within the cache's
lifetime; every verdict names the version it was judged under.
"""

from __future__ import annotations

import threading
import time

from tamis.core import policy as policies
from tamis.store.interfaces import PolicyRecord, Store, Transaction


def set_policy(tx: Transaction, *, tenant_id: str, source: str) -> PolicyRecord:
    parsed = policies.parse(source)
    record = tx.policies.add(
        tenant_id=tenant_id, name=parsed.document.name, source=source, digest=parsed.digest
    )
    tx.events.append(
        tenant_id=tenant_id,
        type="policy.changed",
        subject=f"policy:{record.version}",
        digest=record.digest,
    )
    return record


class PolicyCache:
    def __init__(self, store: Store, *, ttl_seconds: float = 5.0) -> None:
        self.store = store
        self.ttl = ttl_seconds
        self._entries: dict[str, tuple[float, policies.Policy]] = {}
        self._parsed: dict[str, policies.Policy] = {}
        self._lock = threading.Lock()

    def get(self, tenant_id: str) -> policies.Policy:
        now = time.monotonic()
        entry = self._entries.get(tenant_id)
        if entry is not None and entry[0] >= now:
            return entry[1]
        with self.store.read() as tx:
            record = tx.policies.current(tenant_id=tenant_id)
        policy = self._parse(record) if record is not None else policies.default()
        with self._lock:
            self._entries[tenant_id] = (now + self.ttl, policy)
        return policy

    def _parse(self, record: PolicyRecord) -> policies.Policy:
        key = f"{record.digest}:{record.version}"
        parsed = self._parsed.get(key)
        if parsed is None:
            parsed = policies.parse(record.source).with_version(record.version)
            self._parsed[key] = parsed
        return parsed

    def forget(self, tenant_id: str) -> None:
        with self._lock:
            self._entries.pop(tenant_id, None)
