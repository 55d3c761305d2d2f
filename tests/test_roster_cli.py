"""Rosters the way other systems export them, driven through the CLI (``owners import``, then
``owners list --json`` or ``owners show``): a stale recorded sheet size, a group-header row above the
headers, a bare number in a phase column, full unit names beside a 类型 column, one owner on two rows."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from recordkit.core.workspace import Workspace
from recordkit.ledger.db import open_ledger
from tests.conftest import SAMPLE_ROWS, names_by_unit, write_sheet


def with_dimension(path: Path, ref: str) -> Path:
    """Rewrite the size each sheet of ``path`` records (``<dimension ref=…>``), as other systems' exports
    often get it wrong: openpyxl writes the true one."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            if info.filename.startswith("xl/worksheets/sheet"):
                data, count = re.subn(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), data)
                assert count == 1, info.filename
            archive.writestr(info, data)
    return path


def roster(path: Path, rows: list[list[Any]]) -> Path:
    """A one-sheet roster typed row by row (headers included), merged cells and all left to the caller."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def units(run_cli: Any) -> list[dict[str, Any]]:
    result = run_cli("owners", "list", "--json")
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))


# -- a stale recorded size ---------------------------------------------------------------


FIFTH_ROW = ["5", "1", "1201", 99.5, "赵强", "13611112222", None, None, "已交付"]


@pytest.mark.parametrize("ref", ["A1:I4", "A1"])
def test_rows_past_the_recorded_sheet_size_are_all_imported(run_cli: Any, tmp_path: Path, ref: str) -> None:
    """A title row, the headers and five units (seven rows) in a file claiming A1:I4 (the first two units)
    or just A1 (no headers at all): every unit is imported."""
    path = write_sheet(tmp_path / "名册.xlsx", [*SAMPLE_ROWS, FIFTH_ROW], title="测试小区业主名册")
    with_dimension(path, ref)
    result = run_cli("owners", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "导入完成：共 5 行；新增房屋 5 户，更新 0 户，未变 0 户；新增业主 3 人，更新业主 0 人" in result.stdout
    assert [(u["unit"], u["owner"]) for u in units(run_cli)] == [
        ("1-1-101", "张伟"),
        ("1-1-102", "李秀英"),
        ("3-2-1201", "李秀英"),
        ("3-2-1202", None),
        ("5-1-1201", "赵强"),
    ]


# -- one owner on two rows ----------------------------------------------------------------

ONE_OWNER_HEADERS = ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号"]
ID_NUMBER = "11010119800101103X"


@pytest.mark.parametrize("phones", [("13500000009", None), (None, "13500000009")])
def test_one_owner_on_two_rows_with_the_phone_on_either(
    run_cli: Any, tmp_path: Path, phones: tuple[str | None, str | None]
) -> None:
    """The same ID number on two rows, the phone written on only one of them (either): one owner, who
    keeps the phone.  With the phone on the second row only this was refused as a contradiction."""
    rows = [
        [code, 50, "周多房", phone, ID_NUMBER] for code, phone in zip(("30-1-101", "30-1-102"), phones, strict=True)
    ]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", [ONE_OWNER_HEADERS, *rows])))
    assert result.exit_code == 0, result.output
    assert "新增房屋 2 户，更新 0 户，未变 0 户；新增业主 1 人，更新业主 0 人" in result.stdout
    assert [(u["unit"], u["owner"], u["phone"]) for u in units(run_cli)] == [
        ("30-1-101", "周多房", "135****0009"),
        ("30-1-102", "周多房", "135****0009"),
    ]


def test_one_owner_written_two_ways_names_the_column_that_differs(run_cli: Any, tmp_path: Path) -> None:
    rows = [
        ["30-1-101", 50, "周多房", "13500000009", ID_NUMBER],
        ["30-1-102", 50, "周多房", "13600000006", ID_NUMBER],  # another phone
        ["30-1-103", 50, "周多芳", None, ID_NUMBER],  # another name, no phone
    ]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", [ONE_OWNER_HEADERS, *rows])))
    assert result.exit_code == 5
    assert result.stderr.splitlines() == [
        "错误：有 2 处业主信息前后矛盾，没有导入任何数据",
        "  第 3 行 D 列（联系电话）：与第 2 行是同一证件号码（同一位业主），但电话不同：请核对后写成一样的",
        "  第 4 行 C 列（业主姓名）：与第 2 行是同一证件号码（同一位业主），但姓名不同：请核对后写成一样的",
    ]
    assert units(run_cli) == []


# -- a phase column ------------------------------------------------------------------------


def test_a_bare_number_in_a_phase_column_is_that_phase(run_cli: Any, tmp_path: Path) -> None:
    """期数 2, 2期, 第二期 and 二期 are all 二期: a bare 2 made phase "2" and the unit 2·3-2-1201, shown as
    23栋2单元1201室 (another building), which owners show could not find."""
    rows = [
        ["期数", "楼栋", "单元", "房号", "建筑面积", "业主姓名"],
        [2, 3, 2, 1201, 88, "钱五"],
        ["2期", 3, 2, 1202, 88, "钱六"],
        ["第二期", 3, 2, 1203, 88, "钱七"],
        ["二期", 3, 2, 1204, 88, "钱八"],
    ]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows)))
    assert result.exit_code == 0, result.output
    assert [(u["unit"], u["display"], u["phase"]) for u in units(run_cli)] == [
        ("二期·3-2-1201", "二期3栋2单元1201室", "二期"),
        ("二期·3-2-1202", "二期3栋2单元1202室", "二期"),
        ("二期·3-2-1203", "二期3栋2单元1203室", "二期"),
        ("二期·3-2-1204", "二期3栋2单元1204室", "二期"),
    ]
    shown = run_cli("owners", "show", "二期3栋2单元1201室")
    assert shown.exit_code == 0, shown.output
    assert "钱五" in shown.stdout


def test_a_phase_cell_ending_in_a_digit_is_refused_at_its_column(run_cli: Any, tmp_path: Path) -> None:
    rows = [["楼栋", "单元", "房号", "建筑面积", "分期"], [3, 2, 1201, 88, "B2"]]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows)))
    assert result.exit_code == 5
    assert result.stderr.splitlines()[1:] == [
        "  第 2 行 E 列（分期）：分期“B2”无效，应写分区名称，例如 二期、第二期、2期 或 A区"
    ]
    assert units(run_cli) == []


def test_a_full_name_that_already_carries_the_phase_gets_it_once(run_cli: Any, tmp_path: Path) -> None:
    """区域 二期 beside 二期3栋2单元1201室 (and beside 3栋2单元1202室): both in 二期.  The first was refused
    quoting 二期·二期3栋2单元1201室, text nobody typed."""
    rows = [
        ["区域", "房屋名称", "建筑面积", "业主姓名"],
        ["二期", "二期3栋2单元1201室", 90, "区一"],
        ["二期", "3栋2单元1202室", 90, "区二"],
        ["2期", "第二期3-2-1203", 90, "区三"],
    ]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows)))
    assert result.exit_code == 0, result.output
    assert [(u["unit"], u["owner"]) for u in units(run_cli)] == [
        ("二期·3-2-1201", "区一"),
        ("二期·3-2-1202", "区二"),
        ("二期·3-2-1203", "区三"),
    ]


def test_a_phase_cell_against_another_phase_in_the_name(run_cli: Any, tmp_path: Path) -> None:
    rows = [
        ["区域", "房屋名称", "建筑面积", "业主姓名"],
        ["三期", "二期3栋2单元1201室", 90, "区一"],
        ["二期", "3栋2单元12AB室", 90, "区二"],
    ]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows)))
    assert result.exit_code == 5
    assert result.stderr.splitlines() == [
        "错误：名册.xlsx 有 2 处错误，没有导入任何数据",
        "  第 2 行 A 列（区域）：分期“三期”与房屋名称“二期3栋2单元1201室”中的分区“二期”不一致，请核对",
        "  第 3 行 B 列（房屋名称）：房号“3栋2单元12AB室”中的房号“12AB”无效，应为数字，末尾可带一个字母，"
        "例如 1201 或 1201A；房号可写成 3-2-1201 或 3栋2单元1201室",
    ]


# -- full unit names beside a 类型 column ----------------------------------------------------------


def test_full_unit_names_beside_a_kind_column(run_cli: Any, tmp_path: Path) -> None:
    """房屋名称 with the whole name and 房屋类型 beside it, as property systems export them: every row was
    refused (楼栋不能为空 with no column, 房号“商铺S-101”无效)."""
    rows = [
        ["房屋名称", "房屋类型", "建筑面积", "业主姓名"],
        ["6栋1单元301室", "住宅", 88, "钱一"],
        ["商铺S-101", "商铺", 60, "钱二"],
        ["12号别墅", "别墅", 300, "钱三"],
        ["车位B1-023", "车位", 12, "钱四"],
        ["B1-024", "车位", 12, "钱五"],  # the kind and the number alone, as before
    ]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows)))
    assert result.exit_code == 0, result.output
    assert [(u["unit"], u["kind"], u["owner"]) for u in units(run_cli)] == [
        ("6-1-301", "住宅", "钱一"),
        ("别墅12", "别墅", "钱三"),
        ("商铺S-101", "商铺", "钱二"),
        ("车位B1-023", "车位", "钱四"),
        ("车位B1-024", "车位", "钱五"),
    ]


def test_a_kind_cell_against_the_full_name_is_named(run_cli: Any, tmp_path: Path) -> None:
    rows = [
        ["房屋名称", "房屋类型", "建筑面积", "业主姓名"],
        ["商铺S-101", "住宅", 60, "钱二"],
        ["6栋1单元301室", "车位", 88, "钱一"],
        ["1201", "住宅", 88, "钱六"],
    ]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows)))
    assert result.exit_code == 5
    assert result.stderr.splitlines() == [
        "错误：名册.xlsx 有 3 处错误，没有导入任何数据",
        "  第 2 行 B 列（房屋类型）：类型“住宅”与房屋名称“商铺S-101”不一致：这是商铺（商铺S-101），不是住宅",
        "  第 3 行 B 列（房屋类型）：类型“车位”与房屋名称“6栋1单元301室”不一致：这是住宅（6-1-301），不是车位",
        "  第 4 行 A 列（房屋名称）：房号“1201”无法识别，应写成 楼栋-单元-房号，例如 3-2-1201 或 5栋1201室"
        "（别墅、商铺、车位如 12号别墅、商铺S-101、车位B1-023）",
    ]
    assert units(run_cli) == []


def test_a_kind_cell_naming_no_kind_is_told_at_its_cell_whatever_the_room(run_cli: Any, tmp_path: Path) -> None:
    """A 类型 cell beside a number alone (A12, B1-023) naming no kind recordkit knows was told as the room's fault
    (房号“A12”无法识别); the kind is what is wrong, said at its cell with the kinds accepted."""
    rows = [
        ["房屋名称", "房屋类型", "建筑面积", "业主姓名"],
        ["A12", "独栋", 300, "钱一"],
        ["B1-023", "地库", 12, "钱二"],
        ["商铺S-101", "写字楼", 60, "钱三"],
    ]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows)))
    assert result.exit_code == 5
    accepted = "应为 住宅、别墅、商铺、车位、储藏室 之一（或 地下室、底商、停车位 等）"
    assert result.stderr.splitlines() == [
        "错误：名册.xlsx 有 3 处错误，没有导入任何数据",
        f"  第 2 行 B 列（房屋类型）：房屋类型“独栋”无效，{accepted}",
        f"  第 3 行 B 列（房屋类型）：房屋类型“地库”无效，{accepted}",
        f"  第 4 行 B 列（房屋类型）：房屋类型“写字楼”无效，{accepted}",
    ]
    assert units(run_cli) == []


def test_a_room_that_does_not_fit_its_kind_says_how_that_kind_is_numbered(run_cli: Any, tmp_path: Path) -> None:
    """A valid 类型 beside a room no unit of that kind has (别墅 + A座, no 楼栋 column) was told as a flat's code
    (房号“A座”无法识别，应写成 楼栋-单元-房号); it says how a villa's (shop's, parking space's) number is written."""
    rows = [
        ["房号", "类型", "建筑面积", "业主姓名"],
        ["A座", "别墅", 300, "钱一"],
        ["１号铺面", "商铺", 60, "钱二"],
        ["B1-023号位", "车位", 12, "钱三"],
    ]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows)))
    assert result.exit_code == 5
    expected = "应为字母和数字（可用横线分成至多三段，每段至多5位）"
    assert result.stderr.splitlines() == [
        "错误：名册.xlsx 有 3 处错误，没有导入任何数据",
        f"  第 2 行 A 列（房号）：房号“A座”无效：别墅编号{expected}，例如 12号别墅 或 别墅A12",
        f"  第 3 行 A 列（房号）：房号“１号铺面”无效：商铺编号{expected}，例如 商铺S-101 或 1栋底商101",
        f"  第 4 行 A 列（房号）：房号“B1-023号位”无效：车位编号{expected}，例如 车位B1-023 或 地下车位023",
    ]
    assert units(run_cli) == []


