"""Payments and their numbered receipts: numbering, issue, void, reprint, list, and the printed .docx.

A payment and its receipt are written in one ledger transaction, under the global
write lock, so receipt numbers are unique, never reused and without gaps.  What a
unit owes and how the money is spread over it are decided in ``allocations``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import string
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.billing.allocations import (
    DEPOSIT_TRANSFER,
    PREPAYMENT_ITEM,
    AllocationPlan,
    OpenBill,
    allocate,
    deposit_bill_ids,
    load_open_bills,
    money_taken,
    next_row_id,
    outstanding_query,
    prepaid_from,
)
from recordkit.billing.arrears import prepaid_query
from recordkit.billing.closing import blocking_close, check_open, closed_from, first_closed_from, refusal
from recordkit.core.config import ReceiptSettings
from recordkit.core.dates import (
    BUSINESS_YEARS,
    Month,
    MonthRange,
    check_business_day,
    check_business_month,
    check_months_ahead,
    check_not_future,
    chinese_date,
    office_time,
    parse_month,
)
from recordkit.core.errors import ConfigError, ConflictError, NotFoundError, UsageError, ValidationError
from recordkit.core.money import amount_in_capitals, format_yuan
from recordkit.core.numbering import fold_number
from recordkit.core.personal import named_in_sentence, reason_problem
from recordkit.core.unitcodes import parse_unit_code
from recordkit.documents.generated import DocumentRequest, generate_many, office_context, record_and_print
from recordkit.ledger import journal
from recordkit.ledger.db import bulk_insert, office_zone_of, refuse_unknown_unit, unknown_unit
from recordkit.ledger.schema import allocations, bills, fee_items, owners, payments, receipts, renovations, units
from recordkit.owners.contacts import one_person_as_kept
from recordkit.owners.roster import owner_change_after

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.core.config import Settings
    from recordkit.core.workspace import Workspace
    from recordkit.documents.generated import GeneratedDocument
    from recordkit.documents.templates.engine import TemplateLibrary
    from recordkit.ledger.db import Ledger

METHODS = ("现金", "微信", "支付宝", "银行转账", "POS")
#: How cashiers and other systems' exports write the methods (the 支付/缴费/转帐 forms too).
_METHOD_ALIASES = {
    "现金支付": "现金",
    "现金缴费": "现金",
    "微信支付": "微信",
    "微信缴费": "微信",
    "支付宝支付": "支付宝",
    "支付宝缴费": "支付宝",
    "银行": "银行转账",
    "转账": "银行转账",
    "转帐": "银行转账",
    "银行转帐": "银行转账",
    "对公转账": "银行转账",
    "银行卡": "POS",
    "刷卡": "POS",
    "POS机": "POS",
    "POS刷卡": "POS",
}
STATUS_LABELS = {"issued": "有效", "voided": "作废"}
REVERSAL_LABEL = "红冲"
RECEIPT_TEMPLATE = "收据"
RECEIPT_KIND = "收据"  # its kind among the generated documents (`docs list --kind 收据`)
#: receipt.layout -> the built-in template drawn for that paper (an office may override either).
LAYOUTS = {"A4": "收据", "241": "收据-241"}


# -- pure decisions -----------------------------------------------------------------------


#: The receipt's number on its paper: taken under the write lock, put into the prefilled paper.
RECEIPT_NUMBER_KEY = "收据编号"


def parse_method(text: str) -> str:
    """A payment method as the cashier writes it; ``ValidationError`` listing the methods."""
    folded = "".join(unicodedata.normalize("NFKC", str(text)).split())  # "POS 刷卡" as "POS刷卡"
    upper = folded.upper()
    for method in METHODS:
        if folded == method or upper == method:
            return method
    if folded in _METHOD_ALIASES or upper in _METHOD_ALIASES:
        return _METHOD_ALIASES.get(folded) or _METHOD_ALIASES[upper]
    raise ValidationError(f"收款方式“{text}”无效，应为 {'、'.join(METHODS)} 之一")


@dataclass(frozen=True)
class ReceiptLine:
    """One printed line: a fee item over a run of consecutive months, or the prepayment."""

    item: str
    first: str  # "2026-09"; "" for a prepayment with no months named
    last: str
    amount_fen: int
    partial: bool = False  # one month whose bill still owes something after this payment
    renovation: str = ""  # the registration whose refund kept this money from its deposit (DEPOSIT_TRANSFER)

    @property
    def period(self) -> str:
        if not self.first:
            return ""
        return self.first if self.first == self.last else f"{self.first}..{self.last}"

    @property
    def period_chinese(self) -> str:
        if not self.first:
            return ""
        first, last = parse_month(self.first), parse_month(self.last)
        if self.item == PREPAYMENT_ITEM:
            return prepaid_from(first)
        text = first.chinese if first == last else f"{first.chinese}至{last.chinese}"
        return f"{text}（部分）" if self.partial else text

    @property
    def label(self) -> str:
        """The line as the screen says it: 物业服务费 2026年9月至2026年10月, 预收款（2027年1月起）, 预收款."""
        if not self.period_chinese:
            return self.item
        if self.item == PREPAYMENT_ITEM:
            return f"{self.item}（{self.period_chinese}）"
        return f"{self.item} {self.period_chinese}"

    def to_dict(self) -> dict[str, Any]:
        line: dict[str, Any] = {"item": self.item, "period": self.period, "amount_fen": self.amount_fen}
        if self.partial:
            line["partial"] = True
        if self.renovation:
            line["renovation"] = self.renovation
        return line


def receipt_lines(
    plan: AllocationPlan, months: MonthRange | None = None, partial: Iterable[int] = ()
) -> list[ReceiptLine]:
    """The receipt's lines: one per item and run of consecutive months fully paid, a line of its own
    marked partial for a month whose bill (an id in ``partial``) still owes after this payment, then
    the prepayment (with the named months it is for, when some of them had no bill to pay yet)."""
    still_owing = set(partial)
    by_item: dict[tuple[int, str], dict[Month, int]] = defaultdict(dict)
    part: set[tuple[str, Month]] = set()
    for allocation in plan.allocations:
        months_of = by_item[(allocation.item_order, allocation.item)]
        months_of[allocation.month] = months_of.get(allocation.month, 0) + allocation.amount_fen
        if allocation.bill_id in still_owing:
            part.add((allocation.item, allocation.month))
    lines = []
    for (_, item), amounts in sorted(by_item.items()):
        # Runs of consecutive months fully paid; a partly paid month is a run of its own.
        runs: list[list[Month]] = []
        for month in sorted(amounts):
            tail = runs[-1] if runs else None
            if tail is None or (item, month) in part or (item, tail[-1]) in part or month.index != tail[-1].index + 1:
                runs.append([month])
            else:
                tail.append(month)
        for run in runs:
            partial_run = (item, run[0]) in part
            lines.append(
                ReceiptLine(item, str(run[0]), str(run[-1]), sum(amounts[m] for m in run), partial=partial_run)
            )
    if plan.prepayment_fen:
        # Named months no bill was paid for (not billed yet) are what the prepayment is for.
        paid_for = {allocation.month for allocation in plan.allocations}
        ahead = [month for month in months.months() if month not in paid_for] if months else []
        first, last = (str(ahead[0]), str(ahead[-1])) if ahead else ("", "")
        lines.append(ReceiptLine(PREPAYMENT_ITEM, first, last, plan.prepayment_fen))
    return lines


def sequence_year(pattern: str, year: int) -> int:
    """The year a receipt's sequence counts in: its own when the pattern shows ``{year}``,
    else 0 (one sequence for ever, so that numbers never repeat)."""
    fields = {name for _, name, _, _ in string.Formatter().parse(pattern) if name}
    return year if "year" in fields else 0


def format_receipt_number(pattern: str, prefix: str, year: int, seq: int) -> str:
    """``{prefix}{year}-{seq:06d}`` → ``SJ2026-000123``; ``ConfigError`` for a pattern that cannot
    number receipts (no ``{seq}``, an unknown field, bad braces)."""
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
        if "seq" not in fields:
            raise ValueError("no {seq}")
        unknown = fields - {"prefix", "year", "seq"}
        if unknown:
            raise ValueError(f"unknown {unknown}")
        return pattern.format(prefix=prefix, year=year, seq=seq)
    except (ValueError, IndexError, KeyError) as err:
        raise ConfigError(
            f"receipt.number_pattern“{pattern}”无法生成收据编号：只能用 {{prefix}}、{{year}}、{{seq}}，"
            '且必须有 {seq}，例如 "{prefix}{year}-{seq:06d}"'
        ) from err


def parse_receipt_number(text: str, settings: ReceiptSettings) -> str:
    """The receipt number ``text`` names under the office's ``number_pattern`` and ``prefix``, as the
    ledger writes it: ``SJ2026-000006`` from itself, from the short form said aloud (``SJ2026-6``), in
    lower case or full-width (``sj2026-6``, ``ＳＪ２０２６－６``).  The year is four digits, the sequence
    any number of them, so each text names at most one number.  ``ValidationError`` for a text that
    is no receipt number of the pattern."""
    typed = fold_number(text)
    parts = []
    for literal, field, _, _ in string.Formatter().parse(settings.number_pattern):
        parts.append(re.escape(fold_number(literal)))
        if field == "prefix":
            parts.append(re.escape(fold_number(settings.prefix)))
        elif field in ("year", "seq"):
            parts.append(rf"(?P<{field}>[0-9]{{4}})" if field == "year" else r"(?P<seq>[0-9]{1,12})")
    match = re.fullmatch("".join(parts), typed)
    if match is None:
        example = format_receipt_number(settings.number_pattern, settings.prefix, dt.date.today().year, 123)
        raise ValidationError(f"收据编号“{text.strip()}”无效：应写成 {example} 这样的编号（序号前面的 0 可以不写）")
    year = int(match.group("year")) if "year" in match.groupdict() else 0
    return format_receipt_number(settings.number_pattern, settings.prefix, year, int(match.group("seq")))


# -- the ledger side --------------------------------------------------------------------------


#: What to do with money dated in a closed month (a transfer that came in then, entered only after closing).
LATE_ENTRY_ADVICE = "那时到账、今天才录入的钱请按今天的日期收款（不写 --date），记入今天的日结"


@dataclass(frozen=True)
class PaymentRequest:
    """A payment taken at the counter (or from a batch)."""

    unit: str
    amount_fen: int
    method: str = "现金"
    months: MonthRange | None = None
    payer: str | None = None
    paid_on: dt.date | None = None
    # Only these bills (a renovation's deposit and fee paid at registration); None: any open bill.
    bills: frozenset[int] | None = None
    prepay: bool = False  # the cashier confirmed that money for a unit owing nothing goes to 预收款
    again: bool = False  # the cashier confirmed a second payment of the same sum within minutes
    reason: str | None = None  # why a payment at the counter is dated before today (补录)
    # the cashier confirmed a payment leaving more prepaid than PREPAID_MONTHS_LIMIT months of charges (--yes)
    large: bool = False
    # The receipt's one line when it pays no bill: money a renovation's refund kept from its deposit, 收款方式
    # DEPOSIT_TRANSFER whatever ``method`` says (``renovations.refund``).
    kept: ReceiptLine | None = None


@dataclass(frozen=True)
class ReceiptView:
    """A receipt as the ledger holds it and the paper shows it."""

    number: str
    issued_on: dt.date
    unit: str
    payer: str
    method: str
    cashier: str
    total_fen: int
    lines: tuple[ReceiptLine, ...]
    status: str
    void_reason: str | None = None
    voided_by: str | None = None
    voided_on: dt.date | None = None
    reprints: int = 0
    reverses: str | None = None  # this is a red reversal (红冲) of that receipt
    reversed_by: str | None = None  # this receipt of a closed month was undone by that red reversal

    @property
    def voided(self) -> bool:
        return self.status == "voided"

    @property
    def status_label(self) -> str:
        if self.reverses:
            return REVERSAL_LABEL
        return STATUS_LABELS[self.status] + (f"（已红冲，见 {self.reversed_by}）" if self.reversed_by else "")

    @property
    def prepayment_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines if line.item == PREPAYMENT_ITEM)

    @property
    def registrations(self) -> tuple[str, ...]:
        """The renovation registrations whose refunds kept this receipt's money from their deposits (a 押金转入
        receipt's lines name them), each once, in the lines' order."""
        return tuple(dict.fromkeys(line.renovation for line in self.lines if line.renovation))

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "date": self.issued_on.isoformat(),
            "unit": self.unit,
            "payer": self.payer,
            "total_fen": self.total_fen,
            "total": format_yuan(self.total_fen),
            "method": self.method,
            "cashier": self.cashier,
            "status": REVERSAL_LABEL if self.reverses else STATUS_LABELS[self.status],
            "lines": [line.to_dict() for line in self.lines],
            "void_reason": self.void_reason,
            "voided_by": self.voided_by,
            "voided_on": self.voided_on.isoformat() if self.voided_on else None,
            "reprints": self.reprints,
            "reverses": self.reverses,
            "reversed_by": self.reversed_by,
        }


#: A second payment of the same sum for the same unit within this time needs ``again``.
DUPLICATE_WINDOW = dt.timedelta(minutes=10)


# The cashier's statements, built once: each payment runs them, and building one costs more than
# the ledger takes to answer it.
_UNITS_AND_OWNERS = (
    sa.select(units.c.id, units.c.code, owners.c.name)
    .select_from(units.outerjoin(owners, owners.c.id == units.c.owner_id))
    .where(units.c.code.in_(sa.bindparam("codes", expanding=True)))
)
_LAST_SEQUENCE = sa.select(sa.func.coalesce(sa.func.max(receipts.c.seq), 0)).where(
    receipts.c.year == sa.bindparam("year")
)
_SAME_SUM_SINCE = (
    sa.select(receipts.c.number, receipts.c.issued_at)
    .select_from(receipts.join(payments, payments.c.id == receipts.c.payment_id))
    .where(
        payments.c.unit_id == sa.bindparam("unit_id"),
        payments.c.amount_fen == sa.bindparam("amount_fen"),
        payments.c.voided.is_(False),
        money_taken(),
        receipts.c.issued_at >= sa.bindparam("since"),
    )
    .order_by(receipts.c.id.desc())
)


#: A payment at the counter leaving the unit more prepaid than this many months of its monthly charges is
#: asked about (``LargePrepayment``): 100000001 for 1000.01 is a typo, not a plan.
PREPAID_MONTHS_LIMIT = 24


class LargePrepayment(UsageError):
    """A payment at the counter that would leave the unit holding more prepayment than
    ``PREPAID_MONTHS_LIMIT`` months of its monthly charges — or any prepayment, for a unit with no monthly
    charges — not confirmed (``PaymentRequest.large``).  ``question`` is what a terminal asks."""

    def __init__(self, code: str, amount_fen: int, prepaid_fen: int, monthly_fen: int) -> None:
        amount = f"{format_yuan(amount_fen)} 元（大写：{amount_in_capitals(amount_fen)}）"
        if monthly_fen:
            beyond = (
                f"超过 {PREPAID_MONTHS_LIMIT} 个月的费用（每月 {format_yuan(monthly_fen)} 元，"
                f"{PREPAID_MONTHS_LIMIT} 个月 {format_yuan(PREPAID_MONTHS_LIMIT * monthly_fen)} 元）"
            )
        else:
            beyond = "而这户没有按月收取的费用"
        told = f"房屋 {code} 收款 {amount}，收款后预收余额 {format_yuan(prepaid_fen)} 元，{beyond}"
        self.question = f"{told}。请核对金额，确认收款吗？"
        super().__init__(f"{told}：请核对金额；确认无误请加 --yes")


_LAST_MONTHLY = (
    sa.select(bills.c.month, sa.func.sum(bills.c.amount_fen).label("amount_fen"))
    .join(fee_items, fee_items.c.id == bills.c.item_id)
    .where(
        bills.c.unit_id == sa.bindparam("unit_id"),
        bills.c.month <= sa.bindparam("month"),
        fee_items.c.kind != "oneoff",
        bills.c.id.not_in(deposit_bill_ids()),
    )
    .group_by(bills.c.month)
    .order_by(bills.c.month.desc())
    .limit(1)
)


def check_prepayment(
    conn: Connection, unit_id: int, code: str, request: PaymentRequest, paid_on: dt.date, ahead_fen: int
) -> None:
    """``LargePrepayment`` unless ``request.large``, when this payment adds prepayment (``ahead_fen``: what it
    leaves unspent or puts on bills of months after ``paid_on``'s, which is prepayment until they begin) and
    the unit's prepaid balance afterwards (``arrears.prepaid_query``) is more than ``PREPAID_MONTHS_LIMIT``
    months of its monthly charges: its fee bills (one-off items and deposits left out) of the latest month
    billed by ``paid_on``'s; a unit without any has no monthly charges, and any prepayment is asked about."""
    if request.large or ahead_fen <= 0:
        return
    last = conn.execute(_LAST_MONTHLY, {"unit_id": unit_id, "month": str(Month.of(paid_on))}).first()
    monthly = int(last.amount_fen) if last is not None else 0
    held = conn.execute(prepaid_query(paid_on, [unit_id])).first()
    prepaid = (int(held.prepaid_fen) if held is not None else 0) + ahead_fen
    if prepaid > PREPAID_MONTHS_LIMIT * monthly:
        raise LargePrepayment(code, request.amount_fen, prepaid, monthly)


def _check_money_beyond_months(
    code: str, request: PaymentRequest, plan: AllocationPlan, named: list[Month], owed_by_month: dict[Month, int]
) -> None:
    """``ConflictError`` when money beyond the bills of the ``named`` months (all billed) would become
    prepayment while the unit owes other months: prepayment pays only bills billed later, so the unit would
    stay in arrears (and be sent a 催缴通知书) for months the office holds its money for."""
    others = sorted(month for month, owed in owed_by_month.items() if owed > 0 and month not in named)
    if not others:
        return
    owed_named = sum(max(owed_by_month[month], 0) for month in named)
    owed_others = sum(owed_by_month[month] for month in others)
    raise ConflictError(
        f"房屋 {code} {_months_shown(named)} 只欠 {format_yuan(owed_named)} 元，这笔 {format_yuan(request.amount_fen)} 元"
        f"多出的 {format_yuan(plan.prepayment_fen)} 元将转为预收款，不抵这户另欠的 {format_yuan(owed_others)} 元"
        f"（{_months_shown(others)}）：请核对金额，或让 --months 包含欠费的月份；确认多出的转为预收款请加 --prepay"
    )


def _months_shown(months: list[Month]) -> str:
    """``2026-11``, ``2026-10、2026-12`` or, for more than three, ``2025-12 至 2026-11 共 12 个月``."""
    if len(months) <= 3:
        return "、".join(str(month) for month in months)
    return f"{months[0]} 至 {months[-1]} 共 {len(months)} 个月"


def check_at_counter(
    conn: Connection,
    unit_id: int,
    code: str,
    request: PaymentRequest,
    plan: AllocationPlan,
    paid_on: dt.date,
    now: dt.datetime | None = None,
) -> None:
    """The cashier's guards before money is taken (``fees pay``, ``receipt issue``), all ``ConflictError``:
    ``months`` naming a month whose bills are all paid; money that would all become prepayment for a
    unit owing nothing, unless ``prepay`` (or ``months`` names months not billed yet: paying ahead on
    purpose); money beyond the bills of the named ``months`` (none of them after ``paid_on``'s) that would
    become prepayment while the unit owes other months, unless ``prepay``; the same unit and sum as a valid receipt of the last ten minutes, unless ``again`` — its
    time on the office's clock (``office_zone_of``), as the journal shows it."""
    amount = format_yuan(request.amount_fen)
    named = list(request.months.months()) if request.months is not None else []
    if named:
        owed_by_month: dict[Month, int] = defaultdict(int)
        inner = outstanding_query([unit_id]).where(bills.c.id.not_in(deposit_bill_ids())).subquery()
        for month_text, owed in conn.execute(sa.select(inner.c.month, inner.c.owed_fen)):
            owed_by_month[parse_month(month_text)] += int(owed)
        paid = [str(month) for month in named if month in owed_by_month and owed_by_month[month] <= 0]
        if paid:
            raise ConflictError(
                f"房屋 {code} {'、'.join(paid)} 的账单已经缴清，--months 不能包含已缴清的月份："
                f"请用 recordkit fees account {code} 查看各月缴费情况"
            )
        ahead = any(month not in owed_by_month for month in named)
        # Naming a month to come (billed ahead or not) is paying ahead on purpose, whatever else is owed.
        if not ahead and named[-1] <= Month.of(paid_on) and not request.prepay and plan.prepayment_fen:
            _check_money_beyond_months(code, request, plan, named, owed_by_month)
    else:
        ahead = False
    if not plan.allocations and not request.prepay and not ahead:
        raise ConflictError(f"房屋 {code} 现在没有欠费，这笔 {amount} 元将全部转为预收款：确认预收请加 --prepay")
    if request.again:
        return
    now = now or dt.datetime.now(dt.UTC)
    since = (now - DUPLICATE_WINDOW).astimezone(dt.UTC).isoformat(timespec="seconds")
    earlier = conn.execute(
        _SAME_SUM_SINCE, {"unit_id": unit_id, "amount_fen": request.amount_fen, "since": since}
    ).first()
    if earlier is not None:
        at = office_time(earlier.issued_at, office_zone_of(conn)).strftime(
            "%H:%M"
        )  # the office's clock, not this machine's
        raise ConflictError(
            f"房屋 {code} 在 {at} 刚收过一笔 {amount} 元（收据 {earlier.number}）：10 分钟内同一房屋同一金额，"
            "可能是重复收款；确实要再收一笔请加 --again"
        )


def _owner_on(conn: Connection, unit: Any, day: dt.date, today: dt.date) -> str:
    """Who a receipt of ``unit`` dated ``day`` names when no payer is typed: its owner the ledger showed that day —
    for a back-dated payment the one before a later roster change (``owner_change_after``).  ``UsageError`` when the
    unit had no owner then, asking for ``--payer``."""
    change = owner_change_after(conn, unit.code, day) if day < today else None
    if change is None:
        if not unit.name:
            raise UsageError(f"房屋 {unit.code} 没有登记业主，请用 --payer 写明交款人")
        return str(unit.name)
    if change.before is None:
        since = f"（业主{named_in_sentence(unit.name)}是 {change.on.isoformat()} 登记的）" if unit.name else ""
        raise UsageError(f"房屋 {unit.code} 在 {day.isoformat()} 没有登记业主{since}，请用 --payer 写明那天的交款人")
    return change.before


def issue_payments(
    conn: Connection,
    settings: ReceiptSettings,
    operator: str,
    requests: Sequence[PaymentRequest],
    today: dt.date | None = None,
    counter: bool = False,
    record: bool = True,
) -> list[ReceiptView]:
    """Record payments and issue their receipts inside the caller's ``Ledger.write()``.

    Numbers continue the year's sequence (read under the write lock, so they are gap-free across clerks).  Raises
    ``NotFoundError`` for an unknown unit, ``UsageError`` for a unit without an owner when no payer is named and
    ``ValidationError`` for a payment dated after ``today``, or dated or paying months (``months``) outside
    ``[receipt] first_year``–``last_year``, or paying a month more than ``MONTHS_AHEAD_LIMIT`` after ``today``'s; with ``counter`` (money taken at the counter) also ``ValidationError``
    for a payment dated before ``today`` without ``reason`` (a back-dated entry, journalled with its reason), for a
    ``reason`` of punctuation alone or on more than one line (``reason_problem``) and the counter's guards of
    ``check_at_counter``.  A receipt is numbered in the year of ``today``, the day it is issued.  Nothing is written
    when any request fails.  With ``record=False`` nothing is written at all: the receipts as they would be issued
    now, read in any transaction (their paper is filled from them before the write lock is taken)."""

    if not requests:
        return []
    codes = {request.unit: str(parse_unit_code(request.unit)) for request in requests}
    found = {row.code: row for row in conn.execute(_UNITS_AND_OWNERS, {"codes": sorted(set(codes.values()))})}
    for code in codes.values():
        if code not in found:
            raise unknown_unit(conn, code)
    open_bills = load_open_bills(conn, [row.id for row in found.values()])
    owed = {bill.bill_id: bill.owed_fen for bills_of in open_bills.values() for bill in bills_of}
    deposits = set(conn.execute(deposit_bill_ids()).scalars())
    today = today or dt.date.today()
    # Oldest first, from the earliest month paid in: a month is kept by its own closing or a later one's.
    closed = closed_from(conn, min(Month.of(request.paid_on or today) for request in requests))
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    sequences: dict[int, int] = {}
    # Ids only matter to rows written (a preview writes none and is read outside the write lock).
    payment_id, allocation_id, receipt_id = (
        (next_row_id(conn, payments), next_row_id(conn, allocations), next_row_id(conn, receipts))
        if record
        else (0, 0, 0)
    )
    payment_rows, allocation_rows, receipt_rows, changes, views = [], [], [], [], []
    for request in requests:
        unit = found[codes[request.unit]]
        payer = (request.payer or "").strip() or _owner_on(conn, unit, request.paid_on or today, today)
        # As an owner's or a contact's name is read (owners.contacts): 罗　红 is 罗红 (name_as_kept), 张三 李四 two people.
        payer = one_person_as_kept(payer, "交款人", "收据只写一位交款人")
        method = DEPOSIT_TRANSFER if request.kept is not None else parse_method(request.method)
        paid_on = check_business_day(request.paid_on or today, "收款日期", settings.years)
        if request.months is not None:  # 1999-01 would be printed as a prepayment "for 1999年1月"
            for month in (request.months.first, request.months.last):
                check_business_month(month, "缴费月份", settings.years)
            check_months_ahead(request.months.last, "缴费月份", today)  # 2099-01 too, however small the sum
        check_not_future(
            paid_on,
            "收款日期",
            "不能收未来日期的款，钱到账的那天再收；补录以前的转账请写当时的日期，并用 --reason 写明原因",
            today,
        )
        if (keeper := blocking_close(closed, Month.of(paid_on))) is not None:
            # Money that came in then and is entered only now goes into today's books, as a closed month stays.
            refused = refusal(conn, keeper, Month.of(paid_on), f"收日期在 {Month.of(paid_on)} 的款")
            raise ConflictError(f"{refused.message}；{LATE_ENTRY_ADVICE}")
        backdated = paid_on < today
        reason = (request.reason or "").strip()
        if counter and backdated and not reason:
            raise ValidationError(
                f"收款日期 {paid_on.isoformat()} 早于今天（{today.isoformat()}）：补录以前的收款请用 --reason 写明原因，"
                "例如 --reason 银行转账补录"
            )
        if reason and (problem := reason_problem(reason, "补录原因", "--reason")) is not None:
            raise ValidationError(problem)
        plan = _plan(request, open_bills[unit.id], owed, deposits)
        if counter:
            check_at_counter(conn, unit.id, unit.code, request, plan, paid_on)
            later = [a.amount_fen for a in plan.allocations if a.month > Month.of(paid_on)]
            check_prepayment(conn, unit.id, unit.code, request, paid_on, plan.prepayment_fen + sum(later))
        for allocation in plan.allocations:
            owed[allocation.bill_id] -= allocation.amount_fen
            allocation_rows.append(
                {
                    "id": allocation_id,
                    "payment_id": payment_id,
                    "bill_id": allocation.bill_id,
                    "amount_fen": allocation.amount_fen,
                }
            )
            allocation_id += 1
        # The number counts in the year the receipt is issued (today), not the year the money came in:
        # a January receipt for a December transfer follows January's numbers, never December's.
        scope = sequence_year(settings.number_pattern, today.year)
        if scope not in sequences:
            sequences[scope] = int(conn.execute(_LAST_SEQUENCE, {"year": scope}).scalar_one())
        sequences[scope] += 1
        number = format_receipt_number(settings.number_pattern, settings.prefix, today.year, sequences[scope])
        lines = (
            (request.kept,)
            if request.kept is not None
            else tuple(
                receipt_lines(plan, request.months, [a.bill_id for a in plan.allocations if owed[a.bill_id] > 0])
            )
        )
        payment_rows.append(
            {
                "id": payment_id,
                "unit_id": unit.id,
                "payer": payer,
                "amount_fen": request.amount_fen,
                "method": method,
                "paid_on": paid_on,
                "cashier": operator,
                "voided": False,
            }
        )
        receipt_rows.append(
            {
                "id": receipt_id,
                "number": number,
                "year": scope,
                "seq": sequences[scope],
                "payment_id": payment_id,
                "issued_on": paid_on,
                "issued_at": stamp,
                "status": "issued",
                "lines": json.dumps([line.to_dict() for line in lines], ensure_ascii=False),
                "void_reason": None,
                "voided_by": None,
                "voided_at": None,
                "voided_on": None,
                "reprints": 0,
            }
        )
        view = ReceiptView(number, paid_on, unit.code, payer, method, operator, request.amount_fen, lines, "issued")
        changes.append(
            journal.Change(
                "receipt.issue",
                "receipt",
                number,
                None,
                {
                    "unit": unit.code,
                    "payer": payer,
                    "amount_fen": request.amount_fen,
                    "method": method,
                    "date": paid_on.isoformat(),
                    "lines": [line.to_dict() for line in lines],
                    **({"backdated": True, "reason": reason} if backdated and reason else {}),
                },
            )
        )
        views.append(view)
        payment_id, receipt_id = payment_id + 1, receipt_id + 1
    if record:
        bulk_insert(conn, payments, payment_rows)
        bulk_insert(conn, allocations, allocation_rows)
        bulk_insert(conn, receipts, receipt_rows)
        journal.record(conn, operator, changes)
    return views


def _plan(
    request: PaymentRequest, open_bills: list[OpenBill], owed: dict[int, int], deposits: set[int]
) -> AllocationPlan:
    """How ``request``'s money is spread over the unit's ``open_bills`` (what each still lacks: ``owed``): fee bills
    first, an unpaid deposit (an id in ``deposits``) only with what is left; nothing for money kept from a deposit
    (``PaymentRequest.kept``), which pays no bill and is no prepayment either."""
    if request.kept is not None:
        return AllocationPlan((), 0)
    named = request.bills is not None
    current = [
        OpenBill(b.bill_id, b.month, b.item_order, b.item, owed[b.bill_id])
        for b in open_bills
        if request.bills is None or b.bill_id in request.bills
    ]
    plan = allocate(request.amount_fen, [b for b in current if named or b.bill_id not in deposits], request.months)
    held = [b for b in current if not named and b.bill_id in deposits]
    if held and plan.prepayment_fen:
        # Fees first: a renovation deposit is not a fee and never demanded, so money settles an unpaid
        # deposit only after every fee bill (paying what `fees arrears` shows clears the unit), and
        # rather than becoming 预收.
        rest = allocate(plan.prepayment_fen, held, request.months)
        plan = AllocationPlan(plan.allocations + rest.allocations, rest.prepayment_fen)
    return plan


def pay(
    ledger: Ledger, settings: ReceiptSettings, operator: str, request: PaymentRequest, today: dt.date | None = None
) -> ReceiptView:
    """Record one payment and issue its receipt in one transaction (``fees pay``)."""
    with ledger.write() as conn:
        return issue_payments(conn, settings, operator, [request], today)[0]


def pay_many(
    ledger: Ledger,
    settings: ReceiptSettings,
    operator: str,
    requests: Sequence[PaymentRequest],
    today: dt.date | None = None,
) -> list[ReceiptView]:
    """Many payments in one transaction, numbered in the order given (a bank batch, the demo)."""
    with ledger.write() as conn:
        return issue_payments(conn, settings, operator, requests, today)


def _receipt_query() -> Any:
    other = receipts.alias("other")
    reverses = sa.select(other.c.number).where(other.c.id == receipts.c.reversal_of).scalar_subquery()
    reversed_by = sa.select(other.c.number).where(other.c.reversal_of == receipts.c.id).scalar_subquery()
    return sa.select(
        receipts,
        payments.c.payer,
        payments.c.method,
        payments.c.cashier,
        payments.c.amount_fen,
        payments.c.unit_id,
        units.c.code,
        reverses.label("reverses"),
        reversed_by.label("reversed_by"),
    ).select_from(
        receipts.join(payments, payments.c.id == receipts.c.payment_id).join(units, units.c.id == payments.c.unit_id)
    )


def _view(row: Any) -> ReceiptView:
    lines = tuple(
        ReceiptLine(
            line["item"],
            *(_split_period(line["period"])),
            line["amount_fen"],
            bool(line.get("partial")),
            line.get("renovation", ""),
        )
        for line in json.loads(row.lines)
    )
    return ReceiptView(
        row.number,
        row.issued_on,
        row.code,
        row.payer,
        row.method,
        row.cashier,
        row.amount_fen,
        lines,
        row.status,
        row.void_reason,
        row.voided_by,
        row.voided_on,
        row.reprints,
        row.reverses,
        row.reversed_by,
    )


def _split_period(period: str) -> tuple[str, str]:
    if not period:
        return "", ""
    first, _, last = period.partition("..")
    return first, last or first


def _find(conn: Connection, number: str, settings: ReceiptSettings | None = None) -> Any:
    """The receipt ``number`` names: as written (a number of an earlier pattern too), else as
    ``parse_receipt_number`` reads it under ``settings`` (default: the default numbering).  ``NotFoundError`` when
    none, naming the number as typed (trimmed), as ``core.numbering``'s readers do: reshaped (``SJ2026-000099`` for
    ``SJ2026-99``) it is no text the clerk wrote."""
    typed = fold_number(number)
    row = conn.execute(_receipt_query().where(receipts.c.number == typed)).first()
    if row is not None:
        return row
    wanted = parse_receipt_number(number, settings or ReceiptSettings())
    row = conn.execute(_receipt_query().where(receipts.c.number == wanted)).first() if wanted != typed else None
    if row is None:
        raise NotFoundError(f"没有编号为 {number.strip()} 的收据：请用 recordkit receipt list 查看已开的收据")
    return row


def get_receipt(ledger: Ledger, number: str, settings: ReceiptSettings | None = None) -> ReceiptView:
    """One receipt by its number as a clerk types it (``parse_receipt_number``); ``NotFoundError`` when
    there is none, ``ValidationError`` for a text that is no receipt number."""
    with ledger.read() as conn:
        return _view(_find(conn, number, settings))


def void_receipt(
    ledger: Ledger,
    number: str,
    reason: str,
    operator: str,
    today: dt.date | None = None,
    settings: ReceiptSettings | None = None,
) -> ReceiptView:
    """Void a receipt (``receipt void``); the receipt as it stands afterwards.  See ``void_or_reverse``."""
    return void_or_reverse(ledger, number, reason, operator, today, settings)[0]


def void_or_reverse(
    ledger: Ledger,
    number: str,
    reason: str,
    operator: str,
    today: dt.date | None = None,
    settings: ReceiptSettings | None = None,
    on: dt.date | None = None,
) -> tuple[ReceiptView, ReceiptView | None]:
    """Undo a receipt (``receipt void``): (the receipt, its red reversal or None).

    A receipt undone on its own day (``on``, default ``today``) in an open month is voided: it stays,
    marked 作废 with reason, operator and time; its payment no longer pays anything; its number is
    never used again.  A receipt of an earlier day (that day's 日结 is done, its money handed in) or of
    a closed month stays as it is in its day, and a red reversal (红冲) dated ``on`` — a new receipt with
    the next number and the negative of every line, naming the original — undoes what its payment paid
    (journalled), the money leaving in that day's 日结; it is numbered by ``settings`` (default: the
    default numbering).

    ``ValidationError`` without a reason, for one of punctuation alone or on more than one line
    (``reason_problem``), or for ``on`` after ``today`` or before the receipt's
    day, ``NotFoundError`` for an unknown number, ``ConflictError`` for a receipt already voided
    or reversed, for a red reversal itself, for a receipt that paid a renovation deposit already
    refunded, or for a void or a reversal dated in a closed month.
    """
    reason, today = _void_request(reason, today, on)
    with ledger.write() as conn:
        return _void_or_reverse_in(conn, number, reason, operator, today, settings, on)


def void_and_print(
    workspace: Workspace,
    ledger: Ledger,
    number: str,
    reason: str,
    operator: str,
    today: dt.date | None = None,
    on: dt.date | None = None,
    library: TemplateLibrary | None = None,
) -> tuple[ReceiptView, ReceiptView | None, GeneratedDocument]:
    """``void_or_reverse`` and the paper that goes with it — the voided receipt marked 作废, or the red
    reversal under its own number — in ONE ledger write (``receipt void``): a void the template
    cannot print is not made (``record_and_print``).  Raises what ``void_or_reverse`` and the
    template raise."""
    reason, today = _void_request(reason, today, on)
    settings = workspace.settings.receipt
    (receipt, reversal), document = record_and_print(
        workspace,
        ledger,
        receipt_template_name(workspace),
        lambda conn: _void_or_reverse_in(conn, number, reason, operator, today, settings, on),
        lambda conn, made: _document_request(conn, made[1] or made[0], workspace.settings),
        operator=operator,
        kind=RECEIPT_KIND,
        library=library,
        numbers=(RECEIPT_NUMBER_KEY,),
    )
    return receipt, reversal, document


def _void_request(reason: str, today: dt.date | None, on: dt.date | None) -> tuple[str, dt.date]:
    """(the reason, today) of a void, checked before the ledger is opened for it."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("作废原因不能为空：请用 --reason 写明原因，例如 --reason 金额开错")
    if (problem := reason_problem(reason, "作废原因", "--reason")) is not None:
        raise ValidationError(problem)
    today = today or dt.date.today()
    if on is not None:
        check_not_future(on, "作废日期", "不能作废在未来的日期", today)
    return reason, today


def _void_or_reverse_in(
    conn: Connection,
    number: str,
    reason: str,
    operator: str,
    today: dt.date,
    settings: ReceiptSettings | None,
    on: dt.date | None,
) -> tuple[ReceiptView, ReceiptView | None]:
    """``void_or_reverse`` inside the write ``conn``."""
    row = _find(conn, number, settings)
    if on is not None and on < row.issued_on:
        raise ValidationError(f"作废日期 {on.isoformat()} 早于收据 {row.number} 的收款日期 {row.issued_on.isoformat()}")
    today = on or today
    if row.status == "voided":
        raise ConflictError(
            f"收据 {row.number} 已于 {row.voided_on:%Y-%m-%d} 由 {row.voided_by} 作废"
            f"（原因：{row.void_reason}），不能重复作废"
        )
    if row.reverses is not None:
        raise ConflictError(f"收据 {row.number} 是收据 {row.reverses} 的红冲收据，不能作废")
    if row.reversed_by is not None:
        raise ConflictError(f"收据 {row.number} 已由 {row.reversed_by} 红冲，不能重复作废")
    _check_deposit_kept(conn, row)
    # A receipt of an earlier day is in that day's 日结, its money handed in (跨日的收据不能作废，只能红冲); one of a
    # closed month, or of an open month before a closed one (a ledger closed out of order), is in the month's kept
    # arrears.  Either is undone by a red reversal dated the void's day: voiding it would rewrite the day or the month.
    if today > row.issued_on or first_closed_from(conn, Month.of(row.issued_on)) is not None:
        reversal = _reverse(conn, settings or ReceiptSettings(), row, reason, operator, today)
        return _view(_find(conn, row.number)), reversal
    check_open(conn, Month.of(today), f"作废日期在 {Month.of(today)} 的收据")
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    conn.execute(
        sa.update(receipts)
        .where(receipts.c.id == row.id)
        .values(status="voided", void_reason=reason, voided_by=operator, voided_at=stamp, voided_on=today)
    )
    conn.execute(sa.update(payments).where(payments.c.id == row.payment_id).values(voided=True))
    journal.record(
        conn,
        operator,
        [
            journal.Change(
                "receipt.void",
                "receipt",
                row.number,
                {"status": "有效"},
                {"status": "作废", "reason": reason, "unit": row.code, "amount_fen": row.amount_fen},
            )
        ],
    )
    return _view(_find(conn, row.number)), None


def _check_deposit_kept(conn: Connection, row: Any) -> None:
    """``ConflictError`` when the receipt ``row`` paid a renovation deposit that has been refunded, or is the
    receipt of what such a refund kept from the deposit (``DEPOSIT_TRANSFER``).

    The refund paid out money this receipt took in: undoing the receipt would say the deposit was
    never received while its refund stands (the deposit held would go negative, the renovation
    would owe its deposit again after the refund).  ``renovations.refund`` refuses a deposit not
    fully paid for the same reason.  The receipt of the money kept is the rest of that one refund: undone, the
    deduction would be neither paid back nor anyone's income."""
    if row.method == DEPOSIT_TRANSFER:
        registration = next((line.get("renovation") for line in json.loads(row.lines) if line.get("renovation")), "")
        raise ConflictError(
            f"收据 {row.number} 是装修登记 {registration or '（未记载）'} 退押金时扣下的 {format_yuan(row.amount_fen)} 元"
            f"（收款方式 {DEPOSIT_TRANSFER}），不能作废或红冲：押金只能退一次，扣款随退款一起入账，不能单独撤销"
        )
    refunded = conn.execute(
        sa.select(renovations.c.number, renovations.c.refunded_on, renovations.c.refund_fen)
        .join(allocations, allocations.c.bill_id == renovations.c.deposit_bill_id)
        .where(
            allocations.c.payment_id == row.payment_id,
            allocations.c.amount_fen > 0,
            renovations.c.status == "refunded",
        )
        .order_by(renovations.c.id)
    ).first()
    if refunded is not None:
        raise ConflictError(
            f"收据 {row.number} 收取的装修押金（装修登记 {refunded.number}）已于 {refunded.refunded_on:%Y-%m-%d} "
            f"退还 {format_yuan(refunded.refund_fen or 0)} 元，不能再作废或红冲：作废会把已退的押金算成没收过；"
            f"收款确有差错，请用 recordkit fees account {row.code} 核对后另开收据补收"
        )


def _reverse(
    conn: Connection, settings: ReceiptSettings, row: Any, reason: str, operator: str, today: dt.date
) -> ReceiptView:
    """The red reversal of the receipt ``row`` (of an earlier day or a closed month), dated ``today`` (an open month)."""
    check_open(conn, Month.of(today), "开红冲收据")
    payment_id, receipt_id = next_row_id(conn, payments), next_row_id(conn, receipts)
    allocation_id = next_row_id(conn, allocations)
    undone = conn.execute(
        sa.select(allocations.c.bill_id, allocations.c.amount_fen)
        .where(allocations.c.payment_id == row.payment_id)
        .order_by(allocations.c.id)
    ).all()
    conn.execute(
        sa.insert(payments).values(
            id=payment_id,
            unit_id=row.unit_id,
            payer=row.payer,
            amount_fen=-row.amount_fen,
            method=row.method,
            paid_on=today,
            cashier=operator,
            voided=False,
        )
    )
    bulk_insert(
        conn,
        allocations,
        [
            {"id": allocation_id + n, "payment_id": payment_id, "bill_id": bill_id, "amount_fen": -fen}
            for n, (bill_id, fen) in enumerate(undone)
        ],
    )
    scope = sequence_year(settings.number_pattern, today.year)
    seq = 1 + int(
        conn.execute(
            sa.select(sa.func.coalesce(sa.func.max(receipts.c.seq), 0)).where(receipts.c.year == scope)
        ).scalar_one()
    )
    number = format_receipt_number(settings.number_pattern, settings.prefix, today.year, seq)
    lines = [{**line, "amount_fen": -line["amount_fen"]} for line in json.loads(row.lines)]
    conn.execute(
        sa.insert(receipts).values(
            id=receipt_id,
            number=number,
            year=scope,
            seq=seq,
            payment_id=payment_id,
            issued_on=today,
            issued_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            status="issued",
            lines=json.dumps(lines, ensure_ascii=False),
            void_reason=reason,
            voided_by=None,
            voided_at=None,
            voided_on=None,
            reprints=0,
            reversal_of=row.id,
        )
    )
    journal.record(
        conn,
        operator,
        [
            journal.Change(
                "receipt.reverse",
                "receipt",
                number,
                None,
                {
                    "reverses": row.number,
                    "reason": reason,
                    "unit": row.code,
                    "amount_fen": -row.amount_fen,
                    "date": today.isoformat(),
                },
            )
        ],
    )
    return _view(_find(conn, number))


def reprint_receipt(ledger: Ledger, number: str, operator: str, settings: ReceiptSettings | None = None) -> ReceiptView:
    """Count and journal a reprint (补打) of a receipt, its number read as ``get_receipt`` reads it;
    ``NotFoundError`` for an unknown number."""

    with ledger.write() as conn:
        return _reprint(conn, number, operator, settings)


def _reprint(conn: Connection, number: str, operator: str, settings: ReceiptSettings | None) -> ReceiptView:
    row = _find(conn, number, settings)
    conn.execute(sa.update(receipts).where(receipts.c.id == row.id).values(reprints=row.reprints + 1))
    journal.record(
        conn,
        operator,
        [
            journal.Change(
                "receipt.reprint", "receipt", row.number, {"reprints": row.reprints}, {"reprints": row.reprints + 1}
            )
        ],
    )
    return _view(_find(conn, row.number))


def reprint_and_print(
    workspace: Workspace, ledger: Ledger, number: str, operator: str, library: TemplateLibrary | None = None
) -> tuple[ReceiptView, GeneratedDocument]:
    """Count and journal a reprint (``receipt reprint``) and write its paper, marked 补打, in ONE ledger
    write: a reprint the template cannot print is never counted nor journalled (``record_and_print``).
    ``NotFoundError`` for an unknown number; what the template raises."""
    settings = workspace.settings.receipt
    return record_and_print(
        workspace,
        ledger,
        receipt_template_name(workspace),
        lambda conn: _reprint(conn, number, operator, settings),
        lambda conn, view: _document_request(conn, view, workspace.settings, reprint=True),
        operator=operator,
        kind=RECEIPT_KIND,
        library=library,
        preview=lambda conn: _view(_find(conn, number, settings)),
    )


def list_receipts(
    ledger: Ledger,
    on: dt.date | None = None,
    voided_only: bool = False,
    unit: str | None = None,
    today: dt.date | None = None,
    years: tuple[int, int] = BUSINESS_YEARS,
) -> list[ReceiptView]:
    """Receipts in number order: of one day (issued or voided that day), only voided ones, of one unit.

    ``ValidationError`` for a day after ``today`` or outside ``years`` (the books' years, ``[receipt]
    first_year``–``last_year``: a mistyped year, no receipt can bear it, and an empty list would read as a day
    without receipts); ``NotFoundError`` for a unit the ledger does not have."""

    if on is not None:
        check_not_future(on, "收据日期", "只能列出今天或以前某一天开具或作废的收据", today)
        check_business_day(on, "收据日期", years)
    query = _receipt_query().order_by(receipts.c.year, receipts.c.seq)
    if on is not None:
        query = query.where(sa.or_(receipts.c.issued_on == on, receipts.c.voided_on == on))
    if voided_only:
        query = query.where(receipts.c.status == "voided")
    code = str(parse_unit_code(unit)) if unit is not None else None
    if code is not None:
        query = query.where(units.c.code == code)
    with ledger.read() as conn:
        views = [_view(row) for row in conn.execute(query)]
        if not views:
            refuse_unknown_unit(conn, code)
    return views


# -- the printed receipt ---------------------------------------------------------------------


def transfer_note(view: ReceiptView, deposits: Mapping[str, int]) -> str:
    """What a receipt of money kept from a deposit (收款方式 ``DEPOSIT_TRANSFER``) says of where it came from:
    由装修押金转入（装修登记 ZX2026-0003，押金 2,000.00 元）, ``deposits`` the deposit (fen) of each registration its
    lines name; "" for any other receipt."""
    if view.method != DEPOSIT_TRANSFER:
        return ""
    sources = "；".join(
        f"装修登记 {number}，押金 {format_yuan(deposits[number])} 元" if number in deposits else f"装修登记 {number}"
        for number in view.registrations
    )
    return f"由装修押金转入（{sources}）" if sources else "由装修押金转入"


def transferred_deposits(conn: Connection, view: ReceiptView) -> dict[str, int]:
    """registration number -> its deposit (fen: what its refund paid back plus what it kept) for each renovation
    the lines of ``view``, a 押金转入 receipt, name; nothing is read for any other receipt."""
    if view.method != DEPOSIT_TRANSFER or not view.registrations:
        return {}
    rows = conn.execute(
        sa.select(renovations.c.number, renovations.c.refund_fen, renovations.c.deduction_fen).where(
            renovations.c.number.in_(view.registrations), renovations.c.refund_fen.is_not(None)
        )
    )
    return {row.number: int(row.refund_fen) + int(row.deduction_fen or 0) for row in rows}


def receipt_context(
    view: ReceiptView,
    settings: Settings,
    reprint: bool = False,
    deposits: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The values the receipt template is filled with (keys are the words on the paper): those every document gets
    (``documents.generated.office_context``, dated the day of payment) and the receipt's; ``deposits`` as
    ``transferred_deposits`` reads them, for a 押金转入 receipt's 备注."""
    layout = settings.receipt.layout
    template_for_layout(layout)  # a wrong setting fails before anything is filled
    marks = [
        mark
        for mark, on in (
            ("红冲", bool(view.reverses)),
            ("已红冲", bool(view.reversed_by)),
            ("作废", view.voided),
            ("补打", reprint),
        )
        if on
    ]
    # A red reversal's amounts are negative: the capitals say 负 before the amount.
    capitals = amount_in_capitals(abs(view.total_fen))
    if view.total_fen < 0:
        capitals = "负" + capitals
    return {
        **office_context(settings, view.issued_on),
        RECEIPT_NUMBER_KEY: view.number,
        "收款日期": chinese_date(view.issued_on),
        "交款人": view.payer,
        "房号": view.unit,
        # What paper calls the unit (3栋2单元1201室, 地下车位B1-023): the same on every reprint.
        "房屋": parse_unit_code(view.unit).display,
        "收款方式": view.method,
        "收款人": view.cashier,
        "明细": [
            {"项目": line.item, "期间": line.period_chinese, "金额": format_yuan(line.amount_fen)}
            for line in view.lines
        ],
        "合计": format_yuan(view.total_fen),
        "合计大写": capitals,
        "作废": view.voided,
        "补打": reprint,
        "红冲": bool(view.reverses),
        "标记": "、".join(marks),
        "作废原因": view.void_reason or "",
        "红冲原收据": view.reverses or "",
        # A red reversal keeps its reason where a void keeps its own (``_reverse``).
        "红冲原因": (view.void_reason or "") if view.reverses else "",
        # A receipt of a closed month undone by a red reversal: a reprint must not read as money still paid.
        "已红冲": bool(view.reversed_by),
        "红冲收据": view.reversed_by or "",
        # Where a 押金转入 receipt's money came from (the account says it too); empty on any other receipt.
        "备注": transfer_note(view, deposits or {}),
        "版式": layout,
    }


def _document_request(
    conn: Connection, view: ReceiptView, settings: Settings, reprint: bool = False
) -> DocumentRequest:
    """The paper of ``view``, what it says read in ``conn`` (a 押金转入 receipt's deposit)."""
    context = receipt_context(
        view,
        settings,
        reprint,
        transferred_deposits(conn, view),
    )
    label = "（补打）" if reprint else ("（作废）" if view.voided else ("（红冲）" if view.reverses else ""))
    return DocumentRequest(context, view.unit, f"收据{view.number}{label}")


def template_for_layout(layout: str) -> str:
    """收据, or 收据-241 for the 241 mm layout (the office's own when templates/ has one);
    ``ConfigError`` for another ``receipt.layout``."""
    if layout not in LAYOUTS:
        raise ConfigError(f"receipt.layout 应为 {'、'.join(LAYOUTS)} 之一（A4 或 241 mm 连续纸），现在是 {layout!r}")
    return LAYOUTS[layout]


def receipt_template_name(workspace: Workspace) -> str:
    return template_for_layout(workspace.settings.receipt.layout)


def pay_and_print(
    workspace: Workspace,
    ledger: Ledger,
    operator: str,
    request: PaymentRequest | Callable[[Connection], PaymentRequest],
    today: dt.date | None = None,
    library: TemplateLibrary | None = None,
) -> tuple[ReceiptView, GeneratedDocument]:
    """Record one payment, issue its receipt and write the receipt's .docx in ONE ledger write
    (``fees pay``): a receipt the template cannot print is never taken, and a failed commit
    leaves no file.  ``request`` may be a function that makes the request from the open
    write connection, when what is due must be read under the same lock (``renovation pay``).
    The receipt is filled before the write lock is taken, from the payment as it would be
    recorded now, and gets its number under the lock (``documents.generated.record_and_print``):
    the lock is held for the numbered commit only.
    Raises what ``issue_payments``, ``request`` and the template raise."""

    def payment(conn: Connection, record: bool = True) -> ReceiptView:
        made = request(conn) if callable(request) else request
        settings = workspace.settings.receipt
        return issue_payments(conn, settings, operator, [made], today, counter=True, record=record)[0]

    return record_and_print(
        workspace,
        ledger,
        receipt_template_name(workspace),
        payment,
        lambda conn, view: _document_request(conn, view, workspace.settings),
        operator=operator,
        kind=RECEIPT_KIND,
        library=library,
        preview=lambda conn: payment(conn, record=False),
        numbers=(RECEIPT_NUMBER_KEY,),
    )


def write_receipt_docx(
    workspace: Workspace,
    ledger: Ledger,
    view: ReceiptView,
    operator: str,
    reprint: bool = False,
    library: TemplateLibrary | None = None,
) -> GeneratedDocument:
    """Print an issued receipt (again) to ``records/generated/``: a reprint, a voided one."""
    with ledger.read() as conn:
        request = _document_request(conn, view, workspace.settings, reprint)
    return generate_many(
        workspace,
        ledger,
        receipt_template_name(workspace),
        [request],
        operator=operator,
        kind=RECEIPT_KIND,
        library=library,
    )[0]


def receipt_requests(conn: Connection, views: Sequence[ReceiptView], settings: Settings) -> list[DocumentRequest]:
    """Document requests for many receipts (one ``documents.generate_many`` call), read in ``conn``."""
    return [_document_request(conn, view, settings) for view in views]


def totals_by(views: Iterable[ReceiptView], key: str) -> Mapping[str, tuple[int, int]]:
    """(count, fen) of valid receipts by ``method`` or ``cashier``."""
    result: dict[str, list[int]] = {}
    for view in views:
        if view.voided:
            continue
        entry = result.setdefault(getattr(view, key), [0, 0])
        entry[0] += 1
        entry[1] += view.total_fen
    return {name: (count, fen) for name, (count, fen) in result.items()}
