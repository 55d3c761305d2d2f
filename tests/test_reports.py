"""The monthly report: a ledger with known bills, payments (partial, prepaid, arrears paid off,
voided), deposits, renovations, archive items, loans and work orders; the .xlsx opened and every
total recomputed with plain SQL, to the fen; the .docx sentences read word for word."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook

from recordkit.billing.receipts import PaymentRequest, pay, void_receipt
from recordkit.billing.registers import write_register
from recordkit.billing.rules import add_rule
from recordkit.core.config import RenovationSettings, WorkOrderSettings
from recordkit.core.dates import Month
from recordkit.core.errors import ValidationError
from recordkit.core.workspace import Workspace, init_workspace, open_workspace
from recordkit.ledger.db import Ledger
from recordkit.ledger.schema import archive_items, archive_loans
from recordkit.renovations.inspection import inspect
from recordkit.renovations.refund import refund
from recordkit.renovations.registration import RegistrationRequest
from recordkit.renovations.registration import register as register_renovation
from recordkit.reports import check_month, monthly_report
from recordkit.reports.workbook import SHEETS
from recordkit.workorders import orders as workorders
from recordkit.workorders.orders import WorkOrderRecord
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.fees_fixtures import CASHIER, RECEIPTS, bill_months, small_estate

OCT = "2026-10"
TODAY = dt.date(2026, 12, 1)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _pay(ledger: Ledger, unit: str, fen: int, day: str, bills: frozenset[int] | None = None) -> str:
    return pay(ledger, RECEIPTS, CASHIER, PaymentRequest(unit, fen, bills=bills), today=d(day)).number


def _renovation(ledger: Ledger, unit: str, day: str) -> Any:
    request = RegistrationRequest(
        unit, "安居装饰工程有限公司", "王强", "13600001111", day, "2026-12-31", "8:00-12:00,14:00-18:00", "水电改造"
    )
    found = register_renovation(ledger, RenovationSettings(), CASHIER, request, today=d(day))
    _pay(
        ledger, unit, found.deposit_fen + found.waste_fen, day, frozenset({found.deposit_bill_id, found.waste_bill_id})
    )
    return found


def archive_row(number: int, category: str, filed_at: str) -> dict[str, Any]:
    """An archive item's row as filing writes it (unit 1-1-101, YZ-2026-<number>), filed at ``filed_at``."""
    return {
        "id": number,
        "archive_no": f"YZ-2026-{number:05d}",
        "prefix": "YZ",
        "year": 2026,
        "seq": number,
        "category": category,
        "unit": "1-1-101",
        "title": f"档案{number}",
        "size": 100,
        "sha256": f"{number:064d}",
        "path": f"records/archive/{number}.pdf",
        "original_name": f"{number}.pdf",
        "source": f"{number}.pdf",
        "source_mtime_ns": 0,
        "retention": "永久",
        "filed_by": CASHIER,
        "filed_at": filed_at,
    }


def _archive(ledger: Ledger) -> None:
    items = []
    for number, (category, filed_at) in enumerate(
        [
            ("业主档案", "2026-10-09T10:00:00+08:00"),
            ("业主档案", "2026-10-20T16:30:00+08:00"),
            ("工程档案", "2026-10-31T23:00:00+08:00"),
            ("工程档案", "2026-09-30T09:00:00+08:00"),
        ],
        start=1,
    ):
        items.append(archive_row(number, category, filed_at))
    loans = [
        {
            "item_id": 1,
            "borrower": "赵敏",
            "due": d("2026-10-20"),
            "lent_on": d("2026-10-05"),
            "lent_by": CASHIER,
            "lent_at": "2026-10-05T09:00:00+08:00",
            "returned_at": None,
            "returned_by": None,
        },
        {
            "item_id": 2,
            "borrower": "钱进",
            "due": d("2026-11-30"),
            "lent_on": d("2026-10-06"),
            "lent_by": CASHIER,
            "lent_at": "2026-10-06T09:00:00+08:00",
            "returned_at": "2026-10-09T10:00:00+08:00",
            "returned_by": CASHIER,
        },
    ]
    with ledger.write() as conn:
        conn.execute(sa.insert(archive_items), items)
        conn.execute(sa.insert(archive_loans), loans)


def _workorders(ledger: Ledger) -> None:
    def at(text: str) -> dt.datetime:
        return dt.datetime.fromisoformat(text)

    records = [
        WorkOrderRecord(
            "报修",
            "水电",
            "卫生间漏水",
            at("2026-10-03 09:00"),
            unit="1-1-101",
            assignee="李师傅",
            assigned_at=at("2026-10-03 09:30"),
            closed_at=at("2026-10-03 15:00"),
            result="已修复",
            visited_at=at("2026-10-04 10:00"),
            satisfaction="满意",
        ),
        WorkOrderRecord("报修", "水电", "灯不亮", at("2026-10-25 09:00"), unit="3-2-1201"),
        WorkOrderRecord(
            "投诉",
            "噪音",
            "夜间装修噪音",
            at("2026-10-10 21:00"),
            unit="1-1-102",
            assignee="管家",
            assigned_at=at("2026-10-10 21:10"),
            closed_at=at("2026-10-11 10:00"),
            result="已劝阻",
            visited_at=at("2026-10-12 10:00"),
            satisfaction="不满意",
        ),
        WorkOrderRecord("投诉", "噪音", "又有装修噪音", at("2026-10-15 22:00"), unit="1-1-102"),
        WorkOrderRecord("投诉", "卫生", "楼道垃圾未清", at("2026-10-18 08:00"), place="3栋大堂"),
    ]
    with ledger.write() as conn:
        workorders.add_many(conn, WorkOrderSettings(), CASHIER, records)


def report_estate(ledger: Ledger, folder: Path) -> None:
    """August to October billed for the four sample units (monthly 369.97, 288.76, 347.93, 236.55 元)."""
    small_estate(ledger, folder)
    add_rule(ledger, CASHIER, "装修押金", "oneoff", "2000", "2025-01")
    add_rule(ledger, CASHIER, "装修垃圾清运费", "oneoff", "500", "2025-01")
    bill_months(ledger, "2026-08", "2026-09", "2026-10")
    _pay(ledger, "1-1-101", 36997, "2026-08-10")
    _pay(ledger, "1-1-101", 36997, "2026-09-10")
    _pay(ledger, "1-1-101", 2 * 36997, "2026-10-10")  # October and one month prepaid
    _pay(ledger, "1-1-102", 2 * 28876 + 10000, "2026-10-15")  # August and September paid off, October in part
    _pay(ledger, "3-2-1201", 34793, "2026-08-20")
    wrong = _pay(ledger, "3-2-1201", 34793, "2026-10-20")
    void_receipt(ledger, wrong, "金额录错", CASHIER, today=d("2026-10-20"))
    _pay(ledger, "3-2-1201", 20000, "2026-10-21")  # September in part
    first = _renovation(ledger, "1-1-102", "2026-10-16")
    inspect(ledger, CASHIER, first.number, "合格", today=d("2026-10-28"))
    refund(ledger, CASHIER, first.number, 20000, "墙面损坏修复", today=d("2026-10-30"))
    _renovation(ledger, "3-2-1201", "2026-10-22")
    _archive(ledger)
    _workorders(ledger)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    root = init_workspace(tmp_path / "ws", office="测试物业服务中心", estate="测试小区")
    return open_workspace(root, environ={})


@pytest.fixture
def estate(ledger: Ledger, tmp_path: Path) -> Ledger:
    report_estate(ledger, tmp_path)
    return ledger


def fen(cell: Any) -> int:
    assert isinstance(cell.value, (int, float, Decimal)), cell.coordinate
    assert cell.number_format == "#,##0.00", cell.coordinate
    return int((Decimal(str(cell.value)) * 100).to_integral_value())


def rows_of(sheet: Any) -> dict[str, list[Any]]:
    """First-column label -> the row's cells (the first occurrence)."""
    found: dict[str, list[Any]] = {}
    for row in sheet.iter_rows():
        if row[0].value is not None:
            found.setdefault(str(row[0].value), list(row))
    return found


def sql(ledger: Ledger, text: str, **params: Any) -> int:
    with ledger.read() as conn:
        return int(conn.execute(sa.text(text), params).scalar() or 0)


DEPOSITS = "(SELECT deposit_bill_id FROM renovations WHERE deposit_bill_id IS NOT NULL)"
VALID = "p.voided = false"


