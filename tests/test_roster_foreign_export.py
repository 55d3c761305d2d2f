"""A roster exported from another property system (明源, 思源, 金蝶 style), imported as it came: a title
and a date row above two rows of merged headers, 合计/小计 rows, blank separator rows, areas written with
their unit, ID numbers Excel turned into numbers, a workbook that is really an old .xls.  The sheets are
typed here with openpyxl, cell by cell, as those systems write them; what is checked is what a clerk sees:
the exit code, the message naming row and column, and ``owners list --json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


def typed(path: Path, rows: list[list[Any]], merged: tuple[str, ...] = ()) -> str:
    """A one-sheet workbook typed row by row, headers included, with ``merged`` ranges (A1:B1)."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    for cells in merged:
        book.active.merge_cells(cells)
    book.save(path)
    return str(path)


def export_sheet(path: Path, units: list[list[Any]]) -> str:
    """An export: title row, date row, a group row merged over a header row (房屋信息 over 房屋编号 …,
    业主姓名 merged down over both rows), then ``units`` (房屋编号, 建筑面积, 房屋状态, 业主姓名, 联系电话, 身份证号)."""
    heading: list[list[Any]] = [
        ["春江花园房产资料一览表"],
        ["导出日期：2026年12月1日"],
        ["房屋信息", None, None, "业主姓名", "联系方式", None],
        ["房屋编号", "建筑面积", "房屋状态", None, "联系电话", "身份证号"],
    ]
    return typed(path, [*heading, *units], merged=("A1:F1", "A3:C3", "D3:D4", "E3:F3"))


def listed(run_cli: Any) -> list[tuple[str, str | None, float]]:
    result = run_cli("owners", "list", "--json")
    assert result.exit_code == 0, result.output
    return [(u["unit"], u["owner"], u["area"]) for u in json.loads(result.stdout)]


