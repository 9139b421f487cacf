"""tenants' labelled examples

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 02:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "examples",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("category", sa.String(length=80), nullable=False),
        sa.Column("violating", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=True),
        sa.Column("decision_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_examples_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_examples")),
    )
    op.create_index("ix_examples_tenant_id_category", "examples", ["tenant_id", "category"])
    op.create_index("ix_examples_tenant_id_item_id", "examples", ["tenant_id", "item_id"])


def downgrade() -> None:
    op.drop_index("ix_examples_tenant_id_item_id", table_name="examples")
    op.drop_index("ix_examples_tenant_id_category", table_name="examples")
    op.drop_table("examples")
