"""One unit's account (对账单, ``fees account``): its bills by item and month, the payments and what
each paid, the prepaid balance, the renovation deposits held, what is due now and what is not yet due.

Reads only.  "Due now" is ``arrears.owed_query`` as of the day, so the account, ``fees arrears``,
a reminder and the 缴费证明 refusal agree to the fen.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.billing.allocations import DEPOSIT_KEPT_ITEM, DEPOSIT_TRANSFER, deposit_bill_ids, outstanding_query
from recordkit.billing.arrears import begun_by, owed_query
from recordkit.core.dates import BUSINESS_YEARS, Month, check_business_day, check_not_future, parse_month
from recordkit.core.money import format_yuan
from recordkit.core.unitcodes import parse_unit_code
from recordkit.ledger.db import unknown_unit
from recordkit.ledger.schema import allocations, bills, fee_items, owners, payments, receipts, renovations, units
from recordkit.owners.contacts import owner_names_in, owners_of_record
from recordkit.owners.roster import UnitDetails, unit_details_in

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.ledger.db import Ledger

BILL_STATES = {"paid": "已缴清", "part": "部分未缴", "unpaid": "未缴", "not_due": "未到期"}

#: The columns of the account's two tables, on screen and on paper alike.
BILL_HEADERS = ("月份", "项目", "应收（元）", "已收（元）", "未收（元）", "状态")
PAYMENT_HEADERS = ("收据编号", "日期", "收款方式", "金额（元）", "状态", "用于")


@dataclass(frozen=True)
class AccountBill:
    """One fee bill: what it is, what the valid payments put on it, what is left."""

    month: Month
    item: str
    amount_fen: int
    paid_fen: int
    due: bool  # fallen due by the account's day (the 1st of its month)
    # Of a bill not due yet: what payments by the account's day put on it — still their prepayment that
    # day (``arrears.prepaid_query``), so not in ``paid_fen``.
    prepaid_fen: int = 0

    @property
    def owed_fen(self) -> int:
        return self.amount_fen - self.paid_fen

    @property
    def state(self) -> str:
        if self.owed_fen <= 0:
            return "paid"
        if not self.due:
            return "not_due"
        return "part" if self.paid_fen else "unpaid"

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": str(self.month),
            "item": self.item,
            "amount_fen": self.amount_fen,
            "paid_fen": self.paid_fen,
            "owed_fen": self.owed_fen,
            "due": self.due,
            "state": BILL_STATES[self.state],
        }


@dataclass(frozen=True)
class AccountPayment:
    """One receipt of the unit and how its money was applied (a voided one applies nothing)."""

    number: str
    paid_on: dt.date
    method: str
    amount_fen: int
    voided: bool
    applied: tuple[tuple[Month, str, int], ...]  # (month, item, fen) bills it paid, deposits included
    prepayment_fen: int  # what it still holds for bills to come
    reverses: str | None = None  # a red reversal (红冲, negative) of that receipt
    reversed_by: str | None = None  # undone by that red reversal, dated by the account's day

    @property
    def status(self) -> str:
        """作废, 红冲 SJ… (a red reversal), 有效（已红冲，见 SJ…） or 有效 — as ``receipt list`` says it."""
        if self.voided:
            return "作废"
        if self.reverses:
            return f"红冲 {self.reverses}"
        return f"有效（已红冲，见 {self.reversed_by}）" if self.reversed_by else "有效"

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "date": self.paid_on.isoformat(),
            "method": self.method,
            "amount_fen": self.amount_fen,
            "status": self.status,
            "applied": [{"month": str(m), "item": item, "amount_fen": fen} for m, item, fen in self.applied],
            "prepayment_fen": self.prepayment_fen,
            "reverses": self.reverses,
            "reversed_by": self.reversed_by,
        }


@dataclass(frozen=True)
class AccountDeposit:
    """A renovation deposit: billed, paid, and held until it is refunded."""

    renovation: str
    amount_fen: int
    paid_fen: int
    refunded_on: dt.date | None
    refund_fen: int | None
    refund_method: str | None = None  # how it went back (现金, 微信 …), as the 退款单 prints it

    @property
    def held_fen(self) -> int:
        return 0 if self.refunded_on is not None else self.paid_fen

    def to_dict(self) -> dict[str, Any]:
        return {
            "renovation": self.renovation,
            "amount_fen": self.amount_fen,
            "paid_fen": self.paid_fen,
            "held_fen": self.held_fen,
            "refunded_on": self.refunded_on.isoformat() if self.refunded_on else None,
            "refund_fen": self.refund_fen,
            "refund_method": self.refund_method,
        }


@dataclass(frozen=True)
class Account:
    unit: str
    owner: str | None
    as_of: dt.date
    bills: tuple[AccountBill, ...]  # oldest month first, items in rule order; deposits apart
    payments: tuple[AccountPayment, ...]  # in the order taken
    deposits: tuple[AccountDeposit, ...]
    due_now_fen: int  # what is owed as of ``as_of`` (the arrears figure)
    co_owners: tuple[str, ...] = ()  # the owners after ``owner``, in deed order

    @property
    def owners_of_record(self) -> str:
        """Every owner of the unit as listings and papers name them: 张海鹏、马丽蓉."""
        return owners_of_record(self.owner, self.co_owners)

    @property
    def not_yet_due_fen(self) -> int:
        return sum(bill.owed_fen for bill in self.bills if not bill.due and bill.owed_fen > 0)

    @property
    def prepaid_fen(self) -> int:
        return sum(payment.prepayment_fen for payment in self.payments if not payment.voided)

    @property
    def not_yet_due_prepaid_fen(self) -> int:
        """Of ``not_yet_due_fen``, what payments have already put on those bills: money counted in
        ``prepaid_fen`` too (it is prepayment until the bill's month begins), the same money, not more."""
        return sum(min(bill.prepaid_fen, bill.owed_fen) for bill in self.bills if not bill.due and bill.owed_fen > 0)

    @property
    def deposits_held_fen(self) -> int:
        return sum(deposit.held_fen for deposit in self.deposits)

    @property
    def months_due(self) -> list[Month]:
        return sorted({bill.month for bill in self.bills if bill.due and bill.owed_fen > 0})

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "owner": self.owner,
            "co_owners": list(self.co_owners),
            "as_of": self.as_of.isoformat(),
            "due_now_fen": self.due_now_fen,
            "due_now": format_yuan(self.due_now_fen),
            # As ``fees arrears --json`` names them: the months owing and the oldest (the table's 几个月，最早).
            "months": len(self.months_due),
            "oldest_month": str(self.months_due[0]) if self.months_due else None,
            "not_yet_due_fen": self.not_yet_due_fen,
            "not_yet_due_prepaid_fen": self.not_yet_due_prepaid_fen,
            "prepaid_fen": self.prepaid_fen,
            "deposits_held_fen": self.deposits_held_fen,
            "bills": [bill.to_dict() for bill in self.bills],
            "payments": [payment.to_dict() for payment in self.payments],
            "deposits": [deposit.to_dict() for deposit in self.deposits],
        }


