"""The type of a renovation worker's ID document on his temporary pass (``renovation_passes.id_type``): a foreign
worker's passport, a Hong Kong, Macao or Taiwan resident's permit … beside the resident ID card, each by its English
name (``core.personal.ID_TYPES``), as migration 0029 gave owners and contacts.  Every number already kept was checked
as a resident ID number: its rows are ``resident_id``.

``id_number`` grows to 20 characters (a passport's longest, ``core.personal``) on PostgreSQL; SQLite holds any length.

Revision ID: 0030
Revises: 0029
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "renovation_passes", sa.Column("id_type", sa.String(24), nullable=False, server_default="resident_id")
    )
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "renovation_passes", "id_number", type_=sa.String(20), existing_type=sa.String(18), existing_nullable=False
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "renovation_passes", "id_number", type_=sa.String(18), existing_type=sa.String(20), existing_nullable=False
        )
    op.drop_column("renovation_passes", "id_type")
