"""Near-duplicate floods: one message, lightly varied, posted again and again.

No single copy of a flood looks like spam to an analyzer that reads it alone; what gives it
away is how many near-copies a tenant received lately, often from many accounts. So stored
items (`POST /v1/items`, sync or async) leave a MinHash signature in a per-tenant index that
keeps one time window, and each new item counts its near-copies there: from
`flood_authors` distinct authors, or `flood_items` items, on it gets a `spam` signal, stronger
as the flood grows, with evidence that says how many and since when but never who.

`POST /v1/moderate` stores nothing and does not consult the index: a flood is a fact about a
stream of stored items, not about one text.

Counts are approximate under concurrency (two near-copies arriving at the same instant may
not see each other); a flood is many copies, so the next one is caught.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tamis.analyzers.base import Analysis
from tamis.analyzers.text import minhash
from tamis.core.content import LinkPart, Part, TextPart
from tamis.core.verdict import AnalyzerRef, NearDuplicates, Signal
from tamis.settings import Settings
from tamis.store.interfaces import Transaction

NAME = "near-duplicates"
REF = AnalyzerRef(NAME, f"1.0.0+minhash{minhash.HASHES}x{minhash.BANDS}@{minhash.SIMILARITY}")
CANDIDATES = 500
"""At most this many stored near-copies are read per item: a bigger flood is still a flood."""


@dataclass(frozen=True, slots=True)
class Fingerprint:
    signature: minhash.Signature
    keys: tuple[int, ...]
    part: int
    """The first part it was read from: where the evidence points."""


def fingerprint(parts: Sequence[Part]) -> Fingerprint | None:
    """The signature of an item's texts and links together; None if too short."""
    held = [
        (i, p.text if isinstance(p, TextPart) else p.url)
        for i, p in enumerate(parts)
        if isinstance(p, TextPart | LinkPart)
    ]
    if not held:
        return None
    sig = minhash.signature("\n".join(text for _, text in held))
    if sig is None:
        return None
    return Fingerprint(sig, minhash.band_keys(sig), held[0][0])


def check(
    tx: Transaction,
    settings: Settings,
    *,
    tenant_id: str,
    found: Fingerprint | None,
    author_id: str | None,
    item_id: str | None,
    now: datetime,
) -> tuple[AnalyzerRef, Analysis] | None:
    """Count this item's near-copies in the window; a signal once they make a flood."""
    window = settings.flood_window_seconds
    if found is None or window == 0:
        return None
    since = now - timedelta(seconds=window)
    candidates = tx.fingerprints.candidates(
        tenant_id=tenant_id, keys=found.keys, since=since, exclude_item=item_id, limit=CANDIDATES
    )
    copies = [
        c
        for c in candidates
        if minhash.similarity(found.signature, minhash.decode(c.signature)) >= minhash.SIMILARITY
    ]
    items = len(copies) + 1
    authors = len({c.author_id or f"item:{c.item_id}" for c in copies} | {author_id or "this"})
    strength = max(authors / settings.flood_authors, items / settings.flood_items)
    if strength < 1:
        return REF, Analysis()
    earliest = min([c.created_at for c in copies], default=now)
    evidence = NearDuplicates(
        part=found.part,
        items=items,
        authors=authors,
        since=earliest.isoformat(),
        window_seconds=window,
    )
    score = min(0.99, 1 - 0.3 / strength)
    signal = Signal("spam", round(score, 4), NAME, found.part, (evidence,))
    return REF, Analysis(signals=(signal,), covered=frozenset({"spam"}))


def record(
    tx: Transaction,
    settings: Settings,
    *,
    tenant_id: str,
    item_id: str,
    author_id: str | None,
    found: Fingerprint | None,
    now: datetime,
) -> None:
    """Keep this item's fingerprint for the window, and drop what fell out of it."""
    window = settings.flood_window_seconds
    if found is None or window == 0:
        return
    tx.fingerprints.prune(tenant_id=tenant_id, before=now - timedelta(seconds=window))
    tx.fingerprints.add(
        tenant_id=tenant_id,
        item_id=item_id,
        author_id=author_id,
        signature=minhash.encode(found.signature),
        keys=found.keys,
        created_at=now,
    )
