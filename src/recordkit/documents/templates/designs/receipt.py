"""Built-in receipts (收据): three copies — 存根联, 收据联, 记账联 — on one page.

Two papers: A4 ("收据") and the 241 mm pin-feed continuous form of the dot-matrix
printers many cashiers' desks still have ("收据-241", 241 × 279.4 mm).  The
``receipt.layout`` setting chooses which one is filled.  The marks 红冲, 作废 and 补打 are
printed beside the title of every copy when they apply; a red reversal also names the
receipt it reverses and why, a voided receipt why it was voided; a receipt of money kept from a renovation
deposit (押金转入) says under 备注 which registration's deposit it came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from recordkit.documents.templates.designs.base import Design
from recordkit.documents.templates.designs.common import BODY_FONT, TITLE_FONT, keep_row_together, set_font

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph

COPIES = ("存根联", "收据联", "记账联")
RECEIPT_VARIABLES = (
    "收据编号",
    "收款日期",
    "交款人",
    "房号",
    "房屋",
    "收款方式",
    "收款人",
    "明细",
    "合计",
    "合计大写",
    "作废",
    "补打",
    "红冲",
    "标记",
    "作废原因",
    "红冲原收据",
    "红冲原因",
    "已红冲",
    "红冲收据",
    "备注",
    "版式",
)
_SIZE = Pt(10.5)  # 五号
_RED = RGBColor(0xC0, 0x00, 0x00)


def _paragraph(document: Document, align: WD_ALIGN_PARAGRAPH | None = None) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.line_spacing = 1.0
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.space_before = Pt(0)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _run(
    paragraph: Paragraph,
    text: str,
    size: Pt = _SIZE,
    bold: bool = False,
    font: str = BODY_FONT,
    color: RGBColor | None = None,
) -> None:
    run = paragraph.add_run(text)
    set_font(run, font, size, bold=bold or None)
    if color is not None:
        run.font.color.rgb = color


def _cut_line(document: Document) -> None:
    paragraph = _paragraph(document, WD_ALIGN_PARAGRAPH.CENTER)
    paragraph.paragraph_format.space_before = Pt(16)
    paragraph.paragraph_format.space_after = Pt(16)
    _run(paragraph, "- - - - - - - - - - - - - - - - 沿 此 线 裁 开 - - - - - - - - - - - - - - - -", Pt(8))


def _cell_text(cell: object, text: str, align: WD_ALIGN_PARAGRAPH | None = None, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.paragraph_format.line_spacing = 1.0
    if align is not None:
        paragraph.alignment = align
    _run(paragraph, text, bold=bold)


def _copy(document: Document, number: int, label: str, widths_cm: tuple[float, float, float]) -> None:
    title = _paragraph(document, WD_ALIGN_PARAGRAPH.CENTER)
    _run(title, "{{ 物业服务中心 }}  收  据", Pt(15), bold=True, font=TITLE_FONT)
    _run(
        title,
        "{% if 红冲 %}  【红冲】{% endif %}{% if 已红冲 %}  【已红冲】{% endif %}"
        "{% if 作废 %}  【作废】{% endif %}{% if 补打 %}  【补打】{% endif %}",
        Pt(15),
        bold=True,
        font=TITLE_FONT,
        color=_RED,
    )
    heading = _paragraph(document)
    heading.paragraph_format.tab_stops.add_tab_stop(Cm(sum(widths_cm)), alignment=2)  # right tab
    _run(heading, f"编号：{{{{ 收据编号 }}}}    收款日期：{{{{ 收款日期 }}}}\t第{'一二三'[number]}联　{label}")
    payer = _paragraph(document)
    _run(payer, "交款人：{{ 交款人 }}    房屋：{{ 房屋 }}    小区：{{ 小区 }}")

    table = document.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, ("收费项目", "所属期间", "金额（元）"), strict=True):
        _cell_text(cell, text, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    _cell_text(table.cell(1, 0), "{%tr for 行 in 明细 %}")
    for cell, text, align in zip(
        table.rows[2].cells,
        ("{{ 行.项目 }}", "{{ 行.期间 }}", "{{ 行.金额 }}"),
        (None, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT),
        strict=True,
    ):
        _cell_text(cell, text, align)
    _cell_text(table.cell(3, 0), "{%tr endfor %}")
    total = table.add_row()
    merged = total.cells[0].merge(total.cells[1])
    _cell_text(merged, "合计人民币（大写）：{{ 合计大写 }}")
    _cell_text(total.cells[2], "¥{{ 合计 }}", WD_ALIGN_PARAGRAPH.RIGHT, bold=True)
    for row in table.rows:
        keep_row_together(row)
        row.height = Cm(0.6)
        for cell, width in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(width)

    footer = _paragraph(document)
    _run(footer, "收款方式：{{ 收款方式 }}    收款人：{{ 收款人 }}    （盖章处）")
    _run(footer, "{% if 作废 %}    作废原因：{{ 作废原因 }}{% endif %}", color=_RED)
    _run(footer, "{% if 红冲 %}    红冲原收据：{{ 红冲原收据 }}    红冲原因：{{ 红冲原因 }}{% endif %}", color=_RED)
    _run(footer, "{% if 已红冲 %}    已由红冲收据 {{ 红冲收据 }} 冲销{% endif %}", color=_RED)
    _run(footer, "{% if 备注 %}    备注：{{ 备注 }}{% endif %}")


def _receipt(document: Document, width_cm: float, height_cm: float, margin_cm: float) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(width_cm), Cm(height_cm)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(margin_cm))
    section.top_margin = section.bottom_margin = Cm(1.0)
    normal = document.styles["Normal"]
    set_font(normal, BODY_FONT, _SIZE)
    normal.paragraph_format.line_spacing = 1.0
    normal.paragraph_format.space_after = Pt(0)
    document.core_properties.author = "recordkit"
    usable = width_cm - 2 * margin_cm
    widths = (usable * 0.40, usable * 0.35, usable * 0.25)
    for number, label in enumerate(COPIES):
        if number:
            _cut_line(document)
        _copy(document, number, label, widths)


def _a4(document: Document) -> None:
    _receipt(document, 21.0, 29.7, 1.8)


def _pin_feed(document: Document) -> None:
    # 241 mm wide (9.5 in) by 11 in; the tractor strips take about 1.3 cm on each side.
    _receipt(document, 24.1, 27.94, 1.6)


_RECEIPT_ROWS = (("明细", ("项目", "期间", "金额")),)

DESIGNS = [
    Design("收据", "收据", _a4, variables=RECEIPT_VARIABLES, rows=_RECEIPT_ROWS),
    Design("收据-241", "收据", _pin_feed, variables=RECEIPT_VARIABLES, rows=_RECEIPT_ROWS),
]
