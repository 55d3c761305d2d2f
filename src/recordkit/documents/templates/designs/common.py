"""The look shared by every built-in template: A4 page, Song typeface, title, signature and seal box.

Only drawing helpers live here; each design module composes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
BODY_SIZE = Pt(14)  # 四号, what Chinese notices are set in


def set_font(style_or_run: object, name: str, size: Pt | None = None, bold: bool | None = None) -> None:
    font = style_or_run.font  # type: ignore[attr-defined]
    font.name = name
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    # Word takes Chinese characters from the East Asian font slot, not from font.name.
    properties = style_or_run.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def prepare(document: Document, landscape: bool = False, margins_cm: float = 2.5) -> None:
    """A4 page, margins, and the Song typeface for all text."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(margins_cm))
    normal = document.styles["Normal"]
    set_font(normal, BODY_FONT, BODY_SIZE)
    normal.paragraph_format.line_spacing = 1.5
    normal.paragraph_format.space_after = Pt(0)
    core = document.core_properties
    core.author = "recordkit"
    core.title = ""
    core.comments = ""


def title(document: Document, text: str, size: Pt = Pt(22)) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(12)
    set_font(paragraph.add_run(text), TITLE_FONT, size, bold=True)
    return paragraph


def line(
    document: Document,
    text: str = "",
    indent: bool = False,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    size: Pt | None = None,
) -> Paragraph:
    """One paragraph; ``indent`` gives the two-character first-line indent of Chinese prose."""
    paragraph = document.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(2 * (size or BODY_SIZE).pt)
    if align is not None:
        paragraph.alignment = align
    if text:
        run = paragraph.add_run(text)
        if bold or size:
            set_font(run, BODY_FONT, size, bold=bold or None)
    return paragraph


def signature(document: Document, signer: str = "{{ 物业服务中心 }}", date: str = "{{ 日期 }}") -> None:
    """The office's name, the seal position (盖章处) and the date, set right as on real letters.

    The block keeps with what comes before it (the last paragraph, or the last row of a closing
    table): a page never holds the seal alone."""
    keep_with_signature(document)
    document.add_paragraph().paragraph_format.keep_with_next = True
    for text in (signer, "（盖章处）"):
        line(document, text, align=WD_ALIGN_PARAGRAPH.RIGHT).paragraph_format.keep_with_next = True
    line(document, date, align=WD_ALIGN_PARAGRAPH.RIGHT)  # the three lines never split across pages


def keep_with_signature(document: Document) -> None:
    """Keep the document's last paragraph (or its last table row) on the page of what follows."""
    body = [element for element in document.element.body if element.tag != qn("w:sectPr")]
    if not body:
        return
    last = body[-1]
    if last.tag == qn("w:p"):
        Paragraph(last, document).paragraph_format.keep_with_next = True
    elif last.tag == qn("w:tbl") and (rows := last.findall(qn("w:tr"))):
        for paragraph in rows[-1].iter(qn("w:p")):
            Paragraph(paragraph, document).paragraph_format.keep_with_next = True


def table(document: Document, headers: list[str], rows: list[list[str]], widths_cm: list[float] | None = None) -> Table:
    """A bordered table; rows may hold docxtpl row tags such as ``{%tr for x in 明细 %}``."""
    grid = document.add_table(rows=1 + len(rows), cols=len(headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row_cells, values in zip(grid.rows, [headers, *rows], strict=True):
        for cell, value in zip(row_cells.cells, values, strict=True):
            cell.text = value
    for cell in grid.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    repeat_as_header(grid.rows[0])  # a long table (a year of arrears) shows its headings on every page
    if widths_cm:
        column_widths(grid, widths_cm)
    return grid


def column_widths(grid: Table, widths_cm: tuple[float, ...] | list[float]) -> None:
    """Fix a table's column widths; Word reads the cells' widths, LibreOffice and WPS the table grid's: set both."""
    grid.autofit = False
    for column, width in zip(grid.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in grid.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def no_borders(grid: Table) -> None:
    """A table without lines, for laying out signature blocks side by side."""
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    grid._tbl.tblPr.append(borders)


def figures_table(grid: Table, size: Pt, number_columns: range | list[int]) -> None:
    """A table of figures set at ``size``: the figure columns right-aligned and never wrapped (a
    number broken over two lines, "355,4 / 83.16", is misread), every row kept on one page with
    the next, so a short table and its 合计 row print together.  Cells keep 0.08 cm either side
    (Word's default is 0.19 cm): room for one more digit in every column."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "45")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    grid._tbl.tblPr.append(margins)
    for row in grid.rows:
        keep_row_together(row)
        for index, cell in enumerate(row.cells):
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.line_spacing = 1.0
                paragraph.paragraph_format.keep_with_next = row is not grid.rows[-1]
                if index in number_columns and row is not grid.rows[0]:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                for run in paragraph.runs:
                    run.font.size = size
            if index in number_columns:
                cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


def keep_row_together(row: object) -> None:
    """A table row that never breaks across two pages."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # type: ignore[attr-defined]


def repeat_as_header(row: object) -> None:
    """A table row printed again at the top of every page the table runs onto."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # type: ignore[attr-defined]
