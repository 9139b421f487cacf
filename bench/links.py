"""Links and near-duplicate floods: how often edited copies are found, and what it costs.

Why: a flood check runs on every stored item, so it must find lightly edited copies, leave
different texts alone, and stay cheap however many items the window holds. This prints, on
the test files of ../shared/data/text (sms_spam, mlma, offendes):

- the share of 1,000 texts whose copy with one or two words changed, inserted or deleted is
  found (shares a band key and reaches the similarity threshold), beside SimHash (64 bits,
  character 5-grams) at the distance a 4-band look-up can reach (3 bits), as the peer;
- false near-duplicates among pairs of 1,200 different texts;
- the links analyzer's and the signature's cost per text, and one flood check (signature +
  indexed look-up) against an SQLite index holding 50,000 fingerprints in the window.

    .venv/bin/python bench/links.py
"""

from __future__ import annotations

import hashlib
import json
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from tamis.analyzers.base import PartContext
from tamis.analyzers.text.links import LinksAnalyzer
from tamis.analyzers.text.minhash import (
    SIMILARITY,
    band_keys,
    canonical,
    encode,
    signature,
    similarity,
)
from tamis.core.content import TextPart
from tamis.ids import utcnow
from tamis.services import floods, tenants
from tamis.settings import Settings
from tamis.store.sql import migrate
from tamis.store.sql.store import SqlStore

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "text"
WORDS = ["super", "vraiment", "now", "!!", "free", "🔥", "hey", "100%", "today", "maintenant"]


def _texts() -> list[str]:
    texts = []
    for name, limit in (("sms_spam", None), ("mlma", 1500), ("offendes", 1500)):
        lines = (DATA / f"{name}.test.jsonl").read_text("utf-8").splitlines()[:limit]
        texts += [json.loads(line)["text"] for line in lines]
    return [t for t in texts if signature(t) is not None]


def _edit(text: str, rng: random.Random) -> str:
    words = text.split()
    for _ in range(rng.randint(1, 2)):
        i, roll = rng.randrange(len(words)), rng.random()
        if roll < 0.4:
            words[i] = rng.choice(WORDS)
        elif roll < 0.7:
            words.insert(i, rng.choice(WORDS))
        elif len(words) > 3:
            del words[i]
    return " ".join(words)


def _simhash(text: str) -> int:
    view = canonical(text)
    votes = [0] * 64
    for i in range(len(view) - 4):
        h = int.from_bytes(hashlib.blake2b(view[i : i + 5].encode(), digest_size=8).digest())
        for bit in range(64):
            votes[bit] += 1 if h >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if votes[bit] > 0)


def main() -> None:
    rng = random.Random(2)
    texts = _texts()
    found = simhash_found = 0
    for text in rng.sample(texts, 1000):
        edited = _edit(text, rng)
        a, b = signature(text), signature(edited)
        if a and b and set(band_keys(a)) & set(band_keys(b)) and similarity(a, b) >= SIMILARITY:
            found += 1
        if (_simhash(text) ^ _simhash(edited)).bit_count() <= 3:
            simhash_found += 1
    print(f"edited copies found: MinHash {found / 10:.1f} %,", end=" ")
    print(f"SimHash within 3 bits {simhash_found / 10:.1f} %")

    sample = rng.sample(texts, 1200)
    sigs = [signature(t) for t in sample]
    keys = [set(band_keys(s)) for s in sigs if s]
    pairs = false = 0
    for i in range(len(sample)):
        for j in range(i + 1, len(sample)):
            if canonical(sample[i]) == canonical(sample[j]):
                continue
            pairs += 1
            a, b = sigs[i], sigs[j]
            if a and b and keys[i] & keys[j] and similarity(a, b) >= SIMILARITY:
                false += 1
    print(f"false near-duplicates: {false} of {pairs:,} pairs of different texts")

    analyzer, context = LinksAnalyzer(), PartContext(index=0, languages=())
    start = time.perf_counter()
    for text in texts:
        analyzer.analyze(TextPart(text), context)
    per_text = (time.perf_counter() - start) / len(texts)
    print(f"links analyzer: {per_text * 1e6:.0f} µs per text ({1 / per_text:,.0f} texts/s)")
    start = time.perf_counter()
    for text in texts:
        signature(text)
    print(f"signature: {(time.perf_counter() - start) / len(texts) * 1e6:.0f} µs per text")

    with tempfile.TemporaryDirectory() as tmp:
        store = SqlStore.from_url(f"sqlite:///{tmp}/bench.db")
        migrate.upgrade(store.engines)
        with store.write() as tx:
            tenant, _ = tenants.create(tx, slug="bench")
        now = utcnow()
        with store.write() as tx:
            for i in range(50_000):
                sig = sigs[i % len(sigs)] or sigs[0]
                assert sig is not None
                tx.fingerprints.add(
                    tenant_id=tenant.id,
                    item_id=f"itm_{i}",
                    author_id=f"a{i}",
                    signature=encode(sig),
                    keys=[rng.getrandbits(63) for _ in range(20)] if i >= 1200 else band_keys(sig),
                    created_at=now - timedelta(seconds=rng.randint(0, 3500)),
                )
        settings = Settings(data_dir=Path(tmp))
        start = time.perf_counter()
        for text in texts[:500]:
            fingerprint = floods.fingerprint([TextPart(text)])
            with store.read() as tx:
                floods.check(
                    tx,
                    settings,
                    tenant_id=tenant.id,
                    found=fingerprint,
                    author_id="x",
                    item_id=None,
                    now=now,
                )
        per_item = (time.perf_counter() - start) / 500
        print(f"flood check, 50,000 fingerprints in the window (SQLite): {per_item * 1e3:.2f} ms")
        store.close()


if __name__ == "__main__":
    main()
