"""Renovations in the library: registration and its bills, the deposit kept out of arrears and
fee figures, passes, inspection and refund, and every paper they print (opened and read)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from docx import Document

from recordkit.billing.arrears import list_arrears, unit_balance
from recordkit.billing.bills import bill_month
from recordkit.billing.closing import close_month
from recordkit.billing.receipts import PaymentRequest, list_receipts, pay, void_or_reverse
from recordkit.billing.registers import write_register
from recordkit.billing.rules import add_rule
from recordkit.core.config import ReceiptSettings, RenovationSettings
from recordkit.core.errors import ConfigError, ConflictError, NotFoundError, UsageError, ValidationError
from recordkit.core.workspace import Workspace
from recordkit.documents.generated import list_documents
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.ledger.schema import HEAD_REVISION, bills
from recordkit.ledger.schema import renovations as renovations_table
from recordkit.renovations.inspection import inspect
from recordkit.renovations.passes import change_passes, write_passes
from recordkit.renovations.records import (
    Worker,
    format_hours,
    get_renovation,
    list_renovations,
    parse_hours,
    parse_worker,
)
from recordkit.renovations.refund import refund, refund_amount, refund_and_print, write_refund
from recordkit.renovations.registration import (
    PROHIBITED_WORKS,
    RegistrationRequest,
    deposit_receipt_numbers,
    pay_charges,
    register,
    register_and_print,
    write_agreement,
    write_registration,
)
from tests.conftest import run_at_once
from tests.fees_fixtures import CASHIER, DAY, RECEIPTS, bill_months, small_estate
from tests.numbers_said import full_width, not_the_first, spellings_of_the_first
from tests.revisions import mark_as_of

SETTINGS = RenovationSettings()
STARTED = dt.date(2026, 11, 25)  # request()'s works' first day: none is inspected before it
ID_ZHANG = "440304198805123412"
ID_LI = "510107197509236123"
ID_WANG = "11010519491231002X"


def reno_estate(ledger: Ledger, folder: Path) -> None:
    """The small estate, November billed, and the two renovation charges as one-off rules."""
    small_estate(ledger, folder)
    add_rule(ledger, CASHIER, "装修押金", "oneoff", "2000", "2025-01")
    add_rule(ledger, CASHIER, "装修垃圾清运费", "oneoff", "500", "2025-01")
    bill_months(ledger, "2026-11")


def request(unit: str = "3-2-1201", **changes: Any) -> RegistrationRequest:
    values = {
        "unit": unit,
        "contractor": "安居装饰工程有限公司",
        "manager": "王强",
        "phone": "13600001111",
        "start": "2026-11-25",
        "end": "2027-01-31",
        "hours": "8:00-12:00,14:00-18:00",
        "items": "水电改造、铺地砖、吊顶",
    }
    values.update(changes)
    return RegistrationRequest(**values)


@pytest.fixture
def estate(ledger: Ledger, tmp_path: Path) -> Ledger:
    reno_estate(ledger, tmp_path)
    return ledger


def _journal_size(ledger: Ledger) -> int:
    with ledger.read() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM journal")).scalar_one())


def _cells(path: Path) -> list[list[str]]:
    rows = []
    for table in Document(str(path)).tables:
        for row in table.rows:
            rows.append([cell.text for cell in row.cells])
    return rows


def _paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.text.strip()]


# -- pure decisions ---------------------------------------------------------------------------


def test_hours_are_parsed_and_written_back() -> None:
    assert parse_hours("8:00-12:00,14:00-18:00") == ((480, 720), (840, 1080))
    assert format_hours(parse_hours("８：３０至１１：３０，１４:00~18:00")) == "8:30-11:30,14:00-18:00"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("8-12", "施工时间“8-12”写法有误，应写成 8:00-12:00 这样的时段，多个时段用逗号隔开"),
        ("12:00-8:00", "施工时间“12:00-8:00”的开始时刻不早于结束时刻"),
        ("8:00-12:60", "施工时间“8:00-12:60”不是有效的时刻（小时 0–24，分钟 00–59）"),
        ("14:00-18:00,8:00-12:00", "施工时间“8:00-12:00”与前一个时段重叠或顺序颠倒，请按时间先后写"),
        ("", "施工时间不能为空，应写成 8:00-12:00,14:00-18:00"),
    ],
)
def test_bad_hours_say_which_span(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_hours(text)
    assert caught.value.message == message


def test_worker_spec_is_checked_and_the_id_number_never_repeated() -> None:
    assert parse_worker(f"张三，{ID_ZHANG}，水电工") == Worker("张三", ID_ZHANG, "水电工")
    assert parse_worker(f"李四,{ID_LI}").trade == ""
    with pytest.raises(ValidationError) as caught:
        parse_worker("王五,110101199003071234", 3)
    assert caught.value.message == "第 3 个工人“王五”的身份证号有误：身份证号校验位错误"
    assert "110101199003071234" not in caught.value.message
    with pytest.raises(ValidationError) as caught:
        parse_worker("赵六", 2)
    assert caught.value.message.startswith("第 2 个工人“赵六”写法有误")
    # A name with a right-to-left override (it reverses what follows on the card) is refused, and
    # not repeated in the message.
    with pytest.raises(ValidationError) as caught:
        parse_worker(f"张\u202e三,{ID_ZHANG}", 4)
    assert caught.value.message == (
        "第 4 个工人的姓名里有换行、控制字符或不可见的格式字符（如从右到左覆盖）：请只写姓名"
    )
    assert parse_worker(f"阿依古丽·买买提,{ID_LI},油漆工").name == "阿依古丽·买买提"


def test_refund_amount_refuses_a_deduction_above_the_deposit() -> None:
    assert refund_amount(200000, 20000) == 180000
    assert refund_amount(200000, 200000) == 0
    with pytest.raises(ValidationError, match="扣除金额 2,000.01 元超过押金 2,000.00 元"):
        refund_amount(200000, 200001)


# -- registration and its bills ------------------------------------------------------------------


def test_register_bills_the_deposit_and_the_waste_fee_from_the_rules(estate: Ledger) -> None:
    renovation = register(estate, SETTINGS, CASHIER, request(), today=DAY)
    assert (renovation.number, renovation.unit, renovation.owner) == ("ZX2026-0001", "3-2-1201", "李秀英")
    assert (renovation.deposit_fen, renovation.waste_fen, renovation.due_fen) == (200000, 50000, 250000)
    assert renovation.status_label == "装修中" and renovation.deposit_label == "待缴"
    with estate.read() as conn:
        made = conn.execute(
            sa.select(bills.c.month, bills.c.amount_fen, bills.c.basis)
            .where(bills.c.id.in_([renovation.deposit_bill_id, renovation.waste_bill_id]))
            .order_by(bills.c.id)
        ).all()
    assert [tuple(row) for row in made] == [
        ("2026-11", 200000, "2000.00元/次（装修登记 ZX2026-0001）"),
        ("2026-11", 50000, "500.00元/次（装修登记 ZX2026-0001）"),
    ]
    second = register(estate, SETTINGS, CASHIER, request("1-1-101"), today=DAY)
    assert second.number == "ZX2026-0002"


def test_the_deposit_is_not_arrears_but_the_waste_fee_is(estate: Ledger, tmp_path: Path) -> None:
    before = {row.unit: row.amount_fen for row in list_arrears(estate, DAY)}
    register(estate, SETTINGS, CASHIER, request(), today=DAY)
    after = {row.unit: row for row in list_arrears(estate, DAY)}
    assert after["3-2-1201"].amount_fen == before["3-2-1201"] + 50000
    assert after["3-2-1201"].items == {"物业服务费": 33793, "垃圾清运费": 1000, "装修垃圾清运费": 50000}
    assert unit_balance(estate, "3-2-1201")[0] == before["3-2-1201"] + 50000
    # The fee register counts fees: the deposit is money held, neither billed nor collected there.
    totals = write_register(estate, "2026-11", tmp_path / "台账.xlsx")
    from openpyxl import load_workbook

    headers = [cell.value for cell in load_workbook(tmp_path / "台账.xlsx").active[2]]
    assert "装修垃圾清运费" in headers and "装修押金" not in headers
    assert totals.billed_fen == sum(before.values()) + 50000


def test_pay_charges_pays_exactly_the_renovation_bills(estate: Ledger) -> None:
    renovation = register(estate, SETTINGS, CASHIER, request(), today=DAY)
    receipt = pay_charges(estate, RECEIPTS, CASHIER, renovation.number, "微信", paid_on=DAY)
    assert [(line.item, line.amount_fen) for line in receipt.lines] == [("装修押金", 200000), ("装修垃圾清运费", 50000)]
    assert (receipt.number, receipt.total_fen, receipt.payer) == ("SJ2026-000001", 250000, "李秀英")
    paid = get_renovation(estate, "zx2026-0001")
    assert (paid.deposit_paid_fen, paid.waste_paid_fen, paid.due_fen, paid.deposit_label) == (200000, 50000, 0, "已缴")
    # The November property fee the unit also owes is untouched.
    assert {row.unit: row.amount_fen for row in list_arrears(estate, DAY)}["3-2-1201"] == 33793 + 1000
    with pytest.raises(ConflictError, match="押金和垃圾清运费已缴清"):
        pay_charges(estate, RECEIPTS, CASHIER, renovation.number)


def test_the_cashiers_ordinary_payment_settles_them_too_but_prepayment_never_pays_a_deposit(estate: Ledger) -> None:
    # 1-1-101 pays a year ahead, then registers a renovation and the next month is billed.
    pay(estate, RECEIPTS, CASHIER, PaymentRequest("1-1-101", 1_000_000, paid_on=DAY))
    renovation = register(estate, SETTINGS, CASHIER, request("1-1-101"), today=dt.date(2026, 12, 2))
    bill_months(estate, "2026-12")
    again = get_renovation(estate, renovation.number)
    # The prepayment paid December's fees, the waste-removal fee among them, but not the deposit.
    assert (again.waste_paid_fen, again.deposit_paid_fen) == (50000, 0)
    assert unit_balance(estate, "1-1-101")[0] == 0  # a deposit due is not arrears
    view = pay(estate, RECEIPTS, CASHIER, PaymentRequest("1-1-101", 200000, paid_on=dt.date(2026, 12, 2)))
    assert [(line.item, line.amount_fen) for line in view.lines] == [("装修押金", 200000)]
    assert get_renovation(estate, renovation.number).due_fen == 0


REFUSED = [
    (
        request("3-2-1202"),
        ConflictError,
        "房屋 3-2-1202 没有登记业主，不能办理装修登记：请先在业主名册中登记业主并导入",
    ),
    (request("9-9-909"), NotFoundError, "台账中没有房屋 9-9-909：请用 recordkit owners list 查看已有房号"),
    (
        request(start="2027-01-31", end="2026-12-01"),
        ValidationError,
        "完工日期 2026-12-01 早于开工日期 2027-01-31：请检查 --start 和 --end",
    ),
    (request(start="2026-02-30"), ValidationError, "开工日期“2026-02-30”不存在：请检查年月日"),
    (request(end="下月底"), ValidationError, "完工日期“下月底”无法识别，应写成 2026-12-05 或 2026年12月5日"),
    (request(hours="8:00-25:00"), ValidationError, "施工时间“8:00-25:00”不是有效的时刻（小时 0–24，分钟 00–59）"),
    (request(phone="12345"), ValidationError, "联系电话“12345”不是有效的手机号或固定电话"),
    (request(contractor=" "), ValidationError, "装修单位不能为空：请用 --contractor 写明装修公司或施工队名称"),
    # Pasted from a chat: a zero-width space, a line break; or a paragraph pasted whole.
    (
        request(manager="王\u200b强"),
        ValidationError,
        "现场负责人：姓名里有换行、控制字符或不可见的格式字符（如从右到左覆盖）：请只写姓名",
    ),
    (request(manager="王" * 65), ValidationError, "现场负责人：姓名太长（65 个字）：最多 64 个字"),
    (
        request(contractor="安居装饰\n工程有限公司"),
        ValidationError,
        "装修单位：名称里有换行、控制字符或不可见的格式字符（如从右到左覆盖）：请只写名称",
    ),
    (request(contractor="装" * 129), ValidationError, "装修单位：名称太长（129 个字）：最多 128 个字"),
]


@pytest.mark.parametrize(("bad", "error", "message"), REFUSED, ids=[m[:12] for _, _, m in REFUSED])
def test_bad_registrations_are_refused_and_write_nothing(
    estate: Ledger, bad: RegistrationRequest, error: type, message: str
) -> None:
    before = _journal_size(estate)
    with pytest.raises(error) as caught:
        register(estate, SETTINGS, CASHIER, bad, today=DAY)
    assert caught.value.message == message
    assert _journal_size(estate) == before
    assert list_renovations(estate) == []


def test_a_unit_under_renovation_is_refused_until_it_passed(estate: Ledger) -> None:
    first = register(estate, SETTINGS, CASHIER, request(), today=DAY)
    with pytest.raises(ConflictError) as caught:
        register(estate, SETTINGS, CASHIER, request(), today=DAY)
    assert caught.value.message == (
        "房屋 3-2-1201 正在装修（登记编号 ZX2026-0001，至 2027-01-31），验收合格后才能再次登记"
    )
    inspect(estate, CASHIER, first.number, "不合格", "防水未做闭水试验", today=STARTED)
    with pytest.raises(ConflictError):
        register(estate, SETTINGS, CASHIER, request(), today=DAY)
    inspect(estate, CASHIER, first.number, "合格", today=STARTED)
    later = register(
        estate,
        SETTINGS,
        CASHIER,
        request(start="2027-03-05", end="2027-05-31"),  # new works: the first's ended before this registration
        today=dt.date(2027, 3, 1),
        now=dt.date(2027, 3, 1),
    )
    assert later.number == "ZX2027-0001"


def test_two_renovations_of_one_month_owing_their_fees_keep_the_books_agreeing(estate: Ledger, tmp_path: Path) -> None:
    # The kitchen passed and the bathroom registered in the same November, neither's waste-removal fee
    # paid when November is closed: two bills of one item and month owed at its end, each kept.
    kitchen = register(
        estate, SETTINGS, CASHIER, request(start="2026-11-03", end="2026-11-15"), today=dt.date(2026, 11, 2)
    )
    inspect(estate, CASHIER, kitchen.number, "合格", today=dt.date(2026, 11, 16), now=DAY)
    bathroom = register(estate, SETTINGS, CASHIER, request(start="2026-11-25", end="2026-12-20"), today=DAY)
    assert (kitchen.number, bathroom.number) == ("ZX2026-0001", "ZX2026-0002")
    with estate.read() as conn:
        charged = conn.execute(
            sa.select(bills.c.id, bills.c.amount_fen, bills.c.month).where(
                bills.c.id.in_([kitchen.waste_bill_id, bathroom.waste_bill_id, bathroom.deposit_bill_id])
            )
        ).all()
    assert sorted((amount, month) for _, amount, month in charged) == [
        (50000, "2026-11"),
        (50000, "2026-11"),
        (200000, "2026-11"),
    ]
    # The item billed by hand for the unit that month (fees bill --item --unit --rebill) meets the month's
    # bill of it, never the bathroom's: both charges stay.
    bill_month(estate, "2026-11", CASHIER, rebill=True, item_name="装修垃圾清运费", unit_texts=["3-2-1201"], today=DAY)
    with estate.read() as conn:
        kept = conn.execute(sa.select(bills.c.amount_fen, bills.c.basis).where(bills.c.id == bathroom.waste_bill_id))
        assert kept.one() == (50000, "500.00元/次（装修登记 ZX2026-0002）")
    [owing] = list_arrears(estate, dt.date(2026, 11, 30), unit="3-2-1201")
    assert owing.items == {"物业服务费": 33793, "垃圾清运费": 1000, "装修垃圾清运费": 100000}
    close_month(estate, "2026-11", CASHIER, today=dt.date(2026, 12, 1))
    november = write_register(estate, "2026-11", tmp_path / "11月台账.xlsx")
    assert november.owed_fen == sum(a.amount_fen for a in list_arrears(estate, dt.date(2026, 11, 30)))
    # The bathroom's charges paid in December: the kitchen's fee is still owed, by every count (as of
    # 3 December: arrears are known up to today only, and the test runs on the real clock).
    pay_charges(estate, RECEIPTS, CASHIER, bathroom.number, paid_on=dt.date(2026, 12, 2))
    [owing] = list_arrears(estate, dt.date(2026, 12, 3), unit="3-2-1201")
    assert owing.items == {"物业服务费": 33793, "垃圾清运费": 1000, "装修垃圾清运费": 50000}
    december = write_register(estate, "2026-12", tmp_path / "12月台账.xlsx")
    assert december.owed_fen == sum(a.amount_fen for a in list_arrears(estate, dt.date(2026, 12, 3)))
    assert unit_balance(estate, "3-2-1201", dt.date(2026, 12, 3))[0] == 84793


def test_a_red_reversal_makes_its_bill_owed_again_not_its_neighbour_of_the_month(
    estate: Ledger, tmp_path: Path
) -> None:
    # Two waste-removal bills of 3-2-1201 in November: the kitchen's, paid then, is owed again once its
    # receipt is reversed in December; the bathroom's was owed at November's close.  The register's
    # 往期欠费, read from November's closing balances, counts both, as fees arrears does.
    kitchen = register(
        estate, SETTINGS, CASHIER, request(start="2026-11-03", end="2026-11-15"), today=dt.date(2026, 11, 2)
    )
    receipt = pay_charges(estate, RECEIPTS, CASHIER, kitchen.number, paid_on=dt.date(2026, 11, 3))
    inspect(estate, CASHIER, kitchen.number, "合格", today=dt.date(2026, 11, 16), now=DAY)
    register(estate, SETTINGS, CASHIER, request(start="2026-11-25", end="2026-12-20"), today=DAY)
    close_month(estate, "2026-11", CASHIER, today=dt.date(2026, 12, 1))
    void_or_reverse(estate, receipt.number, "收错了", CASHIER, dt.date(2026, 12, 2), RECEIPTS)
    [owing] = list_arrears(estate, dt.date(2026, 12, 3), unit="3-2-1201")
    assert owing.items == {"物业服务费": 33793, "垃圾清运费": 1000, "装修垃圾清运费": 100000}
    december = write_register(estate, "2026-12", tmp_path / "12月台账.xlsx")
    assert december.earlier_arrears_fen == sum(a.amount_fen for a in list_arrears(estate, dt.date(2026, 12, 3)))


def test_a_missing_fee_rule_says_how_to_set_it(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    with pytest.raises(NotFoundError) as caught:
        register(ledger, SETTINGS, CASHIER, request(), today=DAY)
    assert caught.value.message == (
        "收费标准里没有装修押金“装修押金”（2026-11 起执行的）：请先设定，例如 "
        "recordkit fees rules add 装修押金 --kind oneoff --rate 2000 --from 2026-11"
    )
    assert list_renovations(ledger) == []


def test_a_zero_rate_charges_nothing(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    add_rule(ledger, CASHIER, "装修押金", "oneoff", "3000", "2025-01")
    add_rule(ledger, CASHIER, "装修垃圾清运费", "oneoff", "0", "2025-01")
    renovation = register(ledger, SETTINGS, CASHIER, request(), today=DAY)
    assert (renovation.deposit_fen, renovation.waste_fen, renovation.waste_bill_id) == (300000, 0, None)


@pytest.mark.parametrize("prefix", ["ZX", "zx", "装修-"])
def test_a_renovation_and_its_pass_are_found_by_every_spelling_a_clerk_types_and_by_nothing_else(
    estate: Ledger, prefix: str
) -> None:
    """The same spellings as a work order's number (``test_workorders``): full-width, any dash, either case, with
    or without the zeros.  A prefix with a dash (装修-) found nothing; a pass of a prefix in lower case was not found
    by its number.  Text after the number, a number of another kind or year, finds nothing."""
    settings = RenovationSettings(prefix=prefix)
    number = register(estate, settings, CASHIER, request(), today=DAY).number
    assert number == f"{prefix}2026-0001"
    said = prefix.upper()
    for typed in spellings_of_the_first(said):
        assert get_renovation(estate, typed).number == number, typed
    for typed in not_the_first(said, "GD2026-1"):
        with pytest.raises(NotFoundError, match="没有编号为 .* 的装修登记"):
            get_renovation(estate, typed)
    # A pass number where the registration's is asked for is named as typed, not read as a prefix 'ZX2026-' and a
    # year 0001 (ZX2026-1-0001).
    with pytest.raises(NotFoundError) as caught:
        get_renovation(estate, f"{said}2026-0001-01")
    assert caught.value.message == f"没有编号为 {said}2026-0001-01 的装修登记：请用 recordkit renovation list 查看"
    pay_charges(estate, RECEIPTS, CASHIER, number, paid_on=DAY)
    workers = [f"张三,{ID_ZHANG}", f"李四,{ID_LI}", f"王五,{ID_WANG}"]
    issued = change_passes(estate, CASHIER, f"{said.lower()}2026-1", workers, today=DAY).issued
    assert [p.number for p in issued] == [f"{prefix}2026-0001-01", f"{prefix}2026-0001-02", f"{prefix}2026-0001-03"]
    spellings = (f"{said}2026-1-1", full_width(f"{said}2026-1-2"), f"{said.lower()}2026—0001—03")
    for typed in (f"{said}2026-1-1abc", f"{said}2026-1-4"):
        with pytest.raises(NotFoundError, match=f"装修登记 {number} 没有编号为 .* 的出入证"):
            change_passes(estate, CASHIER, number, cancel=[typed], reason="工人离场", today=DAY)
    changed = change_passes(
        estate, CASHIER, number, cancel=spellings[:2], reissue=spellings[2:], reason="遗失", today=DAY
    )
    assert [p.number for p in changed.cancelled] == [p.number for p in issued]
    assert [(p.number, p.worker, p.replaces) for p in changed.issued] == [
        (f"{prefix}2026-0001-04", "王五", f"{prefix}2026-0001-03")
    ]


# -- passes, inspection, refund ---------------------------------------------------------------------


def test_passes_are_issued_cancelled_and_reissued_with_masked_journal(estate: Ledger) -> None:
    number = register(estate, SETTINGS, CASHIER, request(), today=DAY).number
    pay_charges(estate, RECEIPTS, CASHIER, number, paid_on=DAY)
    issued = change_passes(estate, CASHIER, number, [f"张三,{ID_ZHANG},水电工", f"李四,{ID_LI}"], today=DAY)
    assert [(p.number, p.worker, p.valid_from, p.valid_until) for p in issued.issued] == [
        ("ZX2026-0001-01", "张三", dt.date(2026, 11, 25), dt.date(2027, 1, 31)),
        ("ZX2026-0001-02", "李四", dt.date(2026, 11, 25), dt.date(2027, 1, 31)),
    ]
    later = change_passes(
        estate,
        CASHIER,
        number,
        reissue=["zx2026-0001-01"],
        cancel=["ZX2026-0001-02"],
        reason="遗失",
        today=dt.date(2026, 12, 10),
        now=dt.date(2026, 12, 10),
    )
    assert [p.number for p in later.cancelled] == ["ZX2026-0001-02", "ZX2026-0001-01"]
    assert [(p.number, p.worker, p.replaces, p.valid_from) for p in later.issued] == [
        ("ZX2026-0001-03", "张三", "ZX2026-0001-01", dt.date(2026, 12, 10))
    ]
    assert [(p.number, p.status) for p in later.renovation.passes] == [
        ("ZX2026-0001-01", "cancelled"),
        ("ZX2026-0001-02", "cancelled"),
        ("ZX2026-0001-03", "valid"),
    ]
    with estate.read() as conn:
        entries = journal.recent(conn, 100)
        assert journal.verify(conn).ok
    text = json.dumps([e.after for e in entries], ensure_ascii=False)
    assert ID_ZHANG not in text and ID_LI not in text and "440304********3412" in text
    with pytest.raises(ConflictError, match="已注销"):
        change_passes(estate, CASHIER, number, cancel=["ZX2026-0001-02"], reason="再注销", today=DAY)
    with pytest.raises(ValidationError, match="须写明原因"):
        change_passes(estate, CASHIER, number, cancel=["ZX2026-0001-03"], today=DAY)
    with pytest.raises(NotFoundError, match="没有编号为 ZX2026-0001-09 的出入证"):
        change_passes(estate, CASHIER, number, cancel=["ZX2026-0001-09"], reason="x", today=DAY)
    with pytest.raises(ConflictError, match="同一人只能有一张有效出入证"):
        change_passes(estate, CASHIER, number, [f"张三,{ID_ZHANG}"], today=DAY)
    with pytest.raises(UsageError):
        change_passes(estate, CASHIER, number, today=DAY)


@pytest.mark.parametrize(
    ("text", "worker"),
    [
        ("John Smith,护照:E12345678,木工", Worker("John Smith", "E12345678", "木工", "passport")),
        ("John Smith，护照：e 1234 5678", Worker("John Smith", "E12345678", "", "passport")),
        ("陈家明,回乡证:H12345678,电工", Worker("陈家明", "H12345678", "电工", "hk_macao_permit")),
        ("林志强,台胞证:12345678", Worker("林志强", "12345678", "", "taiwan_permit")),
        (
            "Maria Garcia,外国人永久居留证:esp110089012345",
            Worker("Maria Garcia", "ESP110089012345", "", "foreign_permanent_id"),
        ),
        (f"张三,身份证:{ID_ZHANG},水电工", Worker("张三", ID_ZHANG, "水电工")),
        (f"张三,{ID_ZHANG},水电工", Worker("张三", ID_ZHANG, "水电工", "resident_id")),
    ],
)
def test_a_worker_gives_any_document_by_its_name(text: str, worker: Worker) -> None:
    """``姓名,护照:号码[,工种]``: a foreign worker's passport, a permit, each checked by its document's shape; a bare
    number is a resident ID number as before."""
    assert parse_worker(text) == worker


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "John Smith,E12345678,木工",
            "第 2 个工人“John Smith”写的不是居民身份证号（号码里有字母）："
            "其他证件的号码请写明证件名称，例如 --worker 姓名,护照:号码,工种",
        ),
        ("John Smith,护照:E1", "第 2 个工人“John Smith”的护照号码有误：护照号码应为 5 至 20 位字母或数字"),
        (
            "陈家明,回乡证:12345678",
            "第 2 个工人“陈家明”的港澳居民来往内地通行证号码有误："
            "港澳居民来往内地通行证号码应为 H 或 M 加 8 位数字（旧证 10 位数字）",
        ),
        (
            "张三,驾照:12345678",
            "第 2 个工人“张三”的证件类型“驾照”不认识，应为 居民身份证、护照、港澳居民来往内地通行证、"
            "台湾居民来往大陆通行证、外国人永久居留身份证、港澳台居民居住证、军官证、其他证件 之一",
        ),
        ("张三,护照:", "第 2 个工人“张三”的护照号码有误：护照号码应为 5 至 20 位字母或数字"),
        ("王五,11010119900307123X", "第 2 个工人“王五”的身份证号有误：身份证号校验位错误"),
    ],
)
def test_a_workers_bad_document_is_told_without_repeating_its_number(text: str, message: str) -> None:
    """A passport's number without its document's name was refused as a mistyped resident number, then as not yet
    taken: it is told how to write it.  A number wrong for its document is told by the document, never repeated."""
    with pytest.raises(ValidationError) as caught:
        parse_worker(text, 2)
    assert caught.value.message == message
    assert "E1234" not in caught.value.message and "12345678" not in caught.value.message


def test_a_passport_workers_pass_says_passport_and_a_residents_says_resident_id(
    office: tuple[Workspace, Ledger],
) -> None:
    """The card printed 身份证号： before any number: a passport's now says 护照号码：, a resident's still 身份证号：."""
    workspace, ledger = office
    number = register(ledger, SETTINGS, CASHIER, request(), today=DAY).number
    pay_charges(ledger, RECEIPTS, CASHIER, number, paid_on=DAY)
    changes = change_passes(
        ledger, CASHIER, number, ["John Smith,护照:E12345678,木工", f"张三,{ID_ZHANG},水电工"], today=DAY
    )
    document = write_passes(workspace, ledger, changes.renovation, changes.issued, CASHIER)
    first, _, second, _ = _cells(document.path)[0]
    assert first.splitlines()[2:6] == [
        "证　　号：ZX2026-0001-01",
        "姓　　名：John Smith",
        "工　　种：木工",
        "护照号码：E12345678",
    ]
    assert "身份证号" not in first
    assert second.splitlines()[5] == f"身份证号：{ID_ZHANG}"
    with ledger.read() as conn:
        logged = [json.loads(text) for text in conn.execute(sa.text("SELECT after FROM journal")).scalars() if text]
    issued = {entry["worker"]: entry for entry in logged if "worker" in entry}
    assert (issued["John Smith"]["id_number"], issued["John Smith"]["id_type"]) == ("E1*****78", "passport")
    assert issued["张三"]["id_number"] == "440304********3412" and "id_type" not in issued["张三"]
    # A reissue copies the document: the new card says 护照号码 too.
    later = change_passes(ledger, CASHIER, number, reissue=["ZX2026-0001-01"], reason="遗失", today=DAY)
    [reissued] = later.issued
    assert (reissued.number, reissued.id_type, reissued.id_number) == ("ZX2026-0001-03", "passport", "E12345678")
    card = _cells(write_passes(workspace, ledger, later.renovation, later.issued, CASHIER).path)[0][0]
    assert "护照号码：E12345678" in card.splitlines()


def test_one_passport_gets_one_pass_and_another_documents_same_digits_are_another_persons(estate: Ledger) -> None:
    number = register(estate, SETTINGS, CASHIER, request(), today=DAY).number
    pay_charges(estate, RECEIPTS, CASHIER, number, paid_on=DAY)
    with pytest.raises(ValidationError) as caught:
        change_passes(estate, CASHIER, number, ["John Smith,护照:E12345678", "Smith John,护照:e1234 5678"], today=DAY)
    assert caught.value.message == (
        "第 1 个工人“John Smith”和第 2 个工人“Smith John”的护照号码相同：同一人只能有一张出入证，请核对护照号码后再发放"
    )
    issued = change_passes(estate, CASHIER, number, ["John Smith,护照:12345678", "林志强,台胞证:12345678"], today=DAY)
    assert [(p.worker, p.id_type, p.id_number) for p in issued.issued] == [
        ("John Smith", "passport", "12345678"),
        ("林志强", "taiwan_permit", "12345678"),
    ]
    with pytest.raises(ConflictError) as held:
        change_passes(estate, CASHIER, number, ["Smith,护照:12345678"], today=DAY)
    assert held.value.message == (
        "第 1 个工人“Smith”的护照号码与“John Smith”的有效出入证相同：同一人只能有一张有效出入证，遗失请用 --reissue 补发"
    )
    with pytest.raises(ValidationError) as reissued:
        change_passes(
            estate, CASHIER, number, ["林志强,台胞证:12345678"], reissue=["ZX2026-0001-02"], reason="遗失", today=DAY
        )
    assert reissued.value.message.startswith(
        "第 1 个工人“林志强”的台湾居民来往大陆通行证号码与本次补发给“林志强”的出入证 ZX2026-0001-02 相同"
    )


def test_a_ledger_of_0029_keeps_its_passes_as_resident_id_numbers(ledger_url: str, tmp_path: Path) -> None:
    """Upgraded (migration 0030), an older ledger's passes hold resident ID numbers, as it checked them, and are
    listed as before; a passport's 20 characters fit on PostgreSQL too."""
    with open_ledger(ledger_url) as ledger:
        reno_estate(ledger, tmp_path)
        number = register(ledger, SETTINGS, CASHIER, request(), today=DAY).number
        with ledger.write() as conn:
            mark_as_of(conn, "0029")
            conn.execute(
                sa.text(
                    "INSERT INTO renovation_passes (renovation_id, number, worker, id_number, trade, valid_from,"
                    " valid_until, status, issued_on, issued_by) SELECT id, 'ZX2026-0001-01', '张三', :n, '水电工',"
                    " '2026-11-25', '2027-01-31', 'valid', '2026-11-25', '测试员' FROM renovations"
                ),
                {"n": ID_ZHANG},
            )
    with open_ledger(ledger_url) as upgraded:
        assert upgraded.revision() == HEAD_REVISION
        [renovation] = list_renovations(upgraded)
        assert [(p.number, p.worker, p.id_type, p.id_number) for p in renovation.passes] == [
            ("ZX2026-0001-01", "张三", "resident_id", ID_ZHANG)
        ]
        assert renovation.passes[0].to_dict()["id_type"] == "居民身份证"
        pay_charges(upgraded, RECEIPTS, CASHIER, number, paid_on=DAY)
        with pytest.raises(ConflictError, match="同一人只能有一张有效出入证"):
            change_passes(upgraded, CASHIER, number, [f"张三,{ID_ZHANG}"], today=DAY)
        issued = change_passes(upgraded, CASHIER, number, [f"Smith,护照:{'A1' * 10}"], today=DAY)
        assert [(p.id_type, p.id_number) for p in issued.issued] == [("passport", "A1" * 10)]


