"""Closing balances (结账余额): what each fee bill still lacked at a closed month's end, stored when
the month is closed, and what each bill lacks at later month ends starting from them.

A bill lacks at a month's end its amount less what valid (not voided) payments dated by that day
put on it; renovation deposits are money held, never owed.  Once a month and every month before
it are closed, nothing dated by its end changes (a receipt of a closed month is undone by a red
reversal dated later), so its balances are final.  This module stores them and builds the
per-bill query the monthly report sums (``reports.figures.owing``); it does not aggregate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.billing.allocations import deposit_bill_ids
from recordkit.core.dates import Month, parse_month
from recordkit.ledger.schema import allocations, bills, closed_months, closing_balances, payments

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def _inline(value: Any, type_: Any) -> Any:
    """A constant written into the statement's text rather than bound: in the per-bill sums below,
    SQLite compares a column with a bound parameter markedly slower than with a literal (the whole
    history's pass: 0.66 → 0.52 CPU-s on the benchmark's 420,000 bills).  Only months and dates the
    code makes (never text from a user) go through it."""
    return sa.literal(value, type_, literal_execute=True)


def zero() -> Any:
    """0 written into the statement (see ``_inline``)."""
    return _inline(0, sa.Integer)


def owed_per_bill(months: Sequence[Month], base: Month | None = None, trend_since: Month | None = None) -> Any:
    """A CTE (or subquery) of the fee bills lacking money at the end of any of ``months``: ``bill_id``,
    ``unit_id``, ``item_id``, ``month`` and ``o0``…``oN``, the fen the bill lacks at the end of
    ``months[i]`` (0 for a bill of a later month).

    Without ``base``, every bill of the last month or earlier with what was paid on it (the whole
    history).  With ``base`` (a month whose stored balances hold, ``balance_base``; no later than
    any of ``months``): the stored balances of ``base``, less what payments dated after it put on
    those older bills, plus the bills of the months after ``base`` — the same figures, reading only
    the open months.

    ``trend_since`` (whole history only): the bills of that month through the last are kept too,
    owing or not, with ``billed`` (their amount) and ``on_time`` (what valid payments dated by the
    end of the bill's month put on them; NULL for the older bills), so that the 12-month trend is
    summed from the same pass over the history rather than another join of the span's bills."""
    last = max(months)
    if base is not None and base > min(months):
        raise ValueError(f"balances of {base} cannot give what is owed at the end of {min(months)}")
    if base is not None and trend_since is not None:
        raise ValueError("the trend is read with the whole history only")
    not_deposit = bills.c.id.not_in(deposit_bill_ids())
    valid = sa.and_(payments.c.id == allocations.c.payment_id, payments.c.voided.is_(False))

    def paid_by(month: Month) -> sa.ColumnElement[Any]:
        # Never NULL: a bill without allocations is one joined row whose CASE gives 0.
        by = _inline(month.last_day(), sa.Date)
        return sa.func.sum(sa.case((payments.c.paid_on <= by, allocations.c.amount_fen), else_=zero()))

    owed = [
        bills.c.amount_fen - paid_by(m)
        if m == last  # every bill read is of the last month or earlier
        else sa.case((bills.c.month <= _inline(str(m), sa.String), bills.c.amount_fen - paid_by(m)), else_=zero())
        for m in months
    ]
    recent = (
        sa.select(
            bills.c.id.label("bill_id"),
            bills.c.unit_id,
            bills.c.item_id,
            bills.c.month,
            *(fen.label(f"o{i}") for i, fen in enumerate(owed)),
        )
        .select_from(bills.outerjoin(allocations, allocations.c.bill_id == bills.c.id).outerjoin(payments, valid))
        .where(bills.c.month <= _inline(str(last), sa.String), not_deposit)
        .group_by(bills.c.id)
    )
    if base is None:
        owing_any = [fen != zero() for fen in owed]
        if trend_since is None:
            return recent.having(sa.or_(*owing_any)).cte("owing_bills")
        in_trend = bills.c.month >= _inline(str(trend_since), sa.String)
        # paid_on as text is YYYY-MM-DD on both backends; its first seven characters are the month.
        paid_month = sa.func.substr(sa.cast(payments.c.paid_on, sa.String), 1, 7)
        on_time = sa.func.sum(sa.case((paid_month <= bills.c.month, allocations.c.amount_fen), else_=zero()))
        return (
            recent.add_columns(
                sa.case((in_trend, bills.c.amount_fen)).label("billed"),
                sa.case((in_trend, on_time)).label("on_time"),
            )
            .having(sa.or_(*owing_any, in_trend))
            .cte("owing_bills")
        )

    stored = sa.select(
        closing_balances.c.bill_id,
        closing_balances.c.unit_id,
        closing_balances.c.item_id,
        closing_balances.c.bill_month.label("month"),
        *(closing_balances.c.owed_fen.label(f"o{i}") for i in range(len(months))),
    ).where(closing_balances.c.closed_month == str(base))
    if last == base:
        # Every month asked is the closed one: its balances as stored, read in key order each time.
        return stored.subquery("owing_bills")
    # Money dated after the base month on its bills or older ones (clearing arrears, or a red
    # reversal), per bill: a few thousand rows beside the stored balances, joined to them by bill.
    later = (
        sa.select(
            allocations.c.bill_id,
            bills.c.unit_id,
            bills.c.item_id,
            bills.c.month,
            *(
                sa.func.sum(
                    sa.case(
                        (payments.c.paid_on <= _inline(m.last_day(), sa.Date), allocations.c.amount_fen), else_=zero()
                    )
                ).label(f"p{i}")
                for i, m in enumerate(months)
            ),
        )
        .select_from(
            payments.join(allocations, allocations.c.payment_id == payments.c.id).join(
                bills, bills.c.id == allocations.c.bill_id
            )
        )
        .where(
            payments.c.paid_on > base.last_day(),
            payments.c.paid_on <= last.last_day(),
            payments.c.voided.is_(False),
            bills.c.month <= str(base),
            not_deposit,
        )
        .group_by(allocations.c.bill_id, bills.c.unit_id, bills.c.item_id, bills.c.month)
        .cte("paid_later")
    )
    kept = [closing_balances.c.owed_fen - sa.func.coalesce(later.c[f"p{i}"], 0) for i in range(len(months))]
    # Each bill once: a stored one less what was paid on it later; one paid off by the base month that
    # a later red reversal made owing again; a bill of a month after the base month.
    from_stored = (
        sa.select(
            closing_balances.c.bill_id,
            closing_balances.c.unit_id,
            closing_balances.c.item_id,
            closing_balances.c.bill_month.label("month"),
            *(fen.label(f"o{i}") for i, fen in enumerate(kept)),
        )
        .select_from(closing_balances.outerjoin(later, later.c.bill_id == closing_balances.c.bill_id))
        .where(closing_balances.c.closed_month == str(base), sa.or_(*(fen != zero() for fen in kept)))
    )
    stored_row = sa.select(closing_balances.c.bill_id).where(
        closing_balances.c.closed_month == str(base),
        closing_balances.c.unit_id == later.c.unit_id,
        closing_balances.c.item_id == later.c.item_id,
        closing_balances.c.bill_month == later.c.month,
        closing_balances.c.bill_id == later.c.bill_id,  # two bills may share the rest (``bills.serial``)
    )
    reopened = sa.select(
        later.c.bill_id,
        later.c.unit_id,
        later.c.item_id,
        later.c.month,
        *((-later.c[f"p{i}"]).label(f"o{i}") for i in range(len(months))),
    ).where(~stored_row.exists(), sa.or_(*(later.c[f"p{i}"] != zero() for i in range(len(months)))))
    # The months after the base month's bills, found through the bill-month index (a plain range
    # condition would have SQLite walk every bill in id order for the GROUP BY).
    after_base = sa.select(bills.c.id).where(bills.c.month > str(base), bills.c.month <= str(last))
    newer = recent.where(bills.c.id.in_(after_base)).having(sa.or_(*(fen != zero() for fen in owed)))
    return sa.union_all(from_stored, reopened, newer).cte("owing_bills")


def balance_base(conn: Connection, month: Month) -> Month | None:
    """The latest closed month no later than ``month`` whose stored balances still hold, or None.

    Stored balances hold while no bill or payment is dated before the first month the ledger had
    when they were stored (``balances_since``): every month from that one to the closed month was
    closed then, and closed months never change."""
    row = conn.execute(
        sa.select(closed_months.c.month, closed_months.c.balances_since)
        .where(closed_months.c.month <= str(month), closed_months.c.balances_since.is_not(None))
        .order_by(closed_months.c.month.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return parse_month(row.month) if _still_hold(_first_month(conn), row.balances_since) else None


def balances_hold(conn: Connection, months: Sequence[Month]) -> set[Month]:
    """Those of ``months`` that are closed with their own stored balances still holding: the months
    ``m`` for which ``balance_base(conn, m) == m``, in two queries."""
    if not months:
        return set()
    rows = conn.execute(
        sa.select(closed_months.c.month, closed_months.c.balances_since).where(
            closed_months.c.month.in_(sorted({str(month) for month in months})),
            closed_months.c.balances_since.is_not(None),
        )
    ).all()
    if not rows:
        return set()
    first = _first_month(conn)
    return {parse_month(month) for month, since in rows if _still_hold(first, since)}


def _still_hold(first: Month | None, since: str) -> bool:
    """Balances stored when the ledger's first month was ``since`` still hold while nothing is dated
    before it (``first``: the ledger's first month now)."""
    return first is None or first >= parse_month(since)


def _first_month(conn: Connection) -> Month | None:
    """The month of the ledger's oldest bill or payment (two index look-ups)."""
    first_bill, first_paid = conn.execute(
        sa.select(
            sa.select(sa.func.min(bills.c.month)).scalar_subquery(),
            sa.select(sa.func.min(payments.c.paid_on)).scalar_subquery(),
        )
    ).one()
    found = [parse_month(first_bill)] if first_bill else []
    if first_paid:
        # A date; SQLite may hand back the text of one (the subquery's type is not always carried).
        found.append(Month.of(first_paid if isinstance(first_paid, dt.date) else dt.date.fromisoformat(first_paid)))
    return min(found) if found else None


def store_closing_balances(conn: Connection, month: Month) -> bool:
    """Store what each fee bill lacks at ``month``'s end, inside the transaction that closes it;
    True when stored.  Only when every month from the ledger's first to ``month`` is closed (this
    one in the same transaction): an open month before it could still change those figures."""
    first = _first_month(conn)
    since = min(first, month) if first is not None else month
    wanted = month.index - since.index + 1
    closed = conn.execute(
        sa.select(sa.func.count()).where(closed_months.c.month >= str(since), closed_months.c.month <= str(month))
    ).scalar_one()
    if closed != wanted:
        return False
    per_bill = owed_per_bill([month], balance_base(conn, month - 1))
    conn.execute(
        sa.insert(closing_balances).from_select(
            ["closed_month", "bill_id", "unit_id", "item_id", "bill_month", "owed_fen"],
            sa.select(
                sa.literal(str(month), sa.String),
                per_bill.c.bill_id,
                per_bill.c.unit_id,
                per_bill.c.item_id,
                per_bill.c.month,
                sa.cast(per_bill.c.o0, sa.BigInteger),
            ),
        )
    )
    conn.execute(sa.update(closed_months).where(closed_months.c.month == str(month)).values(balances_since=str(since)))
    return True
