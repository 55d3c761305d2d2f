"""A step of a work order (派工, 完成, 回访) recorded with a date alone on an order timed to the minute (``workorder
close --at 2026-11-04``, a logbook's 回访时间 ``2026-11-05``) remembers it: ``assigned_day_only``, ``closed_day_only``,
``visited_day_only``.  It is shown as the day, not as a 00:00 nobody wrote, and judged by the date.

An order passed on to another worker (改派) remembers its last hand-over, ``handed_at`` (with ``handed_day_only``):
a completion or a further reassignment before it is refused.  NULL (false) for an order never passed on.

Steps already in the ledger keep being shown and judged as before (false); orders already passed on keep no
hand-over (NULL: their completion is checked against the first dispatch, as before).

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

STEP_COLUMNS = ("assigned_day_only", "closed_day_only", "visited_day_only")


def upgrade() -> None:
    for name in STEP_COLUMNS:
        op.add_column("work_orders", sa.Column(name, sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("work_orders", sa.Column("handed_at", sa.DateTime, nullable=True))
    op.add_column("work_orders", sa.Column("handed_day_only", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("work_orders", "handed_day_only")
    op.drop_column("work_orders", "handed_at")
    for name in reversed(STEP_COLUMNS):
        op.drop_column("work_orders", name)
