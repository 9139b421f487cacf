"""link rules and near-duplicate fingerprints

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "link_rules",
        sa.Column("id", _SERIAL, autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("list", sa.String(length=8), nullable=False),
        sa.Column("pattern", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_link_rules_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_rules")),
        sa.UniqueConstraint(
            "tenant_id", "list", "pattern", name=op.f("uq_link_rules_tenant_id_list_pattern")
        ),
    )
    op.create_index(op.f("ix_link_rules_tenant_id"), "link_rules", ["tenant_id"], unique=False)

    op.create_table(
        "fingerprints",
        sa.Column("id", _SERIAL, autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.String(length=200), nullable=True),
        sa.Column("signature", sa.String(length=512), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_fingerprints_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fingerprints")),
    )
    op.create_index(
        "ix_fingerprints_tenant_id_created_at", "fingerprints", ["tenant_id", "created_at"]
    )
    op.create_index("ix_fingerprints_tenant_id_item_id", "fingerprints", ["tenant_id", "item_id"])

    op.create_table(
        "fingerprint_keys",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("fingerprint_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "key", "fingerprint_id", name=op.f("pk_fingerprint_keys")
        ),
    )
    op.create_index(
        "ix_fingerprint_keys_tenant_id_created_at",
        "fingerprint_keys",
        ["tenant_id", "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_fingerprint_keys_tenant_id_created_at", table_name="fingerprint_keys")
    op.drop_table("fingerprint_keys")
    op.drop_index("ix_fingerprints_tenant_id_item_id", table_name="fingerprints")
    op.drop_index("ix_fingerprints_tenant_id_created_at", table_name="fingerprints")
    op.drop_table("fingerprints")
    op.drop_index(op.f("ix_link_rules_tenant_id"), table_name="link_rules")
    op.drop_table("link_rules")
