"""Work orders (工单): repair requests and complaints, dispatch, completion and follow-up visits.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "work_orders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(32), nullable=False, unique=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("type", sa.String(8), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("unit", sa.String(32)),
        sa.Column("place", sa.String(128)),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("reported_by", sa.String(64)),
        sa.Column("phone", sa.String(32)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opened_at", sa.DateTime, nullable=False),
        sa.Column("opened_by", sa.String(64), nullable=False),
        sa.Column("respond_by", sa.DateTime, nullable=False),
        sa.Column("close_by", sa.DateTime, nullable=False),
        sa.Column("repeat_of", sa.String(32)),
        sa.Column("assignee", sa.String(64)),
        sa.Column("assigned_at", sa.DateTime),
        sa.Column("closed_at", sa.DateTime),
        sa.Column("result", sa.Text),
        sa.Column("closed_by", sa.String(64)),
        sa.Column("visited_at", sa.DateTime),
        sa.Column("satisfaction", sa.String(8)),
        sa.Column("visit_notes", sa.Text),
        sa.Column("visited_by", sa.String(64)),
        sa.UniqueConstraint("year", "seq"),
    )
    op.create_index("ix_work_orders_category", "work_orders", ["category"])
    op.create_index("ix_work_orders_unit", "work_orders", ["unit"])
    op.create_index("ix_work_orders_status", "work_orders", ["status"])
    op.create_index("ix_work_orders_opened_at", "work_orders", ["opened_at"])
    op.create_index("ix_work_orders_closed_at", "work_orders", ["closed_at"])
    op.create_index("ix_work_orders_visited_at", "work_orders", ["visited_at"])


def downgrade() -> None:
    op.drop_table("work_orders")
