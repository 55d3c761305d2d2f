"""Built-in renovation papers (装修): the registration form, the management agreement, the
workers' temporary passes (several cards to an A4 page) and the deposit refund form.

What goes into them is decided by ``recordkit.renovations.registration``; these only draw the paper.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from recordkit.documents.templates.designs.base import Design
from recordkit.documents.templates.designs.common import (
    BODY_FONT,
    TITLE_FONT,
    column_widths,
    keep_row_together,
    line,
    no_borders,
    prepare,
    set_font,
    title,
)

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table, _Cell

KIND = "装修"
_SMALL = Pt(12)  # 小四, what forms are filled in
_CARD = Pt(9)  # 小五

REGISTRATION_VARIABLES = (
    "登记编号",
    "房号",
    "房屋",
    "房屋地址",
    "业主姓名",
    "装修单位",
    "负责人",
    "负责人电话",
    "开工日期",
    "完工日期",
    "工期天数",
    "施工时间",
    "装修项目",
    "装修押金",
    "装修押金大写",
    "垃圾清运费",
    "应缴合计",
    "应缴合计大写",
    "预收冲抵",
    "还应缴",
    "还应缴大写",
    "经办人",
)
AGREEMENT_VARIABLES = (
    "登记编号",
    "房号",
    "房屋",
    "房屋地址",
    "业主姓名",
    "装修单位",
    "负责人",
    "负责人电话",
    "开工日期",
    "完工日期",
    "施工时间",
    "装修项目",
    "装修押金",
    "装修押金大写",
    "垃圾清运费",
    "禁止行为",
    "经办人",
)
PASS_VARIABLES = ("登记编号", "房号", "房屋", "房屋地址", "卡片行", "张数")
REFUND_VARIABLES = (
    "登记编号",
    "房号",
    "房屋",
    "房屋地址",
    "业主姓名",
    "装修单位",
    "押金收据编号",
    "装修押金",
    "扣除金额",
    "扣除原因",
    "扣款收据编号",
    "退款金额",
    "退款金额大写",
    "退款方式",
    "领款说明",
    "扣款说明",
    "验收日期",
    "验收结论",
    "经办人",
)


def _cell(
    cell: _Cell, text: str, bold: bool = False, align: WD_ALIGN_PARAGRAPH | None = None, size: Pt = _SMALL
) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.line_spacing = 1.2
    if align is not None:
        paragraph.alignment = align
    set_font(paragraph.add_run(text), BODY_FONT, size, bold=bold or None)


def _grid(document: Document, rows: int, widths_cm: tuple[float, ...]) -> Table:
    grid = document.add_table(rows=rows, cols=len(widths_cm))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    column_widths(grid, widths_cm)
    for row in grid.rows:
        row.height = Cm(1.0)
    return grid


def _number_line(document: Document, text: str) -> None:
    line(document, text, align=WD_ALIGN_PARAGRAPH.RIGHT, size=_SMALL)


def _form(
    grid: Table, pairs: list[tuple[str, str, str, str]], wide: list[tuple[str, str]], bold_value: str = ""
) -> None:
    """Fill a bordered form: rows of two label/value pairs, then rows of one label over a merged value."""
    for row, values in zip(grid.rows, pairs, strict=False):
        for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            _cell(cell, text, bold=index % 2 == 0, align=WD_ALIGN_PARAGRAPH.CENTER if index % 2 == 0 else None)
    for row, (label, value) in zip(grid.rows[len(pairs) :], wide, strict=True):
        _cell(row.cells[0], label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        merged = row.cells[1].merge(row.cells[2]).merge(row.cells[3])
        _cell(merged, value, bold=label == bold_value)


def _registration(document: Document) -> None:
    prepare(document, margins_cm=2.0)
    title(document, "{{ 物业服务中心 }}")
    title(document, "装 修 登 记 表", size=Pt(18))
    _number_line(document, "登记编号：{{ 登记编号 }}")
    widths = (3.2, 5.3, 3.2, 5.3)
    grid = _grid(document, 13, widths)
    pairs = [
        ("房    屋", "{{ 房屋 }}", "业主姓名", "{{ 业主姓名 }}"),
        ("装修单位", "{{ 装修单位 }}", "现场负责人", "{{ 负责人 }}"),
        ("负责人电话", "{{ 负责人电话 }}", "工    期", "共 {{ 工期天数 }} 天"),
    ]
    wide = [
        ("施工期限", "自 {{ 开工日期 }} 至 {{ 完工日期 }}"),
        ("施工时间", "{{ 施工时间 }}（节假日及上述时间以外不得进行噪声施工）"),
        ("装修项目", "{{ 装修项目 }}"),
        ("装修押金", "人民币 {{ 装修押金 }} 元（大写：{{ 装修押金大写 }}），验收合格后无息退还"),
        ("垃圾清运费", "人民币 {{ 垃圾清运费 }} 元"),
        ("应缴合计", "人民币 {{ 应缴合计 }} 元（大写：{{ 应缴合计大写 }}）"),
        # Only when the unit's prepayment paid part of it: the form then says what the cashier still takes.
        ("{%tr if 预收冲抵 %}", ""),
        ("预收冲抵", "人民币 {{ 预收冲抵 }} 元（业主的预收款已冲抵）"),
        ("还应缴", "人民币 {{ 还应缴 }} 元（大写：{{ 还应缴大写 }}）"),
        ("{%tr endif %}", ""),
    ]
    _form(grid, pairs, wide)
    line(document)
    line(
        document,
        "业主及装修单位承诺：已阅读并遵守《装饰装修管理协议》及本小区装修管理规定，"
        "按登记的项目、期限和时间施工，如有违反，愿承担相应责任。",
        indent=True,
        size=_SMALL,
    )
    line(document)
    signatures = document.add_table(rows=3, cols=3)
    no_borders(signatures)
    for cell, text in zip(
        signatures.rows[0].cells, ("业主（签字）：", "装修单位负责人（签字）：", "物业服务中心审批意见："), strict=True
    ):
        _cell(cell, text, bold=True)
    for cell, text in zip(signatures.rows[1].cells, ("", "", "同意装修（盖章处）"), strict=True):
        _cell(cell, text)
    for cell in signatures.rows[2].cells:
        _cell(cell, "    年    月    日")
    line(document)
    line(document, "经办人：{{ 经办人 }}        登记日期：{{ 日期 }}", align=WD_ALIGN_PARAGRAPH.RIGHT, size=_SMALL)


def _agreement(document: Document) -> None:
    prepare(document)
    title(document, "装饰装修管理协议")
    _number_line(document, "协议编号：{{ 登记编号 }}")
    for text in (
        "甲方（物业服务中心）：{{ 物业服务中心 }}",
        "乙方（业主）：{{ 业主姓名 }}        房屋：{{ 房屋地址 }}",
        "丙方（装修单位）：{{ 装修单位 }}        现场负责人：{{ 负责人 }}（电话：{{ 负责人电话 }}）",
    ):
        line(document, text)
    line(
        document,
        "为加强{{ 小区 }}的装饰装修管理，保障房屋结构安全和全体业主的共同利益，根据《住宅室内装饰装修管理办法》"
        "及本小区管理规约，三方经协商一致，订立本协议。",
        indent=True,
    )
    clauses = [
        "一、装修期限：自{{ 开工日期 }}起至{{ 完工日期 }}止。确需延期的，乙方应在期满前到甲方办理延期手续。",
        "二、施工时间：{{ 施工时间 }}。国家法定节假日不得进行敲、凿、钻等噪声施工。",
        "三、装修项目：{{ 装修项目 }}。超出登记范围的项目，须另行向甲方申报。",
        "四、装修押金：乙方向甲方交纳装修押金人民币{{ 装修押金 }}元（大写：{{ 装修押金大写 }}），"
        "并交纳装修垃圾清运费人民币{{ 垃圾清运费 }}元。装修完工经甲方验收合格后，押金无息退还；"
        "造成公共部位、设施损坏或违反本协议的，甲方按实际损失从押金中扣除，不足部分由乙方、丙方赔偿。",
        "五、装修过程中禁止下列行为：",
    ]
    for text in clauses:
        line(document, text, indent=True)
    line(document, "{%p for 条 in 禁止行为 %}")
    line(document, "{{ loop.index }}. {{ 条 }}", indent=True)
    line(document, "{%p endfor %}")
    for text in (
        "六、丙方施工人员须办理临时出入证，凭证出入，离场时交回；装修垃圾须袋装后运至指定地点，不得抛撒、堆放在公共部位。",
        "七、乙方对丙方的施工行为负连带责任；甲方有权对装修现场进行检查，发现违规的，有权责令停工整改。",
        "八、本协议一式三份，甲、乙、丙三方各执一份，自三方签字（盖章）之日起生效。",
    ):
        line(document, text, indent=True)
    line(document)
    signatures = document.add_table(rows=4, cols=3)
    no_borders(signatures)
    column_widths(signatures, (6.4, 4.8, 4.8))  # room for "甲方：" and the office's name on one line
    for cell, text in zip(
        signatures.rows[0].cells, ("甲方：{{ 物业服务中心 }}", "乙方（业主）：", "丙方（装修单位）："), strict=True
    ):
        _cell(cell, text, bold=True)
    for cell, text in zip(signatures.rows[1].cells, ("（盖章处）", "签字：", "负责人签字："), strict=True):
        _cell(cell, text)
    for cell, text in zip(signatures.rows[2].cells, ("经办人：{{ 经办人 }}", "", "（盖章）"), strict=True):
        _cell(cell, text)
    for cell in signatures.rows[3].cells:
        _cell(cell, "{{ 日期 }}")


def _card_text(cell: _Cell, side: str) -> None:
    first = cell.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    first.paragraph_format.line_spacing = 1.0
    set_font(first.add_run(f"{{{{ 行.{side}.标题 }}}}"), TITLE_FONT, Pt(16), bold=True)
    office = cell.add_paragraph()
    office.alignment = WD_ALIGN_PARAGRAPH.CENTER
    office.paragraph_format.line_spacing = 1.0
    set_font(office.add_run(f"{{{{ 行.{side}.单位 }}}}"), BODY_FONT, Pt(9))
    body = cell.add_paragraph()
    body.paragraph_format.line_spacing = 1.15
    body.paragraph_format.space_before = Pt(4)
    set_font(body.add_run(f"{{{{ 行.{side}.正文 }}}}"), BODY_FONT, _CARD)
    note = cell.add_paragraph()
    note.paragraph_format.line_spacing = 1.0
    set_font(note.add_run(f"{{{{ 行.{side}.备注 }}}}"), BODY_FONT, Pt(8))


def _photo(cell: _Cell, side: str) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _cell(cell, f"{{{{ 行.{side}.照片 }}}}", align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(9))


def _passes(document: Document) -> None:
    prepare(document, margins_cm=1.5)
    heading = line(
        document,
        "{{ 物业服务中心 }}  装修施工人员临时出入证（登记编号 {{ 登记编号 }}，房屋 {{ 房屋 }}，共 {{ 张数 }} 张）",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=Pt(9),
    )
    heading.paragraph_format.space_after = Pt(4)
    widths = (6.5, 2.5, 6.5, 2.5)  # card, photo (one-inch), card, photo: two cards across an A4 page
    grid = document.add_table(rows=3, cols=4)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell(grid.cell(0, 0), "{%tr for 行 in 卡片行 %}", size=Pt(8))
    row = grid.rows[1]
    for index, side in ((0, "左"), (2, "右")):
        _card_text(row.cells[index], side)
        _photo(row.cells[index + 1], side)
    _cell(grid.cell(2, 0), "{%tr endfor %}", size=Pt(8))
    column_widths(grid, widths)
    for grid_row in grid.rows:
        keep_row_together(grid_row)
    row.height = Cm(6.2)  # four rows of cards, eight passes, to a page
    line(
        document,
        "沿表格线剪开；贴一寸照片后加盖物业服务中心印章（盖章处：照片右下角骑缝）方为有效。",
        size=Pt(8),
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )


def _refund(document: Document) -> None:
    prepare(document, margins_cm=2.0)
    title(document, "{{ 物业服务中心 }}")
    title(document, "装修押金退款单", size=Pt(18))
    _number_line(document, "登记编号：{{ 登记编号 }}        退款日期：{{ 日期 }}")
    widths = (3.6, 4.9, 3.6, 4.9)  # "业主（领款人）" on one line
    grid = _grid(document, 8, widths)
    pairs = [
        ("房    屋", "{{ 房屋 }}", "业主（领款人）", "{{ 业主姓名 }}"),
        ("装修单位", "{{ 装修单位 }}", "押金收据编号", "{{ 押金收据编号 }}"),
        ("验收日期", "{{ 验收日期 }}", "验收结论", "{{ 验收结论 }}"),
    ]
    wide = [
        ("已交押金", "¥{{ 装修押金 }} 元"),
        ("扣除金额", "¥{{ 扣除金额 }} 元    扣除原因：{{ 扣除原因 }}"),
        ("实退金额", "¥{{ 退款金额 }} 元    退款方式：{{ 退款方式 }}"),
        ("大写金额", "人民币 {{ 退款金额大写 }}"),
        ("扣款收据", "{{ 扣款收据编号 }}"),
    ]
    _form(grid, pairs, wide, bold_value="实退金额")
    line(document)
    line(document, "{{ 领款说明 }}", indent=True, size=_SMALL)
    line(document, "{{ 扣款说明 }}", indent=True, size=_SMALL)
    line(document)
    signatures = document.add_table(rows=2, cols=4)
    no_borders(signatures)
    for cell, text in zip(
        signatures.rows[0].cells,
        ("经办人：{{ 经办人 }}", "财务审核：", "领款人（签字）：", "{{ 物业服务中心 }}"),
        strict=True,
    ):
        _cell(cell, text, bold=True)
    for cell, text in zip(signatures.rows[1].cells, ("", "", "    年    月    日", "（盖章处）"), strict=True):
        _cell(cell, text)


DESIGNS = [
    Design("装修登记表", KIND, _registration, variables=REGISTRATION_VARIABLES),
    Design("装饰装修管理协议", KIND, _agreement, variables=AGREEMENT_VARIABLES),
    Design("临时出入证", KIND, _passes, variables=PASS_VARIABLES),
    Design("装修押金退款单", KIND, _refund, variables=REFUND_VARIABLES),
]
