"""The drafting page's autosave: one working copy per round, beside its draft versions

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft_autosaves",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("based_on", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(320), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("positions", sa.JSON(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_draft_autosaves_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_draft_autosaves")),
    )


def downgrade() -> None:
    op.drop_table("draft_autosaves")
