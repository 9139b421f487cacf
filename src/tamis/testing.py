"""Test helpers that ship with tamis: fake analyzers and a conformance suite for analyzers.

Third-party analyzer authors subclass `AnalyzerConformance` in their own tests to check that
their analyzer keeps the contract every interface relies on: a unique name and a version,
scores within 0..1, evidence inside the part it describes, and coverage declared honestly.
Fakes live here, in the package, so tests never mock tamis's own internals.
"""

from __future__ import annotations

import copy
import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, ClassVar, cast

from tamis.analyzers.base import Analysis, Analyzer, FoundText, PartContext
from tamis.core import taxonomy
from tamis.core.content import LinkPart, Part, PartKind, TextPart
from tamis.core.verdict import ImageBox, LexiconHit, LinkHit, Signal, TextSpan
from tamis.errors import Conflict
from tamis.ids import new_id, utcnow
from tamis.store import interfaces as ports


class KeywordAnalyzer:
    """Scores `category` at `score` wherever `keyword` appears; covers only that category."""

    name: ClassVar[str] = "keyword"
    version: ClassVar[str] = "1"
    accepts: ClassVar[frozenset[PartKind]] = frozenset({"text"})

    def __init__(
        self, keyword: str = "badword", category: str = "toxicity/insult", score: float = 0.97
    ) -> None:
        self.keyword, self.category, self.score = keyword, category, score

    def analyze(self, part: Part, context: PartContext) -> Analysis:
        assert isinstance(part, TextPart)
        spans = tuple(
            TextSpan(context.index, m.start(), m.end())
            for m in re.finditer(re.escape(self.keyword), part.text)
        )
        signals = (
            (Signal(self.category, self.score, self.name, context.index, spans),) if spans else ()
        )
        return Analysis(signals=signals, covered=frozenset({self.category}))


class ReadingAnalyzer:
    """Reads the given lines in every image, each in its own box: a stand-in for OCR."""

    name: ClassVar[str] = "reader"
    version: ClassVar[str] = "1"
    accepts: ClassVar[frozenset[PartKind]] = frozenset({"image"})

    def __init__(self, *lines: str) -> None:
        self.lines = lines

    def analyze(self, part: Part, context: PartContext) -> Analysis:
        boxes = tuple(
            ImageBox(context.index, 10, 10 + 40 * i, 300, 30, "text")
            for i in range(len(self.lines))
        )
        return Analysis(texts=(FoundText(self.lines, boxes),))


class CrashingAnalyzer:
    """Kills its whole process when a text contains `CRASH_MARKER`: a poison input for tests
    of job leases, retries and dead-lettering. Load it with
    `TAMIS_ANALYZERS='["lexicon", "tamis.testing:CrashingAnalyzer"]'`."""

    name: ClassVar[str] = "crasher"
    version: ClassVar[str] = "1"
    accepts: ClassVar[frozenset[PartKind]] = frozenset({"text"})
    CRASH_MARKER: ClassVar[str] = "\u2620crash-the-worker\u2620"

    def analyze(self, part: Part, context: PartContext) -> Analysis:
        if isinstance(part, TextPart) and self.CRASH_MARKER in part.text:
            os._exit(70)
        return Analysis()


