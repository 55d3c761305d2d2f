"""The clerk's commands for templates, notices, reminders, certificates and the documents list:
exact output lines, exit codes, and nothing written on bad input."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import zipfile
import zoneinfo
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from recordkit.core.workspace import Workspace
from tests.conftest import SAMPLE_ROWS, last_journal_entry, write_sheet
from tests.documents_fixtures import works_under_way_in
from tests.test_templates import make_docx, package_is_whole

WATER = [
    "--set",
    "停水原因=管网维修",
    "--set",
    "停水范围=3栋",
    "--set",
    "停水时间=12月5日8:00",
    "--set",
    "恢复时间=当日18:00",
]


@pytest.fixture
def imported(run_cli: Any, workspace: Workspace) -> Workspace:
    sheet = write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS)
    assert run_cli("owners", "import", str(sheet)).exit_code == 0
    return workspace


def generated(ws: Workspace) -> list[Path]:
    return sorted(p for p in ws.records_subdir("generated").rglob("*") if p.is_file())


def texts_of(docx: Path) -> list[str]:
    return [paragraph.text for paragraph in Document(str(docx)).paragraphs]


def error_line(result: Any) -> str:
    return result.stderr.strip().splitlines()[0]


def table_rows(output: str) -> dict[str, list[str]]:
    """A printed table's rows by their first cell, each cell's wrapped lines joined (spaces dropped: a cell
    is wrapped at them)."""
    rows: dict[str, list[str]] = {}
    last: list[str] = []
    for line in output.splitlines():
        cells = [cell.replace(" ", "") for cell in line.split("│")[1:-1]]
        if not cells:
            continue
        if cells[0]:
            last = rows.setdefault(cells[0], cells)
        else:
            last[:] = [before + more for before, more in zip(last, cells, strict=True)]
    return rows


def journal_size(run_cli: Any) -> int:
    return len(json.loads(run_cli("journal", "list", "--limit", "100000", "--json").stdout))


def assert_nothing_written(run_cli: Any, ws: Workspace, journalled: int) -> None:
    """No file under records/generated, no document in the ledger, no journal entry."""
    assert generated(ws) == []
    assert json.loads(run_cli("docs", "list", "--json").stdout) == []
    assert journal_size(run_cli) == journalled


# -- templates --------------------------------------------------------------------------------


def water_notice(run_cli: Any, start: str, end: str, day: str = "2026-12-06") -> Any:
    """``notice make 停水通知`` for 3-2-1201 (管道检修, 3栋) off from ``start`` and back at ``end``, made on ``day``."""
    times = ["--set", f"停水时间={start}", "--set", f"恢复时间={end}"]
    water = ["--set", "停水原因=管道检修", "--set", "停水范围=3栋", *times]
    return run_cli("notice", "make", "停水通知", "--unit", "3-2-1201", *water, "--date", day)


def test_templates_list_json_names_kinds_and_origin(run_cli: Any, imported: Workspace) -> None:
    make_docx(imported.templates_dir / "停水通知.docx", "本处的停水通知 {{ 停水时间 }}")
    result = run_cli("templates", "list", "--json")
    assert result.exit_code == 0
    infos = {info["name"]: info for info in json.loads(result.stdout)}
    for name in (
        "停水通知",
        "停电通知",
        "电梯维保通知",
        "温馨提示",
        "装修违规整改通知",
        "催缴通知书",
        "居住证明",
        "缴费证明",
        "出门条",
    ):
        assert name in infos, name
    assert infos["催缴通知书"]["kind"] == "催缴通知书" and infos["出门条"]["kind"] == "出门条"
    assert infos["居住证明"]["origin"] == "内置" and "证件号码" in infos["居住证明"]["variables"]
    assert infos["停水通知"]["origin"] == "本处" and infos["停水通知"]["overrides_builtin"]
    assert infos["停水通知"]["variables"] == ["停水时间"]
    table = run_cli("templates", "list")
    assert "本处（覆盖内置）" in table.stdout


def test_templates_list_shows_every_template_file_and_what_is_wrong_with_a_broken_one(
    run_cli: Any, imported: Workspace
) -> None:
    # A broken template was listed like a good one with no variables, and one saved as .doc not at all:
    # the clerk learnt of it only when printing failed.
    folder = imported.templates_dir
    folder.mkdir(exist_ok=True)
    (folder / "旧通知.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    make_docx(folder / "漏写通知.docx", "{{ 称呼 }}：{% if 检修时间 %}本周六检修")
    make_docx(folder / "全角通知.docx", "{{ 称呼 }}：检修时间 ｛｛ 检修时间 ｝｝")
    (folder / "燃气检修通知.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    make_docx(folder / "停电通知.docx", "{{ 称呼 }}：{{ 停电时间 }}停电")
    result = run_cli("templates", "list", "--json")
    assert result.exit_code == 0, result.output
    infos = {info["name"]: info for info in json.loads(result.stdout)}
    problems = {name: info["problem"] for name, info in infos.items() if info["status"] == "有问题"}
    assert problems == {
        "旧通知": "模板“旧通知”其实是 Word 97-2003 文档（.doc）或设了打开密码的文档，只是文件名写成了 .docx："
        "请用 Word/WPS 打开（有密码的先去掉密码），“另存为” Word 文档（*.docx）后再试",
        "漏写通知": "模板“漏写通知”的占位符写法有误：正文段落“{{ 称呼 }}：{% if 检修时间 %}本周六检修”："
        "{% if %} 没有对应的 {% endif %}。请在 Word 里改正后再试，或运行 recordkit templates check 漏写通知",
        "全角通知": "模板“全角通知”的正文段落“{{ 称呼 }}：检修时间 ｛｛ 检修时间 ｝｝”：占位符不完整或被拆开"
        "（例如 { { 中间有空格、用了全角括号｛｝或全角的 ％、少了或多了一个括号）：请在 Word 里删掉整个占位符，"
        "重新输入 {{ 变量名 }}。改正后再用（recordkit templates check 全角通知 列出全部问题）",
        "燃气检修通知": "模板文件 燃气检修通知.doc 是 .doc 格式，recordkit 只能用 .docx 格式的模板："
        "请用 Word/WPS 打开它，“另存为” Word 文档（*.docx），保存到 templates/ 后再试",
    }
    assert infos["燃气检修通知"]["origin"] == "本处" and infos["燃气检修通知"]["path"].endswith("燃气检修通知.doc")
    assert infos["停电通知"]["status"] == "可用" and infos["停电通知"]["problem"] is None
    assert infos["停水通知"]["status"] == "可用" and infos["停水通知"]["origin"] == "内置"
    table = run_cli("templates", "list")
    assert table.exit_code == 0, table.output
    status = {name: cells[3] for name, cells in table_rows(table.stdout).items()}
    assert status["旧通知"] == f"有问题：{problems['旧通知']}".replace(" ", "")
    assert status["燃气检修通知"] == f"有问题：{problems['燃气检修通知']}".replace(" ", "")
    assert status["停电通知"] == "可用"  # the office's own, written without the built-in: no note of what it lacks
    for args in (("templates", "check", "漏写通知"), ("notice", "make", "漏写通知", "--unit", "3-2-1201")):
        assert run_cli(*args).exit_code == 5  # the check and the fill are where it fails


def test_an_office_template_named_in_gbk_is_found_by_its_name(run_cli: Any, imported: Workspace) -> None:
    # Saved from Windows onto a share: the file name reaches Linux as GBK bytes.  It was listed as
    # garbage (raw bytes in the --json output) and no name a clerk could type found it.
    folder = imported.templates_dir
    folder.mkdir(exist_ok=True)
    make_docx(
        Path(os.fsdecode(os.fsencode(folder) + b"/" + "燃气检修通知".encode("gbk") + b".docx")),
        "{{ 称呼 }}：{{ 检修时间 }}燃气检修",
    )
    listed = run_cli("templates", "list", "--json")
    assert listed.exit_code == 0, listed.output
    info = next(info for info in json.loads(listed.stdout_bytes.decode("utf-8")) if info["origin"] == "本处")
    assert info["name"] == "燃气检修通知" and info["variables"] == ["检修时间", "称呼"]
    assert info["path"].endswith("/templates/燃气检修通知.docx")
    checked = run_cli("templates", "check", "燃气检修通知")
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.splitlines()[0] == "模板“燃气检修通知”（通知）：templates/燃气检修通知.docx"
    made = run_cli("notice", "make", "燃气检修通知", "--unit", "3-2-1201", "--set", "检修时间=12月8日9:00")
    assert made.exit_code == 0, made.output
    assert "  燃气检修通知_3-2-1201.docx" in made.stdout.splitlines()
    docx = next(p for p in generated(imported) if p.suffix == ".docx")
    assert Document(str(docx)).paragraphs[0].text == "尊敬的李秀英业主：12月8日9:00燃气检修"


@pytest.mark.parametrize(
    "args",
    [
        ("notice", "make", "燃气检修通知", "--unit", "3-2-1201"),
        ("notice", "make", "燃气检修通知.doc", "--unit", "3-2-1201"),
        ("templates", "check", "燃气检修通知"),
        ("templates", "check", "templates/燃气检修通知.doc"),
    ],
)
def test_an_office_template_saved_as_doc_is_named_as_such(
    run_cli: Any, imported: Workspace, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    # Saved by Word as "Word 97-2003 文档": it was "没有名为“燃气检修通知”的模板", listing every template but it.
    imported.templates_dir.mkdir(exist_ok=True)
    (imported.templates_dir / "燃气检修通知.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    monkeypatch.chdir(imported.root)
    before = journal_size(run_cli)
    result = run_cli(*args)
    assert result.exit_code == 5, result.output
    assert error_line(result) == (
        "错误：模板文件 燃气检修通知.doc 是 .doc 格式，recordkit 只能用 .docx 格式的模板："
        "请用 Word/WPS 打开它，“另存为” Word 文档（*.docx），保存到 templates/ 后再试"
    )
    assert_nothing_written(run_cli, imported, before)


@pytest.mark.parametrize(
    "args",
    [
        ("notice", "make", "温馨提示", "--unit", "3-2-1201", "--set", "提示内容=请勿高空抛物"),
        ("templates", "check", "温馨提示"),
    ],
)
@pytest.mark.parametrize("saved_as", ["温馨提示.doc", "温馨提示.wps"])
def test_an_office_copy_of_a_builtin_saved_as_doc_is_not_replaced_by_the_builtin(
    run_cli: Any, imported: Workspace, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], saved_as: str
) -> None:
    # The clerk's edited 温馨提示 saved as "Word 97-2003 文档": the built-in 温馨提示 was printed instead,
    # and `templates check 温馨提示` checked the built-in and said 检查通过.
    imported.templates_dir.mkdir(exist_ok=True)
    (imported.templates_dir / saved_as).write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    monkeypatch.chdir(imported.root)
    before = journal_size(run_cli)
    result = run_cli(*args)
    assert result.exit_code == 5, result.output
    suffix = saved_as.rsplit(".", 1)[1]
    assert error_line(result) == (
        f"错误：模板文件 {saved_as} 是 .{suffix} 格式，recordkit 只能用 .docx 格式的模板："
        "请用 Word/WPS 打开它，“另存为” Word 文档（*.docx），保存到 templates/ 后再试"
    )
    assert "检查通过" not in result.stdout
    assert_nothing_written(run_cli, imported, before)


def test_a_doc_beside_the_docx_of_the_same_name_is_said_to_be_unused(
    run_cli: Any, imported: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 温馨提示.docx and the clerk's newer 温馨提示.doc side by side: the .docx was printed without a word, and the
    # clerk believed the edits made in the .doc were on the paper.
    folder = imported.templates_dir
    folder.mkdir(exist_ok=True)
    make_docx(folder / "温馨提示.docx", "{{ 称呼 }}：本处的提示 {{ 提示内容 }}")
    (folder / "温馨提示.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    monkeypatch.chdir(imported.root)
    note = "同名的 温馨提示.doc 没有使用（只用 .docx）"
    for args in (("templates", "check", "温馨提示"), ("templates", "check", "templates/温馨提示.docx")):
        checked = run_cli(*args)
        assert checked.exit_code == 0, checked.output
        assert f"[提示] {note}" in checked.stdout.splitlines()
    listed = run_cli("templates", "list", "--json")
    info = next(info for info in json.loads(listed.stdout) if info["name"] == "温馨提示")
    assert (info["status"], info["notes"][0], info["origin"]) == ("可用", note, "本处")
    assert info["lacks"] == []  # the office's own, not a copy of the built-in: what it leaves out is its choice
    assert table_rows(run_cli("templates", "list").stdout)["温馨提示"][3].startswith(f"可用{note}".replace(" ", ""))
    made = run_cli("notice", "make", "温馨提示", "--unit", "3-2-1201", "--set", "提示内容=请勿高空抛物")
    assert made.exit_code == 0, made.output
    [docx] = [p for p in generated(imported) if p.suffix == ".docx"]
    assert Document(str(docx)).paragraphs[0].text == "尊敬的李秀英业主：本处的提示 请勿高空抛物"
    assert "没有使用" not in run_cli("templates", "check", "停水通知").stdout


def test_an_office_copy_made_from_an_older_builtin_is_told_the_variables_it_lacks(
    run_cli: Any, imported: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The office's 催缴通知书, copied before the built-in named the fees owed ({{ 欠费项目 }}), says 物业服务费 in
    # fixed words on every reminder, and nothing told the office its copy lacks what the built-in now fills.
    assert run_cli("templates", "copy", "催缴通知书").exit_code == 0
    path = imported.templates_dir / "催缴通知书.docx"
    document = Document(str(path))
    [paragraph] = [p for p in document.paragraphs if "{{ 欠费项目 }}" in p.text]
    for run in paragraph.runs[1:]:
        run.text = ""
    old_words = (
        "物业服务费是维持小区正常管理和服务的必要费用。请您于{{ 缴费期限 }}前缴清上述费用。缴费方式：{{ 缴费方式 }}。"
    )
    paragraph.runs[0].text = old_words
    document.save(str(path))
    monkeypatch.chdir(imported.root)
    note = (
        "内置的“催缴通知书”用到的变量 欠费项目 本处的模板里没有（本处的模板可能是从旧版本复制的，内置模板后来加了这些内容）："
        "要用内置的新内容，运行 recordkit templates copy 催缴通知书 --force 换成内置模板（本处改过的地方要重新改，"
        "先把原文件另存一份），或对照内置模板，在 Word/WPS 里把这些变量补进本处的模板；"
        "本处特意不用这些变量的，在 Word/WPS 的“文件 → 属性”里把“类别”改成别的字（例如 本处模板），就不再提示"
    )
    for args in (("templates", "check", "催缴通知书"), ("templates", "check", "templates/催缴通知书.docx")):
        checked = run_cli(*args)
        assert checked.exit_code == 0, checked.output
        assert f"[提示] {note}" in checked.stdout.splitlines()
        assert checked.stdout.splitlines()[-1] == "检查通过"
    listed = run_cli("templates", "list", "--json")
    assert listed.exit_code == 0, listed.output
    info = next(info for info in json.loads(listed.stdout) if info["name"] == "催缴通知书")
    assert (info["status"], info["notes"], info["lacks"]) == ("可用", [note], ["欠费项目"])
    table = run_cli("templates", "list")
    assert table.exit_code == 0, table.output
    assert table_rows(table.stdout)["催缴通知书"][3] == f"可用{note}".replace(" ", "")
    doctor = run_cli("doctor", "--json")
    [check] = [check for check in json.loads(doctor.stdout) if check["name"] == "模板"]
    assert (check["ok"], check["required"]) == (False, False)
    assert check["detail"].endswith("本处模板 1 个，其中 1 个比内置模板少了变量：催缴通知书（欠费项目）")
    assert check["fix"] == "运行 recordkit templates check 催缴通知书，按提示换成内置模板或在 Word/WPS 里补上这些变量"
    # The built-in itself, and a copy made today, lack nothing.
    assert "本处的模板里没有" not in run_cli("templates", "check", "停水通知").stdout
    assert run_cli("templates", "copy", "催缴通知书", "--force").exit_code == 0
    info = next(
        info for info in json.loads(run_cli("templates", "list", "--json").stdout) if info["name"] == "催缴通知书"
    )
    assert (info["notes"], info["lacks"]) == ([], [])


def test_only_a_copy_of_a_builtin_is_told_the_variables_it_lacks(
    run_cli: Any, imported: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The office wrote its own 停电通知 from scratch, without the office's phone: templates list, check and doctor
    # told it, every time, to copy the built-in over it or add {{ 物业电话 }}, with no way to make them stop.
    folder = imported.templates_dir
    folder.mkdir(exist_ok=True)
    make_docx(folder / "停电通知.docx", "{{ 称呼 }}：{{ 停电时间 }}停电。{{ 物业服务中心 }} {{ 日期 }}")
    monkeypatch.chdir(imported.root)
    checked = run_cli("templates", "check", "停电通知")
    assert checked.exit_code == 0, checked.output
    assert "本处的模板里没有" not in checked.stdout
    info = next(
        info for info in json.loads(run_cli("templates", "list", "--json").stdout) if info["name"] == "停电通知"
    )
    assert (info["notes"], info["lacks"]) == ([], [])
    [check] = [check for check in json.loads(run_cli("doctor", "--json").stdout) if check["name"] == "模板"]
    assert "少了变量" not in check["detail"]
    # templates copy marks its copy with the built-in's name in the document's 类别 (文件 → 属性), which Word and
    # WPS keep: such a copy that lacks a variable is told, and how to stop the note.
    assert run_cli("templates", "copy", "停电通知", "--force").exit_code == 0
    path = folder / "停电通知.docx"
    assert _category(path) == "recordkit 内置模板：停电通知"
    document = Document(str(path))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run.text = run.text.replace("{% if 物业电话 %}（电话：{{ 物业电话 }}）{% endif %}", "")
    document.save(str(path))
    note = (
        "内置的“停电通知”用到的变量 物业电话 本处的模板里没有（本处的模板可能是从旧版本复制的，内置模板后来加了这些内容）："
        "要用内置的新内容，运行 recordkit templates copy 停电通知 --force 换成内置模板（本处改过的地方要重新改，"
        "先把原文件另存一份），或对照内置模板，在 Word/WPS 里把这些变量补进本处的模板；"
        "本处特意不用这些变量的，在 Word/WPS 的“文件 → 属性”里把“类别”改成别的字（例如 本处模板），就不再提示"
    )
    assert f"[提示] {note}" in run_cli("templates", "check", "停电通知").stdout.splitlines()
    # The clerk follows it: the 类别 says 本处模板, and nothing is told any more.
    _set_category(path, "本处模板")
    assert "本处的模板里没有" not in run_cli("templates", "check", "停电通知").stdout
    # A copy an older version made carries no mark but the built-ins' author, recordkit: still told.
    _set_category(path, "")
    assert f"[提示] {note}" in run_cli("templates", "check", "停电通知").stdout.splitlines()


def _category(path: Path) -> str:
    """The 类别 Word shows under 文件 → 属性 (read as text: docxcompose, once loaded, rebinds python-docx's cp:)."""
    core = zipfile.ZipFile(path).read("docProps/core.xml").decode()
    found = re.search(r"<cp:category>(.*?)</cp:category>", core)
    return found.group(1) if found else ""


def _set_category(path: Path, category: str) -> None:
    """The 类别 changed as a clerk changes it in Word (an empty one: none, as in a copy an older version made)."""
    with zipfile.ZipFile(path) as package:
        parts = [(info, package.read(info)) for info in package.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in parts:
            if info.filename == "docProps/core.xml":
                core = re.sub(r"<cp:category>.*?</cp:category>", "", data.decode())
                data = core.replace(
                    "</cp:coreProperties>", f"<cp:category>{category}</cp:category></cp:coreProperties>"
                )
                data = data.replace("<cp:category></cp:category>", "").encode()
            package.writestr(info, data)


RENAMED_DOC = (
    "模板“燃气检修通知”其实是 Word 97-2003 文档（.doc）或设了打开密码的文档，只是文件名写成了 .docx："
    "请用 Word/WPS 打开（有密码的先去掉密码），“另存为” Word 文档（*.docx）后再试"
)


@pytest.mark.parametrize(
    ("args", "said", "error"),
    [
        (
            ("notice", "make", "燃气检修通知", "--unit", "3-2-1201", "--set", "检修时间=12月8日9:00"),
            "",
            f"错误：{RENAMED_DOC}",
        ),
        (
            ("templates", "check", "燃气检修通知"),
            f"[错误] {RENAMED_DOC}",
            "错误：模板“燃气检修通知”未通过检查：1 处错误，改正后再用",
        ),
    ],
)
def test_a_doc_renamed_to_docx_or_a_docx_with_a_password_is_named_as_such(
    run_cli: Any, imported: Workspace, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], said: str, error: str
) -> None:
    # It was "不是有效的 .docx 文件（File is not a zip file）。请用 Word/WPS 另存为 .docx 格式": saved again
    # with its password, the file was refused again.
    imported.templates_dir.mkdir(exist_ok=True)
    (imported.templates_dir / "燃气检修通知.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    monkeypatch.chdir(imported.root)
    before = journal_size(run_cli)
    result = run_cli(*args)
    assert result.exit_code == 5, result.output
    assert not said or said in result.stdout.splitlines()
    assert error_line(result) == error
    assert_nothing_written(run_cli, imported, before)


def renamed_to_docx(path: Path, main_type: str) -> Path:
    """A template saved by Word as ``main_type`` (a .docm with its macros, a .dotx) and then renamed .docx."""
    make_docx(path, "尊敬的{{ 称呼 }}：{{ 检修时间 }}燃气检修")
    with zipfile.ZipFile(path) as package:
        entries = {name: package.read(name) for name in package.namelist()}
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(docx_type.encode(), main_type.encode())
    if "macroEnabled" in main_type:
        entries["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    with zipfile.ZipFile(path, "w") as package:
        for name, data in entries.items():
            package.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("main_type", "label", "suffix"),
    [
        ("application/vnd.ms-word.document.macroEnabled.main+xml", "启用宏的 Word 文档", ".docm"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml", "Word 模板", ".dotx"),
    ],
)
def test_a_docm_or_dotx_renamed_to_docx_is_refused(
    run_cli: Any, imported: Workspace, monkeypatch: pytest.MonkeyPatch, main_type: str, label: str, suffix: str
) -> None:
    # Refused as .docm, the clerk renamed it .docx: `templates check` passed it, and every notice it filled
    # kept the macro-enabled kind under a .docx name, which Word refuses to open.
    imported.templates_dir.mkdir(exist_ok=True)
    renamed_to_docx(imported.templates_dir / "燃气检修通知.docx", main_type)
    monkeypatch.chdir(imported.root)
    expected = (
        f"模板“燃气检修通知”其实是{label}（{suffix}），只是文件名改成了 .docx：这样填出的文书 Word 打不开。"
        f"请把文件名改回 {suffix}，用 Word/WPS 打开，“另存为” Word 文档（*.docx），保存到 templates/ 后再试"
    )
    checked = run_cli("templates", "check", "燃气检修通知")
    assert checked.exit_code == 5, checked.output
    assert f"[错误] {expected}" in checked.stdout.splitlines()
    before = journal_size(run_cli)
    made = run_cli("notice", "make", "燃气检修通知", "--unit", "3-2-1201", "--set", "检修时间=12月8日9:00")
    assert made.exit_code == 5, made.output
    assert error_line(made) == f"错误：{expected}"
    assert_nothing_written(run_cli, imported, before)


@pytest.mark.parametrize(
    ("paragraph", "what"),
    [
        ("共 {{ 户数 + 1 }} 户", "用到的值不能这样计算，例如文字加数字"),
        ("每户 {{ 100 // 户数|int }} 元", "除数是 0"),
    ],
)
def test_a_template_whose_arithmetic_fails_is_refused_naming_the_paragraph(
    run_cli: Any, imported: Workspace, monkeypatch: pytest.MonkeyPatch, paragraph: str, what: str
) -> None:
    # It was "程序内部错误（TypeError），详情已写入 …（编号 …）。请把这个编号告诉维护人员", exit code 70.
    imported.templates_dir.mkdir(exist_ok=True)
    make_docx(imported.templates_dir / "燃气检修通知.docx", "{{ 称呼 }}：", paragraph)
    monkeypatch.chdir(imported.root)
    before = journal_size(run_cli)
    made = run_cli("notice", "make", "燃气检修通知", "--unit", "3-2-1201", "--set", "户数=0")
    assert made.exit_code == 5, made.output
    assert error_line(made) == (
        f"错误：模板“燃气检修通知”的正文段落“{paragraph}”无法填写：这一段的计算出错（{what}）。--set 填写的值都是文字，"
        "要当数字计算请写成 {{ 户数|int + 1 }} 这样，改正后再用 recordkit templates check 燃气检修通知 检查"
    )
    assert_nothing_written(run_cli, imported, before)


def test_templates_check_a_builtin_passes(run_cli: Any, imported: Workspace) -> None:
    result = run_cli("templates", "check", "催缴通知书")
    assert result.exit_code == 0
    assert "模板“催缴通知书”（催缴通知书）" in result.stdout and result.stdout.strip().endswith("检查通过")


def test_templates_check_quotes_the_broken_paragraph(run_cli: Any, imported: Workspace, tmp_path: Path) -> None:
    path = make_docx(tmp_path / "坏通知.docx", "第一段", "尊敬的{{ 业主姓名 业主：")
    result = run_cli("templates", "check", str(path))
    assert result.exit_code == 5
    assert "[错误] 模板“坏通知”的占位符写法有误：正文段落“尊敬的{{ 业主姓名 业主：”" in result.stdout
    assert "发现 1 处错误" in result.stdout
    assert error_line(result) == "错误：模板“坏通知”未通过检查：1 处错误，改正后再用"


def test_templates_check_fails_an_unknown_test_in_a_branch_and_notice_make_writes_nothing(
    run_cli: Any, imported: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `templates check` said 检查通过 and every notice failed with "无法填写：No test named '空' found.".
    imported.templates_dir.mkdir(exist_ok=True)
    make_docx(imported.templates_dir / "燃气检修通知.docx", "{% if 检修时间 is 空 %}另行通知{% endif %}")
    monkeypatch.chdir(imported.root)
    reason = (
        "模板“燃气检修通知”的占位符写法有误：正文段落“{% if 检修时间 is 空 %}另行通知{% endif %}”："
        "没有名为“空”的判断（is 后面的名字写错了）。请在 Word 里改正后再试，或运行 recordkit templates check 燃气检修通知"
    )
    checked = run_cli("templates", "check", "燃气检修通知")
    assert checked.exit_code == 5, checked.output
    assert f"[错误] {reason}" in checked.stdout.splitlines()
    before = journal_size(run_cli)
    made = run_cli("notice", "make", "燃气检修通知", "--unit", "3-2-1201", "--set", "检修时间=12月8日9:00")
    assert made.exit_code == 5, made.output
    assert error_line(made) == f"错误：{reason}"
    assert_nothing_written(run_cli, imported, before)


def test_a_broken_template_whose_name_holds_a_blank_is_named_to_check_as_a_shell_takes_it(
    run_cli: Any, imported: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An office template 燃气 检修通知 that does not compile told the clerk to run ``recordkit templates check 燃气
    检修通知`` (two names to a shell), from ``templates check`` and ``notice make`` alike; the name is quoted."""
    imported.templates_dir.mkdir(exist_ok=True)
    make_docx(imported.templates_dir / "燃气 检修通知.docx", "{% if 检修时间 is 空 %}另行通知{% endif %}")
    monkeypatch.chdir(imported.root)
    reason = (
        "模板“燃气 检修通知”的占位符写法有误：正文段落“{% if 检修时间 is 空 %}另行通知{% endif %}”："
        "没有名为“空”的判断（is 后面的名字写错了）。请在 Word 里改正后再试，或运行 recordkit templates check '燃气 检修通知'"
    )
    checked = run_cli("templates", "check", "燃气 检修通知")
    assert checked.exit_code == 5, checked.output
    assert f"[错误] {reason}" in checked.stdout.splitlines()
    made = run_cli("notice", "make", "燃气 检修通知", "--unit", "3-2-1201", "--set", "检修时间=12月8日9:00")
    assert (made.exit_code, error_line(made)) == (5, f"错误：{reason}")


def test_templates_check_finds_misspelt_variables_and_sandbox_escapes(
    run_cli: Any, imported: Workspace, tmp_path: Path
) -> None:
    path = make_docx(tmp_path / "催缴通知书.docx", "{{ 业主姓明 }}", "{{ 称呼.__class__ }}", "{{ 合计 }}")
    result = run_cli("templates", "check", str(path), "--json")
    assert result.exit_code == 5
    report = json.loads(result.stdout)
    messages = [(f["level"], f["where"], f["message"]) for f in report["findings"]]
    assert (
        "错误",
        "正文段落“{{ 称呼.__class__ }}”",
        "访问“__class__”是不允许的（模板沙箱会拒绝），模板里只能使用普通变量",
    ) in messages
    assert ("错误", "正文段落“{{ 业主姓明 }}”", "变量“业主姓明”recordkit 不提供，是不是“业主姓名”写错了？") in messages
    assert report["kind"] == "催缴通知书" and not report["ok"]


def test_templates_check_says_where_a_variable_nobody_provides_is_used(
    run_cli: Any, imported: Workspace, tmp_path: Path
) -> None:
    # A four-page 装饰装修管理协议 or a reminder with a table: it said only 变量“合记”recordkit 不提供, not where.
    document = Document()
    document.add_paragraph("催缴通知书")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "合计", "{{ 合记 }}元"
    document.add_paragraph("联系人：{{ 联系人 }}")
    document.sections[0].footer.paragraphs[0].text = "物业服务中心 {{ 联系人 }}"
    document.save(tmp_path / "催缴通知书.docx")
    result = run_cli("templates", "check", str(tmp_path / "催缴通知书.docx"))
    assert result.exit_code == 5, result.output
    lines = result.stdout.splitlines()
    assert "[错误] 正文段落“{{ 合记 }}元”：变量“合记”recordkit 不提供，是不是“合计”写错了？" in lines
    assert (
        "[错误] 正文段落“联系人：{{ 联系人 }}” 等 2 处：变量“联系人”recordkit 不提供，是不是“联系电话”写错了？" in lines
    )


def test_templates_check_asks_for_no_variable_a_comment_uses(run_cli: Any, imported: Workspace, tmp_path: Path) -> None:
    # A placeholder in a 批注 (Word's 审阅 → 新建批注) was a variable the check asked for ("车牌号"
    # recordkit 不提供, exit 5), though the comment is a note on the template that no paper carries.
    document = Document()
    paragraph = document.add_paragraph("兹证明{{ 业主姓名 }}居住于{{ 房屋地址 }}。")
    document.add_comment(paragraph.runs, text="车牌：{{ 车牌号 }}", author="王经理")
    document.save(tmp_path / "居住证明.docx")
    result = run_cli("templates", "check", str(tmp_path / "居住证明.docx"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "用到的变量：业主姓名、房屋地址",
        "[提示] 模板里有 1 条批注（“车牌：{{ 车牌号 }}”）：批注不会印到文件里（填写出的文书不带批注，批注里的 {{ }} 也不会填写）",
        "检查通过",
    ]


def test_templates_check_tells_of_the_comments_the_papers_leave_out(
    run_cli: Any, imported: Workspace, tmp_path: Path
) -> None:
    # A reviewer's 批注 left in the template was in every owner's notice; now it is left out, and the check says so.
    document = Document()
    paragraph = document.add_paragraph("{{ 称呼 }}：本周六燃气检修，请在家等候。")
    document.add_comment(paragraph.runs, text="内部：这户上次投诉过，态度注意", author="王经理")
    document.add_comment(paragraph.runs, text="时间再确认", author="王经理")
    document.save(tmp_path / "燃气检修通知.docx")
    result = run_cli("templates", "check", str(tmp_path / "燃气检修通知.docx"))
    assert result.exit_code == 0, result.output
    assert (
        "[提示] 模板里有 2 条批注（第一条：“内部：这户上次投诉过，态度注意”）：批注不会印到文件里（填写出的文书不带批注）"
    ) in result.stdout.splitlines()


def test_a_templates_comments_are_not_in_the_papers_filled_from_it(run_cli: Any, imported: Workspace) -> None:
    # The clerk's 批注 "记得改日期" on the template was in every owner's notice, and Word showed it beside the text.
    document = Document()
    paragraph = document.add_paragraph("{{ 称呼 }}：本周六燃气检修，检修时间{{ 检修时间 }}，请在家等候。")
    document.add_comment(paragraph.runs, text="记得改日期", author="王经理")
    imported.templates_dir.mkdir(exist_ok=True)
    document.save(imported.templates_dir / "燃气检修通知.docx")
    made = run_cli("notice", "make", "燃气检修通知", "--unit", "3-2-1201", "--set", "检修时间=12月8日9:00")
    assert made.exit_code == 0, made.output
    [docx] = [p for p in generated(imported) if p.suffix == ".docx"]
    with zipfile.ZipFile(docx) as package:
        everything = b"".join(package.read(name) for name in package.namelist())
        body = package.read("word/document.xml").decode("utf-8")
    assert "记得改日期".encode() not in everything and "王经理".encode() not in everything
    assert "comment" not in body.lower()
    package_is_whole(docx)
    filled = Document(str(docx))
    assert [p.text for p in filled.paragraphs] == [
        "尊敬的李秀英业主：本周六燃气检修，检修时间12月8日9:00，请在家等候。"
    ]
    assert list(filled.comments) == []


def cells_loop_template(path: Path, first: str = "{% for 行 in 明细 %}{{ 行.项目 }}") -> Path:
    """A reminder whose second table row was meant to repeat per item, the loop written as a clerk would
    without knowing {%tr %}: opened in the row's first cell, ended in its last."""
    document = Document()
    document.add_paragraph("{{ 称呼 }}：您的欠费如下")
    table = document.add_table(rows=3, cols=3)
    for cell, text in zip(table.rows[0].cells, ("项目", "月份", "金额"), strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, (first, "{{ 行.月份 }}", "{{ 行.金额 }}{% endfor %}"), strict=True):
        cell.text = text
    table.rows[2].cells[0].text = "合计 {{ 合计 }}"
    document.save(path)
    return path


LOOP_IN_CELLS = (
    "模板“催缴通知书”的正文第 1 个表格第 2 行：{% for 行 in 明细 %} 和它的 {% endfor %} 写在这一行的不同格子里，"
    "填写时会在这一行里多出格子，而不是每一项多出一行，已拒绝。要每一项印一行，请在这一行上面插入一行、只写 "
    "{%tr for 行 in 明细 %}，下面插入一行、只写 {%tr endfor %}，再删掉这一行里的 {% for 行 in 明细 %} 和 {% endfor %}"
)


def test_templates_check_refuses_a_for_loop_across_the_cells_of_one_row(
    run_cli: Any, imported: Workspace, tmp_path: Path
) -> None:
    # A plain {% for %} in a row's first cell and {% endfor %} in its last printed every item in that one row,
    # side by side in new cells (物业费 | 10月 | 100水费 | 11月 | 20), and the check said 检查通过.
    result = run_cli("templates", "check", str(cells_loop_template(tmp_path / "催缴通知书.docx")))
    assert result.exit_code == 5, result.output
    assert f"[错误] {LOOP_IN_CELLS}" in result.stdout.splitlines()


def test_a_notice_with_a_for_loop_across_the_cells_of_one_row_is_not_printed(run_cli: Any, imported: Workspace) -> None:
    imported.templates_dir.mkdir(exist_ok=True)
    cells_loop_template(imported.templates_dir / "燃气检修通知.docx", "{% for 户 in 范围.split('、') %}{{ 户 }}")
    before = journal_size(run_cli)
    made = run_cli("notice", "make", "燃气检修通知", "--unit", "3-2-1201", "--set", "范围=1栋、2栋")
    assert made.exit_code == 5, made.output
    assert error_line(made) == "错误：" + LOOP_IN_CELLS.replace("催缴通知书", "燃气检修通知").replace(
        "{% for 行 in 明细 %}", "{% for 户 in 范围.split('、') %}"
    ).replace("{%tr for 行 in 明细 %}", "{%tr for 户 in 范围.split('、') %}")
    assert_nothing_written(run_cli, imported, before)


def test_a_row_loop_and_a_loop_inside_one_cell_are_filled_as_before(run_cli: Any, imported: Workspace) -> None:
    # What the check must not refuse: {%tr %} rows around the repeated row, and a loop that stays in one cell.
    document = Document()
    table = document.add_table(rows=4, cols=2)
    table.rows[0].cells[0].text = "{%tr for 户 in 范围.split('、') %}"
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "{{ 户 }}", "{% for 字 in 户 %}[{{ 字 }}]{% endfor %}"
    table.rows[2].cells[0].text = "{%tr endfor %}"
    table.rows[3].cells[0].text = "{{ 称呼 }}"
    imported.templates_dir.mkdir(exist_ok=True)
    document.save(imported.templates_dir / "燃气检修通知.docx")
    made = run_cli("notice", "make", "燃气检修通知", "--unit", "3-2-1201", "--set", "范围=1栋、2栋")
    assert made.exit_code == 0, made.output
    [docx] = [p for p in generated(imported) if p.suffix == ".docx"]
    rows = [[cell.text for cell in row.cells] for row in Document(str(docx)).tables[0].rows]
    assert rows == [["1栋", "[1][栋]"], ["2栋", "[2][栋]"], ["尊敬的李秀英业主", ""]]


def test_templates_check_finds_words_mail_merge_fields(run_cli: Any, imported: Workspace, tmp_path: Path) -> None:
    # Inserted with Word's 邮件合并 → 插入合并域 (a field: begin, its instruction, its shown «业主姓名», end):
    # 检查通过, and every notice printed «业主姓名».
    document = Document()
    paragraph = document.add_paragraph("尊敬的")

    def field_run(tag: str, **attributes: str) -> None:
        element = OxmlElement(tag)
        for key, value in attributes.items():
            element.set(qn(key), value)
        if tag == "w:instrText":
            element.text = " MERGEFIELD 业主姓名 "
        run = OxmlElement("w:r")
        run.append(element)
        paragraph._p.append(run)

    field_run("w:fldChar", **{"w:fldCharType": "begin"})
    field_run("w:instrText")
    field_run("w:fldChar", **{"w:fldCharType": "separate"})
    paragraph.add_run("«业主姓名»")
    field_run("w:fldChar", **{"w:fldCharType": "end"})
    paragraph.add_run("业主：")
    document.save(tmp_path / "燃气检修通知.docx")
    result = run_cli("templates", "check", str(tmp_path / "燃气检修通知.docx"))
    assert result.exit_code == 5, result.output
    assert (
        "[错误] 正文段落“尊敬的«业主姓名»业主：”：“业主姓名”是 Word 的邮件合并域，recordkit 不会填写它（纸上会原样印出）："
        "请删掉它，改为输入 {{ 业主姓名 }}"
    ) in result.stdout.splitlines()


def test_templates_check_a_reminder_variable_nobody_provides(run_cli: Any, imported: Workspace, tmp_path: Path) -> None:
    path = make_docx(tmp_path / "出门条.docx", "{{ 车牌号 }}")
    result = run_cli("templates", "check", str(path))
    assert result.exit_code == 5
    assert "[错误] 正文段落“{{ 车牌号 }}”：变量“车牌号”recordkit 不提供（出门条可用的变量：" in result.stdout


def test_templates_check_notice_variables_come_from_set(run_cli: Any, imported: Workspace, tmp_path: Path) -> None:
    path = make_docx(tmp_path / "燃气检修通知.docx", "{{ 称呼 }}：检修时间{{ 检修时间 }}")
    result = run_cli("templates", "check", str(path))
    assert result.exit_code == 0
    assert "[提示] 变量“检修时间”需要在打印时用 --set 检修时间=… 填写" in result.stdout


def test_templates_check_split_placeholders(run_cli: Any, imported: Workspace, tmp_path: Path) -> None:
    joined = make_docx(tmp_path / "拆开.docx", ["尊敬的", "{{ 业主", "姓名 }}", "业主："])
    result = run_cli("templates", "check", str(joined))
    assert result.exit_code == 0
    assert (
        "[提示] 正文段落“尊敬的{{ 业主姓名 }}业主：”：Word 把占位符 {{ 业主姓名 }} 拆成了几段，recordkit 已自动合并"
        in result.stdout
    )
    broken = make_docx(tmp_path / "全角.docx", "第一段", ["尊敬的", "｛｛ 业主姓名 ｝｝", "业主："])
    result = run_cli("templates", "check", str(broken))
    assert result.exit_code == 5
    assert "[错误] 正文段落“尊敬的｛｛ 业主姓名 ｝｝业主：”：占位符不完整或被拆开" in result.stdout


@pytest.mark.parametrize(
    "runs",
    [
        # Typed with the Chinese input method on: no tag at all, printed on every notice as it is.
        ["{％ if ", "检修时间", " ％}检修时间：{{ 检修时间 }}{％ endif ％}"],
        ["{% if 检修时间 %}检修时间：{{ 检修时间 }}{% endif %}", "{＃ 备注 ＃}"],
        # One brace too many: the notice read "12月8日9:00}".
        ["检修时间：{{ 检修", "时间 }}}"],
    ],
)
def test_templates_check_finds_what_would_be_printed_as_it_is(
    run_cli: Any, imported: Workspace, tmp_path: Path, runs: list[str]
) -> None:
    path = make_docx(tmp_path / "燃气检修通知.docx", "尊敬的业主：", runs)
    result = run_cli("templates", "check", str(path))
    assert result.exit_code == 5, result.output
    assert (
        f"[错误] 正文段落“{''.join(runs)}”：占位符不完整或被拆开（例如 {{ {{ 中间有空格、用了全角括号｛｝或全角的 ％、"
        "少了或多了一个括号）：请在 Word 里删掉整个占位符，重新输入 {{ 变量名 }}"
    ) in result.stdout.splitlines()
    assert error_line(result) == "错误：模板“燃气检修通知”未通过检查：1 处错误，改正后再用"


@pytest.mark.parametrize(
    "paragraph",
    [
        "检修时间：｛｛ 检修时间 ｝｝，请在家等候。",  # full-width braces: printed as typed
        "{％ if 检修时间 ％}检修时间：{{ 检修时间 }}{％ endif ％}",
        "检修时间：{{ 检修时间 }}}，请在家等候。",
    ],
)
def test_a_notice_is_never_printed_from_a_template_the_check_fails(
    run_cli: Any, imported: Workspace, paragraph: str
) -> None:
    # templates check said 未通过检查, but notice make printed every owner's notice with ｛｛ 检修时间 ｝｝ on it
    # (exit 0): what the check calls an error is refused at printing too, nothing written.
    make_docx(imported.templates_dir / "燃气检修通知.docx", "{{ 称呼 }}：", paragraph)
    journalled = journal_size(run_cli)
    result = run_cli("notice", "make", "燃气检修通知", "--unit", "3-2-1201", "--set", "检修时间=12月8日9:00")
    assert result.exit_code == 5, result.output
    assert error_line(result) == (
        f"错误：模板“燃气检修通知”的正文段落“{paragraph}”：占位符不完整或被拆开（例如 {{ {{ 中间有空格、"
        "用了全角括号｛｝或全角的 ％、少了或多了一个括号）：请在 Word 里删掉整个占位符，重新输入 {{ 变量名 }}。"
        "改正后再用（recordkit templates check 燃气检修通知 列出全部问题）"
    )
    assert_nothing_written(run_cli, imported, journalled)


@pytest.mark.parametrize(
    ("paragraph", "reason"),
    [
        ("检修时间：{{{ 检修时间 }}", "占位符的括号多了一个（应写成 {{ 变量名 }}）"),
    ],
)
def test_templates_check_says_in_chinese_what_a_third_brace_does(
    run_cli: Any, imported: Workspace, tmp_path: Path, paragraph: str, reason: str
) -> None:
    # It was "无法读懂这里的写法（expected token ':', got '}'）".
    path = make_docx(tmp_path / "燃气检修通知.docx", paragraph)
    result = run_cli("templates", "check", str(path))
    assert result.exit_code == 5, result.output
    assert (  # a file outside templates/ is checked again by its path: its name would not find it
        f"[错误] 模板“燃气检修通知”的占位符写法有误：正文段落“{paragraph}”：{reason}。"
        f"请在 Word 里改正后再试，或运行 recordkit templates check {path}"
    ) in result.stdout.splitlines()


def test_templates_check_unknown(run_cli: Any, imported: Workspace) -> None:
    result = run_cli("templates", "check", "停气通知")
    assert result.exit_code == 6
    assert error_line(result).startswith("错误：没有名为“停气通知”的模板。现有模板：")
    assert run_cli("templates", "check", "没有/这个.docx").exit_code == 6


def test_templates_copy_then_refuses_to_overwrite(run_cli: Any, imported: Workspace) -> None:
    result = run_cli("templates", "copy", "催缴通知书")
    assert result.exit_code == 0
    assert result.stdout.startswith("已复制到 templates/催缴通知书.docx")
    copied = imported.templates_dir / "催缴通知书.docx"
    assert Document(str(copied)).paragraphs[0].text == "催缴通知书"
    again = run_cli("templates", "copy", "催缴通知书")
    assert again.exit_code == 8
    assert error_line(again) == (
        "错误：templates/催缴通知书.docx 已存在（本处自己的模板），没有覆盖。确实要用内置模板替换时加 --force"
    )
    assert run_cli("templates", "copy", "催缴通知书", "--force").exit_code == 0
    unknown = run_cli("templates", "copy", "停气通知")
    assert unknown.exit_code == 6 and "没有名为“停气通知”的内置模板" in error_line(unknown)


@pytest.mark.parametrize("gbk", [False, True])
def test_templates_copy_refuses_beside_the_offices_own_copy_under_another_spelling(
    run_cli: Any, imported: Workspace, gbk: bool
) -> None:
    # The office's 温馨提示.DOCX (renamed on Windows) or GBK-named copy: a fresh built-in 温馨提示.docx was written
    # beside it, and printed from then on in place of the office's edited one.
    folder = imported.templates_dir
    folder.mkdir(exist_ok=True)
    own = (
        Path(os.fsdecode(os.fsencode(folder) + b"/" + "温馨提示".encode("gbk") + b".docx"))
        if gbk
        else folder / "温馨提示.DOCX"
    )
    make_docx(own, "本处的温馨提示：{{ 提示内容 }}")
    result = run_cli("templates", "copy", "温馨提示")
    assert result.exit_code == 8, result.output
    shown = "温馨提示.docx" if gbk else "温馨提示.DOCX"
    assert error_line(result) == (
        f"错误：templates/{shown} 已存在（本处自己的模板），没有覆盖。确实要用内置模板替换时加 --force"
    )
    assert [Document(str(path)).paragraphs[0].text for path in folder.iterdir()] == ["本处的温馨提示：{{ 提示内容 }}"]
    forced = run_cli("templates", "copy", "温馨提示", "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.stdout.startswith(f"已复制到 templates/{shown}：")
    assert [Document(str(path)).paragraphs[0].text for path in folder.iterdir()] == ["温馨提示"]


# -- notices ----------------------------------------------------------------------------------


def test_notice_make_building(run_cli: Any, imported: Workspace) -> None:
    result = run_cli("notice", "make", "停水通知", "--building", "3", *WATER)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("已生成停水通知 1 份，在 records/generated/")
    assert lines[1] == "  停水通知_3-2-1201.docx"
    assert lines[2].endswith("/停水通知送达签收表_3栋.xlsx")
    docx = next(p for p in generated(imported) if p.suffix == ".docx")
    assert Document(str(docx)).paragraphs[1].text == "尊敬的李秀英业主："


def test_notice_times_written_with_the_part_of_the_day(run_cli: Any, imported: Workspace) -> None:
    # 下午6:00 is 18:00: after 上午8:00, not before it.
    water = ["--set", "停水原因=管网维修", "--set", "停水范围=3栋", "--set", "停水时间=12月5日上午8:00"]
    result = run_cli("notice", "make", "停水通知", "--unit", "3-2-1201", *water, "--set", "恢复时间=当日下午6:00")
    assert result.exit_code == 0, result.output
    docx = next(p for p in generated(imported) if p.suffix == ".docx")
    assert any("当日下午6:00" in paragraph.text for paragraph in Document(str(docx)).paragraphs)
    result = run_cli("notice", "make", "停水通知", "--unit", "3-2-1201", *water, "--set", "恢复时间=当日凌晨6:00")
    assert result.exit_code == 5
    assert error_line(result) == (
        "错误：模板“停水通知”的日期顺序不对：恢复时间（当日凌晨6:00）早于停水时间（12月5日上午8:00），请检查后再试"
    )


TIMES_A_YEAR_OFF = [
    (
        ("停水通知", "停水原因=管网维修", "停水范围=3栋", "停水时间=1990-12-08 08:00", "恢复时间=1990-12-08 18:00"),
        "错误：模板“停水通知”的停水时间（1990-12-08 08:00）早于通知日期 2026-12-05 三十天以上"
        "（最早 2026-11-05）：请检查年份",
    ),
    (
        # written with underscores, it was printed as typed and never checked
        ("停水通知", "停水原因=管网维修", "停水范围=3栋", "停水时间=2025_12_08 08:00", "恢复时间=2025_12_08 18:00"),
        "错误：模板“停水通知”的停水时间（2025_12_08 08:00）早于通知日期 2026-12-05 三十天以上"
        "（最早 2026-11-05）：请检查年份",
    ),
    (
        ("停水通知", "停水原因=管网维修", "停水范围=3栋", "停水时间=2099-12-08 08:00", "恢复时间=2099-12-08 18:00"),
        "错误：模板“停水通知”的停水时间（2099-12-08 08:00）晚于通知日期 2026-12-05 一年以上"
        "（最迟 2027-12-05）：请检查年份",
    ),
    (
        ("电梯维保通知", "维保单位=奥的斯", "电梯位置=3栋1单元", "维保时间=2026-12-08 09:00", "结束时间=2031-12-08"),
        "错误：模板“电梯维保通知”的结束时间（2031-12-08）晚于通知日期 2026-12-05 一年以上"
        "（最迟 2027-12-05）：请检查年份",
    ),
    (
        ("装修违规整改通知", "违规事项=占用消防通道", "整改期限=2099-01-10"),
        "错误：模板“装修违规整改通知”的整改期限（2099-01-10）晚于通知日期 2026-12-05 一年以上"
        "（最迟 2027-12-05）：请检查年份",
    ),
]


@pytest.mark.parametrize(
    ("values", "message"), TIMES_A_YEAR_OFF, ids=["1990", "2025-underscores", "2099", "lift-2031", "deadline-2099"]
)
def test_a_notice_time_a_year_off_its_date_is_refused(
    run_cli: Any, imported: Workspace, values: tuple[str, ...], message: str
) -> None:
    """``停水时间=1990-12-08 08:00`` or ``2099-12-08 08:00``, 电梯维保's ``结束时间=2031-12-08`` were printed: only their
    order was checked.  A time more than 30 days before the notice's date or more than a year after it is refused."""
    template, *assignments = values
    sets = [arg for value in assignments for arg in ("--set", value)]
    before = journal_size(run_cli)
    result = run_cli("notice", "make", template, "--unit", "3-2-1201", *sets, "--date", "2026-12-05")
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert result.stderr.strip() == message
    assert_nothing_written(run_cli, imported, before)


def test_a_notice_time_without_its_year_is_the_next_such_day(run_cli: Any, imported: Workspace) -> None:
    """``停水时间=3月1日8:00`` on a notice of 2026-12-06 is the next such day (2027-03-01), or the recent one within 30
    days before."""
    result = water_notice(run_cli, "3月1日8:00", "3月1日18:00")
    assert result.exit_code == 0, result.output
    docx = next(p for p in generated(imported) if p.suffix == ".docx")
    assert any("3月1日8:00" in paragraph.text for paragraph in Document(str(docx)).paragraphs)
    # 12月5日 written on 12-06 is yesterday (works under way), not 2027-12-05: 12月4日 after it is out of order.
    result = water_notice(run_cli, "12月5日8:00", "12月4日18:00")
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert error_line(result) == (
        "错误：模板“停水通知”的日期顺序不对：恢复时间（12月4日18:00）早于停水时间（12月5日8:00），请检查后再试"
    )


YEARLESS_FAR_AHEAD = [
    (
        # 2026-12-06 to 2027-11-01: 25 days of December, then 305 to 1 November.
        ("装修违规整改通知", "违规事项=占用消防通道", "整改期限=11月1日"),
        "2026-12-06",
        "错误：模板“装修违规整改通知”的“整改期限”写的“11月1日”没有年份，按 2027年11月1日 计离通知日期还有 330 天，"
        "请写明年份（如 2026年11月1日 或 2027年11月1日）",
    ),
    (
        # 2026-12-06 to 2027-07-01: 25 + 31 + 28 + 31 + 30 + 31 + 30 + 1 = 207 days.
        ("停水通知", "停水原因=管道检修", "停水范围=3栋", "停水时间=7月1日8:00", "恢复时间=当日18:00"),
        "2026-12-06",
        "错误：模板“停水通知”的“停水时间”写的“7月1日”没有年份，按 2027年7月1日 计离通知日期还有 207 天，"
        "请写明年份（如 2026年7月1日 或 2027年7月1日）",
    ),
    (
        # 恢复时间 is read from 停水时间's day: 1月15日 after 2027-03-01 is 2028-01-15, 405 days after 2026-12-06.
        ("停水通知", "停水原因=管道检修", "停水范围=3栋", "停水时间=2027-03-01 08:00", "恢复时间=1月15日18:00"),
        "2026-12-06",
        "错误：模板“停水通知”的“恢复时间”写的“1月15日”没有年份，按 2028年1月15日 计离通知日期还有 405 天，"
        "请写明年份（如 2027年1月15日 或 2028年1月15日）",
    ),
]


@pytest.mark.parametrize(
    ("values", "day", "message"), YEARLESS_FAR_AHEAD, ids=["deadline-330-days", "water-207-days", "after-the-start"]
)
def test_a_notice_time_without_its_year_half_a_year_ahead_asks_for_the_year(
    run_cli: Any, imported: Workspace, values: tuple[str, ...], day: str, message: str
) -> None:
    """``整改期限=11月1日`` on a notice of 2026-12-06 was printed as 2027-11-01 without a word: almost surely a typo or
    an old deadline.  A day without its year read more than 180 days after the notice's date is refused, saying how
    it was read and asking for the year."""
    template, *assignments = values
    sets = [arg for value in assignments for arg in ("--set", value)]
    before = journal_size(run_cli)
    result = run_cli("notice", "make", template, "--unit", "3-2-1201", *sets, "--date", day)
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert result.stderr.strip() == message
    assert_nothing_written(run_cli, imported, before)


def test_a_notice_time_without_its_year_180_days_ahead_is_printed(run_cli: Any, imported: Workspace) -> None:
    works_under_way_in(imported, "3-2-1201")
    # 2026-12-06 + 180 days is 2027-06-04 (25 + 31 + 28 + 31 + 30 + 31 + 4): the last day taken without a year.
    rectify = ["--set", "违规事项=占用消防通道", "--set", "整改期限=6月4日"]
    result = run_cli("notice", "make", "装修违规整改通知", "--unit", "3-2-1201", *rectify, "--date", "2026-12-06")
    assert result.exit_code == 0, result.output
    docx = next(p for p in generated(imported) if p.suffix == ".docx")
    assert any("请您于6月4日前整改完毕" in paragraph.text for paragraph in Document(str(docx)).paragraphs)
    rectify = ["--set", "违规事项=占用消防通道", "--set", "整改期限=6月5日"]
    result = run_cli("notice", "make", "装修违规整改通知", "--unit", "3-2-1201", *rectify, "--date", "2026-12-06")
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert "按 2027年6月5日 计离通知日期还有 181 天" in result.stderr


@pytest.mark.parametrize("day", ["2026-12-05", "2027-01-20", "2027-02-28"])
def test_a_notice_time_on_2_29_without_its_year_in_a_year_without_one_is_refused(
    run_cli: Any, imported: Workspace, day: str
) -> None:
    """``停水时间=2月29日`` on a notice dated 2026-12-05 to 2027-02-28 was read as 2028-02-29 and refused as more than a
    year ahead: 2027, the year it is read in, has no 2月29日, and the refusal says so."""
    water = ["--set", "停水原因=管道检修", "--set", "停水范围=3栋"]
    times = ["--set", "停水时间=2月29日8:00", "--set", "恢复时间=当日18:00"]
    before = journal_size(run_cli)
    result = run_cli("notice", "make", "停水通知", "--unit", "3-2-1201", *water, *times, "--date", day)
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert result.stderr.strip() == (
        "错误：模板“停水通知”的“停水时间”写的“2月29日”没有年份，2027年没有2月29日，请写明年份和日期"
    )
    assert_nothing_written(run_cli, imported, before)


def test_a_notice_time_on_2_29_without_its_year_in_a_leap_year_is_printed(run_cli: Any, imported: Workspace) -> None:
    # On a notice of 2027-12-01 2月29日 is 2028-02-29, 90 days on.
    result = water_notice(run_cli, "2月29日8:00", "当日18:00", day="2027-12-01")
    assert result.exit_code == 0, result.output


NO_SUCH_DAY_OR_TIME = [
    # (停水时间, 恢复时间, the refusal): days and times no calendar or clock has were printed on every household's
    # notice (a 停水时间 of 2月30日 or 13月5日 read as no date at all, so nothing checked it).
    ("2月30日8:00", "2月30日18:00", "“停水时间”写的“2月30日”不是真实的日期：2月没有30日"),
    ("13月5日8:00", "13月5日18:00", "“停水时间”写的“13月5日”不是真实的日期：没有13月"),
    ("2027年2月29日8:00", "当日18:00", "“停水时间”写的“2027年2月29日”不是真实的日期：2027年2月没有29日"),
    ("2027-04-31 08:00", "2027-05-01 18:00", "“停水时间”写的“2027-04-31”不是真实的日期：4月没有31日"),
    ("2027_04_31 08:00", "2027_05_01 18:00", "“停水时间”写的“2027_04_31”不是真实的日期：4月没有31日"),
]


#: A time of day no clock shows (any hour past 24, any minute past 59, 24 with minutes), refused with the value as
#: written: 当日25.30, 18.75 were read as no time at all and printed, 当日24.30 as 00:30 of the next day.
OFF_THE_CLOCK = "不是有效的时刻：小时 0–24，分钟 0–59（24 时只能是 24:00），请核对后改正"
NO_SUCH_CLOCK = [
    ("12月8日8:00", "当日25.30", "恢复时间（当日25.30）"),
    ("12月8日8:00", "当日24.30", "恢复时间（当日24.30）"),
    ("12月8日8:00", "当日25:30", "恢复时间（当日25:30）"),
    ("12月8日8:00", "12月8日 18.75", "恢复时间（12月8日 18.75）"),
    ("12月8日8:00", "12月8日24:30", "恢复时间（12月8日24:30）"),
    ("12月8日8:00", "12月8日25:00", "恢复时间（12月8日25:00）"),
    ("12月8日8:75", "12月8日18:00", "停水时间（12月8日8:75）"),
    ("12.8 8.30至12.9 18.75", "12月9日18:00", "停水时间（12.8 8.30至12.9 18.75）"),
]


@pytest.mark.parametrize(("start", "end", "said"), NO_SUCH_CLOCK)
def test_a_notice_time_of_day_no_clock_shows_is_refused(
    run_cli: Any, imported: Workspace, start: str, end: str, said: str
) -> None:
    before = journal_size(run_cli)
    result = water_notice(run_cli, start, end)
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert result.stderr.strip() == f"错误：模板“停水通知”的{said}{OFF_THE_CLOCK}"
    assert_nothing_written(run_cli, imported, before)


@pytest.mark.parametrize(
    ("start", "end", "said"),
    [
        (
            "12月8日8:00",
            "12月8日傍晚12点",
            "“恢复时间”写的“傍晚12点”：12点不是傍晚的钟点（傍晚是 17–20 点），是几点说不清，请直接写明钟点，如 12月8日12:00、12月8日24:00",
        ),
        (
            "12月8日8:00",
            "当日傍晚 12:30",
            "“恢复时间”写的“傍晚 12:30”：12点不是傍晚的钟点（傍晚是 17–20 点），是几点说不清，"
            "请直接写明钟点，如 当日12:30、次日0:30",
        ),
        (
            "12月8日傍晚1点",
            "当日18:00",
            "“停水时间”写的“傍晚1点”：1点不是傍晚的钟点（傍晚是 17–20 点），是几点说不清，请直接写明钟点，如 12月8日1:00、12月8日13:00",
        ),
        (
            "12月8日8:00",
            "当日傍晚4.30",
            "“恢复时间”写的“傍晚4.30”：4点不是傍晚的钟点（傍晚是 17–20 点），是几点说不清，请直接写明钟点，如 当日4:30、当日16:30",
        ),
    ],
)
def test_a_dusk_hour_that_is_no_evening_is_refused(
    run_cli: Any, imported: Workspace, start: str, end: str, said: str
) -> None:
    # 傍晚12点 was read as noon by the order check (傍晚1点 as 13:00) and printed on every household's notice
    before = journal_size(run_cli)
    result = water_notice(run_cli, start, end)
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert result.stderr.strip() == f"错误：模板“停水通知”的{said}"
    assert_nothing_written(run_cli, imported, before)


# Each part of the day and an hour that contradicts it, in 12- or 24-hour writing: written by hand, what the clerk
# typed and what the refusal says (exit 5, nothing made).
CONTRADICTED_HOURS = [
    ("12月8日8:00", "当日傍晚13点", "“恢复时间”写的“傍晚13点”：13点不是傍晚的钟点（傍晚是 17–20 点）", "当日13:00"),
    (
        "12月8日8:00",
        "当日傍晚9点",
        "“恢复时间”写的“傍晚9点”：9点不是傍晚的钟点（傍晚是 17–20 点）",
        "当日9:00、当日21:00",
    ),
    ("12月8日上午15点", "当日18:00", "“停水时间”写的“上午15点”：15点不是上午的钟点（上午是 0–12 点）", "12月8日15:00"),
    ("12月8日凌晨20点", "次日6:00", "“停水时间”写的“凌晨20点”：20点不是凌晨的钟点（凌晨是 0–6 点）", "12月8日20:00"),
    (
        "12月8日凌晨12点",
        "当日18:00",
        "“停水时间”写的“凌晨12点”：12点不是凌晨的钟点（凌晨是 0–6 点）",
        "12月8日0:00",  # how people write midnight: 凌晨 of 12月8日, its first hour
    ),
    (
        "12月8日凌晨12:30",
        "当日18:00",
        "“停水时间”写的“凌晨12:30”：12点不是凌晨的钟点（凌晨是 0–6 点）",
        "12月8日0:30",
    ),
    (
        "12月8日早上14:00",
        "当日18:00",
        "“停水时间”写的“早上14:00”：14点不是早上的钟点（早上是 4–11 点）",
        "12月8日14:00",
    ),
    (
        "12月8日早上12点",
        "当日18:00",
        "“停水时间”写的“早上12点”：12点不是早上的钟点（早上是 4–11 点）",
        "12月8日12:00、12月8日24:00",
    ),
    (
        "12月8日中午9点",
        "当日18:00",
        "“停水时间”写的“中午9点”：9点不是中午的钟点（中午是 11–14 点）",
        "12月8日9:00、12月8日21:00",
    ),
    (
        "12月8日8:00",
        "当日中午3点",
        "“恢复时间”写的“中午3点”：3点不是中午的钟点（中午是 11–14 点）",
        "当日3:00、当日15:00",
    ),
    ("12月8日8:00", "当日中午16点", "“恢复时间”写的“中午16点”：16点不是中午的钟点（中午是 11–14 点）", "当日16:00"),
    ("12月8日8:00", "当日下午24点", "“恢复时间”写的“下午24点”：24点不是下午的钟点（下午是 12–23 点）", "当日24:00"),
    ("12月8日8:00", "当日午后0点", "“恢复时间”写的“午后0点”：0点不是午后的钟点（午后是 12–23 点）", "当日0:00"),
    (
        "12月8日8:00",
        "当日晚上14点",
        "“恢复时间”写的“晚上14点”：14点不是晚上的钟点（晚上是 18–24 点和 0–5 点）",
        "当日14:00",
    ),
    (
        "12月8日8:00",
        "当日夜里16:30",
        "“恢复时间”写的“夜里16:30”：16点不是夜里的钟点（夜里是 18–24 点和 0–5 点）",
        "当日16:30",
    ),
]


@pytest.mark.parametrize(("start", "end", "said", "clock"), CONTRADICTED_HOURS)
def test_a_part_of_the_day_whose_hour_contradicts_it_is_refused(
    run_cli: Any, imported: Workspace, start: str, end: str, said: str, clock: str
) -> None:
    # 傍晚13点 and 上午15点 were read as 13:00 and 15:00, 凌晨12点 as noon, 中午3点 as 15:00: printed on every notice
    before = journal_size(run_cli)
    result = water_notice(run_cli, start, end)
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert result.stderr.strip() == f"错误：模板“停水通知”的{said}，是几点说不清，请直接写明钟点，如 {clock}"
    assert_nothing_written(run_cli, imported, before)


def test_a_half_hour_after_noon_is_suggested_on_the_day_after_by_its_date(run_cli: Any, imported: Workspace) -> None:
    # 12月8日早上12:30 was told to write 12:30、次日0:30: 次日 is read only at the start of a 恢复时间, and 12月8日次日0:30
    # was made, read as half past midnight of 12月8日
    before = journal_size(run_cli)
    result = water_notice(run_cli, "12月8日早上12:30", "12月9日18:00")
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert result.stderr.strip() == (
        "错误：模板“停水通知”的“停水时间”写的“早上12:30”：12点不是早上的钟点（早上是 4–11 点），是几点说不清，"
        "请直接写明钟点，如 12月8日12:30、12月9日0:30"
    )
    assert_nothing_written(run_cli, imported, before)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("12月8日凌晨5点", "当日早上7点"),
        ("12月8日早上7:30", "当日上午11点"),
        ("12月8日上午8点", "当日下午15点"),
        ("12月8日中午12点", "当日中午1点"),
        ("12月8日中午13:30", "当日下午5点"),
        ("12月8日下午12点", "当日傍晚18点"),
        ("12月8日傍晚5:30", "当日晚上20点"),
        ("12月8日晚上8点", "次日凌晨6点"),
        ("12月8日夜里11点", "次日凌晨2点"),
        ("12月8日8:00", "当日最晚15:00"),  # 最晚, at the latest: no part of the day
    ],
)
def test_a_part_of_the_day_with_one_of_its_hours_is_taken(
    run_cli: Any, imported: Workspace, start: str, end: str
) -> None:
    result = water_notice(run_cli, start, end)
    assert result.exit_code == 0, result.output
    [docx] = [p for p in generated(imported) if p.suffix == ".docx"]
    assert f"将于{start}暂停供水，预计{end}恢复供水" in "\n".join(texts_of(docx))


@pytest.mark.parametrize("end", ["12月8日傍晚6点", "当日傍晚5:30", "当日傍晚7点"])
def test_a_dusk_hour_in_the_evening_is_taken(run_cli: Any, imported: Workspace, end: str) -> None:
    result = water_notice(run_cli, "12月8日8:00", end)
    assert result.exit_code == 0, result.output
    [docx] = [p for p in generated(imported) if p.suffix == ".docx"]
    assert f"预计{end}恢复供水" in "\n".join(texts_of(docx))


@pytest.mark.parametrize(
    "end",
    ["当日11:45（约3.75小时）", "约3.75小时后", "当日11:45，共3.75小时", "持续3.75", "约3.75", "约３．７５小时后"],
)
def test_a_duration_in_a_notice_time_is_printed_as_typed(run_cli: Any, imported: Workspace, end: str) -> None:
    # 约3.75小时 was refused as a time of day no clock shows (exit 5): it is a number of hours.
    result = water_notice(run_cli, "12月8日8:00", end)
    assert result.exit_code == 0, result.output
    [docx] = [p for p in generated(imported) if p.suffix == ".docx"]
    assert f"将于12月8日8:00暂停供水，预计{end}恢复供水" in "\n".join(texts_of(docx))


@pytest.mark.parametrize(
    ("end", "said"),
    [
        ("当日3.75", "恢复时间（当日3.75）"),  # a number alone is still a time of day no clock shows
        ("12月8日 3.75", "恢复时间（12月8日 3.75）"),
        ("当日约25:00", "恢复时间（当日约25:00）"),  # about a time of day no clock shows
    ],
)
def test_a_number_that_is_no_duration_is_still_held_to_the_clock(
    run_cli: Any, imported: Workspace, end: str, said: str
) -> None:
    before = journal_size(run_cli)
    result = water_notice(run_cli, "12月8日8:00", end)
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert result.stderr.strip() == f"错误：模板“停水通知”的{said}{OFF_THE_CLOCK}"
    assert_nothing_written(run_cli, imported, before)


@pytest.mark.parametrize("end", ["当日24:00", "当日24.00", "当日24时"])
def test_a_notice_time_of_24_00_is_the_end_of_its_day(run_cli: Any, imported: Workspace, end: str) -> None:
    result = water_notice(run_cli, "12月8日8:00", end)
    assert result.exit_code == 0, result.output
    docx = next(p for p in generated(imported) if p.suffix == ".docx")
    text = "\n".join(paragraph.text for paragraph in Document(str(docx)).paragraphs)
    assert f"将于12月8日8:00暂停供水，预计{end}恢复供水" in text


@pytest.mark.parametrize(("start", "end", "said"), NO_SUCH_DAY_OR_TIME)
def test_a_notice_time_of_a_day_or_time_that_does_not_exist_is_refused(
    run_cli: Any, imported: Workspace, start: str, end: str, said: str
) -> None:
    before = journal_size(run_cli)
    result = water_notice(run_cli, start, end)
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert result.stderr.strip() == f"错误：模板“停水通知”的{said}，请核对后改正"
    assert_nothing_written(run_cli, imported, before)


def test_a_notice_time_written_with_dots_is_not_taken_for_a_day(run_cli: Any, imported: Workspace) -> None:
    # 18.30 is half past six to some clerks, and no month 18: only days written with 月 or a year are held to the
    # calendar.
    result = water_notice(run_cli, "12月8日 8.30", "12月8日 18.30")
    assert result.exit_code == 0, result.output


def test_a_restoring_time_written_with_a_dot_after_the_same_day_is_that_time(run_cli: Any, imported: Workspace) -> None:
    # 当日18.30 was read as 00:00 of the cut's day and refused as earlier than 8:00 (exit 5); it is half past six.
    water = ["--set", "停水原因=管道维修", "--set", "停水范围=3栋"]
    times = ["--set", "停水时间=2026年12月20日8:00", "--set", "恢复时间=当日18.30"]
    result = run_cli("notice", "make", "停水通知", "--all", *water, *times, "--date", "2026-12-06")
    assert result.exit_code == 0, result.output
    docx = next(p for p in generated(imported) if p.suffix == ".docx")
    text = [paragraph.text for paragraph in Document(str(docx)).paragraphs]
    assert any("将于2026年12月20日8:00暂停供水，预计当日18.30恢复供水" in paragraph for paragraph in text), text


def test_a_restoring_time_written_with_a_dot_after_the_part_of_the_day_is_no_day(
    run_cli: Any, imported: Workspace
) -> None:
    # 恢复时间=下午6.30 was read as 6月30日, the next one 206 days after the notice, and refused for want of a year (exit 5).
    water = ["--set", "停水原因=管道维修", "--set", "停水范围=3栋", "--set", "停水时间=12月20日8:00"]
    result = run_cli(
        "notice", "make", "停水通知", "--all", *water, "--set", "恢复时间=下午6.30", "--date", "2026-12-06"
    )
    assert result.exit_code == 0, result.output
    docx = next(p for p in generated(imported) if p.suffix == ".docx")
    text = "\n".join(paragraph.text for paragraph in Document(str(docx)).paragraphs)
    assert "将于12月20日8:00暂停供水，预计下午6.30恢复供水" in text


def test_a_unit_code_before_the_cut_is_no_day(run_cli: Any, imported: Workspace) -> None:
    # 3-2-1201 was read as 3月2日, so 恢复时间=12月19日 was read as 2027's and refused for want of a year; the cut is 12月20日,
    # and 12月19日 is before it.
    water = ["--set", "停水原因=管道维修", "--set", "停水范围=3栋", "--set", "停水时间=3-2-1201门前 12月20日8:00"]
    result = run_cli(
        "notice", "make", "停水通知", "--all", *water, "--set", "恢复时间=12月19日18:00", "--date", "2026-12-06"
    )
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert result.stderr.strip() == (
        "错误：模板“停水通知”的日期顺序不对：恢复时间（12月19日18:00）早于停水时间（3-2-1201门前 12月20日8:00），"
        "请检查后再试"
    )


DASHED_DAYS = [
    # (停水时间, 恢复时间, the refusal): 12-5 8:00 was printed as typed and never checked, so a 恢复时间 before it or a
    # day half a year on was printed on every household's notice.
    (
        "12-5 8:00",
        "12-4 18:00",
        "错误：模板“停水通知”的日期顺序不对：恢复时间（12-4 18:00）早于停水时间（12-5 8:00），请检查后再试",
    ),
    (
        "12-5 8:00-18:00",
        "12-4日",
        "错误：模板“停水通知”的日期顺序不对：恢复时间（12-4日）早于停水时间（12-5 8:00-18:00），请检查后再试",
    ),
    (
        # 2026-12-06 to 2027-07-01: 25 + 31 + 28 + 31 + 30 + 31 + 30 + 1 = 207 days.
        "7-1 8:00",
        "当日18:00",
        "错误：模板“停水通知”的“停水时间”写的“7-1”没有年份，按 2027年7月1日 计离通知日期还有 207 天，"
        "请写明年份（如 2026年7月1日 或 2027年7月1日）",
    ),
]


@pytest.mark.parametrize(("start", "end", "message"), DASHED_DAYS, ids=["order", "range-and-ri", "half-a-year"])
def test_a_day_written_with_a_dash_before_a_time_of_day_is_checked(
    run_cli: Any, imported: Workspace, start: str, end: str, message: str
) -> None:
    before = journal_size(run_cli)
    result = water_notice(run_cli, start, end)
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert result.stderr.strip() == message
    assert_nothing_written(run_cli, imported, before)


def test_a_day_written_with_a_dash_is_printed_as_a_day_and_a_dashed_pair_alone_as_typed(
    run_cli: Any, imported: Workspace
) -> None:
    result = water_notice(run_cli, "12-8 8:00-12:00", "12-8日18:00")
    assert result.exit_code == 0, result.output
    [docx] = [p for p in generated(imported) if p.suffix == ".docx"]
    assert "将于12月8日 8:00-12:00暂停供水，预计12月8日18:00恢复供水" in "\n".join(texts_of(docx))
    # a unit code before a time of day, and a dashed pair with neither a time of day nor 日, stay as typed, unchecked
    result = water_notice(run_cli, "3-2-1201 8:00", "12-4")
    assert result.exit_code == 0, result.output
    [docx] = [p for p in generated(imported) if p.suffix == ".docx" and p != docx]
    assert "将于3-2-1201 8:00暂停供水，预计12-4恢复供水" in "\n".join(texts_of(docx))


def test_a_day_written_with_hao_is_printed_with_ri_and_a_buildings_number_as_typed(
    run_cli: Any, imported: Workspace
) -> None:
    # 12/5号 8:00 was printed 12月5日号 8:00: the 号 is the day's mark, as 日 is.
    result = water_notice(run_cli, "12/8号 8:00", "2026.12.8号 18:00")
    assert result.exit_code == 0, result.output
    [docx] = [p for p in generated(imported) if p.suffix == ".docx"]
    assert "将于12月8日 8:00暂停供水，预计2026年12月8日 18:00恢复供水" in "\n".join(texts_of(docx))
    # 3.2号楼 is a building: it was printed 3月2日号楼 and read as 2027-03-02 (refused, exit 5); now as typed, and the
    # time read from 12月8日8:00
    result = water_notice(run_cli, "3.2号楼 12月8日8:00", "当日18:00")
    assert result.exit_code == 0, result.output
    [docx] = [p for p in generated(imported) if p.suffix == ".docx" and p != docx]
    assert "将于3.2号楼 12月8日8:00暂停供水，预计当日18:00恢复供水" in "\n".join(texts_of(docx))


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (("notice", "make", "温馨提示", "--unit", "3-2-1201", "--set", "提示内容=注意防冻", "--date"), "通知日期"),
        (("notice", "remind", "--date"), "通知日期"),
        (("notice", "remind", "--as-of"), "欠费截至日期"),
        (("cert", "make", "居住证明", "--unit", "1-1-101", "--date"), "开具日期"),
    ],
)
def test_a_papers_day_without_its_year_is_asked_for_by_the_options_name(
    run_cli: Any, imported: Workspace, args: tuple[str, ...], what: str
) -> None:
    # --date 11月23日 was "日期“11月23日”无法识别": now named as the day's other refusals name it, the year asked for
    result = run_cli(*args, "11月23日")
    assert (result.exit_code, result.stdout) == (5, "")
    assert result.stderr.strip() == (
        f"错误：{what}“11月23日”没有写年份，不能确定是哪一年：应写成 2026-11-23 或 2026年11月23日"
    )
    assert generated(imported) == []


def test_an_exit_pass_reads_the_quantity_however_the_clerk_writes_it(run_cli: Any, imported: Workspace) -> None:
    # 冰箱×1台 was printed as the item "冰箱×" and 1台空调 as an item "1台空调" of no quantity: the guard at the gate
    # checks the quantity column; now the mark before a quantity is no part of the name, and a quantity written first
    # is the quantity (Xbox1台 keeps its x)
    items = "冰箱×1台,洗衣机x2台,衣柜＊1个,1台空调,5把 椅子,Xbox1台,台灯"
    result = run_cli("cert", "make", "出门条", "--unit", "1-1-101", "--items", items)
    assert result.exit_code == 0, result.output
    [docx] = [p for p in generated(imported) if p.suffix == ".docx"]
    rows = [[cell.text for cell in row.cells] for row in Document(str(docx)).tables[0].rows]
    assert rows == [
        ["序号", "物品名称", "数量"],
        ["1", "冰箱", "1台"],
        ["2", "洗衣机", "2台"],
        ["3", "衣柜", "1个"],
        ["4", "空调", "1台"],
        ["5", "椅子", "5把"],
        ["6", "Xbox", "1台"],
        ["7", "台灯", ""],
    ]


def test_a_pair_before_a_buildings_name_is_no_time_of_day(run_cli: Any, imported: Workspace) -> None:
    # 12.30号楼 is a building, as it is no day: 停水时间=12月8日 12.30号楼 was read as 12:30, so 恢复时间=当日12:00 was
    # refused as before it (exit 5); now it is printed as typed and the cut read from 12月8日 itself
    result = water_notice(run_cli, "12月8日 12.30号楼", "当日12:00")
    assert result.exit_code == 0, result.output
    [docx] = [p for p in generated(imported) if p.suffix == ".docx"]
    assert "将于12月8日 12.30号楼暂停供水，预计当日12:00恢复供水" in "\n".join(texts_of(docx))
    # 12.60号楼 was refused as no time a clock shows (exit 5); a building's number, it is printed as typed
    result = water_notice(run_cli, "12月8日8:00（12.60号楼除外）", "当日18:00")
    assert result.exit_code == 0, result.output
    [docx] = [p for p in generated(imported) if p.suffix == ".docx" and p != docx]
    assert "将于12月8日8:00（12.60号楼除外）暂停供水，预计当日18:00恢复供水" in "\n".join(texts_of(docx))
    # ... while 12.30 alone is still half past noon, after which 当日12:00 comes too early
    result = water_notice(run_cli, "12月8日 12.30", "当日12:00")
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert result.stderr.strip() == (
        "错误：模板“停水通知”的日期顺序不对：恢复时间（当日12:00）早于停水时间（12月8日 12.30），请检查后再试"
    )


def test_a_day_written_as_eight_figures_is_printed_as_the_day_it_is_checked_as(
    run_cli: Any, imported: Workspace
) -> None:
    # 停水时间=20261208 8:00 was checked as 2026-12-08 (a 恢复时间 before it refused) but printed as typed.
    result = water_notice(run_cli, "20261208 8:00", "20261208 18:00")
    assert result.exit_code == 0, result.output
    [docx] = [p for p in generated(imported) if p.suffix == ".docx"]
    assert "将于2026年12月8日 8:00暂停供水，预计2026年12月8日 18:00恢复供水" in "\n".join(texts_of(docx))
    result = water_notice(run_cli, "20261208 8:00", "20261207 18:00")
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert result.stderr.strip() == (
        "错误：模板“停水通知”的日期顺序不对：恢复时间（20261207 18:00）早于停水时间（20261208 8:00），请检查后再试"
    )


def test_a_range_start_without_its_own_time_of_day_is_the_start_of_its_day(run_cli: Any, imported: Workspace) -> None:
    # 12月8日至12月9日18:00 was read as starting at 12月8日 18:00, and 恢复时间=12月8日17:00 refused as earlier (exit 5).
    water = ["--set", "停水原因=管道维修", "--set", "停水范围=3栋", "--set", "停水时间=12月8日至12月9日18:00"]
    result = run_cli(
        "notice", "make", "停水通知", "--all", *water, "--set", "恢复时间=12月8日17:00", "--date", "2026-12-06"
    )
    assert result.exit_code == 0, result.output
    docx = next(p for p in generated(imported) if p.suffix == ".docx")
    text = "\n".join(paragraph.text for paragraph in Document(str(docx)).paragraphs)
    assert "将于12月8日至12月9日18:00暂停供水，预计12月8日17:00恢复供水" in text
    # a day before the range's start is still refused
    earlier = run_cli(
        "notice", "make", "停水通知", "--all", *water, "--set", "恢复时间=12月7日17:00", "--date", "2026-12-06"
    )
    assert (earlier.exit_code, earlier.stdout) == (5, ""), earlier.output
    assert earlier.stderr.strip() == (
        "错误：模板“停水通知”的日期顺序不对：恢复时间（12月7日17:00）早于停水时间（12月8日至12月9日18:00），请检查后再试"
    )


def test_a_notice_time_within_its_window_is_printed(run_cli: Any, imported: Workspace) -> None:
    # 30 days before the notice's date (a notice of works already under way) and a year after it are the limits.
    water = ["--set", "停水原因=管网维修", "--set", "停水范围=3栋"]
    times = ["--set", "停水时间=2026-11-05 08:00", "--set", "恢复时间=2027-12-05 18:00"]
    result = run_cli("notice", "make", "停水通知", "--unit", "3-2-1201", *water, *times, "--date", "2026-12-05")
    assert result.exit_code == 0, result.output
    docx = next(p for p in generated(imported) if p.suffix == ".docx")
    # printed in the office's form (2027-12-05 as typed before)
    assert any("预计2027年12月5日 18:00恢复供水" in paragraph.text for paragraph in Document(str(docx)).paragraphs)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("notice", "make", "停气通知", "--all"), 6, "错误：没有名为“停气通知”的模板。现有模板："),
        (
            ("notice", "make", "停水通知", "--all", *WATER[:-2], "--set", "恢复实践=当日18:00"),
            5,
            "错误：模板“停水通知”没有用到变量“恢复实践”（是不是 恢复时间？）。",
        ),
        (
            ("notice", "make", "停水通知", "--all", *WATER[:-2]),
            5,
            "错误：模板“停水通知”需要填写变量：恢复时间。请加上 --set 恢复时间=…",
        ),
        (("notice", "make", "停水通知", "--unit", "9-9-909", *WATER), 6, "错误：台账中没有房屋 9-9-909"),
        (
            ("notice", "make", "停水通知", "--building", "5", *WATER),
            5,
            "错误：台账中没有5栋（本小区有 1栋、3栋）：请检查楼号，例如 --building 1",
        ),
        (
            ("notice", "make", "停水通知", "--all", *WATER[:-2], "--set", "恢复时间=12月4日18:00"),
            5,
            "错误：模板“停水通知”的日期顺序不对：恢复时间（12月4日18:00）早于停水时间（12月5日8:00），请检查后再试",
        ),
        (
            ("notice", "make", "停水通知", *WATER),
            2,
            "错误：请指定收件范围（三选一）：--unit 3-2-1201、--building 3 或 --all",
        ),
        (("notice", "make", "温馨提示", "--all", "--set", "提示内容"), 2, "错误：--set “提示内容” 的写法不对"),
        # A blank value would print the notice with a gap where its text goes, as a batch's empty cell would.
        *(
            (
                ("notice", "make", "温馨提示", "--unit", "1-1-101", "--set", f"提示内容{blank}"),
                5,
                "错误：模板“温馨提示”需要填写变量：提示内容，--set 的等号后面是空的。请写成 --set 提示内容=…",
            )
            for blank in ("=", "=  ", "＝")
        ),
        (
            ("notice", "make", "停水通知", "--all", *WATER[:-2], "--set", "恢复时间="),
            5,
            "错误：模板“停水通知”需要填写变量：恢复时间，--set 的等号后面是空的。请写成 --set 恢复时间=…",
        ),
    ],
)
def test_notice_bad_input_one_line_exit_code_nothing_written(
    run_cli: Any, imported: Workspace, args: tuple[str, ...], code: int, message: str
) -> None:
    before = journal_size(run_cli)
    result = run_cli(*args)
    assert result.exit_code == code, result.output
    assert error_line(result).startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert_nothing_written(run_cli, imported, before)


