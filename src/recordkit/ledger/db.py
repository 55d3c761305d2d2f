"""The ledger connection: SQLite (default) or PostgreSQL, migrated on first use.

``Ledger.write()`` is the only way to change the ledger: it holds one global
write lock for the whole transaction (SQLite: a turn in ``ledger.write_queue``'s fair
queue, then ``BEGIN IMMEDIATE``; PostgreSQL: an advisory lock, which PostgreSQL
queues in order), so journal chains and numbers never interleave between clerks
and a clerk waits behind the others, never for ever.  How long each write waited
and held the lock is kept (``Ledger.lock_times``).

On PostgreSQL a ledger may live in a schema of its own (``[database] schema``): every
connection's ``search_path`` is that schema alone, so several estates share one database
without seeing each other's tables, and each estate has its own write lock.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import sqlite3
import stat
import time
import zlib
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar
from urllib.parse import unquote

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from recordkit.core.atomic import PRIVATE
from recordkit.core.config import DatabaseSettings, OfficeSettings, check_schema_name, spaced
from recordkit.core.errors import (
    ConfigError,
    ConflictError,
    LedgerDiskFull,
    LedgerError,
    LedgerMoved,
    NotFoundError,
    StorageError,
    logged_already,
)
from recordkit.core.unitcodes import no_such_units, parse_unit_code, unit_not_in_ledger
from recordkit.ledger.schema import HEAD_REVISION, archive_items, metadata, units
from recordkit.ledger.write_queue import WriteQueue, busy_message, flock_available

if TYPE_CHECKING:
    from recordkit.core.workspace import Workspace

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Arbitrary constants that name recordkit's advisory locks in a shared PostgreSQL.
_PG_WRITE_LOCK = 7_270_011
_PG_MIGRATE_LOCK = 7_270_012
#: PostgreSQL's SQLSTATE for "relation … already exists": a first migration meeting another program's table.
_PG_DUPLICATE_TABLE = "42P07"
#: … and for "relation … does not exist" (SQLite: "no such table"): in a database without a ledger, none was set up.
PG_UNDEFINED_TABLE = "42P01"
_SQLITE_NO_TABLE_SAID = ("no such table",)
#: … and for "permission denied".
_PG_INSUFFICIENT_PRIVILEGE = "42501"
#: … and for "cannot execute … in a read-only transaction" (a hot standby, default_transaction_read_only).
_PG_READ_ONLY = "25006"
#: … and for "no schema has been selected to create in": an account's or database's ``search_path`` set by an
#: administrator to schemas that do not exist (``"$user"`` alone, the advice against writing into ``public``).
_PG_NO_SCHEMA = "3F000"
#: … and for a statement psycopg prepared on one server connection and finds missing ("26000") or taken
#: ("42P05") on the next: a pool that lends a server connection a transaction at a time (pgbouncer's
#: transaction mode; psycopg prepares a statement run five times on one connection).
_PG_PREPARED_ELSEWHERE = ("26000", "42P05")
#: … and what such a statement run with the parameters of another gives ("bind message supplies 0 parameters, but
#: prepared statement … requires 3").
_PG_PROTOCOL_VIOLATION = "08P01"
#: … and for a server whose disk is full ("could not extend file …: No space left on device", "could not write
#: to file …"): a table, an index or a sort's temporary file that could not grow.
PG_DISK_FULL = "53100"
#: … and its words for it where a connection fails (no SQLSTATE): a new connection writes the cache of the tables'
#: descriptions (``pg_internal.init``) when the last one was invalidated, and a full disk refuses it ("FATAL: could
#: not write init file", not translated); the system's own words, in English or in a zh_CN server's language.
DISK_FULL_SAID = ("No space left on device", "设备上没有空间", "could not write init file")
#: SQLite's code for "database or disk is full" (``sqlite3.Error.sqlite_errorcode``), and the primary code of its
#: "disk I/O error"s, which is what a full disk gives where a file of the WAL could not grow (its shared memory
#: file on a RAM disk, a write of the WAL itself on some file systems).
_SQLITE_FULL = 13
_SQLITE_IOERR = 10
#: … its primary code for "attempt to write a readonly database" (a file it had to open read-only), and the extended
#: code of it where even a reading needs a file made beside the ledger (its -wal or -shm, in a folder this account
#: cannot write).
_SQLITE_READONLY = 8
_SQLITE_READONLY_DIRECTORY = 1544
#: Free bytes below which a SQLite ledger's "disk I/O error" is told as its disk being full.
SQLITE_LOW_DISK = 64 * 2**20
#: What the office does about a full disk of the database server (PostgreSQL) or of this machine (SQLite).
SERVER_DISK_FULL = "数据库服务器的磁盘满了"
SERVER_DISK_ADVICE = "请数据库管理员腾出磁盘空间（或把数据目录搬到更大的磁盘）"
#: … and for a lock waited for past ``lock_timeout`` (the ledger's write lock, the search table's swap).
PG_LOCK_NOT_AVAILABLE = "55P03"
#: … and for a transaction the server ended so that it may be run again: on a replica (a clerk's PC on a hot
#: standby), a reading that held row versions or a table the primary's replayed changes remove ("canceling
#: statement due to conflict with recovery"); recordkit's writes are READ COMMITTED, so not for them.
PG_SERIALIZATION_FAILURE = "40001"
#: The server's words for the refusals told apart by them alone (they share their SQLSTATE with others): in English
#: and in the Simplified Chinese of a server whose ``lc_messages`` is zh_CN — initdb on a Chinese system sets it
#: so, and PostgreSQL ships that translation (taken from its zh_CN catalogue, postgres-15.mo).
STATEMENT_TIMEOUT_SAID = ("statement timeout", "语句执行超时")
DATABASE_DENIED_SAID = ("for database", "对数据库")
#: A refused write on the ledger's own tables (an account an administrator granted SELECT alone).
TABLE_DENIED_SAID = ("for table", "for sequence", "对表", "对序列")
PREPARED_SAID = ("prepared statement", "准备好语句", "准备好的语句")

#: What the IT person is told of a PostgreSQL ledger without ``[database] schema`` whose ``search_path`` names no
#: schema that exists (by doctor, and by a first use that failed on it).
NO_SCHEMA = "数据库给这个账户设的 search_path 里没有可以建表的模式"
#: The commands that make a new ledger — its SQLite file, or its ``[database] schema`` and tables — (besides ``init``,
#: ``db move`` and ``archive verify --repair``), as messages name them; every other command refuses
#: (``no_ledger_refusal``).
SCHEMA_MADE_BY = "recordkit db upgrade 或导入业主名册（recordkit owners import）"


#: SQLSTATEs of a PostgreSQL server out of reach besides a connection that failed or was cut (which has none): its
#: class 08 (connection exception), and a server shutting down or starting up (``admin_shutdown``,
#: ``crash_shutdown``, ``cannot_connect_now``).
_SERVER_AWAY = ("57P01", "57P02", "57P03")


def server_unreachable(err: BaseException) -> bool:
    """Whether ``err`` (a driver's error, or the ``LedgerError`` raised from one) is a PostgreSQL server out of reach:
    a connection that failed or was cut, or one the server ended or refused while shutting down or starting up."""
    cause = err if isinstance(err, DBAPIError) else err.__cause__
    if not isinstance(cause, OperationalError) or not hasattr(cause.orig, "sqlstate"):  # (SQLite's errors have none)
        return False
    sqlstate = getattr(cause.orig, "sqlstate", None)
    return sqlstate is None or str(sqlstate).startswith("08") or sqlstate in _SERVER_AWAY


class OutageWatch(Protocol):
    """Who says a ledger's outage instead of the ledger (``Ledger.outage``): a long-running service that tells it
    once, then a line a request, and when the server answers again (the web page's ``web.context.LedgerOutage``)."""

    def failed(self, err: DBAPIError) -> None: ...

    def answered(self) -> None: ...

    def asking(self) -> str:
        """The page whose request is asking the ledger (its path; "-" outside a request), for a log line."""
        ...


def ledgers_beside_said(schemas: list[str]) -> str:
    """The database's other schemas that hold a ledger (``Ledger.ledger_schemas``), as doctor and a refusal say."""
    return f"这个数据库里已有别的台账（模式 {'、'.join(schemas)}）"


#: The setting that puts the ledger in a schema of its own, as a refusal's advice words it (``db move``, whose
#: target comes from its options, words it as its own option: ``move.open_target``).
SCHEMA_ADVICE = '在 recordkit.toml 的 [database] 写 schema = "recordkit"'
NO_SCHEMA_ADVICE = (
    f"{SCHEMA_ADVICE}（recordkit 自己建这个模式，只用它），"
    "或请数据库管理员去掉给这个账户或库设的 search_path（ALTER ROLE 账户 RESET search_path，"
    "或 ALTER DATABASE 库名 RESET search_path）"
)
#: Whether the server takes no writes in the transaction asking: a replica (a hot standby) or a database or account
#: set read-only (``default_transaction_read_only``).  A SELECT expression.
TAKES_NO_WRITES = "pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on'"
#: What a clerk is told of a ledger that takes reads only (a replica), by doctor and by a refused write.
READ_ONLY = "只能读（从库，或设置了 default_transaction_read_only）"
#: What the web page's clerk is told of rights the server refuses the page's account: the grants to run are the IT
#: person's to read (doctor, the log), never shown in a clerk's browser with the account and the schema.
RIGHTS_ON_PAGE = "请找 IT 人员处理（要执行的授权语句见 recordkit doctor 和网页服务的日志）；什么也没有写入"
#: … and of a setting the IT person must change (the database's ``search_path``, recordkit.toml's schema).
SETTINGS_ON_PAGE = "请找 IT 人员处理（要改的设置见 recordkit doctor 和网页服务的日志）；什么也没有写入"
READ_ONLY_ADVICE = "检索和查看可以，收款、归档、借阅等写入要连主库"
#: … and of a SQLite ledger this process cannot write (a service account given the file to read only).
SQLITE_READ_ONLY = "只能读（运行 recordkit 的系统账户不能写入这个文件，或它所在的文件夹）"
#: The journal action that closes a ledger moved into another database (``recordkit db move``).
LEDGER_MOVED = "ledger.move"


class Moved(NamedTuple):
    """Where a moved ledger went (``recordkit db move``), as its closing journal entry says."""

    to: str  # the new ledger as messages name it (no password)
    at: str  # ISO, UTC

    @property
    def said(self) -> str:
        """ "已于 2026-12-04 搬到 …", as every message about it says it."""
        return f"已于 {self.at[:10]} 搬到 {self.to}"


def _new_private_file(path: Path) -> None:
    """Make a new SQLite ledger's file empty and readable by this account only (``PRIVATE``), before SQLite opens
    it: the ledger holds every owner's phone and ID number in full, and SQLite gives its WAL files the mode of
    the database's.  Another process making it at the same moment is no error; a folder that takes no new file
    is left to SQLite's first connection, which says so as it always has."""
    with suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))


