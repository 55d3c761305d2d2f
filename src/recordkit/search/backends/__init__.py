"""Index backends: the interface (``base``) and SQLite FTS5 (``sqlite``); PostgreSQL full-text comes beside them."""

from __future__ import annotations

from pathlib import Path

from recordkit.search.backends.base import IndexBackend
from recordkit.search.backends.sqlite import SqliteIndex


def open_index(index_dir: Path) -> IndexBackend:
    """The index of a workspace's ``records/index`` folder (SQLite FTS5, a derived file beside the archive)."""
    return SqliteIndex(index_dir)


__all__ = ["IndexBackend", "SqliteIndex", "open_index"]