def test_notice_from_a_broken_office_template(run_cli: Any, imported: Workspace) -> None:
    before = journal_size(run_cli)
    make_docx(imported.templates_dir / "停水通知.docx", "尊敬的{{ 业主姓名 业主：")
    result = run_cli("notice", "make", "停水通知", "--all", *WATER)
    assert result.exit_code == 5
    assert error_line(result).startswith("错误：模板“停水通知”的占位符写法有误：正文段落“尊敬的{{ 业主姓名 业主：”")
    make_docx(imported.templates_dir / "停水通知.docx", "{{ ''.__class__ }}")
    result = run_cli("notice", "make", "停水通知", "--all")
    assert result.exit_code == 5
    assert "不允许" in error_line(result)
    assert_nothing_written(run_cli, imported, before)


def test_sandbox_escape_in_an_office_notice_names_the_paragraph_in_chinese(run_cli: Any, imported: Workspace) -> None:
    before = journal_size(run_cli)
    make_docx(imported.templates_dir / "停水通知.docx", "尊敬的业主：", "{{ ''.__class__.__mro__ }}")
    result = run_cli("notice", "make", "停水通知", "--all")
    assert result.exit_code == 5
    assert result.stderr.strip() == (
        "错误：模板“停水通知”的正文段落“{{ ''.__class__.__mro__ }}”访问“__mro__”，"
        "模板沙箱不允许，已拒绝：模板里只能使用普通变量"
    )
    assert_nothing_written(run_cli, imported, before)


