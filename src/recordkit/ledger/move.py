"""Moving a whole ledger into another database (``recordkit db move``): a SQLite ledger into the office's
PostgreSQL when it grows to several PCs, an estate's database into its schema on the group's server, or back.

Everything or nothing: every table is copied in one transaction on the target, while the old ledger's write
lock is held (nobody writes in between), the copy is read back and compared table by table and the journal's
chain checked before it commits.  Then the old ledger gets a journal entry saying where it went, and from that
moment ``Ledger.write()`` refuses it: a watcher or a web page still running on the old address stops with a
message instead of filing into a ledger nobody reads.  The old ledger is otherwise left as it was (a backup).
A move cut short between the two commits is finished by moving again into the same target.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError, StatementError

from recordkit.core.errors import ConfigError, ConflictError, RecordkitError, UsageError, ValidationError
from recordkit.ledger import journal
from recordkit.ledger.db import (
    LEDGER_MOVED,
    SCHEMA_ADVICE,
    Ledger,
    bulk_insert,
    cut_short,
    display_url,
    driver_errors_wrapped,
    no_time_limit,
    normalise_url,
    open_ledger,
    server_said,
    sqlite_file,
)
from recordkit.ledger.schema import journal as journal_table
from recordkit.ledger.schema import metadata

#: Journal actions: the old ledger's last entry (``Ledger.write`` refuses a ledger that has it) and the new
#: ledger's first after the copy.
MOVED_OUT = LEDGER_MOVED
MOVED_IN = "ledger.move_in"
#: Rows read and written at a time.
BATCH = 2000


@dataclass(frozen=True)
class LedgerMove:
    """What ``move_ledger`` copied: rows by table (every table of the ledger, empty ones included)."""

    source: str  # where the ledger was, as messages name it (no password)
    target: str
    rows: dict[str, int]
    resumed: bool = False  # the copy was there already, from a move cut short before its last commit
    earlier: str = ""  # when the ledger had been moved here already (ISO, UTC): nothing was done this time

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.target,
            "rows": self.rows,
            "total": self.total,
            "resumed": self.resumed,
            "earlier": self.earlier,
        }


def move_ledger(
    source: Ledger,
    target: Ledger,
    operator: str,
    *,
    progress: Callable[[int, int | None], None] | None = None,
) -> LedgerMove:
    """Copy every row of ``source`` into ``target`` (both migrated to the same revision), verify the copy, then
    mark ``source`` as moved.  ``UsageError`` when both are the same ledger; ``ConflictError`` when the target
    already holds a ledger's data; ``LedgerError`` when the source was moved before (its write lock refuses);
    ``ValidationError`` naming the table and row the target database refused.  Nothing is written then.

    The target commits first, then the source's closing entry.  A crash between the two (milliseconds) leaves a
    whole copy in the target and the source still open: moving again into the same target checks that copy
    against the source, table by table, and only adds the closing entry (``resumed``); a source changed since is
    a ``ConflictError``.  A source already moved into this very target is left as it is (``earlier``): the caller
    writes its settings again — once the target is seen to hold it (its move-in entry; a ``ConflictError`` for a
    database made anew since).  A target holding a ledger moved away from it is a filled one (``ConflictError``),
    not a ledger to send the clerk after."""
    if _same_place(source, target):
        raise UsageError(f"目标 {target.where} 就是现在的台账：请写另一个数据库的地址（或另一个模式）")
    gone = source.moved_to()
    if gone is not None and gone.to == target.where:  # done before; the command stopped before the settings
        if not _moved_in(target, source.where):
            raise ConflictError(
                f"台账已于 {gone.at} 搬到 {target.where}，但那里没有它（没有从 {source.where} 搬入的记录：那个数据库"
                "多半被删掉重建过）：recordkit.toml 没有改动。请数据库管理员找回那个数据库的备份；"
                "原台账保留着搬走时的全部内容"
            )
        return LedgerMove(source.where, target.where, {}, earlier=gone.at)
    if target.moved_to() is not None:  # a ledger moved away from there: its own refusal would name where it went
        with target.read() as conn:
            _refuse_filled(conn, target.where)
    with source.write() as old, target.write() as new:
        no_time_limit(old)
        no_time_limit(new)
        counts = {table.name: _count(old, table) for table in metadata.sorted_tables}
        total = sum(counts.values())
        resumed = _finished_copy(old, new, source.where, target.where)
        if not resumed:
            _refuse_filled(new, target.where)
            _copy_tables(old, new, counts, progress)
            journal.record(
                new,
                operator,
                [journal.Change(MOVED_IN, "ledger", source.where, None, {"from": source.where, "rows": total})],
            )
        journal.record(
            old,
            operator,
            [journal.Change(MOVED_OUT, "ledger", target.where, None, {"to": target.where, "rows": total})],
        )
    return LedgerMove(source.where, target.where, counts, resumed)


def _copy_tables(
    old: Connection, new: Connection, counts: dict[str, int], progress: Callable[[int, int | None], None] | None
) -> None:
    """Every table's rows from ``old`` into ``new``, each read back and compared; the sequences and the journal's
    chain after."""
    total, done = sum(counts.values()), 0
    if progress is not None:
        progress(0, total)
    for table in metadata.sorted_tables:
        copied = 0
        for batch in _batches(old, table):
            with _target_ended():
                _insert(new, table, batch)
            copied = _fingerprint(batch, copied)
            done += len(batch)
            if progress is not None:
                progress(done, total)
        with _target_ended():
            read_back = _read(new, table)
        if read_back != (counts[table.name], copied):
            raise ValidationError(
                f"{table.name} 表复制后读回的内容与原台账不同：什么也没有写入，请把这条消息和日志交给技术支持"
            )
    with _target_ended():
        if new.dialect.name == "postgresql":
            _continue_sequences(new)
        chain = journal.verify(new)
    if not chain.ok or chain.rows_checked != counts["journal"]:
        raise ValidationError(f"复制后的操作日志校验不通过（{chain.reason or '条数不符'}）：什么也没有写入")


@contextmanager
def _target_ended() -> Iterator[None]:
    """The new database's server ending or cutting the move (a restart, an administrator's cancel, a lock waited
    for too long): said so, with nothing written (the move's one transaction there goes with it)."""
    try:
        yield
    except OperationalError as err:
        raise cut_short("搬迁", err, "什么也没有写入，原台账照常可用，", "再试", by="新数据库") from err


def _moved_in(target: Ledger, source: str) -> bool:
    """Whether ``target``'s journal has the entry of a move from ``source``."""
    with target.read() as conn:
        entry = conn.execute(
            sa.select(journal_table.c.id)
            .where(journal_table.c.action == MOVED_IN, journal_table.c.entity_key == source)
            .limit(1)
        ).first()
    return entry is not None


def _finished_copy(old: Connection, new: Connection, source: str, target: str) -> bool:
    """Whether ``new`` already holds this very ledger, copied and committed by a move whose closing entry in the
    old ledger was never committed: its journal ends with the move-in entry from ``source`` and every table
    (the journal before that entry) reads the same as the old ledger's."""
    table = journal_table
    last = new.execute(
        sa.select(table.c.id, table.c.action, table.c.entity_key).order_by(table.c.id.desc()).limit(1)
    ).first()
    if last is None or last.action != MOVED_IN or last.entity_key != source:
        return False
    for each in metadata.sorted_tables:
        before_entry = table.c.id < last.id if each is table else None
        if _read(new, each, before_entry) != _read(old, each):
            raise ConflictError(
                f"目标 {target} 里是这个台账较早的一份副本（上次搬迁复制完成后中断），之后台账又有改动（{each.name} 表）："
                "请删除目标里的台账（数据库或模式）后重新搬"
            )
    return True


@contextmanager
def open_target(url: str, *, schema: str = "", busy_timeout: int = 30) -> Iterator[Ledger]:
    """The ledger to move into, migrated to this version (a new SQLite file, a new schema and its tables are
    made).  A SQLite file made here is removed again when the move fails: a failed move leaves nothing behind."""
    url = absolute_url(url)
    path = sqlite_file(url)
    made = path if path is not None and not path.exists() else None
    target: Ledger | None = None
    try:
        try:
            if schema and path is not None:  # (said by the ledger in recordkit.toml's words, not the command's)
                raise ConfigError(
                    f"--schema 写的模式 {schema!r} 只用于 PostgreSQL 台账，{display_url(url)} 不是："
                    "请去掉 --schema，或在 --to 写 PostgreSQL 地址"
                )
            target = open_ledger(url, schema=schema, busy_timeout=busy_timeout)
        except RecordkitError as err:  # its words name recordkit.toml; here the address came from --to
            # (and the schema from --schema: written into recordkit.toml beside a SQLite ledger, it is refused)
            said = err.message.replace(SCHEMA_ADVICE, "在 recordkit db move 命令后加上 --schema recordkit")
            raise type(err)(f"新台账（--to {display_url(normalise_url(url))}）打不开：{said}") from err
        with target:
            yield target
    except BaseException:
        # Only a file no move committed into (Ctrl+C after the commit must never take the new ledger with it).
        if made is not None and (target is None or target.commits == 0):
            for leftover in (made, *(made.with_name(made.name + end) for end in _SQLITE_COMPANIONS)):
                if leftover.is_dir():  # the write queue's folder of tickets
                    shutil.rmtree(leftover, ignore_errors=True)
                else:
                    leftover.unlink(missing_ok=True)
        raise


#: The files SQLite and recordkit keep beside a ledger file.
_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal", "-queue", "-migrate.lock")


def absolute_url(url: str) -> str:
    """A SQLite URL with a relative path made absolute (as typed, it would be relative to wherever recordkit is
    started from next time); other URLs as given."""
    path = sqlite_file(url)
    if path is None or path.is_absolute() or not url.startswith("sqlite:///"):
        return url
    return f"sqlite:///{path.resolve()}"  # as written, not percent-encoded: recordkit.toml keeps Chinese names


def _same_place(source: Ledger, target: Ledger) -> bool:
    """Whether both are one ledger: the same file, or the same server, database and schema however the address
    spells them (``localhost`` or ``127.0.0.1``, ``?host=…`` or ``@host``: the server says who it is)."""
    a, b = sa.engine.make_url(source.url), sa.engine.make_url(target.url)
    if a.get_backend_name() != b.get_backend_name():
        return False
    if a.get_backend_name() == "sqlite":
        return Path(a.database or "").resolve() == Path(b.database or "").resolve()
    here = (a.host or "localhost", a.port or 5432, a.database, source.schema or "public")
    if here == (b.host or "localhost", b.port or 5432, b.database, target.schema or "public"):
        return True
    return _server_place(source) == _server_place(target)


#: Which server (told by the moment it started, to the microsecond: any account may read it, where the cluster's
#: identifier is an administrator's on some hosted servers), database and schema a connection is in.
_SERVER_PLACE = "SELECT pg_postmaster_start_time(), current_database(), current_schema()"


def _server_place(ledger: Ledger) -> tuple[Any, ...]:
    with ledger.read() as conn:
        return tuple(conn.exec_driver_sql(_SERVER_PLACE).one())


def _count(conn: Connection, table: sa.Table) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _refuse_filled(conn: Connection, where: str) -> None:
    """``ConflictError`` when the target holds any row: a move never mixes two ledgers."""
    filled = [(table.name, n) for table in metadata.sorted_tables if (n := _count(conn, table))]
    if filled:
        listed = "、".join(f"{name} {n} 行" for name, n in filled[:5])
        raise ConflictError(
            f"目标 {where} 已有台账数据（{listed}）：台账只能搬进空的数据库或模式，"
            "请换一个新的数据库（或 [database] schema 写一个新模式名）"
        )


def _batches(
    conn: Connection, table: sa.Table, where: sa.ColumnElement[bool] | None = None
) -> Iterator[list[dict[str, Any]]]:
    """The table's rows in primary-key order (a row that names an earlier row of its own table comes after it)."""
    query = sa.select(table).order_by(*table.primary_key.columns)
    if where is not None:
        query = query.where(where)
    try:
        # Per statement: a connection's own execution_options would stay on it (server-side cursors for the INSERTs).
        result = conn.execute(query, execution_options={"yield_per": BATCH})
        for part in result.mappings().partitions(BATCH):
            yield [dict(row) for row in part]
    except OperationalError:  # the database stopped the reading (a server restarting): not a value's fault
        raise
    except (StatementError, ValueError) as err:
        # A SQLite value its column's type cannot read back (a date typed by hand as "2024/5/1"); the driver's
        # words are English, the value it quotes is what the clerk needs.
        quoted = re.search(r"'([^']*)'", str(err))
        value = f"“{quoted.group(1)}”" if quoted else "一个值"
        raise ValidationError(
            f"现在的台账 {table.name} 表中的{value}不是这一列应有的格式（例如日期应写成 2024-05-01）："
            "请先在现在的台账里更正，什么也没有写入"
        ) from err


def _insert(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert a batch (PostgreSQL: by COPY); when the target refuses it, insert its rows one by one instead, to
    name the first row it refuses."""
    try:
        with conn.begin_nested():
            if conn.dialect.name == "postgresql":
                _copy(conn, table, rows)
            else:
                bulk_insert(conn, table, rows)
        return
    except OperationalError:  # cancelled, a lock waited for too long, the connection lost: ``_target_ended``
        raise
    except DBAPIError:
        pass
    for row in rows:
        try:
            with conn.begin_nested():
                bulk_insert(conn, table, [row])
        except OperationalError:
            raise
        except DBAPIError as err:
            key = "、".join(f"{column.name}={row[column.name]}" for column in table.primary_key.columns)
            detail = server_said(err)
            raise ValidationError(
                f"目标数据库不接受 {table.name} 表的一行（{key}）：{detail}。请先在现在的台账里更正这一行，"
                "什么也没有写入"
            ) from err
    # Here every row went in alone (the batch failed for a reason of its own): the batch is in.


def _copy(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """PostgreSQL's COPY on the connection's own driver (psycopg adapts dates, booleans and NULLs): a few times
    faster than INSERTs for a whole ledger, and the old ledger's writers wait that much less."""
    columns = [column.name for column in table.columns]
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with driver_errors_wrapped(), cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns])


