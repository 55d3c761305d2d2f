"""The monthly report workbook (.xlsx): eight sheets, number formats, print setup and three charts.

Draws ``MonthFigures`` into an openpyxl workbook; computes nothing itself beyond sums of
what it is given and saving is the caller's business.  Amounts go in as exact 元 decimals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from recordkit.billing.registers import MONEY_FORMAT, print_setup, style_header
from recordkit.core.money import yuan
from recordkit.reports.figures import (
    ARCHIVE,
    BOOKS,
    WORKORDERS,
    FeeLine,
    MonthFigures,
    TrendPoint,
    definitions,
    receipts_note,
    workorders_changed_note,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

RATE_FORMAT = "0.0%"
SHEETS = ("概览", "收费汇总", "欠费明细", "收据", "装修", "工单", "档案", "说明")
FEE_HEADERS = ("应收（元）", "实收（元）", "当期收缴率", "清欠（元）", "预收（元）", "欠费余额（元）")
WORKORDER_TYPES = ("报修", "投诉")
NO_DATA = "本月无数据：台账中没有本月的账单、收款、收据、装修、工单和档案记录，各项均为 0。"


@dataclass(frozen=True)
class Cell:
    """A value and how it is shown: money (fen), a rate (0–1), a count, or text."""

    value: Any
    kind: str = "text"  # money / rate / count / text


def _put(sheet: Worksheet, row: int, column: int, cell: Cell | Any) -> None:
    if not isinstance(cell, Cell):  # a plain value: most cells of the big sheets, written as they are
        sheet.cell(row, column, cell)
    elif cell.kind == "money":
        sheet.cell(row, column, yuan(cell.value)).number_format = MONEY_FORMAT
    elif cell.kind == "rate":
        sheet.cell(row, column, cell.value).number_format = RATE_FORMAT
    else:
        sheet.cell(row, column, cell.value)


def _table(
    sheet: Worksheet,
    row: int,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    total: Sequence[Any] | None = None,
) -> int:
    """Headers at ``row``, then the rows (and a bold total); returns the next free row."""

    for column, text in enumerate(headers, start=1):
        sheet.cell(row, column, text)
    style_header(sheet, (row,), len(headers))
    row += 1
    for values in rows:
        for column, value in enumerate(values, start=1):
            _put(sheet, row, column, value)
        row += 1
    if total is not None:
        for column, value in enumerate(total, start=1):
            _put(sheet, row, column, value)
            sheet.cell(row, column).font = Font(bold=True)
        row += 1
    return row


def _title(sheet: Worksheet, text: str, columns: int) -> None:
    sheet.cell(1, 1, text).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(columns, 1))


def _finish(sheet: Worksheet, widths: Sequence[float], header_row: int = 2) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    print_setup(sheet, f"{header_row}:{header_row}", landscape=True)


def _fee_row(line: FeeLine) -> list[Cell]:
    return [
        Cell(line.label),
        Cell(line.billed, "money"),
        Cell(line.collected, "money"),
        Cell(line.rate, "rate"),
        Cell(line.cleared, "money"),
        Cell(line.prepaid, "money"),
        Cell(line.arrears, "money"),
    ]


def _bar_chart(title: str, y_title: str, rate: bool = False) -> Any:
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = y_title
    chart.y_axis.majorGridlines = None
    if rate:
        chart.y_axis.numFmt = "0%"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
    chart.height, chart.width = 8, 16
    chart.legend.position = "b"
    # openpyxl hides axes unless told otherwise (LibreOffice then draws no labels).
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart


@dataclass(frozen=True)
class Indicator:
    """A row of the overview's comparison: its label, how its value is shown (money in fen, a rate, a count), how
    it is read from a month's figures, and the part of the books it is counted from (``MonthFigures.unrecorded``)."""

    label: str
    kind: str
    value: Callable[[MonthFigures], Any]
    part: str = BOOKS