def test_notice_remind_without_arrears(run_cli: Any, imported: Workspace) -> None:
    result = run_cli("notice", "remind", "--min-months", "3")
    assert result.exit_code == 0
    assert result.stdout.strip() == "全小区没有欠费 3 个月以上的房屋，未生成催缴通知书"


def test_notice_remind_prints_the_batch(run_cli: Any, imported: Workspace) -> None:
    assert (
        run_cli("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01").exit_code
        == 0
    )
    assert run_cli("fees", "bill", "--month", "2026-11").exit_code == 0
    result = run_cli("notice", "remind", "--building", "3", "--as-of", "2026-11-30")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "欠费合计 337.93 元"  # the vacant 3-2-1202 has no owner to remind
    docs = [p for p in generated(imported) if p.suffix == ".docx"]
    assert [p.name for p in docs] == ["催缴通知书_3-2-1201.docx"]
    rows = [[c.text for c in r.cells] for r in Document(str(docs[0])).tables[0].rows]
    assert rows[1] == ["2026年11月", "物业服务费", "337.93"]
    assert rows[-1][0] == "合计人民币（大写）：叁佰叁拾柒元玖角叁分"


def test_a_merged_print_file_of_a_template_with_pictures_numbers_each_picture_once(
    run_cli: Any, imported: Workspace
) -> None:
    # The office's logo in the header and its seal in the body: every copy of a --merge file repeated the seal's
    # picture id (wp:docPr id="2" once per household), which Word may refuse as damaged and offer to repair.
    import io

    from docx.shared import Cm
    from PIL import Image

    def picture(colour: str) -> io.BytesIO:
        image = io.BytesIO()
        Image.new("RGB", (8, 8), colour).save(image, format="PNG")
        image.seek(0)
        return image

    document = Document()
    document.sections[0].header.paragraphs[0].add_run().add_picture(picture("blue"), width=Cm(1))
    greeting = document.add_paragraph("{{ 称呼 }}：本周六燃气检修，请在家等候。")
    document.add_comment(greeting.runs, text="记得改日期", author="王经理")  # its id repeated per copy as well
    document.add_paragraph().add_run().add_picture(picture("red"), width=Cm(2))
    imported.templates_dir.mkdir(exist_ok=True)
    document.save(imported.templates_dir / "燃气检修通知.docx")
    made = run_cli("notice", "make", "燃气检修通知", "--all", "--merge")
    assert made.exit_code == 0, made.output
    [merged] = [p for p in generated(imported) if p.suffix == ".docx"]
    households = sum(text.endswith("本周六燃气检修，请在家等候。") for text in texts_of(merged))
    assert households == 2
    with zipfile.ZipFile(merged) as package:
        ids = [
            number
            for name in package.namelist()
            if name.startswith("word/") and name.endswith(".xml")
            for number in re.findall(r'<wp:docPr\b[^>]*?\sid="(\d+)"', package.read(name).decode("utf-8"))
        ]
        body = package.read("word/document.xml").decode("utf-8")
    assert len(ids) == households + 1  # the seal in each copy, the logo once in the header
    assert len(set(ids)) == len(ids), ids
    assert "comment" not in body.lower()
    package_is_whole(merged)


