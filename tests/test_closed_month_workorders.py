"""A closed month's work-order figures are kept when it is closed: work orders recorded or finished later
with a time in that month stay in the ledger and in ``workorder list``, but the month's report says what it
said at closing, and says that the work orders have changed since."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook

from recordkit.billing.closing import close_month
from recordkit.core.config import WorkOrderSettings
from recordkit.core.dates import Month
from recordkit.core.workspace import Workspace
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.ledger.schema import closed_months
from recordkit.reports.figures import keep_month_figures, kept_figures, kept_workorder_figures, month_figures
from recordkit.workorders.orders import OrderRequest, add
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.fees_fixtures import CASHIER, an_older_version, bill_months, small_estate
from tests.workorder_fixtures import left_at_0025, pass_on_the_old_way


def _ok(run_cli: Any, *args: str) -> Any:
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def october(run_cli: Any, workspace: Workspace) -> Any:
    """October 2026: a lift repair finished on time, a plumbing repair still open at the month's end, a
    noise complaint finished and visited (满意); then October is closed."""
    _ok(run_cli, "owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS)))
    _ok(run_cli, "workorder", "add", "--type", "报修", "--unit", "3-2-1201", "--category", "电梯", "--desc", "电梯异响",
        "--at", "2026-10-03 09:15")  # fmt: skip
    _ok(run_cli, "workorder", "assign", "GD2026-1", "--to", "电梯公司", "--at", "2026-10-03 10:00")
    _ok(run_cli, "workorder", "close", "GD2026-1", "--result", "更换导靴", "--at", "2026-10-03 16:00")
    _ok(run_cli, "workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", "厨房漏水",
        "--at", "2026-10-30 08:00")  # fmt: skip
    _ok(run_cli, "workorder", "add", "--type", "投诉", "--unit", "1-1-102", "--category", "噪音", "--desc", "夜间装修",
        "--at", "2026-10-10 21:00")  # fmt: skip
    _ok(run_cli, "workorder", "assign", "GD2026-3", "--to", "秩序维护部", "--at", "2026-10-10 21:10")
    _ok(run_cli, "workorder", "close", "GD2026-3", "--result", "已劝停", "--at", "2026-10-10 21:40")
    _ok(run_cli, "workorder", "visit", "GD2026-3", "--satisfaction", "满意", "--at", "2026-10-11 09:00")
    _ok(run_cli, "fees", "close", "--month", "2026-10")
    return run_cli


def _report(run_cli: Any, folder: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], str]:
    _ok(run_cli, "report", "monthly", "--month", "2026-10", "--out", str(folder), "--date", "2026-11-05")
    book = load_workbook(folder / "月度报表-2026-10.xlsx")
    orders = [row for row in book["工单"].iter_rows(values_only=True) if any(v is not None for v in row)]
    overview = [row for row in book["概览"].iter_rows(values_only=True) if any(v is not None for v in row)]
    summary = "\n".join(p.text for p in Document(str(folder / "月度工作总结-2026-10.docx")).paragraphs)
    return orders, overview, summary


def _metric(rows: list[tuple[Any, ...]], label: str) -> Any:
    return next(row[1] for row in rows if row[0] == label)


NOTE = (
    "注：2026-10 结账后又补记或改动了这个月的工单，以上仍是结账时的数字"
    "（现在的工单见 recordkit workorder list --month 2026-10）。"
)


def test_work_orders_recorded_in_a_closed_month_later_leave_its_report_as_it_was(october: Any, tmp_path: Path) -> None:
    orders, overview, summary = _report(october, tmp_path / "结账时")
    # Counted by hand from the fixture: 2 repairs + 1 complaint; 2 finished, both on time; 1 visit, 满意;
    # the plumbing repair unfinished at the month's end.
    assert _metric(orders, "本月办结（件）") == 2
    assert _metric(orders, "其中按时办结（件）") == 2
    assert _metric(orders, "本月回访（件）") == 1
    assert _metric(orders, "月末未办结（件）") == 1
    assert _metric(overview, "受理投诉（件）") == 1
    assert NOTE not in summary and not any(NOTE in row for row in orders)

    # Late paperwork, recorded on a later day with its real October times: a second complaint, finished late;
    # the plumbing repair dispatched on 30 October and finished on 31 October.
    _ok(october, "workorder", "add", "--type", "投诉", "--unit", "3-2-1201", "--category", "噪音", "--desc", "楼上跺脚",
        "--at", "2026-10-20 22:00")  # fmt: skip
    _ok(october, "workorder", "assign", "GD2026-2", "--to", "水电工", "--at", "2026-10-30 08:30")
    _ok(october, "workorder", "close", "GD2026-2", "--result", "更换角阀", "--at", "2026-10-31 10:00")
    listed = json.loads(_ok(october, "workorder", "list", "--month", "2026-10", "--json").stdout)
    assert sorted(order["number"] for order in listed) == ["GD2026-000001", "GD2026-000002", "GD2026-000003",
                                                          "GD2026-000004"]  # fmt: skip

    again, overview_again, summary_again = _report(october, tmp_path / "补记后")
    assert [row for row in again if row[0] != NOTE] == orders
    assert [row for row in again if row[0] == NOTE] == [(NOTE,) + (None,) * (len(again[-1]) - 1)]
    assert overview_again == overview
    assert summary_again.count(NOTE) == 1
    assert summary_again.replace(NOTE, "") == summary


def test_the_signing_date_does_not_move_a_closed_months_work_orders(october: Any, tmp_path: Path) -> None:
    """--date only dates the paper: signed on 25 October, October's report still counts its work orders at its
    end (the plumbing repair of 30 October unfinished) and says nothing changed since the closing."""
    folder = tmp_path / "落款"
    _ok(october, "report", "monthly", "--month", "2026-10", "--out", str(folder), "--date", "2026-10-25")
    book = load_workbook(folder / "月度报表-2026-10.xlsx")
    orders = [row for row in book["工单"].iter_rows(values_only=True) if any(v is not None for v in row)]
    paragraphs = [p.text for p in Document(str(folder / "月度工作总结-2026-10.docx")).paragraphs]
    assert _metric(orders, "月末未办结（件）") == 1
    assert not any(NOTE in row for row in orders)
    assert not any(NOTE in text for text in paragraphs)
    assert "2026年10月25日" in paragraphs


def test_a_month_closed_out_of_order_keeps_its_work_order_figures_without_fee_figures(
    ledger: Ledger, tmp_path: Path
) -> None:
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-09", "2026-10")
    request = OrderRequest("报修", "电梯", "电梯异响", unit="1-1-101", at=dt.datetime(2026, 10, 3, 9, 15))
    add(ledger, WorkOrderSettings(), CASHIER, request, now=dt.datetime(2026, 11, 2, 9, 0))
    # September is still open (an older version closed out of order): October's balances (and so its fee
    # figures) are not kept; its work orders are.
    with an_older_version():
        close_month(ledger, "2026-10", CASHIER, today=dt.date(2026, 11, 2), keep=keep_month_figures)
    with ledger.read() as conn:
        assert kept_figures(conn, [Month(2026, 10)]) == {}
        [(figures, rows)] = kept_workorder_figures(conn, [Month(2026, 9), Month(2026, 10)]).values()
    assert (figures.period, figures.opened, figures.open_at_end) == ("2026-10", {("报修", "电梯"): 1}, 1)
    assert [(row.type, row.category, row.opened) for row in rows] == [("报修", "电梯", 1)]


def test_work_order_figures_kept_by_another_version_are_counted_again(ledger: Ledger, tmp_path: Path) -> None:
    # A later version's kept figures with a field this one does not know (or one missing) never stop a report.
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-10")
    request = OrderRequest("报修", "电梯", "电梯异响", unit="1-1-101", at=dt.datetime(2026, 10, 3, 9, 15))
    add(ledger, WorkOrderSettings(), CASHIER, request, now=dt.datetime(2026, 11, 2, 9, 0))
    close_month(ledger, "2026-10", CASHIER, today=dt.date(2026, 11, 2), keep=keep_month_figures)
    with ledger.write() as conn:
        conn.execute(
            sa.update(closed_months).values(
                workorder_figures_json=sa.func.replace(closed_months.c.workorder_figures_json, '"period"', '"later"')
            )
        )
    with ledger.read() as conn:
        assert kept_workorder_figures(conn, [Month(2026, 10)]) == {}
        [october] = month_figures(conn, [Month(2026, 10)], None, today=dt.date(2026, 11, 2))[0]
    assert (october.workorders.opened, october.workorders_changed) == ({("报修", "电梯"): 1}, False)


def _cells(run_cli: Any, month: str, signed: str, folder: Path) -> list[tuple[Any, ...]]:
    """The 工单 sheet of ``month``'s report signed on ``signed``: its rows with anything in them."""
    _ok(run_cli, "report", "monthly", "--month", month, "--out", str(folder), "--date", signed)
    book = load_workbook(folder / f"月度报表-{month}.xlsx")
    return [row for row in book["工单"].iter_rows(values_only=True) if any(v is not None for v in row)]


