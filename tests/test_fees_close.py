"""Closing a month (结账): nothing dated in it changes, and a void of its receipt is a red reversal (红冲)
dated in an open month that names the original."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine
from docx import Document
from openpyxl import load_workbook

from recordkit.billing.arrears import list_arrears, unit_balance
from recordkit.billing.bills import bill_month
from recordkit.billing.closing import close_month, list_closed
from recordkit.billing.receipts import PaymentRequest, list_receipts, pay, void_or_reverse, void_receipt
from recordkit.billing.registers import daily_report
from recordkit.core.dates import Month, format_stamp
from recordkit.core.errors import ConflictError
from recordkit.core.workspace import Workspace
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.reports.figures import fee_figures, keep_month_figures, kept_figures, kept_trend, load_fee_ledger
from tests.fees_fixtures import CASHIER, MONTHLY, RECEIPTS, an_older_version, bill_months, small_estate
from tests.test_fees_cli import cashier

OFFICE_ZONE = "Asia/Shanghai"  # a new workspace's, and a ledger's opened without one (the office's clock)
OCTOBER_DAY = dt.date(2026, 10, 15)
TODAY = dt.date(2026, 11, 20)
M = MONTHLY["1-1-101"]


def _closed_on(ledger: Ledger) -> str:
    return format_stamp(list_closed(ledger)[-1].closed_at, OFFICE_ZONE)[:10]


@pytest.fixture
def october_closed(ledger: Ledger, tmp_path: Path) -> Ledger:
    """September and October billed; 1-1-101 paid three months on 15 October (one is prepaid); September
    and October closed."""
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-09", "2026-10")
    pay(ledger, RECEIPTS, CASHIER, PaymentRequest("1-1-101", 3 * M, "微信", paid_on=OCTOBER_DAY))
    for month in ("2026-09", "2026-10"):
        close_month(ledger, month, CASHIER, today=TODAY)
    return ledger


def test_a_closed_month_is_listed_and_cannot_be_closed_twice_or_before_it_ends(october_closed: Ledger) -> None:
    closed = list_closed(october_closed)[-1]
    assert [(str(each.month), each.closed_by) for each in list_closed(october_closed)] == [
        ("2026-09", CASHIER),
        ("2026-10", CASHIER),
    ]
    with october_closed.read() as conn:
        assert journal.recent(conn, limit=1)[0].action == "month.close"
    with pytest.raises(ConflictError) as again:
        close_month(october_closed, "2026-10", CASHIER, today=TODAY)
    assert again.value.message == (
        f"2026-10 已于 {format_stamp(closed.closed_at, OFFICE_ZONE)} 由 {CASHIER} 结账，不能重复结账"
    )
    with pytest.raises(ConflictError) as early:
        close_month(october_closed, "2026-11", CASHIER, today=TODAY)
    assert early.value.message == "2026-11 还没有结束（今天是 2026-11-20），不能结账：只能结已经过去的月份"


def test_nothing_dated_in_a_closed_month_changes(october_closed: Ledger) -> None:
    day = _closed_on(october_closed)
    with pytest.raises(ConflictError) as paid:
        pay(october_closed, RECEIPTS, CASHIER, PaymentRequest("1-1-102", 100, paid_on=dt.date(2026, 10, 31)), TODAY)
    assert paid.value.message == (
        f"2026-10 已于 {day} 由 {CASHIER} 结账，不能再收日期在 2026-10 的款：结账月份的账目不再改动"
        "；那时到账、今天才录入的钱请按今天的日期收款（不写 --date），记入今天的日结"
    )
    for args in ({"rebill": True}, {}):
        with pytest.raises(ConflictError) as billed:
            bill_month(october_closed, "2026-10", CASHIER, **args)  # type: ignore[arg-type]
        assert billed.value.message == (
            f"2026-10 已于 {day} 由 {CASHIER} 结账，不能再出这个月的账或重算：结账月份的账目不再改动"
        )


def test_voiding_a_receipt_of_a_closed_month_is_a_red_reversal_dated_today(october_closed: Ledger) -> None:
    [original] = list_receipts(october_closed)
    october = {a.unit: a.amount_fen for a in list_arrears(october_closed, dt.date(2026, 10, 31))}
    october_day = daily_report(october_closed, OCTOBER_DAY)
    assert "1-1-101" not in october

    kept, reversal = void_or_reverse(october_closed, original.number, "金额开错", CASHIER, TODAY, RECEIPTS)
    assert reversal is not None
    assert (kept.status, kept.reversed_by, kept.total_fen, kept.issued_on) == (
        "issued",
        reversal.number,
        3 * M,
        OCTOBER_DAY,
    )
    assert kept.to_dict()["status"] == "有效"
    assert (reversal.number, reversal.issued_on, reversal.total_fen, reversal.reverses) == (
        "SJ2026-000002",
        TODAY,
        -3 * M,
        original.number,
    )
    assert reversal.to_dict()["status"] == "红冲" and reversal.status_label == "红冲"
    assert [(line.item, line.amount_fen) for line in reversal.lines] == [
        (line.item, -line.amount_fen) for line in original.lines
    ]
    # October's figures are as they were; today the money goes out and the bills are owed again.
    assert {a.unit: a.amount_fen for a in list_arrears(october_closed, dt.date(2026, 10, 31))} == october
    assert daily_report(october_closed, OCTOBER_DAY).total_fen == october_day.total_fen == 3 * M
    assert daily_report(october_closed, TODAY).total_fen == -3 * M
    assert {a.unit: a.amount_fen for a in list_arrears(october_closed, TODAY)}["1-1-101"] == 2 * M
    assert unit_balance(october_closed, "1-1-101", TODAY) == (2 * M, 0)
    # The reversed payment's prepayment is gone too: it pays no bill to come.
    assert bill_month(october_closed, "2026-11", CASHIER).prepayment_applied_fen == 0
    with october_closed.read() as conn:
        entry = next(e for e in journal.recent(conn, limit=10) if e.action == "receipt.reverse")
    assert (entry.action, entry.key, entry.after["reverses"]) == ("receipt.reverse", "SJ2026-000002", original.number)

    with pytest.raises(ConflictError, match=f"收据 {original.number} 已由 SJ2026-000002 红冲，不能重复作废"):
        void_receipt(october_closed, original.number, "再试", CASHIER, TODAY)
    with pytest.raises(ConflictError, match=f"收据 SJ2026-000002 是收据 {original.number} 的红冲收据，不能作废"):
        void_receipt(october_closed, "SJ2026-000002", "再试", CASHIER, TODAY)


# -- the commands ------------------------------------------------------------------------------------


def test_fees_close_and_a_red_reversal_at_the_command_line(cashier: Any) -> None:
    today = dt.date.today()
    assert (
        cashier("fees", "pay", "1-1-101", "--amount", "100", "--date", "2026-11-23", "--reason", "补录").exit_code == 0
    )
    assert cashier("fees", "close", "--month", "2026-10").exit_code == 0
    closed = cashier("fees", "close", "--month", "2026-11")
    assert (closed.exit_code, closed.stdout) == (
        0,
        "已结账 2026-11（经办人 测试员）：日期在 2026-11 的收款、出账、读数、作废不能再改动；"
        "作废该月的收据会开日期为当天的红冲收据\n",
    )
    listed = json.loads(cashier("fees", "close", "--list", "--json").stdout)
    assert [(row["month"], row["closed_by"]) for row in listed] == [("2026-10", "测试员"), ("2026-11", "测试员")]
    closed_on = listed[1]["closed_at"][:10]

    void = cashier("receipt", "void", "SJ2026-000001", "--reason", "金额开错")
    assert void.exit_code == 0, void.output
    assert void.stdout.splitlines()[0] == (
        f"收据 SJ2026-000001 所在的 2026-11 已结账，原收据保留不动；已开红冲收据 SJ2026-000002"
        f"（{today.isoformat()}，-100.00 元，原因：金额开错），房屋 1-1-101 现欠 719.94 元"
    )
    assert void.stdout.splitlines()[1].startswith("红冲收据文件：records/generated/")
    rows = {row["number"]: row for row in json.loads(cashier("receipt", "list", "--json").stdout)}
    assert (rows["SJ2026-000001"]["status"], rows["SJ2026-000001"]["reversed_by"]) == ("有效", "SJ2026-000002")
    assert (rows["SJ2026-000002"]["status"], rows["SJ2026-000002"]["total_fen"]) == ("红冲", -10000)

    for args, code, message in (
        (
            ("fees", "close", "--month", "2026-11"),
            8,
            f"错误：2026-11 已于 {listed[1]['closed_at'][:16].replace('T', ' ')} 由 测试员 结账，不能重复结账",
        ),
        (
            ("fees", "pay", "1-1-101", "--amount", "50", "--date", "2026-11-25"),
            8,
            f"错误：2026-11 已于 {closed_on} 由 测试员 结账，不能再收日期在 2026-11 的款：结账月份的账目不再改动"
            "；那时到账、今天才录入的钱请按今天的日期收款（不写 --date），记入今天的日结",
        ),
        (
            ("fees", "close", "--month", f"{today:%Y-%m}"),
            8,
            f"错误：{today:%Y-%m} 还没有结束（今天是 {today.isoformat()}），不能结账：只能结已经过去的月份",
        ),
        (("fees", "close"), 2, "错误：请写 --month 月份（结账）或 --list（查看已结账的月份），二者选一"),
    ):
        result = cashier(*args)
        assert (result.exit_code, result.stderr.strip()) == (code, message), args


def test_a_red_reversal_is_dated_and_printed_with_the_day_of_receipt_void_date(
    cashier: Any, workspace: Workspace
) -> None:
    assert (
        cashier("fees", "pay", "1-1-101", "--amount", "100", "--date", "2026-11-23", "--reason", "补录").exit_code == 0
    )
    assert (
        cashier("fees", "pay", "1-1-102", "--amount", "50", "--date", "2026-11-24", "--reason", "补录").exit_code == 0
    )
    for month in ("2026-10", "2026-11"):
        assert cashier("fees", "close", "--month", month).exit_code == 0
    # A reversal dated inside the closed month is refused, and nothing is written.
    refused = cashier("receipt", "void", "SJ2026-000002", "--reason", "金额开错", "--date", "2026-11-30")
    assert (refused.exit_code, refused.stdout) == (8, ""), refused.output
    assert "2026-11 已于" in refused.stderr
    day = dt.date.today().replace(day=1)  # an open month's day, not after today
    void = cashier("receipt", "void", "SJ2026-000001", "--reason", "金额开错", "--date", day.isoformat())
    assert void.exit_code == 0, void.output
    assert f"已开红冲收据 SJ2026-000003（{day.isoformat()}，-100.00 元" in void.stdout
    rows = {row["number"]: row for row in json.loads(cashier("receipt", "list", "--json").stdout)}
    assert (rows["SJ2026-000003"]["status"], rows["SJ2026-000003"]["date"]) == ("红冲", day.isoformat())
    assert rows["SJ2026-000002"]["status"] == "有效"
    paper = Document(str(workspace.root / re.search(r"records/generated/\S+\.docx", void.stdout).group(0)))  # type: ignore[union-attr]
    text = "\n".join(paragraph.text for paragraph in paper.paragraphs)
    assert text.count(f"收款日期：{day.year}年{day.month}月{day.day}日") == 3


def test_fees_close_keeps_the_months_report_figures(cashier: Any, workspace: Workspace) -> None:
    """Closed in order, each month keeps its report figures with its balances; they are the figures
    computed from the ledger."""
    paid = ("--date", "2026-10-20", "--reason", "补录")
    assert cashier("fees", "pay", "1-1-101", "--amount", "100", *paid).exit_code == 0
    for month in ("2026-10", "2026-11"):
        assert cashier("fees", "close", "--month", month).exit_code == 0
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        kept = kept_figures(conn, [Month(2026, 10), Month(2026, 11)])
        sums = load_fee_ledger(conn, [], trend=False)
        assert set(kept) == {Month(2026, 10), Month(2026, 11)}
        for month, figures in kept.items():
            computed = fee_figures(conn, month)
            assert figures.fee_figures(sums.names, phases=sums.phases) == computed and computed.total.billed > 0
        assert kept_trend(conn, Month(2026, 11))["2026-10"][1] == fee_figures(conn, Month(2026, 10)).total.collected


def _close_list(cashier: Any) -> dict[str, str]:
    return {
        row["month"]: row["closed_at"][:10] for row in json.loads(cashier("fees", "close", "--list", "--json").stdout)
    }


def test_a_printed_red_reversal_is_marked_and_names_the_original_and_the_reason(
    cashier: Any, workspace: Workspace
) -> None:
    paid = ("--date", "2026-10-20", "--reason", "补录")
    assert cashier("fees", "pay", "1-1-102", "--amount", "278.76", *paid).exit_code == 0
    assert cashier("fees", "close", "--month", "2026-10").exit_code == 0
    void = cashier("receipt", "void", "SJ2026-000001", "--reason", "金额开错")
    assert void.exit_code == 0, void.output
    path = re.search(r"records/generated/\S+\.docx", void.stdout).group(0)  # type: ignore[union-attr]
    assert path.endswith("/收据SJ2026-000002（红冲）_1-1-102.docx")
    paper = Document(str(workspace.root / path))
    text = "\n".join(paragraph.text for paragraph in paper.paragraphs)
    rows = [[cell.text for cell in row.cells] for table in paper.tables for row in table.rows]
    assert text.count("测试物业服务中心  收  据  【红冲】") == 3  # every copy
    assert text.count("编号：SJ2026-000002") == 3
    assert (
        text.count("收款方式：现金    收款人：测试员    （盖章处）    红冲原收据：SJ2026-000001    红冲原因：金额开错")
        == 3
    )
    assert "作废" not in text and "补打" not in text
    assert rows.count(["物业服务费", "2026年10月", "-278.76"]) == 3
    assert rows.count(["合计人民币（大写）：负贰佰柒拾捌元柒角陆分"] * 2 + ["¥-278.76"]) == 3
    # An office's own receipt template may use the same words: `templates check` knows them.
    checked = cashier("templates", "check", "收据")
    assert checked.exit_code == 0, checked.output
    used = next(line for line in checked.stdout.splitlines() if line.startswith("用到的变量："))
    assert {"红冲", "红冲原收据", "红冲原因"} <= set(used.removeprefix("用到的变量：").split("、"))


def test_a_reversed_receipt_says_so_on_the_account_its_statement_and_its_reprint(
    cashier: Any, workspace: Workspace
) -> None:
    """The original of a red reversal stays valid in its closed month, but the owner's statement and a
    reprint of it must not read as money still paid: both name the red reversal (from its day on)."""
    paid = ("--date", "2026-10-20", "--reason", "补录")
    assert cashier("fees", "pay", "1-1-102", "--amount", "278.76", *paid).exit_code == 0
    assert cashier("fees", "close", "--month", "2026-10").exit_code == 0
    assert cashier("receipt", "void", "SJ2026-000001", "--reason", "金额开错").exit_code == 0
    today = dt.date.today().isoformat()
    account = json.loads(cashier("fees", "account", "1-1-102", "--json").stdout)
    assert [(p["number"], p["status"], p["reverses"], p["reversed_by"]) for p in account["payments"]] == [
        ("SJ2026-000001", "有效（已红冲，见 SJ2026-000002）", None, "SJ2026-000002"),
        ("SJ2026-000002", "红冲 SJ2026-000001", "SJ2026-000001", None),
    ]
    # As of the day before the red reversal, the original was simply valid.
    before = json.loads(cashier("fees", "account", "1-1-102", "--as-of", "2026-10-31", "--json").stdout)
    assert [(p["number"], p["status"]) for p in before["payments"]] == [("SJ2026-000001", "有效")]
    statement = cashier("fees", "account", "1-1-102", "--out", str(workspace.root / "对账单.xlsx"))
    assert statement.exit_code == 0, statement.output
    sheet = load_workbook(workspace.root / "对账单.xlsx").active
    receipts = [row[:5] for row in sheet.iter_rows(values_only=True) if str(row[0]).startswith("SJ")]
    assert receipts == [
        ("SJ2026-000001", "2026-10-20", "现金", 278.76, "有效（已红冲，见 SJ2026-000002）"),
        ("SJ2026-000002", today, "现金", -278.76, "红冲 SJ2026-000001"),
    ]
    reprint = cashier("receipt", "reprint", "SJ2026-000001")
    assert reprint.exit_code == 0, reprint.output
    path = re.search(r"records/generated/\S+\.docx", reprint.stdout).group(0)  # type: ignore[union-attr]
    text = "\n".join(paragraph.text for paragraph in Document(str(workspace.root / path)).paragraphs)
    assert text.count("测试物业服务中心  收  据  【已红冲】  【补打】") == 3
    assert text.count("（盖章处）    已由红冲收据 SJ2026-000002 冲销") == 3


def test_a_void_dated_in_a_closed_month_is_refused(cashier: Any) -> None:
    # A void of an October receipt dated in closed November would change November's daily sheet (October
    # closed too: its receipt is undone by a red reversal, which cannot be dated in November either).
    paid = ("--date", "2026-10-20", "--reason", "补录")
    assert cashier("fees", "pay", "1-1-101", "--amount", "100", *paid).exit_code == 0
    for month in ("2026-10", "2026-11"):
        assert cashier("fees", "close", "--month", month).exit_code == 0
    refused = cashier("receipt", "void", "SJ2026-000001", "--reason", "金额开错", "--date", "2026-11-05")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        8,
        "",
        f"错误：2026-11 已于 {_close_list(cashier)['2026-11']} 由 测试员 结账，不能再开红冲收据："
        "结账月份的账目不再改动",
    )
    [row] = json.loads(cashier("receipt", "list", "--json").stdout)
    assert (row["number"], row["status"]) == ("SJ2026-000001", "有效")


def test_months_are_closed_in_order(cashier: Any) -> None:
    """``fees close --month 2026-11`` with October billed and open was taken (exit 0); money entered in October
    afterwards changed November's arrears.  It is refused, naming the month to close first."""
    refused = cashier("fees", "close", "--month", "2026-11")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        8,
        "",
        "错误：结账要按月份顺序：2026-10 还没有结账，请先运行 recordkit fees close --month 2026-10",
    )
    assert json.loads(cashier("fees", "close", "--list", "--json").stdout) == []
    # The months before October have no bills and no money: nothing to close there first.
    for month in ("2026-10", "2026-11"):
        assert cashier("fees", "close", "--month", month).exit_code == 0
    assert list(_close_list(cashier)) == ["2026-10", "2026-11"]