# -- a group-header row above the headers ---------------------------------------------------------


def test_a_merged_group_header_row_above_the_headers(run_cli: Any, tmp_path: Path) -> None:
    """Row 1 groups the columns (房屋信息 | 业主信息 | 联系方式, merged), row 2 holds the headers: 房屋信息 and
    联系方式 are spellings of 房号 and 联系电话, and row 1 was taken for the header row (缺少表头：建筑面积)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "房产资料"
    sheet.append(["房屋信息", None, None, None, "业主信息", "联系方式", None])
    sheet.merge_cells("A1:D1")
    sheet.merge_cells("F1:G1")
    sheet.append(["楼栋", "单元", "房号", "建筑面积", "业主姓名", "手机", "固定电话"])
    sheet.append([8, 1, 101, 90, "许一", "13600000001", "025-84561234"])
    sheet.append([8, 1, 102, 90, "许二", "13600000002", None])
    book.save(tmp_path / "名册.xlsx")
    result = run_cli("owners", "import", str(tmp_path / "名册.xlsx"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        "读取工作表“房产资料”；未读取的列：固定电话",
        "导入完成：共 2 行；新增房屋 2 户，更新 0 户，未变 0 户；新增业主 2 人，更新业主 0 人",
    ]
    assert [(u["unit"], u["area"], u["owner"], u["phone"]) for u in units(run_cli)] == [
        ("8-1-101", 90.0, "许一", "136****0001"),
        ("8-1-102", 90.0, "许二", "136****0002"),
    ]


# -- first-generation ID numbers ---------------------------------------------------------------


def test_fifteen_digit_id_numbers_of_old_systems_are_imported_as_written(run_cli: Any, tmp_path: Path) -> None:
    """An old system's roster still holds 15-digit ID numbers (born 19YYMMDD, no check digit), as text or as an
    Excel number (15 digits survive a number cell); they are kept as written and masked 110101******123."""
    rows = [
        ["1", "1", "101", 89.35, "张伟", "13812345678", "110101491231123", None, "已交付"],
        ["1", "1", "102", 118.62, "李秀英", "13987654321", 310104850612002, None, "已交付"],
    ]
    result = run_cli("owners", "import", str(write_sheet(tmp_path / "老系统.xlsx", rows)))
    assert result.exit_code == 0, result.output
    listed = {row["unit"]: row["id_number"] for row in units(run_cli)}
    assert listed == {"1-1-101": "110101******123", "1-1-102": "310104******002"}
    private = run_cli("owners", "list", "--json", "--show-private")
    assert {row["unit"]: row["id_number"] for row in json.loads(private.stdout)} == {
        "1-1-101": "110101491231123",
        "1-1-102": "310104850612002",
    }


def test_a_bad_fifteen_digit_id_number_is_refused_with_row_and_column(run_cli: Any, tmp_path: Path) -> None:
    rows = [
        ["1", "1", "101", 89.35, "张伟", "13812345678", "110101491331123", None, "已交付"],  # month 13
        ["1", "1", "102", 118.62, "李秀英", "13987654321", "31010485061200X", None, "已交付"],
        ["1", "1", "103", 118.62, "王芳", "13700001111", "3101048506120", None, "已交付"],
    ]
    result = run_cli("owners", "import", str(write_sheet(tmp_path / "老系统.xlsx", rows)))
    assert result.exit_code == 5
    assert result.stderr.splitlines()[1:] == [
        "  第 2 行 G 列（身份证号）：身份证号中的出生日期无效",
        "  第 3 行 G 列（身份证号）：15位身份证号只能由数字组成",
        "  第 4 行 G 列（身份证号）：身份证号应为18位或15位（现在是13位）",
    ]


# The 18-character numbers of the two owners above, worked out by hand (19 before the year, then the GB 11643
# check character): 11010119491231123 -> 8, 31010419850612002 -> 7.
UPGRADED = {"110101491231123": "110101194912311238", "310104850612002": "310104198506120027"}


def private_ids(run_cli: Any) -> dict[str, str]:
    result = run_cli("owners", "list", "--json", "--show-private")
    assert result.exit_code == 0, result.output
    return {row["unit"]: row["id_number"] for row in json.loads(result.stdout)}


def test_an_owner_known_by_a_fifteen_digit_number_is_the_same_owner_under_the_eighteen_digit_one(
    run_cli: Any, tmp_path: Path
) -> None:
    """The old system's roster was imported with 15-digit numbers; the new year's roster writes the same owners'
    18-digit numbers (their new cards), one of them with a parking space too.  They became two more owners, the
    same person twice.  Now they are the same owners, who keep the newer number; a roster that still writes the
    old number afterwards changes nothing."""
    old = [
        ["1", "1", "101", 89.35, "张伟", "13812345678", "110101491231123", None, "已交付"],
        ["1", "1", "102", 118.62, "李秀英", "13987654321", "310104850612002", None, "已交付"],
    ]
    assert run_cli("owners", "import", str(write_sheet(tmp_path / "老系统.xlsx", old))).exit_code == 0
    new = [
        ["1", "1", "101", 89.35, "张伟", "13812345678", UPGRADED["110101491231123"], None, "已交付"],
        ["1", "1", "102", 118.62, "李秀英", "13987654321", UPGRADED["310104850612002"], None, "已交付"],
        ["1", "1", "103", 118.62, "李秀英", None, UPGRADED["310104850612002"], None, "已交付"],
    ]
    result = run_cli("owners", "import", str(write_sheet(tmp_path / "新名册.xlsx", new)))
    assert result.exit_code == 0, result.output
    assert "新增房屋 1 户，更新 0 户，未变 2 户；新增业主 0 人，更新业主 2 人" in result.stdout
    assert private_ids(run_cli) == {
        "1-1-101": "110101194912311238",
        "1-1-102": "310104198506120027",
        "1-1-103": "310104198506120027",
    }
    again = run_cli("owners", "import", str(write_sheet(tmp_path / "老系统.xlsx", old)))
    assert again.exit_code == 0, again.output
    assert "新增业主 0 人，更新业主 0 人" in again.stdout
    assert private_ids(run_cli)["1-1-101"] == "110101194912311238"


def test_one_owner_written_with_both_numbers_in_one_sheet_is_one_owner_with_the_newer(
    run_cli: Any, tmp_path: Path
) -> None:
    rows = [
        ["1", "1", "101", 89.35, "张伟", "13812345678", "110101491231123", None, "已交付"],
        ["1", "1", "102", 89.35, "张伟", "13812345678", UPGRADED["110101491231123"], None, "已交付"],
    ]
    result = run_cli("owners", "import", str(write_sheet(tmp_path / "名册.xlsx", rows)))
    assert result.exit_code == 0, result.output
    assert "新增业主 1 人" in result.stdout
    assert private_ids(run_cli) == {"1-1-101": "110101194912311238", "1-1-102": "110101194912311238"}


def test_a_local_landline_without_area_code_is_imported_and_masked(run_cli: Any, tmp_path: Path) -> None:
    rows = [
        ["1", "1", "101", 89.35, "张伟", "8888-6666", None, None, "已交付"],
        ["1", "1", "102", 118.62, "李秀英", "2345678", None, None, "已交付"],
    ]
    result = run_cli("owners", "import", str(write_sheet(tmp_path / "名册.xlsx", rows)))
    assert result.exit_code == 0, result.output
    assert {row["unit"]: row["phone"] for row in units(run_cli)} == {"1-1-101": "****6666", "1-1-102": "***5678"}
    private = run_cli("owners", "list", "--json", "--show-private")
    assert {row["unit"]: row["phone"] for row in json.loads(private.stdout)} == {
        "1-1-101": "88886666",
        "1-1-102": "2345678",
    }
    # The masked export read back stands for the number already kept.
    exported = tmp_path / "导出.xlsx"
    assert run_cli("owners", "export", str(exported)).exit_code == 0
    again = run_cli("owners", "import", str(exported))
    assert again.exit_code == 0, again.output
    assert {row["unit"]: row["phone"] for row in units(run_cli)} == {"1-1-101": "****6666", "1-1-102": "***5678"}


# -- contacts at the counter -------------------------------------------------------------


def test_contacts_of_a_unit_the_ledger_lacks_are_refused_not_listed_as_none(run_cli: Any, tmp_path: Path) -> None:
    """`owners contact list --unit` with a mistyped unit said 联系人 0 人 (exit 0), as if nobody but the owner
    lived there; it is refused as every listing by unit refuses one (`receipt list`, `workorder list`)."""
    assert run_cli("owners", "import", str(write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    mistyped = run_cli("owners", "contact", "list", "--unit", "9-9-909")
    assert (mistyped.exit_code, mistyped.stdout) == (6, "")
    assert mistyped.stderr.strip() == "错误：台账中没有房屋 9-9-909：请用 recordkit owners list 查看已有房号"
    as_json = run_cli("owners", "contact", "list", "--unit", "9-9-909", "--json")
    assert (as_json.exit_code, as_json.stdout) == (6, "")
    # A unit the ledger has, with nobody beside its owner, is still an empty list.
    empty = run_cli("owners", "contact", "list", "--unit", "1-1-101", "--json")
    assert (empty.exit_code, json.loads(empty.stdout)) == (0, [])


def test_a_contact_s_id_number_is_checked_as_on_import_and_masked_unless_show_private(
    run_cli: Any, tmp_path: Path
) -> None:
    """``owners contact add`` had no ``--id-number``: a tenant's 居住证明 could never print one.  It is checked as the
    roster import checks an owner's (its message, exit 5, nothing added); ``contact list`` and ``owners show`` mask it
    as they mask an owner's, ``--show-private`` shows it whole."""
    assert run_cli("owners", "import", str(write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    add = ("owners", "contact", "add", "3-2-1201", "赵磊", "--relation", "租户", "--id-number")
    refused = run_cli(*add, "110101199003071234")
    assert (refused.exit_code, refused.stdout, refused.stderr) == (5, "", "错误：身份证号校验位错误\n")
    assert json.loads(run_cli("owners", "contact", "list", "--json").stdout) == []
    added = run_cli(*add, "320102198802145615")
    assert (added.exit_code, added.stdout) == (0, "已添加 3-2-1201 的租户“赵磊”（联系人编号 1）\n")
    listed = {
        "id": 1,
        "unit": "3-2-1201",
        "name": "赵磊",
        "relation": "租户",
        "phone": None,
        "id_type": "居民身份证",
        "id_number": "320102********5615",
        "start_date": None,
        "end_date": None,
    }
    assert json.loads(run_cli("owners", "contact", "list", "--json").stdout) == [listed]
    private = run_cli("owners", "contact", "list", "--json", "--show-private")
    assert json.loads(private.stdout) == [listed | {"id_number": "320102198802145615"}]
    table = run_cli("owners", "contact", "list", "--wide").stdout
    assert "320102********5615" in table and "320102198802145615" not in table
    shown = run_cli("owners", "show", "3-2-1201").stdout
    assert "赵磊 320102********5615（联系人编号 1）" in shown and "320102198802145615" not in shown


def test_owners_contact_edit_changes_what_is_given_says_old_to_new_and_refuses_as_add_does(
    run_cli: Any, tmp_path: Path
) -> None:
    """A tenant's new phone or renewed lease meant ``contact remove`` and ``contact add`` again (a new number, the
    history cut in two), and the refusals said so.  ``owners contact edit`` changes the options given, says what
    changed (masked), exits 0 saying so when nothing did, and refuses as ``contact add`` refuses."""
    assert run_cli("owners", "import", str(write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    add = ("owners", "contact", "add", "3-2-1201", "赵磊", "--relation", "租户", "--phone", "13900001111")
    assert run_cli(*add, "--start", "2026-03-01", "--end", "2027-02-28").exit_code == 0
    twice = run_cli(*add)
    assert (twice.exit_code, twice.stdout, twice.stderr) == (
        8,
        "",
        "错误：3-2-1201 已有租户“赵磊”（联系人编号 1），没有再添加：电话、证件号码或租期变了，"
        "请用 recordkit owners contact edit 1 修改（例如 --phone 新号码、--end 到期日期）\n",
    )
    edit = ("owners", "contact", "edit", "1")
    edited = run_cli(*edit, "--phone", "13900002222", "--id-number", "320102198802145615", "--end", "2028-02-29")
    assert (edited.exit_code, edited.stdout) == (
        0,
        "已更正 3-2-1201 的租户“赵磊”（联系人编号 1）：联系电话 139****1111 → 139****2222，"
        "证件号码 （无） → 320102********5615，到期日期 2027-02-28 → 2028-02-29\n",
    )
    journalled = json.loads(run_cli("journal", "list", "--json").stdout)
    assert [(e["action_label"], e["key"]) for e in journalled[:1]] == [("更正联系人", "3-2-1201")]
    unchanged = run_cli(*edit, "--phone", "139-0000-2222")
    assert (unchanged.exit_code, unchanged.stdout) == (
        0,
        "3-2-1201 的租户“赵磊”（联系人编号 1）没有变化：写的与台账相同，没有修改\n",
    )
    for args, code, said in (
        (("--id-number", "110101199003071234"), 5, "错误：身份证号校验位错误"),
        (("--start", "2028-03-01"), 5, "错误：到期日期 2028-02-29 早于起租日期 2028-03-01"),
        # Without his number the name decides (with it, another 李秀英 than the owner, of another number, is taken).
        (("--name", "李秀英", "--clear", "证件号码"), 8, "错误：李秀英是这套房屋的业主，不用再登记为租户"),
    ):
        refused = run_cli(*edit, *args)
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (code, "", said), args
    missing = run_cli("owners", "contact", "edit", "9", "--phone", "13900003333")
    assert (missing.exit_code, missing.stderr.strip()) == (
        6,
        "错误：没有编号为 9 的联系人：请用 recordkit owners contact list 查看",
    )
    assert json.loads(run_cli("journal", "list", "--json").stdout) == journalled
    [contact] = json.loads(run_cli("owners", "contact", "list", "--json", "--show-private").stdout)
    assert (contact["phone"], contact["id_number"], contact["start_date"], contact["end_date"]) == (
        "13900002222",
        "320102198802145615",
        "2026-03-01",
        "2028-02-29",
    )


def test_an_owner_or_co_owner_is_not_added_again_as_the_unit_s_family_or_tenant(run_cli: Any, tmp_path: Path) -> None:
    # The owner as his own family member: every notice to the occupants would greet him twice.
    rows = [["房号", "建筑面积", "业主姓名"], ["1-1-101", 90, "张伟、王芳"], ["1-1-102", 90, "李秀英"]]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows))).exit_code == 0
    journalled = len(json.loads(run_cli("journal", "list", "--json").stdout))
    for name, relation, message in (
        ("张伟", "家属", "错误：张伟是这套房屋的业主，不用再登记为家属"),
        ("王芳", "租户", "错误：王芳是这套房屋的共有人，不用再登记为租户"),
    ):
        refused = run_cli("owners", "contact", "add", "1-1-101", name, "--relation", relation)
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (8, "", message)
    assert json.loads(run_cli("owners", "contact", "list", "--json").stdout) == []
    assert len(json.loads(run_cli("journal", "list", "--json").stdout)) == journalled
    # The owner of another unit is anyone's family member.
    added = run_cli("owners", "contact", "add", "1-1-102", "张伟", "--relation", "配偶")
    assert added.exit_code == 0, added.output


def test_owners_list_names_every_owner_of_record_as_the_export_and_notices_do(run_cli: Any, tmp_path: Path) -> None:
    """A shop owned by two: ``owners export`` wrote 张海鹏、马丽蓉 and notices named both, but ``owners list`` (the
    table and --json) showed 张海鹏 alone, as if he owned it by himself."""
    rows = [
        ["1", "1", "101", 89.35, "张海鹏、马丽蓉", "15712343531", None, None, "已入住"],
        ["1", "1", "102", 118.62, "李秀英", "13987654321", None, None, "已入住"],
    ]
    assert run_cli("owners", "import", str(write_sheet(tmp_path / "名册.xlsx", rows))).exit_code == 0
    table = run_cli("owners", "list")
    assert table.exit_code == 0, table.output
    lines = [line for line in table.stdout.splitlines() if "1-1-10" in line]
    assert [[cell.strip() for cell in line.split("│")[1:4]] for line in lines] == [
        ["1-1-101", "张海鹏、马丽蓉", "157****3531"],
        ["1-1-102", "李秀英", "139****4321"],
    ]
    listed = {row["unit"]: row for row in json.loads(run_cli("owners", "list", "--json").stdout)}
    assert (listed["1-1-101"]["owner"], listed["1-1-101"]["co_owners"]) == (
        "张海鹏",
        [{"name": "马丽蓉", "phone": None, "id_type": None, "id_number": None}],
    )
    assert listed["1-1-102"]["co_owners"] == []
    shown = json.loads(run_cli("owners", "show", "1-1-101", "--json").stdout)
    assert shown["co_owners"] == listed["1-1-101"]["co_owners"]


# -- owner records the import deletes ---------------------------------------------------------------


def test_the_summary_says_how_many_owner_records_it_deletes(run_cli: Any, tmp_path: Path) -> None:
    """1-1-101 and 1-1-102 sold: the new roster names other owners, and 王芳 and 李秀英 (no ID number) hold nothing
    any more.  The import deleted their records (journalled) but its summary said nothing of it; now a line counts
    them — 将删除 with --dry-run, which deletes nothing, 已删除 after the import — and no line when there are none;
    --json gives the summary, owners_removed in it."""
    before = [
        ["房号", "建筑面积", "业主姓名", "联系电话"],
        ["1-1-101", 90, "王芳", "13812345678"],
        ["1-1-102", 90, "李秀英", "13987654321"],
        ["1-1-103", 90, "赵磊", "13611112222"],
    ]
    first = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", before)))
    assert first.exit_code == 0, first.output
    assert "业主记录" not in first.stdout
    sold = [["房号", "建筑面积", "业主姓名", "联系电话"], ["1-1-101", 90, "周九", None], ["1-1-102", 90, "吴十", None]]
    path = str(roster(tmp_path / "名册2.xlsx", sold))
    checked = run_cli("owners", "import", path, "--dry-run")
    assert checked.exit_code == 0, checked.output
    assert "不再持有房屋、将删除的业主记录 2 人\n" in checked.stdout
    as_json = run_cli("owners", "import", path, "--dry-run", "--json")
    assert as_json.exit_code == 0, as_json.output
    summary = json.loads(as_json.stdout)
    assert (summary["dry_run"], summary["owners_created"], summary["owners_removed"]) == (True, 2, 2)
    assert len(units(run_cli)) == 3 and "王芳" in run_cli("owners", "list").stdout
    done = run_cli("owners", "import", path)
    assert done.exit_code == 0, done.output
    assert "不再持有房屋、已删除的业主记录 2 人\n" in done.stdout
    assert [(row["unit"], row["owner"]) for row in units(run_cli)] == [
        ("1-1-101", "周九"),
        ("1-1-102", "吴十"),
        ("1-1-103", "赵磊"),
    ]
    again = run_cli("owners", "import", path)
    assert again.exit_code == 0 and "业主记录" not in again.stdout


# -- --map naming a header the sheet does not have -------------------------------------------


def test_a_map_header_the_sheet_does_not_have_is_refused_naming_its_headers(run_cli: Any, tmp_path: Path) -> None:
    """``--map 房间号码=房号`` on a sheet whose column is 房号 was silently ignored (the mapping did nothing, the
    import went on as if the clerk had not asked): a --map header the sheet read has not is refused, exit 5,
    naming the headers it has, nothing imported.  A header written with other blanks or full-width is there."""
    headers = ["房号", "建筑面积", "业主姓名", "联络方式"]
    path = roster(tmp_path / "名册.xlsx", [headers, ["1-1-101", 90, "张伟", "13812345678"]])
    result = run_cli("owners", "import", str(path), "--map", "房间号码=房号", "--map", "联络方式=联系电话")
    assert (result.exit_code, result.stdout) == (5, "")
    assert result.stderr == (
        "错误：--map 写的表头“房间号码”在工作表“Sheet”的表头中没有，没有导入任何数据（表头有：房号、建筑面积、业主姓名、联络方式）："
        "请照名册里的写法填写\n"
    )
    assert units(run_cli) == []
    ok = run_cli("owners", "import", str(path), "--map", "联络 方式=联系电话", "--map", "房号=房号")
    assert ok.exit_code == 0, ok.output
    assert [(u["unit"], u["owner"], u["phone"]) for u in units(run_cli)] == [("1-1-101", "张伟", "138****5678")]


def test_a_map_the_sheets_own_header_outranks_is_refused_not_ignored(run_cli: Any, tmp_path: Path) -> None:
    """``--map 房间=房号`` on a sheet with both 房间 and 房号 columns read 房号 all the same (its standard name comes
    first), the clerk's mapping silently doing nothing: refused, exit 5, naming the column read, nothing imported."""
    headers = ["房间", "房号", "建筑面积", "业主姓名"]
    path = roster(tmp_path / "名册.xlsx", [headers, ["1-1-101", "1-1-102", 90, "张伟"]])
    result = run_cli("owners", "import", str(path), "--map", "房间=房号")
    assert (result.exit_code, result.stdout) == (5, "")
    assert result.stderr == (
        "错误：--map 写的“房间=房号”没有用上：工作表“Sheet”里的“房号”列也是房号，读的是那一列，没有导入任何数据："
        "请把不用的那一列删去或改名后再导入\n"
    )
    assert units(run_cli) == []
    renamed = roster(
        tmp_path / "改过的名册.xlsx", [["房间", "原房号", "建筑面积", "业主姓名"], ["1-1-101", "1-1-102", 90, "张伟"]]
    )
    done = run_cli("owners", "import", str(renamed), "--map", "房间=房号")
    assert done.exit_code == 0, done.output
    assert [u["unit"] for u in units(run_cli)] == ["1-1-101"]


# -- names another system wrote in its own way -----------------------------------------------------


def test_two_owners_with_a_blank_between_or_a_tenant_in_brackets_are_refused(run_cli: Any, tmp_path: Path) -> None:
    rows = [
        ["房号", "建筑面积", "业主姓名"],
        ["1-1-101", 90, "张三 李四"],
        ["1-1-102", 90, "钱八（租户：周九）"],
        ["1-1-103", 90, "John Smith"],
    ]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows)))
    assert result.exit_code == 5
    assert result.stderr.splitlines()[1:] == [
        "  第 2 行 C 列（业主姓名）：两位业主请用“、”分开，一个人的姓名请去掉空格",
        "  第 3 行 C 列（业主姓名）：姓名里不能带括号里的备注；租户请写在租户列或用 recordkit owners contact add",
    ]
    assert units(run_cli) == []


