"""The cashier at the command line: exact messages and exit codes, and the receipt .docx as printed."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from docx import Document
from docx.shared import Cm

from recordkit.billing.bills import LOWER_READING_HINT
from recordkit.core.dates import office_time
from recordkit.core.workspace import Workspace
from recordkit.ledger.db import Ledger
from tests.conftest import SAMPLE_ROWS, SUITE_CLOCK, last_journal_entry, write_sheet
from tests.fees_fixtures import bill_months, small_estate
from tests.one_moment import an_import_before_the_co_owners_are_read

DAY = "2026-11-23"
# A payment dated before today is a back-dated entry (补录): it needs its reason.
BACKDATED = ("--date", DAY, "--reason", "银行转账补录")
# A void on the receipt's own day (a later day's is a red reversal: that day's 日结 is done).
ON_ITS_DAY = ("--date", DAY)


#: 1-1-101's parking fee, 150 元 a month from January 2026.
PARKING_RULE = (
    "fees",
    "rules",
    "add",
    "停车费",
    "--kind",
    "fixed",
    "--rate",
    "150",
    "--from",
    "2026-01",
    "--unit",
    "1-1-101",
)


@pytest.fixture
def cashier(run_cli: Any, workspace: Workspace) -> Any:
    """A workspace with the sample units, two fee rules and October and November billed."""
    for args in (
        ("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))),
        (
            "fees",
            "rules",
            "add",
            "物业服务费",
            "--kind",
            "area",
            "--rate",
            "2.35",
            "--from",
            "2026-01",
            "--vacant-percent",
            "70",
        ),
        PARKING_RULE,
        ("fees", "bill", "--month", "2026-10"),
        ("fees", "bill", "--month", "2026-11"),
    ):
        result = run_cli(*args)
        assert result.exit_code == 0, result.output
    return run_cli


def _journal_size(run_cli: Any) -> int:
    return len(json.loads(run_cli("journal", "list", "--limit", "100000", "--json").stdout))


BAD_INPUT = [
    (
        ("fees", "pay", "9-9-909", "--amount", "100"),
        6,
        "错误：台账中没有房屋 9-9-909：请用 recordkit owners list 查看已有房号",
    ),
    (("fees", "pay", "1-1-101", "--amount", "0"), 5, "错误：金额不能为 0"),
    (("fees", "pay", "1-1-101", "--amount", "-5"), 5, "错误：金额不能为负数：-5"),
    (
        ("fees", "pay", "1-1-101", "--amount", "abc"),
        5,
        "错误：金额“abc”不是数字，应写成 1234.50 这样的数字（元，最多两位小数）",
    ),
    (("fees", "pay", "1-1-101", "--amount", "1.234"), 5, "错误：金额“1.234”超过两位小数：最小单位是分，例如 1234.56"),
    (
        ("fees", "pay", "1-1-101", "--amount", "10", "--months", "2026-13..2026-14"),
        5,
        "错误：月份“2026-13”无效：月份应为 1 至 12",
    ),
    # Two months typed with a comma or a dash were answered "write one month like 2026-11": the range's form is said.
    (
        ("fees", "pay", "1-1-101", "--amount", "10", "--months", "2026-10,2026-11"),
        5,
        "错误：月份“2026-10,2026-11”无法识别，应写成 2026-12 这样的年-月；几个月写成 2026-10..2026-12（从哪个月到哪个月）",
    ),
    (
        ("fees", "pay", "1-1-101", "--amount", "10", "--months", "2026.10-2026.11"),
        5,
        "错误：月份“2026.10-2026.11”无法识别，应写成 2026-12 这样的年-月；几个月写成 2026-10..2026-12（从哪个月到哪个月）",
    ),
    (
        ("fees", "pay", "1-1-101", "--amount", "10", "--method", "支票"),
        5,
        "错误：收款方式“支票”无效，应为 现金、微信、支付宝、银行转账、POS 之一",
    ),
    (("fees", "pay", "3-2-1202", "--amount", "10"), 2, "错误：房屋 3-2-1202 没有登记业主，请用 --payer 写明交款人"),
    (("fees", "bill", "--month", "2026-13"), 5, "错误：月份“2026-13”无效：月份应为 1 至 12"),
    (("fees", "register", "--month", "2026-13", "台账.xlsx"), 5, "错误：月份“2026-13”无效：月份应为 1 至 12"),
    (("fees", "arrears", "--as-of", "2026-02-30"), 5, "错误：欠费截至日期“2026-02-30”不存在：请检查年月日"),
    (
        ("receipt", "void", "SJ2026-999999", "--reason", "开错"),
        6,
        "错误：没有编号为 SJ2026-999999 的收据：请用 recordkit receipt list 查看已开的收据",
    ),
    (
        ("receipt", "reprint", "SJ2026-999999"),
        6,
        "错误：没有编号为 SJ2026-999999 的收据：请用 recordkit receipt list 查看已开的收据",
    ),
    # A number not found is named as the clerk typed it (trimmed), not reshaped to SJ2026-000099: that is no text
    # the clerk wrote, and read beside the typed one looks like another receipt.
    *(
        (
            (*command, typed, *extra),
            6,
            f"错误：没有编号为 {typed.strip()} 的收据：请用 recordkit receipt list 查看已开的收据",
        )
        for command, extra in ((("receipt", "void"), ("--reason", "开错")), (("receipt", "reprint"), ()))
        for typed in ("SJ2026-99", " sj2026-0099 ", "ＳＪ２０２６－９９")
    ),
    # A script's variable left unset: refused as a blank argument is, not as a receipt number written wrong.
    (("receipt", "void", "", "--reason", "开错"), 2, "错误：收据编号是空的：请写明收据编号，例如 SJ2026-000123"),
    (("receipt", "reprint", " "), 2, "错误：收据编号是空的：请写明收据编号，例如 SJ2026-000123"),
    (
        ("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.5", "--from", "2026-01"),
        8,
        "错误：收费项目“物业服务费”已存在。调整标准请用：recordkit fees rules set 物业服务费 --rate … --from …",
    ),
    (
        ("fees", "rules", "set", "物业服务费", "--rate", "2.123456", "--from", "2026-12"),
        5,
        "错误：收费标准“2.123456”超过四位小数",
    ),
    # A fee item's name is printed on every bill and receipt: ",," or a line break was taken as a name.
    (
        ("fees", "rules", "add", ",,", "--kind", "fixed", "--rate", "10", "--from", "2026-12"),
        5,
        "错误：收费项目名称“,,”没有汉字或字母：请写项目名称，例如 物业服务费",
    ),
    (
        ("fees", "rules", "add", "停车\n费", "--kind", "fixed", "--rate", "10", "--from", "2026-12"),
        5,
        "错误：收费项目名称里有换行、控制字符或不可见的格式字符：请只写项目名称",
    ),
    # Digits are 0-9 (after full-width folding): an Arabic-Indic ٣ is not read as 3.
    (
        ("fees", "pay", "1-1-101", "--amount", "٣"),
        5,
        "错误：金额“٣”不是数字，应写成 1234.50 这样的数字（元，最多两位小数）",
    ),
    # A rate is read as an amount is: a full-width comma typed for the point is not 235.
    (
        ("fees", "rules", "add", "电梯费", "--kind", "area", "--rate", "2，35", "--from", "2026-12"),
        5,
        "错误：收费标准“2，35”不是数字：逗号只能用来分隔千位（如 1,500），小数点请写“.”，例如 2.35",
    ),
    (
        ("fees", "rules", "set", "停车费", "--rate", "1,5,0", "--from", "2026-12"),
        5,
        "错误：收费标准“1,5,0”不是数字：逗号只能用来分隔千位（如 1,500），小数点请写“.”，例如 2.35",
    ),
    (
        ("fees", "rules", "add", "电梯费", "--kind", "fixed", "--rate", "1_50", "--from", "2026-12"),
        5,
        "错误：收费标准“1_50”不是数字，应写成 2.35 这样的金额（元，最多四位小数）",
    ),
    (
        ("fees", "rules", "add", "电梯费", "--kind", "fixed", "--rate", "1E2", "--from", "2026-12"),
        5,
        "错误：收费标准“1E2”不是数字，应写成 2.35 这样的金额（元，最多四位小数）",
    ),
    (
        ("fees", "rules", "add", "电梯费", "--kind", "area", "--rate", "٢.٣٥", "--from", "2026-12"),
        5,
        "错误：收费标准“٢.٣٥”不是数字，应写成 2.35 这样的金额（元，最多四位小数）",
    ),
    # A day typed without its year (11月23日) was "日期“11月23日”无法识别": neither which day option nor what was
    # missing; it is named as its other refusals name it (收款日期 2099-01-01 晚于今天), and the year asked for.
    *(
        (args, 5, f"错误：{what}“11月23日”没有写年份，不能确定是哪一年：应写成 2026-11-23 或 2026年11月23日")
        for args, what in (
            (
                ("fees", "pay", "1-1-101", "--amount", "100", "--date", "11月23日", "--reason", "银行转账补录"),
                "收款日期",
            ),
            (("receipt", "issue", "1-1-101", "--amount", "100", "--date", "11月23日"), "收款日期"),
            (("receipt", "void", "SJ2026-000001", "--reason", "金额开错", "--date", "11月23日"), "作废日期"),
            (("receipt", "list", "--date", "11月23日"), "收据日期"),
            (("fees", "arrears", "--as-of", "11月23日"), "欠费截至日期"),
            (("fees", "account", "1-1-101", "--as-of", "11月23日"), "对账单截至日期"),
            (("fees", "daily", "--date", "11月23日"), "日结日期"),
        )
    ),
]


@pytest.mark.parametrize(
    ("args", "code", "message"), BAD_INPUT, ids=[" ".join(a[:3]) + f" → {c}" for a, c, _ in BAD_INPUT]
)
def test_bad_input_is_refused_and_changes_nothing(cashier: Any, args: tuple[str, ...], code: int, message: str) -> None:
    before = _journal_size(cashier)
    result = cashier(*args)
    assert (result.exit_code, result.stderr.strip()) == (code, message)
    assert result.stdout == ""
    assert _journal_size(cashier) == before
    assert json.loads(cashier("receipt", "list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        (",,", "错误：作废原因不能只有标点：请在 --reason 后用文字写明作废原因"),
        ("。", "错误：作废原因不能只有标点：请在 --reason 后用文字写明作废原因"),
        ("—", "错误：作废原因不能只有标点：请在 --reason 后用文字写明作废原因"),
        ("   ", "错误：作废原因不能为空：请用 --reason 写明原因，例如 --reason 金额开错"),
        (
            "写错\n重开",
            "错误：作废原因不能换行，也不能有控制字符或不可见的格式字符：请在 --reason 后用一行文字写明作废原因",
        ),
    ],
)
def test_a_void_reason_that_says_nothing_or_breaks_the_line_is_refused(cashier: Any, reason: str, message: str) -> None:
    # The reason is shown on one line in the receipt list and the journal, and answers for the money undone.
    assert cashier("fees", "pay", "1-1-101", "--amount", "100", *BACKDATED).exit_code == 0
    before = _journal_size(cashier)
    refused = cashier("receipt", "void", "SJ2026-000001", "--reason", reason)
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (5, "", message)
    assert _journal_size(cashier) == before
    [receipt] = json.loads(cashier("receipt", "list", "--json").stdout)
    assert (receipt["number"], receipt["status"], receipt["void_reason"]) == ("SJ2026-000001", "有效", None)


def test_a_back_dated_payment_s_reason_of_punctuation_alone_is_refused(cashier: Any) -> None:
    before = _journal_size(cashier)
    refused = cashier("fees", "pay", "1-1-101", "--amount", "100", "--date", DAY, "--reason", ",,")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        5,
        "",
        "错误：补录原因不能只有标点：请在 --reason 后用文字写明补录原因",
    )
    assert _journal_size(cashier) == before
    assert json.loads(cashier("receipt", "list", "--json").stdout) == []


def test_voiding_twice_is_refused(cashier: Any) -> None:
    assert cashier("fees", "pay", "1-1-101", "--amount", "100", *BACKDATED).exit_code == 0
    first = cashier("receipt", "void", "SJ2026-000001", "--reason", "金额开错", *ON_ITS_DAY)
    assert first.exit_code == 0
    assert first.stdout.startswith(
        "收据 SJ2026-000001 已作废（原因：金额开错）；收款 100.00 元已冲销，房屋 1-1-101 现欠 719.94 元"
    )
    second = cashier("receipt", "void", "SJ2026-000001", "--reason", "再来一次")
    assert second.exit_code == 8
    assert re.fullmatch(
        r"错误：收据 SJ2026-000001 已于 \d{4}-\d\d-\d\d 由 测试员 作废（原因：金额开错），不能重复作废",
        second.stderr.strip(),
    )


def test_money_paid_ahead_says_where_it_starts_not_months_it_overpays(cashier: Any, workspace: Workspace) -> None:
    """2,000.00 for 2026-12..2027-03 from 1-1-102 (278.76 a month): December is billed now, January to March cost
    836.28; the rest pays later months.  The receipt said 预收款 2027年1月至2027年3月：1,721.24 元."""
    assert cashier("fees", "bill", "--month", "2026-12").exit_code == 0
    paid = cashier("fees", "pay", "1-1-102", "--months", "2026-12..2027-03", "--amount", "2000", "--prepay")
    assert paid.exit_code == 0, paid.output
    assert "  物业服务费 2026年12月：278.76 元" in paid.stdout.splitlines()
    assert "  预收款（2027年1月起）：1,721.24 元" in paid.stdout.splitlines()
    assert "2027年3月" not in paid.stdout
    rows = _docx_text(_receipt_file(workspace, paid.stdout))[1]
    assert rows.count(["预收款", "2027年1月起", "1,721.24"]) == 3


def test_a_void_of_an_earlier_day_s_receipt_is_a_red_reversal_counted_in_today_s_daily_report(
    cashier: Any, workspace: Workspace
) -> None:
    """88.00 taken in cash on 4 December, in that day's 日结 and handed in; voided on the 5th (today).  Voided, it
    left the 4th's 日结 and was paid back in no day's; now the receipt stays in its day and a red reversal takes
    the money back in today's 日结 (跨日的收据不能作废，只能红冲)."""
    paid = cashier("fees", "pay", "1-1-101", "--amount", "88", "--date", "2026-12-04", "--reason", "补录")
    assert paid.exit_code == 0, paid.output
    before = cashier("fees", "daily", "--date", "2026-12-04", str(workspace.root / "日结-前.xlsx")).stdout

    undone = cashier("receipt", "void", "SJ2026-000001", "--reason", "金额开错")

    assert undone.exit_code == 0, undone.output
    assert undone.stdout.splitlines()[0] == (
        "收据 SJ2026-000001 是 2026-12-04 开的，那天的日结已经做过，不能直接作废："
        "已开红冲收据 SJ2026-000002（-88.00 元，计入 2026-12-05 的日结，原因：金额开错），房屋 1-1-101 现欠 719.94 元"
    )
    paper = "\n".join(_docx_text(_receipt_file(workspace, undone.stdout))[0])
    assert paper.count("【红冲】") == 3 and paper.count("编号：SJ2026-000002") == 3
    listed = {row["number"]: row for row in json.loads(cashier("receipt", "list", "--json").stdout)}
    assert (listed["SJ2026-000001"]["status"], listed["SJ2026-000001"]["reversed_by"]) == ("有效", "SJ2026-000002")
    assert (listed["SJ2026-000002"]["date"], listed["SJ2026-000002"]["total_fen"]) == ("2026-12-05", -8800)
    after = cashier("fees", "daily", "--date", "2026-12-04", str(workspace.root / "日结-后.xlsx")).stdout
    assert after.replace("日结-后", "日结-前") == before and "收款合计 88.00 元" in after
    today = cashier("fees", "daily", "--date", "2026-12-05", str(workspace.root / "日结-今天.xlsx")).stdout
    assert "收款合计 -88.00 元" in today and "红冲 1 张" in today
    assert re.search(r"│ 现金\s+│ 1\s+│ -88.00\s+│", today), today
    [owing] = [row for row in json.loads(cashier("fees", "arrears", "--json").stdout) if row["unit"] == "1-1-101"]
    assert owing["arrears_fen"] == 71994


