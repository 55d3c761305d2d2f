"""The one error hierarchy of recordkit.

Every failure a clerk can cause or meet is a ``RecordkitError`` subclass with
an exit code and a Chinese message that says what to do next.  The CLI turns
them into one line on stderr in exactly one place (``recordkit.cli``).
"""

from __future__ import annotations

import errno
import getpass
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from recordkit.core.filenames import printable


class RecordkitError(Exception):
    """Base class: ``message`` is shown to the clerk as it is.  ``form_message`` is the same refusal as the web
    page's form says it, where the two differ: naming the form's field (借阅人) where the command line names its
    option (``--to``), or what to do on the page rather than the command to run; else ``message``."""

    exit_code = 1
    #: Whether the refusal was written to the log where it arose, with what its message leaves out (a search's query,
    #: masked): the CLI's one place then writes no line of its own, which would say it again.
    logged = False

    def __init__(self, message: str, *, form_message: str | None = None) -> None:
        # Names belong in messages through filenames.readable_name; this is the safety
        # net that keeps a stray undecodable byte from breaking the screen or the log.
        message = printable(message)
        super().__init__(message)
        self.message = message
        self.form_message = printable(form_message) if form_message else message

    def __str__(self) -> str:
        return self.message


@contextmanager
def logged_already() -> Iterator[None]:
    """Mark the ``RecordkitError`` raised inside as ``logged``: its failure's line, with the cause, is in the log
    already (written just before the refusal is chosen), so the CLI writes none of its own."""
    try:
        yield
    except RecordkitError as refusal:
        refusal.logged = True
        raise


class UsageError(RecordkitError):
    """A command was called with arguments that make no sense."""

    exit_code = 2


class ConfigError(RecordkitError):
    """recordkit.toml or a RECORDKIT_* variable is unreadable or wrong."""

    exit_code = 3


class WorkspaceError(RecordkitError):
    """No workspace where one was expected, or one where none may be; or one already served by a running watcher."""

    exit_code = 4


@dataclass(frozen=True)
class CellProblem:
    """One bad cell of a spreadsheet: 1-based Excel row, column letter, header."""

    row: int
    column: str
    header: str
    reason: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行"
        if self.column:
            where += f" {self.column} 列"
        if self.header:
            where += f"（{self.header}）"
        return f"{where}：{self.reason}"


class ValidationError(RecordkitError):
    """Input data is wrong.  ``problems`` lists every bad cell, not just the first."""

    exit_code = 5

    def __init__(self, message: str, problems: Sequence[CellProblem] = (), *, form_message: str | None = None) -> None:
        super().__init__(message, form_message=form_message)
        self.problems = list(problems)


class NotFoundError(RecordkitError):
    """A unit, owner or record named on the command line does not exist."""

    exit_code = 6


class LedgerError(RecordkitError):
    """The ledger database cannot be reached, migrated or trusted."""

    exit_code = 7


class LedgerMoved(LedgerError):
    """The ledger was moved into another database (``recordkit db move``) and takes no more writes: a service
    still running on it stops (its supervisor starts it again on the address now in recordkit.toml)."""


class ConflictError(RecordkitError):
    """The action contradicts what the ledger already holds."""

    exit_code = 8


class IntegrityError(RecordkitError):
    """A check found the ledger or the archive tampered with or damaged."""

    exit_code = 9


class StorageError(RecordkitError):
    """The disk said no: full, read-only, or not ours to write."""

    exit_code = 10


class LedgerDiskFull(LedgerError, StorageError):
    """The ledger's database could not write: its disk is full (the database server's, or this machine's for a
    SQLite ledger).  A ledger's refusal (a service waits for it as for a ledger away), told and exited as the
    disk's."""

    exit_code = StorageError.exit_code


#: What the disk's refusals mean to a clerk, by errno name; the path is added by ``storage_error``.
_STORAGE_REASONS = {
    "ENOSPC": "磁盘已满：请清理磁盘空间后重试",
    "EDQUOT": "磁盘配额已用完：请清理后重试",
    "EROFS": "所在磁盘是只读的：请检查工作区是否放在只读的位置（光盘、只读共享文件夹）",
}
#: The refusals of a write this account has no right to (``write_refusal`` names the account and the fix).
_NOT_PERMITTED = ("EACCES", "EPERM")


