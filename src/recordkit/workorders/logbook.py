"""The office's existing work-order logbook (.xlsx): its columns, every bad cell named by row and
column, and the all-or-nothing import (``workorder import``) through ``workorders.add_many``.

What a work order is and how it is numbered, limited and marked is ``workorders``' business.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.core.dates import (
    BUSINESS_YEARS,
    check_business_day,
    format_when,
    parse_clock,
    parse_date,
    parse_when_written,
)
from recordkit.core.errors import CellProblem, ValidationError
from recordkit.core.filenames import readable_name
from recordkit.core.personal import is_masked, validate_masked_phone, validate_phone
from recordkit.core.sheets import Column, SheetRow, accepted_spellings, footer_rows, is_total_label, read_table
from recordkit.core.unitcodes import parse_unit_code
from recordkit.ledger.db import missing_unit
from recordkit.ledger.schema import work_orders as w
from recordkit.workorders.orders import (
    STEP_DAY_ONLY,
    TYPES,
    WorkOrderRecord,
    add_many,
    as_read,
    check_record,
    count_repeats,
    day_alone_moment,
    known_units,
    now_minute,
    parse_category,
    parse_satisfaction,
    parse_type,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.core.config import WorkOrderSettings
    from recordkit.core.sheets import ProgressCallback
    from recordkit.ledger.db import Ledger


#: The day columns beside the time columns, by the time column's key.
_DAY_COLUMNS = {
    "opened_at": ("报修日期", ("投诉日期", "登记日期", "受理日期")),
    "assigned_at": ("派工日期", ()),
    "closed_at": ("完成日期", ("完工日期",)),
    "visited_at": ("回访日期", ()),
}


def _logbook_columns() -> list[Any]:
    return [
        Column("type", "类型", ("工单类型", "报修/投诉"), required=True),
        Column("unit", "房号", ("房屋", "房屋编号")),
        Column("place", "地点", ("位置", "公共区域")),
        Column("category", "类别", ("类目", "工单类别"), required=True),
        Column("description", "内容", ("报修内容", "投诉内容", "问题描述", "事由"), required=True),
        Column("reported_by", "报修人", ("投诉人", "联系人", "业主")),
        Column("phone", "电话", ("联系电话", "手机")),
        # Required, or its day column (报修日期) instead: ``_read_logbook`` checks that one of them is there.
        Column("opened_at", "报修时间", ("投诉时间", "登记时间", "受理时间")),
        Column("assignee", "派工", ("派工人", "维修人", "处理人")),
        Column("assigned_at", "派工时间", ()),
        Column("closed_at", "完成时间", ("完工时间",)),
        Column("result", "处理结果", ("结果",)),
        Column("visited_at", "回访时间", ()),
        Column("satisfaction", "满意度", ("回访结果",)),
        # A logbook kept by hand may write each step's day and time of day apart: 报修日期 | 报修时间 (下午3:15).
        *(Column(f"{key}_day", name, aliases) for key, (name, aliases) in _DAY_COLUMNS.items()),
        Column("visit_notes", "回访意见", ("回访记录",)),
        # The clerk's remarks, no part of a work order (never the owner's 回访意见): read to say it is left out.
        Column("remarks", "备注", ()),
    ]


#: The logbook's headers in order, as the README documents them (and a blank sheet would carry).
LOGBOOK_HEADERS = (
    "类型",
    "房号",
    "地点",
    "类别",
    "内容",
    "报修人",
    "电话",
    "报修时间",
    "派工",
    "派工时间",
    "完成时间",
    "处理结果",
    "回访时间",
    "满意度",
    "回访意见",
)


@dataclass(frozen=True)
class LogbookRow:
    """One valid logbook row: its Excel row number and the order it records."""

    row: int
    record: WorkOrderRecord


@dataclass(frozen=True)
class ImportSummary:
    numbers: list[str]
    repairs: int
    complaints: int
    repeats: int
    # The logbook's 备注 column held something, which no work order keeps.
    remarks_left_out: bool = False
    # Rows already in the ledger as they are, left out (``skip_known``).
    skipped: int = 0
    # Footer lines under the orders (制表人：李文, 备注：…), left out.
    footers: tuple[int, ...] = ()
    # 合计/小计 rows (``_is_totals_row``), left out.
    totals: tuple[int, ...] = ()

    @property
    def count(self) -> int:
        return len(self.numbers)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


#: The columns holding a step's moment, day and time of day together.
_TIME_COLUMNS = ("opened_at", "assigned_at", "closed_at", "visited_at")


def _has_time_of_day(value: Any) -> bool:
    """Whether a cell of a time column carries a time of day (09:15, not a day alone); a cell that cannot be read
    carries none (its row names it)."""
    if value is None or isinstance(value, bool):
        return False
    try:
        return parse_when_written(value if isinstance(value, dt.date | int | float) else str(value), cell=True)[1]
    except ValidationError:
        return False


def _columns_with_times(rows: Sequence[SheetRow]) -> frozenset[str]:
    """The time columns (``opened_at`` …) in which some cell carries a time of day.  A date-time cell at exactly 00:00
    in such a column is a timed midnight: read without its number format (openpyxl's read-only mode) it looks like a
    date cell, a date alone, but its column is one of times."""
    return frozenset(key for key in _TIME_COLUMNS if any(_has_time_of_day(row.cells.get(key)) for row in rows))


def _read_row(
    table: Any,
    number: int,
    cells: dict[str, Any],
    now: dt.datetime,
    years: tuple[int, int] = BUSINESS_YEARS,
    phases: Mapping[str, str] | None = None,
    timed_columns: frozenset[str] = frozenset(),
) -> tuple[LogbookRow | None, list[CellProblem]]:
    problems: list[CellProblem] = []

    def bad(key: str, reason: str) -> None:
        problems.append(table.problem(number, key, reason))

    def pick(key: str, parse: Any, kept: tuple[type, ...] = (dt.date,)) -> Any:
        value = cells.get(key)
        text = value if isinstance(value, kept) else _text(value)
        if text is None:
            return None
        try:
            return parse(text)
        except ValidationError as err:
            bad(key, err.message)
            return None

    dates_alone: set[str] = set()

    def written(key: str, cell: Any, what: str) -> dt.datetime:
        value, timed = parse_when_written(cell, what, cell=True)
        # A date-time cell at 00:00 among cells with times of day is midnight (``_columns_with_times``).
        if not timed and not (isinstance(cell, dt.datetime) and key in timed_columns):
            dates_alone.add(key)
        return value

    def beside_day(key: str, what: str) -> dt.datetime | None:
        """The step's day from its day column, its time of day (or none: a date alone) from the time column."""
        day_what = _DAY_COLUMNS[key][0]
        day = pick(f"{key}_day", lambda cell: parse_date(cell, day_what, cell=True), (dt.date, int, float))
        if day is None:
            return None
        found = len(problems)
        clock = pick(key, lambda cell: parse_clock(cell, what), (dt.time, dt.datetime, int, float))
        if len(problems) > found:
            return None
        if clock is None:
            dates_alone.add(key)
        return dt.datetime.combine(day, dt.time()) + (clock or dt.timedelta())

    def when(key: str, what: str) -> dt.datetime | None:
        if cells.get(f"{key}_day") is not None:
            value = beside_day(key, what)
        else:
            # A number is passed on as it is: Excel's day count, a date column whose format was lost.
            value = pick(key, lambda cell: written(key, cell, what), (dt.date, int, float))
        if value is None:
            return None
        if value > now + dt.timedelta(minutes=1):
            bad(key, f"{what} {format_when(value)} 晚于现在")
            return value
        # The same window as ``workorder add``'s: a year typed 1926 for 2026 would number the order GD1926-000001.
        try:
            check_business_day(value.date(), what, years)
        except ValidationError as err:
            bad(key, err.message)
        return value

    kind = _text(cells.get("type"))
    category = _text(cells.get("category"))
    description = _text(cells.get("description"))
    for key, value, what in (
        ("type", kind, "类型"),
        ("category", category, "类别"),
        ("description", description, "内容"),
        ("opened_at", cells.get("opened_at") or cells.get("opened_at_day"), "报修时间"),
    ):
        if value is None:
            bad(key, f"{what}不能为空")
    if cells.get("unit") is None and cells.get("place") is None:
        bad("unit", "房号和地点都没有填写：公共区域请写地点，例如 3栋大堂")
    if kind is not None:
        pick("type", parse_type)
    if category is not None:
        pick("category", parse_category)
    unit = pick("unit", lambda text: str(parse_unit_code(text, phases=phases or None)))
    # Another system's export may hold the phones masked: kept as written, never unmasked.
    phone = pick("phone", lambda text: validate_masked_phone(text) if is_masked(text) else validate_phone(text))
    satisfaction = pick("satisfaction", parse_satisfaction)
    times = {
        key: when(key, what)
        for key, what in (
            ("opened_at", "报修时间"),
            ("assigned_at", "派工时间"),
            ("closed_at", "完成时间"),
            ("visited_at", "回访时间"),
        )
    }
    opened_at = times["opened_at"]
    if problems or opened_at is None:  # a missing opened_at is among the problems
        return None, problems
    # A step written as a date alone on the day of the step before it is kept at that step's moment, never before it.
    before = opened_at
    for key in ("assigned_at", "closed_at", "visited_at"):
        value = times[key]
        if value is not None and key in dates_alone:
            times[key] = value = day_alone_moment(value, before)
        before = value if value is not None else before
    record = WorkOrderRecord(
        type=parse_type(kind or ""),
        category=parse_category(category or ""),
        description=description or "",
        opened_at=opened_at,
        unit=unit,
        place=_text(cells.get("place")),
        reported_by=_text(cells.get("reported_by")),
        phone=phone,
        assignee=_text(cells.get("assignee")),
        assigned_at=times["assigned_at"],
        closed_at=times["closed_at"],
        result=_text(cells.get("result")),
        visited_at=times["visited_at"],
        satisfaction=satisfaction,
        visit_notes=_text(cells.get("visit_notes")),
        # A limit counts from the report to the dispatch or the completion: one of them without its time of day
        # (a hand-kept logbook) is no moment to measure hours from.  A visit has no limit.
        date_only=bool(dates_alone & {"opened_at", "assigned_at", "closed_at"}),
        assigned_day_only="assigned_at" in dates_alone,
        closed_day_only="closed_at" in dates_alone,
        visited_day_only="visited_at" in dates_alone,
    )
    for key, reason in check_record(record):
        bad(key, reason)
    return (None, problems) if problems else (LogbookRow(number, record), [])


def _read_logbook(
    path: Path,
    progress: ProgressCallback | None,
    now: dt.datetime,
    years: tuple[int, int] = BUSINESS_YEARS,
    phases: Mapping[str, str] | None = None,
) -> tuple[list[LogbookRow], Any, list[CellProblem]]:
    columns = _logbook_columns()
    table = read_table(path, columns, progress)
    if "opened_at" not in table.letters and "opened_at_day" not in table.letters:
        spelled = {column.key: accepted_spellings(column) for column in columns}
        raise ValidationError(
            f"{readable_name(path.name)} 缺少表头：报修时间（可写作：{spelled['opened_at']}），"
            f"或日期和时刻分开写的报修日期（可写作：{spelled['opened_at_day']}）"
        )
    rows: list[LogbookRow] = []
    footers, problems = footer_rows(table, lambda row: not _is_totals_row(row), "工单")
    first_of: dict[tuple[Any, ...], int] = {}
    timed_columns = _columns_with_times(table.rows)
    for sheet_row in table.rows:
        if sheet_row.footer or _is_totals_row(sheet_row):
            continue
        row, row_problems = _read_row(table, sheet_row.number, sheet_row.cells, now, years, phases, timed_columns)
        problems.extend(row_problems)
        if row is None:
            continue
        rows.append(row)
        # One order written twice (a row pasted twice, two months' sheets put together) would count twice in the
        # monthly report: named, as a second import of the same row is, never imported twice.
        first = first_of.setdefault(_identity(row.record), row.row)
        if first != row.row:
            problems.append(
                CellProblem(
                    row.row,
                    "",
                    "",
                    f"与第 {first} 行是同一张工单（报修时间、房号、类别和内容都相同）：请删去重复的一行",
                )
            )
    return rows, table, problems


def _is_totals_row(row: SheetRow) -> bool:
    """A 合计/小计 row under the orders (合计 | 35 件, as a logbook kept by hand or another system's export ends): a
    total label in a cell of its own and no order's type.  A row of 报修 or 投诉 stays an order, checked as one."""
    if not row.total:
        return False
    kind = _text(row.cells.get("type"))
    return kind is None or is_total_label(kind) or unicodedata.normalize("NFKC", kind).strip() not in TYPES


def _identity(record: Any) -> tuple[Any, ...]:
    """What makes two rows (or a row and a ledger's order) the same order: type, category, unit, place, report time
    and content, the words as a clerk reads them (another system's export writes full-width digits and spaces)."""
    return (
        record.type,
        record.category,
        record.unit,
        as_read(record.place) or None,
        record.opened_at,
        as_read(record.description),
    )


def _refuse(path: Path, rows: Sequence[LogbookRow], problems: list[CellProblem]) -> None:
    if problems:
        problems.sort(key=lambda p: p.row)
        raise ValidationError(f"{readable_name(path.name)} 有 {len(problems)} 处错误，没有导入任何工单", problems)
    if not rows:
        raise ValidationError(f"{readable_name(path.name)} 的表头下面没有数据行")


def read_logbook(
    path: Path,
    progress: ProgressCallback | None = None,
    now: dt.datetime | None = None,
    years: tuple[int, int] = BUSINESS_YEARS,
    phases: Mapping[str, str] | None = None,
) -> list[LogbookRow]:
    """Read and check the whole logbook without the ledger; ``ValidationError`` lists every bad
    cell by row and column (a time outside ``years`` among them, as ``workorder add`` refuses it).
    ``phases`` (``OfficeSettings.phase_table()``) reads a 房号 with the estate's phase spellings."""
    rows, _, problems = _read_logbook(path, progress, now or now_minute(), years, phases)
    _refuse(path, rows, problems)
    return rows


def _duplicates(conn: Connection, rows: Sequence[LogbookRow]) -> dict[int, Any]:
    """Rows already in the ledger (same type, category, unit, place, time and content): row → the ledger's row.
    A second import of the same logbook is refused instead of doubling it."""

    first = min(row.record.opened_at for row in rows)
    last = max(row.record.opened_at for row in rows)
    known = {_identity(r): r for r in conn.execute(sa.select(w).where(w.c.opened_at >= first, w.c.opened_at <= last))}
    found = {}
    for row in rows:
        held = known.get(_identity(row.record))
        if held is not None:
            found[row.row] = held
    return found


#: What a logbook row says of an order beyond what identifies it, with the logbook's names.
_PROGRESS = (
    ("reported_by", "报修人"),
    ("phone", "电话"),
    ("assignee", "派工"),
    ("assigned_at", "派工时间"),
    ("closed_at", "完成时间"),
    ("result", "处理结果"),
    ("visited_at", "回访时间"),
    ("satisfaction", "满意度"),
    ("visit_notes", "回访意见"),
)


def _differences(record: WorkOrderRecord, held: Any) -> list[str]:
    """The columns in which a logbook row says otherwise than the ledger's order it is (empty: the same content).

    A step the row writes as a date alone, or the ledger flags as one, is the same when its day is: an earlier version
    kept such a step at 00:00 unflagged, where the row is now read as kept at the step before it that day.
    Words (the worker, who reported, the result) are compared as a clerk reads them (``as_read``, as ``workorder
    assign`` compares workers): another system's export may write them in full-width letters or with an ideographic
    space."""

    def plain(value: Any) -> Any:
        return (as_read(value) or None) if isinstance(value, str) else value

    def same(key: str) -> bool:
        written, kept = plain(getattr(record, key)), plain(getattr(held, key))
        flag = STEP_DAY_ONLY.get(key)
        by_date = flag is not None and (getattr(record, flag) or getattr(held, flag))
        if by_date and isinstance(written, dt.datetime) and isinstance(kept, dt.datetime):
            return written.date() == kept.date()
        return bool(written == kept)

    return [name for key, name in _PROGRESS if not same(key)]


def import_logbook(
    ledger: Ledger,
    settings: WorkOrderSettings,
    operator: str,
    path: Path,
    progress: ProgressCallback | None = None,
    now: dt.datetime | None = None,
    years: tuple[int, int] = BUSINESS_YEARS,
    phases: Mapping[str, str] | None = None,
    skip_known: bool = False,
) -> ImportSummary:
    """Import the office's existing work-order logbook (``workorder import``), all or nothing.

    A row the ledger already holds (the same type, category, unit, place, report time and content) is refused —
    or with ``skip_known`` (a logbook that has grown since it was imported) left out and counted when it says
    the same as the ledger in every column, and still refused, naming the columns, when it says otherwise.

    Every bad cell is reported with its row number and column (``ValidationError``): a time outside
    ``years`` (``[receipt] first_year`` and ``last_year``, as ``workorder add``'s) among them, together
    with units the ledger does not hold and rows already imported; nothing is written then.
    A 房号 is read with the estate's phases (``OfficeSettings.phase_table()``), as ``--unit`` is.
    Orders are numbered in the order they were reported; complaints are marked as repeats
    against the ledger and the earlier rows.
    """
    rows, table, problems = _read_logbook(path, progress, now or now_minute(), years, phases)
    with ledger.write() as conn:
        held = _duplicates(conn, rows) if rows else {}
        skipped: set[int] = set()
        by_number = {row.row: row.record for row in rows}
        for row_number, order in sorted(held.items()):
            record = by_number[row_number]
            if not skip_known:
                reason = f"与已登记的工单 {order.number} 相同（这一行已经导入过；只导入新增的工单请加 --skip-known）"
            elif differing := _differences(record, order):
                reason = (
                    f"与已登记的工单 {order.number} 是同一张（报修时间、房号、类别和内容都相同），但{'、'.join(differing)}"
                    "与台账中的不同：请在台账中补记（workorder assign/close/visit），或把这一行改成与台账一致"
                )
            else:
                skipped.add(row_number)
                continue
            problems.append(CellProblem(row_number, "", "", reason))
        known = known_units(conn, [row.record.unit for row in rows if row.record.unit])
        for row in rows:
            if row.record.unit is not None and row.record.unit not in known:
                problems.append(
                    table.problem(
                        row.row, "unit", missing_unit(conn, row.record.unit, also="公共区域请把房号留空，写在“地点”列")
                    )
                )
        _refuse(path, rows, problems)
        records = [row.record for row in rows if row.row not in skipped]
        numbers = add_many(conn, settings, operator, records, action="workorder.import")
        repeats = count_repeats(conn, numbers)
    return ImportSummary(
        numbers,
        sum(1 for r in records if r.type == "报修"),
        sum(1 for r in records if r.type == "投诉"),
        repeats,
        remarks_left_out=any(_text(row.cells.get("remarks")) for row in table.rows if not row.footer),
        skipped=len(skipped),
        footers=tuple(row.number for row in table.rows if row.footer),  # any other is refused above
        totals=tuple(row.number for row in table.rows if not row.footer and _is_totals_row(row)),
    )