def test_docs_list_of_a_unit_shows_the_merged_print_file_holding_its_copy(run_cli: Any, imported: Workspace) -> None:
    # A 催缴通知书 printed with --merge was not listed under `docs list --unit`: did 1-1-101 get one?
    rule = ("物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01")
    assert run_cli("fees", "rules", "add", *rule).exit_code == 0
    assert run_cli("fees", "bill", "--month", "2026-11").exit_code == 0
    merged = run_cli("notice", "remind", "--building", "1", "--merge", "--as-of", "2026-11-30")
    assert merged.exit_code == 0, merged.output
    listed = run_cli("docs", "list", "--unit", "1-1-101", "--kind", "催缴通知书", "--json")
    assert [(d["subject"], d["title"]) for d in json.loads(listed.stdout)] == [("1栋", "催缴通知书合并打印2份")]
    assert "文书 1 份" in run_cli("docs", "list", "--unit", "1栋1单元102室").stdout
    assert json.loads(run_cli("docs", "list", "--unit", "3-2-1201", "--json").stdout) == []


def test_docs_list_of_a_unit_the_ledger_does_not_have_is_refused_not_empty(run_cli: Any, imported: Workspace) -> None:
    # A typo listed 文书 0 份 (exit 0): the clerk reads "nothing was ever printed for 9-9-999", as
    # `receipt list --unit` once said 收据 0 张.  A unit with nothing printed still lists nothing.
    assert run_cli("cert", "make", "居住证明", "--unit", "1-1-101").exit_code == 0
    for extra in ((), ("--json",), ("--kind", "证明")):
        refused = run_cli("docs", "list", "--unit", "9-9-999", *extra)
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
            6,
            "",
            "错误：台账中没有房屋 9-9-999：请用 recordkit owners list 查看已有房号",
        )
    assert json.loads(run_cli("docs", "list", "--unit", "3-2-1202", "--json").stdout) == []
    assert "文书 0 份" in run_cli("docs", "list", "--unit", "3-2-1202").stdout


