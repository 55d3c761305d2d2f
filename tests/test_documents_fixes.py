"""Reproduced bugs of document generation, each driven through the CLI: a filter that would build
gigabytes before its size was checked, a merged print file's headers, control characters in typed
values, a date cell of a batch sheet, a day written without its year, a misspelt table field, a
backdated 缴费证明.  Expected values are typed by hand."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import Workbook

from recordkit.core.workspace import Workspace
from tests.documents_fixtures import works_under_way_in
from tests.test_documents_cli import imported  # noqa: F401  (the fixture: the sample roster imported)

SRC = Path(__file__).resolve().parents[1] / "src"
STOPPED = "，已停止：请检查模板里的循环、乘方和重复，改正后再用"


def generated(ws: Workspace) -> list[Path]:
    return sorted(p for p in ws.records_subdir("generated").rglob("*.docx"))


def error_line(result: Any) -> str:
    return result.stderr.strip().splitlines()[0]


def all_text(path: Path) -> str:
    """What a reader sees in a .docx: paragraphs, table cells, headers (python-docx opens it)."""
    document = Document(str(path))
    lines = [p.text for p in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    lines += [p.text for section in document.sections for p in section.header.paragraphs]
    return "\n".join(lines)


def office_copy(ws: Workspace, run_cli: Any, name: str, payload: str, header: str | None = None) -> Path:
    """The built-in template copied to templates/ with ``payload`` where ``{{ 提示内容 }}`` was."""
    assert run_cli("templates", "copy", name).exit_code == 0
    path = ws.templates_dir / f"{name}.docx"
    document = Document(str(path))
    for paragraph in document.paragraphs:
        if "{{ 提示内容 }}" in paragraph.text:
            text = paragraph.text.replace("{{ 提示内容 }}", payload)
            for run in paragraph.runs[1:]:
                run.text = ""
            paragraph.runs[0].text = text
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    document.save(str(path))
    return path


# -- 1. a filter's result is measured before it is built ---------------------------------------

_LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from recordkit.cli import main
sys.argv = ["recordkit", *sys.argv[1:]]
main()
"""