def test_a_deduction_refunded_without_a_receipt_by_an_older_version_is_still_in_its_month(
    estate: Ledger, ws: Workspace, tmp_path: Path
) -> None:
    """An older version kept the 200.00 of 30 October's refund on no receipt: October's 本月扣除押金 stays 200.00."""
    with estate.write() as conn:
        kept = conn.execute(sa.text("SELECT id, payment_id FROM receipts WHERE lines LIKE '%装修押金扣款%'")).one()
        conn.execute(sa.text("DELETE FROM receipts WHERE id = :r"), {"r": kept.id})
        conn.execute(sa.text("DELETE FROM payments WHERE id = :p"), {"p": kept.payment_id})
    report = monthly_report(ws, estate, OCT, CASHIER, tmp_path / "out", today=TODAY)
    assert fen(rows_of(load_workbook(report.workbook)["装修"])["本月扣除押金"][2]) == 20000


def test_every_total_reconciles_with_the_ledger(estate: Ledger, ws: Workspace, tmp_path: Path) -> None:
    report = monthly_report(ws, estate, OCT, CASHIER, tmp_path / "out", today=TODAY)
    book = load_workbook(report.workbook)
    assert book.sheetnames == list(SHEETS)
    s, e = "2026-10-01", "2026-10-31"
    billed = sql(estate, f"SELECT SUM(amount_fen) FROM bills WHERE month = '2026-10' AND id NOT IN {DEPOSITS}")
    collected = sql(
        estate,
        f"""SELECT SUM(a.amount_fen) FROM allocations a JOIN payments p ON p.id = a.payment_id
        JOIN bills b ON b.id = a.bill_id WHERE b.month = '2026-10' AND {VALID} AND p.paid_on <= :e
        AND b.id NOT IN {DEPOSITS}""",
        e=d(e),
    )
    cleared = sql(
        estate,
        f"""SELECT SUM(a.amount_fen) FROM allocations a JOIN payments p ON p.id = a.payment_id
        JOIN bills b ON b.id = a.bill_id WHERE b.month < '2026-10' AND {VALID} AND p.paid_on BETWEEN :s AND :e
        AND b.id NOT IN {DEPOSITS}""",
        s=d(s),
        e=d(e),
    )
    # Money received: not the 200.00 the refund kept from the deposit (its receipt's 收款方式 押金转入), which came in
    # with the deposit on 16 October.
    received = sql(
        estate,
        f"SELECT SUM(amount_fen) FROM payments p WHERE {VALID} AND method <> '押金转入' AND paid_on BETWEEN :s AND :e",
        s=d(s),
        e=d(e),
    )
    used_now = sql(
        estate,
        f"""SELECT SUM(a.amount_fen) FROM allocations a JOIN payments p ON p.id = a.payment_id
        JOIN bills b ON b.id = a.bill_id WHERE b.month <= '2026-10' AND {VALID} AND p.paid_on BETWEEN :s AND :e""",
        s=d(s),
        e=d(e),
    )
    prepaid = received - used_now
    owed = sql(estate, f"SELECT SUM(amount_fen) FROM bills WHERE month <= '2026-10' AND id NOT IN {DEPOSITS}")
    paid_by_end = sql(
        estate,
        f"""SELECT SUM(a.amount_fen) FROM allocations a JOIN payments p ON p.id = a.payment_id
        JOIN bills b ON b.id = a.bill_id WHERE b.month <= '2026-10' AND {VALID} AND p.paid_on <= :e
        AND b.id NOT IN {DEPOSITS}""",
        e=d(e),
    )
    # The same figures worked out by hand from report_estate.
    assert (billed, collected, cleared, prepaid, owed - paid_by_end) == (224321, 146997, 77752, 36997, 139427)

    overview = rows_of(book["概览"])
    assert [c.value for c in overview["指标"]] == [
        "指标",
        "本月（2026年10月）",
        "上月（2026年9月）",
        "去年同月（2025年10月）",
    ]
    assert fen(overview["应收"][1]) == billed
    assert fen(overview["实收（当期实收）"][1]) == collected
    # 146,997 ÷ 224,321 = 65.53…%, 36,997 ÷ 124,321 = 29.75…% (September, at its month end): cut to the tenth shown.
    assert overview["当期收缴率"][1].value == 0.655
    assert overview["当期收缴率"][1].number_format == "0.0%"
    assert overview["当期收缴率"][2].value == 0.297
    assert overview["当期收缴率"][3].value is None  # nothing billed in October 2025
    assert fen(overview["清欠"][1]) == cleared
    assert fen(overview["预收"][1]) == prepaid
    assert fen(overview["本月收款合计"][1]) == received == 661746
    assert fen(overview["其中装修押金"][1]) == 400000
    assert fen(overview["月末欠费余额"][1]) == owed - paid_by_end
    assert overview["月末欠费户数"][1].value == 3
    assert (overview["开具收据（张）"][1].value, overview["作废收据（张）"][1].value) == (7, 1)
    assert (overview["新登记装修（户）"][1].value, overview["月末在装修（户）"][1].value) == (2, 1)
    assert fen(overview["月末押金结存"][1]) == 200000
    assert overview["受理报修（件）"][1].value == 2
    assert overview["受理投诉（件）"][1].value == 3
    assert overview["按时办结率"][1].value == pytest.approx(1.0)
    assert overview["满意率"][1].value == pytest.approx(0.5)
    assert overview["重复投诉（件）"][1].value == 1
    assert overview["归档（件）"][1].value == 3
    assert overview["月末借出未还（件）"][1].value == 1

    fees_sheet = book["收费汇总"]
    table = rows_of(fees_sheet)
    assert [c.value for c in table["收费项目"]] == [
        "收费项目",
        "应收（元）",
        "实收（元）",
        "当期收缴率",
        "清欠（元）",
        "预收（元）",
        "欠费余额（元）",
    ]
    by_item = {
        name: sql(
            estate,
            f"""SELECT SUM(b.amount_fen) FROM bills b JOIN fee_items i ON i.id = b.item_id
        WHERE b.month = '2026-10' AND i.name = :name AND b.id NOT IN {DEPOSITS}""",
            name=name,
        )
        for name in ("物业服务费", "垃圾清运费", "停车费", "装修垃圾清运费")
    }
    for name, expected in by_item.items():
        assert fen(table[name][1]) == expected, name
    assert "装修押金" not in table
    assert fen(table["预收款"][5]) == prepaid
    total_row = [row for row in fees_sheet.iter_rows() if row[0].value == "合计"]
    assert len(total_row) == 2  # by item and by building
    for row in total_row:
        assert [fen(c) for c in (row[1], row[2], row[4], row[5], row[6])] == [
            billed,
            collected,
            cleared,
            prepaid,
            owed - paid_by_end,
        ]
    for building in ("1", "3"):
        expected = sql(
            estate,
            f"""SELECT SUM(b.amount_fen) FROM bills b JOIN units u ON u.id = b.unit_id
            WHERE b.month = '2026-10' AND u.building = :b AND b.id NOT IN {DEPOSITS}""",
            b=building,
        )
        assert fen(table[building][1]) == expected
    assert fees_sheet.freeze_panes == "A3"
    assert fees_sheet.print_title_rows == "$2:$2"
    assert fees_sheet.page_setup.orientation == "landscape"
    assert fees_sheet.page_setup.paperSize == 9  # A4
    assert fees_sheet.page_setup.fitToWidth == 1 and fees_sheet.sheet_properties.pageSetUpPr.fitToPage
    header_row = next(r[0].row for r in fees_sheet.iter_rows() if r[0].value == "楼栋")
    (chart,) = fees_sheet._charts
    assert chart.series[0].val.numRef.f == f"'收费汇总'!$D${header_row + 1}:$D${header_row + 2}"
    assert chart.series[0].cat.numRef.f == f"'收费汇总'!$A${header_row + 1}:$A${header_row + 2}"

    trend_sheet = book["概览"]
    (line,) = trend_sheet._charts
    months = [
        r
        for r in trend_sheet.iter_rows()
        if isinstance(r[0].value, str) and r[0].value[:2] == "20" and len(r[0].value) == 7
    ]
    assert [r[0].value for r in months] == [str(Month(2026, 10) - k) for k in range(11, -1, -1)]
    first, last = months[0][0].row, months[-1][0].row
    assert line.series[0].val.numRef.f == f"'概览'!$D${first}:$D${last}"
    assert line.series[0].cat.numRef.f == f"'概览'!$A${first}:$A${last}"
    assert fen(months[-1][1]) == billed and fen(months[-1][2]) == collected

    arrears = book["欠费明细"]
    lines = [[c.value for c in row] for row in arrears.iter_rows(min_row=3)]
    assert [(r[1], r[3], r[4], r[5]) for r in lines[:-1]] == [
        ("3-2-1202", None, 3, "2026-08"),
        ("3-2-1201", "139****4321", 2, "2026-09"),
        ("1-1-102", "139****4321", 1, "2026-10"),
    ]
    assert [fen(row[6]) for row in arrears.iter_rows(min_row=3)] == [70965, 49586, 18876, 139427]

    receipts = rows_of(book["收据"])
    assert receipts["本月开具（含其后作废的）"][1].value == 7  # the deposit's deduction's receipt among them
    assert fen(receipts["本月开具（含其后作废的）"][2]) == sql(
        estate,
        "SELECT SUM(p.amount_fen) FROM receipts r JOIN payments p ON p.id = r.payment_id "
        "WHERE r.issued_on BETWEEN :s AND :e",
        s=d(s),
        e=d(e),
    )
    assert fen(receipts["其中仍有效"][2]) == received + 20000
    voided = next(row for row in book["收据"].iter_rows() if row[4].value == "金额录错")
    assert (voided[2].value, fen(voided[3]), voided[5].value, voided[6].value) == (
        "3-2-1201",
        34793,
        CASHIER,
        "2026-10-20",
    )

    reno = rows_of(book["装修"])
    assert fen(reno["本月收取押金"][2]) == 400000
    assert (reno["本月退还押金"][1].value, fen(reno["本月退还押金"][2])) == (1, 180000)
    assert (
        fen(reno["本月扣除押金"][2])
        == 20000
        == sql(
            estate,
            "SELECT SUM(amount_fen) FROM payments WHERE method = '押金转入' AND NOT voided AND paid_on BETWEEN :s AND :e",
            s=d(s),
            e=d(e),
        )
    )
    assert fen(reno["月末押金结存"][2]) == 200000
    assert [row[5].value for row in book["装修"].iter_rows() if str(row[0].value).startswith("ZX")] == [
        "已退押金",
        "装修中",
    ]

    orders = book["工单"]
    table = rows_of(orders)
    assert [c.value for c in table["噪音"][:4]] == ["噪音", 0, 2, 2]
    assert [c.value for c in table["水电"][:4]] == ["水电", 2, 0, 2]
    assert [c.value for c in table["卫生"][:4]] == ["卫生", 0, 1, 1]
    assert sum(r[3].value for r in orders.iter_rows(min_row=3, max_row=5)) == sql(
        estate,
        "SELECT count(*) FROM work_orders WHERE opened_at >= :s AND opened_at < :e",
        s=dt.datetime(2026, 10, 1),
        e=dt.datetime(2026, 11, 1),
    )
    assert table["按时办结率"][1].value == pytest.approx(1.0) and table["按时办结率"][1].number_format == "0.0%"
    assert table["重复投诉（件）"][1].value == 1
    by_kind = {
        (r[0].value, r[1].value): [c.value for c in r[2:9]]
        for r in orders.iter_rows()
        if r[0].value in ("报修", "投诉") and r[1].value
    }
    assert by_kind[("投诉", "噪音")] == [2, 1, 1, 1.0, 1, 0.0, 1]
    assert by_kind[("报修", "水电")] == [2, 1, 1, 1.0, 1, 1.0, 0]
    assert by_kind[("投诉", "卫生")] == [1, 0, 0, None, 0, None, 0]
    assert len(by_kind) == 3
    (bars,) = orders._charts
    assert [s.val.numRef.f for s in bars.series] == ["'工单'!$B$3:$B$5", "'工单'!$C$3:$C$5"]
    assert bars.series[0].cat.numRef.f == "'工单'!$A$3:$A$5"

    archive = rows_of(book["档案"])
    assert (archive["业主档案"][1].value, archive["工程档案"][1].value, archive["合计"][1].value) == (2, 1, 3)
    assert (
        archive["本月借出"][1].value,
        archive["本月归还"][1].value,
        archive["月末借出未还"][1].value,
        archive["其中逾期"][1].value,
    ) == (2, 1, 1, 1)

    notes = rows_of(book["说明"])
    assert notes["当期收缴率"][1].value == (
        "实收 ÷ 应收，保留一位小数，舍去不进位（99.96% 记为 99.9%，收齐才是 100.0%）。没有应收时不计算（显示为空）。"
    )
    for name in book.sheetnames:
        sheet = book[name]
        assert sheet.page_setup.orientation == "landscape", name
        assert sheet.print_title_rows, name
        assert sheet.freeze_panes, name