def _companions(file: Path) -> tuple[Path, Path]:
    """The files SQLite keeps beside the ledger ``file`` in WAL mode: its -wal and its -shm."""
    return file.with_name(file.name + "-wal"), file.with_name(file.name + "-shm")


def sqlite_leftovers(file: Path) -> list[Path]:
    """The -wal and -shm files beside the SQLite ledger ``file`` that this process may not write although it may
    write the ledger itself: SQLite makes them with the ledger file's mode, so a process that could only read the
    file (0444 then) left them read-only, and they keep a ledger that is writable again read-only."""
    if not file.exists() or not os.access(file, os.W_OK):
        return []
    return [companion for companion in _companions(file) if companion.exists() and not os.access(companion, os.W_OK)]


def sqlite_takes_writes(file: Path) -> bool:
    """Whether this process may write the SQLite ledger ``file``: the file itself, and the files SQLite keeps beside
    it in WAL mode (``-wal``, ``-shm``), each one where it is there, or its folder where SQLite must make it.  The
    system is asked first (``os.access``); then SQLite itself, which knows what the system does not tell
    ``os.access`` (an account's rights on Windows, where it reads only the read-only attribute).  A file that is not
    there yet takes writes when its folder does."""
    if not file.exists():
        return os.access(file.parent, os.W_OK | os.X_OK)
    if not os.access(file, os.W_OK):
        return False
    for companion in _companions(file):
        if companion.exists():
            if not os.access(companion, os.W_OK):
                return False
        elif not os.access(file.parent, os.W_OK | os.X_OK):
            return False
    return not _sqlite_refuses_writes(file)


def _sqlite_refuses_writes(file: Path) -> bool:
    """SQLite's own answer, on a connection of its own that waits for no lock: a statement that would write nothing
    is refused as ``SQLITE_READONLY`` before any lock is taken when SQLite had to open the file read-only; a ledger
    that takes writes runs it (or is busy with another writer).  A file without a ledger yet says nothing."""
    try:
        with closing(sqlite3.connect(f"{file.resolve().as_uri()}?mode=rw", uri=True, isolation_level=None)) as conn:
            conn.execute("PRAGMA busy_timeout = 0")
            conn.execute("DELETE FROM alembic_version WHERE 0")
    except sqlite3.Error as err:
        return getattr(err, "sqlite_errorcode", 0) & 0xFF == _SQLITE_READONLY
    return False


def sqlite_refused(err: BaseException) -> bool:
    """Whether ``err`` is SQLite's refusal to write (or, in WAL mode, even to read) a ledger this account may not
    write, its file or its folder (``SQLITE_READONLY``): its message says what the account needs."""
    return getattr(cause_of(err), "sqlite_errorcode", 0) & 0xFF == _SQLITE_READONLY


def _in_wal_mode(file: Path) -> bool:
    """Whether the SQLite database ``file`` is in WAL mode, by its header (its bytes 18 and 19 are 2 then, 1 in the
    rollback journal's mode): a WAL database needs its -wal and -shm files even to be read, one in the rollback
    journal's mode is read without making a file beside it.  A file that cannot be read counts as WAL."""
    try:
        with file.open("rb") as opened:
            header = opened.read(20)
    except OSError:
        return True
    return header[18:20] != b"\x01\x01"


def normalise_url(url: str) -> str:
    """Pick recordkit's PostgreSQL driver (psycopg 3) for plain ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _rights_refused(message: str, on_page: str) -> LedgerError:
    """A refusal of rights the server denies the ledger's account: ``message`` (the grants to run) for a command, the
    log and doctor — logged here, since the web page's clerk sees only ``on_page`` and ``RIGHTS_ON_PAGE``."""
    log.error("%s", message)
    return LedgerError(message, form_message=f"{on_page}：{RIGHTS_ON_PAGE}")


