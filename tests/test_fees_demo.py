"""The demo estate's fees: twelve months of bills up to last month, payments, receipts voided and reprinted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook

from recordkit.billing.arrears import list_arrears
from recordkit.billing.closing import list_closed
from recordkit.billing.receipts import list_receipts
from recordkit.core.dates import Month
from recordkit.core.workspace import open_workspace
from recordkit.demo.estate import DemoReport
from recordkit.ledger import journal
from recordkit.ledger.db import open_ledger
from recordkit.reports.figures import collection_trend, load_fee_ledger


def test_the_demo_has_a_year_of_fees(tmp_path: Path, demo_estate: DemoReport) -> None:
    report = demo_estate
    counts = dict(report.counts)
    last = Month.of(dt.date.today()) - 1
    assert counts[f"账单（{last - 11} 至 {last}）"] > 80 * 12
    # Today's ten at the counter and the receipt of what the renovation refund kept (押金转入).
    assert (counts["  其中作废"], counts["  补打"], counts["收据 .docx（演示只生成这几张）"]) == (3, 3, 11)
    workspace = open_workspace(tmp_path / "demo", environ={})
    with open_ledger(workspace.database_url) as ledger:
        with ledger.read() as conn:
            months = conn.execute(
                sa.text(
                    "SELECT MIN(month), MAX(month) FROM bills WHERE item_id IN "
                    "(SELECT id FROM fee_items WHERE kind != 'oneoff')"
                )
            ).one()
            assert journal.verify(conn).ok
        receipts = list_receipts(ledger)
        arrears = list_arrears(ledger)
        closed = list_closed(ledger)
        with ledger.read() as conn:
            trend = collection_trend(load_fee_ledger(conn, [last]), last)
    assert tuple(months) == (str(last - 11), str(last))
    # The counted receipts, today's red reversal of one of last month's, and the receipt of the 200.00 today's
    # renovation refund kept from its deposit (收款方式 押金转入; the demo's count leaves it out).
    assert len(receipts) == counts["收据"] + 2 and sum(r.voided for r in receipts) == 3
    assert [(r.method, r.total_fen, r.issued_on) for r in receipts if r.method == "押金转入"] == [
        ("押金转入", 20000, dt.date.today())
    ]
    [reversal] = [r for r in receipts if r.reverses]
    original = next(r for r in receipts if r.number == reversal.reverses)
    assert (reversal.issued_on, Month.of(original.issued_on), reversal.total_fen) == (
        dt.date.today(),
        last,
        -original.total_fen,
    )
    assert [str(m.month) for m in closed] == [str(last - n) for n in range(11, -1, -1)]
    # A normal estate: over the year, this month's bills paid by each month's end are 83–95 % of them.
    assert 0.83 <= sum(p.collected for p in trend) / sum(p.billed for p in trend) <= 0.95
    assert sum(r.reprints for r in receipts) == 3
    assert any(r.prepayment_fen for r in receipts), "someone pays a year ahead"
    # Counted before today's red reversal, which put its unit's paid months back in arrears.
    assert original.unit in {row.unit for row in arrears}
    assert 0 < counts["欠费户数"] <= len(arrears) <= counts["欠费户数"] + 1
    assert any(row.months >= 3 for row in arrears)
    printed = sorted((tmp_path / "demo" / "records" / "generated").rglob("收据*.docx"))
    assert len(printed) == 11
    voided = next(path for path in printed if "作废" in path.name)
    assert "【作废】" in "\n".join(p.text for p in Document(str(voided)).paragraphs)


def test_the_demo_bills_each_fee_to_the_kinds_of_unit_that_pay_it(tmp_path: Path, demo_estate: DemoReport) -> None:
    # A parking space has no water meter and a flat no parking fee of its own: read back with plain SQL,
    # which kinds of unit each fee item was billed to.
    workspace = open_workspace(tmp_path / "demo", environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        billed = {
            item: set(kinds.split(","))
            for item, kinds in conn.execute(
                sa.text(
                    "SELECT i.name, GROUP_CONCAT(DISTINCT u.kind) FROM bills b JOIN units u ON u.id = b.unit_id"
                    " JOIN fee_items i ON i.id = b.item_id GROUP BY i.name"
                )
            )
        }
    assert billed["水费"] == {"住宅", "别墅", "商铺"}
    assert billed["车位管理费"] == {"车位"}
    assert "停车费" not in billed or billed["停车费"] == {"车位"}
    assert billed["垃圾清运费"] == {"住宅", "别墅", "商铺"}
    last = Month.of(dt.date.today()) - 1
    readings = load_workbook(tmp_path / "demo" / f"水表读数-{last}.xlsx").active
    codes = [row[0] for row in readings.iter_rows(min_row=2, values_only=True)]
    assert codes and not [code for code in codes if code.startswith("车位")]


def test_the_demo_numbers_its_receipts_in_date_order(tmp_path: Path, demo_estate: DemoReport) -> None:
    # A real book's receipt numbers rise with the days: no receipt dated before the one numbered just
    # before it (the renovations' deposits of last month were numbered after today's counter).
    workspace = open_workspace(tmp_path / "demo", environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT r.number, p.paid_on FROM receipts r JOIN payments p ON p.id = r.payment_id"
                " ORDER BY r.year, r.seq"
            )
        ).all()
        deposits = conn.execute(
            sa.text("""SELECT COUNT(*) FROM receipts WHERE lines LIKE '%"item": "装修押金"%'""")
        ).scalar()
    assert deposits == 2
    backwards = [(a, b) for a, b in zip(rows, rows[1:], strict=False) if str(b.paid_on) < str(a.paid_on)]
    assert backwards == []


def test_every_unit_the_demo_bills_has_an_owner_and_the_developer_owes_under_its_name(
    tmp_path: Path, demo_estate: DemoReport
) -> None:
    """The demo billed its unsold units (商铺S-102, the last parking spaces …) with no owner: the monthly report's
    欠费明细 listed them with an empty 业主, nobody to remind.  They are the developer's, registered as their owner with
    the company's phone, which pays their fees by bank transfer on the 20th, a month late."""
    developer = "幸福里房地产开发有限公司"
    workspace = open_workspace(tmp_path / "demo", environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        unowned = conn.execute(
            sa.text("SELECT DISTINCT u.code FROM bills b JOIN units u ON u.id = b.unit_id WHERE u.owner_id IS NULL")
        ).all()
        held = conn.execute(
            sa.text(
                "SELECT u.code, u.status, o.phone, o.id_number FROM units u JOIN owners o ON o.id = u.owner_id"
                " WHERE o.name = :name ORDER BY u.code"
            ),
            {"name": developer},
        ).all()
        paid = conn.execute(
            sa.text("SELECT DISTINCT method, SUBSTR(paid_on, 9, 2) FROM payments WHERE payer = :name"),
            {"name": developer},
        ).all()
    assert unowned == []
    assert "车位B1-040" in [row.code for row in held]  # the last parking spaces are not sold
    assert {(row.status, row.phone, row.id_number) for row in held} == {("vacant", "025-86692288", None)}
    assert [tuple(row) for row in paid] == [("银行转账", "20")]
    [report] = [path for path in demo_estate.files if path.name.startswith("月度报表-")]
    sheet = load_workbook(report)["欠费明细"]
    assert [cell.value for cell in sheet[2]] == [
        "序号",
        "房号",
        "业主",
        "联系电话",
        "欠费月数",
        "最早欠费月份",
        "欠费金额（元）",
    ]
    rows = [row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] != "合计"]
    assert [row[1] for row in rows if not row[2]] == []
    assert {row[4] for row in rows if row[2] == developer} == {1}  # a month late, under its name
