"""Webhook endpoints a tenant registers to hear about verdicts, reports, decisions and appeals."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import timedelta

import httpx

from tamis.errors import InvalidInput, NotFound
from tamis.ids import utcnow
from tamis.store.interfaces import Transaction, WebhookRecord

EVENTS = (
    "item.moderated",
    "item.failed",
    "item.hidden",
    "report.received",
    "report.outcome",
    "decision.made",
    "decision.reversed",
    "appeal.received",
    "appeal.decided",
)
"""What a webhook can hear; `*` subscribes to all of them."""


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def check_url(url: str) -> None:
    """Refuse an endpoint no request could be sent to, before it is stored. Addresses on a
    private network are allowed: a self-hosted platform often hears from tamis on one."""
    if any(c.isspace() or not c.isprintable() or c == "\\" for c in url):
        raise InvalidInput("the webhook url holds spaces, control characters or backslashes")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as exc:
        raise InvalidInput(f"the webhook url cannot be read: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InvalidInput("the webhook url needs http:// or https:// and a host")
    if parsed.port is not None and not 1 <= parsed.port <= 65535:
        raise InvalidInput(f"the webhook url's port {parsed.port} is not between 1 and 65535")
    if parsed.userinfo:
        raise InvalidInput(
            "the webhook url carries a user name or password; tamis signs every message, "
            "so verify the signature instead"
        )


def check_events(events: Sequence[str]) -> None:
    """Refuse a subscription that would never hear anything, such as a misspelt event."""
    if not events:
        raise InvalidInput("a webhook needs at least one event; '*' subscribes to all")
    unknown = sorted({e for e in events if e != "*" and e not in EVENTS})
    if unknown:
        raise InvalidInput(
            f"no such webhook event: {', '.join(map(repr, unknown))}; "
            f"the events are {', '.join(EVENTS)}, or '*' for all"
        )


def create(tx: Transaction, *, tenant_id: str, url: str, events: Sequence[str]) -> WebhookRecord:
    check_url(url)
    check_events(events)
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
