"""What is owed (欠费) as of a day — the one definition that ``fees arrears``, a unit's balance and
account, the 催缴通知书 and the 缴费证明 refusal all use — and its aging.

A bill falls due on the first day of its month.  Owed as of a day = the fee bills due by that
day less the money received by that day (payments dated on or before it and not voided: a void
corrects a receipt of an open month, whose payment then never counts).  Renovation deposits (装修押金) are money held, never a fee owed.  Aging counts whole
months past due.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.billing.allocations import deposit_bill_ids, money_taken, outstanding_query
from recordkit.core.dates import BUSINESS_YEARS, Month, check_business_day, check_not_future, parse_month
from recordkit.core.money import format_yuan
from recordkit.core.unitcodes import parse_building, parse_unit_code
from recordkit.ledger.db import unknown_unit
from recordkit.ledger.schema import allocations, bills, fee_items, owners, payments, units
from recordkit.owners.contacts import co_owner_names_in, owners_of_record
from recordkit.owners.roster import in_building, require_building

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.ledger.db import Ledger

#: Buckets of whole months past due: "0" is a bill due this month, not yet a whole month late.
AGING_BUCKETS = ("0", "1-3", "4-6", "7-12", ">12")
AGING_LABELS = {"0": "未满1个月", "1-3": "1–3个月", "4-6": "4–6个月", "7-12": "7–12个月", ">12": "12个月以上"}


def months_past_due(month: Month, as_of: Month) -> int:
    """Whole months a bill of ``month`` is past due in ``as_of``'s month: due on the 1st of its
    month, it is 0 all that month, 1 from the 1st of the next (2026-11 on 2026-12-01 → 1), and
    a 12-month debtor's oldest bill is 11 in the twelfth month."""
    return max(as_of.index - month.index, 0)


def aging_bucket(past_due: int) -> str:
    """The aging bucket of a bill ``past_due`` whole months past due."""
    if past_due == 0:
        return "0"
    if past_due <= 3:
        return "1-3"
    if past_due <= 6:
        return "4-6"
    if past_due <= 12:
        return "7-12"
    return ">12"


@dataclass(frozen=True)
class Arrears:
    """One unit in arrears as of a day."""

    unit: str
    owner: str | None
    amount_fen: int
    months: int
    oldest: Month
    aging: dict[str, int]  # bucket -> fen
    items: dict[str, int]  # item name -> fen, in the order the fee items were set up
    co_owners: tuple[str, ...] = ()  # the owners after the first, in deed order, read with ``owner``

    @property
    def owners_of_record(self) -> str:
        """The unit's owners as listings and papers name them: 张伟、李娜; "" for a unit with none."""
        return owners_of_record(self.owner, self.co_owners)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "owner": self.owner,
            "arrears_fen": self.amount_fen,
            "arrears": format_yuan(self.amount_fen),
            "months": self.months,
            "oldest_month": str(self.oldest),
            "aging": dict(self.aging),
            "items": dict(self.items),
            "co_owners": list(self.co_owners),
        }


def summarise_arrears(
    as_of: Month, outstanding: Iterable[tuple[Month, str, int]]
) -> tuple[int, int, Month, dict[str, int], dict[str, int]]:
    """One unit's unpaid bills ``(month, item, fen)`` as (total, months owed, oldest month,
    fen by aging bucket, fen by item) — a pure decision."""
    aging = dict.fromkeys(AGING_BUCKETS, 0)
    by_item: dict[str, int] = {}
    months: set[Month] = set()
    total = 0
    for month, item, fen in outstanding:
        total += fen
        months.add(month)
        aging[aging_bucket(months_past_due(month, as_of))] += fen
        by_item[item] = by_item.get(item, 0) + fen
    return total, len(months), min(months), aging, by_item


def owed_query(as_of: dt.date, unit_ids: Sequence[int] | None = None) -> Any:
    """THE definition of what is owed as of ``as_of``: fee bills due by that day (deposits never)
    with ``owed_fen`` = amount less what money received by that day paid on them.  Columns as
    ``allocations.outstanding_query``; keep ``owed_fen > 0`` for the unpaid ones."""
    return outstanding_query(unit_ids, as_of).where(bills.c.id.not_in(deposit_bill_ids()))


def begun_by(as_of: dt.date, month: sa.ColumnElement[str] = bills.c.month) -> sa.ColumnElement[bool]:
    """Whether the money on a bill counts as taken by it as of ``as_of``: the bill's month (``month``, the
    column of a query over bills) has begun by then.  Money a payment put on a bill of a later month
    (billed ahead, or paid ahead for named months) is still 预收 on that day, whenever the bill came to take it."""
    return month <= str(Month.of(as_of))


def prepaid_query(as_of: dt.date, unit_ids: Sequence[int] | None = None) -> Any:
    """THE definition of the prepaid balance (预收余额) as of ``as_of``, one row per unit (``unit_id``,
    ``prepaid_fen``): money received by that day (payments dated on or before it, not voided; a red
    reversal is a negative one) that no bill whose month had begun by then took (``begun_by``).  The
    account (``fees account --as-of``), a unit's balance and the fee register's 预收余额 at a month's end
    all read it, so a closed month's prepayment never moves.  With ``unit_ids`` only those units."""
    used_query = (
        sa.select(allocations.c.payment_id, sa.func.sum(allocations.c.amount_fen).label("used"))
        .join(bills, bills.c.id == allocations.c.bill_id)
        .where(begun_by(as_of))
        .group_by(allocations.c.payment_id)
    )
    query = sa.select(payments.c.unit_id).where(
        payments.c.voided.is_(False), payments.c.paid_on <= as_of, money_taken()
    )
    if unit_ids is not None:
        used_query = used_query.where(bills.c.unit_id.in_(list(unit_ids)))
        query = query.where(payments.c.unit_id.in_(list(unit_ids)))
    used = used_query.subquery()
    left = payments.c.amount_fen - sa.func.coalesce(used.c.used, 0)
    return (
        query.add_columns(sa.cast(sa.func.sum(left), sa.BigInteger).label("prepaid_fen"))
        .select_from(payments.outerjoin(used, used.c.payment_id == payments.c.id))
        .group_by(payments.c.unit_id)
    )