def display_url(url: str) -> str:
    """The URL with its password hidden, safe for screens and logs; a SQLite file as its path
    (``sqlite:///`` and the path as written, Chinese folder names unescaped); no driver name
    (``postgresql://``, as the office writes it in recordkit.toml, not ``postgresql+psycopg://``)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # (a port that is not a number: ValueError)
        # shown as written only when no password can be in it: a file's path typed without sqlite:///
        return url.strip() if "://" not in url and "@" not in url and url.strip() else "（无法解析的地址）"
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///{parsed.database or ''}"
    host = parsed.host or ""
    if "@" in host:  # a password's unescaped @ (see ``Ledger._create_engine``): the host is after the last one
        parsed = parsed.set(password="*", host=host.rsplit("@", 1)[1])
    # A password may also be written as a parameter (libpq reads ``?password=…``): hidden as well.  Parameters are
    # shown as written (a socket folder ``host=/var/run/postgresql``, not ``%2Fvar%2Frun%2Fpostgresql``).
    query = {key: "***" if key == "password" else value for key, value in parsed.query.items()}
    shown = parsed.set(drivername=parsed.get_backend_name(), query=query).render_as_string(hide_password=True)
    address, asked, parameters = shown.partition("?")
    return address + asked + unquote(parameters)


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for any other URL, an unreadable one, or a database in memory."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


#: What is done about a SQLite ledger file gone (``sqlite_ledger_not_there``).
SQLITE_FOUND_AGAIN = "请先找回原来的台账：从备份恢复到这个位置，或挂载好它所在的磁盘"
#: What is done about a SQLite ledger file of 0 bytes (``sqlite_ledger_not_there``).
EMPTY_FILE_FOUND_AGAIN = "请先看看它所在的磁盘是否已满，再从备份把台账恢复到这个位置（替换这个空文件）"


def holds_no_ledger(file: Path) -> bool:
    """Whether a SQLite ledger ``file`` holds no ledger: not there, or of 0 bytes (a copy cut short, a full disk) —
    never opened then (SQLite's first connection would write a header into it)."""
    return not file.exists() or file.stat().st_size == 0


def sqlite_ledger_not_there(file: Path, given_by: DatabaseSettings) -> tuple[str, str]:
    """What a SQLite ledger ``file`` missing (deleted, left out of a restore, on a disk that did not mount) or empty
    is, and what to do: find it again, or make a new workspace's — ``Ledger.no_ledger_said``'s, and doctor's."""
    mistyped = f"地址写错了的，请检查{spaced(given_by.named('url'))}；" if given_by.url else ""
    new_workspace = f"{mistyped}确是新的工作区，先运行 {SCHEMA_MADE_BY}建立台账"
    if file.exists():  # (0 bytes: a copy that did not finish, or a write on a full disk — rarely a new estate)
        # Only ``db upgrade`` makes a ledger in that file, on purpose: an import refuses it as every command does.
        return (
            f"台账文件 {file} 是个空文件（0 字节），里面没有台账：多半是复制没有完成，或者磁盘写满时留下的，不是新的台账",
            f"{EMPTY_FILE_FOUND_AGAIN}；{mistyped}确是新的工作区，先运行 recordkit db upgrade 建立台账",
        )
    said = f"台账文件 {file} 不见了（被删除或挪走、从备份恢复时漏了它，或者它所在的磁盘没有挂载）"
    return said, f"{SQLITE_FOUND_AGAIN}；{new_workspace}"


def ledger_where(url: str, schema: str) -> str:
    """A ledger as messages name it: its URL without the password (``display_url``), and its schema if any."""
    return display_url(url) + (f"（模式 {schema}）" if schema else "")


class Ledger:
    """An open ledger database.  Create with ``open_ledger``; close with ``close()``."""

    def __init__(
        self,
        url: str,
        *,
        busy_timeout: int = 30,
        migrate: bool = True,
        create: bool = True,
        new_ledger: bool = True,
        upgrades: bool = True,
        schema: str = "",
        time_zone: str = OfficeSettings.time_zone,
        given_by: DatabaseSettings = DatabaseSettings(),
    ) -> None:
        self.url = normalise_url(url)
        #: Where the ledger's address and schema were given (recordkit.toml, or a variable), as messages name them.
        self.given_by = given_by
        #: The office's clock (``[office] time_zone``): a message written under a connection of this ledger shows
        #: a stored moment on it (``office_zone_of``), whatever this machine's zone.
        self.time_zone = time_zone
        self.busy_timeout = busy_timeout
        self.create = create
        #: Whether a first use may make a new ledger — a SQLite file, ``[database] schema``, the tables in an empty
        #: schema or database: only a command meant to make one (``init``, ``db upgrade``, an import of the roster
        #: …); any other refuses (``no_ledger_refusal``): a file gone or a mistyped name, never a new, empty ledger.
        self.new_ledger = new_ledger
        #: Whether a first use may bring an older ledger up to date; a command asked to change nothing (a dry run, a
        #: command that only reads) may not, and is refused one (``db upgrade`` first): a ledger it could not read
        #: without upgrading it.  Nor does it switch a SQLite ledger in the rollback journal's mode to WAL (a change to
        #: the file's header).
        self.upgrades = upgrades
        check_schema_name(schema)
        #: The PostgreSQL schema holding this ledger ("" for the server's default).
        self.schema = schema
        #: Write transactions committed through this object (the CLI tells an interrupted
        #: command that saved its work from one that did not).
        self.commits = 0
        #: Who says a PostgreSQL server out of reach (``server_unreachable``) and back, instead of a line here at each
        #: failed transaction: the web page (``web.context.LedgerOutage``); None for a command or the filing service.
        self.outage: OutageWatch | None = None
        #: (seconds waited for the write lock, seconds it was held) of the latest writes, newest last.
        self.lock_times: deque[tuple[float, float]] = deque(maxlen=10_000)
        self.engine = self._create_engine()
        #: The SQLite ledger's file (None on PostgreSQL or in memory): its queue, first-use lock and disk beside it.
        self.file = sqlite_file(self.url)
        self.write_queue = self._write_queue()
        if migrate:
            try:
                self.ensure_migrated()
            except BaseException:
                # (a refused ledger is closed at once: a SQLite one's -wal and -shm files go with its last connection)
                self.engine.dispose()
                raise

    # -- connection ---------------------------------------------------------------

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def where(self) -> str:
        """The ledger as messages name it: the URL without its password, and its schema if any."""
        return ledger_where(self.url, self.schema)

    def _create_engine(self) -> Engine:
        try:
            parsed = make_url(self.url)
        except (ArgumentError, ValueError) as err:  # (a port that is not a number: ValueError)
            shown = display_url(self.url)
            path = shown == self.url.strip()  # a file's path typed without sqlite:/// (shown as written)
            sqlite = f"SQLite 文件要写成 sqlite:///{shown}；" if path else ""
            raise ConfigError(
                f"数据库地址无法解析：{shown!r}：{sqlite}PostgreSQL 地址写成 "
                "postgresql://账户:密码@主机:端口/库名（端口是数字，例如 5432，可以不写）"
                + ("" if sqlite else "，SQLite 写 sqlite:///文件路径")
            ) from err
        if "@" in (parsed.host or ""):
            # "rk:P@ss#2026@192.168.1.10": the password's own @ taken for the end of the account, the rest of the
            # password for the host (and shown in every message naming the address).
            raise ConfigError(
                f"数据库地址 {display_url(self.url)} 的密码（或账户）里有 @，要写成 %40：地址里账户和密码的特殊字符"
                "都要写成百分号编码，@ 写 %40，# 写 %23，/ 写 %2F，: 写 %3A，% 写 %25"
                "（例如密码 P@ss#1 写成 postgresql://recordkit:P%40ss%231@192.168.1.10/recordkit）"
            )
        backend = parsed.get_backend_name()
        if self.schema and backend != "postgresql":
            schema_given = self.given_by.named("schema")
            raise ConfigError(
                f"{schema_given} 写的模式 {self.schema!r} 只用于 PostgreSQL 台账，{display_url(self.url)} 不是："
                f"请删去{spaced(schema_given)}，或把{spaced(self.given_by.named('url'))} 改为 PostgreSQL 地址"
            )
        if backend == "sqlite":
            return self._sqlite_engine(parsed.database or "")
        if backend == "postgresql":
            try:
                # Every transaction READ COMMITTED unless asked otherwise, whatever default_transaction_isolation
                # an administrator set: a writer queues on its lock, then must see what the one before committed
                # (REPEATABLE READ took its snapshot before the wait: a receipt number given twice, a broken chain).
                engine = sa.create_engine(
                    parsed,
                    pool_pre_ping=True,
                    isolation_level="READ COMMITTED",
                    connect_args=self._postgres_options(parsed),
                )
            except ModuleNotFoundError as err:
                raise LedgerError("使用 PostgreSQL 需要安装驱动：pip install 'recordkit[postgres]'") from err
            event.listen(engine, "connect", functools.partial(_refuse_narrow_encoding, parsed.database or ""))
            event.listen(engine, "connect", functools.partial(_look_through_poolers, self.schema, self.given_by))
            return engine
        raise ConfigError(f"不支持的数据库 {backend}：请使用 SQLite（留空）或 PostgreSQL 地址")

    def _postgres_options(self, parsed: sa.URL) -> dict[str, str]:
        """Connect arguments: every text in UTF-8 whatever the client's environment says (``PGCLIENTENCODING``
        set to GBK on an office PC could not carry ㎡ or a rare character in a name); and, with a schema, every
        connection in the estate's schema, and only there: a table missing from it is an error, never the
        same-named table of the default schema.  Set when the connection opens (checked there by
        ``_look_through_poolers``, in the one query it makes of every new connection)."""
        options = {"client_encoding": "UTF8"}
        if self.schema:
            given = parsed.query.get("options", "")
            given = " ".join(given) if isinstance(given, tuple) else given
            options["options"] = f"{given} -csearch_path={self.schema}".strip()
        return options

    def _sqlite_engine(self, database: str) -> Engine:
        if not database or database == ":memory:":
            # A database in memory is gone when the command ends: every receipt and filing written there lost, the
            # next command starting from an empty ledger (numbers from 1 again).
            raise ConfigError(
                f"台账数据库地址 {display_url(self.url)} 是内存里的临时库（命令结束内容就没有了），不能作台账："
                "SQLite 台账写 sqlite:/// 加文件的完整路径（[database] url 留空即用工作区的 records/ledger.sqlite3）"
            )
        # A mistyped path must not become a new, empty ledger beside the real one: its
        # archive numbers and receipt numbers would start again from 1.
        path = Path(database)
        if not path.parent.is_dir():
            raise ConfigError(
                f"台账数据库 {display_url(self.url)} 所在的文件夹不存在：请检查{spaced(self.given_by.named('url'))}"
            )
        missing = not path.exists()
        if not self.create and holds_no_ledger(path):
            # (an empty file too: SQLite's first connection would write a header into it, under a command that reads)
            raise self._missing_ledger()
        if self.create and not self.new_ledger and holds_no_ledger(path):
            # records/ledger.sqlite3 deleted, left out of a restore, on a disk not mounted, or a copy gone wrong:
            # refused before SQLite opens it (its first connection would write a header into an empty file).
            raise self.no_ledger_refusal()
        if missing:
            _new_private_file(path)
        engine = sa.create_engine(f"sqlite:///{database}", connect_args={"timeout": self.busy_timeout})
        busy_ms = self.busy_timeout * 1000

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own BEGIN is deferred
            # and late); see the SQLAlchemy pysqlite "serializable isolation" recipe.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            try:
                # (WAL is kept in the file's header: a command asked to change nothing, a dry run, reads a ledger in
                # the rollback journal's mode — a backup's copy — as it is, its file's bytes left as they were)
                if self.upgrades:
                    cursor.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError as err:
                # A ledger in the rollback journal's mode (a copy a tool left so) that this account may only read,
                # or in a folder it may only read: it is read as it is, and its first write is refused by SQLite
                # (``_sqlite_refused``).  A WAL ledger there fails again on its first statement, said there too.
                if err.sqlite_errorcode & 0xFF != _SQLITE_READONLY:
                    raise
            # The ledger is the system of record: every commit reaches the disk.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            # Writers take the write lock at BEGIN, so two writers queue instead of
            # deadlocking on a lock upgrade halfway through.
            mode = "IMMEDIATE" if conn.get_execution_options().get("recordkit_write") else "DEFERRED"
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine

    def require_existing(self) -> None:
        """``LedgerError``, as a command that only reads says it, when there is no ledger here at all (an empty
        database, or a schema that was never made: a mistyped name)."""
        if self.revision() is None:
            raise self._missing_ledger()

    def _missing_ledger(self) -> LedgerError:
        """What a command that makes no ledger (one that only reads, ``index``, ``serve``) says when there is none, and
        the web page in its words (no setting's name, no command)."""
        if self.not_granted():
            return self.not_granted_refusal()
        file = sqlite_file(self.url)
        if file is not None and holds_no_ledger(file):
            # (restored from a backup, never replaced by an import's empty one)
            gone, found_again = sqlite_ledger_not_there(file, self.given_by)
            return LedgerError(
                f"{gone}：这个命令不会新建台账：{found_again}", form_message=f"{gone}：请管理员从备份恢复它"
            )
        said = f"台账数据库 {self.where} 还不存在："
        return LedgerError(
            said
            + f"这个命令不会新建台账。请检查{spaced(self.given_by.address_named())}，或先导入业主名册（recordkit owners import）",
            form_message=said
            + f"请管理员检查设置中的台账数据库地址{'和模式' if self.schema else ''}，或先导入业主名册",
        )

    def _write_queue(self) -> WriteQueue | None:
        """The fair queue beside a SQLite ledger file (none in memory, on PostgreSQL or without flock).  A ledger opened
        to change nothing (``upgrades`` False: a dry run, a command that only reads) makes nothing beside it: where
        no writer has made the queue's folder yet, its trial (or a view it journals) waits on SQLite's lock alone."""
        if self.file is None or not flock_available():
            return None
        folder = self.file.with_name(self.file.name + "-queue")
        if not self.upgrades and not folder.is_dir():
            return None
        return WriteQueue(folder, self.busy_timeout)

    def behind_pool(self) -> bool:
        """Whether a connection pool (pgbouncer, …) stands between recordkit and the server: seen as each
        connection opens (``_look_through_poolers``), which then prepares nothing on the server."""
        if self.dialect != "postgresql":
            return False
        with self._translate_errors(), self.engine.connect() as conn:
            return conn.connection.driver_connection.prepare_threshold is None  # type: ignore[union-attr]

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection in a read transaction: a consistent snapshot, every statement seeing the ledger at one
        moment (SQLite's read transaction; PostgreSQL's REPEATABLE READ, which a transaction that only reads can
        never fail in), so that a report's figures read by several statements agree with each other while a
        cashier takes a payment."""
        with self._translate_errors(), self.engine.connect() as conn:
            if self.dialect == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            conn.info[_OFFICE_ZONE] = self.time_zone
            with conn.begin():
                yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction holding recordkit's global write lock; commits on success.

        ``LedgerError`` ("台账正忙…") when the lock is not this writer's within ``busy_timeout``."""
        started = time.monotonic()
        with ExitStack() as stack:
            conn = self._writer(stack)
            with conn.begin():
                self._lock_postgres(conn)
                self._refuse_moved(conn)
                locked = time.monotonic()
                yield conn
            self.commits += 1
            self.lock_times.append((locked - started, time.monotonic() - locked))

    @contextmanager
    def trial(self) -> Iterator[Connection]:
        """A write transaction that is always rolled back: what a change would make, seen without
        making it (a paper is filled from it before the real write).  It takes a turn of the write
        lock like ``write()``, for as long as the block runs."""
        with ExitStack() as stack:
            conn = self._writer(stack)
            transaction = conn.begin()
            try:
                self._lock_postgres(conn)
                yield conn
            finally:
                transaction.rollback()

    def _writer(self, stack: ExitStack) -> Connection:
        """A connection for writing, once this writer's turn in the queue has come (SQLite)."""
        stack.enter_context(self._translate_errors())
        if self.write_queue is not None:
            try:
                stack.enter_context(self.write_queue.turn())
            except (LedgerError, StorageError) as err:
                # The queue beside a ledger in a folder this account may only read cannot be made, and SQLite
                # would refuse the write after it: said as the ledger's, not the queue's, refusal.
                if isinstance(err.__cause__, OSError) and self.read_only():
                    raise self._read_only_refusal() from err
                raise
        conn = stack.enter_context(self.engine.connect()).execution_options(recordkit_write=True)
        conn.info[_OFFICE_ZONE] = self.time_zone
        return conn

    def _lock_postgres(self, conn: Connection) -> None:
        # PostgreSQL grants an advisory lock to its waiters in the order they asked: a fair queue.
        if self.dialect == "postgresql":
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(self.busy_timeout)}s'")
            self._advisory(conn, "pg_advisory_xact_lock", _PG_WRITE_LOCK)

    def moved_to(self, conn: Connection | None = None) -> Moved | None:
        """Where this ledger was moved and when, or None while it is in use: read in ``conn``'s transaction, or in
        a read of its own."""
        if conn is None:
            with self.read() as own:
                return self.moved_to(own)
        moved = conn.execute(
            sa.text("SELECT entity_key, at FROM journal WHERE action = :action LIMIT 1"), {"action": LEDGER_MOVED}
        ).first()
        return None if moved is None else Moved(str(moved.entity_key), str(moved.at))

    def refuse_if_moved(self) -> None:
        """``LedgerMoved`` once this ledger was moved into another database, in a read of its own: for work that
        writes beside the ledger rather than in it (the search index kept from it)."""
        with self.read() as conn:
            self._refuse_moved(conn)

    def _refuse_moved(self, conn: Connection) -> None:
        """``LedgerMoved`` once this ledger was moved into another database: a watcher or web page still running
        on the old address must not file into a ledger nobody reads any more.  Read after the write lock is
        held, so a write queued behind the move sees it."""
        moved = self.moved_to(conn)
        if moved is not None:
            said = f"这个台账（{self.where}）{moved.said}，不能再写入："
            raise LedgerMoved(
                said + f"请{self.given_by.to_new_address()}，并重启正在运行的 recordkit watch / serve",
                form_message=said + "请管理员把设置中的台账数据库地址改为新地址，并重启归档服务和网页服务",
            )

    def _advisory(self, conn: Connection, function: str, key: int) -> None:
        """Call ``function`` (``pg_advisory_xact_lock``, …) on recordkit's lock ``key`` for this ledger:
        one lock per database without a schema (as every recordkit before schemas took it, so old and
        new clerks' PCs still queue together), one per schema with one, so that estates sharing a
        server never wait for each other's writes."""
        if self.schema in ("", "public"):
            conn.execute(sa.text(f"SELECT {function}(:key)"), {"key": key})
            return
        # The two-integer form is a key space apart from the one-bigint form.
        space = zlib.crc32(self.schema.encode()) - 2**31
        conn.execute(
            sa.text(f"SELECT {function}(CAST(:key AS integer), CAST(:space AS integer))"), {"key": key, "space": space}
        )

    @contextmanager
    def _translate_errors(self) -> Iterator[None]:
        try:
            yield
        except OperationalError as err:
            sqlstate = getattr(err.orig, "sqlstate", None)
            away = server_unreachable(err)
            if away and self.outage is not None:
                self.outage.failed(err)
            else:
                # A server out of reach (a connection that failed or was cut, a server restarting) is told whole by
                # the driver's words; its traceback, written again at each try of a service waiting for the server,
                # is not.
                log.error(
                    "ledger operation failed on %s: %s",
                    display_url(self.url),
                    server_said(err),
                    exc_info=bool(sqlstate) and not away,
                )
            with logged_already():  # (the line just written says it: the CLI adds none)
                self._refuse_transaction_pool(err)
                self._refuse_missing_ledger(err)
                if (free := self._disk_full(err)) is not None:
                    raise LedgerDiskFull(self._disk_full_message(err, free)) from err
                if (refusal := self._sqlite_refused(err)) is not None:
                    raise refusal from err
                if sqlstate == PG_LOCK_NOT_AVAILABLE or (self.dialect == "sqlite" and server_says(err, ("locked",))):
                    raise LedgerError(busy_message(0, self.busy_timeout)) from err
                if sqlstate == PG_SERIALIZATION_FAILURE:  # a replica replaying the primary's changes: asked again
                    raise cut_short("读取台账", err, "", "再试") from err
                failed = f"无法访问台账数据库 {display_url(self.url)}"
                # (the page in Chinese alone: the driver's words, in English or a server's own language, in the log)
                raise LedgerError(
                    f"{failed}：{server_said(err)}" + connection_advice(err, given_by=self.given_by),
                    form_message=f"{failed}（详情见日志）" + connection_advice(err, on_page=True),
                ) from err
        except DBAPIError as err:
            sqlstate = getattr(err.orig, "sqlstate", None)
            if sqlstate not in (_PG_INSUFFICIENT_PRIVILEGE, _PG_NO_SCHEMA):
                # (a refusal of rights or a missing schema writes its own one line below: the cause and the fix)
                log.exception("ledger database error on %s", display_url(self.url))
            with logged_already():
                self._refuse_missing_ledger(err)
                if sqlstate in (_PG_INSUFFICIENT_PRIVILEGE, _PG_NO_SCHEMA) and self.not_granted():
                    raise self.not_granted_refusal() from err  # (the ledger's own tables' grants, as doctor says)
                if sqlstate == _PG_INSUFFICIENT_PRIVILEGE:
                    raise _rights_refused(
                        self._not_permitted(err), "网页的数据库账户在台账数据库里没有所需的权限"
                    ) from err
                if sqlstate == _PG_NO_SCHEMA and self.schema:
                    # The estate's schema is there (an administrator made it) but not the account's to use: the
                    # server leaves it out of the search_path and has nowhere to make the tables.
                    user, database, schema = self._account()
                    raise _rights_refused(
                        f"数据库账户 {user} 不能使用 {database} 里的模式 {schema}（服务器说：{server_said(err)}）："
                        f"请数据库管理员授予 GRANT ALL ON SCHEMA {schema} TO {user}，"
                        f"或 ALTER SCHEMA {schema} OWNER TO {user}；什么也没有写入",
                        "网页的数据库账户不能使用台账所在的模式",
                    ) from err
                if sqlstate == _PG_NO_SCHEMA:
                    said = f"台账数据库 {self.where}：{NO_SCHEMA}"
                    message = f"{said}（服务器说：{server_said(err)}）：{NO_SCHEMA_ADVICE}；什么也没有写入"
                    log.error("%s", message)  # (the page's clerk sees neither the server's words nor settings)
                    raise LedgerError(message, form_message=f"{said}（详情见日志）：{SETTINGS_ON_PAGE}") from err
                if sqlstate == _PG_READ_ONLY:  # a replica a clerk's PC searches on, or a database set read-only
                    said = f"台账数据库 {self.where} {READ_ONLY}：{READ_ONLY_ADVICE}，"
                    raise LedgerError(
                        said + f"请把这台电脑上{spaced(self.given_by.named('url'))} 改为主库的地址；什么也没有写入",
                        form_message=said + "请到连着主库的档案室网页操作，或请管理员让这个网页连主库；什么也没有写入",
                    ) from err
                self._refuse_transaction_pool(err)
                raise LedgerError(
                    f"台账数据库出错（详情见日志）：{type(err.orig).__name__}",
                    form_message="台账数据库出错（详情见日志）",
                ) from err
        else:
            if self.outage is not None:
                self.outage.answered()

    def _refuse_missing_ledger(self, err: DBAPIError) -> None:
        """``_missing_ledger`` when ``err`` is a table not found in a database that holds no ledger at all (an empty
        SQLite file, an empty schema): a reading of a ledger opened without its upgrade (the web page, ``search``)
        says so as a command that only reads says it, not by the database's words for the first table it missed."""
        missing = getattr(err.orig, "sqlstate", None) == PG_UNDEFINED_TABLE or (
            self.dialect == "sqlite" and server_says(err, _SQLITE_NO_TABLE_SAID)
        )
        if missing and self.revision() is None:
            raise self._missing_ledger() from err

    def _sqlite_refused(self, err: DBAPIError) -> LedgerError | None:
        """What a clerk is told when SQLite refused to write the ledger's file (``SQLITE_READONLY``): the account
        may only read it, or, where even a reading is refused, cannot make the -wal and -shm files in its folder.
        None for any other failure."""
        if self.dialect != "sqlite" or not sqlite_refused(err):
            return None
        code = getattr(cause_of(err), "sqlite_errorcode", 0)
        folder = self.file.parent if self.file is not None else Path.cwd()
        if code == _SQLITE_READONLY_DIRECTORY and (self.file is None or _in_wal_mode(self.file)):
            return LedgerError(
                f"台账数据库 {self.where} 打不开：运行 recordkit 的系统账户不能在它所在的文件夹 {folder} 里"
                "建 SQLite 的 -wal、-shm 文件（只读取也要建）：请让这个账户能写入这个文件夹；什么也没有写入",
                form_message="台账数据库打不开（运行档案室网页的系统账户不能写入台账所在的文件夹）："
                "请管理员让这个账户能写入台账文件和它所在的文件夹；什么也没有写入",
            )
        return self._read_only_refusal()

    def _read_only_refusal(self) -> LedgerError:
        """What a write on a SQLite ledger this account may not write is told, on the page too."""
        if self.leftovers():
            return LedgerError(
                f"台账数据库 {self.where} {self.read_only_said}：{self.read_only_advice}；什么也没有写入",
                form_message="台账只能读（运行档案室网页的系统账户不能写入台账旁边 SQLite 留下的文件）："
                "请管理员运行 recordkit doctor，按其中的说明处理；什么也没有写入",
            )
        return LedgerError(
            f"台账数据库 {self.where} {SQLITE_READ_ONLY}：{self.read_only_advice}；什么也没有写入",
            form_message="台账只能读（运行档案室网页的系统账户不能写入台账文件）："
            "请管理员让这个账户能写入台账文件和它所在的文件夹；什么也没有写入",
        )

    def _disk_full(self, err: DBAPIError) -> int | None:
        """``full_disk`` of ``err`` on the ledger's disk: the server's, or the SQLite file's folder's."""
        if self.dialect != "sqlite":
            return full_disk(err)
        return full_disk(err, self.file.resolve().parent if self.file is not None else Path.cwd())

    def _disk_full_message(self, err: DBAPIError, free: int) -> str:
        """What the clerk is told when the ledger's disk is full: whose disk, and what to do."""
        if self.dialect == "sqlite":
            return (
                f"台账数据库 {display_url(self.url)} 无法读写：{this_disk_full(err, free)}："
                "请清理磁盘空间后重试；这一步什么也没有写入"
            )
        return (
            f"无法写入台账数据库 {display_url(self.url)}：{SERVER_DISK_FULL}（服务器说：{server_said(err)}）："
            f"{SERVER_DISK_ADVICE}后再试；这一步什么也没有写入"
        )

    def _refuse_transaction_pool(self, err: DBAPIError) -> None:
        """``LedgerError`` when ``err`` says that a statement psycopg prepared on one server connection was run on
        another: a pool between recordkit and the server lends a server connection a transaction at a time."""
        sqlstate = getattr(err.orig, "sqlstate", None)
        if sqlstate in _PG_PREPARED_ELSEWHERE or (
            sqlstate == _PG_PROTOCOL_VIOLATION and server_says(err, PREPARED_SAID)
        ):
            raise LedgerError(
                f"台账数据库 {self.where} 的连接在两条语句之间换了一条（服务器说：{server_said(err)}）："
                "多半是经过了 pgbouncer 的 transaction 模式。recordkit 要用 session 模式（pool_mode = session）"
                "或直连数据库；这一步什么也没有写入"
            ) from err

    def _not_permitted(self, err: DBAPIError) -> str:
        """What the office's IT person is told when the server refused the account something (PostgreSQL 15 on
        lets only a database's owner make tables in its ``public`` schema: an account given CONNECT alone
        cannot make the ledger there)."""
        user, database, schema = self._account()
        if server_says(err, TABLE_DENIED_SAID):  # its tables are there, the account may only read them
            advice = f"请数据库管理员执行 {self.write_grants_to_ask()}"
        else:  # a schema not made yet (an estate's first use) needs the right to make schemas in the database
            advice = self.grants_to_ask(schema_missing=server_says(err, DATABASE_DENIED_SAID))
        return f"数据库账户 {user} 在 {database}（模式 {schema}）里没有所需的权限（服务器说：{server_said(err)}）：{advice}"

    @property
    def account_name(self) -> str:
        """The PostgreSQL account of the ledger's address, as messages name it."""
        return self._account()[0]

    def _account(self) -> tuple[str, str, str]:
        """(the account, the database, the schema) of a PostgreSQL ledger, as messages name them."""
        parsed = make_url(self.url)
        return parsed.username or "（未写账户）", parsed.database or "", self.schema or "public"

    def grants_to_ask(self, schema_missing: bool = False) -> str:
        """The grants that let the account make the ledger here, for its database administrator."""
        user, database, schema = self._account()
        grant = f"DATABASE {database}" if schema_missing else f"SCHEMA {schema}"
        return (
            f"请数据库管理员把这个库交给它，例如 ALTER DATABASE {database} OWNER TO {user}，"
            f"或授予 GRANT ALL ON {grant} TO {user}"
        )

    def may_create(self) -> bool:
        """Whether the account may make the ledger's tables here: always on SQLite; on PostgreSQL the right to
        make tables in its schema, or, when the schema is not made yet, schemas in the database; without
        ``[database] schema``, in the first schema of its ``search_path`` that exists (``no_schema``: none)."""
        return self.dialect != "postgresql" or self._server_says(
            "SELECT CASE WHEN %(schema)s = ''"
            " THEN current_schema() IS NOT NULL AND has_schema_privilege(current_schema(), 'CREATE')"
            " WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = %(schema)s)"
            " THEN has_schema_privilege(%(schema)s, 'CREATE')"
            " ELSE has_database_privilege(current_database(), 'CREATE') END",
            {"schema": self.schema},
        )

    def no_schema(self) -> bool:
        """Whether a PostgreSQL ledger without ``[database] schema`` has no schema to make its tables in: the
        ``search_path`` an administrator set names none that exists."""
        return self.dialect == "postgresql" and not self.schema and self._server_says("SELECT current_schema() IS NULL")

    def read_only(self) -> bool:
        """Whether this ledger takes no writes: a PostgreSQL replica (a hot standby) or a database or account set
        read-only (``default_transaction_read_only``), which a clerk's PC may search on; a SQLite file (or its
        folder, where its -wal and -shm files must be made) this process cannot write (``sqlite_takes_writes``)."""
        if self.dialect == "sqlite":
            return self.file is not None and not sqlite_takes_writes(self.file)
        return self.dialect == "postgresql" and self._server_says(f"SELECT {TAKES_NO_WRITES}")

    def leftovers(self) -> list[Path]:
        """``sqlite_leftovers`` of a SQLite ledger: its -wal and -shm files this process may not write, though it
        may write the ledger file.  None on PostgreSQL."""
        return sqlite_leftovers(self.file) if self.dialect == "sqlite" and self.file is not None else []

    @property
    def read_only_said(self) -> str:
        """How a message says that ``read_only`` is true: "只能读（…）" and why, as the backend has it."""
        if leftovers := self.leftovers():
            names = "、".join(leftover.name for leftover in leftovers)
            return (
                f"只能读（运行 recordkit 的系统账户不能写入 SQLite 留在它旁边的 {names}，"
                "多半是一个只能读台账的程序留下的）"
            )
        return SQLITE_READ_ONLY if self.dialect == "sqlite" else READ_ONLY

    def writes_need(self, program: str = "recordkit") -> str:
        """What lets ``program`` write this ledger once ``read_only`` is true, said after "请" or "要"."""
        if leftovers := self.leftovers():
            # SQLite makes them again as it opens the ledger; only a -wal holding transactions not yet copied into
            # the ledger file (a writer that stopped before its checkpoint) must not be removed.
            kept = [leftover for leftover in leftovers if leftover.name.endswith("-wal") and leftover.stat().st_size]
            files = "、".join(str(leftover) for leftover in leftovers)
            if kept:
                return (
                    f"在没有 recordkit 运行时（先停下 recordkit watch 和 recordkit serve）让运行 {program} 的系统账户"
                    f"能写入 {files}（chmod，或改为这个账户所有）；不要删除 {kept[0]}：里面有还没写进台账文件的记录"
                )
            return (
                f"在没有 recordkit 运行时（先停下 recordkit watch 和 recordkit serve）删除 {files}，"
                f"或让运行 {program} 的系统账户能写入{'它们' if len(leftovers) > 1 else '它'}（chmod，或改为这个账户所有）"
            )
        if self.dialect == "sqlite":
            return (
                f"让运行 {program} 的系统账户能写入台账文件 {self.file} 和它所在的文件夹"
                "（SQLite 在那里建 -wal、-shm 文件）"
            )
        return f"让 {program} 连主库"

    @property
    def read_only_advice(self) -> str:
        """What a clerk may still do on a ledger that takes no writes, and what writing needs."""
        if self.dialect == "sqlite":
            return f"检索和查看可以，收款、归档、借阅等写入要{self.writes_need()}"
        return READ_ONLY_ADVICE

    def tables_only_read(self) -> list[str]:
        """The ledger's tables the account may read but not write (an administrator granted SELECT alone): a
        clerk's PC on it searches and lists, and its first payment or filing is refused.  Never on SQLite."""
        if self.dialect != "postgresql":
            return []
        with self.read() as conn:
            return list(
                conn.exec_driver_sql(
                    "SELECT c.relname FROM pg_catalog.pg_class c"
                    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname = ANY(%(tables)s)"
                    " AND has_table_privilege(c.oid, 'SELECT')"
                    " AND NOT (has_table_privilege(c.oid, 'INSERT') AND has_table_privilege(c.oid, 'UPDATE')"
                    " AND has_table_privilege(c.oid, 'DELETE'))"
                    " ORDER BY c.relname",
                    {"tables": [table.name for table in metadata.sorted_tables]},
                ).scalars()
            )

    def ledger_schemas(self) -> list[str]:
        """The schemas of a PostgreSQL ledger's database that hold a ledger (its version table and its journal),
        whoever may read them: where an estate whose schema is not made yet may have meant to be.  Never on
        SQLite."""
        if self.dialect != "postgresql":
            return []
        with self.read() as conn:
            return list(
                conn.exec_driver_sql(
                    "SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE"
                    " EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relnamespace = n.oid"
                    " AND c.relname = 'alembic_version')"
                    " AND EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relnamespace = n.oid"
                    " AND c.relname = 'journal')"
                    " ORDER BY n.nspname"
                ).scalars()
            )

    def no_ledger_said(self) -> tuple[str, str]:
        """What a ledger not made yet is, and what to do, for a command or service not meant to make a ledger: a
        SQLite file missing (deleted, left out of a restore, on a disk that did not mount) or empty, to be found
        again; a PostgreSQL schema not made yet, or made (by an administrator) but empty, or a database without
        ``[database] schema`` holding none, naming the database's schemas that hold a ledger (``ledger_schemas``: a
        mistyped name most likely meant one of them)."""
        file = sqlite_file(self.url)
        if file is not None:
            return sqlite_ledger_not_there(file, self.given_by)
        beside = self.ledger_schemas()
        if not self.schema_exists():
            what = "模式还不存在"
        else:
            what = "模式里还没有台账" if self.schema else "库里还没有台账"
        return (
            f"台账数据库 {self.where}：{what}" + (f"；{ledgers_beside_said(beside)}" if beside else ""),
            f"请检查{spaced(self.given_by.named('schema') if self.schema else self.given_by.named('url'))}"
            + ("，要用其中一个的，改成它" if beside else "")
            + f"；是新的小区，先运行 {SCHEMA_MADE_BY}建立台账",
        )

    def no_ledger_refusal(self) -> ConfigError | LedgerError:
        """``no_ledger_said`` as a command not meant to make a ledger is refused (a settings mistake, until shown
        otherwise: a clerk's PC with the schema mistyped, or an office whose ledger file was gone, made an empty
        ledger, numbering receipts from 1); a schema holding a ledger this account was never granted is said so
        (``not_granted_refusal``), never as no ledger."""
        if self.not_granted():
            return self.not_granted_refusal()
        said, fix = self.no_ledger_said()
        return ConfigError(f"{said}：这个命令不会新建台账：{fix}；什么也没有写入")

    def not_granted(self) -> bool:
        """Whether the ledger's PostgreSQL schema holds a ledger (the catalog, which every account reads, shows its
        version table) that this account may not use: never granted the schema, or the tables in it.  Never on
        SQLite (asked, too, of a SQLite file missing before its engine is made)."""
        return make_url(self.url).get_backend_name() == "postgresql" and self._server_says(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c"
            " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %(schema)s AND c.relname = 'alembic_version'"
            " AND NOT (has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT')))",
            {"schema": self._account()[2]},
        )

    def not_granted_said(self) -> tuple[str, str]:
        """What ``not_granted`` is, after the ledger's address, and the grants that end it, for its database
        administrator: the schema's use and the rights on its tables."""
        user, _database, schema = self._account()
        return (
            f"已有台账，但数据库账户 {user} 没有使用它的权限",
            f"请数据库管理员执行 GRANT USAGE ON SCHEMA {schema} TO {user}; {self.write_grants_to_ask()}",
        )

    def not_granted_refusal(self) -> LedgerError:
        """``not_granted`` as every command and service is refused for it (the web page's clerk without the grants,
        ``_rights_refused``): nothing is written."""
        said, grants = self.not_granted_said()
        return _rights_refused(
            f"台账数据库 {self.where}：{said}：{grants}；什么也没有写入",
            "网页的数据库账户没有使用台账的权限（数据库管理员收回了授权，或没有授予）",
        )

    def write_grants_to_ask(self) -> str:
        """The grants that let an account which may only read the ledger's tables write them too."""
        user, _database, schema = self._account()
        return (
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {user}; "
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {user}"
        )

    def _server_says(self, question: str, parameters: dict[str, str] | None = None) -> bool:
        """The server's answer to a yes-or-no ``question``, in a read of its own."""
        with self.read() as conn:
            return bool(conn.exec_driver_sql(question, parameters or {}).scalar())

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- migrations ---------------------------------------------------------------

    def revision(self) -> str | None:
        """The ledger's Alembic revision, or None for an empty database."""
        with self.read() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    def _stamped_revision(self) -> str | None:
        """The revision by one plain query, or None when it cannot be read that way (no table yet,
        an empty or unreachable database): the slow path then finds out which, with its messages."""
        try:
            with self.engine.connect() as conn:
                revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except DBAPIError:
            return None
        return revision if isinstance(revision, str) else None

    def ensure_migrated(self) -> None:
        """Upgrade to the newest schema if needed.

        Cheap when already current, which is every start but the first: one query reads the
        stamped revision, without the first-use lock, Alembic or schema inspection."""
        if self._stamped_revision() == HEAD_REVISION:
            return
        if not self.upgrades:
            # (not even the first-use lock's file is made: a command asked to change nothing leaves the disk as it was)
            self._refuse_revision(self.revision())
            return
        with self._sqlite_first_use_lock() as held:
            # (where the lock could not be taken, SQLite's own refusal of a folder this account may only read comes
            # first, from this reading: the folder, not the lock file, is what the account lacks)
            current = self.revision()
            if current == HEAD_REVISION:
                return
            self._refuse_revision(current)
            if not held:
                upgrade = (
                    f"台账数据库 {self.where} 的表结构版本是 {current or '（空库）'}，需要 {HEAD_REVISION}，要升级，但"
                )
                if self.read_only():
                    raise LedgerError(
                        upgrade + f"它{self.read_only_said}：请{self.writes_need()}后再试；什么也没有写入"
                    )
                raise LedgerError(
                    upgrade + f"运行 recordkit 的系统账户不能写入它旁边的锁文件 {self._first_use_lock_file()}"
                    "（升级时两个程序靠它排队）：请让这个账户能写入这个文件后再试；什么也没有写入"
                )
            self.upgrade()

    def _refuse_revision(self, current: str | None) -> None:
        """Refuse a ledger at revision ``current`` that this object may not bring up to date: none here (a command not
        meant to make one), one of a newer recordkit, or — where it may not upgrade (``upgrades`` False) — an older
        one; nothing for the newest."""
        if current == HEAD_REVISION:
            return
        if current is None and not self.create:
            raise self._missing_ledger()
        if current is None and not self.new_ledger:
            raise self.no_ledger_refusal()
        if current is not None and (not current.isdigit() or current > HEAD_REVISION):
            raise LedgerError(f"台账数据库的版本（{current}）比本程序新，请升级 recordkit 后再使用")
        if current is not None and not self.upgrades:
            raise LedgerError(
                f"台账数据库 {self.where} 的表结构版本是 {current}，这一版 recordkit 要 {HEAD_REVISION}，要先升级："
                "这个命令只读取、不改动台账，不会替你升级：请先运行 recordkit db upgrade，再运行这个命令；什么也没有写入"
            )

    @contextmanager
    def _sqlite_first_use_lock(self) -> Iterator[bool]:
        """Whether the first-use lock is held: False where this account can neither make the lock file nor open it
        for writing (a folder it may only read, a ledger copied in by hand without its lock file), where nothing
        can be migrated; True on PostgreSQL, which has its advisory lock in ``upgrade()``."""
        # Two processes opening a new SQLite ledger at the same moment raced inside Alembic
        # ("table … already exists", or "database is locked" at once while the other turned
        # the file into WAL mode).  A lock file beside the database makes the second wait for
        # the first, then find the schema current.
        if self.file is None:
            yield True
            return

        # loaded on first use: filelock pulls in asyncio (~20 ms), and only a first use needs the lock
        from filelock import FileLock, Timeout

        # The lock file holds nothing and stays (removing it would let a third process lock a new file while the
        # second waits on the old one); it takes the ledger's mode, as its -wal and -shm files do.
        lock_file = self._first_use_lock_file()
        try:
            mode = stat.S_IMODE(self.file.stat().st_mode)
        except OSError:  # (not made yet: it will be ``PRIVATE``)
            mode = PRIVATE
        lock = FileLock(lock_file, timeout=self.busy_timeout, mode=mode)
        try:
            lock.acquire()
        except Timeout as err:
            raise LedgerError(f"台账正被另一个程序初始化，等待 {self.busy_timeout} 秒后仍未完成，请稍后再试") from err
        except PermissionError:
            yield False
            return
        with suppress(OSError):  # (one an older version left at the umask's mode)
            os.chmod(lock_file, mode)
        try:
            yield True
        finally:
            lock.release()

    def _first_use_lock_file(self) -> Path:
        """The lock file beside a SQLite ledger that its first use and upgrades take (``_sqlite_first_use_lock``)."""
        file = self.file if self.file is not None else Path("ledger.sqlite3")
        return file.with_name(file.name + "-migrate.lock")

    def schema_exists(self) -> bool:
        """Whether the ledger's schema is there (always, without one: the server's default)."""
        if self.dialect != "postgresql" or not self.schema:
            return True
        with self.read() as conn:
            found = conn.execute(
                sa.text("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = :name"), {"name": self.schema}
            )
            return found.first() is not None

    def tables_in_the_way(self) -> list[str]:
        """The ledger's table names that tables of another program already have where a first migration would
        make them (a database shared with another program): that migration would be refused (``ConflictError``).
        Asked of a database without a ledger."""
        with self.read() as conn:
            present = set(sa.inspect(conn).get_table_names())
        return sorted(present & {table.name for table in metadata.sorted_tables})

    def _create_schema(self) -> None:
        """Make the ledger's schema if it is missing; only ``upgrade`` does, so a command that only
        reads never makes one."""
        if self.schema_exists():
            return
        with self._translate_errors(), self.engine.connect() as conn, conn.begin():
            # Two first uses at once: CREATE SCHEMA IF NOT EXISTS alone can still collide.
            self._advisory(conn, "pg_advisory_xact_lock", _PG_MIGRATE_LOCK)
            conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
        log.info("created schema %s on %s", self.schema, display_url(self.url))
        # SQLAlchemy read the default schema (none then) when the engine first connected.
        self.engine.dispose()
        self.engine = self._create_engine()

    def upgrade(self) -> str:
        """Apply every pending migration (``recordkit db upgrade``); returns the revision."""
        self._create_schema()
        with self._translate_errors(), self.engine.connect() as conn:
            if self.dialect == "postgresql":
                no_time_limit(conn)
                # Two first uses at once: the second waits, then finds nothing to do.  The lock of the migrations'
                # own transaction, gone with its commit or rollback (a pool in transaction mode keeps one server
                # connection for a transaction, where a session lock's unlock could reach another).
                self._advisory(conn, "pg_advisory_xact_lock", _PG_MIGRATE_LOCK)
            else:
                # A migration rebuilding a table others refer to (SQLite drops no constraint: 0029) runs with foreign
                # keys off, as SQLite's own procedure says (they cannot be turned off inside the transaction); they are
                # checked before the commit and on again after it.
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
                conn = conn.execution_options(recordkit_write=True)
            try:
                self._migrate(conn)
            finally:
                if self.dialect != "postgresql":
                    if conn.in_transaction():
                        conn.rollback()
                    conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
        log.info("ledger migrated to %s", HEAD_REVISION)
        return HEAD_REVISION

    def _migrate(self, conn: Connection) -> None:
        """Run the pending migrations on ``conn`` and commit them; a table with a broken reference is refused whole."""
        # loaded on first use: Alembic costs ~0.1 s to import, and only a schema change needs it
        from alembic import command

        try:
            command.upgrade(alembic_config(conn), "head")
            if self.dialect != "postgresql" and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                raise LedgerError(
                    f"台账数据库 {self.where} 升级后有记录引用了不存在的记录：什么也没有写入，请联系维护人员"
                )
        except DBAPIError as err:
            if getattr(err.orig, "sqlstate", None) != _PG_DUPLICATE_TABLE:
                raise
            raise ConflictError(
                f"台账数据库 {self.where} 里已有别的程序的同名表（服务器说：{server_said(err)}）：recordkit 的台账要放在"
                f"一个空的数据库或自己的模式里：请{SCHEMA_ADVICE}（recordkit 自己"
                "建这个模式，只用它），或换一个新建的数据库；什么也没有写入"
            ) from err
        conn.commit()


