"""A closed month's work-order figures kept when it is closed (``closed_months.workorder_figures_json``), so that
its monthly report never changes: work orders may still be recorded with a time in a closed month (a repair's
paperwork done late), and would otherwise change the closed month's 受理、按时办结率、满意率.

Nothing is backfilled: a month closed before this migration keeps being counted from the work orders.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("closed_months", sa.Column("workorder_figures_json", sa.Text))


def downgrade() -> None:
    op.drop_column("closed_months", "workorder_figures_json")
