"""Notices (通知) and payment reminders (催缴通知书): who gets one, what it says, the sign-off sheet.

A notice goes to units picked by unit, building or the whole estate; a reminder to every
unit in arrears (``fees.list_arrears``) with its own table of unpaid months.  Each batch
is one document per unit or one merged print file, plus a 送达签收表 .xlsx for the
door-to-door round, and PDF copies when asked.  Filling and recording is ``documents``'s.
The days and times written inside a notice's free text are read here (``find_when``, ``in_office_form``), leniently
and only to check and print them; every other date is parsed by ``core.dates`` (docs/architecture.md says why).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side

from recordkit.billing.allocations import Credit, prepaid_from, prepayment_credits
from recordkit.billing.arrears import Arrears, arrears_day, arrears_in, owed_query, prepaid_query
from recordkit.core.atomic import saved
from recordkit.core.dates import (
    DAY_SEPARATORS,
    EIGHT_DIGIT_DAY,
    PARTS_OF_THE_DAY,
    DateError,
    Month,
    check_business_day,
    check_within_a_year,
    chinese_date,
    contradicted_hour_said,
    on_24_hour_clock,
    parse_month,
    recent_or_next_month_day,
    years_after,
)
from recordkit.core.errors import CellProblem, NotFoundError, UsageError, ValidationError
from recordkit.core.filenames import readable_name
from recordkit.core.money import amount_in_capitals, format_yuan
from recordkit.core.sheets import (
    cells_as_text,
    column_letter,
    is_total_label,
    normalise_header,
    sheet_values,
    split_assignment,
    totals_warning,
)
from recordkit.core.unitcodes import PARKING, STOREROOM, Building, UnitCode, parse_building, parse_unit_code
from recordkit.documents.generated import (
    Companion,
    DocumentRequest,
    common_context,
    generate_many,
    generate_merged,
    paper_stem,
    pdf_copies,
    unit_address,
)
from recordkit.documents.templates.checks import misspelt_variables, printable
from recordkit.documents.templates.designs import DEPOSIT_HELD, about_works, kind_of, ordered_pairs, provided_variables
from recordkit.documents.templates.engine import Template, TemplateLibrary
from recordkit.ledger.db import missing_unit
from recordkit.ledger.schema import fee_items, renovations
from recordkit.ledger.schema import units as units_table
from recordkit.owners.contacts import current_tenants_in, is_organisation
from recordkit.owners.roster import UnitOwners, list_owners, owners_in, unit_owners_in

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.core.workspace import Workspace
    from recordkit.documents.generated import GeneratedDocument
    from recordkit.ledger.db import Ledger

NOTICE_KIND = "通知"
REMINDER_TEMPLATE = "催缴通知书"
SIGN_SHEET_KIND = "送达签收表"
SIGN_SHEET_HEADERS = ("序号", "房号", "业主", "签收人签字", "签收日期", "备注")


#: Whom a notice is addressed to (``notice make --to``, ``[notices] to``): the owners of record (the
#: owner and co-owners, 张伟、李娜), the occupant (the unit's current tenants when it has any, else its
#: owners), or both on one paper.  A 催缴通知书 and ``notice batch`` go to the owners.
TO_OWNER, TO_OCCUPANT, TO_ALL = "业主", "住户", "全部"
ADDRESSEES = (TO_OWNER, TO_OCCUPANT, TO_ALL)


def check_addressee(to: str) -> str:
    """``to`` when it is one of ``ADDRESSEES``; ``UsageError`` otherwise."""
    if to.strip() not in ADDRESSEES:
        raise UsageError(f"收件对象“{to}”无效：应为 {'、'.join(ADDRESSEES)} 之一")
    return to.strip()


@dataclass(frozen=True)
class Recipient:
    """A unit a notice is addressed to: its owners, and its tenants when the notice is for them."""

    unit: str
    building: str
    owner: str | None  # the first owner (units.owner_id)
    tenants: tuple[str, ...] = ()
    to: str = TO_OWNER
    co_owners: tuple[str, ...] = ()  # the owners after the first, in deed order, read with ``owner``

    @property
    def owners(self) -> str:
        """The owners of record as paper names them: "张伟、李娜"; "" for a unit with none."""
        return "、".join((self.owner, *self.co_owners)) if self.owner else ""

    @property
    def names(self) -> list[str]:
        """Who is addressed, each with what they are: ["张伟、李娜业主"], ["赵磊住户"], ["张伟业主", "赵磊住户"]; a body
        by its name alone (["幸福里房地产开发有限公司"]: a developer holding an unsold flat is no person 业主)."""
        people = [name for name in (self.owner, *self.co_owners) if name and not is_organisation(name)]
        bodies = [name for name in (self.owner, *self.co_owners) if name and is_organisation(name)]
        owner = [f"{'、'.join(people)}业主"] if people else []
        owner += bodies
        tenants = [f"{name}住户" for name in self.tenants]
        if self.to == TO_OCCUPANT and tenants:
            return tenants
        if self.to == TO_ALL:
            return owner + tenants
        return owner

    @property
    def salutation(self) -> str:
        """The line a notice opens with: 尊敬的 and the names, or a body's name alone, as a letter to a company is
        headed (幸福里房地产开发有限公司：)."""
        names = self.names
        if not names:
            return "尊敬的业主（住户）"
        if all(is_organisation(name) for name in names):
            return "、".join(names)
        return f"尊敬的{'、'.join(names)}"

    @property
    def addressee(self) -> str:
        """The names on the sign-off sheet: the owners, the tenants or both."""
        if self.to == TO_OCCUPANT and self.tenants:
            return "、".join(self.tenants)
        if self.to == TO_ALL:
            return "、".join(name for name in (self.owners, *self.tenants) if name)
        return self.owners


@dataclass
class NoticeBatch:
    """What one `notice make` / `notice remind` produced."""

    template: str
    recipients: list[Recipient]
    documents: list[GeneratedDocument]
    sign_sheet: GeneratedDocument | None = None
    pdfs: list[GeneratedDocument] = field(default_factory=list)
    pdf_problem: str | None = None
    merged: bool = False
    total_fen: int = 0  # a reminder batch: what the units owe together
    warnings: list[str] = field(default_factory=list)  # a sheet's batch: what of the sheet was left out


# -- pure decisions -----------------------------------------------------------------------


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    """``--set 停水时间=11月25日8:00`` values, split at the first ``=`` or ``＝``; ``UsageError`` for one
    without either or without a name."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = split_assignment(item)
        name = unicodedata.normalize("NFKC", name).strip()
        if not sep or not name:
            raise UsageError(f"--set “{item}” 的写法不对，应写成 变量名=内容，例如 --set 停水时间=11月25日8:00")
        values[name] = value.strip()
    return values


def sheet_text(cell: Any) -> str:
    """A batch sheet's cell as the notice prints it: a date cell (Excel keeps it as a date and
    time) as 2026年12月20日, with its time of day when it has one (2026年12月20日 8:00)."""
    if isinstance(cell, dt.datetime):
        day = chinese_date(cell.date())
        return day if cell.time() == dt.time() else f"{day} {cell.hour}:{cell.minute:02d}"
    if isinstance(cell, dt.date):
        return chinese_date(cell)
    return "" if cell is None else str(cell).strip()