def test_one_bad_worker_writes_no_pass(estate: Ledger) -> None:
    number = register(estate, SETTINGS, CASHIER, request(), today=DAY).number
    before = _journal_size(estate)
    with pytest.raises(ValidationError, match="第 2 个工人“李四”的身份证号有误：身份证号应为18位或15位（现在是6位）"):
        change_passes(estate, CASHIER, number, [f"张三,{ID_ZHANG}", "李四,123456"], today=DAY)
    assert get_renovation(estate, number).passes == ()
    assert _journal_size(estate) == before


def test_refund_only_after_a_passed_inspection_and_only_once(estate: Ledger) -> None:
    number = register(estate, SETTINGS, CASHIER, request(), today=DAY).number
    with pytest.raises(ConflictError, match="尚未验收合格（现为装修中），不能退押金"):
        refund(estate, CASHIER, number, today=DAY)
    change_passes(estate, CASHIER, number, [f"张三,{ID_ZHANG}"], today=DAY, unpaid=True)
    inspect(estate, CASHIER, number, "不合格", "卫生间未做闭水试验", today=STARTED)
    with pytest.raises(ConflictError, match="现为验收不合格"):
        refund(estate, CASHIER, number, today=DAY)
    passed = inspect(estate, CASHIER, number, "合格", "已整改", today=dt.date(2027, 2, 1), now=dt.date(2027, 2, 1))
    assert passed.status_label == "验收合格" and passed.valid_passes == []
    with pytest.raises(ConflictError, match="已验收合格，不能再次验收"):
        inspect(estate, CASHIER, number, "合格", today=DAY)
    with pytest.raises(ConflictError, match=r"押金尚未缴清（已缴 0.00 元，应缴 2,000.00 元），不能退款"):
        refund(estate, CASHIER, number, today=DAY)
    pay_charges(estate, RECEIPTS, CASHIER, number, paid_on=DAY)
    with pytest.raises(ValidationError, match="扣除金额 2,000.01 元超过押金 2,000.00 元"):
        refund(estate, CASHIER, number, 200001, "损坏", today=DAY)
    with pytest.raises(ValidationError, match="须写明扣除原因"):
        refund(estate, CASHIER, number, 20000, today=DAY)
    done = refund(estate, CASHIER, number, 20000, "损坏走廊墙面", today=dt.date(2027, 2, 2), now=dt.date(2027, 2, 2))
    assert (done.status_label, done.refund_fen, done.deduction_fen, done.deposit_label) == (
        "已退押金",
        180000,
        20000,
        "已退",
    )
    with pytest.raises(ConflictError, match="的押金已于 2027-02-02 退还 1,800.00 元，不能重复退款"):
        refund(estate, CASHIER, number, today=DAY)
    with pytest.raises(ConflictError, match="押金已退还"):
        pay_charges(estate, RECEIPTS, CASHIER, number)