class AnalyzerConformance:
    """Subclass in a pytest module and set `analyzer` and `samples`; the tests come for free."""

    analyzer: ClassVar[Analyzer]
    samples: ClassVar[tuple[Part, ...]]

    def _analyses(self) -> list[tuple[int, Part, Analysis]]:
        out = []
        for index, part in enumerate(self.samples):
            if part.kind in self.analyzer.accepts:
                context = PartContext(index=index, languages=())
                out.append((index, part, self.analyzer.analyze(part, context)))
        return out

    def test_identity(self) -> None:
        assert re.fullmatch(r"[a-z][a-z0-9_\-]{0,62}", self.analyzer.name)
        assert self.analyzer.version
        assert self.analyzer.accepts

    def test_signals_are_well_formed(self) -> None:
        for index, part, analysis in self._analyses():
            for signal in analysis.signals:
                assert taxonomy.is_category(signal.category), signal.category
                assert 0.0 <= signal.score <= 1.0
                assert signal.analyzer == self.analyzer.name
                assert signal.part == index
                assert signal.category in analysis.covered, (
                    f"{signal.category} scored but not declared covered"
                )
                for evidence in signal.evidence:
                    assert evidence.part == index
                    if isinstance(evidence, TextSpan | LexiconHit):
                        assert isinstance(part, TextPart)
                        assert 0 <= evidence.start < evidence.end <= len(part.text)
                    if isinstance(evidence, LinkHit):
                        assert isinstance(part, TextPart | LinkPart)
                        held = part.text if isinstance(part, TextPart) else part.url
                        assert 0 <= evidence.start < evidence.end <= len(held)

    def test_covered_categories_are_known(self) -> None:
        for _, _, analysis in self._analyses():
            for name in analysis.covered:
                assert taxonomy.is_category(name), name


# --- an in-memory store ----------------------------------------------------------------------


@dataclass
class _State:
    tenants: dict[str, ports.TenantRecord] = field(default_factory=dict)
    keys: dict[str, tuple[ports.KeyRecord, str]] = field(default_factory=dict)
    policies: dict[tuple[str, int], ports.PolicyRecord] = field(default_factory=dict)
    terms: dict[tuple[str, str, str], ports.TermRecord] = field(default_factory=dict)
    link_rules: dict[tuple[str, str, str], ports.LinkRuleRecord] = field(default_factory=dict)
    fingerprints: list[tuple[str, frozenset[int], ports.FingerprintRecord]] = field(
        default_factory=list
    )
    """(tenant id, band keys, fingerprint), oldest first."""
    items: dict[str, ports.ItemRecord] = field(default_factory=dict)
    item_media: set[tuple[str, str, str]] = field(default_factory=set)
    """(tenant id, digest, item id) of each stored file an item not erased shows."""
    media: dict[tuple[str, str], tuple[datetime | None, datetime | None]] = field(
        default_factory=dict
    )
    events: list[ports.EventRecord] = field(default_factory=list)
    jobs: list[ports.JobRecord] = field(default_factory=list)
    webhooks: dict[str, ports.WebhookRecord] = field(default_factory=dict)
    outbox: list[ports.OutboxRecord] = field(default_factory=list)
    idempotency: dict[tuple[str, str], ports.StoredResponse] = field(default_factory=dict)
    shares: set[tuple[str, str]] = field(default_factory=set)
    reports: dict[str, ports.ReportRecord] = field(default_factory=dict)
    examples: dict[str, ports.ExampleRecord] = field(default_factory=dict)
    text_heads: dict[str, ports.TextHeadsRecord] = field(default_factory=dict)
    decisions: dict[str, ports.DecisionRecord] = field(default_factory=dict)
    appeals: dict[str, ports.AppealRecord] = field(default_factory=dict)
    strikes: list[tuple[str, ports.StrikeRecord]] = field(default_factory=list)
    """(tenant id, strike), in id order."""


class InMemoryStore:
    """The storage ports in memory, with real transactions (copy, then swap on success).

    For tests of services and for analyzer authors who want a store without a database; it
    passes the same contract tests as the SQL store (tests/integration/test_store_contract.py).
    """

    def __init__(self) -> None:
        self._state = _State()
        self._lock = threading.Lock()

    @contextmanager
    def write(self) -> Iterator[ports.Transaction]:
        with self._lock:
            draft = copy.deepcopy(self._state)
            yield cast(ports.Transaction, _MemoryRepos(draft))
            self._state = draft

    @contextmanager
    def read(self) -> Iterator[ports.Transaction]:
        yield cast(ports.Transaction, _MemoryRepos(copy.deepcopy(self._state)))


