"""The fee register (收费台账) and the daily cash report (日结) as a cashier opens them in Excel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from recordkit.billing import registers
from recordkit.billing.arrears import list_arrears
from recordkit.billing.closing import close_month
from recordkit.billing.receipts import PaymentRequest, pay, pay_many, void_or_reverse, void_receipt
from recordkit.billing.registers import daily_report, write_daily, write_register
from recordkit.billing.rules import set_rule
from recordkit.ledger.db import Ledger
from recordkit.owners.roster import import_owners
from tests.conftest import write_sheet
from tests.fees_fixtures import CASHIER, DAY, MONTHLY, RECEIPTS, bill_months, small_estate
from tests.one_moment import HEADERS, ZHANG_WEI, an_import_before


def _cell(value: object) -> object:
    """A cell as the clerk reads it: Excel keeps numbers as doubles; their shortest form is what shows."""
    return Decimal(str(value)) if isinstance(value, int | float) and not isinstance(value, bool) else value


@pytest.fixture
def day_of_work(ledger: Ledger, tmp_path: Path) -> Ledger:
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-10", "2026-11")
    pay_many(
        ledger,
        RECEIPTS,
        CASHIER,
        [
            PaymentRequest("1-1-101", 2 * MONTHLY["1-1-101"], "微信", paid_on=DAY),  # Oct and Nov in full
            PaymentRequest("3-2-1201", 50000, "现金", paid_on=DAY),  # Oct, then part of Nov
            PaymentRequest("1-1-102", 30000, "现金", paid_on=dt.date(2026, 11, 22)),  # the day before: Oct
            PaymentRequest("1-1-102", 12345, "POS", paid_on=DAY),  # voided below
        ],
    )
    pay_many(ledger, RECEIPTS, "李会计", [PaymentRequest("1-1-102", 100000, "银行转账", paid_on=DAY)])
    void_receipt(ledger, "SJ2026-000004", "重复收款", CASHIER, today=DAY)
    return ledger


def test_register_cells_formats_and_totals(day_of_work: Ledger, tmp_path: Path) -> None:
    totals = write_register(day_of_work, "2026-11", tmp_path / "台账.xlsx", estate="测试小区")
    sheet = load_workbook(tmp_path / "台账.xlsx").active
    assert sheet.title == "收费台账2026-11"
    assert sheet["A1"].value == "测试小区2026年11月收费台账"
    assert [sheet.cell(2, c).value for c in (1, 2, 3, 6, 9, *range(12, 18))] == [
        "房号",
        "业主",
        "物业服务费",
        "垃圾清运费",
        "停车费",
        "合计应收",
        "合计实收",
        "本月欠费",
        "往期欠费",
        "月末欠费合计",
        "预收余额",
    ]
    assert [sheet.cell(3, c).value for c in range(3, 12)] == ["应收", "实收", "欠费"] * 3
    rows = {
        sheet.cell(r, 1).value: [_cell(sheet.cell(r, c).value) for c in range(2, 18)]
        for r in range(4, sheet.max_row + 1)
    }
    d = Decimal
    assert rows["1-1-101"] == [
        "张伟",
        d("209.97"),
        d("209.97"),
        d("0"),
        d("10"),
        d("10"),
        d("0"),
        d("150"),
        d("150"),
        d("0"),
        d("369.97"),
        d("369.97"),
        d("0"),
        d("0"),
        d("0"),
        d("0"),
    ]
    # 3-2-1201 paid 500 元: October (347.93) in full, then 152.07 of November's service fee
    assert rows["3-2-1201"][1:4] == [d("337.93"), d("152.07"), d("185.86")]
    assert rows["3-2-1201"][-6:] == [d("347.93"), d("152.07"), d("195.86"), d("0"), d("195.86"), d("0")]
    # 1-1-102: 300 元 the day before (October, then 11.24 of November), 123.45 by POS (voided later),
    # then 1,000 by bank transfer (the rest of November, 154.07, and 845.93 prepaid).  The void
    # reopens 123.45 of November; the prepayment waits for later bills.
    assert rows["1-1-102"][-6:] == [d("288.76"), d("165.31"), d("123.45"), d("0"), d("123.45"), d("845.93")]
    assert rows["3-2-1202"][0] is None and rows["3-2-1202"][1:4] == [d("236.55"), d("0"), d("236.55")]
    assert rows["合计"][-6:] == [
        d(totals.billed_fen).scaleb(-2),
        d(totals.collected_fen).scaleb(-2),
        d(totals.arrears_fen).scaleb(-2),
        d(totals.earlier_arrears_fen).scaleb(-2),
        d(totals.owed_fen).scaleb(-2),
        d(totals.prepayment_fen).scaleb(-2),
    ]
    assert totals.billed_fen == sum(MONTHLY.values())
    assert totals.collected_fen == 36997 + 15207 + 16531
    assert totals.billed_fen - totals.collected_fen == totals.arrears_fen
    assert sheet.cell(4, 3).number_format == "#,##0.00"
    assert sheet.freeze_panes == "C4"
    assert sheet.print_title_rows == "$2:$3"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1


def test_the_registers_arrears_are_the_arrears_lists_at_the_months_end(ledger: Ledger, tmp_path: Path) -> None:
    """Money and paper agree: a unit's 月末欠费合计 in the register is what ``fees arrears --as-of`` the
    month's last day says, earlier months included — whether read from closing balances or not, after a
    red reversal, and for a unit with no bill that month (the vacant 3-2-1202 pays nothing from November)."""
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-09", "2026-10")
    set_rule(ledger, CASHIER, "物业服务费", "2026-11", vacant_percent=0)
    bill_months(ledger, "2026-11")
    october = dt.date(2026, 10, 20)
    pay_many(
        ledger,
        RECEIPTS,
        CASHIER,
        [
            PaymentRequest("1-1-101", MONTHLY["1-1-101"] + 5000, "现金", paid_on=october),  # September and a bit
            PaymentRequest("3-2-1201", 3 * MONTHLY["3-2-1201"], "微信", paid_on=october),  # all three months
        ],
    )
    for month in ("2026-09", "2026-10"):
        close_month(ledger, month, CASHIER, today=DAY)
    # 3-2-1201's October receipt is undone by a red reversal on 23 November: it owes all three months again.
    void_or_reverse(ledger, "SJ2026-000002", "金额开错", CASHIER, today=DAY)
    pay_many(ledger, RECEIPTS, CASHIER, [PaymentRequest("1-1-102", 10000, "现金", paid_on=DAY)])
    for month, last_day in (("2026-10", dt.date(2026, 10, 31)), ("2026-11", dt.date(2026, 11, 30))):
        totals = write_register(ledger, month, tmp_path / f"{month}.xlsx")
        sheet = load_workbook(tmp_path / f"{month}.xlsx").active
        owed = {
            sheet.cell(r, 1).value: (_cell(sheet.cell(r, sheet.max_column - 1).value)) for r in range(4, sheet.max_row)
        }
        expected = {row.unit: Decimal(row.amount_fen).scaleb(-2) for row in list_arrears(ledger, last_day)}
        assert {unit: fen for unit, fen in owed.items() if fen} == expected, month
        assert totals.owed_fen == sum(row.amount_fen for row in list_arrears(ledger, last_day))
    # Worked by hand for 30 November: 1-1-101 paid September and 50.00 of October's 209.97 property fee.
    assert expected["1-1-101"] == Decimal("159.97") + 1000 / Decimal(100) + 150 + Decimal(MONTHLY["1-1-101"]) / 100
    assert expected["3-2-1201"] == 3 * Decimal(MONTHLY["3-2-1201"]) / 100
    assert expected["3-2-1202"] == 2 * Decimal("236.55")  # September and October only
    assert "3-2-1202" in owed and totals.earlier_arrears_fen > 0


def test_daily_report_by_method_and_cashier_with_voided_apart(day_of_work: Ledger, tmp_path: Path) -> None:
    report = write_daily(day_of_work, DAY, tmp_path / "日结.xlsx", estate="测试小区")
    assert report.by_method == {"现金": (1, 50000), "微信": (1, 73994), "银行转账": (1, 100000)}
    assert report.by_cashier == {CASHIER: (2, 123994), "李会计": (1, 100000)}
    assert (report.count, report.total_fen) == (3, 223994)
    assert [v.number for v in report.voided] == ["SJ2026-000004"]
    book = load_workbook(tmp_path / "日结.xlsx")
    summary = book["日结汇总"]
    cells = [[_cell(cell.value) for cell in row] for row in summary.iter_rows()]
    assert cells[0][0] == "测试小区收费日结　2026年11月23日"
    assert ["现金", 1, Decimal("500"), None, None, None] in cells
    assert ["微信", 1, Decimal("739.94"), None, None, None] in cells
    assert ["银行转账", 1, Decimal("1000"), None, None, None] in cells
    assert ["合计", 3, Decimal("2239.94"), None, None, None] in cells
    assert ["李会计", 1, Decimal("1000"), None, None, None] in cells
    assert ["SJ2026-000004", "2026-11-23", "1-1-102", Decimal("123.45"), "重复收款", CASHIER] in cells
    assert ["有效收据", 3, Decimal("2239.94"), None, None, None] in cells
    assert ["作废收据", 1, Decimal("123.45"), None, None, None] in cells
    assert summary.freeze_panes == "A2"
    detail = book["收据明细"]
    assert [c.value for c in detail[1]] == [
        "收据编号",
        "房号",
        "交款人",
        "金额（元）",
        "收款方式",
        "收款人",
        "状态",
        "作废原因",
    ]
    numbers = [(row[0].value, row[6].value) for row in detail.iter_rows(min_row=2)]
    assert numbers == [
        ("SJ2026-000001", "有效"),
        ("SJ2026-000002", "有效"),
        ("SJ2026-000004", "作废"),
        ("SJ2026-000005", "有效"),
    ]
    assert detail["D2"].number_format == "#,##0.00" and detail.freeze_panes == "A2"
    assert detail.print_title_rows == "$1:$1"


def test_a_day_without_receipts(day_of_work: Ledger) -> None:
    report = daily_report(day_of_work, dt.date(2026, 11, 1))
    assert (report.count, report.total_fen, report.voided) == (0, 0, [])


def _owner_cells(path: Path) -> dict[str, object]:
    sheet = load_workbook(path).active
    return {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(4, sheet.max_row)}


def test_the_registers_owners_are_one_moment_of_the_ledger(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The register read the co-owners, then the rows they label in another read: a roster import committed between
    them wrote 李娜、王芳 in 1-1-101's 业主 cell — its new owner beside the old co-owner, whom no one ever wrote beside
    her.  The names are read in the read transaction of the rows (here all of after the import), on SQLite as on
    PostgreSQL; the money is what it was."""
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-10", "2026-11")
    imported = an_import_before(ledger, tmp_path, monkeypatch, registers, "load_items")
    totals = write_register(ledger, "2026-11", tmp_path / "台账.xlsx")
    assert imported == [True]
    assert _owner_cells(tmp_path / "台账.xlsx")["1-1-101"] == "李娜、赵磊"
    assert totals.billed_fen == sum(MONTHLY.values()) and totals.earlier_arrears_fen == sum(MONTHLY.values())


