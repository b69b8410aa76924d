"""The letter that goes out: the decided draft version, signatories, the sent files

A decision approves one draft version (``decided_draft``); a draft saved after it voids
it (``decision_voided_at``). The signatories are recorded with the decision. A round
nobody answered may be drafted by the coordinator (``drafting_without_answers``). A
position question names its object (``questions.subject``). People may have a phone,
regions a registrar. What was sent is kept byte for byte in ``sent_yttranden``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ROUND_COLUMNS: list[tuple[str, sa.types.TypeEngine[Any]]] = [
    ("decided_draft", sa.Integer()),
    ("decision_voided_at", sa.DateTime(timezone=True)),
    ("signatories", sa.JSON()),
]


def upgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        for name, type_ in ROUND_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
        batch.add_column(
            sa.Column(
                "drafting_without_answers",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("subject", sa.String(length=200), nullable=True))
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("phone", sa.String(length=60), nullable=True))
    with op.batch_alter_table("regions") as batch:
        batch.add_column(sa.Column("registrar", sa.String(length=320), nullable=True))
    op.create_table(
        "sent_yttranden",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("draft_number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pdf_name", sa.String(length=300), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("docx_name", sa.String(length=300), nullable=False),
        sa.Column("docx", sa.LargeBinary(), nullable=False),
        sa.Column("docx_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_sent_yttranden_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_yttranden")),
        sa.UniqueConstraint("round_id", name=op.f("uq_sent_yttranden_round_id")),
    )


def downgrade() -> None:
    op.drop_table("sent_yttranden")
    with op.batch_alter_table("regions") as batch:
        batch.drop_column("registrar")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("phone")
    with op.batch_alter_table("questions") as batch:
        batch.drop_column("subject")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("drafting_without_answers")
        for name, _type in reversed(ROUND_COLUMNS):
            batch.drop_column(name)
