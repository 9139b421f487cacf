"""The audit hash chain: each sealed event holds the hash of the one before it.

Events are written with their state change but sealed later by a single sealer, in id order,
so writers never contend on the chain's head. Sealing assigns `seq` and links `hash =
sha256(prev_hash || canonical(event))`. Rewriting or deleting a sealed event breaks every hash
after it; truncating the tail is caught against a signed checkpoint exported elsewhere.
Events hold digests of content, never content, so erasure does not touch them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tamis.store.interfaces import EventRecord

GENESIS = "0" * 64


def canonical(event: EventRecord, seq: int) -> bytes:
    body: dict[str, Any] = {
        "seq": seq,
        "id": event.id,
        "tenant": event.tenant_id,
        "type": event.type,
        "subject": event.subject,
        "digest": event.digest,
        "data": event.data,
        "at": event.created_at.isoformat(timespec="microseconds"),
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def link(prev_hash: str, event: EventRecord, seq: int) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(event, seq)).hexdigest()


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    events: int
    head_seq: int
    head_hash: str
    problem: str | None = None


def verify(sealed: Iterable[EventRecord]) -> Verification:
    """Walk sealed events in `seq` order and recompute every link."""
    prev, count, seq = GENESIS, 0, 0
    for event in sealed:
        expected_seq = seq + 1
        if event.seq != expected_seq:
            return Verification(
                False, count, seq, prev, f"sequence gap: expected {expected_seq}, got {event.seq}"
            )
        if event.prev_hash != prev:
            return Verification(
                False, count, seq, prev, f"event seq {event.seq} does not point at its predecessor"
            )
        if link(prev, event, expected_seq) != event.hash:
            return Verification(
                False, count, seq, prev, f"event seq {event.seq} was altered after sealing"
            )
        prev, count, seq = event.hash, count + 1, expected_seq
    return Verification(True, count, seq, prev)