def test_a_unit_without_a_bill_that_month_names_all_its_owners(ledger: Ledger, tmp_path: Path) -> None:
    """A unit on the register for its earlier arrears alone (nothing billed that month) had its first owner only in
    the 业主 cell (张伟), where a unit billed that month had every owner of record (张伟、王芳)."""
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-10")
    rows = [["1", "1", "101", 89.35, "张伟", "13812345678", ZHANG_WEI, None, "已入住", "业主"]]
    rows.append(["1", "1", "101", None, "王芳", None, None, None, None, "共有人"])
    import_owners(ledger, write_sheet(tmp_path / "共有人.xlsx", rows, HEADERS), CASHIER)
    write_register(ledger, "2026-11", tmp_path / "台账.xlsx")
    assert _owner_cells(tmp_path / "台账.xlsx") == {
        "1-1-101": "张伟、王芳",
        "1-1-102": "李秀英",
        "3-2-1201": "李秀英",
        "3-2-1202": None,
    }


def _rows(path: Path, sheet: str) -> list[list[object]]:
    """A sheet's rows as the clerk reads them, empty cells at a row's end left off."""
    rows = []
    for row in load_workbook(path)[sheet].iter_rows(values_only=True):
        values = [_cell(value) for value in row]
        while values and values[-1] is None:
            values.pop()
        rows.append(values)
    return rows


