"""The deposit refund (押金退款): deductions, the refund recorded, the receipt of what it kept, and its paper."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.billing.allocations import DEPOSIT_KEPT_ITEM, DEPOSIT_TRANSFER
from recordkit.billing.closing import check_open
from recordkit.billing.receipts import (
    RECEIPT_KIND,
    RECEIPT_NUMBER_KEY,
    PaymentRequest,
    ReceiptLine,
    ReceiptView,
    issue_payments,
    parse_method,
    receipt_requests,
    receipt_template_name,
)
from recordkit.core.config import ReceiptSettings
from recordkit.core.dates import Month, check_not_future, chinese_date
from recordkit.core.errors import ConflictError, ValidationError
from recordkit.core.money import amount_in_capitals, format_yuan
from recordkit.core.personal import reason_problem
from recordkit.documents.generated import AlsoPrinted, DocumentRequest, generate_many, record_and_print_all
from recordkit.ledger import journal
from recordkit.ledger.schema import allocations, payments, receipts, renovations
from recordkit.renovations.paper import paper_context
from recordkit.renovations.records import (
    DOCUMENT_KIND,
    REFUND_TEMPLATE,
    STATUS_LABELS,
    Renovation,
    find_renovation_row,
    load_renovation,
)
from recordkit.renovations.registration import deposit_receipts_in

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.core.workspace import Workspace
    from recordkit.documents.generated import GeneratedDocument
    from recordkit.ledger.db import Ledger


#: The 退款单's key naming the receipt of what the refund kept (``RECEIPT_NUMBER_KEY``'s number, known under the lock).
KEPT_RECEIPT_KEY = "扣款收据编号"


@dataclass(frozen=True)
class Refund:
    """A deposit refunded: the renovation as it stands after, and the receipt of what the office kept from its deposit
    (None when it kept nothing)."""

    renovation: Renovation
    receipt: ReceiptView | None


def deduction_line(renovation_number: str, reason: str, deduction_fen: int) -> ReceiptLine:
    """The line of the receipt of money kept from a deposit: 装修押金扣款（损坏公共走廊墙面）, naming its registration."""
    return ReceiptLine(f"{DEPOSIT_KEPT_ITEM}（{reason}）", "", "", deduction_fen, renovation=renovation_number)


def refund_amount(deposit_fen: int, deduction_fen: int) -> int:
    """What goes back to the owner; ``ValidationError`` for a deduction above the deposit."""
    if deduction_fen < 0:
        raise ValidationError(f"扣除金额不能为负数：{format_yuan(deduction_fen)}")
    if deduction_fen > deposit_fen:
        raise ValidationError(f"扣除金额 {format_yuan(deduction_fen)} 元超过押金 {format_yuan(deposit_fen)} 元")
    return deposit_fen - deduction_fen


def _check_refund_day(conn: Connection, renovation: Renovation, today: dt.date) -> None:
    # A refund dated before the inspection that passed, or before the deposit was taken, would put
    # money out in a day's 日结 before it came in, and print a form refunding an uninspected renovation.
    passed = max(i.inspected_on for i in renovation.inspections if i.result == "合格")
    if today < passed:
        raise ValidationError(
            f"退款日期 {today.isoformat()} 早于验收合格的日期 {passed.isoformat()}："
            "押金在验收合格后才能退还，请检查 --date"
        )
    paid = conn.execute(
        sa.select(sa.func.max(payments.c.paid_on))
        .join(allocations, allocations.c.payment_id == payments.c.id)
        .where(allocations.c.bill_id == renovation.deposit_bill_id, payments.c.voided.is_(False))
    ).scalar()
    if paid is not None and today < paid:
        raise ValidationError(
            f"退款日期 {today.isoformat()} 早于押金的收款日期 {paid.isoformat()}：押金收到以后才能退还，请检查 --date"
        )


def refund(
    ledger: Ledger,
    operator: str,
    number: str,
    deduction_fen: int = 0,
    reason: str = "",
    today: dt.date | None = None,
    method: str = "现金",
    now: dt.date | None = None,
    settings: ReceiptSettings | None = None,
) -> Renovation:
    """See ``_refund_in``; in its own ledger write, without printing (``refund_and_print`` prints both papers)."""
    with ledger.write() as conn:
        return _refund_in(conn, operator, number, deduction_fen, reason, today, method, now, settings).renovation


def _refund_in(
    conn: Connection,
    operator: str,
    number: str,
    deduction_fen: int = 0,
    reason: str = "",
    today: dt.date | None = None,
    method: str = "现金",
    now: dt.date | None = None,
    settings: ReceiptSettings | None = None,
) -> Refund:
    """Refund the deposit less deductions (``renovation refund``) on ``today``, once, after a passed
    inspection, paid out by ``method`` (现金、微信、支付宝、银行转账: the 日结 nets it per method).

    The deduction stays with the office (damage or a breach of the agreement) and needs a
    reason.  It is income the owner gets a receipt for, in the same write: the next number of the receipts'
    sequence (``settings``, default the default numbering), paid by the registered owner, dated ``today``, one line
    ``deduction_line``, 收款方式 ``DEPOSIT_TRANSFER`` (no money moves: it came in with the deposit); a number the
    pattern cannot make (``ConfigError``) refunds nothing.  ``ConflictError`` before a passed inspection, a second
    time, with no deposit taken or the deposit not fully paid, or dated in a closed month; ``ValidationError`` for a
    deduction above the deposit, a negative one, or one without a reason, a reason of punctuation alone or on more
    than one line (``reason_problem``), an unknown method, a day
    after ``now`` (the real day, default the computer's), or a day before the inspection that passed
    or before the deposit was paid.
    """

    reason = reason.strip()
    if deduction_fen and not reason:
        raise ValidationError("有扣除金额时须写明扣除原因：请加 --reason，例如 --reason 损坏电梯轿厢")
    if reason and (problem := reason_problem(reason, "扣除原因", "--reason")) is not None:
        raise ValidationError(problem)
    method = parse_method(method)
    if method == "POS":
        raise ValidationError("押金不能退到 POS：退款方式应为 现金、微信、支付宝、银行转账 之一")
    today = check_not_future(today or dt.date.today(), "退款日期", "不能退未来日期的款，钱退给业主的那天再退", now)
    check_open(conn, Month.of(today), f"退日期在 {Month.of(today)} 的押金")
    renovation = load_renovation(conn, find_renovation_row(conn, number))
    if renovation.status == "refunded":
        raise ConflictError(
            f"装修登记 {renovation.number} 的押金已于 {renovation.refunded_on.isoformat()} "  # type: ignore[union-attr]
            f"退还 {format_yuan(renovation.refund_fen or 0)} 元，不能重复退款"
        )
    if renovation.status != "passed":
        raise ConflictError(
            f"装修登记 {renovation.number} 尚未验收合格（现为{renovation.status_label}），不能退押金："
            f"请先运行 recordkit renovation inspect {renovation.number} --result 合格"
        )
    if not renovation.deposit_fen:
        raise ConflictError(f"装修登记 {renovation.number} 没有收取押金，无需退款")
    if renovation.deposit_paid_fen < renovation.deposit_fen:
        raise ConflictError(
            f"装修登记 {renovation.number} 的押金尚未缴清（已缴 {format_yuan(renovation.deposit_paid_fen)} 元，"
            f"应缴 {format_yuan(renovation.deposit_fen)} 元），不能退款"
        )
    amount = refund_amount(renovation.deposit_paid_fen, deduction_fen)
    _check_refund_day(conn, renovation, today)
    receipt = _issue_deduction_receipt(conn, settings, operator, renovation, deduction_fen, reason, today, now)
    conn.execute(
        sa.update(renovations)
        .where(renovations.c.id == renovation.id)
        .values(
            status="refunded",
            deduction_fen=deduction_fen,
            deduction_reason=reason or None,
            refund_fen=amount,
            refunded_on=today,
            refunded_by=operator,
            refund_method=method,
        )
    )
    journal.record(
        conn,
        operator,
        [
            journal.Change(
                "renovation.refund",
                "renovation",
                renovation.number,
                {"status": renovation.status_label},
                {
                    "status": STATUS_LABELS["refunded"],
                    "deposit_fen": renovation.deposit_paid_fen,
                    "deduction_fen": deduction_fen,
                    "reason": reason,
                    "refund_fen": amount,
                    "method": method,
                    "date": today.isoformat(),
                    **({"receipt": receipt.number} if receipt is not None else {}),
                },
            )
        ],
    )
    return Refund(load_renovation(conn, find_renovation_row(conn, renovation.number)), receipt)


def _issue_deduction_receipt(
    conn: Connection,
    settings: ReceiptSettings | None,
    operator: str,
    renovation: Renovation,
    deduction_fen: int,
    reason: str,
    today: dt.date,
    now: dt.date | None,
) -> ReceiptView | None:
    """The receipt of ``deduction_fen`` kept from ``renovation``'s deposit, issued in the refund's write; None for
    nothing kept."""
    if not deduction_fen:
        return None
    kept = PaymentRequest(
        renovation.unit,
        deduction_fen,
        DEPOSIT_TRANSFER,
        payer=renovation.owner,
        paid_on=today,
        kept=deduction_line(renovation.number, reason, deduction_fen),
    )
    return issue_payments(conn, settings or ReceiptSettings(), operator, [kept], now)[0]


def kept_receipt_in(conn: Connection, renovation: Renovation) -> str | None:
    """The number of the receipt of what ``renovation``'s refund kept from its deposit, or None (nothing kept, not
    refunded, or refunded by a version that issued none)."""
    if renovation.refunded_on is None or not renovation.deduction_fen:
        return None
    rows = conn.execute(
        sa.select(receipts.c.number, receipts.c.lines)
        .join(payments, payments.c.id == receipts.c.payment_id)
        .where(
            payments.c.unit_id
            == sa.select(renovations.c.unit_id).where(renovations.c.id == renovation.id).scalar_subquery(),
            payments.c.method == DEPOSIT_TRANSFER,
            payments.c.paid_on == renovation.refunded_on,
        )
        .order_by(receipts.c.id)
    )
    return next(
        (
            row.number
            for row in rows
            if any(line.get("renovation") == renovation.number for line in json.loads(row.lines))
        ),
        None,
    )


def collection_note(method: str) -> str:
    """The 退款单's sentence on how the payee gets the money: in cash at the counter against the deposit's receipt and
    an ID, or, paid out by transfer (微信、支付宝、银行转账), a signature, the receipt still taken back."""
    if method == "现金":
        return "领款人凭押金收据原件及身份证件领取；押金收据由物业服务中心收回。"
    return f"押金以{method}退还，不付现金；领款人签字确认，押金收据原件由物业服务中心收回。"


#: The 退款单's word on a deduction kept (only when one was: a refund of the whole deposit has no 扣款收据).
KEPT_NOTE = "扣除的押金转为收入，另开收据（收款方式：押金转入）交领款人。"


def refund_context(
    workspace: Workspace,
    renovation: Renovation,
    receipt_numbers: Sequence[str],
    today: dt.date | None = None,
    kept_receipt: str | None = None,
) -> dict[str, Any]:
    passed = next((i for i in reversed(renovation.inspections) if i.result == "合格"), None)
    amount = renovation.refund_fen or 0
    method = renovation.refund_method or "现金"  # (what migration 0009 gave the refunds before it)
    return {
        **paper_context(workspace, renovation, today or renovation.refunded_on),
        "装修押金": format_yuan(renovation.deposit_paid_fen),
        "押金收据编号": "、".join(receipt_numbers) or "—",
        "扣除金额": format_yuan(renovation.deduction_fen or 0),
        "扣除原因": renovation.deduction_reason or "无",
        KEPT_RECEIPT_KEY: kept_receipt or "无",
        "退款金额": format_yuan(amount),
        "退款金额大写": amount_in_capitals(amount) if amount else "零元整",
        "退款方式": method,
        "领款说明": collection_note(method),
        "扣款说明": KEPT_NOTE if renovation.deduction_fen else "",
        "验收日期": chinese_date(passed.inspected_on) if passed else "—",
        "验收结论": f"合格{('（' + passed.notes + '）') if passed and passed.notes else ''}",
        "经办人": renovation.refunded_by or renovation.registered_by,
    }


def write_refund(workspace: Workspace, ledger: Ledger, renovation: Renovation, operator: str) -> GeneratedDocument:
    """The 装修押金退款单 of a refunded renovation."""

    with ledger.read() as conn:
        paper = _refund_paper(workspace, conn, renovation, kept_receipt_in(conn, renovation))
    return generate_many(workspace, ledger, REFUND_TEMPLATE, [paper], operator=operator, kind=DOCUMENT_KIND)[0]


def _refund_paper(
    workspace: Workspace, conn: Connection, renovation: Renovation, kept_receipt: str | None
) -> DocumentRequest:
    return DocumentRequest(
        refund_context(workspace, renovation, deposit_receipts_in(conn, renovation), kept_receipt=kept_receipt),
        renovation.unit,
        f"装修押金退款单{renovation.number}",
    )


@dataclass(frozen=True)
class RefundPrinted:
    """``refund_and_print``'s result: the refund, its 退款单, and the paper of its receipt (None when nothing was kept)."""

    refund: Refund
    form: GeneratedDocument
    receipt_paper: GeneratedDocument | None


