"""The index in SQLite FTS5 (standard library): ``records/index/search.sqlite3``, derived from the archive.

Owns the database file, its schema and schema version, the writer lock, writing and replacing items,
the atomic replacement of a rebuild, and answering a ``SearchRequest`` in SQL: the phrases compiled to
an FTS5 MATCH expression, filters as plain indexed columns, ranking by ``bm25()`` with the metadata
columns weighted above the text.  FTS5 is fed the project's own tokens (``search.text``) joined by
spaces; its ``unicode61`` tokenizer only splits them again, keeping ``:`` and ``-`` inside a token.

Laid out for speed: ``items`` holds only the short fields a ranked query joins to *every* match (filters,
ties), the text snippets are cut from lives in ``shown`` and is read for the returned page only; a
one-character prefix index answers a single CJK character (``"梯" *``) from one posting list.
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

from recordkit.core.atomic import fsync_path
from recordkit.core.errors import ConflictError, IntegrityError, NotFoundError, RecordkitError, StorageError
from recordkit.ledger.db import full_disk, in_batches, this_disk_full
from recordkit.search.backends.base import (
    COLUMNS,
    NOT_BUILT,
    NOT_BUILT_FORM,
    REBUILD_FORM,
    REBUILD_MESSAGE,
    IndexDamaged,
    IndexDoc,
    IndexedItem,
    Phrase,
    SearchPage,
    SearchRequest,
    asked_for,
    filter_conditions,
    older_version,
    rebuild_room,
    version_error,
    writer_busy,
)
from recordkit.search.text import TOKEN_CHARS

log = logging.getLogger(__name__)

#: Bump when the schema or the tokens change: an index of another version is never read, it is rebuilt.
SCHEMA_VERSION = 15
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
    filed_at TEXT NOT NULL
);
CREATE TABLE shown (
    id INTEGER PRIMARY KEY,
    body_start INTEGER NOT NULL,
    shown TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX items_category ON items (category, date);
CREATE INDEX items_unit ON items (unit);
CREATE INDEX items_date ON items (date);
CREATE INDEX items_state ON items (state);
CREATE VIRTUAL TABLE fts USING fts5 (
    {", ".join(COLUMNS)},
    tokenize = "unicode61 remove_diacritics 0 tokenchars '{TOKEN_CHARS}'",
    detail = full,
    prefix = '1'
);
"""
_OWNER_SEPARATOR = "\x1f"


def _corrupt(path: Path, err: BaseException, query: str | None = None) -> RecordkitError:
    """The index at ``path`` cannot be read or written: damaged, or its disk is full (``_full``); logged in the
    failure's one line (``RecordkitError.logged``), with the search's ``query`` (masked) where one failed."""
    if (full := _full(path, err, "检索索引不能写入", "原来的索引照常可用，")) is not None:
        return full
    log.error("search index %s unreadable%s: %r", path, f" ({asked_for(query)})" if query is not None else "", err)
    said = f"检索索引已损坏，无法读取（{type(err).__name__}）："
    refusal = IndexDamaged(said + REBUILD_MESSAGE, form_message=said + REBUILD_FORM)
    refusal.logged = True
    return refusal


