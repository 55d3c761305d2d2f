"""The 日结 lists every money movement of the day: receipts by method and by fee item, red reversals,
voids, deposits taken and refunded, the net per method, and the lines for the three signatures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from recordkit.billing.closing import close_month
from recordkit.billing.receipts import PaymentRequest, pay, void_or_reverse, void_receipt
from recordkit.billing.registers import write_daily
from recordkit.billing.rules import add_rule
from recordkit.ledger.db import Ledger
from recordkit.renovations.inspection import inspect
from recordkit.renovations.refund import refund
from tests.fees_fixtures import CASHIER, MONTHLY, RECEIPTS, bill_months, small_estate
from tests.test_reports import _renovation

OCT_DAY = dt.date(2026, 10, 12)
DAY = dt.date(2026, 11, 23)


def _rows(path: Path) -> list[list[Any]]:
    return [list(row) for row in load_workbook(path)["日结汇总"].iter_rows(values_only=True)]


def _fen(value: Any) -> int:
    return int(Decimal(str(value)) * 100)


def test_the_daily_report_has_every_movement_of_money_and_the_signatures(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    add_rule(ledger, CASHIER, "装修押金", "oneoff", "2000", "2025-01")
    add_rule(ledger, CASHIER, "装修垃圾清运费", "oneoff", "500", "2025-01")
    bill_months(ledger, "2026-10", "2026-11")
    october = pay(ledger, RECEIPTS, CASHIER, PaymentRequest("1-1-102", MONTHLY["1-1-102"], "现金"), today=OCT_DAY)
    close_month(ledger, "2026-10", CASHIER, today=DAY)
    renovation = _renovation(ledger, "3-2-1201", "2026-11-02")  # 2,000 deposit + 500 waste fee, in cash
    inspect(ledger, CASHIER, renovation.number, "合格", today=DAY)
    refund(ledger, CASHIER, renovation.number, 30000, "墙面修补", today=DAY, method="微信")  # 1,700 back by WeChat
    a = MONTHLY["1-1-101"]
    pay(ledger, RECEIPTS, CASHIER, PaymentRequest("1-1-101", 2 * a + 1000, "微信"), today=DAY)  # Oct, Nov, 10 ahead
    wrong = pay(ledger, RECEIPTS, CASHIER, PaymentRequest("3-2-1201", 5000, "支付宝"), today=DAY)
    void_receipt(ledger, wrong.number, "金额开错", CASHIER, today=DAY)
    _, reversal = void_or_reverse(ledger, october.number, "交款人写错", CASHIER, DAY, RECEIPTS)
    assert reversal is not None

    report = write_daily(ledger, DAY, tmp_path / "日结.xlsx", estate="测试小区")
    b = MONTHLY["1-1-102"]
    assert report.by_method == {"现金": (1, -b), "微信": (1, 2 * a + 1000)}
    assert report.by_item == {
        "物业服务费": 2 * 20997 - 27876,
        "垃圾清运费": 2 * 1000 - 1000,
        "停车费": 2 * 15000,
        "预收款": 1000,
    }
    assert sum(report.by_item.values()) == report.total_fen == 2 * a + 1000 - b
    assert (report.deposits_taken_fen, report.refunded_fen) == (0, 170000)  # the deposit came on 2 November
    assert report.net_by_method == {"现金": -b, "微信": 2 * a + 1000 - 170000}
    assert report.net_fen == sum(report.net_by_method.values()) == report.total_fen - report.refunded_fen
    assert [(v.number, v.reverses) for v in report.reversals] == [(reversal.number, october.number)]
    assert [v.number for v in report.voided] == [wrong.number]

    rows = _rows(tmp_path / "日结.xlsx")
    reversal_row = next(r for r in rows if r[0] == reversal.number)
    assert (reversal_row[1], reversal_row[2], _fen(reversal_row[3]), reversal_row[4]) == (
        october.number,
        "1-1-102",
        -b,
        "交款人写错",
    )
    refund_row = next(r for r in rows if r[0] == renovation.number)
    assert (refund_row[1], _fen(refund_row[2]), refund_row[3], refund_row[4]) == ("3-2-1201", 170000, "微信", CASHIER)
    wechat = [r for r in rows if r[0] == "微信"]
    assert [_fen(v) for v in wechat[-1][1:4]] == [2 * a + 1000, 170000, 2 * a + 1000 - 170000]
    labels = {r[0]: r for r in rows if r[0]}
    assert _fen(labels["收款合计"][2]) == report.total_fen
    assert _fen(labels["押金退还"][2]) == 170000
    assert _fen(labels["净收款"][2]) == report.net_fen
    assert _fen(labels["停车费"][1]) == 30000
    signatures = next(r for r in rows if r[0] == "收款人：")
    assert (signatures[2], signatures[4]) == ("复核：", "主管：")
    detail = load_workbook(tmp_path / "日结.xlsx")["收据明细"]
    assert (reversal.number, "红冲") in [(r[0].value, r[6].value) for r in detail.iter_rows(min_row=2)]


def test_the_deposit_taken_is_in_the_day_s_receipts(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    add_rule(ledger, CASHIER, "装修押金", "oneoff", "2000", "2025-01")
    add_rule(ledger, CASHIER, "装修垃圾清运费", "oneoff", "500", "2025-01")
    _renovation(ledger, "3-2-1201", "2026-11-02")
    report = write_daily(ledger, dt.date(2026, 11, 2), tmp_path / "日结.xlsx")
    assert report.by_item == {"装修押金": 200000, "装修垃圾清运费": 50000}
    assert (report.total_fen, report.deposits_taken_fen, report.refunded_fen) == (250000, 200000, 0)


def _daily_cells(ledger: Ledger, day: dt.date, path: Path) -> list[list[list[Any]]]:
    """Every cell of every sheet of the day's 日结 written to ``path``, as a reader sees them."""
    write_daily(ledger, day, path)
    book = load_workbook(path)
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]


