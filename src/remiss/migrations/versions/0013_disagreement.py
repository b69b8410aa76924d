"""Disagreement that matters, once: what the last report said and when, how it was handled,
and an answer's mark of consequences at system level

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("disagreement_mailed", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("disagreement_mailed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("disagreement_handled", sa.Text(), nullable=True))
    with op.batch_alter_table("answer_versions") as batch:
        batch.add_column(
            sa.Column("system_level", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("answer_versions") as batch:
        batch.drop_column("system_level")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("disagreement_handled")
        batch.drop_column("disagreement_mailed_on")
        batch.drop_column("disagreement_mailed")