#: The overview's comparison, in its order; the command's table prints the same rows (``comparison``).
INDICATORS = (
    Indicator("应收", "money", lambda f: f.fees.total.billed),
    Indicator("实收（当期实收）", "money", lambda f: f.fees.total.collected),
    Indicator("当期收缴率", "rate", lambda f: f.fees.total.rate),
    Indicator("清欠", "money", lambda f: f.fees.total.cleared),
    Indicator("预收", "money", lambda f: f.fees.total.prepaid),
    Indicator("本月收款合计", "money", lambda f: f.fees.received_fen),
    Indicator("其中装修押金", "money", lambda f: f.fees.deposit_received_fen),
    Indicator("月末欠费余额", "money", lambda f: f.fees.total.arrears),
    Indicator("月末欠费户数", "count", lambda f: f.fees.arrears_units),
    Indicator("开具收据（张）", "count", lambda f: f.receipts.issued),
    Indicator("作废收据（张）", "count", lambda f: len(f.receipts.voided)),
    Indicator("补打收据（次）", "count", lambda f: f.receipts.reprint_count),
    Indicator("新登记装修（户）", "count", lambda f: len(f.renovations.new)),
    Indicator("月末在装修（户）", "count", lambda f: f.renovations.in_progress),
    Indicator("月末押金结存", "money", lambda f: f.renovations.deposit_held_fen),
    Indicator("受理报修（件）", "count", lambda f: f.workorders.opened_of_type("报修"), WORKORDERS),
    Indicator("受理投诉（件）", "count", lambda f: f.workorders.opened_of_type("投诉"), WORKORDERS),
    Indicator("按时办结率", "rate", lambda f: f.workorders.on_time_rate, WORKORDERS),
    Indicator("满意率", "rate", lambda f: f.workorders.satisfaction_rate, WORKORDERS),
    Indicator("重复投诉（件）", "count", lambda f: f.workorders.repeat_complaints, WORKORDERS),
    Indicator("归档（件）", "count", lambda f: f.archive.filed_total, ARCHIVE),
    Indicator("月末借出未还（件）", "count", lambda f: f.archive.out_at_end, ARCHIVE),
)


@dataclass(frozen=True)
class ComparisonRow:
    """An indicator's values this month, last month and in the same month a year before; None where the overview's
    cell is blank: a rate of nothing (no bills, no work orders closed), or a month before the records of its part."""

    label: str
    kind: str
    values: tuple[Any, ...]


def comparison(now: MonthFigures, previous: MonthFigures, last_year: MonthFigures) -> list[ComparisonRow]:
    """The overview's comparison (``INDICATORS``): the work-order rows only when the month has work orders; a
    comparison month's value None when it lies before the records of the indicator's part, not a 0 nobody
    counted."""
    return [
        ComparisonRow(
            each.label,
            each.kind,
            (each.value(now), *(None if each.part in f.unrecorded else each.value(f) for f in (previous, last_year))),
        )
        for each in INDICATORS
        if each.part != WORKORDERS or now.workorders is not None
    ]


def write_overview(
    sheet: Worksheet,
    estate: str,
    now: MonthFigures,
    previous: MonthFigures,
    last_year: MonthFigures,
    trend: Sequence[TrendPoint],
) -> None:
    _title(sheet, f"{estate}{now.month.chinese}月度报表", 4)
    rows = [
        [row.label, *(None if value is None else Cell(value, row.kind) for value in row.values)]
        for row in comparison(now, previous, last_year)
    ]
    headers = (
        "指标",
        f"本月（{now.month.chinese}）",
        f"上月（{previous.month.chinese}）",
        f"去年同月（{last_year.month.chinese}）",
    )
    row = _table(sheet, 2, headers, rows)
    sheet.cell(row, 1, f"本月{now.status_text}")
    row += 1
    if now.empty:
        sheet.cell(row, 1, NO_DATA)
        row += 1
    note = unrecorded_note(previous, last_year)
    if note:
        sheet.cell(row, 1, note)
        row += 1
    row += 1
    sheet.cell(row, 1, "近 12 个月收缴情况（每月账单在当月月末的收缴）")
    row += 1
    trend_header = row
    row = _table(sheet, row, ("月份", "应收（元）", "实收（元）", "当期收缴率"), [_trend_row(p) for p in trend])
    note = _trend_note(trend)
    if note:
        sheet.cell(row, 1, note)
    chart = LineChart()
    chart.title = "近 12 个月当期收缴率"
    chart.y_axis.title = "收缴率"
    chart.y_axis.numFmt = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.x_axis.title = "月份"
    chart.height, chart.width = 8, 18
    chart.legend.position = "b"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.add_data(Reference(sheet, min_col=4, min_row=trend_header, max_row=row - 1), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=trend_header + 1, max_row=row - 1))
    chart.series[0].smooth = False  # a monthly figure: straight lines between the months, no invented curve
    chart.display_blanks = "gap"  # a month before the books is a blank cell: no point, never one at 0 %
    chart.series[0].marker.symbol = "circle"
    sheet.add_chart(chart, f"F{trend_header}")
    _finish(sheet, (22, 20, 20, 22))


