"""A closed month is final: its fee register, daily reports and monthly report give the same figures to
the fen whenever they are printed, whatever is paid, voided, rebilled or reversed afterwards; a report
of an unfinished month says 未结账 and the day it runs to."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from recordkit.billing.bills import bill_month
from recordkit.billing.closing import close_month
from recordkit.billing.receipts import PaymentRequest, pay, void_or_reverse, void_receipt
from recordkit.billing.registers import daily_report, write_register
from recordkit.core.workspace import Workspace, init_workspace, open_workspace
from recordkit.ledger.db import Ledger
from recordkit.reports import monthly_report
from tests.fees_fixtures import CASHIER, MONTHLY, RECEIPTS, bill_months, small_estate

OCT_DAY = dt.date(2026, 10, 15)
NOV_DAY = dt.date(2026, 11, 20)
A, B = MONTHLY["1-1-101"], MONTHLY["1-1-102"]


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    root = init_workspace(tmp_path / "ws", office="测试物业服务中心", estate="测试小区")
    return open_workspace(root, environ={})


def _pay(ledger: Ledger, unit: str, fen: int, day: dt.date, **kw: Any) -> str:
    return pay(ledger, RECEIPTS, CASHIER, PaymentRequest(unit, fen, paid_on=day, **kw), today=day).number


def _cells(path: Path) -> list[list[Any]]:
    return [list(row) for row in load_workbook(path).active.iter_rows(values_only=True)]


def _register_row(path: Path, label: str) -> list[Any]:
    return next(row for row in _cells(path) if row[0] == label)


def _yuan(value: Any) -> int:
    return int(Decimal(str(value)) * 100)


def _october(ledger: Ledger, ws: Workspace, folder: Path) -> tuple[Any, ...]:
    register = write_register(ledger, "2026-10", folder / "台账.xlsx")
    report = monthly_report(ws, ledger, "2026-10", CASHIER, folder / "报表", today=NOV_DAY)
    fees = report.figures.fees
    sheet = load_workbook(report.workbook)["收费汇总"]
    by_item = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=3)]
    return (
        _cells(folder / "台账.xlsx"),
        register,
        (fees.total.billed, fees.total.collected, fees.total.cleared, fees.total.prepaid, fees.total.arrears),
        (fees.received_fen, fees.arrears_units),
        by_item,
        daily_report(ledger, OCT_DAY).total_fen,
        report.figures.status_text,
    )


def test_a_closed_month_prints_the_same_figures_after_later_payments_voids_rebills_and_reversals(
    ledger: Ledger, ws: Workspace, tmp_path: Path
) -> None:
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-09", "2026-10")
    kept = _pay(ledger, "1-1-101", 3 * A, OCT_DAY, months=None)  # September, October and one month ahead
    _pay(ledger, "1-1-102", B, OCT_DAY)  # September only: October still owed at the month's end
    for month in ("2026-09", "2026-10"):
        close_month(ledger, month, CASHIER, today=NOV_DAY)
    before = _october(ledger, ws, tmp_path / "before")
    # At October's end 1-1-101 holds one month in advance, 1-1-102 none; 当期实收 is 1-1-101's October.
    assert _yuan(_register_row(tmp_path / "before" / "台账.xlsx", "1-1-101")[-1]) == A
    assert (before[1].collected_fen, before[1].prepayment_fen) == (A, A)
    assert before[2][:4] == (sum(MONTHLY.values()), A, A + B, A)  # 清欠: both Septembers
    assert before[6] == "已结账"

    # November: billing takes 1-1-101's prepayment; 1-1-102 pays October late, and that receipt is voided;
    # November is rebilled; October's receipt is reversed by a red reversal dated today.
    bill_month(ledger, "2026-11", CASHIER, today=NOV_DAY)
    late = _pay(ledger, "1-1-102", B, NOV_DAY)
    void_receipt(ledger, late, "重复收款", CASHIER, today=NOV_DAY)
    _pay(ledger, "1-1-102", B + 500, NOV_DAY, again=True)
    bill_month(ledger, "2026-11", CASHIER, rebill=True, today=NOV_DAY)
    void_or_reverse(ledger, kept, "金额开错", CASHIER, NOV_DAY, RECEIPTS)

    after = _october(ledger, ws, tmp_path / "after")
    assert after == before
    # November's register shows the late money as November's business, not October's.
    november = write_register(ledger, "2026-11", tmp_path / "十一月.xlsx")
    # The reversal took back the prepayment that paid 1-1-101's November; 1-1-102's 0.05 元 over October
    # went on its November bill.
    assert (november.collected_fen, november.prepayment_fen) == (500, 0)


def test_a_report_of_an_unfinished_month_says_so_and_the_day_it_runs_to(
    ledger: Ledger, ws: Workspace, tmp_path: Path
) -> None:
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-10", "2026-11")
    report = monthly_report(ws, ledger, "2026-11", CASHIER, tmp_path / "out", today=NOV_DAY)
    assert report.figures.status_text == "未结账（数据截至 2026-11-20）"
    overview = [row[0] for row in load_workbook(report.workbook)["概览"].iter_rows(values_only=True)]
    assert "本月未结账（数据截至 2026-11-20）" in overview
    october = monthly_report(ws, ledger, "2026-10", CASHIER, tmp_path / "out", today=NOV_DAY)
    assert october.figures.status_text == "未结账（数据截至 2026-10-31）"


def _arrears_rows(report: Any) -> dict[str, tuple[Any, ...]]:
    """The 欠费明细 sheet's rows by unit: (业主, 欠费月数, 最早欠费月份, 欠费金额 in fen)."""
    sheet = load_workbook(report.workbook)["欠费明细"]
    return {
        row[1]: (row[2], row[4], row[5], _yuan(row[6]))
        for row in sheet.iter_rows(min_row=3, values_only=True)
        if row[0] != "合计"
    }