def test_a_void_on_a_later_day_leaves_the_receipt_s_day_and_takes_the_money_back_on_the_void_day(
    ledger: Ledger, tmp_path: Path
) -> None:
    """88.00 taken in cash on 23 November and handed in with that day's 日结; the receipt is voided on the 24th.
    Voiding it would rewrite the 23rd's 日结 to 0 and leave the 24th's without the 88.00 paid back: the drawer and
    the paper would disagree.  It is a red reversal instead: the 23rd's 日结 stays as it was, the 24th's has -88.00."""
    from recordkit.billing.arrears import unit_balance
    from recordkit.core.workspace import init_workspace, open_workspace
    from recordkit.reports import monthly_report

    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-11")
    taken = pay(ledger, RECEIPTS, CASHIER, PaymentRequest("1-1-102", 8800, "现金"), today=DAY)
    before = _daily_cells(ledger, DAY, tmp_path / "日结-23-前.xlsx")
    next_day = DAY + dt.timedelta(days=1)

    original, reversal = void_or_reverse(ledger, taken.number, "金额开错", CASHIER, next_day, RECEIPTS)

    assert reversal is not None and (reversal.number, reversal.issued_on) == ("SJ2026-000002", next_day)
    assert (original.status_label, reversal.total_fen, reversal.reverses) == (
        "有效（已红冲，见 SJ2026-000002）",
        -8800,
        taken.number,
    )
    assert _daily_cells(ledger, DAY, tmp_path / "日结-23-后.xlsx") == before
    write_daily(ledger, next_day, tmp_path / "日结-24.xlsx")
    rows = _rows(tmp_path / "日结-24.xlsx")
    labels = {r[0]: r for r in rows if r[0]}
    assert _fen(labels["收款合计"][2]) == -8800
    by_method = rows[[r[0] for r in rows].index("按收款方式") + 2]  # title, headers, the first method
    assert (by_method[0], by_method[1], _fen(by_method[2])) == ("现金", 1, -8800)
    assert _fen(labels["净收款"][2]) == -8800
    assert unit_balance(ledger, "1-1-102", today=next_day) == (MONTHLY["1-1-102"], 0)
    ws = open_workspace(init_workspace(tmp_path / "ws", office="测试物业服务中心", estate="测试小区"), environ={})
    november = monthly_report(ws, ledger, "2026-11", CASHIER, tmp_path / "out", today=dt.date(2026, 12, 1))
    assert (november.figures.fees.total.collected, november.figures.fees.total.billed) == (
        0,
        sum(MONTHLY.values()),
    )


