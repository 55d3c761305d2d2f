"""Work orders (工单): repair requests 报修 and complaints 投诉, their dispatch 派工, completion 完成
and follow-up visit 回访, the categories' time limits, repeat complaints, and a month's figures.

It owns the ``work_orders`` table (the logbook import is ``workorder_logbook``); the monthly
report reads ``month_figures``, ``category_figures`` and ``orders_in_month`` and formats them.
Times are the office's wall-clock time to the minute.  The reporter's phone is personal data:
masked on screen and in the journal.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.core.config import DEFAULT_WORKORDER_LIMITS
from recordkit.core.dates import (
    BUSINESS_YEARS,
    Month,
    check_business_day,
    check_not_future,
    check_within_a_year,
    format_day_or_when,
    format_when,
    parse_when_written,
)
from recordkit.core.errors import ConfigError, ConflictError, NotFoundError, UsageError, ValidationError
from recordkit.core.filenames import hidden_characters
from recordkit.core.numbering import find_numbered, stored_form
from recordkit.core.personal import (
    has_letter,
    mask_in_text,
    mask_phone,
    name_as_kept,
    named_in_sentence,
    reason_problem,
    says_something,
    validate_phone,
)
from recordkit.core.rates import shown_rate
from recordkit.core.unitcodes import parse_unit_code
from recordkit.ledger import journal
from recordkit.ledger.db import bulk_insert, in_batches, refuse_unknown_unit, unknown_unit
from recordkit.ledger.schema import journal as journal_rows
from recordkit.ledger.schema import units, work_orders
from recordkit.ledger.schema import work_orders as w

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.core.config import Settings, WorkOrderSettings
    from recordkit.ledger.db import Ledger

TYPES = ("报修", "投诉")
CATEGORIES = ("水电", "门窗", "电梯", "公共设施", "噪音", "卫生", "安保", "收费", "其他")
SATISFACTIONS = ("满意", "基本满意", "不满意")
STATUS_LABELS = {"open": "待派工", "assigned": "处理中", "closed": "已完成", "visited": "已回访"}
#: Statuses of an order not yet finished (what ``--open`` lists).
OPEN_STATUSES = ("open", "assigned")
FINISHED_STATUSES = ("closed", "visited")
#: Reasons an unfinished order is overdue.
LATE_RESPONSE = "派工超时"
LATE_CLOSE = "完成超时"
#: What the 时限 column says of an order whose times are dates alone, when a limit in hours decides it.
UNTIMED = "未记时刻"
_DAY = dt.timedelta(days=1)
#: The steps that may be recorded with a date alone, and the column that remembers it (migration 0024).
STEP_DAY_ONLY = {"assigned_at": "assigned_day_only", "closed_at": "closed_day_only", "visited_at": "visited_day_only"}
#: Besides the steps, the last hand-over (改派, migration 0024), which may be typed as a date alone too.
_DAY_ONLY = {**STEP_DAY_ONLY, "handed_at": "handed_day_only"}

#: How many digits a work order's sequence is written with: GD2026-000123.
NUMBER_WIDTH = 6


# -- pure decisions ------------------------------------------------------------------------


def _choice(text: str, allowed: Sequence[str], what: str) -> str:
    folded = unicodedata.normalize("NFKC", str(text or "")).strip()
    if folded not in allowed:
        raise ValidationError(f"{what}“{folded}”无效，应为 {'、'.join(allowed)} 之一")
    return folded


def parse_type(text: str) -> str:
    """报修 or 投诉; ``ValidationError`` otherwise."""
    return _choice(text, TYPES, "工单类型")


def parse_category(text: str) -> str:
    """One of ``CATEGORIES``; ``ValidationError`` otherwise."""
    return _choice(text, CATEGORIES, "工单类别")


def parse_satisfaction(text: str) -> str:
    """满意, 基本满意 or 不满意; ``ValidationError`` otherwise."""
    return _choice(text, SATISFACTIONS, "满意度")


def as_read(text: str | None) -> str:
    """``text`` as a clerk reads it: NFKC-folded (full-width letters and digits, an ideographic space, a Kangxi
    radical copied from a PDF) and trimmed (a space kept at the end)."""
    return unicodedata.normalize("NFKC", text or "").strip()


def same_worker(name: str | None, other: str | None) -> bool:
    """Whether two names of a worker are the same as a clerk reads them (``as_read``)."""
    return as_read(name) == as_read(other)


def limits_for(settings: WorkOrderSettings, category: str) -> tuple[int, int]:
    """(response hours, close hours) of a category: ``[[workorders.limits]]`` first, else the built-in."""

    for limit in (*settings.limits, *DEFAULT_WORKORDER_LIMITS):
        if limit.category == category:
            return limit.response_hours, limit.close_hours
    return 24, 72


def check_settings(settings: WorkOrderSettings) -> None:
    """``ConfigError`` for a ``[[workorders.limits]]`` entry naming no category, hours that are not
    positive, a response limit longer than the close limit, or a repeat window below one day."""

    for position, limit in enumerate(settings.limits, start=1):
        where = f"recordkit.toml 的第 {position} 个 [[workorders.limits]]"
        if limit.category not in CATEGORIES:
            raise ConfigError(f"{where}：类别“{limit.category}”无效，应为 {'、'.join(CATEGORIES)} 之一")
        if limit.response_hours <= 0 or limit.close_hours <= 0:
            raise ConfigError(f"{where}（{limit.category}）：response_hours 和 close_hours 都应为正整数（小时）")
        if limit.response_hours > limit.close_hours:
            raise ConfigError(
                f"{where}（{limit.category}）：派工时限 {limit.response_hours} 小时长于完成时限 "
                f"{limit.close_hours} 小时"
            )
    if settings.repeat_days < 1:
        raise ConfigError(f"recordkit.toml 的 [workorders] repeat_days 应至少为 1 天，现在是 {settings.repeat_days}")


def deadlines(settings: WorkOrderSettings, category: str, opened_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """(respond by, close by): the opening time plus the category's limits."""
    response, close = limits_for(settings, category)
    return opened_at + dt.timedelta(hours=response), opened_at + dt.timedelta(hours=close)


def overdue_reasons(order: WorkOrder, as_of: dt.datetime) -> list[str]:
    """Why an unfinished order is late at ``as_of``: not dispatched past its response limit
    (派工超时), not finished past its close limit (完成超时).  Finished orders are never overdue
    (``closed_late`` says whether they finished in time).  A limit not judged (``WorkOrder.late``: a limit in
    hours of an order whose times are dates alone) gives no reason."""
    if order.closed_at is not None and order.closed_at <= as_of:
        return []
    reasons = []
    if order.undispatched_at(as_of) and order.late(order.respond_by, as_of):
        reasons.append(LATE_RESPONSE)
    if order.late(order.close_by, as_of):
        reasons.append(LATE_CLOSE)
    return reasons


@dataclass(frozen=True)
class Earlier:
    """An earlier complaint, as far as repeat marking needs it."""

    number: str
    unit: str
    category: str
    opened_at: dt.datetime


def find_repeat(
    earlier: Iterable[Earlier], unit: str | None, category: str, opened_at: dt.datetime, window_days: int
) -> str | None:
    """The number of the latest earlier complaint about the same unit and category opened within
    ``window_days`` before ``opened_at``, or None.  Public-area complaints (no unit) never repeat."""
    if unit is None:
        return None
    since = opened_at - dt.timedelta(days=window_days)
    found = [e for e in earlier if e.unit == unit and e.category == category and since <= e.opened_at < opened_at]
    return max(found, key=lambda e: (e.opened_at, e.number)).number if found else None


def number_for(settings: WorkOrderSettings, year: int, seq: int) -> str:
    return f"{settings.prefix}{year}-{seq:0{NUMBER_WIDTH}d}"


# -- values ------------------------------------------------------------------------------------


#: An order not passed on (yet): no last reassignment (``WorkOrder.handed_at``).
_NOT_HANDED: Mapping[str, Any] = {"handed_at": None, "handed_day_only": False}


