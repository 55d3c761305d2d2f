"""A ledger marked as of an older migration, as a test builds one to check an upgrade: the layout that later
migrations added is undone, so that the upgrade adds it again (a new migration that adds a column or a table adds its
undo here)."""

from __future__ import annotations

from typing import Any

#: Each migration since 0027 that changed the tables' layout, and how a test undoes it (a statement of each dialect
#: where they differ).
LAYOUT_UNDONE: dict[str, tuple[str | dict[str, str], ...]] = {
    "0028": ("ALTER TABLE unit_contacts DROP COLUMN id_number",),
    # 0029's wider id_number (PostgreSQL) holds every number 0028 did: only its columns are undone.
    # Its unique (id_type, id_number) was the unique id_number of 0001.
    "0029": (
        "DROP INDEX ux_owners_id_type_number",
        {
            "postgresql": "ALTER TABLE owners ADD CONSTRAINT owners_id_number_key UNIQUE (id_number)",
            "sqlite": "CREATE UNIQUE INDEX owners_id_number_key ON owners (id_number)",
        },
        "ALTER TABLE owners DROP COLUMN id_type",
        "ALTER TABLE unit_contacts DROP COLUMN id_type",
    ),
    # 0030's wider id_number (PostgreSQL) holds every number before it: only its column is undone.
    "0030": ("ALTER TABLE renovation_passes DROP COLUMN id_type",),
}


def undo_layout_after(conn: Any, revision: str) -> None:
    """Undo the layout of every migration in ``LAYOUT_UNDONE`` later than ``revision``, the newest first."""
    for later, undo in sorted(LAYOUT_UNDONE.items(), reverse=True):
        if later > revision:
            for statement in undo:
                conn.exec_driver_sql(statement if isinstance(statement, str) else statement[conn.dialect.name])


def mark_as_of(conn: Any, revision: str) -> None:
    """The ledger as ``revision`` left it (the tables later migrations added to undone, ``revision`` recorded):
    opened again, it is upgraded from there."""
    undo_layout_after(conn, revision)
    conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{revision}'")
