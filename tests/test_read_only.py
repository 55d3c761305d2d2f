"""A command that only reads never writes the ledger: not a row, not a fee rule from recordkit.toml.

The whole ledger is dumped (every table, every row) before and after each command, with fee
items waiting in recordkit.toml that a writing command would sync.  And a ledger this account may only
read is told as such, by the system and by SQLite itself.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from recordkit.core.workspace import Workspace
from recordkit.ledger.db import open_ledger
from recordkit.ledger.schema import HEAD_REVISION
from recordkit.owners.roster import import_owners
from recordkit.web import accounts
from tests.account_helpers import bound_by_file_modes
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.log_helpers import messages_since
from tests.revisions import mark_as_of

READ_ONLY = [
    ("owners", "list"),
    ("owners", "show", "3-2-1201"),
    ("fees", "rules", "list"),
    ("fees", "arrears"),
    ("receipt", "list"),
    ("docs", "list"),
    ("workorder", "list"),
    ("archive", "list"),
    ("archive", "loans"),
    ("journal", "list"),
    ("journal", "verify"),
    ("templates", "list"),
]


def _dump(database: Path) -> list[str]:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
        return list(conn.iterdump())


@pytest.fixture
def office(workspace: Workspace, tmp_path: Path, run_cli: Any) -> Workspace:
    with open_ledger(workspace.database_url) as ledger:
        import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS), "王芳")
    assert (
        run_cli("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01").exit_code
        == 0
    )
    assert run_cli("fees", "bill", "--month", "2026-10").exit_code == 0
    config = workspace.root / "recordkit.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[[fees.items]]\nname = "垃圾清运费"\nkind = "fixed"\nrate = "10"\neffective_from = "2026-01"\n',
        encoding="utf-8",
    )
    return workspace


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_a_command_that_only_reads_leaves_the_ledger_as_it_was(
    office: Workspace, run_cli: Any, args: tuple[str, ...]
) -> None:
    database = office.records_dir / "ledger.sqlite3"
    before = _dump(database)
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    assert _dump(database) == before


def _rollback_journal(database: Path) -> None:
    """``database`` put in the rollback journal's mode, as ``db backup``'s copy or a tool leaves a ledger."""
    with closing(sqlite3.connect(database)) as conn:
        assert conn.execute("PRAGMA journal_mode=DELETE").fetchone() == ("delete",)
    assert database.read_bytes()[18:20] == b"\x01\x01"  # the rollback journal's mode, by the file's header


def test_commands_that_only_read_leave_a_ledger_in_the_rollback_journals_mode_as_they_found_it(
    office: Workspace, run_cli: Any
) -> None:
    """``owners list`` and ``fees arrears`` on a ledger in the rollback journal's mode switched it to WAL as they
    opened it: its header rewritten by a command that only reads.  They now read it as it is, the file's bytes and
    time unchanged; a command that writes still switches it to WAL, the mode every writer of the office uses."""
    database = office.records_dir / "ledger.sqlite3"
    _rollback_journal(database)
    before, written = database.read_bytes(), database.stat().st_mtime_ns
    for args in (("owners", "list"), ("fees", "arrears")):
        result = run_cli(*args)
        assert result.exit_code == 0, result.stderr
    assert run_cli("doctor").exit_code in (0, 1)  # (its lines reading the ledger: LibreOffice may be missing here)
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert database.read_bytes() == before
    assert database.stat().st_mtime_ns == written
    assert run_cli("fees", "pay", "3-2-1201", "--amount", "100").exit_code == 0
    assert database.read_bytes()[18:20] == b"\x02\x02"  # WAL


def _listing(root: Path) -> list[str]:
    """Every file and folder under ``root``, as paths relative to it."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*"))


def test_a_dry_run_and_commands_that_only_read_make_nothing_beside_the_ledger(
    workspace: Workspace, run_cli: Any
) -> None:
    """``owners import --dry-run`` made records/ledger.sqlite3-queue (the writers' queue, with its lock file) beside a
    ledger that had none yet (restored from a backup, a new workspace): a run asked to change nothing left a folder.
    It now makes nothing, nor do the commands that only read; the import itself makes the queue as every write does."""
    sheet = write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS)
    before = _listing(workspace.root)
    assert "records/ledger.sqlite3-queue" not in before
    for args in (("owners", "import", str(sheet), "--dry-run"), ("owners", "list"), ("fees", "arrears")):
        result = run_cli(*args)
        assert result.exit_code == 0, result.output
    assert _listing(workspace.root) == before
    assert run_cli("owners", "import", str(sheet)).exit_code == 0
    assert "records/ledger.sqlite3-queue" in _listing(workspace.root)


