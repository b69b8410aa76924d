"""Mail queued wakes the workers: on PostgreSQL an insert into the outbox notifies remiss_outbox

A statement-level trigger: one notification per statement, folded into one per
transaction by PostgreSQL and delivered when it commits (``usecases.wakeup``). SQLite has
no notifications; its workers look at the outbox every fraction of a second.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION remiss_outbox_queued() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_notify('remiss_outbox', ''); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER messages_queued AFTER INSERT ON messages "
        "FOR EACH STATEMENT EXECUTE FUNCTION remiss_outbox_queued()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER messages_queued ON messages")
    op.execute("DROP FUNCTION remiss_outbox_queued()")