def storage_error(err: OSError) -> StorageError | None:
    """The ``StorageError`` for a full, read-only or forbidden disk; None for any other OSError."""
    name = errno.errorcode.get(err.errno or 0, "")
    if name not in _STORAGE_REASONS and name not in _NOT_PERMITTED:
        return None
    where = f"（{printable(str(err.filename))}）" if err.filename else ""
    account = system_account()
    if err.filename:
        # (recordkit writes a new file beside its target, then puts it in place: the folder must take writes)
        named = Path(os.fsdecode(err.filename))
        folder = printable(str(named if named.is_dir() else named.parent))
        fix = f"请让这个账户能写入 {folder}（例如 sudo chown {account}: {folder}）"
    else:
        fix = "请让这个账户能写入工作区的文件夹，或换用有权限的账户运行"
    return StorageError(f"无法写入{where}：{write_refusal(err, account, fix)}")


def system_account() -> str:
    """The login name this process runs under: the account a service runs as (systemd's ``User=``)."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers, services): still name something
        return "unknown"


def write_refusal(err: OSError, account: str, fix: str) -> str:
    """Why ``err`` refused a write, in words for whoever looks after the computer (never the system's English): a
    permission refusal names ``account``, the system account recordkit runs as, and ``fix`` (what gives it the
    right, e.g. a chown); a full or read-only disk as ``storage_error`` says it; an unusual refusal by its errno
    name, for them to look up."""
    name = errno.errorcode.get(err.errno or 0, "")
    if name in _NOT_PERMITTED:
        return f"运行 recordkit 的系统账户 {account} 没有写入权限：{fix}"
    return _STORAGE_REASONS.get(name) or f"系统拒绝写入（{name or type(err).__name__}）"


#: Why a file or folder could not be read, by errno name (``read_refusal``).
_READ_REASONS = {
    "EACCES": "运行 recordkit 的系统账户没有读取它的权限",
    "EPERM": "运行 recordkit 的系统账户没有读取它的权限",
    "EISDIR": "这是一个文件夹，不是文件",
    "ENOTDIR": "这是一个文件，不是文件夹",
    "EIO": "读取时磁盘出错：请检查磁盘或网络存储",
    "ENOENT": "它不存在",
}


def read_refusal(err: OSError) -> str:
    """Why ``err`` refused a read, in words for whoever looks after the computer (never the system's English); an
    unusual refusal by its errno name, for them to look up."""
    name = errno.errorcode.get(err.errno or 0, "")
    return _READ_REASONS.get(name) or f"系统拒绝读取（{name or type(err).__name__}）"


#: Exit code for an unexpected failure (a bug); the details go to the log.
INTERNAL_ERROR_EXIT_CODE = 70
#: Exit code of a command stopped by Ctrl-C before it saved anything (128 + SIGINT, as shells do).
INTERRUPTED_EXIT_CODE = 130

EXIT_CODES: dict[int, str] = {
    0: "成功",
    1: "一般错误；`recordkit search` 没有找到结果时也返回 1（与 grep 相同）",
    UsageError.exit_code: "命令用法错误：参数缺失、取值不对",
    ConfigError.exit_code: "配置错误：recordkit.toml 或 RECORDKIT_* 环境变量有误",
    WorkspaceError.exit_code: "找不到工作区、工作区已存在、这台电脑上没有档案文件（档案在服务器上），或这个工作区已有归档服务在运行",
    ValidationError.exit_code: "输入数据有误（例如表格某行某列），什么也没有写入",
    NotFoundError.exit_code: "要找的房屋、业主或记录不存在",
    LedgerError.exit_code: "台账数据库无法连接、升级或版本不符",
    ConflictError.exit_code: "操作与台账现有记录冲突",
    IntegrityError.exit_code: "完整性检查发现台账或档案被改动或损坏",
    StorageError.exit_code: "磁盘已满、只读或没有写入权限，什么也没有写入",
    INTERRUPTED_EXIT_CODE: "按 Ctrl-C 取消，什么也没有保存",
    INTERNAL_ERROR_EXIT_CODE: "程序内部错误：详情写在 records/logs/recordkit.log",
}
