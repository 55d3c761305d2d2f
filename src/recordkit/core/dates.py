"""Dates as clerks write them: the one parser for days, times, months and periods.

Days (``2026-11-23``, ``2026/11/23``, ``2026.11.23``, ``2026年11月23日``, ``20261123``), minute-precise
times (``2026-11-23 09:15``), calendar months (``2026-11``) and month ranges (``2026-09..2026-11``),
full-width forms included.  Every bad value raises ``DateError`` with one message style:
what it is, what was typed, what is expected.  Pure values; knows nothing of bills or the ledger.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import time
import unicodedata
import zoneinfo
from dataclasses import dataclass

from recordkit.core.errors import ConfigError, ValidationError

__all__ = [
    "DAY_SEPARATORS",
    "DateError",
    "EIGHT_DIGIT_DAY",
    "adopt_office_clock",
    "check_business_day",
    "check_business_month",
    "check_day_written",
    "check_month_begun",
    "check_months_ahead",
    "check_not_future",
    "check_not_past",
    "check_within_a_year",
    "Month",
    "machine_offset",
    "MonthRange",
    "chinese_date",
    "find_date",
    "format_when",
    "next_month_day",
    "recent_or_next_month_day",
    "parse_date",
    "parse_month",
    "parse_month_range",
    "parse_period",
    "parse_when",
    "parse_when_written",
    "parse_clock",
    "PARTS_OF_THE_DAY",
    "contradicted_hour_said",
    "on_24_hour_clock",
    "years_after",
]

_MONTH = re.compile(r"^(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*月?$")


# A refusal's example is of today (the process's day, the office's once the console script adopted its clock, as
# 今天 is read): a fixed day soon lies in the past, an odd example beside a day to come.
def _month_example() -> str:
    return f"应写成 {dt.date.today():%Y-%m} 这样的年-月"


def _day_example() -> str:
    today = dt.date.today()
    return f"应写成 {today.isoformat()} 或 {chinese_date(today)}"


def _when_example() -> str:
    return f"应写成 {dt.date.today().isoformat()} 09:15 这样的日期和时刻"


def _range_example() -> str:
    """Three months to this one, ``2027-01..2027-03``."""
    this = Month.of(dt.date.today())
    return f"{this - 2}..{this}"


#: The marks a day is written whole with between its year, month and day: 2026-12-08, 2026/12/08, 2026.12.08, 2026_12_08
#: (as a clerk names files) — wherever a day is read, a notice's times too.
DAY_SEPARATORS = r"[-/._]"
# A day written whole: separators -, /, ., _ or 年月日, or eight digits.
_DAY = re.compile(
    rf"^(\d{{4}})\s*({DAY_SEPARATORS})\s*(\d{{1,2}})\s*\2\s*(\d{{1,2}})$"
    r"|^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$|^(\d{4})(\d{2})(\d{2})$"
)
_CLOCK = re.compile(r"^(\d{1,2})\s*[:：时点]\s*(\d{1,2})?\s*分?(?:[:：]\d{1,2}(?:\.\d+)?)?$")
#: A day written as eight figures, not inside a longer run of them: 20261208 (year, month, day).
EIGHT_DIGIT_DAY = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})([01][0-9])([0-3][0-9])(?![0-9])")
# A day standing inside longer text (a file name, an OCR'd line): a year of 19xx or 20xx.
_FOUND_DAYS = (
    re.compile(
        rf"(?<![0-9])((?:19|20)[0-9]{{2}})\s*{DAY_SEPARATORS}\s*([0-9]{{1,2}})\s*{DAY_SEPARATORS}\s*([0-9]{{1,2}})(?![0-9])"
    ),
    re.compile(r"((?:19|20)[0-9]{2})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]?"),
    EIGHT_DIGIT_DAY,
)


class DateError(ValidationError, ValueError):
    """A day, time, month or period that cannot be read or does not exist.

    It is a ``ValueError`` too, so that sheet readers collecting bad cells catch it like any other
    bad value; ``message`` then reads well after the cell's address.
    """


@dataclass(frozen=True, order=True)
class Month:
    """One calendar month; ``str(Month(2026, 11)) == "2026-11"`` and months order by time."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not (1 <= self.month <= 12) or not (1900 <= self.year <= 9999):
            raise ValueError(f"not a month: {self.year}-{self.month}")

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def chinese(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def index(self) -> int:
        """Months since year 0: differences of two indexes count months between."""
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    def __add__(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    def __sub__(self, months: int) -> Month:
        return Month.from_index(self.index - months)

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    def last_day(self) -> dt.date:
        return (self + 1).first_day() - dt.timedelta(days=1)


@dataclass(frozen=True)
class MonthRange:
    """Months ``first`` to ``last``, both included."""

    first: Month
    last: Month

    def __contains__(self, month: object) -> bool:
        return isinstance(month, Month) and self.first <= month <= self.last

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}..{self.last}"

    def months(self) -> list[Month]:
        return [Month.from_index(i) for i in range(self.first.index, self.last.index + 1)]


def parse_month(text: str) -> Month:
    """``2026-11``, ``2026/11``, ``2026年11月`` or full-width forms; ``DateError`` otherwise
    (``2026-13`` included), naming what was typed and the expected form."""
    shown = str(text).strip()
    match = _MONTH.match(unicodedata.normalize("NFKC", shown))
    if match is None:
        raise DateError(f"月份“{shown}”无法识别，{_month_example()}")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise DateError(f"月份“{shown}”无效：月份应为 1 至 12")
    if year < 1900:
        raise DateError(f"月份“{shown}”无效：年份不对")
    return Month(year, month)


def parse_month_range(text: str) -> MonthRange:
    """``2026-09..2026-11`` (also ``~``, ``至`` or ``到`` between), or one month ``2026-11``.

    ``DateError`` for a bad month (text that is no month at all, ``2026-10,2026-11``, is told the range's form too)
    or a range that runs backwards.
    """
    folded = unicodedata.normalize("NFKC", str(text).strip())
    parts = re.split(r"\s*(?:\.\.|~|至|到)\s*", folded)
    if len(parts) == 1:
        if not _MONTH.match(folded):  # two months with a comma or a dash between: say how a range is written
            raise DateError(
                f"月份“{str(text).strip()}”无法识别，{_month_example()}；几个月写成 {_range_example()}（从哪个月到哪个月）"
            )
        month = parse_month(parts[0])
        return MonthRange(month, month)
    if len(parts) != 2:
        raise DateError(f"月份范围“{text}”无法识别，应写成 {_range_example()}")
    first, last = parse_month(parts[0]), parse_month(parts[1])
    if last < first:
        raise DateError(f"月份范围“{text}”前后颠倒：应从早的月份写到晚的月份，例如 {last}..{first}")
    return MonthRange(first, last)


def _day_parts(folded: str) -> tuple[int, int, int] | None:
    match = _DAY.match(folded)
    if match is None:
        return None
    groups = [g for i, g in enumerate(match.groups()) if g is not None and i != 1]  # drop the separator
    year, month, day = (int(g) for g in groups)
    return year, month, day


def _checked_day(parts: tuple[int, int, int], what: str, shown: str) -> dt.date:
    try:
        day = dt.date(*parts)
    except ValueError:
        raise DateError(f"{what}“{shown}”不存在：请检查年月日") from None
    if day.year < 1900:
        raise DateError(f"{what}“{shown}”无效：年份不对")
    return day


#: A month and day without the year: 12月20日, 12月20号, or with a whole day's separators, 12-20, 12/20 — read
#: alike wherever the year can be told, refused alike (``_refuse_without_year``) where it cannot.
_MONTH_DAY = re.compile(r"([0-9]{1,2})\s*(?:月\s*([0-9]{1,2})\s*[日号]?|[-/]\s*([0-9]{1,2}))")


def _month_and_day(found: re.Match[str]) -> tuple[int, int]:
    """The month and the day a ``_MONTH_DAY`` match writes, in either of its forms."""
    return int(found[1]), int(found[2] or found[3])


#: Days named relative to today (the computer's calendar day, as every "today" default in recordkit).
_RELATIVE_DAYS = {"今天": 0, "今日": 0, "today": 0, "昨天": -1, "昨日": -1, "yesterday": -1}
#: Days to come, only where a day to come is asked for (``parse_date``'s ``ahead``: a loan's 应还日期); a payment's,
#: a report's or a notice's day (``relative``) is never one, and 明天 there is a slip.
_COMING_DAYS = {**_RELATIVE_DAYS, "明天": 1, "明日": 1, "tomorrow": 1, "后天": 2}


#: Excel's day count: day 1 is 1900-01-01, counted from 1899-12-30 (its 1900 leap day long past); the
#: numbers a date column holds, 1950-01-01 to 2099-12-31 — an ID, an area or 20200501 lies outside.
_EXCEL_DAY_ZERO = dt.date(1899, 12, 30)
_EXCEL_DAYS = ((dt.date(1950, 1, 1) - _EXCEL_DAY_ZERO).days, (dt.date(2100, 1, 1) - _EXCEL_DAY_ZERO).days)


def _excel_day_number(value: object) -> int | None:
    """The day number of a sheet's cell holding one of Excel's day count (``_EXCEL_DAYS``): a number cell (43952.0),
    or its five digits as text (``44562``: a CSV saved from Excel keeps a date column written as plain numbers so);
    None for anything else (2026, 12, 20200501, a bool)."""
    if isinstance(value, str):
        digits = unicodedata.normalize("NFKC", value).strip()
        value = int(digits) if len(digits) == 5 and digits.isascii() and digits.isdigit() else None
    if isinstance(value, int | float) and not isinstance(value, bool) and _EXCEL_DAYS[0] <= value < _EXCEL_DAYS[1]:
        return int(value)
    return None


#: How far ahead a day written without its year may lie and still be taken as the next one.
AHEAD_DAYS = 183


def next_month_day(month: int, day: int, since: dt.date) -> dt.date | None:
    """The day a ``month``-``day`` without a year means, written on ``since`` (the day a paper file is lent, for
    its 应还日期): the first one on or after it when that is within half a year (1月10日 written on 2026-12-20 is
    2027's), else the one in ``since``'s year (12月4日 written on 12月5日 is a mistake to point out, not a day a year
    later).  None when there is no such day.  A notice's days are ``recent_or_next_month_day``'s."""
    for year in range(since.year, since.year + 5):  # 2月29日 may be four years away
        try:
            found = dt.date(year, month, day)
        except ValueError:
            continue
        if found < since:
            continue
        if (found - since).days <= AHEAD_DAYS:
            return found
        break
    try:
        return dt.date(since.year, month, day)
    except ValueError:
        return None


def recent_or_next_month_day(month: int, day: int, since: dt.date, back_days: int) -> dt.date | None:
    """The day a ``month``-``day`` without a year means on a paper dated ``since`` (a notice): that day of the
    ``back_days`` before ``since`` when it falls there (12月5日 on a notice of 2026-12-06 is the day before: works
    under way), else the first one on or after ``since`` (7月1日 on it is 2027-07-01, 11月1日 2027-11-01).  None when
    there is no such day in any year (2月30日).

    ``DateError`` for 2月29日 read in a year without one: ``2027年没有2月29日，请写明年份和日期`` (not 2028-02-29,
    more than a year on: the clerk meant a day of 2027's February, or another year)."""
    earliest = since - dt.timedelta(days=back_days)
    year = earliest.year if (month, day) >= (earliest.month, earliest.day) else earliest.year + 1
    try:
        return dt.date(year, month, day)
    except ValueError:
        if (month, day) == (2, 29):
            raise DateError(f"{year}年没有2月29日，请写明年份和日期") from None
        return None


def parse_date(
    value: str | dt.date, what: str = "日期", relative: bool = False, cell: bool = False, ahead: dt.date | None = None
) -> dt.date:
    """A day as clerks write it (see the module; with ``relative`` also 今天/today and 昨天/yesterday,
    as a command's options accept them), or a date or datetime cell as it is.  With ``cell`` (a sheet's
    cell, as other systems export one) also a day followed by a time of day (``2020-05-01 00:00:00``)
    and a number of Excel's day count (``43952``, 1950 to 2099: a date column written as plain numbers; in a CSV its
    five digits as text).
    With ``ahead`` (a day to come: a loan's 应还日期) also a month and day without the year, ``12月20日``:
    the next such day from ``ahead`` on (``next_month_day``), and 今天, 明天, 后天 counted from ``ahead``.

    ``DateError`` naming ``what``, the text and the expected form (a month and day without the year, where ``ahead``
    does not read one, said to lack it), or saying the day does not exist.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if cell and (day_number := _excel_day_number(value)) is not None:
        return _EXCEL_DAY_ZERO + dt.timedelta(days=day_number)
    shown = str(value).strip()
    folded = unicodedata.normalize("NFKC", shown).strip()
    if ahead is not None and folded.lower() in _COMING_DAYS:
        return ahead + dt.timedelta(days=_COMING_DAYS[folded.lower()])
    if relative and folded.lower() in _RELATIVE_DAYS:
        return dt.date.today() + dt.timedelta(days=_RELATIVE_DAYS[folded.lower()])
    parts = _day_parts(folded)
    if parts is None and cell:
        day_text, _, clock_text = folded.partition(" ")
        if (clock := _CLOCK.match(clock_text.strip())) is not None and int(clock[1]) < 24:
            parts = _day_parts(day_text)
    if parts is None and ahead is not None and (month_day := _MONTH_DAY.fullmatch(folded)) is not None:
        found = next_month_day(*_month_and_day(month_day), ahead)
        if found is None:
            raise DateError(f"{what}“{shown}”不存在：请检查月和日")
        return found
    if parts is None:
        _refuse_without_year(folded, what, shown)
        raise DateError(f"{what}“{shown}”无法识别，{_day_example()}")
    return _checked_day(parts, what, shown)


def check_day_written(value: str | dt.date, what: str = "日期") -> None:
    """``DateError`` (``parse_date``'s) for a day to come a clerk typed that ``parse_date``'s ``ahead`` refuses from
    whatever day it is read: no day's form (下月底), a day no calendar has (2027-13-05, 2月30日).  For a command to say so
    before it looks up the day it is read from (a renovation's current end): a month and day that some year has (2月29日)
    passes, read once that day is known."""
    parse_date(value, what, ahead=_EVERY_MONTH_DAY)


#: A day from which ``next_month_day`` finds every month and day some year has: 1 January of a leap year.
_EVERY_MONTH_DAY = dt.date(2000, 1, 1)


def written_without_year(value: str | dt.date) -> bool:
    """Whether ``value`` is a month and day without the year (12月10日, 12-10, 12/10), as ``parse_date``'s ``ahead``
    reads one: a caller may hold such a reading to a narrower window than ``next_month_day``'s (a renovation's
    start, rarely months from its registration)."""
    if isinstance(value, dt.date):
        return False
    folded = unicodedata.normalize("NFKC", value).strip()
    return _day_parts(folded) is None and _MONTH_DAY.fullmatch(folded) is not None


def parse_when(value: str | dt.date | float, what: str = "时间", cell: bool = False) -> dt.datetime:
    """A day with an optional time of day (``2026-10-03 09:15``, ``2026年10月3日 9时15分``; a bare day
    means 00:00), or a date or datetime cell, as a naive minute-precise datetime.  With ``cell`` (a sheet's
    cell) also a number of Excel's day count with the time of day as its fraction (``46357.375``: a date
    column another system exported, or one whose format was lost), as ``parse_date`` takes the day.

    ``DateError`` naming ``what``, the text and the expected form otherwise.
    """
    if isinstance(value, dt.datetime):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if cell and isinstance(value, int | float) and not isinstance(value, bool):
        if _EXCEL_DAYS[0] <= value < _EXCEL_DAYS[1]:
            # To the nearest minute: 9:30 is stored as 46357.395833…, a hair below or above it.
            return dt.datetime.combine(_EXCEL_DAY_ZERO, dt.time()) + dt.timedelta(minutes=round(value * 24 * 60))
        if isinstance(value, float) and value.is_integer():  # 20261103.0: a day written as eight digits
            value = int(value)
    shown = str(value).strip()
    folded = unicodedata.normalize("NFKC", shown).strip()
    # The time of day follows the day after a space or a T, or straight after 日/号.
    day_text, _, clock_text = re.sub(r"(?<=[日号])\s*(?=\d)|(?<=\d)\s*T\s*(?=\d)|\s+", " ", folded, count=1).partition(
        " "
    )
    parts = _day_parts(day_text)
    clock = _CLOCK.match(clock_text.strip()) if clock_text.strip() else None
    if parts is None:
        _refuse_without_year(day_text, what, shown)
    if parts is None or (clock_text.strip() and clock is None):
        raise DateError(f"{what}“{shown}”无法识别，{_when_example()}")
    day = _checked_day(parts, what, shown)
    hour, minute = (int(clock[1]), int(clock[2] or 0)) if clock else (0, 0)
    if hour > 23 or minute > 59:
        raise DateError(f"{what}“{shown}”不存在：请检查时刻")
    return dt.datetime(day.year, day.month, day.day, hour, minute)


def parse_when_written(
    value: str | dt.date | float, what: str = "时间", cell: bool = False
) -> tuple[dt.datetime, bool]:
    """``parse_when``, and whether a time of day was written: False for a day alone (``2026-11-03``, a date cell, an
    Excel day number without a fraction), which a hand-kept logbook holds when nobody noted the hour.  A cell
    holding a datetime at 00:00 is taken as a date cell (openpyxl reads a date-formatted cell so).

    ``DateError`` as ``parse_when``."""
    when = parse_when(value, what, cell)
    if isinstance(value, dt.datetime | dt.date) or (isinstance(value, int | float) and not isinstance(value, bool)):
        return when, when.time() != dt.time()
    # A text with a time of day after the day (2026-11-03 00:00) has it written, even at midnight.
    return when, _day_parts(unicodedata.normalize("NFKC", str(value)).strip()) is None


# The parts of the day a clerk writes before a time of day (a notice's 12月8日晚上8点, a logbook's 下午3:15), each with
# the hours of the 24-hour clock it covers (24: the end of the day).  One rule reads them all (``on_24_hour_clock``): a
# number up to 12 is the one of h and h + 12 the part covers (下午6点 18:00, 晚上12点 24:00, 中午1点 13:00, 晚上1点
# 1:00), a larger one or 0 itself (下午15点); a number it covers neither way contradicts it (上午15点, 傍晚1点, 傍晚13点,
# 凌晨20点, 凌晨12点) and is refused (``contradicted_hour_said``): which was meant nobody can tell.
_NIGHT_HOURS = (range(18, 25), range(0, 6))
PARTS_OF_THE_DAY: dict[str, tuple[range, ...]] = {
    "凌晨": (range(0, 7),),
    "早上": (range(4, 12),),
    "上午": (range(0, 13),),
    "中午": (range(11, 15),),
    "下午": (range(12, 24),),
    "午后": (range(12, 24),),
    "傍晚": (range(17, 21),),  # early evening: 傍晚12点 is a slip, never 24:00
    "晚上": _NIGHT_HOURS,
    "晚间": _NIGHT_HOURS,
    "夜间": _NIGHT_HOURS,
    "夜里": _NIGHT_HOURS,
    "晚": _NIGHT_HOURS,  # alone (晚12点, 今晚8点, 12月8日晚8点), but for the 晚 of 傍晚 and of 最晚 (at the latest) …
}


def on_24_hour_clock(hour: int, part: str | None) -> int | None:
    """``hour`` as written after the part of the day ``part`` (a key of ``PARTS_OF_THE_DAY``) on the 24-hour clock
    (24: the day's end), or None when the part covers it neither as written nor 12 hours later; ``hour`` itself after
    none."""
    if part is None:
        return hour
    readings = (hour, hour + 12) if 0 < hour <= 12 else (hour,)
    return next((read for read in readings if any(read in hours for hours in PARTS_OF_THE_DAY[part])), None)


def contradicted_hour_said(
    part: str, hour: int, minute: int, night: str = "", day: str = "", next_day: str = "次日"
) -> str:
    """What a refusal says of ``hour``:``minute`` written after the part of the day ``part`` that contradicts it
    (``on_24_hour_clock`` None): the part's hours and the clocks the clerk may have meant, each on ``day`` as the place
    it is shown writes that day ("" where the clock stands alone): 1:00、13:00; 12:00、24:00 (12:30 and 0:30 of the
    day after, written ``next_day``: 次日0:30 at the start of a notice's 恢复时间, 12月9日0:30 after 12月8日) — or,
    where the clock it is shown for takes neither 24:00 nor a day after (a logbook's, ``parse_clock``), the day's end
    written after the part of the day ``night`` that covers it: 12:00、晚上12:00 (12:30、晚上12:30) —; 13:00 alone;
    0:00 for 12 after a part that covers midnight's first hour but not noon (凌晨12点: how people write midnight,
    凌晨12:30 0:30)."""
    if not 0 < hour <= 12:
        readings = [f"{day}{hour}:{minute:02d}"]
    elif hour == 12 and any(0 in hours for hours in PARTS_OF_THE_DAY[part]):
        readings = [f"{day}0:{minute:02d}"]
    elif hour == 12 and night:
        readings = [f"{day}12:{minute:02d}", f"{day}{night}12:{minute:02d}"]
    elif hour == 12:
        readings = (
            [f"{day}12:00", f"{day}24:00"] if minute == 0 else [f"{day}12:{minute:02d}", f"{next_day}0:{minute:02d}"]
        )
    else:
        readings = [f"{day}{hour}:{minute:02d}", f"{day}{hour + 12}:{minute:02d}"]
    hours = "和 ".join(f"{each.start}–{each.stop - 1} 点" for each in PARTS_OF_THE_DAY[part])
    return f"{hour}点不是{part}的钟点（{part}是 {hours}），是几点说不清，请直接写明钟点，如 {'、'.join(readings)}"


#: A time of day as a hand-kept logbook writes it beside a date column: 09:30, 15:15, 9点30, 上午9:30, 下午3:15.
_PART_OF_DAY_CLOCK = re.compile(rf"^({'|'.join(PARTS_OF_THE_DAY)})?\s*(.*)$")
_CLOCK_FORMS = "应写成 09:30、15:15、上午9:30 或 下午3:15（只写上午、下午这样的时段也可以，算作只记了日期）"


def parse_clock(value: str | dt.time | dt.datetime | float, what: str = "时刻") -> dt.timedelta | None:
    """A time of day written apart from its day (a logbook's 报修时间 beside its 报修日期) as the time since the day's
    start: ``09:30``, ``15:15``, ``9点30``, a part of the day before it read as a notice reads it (``on_24_hour_clock``:
    ``下午3:15`` 15:15, ``下午12:30`` 12:30, ``晚上12:00`` 24:00, the day's end), a time cell, or Excel's fraction of a
    day.  None for a part of the day alone (上午, 下午): no time of day was noted, the day stands alone.

    ``DateError`` naming ``what`` and the forms accepted; a month and day without the year (``12月2日``) is said so;
    an hour its part of the day contradicts (上午15点, 凌晨12点: ``contradicted_hour_said``, naming clocks this one takes:
    早上12点 12:00、晚上12:00, never 24:00)."""
    if isinstance(value, dt.datetime | dt.time):
        return dt.timedelta(hours=value.hour, minutes=value.minute)
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1:
        return dt.timedelta(minutes=min(round(value * 24 * 60), 24 * 60 - 1))
    shown = str(value).strip()
    folded = unicodedata.normalize("NFKC", shown).strip()
    _refuse_without_year(folded, what, shown)
    part, rest = _PART_OF_DAY_CLOCK.match(folded).groups()  # type: ignore[union-attr]  # the pattern matches any text
    if part and not rest.strip():
        return None
    clock = _CLOCK.match(rest.strip())
    if clock is None:
        raise DateError(f"{what}“{shown}”无法识别：有日期列时这一列写时刻，{_CLOCK_FORMS}")
    hour, minute = int(clock[1]), int(clock[2] or 0)
    if hour > 23 or minute > 59:
        raise DateError(f"{what}“{shown}”不存在：请检查时刻")
    read = on_24_hour_clock(hour, part)
    if read is None:  # suggesting what this clock takes: no 24:00 (refused above), no 次日
        raise DateError(f"{what}“{shown}”不存在：{contradicted_hour_said(part, hour, minute, night='晚上')}")
    return dt.timedelta(hours=read, minutes=minute)


def _refuse_without_year(folded: str, what: str, shown: str) -> None:
    """A month and day without the year (12月2日) where no year can be told: said so, with the forms that have one."""
    if (month_day := _MONTH_DAY.fullmatch(folded)) is not None:
        month, day = _month_and_day(month_day)
        year = dt.date.today().year  # the example names this year: a literal one would read oddly from January
        raise DateError(
            f"{what}“{shown}”没有写年份，不能确定是哪一年：应写成 {year}-{month:02d}-{day:02d} 或 {year}年{month}月{day}日"
        )


def format_day_or_when(value: dt.datetime | None, date_only: bool) -> str:
    """``format_when``, or the day alone (``2026-11-03``) for a time written without its time of day (a moment at
    00:00 of an order whose times were written as dates)."""
    if value is not None and date_only and value.time() == dt.time():
        return value.strftime("%Y-%m-%d")
    return format_when(value)


def chinese_date(value: dt.date | dt.datetime) -> str:
    """``2026年11月23日``: how dates are written on the office's paper."""
    return f"{value.year}年{value.month}月{value.day}日"


def format_when(value: dt.datetime | None) -> str:
    """``2026-10-03 09:15``, or ``""`` for no time."""
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""


def find_date(text: str) -> tuple[dt.date, str] | None:
    """The first real day written inside ``text`` (a file name, a line of a scan) and the text it was
    written as, or None.  Unlike ``parse_date`` it never raises: text is not obliged to hold a date.  A notice's
    times are not read with it: ``documents.notices`` reads the days it prints (2026_12_08 is a file name's there)."""
    folded = unicodedata.normalize("NFKC", text)
    for pattern in _FOUND_DAYS:
        for match in pattern.finditer(folded):
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3])), match[0]
            except ValueError:
                continue
    return None


#: The years money and work orders may be dated in (a document in the archive may be older): year 1 or
#: 9999 is a typo, and would print receipt SJ1-000001.  ``[receipt] first_year`` / ``last_year`` change it.
BUSINESS_YEARS = (2000, 2099)


def check_business_day(day: dt.date, what: str, years: tuple[int, int] = BUSINESS_YEARS) -> dt.date:
    """``day`` when its year lies in ``years``; else ``ValidationError`` naming ``what`` and the window:
    ``{what} {day} 不在 {first}–{last} 年之间：请检查年份``."""
    _check_business_year(day.year, day.isoformat(), what, years)
    return day


def check_business_month(month: Month, what: str, years: tuple[int, int] = BUSINESS_YEARS) -> Month:
    """``month`` when its year lies in ``years``; else ``ValidationError`` in ``check_business_day``'s words: a
    register, a report or a list of 1999-01 would show nothing but zeros, the books having no such year."""
    _check_business_year(month.year, str(month), what, years)
    return month


def _check_business_year(year: int, shown: str, what: str, years: tuple[int, int]) -> None:
    first, last = years
    if not first <= year <= last:
        raise ValidationError(f"{what} {shown} 不在 {first}–{last} 年之间：请检查年份")


def years_after(day: dt.date, years: int = 1) -> dt.date:
    """The same day ``years`` later (28 February for a 29th with no such day that year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_within_a_year(day: dt.date, since: dt.date, refusal: str) -> dt.date:
    """``day`` when it is at most a year after ``since`` (``years_after``); else ``ValidationError`` with
    ``refusal`` formatted with ``day``, ``since`` and ``latest`` (ISO days).  Inside the books' years a day
    that far ahead is still a year typed wrong (2099 for 2026): a loan never noticed as overdue, works or a
    notice dated decades on."""
    if day > (latest := years_after(since)):
        raise ValidationError(refusal.format(day=day.isoformat(), since=since.isoformat(), latest=latest.isoformat()))
    return day


def check_not_future(day: dt.date, what: str, advice: str, today: dt.date | None = None) -> dt.date:
    """``day`` when it is not after ``today`` (default: this computer's calendar day, the "today" of
    every default in recordkit); else ``ValidationError``: ``{what} {day} 晚于今天（{today}）：{advice}``."""
    today = today or dt.date.today()
    if day > today:
        raise ValidationError(f"{what} {day.isoformat()} 晚于今天（{today.isoformat()}）：{advice}")
    return day


def check_not_past(day: dt.date, what: str, today: dt.date | None = None) -> dt.date:
    """``day`` when it is ``today`` or later (default: this computer's calendar day, as ``check_not_future``): a day to
    come — a loan's 应还日期, an exit pass's 有效期 —, typed as ``parse_date``'s ``ahead`` reads it; else
    ``ValidationError``: ``{what} {day} 早于今天（{today}）：{what}应是今天或以后的日期``."""
    today = today or dt.date.today()
    if day < today:
        raise ValidationError(f"{what} {day.isoformat()} 早于今天（{today.isoformat()}）：{what}应是今天或以后的日期")
    return day


def check_month_begun(month: Month, action: str, today: dt.date | None = None) -> Month:
    """``month`` when it has begun by ``today`` (as ``check_not_future``); else ``ValidationError``:
    ``月份 {month} 还没有到：只能{action}``, ``action`` naming the current month as ``{current}``
    (``生成 {current} 及以前月份的报表``)."""
    current = Month.of(today or dt.date.today())
    if month > current:
        raise ValidationError(f"月份 {month} 还没有到：只能{action.format(current=current)}")
    return month


#: How far after the current month money may be paid for or a fee rule start (``fees pay --months``, ``fees rules
#: set --from``): three years of prepayment is a plan, 2099-01 inside the books' years a year typed wrong.
MONTHS_AHEAD_LIMIT = 36


def check_months_ahead(month: Month, what: str, today: dt.date | None = None) -> Month:
    """``month`` when it is at most ``MONTHS_AHEAD_LIMIT`` months after ``today``'s (as ``check_not_future``);
    else ``ValidationError``: ``{what} {month} 超过本月后 36 个月（现在是 {current}，最迟 {latest}）：是否写错了年份？``."""
    current = Month.of(today or dt.date.today())
    if month > (latest := current + MONTHS_AHEAD_LIMIT):
        raise ValidationError(
            f"{what} {month} 超过本月后 {MONTHS_AHEAD_LIMIT} 个月（现在是 {current}，最迟 {latest}）：是否写错了年份？"
        )
    return month


def parse_period(text: str, end: bool = False) -> dt.date:
    """A year (``2024``), a month (``2024-05``) or a day, as its first day — or its last with ``end``.

    ``DateError`` as for ``parse_date``.
    """
    folded = unicodedata.normalize("NFKC", str(text)).strip()
    if re.fullmatch(r"\d{4}\s*年?", folded):
        year = int(folded[:4])
        if year < 1900:
            raise DateError(f"日期“{text}”无效：年份不对")
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    if _MONTH.match(folded):
        month = parse_month(folded)
        return month.last_day() if end else month.first_day()
    return parse_date(folded)


@functools.cache
def office_zone(name: str) -> zoneinfo.ZoneInfo:
    """The office's time zone (``[office] time_zone``); ``ConfigError`` for a name that is not one."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"recordkit.toml 的 [office] time_zone “{name}”不是时区名称，应写成 Asia/Shanghai 这样的名称"
        ) from None


#: This machine's own UTC offset, kept when ``adopt_office_clock`` moved the process onto the office's clock.
_machine_offset: dt.timedelta | None = None


def adopt_office_clock(zone: str) -> bool:
    """Put this process on the office's clock (``[office] time_zone``): "today" and every local time it takes
    are then the office's, on a server kept in UTC too — whose date is otherwise the day before for the first
    hours of each office day.  True when the process's clock is the office's afterwards; False where it cannot
    be moved (no ``time.tzset``: Windows, whose PCs keep the office's time; a machine without the zone's data,
    where the clock is put back as it was) — ``recordkit doctor`` then says what to set."""
    global _machine_offset
    office_offset = dt.datetime.now(office_zone(zone)).utcoffset()
    here = dt.datetime.now().astimezone().utcoffset()
    if here == office_offset:
        return True
    if not hasattr(time, "tzset"):
        return False
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    if dt.datetime.now().astimezone().utcoffset() == office_offset:
        _machine_offset = here if _machine_offset is None else _machine_offset
        return True
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()
    return False


def machine_offset(moment: dt.datetime) -> dt.timedelta:
    """This machine's UTC offset at ``moment``, as its own settings give it (before ``adopt_office_clock``)."""
    if _machine_offset is not None:
        return _machine_offset
    return moment.astimezone().utcoffset() or dt.timedelta(0)


def office_time(stamp: str | dt.datetime, zone: str) -> dt.datetime:
    """A stored moment (an ISO text or a datetime; UTC when it carries no zone) on the office's clock."""
    moment = dt.datetime.fromisoformat(stamp) if isinstance(stamp, str) else stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(office_zone(zone))


def format_stamp(stamp: str | dt.datetime, zone: str, seconds: bool = False) -> str:
    """A stored moment as a clerk reads it: ``2026-12-02 06:07`` on the office's clock, never ISO."""
    return office_time(stamp, zone).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def stamp_as_written(stamp: str, zone: str, seconds: bool = False) -> str:
    """``format_stamp`` of a moment read back from a file a person may have edited (a quarantine note): the
    text as it is when it is no moment."""
    try:
        return format_stamp(stamp, zone, seconds)
    except ValueError:
        return stamp


def utc_day_start(day: dt.date, zone: str) -> str:
    """The start of ``day`` on the office's clock as the UTC stamp the journal keeps, ISO text comparable with the
    journal's ``at``."""
    local = dt.datetime(day.year, day.month, day.day, tzinfo=office_zone(zone))
    return local.astimezone(dt.UTC).isoformat(timespec="microseconds")


def utc_bounds(month: Month, zone: str) -> tuple[str, str]:
    """The month on the office's clock as the UTC stamps the journal keeps: [start, end) as ISO text
    comparable with the journal's ``at`` (a reprint at 01:00 on the 1st in Beijing is that month's)."""
    return utc_day_start(month.first_day(), zone), utc_day_start((month + 1).first_day(), zone)