def test_the_register_and_the_report_agree(estate: Ledger, ws: Workspace, tmp_path: Path) -> None:
    report = monthly_report(ws, estate, OCT, CASHIER, tmp_path / "out", today=TODAY)
    register = write_register(estate, OCT, tmp_path / "台账.xlsx")
    total = report.figures.fees.total
    # No money came in after October for October's bills: paid by month end is paid to date.
    assert (register.billed_fen, register.collected_fen, register.arrears_fen) == (
        total.billed,
        total.collected,
        total.billed - total.collected,
    )


def test_money_after_the_month_is_in_neither_the_register_nor_the_report(
    estate: Ledger, ws: Workspace, tmp_path: Path
) -> None:
    """3-2-1201 pays October's 347.93 on 5 November: October's register and report both still count October's
    bills as at 31 October (as the README says), and November's report has it as 清欠."""
    before = monthly_report(ws, estate, OCT, CASHIER, tmp_path / "before", today=TODAY).figures.fees.total
    _pay(estate, "3-2-1201", 34793, "2026-11-05", _bill_ids(estate, "3-2-1201", OCT))
    report = monthly_report(ws, estate, OCT, CASHIER, tmp_path / "out", today=TODAY)
    register = write_register(estate, OCT, tmp_path / "台账.xlsx")
    total = report.figures.fees.total
    assert (total.billed, total.collected) == (before.billed, before.collected)
    assert (register.billed_fen, register.collected_fen) == (total.billed, total.collected)
    november = monthly_report(ws, estate, "2026-11", CASHIER, tmp_path / "nov", today=TODAY).figures.fees.total
    assert november.cleared == 34793


def _bill_ids(ledger: Ledger, unit: str, month: str) -> frozenset[int]:
    """The unit's bills of the month (物业服务费 and 垃圾清运费: 347.93 for 3-2-1201)."""
    with ledger.read() as conn:
        return frozenset(
            conn.execute(
                sa.text(
                    "SELECT b.id FROM bills b JOIN units u ON u.id = b.unit_id WHERE u.code = :unit AND b.month = :month"
                ),
                {"unit": unit, "month": month},
            ).scalars()
        )


def test_a_red_reversal_is_on_the_receipts_sheet_of_its_month(estate: Ledger, ws: Workspace, tmp_path: Path) -> None:
    """A receipt of closed October undone on 3 November: November's 收据 sheet lists the red reversal (as
    `receipt list` and the day's 日结 do), counted in what was issued and is valid, its amount negative."""
    from recordkit.billing.closing import close_month
    from recordkit.billing.receipts import void_or_reverse

    original = _pay(estate, "3-2-1201", 5000, "2026-10-25")
    for month in ("2026-08", "2026-09", OCT):  # in order
        close_month(estate, month, CASHIER, today=d("2026-11-02"))
    _, reversal = void_or_reverse(estate, original, "交款人姓名写错", CASHIER, today=d("2026-11-03"))
    assert reversal is not None
    _pay(estate, "1-1-101", 10000, "2026-11-04")
    report = monthly_report(ws, estate, "2026-11", CASHIER, tmp_path / "out", today=TODAY)
    sheet = load_workbook(report.workbook)["收据"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=3) if row[0].value}
    assert [rows["本月开具（含其后作废的）"][1].value, fen(rows["本月开具（含其后作废的）"][2])] == [2, 10000 - 5000]
    assert [rows["其中仍有效"][1].value, fen(rows["其中仍有效"][2])] == [2, 10000 - 5000]
    assert [rows["其中红冲"][1].value, fen(rows["其中红冲"][2])] == [1, -5000]
    listed = rows[reversal.number]
    assert [cell.value for cell in listed[:3]] == [reversal.number, original, "3-2-1201"]
    assert (fen(listed[3]), listed[4].value) == (-5000, "交款人姓名写错")


def _voided_by_an_older_version(ledger: Ledger, number: str, day: str) -> None:
    """``number`` voided on ``day`` as a version before the red reversal of an earlier day's receipt did: a void
    dated after the receipt's own day, in a later month."""
    with ledger.write() as conn:
        conn.execute(
            sa.text(
                "UPDATE receipts SET status = 'voided', void_reason = '金额录错', voided_by = :who, "
                "voided_at = :at, voided_on = :day WHERE number = :number"
            ),
            {"who": CASHIER, "at": f"{day}T02:00:00+00:00", "day": d(day), "number": number},
        )
        conn.execute(
            sa.text("UPDATE payments SET voided = true WHERE id = (SELECT payment_id FROM receipts WHERE number = :n)"),
            {"n": number},
        )