def test_a_bad_readings_sheet_names_the_row_and_column(cashier: Any, workspace: Workspace) -> None:
    assert (
        cashier("fees", "rules", "add", "水费", "--kind", "metered", "--rate", "3.5", "--from", "2026-01").exit_code
        == 0
    )
    sheet = write_sheet(
        workspace.root / "水表.xlsx",
        [["1-1-101", 120, 135.5], ["3-2-1201", 100, 95]],
        headers=("房号", "上期读数", "本期读数"),
    )
    result = cashier("fees", "readings", str(sheet), "--month", "2026-11", "--item", "水费")
    assert result.exit_code == 5
    assert result.stderr.splitlines() == [
        "错误：水表.xlsx 有 1 处错误，没有导入任何读数",
        f"  第 3 行 C 列（本期读数）：本期读数 95.00 小于上期读数 100.00：{LOWER_READING_HINT}",
    ]
    bill = cashier("fees", "bill", "--month", "2026-11")
    assert "水费：4 户没有 2026-11 的读数，未出账" in bill.stdout


def test_a_readings_sheets_footer_ends_its_readings_and_is_named(cashier: Any, workspace: Workspace) -> None:
    # A real export's footer (制表人：李文    审核：王经理, 备注：…) was read as a unit and refused, nothing imported
    assert (
        cashier("fees", "rules", "add", "水费", "--kind", "metered", "--rate", "3.5", "--from", "2026-01").exit_code
        == 0
    )
    readings = [["1-1-101", 120, 135.5], ["3-2-1201", 100, 110]]
    footer = [["制表人：李文    审核：王经理", None, None], ["备注：本月抄表员 张强", None, None]]
    sheet = write_sheet(workspace.root / "水表.xlsx", [*readings, *footer], headers=("房号", "上期读数", "本期读数"))
    result = cashier("fees", "readings", str(sheet), "--month", "2026-11", "--item", "水费")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "读数导入完成：共 2 行；新增 2 条，更新 0 条，未变 0 条",
        "提醒：第 4、5 行是表尾（制表人、审核、备注、说明等），不是读数，没有导入",
    ]
    between = write_sheet(
        workspace.root / "电表.xlsx", [readings[0], footer[0], readings[1]], headers=("房号", "上期读数", "本期读数")
    )
    refused = cashier("fees", "readings", str(between), "--month", "2026-11", "--item", "水费")
    assert (refused.exit_code, refused.stdout) == (5, "")
    assert refused.stderr.splitlines() == [
        "错误：电表.xlsx 有 1 处错误，没有导入任何读数",
        "  第 3 行 A 列（房号）：“制表人：李文    审核：王经理”是表尾的说明行，但它下面还有读数行（第 4 行）："
        "请删去这一行，或把它移到最后一行读数的下面",
    ]


def test_a_readings_sheets_totals_row_is_named_as_the_roster_names_its_own(cashier: Any, workspace: Workspace) -> None:
    # A 合计 row was told only as a count in the summary's brackets (合计/小计行 1 行不是读数，未导入), where the
    # roster and workorder imports name it by row in a 提醒 line
    assert (
        cashier("fees", "rules", "add", "水费", "--kind", "metered", "--rate", "3.5", "--from", "2026-01").exit_code
        == 0
    )
    rows = [["1-1-101", 120, 135.5], ["3-2-1201", 100, 110], ["合计", 220, 245.5]]
    sheet = write_sheet(workspace.root / "水表.xlsx", rows, headers=("房号", "上期读数", "本期读数"))
    result = cashier("fees", "readings", str(sheet), "--month", "2026-11", "--item", "水费")
    assert (result.exit_code, result.stdout.splitlines()) == (
        0,
        [
            "读数导入完成：共 2 行；新增 2 条，更新 0 条，未变 0 条",
            "提醒：第 4 行是合计/小计行，不是读数，没有导入",
        ],
    )


def test_a_readings_sheet_without_an_item_column_nor_item_is_one_error(cashier: Any, workspace: Workspace) -> None:
    """No 项目 column and no ``--item``: the sheet lacks one thing, said once. It was said for every
    row (a building's sheet: hundreds of the same line, the first 200 printed)."""
    rule = ("fees", "rules", "add", "水费", "--kind", "metered", "--rate", "3.5", "--from", "2026-01")
    assert cashier(*rule).exit_code == 0
    rows = [["1-1-101", 120, 135.5], ["1-1-102", 80, 91], ["3-2-1201", 100, 112], ["3-2-1202", 50, 50]]
    sheet = write_sheet(workspace.root / "水表.xlsx", rows, headers=("房号", "上期读数", "本期读数"))
    before = _journal_size(cashier)
    result = cashier("fees", "readings", str(sheet), "--month", "2026-11")
    assert result.exit_code == 5
    assert result.stderr.splitlines() == [
        "错误：水表.xlsx 没有“项目”列，读数属于哪个收费项目没有写明：请用 --item 指定，例如 --item 水费；"
        "或在表中加一列“项目”"
    ]
    assert _journal_size(cashier) == before
    imported = cashier("fees", "readings", str(sheet), "--month", "2026-11", "--item", "水费")
    assert imported.stdout.splitlines()[0] == "读数导入完成：共 4 行；新增 4 条，更新 0 条，未变 0 条"


def test_billing_twice_and_rebill_messages(cashier: Any) -> None:
    again = cashier("fees", "bill", "--month", "2026-11")
    assert again.stdout.splitlines() == ["2026-11 没有需要新建的账单（已有 5 张）"]
    assert cashier("fees", "rules", "set", "物业服务费", "--rate", "2.00", "--from", "2026-11").exit_code == 0
    differing = cashier("fees", "bill", "--month", "2026-11")
    assert differing.stdout.splitlines()[-1] == (
        "注意：有 4 张账单与现行收费标准不符，未改动；如需按新标准重算，"
        "请运行 recordkit fees bill --month 2026-11 --rebill"
    )
    rebill = cashier("fees", "bill", "--month", "2026-11", "--rebill")
    assert "按现行标准重算 4 张，删除 0 张（已记入操作日志）" in rebill.stdout
    listing = cashier("journal", "list", "--json")
    assert [row["action_label"] for row in json.loads(listing.stdout)][:5].count("按新标准重算账单") == 4


def test_pay_prints_lines_balance_and_the_receipt_file(cashier: Any, workspace: Workspace) -> None:
    result = cashier("fees", "pay", "3-2-1201", "--amount", "1000", "--method", "微信", *BACKDATED)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "已收款 1,000.00 元（微信），交款人 李秀英，房号 3-2-1201；收据编号 SJ2026-000001",
        "  物业服务费 2026年10月至2026年11月：675.86 元",
        "  预收款：324.14 元",
        "补录：收款日期 2026-11-23，原因：银行转账补录（已记入操作日志）",
        "房屋 3-2-1201 尚欠 0.00 元，预收余额 324.14 元",
        "收据文件：records/generated/" + _generated_month() + "/收据SJ2026-000001_3-2-1201.docx",
    ]
    listed = json.loads(cashier("receipt", "list", "--json", "--date", DAY).stdout)
    assert {k: listed[0][k] for k in ("number", "date", "unit", "payer", "total_fen", "status")} == {
        "number": "SJ2026-000001",
        "date": DAY,
        "unit": "3-2-1201",
        "payer": "李秀英",
        "total_fen": 100000,
        "status": "有效",
    }
    assert cashier("receipt", "issue", "1-1-101", "--amount", "50", *BACKDATED).stdout.startswith(
        "已收款 50.00 元（现金），交款人 张伟，房号 1-1-101；收据编号 SJ2026-000002"
    )


def test_a_fee_item_added_twice_suggests_its_set_command_as_a_shell_takes_it(cashier: Any) -> None:
    """A fee item whose name holds a blank, added again, suggested ``recordkit fees rules set 车位 管理费 …``, which a
    shell reads as two words; the name is quoted as every suggested command writes a typed value."""
    add = ("fees", "rules", "add", "车位 管理费", "--kind", "fixed", "--rate", "100", "--from", "2026-01")
    assert cashier(*add).exit_code == 0
    again = cashier(*add)
    assert (again.exit_code, again.stdout, again.stderr.strip()) == (
        8,
        "",
        "错误：收费项目“车位 管理费”已存在。调整标准请用：recordkit fees rules set '车位 管理费' --rate … --from …",
    )


