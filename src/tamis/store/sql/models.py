"""The relational schema, one table per concern, every row keyed by its tenant.

State tables are the truth. `events` is the audit trail written in the same transaction as
each state change and later sealed into a hash chain; `outbox` holds webhooks written in the
same transaction as the change they announce; `jobs` is the durable queue with leases.
Events hold digests of content, never content, so erasing an item keeps the chain intact.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (which forgets the zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Id = String(32)
Digest = String(64)
# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
Serial = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


def _tenant_fk() -> Mapped[str]:
    return mapped_column(Id, ForeignKey("tenants.id"), index=True)


class Tenant(Base):
    __tablename__ = "tenants"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    tenant_id: Mapped[str] = _tenant_fk()
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(32))
    key_hash: Mapped[str] = mapped_column(Digest, unique=True)
    scopes: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class PolicyVersion(Base):
    __tablename__ = "policies"
    tenant_id: Mapped[str] = mapped_column(Id, ForeignKey("tenants.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(Digest)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LexiconTerm(Base):
    __tablename__ = "lexicon_terms"
    __table_args__ = (UniqueConstraint("tenant_id", "list", "term"),)
    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = _tenant_fk()
    list: Mapped[str] = mapped_column(String(8))
    """`block` or `allow`."""
    term: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LexiconShare(Base):
    """A tenant's block list shared read-only with another tenant (e.g. one operator's sites)."""

    __tablename__ = "lexicon_shares"
    owner_id: Mapped[str] = mapped_column(Id, ForeignKey("tenants.id"), primary_key=True)
    subscriber_id: Mapped[str] = mapped_column(Id, ForeignKey("tenants.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LinkRule(Base):
    __tablename__ = "link_rules"
    __table_args__ = (UniqueConstraint("tenant_id", "list", "pattern"),)
    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = _tenant_fk()
    list: Mapped[str] = mapped_column(String(8))
    """`block` or `allow`."""
    pattern: Mapped[str] = mapped_column(String(500))
    """The normal form (see `analyzers.text.links.parse_rule`)."""
    category: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Fingerprint(Base):
    """A recent item's MinHash signature, deleted once older than the flood window."""

    __tablename__ = "fingerprints"
    __table_args__ = (
        Index("ix_fingerprints_tenant_id_created_at", "tenant_id", "created_at"),
        Index("ix_fingerprints_tenant_id_item_id", "tenant_id", "item_id"),
    )
    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(Id, ForeignKey("tenants.id"))
    item_id: Mapped[str] = mapped_column(Id)
    author_id: Mapped[str | None] = mapped_column(String(200))
    signature: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FingerprintKey(Base):
    """One LSH band key of a fingerprint: the indexed look-up that keeps a flood check cheap."""

    __tablename__ = "fingerprint_keys"
    __table_args__ = (Index("ix_fingerprint_keys_tenant_id_created_at", "tenant_id", "created_at"),)
    tenant_id: Mapped[str] = mapped_column(Id, primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    fingerprint_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("tenant_id", "external_id"),
        Index("ix_items_tenant_id_author_id", "tenant_id", "author_id"),
    )
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    tenant_id: Mapped[str] = _tenant_fk()
    external_id: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[str | None] = mapped_column(String(200))
    author_locale: Mapped[str | None] = mapped_column(String(35))
    content_date: Mapped[datetime | None] = mapped_column(UtcDateTime())
    context_url: Mapped[str | None] = mapped_column(String(2048))
    parts: Mapped[list[Any]] = mapped_column(JSON)
    content_digest: Mapped[str] = mapped_column(Digest)
    status: Mapped[str] = mapped_column(String(16))
    """`pending` (queued for a worker), `moderated` or `failed` (dead-lettered)."""
    verdict: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    action: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    moderated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ItemMedia(Base):
    """A stored file an item shows, until the item is erased. The same photo posted twice is
    stored once, and erasing one item deletes the file only if no other item still holds it."""

    __tablename__ = "item_media"
    __table_args__ = (Index("ix_item_media_item_id", "item_id"),)
    tenant_id: Mapped[str] = mapped_column(Id, ForeignKey("tenants.id"), primary_key=True)
    digest: Mapped[str] = mapped_column(Digest, primary_key=True)
    item_id: Mapped[str] = mapped_column(Id, ForeignKey("items.id"), primary_key=True)


