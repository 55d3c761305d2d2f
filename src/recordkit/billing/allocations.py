"""What is owed on each bill and how money is applied to it: open bills, FIFO allocation,
prepayment (预收), and which bills are deposits rather than fees.

Pure decisions (``allocate``) and the ledger queries both billing and receipts stand on; this
module imports neither of them, which is what keeps bills and receipts free of a cycle.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.core.dates import Month, MonthRange, parse_month
from recordkit.ledger.db import bulk_insert, in_batches
from recordkit.ledger.schema import allocations, bills, fee_items, payments, receipts, renovations

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


#: The receipt line of money that pays no bill yet (预收).
PREPAYMENT_ITEM = "预收款"

#: The 收款方式 of a receipt for money a renovation's refund kept from its deposit (押金扣款): no money moves that
#: day (it came in with the deposit), so it pays no bill and is never prepayment (``money_taken``).
DEPOSIT_TRANSFER = "押金转入"
#: The item of that receipt's line, before the reason in brackets: 装修押金扣款（损坏公共走廊墙面）.
DEPOSIT_KEPT_ITEM = "装修押金扣款"


@dataclass(frozen=True)
class OpenBill:
    """A bill with money still owed on it."""

    bill_id: int
    month: Month
    item_order: int
    item: str
    owed_fen: int


@dataclass(frozen=True)
class Allocation:
    bill_id: int
    month: Month
    item: str
    item_order: int
    amount_fen: int


@dataclass(frozen=True)
class AllocationPlan:
    allocations: tuple[Allocation, ...]
    prepayment_fen: int  # what pays no bill now: 预收, used by later bills


def allocate(amount_fen: int, open_bills: Iterable[OpenBill], months: MonthRange | None = None) -> AllocationPlan:
    """Spread a payment over open bills: oldest month first (items in rule order), or only the
    named ``months``; the last bill reached may be paid in part (the rest stays owed), and
    money left over becomes prepayment."""
    if amount_fen <= 0:
        raise ValueError("a payment is positive")
    candidates = sorted(
        (bill for bill in open_bills if bill.owed_fen > 0 and (months is None or bill.month in months)),
        key=lambda bill: (bill.month, bill.item_order, bill.bill_id),
    )
    left = amount_fen
    allocations = []
    for bill in candidates:
        if left == 0:
            break
        paid = min(left, bill.owed_fen)
        allocations.append(Allocation(bill.bill_id, bill.month, bill.item, bill.item_order, paid))
        left -= paid
    return AllocationPlan(tuple(allocations), left)


@functools.cache
def deposit_bill_ids() -> Any:
    """The ids of bills that are renovation deposits: money held and refunded, not a fee, so
    they are left out of arrears, the fee register and what prepayment pays (one statement,
    built once)."""

    return sa.select(renovations.c.deposit_bill_id).where(renovations.c.deposit_bill_id.is_not(None))


def money_taken() -> sa.ColumnElement[bool]:
    """Whether a payment is money taken for fees: every payment but the receipts of deposits kept
    (``DEPOSIT_TRANSFER``), which pay no bill and leave nothing over to be prepayment (预收)."""
    return payments.c.method != DEPOSIT_TRANSFER


def kept_from_deposits(first: dt.date, last: dt.date) -> Any:
    """THE money refunds kept from renovation deposits from ``first`` to ``last``: the sum of the valid receipts of
    ``DEPOSIT_TRANSFER`` dated then — the monthly report's 本月扣除押金 (the 日结 lists the same receipts, 押金扣款) —
    and of the deductions of refunds an older version made then without such a receipt (none on their unit that day),
    so that a month closed before keeps its figure."""
    receipted = (
        sa.select(sa.func.coalesce(sa.func.sum(payments.c.amount_fen), 0))
        .where(
            payments.c.method == DEPOSIT_TRANSFER,
            payments.c.voided.is_(False),
            payments.c.paid_on >= first,
            payments.c.paid_on <= last,
        )
        .scalar_subquery()
    )
    receipt_of_refund = sa.exists().where(
        payments.c.unit_id == renovations.c.unit_id,
        payments.c.method == DEPOSIT_TRANSFER,
        payments.c.paid_on == renovations.c.refunded_on,
    )
    unreceipted = (
        sa.select(sa.func.coalesce(sa.func.sum(renovations.c.deduction_fen), 0))
        .where(
            renovations.c.refunded_on >= first,
            renovations.c.refunded_on <= last,
            renovations.c.deduction_fen > 0,
            sa.not_(receipt_of_refund),
        )
        .scalar_subquery()
    )
    return sa.select(sa.cast(receipted + unreceipted, sa.BigInteger))


def reversed_payment_ids() -> Any:
    """The ids of payments whose receipt was undone by a red reversal (红冲): the original stays in
    its closed month, the reversal's negative payment undoes what it paid."""
    original = receipts.alias("original")
    return sa.select(original.c.payment_id).where(
        original.c.id.in_(sa.select(receipts.c.reversal_of).where(receipts.c.reversal_of.is_not(None)))
    )


