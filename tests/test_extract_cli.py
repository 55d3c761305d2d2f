"""The archivist reads what was extracted: `archive text` and the OCR part of `archive review`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from recordkit.archive import extract
from recordkit.core.workspace import Workspace
from recordkit.demo.scans import write_scan
from tests.archive_helpers import FAST, archive_workspace
from tests.extract_helpers import CountingEngine, write_docx


@pytest.fixture
def archivist_cli(run_cli: Any, workspace: Workspace) -> Any:
    archive_workspace(workspace.root)

    def run(*args: str) -> Any:
        return run_cli(*args, env=FAST)

    return run


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> CountingEngine:
    counting = CountingEngine(confidence=0.62)
    monkeypatch.setattr(extract, "load_engine", lambda: counting)
    return counting


def _file(archivist_cli: Any, path: Path) -> None:
    result = archivist_cli("file", str(path))
    assert result.exit_code == 0, result.output


def test_archive_text_reads_a_docx_and_ocrs_a_scan(
    archivist_cli: Any, workspace: Workspace, engine: CountingEngine
) -> None:
    _file(archivist_cli, write_docx(workspace.root / "3-2-1201_装修协议_20261102.docx"))
    _file(archivist_cli, write_scan(workspace.root / "工程档案" / "电梯" / "维保记录.pdf", 3, pages=2))
    shown = archivist_cli("archive", "text", "YZ-2026-00001")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[:3] == [
        "YZ-2026-00001（装修协议），1 页：",
        "— 第 1 页（直接读取）—",
        "幸福里物业服务中心 装修管理协议",
    ]
    scanned = archivist_cli("archive", "text", "GC-2026-00001")
    assert scanned.stdout.splitlines() == [
        "GC-2026-00001（维保记录），2 页：",
        "— 第 1 页（OCR，置信度 0.62）—",
        "电梯维修记录1",
        "— 第 2 页（OCR，置信度 0.62）—",
        "电梯维修记录2",
    ]
    again = json.loads(archivist_cli("archive", "text", "GC-2026-00001", "--json").stdout)
    assert [p["text"] for p in again["pages"]] == ["电梯维修记录1", "电梯维修记录2"] and engine.calls == 2


def test_archive_text_without_ocr_says_what_is_left(
    archivist_cli: Any, workspace: Workspace, engine: CountingEngine
) -> None:
    _file(archivist_cli, write_scan(workspace.root / "3-2-1201_产权证明_20200501.jpg", 3))
    shown = archivist_cli("archive", "text", "YZ-2020-00001", "--no-ocr")
    assert shown.stdout.splitlines() == [
        "YZ-2020-00001（产权证明），0 页：",
        "还有页面没有文字层、尚未识别：去掉 --no-ocr 再运行一次",
    ]
    assert engine.calls == 0


def test_archive_text_of_an_unknown_number_and_a_damaged_file(
    archivist_cli: Any, workspace: Workspace, engine: CountingEngine
) -> None:
    missing = archivist_cli("archive", "text", "YZ-2026-09999")
    assert missing.exit_code == 6 and missing.stderr.startswith("错误：")
    _file(archivist_cli, write_scan(workspace.root / "3-2-1201_产权证明_20200501.jpg", 3))
    placed = workspace.root / json.loads(archivist_cli("archive", "show", "YZ-2020-00001", "--json").stdout)["path"]
    placed.chmod(0o644)
    placed.write_bytes(b"changed")
    damaged = archivist_cli("archive", "text", "YZ-2020-00001")
    assert damaged.exit_code == 9
    assert damaged.stderr.strip() == (
        "错误：YZ-2020-00001（产权证明）无法提取文字：档案文件与台账记录的 SHA-256 不一致："
        "请运行 recordkit archive verify"
    )


def test_review_lists_low_confidence_pages_and_failed_items(
    archivist_cli: Any, workspace: Workspace, engine: CountingEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _file(archivist_cli, write_scan(workspace.root / "工程档案" / "电梯" / "维保记录.tif", 3, pages=2))
    assert archivist_cli("archive", "text", "GC-2026-00001").exit_code == 0

    def crash(*_args: object) -> None:
        raise MemoryError

    monkeypatch.setattr(extract, "_docx_text", crash)
    # (Filing reads a .docx's text at once for the search index: the crash happens there already.)
    _file(archivist_cli, write_docx(workspace.root / "3-2-1201_装修协议_20261102.docx"))
    assert archivist_cli("archive", "text", "YZ-2026-00001").exit_code == 9
    listed = json.loads(archivist_cli("archive", "review", "--ocr", "--json").stdout)
    assert listed == [
        {
            "archive_no": "GC-2026-00001",
            "title": "维保记录",
            "path": listed[0]["path"],
            "page": 1,
            "confidence": 0.62,
            "error": None,
        },
        {
            "archive_no": "GC-2026-00001",
            "title": "维保记录",
            "path": listed[0]["path"],
            "page": 2,
            "confidence": 0.62,
            "error": None,
        },
        {
            "archive_no": "YZ-2026-00001",
            "title": "装修协议",
            "path": listed[2]["path"],
            "page": None,
            "confidence": None,
            "error": "读取文字时出错（MemoryError）：只按档案信息检索，请检查该文件",
        },
    ]
    table = archivist_cli("archive", "review", "--ocr").stdout
    assert "识别置信度低于 0.85 的页 2 页" in table and "无法提取文字的档案 1 件（只按档案信息检索）" in table
    assert "│ GC-2026-00001 │ 1  │ 0.62   │ 维保记录 │" in table
    both = archivist_cli("archive", "review").stdout
    assert "待复核档案" in both and "识别置信度低于 0.85 的页 2 页" in both
    assert (
        json.loads(archivist_cli("archive", "review", "--ocr", "--min-confidence", "0.5", "--json").stdout)[0]["error"]
        == "读取文字时出错（MemoryError）：只按档案信息检索，请检查该文件"
    )
    bad = archivist_cli("archive", "review", "--min-confidence", "85")
    assert (
        bad.exit_code == 2 and bad.stderr.strip() == "错误：--min-confidence 应在 0 到 1 之间，例如 0.85（写的是 85）"
    )


def test_archive_text_masks_id_and_phone_numbers_unless_asked(
    archivist_cli: Any, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    id_copy = CountingEngine(text="身份证号码110101199003071233 电话13812345678 第")
    monkeypatch.setattr(extract, "load_engine", lambda: id_copy)
    _file(archivist_cli, write_scan(workspace.root / "1-1-101_身份证复印件_20200501.jpg", 4))
    masked = archivist_cli("archive", "text", "YZ-2020-00001")
    assert masked.stdout.splitlines()[2] == "身份证号码110101********1233 电话138****5678 第1"
    assert "110101199003071233" not in archivist_cli("archive", "text", "YZ-2020-00001", "--json").stdout
    shown = archivist_cli("archive", "text", "YZ-2020-00001", "--show-private")
    assert shown.stdout.splitlines()[2] == "身份证号码110101199003071233 电话13812345678 第1"