def test_a_voided_deposit_receipt_makes_the_deposit_unpaid_again(estate: Ledger) -> None:
    from recordkit.billing.receipts import void_receipt

    number = register(estate, SETTINGS, CASHIER, request(), today=DAY).number
    receipt = pay_charges(estate, RECEIPTS, CASHIER, number, paid_on=DAY)
    void_receipt(estate, receipt.number, "金额开错", CASHIER, today=DAY)
    assert get_renovation(estate, number).due_fen == 250000


def test_list_filters_by_status(estate: Ledger) -> None:
    first = register(estate, SETTINGS, CASHIER, request(), today=DAY).number
    register(estate, SETTINGS, CASHIER, request("1-1-101"), today=DAY)
    inspect(estate, CASHIER, first, "合格", today=STARTED)
    assert [r.number for r in list_renovations(estate, "装修中")] == ["ZX2026-0002"]
    assert [r.number for r in list_renovations(estate, "passed")] == ["ZX2026-0001"]
    with pytest.raises(ValidationError, match="状态“完工”无效"):
        list_renovations(estate, "完工")


# -- the papers ----------------------------------------------------------------------------------


@pytest.fixture
def office(workspace: Workspace, tmp_path: Path) -> tuple[Workspace, Ledger]:
    ledger = open_ledger(workspace.database_url)
    reno_estate(ledger, tmp_path)
    yield workspace, ledger
    ledger.close()