def _run_limited(ws: Workspace, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a process of at most 1 GB of address space: building the result first would be a
    MemoryError there, not the Chinese refusal."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}
    env |= {"RECORDKIT_HOME": str(ws.root), "RECORDKIT_OPERATOR": "测试员", "PYTHONPATH": str(SRC)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_LIMITED), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_AS is POSIX")
@pytest.mark.parametrize(
    "payload",
    [
        "{{ ('a\\n'*1000)|indent(4999999) }}",
        "{{ ('x'*400000)|replace('x','y'*5000) }}",
        "{{ ('x'*400000)|join('y'*5000) }}",
        "{{ ('a '*400000)|wordwrap(1, wrapstring='y'*5000) }}",
        "{{ ('{0}'*100000).format('y'*20000) }}",
    ],
)
def test_a_growing_filter_is_refused_before_it_is_built(run_cli: Any, imported: Workspace, payload: str) -> None:
    office_copy(imported, run_cli, "温馨提示", payload)
    message = "错误：模板“温馨提示”填写出的内容超过 5000000 个字符" + STOPPED
    checked = _run_limited(imported, "templates", "check", "温馨提示")
    assert checked.returncode == 5, checked.stderr
    assert "模板“温馨提示”填写出的内容超过 5000000 个字符" + STOPPED in checked.stdout + checked.stderr
    made = _run_limited(imported, "notice", "make", "温馨提示", "--unit", "1-1-101")
    assert made.returncode == 5, made.stderr
    assert made.stderr.strip() == message
    assert generated(imported) == []


# -- 2. merged print files and per-household headers ------------------------------------------


def test_a_header_naming_the_household_is_refused_for_a_merged_print(run_cli: Any, imported: Workspace) -> None:
    office_copy(
        imported, run_cli, "温馨提示", "{{ 提示内容 }}", header="{{ 物业服务中心 }} 送达：{{ 房号 }} {{ 业主姓名 }}"
    )
    refusal = (
        "模板“温馨提示”的页眉里有每户不同的变量（业主姓名、房号），合并打印文件的页眉只印一份，"
        "会把第一户印在每一页上，已拒绝：请把它们移到正文里，或不加 --merge 逐户打印"
    )
    checked = run_cli("templates", "check", "温馨提示")
    assert checked.exit_code == 5
    assert refusal in checked.output
    merged = run_cli("notice", "make", "温馨提示", "--all", "--set", "提示内容=注意防火", "--merge")
    assert merged.exit_code == 5
    assert error_line(merged) == "错误：" + refusal
    assert generated(imported) == []
    # One file per household keeps its own header.
    single = run_cli("notice", "make", "温馨提示", "--all", "--set", "提示内容=注意防火")
    assert single.exit_code == 0, single.output
    headers = sorted(Document(str(p)).sections[0].header.paragraphs[0].text for p in generated(imported))
    assert headers == ["测试物业服务中心 送达：1-1-101 张伟", "测试物业服务中心 送达：3-2-1201 李秀英"]


def test_an_office_header_is_still_merged(run_cli: Any, imported: Workspace) -> None:
    office_copy(imported, run_cli, "温馨提示", "{{ 提示内容 }}", header="{{ 物业服务中心 }} {{ 日期 }}")
    assert run_cli("templates", "check", "温馨提示").exit_code == 0
    merged = run_cli(
        "notice", "make", "温馨提示", "--all", "--set", "提示内容=注意防火", "--merge", "--date", "2026-12-20"
    )
    assert merged.exit_code == 0, merged.output
    (path,) = generated(imported)
    assert Document(str(path)).sections[0].header.paragraphs[0].text == "测试物业服务中心 2026年12月20日"


# -- 3. control characters in typed values ----------------------------------------------------


def test_a_vertical_tab_is_a_line_break_and_other_controls_are_dropped(run_cli: Any, imported: Workspace) -> None:
    result = run_cli("notice", "make", "温馨提示", "--unit", "1-1-101", "--set", "提示内容=请注意\x0b防火\x01")
    assert result.exit_code == 0, result.output
    (path,) = generated(imported)
    text = all_text(path)
    assert "请注意\n防火" in text
    assert "\x01" not in text and "\x0b" not in text


def test_an_exit_pass_with_a_control_character_opens(run_cli: Any, imported: Workspace) -> None:
    result = run_cli("cert", "make", "出门条", "--unit", "1-1-101", "--items", "冰箱1台\x02", "--carrier", "张师傅\x0b")
    assert result.exit_code == 0, result.output
    assert "出门条 CM" in result.stdout
    (path,) = generated(imported)
    text = all_text(path)
    assert "张师傅" in text and "冰箱" in text
    assert not any(char in text for char in "\x02\x0b")


# -- 4. a date cell of a batch sheet ----------------------------------------------------------


def test_a_date_cell_of_a_batch_sheet_prints_as_a_chinese_date(run_cli: Any, imported: Workspace) -> None:
    works_under_way_in(imported, "1-1-101")
    sheet = imported.root / "整改名单.xlsx"
    workbook = Workbook()
    workbook.active.append(["房号", "违规事项", "整改期限"])
    workbook.active.append(["1-1-101", "占用消防通道", dt.datetime(2026, 12, 30)])
    workbook.save(sheet)
    result = run_cli("notice", "batch", "装修违规整改通知", str(sheet), "--date", "2026-12-20")
    assert result.exit_code == 0, result.output
    (path,) = generated(imported)
    text = all_text(path)
    assert "2026年12月30日" in text
    assert "00:00:00" not in text


# -- 5. a day without its year ----------------------------------------------------------------


def test_a_day_without_a_year_is_the_next_one(run_cli: Any, imported: Workspace) -> None:
    works_under_way_in(imported, "1-1-101")
    rectify = run_cli(
        "notice", "make", "装修违规整改通知", "--unit", "1-1-101", "--set", "违规事项=占用消防通道",
        "--set", "整改期限=1月10日", "--date", "2026-12-20",
    )  # fmt: skip
    assert rectify.exit_code == 0, rectify.output
    water = run_cli(
        "notice", "make", "停水通知", "--unit", "1-1-101", "--set", "停水原因=管网维修", "--set", "停水范围=1栋",
        "--set", "停水时间=12月31日22:00", "--set", "恢复时间=1月1日6:00", "--date", "2026-12-20",
    )  # fmt: skip
    assert water.exit_code == 0, water.output
    backwards = run_cli(
        "notice", "make", "停水通知", "--unit", "1-1-101", "--set", "停水原因=管网维修", "--set", "停水范围=1栋",
        "--set", "停水时间=12月5日8:00", "--set", "恢复时间=12月4日18:00", "--date", "2026-12-01",
    )  # fmt: skip
    assert backwards.exit_code == 5
    assert error_line(backwards) == (
        "错误：模板“停水通知”的日期顺序不对：恢复时间（12月4日18:00）早于停水时间（12月5日8:00），请检查后再试"
    )


# -- 6. a misspelt field of a table row -------------------------------------------------------


def test_a_misspelt_table_field_is_found_by_the_check_and_said_in_chinese(run_cli: Any, imported: Workspace) -> None:
    assert run_cli("templates", "copy", "催缴通知书").exit_code == 0
    path = imported.templates_dir / "催缴通知书.docx"
    document = Document(str(path))
    cells = [cell for table in document.tables for row in table.rows for cell in row.cells]
    cell = next(cell for cell in cells if cell.text == "{{ 行.金额 }}")
    for run in cell.paragraphs[0].runs[1:]:
        run.text = ""
    cell.paragraphs[0].runs[0].text = "{{ 行.金頟 }}"
    document.save(str(path))
    message = (
        "模板“催缴通知书”的表格用到了没有的字段“金頟”（是不是 金额？）。表格每行的字段：月份、项目、金额，"
        "改正后再用 recordkit templates check 催缴通知书 检查"
    )
    checked = run_cli("templates", "check", "催缴通知书")
    assert checked.exit_code == 5
    assert message in checked.output
    assert (
        run_cli("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01").exit_code
        == 0
    )
    assert run_cli("fees", "bill", "--month", "2026-11").exit_code == 0
    reminded = run_cli("notice", "remind", "--building", "3")
    assert reminded.exit_code == 5
    assert error_line(reminded) == (
        "错误：模板“催缴通知书”用到了没有提供的变量或字段“金頟”。请检查名称是否写错，"
        "改正后再用 recordkit templates check 催缴通知书 检查"
    )
    assert "dict object" not in reminded.output


# -- 7. a backdated 缴费证明 ------------------------------------------------------------------


def test_a_backdated_clearance_is_refused_while_the_unit_owes(run_cli: Any, imported: Workspace) -> None:
    assert (
        run_cli("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01").exit_code
        == 0
    )
    assert run_cli("fees", "bill", "--month", "2026-11").exit_code == 0
    result = run_cli("cert", "make", "缴费证明", "--unit", "3-2-1201", "--date", "2026-07-31")
    assert result.exit_code == 8
    assert error_line(result) == (
        "错误：房屋 3-2-1201 尚欠费用 337.93 元（1 个月，最早 2026-11），结清后才能开具缴费证明。"
        "收款：recordkit fees pay 3-2-1201 --amount 337.93"
    )
    assert generated(imported) == []
    assert json.loads(run_cli("docs", "list", "--json").stdout) == []


# -- 8. a copied notice template with a misspelt variable -------------------------------------------


def test_a_misspelt_variable_of_a_copied_notice_is_the_templates_fault_not_a_value_to_set(
    run_cli: Any, imported: Workspace
) -> None:
    """停水通知 copied to templates/ with 称呼 retyped as 业主姓明 and 恢复时间 as 恢复时问: ``templates check`` said both
    were misspelt (exit 5), yet ``notice make`` with the right ``--set 恢复时间`` answered 没有用到变量“恢复时间”（是不是
    恢复时问？）and asked for ``--set 业主姓明=…`` — followed, one name typed by hand went on every household's notice.
    Printing now says the template is wrong, as the check does, and writes nothing; a variable the clerk does set on
    purpose is still filled."""
    assert run_cli("templates", "copy", "停水通知").exit_code == 0
    path = imported.templates_dir / "停水通知.docx"
    document = Document(str(path))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run.text = run.text.replace("{{ 称呼 }}", "尊敬的{{ 业主姓明 }}业主").replace("恢复时间", "恢复时问")
    document.save(str(path))
    values = ("--set", "停水原因=管网维修", "--set", "停水范围=1栋", "--set", "停水时间=12月8日8:00")
    said = (
        "错误：模板“停水通知”用到的变量“业主姓明”recordkit 不提供，是不是“业主姓名”写错了？请改正模板后再打印"
        "（recordkit templates check 停水通知 列出全部问题）；确是要在打印时填写的，加上 --set 业主姓明=…"
    )
    made = run_cli("notice", "make", "停水通知", "--building", "1", *values, "--set", "恢复时间=12月8日18:00")
    assert (made.exit_code, made.stdout, error_line(made)) == (5, "", said)
    sheet = imported.root / "停水名单.xlsx"
    workbook = Workbook()
    workbook.active.append(["房号", "恢复时问"])
    workbook.active.append(["1-1-101", "12月8日18:00"])
    workbook.save(sheet)
    batch = run_cli("notice", "batch", "停水通知", str(sheet), *values)
    assert (batch.exit_code, batch.stdout, error_line(batch)) == (5, "", said)
    assert generated(imported) == []
    on_purpose = run_cli("notice", "batch", "停水通知", str(sheet), *values, "--set", "业主姓明=张伟")
    assert on_purpose.exit_code == 0, on_purpose.output
    (notice,) = generated(imported)
    assert "尊敬的张伟业主" in all_text(notice) and "预计12月8日18:00恢复供水" in all_text(notice)


# -- 9. a notice's time written as 明天 -----------------------------------------------------------------


def test_a_notices_time_written_as_tomorrow_is_asked_as_a_date(run_cli: Any, imported: Workspace) -> None:
    """``--set 停水时间=明天8:00`` printed 将于明天8:00暂停供水 on a notice posted in the lobby for days, exit 0: read on
    the day after, 明天 is another day.  Refused (exit 5), saying which day it would be, nothing written; the date
    itself, and 当日 (the day of the cut), are printed as written."""
    water = ("notice", "make", "停水通知", "--unit", "1-1-101", "--set", "停水原因=管网维修", "--set", "停水范围=1栋")
    for start, end, word, day in (
        ("明天8:00", "明天18:00", "明天", "12月6日"),
        ("2026-12-06 8:00", "后天6:00", "后天", "12月7日"),
    ):
        refused = run_cli(*water, "--set", f"停水时间={start}", "--set", f"恢复时间={end}", "--date", "2026-12-05")
        written, name = (start, "停水时间") if word in start else (end, "恢复时间")
        assert (refused.exit_code, refused.stdout, error_line(refused)) == (
            5,
            "",
            f"错误：模板“停水通知”的“{name}”写的“{written}”：通知贴出以后，“{word}”是哪一天说不清，"
            f"请写成日期，如“{written.replace(word, day)}”（通知日期 2026年12月5日 的{word}）",
        )
    assert generated(imported) == []
    made = run_cli(*water, "--set", "停水时间=12月6日8:00", "--set", "恢复时间=当日18:00", "--date", "2026-12-05")
    assert made.exit_code == 0, made.output
    [notice] = [path for path in generated(imported) if path.suffix == ".docx"]
    assert "将于12月6日8:00暂停供水，预计当日18:00恢复供水" in all_text(notice)