def _receipt_lines(path: Path) -> list[list[Any]]:
    """The 收据 sheet's first table and the line under it, down to 本月作废的收据: label, count, amount in fen."""
    rows = list(load_workbook(path)["收据"].iter_rows(min_row=3))
    rows = rows[: next(n for n, row in enumerate(rows) if row[0].value == "本月作废的收据")]
    return [[row[0].value, row[1].value, fen(row[2]) if row[2].value not in (None, "") else None] for row in rows]


def test_receipts_issued_and_voided_in_different_months_are_accounted_for(
    estate: Ledger, ws: Workspace, tmp_path: Path
) -> None:
    """October's 7 receipts (one voided on its day) and one more of 25 October, voided on 2 November by an older
    version: October said 8 issued, 6 valid, 1 voided without a word on the eighth, November 0 issued and 1 voided;
    now each says under its counts where the difference went.  A month whose counts add up says nothing more."""
    late = _pay(estate, "1-1-101", 5000, "2026-10-25")
    _voided_by_an_older_version(estate, late, "2026-11-02")
    october = monthly_report(ws, estate, OCT, CASHIER, tmp_path / "oct", today=TODAY)
    # 739.94 + 677.52 + 347.93 (voided on its day) + 200.00 + 2 × 2,500.00 (the renovations' charges) + 200.00 (kept
    # from the deposit) + 50.00 (voided in November) = 7,215.39; valid: less 347.93 and 50.00.
    assert _receipt_lines(october.workbook) == [
        ["本月开具（含其后作废的）", 8, 721539],
        ["其中仍有效", 6, 681746],
        ["其中红冲", 0, 0],
        ["本月作废", 1, 34793],
        ["本月补打", 0, None],
        ["注：本月开具的 8 张收据中，1 张于以后月份作废（2026-11），不计入本月作废。", None, None],
        [None, None, None],
    ]
    paragraphs = [p.text for p in Document(str(october.summary)).paragraphs if p.text.strip()]
    assert paragraphs[2].endswith(
        "月末欠费余额1,394.27元，欠费3户。注：本月开具的 8 张收据中，1 张于以后月份作废（2026-11），不计入本月作废。"
    )

    november = monthly_report(ws, estate, "2026-11", CASHIER, tmp_path / "nov", today=TODAY)
    assert _receipt_lines(november.workbook)[3:] == [
        ["本月作废", 1, 5000],
        ["本月补打", 0, None],
        ["注：本月作废的 1 张收据中，1 张是以前月份开具的（2026-10），不计入本月开具。", None, None],
        [None, None, None],
    ]
    assert _receipt_lines(november.workbook)[0][1] == 0
    paragraphs = [p.text for p in Document(str(november.summary)).paragraphs if p.text.strip()]
    assert "注：本月作废的 1 张收据中，1 张是以前月份开具的（2026-10），不计入本月开具。" in paragraphs[2]

    # September's two receipts are both valid: nothing under its counts, nothing in its summary.
    september = monthly_report(ws, estate, "2026-09", CASHIER, tmp_path / "sep", today=TODAY)
    assert _receipt_lines(september.workbook)[-2:] == [["本月补打", 0, None], [None, None, None]]
    assert "注：" not in "".join(p.text for p in Document(str(september.summary)).paragraphs)


def test_a_closed_months_receipt_note_stays_once_printed(estate: Ledger, ws: Workspace, tmp_path: Path) -> None:
    """October closed with a receipt an older version voided in November: its note is in the closed report, and a
    receipt of October undone after the closing is a red reversal of November, which leaves October's sheet as
    printed."""
    from recordkit.billing.closing import close_month
    from recordkit.billing.receipts import void_or_reverse

    late = _pay(estate, "1-1-101", 5000, "2026-10-25")
    kept = _pay(estate, "1-1-102", 3000, "2026-10-26")
    _voided_by_an_older_version(estate, late, "2026-11-02")
    for month in ("2026-08", "2026-09", OCT):
        close_month(estate, month, CASHIER, today=d("2026-11-03"))
    printed = _receipt_lines(monthly_report(ws, estate, OCT, CASHIER, tmp_path / "a", today=TODAY).workbook)
    assert printed[-2] == ["注：本月开具的 9 张收据中，1 张于以后月份作废（2026-11），不计入本月作废。", None, None]
    _, reversal = void_or_reverse(estate, kept, "交款人姓名写错", CASHIER, today=d("2026-11-04"))
    assert reversal is not None
    again = _receipt_lines(monthly_report(ws, estate, OCT, CASHIER, tmp_path / "b", today=TODAY).workbook)
    assert again == printed


def test_the_summary_says_the_figures_in_words(estate: Ledger, ws: Workspace, tmp_path: Path) -> None:
    report = monthly_report(ws, estate, OCT, CASHIER, tmp_path / "out", today=TODAY)
    document = Document(str(report.summary))
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    assert paragraphs[0] == "测试小区2026年10月月度工作总结"
    # 146,997 ÷ 224,321 = 65.53…% shown 65.5%; September's 36,997 ÷ 124,321 = 29.75…% shown 29.7% (cut, not
    # rounded up): 35.8 points between the two figures printed.
    assert paragraphs[2] == (
        "一、收费情况。本月应收2,243.21元，实收1,469.97元，当期收缴率65.5%，较上月上升 35.8 个百分点。"
        "清欠777.52元，预收369.97元；月末欠费余额1,394.27元，欠费3户。"
    )
    assert paragraphs[3] == (
        "二、报修与投诉。本月受理报修2件、投诉3件，办结2件，按时办结率100.0%；回访2件，满意率50.0%。"
        "投诉较多的类别：噪音2件、卫生1件。重复投诉1件，需重点跟进。"
    )
    assert paragraphs[4] == (
        "三、装修管理。本月新登记装修2户，月末在装修1户；验收合格1户、不合格0户；"
        # 200 元 of the first works' 2,000 kept for the damaged wall: 4,000 − 1,800 − 200 = 2,000 held.
        "收取装修押金4,000.00元，退还押金1户1,800.00元，扣除押金200.00元，月末押金结存2,000.00元。"
    )
    assert (
        paragraphs[5]
        == "四、档案管理。本月归档3件（业主档案2件、工程档案1件）；借出2件，归还1件，月末借出未还1件，其中逾期1件。"
    )
    assert paragraphs[-1] == "2026年12月1日"
    fee_table = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert fee_table[0][:3] == ["收费项目", "应收（元）", "实收（元）"]
    assert fee_table[-1] == ["合计", "2,243.21", "1,469.97", "65.5%", "777.52", "369.97", "1,394.27"]


def test_filings_and_returns_fall_in_the_month_of_the_offices_clock(
    ledger: Ledger, ws: Workspace, tmp_path: Path
) -> None:
    """A server kept in UTC stamps a filing at 20:00 on 31 October (+00:00): 04:00 on 1 November in the office
    (Asia/Shanghai, [office] time_zone's default), where ``archive list`` shows it. October's report counted it,
    as its text begins 2026-10-31; it is November's, and one stamped 17:30 on 30 September UTC is October's.
    A loan brought back at 02:00 on 1 November office time is still out at October's end."""

    with ledger.write() as conn:
        conn.execute(
            sa.insert(archive_items),
            [
                archive_row(1, "工程档案", "2026-10-31T20:00:00+00:00"),  # 2026-11-01 04:00 in the office
                archive_row(2, "合同协议档案", "2026-09-30T17:30:00+00:00"),  # 2026-10-01 01:30 in the office
                archive_row(3, "业主档案", "2026-10-15T10:00:00+08:00"),
            ],
        )
        conn.execute(
            sa.insert(archive_loans),
            {
                "item_id": 3,
                "borrower": "赵敏",
                "due": d("2026-11-30"),
                "lent_on": d("2026-10-20"),
                "lent_by": CASHIER,
                "lent_at": "2026-10-20T01:00:00+00:00",
                "returned_at": "2026-10-31T18:00:00+00:00",  # 2026-11-01 02:00 in the office
                "returned_by": CASHIER,
            },
        )

    def archive_sheet(month: str) -> dict[str, Any]:
        report = monthly_report(ws, ledger, month, CASHIER, tmp_path / month, today=TODAY)
        return {label: cells[1].value for label, cells in rows_of(load_workbook(report.workbook)["档案"]).items()}

    october = archive_sheet("2026-10")
    assert {k: october.get(k) for k in ("业主档案", "工程档案", "合同协议档案", "合计")} == {
        "业主档案": 1,
        "工程档案": None,
        "合同协议档案": 1,
        "合计": 2,
    }
    assert (october["本月借出"], october["本月归还"], october["月末借出未还"], october["其中逾期"]) == (1, 0, 1, 0)
    november = archive_sheet("2026-11")
    assert {k: november.get(k) for k in ("业主档案", "工程档案", "合同协议档案", "合计")} == {
        "业主档案": None,
        "工程档案": 1,
        "合同协议档案": None,
        "合计": 1,
    }
    assert (november["本月借出"], november["本月归还"], november["月末借出未还"], november["其中逾期"]) == (0, 1, 0, 0)