def test_a_month_outside_the_business_years_or_before_the_ledger_is_not_closed(cashier: Any) -> None:
    """``fees close --month 1926-11`` (a typo for 2026-11) was taken (exit 0) and cannot be undone; so was a
    month before the first bill.  Both are refused as a payment's day is, nothing closed."""
    for month, message in (
        ("1926-11", "结账月份 1926-11 不在 2000–2099 年之间：请检查年份"),
        ("1990-01", "结账月份 1990-01 不在 2000–2099 年之间：请检查年份"),
        ("2026-09", "结账月份 2026-09 早于台账里最早的账单和收款（2026-10），这个月没有账可结：请检查月份"),
    ):
        refused = cashier("fees", "close", "--month", month)
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (5, "", f"错误：{message}"), month
    assert json.loads(cashier("fees", "close", "--list", "--json").stdout) == []
    assert cashier("fees", "close", "--month", "2026-10").exit_code == 0


def test_a_month_before_a_closed_one_does_not_change(cashier: Any) -> None:
    """A ledger closed out of order by an older version (November closed, October open): a payment, a bill
    or a void dated in October would change November's arrears, so they are refused or reversed."""
    assert (
        cashier("fees", "pay", "1-1-101", "--amount", "100", "--date", "2026-10-20", "--reason", "补录").exit_code == 0
    )
    with an_older_version():
        assert cashier("fees", "close", "--month", "2026-11").exit_code == 0
    closed_on = _close_list(cashier)["2026-11"]
    arrears = cashier("fees", "arrears", "--as-of", "2026-11-30", "--json").stdout
    for args, what in (
        (
            ("fees", "pay", "1-1-102", "--amount", "100", "--date", "2026-10-15", "--reason", "补录"),
            "收日期在 2026-10 的款；那时到账、今天才录入的钱请按今天的日期收款（不写 --date），记入今天的日结",
        ),
        (("fees", "bill", "--month", "2026-10", "--rebill"), "出这个月的账或重算"),
        (("receipt", "void", "SJ2026-000001", "--reason", "金额开错", "--date", "2026-10-25"), "开红冲收据"),
    ):
        refused = cashier(*args)
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
            8,
            "",
            f"错误：2026-11 已于 {closed_on} 由 测试员 结账：日期在它之前的 2026-10 也不能再改动，不能再{what}",
        ), args
    assert cashier("fees", "arrears", "--as-of", "2026-11-30", "--json").stdout == arrears
    # Voided today, the October receipt is reversed by a red receipt dated today; the original stays.
    void = cashier("receipt", "void", "SJ2026-000001", "--reason", "金额开错")
    assert void.exit_code == 0, void.output
    assert "已开红冲收据 SJ2026-000002" in void.stdout
    assert cashier("fees", "arrears", "--as-of", "2026-11-30", "--json").stdout == arrears
    # Closing October now makes the ledger whole again: closing December is in order.
    assert cashier("fees", "close", "--month", "2026-10").exit_code == 0


