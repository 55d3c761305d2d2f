"""Index backends: the interface (``base``), SQLite FTS5 (``sqlite``: a file in records/index) and PostgreSQL
full-text (``postgresql``: tables in the ledger's database); ``open_index`` picks the one the settings name."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from recordkit.core.config import search_backend
from recordkit.ledger.db import open_ledger
from recordkit.search.backends import postgresql
from recordkit.search.backends.base import IndexBackend, IndexDoc
from recordkit.search.backends.postgresql import PostgresIndex
from recordkit.search.backends.sqlite import SqliteIndex

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from recordkit.core.config import DatabaseSettings
    from recordkit.core.workspace import Workspace
    from recordkit.ledger.db import Ledger

BACKEND_NAMES = {
    "sqlite": "SQLite FTS5（records/index/search.sqlite3）",
    "postgresql": "PostgreSQL 全文检索（台账数据库）",
}


def open_index(workspace: Workspace, ledger: Ledger | None = None, backend: str | None = None) -> IndexBackend:
    """The index of a workspace: the FTS5 file in ``records/index``, or the tables in its PostgreSQL ledger's
    database (through ``ledger``'s connections when given).  ``backend`` overrides the setting (``index --to``)."""
    backend = backend or search_backend(workspace.settings)
    if backend == "postgresql":
        database = workspace.settings.database
        if ledger is not None:
            return PostgresIndex(ledger.engine, ledger.given_by, ledger.outage)  # (its outage told as the ledger's)
        return PostgresIndex(_engine(workspace.database_url, database, os.getpid()), database)
    return SqliteIndex(workspace.records_subdir("index"))


def preparer(workspace: Workspace, backend: str | None = None) -> Callable[[IndexDoc], IndexDoc] | None:
    """What the index of ``workspace`` (or ``backend``) does to each ``IndexDoc`` where it is made, beside the
    writer (``IndexDoc.prepared``): a module-level function worker processes can be sent; None for nothing."""
    return postgresql.prepare if (backend or search_backend(workspace.settings)) == "postgresql" else None


@functools.lru_cache(maxsize=8)
def _engine(url: str, database: DatabaseSettings, pid: int) -> Engine:
    """A reading engine for searches that open no ledger (one per process: a forked child makes its own), in
    the estate's own schema, its refusals naming where its address was given."""
    return open_ledger(url, migrate=False, create=False, schema=database.schema, given_by=database).engine


__all__ = ["BACKEND_NAMES", "IndexBackend", "PostgresIndex", "SqliteIndex", "open_index", "preparer"]
