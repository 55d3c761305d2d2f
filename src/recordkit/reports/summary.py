"""The 月度工作总结 draft (.docx): paragraphs written from the month's figures and the key tables.

Pure sentences (``summary_paragraphs``) are kept apart from drawing the document, so a
test reads them without opening Word.  The manager edits the draft; nothing is recorded here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from docx import Document as new_document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from recordkit.core.dates import chinese_date
from recordkit.core.money import format_yuan
from recordkit.documents.templates.designs import common
from recordkit.reports.figures import BOOKS, MonthFigures, receipts_note, workorders_changed_note
from recordkit.reports.workbook import FEE_HEADERS, NO_DATA, comparison, unrecorded_note, workorder_categories

if TYPE_CHECKING:
    from docx.document import Document


def percent_tenths(rate: Decimal) -> Decimal:
    """The rate in per cent to one decimal, as the workbook's ``0.0%`` cells show it: every rate of the report comes
    already cut to its shown digit (``core.rates.shown_rate``), 0.999 is 99.9%, so nothing is rounded here."""
    return (rate * 100).quantize(Decimal("0.1"))


def percent(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{percent_tenths(rate)}%"


def change_in_points(now: Decimal | None, before: Decimal | None) -> str:
    """较上月上升/下降 N 个百分点, or 与上月持平 (to one decimal: the difference of the two rates as printed)."""
    if now is None or before is None:
        return "上月没有应收，无法比较"
    points = percent_tenths(now) - percent_tenths(before)
    if not points:
        return "与上月持平"
    return f"较上月{'上升' if points > 0 else '下降'} {abs(points)} 个百分点"


def _against_last_month(rate: Decimal | None, previous: MonthFigures) -> str:
    """The rate's change since last month (``change_in_points``), or that the books had no record of it yet."""
    if BOOKS in previous.unrecorded:
        return "上月台账还没有收费记录，无法比较"
    return change_in_points(rate, previous.fees.total.rate)


def comparison_texts(now: MonthFigures, previous: MonthFigures, last_year: MonthFigures) -> list[tuple[str, ...]]:
    """The command's table: the workbook's comparison (``workbook.comparison``), row for row, each value as the
    workbook shows it — 元 to the fen, a rate to a tenth of a per cent, a count — and "—" where its cell is blank."""
    return [
        (row.label, *(_shown(value, row.kind) for value in row.values)) for row in comparison(now, previous, last_year)
    ]


