"""OCR with the real engine (rapidocr_onnxruntime): rendered Chinese pages are read back accurately,
and the demo's scans carry text that OCR finds."""

from __future__ import annotations

import datetime as dt

import pytest

from recordkit.archive.extract import character_accuracy, extract_item, load_engine
from recordkit.core.workspace import Workspace
from recordkit.demo import scans as demoscans
from tests.extract_helpers import item_for

pytestmark = pytest.mark.slow


def _page(lines: list[str], size: tuple[int, int] = (1240, 1754), font_size: int = 34) -> object:
    """A clean A4 page at 150 dpi with ``lines`` drawn in the shipped font."""
    from PIL import Image, ImageDraw

    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    font = demoscans.cjk_font(font_size)
    for number, line in enumerate(lines):
        draw.text((110, 120 + number * font_size * 2), line, font=font, fill=20)
    return page


def test_character_accuracy() -> None:
    assert character_accuracy("电梯维修", "电梯维修") == 1.0
    assert character_accuracy("电梯 维修", "电梯维修\n") == 1.0
    assert character_accuracy("电梯维修", "电悌维修") == 0.75
    assert character_accuracy("房号：3-2-1201", "房号:3-2-1201") == 1.0  # full-width colon folded
    assert character_accuracy("电梯", "") == 0.0


def test_the_shipped_font_has_every_character_drawn() -> None:
    font = demoscans.cjk_font(24)
    missing = bytes(font.getmask("\uffff"))  # what an absent character draws (.notdef)
    texts = [
        *demoscans.SAMPLE_SENTENCES,
        *demoscans.LATER_PAGE_SENTENCES,
        *(line for lines in demoscans.DOCUMENT_SENTENCES.values() for line in lines),
        *(line for lines in demoscans.README_SCAN_TEXT.values() for line in lines),
        "电梯机房平面图（第2页）",
    ]
    absent = sorted({ch for text in texts for ch in text if not ch.isspace() and bytes(font.getmask(ch)) == missing})
    assert absent == []


def test_ocr_reads_a_rendered_chinese_page(workspace: Workspace) -> None:
    lines = ["电梯维修保养记录", "房号：3-2-1201　业主：张伟", "日期：2025年3月15日", *demoscans.SAMPLE_SENTENCES[:14]]
    path = workspace.root / "records" / "archive" / "电梯维修保养记录.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    _page(lines).save(path)
    text = extract_item(workspace, item_for(workspace, path))
    assert text.error is None and [p.method for p in text.pages] == ["ocr"]
    assert character_accuracy("\n".join(lines), text.text) >= 0.97
    for word in ("电梯维修", "3-2-1201", "张伟", "2025年3月15日", "YZ-2026-00001"):
        assert word in text.text
    assert text.pages[0].confidence is not None and text.pages[0].confidence > 0.9


def test_ocr_reads_the_demo_scans(workspace: Workspace) -> None:
    lines = demoscans.document_lines("装饰装修管理协议", "3-2-1201", "欧阳晓明", dt.date(2026, 11, 2), "装修协议")
    path = demoscans.write_scan(workspace.root / "records" / "archive" / "装修协议.pdf", 5, pages=2, lines=lines)
    text = extract_item(workspace, item_for(workspace, path))
    assert text.error is None and [p.number for p in text.pages] == [1, 2]
    assert character_accuracy("\n".join(lines), text.pages[0].text) >= 0.97
    assert "欧阳晓明" in text.pages[0].text and "2026年11月2日" in text.pages[0].text
    assert "装饰装修管理协议（第2页）" in text.pages[1].text.replace(" ", "")


def test_ocr_reads_every_frame_of_a_tiff(workspace: Workspace) -> None:
    lines = demoscans.document_lines("3号楼给排水竣工图纸", date=dt.date(2019, 6, 20), kind="竣工图纸")
    path = demoscans.write_scan(workspace.root / "records" / "archive" / "图纸.tif", 8, pages=3, lines=lines)
    text = extract_item(workspace, item_for(workspace, path))
    assert [p.number for p in text.pages] == [1, 2, 3]
    # PP-OCRv4 drops 竣 after 水 or 道 ("给排水工图纸"); what is asserted here is what it reads.
    assert "3号楼给排水" in text.pages[0].text and "2019年6月20日" in text.pages[0].text
    assert "原件存放于工程档案室" in text.pages[0].text
    assert all(f"第{p.number}页" in p.text for p in text.pages[1:])


def test_a_huge_drawing_is_downscaled_and_still_read(workspace: Workspace) -> None:
    from PIL import Image, ImageDraw

    drawing = Image.new("L", (10_000, 7_000), 255)
    draw = ImageDraw.Draw(drawing)
    font = demoscans.cjk_font(260)  # title block lettering, legible after the scale-down to 2000 px
    draw.text((600, 500), "3号楼电梯机房平面图", font=font, fill=0)
    draw.rectangle((300, 300, 9_700, 6_700), outline=0, width=20)
    path = workspace.root / "records" / "archive" / "A0.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    drawing.save(path)
    del drawing, draw
    text = extract_item(workspace, item_for(workspace, path))
    assert text.error is None
    assert "电梯机房平面图" in text.text


def test_the_engine_is_loaded_once() -> None:
    assert load_engine() is load_engine()


def test_the_engine_loads_and_reads_without_any_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from recordkit.archive import extract

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the OCR engine tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    engine = extract.RapidOcrEngine()  # a new one, not the process's shared engine
    text, confidence = engine.recognize(_page(["业主张伟申请办理装修登记"], size=(900, 300)))
    assert text == "业主张伟申请办理装修登记" and confidence is not None


def test_doctor_really_reads_its_sample(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    from recordkit import doctor

    check = doctor.check_ocr(workspace)
    assert check.ok and "样张“物业档案 3-2-1201”识别正确" in check.detail

    class Misreading:
        def recognize(self, _image: object) -> tuple[str, float]:
            return "物亚挡案", 0.4

    monkeypatch.setattr(doctor, "load_engine", lambda: Misreading())
    check = doctor.check_ocr(workspace)
    assert not check.ok and check.detail == "试识别样张“物业档案 3-2-1201”读成了“物亚挡案”"
