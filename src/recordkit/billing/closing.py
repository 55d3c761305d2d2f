"""Closing a month (结账, ``fees close``): after it nothing dated inside that month changes — no payment,
bill, reading or void dated in it; a receipt of a closed month is undone by a red reversal (红冲) dated
in an open month (``receipts``).

This module owns the closed months and the check every writer of money calls; it knows nothing of
how bills or receipts are made.  Closing also stores the month's closing balances (``balances``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.billing.balances import store_closing_balances
from recordkit.core.dates import (
    BUSINESS_YEARS,
    Month,
    MonthRange,
    check_business_month,
    format_stamp,
    office_time,
    parse_month,
)
from recordkit.core.errors import ConflictError, ValidationError
from recordkit.ledger import journal
from recordkit.ledger.db import office_zone_of
from recordkit.ledger.schema import bills, closed_months, payments, receipts, renovations

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.ledger.db import Ledger


@dataclass(frozen=True)
class ClosedMonth:
    month: Month
    closed_at: dt.datetime  # UTC
    closed_by: str
    billed: bool | None = None  # whether the month has a bill; None: not read (only ``list_closed`` reads it)

    def to_dict(self, zone: str) -> dict[str, Any]:
        """The JSON of ``fees close --list``: ``closed_at`` in ISO with the offset of the office's clock ``zone``,
        ``billed`` false for a month closed without bills."""
        return {
            "month": str(self.month),
            "closed_at": office_time(self.closed_at, zone).isoformat(timespec="seconds"),
            "closed_by": self.closed_by,
            "billed": self.billed,
        }


@dataclass(frozen=True)
class Closing:
    """What one ``fees close`` closed: the month asked for, and ``along``, the open months before it without
    bills or money that it closed with it, oldest first."""

    closed: ClosedMonth
    along: tuple[Month, ...] = ()


def _closed(row: Any) -> ClosedMonth:
    return ClosedMonth(parse_month(row.month), dt.datetime.fromisoformat(row.closed_at), row.closed_by)


# Built once: every payment and every dated change asks it under the write lock.
_FIND_CLOSED = sa.select(closed_months).where(closed_months.c.month.in_(sa.bindparam("months", expanding=True)))


def find_closed(conn: Connection, months: Iterable[Month]) -> dict[Month, ClosedMonth]:
    """Which of ``months`` are closed."""
    wanted = sorted({str(month) for month in months})
    if not wanted:
        return {}
    rows = conn.execute(_FIND_CLOSED, {"months": wanted})
    return {closed.month: closed for closed in map(_closed, rows)}


def closed_from(conn: Connection, first: Month, before: Month | None = None) -> list[ClosedMonth]:
    """The closed months from ``first`` on (up to, not including, ``before``), oldest first."""
    query = sa.select(closed_months).where(closed_months.c.month >= str(first))
    if before is not None:
        query = query.where(closed_months.c.month < str(before))
    return [_closed(row) for row in conn.execute(query.order_by(closed_months.c.month))]


def _closed_on(conn: Connection, closed: ClosedMonth) -> str:
    """The day ``closed`` was closed, on the office's clock."""
    return f"{office_time(closed.closed_at, office_zone_of(conn)):%Y-%m-%d}"


def closed_error(conn: Connection, closed: ClosedMonth, what: str) -> ConflictError:
    """The refusal of a change dated in a closed month; ``what`` says what was refused (``收日期在 2026-10 的款``)."""
    return ConflictError(
        f"{closed.month} 已于 {_closed_on(conn, closed)} 由 {closed.closed_by} 结账，不能再{what}："
        "结账月份的账目不再改动"
    )


def first_closed_from(conn: Connection, month: Month) -> ClosedMonth | None:
    """The earliest closed month that is ``month`` or later: what keeps ``month`` from changing."""
    row = conn.execute(
        sa.select(closed_months).where(closed_months.c.month >= str(month)).order_by(closed_months.c.month).limit(1)
    ).first()
    return None if row is None else _closed(row)


def blocking_close(closed: Iterable[ClosedMonth], month: Month) -> ClosedMonth | None:
    """Of ``closed`` (oldest first), the first that is ``month`` or later."""
    return next((each for each in closed if each.month >= month), None)


def refusal(conn: Connection, closed: ClosedMonth, month: Month, what: str) -> ConflictError:
    """The refusal of a change dated in ``month`` kept by ``closed`` (``first_closed_from``): the month itself
    (``closed_error``) or a later one — closing a month keeps its figures, and its arrears carry every
    earlier month's bills and money, so a month before a closed one does not change either (ledgers closed
    out of order before ``close_month`` required the order)."""
    if closed.month == month:
        return closed_error(conn, closed, what)
    return ConflictError(
        f"{closed.month} 已于 {_closed_on(conn, closed)} 由 {closed.closed_by} 结账："
        f"日期在它之前的 {month} 也不能再改动，不能再{what}"
    )


