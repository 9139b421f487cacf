"""Ports: the small storage interfaces the services and jobs are written against.

One interface per concern (tenants, keys, items, policies, lexicon, events, jobs, outbox,
webhooks, idempotency, media records), all reached through a `Transaction`, so that a state
change, its event and its outbox messages commit together or not at all. Every function that
touches tenant data takes the tenant id as a keyword: there is no way to ask across tenants
by accident. The SQL adapter implements these; `tamis.testing` has in-memory ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class TenantRecord:
    id: str
    slug: str
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class KeyRecord:
    id: str
    tenant_id: str
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class PolicyRecord:
    tenant_id: str
    version: int
    name: str
    source: str
    digest: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ExampleRecord:
    id: str
    tenant_id: str
    text: str
    language: str | None
    category: str
    violating: bool
    source: str
    """`api` (labelled by hand) or `decision` (a moderator's decision on an item)."""
    item_id: str | None
    decision_id: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TextHeadsRecord:
    tenant_id: str
    version: str
    categories: tuple[str, ...]
    report: dict[str, Any]
    weights: bytes
    trained_at: datetime


@dataclass(frozen=True, slots=True)
class TermRecord:
    list: str
    term: str
    category: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LinkRuleRecord:
    list: str
    pattern: str
    category: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class FingerprintRecord:
    """A recent item's near-duplicate signature (encoded), kept for the flood window only."""

    item_id: str
    author_id: str | None
    signature: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ItemRecord:
    id: str
    tenant_id: str
    external_id: str
    author_id: str | None
    author_locale: str | None
    content_date: datetime | None
    context_url: str | None
    parts: tuple[dict[str, Any], ...]
    content_digest: str
    status: str
    verdict: dict[str, Any] | None
    action: str | None
    created_at: datetime
    moderated_at: datetime | None
    erased_at: datetime | None


@dataclass(frozen=True, slots=True)
class ReportRecord:
    id: str
    tenant_id: str
    item_id: str
    reporter_id: str | None
    reporter_kind: str
    category: str
    other_reason: str | None
    explanation: str | None
    illegal: bool
    law: str | None
    good_faith: bool
    created_at: datetime
    decision_id: str | None
    outcome_at: datetime | None

    @classmethod
    def new(
        cls, *, id: str, tenant_id: str, item_id: str, report: NewReport, created_at: datetime
    ) -> ReportRecord:
        """A report as filed: not yet settled by any decision."""
        return cls(
            id=id,
            tenant_id=tenant_id,
            item_id=item_id,
            reporter_id=report.reporter_id,
            reporter_kind=report.reporter_kind,
            category=report.category,
            other_reason=report.other_reason,
            explanation=report.explanation,
            illegal=report.illegal,
            law=report.law,
            good_faith=report.good_faith,
            created_at=created_at,
            decision_id=None,
            outcome_at=None,
        )


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    id: str
    tenant_id: str
    item_id: str | None
    author_id: str | None
    visibility: str
    account: str | None
    decided_by: str
    automated: str
    source: str
    statement: dict[str, Any]
    notice: dict[str, Any]
    state: str
    supersedes: str | None
    appeal_id: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AppealRecord:
    id: str
    tenant_id: str
    decision_id: str
    appellant_kind: str
    appellant_id: str
    reason: str
    status: str
    decided_by: str | None
    outcome_reasons: str | None
    outcome_decision_id: str | None
    created_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class StrikeRecord:
    id: int
    author_id: str
    decision_id: str
    created_at: datetime
    expires_at: datetime
    lifted_at: datetime | None


@dataclass(frozen=True, slots=True)
class EventRecord:
    id: int
    tenant_id: str | None
    type: str
    subject: str
    digest: str | None
    data: dict[str, Any]
    created_at: datetime
    seq: int | None
    prev_hash: str | None
    hash: str | None


@dataclass(frozen=True, slots=True)
class JobRecord:
    id: int
    tenant_id: str | None
    kind: str
    payload: dict[str, Any]
    state: str
    attempts: int
    max_attempts: int
    run_after: datetime
    lease_until: datetime | None
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class WebhookRecord:
    id: str
    tenant_id: str
    url: str
    secret: str
    previous_secret: str | None
    previous_secret_until: datetime | None
    events: tuple[str, ...]
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OutboxRecord:
    id: int
    message_id: str
    tenant_id: str
    webhook_id: str
    event_type: str
    payload: dict[str, Any]
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    last_status: int | None
    created_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True, slots=True)