@pytest.mark.parametrize("typed", ["Zhang  San", " Zhang San ", "Zhang\u3000San", "\u3000Zhang \u3000 San\u3000"])
def test_a_payer_s_blanks_are_kept_as_one_between_words(cashier: Any, workspace: Workspace, typed: str) -> None:
    result = cashier("fees", "pay", "1-1-101", "--amount", "50", "--payer", typed, *BACKDATED)
    assert result.stdout.startswith("已收款 50.00 元（现金），交款人 Zhang San，房号 1-1-101；"), result.output
    paragraphs, _ = _docx_text(_receipt_file(workspace, result.stdout))
    assert "\n".join(paragraphs).count("交款人：Zhang San    房屋：1栋1单元101室") == 3
    assert [row["payer"] for row in json.loads(cashier("receipt", "list", "--json").stdout)] == ["Zhang San"]
    cashier("fees", "daily", "--date", DAY, str(workspace.root / "日结.xlsx"))
    detail = openpyxl.load_workbook(workspace.root / "日结.xlsx")["收据明细"]
    assert [row[2] for row in detail.iter_rows(min_row=2, max_row=2, values_only=True)] == ["Zhang San"]


@pytest.mark.parametrize("typed", ["罗\u3000红", "罗 红", " 罗  红 ", "罗\u3000\u3000红"])
def test_a_two_character_name_padded_with_blanks_is_printed_as_one_name(
    cashier: Any, workspace: Workspace, typed: str
) -> None:
    # --payer "罗　红" (a form's padding of a two-character name) printed 罗 红: it is one person, 罗红
    result = cashier("fees", "pay", "1-1-101", "--amount", "50", "--payer", typed, *BACKDATED)
    assert result.stdout.startswith("已收款 50.00 元（现金），交款人 罗红，房号 1-1-101；"), result.output
    paragraphs, _ = _docx_text(_receipt_file(workspace, result.stdout))
    assert "\n".join(paragraphs).count("交款人：罗红    房屋：1栋1单元101室") == 3
    assert [row["payer"] for row in json.loads(cashier("receipt", "list", "--json").stdout)] == ["罗红"]


@pytest.mark.parametrize("typed", ["张三 李四", "张三\u3000李四", "欧阳 娜娜", "张 三丰"])
def test_two_chinese_names_with_a_blank_between_are_refused_as_an_owner_s_are(cashier: Any, typed: str) -> None:
    # --payer "张三 李四" printed a receipt to 张三 李四; an owner or a contact so written is refused: the payer too
    before = _journal_size(cashier)
    result = cashier("fees", "pay", "1-1-101", "--amount", "50", "--payer", typed, *BACKDATED)
    assert (result.exit_code, result.stdout) == (5, "")
    assert result.stderr.strip() == (
        "错误：交款人：姓名中间有空格，像是两个人的姓名：收据只写一位交款人，一个人的姓名请去掉空格"
    )
    assert _journal_size(cashier) == before
    assert json.loads(cashier("receipt", "list", "--json").stdout) == []


@pytest.mark.parametrize("typed", ["老王 五金店", "美宜佳 便利店"])
def test_a_shop_s_business_with_a_blank_is_one_payer(cashier: Any, workspace: Workspace, typed: str) -> None:
    # --payer "老王 五金店" (a shop's business, a blank after its 字号) was refused as two people's names
    result = cashier("fees", "pay", "1-1-101", "--amount", "50", "--payer", typed, *BACKDATED)
    assert result.stdout.startswith(f"已收款 50.00 元（现金），交款人 {typed}，房号 1-1-101；"), result.output
    assert [row["payer"] for row in json.loads(cashier("receipt", "list", "--json").stdout)] == [typed]


def test_a_receipt_the_office_template_cannot_print_takes_no_money(cashier: Any, workspace: Workspace) -> None:
    from tests.test_templates import make_docx

    make_docx(workspace.templates_dir / "收据.docx", "收据 {{ 收据编号 }} {{ 经手人签名 }}")
    before = _journal_size(cashier)
    result = cashier("fees", "pay", "1-1-101", "--amount", "100", *BACKDATED)
    assert result.exit_code == 5
    assert result.stderr.startswith("错误：模板“收据”用到了没有提供的变量：经手人签名")
    assert result.stdout == ""
    assert _journal_size(cashier) == before
    assert json.loads(cashier("receipt", "list", "--json").stdout) == []
    assert not list((workspace.root / "records" / "generated").rglob("*.docx"))


def _generated_month() -> str:
    return dt.datetime.now().strftime("%Y/%m")


# -- the receipt .docx ------------------------------------------------------------------------------


def _docx_text(path: Path) -> tuple[list[str], list[list[str]]]:
    document = Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    return paragraphs, rows


def _receipt_file(workspace: Workspace, output: str) -> Path:
    match = re.search(r"records/generated/\S+\.docx", output)
    assert match, output
    return workspace.root / match.group(0)


def test_the_receipt_docx_says_everything_three_times(cashier: Any, workspace: Workspace) -> None:
    result = cashier("fees", "pay", "1-1-101", "--amount", "1234.50", "--method", "支付宝", *BACKDATED)
    paragraphs, rows = _docx_text(_receipt_file(workspace, result.stdout))
    text = "\n".join(paragraphs)
    assert text.count("测试物业服务中心  收  据") == 3
    assert text.count("编号：SJ2026-000001    收款日期：2026年11月23日") == 3
    assert [label in text for label in ("第一联\u3000存根联", "第二联\u3000收据联", "第三联\u3000记账联")] == [True] * 3
    assert text.count("交款人：张伟    房屋：1栋1单元101室    小区：测试小区") == 3
    assert text.count("收款方式：支付宝    收款人：测试员    （盖章处）") == 3
    assert "作废" not in text and "补打" not in text
    assert rows.count(["物业服务费", "2026年10月至2026年11月", "419.94"]) == 3
    assert rows.count(["停车费", "2026年10月至2026年11月", "300.00"]) == 3
    assert rows.count(["预收款", "", "514.56"]) == 3
    total = ["合计人民币（大写）：壹仟贰佰叁拾肆元伍角整"] * 2 + ["¥1,234.50"]
    assert rows.count(total) == 3


def test_void_and_reprint_are_marked_on_the_paper(cashier: Any, workspace: Workspace) -> None:
    cashier("fees", "pay", "1-1-101", "--amount", "10.05", *BACKDATED)
    voided = cashier("receipt", "void", "SJ2026-000001", "--reason", "重复收款", *ON_ITS_DAY)
    paragraphs, rows = _docx_text(_receipt_file(workspace, voided.stdout))
    text = "\n".join(paragraphs)
    assert text.count("【作废】") == 3 and text.count("作废原因：重复收款") == 3 and "补打" not in text
    assert rows.count(["合计人民币（大写）：壹拾元零伍分"] * 2 + ["¥10.05"]) == 3
    reprinted = cashier("receipt", "reprint", "SJ2026-000001")
    assert reprinted.stdout.startswith("已补打收据 SJ2026-000001（第 1 次补打）：")
    text = "\n".join(_docx_text(_receipt_file(workspace, reprinted.stdout))[0])
    assert text.count("【补打】") == 3 and text.count("【作废】") == 3
    labels = [row["action_label"] for row in json.loads(cashier("journal", "list", "--json").stdout)]
    assert labels[:4] == ["生成文书", "补打收据", "生成文书", "作废收据"]


def _receipt_template_with_a_misspelt_variable(cashier: Any, workspace: Workspace) -> Path:
    """The office's own copy of 收据 with ``{{ 收款员 }}``, a variable no receipt provides."""
    assert cashier("templates", "copy", "收据").exit_code == 0
    own = workspace.templates_dir / "收据.docx"
    edited = Document(str(own))
    edited.add_paragraph("经手：{{ 收款员 }}")
    edited.save(str(own))
    return own


def test_a_reprint_the_offices_receipt_template_cannot_print_is_not_counted(cashier: Any, workspace: Workspace) -> None:
    # The office's own 收据 with a misspelt {{ 收款员 }}: the reprint was counted and journalled (补打收据)
    # though no paper was made, and the next one said 第 2 次补打.
    cashier("fees", "pay", "1-1-101", "--amount", "10.05", *BACKDATED)
    own = _receipt_template_with_a_misspelt_variable(cashier, workspace)
    before = _journal_size(cashier)
    refused = cashier("receipt", "reprint", "SJ2026-000001")
    assert refused.exit_code == 5, refused.output
    assert refused.stderr.strip() == (
        "错误：模板“收据”用到了没有提供的变量：收款员。请检查变量名是否写错（recordkit templates check 可列出可用变量）"
    )
    assert _journal_size(cashier) == before
    assert not list(workspace.records_subdir("generated").rglob("*补打*"))
    own.unlink()
    reprinted = cashier("receipt", "reprint", "SJ2026-000001")
    assert reprinted.stdout.startswith("已补打收据 SJ2026-000001（第 1 次补打）："), reprinted.output
    assert "\n".join(_docx_text(_receipt_file(workspace, reprinted.stdout))[0]).count("【补打】") == 3


@pytest.mark.parametrize("closed", [False, True])
def test_a_void_the_offices_receipt_template_cannot_print_is_not_made(
    cashier: Any, workspace: Workspace, closed: bool
) -> None:
    # The office's own 收据 with a misspelt {{ 收款员 }}: the receipt was voided (or a red reversal numbered and
    # journalled) and then the command failed, so the clerk took it for not done; trying again was
    # "已作废，不能重复作废".
    cashier("fees", "pay", "1-1-101", "--amount", "100", "--date", "2026-11-23", "--reason", "补录")
    if closed:
        for month in ("2026-10", "2026-11"):
            assert cashier("fees", "close", "--month", month).exit_code == 0
    own = _receipt_template_with_a_misspelt_variable(cashier, workspace)
    before = _journal_size(cashier)
    on_its_day = () if closed else ON_ITS_DAY
    refused = cashier("receipt", "void", "SJ2026-000001", "--reason", "金额开错", *on_its_day)
    assert refused.exit_code == 5, refused.output
    assert refused.stderr.strip() == (
        "错误：模板“收据”用到了没有提供的变量：收款员。请检查变量名是否写错（recordkit templates check 可列出可用变量）"
    )
    assert _journal_size(cashier) == before
    listed = json.loads(cashier("receipt", "list", "--json").stdout)
    assert [(row["number"], row["status"]) for row in listed] == [("SJ2026-000001", "有效")]
    own.unlink()
    done = cashier("receipt", "void", "SJ2026-000001", "--reason", "金额开错", *on_its_day)
    assert done.exit_code == 0, done.output
    paper = "\n".join(_docx_text(_receipt_file(workspace, done.stdout))[0])
    assert paper.count("【红冲】" if closed else "【作废】") == 3
    assert paper.count("编号：SJ2026-000002" if closed else "编号：SJ2026-000001") == 3


def test_a_void_takes_the_day_it_was_decided_and_a_reprint_prints_the_receipt_day(
    cashier: Any, workspace: Workspace
) -> None:
    cashier("fees", "pay", "1-1-101", "--amount", "10.05", *BACKDATED)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    for day, message in (
        (
            tomorrow,
            f"错误：作废日期 {tomorrow.isoformat()} 晚于今天（{dt.date.today().isoformat()}）：不能作废在未来的日期",
        ),
        (dt.date(2026, 11, 22), "错误：作废日期 2026-11-22 早于收据 SJ2026-000001 的收款日期 2026-11-23"),
    ):
        refused = cashier("receipt", "void", "SJ2026-000001", "--reason", "重复收款", "--date", day.isoformat())
        assert (refused.exit_code, refused.stderr.strip()) == (5, message)
    assert json.loads(cashier("receipt", "list", "--json").stdout)[0]["status"] == "有效"  # nothing written

    # Decided on 25 November, entered today: the red reversal is that day's (23 November's 日结 was done).
    voided = cashier("receipt", "void", "SJ2026-000001", "--reason", "重复收款", "--date", "2026-11-25")
    assert voided.exit_code == 0, voided.output
    row, reversal = json.loads(cashier("receipt", "list", "--json").stdout)
    assert (row["status"], row["reversed_by"], row["date"]) == ("有效", "SJ2026-000002", "2026-11-23")
    assert (reversal["date"], reversal["total_fen"], reversal["reverses"]) == ("2026-11-25", -1005, "SJ2026-000001")
    # A reprint on a later day prints the receipt's own day, never the day it was reprinted.
    reprinted = cashier("receipt", "reprint", "SJ2026-000001")
    text = "\n".join(_docx_text(_receipt_file(workspace, reprinted.stdout))[0])
    today = dt.date.today()
    assert text.count("收款日期：2026年11月23日") == 3
    assert f"{today.year}年{today.month}月{today.day}日" not in text