def test_a_rate_cannot_change_from_a_closed_month(cashier: Any) -> None:
    for month in ("2026-10", "2026-11"):
        assert cashier("fees", "close", "--month", month).exit_code == 0
    history = cashier("fees", "rules", "list", "--history", "--json").stdout
    journal_size = len(json.loads(cashier("journal", "list", "--limit", "100000", "--json").stdout))
    for args, name, start in (
        (("物业服务费", "--rate", "2.6", "--from", "2026-10"), "物业服务费", "2026-10"),
        (("停车费", "--vacant-percent", "50", "--from", "2026-11"), "停车费", "2026-11"),
        # From an open month before them: the new rate would govern the closed months too.
        (("物业服务费", "--rate", "2.6", "--from", "2026-09"), "物业服务费", "2026-09"),
    ):
        refused = cashier("fees", "rules", "set", *args)
        first = "2026-11" if start == "2026-11" else "2026-10"
        closed_at = _close_list(cashier)[first]
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
            8,
            "",
            f"错误：{first} 已于 {closed_at} 由 测试员 结账，不能再从 {start} 起调整“{name}”的标准："
            "结账月份的账目不再改动；新标准请从没有结账的月份起执行，例如 --from 2026-12",
        ), args
    assert cashier("fees", "rules", "list", "--history", "--json").stdout == history
    assert len(json.loads(cashier("journal", "list", "--limit", "100000", "--json").stdout)) == journal_size
    changed = cashier("fees", "rules", "set", "物业服务费", "--rate", "2.6", "--from", "2026-12")
    assert changed.stdout.startswith("已调整 物业服务费：自 2026-12 起 2.60 元/㎡·月"), changed.output


