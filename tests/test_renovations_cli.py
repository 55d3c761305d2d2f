"""The front desk's renovation commands: exact messages and exit codes, nothing written on bad
input, ID numbers never on screen, and the papers as printed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from recordkit.core.workspace import Workspace
from tests.conftest import SAMPLE_ROWS, last_journal_entry, write_sheet

ID_ZHANG = "440304198805123412"
ID_LI = "510107197509236123"
REGISTER = (
    "renovation",
    "register",
    "3-2-1201",
    "--contractor",
    "安居装饰",
    "--manager",
    "王强",
    "--phone",
    "13600001111",
    "--start",
    "2026-12-01",
    "--end",
    "2027-01-31",
    "--items",
    "水电改造、铺地砖",
    "--date",
    "2026-11-23",
)


@pytest.fixture
def desk(run_cli: Any, workspace: Workspace) -> Any:
    """The sample units, the property fee billed for November, the two renovation charges."""
    for args in (
        ("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))),
        ("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01"),
        ("fees", "bill", "--month", "2026-11"),
        ("fees", "rules", "add", "装修押金", "--kind", "oneoff", "--rate", "2000", "--from", "2026-01"),
        ("fees", "rules", "add", "装修垃圾清运费", "--kind", "oneoff", "--rate", "500", "--from", "2026-01"),
    ):
        result = run_cli(*args)
        assert result.exit_code == 0, result.output
    return run_cli


def _journal_size(run_cli: Any) -> int:
    return len(json.loads(run_cli("journal", "list", "--limit", "100000", "--json").stdout))


def _generated(workspace: Workspace) -> list[Path]:
    return sorted(workspace.records_subdir("generated").rglob("*.docx"))


def _register(desk: Any) -> None:
    result = desk(*REGISTER)
    assert result.exit_code == 0, result.output


BAD_REGISTRATIONS = [
    (("3-2-1202",), {}, 8, "错误：房屋 3-2-1202 没有登记业主，不能办理装修登记：请先在业主名册中登记业主并导入"),
    (("9-9-909",), {}, 6, "错误：台账中没有房屋 9-9-909：请用 recordkit owners list 查看已有房号"),
    (
        ("1-1-101",),
        {"--end": "2026-11-30"},
        5,
        "错误：完工日期 2026-11-30 早于开工日期 2026-12-01：请检查 --start 和 --end",
    ),
    (("1-1-101",), {"--start": "2026-13-01"}, 5, "错误：开工日期“2026-13-01”不存在：请检查年月日"),
    # a day without its year was "开工日期“12月1日”无法识别", "日期“11月23日”无法识别": the year is asked for
    # a start or an end without its year is the next such day from the registration on, checked as any other
    (
        ("1-1-101",),
        {"--start": "12月1日", "--end": "11月22日"},
        5,
        "错误：完工日期 2026-11-22 早于开工日期 2026-12-01：请检查 --start 和 --end",
    ),
    (
        ("1-1-101",),
        {"--date": "11月23日"},
        5,
        "错误：登记日期“11月23日”没有写年份，不能确定是哪一年：应写成 2026-11-23 或 2026年11月23日",
    ),
    (
        ("1-1-101",),
        {"--hours": "8点-12点"},
        5,
        "错误：施工时间“8点-12点”写法有误，应写成 8:00-12:00 这样的时段，多个时段用逗号隔开",
    ),
    (("1-1-101",), {"--hours": "18:00-8:00"}, 5, "错误：施工时间“18:00-8:00”的开始时刻不早于结束时刻"),
    (("1-1-101",), {"--phone": "110"}, 5, "错误：--phone 的现场负责人电话“110”不是有效的手机号或固定电话"),
    # what was typed before what it names: a phone written wrong is said before a unit the ledger does not have
    (("9-9-909",), {"--phone": "110"}, 5, "错误：--phone 的现场负责人电话“110”不是有效的手机号或固定电话"),
    (("1-1-101",), {"--manager": " "}, 5, "错误：现场负责人不能为空：请用 --manager 写明姓名"),
    (("1-1-101",), {"--manager": "。"}, 5, "错误：现场负责人：“。”没有汉字或字母，不是姓名：请写姓名"),
    (("1-1-101",), {"--contractor": ",,"}, 5, "错误：装修单位：“,,”没有汉字或字母，不是名称：请写名称"),
    (
        ("1-1-101",),
        {"--items": "——"},
        5,
        "错误：装修项目不能只有标点：请用 --items 写明装修项目，例如 --items 水电改造、铺地砖；没有的不写",
    ),
    # A year typed wrong: works of two centuries, as an extension past three years is refused.
    (
        ("1-1-101",),
        {"--end": "2227-01-31"},
        5,
        "错误：完工日期 2227-01-31 距开工日期 2026-12-01 超过三年：请检查 --end",
    ),
    # Works over long before they were registered: a year typed wrong (1990 for 2026).
    (
        ("1-1-101",),
        {"--start": "1990-12-04", "--end": "1991-01-04"},
        5,
        "错误：施工结束日期早于登记日期（完工日期 1991-01-04，登记日期 2026-11-23）：请检查 --end 的年份；"
        "补录以前的纸质登记时用 --date 写当时的登记日期",
    ),
    (
        ("1-1-101",),
        {"--start": "2026-11-01", "--end": "2026-11-22"},
        5,
        "错误：施工结束日期早于登记日期（完工日期 2026-11-22，登记日期 2026-11-23）：请检查 --end 的年份；"
        "补录以前的纸质登记时用 --date 写当时的登记日期",
    ),
    # Works decades ahead, inside the books' years: a year typed wrong (2099 for 2026), with passes for 2099.
    (
        ("1-1-101",),
        {"--start": "2099-01-01", "--end": "2099-02-01"},
        5,
        "错误：开工日期最迟为登记后一年（2026-11-23 登记，最迟 2027-11-23）：2099-01-01 请检查年份",
    ),
    (
        ("1-1-101",),
        {"--start": "2027-11-24", "--end": "2027-12-01"},
        5,
        "错误：开工日期最迟为登记后一年（2026-11-23 登记，最迟 2027-11-23）：2027-11-24 请检查年份",
    ),
    # Refused as a date, not sent to add a fee rule "from 1990-01" (the registration number's year).
    (("1-1-101",), {"--date": "1990-11-23"}, 5, "错误：登记日期 1990-11-23 不在 2000–2099 年之间：请检查年份"),
]


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        # 5-20 on 2026-11-23 was read as 2027-05-20, half a year after the registration, and registered so
        (
            "5-20",
            "2027-06-30",
            "错误：开工日期“5-20”没有写年份，读作 2027-05-20，在登记日期 2026-11-23 之后 178 天："
            "开工日期一般在登记前后三个月以内，请写明年份（如 2026-05-20 或 2027-05-20）",
        ),
        (
            "2月22日",
            "2027-06-30",
            "错误：开工日期“2月22日”没有写年份，读作 2027-02-22，在登记日期 2026-11-23 之后 91 天："
            "开工日期一般在登记前后三个月以内，请写明年份（如 2026-02-22 或 2027-02-22）",
        ),
        # ... and 7月1日 as 2026-07-01, works begun months before they were registered
        (
            "7月1日",
            "2026-12-31",
            "错误：开工日期“7月1日”没有写年份，读作 2026-07-01，在登记日期 2026-11-23 之前 145 天："
            "开工日期一般在登记前后三个月以内，请写明年份（如 2026-07-01 或 2027-07-01）",
        ),
    ],
)
def test_a_start_without_its_year_read_months_from_the_registration_asks_for_the_year(
    desk: Any, workspace: Workspace, start: str, end: str, message: str
) -> None:
    before = _journal_size(desk)
    result = desk(*_registration("1-1-101", {"--start": start, "--end": end}))
    assert (result.exit_code, result.stdout, result.stderr.strip()) == (5, "", message)
    assert _journal_size(desk) == before
    assert _generated(workspace) == []
    # three months either side is read as before, and with its year any day is taken as before
    for unit, typed in (("1-1-101", "2月21日"), ("1-1-102", "8-25"), ("3-2-1201", "2026-07-01")):
        taken = desk(*_registration(unit, {"--start": typed, "--end": "2027-03-31"}))
        assert taken.exit_code == 0, taken.output
    listed = {row["unit"]: row["start"] for row in json.loads(desk("renovation", "list", "--json").stdout)}
    assert listed == {"1-1-101": "2027-02-21", "1-1-102": "2026-08-25", "3-2-1201": "2026-07-01"}


def test_an_end_without_its_year_read_months_after_the_start_asks_for_the_year(desk: Any, workspace: Workspace) -> None:
    # registered 2026-11-23 for works from 2026-12-01, --end 5-20 was read as 2027-05-20, up to half a year ahead
    before = _journal_size(desk)
    result = desk(*_registration("1-1-101", {"--end": "5-20"}))
    assert (result.exit_code, result.stdout, result.stderr.strip()) == (
        5,
        "",
        "错误：完工日期“5-20”没有写年份，读作 2027-05-20，在开工日期 2026-12-01 之后 170 天："
        "不写年份时只读作开工日期后三个月以内的日子，请写明年份（如 2026-05-20 或 2027-05-20）",
    )
    assert _journal_size(desk) == before
    assert _generated(workspace) == []
    # three months after the start is read as before; a late registration's end is read from the registration day
    for unit, start, typed in (("1-1-101", "2026-12-01", "3月1日"), ("1-1-102", "2026-10-01", "12-31")):
        taken = desk(*_registration(unit, {"--start": start, "--end": typed}))
        assert taken.exit_code == 0, taken.output
    listed = {row["unit"]: row["end"] for row in json.loads(desk("renovation", "list", "--json").stdout)}
    assert listed == {"1-1-101": "2027-03-01", "1-1-102": "2026-12-31"}


def test_works_begun_before_their_registration_are_registered_while_they_last(desk: Any) -> None:
    """A late registration (works begun before the owner came, still under way, or ending that very day) is taken:
    only works already over on the registration day are refused."""
    for unit, start, end in (("1-1-101", "2026-10-08", "2026-12-31"), ("1-1-102", "2026-11-02", "2026-11-23")):
        result = desk(*_registration(unit, {"--start": start, "--end": end}))
        assert result.exit_code == 0, result.output
    listed = {
        row["unit"]: (row["start"], row["end"]) for row in json.loads(desk("renovation", "list", "--json").stdout)
    }
    assert listed == {"1-1-101": ("2026-10-08", "2026-12-31"), "1-1-102": ("2026-11-02", "2026-11-23")}


def test_a_start_and_end_without_their_year_are_the_next_such_days(desk: Any) -> None:
    """``--start 12-10`` or ``12月10日`` was refused for lacking a year, though works registered are days to come:
    now read as an exit pass's ``--valid-until`` is, the next such day from the registration day on (within half a
    year; else this year's: a late registration of works under way)."""
    for unit, start, end in (
        ("1-1-101", "12月1日", "1月31日"),
        ("1-1-102", "12-10", "02-28"),
        ("3-2-1201", "11月2日", "11月23日"),
    ):
        result = desk(*_registration(unit, {"--start": start, "--end": end}))
        assert result.exit_code == 0, result.output
    listed = {
        row["unit"]: (row["start"], row["end"]) for row in json.loads(desk("renovation", "list", "--json").stdout)
    }
    assert listed == {
        "1-1-101": ("2026-12-01", "2027-01-31"),
        "1-1-102": ("2026-12-10", "2027-02-28"),
        "3-2-1201": ("2026-11-02", "2026-11-23"),
    }


def _registration(unit: str, changes: dict[str, str]) -> list[str]:
    args = list(REGISTER)
    args[2] = unit
    for option, value in changes.items():
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    return args