def test_the_241_mm_layout(cashier: Any, workspace: Workspace) -> None:
    result = cashier("fees", "pay", "1-1-101", "--amount", "10", *BACKDATED, env={"RECORDKIT_RECEIPT_LAYOUT": "241"})
    section = Document(str(_receipt_file(workspace, result.stdout))).sections[0]
    assert abs(section.page_width - Cm(24.1)) < Cm(0.01)
    a4 = cashier("fees", "pay", "1-1-101", "--amount", "20", *BACKDATED)
    assert abs(Document(str(_receipt_file(workspace, a4.stdout))).sections[0].page_width - Cm(21)) < Cm(0.01)


def test_the_office_pattern_numbers_receipts(cashier: Any) -> None:
    env = {"RECORDKIT_RECEIPT_PREFIX": "XF", "RECORDKIT_RECEIPT_NUMBER_PATTERN": "{prefix}{year}{seq:05d}"}
    result = cashier("fees", "pay", "1-1-101", "--amount", "10", *BACKDATED, env=env)
    assert "收据编号 XF202600001" in result.stdout


def test_a_receipt_number_said_aloud_finds_the_receipt(cashier: Any) -> None:
    for amount in ("10", "20", "30", "40", "50", "60"):
        assert cashier("fees", "pay", "1-1-101", "--amount", amount, *BACKDATED, "--again").exit_code == 0
    first = cashier("receipt", "reprint", "SJ2026-6")
    assert first.stdout.startswith("已补打收据 SJ2026-000006（第 1 次补打）："), first.output
    for typed, times in (("sj2026-6", 2), ("ＳＪ２０２６－６", 3), ("SJ2026—0006", 4)):
        assert cashier("receipt", "reprint", typed).stdout.startswith(
            f"已补打收据 SJ2026-000006（第 {times} 次补打）："
        )
    voided = cashier("receipt", "void", "sj2026-5", "--reason", "金额开错", *ON_ITS_DAY)
    assert voided.stdout.startswith("收据 SJ2026-000005 已作废（原因：金额开错）；收款 50.00 元已冲销"), voided.output
    statuses = {row["number"]: row["status"] for row in json.loads(cashier("receipt", "list", "--json").stdout)}
    assert (statuses["SJ2026-000005"], statuses["SJ2026-000006"]) == ("作废", "有效")

    missing = cashier("receipt", "void", "SJ2026-99", "--reason", "金额开错")
    assert (missing.exit_code, missing.stderr.strip()) == (
        6,
        "错误：没有编号为 SJ2026-99 的收据：请用 recordkit receipt list 查看已开的收据",
    )
    for typed in ("SJ6", "XF2026-6", "2026-6", "SJ2026-6A"):
        refused = cashier("receipt", "reprint", typed)
        assert (refused.exit_code, refused.stderr.strip()) == (
            5,
            f"错误：收据编号“{typed}”无效：应写成 SJ{TODAY.year}-000123 这样的编号（序号前面的 0 可以不写）",
        )


def test_a_receipt_number_without_a_year_said_aloud(cashier: Any) -> None:
    env = {"RECORDKIT_RECEIPT_PREFIX": "XF", "RECORDKIT_RECEIPT_NUMBER_PATTERN": "{prefix}{seq:05d}"}
    for amount in ("10", "20", "30"):
        cashier("fees", "pay", "1-1-101", "--amount", amount, *BACKDATED, "--again", env=env)
    reprinted = cashier("receipt", "reprint", "xf3", env=env)
    assert reprinted.stdout.startswith("已补打收据 XF00003（第 1 次补打）："), reprinted.output
    refused = cashier("receipt", "reprint", "XF2026-3", env=env)
    assert (refused.exit_code, refused.stderr.strip()) == (
        5,
        "错误：收据编号“XF2026-3”无效：应写成 XF00123 这样的编号（序号前面的 0 可以不写）",
    )


def test_an_unknown_receipt_layout_is_a_configuration_error_and_takes_no_money(cashier: Any) -> None:
    result = cashier("fees", "pay", "1-1-101", "--amount", "10", *BACKDATED, env={"RECORDKIT_RECEIPT_LAYOUT": "A5"})
    assert (result.exit_code, result.stderr.strip()) == (
        3,
        "错误：receipt.layout 应为 A4、241 之一（A4 或 241 mm 连续纸），现在是 'A5'",
    )
    assert json.loads(cashier("receipt", "list", "--json").stdout) == []


# -- fee items from recordkit.toml: synced only by the commands that bill or take money ---------------

WASTE_ITEM = '\n[[fees.items]]\nname = "垃圾清运费"\nkind = "fixed"\nrate = "10"\neffective_from = "2026-01"\n'
SYNC_ACTION = "fee_item.sync_from_recordkit_toml"


def _ledger_state(workspace: Workspace) -> tuple[int, bytes, bytes]:
    """(journal rows, the ledger file's bytes, its write-ahead log's bytes) read straight from the file."""
    import sqlite3

    path = workspace.root / "records" / "ledger.sqlite3"
    wal = path.with_name(path.name + "-wal")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT count(*) FROM journal").fetchone()[0]
    finally:
        connection.close()
    return rows, path.read_bytes(), wal.read_bytes() if wal.exists() else b""


def _fee_item_names(run_cli: Any) -> list[str]:
    return [row["item"] for row in json.loads(run_cli("fees", "rules", "list", "--json").stdout)]


@pytest.fixture
def configured(cashier: Any, workspace: Workspace) -> Any:
    """The cashier's workspace with a paid receipt, and a fee item in recordkit.toml the ledger lacks."""
    assert cashier("fees", "pay", "1-1-101", "--amount", "100", *BACKDATED).exit_code == 0
    with (workspace.root / "recordkit.toml").open("a", encoding="utf-8") as config:
        config.write(WASTE_ITEM)
    return cashier


