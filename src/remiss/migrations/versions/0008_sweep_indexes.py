"""Indexes for what the sweep selects: rounds to remind or compile again, unanswered invitations

Each found by its own index range rather than among every round of a status or every
unanswered invitation in the store: the open rounds on the deadlines a reminder can be
due for and their unanswered invitations (the due set), the closed rounds to compile
again. They replace ix_rounds_status, a prefix of both, and ix_invitations_submitted_at,
whose ``submitted_at IS NULL`` matched every unanswered invitation in the store.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ROUNDS = [
    ("ix_rounds_status_internal_deadline", ["status", "internal_deadline"]),
    ("ix_rounds_status_compile_pending", ["status", "compile_pending"]),
]


def upgrade() -> None:
    for name, columns in ROUNDS:
        op.create_index(name, "rounds", columns)
    op.drop_index("ix_rounds_status", table_name="rounds")
    op.create_index(
        "ix_invitations_round_id_submitted_at", "invitations", ["round_id", "submitted_at"]
    )
    op.drop_index("ix_invitations_submitted_at", table_name="invitations")


def downgrade() -> None:
    op.create_index("ix_invitations_submitted_at", "invitations", ["submitted_at"])
    op.drop_index("ix_invitations_round_id_submitted_at", table_name="invitations")
    op.create_index("ix_rounds_status", "rounds", ["status"])
    for name, _columns in reversed(ROUNDS):
        op.drop_index(name, table_name="rounds")