def _fingerprint(rows: Sequence[dict[str, Any]], start: int = 0) -> int:
    """``start`` plus each row's SHA-256 over its values as Python reads them from either database, modulo 2**256:
    the same sum in whatever order the rows come (SQLite and PostgreSQL may sort a text key differently), and no two
    rows' digests cancel out."""
    for row in rows:
        digest = hashlib.sha256(repr(tuple(row.values())).encode("utf-8")).digest()
        start = (start + int.from_bytes(digest, "big")) % _MODULUS
    return start


_MODULUS = 2**256


def _read(conn: Connection, table: sa.Table, where: sa.ColumnElement[bool] | None = None) -> tuple[int, int]:
    """The table's row count and the sum of its rows' fingerprints, as read from ``conn``."""
    rows, summed = 0, 0
    for batch in _batches(conn, table, where):
        summed = _fingerprint(batch, summed)
        rows += len(batch)
    return rows, summed


def _continue_sequences(conn: Connection) -> None:
    """PostgreSQL numbers new rows from each table's sequence: start them after the copied ids."""
    for table in metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, sa.Integer):
            continue
        column = key[0].name
        sequence = conn.execute(
            sa.text("SELECT pg_get_serial_sequence(:table, :column)"), {"table": table.name, "column": column}
        ).scalar()
        if sequence is None:  # the journal: its ids are assigned by recordkit
            continue
        conn.execute(
            sa.text(f"SELECT setval(:sequence, COALESCE((SELECT MAX({column}) FROM {table.name}), 0) + 1, false)"),
            {"sequence": sequence},
        )