def test_registration_form_and_agreement_say_what_was_registered(office: tuple[Workspace, Ledger]) -> None:
    workspace, ledger = office
    renovation = register(ledger, SETTINGS, CASHIER, request(), today=DAY)
    form = write_registration(workspace, ledger, renovation, CASHIER)
    assert form.path.name == "装修登记表ZX2026-0001_3-2-1201.docx"
    lines = _paragraphs(form.path)
    assert lines[:3] == ["测试物业服务中心", "装 修 登 记 表", "登记编号：ZX2026-0001"]
    assert lines[-1] == "经办人：王芳        登记日期：2026年11月23日"
    rows = _cells(form.path)
    assert rows[0] == ["房    屋", "3栋2单元1201室", "业主姓名", "李秀英"]
    assert rows[1] == ["装修单位", "安居装饰工程有限公司", "现场负责人", "王强"]
    assert rows[2] == ["负责人电话", "13600001111", "工    期", "共 68 天"]
    assert rows[3][1] == "自 2026年11月25日 至 2027年1月31日"
    assert rows[4][1].startswith("8:00-12:00，14:00-18:00")
    assert rows[5][1] == "水电改造、铺地砖、吊顶"
    assert rows[6][1] == "人民币 2,000.00 元（大写：贰仟元整），验收合格后无息退还"
    assert rows[7][1] == "人民币 500.00 元"
    assert rows[8][1] == "人民币 2,500.00 元（大写：贰仟伍佰元整）"
    assert rows[9:] == [
        ["业主（签字）：", "装修单位负责人（签字）：", "物业服务中心审批意见："],
        ["", "", "同意装修（盖章处）"],
        ["    年    月    日"] * 3,
    ]

    agreement = write_agreement(workspace, ledger, renovation.number, "李明")
    text = _paragraphs(agreement.path)
    assert text[0] == "装饰装修管理协议"
    assert "乙方（业主）：李秀英        房屋：测试小区3栋2单元1201室" in text
    assert "丙方（装修单位）：安居装饰工程有限公司        现场负责人：王强（电话：13600001111）" in text
    assert "一、装修期限：自2026年11月25日起至2027年1月31日止。确需延期的，乙方应在期满前到甲方办理延期手续。" in text
    assert any(
        line.startswith("四、装修押金：乙方向甲方交纳装修押金人民币2,000.00元（大写：贰仟元整）") for line in text
    )
    prohibited = [line for line in text if line[:2] in {f"{n}." for n in range(1, 10)}]
    assert len(prohibited) == len(PROHIBITED_WORKS)
    assert prohibited[1] == "2. 拆除、改动承重墙、梁、柱、楼板，在承重墙上开门、窗或扩大原有门窗尺寸；"
    signatures = _cells(agreement.path)
    assert signatures[0] == ["甲方：测试物业服务中心", "乙方（业主）：", "丙方（装修单位）："]
    assert signatures[1] == ["（盖章处）", "签字：", "负责人签字："]
    # The clerk who registered it, as on the 登记表 (the line was left blank): not whoever printed the agreement.
    assert signatures[2] == ["经办人：王芳", "", "（盖章）"]
    assert not any("{{" in line or "{%" in line for line in text)
    # Dated the day it was registered (signed before the works), unless the clerk says otherwise.
    assert signatures[3][0] == f"{DAY.year}年{DAY.month}月{DAY.day}日"
    later = write_agreement(workspace, ledger, renovation.number, CASHIER, dt.date(2026, 11, 20))
    assert _cells(later.path)[3][0] == "2026年11月20日"