def outstanding_query(
    unit_ids: Sequence[int] | sa.BindParameter[Any] | None = None, as_of: dt.date | None = None, due_only: bool = True
) -> Any:
    """Bills with what is still owed on each (amount less what payments put on it).

    Without ``as_of``: every bill, less what the payments not voided paid (what money can
    still be put on).  With ``as_of``, a snapshot of that day: only bills due by then (a bill
    falls due on the first day of its month), less what the payments received by then
    (dated on or before it, and not voided) paid.  A void corrects a receipt of a month not yet
    closed, so its payment never counts, whatever the day; a closed month's receipt is undone by a
    red reversal, a payment of its own dated the day it is made.  So a closed month's figures are
    the same whenever they are read, and equal the monthly report's.  With ``unit_ids`` only those
    units' bills, and only their allocations are summed: the cashier's payment then costs
    the same in a ledger of ten years as in one of a month.  With ``as_of`` and not
    ``due_only``, bills not yet due that day are listed too (paid as of that day).
    """
    # Sums are cast back to BIGINT: PostgreSQL's SUM of a BIGINT is NUMERIC (a Decimal in Python).
    paid_query = (
        sa.select(
            allocations.c.bill_id, sa.cast(sa.func.sum(allocations.c.amount_fen), sa.BigInteger).label("paid_fen")
        )
        .join(payments, payments.c.id == allocations.c.payment_id)
        .where(payments.c.voided.is_(False))
    )
    if as_of is not None:
        paid_query = paid_query.where(payments.c.paid_on <= as_of)
    ids = unit_ids if isinstance(unit_ids, sa.BindParameter) or unit_ids is None else list(unit_ids)
    if ids is not None:
        paid_query = paid_query.where(payments.c.unit_id.in_(ids))
    paid = paid_query.group_by(allocations.c.bill_id).subquery()
    owed = (bills.c.amount_fen - sa.func.coalesce(paid.c.paid_fen, 0)).label("owed_fen")
    query = sa.select(
        bills.c.id,
        bills.c.unit_id,
        bills.c.item_id,
        bills.c.month,
        bills.c.amount_fen,
        sa.func.coalesce(paid.c.paid_fen, 0).label("paid_fen"),
        owed,
    ).select_from(bills.outerjoin(paid, paid.c.bill_id == bills.c.id))
    if as_of is not None and due_only:
        query = query.where(bills.c.month <= str(Month.of(as_of)))
    return query if ids is None else query.where(bills.c.unit_id.in_(ids))


def next_row_id(conn: Connection, table: Any) -> int:
    """The id the next row of ``table`` gets; only under ``Ledger.write()``."""
    # Ids are handed out under the write lock, so a batch knows its ids without RETURNING.
    return int(conn.execute(_max_id_query(table)).scalar_one()) + 1


@functools.cache
def _max_id_query(table: Any) -> Any:
    # Built once per table: the cashier asks it three times a payment, and building a statement
    # costs more than SQLite takes to answer it.
    return sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))


def load_open_bills(conn: Connection, unit_ids: Iterable[int], deposits: bool = True) -> dict[int, list[OpenBill]]:
    """The units' bills with money still owed, by unit id; without renovation deposits unless ``deposits``.  The units
    read ``in_batches`` (billing lets every unit's prepayment pay: a whole estate's), the query writing them twice."""
    result: dict[int, list[OpenBill]] = defaultdict(list)
    for batch in in_batches(list(unit_ids), written=2):
        for row in conn.execute(_open_bills_query(deposits), {"unit_ids": batch}):
            result[row.unit_id].append(OpenBill(row.id, parse_month(row.month), row.item_id, row.name, row.owed_fen))
    return result


@functools.cache
def _open_bills_query(deposits: bool) -> Any:
    # Built once, the units a parameter: every payment runs it under the write lock, and building a
    # subquery anew costs ~5 ms (SQLAlchemy copies each column and its foreign keys).
    inner = outstanding_query(sa.bindparam("unit_ids", expanding=True)).subquery()
    query = (
        sa.select(
            inner.c.id,
            inner.c.unit_id,
            inner.c.month,
            inner.c.owed_fen,
            fee_items.c.id.label("item_id"),
            fee_items.c.name,
        )
        .select_from(inner.join(fee_items, fee_items.c.id == inner.c.item_id))
        .where(inner.c.owed_fen > 0)
    )
    return query if deposits else query.where(inner.c.id.not_in(deposit_bill_ids()))


def prepaid_from(first: Month) -> str:
    """Where money paid ahead for named months starts, as the receipt and the 催缴通知书 say it: 2027年1月起.

    Where it starts only: the money pays the named months' bills and, when it is more than they come to (at rates
    not known yet), later months' too; when it is less, it pays some of them — "2027年1月至2027年3月" would say
    what it may not cover."""
    return f"{first.chinese}起"