@pytest.mark.parametrize(
    ("unit", "changes", "code", "message"), BAD_REGISTRATIONS, ids=[m[3:15] for *_, m in BAD_REGISTRATIONS]
)
def test_bad_registrations_exit_non_zero_and_write_nothing(
    desk: Any, workspace: Workspace, unit: tuple[str], changes: dict[str, str], code: int, message: str
) -> None:
    before = _journal_size(desk)
    result = desk(*_registration(unit[0], changes))
    assert (result.exit_code, result.stderr.strip()) == (code, message)
    assert result.stdout == ""
    assert _journal_size(desk) == before
    assert _generated(workspace) == []
    assert json.loads(desk("renovation", "list", "--json").stdout) == []


def test_a_parking_space_or_storeroom_is_not_registered_for_renovation_a_shop_is(
    run_cli: Any, workspace: Workspace
) -> None:
    """车位B1-023 was registered and billed a 2,000 元 deposit and a 500 元 waste fee: nobody fits out a parking space,
    nor a storeroom (a storeroom fitted with water and power to be lived in is a violation, not works to register)."""
    rows = [
        *SAMPLE_ROWS,
        ["", "", "车位B1-023", 12.5, "张伟", "13812345678", "110101199003071233", None, "已入住"],
        ["", "", "储藏室12", 8.2, "张伟", "13812345678", "110101199003071233", None, "已入住"],
        ["", "", "商铺S-101", 85.2, "张伟", "13812345678", "110101199003071233", None, "已入住"],
    ]
    for args in (
        ("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", rows))),
        ("fees", "rules", "add", "装修押金", "--kind", "oneoff", "--rate", "2000", "--from", "2026-01"),
        ("fees", "rules", "add", "装修垃圾清运费", "--kind", "oneoff", "--rate", "500", "--from", "2026-01"),
    ):
        assert run_cli(*args).exit_code == 0
    before = _journal_size(run_cli)
    for typed, message in (
        ("车位B1-023", "错误：车位B1-023 是车位，不办理装修登记：装修登记只办理住宅、别墅、商铺"),
        ("地下车位B1-023", "错误：车位B1-023 是车位，不办理装修登记：装修登记只办理住宅、别墅、商铺"),
        ("储藏室12", "错误：储藏室12 是储藏室，不办理装修登记：装修登记只办理住宅、别墅、商铺"),
    ):
        refused = run_cli(*_registration(typed, {}))
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (8, "", message)
        account = json.loads(run_cli("fees", "account", typed, "--json").stdout)
        assert (account["due_now_fen"], account["deposits"]) == (0, [])
    assert _journal_size(run_cli) == before
    assert _generated(workspace) == []
    assert json.loads(run_cli("renovation", "list", "--json").stdout) == []
    shop = run_cli(*_registration("商铺S-101", {}))
    assert shop.exit_code == 0, shop.output
    assert shop.stdout.startswith("已登记装修 ZX2026-0001：房号 商铺S-101，业主 张伟")


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (("pay", "ZX2026-0001"), "收款日期"),
        (("pass", "ZX2026-0001", "--worker", f"张三,{ID_ZHANG}"), "办理日期"),
        (("inspect", "ZX2026-0001", "--result", "合格"), "验收日期"),
        (("refund", "ZX2026-0001"), "退款日期"),
    ],
)
def test_a_day_without_its_year_is_asked_for_by_the_options_name(desk: Any, args: tuple[str, ...], what: str) -> None:
    # --date 11月23日 was "日期“11月23日”无法识别": now named as the day's other refusals name it, the year asked for
    _register(desk)
    before = _journal_size(desk)
    result = desk("renovation", *args, "--date", "11月23日")
    assert (result.exit_code, result.stdout) == (5, "")
    assert result.stderr.strip() == (
        f"错误：{what}“11月23日”没有写年份，不能确定是哪一年：应写成 2026-11-23 或 2026年11月23日"
    )
    assert _journal_size(desk) == before


def test_a_missing_fee_rule_is_refused_with_the_command_to_set_it(run_cli: Any, workspace: Workspace) -> None:
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    result = run_cli(*REGISTER)
    assert result.exit_code == 6
    assert result.stderr.strip() == (
        "错误：收费标准里没有装修押金“装修押金”（2026-11 起执行的）：请先设定，例如 "
        "recordkit fees rules add 装修押金 --kind oneoff --rate 2000 --from 2026-11"
    )
    assert _generated(workspace) == []


def test_a_missing_fee_rule_whose_name_holds_a_blank_is_suggested_as_a_shell_takes_it(
    run_cli: Any, workspace: Workspace
) -> None:
    """A deposit item named 装修 押金 in recordkit.toml suggested ``recordkit fees rules add 装修 押金 …``, which a
    shell reads as two words; the name is quoted as every suggested command writes a typed value."""
    with workspace.config_file.open("a", encoding="utf-8") as config:
        config.write('\n[renovation]\ndeposit_item = "装修 押金"\n')
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    result = run_cli(*REGISTER)
    assert (result.exit_code, result.stdout) == (6, "")
    assert result.stderr.strip() == (
        "错误：收费标准里没有装修押金“装修 押金”（2026-11 起执行的）：请先设定，例如 "
        "recordkit fees rules add '装修 押金' --kind oneoff --rate 2000 --from 2026-11"
    )
    assert _generated(workspace) == []


def test_register_prints_the_form_and_masks_the_phone(desk: Any, workspace: Workspace) -> None:
    result = desk(*REGISTER)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert (
        lines[0] == "已登记装修 ZX2026-0001：房号 3-2-1201，业主 李秀英，装修单位 安居装饰（负责人 王强，136****1111）"
    )
    assert lines[2] == (
        "应缴：装修押金 2,000.00 元，装修垃圾清运费 500.00 元，合计 2,500.00 元"
        "（收款：recordkit renovation pay ZX2026-0001）"
    )
    assert "13600001111" not in result.stdout
    [form] = _generated(workspace)
    assert lines[3] == f"装修登记表：{form.relative_to(workspace.root)}"
    rows = [[cell.text for cell in row.cells] for row in Document(str(form)).tables[0].rows]
    assert rows[0] == ["房    屋", "3栋2单元1201室", "业主姓名", "李秀英"]
    assert rows[8][1] == "人民币 2,500.00 元（大写：贰仟伍佰元整）"
    assert len(rows) == 9  # no prepayment used: no 预收冲抵 and 还应缴 lines
    again = desk(*REGISTER)
    assert (again.exit_code, again.stderr.strip()) == (
        8,
        "错误：房屋 3-2-1201 正在装修（登记编号 ZX2026-0001，至 2027-01-31），验收合格后才能再次登记",
    )


def test_pay_issues_the_cashiers_receipt_for_the_two_charges_only(desk: Any, workspace: Workspace) -> None:
    _register(desk)
    result = desk("renovation", "pay", "ZX2026-0001", "--method", "微信", "--date", "2026-11-23", "--reason", "补录")
    assert result.exit_code == 0, result.output
    # a back-dated payment was not said to be one (fees pay says it): now it is, with its reason, as fees pay says it
    assert result.stdout.splitlines()[:4] == [
        "已收款 2,500.00 元（微信），交款人 李秀英，房号 3-2-1201；收据编号 SJ2026-000001",
        "  装修押金：2,000.00 元",
        "  装修垃圾清运费：500.00 元",
        "补录：收款日期 2026-11-23，原因：补录（已记入操作日志）",
    ]
    receipt = next(path for path in _generated(workspace) if path.name.startswith("收据"))
    table = Document(str(receipt)).tables[0]
    lines = [[cell.text for cell in row.cells] for row in table.rows[1:-1]]
    assert lines == [["装修押金", "2026年11月", "2,000.00"], ["装修垃圾清运费", "2026年11月", "500.00"]]
    listed = json.loads(desk("receipt", "list", "--json").stdout)
    assert [(r["number"], r["total_fen"]) for r in listed] == [("SJ2026-000001", 250000)]
    arrears = json.loads(desk("fees", "arrears", "--as-of", "2026-11-30", "--json").stdout)
    assert {row["unit"]: row["arrears_fen"] for row in arrears}["3-2-1201"] == 33793  # the property fee only
    twice = desk("renovation", "pay", "ZX2026-0001")
    assert (twice.exit_code, twice.stderr.strip()) == (
        8,
        "错误：装修登记 ZX2026-0001 的押金和垃圾清运费已缴清，无需再收",
    )


def test_passes_never_show_an_id_number_on_screen(desk: Any, workspace: Workspace) -> None:
    _register(desk)
    assert desk("renovation", "pay", "ZX2026-0001", "--date", "2026-11-23", "--reason", "补录").exit_code == 0
    result = desk(
        "renovation",
        "pass",
        "ZX2026-0001",
        "--worker",
        f"张三,{ID_ZHANG},水电工",
        "--worker",
        f"李四,{ID_LI}",
        "--date",
        "2026-12-01",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "已发放临时出入证 2 张（有效期 2026-12-01 至 2027-01-31）：",
        "  ZX2026-0001-01 张三（440304********3412，水电工）",
        "  ZX2026-0001-02 李四（510107********6123）",
    ]
    assert ID_ZHANG not in result.stdout and ID_LI not in result.stdout
    passes = next(path for path in _generated(workspace) if path.name.startswith("临时出入证"))
    assert passes.name == "临时出入证ZX2026-0001_3-2-1201.docx"
    cards = [cell.text for cell in Document(str(passes)).tables[0].rows[0].cells]
    assert f"身份证号：{ID_ZHANG}" in cards[0] and f"身份证号：{ID_LI}" in cards[2]
    journal_text = desk("journal", "list", "--limit", "1000", "--json").stdout
    assert ID_ZHANG not in journal_text and ID_LI not in journal_text
    listed = desk("renovation", "list", "--json").stdout
    assert ID_ZHANG not in listed and "440304********3412" in listed
    log = workspace.records_dir / "logs" / "recordkit.log"
    assert not log.exists() or ID_ZHANG not in log.read_text(encoding="utf-8")


def test_a_passport_workers_pass_is_masked_on_screen_and_listed_with_its_document(
    desk: Any, workspace: Workspace
) -> None:
    """A passport's number was refused (临时出入证目前只登记居民身份证号); given as 护照:号码 it is issued, masked
    on screen as an owner's passport number is, printed whole under 护照号码, and listed with its document."""
    _register(desk)
    assert desk("renovation", "pay", "ZX2026-0001", "--date", "2026-11-23", "--reason", "补录").exit_code == 0
    result = desk(
        "renovation", "pass", "ZX2026-0001", "--worker", "John Smith,护照：E12345678,木工",
        "--worker", f"张三,{ID_ZHANG}", "--date", "2026-12-01",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "已发放临时出入证 2 张（有效期 2026-12-01 至 2027-01-31）：",
        "  ZX2026-0001-01 John Smith（护照 E1*****78，木工）",
        "  ZX2026-0001-02 张三（440304********3412）",
    ]
    passes = next(path for path in _generated(workspace) if path.name.startswith("临时出入证"))
    cards = [cell.text for cell in Document(str(passes)).tables[0].rows[0].cells]
    assert "护照号码：E12345678" in cards[0].splitlines() and f"身份证号：{ID_ZHANG}" in cards[2].splitlines()
    [listed] = json.loads(desk("renovation", "list", "--json").stdout)
    assert [(p["worker"], p["id_type"], p["id_number"]) for p in listed["passes"]] == [
        ("John Smith", "护照", "E1*****78"),
        ("张三", "居民身份证", "440304********3412"),
    ]
    before = _journal_size(desk)
    again = desk("renovation", "pass", "ZX2026-0001", "--worker", "Smith,护照:e1234 5678", "--date", "2026-12-02")
    assert (again.exit_code, again.stderr.strip()) == (
        8,
        "错误：第 1 个工人“Smith”的护照号码与“John Smith”的有效出入证相同：同一人只能有一张有效出入证，遗失请用 --reissue 补发",
    )
    assert _journal_size(desk) == before
    for text in (result.stdout, json.dumps(listed), desk("journal", "list", "--limit", "1000", "--json").stdout):
        assert "E12345678" not in text