def test_pass_cards_hold_the_id_number_but_the_file_name_and_journal_do_not(office: tuple[Workspace, Ledger]) -> None:
    workspace, ledger = office
    number = register(ledger, SETTINGS, CASHIER, request(), today=DAY).number
    pay_charges(ledger, RECEIPTS, CASHIER, number, paid_on=DAY)
    changes = change_passes(
        ledger, CASHIER, number, [f"张三,{ID_ZHANG},水电工", f"李四,{ID_LI}", f"王五,{ID_WANG},瓦工"], today=DAY
    )
    document = write_passes(workspace, ledger, changes.renovation, changes.issued, CASHIER)
    assert document.path.name == "临时出入证ZX2026-0001_3-2-1201.docx"
    rows = _cells(document.path)
    assert len(rows) == 2  # three cards, two to a row: the fourth place is blank
    first, photo, second, _ = rows[0]
    assert first.splitlines() == [
        "临时出入证",
        "测试物业服务中心",
        "证　　号：ZX2026-0001-01",
        "姓　　名：张三",
        "工　　种：水电工",
        f"身份证号：{ID_ZHANG}",
        "施工房屋：3栋2单元1201室",  # was 施工房号：3-2-1201, where every other paper prints the unit so
        "有效期自：2026年11月25日",
        "有效期至：2027年1月31日",
        "施工时间：8:00-12:00，14:00-18:00",
        "本证限本人使用，请随身佩戴；施工结束或离场时交回物业服务中心。",
    ]
    assert photo.splitlines() == ["照片", "（一寸）"]
    assert "姓　　名：李四" in second and "工　　种：—" in second
    assert f"身份证号：{ID_WANG}" in rows[1][0] and rows[1][2].strip() == "" and rows[1][3] == ""
    assert (
        _paragraphs(document.path)[0]
        == "测试物业服务中心  装修施工人员临时出入证（登记编号 ZX2026-0001，房屋 3栋2单元1201室，共 3 张）"
    )
    with ledger.read() as conn:
        logged = conn.execute(sa.text("SELECT after FROM journal")).scalars().all()
    assert not any(ID_ZHANG in (entry or "") or ID_WANG in (entry or "") for entry in logged)
    assert all(ID_ZHANG not in path.name for path in workspace.records_subdir("generated").rglob("*"))
    with ledger.read() as conn:
        kept = conn.execute(sa.text("SELECT values_json FROM documents")).scalars().all()
    assert kept and not any(ID_ZHANG in values or ID_WANG in values for values in kept)
    assert any(f"身份证号：{ID_ZHANG[:6]}********{ID_ZHANG[-4:]}" in values for values in kept)