def bill_texts(bill: AccountBill) -> tuple[str, ...]:
    """One bill's row under ``BILL_HEADERS`` as text (the screen and the .docx print these)."""
    return (
        str(bill.month),
        bill.item,
        format_yuan(bill.amount_fen),
        format_yuan(bill.paid_fen),
        format_yuan(bill.owed_fen),
        BILL_STATES[bill.state],
    )


def payment_uses(payment: AccountPayment, *, chinese_months: bool = False) -> str:
    """What a payment paid (``2026-10 物业服务费 180.00；预收 20.00``; months as 2026年10月 on paper)."""
    if payment.voided:
        return "（已作废，不抵任何账单）"
    if payment.method == DEPOSIT_TRANSFER:  # kept from a deposit at its refund: no bill, no prepayment
        return f"{DEPOSIT_KEPT_ITEM} {format_yuan(payment.amount_fen)}"
    uses = [
        f"{month.chinese if chinese_months else month} {item} {format_yuan(fen)}"
        for month, item, fen in payment.applied
    ]
    if payment.prepayment_fen:
        uses.append(f"预收 {format_yuan(payment.prepayment_fen)}")
    return "；".join(uses)


def payment_texts(payment: AccountPayment, *, chinese_months: bool = False) -> tuple[str, ...]:
    """One payment's row under ``PAYMENT_HEADERS`` as text."""
    return (
        payment.number,
        payment.paid_on.isoformat(),
        payment.method,
        format_yuan(payment.amount_fen),
        payment.status,
        payment_uses(payment, chinese_months=chinese_months),
    )


def deposit_text(deposit: AccountDeposit) -> str:
    """Where a renovation deposit stands: refunded (when, how much, how, and what the office kept of it), partly paid,
    or held."""
    if deposit.refunded_on is not None:
        refunded = deposit.refund_fen or 0
        kept = deposit.paid_fen - refunded
        method = f"（{deposit.refund_method}）" if deposit.refund_method else ""
        return f"已于 {deposit.refunded_on.isoformat()} 退还 {format_yuan(refunded)} 元{method}" + (
            f"，扣除 {format_yuan(kept)} 元" if kept > 0 else ""
        )
    if deposit.paid_fen < deposit.amount_fen:
        return f"应缴 {format_yuan(deposit.amount_fen)} 元，已缴 {format_yuan(deposit.paid_fen)} 元"
    return f"持有 {format_yuan(deposit.held_fen)} 元"