def test_totals_and_subtotals_rows_are_left_out_and_said(run_cli: Any, tmp_path: Path) -> None:
    """A 小计 row under a building, a blank separator row and a 合计 row at the bottom (with the area's sum
    in it) are not units: the six units import, and the clerk is told which rows were left out."""
    path = export_sheet(
        tmp_path / "房产资料.xlsx",
        [
            ["3栋2单元1201", 89.5, "已入住", "张伟", "13912345678", "110101199003071233"],
            ["3-2-1202室", 89.5, "空置", None, None, None],
            ["小计", 179.0, None, None, None, None],
            [None, None, None, None, None, None],
            ["三号楼二单元1301", 120, "已交付", "王强", "13900139000", None],
            ["别墅A-12", 320.5, "已入住", "刘洋/陈静", "13600136000", None],
            ["商铺S-103", 60, "已出租", "孙丽", "0571-86661234", None],
            ["车位B2-088", 12.5, "已售", "王强", "13900139000", None],
            ["合 计", 691.5, None, None, None, None],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    assert "导入完成：共 6 行；新增房屋 6 户" in result.stdout
    assert "提醒：第 7、13 行是合计/小计行，不是房屋，没有导入" in result.stdout
    assert listed(run_cli) == [
        ("3-2-1201", "张伟", 89.5),
        ("3-2-1202", None, 89.5),
        ("3-2-1301", "王强", 120.0),
        ("别墅A-12", "刘洋", 320.5),
        ("商铺S-103", "孙丽", 60.0),
        ("车位B2-088", "王强", 12.5),
    ]


def test_a_totals_row_counting_its_units_in_the_unit_column_is_left_out(run_cli: Any, tmp_path: Path) -> None:
    """合计 in a 序号 column, and in the unit column what it counts (共 2 户): still no unit."""
    path = typed(
        tmp_path / "房产资料.xlsx",
        [
            ["序号", "房屋编号", "建筑面积", "业主姓名"],
            [1, "3-2-1201", 89.5, "张伟"],
            [2, "3-2-1202", 89.5, "王强"],
            ["合计", "共 2 户", 179.0, None],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    assert "提醒：第 4 行是合计/小计行，不是房屋，没有导入" in result.stdout
    assert listed(run_cli) == [("3-2-1201", "张伟", 89.5), ("3-2-1202", "王强", 89.5)]


@pytest.mark.parametrize("label", ["合计：3户", "合计:3 户", "合 计 3户", "小计：2套", "总计 268.5"])
def test_a_totals_row_saying_its_count_in_the_building_column_is_left_out(
    run_cli: Any, tmp_path: Path, label: str
) -> None:
    """An export whose total row writes its label and count in one cell of the 楼号 column (合计：3户), the room cell
    blank, was refused as 楼栋“合计：3户”无效 and nothing imported; it is a totals row like 合计 alone."""
    path = typed(
        tmp_path / "房产资料.xlsx",
        [
            ["楼号", "单元号", "房间号", "建筑面积", "姓名"],
            ["3号楼", "2单元", 1301.0, 89.5, "刘一"],
            ["3号楼", "2单元", 1302.0, 89.5, "吴三"],
            ["3号楼", "2单元", 1303.0, 89.5, None],
            [label, None, None, 268.5, None],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    assert "导入完成：共 3 行；新增房屋 3 户" in result.stdout
    assert "提醒：第 5 行是合计/小计行，不是房屋，没有导入" in result.stdout
    assert listed(run_cli) == [("3-2-1301", "刘一", 89.5), ("3-2-1302", "吴三", 89.5), ("3-2-1303", None, 89.5)]


def test_a_unit_row_with_a_note_saying_subtotal_is_still_a_unit(run_cli: Any, tmp_path: Path) -> None:
    """Only a row without a unit of its own is a totals row: a unit whose status cell happens to read
    小计 is a unit with a bad status, named by row and column, not a row silently dropped."""
    path = export_sheet(
        tmp_path / "房产资料.xlsx",
        [
            ["3栋2单元1201", 89.5, "已入住", "张伟", "13912345678", "110101199003071233"],
            ["3栋2单元1202", 89.5, "小计", None, None, None],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 5, result.output
    assert "第 6 行 C 列（房屋状态）：“小计” 不是有效状态" in result.output
    assert listed(run_cli) == []
    split = typed(
        tmp_path / "分列.xlsx",
        [
            ["楼栋", "单元", "房号", "建筑面积", "状态"],
            ["3", "2", "1201", 89.5, "小计"],
        ],
    )
    result = run_cli("owners", "import", split)
    assert result.exit_code == 5, result.output
    assert "第 2 行 E 列（状态）：“小计” 不是有效状态" in result.output


def test_areas_written_with_their_unit_are_read(run_cli: Any, tmp_path: Path) -> None:
    """Exports write the area as text with its unit: ㎡, m², 平方米 (with or without a space), 平米."""
    path = export_sheet(
        tmp_path / "房产资料.xlsx",
        [
            ["3-2-1201", "89.5㎡", "空置", None, None, None],
            ["3-2-1202", "89.50 平方米", "空置", None, None, None],
            ["3-2-1301", "120平米", "空置", None, None, None],
            ["3-2-1302", "120.25 m²", "空置", None, None, None],
            ["3-2-1401", " 98.10平方米 ", "空置", None, None, None],
            ["商铺S-101", "1,200.50㎡", "空置", None, None, None],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    assert listed(run_cli) == [
        ("3-2-1201", None, 89.5),
        ("3-2-1202", None, 89.5),
        ("3-2-1301", None, 120.0),
        ("3-2-1302", None, 120.25),
        ("3-2-1401", None, 98.1),
        ("商铺S-101", None, 1200.5),
    ]


def test_an_area_in_another_unit_is_refused_by_row_and_column(run_cli: Any, tmp_path: Path) -> None:
    """Only square metres are an area: 89.5亩 is not read as 89.5 ㎡; a comma only groups thousands."""
    path = export_sheet(
        tmp_path / "房产资料.xlsx",
        [["3-2-1201", "89.5亩", "空置", None, None, None], ["3-2-1202", "89,5", "空置", None, None, None]],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 5, result.output
    assert "第 5 行 B 列（建筑面积）：“89.5亩” 不是数字" in result.output
    assert "第 6 行 B 列（建筑面积）：“89,5” 不是数字" in result.output


def test_an_id_number_excel_turned_into_a_number_is_refused_for_what_it_is(run_cli: Any, tmp_path: Path) -> None:
    """Excel keeps 15 digits of a number: an ID number typed into a number cell comes back as
    1.10101199003071E+17, its last digits gone.  The clerk is told that, not 校验位错误; an ID kept as text,
    with a lower-case x, is read."""
    path = export_sheet(
        tmp_path / "房产资料.xlsx",
        [
            ["3-2-1201", 89.5, "已入住", "张伟", "13912345678", 1.10101199003071e17],
            ["3-2-1202", 89.5, "已入住", "刘洋", "13600136000", "33010619850612004x"],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 5, result.output
    assert "有 1 处错误，没有导入任何数据" in result.output
    assert (
        "第 5 行 F 列（身份证号）：身份证号被 Excel 存成了数字，15 位以后的数字已经丢失：请把这一列设为“文本”格式，"
        "重新填写完整的号码" in result.output
    )
    assert "校验位" not in result.output
    assert listed(run_cli) == []


#: How every Excel 97-2003 workbook (and every workbook with an opening password) starts: an OLE2 compound file.
OLE2_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")


def test_an_old_xls_saved_under_an_xlsx_name_says_so(run_cli: Any, tmp_path: Path) -> None:
    """Some systems export an Excel 97-2003 file and name it .xlsx: the clerk is told to save it again as an
    Excel workbook, in Chinese, not that the file is broken (BadZipFile)."""
    path = tmp_path / "房产资料.xlsx"
    path.write_bytes(OLE2_SIGNATURE + bytes(504) + "房号".encode("utf-16-le") * 200)
    result = run_cli("owners", "import", str(path))
    assert result.exit_code == 5, result.output
    assert result.output == (
        "错误：房产资料.xlsx 其实是 Excel 97-2003 工作簿（.xls）或设了打开密码的工作簿，只是名字写成了 .xlsx："
        "请在 Excel/WPS 中打开（有密码的先去掉密码），“另存为” Excel 工作簿（*.xlsx）后再试\n"
    )
    assert listed(run_cli) == []


def test_a_landline_with_its_area_code_in_brackets_is_read(run_cli: Any, tmp_path: Path) -> None:
    """(0571)86661234 and （0571）8666-1234 are how landlines are written on paper and in exports."""
    path = export_sheet(
        tmp_path / "房产资料.xlsx",
        [
            ["商铺S-103", 60, "已入住", "孙丽", "(0571)86661234", None],
            ["商铺S-104", 60, "已入住", "周杰", "（010） 6512-3456", None],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    shown = run_cli("owners", "list", "--json", "--show-private")
    assert [(u["unit"], u["phone"]) for u in json.loads(shown.stdout)] == [
        ("商铺S-103", "0571-86661234"),
        ("商铺S-104", "010-65123456"),
    ]


@pytest.mark.parametrize(
    ("word", "status"),
    [("已入伙", "已入住"), ("入伙", "已入住"), ("自用", "已入住"), ("空房", "空置"), ("闲置", "空置")],
)
def test_status_words_of_other_systems_are_read(run_cli: Any, tmp_path: Path, word: str, status: str) -> None:
    """入伙 is the trade's word for moving in (the 入伙日期 header is read already), 自用 a shop its owner
    uses, 空房 and 闲置 an empty unit."""
    path = export_sheet(tmp_path / "房产资料.xlsx", [["商铺S-103", 60, word, "孙丽", "13912345678", None]])
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    shown = run_cli("owners", "list", "--json")
    assert [(u["unit"], u["status"]) for u in json.loads(shown.stdout)] == [("商铺S-103", status)]


def co_owners_of(run_cli: Any, unit: str) -> list[str]:
    shown = run_cli("owners", "show", unit, "--json")
    assert shown.exit_code == 0, shown.output
    return [person["name"] for person in json.loads(shown.stdout)["co_owners"]]


def test_a_co_owner_column_names_the_co_owners(run_cli: Any, tmp_path: Path) -> None:
    """Exports often keep co-owners in a column of their own (共有人, 共同产权人), one or several in a cell;
    they are the unit's co-owners, as if written after the owner's name, not an ignored column."""
    path = typed(
        tmp_path / "房产资料.xlsx",
        [
            ["序号", "房屋编号", "建筑面积", "业主姓名", "共有人", "房屋状态"],
            [1, "3-2-1201", 89.5, "张伟", "李娜", "已入住"],
            [2, "3-2-1202", 89.5, "王强", "赵敏、钱芳", "已入住"],
            [3, "3-2-1301", 120, "刘洋", None, "已入住"],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    assert "未读取的列：序号\n" in result.stdout
    assert "共有人 3 人" in result.stdout
    assert co_owners_of(run_cli, "3-2-1201") == ["李娜"]
    assert co_owners_of(run_cli, "3-2-1202") == ["赵敏", "钱芳"]
    assert co_owners_of(run_cli, "3-2-1301") == []


def test_a_company_named_with_a_separator_is_one_owner_beside_people(run_cli: Any, tmp_path: Path) -> None:
    """Shops in an export: 甲乙、丙丁科技有限公司 and 鑫源、恒达建材有限公司 are one company each, whose names have a 、
    (their first parts start with no surname); the import made each two owners, 甲乙 and co-owner 丙丁科技有限公司.
    张三、丙丁科技有限公司 is still a person and a company, 张伟、李娜 two people, and a 共有人 cell reads alike."""
    path = export_sheet(
        tmp_path / "房产资料.xlsx",
        [
            ["商铺S-101", 60, "已出租", "甲乙、丙丁科技有限公司", "0755-86661234", None],
            ["商铺S-102", 60, "已出租", "鑫源、恒达建材有限公司", "0755-86665678", None],
            ["商铺S-103", 60, "已出租", "张三、丙丁科技有限公司", "13912345678", None],
            ["3栋2单元1201", 89.5, "已入住", "张伟、李娜", "13600136000", None],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    assert "新增业主 6 人" in result.stdout and "共有人 2 人" in result.stdout
    assert listed(run_cli) == [
        ("3-2-1201", "张伟", 89.5),
        ("商铺S-101", "甲乙、丙丁科技有限公司", 60.0),
        ("商铺S-102", "鑫源、恒达建材有限公司", 60.0),
        ("商铺S-103", "张三", 60.0),
    ]
    assert co_owners_of(run_cli, "商铺S-101") == []
    assert co_owners_of(run_cli, "商铺S-102") == []
    assert co_owners_of(run_cli, "商铺S-103") == ["丙丁科技有限公司"]
    assert co_owners_of(run_cli, "3-2-1201") == ["李娜"]
    column = typed(
        tmp_path / "共有人.xlsx",
        [["房屋编号", "建筑面积", "业主姓名", "共有人"], ["商铺S-104", 60, "王强", "甲乙、丙丁科技有限公司"]],
    )
    assert run_cli("owners", "import", column).exit_code == 0
    assert co_owners_of(run_cli, "商铺S-104") == ["甲乙、丙丁科技有限公司"]


def test_a_co_owner_without_an_owner_is_refused(run_cli: Any, tmp_path: Path) -> None:
    path = typed(
        tmp_path / "房产资料.xlsx",
        [
            ["房屋编号", "建筑面积", "业主姓名", "共同产权人", "房屋状态"],
            ["3-2-1201", 89.5, None, "李娜", "已交付"],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 5, result.output
    assert "第 2 行 D 列（共同产权人）：填写了共有人，但没有业主姓名" in result.output


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("13912345678/0571-86661234", "13912345678/0571-86661234"),
        ("13912345678，13812345678", "13912345678，13812345678"),  # quoted as typed, full-width comma and all
        ("139 1234 5678 、(0571)86661234", "139 1234 5678 、(0571)86661234"),
    ],
)
def test_two_phone_numbers_in_one_cell_are_refused_for_what_they_are(
    run_cli: Any, tmp_path: Path, cell: str, shown: str
) -> None:
    """Exports often keep two numbers in one 联系电话 cell: the clerk is told the cell holds two numbers,
    not that the number is invalid."""
    path = export_sheet(tmp_path / "房产资料.xlsx", [["3-2-1201", 89.5, "已入住", "张伟", cell, None]])
    result = run_cli("owners", "import", path)
    assert result.exit_code == 5, result.output
    assert f"第 5 行 E 列（联系电话）：联系电话“{shown}”写了 2 个号码，只能写一个\n" in result.output
    assert listed(run_cli) == []


def test_dates_exported_as_text_with_their_time_are_read(run_cli: Any, tmp_path: Path) -> None:
    """Systems export a date column as text with the time of day: 2020-05-01 00:00:00.  That is the day;
    the clerk does not have to cut the time off every cell.  A day that does not exist is still refused."""

    def sheet_of(rows: list[list[Any]]) -> str:
        headers = ["房屋编号", "建筑面积", "业主姓名", "入住日期", "租户", "起租日期", "到期日期"]
        return typed(tmp_path / "房产资料.xlsx", [headers, *rows])

    good = [
        ["3-2-1201", 89.5, "张伟", "2020-05-01 00:00:00", None, None, None],
        ["3-2-1202", 89.5, "王强", "2021/3/5 14:30:00", "赵磊", "2026-03-01 00:00:00", "2027-02-28 00:00"],
    ]
    result = run_cli("owners", "import", sheet_of([*good, ["3-2-1301", 120, "刘洋", "2020-02-30 00:00:00"]]))
    assert result.exit_code == 5, result.output
    assert "有 1 处错误，没有导入任何数据\n  第 4 行 D 列（入住日期）：“2020-02-30 00:00:00”" in result.output
    result = run_cli("owners", "import", sheet_of(good))
    assert result.exit_code == 0, result.output
    shown = json.loads(run_cli("owners", "list", "--json").stdout)
    assert [(u["unit"], u["move_in_date"]) for u in shown] == [("3-2-1201", "2020-05-01"), ("3-2-1202", "2021-03-05")]
    contacts = run_cli("owners", "contact", "list", "--json")
    assert [(c["name"], c["start_date"], c["end_date"]) for c in json.loads(contacts.stdout)] == [
        ("赵磊", "2026-03-01", "2027-02-28")
    ]


def test_full_unit_names_starting_with_the_estate_are_read(run_cli: Any, tmp_path: Path) -> None:
    """明源-style exports name a unit in full, the estate first (房间全称 测试小区-3栋-2单元-1201); the
    workspace's estate (the fixture's 测试小区, ``[office] estate``) is not part of the unit code."""
    path = typed(
        tmp_path / "房产资料.xlsx",
        [
            ["房间全称", "建筑面积", "业主姓名"],
            ["测试小区-3栋-2单元-1201", 89.5, "张伟"],
            ["测试小区3栋2单元1202室", 89.5, "王强"],
            ["测试小区/别墅A-12", 320.5, "刘洋"],
            ["测试小区 车位B2-088", 12.5, "王强"],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    assert listed(run_cli) == [
        ("3-2-1201", "张伟", 89.5),
        ("3-2-1202", "王强", 89.5),
        ("别墅A-12", "刘洋", 320.5),
        ("车位B2-088", "王强", 12.5),
    ]


def test_another_estates_name_before_a_unit_is_still_refused(run_cli: Any, tmp_path: Path) -> None:
    path = typed(
        tmp_path / "房产资料.xlsx",
        [
            ["房号", "建筑面积", "业主姓名"],
            ["幸福里-3栋-2单元-1201", 89.5, "张伟"],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 5, result.output
    assert "第 2 行 A 列（房号）：房号“幸福里-3栋-2单元-1201”无法识别" in result.output


def test_cells_marked_empty_are_empty(run_cli: Any, tmp_path: Path) -> None:
    """Other systems fill an empty cell with a mark: 无, 暂无, -, —, /, 未登记.  That is a blank cell, not a
    phone number to refuse, and never a tenant called 无."""
    path = typed(
        tmp_path / "房产资料.xlsx",
        [
            ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "入住日期", "租户", "租户电话", "状态"],
            ["3-2-1201", 89.5, "张伟", "无", "-", "/", "无", "—", "已交付"],
            ["3-2-1202", 89.5, "／", "——", "暂无", "--", "-", None, "空置"],
            ["3-2-1203", 89.5, "李四", "13912345678", "未登记", " 无 ", "赵磊", "暂无", "已交付"],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    shown = json.loads(run_cli("owners", "list", "--json").stdout)
    assert [(u["unit"], u["owner"], u["phone"], u["id_number"], u["move_in_date"], u["status"]) for u in shown] == [
        ("3-2-1201", "张伟", None, None, None, "已交付"),
        ("3-2-1202", None, None, None, None, "空置"),
        ("3-2-1203", "李四", "139****5678", None, None, "已交付"),
    ]
    contacts = json.loads(run_cli("owners", "contact", "list", "--json").stdout)
    assert [(c["unit"], c["name"], c["phone"]) for c in contacts] == [("3-2-1203", "赵磊", None)]


def test_a_csv_in_gbk_is_imported(run_cli: Any, tmp_path: Path) -> None:
    """A .csv as a Chinese Windows saves it (GBK), or as a system writes it (UTF-8 with a BOM): the same
    roster as an .xlsx, its ID numbers whole since a CSV keeps them as text."""
    import csv

    rows = [
        ["房屋编号", "建筑面积", "业主姓名", "联系电话", "身份证号", "房屋状态"],
        ["3栋2单元1201", "89.50", "张伟", "139 1234 5678", "110101199003071233", "已入住"],
        ["别墅A-12", "320.5㎡", "刘洋/陈静", "+86 136-0013-6000", "33010619850612004x", "已入住"],
        ["合计", "410.00", "", "", "", ""],
    ]
    for name, encoding in (("房产资料.csv", "gbk"), ("房产资料-utf8.CSV", "utf-8-sig")):
        with (tmp_path / name).open("w", encoding=encoding, newline="") as stream:
            csv.writer(stream).writerows(rows)
        result = run_cli("owners", "import", str(tmp_path / name))
        assert result.exit_code == 0, result.output
        assert "共 2 行" in result.stdout
    shown = json.loads(run_cli("owners", "list", "--json", "--show-private").stdout)
    assert [(u["unit"], u["owner"], u["phone"], u["id_number"], u["area"]) for u in shown] == [
        ("3-2-1201", "张伟", "13912345678", "110101199003071233", 89.5),
        ("别墅A-12", "刘洋", "13600136000", "33010619850612004X", 320.5),
    ]
    assert co_owners_of(run_cli, "别墅A-12") == ["陈静"]


def test_a_csv_in_another_encoding_is_refused_in_words(run_cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "房产资料.csv"
    path.write_bytes("房号,建筑面积\n3-2-1201,89.5\n".encode("utf-16"))
    result = run_cli("owners", "import", str(path))
    assert result.exit_code == 5, result.output
    assert result.output == (
        "错误：房产资料.csv 不是 UTF-8 或 GBK 编码的 CSV 文件，读不出来：请在 Excel/WPS 中打开，"
        "“另存为” Excel 工作簿（*.xlsx）后再试\n"
    )


def test_an_id_number_a_csv_holds_as_excel_showed_it_is_refused_for_what_it_is(run_cli: Any, tmp_path: Path) -> None:
    """Saved from Excel as CSV, an ID number kept as a number is written as Excel showed it: 1.10101E+17."""
    path = tmp_path / "房产资料.csv"
    path.write_bytes("房号,建筑面积,业主姓名,身份证号\n3-2-1201,89.5,张伟,1.10101E+17\n".encode("gbk"))
    result = run_cli("owners", "import", str(path))
    assert result.exit_code == 5, result.output
    assert "第 2 行 D 列（身份证号）：身份证号被 Excel 存成了数字，15 位以后的数字已经丢失" in result.output


def test_columns_named_alike_under_owner_and_tenant_groups_are_told_apart(run_cli: Any, tmp_path: Path) -> None:
    """A two-row header whose second row says only 姓名 and 电话, under 业主信息 and again under 租户信息
    (merged over their columns): the first pair is the owner's, the second the tenant's, none left unread."""
    path = typed(
        tmp_path / "房产资料.xlsx",
        [
            ["房屋信息", None, "业主信息", None, "租户信息", None],
            ["房号", "面积", "姓名", "电话", "姓名", "电话"],
            ["3-2-1201", 89.5, "张伟", "13912345678", "赵磊", "13700137000"],
            ["3-2-1202", 89.5, "王强", "13900139000", None, None],
        ],
        merged=("A1:B1", "C1:D1", "E1:F1"),
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    assert "未读取的列" not in result.stdout
    shown = json.loads(run_cli("owners", "list", "--json", "--show-private").stdout)
    assert [(u["unit"], u["owner"], u["phone"]) for u in shown] == [
        ("3-2-1201", "张伟", "13912345678"),
        ("3-2-1202", "王强", "13900139000"),
    ]
    contacts = json.loads(run_cli("owners", "contact", "list", "--json", "--show-private").stdout)
    assert [(c["unit"], c["name"], c["relation"], c["phone"]) for c in contacts] == [
        ("3-2-1201", "赵磊", "租户", "13700137000")
    ]


def test_an_owner_written_without_the_id_number_on_another_row_is_one_owner(run_cli: Any, tmp_path: Path) -> None:
    """Exports give a parking space's row the owner's name and phone but not the ID number: with the same
    name and phone as one owner known by ID number, it is that owner (one owner holding both), while a
    namesake with another phone stays another person."""
    path = export_sheet(
        tmp_path / "房产资料.xlsx",
        [
            ["3-2-1202", 89.5, "已入住", "王强", "13900139000", "110101199003071006"],
            ["车位B2-088", 12.5, "已售", "王强", "139-0013-9000", None],
            ["车位B2-089", 12.5, "已售", "王强", "13700137000", None],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    assert "新增业主 2 人" in result.stdout
    shown = run_cli("owners", "show", "车位B2-088", "--json")
    assert json.loads(shown.stdout)["units_held"] == ["3-2-1202", "车位B2-088"]
    shown = run_cli("owners", "show", "车位B2-089", "--json")
    assert json.loads(shown.stdout)["units_held"] == ["车位B2-089"]


def test_a_notice_to_the_whole_estate_skips_parking_spaces_and_storerooms(run_cli: Any, tmp_path: Path) -> None:
    """A parking space or a storeroom an export calls 自用 (in use) is 已入住, but nobody lives there: a
    温馨提示 to the whole estate goes to the flat, the villa and the shop, not to the parking space; one
    addressed to the parking space by --unit is still printed."""
    path = export_sheet(
        tmp_path / "房产资料.xlsx",
        [
            ["3-2-1201", 89.5, "已入住", "张伟", "13912345678", None],
            ["别墅A-12", 320.5, "已入住", "刘洋", "13600136000", None],
            ["商铺S-103", 60, "自用", "孙丽", "13500135000", None],
            ["车位B2-088", 12.5, "自用", "张伟", "13912345678", None],
            ["储藏室12", 8, "已入住", "刘洋", "13600136000", None],
        ],
    )
    assert run_cli("owners", "import", path).exit_code == 0
    result = run_cli("notice", "make", "温馨提示", "--all", "--set", "提示内容=冬季请关好门窗")
    assert result.exit_code == 0, result.output
    assert "已生成温馨提示 3 份" in result.stdout
    listed_docs = json.loads(run_cli("docs", "list", "--json").stdout)
    assert sorted(d["subject"] for d in listed_docs if d["path"].endswith(".docx")) == [
        "3-2-1201",
        "别墅A-12",
        "商铺S-103",
    ]
    result = run_cli("notice", "make", "温馨提示", "--unit", "车位B2-088", "--set", "提示内容=请勿堆放杂物")
    assert result.exit_code == 0, result.output
    assert "已生成温馨提示 1 份" in result.stdout


def test_a_date_cell_holding_excel_s_day_number_is_that_day(run_cli: Any, tmp_path: Path) -> None:
    """A system that writes a date column as plain numbers leaves Excel's day count in the cell (43952,
    shown as a date only when formatted): it is that day (2020-05-01 is day 43952 counted from
    1899-12-30), not a cell to refuse as 无法识别.  20200501 typed as a number is still read as written."""
    path = typed(
        tmp_path / "房产资料.xlsx",
        [
            ["房号", "建筑面积", "业主姓名", "入住日期"],
            ["3-2-1201", 89.5, "张伟", 43952],
            ["3-2-1202", 89.5, "王强", 20210305],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    shown = json.loads(run_cli("owners", "list", "--json").stdout)
    assert [(u["unit"], u["move_in_date"]) for u in shown] == [("3-2-1201", "2020-05-01"), ("3-2-1202", "2021-03-05")]


#: Another system's export as it comes: a title row, a date row, the header on row 3, units, a 合计 row.
FOOTED_EXPORT: list[list[Any]] = [
    ["春江花园业主名册", None, None, None, None],
    ["导出日期：2026-11-30", None, None, None, None],
    ["楼号", "单元号", "房间号", "建筑面积", "业主姓名"],
    ["3号楼", "2单元", "1301", "89.5", "刘一"],
    ["3号楼", "2单元", "1302", "89.5", "吴三"],
    ["合计", None, None, "179", None],
]


@pytest.mark.parametrize(
    "footer",
    [
        [["制表人：李文    审核：王经理    打印日期：2026-11-30", None, None, None, None]],
        [["制表人：", "李文", "审核：", "王经理", "打印日期：2026-11-30"]],
        [["制表", "李文", None, "复核", "王经理"], ["打印人：张敏", None, None, None, None]],
        [
            ["备注：本表由物业系统导出，仅供内部使用", None, None, None, None],
            ["注：面积以产权证为准", None, None, None, None],
        ],
        [["说明：", "空置房未列出", None, None, None]],
    ],
)
@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_a_footer_under_an_export_s_data_is_left_out_and_said(
    run_cli: Any, tmp_path: Path, footer: list[list[Any]], form: str
) -> None:
    """A footer under the data of another system's export (制表人、审核、打印日期, 备注/说明/注：…, in the first cell
    or spread over several) was read as a unit and refused, the whole import stopping; it ends the data, is left out
    and is named in a 提醒 line as the 合计 row is."""
    import csv

    rows = [*FOOTED_EXPORT, *footer]
    if form == "xlsx":
        path = typed(tmp_path / "业主名册.xlsx", rows)
    else:
        path = str(tmp_path / "业主名册.csv")
        with open(path, "w", encoding="gbk", newline="") as stream:
            csv.writer(stream).writerows([["" if cell is None else cell for cell in row] for row in rows])
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    assert "导入完成：共 2 行；新增房屋 2 户" in result.stdout
    assert "提醒：第 6 行是合计/小计行，不是房屋，没有导入" in result.stdout
    footer_rows = "、".join(str(7 + i) for i in range(len(footer)))
    assert f"提醒：第 {footer_rows} 行是表尾（制表人、审核、备注、说明等），不是房屋，没有导入" in result.stdout
    assert listed(run_cli) == [("3-2-1301", "刘一", 89.5), ("3-2-1302", "吴三", 89.5)]


def test_a_footer_line_between_unit_rows_is_refused_by_row_and_column(run_cli: Any, tmp_path: Path) -> None:
    """A 备注 line with units under it does not end the data, nor is it a unit: it is refused by its row and column,
    as the clerk wrote it, and nothing is imported (no unit under it is dropped without a word)."""
    path = typed(
        tmp_path / "业主名册.xlsx",
        [
            *FOOTED_EXPORT[:4],
            [None, "备注：以下为二单元", None, None, None],
            ["3号楼", "2单元", "1302", "89.5", "吴三"],
            ["制表人：李文", None, None, None, None],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 5, result.output
    assert "第 5 行 B 列（单元号）：“备注：以下为二单元”是表尾的说明行，但它下面还有房屋行" in result.output
    assert "没有导入任何数据" in result.output
    assert listed(run_cli) == []


def test_a_footer_in_a_column_the_import_does_not_read_is_said_as_one_in_a_read_column(
    run_cli: Any, tmp_path: Path
) -> None:
    """A footer standing only in a column nothing reads (客户编号, 备注) was skipped without a word, while one in a read
    column got its 提醒: one rule for both, the same 提醒, and between units the same refusal."""
    header = ["客户编号", "楼号", "单元号", "房间号", "建筑面积", "业主姓名", "备注"]
    units_rows = [
        ["K1", "3号楼", "2单元", "1301", "89.5", "刘一", None],
        ["K2", "3号楼", "2单元", "1302", "89.5", "吴三", None],
    ]
    path = typed(
        tmp_path / "业主名册.xlsx",
        [
            header,
            *units_rows,
            ["制表人：李文", None, None, None, None, None, None],
            [None, "审核：王经理", None, None, None, None, None],
            [None, None, None, None, None, None, "打印日期：2026-11-30"],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    assert "导入完成：共 2 行；新增房屋 2 户" in result.stdout
    assert "提醒：第 4、5、6 行是表尾（制表人、审核、备注、说明等），不是房屋，没有导入" in result.stdout
    between = typed(
        tmp_path / "夹在中间.xlsx",
        [header, units_rows[0], ["备注：以下为二单元", None, None, None, None, None, None], units_rows[1]],
    )
    result = run_cli("owners", "import", between)
    assert result.exit_code == 5, result.output
    assert "第 3 行 A 列：“备注：以下为二单元”是表尾的说明行，但它下面还有房屋行（第 4 行）" in result.output


def test_a_csv_room_written_as_a_number_with_decimals_is_that_room(run_cli: Any, tmp_path: Path) -> None:
    """A CSV pandas or another system wrote holds a room number as 101.0 or 1201.00: it was refused as
    房号“101.0”无效, though the number cell 101.0 of an .xlsx is room 101; it is that room, a villa's too, and
    101.5 is still refused by its row and column."""
    path = tmp_path / "业主名册.csv"
    path.write_bytes(
        "楼号,单元号,房间号,建筑面积,业主姓名\n3.0,2.0,101.0,89.5,刘一\n3,2,1201.00,89.5,吴三\n别墅,,12.0,320.5,孙丽\n".encode(
            "gbk"
        )
    )
    result = run_cli("owners", "import", str(path))
    assert result.exit_code == 0, result.output
    assert listed(run_cli) == [("3-2-101", "刘一", 89.5), ("3-2-1201", "吴三", 89.5), ("别墅12", "孙丽", 320.5)]
    path.write_bytes("楼号,单元号,房间号,建筑面积,业主姓名\n3,2,101.5,89.5,刘一\n".encode("gbk"))
    result = run_cli("owners", "import", str(path))
    assert result.exit_code == 5, result.output
    assert "第 2 行 C 列（房间号）：房号“101.5”无效，应为数字，末尾可带一个字母，例如 1201 或 1201A" in result.output


def test_a_csv_date_cell_holding_excel_s_day_number_is_that_day(run_cli: Any, tmp_path: Path) -> None:
    """A CSV saved from Excel keeps a date column written as plain numbers as its day numbers (44562): it was
    refused as 无法识别, though the same number in an .xlsx is that day (2022-01-01); it is that day, and a number
    that is no day number (2026, 12) is still refused by its row and column."""
    path = tmp_path / "业主名册.csv"
    rows = "房号,建筑面积,业主姓名,入住日期\n3-2-1201,89.5,张伟,44562\n3-2-1202,89.5,王强,20210305\n"
    path.write_bytes(rows.encode("gbk"))
    result = run_cli("owners", "import", str(path))
    assert result.exit_code == 0, result.output
    shown = json.loads(run_cli("owners", "list", "--json").stdout)
    assert [(u["unit"], u["move_in_date"]) for u in shown] == [("3-2-1201", "2022-01-01"), ("3-2-1202", "2021-03-05")]
    path.write_bytes("房号,建筑面积,业主姓名,入住日期\n3-2-1201,89.5,张伟,2026\n3-2-1202,89.5,王强,12\n".encode("gbk"))
    result = run_cli("owners", "import", str(path))
    assert result.exit_code == 5, result.output
    assert "第 2 行 D 列（入住日期）：“2026”无法识别" in result.output
    assert "第 3 行 D 列（入住日期）：“12”无法识别" in result.output


def test_a_refused_cell_is_quoted_as_the_clerk_typed_it(run_cli: Any, tmp_path: Path) -> None:
    """A refused cell was quoted after folding (3栋２单元：1201 shown as 3栋2单元:1201, a full-width phone as
    half-width): the clerk searching the sheet for the text shown found nothing.  Each is quoted as typed."""
    path = tmp_path / "业主名册.csv"
    rows = [
        "房号,建筑面积,业主姓名,联系电话,分期,关系",
        "3栋２单元：1201,89.5,张三,,,",
        "3-2-1202,89.5,王强,１３９１２３４（微信）,,",
        "3-2-1203,89.5,赵六,,Ｂ２,",
        "3-2-1202,,吴芳，郑丽,,,共有人",
    ]
    path.write_bytes("\n".join(rows).encode("gbk"))
    result = run_cli("owners", "import", str(path))
    assert result.exit_code == 5, result.output
    assert "第 2 行 A 列（房号）：房号“3栋２单元：1201”中的房号" in result.output
    assert "第 3 行 D 列（联系电话）：联系电话“１３９１２３４（微信）”不是有效的手机号或固定电话" in result.output
    assert "第 4 行 E 列（分期）：分期“Ｂ２”无效，应写分区名称" in result.output
    assert "第 5 行 C 列（业主姓名）：一行只写一位共有人：请把“吴芳，郑丽”每人各写一行" in result.output


def test_an_owner_without_an_id_number_whose_phone_changed_is_the_same_owner(run_cli: Any, tmp_path: Path) -> None:
    """张伟 (no ID number) holds 3-2-1201 and a parking space; next month's export gives him a new phone.  The import
    made a new 张伟 and deleted the old record (his history on a deleted person): now he is kept, his phone changed,
    and the summary says so, masked — 将改 on a trial.  王强's namesake on another unit, with another phone, and a
    row with an ID number are still other people."""
    first = export_sheet(
        tmp_path / "十一月.xlsx",
        [
            ["3-2-1201", 89.5, "已入住", "张伟", "13912345678", None],
            ["车位B2-088", 12.5, "已售", "张伟", "13912345678", None],
            ["3-2-1202", 89.5, "已入住", "王强", "13900139000", None],
        ],
    )
    assert run_cli("owners", "import", first).exit_code == 0
    path = export_sheet(
        tmp_path / "十二月.xlsx",
        [
            ["3-2-1201", 89.5, "已入住", "张伟", "138 1234 5678", None],
            ["车位B2-088", 12.5, "已售", "张伟", "13812345678", None],
            ["3-2-1202", 89.5, "已入住", "王强", "13900139000", None],
            ["车位B2-089", 12.5, "已售", "王强", "13700137000", None],
        ],
    )
    trial = run_cli("owners", "import", path, "--dry-run")
    assert trial.exit_code == 0, trial.output
    assert "新增业主 1 人，更新业主 1 人\n" in trial.stdout
    assert "电话将改：张伟（3-2-1201 的业主、车位B2-088 的业主）139****5678 → 138****5678\n" in trial.stdout
    assert "删除" not in trial.stdout
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    assert "电话已改：张伟（3-2-1201 的业主、车位B2-088 的业主）139****5678 → 138****5678\n" in result.stdout
    assert "删除" not in result.stdout
    journal = json.loads(run_cli("journal", "list", "--json").stdout)
    actions = [e["action"] for e in journal if e["action"].startswith("owner.")]
    assert actions.count("owner.update") == 1 and "owner.delete" not in actions
    shown = json.loads(run_cli("owners", "show", "车位B2-088", "--json", "--show-private").stdout)
    assert (shown["owner"], shown["phone"], shown["units_held"]) == ("张伟", "13812345678", ["3-2-1201", "车位B2-088"])
    shown = json.loads(run_cli("owners", "show", "车位B2-089", "--json").stdout)
    assert (shown["owner"], shown["units_held"]) == ("王强", ["车位B2-089"])
    again = run_cli("owners", "import", path)
    assert again.exit_code == 0 and "电话" not in again.stdout
    numbered = export_sheet(
        tmp_path / "有身份证号.xlsx", [["3-2-1201", 89.5, "已入住", "张伟", "13600136000", "110101199003071233"]]
    )
    other = run_cli("owners", "import", numbered)
    assert other.exit_code == 0, other.output
    assert "新增业主 1 人" in other.stdout and "电话" not in other.stdout


def test_an_owner_without_an_id_number_given_his_old_and_new_phone_is_refused(run_cli: Any, tmp_path: Path) -> None:
    """The same 张伟 (no ID number) with his new phone on 3-2-1201 and his old one on his parking space: one person
    written two ways, refused at the second cell, nothing imported.  A co-owner's 共有人 row with a new phone is the
    co-owner, kept."""
    first = export_sheet(
        tmp_path / "十一月.xlsx",
        [
            ["3-2-1201", 89.5, "已入住", "张伟", "13912345678", None],
            ["车位B2-088", 12.5, "已售", "张伟", "13912345678", None],
        ],
    )
    assert run_cli("owners", "import", first).exit_code == 0
    path = export_sheet(
        tmp_path / "十二月.xlsx",
        [
            ["3-2-1201", 89.5, "已入住", "张伟", "13812345678", None],
            ["车位B2-088", 12.5, "已售", "张伟", "13912345678", None],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 5, result.output
    assert (
        "第 6 行 E 列（联系电话）：与第 5 行是同一位业主“张伟”（没有证件号码），但电话不同：请核对后写成一样的"
        in result.output
    )
    shown = json.loads(run_cli("owners", "show", "3-2-1201", "--json", "--show-private").stdout)
    assert shown["phone"] == "13912345678"
    rows = [
        ["房号", "建筑面积", "业主姓名", "联系电话", "关系"],
        ["3-2-1201", 89.5, "张伟", "13912345678", "业主"],
        ["3-2-1201", None, "李娜", "13700137000", "共有人"],
    ]
    assert run_cli("owners", "import", typed(tmp_path / "共有人.xlsx", rows)).exit_code == 0
    rows[2][3] = "13600136000"
    result = run_cli("owners", "import", typed(tmp_path / "共有人2.xlsx", rows))
    assert result.exit_code == 0, result.output
    assert "新增业主 0 人，更新业主 1 人\n" in result.stdout
    assert "电话已改：李娜（3-2-1201 的共有人）137****7000 → 136****6000\n" in result.stdout


def test_a_villa_numbered_like_a_flat_in_a_high_rise_is_refused(run_cli: Any, tmp_path: Path) -> None:
    """An export with a 类型 column: 别墅 beside 3-2-1201 (a flat's code, 楼栋-单元-房号 on the 12th floor) was imported as
    villa 别墅3-2-1201, a unit nobody has; it is refused at the row like 别墅 beside 3栋2单元1201室, and so is 别墅 beside
    楼栋 3, 单元 2, 房号 1201.  Villas numbered as this project numbers them (A-12, 12) import."""
    heading: list[list[Any]] = [
        ["春江花园房产资料一览表"],
        ["房屋信息", None, None, "业主姓名", "联系电话"],
        ["类型", "房屋编号", "建筑面积", None, None],
    ]
    path = typed(
        tmp_path / "房产资料.xlsx",
        [
            *heading,
            ["别墅", "3-2-1201", 300, "赵强", "13612345678"],
            ["别墅", "3栋2单元1201室", 300, "钱多多", "13522223333"],
            ["独栋别墅", "A-12", 320, "孙丽", "13700137000"],
        ],
        merged=("A1:E1", "A2:C2", "D2:D3", "E2:E3"),
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 5, result.output
    assert result.stderr.splitlines() == [
        "错误：房产资料.xlsx 有 2 处错误，没有导入任何数据",
        "  第 4 行 A 列（类型）：类型“别墅”与房屋编号“3-2-1201”不一致：这是住宅（3-2-1201），不是别墅",
        "  第 5 行 A 列（类型）：类型“别墅”与房屋编号“3栋2单元1201室”不一致：这是住宅（3-2-1201），不是别墅",
    ]
    assert listed(run_cli) == []
    parts = typed(
        tmp_path / "分列.xlsx",
        [
            ["类型", "楼栋", "单元", "房号", "建筑面积", "业主姓名"],
            ["别墅", 3, 2, 1201, 300, "赵强"],
            ["别墅", None, None, 12, 300, "钱多多"],
        ],
    )
    result = run_cli("owners", "import", parts)
    assert result.exit_code == 5, result.output
    assert result.stderr.splitlines() == [
        "错误：分列.xlsx 有 1 处错误，没有导入任何数据",
        "  第 2 行 A 列（类型）：类型“别墅”与楼栋“3”、单元“2”、房号“1201”不一致：这是住宅（3-2-1201），不是别墅",
    ]
    in_building = typed(
        tmp_path / "楼号.xlsx", [["楼号", "房间", "业主姓名", "面积"], ["别墅", "3-2-1201", "赵强", 300]]
    )
    result = run_cli("owners", "import", in_building)
    assert result.exit_code == 5, result.output
    assert "第 2 行 A 列（楼号）：楼栋“别墅”与房间“3-2-1201”不一致：这是住宅（3-2-1201），不是别墅" in result.stderr
    good = typed(
        tmp_path / "别墅.xlsx",
        [*heading, ["独栋别墅", "A-12", 320, "孙丽", "13700137000"], ["别墅", "12", 300, "赵强", "13612345678"]],
        merged=("A1:E1", "A2:C2", "D2:D3", "E2:E3"),
    )
    result = run_cli("owners", "import", good)
    assert result.exit_code == 0, result.output
    assert listed(run_cli) == [("别墅12", "赵强", 300.0), ("别墅A-12", "孙丽", 320.0)]


def test_people_before_a_company_without_its_trade_name_are_refused(run_cli: Any, tmp_path: Path) -> None:
    """王芳、李四、餐饮有限公司 was kept whole as one owner of that name: no reading makes it one (王芳 is a person; 李四
    and the company are 李四餐饮有限公司 written with a 、, or 李四 and a company whose name lacks its 字号).  It is
    refused at its cell, in an owner cell as in a 共有人 cell, nothing imported; written with the company's whole name
    it is split as 王芳、李四 is, and 张三、餐饮有限公司 (maybe one company) is still kept whole with a warning."""
    path = export_sheet(
        tmp_path / "房产资料.xlsx",
        [
            ["商铺S-101", 60, "已出租", "王芳、李四、餐饮有限公司", "0755-86661234", None],
            ["商铺S-102", 60, "已出租", "王芳、丰餐饮有限公司、李四", "0755-86665678", None],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 5, result.output
    assert result.stderr.splitlines() == [
        "错误：房产资料.xlsx 有 2 处错误，没有导入任何数据",
        "  第 5 行 D 列（业主姓名）：“王芳、李四、餐饮有限公司”不是一个人或一家单位的名称：“餐饮有限公司”前面没有字号，"
        "不是单位的全称（可能与前面的“李四”是一家单位，也可能是另一家单位）；请写上这家单位的全称，几位之间用“、”分开",
        "  第 6 行 D 列（业主姓名）：“王芳、丰餐饮有限公司、李四”不是一个人或一家单位的名称：“丰餐饮有限公司”的字号只有一个字，"
        "不是单位的全称（可能与前面的“王芳”是一家单位，也可能是另一家单位）；请写上这家单位的全称，几位之间用“、”分开",
    ]
    assert listed(run_cli) == []
    column = typed(
        tmp_path / "共有人.xlsx",
        [["房屋编号", "建筑面积", "业主姓名", "共有人"], ["商铺S-104", 60, "赵强", "王芳、李四、餐饮有限公司"]],
    )
    result = run_cli("owners", "import", column)
    assert result.exit_code == 5, result.output
    assert "第 2 行 D 列（共有人）：“王芳、李四、餐饮有限公司”不是一个人或一家单位的名称" in result.stderr
    fixed = export_sheet(
        tmp_path / "改正.xlsx",
        [
            ["商铺S-101", 60, "已出租", "王芳、李四、幸福里餐饮有限公司", "0755-86661234", None],
            ["商铺S-102", 60, "已出租", "张三、餐饮有限公司", "0755-86665678", None],
        ],
    )
    result = run_cli("owners", "import", fixed)
    assert result.exit_code == 0, result.output
    assert listed(run_cli) == [("商铺S-101", "王芳", 60.0), ("商铺S-102", "张三、餐饮有限公司", 60.0)]
    assert co_owners_of(run_cli, "商铺S-101") == ["李四", "幸福里餐饮有限公司"]
    assert "提醒：第 6 行（业主姓名）：“张三、餐饮有限公司”可能是一家单位，也可能是两位业主" in result.stdout


def test_an_id_number_of_another_unit_s_contact_is_refused_unless_the_same_person(run_cli: Any, tmp_path: Path) -> None:
    """赵磊 rents 3-2-1201, registered with his ID number; an export gives that number to 孙七, owner of 6-1-101.  It
    was imported unchecked (one number, two people; 孙七's papers would print 赵磊's number): it is refused at the
    cell, naming the other unit and its contact, number masked, nothing imported.  赵磊 himself owning 6-1-101 is the
    same person: imported."""
    first = export_sheet(
        tmp_path / "十一月.xlsx", [["3-2-1201", 89.5, "已入住", "张伟", "13912345678", "110101199003071233"]]
    )
    assert run_cli("owners", "import", first).exit_code == 0
    added = run_cli(
        "owners", "contact", "add", "3-2-1201", "赵磊", "--relation", "租户", "--id-number", "110101199003071006"
    )
    assert added.exit_code == 0, added.output
    path = export_sheet(
        tmp_path / "十二月.xlsx",
        [
            ["3-2-1201", 89.5, "已入住", "张伟", "13912345678", "110101199003071233"],
            ["6-1-101", 90, "已入住", "孙七", "13700137000", "110101199003071006"],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 5, result.output
    assert result.stderr.splitlines() == [
        "错误：有 1 位业主的证件号码与另一户的联系人的相同，没有导入任何数据",
        "  第 6 行 F 列（身份证号）：业主的证件号码 110101********1006 与 3-2-1201 的联系人“赵磊”（租户）的相同："
        "核对这一格；是联系人登记错了的，先改正联系人（recordkit owners contact edit 1 --id-number 正确的号码）再导入",
    ]
    assert [unit for unit, _, _ in listed(run_cli)] == ["3-2-1201"]
    same = export_sheet(
        tmp_path / "同一人.xlsx", [["6-1-101", 90, "已入住", "赵磊", "13700137000", "110101199003071006"]]
    )
    result = run_cli("owners", "import", same)
    assert result.exit_code == 0, result.output
    assert listed(run_cli) == [("3-2-1201", "张伟", 89.5), ("6-1-101", "赵磊", 90.0)]


def test_an_owner_without_an_id_number_given_a_phone_is_the_same_owner(run_cli: Any, tmp_path: Path) -> None:
    """王强 came without an ID number nor a phone; the next export gives his phone.  The import made a new 王强 and
    deleted the old record: he is kept, the phone his (an addition, no 电话已改 line)."""
    first = export_sheet(tmp_path / "十一月.xlsx", [["3-2-1301", 120, "已交付", "王强", None, None]])
    assert run_cli("owners", "import", first).exit_code == 0
    path = export_sheet(tmp_path / "十二月.xlsx", [["3-2-1301", 120, "已交付", "王强", "13900139000", None]])
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    assert "新增业主 0 人，更新业主 1 人\n" in result.stdout
    assert "删除" not in result.stdout and "电话" not in result.stdout
    shown = json.loads(run_cli("owners", "show", "3-2-1301", "--json").stdout)
    assert (shown["owner"], shown["phone"]) == ("王强", "139****9000")


def test_a_company_without_its_trade_name_written_first_is_kept_whole_as_written_after(
    run_cli: Any, tmp_path: Path
) -> None:
    """餐饮有限公司、王芳 was split into owner 餐饮有限公司 and co-owner 王芳 without a word, while 王芳、餐饮有限公司 was kept
    whole with a warning: one rule, whichever order — kept whole as written, warned of at its cell; with another name
    beside them refused, saying which name it may go with; ``owners contact add`` keeps it whole and says so."""
    path = export_sheet(
        tmp_path / "房产资料.xlsx",
        [
            ["商铺S-101", 60, "已出租", "餐饮有限公司、王芳", "0755-86661234", None],
            ["商铺S-102", 60, "已出租", "王芳、餐饮有限公司", "0755-86665678", None],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 0, result.output
    kept = "已按一位业主原样导入，请核对这一格（是一家单位的写成全称，是两位业主的写上这家单位的全称）"
    assert [line for line in result.stdout.splitlines() if line.startswith("提醒")] == [
        "提醒：第 5 行（业主姓名）：“餐饮有限公司、王芳”可能是一家单位，也可能是两位业主：“餐饮有限公司”前面没有字号，"
        "不是单位的全称；" + kept,
        "提醒：第 6 行（业主姓名）：“王芳、餐饮有限公司”可能是一家单位，也可能是两位业主：“餐饮有限公司”前面没有字号，"
        "不是单位的全称；" + kept,
    ]
    assert listed(run_cli) == [("商铺S-101", "餐饮有限公司、王芳", 60.0), ("商铺S-102", "王芳、餐饮有限公司", 60.0)]
    assert co_owners_of(run_cli, "商铺S-101") == []
    three = export_sheet(
        tmp_path / "三位.xlsx", [["商铺S-103", 60, "已出租", "丰餐饮有限公司、王芳、李四", "0755-86669999", None]]
    )
    result = run_cli("owners", "import", three)
    assert result.exit_code == 5, result.output
    assert result.stderr.splitlines()[1:] == [
        "  第 5 行 D 列（业主姓名）：“丰餐饮有限公司、王芳、李四”不是一个人或一家单位的名称：“丰餐饮有限公司”的字号只有一个字，"
        "不是单位的全称（可能与后面的“王芳”是一家单位，也可能是另一家单位）；请写上这家单位的全称，几位之间用“、”分开",
    ]
    added = run_cli("owners", "contact", "add", "商铺S-101", "物业服务中心、孙八", "--relation", "租户")
    assert added.exit_code == 0, added.output
    assert added.stdout.splitlines() == [
        "已添加 商铺S-101 的租户“物业服务中心、孙八”（联系人编号 1）",
        "提醒：“物业服务中心、孙八”可能是一家单位，也可能是两位租户：“物业服务中心”前面没有字号，不是单位的全称；"
        "已按一位租户原样添加，请核对姓名（是一家单位的用 recordkit owners contact edit 1 --name 写成全称，"
        "是两位租户的请写上这家单位的全称、一位一位分别添加）",
    ]
    # An older import's owner 餐饮有限公司 beside co-owner 王芳 (that cell split) is listed by doctor as 王芳 beside it is.
    rows = [
        ["房号", "建筑面积", "业主姓名", "关系"],
        ["商铺S-104", 60, "餐饮有限公司", "业主"],
        ["商铺S-104", None, "王芳", "共有人"],
    ]
    assert run_cli("owners", "import", typed(tmp_path / "两行.xlsx", rows)).exit_code == 0
    assert doctor_check(run_cli, "业主和联系人姓名")["detail"] == (
        "1 处相邻的两位业主写在一格里可能是一家单位（旧版本导入时把“张三、丰餐饮有限公司”这样的一格拆成了两位，现在的导入不拆）："
        "商铺S-104 业主 餐饮有限公司、共有人 王芳（即“餐饮有限公司、王芳”）"
    )


def test_an_owner_without_an_id_number_given_two_new_phones_is_refused(run_cli: Any, tmp_path: Path) -> None:
    """张伟 (no ID number) owns 3-2-1201 and a parking space; the roster gives him a new phone on each row, not the same
    one.  The first became his phone and the second row a new owner 张伟 holding the parking space; now it is one person
    written two ways, refused at the second row's phone cell as his old phone there is, nothing imported.  The same
    new phone on both rows is his new phone."""
    first = export_sheet(
        tmp_path / "十一月.xlsx",
        [
            ["3-2-1201", 89.5, "已入住", "张伟", "13912345678", None],
            ["车位B2-088", 12.5, "已售", "张伟", "13912345678", None],
        ],
    )
    assert run_cli("owners", "import", first).exit_code == 0
    path = export_sheet(
        tmp_path / "十二月.xlsx",
        [
            ["3-2-1201", 89.5, "已入住", "张伟", "13812345678", None],
            ["车位B2-088", 12.5, "已售", "张伟", "13712345678", None],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 5, result.output
    assert result.stderr.splitlines() == [
        "错误：有 1 处业主信息前后矛盾，没有导入任何数据",
        "  第 6 行 E 列（联系电话）：与第 5 行是同一位业主“张伟”（没有证件号码），但电话不同：请核对后写成一样的",
    ]
    owners = json.loads(run_cli("owners", "list", "--json", "--show-private").stdout)
    assert [(o["unit"], o["owner"], o["phone"]) for o in owners] == [
        ("3-2-1201", "张伟", "13912345678"),
        ("车位B2-088", "张伟", "13912345678"),
    ]
    same = export_sheet(
        tmp_path / "同一个.xlsx",
        [
            ["3-2-1201", 89.5, "已入住", "张伟", "13812345678", None],
            ["车位B2-088", 12.5, "已售", "张伟", "13812345678", None],
        ],
    )
    result = run_cli("owners", "import", same)
    assert result.exit_code == 0, result.output
    assert "新增业主 0 人，更新业主 1 人\n" in result.stdout


def test_doctor_lists_villas_an_older_version_numbered_like_flats(run_cli: Any, workspace: Any, tmp_path: Path) -> None:
    """Villas an older version imported from 别墅 beside a flat's code (别墅3-2-1202, which the import now refuses)
    passed doctor silently.  Its 房屋编号 line lists each as a 提醒 (exit 0), in the words of the import's refusal, with
    what to do; villas numbered as villas are (别墅12, 别墅A-12, 别墅3-12) are not listed."""
    import sqlalchemy as sa

    from recordkit.ledger.db import open_ledger

    rows = [
        ["房号", "建筑面积", "业主姓名"],
        ["3-2-1201", 89.5, "张伟"],
        ["别墅12", 300, "赵强"],
        ["别墅A-12", 320, "孙丽"],
        ["别墅3-12", 310, "钱多多"],
        ["二期·别墅8", 280, "李娜"],
    ]
    assert run_cli("owners", "import", typed(tmp_path / "名册.xlsx", rows)).exit_code == 0
    check = doctor_check(run_cli, "房屋编号")
    assert (check["ok"], check["detail"]) == (True, "没有编号是住宅房号的别墅")
    # As an older version kept them: 别墅 beside 3-2-1202, and beside 二期 3-1-301.
    with open_ledger(workspace.database_url) as ledger, ledger.write() as conn:
        for old, new in (("别墅12", "3-2-1202"), ("二期·别墅8", "3-1-301")):
            code = old.replace(old.split("别墅")[1], new)
            conn.execute(
                sa.text("UPDATE units SET code = :code, room = :room WHERE code = :old"),
                {"code": code, "room": new, "old": old},
            )
    assert doctor_check(run_cli, "房屋编号") == {
        "name": "房屋编号",
        "ok": False,
        "detail": "2 户别墅的编号是住宅的房号（旧版本导入了类型写着别墅的住宅房号，现在的导入不收）："
        "别墅3-2-1202：类型“别墅”与房屋编号“3-2-1202”不一致：这是住宅（3-2-1202），不是别墅；"
        "二期·别墅3-1-301：类型“别墅”与房屋编号“3-1-301”不一致：这是住宅（二期·3-1-301），不是别墅",
        "fix": "别墅的编号自成一套（12号别墅、别墅A12），不会是“楼栋-单元-楼层房号”。逐户核对：是住宅的，"
        "名册里按住宅写这一户（房号写住宅的房号，如 3-2-1202，类型写住宅或不写）再导入（recordkit owners import 名册.xlsx），"
        "以后收费、收据、文书都用住宅的房号；是别墅、编号写错了的，名册里写上它的别墅编号（如 12号别墅）再导入。"
        "台账里原来这条别墅记录改不了编号、也删不掉，已有的收费和收据仍记在它名下",
        "required": False,
    }


def doctor_check(run_cli: Any, name: str) -> dict[str, Any]:
    result = run_cli("doctor", "--json")
    assert result.exit_code == 0, result.output
    [check] = [c for c in json.loads(result.stdout) if c["name"] == name]
    return check


def test_a_phased_villa_numbered_like_a_flat_is_refused_naming_the_flat_in_its_phase(
    run_cli: Any, tmp_path: Path
) -> None:
    """别墅 beside 3-1-301 in 二期 was refused naming the flat 3-1-301, without its phase, while doctor names the villa
    an older version kept so, 二期·别墅3-1-301, the flat 二期·3-1-301: both now name it in its phase, in one wording."""
    path = typed(
        tmp_path / "二期.xlsx",
        [
            ["分期", "类型", "楼栋", "单元", "房号", "建筑面积", "业主姓名"],
            ["二期", "别墅", None, None, "3-1-301", 300, "赵强"],
            ["二期", "别墅", 3, 1, 302, 300, "钱多多"],
        ],
    )
    result = run_cli("owners", "import", path)
    assert result.exit_code == 5, result.output
    assert result.stderr.splitlines() == [
        "错误：二期.xlsx 有 2 处错误，没有导入任何数据",
        "  第 2 行 B 列（类型）：类型“别墅”与房号“3-1-301”不一致：这是住宅（二期·3-1-301），不是别墅",
        "  第 3 行 B 列（类型）：类型“别墅”与楼栋“3”、单元“1”、房号“302”不一致：这是住宅（二期·3-1-302），不是别墅",
    ]
    assert listed(run_cli) == []


@pytest.mark.parametrize("header", ["证件号码", "证件号", "身份证号码", "身份证号"])
def test_the_id_column_is_read_and_named_by_the_header_the_export_gives_it(
    run_cli: Any, tmp_path: Path, header: str
) -> None:
    """Other systems head the ID column 证件号码 or 证件号 beside a 证件类型 column as often as 身份证号: every spelling is
    read, and a problem names the column by the sheet's own header and letter (a masked number that stands for none
    of the ledger's was said as （身份证号） without a letter, whatever the sheet called it)."""
    heading = ["房号", "建筑面积", "业主姓名", "联系电话", "证件类型", header, "状态"]
    first = typed(
        tmp_path / "名册.xlsx",
        [
            heading,
            ["1-1-101", 89.5, "张伟", "13912345678", "居民身份证", "110101199003071233", "已入住"],
            ["1-1-102", 89.5, "John Smith", "13812345678", "护照", "E12345678", "已入住"],
        ],
    )
    imported = run_cli("owners", "import", first)
    assert imported.exit_code == 0, imported.output
    shown = {(u["unit"], u["id_type"]) for u in json.loads(run_cli("owners", "list", "--json").stdout)}
    assert shown == {("1-1-101", "居民身份证"), ("1-1-102", "护照")}
    wrong = typed(
        tmp_path / "名册2.xlsx",
        [
            heading,
            ["1-1-101", 89.5, "张伟", "13912345678", "居民身份证", "110101199003071234", "已入住"],
            ["1-1-102", 89.5, "John Smith", "13812345678", "护照", "E1", "已入住"],
        ],
    )
    refused = run_cli("owners", "import", wrong)
    assert (refused.exit_code, refused.stderr) == (
        5,
        "错误：名册2.xlsx 有 2 处错误，没有导入任何数据\n"
        f"  第 2 行 F 列（{header}）：身份证号校验位错误\n"
        f"  第 3 行 F 列（{header}）：护照号码“E1”应为 5 至 20 位字母或数字\n",
    )
    masked = typed(
        tmp_path / "名册3.xlsx",
        [heading, ["1-1-101", 89.5, "张伟", "13912345678", "居民身份证", "1101**********9999", "已入住"]],
    )
    refused = run_cli("owners", "import", masked)
    assert (refused.exit_code, refused.stderr.splitlines()[1:]) == (
        5,
        [f"  第 2 行 F 列（{header}）：“1101**********9999” 是打码的号码，与台账中的记录对不上；请填写完整号码"],
    )