class _MemoryRepos:
    def __init__(self, state: _State) -> None:
        self.tenants = _Tenants(state)
        self.keys = _Keys(state)
        self.policies = _Policies(state)
        self.lexicon = _Lexicon(state)
        self.link_rules = _LinkRules(state)
        self.fingerprints = _Fingerprints(state)
        self.items = _Items(state)
        self.media = _Media(state)
        self.events = _Events(state)
        self.jobs = _Jobs(state)
        self.webhooks = _Webhooks(state)
        self.outbox = _Outbox(state)
        self.idempotency = _Idempotency(state)
        self.reports = _Reports(state)
        self.examples = _Examples(state)
        self.text_heads = _TextHeads(state)
        self.decisions = _Decisions(state)
        self.appeals = _Appeals(state)
        self.strikes = _Strikes(state)


class _Repo:
    def __init__(self, state: _State) -> None:
        self.s = state


class _Tenants(_Repo):
    def create(self, *, slug: str, name: str) -> ports.TenantRecord:
        if any(t.slug == slug for t in self.s.tenants.values()):
            raise Conflict(f"a tenant with slug {slug!r} already exists")
        record = ports.TenantRecord(new_id("tnt"), slug, name, utcnow())
        self.s.tenants[record.id] = record
        return record

    def get(self, *, tenant_id: str) -> ports.TenantRecord | None:
        return self.s.tenants.get(tenant_id)

    def by_slug(self, *, slug: str) -> ports.TenantRecord | None:
        return next((t for t in self.s.tenants.values() if t.slug == slug), None)

    def list(self) -> Sequence[ports.TenantRecord]:
        return sorted(self.s.tenants.values(), key=lambda t: t.id)


class _Keys(_Repo):
    def create(
        self, *, tenant_id: str, name: str, prefix: str, key_hash: str, scopes: Sequence[str]
    ) -> ports.KeyRecord:
        record = ports.KeyRecord(
            new_id("key"), tenant_id, name, prefix, tuple(scopes), utcnow(), None
        )
        self.s.keys[record.id] = (record, key_hash)
        return record

    def by_hash(self, *, key_hash: str) -> ports.KeyRecord | None:
        return next((k for k, h in self.s.keys.values() if h == key_hash), None)

    def list(self, *, tenant_id: str) -> Sequence[ports.KeyRecord]:
        return sorted(
            (k for k, _ in self.s.keys.values() if k.tenant_id == tenant_id), key=lambda k: k.id
        )

    def revoke(self, *, tenant_id: str, key_id: str) -> tuple[ports.KeyRecord, bool] | None:
        found = self.s.keys.get(key_id)
        if found is None or found[0].tenant_id != tenant_id:
            return None
        record, digest = found
        if record.revoked_at is not None:
            return record, False
        record = replace(record, revoked_at=utcnow())
        self.s.keys[key_id] = (record, digest)
        return record, True


class _Policies(_Repo):
    def add(self, *, tenant_id: str, name: str, source: str, digest: str) -> ports.PolicyRecord:
        version = 1 + max((v for t, v in self.s.policies if t == tenant_id), default=0)
        record = ports.PolicyRecord(tenant_id, version, name, source, digest, utcnow())
        self.s.policies[(tenant_id, version)] = record
        return record

    def current(self, *, tenant_id: str) -> ports.PolicyRecord | None:
        mine = self.list(tenant_id=tenant_id)
        return mine[-1] if mine else None

    def get(self, *, tenant_id: str, version: int) -> ports.PolicyRecord | None:
        return self.s.policies.get((tenant_id, version))

    def list(self, *, tenant_id: str) -> Sequence[ports.PolicyRecord]:
        return [r for (t, _), r in sorted(self.s.policies.items()) if t == tenant_id]