#: How long before a notice's date a time of it may be (a notice of works already under way); a day written without
#: its year (12月5日, 12.5) is the one within that many days before the notice's date, else the next such day on or
#: after it (``core.dates.recent_or_next_month_day``).  Days with a year are core.dates' to find.
TIMES_BEFORE_DAYS = 30
#: How far after the notice's date a day written without its year may be read: 11月1日 on a notice of 2026-12-06
#: would be 2027-11-01, almost surely a typo or last year's deadline, so the clerk is asked for the year.
YEARLESS_AHEAD_DAYS = 180
# A number of hours, minutes or days beside a time (12月8日8:00起，约3.75小时), not a time of day: written with its unit
# (3.75小时, 2时30分钟), or after 共 or 持续 (共1.30); after 约 only a dotted one no clock shows (约3.75) — 约18:00 and 约18.30
# are about that time of day.  Printed as typed, never held to the clock.
_DURATION_UNIT = re.compile(r"\s*个?\s*(?:小时|钟头|分钟|天)")
_DURATION_BEFORE = re.compile(r"(?:共|持续)\s*$")
_ABOUT = re.compile(r"约\s*$")
#: What a time of day may be, as the refusal of one says it: 24:00 (24.00, 24时) is the end of its day, as offices write.
CLOCK_RANGE = "小时 0–24，分钟 0–59（24 时只能是 24:00）"
# What leads from one end of a range to the other (12月8日 8:00至12月9日 18:00; a dash is one only in places).
_RANGE_WORDS = "至|到|~|～|〜|—"
# Where the text that belongs to a day ends: its time of day is written before a range's other end or 起 (12月8日至12月9日
# 18:00 starts at 00:00 of 12月8日, not at 18:00; 12月8日 8-18点 too).
_DAY_TEXT_ENDS = re.compile(rf"{_RANGE_WORDS}|[-–]|起")
# The day a 恢复时间 is written from (当日18:00): the earlier time's own day, or the one after it.
_FROM_START = {"当日": 0, "当天": 0, "同日": 0, "次日": 1}
# What a number and 号 may begin the name of (3.2号楼, 12.5号院, 12-5号商铺): a building's or a place's number, no day.
_PLACE_WORDS = "楼|栋|幢|座|院|门|单元|铺|商铺|别墅|车位|车库|库|房|室|厅|区|线|地块"
_NOT_A_PLACE = rf"(?!\s*号\s*(?:{_PLACE_WORDS}))"
_TIME = re.compile(r"(?P<h>\d{1,2})\s*[:：时点]\s*(?P<min>\d{2})?")
# A time of day as a notice's time writes it after its day: 8:00, 8点, 18时30, and with a dot, 18.30 (two digits after
# it, not part of a longer number: 2026.12.8 and 12.8 are days; nor before 号楼, 号院 …: 12.30号楼 is a building, as it is
# no day).  Held to the clock (``_off_the_clock``) wherever it is written, a dotted pair unless ``in_office_form`` prints
# it as a day.
_CLOCK = re.compile(rf"(?<![\d.])(?P<dh>\d{{1,2}})\.(?P<dmin>\d{{2}})(?![\d.]){_NOT_A_PLACE}|" + _TIME.pattern)
# The mark written after a day's number: 日, or 号 as a clerk says it (12.5号, 12/5号 8:00), printed 日.
_DAY_MARK = r"(?:\s*[日号])"
# The days a notice's time is held to the calendar by (``_no_such_day_in``): written with a year (2027年2月30日,
# 2027-04-31, 2027_04_31) or with 月 (2月30日, 13月5日) — 8.30 or 12-5 alone may be a time of day, and is read leniently.
_YEAR_MONTH_DAY = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})(?!\d)\s*[日号]?"
    rf"|{DAY_SEPARATORS}\s*(\d{{1,2}})\s*{DAY_SEPARATORS}\s*(\d{{1,2}})(?!\d){_NOT_A_PLACE}{_DAY_MARK}?)"
)
_MONTH_WORD_DAY = re.compile(r"(?<![\d年/.-])(\d{1,2})\s*月\s*(\d{1,2})(?!\d)\s*[日号]?")
# The parts of the day a notice's time writes before its time of day: ``core.dates.PARTS_OF_THE_DAY``, the hours each
# covers, read as a logbook's clock reads them (``_on_24_hour_clock``).
_LONE_NIGHT = "(?<![傍最较稍更太偏])晚"
_PARTS_OF_DAY = "|".join(word if word != "晚" else _LONE_NIGHT for word in PARTS_OF_THE_DAY)
# The part of the day written right before a time of day.
_PART_OF_DAY_BEFORE = re.compile(rf"(?P<word>{_PARTS_OF_DAY})\s*$")


def _part_of_day_before(text: str, clock: re.Match[str]) -> re.Match[str] | None:
    """Where ``text`` writes a part of the day right before the time of day at ``clock`` (下午 of 当日下午6:00), its
    ``word``; or None."""
    return _PART_OF_DAY_BEFORE.search(text, 0, clock.start())


def _on_24_hour_clock(hour: int, before: re.Match[str] | None) -> int | None:
    """``hour`` as written after the part of the day ``before`` (``_part_of_day_before``) on the 24-hour clock, or None
    when the part contradicts it: ``core.dates.on_24_hour_clock``."""
    return on_24_hour_clock(hour, before["word"] if before is not None else None)


class _Read(NamedTuple):
    """A notice's time as ``_read_when`` reads it: the moment ``when``; the month and day as written when it was written
    without a year (``yearless``: "11月1日"; "" when it had one); and the ``day`` it was written on, which a later time's
    当日 and 次日 count from — 12月8日 of 12月8日 晚上12点, whose moment is 12月9日 0:00."""

    when: dt.datetime
    yearless: str
    day: dt.date


def find_when(text: str, today: dt.date, base: dt.date | None = None) -> dt.datetime | None:
    """The first date or date-and-time written inside a template value, or None when there is none.

    Lenient on purpose, unlike ``core.dates.parse_when``: a notice's value is free text (``2026-12-05 08:00``,
    ``12月5日8:00至18:00`` with no year (``TIMES_BEFORE_DAYS``: 12月5日 on a notice of 2026-12-06 is the day before,
    7月1日 2027's), ``2026年12月5日``, ``当日18:00`` meaning the day ``base``, ``下午6:00`` 18:00), so it never raises
    and only serves to check dates run forwards (2月29日 read in 2027 is None: ``check_times`` refuses it).  A day
    without a year is read from ``base`` when given (恢复时间 1月1日 after 停水时间 12月31日), else from ``today``, the
    notice's date."""
    read = _read_lenient(text, today, base)
    return read.when if read is not None else None


def _read_lenient(text: str, today: dt.date, base: dt.date | None = None) -> _Read | None:
    """``_read_when``, None for what it refuses (2月29日 read in 2027)."""
    try:
        return _read_when(text, today, base)
    except DateError:
        return None


def _read_when(text: str, today: dt.date, base: dt.date | None = None) -> _Read | None:
    """``find_when``'s moment, with what else ``_Read`` holds.  ``DateError`` for 2月29日 read in a year without one
    (``recent_or_next_month_day``)."""
    folded = unicodedata.normalize("NFKC", text).strip()
    if folded[:2] in _FROM_START:  # 当日8.30 is half past eight of the start's day, not 8月30日
        if base is None:
            return None
        return _at_clock(base + dt.timedelta(days=_FROM_START[folded[:2]]), folded[2:], "")
    # the days the notice prints as days, and only those: a time is never checked by a day it prints as something else
    written = next(iter(_written_days(folded)), None)
    if written is None:
        return None
    if written.year is not None:
        return _at_clock(dt.date(written.year, written.month, written.day), folded[written.end :], "")
    day = recent_or_next_month_day(written.month, written.day, base or today, TIMES_BEFORE_DAYS)
    return None if day is None else _at_clock(day, folded[written.end :], written.written_in(folded))


def _at_clock(day: dt.date, rest: str, yearless: str) -> _Read | None:
    """``_read_when``'s moment on ``day`` at the first time of day in ``rest``, the text after the day, that is the day's
    own (``_DAY_TEXT_ENDS``; 00:00 without one), or None for a time no clock has or one its part of the day contradicts
    (``_on_24_hour_clock``)."""
    if (ends := _DAY_TEXT_ENDS.search(rest)) is not None:
        rest = rest[: ends.start()]
    clock = next(iter(_times_of_day(rest)), None)
    hour, minute = _hour_and_minute(clock) if clock else (0, 0)
    if not _on_the_clock(hour, minute):
        return None
    hour_of_day = _on_24_hour_clock(hour, _part_of_day_before(rest, clock)) if clock else hour
    if hour_of_day is None:  # after a part of the day it contradicts (上午15点), refused by ``check_times``
        return None
    moment = dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=hour_of_day, minutes=minute)
    return _Read(moment, yearless, day)


def _times_of_day(text: str) -> list[re.Match[str]]:
    """The times of day ``text`` writes (``_CLOCK``), in order, but the durations among them (约3.75小时)."""
    return [clock for clock in _CLOCK.finditer(text) if not _a_duration(text, clock)]


def _a_duration(text: str, clock: re.Match[str]) -> bool:
    """Whether what ``_CLOCK`` found at ``clock`` in ``text`` is a number of hours, minutes or days (``_DURATION_UNIT``)."""
    before = text[: clock.start()]
    if _DURATION_UNIT.match(text, clock.end()) is not None or _DURATION_BEFORE.search(before) is not None:
        return True
    dotted = clock["dh"] is not None
    return dotted and _ABOUT.search(before) is not None and not _on_the_clock(*_hour_and_minute(clock))


def _hour_and_minute(clock: re.Match[str]) -> tuple[int, int]:
    """The hour and minute a ``_CLOCK`` match writes (18.30, 18:30, 8点: 8:00)."""
    if clock["dh"] is not None:
        return int(clock["dh"]), int(clock["dmin"])
    return int(clock["h"]), int(clock["min"] or 0)


def _on_the_clock(hour: int, minute: int) -> bool:
    """Whether a clock shows ``hour``:``minute`` as written: 0:00 to 23:59, and 24:00, the end of the day."""
    return minute <= 59 and (hour < 24 or (hour, minute) == (24, 0))


def check_order(
    template_name: str, values: Mapping[str, Any], pairs: Sequence[tuple[str, str]], today: dt.date
) -> None:
    """``ValidationError`` when a later date of the template (恢复时间) comes before its earlier one."""
    for first, second in pairs:
        if first not in values or second not in values:
            continue
        start = _read_lenient(str(values[first]), today)
        end = _read_lenient(str(values[second]), today, base=start.day if start else None)
        if start is not None and end is not None and end.when < start.when:
            raise ValidationError(
                f"模板“{template_name}”的日期顺序不对：{second}（{values[second]}）"
                f"早于{first}（{values[first]}），请检查后再试"
            )