def test_a_person_and_a_company_name_without_its_trade_name_is_kept_as_written_and_warned_of(
    run_cli: Any, workspace: Any, tmp_path: Path
) -> None:
    """张三、餐饮有限公司 was imported as owner 张三 and a co-owner company named 餐饮有限公司 — trades and a company form
    without a 字号 before them, no company's registered name: the cell may be one company (张三餐饮有限公司) or two
    owners.  Such a cell, in an owner cell, a 共有人 column or a 租户 column, is imported as one name written as in the
    cell, and the import warns of it naming its row and column; a company with its 字号 (李四、幸福里餐饮有限公司) is
    still split.  Read back with plain SQL."""
    import sqlalchemy as sa

    from recordkit.ledger.db import open_ledger

    rows = [
        ["房号", "建筑面积", "业主姓名", "共有人", "租户"],
        ["S-101", 60, "张三、餐饮有限公司", None, None],
        ["S-102", 60, "王五", "赵六、投资管理有限公司", "孙八、物业服务中心"],
        ["S-103", 60, "李四、幸福里餐饮有限公司", None, None],
    ]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows)))
    assert result.exit_code == 0, result.output
    assert [line for line in result.stdout.splitlines() if line.startswith("提醒")] == [
        "提醒：第 2 行（业主姓名）：“张三、餐饮有限公司”可能是一家单位，也可能是两位业主：“餐饮有限公司”前面没有字号，"
        "不是单位的全称；已按一位业主原样导入，请核对这一格（是一家单位的写成全称，是两位业主的写上这家单位的全称）",
        "提醒：第 3 行（共有人）：“赵六、投资管理有限公司”可能是一家单位，也可能是两位共有人：“投资管理有限公司”前面没有"
        "字号，不是单位的全称；已按一位共有人原样导入，请核对这一格（是一家单位的写成全称，是两位共有人的写上这家单位的全称）",
        "提醒：第 3 行（租户）：“孙八、物业服务中心”可能是一家单位，也可能是两位租户：“物业服务中心”前面没有字号，"
        "不是单位的全称；已按一位租户原样导入，请核对这一格（是一家单位的写成全称，是两位租户的写上这家单位的全称）",
    ]
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        first, co, tenants = names_by_unit(conn)
    assert [tuple(r) for r in first] == [("S-101", "张三、餐饮有限公司"), ("S-102", "王五"), ("S-103", "李四")]
    assert [tuple(r) for r in co] == [("S-102", "赵六、投资管理有限公司"), ("S-103", "幸福里餐饮有限公司")]
    assert [tuple(r) for r in tenants] == [("S-102", "孙八、物业服务中心", "租户")]
    # Nothing for doctor to tell: the name is as the cell wrote it, and its export reads back the same.
    [check] = [c for c in json.loads(run_cli("doctor", "--json").stdout) if c["name"] == "业主和联系人姓名"]
    assert check["ok"] is True


