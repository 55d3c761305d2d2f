"""A server kept in UTC dates the office's day as the office does: the command line moves itself onto the office's
clock (``[office] time_zone``), so at 07:36 in Beijing (23:36 UTC the day before) the day's papers are that day's.

Run as a clerk runs it, ``recordkit`` in its own process with the machine's zone in ``TZ``: the zone is the process's,
so no in-process test can show it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from time_machine import escape_hatch

from recordkit.core.workspace import Workspace

#: 23:36 UTC on 5 December: 07:36 on 6 December in Beijing.
LATE_IN_UTC = dt.datetime(2026, 12, 5, 23, 36, tzinfo=dt.UTC)


def _recordkit(
    workspace: Workspace, machine_zone: str, *args: str, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``recordkit …`` on a machine whose zone is ``machine_zone``, its clock at ``LATE_IN_UTC`` (ticking)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}
    env |= {
        "RECORDKIT_HOME": str(workspace.root),
        "RECORDKIT_OPERATOR": "王芳",
        "TZ": machine_zone,
        "TESTS_SUITE_CLOCK_OFFSET": repr(escape_hatch.time.time() - LATE_IN_UTC.timestamp()),
        **(extra or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "recordkit", *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("machine_zone", ["UTC", "America/New_York", "Asia/Shanghai"])
def test_the_days_papers_carry_the_offices_date_whatever_the_machines_zone(
    workspace: Workspace, tmp_path: Path, machine_zone: str
) -> None:
    done = _recordkit(workspace, machine_zone, "fees", "daily", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert [path.name for path in tmp_path.glob("日结-*.xlsx")] == ["日结-2026-12-06.xlsx"]
    sheet = load_workbook(tmp_path / "日结-2026-12-06.xlsx").active
    assert str(sheet["A1"].value).endswith("收费日结\u30002026年12月6日")


def test_doctor_says_recordkit_keeps_the_offices_day_on_a_server_in_utc(workspace: Workspace) -> None:
    done = _recordkit(workspace, "UTC", "doctor", "--json")
    clock = {check["name"]: check for check in json.loads(done.stdout)}["时区"]
    assert clock["ok"] is True
    assert clock["detail"].startswith(
        "这台电脑的时区是 UTC+00:00，recordkit 按办公室的时区 Asia/Shanghai（UTC+08:00）记日期，现在是 2026-12-06 07:3"
    )
    assert done.returncode == 0


def test_a_machine_without_the_zones_data_keeps_its_clock_and_doctor_says_so(
    workspace: Workspace, tmp_path: Path
) -> None:
    """A machine whose zone files lack the office's zone (a slim container: ``TZDIR`` names an empty folder here)
    cannot be moved onto it: the process keeps the machine's clock whole, and doctor's 提醒 says what to set."""
    empty = tmp_path / "zoneinfo"
    empty.mkdir()
    done = _recordkit(workspace, "UTC", "doctor", "--json", extra={"TZDIR": str(empty)})
    clock = {check["name"]: check for check in json.loads(done.stdout)}["时区"]
    assert clock["ok"] is False and clock["detail"].endswith("每天有 8 个小时会记成办公室的前一天")
    assert done.returncode == 0


def test_outside_any_workspace_the_day_is_the_one_a_new_workspace_keeps(tmp_path: Path) -> None:
    """``recordkit demo --today 2026-12-06`` at 07:36 in Beijing on a server in UTC: the 6th is today (the default
    ``[office] time_zone`` a new workspace gets), not a day in the future.  Its folder here is taken, so the demo
    stops at that, the answer after the date was accepted."""
    taken = tmp_path / "旧资料"
    taken.mkdir()
    (taken / "说明.txt").write_text("不是演示工作区", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}
    env |= {"TZ": "UTC", "TESTS_SUITE_CLOCK_OFFSET": repr(escape_hatch.time.time() - LATE_IN_UTC.timestamp())}
    done = subprocess.run(
        [sys.executable, "-m", "recordkit", "demo", str(taken), "--today", "2026-12-06", "--units", "10"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (done.returncode, done.stderr.strip()) == (
        4,
        f"错误：{taken} 已存在且不是演示工作区，不会覆盖。请换一个目录",
    )