def _journal_after(workspace: Workspace, key: str) -> tuple[str, Any]:
    """The action of the last journal entry about ``key`` and the unpaid sum it records."""
    entry = last_journal_entry(workspace, key)
    return entry.action, (entry.after or {}).get("unpaid_fen")


def test_no_pass_before_the_deposit_and_fee_are_paid_unless_asked(desk: Any, workspace: Workspace) -> None:
    # A worker with a pass is in the estate: the office gives passes once the deposit that answers for
    # the works (and the waste-removal fee) is in, or, asked with --unpaid, records that it did not wait.
    _register(desk)
    before = _journal_size(desk)
    refused = desk("renovation", "pass", "ZX2026-0001", "--worker", f"张三,{ID_ZHANG},水电工", "--date", "2026-12-01")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        8,
        "",
        "错误：装修登记 ZX2026-0001 还有 2,500.00 元未缴（装修押金 2,000.00 元、装修垃圾清运费 500.00 元），"
        "缴清后才能发放临时出入证：收款 recordkit renovation pay ZX2026-0001；确需先发证的，加 --unpaid",
    )
    assert _journal_size(desk) == before
    assert not [path for path in _generated(workspace) if path.name.startswith("临时出入证")]
    early = desk(
        "renovation", "pass", "ZX2026-0001", "--worker", f"张三,{ID_ZHANG},水电工", "--date", "2026-12-01", "--unpaid"
    )
    assert early.exit_code == 0, early.output
    assert early.stdout.splitlines()[:2] == [
        "已发放临时出入证 1 张（有效期 2026-12-01 至 2027-01-31）：",
        "  ZX2026-0001-01 张三（440304********3412，水电工）",
    ]
    assert early.stdout.splitlines()[-1] == (  # said on screen too, not only in the journal
        "注意：押金和装修垃圾清运费还有 2,500.00 元未缴，按 --unpaid 先发证（已记入操作日志）："
        "收款 recordkit renovation pay ZX2026-0001"
    )
    assert _journal_after(workspace, "ZX2026-0001-01") == ("renovation.pass_issue", 250000)
    [cards] = [p for p in _generated(workspace) if p.name.startswith("临时出入证")]
    assert "姓　　名：张三" in Document(str(cards)).tables[0].rows[0].cells[0].text
    # Part paid (fees pay settles the fees, the waste-removal fee among them, before a deposit): what is
    # left is named.
    paid = desk("fees", "pay", "3-2-1201", "--amount", "837.93", "--date", "2026-11-23", "--reason", "补录")
    assert paid.exit_code == 0, paid.output
    still = desk("renovation", "pass", "ZX2026-0001", "--worker", f"李四,{ID_LI}", "--date", "2026-12-01")
    assert (still.exit_code, still.stderr.strip()) == (
        8,
        "错误：装修登记 ZX2026-0001 还有 2,000.00 元未缴（装修押金 2,000.00 元），"
        "缴清后才能发放临时出入证：收款 recordkit renovation pay ZX2026-0001；确需先发证的，加 --unpaid",
    )
    assert desk("renovation", "pay", "ZX2026-0001", "--date", "2026-11-23", "--reason", "补录").exit_code == 0
    issued = desk("renovation", "pass", "ZX2026-0001", "--worker", f"李四,{ID_LI}", "--date", "2026-12-01")
    assert issued.exit_code == 0, issued.output
    assert "注意" not in issued.stdout  # paid up: nothing to warn of
    assert _journal_after(workspace, "ZX2026-0001-02") == ("renovation.pass_issue", None)


BAD_PASSES = [
    (
        ("--worker", f"张三,{ID_ZHANG}", "--worker", "李四,51010719750923612X"),
        5,
        "错误：第 2 个工人“李四”的身份证号有误：身份证号校验位错误",
    ),
    (
        # One ID number given twice in one command: not a pass already held, so no --reissue advice.
        ("--worker", f"张三,{ID_ZHANG}", "--worker", f"李四,{ID_ZHANG},木工"),
        5,
        "错误：第 1 个工人“张三”和第 2 个工人“李四”的身份证号相同：同一人只能有一张出入证，请核对身份证号后再发放",
    ),
    (
        ("--worker", "王五"),
        5,
        "错误：第 1 个工人“王五”写法有误：应写成 --worker 姓名,证件号码 或 --worker 姓名,证件号码,工种（证件号码即身份证号；其他证件写明名称，如 护照:号码）",
    ),
    (
        ("--worker", f",{ID_ZHANG}"),
        5,
        "错误：第 1 个工人写法有误：应写成 --worker 姓名,证件号码 或 --worker 姓名,证件号码,工种（证件号码即身份证号；其他证件写明名称，如 护照:号码）",
    ),
    (("--cancel", "ZX2026-0001-01"), 5, "错误：注销或补发出入证须写明原因：请加 --reason，例如 --reason 工人离场"),
    (
        ("--cancel", "ZX2026-0001-01", "--reason", "。"),
        5,
        "错误：注销或补发的原因不能只有标点：请在 --reason 后用文字写明注销或补发的原因",
    ),
    (
        ("--cancel", "ZX2026-0001-09", "--reason", "离场"),
        6,
        "错误：装修登记 ZX2026-0001 没有编号为 ZX2026-0001-09 的出入证",
    ),
    (
        (),
        2,
        "错误：请用 --worker 姓名,证件号码[,工种] 发放出入证（证件号码即身份证号；其他证件写明名称，如 护照:号码），"
        "或用 --cancel / --reissue 证号 注销、补发",
    ),
]


@pytest.mark.parametrize(("extra", "code", "message"), BAD_PASSES, ids=[m[3:16] for *_, m in BAD_PASSES])
def test_bad_pass_requests_issue_nothing(
    desk: Any, workspace: Workspace, extra: tuple[str, ...], code: int, message: str
) -> None:
    _register(desk)
    before, files = _journal_size(desk), _generated(workspace)
    result = desk("renovation", "pass", "ZX2026-0001", *extra, "--date", "2026-12-01")
    assert (result.exit_code, result.stderr.strip()) == (code, message)
    assert "51010719750923612X" not in result.stderr
    assert _journal_size(desk) == before and _generated(workspace) == files


def test_a_worker_whose_pass_is_reissued_in_the_same_command_gets_no_second_pass(
    desk: Any, workspace: Workspace
) -> None:
    _register(desk)
    assert desk("renovation", "pay", "ZX2026-0001", "--date", "2026-11-23", "--reason", "补录").exit_code == 0
    first = desk("renovation", "pass", "ZX2026-0001", "--worker", f"张三,{ID_ZHANG}", "--date", "2026-12-01")
    assert first.exit_code == 0, first.output
    before, files = _journal_size(desk), _generated(workspace)
    both = desk(
        "renovation", "pass", "ZX2026-0001", "--reissue", "ZX2026-0001-01", "--reason", "遗失",
        "--worker", f"张三,{ID_ZHANG}", "--date", "2026-12-02",
    )  # fmt: skip
    assert (both.exit_code, both.stderr.strip()) == (
        5,
        "错误：第 1 个工人“张三”的身份证号与本次补发给“张三”的出入证 ZX2026-0001-01 相同："
        "补发已给此人一张新证（同一人只能有一张有效出入证），请去掉这个 --worker",
    )
    assert _journal_size(desk) == before and _generated(workspace) == files
    [listed] = json.loads(desk("renovation", "list", "--json").stdout)
    assert [(p["number"], p["status"]) for p in listed["passes"]] == [("ZX2026-0001-01", "有效")]


def test_the_whole_file_from_inspection_to_refund(desk: Any, workspace: Workspace) -> None:
    _register(desk)
    assert desk("renovation", "pay", "ZX2026-0001", "--date", "2026-11-23", "--reason", "补录").exit_code == 0
    early = desk("renovation", "refund", "ZX2026-0001")
    assert (early.exit_code, early.stderr.strip()) == (
        8,
        "错误：装修登记 ZX2026-0001 尚未验收合格（现为装修中），不能退押金："
        "请先运行 recordkit renovation inspect ZX2026-0001 --result 合格",
    )
    bad = desk("renovation", "inspect", "ZX2026-0001", "--result", "基本合格")
    assert (bad.exit_code, bad.stderr.strip()) == (5, "错误：验收结论“基本合格”无效，应为 合格 或 不合格")
    said_nothing = desk("renovation", "inspect", "ZX2026-0001", "--result", "不合格", "--notes", ",,")
    assert (said_nothing.exit_code, said_nothing.stderr.strip()) == (
        5,
        "错误：验收意见不能只有标点：请在 --notes 后用文字写明，例如 --notes 卫生间防水未做闭水试验",
    )
    passed = desk(
        "renovation", "inspect", "ZX2026-0001", "--result", "合格", "--notes", "无违规", "--date", "2026-12-01"
    )
    assert passed.stdout.splitlines() == [
        "装修登记 ZX2026-0001（3-2-1201）验收合格：无违规",
        "可以退押金：recordkit renovation refund ZX2026-0001",
    ]
    for amount, code, message in (
        ("abc", 5, "错误：金额“abc”不是数字，应写成 1234.50 这样的数字（元，最多两位小数）"),
        ("-5", 5, "错误：金额不能为负数：-5"),
        ("2000.01", 5, "错误：扣除金额 2,000.01 元超过押金 2,000.00 元"),
    ):
        result = desk("renovation", "refund", "ZX2026-0001", "--deduct", amount, "--reason", "损坏")
        assert (result.exit_code, result.stderr.strip()) == (code, message)
    said_nothing = desk("renovation", "refund", "ZX2026-0001", "--deduct", "200", "--reason", ",,")
    assert (said_nothing.exit_code, said_nothing.stderr.strip()) == (
        5,
        "错误：扣除原因不能只有标点：请在 --reason 后用文字写明扣除原因",
    )
    before = _generated(workspace)
    done = desk(
        "renovation",
        "refund",
        "ZX2026-0001",
        "--deduct",
        "150.5",
        "--reason",
        "损坏电梯轿厢",
        "--date",
        "2026-12-02",
        "--method",
        "微信支付",
    )
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[:2] == [
        "装修登记 ZX2026-0001 退押金 1,849.50 元（壹仟捌佰肆拾玖元伍角整）："
        "押金 2,000.00 元，扣除 150.50 元（损坏电梯轿厢）",
        "退款方式：微信（计入当天日结）",
    ]
    receipt, form = sorted(set(_generated(workspace)) - set(before))
    assert (form.name, receipt.name) == ("装修押金退款单ZX2026-0001_3-2-1201.docx", "收据SJ2026-000002_3-2-1201.docx")
    rows = [[cell.text for cell in row.cells] for row in Document(str(form)).tables[0].rows]
    assert rows[4][1] == "¥150.50 元    扣除原因：损坏电梯轿厢"
    assert rows[5][1] == "¥1,849.50 元    退款方式：微信" and rows[6][1] == "人民币 壹仟捌佰肆拾玖元伍角整"
    twice = desk("renovation", "refund", "ZX2026-0001")
    assert (twice.exit_code, twice.stderr.strip()) == (
        8,
        "错误：装修登记 ZX2026-0001 的押金已于 2026-12-02 退还 1,849.50 元，不能重复退款",
    )
    [row] = json.loads(desk("renovation", "list", "--status", "已退押金", "--json").stdout)
    assert (row["status"], row["refund_fen"], row["deduction_fen"], row["deposit"], row["refund_method"]) == (
        "已退押金",
        184950,
        15050,
        "已退",
        "微信",
    )
    assert "已退（微信）" in desk("renovation", "list", "--wide").stdout  # how it went back, beside 已退
    assert json.loads(desk("renovation", "list", "--status", "装修中", "--json").stdout) == []
    unknown = desk("renovation", "agreement", "ZX2026-0099")
    assert (unknown.exit_code, unknown.stderr.strip()) == (
        6,
        "错误：没有编号为 ZX2026-0099 的装修登记：请用 recordkit renovation list 查看",
    )
    verify = desk("journal", "verify")
    assert verify.exit_code == 0 and "哈希链完整" in verify.stdout


