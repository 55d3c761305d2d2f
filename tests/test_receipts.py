"""Payments and receipts: allocation and numbering as pure functions, then the ledger on both backends,
then eight cashiers' processes issuing at once."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path

import pytest
import sqlalchemy as sa
from docx import Document

from recordkit.billing.allocations import Allocation, AllocationPlan, OpenBill, allocate
from recordkit.billing.arrears import unit_balance
from recordkit.billing.receipts import (
    PaymentRequest,
    ReceiptLine,
    format_receipt_number,
    get_receipt,
    issue_payments,
    list_receipts,
    parse_method,
    pay,
    pay_many,
    receipt_lines,
    reprint_and_print,
    reprint_receipt,
    sequence_year,
    void_and_print,
    void_receipt,
)
from recordkit.core.config import ReceiptSettings
from recordkit.core.dates import Month, MonthRange, parse_month_range
from recordkit.core.errors import ConfigError, ConflictError, NotFoundError, UsageError, ValidationError
from recordkit.core.workspace import Workspace
from recordkit.documents.templates.engine import TemplateError
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, open_ledger
from tests.conftest import run_at_once
from tests.documents_fixtures import estate, ws  # noqa: F401 (fixtures)
from tests.fees_fixtures import CASHIER, DAY, MONTHLY, RECEIPTS, bill_months, small_estate

# -- allocation (pure) ------------------------------------------------------------------------


def _open(*specs: tuple[int, str, int, int]) -> list[OpenBill]:
    """(bill id, month, item order, owed fen)"""
    names = {1: "物业服务费", 2: "停车费"}
    return [OpenBill(bill, Month(int(m[:4]), int(m[5:])), order, names[order], owed) for bill, m, order, owed in specs]


BILLS = _open(
    (11, "2026-10", 1, 30000),
    (12, "2026-10", 2, 15000),
    (10, "2026-09", 1, 30000),
    (13, "2026-11", 1, 30000),
    (14, "2026-11", 2, 15000),
)


def test_oldest_unpaid_first_items_in_rule_order() -> None:
    plan = allocate(75000, BILLS)
    assert [(a.bill_id, a.amount_fen) for a in plan.allocations] == [(10, 30000), (11, 30000), (12, 15000)]
    assert plan.prepayment_fen == 0


def test_a_partial_payment_pays_part_of_the_last_bill() -> None:
    plan = allocate(40000, BILLS)
    assert [(a.bill_id, a.amount_fen) for a in plan.allocations] == [(10, 30000), (11, 10000)]


def test_an_overpayment_becomes_prepayment() -> None:
    plan = allocate(130000, BILLS)
    assert sum(a.amount_fen for a in plan.allocations) == 120000 and plan.prepayment_fen == 10000


def test_named_months_only() -> None:
    plan = allocate(50000, BILLS, parse_month_range("2026-11..2026-12"))
    assert [(a.bill_id, a.amount_fen) for a in plan.allocations] == [(13, 30000), (14, 15000)]
    assert plan.prepayment_fen == 5000


def test_months_not_billed_yet_are_all_prepayment() -> None:
    plan = allocate(360000, BILLS, parse_month_range("2027-01..2027-12"))
    assert plan.allocations == () and plan.prepayment_fen == 360000


def test_receipt_lines_group_items_over_consecutive_months() -> None:
    def a(month: str, order: int, item: str, fen: int) -> Allocation:
        return Allocation(0, Month(int(month[:4]), int(month[5:])), item, order, fen)

    plan = AllocationPlan(
        (
            a("2026-09", 1, "物业服务费", 100),
            a("2026-10", 1, "物业服务费", 100),
            a("2026-12", 1, "物业服务费", 100),
            a("2026-09", 2, "停车费", 50),
        ),
        25,
    )
    lines = receipt_lines(plan, MonthRange(Month(2026, 12), Month(2027, 3)))
    assert [(line.item, line.period_chinese, line.amount_fen) for line in lines] == [
        ("物业服务费", "2026年9月至2026年10月", 200),
        ("物业服务费", "2026年12月", 100),
        ("停车费", "2026年9月", 50),
        # Where it starts, never "to March": more than January–March cost pays later months too.
        ("预收款", "2027年1月起", 25),
    ]
    assert lines[-1].label == "预收款（2027年1月起）" and lines[0].label == "物业服务费 2026年9月至2026年10月"
    assert receipt_lines(plan)[-1].period == ""
    assert ReceiptLine("预收款", "", "", 5).period_chinese == ""


@pytest.mark.parametrize(
    ("pattern", "year", "seq", "number", "scope"),
    [
        ("{prefix}{year}-{seq:06d}", 2026, 123, "SJ2026-000123", 2026),
        ("{prefix}-{seq:08d}", 2026, 7, "SJ-00000007", 0),
        ("{year}{prefix}{seq:04d}", 2027, 1, "2027SJ0001", 2027),
    ],
)
def test_receipt_numbers_from_the_pattern(pattern: str, year: int, seq: int, number: str, scope: int) -> None:
    assert format_receipt_number(pattern, "SJ", year, seq) == number
    assert sequence_year(pattern, year) == scope


@pytest.mark.parametrize("pattern", ["{prefix}{year}", "{prefix}{month}{seq}", "{prefix{seq}"])
def test_a_pattern_that_cannot_number_is_a_config_error(pattern: str) -> None:
    with pytest.raises(ConfigError, match="receipt.number_pattern"):
        format_receipt_number(pattern, "SJ", 2026, 1)


@pytest.mark.parametrize(
    ("text", "method"),
    [
        ("微信", "微信"),
        ("pos", "POS"),
        ("刷卡", "POS"),
        ("转账", "银行转账"),
        ("支付宝", "支付宝"),
        (" 现金 ", "现金"),
        # as other systems' exports and the office's own notices write them
        ("现金支付", "现金"),
        ("微信缴费", "微信"),
        ("银行转帐", "银行转账"),
        ("POS 刷卡", "POS"),
        ("ＰＯＳ刷卡", "POS"),
    ],
)
def test_payment_methods(text: str, method: str) -> None:
    assert parse_method(text) == method


def test_unknown_payment_method() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_method("支票")
    assert caught.value.message == "收款方式“支票”无效，应为 现金、微信、支付宝、银行转账、POS 之一"


# -- the ledger ---------------------------------------------------------------------------------


@pytest.fixture
def billed(ledger: Ledger, tmp_path: Path) -> Ledger:
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-09", "2026-10", "2026-11")
    return ledger


def test_pay_issues_a_numbered_receipt_in_the_same_transaction(billed: Ledger) -> None:
    first = pay(billed, RECEIPTS, CASHIER, PaymentRequest("3栋2单元1201", 50000, "微信"), today=DAY)
    second = pay(billed, RECEIPTS, CASHIER, PaymentRequest("1-1-101", 10000), today=DAY)
    assert (first.number, second.number) == ("SJ2026-000001", "SJ2026-000002")
    assert (first.unit, first.payer, first.method, first.cashier, first.issued_on) == (
        "3-2-1201",
        "李秀英",
        "微信",
        CASHIER,
        DAY,
    )
    # September in full (33,793 + 1,000 fen), then part of October's service fee: a line of its own
    # that says so (a partly paid month is never printed as if paid).
    assert [(line.item, line.period_chinese, line.amount_fen) for line in first.lines] == [
        ("物业服务费", "2026年9月", 33793),
        ("物业服务费", "2026年10月（部分）", 15207),
        ("垃圾清运费", "2026年9月", 1000),
    ]
    assert [line.to_dict() for line in get_receipt(billed, first.number).lines][1] == {
        "item": "物业服务费",
        "period": "2026-10",
        "amount_fen": 15207,
        "partial": True,
    }
    assert unit_balance(billed, "3-2-1201") == (3 * MONTHLY["3-2-1201"] - 50000, 0)
    with billed.read() as conn:
        issued = [e for e in journal.recent(conn, limit=10) if e.action == "receipt.issue"]
    assert [e.key for e in issued] == ["SJ2026-000002", "SJ2026-000001"]
    assert issued[1].after["amount_fen"] == 50000  # type: ignore[index]


def test_a_new_year_starts_a_new_sequence(billed: Ledger) -> None:
    pay(billed, RECEIPTS, CASHIER, PaymentRequest("1-1-101", 100), today=dt.date(2026, 12, 31))
    january = pay(billed, RECEIPTS, CASHIER, PaymentRequest("1-1-101", 100), today=dt.date(2027, 1, 1))
    assert january.number == "SJ2027-000001"
    forever = ReceiptSettings(prefix="WY", number_pattern="{prefix}{seq:07d}")
    assert pay(billed, forever, CASHIER, PaymentRequest("1-1-101", 100)).number == "WY0000001"


def test_a_receipt_is_numbered_in_the_year_it_is_issued_not_the_year_the_money_came(billed: Ledger) -> None:
    january = dt.date(2027, 1, 5)
    first = pay(billed, RECEIPTS, CASHIER, PaymentRequest("1-1-101", 100), today=january)
    # A December transfer entered on 5 January follows January's numbers and keeps its own date.
    late = pay(
        billed,
        RECEIPTS,
        CASHIER,
        PaymentRequest("1-1-102", 100, paid_on=dt.date(2026, 12, 30), reason="银行转账补录"),
        today=january,
    )
    assert (first.number, late.number, late.issued_on) == ("SJ2027-000001", "SJ2027-000002", dt.date(2026, 12, 30))


def test_back_dating_at_the_counter_needs_a_reason_and_is_journalled_as_such(billed: Ledger) -> None:
    with billed.write() as conn, pytest.raises(ValidationError) as refused:
        issue_payments(
            conn, RECEIPTS, CASHIER, [PaymentRequest("1-1-101", 100, paid_on=DAY - dt.timedelta(days=2))], DAY, True
        )
    assert refused.value.message == (
        f"收款日期 {DAY - dt.timedelta(days=2)} 早于今天（{DAY}）：补录以前的收款请用 --reason 写明原因，"
        "例如 --reason 银行转账补录"
    )
    assert list_receipts(billed) == []
    request = PaymentRequest("1-1-101", 100, paid_on=DAY - dt.timedelta(days=2), reason=" 银行转账补录 ")
    with billed.write() as conn:
        [view] = issue_payments(conn, RECEIPTS, CASHIER, [request], DAY, True)
    with billed.read() as conn:
        entry = journal.recent(conn, limit=1)[0]
    assert (entry.action, entry.key, entry.after["backdated"], entry.after["reason"]) == (  # type: ignore[index]
        "receipt.issue",
        view.number,
        True,
        "银行转账补录",
    )


def test_void_reverses_the_payment_and_the_number_is_never_reused(billed: Ledger) -> None:
    owed_before = unit_balance(billed, "1-1-101")
    receipt = pay(billed, RECEIPTS, CASHIER, PaymentRequest("1-1-101", 120000, "现金"), today=DAY)
    assert unit_balance(billed, "1-1-101") == (0, 120000 - owed_before[0])
    voided = void_receipt(billed, receipt.number, "金额开错", "李会计", today=DAY)
    assert (voided.status, voided.void_reason, voided.voided_by, voided.voided_on) == (
        "voided",
        "金额开错",
        "李会计",
        DAY,
    )
    assert unit_balance(billed, "1-1-101") == owed_before
    with pytest.raises(ConflictError) as twice:
        void_receipt(billed, receipt.number, "再作废一次", CASHIER)
    assert twice.value.message == "收据 SJ2026-000001 已于 2026-11-23 由 李会计 作废（原因：金额开错），不能重复作废"
    assert pay(billed, RECEIPTS, CASHIER, PaymentRequest("1-1-101", 100), today=DAY).number == "SJ2026-000002"
    assert get_receipt(billed, "sj2026-000001").voided  # kept, found however it is typed
    with billed.read() as conn:
        assert journal.verify(conn).ok


def test_voiding_or_reprinting_an_unknown_number(billed: Ledger) -> None:
    for action in (
        lambda: void_receipt(billed, "SJ2026-999999", "开错", CASHIER),
        lambda: reprint_receipt(billed, "SJ2026-999999", CASHIER),
    ):
        with pytest.raises(NotFoundError) as caught:
            action()
        assert caught.value.message == "没有编号为 SJ2026-999999 的收据：请用 recordkit receipt list 查看已开的收据"


def test_void_needs_a_reason(billed: Ledger) -> None:
    receipt = pay(billed, RECEIPTS, CASHIER, PaymentRequest("1-1-101", 100))
    with pytest.raises(ValidationError, match="作废原因不能为空"):
        void_receipt(billed, receipt.number, "  ", CASHIER)


def test_reprint_is_counted_and_journalled(billed: Ledger) -> None:
    receipt = pay(billed, RECEIPTS, CASHIER, PaymentRequest("1-1-101", 100))
    assert reprint_receipt(billed, receipt.number, "李会计").reprints == 1
    assert reprint_receipt(billed, receipt.number, "李会计").reprints == 2
    with billed.read() as conn:
        entries = [e for e in journal.recent(conn, limit=5) if e.action == "receipt.reprint"]
    assert [(e.operator, e.key, e.after) for e in entries][0] == ("李会计", receipt.number, {"reprints": 2})


def test_a_unit_without_owner_needs_a_payer_and_unknown_units_are_refused(billed: Ledger) -> None:
    with pytest.raises(UsageError, match="房屋 3-2-1202 没有登记业主，请用 --payer 写明交款人"):
        pay(billed, RECEIPTS, CASHIER, PaymentRequest("3-2-1202", 100))
    assert pay(billed, RECEIPTS, CASHIER, PaymentRequest("3-2-1202", 100, payer="开发商")).payer == "开发商"
    with pytest.raises(NotFoundError, match="台账中没有房屋 9-9-909"):
        pay(billed, RECEIPTS, CASHIER, PaymentRequest("9-9-909", 100))


def test_list_by_day_voided_and_unit(billed: Ledger) -> None:
    pay_many(
        billed,
        RECEIPTS,
        CASHIER,
        [
            PaymentRequest("1-1-101", 100, paid_on=dt.date(2026, 11, 22)),
            PaymentRequest("1-1-102", 200, paid_on=DAY),
            PaymentRequest("3-2-1201", 300, paid_on=DAY),
        ],
    )
    void_receipt(billed, "SJ2026-000001", "重复收款", CASHIER, today=dt.date(2026, 11, 22))  # on its day: a void
    assert [r.number for r in list_receipts(billed)] == ["SJ2026-000001", "SJ2026-000002", "SJ2026-000003"]
    assert [r.number for r in list_receipts(billed, on=DAY)] == ["SJ2026-000002", "SJ2026-000003"]
    assert [r.number for r in list_receipts(billed, on=dt.date(2026, 11, 22))] == ["SJ2026-000001"]
    assert [r.number for r in list_receipts(billed, voided_only=True)] == ["SJ2026-000001"]
    assert [r.number for r in list_receipts(billed, unit="1-1-102")] == ["SJ2026-000002"]
    data = list_receipts(billed, unit="1-1-102")[0].to_dict()
    assert {k: data[k] for k in ("number", "date", "unit", "payer", "total_fen", "status")} == {
        "number": "SJ2026-000002",
        "date": "2026-11-23",
        "unit": "1-1-102",
        "payer": "李秀英",
        "total_fen": 200,
        "status": "有效",
    }


# -- eight cashiers at once -----------------------------------------------------------------------

# 400 payments back to back, twice the 200 of the busy morning in which 3 were refused (issue 20).
PROCESSES, RECEIPTS_EACH = 8, 50
PAYERS = ("1-1-101", "1-1-102", "3-2-1201")


def _cashier(url: str) -> None:
    name = multiprocessing.current_process().name
    with open_ledger(url) as ledger:
        for index in range(RECEIPTS_EACH):
            pay(ledger, RECEIPTS, name, PaymentRequest(PAYERS[index % 3], 1000 + index, "现金"), today=DAY)


@pytest.mark.slow
def test_eight_cashiers_at_once_get_distinct_contiguous_numbers(ledger_url: str, tmp_path: Path) -> None:
    with open_ledger(ledger_url) as ledger:
        small_estate(ledger, tmp_path)
        bill_months(ledger, "2026-10", "2026-11")
    run_at_once(_cashier, (ledger_url,), [f"收费员{i}" for i in range(PROCESSES)], timeout=600)
    with open_ledger(ledger_url) as ledger:
        receipts = list_receipts(ledger)
        with ledger.read() as conn:
            paid = conn.execute(sa.text("SELECT SUM(amount_fen) FROM payments")).scalar()
            allocated = conn.execute(sa.text("SELECT SUM(amount_fen) FROM allocations")).scalar()
            assert journal.verify(conn).ok
            issued = conn.execute(sa.text("SELECT COUNT(*) FROM journal WHERE action = 'receipt.issue'")).scalar()
        prepaid = sum(unit_balance(ledger, code)[1] for code in PAYERS)
    numbers = [r.number for r in receipts]
    total = PROCESSES * RECEIPTS_EACH
    assert len(set(numbers)) == total
    assert numbers == [f"SJ2026-{seq:06d}" for seq in range(1, total + 1)]
    assert issued == total and {r.cashier for r in receipts} == {f"收费员{i}" for i in range(PROCESSES)}
    expected = PROCESSES * sum(1000 + index for index in range(RECEIPTS_EACH))
    assert paid == sum(r.total_fen for r in receipts) == expected
    assert allocated + prepaid == expected
    assert allocated == 2 * sum(MONTHLY[code] for code in PAYERS)  # every bill of the payers is paid


# -- a receipt's paper from the office's own template -------------------------------------------------


def test_a_void_or_reprint_the_template_cannot_print_leaves_the_ledger_as_it_was(ws: Workspace, estate: Ledger) -> None:
    # Both commands wrote the ledger first (作废, or 补打 counted) and then failed on the template: on every backend
    # the change and its paper are now one write.
    bill_months(estate, "2026-11")
    paid = pay(estate, RECEIPTS, CASHIER, PaymentRequest("1-1-101", 10000), today=DAY)
    ws.templates_dir.mkdir(exist_ok=True)
    own = ws.templates_dir / "收据.docx"
    document = Document()
    document.add_paragraph("收据 {{ 收据编号 }} 经手：{{ 收款员 }}")
    document.save(str(own))
    with estate.read() as conn:
        entries = len(journal.recent(conn, limit=100_000))
    for attempt in (
        lambda: void_and_print(ws, estate, paid.number, "金额开错", CASHIER, today=DAY),
        lambda: reprint_and_print(ws, estate, paid.number, CASHIER),
    ):
        with pytest.raises(TemplateError, match="用到了没有提供的变量：收款员"):
            attempt()
    view = get_receipt(estate, paid.number)
    assert (view.voided, view.reprints) == (False, 0)
    with estate.read() as conn:
        assert len(journal.recent(conn, limit=100_000)) == entries
    own.unlink()
    reprinted, paper = reprint_and_print(ws, estate, paid.number, CASHIER)
    assert reprinted.reprints == 1 and "补打" in paper.path.name
    voided, reversal, paper = void_and_print(ws, estate, paid.number, "金额开错", CASHIER, today=DAY)
    assert voided.voided and reversal is None and "作废" in paper.path.name
