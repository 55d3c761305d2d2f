"""Co-owners (共有人) and contacts (家属、租户) of a unit.

``units.owner_id`` stays the first owner, so nothing that reads it changes; ``unit_co_owners``
holds the further owners, in the order of the deed; ``unit_contacts`` the family members and
tenants with their relation, phone and dates.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit_co_owners",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False, index=True),
        sa.Column("owner_id", sa.Integer, sa.ForeignKey("owners.id"), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("unit_id", "owner_id"),
    )
    op.create_table(
        "unit_contacts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False, index=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("relation", sa.String(16), nullable=False),
        sa.Column("phone", sa.String(32)),
        sa.Column("start_date", sa.Date),
        sa.Column("end_date", sa.Date),
        sa.Column("added_at", sa.String(40), nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("unit_contacts")
    op.drop_table("unit_co_owners")
