"""Indexes for the monthly report's fee figures (issue 14, speed).

``allocations(bill_id, payment_id, amount_fen)`` lets the arrears pass (each bill with what was
paid on it by a month's end) read allocations from the index alone; ``bills(month, item_id, unit_id,
amount_fen)`` lets the report sum a month's bills from the index alone; ``payments(paid_on)`` lets
it read only the payments of the months it shows.  The two single-column indexes the covering ones
begin with (``ix_allocations_bill_id``, ``ix_bills_month``) go: every query they served is served
by the new ones.

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_allocations_bill_payment_amount", "allocations", ["bill_id", "payment_id", "amount_fen"])
    op.drop_index("ix_allocations_bill_id", "allocations")
    op.create_index("ix_bills_month_item_unit_amount", "bills", ["month", "item_id", "unit_id", "amount_fen"])
    op.drop_index("ix_bills_month", "bills")
    op.create_index("ix_payments_paid_on", "payments", ["paid_on"])


def downgrade() -> None:
    op.drop_index("ix_payments_paid_on", "payments")
    op.create_index("ix_bills_month", "bills", ["month"])
    op.drop_index("ix_bills_month_item_unit_amount", "bills")
    op.create_index("ix_allocations_bill_id", "allocations", ["bill_id"])
    op.drop_index("ix_allocations_bill_payment_amount", "allocations")