def _refuse_narrow_encoding(database: str, dbapi_connection: Any, _record: Any) -> None:
    """Refuse a PostgreSQL database whose encoding is not UTF-8 (an old Chinese install's EUC_CN holds only
    GB2312: not ㎡, not many characters of people's names; SQL_ASCII checks nothing), as its connection opens,
    before anything is read or written there.  The server said its encoding when the connection started: no
    query."""
    encoding = dbapi_connection.info.parameter_status("server_encoding") or ""
    if encoding.upper() not in ("UTF8", "UTF-8"):
        dbapi_connection.close()
        raise ConfigError(
            f"PostgreSQL 数据库 {database} 的字符编码是 {encoding}，放不下所有汉字（如 ㎡ 和姓名里的生僻字）："
            "recordkit 需要 UTF8 编码的数据库：请另建一个（CREATE DATABASE 名称 ENCODING 'UTF8' TEMPLATE template0）再用它"
        )


#: What ``_look_through_poolers`` asks of every new connection: the server process's id, the search path, the
#: account, the schema tables are made in, and the schemas of the search path that hold a ledger (its version
#: table and its journal), in the path's order.
LOOK_AROUND = """
SELECT pg_backend_pid(), current_setting('search_path'), current_user, current_schema(),
       ARRAY(SELECT name FROM unnest(current_schemas(false)) WITH ORDINALITY AS path(name, place)
             WHERE to_regclass(format('%I.alembic_version', name)) IS NOT NULL
               AND to_regclass(format('%I.journal', name)) IS NOT NULL
             ORDER BY place)
"""