def list_arrears(
    ledger: Ledger,
    as_of: dt.date | None = None,
    min_months: int = 0,
    building: str | None = None,
    unit: str | None = None,
    years: tuple[int, int] = BUSINESS_YEARS,
) -> list[Arrears]:
    """Units owing anything as of ``as_of`` (default today; see ``owed_query``), most owed first, each with its owners
    of record read in the same read transaction as its first owner (never the owner of before a roster import beside
    the co-owners of after).

    ``min_months`` keeps units owing for at least that many months; ``building`` one
    building (``parse_building``: ``1`` is not 二期·1; ``二期别墅`` the villas of 二期, as the monthly report
    groups units: ``owners.roster.in_building``); ``unit`` one unit (a canonical code).  Aging counts whole months past due (``months_past_due``).
    ``ValidationError`` for ``as_of`` after today: arrears are known up to today only; or outside ``years`` (the
    books' years, ``[receipt] first_year``–``last_year``): 1990-01-01 would list nobody owing, as if all had paid.
    """
    as_of = arrears_day(as_of, years)
    with ledger.read() as conn:
        return arrears_in(conn, as_of, min_months, building, unit)


def arrears_day(as_of: dt.date | None, years: tuple[int, int] = BUSINESS_YEARS) -> dt.date:
    """The day arrears are counted as of: ``as_of`` (default today); ``ValidationError`` for one after today or
    outside ``years``, as ``list_arrears`` refuses it."""
    as_of = check_not_future(as_of or dt.date.today(), "欠费截至日期", "只能看今天或以前某一天的欠费")
    return check_business_day(as_of, "欠费截至日期", years)


def arrears_in(
    conn: Connection, as_of: dt.date, min_months: int = 0, building: str | None = None, unit: str | None = None
) -> list[Arrears]:
    """``list_arrears`` read on ``conn``, inside the read transaction the caller holds (a 催缴通知书's arrears and its
    table, a 缴费证明's check and its figures: one moment); ``as_of`` as ``arrears_day`` gives it."""
    as_of_month = Month.of(as_of)
    inner = owed_query(as_of).subquery()
    query = (
        sa.select(
            inner.c.month,
            inner.c.owed_fen,
            units.c.code,
            units.c.building,
            owners.c.name,
            fee_items.c.name.label("item"),
        )
        .select_from(
            inner.join(units, units.c.id == inner.c.unit_id)
            .join(fee_items, fee_items.c.id == inner.c.item_id)
            .outerjoin(owners, owners.c.id == units.c.owner_id)
        )
        .where(inner.c.owed_fen > 0)
        # Each unit's items in the order the fee items were set up, on either database (``items``).
        .order_by(fee_items.c.id, inner.c.month)
    )
    where = parse_building(building) if building is not None else None
    if where is not None:
        query = query.where(in_building(where))
    if unit is not None:
        query = query.where(units.c.code == unit)
    per_unit: dict[str, list[tuple[Month, str, int]]] = defaultdict(list)
    owner_of: dict[str, str | None] = {}
    for row in conn.execute(query):
        per_unit[row.code].append((parse_month(row.month), row.item, row.owed_fen))
        owner_of[row.code] = row.name
    if where is not None and not per_unit:  # nothing owed there, or no such building (a typo)
        require_building(conn, where)
    co_owners = co_owner_names_in(conn) if per_unit else {}
    result = []
    for code, rows in per_unit.items():
        total, months, oldest, aging, by_item = summarise_arrears(as_of_month, rows)
        if months >= min_months:
            named = co_owners.get(code, ())
            result.append(Arrears(code, owner_of[code], total, months, oldest, aging, by_item, named))
    return sorted(result, key=lambda a: (-a.amount_fen, parse_unit_code(a.unit).sort_key))


def unit_balance(
    ledger: Ledger, unit: str, today: dt.date | None = None, phases: Mapping[str, str] | None = None
) -> tuple[int, int]:
    """(owed, prepayment) of ``unit`` (read with the estate's ``phases``) in fen as of ``today``: owed as ``owed_query``
    defines it (bills of later months and deposits are not owed); prepayment as ``prepaid_query`` defines it (money on
    bills of later months is still prepayment).  ``NotFoundError`` for an unknown unit."""
    today = today or dt.date.today()
    code = str(parse_unit_code(unit, phases=phases))
    with ledger.read() as conn:
        unit_id = conn.execute(sa.select(units.c.id).where(units.c.code == code)).scalar()
        if unit_id is None:
            raise unknown_unit(conn, code)
        inner = owed_query(today, [unit_id]).subquery()
        owed = conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(inner.c.owed_fen), 0)).where(inner.c.owed_fen > 0)
        ).scalar_one()
        prepaid = conn.execute(prepaid_query(today, [unit_id])).first()
    return int(owed), int(prepaid.prepaid_fen) if prepaid is not None else 0
