"""``recordkit db backup``: a SQLite ledger copied while it is in use into one consistent, private file.

What the office's administrator would check: the copy opens as a ledger and says what the original says (owners,
bills, receipts, the journal's chain), it holds the last committed moment — never a writer's rows not committed
yet —, it is readable by its account alone, and a backup that cannot finish (a name taken, a full or read-only disk,
a damaged ledger, the process killed) leaves no file with a backup's name behind.  A PostgreSQL ledger is refused,
pointing at ``pg_dump``.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import time_machine

from recordkit.core.errors import ConflictError, IntegrityError, StorageError, UsageError
from recordkit.core.workspace import Workspace
from recordkit.ledger.backup import backup_ledger, backup_name
from recordkit.ledger.db import open_workspace_ledger
from tests.conftest import SAMPLE_ROWS
from tests.fees_fixtures import bill_months, small_estate
from tests.test_disk_full import fill, small_disk

NOT_LEDGER = ("sqlite_",)


def rows_of(file: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, read with sqlite3 itself (never through recordkit)."""
    with sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
            if not name.startswith(NOT_LEDGER)
        }


def ledger_file(workspace: Workspace) -> Path:
    return workspace.records_dir / "ledger.sqlite3"


def backups_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.fixture
def estate(workspace: Workspace, tmp_path: Path, run_cli: Any) -> Workspace:
    """The sample owners, a month billed and one payment taken (its receipt numbered)."""
    with open_workspace_ledger(workspace) as ledger:
        small_estate(ledger, tmp_path)
        bill_months(ledger, "2026-10", "2026-11")
    paid = run_cli("fees", "pay", "1-1-101", "--amount", "300")
    assert paid.exit_code == 0, paid.output
    return workspace


def test_a_backup_is_named_by_the_office_clock() -> None:
    moment = dt.datetime(2026, 12, 6, 0, 30, 5)
    assert backup_name(moment, "测试小区") == "ledger-测试小区-20261206-003005.sqlite3"
    assert backup_name(moment, " 幸福里·二期 / 3-5号楼. ") == "ledger-幸福里_二期_3_5号楼-20261206-003005.sqlite3"
    assert backup_name(moment, "..") == "ledger-20261206-003005.sqlite3"
    assert backup_name(moment, "阳光" * 20) == f"ledger-{'阳光' * 16}-20261206-003005.sqlite3"


def test_without_a_target_the_copy_goes_private_into_records_backups_named_by_the_office_time(
    estate: Workspace, run_cli: Any
) -> None:
    # 16:30:05 UTC is 00:30:05 the next day in Shanghai ([office] time_zone's default): the office's date names it.
    with time_machine.travel(dt.datetime(2026, 12, 5, 16, 30, 5, tzinfo=dt.UTC), tick=False):
        result = run_cli("db", "backup")
    assert result.exit_code == 0, result.output
    folder = estate.records_dir / "backups"
    assert backups_in(folder) == ["ledger-测试小区-20261206-003005.sqlite3"]
    copy = folder / "ledger-测试小区-20261206-003005.sqlite3"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    size = copy.stat().st_size
    assert result.stdout.splitlines() == [
        f"已把台账备份到 {copy}（{size / 2**20:.1f} MB，{size} 字节）",
        "备份里有完整的电话、证件号码、银行卡号等个人信息，请放在只有管理员能读的地方（文件权限 600，只有本账户能读）",
    ]
    assert rows_of(copy) == rows_of(ledger_file(estate))


