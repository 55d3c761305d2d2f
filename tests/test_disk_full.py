"""A full disk under the ledger, for real: the database server's (a PostgreSQL tablespace on a small RAM disk of
the test server's machine) and this machine's (a SQLite workspace on one).  The clerk is told whose disk is full
and what to do, in Chinese, with the exit code of a full disk; nothing is half-written; the same command works
once space is freed.  The RAM disk needs root (``mount``): these tests fail in CI without it, skip elsewhere."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from recordkit.cli import app
from recordkit.core.errors import StorageError
from recordkit.core.workspace import Workspace
from tests.conftest import as_admin, driver_url, new_workspace, postgres_database

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
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but a RAM disk cannot be mounted here ({mounted.stderr.strip()}): run CI as root")
        pytest.skip(f"a RAM disk cannot be mounted by this user: {mounted.stderr.strip()}")
    try:
        if owner is not None:
            os.chown(path, owner, -1)
        yield path
    finally:
        subprocess.run(["umount", "--lazy", str(path)], check=False)


def fill(disk: Path) -> Path:
    """A file that takes every byte left on ``disk``: it is full."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, bytes(65536))
    except OSError as err:
        assert err.errno == errno.ENOSPC
    finally:
        os.close(fd)
    assert os.statvfs(disk).f_bavail == 0
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


@pytest.fixture
def ledger_on_a_small_disk() -> Iterator[tuple[str, Path]]:
    """A PostgreSQL database of its own in a tablespace on a 48 MB RAM disk of the test server's machine (given
    to the server's account), and that disk; all dropped afterwards."""
    import psycopg

    admin_url = driver_url(os.environ.get("RECORDKIT_TEST_POSTGRES_URL") or "")
    if not admin_url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but RECORDKIT_TEST_POSTGRES_URL is not set")
        pytest.skip("RECORDKIT_TEST_POSTGRES_URL not set (PostgreSQL tests run in CI)")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        data = Path(str(admin.execute("SHOW data_directory").fetchone()[0]))  # type: ignore[index]
    space = f"rk_small_{uuid.uuid4().hex[:8]}"
    reachable = Path(tempfile.mkdtemp(prefix="rk-test-disk-"))  # (pytest's own folders: root's alone)
    reachable.chmod(0o755)
    with small_disk(reachable / "disk", 48, owner=data.stat().st_uid) as disk:
        as_admin(f"CREATE TABLESPACE {space} LOCATION '{disk}'")
        try:
            with postgres_database(options=f"TABLESPACE {space}") as url:
                yield url, disk
        finally:
            as_admin(f"DROP TABLESPACE IF EXISTS {space}")
    reachable.joinpath("disk").rmdir()
    reachable.rmdir()


SERVER_FULL = re.compile(
    r'^错误：无法写入台账数据库 postgresql://\S+：数据库服务器的磁盘满了（服务器说：could not extend file "[^"]+": '
    r"No space left on device）：请数据库管理员腾出磁盘空间（或把数据目录搬到更大的磁盘）后再试；这一步什么也没有写入$"
)


@pytest.mark.postgres
def test_the_database_servers_full_disk_is_told_and_nothing_is_half_written(
    ledger_on_a_small_disk: tuple[str, Path], tmp_path: Path, _sqlite_template: Path
) -> None:
    url, disk = ledger_on_a_small_disk
    root = new_workspace(tmp_path / "ws", _sqlite_template).root
    scans = [scan(tmp_path / "电梯维保记录.docx", "三号楼电梯维保记录"), scan(tmp_path / "消防检查.docx", "消防栓检查")]
    filed = cli(root, "file", *map(str, scans), url=url)
    assert filed.exit_code == 0, filed.output
    filler = fill(disk)

    refused = cli(root, *WORK_ORDER, url=url)
    assert refused.exit_code == StorageError.exit_code, refused.output
    assert SERVER_FULL.match(refused.stderr.strip()), refused.stderr
    assert json.loads(cli(root, "workorder", "list", "--json", url=url).stdout) == []

    rebuilt = cli(root, "index", "--rebuild", url=url)
    assert rebuilt.exit_code == StorageError.exit_code, rebuilt.output
    said = rebuilt.stderr.strip()
    assert said.startswith(
        "错误：重建检索索引没有做完：台账数据库所在服务器的磁盘满了（服务器说：could not extend file"
    )
    assert re.search(
        r"；原来的索引照常可用，新的索引先建在原来的旁边，要有与原来的差不多大的空余空间（原来的索引占 \d+ MB）；"
        r"请数据库管理员腾出磁盘空间（或把数据目录搬到更大的磁盘）后再运行 recordkit index --rebuild$",
        said,
    ), said
    found = cli(root, "search", "电梯维保", "--json", url=url)  # the index as it was
    assert [hit["title"] for hit in json.loads(found.stdout)["hits"]] == ["电梯维保记录"], found.output
    import psycopg

    with psycopg.connect(driver_url(url)) as conn:  # the rebuild's half-made table went with it
        assert conn.execute("SELECT to_regclass('search_items_new')").fetchone() == (None,)

    filler.unlink()
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
