"""PDF copies through LibreOffice: one process for a whole batch, Chinese text and fonts inside.

The tests that convert need `soffice`: locally they skip without it; under CI=true they
fail, because CI installs LibreOffice (.ci/run) and must check the PDFs.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from recordkit.core.workspace import Workspace
from recordkit.documents import pdf
from recordkit.documents.notices import make_notices, remind, select_recipients
from recordkit.ledger.db import Ledger, open_ledger
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.documents_fixtures import pdf_text, soffice  # noqa: F401 (fixtures)
from tests.fees_fixtures import CASHIER, bill_months, small_estate


@pytest.fixture
def estate(workspace: Workspace, tmp_path: Path) -> Ledger:
    ledger = open_ledger(workspace.database_url)
    small_estate(ledger, tmp_path)
    yield ledger
    ledger.close()


def test_a_batch_is_one_libreoffice_run_with_chinese_text_and_embedded_fonts(
    soffice: str, workspace: Workspace, estate: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(command: list[str], *args: Any, **kwargs: Any) -> Any:
        calls.append(command)
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting_run)
    values = {"停水原因": "管网维修", "停水范围": "全小区", "停水时间": "12月5日8:00", "恢复时间": "当日18:00"}
    batch = make_notices(
        workspace, estate, "停水通知", select_recipients(estate, everyone=True), values, CASHIER, pdf=True
    )
    assert batch.pdf_problem is None
    assert len(calls) == 1, "one LibreOffice process for the whole batch"
    assert [d.path.name for d in batch.pdfs] == ["停水通知_1-1-101.pdf", "停水通知_3-2-1201.pdf"]
    first = pdf_text(batch.pdfs[0].path)
    assert len(first) == 1
    assert first[0].startswith("停水通知尊敬的张伟业主：因管网维修，测试小区将于12月5日8:00暂停供水")
    assert "测试物业服务中心（盖章处）" in first[0]
    assert "尊敬的李秀英业主" in pdf_text(batch.pdfs[1].path)[0]
    assert b"/FontFile" in batch.pdfs[0].path.read_bytes(), "fonts are embedded"
    assert {d.kind for d in batch.pdfs} == {"通知"} and batch.pdfs[0].title == "停水通知（PDF）"


def test_reminder_pdf_has_the_table_and_the_capitals(soffice: str, workspace: Workspace, estate: Ledger) -> None:
    import datetime as dt

    bill_months(estate, "2026-11")
    batch = remind(workspace, estate, CASHIER, building="3", merge=True, pdf=True, as_of=dt.date(2026, 11, 30))
    assert batch is not None and batch.pdf_problem is None and len(batch.pdfs) == 1
    pages = pdf_text(batch.pdfs[0].path)
    assert len(pages) == 1  # the vacant 3-2-1202 has no owner and gets no reminder
    assert "2026年11月物业服务费337.93" in pages[0] and "2026年11月垃圾清运费10.00" in pages[0]
    assert "合计人民币（大写）：叁佰肆拾柒元玖角叁分¥347.93" in pages[0]
    assert "3-2-1202" not in pages[0] and "尊敬的业主（住户）" not in pages[0]


def test_without_libreoffice_the_docx_is_still_made(
    run_cli: Any, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    result = run_cli("notice", "make", "温馨提示", "--all", "--set", "提示内容=注意防火", "--pdf")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (
        "注意：没有找到 LibreOffice，未生成 PDF（.docx 文件已生成，可直接用 Word/WPS 打印）。"
        "请安装 LibreOffice（Debian/Ubuntu：sudo apt-get install libreoffice-writer "
        "fonts-noto-cjk）"
    )
    made = sorted(p.name for p in workspace.records_subdir("generated").rglob("*.*") if p.is_file())
    assert made == ["温馨提示_1-1-101.docx", "温馨提示_3-2-1201.docx", "温馨提示送达签收表_全体.xlsx"]


def test_a_failed_conversion_leaves_no_pdf(tmp_path: Path) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'conversion failed' >&2\nexit 1\n")
    fake.chmod(0o755)
    source = tmp_path / "a.docx"
    source.write_bytes(b"x")
    with pytest.raises(pdf.PdfError, match="有 1 个文件没有转换成 PDF（conversion failed）"):
        pdf.convert_to_pdf([source], soffice=str(fake))
    assert not (tmp_path / "a.pdf").exists()
    assert pdf.convert_to_pdf([]) == []


def test_exit_pass_pdf(soffice: str, workspace: Workspace, estate: Ledger) -> None:
    from recordkit.documents.certificates import make_certificate

    made = make_certificate(workspace, estate, "出门条", "1-1-101", CASHIER, items="冰箱1台,洗衣机1台", pdf=True)
    assert made.pdf is not None and made.pdf_problem is None
    assert made.pdf.path == made.document.path.with_suffix(".pdf")
    text = pdf_text(made.pdf.path)[0]
    assert f"编号：{made.number}" in text and "1冰箱1台" in text and "2洗衣机1台" in text
    assert "业主授权：本人系1栋1单元101室业主张伟" in text