class _Lexicon(_Repo):
    def add(self, *, tenant_id: str, list: str, term: str, category: str | None) -> bool:
        key = (tenant_id, list, term)
        existing = self.s.terms.get(key)
        if existing is not None and existing.category == category:
            return False
        self.s.terms[key] = ports.TermRecord(list, term, category, utcnow())
        return True

    def remove(self, *, tenant_id: str, list: str, term: str) -> bool:
        return self.s.terms.pop((tenant_id, list, term), None) is not None

    def list(self, *, tenant_id: str) -> Sequence[ports.TermRecord]:
        return [r for (t, _, _), r in sorted(self.s.terms.items()) if t == tenant_id]

    def share(self, *, owner_id: str, subscriber_id: str) -> bool:
        if (owner_id, subscriber_id) in self.s.shares:
            return False
        self.s.shares.add((owner_id, subscriber_id))
        return True

    def unshare(self, *, owner_id: str, subscriber_id: str) -> bool:
        if (owner_id, subscriber_id) not in self.s.shares:
            return False
        self.s.shares.discard((owner_id, subscriber_id))
        return True

    def shared_with(self, *, subscriber_id: str) -> Sequence[str]:
        return sorted(owner for owner, sub in self.s.shares if sub == subscriber_id)


class _LinkRules(_Repo):
    def add(self, *, tenant_id: str, list: str, pattern: str, category: str | None) -> bool:
        key = (tenant_id, list, pattern)
        existing = self.s.link_rules.get(key)
        if existing is not None and existing.category == category:
            return False
        created = existing.created_at if existing is not None else utcnow()
        self.s.link_rules[key] = ports.LinkRuleRecord(list, pattern, category, created)
        return True

    def remove(self, *, tenant_id: str, list: str, pattern: str) -> bool:
        return self.s.link_rules.pop((tenant_id, list, pattern), None) is not None

    def list(self, *, tenant_id: str) -> Sequence[ports.LinkRuleRecord]:
        return [r for (t, _, _), r in sorted(self.s.link_rules.items()) if t == tenant_id]


class _Fingerprints(_Repo):
    def add(
        self,
        *,
        tenant_id: str,
        item_id: str,
        author_id: str | None,
        signature: str,
        keys: Sequence[int],
        created_at: datetime,
    ) -> None:
        record = ports.FingerprintRecord(item_id, author_id, signature, created_at)
        self.s.fingerprints.append((tenant_id, frozenset(keys), record))

    def candidates(
        self,
        *,
        tenant_id: str,
        keys: Sequence[int],
        since: datetime,
        exclude_item: str | None,
        limit: int,
    ) -> Sequence[ports.FingerprintRecord]:
        wanted = set(keys)
        found = [
            r
            for t, k, r in self.s.fingerprints
            if t == tenant_id and r.created_at >= since and r.item_id != exclude_item and k & wanted
        ]
        return sorted(found, key=lambda r: r.created_at)[:limit]

    def prune(self, *, tenant_id: str, before: datetime) -> int:
        kept = [f for f in self.s.fingerprints if f[0] != tenant_id or f[2].created_at >= before]
        pruned = len(self.s.fingerprints) - len(kept)
        self.s.fingerprints[:] = kept
        return pruned

    def forget(self, *, tenant_id: str, item_id: str) -> None:
        self.s.fingerprints[:] = [
            f for f in self.s.fingerprints if f[0] != tenant_id or f[2].item_id != item_id
        ]


