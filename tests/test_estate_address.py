"""Addresses on paper and notices to tenants (issue 15): `init` records the estate's address and
phone, certificates and notices print the full address, `doctor` warns when they are missing,
and `notice make --to` addresses the occupant."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from typer.testing import CliRunner

from recordkit.cli import app
from recordkit.cli import init as init_cli
from recordkit.core.config import load_settings
from recordkit.core.errors import UsageError
from recordkit.core.workspace import Workspace, open_workspace
from recordkit.documents.certificates import make_certificate
from recordkit.documents.notices import make_notices, select_recipients
from recordkit.ledger.db import Ledger
from recordkit.owners.contacts import add_contact
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.documents_fixtures import estate, paragraphs, ws  # noqa: F401 (fixtures)
from tests.fees_fixtures import CASHIER

TODAY = dt.date(2026, 11, 23)


def with_address(workspace: Workspace, ledger_url: str) -> Workspace:
    config = workspace.root / "recordkit.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('address = ""', 'address = "江宁市秦淮区幸福路88号"').replace(
        'phone = ""', 'phone = "025-84561234"'
    )
    config.write_text(text, encoding="utf-8")
    return open_workspace(workspace.root, environ={"RECORDKIT_DATABASE_URL": ledger_url})


def test_init_records_estate_address_and_phone(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "init", str(tmp_path / "幸福里"), "--operator", "王芳", "--estate", "幸福里小区",
            "--address", "江宁市秦淮区幸福路88号", "--phone", "025 8456 1234",
        ],
        env={"RECORDKIT_OPERATOR": None},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    settings = load_settings(tmp_path / "幸福里" / "recordkit.toml", environ={})
    assert (settings.office.estate, settings.office.address, settings.notices.phone) == (
        "幸福里小区",
        "江宁市秦淮区幸福路88号",
        "025-84561234",
    )
    bad = CliRunner().invoke(app, ["init", str(tmp_path / "二"), "--phone", "12"], env={"RECORDKIT_OPERATOR": None})
    assert bad.exit_code == 5 and not (tmp_path / "二" / "recordkit.toml").exists()


def test_init_names_the_phone_option_it_refuses(tmp_path: Path) -> None:
    # the refusal said 联系电话 only: which of the options typed was wrong, the clerk had to guess
    bad = CliRunner().invoke(
        app,
        ["init", str(tmp_path / "二"), "--operator", "王芳", "--phone", "0755-12345678"],
        env={"RECORDKIT_OPERATOR": None},
    )
    assert (bad.exit_code, bad.stdout) == (5, "")
    assert bad.stderr.strip() == (
        "错误：--phone 的物业服务中心电话“0755-12345678”的号码“12345678”不存在：区号后面的号码以 2–9 开头，"
        "不以 0 或 1 开头，请核对后改正"
    )
    assert not (tmp_path / "二" / "recordkit.toml").exists()


def test_doctor_warns_about_the_placeholder_estate_and_no_phone(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(tmp_path / "ws"), "--operator", "王芳"]).exit_code == 0
    result = runner.invoke(app, ["--workspace", str(tmp_path / "ws"), "doctor", "--json"])
    check = next(c for c in json.loads(result.stdout) if c["name"] == "小区信息")
    assert check["ok"] is False and check["required"] is False
    assert check["detail"] == "小区名称还是“示例小区”；没有填写小区地址；没有填写物业电话：证明和通知上会印错或缺少"


def test_residence_certificate_prints_the_full_address_and_phone(
    ws: Workspace,
    estate: Ledger,
    ledger_url: str,  # noqa: F811
) -> None:
    addressed = with_address(ws, ledger_url)
    made = make_certificate(addressed, estate, "居住证明", "1-1-101", CASHIER, purpose="子女入学", today=TODAY)
    lines = paragraphs(made.document.path)
    assert lines[2] == (
        "兹证明张伟（身份证号：110101199003071233）系江宁市秦淮区幸福路88号测试小区1栋1单元101室的业主，"
        "房屋建筑面积89.35平方米，自2020年5月1日起在该房屋居住至今。"
    )
    assert "联系电话：025-84561234" in lines


def body(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_a_notice_to_the_tenant(ws: Workspace, estate: Ledger, ledger_url: str) -> None:  # noqa: F811
    addressed = with_address(ws, ledger_url)
    add_contact(estate, "1-1-101", "赵磊", "租户", CASHIER, start_date=dt.date(2026, 3, 1))
    add_contact(estate, "1-1-101", "钱旧", "租户", CASHIER, end_date=dt.date(2026, 2, 28))  # moved out
    values = {"提示内容": "请勿高空抛物"}
    for to, salutation in (
        ("业主", "尊敬的张伟业主："),
        ("住户", "尊敬的赵磊住户："),
        ("全部", "尊敬的张伟业主、赵磊住户："),
    ):
        recipients = select_recipients(estate, unit="1-1-101", to=to, today=TODAY)
        batch = make_notices(addressed, estate, "温馨提示", recipients, values, CASHIER, today=TODAY)
        assert salutation in body(batch.documents[0].path).splitlines(), to
    # A unit with no tenant: the occupant is its owner.
    recipients = select_recipients(estate, unit="3-2-1201", to="住户", today=TODAY)
    batch = make_notices(addressed, estate, "温馨提示", recipients, values, CASHIER, today=TODAY)
    assert "尊敬的李秀英业主：" in body(batch.documents[0].path)
    with pytest.raises(UsageError, match="收件对象“租客”无效：应为 业主、住户、全部 之一"):
        select_recipients(estate, unit="1-1-101", to="租客")


def test_notice_make_to_flag_and_setting(run_cli: Any, workspace: Workspace) -> None:
    from tests.conftest import SAMPLE_ROWS, write_sheet

    sheet = write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS)
    assert run_cli("owners", "import", str(sheet)).exit_code == 0
    added = run_cli("owners", "contact", "add", "1-1-101", "赵磊", "--relation", "租户", "--phone", "13900001111")
    assert added.stdout.strip() == "已添加 1-1-101 的租户“赵磊”（联系人编号 1）"
    made = run_cli("notice", "make", "温馨提示", "--unit", "1-1-101", "--to", "住户", "--set", "提示内容=请勿高空抛物")
    assert made.exit_code == 0, made.stderr
    docs = sorted((workspace.root / "records" / "generated").rglob("温馨提示*.docx"))
    assert "尊敬的赵磊住户：" in body(docs[-1])
    listing = json.loads(run_cli("owners", "contact", "list", "--json").stdout)
    assert listing == [
        {
            "id": 1,
            "unit": "1-1-101",
            "name": "赵磊",
            "relation": "租户",
            "phone": "139****1111",
            "id_type": None,
            "id_number": None,
            "start_date": None,
            "end_date": None,
        }
    ]
    shown = json.loads(run_cli("owners", "show", "1-1-101", "--json").stdout)
    assert shown["contacts"][0]["name"] == "赵磊" and shown["co_owners"] == []
    removed = run_cli("owners", "contact", "remove", "1")
    assert removed.stdout.strip() == "已删除 1-1-101 的租户“赵磊”"
    bad = run_cli("notice", "make", "温馨提示", "--unit", "1-1-101", "--to", "房客", "--set", "提示内容=x")
    assert (bad.exit_code, bad.stderr.strip()) == (2, "错误：收件对象“房客”无效：应为 业主、住户、全部 之一")


BAD_PHONE_SAID = (
    "物业服务中心电话“0755-12345678”的号码“12345678”不存在：区号后面的号码以 2–9 开头，不以 0 或 1 开头，请核对后改正"
)


#: What doctor says a bad office phone stops with the stock templates: the papers that print it, by name.
STOPPED = "印这个电话的文书打印不了：停水通知、停电通知、催缴通知书、居住证明、电梯维保通知、缴费证明、装修违规整改通知"


def with_bad_phone(workspace: Workspace) -> Path:
    """``workspace``'s recordkit.toml with the office phone README used to show (now refused): the file."""
    config = workspace.root / "recordkit.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('phone = ""', 'phone = "0755-12345678"'), encoding="utf-8")
    return config


