"""What became of each received comment: Med, Omformulerad or Ej med, and why not

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dispositions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("answer_version_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(100), nullable=False),
        sa.Column("choice", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(320), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_dispositions_round_id_rounds")
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_dispositions_invitation_id_invitations"),
        ),
        sa.ForeignKeyConstraint(
            ["answer_version_id"],
            ["answer_versions.id"],
            name=op.f("fk_dispositions_answer_version_id_answer_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispositions")),
        sa.UniqueConstraint(
            "answer_version_id", "question_key", name=op.f("uq_dispositions_answer_version_id")
        ),
    )
    op.create_index("ix_dispositions_round_id", "dispositions", ["round_id"])


def downgrade() -> None:
    op.drop_index("ix_dispositions_round_id", table_name="dispositions")
    op.drop_table("dispositions")