class _Items(_Repo):
    def add(
        self,
        *,
        tenant_id: str,
        item_id: str,
        external_id: str,
        author_id: str | None,
        author_locale: str | None,
        content_date: datetime | None,
        context_url: str | None,
        parts: Sequence[dict[str, Any]],
        content_digest: str,
        media: Sequence[str] = (),
    ) -> ports.ItemRecord:
        if self.by_external_id(tenant_id=tenant_id, external_id=external_id) is not None:
            raise Conflict(f"an item with external_id {external_id!r} already exists")
        self.s.item_media.update((tenant_id, d, item_id) for d in media)
        record = ports.ItemRecord(
            id=item_id,
            tenant_id=tenant_id,
            external_id=external_id,
            author_id=author_id,
            author_locale=author_locale,
            content_date=content_date,
            context_url=context_url,
            parts=tuple(parts),
            content_digest=content_digest,
            status="pending",
            verdict=None,
            action=None,
            created_at=utcnow(),
            moderated_at=None,
            erased_at=None,
        )
        self.s.items[item_id] = record
        return record

    def get(self, *, tenant_id: str, item_id: str) -> ports.ItemRecord | None:
        record = self.s.items.get(item_id)
        return record if record is not None and record.tenant_id == tenant_id else None

    def lock(self, *, tenant_id: str, item_ids: Sequence[str]) -> None:
        """Nothing to do: one transaction at a time here."""

    def many(
        self, *, tenant_id: str, ids: Sequence[str] = (), external_ids: Sequence[str] = ()
    ) -> Sequence[ports.ItemRecord]:
        return [
            i
            for i in self.s.items.values()
            if i.tenant_id == tenant_id and (i.id in ids or i.external_id in external_ids)
        ]

    def by_external_id(self, *, tenant_id: str, external_id: str) -> ports.ItemRecord | None:
        return next(
            (
                i
                for i in self.s.items.values()
                if i.tenant_id == tenant_id and i.external_id == external_id
            ),
            None,
        )

    def set_verdict(
        self, *, tenant_id: str, item_id: str, verdict: dict[str, Any], action: str
    ) -> None:
        record = self.get(tenant_id=tenant_id, item_id=item_id)
        if record is not None:
            self.s.items[item_id] = replace(
                record,
                verdict=verdict,
                action=action,
                status="moderated",
                moderated_at=utcnow(),
            )

    def set_status(self, *, tenant_id: str, item_id: str, status: str) -> None:
        record = self.get(tenant_id=tenant_id, item_id=item_id)
        if record is not None:
            self.s.items[item_id] = replace(record, status=status)

    def for_author(
        self, *, tenant_id: str, author_id: str, limit: int
    ) -> Sequence[ports.ItemRecord]:
        mine = (
            i
            for i in self.s.items.values()
            if i.tenant_id == tenant_id and i.author_id == author_id
        )
        return sorted(mine, key=lambda i: i.id, reverse=True)[:limit]

    def holding_media(self, *, tenant_id: str, digest: str) -> int:
        return sum(1 for t, d, _ in self.s.item_media if (t, d) == (tenant_id, digest))

    def erase(self, *, tenant_id: str, item_id: str, parts: Sequence[dict[str, Any]]) -> None:
        record = self.get(tenant_id=tenant_id, item_id=item_id)
        if record is not None:
            self.s.items[item_id] = replace(record, parts=tuple(parts), erased_at=utcnow())
            self.s.item_media = {h for h in self.s.item_media if h[2] != item_id}


class _Media(_Repo):
    def add(
        self,
        *,
        tenant_id: str,
        digest: str,
        media_type: str | None,
        size: int,
        retain_until: datetime | None,
        md5: str | None = None,
        pdq: str | None = None,
        pdq_quality: int | None = None,
    ) -> None:
        self.s.media[(tenant_id, digest)] = (retain_until, None)

    def lock(self, *, tenant_id: str, digest: str) -> ports.MediaState | None:
        found = self.s.media.get((tenant_id, digest))
        return None if found is None else ports.MediaState(*found)

    def expired(self, *, now: datetime, limit: int) -> Sequence[tuple[str, str]]:
        return [
            key
            for key, (until, erased) in sorted(self.s.media.items())
            if until is not None and until <= now and erased is None
        ][:limit]

    def mark_erased(self, *, tenant_id: str, digest: str) -> None:
        until, _ = self.s.media.get((tenant_id, digest), (None, None))
        self.s.media[(tenant_id, digest)] = (until, utcnow())


