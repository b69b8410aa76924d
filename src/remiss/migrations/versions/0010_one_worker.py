"""One worker for what comes after a commit: disagreements due, files pending, workers' beats

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(
            sa.Column("disagreement_due_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.create_index("ix_rounds_disagreement_due_at", ["disagreement_due_at"])
    with op.batch_alter_table("yttrande_versions") as batch:
        batch.add_column(
            sa.Column("files_pending", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_index("ix_yttrande_versions_files_pending", ["files_pending"])
    versions = sa.table(
        "yttrande_versions",
        sa.column("files_pending", sa.Boolean()),
        sa.column("pdf", sa.LargeBinary()),
        sa.column("docx", sa.LargeBinary()),
        sa.column("html", sa.Text()),
    )
    # What was compiled before and never rendered in every format: the worker renders it.
    op.execute(
        versions.update()
        .where(
            versions.c.pdf.is_(None)
            | (sa.func.length(versions.c.docx) == 0)
            | (sa.func.length(versions.c.html) == 0)
        )
        .values(files_pending=True)
    )
    op.create_table(
        "worker_beats",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_beats")),
    )
    op.create_index("ix_worker_beats_seen_at", "worker_beats", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_worker_beats_seen_at", table_name="worker_beats")
    op.drop_table("worker_beats")
    with op.batch_alter_table("yttrande_versions") as batch:
        batch.drop_index("ix_yttrande_versions_files_pending")
        batch.drop_column("files_pending")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_index("ix_rounds_disagreement_due_at")
        batch.drop_column("disagreement_due_at")