def test_list_prints_a_table(desk: Any) -> None:
    _register(desk)
    result = desk("renovation", "list")
    assert result.exit_code == 0
    assert "装修登记 1 户" in result.stdout
    assert "ZX2026-0001" in result.stdout and "装修中" in result.stdout and "待缴" in result.stdout
    bad = desk("renovation", "list", "--status", "完工")
    assert (bad.exit_code, bad.stderr.strip()) == (
        5,
        "错误：状态“完工”无效，应为 装修中、验收不合格、验收合格、已退押金 之一",
    )


def test_an_office_paper_that_cannot_print_records_nothing(desk: Any, workspace: Workspace) -> None:
    # The registration, the passes and the refund are written before their paper is printed:
    # the office's template is checked first, so a broken one leaves the ledger as it was.
    from tests.test_templates import make_docx

    make_docx(workspace.templates_dir / "装修登记表.docx", "登记编号：{{ 登记编号 }", "房号：{{ 房号 }}")
    before = _journal_size(desk)
    result = desk(*REGISTER)
    assert result.exit_code == 5
    assert result.stderr.strip() == (
        "错误：模板“装修登记表”的占位符写法有误：正文段落“登记编号：{{ 登记编号 }房号：{{ 房号 }}”："
        "占位符没有正确闭合（{{ 要与 }} 成对，{% 要与 %} 成对）。请在 Word 里改正后再试，"
        "或运行 recordkit templates check 装修登记表"
    )
    assert result.stdout == ""
    assert _journal_size(desk) == before and _generated(workspace) == []
    assert json.loads(desk("renovation", "list", "--json").stdout) == []

    (workspace.templates_dir / "装修登记表.docx").unlink()
    _register(desk)
    make_docx(workspace.templates_dir / "临时出入证.docx", "{{ 登记编号|attr('__class__') }}")
    before, files = _journal_size(desk), _generated(workspace)
    result = desk("renovation", "pass", "ZX2026-0001", "--worker", f"张三,{ID_ZHANG}", "--date", "2026-12-01")
    assert (result.exit_code, result.stderr.strip()) == (
        5,
        "错误：模板“临时出入证”的正文段落“{{ 登记编号|attr('__class__') }}”访问“__class__”，模板沙箱不允许，已拒绝：模板里只能使用普通变量",
    )
    assert _journal_size(desk) == before and _generated(workspace) == files
    [renovation] = json.loads(desk("renovation", "list", "--json").stdout)
    assert renovation["passes"] == []

    make_docx(workspace.templates_dir / "装修押金退款单.docx", "退款金额：{{ 退款金 }}")
    result = desk("renovation", "refund", "ZX2026-0001")
    assert result.exit_code == 5
    assert result.stderr.strip().startswith("错误：模板“装修押金退款单”用到了没有提供的变量：退款金。")


# -- money dated in a closed month, and a deposit already refunded --------------------------------


def _closed_on(desk: Any, month: str) -> str:
    listed = json.loads(desk("fees", "close", "--list", "--json").stdout)
    return next(row["closed_at"][:10] for row in listed if row["month"] == month)


def test_a_registration_dated_in_a_closed_month_bills_nothing(desk: Any, workspace: Workspace) -> None:
    # The charges are bills of the registration's month: a closed month takes none (like fees bill).
    assert desk("fees", "close", "--month", "2026-11").exit_code == 0
    arrears = desk("fees", "arrears", "--as-of", "2026-11-30", "--json").stdout
    account = desk("fees", "account", "3-2-1201", "--json").stdout
    before = _journal_size(desk)
    result = desk(*REGISTER)  # --date 2026-11-23
    assert (result.exit_code, result.stdout) == (8, "")
    assert result.stderr.strip() == (
        f"错误：2026-11 已于 {_closed_on(desk, '2026-11')} 由 测试员 结账，"
        "不能再在 2026-11 登记装修并出装修押金和垃圾清运费的账单：结账月份的账目不再改动"
    )
    assert _journal_size(desk) == before
    assert _generated(workspace) == []
    assert json.loads(desk("renovation", "list", "--json").stdout) == []
    assert desk("fees", "arrears", "--as-of", "2026-11-30", "--json").stdout == arrears
    assert desk("fees", "account", "3-2-1201", "--json").stdout == account
    # The November property fee of 3-2-1201 (143.80 ㎡ × 2.35) is its only bill, still owed in full.
    [row] = [row for row in json.loads(arrears) if row["unit"] == "3-2-1201"]
    assert row["arrears_fen"] == 33793


def test_an_inspection_dated_in_a_closed_month_is_refused(desk: Any) -> None:
    # The month's renovation sheet (inspections, works under way at its end) is final once it is closed.
    _register(desk)  # 23 November
    assert desk("fees", "close", "--month", "2026-11").exit_code == 0
    listed = desk("renovation", "list", "--json").stdout
    before = _journal_size(desk)
    result = desk("renovation", "inspect", "ZX2026-0001", "--result", "合格", "--date", "2026-11-28")
    assert (result.exit_code, result.stdout) == (8, "")
    assert result.stderr.strip() == (
        f"错误：2026-11 已于 {_closed_on(desk, '2026-11')} 由 测试员 结账，"
        "不能再记日期在 2026-11 的验收：结账月份的账目不再改动"
    )
    assert desk("renovation", "list", "--json").stdout == listed
    assert _journal_size(desk) == before
    # The same inspection dated in an open month is recorded.
    passed = desk("renovation", "inspect", "ZX2026-0001", "--result", "合格", "--date", "2026-12-01")
    assert passed.exit_code == 0, passed.output
    assert json.loads(desk("renovation", "list", "--json").stdout)[0]["status"] == "验收合格"


def _refunded(desk: Any) -> None:
    """ZX2026-0001 registered, paid on 23 November (receipt SJ2026-000001: 2,000.00 deposit and
    500.00 waste fee), passed, and its deposit refunded less 200.00."""
    _register(desk)
    paid = desk("renovation", "pay", "ZX2026-0001", "--method", "微信", "--date", "2026-11-23", "--reason", "补录")
    assert paid.exit_code == 0, paid.output
    assert desk("renovation", "inspect", "ZX2026-0001", "--result", "合格").exit_code == 0
    done = desk("renovation", "refund", "ZX2026-0001", "--deduct", "200", "--reason", "损坏", "--method", "银行转账")
    assert done.exit_code == 0, done.output


