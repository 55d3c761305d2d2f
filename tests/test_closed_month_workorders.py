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
from recordkit.ledger.db import Ledger
from recordkit.ledger.schema import closed_months
from recordkit.reports.figures import keep_month_figures, kept_figures, kept_workorder_figures, month_figures
from recordkit.workorders.orders import OrderRequest, add
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.fees_fixtures import CASHIER, an_older_version, bill_months, small_estate


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