def _look_through_poolers(schema: str, given_by: DatabaseSettings, dbapi_connection: Any, _record: Any) -> None:
    """A new connection, checked for a connection pool between recordkit and the server (pgbouncer, pgpool),
    and for the schema its commands will read and write:

    - Behind one, nothing is prepared on the server: a pool in transaction mode lends each transaction
      whichever server connection is free, and a statement psycopg prepared on one (it prepares a statement
      run five times on a connection) is missing on the next, or is another client's statement of the same
      name, run with this one's values.  A pool is told by the server process's id: the one the server
      reports itself differs from the one the pool handed the client at the start.
    - With a schema, a connection not in it is refused: the ``options`` it opened with were dropped on the
      way (pgbouncer passes them to no server; ``ignore_startup_parameters = options`` is the usual advice for
      the error it gives otherwise), and its commands would read and write the default schema, where another
      estate's ledger may be.
    - Without one, the server's search path decides (``"$user", public`` unless an administrator set another):
      a connection that finds a ledger in two of its schemas is refused (another estate's, in the schema named
      like the account, would be read and written as this one's: it comes before ``public``), and one that
      finds one (or none yet: where the first use makes it) stays in that schema for its life (``SET
      search_path``; not behind a pool, which would hand the setting on), so that a schema made later in front
      of it never takes a running service's writes.

    One query as the connection opens (and the setting)."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute(LOOK_AROUND)
        backend, found, account, current, ledgers = cursor.fetchone()
        pooled = backend != dbapi_connection.info.backend_pid
        stay = (ledgers[0] if ledgers else current) if not schema and not pooled and len(ledgers) < 2 else None
        if stay is not None:
            from psycopg import sql  # loaded on first use: the driver of a PostgreSQL ledger, an optional dependency

            cursor.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(stay)))
    dbapi_connection.commit()  # (the query began a transaction; the setting is kept by its commit)
    if pooled:
        dbapi_connection.prepare_threshold = None
    # (both refusals reach a running web page's users too, whose new connections meet them: a pool put in front of
    # the server's address, an estate's ledger made in a schema named like the account; they are told in words
    # for the page, which never name recordkit.toml)
    if schema and found != schema:
        dbapi_connection.close()
        said = f"连到 PostgreSQL 的连接没有进入这个小区的模式 {schema}（数据库说 search_path 是 {found}）："
        raise ConfigError(
            said + "连接参数 options 在路上被丢掉了，多半是经过了 pgbouncer 之类的连接池。"
            f"为免读写到别的小区的台账，recordkit 不使用这个连接：请让{spaced(given_by.named('url'))} 直连 PostgreSQL"
            "（不经连接池）",
            form_message=said + "多半是经过了连接池。为免读写到别的小区的台账，网页不使用这个连接，什么也没有读写："
            "请管理员让网页服务直连数据库（不经连接池）",
        )
    if not schema and len(ledgers) > 1:
        dbapi_connection.close()
        where = given_by.named("schema")
        said = (
            f"数据库账户 {account} 连上后，search_path（{found}）里有 {len(ledgers)} 个模式都存着台账："
            f"{'、'.join(ledgers)}。"
        )
        raise ConfigError(
            said + f"{where} 没有写明模式时 PostgreSQL 用排在前面的 {ledgers[0]}"
            "（与账户同名的模式排在 public 前面），那可能是别的小区的台账：recordkit 不使用这个连接，什么也没有读写。"
            f"请在{spaced(where)} 写明本小区台账所在的模式（一直没写 schema 的小区，台账在 public）",
            form_message=said + f"设置里没有写明本小区的台账在哪个模式，数据库会用排在前面的 {ledgers[0]}，"
            "那可能是别的小区的台账：网页不使用这个连接，什么也没有读写。请管理员在设置中写明本小区台账所在的模式",
        )


def cause_of(err: BaseException) -> BaseException:
    """The driver's own error in ``err``: SQLAlchemy's wrapper's, or ``err`` itself."""
    return getattr(err, "orig", None) or err