def _ledger_rows(workspace: Workspace, query: str) -> list[tuple[Any, ...]]:
    """Rows read with plain SQL straight from the workspace's SQLite ledger file."""
    import sqlite3

    path = workspace.root / "records" / "ledger.sqlite3"
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def test_the_money_kept_from_a_deposit_is_on_a_numbered_receipt(desk: Any, workspace: Workspace) -> None:
    # The office keeps 200.00 of the 2,000.00 deposit: before, it was on no receipt and in no day's money; now the
    # refund issues receipt SJ2026-000002 for it, 收款方式 押金转入 (it came in with the deposit: no cash moves).
    _register(desk)
    paid = desk("renovation", "pay", "ZX2026-0001", "--method", "微信", "--date", "2026-11-23", "--reason", "补录")
    assert paid.exit_code == 0, paid.output
    assert desk("renovation", "inspect", "ZX2026-0001", "--result", "合格", "--date", "2026-12-01").exit_code == 0
    before = _generated(workspace)
    done = desk(
        "renovation", "refund", "ZX2026-0001", "--deduct", "200", "--reason", "损坏公共走廊墙面", "--method", "微信",
        "--date", "2026-12-02",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    receipt, form = sorted(set(_generated(workspace)) - set(before))
    folder = form.parent.relative_to(workspace.root).as_posix()
    assert done.stdout.splitlines() == [
        "装修登记 ZX2026-0001 退押金 1,800.00 元（壹仟捌佰元整）：押金 2,000.00 元，扣除 200.00 元（损坏公共走廊墙面）",
        "退款方式：微信（计入当天日结）",
        f"退款单：{folder}/装修押金退款单ZX2026-0001_3-2-1201.docx",
        "扣除的 200.00 元开具收据 SJ2026-000002（贰佰元整，收款方式 押金转入，不经过现金）："
        f"{folder}/收据SJ2026-000002_3-2-1201.docx",
    ]

    document = Document(str(receipt))
    text = "\n".join(p.text for p in document.paragraphs)
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert text.count("编号：SJ2026-000002    收款日期：2026年12月2日") == 3
    assert text.count("交款人：李秀英    房屋：3栋2单元1201室    小区：测试小区") == 3
    assert text.count("收款方式：押金转入    收款人：测试员    （盖章处）") == 3
    assert rows.count(["装修押金扣款（损坏公共走廊墙面）", "", "200.00"]) == 3
    assert rows.count(["合计人民币（大写）：贰佰元整"] * 2 + ["¥200.00"]) == 3
    form_rows = [[cell.text for cell in row.cells] for row in Document(str(form)).tables[0].rows]
    assert form_rows[4][1] == "¥200.00 元    扣除原因：损坏公共走廊墙面"
    assert form_rows[7][:2] == ["扣款收据", "SJ2026-000002"]
    assert "扣除的押金转为收入，另开收据（收款方式：押金转入）交领款人。" in [
        p.text for p in Document(str(form)).paragraphs
    ]

    # In the ledger: a payment of 200.00 that pays no bill, dated the refund's day, by the owner.
    assert _ledger_rows(
        workspace,
        "SELECT r.number, r.status, p.payer, p.amount_fen, p.method, p.paid_on, p.cashier, "
        "(SELECT count(*) FROM allocations a WHERE a.payment_id = p.id) "
        "FROM receipts r JOIN payments p ON p.id = r.payment_id ORDER BY r.id",
    ) == [
        ("SJ2026-000001", "issued", "李秀英", 250000, "微信", "2026-11-23", "测试员", 2),
        ("SJ2026-000002", "issued", "李秀英", 20000, "押金转入", "2026-12-02", "测试员", 0),
    ]
    listed = json.loads(desk("receipt", "list", "--unit", "3-2-1201", "--json").stdout)
    assert [(r["number"], r["method"], r["total"], [line["item"] for line in r["lines"]]) for r in listed] == [
        ("SJ2026-000001", "微信", "2,500.00", ["装修押金", "装修垃圾清运费"]),
        ("SJ2026-000002", "押金转入", "200.00", ["装修押金扣款（损坏公共走廊墙面）"]),
    ]
    # Not money the unit holds for its fees: its prepaid balance stays nothing, what it owes stays.
    account = json.loads(desk("fees", "account", "3-2-1201", "--json").stdout)
    assert (account["prepaid_fen"], account["due_now_fen"], account["deposits_held_fen"]) == (0, 33793, 0)
    assert [(p["number"], p["prepayment_fen"]) for p in account["payments"]] == [
        ("SJ2026-000001", 0),
        ("SJ2026-000002", 0),
    ]

    # The refund is done once: its receipt is no receipt a clerk undoes, on its day or after.
    journal_size = _journal_size(desk)
    for on in ("2026-12-02", None):
        voided = desk("receipt", "void", "SJ2026-000002", "--reason", "扣多了", *(("--date", on) if on else ()))
        assert (voided.exit_code, voided.stdout, voided.stderr.strip()) == (
            8,
            "",
            "错误：收据 SJ2026-000002 是装修登记 ZX2026-0001 退押金时扣下的 200.00 元（收款方式 押金转入），不能作废或红冲："
            "押金只能退一次，扣款随退款一起入账，不能单独撤销",
        )
    assert _journal_size(desk) == journal_size
    verify = desk("journal", "verify")
    assert verify.exit_code == 0 and "哈希链完整" in verify.stdout


def _footers(path: Path) -> list[str]:
    """The receipt's 收款方式 lines, one a copy (存根联, 收据联, 记账联)."""
    return [p.text for p in Document(str(path)).paragraphs if p.text.startswith("收款方式：")]


def test_the_receipt_of_money_kept_from_a_deposit_names_the_registration_it_came_from(
    desk: Any, workspace: Workspace
) -> None:
    # Before, the 押金转入 receipt said 收款方式 押金转入 and nothing of which renovation's deposit the 200.00 left;
    # now each copy says it beside the method, and a reprint says the same; the deposit's own receipt reads as before.
    _register(desk)
    paid = desk("renovation", "pay", "ZX2026-0001", "--method", "微信", "--date", "2026-11-23", "--reason", "补录")
    assert paid.exit_code == 0, paid.output
    assert desk("renovation", "inspect", "ZX2026-0001", "--result", "合格", "--date", "2026-12-01").exit_code == 0
    before = _generated(workspace)
    done = desk(
        "renovation", "refund", "ZX2026-0001", "--deduct", "200", "--reason", "损坏公共走廊墙面", "--date", "2026-12-02"
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    issued = next(path for path in set(_generated(workspace)) - set(before) if path.name.startswith("收据"))
    said = (
        "收款方式：押金转入    收款人：测试员    （盖章处）"
        "    备注：由装修押金转入（装修登记 ZX2026-0001，押金 2,000.00 元）"
    )
    assert _footers(issued) == [said] * 3

    before = _generated(workspace)
    reprinted = desk("receipt", "reprint", "SJ2026-2")
    assert reprinted.exit_code == 0, reprinted.output
    [copy] = sorted(set(_generated(workspace)) - set(before))
    assert _footers(copy) == [said] * 3
    assert "【补打】" in "\n".join(p.text for p in Document(str(copy)).paragraphs)

    # The receipt that took the deposit in is an ordinary receipt: nothing added to its method's line.
    before = _generated(workspace)
    assert desk("receipt", "reprint", "SJ2026-1").exit_code == 0
    [ordinary] = sorted(set(_generated(workspace)) - set(before))
    assert _footers(ordinary) == ["收款方式：微信    收款人：测试员    （盖章处）"] * 3


def test_a_refund_that_keeps_nothing_issues_no_receipt(desk: Any, workspace: Workspace) -> None:
    _register(desk)
    assert desk("renovation", "pay", "ZX2026-0001", "--date", "2026-11-23", "--reason", "补录").exit_code == 0
    assert desk("renovation", "inspect", "ZX2026-0001", "--result", "合格", "--date", "2026-12-01").exit_code == 0
    before = _generated(workspace)
    done = desk("renovation", "refund", "ZX2026-0001", "--deduct", "0", "--date", "2026-12-02")
    assert done.exit_code == 0, done.output
    assert len(done.stdout.splitlines()) == 3 and "收据" not in done.stdout
    [form] = sorted(set(_generated(workspace)) - set(before))
    assert [[cell.text for cell in row.cells] for row in Document(str(form)).tables[0].rows][7][:2] == [
        "扣款收据",
        "无",
    ]
    assert [r["number"] for r in json.loads(desk("receipt", "list", "--json").stdout)] == ["SJ2026-000001"]


def _deposit_state(desk: Any) -> tuple[Any, ...]:
    [renovation] = json.loads(desk("renovation", "list", "--json").stdout)
    receipts = [
        (r["number"], r["status"], r["total_fen"]) for r in json.loads(desk("receipt", "list", "--json").stdout)
    ]
    return renovation["status"], renovation["due_fen"], renovation["deposit"], renovation["refund_fen"], receipts


def test_the_receipt_of_a_refunded_deposit_cannot_be_voided_or_reversed(desk: Any) -> None:
    _refunded(desk)
    day = json.loads(desk("renovation", "list", "--json").stdout)[0]["refunded_on"]
    # SJ2026-000002: the receipt of the 200.00 kept at the refund.
    expected_state = (
        "已退押金",
        0,
        "已退",
        180000,
        [("SJ2026-000001", "有效", 250000), ("SJ2026-000002", "有效", 20000)],
    )
    assert _deposit_state(desk) == expected_state
    message = (
        f"错误：收据 SJ2026-000001 收取的装修押金（装修登记 ZX2026-0001）已于 {day} 退还 1,800.00 元，"
        "不能再作废或红冲：作废会把已退的押金算成没收过；"
        "收款确有差错，请用 recordkit fees account 3-2-1201 核对后另开收据补收"
    )
    before = _journal_size(desk)
    voided = desk("receipt", "void", "SJ2026-000001", "--reason", "测试")  # November is open: a void
    assert (voided.exit_code, voided.stdout, voided.stderr.strip()) == (8, "", message)
    assert _deposit_state(desk) == expected_state
    assert _journal_size(desk) == before

    # Once November is closed the same request would be a red reversal: refused the same way.
    assert desk("fees", "close", "--month", "2026-11").exit_code == 0
    before = _journal_size(desk)
    reversed_ = desk("receipt", "void", "SJ2026-000001", "--reason", "测试")
    assert (reversed_.exit_code, reversed_.stdout, reversed_.stderr.strip()) == (8, "", message)
    assert _deposit_state(desk) == expected_state  # no SJ2026-000003
    assert _journal_size(desk) == before


def test_a_refund_dated_before_the_inspection_or_the_payment_is_refused(desk: Any, workspace: Workspace) -> None:
    # A refund dated back before the inspection that passed (or before the deposit came in) would put
    # 2,000.00 out of that day's 日结 before the money was there, and print a form refunding works not
    # yet inspected.
    _register(desk)  # --date 2026-11-23, works from 2026-12-01
    assert desk("renovation", "inspect", "ZX2026-0001", "--result", "合格", "--date", "2026-12-01").exit_code == 0
    paid = desk("renovation", "pay", "ZX2026-0001", "--date", "2026-12-03", "--reason", "补录")
    assert paid.exit_code == 0, paid.output
    before, files = _journal_size(desk), _generated(workspace)
    for day, message in (
        (
            "2026-11-30",
            "错误：退款日期 2026-11-30 早于验收合格的日期 2026-12-01：押金在验收合格后才能退还，请检查 --date",
        ),
        (
            "2026-12-02",
            "错误：退款日期 2026-12-02 早于押金的收款日期 2026-12-03：押金收到以后才能退还，请检查 --date",
        ),
    ):
        early = desk("renovation", "refund", "ZX2026-0001", "--date", day)
        assert (early.exit_code, early.stdout, early.stderr.strip()) == (5, "", message)
    assert _journal_size(desk) == before and _generated(workspace) == files
    [row] = json.loads(desk("renovation", "list", "--json").stdout)
    assert (row["status"], row["refund_fen"]) == ("验收合格", None)
    daily = desk("fees", "daily", str(workspace.root / "日结-1130.xlsx"), "--date", "2026-11-30")
    assert "押金退还 0.00 元" in daily.stdout
    done = desk("renovation", "refund", "ZX2026-0001", "--date", "2026-12-03")
    assert done.exit_code == 0, done.output
    assert (
        "押金退还 2,000.00 元"
        in desk("fees", "daily", str(workspace.root / "日结-1203.xlsx"), "--date", "2026-12-03").stdout
    )


def test_an_inspection_or_a_refund_dated_after_today_is_refused(desk: Any, workspace: Workspace) -> None:
    # A payment cannot be dated tomorrow (fees pay --date); neither can the inspection that frees the
    # deposit nor the refund that pays it out of tomorrow's 日结 — a typo of the year would print a
    # refund form dated 2027 today.
    today = dt.date.today()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    _register(desk)  # --date 2026-11-23
    assert desk("renovation", "pay", "ZX2026-0001", "--date", "2026-11-23", "--reason", "补录").exit_code == 0
    before, files = _journal_size(desk), _generated(workspace)
    early = desk("renovation", "inspect", "ZX2026-0001", "--result", "合格", "--date", tomorrow)
    assert (early.exit_code, early.stdout, early.stderr.strip()) == (
        5,
        "",
        f"错误：验收日期 {tomorrow} 晚于今天（{today.isoformat()}）：不能记未来日期的验收，验收完成的那天再记",
    )
    assert _journal_size(desk) == before
    [row] = json.loads(desk("renovation", "list", "--json").stdout)
    assert (row["status"], row["inspections"]) == ("装修中", [])
    assert desk("renovation", "inspect", "ZX2026-0001", "--result", "合格").exit_code == 0
    before = _journal_size(desk)
    refund = desk("renovation", "refund", "ZX2026-0001", "--date", tomorrow)
    assert (refund.exit_code, refund.stdout, refund.stderr.strip()) == (
        5,
        "",
        f"错误：退款日期 {tomorrow} 晚于今天（{today.isoformat()}）：不能退未来日期的款，钱退给业主的那天再退",
    )
    assert _journal_size(desk) == before and _generated(workspace) == files
    [row] = json.loads(desk("renovation", "list", "--json").stdout)
    assert (row["status"], row["refund_fen"], row["refunded_on"]) == ("验收合格", None, None)
    done = desk("renovation", "refund", "ZX2026-0001")
    assert done.exit_code == 0, done.output
    [form] = sorted(set(_generated(workspace)) - set(files))
    assert f"退款日期：{today.year}年{today.month}月{today.day}日" in "\n".join(
        p.text for p in Document(str(form)).paragraphs
    )


def test_a_second_renovation_in_the_month_the_first_was_refunded(desk: Any, workspace: Workspace) -> None:
    # The kitchen in November, its deposit refunded on the 20th; the bathroom registered on the 25th
    # was refused, the unit having November's deposit and waste-removal bills already.
    kitchen = {"--start": "2026-11-02", "--end": "2026-11-15", "--date": "2026-11-02", "--items": "厨房改造"}
    assert desk(*_registration("3-2-1201", kitchen)).exit_code == 0
    assert desk("renovation", "pay", "ZX2026-0001", "--date", "2026-11-02", "--reason", "补录").exit_code == 0
    assert desk("renovation", "inspect", "ZX2026-0001", "--result", "合格", "--date", "2026-11-16").exit_code == 0
    assert desk("renovation", "refund", "ZX2026-0001", "--date", "2026-11-20").exit_code == 0
    files = _generated(workspace)
    bathroom = {"--start": "2026-11-26", "--end": "2026-12-20", "--date": "2026-11-25", "--items": "卫生间改造"}
    second = desk(*_registration("3-2-1201", {**bathroom, "--contractor": "美家装饰"}))
    assert second.exit_code == 0, second.output
    assert second.stdout.splitlines()[:3] == [
        "已登记装修 ZX2026-0002：房号 3-2-1201，业主 李秀英，装修单位 美家装饰（负责人 王强，136****1111）",
        "施工期限 2026-11-26 至 2026-12-20（25 天），施工时间 8:00-12:00,14:00-18:00",
        "应缴：装修押金 2,000.00 元，装修垃圾清运费 500.00 元，合计 2,500.00 元（收款：recordkit renovation pay ZX2026-0002）",
    ]
    [form] = sorted(set(_generated(workspace)) - set(files))
    assert form.name == "装修登记表ZX2026-0002_3-2-1201.docx"
    assert "登记编号：ZX2026-0002" in [p.text for p in Document(str(form)).paragraphs]
    cells = {cell.text for row in Document(str(form)).tables[0].rows for cell in row.cells}
    assert {"美家装饰", "卫生间改造"} <= cells
    # Within ten minutes of the kitchen's 2,500.00 (the test's real clock): the counter asks --again.
    paid = desk("renovation", "pay", "ZX2026-0002", "--date", "2026-11-25", "--reason", "补录", "--again")
    assert paid.exit_code == 0, paid.output
    assert paid.stdout.splitlines()[1:3] == ["  装修押金：2,000.00 元", "  装修垃圾清运费：500.00 元"]
    # The books agree: each deposit on its own, the refunded one held no more; the waste-removal fees
    # paid; what is owed is November's property fee alone.
    account = json.loads(desk("fees", "account", "3-2-1201", "--json").stdout)
    assert [
        (d["renovation"], d["paid_fen"], d["held_fen"], d["refund_fen"], d["refund_method"])
        for d in account["deposits"]
    ] == [
        ("ZX2026-0001", 200000, 0, 200000, "现金"),
        ("ZX2026-0002", 200000, 200000, None, None),
    ]
    arrears = json.loads(desk("fees", "arrears", "--as-of", "2026-11-30", "--json").stdout)
    assert {row["unit"]: row["arrears_fen"] for row in arrears}["3-2-1201"] == 33793
    assert desk("renovation", "inspect", "ZX2026-0002", "--result", "合格", "--date", "2026-12-01").exit_code == 0
    done = desk(
        "renovation", "refund", "ZX2026-0002", "--deduct", "100", "--reason", "楼道墙面", "--date", "2026-12-02"
    )
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[0].startswith("装修登记 ZX2026-0002 退押金 1,900.00 元")
    # The account says what each refund kept: nothing from the first, 100.00 from the second.
    deposit_lines = [
        line for line in desk("fees", "account", "3-2-1201").stdout.splitlines() if line.startswith("装修押金（")
    ]
    assert deposit_lines == [
        "装修押金（ZX2026-0001）：已于 2026-11-20 退还 2,000.00 元（现金）",
        "装修押金（ZX2026-0002）：已于 2026-12-02 退还 1,900.00 元（现金），扣除 100.00 元",
    ]
    listed = json.loads(desk("renovation", "list", "--json").stdout)
    assert [(r["number"], r["status"], r["refund_fen"]) for r in listed] == [
        ("ZX2026-0001", "已退押金", 200000),
        ("ZX2026-0002", "已退押金", 190000),
    ]
    verify = desk("journal", "verify", "--tables")
    assert verify.exit_code == 0 and "哈希链完整" in verify.stdout


def test_a_registration_or_a_pass_dated_after_today_is_refused(desk: Any, workspace: Workspace) -> None:
    # A registration dated ahead billed its deposit in a month that has not come (fees bill refuses
    # that without --advance); a pass dated ahead recorded a card given out on a day still to come.
    today = dt.date.today()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    before = _journal_size(desk)
    ahead = desk(*_registration("3-2-1201", {"--date": tomorrow}))
    assert (ahead.exit_code, ahead.stdout, ahead.stderr.strip()) == (
        5,
        "",
        f"错误：登记日期 {tomorrow} 晚于今天（{today.isoformat()}）：不能登记未来日期的装修，业主来办理的那天再登记",
    )
    assert _journal_size(desk) == before and _generated(workspace) == []
    assert json.loads(desk("renovation", "list", "--json").stdout) == []
    _register(desk)
    assert desk("renovation", "pay", "ZX2026-0001", "--date", "2026-11-23", "--reason", "补录").exit_code == 0
    before, files = _journal_size(desk), _generated(workspace)
    early = desk("renovation", "pass", "ZX2026-0001", "--worker", f"张三,{ID_ZHANG}", "--date", tomorrow)
    assert (early.exit_code, early.stdout, early.stderr.strip()) == (
        5,
        "",
        f"错误：办理日期 {tomorrow} 晚于今天（{today.isoformat()}）：出入证按办理的那天发放、注销、补发；"
        "开工前发的证自开工日起有效",
    )
    assert _journal_size(desk) == before and _generated(workspace) == files


def test_a_deduction_of_zero_typed_full_width_refunds_the_whole_deposit(desk: Any) -> None:
    # "０" from a Chinese input method, or "0.0", is no deduction, as "0" is: not "金额不能为 0".
    _register(desk)
    assert desk("renovation", "pay", "ZX2026-0001", "--date", "2026-11-23", "--reason", "补录").exit_code == 0
    assert desk("renovation", "inspect", "ZX2026-0001", "--result", "合格", "--date", "2026-12-01").exit_code == 0
    done = desk("renovation", "refund", "ZX2026-0001", "--deduct", "０.０", "--date", "2026-12-01")
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[0] == (
        "装修登记 ZX2026-0001 退押金 2,000.00 元（贰仟元整）：押金 2,000.00 元，扣除 0.00 元"
    )
    [row] = json.loads(desk("renovation", "list", "--json").stdout)
    assert (row["refund_fen"], row["deduction_fen"], row["deduction_reason"]) == (200000, 0, None)


def test_the_units_prepayment_pays_the_waste_fee_but_never_the_deposit(desk: Any, workspace: Workspace) -> None:
    # 3-2-1201 pays its November fee (337.93) and 300.00 ahead.  The waste-removal fee billed by the
    # registration is a new fee bill: the prepayment pays it as it pays any new bill (fees bill does),
    # so the cashier takes 2,200.00, not 2,500.00 with 300.00 left lying in prepayment.
    paid = desk("fees", "pay", "3-2-1201", "--amount", "637.93", "--date", "2026-11-20", "--reason", "补录")
    assert paid.exit_code == 0, paid.output
    registered = desk(*REGISTER)
    assert registered.exit_code == 0, registered.output
    assert registered.stdout.splitlines()[2] == (
        "应缴：装修押金 2,000.00 元，装修垃圾清运费 500.00 元，合计 2,500.00 元，"
        "预收款已冲抵 300.00 元，还应缴 2,200.00 元（收款：recordkit renovation pay ZX2026-0001）"
    )
    # The printed 装修登记表 said only 应缴合计 2,500.00: the owner was asked 300.00 more than the cashier takes.
    [form] = [path for path in _generated(workspace) if path.name.startswith("装修登记表")]
    rows = [[cell.text for cell in row.cells][:2] for row in Document(str(form)).tables[0].rows]
    assert rows[8:] == [
        ["应缴合计", "人民币 2,500.00 元（大写：贰仟伍佰元整）"],
        ["预收冲抵", "人民币 300.00 元（业主的预收款已冲抵）"],
        ["还应缴", "人民币 2,200.00 元（大写：贰仟贰佰元整）"],
    ]
    [row] = json.loads(desk("renovation", "list", "--json").stdout)
    assert (row["due_fen"], row["waste_paid_fen"], row["deposit_paid_fen"]) == (220000, 30000, 0)
    taken = desk("renovation", "pay", "ZX2026-0001", "--date", "2026-11-23", "--reason", "补录")
    assert taken.exit_code == 0, taken.output
    assert taken.stdout.splitlines()[1:3] == ["  装修押金：2,000.00 元", "  装修垃圾清运费：200.00 元"]
    assert "已收款 2,200.00 元" in taken.stdout.splitlines()[0]
    account = json.loads(desk("fees", "account", "3-2-1201", "--json").stdout)
    assert account["prepaid_fen"] == 0
    verify = desk("journal", "verify", "--tables")
    assert verify.exit_code == 0 and "哈希链完整" in verify.stdout


def test_a_renovation_is_extended_so_that_passes_can_be_issued_for_the_rework(desk: Any) -> None:
    # Registered in August for works from 2026-09-01 to 2026-10-31: every step is dated by today.
    dates = {"--start": "2026-09-01", "--end": "2026-10-31", "--date": "2026-08-20"}
    registered = desk(*_registration("3-2-1201", dates))
    assert registered.exit_code == 0, registered.output
    assert desk("renovation", "pay", "ZX2026-0001", "--date", "2026-08-20", "--reason", "补录").exit_code == 0
    issued = desk("renovation", "pass", "ZX2026-0001", "--worker", f"张三,{ID_ZHANG},水电工", "--date", "2026-09-01")
    assert issued.exit_code == 0, issued.output
    failed = desk("renovation", "inspect", "ZX2026-0001", "--result", "不合格", "--notes", "卫生间未做闭水试验",
                  "--date", "2026-11-01")  # fmt: skip
    assert failed.exit_code == 0, failed.output
    # The rework starts after the works' end: no pass until the renovation is extended.
    late = desk("renovation", "pass", "ZX2026-0001", "--worker", f"李四,{ID_LI}", "--date", "2026-11-03")
    assert (late.exit_code, late.stderr.strip()) == (
        8,
        "错误：装修登记 ZX2026-0001 的施工期已于 2026-10-31 结束，不能再发放临时出入证："
        "请先办理延期（recordkit renovation extend ZX2026-0001 --to 新的完工日期 --reason 原因）",
    )
    before = _journal_size(desk)
    for args, code, message in (
        (("--to", "2026-10-15", "--reason", "整改"), 5,
         "错误：延期后的完工日期 2026-10-15 不晚于现在的完工日期 2026-10-31：请检查 --to"),
        (("--to", "2207-03-15", "--reason", "整改"), 5,
         "错误：延期后的完工日期 2207-03-15 距开工日期 2026-09-01 超过三年：请检查 --to"),
        (("--to", "2026-11-30", "--reason", "  "), 5, "错误：办理延期须写明原因：请加 --reason，例如 --reason 验收不合格整改"),
        (("--to", "2026-11-30", "--reason", ",,"), 5, "错误：延期原因不能只有标点：请在 --reason 后用文字写明延期原因"),
        (("--to", "2026-11-30", "--reason", "整改\n重做"), 5,
         "错误：延期原因不能换行，也不能有控制字符或不可见的格式字符：请在 --reason 后用一行文字写明延期原因"),
        (("--to", "2026-11-31", "--reason", "整改"), 5, "错误：延期后的完工日期“2026-11-31”不存在：请检查年月日"),
    ):  # fmt: skip
        refused = desk("renovation", "extend", "ZX2026-0001", *args)
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (code, "", message)
    assert _journal_size(desk) == before

    extended = desk("renovation", "extend", "ZX2026-0001", "--to", "2026-11-30", "--reason", "验收不合格整改")
    assert extended.exit_code == 0, extended.output
    assert extended.stdout.splitlines() == [
        "装修登记 ZX2026-0001（3-2-1201）已延期：完工日期改为 2026-11-30，原因：验收不合格整改",
        "已发的 1 张有效出入证仍到原来的日期为止；继续施工的工人请补发："
        "recordkit renovation pass ZX2026-0001 --reissue 证号 --reason 装修延期",
    ]
    [row] = json.loads(desk("renovation", "list", "--json").stdout)
    assert (row["end"], row["status"]) == ("2026-11-30", "验收不合格")
    [entry] = json.loads(desk("journal", "list", "--key", "ZX2026-0001", "--limit", "1", "--json").stdout)
    assert (entry["action"], entry["action_label"]) == ("renovation.extend", "装修延期")
    assert _journal_size(desk) == before + 1

    again = desk("renovation", "pass", "ZX2026-0001", "--reissue", "ZX2026-0001-01", "--reason", "装修延期",
                 "--date", "2026-11-03")  # fmt: skip
    assert again.exit_code == 0, again.output
    assert "ZX2026-0001-02 张三（440304********3412，水电工），补发 ZX2026-0001-01" in again.stdout
    [new] = [p for p in json.loads(desk("renovation", "list", "--json").stdout)[0]["passes"] if p["status"] == "有效"]
    assert (new["number"], new["valid_from"], new["valid_until"]) == ("ZX2026-0001-02", "2026-11-03", "2026-11-30")

    assert desk("renovation", "inspect", "ZX2026-0001", "--result", "合格", "--date", "2026-11-28").exit_code == 0
    done = desk("renovation", "extend", "ZX2026-0001", "--to", "2026-12-31", "--reason", "整改")
    assert (done.exit_code, done.stderr.strip()) == (8, "错误：装修登记 ZX2026-0001 已验收合格，不能再延期")


def test_an_extension_without_its_year_is_the_next_such_day_as_a_registration_reads_it(desk: Any) -> None:
    """--to 3月31号 was refused and told to write 2026-03-31, a past day then refused in turn: a day without its
    year is a day to come, the next such one from the current end (today, the suite's 2026-12-05, once it is past),
    as register reads --end from the start."""
    _register(desk)  # works 2026-12-01 to 2027-01-31
    for typed, end in (("3月31号", "2027-03-31"), ("4-30", "2027-04-30"), ("5月31日", "2027-05-31")):
        extended = desk("renovation", "extend", "ZX2026-0001", "--to", typed, "--reason", "业主增加项目")
        assert extended.exit_code == 0, extended.output
        assert extended.stdout.splitlines() == [
            f"装修登记 ZX2026-0001（3-2-1201）已延期：完工日期改为 {end}，原因：业主增加项目"
        ]
    # Read from the current end, a day more than three months after it asks for its year (11月30日 was read as
    # 2026-11-30 from today, and 6-30 after an end of 2027-01-31 as 2027-06-30, half a year on).
    refused = desk("renovation", "extend", "ZX2026-0001", "--to", "11月30日", "--reason", "整改")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        5,
        "",
        "错误：延期后的完工日期“11月30日”没有写年份，读作 2027-11-30，在现在的完工日期 2027-05-31 之后 183 天："
        "不写年份时只读作现在的完工日期后三个月以内的日子，请写明年份（如 2026-11-30 或 2027-11-30）",
    )


def test_an_extension_to_a_badly_written_day_is_refused_before_the_registration_is_looked_up(desk: Any) -> None:
    # an unknown registration was reported first (exit 4) and the day typed wrong only once it was corrected
    _register(desk)  # ZX2026-0001
    before = _journal_size(desk)
    for number in ("ZX2026-0009", "ZX2026-0001"):
        for typed, said in (
            ("2027-13-05", "错误：延期后的完工日期“2027-13-05”不存在：请检查年月日"),
            ("2月30日", "错误：延期后的完工日期“2月30日”不存在：请检查月和日"),
            ("下月底", "错误：延期后的完工日期“下月底”无法识别，应写成 2026-12-05 或 2026年12月5日"),
        ):
            refused = desk("renovation", "extend", number, "--to", typed, "--reason", "整改")
            assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (5, "", said), (number, typed)
    unknown = desk("renovation", "extend", "ZX2026-0009", "--to", "2027-03-31", "--reason", "整改")
    assert (unknown.exit_code, unknown.stderr.strip()) == (
        6,
        "错误：没有编号为 ZX2026-0009 的装修登记：请用 recordkit renovation list 查看",
    )
    assert _journal_size(desk) == before


def test_an_extension_without_its_year_months_after_the_current_end_asks_for_the_year(desk: Any) -> None:
    _register(desk)  # works 2026-12-01 to 2027-01-31, the suite's today 2026-12-05
    before = _journal_size(desk)
    refused = desk("renovation", "extend", "ZX2026-0001", "--to", "5-31", "--reason", "业主增加项目")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        5,
        "",
        "错误：延期后的完工日期“5-31”没有写年份，读作 2027-05-31，在现在的完工日期 2027-01-31 之后 120 天："
        "不写年份时只读作现在的完工日期后三个月以内的日子，请写明年份（如 2026-05-31 或 2027-05-31）",
    )
    assert _journal_size(desk) == before
    [row] = json.loads(desk("renovation", "list", "--json").stdout)
    assert row["end"] == "2027-01-31"
    extended = desk("renovation", "extend", "ZX2026-0001", "--to", "2027-05-31", "--reason", "业主增加项目")
    assert extended.exit_code == 0, extended.output


