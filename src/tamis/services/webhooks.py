"""Webhook endpoints a tenant registers to hear about verdicts (and, later, decisions)."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence

from tamis.store.interfaces import Transaction, WebhookRecord


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def create(tx: Transaction, *, tenant_id: str, url: str, events: Sequence[str]) -> WebhookRecord:
    hook = tx.webhooks.add(tenant_id=tenant_id, url=url, secret=new_secret(), events=events)
    tx.events.append(tenant_id=tenant_id, type="webhook.created", subject=hook.id)
    return hook