class MediaState:
    retain_until: datetime | None
    erased_at: datetime | None

    def expired(self, now: datetime) -> bool:
        return self.erased_at is None and self.retain_until is not None and self.retain_until <= now


@dataclass(frozen=True, slots=True)
class StoredResponse:
    request_digest: str
    status_code: int
    response: dict[str, Any]


class Tenants(Protocol):
    def create(self, *, slug: str, name: str) -> TenantRecord: ...
    def get(self, *, tenant_id: str) -> TenantRecord | None: ...
    def by_slug(self, *, slug: str) -> TenantRecord | None: ...
    def list(self) -> Sequence[TenantRecord]: ...


class Keys(Protocol):
    def create(
        self, *, tenant_id: str, name: str, prefix: str, key_hash: str, scopes: Sequence[str]
    ) -> KeyRecord: ...
    def by_hash(self, *, key_hash: str) -> KeyRecord | None: ...
    def list(self, *, tenant_id: str) -> Sequence[KeyRecord]: ...
    def revoke(self, *, tenant_id: str, key_id: str) -> tuple[KeyRecord, bool] | None:
        """The key, revoked, and whether this call revoked it (False: it already was)."""
        ...


class Policies(Protocol):
    def add(self, *, tenant_id: str, name: str, source: str, digest: str) -> PolicyRecord: ...
    def current(self, *, tenant_id: str) -> PolicyRecord | None: ...
    def get(self, *, tenant_id: str, version: int) -> PolicyRecord | None: ...
    def list(self, *, tenant_id: str) -> Sequence[PolicyRecord]: ...


class Lexicon(Protocol):
    def add(self, *, tenant_id: str, list: str, term: str, category: str | None) -> bool: ...
    def remove(self, *, tenant_id: str, list: str, term: str) -> bool: ...
    def list(self, *, tenant_id: str) -> Sequence[TermRecord]: ...
    def share(self, *, owner_id: str, subscriber_id: str) -> bool: ...
    def unshare(self, *, owner_id: str, subscriber_id: str) -> bool: ...
    def shared_with(self, *, subscriber_id: str) -> Sequence[str]:
        """The tenants whose block lists `subscriber_id` reads."""
        ...


class LinkRules(Protocol):
    def add(self, *, tenant_id: str, list: str, pattern: str, category: str | None) -> bool: ...
    def remove(self, *, tenant_id: str, list: str, pattern: str) -> bool: ...
    def list(self, *, tenant_id: str) -> Sequence[LinkRuleRecord]: ...


class Fingerprints(Protocol):
    """Recent items' signatures, found again by any of their band keys (see text.minhash)."""

    def add(
        self,
        *,
        tenant_id: str,
        item_id: str,
        author_id: str | None,
        signature: str,
        keys: Sequence[int],
        created_at: datetime,
    ) -> None: ...
    def candidates(
        self,
        *,
        tenant_id: str,
        keys: Sequence[int],
        since: datetime,
        exclude_item: str | None,
        limit: int,
    ) -> Sequence[FingerprintRecord]:
        """Fingerprints since `since` sharing a key, each once, at most `limit` of them."""
        ...

    def prune(self, *, tenant_id: str, before: datetime) -> int: ...
    def forget(self, *, tenant_id: str, item_id: str) -> None: ...


