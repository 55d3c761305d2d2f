"""A work order whose times were written as a date alone (a logbook kept by hand: 报修时间 ``2026-11-03``) is
marked ``work_orders.date_only``: its limits in hours are not judged (未记时刻), its limits of whole days are
judged by the date, instead of every such order being counted from 00:00 and found late.

Orders already in the ledger keep being judged by the clock (false).

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("work_orders", sa.Column("date_only", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("work_orders", "date_only")