def closing_figures(account: Account) -> list[tuple[str, int, str]]:
    """The account's closing figures (label, fen, what the figure holds), as its last line and the statement
    give them: 现在应缴 with how many months and since when; money already put on bills not due yet is said
    on both 未到期 and 预收余额 as the same sum, so that it does not read as two."""
    ahead = account.not_yet_due_prepaid_fen
    months = account.months_due
    return [
        ("现在应缴", account.due_now_fen, f"（{len(months)} 个月，最早 {months[0]}）" if months else ""),
        ("未到期", account.not_yet_due_fen, f"（已预付 {format_yuan(ahead)} 元）" if ahead else ""),
        ("预收余额", account.prepaid_fen, f"（含已预付未到期账单的 {format_yuan(ahead)} 元）" if ahead else ""),
        ("押金持有", account.deposits_held_fen, ""),
    ]


def balance_line(account: Account) -> str:
    """The account in one line (``owners show``): 现在应缴, 预收余额, 押金持有 and where to see more."""
    return (
        f"收费：现在应缴 {format_yuan(account.due_now_fen)} 元，预收余额 {format_yuan(account.prepaid_fen)} 元，"
        f"押金持有 {format_yuan(account.deposits_held_fen)} 元（明细：recordkit fees account {account.unit}）"
    )


def unit_account(
    ledger: Ledger, unit: str, today: dt.date | None = None, years: tuple[int, int] = BUSINESS_YEARS
) -> Account:
    """The account of ``unit`` as it stood on ``today`` (default: today; ``fees account --as-of``): the
    receipts dated by then (a voided one shown voided: a void is a correction), what they paid, the bills due by then
    and those not yet due, deposits taken by then.  ``NotFoundError`` for an unknown unit,
    ``ValidationError`` for a day after today or outside ``years`` (the books' years, as ``list_arrears``)."""
    today = _account_day(today, years)
    code = str(parse_unit_code(unit))
    with ledger.read() as conn:
        return _account_in(conn, code, today)


def unit_with_account(
    ledger: Ledger, code_text: str, phases: Mapping[str, str] | None = None
) -> tuple[UnitDetails, Account]:
    """``owners show``: the unit, its owners and contacts (``owners.roster.unit_details_in``) and its account as of today
    (``unit_account``), read in one read transaction: never a balance with a payment committed after the unit was
    read.  ``NotFoundError`` for an unknown unit."""
    code = parse_unit_code(code_text, phases=phases)
    today = _account_day(None, BUSINESS_YEARS)
    with ledger.read() as conn:
        details = unit_details_in(conn, code)
        return details, _account_in(conn, str(code), today)


def _account_day(today: dt.date | None, years: tuple[int, int]) -> dt.date:
    """The day an account is as of: ``today`` (default today), refused after today or outside ``years``."""
    today = check_not_future(today or dt.date.today(), "对账单截至日期", "只能看今天或以前某一天的对账单")
    return check_business_day(today, "对账单截至日期", years)


def _account_in(conn: Connection, code: str, today: dt.date) -> Account:
    """``unit_account`` read on ``conn``: inside the read transaction the caller holds."""
    row = conn.execute(
        sa.select(units.c.id, owners.c.name)
        .select_from(units.outerjoin(owners, owners.c.id == units.c.owner_id))
        .where(units.c.code == code)
    ).first()
    if row is None:
        raise unknown_unit(conn, code)
    unit_id, owner = row
    named = owner_names_in(conn, [code]).get(code, ())
    return Account(
        code,
        owner,
        today,
        _bills(conn, unit_id, today),
        _payments(conn, unit_id, today),
        _deposits(conn, unit_id, today),
        _due_now(conn, unit_id, today),
        named[1:] if owner else named,
    )


def _bills(conn: Connection, unit_id: int, today: dt.date) -> tuple[AccountBill, ...]:
    inner = outstanding_query([unit_id], today, due_only=False).where(bills.c.id.not_in(deposit_bill_ids())).subquery()
    rows = conn.execute(
        sa.select(
            inner.c.month,
            inner.c.amount_fen,
            inner.c.paid_fen,
            fee_items.c.name,
            sa.case((begun_by(today, inner.c.month), 1), else_=0).label("begun"),
        )
        .select_from(inner.join(fee_items, fee_items.c.id == inner.c.item_id))
        .order_by(inner.c.month, fee_items.c.id, inner.c.id)
    )
    # A bill of a later month has nothing paid on it yet: the money waiting for it is prepayment (``begun_by``).
    return tuple(
        AccountBill(
            parse_month(r.month),
            r.name,
            int(r.amount_fen),
            int(r.paid_fen) if r.begun else 0,
            bool(r.begun),
            0 if r.begun else int(r.paid_fen),
        )
        for r in rows
    )


