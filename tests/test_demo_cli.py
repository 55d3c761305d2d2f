"""``recordkit demo``: what it refuses before it makes anything (the demo itself is built once, in conftest), and a demo
built as of an early day of the year."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

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
    "归档": "SELECT MAX(SUBSTR(filed_at, 1, 10)) FROM archive_items",
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


#: GB 11643's weights of an ID number's first 17 digits and the check character of each remainder mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def age_on(id_number: str, day: dt.date) -> int:
    born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def renovation_workers(folder: Path) -> list[tuple[str, str, str, dt.date]]:
    """Each pass of the demo in ``folder``: (worker, document type, number, the day it was issued), in issue order."""
    workspace = open_workspace(folder, environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        rows = conn.execute(
            sa.text("SELECT worker, id_type, id_number, issued_on FROM renovation_passes ORDER BY id")
        ).all()
    return [(worker, kind, number, dt.date.fromisoformat(str(issued))) for worker, kind, number, issued in rows]


def test_the_demo_workers_are_of_working_age_whatever_its_day(run_cli: Any, tmp_path: Path) -> None:
    """The workers' ID numbers were fixed strings: in a demo of 2005 陈小军 (born 1992) held a pass at 13, and 孙大海
    (born 1949) did up flats at 76 in one of today.  Now each is as old on his pass as in any other demo, with a valid
    ID number; the worker the demo suggests adding too."""
    ages: dict[str, dict[str, int]] = {}
    for today in (dt.date(2005, 3, 1), dt.date(2026, 12, 5)):
        folder = tmp_path / str(today)
        result = run_cli("demo", str(folder), "--today", str(today), "--units", "10")
        assert result.exit_code == 0, result.stderr
        suggested = re.search(r"--worker (吴师傅),([0-9]{17}[0-9X]),泥瓦工", result.stdout)
        assert suggested is not None, result.stdout
        issued_passes = renovation_workers(folder)
        # The demo shows a foreign worker's pass too: his passport's number is no resident ID number.
        assert [(worker, number) for worker, kind, number, _ in issued_passes if kind == "passport"] == [
            ("Tran Van Nam", "C4821937")
        ]
        passes = [(worker, number, day) for worker, kind, number, day in issued_passes if kind == "resident_id"]
        passes.append((suggested[1], suggested[2], today))
        assert len(passes) == 7
        for worker, id_number, issued in passes:
            total = sum(int(digit) * weight for digit, weight in zip(id_number[:17], ID_WEIGHTS, strict=True))
            assert id_number[17] == ID_CHECK[total % 11], (today, worker, id_number)
            assert int(id_number[16]) % 2 == 1, (today, worker, id_number)  # a man's (odd 17th digit)
            assert 22 <= age_on(id_number, issued) <= 58, (today, worker, id_number, issued)
        ages[str(today)] = {worker: age_on(id_number, issued) for worker, id_number, issued in reversed(passes)}
    assert (
        ages["2005-03-01"]
        == ages["2026-12-05"]
        == {
            "张建国": 38,
            "刘志强": 51,
            "陈小军": 34,
            "孙大海": 46,
            "周立新": 43,
            "吴师傅": 47,
        }
    )


#: The office's clock, the one the demo's days are on (a new workspace's ``[office] time_zone``).
OFFICE_ZONE = ZoneInfo("Asia/Shanghai")


def office_moment(stamp: str) -> dt.datetime:
    """A stored moment (ISO, with its offset) on the office's clock."""
    return dt.datetime.fromisoformat(stamp).astimezone(OFFICE_ZONE)


def test_a_demo_built_as_of_an_earlier_day_prints_and_lends_on_its_days(run_cli: Any, tmp_path: Path) -> None:
    """--today 2026-03-15 wrote every paper under records/generated/2026/12 (the month it was built in), `docs list`
    showed the moment it was built, and its loans were lent and returned then.  Now each paper is printed on its day at
    office hours — the two renovations' registration papers on the February days they were registered, everything else
    on 2026-03-15 — and filed under that day's year and month; each loan is lent on its day and the one returned is
    returned on 2026-03-15."""
    folder = tmp_path / "演示"
    result = run_cli("demo", str(folder), "--today", "2026-03-15", "--units", "10")
    assert result.exit_code == 0, result.stderr
    generated = folder / "records" / "generated"
    months = {path.parent.relative_to(generated).as_posix() for path in generated.glob("20*/*/*")}
    assert months == {"2026/02", "2026/03"}
    registration_papers = sorted(path.name.split("ZX")[0] for path in generated.glob("2026/02/*"))
    assert set(registration_papers) == {"装修登记表", "装饰装修管理协议", "临时出入证"}
    listed = run_cli("docs", "list", "--json", env={"RECORDKIT_HOME": str(folder)})
    assert listed.exit_code == 0, listed.stderr
    documents = json.loads(listed.stdout)
    workspace = open_workspace(folder, environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        registered = {str(day) for day in conn.execute(sa.text("SELECT registered_on FROM renovations")).scalars()}
        loans = conn.execute(sa.text("SELECT lent_on, lent_at, returned_at FROM archive_loans ORDER BY id")).all()
    assert len(registered) == 2 and all(day < "2026-03-01" for day in registered)
    days = set()
    for document in documents:
        moment = office_moment(document["created_at"])
        days.add(str(moment.date()))
        assert 8 <= moment.hour < 18, document  # office hours
        if "报表" not in document["path"]:  # (the monthly report has its own folder, by the month it reports)
            assert f"/records/generated/{moment:%Y/%m}/" in document["path"], document
    assert days == {*registered, "2026-03-15"}
    assert len(loans) == 4
    for lent_on, lent_at, returned_at in loans:
        assert str(office_moment(lent_at).date()) == str(lent_on)
        assert str(lent_on) <= "2026-03-15"
        assert returned_at is None or str(office_moment(returned_at).date()) == "2026-03-15"
    assert sum(1 for *_, returned_at in loans if returned_at) == 1
