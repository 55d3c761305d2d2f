"""Filing scans: numbers, placement, sidecars and rows, every metadata source, quarantine reasons,
duplicates, GBK names and traversal attempts; the catalogue, loans and verify."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import sqlite3
import stat
import time
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine

from recordkit.archive import archivist as archivist_module
from recordkit.archive.archivist import (
    Archivist,
    Loan,
    flag_metadata,
    get_item,
    lend,
    lent_note,
    list_items,
    list_loans,
    list_quarantined,
    paper_state,
    return_item,
    returned_note,
    update_item,
    verify,
)
from recordkit.archive.intake import update_and_index
from recordkit.archive.rules import Metadata
from recordkit.core.errors import ConflictError, NotFoundError, UsageError, ValidationError
from recordkit.core.workspace import Workspace
from recordkit.demo.scans import encrypted_pdf, scan_bytes, write_scan
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.ledger.schema import archive_items
from recordkit.owners.roster import import_owners
from tests.archive_helpers import archive_ledger as ledger  # noqa: F401  (fixtures)
from tests.archive_helpers import (
    archive_workspace,
    archivist,
    count_listings,
    count_stats,
    scans_with_sidecars,
    sidecar_of,
    tree,
)
from tests.archive_helpers import archive_ws as ws
from tests.conftest import write_sheet


@pytest.fixture
def clerk(ws: Workspace, ledger: Ledger) -> Archivist:
    return archivist(ws, ledger)


def inbox(ws: Workspace) -> Path:
    return ws.root / "records" / "inbox"


def drop(ws: Workspace, name: str, seed: int = 1, pages: int = 1) -> Path:
    return write_scan(inbox(ws) / name, seed, pages)


# -- filing ----------------------------------------------------------------------------------


def test_a_scan_is_numbered_placed_read_only_with_sidecar_row_and_journal(
    ws: Workspace, ledger: Ledger, clerk: Archivist
) -> None:
    source = drop(ws, "3-2-1201_产权证明_20261102.pdf", pages=3)
    content = source.read_bytes()
    outcome = clerk.file(source)
    assert outcome.status == "filed"
    item = outcome.item
    assert item is not None
    assert (item.archive_no, item.category, item.unit, item.title, item.pages) == (
        "YZ-2026-00001",
        "业主档案",
        "3-2-1201",
        "产权证明",
        3,
    )
    assert item.path == "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf"
    placed = ws.root / item.path
    assert placed.read_bytes() == content
    assert not source.exists()
    assert not placed.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    sidecar = sidecar_of(ws, item.path)
    import hashlib

    assert sidecar["sha256"] == hashlib.sha256(content).hexdigest()
    assert sidecar["original_name"] == "3-2-1201_产权证明_20261102.pdf"
    assert (sidecar["pages"], sidecar["filed_by"], sidecar["retention"], sidecar["doc_date"]) == (
        3,
        "档案员",
        "永久",
        "2026-11-02",
    )
    assert sidecar["needs_review"] is False
    assert get_item(ledger, "yz-2026-00001") == item
    with ledger.read() as conn:
        entry = journal.recent(conn, 1)[0]
        assert (entry.action, entry.key, entry.operator) == ("archive.file", "YZ-2026-00001", "档案员")
        assert journal.verify(conn).ok


def test_numbers_run_per_category_and_year_without_gaps(ws: Workspace, clerk: Archivist) -> None:
    names = [
        "3-2-1201_产权证明_20261102.pdf",
        "1-1-101_身份证_20261101.jpg",
        "电梯维保记录_20261020.png",
        "1-1-102_入住登记_20250105.pdf",
        "3-2-1202 装修申请 2026-10-01.tif",
    ]
    numbers = [clerk.file(drop(ws, name, seed)).item.archive_no for seed, name in enumerate(names)]  # type: ignore[union-attr]
    assert numbers == ["YZ-2026-00001", "YZ-2026-00002", "GC-2026-00001", "YZ-2025-00001", "YZ-2026-00003"]


def test_every_metadata_source_and_their_order(ws: Workspace, ledger: Ledger, clerk: Archivist) -> None:
    # The folder path.
    folder_scan = drop(ws, "业主档案/3栋2单元1201/产权证明.pdf", seed=1)
    # A JSON sidecar beats the folder and the name.
    sidecar_scan = drop(ws, "工程档案/电梯/1-1-101_说明书.pdf", seed=2)
    (sidecar_scan.parent / "1-1-101_说明书.pdf.json").write_text(
        json.dumps(
            {"类别": "合同", "题名": "电梯维保合同", "盒号": "HT-01", "架位": "B-1-2", "日期": "2026-03-01"},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    # The scanner's .txt, in GBK.
    txt_scan = drop(ws, "scan0003.jpg", seed=3)
    (inbox(ws) / "scan0003.txt").write_bytes("类别: 财务档案\n题名: 十月收据存根\n保管期限: 30年\n".encode("gbk"))
    # Flags beat everything.
    flagged = drop(ws, "财务档案/3-2-1201_发票.png", seed=4)
    results = [
        clerk.file(folder_scan),
        clerk.file(sidecar_scan),
        clerk.file(txt_scan),
        clerk.file(
            flagged, flag_metadata("工程档案", "1-1-102", "电梯图纸", "2026-11-30", None, None, None, None, clerk.rules)
        ),
    ]
    got = [
        (
            r.item.archive_no,
            r.item.category,
            r.item.unit,
            r.item.title,
            r.item.topic,
            r.item.box,  # type: ignore[union-attr]
            r.item.shelf,
            r.item.retention,
        )
        for r in results
    ]  # type: ignore[union-attr]
    assert got == [
        ("YZ-2026-00001", "业主档案", "3-2-1201", "产权证明", None, None, None, "永久"),
        ("HT-2026-00001", "合同协议档案", "1-1-101", "电梯维保合同", "电梯", "HT-01", "B-1-2", "长期"),
        ("CW-2026-00001", "财务档案", None, "十月收据存根", None, None, None, "30年"),
        ("GC-2026-00001", "工程档案", "1-1-102", "电梯图纸", None, None, None, "永久"),
    ]
    assert tree(inbox(ws)) == []  # the sidecars went with their scans
    kept = sidecar_of(ws, results[2].item.path)  # type: ignore[union-attr]
    assert kept["scanner_sidecar"] == {"类别": "财务档案", "题名": "十月收据存根", "保管期限": "30年"}
    assert kept["original_name"] == "scan0003.jpg"


@pytest.mark.parametrize(
    ("name", "sidecar"),
    [
        ("scan0001.pdf.json", '{"房号": "3-2-1201", "题名": "购房合同", "日期": "2019-09-15 10:30:00"}'),
        ("scan0001.pdf.json", '{"房号": "3-2-1201", "题名": "购房合同", "日期": "2019-09-15T10:30:00"}'),
        ("scan0001.txt", "房号: 3-2-1201\n题名: 购房合同\n日期: 2019年9月15日 10:30\n"),
    ],
)
def test_a_sidecar_date_with_the_time_of_the_scan_dates_the_document(
    ws: Workspace, clerk: Archivist, name: str, sidecar: str
) -> None:
    # Scanning software writes the moment after the day; the day is the document's, and its year the number's.
    scan = drop(ws, "scan0001.pdf")
    (inbox(ws) / name).write_text(sidecar, encoding="utf-8")
    item = clerk.file(scan).item
    assert item is not None
    assert (item.archive_no, item.doc_date, item.title, item.needs_review) == (
        "YZ-2019-00001",
        dt.date(2019, 9, 15),
        "购房合同",
        False,
    )


@pytest.mark.parametrize("month", ["2024年5月", "2024-05", "2024.5"])
def test_a_sidecar_date_of_a_month_dates_the_document_as_a_file_names_month_does(
    ws: Workspace, clerk: Archivist, month: str
) -> None:
    # The same month in the file name (电梯维保记录_2024年5月) files the record in 2024: so does its sidecar's.
    scan = drop(ws, "scan0002.pdf")
    (inbox(ws) / "scan0002.pdf.json").write_text(
        json.dumps({"类别": "工程档案", "题名": "电梯维保记录", "日期": month}, ensure_ascii=False), encoding="utf-8"
    )
    item = clerk.file(scan).item
    assert item is not None
    assert (item.archive_no, item.doc_date, item.needs_review) == ("GC-2024-00001", dt.date(2024, 5, 1), False)


def test_an_unknown_category_or_unit_is_filed_for_review(ws: Workspace, ledger: Ledger, clerk: Archivist) -> None:
    unknown = clerk.file(drop(ws, "IMG_0001.jpg", 1)).item
    no_unit = clerk.file(drop(ws, "业主档案/产权证明.pdf", 2)).item
    not_in_ledger = clerk.file(drop(ws, "9-9-909_产权证明_20261101.pdf", 3)).item
    assert unknown is not None and no_unit is not None and not_in_ledger is not None
    assert (unknown.archive_no, unknown.category, unknown.review_reasons) == (
        "WF-2026-00001",
        "未分类",
        ("无法判断档案类别",),
    )
    assert no_unit.review_reasons == ("业主档案没有识别出房号",)
    assert not_in_ledger.review_reasons == ("台账中没有房屋 9-9-909",)
    assert [item.archive_no for item in list_items(ledger, review=True)] == [
        "WF-2026-00001",
        "YZ-2026-00001",
        "YZ-2026-00002",
    ]


def test_docx_xlsx_and_multipage_tiff_are_accepted(ws: Workspace, clerk: Archivist) -> None:
    from docx import Document
    from openpyxl import Workbook

    document = Document()
    document.add_paragraph("保洁服务合同")
    document.save(inbox(ws) / "保洁服务合同.docx")
    workbook = Workbook()
    workbook.active.append(["收据号", "金额"])
    workbook.save(inbox(ws) / "十月收费台账.xlsx")
    tiff = drop(ws, "竣工图纸.tif", pages=4)
    outcomes = [
        clerk.file(inbox(ws) / "保洁服务合同.docx"),
        clerk.file(inbox(ws) / "十月收费台账.xlsx"),
        clerk.file(tiff),
    ]
    assert [(o.status, o.item.category, o.item.pages) for o in outcomes] == [  # type: ignore[union-attr]
        ("filed", "合同协议档案", 1),
        ("filed", "财务档案", None),
        ("filed", "工程档案", 4),
    ]


@pytest.mark.parametrize("before", [b"\r\n", b"\xef\xbb\xbf", b"\n" * 40])
def test_a_pdf_whose_header_follows_a_few_bytes_is_filed_as_every_reader_opens_it(
    ws: Workspace, clerk: Archivist, before: bytes
) -> None:
    # A PDF downloaded from a web system (an electronic invoice) often starts with a blank line or a byte-order
    # mark: pdfium and every viewer look for %PDF- in the first kilobyte and open it.
    content = before + scan_bytes("pdf", 1, 3)
    path = inbox(ws) / "财务_电子发票_20261102.pdf"
    path.write_bytes(content)
    outcome = clerk.file(path)
    assert outcome.status == "filed", outcome.reason
    assert outcome.item is not None and (outcome.item.category, outcome.item.pages) == ("财务档案", 3)
    assert (ws.root / outcome.item.path).read_bytes() == content


def _fake_docx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a word file")


QUARANTINE_CASES = [
    (
        "说明.doc",
        lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0old word"),
        "不支持的文件类型 .doc：只归档 PDF、JPG/PNG、TIFF、DOCX、XLSX",
    ),
    (
        "无扩展名",
        lambda p: p.write_bytes(b"data"),
        "不支持的文件类型 （无扩展名）：只归档 PDF、JPG/PNG、TIFF、DOCX、XLSX",
    ),
    ("空白.pdf", lambda p: p.write_bytes(b""), "空文件（扫描仪没有写入内容），请重新扫描"),
    ("坏.pdf", lambda p: p.write_bytes(b"%PDF-1.4\nthis is not a pdf"), "PDF 文件已损坏，无法打开：请重新扫描"),
    ("加密.pdf", lambda p: p.write_bytes(encrypted_pdf()), "PDF 设置了打开密码，无法读取：请去掉密码后重新放入收件箱"),
    (
        "其实是图片.pdf",
        lambda p: p.write_bytes(scan_bytes("jpg", 1)),
        "文件内容不是 PDF（扩展名是 .pdf）：文件已损坏或扩展名写错",
    ),
    (  # a Latin name after Chinese words has a space before it (不是 Word 文档), a Chinese one none (不是图片)
        "其实是文本.docx",
        lambda p: p.write_bytes(b"plain text, not a zip"),
        "文件内容不是 Word 文档（扩展名是 .docx）：文件已损坏或扩展名写错",
    ),
    (
        "其实是文本.xlsx",
        lambda p: p.write_bytes(b"plain text"),
        "文件内容不是 Excel 表格（扩展名是 .xlsx）：文件已损坏或扩展名写错",
    ),
    (
        "其实是PDF.tif",
        lambda p: p.write_bytes(b"%PDF-1.4\n"),
        "文件内容不是 TIFF（扩展名是 .tif）：文件已损坏或扩展名写错",
    ),
    (
        "其实是PDF.png",
        lambda p: p.write_bytes(b"%PDF-1.4\n"),
        "文件内容不是图片（扩展名是 .png）：文件已损坏或扩展名写错",
    ),
    ("半张.jpg", lambda p: p.write_bytes(scan_bytes("jpg", 1)[:400]), "图片文件已损坏或不完整，无法打开：请重新扫描"),
    (  # a multi-page TIFF cut short, as a scanner still writing it leaves it (Pillow: TypeError, not OSError)
        "半截.tif",
        lambda p: p.write_bytes(scan_bytes("tiff", 1, 3)[:3760]),
        "图片文件已损坏或不完整，无法打开：请重新扫描",
    ),
    (  # an OLE file whose directory names the EncryptedPackage stream, as Word's password protection writes it
        "加密.docx",
        lambda p: p.write_bytes(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le")
        ),
        "Word 文档设置了密码，无法读取：请去掉密码后重新放入收件箱",
    ),
    (  # a Word 97-2003 file (OLE, its WordDocument stream) renamed .docx: no password, an old format
        "旧版.docx",
        lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "WordDocument".encode("utf-16-le")),
        "文件内容是旧版 .doc 格式，扩展名却是 .docx：请用 Word 或 WPS 打开后另存为 .docx，再放入收件箱",
    ),
    ("坏.docx", _fake_docx, "Word 文档已损坏，无法打开：请重新保存后再放入收件箱"),
    ("坏.xlsx", lambda p: p.write_bytes(b"PK\x03\x04broken"), "Excel 表格已损坏，无法打开：请重新保存后再放入收件箱"),
    (  # its last 40 bytes missing: Pillow only warns ("Truncated File Read") and decoded a damaged last page
        "缺了结尾.tif",
        lambda p: p.write_bytes(scan_bytes("tiff", 1, 3)[:-40]),
        "图片文件已损坏或不完整，无法打开：请重新扫描",
    ),
    (  # a scanner's sidecar whose scan is not there (not yet written, or filed before the sidecar came)
        "产权证明.pdf.json",
        lambda p: p.write_text('{"房号": "3-2-1201"}', encoding="utf-8"),
        "这是扫描件 产权证明.pdf 的说明文件，但旁边没有这个扫描件，没有归档：请把扫描件和说明文件放在一起后再归档",
    ),
]


@pytest.mark.parametrize(("name", "make", "reason"), QUARANTINE_CASES, ids=[c[0] for c in QUARANTINE_CASES])
def test_what_cannot_be_filed_goes_to_quarantine_with_a_chinese_note(
    ws: Workspace, ledger: Ledger, clerk: Archivist, name: str, make, reason: str
) -> None:  # type: ignore[no-untyped-def]
    path = inbox(ws) / name
    make(path)
    content = path.read_bytes()
    outcome = clerk.file(path)
    assert (outcome.status, outcome.reason) == ("quarantined", reason)
    assert not path.exists()
    quarantined = ws.root / outcome.quarantine_path  # type: ignore[operator]
    assert quarantined.read_bytes() == content
    note = quarantined.with_name(quarantined.name + ".原因.txt").read_text(encoding="utf-8")
    assert f"原因：{reason}" in note and f"文件：{name}" in note
    assert list_items(ledger) == []
    assert tree(ws.root / "records" / "archive") == []


def test_a_folder_of_scans_with_their_sidecars_is_listed_once_for_the_filing_not_once_a_file(
    ws: Workspace, clerk: Archivist, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Telling whether 扫描001.txt is a scan's sidecar listed the whole folder at each look: ``recordkit file`` of a
    # folder of 1,000 scans with their sidecars took 4–5 s to look through it.  Now the filing lists it once (and its
    # walk once), and every scan still takes its own sidecar.
    folder = tmp_path / "扫描件"
    scans_with_sidecars(folder, 300)
    listed = count_listings(monkeypatch)
    outcomes = clerk.file_paths([folder])
    monkeypatch.undo()
    assert [outcome.status for outcome in outcomes] == ["filed"] * 300
    assert listed.count(str(folder)) <= 2, listed.count(str(folder))
    with sqlite3.connect(ws.root / "records" / "ledger.sqlite3") as db:
        rows = db.execute("SELECT original_name, unit, title FROM archive_items ORDER BY original_name").fetchall()
    assert rows == [(f"扫描{number:03}.pdf", "3-2-1201", f"产权证明第{number}份") for number in range(1, 301)]
    assert len(os.listdir(folder)) == 600  # a clerk's folder: the scans and sidecars stay


def test_looking_through_a_folder_stats_none_of_its_files_one_by_one(
    clerk: Archivist, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ``recordkit file`` of a folder looked at each file again after listing it — where it leads (a stat of each folder
    # above it) and whether it is a link —: now the listing says which are links, and a file that is none lies where
    # its folder does.  What the look finds is unchanged: the scans, their sidecars skipped.
    folder = tmp_path / "扫描件"
    scans_with_sidecars(folder, 30)
    stated = count_stats(monkeypatch)
    looked = list(clerk.expand([folder]))
    monkeypatch.undo()
    assert [path.name for path, _ in looked] == [f"扫描{number:03}.pdf" for number in range(1, 31)]
    assert [path for path in stated if os.path.dirname(path) == str(folder)] == []


def test_looking_through_a_folder_asks_each_files_name_and_each_folders_place_once(
    clerk: Archivist, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The look asked rules.why_not_filed twice of each file (left_alone, then skipped; both are left_alone now) and,
    # of each file, whether it lies in the inbox or the workspace's own folders (five Path.is_relative_to a file); now
    # each name once, and the place once a folder.  What the look finds is unchanged: the scans, their sidecars skipped.
    folder = tmp_path / "扫描件"
    scans_with_sidecars(folder, 30)
    asked: list[str] = []
    placed: list[str] = []
    real_why, real_relative = archivist_module.why_not_filed, Path.is_relative_to

    def why_not_filed(name: str, patterns: Any) -> str | None:
        asked.append(name)
        return real_why(name, patterns)

    def is_relative_to(self: Path, other: Any) -> bool:
        placed.append(str(self))
        return real_relative(self, other)

    monkeypatch.setattr(archivist_module, "why_not_filed", why_not_filed)
    monkeypatch.setattr(Path, "is_relative_to", is_relative_to)
    looked = list(clerk.expand([folder]))
    monkeypatch.undo()
    assert [path.name for path, _ in looked] == [f"扫描{number:03}.pdf" for number in range(1, 31)]
    assert sorted(asked) == sorted(os.listdir(folder))  # each of the 60 names once
    assert len(placed) <= 10, len(placed)  # the folder's place (inbox, records/, templates/, recordkit.toml) once


@pytest.mark.parametrize("sidecar", ["scan0007.pdf.json", "scan0007.json"])
def test_a_sidecar_that_comes_after_its_scan_was_filed_says_where_the_scan_went(
    ws: Workspace, clerk: Archivist, sidecar: str
) -> None:
    # The scan was filed at once; its sidecar, written by hand a minute later, finds it gone.  "Put the scan back
    # beside it" would only quarantine the scan as a copy of what is filed.
    item = clerk.file(drop(ws, "scan0007.pdf")).item
    assert item is not None and item.archive_no == "WF-2026-00001"
    late = inbox(ws) / sidecar
    late.write_text('{"类别": "业主档案", "房号": "3-2-1201", "题名": "产权证明"}', encoding="utf-8")
    outcome = clerk.file(late)
    assert (outcome.status, outcome.reason) == (
        "quarantined",
        "这是扫描件 scan0007.pdf 的说明文件，但扫描件在它之前已归档为 WF-2026-00001（scan0007），说明文件没有用上："
        "请按说明文件核对后改正 WF-2026-00001 的登记",
    )


def test_a_late_sidecars_note_names_its_items_number_as_it_is_now(
    ws: Workspace, ledger: Ledger, clerk: Archivist
) -> None:
    """The note of a late sidecar named WF-2026-00001 after the item was renumbered HT-2026-00001 (archive review:
    改正 WF-2026-00001 的登记, a number no longer on any file); now the number the item has today, the note unchanged."""
    item = clerk.file(drop(ws, "scan0007.pdf")).item
    assert item is not None and item.archive_no == "WF-2026-00001"
    late = inbox(ws) / "scan0007.json"
    late.write_text('{"类别": "合同", "题名": "保洁合同"}', encoding="utf-8")
    assert clerk.file(late).status == "quarantined"
    update_and_index(ws, ledger, "WF-2026-00001", "档案员", category="合同")
    [entry] = list_quarantined(ws, ledger)
    assert entry.reason == (
        "这是扫描件 scan0007.pdf 的说明文件，但扫描件在它之前已归档为 HT-2026-00001（scan0007），说明文件没有用上："
        "请按说明文件核对后改正 HT-2026-00001 的登记（档号 WF-2026-00001 已改为 HT-2026-00001）"
    )
    note = next((ws.root / "records" / "quarantine").glob("*.原因.txt")).read_text(encoding="utf-8")
    assert "改正 WF-2026-00001 的登记" in note  # what was written stays as it was


@pytest.mark.parametrize("sidecar", ["SCAN0007.TXT", "SCAN0007.txt", "SCAN0007.json", "SCAN0007.pdf.json"])
def test_a_scanners_late_sidecar_finds_its_scan_whatever_the_case_of_its_extension(
    ws: Workspace, clerk: Archivist, sidecar: str
) -> None:
    # A scanner writes SCAN0007.PDF, then its SCAN0007.TXT a moment later: the scan was filed before the sidecar came.
    # The sidecar was quarantined as 不支持的文件类型 .txt (its scan looked for as SCAN0007.pdf only), which says
    # nothing of the scan filed without it; now it says where the scan went, as a lower-case scan's sidecar does.
    item = clerk.file(drop(ws, "SCAN0007.PDF")).item
    assert item is not None and item.archive_no == "WF-2026-00001"
    late = inbox(ws) / sidecar
    late.write_text("房号: 3-2-1201\n题名: 产权证明\n", encoding="utf-8")
    outcome = clerk.file(late)
    assert (outcome.status, outcome.reason) == (
        "quarantined",
        "这是扫描件 SCAN0007.PDF 的说明文件，但扫描件在它之前已归档为 WF-2026-00001（SCAN0007），说明文件没有用上："
        "请按说明文件核对后改正 WF-2026-00001 的登记",
    )


@pytest.mark.parametrize(
    ("scan", "sidecar", "shown", "title"),
    [
        ("扫描005\u200b.pdf", "扫描005.pdf.json", "扫描005<U+200B>.pdf", "扫描005"),
        ("扫描005\ufeff.pdf", "扫描005.pdf.json", "扫描005<U+FEFF>.pdf", "扫描005"),
        ("\ufeff扫描005.pdf", "扫描005.pdf.json", "<U+FEFF>扫描005.pdf", "扫描005"),
        ("扫描005\u00a0.pdf", "扫描005.pdf.json", "扫描005\u00a0.pdf", "扫描005"),
        ("扫描005\u200b.pdf", "扫描005.txt", "扫描005<U+200B>.pdf", "扫描005"),
        ("Cafe\u0301档案.pdf", "Caf\u00e9档案.pdf.json", "Cafe\u0301档案.pdf", "Caf\u00e9档案"),
        ("Caf\u00e9档案.pdf", "Cafe\u0301档案.pdf.json", "Caf\u00e9档案.pdf", "Caf\u00e9档案"),
        # A Windows scanner's GBK names: kept read as Chinese, compared read alike.
        (os.fsdecode("扫描007.pdf".encode("gbk")), os.fsdecode("扫描007.txt".encode("gbk")), "扫描007.pdf", "扫描007"),
    ],
)
def test_a_late_sidecar_finds_its_scan_whose_name_holds_an_invisible_character_or_is_decomposed(
    ws: Workspace, clerk: Archivist, scan: str, sidecar: str, shown: str, title: str
) -> None:
    # A phone's or scanner's software left a zero-width blank (or a BOM, a no-break blank) in the scan's name, or a
    # Mac share sent it decomposed (NFD); the sidecar comes an hour later under the plain name.  Beside each other the
    # two are matched; the late sidecar was not: its note said 不支持的文件类型, nothing of the scan filed without it.
    item = clerk.file(drop(ws, scan)).item
    assert item is not None and item.archive_no == "WF-2026-00001"
    late = inbox(ws) / sidecar
    late.write_text('{"房号": "3-2-1201", "题名": "产权证明"}', encoding="utf-8")
    an_hour_later = item.source_mtime_ns / 1e9 + 3600
    os.utime(late, (an_hour_later, an_hour_later))
    outcome = clerk.file(late)
    assert (outcome.status, outcome.reason) == (
        "quarantined",
        f"这是扫描件 {shown} 的说明文件，但扫描件在它之前已归档为 WF-2026-00001（{title}），说明文件没有用上："
        "请按说明文件核对后改正 WF-2026-00001 的登记",
    )


@pytest.mark.parametrize("scan", ["\ufeff扫描006.pdf", "扫描\u200b006.pdf"])
def test_a_sidecar_beside_a_scan_with_an_invisible_character_inside_its_name_is_taken(
    ws: Workspace, clerk: Archivist, scan: str
) -> None:
    # A BOM before the name or a zero-width blank inside it: the sidecar 扫描006.pdf.json beside it was filed on its
    # own as 不支持的文件类型 and the scan filed without its 类别 and 题名.
    path = drop(ws, scan)
    (inbox(ws) / "扫描006.pdf.json").write_text('{"类别": "工程档案", "题名": "电梯维保记录"}', encoding="utf-8")
    item = clerk.file(path).item
    assert item is not None
    assert (item.archive_no, item.title) == ("GC-2026-00001", "电梯维保记录")
    assert sorted(os.listdir(inbox(ws))) == []


def test_a_sidecar_never_names_an_older_scan_of_the_same_reused_name(ws: Workspace, clerk: Archivist) -> None:
    # The scanner's counter came round again: SCAN0001.PDF was filed in the summer; today's SCAN0001.TXT comes
    # without its scan.  Its note named the summer's WF-2026-00001 as the scan it describes, and the archivist
    # corrected an unrelated item by it.  Only a scan made about when the sidecar was (the same day) is named.
    summer = drop(ws, "SCAN0001.PDF")
    months_ago = time.time() - 150 * 86400
    os.utime(summer, (months_ago, months_ago))
    old = clerk.file(summer).item
    assert old is not None and old.archive_no == "WF-2026-00001"
    late = inbox(ws) / "SCAN0001.TXT"
    late.write_text("房号: 3-2-1201\n题名: 产权证明\n", encoding="utf-8")
    outcome = clerk.file(late)
    assert (outcome.status, outcome.reason) == (
        "quarantined",
        "这是扫描件 SCAN0001 的说明文件，但旁边没有这个扫描件；以前归档过同名的扫描件，但都不是与它同一天扫描的，"
        "看不出它说的是哪一件，说明文件没有用上：请把扫描件和说明文件放在一起后再归档；扫描件已归档的，"
        "请按说明文件核对是哪一件后改正它的登记",
    )


def test_a_file_put_back_from_the_quarantine_is_dated_by_its_own_name(ws: Workspace, clerk: Archivist) -> None:
    # The note says: put the corrected file back into records/inbox/.  Its quarantine name starts with the time
    # it was quarantined, which is no date of the document.
    empty = inbox(ws) / "3-2-1201_购房合同_20190915.pdf"
    empty.write_bytes(b"")
    empty.with_name("3-2-1201_购房合同_20190915.txt").write_text("盒号: 业主-003\n", encoding="utf-8")  # the scanner's
    outcome = clerk.file(empty)
    assert outcome.status == "quarantined"
    quarantined = ws.root / outcome.quarantine_path  # type: ignore[operator]
    assert quarantined.name.endswith("_3-2-1201_购房合同_20190915.pdf")
    sidecar = quarantined.with_name(quarantined.name + ".说明.txt")
    assert sidecar.exists()
    # Rescanned into the same file, and both moved back as they are named.
    quarantined.write_bytes(scan_bytes("pdf", 2))
    for moved in (quarantined, sidecar):
        moved.rename(inbox(ws) / moved.name)
    item = clerk.file(inbox(ws) / quarantined.name).item
    assert item is not None
    assert (item.archive_no, item.doc_date, item.title, item.unit, item.box) == (
        "YZ-2019-00001",
        dt.date(2019, 9, 15),
        "购房合同",
        "3-2-1201",
        "业主-003",
    )
    assert tree(inbox(ws)) == []  # the sidecar went with its scan


@pytest.mark.parametrize(
    ("name", "title", "unit", "date"),
    [
        # A phone's or camera's own name says nothing of the document: no part of it is its title.
        ("IMG_20261120_101500.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("业主档案/3-2-1201/IMG_20261120_101500.jpg", "3-2-1201 业主档案", "3-2-1201", dt.date(2026, 11, 20)),
        ("工程档案/DSC_20261103_083012.jpg", "工程档案", None, dt.date(2026, 11, 3)),
        ("3-2-1201/PXL_20261120_101500123.jpg", "3-2-1201 业主档案", "3-2-1201", dt.date(2026, 11, 20)),
        ("3-2-1201/MVIMG_20261120_101500.jpg", "3-2-1201 业主档案", "3-2-1201", dt.date(2026, 11, 20)),
        # WeChat's milliseconds since 1970: the day they fall on at the office (00:30 on 2026-11-20 in Shanghai,
        # 16:30 on the 19th in UTC); one outside the books' years (1970) is no date
        ("3-2-1201/mmexport1700000000000.jpg", "3-2-1201 业主档案", "3-2-1201", dt.date(2023, 11, 15)),
        ("mmexport1795105800000.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("mmexport1234567890.jpg", "扫描件", None, None),
        # WhatsApp's, screenshots' (Android, MIUI with its app, macOS and Windows in Chinese), a camera's suffixes
        ("IMG-20261120-WA0001.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("3-2-1201/IMG-20261120-WA0012.jpg", "3-2-1201 业主档案", "3-2-1201", dt.date(2026, 11, 20)),
        ("Screenshot_20261120-101500.png", "扫描件", None, dt.date(2026, 11, 20)),
        ("Screenshot_2026-11-20-10-15-00-123_com.tencent.mm.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("截屏2026-11-20 10.15.00.png", "扫描件", None, dt.date(2026, 11, 20)),
        ("工程档案/屏幕截图 2026-11-20 101500.png", "工程档案", None, dt.date(2026, 11, 20)),
        ("屏幕截图(1).png", "扫描件", None, None),
        ("IMG_20261120_101500_HDR.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("IMG_20261120_101500_BURST001_COVER.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("3-2-1201/IMG_20261120_101500_BURST002.jpg", "3-2-1201 业主档案", "3-2-1201", dt.date(2026, 11, 20)),
        ("IMG_20261120_101500_1.jpg", "扫描件", None, dt.date(2026, 11, 20)),  # a second photo in the same second
        ("IMG_20261120_101500_3-2-1201.jpg", "3-2-1201 业主档案", "3-2-1201", dt.date(2026, 11, 20)),
        # WeChat on a PC: a picture saved (微信图片), a screenshot taken (微信截图), as 3.x and 4.x name them
        ("微信图片_20261120101500.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("3-2-1201/微信截图_20261120101500.png", "3-2-1201 业主档案", "3-2-1201", dt.date(2026, 11, 20)),
        ("微信图片_2026-11-20_101500_123.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        # Samsung's (a burst's _001, a second photo in the same second's (0)), a Pixel's with its mode (.MP, .NIGHT,
        # .RAW-01.MP.COVER), an edited copy's ~2, macOS screenshots in a 12-hour clock (English and Chinese, older
        # macOS's Screen Shot and 屏幕快照, one of the same second's (2))
        ("20261120_101500.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("3-2-1201/20261120_101500_001.jpg", "3-2-1201 业主档案", "3-2-1201", dt.date(2026, 11, 20)),
        ("20261120_101500(0).jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("PXL_20261120_101500123.MP.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("3-2-1201/PXL_20261120_101500123.NIGHT.jpg", "3-2-1201 业主档案", "3-2-1201", dt.date(2026, 11, 20)),
        ("PXL_20261120_101500123.RAW-01.MP.COVER.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("PXL_20261120_101500123~2.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("Screenshot 2026-11-20 at 10.15.00 AM.png", "扫描件", None, dt.date(2026, 11, 20)),
        ("工程档案/Screenshot 2026-11-20 at 9.05.00\u202fPM (2).png", "工程档案", None, dt.date(2026, 11, 20)),
        ("Screen Shot 2019-11-20 at 9.05.00 AM.png", "扫描件", None, dt.date(2019, 11, 20)),
        ("截屏2026-11-20 上午10.15.00.png", "扫描件", None, dt.date(2026, 11, 20)),
        ("3-2-1201/截屏2026-11-20 下午3.05.00.png", "3-2-1201 业主档案", "3-2-1201", dt.date(2026, 11, 20)),
        ("屏幕快照 2019-11-20 下午3.05.00.png", "扫描件", None, dt.date(2019, 11, 20)),
        # phones sold in China: OPPO's (a day and time run together), its screenshots (a hash after them), Huawei's
        # screenshots, QQ's pictures and screenshots; Samsung's screenshots naming their app, its older Richtone(HDR),
        # a Google panorama
        ("IMG20261120101500.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("3-2-1201/IMG20261120101500.jpg", "3-2-1201 业主档案", "3-2-1201", dt.date(2026, 11, 20)),
        (
            "Screenshot_2026-11-20-10-15-00-12_965bbf4d18d205f782c6b8409c5773a4.jpg",
            "扫描件",
            None,
            dt.date(2026, 11, 20),
        ),
        ("Screenshot_20261120_101500_com.tencent.mm.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("QQ图片20261120101500.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("工程档案/QQ截图20261120101500.png", "工程档案", None, dt.date(2026, 11, 20)),
        ("Screenshot_20261120-101500_WeChat.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("Screenshot_20261120-101500_Samsung Internet.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        # a Samsung screenshot's app label as the phone writes it, whatever its case or script: eBay's, bilibili's,
        # and on a phone set to Chinese, 微信's and 支付宝's
        ("Screenshot_20261120-101500_eBay.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("Screenshot_20261120-101500_bilibili.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("Screenshot_20261120-101500_微信.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("3-2-1201/Screenshot_20261120-101500_支付宝.jpg", "3-2-1201 业主档案", "3-2-1201", dt.date(2026, 11, 20)),
        ("Screenshot_20261120-101500_One UI Home.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("20261120_101500_Richtone(HDR).jpg", "扫描件", None, dt.date(2026, 11, 20)),
        ("PANO_20261120_101500.jpg", "扫描件", None, dt.date(2026, 11, 20)),
        # a camera's counter (an iPhone's or Canon's IMG_1234, its edited IMG_E1234 and Adobe RGB _MG_1234, Sony's
        # DSC01234, Nikon's DSC_1234, _DSC1234 and DSCN0001, Fujifilm's DSCF1234, Panasonic's and Olympus' P1010001):
        # no words, no day
        ("IMG_1234.jpg", "扫描件", None, None),
        ("3-2-1201/IMG_1234.JPG", "3-2-1201 业主档案", "3-2-1201", None),
        ("IMG_E1234.jpg", "扫描件", None, None),
        ("工程档案/_MG_1234.JPG", "工程档案", None, None),
        ("工程档案/DSC01234.JPG", "工程档案", None, None),
        ("DSC_1234.JPG", "扫描件", None, None),
        ("_DSC1234.JPG", "扫描件", None, None),
        ("3-2-1201/DSCN0001.JPG", "3-2-1201 业主档案", "3-2-1201", None),
        ("DSCF1234.JPG", "扫描件", None, None),
        ("P1010001.JPG", "扫描件", None, None),
        ("3-2-1201/IMG_1234(1).jpg", "3-2-1201 业主档案", "3-2-1201", None),
        # a name of a unit alone (and a date) is titled as a camera's beside the unit is; one not taken keeps its name
        ("3-2-1201.pdf", "3-2-1201 业主档案", "3-2-1201", None),
        ("3栋2单元1201室_20261102.pdf", "3-2-1201 业主档案", "3-2-1201", dt.date(2026, 11, 2)),
        ("1-1-101/3-2-1201.pdf", "3-2-1201", None, None),
        # so is a name of its category alone beside the unit, which the 借阅 list and the archived file's name show
        ("3-2-1201_业主档案.pdf", "3-2-1201 业主档案", "3-2-1201", None),
        ("3-2-1201/业主档案.pdf", "3-2-1201 业主档案", "3-2-1201", None),
        ("3栋2单元1201室 业主档案 20261102.pdf", "3-2-1201 业主档案", "3-2-1201", dt.date(2026, 11, 2)),
        ("业主档案.pdf", "业主档案", None, None),
        # words written beside it are the title
        ("IMG_20261120_101500 装修协议.jpg", "装修协议", None, dt.date(2026, 11, 20)),
        ("IMG_1234 装修协议.jpg", "装修协议", None, None),
        ("3-2-1201_DSC01234_门禁卡 20261101.jpg", "门禁卡", "3-2-1201", dt.date(2026, 11, 1)),
        ("屏幕截图 2026-11-20 101500 装修协议.png", "装修协议", None, dt.date(2026, 11, 20)),
        ("IMG_20261120_101500_HDR_3-2-1201 装修协议.jpg", "装修协议", "3-2-1201", dt.date(2026, 11, 20)),
        ("20261120_101500 装修协议.jpg", "装修协议", None, dt.date(2026, 11, 20)),
        ("IMG20261120101500 门禁卡.jpg", "门禁卡", None, dt.date(2026, 11, 20)),
        ("QQ图片20261120101500 缴费记录.jpg", "缴费记录", None, dt.date(2026, 11, 20)),
        ("Screenshot_20261120-101500_WeChat 缴费记录.jpg", "缴费记录", None, dt.date(2026, 11, 20)),
        # the clerk's words after its label, past a space or another _, are the title
        ("Screenshot_20261120-101500_微信 缴费记录.jpg", "缴费记录", None, dt.date(2026, 11, 20)),
        ("Screenshot_20261120-101500_微信_缴费记录.jpg", "缴费记录", None, dt.date(2026, 11, 20)),
        ("Screenshot_20261120-101500_bilibili 装修协议.jpg", "装修协议", None, dt.date(2026, 11, 20)),
        ("Screenshot_20261120-101500_eBay_sales receipt.jpg", "sales receipt", None, dt.date(2026, 11, 20)),
        ("Screenshot_20261120-101500 缴费记录.jpg", "缴费记录", None, dt.date(2026, 11, 20)),
        ("PXL_20261120_101500123.MP_门禁卡.jpg", "门禁卡", None, dt.date(2026, 11, 20)),
        ("Screenshot 2026-11-20 at 10.15.00 AM 缴费记录.png", "缴费记录", None, dt.date(2026, 11, 20)),
        ("截屏2026-11-20 上午10.15.00 缴费记录.png", "缴费记录", None, dt.date(2026, 11, 20)),
        # a day the clerk wrote beside it is the document's, not the day the photo was taken
        ("IMG_20261120_101500 装修协议 20261101.jpg", "装修协议", None, dt.date(2026, 11, 1)),
    ],
)
def test_a_cameras_name_is_no_part_of_the_title(
    ws: Workspace, clerk: Archivist, name: str, title: str, unit: str | None, date: dt.date | None
) -> None:
    item = clerk.file(drop(ws, name)).item
    assert item is not None
    assert (item.title, item.unit, item.doc_date) == (title, unit, date)


def test_the_same_content_twice_is_quarantined_naming_the_existing_number(
    ws: Workspace, ledger: Ledger, clerk: Archivist
) -> None:
    first = clerk.file(drop(ws, "3-2-1201_产权证明_20261102.pdf", seed=7)).item
    again = drop(ws, "又扫了一遍.pdf", seed=7)
    outcome = clerk.file(again)
    assert outcome.status == "quarantined"
    assert outcome.reason.startswith(
        f"与已归档的 {first.archive_no}（产权证明）内容完全相同（SHA-256 {first.sha256[:12]}…"
    )  # type: ignore[union-attr]
    assert len(list_items(ledger)) == 1


def test_a_file_outside_the_inbox_is_copied_and_left_alone(ws: Workspace, ledger: Ledger, clerk: Archivist) -> None:
    own = write_scan(ws.root / "我的文件" / "1-1-101_产权证明_20200501.pdf", 3)
    outcome = clerk.file(own)
    assert outcome.status == "filed" and own.exists()
    again = clerk.file(own)
    assert (again.status, again.reason) == ("already_filed", f"已归档为 {outcome.item.archive_no}")  # type: ignore[union-attr]
    broken = ws.root / "我的文件" / "坏.pdf"
    broken.write_bytes(b"%PDF-broken")
    refused = clerk.file(broken)
    assert (refused.status, refused.reason) == ("refused", "PDF 文件已损坏，无法打开：请重新扫描")
    assert broken.exists() and tree(ws.root / "records" / "quarantine") == []


def test_gbk_names_from_windows_scanners_are_read_and_kept(ws: Workspace, ledger: Ledger, clerk: Archivist) -> None:
    raw_name = "3栋2单元1201 装修协议（全角）　２０２６年１１月２日.jpg".encode("gbk")
    raw_folder = "业主档案".encode("gbk")
    folder = os.path.join(os.fsencode(inbox(ws)), raw_folder)
    os.makedirs(folder)
    path = os.path.join(folder, raw_name)
    with open(path, "wb") as stream:
        stream.write(scan_bytes("jpg", 5))
    outcome = clerk.file(Path(os.fsdecode(path)))
    item = outcome.item
    assert outcome.status == "filed" and item is not None
    assert outcome.source == "业主档案/3栋2单元1201 装修协议（全角）　２０２６年１１月２日.jpg"
    assert (item.category, item.unit, item.title, item.doc_date) == (
        "业主档案",
        "3-2-1201",
        "装修协议（全角）",
        dt.date(2026, 11, 2),
    )
    assert item.path == "records/archive/业主档案/2026/YZ-2026-00001_装修协议（全角）.jpg"
    sidecar = sidecar_of(ws, item.path)
    assert sidecar["original_name"] == "3栋2单元1201 装修协议（全角）　２０２６年１１月２日.jpg"
    assert bytes.fromhex(sidecar["original_name_bytes"]) == raw_name
    assert not os.path.exists(path)


def test_units_of_the_estates_phases_are_read_from_names_and_sidecars(workspace: Workspace) -> None:
    # The estate's phase 二期 (also written 二区, 2期), whose flats have no 单元: 二期·1-101 as on paper.
    config = workspace.root / "recordkit.toml"
    phases = '\n[[office.phases]]\nname = "二期"\nspellings = ["2期", "二区"]\n'
    config.write_text(config.read_text(encoding="utf-8") + phases, encoding="utf-8")
    phased = archive_workspace(workspace.root, import_units=False)
    rows = [
        [None, None, code, 90.0, "孙丽", None, None, None, "已入住"]
        for code in ("二期·1-101", "二期·1-102", "二期·1-201")
    ]
    with open_ledger(phased.database_url) as ledger:
        import_owners(ledger, write_sheet(workspace.root / "二期.xlsx", rows), "测试员")
        clerk = archivist(phased, ledger)
        first = clerk.file(drop(phased, "二期·1-101_产权证明.pdf", seed=1))
        second = clerk.file(drop(phased, "二区1-102 装修协议.pdf", seed=2))
        third_path = drop(phased, "入住登记表.pdf", seed=3)
        third_path.with_name("入住登记表.pdf.json").write_text('{"房号": "2期1-201"}', encoding="utf-8")
        third = clerk.file(third_path)
    filed = [(o.item.unit, o.item.review_reasons) for o in (first, second, third)]  # type: ignore[union-attr]
    assert filed == [("二期·1-101", ()), ("二期·1-102", ()), ("二期·1-201", ())]


def test_a_phase_written_apart_from_its_unit_or_as_a_folder_files_into_that_phases_unit(workspace: Workspace) -> None:
    # Both phases have a 1-1-101.  "二期 1-1-101" (a space, an underscore) or a folder 二期/ above the unit's folder
    # is 二期's flat: read without its phase it was 一期's, and filed to the wrong owner without a word.
    config = workspace.root / "recordkit.toml"
    phases = '\n[[office.phases]]\nname = "二期"\nspellings = ["2期", "二区"]\n'
    config.write_text(config.read_text(encoding="utf-8") + phases, encoding="utf-8")
    phased = archive_workspace(workspace.root)  # 一期's 1-1-101 (张伟), 1-1-102 …
    with open_ledger(phased.database_url) as ledger:
        rows = [[None, None, "二期·1-1-101", 90.0, "孙丽", None, None, None, "已入住"]]
        import_owners(ledger, write_sheet(workspace.root / "二期.xlsx", rows), "测试员")
        clerk = archivist(phased, ledger)
        names = [
            "二期 1-1-101 产权证明.pdf",
            "二区_1-1-101_身份证复印件.pdf",
            "业主档案/二期/1-1-101/购房合同.pdf",
            "二期/1-1-101 孙丽/入住登记表.pdf",
        ]
        outcomes = [clerk.file(drop(phased, name, seed), base=inbox(phased)) for seed, name in enumerate(names, 1)]
        one = clerk.file(drop(phased, "1-1-101 产权证明.pdf", seed=9))  # no phase written: 一期's
    filed = [(o.item.unit, o.item.title, o.item.topic, o.item.review_reasons) for o in outcomes]  # type: ignore[union-attr]
    assert filed == [
        ("二期·1-1-101", "产权证明", None, ()),
        ("二期·1-1-101", "身份证复印件", None, ()),
        ("二期·1-1-101", "购房合同", None, ()),
        ("二期·1-1-101", "入住登记表", None, ()),
    ]
    assert one.item is not None and one.item.unit == "1-1-101"


def test_a_name_without_its_phase_under_a_phase_folder_files_into_that_phases_unit(workspace: Workspace) -> None:
    # 二期/1-1-101 产权证.pdf: the folder names the phase, the file name the flat without it.  Both phases have a
    # 1-1-101: it is 二期's (孙丽's), never 一期's (张伟's), and nothing is left for review.
    config = workspace.root / "recordkit.toml"
    phases = '\n[[office.phases]]\nname = "二期"\nspellings = ["二区"]\n\n[[office.phases]]\nname = "三期"\n'
    config.write_text(config.read_text(encoding="utf-8") + phases, encoding="utf-8")
    phased = archive_workspace(workspace.root)  # 一期's 1-1-101 (张伟)
    with open_ledger(phased.database_url) as ledger:
        rows = [
            [None, None, code, 90.0, "孙丽", None, None, None, "已入住"] for code in ("二期·1-1-101", "三期·1-1-101")
        ]
        import_owners(ledger, write_sheet(workspace.root / "分期.xlsx", rows), "测试员")
        clerk = archivist(phased, ledger)
        names = ["二期/1-1-101 产权证.pdf", "业主档案/二区/1-1-101_身份证复印件.pdf", "二期/三期1-1-101 购房合同.pdf"]
        outcomes = [clerk.file(drop(phased, name, seed), base=inbox(phased)) for seed, name in enumerate(names, 1)]
    filed = [(o.item.unit, o.item.title, o.item.topic, o.item.review_reasons) for o in outcomes]  # type: ignore[union-attr]
    assert filed == [
        ("二期·1-1-101", "产权证", None, ()),
        ("二期·1-1-101", "身份证复印件", None, ()),
        # the folder and the name name two phases: neither is taken, a person decides (the name's unit kept in the
        # title for the review to see)
        (None, "三期1-1-101 购房合同", "二期", ("文件夹写的是 二期，文件名写的是 三期·1-1-101",)),
    ]


def test_a_bare_two_part_flat_is_read_as_the_named_phases_unit_when_its_flats_have_no_entrance(
    workspace: Workspace,
) -> None:
    # The demo estate's 二期 flats are written without 单元 (二期·1-101).  A clerk writes the phase a word apart
    # from the flat, or as its folder: 二期 产权证明 1-101.jpg, 二期/1-101 产权证明.jpg.  A bare 1-101 was never read
    # as a unit (a phone's or a serial's pair is more often written so), and both went to review with no unit.
    config = workspace.root / "recordkit.toml"
    phases = '\n[[office.phases]]\nname = "二期"\nspellings = ["二区"]\n'
    config.write_text(config.read_text(encoding="utf-8") + phases, encoding="utf-8")
    phased = archive_workspace(workspace.root)  # 一期's flats with 单元 (1-1-101 …)
    with open_ledger(phased.database_url) as ledger:
        rows = [[None, None, code, 90.0, "孙丽", None, None, None, "已入住"] for code in ("二期·1-101", "二期·2-201")]
        import_owners(ledger, write_sheet(workspace.root / "二期.xlsx", rows), "测试员")
        clerk = archivist(phased, ledger)
        names = [
            "二期 产权证明 1-101.jpg",
            "二期/1-101 产权证明.jpg",
            "二区/2-201_身份证复印件.jpg",
            "1-101 产权证明.jpg",  # no phase: no unit read
            "二期 缴费 2026-11.jpg",  # a month, no flat
            "二期 报价 12-2026.jpg",  # a month and year written month first, no flat
        ]
        outcomes = [clerk.file(drop(phased, name, seed), base=inbox(phased)) for seed, name in enumerate(names, 1)]
    filed = [(o.item.unit, o.item.title) for o in outcomes]  # type: ignore[union-attr]
    assert filed == [
        ("二期·1-101", "产权证明"),
        ("二期·1-101", "产权证明"),
        ("二期·2-201", "身份证复印件"),
        (None, "1-101 产权证明"),
        (None, "二期 缴费"),
        (None, "二期 报价 12-2026"),
    ]


def test_a_phase_kept_in_a_title_for_want_of_a_unit_leaves_it_when_the_unit_is_set(workspace: Workspace) -> None:
    # 二期 产权证明.jpg names a phase and no unit: recordkit kept the phase in the title, the one place it was written.
    # archive update --unit 二期·1-1-101 left the title 二期 产权证明 beside the unit that now says the phase; filed
    # under that unit's folder it would have been titled 产权证明, and now it is.  A unit of another phase, or words
    # the clerk typed, keep the title as it is.
    config = workspace.root / "recordkit.toml"
    phases = '\n[[office.phases]]\nname = "二期"\nspellings = ["二区"]\n\n[[office.phases]]\nname = "三期"\n'
    config.write_text(config.read_text(encoding="utf-8") + phases, encoding="utf-8")
    phased = archive_workspace(workspace.root)
    with open_ledger(phased.database_url) as ledger:
        rows = [
            [None, None, code, 90.0, "孙丽", None, None, None, "已入住"] for code in ("二期·1-1-101", "三期·1-1-101")
        ]
        import_owners(ledger, write_sheet(workspace.root / "分期.xlsx", rows), "测试员")
        clerk = archivist(phased, ledger)
        names = ["二期 产权证明.jpg", "二区 缴费 2026-11.jpg", "二期 购房合同.jpg", "二期 身份证.jpg", "二期.jpg"]
        items = [clerk.file(drop(phased, name, seed)).item for seed, name in enumerate(names, 1)]
        assert [item.title for item in items if item is not None] == [
            "二期 产权证明",
            "二区 缴费",
            "二期 购房合同",
            "二期 身份证",
            "二期",
        ]
        deed, paid, contract, card, bare = (item.archive_no for item in items if item is not None)
        moved = update_item(phased, ledger, deed, "档案员", unit="二期·1-1-101")
        assert (moved.unit, moved.title) == ("二期·1-1-101", "产权证明")
        assert moved.path == "records/archive/业主档案/2026/YZ-2026-00001_产权证明.jpg"
        assert sidecar_of(phased, moved.path)["title"] == "产权证明"
        assert update_item(phased, ledger, paid, "档案员", unit="二期·1-1-101").title == "缴费"
        # a phase alone, no word of its own: titled by its new category and unit
        classified = update_item(phased, ledger, bare, "档案员", category="业主档案", unit="二期·1-1-101")
        assert classified.title == "二期·1-1-101 业主档案"
        # another phase's unit: the title and the unit disagree, and the clerk decides which is right
        assert update_item(phased, ledger, contract, "档案员", unit="三期·1-1-101").title == "二期 购房合同"
        # the clerk's own words, typed with --title, stay
        update_item(phased, ledger, card, "档案员", title="二期 身份证复印件")
        assert update_item(phased, ledger, card, "档案员", unit="二期·1-1-101").title == "二期 身份证复印件"
        with ledger.read() as conn:
            entry = journal.recent(conn, 1, [deed])[0]
    assert entry.after is not None and entry.after["title"] == "产权证明" and entry.after["title_made"] is True


def test_a_units_words_kept_in_a_title_for_want_of_a_unit_leave_it_when_the_unit_is_set(workspace: Workspace) -> None:
    # 三期/1-1-101 购房合同.jpg in an estate whose only phase is 二期: the unit was not taken (which 1-1-101 is
    # meant?), and recordkit kept 1-1-101 in the title, the one place it was written.  archive update --unit 1-1-101
    # left the title 1-1-101 购房合同 beside the unit; filed under that unit it would have been titled 购房合同, and
    # now it is, as a phase's word kept so leaves the title.
    config = workspace.root / "recordkit.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[[office.phases]]\nname = "二期"\n', encoding="utf-8")
    phased = archive_workspace(workspace.root)
    with open_ledger(phased.database_url) as ledger:
        clerk = archivist(phased, ledger)
        names = ["三期/1-1-101 购房合同.jpg", "三期/3栋2单元1201室_产权证明.jpg"]
        outcomes = [clerk.file(drop(phased, name, seed), base=inbox(phased)) for seed, name in enumerate(names, 1)]
        filed = [outcome.item for outcome in outcomes if outcome.item is not None]
        assert [(item.unit, item.title) for item in filed] == [
            (None, "1-1-101 购房合同"),
            (None, "3栋2单元1201室 产权证明"),
        ]
        contract, deed = (item.archive_no for item in filed)
        moved = update_item(phased, ledger, contract, "档案员", unit="1-1-101")
        assert (moved.unit, moved.title) == ("1-1-101", "购房合同")
        assert moved.path == "records/archive/业主档案/2026/YZ-2026-00001_购房合同.jpg"
        assert sidecar_of(phased, moved.path)["title"] == "购房合同"
        # another unit than the one the title writes: the two disagree, and the clerk decides which is right
        assert update_item(phased, ledger, deed, "档案员", unit="1-1-101").title == "3栋2单元1201室 产权证明"


def test_an_update_reads_a_unit_with_the_estates_phases(workspace: Workspace) -> None:
    # update_item read the unit without the estate's phases: 二区1-1-101 (a spelling of 二期) was kept as a phase
    # "二区" of its own, a unit the ledger has not (left for review), and 三期1-1-101 (no such phase) was taken.
    config = workspace.root / "recordkit.toml"
    phases = '\n[[office.phases]]\nname = "二期"\nspellings = ["二区"]\n'
    config.write_text(config.read_text(encoding="utf-8") + phases, encoding="utf-8")
    phased = archive_workspace(workspace.root)
    with open_ledger(phased.database_url) as ledger:
        rows = [[None, None, "二期·1-1-101", 90.0, "孙丽", None, None, None, "已入住"]]
        import_owners(ledger, write_sheet(workspace.root / "二期.xlsx", rows), "测试员")
        archivist(phased, ledger).file(drop(phased, "1-1-102_产权证明.pdf"))
        updated = update_item(phased, ledger, "YZ-2026-00001", "档案员", unit="二区1-1-101")
        with pytest.raises(ValidationError) as refused:
            update_item(phased, ledger, "YZ-2026-00001", "档案员", unit="三期1-1-101")
        with ledger.read() as conn:
            unit = conn.execute(sa.text("SELECT unit FROM archive_items")).scalar_one()
    assert (updated.unit, updated.review_reasons) == ("二期·1-1-101", ())
    assert refused.value.message == (
        "房号“三期1-1-101”中的分区“三期”不在本小区的分区中（二期），请检查 recordkit.toml 的 [[office.phases]]"
    )
    assert unit == "二期·1-1-101"


def test_a_phase_folders_name_is_no_phase_where_the_estate_has_none(ws: Workspace, clerk: Archivist) -> None:
    # Without phases in recordkit.toml a folder called 二期 says nothing about the unit: 1-1-101 is the estate's own
    # 1-1-101, as the same name straight in the inbox.
    in_folder = clerk.file(drop(ws, "二期/1-1-101 产权证.pdf", 1), base=inbox(ws))
    straight = clerk.file(drop(ws, "1-1-101 身份证.pdf", 2))
    assert in_folder.item is not None and straight.item is not None
    assert (in_folder.item.unit, in_folder.item.title) == ("1-1-101", "产权证")
    assert (straight.item.unit, straight.item.title) == ("1-1-101", "身份证")
    assert in_folder.item.review_reasons == straight.item.review_reasons == ()


def test_an_inbox_linked_to_the_scanners_share_is_the_inbox_for_recordkit_file(
    workspace: Workspace, tmp_path: Path
) -> None:
    # records/inbox is a link to the folder the scanner's share writes to: a file named through the link is
    # an inbox file (moved when filed), not a clerk's file left in place for the service to find again.
    share = tmp_path / "扫描仪共享"
    share.mkdir()
    (workspace.root / "records" / "inbox").rmdir()
    (workspace.root / "records" / "inbox").symlink_to(share, target_is_directory=True)
    linked = archive_workspace(workspace.root)
    with open_ledger(linked.database_url) as ledger:
        clerk = archivist(linked, ledger)
        outcome = clerk.file(drop(linked, "3-2-1201_产权证明_20261102.pdf", 1))
        assert (outcome.status, outcome.source) == ("filed", "3-2-1201_产权证明_20261102.pdf")
        assert tree(share) == []
        assert [item.archive_no for item in list_items(ledger)] == ["YZ-2026-00001"]


def test_a_very_long_name_still_fits(ws: Workspace, clerk: Archivist) -> None:
    name = "3-2-1201_" + "业主提交的关于房屋产权证明及相关附件的扫描件" * 3 + ".pdf"
    item = clerk.file(drop(ws, name)).item
    assert item is not None
    assert len(Path(item.path).name.encode()) < 255
    assert sidecar_of(ws, item.path)["original_name"] == name


@pytest.mark.parametrize("title", ["../../../../tmp/evil", "/etc/passwd", "..", "a\x00b/../../c", "C:\\evil"])
def test_no_sidecar_value_places_a_file_outside_the_archive(ws: Workspace, clerk: Archivist, title: str) -> None:
    scan = drop(ws, "扫描.pdf")
    (inbox(ws) / "扫描.pdf.json").write_text(json.dumps({"题名": title, "类别": "../../.."}), encoding="utf-8")
    item = clerk.file(scan).item
    assert item is not None
    placed = (ws.root / item.path).resolve()
    assert placed.is_relative_to((ws.root / "records" / "archive").resolve())
    assert placed.parent.name == "2026" and placed.parent.parent.name == "未分类"
    assert "\x00" not in item.path and ".." not in item.path
    assert any("类别“../../..”不是已配置的档案类别" in reason for reason in item.review_reasons)


def test_a_traversal_in_the_flags_is_refused(clerk: Archivist) -> None:
    with pytest.raises(UsageError, match="档案类别“../x”不存在"):
        flag_metadata("../x", None, None, None, None, None, None, None, clerk.rules)


def test_generated_documents_are_filed_and_stay(ws: Workspace, ledger: Ledger, clerk: Archivist) -> None:
    generated = ws.root / "records" / "generated" / "2026" / "11"
    generated.mkdir(parents=True)
    from docx import Document

    Document().save(generated / "收据SJ2026-000001_3-2-1201.docx")
    item = clerk.file(generated / "收据SJ2026-000001_3-2-1201.docx").item
    assert item is not None and (item.category, item.unit) == ("财务档案", "3-2-1201")
    assert (generated / "收据SJ2026-000001_3-2-1201.docx").exists()


def test_a_folder_is_filed_with_its_sub_folders_telling_category_and_unit(ws: Workspace, clerk: Archivist) -> None:
    batch = ws.root / "U盘"
    write_scan(batch / "工程档案" / "电梯" / "说明书.pdf", 1)
    write_scan(batch / "业主档案" / "1-1-102" / "入住登记.jpg", 2)
    (batch / "Thumbs.db").write_bytes(b"x")
    (batch / "~$草稿.docx").write_bytes(b"x")
    outcomes = clerk.file_paths([batch])
    assert [(o.item.archive_no, o.item.topic, o.item.unit) for o in outcomes] == [  # type: ignore[union-attr]
        ("YZ-2026-00001", None, "1-1-102"),
        ("GC-2026-00001", "电梯", None),
    ]


# -- catalogue and loans -----------------------------------------------------------------------


def _two_items(ws: Workspace, clerk: Archivist) -> None:
    clerk.file(drop(ws, "3-2-1201_产权证明_20261102.pdf", 1))
    clerk.file(drop(ws, "1-1-101_身份证_20261101.pdf", 2), Metadata(confidential=True, box="业主-001", shelf="A-1-1"))


def test_list_by_category_and_unit(ws: Workspace, ledger: Ledger, clerk: Archivist) -> None:
    _two_items(ws, clerk)
    assert [i.archive_no for i in list_items(ledger, category="业主", rules=clerk.rules)] == [
        "YZ-2026-00001",
        "YZ-2026-00002",
    ]
    assert [i.archive_no for i in list_items(ledger, unit="3栋2单元1201")] == ["YZ-2026-00001"]
    assert list_items(ledger, category="工程档案", rules=clerk.rules) == []
    with pytest.raises(NotFoundError, match="没有档号为 YZ-2026-00099 的档案"):
        get_item(ledger, "YZ-2026-00099")


@pytest.mark.parametrize(
    ("borrower", "dept", "reason", "field"),
    [
        ("王\x00工", None, None, "借阅人：姓名里有换行、控制字符"),
        ("王工", "工程\x01部", None, "部门里有控制字符"),
        ("王工", None, "年检\x00", "原因里有控制字符"),
    ],
)
def test_a_control_character_in_a_loan_is_refused_and_nothing_is_lent(
    ws: Workspace, ledger: Ledger, clerk: Archivist, borrower: str, dept: str | None, reason: str | None, field: str
) -> None:
    """A NUL would be kept by SQLite and then stop ``db move`` on the row; PostgreSQL refuses it outright."""
    _two_items(ws, clerk)
    with pytest.raises(ValidationError, match=field):
        lend(ledger, "YZ-2026-00001", borrower, dt.date(2027, 6, 1), "档案员", dept=dept, reason=reason)
    assert list_loans(ledger, include_returned=True) == []


def test_a_loan_of_29_february_may_run_to_28_february_next_year(
    ws: Workspace, ledger: Ledger, clerk: Archivist
) -> None:
    _two_items(ws, clerk)
    leap_day = dt.date(2028, 2, 29)
    with pytest.raises(ValidationError) as caught:
        lend(ledger, "YZ-2026-00001", "王工", dt.date(2029, 3, 1), "档案员", today=leap_day)
    assert caught.value.message == (
        "应还日期最迟为借出后一年（2028-02-29 借出，最迟 2029-02-28）：2029-03-01 请检查年份；借阅期满仍要用的，归还后再借"
    )
    assert list_loans(ledger, include_returned=True) == []
    assert lend(ledger, "YZ-2026-00001", "王工", dt.date(2029, 2, 28), "档案员", today=leap_day).due == dt.date(
        2029, 2, 28
    )


def test_lend_and_return_with_every_refusal(ws: Workspace, ledger: Ledger, clerk: Archivist) -> None:
    _two_items(ws, clerk)
    today = dt.date(2026, 11, 20)
    loan = lend(ledger, "YZ-2026-00001", "王工", dt.date(2026, 12, 1), "档案员", dept="工程部", today=today)
    assert (loan.borrower, loan.dept, loan.due) == ("王工", "工程部", dt.date(2026, 12, 1))
    with pytest.raises(ConflictError, match="YZ-2026-00001 的纸质原件已借出（借阅人 王工，应还日期 2026-12-01）"):
        lend(ledger, "YZ-2026-00001", "李四", dt.date(2026, 12, 1), "档案员", today=today)
    with pytest.raises(UsageError, match="YZ-2026-00002 是保密档案，借阅必须写明原因"):
        lend(ledger, "YZ-2026-00002", "李四", dt.date(2026, 12, 1), "档案员", today=today)
    with pytest.raises(
        ValidationError, match="^应还日期 2026-11-01 早于今天（2026-11-20）：应还日期应是今天或以后的日期$"
    ):
        lend(ledger, "YZ-2026-00002", "李四", dt.date(2026, 11, 1), "档案员", reason="查", today=today)
    with pytest.raises(NotFoundError):
        lend(ledger, "YZ-2026-00099", "李四", dt.date(2026, 12, 1), "档案员", today=today)
    secret = lend(ledger, "YZ-2026-00002", "李四", dt.date(2026, 11, 25), "档案员", reason="办理过户", today=today)
    assert secret.confidential
    assert [loan.archive_no for loan in list_loans(ledger, today=dt.date(2026, 11, 28))] == [
        "YZ-2026-00002",
        "YZ-2026-00001",
    ]
    overdue = list_loans(ledger, overdue=True, today=dt.date(2026, 11, 28))
    assert [(loan.archive_no, loan.to_dict(dt.date(2026, 11, 28))["days_overdue"]) for loan in overdue] == [
        ("YZ-2026-00002", 3)
    ]
    returned = return_item(ledger, "YZ-2026-00001", "档案员")
    assert returned.returned_by == "档案员"
    with pytest.raises(ConflictError, match="YZ-2026-00001 的纸质原件没有借出，不需要归还"):
        return_item(ledger, "YZ-2026-00001", "档案员")
    assert lend(ledger, "YZ-2026-00001", "赵六", dt.date(2026, 12, 1), "档案员", today=today).borrower == "赵六"
    with ledger.read() as conn:
        actions = [e.action for e in journal.recent(conn, 4)]
        assert actions == ["archive.lend", "archive.return", "archive.lend", "archive.lend"]
        assert journal.verify(conn).ok


def test_the_lend_and_return_notes_say_the_loan_in_one_wording() -> None:
    """``archive lend``/``return`` and the web page's lend and return said the same lines, each built in two places;
    now one function a note says them for both: the title masked, a Latin name quoted, the dept where written and
    the days overdue once past the 应还日期."""
    loan = Loan(
        "YZ-2026-00001", "张伟 13912344321 产权证明", False, "Tran Van Nam", "工程部", None,
        dt.date(2026, 12, 1), dt.date(2026, 11, 20), "档案员",
    )  # fmt: skip
    assert (
        lent_note(loan)
        == "已借出 YZ-2026-00001（张伟 139****4321 产权证明）给“Tran Van Nam”（工程部），应还日期 2026-12-01"
    )
    assert lent_note(replace(loan, dept=None)) == (
        "已借出 YZ-2026-00001（张伟 139****4321 产权证明）给“Tran Van Nam”，应还日期 2026-12-01"
    )
    assert (
        returned_note(loan, dt.date(2026, 12, 1))
        == "已归还 YZ-2026-00001（张伟 139****4321 产权证明），借阅人 Tran Van Nam"
    )
    assert returned_note(loan, dt.date(2026, 12, 4)) == (
        "已归还 YZ-2026-00001（张伟 139****4321 产权证明），借阅人 Tran Van Nam，逾期 3 天"
    )
    # the days overdue the loans list (command and page) and its JSON count, in one place too
    assert [loan.days_late(dt.date(2026, 12, day)) for day in (1, 2, 4)] == [0, 1, 3]
    assert loan.to_dict(dt.date(2026, 12, 4))["days_overdue"] == 3
    # the paper original's state ``archive show`` and the item page say
    assert (paper_state(loan), paper_state(None)) == ("已借出：Tran Van Nam，应还 2026-12-01", "在库")


# -- verify ---------------------------------------------------------------------------------


def test_verify_passes_on_a_sound_archive_and_finds_every_kind_of_damage(
    ws: Workspace, ledger: Ledger, clerk: Archivist
) -> None:
    _two_items(ws, clerk)
    clerk.file(drop(ws, "电梯说明书_20261001.pdf", 3))
    report = verify(ws, ledger, "档案员")
    assert (report.ok, report.checked) == (True, 3)
    paths = {i.archive_no: ws.root / i.path for i in list_items(ledger)}
    os.chmod(paths["YZ-2026-00001"], 0o644)
    paths["YZ-2026-00001"].write_bytes(b"changed")  # a changed file
    paths["YZ-2026-00002"].with_name(paths["YZ-2026-00002"].name + ".json").unlink()  # a lost sidecar
    paths["GC-2026-00001"].unlink()  # a lost file
    stray = ws.root / "records" / "archive" / "业主档案" / "2026" / "多出来的.pdf"
    stray.write_bytes(b"%PDF")  # a file without a row
    assert verify(ws, ledger, "档案员").problems == [
        "YZ-2026-00001：文件 records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf 的内容与登记的 SHA-256 不符（文件被改动或损坏）",
        "YZ-2026-00002：说明文件 records/archive/业主档案/2026/YZ-2026-00002_身份证.pdf.json 缺失或与台账不符（运行 recordkit archive verify --repair）",
        "GC-2026-00001：台账有记录，但文件 records/archive/工程档案/2026/GC-2026-00001_电梯说明书.pdf 不见了（请从纸质原件重新扫描归档）",
        "records/archive/业主档案/2026/多出来的.pdf：没有台账记录（运行 recordkit archive verify --repair）",
    ]
    repaired = verify(ws, ledger, "档案员", repair=True)
    assert "YZ-2026-00002：说明文件缺失或损坏，已按台账记录重写" in repaired.repaired
    assert any("多出来的.pdf" in line and "已移到隔离区" in line for line in repaired.repaired)
    assert len(list((ws.root / "records" / "quarantine").glob("*多出来的.pdf.原因.txt"))) == 1
    # What cannot be repaired stays: a changed and a lost file need a new scan.
    assert [p.split("：")[0] for p in repaired.problems] == ["YZ-2026-00001", "GC-2026-00001"]
    assert not stray.exists()


def test_the_catalogue_is_rebuilt_from_the_sidecars(ws: Workspace, ledger: Ledger, clerk: Archivist) -> None:
    _two_items(ws, clerk)
    before = list_items(ledger)
    with ledger.write() as conn:
        conn.execute(sa.delete(archive_items))
    assert list_items(ledger) == []
    report = verify(ws, ledger, "档案员", repair=True)
    assert report.ok and report.checked == 2
    assert list_items(ledger) == before
    with ledger.read() as conn:
        assert journal.verify(conn).ok


def test_an_edited_row_is_set_back_from_its_sidecar(ws: Workspace, ledger: Ledger, clerk: Archivist) -> None:
    _two_items(ws, clerk)
    with ledger.write() as conn:
        conn.execute(archive_items.update().where(archive_items.c.archive_no == "YZ-2026-00001").values(unit="9-9-909"))
    assert verify(ws, ledger, "档案员").problems == [
        "YZ-2026-00001：台账记录与说明文件不一致：房号（运行 recordkit archive verify --repair）"
    ]
    assert verify(ws, ledger, "档案员", repair=True).repaired == [
        "YZ-2026-00001：台账记录已按说明文件重建（房号：9-9-909 → 3-2-1201）"
    ]
    assert get_item(ledger, "YZ-2026-00001").unit == "3-2-1201"


@pytest.mark.parametrize(
    "saved_as",
    [lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), lambda text: text.encode("gbk")],
    ids=["utf-8 with BOM", "GBK"],
)
def test_a_sidecar_saved_again_by_windows_notepad_is_still_read(
    ws: Workspace, ledger: Ledger, clerk: Archivist, saved_as: Any
) -> None:
    # Notepad on a Chinese Windows saves with a BOM, or in GBK ("ANSI"): the clerk's correction is adopted,
    # and a catalogue rebuilt from the tree still finds the item, not a sidecar "missing or damaged".
    _two_items(ws, clerk)
    sidecar = ws.root / (get_item(ledger, "YZ-2026-00001").path + ".json")
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    sidecar.chmod(0o644)
    sidecar.write_bytes(saved_as(json.dumps({**data, "box": "业主-009"}, ensure_ascii=False, indent=2)))
    assert verify(ws, ledger, "档案员", repair=True).repaired == [
        "YZ-2026-00001：台账记录已按说明文件重建（盒号：（空） → 业主-009）"
    ]
    with ledger.write() as conn:
        conn.execute(sa.delete(archive_items))
    assert verify(ws, ledger, "档案员", repair=True).ok
    assert [(item.archive_no, item.box) for item in list_items(ledger)] == [
        ("YZ-2026-00001", "业主-009"),
        ("YZ-2026-00002", "业主-001"),
    ]


def test_a_scan_another_filer_took_while_this_one_waited_is_said_to_be_gone(ws: Workspace, clerk: Archivist) -> None:
    # Two watchers (or the service and a clerk's `recordkit file`): the file was read, then filed and removed by
    # the other before this one had the ledger's lock.  It did not change: it is gone.
    path = drop(ws, "3-2-1201_产权证明_20261102.pdf", 1)
    batch = clerk.prepare([(path, None)])
    path.unlink()
    [outcome] = clerk.file_prepared(batch)
    assert (outcome.status, outcome.reason) == ("waiting", "文件已不在原处（可能已被另一个进程归档）")


def test_a_new_scan_written_under_the_same_name_while_the_first_is_filed_is_kept_and_filed_next(
    ws: Workspace, ledger: Ledger, clerk: Archivist
) -> None:
    # A scanner that always writes scan.pdf.tmp and renames it to scan.pdf: the next scan takes the name while
    # the first is being committed.  Removing "scan.pdf" from the inbox then would delete the new scan unfiled.
    path = drop(ws, "3-2-1201_scan.pdf", 1)
    second = scan_bytes("pdf", 2, 2)

    def scanner_renames_the_next_scan_over_it(conn: Any, items: list[Any]) -> None:
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(second)
        os.replace(temporary, path)

    [first] = clerk.file_many([(path, None)], before_commit=scanner_renames_the_next_scan_over_it)
    assert first.status == "filed" and first.item is not None
    assert (ws.root / first.item.path).read_bytes() == scan_bytes("pdf", 1, 1)
    assert path.read_bytes() == second  # still waiting in the inbox
    [then] = clerk.file_many([(path, None)])
    assert then.status == "filed" and then.item is not None
    assert (then.item.archive_no, then.item.pages) == ("YZ-2026-00002", 2)
    assert (ws.root / then.item.path).read_bytes() == second
    assert tree(inbox(ws)) == []


@pytest.mark.parametrize("how", ["written on", "renamed over"])
def test_a_scan_that_is_no_longer_the_file_refused_is_not_quarantined_for_it(
    ws: Workspace, clerk: Archivist, how: str
) -> None:
    # Read while still empty (the scanner had only opened it), or a new scan renamed over a broken one: by the
    # time the refusal is carried out, the file under that name is a good scan, which "文件是空的" does not describe.
    path = inbox(ws) / "3-2-1201_产权证明_20261102.pdf"
    path.write_bytes(b"")
    batch = clerk.prepare([(path, None)])
    if how == "written on":
        path.write_bytes(scan_bytes("pdf", 1, 2))
    else:
        path.with_name("scan.tmp").write_bytes(scan_bytes("pdf", 1, 2))
        os.replace(path.with_name("scan.tmp"), path)
    [outcome] = clerk.file_prepared(batch)
    assert (outcome.status, outcome.reason) == ("waiting", "文件在归档过程中有变化，稍后再试")
    assert tree(ws.root / "records" / "quarantine") == []
    [then] = clerk.file_many([(path, None)])
    assert then.status == "filed" and then.item is not None and then.item.pages == 2


def test_a_batch_keeps_each_files_own_outcome(ws: Workspace, ledger: Ledger, clerk: Archivist) -> None:
    good = drop(ws, "1-1-101_产权证明_20261101.pdf", 1)
    twin = write_scan(inbox(ws) / "同一份.pdf", 1)  # the same bytes as the first, in the same batch
    empty = inbox(ws) / "空.pdf"
    empty.write_bytes(b"")
    other = drop(ws, "3-2-1201_身份证_20261102.jpg", 2)
    outcomes = clerk.file_many([(good, None), (twin, None), (empty, None), (other, None)])
    assert [o.status for o in outcomes] == ["filed", "quarantined", "quarantined", "filed"]
    assert outcomes[1].reason.startswith("与已归档的 YZ-2026-00001（产权证明）内容完全相同")
    assert [i.archive_no for i in list_items(ledger)] == ["YZ-2026-00001", "YZ-2026-00002"]
    assert tree(inbox(ws)) == []
    with ledger.read() as conn:
        assert [e.key for e in journal.recent(conn, 2)] == ["YZ-2026-00002", "YZ-2026-00001"]


def test_recovery_never_leaves_a_gap_when_a_later_file_of_a_batch_was_placed_first(
    ws: Workspace, ledger: Ledger, clerk: Archivist, monkeypatch: pytest.MonkeyPatch
) -> None:
    scans = [drop(ws, f"工程档案/电梯/维保记录{n}_2026110{n}.pdf", n) for n in (1, 2, 3)]
    monkeypatch.setattr(
        clerk, "_remove_source", lambda path, in_inbox, filed, listing=None: None
    )  # killed before removing them
    clerk.file_many([(scan, None) for scan in scans])
    monkeypatch.undo()
    # As a kill leaves it: only number 1 committed; 3 placed with its sidecar, 2 not placed yet.
    with ledger.write() as conn:
        conn.execute(sa.delete(archive_items).where(archive_items.c.seq > 1))
    second = ws.root / "records/archive/工程档案/2026/GC-2026-00002_维保记录2.pdf"
    for path in (second, second.with_name(second.name + ".json")):
        path.unlink()
    done = clerk.recover()
    assert done == [
        "回退中断的归档：删除 records/archive/工程档案/2026/GC-2026-00003_维保记录3.pdf（原件仍在收件箱，会重新归档）"
    ]
    outcomes = clerk.file_paths([inbox(ws)])
    assert [(o.status, o.item.archive_no) for o in outcomes] == [  # type: ignore[union-attr]
        ("already_filed", "GC-2026-00001"),
        ("filed", "GC-2026-00002"),
        ("filed", "GC-2026-00003"),
    ]
    assert verify(ws, ledger, "档案员").ok and tree(inbox(ws)) == []


def test_recovery_completes_the_next_number_from_its_sidecar(
    ws: Workspace, ledger: Ledger, clerk: Archivist, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk.file(drop(ws, "1-1-101_产权证明_20261101.pdf", 1))
    monkeypatch.setattr(
        clerk, "_remove_source", lambda path, in_inbox, filed, listing=None: None
    )  # the scan is still in the inbox
    clerk.file(drop(ws, "1-1-101_身份证_20261101.pdf", 2))
    monkeypatch.undo()
    with ledger.write() as conn:  # killed after placing number 2, before its commit
        conn.execute(sa.delete(archive_items).where(archive_items.c.seq == 2))
    # a repair says it so too: its scan still in the inbox, a filing cut short (not a registration rebuilt after a lost
    # ledger, 按说明文件重建档案登记)
    assert verify(ws, ledger, "档案员", repair=True).repaired == [
        "补全中断的归档 YZ-2026-00002（records/archive/业主档案/2026/YZ-2026-00002_身份证.pdf）"
    ]
    assert [i.archive_no for i in list_items(ledger)] == ["YZ-2026-00001", "YZ-2026-00002"]
    assert [o.status for o in clerk.file_paths([inbox(ws)])] == ["already_filed"]


def test_a_filing_that_recovers_first_finishes_a_killed_one_before_filing_the_rest(
    ws: Workspace, ledger: Ledger, clerk: Archivist, monkeypatch: pytest.MonkeyPatch
) -> None:
    # recordkit file's filing (``file_paths(..., recover=True)``): number 2 placed by a killed filing, its row lost,
    # is completed first, so the scan still in the inbox is found filed and the new one takes number 3.
    clerk.file(drop(ws, "1-1-101_产权证明_20261101.pdf", 1))
    monkeypatch.setattr(clerk, "_remove_source", lambda path, in_inbox, filed, listing=None: None)
    clerk.file(drop(ws, "1-1-101_身份证_20261101.pdf", 2))
    monkeypatch.undo()
    with ledger.write() as conn:
        conn.execute(sa.delete(archive_items).where(archive_items.c.seq == 2))
    drop(ws, "1-1-101_购房合同_20261101.pdf", 3)
    outcomes = clerk.file_paths([inbox(ws)], recover=True)
    assert [(o.source, o.status) for o in outcomes] == [
        ("1-1-101_购房合同_20261101.pdf", "filed"),  # (a folder's files in the order of their names)
        ("1-1-101_身份证_20261101.pdf", "already_filed"),
    ]
    with ledger.read() as conn:
        rows = conn.execute(sa.select(archive_items.c.archive_no).order_by(archive_items.c.seq)).scalars().all()
    assert rows == ["YZ-2026-00001", "YZ-2026-00002", "YZ-2026-00003"]
    assert tree(inbox(ws)) == []


def test_a_link_in_the_inbox_is_not_followed(ws: Workspace, ledger: Ledger, clerk: Archivist, tmp_path: Path) -> None:
    secret = write_scan(tmp_path / "服务器上的别处.pdf", 1)
    link = inbox(ws) / "看起来像扫描件.pdf"
    link.symlink_to(secret)
    outcome = clerk.file(link)
    assert (outcome.status, outcome.reason) == ("quarantined", "这是一个链接（快捷方式），不是文件本身：请放入文件本身")
    assert list_items(ledger) == [] and secret.exists()


def test_a_folder_and_a_file_name_naming_different_units_are_filed_to_neither_for_review(
    ws: Workspace, ledger: Ledger, clerk: Archivist
) -> None:
    # The scanner's folder is 1-1-101's, the clerk named the scan after 3-2-1201: which owner it is, a person decides.
    conflict = clerk.file(drop(ws, "1-1-101/3-2-1201 购房合同.pdf", 1), base=inbox(ws)).item
    # The same unit written two ways is no conflict.
    same = clerk.file(drop(ws, "1栋1单元101室/1-1-101 产权证明.pdf", 2), base=inbox(ws)).item
    assert conflict is not None and same is not None
    assert (conflict.unit, conflict.title, conflict.review_reasons) == (
        None,
        "3-2-1201 购房合同",  # the name's unit, not taken, kept in the title for the review to see
        ("文件夹写的是 1-1-101，文件名写的是 3-2-1201",),
    )
    assert (same.unit, same.review_reasons) == ("1-1-101", ())
    assert [item.archive_no for item in list_items(ledger, review=True)] == [conflict.archive_no]
    assert list_items(ledger, unit="1-1-101") == [same]
    # Reviewed: the unit the archivist gives it settles the reason.
    settled = update_item(ws, ledger, conflict.archive_no, "档案员", unit="3-2-1201")
    assert (settled.unit, settled.needs_review, settled.review_reasons) == ("3-2-1201", False, ())


def test_a_scan_in_one_folder_per_level_of_its_unit_is_that_units(ws: Workspace, clerk: Archivist) -> None:
    # A scanner profile makes 1栋/1单元/101室/: the three folders are one unit.
    nested = clerk.file(drop(ws, "1栋/1单元/101室/身份证复印件.pdf", 1), base=inbox(ws)).item
    below = clerk.file(drop(ws, "业主档案/3栋/2单元/1201室/入住登记表.pdf", 2), base=inbox(ws)).item
    half = clerk.file(drop(ws, "业主档案/3栋/2单元/产权证明.pdf", 3), base=inbox(ws)).item
    assert nested is not None and below is not None and half is not None
    assert (nested.category, nested.unit, nested.topic, nested.review_reasons) == ("业主档案", "1-1-101", None, ())
    assert (below.unit, below.topic, below.review_reasons) == ("3-2-1201", None, ())
    assert (half.unit, half.topic, half.review_reasons) == (None, "3栋/2单元", ("业主档案没有识别出房号",))


def test_a_quarantined_files_name_and_note_tell_the_time_on_the_offices_clock(ws: Workspace, clerk: Archivist) -> None:
    # 23:30 on the server's UTC clock is 07:30 the next morning in the office (Asia/Shanghai, UTC+8).
    with time_machine.travel(dt.datetime(2026, 12, 5, 23, 30, tzinfo=dt.UTC), tick=False):
        (inbox(ws) / "b.bmp").write_bytes(b"BM" + bytes(64))
        outcome = clerk.file(inbox(ws) / "b.bmp")
    assert outcome.quarantine_path == "records/quarantine/20261206-073000_b.bmp"
    note = (ws.root / (outcome.quarantine_path + ".原因.txt")).read_text(encoding="utf-8")
    assert "时间：2026-12-06 07:30:00+08:00\n" in note  # what the clerk reads, with its offset for programs
    [listed] = list_quarantined(ws, clerk.ledger)
    assert listed.at == "2026-12-06 07:30:00+08:00"


@pytest.mark.parametrize("extension", [".jfif", ".JFIF", ".jpe"])
def test_a_jpeg_saved_as_jfif_or_jpe_is_filed_as_a_jpeg(ws: Workspace, clerk: Archivist, extension: str) -> None:
    # Windows' browsers save a photo of a contract as .jfif; the archive keeps it as the JPEG it is.
    jpeg = write_scan(ws.root / "照片.jpg", 1).read_bytes()
    (inbox(ws) / f"3-2-1201_购房合同{extension}").write_bytes(jpeg)
    outcome = clerk.file(inbox(ws) / f"3-2-1201_购房合同{extension}")
    assert outcome.item is not None, outcome.reason
    assert (outcome.item.unit, outcome.item.title, outcome.item.pages) == ("3-2-1201", "购房合同", 1)
    assert outcome.item.path == "records/archive/业主档案/2026/YZ-2026-00001_购房合同.jpg"
    assert (ws.root / outcome.item.path).read_bytes() == jpeg


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "IMG_4021.HEIC",
            b"\0\0\0\x18ftypheic" + bytes(64),
            "苹果手机照片（HEIC），请在手机设置→相机→格式里选“兼容性最佳”，或转成 JPG 后再放入收件箱",
        ),
        (
            "IMG_4022.heif",
            b"\0\0\0\x18ftypmif1" + bytes(64),
            "苹果手机照片（HEIC），请在手机设置→相机→格式里选“兼容性最佳”，或转成 JPG 后再放入收件箱",
        ),
        ("合同扫描.zip", b"PK\x03\x04" + bytes(64), "压缩包，请解压后把里面的文件放入收件箱"),
        ("合同扫描.rar", b"Rar!\x1a\x07\x00" + bytes(64), "压缩包，请解压后把里面的文件放入收件箱"),
        ("合同扫描.7z", b"7z\xbc\xaf\x27\x1c" + bytes(64), "压缩包，请解压后把里面的文件放入收件箱"),
        ("图纸.bmp", b"BM" + bytes(64), "不支持的文件类型 .bmp：只归档 PDF、JPG/PNG、TIFF、DOCX、XLSX"),
        # a .jfif that holds no JPEG is what its name says it is not
        (
            "照片.jfif",
            b"\x89PNG\r\n\x1a\n" + bytes(64),
            "文件内容不是 JPEG 图片（扩展名是 .jfif）：文件已损坏或扩展名写错",
        ),
    ],
)
def test_a_photo_or_an_archive_the_office_cannot_file_says_what_to_do(
    ws: Workspace, clerk: Archivist, name: str, content: bytes, reason: str
) -> None:
    (inbox(ws) / name).write_bytes(content)
    outcome = clerk.file(inbox(ws) / name)
    assert (outcome.status, outcome.reason) == ("quarantined", reason)


def test_a_file_name_carrying_the_number_of_a_filed_item_is_filed_for_review_naming_it(
    ws: Workspace, ledger: Ledger, clerk: Archivist
) -> None:
    first = clerk.file(drop(ws, "3-2-1201_购房合同_20190915.pdf", 1)).item
    assert first is not None and first.archive_no == "YZ-2019-00001"
    # A supplement named after the item it belongs to, its number as written on the box label.
    supplement = clerk.file(drop(ws, "YZ-2019-1 补充材料.pdf", 2)).item
    written_whole = clerk.file(drop(ws, "补充材料_YZ-2019-00001.pdf", 3)).item
    # A number no item has is no item's: filed as any other scan.
    unknown = clerk.file(drop(ws, "YZ-2019-00009 补充材料.pdf", 4)).item
    assert supplement is not None and written_whole is not None and unknown is not None
    assert supplement.review_reasons == (
        "无法判断档案类别",
        "文件名里的档号 YZ-2019-1 已是《购房合同》（YZ-2019-00001），请在复核时决定",
    )
    assert written_whole.review_reasons == (
        "无法判断档案类别",
        "文件名里的档号 YZ-2019-00001 已是《购房合同》，请在复核时决定",
    )
    assert (unknown.title, unknown.review_reasons) == ("YZ-2019-00009 补充材料", ("无法判断档案类别",))
    assert {item.archive_no for item in list_items(ledger, review=True)} == {
        supplement.archive_no,
        written_whole.archive_no,
        unknown.archive_no,
    }


def test_a_name_too_long_is_told_to_be_renamed_and_sent_again_from_where_it_came(
    ws: Workspace, clerk: Archivist, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name the file system refuses (ENAMETOOLONG) told a file given to ``recordkit file`` outside the inbox to
    be put back into the inbox; now it is told to be filed again with ``recordkit file``, the inbox as before."""

    def too_long(path: Path, *args: Any) -> str:
        raise OSError(errno.ENAMETOOLONG, "File name too long")

    monkeypatch.setattr(archivist_module, "precheck", too_long)
    own = write_scan(ws.root / "我的文件" / "扫描.pdf", 1)
    refused = clerk.file(own)
    assert (refused.status, refused.reason) == (
        "refused",
        "文件名太长（10 字节），无法处理：请把文件名改短后再用 recordkit file 归档",
    )
    assert own.exists()
    write_scan(inbox(ws) / "扫描.pdf", 1)
    quarantined = clerk.file(inbox(ws) / "扫描.pdf")
    assert (quarantined.status, quarantined.reason) == (
        "quarantined",
        "文件名太长（10 字节），无法处理：请把文件名改短后重新放入收件箱",
    )