def test_a_command_that_logs_nothing_leaves_no_log_file_and_the_first_line_makes_it(office: Workspace) -> None:
    """Every command made records/logs/recordkit.log as it started (an empty file after ``owners list`` where there
    was none: a workspace restored without its logs), whether it wrote a line or not.  The file is now made by the
    first line written: a reading command that logs nothing leaves none, one that fails writes it with its line.
    Its folder too (records/logs/ was made at every start where it was missing): it is made with the first line."""
    log_file = office.log_file
    shutil.rmtree(log_file.parent)
    env = {**os.environ, "RECORDKIT_HOME": str(office.root), "RECORDKIT_OPERATOR": "测试员"}

    def recordkit(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "recordkit", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)

    for args in (("owners", "list"), ("fees", "arrears")):
        listed = recordkit(*args)
        assert listed.returncode == 0, listed.stderr
    assert not log_file.parent.exists()
    failed = recordkit("owners", "show", "9-9-909")
    assert failed.returncode == 6, failed.stderr
    assert messages_since(office, 0) == [
        "command failed (exit 6): 台账中没有房屋 9-9-909：请用 recordkit owners list 查看已有房号"
    ]


def test_a_command_that_only_reads_upgrades_no_older_ledger(office: Workspace, run_cli: Any) -> None:
    """``owners list`` on a ledger an older recordkit left (0028) upgraded it on the way: a command that only reads
    changed the tables.  It now says the ledger is to be upgraded first, as a dry run does (exit 7), the file as it
    was; after ``db upgrade`` it lists."""
    database = office.records_dir / "ledger.sqlite3"
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.begin() as conn:
        mark_as_of(conn, "0028")
    engine.dispose()
    before = database.read_bytes()
    listed = run_cli("owners", "list")
    assert listed.exit_code == 7, listed.output
    assert listed.stderr == (
        f"错误：台账数据库 sqlite:///{database} 的表结构版本是 0028，这一版 recordkit 要 {HEAD_REVISION}，要先升级："
        "这个命令只读取、不改动台账，不会替你升级：请先运行 recordkit db upgrade，再运行这个命令；什么也没有写入\n"
    )
    assert database.read_bytes() == before
    assert run_cli("db", "upgrade").exit_code == 0
    listed = run_cli("owners", "list")
    assert listed.exit_code == 0, listed.output
    assert "李秀英" in listed.stdout


def test_the_check_sees_a_write(office: Workspace, run_cli: Any) -> None:
    """The same dump notices a command that does write (here: the sync of 垃圾清运费 and new bills)."""
    database = office.records_dir / "ledger.sqlite3"
    before = _dump(database)
    assert run_cli("fees", "bill", "--month", "2026-11").exit_code == 0
    after = _dump(database)
    assert after != before
    assert any("垃圾清运费" in line for line in after) and not any("垃圾清运费" in line for line in before)


# -- a SQLite ledger this account may only read ---------------------------------------------------------------