def test_a_number_said_aloud_names_the_registration_and_its_passes(desk: Any, workspace: Workspace) -> None:
    """ZX2026-1 is ZX2026-0001 and ZX2026-1-1 its pass ZX2026-0001-01, as SJ2026-6 names a receipt and
    GD2026-5 a work order: the clerk reads the number off the paper without its leading zeros."""
    _register(desk)
    agreement = desk("renovation", "agreement", "zx2026-1")
    assert agreement.exit_code == 0, agreement.output
    [paper] = [p for p in _generated(workspace) if p.name.startswith("装饰装修管理协议")]
    assert "ZX2026-0001" in "\n".join(p.text for p in Document(str(paper)).paragraphs)
    issued = desk(
        "renovation", "pass", "ＺＸ２０２６－１", "--worker", f"张三,{ID_ZHANG}", "--date", "2026-12-01", "--unpaid"
    )
    assert issued.exit_code == 0, issued.output
    assert "ZX2026-0001-01 张三" in issued.stdout
    cancelled = desk(
        "renovation", "pass", "ZX2026-1", "--cancel", "ZX2026-1-1", "--reason", "工人离场", "--date", "2026-12-02"
    )
    assert (cancelled.exit_code, cancelled.stdout.strip()) == (0, "已注销出入证 ZX2026-0001-01（张三），原因：工人离场")
    unknown = desk("renovation", "agreement", "ZX2026-9")
    assert (unknown.exit_code, unknown.stderr.strip()) == (
        6,
        "错误：没有编号为 ZX2026-9 的装修登记：请用 recordkit renovation list 查看",
    )