def test_refund_form_shows_the_amount_in_figures_and_capitals(office: tuple[Workspace, Ledger]) -> None:
    workspace, ledger = office
    number = register(ledger, SETTINGS, CASHIER, request(), today=DAY).number
    receipt = pay_charges(ledger, RECEIPTS, CASHIER, number, "微信", paid_on=DAY)
    inspect(ledger, CASHIER, number, "合格", "无违规", today=dt.date(2027, 2, 1), now=dt.date(2027, 2, 1))
    done = refund(ledger, CASHIER, number, 23050, "损坏走廊墙面", today=dt.date(2027, 2, 2), now=dt.date(2027, 2, 2))
    form = write_refund(workspace, ledger, done, CASHIER)
    rows = _cells(form.path)
    assert rows[0] == ["房    屋", "3栋2单元1201室", "业主（领款人）", "李秀英"]
    assert rows[1] == ["装修单位", "安居装饰工程有限公司", "押金收据编号", receipt.number]
    assert rows[2] == ["验收日期", "2027年2月1日", "验收结论", "合格（无违规）"]
    assert rows[3][1] == "¥2,000.00 元"
    assert rows[4][1] == "¥230.50 元    扣除原因：损坏走廊墙面"
    assert rows[5][1] == "¥1,769.50 元    退款方式：现金"
    assert rows[6][1] == "人民币 壹仟柒佰陆拾玖元伍角整"
    assert rows[7][:2] == ["扣款收据", "SJ2027-000001"]  # the 230.50 kept, on a receipt of the refund's year
    assert _paragraphs(form.path)[2] == "登记编号：ZX2026-0001        退款日期：2027年2月2日"
    assert list(rows[-1])[-1] == "（盖章处）"
    assert [doc.title for doc in list_documents(workspace, ledger)] == ["装修押金退款单ZX2026-0001"]