KINDS = "通知、催缴通知书、证明、出门条、收据、装修、送达签收表、月度报表"


def test_docs_list_of_a_kind_that_is_none_is_refused_naming_the_kinds(run_cli: Any, imported: Workspace) -> None:
    # `--kind 通知书` or `--kind 居住证明` (a template's name, not a kind) listed 文书 0 份 (exit 0): the
    # clerk reads "no certificate was ever printed".  A kind with nothing printed yet still lists nothing.
    assert run_cli("cert", "make", "居住证明", "--unit", "1-1-101").exit_code == 0
    typo = run_cli("docs", "list", "--kind", "通知书")
    assert (typo.exit_code, typo.stdout, typo.stderr.strip()) == (
        5,
        "",
        f"错误：没有“通知书”这一类文书，类别有：{KINDS}",
    )
    template = run_cli("docs", "list", "--kind", "居住证明", "--json")
    assert (template.exit_code, template.stdout, template.stderr.strip()) == (
        5,
        "",
        f"错误：“居住证明”是模板，不是类别：请用 --kind 证明（类别有：{KINDS}）",
    )
    assert json.loads(run_cli("docs", "list", "--kind", "证明", "--json").stdout)[0]["template"] == "居住证明"
    assert json.loads(run_cli("docs", "list", "--kind", "收据", "--json").stdout) == []
    assert "文书 0 份" in run_cli("docs", "list", "--kind", "月度报表").stdout


