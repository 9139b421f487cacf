"""Identifiers: time-ordered, random, prefixed by what they name.

`itm_01JD…` sorts by creation time (48 bits of milliseconds, then 80 random bits, in
Crockford base32 like a ULID), so listings page naturally and an id tells a person what it is.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def new_id(prefix: str) -> str:
    value = (time.time_ns() // 1_000_000) << 80 | secrets.randbits(80)
    chars = []
    for _ in range(26):
        value, rest = divmod(value, 32)
        chars.append(_ALPHABET[rest])
    return f"{prefix}_{''.join(reversed(chars))}"


def utcnow() -> datetime:
    return datetime.now(UTC)
