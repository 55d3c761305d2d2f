"""The ledger's tables, as SQLAlchemy Core metadata.

Alembic migrations in ``migrations/versions`` create exactly these tables;
``HEAD_REVISION`` names the newest migration and a test keeps the two in step.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, MetaData, String, Table, Text

HEAD_REVISION = "0001"

metadata = MetaData()

owners = Table(
    "owners",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("phone", String(32)),
    # 18 characters when known; unique so that re-imports find the same person.
    Column("id_number", String(18), unique=True),
)

units = Table(
    "units",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("building", String(16), nullable=False, index=True),
    Column("entrance", String(8), nullable=False),
    Column("room", String(16), nullable=False),
    # m² times 100: areas have two decimals and no float ever holds them.
    Column("floor_area_hundredths", Integer, nullable=False),
    # occupied / vacant / delivered
    Column("status", String(16), nullable=False),
    Column("owner_id", Integer, ForeignKey("owners.id"), index=True),
    Column("move_in_date", Date),
)

journal = Table(
    "journal",
    metadata,
    # Assigned by recordkit, contiguous from 1, so that a deleted row shows as a gap.
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("operator", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_key", String(128), nullable=False),
    Column("before", Text),
    Column("after", Text),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
