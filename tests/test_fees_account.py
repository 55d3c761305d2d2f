"""One unit's account (对账单): bills, payments and their allocation, prepayment, deposits, due now and
not yet due — and that "due now" is the very figure of ``fees arrears``, the balance and a reminder."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from recordkit.billing.accounts import unit_account
from recordkit.billing.arrears import list_arrears, unit_balance
from recordkit.billing.receipts import PaymentRequest, pay, void_receipt
from recordkit.core.errors import NotFoundError
from recordkit.documents.notices import unpaid_lines
from recordkit.ledger.db import Ledger
from recordkit.renovations import registration as renovations
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.fees_fixtures import CASHIER, DAY, MONTHLY, RECEIPTS, bill_months, small_estate
from tests.test_fees_cli import cashier
from tests.test_renovations import SETTINGS, reno_estate
from tests.test_renovations import request as renovation_request

TODAY = dt.date(2026, 11, 20)


def _bills(account: Any) -> list[tuple[str, str, int, int, str]]:
    return [(str(b.month), b.item, b.amount_fen, b.paid_fen, b.to_dict()["state"]) for b in account.bills]


def test_the_account_shows_bills_payments_and_what_is_due_now_and_later(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-10", "2026-11", "2026-12")
    first = pay(ledger, RECEIPTS, CASHIER, PaymentRequest("3-2-1201", 50000, paid_on=dt.date(2026, 11, 5)))
    wrong = pay(ledger, RECEIPTS, CASHIER, PaymentRequest("3-2-1201", 9900, "微信", paid_on=dt.date(2026, 11, 6)))
    void_receipt(ledger, wrong.number, "金额开错", CASHIER, today=dt.date(2026, 11, 6))

    account = unit_account(ledger, "3栋2单元1201室", TODAY)
    assert (account.unit, account.owner, account.as_of) == ("3-2-1201", "李秀英", TODAY)
    assert _bills(account) == [
        ("2026-10", "物业服务费", 33793, 33793, "已缴清"),
        ("2026-10", "垃圾清运费", 1000, 1000, "已缴清"),
        ("2026-11", "物业服务费", 33793, 15207, "部分未缴"),
        ("2026-11", "垃圾清运费", 1000, 0, "未缴"),
        ("2026-12", "物业服务费", 33793, 0, "未到期"),
        ("2026-12", "垃圾清运费", 1000, 0, "未到期"),
    ]
    assert [p.to_dict() for p in account.payments] == [
        {
            "number": first.number,
            "date": "2026-11-05",
            "method": "现金",
            "amount_fen": 50000,
            "status": "有效",
            "applied": [
                {"month": "2026-10", "item": "物业服务费", "amount_fen": 33793},
                {"month": "2026-10", "item": "垃圾清运费", "amount_fen": 1000},
                {"month": "2026-11", "item": "物业服务费", "amount_fen": 15207},
            ],
            "prepayment_fen": 0,
            "reverses": None,
            "reversed_by": None,
        },
        {
            "number": wrong.number,
            "date": "2026-11-06",
            "method": "微信",
            "amount_fen": 9900,
            "status": "作废",
            "applied": [
                {"month": "2026-11", "item": "物业服务费", "amount_fen": 9900},
            ],
            "prepayment_fen": 0,
            "reverses": None,
            "reversed_by": None,
        },
    ]
    due = 2 * MONTHLY["3-2-1201"] - 50000
    assert (account.due_now_fen, account.not_yet_due_fen, account.prepaid_fen) == (due, MONTHLY["3-2-1201"], 0)
    assert [str(m) for m in account.months_due] == ["2026-11"]
    # One figure of what is owed: the account, the arrears list, the balance and a reminder's total.
    assert {a.unit: a.amount_fen for a in list_arrears(ledger, TODAY)}["3-2-1201"] == due
    assert unit_balance(ledger, "3-2-1201", TODAY) == (due, 0)
    assert sum(line.amount_fen for line in unpaid_lines(ledger, ["3-2-1201"], TODAY)["3-2-1201"]) == due


def test_money_paid_ahead_stays_prepayment_until_the_month_of_its_bill(ledger: Ledger, tmp_path: Path) -> None:
    # December is billed ahead and the money paid on 10 November takes it; on 20 November that money is
    # still 预收 (as November's register counts it), December's bill not yet due and unpaid.
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-10", "2026-11", "2026-12")
    m = MONTHLY["1-1-101"]
    pay(ledger, RECEIPTS, CASHIER, PaymentRequest("1-1-101", 4 * m, paid_on=dt.date(2026, 11, 10)))
    account = unit_account(ledger, "1-1-101", TODAY)
    assert [(str(b.month), b.to_dict()["state"]) for b in account.bills if b.item == "物业服务费"] == [
        ("2026-10", "已缴清"),
        ("2026-11", "已缴清"),
        ("2026-12", "未到期"),
    ]
    assert (account.due_now_fen, account.not_yet_due_fen, account.prepaid_fen) == (0, m, 2 * m)
    assert unit_balance(ledger, "1-1-101", TODAY) == (0, 2 * m)
    december = unit_account(ledger, "1-1-101", dt.date(2026, 12, 1))
    assert {b.to_dict()["state"] for b in december.bills} == {"已缴清"}
    assert (december.due_now_fen, december.not_yet_due_fen, december.prepaid_fen) == (0, 0, m)
    assert unit_balance(ledger, "1-1-101", dt.date(2026, 12, 1)) == (0, m)


def test_an_unknown_unit(ledger: Ledger) -> None:
    with pytest.raises(NotFoundError, match="台账中没有房屋 9-9-909：请用 recordkit owners list 查看已有房号"):
        unit_account(ledger, "9-9-909")


def test_a_deposit_is_held_money_never_owed_nor_on_a_reminder(ledger: Ledger, tmp_path: Path) -> None:
    reno_estate(ledger, tmp_path)
    renovation = renovations.register(ledger, SETTINGS, CASHIER, renovation_request(), today=DAY)
    owed = {row.unit: row.amount_fen for row in list_arrears(ledger, DAY)}["3-2-1201"]
    lines = unpaid_lines(ledger, ["3-2-1201"], DAY)["3-2-1201"]
    assert [(line.month, line.item, line.amount_fen) for line in lines] == [
        ("2026-11", "物业服务费", 33793),
        ("2026-11", "垃圾清运费", 1000),
        ("2026-11", "装修垃圾清运费", 50000),
    ]
    account = unit_account(ledger, "3-2-1201", DAY)
    assert sum(line.amount_fen for line in lines) == owed == account.due_now_fen == 84793
    assert [d.to_dict() for d in account.deposits] == [
        {
            "renovation": renovation.number,
            "amount_fen": 200000,
            "paid_fen": 0,
            "held_fen": 0,
            "refunded_on": None,
            "refund_fen": None,
            "refund_method": None,
        }
    ]
    assert "装修押金" not in {bill.item for bill in account.bills}
    renovations.pay_charges(ledger, RECEIPTS, CASHIER, renovation.number, "微信", paid_on=DAY)
    account = unit_account(ledger, "3-2-1201", DAY)
    assert (account.deposits_held_fen, account.due_now_fen) == (200000, 34793)


def test_money_pays_the_fees_before_an_unpaid_deposit(ledger: Ledger, tmp_path: Path) -> None:
    """Paying what `fees arrears` shows clears the unit, even with its renovation deposit unpaid: the
    deposit (装修押金, billed before the waste-removal fee) takes only money left after every fee."""
    reno_estate(ledger, tmp_path)
    renovation = renovations.register(ledger, SETTINGS, CASHIER, renovation_request(), today=DAY)
    view = pay(ledger, RECEIPTS, CASHIER, PaymentRequest("3-2-1201", 84793, paid_on=DAY), today=DAY)
    assert [(line.item, line.amount_fen) for line in view.lines] == [
        ("物业服务费", 33793),
        ("垃圾清运费", 1000),
        ("装修垃圾清运费", 50000),
    ]
    account = unit_account(ledger, "3-2-1201", DAY)
    assert (account.due_now_fen, account.prepaid_fen, account.deposits[0].paid_fen) == (0, 0, 0)
    assert "3-2-1201" not in {row.unit for row in list_arrears(ledger, DAY)}
    more = pay(ledger, RECEIPTS, CASHIER, PaymentRequest("3-2-1201", 50000, paid_on=DAY), today=DAY)
    assert [(line.item, line.amount_fen) for line in more.lines] == [("装修押金", 50000)]
    deposit = renovations.pay_charges(ledger, RECEIPTS, CASHIER, renovation.number, "微信", paid_on=DAY)
    assert [(line.item, line.amount_fen) for line in deposit.lines] == [("装修押金", 150000)]


# -- the command ----------------------------------------------------------------------------------


def test_fees_account_at_the_counter(cashier: Any) -> None:
    assert (
        cashier(
            "fees", "pay", "3-2-1201", "--amount", "500", "--date", "2026-11-23", "--reason", "银行转账补录"
        ).exit_code
        == 0
    )
    result = cashier("fees", "account", "3-2-1201")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"对账单：房屋 3-2-1201（业主 李秀英），截至 {dt.date.today().isoformat()}"
    assert lines[-1] == "现在应缴 175.86 元（1 个月，最早 2026-11）；未到期 0.00 元；预收余额 0.00 元；押金持有 0.00 元"
    assert "2026-11 物业服务费 162.07" in result.stdout
    data = json.loads(cashier("fees", "account", "3-2-1201", "--json").stdout)
    assert (data["due_now_fen"], data["not_yet_due_fen"], data["prepaid_fen"]) == (17586, 0, 0)
    assert [(b["month"], b["owed_fen"], b["state"]) for b in data["bills"]] == [
        ("2026-10", 0, "已缴清"),
        ("2026-11", 17586, "部分未缴"),
    ]
    arrears = json.loads(cashier("fees", "arrears", "--json").stdout)
    assert {row["unit"]: row["arrears_fen"] for row in arrears}["3-2-1201"] == data["due_now_fen"]
    missing = cashier("fees", "account", "9-9-909")
    assert (missing.exit_code, missing.stderr.strip()) == (
        6,
        "错误：台账中没有房屋 9-9-909：请用 recordkit owners list 查看已有房号",
    )


def test_the_account_as_of_a_day_is_that_day_s_snapshot(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-10", "2026-11")
    m = MONTHLY["3-2-1201"]
    early = pay(ledger, RECEIPTS, CASHIER, PaymentRequest("3-2-1201", m, paid_on=dt.date(2026, 10, 10)))
    pay(ledger, RECEIPTS, CASHIER, PaymentRequest("3-2-1201", m, paid_on=dt.date(2026, 11, 10)))
    void_receipt(ledger, early.number, "金额开错", CASHIER, today=dt.date(2026, 10, 10))  # on its day: a void

    october = unit_account(ledger, "3-2-1201", dt.date(2026, 10, 31))
    # On 31 October: only the October receipt, voided (a correction: it never paid anything);
    # November's bills not yet due.
    assert [(p.number, p.voided) for p in october.payments] == [(early.number, True)]
    assert (october.due_now_fen, october.not_yet_due_fen, october.prepaid_fen) == (m, m, 0)
    assert october.due_now_fen == sum(
        a.amount_fen for a in list_arrears(ledger, dt.date(2026, 10, 31)) if a.unit == "3-2-1201"
    )
    now = unit_account(ledger, "3-2-1201", TODAY)
    assert [p.voided for p in now.payments] == [True, False]
    assert (now.due_now_fen, now.not_yet_due_fen) == (m, 0)


def test_the_statement_for_the_owner_as_xlsx_and_docx(cashier: Any, workspace: Any) -> None:
    from docx import Document
    from openpyxl import load_workbook

    assert (
        cashier("fees", "pay", "3-2-1201", "--amount", "500", "--date", "2026-11-23", "--reason", "补录").exit_code == 0
    )
    xlsx = workspace.root / "对账单.xlsx"
    result = cashier("fees", "account", "3-2-1201", "--out", str(xlsx))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"对账单已写到 {xlsx}"
    rows = [list(row) for row in load_workbook(xlsx).active.iter_rows(values_only=True)]
    assert rows[1][0] == f"房屋 3-2-1201（业主 李秀英），截至 {dt.date.today():%Y年%-m月%-d日}"
    by_label = {row[0]: row for row in rows if row[0]}
    # The paper says what the screen says: how many months are owed and since when (it said the sum alone).
    assert by_label["现在应缴"][2:4] == [pytest.approx(175.86), "（1 个月，最早 2026-11）"]
    assert by_label["2026-11"][1:6] == [
        "物业服务费",
        pytest.approx(337.93),
        pytest.approx(162.07),
        pytest.approx(175.86),
        "部分未缴",
    ]
    docx = workspace.root / "对账单.docx"
    assert cashier("fees", "account", "3-2-1201", "--out", str(docx)).exit_code == 0
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "现在应缴 175.86 元（1 个月，最早 2026-11）；未到期 0.00 元；预收余额 0.00 元；押金持有 0.00 元" in text
    cells = [c.text for t in Document(str(docx)).tables for row in t.rows for c in row.cells]
    assert "部分未缴" in cells and "2026年10月 物业服务费 337.93；2026年11月 物业服务费 162.07" in cells
    bad = cashier("fees", "account", "3-2-1201", "--out", "对账单.pdf")
    assert (bad.exit_code, bad.stderr.strip()) == (2, "错误：对账单文件名应以 .xlsx 或 .docx 结尾：对账单.pdf")


def test_owners_show_gives_the_one_line_balance(cashier: Any) -> None:
    result = cashier("owners", "show", "3-2-1201")
    assert result.stdout.splitlines()[-1] == (
        "收费：现在应缴 675.86 元，预收余额 0.00 元，押金持有 0.00 元（明细：recordkit fees account 3-2-1201）"
    )
    data = json.loads(cashier("owners", "show", "3-2-1201", "--json").stdout)
    assert data["balance"] == {"due_now_fen": 67586, "prepaid_fen": 0, "deposits_held_fen": 0}


def test_the_account_of_a_past_day_keeps_the_prepayment_later_bills_took(run_cli: Any, workspace: Any) -> None:
    # 3-2-1201 (143.80 ㎡ × 2.35 = 337.93 a month) pays 1,000.00 on 20 October: October's bill and
    # 662.07 ahead.  November's bill, made later, takes 337.93 of it.
    for args in (
        ("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))),
        ("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01"),
        ("fees", "bill", "--month", "2026-10"),
        ("fees", "pay", "3-2-1201", "--amount", "1000", "--date", "2026-10-20", "--reason", "银行转账补录"),
        ("fees", "bill", "--month", "2026-11"),
        ("fees", "register", "--month", "2026-10", str(workspace.root / "台账.xlsx")),
    ):
        result = run_cli(*args)
        assert result.exit_code == 0, result.output
    engine = sa.create_engine(workspace.database_url)
    with engine.connect() as conn:
        received, used = conn.execute(
            sa.text(
                """SELECT (SELECT SUM(amount_fen) FROM payments WHERE unit_id = u.id AND NOT voided
                           AND paid_on <= '2026-10-31'),
                          (SELECT SUM(a.amount_fen) FROM allocations a JOIN bills b ON b.id = a.bill_id
                           JOIN payments p ON p.id = a.payment_id WHERE p.unit_id = u.id AND NOT p.voided
                           AND p.paid_on <= '2026-10-31' AND b.month <= '2026-10')
                   FROM units u WHERE u.code = '3-2-1201'"""
            )
        ).one()
    engine.dispose()
    assert (received, used) == (100000, 33793)

    october = json.loads(run_cli("fees", "account", "3-2-1201", "--as-of", "2026-10-31", "--json").stdout)
    assert october["prepaid_fen"] == received - used == 66207
    assert [(b["month"], b["paid_fen"], b["state"]) for b in october["bills"]] == [
        ("2026-10", 33793, "已缴清"),
        ("2026-11", 0, "未到期"),
    ]
    assert [(p["applied"], p["prepayment_fen"]) for p in october["payments"]] == [
        ([{"month": "2026-10", "item": "物业服务费", "amount_fen": 33793}], 66207)
    ]
    assert (october["due_now_fen"], october["not_yet_due_fen"]) == (0, 33793)
    shown = run_cli("fees", "account", "3-2-1201", "--as-of", "2026-10-31").stdout
    assert (
        "现在应缴 0.00 元；未到期 337.93 元（已预付 337.93 元）；预收余额 662.07 元（含已预付未到期账单的 337.93 元）"
        in shown
    )
    # The register of October says the same for its last day.
    sheet = load_workbook(workspace.root / "台账.xlsx").active
    headers = [cell.value for cell in sheet[2]]
    [row] = [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] == "3-2-1201"]
    assert row[headers.index("预收余额")] == 662.07

    now = json.loads(run_cli("fees", "account", "3-2-1201", "--json").stdout)
    assert (now["prepaid_fen"], [b["state"] for b in now["bills"]]) == (100000 - 2 * 33793, ["已缴清", "已缴清"])


def test_money_paid_on_a_bill_not_due_reads_once_not_twice(cashier: Any, workspace: Any) -> None:
    """3-2-1201 (143.80 ㎡ × 2.35 = 337.93 a month) pays 500.00 for January, billed ahead: the account showed
    未到期 337.93 and 预收余额 500.00 side by side, as if 837.93 were in play.  Both now say the 337.93 is the
    same money (on the screen, in --json, on the statement); the figures themselves do not change."""
    from docx import Document

    for args in (
        ("fees", "bill", "--month", "2026-12"),
        ("fees", "bill", "--month", "2027-01", "--advance"),
        ("fees", "pay", "3-2-1201", "--amount", "500", "--months", "2027-01"),
    ):
        result = cashier(*args)
        assert result.exit_code == 0, result.output
    shown = cashier("fees", "account", "3-2-1201")
    assert shown.stdout.splitlines()[-1] == (
        "现在应缴 1,013.79 元（3 个月，最早 2026-10）；未到期 337.93 元（已预付 337.93 元）；"
        "预收余额 500.00 元（含已预付未到期账单的 337.93 元）；押金持有 0.00 元"
    )
    data = json.loads(cashier("fees", "account", "3-2-1201", "--json").stdout)
    assert (data["not_yet_due_fen"], data["not_yet_due_prepaid_fen"], data["prepaid_fen"]) == (33793, 33793, 50000)
    xlsx = workspace.root / "对账单.xlsx"
    assert cashier("fees", "account", "3-2-1201", "--out", str(xlsx)).exit_code == 0
    by_label = {row[0]: row for row in load_workbook(xlsx).active.iter_rows(values_only=True) if row[0]}
    assert by_label["未到期"][2:4] == (pytest.approx(337.93), "（已预付 337.93 元）")
    assert by_label["预收余额"][2:4] == (pytest.approx(500), "（含已预付未到期账单的 337.93 元）")
    docx = workspace.root / "对账单.docx"
    assert cashier("fees", "account", "3-2-1201", "--out", str(docx)).exit_code == 0
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "未到期 337.93 元（已预付 337.93 元）；预收余额 500.00 元（含已预付未到期账单的 337.93 元）" in text
    # Without money on a bill not due, the line is as it was.
    plain = cashier("fees", "account", "1-1-102").stdout.splitlines()[-1]
    assert plain == "现在应缴 836.28 元（3 个月，最早 2026-10）；未到期 278.76 元；预收余额 0.00 元；押金持有 0.00 元"


def test_the_account_names_every_owner_of_record(cashier: Any, workspace: Any) -> None:
    """1-1-101 owned by 张伟 and 王芳 (the roster's one cell): ``fees arrears`` and the register name both, but the
    account and the statement handed to the owners said 业主 张伟 alone."""
    rows = [list(row) for row in SAMPLE_ROWS]
    rows[0][4] = "张伟、王芳"
    assert cashier("owners", "import", str(write_sheet(workspace.root / "共有.xlsx", rows))).exit_code == 0
    xlsx = workspace.root / "对账单.xlsx"
    shown = cashier("fees", "account", "1-1-101", "--out", str(xlsx))
    assert shown.exit_code == 0, shown.output
    today = dt.date.today()
    assert shown.stdout.splitlines()[0] == f"对账单：房屋 1-1-101（业主 张伟、王芳），截至 {today.isoformat()}"
    heading = next(load_workbook(xlsx).active.iter_rows(min_row=2, max_row=2, values_only=True))[0]
    assert heading == f"房屋 1-1-101（业主 张伟、王芳），截至 {today:%Y年%-m月%-d日}"
    data = json.loads(cashier("fees", "account", "1-1-101", "--json").stdout)
    assert (data["owner"], data["co_owners"]) == ("张伟", ["王芳"])
    alone = cashier("fees", "account", "1-1-102").stdout.splitlines()[0]
    assert alone == f"对账单：房屋 1-1-102（业主 李秀英），截至 {today.isoformat()}"