def _shown(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "money":
        return format_yuan(value)
    if kind == "rate":
        return percent(value)
    return str(value)


def comparison_note(previous: MonthFigures, last_year: MonthFigures) -> str | None:
    """The command's line under its table when a comparison month lies before the records of a part: the
    workbook's note (``workbook.unrecorded_note``), its blank cells written "—"; None otherwise."""
    return unrecorded_note(previous, last_year, blank="（—）")


def summary_paragraphs(now: MonthFigures, previous: MonthFigures, top: int = 3) -> list[str]:
    """The draft's body paragraphs, one per subject, in the office's words."""
    fees = now.fees.total
    paragraphs = []
    if now.empty:
        paragraphs.append(NO_DATA)
    if fees.billed:
        paragraphs.append(
            f"一、收费情况。本月应收{format_yuan(fees.billed)}元，实收{format_yuan(fees.collected)}元，"
            f"当期收缴率{percent(fees.rate)}，{_against_last_month(fees.rate, previous)}。"
            f"清欠{format_yuan(fees.cleared)}元，预收{format_yuan(fees.prepaid)}元；"
            f"月末欠费余额{format_yuan(fees.arrears)}元，欠费{now.fees.arrears_units}户。"
        )
    else:
        paragraphs.append(
            f"一、收费情况。本月没有应收账款。清欠{format_yuan(fees.cleared)}元，"
            f"预收{format_yuan(fees.prepaid)}元；月末欠费余额{format_yuan(fees.arrears)}元，"
            f"欠费{now.fees.arrears_units}户。"
        )
    if (note := receipts_note(now.receipts)) is not None:
        paragraphs[-1] += note
    w = now.workorders
    if w is not None:
        repairs = w.opened_of_type("报修")
        complaints = sorted(
            ((category, n) for (kind, category), n in w.opened.items() if kind == "投诉" and n),
            key=lambda pair: (-pair[1], pair[0]),
        )
        text = (
            f"二、报修与投诉。本月受理报修{repairs}件、投诉{sum(n for _, n in complaints)}件，"
            f"办结{w.closed}件，按时办结率{percent(w.on_time_rate)}"
            + (f"（另有{w.closed_untimed}件只记了日期，未判断时限）" if w.closed_untimed else "")
            + "；"
            f"回访{w.visited}件，满意率{percent(w.satisfaction_rate)}。"
        )
        if complaints:
            text += "投诉较多的类别：" + "、".join(f"{category}{n}件" for category, n in complaints[:top]) + "。"
        else:
            text += "本月没有投诉。"
        if w.repeat_complaints:
            text += f"重复投诉{w.repeat_complaints}件，需重点跟进。"
        if now.workorders_changed:
            text += workorders_changed_note(now.month)
        paragraphs.append(text)
    v = now.renovations
    # What was kept back of a refunded deposit (墙面损坏修复) leaves the deposits held as the refund does: without it
    # the paragraph's own figures would not add up to the balance it ends with, as the workbook's 装修 sheet does.
    deducted = f"扣除押金{format_yuan(v.deducted_fen)}元，" if v.deducted_fen else ""
    paragraphs.append(
        f"三、装修管理。本月新登记装修{len(v.new)}户，月末在装修{v.in_progress}户；"
        f"验收合格{v.inspected_pass}户、不合格{v.inspected_fail}户；收取装修押金{format_yuan(v.deposit_received_fen)}元，"
        f"退还押金{v.refunded_count}户{format_yuan(v.refunded_fen)}元，{deducted}"
        f"月末押金结存{format_yuan(v.deposit_held_fen)}元。"
    )
    a = now.archive
    filed = "、".join(f"{category}{n}件" for category, n in a.filed.items())
    paragraphs.append(
        f"四、档案管理。本月归档{a.filed_total}件"
        + (f"（{filed}）" if filed else "")
        + f"；借出{a.lent}件，归还{a.returned}件，月末借出未还{a.out_at_end}件，其中逾期{a.overdue_at_end}件。"
    )
    if now.moneyless and not now.closed:
        paragraphs.append(f"说明：本月{now.status_text}。")
    elif not now.closed:
        paragraphs.append(f"说明：本月{now.status_text}，以上数字在结账前还会变化。")
    return paragraphs


def build_summary(estate: str, office: str, now: MonthFigures, previous: MonthFigures, today: dt.date) -> Document:
    document = new_document()
    common.prepare(document)
    common.title(document, f"{estate}{now.month.chinese}月度工作总结")
    common.line(document, "（草稿，请核对修改后使用）", align=_center())
    for text in summary_paragraphs(now, previous):
        common.line(document, text, indent=True)
    common.line(document, "附表一：收费汇总（按收费项目）", bold=True).paragraph_format.keep_with_next = True
    rows = [
        [
            line.label,
            format_yuan(line.billed),
            format_yuan(line.collected),
            percent(line.rate),
            format_yuan(line.cleared),
            format_yuan(line.prepaid),
            format_yuan(line.arrears),
        ]
        for line in [*now.fees.by_item, now.fees.total]
    ]
    # A4 portrait holds 16 cm between the margins: at 小五 (9 pt) an amount of 12 characters
    # (9,999,999.99) fits its column on one line.
    fees = common.table(document, ["收费项目", *FEE_HEADERS], rows, [2.0, 2.5, 2.5, 1.5, 2.5, 2.5, 2.5])
    common.figures_table(fees, Pt(9), range(1, 7))
    if now.workorders is not None:
        common.line(document)
        common.line(document, "附表二：本月工单（按类别）", bold=True).paragraph_format.keep_with_next = True
        categories = workorder_categories(now.workorders)
        orders = common.table(
            document,
            ["类别", "报修", "投诉", "合计"],
            [[category, str(c["报修"]), str(c["投诉"]), str(sum(c.values()))] for category, c in categories],
            [4.0, 3.0, 3.0, 3.0],
        )
        common.figures_table(orders, Pt(10.5), range(1, 4))
    common.signature(document, office, chinese_date(today))
    return document


def _center() -> Any:
    return WD_ALIGN_PARAGRAPH.CENTER