@pytest.mark.parametrize("prefix", ["ZX", "zx"])
def test_journal_list_finds_a_registration_and_its_pass_by_every_number_the_commands_take(
    desk: Any, prefix: str
) -> None:
    """``journal list --key ZX2026-1`` found nothing while ``renovation agreement ZX2026-1`` found the registration:
    the history is listed by every spelling the renovation commands take, the pass's (ZX2026-1-1) too."""
    env = {"RECORDKIT_RENOVATION_PREFIX": prefix}
    assert desk(*REGISTER, env=env).exit_code == 0
    pass_args = ("--date", "2026-12-01", "--unpaid")
    assert desk("renovation", "pass", "ZX2026-1", "--worker", f"张三,{ID_ZHANG}", *pass_args, env=env).exit_code == 0
    cancel = ("--cancel", "ZX2026-1-1", "--reason", "工人离场", "--date", "2026-12-02")
    assert desk("renovation", "pass", "ZX2026-1", *cancel, env=env).exit_code == 0

    def history(key: str) -> list[tuple[str, str]]:
        listed = desk("journal", "list", "--key", key, "--json", env=env)
        assert listed.exit_code == 0, listed.output
        return [(entry["action"], entry["key"]) for entry in json.loads(listed.stdout)]

    registration = history(f"{prefix}2026-0001")
    assert registration == [("renovation.register", f"{prefix}2026-0001")]
    for typed in ("ZX2026-1", "zx2026-1", "ＺＸ２０２６－１", "ZX2026—0001"):
        assert history(typed) == registration, typed
    card = history(f"{prefix}2026-0001-01")
    assert card == [
        ("renovation.pass_cancel", f"{prefix}2026-0001-01"),
        ("renovation.pass_issue", f"{prefix}2026-0001-01"),
    ]
    for typed in ("ZX2026-1-1", "zx2026-0001-1", "ＺＸ２０２６－１－１"):
        assert history(typed) == card, typed
    for typed in ("ZX2026-1abc", "ZX2026-2", "ZX2026-1-2"):
        assert history(typed) == [], typed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("pay", ""), "装修登记编号是空的：请写明装修登记编号，例如 ZX2026-0001"),
        (("agreement", " "), "装修登记编号是空的：请写明装修登记编号，例如 ZX2026-0001"),
        (("pass", "", "--worker", f"张三,{ID_ZHANG}"), "装修登记编号是空的：请写明装修登记编号，例如 ZX2026-0001"),
        (("inspect", "", "--result", "合格"), "装修登记编号是空的：请写明装修登记编号，例如 ZX2026-0001"),
        (
            ("extend", "", "--to", "2027-02-28", "--reason", "整改"),
            "装修登记编号是空的：请写明装修登记编号，例如 ZX2026-0001",
        ),
        (("refund", ""), "装修登记编号是空的：请写明装修登记编号，例如 ZX2026-0001"),
        (
            ("pass", "ZX2026-1", "--cancel", "", "--reason", "离场"),
            "--cancel 的出入证号是空的：请写明出入证号，例如 ZX2026-0001-01",
        ),
        (
            ("pass", "ZX2026-1", "--reissue", " ", "--reason", "遗失"),
            "--reissue 的出入证号是空的：请写明出入证号，例如 ZX2026-0001-01",
        ),
    ],
)
def test_a_blank_renovation_or_pass_number_is_refused_as_a_blank_argument(
    desk: Any, workspace: Workspace, args: tuple[str, ...], message: str
) -> None:
    """``renovation pay ""`` (a script's variable left unset) said 没有编号为  的装修登记 (a blank where the number
    should be, exit 6); it is refused as a blank argument is, exit 2, nothing written or printed."""
    _register(desk)
    before, files = _journal_size(desk), _generated(workspace)
    refused = desk("renovation", *args)
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (2, "", f"错误：{message}")
    assert _journal_size(desk) == before and _generated(workspace) == files


def test_a_number_not_found_is_named_as_typed(desk: Any, workspace: Workspace) -> None:
    """``renovation pay GD2026-1`` (a work order's number) said 没有编号为 GD2026-0001 的装修登记, the number reshaped
    to a registration's width; a pass's number likewise: a number not found is named as typed (trimmed), exit 6."""
    _register(desk)
    before = _journal_size(desk)
    for typed, named in (("GD2026-1", "GD2026-1"), (" zx2026-9 ", "zx2026-9")):
        for args in (("pay", typed), ("agreement", typed), ("inspect", typed, "--result", "合格")):
            result = desk("renovation", *args)
            assert (result.exit_code, result.stdout, result.stderr.strip()) == (
                6,
                "",
                f"错误：没有编号为 {named} 的装修登记：请用 recordkit renovation list 查看",
            ), args
    cancelled = desk("renovation", "pass", "ZX2026-1", "--cancel", " ZX2026-1-9", "--reason", "工人离场")
    assert (cancelled.exit_code, cancelled.stderr.strip()) == (
        6,
        "错误：装修登记 ZX2026-0001 没有编号为 ZX2026-1-9 的出入证",
    )
    assert _journal_size(desk) == before


def test_an_agreement_dated_outside_the_office_years_is_refused(desk: Any, workspace: Workspace) -> None:
    _register(desk)
    before, files = _journal_size(desk), _generated(workspace)
    typo = desk("renovation", "agreement", "ZX2026-0001", "--date", "1990-11-20")
    assert (typo.exit_code, typo.stdout, typo.stderr.strip()) == (
        5,
        "",
        "错误：签订日期 1990-11-20 不在 2000–2099 年之间：请检查年份",
    )
    assert _journal_size(desk) == before and _generated(workspace) == files
    # Signed before the registration (2026-11-23) is still fine.
    early = desk("renovation", "agreement", "ZX2026-0001", "--date", "2026-11-20")
    assert early.exit_code == 0, early.output


def test_an_agreement_dated_more_than_a_year_ahead_is_refused(desk: Any, workspace: Workspace) -> None:
    """``renovation agreement ZX2026-0001 --date 2099-01-01`` printed an agreement signed in 2099 (exit 0): as a
    notice, a paper dated more than a year after today is a year typed wrong."""
    _register(desk)
    before, files = _journal_size(desk), _generated(workspace)
    typo = desk("renovation", "agreement", "ZX2026-0001", "--date", "2099-01-01")
    assert (typo.exit_code, typo.stdout, typo.stderr.strip()) == (
        5,
        "",
        "错误：签订日期最迟为今天后一年（今天 2026-12-05，最迟 2027-12-05）：2099-01-01 请检查年份",
    )
    assert _journal_size(desk) == before and _generated(workspace) == files
    ahead = desk("renovation", "agreement", "ZX2026-0001", "--date", "2027-12-05")
    assert ahead.exit_code == 0, ahead.output


