"""A full disk under the ledger, the index and the watch service, for real: the database server's (a tablespace on
a small RAM disk, on a PostgreSQL server of the test's own) and this machine's (a SQLite workspace on one).  The clerk is told whose disk is full
and what to do, in Chinese, with the exit code of a full disk; nothing is half-written; the same command works
once space is freed.  The RAM disk needs root (``mount``): these tests fail in CI without it, skip elsewhere."""

from __future__ import annotations

import errno
import json
import os
import pwd
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from recordkit.cli import app
from recordkit.core.errors import StorageError
from recordkit.core.workspace import Workspace
from tests.conftest import driver_url, new_workspace

WORK_ORDER = (
    "workorder",
    "add",
    "--type",
    "报修",
    "--category",
    "公共设施",
    "--place",
    "地下车库",
    "--desc",
    "车库照明损坏",
)


@contextmanager
def small_disk(path: Path, megabytes: int, owner: int | None = None) -> Iterator[Path]:
    """A RAM disk of ``megabytes`` mounted at ``path`` (given to ``owner``), unmounted afterwards."""
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(path)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        _refused_here(f"a RAM disk cannot be mounted by this user ({mounted.stderr.strip()}): run as root")
    try:
        if owner is not None:
            os.chown(path, owner, -1)
        yield path
    finally:
        subprocess.run(["umount", "--lazy", str(path)], check=False)