READ_ONLY = [
    ("receipt", "list"),
    ("receipt", "list", "--json"),
    ("fees", "arrears"),
    ("fees", "arrears", "--json"),
    ("fees", "register", "--month", "2026-11", "台账.xlsx"),
    ("fees", "daily", "--date", DAY, "日结.xlsx"),
    ("fees", "rules", "list"),
    ("fees", "rules", "list", "--json"),
]


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_a_command_that_only_reads_never_writes_the_ledger(
    configured: Any, workspace: Workspace, args: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = _ledger_state(workspace)
    result = configured(*args)
    assert result.exit_code == 0, result.output
    assert "同步" not in result.stderr
    assert _ledger_state(workspace) == before


@pytest.mark.parametrize(
    ("args", "action"),
    [
        (("receipt", "void", "SJ2026-000001", "--reason", "金额开错", *ON_ITS_DAY), "receipt.void"),
        (("receipt", "reprint", "SJ2026-000001"), "receipt.reprint"),
    ],
)
def test_void_and_reprint_write_only_their_own_change(
    configured: Any, workspace: Workspace, args: tuple[str, ...], action: str
) -> None:
    rows = _ledger_state(workspace)[0]
    result = configured(*args)
    assert result.exit_code == 0, result.output
    added = _ledger_state(workspace)[0] - rows
    entries = json.loads(configured("journal", "list", "--limit", str(added), "--json").stdout)
    # The change itself and the printed paper it makes; no fee item from recordkit.toml.
    assert sorted(entry["action"] for entry in entries) == sorted([action, "document.generate"])
    assert "垃圾清运费" not in _fee_item_names(configured)


def test_rules_list_says_what_recordkit_toml_has_that_the_ledger_lacks(configured: Any) -> None:
    result = configured("fees", "rules", "list")
    assert result.stdout.splitlines()[-1] == (
        "recordkit.toml 中还有 1 个收费项目未写入台账：垃圾清运费；"
        "请运行 recordkit fees rules sync（出账、收款时也会自动写入）"
    )


def test_rules_sync_writes_what_the_ledger_lacks_once_and_journals_it(configured: Any, workspace: Workspace) -> None:
    rows = _ledger_state(workspace)[0]
    result = configured("fees", "rules", "sync")
    assert (result.exit_code, result.stdout) == (
        0,
        "已从 recordkit.toml 写入收费项目 1 个：垃圾清运费（已记入操作日志）\n",
    )
    entry = json.loads(configured("journal", "list", "--limit", "1", "--json").stdout)[0]
    assert (entry["action"], entry["action_label"], entry["key"]) == (
        SYNC_ACTION,
        "从 recordkit.toml 同步收费项目",
        "垃圾清运费",
    )
    assert _ledger_state(workspace)[0] == rows + 1
    assert _fee_item_names(configured) == ["物业服务费", "停车费", "垃圾清运费"]

    again = configured("fees", "rules", "sync", "--json")
    assert (again.exit_code, json.loads(again.stdout)) == (
        0,
        {"added": [], "present": ["垃圾清运费"], "postponed": []},
    )
    assert _ledger_state(workspace)[0] == rows + 1
    plain = configured("fees", "rules", "sync")
    assert plain.stdout == (
        "recordkit.toml 中的收费项目台账中都已有，没有写入任何内容\n"
        "台账中已有、未改动：垃圾清运费（调整标准请用 recordkit fees rules set）\n"
    )


LIFT_ITEM = '\n[[fees.items]]\nname = "电梯费"\nkind = "fixed"\nrate = "20"\neffective_from = "2026-09"\n'


def test_an_item_of_recordkit_toml_starting_in_a_closed_month_starts_at_the_first_open_one(
    cashier: Any, workspace: Workspace
) -> None:
    """October closed, then 电梯费 added to recordkit.toml from 2026-09: the sync before ``fees bill`` wrote the
    ledger's rule from 2026-09, a month whose bills were made without it.  It starts at 2026-11, the clerk is
    told once and the journal keeps the month recordkit.toml writes; the next bill neither warns nor writes
    it again, recordkit.toml stays as written, and October's register and arrears do not move."""
    assert cashier("fees", "close", "--month", "2026-10").exit_code == 0
    october = ("fees", "arrears", "--as-of", "2026-10-31", "--json")
    arrears_before = json.loads(cashier(*october).stdout)
    register = workspace.root / "台账-10.xlsx"
    assert cashier("fees", "register", "--month", "2026-10", str(register)).exit_code == 0
    register_before = _sheet_rows(register)
    with (workspace.root / "recordkit.toml").open("a", encoding="utf-8") as config:
        config.write(LIFT_ITEM)
    written = (workspace.root / "recordkit.toml").read_text(encoding="utf-8")

    first = cashier("fees", "bill", "--month", "2026-11")
    assert first.exit_code == 0, first.output
    assert first.stderr == (
        "已从 recordkit.toml 同步收费项目：电梯费\n「电梯费」的起始月份 2026-09 已结账，从 2026-11 起执行\n"
    )
    rules = json.loads(cashier("fees", "rules", "list", "--history", "--json").stdout)
    assert [(row["from"], row["rate"]) for row in rules if row["item"] == "电梯费"] == [("2026-11", "20.00")]
    entry = last_journal_entry(workspace, "电梯费")
    assert entry.after is not None
    assert (entry.action, entry.after["from"], entry.after["recordkit_toml_from"]) == (
        SYNC_ACTION,
        "2026-11",
        "2026-09",
    )
    journal_size = _ledger_state(workspace)[0]

    second = cashier("fees", "bill", "--month", "2026-11")
    assert (second.exit_code, second.stderr) == (0, "")
    synced = cashier("fees", "rules", "sync", "--json")
    assert (synced.exit_code, synced.stderr, json.loads(synced.stdout)) == (
        0,
        "",
        {"added": [], "present": ["电梯费"], "postponed": []},
    )
    assert _ledger_state(workspace)[0] == journal_size
    assert (workspace.root / "recordkit.toml").read_text(encoding="utf-8") == written
    listed = cashier("fees", "rules", "list")
    assert "未写入台账" not in listed.stdout

    assert json.loads(cashier(*october).stdout) == arrears_before
    again = workspace.root / "台账-10-again.xlsx"
    assert cashier("fees", "register", "--month", "2026-10", str(again)).exit_code == 0
    assert _sheet_rows(again) == register_before
    account = json.loads(cashier("fees", "account", "1-1-101", "--json").stdout)
    assert [bill["month"] for bill in account["bills"] if bill["item"] == "电梯费"] == ["2026-11"]


def test_an_item_of_recordkit_toml_for_a_unit_the_ledger_lacks_is_refused(cashier: Any, workspace: Workspace) -> None:
    """``units = ["9-9-909"]`` (a typo) was written by the sync before every bill and payment, an item billing
    nobody, where ``fees rules add --unit 9-9-909`` is refused: the sync refuses it too, naming the entry, and
    writes nothing."""
    with (workspace.root / "recordkit.toml").open("a", encoding="utf-8") as config:
        config.write(WASTE_ITEM + LIFT_ITEM.replace('2026-09"\n', '2026-12"\nunits = ["1-1-101", "9-9-909"]\n'))
    before = _ledger_state(workspace)[0]
    for args in (("fees", "rules", "sync"), ("fees", "pay", "1-1-102", "--amount", "50")):
        refused = cashier(*args)
        assert (refused.exit_code, refused.stdout, refused.stderr) == (
            3,
            "",
            "错误：recordkit.toml 的第 2 个 [[fees.items]]（电梯费）有误：台账中没有房屋 9-9-909："
            "请用 recordkit owners list 查看已有房号，units 只能写已有的房屋\n",
        )
    assert _ledger_state(workspace)[0] == before
    assert _fee_item_names(cashier) == ["物业服务费", "停车费"]


def test_an_item_of_recordkit_toml_starting_more_than_36_months_ahead_is_refused(
    cashier: Any, workspace: Workspace
) -> None:
    """``effective_from = "2099-01"`` was written by the sync before every bill, an item charging nothing until
    2099, where ``fees rules add --from 2099-01`` is refused: the sync refuses it (exit 3, as other wrong entries),
    by ``fees rules sync`` and by the ``fees bill`` that syncs first, and nothing is written or billed."""
    with (workspace.root / "recordkit.toml").open("a", encoding="utf-8") as config:
        config.write(WASTE_ITEM + LIFT_ITEM.replace("2026-09", "2099-01"))
    before = _ledger_state(workspace)[0]
    for args in (("fees", "rules", "sync"), ("fees", "bill", "--month", "2026-11")):
        refused = cashier(*args)
        assert (refused.exit_code, refused.stdout, refused.stderr) == (
            3,
            "",
            "错误：recordkit.toml 的第 2 个 [[fees.items]]（电梯费）有误：effective_from（起始月份） 2099-01 "
            f"{MONTHS_FAR_AHEAD}\n",
        ), args
    assert _ledger_state(workspace)[0] == before
    assert _fee_item_names(cashier) == ["物业服务费", "停车费"]


def test_an_item_of_recordkit_toml_starting_outside_the_books_years_is_refused_as_a_setting(
    cashier: Any, workspace: Workspace
) -> None:
    """``effective_from = "1999-01"``, a year before the books' first (``[receipt] first_year``, 2000), was written
    by the sync before every bill, a price of a year no bill can bear: it is refused when the settings are read, as
    any wrong setting (exit 3) — by ``doctor`` too, and by a command that only reads — and nothing is written."""
    with (workspace.root / "recordkit.toml").open("a", encoding="utf-8") as config:
        config.write(LIFT_ITEM.replace("2026-09", "1999-01"))
    before = _ledger_state(workspace)
    for args in (
        ("fees", "rules", "sync"),
        ("fees", "bill", "--month", "2026-11"),
        ("fees", "account", "1-1-101"),
        ("doctor",),
    ):
        refused = cashier(*args)
        assert (refused.exit_code, refused.stdout, refused.stderr) == (
            3,
            "",
            "错误：recordkit.toml 的第 1 个 [[fees.items]]（电梯费）有误：effective_from（起始月份） 1999-01 "
            "不在 2000–2099 年之间：请检查年份\n",
        ), args
    assert _ledger_state(workspace) == before  # the ledger's file, byte for byte


def _sheet_rows(path: Path) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    return [tuple(row) for row in load_workbook(path).active.iter_rows(values_only=True)]


def test_rules_sync_without_items_in_recordkit_toml(cashier: Any, workspace: Workspace) -> None:
    before = _ledger_state(workspace)
    result = cashier("fees", "rules", "sync")
    assert (result.exit_code, result.stdout) == (0, "recordkit.toml 中没有 [[fees.items]]，没有需要写入的收费项目\n")
    assert _ledger_state(workspace) == before


@pytest.mark.parametrize(
    "args",
    [
        ("fees", "pay", "1-1-102", "--amount", "50", *BACKDATED),
        ("receipt", "issue", "1-1-102", "--amount", "50", *BACKDATED),
        ("fees", "bill", "--month", "2026-11"),
    ],
    ids=" ".join,
)
def test_the_commands_that_bill_or_take_money_sync_first(configured: Any, args: tuple[str, ...]) -> None:
    result = configured(*args)
    assert result.exit_code == 0, result.output
    assert result.stderr == "已从 recordkit.toml 同步收费项目：垃圾清运费\n"
    actions = [entry["action"] for entry in json.loads(configured("journal", "list", "--limit", "20", "--json").stdout)]
    assert actions.count(SYNC_ACTION) == 1
    assert "垃圾清运费" in _fee_item_names(configured)


# -- the counter's guards ------------------------------------------------------------------------------

TODAY = SUITE_CLOCK.date()  # (the suite's clock: conftest.suite_clock)
TOMORROW = TODAY + dt.timedelta(days=1)
THIS_MONTH = f"{TODAY:%Y-%m}"
NEXT_MONTH = f"{(TODAY.replace(day=1) + dt.timedelta(days=32)):%Y-%m}"


def _refused(run_cli: Any, args: tuple[str, ...], code: int, message: str) -> None:
    """``args`` fail with exactly ``message`` and ``code``, print nothing on stdout and write nothing."""
    before = _journal_size(run_cli), len(json.loads(run_cli("receipt", "list", "--json").stdout))
    result = run_cli(*args)
    assert (result.exit_code, result.stderr.strip()) == (code, message)
    assert result.stdout == ""
    assert (_journal_size(run_cli), len(json.loads(run_cli("receipt", "list", "--json").stdout))) == before


def test_no_payment_is_dated_in_the_future(cashier: Any) -> None:
    _refused(
        cashier,
        ("fees", "pay", "1-1-101", "--amount", "10", "--date", TOMORROW.isoformat()),
        5,
        f"错误：收款日期 {TOMORROW.isoformat()} 晚于今天（{TODAY.isoformat()}）：不能收未来日期的款，"
        "钱到账的那天再收；补录以前的转账请写当时的日期，并用 --reason 写明原因",
    )


FUTURE_DAYS = [
    (
        ("fees", "daily", "{out}", "--date", TOMORROW.isoformat()),
        f"错误：日结日期 {TOMORROW.isoformat()} 晚于今天（{TODAY.isoformat()}）：日结只能做今天或以前的某一天",
    ),
    (
        ("fees", "arrears", "--as-of", TOMORROW.isoformat()),
        f"错误：欠费截至日期 {TOMORROW.isoformat()} 晚于今天（{TODAY.isoformat()}）：只能看今天或以前某一天的欠费",
    ),
    (
        ("notice", "remind", "--as-of", TOMORROW.isoformat()),
        f"错误：欠费截至日期 {TOMORROW.isoformat()} 晚于今天（{TODAY.isoformat()}）：只能看今天或以前某一天的欠费",
    ),
    (
        ("fees", "account", "1-1-101", "--as-of", TOMORROW.isoformat(), "--out", "{out}/对账单.xlsx"),
        f"错误：对账单截至日期 {TOMORROW.isoformat()} 晚于今天（{TODAY.isoformat()}）：只能看今天或以前某一天的对账单",
    ),
    (
        ("fees", "register", "--month", NEXT_MONTH, "{out}"),
        f"错误：月份 {NEXT_MONTH} 还没有到：只能导出 {THIS_MONTH} 及以前月份的收费台账",
    ),
]


def files_but_the_log(workspace: Workspace) -> list[str]:
    """The workspace's files and folders by name, but the log: a refusal writes its one line there (the log file is
    made by its first line), and writes nothing else."""
    logs = workspace.root / "records" / "logs"
    return sorted(path.name for path in workspace.root.rglob("*") if logs not in (path, *path.parents))


@pytest.mark.parametrize(("args", "message"), FUTURE_DAYS, ids=[" ".join(a[:2]) for a, _ in FUTURE_DAYS])
def test_a_report_of_a_day_to_come_is_refused_and_writes_nothing(
    cashier: Any, workspace: Workspace, args: tuple[str, ...], message: str
) -> None:
    out = workspace.root / "导出"
    out.mkdir()
    before = files_but_the_log(workspace)
    _refused(cashier, tuple(arg.format(out=out) for arg in args), 5, message)
    assert files_but_the_log(workspace) == before


def test_today_is_not_a_day_to_come(cashier: Any, workspace: Workspace) -> None:
    out = workspace.root / "导出"
    out.mkdir()
    for args in (
        ("fees", "daily", str(out), "--date", "today"),
        ("fees", "daily", str(out / "日结.xlsx"), "--date", TODAY.isoformat()),
        ("fees", "arrears", "--as-of", TODAY.isoformat()),
        ("fees", "account", "1-1-101", "--as-of", "今天"),
        ("fees", "register", "--month", THIS_MONTH, str(out)),
    ):
        result = cashier(*args)
        assert result.exit_code == 0, (args, result.output)
    assert sorted(path.name for path in out.iterdir()) == [
        f"收费台账-{THIS_MONTH}.xlsx",
        f"日结-{TODAY.isoformat()}.xlsx",
        "日结.xlsx",
    ]


BEFORE_THE_BOOKS = [
    (("fees", "daily", "{out}", "--date", "1999-01-01"), "错误：日结日期 1999-01-01 不在 2000–2099 年之间：请检查年份"),
    (("fees", "arrears", "--as-of", "1990-01-01"), "错误：欠费截至日期 1990-01-01 不在 2000–2099 年之间：请检查年份"),
    (("notice", "remind", "--as-of", "1990-01-01"), "错误：欠费截至日期 1990-01-01 不在 2000–2099 年之间：请检查年份"),
    (
        ("fees", "account", "1-1-101", "--as-of", "1990-01-01", "--out", "{out}/对账单.xlsx"),
        "错误：对账单截至日期 1990-01-01 不在 2000–2099 年之间：请检查年份",
    ),
    (("fees", "register", "--month", "1999-01", "{out}"), "错误：台账月份 1999-01 不在 2000–2099 年之间：请检查年份"),
    (("receipt", "list", "--date", "1999-01-01"), "错误：收据日期 1999-01-01 不在 2000–2099 年之间：请检查年份"),
]


@pytest.mark.parametrize(("args", "message"), BEFORE_THE_BOOKS, ids=[" ".join(a[:2]) for a, _ in BEFORE_THE_BOOKS])
def test_a_report_of_a_day_before_the_books_is_refused_and_writes_nothing(
    cashier: Any, workspace: Workspace, args: tuple[str, ...], message: str
) -> None:
    """A year typed wrong (1999 for 2019) is no day of the books: a list of nobody owing or a daily report of zeros
    would read as an answer; it is refused as ``fees close`` refuses such a month."""
    out = workspace.root / "导出"
    out.mkdir()
    before = files_but_the_log(workspace)
    _refused(cashier, tuple(arg.format(out=out) for arg in args), 5, message)
    assert files_but_the_log(workspace) == before


def test_the_books_years_are_the_receipt_settings(cashier: Any) -> None:
    """The years are ``[receipt] first_year``–``last_year``: an office that began its books in 2026 has no
    arrears as of 2025, while the year it began is asked about."""
    narrowed = {"RECORDKIT_RECEIPT_FIRST_YEAR": "2026"}
    refused = cashier("fees", "arrears", "--as-of", "2025-12-31", env=narrowed)
    assert (refused.exit_code, refused.stderr.strip()) == (
        5,
        "错误：欠费截至日期 2025-12-31 不在 2026–2099 年之间：请检查年份",
    )
    refused = cashier("fees", "register", "--month", "2025-12", "收费台账.xlsx", env=narrowed)
    assert (refused.exit_code, refused.stderr.strip()) == (
        5,
        "错误：台账月份 2025-12 不在 2026–2099 年之间：请检查年份",
    )
    assert cashier("fees", "arrears", "--as-of", "2026-01-01", env=narrowed).exit_code == 0


@pytest.mark.parametrize("months", ["1999-01", "1999-01..2026-11", "2026-11..2199-12"])
def test_months_of_a_year_outside_the_books_are_refused(cashier: Any, months: str) -> None:
    """``--months 1999-01`` took the money as a prepayment "for 1999年1月" (exit 0): a year typed wrong."""
    shown = months.split("..")[0] if months.startswith("1999") else "2199-12"
    for command in (("fees", "pay"), ("receipt", "issue")):
        _refused(
            cashier,
            (*command, "1-1-101", "--amount", "100", "--months", months, *BACKDATED),
            5,
            f"错误：缴费月份 {shown} 不在 2000–2099 年之间：请检查年份",
        )


MONTHS_OUTSIDE_THE_BOOKS = [
    (("fees", "bill", "--month", "2100-01", "--advance"), "错误：出账月份 2100-01 不在 2000–2099 年之间：请检查年份"),
    (("fees", "bill", "--month", "1999-01"), "错误：出账月份 1999-01 不在 2000–2099 年之间：请检查年份"),
    (
        ("fees", "rules", "add", "燃气费", "--kind", "metered", "--rate", "3.5", "--from", "2199-01"),
        "错误：执行月份 2199-01 不在 2000–2099 年之间：请检查年份",
    ),
    (
        ("fees", "rules", "set", "物业服务费", "--rate", "2.50", "--from", "2100-01"),
        "错误：执行月份 2100-01 不在 2000–2099 年之间：请检查年份",
    ),
    (
        ("fees", "readings", "{sheet}", "--month", "2100-11", "--item", "水费"),
        "错误：读数月份 2100-11 不在 2000–2099 年之间：请检查年份",
    ),
]


@pytest.mark.parametrize(
    ("args", "message"), MONTHS_OUTSIDE_THE_BOOKS, ids=[" ".join(a[:4]) for a, _ in MONTHS_OUTSIDE_THE_BOOKS]
)
def test_billing_a_month_outside_the_books_is_refused(
    cashier: Any, workspace: Workspace, args: tuple[str, ...], message: str
) -> None:
    """``fees bill --month 2100-01 --advance`` billed the whole estate for 2100 and spent its prepayments on it
    (exit 0); a rate from 2199 or readings of 2100 are the same year typed wrong.  Nothing is written."""
    water = ("fees", "rules", "add", "水费", "--kind", "metered", "--rate", "3.5", "--from", "2026-01")
    assert cashier(*water).exit_code == 0
    sheet = write_sheet(workspace.root / "水表.xlsx", [["1-1-101", 120, 135]], headers=("房号", "上期读数", "本期读数"))
    before = [cashier(*shown).stdout for shown in (("fees", "account", "1-1-101", "--json"), ("fees", "rules", "list"))]
    _refused(cashier, tuple(arg.format(sheet=sheet) for arg in args), 5, message)
    assert [
        cashier(*shown).stdout for shown in (("fees", "account", "1-1-101", "--json"), ("fees", "rules", "list"))
    ] == (before)


def test_months_naming_a_month_already_paid_is_an_error(cashier: Any) -> None:
    assert cashier("fees", "pay", "1-1-101", "--amount", "359.97", "--months", "2026-10", *BACKDATED).exit_code == 0
    for command in (("fees", "pay"), ("receipt", "issue")):
        _refused(
            cashier,
            (*command, "1-1-101", "--amount", "100", "--months", "2026-10..2026-11", *BACKDATED),
            8,
            "错误：房屋 1-1-101 2026-10 的账单已经缴清，--months 不能包含已缴清的月份："
            "请用 recordkit fees account 1-1-101 查看各月缴费情况",
        )
    paid = cashier("fees", "pay", "1-1-101", "--amount", "100", "--months", "2026-11", *BACKDATED)
    assert paid.exit_code == 0, paid.output


def test_money_for_a_unit_that_owes_nothing_needs_prepay(cashier: Any) -> None:
    assert cashier("fees", "pay", "1-1-101", "--amount", "719.94", *BACKDATED).exit_code == 0
    _refused(
        cashier,
        ("fees", "pay", "1-1-101", "--amount", "100", *BACKDATED),
        8,
        "错误：房屋 1-1-101 现在没有欠费，这笔 100.00 元将全部转为预收款：确认预收请加 --prepay",
    )
    result = cashier("fees", "pay", "1-1-101", "--amount", "100", *BACKDATED, "--prepay")
    assert result.exit_code == 0, result.output
    assert "  预收款：100.00 元" in result.stdout.splitlines()
    # Paying named months that are not billed yet is paying ahead on purpose: no --prepay needed.
    ahead = cashier("fees", "pay", "1-1-101", "--amount", "50", "--months", "2027-06", *BACKDATED)
    assert ahead.exit_code == 0, ahead.output


def test_money_beyond_the_named_months_of_a_unit_owing_others_needs_prepay(cashier: Any) -> None:
    """``--months 2026-10 --amount 500`` for 1-1-101, owing 359.97 for October and 359.97 for November, took
    the 140.03 over October as 预收款 (exit 0): the unit was left owing November and holding prepayment that
    pays only bills yet to come — its 催缴通知书 demanded November while the office held its money."""
    for command in (("fees", "pay"), ("receipt", "issue")):
        _refused(
            cashier,
            (*command, "1-1-101", "--amount", "500", "--months", "2026-10", *BACKDATED),
            8,
            "错误：房屋 1-1-101 2026-10 只欠 359.97 元，这笔 500.00 元多出的 140.03 元将转为预收款，"
            "不抵这户另欠的 359.97 元（2026-11）：请核对金额，或让 --months 包含欠费的月份；"
            "确认多出的转为预收款请加 --prepay",
        )
    confirmed = cashier("fees", "pay", "1-1-101", "--amount", "500", "--months", "2026-10", *BACKDATED, "--prepay")
    assert confirmed.exit_code == 0, confirmed.output
    assert "  预收款：140.03 元" in confirmed.stdout.splitlines()
    assert "房屋 1-1-101 尚欠 359.97 元，预收余额 140.03 元" in confirmed.stdout.splitlines()
    # Money beyond named months is asked about only while other months are owed: 3-2-1201 owes 337.93 for
    # October and for November, and 700 for both leaves 24.14 over with nothing else owed.
    both = cashier("fees", "pay", "3-2-1201", "--amount", "700", "--months", "2026-10..2026-11", *BACKDATED)
    assert both.exit_code == 0, both.output
    assert "房屋 3-2-1201 尚欠 0.00 元，预收余额 24.14 元" in both.stdout.splitlines()


# 3-2-1201 owes October and November, 143.80 ㎡ × 2.35 = 337.93 each: 675.86; 24 months of it are 8,110.32.
HUGE = "错误：房屋 3-2-1201 收款 100,000,001.00 元（大写：壹亿零壹元整），收款后预收余额 99,999,325.14 元，"


def test_a_payment_leaving_more_than_24_months_prepaid_needs_yes(cashier: Any) -> None:
    """``--amount 100000001`` (one 亿: zeros typed twice) took all but 675.86 as prepayment without a question."""
    for command in (("fees", "pay"), ("receipt", "issue")):
        _refused(
            cashier,
            (*command, "3-2-1201", "--amount", "100000001"),
            2,
            HUGE + "超过 24 个月的费用（每月 337.93 元，24 个月 8,110.32 元）：请核对金额；确认无误请加 --yes",
        )
    # 24 months exactly are no question; a fen more is.
    _refused(
        cashier,
        ("fees", "pay", "3-2-1201", "--amount", "8786.19"),
        2,
        "错误：房屋 3-2-1201 收款 8,786.19 元（大写：捌仟柒佰捌拾陆元壹角玖分），收款后预收余额 8,110.33 元，"
        "超过 24 个月的费用（每月 337.93 元，24 个月 8,110.32 元）：请核对金额；确认无误请加 --yes",
    )
    paid = cashier("fees", "pay", "3-2-1201", "--amount", "8786.18")
    assert paid.exit_code == 0, paid.output
    assert "房屋 3-2-1201 尚欠 0.00 元，预收余额 8,110.32 元" in paid.stdout
    # Held already: any more prepayment is beyond the 24 months; money that only pays bills is not.
    _refused(
        cashier,
        ("fees", "pay", "3-2-1201", "--amount", "0.01", "--prepay"),
        2,
        "错误：房屋 3-2-1201 收款 0.01 元（大写：壹分），收款后预收余额 8,110.33 元，"
        "超过 24 个月的费用（每月 337.93 元，24 个月 8,110.32 元）：请核对金额；确认无误请加 --yes",
    )
    confirmed = cashier("receipt", "issue", "3-2-1201", "--amount", "100000001", "--prepay", "--yes")
    assert confirmed.exit_code == 0, confirmed.output
    assert "已收款 100,000,001.00 元（现金）" in confirmed.stdout
    assert "预收余额 100,008,111.32 元" in confirmed.stdout


def test_a_unit_without_monthly_charges_is_asked_about_any_prepayment(cashier: Any, workspace: Workspace) -> None:
    """A storeroom imported after the bills has no monthly charges: 24 months of nothing is nothing."""
    rows = [["9", "1", "101", 10.0, "赵磊", "13700001111", None, None, "已入住"]]
    assert cashier("owners", "import", str(write_sheet(workspace.root / "新增.xlsx", rows))).exit_code == 0
    _refused(
        cashier,
        ("fees", "pay", "9-1-101", "--amount", "300", "--prepay"),
        2,
        "错误：房屋 9-1-101 收款 300.00 元（大写：叁佰元整），收款后预收余额 300.00 元，而这户没有按月收取的费用："
        "请核对金额；确认无误请加 --yes",
    )
    assert cashier("fees", "pay", "9-1-101", "--amount", "300", "--prepay", "--yes").exit_code == 0


def test_at_a_terminal_a_large_prepayment_is_asked_about(
    cashier: Any, cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal the clerk is asked, with the sum in figures and in capitals; no takes nothing."""
    from typer.testing import CliRunner

    from recordkit.cli import app
    from recordkit.cli import fees as fees_cli

    monkeypatch.setattr(fees_cli, "on_terminal", lambda: True)
    args = ["fees", "pay", "3-2-1201", "--amount", "100000001"]
    question = (
        "房屋 3-2-1201 收款 100,000,001.00 元（大写：壹亿零壹元整），收款后预收余额 99,999,325.14 元，"
        "超过 24 个月的费用（每月 337.93 元，24 个月 8,110.32 元）。请核对金额，确认收款吗？（输入 y 确认，直接回车不收）："
    )
    before = _journal_size(cashier)
    declined = CliRunner().invoke(app, args, env=cli_env, input="n\n")
    assert (declined.exit_code, declined.stderr.strip()) == (2, "错误：没有收款，也没有开收据：金额未确认")
    assert declined.stdout.startswith(question)
    assert _journal_size(cashier) == before
    blank = CliRunner().invoke(app, args, env=cli_env, input="\n")
    assert (blank.exit_code, blank.stderr.strip()) == (2, "错误：没有收款，也没有开收据：金额未确认")
    assert _journal_size(cashier) == before
    accepted = CliRunner().invoke(app, args, env=cli_env, input="是\n")  # as a Chinese input method types it
    assert accepted.exit_code == 0, accepted.output
    assert accepted.stdout.startswith(question + "是\n已收款 100,000,001.00 元（现金）")


def test_the_same_unit_and_amount_within_ten_minutes_needs_again(cashier: Any) -> None:
    assert cashier("fees", "pay", "1-1-101", "--amount", "100", *BACKDATED).exit_code == 0
    before = _journal_size(cashier)
    # The earlier receipt's time on the office's clock ([office] time_zone), as the journal shows it: it said this
    # computer's (00:31 on a server kept in UTC, where the journal and the clerk's clock said 08:31). An office
    # zone 14 hours off this computer's (or 11 behind UTC, on a computer at UTC+14) tells the two apart.
    office = (
        "Pacific/Kiritimati" if dt.datetime.now().astimezone().utcoffset() != dt.timedelta(hours=14) else "Etc/GMT+11"
    )
    result = cashier(
        "receipt", "issue", "1-1-101", "--amount", "100", *BACKDATED, env={"RECORDKIT_OFFICE_TIME_ZONE": office}
    )
    assert result.exit_code == 8 and result.stdout == ""
    match = re.fullmatch(
        r"错误：房屋 1-1-101 在 (\d\d):(\d\d) 刚收过一笔 100\.00 元（收据 SJ2026-000001）：10 分钟内同一房屋同一金额，"
        r"可能是重复收款；确实要再收一笔请加 --again",
        result.stderr.strip(),
    )
    assert match is not None, result.stderr
    now = dt.datetime.now(ZoneInfo(office))
    apart = (now.hour * 60 + now.minute - int(match[1]) * 60 - int(match[2])) % (24 * 60)
    assert apart <= 1, (match[0], now)
    assert _journal_size(cashier) == before
    again = cashier("receipt", "issue", "1-1-101", "--amount", "100", *BACKDATED, "--again")
    assert again.exit_code == 0 and "收据编号 SJ2026-000002" in again.stdout
    # Another sum, or a voided earlier receipt, is no duplicate.
    assert cashier("fees", "pay", "1-1-101", "--amount", "99", *BACKDATED).exit_code == 0
    assert cashier("receipt", "void", "SJ2026-000003", "--reason", "金额开错", *ON_ITS_DAY).exit_code == 0
    assert cashier("fees", "pay", "1-1-101", "--amount", "99", *BACKDATED).exit_code == 0


def test_billing_a_month_after_the_current_one_needs_advance(cashier: Any) -> None:
    _refused(
        cashier,
        ("fees", "bill", "--month", NEXT_MONTH),
        2,
        f"错误：{NEXT_MONTH} 还没有到（现在是 {THIS_MONTH}）：提前出账请加 --advance；"
        "提前出的账单到该月 1 日才计入欠费，预收款会先冲抵它们",
    )
    result = cashier("fees", "bill", "--month", NEXT_MONTH, "--advance")
    assert result.exit_code == 0, result.output
    assert f"注意：这是提前出的账单，{NEXT_MONTH}-01 起才计入欠费；已有的预收款先冲抵它们" in result.stdout.splitlines()
    owed = json.loads(cashier("fees", "account", "1-1-101", "--json").stdout)
    assert owed["not_yet_due_fen"] == 35997


def test_billing_ahead_goes_at_most_twelve_months_past_the_current_one(cashier: Any) -> None:
    """``fees bill --month 2099-01 --advance`` billed the whole estate for 2099 (inside the books' years) and spent
    the units' prepayments on it: ``--advance`` reaches twelve months past the current month, no further."""
    assert cashier("fees", "pay", "1-1-101", "--amount", "100", *BACKDATED, "--prepay").exit_code == 0
    before = cashier("fees", "account", "1-1-101", "--json").stdout
    # The suite's today is 2026-12-05: twelve months on is 2027-12.
    for month in ("2099-01", "2028-01"):
        _refused(
            cashier,
            ("fees", "bill", "--month", month, "--advance"),
            5,
            f"错误：提前出账最多到 2027-12（现在是 2026-12，最多提前 12 个月）：{month} 请检查年份",
        )
    assert cashier("fees", "account", "1-1-101", "--json").stdout == before
    result = cashier("fees", "bill", "--month", "2027-12", "--advance")
    assert result.exit_code == 0, result.output


# The suite's today is 2026-12-05: 36 months after 2026-12 is 2029-12.
MONTHS_FAR_AHEAD = "超过本月后 36 个月（现在是 2026-12，最迟 2029-12）：是否写错了年份？"


@pytest.mark.parametrize("months", ["2099-01", "2027-01..2030-01"])
def test_paying_months_more_than_36_months_ahead_is_refused(cashier: Any, months: str) -> None:
    """``fees pay --months 2099-01`` took the money as a prepayment "for 2099年1月" (exit 0, inside the books'
    years): a year typed wrong.  A month more than 36 months after the current one is refused, by ``receipt issue``
    too, however small the sum."""
    last = months.split("..")[-1]
    for command in (("fees", "pay"), ("receipt", "issue")):
        _refused(
            cashier,
            (*command, "1-1-101", "--amount", "50", "--months", months, *BACKDATED),
            5,
            f"错误：缴费月份 {last} {MONTHS_FAR_AHEAD}",
        )
    taken = cashier("fees", "pay", "1-1-101", "--amount", "50", "--months", "2029-12", *BACKDATED)
    assert taken.exit_code == 0, taken.output


def test_a_large_prepayment_within_36_months_is_still_asked_about(cashier: Any) -> None:
    """Paying ahead up to 2029-12 is taken, and a sum leaving more than 24 months prepaid is still asked about; a
    month past the limit is refused before any question, whatever the sum."""
    asked = cashier("fees", "pay", "3-2-1201", "--amount", "100000001", "--months", "2027-01..2029-12")
    assert (asked.exit_code, asked.stdout) == (2, ""), asked.output
    assert asked.stderr.strip().startswith("错误：房屋 3-2-1201 收款 100,000,001.00 元（大写：壹亿零壹元整）")
    assert asked.stderr.strip().endswith("：请核对金额；确认无误请加 --yes")
    _refused(
        cashier,
        ("fees", "pay", "3-2-1201", "--amount", "100000001", "--months", "2027-01..2030-01"),
        5,
        f"错误：缴费月份 2030-01 {MONTHS_FAR_AHEAD}",
    )


RULES_FAR_AHEAD = [
    ("fees", "rules", "set", "物业服务费", "--rate", "2.50", "--from", "2099-01"),
    ("fees", "rules", "set", "物业服务费", "--rate", "2.50", "--from", "2030-01"),
    ("fees", "rules", "add", "燃气费", "--kind", "metered", "--rate", "3.5", "--from", "2099-01"),
]


@pytest.mark.parametrize("args", RULES_FAR_AHEAD, ids=[f"{a[2]}-{a[-1]}" for a in RULES_FAR_AHEAD])
def test_a_rule_from_a_month_more_than_36_months_ahead_is_refused(cashier: Any, args: tuple[str, ...]) -> None:
    """``fees rules set 物业服务费 --rate 2.50 --from 2099-01`` was taken (exit 0): a year typed wrong, a rate nobody
    would ever be billed.  A month more than 36 months after the current one is refused; the rules are unchanged."""
    before = cashier("fees", "rules", "list", "--history", "--json").stdout
    _refused(cashier, args, 5, f"错误：执行月份 {args[-1]} {MONTHS_FAR_AHEAD}")
    assert cashier("fees", "rules", "list", "--history", "--json").stdout == before
    taken = cashier(*args[:-1], "2029-12")
    assert taken.exit_code == 0, taken.output
    assert "2029-12" in cashier("fees", "rules", "list", "--history", "--json").stdout


def test_readings_of_a_month_more_than_twelve_months_ahead_are_refused(cashier: Any, workspace: Workspace) -> None:
    """``fees readings 水表.xlsx --month 2099-01 --item 水费`` (inside the books' years) imported every row as read in
    2099: a month more than twelve months past the current one (as ``fees bill --advance``) is refused."""
    water = ("fees", "rules", "add", "水费", "--kind", "metered", "--rate", "3.5", "--from", "2026-01")
    assert cashier(*water).exit_code == 0
    sheet = write_sheet(workspace.root / "水表.xlsx", [["1-1-101", 120, 135]], headers=("房号", "上期读数", "本期读数"))
    _refused(
        cashier,
        ("fees", "readings", str(sheet), "--month", "2099-01", "--item", "水费"),
        5,
        "错误：读数月份最迟为本月后 12 个月（现在是 2026-12，最迟 2027-12）：2099-01 请检查年份",
    )
    # Twelve months on is taken (readings are journalled: ``_refused`` saw no row written).
    taken = cashier("fees", "readings", str(sheet), "--month", "2027-12", "--item", "水费")
    assert taken.exit_code == 0, taken.output
    assert "新增 1 条" in taken.stdout


def test_back_dating_a_payment_needs_a_reason(cashier: Any) -> None:
    _refused(
        cashier,
        ("fees", "pay", "1-1-101", "--amount", "10", "--date", DAY),
        5,
        f"错误：收款日期 {DAY} 早于今天（{TODAY.isoformat()}）：补录以前的收款请用 --reason 写明原因，"
        "例如 --reason 银行转账补录",
    )
    result = cashier("receipt", "issue", "1-1-101", "--amount", "10", *BACKDATED)
    assert result.exit_code == 0, result.output
    assert f"补录：收款日期 {DAY}，原因：银行转账补录（已记入操作日志）" in result.stdout.splitlines()


def test_the_registers_go_into_a_folder_named_and_refuse_another_kind_of_file(
    cashier: Any, workspace: Workspace
) -> None:
    """A folder given for the 日结 or the register gets the usual file name inside it (it was exit 70,
    IsADirectoryError, for the 日结); a 日结 named .csv is refused (an .xlsx was written under that name)."""
    folder = workspace.root / "报表"
    folder.mkdir()
    daily = cashier("fees", "daily", str(folder), "--date", DAY)
    assert daily.exit_code == 0, daily.output
    assert (folder / f"日结-{DAY}.xlsx").is_file()
    register = cashier("fees", "register", "--month", "2026-11", str(folder))
    assert register.exit_code == 0, register.output
    assert (folder / "收费台账-2026-11.xlsx").is_file()
    csv = cashier("fees", "daily", str(workspace.root / "日结.csv"), "--date", DAY)
    assert (csv.exit_code, csv.stderr.strip()) == (2, f"错误：日结文件名应以 .xlsx 结尾：{workspace.root / '日结.csv'}")
    assert not (workspace.root / "日结.csv").exists()
    statement = cashier("fees", "account", "1-1-101", "--out", str(folder))
    assert statement.exit_code == 2
    assert "'--out' 应为文件，" in statement.output  # (the path may wrap inside Typer's box)


def test_rebill_of_an_old_month_says_which_units_use_todays_occupancy(cashier: Any, workspace: Workspace) -> None:
    # 3-2-1202 was vacant in October; now it is sold and lived in, its move-in date not written.
    moved_in = ["3", "2", "1202", 143.8, "王磊", "13700001111", None, None, "已入住"]
    sheet = write_sheet(workspace.root / "名册2.xlsx", [*SAMPLE_ROWS[:3], moved_in])
    assert cashier("owners", "import", str(sheet)).exit_code == 0
    result = cashier("fees", "bill", "--month", "2026-10", "--rebill")
    assert result.exit_code == 0, result.output
    assert (
        "注意：3-2-1202（已入住）的状态在 2026-10 之后改过，台账没有记下 2026-10 时是否入住，"
        "按现在的状态计费；已入住的房屋在名册中填写入住日期，重算时按入住日期分辨"
    ) in result.stdout.splitlines()
    assert _october_fee(cashier, "3-2-1202") == 33793  # 143.80 ㎡ × 2.35 元, in full
    # With its move-in date (November) written, October is billed as it was: vacant, 70 %.
    dated = write_sheet(workspace.root / "名册3.xlsx", [*SAMPLE_ROWS[:3], [*moved_in[:7], "2026-11-20", "已入住"]])
    assert cashier("owners", "import", str(dated)).exit_code == 0
    again = cashier("fees", "bill", "--month", "2026-10", "--rebill")
    assert "注意：" not in again.stdout
    assert _october_fee(cashier, "3-2-1202") == 23655  # 143.80 ㎡ × 2.35 元 × 70 %


def test_a_back_dated_receipt_names_the_owner_of_its_day_or_asks_for_the_payer(
    cashier: Any, workspace: Workspace
) -> None:
    """A receipt dated before today named today's owner: 3-2-1202, sold today, had no owner on 2026-11-23, and
    1-1-102 was 李秀英's until today's roster gave it to 赵敏."""
    sold = ["3", "2", "1202", 143.8, "王磊", "13700001111", None, None, "已入住"]
    sold_on = ["1", "1", "102", 118.62, "赵敏", "13600002222", None, None, "已交付"]
    sheet = write_sheet(workspace.root / "名册2.xlsx", [SAMPLE_ROWS[0], sold_on, SAMPLE_ROWS[2], sold])
    assert cashier("owners", "import", str(sheet)).exit_code == 0
    before = _journal_size(cashier)
    refused = cashier("fees", "pay", "3-2-1202", "--amount", "100", *BACKDATED)
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        2,
        "",
        "错误：房屋 3-2-1202 在 2026-11-23 没有登记业主（业主“王磊”是 2026-12-05 登记的），"
        "请用 --payer 写明那天的交款人",
    )
    assert _journal_size(cashier) == before
    named = cashier("fees", "pay", "3-2-1202", "--amount", "100", "--payer", "开发商", *BACKDATED)
    assert named.stdout.startswith("已收款 100.00 元（现金），交款人 开发商，房号 3-2-1202；"), named.output
    then = cashier("receipt", "issue", "1-1-102", "--amount", "100", *BACKDATED)
    assert then.stdout.startswith("已收款 100.00 元（现金），交款人 李秀英，房号 1-1-102；"), then.output
    today = cashier("receipt", "issue", "1-1-102", "--amount", "50")
    assert today.stdout.startswith("已收款 50.00 元（现金），交款人 赵敏，房号 1-1-102；"), today.output


def test_a_back_dated_payment_s_refusal_quotes_the_later_owner_s_latin_name(cashier: Any, workspace: Workspace) -> None:
    """The refusal named the owner registered later after a space (（业主 Tran Van Nam 是 2026-12-05 登记的）): a Latin
    name ran into the Chinese words; it is quoted."""
    sold = ["3", "2", "1202", 143.8, "Tran Van Nam", "13700001111", None, None, "已入住"]
    sheet = write_sheet(workspace.root / "名册2.xlsx", [*SAMPLE_ROWS[:3], sold])
    assert cashier("owners", "import", str(sheet)).exit_code == 0
    refused = cashier("fees", "pay", "3-2-1202", "--amount", "100", *BACKDATED)
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        2,
        "",
        "错误：房屋 3-2-1202 在 2026-11-23 没有登记业主（业主“Tran Van Nam”是 2026-12-05 登记的），"
        "请用 --payer 写明那天的交款人",
    )


def _october_fee(cashier: Any, unit: str) -> int:
    account = json.loads(cashier("fees", "account", unit, "--json").stdout)
    (fen,) = [b["amount_fen"] for b in account["bills"] if b["month"] == "2026-10" and b["item"] == "物业服务费"]
    return int(fen)


def test_the_register_of_the_month_in_progress_names_an_arrears_list_that_can_be_run(
    cashier: Any, workspace: Workspace
) -> None:
    """The register's line names the ``fees arrears`` that gives its 月末欠费合计. For the month in
    progress it named the month's last day, which ``fees arrears --as-of`` refuses (exit 5, 晚于今天);
    it names today, whose list gives the same sum."""
    result = cashier("fees", "register", "--month", THIS_MONTH, str(workspace.root / "台账.xlsx"))
    assert result.exit_code == 0, result.output
    owed = re.search(
        r"月末欠费合计 ([\d,.]+) 元（含往期 [\d,.]+ 元，与 (fees arrears --as-of \S+) 相同）", result.stdout
    )
    assert owed is not None, result.stdout
    assert owed[2] == f"fees arrears --as-of {TODAY.isoformat()}"
    # October and November billed, nothing paid: 1-1-101 (209.97 + 150) and the others' service fee.
    assert owed[1] == "2,426.42"
    named = cashier(*owed[2].split()[:2], "--as-of", TODAY.isoformat())
    assert named.exit_code == 0, named.output
    assert "合计 2,426.42 元" in named.stdout.splitlines()[0]
    # A month that has ended still names its last day.
    closed = cashier("fees", "register", "--month", "2026-11", str(workspace.root / "台账11.xlsx"))
    assert "与 fees arrears --as-of 2026-11-30 相同" in closed.stdout


def test_billing_an_item_its_rule_does_not_bill_says_why(cashier: Any) -> None:
    """``fees bill --item 停车费 --unit 3-2-1201`` (the parking fee is 1-1-101's only) answered
    "2026-11 没有需要新建的账单（已有 0 张）", exit 0, as if billed already; so did an item whose rule
    starts after the month.  Both are refused, saying which rule stands in the way; nothing is written."""
    assert (
        cashier("fees", "rules", "add", "水费", "--kind", "metered", "--rate", "3.5", "--from", "2026-12").exit_code
        == 0
    )
    for args, message in (
        (
            ("--item", "停车费", "--unit", "3-2-1201", "--unit", "1-1-101"),
            "错误：2026-11 的“停车费”不向房屋 3-2-1201 收取，不能出账：适用的房屋请用 recordkit fees rules list 查看",
        ),
        (
            ("--item", "水费"),
            "错误：“水费”在 2026-11 还没有收费标准，不能出账：它从哪个月起执行请用 recordkit fees rules list --history 查看",
        ),
    ):
        _refused(cashier, ("fees", "bill", "--month", "2026-11", *args), 5, message)
    # The unit the rule names: its bill is there already, as the answer says.
    billed = cashier("fees", "bill", "--month", "2026-11", "--item", "停车费", "--unit", "1-1-101")
    assert billed.stdout.splitlines() == ["2026-11 没有需要新建的账单（已有 1 张）"]


def test_the_accounts_json_says_the_months_owing_as_its_table_and_the_arrears_list(cashier: Any) -> None:
    """``fees account`` prints 现在应缴 … （2 个月，最早 2026-10）; its ``--json`` had no months nor
    oldest month, which ``fees arrears --json`` gives as ``months`` and ``oldest_month``."""
    assert cashier("fees", "pay", "1-1-101", "--amount", "200", "--months", "2026-11", *BACKDATED).exit_code == 0
    table = cashier("fees", "account", "1-1-101").stdout.splitlines()[-1]
    assert table.startswith("现在应缴 519.94 元（2 个月，最早 2026-10）")
    account = json.loads(cashier("fees", "account", "1-1-101", "--json").stdout)
    assert (account["due_now_fen"], account["months"], account["oldest_month"]) == (51994, 2, "2026-10")
    [listed] = [row for row in json.loads(cashier("fees", "arrears", "--json").stdout) if row["unit"] == "1-1-101"]
    assert (listed["arrears_fen"], listed["months"], listed["oldest_month"]) == (51994, 2, "2026-10")
    assert cashier("fees", "pay", "3-2-1201", "--amount", "675.86", *BACKDATED).exit_code == 0
    paid_up = json.loads(cashier("fees", "account", "3-2-1201", "--json").stdout)
    assert (paid_up["due_now_fen"], paid_up["months"], paid_up["oldest_month"]) == (0, 0, None)


def test_the_arrears_list_and_the_register_name_every_owner_of_record(cashier: Any, workspace: Workspace) -> None:
    """A flat owned by two (张伟、王芳 in the roster's one cell): ``owners list``, the notices and the export name
    both, but ``fees arrears`` and the register's 业主 column named 张伟 alone, as if he owned it by himself."""
    rows = [list(row) for row in SAMPLE_ROWS]
    rows[0][4] = "张伟、王芳"
    imported = cashier("owners", "import", str(write_sheet(workspace.root / "共有.xlsx", rows)))
    assert imported.exit_code == 0, imported.output
    table = cashier("fees", "arrears", "--as-of", "2026-11-30")
    assert table.exit_code == 0, table.output
    owners_of = {
        cells[0]: cells[1]
        for line in table.stdout.splitlines()
        if len(cells := [cell.strip() for cell in line.split("│")[1:-1]]) > 1 and cells[0][:1].isdigit()
    }
    assert owners_of["1-1-101"] == "张伟、王芳" and owners_of["1-1-102"] == "李秀英"
    listed = {
        row["unit"]: row for row in json.loads(cashier("fees", "arrears", "--as-of", "2026-11-30", "--json").stdout)
    }
    assert (listed["1-1-101"]["owner"], listed["1-1-101"]["co_owners"]) == ("张伟", ["王芳"])
    assert listed["1-1-102"]["co_owners"] == []
    out = workspace.root / "台账.xlsx"
    assert cashier("fees", "register", "--month", "2026-11", str(out)).exit_code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    names = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if str(row[0] or "").startswith(("1-", "3-"))}
    assert names["1-1-101"] == "张伟、王芳" and names["1-1-102"] == "李秀英"


