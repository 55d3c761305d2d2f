"""Reproduced bugs of notices, certificates, renovations and templates, each driven through the CLI as a
clerk typed it: a batch sheet's extra column and totals row, a full-width ＝ in --set, a carrier of
punctuation only, one ID number given twice in one pass command, a payment dated before its
registration, a notice dated decades back, a template file outside templates/.  Expected values are
typed by hand."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docx import Document
from openpyxl import Workbook, load_workbook

from recordkit.core.workspace import Workspace
from tests.documents_fixtures import works_under_way_in
from tests.test_documents_cli import imported  # noqa: F401  (the fixture: the sample roster imported)


def generated(ws: Workspace) -> list[Path]:
    return sorted(p for p in ws.records_subdir("generated").rglob("*") if p.is_file())


def all_text(path: Path) -> str:
    document = Document(str(path))
    lines = [p.text for p in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def batch_sheet(path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    workbook = Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


# -- 1. notice batch: a column no template variable uses, a totals row ----------------------------


def test_a_batch_sheet_column_the_template_does_not_use_is_ignored_and_said_once(
    run_cli: Any, imported: Workspace
) -> None:
    works_under_way_in(imported, "1-1-101", "3-2-1201")
    sheet = batch_sheet(
        imported.root / "整改名单.xlsx",
        ["房号", "违规事项", "整改期限", "备注"],
        [
            ["1-1-101", "占用消防通道", "2026年12月30日", "已电话通知"],
            ["3-2-1201", "夜间施工噪音", "2026年12月31日", "业主在外地"],
            ["合计", "2户", None, None],
        ],
    )
    result = run_cli("notice", "batch", "装修违规整改通知", str(sheet), "--date", "2026-12-20")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("忽略了模板不用的列：备注") == 1
    assert "提醒：第 4 行是合计/小计行，不是房屋，没有生成通知" in result.stdout
    notices = [path for path in generated(imported) if path.suffix == ".docx"]
    assert [path.name for path in notices] == ["装修违规整改通知_1-1-101.docx", "装修违规整改通知_3-2-1201.docx"]
    assert "占用消防通道" in all_text(notices[0]) and "已电话通知" not in all_text(notices[0])
    (signed,) = [path for path in generated(imported) if path.suffix == ".xlsx"]
    units = [row[1] for row in load_workbook(signed).active.iter_rows(min_row=4, values_only=True)]
    assert units == ["1-1-101", "3-2-1201"]


def test_a_misspelt_batch_column_is_named_beside_the_rows_it_leaves_empty(run_cli: Any, imported: Workspace) -> None:
    sheet = batch_sheet(
        imported.root / "整改名单.xlsx",
        ["房号", "违规项目", "整改期限"],
        [["1-1-101", "占用消防通道", "2026年12月30日"]],
    )
    result = run_cli("notice", "batch", "装修违规整改通知", str(sheet), "--date", "2026-12-20")
    assert result.exit_code == 5
    assert result.stderr.splitlines() == [
        "错误：整改名单.xlsx 有 1 处错误，没有生成任何通知；忽略了模板不用的列：违规项目（是不是 违规事项？）",
        "  第 2 行（1-1-101）：模板“装修违规整改通知”需要填写变量：违规事项。请加上 --set 违规事项=…",
    ]
    assert generated(imported) == []


def test_a_batch_set_name_the_template_does_not_use_is_refused_once(run_cli: Any, imported: Workspace) -> None:
    sheet = batch_sheet(
        imported.root / "整改名单.xlsx",
        ["房号", "违规事项", "整改期限"],
        [["1-1-101", "占用消防通道", "2026年12月30日"], ["3-2-1201", "夜间施工噪音", "2026年12月31日"]],
    )
    result = run_cli("notice", "batch", "装修违规整改通知", str(sheet), "--set", "备注=x", "--date", "2026-12-20")
    assert result.exit_code == 5
    assert result.stderr.splitlines() == [
        "错误：模板“装修违规整改通知”没有用到变量“备注”。需要用 --set 填写的变量：整改期限、违规事项"
    ]
    assert generated(imported) == []


# -- 2. a full-width ＝ in --set ------------------------------------------------------------------


def test_a_full_width_equals_sign_in_set_splits_name_from_value(run_cli: Any, imported: Workspace) -> None:
    # A Chinese input method types ＝; the first sign, of either width, ends the name.
    result = run_cli(
        "notice", "make", "温馨提示", "--unit", "1-1-101", "--set", "提示内容＝水温=40度＝请注意", "--date", "2026-12-05"
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (notice,) = [path for path in generated(imported) if path.suffix == ".docx"]
    assert "水温=40度＝请注意" in all_text(notice)
    assert "提示内容" not in all_text(notice)


# -- 3. a carrier of punctuation only -------------------------------------------------------------


def test_an_exit_pass_carrier_with_no_letter_is_refused(run_cli: Any, imported: Workspace) -> None:
    for carrier in (",,", "——", "123"):
        result = run_cli("cert", "make", "出门条", "--unit", "1-1-101", "--items", "冰箱1台", "--carrier", carrier)
        assert result.exit_code == 5, result.output
        assert result.stderr.splitlines() == [
            f"错误：携物人“{carrier}”没有汉字或字母，不是姓名：请写带出物品的人的姓名，例如 --carrier 王师傅；"
            "业主本人带出的，不写 --carrier"
        ]
    assert generated(imported) == []
    # A name in letters is a name; the first number is still the first.
    result = run_cli("cert", "make", "出门条", "--unit", "1-1-101", "--items", "冰箱1台", "--carrier", "Li Lei")
    assert result.exit_code == 0, result.output
    assert re.search(r"已开具出门条 CM\d{4}-000001（1-1-101）", result.stdout), result.stdout  # no number used up
    (exit_pass,) = generated(imported)
    assert "Li Lei" in all_text(exit_pass)


def test_a_blank_exit_pass_carrier_is_refused_as_a_blank_purpose_is(run_cli: Any, imported: Workspace) -> None:
    """--carrier "" (a script's empty variable) printed 业主本人 — someone else would take the goods out under the
    owner's name — while --purpose "" and --manager " " are refused; now a blank carrier is refused too."""
    for carrier in ("", "  "):
        result = run_cli("cert", "make", "出门条", "--unit", "1-1-101", "--items", "冰箱1台", "--carrier", carrier)
        assert result.exit_code == 5, result.output
        assert result.stderr.splitlines() == [
            "错误：携物人不能为空：请写带出物品的人的姓名，例如 --carrier 王师傅；业主本人带出的，不写 --carrier"
        ]
    assert generated(imported) == []


# -- 6. a notice dated outside the office's years -------------------------------------------------


def test_a_notice_dated_outside_the_office_years_is_refused(run_cli: Any, imported: Workspace) -> None:
    # [receipt] first_year–last_year is 2000–2099 by default, as cert make checks its date.
    sheet = batch_sheet(
        imported.root / "整改名单.xlsx", ["房号", "违规事项", "整改期限"], [["1-1-101", "占用消防通道", "2月1日"]]
    )
    for args, day in (
        (("notice", "make", "温馨提示", "--unit", "1-1-101", "--set", "提示内容=注意防火"), "1990-01-01"),
        (("notice", "batch", "装修违规整改通知", str(sheet)), "1999-12-31"),
        (("notice", "remind", "--building", "1"), "2100-01-01"),
    ):
        result = run_cli(*args, "--date", day)
        assert (result.exit_code, result.stdout) == (5, ""), result.output
        assert result.stderr.splitlines() == [f"错误：通知日期 {day} 不在 2000–2099 年之间：请检查年份"]
    assert generated(imported) == []
    dated = run_cli(
        "notice", "make", "温馨提示", "--unit", "1-1-101", "--set", "提示内容=注意防火", "--date", "2000-01-01"
    )
    assert dated.exit_code == 0, dated.output
    (notice,) = [path for path in generated(imported) if path.suffix == ".docx"]
    assert "2000年1月1日" in all_text(notice)


def test_a_notice_dated_more_than_a_year_ahead_is_refused(run_cli: Any, imported: Workspace) -> None:
    """``notice make 温馨提示 … --date 2099-01-01`` (inside the office's years) printed a notice dated 2099, as
    ``notice remind`` and ``notice batch`` did: a notice dated more than a year after today is a year typed wrong."""
    sheet = batch_sheet(
        imported.root / "整改名单.xlsx", ["房号", "违规事项", "整改期限"], [["1-1-101", "占用消防通道", "2月1日"]]
    )
    # The suite's today is 2026-12-05: a year on is 2027-12-05.
    for args, day in (
        (("notice", "make", "温馨提示", "--unit", "1-1-101", "--set", "提示内容=注意防火"), "2099-01-01"),
        (("notice", "batch", "装修违规整改通知", str(sheet)), "2027-12-06"),
        (("notice", "remind", "--building", "1"), "2099-01-01"),
    ):
        result = run_cli(*args, "--date", day)
        assert (result.exit_code, result.stdout) == (5, ""), result.output
        assert result.stderr.splitlines() == [
            f"错误：通知日期最迟为今天后一年（今天 2026-12-05，最迟 2027-12-05）：{day} 请检查年份"
        ]
    assert generated(imported) == []
    dated = run_cli(
        "notice", "make", "温馨提示", "--unit", "1-1-101", "--set", "提示内容=注意防火", "--date", "2027-12-05"
    )
    assert dated.exit_code == 0, dated.output
    (notice,) = [path for path in generated(imported) if path.suffix == ".docx"]
    assert "2027年12月5日" in all_text(notice)


# -- 7. templates check of a file outside templates/ ----------------------------------------------


def test_templates_check_of_a_file_outside_templates_suggests_its_path(
    run_cli: Any, imported: Workspace, tmp_path: Path
) -> None:
    from tests.test_templates import make_docx

    broken = "{% if 称呼 %}没有结束"
    reason = f"模板“燃气检修通知”的占位符写法有误：正文段落“{broken}”：{{% if %}} 没有对应的 {{% endif %}}。"
    outside = make_docx(tmp_path / "燃气检修通知.docx", broken)
    result = run_cli("templates", "check", str(outside))
    assert result.exit_code == 5
    assert (
        f"[错误] {reason}请在 Word 里改正后再试，或运行 recordkit templates check {outside}"
        in result.stdout.splitlines()
    )
    # A path with a space is quoted, so that it can be pasted back.
    (tmp_path / "我的 通知").mkdir()
    spaced = make_docx(tmp_path / "我的 通知" / "燃气检修通知.docx", broken)
    result = run_cli("templates", "check", str(spaced))
    assert f"或运行 recordkit templates check '{spaced}'" in result.stdout
    # A file in templates/ is found by its name.
    imported.templates_dir.mkdir(exist_ok=True)
    inside = make_docx(imported.templates_dir / "燃气检修通知.docx", broken)
    result = run_cli("templates", "check", str(inside))
    assert "或运行 recordkit templates check 燃气检修通知" in result.stdout


def test_a_batch_row_with_a_deadline_years_ahead_is_named_and_nothing_is_made(
    run_cli: Any, imported: Workspace
) -> None:
    """A 整改期限 of 2099 in one row of ``notice batch`` was printed; the row is named and no notice is made."""
    sheet = batch_sheet(
        imported.root / "整改名单.xlsx",
        ["房号", "违规事项", "整改期限"],
        [["1-1-101", "占用消防通道", "2026-12-20"], ["1-1-102", "擅自拆改承重墙", "2099-01-10"]],
    )
    result = run_cli("notice", "batch", "装修违规整改通知", str(sheet), "--date", "2026-12-05")
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert (
        "第 3 行（1-1-102）：模板“装修违规整改通知”的整改期限（2099-01-10）晚于通知日期 2026-12-05 一年以上"
        "（最迟 2027-12-05）：请检查年份"
    ) in result.stderr
    assert generated(imported) == []


def test_a_batch_deadline_without_its_year_is_the_next_such_day(run_cli: Any, imported: Workspace) -> None:
    """A 整改期限 of 3月1日 in a row of ``notice batch`` dated 2026-12-06 is 2027-03-01.  12月1日 is the recent day,
    before the notice's 日期, and still refused."""
    works_under_way_in(imported, "1-1-101", "3-2-1201")
    sheet = batch_sheet(
        imported.root / "整改名单.xlsx",
        ["房号", "违规事项", "整改期限"],
        [["1-1-101", "占用消防通道", "3月1日"]],
    )
    result = run_cli("notice", "batch", "装修违规整改通知", str(sheet), "--date", "2026-12-06")
    assert result.exit_code == 0, result.output
    assert len([p for p in generated(imported) if p.suffix == ".docx"]) == 1
    sheet = batch_sheet(
        imported.root / "整改名单2.xlsx",
        ["房号", "违规事项", "整改期限"],
        [["1-1-101", "占用消防通道", "12月1日"]],
    )
    result = run_cli("notice", "batch", "装修违规整改通知", str(sheet), "--date", "2026-12-06")
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert "第 2 行（1-1-101）：模板“装修违规整改通知”的日期顺序不对：整改期限（12月1日）早于日期" in result.stderr


def test_a_batch_deadline_without_its_year_half_a_year_ahead_names_the_row(run_cli: Any, imported: Workspace) -> None:
    """A 整改期限 of 11月1日 in a row of ``notice batch`` dated 2026-12-06 was printed as 2027-11-01; 2月29日 was
    refused as 2028-02-29, more than a year on.  Each row is named with how its day was read, nothing is made."""
    sheet = batch_sheet(
        imported.root / "整改名单.xlsx",
        ["房号", "违规事项", "整改期限"],
        [["1-1-101", "占用消防通道", "11月1日"], ["1-1-102", "擅自拆改承重墙", "2月29日"]],
    )
    result = run_cli("notice", "batch", "装修违规整改通知", str(sheet), "--date", "2026-12-06")
    assert (result.exit_code, result.stdout) == (5, ""), result.output
    assert result.stderr.strip().splitlines()[1:] == [
        "  第 2 行（1-1-101）：模板“装修违规整改通知”的“整改期限”写的“11月1日”没有年份，"
        "按 2027年11月1日 计离通知日期还有 330 天，请写明年份（如 2026年11月1日 或 2027年11月1日）",
        "  第 3 行（1-1-102）：模板“装修违规整改通知”的“整改期限”写的“2月29日”没有年份，"
        "2027年没有2月29日，请写明年份和日期",
    ]
    assert generated(imported) == []
