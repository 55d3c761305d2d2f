"""Small, realistic-looking scans drawn in code (Pillow): for the demo, the README and the tests.

A page is an off-white sheet with a heading, lines of text, a table, a signature and a red seal,
slightly rotated and grainy like a real scan; a different ``seed`` gives different bytes.  Given
``lines``, the page carries those Chinese lines (drawn with the small Noto Sans CJK SC subset shipped
in ``recordkit/resources``, so OCR reads them back); without, grey bars stand for the text.  Everything
drawn in Chinese is in this module, so that the font subset holds exactly its characters
(``src/recordkit/resources/make_subset.py``).  Nothing here is used when filing real scans.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from recordkit.resources import cjk_font

PAGE_SIZE = (420, 594)  # A4 proportions at a low resolution: small files, quick to make
#: Pages that carry text are a little larger (A4 at 75 dpi), so that a 19 px line is legible to OCR.
TEXT_PAGE_SIZE = (620, 877)

#: What each kind of demo document says, after its title, unit, owner and date.
DOCUMENT_SENTENCES = {
    "产权证明": ("兹证明该房屋产权清晰，已办理不动产权登记。", "建筑面积以不动产权证书记载为准。"),
    "身份证复印件": ("业主身份证复印件仅供物业服务中心存档使用。", "复印件与原件核对一致，另作他用无效。"),
    "入住登记表": ("业主已办理入住手续，领取钥匙及门禁卡各两张。", "水表电表读数已由双方确认并签字。"),
    "装修协议": ("业主与装修单位签订装饰装修管理协议。", "装修押金二千元整，验收合格后退还。"),
    "装修申请表": ("申请对房屋进行室内装修，工期六十天。", "保证不改动承重墙，不占用公共通道。"),
    "维保记录": ("本次对设备进行了全面维修保养。", "检查结果运行正常，下次保养时间另行通知。"),
    "竣工图纸": ("给排水管道竣工图纸，经监理单位验收合格。", "图纸共四张，原件存放于工程档案室。"),
    "服务合同": ("甲乙双方就小区保洁服务达成一致。", "服务期限一年，费用按月结算。"),
    "收据存根": ("收据存根联按编号装订，与收费台账核对一致。", "作废收据已加盖作废章并随存根保存。"),
    "购房合同": ("买受人购买该商品房，房屋交付后办理产权登记。", "本合同复印件由业主提供，仅供存档。"),
    "扫描件": ("扫描件内容待档案管理员复核。", "请核对类别与房号后更新档案信息。"),
}
#: Further pages of a document: attachments and notes.
LATER_PAGE_SENTENCES = (
    "附件：相关证明材料复印件。",
    "经办人已核对原件，复印件与原件一致。",
    "本页为补充说明，与正文具有同等效力。",
    "如有疑问，请到物业服务中心前台咨询。",
    "档案管理员签字确认后归档保存。",
)
#: Sentences for OCR test pages and the OCR benchmark: the office's own vocabulary.
SAMPLE_SENTENCES = (
    "电梯维修保养记录已归档，维保单位签字确认。",
    "3号楼电梯于2025年3月15日完成年度检验。",
    "业主张伟申请办理装修登记，房号3-2-1201。",
    "消防设施每月巡查一次，发现问题及时整改。",
    "二次供水水箱清洗消毒，水质检测合格。",
    "物业服务费按建筑面积每月每平方米二元三角五分收取。",
    "停车费每月三百元，按季度缴纳可开具收据。",
    "临时出入证仅限装修期间使用，逾期作废。",
    "小区公共区域监控录像保存三十天。",
    "业主委员会对年度收支情况进行了审核。",
    "地下车库照明线路更换完毕，经验收合格。",
    "绿化养护单位完成春季修剪和施肥工作。",
    "垃圾清运费由物业服务中心统一代收。",
    "档号YZ-2026-00001的产权证明已借出。",
    "工程部对水泵房进行了防汛检查。",
    "供暖季开始前完成管网试压与排气。",
    "装修押金退还须经验收合格并结清费用。",
    "催缴通知书已于2024年12月1日送达业主。",
    "3号楼电梯机房平面图已更新，存放于工程档案室。",
    "业主欧阳晓明的入住资料已核对完毕。",
)


def document_lines(
    title: str,
    unit: str | None = None,
    owner: str | None = None,
    date: dt.date | None = None,
    kind: str | None = None,
    office: str = "幸福里物业服务中心",
) -> list[str]:
    """The lines of a demo document's first page: title, unit and owner, date, what it says, the office."""
    lines = [title]
    who = "　".join(part for part in (f"房号：{unit}" if unit else "", f"业主：{owner}" if owner else "") if part)
    if who:
        lines.append(who)
    if date is not None:
        lines.append(f"日期：{chinese_date(date)}")
    lines.extend(DOCUMENT_SENTENCES.get(kind or "", DOCUMENT_SENTENCES["扫描件"]))
    lines.append(f"经办单位：{office}")
    return lines