def check_times(template_name: str, values: Mapping[str, Any], pairs: Sequence[tuple[str, str]], day: dt.date) -> None:
    """``ValidationError`` when a time the clerk wrote in ``values`` (停水时间, 恢复时间, 整改期限 …: the variables
    of ``pairs``; the notice's own 日期 is ``day``, not among them) falls more than ``TIMES_BEFORE_DAYS`` before the
    notice's ``day`` or more than a year after it: ``1990-12-08 08:00`` or ``2099-12-08`` is a year typed wrong, that
    ``check_order`` lets through when both ends have it.  A day written without its year is read as ``check_order``
    reads it; read more than ``YEARLESS_AHEAD_DAYS`` after ``day``, or as a 2月29日 its year has not, the refusal says
    how it was read and asks for the year."""
    earliest, latest = day - dt.timedelta(days=TIMES_BEFORE_DAYS), years_after(day)
    for first, second in pairs:
        # the later one read from the earlier one's day, as ``check_order`` reads it: 1月15日 after 2027-03-01 is 2028's
        start = _checked_read(template_name, first, values, day)
        end = _checked_read(template_name, second, values, day, start.day if start else None)
        for name, read in ((first, start), (second, end)):
            if read is None:
                continue
            when, yearless, _ = read
            shown = f"模板“{template_name}”的{name}（{values[name]}）"
            if yearless and (when.date() - day).days > YEARLESS_AHEAD_DAYS:
                raise ValidationError(
                    f"模板“{template_name}”的“{name}”写的“{yearless}”没有年份，按 {chinese_date(when)} 计离通知日期"
                    f"还有 {(when.date() - day).days} 天，请写明年份（如 {_years_meant(when)}）"
                )
            # A day written without its year was not typed wrong: say which year it was taken to be, and ask for one.
            if yearless:
                shown += f"没有写年份，读作 {when.date().isoformat()}，"
            advice = "请写上年份" if yearless else "请检查年份"
            if when.date() < earliest:
                raise ValidationError(
                    f"{shown}早于通知日期 {day.isoformat()} 三十天以上（最早 {earliest.isoformat()}）：{advice}"
                )
            if when.date() > latest:
                raise ValidationError(
                    f"{shown}晚于通知日期 {day.isoformat()} 一年以上（最迟 {latest.isoformat()}）：{advice}"
                )


#: Days a clerk writes from today (明天8:00): printed on a notice that stays on the lobby's board for days, they name
#: no day.  (当日 in a 恢复时间 is the cut's own day, written on the paper beside it: kept.)
_DAYS_FROM_TODAY = {"大后天": 3, "后天": 2, "明天": 1, "明日": 1, "今天": 0, "今日": 0}
_DAY_FROM_TODAY = re.compile("|".join(_DAYS_FROM_TODAY))  # 大后天 tried before 后天


def _refuse_day_from_today(template_name: str, name: str, written: str, day: dt.date) -> None:
    """``ValidationError`` for a time written from the notice's ``day`` (``明天8:00``), with the date it would be."""
    word = _DAY_FROM_TODAY.search(written)
    if word is None:
        return
    meant = day + dt.timedelta(days=_DAYS_FROM_TODAY[word[0]])
    raise ValidationError(
        f"模板“{template_name}”的“{name}”写的“{written}”：通知贴出以后，“{word[0]}”是哪一天说不清，"
        f"请写成日期，如“{written.replace(word[0], f'{meant.month}月{meant.day}日')}”"
        f"（通知日期 {chinese_date(day)} 的{word[0]}）"
    )


def _checked_read(
    template_name: str, name: str, values: Mapping[str, Any], day: dt.date, base: dt.date | None = None
) -> _Read | None:
    """``_read_when`` of the variable ``name`` (None when it is not among ``values``); its ``DateError`` (2月29日 read
    in 2027) as a ``ValidationError`` naming the template, the variable and what was written, as is a day written
    from today (``明天8:00``, ``_refuse_day_from_today``)."""
    if name not in values:
        return None
    written = str(values[name])
    _refuse_day_from_today(template_name, name, written, day)
    if (impossible := _no_such_day_in(written)) is not None:
        raise ValidationError(f"模板“{template_name}”的“{name}”写的{impossible}，请核对后改正")
    if _off_the_clock(written):
        raise ValidationError(f"模板“{template_name}”的{name}（{written}）不是有效的时刻：{CLOCK_RANGE}，请核对后改正")
    if (slip := _contradicted_hour(written)) is not None:
        words, word, hour, minute, at = slip
        on, after = _days_said(unicodedata.normalize("NFKC", written), at, day, base)
        said = contradicted_hour_said(word, hour, minute, day=on, next_day=after)
        raise ValidationError(f"模板“{template_name}”的“{name}”写的“{words}”：{said}")
    try:
        return _read_when(written, day, base)
    except DateError as err:
        folded = unicodedata.normalize("NFKC", written)
        yearless = _first_yearless_day(folded)
        assert yearless is not None  # only a day written without its year raises
        raise ValidationError(
            f"模板“{template_name}”的“{name}”写的“{yearless.written_in(folded)}”没有年份，{err.message}"
        ) from None


def _contradicted_hour(text: str) -> tuple[str, str, int, int, int] | None:
    """The words, the part of the day, the hour, the minute and where (in ``text`` folded) of the first time of day
    ``text`` writes after a part of the day that covers its hour neither as written nor 12 hours later (傍晚12点,
    傍晚1点, 傍晚13点, 上午15点, 凌晨20点: ``core.dates.PARTS_OF_THE_DAY``), or None: read either way, the time would be
    one the clerk did not mean."""
    folded = unicodedata.normalize("NFKC", text)
    for clock in _times_of_day(folded):
        before = _part_of_day_before(folded, clock)
        hour, minute = _hour_and_minute(clock)
        if before is not None and _on_24_hour_clock(hour, before) is None:
            return folded[before.start() : clock.end()], before["word"], hour, minute, before.start()
    return None


def _days_said(folded: str, at: int, today: dt.date, base: dt.date | None) -> tuple[str, str]:
    """The day of the time written at ``at`` in the notice's time ``folded`` and the day after it, as a refusal's
    suggestions write them so that this time reads them (``contradicted_hour_said``): the last day written before it —
    12月8日 and 12月9日, with the year when it has one, 12.8 as 12月8日 — or the earlier time's day a 恢复时间 counts
    from: 当日 and 次日, or 次日 and the date after it (12月10日); else "" and 次日 (read only at a 恢复时间's start)."""
    written = [each for each in _written_days(folded) if each.end <= at]
    if written:
        last = written[-1]
        try:
            on = (
                dt.date(last.year, last.month, last.day)
                if last.year is not None
                else recent_or_next_month_day(last.month, last.day, base or today, TIMES_BEFORE_DAYS)
            )
        except DateError:  # 2月29日 read in a year without one: ``_checked_read`` asks for the year
            on = None
        if on is not None:
            after = on + dt.timedelta(days=1)
            return last.in_words(), _WrittenDay(
                0, 0, after.year if last.year else None, after.month, after.day
            ).in_words()
    start = folded.lstrip()[:2]
    if start in _FROM_START and base is not None:
        if _FROM_START[start] == 0:
            return start, "次日"
        after = base + dt.timedelta(days=_FROM_START[start] + 1)
        return start, f"{after.month}月{after.day}日"
    return "", "次日"


def _no_such_day_in(text: str) -> str | None:
    """What in a notice's time as written names a day no calendar has, as the refusal says it (``“2月30日”不是真实的
    日期：2月没有30日``), or None: read leniently (``find_when``), such a time is no date at all, and nothing else would
    stop it being printed on every household's notice."""
    folded = unicodedata.normalize("NFKC", text)
    for day, _ in _days_written_out(folded):
        if (why := _no_such_day(day.month, day.day, day.year)) is not None:
            return f"“{day.written_in(folded)}”不是真实的日期：{why}"
    return None


def _off_the_clock(text: str) -> bool:
    """Whether a notice's time as written holds a time of day no clock shows (25:00, 当日25.30, 18.75, 24.30: read
    leniently, ``_at_clock``, 当日24.30 would be half past midnight of the next day).  A dotted pair ``in_office_form``
    prints as a day (12.25, 12.8 8:00至12.9) is one, not a time of day, and a duration (约3.75小时, ``_a_duration``) none."""
    folded = unicodedata.normalize("NFKC", text)
    days = _numeric_days(folded, [day for day, _ in _days_written_out(folded)])
    return any(
        not _on_the_clock(*_hour_and_minute(clock))
        for clock in _times_of_day(folded)
        if not any(day.start <= clock.start() < day.end for day in days)
    )


def _no_such_day(month: int, day: int, year: int | None = None) -> str | None:
    """Why ``month``-``day`` of ``year`` (None: written without one, any year's, 2月29日 included) is no day, or None."""
    if not 1 <= month <= 12:
        return f"没有{month}月"
    try:
        dt.date(2000 if year is None else year, month, day)  # 2000: a leap year
    except ValueError:
        in_a_leap_year = (month, day) == (2, 29)
        return f"{year}年{month}月没有{day}日" if in_a_leap_year else f"{month}月没有{day}日"
    return None


def _years_meant(when: dt.datetime) -> str:
    """The years a clerk may have meant by a day read as ``when``, as paper writes them: "2026年11月1日 或 2027年11月1日"
    (the year before left out for 2月29日, which it has not)."""
    try:
        return f"{chinese_date(when.replace(year=when.year - 1))} 或 {chinese_date(when)}"
    except ValueError:
        return chinese_date(when)


