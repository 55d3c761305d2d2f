"""A copy of a SQLite ledger taken while it is in use (``recordkit db backup``): one consistent file, private.

SQLite's online backup API copies the ledger as one read transaction sees it — the last committed moment, never a
writer's rows not yet committed, whatever the watch service, the web page and the clerks write meanwhile — into
a temporary file beside the target; the copy is checked (``PRAGMA integrity_check``), fsynced and only then given
its name, never over an existing file.  A PostgreSQL ledger is ``pg_dump``'s to copy; the archive tree is not here.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import unicodedata
import urllib.parse
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from recordkit.core.atomic import PRIVATE, creating, remove_leftovers
from recordkit.core.errors import (
    ConflictError,
    IntegrityError,
    LedgerError,
    NotFoundError,
    RecordkitError,
    StorageError,
    UsageError,
    storage_error,
)
from recordkit.core.filenames import printable
from recordkit.ledger.db import Ledger, full_disk
from recordkit.ledger.schema import journal
from recordkit.ledger.write_queue import busy_message

#: How a backup's temporary file is named (then random letters, then ``SUFFIX``): a file so named is a backup not
#: finished — its process killed —, removed by the next backup into the same folder.
TEMP_PREFIX = ".~recordkit-backup-"
SUFFIX = ".sqlite3"
#: The files SQLite may keep beside a copy being written: removed with a killed backup's temporary file.
_COMPANIONS = ("-journal", "-wal", "-shm")
#: Pages copied at a time between two reports to the progress bar (4 MB at SQLite's 4 KB pages).
STEP_PAGES = 1024
#: What a backup holds, said with every copy made.
PRIVATE_NOTE = "备份里有完整的电话、证件号码、银行卡号等个人信息，请放在只有管理员能读的地方"


#: A copy ``backup_ledger`` named by its estate and time in a folder (``backup_name``; an older version's without the
#: estate), with ``-2``, ``-3``… when another copy (an estate of the same name, sharing the folder) took that second's
#: name first: the only files ``--keep`` removes.
_NAMED = re.compile(r"ledger-(?:\w+-)?([0-9]{8}-[0-9]{6})(?:-([0-9]{1,4}))?\.sqlite3")
#: What an estate's name may not keep in a copy's name: anything but letters, digits and Chinese characters (a blank,
#: a slash, a dot, the dash that parts the name's fields).
_NOT_IN_NAME = re.compile(r"[\W_]+")
#: The longest estate name a copy's name carries (characters): the whole name stays far below a file system's limit.
_ESTATE_CHARS = 32
#: How many copies one second's names take in one folder before a backup is refused as its name taken.
_SAME_SECOND = 100


@dataclass(frozen=True)
class LedgerBackup:
    """A copy ``backup_ledger`` made: where it is and its size in bytes; with ``keep``, the older copies of the same
    ledger it removed, and those it could not (each with the reason)."""

    path: Path
    bytes: int
    removed: tuple[Path, ...] = ()
    not_removed: tuple[tuple[Path, str], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "bytes": self.bytes,
            "removed": [str(path) for path in self.removed],
            "not_removed": [{"path": str(path), "reason": reason} for path, reason in self.not_removed],
        }


def estate_in_name(estate: str) -> str:
    """The estate's name as a copy's name carries it: each run of other characters than letters, digits and Chinese
    characters one ``_`` (``东区 A/B座``: ``东区_A_B座``), none at either end, at most ``_ESTATE_CHARS``; empty for a
    name of none."""
    return _NOT_IN_NAME.sub("_", unicodedata.normalize("NFC", estate)).strip("_")[:_ESTATE_CHARS].strip("_")


def backup_name(moment: dt.datetime, estate: str) -> str:
    """The name of a copy of ``estate``'s ledger made at ``moment`` (the office's clock) into a folder:
    ``ledger-幸福里-20261205-180000.sqlite3`` (``estate_in_name``; ``ledger-20261205-180000.sqlite3`` for a name of
    no letter, digit or Chinese character)."""
    said = estate_in_name(estate)
    return f"ledger-{said + '-' if said else ''}{moment:%Y%m%d-%H%M%S}{SUFFIX}"


def backup_file(target: str | None, default_folder: Path, moment: dt.datetime, estate: str) -> Path:
    """The file a backup is written to: ``target`` itself, or ``backup_name(moment, estate)`` inside it when it is a
    folder — one that exists, or one written with a separator at its end (``/mnt/备份盘/台账/``: never taken for a
    file's name) —, or inside ``default_folder`` without one."""
    if target is None:
        return default_folder / backup_name(moment, estate)
    path = Path(target)
    if target.endswith(("/", os.sep)) or path.is_dir():
        return path / backup_name(moment, estate)
    return path


def backup_ledger(
    ledger: Ledger,
    target: str | None,
    *,
    default_folder: Path,
    moment: dt.datetime,
    estate: str,
    progress: Callable[[int, int | None], None] | None = None,
    pages: int = STEP_PAGES,
    keep: int | None = None,
) -> LedgerBackup:
    """Copy the SQLite ``ledger`` into ``backup_file(target, default_folder, moment, estate)``, mode 0600; the default
    folder is made (0700) when missing, and is the one meant when ``target`` names it (with or without its slash).
    ``progress(pages done, pages in all)`` after each ``pages``.  With ``keep``, once the copy is made, the copies of
    this ledger in its folder older than the newest ``keep`` are removed (``_prune``); ``UsageError`` before anything
    when ``keep`` is below 1 or the copy is not named by its time in a folder (a file named by the clerk).

    Raises ``UsageError`` for a PostgreSQL ledger (``pg_dump`` copies it), ``NotFoundError`` when ``target``'s folder
    does not exist (a backup disk not mounted: never made), ``LedgerError`` when there is no ledger yet or it stayed
    locked past its busy timeout, ``ConflictError`` when the file exists or a file stands where the default folder
    belongs (a copy named by its time takes the next free name, ``-2``…, before that), ``StorageError`` when its
    disk is full or takes no file, ``IntegrityError`` when the copy fails SQLite's check; in each case no file is
    left.  A temporary file of a backup killed earlier in the same folder is removed first."""
    if ledger.dialect != "sqlite" or ledger.file is None:
        # An estate's schema alone: the whole database holds the other estates' owners too.
        whose, only = ("这个小区的模式", f" -n {ledger.schema}") if ledger.schema else ("", "")
        raise UsageError(
            f"台账在 PostgreSQL 数据库 {ledger.where} 里，recordkit db backup 只复制 SQLite 台账文件："
            f"请用 PostgreSQL 的 pg_dump 备份{whose}，例如 pg_dump -Fc -d postgresql://账户:密码@主机/库名{only}"
            f" -f 台账{'-' + ledger.schema if ledger.schema else ''}.dump（见 README 的“备份台账”）；什么也没有写入"
        )
    ledger.require_existing()
    if keep is not None and keep < 1:
        raise UsageError(f"--keep 至少为 1（给的是 {keep}）：这一份总要留下；什么也没有写入")
    if target is not None and Path(target).resolve() == default_folder.resolve():
        target = None  # the default folder named, with or without its slash: never a file named like it
    if target is None and os.path.lexists(default_folder) and not default_folder.is_dir():
        raise ConflictError(
            f"{printable(str(default_folder))} 是一个文件，不是备份文件夹，什么也没有写入："
            "请把它改名或移走（它可能是以前的一份备份），或给出别的文件夹"
        )
    if target is None and not default_folder.is_dir():
        default_folder.mkdir(parents=True, exist_ok=True)
        default_folder.chmod(0o700)  # exactly: the umask takes nothing from it
    path = backup_file(target, default_folder, moment, estate)
    if target is not None and not path.parent.is_dir():
        # Never made here: a backup disk not mounted leaves its mount point (or nothing) where the folder should be,
        # and a folder made there would keep the nightly copies on this computer's own disk, unnoticed.
        raise NotFoundError(
            f"备份文件夹 {printable(str(path.parent))} 不存在，什么也没有写入：备份盘（U 盘）接好了吗？"
            "第一次备份前请先建好这个文件夹"
        )
    named = target is None or path != Path(target)  # (named by its time: a name taken gives the next free one)
    if keep is not None and not named:
        raise UsageError(
            "--keep 只用于备份到文件夹（备份按时间命名，才分得出新旧）：请给出文件夹，或去掉 --keep；什么也没有写入"
        )
    if path.parent.is_dir():
        remove_leftovers(path.parent, TEMP_PREFIX, SUFFIX, _COMPANIONS)
    try:
        path = _published(ledger, path, named, progress, pages)
    except OSError as err:
        refusal = storage_error(err)
        if refusal is None:
            raise
        raise StorageError(f"备份没有做完：{refusal.message}；没有留下备份文件") from err
    size = path.stat().st_size
    if keep is None:
        return LedgerBackup(path, size)
    removed, not_removed = _prune(path, keep, _identity_of_ledger(ledger))
    return LedgerBackup(path, size, removed, not_removed)


def _published(
    ledger: Ledger, path: Path, named: bool, progress: Callable[[int, int | None], None] | None, pages: int
) -> Path:
    """Copy the ledger into ``path``, never over a file; a copy named by its time (``named``) whose name is taken —
    another estate's of the same name made in the same second into the same folder — takes the next free one (``-2``,
    ``-3``…).
    Raises ``ConflictError`` when the name (or every one of that second's) is taken."""
    names = [path] if not named else [path] + [_numbered(path, n) for n in range(2, _SAME_SECOND + 1)]
    for candidate in names:
        if os.path.lexists(candidate):
            continue
        try:
            with creating(candidate, mode=PRIVATE, prefix=TEMP_PREFIX) as temp:
                _copy(ledger, temp, candidate, progress, pages)
        except FileExistsError:
            continue  # (taken while the copy was made: by another backup into the same folder)
        return candidate
    raise _taken(path, named)


def _numbered(path: Path, number: int) -> Path:
    """``ledger-幸福里-20261205-020000-2.sqlite3`` for ``ledger-幸福里-20261205-020000.sqlite3`` and 2."""
    return path.with_name(f"{path.name.removesuffix(SUFFIX)}-{number}{SUFFIX}")


def _time_order(path: Path) -> tuple[str, int]:
    """The order of a folder's copies (``_NAMED``), by their time, then by their number within one second."""
    named = _NAMED.fullmatch(path.name)
    return (named[1], int(named[2] or 1)) if named is not None else (path.name, 0)


def _identity_of_ledger(ledger: Ledger) -> str | None:
    """What tells this ledger's copies from another's: the hash of its journal's first entry (every copy, a moved
    ledger's too, starts the same chain); None for a ledger whose journal is empty."""
    with ledger.read() as conn:
        return conn.execute(sa.select(journal.c.hash).where(journal.c.id == 1)).scalar()


def _identity_of_copy(path: Path) -> str | None:
    """``_identity_of_ledger`` of a copy, read without writing to it; None for a file that is no ledger."""
    address = f"file:{urllib.parse.quote(str(path))}?mode=ro"
    try:
        with closing(sqlite3.connect(address, uri=True, timeout=1)) as copy:
            row = copy.execute("SELECT hash FROM journal WHERE id = 1").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _prune(made: Path, keep: int, identity: str | None) -> tuple[tuple[Path, ...], tuple[tuple[Path, str], ...]]:
    """Remove the copies in ``made``'s folder older than the newest ``keep`` of this ledger's (``made`` one of them,
    never removed), newest by the time in their names.  Only regular files named as ``backup_name`` names them whose
    journal starts as this ledger's does are counted or removed: another estate's copies in the same folder, a file
    that is no ledger, a link, a copy of a ledger with no journal yet are never touched."""
    ours: list[Path] = []
    for entry in made.parent.iterdir():
        if entry == made or not _NAMED.fullmatch(entry.name) or entry.is_symlink() or not entry.is_file():
            continue
        if identity is not None and _identity_of_copy(entry) == identity:
            ours.append(entry)
    removed: list[Path] = []
    failed: list[tuple[Path, str]] = []
    for old in sorted(ours, key=_time_order, reverse=True)[keep - 1 :]:
        try:
            old.unlink()
        except OSError as err:
            failed.append((old, printable(err.strerror or str(err))))
        else:
            removed.append(old)
    return tuple(sorted(removed)), tuple(failed)


def _taken(path: Path, named: bool) -> ConflictError:
    """What the clerk is told when the backup's file exists: never overwritten."""
    if named:
        return ConflictError(
            f"{printable(str(path))} 和这一秒的另外 {_SAME_SECOND - 1} 个名字都已经有备份，没有覆盖它们：请过一会儿再备份"
        )
    return ConflictError(f"{printable(str(path))} 已经存在，没有覆盖它：请换一个文件名，或给出文件夹（备份按时间命名）")


def _copy(
    ledger: Ledger, temp: Path, path: Path, progress: Callable[[int, int | None], None] | None, pages: int
) -> None:
    """The ledger as one read transaction sees it, copied into ``temp`` (the file ``path`` will be), checked."""

    def step(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)

    with ledger.read() as conn:
        # The read transaction's moment is taken by its first reading; every step of the copy reads that moment,
        # so a clerk's write meanwhile neither enters the copy nor starts it again.
        conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        source: sqlite3.Connection = conn.connection.driver_connection  # type: ignore[assignment]
        try:
            with closing(sqlite3.connect(temp, timeout=ledger.busy_timeout, isolation_level=None)) as copy:
                source.backup(copy, pages=pages, progress=step, sleep=0)
                # One file, without -wal and -shm beside it: it opens from a read-only U disk too.
                copy.execute("PRAGMA journal_mode = DELETE")
                checked = [row[0] for row in copy.execute("PRAGMA integrity_check").fetchall()]
        except sqlite3.Error as err:
            raise _failed(ledger, path, err) from err
    if checked != ["ok"]:
        raise IntegrityError(
            f"备份没有做完：复制出的台账没有通过 SQLite 的完整性检查（{printable('；'.join(checked[:3]))}），"
            "没有留下备份文件。台账文件本身可能已经损坏：请先别再写台账，找 IT 人员检查"
        )


def _failed(ledger: Ledger, path: Path, err: sqlite3.Error) -> RecordkitError:
    """What the clerk is told of a copy SQLite stopped: the target's disk full, the ledger locked too long, else
    SQLite's own words."""
    said = printable(str(err))
    if (free := full_disk(err, path.parent)) is not None:
        size = ledger.file.stat().st_size if ledger.file is not None else 0
        return StorageError(
            f"备份没有做完：{printable(str(path.parent))} 所在的磁盘满了（剩余 {free / 2**20:.0f} MB，"
            f"台账有 {size / 2**20:.0f} MB，SQLite 说：{said}）；没有留下备份文件。请换一个有空间的位置，或清理后重试"
        )
    if "locked" in said or "busy" in said:
        return LedgerError(busy_message(0, ledger.busy_timeout))
    return LedgerError(f"备份没有做完：SQLite 说：{said}；没有留下备份文件")