def prepaid_months(receipt_lines: str | None) -> MonthRange | None:
    """The months a payment's prepayment is for, when its receipt names them (``fees pay --months
    2027-01..2027-12`` before those months are billed: 预收款 2027年1月至2027年12月), else None.

    Such money pays no bill of an earlier month: the payer chose what to pay, and the receipt says so."""
    if not receipt_lines:
        return None
    for line in json.loads(receipt_lines):
        if line.get("item") == PREPAYMENT_ITEM and line.get("period"):
            first, _, last = str(line["period"]).partition("..")
            return MonthRange(parse_month(first), parse_month(last or first))
    return None


@dataclass
class Credit:
    """Money a valid payment still holds for bills to come (预收): what no bill took of it."""

    payment_id: int
    left_fen: int
    months: MonthRange | None  # what its receipt names it for (``prepaid_months``); None: any month


def prepayment_credits(conn: Connection, as_of: dt.date | None = None) -> dict[int, list[Credit]]:
    """THE prepayment each unit holds (unit id -> its credits, oldest payment first): valid payments
    (dated by ``as_of`` when given) with money no bill took.  A payment reversed by a red reversal
    (红冲) has no prepayment left to give.  What billing lets pay a month's bills (``apply_prepayments``)
    and what a 催缴通知书 tells the unit it holds beside what it owes."""
    used = (
        sa.select(allocations.c.payment_id, sa.func.sum(allocations.c.amount_fen).label("used"))
        .group_by(allocations.c.payment_id)
        .subquery()
    )
    left = (payments.c.amount_fen - sa.func.coalesce(used.c.used, 0)).label("left")
    query = (
        sa.select(payments.c.id, payments.c.unit_id, left, receipts.c.lines)
        .select_from(
            payments.outerjoin(used, used.c.payment_id == payments.c.id).outerjoin(
                receipts, receipts.c.payment_id == payments.c.id
            )
        )
        .where(payments.c.voided.is_(False), left > 0, money_taken(), payments.c.id.not_in(reversed_payment_ids()))
        .order_by(payments.c.id)
    )
    if as_of is not None:
        query = query.where(payments.c.paid_on <= as_of)
    credits: dict[int, list[Credit]] = defaultdict(list)
    for row in conn.execute(query):
        credits[row.unit_id].append(Credit(row.id, int(row.left), prepaid_months(row.lines)))
    return credits


def apply_prepayments(conn: Connection, unit_ids: Sequence[int], month: Month) -> int:
    """Let the units' prepayment (``prepayment_credits``) pay what they owe for ``month`` (oldest payment
    first); fen used.

    Called by billing inside its write transaction.  A prepayment whose receipt names the months it is
    for pays no bill of a month before them (``prepaid_months``).
    """
    if not unit_ids:
        return 0
    wanted = set(unit_ids)
    credits = {unit_id: found for unit_id, found in prepayment_credits(conn).items() if unit_id in wanted}
    if not credits:
        return 0
    # Prepayment is fee money: it never pays a renovation deposit by itself.
    bills_by_unit = load_open_bills(conn, list(credits), deposits=False)
    next_id = next_row_id(conn, allocations)
    rows = []
    for unit_id, unit_credits in credits.items():
        due = sorted(
            (b for b in bills_by_unit.get(unit_id, []) if b.month == month), key=lambda b: (b.item_order, b.bill_id)
        )
        for bill in due:
            owed = bill.owed_fen
            for credit in unit_credits:
                if owed == 0:
                    break
                if credit.months is not None and bill.month < credit.months.first:
                    continue  # paid ahead for later months (its receipt says which): not for this bill
                take = min(owed, credit.left_fen)
                if take:
                    rows.append(
                        {"id": next_id, "payment_id": credit.payment_id, "bill_id": bill.bill_id, "amount_fen": take}
                    )
                    next_id += 1
                    credit.left_fen -= take
                    owed -= take
    bulk_insert(conn, allocations, rows)
    return sum(row["amount_fen"] for row in rows)


def shrink_allocations(conn: Connection, bill_id: int, new_amount_fen: int) -> bool:
    """Cut what payments put on a bill down to ``new_amount_fen`` (latest allocation first); the money
    freed returns to those payments as prepayment.  True when any allocation (even of a voided
    payment) still refers to the bill, so that the bill must be kept."""

    rows = conn.execute(
        sa.select(allocations.c.id, allocations.c.amount_fen, payments.c.voided)
        .join(payments, payments.c.id == allocations.c.payment_id)
        .where(allocations.c.bill_id == bill_id)
        .order_by(allocations.c.id.desc())
    ).all()
    excess = sum(row.amount_fen for row in rows if not row.voided) - new_amount_fen
    remaining = len(rows)
    for row in rows:
        if excess <= 0:
            break
        if row.voided:
            continue
        cut = min(excess, row.amount_fen)
        if cut == row.amount_fen:
            conn.execute(sa.delete(allocations).where(allocations.c.id == row.id))
            remaining -= 1
        else:
            conn.execute(
                sa.update(allocations).where(allocations.c.id == row.id).values(amount_fen=row.amount_fen - cut)
            )
        excess -= cut
    return remaining > 0