def test_a_folder_written_with_a_slash_at_its_end_takes_a_backup_each_night_once_it_is_made(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """The README's nightly line.  With the backup disk not mounted its folder is not there: the backup was made in
    a new folder on this computer's own disk, unnoticed.  It is refused now, nothing made; once the folder is made,
    each night's copy is named by its time (never a file named like the folder, which the second night would
    refuse)."""
    folder = tmp_path / "备份盘" / "台账"
    for target in (f"{folder}/", f"{folder}/台账.sqlite3"):
        refused = run_cli("db", "backup", target)
        assert (refused.exit_code, refused.stderr) == (
            6,
            f"错误：备份文件夹 {folder} 不存在，什么也没有写入：备份盘（U 盘）接好了吗？第一次备份前请先建好这个文件夹\n",
        )
    assert not (tmp_path / "备份盘").exists()
    folder.mkdir(parents=True)
    for night in (dt.datetime(2026, 12, 3, 18, 0, tzinfo=dt.UTC), dt.datetime(2026, 12, 4, 18, 0, tzinfo=dt.UTC)):
        with time_machine.travel(night, tick=False):
            result = run_cli("db", "backup", f"{folder}/")
        assert result.exit_code == 0, result.output
    assert backups_in(folder) == ["ledger-测试小区-20261204-020000.sqlite3", "ledger-测试小区-20261205-020000.sqlite3"]


def test_the_copy_is_a_working_ledger_that_says_what_the_original_says(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    target = tmp_path / "U盘" / "台账备份.sqlite3"
    target.parent.mkdir()
    result = run_cli("db", "backup", str(target), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "path": str(target),
        "bytes": target.stat().st_size,
        "removed": [],
        "not_removed": [],
    }
    assert not list(target.parent.glob("*-wal")) and not list(target.parent.glob(".~*"))  # one file, nothing beside

    copy = {"RECORDKIT_DATABASE_URL": f"sqlite:///{target}"}
    for command in (("owners", "list", "--json"), ("fees", "account", "1-1-101", "--json"), ("receipt", "list")):
        original, backed_up = run_cli(*command), run_cli(*command, env=copy)
        assert backed_up.exit_code == 0, backed_up.output
        assert backed_up.stdout == original.stdout, command
    owners = {row["owner"] for row in json.loads(run_cli("owners", "list", "--json", env=copy).stdout)}
    assert owners >= {row[4] for row in SAMPLE_ROWS if row[4]} == {"张伟", "李秀英"}
    receipts = run_cli("receipt", "list", env=copy).stdout
    assert "1-1-101" in receipts and "300.00" in receipts
    verified = run_cli("journal", "verify", env=copy)
    assert verified.exit_code == 0, verified.output
    assert rows_of(target) == rows_of(ledger_file(estate))


def test_a_ledger_in_the_rollback_journals_mode_is_backed_up_as_it_is(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """``db backup`` of a ledger in the rollback journal's mode (a copy restored from an earlier backup, which is one
    file so) switched the ledger itself to WAL: a backup, which only reads it, rewrote its header.  It now reads it as
    it is: the file's bytes and time unchanged, no -wal beside it, and the copy holds its rows."""
    database = ledger_file(estate)
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA journal_mode=DELETE").fetchone() == ("delete",)
    before, written = database.read_bytes(), database.stat().st_mtime_ns
    assert before[18:20] == b"\x01\x01"  # the rollback journal's mode, by the file's header
    target = tmp_path / "台账备份.sqlite3"
    result = run_cli("db", "backup", str(target))
    assert result.exit_code == 0, result.output
    assert database.read_bytes() == before
    assert database.stat().st_mtime_ns == written
    assert not (database.parent / "ledger.sqlite3-wal").exists()
    with sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert rows_of(target) == rows_of(database)
    with sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT count(*) FROM receipts").fetchone() == (1,)


def test_a_write_not_committed_stays_out_of_the_copy_and_the_backup_does_not_wait_for_it(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """A cashier's write transaction open (the write lock held) while the backup runs: the copy is made at once,
    holds the last committed moment, not the uncommitted change; the busy timeout is the ledger's own setting,
    set to one second here: waiting for the writer would fail."""
    committed = rows_of(ledger_file(estate))
    writer = sqlite3.connect(ledger_file(estate), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE owners SET name = '未提交的名字'")
        result = run_cli("db", "backup", str(tmp_path / "备份.sqlite3"), env={"RECORDKIT_DATABASE_BUSY_TIMEOUT": "1"})
        assert result.exit_code == 0, result.output
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    copy = rows_of(tmp_path / "备份.sqlite3")
    assert copy == committed
    assert "未提交的名字" not in repr(copy["owners"])


def test_a_write_committed_during_the_copy_is_not_in_it_and_the_copy_is_not_started_again(
    estate: Workspace, tmp_path: Path
) -> None:
    """The watch service commits while a long copy runs (here: between two of its steps): the copy is the moment
    it began, whole, and its progress only goes forward."""
    before = rows_of(ledger_file(estate))
    heard: list[tuple[int, int | None]] = []
    writer = sqlite3.connect(ledger_file(estate), isolation_level=None)

    def progress(done: int, total: int | None) -> None:
        heard.append((done, total))
        if len(heard) == 2:
            writer.execute("UPDATE owners SET phone = '13900000000'")

    try:
        with open_workspace_ledger(estate) as ledger:
            made = backup_ledger(
                ledger,
                str(tmp_path),
                default_folder=tmp_path / "unused",
                moment=dt.datetime(2026, 12, 5, 18, 0, 0),
                estate="测试小区",
                progress=progress,
                pages=8,
            )
    finally:
        writer.close()
    assert made.path == tmp_path / "ledger-测试小区-20261205-180000.sqlite3"
    assert rows_of(made.path) == before != rows_of(ledger_file(estate))
    done = [d for d, _ in heard]
    total = heard[0][1]
    assert total is not None and len(heard) > 3
    assert done == sorted(done) and done[-1] == total and {t for _, t in heard} == {total}
    assert made.bytes == made.path.stat().st_size == total * 4096


def test_an_existing_file_is_never_overwritten(estate: Workspace, run_cli: Any, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "备份.sqlite3"
    target.write_bytes(b"last week's backup")
    result = run_cli("db", "backup", str(target))
    assert result.exit_code == ConflictError.exit_code, result.output
    assert result.stderr == (f"错误：{target} 已经存在，没有覆盖它：请换一个文件名，或给出文件夹（备份按时间命名）\n")
    assert target.read_bytes() == b"last week's backup"
    assert backups_in(tmp_path / "out") == ["备份.sqlite3"]


def test_a_postgresql_ledger_is_refused_with_pg_dump_named_and_nothing_written(
    run_cli: Any, workspace: Workspace, tmp_path: Path
) -> None:
    url = "postgresql://recordkit:Secret42@192.0.2.1/recordkit"  # (never reached: refused before any connection)
    result = run_cli("db", "backup", str(tmp_path / "备份.sqlite3"), env={"RECORDKIT_DATABASE_URL": url})
    assert result.exit_code == UsageError.exit_code, result.output
    assert "pg_dump" in result.stderr and "PostgreSQL" in result.stderr
    assert "Secret42" not in result.stderr  # (the address shown without its password)
    assert not (tmp_path / "备份.sqlite3").exists() and not (workspace.records_dir / "backups").exists()


def test_an_estates_schema_on_postgresql_is_refused_with_the_pg_dump_of_that_schema_alone(
    run_cli: Any, workspace: Workspace, tmp_path: Path
) -> None:
    """Several estates share one database, one schema each: the refusal's example dumped the whole database, every
    estate's owners and ID numbers in one file, and restoring it would bring back the others' ledgers too.  With a
    schema the example dumps the estate's schema alone (``-n``), as the README's 备份台账 says."""
    url = "postgresql://recordkit:Secret42@192.0.2.1/recordkit"  # (never reached: refused before any connection)
    env = {"RECORDKIT_DATABASE_URL": url, "RECORDKIT_DATABASE_SCHEMA": "estate_west"}
    result = run_cli("db", "backup", env=env)
    assert (result.exit_code, result.stdout) == (UsageError.exit_code, "")
    assert result.stderr.replace("\n", "") == (
        "错误：台账在 PostgreSQL 数据库 postgresql://recordkit:***@192.0.2.1/recordkit（模式 estate_west） 里，"
        "recordkit db backup 只复制 SQLite 台账文件：请用 PostgreSQL 的 pg_dump 备份这个小区的模式，例如 "
        "pg_dump -Fc -d postgresql://账户:密码@主机/库名 -n estate_west -f 台账-estate_west.dump"
        "（见 README 的“备份台账”）；什么也没有写入"
    )
    assert not (workspace.records_dir / "backups").exists()


KILLED_MIDWAY = """
import os, signal, sys, datetime as dt
from pathlib import Path
from recordkit.core.workspace import open_workspace
from recordkit.ledger.backup import backup_ledger
from recordkit.ledger.db import open_workspace_ledger

def killed(done, total):
    if done >= 16:
        os.kill(os.getpid(), signal.SIGKILL)

with open_workspace_ledger(open_workspace(Path(sys.argv[1]), environ={})) as ledger:
    backup_ledger(ledger, sys.argv[2], default_folder=Path(sys.argv[2]), moment=dt.datetime(2026, 12, 5),
                  estate="测试小区", progress=killed, pages=8)
"""


def test_a_backup_killed_midway_leaves_only_a_temporary_file_which_the_next_backup_removes(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "备份"
    folder.mkdir()
    killed = subprocess.run([sys.executable, "-c", KILLED_MIDWAY, str(estate.root), str(folder)], check=False)
    assert killed.returncode == -9
    [left, *journal] = backups_in(folder)  # (and the journal SQLite keeps beside the copy while writing it)
    assert re.fullmatch(r"\.~recordkit-backup-[0-9a-f]{12}\.sqlite3", left)
    assert journal in ([], [f"{left}-journal"])
    assert stat.S_IMODE((folder / left).stat().st_mode) == 0o600

    # Another backup into the folder while one is under way (its temporary file locked): left alone.
    running = folder / ".~recordkit-backup-0123456789ab.sqlite3"
    running.write_bytes(b"being written")
    holder = os.open(running, os.O_RDONLY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        result = run_cli("db", "backup", str(folder))
    finally:
        os.close(holder)
    assert result.exit_code == 0, result.output
    [made] = [name for name in backups_in(folder) if name.startswith("ledger-")]
    assert backups_in(folder) == sorted([made, running.name])
    assert rows_of(folder / made) == rows_of(ledger_file(estate))


def test_a_full_disk_is_told_and_leaves_nothing(estate: Workspace, run_cli: Any, tmp_path: Path) -> None:
    size = ledger_file(estate).stat().st_size
    with small_disk(tmp_path / "U盘", 2) as disk:
        filler = fill(disk, leave=size // 4)
        result = run_cli("db", "backup", str(disk / "台账.sqlite3"))
        assert result.exit_code == StorageError.exit_code, result.output
        assert re.fullmatch(
            rf"错误：备份没有做完：{re.escape(str(disk))} 所在的磁盘满了（剩余 0 MB，台账有 \d+ MB，SQLite 说："
            r"database or disk is full）；没有留下备份文件。请换一个有空间的位置，或清理后重试\n",
            result.stderr,
        ), result.stderr
        assert backups_in(disk) == ["filler"]
        filler.unlink()
        again = run_cli("db", "backup", str(disk / "台账.sqlite3"))
        assert again.exit_code == 0, again.output
        assert rows_of(disk / "台账.sqlite3") == rows_of(ledger_file(estate))


def test_a_read_only_folder_is_told_and_leaves_nothing_and_a_copy_there_still_opens(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """A backup kept on a read-only medium (a share mounted read-only, a locked U disk) opens as it is: one file,
    which needs no -wal or -shm made beside it; a backup into such a folder is refused, nothing written."""
    with small_disk(tmp_path / "只读", 2) as folder:
        kept = run_cli("db", "backup", str(folder / "上周.sqlite3"))
        assert kept.exit_code == 0, kept.output
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        opened = run_cli(
            "owners", "list", "--json", env={"RECORDKIT_DATABASE_URL": f"sqlite:///{folder / '上周.sqlite3'}"}
        )
        assert opened.exit_code == 0, opened.output
        assert opened.stdout == run_cli("owners", "list", "--json").stdout

        result = run_cli("db", "backup", str(folder))
        assert result.exit_code == StorageError.exit_code, result.output
        assert re.fullmatch(
            rf"错误：备份没有做完：无法写入（{re.escape(str(folder))}/ledger-测试小区-\d{{8}}-\d{{6}}\.sqlite3）：所在磁盘是只读的："
            r"请检查工作区是否放在只读的位置（光盘、只读共享文件夹）；没有留下备份文件\n",
            result.stderr,
        ), result.stderr
        assert backups_in(folder) == ["上周.sqlite3"]


def test_a_copy_that_fails_the_integrity_check_is_not_kept(estate: Workspace, run_cli: Any, tmp_path: Path) -> None:
    """A damaged ledger (an index's pages no longer listed in its schema: SQLite still opens it) is copied page
    for page; the copy's check fails, and no backup is left that would pass for a good one."""
    with sqlite3.connect(ledger_file(estate), isolation_level=None) as conn:
        [index] = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'units' AND sql IS NOT NULL LIMIT 1"
        ).fetchone()
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("DELETE FROM sqlite_master WHERE name = ?", (index,))
    (tmp_path / "out").mkdir()
    result = run_cli("db", "backup", str(tmp_path / "out"))
    assert result.exit_code == IntegrityError.exit_code, result.output
    assert result.stderr.startswith("错误：备份没有做完：复制出的台账没有通过 SQLite 的完整性检查（")
    assert "没有留下备份文件" in result.stderr
    assert list((tmp_path / "out").iterdir()) == []


def test_on_a_u_disk_without_hard_links_the_copy_is_still_published_and_never_over_a_file(
    estate: Workspace, run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FAT32 and exFAT (most U disks) have no hard links: ``link`` fails there with EPERM."""
    import errno

    def no_links(*_args: Any, **_kwargs: Any) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    folder = tmp_path / "U盘"
    folder.mkdir()
    result = run_cli("db", "backup", str(folder / "台账.sqlite3"))
    assert result.exit_code == 0, result.output
    assert backups_in(folder) == ["台账.sqlite3"]
    assert rows_of(folder / "台账.sqlite3") == rows_of(ledger_file(estate))
    assert stat.S_IMODE((folder / "台账.sqlite3").stat().st_mode) == 0o600


def test_a_share_without_flock_still_takes_the_backup(
    estate: Workspace, run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some network shares refuse ``flock`` (ENOLCK): the copy is made all the same (a killed backup's temporary
    file there is then left for the administrator, never a live one removed)."""
    import errno

    def no_flock(*_args: Any) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_flock)
    folder = tmp_path / "共享"
    folder.mkdir()
    (folder / ".~recordkit-backup-0123456789ab.sqlite3").write_bytes(b"left by a killed backup")
    result = run_cli("db", "backup", str(folder / "台账.sqlite3"))
    assert result.exit_code == 0, result.output
    assert backups_in(folder) == [".~recordkit-backup-0123456789ab.sqlite3", "台账.sqlite3"]
    assert rows_of(folder / "台账.sqlite3") == rows_of(ledger_file(estate))


def test_the_default_folder_named_without_a_slash_is_still_the_folder_and_a_file_in_its_place_is_told(
    estate: Workspace, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README says the default is records/backups/; a clerk in the workspace typed ``db backup records/backups``
    before the folder existed: the copy became a file named ``backups``, and every later ``db backup`` then failed
    with an internal error (exit 70).  The default folder named is the default folder (made, 0700); a file standing
    where it belongs is refused by name, nothing written."""
    monkeypatch.chdir(estate.root)
    with time_machine.travel(dt.datetime(2026, 12, 5, 18, 0, tzinfo=dt.UTC), tick=False):
        result = run_cli("db", "backup", "records/backups")
    assert result.exit_code == 0, result.output
    folder = estate.records_dir / "backups"
    assert folder.is_dir() and stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert backups_in(folder) == ["ledger-测试小区-20261206-020000.sqlite3"]

    for made in folder.iterdir():
        made.unlink()
    folder.rmdir()
    folder.write_bytes(b"a copy an older version named backups")
    for target in ((), ("records/backups",)):
        refused = run_cli("db", "backup", *target)
        assert (refused.exit_code, refused.stderr) == (
            ConflictError.exit_code,
            f"错误：{folder} 是一个文件，不是备份文件夹，什么也没有写入："
            "请把它改名或移走（它可能是以前的一份备份），或给出别的文件夹\n",
        )
    assert folder.read_bytes() == b"a copy an older version named backups"
    assert backups_in(estate.records_dir).count("backups") == 1


def test_keep_removes_this_ledgers_older_copies_and_nothing_else(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """The nightly backup filled the backup disk, one copy a night, with nobody to clear it: ``--keep 2`` leaves the
    newest two copies of this ledger.  Another estate's copies in the same folder, a note, a link named like a copy
    and a file that is no ledger are never touched, nor counted."""
    folder = tmp_path / "备份盘"
    folder.mkdir()
    other = init_other_estate(tmp_path / "另一个小区")
    with time_machine.travel(dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.UTC), tick=False):
        assert run_cli("db", "backup", str(folder), env={"RECORDKIT_HOME": str(other)}).exit_code == 0
    (folder / "说明.txt").write_text("备份盘", encoding="utf-8")
    (folder / "ledger-20261101-020000.sqlite3").write_bytes(b"not a ledger")
    (folder / "ledger-20261102-020000.sqlite3").symlink_to(folder / "说明.txt")
    nights = [dt.datetime(2026, 12, day, 18, 0, tzinfo=dt.UTC) for day in (1, 2, 3)]
    results = []
    for night in nights:
        with time_machine.travel(night, tick=False):
            results.append(run_cli("db", "backup", str(folder), "--keep", "2"))
    assert [result.exit_code for result in results] == [0, 0, 0], results[-1].output
    assert results[1].stdout.splitlines()[-1] == "只保留最新的 2 份：删掉了 0 份更早的备份"
    assert results[2].stdout.splitlines()[-1] == (
        "只保留最新的 2 份：删掉了 1 份更早的备份：ledger-测试小区-20261202-020000.sqlite3"
    )
    assert backups_in(folder) == [
        "ledger-20261101-020000.sqlite3",
        "ledger-20261102-020000.sqlite3",
        "ledger-测试小区-20261203-020000.sqlite3",
        "ledger-测试小区-20261204-020000.sqlite3",
        "ledger-示例小区-20261201-020000.sqlite3",  # the other estate's
        "说明.txt",
    ]
    with time_machine.travel(dt.datetime(2026, 12, 4, 18, 0, tzinfo=dt.UTC), tick=False):
        last = json.loads(run_cli("db", "backup", str(folder), "--keep", "1", "--json").stdout)
    assert last["removed"] == [str(folder / name) for name in ("ledger-测试小区-20261203-020000.sqlite3",
                                                               "ledger-测试小区-20261204-020000.sqlite3")]  # fmt: skip
    assert last["not_removed"] == [] and last["path"] == str(folder / "ledger-测试小区-20261205-020000.sqlite3")
    assert "ledger-示例小区-20261201-020000.sqlite3" in backups_in(folder)


def init_other_estate(root: Path, estate: str = "示例小区") -> Path:
    """Another estate's workspace with a ledger of its own (its journal begun), for copies beside ours."""
    from recordkit.core.workspace import init_workspace, open_workspace

    init_workspace(root, estate=estate)
    with open_workspace_ledger(open_workspace(root)) as ledger:
        small_estate(ledger, root)
    return root


def test_keep_needs_a_folder_and_at_least_one(estate: Workspace, run_cli: Any, tmp_path: Path) -> None:
    """A file named by the clerk has no time in its name to tell new from old; ``--keep 0`` would remove the copy
    just made: both refused before anything is written."""
    said = {
        (str(tmp_path / "台账.sqlite3"), "3"): "错误：--keep 只用于备份到文件夹（备份按时间命名，才分得出新旧）："
        "请给出文件夹，或去掉 --keep；什么也没有写入\n",
        (f"{tmp_path}/", "0"): "错误：--keep 至少为 1（给的是 0）：这一份总要留下；什么也没有写入\n",
    }
    for (target, keep), message in said.items():
        result = run_cli("db", "backup", target, "--keep", keep)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.endswith(".sqlite3")) == []


def test_two_estates_of_one_name_backed_up_into_one_folder_in_the_same_second_each_get_a_copy(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """Two estates' nightly backups into one shared folder both start at 02:00: the one finishing in the same second
    as the other was refused as already there (exit 8), that night without a copy.  Two estates of one name (each
    office's 测试小区) still name their copies alike: the second takes the next free name, and ``--keep`` still counts
    and removes only this ledger's copies, old names and new alike."""
    folder = tmp_path / "备份盘"
    folder.mkdir()
    other = init_other_estate(tmp_path / "另一个小区", estate="测试小区")
    with time_machine.travel(dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.UTC), tick=False):
        assert (
            run_cli("db", "backup", str(folder)).exit_code == 0
        )  # an old copy of ours, ledger-测试小区-20261201-020000
    nights = [dt.datetime(2026, 12, day, 18, 0, tzinfo=dt.UTC) for day in (1, 2)]
    for night in nights:
        with time_machine.travel(night, tick=False):
            theirs = run_cli("db", "backup", str(folder), "--keep", "1", env={"RECORDKIT_HOME": str(other)})
            ours = run_cli("db", "backup", str(folder), "--keep", "2")
        assert (theirs.exit_code, ours.exit_code) == (0, 0), ours.output
    assert backups_in(folder) == [
        "ledger-测试小区-20261202-020000-2.sqlite3",
        "ledger-测试小区-20261203-020000-2.sqlite3",
        "ledger-测试小区-20261203-020000.sqlite3",  # the other estate's, its older one removed by its own --keep 1
    ]
    assert ours.stdout.splitlines()[0].startswith(
        f"已把台账备份到 {folder / 'ledger-测试小区-20261203-020000-2.sqlite3'}（"
    )
    assert (
        ours.stdout.splitlines()[-1]
        == "只保留最新的 2 份：删掉了 1 份更早的备份：ledger-测试小区-20261201-020000.sqlite3"
    )
    assert rows_of(folder / "ledger-测试小区-20261203-020000-2.sqlite3") == rows_of(ledger_file(estate))
    assert rows_of(folder / "ledger-测试小区-20261203-020000.sqlite3") == rows_of(other / "records" / "ledger.sqlite3")


def test_a_copy_in_a_folder_says_its_estate_and_keep_still_counts_the_older_names(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """Two estates backing up into one folder: the copies were ledger-20261203-020000.sqlite3 and, finishing in the
    same second, ledger-20261203-020000-2.sqlite3 — whose was which, nobody could tell from the names.  Now a copy's
    name says its estate ([office] estate, its blanks and slashes made underscores); ``--keep`` still counts and
    removes this ledger's copies only, a copy named before names said the estate among them, and the copy opens as
    the ledger when pointed at."""
    folder = tmp_path / "备份盘"
    folder.mkdir()
    other = init_other_estate(tmp_path / "东区", estate="东区 A/B座")
    assert run_cli("db", "backup", str(folder / "ledger-20261201-020000.sqlite3")).exit_code == 0  # an older name
    for day in (1, 2):
        with time_machine.travel(dt.datetime(2026, 12, day, 18, 0, tzinfo=dt.UTC), tick=False):
            theirs = run_cli("db", "backup", str(folder), "--keep", "1", env={"RECORDKIT_HOME": str(other)})
            ours = run_cli("db", "backup", f"{folder}/", "--keep", "2")
        assert (theirs.exit_code, ours.exit_code) == (0, 0), theirs.output + ours.output
    assert backups_in(folder) == [
        "ledger-东区_A_B座-20261203-020000.sqlite3",
        "ledger-测试小区-20261202-020000.sqlite3",
        "ledger-测试小区-20261203-020000.sqlite3",
    ]
    assert ours.stdout.splitlines()[0].startswith(
        f"已把台账备份到 {folder / 'ledger-测试小区-20261203-020000.sqlite3'}（"
    )
    assert ours.stdout.splitlines()[-1] == "只保留最新的 2 份：删掉了 1 份更早的备份：ledger-20261201-020000.sqlite3"
    assert rows_of(folder / "ledger-测试小区-20261203-020000.sqlite3") == rows_of(ledger_file(estate))
    assert rows_of(folder / "ledger-东区_A_B座-20261203-020000.sqlite3") == rows_of(
        other / "records" / "ledger.sqlite3"
    )
    copy = folder / "ledger-测试小区-20261203-020000.sqlite3"
    listed = run_cli("owners", "list", "--json", env={"RECORDKIT_DATABASE_URL": f"sqlite:///{copy}"})
    assert listed.exit_code == 0, listed.output
    assert [owner["unit"] for owner in json.loads(listed.stdout)][:1] == ["1-1-101"]
