"""Why a file could not be rendered: kept with the sammanställning's version and the letter's file

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("yttrande_versions") as batch:
        batch.add_column(sa.Column("render_error", sa.Text(), nullable=True))
    with op.batch_alter_table("letter_files") as batch:
        batch.add_column(sa.Column("error", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("letter_files") as batch:
        batch.drop_column("error")
    with op.batch_alter_table("yttrande_versions") as batch:
        batch.drop_column("render_error")