def _bound_python(office: Workspace) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Python run with the given arguments in ``office`` by an account its file modes bind
    (``account_helpers.bound_by_file_modes``), its output captured; a page that started instead of refusing would run
    until killed: it fails at the timeout."""
    bound = bound_by_file_modes()
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("RECORDKIT_")},
        "RECORDKIT_HOME": str(office.root),
        "RECORDKIT_OPERATOR": "测试员",
    }

    def python(*args: str) -> subprocess.CompletedProcess[str]:
        command = [*bound, sys.executable, *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)

    return python


#: SQLite's own answer, the system's (``os.access``) made to say yes: what a Windows account's rights give, which
#: ``os.access`` does not see there.
SQLITE_ANSWER = (
    "import os, sys; from pathlib import Path; os.access = lambda *args, **kwargs: True; "
    "from recordkit.ledger.db import sqlite_takes_writes; print(sqlite_takes_writes(Path(sys.argv[1])))"
)


def test_a_ledger_file_this_account_may_only_read_is_told_as_read_only_and_nothing_is_written(
    office: Workspace,
) -> None:
    """``recordkit serve`` under a service account that may only read records/ledger.sqlite3 started with sign-in,
    and sign-in answered "无法访问台账数据库 …：attempt to write a readonly database"; a payment said the same.  The
    page now refuses to start (exit 7) saying why and what to do, as on a read-only PostgreSQL ledger; a payment is
    refused (exit 7) in the same words; reading goes on; SQLite's own answer says so where the system's does not.
    A folder the account cannot write, where SQLite must make its -wal and -shm files, is named."""
    with open_ledger(office.database_url) as ledger:
        accounts.add_user(ledger, "王档案", "archivist", "mima-12345678", operator="站长")
    python = _bound_python(office)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return python("-m", "recordkit", *args)

    database = office.records_dir / "ledger.sqlite3"
    before = _dump(database)
    database.chmod(0o444)
    said = f"台账数据库 sqlite:///{database} 只能读（运行 recordkit 的系统账户不能写入这个文件，或它所在的文件夹）"
    served = run("serve", "--port", "0")
    assert served.returncode == 7, served.stdout + served.stderr
    assert served.stderr.replace("\n", "") == (
        f"错误：{said}：档案室网页要登录（已经建立了账户，或在办公室网络上提供），而登录要写入台账"
        f"（登录失败的次数记在台账里，防止猜密码）：请让运行 recordkit serve 的系统账户能写入台账文件 {database} "
        "和它所在的文件夹（SQLite 在那里建 -wal、-shm 文件）"
    )
    paid = run("fees", "pay", "3-2-1201", "--amount", "100")
    assert paid.returncode == 7, paid.stdout + paid.stderr
    assert paid.stderr.replace("\n", "") == (
        f"错误：{said}：检索和查看可以，收款、归档、借阅等写入要让运行 recordkit 的系统账户能写入台账文件 {database} "
        "和它所在的文件夹（SQLite 在那里建 -wal、-shm 文件）；什么也没有写入"
    )
    shown = run("owners", "show", "3-2-1201")
    assert shown.returncode == 0 and "3-2-1201" in shown.stdout, shown.stderr
    answered = python("-c", SQLITE_ANSWER, str(database))
    assert answered.stdout.strip() == "False", answered.stderr
    assert _dump(database) == before

    # the file may be written, its folder not, and SQLite has no -wal or -shm file there yet: nothing opens
    database.chmod(0o644)
    for name in ("ledger.sqlite3-wal", "ledger.sqlite3-shm"):  # (left by the readers above, which could not)
        (office.records_dir / name).unlink(missing_ok=True)
    (office.records_dir / "ledger.sqlite3-migrate.lock").touch()  # as the ledger's first use left it (recordkit init)
    office.records_dir.chmod(0o555)
    try:
        listed = run("owners", "list")
    finally:
        office.records_dir.chmod(0o755)
    assert listed.returncode == 7, listed.stdout + listed.stderr
    assert listed.stderr.replace("\n", "") == (
        f"错误：台账数据库 sqlite:///{database} 打不开：运行 recordkit 的系统账户不能在它所在的文件夹 "
        f"{office.records_dir} 里建 SQLite 的 -wal、-shm 文件（只读取也要建）：请让这个账户能写入这个文件夹；"
        "什么也没有写入"
    )
    # and with every right, SQLite says it takes writes
    answered = python("-c", SQLITE_ANSWER, str(database))
    assert answered.stdout.strip() == "True", answered.stderr
    assert _dump(database) == before


def test_doctor_says_a_ledger_file_this_account_may_only_read_takes_reads_only(
    workspace: Workspace, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Doctor said such a ledger was fine (正常) with nothing more; it now says it takes reads only and what writing
    needs, as it does of a read-only PostgreSQL ledger (not a fault: searching there works).  (The tests run as
    root, who may write every file: the one function that decides is told the account may not.)"""
    monkeypatch.setattr("recordkit.ledger.db.sqlite_takes_writes", lambda _file: False)
    result = run_cli("doctor", "--json")
    checks = json.loads(result.stdout)
    database = workspace.records_dir / "ledger.sqlite3"
    assert next(check for check in checks if check["name"] == "台账数据库") == {
        "name": "台账数据库",
        "ok": True,
        "detail": f"sqlite:///{database}：只能读（运行 recordkit 的系统账户不能写入这个文件，或它所在的文件夹）"
        f"（表结构版本 {HEAD_REVISION}）：检索和查看可以，收款、归档、借阅等写入要让运行 recordkit 的系统账户"
        f"能写入台账文件 {database} 和它所在的文件夹（SQLite 在那里建 -wal、-shm 文件）",
        "fix": "",
        "required": True,
    }


