"""The demo estate's documents: a building-wide notice, a reminder batch and certificates."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from recordkit.billing.arrears import list_arrears
from recordkit.core.workspace import open_workspace
from recordkit.demo.estate import DemoReport
from recordkit.documents.certificates import list_certificates
from recordkit.documents.generated import list_documents
from recordkit.ledger.db import open_ledger
from recordkit.owners.roster import list_units


def test_the_demo_prints_a_notice_reminders_and_certificates(tmp_path: Path, demo_estate: DemoReport) -> None:
    report = demo_estate
    workspace = open_workspace(tmp_path / "demo", environ={})
    with open_ledger(workspace.database_url) as ledger:
        label, notified = next((k, v) for k, v in report.counts if k.startswith("停水通知（"))
        building = label.removeprefix("停水通知（").split("栋")[0]
        occupied = [v for v in list_units(ledger, building) if v.status == "occupied"]
        label, reminded = next((k, v) for k, v in report.counts if k.startswith("催缴通知书（"))
        debtors = label.removeprefix("催缴通知书（").split("栋")[0]
        # Reminders go to owners: a vacant unit with no owner owes, but there is nobody to hand one to.
        long_arrears = [row for row in list_arrears(ledger, building=debtors) if row.months >= 3 and row.owner]
        documents = list_documents(workspace, ledger)
        issued = list_certificates(ledger)
    assert notified == len(occupied) > 0
    water = next(d for d in documents if d.template == "停水通知" and d.kind == "通知")
    salutations = [p.text for p in Document(str(water.path)).paragraphs if p.text.startswith("尊敬的")]
    assert len(salutations) == len(occupied)
    reminders = [d for d in documents if d.kind == "催缴通知书"]
    assert reminded == len(reminders) == len(long_arrears) > 0
    owed = {row.unit: row.amount_fen for row in long_arrears}
    for reminder in reminders[:5]:
        total = Document(str(reminder.path)).tables[0].rows[-1].cells[2].text
        assert total == f"¥{owed[reminder.subject] / 100:,.2f}"
    assert sorted(c["kind"] for c in issued) == ["出门条", "居住证明", "缴费证明"]
    assert {d.kind for d in documents} >= {"通知", "催缴通知书", "证明", "出门条", "送达签收表", "收据"}