KEPT_WHOLE = "已按一位{role}原样导入，请核对这一格（是一家单位的写成全称，是两位{role}的写上这家单位的全称）"


def test_a_person_and_a_company_with_a_one_character_trade_name_is_kept_as_written_and_warned_of(
    run_cli: Any, workspace: Any, tmp_path: Path
) -> None:
    """张三、丰餐饮有限公司 (张三丰餐饮有限公司 typed with a 、, or 张三 and a company named 丰餐饮有限公司, whose 字号 of
    one character no registered company has) was split into owner 张三 and co-owner 丰餐饮有限公司 without a word; the
    reader cannot part it safely, so it is kept as written, as 张三、餐饮有限公司 is, and the import names its row and
    column.  A 字号 of two characters (李四、美的集团) is still parted.  Read back with plain SQL."""
    import sqlalchemy as sa  # noqa: F401

    from recordkit.ledger.db import open_ledger

    rows = [
        ["房号", "建筑面积", "业主姓名", "租户"],
        ["S-101", 60, "张三、丰餐饮有限公司", None],
        ["S-102", 60, "王五", "孙八、华物业服务中心"],
        ["S-103", 60, "李四、美的集团", None],
    ]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows)))
    assert result.exit_code == 0, result.output
    assert [line for line in result.stdout.splitlines() if line.startswith("提醒")] == [
        "提醒：第 2 行（业主姓名）：“张三、丰餐饮有限公司”可能是一家单位，也可能是两位业主：“丰餐饮有限公司”的字号只有"
        "一个字，不是单位的全称；" + KEPT_WHOLE.format(role="业主"),
        "提醒：第 3 行（租户）：“孙八、华物业服务中心”可能是一家单位，也可能是两位租户：“华物业服务中心”的字号只有"
        "一个字，不是单位的全称；" + KEPT_WHOLE.format(role="租户"),
    ]
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        first, co, tenants = names_by_unit(conn)
    assert first == [("S-101", "张三、丰餐饮有限公司"), ("S-102", "王五"), ("S-103", "李四")]
    assert co == [("S-103", "美的集团")]
    assert tenants == [("S-102", "孙八、华物业服务中心", "租户")]


def test_a_name_kept_whole_is_warned_of_once_not_on_each_import_of_the_same_export(
    run_cli: Any, tmp_path: Path
) -> None:
    """The warning for 张三、餐饮有限公司 came again on every import of an unchanged export, burying what was new; now it
    comes when the cell is new or changed for its unit, not for a unit the ledger already holds so (owner, 共有人 or
    租户 cell alike)."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "共有人", "租户"],
        ["S-101", 60, "张三、餐饮有限公司", None, None],
        ["S-102", 60, "王五", "赵六、投资管理有限公司", "孙八、物业服务中心"],
    ]
    path = str(roster(tmp_path / "名册.xlsx", rows))
    first = run_cli("owners", "import", path)
    assert first.exit_code == 0, first.output
    assert len([line for line in first.stdout.splitlines() if line.startswith("提醒")]) == 3
    again = run_cli("owners", "import", path)
    assert again.exit_code == 0, again.output
    assert "未变 2 户" in again.stdout
    assert [line for line in again.stdout.splitlines() if line.startswith("提醒")] == []
    # The same cell on another unit is new there: warned of.
    rows.append(["S-103", 60, "张三、餐饮有限公司", None, None])
    third = run_cli("owners", "import", str(roster(tmp_path / "名册2.xlsx", rows)))
    assert third.exit_code == 0, third.output
    assert [line for line in third.stdout.splitlines() if line.startswith("提醒")] == [
        "提醒：第 4 行（业主姓名）：“张三、餐饮有限公司”可能是一家单位，也可能是两位业主：“餐饮有限公司”前面没有字号，"
        "不是单位的全称；" + KEPT_WHOLE.format(role="业主"),
    ]


def test_a_name_kept_whole_on_a_relation_row_is_warned_of_as_in_a_tenant_cell(run_cli: Any, tmp_path: Path) -> None:
    """A 租户 or 共有人 row (关系 column) naming 孙八、餐饮有限公司 kept it as one tenant without a word, where a 租户 cell
    saying the same is warned of; now the row is warned of by its row and the name's column."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "关系"],
        ["S-101", 60, "王五", "业主"],
        ["S-101", None, "孙八、餐饮有限公司", "租户"],
        ["S-101", None, "赵六、丰投资有限公司", "共有人"],
    ]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows)))
    assert result.exit_code == 0, result.output
    assert [line for line in result.stdout.splitlines() if line.startswith("提醒")] == [
        "提醒：第 3 行（业主姓名）：“孙八、餐饮有限公司”可能是一家单位，也可能是两位租户：“餐饮有限公司”前面没有字号，"
        "不是单位的全称；" + KEPT_WHOLE.format(role="租户"),
        "提醒：第 4 行（业主姓名）：“赵六、丰投资有限公司”可能是一家单位，也可能是两位共有人：“丰投资有限公司”的字号只有"
        "一个字，不是单位的全称；" + KEPT_WHOLE.format(role="共有人"),
    ]


@pytest.mark.parametrize(
    ("name", "body", "why"),
    [
        ("李四、餐饮有限公司", "餐饮有限公司", "前面没有字号"),
        ("王五、丰餐饮有限公司", "丰餐饮有限公司", "的字号只有一个字"),
    ],
)
def test_owners_contact_add_warns_of_a_name_it_keeps_whole_as_the_import_does(
    run_cli: Any, tmp_path: Path, name: str, body: str, why: str
) -> None:
    """owners contact add took 李四、餐饮有限公司 (one body or two people) without a word, where the import warns of such
    a cell; now it adds it as written and says the same, with the edit that corrects it."""
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", [["房号", "建筑面积"], ["S-101", 60]])))
    assert result.exit_code == 0, result.output
    added = run_cli("owners", "contact", "add", "S-101", name, "--relation", "租户")
    assert added.exit_code == 0, added.output
    assert added.stdout.splitlines() == [
        f"已添加 S-101 的租户“{name}”（联系人编号 1）",
        f"提醒：“{name}”可能是一家单位，也可能是两位租户：“{body}”{why}，不是单位的全称；已按一位租户原样添加，"
        "请核对姓名（是一家单位的用 recordkit owners contact edit 1 --name 写成全称，是两位租户的请写上这家单位的全称、"
        "一位一位分别添加）",
    ]
    listed = run_cli("owners", "contact", "list", "--json")
    assert [c["name"] for c in json.loads(listed.stdout)] == [name]
    # An edit to such a name says the same; one leaving the name as it was does not say it again.
    assert run_cli("owners", "contact", "edit", "1", "--name", "赵磊").exit_code == 0
    edited = run_cli("owners", "contact", "edit", "1", "--name", name)
    assert edited.exit_code == 0, edited.output
    assert edited.stdout.splitlines()[1] == (
        f"提醒：“{name}”可能是一家单位，也可能是两位租户：“{body}”{why}，不是单位的全称；已按一位租户原样更正，"
        "请核对姓名（是一家单位的用 recordkit owners contact edit 1 --name 写成全称，是两位租户的请写上这家单位的全称、"
        "一位一位分别添加）"
    )
    phoned = run_cli("owners", "contact", "edit", "1", "--phone", "13900001111")
    assert phoned.exit_code == 0, phoned.output
    assert [line for line in phoned.stdout.splitlines() if line.startswith("提醒")] == []


def test_an_owner_renamed_by_an_id_number_another_roster_gives_is_named_with_what_he_holds(
    run_cli: Any, tmp_path: Path
) -> None:
    """A roster of 2-2-201 giving 刘一 the ID number the ledger keeps for 王建国 of 1-1-101 (pasted down a column, or a
    name corrected) renamed 王建国 to 刘一 — 1-1-101's owner too, a unit not in that roster — and said only 更新业主 1
    人; now each owner whose name changes is named, before and after, with what he holds (his number masked), and a
    dry run says it before anything is written."""
    first = [
        ["房号", "建筑面积", "业主姓名", "身份证号"],
        ["1-1-101", 90, "王建国", "110101199003071233"],
    ]
    assert run_cli("owners", "import", str(roster(tmp_path / "一.xlsx", first))).exit_code == 0
    second = str(
        roster(
            tmp_path / "二.xlsx",
            [["房号", "建筑面积", "业主姓名", "身份证号"], ["2-2-201", 90, "刘一", "110101199003071233"]],
        )
    )
    trial = run_cli("owners", "import", second, "--dry-run")
    assert trial.exit_code == 0, trial.output
    assert "证件号码 110101********1233 的业主“王建国”将改名为“刘一”：1-1-101 的业主、2-2-201 的业主" in trial.stdout
    assert [u["owner"] for u in units(run_cli)] == ["王建国"]
    done = run_cli("owners", "import", second)
    assert done.exit_code == 0, done.output
    assert "更新业主 1 人" in done.stdout
    assert "证件号码 110101********1233 的业主“王建国”已改名为“刘一”：1-1-101 的业主、2-2-201 的业主" in done.stdout
    assert [(u["unit"], u["owner"]) for u in units(run_cli)] == [("1-1-101", "刘一"), ("2-2-201", "刘一")]
    again = run_cli("owners", "import", second)
    assert "改名" not in again.stdout


LEASES_TOO_LONG = [
    (
        ("--start", "1990-01-01", "--end", "2199-01-01"),
        "错误：租期超过二十年（起租日期 1990-01-01，到期日期 2199-01-01）：租赁期限不得超过二十年"
        "（民法典第七百零五条），请检查年份",
    ),
    (
        ("--start", "2026-03-01", "--end", "2046-03-02"),
        "错误：租期超过二十年（起租日期 2026-03-01，到期日期 2046-03-02）：租赁期限不得超过二十年"
        "（民法典第七百零五条），请检查年份",
    ),
    # A lease starting more than a year from today (2099 for 2026): the tenant would never be current.
    (
        ("--start", "2099-01-01"),
        "错误：起租日期最迟为今天后一年（今天 2026-12-05，最迟 2027-12-05）：2099-01-01 请检查年份",
    ),
    # No start: twenty years from today (the suite's 2026-12-05).
    (
        ("--end", "2046-12-06"),
        "错误：到期日期 2046-12-06 距今天（2026-12-05）超过二十年：租赁期限不得超过二十年"
        "（民法典第七百零五条），请检查年份",
    ),
]