def test_the_reports_arrears_name_every_owner_of_record_in_a_closed_month_and_an_open_one(
    ledger: Ledger, ws: Workspace, tmp_path: Path
) -> None:
    """1-1-101 is owned by 张伟 and 王芳 (the roster's one cell): ``fees arrears`` names both, and so does the
    monthly report's 欠费明细 — of October, closed with its figures kept, and of November, still open — where it
    named 张伟 alone.  October's kept rows read as kept (two months from September, 2A) after November's money."""
    from recordkit.owners.roster import import_owners
    from recordkit.reports.figures import keep_month_figures
    from tests.conftest import SAMPLE_ROWS, write_sheet

    rows = [list(row) for row in SAMPLE_ROWS]
    rows[0][4] = "张伟、王芳"
    small_estate(ledger, tmp_path)
    import_owners(ledger, write_sheet(tmp_path / "共有.xlsx", rows), CASHIER)
    bill_months(ledger, "2026-09", "2026-10")
    _pay(ledger, "1-1-102", 2 * B, OCT_DAY)
    for month in ("2026-09", "2026-10"):
        close_month(ledger, month, CASHIER, today=NOV_DAY, keep=keep_month_figures)
    bill_months(ledger, "2026-11")
    _pay(ledger, "1-1-101", A, NOV_DAY)  # November's money pays September: October's kept rows stay
    october = monthly_report(ws, ledger, "2026-10", CASHIER, tmp_path / "oct", today=NOV_DAY)
    assert october.figures.status_text.startswith("已结账")
    assert _arrears_rows(october)["1-1-101"] == ("张伟、王芳", 2, "2026-09", 2 * A)
    assert _arrears_rows(october)["3-2-1201"][0] == "李秀英"
    november = monthly_report(ws, ledger, "2026-11", CASHIER, tmp_path / "nov", today=dt.date(2026, 11, 30))
    assert _arrears_rows(november)["1-1-101"] == ("张伟、王芳", 2, "2026-10", 2 * A)
