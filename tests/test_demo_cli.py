"""``recordkit demo``: what it refuses before it makes anything (the demo itself is built once, in conftest), and a demo
built as of an early day of the year."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import time_machine

from recordkit.core.workspace import open_workspace
from recordkit.ledger.db import open_ledger


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


#: What happened in the demo estate, each a day (or a month) it happened on: none can come after --today.
HAPPENED = {
    "入住": "SELECT MAX(move_in_date) FROM units",
    "起租": "SELECT MAX(start_date) FROM unit_contacts",
    "档案日期": "SELECT MAX(doc_date) FROM archive_items",
    "收款": "SELECT MAX(paid_on) FROM payments",
    "收据": "SELECT MAX(issued_on) FROM receipts",
    "装修登记": "SELECT MAX(registered_on) FROM renovations",
    "报修": "SELECT MAX(DATE(opened_at)) FROM work_orders",
    "借出": "SELECT MAX(lent_on) FROM archive_loans",
}


def test_a_demo_built_early_in_the_year_has_nothing_after_its_day(run_cli: Any, tmp_path: Path) -> None:
    """--today 2026-02-10: the roster moved owners in up to 2026-09-30 and let flats from as late as October 2026,
    and the archive filed their 入住登记表 of those days: months still to come."""
    result = run_cli("demo", str(tmp_path / "演示"), "--today", "2026-02-10", "--units", "10")
    assert result.exit_code == 0, result.stderr
    workspace = open_workspace(tmp_path / "演示", environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        latest = {what: str(conn.execute(sa.text(query)).scalar()) for what, query in HAPPENED.items()}
        billed = conn.execute(sa.text("SELECT MAX(month) FROM bills")).scalar()
    assert {what: day for what, day in latest.items() if day > "2026-02-10"} == {}
    assert "None" not in latest.values()  # each of them happened in the demo
    assert billed == "2026-01"


def test_a_demo_built_years_ago_has_no_owner_younger_than_25_at_moving_in(run_cli: Any, tmp_path: Path) -> None:
    """--today 2005-03-01 moved the move-ins back by as many days (to 1993–2004) but kept the owners' ID numbers,
    born up to 2002: owners moved in before they were born.  Their birth dates move back with the handovers: 25 to 75
    years old at them, so at least 25 at moving in (or, not moved in, on --today)."""
    today = dt.date(2005, 3, 1)
    result = run_cli("demo", str(tmp_path / "演示"), "--today", str(today), "--units", "10")
    assert result.exit_code == 0, result.stderr
    workspace = open_workspace(tmp_path / "演示", environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        owners = conn.execute(
            sa.text(
                "SELECT u.code, u.move_in_date, o.id_number FROM units u JOIN owners o ON o.id = u.owner_id"
                " WHERE o.id_number IS NOT NULL ORDER BY u.code"
            )
        ).all()
    too_young = []
    for code, moved_in, id_number in owners:
        day = dt.date.fromisoformat(str(moved_in)) if moved_in else today
        born = (int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        if (born[0] + 25, born[1], born[2]) > (day.year, day.month, day.day):
            too_young.append((code, str(day), id_number[6:14]))
    assert len(owners) > 50
    assert too_young == []
