"""The SQL side of webhook delivery: which messages are due, and what each attempt gave.

Messages are claimed by pushing their next attempt into the future before sending (a short
lease), so two senders never post the same message at once, and a sender killed mid-delivery
leaves the message due again once the lease passes: at least once, never lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tamis.ids import utcnow
from tamis.store.interfaces import OutboxRecord, WebhookRecord
from tamis.store.sql import models as m
from tamis.store.sql.engine import Engines
from tamis.store.sql.store import _webhook


def _message(row: m.OutboxMessage) -> OutboxRecord:
    return OutboxRecord(
        id=row.id,
        message_id=row.message_id,
        tenant_id=row.tenant_id,
        webhook_id=row.webhook_id,
        event_type=row.event_type,
        payload=row.payload,
        state=row.state,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        last_status=row.last_status,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
    )


class SqlOutboxQueue:
    def __init__(self, engines: Engines) -> None:
        self.engines = engines

    def claim_due(
        self, *, limit: int, lease_seconds: float
    ) -> Sequence[tuple[OutboxRecord, WebhookRecord]]:
        now = utcnow()
        with self.engines.transaction(expire_on_commit=False) as s:
            query = (
                select(m.OutboxMessage, m.Webhook)
                .join(m.Webhook, m.Webhook.id == m.OutboxMessage.webhook_id)
                .where(m.OutboxMessage.state == "pending", m.OutboxMessage.next_attempt_at <= now)
                .order_by(m.OutboxMessage.id)
                .limit(limit)
            )
            if not self.engines.is_sqlite:
                query = query.with_for_update(skip_locked=True, of=m.OutboxMessage)
            rows = s.execute(query).all()
            for message, _ in rows:
                message.next_attempt_at = now + timedelta(seconds=lease_seconds)
            return [(_message(msg), _webhook(hook)) for msg, hook in rows]

    def delivered(self, *, message_id: str, status: int) -> None:
        with self.engines.transaction() as s:
            s.execute(
                update(m.OutboxMessage)
                .where(m.OutboxMessage.message_id == message_id)
                .values(
                    state="delivered",
                    delivered_at=utcnow(),
                    last_status=status,
                    attempts=m.OutboxMessage.attempts + 1,
                    last_error=None,
                )
            )

    def failed(
        self, *, message_id: str, status: int | None, error: str, retry_in: float | None
    ) -> None:
        """Record a failed attempt; `retry_in=None` gives up (the message is dead)."""
        values: dict[str, object] = {
            "attempts": m.OutboxMessage.attempts + 1,
            "last_status": status,
            "last_error": error[:2000],
        }
        if retry_in is None:
            values["state"] = "dead"
        else:
            values["next_attempt_at"] = utcnow() + timedelta(seconds=retry_in)
        with self.engines.transaction() as s:
            s.execute(
                update(m.OutboxMessage)
                .where(m.OutboxMessage.message_id == message_id)
                .values(**values)
            )

    def list(
        self, *, tenant_id: str, state: str | None = None, limit: int = 100
    ) -> Sequence[OutboxRecord]:
        query = (
            select(m.OutboxMessage)
            .where(m.OutboxMessage.tenant_id == tenant_id)
            .order_by(m.OutboxMessage.id.desc())
            .limit(limit)
        )
        if state is not None:
            query = query.where(m.OutboxMessage.state == state)
        with Session(self.engines.read) as s:
            return [_message(r) for r in s.scalars(query)]