@dataclass(frozen=True)
class WorkOrder:
    """A work order as the ledger holds it."""

    number: str
    type: str
    category: str
    unit: str | None
    place: str | None
    description: str
    reported_by: str | None
    phone: str | None
    status: str
    opened_at: dt.datetime
    opened_by: str
    respond_by: dt.datetime
    close_by: dt.datetime
    repeat_of: str | None = None
    assignee: str | None = None
    assigned_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    result: str | None = None
    visited_at: dt.datetime | None = None
    satisfaction: str | None = None
    visit_notes: str | None = None
    # Its times were written as dates alone (a hand-kept logbook): see ``late``.
    date_only: bool = False
    # The step was recorded with a date alone (``STEP_DAY_ONLY``): shown as the day, judged by the date.
    assigned_day_only: bool = False
    closed_day_only: bool = False
    visited_day_only: bool = False
    # The last reassignment (改派): nothing is finished or passed on again before it.  None when never passed on.
    handed_at: dt.datetime | None = None
    handed_day_only: bool = False

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def where(self) -> str:
        """The unit code, the place, or both (``3-2-1201 卫生间``)."""
        return " ".join(part for part in (self.unit, self.place) if part) or "—"

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of is not None

    def as_it_stood(self, moment: dt.datetime, handed: Sequence[Dispatch] = ()) -> WorkOrder:
        """The order as it stood at ``moment`` (``list|show --as-of``): the steps recorded after it — dispatch,
        completion, visit — not done yet, its status the last step done by then, and its worker the one it was
        last handed to by then among ``handed`` (``hand_overs``: the first dispatch and each reassignment the
        journal keeps).  Without them a reassignment after ``moment`` leaves the current worker."""
        undone: dict[str, Any] = {}
        if self.visited_at is not None and self.visited_at > moment:
            undone |= {"visited_at": None, "visited_day_only": False, "satisfaction": None, "visit_notes": None}
        if self.closed_at is not None and self.closed_at > moment:
            undone |= {"closed_at": None, "closed_day_only": False, "result": None}
        if self.assigned_at is not None and (self.handed_at or self.assigned_at) > moment:
            undone |= self._hands_then(self.assigned_at, moment, handed)
        if not undone:
            return self
        stood = dataclasses.replace(self, **undone)
        status = (
            "visited"
            if stood.visited_at is not None
            else "closed"
            if stood.closed_at is not None
            else "assigned"
            if stood.assigned_at is not None
            else "open"
        )
        return dataclasses.replace(stood, status=status)

    @staticmethod
    def _hands_then(assigned_at: dt.datetime, moment: dt.datetime, handed: Sequence[Dispatch]) -> dict[str, Any]:
        """``as_it_stood``'s dispatch at ``moment`` of an order dispatched at ``assigned_at`` and handed on since: not
        yet dispatched, or the worker it was last handed to by then among ``handed``."""
        if assigned_at > moment:
            return {"assigned_at": None, "assigned_day_only": False, "assignee": None, **_NOT_HANDED}
        then = [step for step in handed if step.moment is not None and step.moment <= moment]
        if not then:  # passed on after ``moment``, its reassignments not known: the current worker is left
            return dict(_NOT_HANDED)
        last = then[-1]
        stood = {"assignee": last.assignee}
        if last.step == REASSIGNED:
            return stood | {"handed_at": last.moment, "handed_day_only": last.day_alone}
        return stood | dict(_NOT_HANDED)

    def judged(self, deadline: dt.datetime) -> bool:
        """Whether a limit (``respond_by`` or ``close_by``) is judged: always for an order timed to the minute; for
        one whose times are dates alone only a limit of whole days (门窗's 72 hours), by the date."""
        return not self.date_only or (deadline - self.opened_at) % _DAY == dt.timedelta(0)

    def late(self, deadline: dt.datetime, moment: dt.datetime, day_alone: bool = False) -> bool | None:
        """Whether a step done (or still not done) at ``moment`` is past ``deadline``: by the clock, or by the date (the
        deadline's day is still in time) for a step recorded with a date alone (``day_alone``) or an order whose times
        are dates alone, or None when the order's limit is in hours and cannot be judged.  The one definition of
        lateness: list, show and the monthly report use it."""
        if not self.date_only:
            return moment.date() > deadline.date() if day_alone else moment > deadline
        if not self.judged(deadline):
            return None
        return moment.date() > deadline.date()

    def undispatched_at(self, moment: dt.datetime) -> bool:
        return self.assigned_at is None or self.assigned_at > moment

    @property
    def closed_late(self) -> bool | None:
        """True when finished after its close limit; None while unfinished, or when the limit is not judged."""
        return None if self.closed_at is None else self.late(self.close_by, self.closed_at, self.closed_day_only)

    @property
    def responded_late(self) -> bool | None:
        """True when dispatched after its response limit; None while undispatched, or when the limit is not
        judged."""
        return (
            None if self.assigned_at is None else self.late(self.respond_by, self.assigned_at, self.assigned_day_only)
        )

    def timeliness(self, as_of: dt.datetime) -> str:
        """What the list's 时限 column says at ``as_of``: 按时完成 / 超时完成 when finished by then, else the overdue
        reasons then (an order finished since was late then all the same: ``--overdue --as-of`` lists it), or 未超时;
        未记时刻 (``UNTIMED``) where a limit that decides it is in hours and the order's times are dates alone."""
        if self.closed_at is not None and self.closed_at <= as_of:
            late = self.closed_late
            return UNTIMED if late is None else "超时完成" if late else "按时完成"
        reasons = overdue_reasons(self, as_of)
        if reasons:
            return "、".join(reasons)
        undecided = self.late(self.close_by, as_of) is None or (
            self.undispatched_at(as_of) and self.late(self.respond_by, as_of) is None
        )
        return UNTIMED if undecided else "未超时"

    def shown_time(self, value: dt.datetime | None) -> str:
        """A time of the order as written: ``2026-11-03 09:15``, or the day alone for an order of dates alone."""
        return format_day_or_when(value, self.date_only)

    def day_alone(self, step: str) -> bool:
        """Whether a step (``assigned_at``, ``closed_at``, ``visited_at``, ``handed_at``) was recorded with a date
        alone."""
        return bool(getattr(self, _DAY_ONLY[step]))

    def shown_step(self, step: str) -> str:
        """A step's time (``assigned_at``, ``closed_at``, ``visited_at``, ``handed_at``) as written: the day alone when
        it was recorded so, else ``shown_time``; ``""`` when the step is not done."""
        return written_time(getattr(self, step), self.day_alone(step)) or self.shown_time(getattr(self, step))

    def limits_text(self) -> str:
        """The limits as ``show`` and ``add`` print them: by the clock (``… 前派工，… 前完成``), or for an order of dates
        alone by the day (``最迟 2026-11-06 完成``) or in hours, not judged (``4 小时内派工``)."""

        return f"{self.deadline_text(self.respond_by, '派工')}，{self.deadline_text(self.close_by, '完成')}"

    def deadline_text(self, deadline: dt.datetime, step: str) -> str:
        """One limit as ``limits_text`` says it: ``2026-10-03 13:15 前派工``, ``最迟 2026-11-06 完成``, ``4 小时内派工``."""
        if not self.date_only:
            return f"{format_when(deadline)} 前{step}"
        if self.judged(deadline):
            return f"最迟 {deadline:%Y-%m-%d} {step}"
        return f"{(deadline - self.opened_at) // dt.timedelta(hours=1)} 小时内{step}"

    def masked(self) -> WorkOrder:
        """The order as shown without ``--show-private``: its phone masked, and a phone or ID number a clerk
        wrote inside its texts (内容 “厨房漏水，业主电话 139…”, 报修人, 回访意见) masked where it stands."""
        texts: dict[str, Any] = {key: mask_in_text(value) for key, _ in TEXT_FIELDS if (value := getattr(self, key))}
        return dataclasses.replace(self, phone=mask_phone(self.phone) if self.phone else None, **texts)

    def contact(self, show_private: bool = False) -> str:
        order = self if show_private else self.masked()
        return " ".join(part for part in (order.reported_by or "", order.phone or "") if part) or "—"

    def to_dict(self, as_of: dt.datetime, show_private: bool = False) -> dict[str, Any]:
        order = self if show_private else self.masked()
        return {
            "number": order.number,
            "type": order.type,
            "category": order.category,
            "unit": order.unit,
            "place": order.place,
            "description": order.description,
            "reported_by": order.reported_by,
            "phone": order.phone,
            "status": order.status_label,
            "opened_at": order.shown_time(order.opened_at),
            "opened_by": order.opened_by,
            "date_only": order.date_only,
            "respond_by": self._deadline_shown(order.respond_by),
            "close_by": self._deadline_shown(order.close_by),
            "assignee": order.assignee,
            "assigned_at": order.shown_step("assigned_at") or None,
            "closed_at": order.shown_step("closed_at") or None,
            "result": order.result,
            "closed_late": order.closed_late,
            "overdue": overdue_reasons(order, as_of),
            "visited_at": order.shown_step("visited_at") or None,
            "satisfaction": order.satisfaction,
            "visit_notes": order.visit_notes,
            "repeat": order.is_repeat,
            "repeat_of": order.repeat_of,
        }

    def _deadline_shown(self, deadline: dt.datetime) -> str | None:
        """A deadline as ``--json`` gives it: the minute, the day for an order of dates alone, None when not judged."""
        if not self.date_only:
            return format_when(deadline)
        return f"{deadline:%Y-%m-%d}" if self.judged(deadline) else None