def test_every_kind_recordkit_records_is_one_docs_list_knows() -> None:
    from recordkit.billing.receipts import RECEIPT_KIND
    from recordkit.documents.generated import DOCUMENT_KINDS
    from recordkit.documents.notices import SIGN_SHEET_KIND
    from recordkit.documents.templates.designs import all_designs
    from recordkit.renovations.records import DOCUMENT_KIND
    from recordkit.reports import REPORT_KIND

    made = {design.kind for design in all_designs().values()} | {
        SIGN_SHEET_KIND,
        REPORT_KIND,
        DOCUMENT_KIND,
        RECEIPT_KIND,
    }
    assert made == set(DOCUMENT_KINDS)
    assert "、".join(DOCUMENT_KINDS) == KINDS


# -- certificates and the documents list ------------------------------------------------------


def test_cert_make_and_docs_list(run_cli: Any, imported: Workspace) -> None:
    result = run_cli("cert", "make", "居住证明", "--unit", "1-1-101")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("已开具居住证明 JZ")
    assert "（1-1-101）：records/generated/" in result.stdout
    soon = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    passed = run_cli("cert", "make", "出门条", "--unit", "1-1-101", "--items", "冰箱1台", "--valid-until", soon)
    assert passed.exit_code == 0 and "出门条 CM" in passed.stdout
    listed = json.loads(run_cli("docs", "list", "--unit", "1-1-101", "--json").stdout)
    assert [(d["kind"], d["template"], d["subject"], d["operator"]) for d in listed] == [
        ("出门条", "出门条", "1-1-101", "测试员"),
        ("证明", "居住证明", "1-1-101", "测试员"),
    ]
    only = json.loads(run_cli("docs", "list", "--kind", "证明", "--json").stdout)
    assert len(only) == 1 and only[0]["title"].startswith("居住证明JZ")
    passes = json.loads(run_cli("docs", "list", "--kind", "放行条", "--json").stdout)  # cert make's other name
    assert [d["kind"] for d in passes] == ["出门条"]
    table = run_cli("docs", "list")
    assert "文书 2 份" in table.stdout and "显示最近" not in table.stdout
    assert "文书 2 份，显示最近 1 份" in run_cli("docs", "list", "--limit", "1").stdout
    created = dt.datetime.fromisoformat(listed[0]["created_at"]).astimezone(zoneinfo.ZoneInfo("Asia/Shanghai"))
    assert created.strftime("%Y-%m-%d %H:%M") in table.stdout  # the office's clock, never ISO with T
    # The ID number is on the certificate and nowhere else: not in a file name, not in the log.
    id_number = "110101199003071233"
    assert all(id_number not in p.name for p in imported.root.rglob("*"))
    log = imported.records_subdir("logs") / "recordkit.log"
    assert id_number not in (log.read_text(encoding="utf-8") if log.exists() else "")
    docx = next(p for p in generated(imported) if p.name.startswith("居住证明"))
    assert id_number in "\n".join(p.text for p in Document(str(docx)).paragraphs)