def check_open(conn: Connection, month: Month, what: str) -> None:
    """``ConflictError`` (``refusal``) when ``month`` or a later month is closed."""
    closed = first_closed_from(conn, month)
    if closed is not None:
        raise refusal(conn, closed, month, what)


# The days money moves on besides bills' months: payments (red reversals among them), voids, deposit refunds.
_MONEY_DAYS = (payments.c.paid_on, receipts.c.voided_on, renovations.c.refunded_on)


def earliest_month(conn: Connection) -> Month | None:
    """The books' first month: that of the ledger's earliest bill or money movement; None for a ledger without
    any (the monthly report leaves the months before it blank)."""
    firsts = [parse_month(text) for text in [conn.execute(sa.select(sa.func.min(bills.c.month))).scalar()] if text]
    for day in _MONEY_DAYS:
        first = conn.execute(sa.select(sa.func.min(day))).scalar()
        if first is not None:
            firsts.append(Month.of(first))
    return min(firsts, default=None)


def has_money(conn: Connection, month: Month) -> bool:
    """Whether ``month`` has a bill or a money movement (a payment, a void, a deposit refund): a month without
    any has nothing to close, and its report's fee figures wait for nothing."""
    if conn.execute(sa.select(bills.c.id).where(bills.c.month == str(month)).limit(1)).first() is not None:
        return True
    return any(
        conn.execute(sa.select(sa.literal(1)).where(day.between(month.first_day(), month.last_day())).limit(1)).first()
        is not None
        for day in _MONEY_DAYS
    )


def _open_before(conn: Connection, month: Month, earliest: Month) -> list[Month]:
    """The months before ``month`` (from ``earliest`` on) still open, each without bills or money: closing
    ``month`` makes them final (nothing dated before a closed month changes), so it closes them along, each
    with its row and its balances — a month left without a row would keep every later closing from storing
    balances.  ``ConflictError`` naming the earliest such month that has bills or money: closing keeps the
    month's arrears, which carry every earlier month, so the earlier months must be final first."""
    closed = {each.month for each in closed_from(conn, earliest, month)}
    open_months = [each for each in MonthRange(earliest, month - 1).months() if each not in closed]
    for earlier in open_months:
        if has_money(conn, earlier):
            raise ConflictError(
                f"结账要按月份顺序：{earlier} 还没有结账，请先运行 recordkit fees close --month {earlier}"
            )
    return open_months


def first_bill_month(conn: Connection) -> Month | None:
    """The month of the ledger's earliest bill: where the books start to be billed; None before any bill."""
    first = conn.execute(sa.select(sa.func.min(bills.c.month))).scalar()
    return parse_month(first) if first else None


def unbilled_months(conn: Connection, month: Month, first_bill: Month) -> list[Month]:
    """The months closing ``month`` makes final that have no bill: ``month`` and the open months before it back
    to the last closed one, from ``first_bill`` on (a month before the books' first bill is no gap)."""
    last_closed = conn.execute(
        sa.select(sa.func.max(closed_months.c.month)).where(closed_months.c.month < str(month))
    ).scalar()
    start = max(first_bill, parse_month(last_closed) + 1) if last_closed else first_bill
    query = sa.select(bills.c.month).where(bills.c.month.between(str(start), str(month))).distinct()
    billed = set(conn.execute(query).scalars())
    return [each for each in MonthRange(start, month).months() if str(each) not in billed]


def _check_billed(conn: Connection, month: Month, allow_unbilled: bool) -> list[Month]:
    """The months without bills closing ``month`` makes final (``unbilled_months``) — taken with
    ``allow_unbilled`` (the office billed nothing then), else a ``ConflictError`` naming them: almost always a
    forgotten ``fees bill``, which closing would make impossible for good."""
    first_bill = first_bill_month(conn)
    gaps = [] if first_bill is None else unbilled_months(conn, month, first_bill)
    if gaps and not allow_unbilled:
        these = "这个月" if len(gaps) == 1 else "这些月份"
        each = "" if len(gaps) == 1 else "（每个月各运行一次）"
        raise ConflictError(
            f"{'、'.join(map(str, gaps))} 没有账单（台账从 {first_bill} 起出账），可能是忘了出账；"
            f"结账 {month} 后就再也不能补出{these}的账：请先运行 recordkit fees bill --month {gaps[0]}{each}；"
            f"如果管理处{these}确实没有出账，请加 --allow-unbilled 再结账"
        )
    return gaps


