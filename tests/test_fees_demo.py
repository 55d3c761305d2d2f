"""The demo estate's fees: twelve months of bills up to last month, payments, receipts voided and reprinted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from docx import Document

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
    assert (counts["  其中作废"], counts["  补打"], counts["收据 .docx（演示只生成这几张）"]) == (3, 3, 10)
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
    # The counted receipts, and today's red reversal of one of last month's.
    assert len(receipts) == counts["收据"] + 1 and sum(r.voided for r in receipts) == 3
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
    assert len(printed) == 10
    voided = next(path for path in printed if "作废" in path.name)
    assert "【作废】" in "\n".join(p.text for p in Document(str(voided)).paragraphs)