@pytest.mark.parametrize("method", ["银行转账", "微信"])
def test_the_refund_form_says_how_the_deposit_went_back(office: tuple[Workspace, Ledger], method: str) -> None:
    """A deposit refunded by bank transfer printed a form that said nothing of how it went back (only that the payee
    collects it with the deposit's receipt), while the 日结 nets it as a transfer: the payee signed for 1,769.50 元
    and the form's 财务审核 could not tell cash from a transfer.  It now says the method beside the amount."""
    workspace, ledger = office
    number = register(ledger, SETTINGS, CASHIER, request(), today=DAY).number
    pay_charges(ledger, RECEIPTS, CASHIER, number, "微信", paid_on=DAY)
    inspect(ledger, CASHIER, number, "合格", "无违规", today=dt.date(2027, 2, 1), now=dt.date(2027, 2, 1))
    done = refund(
        ledger,
        CASHIER,
        number,
        23050,
        "损坏走廊墙面",
        today=dt.date(2027, 2, 2),
        method=method,
        now=dt.date(2027, 2, 2),
    )
    rows = _cells(write_refund(workspace, ledger, done, CASHIER).path)
    assert rows[5][:2] == ["实退金额", f"¥1,769.50 元    退款方式：{method}"]


@pytest.mark.parametrize(
    ("method", "sentence"),
    [
        ("现金", "领款人凭押金收据原件及身份证件领取；押金收据由物业服务中心收回。"),
        ("银行转账", "押金以银行转账退还，不付现金；领款人签字确认，押金收据原件由物业服务中心收回。"),
        ("微信", "押金以微信退还，不付现金；领款人签字确认，押金收据原件由物业服务中心收回。"),
    ],
)
def test_the_refund_form_tells_the_payee_how_to_collect_by_the_method(
    office: tuple[Workspace, Ledger], method: str, sentence: str
) -> None:
    """A deposit refunded by bank transfer or WeChat printed 领款人凭押金收据原件及身份证件领取 under 退款方式：银行转账,
    as if the owner came to the counter for cash; the sentence now follows the refund's method."""
    workspace, ledger = office
    number = register(ledger, SETTINGS, CASHIER, request(), today=DAY).number
    pay_charges(ledger, RECEIPTS, CASHIER, number, "微信", paid_on=DAY)
    inspect(ledger, CASHIER, number, "合格", "无违规", today=dt.date(2027, 2, 1), now=dt.date(2027, 2, 1))
    done = refund(ledger, CASHIER, number, today=dt.date(2027, 2, 2), method=method, now=dt.date(2027, 2, 2))
    paragraphs = _paragraphs(write_refund(workspace, ledger, done, CASHIER).path)
    # nothing was kept: no word of a deduction turned into income nor of its receipt (none was made)
    assert paragraphs[3] == sentence
    assert not [text for text in paragraphs if "扣除" in text or "另开收据" in text]
    assert sum("领取" in text for text in paragraphs) == (1 if method == "现金" else 0)


def test_every_registration_and_paper_keeps_the_journal_whole(office: tuple[Workspace, Ledger]) -> None:
    workspace, ledger = office
    renovation = register(ledger, SETTINGS, CASHIER, request(), today=DAY)
    write_registration(workspace, ledger, renovation, CASHIER)
    with ledger.read() as conn:
        actions = [entry.action for entry in journal.recent(conn, 4)]
        assert journal.verify(conn).ok
    assert actions == ["document.generate", "bill.oneoff", "bill.oneoff", "renovation.register"]
    assert len(list_receipts(ledger)) == 0


# -- two clerks at once ---------------------------------------------------------------------------


