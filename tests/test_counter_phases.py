"""The counter's units in an estate whose phases have names a generic reading would change (第一期, 2期): a
contact, a rate's units, a month's bills and a unit's balance read the unit typed with the estate's phases, once, as
``owners show`` does — never read again without them (第一期·1-1-101 read as 一期·1-1-101, a unit the ledger lacks).
Every expected unit, amount and message below is written by hand from ``ROWS``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from recordkit.billing.arrears import unit_balance
from recordkit.core.workspace import Workspace, open_workspace
from recordkit.ledger.db import open_ledger
from recordkit.owners.contacts import co_owners_of, list_contacts
from tests.conftest import write_sheet

PHASES = (
    '\n[[office.phases]]\nname = "第一期"\nspellings = ["一期", "北区"]\n'
    '\n[[office.phases]]\nname = "二期"\nspellings = ["南区"]\n'
)
ROWS = [
    [None, None, "第一期·1-1-101", 100.0, "孙丽", None, None, "2020-01-01", "已入住"],
    [None, None, "二期·1-1-101", 100.0, "周强", None, None, "2020-01-01", "已入住"],
]


@pytest.fixture
def estate(run_cli: Any, workspace: Workspace) -> Workspace:
    config = workspace.root / "recordkit.toml"
    config.write_text(config.read_text(encoding="utf-8") + PHASES, encoding="utf-8")
    imported = run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", ROWS)))
    assert imported.exit_code == 0, imported.output
    return workspace


def shown(run_cli: Any, unit: str) -> dict[str, Any]:
    result = run_cli("owners", "show", unit, "--json")
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def test_a_contact_is_added_to_the_unit_of_the_phase_typed(run_cli: Any, estate: Workspace) -> None:
    added = run_cli("owners", "contact", "add", "一期1-1-101", "赵磊", "--relation", "租户")
    assert added.exit_code == 0, added.output
    assert "已添加 第一期·1-1-101 的租户“赵磊”" in added.stdout
    assert [c["name"] for c in shown(run_cli, "第一期·1-1-101")["contacts"]] == ["赵磊"]
    assert shown(run_cli, "二期·1-1-101")["contacts"] == []


def test_a_bare_code_of_two_phases_is_asked_about(run_cli: Any, estate: Workspace) -> None:
    refused = run_cli("owners", "contact", "add", "1-1-101", "赵磊")
    assert refused.exit_code == 6
    assert refused.stderr.strip() == "错误：台账中没有房屋 1-1-101：是不是指 第一期·1-1-101 或 二期·1-1-101？"
    assert shown(run_cli, "第一期·1-1-101")["contacts"] == []
    assert shown(run_cli, "二期·1-1-101")["contacts"] == []


def test_a_rate_for_one_unit_bills_that_unit_only(run_cli: Any, estate: Workspace) -> None:
    rule = run_cli(
        "fees", "rules", "add", "代收电视费", "--kind", "oneoff", "--rate", "25", "--from", "2026-11",
        "--unit", "北区1-1-101",
    )  # fmt: skip
    assert rule.exit_code == 0, rule.output
    billed = run_cli("fees", "bill", "--month", "2026-11", "--item", "代收电视费", "--unit", "第一期1-1-101")
    assert billed.exit_code == 0, billed.output
    assert "新建账单 1 张，合计 25.00 元" in billed.stdout
    assert shown(run_cli, "第一期·1-1-101")["balance"]["due_now_fen"] == 2500
    assert shown(run_cli, "二期·1-1-101")["balance"]["due_now_fen"] == 0
    phases = open_workspace(estate.root, environ={}).settings.office.phase_table()
    with open_ledger(estate.database_url) as ledger:
        assert unit_balance(ledger, "一期1-1-101", phases=phases) == (2500, 0)
        assert unit_balance(ledger, "第一期·1-1-101", phases=phases) == (2500, 0)
        assert unit_balance(ledger, "南区1-1-101", phases=phases) == (0, 0)


def test_a_bare_code_of_two_phases_bills_nobody(run_cli: Any, estate: Workspace) -> None:
    rule = run_cli("fees", "rules", "add", "代收电视费", "--kind", "oneoff", "--rate", "25", "--from", "2026-11")
    assert rule.exit_code == 0, rule.output
    refused = run_cli("fees", "bill", "--month", "2026-11", "--item", "代收电视费", "--unit", "1-1-101")
    assert refused.exit_code == 6
    assert refused.stderr.strip() == "错误：台账中没有房屋 1-1-101：是不是指 第一期·1-1-101 或 二期·1-1-101？"
    assert shown(run_cli, "第一期·1-1-101")["balance"]["due_now_fen"] == 0
    assert shown(run_cli, "二期·1-1-101")["balance"]["due_now_fen"] == 0


# A unit read with the estate's phases by the command (第一期·1-1-101) was read again without them inside the library
# (一期·1-1-101, a unit the ledger lacks): paid, listed and looked at, it is the unit typed.


def billed(run_cli: Any, month: str = "2026-11") -> None:
    """物业服务费 at 2 元/㎡ for ``month``: 200.00 元 owed by each 100 ㎡ unit of ``ROWS``."""
    rule = run_cli("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2", "--from", month)
    assert rule.exit_code == 0, rule.output
    bill = run_cli("fees", "bill", "--month", month)
    assert bill.exit_code == 0, bill.output


def test_a_payment_is_taken_for_the_unit_of_the_phase_typed(run_cli: Any, estate: Workspace) -> None:
    billed(run_cli)
    paid = run_cli("fees", "pay", "一期1-1-101", "--amount", "200")
    assert paid.exit_code == 0, paid.output
    assert "房屋 第一期·1-1-101 尚欠 0.00 元，预收余额 0.00 元" in paid.stdout
    assert shown(run_cli, "第一期·1-1-101")["balance"]["due_now_fen"] == 0
    assert shown(run_cli, "二期·1-1-101")["balance"]["due_now_fen"] == 20000
    listed = run_cli("receipt", "list", "--unit", "北区1-1-101", "--json")
    assert listed.exit_code == 0, listed.output
    assert [(r["unit"], r["total_fen"], r["payer"]) for r in json.loads(listed.stdout)] == [
        ("第一期·1-1-101", 20000, "孙丽")
    ]
    other = run_cli("receipt", "list", "--unit", "二期1-1-101", "--json")
    assert other.exit_code == 0, other.output
    assert json.loads(other.stdout) == []


def test_the_account_of_the_unit_of_the_phase_typed(run_cli: Any, estate: Workspace) -> None:
    billed(run_cli)
    account = run_cli("fees", "account", "一期1-1-101", "--json")
    assert account.exit_code == 0, account.output
    assert json.loads(account.stdout)["unit"] == "第一期·1-1-101"


def test_a_bare_code_of_two_phases_is_paid_to_nobody(run_cli: Any, estate: Workspace) -> None:
    billed(run_cli)
    for command in (("fees", "pay", "1-1-101", "--amount", "200"), ("fees", "account", "1-1-101")):
        refused = run_cli(*command)
        assert refused.exit_code == 6, command
        assert refused.stderr.strip() == "错误：台账中没有房屋 1-1-101：是不是指 第一期·1-1-101 或 二期·1-1-101？"
    assert shown(run_cli, "第一期·1-1-101")["balance"]["due_now_fen"] == 20000
    assert shown(run_cli, "二期·1-1-101")["balance"]["due_now_fen"] == 20000


def test_the_contacts_of_the_unit_of_the_phase_typed(run_cli: Any, estate: Workspace) -> None:
    added = run_cli("owners", "contact", "add", "一期1-1-101", "赵磊", "--relation", "租户")
    assert added.exit_code == 0, added.output
    listed = run_cli("owners", "contact", "list", "--unit", "一期1-1-101", "--json")
    assert listed.exit_code == 0, listed.output
    assert [(c["unit"], c["name"]) for c in json.loads(listed.stdout)] == [("第一期·1-1-101", "赵磊")]
    with open_ledger(estate.database_url) as ledger:
        assert co_owners_of(ledger, "第一期·1-1-101") == []
        assert list_contacts(ledger, "第一期·1-1-101")[0].record.name == "赵磊"


@pytest.mark.parametrize(
    ("name", "other", "typed"),
    [("第二期", "三期", "第二期1-1-101"), ("2期", "三期", "2期1-1-101"), ("A区", "B区", "A区1-1-101")],
)
def test_a_phase_of_any_name_is_paid_and_shown_as_named(
    run_cli: Any, workspace: Workspace, name: str, other: str, typed: str
) -> None:
    config = workspace.root / "recordkit.toml"
    phases = f'\n[[office.phases]]\nname = "{name}"\n\n[[office.phases]]\nname = "{other}"\n'
    config.write_text(config.read_text(encoding="utf-8") + phases, encoding="utf-8")
    rows = [[None, None, f"{phase}·1-1-101", 100.0, owner] for phase, owner in ((name, "孙丽"), (other, "周强"))]
    imported = run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", rows)))
    assert imported.exit_code == 0, imported.output
    billed(run_cli)
    paid = run_cli("fees", "pay", typed, "--amount", "200")
    assert paid.exit_code == 0, paid.output
    assert f"房屋 {name}·1-1-101 尚欠 0.00 元，预收余额 0.00 元" in paid.stdout
    assert shown(run_cli, f"{name}·1-1-101")["balance"]["due_now_fen"] == 0
    assert shown(run_cli, f"{other}·1-1-101")["balance"]["due_now_fen"] == 20000
    account = run_cli("fees", "account", typed, "--json")
    assert account.exit_code == 0, account.output
    assert json.loads(account.stdout)["unit"] == f"{name}·1-1-101"


def paper_text(path: Path) -> str:
    """Every paragraph and table cell of a .docx, as a reader sees them."""
    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_receipt_names_the_phase_as_the_estate_does(run_cli: Any, estate: Workspace) -> None:
    billed(run_cli)
    paid = run_cli("fees", "pay", "一期1-1-101", "--amount", "200")
    assert paid.exit_code == 0, paid.output
    [path] = [line.removeprefix("收据文件：") for line in paid.stdout.splitlines() if line.startswith("收据文件：")]
    text = paper_text(estate.root / path)
    assert "第一期1栋1单元101室" in text
    assert "一期1栋1单元101室" not in text.replace("第一期1栋1单元101室", "")


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (("workorder", "add", "--type", "报修", "--category", "水电", "--desc", "漏水", "--unit", "一期1-1-101"),
         "第一期·1-1-101"),
        (("workorder", "list", "--unit", "一期1-1-101"), "工单 0 张"),
        (("archive", "list", "--unit", "一期1-1-101"), "档案 0 件"),
        (("notice", "make", "温馨提示", "--unit", "一期1-1-101", "--set", "提示内容=请勿高空抛物"),
         "温馨提示_第一期·1-1-101.docx"),
        (("notice", "make", "温馨提示", "--building", "一期1", "--set", "提示内容=请勿高空抛物"),
         "温馨提示送达签收表_第一期1栋.xlsx"),
        (("cert", "make", "居住证明", "--unit", "一期1-1-101"), "（第一期·1-1-101）"),
    ],
)  # fmt: skip
def test_every_command_reads_the_unit_of_the_phase_typed(
    run_cli: Any, estate: Workspace, command: tuple[str, ...], said: str
) -> None:
    result = run_cli(*command)
    assert result.exit_code == 0, result.output
    assert said in result.output


def test_the_counters_lists_put_the_phases_in_their_order(run_cli: Any, workspace: Workspace) -> None:
    # 三期 came before 二期 and 十期 between them and nothing else: phases were ordered by their characters
    rows = [
        [None, None, f"{phase}·1-1-101", 100.0, owner, None, None, "2020-01-01", "已入住"]
        for phase, owner in (("三期", "孙丽"), ("十期", "钱七"), ("一期", "周强"), ("二期", "吴九"))
    ]
    imported = run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", rows)))
    assert imported.exit_code == 0, imported.output
    billed(run_cli)
    arrears = run_cli("fees", "arrears", "--json")
    assert arrears.exit_code == 0, arrears.output
    assert [row["unit"] for row in json.loads(arrears.stdout)] == [
        "一期·1-1-101", "二期·1-1-101", "三期·1-1-101", "十期·1-1-101"
    ]  # fmt: skip
    for unit in ("三期1-1-101", "一期1-1-101", "二期1-1-101"):
        assert run_cli("owners", "contact", "add", unit, "赵磊", "--relation", "租户").exit_code == 0
    listed = run_cli("owners", "contact", "list", "--json")
    assert [row["unit"] for row in json.loads(listed.stdout)] == ["一期·1-1-101", "二期·1-1-101", "三期·1-1-101"]


def test_a_bare_code_asks_about_the_phases_in_their_order(run_cli: Any, workspace: Workspace) -> None:
    rows = [
        [None, None, f"{phase}·1-1-101", 100.0, owner, None, None, "2020-01-01", "已入住"]
        for phase, owner in (("三期", "孙丽"), ("十期", "钱七"), ("二期", "吴九"))
    ]
    imported = run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", rows)))
    assert imported.exit_code == 0, imported.output
    refused = run_cli("fees", "account", "1-1-101")
    assert refused.exit_code == 6
    assert refused.stderr.strip() == (
        "错误：台账中没有房屋 1-1-101：是不是指 二期·1-1-101 或 三期·1-1-101 或 十期·1-1-101？"
    )


def test_the_monthly_reports_buildings_put_the_phases_in_their_order(run_cli: Any, workspace: Workspace) -> None:
    # 三期1 came before 二期1 (by characters: 三 U+4E09 < 二 U+4E8C) and 二期10 before 二期2: one order with the lists
    rows = [
        [None, None, unit, 100.0, owner, None, None, "2020-01-01", "已入住"]
        for unit, owner in (
            ("三期·1-1-101", "孙丽"),
            ("十期·1-1-101", "钱七"),
            ("二期·10-1-101", "郑爽"),
            ("一期·1-1-101", "周强"),
            ("二期·2-1-101", "吴九"),
            ("二期·别墅3", "陈静"),
        )
    ]
    imported = run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", rows)))
    assert imported.exit_code == 0, imported.output
    billed(run_cli)
    report = run_cli("report", "monthly", "--month", "2026-11", "--out", str(workspace.root / "报表"))
    assert report.exit_code == 0, report.output
    [workbook] = (workspace.root / "报表").glob("*.xlsx")
    column = [row[0] for row in load_workbook(workbook)["收费汇总"].values]
    first = column.index("楼栋") + 1
    assert column[first : column.index("合计", first)] == ["一期1", "二期2", "二期10", "二期别墅", "三期1", "十期1"]


NUMERAL_PHASES = '\n[[office.phases]]\nname = "2期"\n\n[[office.phases]]\nname = "第三期"\n'


@pytest.mark.parametrize("typed", ["二期1-1-101", "第二期·1-1-101", "2期1栋1单元101室", "第2期1-1-101"])
def test_a_phase_declared_in_digits_takes_its_chinese_numeral(run_cli: Any, workspace: Workspace, typed: str) -> None:
    # 二期1-1-101 was refused in an estate whose phase is named 2期 (分区“二期”不在本小区的分区中（2期、第三期）)
    config = workspace.root / "recordkit.toml"
    config.write_text(config.read_text(encoding="utf-8") + NUMERAL_PHASES, encoding="utf-8")
    rows = [
        [None, None, unit, 100.0, owner, None, None, "2020-01-01", "已入住"]
        for unit, owner in (("2期·1-1-101", "孙丽"), ("第三期·1-1-101", "周强"))
    ]
    imported = run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", rows)))
    assert imported.exit_code == 0, imported.output
    added = run_cli("owners", "contact", "add", typed, "赵磊", "--relation", "租户")
    assert added.exit_code == 0, added.output
    assert "已添加 2期·1-1-101 的租户“赵磊”" in added.stdout
    assert [c["name"] for c in shown(run_cli, "2期·1-1-101")["contacts"]] == ["赵磊"]


@pytest.mark.parametrize("typed", ["三期1-1-101", "3期·1-1-101", "第3期1-1-101"])
def test_a_phase_declared_with_di_takes_its_other_spellings(run_cli: Any, workspace: Workspace, typed: str) -> None:
    config = workspace.root / "recordkit.toml"
    config.write_text(config.read_text(encoding="utf-8") + NUMERAL_PHASES, encoding="utf-8")
    rows = [[None, None, "第三期·1-1-101", 100.0, "周强", None, None, "2020-01-01", "已入住"]]
    imported = run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", rows)))
    assert imported.exit_code == 0, imported.output
    account = run_cli("fees", "account", typed, "--json")
    assert account.exit_code == 0, account.output
    assert json.loads(account.stdout)["unit"] == "第三期·1-1-101"
    other = run_cli("fees", "account", "四期1-1-101")
    assert other.exit_code == 5
    assert other.stderr.strip() == (
        "错误：房号“四期1-1-101”中的分区“四期”不在本小区的分区中（2期、第三期），请检查 recordkit.toml 的 [[office.phases]]"
    )


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        (("2期", "二期"), "分区“2期”和“二期”是同一个编号（二期），请合并或改名"),
        (("第二期", "二期"), "分区“第二期”和“二期”是同一个编号（二期），请合并或改名"),
        (("香榭丽舍", "第三期"), "分区“香榭丽舍”（写法“3期”）和“第三期”是同一个编号（三期），请合并或改名"),
    ],
)
def test_two_phases_of_one_number_are_refused_by_every_command(
    run_cli: Any, workspace: Workspace, declared: tuple[str, str], message: str
) -> None:
    # accepted before: 第二期1-1-101 went silently to whichever phase its generic reading 二期 matched
    first, second = declared
    spellings = '\nspellings = ["3期"]' if first == "香榭丽舍" else ""
    config = workspace.root / "recordkit.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + f'\n[[office.phases]]\nname = "{first}"{spellings}\n\n[[office.phases]]\nname = "{second}"\n',
        encoding="utf-8",
    )
    for command in (
        ("fees", "account", "第二期1-1-101"),
        ("owners", "list"),
        ("report", "monthly", "--month", "2026-11"),
    ):
        refused = run_cli(*command)
        assert refused.exit_code == 3, refused.output
        assert refused.stderr.strip() == f"错误：[[office.phases]] 有误：{message}"


@pytest.fixture
def lettered(run_cli: Any, workspace: Workspace) -> Workspace:
    """An estate of phases PARK and PARIS, its three units billed for 2026-11."""
    config = workspace.root / "recordkit.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[[office.phases]]\nname = "PARK"\n\n[[office.phases]]\nname = "PARIS"\n',
        encoding="utf-8",
    )
    rows = [
        [None, None, unit, 100.0, owner, None, None, "2020-01-01", "已入住"]
        for unit, owner in (("PARK·10-1-101", "孙丽"), ("PARK·3-1-101", "钱七"), ("PARIS·1-1-101", "周强"))
    ]
    imported = run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", rows)))
    assert imported.exit_code == 0, imported.output
    billed(run_cli)
    return workspace


def report_buildings(run_cli: Any, out: Path) -> list[Any]:
    """The 楼栋 rows of the 收费汇总 sheet of the 2026-11 monthly report written to ``out``."""
    report = run_cli("report", "monthly", "--month", "2026-11", "--out", str(out))
    assert report.exit_code == 0, report.output
    [workbook] = out.glob("*.xlsx")
    column = [row[0] for row in load_workbook(workbook)["收费汇总"].values]
    first = column.index("楼栋") + 1
    return column[first : column.index("合计", first)]


def test_the_monthly_reports_buildings_of_a_phase_named_with_a_final_letter(run_cli: Any, lettered: Workspace) -> None:
    # PARK3 was read as phase PAR, building K3, and so came before PARIS1 (PAR before PARIS by name)
    assert report_buildings(run_cli, lettered.root / "报表") == ["PARIS1", "PARK3", "PARK10"]


def test_a_closed_months_buildings_of_a_phase_named_with_a_final_letter(run_cli: Any, lettered: Workspace) -> None:
    # the kept lines of a closed month are ordered again when read back: in the open month's order
    closed = run_cli("--operator", "王芳", "fees", "close", "--month", "2026-11")
    assert closed.exit_code == 0, closed.output
    assert report_buildings(run_cli, lettered.root / "结账后") == ["PARIS1", "PARK3", "PARK10"]


@pytest.mark.parametrize(("typed", "units"), [("PARK3", ["PARK·3-1-101"]), ("PARIS1", ["PARIS·1-1-101"])])
def test_a_building_of_a_phase_named_with_a_final_letter_is_listed(
    run_cli: Any, lettered: Workspace, typed: str, units: list[str]
) -> None:
    # refused before, exit 5: 楼栋“PARK3”无效 (the phase PARK was not taken before a building number)
    listed = run_cli("owners", "list", "--building", typed, "--json")
    assert listed.exit_code == 0, listed.output
    assert [row["unit"] for row in json.loads(listed.stdout)] == units


# -- doctor: a phase spelt with one letter -------------------------------------------------------------------------


def _with_phases(workspace: Workspace, phases: str) -> None:
    config = workspace.root / "recordkit.toml"
    config.write_text(config.read_text(encoding="utf-8") + phases, encoding="utf-8")


def _phase_line(run_cli: Any) -> dict[str, Any]:
    result = run_cli("doctor", "--json")
    [check] = [check for check in json.loads(result.stdout) if check["name"] == "分区"]
    return dict(check)


def test_doctor_warns_of_a_phase_spelt_with_one_letter(run_cli: Any, workspace: Workspace) -> None:
    # A3 typed for phase A's building 3 was read as building A3 without a word: nothing told the office so
    _with_phases(workspace, '\n[[office.phases]]\nname = "A区"\nspellings = ["A"]\n\n[[office.phases]]\nname = "B区"\n')
    assert _phase_line(run_cli) == {
        "name": "分区",
        "ok": False,
        "detail": "分区“A区”的写法“A”后面紧跟楼号时按楼号读：A3 是 A3 栋，不是 A区 的 3 栋",
        "fix": "A区 的楼请写 A·3 或 A区3（房号写 A·3-1-101 或 A区3-1-101）；"
        "用不着“A”这个写法的，把它从 recordkit.toml 的 [[office.phases]] spellings 里删去",
        "required": False,
    }
    table = run_cli("doctor")
    [row] = [line for line in table.stdout.splitlines() if line.startswith("│ 分区")]
    assert "提醒" in row and "分区“A区”的写法“A”后面紧跟楼号时按楼号读" in row
    # as doctor says: A·3 and A区3 are A区's building 3, A3 the building A3
    rows = [
        [None, None, "A区·3-1-101", 100.0, "孙丽", None, None, "2020-01-01", "已入住"],
        [None, None, "A3-1-101", 100.0, "周强", None, None, "2020-01-01", "已入住"],
    ]
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", rows))).exit_code == 0
    for typed, unit in (("A·3", "A区·3-1-101"), ("A区3", "A区·3-1-101"), ("A3", "A3-1-101")):
        listed = run_cli("owners", "list", "--building", typed, "--json")
        assert listed.exit_code == 0, listed.output
        assert [row["unit"] for row in json.loads(listed.stdout)] == [unit]


def test_doctor_warns_of_a_phase_named_with_one_letter(run_cli: Any, workspace: Workspace) -> None:
    _with_phases(workspace, '\n[[office.phases]]\nname = "A"\n')
    assert _phase_line(run_cli) == {
        "name": "分区",
        "ok": False,
        "detail": "分区“A”的写法“A”后面紧跟楼号时按楼号读：A3 是 A3 栋，不是 A 的 3 栋",
        "fix": "A 的楼请写 A·3（房号写 A·3-1-101）",
        "required": False,
    }


def test_doctor_names_the_phases_when_none_is_spelt_with_one_letter(run_cli: Any, estate: Workspace) -> None:
    assert _phase_line(run_cli) == {"name": "分区", "ok": True, "detail": "第一期、二期", "fix": "", "required": False}


def test_doctor_says_an_estate_without_phases_has_none(run_cli: Any, workspace: Workspace) -> None:
    line = _phase_line(run_cli)
    assert (line["ok"], line["detail"]) == (True, "本小区没有设分区")