def fill(disk: Path, leave: int = 0) -> Path:
    """A file that takes every byte left on ``disk`` but ``leave``: it is full, or nearly."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while (free := os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize) > leave:
            os.write(fd, bytes(min(65536, free - leave)))
    except OSError as err:
        assert err.errno == errno.ENOSPC
    finally:
        os.close(fd)
    assert os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize <= max(leave, 0)
    return filler


def cli(root: Path, *args: str, url: str | None = None) -> Any:
    env = {"RECORDKIT_HOME": str(root), "RECORDKIT_OPERATOR": "测试员", "RECORDKIT_DATABASE_URL": url, "COLUMNS": "200"}
    return CliRunner().invoke(app, list(args), env=env)  # type: ignore[arg-type]


def scan(path: Path, text: str) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    document.save(str(path))
    return path


def _refused_here(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {why}: the full-disk tests must run in CI")
    pytest.skip(why)


@pytest.fixture
def ledger_on_a_small_disk() -> Iterator[tuple[str, Path]]:
    """A PostgreSQL database in a tablespace on a 48 MB RAM disk, and that disk, on a server of its own (the test
    server's programs, run by its account, on a free port, its cluster beside the disk and thrown away after):
    while a tablespace's disk is full, the server's checkpoints fail for every database (its dirty pages there
    cannot be written), which the shared test server's other tests would meet."""
    import psycopg

    admin_url = driver_url(os.environ.get("RECORDKIT_TEST_POSTGRES_URL") or "")
    if not admin_url:
        _refused_here("RECORDKIT_TEST_POSTGRES_URL is not set")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        data = Path(str(admin.execute("SHOW data_directory").fetchone()[0]))  # type: ignore[index]
        bindir = Path(str(admin.execute("SELECT setting FROM pg_config WHERE name = 'BINDIR'").fetchone()[0]))  # type: ignore[index]
    owner = data.stat().st_uid
    if os.geteuid() != 0 or not shutil.which("runuser"):
        _refused_here("a server of its own needs root (runuser) to run as the test server's account")
    account = pwd.getpwuid(owner).pw_name
    base = Path(tempfile.mkdtemp(prefix="rk-test-server-"))  # (not under pytest's folders: root's alone)
    base.chmod(0o755)
    os.chown(base, owner, -1)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def as_owner(*command: str) -> None:
        subprocess.run(["runuser", "-u", account, "--", *command], check=True, capture_output=True)

    try:
        as_owner(
            str(bindir / "initdb"), "-D", str(base / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off"
        as_owner(
            str(bindir / "pg_ctl"), "-D", str(base / "data"), "-o", options, "-l", str(base / "log"), "-w", "start"
        )
        try:
            with small_disk(base / "disk", 48, owner=owner) as disk:
                server = f"postgresql://postgres@127.0.0.1:{port}"
                with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                    admin.execute(f"CREATE TABLESPACE small LOCATION '{disk}'")
                    admin.execute("CREATE DATABASE rk TABLESPACE small")
                yield f"{server}/rk", disk
        finally:
            as_owner(str(bindir / "pg_ctl"), "-D", str(base / "data"), "-m", "immediate", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)


#: What the server said of its full disk: a table that could not grow, or, for a new connection, the cache file it
#: could not write (whichever this command met first).
SAID_FULL = r"（服务器说：[^）]*(No space left on device|could not write init file)）"
SERVER_FULL = re.compile(
    rf"^错误：无法写入台账数据库 postgresql://\S+：数据库服务器的磁盘满了{SAID_FULL}："
    r"请数据库管理员腾出磁盘空间（或把数据目录搬到更大的磁盘）后再试；这一步什么也没有写入$"
)


@pytest.mark.postgres
def test_the_database_servers_full_disk_is_told_and_nothing_is_half_written(
    ledger_on_a_small_disk: tuple[str, Path], tmp_path: Path, _sqlite_template: Path
) -> None:
    url, disk = ledger_on_a_small_disk
    root = new_workspace(tmp_path / "ws", _sqlite_template).root
    scans = [scan(tmp_path / "电梯维保记录.docx", "三号楼电梯维保记录"), scan(tmp_path / "消防检查.docx", "消防栓检查")]
    assert cli(root, "db", "upgrade", url=url).exit_code == 0  # the new database's ledger, as an IT person makes it
    filed = cli(root, "file", *map(str, scans), url=url)
    assert filed.exit_code == 0, filed.output
    filler = fill(disk)

    refused = cli(root, *WORK_ORDER, url=url)
    assert refused.exit_code == StorageError.exit_code, refused.output
    assert SERVER_FULL.match(refused.stderr.strip()), refused.stderr

    rebuilt = cli(root, "index", "--rebuild", url=url)
    assert rebuilt.exit_code == StorageError.exit_code, rebuilt.output
    said = rebuilt.stderr.strip()
    if "无法写入台账数据库" in said:  # its connection could not open
        assert SERVER_FULL.match(said), said
    else:  # its new table could not grow
        assert re.match(
            rf"^错误：重建检索索引没有做完：台账数据库所在服务器的磁盘满了{SAID_FULL}；原来的索引照常可用，"
            r"新的索引先建在原来的旁边，要有与原来的差不多大的空余空间（原来的索引占 \d+ MB）；"
            r"请数据库管理员腾出磁盘空间（或把数据目录搬到更大的磁盘）后再运行 recordkit index --rebuild$",
            said,
        ), said

    filler.unlink()  # (a full disk may refuse any new connection, a reading one too: what was kept is read after)
    assert json.loads(cli(root, "workorder", "list", "--json", url=url).stdout) == []
    found = cli(root, "search", "电梯维保", "--json", url=url)  # the index as it was
    assert [hit["title"] for hit in json.loads(found.stdout)["hits"]] == ["电梯维保记录"], found.output
    import psycopg

    with psycopg.connect(driver_url(url)) as conn:  # the rebuild's half-made table went with it
        assert conn.execute("SELECT to_regclass('search_items_new')").fetchone() == (None,)
    assert cli(root, *WORK_ORDER, url=url).exit_code == 0
    assert cli(root, "index", "--rebuild", url=url).exit_code == 0
    assert len(json.loads(cli(root, "workorder", "list", "--json", url=url).stdout)) == 1


def test_this_machines_full_disk_under_a_sqlite_ledger_is_told_without_a_traceback(
    tmp_path: Path, _sqlite_template: Path
) -> None:
    with small_disk(tmp_path / "disk", 16) as disk:
        workspace: Workspace = new_workspace(disk / "ws", _sqlite_template)
        assert cli(workspace.root, "workorder", "list").exit_code == 0  # (its log file made)
        filler = fill(disk)
        refused = cli(workspace.root, *WORK_ORDER)
        assert refused.exit_code == StorageError.exit_code, refused.output
        # Every line the log file could not take is left out, not told with the logging module's traceback.
        assert refused.output.strip().splitlines() == [refused.stderr.strip()]
        assert re.match(
            r"^错误：台账数据库 sqlite:///\S+ledger\.sqlite3 无法读写：这台电脑的磁盘已满（剩余 0 MB，SQLite 说："
            r"(disk I/O error|database or disk is full)）：请清理磁盘空间后重试；这一步什么也没有写入$",
            refused.stderr.strip(),
        ), refused.stderr
        filler.unlink()
        assert cli(workspace.root, *WORK_ORDER).exit_code == 0
        assert len(json.loads(cli(workspace.root, "workorder", "list", "--json").stdout)) == 1


def test_a_sqlite_index_rebuild_without_room_for_its_new_copy_says_so_and_keeps_the_index(
    tmp_path: Path, _sqlite_template: Path
) -> None:
    """A SQLite index's rebuild writes a whole new file beside the live one: on a disk without room for it, the
    clerk is told how much it needs, the live index still answers, and the half-written file is gone."""
    rng = random.Random(7)
    alphabet = "电梯维修记录楼单元维保测试水电门窗公共设施噪音卫生业主档案工程竣工资料验收"
    with small_disk(tmp_path / "disk", 32) as disk:
        root = new_workspace(disk / "ws", _sqlite_template).root
        scans = [scan(tmp_path / f"巡检记录{n:02}.docx", "".join(rng.choices(alphabet, k=60_000))) for n in range(12)]
        assert cli(root, "file", *map(str, scans)).exit_code == 0
        scan(tmp_path / "电梯年检报告.docx", "三号楼电梯年检报告")
        assert cli(root, "file", str(tmp_path / "电梯年检报告.docx")).exit_code == 0
        before = cli(root, "search", "电梯年检", "--json").stdout
        filler = fill(disk, leave=1_500_000)
        refused = cli(root, "index", "--rebuild")
        assert refused.exit_code == StorageError.exit_code, refused.output
        assert re.match(
            r"^错误：重建检索索引没有做完：这台电脑的磁盘已满（剩余 \d+ MB，SQLite 说：database or disk is full）；"
            r"原来的索引照常可用，新的索引先建在原来的旁边，要有与原来的差不多大的空余空间（原来的索引占 \d+ MB）；"
            r"请清理磁盘空间后重试$",
            refused.stderr.strip(),
        ), refused.stderr
        assert sorted(path.name for path in (root / "records" / "index").glob("search.sqlite3*")) == ["search.sqlite3"]
        assert cli(root, "search", "电梯年检", "--json").stdout == before
        filler.unlink()
        assert cli(root, "index", "--rebuild").exit_code == 0
        assert json.loads(cli(root, "search", "电梯年检", "--json").stdout)["hits"][0]["title"] == "电梯年检报告"


@pytest.mark.parametrize(
    ("said", "full"),
    [
        ('could not extend file "base/16384/16602": No space left on device', True),
        ('无法扩展文件 "base/16384/16602": 设备上没有空间', True),  # (a server speaking zh_CN)
        (
            'connection failed: connection to server at "127.0.0.1", port 5432 failed: FATAL:  could not write init file',
            True,
        ),
        ("server closed the connection unexpectedly", False),
        ('could not open file "base/16384/16602": Permission denied', False),
    ],
)
def test_a_full_disk_is_told_by_the_servers_words_where_it_gives_no_sqlstate(said: str, full: bool) -> None:
    """A connection the server could not open gives no SQLSTATE: its words say the disk is full."""
    from recordkit.ledger.db import disk_full

    assert disk_full(RuntimeError(said)) == full


def test_a_sqlite_index_update_refused_by_a_full_disk_is_not_called_damaged(
    tmp_path: Path, _sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's "database or disk is full" while the nightly run writes the index: the disk is told, with what to
    do; not "the index is damaged, rebuild it" (a rebuild needs more room still), and the index is as it was."""
    from recordkit.search.backends import sqlite

    root = new_workspace(tmp_path / "ws", _sqlite_template).root
    assert cli(root, "file", str(scan(tmp_path / "电梯年检报告.docx", "三号楼电梯年检报告"))).exit_code == 0
    before = cli(root, "search", "电梯年检", "--json").stdout
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13  # type: ignore[attr-defined]  (as SQLite sets it)

    def refused(*_: Any) -> None:
        raise full

    monkeypatch.setattr(sqlite, "_insert", refused)
    assert cli(root, "file", str(scan(tmp_path / "消防检查.docx", "消防栓检查"))).exit_code == 0  # (indexed later)
    nightly = cli(root, "index")
    assert nightly.exit_code == StorageError.exit_code, nightly.output
    assert re.match(
        r"^错误：检索索引不能写入：这台电脑的磁盘已满（剩余 \d+ MB，SQLite 说：database or disk is full）；"
        r"原来的索引照常可用，请清理磁盘空间后重试$",
        nightly.stderr.strip(),
    ), nightly.stderr
    assert cli(root, "search", "电梯年检", "--json").stdout == before


def test_the_watch_service_keeps_scans_in_the_inbox_while_its_disk_is_full(
    tmp_path: Path, _sqlite_template: Path
) -> None:
    """The archive's disk full under the watch service: the scans are no one's fault, so none is quarantined
    (it was, after its tries, and each try left an empty note in records/quarantine/); they wait in the inbox,
    the service says why, and files them once space is freed."""
    with small_disk(tmp_path / "disk", 24) as disk:
        root = new_workspace(disk / "ws", _sqlite_template).root
        inbox = root / "records" / "inbox"
        rng = random.Random(3)
        for n in range(3):
            scan(inbox / f"设备巡检记录{n}.docx", "".join(rng.choices("配电房水泵房消防巡检记录正常", k=20_000)))
        # (a clerk's program reading the ledger keeps its WAL's shared memory file: the ledger can still be read)
        reader = sqlite3.connect(root / "records" / "ledger.sqlite3")
        reader.execute("SELECT count(*) FROM archive_items").fetchone()
        filler = fill(disk)
        held = cli(root, "watch", "--once")
        reader.close()
        assert held.exit_code == StorageError.exit_code, held.output
        assert held.stdout.splitlines()[0] == (
            "归档所在的磁盘暂时不能写入，3 个文件先留在收件箱，恢复后自动归档：无法写入：磁盘已满：请清理磁盘空间后重试"
        )
        assert held.stderr.strip() == (
            "错误：3 个文件留在收件箱，没有归档（归档所在的磁盘现在不能写入）：无法写入：磁盘已满：请清理磁盘空间后重试"
        )
        assert sorted(path.name for path in inbox.iterdir()) == [f"设备巡检记录{n}.docx" for n in range(3)]
        assert not list((root / "records" / "quarantine").glob("*"))
        filler.unlink()
        filed = cli(root, "watch", "--once")
        assert filed.exit_code == 0, filed.output
        assert filed.stdout.splitlines()[-1] == "收件箱处理完毕：归档 3 个，隔离 0 个"
        assert not list(inbox.iterdir())


def test_a_sheet_or_report_on_a_full_disk_is_one_message_and_no_traceback(
    tmp_path: Path, _sqlite_template: Path
) -> None:
    """An .xlsx export or the monthly report on a full disk: the clerk read the message, then the zip archive
    openpyxl had left open was closed by the garbage collector, failed again and printed its traceback ("Exception
    ignored in ZipFile.__del__"). Run as its own process, as a clerk runs it, so that nothing is hidden."""
    command = Path(sys.executable).with_name("recordkit")
    with small_disk(tmp_path / "disk", 16) as disk:
        root = new_workspace(disk / "ws", _sqlite_template).root
        reader = sqlite3.connect(root / "records" / "ledger.sqlite3")  # (the ledger can still be read)
        reader.execute("SELECT count(*) FROM units").fetchone()
        filler = fill(disk)
        env = {**os.environ, "RECORDKIT_HOME": str(root), "RECORDKIT_OPERATOR": "测试员"}
        env.pop("RECORDKIT_DATABASE_URL", None)
        target = disk / "名册导出.xlsx"
        for args in (["owners", "export", str(target)], ["report", "monthly", "--month", "2026-10"]):
            done = subprocess.run([str(command), *args], env=env, capture_output=True, text=True, timeout=120)
            assert done.returncode == StorageError.exit_code, done.stderr
            assert re.fullmatch(r"错误：无法写入（[^）]*）：磁盘已满：请清理磁盘空间后重试\n", done.stderr), done.stderr
        assert not target.exists()
        reader.close()
        filler.unlink()
        assert subprocess.run([str(command), "owners", "export", str(target)], env=env, timeout=120).returncode == 0
        assert target.exists()


def test_a_report_into_a_read_only_folder_names_the_report_not_a_temporary_file(
    run_cli: Any, workspace: Workspace, tmp_path: Path
) -> None:
    """report monthly --out a read-only folder (a share mounted read-only): the message names the report's file,
    never the temporary ``.~recordkit-…`` one the clerk never saw; nothing is written."""
    with small_disk(tmp_path / "只读", 1) as folder:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        result = run_cli("report", "monthly", "--month", "2026-01", "--out", str(folder))
        assert result.exit_code == StorageError.exit_code, result.output
        assert result.stderr == (
            f"错误：无法写入（{folder / '月度报表-2026-01.xlsx'}）：所在磁盘是只读的："
            "请检查工作区是否放在只读的位置（光盘、只读共享文件夹）\n"
        )
        assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    ("folder", "stops"),
    [
        ("records/archive", "扫描件不能归档（归档服务把它们留在收件箱）"),
        ("records/inbox", "扫描件归档后从收件箱里删不掉"),
    ],
)
def test_doctor_tells_an_inbox_or_archive_on_a_disk_mounted_read_only(
    workspace: Workspace, folder: str, stops: str
) -> None:
    """The archive (or the scanner's inbox) on a NAS share that came back mounted read-only: doctor said
    "磁盘空间 正常 剩余 N GB" and nothing else, while the filing service kept every scan in the inbox.  The line now
    fails (exit 1), naming the folder, that its disk is read-only, what stops, and what to do; a disk of its own
    with room that takes writes is shown with its free space."""
    mount = workspace.root / folder
    mount.rmdir()  # (empty in a new workspace: the share is mounted there)
    with small_disk(mount, 2048):  # (a tmpfs' size is a limit: nothing is taken until written)
        healthy = cli(workspace.root, "doctor", "--json")
        disk = next(c for c in json.loads(healthy.stdout) if c["name"] == "磁盘空间")
        assert disk["ok"] is True
        assert re.fullmatch(rf"剩余 \d+ GB；{folder} 所在的磁盘剩余 2 GB", disk["detail"]), disk
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        doctor = cli(workspace.root, "doctor", "--json")
        assert doctor.exit_code == 1, doctor.output
        disk = next(c for c in json.loads(doctor.stdout) if c["name"] == "磁盘空间")
        assert disk == {
            "name": "磁盘空间",
            "ok": False,
            "detail": f"{folder} 所在的磁盘是只读的：{stops}",
            "fix": f"把 {folder} 所在的磁盘重新以可写的方式挂载",
            "required": True,
        }
        assert "磁盘空间有问题" in doctor.stderr


def test_doctor_names_the_files_another_account_left_where_the_services_write(workspace: Workspace) -> None:
    """The IT person ran ``sudo recordkit watch --once`` (or index, or a write) once to try it: the log, the ledger's
    queue folder and the index became root's, and the services' account could no longer write them — the filing
    service stopped at once on its log (exit 10, restarted every five seconds), the nightly index on its file —
    while doctor, run as that account, said "磁盘空间 正常".  The line now fails, naming what it may not write and
    the chown that gives it back; records/ itself takes writes, so nothing else is said."""
    from tests.account_helpers import bound_by_file_modes

    records = workspace.records_dir
    (records / "logs" / "watch.log").write_text("", encoding="utf-8")
    (records / "ledger.sqlite3-queue").mkdir()
    (records / "ledger.sqlite3-queue" / "queue.lock").write_text("", encoding="utf-8")
    (records / "index" / "search.sqlite3").write_text("", encoding="utf-8")
    for left in ("logs/watch.log", "ledger.sqlite3-queue", "ledger.sqlite3-queue/queue.lock", "index/search.sqlite3"):
        os.chown(records / left, 65534, 65534)  # another account's (nobody's), as a sudo run leaves them root's
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("RECORDKIT_")},
        "RECORDKIT_HOME": str(workspace.root),
        "USER": "recordkit",
        "LOGNAME": "recordkit",
    }
    ran = subprocess.run(
        [*bound_by_file_modes(), sys.executable, "-m", "recordkit", "doctor", "--json"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert ran.returncode == 1, ran.stderr
    disk = next(c for c in json.loads(ran.stdout) if c["name"] == "磁盘空间")
    assert (disk["ok"], disk["required"]) == (False, True)
    assert disk["detail"] == (
        "运行 recordkit 的系统账户 recordkit 不能写入 records/index/search.sqlite3、records/ledger.sqlite3-queue、"
        "records/ledger.sqlite3-queue/queue.lock、records/logs/watch.log（别的账户的文件，多半是用 sudo 运行 recordkit 留下的）："
        "归档服务、网页和夜间索引写不进它们就会停下"
    )
    assert disk["fix"] == f"让这个账户能写入它们（sudo chown -R recordkit: {records}）"