class Items(Protocol):
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
    ) -> ItemRecord:
        """Store an item; `media` are the digests of the stored files its parts show."""
        ...

    def get(self, *, tenant_id: str, item_id: str) -> ItemRecord | None: ...
    def lock(self, *, tenant_id: str, item_ids: Sequence[str]) -> None:
        """Hold these items to the end of the transaction. What settles an item's state (a
        decision, an erasure, the readers' count that hides it, an appeal's outcome) takes
        its item first and reads after, so two such writes never both act on the state the
        other is changing. Items before decisions, in id order, so none waits in a circle."""

    def by_external_id(self, *, tenant_id: str, external_id: str) -> ItemRecord | None: ...
    def many(
        self, *, tenant_id: str, ids: Sequence[str] = (), external_ids: Sequence[str] = ()
    ) -> Sequence[ItemRecord]:
        """The tenant's items with any of these ids or external ids, in no particular order."""
        ...

    def set_verdict(
        self, *, tenant_id: str, item_id: str, verdict: dict[str, Any], action: str
    ) -> None: ...
    def set_status(self, *, tenant_id: str, item_id: str, status: str) -> None: ...
    def for_author(self, *, tenant_id: str, author_id: str, limit: int) -> Sequence[ItemRecord]: ...
    def erase(self, *, tenant_id: str, item_id: str, parts: Sequence[dict[str, Any]]) -> None:
        """Replace the stored parts with their erased form and stamp the erasure; the item
        holds none of its media any more."""
        ...

    def holding_media(self, *, tenant_id: str, digest: str) -> int:
        """How many items not erased still hold the medium with this digest (an indexed
        look-up: erasure asks it for every photo of the item it erases)."""
        ...


