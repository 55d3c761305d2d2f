"""Every variable a stock design promises is filled on its paper: an office's copy of each built-in template, with every
variable `templates check` lists added, is printed through the command a clerk uses, and each value is on the paper.

A design promising a variable its paper does not fill let `templates check` pass a template the counter then refused
(the 收据 with {{ 物业电话 }}: 用到了没有提供的变量)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from recordkit.core.workspace import Workspace
from tests.conftest import SAMPLE_ROWS, write_sheet

#: The office's values (recordkit.toml below), as every paper must print them.
OFFICE_VALUES = {
    "物业服务中心": "测试物业服务中心",
    "小区": "测试小区",
    "小区地址": "江宁市秦淮区幸福路88号测试小区",
    "物业电话": "025-84561234",
}

NOTICE = ("notice", "make")
WORKS = ("--date", "2026-06-23")
REGISTER = ("renovation", "register", "3-2-1201", "--contractor", "安居装饰", "--manager", "王强")
REGISTER += ("--phone", "13600001111", "--start", "2026-07-01", "--end", "2026-08-31", "--items", "水电改造", *WORKS)

#: Each stock template, the commands that print it (the last one prints it) and what each needs before it.
PRINTED_BY: dict[str, tuple[tuple[str, ...], ...]] = {
    "收据": (("fees", "pay", "1-1-101", "--amount", "100"),),
    "收据-241": (("fees", "pay", "1-1-101", "--amount", "100"),),
    "停水通知": (
        (*NOTICE, "停水通知", "--unit", "1-1-101", "--set", "停水原因=管网维修", "--set", "停水范围=1栋")
        + ("--set", "停水时间=2026年12月5日8:00", "--set", "恢复时间=当日18:00", "--date", "2026-12-01"),
    ),
    "停电通知": (
        (*NOTICE, "停电通知", "--unit", "1-1-101", "--set", "停电原因=变压器检修", "--set", "停电范围=1栋")
        + ("--set", "停电时间=2026年12月6日9:00", "--set", "恢复时间=当日17:00", "--date", "2026-12-01"),
    ),
    "电梯维保通知": (
        (*NOTICE, "电梯维保通知", "--unit", "1-1-101", "--set", "电梯位置=1栋1单元", "--set", "维保单位=奥的斯")
        + ("--set", "维保时间=2026年12月6日9:00", "--set", "结束时间=当日12:00", "--date", "2026-12-01"),
    ),
    "温馨提示": ((*NOTICE, "温馨提示", "--unit", "1-1-101", "--set", "提示内容=冬季请关好门窗"),),
    "装修违规整改通知": (
        (*NOTICE, "装修违规整改通知", "--unit", "1-1-101", "--set", "违规事项=中午施工")
        + ("--set", "整改期限=2026年12月10日", "--date", "2026-12-01"),
    ),
    "催缴通知书": (("notice", "remind"),),
    "居住证明": (("cert", "make", "居住证明", "--unit", "1-1-101", "--purpose", "子女入学"),),
    "缴费证明": (("fees", "pay", "1-1-102", "--amount", "300"), ("cert", "make", "缴费证明", "--unit", "1-1-102")),
    "出门条": (("cert", "make", "出门条", "--unit", "1-1-101", "--items", "冰箱1台", "--despite-arrears", "经理同意"),),
    "装修登记表": (REGISTER,),
    "装饰装修管理协议": (REGISTER, ("renovation", "agreement", "ZX2026-0001", "--date", "2026-06-25")),
    "临时出入证": (
        REGISTER,
        ("renovation", "pay", "ZX2026-0001", "--method", "微信", *WORKS, "--reason", "银行转账补录"),
        ("renovation", "pass", "ZX2026-0001", "--worker", "张三,440304198805123412,水电工", "--date", "2026-07-01"),
    ),
    "装修押金退款单": (
        REGISTER,
        ("renovation", "pay", "ZX2026-0001", "--method", "微信", *WORKS, "--reason", "银行转账补录"),
        ("renovation", "inspect", "ZX2026-0001", "--result", "合格", "--date", "2026-09-01"),
        ("renovation", "refund", "ZX2026-0001", "--method", "银行转账", "--date", "2026-09-01"),
    ),
}


@pytest.fixture
def office(run_cli: Any, workspace: Workspace) -> Workspace:
    """The test workspace with the estate's address and phone, three owners, a month billed and the renovation items."""
    config = workspace.root / "recordkit.toml"
    text = config.read_text(encoding="utf-8").replace('address = ""', 'address = "江宁市秦淮区幸福路88号"')
    config.write_text(text.replace('phone = ""', 'phone = "025-84561234"'), encoding="utf-8")
    for args in (
        ("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))),
        ("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01"),
        ("fees", "rules", "add", "装修押金", "--kind", "oneoff", "--rate", "2000", "--from", "2026-01"),
        ("fees", "rules", "add", "装修垃圾清运费", "--kind", "oneoff", "--rate", "500", "--from", "2026-01"),
        ("fees", "bill", "--month", "2026-10"),
    ):
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.output)
    return workspace


def words_of(path: Path) -> str:
    document = Document(str(path))
    cells = [cell for table in document.tables for row in table.rows for cell in row.cells]
    paragraphs = [*document.paragraphs, *(paragraph for cell in cells for paragraph in cell.paragraphs)]
    return "\n".join(paragraph.text for paragraph in paragraphs)


def test_every_stock_template_is_printed_by_a_command_here(run_cli: Any, workspace: Workspace) -> None:
    listed = run_cli("templates", "list", "--json")
    assert sorted(info["name"] for info in json.loads(listed.stdout)) == sorted(PRINTED_BY)


@pytest.mark.parametrize("name", sorted(PRINTED_BY))
def test_every_variable_a_design_promises_is_on_its_paper(run_cli: Any, office: Workspace, name: str) -> None:
    checked = run_cli("templates", "check", name, "--json")
    promised = json.loads(checked.stdout)["provided"]
    assert set(OFFICE_VALUES) <= set(promised)
    assert run_cli("templates", "copy", name).exit_code == 0
    own = office.root / "templates" / f"{name}.docx"
    edited = Document(str(own))
    for variable in promised:
        edited.add_paragraph(f"【{variable}：{{{{ {variable} }}}}】")
    edited.save(str(own))
    env = {"RECORDKIT_RECEIPT_LAYOUT": "241"} if name == "收据-241" else {}
    *before, command = PRINTED_BY[name]
    for args in before:
        result = run_cli(*args, env=env)
        assert result.exit_code == 0, (args, result.output)
    made = set((office.root / "records").rglob("*.docx"))
    result = run_cli(*command, env=env)
    assert result.exit_code == 0, (command, result.output)
    papers = [path for path in set((office.root / "records").rglob("*.docx")) - made if name.split("-")[0] in path.name]
    assert papers, result.output
    for paper in papers:  # a reminder for each unit in arrears
        words = words_of(paper)
        assert [variable for variable in promised if f"【{variable}：" not in words] == [], paper.name
        assert [f"【{variable}：{value}】" in words for variable, value in OFFICE_VALUES.items()] == [True] * 4