def _close_variable(template: Template, needed: Sequence[str], name: str) -> str:
    """The hint "（是不是 整改期限？）" when ``name`` looks like a misspelt variable of ``template``, else ""."""
    close = difflib.get_close_matches(name, needed or sorted(template.variables), n=1, cutoff=0.5)
    return f"（是不是 {close[0]}？）" if close else ""


def check_spelling(template: Template, given: Iterable[str]) -> None:
    """``ValidationError`` for a variable of the template that looks like a misspelling of one recordkit fills or asks
    for (``templates check``'s error, ``misspelt_variables``) and that is not ``given`` on purpose (``--set``, a
    batch sheet's column): asking for it by ``--set`` would put one value typed by hand (业主姓明=张伟) on every
    household's notice, and the right ``--set 恢复时间`` would be called the misspelling."""
    given = set(given)
    for variable, meant in misspelt_variables(template).items():
        if variable not in given:
            raise ValidationError(
                f"模板“{template.name}”用到的变量“{variable}”recordkit 不提供，是不是“{meant}”写错了？"
                f"请改正模板后再打印（{template.check_command} 列出全部问题）；"
                f"确是要在打印时填写的，加上 --set {variable}=…"
            )


def check_names(template: Template, provided: frozenset[str], values: Mapping[str, Any]) -> None:
    """``ValidationError`` for a ``--set`` name the template does not use (likely misspelt), naming
    the variables it needs."""
    needed = sorted(template.variables - provided)
    for name in values:
        if name not in template.variables:
            raise ValidationError(
                f"模板“{template.name}”没有用到变量“{name}”{_close_variable(template, needed, name)}。"
                f"需要用 --set 填写的变量：{'、'.join(needed) or '（无）'}"
            )


def check_values(template: Template, provided: frozenset[str], values: Mapping[str, Any]) -> None:
    """The clerk's ``--set`` values against what the template uses: a name the template does not
    use (likely misspelt), a variable nobody provides or one given as blank (``--set 提示内容=``, as a
    batch sheet's empty cell: the notice would print a gap where its text goes) is a ``ValidationError``
    naming both."""
    check_names(template, provided, values)
    needed = sorted(template.variables - provided)
    missing = [name for name in needed if name not in values]
    if missing:
        example = " ".join(f"--set {name}=…" for name in missing)
        raise ValidationError(f"模板“{template.name}”需要填写变量：{'、'.join(missing)}。请加上 {example}")
    blank = [name for name in values if not str(values[name]).strip()]
    if blank:
        example = " ".join(f"--set {name}=…" for name in blank)
        raise ValidationError(
            f"模板“{template.name}”需要填写变量：{'、'.join(blank)}，--set 的等号后面是空的。请写成 {example}"
        )


#: What a clerk writes for a scope that is the whole estate (停水范围=全小区): printed after the estate's name, as the
#: built-in notices print it (``{{ 小区 }}{{ 停水范围 }}``), it would read 幸福里小区全小区.
WHOLE_ESTATE = frozenset({"", "全小区", "全体", "全部", "整个小区", "本小区", "小区"})

# A date written with its year and dots, slashes, dashes or underscores (2026.12.8, 2026/12/08, 2026-12-08, 2026_12_08:
# ``core.dates.DAY_SEPARATORS``), one separator in it, not inside a longer run of numbers (2026-12-08-001, 2026_12_08_001)
# but for a range's dash (2026.12.8-2026.12.9), nor before 号楼; its 日 or 号 (2026.12.8号) is the day's.
_NUMERIC_DATE = re.compile(
    rf"(?<![\d./])((?:19|20)\d{{2}})\s*({DAY_SEPARATORS})\s*(\d{{1,2}})\s*\2\s*(\d{{1,2}})(?!\d)"
    rf"(?!(?![-–]\s*(?:19|20)\d{{2}}\s*{DAY_SEPARATORS}){DAY_SEPARATORS}\d){_NOT_A_PLACE}{_DAY_MARK}?"
)
# What leads to a range's second end (12.8 8:00至12.9 18:00, 12.8-12.9: a dash only after a day or a time of day, not
# in 3-2-1201 or a phone number), and a time of day right after a day (12.9 18:00).
_RANGE_TO = re.compile(rf"(?:{_RANGE_WORDS}|(?P<dash>[-–]))\s*$")
_CLOCK_NEXT = re.compile(rf"\s*(?:{_PARTS_OF_DAY})?\s*\d{{1,2}}\s*(?:[:：时点]|\.\d{{2}}(?!\d){_NOT_A_PLACE})")
# A day written without its year with a dot or a slash (12.8, 12/8), or with a dash when a time of day or 日 follows it
# (12-5 8:00, 12-5号 8:00, 12-5日: alone, 12-5 or 12-5号 may be a building and its entrance, as 3-2 of 3-2-1201, or an
# address's number); a 日 or 号 written after it is the day's, but for a 号 beginning a place's name (12.5号楼: no day).
# Which of them are days is ``_numeric_days``'.
_YEARLESS_NUMERIC_DAY = re.compile(
    r"(?<![\d./])(?P<month>\d{1,2})\s*(?:(?P<sep>[./])|(?P<dash>-))\s*(?P<day>\d{1,2})(?!\d)(?![./]\d)"
    rf"{_NOT_A_PLACE}(?(dash)(?=\s*日|(?:\s*号)?{_CLOCK_NEXT.pattern})){_DAY_MARK}?"
)
# A day's mark ending a pair (12.8日, 12/8号): written after a day, as a time of day is.
_DAY_MARK_AT_END = re.compile(rf"{_DAY_MARK}$")
# The 号 a clerk says after a day written with 月 (12月5号), printed 日 as every other day's mark.
_SAID_MARK = re.compile(r"\s*号$")
# What before a pair makes it a time of day, not a day: 当日18.30, 下午6.30.
_CLOCK_BEFORE = re.compile(rf"(?:{'|'.join(_FROM_START)}|{_PARTS_OF_DAY})\s*$")
# Full-width digits and the marks a day or a time of day is written with (１２．８ ８：００), as half-width ones, one for
# one: a day or a time of day written with them is printed half-width (``in_office_form``).
_HALF_WIDTH = str.maketrans("０１２３４５６７８９．／：－＿", "0123456789./:-_")


def in_office_form(text: str) -> str:
    """A notice's time as the office prints it: each day written with dots, slashes or dashes that ``_numeric_days``
    finds as 2026年12月8日, or 12月8日 when written without its year; a day or a time of day written with full-width
    digits (１２月８日 ８：００) half-width; the rest as typed."""
    half = text.translate(_HALF_WIDTH)
    pieces, done = [], 0
    for start, end, printed in _printed_spans(half):
        pieces += [text[done:start], printed]
        done = end
    return "".join(pieces) + text[done:]


def _printed_spans(half: str) -> list[tuple[int, int, str]]:
    """Where ``in_office_form`` prints other than typed, in order, and what: the days ``_numeric_days`` finds, and
    every other day or time of day (12月8日, 8:00, 18.30) as ``half`` writes it, its full-width digits half-width."""
    written_out = [day for day, _ in _days_written_out(half)]
    spans = [(day.start, day.end, day.in_words()) for day in _numeric_days(half, written_out)]
    written = [(day.start, day.end, day.printed_from(half)) for day in written_out]
    written += [(clock.start(), clock.end(), _clock_as_printed(half, clock)) for clock in _times_of_day(half)]
    for start, end, printed in sorted(written):
        if all(end <= taken_start or start >= taken_end for taken_start, taken_end, _ in spans):
            spans.append((start, end, printed))
    return sorted(spans)


# Said after 晚上12点 (晚上12:30) already, (24:00) ((次日0:30)) is not printed twice.
_SAID_24 = re.compile(r"\s*[(（]\s*(?:24|次日)")


def _clock_as_printed(text: str, clock: re.Match[str]) -> str:
    """A time of day ``text`` writes at ``clock`` as the notice prints it: as written, but 晚上12点 (夜里12:00 …) followed
    by (24:00), and 晚上12:30 by (次日0:30) — read alone, some take 12月8日晚上12点 for the midnight beginning 12月8日
    and 晚上12:30 for half past noon, where the clerk means the midnight ending it and the half hour after
    (``_on_24_hour_clock``)."""
    hour, minute = _hour_and_minute(clock)
    if (
        hour != 12
        or _on_24_hour_clock(hour, _part_of_day_before(text, clock)) != 24
        or _SAID_24.match(text, clock.end())
    ):
        return clock[0]
    return clock[0] + ("（24:00）" if minute == 0 else f"（次日0:{minute:02d}）")


class _WrittenDay(NamedTuple):
    """A day written inside a notice's time: where ``start``:``end``, and its year (None: written without one)."""

    start: int
    end: int
    year: int | None
    month: int
    day: int

    def in_words(self) -> str:
        """The day as the office prints it: 2026年12月8日, 12月8日 without its year."""
        year = "" if self.year is None else f"{self.year}年"
        return f"{year}{self.month}月{self.day}日"

    def written_in(self, text: str) -> str:
        """The day as ``text``, the text it was found in, writes it (12.8, 12月8日)."""
        return text[self.start : self.end].strip()

    def printed_from(self, text: str) -> str:
        """A day written with 月 in ``text`` as the office prints it: as written, but for the 号 after it, 日 (12月5号:
        12月5日)."""
        return _SAID_MARK.sub("日", text[self.start : self.end])