class NewReport(Protocol):
    """What a reporter tells (the API's request model satisfies it)."""

    @property
    def reporter_id(self) -> str | None: ...
    @property
    def reporter_kind(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def other_reason(self) -> str | None: ...
    @property
    def explanation(self) -> str | None: ...
    @property
    def illegal(self) -> bool: ...
    @property
    def law(self) -> str | None: ...
    @property
    def good_faith(self) -> bool: ...


class Reports(Protocol):
    def add(self, *, tenant_id: str, item_id: str, report: NewReport) -> ReportRecord: ...
    def add_many(
        self, *, tenant_id: str, reports: Sequence[tuple[str, NewReport]]
    ) -> list[ReportRecord]:
        """Insert (item id, report) pairs, all or none: `Conflict` if a reporter repeats."""
        ...

    def get(self, *, tenant_id: str, report_id: str) -> ReportRecord | None: ...
    def reported(self, *, tenant_id: str, pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (item id, reporter id) pairs already have a report."""
        ...

    def reporters(
        self, *, tenant_id: str, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], int]:
        """Identified (not anonymous) reporters per (item id, category); 0 where none."""
        ...

    def unsettled(self, *, tenant_id: str, item_id: str) -> Sequence[ReportRecord]: ...
    def settle(self, *, tenant_id: str, report_ids: Sequence[str], decision_id: str) -> None: ...
    def by_reporter(
        self, *, tenant_id: str, item_id: str, reporter_id: str
    ) -> ReportRecord | None: ...
    def between(
        self, *, tenant_id: str, start: datetime, end: datetime
    ) -> Sequence[ReportRecord]: ...


class Examples(Protocol):
    def add(self, *, record: ExampleRecord) -> None: ...
    def get(self, *, tenant_id: str, example_id: str) -> ExampleRecord | None: ...
    def remove(self, *, tenant_id: str, example_id: str) -> bool: ...
    def forget_item(self, *, tenant_id: str, item_id: str) -> int:
        """Remove the examples an item taught; how many."""
        ...

    def page(
        self, *, tenant_id: str, category: str | None, after: str | None, limit: int
    ) -> Sequence[ExampleRecord]:
        """The tenant's examples in id order, after `after`, optionally of one category."""
        ...


class TextHeads(Protocol):
    def get(self, *, tenant_id: str) -> TextHeadsRecord | None: ...
    def put(self, *, record: TextHeadsRecord) -> None:
        """Replace the tenant's heads."""
        ...

    def clear(self, *, tenant_id: str) -> bool: ...


class Decisions(Protocol):
    def add(self, *, record: DecisionRecord) -> None: ...
    def get(self, *, tenant_id: str, decision_id: str) -> DecisionRecord | None: ...
    def lock(self, *, tenant_id: str, decision_id: str) -> None:
        """Hold the decision to the end of the transaction (its appeals are settled under
        it); take its item first (see `Items.lock`)."""

    def current(self, *, tenant_id: str, item_id: str) -> DecisionRecord | None:
        """The item's decision in force, if any."""
        ...

    def in_force(self, *, tenant_id: str, item_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """(visibility, decided by) of each item's decision in force; items with none left out."""
        ...

    def set_state(self, *, tenant_id: str, decision_id: str, state: str) -> None: ...
    def for_item(self, *, tenant_id: str, item_id: str) -> Sequence[DecisionRecord]: ...
    def for_author(self, *, tenant_id: str, author_id: str) -> Sequence[DecisionRecord]: ...
    def between(
        self, *, tenant_id: str, start: datetime, end: datetime
    ) -> Sequence[DecisionRecord]: ...


class Appeals(Protocol):
    def add(self, *, record: AppealRecord) -> None: ...
    def get(self, *, tenant_id: str, appeal_id: str) -> AppealRecord | None: ...
    def for_decision(self, *, tenant_id: str, decision_id: str) -> Sequence[AppealRecord]: ...
    def decide(
        self,
        *,
        tenant_id: str,
        appeal_id: str,
        status: str,
        decided_by: str,
        reasons: str,
        outcome_decision_id: str | None,
    ) -> None: ...
    def between(
        self, *, tenant_id: str, start: datetime, end: datetime
    ) -> Sequence[AppealRecord]: ...


class Strikes(Protocol):
    def add(
        self, *, tenant_id: str, author_id: str, decision_id: str, expires_at: datetime
    ) -> None: ...
    def lift(self, *, tenant_id: str, decision_id: str) -> None: ...
    def for_author(self, *, tenant_id: str, author_id: str) -> Sequence[StrikeRecord]: ...


class Media(Protocol):
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
        """Record a stored file; images carry the MD5 of the file as sent and the PDQ hash of
        their (first) picture, for the hash banks."""

    def lock(self, *, tenant_id: str, digest: str) -> MediaState | None:
        """The file's record, held to the end of the transaction: a request that records the
        same file waits, so a file is never deleted under an item that has just taken it.
        Call it before deciding to delete, and delete before the transaction ends."""

    def expired(self, *, now: datetime, limit: int) -> Sequence[tuple[str, str]]: ...
    def mark_erased(self, *, tenant_id: str, digest: str) -> None: ...


class Events(Protocol):
    def append(
        self,
        *,
        tenant_id: str | None,
        type: str,
        subject: str,
        digest: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None: ...


class Jobs(Protocol):
    def enqueue(
        self,
        *,
        tenant_id: str | None,
        kind: str,
        payload: dict[str, Any],
        max_attempts: int,
        run_after: datetime | None = None,
    ) -> int: ...


class Webhooks(Protocol):
    def add(
        self, *, tenant_id: str, url: str, secret: str, events: Sequence[str]
    ) -> WebhookRecord: ...
    def list(self, *, tenant_id: str) -> Sequence[WebhookRecord]: ...
    def subscribed(self, *, tenant_id: str, event_type: str) -> Sequence[WebhookRecord]: ...
    def rotate(
        self, *, tenant_id: str, webhook_id: str, secret: str, previous_until: datetime
    ) -> WebhookRecord | None: ...


class Outbox(Protocol):
    def add(
        self, *, tenant_id: str, webhook_id: str, event_type: str, payload: dict[str, Any]
    ) -> str: ...


class Idempotency(Protocol):
    def get(self, *, tenant_id: str, key: str) -> StoredResponse | None: ...
    def put(
        self,
        *,
        tenant_id: str,
        key: str,
        request_digest: str,
        status_code: int,
        response: dict[str, Any],
    ) -> None: ...


class Transaction(Protocol):
    """One unit of work: everything done through it commits together, or nothing does."""

    @property
    def tenants(self) -> Tenants: ...
    @property
    def keys(self) -> Keys: ...
    @property
    def policies(self) -> Policies: ...
    @property
    def lexicon(self) -> Lexicon: ...
    @property
    def link_rules(self) -> LinkRules: ...
    @property
    def fingerprints(self) -> Fingerprints: ...
    @property
    def items(self) -> Items: ...
    @property
    def media(self) -> Media: ...
    @property
    def reports(self) -> Reports: ...
    @property
    def examples(self) -> Examples: ...
    @property
    def text_heads(self) -> TextHeads: ...
    @property
    def decisions(self) -> Decisions: ...
    @property
    def appeals(self) -> Appeals: ...
    @property
    def strikes(self) -> Strikes: ...
    @property
    def events(self) -> Events: ...
    @property
    def jobs(self) -> Jobs: ...
    @property
    def webhooks(self) -> Webhooks: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def idempotency(self) -> Idempotency: ...


class Store(Protocol):
    def write(self) -> AbstractContextManager[Transaction]: ...
    def read(self) -> AbstractContextManager[Transaction]: ...