def test_a_new_item_cannot_start_in_a_closed_month(cashier: Any) -> None:
    """``fees rules add 电梯费 --from 2026-10`` with October closed was taken (exit 0): the rule's
    history said October charged a fee its closed bills never had.  It is refused as ``rules set``
    refuses a rate from a closed month; from the first open month it is added."""
    assert cashier("fees", "close", "--month", "2026-10").exit_code == 0
    history = cashier("fees", "rules", "list", "--history", "--json").stdout
    closed_at = _close_list(cashier)["2026-10"]
    before = len(json.loads(cashier("journal", "list", "--limit", "100000", "--json").stdout))
    for start in ("2026-10", "2026-01"):
        refused = cashier("fees", "rules", "add", "电梯费", "--kind", "area", "--rate", "0.3", "--from", start)
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
            8,
            "",
            f"错误：2026-10 已于 {closed_at} 由 测试员 结账，不能再新增自 {start} 起收取的“电梯费”："
            "结账月份的账目不再改动；新标准请从没有结账的月份起执行，例如 --from 2026-11",
        )
    assert cashier("fees", "rules", "list", "--history", "--json").stdout == history
    assert len(json.loads(cashier("journal", "list", "--limit", "100000", "--json").stdout)) == before
    added = cashier("fees", "rules", "add", "电梯费", "--kind", "area", "--rate", "0.3", "--from", "2026-11")
    assert added.stdout.strip() == "已新增收费项目 电梯费：0.30 元/㎡·月，自 2026-11 起执行"