def _full(path: Path, err: BaseException, what: str, kept: str, room: str = "") -> StorageError | None:
    """``StorageError`` when ``err`` is the full disk of the index at ``path`` (``full_disk``): ``what`` failed,
    ``kept`` was kept, ``room`` what the work needs; None for any other error."""
    free = full_disk(err, path.parent)
    if free is None:
        return None
    log.warning("search index %s: its disk is full (%d bytes free): %r", path, free, err)
    refusal = StorageError(f"{what}：{this_disk_full(err, free)}；{kept}{room}请清理磁盘空间后重试")
    refusal.logged = True
    return refusal


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

    def outdated(self) -> bool:
        try:
            conn, stored = self._opened(self.path)
        except (NotFoundError, IntegrityError):
            return False
        conn.close()
        return older_version(stored, SCHEMA_VERSION)

    def _connect(self, path: Path | None = None, query: str | None = None) -> sqlite3.Connection:
        """The index at ``path`` (the live one by default), of this version; a failure told with the search's
        ``query`` where one is asked (``_corrupt``)."""
        conn, stored = self._opened(path or self.path, query)
        if stored != str(SCHEMA_VERSION):
            conn.close()
            raise version_error(stored, SCHEMA_VERSION)
        return conn

    @staticmethod
    def _opened(path: Path, query: str | None = None) -> tuple[sqlite3.Connection, str | None]:
        """The index database at ``path``, opened, and its stored schema version (None: not stored)."""
        if not path.is_file():
            raise NotFoundError(NOT_BUILT, form_message=NOT_BUILT_FORM)
        try:
            conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as err:
            raise _corrupt(path, err, query) from None
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as err:
            conn.close()
            raise _corrupt(path, err, query) from None
        return conn, None if row is None else row[0]

    @contextmanager
    def _reading(self, query: str | None = None) -> Iterator[sqlite3.Connection]:
        """A reading of the live index (a search's ``query``: named by its failure's log line)."""
        conn = self._connect(query=query)
        try:
            yield conn
        except sqlite3.DatabaseError as err:
            raise _corrupt(self.path, err, query) from None
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
            raise ConflictError(writer_busy(timeout)) from None
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

    def texts(self, numbers: Iterable[str]) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        with self._reading() as conn:
            for number in numbers:
                row = conn.execute(
                    "SELECT items.archive_no, substr(shown.text, shown.body_start + 1), items.state"
                    " FROM items JOIN shown ON shown.id = items.id"
                    " WHERE items.archive_no = ? AND shown.body_start < length(shown.text)",
                    (number,),
                ).fetchone()
                if row is not None:
                    found[row[0]] = (row[1], row[2])
        return found

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
        self.clear_leftovers()
        new = self.index_dir / f"{DATABASE}{NEW_SUFFIX}{os.getpid()}"
        written = 0
        size = self.path.stat().st_size if self.path.is_file() else 0
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
                # FTS5 holds this much of new postings in memory before it writes a segment (default 1 MB):
                # a bulk load writes few large segments and merges far less.
                conn.execute("INSERT INTO fts (fts, rank) VALUES ('hashsize', ?)", (BUILD_HASH_SIZE,))
                written = _insert_all(conn, docs)
                conn.execute("INSERT INTO fts (fts, rank) VALUES ('hashsize', ?)", (DEFAULT_HASH_SIZE,))
                conn.execute("COMMIT")
                conn.execute("INSERT INTO fts (fts) VALUES ('optimize')")
                conn.execute("PRAGMA journal_mode = WAL")  # kept in the file: every later opening uses WAL
            fsync_path(new)
            self._checkpoint_live()
            os.replace(new, self.path)
            fsync_path(self.index_dir)
        except BaseException as err:
            new.unlink(missing_ok=True)
            if isinstance(err, sqlite3.Error) and (
                full := _full(new, err, "重建检索索引没有做完", "原来的索引照常可用，", rebuild_room(size))
            ):
                raise full from err
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

    def clear_leftovers(self) -> None:
        """Remove the half-built files of killed rebuilds (``search.sqlite3.new-<pid>``)."""
        for stale in self.index_dir.glob(DATABASE + NEW_SUFFIX + "*"):
            size = stale.stat().st_size
            stale.unlink(missing_ok=True)
            log.info("removed a killed rebuild's half-built index %s (%d bytes)", stale.name, size)

    def optimize(self) -> None:
        """Merge FTS5's segments into one (the nightly run, when it changed something)."""
        with closing(self._connect()) as conn:
            conn.execute("INSERT INTO fts (fts) VALUES ('optimize')")

    # -- searching -------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchPage:
        with self._reading(request.typed or None) as conn:
            return _search(conn, request)

    def count(self) -> tuple[int, int]:
        with self._reading() as conn:
            items, pending = conn.execute("SELECT count(*), coalesce(sum(state = 'pending'), 0) FROM items").fetchone()
        return int(items), int(pending)


def _delete(conn: sqlite3.Connection, archive_no: str) -> None:
    row = conn.execute("SELECT id FROM items WHERE archive_no = ?", (archive_no,)).fetchone()
    if row is not None:
        conn.execute("DELETE FROM fts WHERE rowid = ?", (row[0],))
        conn.execute("DELETE FROM items WHERE id = ?", (row[0],))
        conn.execute("DELETE FROM shown WHERE id = ?", (row[0],))


_INSERT_ITEM = "INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
_INSERT_SHOWN = "INSERT INTO shown VALUES (?, ?, ?, ?)"
_INSERT_FTS = f"INSERT INTO fts (rowid, {', '.join(COLUMNS)}) VALUES (?, {', '.join('?' for _ in COLUMNS)})"
#: A rebuild writes this many items per executemany.
BATCH = 256
BUILD_HASH_SIZE, DEFAULT_HASH_SIZE = 64 << 20, 1 << 20