@pytest.mark.parametrize("limit", ["0", "-5"])
def test_docs_list_refuses_a_limit_below_one(run_cli: Any, imported: Workspace, limit: str) -> None:
    # It listed every document (0, and -5 on SQLite); PostgreSQL refuses a negative LIMIT outright.
    assert run_cli("cert", "make", "居住证明", "--unit", "1-1-101").exit_code == 0
    result = run_cli("docs", "list", "--limit", limit)
    assert result.exit_code == 2, result.output
    assert "'--limit' 应不小于 1" in result.stderr
    assert "居住证明" not in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("cert", "make", "居住证明", "--unit", "3-2-1202"),
            8,
            "错误：房屋 3-2-1202 没有登记业主，不能开具证明或出门条。请先导入业主名册",
        ),
        (
            ("cert", "make", "出门条", "--unit", "1-1-101", "--items", "冰箱1台", "--valid-until", "2020-01-01"),
            5,
            "错误：有效期 2020-01-01 早于今天",
        ),
        (
            ("cert", "make", "学籍证明", "--unit", "1-1-101"),
            2,
            "错误：没有“学籍证明”这种证明，可开具：居住证明、缴费证明、出门条",
        ),
        (("cert", "make", "居住证明", "--unit", "9-9-909"), 6, "错误：台账中没有房屋 9-9-909"),
        (
            ("cert", "make", "居住证明", "--unit", "1-1-101", "--purpose", ",,"),
            5,
            "错误：证明用途不能只有标点：请在 --purpose 后用文字写明证明用途",
        ),
        (
            ("cert", "make", "缴费证明", "--unit", "1-1-101", "--purpose", "子女\n入学"),
            5,
            "错误：证明用途不能换行，也不能有控制字符或不可见的格式字符：请在 --purpose 后用一行文字写明证明用途",
        ),
        (
            ("cert", "make", "缴费证明", "--unit", "1-1-101", "--purpose", "   "),
            5,
            "错误：证明用途不能为空：请用 --purpose 写明用途，例如 --purpose 子女入学；不写 --purpose 则印“办理相关事务”",
        ),
        (
            ("cert", "make", "出门条", "--unit", "1-1-101", "--items", "冰箱1台", "--despite-arrears", ",,"),
            5,
            "错误：欠费仍放行的原因不能只有标点：请在 --despite-arrears 后用文字写明欠费仍放行的原因",
        ),
    ],
)
def test_cert_bad_input(run_cli: Any, imported: Workspace, args: tuple[str, ...], code: int, message: str) -> None:
    before = journal_size(run_cli)
    result = run_cli(*args)
    assert result.exit_code == code, result.output
    assert error_line(result).startswith(message)
    assert_nothing_written(run_cli, imported, before)


