"""`Idempotency-Key`: a retried request returns the first answer and creates nothing twice.

The key and the first response are stored in the same transaction as what the request
created, so a crash can never leave one without the other. Reusing a key for a different
request is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from tamis.errors import Conflict, InvalidInput
from tamis.store.interfaces import Transaction


@dataclass(frozen=True, slots=True)
class IdempotencyKey:
    key: str
    request_digest: str

    @classmethod
    def of(cls, key: str | None, *, route: str, body: bytes) -> IdempotencyKey | None:
        if key is None:
            return None
        if not 1 <= len(key) <= 200 or not key.isprintable():
            raise InvalidInput("Idempotency-Key must be 1 to 200 printable characters")
        return cls(key, hashlib.sha256(route.encode() + b"\0" + body).hexdigest())


class Replay(Exception):
    def __init__(self, status_code: int, body: dict[str, Any]) -> None:
        super().__init__(status_code)
        self.status_code = status_code
        self.body = body


def check(tx: Transaction, *, tenant_id: str, idem: IdempotencyKey | None) -> None:
    if idem is None:
        return
    prior = tx.idempotency.get(tenant_id=tenant_id, key=idem.key)
    if prior is None:
        return
    if prior.request_digest != idem.request_digest:
        raise Conflict(
            "this Idempotency-Key was already used for a different request; use a new key"
        )
    raise Replay(prior.status_code, prior.response)


def save(
    tx: Transaction,
    *,
    tenant_id: str,
    idem: IdempotencyKey | None,
    status_code: int,
    body: dict[str, Any],
) -> None:
    if idem is not None:
        tx.idempotency.put(
            tenant_id=tenant_id,
            key=idem.key,
            request_digest=idem.request_digest,
            status_code=status_code,
            response=body,
        )
