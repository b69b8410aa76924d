"""Replies by email and bounces: reply keys, envelope keys, bounce state, inbound mail

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invitation_tokens") as batch:
        batch.add_column(sa.Column("reply_hash", sa.String(64), nullable=True))
        batch.create_unique_constraint(op.f("uq_invitation_tokens_reply_hash"), ["reply_hash"])
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("bounced_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("bounce_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("return_key", sa.String(40), nullable=True))
        batch.add_column(sa.Column("bounced_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("bounce_reason", sa.Text(), nullable=True))
        batch.create_unique_constraint(op.f("uq_messages_return_key"), ["return_key"])
    op.create_table(
        "inbound_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("via", sa.String(10), nullable=False),
        sa.Column("sender", sa.String(320), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_inbound_mail_invitation_id_invitations"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_inbound_mail_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_mail")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_inbound_mail_fingerprint")),
    )
    op.create_index("ix_inbound_mail_received_at", "inbound_mail", ["received_at"])
    op.create_index("ix_inbound_mail_invitation_id", "inbound_mail", ["invitation_id"])


def downgrade() -> None:
    op.drop_index("ix_inbound_mail_invitation_id", table_name="inbound_mail")
    op.drop_index("ix_inbound_mail_received_at", table_name="inbound_mail")
    op.drop_table("inbound_mail")
    with op.batch_alter_table("messages") as batch:
        batch.drop_constraint(op.f("uq_messages_return_key"), type_="unique")
        batch.drop_column("bounce_reason")
        batch.drop_column("bounced_at")
        batch.drop_column("return_key")
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("bounce_reason")
        batch.drop_column("bounced_at")
        batch.drop_column("replied_at")
    with op.batch_alter_table("invitation_tokens") as batch:
        batch.drop_constraint(op.f("uq_invitation_tokens_reply_hash"), type_="unique")
        batch.drop_column("reply_hash")
