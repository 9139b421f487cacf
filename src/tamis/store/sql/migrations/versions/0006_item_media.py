"""which items hold which stored file, so that erasure finds them by index

Erasing an item deletes a photo only when no other item still shows it. That question was a
scan of every item's parts as text; this table answers it from an index, and is filled here
from the items already stored.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 01:00:00.000000
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ITEMS = sa.table(
    "items",
    sa.column("id", sa.String),
    sa.column("tenant_id", sa.String),
    sa.column("parts", sa.JSON),
    sa.column("erased_at", sa.DateTime),
)


def _held(item: Any) -> Iterator[dict[str, str]]:
    digests = set()
    for part in item.parts or ():
        if part.get("kind") in ("image", "video"):
            digests.add(part["digest"])
            original = part.get("original") or {}
            if original.get("kept"):
                digests.add(original["digest"])
    for digest in sorted(digests):
        yield {"tenant_id": item.tenant_id, "digest": digest, "item_id": item.id}


def upgrade() -> None:
    held = op.create_table(
        "item_media",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_item_media_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_item_media_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "digest", "item_id", name=op.f("pk_item_media")),
    )
    op.create_index("ix_item_media_item_id", "item_media", ["item_id"])
    found = op.get_bind().execute(
        sa.select(_ITEMS.c.id, _ITEMS.c.tenant_id, _ITEMS.c.parts).where(
            _ITEMS.c.erased_at.is_(None)
        )
    )
    while batch := found.fetchmany(1000):
        rows = [row for item in batch for row in _held(item)]
        if rows:
            op.bulk_insert(held, rows)


def downgrade() -> None:
    op.drop_index("ix_item_media_item_id", table_name="item_media")
    op.drop_table("item_media")