def test_receipts_voided_on_a_later_day_by_an_older_version_are_read_on_their_days(
    ledger: Ledger, tmp_path: Path
) -> None:
    """Older versions voided a receipt on a later day than it was issued (now a red reversal): such a ledger is read
    as documented (docs/figures.md) — a voided receipt's money counts on no day; the receipt is listed on the day and
    in the month it was issued (开具, 作废), its void on the day and in the month it was voided (当日作废, 本月作废);
    the month's 收款合计 is the sum of its days'.  The figures are worked out by hand."""
    from recordkit.core.workspace import init_workspace, open_workspace
    from recordkit.reports import monthly_report
    from tests.fees_fixtures import void_as_older_versions_did

    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-10", "2026-11")
    for unit, fen, method, day in (
        ("1-1-102", 30000, "现金", dt.date(2026, 11, 22)),  # SJ2026-000001
        ("3-2-1201", 20000, "微信", dt.date(2026, 11, 22)),  # SJ2026-000002, voided on 23 November
        ("1-1-101", 15000, "现金", dt.date(2026, 11, 23)),  # SJ2026-000003
        ("1-1-101", 5000, "POS", dt.date(2026, 11, 30)),  # SJ2026-000004, voided on 1 December
    ):
        pay(ledger, RECEIPTS, CASHIER, PaymentRequest(unit, fen, method, paid_on=day), today=day)
    void_as_older_versions_did(ledger, "SJ2026-000002", dt.date(2026, 11, 23), "金额开错")
    void_as_older_versions_did(ledger, "SJ2026-000004", dt.date(2026, 12, 1), "重复收款")

    def daily(day: str) -> list[list[object]]:
        path = tmp_path / f"日结-{day}.xlsx"
        write_daily(ledger, dt.date.fromisoformat(day), path)
        return _rows(path, "日结汇总") + [["明细", *row] for row in _rows(path, "收据明细")[1:]]

    second = daily("2026-11-22")
    assert ["合计", 1, Decimal(300)] in second and ["收款合计", None, Decimal(300)] in second
    assert ["作废收据", 0, Decimal(0)] in second
    assert [row[:2] + row[7:] for row in second if row[:1] == ["明细"]] == [
        ["明细", "SJ2026-000001", "有效"],
        ["明细", "SJ2026-000002", "作废", "金额开错"],
    ]
    third = daily("2026-11-23")
    assert ["合计", 1, Decimal(150)] in third and ["收款合计", None, Decimal(150)] in third
    assert ["SJ2026-000002", "2026-11-22", "3-2-1201", Decimal(200), "金额开错", CASHIER] in third
    assert ["作废收据", 1, Decimal(200)] in third
    assert [row[:2] for row in third if row[:1] == ["明细"]] == [["明细", "SJ2026-000003"]]
    last = daily("2026-11-30")
    assert ["合计", 0, Decimal(0)] in last and ["作废收据", 0, Decimal(0)] in last
    assert [row[:2] + row[7:8] for row in last if row[:1] == ["明细"]] == [["明细", "SJ2026-000004", "作废"]]
    december = daily("2026-12-01")
    assert ["合计", 0, Decimal(0)] in december
    assert ["SJ2026-000004", "2026-11-30", "1-1-101", Decimal(50), "重复收款", CASHIER] in december
    assert ["作废收据", 1, Decimal(50)] in december

    ws = open_workspace(init_workspace(tmp_path / "ws", office="测试物业服务中心", estate="测试小区"), environ={})

    def report(month: str) -> tuple[list[list[object]], list[list[object]]]:
        made = monthly_report(ws, ledger, month, CASHIER, tmp_path / month, today=dt.date(2026, 12, 5))
        return _rows(made.workbook, "概览"), _rows(made.workbook, "收据")

    def this_month(overview: list[list[object]], name: str) -> object:
        """The overview's 本月 column of the indicator ``name``."""
        return next(row[1] for row in overview if row[:1] == [name])

    overview, receipts_sheet = report("2026-11")
    assert [this_month(overview, name) for name in ("本月收款合计", "开具收据（张）", "作废收据（张）")] == [450, 4, 1]
    assert ["本月开具（含其后作废的）", 4, Decimal(700)] in receipts_sheet
    assert ["其中仍有效", 2, Decimal(450)] in receipts_sheet
    assert ["本月作废", 1, Decimal(200)] in receipts_sheet
    assert [
        "SJ2026-000002",
        "2026-11-22",
        "3-2-1201",
        Decimal(200),
        "金额开错",
        CASHIER,
        "2026-11-23",
    ] in receipts_sheet
    overview, receipts_sheet = report("2026-12")
    assert [this_month(overview, name) for name in ("本月收款合计", "开具收据（张）", "作废收据（张）")] == [0, 0, 1]
    assert ["本月开具（含其后作废的）", 0, Decimal(0)] in receipts_sheet
    assert ["本月作废", 1, Decimal(50)] in receipts_sheet
    assert ["SJ2026-000004", "2026-11-30", "1-1-101", Decimal(50), "重复收款", CASHIER, "2026-12-01"] in receipts_sheet