def test_phones_show_in_full_only_when_asked(estate: Ledger, ws: Workspace, tmp_path: Path) -> None:
    shown = monthly_report(ws, estate, OCT, CASHIER, tmp_path / "a", show_private=True, today=TODAY)
    phones = {row[3].value for row in load_workbook(shown.workbook)["欠费明细"].iter_rows(min_row=3)}
    assert "13987654321" in phones
    masked = monthly_report(ws, estate, OCT, CASHIER, tmp_path / "b", today=TODAY)
    phones = {row[3].value for row in load_workbook(masked.workbook)["欠费明细"].iter_rows(min_row=3)}
    assert "13987654321" not in phones and "139****4321" in phones


def test_a_month_without_data_is_a_report_of_zeros(ws: Workspace, tmp_path: Path) -> None:
    from recordkit.ledger.db import open_ledger

    with open_ledger(ws.database_url) as ledger:
        report = monthly_report(ws, ledger, "2026-01", CASHIER, today=TODAY)
        assert report.workbook == ws.root / "records/generated/报表/2026-01/月度报表-2026-01.xlsx"
        book = load_workbook(report.workbook)
        overview = rows_of(book["概览"])
        assert fen(overview["应收"][1]) == 0 and overview["当期收缴率"][1].value is None
        assert any(str(k).startswith("本月无数据") for k in overview)
        assert any(str(k).startswith("本月无数据") for k in rows_of(book["说明"]))
        paragraphs = [p.text for p in Document(str(report.summary)).paragraphs if p.text.strip()]
        assert paragraphs[2].startswith("本月无数据")
        assert paragraphs[3] == "一、收费情况。本月没有应收账款。清欠0.00元，预收0.00元；月末欠费余额0.00元，欠费0户。"
        # Made again, the files are replaced and their one record updated.
        monthly_report(ws, ledger, "2026-01", CASHIER, today=TODAY)
        with ledger.read() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM documents")).scalar() == 2


def test_a_month_before_any_bill_or_money_does_not_promise_figures_that_change(
    estate: Ledger, ws: Workspace, tmp_path: Path
) -> None:
    """January 2026, before the ledger's first bill and payment: `fees close` refuses it (nothing to close), so
    the report no longer says 未结账…以上数字在结账前还会变化; both files say there were no bills and no money."""
    report = monthly_report(ws, estate, "2026-01", CASHIER, tmp_path / "out", today=TODAY)
    overview = [row[0] for row in load_workbook(report.workbook)["概览"].iter_rows(values_only=True) if row[0]]
    assert "本月没有账单和收款" in overview
    assert not any(str(text).startswith("本月未结账") for text in overview)
    paragraphs = [p.text for p in Document(str(report.summary)).paragraphs if p.text.strip()]
    assert "说明：本月没有账单和收款。" in paragraphs
    assert not any("结账前还会变化" in text for text in paragraphs)
    # October, with bills and money and not closed, still says its figures may change.
    october = monthly_report(ws, estate, OCT, CASHIER, tmp_path / "oct", today=TODAY)
    words = [p.text for p in Document(str(october.summary)).paragraphs]
    assert "说明：本月未结账（数据截至 2026-10-31），以上数字在结账前还会变化。" in words


def test_a_report_made_again_while_the_ledger_is_busy_leaves_the_older_one(ws: Workspace, tmp_path: Path) -> None:
    """October's report is made and handed round; made again while another writer holds the ledger, its record
    cannot be written ("台账正忙"): the files of the first run are still there as they were, and still the
    ones the ledger's documents describe."""
    import hashlib

    from recordkit.core.errors import LedgerError
    from recordkit.ledger.db import open_ledger

    with open_ledger(ws.database_url) as ledger:
        report_estate(ledger, tmp_path)
        first = monthly_report(ws, ledger, OCT, CASHIER, today=TODAY)
        _pay(ledger, "1-1-102", 10000, "2026-10-31")  # October's figures change
    files = (first.workbook, first.summary)
    before = [path.read_bytes() for path in files]
    with open_ledger(ws.database_url, busy_timeout=1) as busy, open_ledger(ws.database_url) as other:
        with other.write(), pytest.raises(LedgerError, match="^台账正忙"):
            monthly_report(ws, busy, OCT, CASHIER, today=TODAY)
        assert [path.read_bytes() for path in files] == before
        with busy.read() as conn:
            recorded = dict(conn.execute(sa.text("SELECT path, sha256 FROM documents")).all())
    assert recorded == {
        path.relative_to(ws.root).as_posix(): hashlib.sha256(data).hexdigest()
        for path, data in zip(files, before, strict=True)
    }
    assert sorted(path.name for path in first.workbook.parent.iterdir()) == sorted(path.name for path in files)


def test_a_month_with_only_an_inspection_and_a_refund_is_not_without_data(
    ledger: Ledger, ws: Workspace, tmp_path: Path
) -> None:
    """Works registered and paid for in October, inspected and the deposit refunded in November, nothing else
    owed or paid: November's report shows the inspection and the refund, and does not say 本月无数据."""
    small_estate(ledger, tmp_path)
    add_rule(ledger, CASHIER, "装修押金", "oneoff", "2000", "2025-01")
    add_rule(ledger, CASHIER, "装修垃圾清运费", "oneoff", "500", "2025-01")
    works = _renovation(ledger, "1-1-102", "2026-10-16")
    inspect(ledger, CASHIER, works.number, "合格", today=d("2026-11-05"))
    refund(ledger, CASHIER, works.number, 0, "", today=d("2026-11-06"))
    report = monthly_report(ws, ledger, "2026-11", CASHIER, tmp_path / "out", today=TODAY)
    book = load_workbook(report.workbook)
    renovation = rows_of(book["装修"])
    assert renovation["本月验收合格"][1].value == 1
    assert (renovation["本月退还押金"][1].value, fen(renovation["本月退还押金"][2])) == (1, 200000)
    assert not any(str(label).startswith("本月无数据") for label in rows_of(book["概览"]))
    paragraphs = [p.text for p in Document(str(report.summary)).paragraphs]
    assert not any(text.startswith("本月无数据") for text in paragraphs)
    assert "验收合格1户、不合格0户" in "".join(paragraphs)
    assert "退还押金1户2,000.00元，月末押金结存0.00元。" in "".join(paragraphs)  # nothing kept back, none said


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13", "月份“2026-13”无效：月份应为 1 至 12"),
        ("202610", "月份“202610”无法识别，应写成 2026-12 这样的年-月"),
        ("十月", "月份“十月”无法识别，应写成 2026-12 这样的年-月"),
        ("2027-01", "月份 2027-01 还没有到：只能生成 2026-12 及以前月份的报表"),
        ("1900-12", "月份“1900-12”无效：年份不对"),
    ],
)
def test_a_bad_month_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_month(text, TODAY)
    assert caught.value.message == message


def test_cli_prints_the_figures_and_the_files(run_cli: Any, workspace: Workspace) -> None:
    result = run_cli("report", "monthly", "--month", "2026-01")
    assert result.exit_code == 0, result.output
    assert "已生成 records/generated/报表/2026-01/月度报表-2026-01.xlsx" in result.output
    assert "已生成 records/generated/报表/2026-01/月度工作总结-2026-01.docx" in result.output
    assert "本月无数据：报表各项均为 0" in result.output


def test_cli_bad_month_writes_nothing(run_cli: Any, workspace: Workspace) -> None:
    future = Month.of(dt.date.today()) + 1
    for text, line in (
        ("2026-13", "错误：月份“2026-13”无效：月份应为 1 至 12"),
        (str(future), f"错误：月份 {future} 还没有到：只能生成 {future - 1} 及以前月份的报表"),
        ("1999-01", "错误：报表月份 1999-01 不在 2000–2099 年之间：请检查年份"),
    ):
        result = run_cli("report", "monthly", "--month", text)
        assert result.exit_code == 5
        assert result.stderr.strip() == line
    assert not (workspace.root / "records/generated/报表").exists()


