"""The type of an owner's (and co-owner's) and a contact's ID document (``owners.id_type``, ``unit_contacts.id_type``):
a passport, a Hong Kong, Macao or Taiwan resident's permit, a foreigner's permanent residence card … beside the resident
ID card, each by its English name (``core.personal.ID_TYPES``).  Every number already kept was checked as a resident ID
number: its rows are ``resident_id``.

``id_number`` grows to 20 characters (a passport's longest, ``core.personal``) on PostgreSQL; SQLite holds any length.
An owner is told by his document and its number (``core.personal.id_identity``): the unique ``owners.id_number`` becomes
a unique index on (``id_type``, ``id_number``), a passport and a 台胞证 of the same digits two people's.  SQLite cannot
drop a constraint: its owners table is rebuilt (``ledger.db.Ledger.upgrade`` runs migrations with foreign keys off).

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
_OWNER_INDEX = "ux_owners_id_type_number"


def _owners(unique_number: bool) -> sa.Table:
    """The owners table as SQLite rebuilds it, with the unique number of 0001 or without."""
    return sa.Table(
        "owners",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("phone", sa.String(32)),
        sa.Column("id_number", sa.String(20), unique=unique_number),
        sa.Column("id_type", sa.String(24), nullable=False, server_default="resident_id"),
    )


def upgrade() -> None:
    for table in _TABLES:
        op.add_column(table, sa.Column("id_type", sa.String(24), nullable=False, server_default="resident_id"))
    if op.get_bind().dialect.name == "postgresql":
        for table in _TABLES:
            op.alter_column(table, "id_number", type_=sa.String(20), existing_type=sa.String(18))
        op.drop_constraint("owners_id_number_key", "owners", type_="unique")
    else:
        with op.batch_alter_table("owners", copy_from=_owners(unique_number=False), recreate="always"):
            pass
    op.create_index(_OWNER_INDEX, "owners", ["id_type", "id_number"], unique=True)


def downgrade() -> None:
    op.drop_index(_OWNER_INDEX, "owners")
    if op.get_bind().dialect.name == "postgresql":
        op.create_unique_constraint("owners_id_number_key", "owners", ["id_number"])
    else:
        with op.batch_alter_table("owners", copy_from=_owners(unique_number=True), recreate="always"):
            pass
    if op.get_bind().dialect.name == "postgresql":
        for table in _TABLES:
            op.alter_column(table, "id_number", type_=sa.String(18), existing_type=sa.String(20))
    for table in _TABLES:
        op.drop_column(table, "id_type")
