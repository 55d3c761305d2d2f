"""The index in SQLite FTS5 (standard library): ``records/index/search.sqlite3``, derived from the archive.

Owns the database file, its schema and schema version, the writer lock, writing and replacing items,
the atomic replacement of a rebuild, and answering a ``SearchRequest`` in SQL: the phrases compiled to
an FTS5 MATCH expression, filters as plain indexed columns, ranking by ``bm25()`` with the metadata
columns weighted above the text.  FTS5 is fed the project's own tokens (``search.text``) joined by
spaces; its ``unicode61`` tokenizer only splits them again, keeping ``:`` and ``-`` inside a token.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from recordkit.core.errors import ConflictError, IntegrityError, NotFoundError
from recordkit.search.backends.base import (
    COLUMNS,
    REBUILD_MESSAGE,
    IndexDoc,
    IndexedItem,
    Phrase,
    SearchPage,
    SearchRequest,
)
from recordkit.search.text import TOKEN_CHARS

log = logging.getLogger(__name__)

#: Bump when the schema or the tokens change: an index of another version is never read, it is rebuilt.
SCHEMA_VERSION = 2
DATABASE = "search.sqlite3"
NEW_SUFFIX = ".new-"  # a rebuild in progress: search.sqlite3.new-<pid>
LOCK_FILE = "search.lock"
#: bm25() weights of COLUMNS: title, 档号, unit and owners above the other metadata, all above the text.
WEIGHTS = (10.0, 10.0, 6.0, 6.0, 3.0, 1.0)
_BM25 = f"bm25(fts, {', '.join(str(weight) for weight in WEIGHTS)})"

_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    archive_no TEXT NOT NULL UNIQUE,
    signature TEXT NOT NULL,
    state TEXT NOT NULL,
    category TEXT NOT NULL,
    unit TEXT NOT NULL,
    date TEXT NOT NULL,
    owners TEXT NOT NULL,
    filed_at TEXT NOT NULL,
    shown TEXT NOT NULL,
    text TEXT NOT NULL,
    body_start INTEGER NOT NULL
);
CREATE INDEX items_category ON items (category, date);
CREATE INDEX items_unit ON items (unit);
CREATE INDEX items_date ON items (date);
CREATE INDEX items_state ON items (state);
CREATE VIRTUAL TABLE fts USING fts5 (
    {", ".join(COLUMNS)},
    tokenize = "unicode61 remove_diacritics 0 tokenchars '{TOKEN_CHARS}'",
    detail = full
);
"""
_OWNER_SEPARATOR = "\x1f"


def _corrupt(path: Path, err: BaseException) -> IntegrityError:
    log.error("search index %s unreadable: %r", path, err)
    return IntegrityError(f"检索索引已损坏，无法读取（{type(err).__name__}）：{REBUILD_MESSAGE}")


def _commit(conn: sqlite3.Connection) -> None:
    """One place where a write becomes durable (a test kills the writer just before it)."""
    conn.commit()


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def compile_phrase(phrase: Phrase) -> str:
    """An FTS5 phrase: ``"竣工 工资 资料 料" *`` (the trailing ``*`` makes the last token a prefix)."""
    text = _quoted(" ".join(phrase.tokens))
    return text + " *" if phrase.prefix else text


def compile_match(groups: Iterable[Iterable[Phrase]]) -> str:
    """``(a OR b) AND c``: every group, one of its phrases."""
    return " AND ".join("(" + " OR ".join(compile_phrase(phrase) for phrase in group) + ")" for group in groups)


