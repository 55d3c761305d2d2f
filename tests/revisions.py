"""A ledger marked as of an older migration, as a test builds one to check an upgrade: the layout that later
migrations added is undone, so that the upgrade adds it again (a new migration that adds a column or a table adds its
undo here)."""

from __future__ import annotations

from typing import Any

_CONTACT_COLUMNS = "id, unit_id, name, relation, phone, start_date, end_date, added_at, added_by, id_number, id_type"

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
    # 0031 rebuilt SQLite's unit_contacts with AUTOINCREMENT (PostgreSQL's is as it was): rebuilt without, as 0030 left
    # it, every row and number kept.
    "0031": tuple(
        {"sqlite": statement}
        for statement in (
            "CREATE TABLE unit_contacts_0030 (id INTEGER NOT NULL, unit_id INTEGER NOT NULL, name VARCHAR(64) NOT NULL,"
            " relation VARCHAR(16) NOT NULL, phone VARCHAR(32), start_date DATE, end_date DATE,"
            " added_at VARCHAR(40) NOT NULL, added_by VARCHAR(64) NOT NULL, id_number VARCHAR(20),"
            " id_type VARCHAR(24) DEFAULT 'resident_id' NOT NULL, PRIMARY KEY (id),"
            " FOREIGN KEY(unit_id) REFERENCES units (id))",
            f"INSERT INTO unit_contacts_0030 ({_CONTACT_COLUMNS}) SELECT {_CONTACT_COLUMNS} FROM unit_contacts",
            "DROP TABLE unit_contacts",
            "ALTER TABLE unit_contacts_0030 RENAME TO unit_contacts",
            "CREATE INDEX ix_unit_contacts_unit_id ON unit_contacts (unit_id)",
        )
    ),
}


def undo_layout_after(conn: Any, revision: str) -> None:
    """Undo the layout of every migration in ``LAYOUT_UNDONE`` later than ``revision``, the newest first (a statement
    of the other dialect only skipped)."""
    for later, undo in sorted(LAYOUT_UNDONE.items(), reverse=True):
        if later > revision:
            for statement in undo:
                sql = statement if isinstance(statement, str) else statement.get(conn.dialect.name)
                if sql is not None:
                    conn.exec_driver_sql(sql)


def mark_as_of(conn: Any, revision: str) -> None:
    """The ledger as ``revision`` left it (the tables later migrations added to undone, ``revision`` recorded):
    opened again, it is upgraded from there."""
    undo_layout_after(conn, revision)
    conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{revision}'")