@pytest.mark.parametrize("as_json", [False, True], ids=["table", "json"])
def test_the_arrears_lists_owners_are_one_moment_of_the_ledger(
    run_cli: Any, ledger: Ledger, ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, as_json: bool
) -> None:
    """``fees arrears`` read the units in arrears with their first owner, then the co-owners in another read: a roster
    import committed between them listed 1-1-101 as 张伟、赵磊 — its old owner beside the new co-owner.  The names are
    read with the rows, on SQLite as on PostgreSQL."""
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-10", "2026-11")
    imported = an_import_before_the_co_owners_are_read(ledger, tmp_path, monkeypatch)
    args = ("fees", "arrears", "--as-of", DAY, *(("--json",) if as_json else ()))
    result = run_cli(*args, env={"RECORDKIT_DATABASE_URL": ledger_url})
    assert result.exit_code == 0, result.output
    assert imported == [True]
    if as_json:
        listed = {row["unit"]: (row["owner"], row["co_owners"]) for row in json.loads(result.stdout)}
        assert listed["1-1-101"] == ("张伟", ["王芳"])
    else:
        [line] = [line for line in result.stdout.splitlines() if "1-1-101" in line]
        assert [cell.strip() for cell in line.split("│")[1:3]] == ["1-1-101", "张伟、王芳"]