def day_alone_moment(day: dt.datetime, before: dt.datetime | None) -> dt.datetime:
    """Where a step written as a date alone (``day``, at 00:00) is kept: at 00:00 of its day, or at the moment of the
    step before it (``before``) when that was on the same day — never before it, so that a moment asked for that day
    (``list --as-of``) does not see it done before the step it follows."""
    return max(day, before) if before is not None and before.date() == day.date() else day


def written_time(value: dt.datetime | None, day_alone: bool) -> str:
    """A step's moment as it was written when it was written as a day: ``2026-11-04``; else ``""`` (the caller
    says it to the minute).  The stored minute of such a step is no time anybody wrote."""
    return f"{value:%Y-%m-%d}" if value is not None and day_alone else ""


def _order(row: Any) -> WorkOrder:
    return WorkOrder(
        number=row.number,
        type=row.type,
        category=row.category,
        unit=row.unit,
        place=row.place,
        description=row.description,
        reported_by=row.reported_by,
        phone=row.phone,
        status=row.status,
        opened_at=row.opened_at,
        opened_by=row.opened_by,
        respond_by=row.respond_by,
        close_by=row.close_by,
        repeat_of=row.repeat_of,
        assignee=row.assignee,
        assigned_at=row.assigned_at,
        closed_at=row.closed_at,
        result=row.result,
        visited_at=row.visited_at,
        satisfaction=row.satisfaction,
        visit_notes=row.visit_notes,
        date_only=bool(row.date_only),
        assigned_day_only=bool(row.assigned_day_only),
        closed_day_only=bool(row.closed_day_only),
        visited_day_only=bool(row.visited_day_only),
        handed_at=row.handed_at,
        handed_day_only=bool(row.handed_day_only),
    )


@dataclass(frozen=True)
class WorkOrderRecord:
    """A whole work order to insert, perhaps already dispatched, finished and visited (a logbook
    row, a demo order).  ``add_many`` gives it its number, deadlines and repeat mark."""

    type: str
    category: str
    description: str
    opened_at: dt.datetime
    unit: str | None = None
    place: str | None = None
    reported_by: str | None = None
    phone: str | None = None
    assignee: str | None = None
    assigned_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    result: str | None = None
    visited_at: dt.datetime | None = None
    satisfaction: str | None = None
    visit_notes: str | None = None
    # 报修、派工 or 完成时间 written as a date alone (``WorkOrder.late``).
    date_only: bool = False
    # That step written as a date alone (``STEP_DAY_ONLY``).
    assigned_day_only: bool = False
    closed_day_only: bool = False
    visited_day_only: bool = False

    @property
    def status(self) -> str:
        if self.visited_at is not None:
            return "visited"
        if self.closed_at is not None:
            return "closed"
        return "assigned" if self.assigned_at is not None else "open"


#: The typed texts of a work order, with their Chinese names (a logbook's columns say the same).
TEXT_FIELDS = (
    ("description", "内容"),
    ("place", "地点"),
    ("reported_by", "报修人"),
    ("assignee", "派工对象"),
    ("result", "处理结果"),
    ("visit_notes", "回访意见"),
)


def text_problem(text: str | None) -> str | None:
    """What is wrong with a typed text of a work order, or None: a control character (ESC, which starts a terminal's
    escape sequence; a NUL, which PostgreSQL refuses) or an invisible format character (a right-to-left override),
    as pasted from a chat or a web page.  Line breaks and tabs are a text's own (a logbook cell's Alt+Enter)."""
    hidden = hidden_characters((text or "").replace("\r", "").replace("\n", "").replace("\t", ""))
    if not hidden:
        return None
    return f"有控制字符或不可见的格式字符（{'、'.join(hidden)}），多半是从聊天记录或网页复制来的：请删掉后重新输入"


def length_problem(key: str, text: str | None) -> str | None:
    """What is wrong with the length of a typed text kept in a column of a fixed width (``place``, ``reported_by``,
    ``assignee``), or None: PostgreSQL refuses a longer one as a database error where SQLite would keep it."""
    width = getattr(w.c[key].type, "length", None)
    length = len((text or "").strip())
    return f"太长（{length} 个字）：最多 {width} 个字" if width is not None and length > width else None


def _checked_text(text: str | None, what: str, key: str | None = None) -> None:
    problem = text_problem(text) or (length_problem(key, text) if key is not None else None)
    if problem is not None:
        raise ValidationError(f"{what}{problem}")


def check_record(record: WorkOrderRecord) -> list[tuple[str, str]]:
    """What is wrong with a whole record, as (field, Chinese reason) pairs; empty when it is sound.

    The steps must come in order (派工 not before 报修, 完成 not before 派工, 回访 not before
    完成), each later step needs the earlier one, and a finished order needs its result."""
    problems: list[tuple[str, str]] = []
    for key, name in TEXT_FIELDS:
        problem = text_problem(getattr(record, key)) or length_problem(key, getattr(record, key))
        if problem is not None:
            problems.append((key, f"{name}{problem}"))
    if record.type not in TYPES:
        problems.append(("type", f"“{record.type}”不是工单类型，应为 {'、'.join(TYPES)} 之一"))
    if record.category not in CATEGORIES:
        problems.append(("category", f"“{record.category}”不是工单类别，应为 {'、'.join(CATEGORIES)} 之一"))
    if not record.description.strip():
        problems.append(("description", "内容不能为空"))
    if record.unit is None and not record.place:
        problems.append(("unit", "房号和地点都没有填写：公共区域请写地点，例如 3栋大堂"))
    steps = (
        ("assigned_at", record.assigned_at, "派工时间", "报修时间", record.opened_at),
        ("closed_at", record.closed_at, "完成时间", "派工时间", record.assigned_at),
        ("visited_at", record.visited_at, "回访时间", "完成时间", record.closed_at),
    )
    for key, when, name, before_name, before in steps:
        if when is None:
            continue
        by_date = record.date_only or getattr(record, STEP_DAY_ONLY[key])
        if before is None:
            problems.append((key, f"有{name}却没有{before_name}"))
        elif (when.date() < before.date()) if by_date else (when < before):
            problems.append((key, f"{name} {format_when(when)} 早于{before_name} {format_when(before)}"))
    if record.assigned_at is not None and not (record.assignee or "").strip():
        problems.append(("assignee", "有派工时间却没有写派给谁"))
    if record.assignee and record.assigned_at is None:
        problems.append(("assigned_at", "写了派工人却没有派工时间"))
    if record.closed_at is not None and not (record.result or "").strip():
        problems.append(("result", "已完成的工单须写处理结果"))
    if record.visited_at is not None and record.satisfaction not in SATISFACTIONS:
        problems.append(("satisfaction", f"回访须写满意度：{'、'.join(SATISFACTIONS)} 之一"))
    if record.satisfaction is not None and record.visited_at is None:
        problems.append(("visited_at", "写了满意度却没有回访时间"))
    return problems


# -- the ledger side -------------------------------------------------------------------------


class NoChange(UsageError):
    """What was asked holds already (an order passed on to the worker it is with): nothing was written, the journal
    neither.  Not a failure: the command line says it and exits 0."""


def known_units(conn: Connection, codes: Iterable[str]) -> set[str]:
    """Which of ``codes`` are units in the ledger."""

    wanted = sorted(set(codes))
    found: set[str] = set()
    for batch in in_batches(wanted):
        found.update(conn.execute(sa.select(units.c.code).where(units.c.code.in_(batch))).scalars())
    return found


