"""Files attached to answers (Word, PDF, ODT), with a Word file's tracked changes read

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_answer_attachments_invitation_id_invitations"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["answer_versions.id"],
            name=op.f("fk_answer_attachments_version_id_answer_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_attachments")),
    )
    op.create_index("ix_answer_attachments_invitation_id", "answer_attachments", ["invitation_id"])
    op.create_index("ix_answer_attachments_version_id", "answer_attachments", ["version_id"])


def downgrade() -> None:
    op.drop_index("ix_answer_attachments_version_id", table_name="answer_attachments")
    op.drop_index("ix_answer_attachments_invitation_id", table_name="answer_attachments")
    op.drop_table("answer_attachments")
