"""``recordkit demo``: what it refuses before it makes anything (the demo itself is built once, in conftest)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import time_machine


def test_a_day_in_the_future_is_refused(run_cli: Any, tmp_path: Path) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 5, 4, 0, tzinfo=dt.UTC), tick=False):
        result = run_cli("demo", str(tmp_path / "演示"), "--today", "2026-12-31")
    assert (result.exit_code, result.stderr) == (5, "错误：--today 不能晚于今天：2026-12-31\n")
    assert not (tmp_path / "演示").exists()


def test_a_day_too_early_for_a_year_of_receipts_is_refused_before_anything_is_made(
    run_cli: Any, tmp_path: Path
) -> None:
    """The demo bills the twelve months before --today and takes payments in them; receipts are dated from 2000
    (``[receipt] first_year``): --today 1990-01-01 failed on its first payment, a half-made demo workspace left."""
    result = run_cli("demo", str(tmp_path / "演示"), "--today", "1990-01-01")
    assert (result.exit_code, result.stderr) == (
        5,
        "错误：--today 不能早于 2001-01-01：演示数据有截至那天的一年账目，收款日期要在 2000 年以后\n",
    )
    assert not (tmp_path / "演示").exists()


def test_a_folder_that_is_not_a_demo_or_a_file_is_refused_untouched(run_cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "我的文件"
    folder.mkdir()
    (folder / "账本.xlsx").write_bytes(b"PK")
    result = run_cli("demo", str(folder))
    assert (result.exit_code, result.stderr) == (4, f"错误：{folder} 已存在且不是演示工作区，不会覆盖。请换一个目录\n")
    assert [path.name for path in folder.iterdir()] == ["账本.xlsx"]
    roster = folder / "账本.xlsx"
    result = run_cli("demo", str(roster))
    assert (result.exit_code, result.stderr) == (
        4,
        f"错误：{roster} 是一个文件，不是文件夹：不能在 {roster} 新建工作区，请给出一个文件夹（不存在会新建）\n",
    )
    assert roster.read_bytes() == b"PK"
