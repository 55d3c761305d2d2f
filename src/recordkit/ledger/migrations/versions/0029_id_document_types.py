"""The type of an owner's (and co-owner's) and a contact's ID document (``owners.id_type``, ``unit_contacts.id_type``):
a passport, a Hong Kong, Macao or Taiwan resident's permit, a foreigner's permanent residence card … beside the resident
ID card, each by its English name (``core.personal.ID_TYPES``).  Every number already kept was checked as a resident ID
number: its rows are ``resident_id``.

``id_number`` grows to 20 characters (a passport's longest, ``core.personal``) on PostgreSQL; SQLite holds any length.

Revision ID: 0029
Revises: 0028
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

_TABLES = ("owners", "unit_contacts")


def upgrade() -> None:
    for table in _TABLES:
        op.add_column(table, sa.Column("id_type", sa.String(24), nullable=False, server_default="resident_id"))
    if op.get_bind().dialect.name == "postgresql":
        for table in _TABLES:
            op.alter_column(table, "id_number", type_=sa.String(20), existing_type=sa.String(18))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _TABLES:
            op.alter_column(table, "id_number", type_=sa.String(18), existing_type=sa.String(20))
    for table in _TABLES:
        op.drop_column(table, "id_type")