@pytest.mark.parametrize(
    ("dates", "message"), LEASES_TOO_LONG, ids=["1990-2199", "a-day-over", "start-2099", "no-start"]
)
def test_a_lease_of_more_than_twenty_years_is_refused_at_the_counter(
    run_cli: Any, tmp_path: Path, dates: tuple[str, ...], message: str
) -> None:
    """``owners contact add … --relation 租户 --start 1990-01-01 --end 2199-01-01`` was taken: the tenant counted
    as current until 2199.  A lease runs twenty years at most; nothing is written."""
    assert run_cli("owners", "import", str(write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    refused = run_cli("owners", "contact", "add", "1-1-101", "测试租", "--relation", "租户", *dates)
    assert (refused.exit_code, refused.stderr.strip(), refused.stdout) == (5, message, "")
    assert json.loads(run_cli("owners", "contact", "list", "--json").stdout) == []
    # Twenty years to the day is a lease the law allows.
    taken = run_cli(
        "owners",
        "contact",
        "add",
        "1-1-101",
        "测试租",
        "--relation",
        "租户",
        "--start",
        "2026-03-01",
        "--end",
        "2046-03-01",
    )
    assert taken.exit_code == 0, taken.output


def test_a_roster_lease_of_more_than_twenty_years_names_its_row_and_imports_nothing(
    run_cli: Any, tmp_path: Path
) -> None:
    headers = ["房号", "建筑面积", "业主姓名", "关系", "起租日期", "到期日期"]
    sheet = roster(
        tmp_path / "名册.xlsx",
        [
            headers,
            ["1-1-101", 90, "张伟", "业主", None, None],
            ["1-1-101", None, "测试租", "租户", "1990-01-01", "2199-01-01"],
            ["1-1-102", 90, "李四", "业主", None, None],
            ["1-1-102", None, "赵磊", "租户", None, "2199-01-01"],
        ],
    )
    result = run_cli("owners", "import", str(sheet))
    assert result.exit_code == 5
    assert "第 3 行 F 列（到期日期）：租期超过二十年（起租日期 1990-01-01，到期日期 2199-01-01）" in result.stderr
    assert "第 5 行 F 列（到期日期）：到期日期 2199-01-01 距今天（2026-12-05）超过二十年" in result.stderr
    assert json.loads(run_cli("owners", "list", "--json").stdout) == []


# -- a contact who becomes an owner ---------------------------------------------------------------


def test_a_tenant_the_roster_makes_the_owner_is_no_longer_a_contact(run_cli: Any, tmp_path: Path) -> None:
    """The tenant buys the flat: ``owners contact add 1-1-101 赵磊 --relation 租户``, then a roster without a 关系 column
    naming 赵磊 as 1-1-101's owner.  赵磊 stayed the unit's tenant too (notices: 尊敬的赵磊业主、赵磊住户); now the
    import removes him as a contact, journalled, and says so.  A family member made a co-owner likewise; the contacts
    of other units, and other contacts of the unit, stay."""
    first = [["房号", "建筑面积", "业主姓名"], ["1-1-101", 90, "张伟"], ["1-1-102", 90, "李娜"]]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", first))).exit_code == 0
    for unit, name, relation in (
        ("1-1-101", "赵磊", "租户"),
        ("1-1-101", "孙悦", "租户"),
        ("1-1-102", "王芳", "配偶"),
        ("1-1-102", "赵磊", "租户"),
    ):
        assert run_cli("owners", "contact", "add", unit, name, "--relation", relation).exit_code == 0
    sold = [["房号", "建筑面积", "业主姓名"], ["1-1-101", 90, "赵磊"], ["1-1-102", 90, "李娜、王芳"]]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册2.xlsx", sold)))
    assert result.exit_code == 0, result.output
    assert "2 位联系人成为业主，已不再是联系人：1-1-101 的租户 赵磊、1-1-102 的配偶 王芳" in result.stdout
    contacts = json.loads(run_cli("owners", "contact", "list", "--json").stdout)
    assert [(c["unit"], c["name"], c["relation"]) for c in contacts] == [
        ("1-1-101", "孙悦", "租户"),
        ("1-1-102", "赵磊", "租户"),
    ]
    journal = json.loads(run_cli("journal", "list", "--json").stdout)
    became = [(e["key"], e["action_label"]) for e in journal if e["action"] == "contact.became_owner"]
    assert sorted(became) == [("1-1-101", "联系人成为业主"), ("1-1-102", "联系人成为业主")]
    # Imported again, nothing more to say.
    again = run_cli("owners", "import", str(roster(tmp_path / "名册2.xlsx", sold)))
    assert again.exit_code == 0 and "不再是联系人" not in again.stdout


def test_a_contact_at_the_counter_with_a_bracketed_note_or_two_names_is_refused(run_cli: Any, tmp_path: Path) -> None:
    """``owners contact add 1-1-102 "周九（租户）" --relation 租户`` was kept, the note printed on every notice to the
    occupants, while the roster refuses such a name; so was "周九 吴十", two tenants as one.  Both are refused as the
    roster refuses an owner's (exit 5), nothing added; a company's bracket stays."""
    rows = [["房号", "建筑面积", "业主姓名"], ["1-1-102", 90, "李娜"], ["S-101", 60, "张海鹏"]]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows))).exit_code == 0
    for name, message in (
        ("周九（租户）", "错误：联系人姓名：姓名里不能带括号里的备注：请只写姓名，关系用 --relation 写明"),
        ("李四(已故)", "错误：联系人姓名：姓名里不能带括号里的备注：请只写姓名，关系用 --relation 写明"),
        ("周九 吴十", "错误：联系人姓名：两位联系人请分两次登记，一个人的姓名请去掉空格"),
        ("周九\u3000吴十", "错误：联系人姓名：两位联系人请分两次登记，一个人的姓名请去掉空格"),
    ):
        refused = run_cli("owners", "contact", "add", "1-1-102", name, "--relation", "租户")
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (5, "", message)
    assert json.loads(run_cli("owners", "contact", "list", "--json").stdout) == []
    for unit, name in (("S-101", "深圳某某科技有限公司（南山分公司）"), ("1-1-102", "John Smith")):
        added = run_cli("owners", "contact", "add", unit, name, "--relation", "租户")
        assert added.exit_code == 0, added.output


def test_a_contact_at_the_counter_naming_several_people_is_refused(run_cli: Any, tmp_path: Path) -> None:
    """``owners contact add 1-1-102 "周九、吴十" --relation 租户`` was kept as one tenant of that name.  It is refused
    (exit 5, as 周九 吴十 is), saying to add them one at a time, nothing added; a body's name with 和 or 、 inside is still added."""
    rows = [["房号", "建筑面积", "业主姓名"], ["1-1-102", 90, "李娜"], ["S-101", 60, "张海鹏"]]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows))).exit_code == 0
    for name in ("周九、吴十", "周九,吴十", "周九；吴十", "周九和吴十"):
        refused = run_cli("owners", "contact", "add", "1-1-102", name, "--relation", "租户")
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
            5,
            "",
            f"错误：一次只能添加一位联系人：“{name}”是几个人，请一位一位分别添加（每人一条 recordkit owners contact add）",
        )
    assert json.loads(run_cli("owners", "contact", "list", "--json").stdout) == []
    for unit, name in (
        ("S-101", "华润和信置业有限公司"),
        ("S-101", "深圳市甲乙、丙丁科技有限公司"),
        ("1-1-102", "周九"),
    ):
        added = run_cli("owners", "contact", "add", unit, name, "--relation", "租户")
        assert added.exit_code == 0, added.output
    assert len(json.loads(run_cli("owners", "contact", "list", "--json").stdout)) == 3


@pytest.mark.parametrize(
    "name", ["幸福里餐饮有限公司、吴十", "吴十、幸福里餐饮有限公司", "甲乙科技有限公司、丙丁实业有限公司"]
)
def test_a_company_and_another_owner_in_one_name_are_several_at_the_counter_and_on_a_relation_row(
    run_cli: Any, tmp_path: Path, name: str
) -> None:
    """``owners contact add 1-1-102 "幸福里餐饮有限公司、吴十"`` was kept as one tenant of that name, and so was a 租户 row
    saying it, since a name with 公司 in it was never taken as several — where the owner cell and the 租户 cell read it
    as two; now both refuse it as two names (exit 5, nothing added), as 周九、吴十."""
    rows = [["房号", "建筑面积", "业主姓名"], ["1-1-102", 90, "李娜"]]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows))).exit_code == 0
    refused = run_cli("owners", "contact", "add", "1-1-102", name, "--relation", "租户")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        5,
        "",
        f"错误：一次只能添加一位联系人：“{name}”是几个人，请一位一位分别添加（每人一条 recordkit owners contact add）",
    )
    rows = [["房号", "建筑面积", "业主姓名", "关系"], ["1-1-102", 90, "李娜", "业主"], ["1-1-102", None, name, "租户"]]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册2.xlsx", rows)))
    assert result.exit_code == 5
    assert result.stderr.splitlines()[1:] == [
        f"  第 3 行 C 列（业主姓名）：一行只写一位租户：请把“{name}”每人各写一行（同一房号，“关系”列写 租户）"
    ]
    assert json.loads(run_cli("owners", "contact", "list", "--json").stdout) == []


def test_a_latin_name_surname_comma_given_name_is_one_contact_at_the_counter(run_cli: Any, tmp_path: Path) -> None:
    """``owners contact add 1-1-102 "Smith, John"`` was refused as two people; it is one (its blanks normalised), and
    ``John Smith, Mary Smith`` is still two (exit 5), nothing added."""
    rows = [["房号", "建筑面积", "业主姓名"], ["1-1-102", 90, "李娜"]]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows))).exit_code == 0
    name = "John Smith, Mary Smith"
    refused = run_cli("owners", "contact", "add", "1-1-102", name, "--relation", "租户")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        5,
        "",
        f"错误：一次只能添加一位联系人：“{name}”是几个人，请一位一位分别添加（每人一条 recordkit owners contact add）",
    )
    for name in ("Smith ,  John", "SMITH,JOHN"):
        added = run_cli("owners", "contact", "add", "1-1-102", name, "--relation", "租户")
        assert added.exit_code == 0, added.output
    listed = json.loads(run_cli("owners", "contact", "list", "--json").stdout)
    assert [contact["name"] for contact in listed] == ["Smith, John", "SMITH,JOHN"]


# -- one person an older version kept as two owners -------------------------------------------------


def test_doctor_names_an_owner_kept_under_a_fifteen_and_an_eighteen_digit_number(
    run_cli: Any, workspace: Any, tmp_path: Path
) -> None:
    """A ledger from a version before the two numbers were told apart holds 张伟 twice: under his first-generation
    number (1-1-101) and under the 18-digit one it became (1-1-102 and, as co-owner, 1-1-103).  ``recordkit doctor``
    said nothing; it now names the pair, masked, with their units, as a 提醒 (exit 0), and says what to do: an export
    imported back makes them one owner, the newer number kept — the doctor is then content."""
    import sqlalchemy as sa

    from recordkit.ledger.db import open_ledger

    old = [
        ["1", "1", "101", 89.35, "张伟", "13812345678", "110101491231123", None, "已交付"],
        ["1", "1", "103", 90, "李秀英", "13987654321", "310104198506120027", None, "已交付"],
        ["1", "1", "104", 90, "王芳", "13700001111", "110102800101123", None, "已交付"],
    ]
    assert run_cli("owners", "import", str(write_sheet(tmp_path / "老系统.xlsx", old))).exit_code == 0
    # What the older version then did with a roster giving 张伟 his new card's number: a second owner.
    with open_ledger(workspace.database_url) as ledger, ledger.write() as conn:
        second = conn.execute(
            sa.text("INSERT INTO owners (name, phone, id_number) VALUES ('张伟', '13812345678', :n) RETURNING id"),
            {"n": UPGRADED["110101491231123"]},
        ).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO units (code, kind, phase, building, entrance, room, floor_area_hundredths, status, owner_id)"
                " VALUES ('1-1-102', '住宅', '', '1', '1', '102', 9000, 'delivered', :o)"
            ),
            {"o": second},
        )
        conn.execute(
            sa.text(
                "INSERT INTO unit_co_owners (unit_id, owner_id, position)"
                " SELECT id, :o, 2 FROM units WHERE code = '1-1-103'"
            ),
            {"o": second},
        )
    result = run_cli("doctor", "--json")
    assert result.exit_code == 0, result.output
    [check] = [c for c in json.loads(result.stdout) if c["name"] == "业主证件号码"]
    assert check == {
        "name": "业主证件号码",
        "ok": False,
        "detail": "1 位业主在台账里记成了两位（旧版本把同一个人的 15 位和 18 位身份证号各记一位）："
        "张伟 110101******123（1-1-101）与 张伟 110101********1238（1-1-102、1-1-103）",
        "fix": "把这些房屋重新导入一次，就并成一位、保留 18 位号码（名册里写 15 位或 18 位都可以）："
        "recordkit owners export 名册.xlsx，再 recordkit owners import 名册.xlsx；"
        "导入时提示同一证件号码的电话或姓名不同的，核对后写成一样的再导入",
        "required": False,
    }
    # As the fix says: the export imported back.
    exported = tmp_path / "名册.xlsx"
    assert run_cli("owners", "export", str(exported)).exit_code == 0
    assert run_cli("owners", "import", str(exported)).exit_code == 0
    assert private_ids(run_cli) == {
        "1-1-101": UPGRADED["110101491231123"],
        "1-1-102": UPGRADED["110101491231123"],
        "1-1-103": "310104198506120027",
        "1-1-104": "110102800101123",
    }
    [check] = [c for c in json.loads(run_cli("doctor", "--json").stdout) if c["name"] == "业主证件号码"]
    assert (check["ok"], check["detail"]) == (True, "没有同一个人记成两位业主的（15 位和 18 位身份证号）")