class Report(Base):
    """A notice (DSA Article 16): someone tells the platform an item breaks a rule or the law."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("tenant_id", "item_id", "reporter_id"),
        Index("ix_reports_tenant_id_created_at", "tenant_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    tenant_id: Mapped[str] = _tenant_fk()
    item_id: Mapped[str] = mapped_column(Id, ForeignKey("items.id"), index=True)
    reporter_id: Mapped[str | None] = mapped_column(String(200))
    """The platform's opaque account id of the reporter; None when anonymous."""
    reporter_kind: Mapped[str] = mapped_column(String(16))
    """`user`, `anonymous` or `trusted_flagger`."""
    category: Mapped[str] = mapped_column(String(80))
    """A taxonomy category, or `other` (then `other_reason` says what)."""
    other_reason: Mapped[str | None] = mapped_column(String(500))
    explanation: Mapped[str | None] = mapped_column(Text)
    illegal: Mapped[bool] = mapped_column(Boolean)
    law: Mapped[str | None] = mapped_column(String(500))
    good_faith: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decision_id: Mapped[str | None] = mapped_column(Id)
    """The decision that settled this report, once there is one."""
    outcome_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Example(Base):
    """A tenant's labelled text: what its moderators teach the tenant's own text heads."""

    __tablename__ = "examples"
    __table_args__ = (
        Index("ix_examples_tenant_id_category", "tenant_id", "category"),
        Index("ix_examples_tenant_id_item_id", "tenant_id", "item_id"),
    )
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(Id, ForeignKey("tenants.id"))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    category: Mapped[str] = mapped_column(String(80))
    violating: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(16))
    """`api` (labelled by hand) or `decision` (a moderator's decision on an item)."""
    item_id: Mapped[str | None] = mapped_column(Id)
    decision_id: Mapped[str | None] = mapped_column(Id)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TextHeads(Base):
    """A tenant's own text heads, trained from its examples (`tamis train text --tenant`)."""

    __tablename__ = "text_heads"
    tenant_id: Mapped[str] = mapped_column(Id, ForeignKey("tenants.id"), primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    categories: Mapped[list[str]] = mapped_column(JSON)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    """What training measured: examples per category and cross-validated figures."""
    weights: Mapped[bytes] = mapped_column(LargeBinary)
    trained_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Decision(Base):
    """A decision on an item or an account, with its statement of reasons (DSA Article 17)."""

    __tablename__ = "decisions"
    __table_args__ = (
        Index("ix_decisions_tenant_id_item_id", "tenant_id", "item_id"),
        Index("ix_decisions_tenant_id_author_id", "tenant_id", "author_id"),
        Index("ix_decisions_tenant_id_created_at", "tenant_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    tenant_id: Mapped[str] = _tenant_fk()
    item_id: Mapped[str | None] = mapped_column(Id, ForeignKey("items.id"))
    author_id: Mapped[str | None] = mapped_column(String(200))
    visibility: Mapped[str] = mapped_column(String(32))
    account: Mapped[str | None] = mapped_column(String(16))
    decided_by: Mapped[str] = mapped_column(String(200))
    """A moderator's id, or `tamis:policy` / `tamis:reports` for automated decisions."""
    automated: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    statement: Mapped[dict[str, Any]] = mapped_column(JSON)
    notice: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The notice sent to the author: its locale and text."""
    state: Mapped[str] = mapped_column(String(16))
    """`in_force`, `superseded` (by a later decision) or `reversed` (on appeal)."""
    supersedes: Mapped[str | None] = mapped_column(Id)
    appeal_id: Mapped[str | None] = mapped_column(Id)
    """The appeal whose outcome this decision is, if any."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Appeal(Base):
    """An internal complaint (DSA Article 20) against a decision, decided by a person."""

    __tablename__ = "appeals"
    __table_args__ = (Index("ix_appeals_tenant_id_created_at", "tenant_id", "created_at"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    tenant_id: Mapped[str] = _tenant_fk()
    decision_id: Mapped[str] = mapped_column(Id, ForeignKey("decisions.id"), index=True)
    appellant_kind: Mapped[str] = mapped_column(String(16))
    """`author` (against a restriction) or `reporter` (against a decision not to act)."""
    appellant_id: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    """`open`, `upheld` or `reversed`."""
    decided_by: Mapped[str | None] = mapped_column(String(200))
    outcome_reasons: Mapped[str | None] = mapped_column(Text)
    outcome_decision_id: Mapped[str | None] = mapped_column(Id)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Strike(Base):
    """A mark against an author's account for a restrictive decision, until it expires."""

    __tablename__ = "strikes"
    __table_args__ = (Index("ix_strikes_tenant_id_author_id", "tenant_id", "author_id"),)
    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = _tenant_fk()
    author_id: Mapped[str] = mapped_column(String(200))
    decision_id: Mapped[str] = mapped_column(Id, ForeignKey("decisions.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    lifted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    """Set when the decision behind the strike is reversed."""


class Media(Base):
    __tablename__ = "media"
    tenant_id: Mapped[str] = mapped_column(Id, ForeignKey("tenants.id"), primary_key=True)
    digest: Mapped[str] = mapped_column(Digest, primary_key=True)
    media_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    retain_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    md5: Mapped[str | None] = mapped_column(String(32), index=True)
    """Of the file as sent, for MD5 hash banks."""
    pdq: Mapped[str | None] = mapped_column(String(64))
    pdq_quality: Mapped[int | None] = mapped_column(Integer)


class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str | None] = mapped_column(Id, index=True)
    type: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200))
    digest: Mapped[str | None] = mapped_column(Digest)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(Digest)
    hash: Mapped[str | None] = mapped_column(Digest)


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_run_after", "state", "run_after"),)
    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str | None] = mapped_column(Id, index=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16))
    """`queued`, `running`, `done` or `dead`."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    run_after: Mapped[datetime] = mapped_column(UtcDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    worker: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Webhook(Base):
    __tablename__ = "webhooks"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    tenant_id: Mapped[str] = _tenant_fk()
    url: Mapped[str] = mapped_column(String(2048))
    secret: Mapped[str] = mapped_column(String(200))
    previous_secret: Mapped[str | None] = mapped_column(String(200))
    """Still signed with during a rotation, so receivers can switch without losing a message."""
    previous_secret_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    events: Mapped[list[Any]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(String(40), unique=True)
    """The stable `webhook-id`, the same on every retry."""
    tenant_id: Mapped[str] = _tenant_fk()
    webhook_id: Mapped[str] = mapped_column(Id, ForeignKey("webhooks.id"))
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16))
    """`pending`, `delivered` or `dead`."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    last_status: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class IdempotentRequest(Base):
    __tablename__ = "idempotency"
    tenant_id: Mapped[str] = mapped_column(Id, ForeignKey("tenants.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_digest: Mapped[str] = mapped_column(Digest)
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class Counter(Base):
    __tablename__ = "counters"
    tenant_id: Mapped[str] = mapped_column(Id, ForeignKey("tenants.id"), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