def test_a_ledger_copied_by_hand_into_a_folder_this_account_may_only_read_is_told_as_such(office: Workspace) -> None:
    """A ledger copied into records/ by hand has no ledger.sqlite3-migrate.lock beside it, and in a folder the
    account may only read, a reading command said 「无法写入（…ledger.sqlite3-migrate.lock）：没有写入权限…」
    (exit 10): the lock file, not the folder.  Now a WAL ledger whose -wal and -shm files SQLite cannot make there
    names the folder (exit 7); a ledger in the rollback journal's mode, which SQLite reads without making a file,
    is read, and a payment on it is refused as on a ledger this account may only read (exit 7)."""
    python = _bound_python(office)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return python("-m", "recordkit", *args)

    folder = office.records_dir
    database = folder / "ledger.sqlite3"
    before = _dump(database)
    for name in ("ledger.sqlite3-migrate.lock", "ledger.sqlite3-wal", "ledger.sqlite3-shm"):  # (the dump's too)
        (folder / name).unlink(missing_ok=True)
    folder.chmod(0o555)
    try:
        listed = run("owners", "list")
        checked = run("doctor", "--json")
    finally:
        folder.chmod(0o755)
    cannot_open = (
        f"台账数据库 sqlite:///{database} 打不开：运行 recordkit 的系统账户不能在它所在的文件夹 "
        f"{folder} 里建 SQLite 的 -wal、-shm 文件（只读取也要建）：请让这个账户能写入这个文件夹；什么也没有写入"
    )
    assert listed.returncode == 7, listed.stdout + listed.stderr
    assert listed.stderr.replace("\n", "") == f"错误：{cannot_open}"
    # doctor's fix follows the message (it pointed at [database] url and the database service)
    assert next(check for check in json.loads(checked.stdout) if check["name"] == "台账数据库") == {
        "name": "台账数据库",
        "ok": False,
        "detail": cannot_open,
        "fix": "按说明中的做法改好后，再运行 recordkit doctor",
        "required": True,
    }

    with closing(sqlite3.connect(database)) as conn:  # as a copy made by a tool that leaves the rollback journal's mode
        assert conn.execute("PRAGMA journal_mode=DELETE").fetchone() == ("delete",)
    before = _dump(database)
    for name in ("ledger.sqlite3-migrate.lock", "ledger.sqlite3-wal", "ledger.sqlite3-shm"):
        (folder / name).unlink(missing_ok=True)
    shutil.rmtree(folder / "ledger.sqlite3-queue")  # (the writers' queue, not made there yet either)
    folder.chmod(0o555)
    try:
        shown = run("owners", "show", "3-2-1201")
        paid = run("fees", "pay", "3-2-1201", "--amount", "100")
    finally:
        folder.chmod(0o755)
    assert shown.returncode == 0 and "3-2-1201" in shown.stdout, shown.stderr
    assert paid.returncode == 7, paid.stdout + paid.stderr
    assert paid.stderr.replace("\n", "") == (
        f"错误：台账数据库 sqlite:///{database} 只能读（运行 recordkit 的系统账户不能写入这个文件，或它所在的文件夹）："
        f"检索和查看可以，收款、归档、借阅等写入要让运行 recordkit 的系统账户能写入台账文件 {database} "
        "和它所在的文件夹（SQLite 在那里建 -wal、-shm 文件）；什么也没有写入"
    )
    assert not [path.name for path in folder.glob("ledger.sqlite3-*") if path.name != "ledger.sqlite3-queue"]
    assert _dump(database) == before

    # a ledger of an older recordkit there: its upgrade is refused, not half made without the first-use lock
    with closing(sqlite3.connect(database)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    before = _dump(database)
    folder.chmod(0o555)
    try:
        upgraded = run("fees", "pay", "3-2-1201", "--amount", "100")  # (one that only reads upgrades none)
    finally:
        folder.chmod(0o755)
    assert upgraded.returncode == 7, upgraded.stdout + upgraded.stderr
    assert upgraded.stderr.replace("\n", "") == (
        f"错误：台账数据库 sqlite:///{database} 的表结构版本是 0001，需要 {HEAD_REVISION}，要升级，但它只能读"
        f"（运行 recordkit 的系统账户不能写入这个文件，或它所在的文件夹）：请让运行 recordkit 的系统账户能写入台账文件 "
        f"{database} 和它所在的文件夹（SQLite 在那里建 -wal、-shm 文件）后再试；什么也没有写入"
    )
    assert _dump(database) == before

    # … and in a folder it may write, with a lock file it may not (another account's, say): the lock file is named
    lock = folder / "ledger.sqlite3-migrate.lock"
    lock.touch()
    lock.chmod(0o444)
    locked = run("fees", "pay", "3-2-1201", "--amount", "100")
    assert locked.returncode == 7, locked.stdout + locked.stderr
    assert locked.stderr.replace("\n", "") == (
        f"错误：台账数据库 sqlite:///{database} 的表结构版本是 0001，需要 {HEAD_REVISION}，要升级，但运行 recordkit "
        f"的系统账户不能写入它旁边的锁文件 {lock}（升级时两个程序靠它排队）：请让这个账户能写入这个文件后再试；"
        "什么也没有写入"
    )
    assert _dump(database) == before


def test_wal_files_a_reader_left_read_only_are_named_with_what_to_do(office: Workspace) -> None:
    """SQLite makes a ledger's -wal and -shm files with the ledger file's mode: a reading while the file was 0444
    left them read-only, and once the file was writable again every write was refused as on a file this account
    may only read (「不能写入这个文件，或它所在的文件夹」), and doctor said the same, naming neither.  Doctor now names
    the file and says what to do (with no recordkit running, remove it or make it writable), as does the refused
    payment; done, the payment goes through."""
    python = _bound_python(office)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return python("-m", "recordkit", *args)

    database = office.records_dir / "ledger.sqlite3"
    shm = office.records_dir / "ledger.sqlite3-shm"
    for name in ("ledger.sqlite3-wal", "ledger.sqlite3-shm"):
        (office.records_dir / name).unlink(missing_ok=True)
    database.chmod(0o444)
    assert run("owners", "show", "3-2-1201").returncode == 0  # a reader that could only read the file
    database.chmod(0o644)
    assert shm.stat().st_mode & 0o777 == 0o444
    before = _dump(database)

    what_to_do = (
        f"在没有 recordkit 运行时（先停下 recordkit watch 和 recordkit serve）删除 {shm}，"
        "或让运行 recordkit 的系统账户能写入它（chmod，或改为这个账户所有）"
    )
    said = (
        "只能读（运行 recordkit 的系统账户不能写入 SQLite 留在它旁边的 ledger.sqlite3-shm，"
        "多半是一个只能读台账的程序留下的）"
    )
    checked = run("doctor", "--json")
    assert next(check for check in json.loads(checked.stdout) if check["name"] == "台账数据库") == {
        "name": "台账数据库",
        "ok": False,
        "detail": f"sqlite:///{database}：{said}（表结构版本 {HEAD_REVISION}）："
        f"检索和查看可以，收款、归档、借阅等写入要{what_to_do}",
        "fix": what_to_do,
        "required": True,
    }
    paid = run("fees", "pay", "3-2-1201", "--amount", "100")
    assert paid.returncode == 7, paid.stdout + paid.stderr
    assert paid.stderr.replace("\n", "") == (
        f"错误：台账数据库 sqlite:///{database} {said}：检索和查看可以，收款、归档、借阅等写入要{what_to_do}；"
        "什么也没有写入"
    )
    assert _dump(database) == before

    shm.unlink()  # as the advice says, no recordkit running
    paid = run("fees", "pay", "3-2-1201", "--amount", "100")
    assert paid.returncode == 0, paid.stdout + paid.stderr