def test_cli_the_signing_date_opens_no_later_month(run_cli: Any, workspace: Workspace) -> None:
    """--date is the date the summary is signed with: it neither lets a month not begun through, nor refuses
    a month that has begun; one signed before its month is refused by name."""
    future = Month.of(dt.date.today()) + 1
    signed_later = (future + 1).first_day().isoformat()
    result = run_cli("report", "monthly", "--month", str(future), "--date", signed_later)
    assert result.exit_code == 5
    assert result.stderr.strip() == f"错误：月份 {future} 还没有到：只能生成 {future - 1} 及以前月份的报表"
    assert not (workspace.root / "records/generated/报表").exists()

    result = run_cli("report", "monthly", "--month", "2026-01", "--date", "2025-12-31")
    assert result.exit_code == 5
    assert (
        result.stderr.strip()
        == "错误：落款日期 2025-12-31 早于报表月份 2026-01：2026-01 的报表只能写 2026-01-01 或以后的日期"
    )
    assert not (workspace.root / "records/generated/报表").exists()

    # ``--date 2099-01-01`` (a typo) was printed on the summary, exit 0: a day not come yet is refused.
    today = dt.date.today()
    for later in (today + dt.timedelta(days=1), dt.date(2099, 1, 1)):
        result = run_cli("report", "monthly", "--month", "2026-01", "--date", later.isoformat())
        assert (result.exit_code, result.stdout, result.stderr.strip()) == (
            5,
            "",
            f"错误：落款日期 {later.isoformat()} 晚于今天（{today.isoformat()}）："
            "落款写签字的那天（默认今天），不能写以后的日子",
        )
    assert not (workspace.root / "records/generated/报表").exists()

    for args in (  # January billed: a month with bills, not closed
        ("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))),
        ("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01"),
        ("fees", "bill", "--month", "2026-01"),
    ):
        assert run_cli(*args).exit_code == 0
    result = run_cli("report", "monthly", "--month", "2026-01", "--date", "2026-01-20")
    assert result.exit_code == 0, result.output
    # A month long over: its figures run to its end, whatever day the summary is signed.
    assert "2026-01 未结账（数据截至 2026-01-31）" in result.output
    summary = Document(str(workspace.root / "records/generated/报表/2026-01/月度工作总结-2026-01.docx"))
    texts = [p.text for p in summary.paragraphs]
    assert "2026年1月20日" in texts
    assert "说明：本月未结账（数据截至 2026-01-31），以上数字在结账前还会变化。" in texts


def test_rates_in_words_are_the_rates_the_workbook_shows(run_cli: Any, workspace: Workspace) -> None:
    """1-1-101 alone billed 160.00 a month: 10.00 paid in January is 1/16 of it, 6.25 %, cut to 6.2 % (a collection
    rate is never rounded up: ``test_a_collection_rate_short_of_everything_never_shows_100_percent``) and held as 0.062,
    so that the 0.0% cell shows no other figure; 20.00 paid for February is 12.5%, 6.3 points more than the 6.2% shown
    for January.  The summary and the command's table say the same."""

    def ok(*args: str) -> Any:
        result = run_cli(*args)
        assert result.exit_code == 0, result.output
        return result

    ok("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS)))
    ok("fees", "rules", "add", "停车费", "--kind", "fixed", "--rate", "160", "--from", "2026-01", "--unit", "1-1-101")
    ok("fees", "bill", "--month", "2026-01")
    ok("fees", "bill", "--month", "2026-02")
    ok("fees", "pay", "1-1-101", "--amount", "10", "--date", "2026-01-15", "--reason", "银行转账补录")
    ok(
        "fees",
        "pay",
        "1-1-101",
        "--amount",
        "20",
        "--months",
        "2026-02",
        "--date",
        "2026-02-10",
        "--reason",
        "银行转账补录",
    )
    folder = workspace.root / "records/generated/报表"
    january = ok("report", "monthly", "--month", "2026-01")
    book = load_workbook(folder / "2026-01/月度报表-2026-01.xlsx")
    cell = rows_of(book["概览"])["当期收缴率"][1]
    assert (cell.value, cell.number_format) == (0.062, "0.0%")
    assert "6.2%" in january.output and "6.3%" not in january.output
    words = "\n".join(p.text for p in Document(str(folder / "2026-01/月度工作总结-2026-01.docx")).paragraphs)
    assert "当期收缴率6.2%" in words
    tables = Document(str(folder / "2026-01/月度工作总结-2026-01.docx")).tables
    assert [row.cells[3].text for row in tables[0].rows[1:]] == ["6.2%", "6.2%"]  # 停车费, 合计

    ok("report", "monthly", "--month", "2026-02")
    words = "\n".join(p.text for p in Document(str(folder / "2026-02/月度工作总结-2026-02.docx")).paragraphs)
    assert "当期收缴率12.5%，较上月上升 6.3 个百分点。" in words


def test_a_collection_rate_short_of_everything_never_shows_100_percent(run_cli: Any, workspace: Workspace) -> None:
    """1-1-101 alone billed 100,000.00 in January and paid 99,960.00 of it: 99.96 %, which a 0.0% cell and the summary
    rounded to 100.0 % — as if everything was collected.  The rate is cut at its last shown digit, 99.9 %, in every
    cell (the value itself, 0.999, so the cell shows what it holds), the summary and the command's table; February,
    paid in full, is 100.0 %."""

    def ok(*args: str) -> Any:
        result = run_cli(*args)
        assert result.exit_code == 0, result.output
        return result

    ok("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS)))
    ok(
        "fees",
        "rules",
        "add",
        "停车费",
        "--kind",
        "fixed",
        "--rate",
        "100000",
        "--from",
        "2026-01",
        "--unit",
        "1-1-101",
    )
    ok("fees", "bill", "--month", "2026-01")
    ok("fees", "bill", "--month", "2026-02")
    ok("fees", "pay", "1-1-101", "--amount", "99960", "--date", "2026-01-15", "--reason", "银行转账补录")
    paid = ("--months", "2026-02", "--date", "2026-02-10", "--reason", "银行转账补录")
    ok("fees", "pay", "1-1-101", "--amount", "100000", *paid)
    folder = workspace.root / "records/generated/报表"
    january = ok("report", "monthly", "--month", "2026-01")
    book = load_workbook(folder / "2026-01/月度报表-2026-01.xlsx")
    overview, fees = rows_of(book["概览"]), rows_of(book["收费汇总"])
    shown = [
        overview["当期收缴率"][1],  # this month
        overview["2026-01"][3],  # the 12 months' trend
        fees["停车费"][3],
        fees["合计"][3],  # by item
        fees["1"][3],  # by building
    ]
    assert [(cell.value, cell.number_format) for cell in shown] == [(0.999, "0.0%")] * 5
    [line] = [line for line in january.stdout.splitlines() if "当期收缴率" in line]
    assert [cell.strip() for cell in line.split("│")[1:4]] == ["当期收缴率", "99.9%", "—"]
    summary = Document(str(folder / "2026-01/月度工作总结-2026-01.docx"))
    assert summary.paragraphs[2].text.startswith(
        "一、收费情况。本月应收100,000.00元，实收99,960.00元，当期收缴率99.9%，上月台账还没有收费记录，无法比较。"
    )
    assert [row.cells[3].text for row in summary.tables[0].rows[1:]] == ["99.9%", "99.9%"]  # 停车费, 合计

    february = ok("report", "monthly", "--month", "2026-02")
    assert "100.0%" in february.stdout
    words = "\n".join(p.text for p in Document(str(folder / "2026-02/月度工作总结-2026-02.docx")).paragraphs)
    assert "当期收缴率100.0%，较上月上升 0.1 个百分点。" in words
    cell = rows_of(load_workbook(folder / "2026-02/月度报表-2026-02.xlsx")["概览"])["当期收缴率"][1]
    assert (cell.value, cell.number_format) == (1, "0.0%")


def test_cli_a_private_report_journals_whose_phones_it_shows(run_cli: Any, workspace: Workspace) -> None:
    """January billed and nothing paid: the three owners' units owe, 3-2-1202 (no owner) too; --show-private
    writes the three owners' full phones (and its PDF copy), and the journal names those units and both files, as owners
    export does."""
    import json
    import sqlite3

    from tests.conftest import sa_url_database

    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    assert (
        run_cli("fees", "rules", "add", "垃圾清运费", "--kind", "fixed", "--rate", "10", "--from", "2026-01").exit_code
        == 0
    )
    assert run_cli("fees", "bill", "--month", "2026-01").exit_code == 0
    result = run_cli("report", "monthly", "--month", "2026-01", "--show-private", "--pdf")
    assert result.exit_code == 0, result.output
    assert "已生成 records/generated/报表/2026-01/月度报表-2026-01（含个人信息）.pdf" in result.output
    book = load_workbook(workspace.root / "records/generated/报表/2026-01/月度报表-2026-01（含个人信息）.xlsx")
    phones = {row[1].value: row[3].value for row in book["欠费明细"].iter_rows(min_row=3) if row[3].value}
    shown = ["1-1-101", "1-1-102", "3-2-1201"]
    assert phones == {"1-1-101": "13812345678", "1-1-102": "13987654321", "3-2-1201": "13987654321"}
    [entry] = [e for e in json.loads(run_cli("journal", "list", "--json").stdout) if e["action"] == "private.view"]
    assert (
        entry["key"]
        == "report monthly 2026-01（月度报表-2026-01（含个人信息）.xlsx、月度报表-2026-01（含个人信息）.pdf）"
    )
    with sqlite3.connect(sa_url_database(workspace.database_url)) as conn:
        (after,) = conn.execute("SELECT after FROM journal WHERE id = ?", (entry["id"],)).fetchone()
    assert (json.loads(after)["count"], sorted(json.loads(after)["first"])) == (len(shown), shown)


def test_cli_out_through_a_file_is_refused(run_cli: Any, workspace: Workspace, tmp_path: Path) -> None:
    """--out naming a file, or a folder inside one: a Chinese line naming the file, exit 2, the file untouched."""
    sheet = tmp_path / "名单.xlsx"
    sheet.write_bytes(b"kept")
    for out in (sheet, sheet / "报表"):
        result = run_cli("report", "monthly", "--month", "2026-01", "--out", str(out))
        assert result.exit_code == 2, result.output
        assert result.stderr.strip() == (
            f"错误：无法写入 {out / '月度报表-2026-01.xlsx'}：{sheet} 是文件，不是文件夹，请换一个输出位置"
        )
    assert sheet.read_bytes() == b"kept"
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(["名单.xlsx", workspace.root.name])


def test_pdf_copies_of_both_files_in_one_call(estate: Ledger, ws: Workspace, tmp_path: Path) -> None:
    import os

    import pypdfium2

    from recordkit.documents import pdf

    def text(path: Path) -> str:
        document = pypdfium2.PdfDocument(str(path))
        try:
            return "".join("".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document)))
        finally:
            document.close()

    if pdf.find_soffice() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but LibreOffice is not installed: .ci/run must install libreoffice-calc")
        pytest.skip("LibreOffice (soffice) not installed")
    report = monthly_report(ws, estate, OCT, CASHIER, tmp_path / "out", pdf=True, today=TODAY)
    assert report.pdf_problem is None
    assert [p.name for p in report.pdfs] == ["月度报表-2026-10.pdf", "月度工作总结-2026-10.pdf"]
    assert "测试小区2026年10月收费汇总" in text(report.pdfs[0]) and "2,243.21" in text(report.pdfs[0])
    assert "测试小区2026年10月月度工作总结" in text(report.pdfs[1])


def test_a_private_report_never_replaces_the_masked_one(estate: Ledger, ws: Workspace, tmp_path: Path) -> None:
    """Run masked, then with --show-private into the same folder: both files stand, each as it was."""
    masked = monthly_report(ws, estate, OCT, CASHIER, tmp_path, today=TODAY)
    before = masked.workbook.read_bytes()
    shown = monthly_report(ws, estate, OCT, CASHIER, tmp_path, show_private=True, today=TODAY)
    assert (masked.workbook.name, shown.workbook.name) == (
        "月度报表-2026-10.xlsx",
        "月度报表-2026-10（含个人信息）.xlsx",
    )
    assert masked.workbook.read_bytes() == before
    phones = {row[3].value for row in load_workbook(masked.workbook)["欠费明细"].iter_rows(min_row=3)}
    assert "13987654321" not in phones


def test_reprints_count_in_the_month_of_the_offices_clock(ledger: Ledger) -> None:
    """A reprint at 01:00 on 1 November in Beijing is 17:00 on 31 October in UTC: it is November's."""
    from recordkit.ledger import journal
    from recordkit.reports.figures import receipt_figures

    with ledger.write() as conn:
        for at, number in (
            (dt.datetime(2026, 10, 31, 15, 59, tzinfo=dt.UTC), "SJ2026-000001"),  # 23:59 on 31 October
            (dt.datetime(2026, 10, 31, 17, 0, tzinfo=dt.UTC), "SJ2026-000002"),  # 01:00 on 1 November
        ):
            journal.record(conn, CASHIER, [journal.Change("receipt.reprint", "receipt", number, None, None)], at=at)
    with ledger.read() as conn:
        october = receipt_figures(conn, Month(2026, 10))
        november = receipt_figures(conn, Month(2026, 11))
        in_utc = receipt_figures(conn, Month(2026, 10), zone="UTC")
    assert october.reprints == [("SJ2026-000001", 1)]
    assert november.reprints == [("SJ2026-000002", 1)]
    assert in_utc.reprints == [("SJ2026-000001", 1), ("SJ2026-000002", 1)]


def test_the_notes_give_the_offices_own_repeat_complaint_window(run_cli: Any, workspace: Workspace) -> None:
    """An office that counts a repeat complaint within 15 days (``[workorders] repeat_days``) is not told 30 on the
    report's 说明 sheet."""
    result = run_cli("report", "monthly", "--month", "2026-01", env={"RECORDKIT_WORKORDERS_REPEAT_DAYS": "15"})
    assert result.exit_code == 0, result.output
    book = load_workbook(workspace.root / "records/generated/报表/2026-01/月度报表-2026-01.xlsx")
    assert str(rows_of(book["说明"])["工单"][1].value).endswith("重复投诉：同一房屋同一类别 15 天内再次投诉。")


def test_a_month_a_year_before_the_books_is_left_blank_not_zero(estate: Ledger, ws: Workspace, tmp_path: Path) -> None:
    """The books start with August 2026's bills and the archive with a filing of September 2026: October 2025, a year
    before the report's month, and the trend's months before August have no figures, and read blank (not 0, which
    said the office billed nothing); a work order of October 2025 from the logbook is data, and so are its zeros."""
    logbook = WorkOrderRecord("报修", "水电", "厨房水管漏水", dt.datetime(2025, 10, 8, 9, 0), unit="1-1-101")
    with estate.write() as conn:
        workorders.add_many(conn, WorkOrderSettings(), CASHIER, [logbook])
    report = monthly_report(ws, estate, OCT, CASHIER, tmp_path / "out", today=TODAY)
    sheet = load_workbook(report.workbook)["概览"]
    overview = rows_of(sheet)
    assert overview["指标"][3].value == "去年同月（2025年10月）"
    year_ago = {label: cells[3].value for label, cells in overview.items() if len(cells) > 3 and label != "指标"}
    blank = [
        "应收", "实收（当期实收）", "当期收缴率", "清欠", "预收", "本月收款合计", "其中装修押金", "月末欠费余额",
        "月末欠费户数", "开具收据（张）", "作废收据（张）", "补打收据（次）", "新登记装修（户）", "月末在装修（户）",
        "月末押金结存", "按时办结率", "满意率", "归档（件）", "月末借出未还（件）",
    ]  # fmt: skip
    assert {label: year_ago[label] for label in blank} == dict.fromkeys(blank)
    # The work orders go back to October 2025: one repair, no complaint, none repeated — zeros that are figures.
    assert (year_ago["受理报修（件）"], year_ago["受理投诉（件）"], year_ago["重复投诉（件）"]) == (1, 0, 0)
    assert "去年同月（2025年10月）留空的是台账里还没有记录的项目：没有数据，不是 0。" in overview
    # The trend: November 2025 to July 2026 blank, August to October as billed (worked out in the test above).
    months = {str(row[0].value): row for row in sheet.iter_rows() if str(row[0].value)[:2] == "20"}
    before = [str(Month(2025, 11) + k) for k in range(9)]
    assert before[-1] == "2026-07"
    assert [[cell.value for cell in months[m][1:4]] for m in before] == [[None, None, None]] * 9
    assert [fen(months[m][1]) for m in ("2026-08", "2026-09", "2026-10")] == [124321, 124321, 224321]
    assert "收费从 2026年8月 开始记账，之前的月份留空（没有数据，不是 0），图上不画。" in overview
    (line,) = sheet._charts
    assert line.display_blanks == "gap"  # an empty cell is a gap in the line, not a fall to 0 %


def test_work_order_rates_short_of_everything_never_show_100_percent(
    ledger: Ledger, ws: Workspace, tmp_path: Path
) -> None:
    """2,500 repairs reported, finished and visited in October: 2,499 finished within their 24 hours, one after 30;
    2,499 visits 满意, one 不满意.  2499 ÷ 2500 is 99.96 %, which the 0.0% cells and the summary rounded to 100.0 %
    — as if every order was on time and every owner content.  Both rates are cut at their shown digit as 当期收缴率
    is: 99.9 %, the cells holding 0.999, in the overview, the work-order sheet and its row by category, and the
    summary's words; the notes say every rate is cut so."""
    start = dt.datetime(2026, 10, 1, 8, 0)
    records = []
    for k in range(2500):
        opened = start + dt.timedelta(minutes=15 * k)
        records.append(
            WorkOrderRecord(
                "报修",
                "水电",
                "公共照明不亮",
                opened,
                place="3栋大堂",
                assignee="李师傅",
                assigned_at=opened + dt.timedelta(minutes=10),
                closed_at=opened + dt.timedelta(hours=30 if k == 7 else 2),
                result="已修复",
                visited_at=opened + dt.timedelta(hours=31),
                satisfaction="不满意" if k == 11 else "满意",
            )
        )
    assert records[-1].visited_at is not None and records[-1].visited_at < dt.datetime(2026, 11, 1)
    with ledger.write() as conn:
        workorders.add_many(conn, WorkOrderSettings(), CASHIER, records)
    report = monthly_report(ws, ledger, OCT, CASHIER, tmp_path / "out", today=TODAY)
    book = load_workbook(report.workbook)
    overview, sheet = rows_of(book["概览"]), rows_of(book["工单"])
    shown = [
        overview["按时办结率"][1],
        overview["满意率"][1],
        sheet["按时办结率"][1],
        sheet["满意率（满意 + 基本满意）"][1],
        sheet["报修"][5],  # 报修 水电: 按时办结率
        sheet["报修"][7],  # 满意率
    ]
    assert sheet["报修"][1].value == "水电"
    assert [(cell.value, cell.number_format) for cell in shown] == [(0.999, "0.0%")] * 6
    words = "\n".join(p.text for p in Document(str(report.summary)).paragraphs)
    assert "办结2500件，按时办结率99.9%；回访2500件，满意率99.9%。" in words
    notes = rows_of(book["说明"])
    assert notes["金额与比率"][1].value == (
        "金额单位为元，保留两位小数，由台账中的整数“分”换算，不经四舍五入；"
        "比率（当期收缴率、按时办结率、满意率）保留一位小数，舍去不进位：99.96% 记为 99.9%，全部做到才是 100.0%。"
    )


def test_last_month_before_the_books_is_left_blank_not_zero(estate: Ledger, ws: Workspace, tmp_path: Path) -> None:
    """The books start with August 2026's bills, the archive with a filing of 30 September, the work orders in
    October.  August's report showed 0 in its 上月 (July) column — as if nothing was billed or filed — where there is
    no data: those cells are blank with a note, as 去年同月's are.  September's 上月 is August: its fees are figures
    (124,321 fen billed), but the archive and the work orders had no record yet, and their cells are blank."""
    august = load_workbook(monthly_report(ws, estate, "2026-08", CASHIER, tmp_path / "aug", today=TODAY).workbook)
    overview = rows_of(august["概览"])
    assert overview["指标"][2].value == "上月（2026年7月）"
    before = {label: cells[2].value for label, cells in overview.items() if len(cells) > 3 and label != "指标"}
    blank = [
        "应收", "实收（当期实收）", "当期收缴率", "清欠", "预收", "本月收款合计", "其中装修押金", "月末欠费余额",
        "月末欠费户数", "开具收据（张）", "作废收据（张）", "补打收据（次）", "新登记装修（户）", "月末在装修（户）",
        "月末押金结存", "归档（件）", "月末借出未还（件）",
    ]  # fmt: skip
    assert {label: before[label] for label in blank} == dict.fromkeys(blank)
    assert fen(overview["应收"][1]) == 124321  # August itself: its own figures
    assert "上月（2026年7月）和去年同月（2025年8月）留空的是台账里还没有记录的项目：没有数据，不是 0。" in overview

    september = load_workbook(monthly_report(ws, estate, "2026-09", CASHIER, tmp_path / "sep", today=TODAY).workbook)
    overview = rows_of(september["概览"])
    assert fen(overview["应收"][2]) == 124321 and overview["开具收据（张）"][2].value == 2  # August's two receipts
    assert (overview["归档（件）"][1].value, overview["归档（件）"][2].value) == (1, None)
    assert overview["月末借出未还（件）"][2].value is None
    assert "上月（2026年8月）和去年同月（2025年9月）留空的是台账里还没有记录的项目：没有数据，不是 0。" in overview


def _table_rows(printed: str) -> dict[str, list[str]]:
    """The rows of the command's comparison table as printed: label -> this month, 上月, 去年同月 (header left out)."""
    rows = {
        cells[0]: cells[1:]
        for line in printed.splitlines()
        if len(cells := [cell.strip() for cell in re.split("[│┃]", line)[1:-1]]) == 4
    }
    del rows["指标"]
    return rows


def test_cli_table_compares_every_row_of_the_workbook(
    estate: Ledger, ledger_url: str, run_cli: Any, workspace: Workspace
) -> None:
    """The command printed 上月 for the six fee figures only, while the workbook's overview compares receipts,
    renovations, work orders and the archive too, with 去年同月 beside 上月.  It prints the overview's rows and
    columns, each value as the workbook shows it, "—" where its cell is blank: the work orders begin in October
    and the books in August 2026, so September's work-order cells and all of October 2025 are blank."""
    result = run_cli("report", "monthly", "--month", OCT, env={"RECORDKIT_DATABASE_URL": ledger_url})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].strip() == "2026年10月月度报表（金额：元）"
    header = next(line for line in lines if "指标" in line)
    assert [cell.strip() for cell in header.split("┃")[1:-1]] == ["指标", "本月", "上月", "去年同月"]
    # By hand from report_estate: a month's fees are 1,243.21 元 (369.97 + 288.76 + 347.93 + 236.55), October's
    # with two renovations' 500 元 waste fees; September: 1-1-101 paid September (369.97) on 10 September, and at
    # its end 1-1-102 owed August and September, 3-2-1201 September, 3-2-1202 both: 2,486.42 - 1,087.87 = 1,398.55.
    assert _table_rows(result.stdout) == {
        "应收": ["2,243.21", "1,243.21", "—"],
        "实收（当期实收）": ["1,469.97", "369.97", "—"],
        "当期收缴率": ["65.5%", "29.7%", "—"],
        "清欠": ["777.52", "0.00", "—"],
        "预收": ["369.97", "0.00", "—"],
        "本月收款合计": ["6,617.46", "369.97", "—"],
        "其中装修押金": ["4,000.00", "0.00", "—"],
        "月末欠费余额": ["1,394.27", "1,398.55", "—"],
        "月末欠费户数": ["3", "3", "—"],
        "开具收据（张）": ["7", "1", "—"],  # with the receipt of the deposit kept on 30 October
        "作废收据（张）": ["1", "0", "—"],
        "补打收据（次）": ["0", "0", "—"],
        "新登记装修（户）": ["2", "0", "—"],
        "月末在装修（户）": ["1", "0", "—"],
        "月末押金结存": ["2,000.00", "0.00", "—"],
        "受理报修（件）": ["2", "—", "—"],
        "受理投诉（件）": ["3", "—", "—"],
        "按时办结率": ["100.0%", "—", "—"],
        "满意率": ["50.0%", "—", "—"],
        "重复投诉（件）": ["1", "—", "—"],
        "归档（件）": ["3", "1", "—"],
        "月末借出未还（件）": ["1", "0", "—"],
    }
    assert "上月（2026年9月）和去年同月（2025年10月）留空（—）的是台账里还没有记录的项目：没有数据，不是 0。" in lines