def chinese_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def later_page_lines(title: str, number: int, seed: int) -> list[str]:
    """A further page: the title, its number and one of the attachment sentences."""
    return [f"{title}（第{number}页）", LATER_PAGE_SENTENCES[(seed + number) % len(LATER_PAGE_SENTENCES)]]


def _wrapped(draw: Any, text: str, font: Any, width: int) -> list[str]:
    lines, current = [], ""
    for char in text:
        if current and draw.textlength(current + char, font=font) > width:
            lines.append(current)
            current = char
        else:
            current += char
    return [*lines, current] if current else lines


def scan_page(seed: int, size: tuple[int, int] | None = None, lines: Sequence[str] | None = None) -> Any:
    """One scanned page as a Pillow image (RGB); with ``lines``, the first is the heading."""

    rng = random.Random(seed)
    width, height = size or (TEXT_PAGE_SIZE if lines else PAGE_SIZE)
    paper = (248 - rng.randrange(8), 246 - rng.randrange(8), 238 - rng.randrange(10))
    page = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(page)
    ink = (40 + rng.randrange(30),) * 3
    margin = width // 10
    if lines:
        heading, body = cjk_font(max(14, width // 24)), cjk_font(max(12, width // 32))
        first = lines[0]
        draw.text(((width - draw.textlength(first, font=heading)) / 2, margin), first, font=heading, fill=ink)
        y = margin + heading.size * 2.2
        for line in lines[1:]:
            for part in _wrapped(draw, line, body, width - 2 * margin):
                draw.text((margin, y), part, font=body, fill=ink)
                y += body.size * 1.8
    else:
        draw.rectangle((width // 3, margin, width - width // 3, margin + 14), fill=ink)  # the heading
        y = margin + 40
        while y < height * 0.55:
            right = width - margin - rng.randrange(0, width // 3)
            draw.rectangle((margin, y, right, y + 5), fill=(ink[0] + 60,) * 3)
            y += 14 + rng.randrange(4)
    rows = rng.randrange(3, 6)
    top = max(int(height * 0.6), int(y) + 10)
    row_height = 18
    for row in range(rows + 1):
        draw.line((margin, top + row * row_height, width - margin, top + row * row_height), fill=ink, width=1)
    for col in range(4):
        x = margin + col * (width - 2 * margin) // 3
        draw.line((x, top, x, top + rows * row_height), fill=ink, width=1)
    sx, sy = width - margin - 70, height - margin - 60
    draw.ellipse((sx, sy, sx + 56, sy + 56), outline=(200, 30, 30), width=3)  # the seal
    draw.line((margin, height - margin - 20, margin + 90, height - margin - 30 - rng.randrange(8)), fill=ink, width=2)
    for _ in range(120):  # dust
        x, z = rng.randrange(width), rng.randrange(height)
        draw.point((x, z), fill=(rng.randrange(120, 200),) * 3)
    return page.rotate(rng.uniform(-0.8, 0.8), fillcolor=paper)


def _pages(seed: int, count: int, lines: Sequence[str] | None) -> list[Any]:
    if not lines:
        return [scan_page(seed * 100 + number) for number in range(count)]
    return [
        scan_page(seed * 100 + number, lines=lines if number == 0 else later_page_lines(lines[0], number + 1, seed))
        for number in range(count)
    ]


def scan_bytes(kind: str, seed: int, pages: int = 1, lines: Sequence[str] | None = None) -> bytes:
    """A scan as bytes: ``pdf`` (``pages`` pages), ``jpg``, ``png`` or ``tiff`` (``pages`` frames);
    with ``lines``, the first page carries them as text and later pages their title."""
    images = _pages(seed, pages if kind in ("pdf", "tiff") else 1, lines)
    buffer = io.BytesIO()
    if kind == "pdf":
        gray = [image.convert("L") for image in images]
        dpi = 75.0 if lines else 50.0  # A4 either way
        # A fixed date: the same seed gives the same bytes (Pillow stamps the current second otherwise, and
        # two scans of one seed made a second apart would differ).
        stamp = time.gmtime(dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp())
        gray[0].save(
            buffer, "PDF", save_all=True, append_images=gray[1:], resolution=dpi, creationDate=stamp, modDate=stamp
        )
    elif kind == "jpg":
        images[0].convert("L").save(buffer, "JPEG", quality=70 if lines else 55)
    elif kind == "png":
        images[0].convert("L").save(buffer, "PNG", optimize=False)
    elif kind == "tiff":
        gray = [image.convert("L") for image in images]
        gray[0].save(buffer, "TIFF", save_all=True, append_images=gray[1:], compression="tiff_deflate")
    else:
        raise ValueError(kind)
    return buffer.getvalue()


def write_scan(path: Path, seed: int, pages: int = 1, lines: Sequence[str] | None = None) -> Path:
    """Write a scan whose kind follows the extension of ``path`` (.pdf, .jpg, .png, .tif/.tiff)."""
    kind = {".pdf": "pdf", ".jpg": "jpg", ".jpeg": "jpg", ".png": "png", ".tif": "tiff", ".tiff": "tiff"}[
        path.suffix.lower()
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(scan_bytes(kind, seed, pages, lines))
    return path


def encrypted_pdf() -> bytes:
    """A PDF that asks for an open password (Standard security handler, RC4 40-bit, unknown password)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>",
    ]
    return pdf_of_objects(objects, b"/Encrypt 4 0 R /ID [<" + b"ab" * 16 + b"> <" + b"ab" * 16 + b">]")


def pdf_of_objects(objects: Sequence[bytes], trailer: bytes = b"") -> bytes:
    """A PDF file of these objects (numbered from 1, the first the catalogue) with its cross-reference
    table; ``trailer`` adds entries to the trailer dictionary."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    )
    return out.getvalue()


README_SCANS = (
    ("3-2-1201_购房合同_20190915.pdf", 3),
    ("3栋2单元1201 装修协议 2026年11月02日.jpg", 1),
    ("业主档案/1-1-101/产权证明_20200501.pdf", 2),
    ("工程档案/电梯/3号楼电梯维保记录_20261020.tif", 3),
    ("IMG_0001.jpg", 1),
)


#: What the README's sample scans say (OCR reads it back, so the README can search it).
README_SCAN_TEXT = {
    "3-2-1201_购房合同_20190915.pdf": document_lines(
        "商品房买卖合同", "3-2-1201", "李秀英", dt.date(2019, 9, 15), "购房合同"
    ),
    "3栋2单元1201 装修协议 2026年11月02日.jpg": document_lines(
        "装饰装修管理协议", "3-2-1201", "李秀英", dt.date(2026, 11, 2), "装修协议"
    ),
    "业主档案/1-1-101/产权证明_20200501.pdf": document_lines(
        "产权证明", "1-1-101", "张伟", dt.date(2020, 5, 1), "产权证明"
    ),
    "工程档案/电梯/3号楼电梯维保记录_20261020.tif": document_lines(
        "3号楼电梯维修保养记录", date=dt.date(2026, 10, 20), kind="维保记录"
    ),
    "IMG_0001.jpg": document_lines("扫描件"),
}


def write_scans(
    folder: Path, names: Sequence[tuple[str, int]], seed: int = 0, texts: dict[str, list[str]] | None = None
) -> list[Path]:
    """Write each ``(relative name, pages)`` below ``folder``; seeds differ so no two are alike.
    A name found in ``texts`` (default: the README's) carries those lines."""
    texts = README_SCAN_TEXT if texts is None else texts
    return [
        write_scan(folder / name, seed + number, pages, texts.get(name))
        for number, (name, pages) in enumerate(names, start=1)
    ]