def _words_of(err: BaseException) -> str:
    """Everything the database (or the driver) said in ``err``: SQLAlchemy's wrapper or the driver's own error."""
    return str(cause_of(err))


def server_said(err: BaseException) -> str:
    """The first line of what the database said in ``err`` (SQLAlchemy's wrapper or the driver's own error), or
    its kind when it said nothing: what a message quotes after "服务器说"."""
    return (_words_of(err).strip().splitlines() or [type(cause_of(err)).__name__])[0]


#: What the office's IT person does about a password the server refused (``{url}``: where the address was given,
#: ``DatabaseSettings.named``) …
PASSWORD_ADVICE = "数据库账户或密码不对：请核对{url} 中的账户和密码（密码里的 @ # / : % 要写成 %40 %23 %2F %3A %25）"
#: … and what the web page's users are told of it, who never edit recordkit.toml: the advice of
#: ``CONNECTION_REFUSALS`` that names its settings, said for them (the others ask the database's administrator).
_ADVICE_ON_PAGE = {PASSWORD_ADVICE: "数据库账户或密码不对：请管理员核对设置中的数据库账户和密码"}

#: Why a server refused a connection, told by its words (psycopg gives a failed connection no SQLSTATE) in English
#: or in its Simplified Chinese (phrases from PostgreSQL 15's postgres.mo; the client's own words, "Connection
#: refused" and "timeout expired", are English: Python sets no LC_MESSAGES), and what the office's IT person does.
CONNECTION_REFUSALS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), advice)
    for pattern, advice in (
        (r"password authentication failed|Password 认证失败", PASSWORD_ADVICE),
        (
            r"no pg_hba\.conf entry|的 pg_hba\.conf 记录",
            "数据库服务器不允许这台电脑用这个账户连这个数据库：请数据库管理员在服务器的 pg_hba.conf 里加一行，"
            "例如 host 库名 账户 192.168.1.0/24 scram-sha-256（办公室网段），再执行 SELECT pg_reload_conf()",
        ),
        (
            r"pg_hba\.conf rejects connection|pg_hba\.conf 记录拒绝",
            "数据库服务器的 pg_hba.conf 写明拒绝这台电脑用这个账户连接：请数据库管理员修改",
        ),
        (
            r'database ".*" does not exist|数据库 ".*" 不存在',
            "服务器上没有这个数据库：请数据库管理员先建库（CREATE DATABASE 库名 ENCODING 'UTF8' TEMPLATE template0），"
            "或改正 url 里的库名",
        ),
        (
            r'role ".*" does not exist|角色 ".*" 不存在',
            "服务器上没有这个数据库账户：请数据库管理员先建（CREATE ROLE 账户 LOGIN PASSWORD '…'），或改正 url 里的账户",
        ),
        (r"is not permitted to log in|不允许角色", "这个数据库账户不能登录：请数据库管理员 ALTER ROLE 账户 LOGIN"),
        # pgbouncer's own refusals (it answers in English only): with auth_type = trust an account missing from its
        # auth_file is refused as below; the others name its settings
        (
            r'"trust" authentication failed',
            "连接池（pgbouncer）不认识这个账户：请管理员把这个账户写进 pgbouncer 的 auth_file（例如 userlist.txt："
            '"账户" ""），或改正 url 里的账户',
        ),
        (
            r"no such database: ",
            "连接池（pgbouncer）里没有这个库：请管理员在 pgbouncer.ini 的 [databases] 加上它，或改正 url 里的库名",
        ),
        (
            r"no more connections allowed",
            "连接池（pgbouncer）的连接已满：请稍后再试，或请管理员调大 pgbouncer.ini 的 max_client_conn",
        ),
        (
            r"pgbouncer cannot connect to server",
            "连接池（pgbouncer）连不上后面的数据库服务器：请检查数据库服务是否在运行，以及 pgbouncer.ini 里它的地址",
        ),
        (
            r"too many clients|too many connections for role|太多的客户|连接太多了",
            "数据库服务器的连接已满：请稍后再试，或请数据库管理员调大 max_connections（或这个账户的连接上限）",
        ),
        (
            r"Connection refused|拒绝连接",
            "连不上数据库服务器：请检查地址和端口、数据库服务是否在运行，服务器的 listen_addresses 是否包括这台电脑"
            "连的地址，以及防火墙是否放行这个端口",
        ),
        (
            r"timeout expired|超时满|timed out",
            "连接数据库服务器超时：请检查这台电脑到服务器的网络和防火墙",
        ),
    )
)