def test_a_scan_titled_for_want_of_words_given_a_unit_alone_or_a_category_alone(
    ws: Workspace, ledger: Ledger, clerk: Archivist
) -> None:
    # What README says of 扫描件 given only --unit or only --category: the title names what is known.
    first = clerk.file(drop(ws, "IMG_5678.jpg", 2)).item
    second = clerk.file(drop(ws, "IMG_5679.jpg", 3)).item
    assert first is not None and second is not None
    assert (first.category, first.title, second.title) == ("未分类", "扫描件", "扫描件")
    united = update_item(ws, ledger, first.archive_no, "档案员", unit="3-2-1201")
    assert (united.category, united.unit, united.title) == ("未分类", "3-2-1201", "3-2-1201 扫描件")
    classified = update_item(ws, ledger, second.archive_no, "档案员", category="工程档案")
    assert (classified.category, classified.unit, classified.title) == ("工程档案", None, "工程档案")
    assert update_item(ws, ledger, united.archive_no, "档案员", category="业主档案").title == "3-2-1201 业主档案"


def test_a_title_recordkit_made_follows_the_item_to_its_new_unit_and_category_a_clerks_does_not(
    ws: Workspace, ledger: Ledger, clerk: Archivist
) -> None:
    # A camera's name in a unit's folder holds no words: recordkit titled it by its unit and category.
    photo = clerk.file(drop(ws, "3-2-1201/IMG_1234.jpg", 1), base=inbox(ws)).item
    unnamed = clerk.file(drop(ws, "IMG_5678.jpg", 2)).item
    named = clerk.file(drop(ws, "3-2-1201/业主档案.pdf", 3), base=inbox(ws)).item
    worded = clerk.file(drop(ws, "3-2-1201/产权证明.pdf", 4), base=inbox(ws)).item
    assert photo is not None and unnamed is not None and named is not None and worded is not None
    assert (photo.title, unnamed.title, named.title, worded.title) == (
        "3-2-1201 业主档案",
        "扫描件",
        "3-2-1201 业主档案",
        "产权证明",
    )
    # Moved to another unit, then to another category: the made-up title says where it is now.
    moved = update_item(ws, ledger, photo.archive_no, "档案员", unit="1-1-101")
    assert (moved.unit, moved.title) == ("1-1-101", "1-1-101 业主档案")
    assert sidecar_of(ws, moved.path)["title"] == "1-1-101 业主档案"
    engineering = update_item(ws, ledger, moved.archive_no, "档案员", category="工程档案")
    assert (engineering.archive_no, engineering.title) == ("GC-2026-00001", "1-1-101 工程档案")
    assert engineering.path == "records/archive/工程档案/2026/GC-2026-00001_1-1-101 工程档案.jpg"
    classified = update_item(ws, ledger, unnamed.archive_no, "档案员", category="业主档案", unit="3-2-1201")
    assert classified.title == "3-2-1201 业主档案"
    # A title the clerk wrote, or typed in the made-up words and so made their own, stays as it is.
    assert update_item(ws, ledger, worded.archive_no, "档案员", unit="1-1-101").title == "产权证明"
    with pytest.raises(UsageError, match="没有改动"):  # the same words: nothing changed, nothing journalled
        update_item(ws, ledger, named.archive_no, "档案员", title="3-2-1201 业主档案 ")
    typed = update_item(ws, ledger, named.archive_no, "档案员", title="房屋档案")
    update_item(ws, ledger, typed.archive_no, "档案员", title="3-2-1201 业主档案")
    assert update_item(ws, ledger, named.archive_no, "档案员", unit="1-1-101").title == "3-2-1201 业主档案"
    # A new title with the new unit is the clerk's.
    both = update_item(ws, ledger, engineering.archive_no, "档案员", unit="3-2-1201", title="电梯照片")
    assert both.title == "电梯照片"