def test_orders_passed_on_before_13bd917_are_judged_by_their_first_dispatch_once_upgraded(
    run_cli: Any, workspace: Workspace, tmp_path: Path
) -> None:
    """Before 13bd917 passing an order on (改派) moved its dispatch time to the reassignment's: an order dispatched in
    time was 派工超时 at the month's end.  Upgraded (migration 0026), an open month's 其中超时 and ``list --overdue
    --as-of`` judge it by its first dispatch and ``show`` gives that time; a closed month's report says what it said at
    closing, with the note that its work orders changed since."""
    _ok(run_cli, "owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS)))
    # 门窗: dispatch within 24 hours, finish within 72.  GD2026-1 is reported on 29 September and dispatched in time,
    # passed on on 1 October, finished that day; GD2026-2 is reported on 30 October, dispatched in time, passed on on
    # 1 November, still open.
    for unit, at in (("1-1-101", "2026-09-29 09:00"), ("1-1-102", "2026-10-30 09:00")):
        _ok(run_cli, "workorder", "add", "--type", "报修", "--unit", unit, "--category", "门窗", "--desc", "门锁坏",
            "--at", at)  # fmt: skip
    _ok(run_cli, "workorder", "assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-09-29 10:00")
    _ok(run_cli, "workorder", "assign", "GD2026-2", "--to", "刘师傅", "--at", "2026-10-30 10:00")
    with open_ledger(workspace.database_url) as ledger:
        pass_on_the_old_way(ledger, "GD2026-000001", ("刘师傅", "2026-09-29 10:00"), ("王师傅", "2026-10-01 09:00"))
        pass_on_the_old_way(ledger, "GD2026-000002", ("刘师傅", "2026-10-30 10:00"), ("王师傅", "2026-11-01 09:00"))
    _ok(run_cli, "workorder", "close", "GD2026-1", "--result", "已换锁", "--at", "2026-10-01 15:00")
    _ok(run_cli, "fees", "close", "--month", "2026-09")
    september = _cells(run_cli, "2026-09", "2026-10-05", tmp_path / "升级前")
    # As the old rows said: each order undispatched at its month's end, past its 24 hours.
    assert (_metric(september, "月末未办结（件）"), _metric(september, "其中超时（件）")) == (1, 1)
    with open_ledger(workspace.database_url) as ledger:
        left_at_0025(ledger)

    assert _ok(run_cli, "db", "upgrade").exit_code == 0
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        rows = conn.execute(sa.text("SELECT number, assigned_at FROM work_orders ORDER BY seq")).all()
    assert [(number, str(at)[:16]) for number, at in rows] == [
        ("GD2026-000001", "2026-09-29 10:00"),
        ("GD2026-000002", "2026-10-30 10:00"),
    ]
    october = _cells(run_cli, "2026-10", "2026-11-05", tmp_path / "十月")
    assert (_metric(october, "月末未办结（件）"), _metric(october, "其中超时（件）")) == (1, 0)
    assert (_metric(october, "本月办结（件）"), _metric(october, "其中按时办结（件）")) == (1, 1)
    overdue = _ok(run_cli, "workorder", "list", "--overdue", "--as-of", "2026-10-31", "--json")
    assert json.loads(overdue.stdout) == []
    shown = _ok(run_cli, "workorder", "show", "GD2026-2").output.splitlines()
    assert shown[7:11] == [
        "时限：2026-10-31 09:00 前派工，2026-11-02 09:00 前完成；完成超时",
        "派工：王师傅（2026-10-30 10:00）",
        "首次派工：2026-10-30 10:00 刘师傅",
        "改派：2026-11-01 09:00 王师傅",
    ]
    listed = json.loads(_ok(run_cli, "workorder", "list", "--json").stdout)
    assert [(o["number"], o["assignee"], o["assigned_at"]) for o in listed] == [
        ("GD2026-000001", "王师傅", "2026-09-29 10:00"),
        ("GD2026-000002", "王师傅", "2026-10-30 10:00"),
    ]
    # September was closed: its figures are the ones kept then, and the report says the work orders changed since.
    closed = _cells(run_cli, "2026-09", "2026-10-05", tmp_path / "升级后")
    september_note = NOTE.replace("2026-10", "2026-09")
    assert [row for row in closed if row[0] != september_note] == september
    assert [row[0] for row in closed if row[0] == september_note] == [september_note]