def _written_days(text: str) -> list[_WrittenDay]:
    """Every day ``text`` writes that the calendar has, in order: those ``_numeric_days`` finds, and those written with
    月 (2026年12月8日, 12月8日) — the days ``in_office_form`` prints as days, and the only ones a notice's time is read
    by (a phone's 20261208 after other figures: none)."""
    written_out = _days_written_out(text)
    days = _numeric_days(text, [day for day, _ in written_out])
    days += [day for day, in_words in written_out if in_words]  # 2026.12.8 is among ``_numeric_days``
    return sorted(day for day in days if _no_such_day(day.month, day.day, day.year) is None)


def _days_written_out(text: str) -> list[tuple[_WrittenDay, bool]]:
    """Every day ``text`` writes with its year (``_YEAR_MONTH_DAY``: 2026年12月8日, 2026.12.8) and then every one written
    with 月 alone (``_MONTH_WORD_DAY``: 12月8日), as written — one the calendar has not (2月30日) too —, each with whether
    月 writes it (2026.12.8 is ``_numeric_days``' to read and print).  Each pattern runs once a text."""
    with_year = [
        (
            _WrittenDay(
                found.start(), found.end(), int(found[1]), int(found[2] or found[4]), int(found[3] or found[5])
            ),
            found[2] is not None,
        )
        for found in _YEAR_MONTH_DAY.finditer(text)
    ]
    with_month = [
        (_WrittenDay(found.start(), found.end(), None, int(found[1]), int(found[2])), True)
        for found in _MONTH_WORD_DAY.finditer(text)
    ]
    return with_year + with_month


def _first_yearless_day(text: str) -> _WrittenDay | None:
    """The first day ``text`` writes without its year, where ``in_office_form`` prints one: 12月8日 anywhere; 12.8, 12/8 or
    12-8 8:00 where ``_numeric_days`` takes it for a day — not 下午6.30 or 8:00至12.30 (times of day), nor 3-2-1201 8:00 or
    12-5 alone (a unit code, a building and its entrance)."""
    return next((day for day in _written_days(text) if day.year is None), None)


def _numeric_days(text: str, written_out: Sequence[_WrittenDay]) -> list[_WrittenDay]:
    """Where ``text`` writes a day with dots, slashes or dashes or as eight figures, and that day, in order: one with
    its year and separators (2026.12.8) anywhere; one without its year (12.8, 12/8, and 12-8 when a time of day or 日
    follows it) or as eight figures (20261208) after nothing but words (自12.8起: the day ``find_when`` reads, but
    当日18.30 or 下午6.30, times of day), with a dot or a slash after other figures when a time of day or 日 follows it
    (3号楼 12.8 8:30, ``_said_to_be_a_day``), or as a range's second end (12.8 8:00至12.9 18:00, 12.8-12.9) when a time of
    day follows it, none was written since the day before it (12.7至12.9), or it cannot be one (12/9, 12.9).  Any other
    may be a time (8:00至12.30: half past noon), one with a dash hours (8-18点), eight figures after others a phone
    number: left out, as is a day no calendar has (``_checked_read`` refuses those first).  ``written_out``: the days
    ``text`` writes with a year or with 月 (``_days_written_out``), which such a day may follow."""
    ends = [day.end for day in written_out]
    days = [
        _WrittenDay(found.start(), found.end(), int(found[1]), int(found[3]), int(found[4]))
        for found in _NUMERIC_DATE.finditer(text)
        if _no_such_day(int(found[3]), int(found[4]), int(found[1])) is None
        and not _after_a_stray_dash(text, found.start(), ends)
    ]
    for day, may_be_a_clock in _days_by_place(text):
        if _a_day_here(text, day, ends, may_be_a_clock):
            days.append(day)
            ends.append(day.end)
    return sorted(days)


def _days_by_place(text: str) -> list[tuple[_WrittenDay, bool]]:
    """The days ``text`` writes without their year (12.8, 12/8, 12-8 8:00) or as eight figures (20261208, which a phone
    number may be), in order, each with whether it may be a time of day (12.30): days only where ``_a_day_here`` says."""
    pairs = [
        (
            _WrittenDay(found.start(), found.end(), None, int(found["month"]), int(found["day"])),
            found["sep"] == "." and len(found["day"]) == 2,
        )
        for found in _YEARLESS_NUMERIC_DAY.finditer(text)
    ]
    runs = [
        (_WrittenDay(found.start(), found.end(), int(found[1]), int(found[2]), int(found[3])), False)
        for found in EIGHT_DIGIT_DAY.finditer(text)
    ]
    return sorted(found for found in pairs + runs if _no_such_day(found[0].month, found[0].day, found[0].year) is None)


def _a_day_here(text: str, day: _WrittenDay, ends: Sequence[int], may_be_a_clock: bool) -> bool:
    """Whether ``day`` (12.9, 20261209) stands where ``_numeric_days`` takes it for a day; ``ends``: where the days
    written before it end; ``may_be_a_clock``: whether it could be a time of day (12.30)."""
    before = text[: day.start]
    if not re.search(r"\d", before):
        return _CLOCK_BEFORE.search(before) is None
    if _RANGE_TO.search(before) is None:
        return _said_to_be_a_day(text, day)
    if _after_a_stray_dash(text, day.start, ends):
        return False
    since = max((end for end in ends if end <= day.start), default=0)
    return not may_be_a_clock or _CLOCK_NEXT.match(text, day.end) is not None or _CLOCK.search(before, since) is None


def _said_to_be_a_day(text: str, day: _WrittenDay) -> bool:
    """Whether ``day``, written after other figures and leading to no range's end (3号楼 12.8 8:30), says it is a day: a
    pair with a dot or a slash and a time of day or 日 after it (3号楼12.8日), as a day at the start is.  A pair alone
    may be a room (3栋12.8), eight figures a phone number (3栋20261208).  A dashed pair stays no day even with a month
    of 12 or less and a time of day or 日 right after it: after a building, 3号楼 2-3 8:00-18:00 is as likely its
    entrances 2 to 3 (单元 left out), 3号楼 2-3日 days 2 to 3 of the month, 3号楼 12-5号 a door's number; read as a
    day, the notice would print 3号楼 2月3日 on every household's copy, while printed as typed it says what the clerk
    wrote (unchecked: a clerk who means a day writes 12月5日 or 12.5, which are held to the order and the year)."""
    written = text[day.start : day.end]
    if day.year is not None or "-" in written or _CLOCK_BEFORE.search(text, 0, day.start) is not None:
        return False
    return _DAY_MARK_AT_END.search(written) is not None or _CLOCK_NEXT.match(text, day.end) is not None


def _after_a_stray_dash(text: str, start: int, ends: Sequence[int]) -> bool:
    """Whether what ``text`` writes at ``start`` follows a dash that leads to no range's second end: one after neither a
    day (``ends``: where the days written before it end) nor a time of day (3-12.5, 3-2026.12.8)."""
    to = _RANGE_TO.search(text, 0, start)
    return to is not None and to["dash"] is not None and not _after_a_day_or_time(text, to.start(), ends)


def _after_a_day_or_time(text: str, dash: int, ends: Sequence[int]) -> bool:
    """Whether the text before the dash at ``dash`` ends with a day (``ends``: where the days written end) or a time of
    day: 12.8-12.9 and 8:00-12.9 are ranges, 3-12.5 is not."""
    head = text[:dash].rstrip()
    return any(end <= dash and len(text[:end].rstrip()) == len(head) for end in ends) or any(
        clock.end() == len(head) for clock in _CLOCK.finditer(head)
    )


def estate_scope(value: str, estate: str) -> str:
    """A scope as printed right after the estate's name: nothing for the whole estate (``WHOLE_ESTATE``, or the
    estate's own name), without the estate's name when it starts with it (幸福里小区3栋: 3栋), else as written."""
    folded = "".join(unicodedata.normalize("NFKC", value).split())
    rest = folded.removeprefix("".join(unicodedata.normalize("NFKC", estate).split()))
    if rest in WHOLE_ESTATE:
        return ""
    return rest if rest != folded else value


def as_printed(template: Template, estate: str, values: Mapping[str, str]) -> dict[str, str]:
    """The clerk's checked ``values`` as ``template`` prints them: a scope printed right after the estate's name
    (``Template.printed_after``: 停水范围, 停电范围, 电梯位置 in the built-ins) as ``estate_scope`` says, and the times
    ``check_times`` reads (停水时间, 恢复时间, 整改期限 …: ``ordered_pairs``) with their dates ``in_office_form``."""
    times = {name for pair in ordered_pairs(template.name) for name in pair}
    printed = {}
    for name, value in values.items():
        if template.printed_after("小区", name):
            value = estate_scope(value, estate)
        printed[name] = in_office_form(value) if name in times else value
    return printed


def notice_context(common: Mapping[str, str], recipient: Recipient, values: Mapping[str, Any]) -> dict[str, Any]:
    """What one recipient's notice is filled with: office, estate, date, owner, unit, its full
    address, whom it is addressed to (收件人, 称呼), --set."""
    return {
        **common,
        "业主姓名": recipient.owners,
        "房号": recipient.unit,
        "房屋地址": unit_address(common, recipient.unit),
        # What paper calls the unit: 3栋2单元1201室, 12号别墅, 地下车位B1-023.
        "房屋": parse_unit_code(recipient.unit).display,
        "楼栋": recipient.building,
        "收件人": recipient.addressee,
        "称呼": recipient.salutation,
        **values,
    }