def add_many(
    conn: Connection,
    settings: WorkOrderSettings,
    operator: str,
    records: Sequence[WorkOrderRecord],
    action: str = "workorder.add",
) -> list[str]:
    """Insert whole work orders in the caller's ledger write; returns their numbers, in input order.

    Numbers follow the reports' time order within each year, continuing that year's
    sequence gap-free (the write lock keeps two clerks apart).  Each order gets its
    category's deadlines and, for a complaint, its repeat mark — against the ledger and
    against the earlier records of the same batch; a complaint already in the ledger that a
    backdated one now precedes is marked as its repeat.  One journal row per order, the phone
    masked.  Bulk-inserted: the monthly report's benchmark loads thousands this way.

    ``ValidationError`` for the first record that fails ``check_record``; ``ConfigError`` for
    unusable ``[workorders]`` settings.  That the units exist is the caller's to check
    (``known_units``).
    """

    if not records:
        return []
    check_settings(settings)
    for position, record in enumerate(records, start=1):
        if problems := check_record(record):
            raise ValidationError(f"第 {position} 张工单有误：{problems[0][1]}")
    order = sorted(range(len(records)), key=lambda i: records[i].opened_at)
    years = sorted({record.opened_at.year for record in records})
    next_seq = {
        year: int(
            conn.execute(
                sa.select(sa.func.coalesce(sa.func.max(work_orders.c.seq), 0)).where(work_orders.c.year == year)
            ).scalar_one()
        )
        + 1
        for year in years
    }
    window = dt.timedelta(days=settings.repeat_days)
    complaints = [records[i] for i in order if records[i].type == "投诉" and records[i].unit is not None]
    earlier: dict[tuple[str, str], list[Earlier]] = {}
    if complaints:
        for row in conn.execute(
            sa.select(work_orders.c.number, work_orders.c.unit, work_orders.c.category, work_orders.c.opened_at).where(
                work_orders.c.type == "投诉",
                work_orders.c.unit.is_not(None),
                work_orders.c.opened_at >= complaints[0].opened_at - window,
                work_orders.c.opened_at <= complaints[-1].opened_at,
            )
        ):
            earlier.setdefault((row.unit, row.category), []).append(
                Earlier(row.number, row.unit, row.category, row.opened_at)
            )
    numbers: list[str] = [""] * len(records)
    rows: list[dict[str, Any]] = []
    changes: list[journal.Change] = []
    for index in order:
        record = records[index]
        year = record.opened_at.year
        seq = next_seq[year]
        next_seq[year] = seq + 1
        number = number_for(settings, year, seq)
        numbers[index] = number
        respond_by, close_by = deadlines(settings, record.category, record.opened_at)
        repeat_of = None
        if record.type == "投诉" and record.unit is not None:
            key = (record.unit, record.category)
            repeat_of = find_repeat(
                earlier.get(key, ()), record.unit, record.category, record.opened_at, settings.repeat_days
            )
            earlier.setdefault(key, []).append(Earlier(number, record.unit, record.category, record.opened_at))
        new_row: dict[str, Any] = {
            "number": number,
            "year": year,
            "seq": seq,
            "type": record.type,
            "category": record.category,
            "unit": record.unit,
            "place": record.place or None,
            "description": record.description.strip(),
            "reported_by": record.reported_by or None,
            "phone": record.phone or None,
            "status": record.status,
            "opened_at": record.opened_at,
            "opened_by": operator,
            "respond_by": respond_by,
            "close_by": close_by,
            "repeat_of": repeat_of,
            "assignee": record.assignee or None,
            "assigned_at": record.assigned_at,
            "closed_at": record.closed_at,
            "result": record.result or None,
            "closed_by": operator if record.closed_at is not None else None,
            "visited_at": record.visited_at,
            "satisfaction": record.satisfaction,
            "visit_notes": record.visit_notes or None,
            "visited_by": operator if record.visited_at is not None else None,
            "date_only": record.date_only,
            **{flag: getattr(record, flag) for flag in STEP_DAY_ONLY.values()},
        }
        rows.append(new_row)
        after = {
            key: (
                (written_time(value, new_row.get(STEP_DAY_ONLY.get(key, ""), False)) or format_when(value))
                if isinstance(value, dt.datetime)
                else value
            )
            for key, value in new_row.items()
            if key not in ("year", "seq", "number", *STEP_DAY_ONLY.values())
            and value is not None
            and value is not False
        }
        if record.phone:
            after["phone"] = mask_phone(record.phone)
        changes.append(journal.Change(action, "workorder", number, None, after))
    if complaints:
        changes += _mark_later_repeats(
            conn, settings, earlier, set(numbers), complaints[0].opened_at, complaints[-1].opened_at + window
        )
    bulk_insert(conn, work_orders, rows)
    journal.record(conn, operator, changes)
    return numbers


def _mark_later_repeats(
    conn: Connection,
    settings: WorkOrderSettings,
    earlier: dict[tuple[str, str], list[Earlier]],
    new: set[str],
    after: dt.datetime,
    until: dt.datetime,
) -> list[journal.Change]:
    """Complaints already in the ledger that a backdated new one now comes before (a logbook
    imported after the office started): marked as repeats of it, and journalled."""

    changes = []
    for row in conn.execute(
        sa.select(w.c.id, w.c.number, w.c.unit, w.c.category, w.c.opened_at)
        .where(
            w.c.type == "投诉",
            w.c.unit.is_not(None),
            w.c.repeat_of.is_(None),
            w.c.opened_at > after,
            w.c.opened_at <= until,
        )
        .order_by(w.c.opened_at)
    ).all():
        found = find_repeat(
            earlier.get((row.unit, row.category), ()), row.unit, row.category, row.opened_at, settings.repeat_days
        )
        if found in new:
            conn.execute(sa.update(w).where(w.c.id == row.id).values(repeat_of=found))
            changes.append(
                journal.Change("workorder.repeat", "workorder", row.number, {"repeat_of": None}, {"repeat_of": found})
            )
    return changes


def count_repeats(conn: Connection, numbers: Sequence[str]) -> int:
    """How many of the orders ``numbers`` are marked as repeat complaints."""

    return sum(
        int(
            conn.execute(
                sa.select(sa.func.count()).where(w.c.number.in_(batch), w.c.repeat_of.is_not(None))
            ).scalar_one()
        )
        for batch in in_batches(numbers)
    )


@dataclass(frozen=True)
class OrderRequest:
    """What a clerk types for ``workorder add``."""

    type: str
    category: str
    description: str
    unit: str | None = None
    place: str | None = None
    reported_by: str | None = None
    phone: str | None = None
    at: str | dt.datetime | None = None


def now_minute() -> dt.datetime:
    return dt.datetime.now().replace(second=0, microsecond=0)


def check_as_of(
    as_of: dt.datetime, today: dt.date | None = None, years: tuple[int, int] = BUSINESS_YEARS
) -> dt.datetime:
    """``as_of`` (``workorder list|show --as-of``) when its day is not after ``today``, as ``fees arrears --as-of``,
    and its year lies in ``years`` (an order's own time's window); else ``ValidationError``: a day to come would show
    as overdue what is not, as a year typed one too many would, and a year typed wrong the other way (1926) every
    order as 未超时."""
    check_not_future(as_of.date(), "--as-of 的日期", "只能按今天或以前的时刻判断工单是否超时", today)
    check_business_day(as_of.date(), "--as-of 的日期", years)
    return as_of


#: Where a day alone in ``--as-of`` stands: its last second (times are to the minute, so a deadline of 23:59 is past
#: by then), as ``fees arrears --as-of DAY`` counts that day's payments and the monthly report its month's last day.
_END_OF_DAY = dt.time(23, 59, 59)


def moment_asked(text: str, now: dt.datetime | None = None, years: tuple[int, int] = BUSINESS_YEARS) -> dt.datetime:
    """The moment ``workorder list|show --as-of`` names: a time as written (``2026-10-31 18:00``), a day alone
    (``2026-10-31``) the end of that day — today's is ``now``, the day not being over —, checked by ``check_as_of``.
    ``DateError``/``ValidationError`` as they say, and ``ValidationError`` for a time later than ``now``: lateness
    at an hour still to come is no fact, and without ``--as-of`` the same order is judged now."""
    now = now or now_minute()
    when, timed = parse_when_written(text, "--as-of")
    check_as_of(when, now.date(), years)
    if not timed:
        return min(dt.datetime.combine(when.date(), _END_OF_DAY), now)
    if when > now:
        raise ValidationError(
            f"--as-of {format_when(when)} 晚于现在（{format_when(now)}）：只能按现在或以前的时刻判断工单是否超时"
        )
    return when


def format_as_of(moment: dt.datetime) -> str:
    """A moment ``moment_asked`` gave, as a title says it: ``2026-10-31 18:00``, or a day's end
    ``2026-10-31 当天结束``."""
    return f"{moment:%Y-%m-%d} 当天结束" if moment.time() == _END_OF_DAY else format_when(moment)


def check_as_of_reported(order: WorkOrder, as_of: dt.datetime) -> dt.datetime:
    """``as_of`` (``workorder show --as-of``) when it is not before ``order`` was reported; else ``ValidationError``
    naming the report time: the order did not exist then, and 未超时 would read as if it had stood in time."""
    if as_of < order.opened_at:
        raise ValidationError(
            f"--as-of {format_as_of(as_of)} 早于工单 {order.number} 的{order.type}时间 "
            f"{order.shown_time(order.opened_at)}：那时还没有这张工单，请写{order.type}时间以后的时刻"
        )
    return as_of


