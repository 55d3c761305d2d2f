"""Extraction: the words read from DOCX, XLSX and PDF text layers; bad files flagged, never raised;
the stored text reused; OCR called only where a page has no text, once per page."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from recordkit.archive import extract
from recordkit.archive.extract import ItemText, PageText, extract_item, extract_items, low_confidence_pages, stored_text
from recordkit.core.workspace import Workspace
from recordkit.demo.scans import encrypted_pdf, pdf_of_objects, scan_bytes
from tests.extract_helpers import CountingEngine, item_for, text_pdf, write_docx, write_xlsx


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> CountingEngine:
    counting = CountingEngine()
    monkeypatch.setattr(extract, "load_engine", lambda: counting)
    return counting


def _file(workspace: Workspace, name: str, data: bytes) -> Path:
    path = workspace.root / "records" / "archive" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_docx_header_paragraphs_table_and_footer(workspace: Workspace, engine: CountingEngine) -> None:
    item = item_for(workspace, write_docx(workspace.root / "records" / "archive" / "协议.docx"))
    text = extract_item(workspace, item)
    assert text.error is None and not text.ocr_pending
    assert text.pages == (
        PageText(
            1,
            "幸福里物业服务中心 装修管理协议\n"
            "甲方：业主张伟，房号 3-2-1201。\n"
            "乙方负责电梯维修期间的成品保护。\n"
            "项目\t金额\t日期\n"
            "装修押金\t2000元\t2025年3月15日\n"
            "第 1 页 档号 HT-2026-00007",
            "text",
            None,
        ),
    )
    assert engine.calls == 0


def test_xlsx_cells_one_page_per_sheet(workspace: Workspace, engine: CountingEngine) -> None:
    item = item_for(workspace, write_xlsx(workspace.root / "records" / "archive" / "台账.xlsx"))
    text = extract_item(workspace, item)
    assert [page.text for page in text.pages] == [
        "房号\t业主\t金额（元）\t日期\n3-2-1201\t张伟\t2350\t2025-03-15",
        "\t电梯维修基金已缴",
    ]
    assert [page.number for page in text.pages] == [1, 2]
    assert text.text.endswith("2025-03-15\n\t电梯维修基金已缴")


def test_pdf_text_layer_is_read_without_ocr(workspace: Workspace, engine: CountingEngine) -> None:
    item = item_for(workspace, _file(workspace, "a.pdf", text_pdf(["Lift YZ-2026-00001", "Unit 3-2-1201"])))
    text = extract_item(workspace, item)
    assert text.pages == (PageText(1, "Lift YZ-2026-00001\nUnit 3-2-1201", "text", None),)
    assert engine.calls == 0


def test_scanned_pdf_pages_are_ocrd_with_their_confidence(workspace: Workspace, engine: CountingEngine) -> None:
    item = item_for(workspace, _file(workspace, "scan.pdf", scan_bytes("pdf", 1, pages=3)))
    text = extract_item(workspace, item)
    assert [(p.number, p.text, p.method, p.confidence) for p in text.pages] == [
        (1, "电梯维修记录1", "ocr", 0.95),
        (2, "电梯维修记录2", "ocr", 0.95),
        (3, "电梯维修记录3", "ocr", 0.95),
    ]
    assert text.text == "电梯维修记录1\n电梯维修记录2\n电梯维修记录3"


def test_multi_page_tiff_ocrs_every_frame(workspace: Workspace, engine: CountingEngine) -> None:
    item = item_for(workspace, _file(workspace, "图纸.tif", scan_bytes("tiff", 2, pages=4)))
    text = extract_item(workspace, item)
    assert [p.number for p in text.pages] == [1, 2, 3, 4] and engine.calls == 4


def test_stored_text_is_reused_and_nothing_is_ocrd_twice(workspace: Workspace, engine: CountingEngine) -> None:
    item = item_for(workspace, _file(workspace, "scan.jpg", scan_bytes("jpg", 3)))
    assert stored_text(workspace, item) is None
    first = extract_item(workspace, item)
    assert engine.calls == 1
    stored = workspace.root / "records" / "index" / "text" / item.sha256[:2] / f"{item.sha256}.json"
    assert json.loads(stored.read_text(encoding="utf-8"))["pages"][0]["text"] == "电梯维修记录1"
    again = extract_item(workspace, item)
    assert again == first == stored_text(workspace, item)
    assert engine.calls == 1
    # A rename costs nothing: the text is kept by SHA-256.
    moved = item_for(workspace, _file(workspace, "改名.jpg", scan_bytes("jpg", 3)))
    assert extract_item(workspace, moved) == first and engine.calls == 1


def test_without_ocr_text_pages_are_kept_and_ocr_left_pending(workspace: Workspace, engine: CountingEngine) -> None:
    scan = item_for(workspace, _file(workspace, "scan.png", scan_bytes("png", 4)))
    later = extract_item(workspace, scan, ocr=False)
    assert later == ItemText(scan.sha256, (), None, True) and engine.calls == 0
    assert stored_text(workspace, scan) == later
    done = extract_item(workspace, scan)
    assert not done.ocr_pending and done.pages[0].text == "电梯维修记录1" and engine.calls == 1
    assert stored_text(workspace, scan) == done


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("坏.pdf", b"%PDF-1.4\n1 0 obj garbage", "PDF 文件已损坏，无法读取文字：只按档案信息检索"),
        ("加密.pdf", encrypted_pdf(), "PDF 设置了打开密码，无法读取文字：只按档案信息检索"),
        ("半张.jpg", scan_bytes("jpg", 1)[:300], None),
        # A multi-page TIFF cut short (Pillow: TypeError "Missing dimensions"), as a slow scanner leaves it.
        ("半截.tif", scan_bytes("tiff", 1, 3)[:3760], "图片文件已损坏，无法识别文字：只按档案信息检索"),
        (  # it opens and counts two pages; the second is no page object (pdfium: "Failed to load page.")
            "坏页.pdf",
            pdf_of_objects(
                [
                    b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
                    b"42",
                ]
            ),
            "PDF 第 2 页已损坏，无法读取文字：只按档案信息检索",
        ),
        ("坏.docx", b"PK\x03\x04 not really a zip", "Word 文档已损坏，无法读取文字：只按档案信息检索"),
        ("坏.xlsx", b"PK\x03\x04 not really a zip", "Excel 表格已损坏，无法读取文字：只按档案信息检索"),
    ],
)
def test_broken_files_give_an_error_never_an_exception(
    workspace: Workspace, engine: CountingEngine, name: str, data: bytes, reason: str | None
) -> None:
    item = item_for(workspace, _file(workspace, name, data))
    text = extract_item(workspace, item)
    assert text.pages == () and text.error
    if reason:
        assert text.error == reason
    assert stored_text(workspace, item) == text  # flagged once, not retried every night


def test_a_crashing_reader_is_flagged(
    workspace: Workspace, engine: CountingEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_args: object) -> None:
        raise RecursionError("hostile file")

    monkeypatch.setattr(extract, "_docx_text", crash)
    item = item_for(workspace, write_docx(workspace.root / "records" / "archive" / "协议.docx"))
    text = extract_item(workspace, item)
    assert text.error == "读取文字时出错（RecursionError）：只按档案信息检索，请检查该文件"


def test_a_zip_bomb_docx_is_refused(workspace: Workspace, engine: CountingEngine) -> None:
    path = workspace.root / "records" / "archive" / "炸弹.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as stream:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                stream.write(chunk)
    text = extract_item(workspace, item_for(workspace, path))
    assert text.error == "Word 文档解压后过大（300 MB），不读取文字：只按档案信息检索"


def test_a_missing_or_changed_file_is_not_stored(workspace: Workspace, engine: CountingEngine) -> None:
    path = _file(workspace, "x.pdf", text_pdf(["abc"]))
    item = item_for(workspace, path)
    path.write_bytes(text_pdf(["changed"]))
    assert extract_item(workspace, item).error == "档案文件与台账记录的 SHA-256 不一致：请运行 recordkit archive verify"
    path.unlink()
    assert extract_item(workspace, item).error == "档案文件不存在或无法读取：请运行 recordkit archive verify"
    assert stored_text(workspace, item) is None


def test_huge_scan_is_downscaled_before_ocr(workspace: Workspace, engine: CountingEngine) -> None:
    from PIL import Image

    path = workspace.root / "records" / "archive" / "A0图纸.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", (10_000, 7_000), 255).save(path, "PNG")
    text = extract_item(workspace, item_for(workspace, path))
    assert text.error is None and text.pages[0].method == "ocr"
    assert engine.sizes == [(2000, 1400)]


def test_a_phone_photo_stored_on_its_side_is_read_upright(workspace: Workspace, engine: CountingEngine) -> None:
    from PIL import Image

    # A page photographed upright (600 wide, 800 high) that the phone stored 800 x 600 with EXIF Orientation 6
    # ("turn 90 degrees clockwise to view"): OCR is given the page the right way up, so its lines come in order.
    path = workspace.root / "records" / "archive" / "手机拍照.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("L", (800, 600), 255).save(path, "JPEG", exif=exif.tobytes())
    text = extract_item(workspace, item_for(workspace, path))
    assert text.error is None and engine.sizes == [(600, 800)]


def test_a_16_bit_grey_scan_reaches_ocr_with_its_dark_text(
    workspace: Workspace, engine: CountingEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image

    # White 60000 of 65535, a dark line of text 1000: OCR must see the line dark on white, not a blank page.
    page = Image.new("I", (400, 300), 60000)
    page.paste(1000, (40, 140, 360, 160))
    path = workspace.root / "records" / "archive" / "16位灰度.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.convert("I;16").save(path)
    seen: list[tuple[int, int]] = []
    recognize = engine.recognize
    monkeypatch.setattr(engine, "recognize", lambda image: seen.append(image.getextrema()) or recognize(image))
    text = extract_item(workspace, item_for(workspace, path))
    assert text.error is None and len(seen) == 1
    darkest, brightest = seen[0]
    assert darkest < 10 and brightest > 245


def test_a_png_with_a_transparent_background_reaches_ocr_on_white(
    workspace: Workspace, engine: CountingEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image, ImageDraw

    # Black ink on a transparent background (black underneath): OCR must see the ink on white, not a black page.
    page = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    ImageDraw.Draw(page).rectangle((40, 140, 360, 160), fill=(0, 0, 0, 255))
    path = workspace.root / "records" / "archive" / "透明背景.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.save(path)
    seen: list[tuple[int, int]] = []
    recognize = engine.recognize
    monkeypatch.setattr(engine, "recognize", lambda image: seen.append(image.getextrema()) or recognize(image))
    text = extract_item(workspace, item_for(workspace, path))
    assert text.error is None and seen == [(0, 255)]


def test_decompression_bomb_is_flagged(workspace: Workspace, engine: CountingEngine) -> None:
    from PIL import Image

    path = workspace.root / "records" / "archive" / "bomb.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("1", (20_000, 10_000), 1).save(path, "PNG")  # 200 MP in a few hundred KB
    text = extract_item(workspace, item_for(workspace, path))
    assert text.error == "图片过大（20000×10000 像素），不做文字识别：只按档案信息检索"
    assert engine.calls == 0


def test_images_above_the_configured_pixel_limit_are_not_ocrd(tmp_path: Path, engine: CountingEngine) -> None:
    from PIL import Image

    from recordkit.core.workspace import init_workspace, open_workspace

    workspace = open_workspace(init_workspace(tmp_path / "ws"), environ={"RECORDKIT_OCR_MAX_PIXELS": "1000000"})
    path = workspace.root / "records" / "archive" / "big.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", (2000, 1000), 255).save(path, "PNG")
    text = extract_item(workspace, item_for(workspace, path))
    assert text.error == "图片过大（2000×1000 像素），不做文字识别：只按档案信息检索"
    assert engine.calls == 0


def test_extract_items_loads_the_engine_once_and_reports_progress(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[CountingEngine] = []

    def load() -> CountingEngine:
        loads.append(CountingEngine())
        return loads[-1]

    monkeypatch.setattr(extract, "load_engine", load)
    docx_item = item_for(workspace, write_docx(workspace.root / "records" / "archive" / "协议.docx"))
    scans = [
        item_for(workspace, _file(workspace, f"s{n}.jpg", scan_bytes("jpg", 10 + n)), f"YZ-2026-0000{n}")
        for n in range(2, 5)
    ]
    seen: list[tuple[int, int]] = []
    results = list(extract_items(workspace, [docx_item], progress=lambda done, total: seen.append((done, total))))
    assert loads == [] and seen == [(1, 1)] and results[0][1].error is None  # no OCR needed: engine never loaded
    results = list(extract_items(workspace, scans, progress=lambda done, total: seen.append((done, total))))
    assert len(loads) == 1 and loads[0].calls == 3
    assert seen[1:] == [(1, 3), (2, 3), (3, 3)]
    assert [item.archive_no for item, _text in results] == ["YZ-2026-00002", "YZ-2026-00003", "YZ-2026-00004"]


def test_low_confidence_pages_are_listed(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    good, poor = CountingEngine(confidence=0.97), CountingEngine(confidence=0.6)
    monkeypatch.setattr(extract, "load_engine", lambda: good)
    clear = item_for(workspace, _file(workspace, "clear.jpg", scan_bytes("jpg", 20)), "YZ-2026-00001")
    extract_item(workspace, clear)
    monkeypatch.setattr(extract, "load_engine", lambda: poor)
    blurred = item_for(workspace, _file(workspace, "blurred.tif", scan_bytes("tiff", 21, pages=2)), "YZ-2026-00002")
    extract_item(workspace, blurred)
    never = item_for(workspace, _file(workspace, "never.jpg", scan_bytes("jpg", 22)), "YZ-2026-00003")
    found = low_confidence_pages(workspace, [clear, blurred, never])
    assert [(item.archive_no, page.number, page.confidence) for item, page in found] == [
        ("YZ-2026-00002", 1, 0.6),
        ("YZ-2026-00002", 2, 0.6),
    ]
    assert len(low_confidence_pages(workspace, [clear, blurred], threshold=0.99)) == 3


@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice is not installed")
def test_a_chinese_text_layer_pdf_from_libreoffice(workspace: Workspace, engine: CountingEngine) -> None:
    from recordkit.documents.pdf import convert_to_pdf

    source = write_docx(workspace.root / "records" / "archive" / "协议.docx")
    pdf = convert_to_pdf([source])[0]
    text = extract_item(workspace, item_for(workspace, pdf))
    assert [p.method for p in text.pages] == ["text"] and engine.calls == 0
    flat = "".join(text.text.split())
    for words in (
        "甲方：业主张伟，房号3-2-1201。",
        "乙方负责电梯维修期间的成品保护。",
        "装修押金",
        "2025年3月15日",
        "档号HT-2026-00007",
    ):
        assert words in flat


def _extract_in_a_process(root: str, relative: str) -> None:
    from recordkit.core.workspace import open_workspace

    workspace = open_workspace(Path(root), environ={})
    item = item_for(workspace, workspace.root / relative)
    for _ in range(20):
        text = extract_item(workspace, item)
        assert text.error is None and text.pages[0].text.startswith("幸福里物业服务中心")


def test_two_processes_extracting_the_same_item_at_once(workspace: Workspace) -> None:
    from tests.conftest import run_at_once

    path = write_docx(workspace.root / "records" / "archive" / "协议.docx")
    stored = workspace.root / "records" / "index" / "text"
    for round_ in range(3):  # each round starts with no stored text, so both processes write it
        __import__("shutil").rmtree(stored, ignore_errors=True)
        run_at_once(
            _extract_in_a_process,
            (str(workspace.root), path.relative_to(workspace.root).as_posix()),
            ["守护进程", "夜间索引"],
        )
        files = sorted(p.name for p in stored.rglob("*"))
        assert len(files) == 2 and not any(name.startswith(".~recordkit-") for name in files), (round_, files)
        assert stored_text(workspace, item_for(workspace, path)).pages[0].text.startswith("幸福里物业服务中心")


def _mixed_pdf() -> bytes:
    """Page 1 with a text layer, pages 2-3 scanned (images only)."""
    import io

    import pypdfium2

    document = pypdfium2.PdfDocument(text_pdf(["Contract HT-2026-00007"]))
    scans = pypdfium2.PdfDocument(scan_bytes("pdf", 6, pages=2))
    document.import_pages(scans)
    buffer = io.BytesIO()
    document.save(buffer)
    scans.close()
    document.close()
    return buffer.getvalue()


def test_a_pdf_with_text_and_scanned_pages(workspace: Workspace, engine: CountingEngine) -> None:
    item = item_for(workspace, _file(workspace, "mixed.pdf", _mixed_pdf()))
    pending = extract_item(workspace, item, ocr=False)
    assert pending.ocr_pending and pending.pages == (PageText(1, "Contract HT-2026-00007", "text", None),)
    done = extract_item(workspace, item)
    assert [(p.number, p.method, p.text) for p in done.pages] == [
        (1, "text", "Contract HT-2026-00007"),
        (2, "ocr", "电梯维修记录1"),
        (3, "ocr", "电梯维修记录2"),
    ]
    assert not done.ocr_pending and engine.calls == 2
    assert max(engine.sizes[0]) in (1999, 2000)  # rendered at 200 dpi, capped at [ocr] max_side


def test_xlsx_cells_past_the_recorded_sheet_size_are_read(workspace: Workspace, engine: CountingEngine) -> None:
    """Another system's file claiming its first sheet is A1:B1 (and its second just A1): every cell is read."""
    from tests.test_roster_cli import with_dimension

    path = with_dimension(write_xlsx(workspace.root / "records" / "archive" / "台账.xlsx"), "A1")
    text = extract_item(workspace, item_for(workspace, path))
    assert [page.text for page in text.pages] == [
        "房号\t业主\t金额（元）\t日期\n3-2-1201\t张伟\t2350\t2025-03-15",
        "\t电梯维修基金已缴",
    ]