def test_a_renovation_payment_dated_before_its_registration_is_refused(desk: Any, workspace: Workspace) -> None:
    # Registered on 2026-11-23: a deposit taken on 2026-11-20 would be money for works nobody had
    # registered, its receipt numbered and its day's cash report changed.
    _register(desk)
    before, files = _journal_size(desk), _generated(workspace)
    early = desk("renovation", "pay", "ZX2026-0001", "--date", "2026-11-20", "--reason", "补录")
    assert (early.exit_code, early.stdout, early.stderr.strip()) == (
        5,
        "",
        "错误：收款日期 2026-11-20 早于装修登记的日期 2026-11-23：请检查 --date",
    )
    assert _journal_size(desk) == before and _generated(workspace) == files
    [row] = json.loads(desk("renovation", "list", "--json").stdout)
    assert row["due_fen"] == 250000
    # The registration's own day is fine, and the receipt is the first.
    paid = desk("renovation", "pay", "ZX2026-0001", "--date", "2026-11-23", "--reason", "补录")
    assert paid.exit_code == 0, paid.output
    assert "收据编号 SJ2026-000001" in paid.stdout


def test_nothing_of_a_renovation_is_dated_before_its_registration_or_its_last_inspection(desk: Any) -> None:
    # Registered on 2026-11-23: an inspection or a pass dated 2026-11-20 (a slip of the --date) was
    # recorded, the ledger saying the works passed before anyone registered them.
    _register(desk)
    before = _journal_size(desk)
    early = desk("renovation", "inspect", "ZX2026-0001", "--result", "合格", "--date", "2026-11-20")
    assert (early.exit_code, early.stdout, early.stderr.strip()) == (
        5,
        "",
        "错误：验收日期 2026-11-20 早于装修登记的日期 2026-11-23：请检查 --date",
    )
    issued = desk(
        "renovation", "pass", "ZX2026-0001", "--worker", f"张三,{ID_ZHANG}", "--date", "2026-11-20", "--unpaid"
    )
    assert (issued.exit_code, issued.stdout, issued.stderr.strip()) == (
        5,
        "",
        "错误：办理日期 2026-11-20 早于装修登记的日期 2026-11-23：请检查 --date",
    )
    assert _journal_size(desk) == before
    failed = desk(
        "renovation", "inspect", "ZX2026-0001", "--result", "不合格", "--notes", "未做闭水试验", "--date", "2026-12-03"
    )
    assert failed.exit_code == 0, failed.output
    passed_first = desk("renovation", "inspect", "ZX2026-0001", "--result", "合格", "--date", "2026-12-02")
    assert (passed_first.exit_code, passed_first.stdout, passed_first.stderr.strip()) == (
        5,
        "",
        "错误：验收日期 2026-12-02 早于上一次验收的日期 2026-12-03：请检查 --date",
    )
    [row] = json.loads(desk("renovation", "list", "--json").stdout)
    assert row["status"] == "验收不合格"
    assert desk("renovation", "inspect", "ZX2026-0001", "--result", "合格", "--date", "2026-12-03").exit_code == 0


def test_works_not_started_are_not_inspected(desk: Any) -> None:
    """Starting on 2026-12-01, ZX2026-0001 was passed (合格) on 2026-11-30 (exit 0): its passes cancelled, its
    deposit refundable before any work was done; 合格 was then refused, while 不合格 was still recorded, the works
    failing an inspection of nothing.  Both are refused alike before the start."""
    _register(desk)  # 23 November, works from 2026-12-01
    listed = desk("renovation", "list", "--json").stdout
    before = _journal_size(desk)
    for result in (("合格",), ("不合格", "--notes", "未按图纸放样")):
        early = desk("renovation", "inspect", "ZX2026-0001", "--result", *result, "--date", "2026-11-30")
        assert (early.exit_code, early.stdout, early.stderr.strip()) == (
            5,
            "",
            "错误：验收日期 2026-11-30 早于开工日期 2026-12-01：还没开工的装修不能验收，请检查 --date",
        )
    assert desk("renovation", "list", "--json").stdout == listed
    assert _journal_size(desk) == before
    failed = desk(
        "renovation", "inspect", "ZX2026-0001", "--result", "不合格", "--notes", "未按图纸放样", "--date", "2026-12-01"
    )
    assert failed.exit_code == 0, failed.output
    assert desk("renovation", "inspect", "ZX2026-0001", "--result", "合格", "--date", "2026-12-01").exit_code == 0
    [row] = json.loads(desk("renovation", "list", "--json").stdout)
    assert row["status"] == "验收合格"


def _paper_text(path: Path) -> str:
    return "\n".join(paragraph.text for paragraph in Document(str(path)).paragraphs)


def test_a_rectification_notice_threatens_a_deposit_only_where_one_is_held(desk: Any, workspace: Workspace) -> None:
    """A 装修违规整改通知 threatened every unit with 按协议约定从装修押金中扣除相应费用 — one with no renovation
    registered (works done without registering: the commonest violation), or one whose deposit was refunded —,
    a deposit the office does not hold, then (for a while) was refused for them.  It goes to them, telling them to
    stop and register; the deposit and the agreement are named only where a deposit is held."""
    from openpyxl import Workbook

    rectify = ("--set", "违规事项=占用消防通道", "--set", "整改期限=2026年12月20日")
    deposit = "并按协议约定从装修押金中扣除相应费用"
    register = "请立即停止施工，到物业服务中心办理装修登记手续"
    _register(desk)  # 3-2-1201, works from 2026-12-01
    alone = desk("notice", "make", "装修违规整改通知", "--unit", "1-1-101", *rectify)
    assert alone.exit_code == 0, alone.output
    (paper,) = [path for path in _generated(workspace) if path.name.startswith("装修违规整改通知")]
    text = _paper_text(paper)
    assert register in text and "押金" not in text and "《装饰装修管理协议》" not in text
    assert "逾期未整改的，物业服务中心将暂停该户装修人员出入；造成公共部位" in text
    paper.unlink()
    sheet = workspace.root / "整改名单.xlsx"
    workbook = Workbook()
    for row in (
        ["房号", "违规事项", "整改期限"],
        ["3-2-1201", "夜间施工", "2026年12月20日"],
        ["1-1-101", "占道", "2026年12月20日"],
    ):
        workbook.active.append(row)
    workbook.save(sheet)
    batch = desk("notice", "batch", "装修违规整改通知", str(sheet))
    assert batch.exit_code == 0, batch.output
    papers = {path.name: _paper_text(path) for path in _generated(workspace) if "装修违规整改通知" in path.name}
    (held,) = [text for text in papers.values() if "3栋2单元1201室" in text]
    (unregistered,) = [text for text in papers.values() if "1栋1单元101室" in text]
    assert deposit in held and "您签订的《装饰装修管理协议》" in held and register not in held
    assert register in unregistered and "押金" not in unregistered
    for args in (
        ("pay", "ZX2026-0001", "--date", "2026-11-23", "--reason", "补录"),
        ("inspect", "ZX2026-0001", "--result", "合格", "--date", "2026-12-01"),
        ("refund", "ZX2026-0001", "--date", "2026-12-01"),
    ):
        assert desk("renovation", *args).exit_code == 0
    before = set(_generated(workspace))
    refunded = desk("notice", "make", "装修违规整改通知", "--unit", "3-2-1201", *rectify)
    assert refunded.exit_code == 0, refunded.output
    (after,) = set(_generated(workspace)) - before
    text = _paper_text(after)
    assert register in text and "押金" not in text


def test_fees_bill_does_not_bill_the_renovation_deposit(desk: Any) -> None:
    """``fees bill --item 装修押金 --unit`` made a 2,000.00 bill of no renovation: owed as a fee
    (fees arrears, a 催缴通知书) and in the way of the unit's registration that month
    (已有“装修押金”账单，不能重复收取).  It is refused; the deposit is billed by the registration."""
    owed = json.loads(desk("fees", "account", "3-2-1201", "--json").stdout)["due_now_fen"]
    before = _journal_size(desk)
    result = desk("fees", "bill", "--month", "2026-11", "--item", "装修押金", "--unit", "3-2-1201")
    assert (result.exit_code, result.stderr.strip()) == (
        2,
        "错误：“装修押金”是装修押金，在装修登记时出账：请用 recordkit renovation register 登记装修，"
        "再用 recordkit renovation pay 收取",
    )
    assert result.stdout == ""
    assert _journal_size(desk) == before
    assert json.loads(desk("fees", "account", "3-2-1201", "--json").stdout)["due_now_fen"] == owed
    _register(desk)
    # The waste-removal fee, a one-off the office's own, is still billed by fees bill.
    waste = desk("fees", "bill", "--month", "2026-11", "--item", "装修垃圾清运费", "--unit", "1-1-101")
    assert waste.stdout.splitlines()[0] == "2026-11 出账完成：新建账单 1 张，合计 500.00 元"


def test_names_typed_with_blanks_are_kept_with_one_blank(desk: Any, workspace: Workspace) -> None:
    """Only the payer's blanks were cleaned: a manager, a contractor or a worker typed ``Wang  Qiang`` was kept and
    printed with both blanks; now each is kept as a receipt's payer is, one blank between words."""
    registered = desk(*_registration("3-2-1201", {"--manager": " Wang\u3000 Qiang ", "--contractor": "Anju   Decor"}))
    assert registered.exit_code == 0, registered.output
    assert registered.stdout.splitlines()[0] == (
        "已登记装修 ZX2026-0001：房号 3-2-1201，业主 李秀英，装修单位 Anju Decor（负责人 Wang Qiang，136****1111）"
    )
    [listed] = json.loads(desk("renovation", "list", "--json").stdout)
    assert (listed["contractor"], listed["manager"]) == ("Anju Decor", "Wang Qiang")
    assert desk("renovation", "pay", "ZX2026-0001", "--date", "2026-11-23", "--reason", "补录").exit_code == 0
    passed = desk("renovation", "pass", "ZX2026-0001", "--worker", f"Zhang  San,{ID_ZHANG}", "--date", "2026-12-01")
    assert passed.exit_code == 0, passed.output
    assert passed.stdout.splitlines()[1] == "  ZX2026-0001-01 Zhang San（440304********3412）"
    cards = next(path for path in _generated(workspace) if path.name.startswith("临时出入证"))
    assert "姓　　名：Zhang San" in Document(str(cards)).tables[0].rows[0].cells[0].text


def test_the_help_of_the_days_says_how_far_one_without_its_year_is_read(desk: Any) -> None:
    # --start's help said a day without its year is the next such one, not that it is held to three months
    shown = "".join(desk("renovation", "register", "--help").stdout.split()).replace("│", "")
    assert (
        "不写年份（12-10、12月10日）时为登记日期起的下一个这一天，须在登记日期前后三个月（90天）以内，否则请写明年份"
        in shown
    )
    assert "不写年份时为开工日期（早于登记日期时为登记日期）起的下一个这一天，须在其后三个月（90天）以内" in shown
    shown = "".join(desk("renovation", "extend", "--help").stdout.split()).replace("│", "")
    assert "为现在的完工日期（已过时为今天）起的下一个这一天，须在其后三个月（90天）以内，否则请写明年份" in shown


def test_the_help_of_worker_names_the_document_form(desk: Any) -> None:
    # --worker's help gave 姓名,身份证号 first, as if a resident number were the form and a passport an exception
    shown = "".join(desk("renovation", "pass", "--help").stdout.split()).replace("│", "")
    assert (
        "施工人员：姓名,证件号码[,工种]，证件号码即身份证号；其他证件写明名称，如姓名,护照:号码,木工（可多次写）"
        in shown
    )