def test_a_void_on_the_receipt_s_day_is_a_void_listed_in_that_day_s_report(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-11")
    taken = pay(ledger, RECEIPTS, CASHIER, PaymentRequest("1-1-102", 8800, "现金"), today=DAY)
    next_day = DAY + dt.timedelta(days=1)

    original, reversal = void_or_reverse(ledger, taken.number, "金额开错", CASHIER, next_day, RECEIPTS, on=DAY)

    assert reversal is None and (original.status_label, original.voided_on) == ("作废", DAY)
    report = write_daily(ledger, DAY, tmp_path / "日结.xlsx")
    assert ([v.number for v in report.voided], report.total_fen) == ([taken.number], 0)


def test_the_money_kept_from_a_deposit_is_listed_apart_and_moves_no_method_s_figures(
    ledger: Ledger, tmp_path: Path
) -> None:
    """2,000.00 deposit taken in cash on 2 November; on the 23rd 1,700.00 paid back by WeChat and 300.00 kept: its
    receipt (收款方式 押金转入) is listed under that method and beside the refund, while the cash and WeChat the
    cashier counts stay what moved: the WeChat takings less the 1,700.00 paid back."""
    small_estate(ledger, tmp_path)
    add_rule(ledger, CASHIER, "装修押金", "oneoff", "2000", "2025-01")
    add_rule(ledger, CASHIER, "装修垃圾清运费", "oneoff", "500", "2025-01")
    bill_months(ledger, "2026-11")
    renovation = _renovation(ledger, "3-2-1201", "2026-11-02")  # receipt SJ2026-000001
    inspect(ledger, CASHIER, renovation.number, "合格", today=DAY)
    refund(ledger, CASHIER, renovation.number, 30000, "墙面修补", today=DAY, method="微信")  # receipt SJ2026-000002
    a = MONTHLY["1-1-101"]
    pay(ledger, RECEIPTS, CASHIER, PaymentRequest("1-1-101", a, "微信"), today=DAY)  # SJ2026-000003

    report = write_daily(ledger, DAY, tmp_path / "日结.xlsx", estate="测试小区")

    assert report.by_method == {"微信": (1, a)}
    assert ([v.number for v in report.kept], report.deposits_kept_fen) == (["SJ2026-000002"], 30000)
    assert report.net_by_method == {"微信": a - 170000}
    assert (report.total_fen, report.refunded_fen, report.net_fen) == (a, 170000, a - 170000)
    rows = _rows(tmp_path / "日结.xlsx")
    firsts = [r[0] for r in rows]
    by_method = rows[firsts.index("按收款方式") + 2 : firsts.index("按收款方式") + 5]
    assert [(r[0], r[1], _fen(r[2])) for r in by_method] == [
        ("微信", 1, a),
        ("合计", 1, a),
        ("押金转入（押金扣款，不计入合计）", 1, 30000),
    ]
    refunded = next(r for r in rows if r[0] == renovation.number)
    assert (refunded[1], _fen(refunded[2]), refunded[3], refunded[4]) == ("3-2-1201", 170000, "微信", CASHIER)
    title = "装修押金扣款（收款方式 押金转入：押金转为收入，不经过现金，不计入收款合计）"
    kept = rows[firsts.index(title) + 2]
    assert (kept[0], kept[1], kept[2], _fen(kept[3]), kept[4], kept[5]) == (
        "SJ2026-000002",
        renovation.number,
        "3-2-1201",
        30000,
        "装修押金扣款（墙面修补）",
        CASHIER,
    )
    netting = rows[firsts.index("按收款方式轧差（现金应存、各平台应到账）") + 2 :][:2]
    assert [(r[0], *(_fen(v) for v in r[1:4])) for r in netting] == [
        ("微信", a, 170000, a - 170000),
        ("合计", a, 170000, a - 170000),
    ]
    labels = {r[0]: r for r in rows if r[0]}
    assert [_fen(labels[label][2]) for label in ("收款合计", "押金退还", "押金扣款（不计入收款合计）", "净收款")] == [
        a,
        170000,
        30000,
        a - 170000,
    ]
    detail = load_workbook(tmp_path / "日结.xlsx")["收据明细"]
    assert ("SJ2026-000002", "3-2-1201", Decimal("300"), "押金转入", "有效") in [
        (r[0].value, r[1].value, Decimal(str(r[3].value)), r[4].value, r[6].value) for r in detail.iter_rows(min_row=2)
    ]
