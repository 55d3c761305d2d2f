"""The demo estate's renovation files: two units, every paper printed and readable."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from docx import Document

from recordkit.core.workspace import open_workspace
from recordkit.demo.estate import DemoReport
from recordkit.ledger import journal
from recordkit.ledger.db import open_ledger
from recordkit.renovations.records import list_renovations


def test_the_demo_has_a_full_renovation_file(tmp_path: Path, demo_estate: DemoReport) -> None:
    report = demo_estate
    counts = dict(report.counts)
    assert (counts["装修登记"], counts["  装修文书 .docx"]) == (2, 8)
    workspace = open_workspace(tmp_path / "demo", environ={})
    with open_ledger(workspace.database_url) as ledger:
        done, under_way = list_renovations(ledger)
        with ledger.read() as conn:
            assert journal.verify(conn).ok
    assert (done.status_label, done.refund_fen, done.deduction_fen) == ("已退押金", 180000, 20000)
    assert (under_way.status_label, under_way.due_fen, len(under_way.valid_passes)) == ("验收不合格", 0, 3)
    assert [p.replaces for p in under_way.passes] == [None, None, None, f"{under_way.number}-01"]
    generated = workspace.records_dir / "generated"
    # One worker of the demo holds a passport: his card prints its number under 护照号码.
    cards = [
        line
        for paper in generated.rglob("临时出入证*.docx")
        for table in Document(str(paper)).tables
        for row in table.rows
        for cell in row.cells
        for line in cell.text.splitlines()
    ]
    assert "护照号码：C4821937" in cards
    refund = next(generated.rglob(f"装修押金退款单{done.number}_*.docx"))
    rows = [[cell.text for cell in row.cells] for row in Document(str(refund)).tables[0].rows]
    assert rows[5][1] == "¥1,800.00 元    退款方式：现金" and rows[6][1] == "人民币 壹仟捌佰元整"
    agreements = sorted(generated.rglob("装饰装修管理协议*.docx"))
    assert len(agreements) == 2
    assert any(done.owner in p.text for p in Document(str(agreements[0])).paragraphs)


def test_the_demo_prints_the_receipt_of_what_its_refund_kept(tmp_path: Path, demo_estate: DemoReport) -> None:
    """The 200.00 the refund kept from the deposit had its receipt (收款方式 押金转入) in the ledger and no .docx, unlike
    the receipts printed at the counter that day.  Now it is printed with the 退款单, as ``renovation refund`` prints
    it, three copies of it on the page, and the summary's count of receipt .docx counts it."""
    workspace = open_workspace(tmp_path / "demo", environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        [number] = conn.execute(
            sa.text(
                "SELECT r.number FROM receipts r JOIN payments p ON p.id = r.payment_id WHERE p.method = '押金转入'"
            )
        ).scalars()
    generated = workspace.records_dir / "generated"
    [paper] = generated.rglob(f"收据{number}_*.docx")
    document = Document(str(paper))
    text = "\n".join(p.text for p in document.paragraphs)
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert text.count("收款方式：押金转入") == 3
    assert rows.count(["合计人民币（大写）：贰佰元整"] * 2 + ["¥200.00"]) == 3
    printed = list(generated.rglob("收据*.docx"))
    assert dict(demo_estate.counts)["收据 .docx（演示只生成这几张）"] == len(printed) == 11
