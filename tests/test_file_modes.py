"""Who may open what the office produces: registers, daily sheets, statements, exports and reports are
written atomically yet get the mode any new file gets under the process's umask, so that the office's
other accounts (the web page's service user, the nightly run's, a clerk's share) can open them; a file
holding phones and ID numbers unmasked (``--show-private``) is its writer's only."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from recordkit.core.config import write_setting
from recordkit.core.workspace import Workspace
from tests.test_fees_cli import cashier  # the fixture: the sample units, October and November billed


@pytest.fixture
def umask() -> Iterator[Any]:
    """Set the process's umask for the test (``umask(0o027)``); the old one comes back after."""
    old = os.umask(0o022)

    def set_umask(value: int) -> None:
        os.umask(value)

    yield set_umask
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_what_the_counter_exports_gets_the_mode_of_a_new_file(
    cashier: Any, workspace: Workspace, umask: Any, mask: int, expected: int
) -> None:
    umask(mask)
    out = workspace.root / "导出"
    out.mkdir()
    for args in (
        ("fees", "register", "--month", "2026-10", str(out / "台账.xlsx")),
        ("fees", "daily", str(out / "日结.xlsx"), "--date", "2026-10-31"),
        ("fees", "account", "1-1-101", "--out", str(out / "对账单.xlsx")),
        ("fees", "account", "1-1-101", "--out", str(out / "对账单.docx")),
        ("owners", "export", str(out / "名册.xlsx")),
        ("report", "monthly", "--month", "2026-10", "--out", str(out / "报表")),
    ):
        result = cashier(*args)
        assert result.exit_code == 0, result.output
    made = {path.name: _mode(path) for path in out.rglob("*") if path.is_file()}
    names = ("名册.xlsx", "台账.xlsx", "对账单.docx", "对账单.xlsx", "日结.xlsx")
    assert made == dict.fromkeys((*names, "月度工作总结-2026-10.docx", "月度报表-2026-10.xlsx"), expected)
    assert load_workbook(out / "台账.xlsx").active["A1"].value == "测试小区2026年10月收费台账"


def test_an_export_with_personal_data_unmasked_is_its_writers_only(
    cashier: Any, workspace: Workspace, umask: Any
) -> None:
    umask(0o022)
    roster = workspace.root / "名册.xlsx"
    assert cashier("owners", "export", str(roster), "--show-private").exit_code == 0
    assert _mode(roster) == 0o600
    phones = [row[5] for row in load_workbook(roster).active.iter_rows(min_row=2, values_only=True)]
    assert "13812345678" in phones
    # Exported again masked under the same name: readable by the office again.
    assert cashier("owners", "export", str(roster)).exit_code == 0
    assert _mode(roster) == 0o644
    # And the other way: a masked file the private export replaces does not stay readable.
    assert cashier("owners", "export", str(roster), "--show-private").exit_code == 0
    assert _mode(roster) == 0o600

    report = workspace.root / "报表"
    assert cashier("report", "monthly", "--month", "2026-10", "--out", str(report)).exit_code == 0
    assert {path.name: _mode(path) for path in report.iterdir()} == {
        "月度报表-2026-10.xlsx": 0o644,
        "月度工作总结-2026-10.docx": 0o644,
    }
    shown = cashier("report", "monthly", "--month", "2026-10", "--out", str(report), "--show-private")
    assert shown.exit_code == 0, shown.output
    assert {path.name: _mode(path) for path in report.iterdir()} == {
        "月度报表-2026-10.xlsx": 0o644,
        "月度报表-2026-10（含个人信息）.xlsx": 0o600,
        "月度工作总结-2026-10.docx": 0o644,  # the summary names no one
    }


def test_a_setting_written_back_keeps_who_may_read_recordkit_toml(workspace: Workspace, umask: Any) -> None:
    umask(0o022)
    config = workspace.root / "recordkit.toml"
    config.chmod(0o640)  # the office server: the service's group reads it, a password in it stays in the group
    write_setting(config, "search", "backend", "sqlite")
    assert _mode(config) == 0o640
    assert 'backend = "sqlite"' in config.read_text(encoding="utf-8")


def test_a_new_sqlite_ledger_is_its_owners_only(tmp_path: Path, umask: Any, run_cli: Any) -> None:
    """The SQLite ledger holds every owner's phone and ID number in full: like a ``--show-private`` export, only
    the account that runs recordkit reads it, whatever the umask (it was -rw-r--r--: anyone with a login on the
    office server could copy it), and so do the WAL files SQLite makes beside it while it is in use."""
    import sqlite3

    umask(0o022)
    root = tmp_path / "新小区"
    made = run_cli("init", str(root), "--office", "测试物业服务中心", "--estate", "测试小区")
    assert made.exit_code == 0, made.output
    ledger = root / "records" / "ledger.sqlite3"
    assert _mode(ledger) == 0o600
    with contextlib.closing(sqlite3.connect(ledger)) as conn:  # in use: its WAL files are there
        conn.execute("UPDATE units SET floor_area_hundredths = floor_area_hundredths")
        conn.commit()
        besides = sorted(path.name for path in ledger.parent.glob("ledger.sqlite3-*") if path.suffix != ".lock")
        assert besides == ["ledger.sqlite3-shm", "ledger.sqlite3-wal"]
        assert {name: _mode(ledger.parent / name) for name in besides} == dict.fromkeys(besides, 0o600)


def test_the_lock_file_a_first_use_leaves_beside_the_ledger_takes_its_mode(
    tmp_path: Path, umask: Any, run_cli: Any
) -> None:
    """``init`` left records/ledger.sqlite3-migrate.lock (the empty file two first uses queue on) at -rw-r--r--
    beside a ledger of -rw-------: it now takes the ledger's mode."""
    umask(0o022)
    root = tmp_path / "新小区"
    made = run_cli("init", str(root), "--office", "测试物业服务中心", "--estate", "测试小区")
    assert made.exit_code == 0, made.output
    records = root / "records"
    assert _mode(records / "ledger.sqlite3") == 0o600
    assert _mode(records / "ledger.sqlite3-migrate.lock") == 0o600