def _payments(conn: Connection, unit_id: int, today: dt.date) -> tuple[AccountPayment, ...]:
    """The unit's receipts dated by ``today``; a voided one pays nothing, whenever it was voided.  What a
    receipt put on bills of later months is still its prepayment that day (``arrears.prepaid_query``)."""
    applied: dict[int, list[tuple[Month, str, int]]] = defaultdict(list)
    for r in conn.execute(
        sa.select(allocations.c.payment_id, bills.c.month, fee_items.c.name, allocations.c.amount_fen)
        .select_from(
            allocations.join(payments, payments.c.id == allocations.c.payment_id)
            .join(bills, bills.c.id == allocations.c.bill_id)
            .join(fee_items, fee_items.c.id == bills.c.item_id)
        )
        .where(payments.c.unit_id == unit_id, payments.c.paid_on <= today, begun_by(today))
        .order_by(allocations.c.payment_id, bills.c.month, fee_items.c.id)
    ):
        applied[r.payment_id].append((parse_month(r.month), r.name, int(r.amount_fen)))
    # A red reversal names its original; the original is shown undone once the reversal is dated.
    other = receipts.alias("other")
    reverses = sa.select(other.c.number).where(other.c.id == receipts.c.reversal_of).scalar_subquery()
    reversed_by = (
        sa.select(other.c.number)
        .where(other.c.reversal_of == receipts.c.id, other.c.issued_on <= today)
        .scalar_subquery()
    )
    result = []
    for r in conn.execute(
        sa.select(payments, receipts.c.number, reverses.label("reverses"), reversed_by.label("reversed_by"))
        .select_from(payments.join(receipts, receipts.c.payment_id == payments.c.id))
        .where(payments.c.unit_id == unit_id, payments.c.paid_on <= today)
        .order_by(payments.c.id)
    ):
        voided = bool(r.voided)
        lines = tuple(applied[r.id])
        kept = r.method == DEPOSIT_TRANSFER  # the receipt of money a refund kept from a deposit: never prepayment
        left = 0 if voided or kept else int(r.amount_fen) - sum(fen for _, _, fen in lines)
        result.append(
            AccountPayment(
                r.number, r.paid_on, r.method, int(r.amount_fen), voided, lines, left, r.reverses, r.reversed_by
            )
        )
    return tuple(result)


def _deposits(conn: Connection, unit_id: int, today: dt.date) -> tuple[AccountDeposit, ...]:
    paid = (
        sa.select(allocations.c.bill_id, sa.func.sum(allocations.c.amount_fen).label("paid_fen"))
        .join(payments, payments.c.id == allocations.c.payment_id)
        .where(payments.c.unit_id == unit_id, payments.c.paid_on <= today, payments.c.voided.is_(False))
        .group_by(allocations.c.bill_id)
        .subquery()
    )
    rows = conn.execute(
        sa.select(
            renovations.c.number,
            renovations.c.deposit_fen,
            renovations.c.refunded_on,
            renovations.c.refund_fen,
            renovations.c.refund_method,
            sa.func.coalesce(paid.c.paid_fen, 0).label("paid_fen"),
        )
        .select_from(renovations.outerjoin(paid, paid.c.bill_id == renovations.c.deposit_bill_id))
        .where(
            renovations.c.unit_id == unit_id,
            renovations.c.deposit_bill_id.is_not(None),
            renovations.c.registered_on <= today,
        )
        .order_by(renovations.c.id)
    )
    return tuple(
        AccountDeposit(r.number, int(r.deposit_fen), int(r.paid_fen), r.refunded_on, r.refund_fen, r.refund_method)
        if r.refunded_on is not None and r.refunded_on <= today
        else AccountDeposit(r.number, int(r.deposit_fen), int(r.paid_fen), None, None)
        for r in rows
    )


def _due_now(conn: Connection, unit_id: int, today: dt.date) -> int:
    inner = owed_query(today, [unit_id]).subquery()
    total = conn.execute(
        sa.select(sa.func.coalesce(sa.func.sum(inner.c.owed_fen), 0)).where(inner.c.owed_fen > 0)
    ).scalar_one()
    return int(total)