def _scope_of(code: UnitCode) -> str:
    """The building a unit stands in as paper names it (二期1栋); a villa, shop or parking space has
    none: its kind (二期别墅) stands in for one."""
    return Building.of_unit(code).display


def scope_label(recipients: Sequence[Recipient], *, building: bool = False, everyone: bool = False) -> str:
    """How a batch's files and sign-off sheet name who it went to: 全体, 3栋, or the one unit
    (inferred from the recipients unless the clerk asked for a building or the estate)."""
    buildings = sorted({_scope_of(parse_unit_code(r.unit)) for r in recipients})
    if everyone or len(buildings) > 1:
        return "全体"
    if building or len(recipients) > 1:
        return buildings[0]
    return recipients[0].unit


# -- recipients ---------------------------------------------------------------------------


def select_recipients(
    ledger: Ledger,
    unit: str | None = None,
    building: str | None = None,
    everyone: bool = False,
    to: str = TO_OWNER,
    today: dt.date | None = None,
) -> list[Recipient]:
    """The units a notice goes to: one unit (any status), or the occupied (已入住) units of a
    building or of the estate but parking spaces and storerooms, in natural order; addressed as ``to`` says
    (``ADDRESSEES``), a unit's tenants being those whose tenancy has not ended by ``today``.

    ``UsageError`` unless exactly one of the three is given, or for an unknown ``to``;
    ``NotFoundError`` for an unknown unit or a building with no occupied unit.
    """

    to = check_addressee(to)
    if sum((unit is not None, building is not None, everyone)) != 1:
        raise UsageError("请指定收件范围（三选一）：--unit 3-2-1201、--building 3 或 --all")
    where = parse_building(building) if building is not None else None
    # One read transaction: a roster import committed meanwhile never pairs a new owner with the old co-owners.
    with ledger.read() as conn:
        tenants = current_tenants_in(conn, today or dt.date.today()) if to != TO_OWNER else {}
        if unit is not None:
            found = [unit_owners_in(conn, parse_unit_code(unit))]
        else:
            # Nobody lives in a parking space or a storeroom, whatever its status says (an export's 自用).
            found = [
                entry
                for entry in owners_in(conn, where)
                if entry.unit.status == "occupied" and entry.unit.code.kind not in (PARKING, STOREROOM)
            ]
    if not found:
        named = where.display if where is not None else "台账中"
        raise NotFoundError(
            f"{named}没有已入住的房屋，没有可发送通知的对象。请用 recordkit owners list 查看楼栋和房屋状态"
        )
    return [recipient_of(entry, tuple(tenants.get(str(entry.unit.code), ())), to) for entry in found]


def recipient_of(entry: UnitOwners, tenants: tuple[str, ...] = (), to: str = TO_OWNER) -> Recipient:
    """The recipient for a unit and its owners of record as one read gave them (``owners_in``)."""
    return addressed(
        str(entry.unit.code), entry.unit.owner, tuple(owner.name for owner in entry.co_owners), tenants, to
    )


def addressed(
    code: str, owner: str | None, co_owners: tuple[str, ...], tenants: tuple[str, ...] = (), to: str = TO_OWNER
) -> Recipient:
    """The recipient for unit ``code`` whose first owner is ``owner`` and co-owners ``co_owners`` (none without an
    owner)."""
    return Recipient(code, parse_unit_code(code).building, owner, tenants, to, co_owners if owner else ())


def with_deposits(ledger: Ledger, template_name: str) -> Callable[[str], dict[str, bool]]:
    """What a notice of ``template_name`` sent about works (``designs.about_works``: the 装修违规整改通知) is given of
    each unit besides: whether it has a renovation whose deposit the office holds (registered, not refunded:
    ``renovations.refunded_on``), so that the paper names the deposit and the agreement only then, and tells the
    others — works not registered, the commonest violation, or ended and refunded — to stop and register.  Nothing
    for any other template."""
    if not about_works(template_name):
        return lambda unit: {}
    with ledger.read() as conn:
        held = set(
            conn.execute(
                sa.select(units_table.c.code)
                .select_from(renovations.join(units_table, units_table.c.id == renovations.c.unit_id))
                .where(renovations.c.refunded_on.is_(None))
            ).scalars()
        )
    return lambda unit: {DEPOSIT_HELD: unit in held}


def notice_day(workspace: Workspace, today: dt.date | None, now: dt.date | None = None) -> dt.date:
    """The date a notice prints (``--date``, default today); ``ValidationError`` outside the office's
    years (``[receipt] first_year``–``last_year``), as a certificate's date: 1990-01-01 is a typo, or more
    than a year after ``now`` (the real day, default this computer's): 2099-01-01 is one too."""
    now = now or dt.date.today()
    day = check_business_day(today or now, "通知日期", workspace.settings.receipt.years)
    return check_within_a_year(day, now, "通知日期最迟为今天后一年（今天 {since}，最迟 {latest}）：{day} 请检查年份")


def _template(workspace: Workspace, name: str, library: TemplateLibrary | None) -> tuple[Template, TemplateLibrary]:
    library = library or TemplateLibrary.for_workspace(workspace)
    return printable(library, name), library


# -- notices ------------------------------------------------------------------------------


