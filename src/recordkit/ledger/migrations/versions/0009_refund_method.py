"""How a renovation deposit refund went out (现金、微信、支付宝、银行转账), for the 日结's net per method.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Refunds made before this column existed were paid in cash (the only way the office paid out).
    op.add_column("renovations", sa.Column("refund_method", sa.String(16)))
    op.execute("UPDATE renovations SET refund_method = '现金' WHERE refunded_on IS NOT NULL")


def downgrade() -> None:
    op.drop_column("renovations", "refund_method")