def _pass_number(stdout: str) -> str:
    return stdout.split()[1].split("（")[0]


def _paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def test_an_exit_pass_is_good_for_a_week_at_most_and_is_also_called_放行条(run_cli: Any, imported: Workspace) -> None:
    # A one-time pass for moving goods out, valid ten years, lets anything out any day.
    before = journal_size(run_cli)
    pass_ = ("cert", "make", "放行条", "--unit", "3-2-1201", "--items", "冰箱1台", "--date", "2026-11-23")
    long = run_cli(*pass_, "--valid-until", "2036-11-23")
    assert (long.exit_code, long.stdout, long.stderr.strip()) == (
        5,
        "",
        "错误：有效期 2036-11-23 晚于开具日期 2026-11-23 后 7 天（最晚 2026-11-30）："
        "出门条一次有效，请写搬出物品那天的日期",
    )
    assert_nothing_written(run_cli, imported, before)
    made = run_cli(*pass_, "--valid-until", "2026-11-30")
    assert made.exit_code == 0, made.output
    assert made.stdout.startswith("已开具出门条 CM2026-000001（3-2-1201）：records/generated/")
    [path] = generated(imported)
    assert path.name == "出门条CM2026-000001_3-2-1201.docx"
    assert "有效期至：2026年11月30日（过期作废，一次有效）" in _paragraphs(path)
    listed = json.loads(run_cli("docs", "list", "--kind", "出门条", "--json").stdout)
    assert [d["title"] for d in listed] == ["出门条CM2026-000001"]


def test_an_exit_pass_is_valid_until_明天_or_后天_as_a_loan_is_due(run_cli: Any, imported: Workspace) -> None:
    """``--valid-until 明天`` was refused (日期“明天”无法识别) where ``archive lend --due 明天`` is taken: a pass is
    valid until a day to come, and takes 明天 and 后天 as a loan's 应还日期 does, counted from its 开具日期 (the
    suite's today, 2026-12-05, or ``--date``).  A day before it is refused as a loan's is, in the same words."""
    pass_ = ("cert", "make", "出门条", "--unit", "3-2-1201", "--items", "冰箱1台")
    tomorrow = run_cli(*pass_, "--valid-until", "明天")
    assert tomorrow.exit_code == 0, tomorrow.output
    back_dated = run_cli(*pass_, "--date", "2026-12-01", "--valid-until", "后天")
    assert back_dated.exit_code == 0, back_dated.output
    first, second = sorted(generated(imported))
    assert "有效期至：2026年12月6日（过期作废，一次有效）" in _paragraphs(first)
    assert "有效期至：2026年12月3日（过期作废，一次有效）" in _paragraphs(second)
    before = journal_size(run_cli)
    past = run_cli(*pass_, "--valid-until", "2026-12-04")
    assert (past.exit_code, past.stdout, past.stderr.strip()) == (
        5,
        "",
        "错误：有效期 2026-12-04 早于今天（2026-12-05）：有效期应是今天或以后的日期",
    )
    assert generated(imported) == [first, second] and journal_size(run_cli) == before


@pytest.mark.parametrize("typed", ["12月7日", "12-07", "12/7", "１２－７"])
def test_an_exit_pass_is_valid_until_a_day_without_its_year_however_written(
    run_cli: Any, imported: Workspace, typed: str
) -> None:
    """``--valid-until 12月7日`` was read and ``12-07`` refused (无法识别): both are the next such day."""
    made = run_cli("cert", "make", "出门条", "--unit", "3-2-1201", "--items", "冰箱1台", "--valid-until", typed)
    assert made.exit_code == 0, made.output
    assert "有效期至：2026年12月7日（过期作废，一次有效）" in _paragraphs(generated(imported)[0])


def test_no_exit_pass_while_the_unit_owes_unless_the_office_says_why(run_cli: Any, imported: Workspace) -> None:
    # The classic case: the tenant moves out, the owner owes; the office lets the goods go only when
    # someone answers for it, and the journal says who, why and how much was owed.
    rule = ("物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01")
    assert run_cli("fees", "rules", "add", *rule).exit_code == 0
    assert run_cli("fees", "bill", "--month", "2026-11").exit_code == 0
    owed = {r["unit"]: r["arrears_fen"] for r in json.loads(run_cli("fees", "arrears", "--json").stdout)}
    assert owed["3-2-1201"] == 33793
    before = journal_size(run_cli)
    pass_ = ("cert", "make", "出门条", "--unit", "3-2-1201", "--items", "冰箱1台,旧沙发2件", "--carrier", "赵磊")
    refused = run_cli(*pass_)
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        8,
        "",
        "错误：房屋 3-2-1201 尚欠费用 337.93 元（1 个月，最早 2026-11），结清后才能开具出门条。"
        "收款：recordkit fees pay 3-2-1201 --amount 337.93；确需放行的，加 --despite-arrears 写明原因（记入操作日志）",
    )
    blank = run_cli(*pass_, "--despite-arrears", "  ")
    assert (blank.exit_code, blank.stderr.strip()) == (
        5,
        "错误：--despite-arrears 须写明欠费仍放行的原因，例如 --despite-arrears 租户退租，经理同意",
    )
    other = run_cli("cert", "make", "居住证明", "--unit", "3-2-1201", "--despite-arrears", "经理同意")
    assert (other.exit_code, other.stderr.strip()) == (
        2,
        "错误：--items、--valid-until、--carrier、--despite-arrears 只用于出门条",
    )
    assert_nothing_written(run_cli, imported, before)

    allowed = run_cli(*pass_, "--despite-arrears", "租户退租，经理同意")
    assert allowed.exit_code == 0, allowed.output
    assert (
        allowed.stdout.splitlines()[1]
        == "房屋 3-2-1201 尚欠费用 337.93 元，按 --despite-arrears 放行：租户退租，经理同意（已记入操作日志）"
    )
    [path] = generated(imported)
    assert "房屋：测试小区3栋2单元1201室    业主：李秀英    携物人：赵磊" in _paragraphs(path)
    rows = [[c.text for c in r.cells] for r in Document(str(path)).tables[0].rows]
    assert rows == [["序号", "物品名称", "数量"], ["1", "冰箱", "1台"], ["2", "旧沙发", "2件"]]
    entry = last_journal_entry(imported, _pass_number(allowed.stdout))
    assert entry.action == "certificate.issue"
    assert (entry.after["arrears_fen"], entry.after["despite_arrears"]) == (33793, "租户退租，经理同意")
    # Paid up, the pass needs no reason and records no arrears.
    assert run_cli("fees", "pay", "3-2-1201", "--amount", "337.93").exit_code == 0
    paid_up = run_cli(*pass_)
    assert paid_up.exit_code == 0, paid_up.output
    entry = last_journal_entry(imported, _pass_number(paid_up.stdout))
    assert "arrears_fen" not in entry.after


def test_clearance_refused_in_arrears_via_cli(run_cli: Any, imported: Workspace) -> None:
    assert (
        run_cli("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01").exit_code
        == 0
    )
    assert run_cli("fees", "bill", "--month", "2026-11").exit_code == 0
    result = run_cli("cert", "make", "缴费证明", "--unit", "3-2-1201")
    assert result.exit_code == 8
    assert error_line(result) == (
        "错误：房屋 3-2-1201 尚欠费用 337.93 元（1 个月，最早 2026-11），结清后才能开具缴费证明。"
        "收款：recordkit fees pay 3-2-1201 --amount 337.93"
    )
    assert generated(imported) == []


def test_templates_check_a_broken_office_template_by_name(run_cli: Any, imported: Workspace) -> None:
    make_docx(imported.templates_dir / "停水通知.docx", "{% if 称呼 %}尊敬的")
    result = run_cli("templates", "check", "停水通知")
    assert result.exit_code == 5
    assert "模板“停水通知”（通知）：templates/停水通知.docx" in result.stdout
    assert "[错误] 模板“停水通知”的占位符写法有误" in result.stdout


def test_templates_check_finds_the_attr_filter_escape(run_cli: Any, imported: Workspace, tmp_path: Path) -> None:
    path = make_docx(tmp_path / "通知.docx", "{{ 称呼|attr('__class__') }}")
    result = run_cli("templates", "check", str(path))
    assert result.exit_code == 5
    assert "[错误] 正文段落“{{ 称呼|attr('__class__') }}”：访问“__class__”是不允许的" in result.stdout


def test_notice_scope_is_named_the_canonical_way(run_cli: Any, imported: Workspace) -> None:
    result = run_cli("notice", "make", "温馨提示", "--unit", "3栋2单元1201室", "--set", "提示内容=注意防火")
    assert result.exit_code == 0, result.output
    assert "  温馨提示_3-2-1201.docx" in result.stdout
    assert result.stdout.strip().endswith("/温馨提示送达签收表_3-2-1201.xlsx")
    result = run_cli("notice", "make", "温馨提示", "--building", "3栋", "--set", "提示内容=注意防火", "--merge")
    assert "温馨提示合并打印1份_3栋.docx" in result.stdout and result.stdout.strip().endswith("送达签收表_3栋.xlsx")


def test_a_restoring_time_from_a_cut_at_night_twelve_counts_from_the_day_written(
    run_cli: Any, imported: Workspace
) -> None:
    # 晚上12点 is the midnight ending 12月8日: 次日6:00 is 12月9日 6:00 and 当日23:00 comes before the cut (it was read
    # from 12月9日, the day the midnight begins: 12月10日 6:00 and 12月9日 23:00, let through).
    water = ["--set", "停水原因=管道检修", "--set", "停水范围=3栋", "--set", "停水时间=12月8日 晚上12点"]
    before = journal_size(run_cli)
    result = run_cli(
        "notice",
        "make",
        "停水通知",
        "--unit",
        "3-2-1201",
        *water,
        "--set",
        "恢复时间=当日23:00",
        "--date",
        "2026-12-06",
    )
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert result.stderr.strip() == (
        "错误：模板“停水通知”的日期顺序不对：恢复时间（当日23:00）早于停水时间（12月8日 晚上12点），请检查后再试"
    )
    assert_nothing_written(run_cli, imported, before)
    result = run_cli(
        "notice", "make", "停水通知", "--unit", "3-2-1201", *water, "--set", "恢复时间=次日6:00", "--date", "2026-12-06"
    )
    assert result.exit_code == 0, result.output
    docx = next(p for p in generated(imported) if p.suffix == ".docx")
    text = "\n".join(paragraph.text for paragraph in Document(str(docx)).paragraphs)
    # printed as typed, 晚上12点 was read by some as the midnight beginning 12月8日: 24:00 says which
    assert "将于12月8日 晚上12点（24:00）暂停供水，预计次日6:00恢复供水" in text


CORE_PROPERTIES_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def test_a_template_copy_made_after_docxcompose_is_loaded_carries_the_category_word_reads(
    run_cli: Any, imported: Workspace
) -> None:
    # docxcompose (loaded by docxtpl, as in every run that fills a notice) rebinds python-docx's cp: prefix to the
    # custom properties' namespace: a 类别 written through python-docx would be one Word does not show.
    import docxcompose.composer  # noqa: F401  # loaded on first use: the library interplay this test is about

    assert run_cli("templates", "copy", "停水通知").exit_code == 0
    core = zipfile.ZipFile(imported.templates_dir / "停水通知.docx").read("docProps/core.xml")
    root = ElementTree.fromstring(core)
    assert root.tag == f"{{{CORE_PROPERTIES_NS}}}coreProperties"
    assert [element.text for element in root.iter(f"{{{CORE_PROPERTIES_NS}}}category")] == [
        "recordkit 内置模板：停水通知"
    ]
    # the copy is still the built-in's: nothing lacking told, and the list says it stands in for the built-in
    listing = {info["name"]: info for info in json.loads(run_cli("templates", "list", "--json").stdout)}
    assert listing["停水通知"]["origin"] == "本处" and listing["停水通知"]["overrides_builtin"]
    assert "本处的模板里没有" not in run_cli("templates", "check", "停水通知").stdout
