"""The yttrande's files kept for what they say, so a download renders each once

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letter_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("fmt", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_letter_files_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_files")),
        sa.UniqueConstraint("round_id", "checksum", "fmt", name=op.f("uq_letter_files_round_id")),
    )
    op.create_index("ix_letter_files_round_id", "letter_files", ["round_id"])


def downgrade() -> None:
    op.drop_index("ix_letter_files_round_id", table_name="letter_files")
    op.drop_table("letter_files")
