"""Closing figures (issue 14, speed): the monthly report's fee figures of a closed month, kept when
the month is closed with its closing balances, so that the report reads a closed month's sums, its
arrears and its point of the 12-month trend back instead of computing them again.

Nothing is backfilled: a month closed before this migration is computed by the report as before.
Also an index on ``receipts.voided_on`` and one on ``journal(action, at, entity_key)``: the report's
receipts voided in its month and receipts reprinted in it were found by reading every receipt and
the whole journal.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "closing_figures",
        sa.Column("closed_month", sa.String(7), sa.ForeignKey("closed_months.month"), primary_key=True),
        sa.Column("billed_fen", sa.BigInteger, nullable=False),
        sa.Column("collected_fen", sa.BigInteger, nullable=False),
        sa.Column("figures_json", sa.Text, nullable=False),
    )
    op.create_index("ix_receipts_voided_on", "receipts", ["voided_on"])
    op.create_index("ix_journal_action_at", "journal", ["action", "at", "entity_key"])


def downgrade() -> None:
    op.drop_index("ix_journal_action_at", "journal")
    op.drop_index("ix_receipts_voided_on", "receipts")
    op.drop_table("closing_figures")
