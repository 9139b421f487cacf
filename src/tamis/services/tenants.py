"""Tenants: each platform (or each site of one operator) with its own policy, keys and data."""

from __future__ import annotations

import re

from tamis.core import policy as policies
from tamis.errors import InvalidInput
from tamis.services import keys
from tamis.store.interfaces import TenantRecord, Transaction

_SLUG = re.compile(r"^[a-z0-9][a-z0-9\-]{0,62}$")


def create(tx: Transaction, *, slug: str, name: str | None = None) -> tuple[TenantRecord, str]:
    """A tenant with the default policy and an admin key; returns the key's secret once."""
    if not _SLUG.match(slug):
        raise InvalidInput(
            f"tenant slug {slug!r} must be lower-case letters, digits and dashes (1-63)"
        )
    tenant = tx.tenants.create(slug=slug, name=name or slug)
    tx.events.append(tenant_id=tenant.id, type="tenant.created", subject=tenant.id)
    default = policies.default()
    record = tx.policies.add(
        tenant_id=tenant.id,
        name=default.document.name,
        source=default.source,
        digest=default.digest,
    )
    tx.events.append(
        tenant_id=tenant.id,
        type="policy.changed",
        subject=f"policy:{record.version}",
        digest=record.digest,
    )
    _, secret = keys.create(tx, tenant_id=tenant.id, name="admin", scopes=["admin"])
    return tenant, secret
