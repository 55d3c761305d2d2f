"""doctor's 档案文件 line: a ledger listing archive items while records/archive holds none of them (a ledger restored
without the archive folder, a disk not mounted), which only the filing service and ``archive verify`` said."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from recordkit.core.workspace import Workspace
from recordkit.demo.scans import write_scan
from tests.archive_helpers import FAST
from tests.test_estates_postgres import cli, estate


def archive_line(run_cli: Any) -> tuple[int, dict[str, Any]]:
    result = run_cli("doctor", "--json", env=FAST)
    [line] = [check for check in json.loads(result.stdout) if check["name"] == "档案文件"]
    return result.exit_code, line


def test_doctor_says_when_the_ledger_lists_items_that_records_archive_does_not_hold(
    run_cli: Any, workspace: Workspace, tmp_path: Path
) -> None:
    for number in (1, 2):
        scan = write_scan(tmp_path / f"1-1-10{number}_产权证明_20261101.pdf", number)
        assert run_cli("file", str(scan), env=FAST).exit_code == 0
    code, line = archive_line(run_cli)
    assert line["ok"] is True, line
    archive = workspace.root / "records" / "archive"
    shutil.rmtree(archive)  # a ledger restored without its archive folder
    code, line = archive_line(run_cli)
    assert code == 1
    assert line == {
        "name": "档案文件",
        "ok": False,
        "detail": "这台电脑上找不到档案文件：台账里的 2 件档案，records/archive 里一件也没有",
        "fix": "请检查 records/archive 所在的磁盘是否接好；只从备份恢复了台账的，把 records/archive 也恢复过来"
        "（在这以前归档服务和 recordkit archive verify 都不会运行）",
        "required": True,
    }
    archive.mkdir()  # an empty mount point: the disk not mounted
    assert (
        archive_line(run_cli)[1]["detail"]
        == "这台电脑上找不到档案文件：台账里的 2 件档案，records/archive 里一件也没有"
    )


@pytest.mark.postgres
def test_beside_a_postgresql_ledger_the_archive_missing_is_a_reminder(postgres_url: str, tmp_path: Path) -> None:
    """A clerk's PC shares the PostgreSQL ledger while the archive is on the office's server: doctor says what it
    found, as a 提醒 (its exit code stays 0), and that such a PC has nothing to do."""
    server = estate(tmp_path / "服务器", "测试小区", postgres_url, "estate_test")
    scan = write_scan(tmp_path / "1-1-101_产权证明_20261101.pdf", 1)
    assert cli(server, "file", str(scan), env=FAST).exit_code == 0
    pc = estate(tmp_path / "文员电脑", "测试小区", postgres_url, "estate_test")
    result = cli(pc, "doctor", "--json", env=FAST)
    [line] = [check for check in json.loads(result.stdout) if check["name"] == "档案文件"]
    assert line == {
        "name": "档案文件",
        "ok": False,
        "detail": "这台电脑上找不到档案文件：台账里的 1 件档案，records/archive 里一件也没有",
        "fix": "文员的电脑共用台账、档案在办公室服务器上的，不用管；存放档案的电脑上：请检查 records/archive 所在的磁盘是否接好；"
        "只从备份恢复了台账的，把 records/archive 也恢复过来（在这以前归档服务和 recordkit archive verify 都不会运行）",
        "required": False,
    }
    [server_line] = [c for c in json.loads(cli(server, "doctor", "--json").stdout) if c["name"] == "档案文件"]
    assert server_line["ok"] is True