def close_month(
    ledger: Ledger,
    month_text: str,
    operator: str,
    today: dt.date | None = None,
    keep: Callable[[Connection, Month], None] | None = None,
    years: tuple[int, int] = BUSINESS_YEARS,
    allow_unbilled: bool = False,
) -> Closing:
    """Close ``month`` (journalled), store what each bill still lacks at its end
    (``balances.store_closing_balances``), then call ``keep`` (what else is kept of a closed month: the
    monthly report's figures, ``reports.figures.keep_month_figures``), all in the same transaction.  The open
    months before it without bills or money (``_open_before``) are closed first, in order, each the same way:
    ``Closing.along`` names them.

    ``ValidationError`` for a month outside ``years`` (``[receipt] first_year``–``last_year``, as a payment's
    day) or before the ledger's earliest bill or money movement (a typo: closing cannot be undone);
    ``ConflictError`` for a month not over yet, already closed, or after a month with bills or money that
    is still open (months are closed in order), or for months without bills it would make final, unless
    ``allow_unbilled`` (``unbilled_months``: the journal names them then, and each such month's entry itself)."""
    month = check_business_month(parse_month(month_text), "结账月份", years)
    today = today or dt.date.today()
    if month >= Month.of(today):
        raise ConflictError(f"{month} 还没有结束（今天是 {today.isoformat()}），不能结账：只能结已经过去的月份")
    now = dt.datetime.now(dt.UTC)
    with ledger.write() as conn:
        existing = find_closed(conn, [month]).get(month)
        if existing is not None:
            raise ConflictError(
                f"{month} 已于 {format_stamp(existing.closed_at, office_zone_of(conn))} 由 {existing.closed_by} 结账，不能重复结账"
            )
        along: list[Month] = []
        earliest = earliest_month(conn)
        if earliest is not None:
            if month < earliest:
                raise ValidationError(
                    f"结账月份 {month} 早于台账里最早的账单和收款（{earliest}），这个月没有账可结：请检查月份"
                )
            along = _open_before(conn, month, earliest)
        unbilled = _check_billed(conn, month, allow_unbilled)
        stamp = now.isoformat(timespec="seconds")
        changes = [_close_one(conn, each, stamp, operator, keep, [each], along_with=month) for each in along]
        changes.append(_close_one(conn, month, stamp, operator, keep, unbilled))
        journal.record(conn, operator, changes)
    return Closing(ClosedMonth(month, dt.datetime.fromisoformat(stamp), operator), tuple(along))


def _close_one(
    conn: Connection,
    month: Month,
    stamp: str,
    operator: str,
    keep: Callable[[Connection, Month], None] | None,
    unbilled: list[Month],
    along_with: Month | None = None,
) -> journal.Change:
    """Close ``month``: its row, its closing balances, what ``keep`` keeps.  Returns its journal entry, keeping
    whether balances were stored, the months without bills it was allowed over (``unbilled``) and, for a month
    closed along with a later one, that month (``closed_with``)."""
    conn.execute(sa.insert(closed_months).values(month=str(month), closed_at=stamp, closed_by=operator))
    record: dict[str, Any] = {"closed": True, "balances": store_closing_balances(conn, month)}
    if keep is not None:
        keep(conn, month)
    if unbilled:
        record["unbilled"] = [str(each) for each in unbilled]
    if along_with is not None:
        record["closed_with"] = str(along_with)
    return journal.Change("month.close", "month", str(month), None, record)


@dataclass(frozen=True)
class LeftOpen:
    """Months an older version's closing skipped (``left_open``): still open before ``last_closed``, the latest
    closed month; ``with_money`` those of them with bills or money (the next closing refuses over them)."""

    months: tuple[Month, ...]
    last_closed: Month
    with_money: tuple[Month, ...] = ()


def left_open(ledger: Ledger) -> LeftOpen | None:
    """The open months before the latest closed one, from the books' first month (``earliest_month``) on, or None
    when there are none.  Versions before ``close_month`` closed them along closed a month while an earlier one with no
    bill and no money stayed open; the months closed after it kept no closing balances.  The next closing closes such
    empty months along (``_open_before``) and stores its balances again."""
    with ledger.read() as conn:
        last = conn.execute(sa.select(sa.func.max(closed_months.c.month))).scalar()
        earliest = earliest_month(conn)
        if last is None or earliest is None:
            return None
        last_closed = parse_month(last)
        closed = {each.month for each in closed_from(conn, earliest, last_closed)}
        months = [each for each in MonthRange(earliest, last_closed - 1).months() if each not in closed]
        if not months:
            return None
        return LeftOpen(tuple(months), last_closed, tuple(each for each in months if has_money(conn, each)))


def kept_closed(ledger: Ledger, day: dt.date) -> ClosedMonth | None:
    """The closed month that keeps ``day``'s month from changing (``first_closed_from``); None while it is open."""
    with ledger.read() as conn:
        return first_closed_from(conn, Month.of(day))


def list_closed(ledger: Ledger) -> list[ClosedMonth]:
    """Every closed month, oldest first, with whether it has a bill (``fees close --list``: 无账单)."""
    billed = sa.exists().where(bills.c.month == closed_months.c.month).label("billed")
    with ledger.read() as conn:
        rows = conn.execute(sa.select(closed_months, billed).order_by(closed_months.c.month))
        return [replace(_closed(row), billed=bool(row.billed)) for row in rows]