def make_notices(
    workspace: Workspace,
    ledger: Ledger,
    template_name: str,
    recipients: Sequence[Recipient],
    values: Mapping[str, str],
    operator: str,
    *,
    merge: bool = False,
    duplex: bool = False,
    pdf: bool = False,
    scope: str = "",
    library: TemplateLibrary | None = None,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> NoticeBatch:
    """One notice per recipient (or one merged print file) and the 送达签收表.

    Every value is checked before anything is written: an unknown template
    (``NotFoundError``), a misspelt or missing ``--set`` variable, dates out of order
    (``ValidationError``).
    """

    today = notice_day(workspace, today)
    template, library = _template(workspace, template_name, library)
    check_spelling(template, values)
    check_values(template, provided_variables(template.name), values)
    common = common_context(workspace, today)
    check_order(template.name, {**common, **values}, ordered_pairs(template.name), today)
    check_times(template.name, values, ordered_pairs(template.name), today)
    about_unit = with_deposits(ledger, template.name)
    printed = as_printed(template, common["小区"], values)
    requests = [
        DocumentRequest(
            notice_context(common, recipient, {**printed, **about_unit(recipient.unit)}), recipient.unit, template.name
        )
        for recipient in recipients
    ]
    return _issue(
        workspace,
        ledger,
        template,
        library,
        kind_of(template.name),
        recipients,
        requests,
        operator,
        merge=merge,
        duplex=duplex,
        pdf=pdf,
        scope=scope or scope_label(recipients),
        today=today,
        progress=progress,
    )


def _issue(
    workspace: Workspace,
    ledger: Ledger,
    template: Template,
    library: TemplateLibrary,
    kind: str,
    recipients: Sequence[Recipient],
    requests: Sequence[DocumentRequest],
    operator: str,
    *,
    merge: bool,
    duplex: bool = False,
    pdf: bool,
    scope: str,
    today: dt.date,
    progress: Callable[[int], None] | None,
) -> NoticeBatch:
    for request in requests:  # all of them, before the first file is written
        template.check_context(request.context)
    # Recorded and published with the notices, or not at all: never notices without their sheet.
    sheet = sign_sheet(workspace, template.name, recipients, scope, today)
    if merge:
        *documents, signed = generate_merged(
            workspace,
            ledger,
            template.name,
            requests,
            operator=operator,
            kind=kind,
            subject=scope,
            title=f"{template.name}合并打印{len(requests)}份",
            library=library,
            duplex=duplex,
            companions=[sheet],
        )
        if progress:
            progress(len(requests))
    else:
        *documents, signed = generate_many(
            workspace,
            ledger,
            template.name,
            requests,
            operator=operator,
            kind=kind,
            library=library,
            progress=progress,
            companions=[sheet],
        )
    batch = NoticeBatch(template.name, list(recipients), documents, sign_sheet=signed, merged=merge)
    if pdf:
        batch.pdfs, batch.pdf_problem = pdf_copies(workspace, ledger, documents, operator)
    return batch


def sign_sheet(
    workspace: Workspace, title: str, recipients: Sequence[Recipient], scope: str, today: dt.date
) -> Companion:
    """The 送达签收表: one row per unit with the owner and an empty signature column, A4 portrait,
    header repeated on every page; made in memory, to be recorded with the notices it goes with."""

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SIGN_SHEET_KIND
    office = workspace.settings.office
    sheet.append([f"{title} 送达签收表"])
    sheet.append([f"{office.estate}　{scope}　共 {len(recipients)} 户　{office.name}　{chinese_date(today)}"])
    headers = list(SIGN_SHEET_HEADERS)
    if any(r.to != TO_OWNER for r in recipients):
        headers[2] = "收件人"
    sheet.append(headers)
    for number, recipient in enumerate(recipients, start=1):
        sheet.append([number, recipient.unit, recipient.addressee, "", "", ""])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(SIGN_SHEET_HEADERS))
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(SIGN_SHEET_HEADERS))
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center")
    thin = Side(style="thin")
    for row in sheet.iter_rows(min_row=3, max_row=sheet.max_row):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        sheet.row_dimensions[row[0].row].height = 28
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (6, 14, 14, 20, 14, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "3:3"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    cells_as_text(workbook)  # an owner's name that looks like a formula stays text
    return Companion(
        paper_stem(f"{title}送达签收表", scope),
        ".xlsx",
        saved(workbook),
        SIGN_SHEET_KIND,
        title,
        scope,
        f"{title}送达签收表",
        {"户数": len(recipients), "房号": [r.unit for r in recipients]},
    )


# -- notice batch from a sheet ------------------------------------------------------------


@dataclass
class BatchSheet:
    """What ``read_batch_sheet`` read: the good rows as (row number, recipient, values), the problems
    of the bad ones, the columns besides 房号 as written, and the 合计/小计 rows left out."""

    rows: list[tuple[int, Recipient, dict[str, str]]]
    problems: list[CellProblem]
    columns: list[str]
    totals: list[int]


def read_batch_sheet(ledger: Ledger, path: Path, phases: Mapping[str, str] | None = None) -> BatchSheet:
    """A sheet of recipients with their own values: a 房号 column, then one column per template
    variable (违规事项, 整改期限 …).  ``ValidationError`` only for a sheet that cannot be read at all.
    ``phases`` (``OfficeSettings.phase_table()``) reads a 房号 with the estate's phase spellings
    (二区1-301, 香榭丽舍B-1-2004), as ``--unit`` reads them.  Another system's 合计/小计 row (a total
    label in a cell, and no unit in its 房号 cell) is no recipient: left out, as the roster import
    leaves it out; a unit row whose other cell happens to read 小计 stays a unit."""

    if not path.is_file():
        raise NotFoundError(f"找不到表格 {readable_name(str(path))}")
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:
        raise ValidationError(
            f"{readable_name(path.name)} 不是有效的 .xlsx 表格（{type(err).__name__}），请用 Excel 另存为 .xlsx"
        ) from err
    try:
        rows = [list(row) for row in sheet_values(workbook.active)]  # every row, whatever size the file records
    finally:
        workbook.close()
    headers = [normalise_header(cell) if cell is not None else "" for cell in (rows[0] if rows else [])]
    if "房号" not in headers:
        raise ValidationError(
            f"{readable_name(path.name)} 第 1 行没有“房号”列：第 1 行应为表头，例如 房号、违规事项、整改期限"
        )
    units = {str(entry.unit.code): entry for entry in list_owners(ledger)}  # owners and co-owners in one read
    unit_column = headers.index("房号")
    good, problems, totals = [], [], []
    first_row: dict[str, int] = {}  # unit code -> the row that named it first
    for number, row in enumerate(rows[1:], start=2):
        if all(cell in (None, "") for cell in row):
            continue
        cells = {header: sheet_text(cell) for header, cell in zip(headers, row, strict=False) if header}
        letter = column_letter(unit_column)
        try:
            code = str(parse_unit_code(cells.get("房号", ""), phases=phases or None))
        except ValidationError as err:
            if any(is_total_label(cell) for cell in row):
                totals.append(number)
                continue
            problems.append(CellProblem(number, letter, "房号", err.message))
            continue
        if code not in units:
            with ledger.read() as conn:  # a unit of that code in other phases asked about: a wrong row only
                problems.append(CellProblem(number, letter, "房号", missing_unit(conn, code)))
            continue
        if code in first_row:
            problems.append(CellProblem(number, letter, "房号", _given_twice(cells["房号"], code, first_row[code])))
            continue
        first_row[code] = number
        good.append(
            (
                number,
                recipient_of(units[code]),
                {header: value for header, value in cells.items() if header != "房号" and value},
            )
        )
    if not good and not problems:
        raise ValidationError(f"{readable_name(path.name)} 没有任何房号，没有生成任何通知")
    columns = [header for header in dict.fromkeys(headers) if header and header != "房号"]
    return BatchSheet(good, problems, columns, totals)


def _given_twice(written: str, code: str, first: int) -> str:
    """Why a sheet row naming a unit an earlier row named is refused: two notices to one door are a
    mistake (and two different ones contradict each other), so the clerk decides which row stands."""
    same = f"{code} 与第 {first} 行重复" if written == code else f"“{written}”就是第 {first} 行的 {code}"
    return f"{same}，同一户只发一份通知：请删去重复的一行，或把内容合并到一行"


def batch_notices(
    workspace: Workspace,
    ledger: Ledger,
    template_name: str,
    sheet: Path,
    values: Mapping[str, str],
    operator: str,
    *,
    merge: bool = False,
    duplex: bool = False,
    pdf: bool = False,
    library: TemplateLibrary | None = None,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> NoticeBatch:
    """Notices for the units of a sheet, each with the values of its own row over ``values``.

    A ``--set`` name the template does not use is refused once; a column of the sheet no template
    variable uses (备注, 联系电话) is left out and said once in ``NoticeBatch.warnings``, as the roster
    import names the columns it does not read, and so are the 合计/小计 rows left out."""

    today = notice_day(workspace, today)
    template, library = _template(workspace, template_name, library)
    provided = provided_variables(template.name)
    read = read_batch_sheet(ledger, sheet, workspace.settings.office.phase_table())
    check_spelling(template, [*values, *read.columns])
    check_names(template, provided, values)
    problems = read.problems
    needed = sorted(template.variables - provided)
    unused = [column for column in read.columns if column not in template.variables]
    warnings = []
    if unused:
        named = "、".join(f"{column}{_close_variable(template, needed, column)}" for column in unused)
        warnings.append(f"忽略了模板不用的列：{named}")
    if read.totals:
        warnings.append(totals_warning(read.totals, "房屋", "没有生成通知"))
    common = common_context(workspace, today)
    recipients, requests = [], []
    about_unit = with_deposits(ledger, template.name)
    for number, recipient, row in read.rows:
        merged = {**values, **{name: value for name, value in row.items() if name in template.variables}}
        try:
            check_values(template, provided, merged)
            check_order(template.name, {**common, **merged}, ordered_pairs(template.name), today)
            check_times(template.name, merged, ordered_pairs(template.name), today)
        except ValidationError as err:
            problems.append(CellProblem(number, "", recipient.unit, err.message))
            continue
        recipients.append(recipient)
        printed = as_printed(template, common["小区"], merged)
        requests.append(
            DocumentRequest(
                notice_context(common, recipient, {**printed, **about_unit(recipient.unit)}),
                recipient.unit,
                template.name,
            )
        )
    if problems:
        # Every bad row at once, in sheet order: a wrong unit as well as a value left out.
        # A misspelt column (违规项目) is one of those left out: said with the errors it causes.
        raise ValidationError(
            f"{readable_name(sheet.name)} 有 {len(problems)} 处错误，没有生成任何通知"
            + (f"；{warnings[0]}" if unused else ""),
            sorted(problems, key=lambda problem: problem.row),
        )
    batch = _issue(
        workspace,
        ledger,
        template,
        library,
        kind_of(template.name),
        recipients,
        requests,
        operator,
        merge=merge,
        duplex=duplex,
        pdf=pdf,
        scope=readable_name(sheet.stem),  # a sheet named in GBK on a Windows share: its name as text
        today=today,
        progress=progress,
    )
    batch.warnings = warnings
    return batch


# -- payment reminders --------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderLine:
    month: str  # "2026-10"
    item: str
    amount_fen: int
    item_order: int = 0  # the fee item's place in the rules (its id)
    recurring: bool = True  # billed month by month (物业服务费, 车位管理费), not a one-off charge (装修垃圾清运费)


def owed_fee_names(lines: Sequence[ReminderLine]) -> str:
    """The fees a 催缴通知书 says keep the estate running (欠费项目), in rule order: the recurring ones owed — a
    renovation's one-off charge is no such fee, though its table lists it — or, owing none, the one-off ones."""
    named = [line for line in lines if line.recurring] or list(lines)
    return "、".join(dict.fromkeys(line.item for line in sorted(named, key=lambda line: (line.item_order, line.item))))


def reminder_rows(lines: Sequence[ReminderLine]) -> list[dict[str, str]]:
    """The reminder's table: one row per fee item and run of consecutive months, items in rule
    order (物业服务费 2025年12月–2026年11月（12个月）), so that two years of debt fit one page."""
    by_item: dict[str, list[ReminderLine]] = {}
    for line in sorted(lines, key=lambda line: (line.item_order, line.item, line.month)):
        by_item.setdefault(line.item, []).append(line)
    rows = []
    for item, item_lines in by_item.items():
        runs: list[list[ReminderLine]] = []
        for line in item_lines:
            # The same month again is one more bill of it (a second renovation's one-off charge).
            if runs and parse_month(line.month).index - parse_month(runs[-1][-1].month).index in (0, 1):
                runs[-1].append(line)
            else:
                runs.append([line])
        for run in runs:
            first, last = parse_month(run[0].month), parse_month(run[-1].month)
            count = last.index - first.index + 1
            months = first.chinese if count == 1 else f"{first.chinese}–{last.chinese}（{count}个月）"
            rows.append({"月份": months, "项目": item, "金额": format_yuan(sum(line.amount_fen for line in run))})
    return rows


def unpaid_lines(ledger: Ledger, units: Sequence[str], as_of: dt.date) -> dict[str, list[ReminderLine]]:
    """Each unit's unpaid bills up to ``as_of``, oldest month first, items in rule order."""
    with ledger.read() as conn:
        return unpaid_lines_in(conn, units, as_of)


def unpaid_lines_in(conn: Connection, units: Sequence[str], as_of: dt.date) -> dict[str, list[ReminderLine]]:
    """``unpaid_lines`` read on ``conn``, inside the read transaction the caller holds."""
    wanted = set(units)
    inner = owed_query(as_of).subquery()
    query = (
        sa.select(
            units_table.c.code, inner.c.month, fee_items.c.name, fee_items.c.id, fee_items.c.kind, inner.c.owed_fen
        )
        .select_from(
            inner.join(units_table, units_table.c.id == inner.c.unit_id).join(
                fee_items, fee_items.c.id == inner.c.item_id
            )
        )
        .where(inner.c.owed_fen > 0, inner.c.month <= str(Month.of(as_of)))
        .order_by(inner.c.month, fee_items.c.id)
    )
    lines: dict[str, list[ReminderLine]] = {code: [] for code in units}
    for code, month, item, item_id, kind, owed in conn.execute(query):
        if code in wanted:
            lines[code].append(ReminderLine(month, item, int(owed), int(item_id), kind != "oneoff"))
    return lines


def prepayments_held(conn: Connection, units: Sequence[str], as_of: dt.date) -> dict[str, tuple[int, list[Credit]]]:
    """What each of ``units`` holds paid ahead (预收) as of ``as_of``, read on ``conn``: the account's 预收余额 (THE
    definition, ``billing.arrears.prepaid_query``) and its payments' credits (``allocations.prepayment_credits``, which
    say the months a receipt named); only units holding any."""
    wanted = set(units)
    # the units picked in Python, as ``unpaid_lines`` does: no bound value per unit
    codes = {row.id: row.code for row in conn.execute(sa.select(units_table.c.id, units_table.c.code))}
    totals = {row.unit_id: int(row.prepaid_fen) for row in conn.execute(prepaid_query(as_of))}
    credits = prepayment_credits(conn, as_of)
    return {
        codes[unit_id]: (total, credits.get(unit_id, []))
        for unit_id, total in totals.items()
        if total > 0 and codes.get(unit_id) in wanted
    }


@dataclass(frozen=True)
class Owing:
    """What a batch of 催缴通知书 is made from, read at one moment: the units in arrears that have an owner (in unit
    order), each one's unpaid lines and what it holds paid ahead."""

    arrears: list[Arrears]
    lines: dict[str, list[ReminderLine]]
    prepaid: dict[str, tuple[int, list[Credit]]]


def owing_owners(ledger: Ledger, as_of: dt.date, min_months: int = 0, building: str | None = None) -> Owing:
    """The units in arrears as of ``as_of`` that have an owner (``arrears_in``), their unpaid lines and prepayments, in
    one read transaction: a payment committed meanwhile is in all three or in none, so a notice's table, its total,
    its 预收 paragraph and the screen's 欠费合计 always agree."""
    with ledger.read() as conn:
        arrears = sorted(
            (row for row in arrears_in(conn, as_of, min_months=min_months, building=building) if row.owner),
            key=lambda a: parse_unit_code(a.unit).sort_key,
        )
        codes = [row.unit for row in arrears]
        return Owing(arrears, unpaid_lines_in(conn, codes, as_of), prepayments_held(conn, codes, as_of))


def prepayment_note(credits: Sequence[Credit], total_fen: int | None = None) -> str:
    """What a 催缴通知书 says of the money the unit paid ahead (``total_fen``, the account's 预收余额; by
    default what ``credits`` hold), or "" when it holds none.

    That money pays none of the arrears the notice demands (``fees arrears`` does not count it either):
    billing gives it only to the bills of a month billed later, and money paid for named months only
    to bills from the first of them on.  Saying so answers the owner who paid ahead and thinks the debt
    settled.  Money paid for named months is told as its receipt tells it, by the month it starts from
    (``allocations.prepaid_from``: 2027年1月起), never as the named months, which it may not cover."""
    total = sum(credit.left_fen for credit in credits) if total_fen is None else total_fen
    if total <= 0:
        return ""
    starts: dict[Month, int] = {}
    for credit in credits:
        if credit.months is not None:
            starts[credit.months.first] = starts.get(credit.months.first, 0) + credit.left_fen
    unnamed = any(credit.months is None for credit in credits)
    if not starts:
        detail = ""
    elif len(starts) == 1 and not unnamed:  # all of it from one month: the receipt's words alone
        detail = f"（{prepaid_from(next(iter(starts)))}）"
    else:  # a bill billed ahead may have taken part of the named money: never more than the whole
        parts = "、".join(
            f"{prepaid_from(first)} {format_yuan(min(total, fen))} 元" for first, fen in sorted(starts.items())
        )
        whole = not unnamed and sum(starts.values()) == total
        detail = f"（{'' if whole else '其中 '}{parts}）"
    return f"另有预收款 {format_yuan(total)} 元{detail}，用于今后出账的费用，不抵扣上述欠费。"


def reminder_context(
    common: Mapping[str, str],
    recipient: Recipient,
    lines: Sequence[ReminderLine],
    as_of: dt.date,
    deadline: dt.date,
    methods: str,
    prepaid: tuple[int, Sequence[Credit]] = (0, ()),
) -> dict[str, Any]:
    """The values of one 催缴通知书: the table of items, month runs and amounts, total in figures and
    capitals, and what the unit holds paid ahead (``prepaid``: the 预收余额 and its credits, ``prepayments_held``;
    预收款, 预收说明); 联系电话 the office phone of ``common`` (``common_context``'s 物业电话), or the front desk."""

    total = sum(line.amount_fen for line in lines)
    months = sorted({line.month for line in lines})
    rows = reminder_rows(lines)
    return {
        **notice_context(common, recipient, {}),
        "明细": rows,
        # The fees owed, said where the paper says why they must be paid: a parking space owing its 车位管理费 alone
        # was told of 物业服务费.
        "欠费项目": owed_fee_names(lines),
        # Owing one-off charges alone (装修垃圾清运费), the paper does not say they keep the estate running.
        "只欠一次性费用": not any(line.recurring for line in lines),
        "合计": format_yuan(total),
        "合计大写": amount_in_capitals(total),
        "欠费月数": len(months),
        "最早月份": parse_month(months[0]).chinese,
        "截止日期": chinese_date(as_of),
        "缴费期限": chinese_date(deadline),
        "缴费方式": methods,
        "联系电话": common["物业电话"] or "物业服务中心前台",
        "预收款": format_yuan(prepaid[0]) if prepaid[0] > 0 else "",
        "预收说明": prepayment_note(prepaid[1], prepaid[0]),
    }


def remind(
    workspace: Workspace,
    ledger: Ledger,
    operator: str,
    *,
    min_months: int = 0,
    building: str | None = None,
    merge: bool = False,
    duplex: bool = False,
    pdf: bool = False,
    as_of: dt.date | None = None,
    today: dt.date | None = None,
    library: TemplateLibrary | None = None,
    progress: Callable[[int], None] | None = None,
) -> NoticeBatch | None:
    """A 催缴通知书 for every unit in arrears that has an owner (owing at least ``min_months``
    months, of one building when given), with the sign-off sheet.  None when there is none.

    What is owed is counted as of ``as_of``, by default the real today as in ``fees arrears``, never
    the date printed on the paper (``today``): a reminder dated a day back must not be handed to a
    household that has paid since.

    A vacant unit with no owner gets no reminder: there is nobody to hand it to, and a notice
    addressed to no one is not a demand.  Its arrears stay in ``fees arrears``.
    """

    if min_months < 0:
        raise ValidationError(f"--min-months 不能为负数：{min_months}")
    today = notice_day(workspace, today)
    template, library = _template(workspace, REMINDER_TEMPLATE, library)
    as_of = arrears_day(as_of, workspace.settings.receipt.years)
    owing = owing_owners(ledger, as_of, min_months, building)
    if not owing.arrears:
        return None
    settings = workspace.settings.notices
    common = common_context(workspace, today)
    deadline = today + dt.timedelta(days=settings.payment_days)
    recipients, requests = [], []
    for row in owing.arrears:
        recipient = addressed(row.unit, row.owner, row.co_owners)
        recipients.append(recipient)
        context = reminder_context(
            common,
            recipient,
            owing.lines[row.unit],
            as_of,
            deadline,
            settings.payment_methods,
            owing.prepaid.get(row.unit, (0, [])),
        )
        requests.append(DocumentRequest(context, row.unit, template.name))
    scope = parse_building(building).display if building else "全体"
    if min_months:
        scope += f"欠费{min_months}个月以上"
    batch = _issue(
        workspace,
        ledger,
        template,
        library,
        kind_of(template.name),
        recipients,
        requests,
        operator,
        merge=merge,
        duplex=duplex,
        pdf=pdf,
        scope=scope,
        today=today,
        progress=progress,
    )
    batch.total_fen = sum(row.amount_fen for row in owing.arrears)
    return batch
