"""The deposit refund (押金退款): deductions, the refund recorded, and its paper."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.billing.closing import check_open
from recordkit.billing.receipts import parse_method
from recordkit.core.dates import Month, check_not_future, chinese_date
from recordkit.core.errors import ConflictError, ValidationError
from recordkit.core.money import amount_in_capitals, format_yuan
from recordkit.core.personal import reason_problem
from recordkit.documents.generated import DocumentRequest, generate_many, record_and_print
from recordkit.ledger import journal
from recordkit.ledger.schema import (
    allocations,
    payments,
    renovations,
)
from recordkit.renovations.paper import paper_context
from recordkit.renovations.records import (
    DOCUMENT_KIND,
    REFUND_TEMPLATE,
    STATUS_LABELS,
    Renovation,
    find_renovation_row,
    load_renovation,
)
from recordkit.renovations.registration import deposit_receipt_numbers, deposit_receipts_in

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.core.workspace import Workspace
    from recordkit.documents.generated import GeneratedDocument
    from recordkit.ledger.db import Ledger


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
) -> Renovation:
    """See ``_refund_in``; in its own ledger write."""
    with ledger.write() as conn:
        return _refund_in(conn, operator, number, deduction_fen, reason, today, method, now)


def _refund_in(
    conn: Connection,
    operator: str,
    number: str,
    deduction_fen: int = 0,
    reason: str = "",
    today: dt.date | None = None,
    method: str = "现金",
    now: dt.date | None = None,
) -> Renovation:
    """Refund the deposit less deductions (``renovation refund``) on ``today``, once, after a passed
    inspection, paid out by ``method`` (现金、微信、支付宝、银行转账: the 日结 nets it per method).

    The deduction stays with the office (damage or a breach of the agreement) and needs a
    reason.  ``ConflictError`` before a passed inspection, a second time, with no deposit
    taken or the deposit not fully paid, or dated in a closed month; ``ValidationError`` for a
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
                },
            )
        ],
    )
    return load_renovation(conn, find_renovation_row(conn, renovation.number))


def refund_context(
    workspace: Workspace, renovation: Renovation, receipt_numbers: Sequence[str], today: dt.date | None = None
) -> dict[str, Any]:
    passed = next((i for i in reversed(renovation.inspections) if i.result == "合格"), None)
    amount = renovation.refund_fen or 0
    return {
        **paper_context(workspace, renovation, today or renovation.refunded_on),
        "装修押金": format_yuan(renovation.deposit_paid_fen),
        "押金收据编号": "、".join(receipt_numbers) or "—",
        "扣除金额": format_yuan(renovation.deduction_fen or 0),
        "扣除原因": renovation.deduction_reason or "无",
        "退款金额": format_yuan(amount),
        "退款金额大写": amount_in_capitals(amount) if amount else "零元整",
        "验收日期": chinese_date(passed.inspected_on) if passed else "—",
        "验收结论": f"合格{('（' + passed.notes + '）') if passed and passed.notes else ''}",
        "经办人": renovation.refunded_by or renovation.registered_by,
    }


def write_refund(workspace: Workspace, ledger: Ledger, renovation: Renovation, operator: str) -> GeneratedDocument:
    """The 装修押金退款单 of a refunded renovation."""

    paper = _refund_paper(workspace, renovation, deposit_receipt_numbers(ledger, renovation))
    return generate_many(workspace, ledger, REFUND_TEMPLATE, [paper], operator=operator, kind=DOCUMENT_KIND)[0]


def _refund_paper(workspace: Workspace, renovation: Renovation, receipt_numbers: Sequence[str]) -> DocumentRequest:
    return DocumentRequest(
        refund_context(workspace, renovation, receipt_numbers), renovation.unit, f"装修押金退款单{renovation.number}"
    )


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
) -> tuple[Renovation, GeneratedDocument]:
    """``refund`` and its 装修押金退款单 in one ledger write (``renovation refund``): a form that
    cannot be printed leaves the deposit unrefunded."""

    return record_and_print(
        workspace,
        ledger,
        REFUND_TEMPLATE,
        lambda conn: _refund_in(conn, operator, number, deduction_fen, reason, today, method, now),
        lambda conn, renovation: _refund_paper(workspace, renovation, deposit_receipts_in(conn, renovation)),
        operator=operator,
        kind=DOCUMENT_KIND,
    )
