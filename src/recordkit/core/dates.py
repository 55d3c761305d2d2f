"""Billing periods: one calendar month (``2026-11``) and ranges of months (``2026-09..2026-11``).

Pure values and parsing; knows nothing of bills or the ledger.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from recordkit.core.errors import ValidationError

__all__ = ["Month", "MonthRange", "parse_month", "parse_month_range"]

_MONTH = re.compile(r"^(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*月?$")
_EXAMPLE = "应写成 2026-11 这样的年-月"


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
    """``2026-11``, ``2026/11``, ``2026年11月`` or full-width forms; ``ValidationError`` otherwise
    (``2026-13`` included), naming what was typed and the expected form."""
    shown = str(text).strip()
    match = _MONTH.match(unicodedata.normalize("NFKC", shown))
    if match is None:
        raise ValidationError(f"月份“{shown}”无法识别，{_EXAMPLE}")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise ValidationError(f"月份“{shown}”无效：月份应为 1 至 12")
    if year < 1900:
        raise ValidationError(f"月份“{shown}”无效：年份不对")
    return Month(year, month)


def parse_month_range(text: str) -> MonthRange:
    """``2026-09..2026-11`` (also ``~``, ``至`` or ``到`` between), or one month ``2026-11``.

    ``ValidationError`` for a bad month or a range that runs backwards.
    """
    folded = unicodedata.normalize("NFKC", str(text).strip())
    parts = re.split(r"\s*(?:\.\.|~|至|到)\s*", folded)
    if len(parts) == 1:
        month = parse_month(parts[0])
        return MonthRange(month, month)
    if len(parts) != 2:
        raise ValidationError(f"月份范围“{text}”无法识别，应写成 2026-09..2026-11")
    first, last = parse_month(parts[0]), parse_month(parts[1])
    if last < first:
        raise ValidationError(f"月份范围“{text}”前后颠倒：应从早的月份写到晚的月份，例如 {last}..{first}")
    return MonthRange(first, last)