def unrecorded_note(previous: MonthFigures, last_year: MonthFigures, blank: str = "") -> str | None:
    """The line under the comparison saying why cells are blank; None when none is.  A part unrecorded last month
    is unrecorded a year ago too: the books of each part only begin.  ``blank``: how a blank cell is shown, where
    it is not an empty cell (the command's table: ``（—）``)."""
    names = [
        f"{name}（{f.month.chinese}）" for name, f in (("上月", previous), ("去年同月", last_year)) if f.unrecorded
    ]
    if not names:
        return None
    return f"{'和'.join(names)}留空{blank}的是台账里还没有记录的项目：没有数据，不是 0。"


def _trend_row(point: TrendPoint) -> list[Any]:
    """A month of the trend table: blank cells for a month before the books (no data, not 0)."""
    if not point.recorded:
        return [str(point.month), None, None, None]
    return [str(point.month), Cell(point.billed, "money"), Cell(point.collected, "money"), Cell(point.rate, "rate")]


def _trend_note(trend: Sequence[TrendPoint]) -> str | None:
    """The line under the trend table saying why its first months are blank; None when none is."""
    if all(point.recorded for point in trend):
        return None
    start = next((point.month for point in trend if point.recorded), None)
    if start is None:
        return "台账里还没有收费记录：各月留空（没有数据，不是 0），图上不画。"
    return f"收费从 {start.chinese} 开始记账，之前的月份留空（没有数据，不是 0），图上不画。"


