"""Renovations (装修登记): registrations with their deposit and waste-removal bills,
inspections, and the workers' temporary passes.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "renovations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(32), nullable=False, unique=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("owner_name", sa.String(64), nullable=False),
        sa.Column("contractor", sa.String(128), nullable=False),
        sa.Column("manager", sa.String(64), nullable=False),
        sa.Column("manager_phone", sa.String(32), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("hours", sa.String(128), nullable=False),
        sa.Column("items", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("deposit_fen", sa.BigInteger, nullable=False),
        sa.Column("waste_fen", sa.BigInteger, nullable=False),
        sa.Column("deposit_bill_id", sa.Integer, sa.ForeignKey("bills.id")),
        sa.Column("waste_bill_id", sa.Integer, sa.ForeignKey("bills.id")),
        sa.Column("registered_on", sa.Date, nullable=False),
        sa.Column("registered_by", sa.String(64), nullable=False),
        sa.Column("deduction_fen", sa.BigInteger),
        sa.Column("deduction_reason", sa.Text),
        sa.Column("refund_fen", sa.BigInteger),
        sa.Column("refunded_on", sa.Date),
        sa.Column("refunded_by", sa.String(64)),
        sa.UniqueConstraint("year", "seq"),
    )
    op.create_index("ix_renovations_unit_id", "renovations", ["unit_id"])
    op.create_table(
        "renovation_inspections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("renovation_id", sa.Integer, sa.ForeignKey("renovations.id"), nullable=False),
        sa.Column("result", sa.String(8), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("inspected_on", sa.Date, nullable=False),
        sa.Column("inspector", sa.String(64), nullable=False),
    )
    op.create_index("ix_renovation_inspections_renovation_id", "renovation_inspections", ["renovation_id"])
    op.create_table(
        "renovation_passes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("renovation_id", sa.Integer, sa.ForeignKey("renovations.id"), nullable=False),
        sa.Column("number", sa.String(40), nullable=False, unique=True),
        sa.Column("worker", sa.String(64), nullable=False),
        sa.Column("id_number", sa.String(18), nullable=False),
        sa.Column("trade", sa.String(32), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_until", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("issued_by", sa.String(64), nullable=False),
        sa.Column("cancelled_on", sa.Date),
        sa.Column("cancelled_by", sa.String(64)),
        sa.Column("cancel_reason", sa.Text),
        sa.Column("replaces_id", sa.Integer, sa.ForeignKey("renovation_passes.id")),
    )
    op.create_index("ix_renovation_passes_renovation_id", "renovation_passes", ["renovation_id"])


def downgrade() -> None:
    for name in ("renovation_passes", "renovation_inspections", "renovations"):
        op.drop_table(name)
