"""Anchoring: the draft's approvers per round, their answers and their personal links

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("draft_number", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reply_by", sa.Date(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_draft", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(20), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_approvals_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approvals")),
        sa.UniqueConstraint("round_id", "email", name=op.f("uq_approvals_round_id")),
    )
    op.create_index("ix_approvals_round_id", "approvals", ["round_id"])
    op.create_table(
        "approval_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("approval_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["approval_id"],
            ["approvals.id"],
            name=op.f("fk_approval_tokens_approval_id_approvals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_approval_tokens_token_hash")),
    )
    op.create_index("ix_approval_tokens_approval_id", "approval_tokens", ["approval_id"])


def downgrade() -> None:
    op.drop_index("ix_approval_tokens_approval_id", table_name="approval_tokens")
    op.drop_table("approval_tokens")
    op.drop_index("ix_approvals_round_id", table_name="approvals")
    op.drop_table("approvals")