class SqliteIndex:
    """The FTS5 index of one workspace (``records/index``).  Readers need no lock (WAL); one writer at a time."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.path = index_dir / DATABASE

    def exists(self) -> bool:
        return self.path.is_file()

    # -- opening ---------------------------------------------------------------------------------

    def _connect(self, path: Path | None = None) -> sqlite3.Connection:
        path = path or self.path
        if not path.is_file():
            raise NotFoundError("检索索引还没有建立：请先运行 recordkit index")
        try:
            conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as err:
            raise _corrupt(path, err) from None
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as err:
            conn.close()
            raise _corrupt(path, err) from None
        stored = None if row is None else row[0]
        if stored != str(SCHEMA_VERSION):
            conn.close()
            raise IntegrityError(
                f"检索索引的版本（{'未知' if stored is None else stored}）与本程序（{SCHEMA_VERSION}）不符：{REBUILD_MESSAGE}"
            )
        return conn

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            yield conn
        except sqlite3.DatabaseError as err:
            raise _corrupt(self.path, err) from None
        finally:
            conn.close()

    # -- writing ---------------------------------------------------------------------------------

    @contextmanager
    def lock(self, timeout: float) -> Iterator[None]:
        """The one writer lock (an flock: a killed holder releases it).  ``ConflictError`` on timeout."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.index_dir / LOCK_FILE))
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise ConflictError(
                f"检索索引正由另一个进程更新（归档服务、夜间任务或其他文员），等了 {timeout:g} 秒"
                "仍未结束：请稍后再运行 recordkit index"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def signatures(self, numbers: Iterable[str] | None = None) -> dict[str, tuple[str, str]]:
        """archive_no → (signature, state) of every item, or only of ``numbers`` (the filing hook's few)."""
        with self._reading() as conn:
            if numbers is None:
                rows = conn.execute("SELECT archive_no, signature, state FROM items").fetchall()
            else:
                rows = []
                for number in numbers:
                    rows += conn.execute(
                        "SELECT archive_no, signature, state FROM items WHERE archive_no = ?", (number,)
                    ).fetchall()
        return {number: (signature, state) for number, signature, state in rows}

    def update(self, docs: Iterable[IndexDoc], delete: Iterable[str] = ()) -> int:
        """Replace or add ``docs`` and delete the ``delete`` numbers in one transaction (call under ``lock``).

        A crash at any point leaves the index as it was before (SQLite's write-ahead log).
        """
        written = 0
        with closing(self._connect()) as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
                for number in delete:
                    _delete(conn, number)
                for doc in docs:
                    _delete(conn, doc.archive_no)
                    _insert(conn, doc)
                    written += 1
                _commit(conn)
            except sqlite3.DatabaseError as err:
                conn.rollback()
                raise _corrupt(self.path, err) from None
            except BaseException:
                conn.rollback()
                raise
        return written

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        """Build a new database beside the live one and put it in its place with one rename (call under
        ``lock``).  Searches keep answering from the old file until then.  A failure leaves the live
        index as it was and removes the half-built file."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.index_dir.glob(DATABASE + NEW_SUFFIX + "*"):  # left by a killed rebuild
            stale.unlink(missing_ok=True)
        new = self.index_dir / f"{DATABASE}{NEW_SUFFIX}{os.getpid()}"
        written = 0
        try:
            with closing(sqlite3.connect(new, isolation_level=None)) as conn:
                # Nobody reads the new file before it is complete and synced: no journal needed while building.
                conn.execute("PRAGMA journal_mode = OFF")
                conn.execute("PRAGMA synchronous = OFF")
                conn.execute("BEGIN")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                for doc in docs:
                    _insert(conn, doc)
                    written += 1
                conn.execute("COMMIT")
                conn.execute("INSERT INTO fts (fts) VALUES ('optimize')")
                conn.execute("PRAGMA journal_mode = WAL")  # kept in the file: every later opening uses WAL
            _fsync(new)
            self._checkpoint_live()
            os.replace(new, self.path)
            _fsync(self.index_dir)
        except BaseException:
            new.unlink(missing_ok=True)
            raise
        return written

    def _checkpoint_live(self) -> None:
        """Fold the live file's write-ahead log into it and empty the log before the file is replaced, so
        that the new file never meets frames written for the old one."""
        if not self.path.is_file():
            return
        try:
            with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.DatabaseError:  # a damaged live index is simply replaced
            log.warning("could not checkpoint the replaced search index %s", self.path)

    def optimize(self) -> None:
        """Merge FTS5's segments into one (the nightly run, when it changed something)."""
        with closing(self._connect()) as conn:
            conn.execute("INSERT INTO fts (fts) VALUES ('optimize')")

    # -- searching -------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchPage:
        with self._reading() as conn:
            return _search(conn, request)


def _delete(conn: sqlite3.Connection, archive_no: str) -> None:
    row = conn.execute("SELECT id FROM items WHERE archive_no = ?", (archive_no,)).fetchone()
    if row is not None:
        conn.execute("DELETE FROM fts WHERE rowid = ?", (row[0],))
        conn.execute("DELETE FROM items WHERE id = ?", (row[0],))


def _insert(conn: sqlite3.Connection, doc: IndexDoc) -> None:
    owners = _OWNER_SEPARATOR + _OWNER_SEPARATOR.join(doc.owners) + _OWNER_SEPARATOR if doc.owners else ""
    cursor = conn.execute(
        "INSERT INTO items (archive_no, signature, state, category, unit, date, owners, filed_at, shown, text,"
        " body_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            doc.archive_no,
            doc.signature,
            doc.state,
            doc.category,
            doc.unit,
            doc.date,
            owners,
            doc.filed_at,
            json.dumps(dict(doc.shown), ensure_ascii=False),
            doc.text,
            doc.body_start,
        ),
    )
    conn.execute(
        f"INSERT INTO fts (rowid, {', '.join(COLUMNS)}) VALUES (?, {', '.join('?' for _ in COLUMNS)})",
        (cursor.lastrowid, *(doc.columns.get(column, "") for column in COLUMNS)),
    )


