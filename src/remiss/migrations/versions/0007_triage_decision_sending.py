"""Triage, the decision and sending; kinds of remiss in the organisation

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS: list[tuple[str, sa.types.TypeEngine[Any]]] = [
    ("triage_decision", sa.String(length=20)),
    ("triage_reason", sa.Text()),
    ("decided_by", sa.String(length=300)),
    ("decided_on", sa.Date()),
    ("decision_paragraph", sa.String(length=100)),
    ("not_taking_part", sa.Text()),
    ("decided_at", sa.DateTime(timezone=True)),
    ("recipient", sa.String(length=320)),
    ("sent_at", sa.DateTime(timezone=True)),
    ("sent_to", sa.String(length=320)),
]


def upgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("kinds", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("kinds")
    with op.batch_alter_table("rounds") as batch:
        for name, _type in reversed(COLUMNS):
            batch.drop_column(name)
