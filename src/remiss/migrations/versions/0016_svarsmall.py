"""The sender's svarsmall (a Word file with fields), kept with its round from the opening

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "svarsmallar",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_svarsmallar_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_svarsmallar")),
    )


def downgrade() -> None:
    op.drop_table("svarsmallar")