def test_doctor_lists_names_an_older_version_kept_that_today_s_rules_refuse(
    run_cli: Any, workspace: Any, tmp_path: Path
) -> None:
    """An older ledger holds names written before today's rules: an owner 钱八（租户：周九）, a co-owner 张三 李四, an
    owner 。, a tenant 周九（租户）, a family member 吴芳、郑丽.  They export as they are and the export's re-import is
    refused at those cells, and ``recordkit doctor`` said nothing.  It now lists each — unit, role, name, a contact's
    number; no phone — as a 提醒 (exit 0) with what to do; done, the doctor is content."""
    import sqlalchemy as sa
    from openpyxl import load_workbook

    from recordkit.ledger.db import open_ledger

    rows = [
        ["房号", "建筑面积", "业主姓名", "联系电话"],
        ["1-1-101", 90, "张伟", "13812345678"],
        ["1-1-102", 90, "李娜", "13812345679"],
        ["1-1-103", 90, "王芳", "13812345670"],
    ]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows))).exit_code == 0
    # What older versions kept, written straight into the ledger.
    with open_ledger(workspace.database_url) as ledger, ledger.write() as conn:
        conn.execute(sa.text("UPDATE owners SET name = '钱八（租户：周九）' WHERE name = '张伟'"))
        conn.execute(sa.text("UPDATE owners SET name = '。' WHERE name = '王芳'"))
        two = conn.execute(sa.text("INSERT INTO owners (name) VALUES ('张三 李四') RETURNING id")).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO unit_co_owners (unit_id, owner_id, position) SELECT id, :o, 2 FROM units"
                " WHERE code = '1-1-102'"
            ),
            {"o": two},
        )
        contact_ids = [
            conn.execute(
                sa.text(
                    "INSERT INTO unit_contacts (unit_id, name, relation, phone, added_at, added_by)"
                    " SELECT id, :name, :relation, '13900001111', '2020-01-01T00:00:00+00:00', '旧版本' FROM units"
                    " WHERE code = :unit RETURNING id"
                ),
                {"unit": unit, "name": name, "relation": relation},
            ).scalar_one()
            for unit, name, relation in (
                ("1-1-102", "吴芳、郑丽", "家属"),
                ("1-1-101", "周九（租户）", "租户"),
                ("1-1-103", "赵磊", "租户"),
            )
        ]
    result = run_cli("doctor", "--json")
    assert result.exit_code == 0, result.output
    assert "13812345678" not in result.stdout and "13900001111" not in result.stdout
    [check] = [c for c in json.loads(result.stdout) if c["name"] == "业主和联系人姓名"]
    family, tenant = contact_ids[:2]
    assert check == {
        "name": "业主和联系人姓名",
        "ok": False,
        "detail": "5 个姓名是旧版本登记的，现在导入名册和添加联系人都不收"
        "（一格一个人、不带括号备注、要有汉字或字母）：1-1-101 业主 钱八（租户：周九）；"
        f"1-1-101 租户 周九（租户）（联系人编号 {tenant}）；1-1-102 共有人 张三 李四；"
        f"1-1-102 联系人 吴芳、郑丽（联系人编号 {family}）；1-1-103 业主 。",
        "fix": "业主、共有人（照原样导出的名册再导入会在这些格子报错）：导出名册（recordkit owners export 名册.xlsx），改正这些格子后再导入"
        "（recordkit owners import 名册.xlsx）；租户、联系人：用 recordkit owners contact edit 联系人编号 --name 姓名 改正，"
        "几个人记成了一位的，改成其中一位，其余的用 recordkit owners contact add 一位一位添加",
        "required": False,
    }
    # As the fix says.  The export as it stands is refused at those cells.
    exported = tmp_path / "导出.xlsx"
    assert run_cli("owners", "export", str(exported)).exit_code == 0
    refused = run_cli("owners", "import", str(exported))
    assert refused.exit_code == 5
    assert [line.split("：")[0].strip() for line in refused.stderr.splitlines()[1:]] == [
        "第 2 行 E 列（业主姓名）",
        "第 4 行 E 列（业主姓名）",
        "第 5 行 E 列（业主姓名）",
    ]
    book = load_workbook(exported)
    assert [book.active[f"E{n}"].value for n in (2, 3, 4, 5)] == ["钱八（租户：周九）", "李娜", "张三 李四", "。"]
    assert book.active["J4"].value == "共有人"  # the co-owner on a row of its own
    book.active["E2"], book.active["E4"], book.active["E5"] = "钱八", "张三", "王芳"
    book.active.append([None, None, "1-1-102", None, "李四", None, None, None, None, "共有人"])
    book.save(exported)
    imported = run_cli("owners", "import", str(exported))
    assert imported.exit_code == 0, imported.output
    for contact_id, name in zip(contact_ids[:2], ("吴芳", "周九"), strict=True):
        assert run_cli("owners", "contact", "edit", str(contact_id), "--name", name).exit_code == 0
    assert run_cli("owners", "contact", "add", "1-1-102", "郑丽", "--relation", "家属").exit_code == 0
    owners = {u["unit"]: (u["owner"], [c["name"] for c in u["co_owners"]]) for u in units(run_cli)}
    assert owners == {"1-1-101": ("钱八", []), "1-1-102": ("李娜", ["张三", "李四"]), "1-1-103": ("王芳", [])}
    [check] = [c for c in json.loads(run_cli("doctor", "--json").stdout) if c["name"] == "业主和联系人姓名"]
    assert (check["ok"], check["detail"]) == (
        True,
        "台账里的姓名都符合现在的规则，没有一个人在一套房屋登记了几种关系或以同一关系登记了不止一次，"
        "也没有业主、共有人又登记为本户的联系人",
    )


def test_a_roster_without_contact_columns_does_not_report_no_contacts(run_cli: Any, tmp_path: Path) -> None:
    """A roster naming no 家属 or 租户 (an ``owners export``) leaves contacts as they are, but the import said
    「联系人（家属、租户）0 人」 beside the co-owners, as if the unit's tenant had been taken off."""
    rows = [["房号", "建筑面积", "业主姓名"], ["1-1-101", 90, "张伟、王芳"]]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows))).exit_code == 0
    assert run_cli("owners", "contact", "add", "1-1-101", "赵磊", "--relation", "租户").exit_code == 0
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows)))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2:] == ["共有人 1 人；名册里没有家属、租户，联系人没有改动"]
    assert [c["name"] for c in json.loads(run_cli("owners", "contact", "list", "--json").stdout)] == ["赵磊"]
    with_tenants = [["房号", "建筑面积", "业主姓名", "租户"], ["1-1-101", 90, "张伟、王芳", "赵磊"]]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册2.xlsx", with_tenants)))
    assert result.stdout.splitlines()[2:] == ["共有人 1 人，联系人（家属、租户）1 人"]


def test_an_owner_an_older_version_kept_as_several_names_is_told_by_doctor_and_by_the_import(
    run_cli: Any, workspace: Any, tmp_path: Path
) -> None:
    """Versions before co-owners kept a whole owner cell 王芳、李娜 as one owner's name.  Re-importing the export split
    it into owner 王芳 and co-owner 李娜 without a word, and doctor's 业主和联系人姓名 said nothing of it.  Doctor now
    lists each such owner as a 提醒 (exit 0), and the import names each unit whose owner it splits, one line each."""
    import sqlalchemy as sa

    from recordkit.ledger.db import open_ledger

    rows = [
        ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号"],
        ["1-1-101", 90, "王芳", "13812345678", "110101199003071233"],
        ["1-1-102", 90, "张三", None, None],
        ["1-1-103", 90, "赵磊", None, None],
    ]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows))).exit_code == 0
    with open_ledger(workspace.database_url) as ledger, ledger.write() as conn:
        conn.execute(sa.text("UPDATE owners SET name = '王芳、李娜' WHERE name = '王芳'"))
        conn.execute(sa.text("UPDATE owners SET name = '张三和李四' WHERE name = '张三'"))
    result = run_cli("doctor", "--json")
    assert result.exit_code == 0, result.output
    [check] = [c for c in json.loads(result.stdout) if c["name"] == "业主和联系人姓名"]
    assert check == {
        "name": "业主和联系人姓名",
        "ok": False,
        "detail": "2 位业主是旧版本把几个人的姓名记成了一位业主："
        "1-1-101 业主 王芳、李娜（重新导入时会拆成业主和共有人：业主 王芳，共有人 李娜）；"
        "1-1-102 业主 张三和李四（重新导入时会拆成业主和共有人：业主 张三，共有人 李四）",
        "fix": "要拆成业主和共有人的：导出名册（recordkit owners export 名册.xlsx）再导入（recordkit owners import 名册.xlsx），"
        "共有人的电话、证件号码可在导入前写在他的“共有人”行；不该拆开的：改正导出名册里的这一格后再导入",
        "required": False,
    }
    exported = tmp_path / "导出.xlsx"
    assert run_cli("owners", "export", str(exported)).exit_code == 0
    trial = run_cli("owners", "import", str(exported), "--dry-run")
    assert trial.exit_code == 0, trial.output
    assert trial.stdout.splitlines()[2:6] == [
        "共有人 2 人；名册里没有家属、租户，联系人没有改动",
        "1-1-101 的业主“王芳、李娜”是几个人，将拆成业主 王芳，共有人 李娜",
        "1-1-102 的业主“张三和李四”是几个人，将拆成业主 张三，共有人 李四",
        "不再持有房屋、将删除的业主记录 1 人",  # 张三和李四's, without an ID number: 张三 is a new record
    ]
    result = run_cli("owners", "import", str(exported))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2:] == [
        "共有人 2 人；名册里没有家属、租户，联系人没有改动",
        "1-1-101 的业主“王芳、李娜”是几个人，已拆成业主 王芳，共有人 李娜",
        "1-1-102 的业主“张三和李四”是几个人，已拆成业主 张三，共有人 李四",
        "不再持有房屋、已删除的业主记录 1 人",
    ]
    owners = {u["unit"]: (u["owner"], [c["name"] for c in u["co_owners"]]) for u in units(run_cli)}
    assert owners == {"1-1-101": ("王芳", ["李娜"]), "1-1-102": ("张三", ["李四"]), "1-1-103": ("赵磊", [])}
    again = run_cli("owners", "import", str(exported))
    assert again.stdout.splitlines()[2:] == ["共有人 2 人；名册里没有家属、租户，联系人没有改动"]
    [check] = [c for c in json.loads(run_cli("doctor", "--json").stdout) if c["name"] == "业主和联系人姓名"]
    assert (check["ok"], check["detail"]) == (
        True,
        "台账里的姓名都符合现在的规则，没有一个人在一套房屋登记了几种关系或以同一关系登记了不止一次，"
        "也没有业主、共有人又登记为本户的联系人",
    )


def test_doctor_tells_owners_to_be_split_beside_names_refused(run_cli: Any, workspace: Any, tmp_path: Path) -> None:
    """An owner kept as 王芳、李娜 and another kept as 钱八（租户：周九）: doctor's one line says both, each with its
    own list and what to do."""
    import sqlalchemy as sa

    from recordkit.ledger.db import open_ledger

    rows = [["房号", "建筑面积", "业主姓名"], ["1-1-101", 90, "王芳"], ["1-1-102", 90, "钱八"]]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows))).exit_code == 0
    with open_ledger(workspace.database_url) as ledger, ledger.write() as conn:
        conn.execute(sa.text("UPDATE owners SET name = '王芳、李娜' WHERE name = '王芳'"))
        conn.execute(sa.text("UPDATE owners SET name = '钱八（租户：周九）' WHERE name = '钱八'"))
    [check] = [c for c in json.loads(run_cli("doctor", "--json").stdout) if c["name"] == "业主和联系人姓名"]
    assert check["detail"] == (
        "1 个姓名是旧版本登记的，现在导入名册和添加联系人都不收（一格一个人、不带括号备注、要有汉字或字母）："
        "1-1-102 业主 钱八（租户：周九）。"
        "1 位业主是旧版本把几个人的姓名记成了一位业主：1-1-101 业主 王芳、李娜（重新导入时会拆成业主和共有人：业主 王芳，共有人 李娜）"
    )
    assert check["fix"].startswith("业主、共有人（照原样导出的名册再导入会在这些格子报错）：")
    assert check["fix"].endswith(
        "。要拆成业主和共有人的：导出名册（recordkit owners export 名册.xlsx）再导入"
        "（recordkit owners import 名册.xlsx），共有人的电话、证件号码可在导入前写在他的“共有人”行；不该拆开的：改正导出名册里的这一格后再导入"
    )


# -- owners list and owners show read one moment of the ledger ----------------------------------------

