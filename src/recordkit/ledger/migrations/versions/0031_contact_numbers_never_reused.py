"""A contact's number (联系人编号, ``unit_contacts.id``) is never given again: SQLite's plain INTEGER PRIMARY KEY gave the
highest number, once its contact was removed, to the next contact added, so a number a refusal, a ``contact edit``
hint or a clerk's note gave named someone else.  SQLite's table is rebuilt with AUTOINCREMENT, every row and number
kept (``ledger.db.Ledger.upgrade`` runs migrations with foreign keys off); PostgreSQL's sequence never gave a number
twice: nothing to do there.

Revision ID: 0031
Revises: 0030
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def _unit_contacts(autoincrement: bool) -> sa.Table:
    """The unit_contacts table as SQLite rebuilds it, its numbers never reused (AUTOINCREMENT) or as before."""
    return sa.Table(
        "unit_contacts",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("relation", sa.String(16), nullable=False),
        sa.Column("phone", sa.String(32)),
        sa.Column("start_date", sa.Date),
        sa.Column("end_date", sa.Date),
        sa.Column("added_at", sa.String(40), nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("id_number", sa.String(20)),
        sa.Column("id_type", sa.String(24), nullable=False, server_default="resident_id"),
        sqlite_autoincrement=autoincrement,
    )


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        # The rebuilt table has no index of its own: its index of unit_id is made again.
        with op.batch_alter_table("unit_contacts", copy_from=_unit_contacts(autoincrement), recreate="always") as batch:
            batch.create_index("ix_unit_contacts_unit_id", ["unit_id"])


def upgrade() -> None:
    _rebuild(autoincrement=True)


def downgrade() -> None:
    _rebuild(autoincrement=False)