def _fsync(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


_ORDER = {
    "relevance": "score DESC, items.filed_at DESC, items.archive_no DESC",
    "date": "items.date = '', items.date DESC, items.filed_at DESC, items.archive_no DESC",
    "number": "items.archive_no",
}


def _search(conn: sqlite3.Connection, request: SearchRequest) -> SearchPage:
    where: list[str] = []
    params: list[Any] = []
    filters = request.filters
    for column, value in (("category", filters.category), ("unit", filters.unit)):
        if value:
            where.append(f"items.{column} = ?")
            params.append(value)
    if filters.owner:
        where.append("instr(items.owners, ?) > 0")
        params.append(_OWNER_SEPARATOR + filters.owner + _OWNER_SEPARATOR)
    if filters.date_from:
        where.append("items.date != '' AND items.date >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        where.append("items.date != '' AND items.date <= ?")
        params.append(filters.date_to)
    if request.excluded:
        where.append("items.id NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
        params.append(compile_match([request.excluded]))
    if request.groups:
        source = "fts JOIN items ON items.id = fts.rowid"
        where.insert(0, "fts MATCH ?")
        params.insert(0, compile_match(request.groups))
        score = f"-{_BM25}"
    else:
        source, score = "items", "0.0"
    condition = " AND ".join(where) or "1"
    total = conn.execute(f"SELECT count(*) FROM {source} WHERE {condition}", params).fetchone()[0]
    rows = conn.execute(
        f"SELECT items.archive_no, {score} AS score, items.text, items.body_start, items.shown FROM {source}"
        f" WHERE {condition} ORDER BY {_ORDER[request.sort]} LIMIT ?",
        [*params, -1 if request.limit is None else request.limit],
    ).fetchall()
    pending = conn.execute("SELECT count(*) FROM items WHERE state = 'pending'").fetchone()[0]
    found = [
        IndexedItem(number, float(value), text, start, json.loads(shown)) for number, value, text, start, shown in rows
    ]
    return SearchPage(found, total, pending)


__all__ = ["DATABASE", "SCHEMA_VERSION", "SqliteIndex", "compile_match", "compile_phrase"]
