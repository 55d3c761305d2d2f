"""Closing balances (issue 14, speed): what each fee bill still lacked at a closed month's end,
stored when the month is closed, so that the monthly report reads the history only from the last
closed month on.

Nothing is backfilled: a ledger whose months were closed before this migration has no balances
until its next ``fees close`` (which stores them when every earlier month is closed); until then
the report reads the whole history, as before.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("closed_months", sa.Column("balances_since", sa.String(7)))
    op.create_table(
        "closing_balances",
        sa.Column("closed_month", sa.String(7), sa.ForeignKey("closed_months.month"), primary_key=True),
        sa.Column("unit_id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, primary_key=True),
        sa.Column("bill_month", sa.String(7), primary_key=True),
        sa.Column("bill_id", sa.Integer, sa.ForeignKey("bills.id"), nullable=False),
        sa.Column("owed_fen", sa.BigInteger, nullable=False),
        # On SQLite the rows live in their key's order: one month's balances are one range, stored once.
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("closing_balances")
    op.drop_column("closed_months", "balances_since")
