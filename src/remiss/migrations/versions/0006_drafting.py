"""Drafting the joint answer: drafts, the drafter, informed groups, disagreement

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(sa.Column("answers", sa.Boolean(), nullable=True))
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("drafter_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("disagreement_key", sa.String(length=64), nullable=True))
        batch.create_foreign_key(
            op.f("fk_rounds_drafter_id_people"), "people", ["drafter_id"], ["id"]
        )
    op.create_table(
        "yttrande_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("positions", sa.JSON(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("handed_over", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_yttrande_drafts_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_yttrande_drafts")),
        sa.UniqueConstraint("round_id", "number", name=op.f("uq_yttrande_drafts_round_id")),
    )
    op.create_index(
        op.f("ix_yttrande_drafts_round_id"), "yttrande_drafts", ["round_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_yttrande_drafts_round_id"), table_name="yttrande_drafts")
    op.drop_table("yttrande_drafts")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_constraint(op.f("fk_rounds_drafter_id_people"), type_="foreignkey")
        batch.drop_column("disagreement_key")
        batch.drop_column("handed_over_at")
        batch.drop_column("drafter_id")
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("answers")