def made_files(workspace: Workspace) -> list[str]:
    return sorted(str(p.relative_to(workspace.root)) for p in (workspace.root / "records").rglob("*.docx"))


def billed_october(run_cli: Any, workspace: Workspace) -> None:
    """The sample roster imported and 2026-10 billed, 1-1-101 with a 停车费 of 150.00 元: an owner in arrears."""
    rule = (
        "fees",
        "rules",
        "add",
        "停车费",
        "--kind",
        "fixed",
        "--rate",
        "150",
        "--from",
        "2026-10",
        "--unit",
        "1-1-101",
    )
    for args in (
        ("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))),
        rule,
        ("fees", "bill", "--month", "2026-10"),
    ):
        assert run_cli(*args).exit_code == 0, args


def test_a_bad_office_phone_stops_only_the_papers_that_print_it(run_cli: Any, workspace: Workspace) -> None:
    # it stopped every command: after an upgrade the counter could not take money for a phone printed on reminders
    billed_october(run_cli, workspace)
    config = with_bad_phone(workspace)
    paid = run_cli("fees", "pay", "1-1-101", "--amount", "100")
    assert paid.exit_code == 0, paid.stderr
    listed = run_cli("receipt", "list", "--json")
    assert listed.exit_code == 0 and [r["total_fen"] for r in json.loads(listed.stdout)] == [10000]
    assert run_cli("index").exit_code == 0
    found = run_cli("search", "张伟", "--json")
    assert (found.exit_code, json.loads(found.stdout)["total"]) == (1, 0)  # searched: nothing filed yet (1, as grep)
    before = made_files(workspace)
    said = f"错误：配置文件 {config} 的 [notices] phone 有误：{BAD_PHONE_SAID}"
    for args in (("notice", "remind"), ("cert", "make", "居住证明", "--unit", "1-1-101")):
        refused = run_cli(*args)
        assert (refused.exit_code, refused.stderr.strip(), refused.stdout) == (3, said, ""), args
    env = {"RECORDKIT_NOTICES_PHONE": "8666"}
    refused = run_cli("notice", "remind", env=env)
    assert (refused.exit_code, refused.stderr.strip()) == (
        3,
        "错误：环境变量 RECORDKIT_NOTICES_PHONE 有误：物业服务中心电话“8666”不是有效的手机号或固定电话",
    )
    assert made_files(workspace) == before


def test_doctor_names_a_bad_office_phone_and_its_file(run_cli: Any, workspace: Workspace) -> None:
    # doctor stopped at loading the settings (exit 3) and checked nothing else
    config = with_bad_phone(workspace)
    config.write_text(
        config.read_text(encoding="utf-8").replace('address = ""', 'address = "江宁市秦淮区幸福路88号"'),
        encoding="utf-8",
    )
    result = run_cli("doctor", "--json")
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert checks["经办人"]["ok"] is True
    assert {k: checks["小区信息"][k] for k in ("ok", "required", "detail", "fix")} == {
        "ok": False,
        "required": True,
        "detail": f"配置文件 {config} 的 [notices] phone 有误：{BAD_PHONE_SAID}：{STOPPED}，不印电话的照常打印",
        "fix": f"把配置文件 {config} 的 [notices] phone 改成正确的号码，例如 025-84561234；还不知道号码的先清空，以后再填",
    }
    table = run_cli("doctor")
    assert (result.exit_code, table.exit_code) == (1, 1)
    assert table.stderr.strip() == "错误：安装不完整：小区信息有问题，按上面的修复方法处理后再运行 recordkit doctor"
    # it said 催缴通知书、通知和证明打印不了: 温馨提示 and 出门条 print, and so does an office's copy without the phone,
    # while an office's 收据 printing it stops the counter
    assert run_cli("templates", "copy", "居住证明").exit_code == 0
    without_words(
        workspace.root / "templates" / "居住证明.docx", ("{% if 物业电话 %}联系电话：{{ 物业电话 }}{% endif %}", "")
    )
    assert run_cli("templates", "copy", "收据").exit_code == 0
    receipt = Document(str(workspace.root / "templates" / "收据.docx"))
    receipt.add_paragraph("服务电话：{{ 物业电话 }}")
    receipt.save(str(workspace.root / "templates" / "收据.docx"))
    checks = {c["name"]: c for c in json.loads(run_cli("doctor", "--json").stdout)}
    assert checks["小区信息"]["detail"] == (
        f"配置文件 {config} 的 [notices] phone 有误：{BAD_PHONE_SAID}：印这个电话的文书打印不了：停水通知、停电通知、"
        "催缴通知书、收据、电梯维保通知、缴费证明、装修违规整改通知，不印电话的照常打印"
    )


def test_init_asks_the_phone_again_after_a_bad_answer_without_naming_an_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the answer typed at the question was refused as "--phone 的物业服务中心电话", an option nobody typed, and init
    # ended: every question to answer again
    monkeypatch.setattr(init_cli, "on_terminal", lambda: True)
    made = CliRunner().invoke(
        app,
        ["init", str(tmp_path / "二")],
        input="幸福里小区\n江宁市秦淮区幸福路88号\n0755-12345678\n0755 8666 1234\n王芳\n",
        env={"RECORDKIT_OPERATOR": None},
    )
    assert made.exit_code == 0, made.stderr
    assert made.stderr.strip() == f"{BAD_PHONE_SAID}（请重新输入，或直接回车以后再填）"
    assert made.stdout.count("物业服务中心电话（可以以后再填）") == 2
    settings = load_settings(tmp_path / "二" / "recordkit.toml", environ={})
    assert (settings.office.estate, settings.notices.phone, settings.operator) == (
        "幸福里小区",
        "0755-86661234",
        "王芳",
    )


def without_words(path: Path, *words: tuple[str, str]) -> None:
    """The office's template at ``path`` with each (written, instead) of ``words`` replaced in its runs."""
    document = Document(str(path))
    runs = [run for paragraph in paragraphs_of(document) for run in paragraph.runs]
    for written, instead in words:
        assert any(written in run.text for run in runs), written
        for run in runs:
            run.text = run.text.replace(written, instead)
    document.save(str(path))


def paragraphs_of(document: Any) -> list[Any]:
    cells = [cell for table in document.tables for row in table.rows for cell in row.cells]
    return [*document.paragraphs, *(paragraph for cell in cells for paragraph in cell.paragraphs)]


def words_of(path: Path) -> str:
    return "".join(paragraph.text for paragraph in paragraphs_of(Document(str(path))))


def test_a_bad_office_phone_stops_only_templates_that_print_it(
    run_cli: Any, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the office's own templates without {{ 物业电话 }} were refused for a phone they never print (exit 3)
    billed_october(run_cli, workspace)
    config = with_bad_phone(workspace)
    said = f"错误：配置文件 {config} 的 [notices] phone 有误：{BAD_PHONE_SAID}"
    water = ("notice", "make", "停水通知", "--unit", "1-1-101", "--set", "停水原因=管网维修", "--set", "停水范围=1栋")
    water += ("--set", "停水时间=2026年12月5日8:00", "--set", "恢复时间=2026年12月5日18:00")
    residence = ("cert", "make", "居住证明", "--unit", "1-1-101")
    remind = ("notice", "remind")
    monkeypatch.chdir(workspace.root)
    for args in (water, residence, remind):  # the stock templates print it: refused, nothing made
        refused = run_cli(*args)
        assert (refused.exit_code, refused.stderr.strip(), refused.stdout) == (3, said, ""), args
    assert made_files(workspace) == []
    for name in ("停水通知", "居住证明", "催缴通知书"):
        assert run_cli("templates", "copy", name).exit_code == 0
    folder = workspace.root / "templates"
    without_words(folder / "停水通知.docx", ("{% if 物业电话 %}（电话：{{ 物业电话 }}）{% endif %}", ""))
    without_words(folder / "居住证明.docx", ("{% if 物业电话 %}联系电话：{{ 物业电话 }}{% endif %}", ""))
    without_words(folder / "催缴通知书.docx", ("请致电{{ 联系电话 }}或", "请"))
    papers = {}
    for name, args in (("停水通知", water), ("居住证明", residence), ("催缴通知书", remind)):
        before = set(made_files(workspace))
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
        [papers[name]] = [workspace.root / p for p in set(made_files(workspace)) - before if name in p]
    assert "由此给您带来的不便，敬请谅解！如有疑问，请致电物业服务中心。" in words_of(papers["停水通知"])
    assert "联系电话" not in words_of(papers["居住证明"])
    assert "如对金额有疑问，请到物业服务中心核对。" in words_of(papers["催缴通知书"])
    assert not any("0755" in words_of(paper) for paper in papers.values())


def test_an_offices_receipt_prints_the_estates_address_and_phone(run_cli: Any, workspace: Workspace) -> None:
    # every design promises 物业电话 and 小区地址: `templates check 收据` passed a receipt printing them, and the
    # payment was refused (用到了没有提供的变量), the money not taken
    config = workspace.root / "recordkit.toml"
    text = config.read_text(encoding="utf-8").replace('address = ""', 'address = "江宁市秦淮区幸福路88号"')
    config.write_text(text.replace('phone = ""', 'phone = "025-84561234"'), encoding="utf-8")
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    assert run_cli("templates", "copy", "收据").exit_code == 0
    own = workspace.root / "templates" / "收据.docx"
    edited = Document(str(own))
    edited.add_paragraph("地址：{{ 小区地址 }}  服务电话：{{ 物业电话 }}")
    edited.save(str(own))
    checked = run_cli("templates", "check", str(own))
    assert (checked.exit_code, checked.stdout.splitlines()[-1]) == (0, "检查通过")
    paid = run_cli("fees", "pay", "1-1-101", "--amount", "100", "--prepay", "--yes")
    assert paid.exit_code == 0, paid.stderr
    [receipt] = made_files(workspace)
    assert "地址：江宁市秦淮区幸福路88号测试小区  服务电话：025-84561234" in words_of(workspace.root / receipt)
    config.write_text(text.replace('phone = ""', 'phone = "0755-12345678"'), encoding="utf-8")
    refused = run_cli(
        "fees", "pay", "1-1-101", "--amount", "100", "--prepay", "--yes"
    )  # it prints the phone: a bad one is refused
    assert (refused.exit_code, refused.stderr.strip(), refused.stdout) == (
        3,
        f"错误：配置文件 {config} 的 [notices] phone 有误：{BAD_PHONE_SAID}",
        "",
    )
    assert made_files(workspace) == [receipt]
    assert [r["total_fen"] for r in json.loads(run_cli("receipt", "list", "--json").stdout)] == [10000]
