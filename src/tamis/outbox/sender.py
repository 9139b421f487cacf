"""Delivers outbox messages as Standard Webhooks: signed, retried with backoff, at least once.

Every attempt of a message carries the same `webhook-id`, so a receiver de-duplicates on it.
During a secret rotation the message is signed with both secrets (two space-separated
signatures), so receivers can switch secrets without dropping a delivery. Payloads are the
platform's own data; nothing here is logged but ids and status codes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import httpx
from standardwebhooks.webhooks import Webhook as Signer

from tamis.ids import utcnow
from tamis.store.interfaces import OutboxRecord, WebhookRecord
from tamis.store.sql.queue import backoff

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
TIMEOUT_SECONDS = 10.0


class DeliveryQueue(Protocol):
    def claim_due(
        self, *, limit: int, lease_seconds: float
    ) -> Sequence[tuple[OutboxRecord, WebhookRecord]]: ...
    def delivered(self, *, message_id: str, status: int) -> None: ...
    def failed(
        self, *, message_id: str, status: int | None, error: str, retry_in: float | None
    ) -> None: ...


def body(message: OutboxRecord) -> str:
    return json.dumps(
        {
            "type": message.event_type,
            "timestamp": message.created_at.isoformat(),
            "data": message.payload,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


def headers(message: OutboxRecord, webhook: WebhookRecord, *, at: datetime) -> dict[str, str]:
    payload = body(message)
    signatures = [Signer(webhook.secret).sign(message.message_id, at, payload)]
    if webhook.previous_secret and (
        webhook.previous_secret_until is None or webhook.previous_secret_until > at
    ):
        signatures.append(Signer(webhook.previous_secret).sign(message.message_id, at, payload))
    return {
        "content-type": "application/json",
        "webhook-id": message.message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
        "user-agent": "tamis-webhooks",
    }


def deliver_due(queue: DeliveryQueue, client: httpx.Client, *, limit: int = 50) -> int:
    """Send what is due once; returns how many were delivered."""
    done = 0
    for message, webhook in queue.claim_due(limit=limit, lease_seconds=TIMEOUT_SECONDS * 3):
        status: int | None = None
        try:
            response = client.post(
                webhook.url,
                content=body(message).encode(),
                headers=headers(message, webhook, at=utcnow()),
                timeout=TIMEOUT_SECONDS,
            )
            status = response.status_code
            if 200 <= status < 300:
                queue.delivered(message_id=message.message_id, status=status)
                done += 1
                continue
            error = f"HTTP {status}"
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            # A url no request can go to fails like an endpoint that is down, so one tenant's
            # bad endpoint never holds up the messages behind it.
            error = f"{type(exc).__name__}: {exc}"
        attempt = message.attempts + 1
        retry_in = backoff(attempt, base=2.0, cap=3600.0) if attempt < MAX_ATTEMPTS else None
        queue.failed(message_id=message.message_id, status=status, error=error, retry_in=retry_in)
        log.warning(
            "webhook %s to endpoint %s failed (attempt %d): %s",
            message.message_id,
            webhook.id,
            attempt,
            error,
        )
    return done