def connection_advice(
    err: BaseException, *, on_page: bool = False, given_by: DatabaseSettings = DatabaseSettings()
) -> str:
    """What to do about a connection the server (or the network) refused, from ``CONNECTION_REFUSALS``, after a
    "：" to end a message with; "" for any other failure.  ``on_page``: as the web page's users are told it;
    ``given_by``: the settings that gave the address, which the advice names."""
    said = _words_of(err)
    advice = next((advice for pattern, advice in CONNECTION_REFUSALS if pattern.search(said)), None)
    if advice is None:
        return ""
    return "：" + (_ADVICE_ON_PAGE.get(advice, advice) if on_page else advice.format(url=spaced(given_by.named("url"))))


def server_says(err: BaseException, words: tuple[str, ...]) -> bool:
    """Whether the server's message in ``err`` holds any of ``words`` (one phrase in each language it may speak)."""
    said = _words_of(err)
    return any(word in said for word in words)


@contextmanager
def driver_errors_wrapped() -> Iterator[None]:
    """The PostgreSQL driver's own errors (statements sent through its cursor, not through SQLAlchemy: COPY) raised
    as SQLAlchemy raises them, so that every caller tells them apart alike: ``OperationalError`` for a connection
    the server ended or that was cut (a restart of the server), which ``cut_short`` words."""
    import psycopg  # loaded on first use: the driver of a PostgreSQL ledger, an optional dependency

    try:
        yield
    except psycopg.Error as err:
        raise DBAPIError.instance(None, None, err, psycopg.Error) from err


def disk_full(err: BaseException) -> bool:
    """Whether ``err`` (SQLAlchemy's wrapper or the driver's own error) is a database's full disk: PostgreSQL's
    ``disk_full``, SQLite's ``SQLITE_FULL``, or a server's words for it where it gives no SQLSTATE (a connection
    it could not open: ``DISK_FULL_SAID``)."""
    cause = cause_of(err)
    return (
        getattr(cause, "sqlstate", None) == PG_DISK_FULL
        or getattr(cause, "sqlite_errorcode", None) == _SQLITE_FULL
        or server_says(err, DISK_FULL_SAID)
    )


def full_disk(err: BaseException, folder: Path | None = None) -> int | None:
    """When ``err`` says a database's disk is full: the free bytes there (0 for a server's disk, which cannot be
    asked: ``folder`` None); None otherwise.  A SQLite database's "disk I/O error" counts when the disk of its
    ``folder`` has less than ``SQLITE_LOW_DISK`` left (a file of its WAL that could not grow)."""
    full, sqlite_code = disk_full(err), getattr(cause_of(err), "sqlite_errorcode", None)
    if not full and (sqlite_code is None or sqlite_code & 0xFF != _SQLITE_IOERR):
        return None
    if folder is None:
        return 0
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        free = 0
    return free if full or free < SQLITE_LOW_DISK else None