def test_a_closing_is_shown_on_the_offices_clock_on_a_machine_in_another_zone(
    cashier: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a machine whose clock is UTC, with the office in Asia/Shanghai, ``fees close --list`` said 07:36 but
    the refusals said 已于 2026-12-05 23:36, ``--json`` gave the machine's offset, and a duplicate payment
    刚收过 at 23:37.  Every moment is now the office's: 23:36 UTC on 5 December is 07:36 on the 6th."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        with time_machine.travel(dt.datetime(2026, 12, 5, 23, 36, tzinfo=dt.UTC), tick=False):
            assert cashier("fees", "close", "--month", "2026-10").exit_code == 0
            [row] = json.loads(cashier("fees", "close", "--list", "--json").stdout)
            assert row["closed_at"] == "2026-12-06T07:36:00+08:00"
            assert "2026-12-06 07:36" in cashier("fees", "close", "--list").stdout
            paid = cashier("fees", "pay", "1-1-101", "--amount", "100")
            assert paid.exit_code == 0, paid.output
            for args, message in (
                (("fees", "close", "--month", "2026-10"), "2026-10 已于 2026-12-06 07:36 由 测试员 结账，不能重复结账"),
                (
                    ("fees", "pay", "1-1-102", "--amount", "50", "--date", "2026-10-20", "--reason", "补录"),
                    "2026-10 已于 2026-12-06 由 测试员 结账，不能再收日期在 2026-10 的款：结账月份的账目不再改动"
                    "；那时到账、今天才录入的钱请按今天的日期收款（不写 --date），记入今天的日结",
                ),
                (
                    ("fees", "pay", "1-1-101", "--amount", "100"),
                    "房屋 1-1-101 在 07:36 刚收过一笔 100.00 元（收据 SJ2026-000001）：10 分钟内同一房屋同一金额，"
                    "可能是重复收款；确实要再收一笔请加 --again",
                ),
            ):
                refused = cashier(*args)
                assert (refused.exit_code, refused.stderr.strip()) == (8, f"错误：{message}"), args
    finally:
        monkeypatch.undo()
        time.tzset()


# -- a month nobody billed ---------------------------------------------------------------------------


def _closed_months_in(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [row[0] for row in conn.execute(sa.text("SELECT month FROM closed_months ORDER BY month"))]
    finally:
        engine.dispose()


def test_a_month_with_no_bills_between_billed_ones_is_not_closed_without_saying_so(
    cashier: Any, workspace: Workspace
) -> None:
    """August, October and November billed, September forgotten: ``fees close --month 2026-09`` closed it (exit 0)
    and nothing could ever be billed in it.  It is refused, and so is closing October over it, until September
    is billed or the clerk says the office billed nothing then."""
    assert cashier("fees", "bill", "--month", "2026-08").exit_code == 0
    assert cashier("fees", "close", "--month", "2026-08").exit_code == 0
    advice = (
        "没有账单（台账从 2026-08 起出账），可能是忘了出账；结账 {month} 后就再也不能补出这个月的账："
        "请先运行 recordkit fees bill --month 2026-09；如果管理处这个月确实没有出账，请加 --allow-unbilled 再结账"
    )
    for month in ("2026-09", "2026-10"):
        refused = cashier("fees", "close", "--month", month)
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
            8,
            "",
            "错误：2026-09 " + advice.format(month=month),
        ), month
    assert _closed_months_in(workspace.database_url) == ["2026-08"]

    assert cashier("fees", "bill", "--month", "2026-09").exit_code == 0
    for month in ("2026-09", "2026-10"):
        assert cashier("fees", "close", "--month", month).exit_code == 0
    assert _closed_months_in(workspace.database_url) == ["2026-08", "2026-09", "2026-10"]


def test_months_the_office_billed_nothing_in_are_closed_with_allow_unbilled(
    ledger: Ledger, tmp_path: Path, cashier: Any, workspace: Workspace
) -> None:
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-07", "2026-10")
    close_month(ledger, "2026-07", CASHIER, today=TODAY)
    with pytest.raises(ConflictError) as refused:
        close_month(ledger, "2026-10", CASHIER, today=TODAY)
    assert refused.value.message == (
        "2026-08、2026-09 没有账单（台账从 2026-07 起出账），可能是忘了出账；结账 2026-10 后就再也不能补出这些月份的账："
        "请先运行 recordkit fees bill --month 2026-08（每个月各运行一次）；"
        "如果管理处这些月份确实没有出账，请加 --allow-unbilled 再结账"
    )
    with ledger.read() as conn:
        assert [row[0] for row in conn.execute(sa.text("SELECT month FROM closed_months"))] == ["2026-07"]
    close_month(ledger, "2026-10", CASHIER, today=TODAY, allow_unbilled=True)
    with ledger.read() as conn:
        months = [row[0] for row in conn.execute(sa.text("SELECT month FROM closed_months ORDER BY month"))]
        entries = journal.recent(conn, limit=3)
    # August and September are closed with October (each its own row and journal entry), not left open.
    assert months == ["2026-07", "2026-08", "2026-09", "2026-10"]
    assert [
        (entry.action, entry.key, entry.after["unbilled"], entry.after.get("closed_with")) for entry in entries
    ] == [
        ("month.close", "2026-10", ["2026-08", "2026-09"], None),
        ("month.close", "2026-09", ["2026-09"], "2026-10"),
        ("month.close", "2026-08", ["2026-08"], "2026-10"),
    ]

    # At the command line: September forgotten in the CLI workspace (October and November billed).
    assert cashier("fees", "bill", "--month", "2026-08").exit_code == 0
    assert cashier("fees", "close", "--month", "2026-08").exit_code == 0
    closed = cashier("fees", "close", "--month", "2026-10", "--allow-unbilled")
    assert (closed.exit_code, closed.stdout) == (
        0,
        "已结账 2026-10（经办人 测试员）；2026-09 没有账单，一并结账："
        "日期在 2026-09 至 2026-10 的收款、出账、读数、作废不能再改动；作废这些月份的收据会开日期为当天的红冲收据\n",
    )
    assert _closed_months_in(workspace.database_url) == ["2026-08", "2026-09", "2026-10"]
    listed = json.loads(cashier("fees", "close", "--list", "--json").stdout)
    assert [(row["month"], row["closed_by"], row["billed"]) for row in listed] == [
        ("2026-08", "测试员", True),
        ("2026-09", "测试员", False),
        ("2026-10", "测试员", True),
    ]
    table = cashier("fees", "close", "--list").stdout
    rows = {line.split("│")[1].strip(): line for line in table.splitlines() if "│ 2026-" in line}
    assert sorted(rows) == ["2026-08", "2026-09", "2026-10"]
    assert [month for month, line in rows.items() if "无账单" in line] == ["2026-09"]


def test_months_closed_along_keep_every_later_closing_storing_its_balances(ledger: Ledger, tmp_path: Path) -> None:
    """September, November and December billed, October not: ``--allow-unbilled`` closed November alone, October
    had no row in closed_months, and no closing after it stored balances (the report summed the whole history
    again).  October is closed with November, as a closing of its own; December's closing stores balances."""
    later = dt.date(2027, 1, 10)
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-09", "2026-11", "2026-12")
    pay(ledger, RECEIPTS, CASHIER, PaymentRequest("1-1-101", M, "微信", paid_on=dt.date(2026, 9, 15)), later)
    close_month(ledger, "2026-09", CASHIER, today=later, keep=keep_month_figures)
    close_month(ledger, "2026-11", CASHIER, today=later, keep=keep_month_figures, allow_unbilled=True)
    close_month(ledger, "2026-12", CASHIER, today=later, keep=keep_month_figures)
    with ledger.read() as conn:
        closed = conn.execute(sa.text("SELECT month, balances_since FROM closed_months ORDER BY month")).all()
        owed = conn.execute(
            sa.text(
                "SELECT closed_month, bill_month, SUM(owed_fen) FROM closing_balances"
                " GROUP BY closed_month, bill_month ORDER BY closed_month, bill_month"
            )
        ).all()
        figures = conn.execute(
            sa.text("SELECT closed_month, billed_fen, collected_fen FROM closing_figures ORDER BY closed_month")
        ).all()
        workorders_kept = conn.execute(
            sa.text("SELECT month FROM closed_months WHERE workorder_figures_json IS NOT NULL ORDER BY month")
        ).all()
    assert [tuple(row) for row in closed] == [
        ("2026-09", "2026-09"),
        ("2026-10", "2026-09"),
        ("2026-11", "2026-09"),
        ("2026-12", "2026-09"),
    ]
    # A month's bills: 36,997 + 28,876 + 34,793 + 23,655 = 124,321 fen; 1-1-101 paid its 36,997 of September.
    assert [(closed_month, month, int(fen)) for closed_month, month, fen in owed] == [
        ("2026-09", "2026-09", 87324),
        ("2026-10", "2026-09", 87324),
        ("2026-11", "2026-09", 87324),
        ("2026-11", "2026-11", 124321),
        ("2026-12", "2026-09", 87324),
        ("2026-12", "2026-11", 124321),
        ("2026-12", "2026-12", 124321),
    ]
    assert [tuple(row) for row in figures] == [
        ("2026-09", 124321, 36997),
        ("2026-10", 0, 0),
        ("2026-11", 124321, 0),
        ("2026-12", 124321, 0),
    ]
    assert [row[0] for row in workorders_kept] == ["2026-09", "2026-10", "2026-11", "2026-12"]


def test_a_month_before_the_first_bill_is_no_gap(ledger: Ledger, tmp_path: Path) -> None:
    """A prepayment taken in September before the first bills (October): September closes without a word."""
    small_estate(ledger, tmp_path)
    pay(ledger, RECEIPTS, CASHIER, PaymentRequest("1-1-101", 100, paid_on=dt.date(2026, 9, 10)), TODAY)
    bill_months(ledger, "2026-10")
    for month in ("2026-09", "2026-10"):
        close_month(ledger, month, CASHIER, today=TODAY)
    with ledger.read() as conn:
        months = [row[0] for row in conn.execute(sa.text("SELECT month FROM closed_months ORDER BY month"))]
    assert months == ["2026-09", "2026-10"]


def test_an_empty_month_after_a_prepayment_and_before_the_first_bill_is_closed_with_the_next(
    ledger: Ledger, tmp_path: Path
) -> None:
    """A prepayment in July, the first bills in September: August, with nothing in it, is no forgotten bill (no
    --allow-unbilled asked), but closing September made it final and left it without a row, so September stored
    no balances.  It is closed with September."""
    small_estate(ledger, tmp_path)
    pay(ledger, RECEIPTS, CASHIER, PaymentRequest("1-1-101", 100, paid_on=dt.date(2026, 7, 10)), TODAY)
    bill_months(ledger, "2026-09")
    close_month(ledger, "2026-07", CASHIER, today=TODAY)
    closing = close_month(ledger, "2026-09", CASHIER, today=TODAY)
    assert (str(closing.closed.month), [str(month) for month in closing.along]) == ("2026-09", ["2026-08"])
    with ledger.read() as conn:
        closed = conn.execute(sa.text("SELECT month, balances_since FROM closed_months ORDER BY month")).all()
        [august] = [entry for entry in journal.recent(conn, limit=2) if entry.key == "2026-08"]
    assert [tuple(row) for row in closed] == [("2026-07", "2026-07"), ("2026-08", "2026-07"), ("2026-09", "2026-07")]
    assert (august.action, august.after) == (
        "month.close",
        {"closed": True, "balances": True, "unbilled": ["2026-08"], "closed_with": "2026-09"},
    )


def test_a_month_an_older_close_left_open_is_closed_with_the_next(ledger: Ledger, tmp_path: Path) -> None:
    """A ledger where --allow-unbilled closed November over an unbilled October without closing October (this
    version's predecessor): the next closing, December's, closes October too and stores its balances again."""
    later = dt.date(2027, 1, 10)
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-09", "2026-11", "2026-12")
    close_month(ledger, "2026-09", CASHIER, today=later)
    with an_older_version():
        close_month(ledger, "2026-11", CASHIER, today=later, allow_unbilled=True)
    close_month(ledger, "2026-12", CASHIER, today=later)
    with ledger.read() as conn:
        closed = conn.execute(sa.text("SELECT month, balances_since FROM closed_months ORDER BY month")).all()
        stored = conn.execute(
            sa.text("SELECT COUNT(*), SUM(owed_fen) FROM closing_balances WHERE closed_month = '2026-12'")
        ).one()
    assert [tuple(row) for row in closed] == [
        ("2026-09", "2026-09"),
        ("2026-10", "2026-09"),
        ("2026-11", None),
        ("2026-12", "2026-09"),
    ]
    # Nothing paid: every bill of September, November and December owed, 1,243.21 元 a month.
    assert int(stored[1]) == 3 * 124321 and stored[0] > 0