def _register_one(url: str, unit: str) -> None:
    with open_ledger(url) as ledger:
        register(ledger, SETTINGS, CASHIER, request(unit), today=DAY)


def test_two_clerks_registering_at_once_get_different_numbers(ledger_url: str, tmp_path: Path) -> None:
    with open_ledger(ledger_url) as ledger:
        reno_estate(ledger, tmp_path)
    run_at_once(_register_many, (ledger_url,), ["clerk-a", "clerk-b"])
    with open_ledger(ledger_url) as ledger:
        listed = list_renovations(ledger)
        with ledger.read() as conn:
            assert journal.verify(conn).ok
            numbers = conn.execute(sa.select(renovations_table.c.number)).scalars().all()
    assert sorted(numbers) == ["ZX2026-0001", "ZX2026-0002"]
    assert sorted(r.unit for r in listed) == ["1-1-101", "3-2-1201"]


def _register_many(url: str) -> None:
    import multiprocessing

    unit = "1-1-101" if multiprocessing.current_process().name == "clerk-a" else "3-2-1201"
    _register_one(url, unit)


def test_the_refund_form_names_the_receipts_that_paid_the_deposit(estate: Ledger) -> None:
    number = register(estate, SETTINGS, CASHIER, request(), today=DAY).number
    # Paid in two goes at the counter: both receipts are named on the refund form.
    pay(estate, RECEIPTS, CASHIER, PaymentRequest("3-2-1201", 33793 + 1000 + 100000, paid_on=DAY))
    pay_charges(estate, RECEIPTS, CASHIER, number, paid_on=DAY)
    renovation = get_renovation(estate, number)
    assert deposit_receipt_numbers(estate, renovation) == ["SJ2026-000001", "SJ2026-000002"]


def test_a_pass_named_twice_is_refused(estate: Ledger) -> None:
    number = register(estate, SETTINGS, CASHIER, request(), today=DAY).number
    pay_charges(estate, RECEIPTS, CASHIER, number, paid_on=DAY)
    change_passes(estate, CASHIER, number, [f"张三,{ID_ZHANG}"], today=DAY)
    with pytest.raises(ValidationError, match="出入证 ZX2026-0001-01 写了两次"):
        change_passes(
            estate, CASHIER, number, cancel=["ZX2026-0001-01"], reissue=["zx2026-0001-01"], reason="遗失", today=DAY
        )


def test_no_pass_after_the_works_ended(estate: Ledger) -> None:
    number = register(estate, SETTINGS, CASHIER, request(), today=DAY).number
    with pytest.raises(ConflictError, match="施工期已于 2027-01-31 结束，不能再发放临时出入证"):
        change_passes(estate, CASHIER, number, [f"张三,{ID_ZHANG}"], today=dt.date(2027, 2, 1), now=dt.date(2027, 2, 1))
    inspect(estate, CASHIER, number, "合格", today=STARTED)
    with pytest.raises(ConflictError, match="已验收合格，不能再发放临时出入证"):
        change_passes(estate, CASHIER, number, [f"张三,{ID_ZHANG}"], today=STARTED)


def test_a_paper_that_cannot_be_written_leaves_no_registration_and_no_refund(
    office: tuple[Workspace, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The disk fills up while the 装修登记表 / 退款单 is written: the registration (and its bills)
    # or the refund is not recorded either, and no file is left behind.
    from recordkit.documents import generated as documents

    workspace, ledger = office
    real_write = documents._write_new

    def disk_full(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    before, owed = _journal_size(ledger), {row.unit: row.amount_fen for row in list_arrears(ledger, DAY)}
    with ledger.read() as conn:
        bills_before = conn.execute(sa.select(sa.func.count()).select_from(bills)).scalar_one()
    monkeypatch.setattr(documents, "_write_new", disk_full)
    with pytest.raises(OSError):
        register_and_print(workspace, ledger, CASHIER, request(), today=DAY)
    assert list_renovations(ledger) == [] and _journal_size(ledger) == before
    assert {row.unit: row.amount_fen for row in list_arrears(ledger, DAY)} == owed
    with ledger.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(bills)).scalar_one() == bills_before

    monkeypatch.setattr(documents, "_write_new", real_write)
    renovation, form = register_and_print(workspace, ledger, CASHIER, request(), today=DAY)
    assert form.path.is_file() and form.title == f"装修登记表{renovation.number}"
    pay_charges(ledger, RECEIPTS, CASHIER, renovation.number, paid_on=DAY)
    inspect(ledger, CASHIER, renovation.number, "合格", "无违规", today=dt.date(2027, 2, 1), now=dt.date(2027, 2, 1))
    files = sorted(workspace.records_subdir("generated").rglob("*.docx"))
    monkeypatch.setattr(documents, "_write_new", disk_full)
    with pytest.raises(OSError):
        refund_and_print(
            workspace,
            ledger,
            CASHIER,
            renovation.number,
            20000,
            "损坏墙面",
            today=dt.date(2027, 2, 2),
            now=dt.date(2027, 2, 2),
        )
    assert get_renovation(ledger, renovation.number).status == "passed"
    assert sorted(workspace.records_subdir("generated").rglob("*.docx")) == files
    assert [r.number for r in list_receipts(ledger)] == ["SJ2026-000001"]  # no receipt for the 200.00 either


def test_a_deduction_whose_receipt_cannot_be_numbered_leaves_no_refund(estate: Ledger) -> None:
    # The receipt of the money kept is written with the refund: an office's number pattern that numbers nothing
    # refuses both, and the deposit is still held, refundable once the pattern is mended.
    number = register(estate, SETTINGS, CASHIER, request(), today=DAY).number
    pay_charges(estate, RECEIPTS, CASHIER, number, paid_on=DAY)
    inspect(estate, CASHIER, number, "合格", today=STARTED)
    before = _journal_size(estate)
    broken = ReceiptSettings(number_pattern="{prefix}{year}-")
    with pytest.raises(ConfigError, match="无法生成收据编号"):
        refund(estate, CASHIER, number, 20000, "损坏墙面", today=STARTED, settings=broken)
    assert get_renovation(estate, number).status == "passed" and _journal_size(estate) == before
    assert [r.number for r in list_receipts(estate)] == ["SJ2026-000001"]
    done = refund(estate, CASHIER, number, 20000, "损坏墙面", today=STARTED, settings=RECEIPTS)
    assert (done.status, done.deduction_fen) == ("refunded", 20000)
    with estate.read() as conn:
        kept = conn.execute(
            sa.text(
                "SELECT r.number, p.method, p.amount_fen, p.paid_on, r.lines FROM receipts r "
                "JOIN payments p ON p.id = r.payment_id WHERE p.method = '押金转入'"
            )
        ).all()
    assert [(n, m, fen, str(day), json.loads(lines)) for n, m, fen, day, lines in kept] == [
        (
            "SJ2026-000002",
            "押金转入",
            20000,
            "2026-11-25",
            [{"item": "装修押金扣款（损坏墙面）", "period": "", "amount_fen": 20000, "renovation": "ZX2026-0001"}],
        )
    ]
