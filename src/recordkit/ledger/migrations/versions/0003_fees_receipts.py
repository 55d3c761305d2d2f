"""Fees and receipts: fee items and rates with history, meter readings, bills, payments,
allocations and numbered receipts.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fee_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(32), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("unit_label", sa.String(16), nullable=False),
    )
    op.create_table(
        "fee_rates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("fee_items.id"), nullable=False),
        sa.Column("effective_from", sa.String(7), nullable=False),
        sa.Column("rate_ten_thousandths", sa.BigInteger, nullable=False),
        sa.Column("vacant_percent", sa.Integer, nullable=False),
        sa.Column("unit_codes", sa.Text),
        sa.UniqueConstraint("item_id", "effective_from"),
    )
    op.create_table(
        "meter_readings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("fee_items.id"), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("previous_hundredths", sa.BigInteger, nullable=False),
        sa.Column("current_hundredths", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("unit_id", "item_id", "month"),
    )
    op.create_table(
        "bills",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("fee_items.id"), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("basis", sa.String(128), nullable=False),
        sa.Column("rate_id", sa.Integer, sa.ForeignKey("fee_rates.id")),
        sa.UniqueConstraint("unit_id", "item_id", "month"),
    )
    op.create_index("ix_bills_unit_id", "bills", ["unit_id"])
    op.create_index("ix_bills_month", "bills", ["month"])
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("payer", sa.String(64), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("cashier", sa.String(64), nullable=False),
        sa.Column("voided", sa.Boolean, nullable=False),
    )
    op.create_index("ix_payments_unit_id", "payments", ["unit_id"])
    op.create_table(
        "allocations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("payment_id", sa.Integer, sa.ForeignKey("payments.id"), nullable=False),
        sa.Column("bill_id", sa.Integer, sa.ForeignKey("bills.id"), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_allocations_payment_id", "allocations", ["payment_id"])
    op.create_index("ix_allocations_bill_id", "allocations", ["bill_id"])
    op.create_table(
        "receipts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(40), nullable=False, unique=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("payment_id", sa.Integer, sa.ForeignKey("payments.id"), nullable=False, unique=True),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("issued_at", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("lines", sa.Text, nullable=False),
        sa.Column("void_reason", sa.Text),
        sa.Column("voided_by", sa.String(64)),
        sa.Column("voided_at", sa.String(40)),
        sa.Column("voided_on", sa.Date),
        sa.Column("reprints", sa.Integer, nullable=False),
        sa.UniqueConstraint("year", "seq"),
    )
    op.create_index("ix_receipts_issued_on", "receipts", ["issued_on"])


def downgrade() -> None:
    for name in ("receipts", "allocations", "payments", "bills", "meter_readings", "fee_rates", "fee_items"):
        op.drop_table(name)