MOMENT_HEADERS = ("楼栋", "单元", "房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "入住日期", "状态", "关系")


def _import_between_reads(workspace: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, query: str) -> list[bool]:
    """1-1-101 of 张伟 with co-owner 王芳 and tenant 孙丽 in the ledger; ``contacts.<query>`` patched so that a clerk's
    import making it 李娜's, with co-owner 赵磊 and tenant 钱七, commits just before that read is made."""
    import recordkit.owners.contacts as contacts
    from recordkit.ledger.db import open_ledger
    from recordkit.owners.roster import import_owners

    unit = ["1", "1", "101"]
    before = [[*unit, 90, "张伟", "13812345678", None, None, "已交付", "业主"]]
    before += [
        [*unit, None, "王芳", None, None, None, None, "共有人"],
        [*unit, None, "孙丽", None, None, None, None, "租户"],
    ]
    after = [[*unit, 90, "李娜", "13900001111", None, None, "已交付", "业主"]]
    after += [
        [*unit, None, "赵磊", None, None, None, None, "共有人"],
        [*unit, None, "钱七", None, None, None, None, "租户"],
    ]
    with open_ledger(workspace.database_url) as ledger:
        import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", before, MOMENT_HEADERS), "测试员")
    changed = write_sheet(tmp_path / "名册2.xlsx", after, MOMENT_HEADERS)
    original = getattr(contacts, query)
    imported: list[bool] = []

    def import_first() -> Any:
        if not imported:
            imported.append(True)
            with open_ledger(workspace.database_url) as ledger:
                import_owners(ledger, changed, "测试员")
        return original()

    monkeypatch.setattr(contacts, query, import_first)
    return imported


def test_owners_list_is_one_moment_of_the_ledger_even_with_an_import_committed_while_it_reads(
    run_cli: Any, workspace: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``owners list`` read the units and owners, then the co-owners, in two reads: an import committed between them
    showed 1-1-101 as 张伟、赵磊 — the old owner beside the new co-owner, whom no one ever wrote beside him — in the
    table and in --json.  It reads both in one read transaction, as the export does: the ledger before the import."""
    imported = _import_between_reads(workspace, tmp_path, monkeypatch, "_co_owner_query")
    listed = run_cli("owners", "list", "--json")
    assert imported == [True]
    assert listed.exit_code == 0, listed.output
    assert [(row["owner"], row["co_owners"]) for row in json.loads(listed.stdout)] == [
        ("张伟", [{"name": "王芳", "phone": None, "id_type": None, "id_number": None}])
    ]
    monkeypatch.undo()
    table = run_cli("owners", "list")
    assert [line.split("│")[2].strip() for line in table.stdout.splitlines() if "1-1-101" in line] == ["李娜、赵磊"]


@pytest.mark.parametrize("query", ["_co_owner_query", "_contact_query"])
def test_owners_show_is_one_moment_of_the_ledger_even_with_an_import_committed_while_it_reads(
    run_cli: Any, workspace: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    """``owners show`` read the unit, its co-owners and its contacts in three reads: an import committed between them
    showed 张伟 beside the new co-owner 赵磊 or the new tenant 钱七.  One read transaction: the unit before the import."""
    imported = _import_between_reads(workspace, tmp_path, monkeypatch, query)
    shown = run_cli("owners", "show", "1-1-101", "--json")
    assert imported == [True]
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert (data["owner"], [c["name"] for c in data["co_owners"]], [c["name"] for c in data["contacts"]]) == (
        "张伟",
        ["王芳"],
        ["孙丽"],
    )


# -- one person kept as a unit's owner and its co-owner of the same name ------------------------------


def test_doctor_lists_an_owner_kept_again_as_the_unit_s_co_owner_and_the_fix_it_gives_merges_them(
    run_cli: Any, workspace: Any, tmp_path: Path
) -> None:
    """Older imports left 王芳 (no ID number) owner of 1-1-101 and 王芳 (with one) its co-owner — one person, papers
    greeting 王芳、王芳 — and 李娜 twice on 1-1-102 without numbers; doctor said nothing.  Its 业主和联系人姓名 line
    lists both units as a 提醒 (unit and name; no phone nor ID number), not 1-1-103's two 张伟 of two numbers, and
    what it says to do — export with --show-private, the number written on the owner's row too, import — makes each
    one owner: read back with plain SQL, doctor then quiet."""
    import sqlalchemy as sa
    from openpyxl import load_workbook

    from recordkit.ledger.db import open_ledger

    rows = [
        ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"],
        ["1-1-101", 90, "王芳", "13812345678", None, None],
        ["1-1-102", 90, "李娜", "13900001111", None, None],
        ["1-1-103", 90, "张伟", None, "110101199003071233", None],
        ["1-1-103", None, "张伟", None, "310104198506120027", "共有人"],
    ]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows))).exit_code == 0
    with open_ledger(workspace.database_url) as ledger, ledger.write() as conn:
        for name, phone, number, unit in (
            ("王芳", None, "440304198001010017", "1-1-101"),
            ("李娜", "13900001111", None, "1-1-102"),
        ):
            conn.execute(
                sa.text("INSERT INTO owners (name, phone, id_number) VALUES (:name, :phone, :number)"),
                {"name": name, "phone": phone, "number": number},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO unit_co_owners (unit_id, owner_id, position) SELECT units.id, MAX(owners.id), 2"
                    " FROM units, owners WHERE units.code = :unit GROUP BY units.id"
                ),
                {"unit": unit},
            )
    [check] = [c for c in json.loads(run_cli("doctor", "--json").stdout) if c["name"] == "业主和联系人姓名"]
    assert (check["ok"], check["required"]) == (False, False)
    assert check["detail"] == "2 户的业主又记成了本户同名的共有人（一个人记了两次）：1-1-101 王芳；1-1-102 李娜"
    assert check["fix"] == (
        "一个人记了两次的：导出名册（recordkit owners export 名册.xlsx --show-private），共有人那一行写了证件号码的，"
        "把号码也写在业主那一行（两行电话不同的，改成一样的），再导入（recordkit owners import 名册.xlsx），就并成一位业主"
    )
    exported = tmp_path / "导出.xlsx"
    assert run_cli("owners", "export", str(exported), "--show-private").exit_code == 0
    book = load_workbook(exported)
    assert [(row[2].value, row[4].value, row[6].value) for row in book.active.iter_rows(2, 3)] == [
        ("101", "王芳", None),
        ("101", "王芳", "440304198001010017"),
    ]
    book.active["G2"] = "440304198001010017"
    book.save(exported)
    imported = run_cli("owners", "import", str(exported))
    assert imported.exit_code == 0, imported.output
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        held = conn.execute(
            sa.text(
                "SELECT u.code, o.name, o.phone, o.id_number FROM units u JOIN owners o ON o.id = u.owner_id"
                " WHERE u.code IN ('1-1-101', '1-1-102') ORDER BY u.code"
            )
        ).all()
        co = conn.execute(
            sa.text(
                "SELECT u.code, o.name FROM unit_co_owners c JOIN units u ON u.id = c.unit_id"
                " JOIN owners o ON o.id = c.owner_id ORDER BY u.code"
            )
        ).all()
    assert [tuple(r) for r in held] == [
        ("1-1-101", "王芳", "13812345678", "440304198001010017"),
        ("1-1-102", "李娜", "13900001111", None),
    ]
    assert [tuple(r) for r in co] == [("1-1-103", "张伟")]
    [check] = [c for c in json.loads(run_cli("doctor", "--json").stdout) if c["name"] == "业主和联系人姓名"]
    assert check["ok"] is True


# -- one person an older import split at the comma of a Latin name written surname first ----------------------


def test_doctor_lists_two_owners_that_are_one_latin_name_and_the_fix_it_gives_merges_them(
    run_cli: Any, workspace: Any, tmp_path: Path
) -> None:
    """An older import split Smith, John at its comma into owners Smith and John, side by side on 1-1-101 (owner and
    first co-owner) and on 1-1-102 (co-owners after 王芳); today's import reads Smith, John as one person and merges
    the two when a roster names them so, but doctor said nothing of them.  Its 业主和联系人姓名 line lists each such
    two as a 提醒 (unit, roles, names, the name they make; no phone nor ID number) — not Mary Lee and Tom (a name with
    a blank inside is no such half), nor Brown and Anna (two ID numbers: two people) —, doctor exits 0 as for its other
    提醒, and what it says to do makes them one owner: read back with plain SQL, doctor then quiet."""
    import sqlalchemy as sa
    from openpyxl import load_workbook

    from recordkit.ledger.db import open_ledger

    rows = [
        ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"],
        ["1-1-101", 90, "Smith", "13812345678", "110101199003071233", None],
        ["1-1-101", None, "John", None, None, "共有人"],
        ["1-1-101", None, "王芳", "13900001111", None, "共有人"],
        ["1-1-102", 90, "王芳", "13900001111", None, None],
        ["1-1-102", None, "Smith", "13812345678", "110101199003071233", "共有人"],
        ["1-1-102", None, "John", None, None, "共有人"],
        ["1-1-103", 90, "Mary Lee", None, None, None],
        ["1-1-103", None, "Tom", None, None, "共有人"],
        ["1-1-104", 90, "Brown", None, "310104198506120027", None],
        ["1-1-104", None, "Anna", None, "440304198001010017", "共有人"],
    ]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows))).exit_code == 0
    result = run_cli("doctor", "--json")
    assert result.exit_code == 0, result.output
    [check] = [c for c in json.loads(result.stdout) if c["name"] == "业主和联系人姓名"]
    assert (check["ok"], check["required"]) == (False, False)
    assert check["detail"] == (
        "2 处相邻的两位业主合起来是一个姓在前、逗号隔开的英文姓名（旧版本导入时在逗号处拆成了两位）："
        "1-1-101 业主 Smith、共有人 John（即 Smith, John）；1-1-102 共有人 Smith、John（即 Smith, John）"
    )
    assert check["fix"] == (
        "一个人拆成两位的：导出名册（recordkit owners export 名册.xlsx），在这些房屋把两人的两行并成一行——"
        "前一位那一格写成合起来的姓名（如 Smith, John），删去后一位那一行——再导入（recordkit owners import 名册.xlsx），"
        "就合并为一位业主，导入结果说没有合并的，按它写的原因处理；确是两位业主的，录入后一位（如 John）的证件号码后不再提示："
        "在导出的名册里他那一行填上证件号码，再导入"
    )
    shown = run_cli("doctor")
    assert shown.exit_code == 0 and "提醒" in shown.stdout
    # As the fix says.
    exported = tmp_path / "导出.xlsx"
    assert run_cli("owners", "export", str(exported)).exit_code == 0
    book = load_workbook(exported)
    sheet = book.active
    written = [(row[2].value, row[4].value) for row in sheet.iter_rows(2)]
    assert written[:6] == [
        ("101", "Smith"),
        ("101", "John"),
        ("101", "王芳"),
        ("102", "王芳"),
        ("102", "Smith"),
        ("102", "John"),
    ]
    sheet["E2"], sheet["E6"] = "Smith, John", "Smith, John"
    sheet.delete_rows(7)
    sheet.delete_rows(3)
    book.save(exported)
    imported = run_cli("owners", "import", str(exported))
    assert imported.exit_code == 0, imported.output
    assert "1-1-101 的业主“Smith, John”在台账里原是两位业主“Smith”和“John”：已合并为一位" in imported.stdout
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        people = conn.execute(sa.text("SELECT name, phone, id_number FROM owners ORDER BY name")).all()
        held = conn.execute(
            sa.text(
                "SELECT u.code, o.name, -1 FROM units u JOIN owners o ON o.id = u.owner_id UNION ALL"
                " SELECT u.code, o.name, c.position FROM unit_co_owners c JOIN units u ON u.id = c.unit_id"
                " JOIN owners o ON o.id = c.owner_id ORDER BY 1, 3"
            )
        ).all()
    assert [tuple(p) for p in people] == [
        ("Anna", None, "440304198001010017"),
        ("Brown", None, "310104198506120027"),
        ("Mary Lee", None, None),
        ("Smith, John", "13812345678", "110101199003071233"),
        ("Tom", None, None),
        ("王芳", "13900001111", None),
    ]
    assert [(code, name) for code, name, _ in held] == [
        ("1-1-101", "Smith, John"),
        ("1-1-101", "王芳"),
        ("1-1-102", "王芳"),
        ("1-1-102", "Smith, John"),
        ("1-1-103", "Mary Lee"),
        ("1-1-103", "Tom"),
        ("1-1-104", "Brown"),
        ("1-1-104", "Anna"),
    ]
    [check] = [c for c in json.loads(run_cli("doctor", "--json").stdout) if c["name"] == "业主和联系人姓名"]
    assert check["ok"] is True


def test_two_owners_named_like_one_latin_name_are_no_longer_listed_once_the_second_has_an_id_number(
    run_cli: Any, tmp_path: Path
) -> None:
    """Two real owners, Smith and John, side by side, were listed by doctor's 业主和联系人姓名 forever: it said
    确是两个人的，不用处理, and listed them still.  Once the second of the two has an ID number recorded (through the
    roster, as the fix now says) the pair is not listed.  An older import that split Brown, Anna at its comma gave the
    row's numbers to the first (Brown) alone, never to the second: a number on the first alone still lists them."""
    headers = ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"]

    def doctor_says(rows: list[list[Any]]) -> tuple[str, str]:
        imported = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", [headers, *rows])))
        assert imported.exit_code == 0, imported.output
        result = run_cli("doctor", "--json")
        assert result.exit_code == 0, result.output
        [check] = [c for c in json.loads(result.stdout) if c["name"] == "业主和联系人姓名"]
        return check["detail"], check["fix"]

    said = "处相邻的两位业主合起来是一个姓在前、逗号隔开的英文姓名（旧版本导入时在逗号处拆成了两位）："
    brown = [
        ["1-1-102", 90, "Brown", "13900001111", "110101199003071233", None],
        ["1-1-102", None, "Anna", None, None, "共有人"],
    ]
    detail, fix = doctor_says(
        [["1-1-101", 90, "Smith", "13812345678", None, None], ["1-1-101", None, "John", None, None, "共有人"], *brown]
    )
    assert detail == (
        f"2 {said}1-1-101 业主 Smith、共有人 John（即 Smith, John）；1-1-102 业主 Brown、共有人 Anna（即 Brown, Anna）"
    )
    # John's number recorded: Smith and John are two people, no longer listed; Brown's number alone lists them still.
    detail, _ = doctor_says(
        [
            ["1-1-101", 90, "Smith", "13812345678", None, None],
            ["1-1-101", None, "John", None, "440304198001010017", "共有人"],
            *brown,
        ]
    )
    assert detail == f"1 {said}1-1-102 业主 Brown、共有人 Anna（即 Brown, Anna）"
    assert fix.endswith(
        "确是两位业主的，录入后一位（如 John）的证件号码后不再提示：在导出的名册里他那一行填上证件号码，再导入"
    )


def test_doctors_roster_line_is_one_moment_of_the_ledger(
    ledger: Any, ledger_url: str, workspace: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Doctor's 业主和联系人姓名 read the refused names, the owners to split and the owners kept twice in three reads: a
    roster import committed between them (one putting both right) gave a line listing 钱八（租户：周九） alone, of no
    moment of the ledger — before the import it had both, after it none.  The three are read in one read transaction,
    on SQLite as on PostgreSQL: the line is the ledger before the import, whole."""
    import sqlalchemy as sa

    import recordkit.owners.contacts as contacts
    from recordkit.core.workspace import open_workspace
    from recordkit.doctor import check_roster_names
    from recordkit.owners.roster import import_owners
    from tests.one_moment import an_import_armed

    rows = [["房号", "建筑面积", "业主姓名"], ["1-1-101", 90, "王芳"], ["1-1-102", 90, "钱八"]]
    import_owners(ledger, roster(tmp_path / "名册.xlsx", rows), "测试员")
    with ledger.write() as conn:
        conn.execute(sa.text("UPDATE owners SET name = '王芳、李娜' WHERE name = '王芳'"))
        conn.execute(sa.text("UPDATE owners SET name = '钱八（租户：周九）' WHERE name = '钱八'"))
    imported = an_import_armed(ledger, roster(tmp_path / "改正.xlsx", rows), monkeypatch, contacts, "_co_owner_query")
    check = check_roster_names(open_workspace(workspace.root, environ={"RECORDKIT_DATABASE_URL": ledger_url}))
    assert imported == [True]
    assert check.detail == (
        "1 个姓名是旧版本登记的，现在导入名册和添加联系人都不收（一格一个人、不带括号备注、要有汉字或字母）："
        "1-1-102 业主 钱八（租户：周九）。"
        "1 位业主是旧版本把几个人的姓名记成了一位业主：1-1-101 业主 王芳、李娜（重新导入时会拆成业主和共有人：业主 王芳，共有人 李娜）"
    )
    monkeypatch.undo()
    check = check_roster_names(open_workspace(workspace.root, environ={"RECORDKIT_DATABASE_URL": ledger_url}))
    assert (check.ok, check.detail) == (
        True,
        "台账里的姓名都符合现在的规则，没有一个人在一套房屋登记了几种关系或以同一关系登记了不止一次，"
        "也没有业主、共有人又登记为本户的联系人",
    )


def test_a_tenancy_ends_明天_or_on_a_month_and_day_as_a_loan_is_due(run_cli: Any, tmp_path: Path) -> None:
    """``owners contact add … --end 明天`` was refused (日期“明天”无法识别) where ``archive lend --due 明天`` is taken:
    a tenancy's end is a day to come, read as a loan's 应还日期 is (the suite's today is 2026-12-05)."""
    assert run_cli("owners", "import", str(write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    for unit, name, end in (("1-1-101", "赵磊", "明天"), ("1-1-102", "钱多", "后天"), ("3-2-1201", "孙悦", "3月1日")):
        added = run_cli("owners", "contact", "add", unit, name, "--relation", "租户", "--end", end)
        assert added.exit_code == 0, added.output
    listed = json.loads(run_cli("owners", "contact", "list", "--json").stdout)
    assert sorted((c["unit"], c["name"], c["end_date"]) for c in listed) == [
        ("1-1-101", "赵磊", "2026-12-06"),
        ("1-1-102", "钱多", "2026-12-07"),
        ("3-2-1201", "孙悦", "2027-03-01"),
    ]


def test_an_owner_an_older_import_kept_as_two_is_merged_when_the_sheet_names_him_whole(
    run_cli: Any, workspace: Any, tmp_path: Path
) -> None:
    """Smith、John (as an older import read Smith, John: at its comma) made owner Smith and co-owner John of 1-1-101
    and 1-1-102.  Re-importing 1-1-101 as Smith, John left the two holding 1-1-102 without a word.  Now the import
    says, one line, that it merges them (将 on a trial, 已 after), 1-1-102 follows, and the journal still agrees with
    the owners table."""
    from recordkit.ledger.db import open_ledger
    from recordkit.ledger.reconcile import check_tables

    old = [
        ["房号", "建筑面积", "业主姓名", "联系电话"],
        ["1-1-101", 90, "Smith、John", "13812345678"],
        ["1-1-102", 90, "Smith、John、王芳", "13812345678"],
    ]
    assert run_cli("owners", "import", str(roster(tmp_path / "旧.xlsx", old))).exit_code == 0
    sheet = roster(tmp_path / "名册.xlsx", [old[0], ["1-1-101", 90, "Smith, John", "13812345678"]])
    told = "1-1-101 的业主“Smith, John”在台账里原是两位业主“Smith”和“John”：{}合并为一位，1-1-102 也一并转到“Smith, John”名下"
    trial = run_cli("owners", "import", str(sheet), "--dry-run")
    assert trial.exit_code == 0, trial.output
    assert trial.stdout.splitlines()[2:] == [told.format("将"), "将新增或更新的房屋：1-1-101"]
    result = run_cli("owners", "import", str(sheet))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2:] == [told.format("已")]
    owners = {u["unit"]: (u["owner"], [c["name"] for c in u["co_owners"]]) for u in units(run_cli)}
    assert owners == {"1-1-101": ("Smith, John", []), "1-1-102": ("Smith, John", ["王芳"])}
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        assert check_tables(conn) == []


def test_owners_show_says_a_tenant_s_lease_as_every_message_says_it(run_cli: Any, tmp_path: Path) -> None:
    """``owners show`` wrote a tenant's lease ``2026-03-01至2027-02-28`` and ``至2027-03-01``, unlike every message
    (``租期 2026-03-01 至 2027-02-28``, ``租期至 2027-02-28``): it says it in their words now."""
    assert run_cli("owners", "import", str(write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    for name, dates in (
        ("赵磊", ("--start", "2026-03-01", "--end", "2027-02-28")),
        ("钱七", ("--end", "2027-03-01")),
        ("孙八", ("--start", "2026-05-01")),
    ):
        added = run_cli("owners", "contact", "add", "3-2-1201", name, "--relation", "租户", *dates)
        assert added.exit_code == 0, added.output
    shown = run_cli("owners", "show", "3-2-1201", env={"COLUMNS": "200"}).stdout
    assert "赵磊 租期 2026-03-01 至 2027-02-28（联系人编号 1）" in shown
    assert "钱七 租期至 2027-03-01（联系人编号 2）" in shown
    assert "孙八 租期自 2026-05-01 起（联系人编号 3）" in shown


def test_doctor_lists_two_owners_an_older_import_split_from_one_cell_that_may_be_one_body(
    run_cli: Any, tmp_path: Path
) -> None:
    """An older import split 张三、丰餐饮有限公司 into owner 张三 and co-owner 丰餐饮有限公司; today's import keeps such a
    cell whole, so the roster naming them so makes them one owner on its next import, with a 提醒 — but doctor said
    nothing before.  Its 业主和联系人姓名 line lists each such two side by side (by ``body_or_owners``, the import's own
    rule), not 王五 and 幸福里餐饮有限公司 (a whole body's name) nor 王七 and 赵六、投资管理有限公司 (kept whole), saying what a re-import does; quiet once the body's
    full name is written."""
    from openpyxl import load_workbook

    rows = [
        ["房号", "建筑面积", "业主姓名", "联系电话", "关系"],
        ["1-1-101", 90, "张三", "13812345678", None],
        ["1-1-101", None, "丰餐饮有限公司", None, "共有人"],
        ["1-1-102", 90, "王芳", "13812345670", None],
        ["1-1-102", None, "李四", None, "共有人"],
        ["1-1-102", None, "餐饮有限公司", None, "共有人"],
        ["1-1-103", 90, "王五", None, None],
        ["1-1-103", None, "幸福里餐饮有限公司", None, "共有人"],
        ["1-1-104", 90, "王七", None, None],
        ["1-1-104", None, "赵六、投资管理有限公司", None, "共有人"],  # a cell kept whole already: no older split
    ]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows))).exit_code == 0
    result = run_cli("doctor", "--json")
    assert result.exit_code == 0, result.output
    [check] = [c for c in json.loads(result.stdout) if c["name"] == "业主和联系人姓名"]
    assert (check["ok"], check["required"]) == (False, False)
    assert check["detail"] == (
        "2 处相邻的两位业主写在一格里可能是一家单位（旧版本导入时把“张三、丰餐饮有限公司”这样的一格拆成了两位，"
        "现在的导入不拆）：1-1-101 业主 张三、共有人 丰餐饮有限公司（即“张三、丰餐饮有限公司”）；"
        "1-1-102 共有人 李四、餐饮有限公司（即“李四、餐饮有限公司”）"
    )
    assert check["fix"] == (
        "把两位写在一格的名册（如“张三、丰餐饮有限公司”）再导入时，这一格按一位业主原样记下（导入结果提醒核对这一格），"
        "代替这户原来的业主和共有人；是一家单位的：名册里这一格写成单位的全称再导入；确是两位的：导出名册"
        "（recordkit owners export 名册.xlsx），在单位那一行写上这家单位的全称，再导入（recordkit owners import 名册.xlsx），"
        "就不再提示"
    )
    # As the fix says, for two owners: the body's full name on its row of the export.
    exported = tmp_path / "导出.xlsx"
    assert run_cli("owners", "export", str(exported)).exit_code == 0
    book = load_workbook(exported)
    sheet = book.active
    assert [(row[2].value, row[4].value) for row in sheet.iter_rows(2)][:5] == [
        ("101", "张三"),
        ("101", "丰餐饮有限公司"),
        ("102", "王芳"),
        ("102", "李四"),
        ("102", "餐饮有限公司"),
    ]
    sheet["E3"], sheet["E6"] = "幸福里丰餐饮有限公司", "幸福里餐饮管理有限公司"
    book.save(exported)
    assert run_cli("owners", "import", str(exported)).exit_code == 0
    [check] = [c for c in json.loads(run_cli("doctor", "--json").stdout) if c["name"] == "业主和联系人姓名"]
    assert check["ok"] is True, check


def test_a_name_changed_only_in_its_blanks_is_told_as_tidied_not_as_a_rename(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """An older version kept ``Zhang  San`` (two blanks); the next import of the same roster reads ``Zhang San`` and
    said ``身份证号 … 的业主 Zhang  San 已改名为 Zhang San``: noise that looks like a real rename.  Now one quiet line
    counts the names whose blanks were tidied, no 改名 line; ``--json`` lists them apart (``names_tidied``), not among
    ``owners_renamed``; a real rename beside it is still told as one."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "身份证号"],
        ["1-1-101", 90, "Zhang San", "110101199003071233"],
        ["1-1-102", 90, "王建国", "11010519491231002X"],
    ]
    assert run_cli("owners", "import", str(roster(tmp_path / "一.xlsx", rows))).exit_code == 0
    with open_ledger(workspace.database_url) as ledger, ledger.write() as conn:
        conn.execute(sa.text("UPDATE owners SET name = 'Zhang  San' WHERE name = 'Zhang San'"))
    rows[2][2] = "刘一"
    again = str(roster(tmp_path / "二.xlsx", rows))
    trial = run_cli("owners", "import", again, "--json", "--dry-run")
    assert trial.exit_code == 0, trial.output
    told = json.loads(trial.stdout)
    assert [(r["before"], r["after"]) for r in told["owners_renamed"]] == [("王建国", "刘一")]
    assert told["names_tidied"] == ["Zhang San"]
    done = run_cli("owners", "import", again)
    assert done.exit_code == 0, done.output
    assert [line for line in done.stdout.splitlines() if "改名" in line or "空格" in line] == [
        "证件号码 110105********002X 的业主“王建国”已改名为“刘一”：1-1-102 的业主",
        "姓名中的空格已整理（只是空格，不算改名）：1 人",
    ]