def this_disk_full(err: BaseException, free: int) -> str:
    """What a SQLite database (the ledger, the search index) says of its full disk, ``free`` bytes left there."""
    return f"这台电脑的磁盘已满（剩余 {free / 2**20:.0f} MB，SQLite 说：{server_said(err)}）"


def cut_short(
    work: str, err: BaseException, kept: str, again: str, by: str = "台账数据库", room: str = ""
) -> LedgerError:
    """What the clerk is told of ``work`` the database server stopped before its end (a cancel, a lock waited for
    past its limit, a lost connection, a full disk): the server's words, then ``kept`` (what was kept, ending with
    its comma, or nothing) and when to do ``again`` ("再运行 recordkit index"): later, or, when the server's disk
    is full (``LedgerDiskFull``), once space is freed — ``room`` saying how much the work needs, where known.  The
    web page says it in Chinese alone (the server's words are the log's)."""
    said = server_said(err)
    if disk_full(err):
        full, after = f"{work}没有做完：{by}所在服务器的磁盘满了", f"；{kept}{room}{SERVER_DISK_ADVICE}后{again}"
        return LedgerDiskFull(f"{full}（服务器说：{said}）{after}", form_message=f"{full}（详情见日志）{after}")
    stopped, after = f"{work}没有做完：{by}中止了它", f"；{kept}请稍后{again}"
    return LedgerError(f"{stopped}（服务器说：{said}）{after}", form_message=f"{stopped}（详情见日志）{after}")


def server_at_least(conn: Connection, major: int) -> bool:
    """Whether the server of ``conn`` is PostgreSQL ``major`` or later (a setting it would not know is then left
    out, never an error)."""
    return (conn.dialect.server_version_info or (0,)) >= (major,)


def no_time_limit(conn: Connection) -> None:
    """Let the transaction of ``conn`` run as long as its work needs, whatever limits a database administrator
    set for the account (PostgreSQL; SQLite has none): on a statement, on a transaction left idle between two,
    and (PostgreSQL 17 on) on a transaction's whole length.  For the work an office asks for on purpose and
    cannot do in parts — a migration, a move, a rebuild of the search index, whose index builds take minutes
    at a million documents and would otherwise be cancelled near their end — and for the transaction that holds
    the search index's writer lock while that work runs.  Searches and everyday commands keep the limits."""
    if conn.dialect.name == "postgresql":
        limits = ["statement_timeout", "idle_in_transaction_session_timeout"]
        if server_at_least(conn, 17):
            limits.append("transaction_timeout")
        conn.exec_driver_sql("SELECT " + ", ".join(f"set_config('{limit}', '0', true)" for limit in limits))


def alembic_config(conn: Connection | None = None) -> Any:
    """Alembic's configuration of the ledger's migrations, run on ``conn`` (see migrations/env.py)."""
    from alembic.config import Config  # loaded on first use: Alembic costs ~0.1 s to import

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if conn is not None:
        config.attributes["connection"] = conn
    return config


@functools.lru_cache(maxsize=64)
def _insert_plan(
    dialect: sa.Dialect,
    table: sa.Table,
    columns: tuple[str, ...],
) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
    """The INSERT for these columns in the dialect's parameter style, the positional order
    (None for named parameters), and SQLAlchemy's own bind processors where a type has one."""
    compiled = table.insert().compile(dialect=dialect, column_keys=list(columns))
    order = tuple(compiled.positiontup or ()) if compiled.positional else None
    processors = {
        name: proc for name in columns if (proc := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    }
    return str(compiled), order, processors


def refuse_unknown_unit(conn: Connection, code: str | None, *, filed: bool = False, also: str = "") -> None:
    """``no_such_unit`` when the ledger has no unit ``code``: a listing by ``--unit`` that found nothing asks, so that
    a typo is refused, never listed as nothing (收据 0 张, 工单 0 张, 文书 0 份, 联系人 0 人).  With ``filed``, a unit
    an archive item is filed under is known too (one the ledger lacks, listed in the review: 档案 0 件, 没有找到).
    ``also``: the command's own advice after it."""
    columns = [units.c.code, archive_items.c.unit] if filed else [units.c.code]
    if code is not None and all(
        conn.execute(sa.select(column).where(column == code).limit(1)).first() is None for column in columns
    ):
        raise unknown_unit(conn, code, also)


def unknown_unit(conn: Connection, code: object, also: str = "") -> NotFoundError:
    """``no_such_unit`` for ``code`` (canonical, not in the ledger), naming the ledger's units of the same code in
    other phases: in an estate of 香榭丽舍 and 巴塞罗纳, 3-2-1202 typed without its phase is no typo.  ``also``: the
    command's own advice after it."""
    return unknown_units(conn, [code], also)


def unknown_units(conn: Connection, codes: Iterable[object], also: str = "") -> NotFoundError:
    """``unknown_unit`` of several units a command was given at once, each with its units in other phases."""
    return no_such_units({code: units_elsewhere(conn, code) for code in codes}, also)


def missing_unit(conn: Connection, code: object, also: str = "") -> str:
    """A sheet's row or an archive item's review naming unit ``code`` the ledger does not have, asking about its
    units in other phases (``core.unitcodes.unit_not_in_ledger``), after ``also``, the import's own advice."""
    return unit_not_in_ledger(code, units_elsewhere(conn, code), also)


def units_elsewhere(conn: Connection, code: object) -> list[str]:
    """The ledger's units of the same code as ``code`` in other phases, in the phases' order (``UnitCode.sort_key``:
    二期 before 三期): B-1-2004's 巴塞罗纳·B-1-2004 and 香榭丽舍·B-1-2004."""
    bare = str(code).rpartition("·")[2]  # a phase's name holds no "·" (core.unitcodes)
    same = sa.or_(units.c.code == bare, units.c.code.endswith(f"·{bare}", autoescape=True))
    found = conn.execute(sa.select(units.c.code).where(same, units.c.code != str(code))).scalars()
    return sorted(found, key=lambda other: parse_unit_code(other).sort_key)


def bulk_insert(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows through the driver's own executemany.

    For tens of thousands of rows SQLAlchemy's per-row statement handling costs
    more than the insert itself; the statement is still compiled by SQLAlchemy for
    this dialect (once per table and column set), and values still pass through
    the column types' own bind processors (dates on SQLite), so reads see no
    difference.  Every row must have the same keys.
    """
    if not rows:
        return
    sql, order, processors = _insert_plan(conn.dialect, table, tuple(rows[0]))

    def driver_value(name: str, value: Any) -> Any:
        processor = processors.get(name)
        return processor(value) if processor is not None else value

    if order is not None:
        params: list[Any] = [tuple(driver_value(name, row[name]) for name in order) for row in rows]
    else:
        params = [{name: driver_value(name, value) for name, value in row.items()} for row in rows]
    conn.exec_driver_sql(sql, params)


#: The most values one ``IN (…)`` is given: well under the parameters SQLite takes in one statement (999 in the
#: oldest builds, 32,766 in many; PostgreSQL's protocol 65,535), with room for a statement's other parameters.
IN_BATCH = 500

_T = TypeVar("_T")


def in_batches(values: Sequence[_T], written: int = 1) -> Iterator[Sequence[_T]]:
    """``values`` in order, ``IN_BATCH`` at a time: the lists of the ``IN (…)`` of a query run once for each, never one
    of them all, which SQLite refuses beyond its parameters in one statement — a property group's roster, a report's
    arrears list or a filing batch may name more units than that.  A statement that writes the list ``written`` times
    (two ``IN (…)`` of it) takes that many times fewer at a time."""
    size = IN_BATCH // written
    for start in range(0, len(values), size):
        yield values[start : start + size]


# The key of ``Ledger.time_zone`` in a connection's ``info``.
_OFFICE_ZONE = "recordkit_office_zone"


def office_zone_of(conn: Connection) -> str:
    """The office's time zone of the ledger ``conn`` belongs to (``Ledger.time_zone``)."""
    return str(conn.info.get(_OFFICE_ZONE, OfficeSettings.time_zone))


def open_ledger(
    url: str,
    *,
    busy_timeout: int = 30,
    migrate: bool = True,
    create: bool = True,
    new_ledger: bool = True,
    upgrades: bool = True,
    schema: str = "",
    time_zone: str = OfficeSettings.time_zone,
    given_by: DatabaseSettings = DatabaseSettings(),
) -> Ledger:
    """Open the ledger at ``url`` (in PostgreSQL ``schema`` when given), migrating it on first use.

    A SQLite ledger's folder must exist (``ConfigError`` otherwise: a mistyped path never makes a
    second ledger); with ``create=False`` the ledger must exist too (``LedgerError``: the file, or
    on PostgreSQL the schema and its tables), which is how commands that only read open it; with
    ``new_ledger=False`` a ledger not made yet — a SQLite file missing or empty, a schema not made yet or empty, an
    empty database — is a ``ConfigError`` (``Ledger.no_ledger_refusal``), which is how every other command not
    meant to make a ledger opens it; with ``upgrades=False`` an older ledger is a ``LedgerError`` (``db upgrade``
    first), which is how a dry run and a command that only reads open it.  A schema PostgreSQL would not take as written,
    or one with a SQLite ledger, is a ``ConfigError``.
    """
    return Ledger(
        url,
        busy_timeout=busy_timeout,
        migrate=migrate,
        create=create,
        new_ledger=new_ledger,
        upgrades=upgrades,
        schema=schema,
        time_zone=time_zone,
        given_by=given_by,
    )


def open_workspace_ledger(
    workspace: Workspace, *, migrate: bool = True, create: bool = True, new_ledger: bool = True, upgrades: bool = True
) -> Ledger:
    """The workspace's ledger as its settings name it (``[database]`` url, schema, busy_timeout);
    see ``open_ledger``."""
    database = workspace.settings.database
    return open_ledger(
        workspace.database_url,
        busy_timeout=database.busy_timeout,
        migrate=migrate,
        create=create,
        new_ledger=new_ledger,
        upgrades=upgrades,
        schema=database.schema,
        time_zone=workspace.settings.office.time_zone,
        given_by=database,
    )


def read_workspace_ledger(workspace: Workspace) -> Ledger:
    """The workspace's ledger as a library function that only reads opens it (a search's refusals, doctor's checks):
    as it is — never made, checked for its revision, upgraded, or switched from the rollback journal's mode to WAL;
    nothing made beside it."""
    return open_workspace_ledger(workspace, migrate=False, create=False, upgrades=False)
