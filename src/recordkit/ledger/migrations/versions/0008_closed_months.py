"""Closed months (结账) and red reversals (红冲): a closed month's money never changes, and a receipt of
one is reversed by a new receipt dated in an open month that names it.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "closed_months",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("closed_at", sa.String(40), nullable=False),
        sa.Column("closed_by", sa.String(64), nullable=False),
    )
    op.add_column("receipts", sa.Column("reversal_of", sa.Integer))
    op.create_index("ix_receipts_reversal_of", "receipts", ["reversal_of"])


def downgrade() -> None:
    op.drop_index("ix_receipts_reversal_of", "receipts")
    op.drop_column("receipts", "reversal_of")
    op.drop_table("closed_months")
