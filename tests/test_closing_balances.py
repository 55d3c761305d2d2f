"""Closing balances (结账余额): closing a month stores what each bill still lacks at its end, and the
monthly report starts from them.  The report's arrears from the balances equal those from the whole
history and an account of the estate kept by this test (each unit: bills of the months so far less
the money it handed over by the month's end), and what `fees arrears --as-of` and the 对账单 say
at the month's end; balances are stored only when every earlier month is closed, and not used
when a bill or payment is later dated before them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from recordkit.billing.accounts import unit_account
from recordkit.billing.arrears import list_arrears
from recordkit.billing.balances import balance_base
from recordkit.billing.bills import bill_month
from recordkit.billing.closing import close_month
from recordkit.billing.receipts import PaymentRequest, pay, void_or_reverse
from recordkit.core.dates import Month
from recordkit.core.workspace import Workspace, init_workspace, open_workspace
from recordkit.ledger.db import Ledger
from recordkit.ledger.schema import closed_months, closing_balances, receipts, units
from recordkit.reports import figures as report_figures
from recordkit.reports import monthly_report
from recordkit.reports.figures import keep_month_figures, kept_figures, kept_trend, month_figures, owing
from tests.fees_fixtures import CASHIER, MONTHLY, RECEIPTS, an_older_version, small_estate, void_as_older_versions_did

A, B, C, D = (MONTHLY[code] for code in ("1-1-101", "1-1-102", "3-2-1201", "3-2-1202"))
JAN, FEB, MAR, APR, MAY, JUN = (Month(2026, m) for m in range(1, 7))


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    root = init_workspace(tmp_path / "ws", office="测试物业服务中心", estate="测试小区")
    return open_workspace(root, environ={})


def _pay(ledger: Ledger, unit: str, fen: int, day: dt.date) -> str:
    return pay(ledger, RECEIPTS, CASHIER, PaymentRequest(unit, fen, paid_on=day), today=day).number


def _half_year(ledger: Ledger, folder: Path, close_up_to: Month = APR, keep: Any = None) -> None:
    """January to June 2026, each month billed on its 2nd; months closed on the 3rd of the next.

    1-1-101 pays every month on the 10th (May's receipt voided and paid again); 1-1-102 pays two
    months on 15 April and one month and 10 元 on 20 May; 3-2-1201 pays January and February, and
    the February money (a receipt of closed March) is reversed (红冲) on 25 May; 3-2-1202 never pays.
    """
    small_estate(ledger, folder)
    for month in (JAN, FEB, MAR, APR, MAY, JUN):
        bill_month(ledger, str(month), CASHIER, today=month.first_day() + dt.timedelta(days=1))
        if month <= MAY:
            _pay(ledger, "1-1-101", A, month.first_day() + dt.timedelta(days=9))
        if month == JAN:
            _pay(ledger, "3-2-1201", C, dt.date(2026, 1, 10))
        if month == MAR:
            february = _pay(ledger, "3-2-1201", C, dt.date(2026, 3, 5))
        if month == APR:
            _pay(ledger, "1-1-102", 2 * B, dt.date(2026, 4, 15))
        if month == MAY:
            voided = [n for n in _receipts(ledger) if n[1] == dt.date(2026, 5, 10)][0][0]
            void_or_reverse(ledger, voided, "收错了", CASHIER, dt.date(2026, 5, 12), RECEIPTS)
            _pay(ledger, "1-1-101", A, dt.date(2026, 5, 15))
            _pay(ledger, "1-1-102", B + 1000, dt.date(2026, 5, 20))
            _, reversal = void_or_reverse(ledger, february, "退款", CASHIER, dt.date(2026, 5, 25), RECEIPTS)
            assert reversal is not None and reversal.total_fen == -C
        if month - 1 <= close_up_to and month > JAN:
            close_month(ledger, str(month - 1), CASHIER, today=month.first_day() + dt.timedelta(days=2), keep=keep)


def _receipts(ledger: Ledger) -> list[tuple[str, dt.date]]:
    with ledger.read() as conn:
        return [(row.number, row.issued_on) for row in conn.execute(sa.select(receipts.c.number, receipts.c.issued_on))]


def _unit_id(conn: Any, code: str) -> int:
    return int(conn.execute(sa.select(units.c.id).where(units.c.code == code)).scalar_one())


# The estate as this test keeps it: each unit's monthly bill and the money it handed over.
MONEY = {
    "1-1-101": [(dt.date(2026, m, 10), A) for m in range(1, 6)],
    "1-1-102": [(dt.date(2026, 4, 15), 2 * B), (dt.date(2026, 5, 20), B + 1000)],
    "3-2-1201": [(dt.date(2026, 1, 10), C), (dt.date(2026, 3, 5), C), (dt.date(2026, 5, 25), -C)],
    "3-2-1202": [],
}


def expected_owed(month: Month) -> dict[str, tuple[int, int, str]]:
    """Unit -> (fen owed at the month's end, bill months not fully paid, the oldest of them): bills
    from January are paid oldest first, so the months owed are the newest ones the money missed."""
    result = {}
    for unit, monthly in MONTHLY.items():
        months = [m for m in (JAN, FEB, MAR, APR, MAY, JUN) if m <= month]
        paid = sum(fen for day, fen in MONEY[unit] if day <= month.last_day())
        owed = monthly * len(months) - paid
        if owed > 0:
            unpaid = -(-owed // monthly)  # months not fully paid, the newest ones
            result[unit] = (owed, unpaid, str(months[-unpaid]))
    return result


def _cells(path: Path) -> list[list[list[Any]]]:
    """Every cell value of a written report workbook, sheet by sheet (the 说明 sheet left out)."""
    from openpyxl import load_workbook

    return [
        [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in load_workbook(path).worksheets
        if sheet.title != "说明"
    ]


def _figures(ledger: Ledger, ws: Workspace, month: Month, today: dt.date) -> tuple[Any, Any]:
    with ledger.read() as conn:
        return month_figures(conn, [month, month - 1, month - 12], ws.settings, today=today)


@pytest.mark.parametrize(("month", "today"), [(MAY, dt.date(2026, 6, 10)), (APR, dt.date(2026, 6, 10))])
def test_the_report_from_closing_balances_is_the_report_from_the_whole_history(
    ledger: Ledger, ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, month: Month, today: dt.date
) -> None:
    _half_year(ledger, tmp_path)
    with ledger.read() as conn:
        assert [balance_base(conn, m) for m in (month, month - 1, month - 12)] == [
            min(month, APR),
            month - 1,
            None,
        ]
    from_balances = _figures(ledger, ws, month, today)
    monkeypatch.setattr(report_figures, "balance_base", lambda conn, month: None)
    whole_history = _figures(ledger, ws, month, today)
    assert from_balances == whole_history

    (now, previous, _), sums = from_balances
    expected = expected_owed(month)
    assert {line.unit: (line.amount_fen, line.months, line.oldest) for line in now.arrears} == expected
    assert now.fees.arrears_units == len(expected) and previous.fees.arrears_units == len(expected_owed(month - 1))
    assert now.fees.total.arrears == sum(owed for owed, _, _ in expected.values())
    assert previous.fees.total.arrears == sum(owed for owed, _, _ in expected_owed(month - 1).values())
    # The one definition of what is owed, as of the month's last day, says the same per unit.
    as_of = {row.unit: row.amount_fen for row in list_arrears(ledger, month.last_day())}
    assert as_of == {unit: owed for unit, (owed, _, _) in expected.items()}
    for unit in MONTHLY:
        assert unit_account(ledger, unit, month.last_day()).due_now_fen == as_of.get(unit, 0)
    # 收缴率 and the trend do not read the balances: still the month's bills and what paid them.
    billed = sum(MONTHLY.values())
    assert now.fees.total.billed == billed
    assert [point.billed for point in report_figures.collection_trend(sums, month)][-6:] == [0] * (6 - month.month) + [
        billed
    ] * month.month


@pytest.mark.parametrize("month", [MAY, JUN])
def test_the_trend_summed_in_the_whole_history_pass_is_the_trend(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, month: Month
) -> None:
    """Read from the whole history (as with no month closed), the owing pass sums the 12-month trend
    too (voided and reversed money, months without bills and bills paid late included), the same as
    the trend's own query."""
    _half_year(ledger, tmp_path)
    monkeypatch.setattr(report_figures, "balance_base", lambda conn, month: None)
    with ledger.read() as conn:
        folded = owing(conn, [month, month - 1, month - 12], trend_to=month)
        assert folded == owing(conn, [month, month - 1, month - 12])
        assert folded.trend == report_figures._trend(conn, month)
        assert folded.trend[str(month - 11)] == (0, 0) and folded.trend[str(MAY)][0] == sum(MONTHLY.values())
        sums = report_figures.load_fee_ledger(conn, [month, month - 1, month - 12])
        assert sums.trend == report_figures._trend(conn, month)


def test_closing_stores_each_bill_still_owed_at_the_months_end(ledger: Ledger, tmp_path: Path) -> None:
    _half_year(ledger, tmp_path)
    with ledger.read() as conn:
        stored: dict[str, dict[str, int]] = {}
        query = sa.select(closing_balances.c.closed_month, units.c.code, closing_balances.c.owed_fen).join(
            units, units.c.id == closing_balances.c.unit_id
        )
        for closed, code, fen in conn.execute(query):
            stored.setdefault(closed, {})
            stored[closed][code] = stored[closed].get(code, 0) + fen
        since = dict(conn.execute(sa.select(closed_months.c.month, closed_months.c.balances_since)).all())
    assert since == {str(m): "2026-01" for m in (JAN, FEB, MAR, APR)}
    assert stored == {
        str(m): {unit: owed for unit, (owed, _, _) in expected_owed(m).items()} for m in (JAN, FEB, MAR, APR)
    }


def test_a_month_closed_before_an_open_one_stores_no_balances(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    for month in (JAN, FEB):
        bill_month(ledger, str(month), CASHIER, today=month.first_day())
    with an_older_version():  # closed out of order, as older versions allowed: January stays open
        close_month(ledger, "2026-02", CASHIER, today=dt.date(2026, 3, 3))
    with ledger.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(closing_balances)).scalar() == 0
        assert balance_base(conn, FEB) is None
    # Closing January later does not make February's figures stored ones: they were not kept.
    close_month(ledger, "2026-01", CASHIER, today=dt.date(2026, 3, 3))
    with ledger.read() as conn:
        assert balance_base(conn, FEB) == JAN
        assert owing(conn, [FEB]) == owing(conn, [FEB], from_balances=False)
        assert owing(conn, [FEB]).by_unit[_unit_id(conn, "1-1-101")][0] == (2 * A,)


def test_balances_are_not_used_once_something_is_dated_before_them(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    bill_month(ledger, "2026-01", CASHIER, today=dt.date(2026, 1, 2))
    close_month(ledger, "2026-01", CASHIER, today=dt.date(2026, 2, 3))
    with ledger.read() as conn:
        assert balance_base(conn, FEB) == JAN
    # December 2025 was never closed: an older version billed it, and January's stored figures miss it.
    with an_older_version():
        bill_month(ledger, "2025-12", CASHIER, today=dt.date(2026, 2, 5))
    with ledger.read() as conn:
        assert balance_base(conn, FEB) is None
        assert owing(conn, [JAN]).by_unit == owing(conn, [JAN], from_balances=False).by_unit
        assert owing(conn, [JAN]).by_unit[_unit_id(conn, "1-1-101")][0] == (2 * A,)


def test_the_written_report_is_the_same_from_balances(
    ledger: Ledger, ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _half_year(ledger, tmp_path)
    today = dt.date(2026, 6, 10)
    fast = monthly_report(ws, ledger, "2026-05", CASHIER, tmp_path / "fast", today=today)
    monkeypatch.setattr(report_figures, "balance_base", lambda conn, month: None)
    slow = monthly_report(ws, ledger, "2026-05", CASHIER, tmp_path / "slow", today=today)
    assert fast.figures == slow.figures and fast.previous == slow.previous
    assert _cells(fast.workbook) == _cells(slow.workbook)
    rows = {row[0]: row[1] for sheet in _cells(fast.workbook) for row in sheet if row}
    owed = expected_owed(MAY)
    assert rows["月末欠费户数"] == len(owed) == 3
    assert round(rows["月末欠费余额"] * 100) == sum(fen for fen, _, _ in owed.values())


def _computed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The report computes every month from the ledger: no closing balances, no kept figures."""
    monkeypatch.setattr(report_figures, "balance_base", lambda conn, month: None)
    monkeypatch.setattr(report_figures, "kept_figures", lambda conn, months: {})
    monkeypatch.setattr(report_figures, "kept_trend", lambda conn, last: {})


@pytest.mark.parametrize(("month", "today"), [(MAY, dt.date(2026, 6, 10)), (APR, dt.date(2026, 6, 10))])
def test_the_figures_kept_at_closing_are_the_figures_computed(
    ledger: Ledger, ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, month: Month, today: dt.date
) -> None:
    _half_year(ledger, tmp_path, keep=keep_month_figures)
    with ledger.read() as conn:
        assert set(kept_figures(conn, [month, month - 1, month - 12])) == {m for m in (month, month - 1) if m <= APR}
        assert set(kept_trend(conn, month)) == {str(m) for m in (JAN, FEB, MAR, APR) if m <= month}
    kept = _figures(ledger, ws, month, today)
    _computed(monkeypatch)
    computed = _figures(ledger, ws, month, today)
    assert kept[0] == computed[0]
    assert report_figures.collection_trend(kept[1], month) == report_figures.collection_trend(computed[1], month)
    (now, _, _), _ = kept
    expected = expected_owed(month)
    assert {line.unit: (line.amount_fen, line.months, line.oldest) for line in now.arrears} == expected


def test_the_written_report_is_the_same_from_kept_figures(
    ledger: Ledger, ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _half_year(ledger, tmp_path, close_up_to=MAY, keep=keep_month_figures)
    today = dt.date(2026, 6, 10)
    kept = monthly_report(ws, ledger, "2026-05", CASHIER, tmp_path / "kept", today=today)
    _computed(monkeypatch)
    computed = monthly_report(ws, ledger, "2026-05", CASHIER, tmp_path / "computed", today=today)
    assert kept.figures == computed.figures and kept.previous == computed.previous
    assert _cells(kept.workbook) == _cells(computed.workbook)


def test_kept_figures_are_not_used_once_something_is_dated_before_them(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    bill_month(ledger, "2026-01", CASHIER, today=dt.date(2026, 1, 2))
    close_month(ledger, "2026-01", CASHIER, today=dt.date(2026, 2, 3), keep=keep_month_figures)
    with ledger.read() as conn:
        assert set(kept_figures(conn, [JAN])) == {JAN} and set(kept_trend(conn, FEB)) == {"2026-01"}
    with an_older_version():  # December 2025 was never closed
        bill_month(ledger, "2025-12", CASHIER, today=dt.date(2026, 2, 5))
    with ledger.read() as conn:
        assert kept_figures(conn, [JAN]) == {} and kept_trend(conn, FEB) == {}


def test_a_receipt_voided_after_its_month_ended_counts_on_no_day_before_or_after_closing(
    ledger: Ledger, ws: Workspace, tmp_path: Path
) -> None:
    """A receipt of 20 April voided on 10 May, April not yet closed (a correction, as older versions allowed): April's report, the
    arrears as of 30 April and the account as of that day all say 1-1-101 owes March and April, before
    April is closed and after, when its figures are read back from what closing kept."""
    small_estate(ledger, tmp_path)
    for month in (MAR, APR):
        bill_month(ledger, str(month), CASHIER, today=month.first_day() + dt.timedelta(days=1))
    wrong = _pay(ledger, "1-1-101", 2 * A, dt.date(2026, 4, 20))
    void_as_older_versions_did(ledger, wrong, dt.date(2026, 5, 10))
    _pay(ledger, "1-1-102", 2 * B, dt.date(2026, 4, 21))
    expected = {"1-1-101": 2 * A, "3-2-1201": 2 * C, "3-2-1202": 2 * D}

    def april() -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
        (now, _, _), _ = _figures(ledger, ws, APR, dt.date(2026, 5, 15))
        as_of = {row.unit: row.amount_fen for row in list_arrears(ledger, APR.last_day())}
        accounts = {unit: unit_account(ledger, unit, APR.last_day()).due_now_fen for unit in MONTHLY}
        return {line.unit: line.amount_fen for line in now.arrears}, as_of, accounts

    report, as_of, accounts = april()
    assert report == as_of == expected
    assert accounts == {unit: expected.get(unit, 0) for unit in MONTHLY}
    for month in (MAR, APR):
        close_month(ledger, str(month), CASHIER, today=dt.date(2026, 5, 12), keep=keep_month_figures)
    with ledger.read() as conn:
        assert kept_figures(conn, [APR]) != {}
    assert april() == (report, as_of, accounts)