def write_fees(sheet: Worksheet, estate: str, figures: MonthFigures) -> tuple[int, int]:
    """收费汇总 by item then by building; returns the building table's first and last data rows."""

    fees = figures.fees
    _title(sheet, f"{estate}{figures.month.chinese}收费汇总", 7)
    row = _table(sheet, 2, ("收费项目", *FEE_HEADERS), [_fee_row(line) for line in fees.by_item], _fee_row(fees.total))
    row += 1
    building_header = row
    row = _table(
        sheet,
        row,
        ("楼栋", *FEE_HEADERS),
        [_fee_row(line) for line in fees.by_building],
        _fee_row(
            FeeLine(
                "合计",
                fees.total.billed,
                fees.total.collected,
                fees.total.cleared,
                fees.total.prepaid,
                fees.total.arrears,
            )
        ),
    )
    first, last = building_header + 1, row - 2
    chart = _bar_chart("各楼栋当期收缴率", "收缴率", rate=True)
    chart.x_axis.title = "楼栋"
    if last >= first:
        chart.add_data(Reference(sheet, min_col=4, min_row=building_header, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
    sheet.add_chart(chart, f"I{building_header}")
    _finish(sheet, (16, 16, 16, 12, 16, 16, 16))
    return first, last


def write_arrears(sheet: Worksheet, estate: str, figures: MonthFigures) -> None:
    _title(sheet, f"{estate}{figures.month.chinese}末欠费明细", 7)
    lines = figures.arrears
    _table(
        sheet,
        2,
        ("序号", "房号", "业主", "联系电话", "欠费月数", "最早欠费月份", "欠费金额（元）"),
        [
            [index, line.unit, line.owner, line.phone, line.months, line.oldest, Cell(line.amount_fen, "money")]
            for index, line in enumerate(lines, start=1)
        ],
        ["合计", f"{len(lines)} 户", "", "", "", "", Cell(sum(line.amount_fen for line in lines), "money")],
    )
    _finish(sheet, (8, 14, 12, 16, 10, 14, 16))


def write_receipts(sheet: Worksheet, estate: str, figures: MonthFigures) -> None:
    r = figures.receipts
    _title(sheet, f"{estate}{figures.month.chinese}收据情况", 7)
    row = _table(
        sheet,
        2,
        ("项目", "张数（次数）", "金额（元）"),
        [
            ["本月开具（含其后作废的）", r.issued, Cell(r.issued_fen, "money")],
            ["其中仍有效", r.valid, Cell(r.valid_fen, "money")],
            ["其中红冲", len(r.reversals), Cell(r.reversals_fen, "money")],
            ["本月作废", len(r.voided), Cell(r.voided_fen, "money")],
            ["本月补打", r.reprint_count, ""],
        ],
    )
    if (note := receipts_note(r)) is not None:
        sheet.cell(row, 1, note)
        row += 1
    row += 1
    sheet.cell(row, 1, "本月作废的收据")
    row = _table(
        sheet,
        row + 1,
        ("收据编号", "开具日期", "房号", "金额（元）", "作废原因", "作废人", "作废日期"),
        [
            [
                v.number,
                v.issued_on.isoformat(),
                v.unit,
                Cell(v.amount_fen, "money"),
                v.reason,
                v.voided_by,
                v.voided_on.isoformat(),
            ]
            for v in r.voided
        ],
    )
    row += 1
    sheet.cell(row, 1, "本月红冲的收据")
    row = _table(
        sheet,
        row + 1,
        ("红冲收据编号", "原收据编号", "房号", "金额（元）", "红冲原因"),
        [[v.number, v.reverses, v.unit, Cell(v.amount_fen, "money"), v.reason] for v in r.reversals],
    )
    row += 1
    sheet.cell(row, 1, "本月补打的收据")
    _table(sheet, row + 1, ("收据编号", "补打次数"), [[number, count] for number, count in r.reprints])
    _finish(sheet, (26, 14, 14, 14, 24, 10, 12))


def write_renovations(sheet: Worksheet, estate: str, figures: MonthFigures) -> None:
    v = figures.renovations
    _title(sheet, f"{estate}{figures.month.chinese}装修情况", 7)
    row = _table(
        sheet,
        2,
        ("项目", "户数", "金额（元）"),
        [
            ["本月新登记", len(v.new), ""],
            ["月末在装修", v.in_progress, ""],
            ["本月验收合格", v.inspected_pass, ""],
            ["本月验收不合格", v.inspected_fail, ""],
            ["本月收取押金", "", Cell(v.deposit_received_fen, "money")],
            ["本月退还押金", v.refunded_count, Cell(v.refunded_fen, "money")],
            ["本月扣除押金", "", Cell(v.deducted_fen, "money")],
            ["月末押金结存", "", Cell(v.deposit_held_fen, "money")],
        ],
    )
    row += 1
    sheet.cell(row, 1, "本月新登记的装修")
    _table(
        sheet,
        row + 1,
        ("登记编号", "房号", "业主", "施工单位", "登记日期", "月末状态", "押金（元）"),
        [
            [
                n.number,
                n.unit,
                n.owner,
                n.contractor,
                n.registered_on.isoformat(),
                n.status,
                Cell(n.deposit_fen, "money"),
            ]
            for n in v.new
        ],
    )
    _finish(sheet, (18, 12, 14, 24, 12, 12, 14))


def workorder_categories(workorders: Any) -> list[tuple[str, dict[str, int]]]:
    """Categories opened in the month with counts by type, most first."""
    by_category: dict[str, dict[str, int]] = {}
    for (kind, category), count in workorders.opened.items():
        by_category.setdefault(category, dict.fromkeys(WORKORDER_TYPES, 0))[kind] = count
    return sorted(by_category.items(), key=lambda pair: (-sum(pair[1].values()), pair[0]))


def write_workorders(sheet: Worksheet, estate: str, figures: MonthFigures) -> None:
    _title(sheet, f"{estate}{figures.month.chinese}工单情况", 4)
    w = figures.workorders
    if w is None:
        sheet.cell(2, 1, "工单功能尚未启用：没有工单数据。")
        _finish(sheet, (16, 12, 12, 12))
        return
    categories = workorder_categories(w)
    rows: list[list[Any]] = [
        [category, counts["报修"], counts["投诉"], sum(counts.values())] for category, counts in categories
    ]
    totals = [sum(row[i] for row in rows) for i in (1, 2, 3)]
    row = _table(sheet, 2, ("类别", "报修", "投诉", "合计"), rows, ["合计", *totals])
    first, last = 3, 2 + len(rows)
    row += 1
    metrics_header = row
    row = _table(
        sheet,
        row,
        ("指标", "数值"),
        [
            ["本月办结（件）", w.closed],
            ["其中按时办结（件）", w.closed_on_time],
            *([["其中未记时刻、不判断时限（件）", w.closed_untimed]] if w.closed_untimed else []),
            ["按时办结率", Cell(w.on_time_rate, "rate")],
            ["本月回访（件）", w.visited],
            ["满意", w.satisfied],
            ["基本满意", w.fairly_satisfied],
            ["不满意", w.dissatisfied],
            ["满意率（满意 + 基本满意）", Cell(w.satisfaction_rate, "rate")],
            ["重复投诉（件）", w.repeat_complaints],
            ["月末未办结（件）", w.open_at_end],
            ["其中超时（件）", w.overdue_at_end],
            *([["其中未记时刻、不判断超时（件）", w.untimed_at_end]] if w.untimed_at_end else []),
        ],
    )
    row += 1
    row = _table(
        sheet,
        row,
        ("类型", "类别", "受理", "办结", "按时办结", "按时办结率", "回访", "满意率", "重复投诉"),
        [
            [
                c.type,
                c.category,
                c.opened,
                c.closed,
                c.closed_on_time,
                Cell(c.on_time_rate, "rate"),
                c.visited,
                Cell(c.satisfaction_rate, "rate"),
                c.repeat_complaints,
            ]
            for c in figures.workorder_categories
        ],
    )
    if figures.workorders_changed:
        sheet.cell(row + 1, 1, workorders_changed_note(figures.month))
    chart = _bar_chart("本月工单按类别", "件数")
    chart.x_axis.title = "类别"
    chart.grouping = "clustered"
    if rows:
        chart.add_data(Reference(sheet, min_col=2, max_col=3, min_row=2, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
    sheet.add_chart(chart, f"K{metrics_header if not rows else 2}")
    _finish(sheet, (26, 12, 12, 12, 10, 12, 8, 10, 10))


def write_archive(sheet: Worksheet, estate: str, figures: MonthFigures) -> None:
    a = figures.archive
    _title(sheet, f"{estate}{figures.month.chinese}档案情况", 2)
    row = _table(
        sheet,
        2,
        ("档案类别", "本月归档（件）"),
        [[category, count] for category, count in a.filed.items()],
        ["合计", a.filed_total],
    )
    row += 1
    _table(
        sheet,
        row,
        ("借阅", "件数"),
        [
            ["本月借出", a.lent],
            ["本月归还", a.returned],
            ["月末借出未还", a.out_at_end],
            ["其中逾期", a.overdue_at_end],
        ],
    )
    _finish(sheet, (20, 16))


def untimed_note(count: int) -> str:
    """What the 说明 sheet says of the month's orders whose lateness was not judged (dates alone, limits in hours)."""
    return (
        f"本月有 {count} 张工单只记了日期、没有记时刻：按小时计的时限对它们不作判断，不计入按时办结率和月末超时；"
        "按整天计的时限按日期判断。"
    )


def write_notes(sheet: Worksheet, estate: str, figures: MonthFigures, generated: str, repeat_days: int) -> None:
    _title(sheet, f"{estate}{figures.month.chinese}月度报表说明", 2)
    row = _table(sheet, 2, ("指标", "定义"), definitions(repeat_days))
    for line in range(3, row):
        sheet.cell(line, 2).alignment = Alignment(wrap_text=True, vertical="top")
    row += 1
    if figures.empty:
        sheet.cell(row, 1, NO_DATA)
        row += 1
    if figures.workorders is not None and figures.workorders.untimed:
        sheet.cell(row, 1, untimed_note(figures.workorders.untimed))
        row += 1
    sheet.cell(
        row, 1, f"本表由 recordkit 根据台账于 {generated} 生成；数字可与收费台账（recordkit fees register）核对。"
    )
    _finish(sheet, (20, 90))


def build_workbook(
    estate: str,
    now: MonthFigures,
    previous: MonthFigures,
    last_year: MonthFigures,
    trend: Sequence[TrendPoint],
    generated: str,
    repeat_days: int = 30,
) -> Workbook:
    workbook = Workbook()
    sheets = [workbook.active, *(workbook.create_sheet() for _ in SHEETS[1:])]
    for sheet, name in zip(sheets, SHEETS, strict=True):
        sheet.title = name
    write_overview(sheets[0], estate, now, previous, last_year, trend)
    write_fees(sheets[1], estate, now)
    write_arrears(sheets[2], estate, now)
    write_receipts(sheets[3], estate, now)
    write_renovations(sheets[4], estate, now)
    write_workorders(sheets[5], estate, now)
    write_archive(sheets[6], estate, now)
    write_notes(sheets[7], estate, now, generated, repeat_days)
    return workbook
