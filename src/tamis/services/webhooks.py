"""Webhook endpoints a tenant registers to hear about verdicts (and, later, decisions)."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import timedelta

from tamis.errors import NotFound
from tamis.ids import utcnow
from tamis.store.interfaces import Transaction, WebhookRecord


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def create(tx: Transaction, *, tenant_id: str, url: str, events: Sequence[str]) -> WebhookRecord:
    hook = tx.webhooks.add(tenant_id=tenant_id, url=url, secret=new_secret(), events=events)
    tx.events.append(tenant_id=tenant_id, type="webhook.created", subject=hook.id)
    return hook


def rotate(
    tx: Transaction, *, tenant_id: str, webhook_id: str, overlap_hours: float
) -> WebhookRecord:
    """Swap in a new secret; messages carry both signatures until the overlap ends."""
    hook = tx.webhooks.rotate(
        tenant_id=tenant_id,
        webhook_id=webhook_id,
        secret=new_secret(),
        previous_until=utcnow() + timedelta(hours=overlap_hours),
    )
    if hook is None:
        raise NotFound(f"no webhook {webhook_id!r} in this tenant")
    tx.events.append(tenant_id=tenant_id, type="webhook.rotated", subject=webhook_id)
    return hook