def check_as_of_in_month(month: Month, as_of: dt.datetime) -> dt.datetime:
    """``as_of`` (``workorder list --month … --as-of …``) when it is not before ``month``'s first minute; else
    ``UsageError`` naming both: none of the month's orders existed then, and 工单 0 张 would read as a fact."""
    start, _ = month_bounds(month)
    if as_of < start:
        first = f"{start:%Y-%m-%d}"
        raise UsageError(
            f"--as-of {format_as_of(as_of)} 早于 --month {month} 的第一天（{first}）：那时这个月还没有工单；"
            f"请写 {first} 以后的时刻，或不加 --as-of"
        )
    return as_of


def _not_future(when: dt.datetime, now: dt.datetime, what: str, years: tuple[int, int] = BUSINESS_YEARS) -> dt.datetime:
    # A minute's grace: the clerk's clock and the server's may differ a little.
    if when > now + dt.timedelta(minutes=1):
        raise ValidationError(f"{what} {format_when(when)} 晚于现在（{format_when(now)}）：请检查日期和时刻")
    check_business_day(when.date(), what, years)
    return when


def _record_from_request(
    request: OrderRequest, now: dt.datetime, years: tuple[int, int] = BUSINESS_YEARS
) -> WorkOrderRecord:
    kind, category = parse_type(request.type), parse_category(request.category)
    # A complaint's refusals say 投诉时间 and 投诉人, as its order, list and show do.
    reporter, reported = f"{kind}人", f"{kind}时间"
    for text, what, key in (
        (request.description, "内容", "description"),
        (request.place, "地点", "place"),
        (request.reported_by, reporter, "reported_by"),
    ):
        _checked_text(text, what, key)
    description = (request.description or "").strip()
    if not description:
        raise ValidationError("工单内容不能为空：请用 --desc 写明报修或投诉的事情，例如 --desc 厨房水管漏水")
    # Typed at the counter, ",," or "。" would stand in the order (and the monthly report) as if it said something.
    if not says_something(description):
        raise ValidationError("工单内容不能只有标点：请用 --desc 写明报修或投诉的事情，例如 --desc 厨房水管漏水")
    unit = str(parse_unit_code(request.unit)) if request.unit and request.unit.strip() else None
    place = (request.place or "").strip() or None
    if place is not None and not says_something(place):
        raise ValidationError("地点不能只有标点：请用 --place 写明地点，例如 --place 3栋大堂")
    reported_by = name_as_kept(request.reported_by or "") or None
    if reported_by is not None and not has_letter(reported_by):
        raise ValidationError(
            f"{reporter}“{reported_by}”没有汉字或字母，不是姓名：请用 --reported-by 写报修人或投诉人的姓名，不知道的不写"
        )
    if unit is None and place is None:
        raise UsageError("请用 --unit 写房号；公共区域没有房号时用 --place 写地点，例如 --place 3栋大堂")
    phone = validate_phone(request.phone) if request.phone and request.phone.strip() else None
    # A date without a time of day (an old order entered from paper) is an order of dates alone, as an imported one.
    opened_at, timed = parse_when_written(request.at, reported) if request.at else (now, True)
    opened_at = _not_future(opened_at, now, reported, years)
    # At the counter an order is of this year or the last: one older is a year typed wrong (2016 for 2026) and would
    # open GD2016-000001; a logbook of older orders is back-filled by ``workorder import`` (``logbook``).
    shown = format_when(opened_at) if timed else f"{opened_at:%Y-%m-%d}"
    check_within_a_year(
        now.date(),
        opened_at.date(),
        f"{reported} {shown} 早于一年前（今天是 {{day}}）：请检查年份；补录旧的登记本请用 workorder import",
    )
    return WorkOrderRecord(
        kind,
        category,
        description,
        opened_at,
        unit,
        place,
        reported_by,
        phone,
        date_only=not timed,
    )


def add(
    ledger: Ledger,
    settings: WorkOrderSettings,
    operator: str,
    request: OrderRequest,
    now: dt.datetime | None = None,
    years: tuple[int, int] = BUSINESS_YEARS,
) -> WorkOrder:
    """Open a work order (``workorder add``) and return it with its new number.

    ``years`` is the window its time must lie in, the same as money's (``[receipt] first_year`` and
    ``last_year``); later steps (dispatch, completion, visit) lie between it and now.

    ``ValidationError`` for a bad type, category, phone, time (or one in the future), an empty description, a
    description or place of punctuation alone (``says_something``), a reporter's name without a letter, or a place or
    name longer than the ledger keeps; ``UsageError`` with neither unit nor place; ``NotFoundError`` for a unit the
    ledger does not hold.  Nothing is written then."""
    record = _record_from_request(request, now or now_minute(), years)
    with ledger.write() as conn:
        if record.unit is not None and not known_units(conn, [record.unit]):
            raise unknown_unit(conn, record.unit, also="公共区域请用 --place")
        number = add_many(conn, settings, operator, [record])[0]
        return _order(_find_row(conn, number))


def _row_named(conn: Connection, wanted: str) -> Any:
    """The order whose number is ``wanted`` (a ``stored_form``); None when there is none."""
    return find_numbered(
        wanted,
        NUMBER_WIDTH,
        lambda exact: conn.execute(sa.select(work_orders).where(work_orders.c.number == exact)).first(),
        lambda year, seq: conn.execute(
            sa.select(work_orders).where(work_orders.c.year == year, work_orders.c.seq == seq)
        ).first(),
    )


def _find_row(conn: Connection, number: str) -> Any:
    """The order ``number`` names as a clerk types it (``gd2026-1``: ``core.numbering``); ``NotFoundError`` when none,
    naming the number as typed: reshaped (``SJ2026-000006`` for a receipt's ``SJ2026-6``) it is no text the clerk
    wrote."""
    row = _row_named(conn, stored_form(number, NUMBER_WIDTH))
    if row is None:
        raise NotFoundError(f"没有编号为 {number.strip()} 的工单：请用 recordkit workorder list 查看")
    return row


def order_number(conn: Connection, typed: str) -> str | None:
    """The number, as the ledger writes it, of the order ``typed`` names as the work-order commands read it — the
    key of its journal entries (``journal list --key GD2026-1``); None when it names no order."""
    row = _row_named(conn, stored_form(typed, NUMBER_WIDTH))
    return None if row is None else str(row.number)


def get_order(ledger: Ledger, number: str) -> WorkOrder:
    """One work order by its number (``GD2026-000123``); ``NotFoundError`` when there is none."""
    with ledger.read() as conn:
        return _order(_find_row(conn, number))


def _step_time(
    at: str | dt.datetime | None, now: dt.datetime, what: str, after: dt.datetime, after_what: str, after_shown: str
) -> tuple[dt.datetime, bool]:
    """A step's time and whether it was typed as a date alone (kept as ``day_alone_moment``: 00:00 of that day, or the
    step before it on that day).  A day alone compares by date: not before the day of the step before it (``after``,
    written ``after_shown``), and in time on its deadline's day, late after it (``WorkOrder.late``)."""
    when, timed = parse_when_written(at, what) if at else (now, True)
    when = _not_future(when, now, what)
    if (when.date() < after.date()) if not timed else (when < after):
        shown = format_when(when) if timed else f"{when:%Y-%m-%d}"
        raise ValidationError(f"{what} {shown} 早于{after_what} {after_shown}：请检查 --at")
    return (when, False) if timed else (day_alone_moment(when, after), True)


def _update(
    conn: Connection, operator: str, row: Any, action: str, values: dict[str, Any], day_alone: bool = False
) -> WorkOrder:
    conn.execute(sa.update(work_orders).where(work_orders.c.id == row.id).values(**values))

    def shown(value: Any) -> Any:
        return (written_time(value, day_alone) or format_when(value)) if isinstance(value, dt.datetime) else value

    journalled = [key for key in values if not key.endswith(("_by", "_day_only"))]
    before = {key: shown(getattr(row, key)) for key in journalled}
    before["status"] = STATUS_LABELS[row.status]
    after = {key: shown(values[key]) for key in journalled}
    after["status"] = STATUS_LABELS[values.get("status", row.status)]
    journal.record(conn, operator, [journal.Change(action, "workorder", row.number, before, after)])
    return _order(_find_row(conn, row.number))


