"""Everything a running tamis holds: the store, the queues, the analyzers and the caches.

Built once per process from `Settings` (by `create_app()`, a CLI command or a worker), and
handed to the services. Nothing here is global, so two runtimes can live in one test process.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tamis.analyzers import registry
from tamis.analyzers.base import Analyzer, LanguageIdentifier
from tamis.analyzers.text.langid import LinguaLanguageIdentifier
from tamis.media import FilesystemMediaStore
from tamis.media.decode import DecodeLimits, Decoder
from tamis.media.fetch import Fetcher, FetchLimits
from tamis.services.keys import KeyCache
from tamis.services.lexicon import TermsCache
from tamis.services.policies import PolicyCache
from tamis.settings import Settings
from tamis.store.sql import migrate
from tamis.store.sql.audit import SqlAuditLog
from tamis.store.sql.engine import create_engines
from tamis.store.sql.outbox import SqlOutboxQueue
from tamis.store.sql.queue import SqlJobQueue
from tamis.store.sql.store import SqlStore


@dataclass
class Counters:
    """Per-tenant daily counts of stateless requests, kept in memory and flushed by a worker."""

    _counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, tenant_id: str, name: str, n: int = 1) -> None:
        day = datetime.now(UTC).date().isoformat()
        with self._lock:
            self._counts[(tenant_id, day, name)] += n

    def drain(self) -> dict[tuple[str, str, str], int]:
        with self._lock:
            counts, self._counts = dict(self._counts), Counter()
        return counts


@dataclass
class Runtime:
    settings: Settings
    store: SqlStore
    jobs: SqlJobQueue
    deliveries: SqlOutboxQueue
    audit: SqlAuditLog
    media: FilesystemMediaStore
    decoder: Decoder
    fetcher: Fetcher
    analyzers: tuple[Analyzer, ...]
    language_identifier: LanguageIdentifier
    keys: KeyCache
    policies: PolicyCache
    terms: TermsCache
    counters: Counters
    jobs_ready: threading.Event = field(default_factory=threading.Event)
    """Set when this process queued a job, so idle workers here start on it at once."""
    outbox_ready: threading.Event = field(default_factory=threading.Event)
    """Set when this process wrote webhooks to the outbox."""

    @classmethod
    def open(cls, settings: Settings, *, upgrade: bool = True, analyzers: bool = True) -> Runtime:
        """`analyzers=False` loads no model: for a process that only administers (a server's
        supervisor, which would otherwise hold every model beside its workers' copies)."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engines = create_engines(settings.db_url)
        if upgrade:
            migrate.upgrade(engines)
        store = SqlStore(engines)
        return cls(
            settings=settings,
            store=store,
            jobs=SqlJobQueue(engines),
            deliveries=SqlOutboxQueue(engines),
            audit=SqlAuditLog(engines),
            media=FilesystemMediaStore(settings.media_dir),
            decoder=Decoder(
                DecodeLimits(
                    max_bytes=settings.max_image_bytes,
                    memory_bytes=settings.image_decode_memory_mib * 2**20,
                ),
                processes=settings.image_decoders,
                turn=settings.data_dir / "decode.lock",
            ),
            fetcher=Fetcher(
                FetchLimits(
                    max_bytes=settings.max_image_bytes, timeout_s=settings.fetch_timeout_seconds
                )
            ),
            analyzers=registry.load(settings.analyzers) if analyzers else (),
            language_identifier=LinguaLanguageIdentifier(),
            keys=KeyCache(store),
            policies=PolicyCache(store),
            terms=TermsCache(store),
            counters=Counters(),
        )

    def close(self) -> None:
        self.decoder.close()
        self.store.close()
