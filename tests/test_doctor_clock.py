"""``recordkit doctor`` says when this machine does not keep the office's time: receipts, documents, loans and
reports take this machine's date, so a server kept in UTC would date the first eight hours of every Beijing day
as the day before.  The nightly timer fires in the office's night whatever the server's zone."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recordkit.core.workspace import Workspace, open_workspace
from recordkit.doctor import check_clock

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
#: 2026-12-05 03:30 UTC: 11:30 in Beijing.
MOMENT = dt.datetime(2026, 12, 5, 3, 30, tzinfo=dt.UTC)


@pytest.fixture
def machine_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Set this process's local zone as a machine's TZ would; put back afterwards."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    ("machine", "office", "ok", "detail"),
    [
        ("Asia/Shanghai", "Asia/Shanghai", True, "Asia/Shanghai（UTC+08:00），现在是 2026-12-05 11:30"),
        ("Asia/Chongqing", "Asia/Shanghai", True, "Asia/Shanghai（UTC+08:00），现在是 2026-12-05 11:30"),
        (
            "UTC",
            "Asia/Shanghai",
            False,
            "这台电脑的时区是 UTC+00:00，办公室（recordkit.toml 的 [office] time_zone）是 Asia/Shanghai（UTC+08:00）："
            "收据、文书、借阅和报表上的日期取这台电脑的日期，每天有 8 个小时会记成办公室的前一天",
        ),
        (
            "America/New_York",  # December: UTC-05:00, thirteen hours behind Beijing
            "Asia/Shanghai",
            False,
            "这台电脑的时区是 UTC-05:00，办公室（recordkit.toml 的 [office] time_zone）是 Asia/Shanghai（UTC+08:00）："
            "收据、文书、借阅和报表上的日期取这台电脑的日期，每天有 13 个小时会记成办公室的前一天",
        ),
        (
            "Asia/Tokyo",  # one hour ahead: the last hour of each office day is dated the day after
            "Asia/Shanghai",
            False,
            "这台电脑的时区是 UTC+09:00，办公室（recordkit.toml 的 [office] time_zone）是 Asia/Shanghai（UTC+08:00）："
            "收据、文书、借阅和报表上的日期取这台电脑的日期，每天有 1 个小时会记成办公室的后一天",
        ),
        (
            "Asia/Kolkata",
            "Asia/Shanghai",
            False,
            "这台电脑的时区是 UTC+05:30，办公室（recordkit.toml 的 [office] time_zone）是 Asia/Shanghai（UTC+08:00）："
            "收据、文书、借阅和报表上的日期取这台电脑的日期，每天有 2 个半小时会记成办公室的前一天",
        ),
        ("Asia/Urumqi", "Asia/Urumqi", True, "Asia/Urumqi（UTC+06:00），现在是 2026-12-05 09:30"),
    ],
)
def test_the_clock_line_compares_this_machine_with_the_office(
    workspace: Workspace, machine_zone: Any, machine: str, office: str, ok: bool, detail: str
) -> None:
    machine_zone(machine)
    check = check_clock(open_workspace(workspace.root, environ={"RECORDKIT_OFFICE_TIME_ZONE": office}), now=MOMENT)
    assert (check.name, check.ok, check.detail, check.required) == ("时区", ok, detail, False)
    if not ok:
        assert check.fix == (
            f"把这台电脑的时区设成 {office}（Linux：sudo timedatectl set-timezone {office}，再重启 recordkit 的服务；"
            "Windows：设置 → 时间和语言 → 时区），或改正 [office] time_zone"
        )


def test_doctor_lists_the_clock_and_a_server_in_utc_is_told_without_failing(
    run_cli: Any, workspace: Workspace, machine_zone: Any
) -> None:
    machine_zone("UTC")
    result = run_cli("doctor", "--json")
    clock = {check["name"]: check for check in json.loads(result.stdout)}["时区"]
    assert clock["ok"] is False and "每天有 8 个小时会记成办公室的前一天" in clock["detail"]
    assert result.exit_code == 0  # told, not a broken installation
    table = run_cli("doctor", env={"COLUMNS": "200"})
    [row] = [line for line in table.stdout.splitlines() if "时区" in line and "UTC+00:00" in line]
    assert "提醒" in row and "缺失" not in row and table.exit_code == 0
    machine_zone("Asia/Shanghai")
    result = run_cli("doctor")
    assert result.exit_code == 0
    assert "时区" in result.stdout and "Asia/Shanghai（UTC+08:00），现在是" in result.stdout


def test_the_nightly_timer_fires_at_half_past_two_in_beijing_on_a_server_in_utc() -> None:
    timer = (DEPLOY / "recordkit-index.timer").read_text(encoding="utf-8")
    [calendar] = [line.split("=", 1)[1] for line in timer.splitlines() if line.startswith("OnCalendar=")]
    assert calendar == "*-*-* 02:30 Asia/Shanghai"
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed here: the calendar's text is checked, not its next time")
    shown = subprocess.run(
        ["systemd-analyze", "calendar", calendar, "--iterations", "2"],
        capture_output=True,
        text=True,
        check=True,
        env={"TZ": "UTC", "PATH": "/usr/bin:/bin", "LC_ALL": "C", "SYSTEMD_COLORS": "0"},
    ).stdout
    # 02:30 in Beijing is 18:30 UTC of the day before
    times = [line.split(": ", 1)[1] for line in shown.splitlines() if "Next elapse:" in line or "Iter. #" in line]
    assert len(times) == 2 and all(t.endswith("18:30:00 UTC") for t in times), shown
