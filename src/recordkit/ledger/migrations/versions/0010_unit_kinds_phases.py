"""Kinds of unit and phases (issue 15): units.kind (住宅 / 别墅 / 商铺 / 车位 / 储藏室) and units.phase
(区/期), fee rates limited to kinds, and unit codes wide enough for a phase and a kind's name.
Existing units are 住宅 without a phase; existing rates apply to every kind.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Columns that hold a unit code, widened from 32 characters (SQLite does not enforce a length).
_CODE_COLUMNS = (
    ("units", "code"),
    ("certificates", "unit_code"),
    ("archive_items", "unit"),
    ("work_orders", "unit"),
)


def upgrade() -> None:
    op.add_column("units", sa.Column("kind", sa.String(8), nullable=False, server_default="住宅"))
    op.add_column("units", sa.Column("phase", sa.String(32), nullable=False, server_default=""))
    op.add_column("fee_rates", sa.Column("unit_kinds", sa.Text))
    if op.get_bind().dialect.name != "sqlite":
        for table, column in _CODE_COLUMNS:
            op.alter_column(table, column, type_=sa.String(64), existing_type=sa.String(32))
        op.alter_column("units", "room", type_=sa.String(24), existing_type=sa.String(16))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("units", "room", type_=sa.String(16), existing_type=sa.String(24))
        for table, column in _CODE_COLUMNS:
            op.alter_column(table, column, type_=sa.String(32), existing_type=sa.String(64))
    op.drop_column("fee_rates", "unit_kinds")
    op.drop_column("units", "phase")
    op.drop_column("units", "kind")