def _rows(row_id: int | None, doc: IndexDoc) -> tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...]]:
    """The rows of one item in items, shown and fts (``row_id`` None: the next free one)."""
    owners = _OWNER_SEPARATOR + _OWNER_SEPARATOR.join(doc.owners) + _OWNER_SEPARATOR if doc.owners else ""
    item = (row_id, doc.archive_no, doc.signature, doc.state, doc.category, doc.unit, doc.date, owners, doc.filed_at)
    shown = (row_id, doc.body_start, json.dumps(dict(doc.shown), ensure_ascii=False), doc.text)
    return item, shown, (row_id, *(doc.columns.get(column, "") for column in COLUMNS))


def _insert(conn: sqlite3.Connection, doc: IndexDoc) -> None:
    item, shown, fts = _rows(None, doc)
    row_id = conn.execute(_INSERT_ITEM, item).lastrowid
    conn.execute(_INSERT_SHOWN, (row_id, *shown[1:]))
    conn.execute(_INSERT_FTS, (row_id, *fts[1:]))


def _insert_all(conn: sqlite3.Connection, docs: Iterable[IndexDoc]) -> int:
    """Every doc into a new, empty index, ``BATCH`` at a time (rowids 1, 2, …)."""
    written = 0
    batch: list[tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...]]] = []

    def flush() -> None:
        for statement, column in ((_INSERT_ITEM, 0), (_INSERT_SHOWN, 1), (_INSERT_FTS, 2)):
            conn.executemany(statement, (rows[column] for rows in batch))
        batch.clear()

    for doc in docs:
        written += 1
        batch.append(_rows(written, doc))
        if len(batch) >= BATCH:
            flush()
    flush()
    return written


_ORDER = {
    "relevance": "score DESC, items.filed_at DESC, items.archive_no DESC",
    "date": "items.date = '', items.date DESC, items.filed_at DESC, items.archive_no DESC",
    "number": "items.archive_no",
}


def _search(conn: sqlite3.Connection, request: SearchRequest) -> SearchPage:
    """Two steps: the page's ids and scores from the narrow ``items`` table joined to the matches (cheap for
    every match), then the stored text and what results show of those ids only."""
    # items.unit and items.owners, not fts's columns of the same names.
    where, params = filter_conditions(
        request.filters,
        "?",
        f"instr(items.owners, char({ord(_OWNER_SEPARATOR)}) || ? || char({ord(_OWNER_SEPARATOR)})) > 0",
        "items",
    )
    if request.groups:
        match = compile_match(request.groups)
        if request.excluded:  # FTS5's own NOT: the excluded matches are skipped while merging, not looked up
            match = f"({match}) NOT ({compile_match([request.excluded])})"
        source, score = "fts JOIN items ON items.id = fts.rowid", f"-{_BM25}"
        condition = " AND ".join(["fts MATCH ?", *where])
        params.insert(0, match)
        # Without filters FTS5 counts its matches itself, without visiting the items.
        counted = ("fts", "fts MATCH ?", [match]) if not where else (source, condition, params)
    else:
        if request.excluded:
            where.append("items.id NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            params.append(compile_match([request.excluded]))
        source, score = "items", "0.0"
        condition = " AND ".join(where) or "1"
        counted = (source, condition, params)
    total = conn.execute(f"SELECT count(*) FROM {counted[0]} WHERE {counted[1]}", counted[2]).fetchone()[0]
    page = conn.execute(
        f"SELECT items.id, items.archive_no, {score} AS score FROM {source}"
        f" WHERE {condition} ORDER BY {_ORDER[request.sort]} LIMIT ?",
        [*params, -1 if request.limit is None else request.limit],
    ).fetchall()
    stored: dict[int, tuple[int, str, str]] = {}
    ids = [row[0] for row in page]
    for batch in in_batches(ids):
        for row_id, body_start, shown, text in conn.execute(
            f"SELECT id, body_start, shown, text FROM shown WHERE id IN ({', '.join('?' for _ in batch)})", batch
        ):
            stored[row_id] = (body_start, shown, text)
    pending = conn.execute("SELECT count(*) FROM items WHERE state = 'pending'").fetchone()[0]
    found = []
    for row_id, number, value in page:
        body_start, shown, text = stored[row_id]
        found.append(IndexedItem(number, float(value), text, body_start, json.loads(shown)))
    return SearchPage(found, total, pending)


__all__ = ["DATABASE", "SCHEMA_VERSION", "SqliteIndex", "compile_match", "compile_phrase"]