def refund_and_print(
    workspace: Workspace,
    ledger: Ledger,
    operator: str,
    number: str,
    deduction_fen: int = 0,
    reason: str = "",
    today: dt.date | None = None,
    method: str = "现金",
    now: dt.date | None = None,
) -> RefundPrinted:
    """``refund``, its 装修押金退款单 and the receipt of what it kept, in one ledger write (``renovation refund``):
    a form or a receipt that cannot be printed leaves the deposit unrefunded and no receipt issued."""

    settings = workspace.settings
    made, (form, receipt_paper) = record_and_print_all(
        workspace,
        ledger,
        lambda conn: _refund_in(conn, operator, number, deduction_fen, reason, today, method, now, settings.receipt),
        [
            AlsoPrinted(
                REFUND_TEMPLATE,
                DOCUMENT_KIND,
                lambda conn, made: _refund_paper(
                    workspace, conn, made.renovation, made.receipt.number if made.receipt else None
                ),
                (KEPT_RECEIPT_KEY,) if deduction_fen else (),
            ),
            AlsoPrinted(
                receipt_template_name(workspace),
                RECEIPT_KIND,
                lambda conn, made: receipt_requests(conn, [made.receipt], settings)[0] if made.receipt else None,
                (RECEIPT_NUMBER_KEY,),
            ),
        ],
        operator=operator,
    )
    assert form is not None  # the 退款单 is always printed
    return RefundPrinted(made, form, receipt_paper)