class _Events(_Repo):
    def append(
        self,
        *,
        tenant_id: str | None,
        type: str,
        subject: str,
        digest: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.s.events.append(
            ports.EventRecord(
                len(self.s.events) + 1,
                tenant_id,
                type,
                subject,
                digest,
                data or {},
                utcnow(),
                None,
                None,
                None,
            )
        )


class _Jobs(_Repo):
    def enqueue(
        self,
        *,
        tenant_id: str | None,
        kind: str,
        payload: dict[str, Any],
        max_attempts: int,
        run_after: datetime | None = None,
    ) -> int:
        now = utcnow()
        job_id = len(self.s.jobs) + 1
        self.s.jobs.append(
            ports.JobRecord(
                job_id,
                tenant_id,
                kind,
                payload,
                "queued",
                0,
                max_attempts,
                run_after or now,
                None,
                None,
                now,
                None,
            )
        )
        return job_id


class _Webhooks(_Repo):
    def add(
        self, *, tenant_id: str, url: str, secret: str, events: Sequence[str]
    ) -> ports.WebhookRecord:
        record = ports.WebhookRecord(
            new_id("whk"), tenant_id, url, secret, None, None, tuple(events), True, utcnow()
        )
        self.s.webhooks[record.id] = record
        return record

    def list(self, *, tenant_id: str) -> Sequence[ports.WebhookRecord]:
        return sorted(
            (w for w in self.s.webhooks.values() if w.tenant_id == tenant_id), key=lambda w: w.id
        )

    def subscribed(self, *, tenant_id: str, event_type: str) -> Sequence[ports.WebhookRecord]:
        return [
            w
            for w in self.list(tenant_id=tenant_id)
            if w.active and (event_type in w.events or "*" in w.events)
        ]

    def rotate(
        self, *, tenant_id: str, webhook_id: str, secret: str, previous_until: datetime
    ) -> ports.WebhookRecord | None:
        record = self.s.webhooks.get(webhook_id)
        if record is None or record.tenant_id != tenant_id:
            return None
        record = replace(
            record,
            secret=secret,
            previous_secret=record.secret,
            previous_secret_until=previous_until,
        )
        self.s.webhooks[webhook_id] = record
        return record


class _Outbox(_Repo):
    def add(
        self, *, tenant_id: str, webhook_id: str, event_type: str, payload: dict[str, Any]
    ) -> str:
        now = utcnow()
        message_id = new_id("msg")
        self.s.outbox.append(
            ports.OutboxRecord(
                len(self.s.outbox) + 1,
                message_id,
                tenant_id,
                webhook_id,
                event_type,
                payload,
                "pending",
                0,
                now,
                None,
                None,
                now,
                None,
            )
        )
        return message_id


class _Idempotency(_Repo):
    def get(self, *, tenant_id: str, key: str) -> ports.StoredResponse | None:
        return self.s.idempotency.get((tenant_id, key))

    def put(
        self,
        *,
        tenant_id: str,
        key: str,
        request_digest: str,
        status_code: int,
        response: dict[str, Any],
    ) -> None:
        if (tenant_id, key) in self.s.idempotency:
            raise Conflict("this Idempotency-Key is being used by a concurrent request")
        self.s.idempotency[(tenant_id, key)] = ports.StoredResponse(
            request_digest, status_code, response
        )


class _Examples(_Repo):
    def add(self, *, record: ports.ExampleRecord) -> None:
        self.s.examples[record.id] = record

    def get(self, *, tenant_id: str, example_id: str) -> ports.ExampleRecord | None:
        record = self.s.examples.get(example_id)
        return record if record is not None and record.tenant_id == tenant_id else None

    def remove(self, *, tenant_id: str, example_id: str) -> bool:
        if self.get(tenant_id=tenant_id, example_id=example_id) is None:
            return False
        del self.s.examples[example_id]
        return True

    def forget_item(self, *, tenant_id: str, item_id: str) -> int:
        gone = [
            e.id
            for e in self.s.examples.values()
            if e.tenant_id == tenant_id and e.item_id == item_id
        ]
        for example_id in gone:
            del self.s.examples[example_id]
        return len(gone)

    def page(
        self, *, tenant_id: str, category: str | None, after: str | None, limit: int
    ) -> Sequence[ports.ExampleRecord]:
        mine = sorted(
            (
                e
                for e in self.s.examples.values()
                if e.tenant_id == tenant_id
                and (category is None or e.category == category)
                and (after is None or e.id > after)
            ),
            key=lambda e: e.id,
        )
        return mine[:limit]


class _TextHeads(_Repo):
    def get(self, *, tenant_id: str) -> ports.TextHeadsRecord | None:
        return self.s.text_heads.get(tenant_id)

    def put(self, *, record: ports.TextHeadsRecord) -> None:
        self.s.text_heads[record.tenant_id] = record

    def clear(self, *, tenant_id: str) -> bool:
        return self.s.text_heads.pop(tenant_id, None) is not None


class _Reports(_Repo):
    def add(self, *, tenant_id: str, item_id: str, report: ports.NewReport) -> ports.ReportRecord:
        return self.add_many(tenant_id=tenant_id, reports=[(item_id, report)])[0]

    def add_many(
        self, *, tenant_id: str, reports: Sequence[tuple[str, ports.NewReport]]
    ) -> list[ports.ReportRecord]:
        pairs = [(item_id, r.reporter_id) for item_id, r in reports if r.reporter_id is not None]
        if len(set(pairs)) < len(pairs) or self.reported(tenant_id=tenant_id, pairs=pairs):
            raise Conflict("this reporter has already reported this item")
        now = utcnow()
        records = [
            ports.ReportRecord.new(
                id=new_id("rpt"), tenant_id=tenant_id, item_id=item_id, report=r, created_at=now
            )
            for item_id, r in reports
        ]
        for record in records:
            self.s.reports[record.id] = record
        return records

    def _mine(self, tenant_id: str) -> list[ports.ReportRecord]:
        return sorted(
            (r for r in self.s.reports.values() if r.tenant_id == tenant_id),
            key=lambda r: (r.created_at, r.id),
        )

    def get(self, *, tenant_id: str, report_id: str) -> ports.ReportRecord | None:
        record = self.s.reports.get(report_id)
        return record if record is not None and record.tenant_id == tenant_id else None

    def reported(self, *, tenant_id: str, pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        have = {(r.item_id, r.reporter_id) for r in self._mine(tenant_id)}
        return {pair for pair in pairs if pair in have}

    def reporters(
        self, *, tenant_id: str, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], int]:
        counts = dict.fromkeys(keys, 0)
        for r in self._mine(tenant_id):
            if r.reporter_id is not None and (r.item_id, r.category) in counts:
                counts[r.item_id, r.category] += 1
        return counts

    def unsettled(self, *, tenant_id: str, item_id: str) -> Sequence[ports.ReportRecord]:
        return [r for r in self._mine(tenant_id) if r.item_id == item_id and r.outcome_at is None]

    def settle(self, *, tenant_id: str, report_ids: Sequence[str], decision_id: str) -> None:
        now = utcnow()
        for report_id in report_ids:
            record = self.get(tenant_id=tenant_id, report_id=report_id)
            if record is not None and record.outcome_at is None:
                self.s.reports[report_id] = replace(record, decision_id=decision_id, outcome_at=now)

    def by_reporter(
        self, *, tenant_id: str, item_id: str, reporter_id: str
    ) -> ports.ReportRecord | None:
        return next(
            (
                r
                for r in self._mine(tenant_id)
                if r.item_id == item_id and r.reporter_id == reporter_id
            ),
            None,
        )

    def between(
        self, *, tenant_id: str, start: datetime, end: datetime
    ) -> Sequence[ports.ReportRecord]:
        return [r for r in self._mine(tenant_id) if start <= r.created_at < end]


class _Decisions(_Repo):
    def add(self, *, record: ports.DecisionRecord) -> None:
        if record.id in self.s.decisions:
            raise Conflict(f"a decision with id {record.id!r} already exists")
        self.s.decisions[record.id] = record

    def _mine(self, tenant_id: str) -> list[ports.DecisionRecord]:
        return sorted(
            (d for d in self.s.decisions.values() if d.tenant_id == tenant_id), key=lambda d: d.id
        )

    def get(self, *, tenant_id: str, decision_id: str) -> ports.DecisionRecord | None:
        record = self.s.decisions.get(decision_id)
        return record if record is not None and record.tenant_id == tenant_id else None

    def lock(self, *, tenant_id: str, decision_id: str) -> None:
        """Nothing to do: one transaction at a time here."""

    def in_force(self, *, tenant_id: str, item_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        found = {}
        for item_id in item_ids:
            record = self.current(tenant_id=tenant_id, item_id=item_id)
            if record is not None:
                found[item_id] = (record.visibility, record.decided_by)
        return found

    def current(self, *, tenant_id: str, item_id: str) -> ports.DecisionRecord | None:
        mine = self.for_item(tenant_id=tenant_id, item_id=item_id)
        in_force = [d for d in mine if d.state == "in_force"]
        return in_force[-1] if in_force else None

    def set_state(self, *, tenant_id: str, decision_id: str, state: str) -> None:
        record = self.get(tenant_id=tenant_id, decision_id=decision_id)
        if record is not None:
            self.s.decisions[decision_id] = replace(record, state=state)

    def for_item(self, *, tenant_id: str, item_id: str) -> Sequence[ports.DecisionRecord]:
        return [d for d in self._mine(tenant_id) if d.item_id == item_id]

    def for_author(self, *, tenant_id: str, author_id: str) -> Sequence[ports.DecisionRecord]:
        return [d for d in self._mine(tenant_id) if d.author_id == author_id]

    def between(
        self, *, tenant_id: str, start: datetime, end: datetime
    ) -> Sequence[ports.DecisionRecord]:
        return [d for d in self._mine(tenant_id) if start <= d.created_at < end]


class _Appeals(_Repo):
    def add(self, *, record: ports.AppealRecord) -> None:
        if record.id in self.s.appeals:
            raise Conflict(f"an appeal with id {record.id!r} already exists")
        self.s.appeals[record.id] = record

    def _mine(self, tenant_id: str) -> list[ports.AppealRecord]:
        return sorted(
            (a for a in self.s.appeals.values() if a.tenant_id == tenant_id), key=lambda a: a.id
        )

    def get(self, *, tenant_id: str, appeal_id: str) -> ports.AppealRecord | None:
        record = self.s.appeals.get(appeal_id)
        return record if record is not None and record.tenant_id == tenant_id else None

    def for_decision(self, *, tenant_id: str, decision_id: str) -> Sequence[ports.AppealRecord]:
        return [a for a in self._mine(tenant_id) if a.decision_id == decision_id]

    def decide(
        self,
        *,
        tenant_id: str,
        appeal_id: str,
        status: str,
        decided_by: str,
        reasons: str,
        outcome_decision_id: str | None,
    ) -> None:
        record = self.get(tenant_id=tenant_id, appeal_id=appeal_id)
        if record is not None:
            self.s.appeals[appeal_id] = replace(
                record,
                status=status,
                decided_by=decided_by,
                outcome_reasons=reasons,
                outcome_decision_id=outcome_decision_id,
                decided_at=utcnow(),
            )

    def between(
        self, *, tenant_id: str, start: datetime, end: datetime
    ) -> Sequence[ports.AppealRecord]:
        return [a for a in self._mine(tenant_id) if start <= a.created_at < end]


class _Strikes(_Repo):
    def add(
        self, *, tenant_id: str, author_id: str, decision_id: str, expires_at: datetime
    ) -> None:
        strike = ports.StrikeRecord(
            len(self.s.strikes) + 1, author_id, decision_id, utcnow(), expires_at, None
        )
        self.s.strikes.append((tenant_id, strike))

    def lift(self, *, tenant_id: str, decision_id: str) -> None:
        now = utcnow()
        self.s.strikes = [
            (t, replace(k, lifted_at=now))
            if t == tenant_id and k.decision_id == decision_id and k.lifted_at is None
            else (t, k)
            for t, k in self.s.strikes
        ]

    def for_author(self, *, tenant_id: str, author_id: str) -> Sequence[ports.StrikeRecord]:
        return [k for t, k in self.s.strikes if t == tenant_id and k.author_id == author_id]