def assign(
    ledger: Ledger,
    operator: str,
    number: str,
    to: str,
    at: str | dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> WorkOrder:
    """Dispatch an order to a worker (``workorder assign``); an order still being handled may be
    passed to someone else: the first dispatch time stays (派工超时 is judged on it), the reassignment and its
    time are journalled (``workorder.reassign``) and kept as the order's last hand-over (``handed_at``).

    ``ValidationError`` for an empty name, one without a letter, or one longer than the ledger keeps
    (``length_problem``), a time before
    the report (or, passing it on, before the last hand-over: the first dispatch or the last reassignment,
    ``handed_at``); ``ConflictError`` for a finished order; ``NotFoundError`` for an unknown number; ``NoChange`` for an
    order passed on to the worker it is already with, however written (``same_worker``; nothing is written).
    """
    _checked_text(to, "派工对象", "assignee")
    to = name_as_kept(to or "")
    if not to:
        raise ValidationError("请用 --to 写明派给谁（维修工或负责人姓名）")
    if not has_letter(to):
        raise ValidationError(f"派工对象“{to}”没有汉字或字母，不是姓名：请用 --to 写明派给谁（维修工或负责人姓名）")
    now = now or now_minute()
    with ledger.write() as conn:
        row = _find_row(conn, number)
        held = _order(row)
        if row.status in FINISHED_STATUSES:
            raise ConflictError(f"工单 {row.number} 已于 {held.shown_step('closed_at')} 完成，不能再派工")
        if row.status == "assigned":
            last, last_what = _last_hand_over(row)
            when, day_alone = _step_time(
                at,
                now,
                "改派时间",
                last,
                "上次改派时间" if held.handed_at else "首次派工时间",
                held.shown_step(last_what),
            )
            if same_worker(to, row.assignee):
                raise NoChange(
                    f"没有改动：工单 {row.number} 已派给{named_in_sentence(row.assignee.strip())}（首次派工 {held.shown_step('assigned_at')}）"
                )
            handed = {"assignee": to, "handed_at": when, "handed_day_only": day_alone}
            conn.execute(sa.update(work_orders).where(work_orders.c.id == row.id).values(**handed))
            change = journal.Change(
                "workorder.reassign",
                "workorder",
                row.number,
                {"assignee": row.assignee},
                {"assignee": to, "reassigned_at": written_time(when, day_alone) or format_when(when)},
            )
            journal.record(conn, operator, [change])
            return _order(_find_row(conn, row.number))
        when, day_alone = _step_time(at, now, "派工时间", row.opened_at, "报修时间", held.shown_time(row.opened_at))
        values = {"status": "assigned", "assignee": to, "assigned_at": when, "assigned_day_only": day_alone}
        return _update(conn, operator, row, "workorder.assign", values, day_alone)


def _last_hand_over(row: Any) -> tuple[dt.datetime, str]:
    """When a dispatched order's row last changed hands — its last reassignment, else its dispatch — and which step
    that is: nothing is finished or passed on again before it."""
    return (row.handed_at, "handed_at") if row.handed_at is not None else (row.assigned_at, "assigned_at")


#: What ``show`` calls the two kinds of hand-over.
FIRST_DISPATCH = "首次派工"
REASSIGNED = "改派"


@dataclass(frozen=True)
class Dispatch:
    """One hand-over of an order, as ``show`` lists it: its first dispatch (首次派工) or a reassignment (改派), its time
    as it was written, and the worker it went to; beside them the moment it is kept at (None when its journal entry
    holds no readable time) and whether it was written as a day alone, for ``WorkOrder.as_it_stood``."""

    step: str
    at: str
    assignee: str
    moment: dt.datetime | None = None
    day_alone: bool = False

    def masked(self) -> Dispatch:
        """As ``WorkOrder.masked`` shows a worker's name: a phone or ID number written inside it masked."""
        return dataclasses.replace(self, assignee=mask_in_text(self.assignee))

    def to_dict(self) -> dict[str, str]:
        """As ``show --json`` gives it: ``step``, ``at`` as written, ``assignee``."""
        return {"step": self.step, "at": self.at, "assignee": self.assignee}


#: A reassignment as the journal keeps it: its ``before`` and ``after`` (``assignee``, ``reassigned_at`` as written).
Reassignment = tuple[dict[str, Any], dict[str, Any]]


def hand_overs(order: WorkOrder, reassignments: Sequence[Reassignment]) -> list[Dispatch]:
    """Who the order was sent to first and when, then each of its ``reassignments`` (oldest first); empty for an order
    not dispatched.  A reassignment's moment is its time as written, a day alone kept at the hand-over before it when
    that was on the same day (``day_alone_moment``, as ``assign`` kept it).  The first worker is the first
    reassignment's ``before``; the first dispatch's time is the order's (an order passed on before reassignments were
    journalled as such got it back from the journal, migration 0026)."""
    if order.assigned_at is None or order.assignee is None:
        return []
    first = reassignments[0][0].get("assignee", order.assignee) if reassignments else order.assignee
    steps = [
        Dispatch(FIRST_DISPATCH, order.shown_step("assigned_at"), first, order.assigned_at, order.assigned_day_only)
    ]
    last = order.assigned_at
    for _, after in reassignments:
        written = str(after.get("reassigned_at") or "")
        moment, day_alone = None, False
        if (read := _written_moment(written, last)) is not None:
            moment, day_alone = read
            last = moment
        steps.append(Dispatch(REASSIGNED, written, str(after.get("assignee", "")), moment, day_alone))
    return steps


def _written_moment(written: str, last: dt.datetime) -> tuple[dt.datetime, bool] | None:
    """The moment a reassignment written so in the journal is kept at and whether it was a day alone (kept at ``last``,
    the hand-over before it, when that was on the same day); None for no readable time (it moves nothing)."""
    if not written:
        return None
    try:
        when, timed = parse_when_written(written)
    except ValueError:  # DateError is a ValueError too
        return None
    return (when, False) if timed else (day_alone_moment(when, last), True)


def _reassignments(conn: Connection, numbers: Sequence[str]) -> dict[str, list[Reassignment]]:
    """The journal's reassignments of the orders ``numbers``, oldest first, by number: each ``workorder.reassign``, and
    each ``workorder.assign`` whose ``before`` names a worker — a reassignment before they were journalled as such:
    its ``before`` keeps the worker before it, its ``after`` the new worker and, as ``reassigned_at``, its time."""
    found: dict[str, list[Reassignment]] = {}
    for batch in in_batches(numbers):
        for key, action, before_text, after_text in conn.execute(
            sa.select(journal_rows.c.entity_key, journal_rows.c.action, journal_rows.c.before, journal_rows.c.after)
            .where(
                journal_rows.c.entity == "workorder",
                journal_rows.c.entity_key.in_(batch),
                journal_rows.c.action.in_(("workorder.reassign", "workorder.assign")),
            )
            .order_by(journal_rows.c.id)
        ):
            before, after = json.loads(before_text or "{}"), json.loads(after_text or "{}")
            if action == "workorder.assign":
                if not before.get("assignee"):
                    continue  # the first dispatch
                after = {"assignee": after.get("assignee"), "reassigned_at": after.get("assigned_at")}
            found.setdefault(key, []).append((before, after))
    return found


def dispatches(ledger: Ledger, order: WorkOrder) -> list[Dispatch]:
    """``hand_overs`` of ``order`` from the journal.  The order keeps the current worker beside the first dispatch's
    time."""
    if order.assigned_at is None or order.assignee is None:
        return []
    with ledger.read() as conn:
        return hand_overs(order, _reassignments(conn, [order.number]).get(order.number, []))


@dataclass(frozen=True)
class ShownOrder:
    """What ``workorder show`` shows: the order (as it stood at ``--as-of``), its hand-overs by then, and how many
    steps — dispatch, reassignments, completion, visit — were recorded after that moment."""

    order: WorkOrder
    dispatches: list[Dispatch]
    later_records: int = 0


def show_order(ledger: Ledger, number: str, as_of: dt.datetime | None = None) -> ShownOrder:
    """The order ``number`` names, as it stands now or, given ``as_of``, as it stood then (``WorkOrder.as_it_stood``):
    the hand-overs after ``as_of`` left out and counted with its completion and visit after it.  ``NotFoundError`` for
    an unknown number; ``ValidationError`` for an ``as_of`` before the order was reported (``check_as_of_reported``)."""
    order = get_order(ledger, number)
    handed = dispatches(ledger, order)
    if as_of is None:
        return ShownOrder(order, handed)
    check_as_of_reported(order, as_of)
    then = [step for step in handed if step.moment is not None and step.moment <= as_of]
    finished_later = [when for when in (order.closed_at, order.visited_at) if when is not None and when > as_of]
    later = sum(1 for step in handed if step.moment is not None and step.moment > as_of) + len(finished_later)
    return ShownOrder(order.as_it_stood(as_of, handed), then, later)


def close(
    ledger: Ledger,
    operator: str,
    number: str,
    result: str,
    at: str | dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> WorkOrder:
    """Finish a dispatched order with its result (``workorder close``).

    Completion implies dispatch: ``ConflictError`` for an order not yet dispatched (assign
    it first) or one already finished; ``ValidationError`` for an empty result or one of punctuation
    alone, or a time before the dispatch, or before the last reassignment (``handed_at``).
    """
    _checked_text(result, "处理结果")
    result = (result or "").strip()
    if not result:
        raise ValidationError("请用 --result 写明处理结果，例如 --result 已更换水龙头")
    if not says_something(result):
        raise ValidationError("处理结果不能只有标点：请用 --result 写明处理结果，例如 --result 已更换水龙头")
    now = now or now_minute()
    with ledger.write() as conn:
        row = _find_row(conn, number)
        held = _order(row)
        if row.status in FINISHED_STATUSES:
            raise ConflictError(f"工单 {row.number} 已于 {held.shown_step('closed_at')} 完成，不能重复完工")
        if row.status == "open":
            raise ConflictError(
                f"工单 {row.number} 尚未派工，不能完工：请先运行 "
                f"recordkit workorder assign {row.number} --to 维修工姓名"
            )
        last, last_what = _last_hand_over(row)
        when, day_alone = _step_time(
            at, now, "完成时间", last, "改派时间" if held.handed_at else "派工时间", held.shown_step(last_what)
        )
        values = {
            "status": "closed",
            "closed_at": when,
            "closed_day_only": day_alone,
            "result": result,
            "closed_by": operator,
        }
        return _update(conn, operator, row, "workorder.close", values, day_alone)


def visit(
    ledger: Ledger,
    operator: str,
    number: str,
    satisfaction: str,
    notes: str = "",
    at: str | dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> WorkOrder:
    """Record the follow-up visit and the owner's satisfaction (``workorder visit``), once.

    ``ConflictError`` for an order not yet finished or already visited; ``ValidationError``
    for a satisfaction other than 满意/基本满意/不满意, notes of punctuation alone or a time before the completion.
    """
    satisfaction = parse_satisfaction(satisfaction)
    _checked_text(notes, "回访意见")
    # "——" or ",," would stand as the owner's words on the order; none is written as no --notes at all
    if (notes or "").strip() and (problem := reason_problem(notes, "回访意见", "--notes")) is not None:
        raise ValidationError(problem)
    now = now or now_minute()
    with ledger.write() as conn:
        row = _find_row(conn, number)
        held = _order(row)
        if row.status == "visited":
            raise ConflictError(
                f"工单 {row.number} 已于 {held.shown_step('visited_at')} 回访（{row.satisfaction}），不能重复回访"
            )
        if row.status != "closed":
            raise ConflictError(
                f"工单 {row.number} 尚未完成（现为{STATUS_LABELS[row.status]}），不能回访：完成后再回访"
            )
        when, day_alone = _step_time(at, now, "回访时间", row.closed_at, "完成时间", held.shown_step("closed_at"))
        values = {
            "status": "visited",
            "visited_at": when,
            "visited_day_only": day_alone,
            "satisfaction": satisfaction,
            "visit_notes": (notes or "").strip() or None,
            "visited_by": operator,
        }
        return _update(conn, operator, row, "workorder.visit", values, day_alone)


@dataclass(frozen=True)
class OrderFilter:
    """What ``workorder list`` narrows to; every field None/False means everything."""

    open_only: bool = False
    overdue: bool = False
    type: str | None = None
    category: str | None = None
    unit: str | None = None
    month: Month | None = None


def list_orders(
    ledger: Ledger, wanted: OrderFilter = OrderFilter(), as_of: dt.datetime | None = None
) -> list[WorkOrder]:
    """Work orders in number order, narrowed by ``wanted``; ``overdue`` keeps unfinished orders
    past a limit at ``as_of`` (default now).  The orders reported after ``as_of`` are left out, overdue or not: they
    did not exist then.  Given ``as_of``, each order is as it stood then (``WorkOrder.as_it_stood``) and
    ``open_only`` keeps those not finished then (the month's review: what was open at its end).  ``ValidationError``
    for a bad type or category."""

    asked = as_of
    as_of = as_of or now_minute()
    query = (
        sa.select(work_orders).where(work_orders.c.opened_at <= as_of).order_by(work_orders.c.year, work_orders.c.seq)
    )
    if wanted.open_only and asked is not None:
        query = query.where(sa.or_(work_orders.c.closed_at.is_(None), work_orders.c.closed_at > asked))
    elif wanted.open_only:
        query = query.where(work_orders.c.status.in_(OPEN_STATUSES))
    if wanted.type:
        query = query.where(work_orders.c.type == parse_type(wanted.type))
    if wanted.category:
        query = query.where(work_orders.c.category == parse_category(wanted.category))
    code = str(parse_unit_code(wanted.unit)) if wanted.unit else None
    if code is not None:
        query = query.where(work_orders.c.unit == code)
    if wanted.month is not None:
        start, end = month_bounds(wanted.month)
        query = query.where(work_orders.c.opened_at >= start, work_orders.c.opened_at < end)
    if wanted.overdue:  # unfinished at ``as_of`` and past a limit then (finished or dispatched since, or not)
        query = query.where(overdue_at(as_of))
    with ledger.read() as conn:
        orders = [_order(row) for row in conn.execute(query)]
        if not orders:
            refuse_unknown_unit(conn, code)
        # The worker then of an order passed on since (``as_it_stood``): from the journal's reassignments.
        passed_on = [o.number for o in orders if asked is not None and o.handed_at is not None and o.handed_at > asked]
        reassigned = _reassignments(conn, passed_on) if passed_on else {}
    if wanted.overdue:
        orders = [order for order in orders if overdue_reasons(order, as_of)]
    if asked is None:
        return orders
    return [order.as_it_stood(asked, hand_overs(order, reassigned.get(order.number, []))) for order in orders]


# -- the month's figures (the monthly report's 工单 sheet) ----------------------------------------


def overdue_at(as_of: dt.datetime) -> sa.ColumnElement[bool]:
    """An order unfinished at ``as_of`` and past a limit then (``overdue_reasons`` in SQL): not finished by then
    past its close limit, or not dispatched by then past its response limit — whatever became of it since."""
    w = work_orders.c
    undispatched = sa.or_(w.assigned_at.is_(None), w.assigned_at > as_of)
    return sa.and_(
        w.opened_at <= as_of,
        sa.or_(w.closed_at.is_(None), w.closed_at > as_of),
        sa.or_(w.close_by < as_of, sa.and_(undispatched, w.respond_by < as_of)),
    )


def month_bounds(month: Month) -> tuple[dt.datetime, dt.datetime]:
    """The month as a half-open span of wall-clock time: its first minute, the next month's first."""
    start = month.first_day()
    end = (month + 1).first_day()
    return dt.datetime(start.year, start.month, start.day), dt.datetime(end.year, end.month, end.day)


@dataclass(frozen=True)
class WorkOrderMonth:
    """A month's work-order figures, as the monthly report prints them.

    Definitions (the report's 说明 sheet copies them):

    - ``opened``: orders reported (报修时间) in the month, by (类型, 类别); types 报修/投诉.
    - ``closed``: orders finished (完成时间) in the month, whenever reported;
      ``closed_on_time``: of them, finished no later than the report time plus the category's
      close limit in force when the order was opened.  按时完成率 = closed_on_time / closed.
    - ``visited``: follow-up visits (回访时间) made in the month; ``satisfied``, ``fairly_satisfied``,
      ``dissatisfied``: of them, 满意, 基本满意, 不满意.  满意率 = (满意 + 基本满意) / visited.
    - ``repeat_complaints``: complaints reported in the month that repeat an earlier complaint
      about the same unit and category within ``[workorders] repeat_days`` (30) days.
    - ``open_at_end``: orders reported before the month's end and not finished by then (月末未完成).
      ``overdue_at_end``: of them, past a limit at the month's end — not finished by the close
      limit, or not dispatched by the response limit (月末超时).
    - ``closed_untimed``, ``untimed_at_end``: of the finished ones and of the unfinished ones, those
      whose times are dates alone and whose deciding limit is in hours (``WorkOrder.timeliness`` says
      未记时刻): neither on time nor late, left out of 按时完成率 and counted apart.
    The month ends at 00:00 of the next month's first day: what stands just before then.  Lateness is
    ``WorkOrder.late``'s, as ``workorder list`` and ``show`` judge it.
    """

    period: str
    opened: dict[tuple[str, str], int]
    closed: int
    closed_on_time: int
    visited: int
    satisfied: int
    fairly_satisfied: int
    dissatisfied: int
    repeat_complaints: int
    open_at_end: int
    overdue_at_end: int
    # Defaults: figures kept at a closing by an earlier version have none.
    closed_untimed: int = 0
    untimed_at_end: int = 0

    @property
    def untimed(self) -> int:
        """The orders whose lateness was not judged (dates alone, limits in hours), finished or still open."""
        return self.closed_untimed + self.untimed_at_end

    @property
    def opened_total(self) -> int:
        return sum(self.opened.values())

    def opened_of_type(self, kind: str) -> int:
        return sum(count for (t, _), count in self.opened.items() if t == kind)

    def opened_by_category(self) -> dict[str, int]:
        """Orders opened per category (both types), in ``CATEGORIES`` order, zero ones included."""
        return {c: sum(n for (_, cat), n in self.opened.items() if cat == c) for c in CATEGORIES}

    @property
    def on_time_rate(self) -> Decimal | None:
        """closed_on_time / the finished orders judged, cut to its shown digit (``shown_rate``), None when none
        was."""
        return shown_rate(self.closed_on_time, self.closed - self.closed_untimed)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """(满意 + 基本满意) / visited, cut to its shown digit (``shown_rate``), None when no visit was made."""
        return shown_rate(self.satisfied + self.fairly_satisfied, self.visited)


def month_figures(
    conn: Connection,
    month: Month,
    settings: WorkOrderSettings | Settings | None = None,
    as_of: dt.datetime | None = None,
) -> WorkOrderMonth:
    """The month's figures (see ``WorkOrderMonth`` for each definition), from a few grouped queries.

    ``settings`` is accepted for the report's sake; the limits that count are the ones stored
    on each order when it was opened, so a later change to recordkit.toml never rewrites a
    past month.  The orders unfinished and late "at the month's end" are counted at ``as_of``
    when it comes first (a month not over yet: now), as ``workorder list --overdue`` counts them.
    """

    start, end = month_bounds(month)
    # What stands at the month's last moment — its last second: times are to the minute, so a deadline of 23:59
    # is past by then and one of 00:00 next month is not — or at ``as_of`` when that comes first.
    last = end - dt.timedelta(seconds=1)
    moment = last if as_of is None else min(last, as_of)
    opened = {
        (row.type, row.category): int(row.n)
        for row in conn.execute(
            sa.select(w.c.type, w.c.category, sa.func.count().label("n"))
            .where(w.c.opened_at >= start, w.c.opened_at < end)
            .group_by(w.c.type, w.c.category)
        )
    }
    finished = [order.closed_late for order in _closed_in(conn, start, end)]
    visits = {
        row.satisfaction: int(row.n)
        for row in conn.execute(
            sa.select(w.c.satisfaction, sa.func.count().label("n"))
            .where(w.c.visited_at >= start, w.c.visited_at < end)
            .group_by(w.c.satisfaction)
        )
    }
    repeats = conn.execute(
        sa.select(sa.func.count()).where(
            w.c.opened_at >= start, w.c.opened_at < end, w.c.type == "投诉", w.c.repeat_of.is_not(None)
        )
    ).scalar_one()
    unfinished = sa.and_(w.c.opened_at <= moment, sa.or_(w.c.closed_at.is_(None), w.c.closed_at > moment))
    standing = [_timed(row).timeliness(moment) for row in conn.execute(sa.select(*_TIMES).where(unfinished))]
    return WorkOrderMonth(
        period=str(month),
        opened=opened,
        closed=len(finished),
        closed_on_time=finished.count(False),
        visited=sum(visits.values()),
        satisfied=visits.get("满意", 0),
        fairly_satisfied=visits.get("基本满意", 0),
        dissatisfied=visits.get("不满意", 0),
        repeat_complaints=int(repeats),
        open_at_end=len(standing),
        overdue_at_end=sum(1 for said in standing if said not in ("未超时", UNTIMED)),
        closed_untimed=finished.count(None),
        untimed_at_end=standing.count(UNTIMED),
    )


def _closed_in(conn: Connection, start: dt.datetime, end: dt.datetime) -> list[WorkOrder]:
    """The orders finished in ``start`` ≤ 完成时间 < ``end``, for their lateness (``WorkOrder.closed_late``)."""
    return [_timed(row) for row in conn.execute(sa.select(*_TIMES).where(w.c.closed_at >= start, w.c.closed_at < end))]


#: What an order's lateness is judged from (``WorkOrder.late``): the month's figures read only these, for
#: thousands of orders (the whole row made into a ``WorkOrder`` cost ten times the month's other queries).
#: (Its type and category too: the figures by category count them.)
_TIMES = (
    w.c.type, w.c.category, w.c.opened_at, w.c.respond_by, w.c.close_by, w.c.assigned_at, w.c.closed_at, w.c.date_only,
    w.c.assigned_day_only, w.c.closed_day_only,
)  # fmt: skip


def _timed(row: Any) -> WorkOrder:
    """A ``WorkOrder`` of ``_TIMES`` alone, for its lateness (``late``, ``closed_late``, ``timeliness``)."""
    kind, category, opened_at, respond_by, close_by, assigned_at, closed_at, date_only, assigned_alone, closed_alone = (
        row
    )
    return WorkOrder(
        number="", type=kind, category=category, unit=None, place=None, description="", reported_by=None, phone=None,
        status="", opened_at=opened_at, opened_by="", respond_by=respond_by, close_by=close_by,
        assigned_at=assigned_at, closed_at=closed_at, date_only=bool(date_only),
        assigned_day_only=bool(assigned_alone), closed_day_only=bool(closed_alone),
    )  # fmt: skip


def orders_in_month(conn: Connection, month: Month) -> list[WorkOrder]:
    """Every order the month touched — reported, finished or visited in it — in number order
    (the report's detail list).  Phones are as stored: mask them before printing."""

    start, end = month_bounds(month)
    within = [sa.and_(column >= start, column < end) for column in (w.c.opened_at, w.c.closed_at, w.c.visited_at)]
    return [_order(row) for row in conn.execute(sa.select(w).where(sa.or_(*within)).order_by(w.c.year, w.c.seq))]


@dataclass(frozen=True)
class WorkOrderCategoryMonth:
    """One (类型, 类别) row of the month's figures, with the same definitions as ``WorkOrderMonth``:
    opened in the month, finished in the month (and of them on time), visits made in the month,
    repeat complaints opened in the month."""

    type: str
    category: str
    opened: int
    closed: int
    closed_on_time: int
    visited: int
    satisfied: int
    fairly_satisfied: int
    dissatisfied: int
    repeat_complaints: int
    closed_untimed: int = 0

    @property
    def on_time_rate(self) -> Decimal | None:
        return shown_rate(self.closed_on_time, self.closed - self.closed_untimed)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return shown_rate(self.satisfied + self.fairly_satisfied, self.visited)


def category_figures(conn: Connection, month: Month) -> list[WorkOrderCategoryMonth]:
    """The month's figures per (类型, 类别), every type and category (zero rows included), in
    ``TYPES`` × ``CATEGORIES`` order; their sums equal ``month_figures``' totals."""

    start, end = month_bounds(month)

    def within(column: Any) -> Any:
        return sa.and_(column >= start, column < end)

    def count_if(condition: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    query = (
        sa.select(
            w.c.type,
            w.c.category,
            count_if(within(w.c.opened_at)).label("opened"),
            count_if(within(w.c.visited_at)).label("visited"),
            count_if(sa.and_(within(w.c.visited_at), w.c.satisfaction == "满意")).label("satisfied"),
            count_if(sa.and_(within(w.c.visited_at), w.c.satisfaction == "基本满意")).label("fairly"),
            count_if(sa.and_(within(w.c.visited_at), w.c.satisfaction == "不满意")).label("dissatisfied"),
            count_if(sa.and_(within(w.c.opened_at), w.c.type == "投诉", w.c.repeat_of.is_not(None))).label("repeats"),
        )
        .where(sa.or_(within(w.c.opened_at), within(w.c.closed_at), within(w.c.visited_at)))
        .group_by(w.c.type, w.c.category)
    )
    found = {(row.type, row.category): row for row in conn.execute(query)}
    finished: dict[tuple[str, str], list[bool | None]] = {}
    for order in _closed_in(conn, start, end):
        finished.setdefault((order.type, order.category), []).append(order.closed_late)
    rows = []
    for kind in TYPES:
        for category in CATEGORIES:
            row = found.get((kind, category))
            opened, visited, satisfied, fairly, dissatisfied, repeats = (
                [int(v) for v in row[2:]] if row is not None else [0] * 6
            )
            late = finished.get((kind, category), [])
            rows.append(
                WorkOrderCategoryMonth(
                    kind, category, opened, len(late), late.count(False), visited, satisfied, fairly, dissatisfied,
                    repeats, late.count(None),
                )
            )  # fmt: skip
    return rows