#: The files a clerk names for a command to write, each into a folder typed wrong.
INTO_A_MISSING_FOLDER = [
    ("fees", "register", "--month", "2026-11", "{missing}/收费台账.xlsx"),
    ("fees", "daily", "{missing}/日结.xlsx", "--date", DAY),
    ("fees", "account", "1-1-101", "--out", "{missing}/对账单.docx"),
    ("report", "monthly", "--month", "2026-10", "--out", "{missing}/报表"),
    ("owners", "export", "{missing}/业主名册.xlsx"),
    ("journal", "anchor", "--out", "{missing}/日志锚点.json"),
]


@pytest.mark.parametrize("args", INTO_A_MISSING_FOLDER, ids=[" ".join(a[:2]) for a in INTO_A_MISSING_FOLDER])
def test_a_file_into_a_folder_that_is_not_there_is_refused_and_nothing_is_made(
    cashier: Any, workspace: Workspace, args: tuple[str, ...]
) -> None:
    """``fees register --month 2026-11 导处/11月/收费台账.xlsx`` (导出 typed wrong) made the folders 导处/11月 and wrote the
    register there, as did the other commands that write a file the clerk names: the clerk looked in 导出 and found
    nothing.  A folder that is not there is named, nothing is made or written (exit 6), as ``db backup`` refuses."""
    missing = workspace.root / "导处" / "11月"
    _refused(
        cashier,
        tuple(arg.format(missing=missing) for arg in args),
        6,
        f"错误：文件夹 {missing} 不存在，什么也没有写入：请检查路径是否写错，或先建好这个文件夹",
    )
    assert not (workspace.root / "导处").exists()