def test_cli_last_month_before_the_books_is_a_dash(run_cli: Any, workspace: Workspace) -> None:
    """The books start in January 2026: the command's 上月 (December 2025) column said 0.00 and 0.0 %; it says —, and
    a line says why."""
    ok = [
        ("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))),
        (
            "fees",
            "rules",
            "add",
            "停车费",
            "--kind",
            "fixed",
            "--rate",
            "100",
            "--from",
            "2026-01",
            "--unit",
            "1-1-101",
        ),
        ("fees", "bill", "--month", "2026-01"),
        ("fees", "pay", "1-1-101", "--amount", "100", "--date", "2026-01-15", "--reason", "银行转账补录"),
    ]
    for args in ok:
        assert run_cli(*args).exit_code == 0
    result = run_cli("report", "monthly", "--month", "2026-01")
    assert result.exit_code == 0, result.output
    rows = _table_rows(result.stdout)
    assert rows["应收"] == ["100.00", "—", "—"] and rows["当期收缴率"] == ["100.0%", "—", "—"]
    # Every row of the workbook's overview, the months compared all blank (nothing recorded before January).
    assert [cells[1:] for cells in rows.values()] == [["—", "—"]] * 22
    assert (
        "上月（2025年12月）和去年同月（2025年1月）留空（—）的是台账里还没有记录的项目：没有数据，不是 0。"
        in result.stdout
    )
    summary = Document(str(workspace.root / "records/generated/报表/2026-01/月度工作总结-2026-01.docx"))
    assert "当期收缴率100.0%，上月台账还没有收费记录，无法比较。" in summary.paragraphs[2].text
