"""The ledger's tables, as SQLAlchemy Core metadata.

Alembic migrations in ``migrations/versions`` create exactly these tables;
``HEAD_REVISION`` names the newest migration and a test keeps the two in step.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, MetaData, String, Table, Text

HEAD_REVISION = "0002"

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


# Generated documents: every file recordkit prints, for `docs list` and the audit trail.
documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False, index=True),
    Column("template", String(128), nullable=False),
    # 内置 (built-in) or 本处 (the office's own)
    Column("origin", String(8), nullable=False),
    # A unit code, a receipt number, or another key the document is about.
    Column("subject", String(64), nullable=False, index=True),
    Column("title", String(256), nullable=False),
    # Relative to the workspace root.
    Column("path", String(512), nullable=False, unique=True),
    Column("sha256", String(64), nullable=False),
    # The values the template was filled with, as JSON.
    Column("values_json", Text, nullable=False),
    Column("operator", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
)