def test_a_month_billed_with_more_units_holding_prepayments_than_sqlite_takes_parameters(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """1,100 units, each holding 200.00 元 paid ahead: ``fees bill`` let the prepayments pay the month's bills and read
    those units' open bills in one ``IN (…)`` of them all, written twice, and failed on SQLite's oldest builds (999
    parameters in one statement): 错误：无法访问台账数据库 …：too many SQL variables, exit 7, nothing billed.  The month
    is billed and every unit's prepayment pays its 200.00 元 fee."""
    from recordkit.billing.receipts import PaymentRequest, pay_many
    from recordkit.ledger.db import open_ledger
    from tests.conftest import sqlite_parameters_at_most
    from tests.test_owners_contacts import roster

    codes = [f"{building}-1-{room}" for building in range(1, 12) for room in range(101, 201)]
    rows = [["房号", "建筑面积", "业主姓名"], *([code, 100, f"张{n:04d}"] for n, code in enumerate(codes))]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows))).exit_code == 0
    added = run_cli("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.00", "--from", "2026-11")
    assert added.exit_code == 0, added.output
    day = dt.date(2026, 11, 2)
    ahead = [PaymentRequest(code, 20000, paid_on=day, prepay=True) for code in codes]
    with open_ledger(workspace.database_url) as ledger:
        pay_many(ledger, workspace.settings.receipt, "测试员", ahead, today=day)
    with sqlite_parameters_at_most(999):
        billed = run_cli("fees", "bill", "--month", "2026-11")
    assert billed.exit_code == 0, billed.output
    arrears = run_cli("fees", "arrears", "--json")
    assert json.loads(arrears.stdout) == []
    account = json.loads(run_cli("fees", "account", "11-1-200", "--json").stdout)
    assert (account["due_now_fen"], account["prepaid_fen"]) == (0, 0)
    paid = [(bill["month"], bill["item"], bill["amount_fen"], bill["paid_fen"]) for bill in account["bills"]]
    assert paid == [("2026-11", "物业服务费", 20000, 20000)]
