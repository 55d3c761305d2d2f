"""Helpers for the extraction tests: an ArchiveItem for any file, and small Office/PDF files made in code."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from recordkit.archive.archivist import ArchiveItem
from recordkit.core.workspace import Workspace
from recordkit.demo.scans import pdf_of_objects


def item_for(
    workspace: Workspace, path: Path, archive_no: str = "YZ-2026-00001", title: str = "测试档案"
) -> ArchiveItem:
    """An ArchiveItem for a file below the workspace, as if it had been filed (no ledger needed)."""
    data = path.read_bytes()
    return ArchiveItem(
        archive_no=archive_no,
        prefix=archive_no.split("-")[0],
        year=2026,
        seq=int(archive_no.rsplit("-", 1)[1]),
        category="业主档案",
        unit="3-2-1201",
        title=title,
        topic=None,
        doc_date=None,
        pages=None,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        path=path.relative_to(workspace.root).as_posix(),
        original_name=path.name,
        source="inbox",
        source_mtime_ns=0,
        retention="永久",
        box=None,
        shelf=None,
        confidential=False,
        needs_review=False,
        review_reasons=(),
        note=None,
        filed_by="档案员",
        filed_at="2026-11-02T09:00:00+08:00",
    )


def write_docx(path: Path) -> Path:
    """A .docx with a header, a footer, two paragraphs and a 2x3 table."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "幸福里物业服务中心 装修管理协议"
    section.footer.paragraphs[0].text = "第 1 页 档号 HT-2026-00007"
    document.add_paragraph("甲方：业主张伟，房号 3-2-1201。")
    document.add_paragraph("乙方负责电梯维修期间的成品保护。")
    table = document.add_table(rows=2, cols=3)
    for row, values in enumerate((("项目", "金额", "日期"), ("装修押金", "2000元", "2025年3月15日"))):
        for col, value in enumerate(values):
            table.cell(row, col).text = value
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def write_xlsx(path: Path) -> Path:
    import datetime as dt

    import openpyxl

    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "收费台账"
    first.append(["房号", "业主", "金额（元）", "日期"])
    first.append(["3-2-1201", "张伟", 2350, dt.datetime(2025, 3, 15)])
    second = workbook.create_sheet("备注")
    second["B2"] = "电梯维修基金已缴"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a real text layer (Helvetica, ASCII lines)."""
    content = b"BT /F1 14 Tf 72 720 Td 18 TL " + b" ".join(b"(%s) '" % line.encode("ascii") for line in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    return pdf_of_objects(objects)


def cjk_text_pdf(pages: list[list[str]]) -> bytes:
    """A PDF with a real Chinese text layer, each page's ``lines`` one below the other, as many a contract or report
    is made: Adobe's STSong-Light (a standard CJK font, not embedded) with the UniGB-UCS2-H encoding, through which
    the reader maps each character back to Unicode."""
    kids = b" ".join(b"%d 0 R" % (5 + 2 * index) for index in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 >>",
    ]
    for index, lines in enumerate(pages):
        shown = b" ".join(b"<%s> '" % line.encode("utf-16-be").hex().encode("ascii") for line in lines)
        content = b"BT /F1 12 Tf 72 770 Td 16 TL " + shown + b" ET"
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (6 + 2 * index)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    return pdf_of_objects(objects)


class CountingEngine:
    """An OCR engine standing in for rapidocr: counts its calls and returns fixed text."""

    def __init__(self, text: str = "电梯维修记录", confidence: float | None = 0.95) -> None:
        self.calls = 0
        self.sizes: list[tuple[int, int]] = []
        self.text, self.confidence = text, confidence

    def recognize(self, image: Any) -> tuple[str, float | None]:
        self.calls += 1
        self.sizes.append(image.size)
        return f"{self.text}{self.calls}", self.confidence
