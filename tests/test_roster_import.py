"""Rosters the way other systems export them (issue 15): header aliases, --map, several sheets,
status words and codes, co-owners, family and tenant rows, placeholder numbers, exact errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from recordkit.core.config import RosterSettings
from recordkit.core.errors import ConfigError, ConflictError, NotFoundError, UsageError, ValidationError
from recordkit.core.workspace import Workspace
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.ledger.schema import HEAD_REVISION, unit_contacts
from recordkit.owners.contacts import (
    add_contact,
    co_owners_of,
    edit_contact,
    is_organisation,
    list_contacts,
    remove_contact,
    split_owner_names,
)
from recordkit.owners.roster import export_owners, import_owners, list_units, owners_split_now
from recordkit.owners.roster_sheet import parse_column_map, status_map
from tests.conftest import names_by_unit
from tests.revisions import mark_as_of

# The layout of a typical property system's 房产资料 export: a title row, building, entrance and
# room apart, its own names for the columns, status codes and words, and columns nobody reads.
OTHER_SYSTEM_HEADERS = (
    "客户编号",
    "楼栋编号",
    "单元编号",
    "房间",
    "建筑面积",
    "业主姓名",
    "联系电话",
    "房屋状态",
    "备注",
)
OTHER_SYSTEM_ROWS: list[list[Any]] = [
    ["K001", "1栋", "1单元", "101", 89.35, "张伟", "13812345678", "已入住", ""],
    ["K002", 1, 1, 102, 118.62, "李秀英", "13987654321", "已出售", "钥匙在前台"],
    ["K003", 1, 2, 201, 95.5, "王芳", "13700001111", "未入住", None],
    ["K004", 1, 2, 202, 95.5, None, None, "未入住", None],
    ["K005", 2, 1, 301, 120, "赵强", "13611112222", 2003, None],
    ["K006", 2, 1, 302, 120, None, None, 2001, None],
    ["K007", 2, 1, 303, 120, "钱多多", "13522223333", "已出租", None],
]


def workbook(path: Path, sheets: list[tuple[str, list[list[Any]]]], active: int = 0) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    book.active = active
    book.save(path)
    return path


def other_system_sheet(path: Path) -> Path:
    title = ["幸福里小区房产资料（导出时间 2026-11-20）"]
    return workbook(path, [("房产资料", [title, list(OTHER_SYSTEM_HEADERS), *OTHER_SYSTEM_ROWS])])


def statuses(ledger: Ledger) -> dict[str, tuple[str, str | None]]:
    return {v.to_dict()["unit"]: (v.to_dict()["status"], v.owner) for v in list_units(ledger)}


def problems_of(ledger: Ledger, path: Path, **options: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, path, "测试员", **options)
    with ledger.read() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM units")).scalar() == 0, "a bad sheet changes nothing"
    return [str(p) for p in caught.value.problems]


def test_another_systems_export_imports_as_shipped(ledger: Ledger, tmp_path: Path) -> None:
    summary = import_owners(ledger, other_system_sheet(tmp_path / "房产资料.xlsx"), "测试员")
    assert summary.sheet == "房产资料"
    assert summary.ignored_columns == ("客户编号", "备注")
    assert (summary.rows, summary.units_created, summary.owners_created) == (7, 7, 5)
    assert statuses(ledger) == {
        "1-1-101": ("已入住", "张伟"),
        "1-1-102": ("已交付", "李秀英"),
        # 未入住 with an owner is sold and delivered, not 空置 (no vacancy discount); without one it is.
        "1-2-201": ("已交付", "王芳"),
        "1-2-202": ("空置", None),
        "2-1-301": ("已入住", "赵强"),
        "2-1-302": ("空置", None),
        "2-1-303": ("已入住", "钱多多"),
    }


def test_an_estate_without_entrances_exports_building_and_room_only(ledger: Ledger, tmp_path: Path) -> None:
    # Multi-storey estates have no 单元: the export has 楼号 and 房间 and nothing between them.
    # Some systems put the kind of unit in the building column (楼号 “别墅”, 房间 “A12”).
    rows = [
        ["楼号", "房间", "业主姓名", "联系电话", "建筑面积", "房屋状态"],
        ["5栋", "1201", "王建国", "13912345678", 98.5, "已入住"],
        ["A座", 1202, "张伟", "13812345678", 88, "已入住"],
        ["九幢", "301室", "李秀兰", "13712345678", 90, "已入住"],
        ["别墅", "A12", "赵强", "13612345678", 300, "已入住"],
        ["商铺", "S-101", "钱多多", "13512345678", 60, "已入住"],
    ]
    summary = import_owners(ledger, workbook(tmp_path / "房产.xlsx", [("房产", rows)]), "测试员")
    assert (summary.rows, summary.units_created) == (5, 5)
    assert {view.code.display: (str(view.code), view.owner) for view in list_units(ledger)} == {
        "5栋1201室": ("5-1201", "王建国"),
        "A栋1202室": ("A-1202", "张伟"),
        "9栋301室": ("9-301", "李秀兰"),
        "A12号别墅": ("别墅A12", "赵强"),
        "商铺S-101": ("商铺S-101", "钱多多"),
    }


def test_an_empty_entrance_cell_in_an_entrance_column_is_still_an_error(ledger: Ledger, tmp_path: Path) -> None:
    rows = [
        list(OTHER_SYSTEM_HEADERS),
        OTHER_SYSTEM_ROWS[0],
        ["K009", "3栋", None, "101", 90, "孙丽", None, "已入住", ""],
    ]
    problems = problems_of(ledger, workbook(tmp_path / "房产.xlsx", [("房产", rows)]))
    assert problems == ["第 3 行 C 列（单元编号）：单元不能为空，请填写单元"]
    assert list_units(ledger) == []


def test_an_empty_entrance_cell_is_an_error_beside_a_kind_cell_naming_a_flat_too(
    ledger: Ledger, tmp_path: Path
) -> None:
    """With a 类型 column saying 住宅 (or 洋房), a blank 单元 cell made a unit without 单元 (5-1201) without a word, where
    the same row without the 类型 column is refused: one rule, refused either way."""
    rows = [
        ["分期", "类型", "楼号", "单元", "房间号", "建筑面积", "业主姓名"],
        ["二期", "住宅", "5栋", "1单元", "1201", 120, "郑丽"],
        ["二期", "住宅", "5栋", None, "1202", 120, "扎西"],
        ["二期", "洋房", "5栋", None, "1203", 120, "吴十"],
    ]
    assert problems_of(ledger, workbook(tmp_path / "房产.xlsx", [("房产", rows)])) == [
        "第 3 行 D 列（单元）：单元不能为空，请填写单元",
        "第 4 行 D 列（单元）：单元不能为空，请填写单元",
    ]
    # Without a 单元 column the buildings have none, 类型 or not.
    without = [[cell for index, cell in enumerate(row) if index != 3] for row in rows[:1] + rows[2:]]
    import_owners(ledger, workbook(tmp_path / "没有单元.xlsx", [("房产", without)]), "测试员")
    assert [view.to_dict()["unit"] for view in list_units(ledger)] == ["二期·5-1202", "二期·5-1203"]


def test_a_room_cell_holding_the_entrance_is_read_when_the_sheet_has_no_entrance_column(
    ledger: Ledger, tmp_path: Path
) -> None:
    """Exports that keep 楼号 apart but write 单元 and room in one cell (房间号 “2-1201”, “2单元1202室”) were refused
    row by row (房号“2-1201”无效).  Without a 单元 column such a cell is that 单元 and room; a room alone is still a
    building without 单元 (5栋 + 1201), 12-01 (floor and room?) is still refused, and so is a blank 单元 cell in a
    sheet with a 单元 column."""
    rows = [
        ["类型", "楼号", "房间号", "业主姓名", "建筑面积"],
        [None, "3栋", "2-1201", "王建国", 98.5],
        ["住宅", "3栋", "2单元1202室", "张伟", 98.5],
        [None, "3栋", "０２－１２０３", "李秀兰", 98.5],
        [None, "5栋", "1201", "赵强", 90],
    ]
    with_column = [["楼号", "单元", "房间号", "业主姓名", "建筑面积"], ["3栋", None, "2-1204", "钱多多", 98.5]]
    assert problems_of(ledger, workbook(tmp_path / "有单元.xlsx", [("房产", with_column)])) == [
        "第 2 行 B 列（单元）：单元不能为空，请填写单元"
    ]
    floor_and_room = [["楼号", "房间号", "业主姓名", "建筑面积"], ["5栋", "12-01", "钱多多", 98.5]]  # no 单元-房号
    assert problems_of(ledger, workbook(tmp_path / "楼层.xlsx", [("房产", floor_and_room)])) == [
        "第 2 行 B 列（房间号）：房号“12-01”无效，应为数字，末尾可带一个字母，例如 1201 或 1201A"
    ]
    summary = import_owners(ledger, workbook(tmp_path / "房产.xlsx", [("房产", rows)]), "测试员")
    assert summary.units_created == 4
    assert {str(view.code): view.owner for view in list_units(ledger)} == {
        "3-2-1201": "王建国",
        "3-2-1202": "张伟",
        "3-2-1203": "李秀兰",
        "5-1201": "赵强",
    }


def test_the_sheet_with_the_headers_is_read_and_named(ledger: Ledger, tmp_path: Path) -> None:
    rows = [list(OTHER_SYSTEM_HEADERS), *OTHER_SYSTEM_ROWS[:2]]
    path = workbook(
        tmp_path / "导出.xlsx",
        [("说明", [["本文件由物业系统导出"], ["请勿修改表头"]]), ("房产资料", rows), ("汇总", [["合计", 2]])],
    )
    summary = import_owners(ledger, path, "测试员")
    assert (summary.sheet, summary.units_created) == ("房产资料", 2)


def test_sheet_option_reads_the_named_sheet(ledger: Ledger, tmp_path: Path) -> None:
    first = [list(OTHER_SYSTEM_HEADERS), *OTHER_SYSTEM_ROWS[:2]]
    second = [list(OTHER_SYSTEM_HEADERS), *OTHER_SYSTEM_ROWS[4:7]]
    path = workbook(tmp_path / "两期.xlsx", [("一期", first), ("二期", second)])
    summary = import_owners(ledger, path, "测试员", sheet="二期")
    assert summary.sheet == "二期"
    assert sorted(statuses(ledger)) == ["2-1-301", "2-1-302", "2-1-303"]
    with pytest.raises(NotFoundError) as caught:
        import_owners(ledger, path, "测试员", sheet="三期")
    assert caught.value.message == "两期.xlsx 中没有名为“三期”的工作表（有：一期、二期）"


def test_a_missing_column_lists_the_accepted_spellings(ledger: Ledger, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "名册.xlsx", [("Sheet1", [["房屋代码", "建筑面积", "业主姓名"], ["1-1-101", 90, "张伟"]])]
    )
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, path, "测试员")
    assert caught.value.message == (
        "名册.xlsx 缺少表头：房号（读的是工作表“Sheet1”第 1 行的表头；表头应在前 10 行内）。可用的写法：房号（可写作：房号、房间号、"
        "门牌号、房屋编号、房屋、房间、位置、房间编号、房屋名称、房产名称、房号编码、房间名、房屋信息、房间全称、房屋全称）；其他写法请用 --map 表头=标准列名 指明，"
        "例如 --map 房间=房号"
    )
    assert not any(
        "a" <= ch.lower() <= "z"
        for ch in caught.value.message.replace("--map", "").replace(".xlsx", "").replace("Sheet1", "")
    )
    summary = import_owners(ledger, path, "测试员", column_map={"房屋代码": "房号"})
    assert (summary.units_created, summary.ignored_columns) == (1, ())


def test_map_takes_a_header_from_another_column(ledger: Ledger, tmp_path: Path) -> None:
    """“姓名” is read as the owner unless --map says it is the tenant."""
    rows = [["房号", "建筑面积", "业主", "姓名"], ["1-1-101", 90, "张伟", "赵磊"]]
    path = workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)])
    import_owners(ledger, path, "测试员", column_map={"姓名": "租户"})
    assert [(c.unit, c.record.name, c.record.relation) for c in list_contacts(ledger)] == [("1-1-101", "赵磊", "租户")]


def test_map_errors_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="--map 应写成 表头=标准列名，例如 --map 房间=房号（现在是“房间”）"):
        parse_column_map(["房间"])
    assert parse_column_map(["房间=房号", " 楼号 = 楼栋 "]) == {"房间": "房号", "楼号": "楼栋"}
    # one header said to be two columns: the first was silently overridden by the last
    with pytest.raises(UsageError, match="^--map 把表头“房间”写了两次（房间=房号、房间=楼栋）：一个表头只能对应一列$"):
        parse_column_map(["房间=房号", "房间 =楼栋"])
    assert parse_column_map(["房间=房号", "房间=房号"]) == {"房间": "房号"}
    # the full-width ＝ a Chinese input method types splits as = does (as --set's does)
    assert parse_column_map(["房间＝房号", "业主＝业主姓名"]) == {"房间": "房号", "业主": "业主姓名"}
    from recordkit.owners.roster_sheet import roster_columns

    with pytest.raises(UsageError, match="“房间=门牌”：门牌 不是可用的列名"):
        roster_columns({"房间": "门牌"})


def test_configured_status_words_and_codes(ledger: Ledger, tmp_path: Path) -> None:
    rows = [["房号", "建筑面积", "业主姓名", "房态"], ["1-1-101", 90, "张伟", 9], ["1-1-102", 90, "李四", "已收楼"]]
    path = workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)])
    assert problems_of(ledger, path) == [
        "第 2 行 D 列（房态）：“9” 不是有效状态，应为 已入住、空置 或 已交付（也认 已出售、已出租、未销售、空闲 等）",
        "第 3 行 D 列（房态）：“已收楼” 不是有效状态，应为 已入住、空置 或 已交付（也认 已出售、已出租、未销售、空闲 等）",
    ]
    words = status_map({"9": "空置", "已收楼": "已交付"})
    import_owners(ledger, path, "测试员", status_words=words)
    assert statuses(ledger) == {"1-1-101": ("空置", "张伟"), "1-1-102": ("已交付", "李四")}
    with pytest.raises(ConfigError, match="roster.status_map 中“9”对应的“闲置”不是有效状态"):
        status_map({"9": "闲置"})
    assert RosterSettings().status_map == {}


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("王建国,李秀兰", ["王建国", "李秀兰"]),
        ("王建国、李秀兰", ["王建国", "李秀兰"]),
        ("王建国，李秀兰", ["王建国", "李秀兰"]),
        ("王建国/李秀兰/王小明", ["王建国", "李秀兰", "王小明"]),
        ("张三和李四", ["张三", "李四"]),
        ("王和平", ["王和平"]),
        # A surname alone before 和 is no person: the 和 is in the given name.
        ("司徒和美玲", ["司徒和美玲"]),
        ("欧阳和丽", ["欧阳和丽"]),
        ("歐陽和美玲", ["歐陽和美玲"]),
        ("张三和司徒和美玲", ["张三", "司徒和美玲"]),
        ("司徒和美玲、李四", ["司徒和美玲", "李四"]),
        ("司徒美玲和李四", ["司徒美玲", "李四"]),
        ("欧阳娜娜", ["欧阳娜娜"]),
        ('=HYPERLINK("http://x","点这里")', ['=HYPERLINK("http://x","点这里")']),
        ("王建国/1号", ["王建国/1号"]),
        ("阿依古丽·买买提、王芳", ["阿依古丽·买买提", "王芳"]),
        ("华润和信置业有限公司", ["华润和信置业有限公司"]),
        ("华润和信置业有限公司、张三", ["华润和信置业有限公司", "张三"]),
        # One body with a separator inside: it ends in an organisation word, its first part is no person's name.
        ("深圳市甲乙、丙丁科技有限公司", ["深圳市甲乙、丙丁科技有限公司"]),
        ("甲乙丙丁戊/己庚律师事务所", ["甲乙丙丁戊/己庚律师事务所"]),
        ("南山区甲乙、丙丁便利店", ["南山区甲乙、丙丁便利店"]),
        ("张三、某某科技有限公司", ["张三", "某某科技有限公司"]),
        ("欧阳娜娜、某某五金厂", ["欧阳娜娜", "某某五金厂"]),
        ("阿依古丽·买买提、某某商行", ["阿依古丽·买买提", "某某商行"]),
        # A part that is no person's name (it starts with no surname) and the body's name after it: one body.
        ("甲乙、丙丁科技有限公司", ["甲乙、丙丁科技有限公司"]),
        ("鑫源、恒达建材有限公司", ["鑫源、恒达建材有限公司"]),
        ("甲乙、丙丁、戊己投资合伙企业", ["甲乙、丙丁、戊己投资合伙企业"]),
        ("张三、甲乙、丙丁科技有限公司", ["张三", "甲乙、丙丁科技有限公司"]),
        ("甲乙、丙丁科技有限公司、李四", ["甲乙、丙丁科技有限公司", "李四"]),
        ("陳大文、丙丁科技有限公司", ["陳大文", "丙丁科技有限公司"]),
        ("司徒美玲、丙丁科技有限公司", ["司徒美玲", "丙丁科技有限公司"]),
        ("丘志明、丙丁科技有限公司", ["丘志明", "丙丁科技有限公司"]),
        ("隋丽、丙丁科技有限公司", ["隋丽", "丙丁科技有限公司"]),
        ("张三、李四", ["张三", "李四"]),
        ("甲乙、丙丁", ["甲乙", "丙丁"]),
        # Two bodies' whole names: two owners, never one.
        ("甲乙科技有限公司、丙丁实业有限公司", ["甲乙科技有限公司", "丙丁实业有限公司"]),
        # 和 inside a partnership's name is no 张三和李四.
        ("丙丁和戊己投资合伙企业", ["丙丁和戊己投资合伙企业"]),
        # A Latin name written surname first: two single words around one comma are one person, blanks normalised.
        ("Smith, John", ["Smith, John"]),
        ("SMITH,JOHN", ["SMITH,JOHN"]),
        ("Smith ,  John", ["Smith, John"]),
        ("O'Brien, Mary-Jane", ["O'Brien, Mary-Jane"]),
        ("Smith, John、王芳", ["Smith, John", "王芳"]),
        ("王芳；Smith, John", ["王芳", "Smith, John"]),
        # Names with blanks inside, two commas, 、 or ； still split.
        ("John Smith, Mary Smith", ["John Smith", "Mary Smith"]),
        ("Smith, John, Mary", ["Smith", "John", "Mary"]),
        ("Smith、John", ["Smith", "John"]),
        ("Smith；John", ["Smith", "John"]),
        # Such a name beside 和 and a Chinese or Latin name: two people; not after a surname alone nor before a body.
        ("Smith, John和李四", ["Smith, John", "李四"]),
        ("李四和Smith, John", ["李四", "Smith, John"]),
        ("Smith, John 和 李四和王五", ["Smith, John", "李四", "王五"]),
        ("Smith, John和Mary Lee", ["Smith, John", "Mary Lee"]),
        ("王和Smith, John", ["王和Smith, John"]),
        ("Smith, John和某某科技有限公司", ["Smith, John和某某科技有限公司"]),
        # A surname alone names no one on either side of 和, beside a Chinese name as beside a Latin one.
        ("Smith, John和欧阳", ["Smith, John和欧阳"]),
        ("张三和欧阳", ["张三和欧阳"]),
        ("张三和李四和欧阳", ["张三和李四和欧阳"]),
        # A body's name ends at its suffix: a person's name after a blank is another owner; a blank before the suffix,
        # or a branch or a place after it, is inside the body's name.
        ("幸福里房地产开发有限公司 扎西", ["幸福里房地产开发有限公司", "扎西"]),
        ("幸福里房地产开发有限公司 张三、李四", ["幸福里房地产开发有限公司", "张三", "李四"]),
        ("幸福里 房地产开发有限公司、扎西", ["幸福里 房地产开发有限公司", "扎西"]),
        ("幸福里 房地产开发有限公司", ["幸福里 房地产开发有限公司"]),
        ("某某科技有限公司 广州分公司", ["某某科技有限公司 广州分公司"]),
        ("某某科技有限公司 深圳市", ["某某科技有限公司 深圳市"]),
        ("某某科技有限公司 扎西 卓玛", ["某某科技有限公司 扎西 卓玛"]),
        # A person's name, then a blank and a body's whole name (its 字号 and trade before the suffix): two owners, as
        # the body first; a body whose name starts as a person's would, or too short to stand alone, stays one.
        ("张三 幸福里房地产开发有限公司", ["张三", "幸福里房地产开发有限公司"]),
        ("张三\u3000幸福里商贸有限公司", ["张三", "幸福里商贸有限公司"]),
        ("张三、幸福里商贸有限公司", ["张三", "幸福里商贸有限公司"]),
        ("张三 幸福里 建材有限公司", ["张三", "幸福里 建材有限公司"]),
        ("John Smith 幸福里商贸有限公司", ["John Smith", "幸福里商贸有限公司"]),
        ("张三 幸福里商贸有限公司 李四", ["张三", "幸福里商贸有限公司", "李四"]),
        # Several people's names before a body's whole name, a blank after each: each is an owner.
        ("张三 李四 幸福里商贸有限公司", ["张三", "李四", "幸福里商贸有限公司"]),
        ("张三 李四 王五 幸福里 建材有限公司", ["张三", "李四", "王五", "幸福里 建材有限公司"]),
        ("张三 扎西 幸福里商贸有限公司", ["张三", "扎西 幸福里商贸有限公司"]),
        ("张三丰餐饮有限公司", ["张三丰餐饮有限公司"]),
        ("张三丰 餐饮有限公司", ["张三丰 餐饮有限公司"]),
        ("张三 丰餐饮有限公司", ["张三 丰餐饮有限公司"]),
        ("华润 置地有限公司", ["华润 置地有限公司"]),
        ("万科 企业股份有限公司", ["万科 企业股份有限公司"]),
        ("王府井 百货大楼有限公司", ["王府井 百货大楼有限公司"]),
        ("张三 深圳市幸福里商贸有限公司", ["张三", "深圳市幸福里商贸有限公司"]),
        ("王府井百货大楼有限公司", ["王府井百货大楼有限公司"]),
        ("扎西 幸福里商贸有限公司", ["扎西 幸福里商贸有限公司"]),
        ("深圳市张三 幸福里商贸有限公司", ["深圳市张三 幸福里商贸有限公司"]),
    ],
)
def test_owner_cells_split_into_co_owners(cell: str, names: list[str]) -> None:
    assert split_owner_names(cell) == names


@pytest.mark.parametrize(
    "name",
    ["张记面馆", "美宜佳便利店", "老王五金店", "幸福里超市", "康宁大药房", "李氏口腔诊所", "阳光工作室", "华联商行"]
    + ["红星经营部", "老李修车铺", "平安理发店", "兴旺饭店", "华美印刷厂", "康乐洗衣店（幸福里店）", "美宜佳 便利店"],
)
def test_a_shop_s_business_is_a_body(name: str) -> None:
    # A shop owned by 张记面馆 was a person: its 催缴通知书 said 尊敬的张记面馆业主, and 美宜佳 便利店 (a blank) was refused
    # as two people's names; a body is known by its name's last words (店、馆、房、行、部、所、室、厂、超市 …).
    assert is_organisation(name)


@pytest.mark.parametrize(
    "name",
    ["王房", "李行", "张店", "刘超", "张文房", "李德行", "王建厂", "陈志部", "周社", "赵书院", "孙家站"]
    + ["欧阳明行", "司马文房", "上官婉室", "李超市", "阿依古丽·吐尔逊", "王 房"],
)
def test_a_person_s_name_ending_like_a_shop_is_a_person(name: str) -> None:
    # 2-4 character names whose last character is a shop's (王房, 李德行, 欧阳明行) are people: a single character
    # ends a body's name only after four, a shop's word of two (超市, 面馆) only after two.
    assert not is_organisation(name)


@pytest.mark.parametrize(
    "name",
    ["王便利店", "李工作室", "李记粥铺", "张家小馆", "陈记药铺", "刘家小厨", "王记小吃", "王家铺子", "欧阳五金店"],
)
def test_a_shop_named_by_its_owner_s_surname_is_a_body(name: str) -> None:
    # 王便利店, 李记粥铺 and 刘家小厨 were people (their reminders said 尊敬的李记粥铺业主, their exit passes 本人系…业主):
    # a shop's word of three characters needed two before it, one character four.  A person's name is a surname and
    # a given name of one or two characters: 便利店 after a surname, or four characters ending as a shop does after a
    # single surname, are no person's.
    assert is_organisation(name)


@pytest.mark.parametrize("name", ["王小厨", "李铺子", "刘家豪", "王家明", "张记生", "诸葛小店", "司徒建行", "王一行"])
def test_a_person_s_name_like_a_surname_s_shop_stays_a_person(name: str) -> None:
    # Three characters, or four after a compound surname (诸葛, 司徒), are a person's name's length: 王小厨, 刘家豪.
    assert not is_organisation(name)


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        # A shop's business is a body in a cell as it is alone: a person's name after it and a blank is another owner,
        # as after 老王五金店; before it, so is the person's; what is no person's name before a 、 starts its name.
        ("张记面馆 张三", ["张记面馆", "张三"]),
        ("幸福里药房 王五", ["幸福里药房", "王五"]),
        ("张三 张记面馆", ["张三", "张记面馆"]),
        ("王五 幸福里药房", ["王五", "幸福里药房"]),
        ("老王五金店 张三", ["老王五金店", "张三"]),
        ("甲乙、老王五金店", ["甲乙、老王五金店"]),
        # A person's name ending like a shop's (王建厂, 陈志部, 张店) is a person's in a cell as alone: two names with
        # a blank between stay one cell, for the refusal, as 王建国 李四 does; after a 、 it is an owner of its own.
        ("王建厂 李四", ["王建厂 李四"]),
        ("陈志部 李四", ["陈志部 李四"]),
        ("张店 李四", ["张店 李四"]),
        ("甲乙、王建厂", ["甲乙", "王建厂"]),
        ("甲乙、张店", ["甲乙", "张店"]),
    ],
)
def test_a_cell_reads_a_shop_s_business_and_a_person_s_name_as_a_name_alone_is_read(
    cell: str, names: list[str]
) -> None:
    # 张记面馆 张三 was one owner named so while 老王五金店 张三 was two, and 王建厂 李四 two owners while 王建国 李四
    # was kept for the refusal: a cell knew a body by 店、部、厂 at any length, is_organisation by its own list.
    assert split_owner_names(cell) == names


def test_the_owner_named_again_in_the_co_owner_column_or_cell_is_one_owner(ledger: Ledger, tmp_path: Path) -> None:
    """An export whose 共有人 column lists every 产权人, the first too (张伟 | 张伟、王芳), or an owner cell 李娜、李娜, made
    a second owner 张伟 (without phone) the co-owner of 张伟: papers read 尊敬的张伟、张伟业主.  A name written twice
    for one unit is one owner, as a co-owner written twice already was."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "联系电话", "共有人"],
        ["1-1-101", 90, "张伟", "13812345678", "张伟、王芳"],
        ["1-1-102", 90, "李娜、李娜", "13812345679", None],
        ["1-1-103", 90, "孙悦、周杰", "13812345670", "周杰"],
    ]
    summary = import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert summary.owners_created == 5  # 张伟 王芳 李娜 孙悦 周杰
    assert {v.to_dict()["unit"]: v.owner for v in list_units(ledger)} == {
        "1-1-101": "张伟",
        "1-1-102": "李娜",
        "1-1-103": "孙悦",
    }
    assert [[c.name for c in co_owners_of(ledger, unit)] for unit in ("1-1-101", "1-1-102", "1-1-103")] == [
        ["王芳"],
        [],
        ["周杰"],
    ]


def test_a_co_owner_row_naming_the_owner_again_is_one_owner_unless_its_id_number_differs(
    ledger: Ledger, tmp_path: Path
) -> None:
    """A 共有人 row naming the unit's owner again without an ID number (or with the owner's own, its 15-digit form too)
    made a second owner 张伟, co-owner of 张伟: papers read 尊敬的张伟、张伟业主.  It is the owner, as in a 共有人
    column; under another ID number it is another person of that name, and both are kept."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"],
        ["1-1-101", 90, "张伟", "13812345678", None, None],
        ["1-1-101", None, "张伟\u3000", None, None, "共有人"],
        ["1-1-102", 90, "李娜", "13812345679", "110105197501010026", None],
        ["1-1-102", None, "李娜", "13812345679", "110105750101002", "共有人"],
        ["1-1-103", 90, "王芳", "13812345670", "440304198805151237", None],
        ["1-1-103", None, "王芳", None, "310104198506120027", "共有人"],
        ["1-1-104", 90, "孙悦、周杰", "13812345671", None, None],
        ["1-1-104", None, "孙悦", None, None, "共有人"],
    ]
    path = workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)])
    summary = import_owners(ledger, path, "测试员")
    assert summary.owners_created == 6  # 张伟 李娜 王芳 王芳(310104…) 孙悦 周杰
    assert [[(c.name, c.id_number) for c in co_owners_of(ledger, f"1-1-10{n}")] for n in range(1, 5)] == [
        [],
        [],
        [("王芳", "310104198506120027")],
        [("周杰", None)],
    ]
    again = import_owners(ledger, path, "测试员")
    assert (again.units_unchanged, again.owners_created, again.owners_updated) == (4, 0, 0)


def test_a_co_owner_row_naming_a_co_owner_again_is_one_co_owner_and_keeps_its_phone(
    ledger: Ledger, tmp_path: Path
) -> None:
    """A co-owner named in the owner cell (or on an earlier 共有人 row) and again on a 共有人 row with a phone was kept
    twice — 王芳 without a phone and 王芳 with one: papers read 尊敬的张伟、王芳、王芳业主.  Without an ID number (or
    with the same one) it is one co-owner, the phone only the row gives kept; so is the owner's, on a 共有人 row of
    his own name.  Under another ID number, two people of that name."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"],
        ["1-1-101", 90, "张伟、王芳", "13812345678", None, None],
        ["1-1-101", None, "王芳", "13900001111", None, "共有人"],
        ["1-1-102", 90, "李娜", None, None, None],
        ["1-1-102", None, "孙悦", "13900002222", "110105197501010026", "共有人"],
        ["1-1-102", None, "孙悦", None, "110105750101002", "共有人"],
        ["1-1-102", None, "李娜", "13900003333", None, "共有人"],
        ["1-1-103", 90, "周杰", "13812345670", None, None],
        ["1-1-103", None, "吴芳", None, "440304198805151237", "共有人"],
        ["1-1-103", None, "吴芳", None, "310104198506120027", "共有人"],
    ]
    path = workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)])
    import_owners(ledger, path, "测试员")
    co_owners = {
        unit: [(c.name, c.phone, c.id_number) for c in co_owners_of(ledger, unit)]
        for unit in ("1-1-101", "1-1-102", "1-1-103")
    }
    assert co_owners == {
        "1-1-101": [("王芳", "13900001111", None)],
        "1-1-102": [("孙悦", "13900002222", "110105197501010026")],
        "1-1-103": [("吴芳", None, "440304198805151237"), ("吴芳", None, "310104198506120027")],
    }
    assert {v.to_dict()["unit"]: (v.owner, v.phone) for v in list_units(ledger)}["1-1-102"] == ("李娜", "13900003333")
    again = import_owners(ledger, path, "测试员")
    assert (again.units_unchanged, again.owners_created, again.owners_updated) == (3, 0, 0)


def test_an_owner_written_again_on_a_co_owner_row_with_another_phone_is_refused_with_its_cell(
    ledger: Ledger, tmp_path: Path
) -> None:
    """The owner (or a co-owner) written again on a 共有人 row with another phone is one person written two ways: the
    row is refused, its phone cell named, whether the row repeats the ID number or gives none — never one phone
    quietly dropped."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"],
        ["1-1-101", 90, "张伟", "13812345678", "110101199003071233", None],
        ["1-1-101", None, "张伟", "13900001111", "110101199003071233", "共有人"],
        ["1-1-102", 90, "李娜", "13812345679", None, None],
        ["1-1-102", None, "李娜", "13900002222", None, "共有人"],
        ["1-1-103", 90, "周杰、王芳", "13812345670", None, None],
        ["1-1-103", None, "王芳", "13900003333", None, "共有人"],
        ["1-1-103", None, "王芳", "13900004444", None, "共有人"],
    ]
    again = "是同一位业主（姓名相同，这一行没有写证件号码），但电话不同：请核对后写成一样的；是同名的另一个人，请写上证件号码"
    assert problems_of(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)])) == [
        f"第 5 行 D 列（联系电话）：与第 4 行{again}",
        f"第 8 行 D 列（联系电话）：与第 6 行{again}",
    ]
    # Without those two rows, the one repeating the ID number with another phone is refused as before.
    rows = [row for row in rows if row[3] not in ("13900002222", "13900004444")]
    with pytest.raises(ValidationError) as refused:
        import_owners(ledger, workbook(tmp_path / "名册2.xlsx", [("Sheet1", rows)]), "测试员")
    assert [str(p) for p in refused.value.problems] == [
        "第 3 行 D 列（联系电话）：与第 2 行是同一证件号码（同一位业主），但电话不同：请核对后写成一样的"
    ]


def test_a_company_with_he_in_its_name_is_one_owner_and_comes_back_from_its_export(
    ledger: Ledger, tmp_path: Path
) -> None:
    """A shop owned by 华润和信置业有限公司 was imported as owner 华润 and co-owner 信置业有限公司 (the cell split at 和,
    as 张三和李四 is): every paper named them so.  An organisation's name is one owner, and its export imports back
    unchanged."""
    rows = [["房号", "建筑面积", "业主姓名"], ["S-101", 60, "华润和信置业有限公司"], ["1-1-101", 90, "张三和李四"]]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert {v.to_dict()["unit"]: v.owner for v in list_units(ledger)} == {
        "1-1-101": "张三",
        "S-101": "华润和信置业有限公司",
    }
    assert co_owners_of(ledger, "S-101") == [] and [c.name for c in co_owners_of(ledger, "1-1-101")] == ["李四"]
    export_owners(ledger, tmp_path / "导出.xlsx", "测试员")
    again = import_owners(ledger, tmp_path / "导出.xlsx", "测试员")
    assert (again.units_unchanged, again.owners_created, again.owners_updated) == (2, 0, 0)


CO_HEADERS = ("房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系", "起租日期", "到期日期", "状态")


def test_co_owners_family_and_tenants(ledger: Ledger, tmp_path: Path) -> None:
    rows = [
        list(CO_HEADERS),
        ["1-1-101", 89.35, "王建国,李秀兰", "13812345678", None, None, None, None, "已入住"],
        ["1-1-102", 118.62, "张伟", "13987654321", None, "业主", None, None, "已出租"],
        ["1-1-102", None, "张丽", "13700002222", "310104198506120027", "共有人", None, None, None],
        ["1-1-102", None, "赵磊", "13900001111", None, "租户", "2026-03-01", "2027-02-28", None],
        ["1-1-101", None, "王小明", None, None, "子女", None, None, None],
    ]
    path = workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)])
    summary = import_owners(ledger, path, "测试员")
    assert (summary.rows, summary.units_created, summary.owners_created) == (5, 2, 4)
    assert (summary.co_owners, summary.contacts) == (2, 2)
    assert [c.name for c in co_owners_of(ledger, "1-1-101")] == ["李秀兰"]
    second = co_owners_of(ledger, "1-1-102")
    assert [(c.name, c.to_dict()["phone"], c.to_dict()["id_number"]) for c in second] == [
        ("张丽", "137****2222", "310104********0027")
    ]
    assert [c.to_dict() | {"id": 0} for c in list_contacts(ledger)] == [
        {
            "id": 0,
            "unit": "1-1-101",
            "name": "王小明",
            "relation": "子女",
            "phone": None,
            "id_type": None,
            "id_number": None,
            "start_date": None,
            "end_date": None,
        },
        {
            "id": 0,
            "unit": "1-1-102",
            "name": "赵磊",
            "relation": "租户",
            "phone": "139****1111",
            "id_type": None,
            "id_number": None,
            "start_date": "2026-03-01",
            "end_date": "2027-02-28",
        },
    ]
    with ledger.read() as conn:
        journalled = conn.execute(sa.text("SELECT COUNT(*) FROM journal")).scalar()
    again = import_owners(ledger, path, "测试员")
    assert (again.units_unchanged, again.owners_created) == (2, 0)
    with ledger.read() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM journal")).scalar() == journalled
        assert conn.execute(sa.text("SELECT COUNT(*) FROM unit_contacts")).scalar() == 2


def test_export_keeps_co_owners_and_reimports_unchanged(ledger: Ledger, tmp_path: Path) -> None:
    rows = [list(CO_HEADERS[:5]), ["1-1-101", 89.35, "王建国、李秀兰", "13812345678", None]]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    add_contact(ledger, "1-1-101", "赵磊", "租户", "测试员", phone="13900001111")
    exported = tmp_path / "导出.xlsx"
    export_owners(ledger, exported, "测试员")
    from openpyxl import load_workbook

    sheet = load_workbook(exported).active
    # The first owner in the owner cell, the co-owner on a row of its own.
    assert [[c.value for c in sheet[n]][2:] for n in (2, 3)] == [
        ["101", 89.35, "王建国", "138****5678", None, None, "已交付", "业主"],
        ["101", None, "李秀兰", None, None, None, None, "共有人"],
    ]
    summary = import_owners(ledger, exported, "测试员")
    assert (summary.units_unchanged, summary.owners_created) == (1, 0)
    assert [c.name for c in co_owners_of(ledger, "1-1-101")] == ["李秀兰"]
    # The export names no 家属 or 租户: contacts added at the counter stay.
    assert [c.record.name for c in list_contacts(ledger)] == ["赵磊"]


def test_a_tenant_column_becomes_a_contact(ledger: Ledger, tmp_path: Path) -> None:
    rows = [
        ["房号", "建筑面积", "业主姓名", "租户姓名", "租户电话", "起租日期"],
        ["3-2-1201", 120, "李秀英", "孙悦", "13655556666", dt.date(2026, 9, 1)],
        ["3-2-1202", 120, "周杰", None, None, None],
    ]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert [c.to_dict(show_private=True) | {"id": 0} for c in list_contacts(ledger, relation="租户")] == [
        {
            "id": 0,
            "unit": "3-2-1201",
            "name": "孙悦",
            "relation": "租户",
            "phone": "13655556666",
            "id_type": None,
            "id_number": None,
            "start_date": "2026-09-01",
            "end_date": None,
        }
    ]


def test_placeholder_numbers_are_warnings_and_stored_empty(ledger: Ledger, tmp_path: Path) -> None:
    rows = [
        ["房号", "建筑面积", "业主姓名", "手机号码", "证件号码"],
        ["1-1-101", 90, "张伟", "18999999999", "111111111111111111"],
        ["1-1-102", 90, "李四", 13800000000, "110101199003071233"],
        ["1-1-103", 90, "王五", "13812345678", None],
    ]
    summary = import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert summary.warnings == [
        "第 2 行（手机号码）：18999999999 是占位号码，已按空白导入",
        "第 2 行（证件号码）：111111111111111111 是占位号码，已按空白导入",
        "第 3 行（手机号码）：13800000000 是占位号码，已按空白导入",
    ]
    stored = {v.to_dict()["unit"]: (v.phone, v.id_number) for v in list_units(ledger)}
    assert stored == {
        "1-1-101": (None, None),
        "1-1-102": (None, "110101199003071233"),
        "1-1-103": ("13812345678", None),
    }


def test_contact_and_co_owner_rows_errors(ledger: Ledger, tmp_path: Path) -> None:
    rows = [
        list(CO_HEADERS),
        ["1-1-101", 90, "王建国", None, None, "业主", None, None, None],
        ["1-1-101", None, "李秀兰", None, None, "表哥", None, None, None],
        ["1-1-102", None, "赵磊", None, None, "租户", None, None, None],
        ["1-1-101", None, None, "13900001111", None, "租户", "2027-03-01", "2026-03-01", None],
        ["1-1-101", 90, "张三", None, None, "业主", None, None, None],
    ]
    assert problems_of(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)])) == [
        "第 3 行 F 列（关系）：“表哥” 不是可识别的关系，应为 业主、共有人、家属（配偶、子女、父母 等）或 租户",
        "第 4 行 A 列（房号）：房号 1-1-102 没有业主行：共有人、家属、租户行须与业主行同一房号",
        "第 5 行 C 列（业主姓名）：租户行必须填写姓名",
        "第 5 行 H 列（到期日期）：到期日期早于起租日期",
        "第 6 行 A 列（房号）：房号 1-1-101 与第 2 行重复（同一房号出现两次；共有人、家属、租户请在“关系”列注明）",
    ]


TWO_NAMES = "两位业主请用“、”分开，一个人的姓名请去掉空格"
A_NOTE = "姓名里不能带括号里的备注；租户请写在租户列或用 recordkit owners contact add"


def test_two_names_in_one_cell_or_a_bracketed_note_are_refused_with_their_cell(ledger: Ledger, tmp_path: Path) -> None:
    # Another system's export: "张三 李四" would become ONE owner of that name, "钱八（租户：周九）" an owner
    # with the tenant in his name.  The whole sheet is refused, every such cell named.
    rows = [
        ["房号", "建筑面积", "业主姓名", "共有人", "关系"],
        ["1-1-101", 90, "张三 李四", None, None],
        ["1-1-102", 90, "钱八（租户：周九）", None, None],
        ["1-1-103", 90, "张\u3000三", None, None],
        ["1-1-104", 90, "王建国、李秀兰(已故)", None, None],
        ["1-1-105", 90, "赵磊", "孙悦 周杰", None],
        ["1-1-105", None, "吴芳 郑丽", None, "共有人"],
        ["1-1-106", 90, "John Smith", "WANG Fang", None],
        ["1-1-107", 90, "阿依古丽·买买提", None, None],
    ]
    assert problems_of(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)])) == [
        f"第 2 行 C 列（业主姓名）：{TWO_NAMES}",
        f"第 3 行 C 列（业主姓名）：{A_NOTE}",
        f"第 4 行 C 列（业主姓名）：{TWO_NAMES}",
        f"第 5 行 C 列（业主姓名）：{A_NOTE}",
        f"第 6 行 D 列（共有人）：{TWO_NAMES}",
        # A 共有人 row is one person: 吴芳、郑丽 there is refused too, so the row says to write each on a row.
        "第 7 行 C 列（业主姓名）：一行只写一位共有人：两位请每人各写一行（同一房号，“关系”列写 共有人），一个人的姓名请去掉空格",
    ]


def test_latin_middle_dot_and_company_names_stay_as_written(ledger: Ledger, tmp_path: Path) -> None:
    rows = [
        ["房号", "建筑面积", "业主姓名", "共有人"],
        ["1-1-106", 90, "John Smith", "WANG Fang"],
        ["1-1-107", 90, "阿依古丽·买买提", None],
        ["1-1-108", 90, "广州某某置业有限公司（广州分公司）", None],
    ]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert {v.to_dict()["unit"]: v.owner for v in list_units(ledger)} == {
        "1-1-106": "John Smith",
        "1-1-107": "阿依古丽·买买提",
        "1-1-108": "广州某某置业有限公司(广州分公司)",
    }
    assert [c.name for c in co_owners_of(ledger, "1-1-106")] == ["WANG Fang"]


def test_a_family_or_tenant_row_naming_the_unit_s_owner_is_refused_with_its_cell(
    ledger: Ledger, tmp_path: Path
) -> None:
    rows = [
        ["房号", "建筑面积", "业主姓名", "关系", "租户姓名"],
        ["1-1-101", 90, "张伟、王芳", None, None],
        ["1-1-101", None, "张伟", "家属", None],
        ["1-1-101", None, "李秀兰", "共有人", None],
        ["1-1-101", None, "李秀兰", "租户", None],
        ["1-1-102", 90, "赵磊", None, "赵磊"],
        ["1-1-103", 90, "孙悦", None, "张伟"],
    ]
    assert problems_of(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)])) == [
        "第 3 行 C 列（业主姓名）：张伟是这套房屋的业主，不用再登记为家属",
        "第 5 行 C 列（业主姓名）：李秀兰是这套房屋的共有人，不用再登记为租户",
        "第 6 行 E 列（租户姓名）：赵磊是这套房屋的业主，不用再登记为租户",
    ]


def test_a_contact_row_or_tenant_cell_with_a_bracketed_note_or_two_names_is_refused_with_its_cell(
    ledger: Ledger, tmp_path: Path
) -> None:
    """The roster refused "钱八（租户：周九）" and "张三 李四" as an owner but took them as a family or tenant row's name
    or in the 租户 column ("周九 吴十" one tenant of that name); they are refused by the same rule, row and column."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "关系", "租户"],
        ["1-1-101", 90, "张伟", None, "周九（租户）"],
        ["1-1-101", None, "李四(已故)", "家属", None],
        ["1-1-101", None, "孙悦 周杰", "租户", None],
        ["1-1-102", 90, "李娜", None, "周九 吴十"],
        ["1-1-103", 90, "王芳", None, "周九、吴十 郑丽"],
        ["S-101", 60, "张海鹏", None, "深圳某某科技有限公司（南山分公司）"],
    ]
    assert problems_of(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)])) == [
        "第 2 行 E 列（租户）：姓名里不能带括号里的备注：请只写姓名",
        "第 3 行 C 列（业主姓名）：姓名里不能带括号里的备注：请只写姓名，关系写在“关系”列",
        "第 4 行 C 列（业主姓名）：一行只写一位租户，一个人的姓名请去掉空格",
        "第 5 行 E 列（租户）：两位租户请用“、”分开，一个人的姓名请去掉空格",
        "第 6 行 E 列（租户）：两位租户请用“、”分开，一个人的姓名请去掉空格",
    ]


def test_a_co_owner_or_contact_row_naming_several_people_is_refused_with_its_cell(
    ledger: Ledger, tmp_path: Path
) -> None:
    """A 共有人, 家属 or 租户 row is one person, but "吴芳、郑丽" there was kept as one co-owner (or tenant) of that name —
    and the co-owner's export then imported back as two.  Such a row is refused, its row and column named; a body's
    name with 和 or 、 inside stays one, as today, and the 租户 column still splits its names."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "关系", "租户"],
        ["1-1-101", 90, "张伟", None, None],
        ["1-1-101", None, "吴芳、郑丽", "共有人", None],
        ["1-1-101", None, "吴芳,郑丽", "租户", None],
        ["1-1-101", None, "吴芳；郑丽", "配偶", None],
        ["1-1-101", None, "吴芳和郑丽", "子女", None],
    ]
    one_each = "每人各写一行（同一房号，“关系”列写 {}）"
    assert problems_of(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)])) == [
        f"第 3 行 C 列（业主姓名）：一行只写一位共有人：请把“吴芳、郑丽”{one_each.format('共有人')}",
        f"第 4 行 C 列（业主姓名）：一行只写一位租户：请把“吴芳,郑丽”{one_each.format('租户')}",
        f"第 5 行 C 列（业主姓名）：一行只写一位配偶：请把“吴芳；郑丽”{one_each.format('配偶')}",
        f"第 6 行 C 列（业主姓名）：一行只写一位子女：请把“吴芳和郑丽”{one_each.format('子女')}",
    ]
    accepted = [
        ["房号", "建筑面积", "业主姓名", "关系", "租户"],
        ["S-101", 60, "张海鹏", None, "周九、吴十"],
        ["S-101", None, "华润和信置业有限公司", "共有人", None],
        ["S-101", None, "深圳市甲乙、丙丁科技有限公司", "租户", None],
        ["1-1-101", 90, "王和平", None, None],
        ["1-1-101", None, "李和平", "家属", None],
    ]
    import_owners(ledger, workbook(tmp_path / "名册2.xlsx", [("Sheet1", accepted)]), "测试员")
    assert [c.name for c in co_owners_of(ledger, "S-101")] == ["华润和信置业有限公司"]
    assert [(c.unit, c.record.name, c.record.relation) for c in list_contacts(ledger)] == [
        ("1-1-101", "李和平", "家属"),
        ("S-101", "周九", "租户"),
        ("S-101", "吴十", "租户"),
        ("S-101", "深圳市甲乙、丙丁科技有限公司", "租户"),
    ]


def test_a_separator_at_the_end_of_a_one_person_name_is_left_out_as_in_an_owner_cell(
    ledger: Ledger, tmp_path: Path
) -> None:
    """An owner cell "张伟、" and a 租户 cell "赵磊、" read as 张伟 and 赵磊, but a 共有人 row "王芳、" made a co-owner
    王芳、 (whose export, 张伟、王芳、, then imported back as another owner 王芳), a tenant row "吴芳、" a tenant 吴芳、 whom
    notices greeted 吴芳、住户, and so did ``owners contact add … 孙悦；``.  The name is read without it."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "关系", "租户"],
        ["1-1-101", 90, "张伟、", None, "赵磊、"],
        ["1-1-101", None, "王芳、", "共有人", None],
        ["1-1-101", None, "吴芳、", "租户", None],
        ["1-1-101", None, "、郑丽", "家属", None],
    ]
    path = workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)])
    import_owners(ledger, path, "测试员")
    assert [c.name for c in co_owners_of(ledger, "1-1-101")] == ["王芳"]
    assert [(c.record.name, c.record.relation) for c in list_contacts(ledger)] == [
        ("赵磊", "租户"),
        ("吴芳", "租户"),
        ("郑丽", "家属"),
    ]
    assert add_contact(ledger, "1-1-101", "孙悦；", "租户", "测试员").record.name == "孙悦"
    export_owners(ledger, tmp_path / "导出.xlsx", "测试员")
    again = import_owners(ledger, tmp_path / "导出.xlsx", "测试员")
    assert (again.units_unchanged, again.owners_created) == (1, 0)
    assert [c.name for c in co_owners_of(ledger, "1-1-101")] == ["王芳"]


def test_names_an_older_version_kept_are_found_by_the_import_s_own_checks(ledger: Ledger, tmp_path: Path) -> None:
    """``names_refused_now`` (doctor's 业主和联系人姓名) on either backend: each owner's, co-owner's and contact's name of
    a unit that the import or the counter refuses today, in unit order, then 业主, 共有人, 租户, 联系人; an
    organisation's bracket, a Latin name's blank and a body's 和 are no such names."""
    from recordkit.owners.roster import names_refused_now

    rows = [
        ["房号", "建筑面积", "业主姓名", "租户"],
        ["1-1-101", 90, "张伟、王芳", "赵磊"],
        ["1-1-102", 90, "某某置业有限公司（广州分公司）", "John Smith"],
    ]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert names_refused_now(ledger) == []
    with ledger.write() as conn:
        conn.execute(sa.text("UPDATE owners SET name = '王芳(已故)' WHERE name = '王芳'"))
        conn.execute(sa.text("UPDATE owners SET name = '张 伟' WHERE name = '张伟'"))
        conn.execute(sa.text("UPDATE unit_contacts SET name = '赵磊、孙悦' WHERE name = '赵磊'"))
        conn.execute(sa.text("UPDATE unit_contacts SET name = '--', relation = '配偶' WHERE name = 'John Smith'"))
        ids = dict(conn.execute(sa.text("SELECT name, id FROM unit_contacts")).all())
    assert [(n.unit, n.role, n.name, n.contact_id) for n in names_refused_now(ledger)] == [
        ("1-1-101", "业主", "张 伟", None),
        ("1-1-101", "共有人", "王芳(已故)", None),
        ("1-1-101", "租户", "赵磊、孙悦", ids["赵磊、孙悦"]),
        ("1-1-102", "联系人", "--", ids["--"]),
    ]


def test_a_co_owner_an_older_version_kept_as_two_names_is_found(ledger: Ledger, tmp_path: Path) -> None:
    """A co-owner kept as 王芳和李娜 (one record) is exported on a 共有人 row of its own, which the import refuses as
    two people on one row; doctor's 业主和联系人姓名 (``names_refused_now``) did not list it, since it checked a
    co-owner as an owner cell's name.  It lists it now, by the 共有人 row's checks."""
    from openpyxl import load_workbook

    from recordkit.owners.roster import names_refused_now

    rows = [["房号", "建筑面积", "业主姓名"], ["1-1-101", 90, "张伟、王芳"]]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    with ledger.write() as conn:
        conn.execute(sa.text("UPDATE owners SET name = '王芳和李娜' WHERE name = '王芳'"))
    assert [(n.unit, n.role, n.name) for n in names_refused_now(ledger)] == [("1-1-101", "共有人", "王芳和李娜")]
    exported = tmp_path / "导出.xlsx"
    export_owners(ledger, exported, "测试员")
    assert load_workbook(exported).active["E3"].value == "王芳和李娜"
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, exported, "测试员")
    assert [p.row for p in caught.value.problems] == [3]


def test_two_tenants_in_the_tenant_column_are_two_contacts(ledger: Ledger, tmp_path: Path) -> None:
    """ "周九、吴十" in the 租户 column was kept as one tenant of that name (notices: 尊敬的张伟业主、周九、吴十住户 by
    accident only); it is two tenants, as an owner cell's names are two owners: the 租户电话 is the first's, as the
    联系电话 is the first owner's, and the lease both's."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "租户", "租户电话", "起租日期", "到期日期"],
        ["1-1-101", 90, "张伟", "周九、吴十", "13900001111", "2026-03-01", "2027-02-28"],
        ["1-1-102", 90, "李娜", "赵磊,赵磊", None, None, None],
    ]
    summary = import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert summary.contacts == 3
    lease = (dt.date(2026, 3, 1), dt.date(2027, 2, 28))
    assert [
        (c.unit, c.record.name, c.record.relation, c.record.phone, (c.record.start_date, c.record.end_date))
        for c in list_contacts(ledger)
    ] == [
        ("1-1-101", "周九", "租户", "13900001111", lease),
        ("1-1-101", "吴十", "租户", None, lease),
        ("1-1-102", "赵磊", "租户", None, (None, None)),
    ]
    # Imported again, nothing changes.
    again = import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert again.units_unchanged == 2 and [c.record.name for c in list_contacts(ledger)] == ["周九", "吴十", "赵磊"]


def test_contacts_at_the_counter_are_journalled(ledger: Ledger, tmp_path: Path) -> None:
    rows = [["房号", "建筑面积", "业主姓名"], ["1-1-101", 90, "张伟"]]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    contact = add_contact(
        ledger, "1栋1单元101室", "赵磊", "承租人", "测试员", phone="139 0000 1111", end_date=dt.date(2027, 2, 28)
    )
    assert (contact.unit, contact.record.relation, contact.record.phone) == ("1-1-101", "租户", "13900001111")
    with pytest.raises(ValidationError, match="“业主”是业主或共有人"):
        add_contact(ledger, "1-1-101", "张伟", "业主", "测试员")
    with pytest.raises(NotFoundError, match="台账中没有房屋 9-9-909"):
        add_contact(ledger, "9-9-909", "赵磊", "租户", "测试员")
    removed = remove_contact(ledger, contact.id, "测试员")
    assert removed.record.name == "赵磊" and list_contacts(ledger) == []
    with pytest.raises(NotFoundError, match=f"没有编号为 {contact.id} 的联系人"):
        remove_contact(ledger, contact.id, "测试员")
    with ledger.read() as conn:
        actions = conn.execute(sa.text("SELECT action, after, before FROM journal WHERE action LIKE 'contact.%'")).all()
    assert [a.action for a in actions] == ["contact.add", "contact.remove"]
    assert "139****1111" in actions[0].after and "13900001111" not in actions[0].after


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("赵\n磊", "联系人姓名：姓名里有换行、控制字符或不可见的格式字符（如从右到左覆盖）：请只写姓名"),
        ("赵\u202e磊", "联系人姓名：姓名里有换行、控制字符或不可见的格式字符（如从右到左覆盖）：请只写姓名"),
        ("赵" * 65, "联系人姓名：姓名太长（65 个字）：最多 64 个字"),
    ],
)
def test_a_contact_at_the_counter_is_a_name_as_the_roster_requires(
    ledger: Ledger, tmp_path: Path, name: str, reason: str
) -> None:
    """`owners contact add` kept a pasted line break or right-to-left override in a tenant's name, which every notice
    then printed (the roster's 租户 column refuses it), and a name longer than the ledger's column: on PostgreSQL a
    database error (exit 7).  It is refused as the roster refuses it, and nothing is added."""
    rows = [["房号", "建筑面积", "业主姓名"], ["1-1-101", 90, "张伟"]]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    with pytest.raises(ValidationError) as refused:
        add_contact(ledger, "1-1-101", name, "租户", "测试员")
    assert refused.value.message == reason
    assert list_contacts(ledger) == []
    # Sixty-four characters are a name the ledger keeps.
    assert add_contact(ledger, "1-1-101", "赵" * 64, "租户", "测试员").record.name == "赵" * 64


def test_the_same_contact_added_twice_at_the_counter_is_refused_not_kept_twice(ledger: Ledger, tmp_path: Path) -> None:
    """`owners contact add 1-1-101 赵磊 --relation 租户` typed twice (a double Enter, a second clerk) kept two 赵磊, and a
    notice to the unit's occupants then read 尊敬的赵磊住户、赵磊住户.  The second is refused (ConflictError, exit 8),
    however the name is written (a space around it, an ideographic one too), naming the first; nothing is added."""
    rows = [["房号", "建筑面积", "业主姓名"], ["1-1-101", 90, "张伟"], ["1-1-102", 90, "李娜"]]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    first = add_contact(ledger, "1-1-101", "赵磊", "租户", "测试员", phone="13900001111")
    for name in ("赵磊", " 赵磊\u3000"):  # an ideographic space typed after it, as an IME leaves it
        with pytest.raises(ConflictError) as refused:
            add_contact(ledger, "1-1-101", name, "承租人", "测试员", phone="13900002222")
        assert refused.value.message == (
            f"1-1-101 已有租户“赵磊”（联系人编号 {first.id}），没有再添加："
            f"电话、证件号码或租期变了，请用 recordkit owners contact edit {first.id} 修改（例如 --phone 新号码、--end 到期日期）"
        )
    with ledger.read() as conn:
        journalled = conn.execute(sa.text("SELECT count(*) FROM journal WHERE action = 'contact.add'")).scalar()
    assert [c.record.name for c in list_contacts(ledger, "1-1-101")] == ["赵磊"] and journalled == 1
    # The same name in another unit is another contact (in another relation of this unit, refused too: one person has
    # one relation to a unit, pinned in test_owners_contacts).
    assert add_contact(ledger, "1-1-102", "赵磊", "租户", "测试员").unit == "1-1-102"
    # Once the first is removed, the tenant is added again (the way to change a phone or a tenancy).
    remove_contact(ledger, first.id, "测试员")
    assert add_contact(ledger, "1-1-101", "赵磊", "租户", "测试员", phone="13900002222").record.phone == "13900002222"


def test_one_tenant_on_two_rows_of_a_roster_is_one_contact(ledger: Ledger, tmp_path: Path) -> None:
    """A roster with the same tenant row twice (two exports pasted together) kept two 赵磊, and a notice to the
    occupants read 尊敬的赵磊住户、赵磊住户.  The same row twice is one contact, as a co-owner row twice is one
    co-owner; the same name and relation with another phone or tenancy is named, row and column, nothing imported."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "联系电话", "关系"],
        ["1-1-101", 90, "张伟", "13812345678", "业主"],
        ["1-1-101", None, "赵磊", "13900001111", "租户"],
        ["1-1-101", None, " 赵磊", "139 0000 1111", "承租人"],
        ["1-1-101", None, "钱八", None, "家属"],
    ]
    summary = import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert summary.contacts == 2
    assert [(c.record.name, c.record.relation, c.record.phone) for c in list_contacts(ledger, "1-1-101")] == [
        ("赵磊", "租户", "13900001111"),
        ("钱八", "家属", None),
    ]
    rows[3][3] = "13900002222"
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, workbook(tmp_path / "名册2.xlsx", [("Sheet1", rows)]), "测试员")
    assert [str(problem) for problem in caught.value.problems] == [
        "第 4 行 C 列（业主姓名）：1-1-101 的租户“赵磊”已写在第 3 行，但电话、证件号码或租期不同：请核对后只留一行",
    ]
    assert len(list_contacts(ledger, "1-1-101")) == 2


# A tenant's ID numbers with valid check digits (GB 11643), worked out by hand: 18 digits, and a first-generation 15.
ZHAO_LEI_ID = "320102198802145615"
ZHAO_LEI_OLD_ID = "320102880214561"


def contact_rows(ledger: Ledger) -> list[tuple[Any, ...]]:
    """The contacts as the table holds them, read with plain SQL (dates as ISO text, as SQLite gives them)."""
    with ledger.read() as conn:
        return [
            tuple(value.isoformat() if isinstance(value, dt.date) else value for value in row)
            for row in conn.execute(
                sa.text(
                    "SELECT u.code, c.name, c.relation, c.phone, c.id_number, c.start_date, c.end_date"
                    " FROM unit_contacts c JOIN units u ON u.id = c.unit_id ORDER BY c.id"
                )
            )
        ]


def journal_of(ledger: Ledger, action: str) -> list[tuple[Any, Any]]:
    with ledger.read() as conn:
        rows = conn.execute(sa.text("SELECT before, after FROM journal WHERE action = :a ORDER BY id"), {"a": action})
        return [(json.loads(r.before) if r.before else None, json.loads(r.after) if r.after else None) for r in rows]


def test_a_contact_keeps_an_id_number_checked_as_an_owners_is_on_import(ledger: Ledger, tmp_path: Path) -> None:
    """A contact had no ID number on the ledger, so a tenant's 居住证明 could only print （未登记）.  ``add_contact``
    keeps one, checked by the roster import's rule and refused in its words (a first-generation 15-digit number kept
    as written); listings mask it as an owner's, and the journal keeps it masked."""
    rows = [["房号", "建筑面积", "业主姓名"], ["1-1-101", 90, "张伟"], ["1-1-102", 90, "李娜"]]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    for typed, reason in (
        ("110101199003071234", "身份证号校验位错误"),
        ("32010219880214561", "身份证号应为18位或15位（现在是17位）"),
        ("320102198813145615", "身份证号中的出生日期无效"),
        ("32010288021456X", "15位身份证号只能由数字组成"),
    ):
        with pytest.raises(ValidationError) as refused:
            add_contact(ledger, "1-1-101", "赵磊", "租户", "测试员", id_number=typed)
        assert (refused.value.message, refused.value.exit_code) == (reason, 5)
    assert contact_rows(ledger) == []
    add_contact(ledger, "1-1-101", "赵磊", "租户", "测试员", id_number="３２０１０２ １９８８０２１４５６１５")
    add_contact(ledger, "1-1-102", "赵磊", "租户", "测试员", id_number=ZHAO_LEI_OLD_ID)
    assert [row[4] for row in contact_rows(ledger)] == [ZHAO_LEI_ID, ZHAO_LEI_OLD_ID]
    assert [c.to_dict()["id_number"] for c in list_contacts(ledger)] == ["320102********5615", "320102******561"]
    assert [c.to_dict(show_private=True)["id_number"] for c in list_contacts(ledger)] == [ZHAO_LEI_ID, ZHAO_LEI_OLD_ID]
    [(_, first), (_, second)] = journal_of(ledger, "contact.add")
    assert (first["id_number"], second["id_number"]) == ("320102********5615", "320102******561")


def test_migration_0028_gives_the_contacts_an_empty_id_number(ledger_url: str, tmp_path: Path) -> None:
    """A ledger of 0027, its contacts without the column: upgraded, each contact is as it was, without an ID number,
    and ``owners contact add --id-number`` keeps one."""
    with open_ledger(ledger_url) as ledger:
        rows = [["房号", "建筑面积", "业主姓名"], ["1-1-101", 90, "张伟"]]
        import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
        add_contact(ledger, "1-1-101", "赵磊", "租户", "测试员", phone="13900001111", start_date=dt.date(2026, 3, 1))
        with ledger.write() as conn:  # the layout of 0027
            mark_as_of(conn, "0027")
    with open_ledger(ledger_url) as upgraded:
        assert upgraded.revision() == HEAD_REVISION
        assert contact_rows(upgraded) == [("1-1-101", "赵磊", "租户", "13900001111", None, "2026-03-01", None)]
        add_contact(upgraded, "1-1-101", "王小明", "子女", "测试员", id_number=ZHAO_LEI_ID)
        assert [row[4] for row in contact_rows(upgraded)] == [None, ZHAO_LEI_ID]


def test_a_family_or_tenant_row_carries_its_id_number_and_a_reimport_without_it_keeps_it(
    ledger: Ledger, tmp_path: Path
) -> None:
    """A roster's 家属/租户 row's 身份证号 cell was read for nothing; it is the contact's, checked as an owner's at its
    cell.  A sheet naming the contact again without it (or masked, as another system exports it) keeps the number the
    ledger has, as a blank phone keeps the phone."""
    headers = ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"]
    rows = [
        headers,
        ["1-1-101", 90, "张伟", "13812345678", "110101199003071233", "业主"],
        ["1-1-101", None, "赵磊", "13900001111", ZHAO_LEI_ID, "租户"],
        ["1-1-101", None, "王小明", None, "110101199003071234", "子女"],
    ]
    assert problems_of(ledger, workbook(tmp_path / "错.xlsx", [("Sheet1", rows)])) == [
        "第 4 行 E 列（身份证号）：身份证号校验位错误"
    ]
    rows[3][4] = None
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert contact_rows(ledger) == [
        ("1-1-101", "赵磊", "租户", "13900001111", ZHAO_LEI_ID, None, None),
        ("1-1-101", "王小明", "子女", None, None, None, None),
    ]
    journalled = len(journal_of(ledger, "unit.contacts"))
    for cell in (None, "320102********5615"):
        rows[2][4] = cell
        again = import_owners(ledger, workbook(tmp_path / "再导入.xlsx", [("Sheet1", rows)]), "测试员")
        assert again.units_unchanged == 1
        assert [row[4] for row in contact_rows(ledger)] == [ZHAO_LEI_ID, None]
    assert again.warnings == [
        "第 3 行（身份证号）：320102********5615 是打码的号码，已按空白导入（这位联系人在台账中已有的号码不变）"
    ]
    assert len(journal_of(ledger, "unit.contacts")) == journalled


def test_a_contact_is_corrected_field_by_field_and_journalled_old_to_new(ledger: Ledger, tmp_path: Path) -> None:
    """A contact could not be corrected: a new phone, a lease renewed or an ID number brought in later meant removing
    the contact and adding it again.  ``edit_contact`` changes the fields given, each checked as ``add_contact``
    checks it, journals the contact before and after (masked), and an edit that changes nothing writes nothing."""
    rows = [["房号", "建筑面积", "业主姓名"], ["1-1-101", 90, "张伟"]]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    tenant = add_contact(
        ledger,
        "1-1-101",
        "赵磊",
        "租户",
        "测试员",
        phone="13900001111",
        start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2027, 2, 28),
    )
    family = add_contact(ledger, "1-1-101", "王小明", "子女", "测试员")
    edit = edit_contact(
        ledger, tenant.id, "测试员", phone="139 0000 2222", id_number=ZHAO_LEI_ID, end_date=dt.date(2028, 2, 29)
    )
    assert edit.changed() == ["phone", "id_number", "end_date"]
    assert edit.said() == (
        "联系电话 139****1111 → 139****2222，证件号码 （无） → 320102********5615，到期日期 2027-02-28 → 2028-02-29"
    )
    expected = [
        ("1-1-101", "赵磊", "租户", "13900002222", ZHAO_LEI_ID, "2026-03-01", "2028-02-29"),
        ("1-1-101", "王小明", "子女", None, None, None, None),
    ]
    assert contact_rows(ledger) == expected
    before = {
        "contact_id": tenant.id,
        "name": "赵磊",
        "relation": "租户",
        "phone": "139****1111",
        "start_date": "2026-03-01",
        "end_date": "2027-02-28",
    }
    after = before | {"phone": "139****2222", "id_number": "320102********5615", "end_date": "2028-02-29"}
    assert journal_of(ledger, "contact.edit") == [(before, after)]
    # The same values again, however typed: nothing changes, nothing is journalled.
    same = edit_contact(ledger, tenant.id, "测试员", name=" 赵磊", phone="139-0000-2222", id_number=ZHAO_LEI_ID)
    assert same.changed() == [] and len(journal_of(ledger, "contact.edit")) == 1
    refusals: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"id_number": "110101199003071234"}, ValidationError, "身份证号校验位错误"),
        ({"phone": "12345"}, ValidationError, "联系电话“12345”不是有效的手机号或固定电话"),
        ({"end_date": dt.date(2026, 1, 1)}, ValidationError, "到期日期 2026-01-01 早于起租日期 2026-03-01"),
        (
            {"relation": "业主"},
            ValidationError,
            "“业主”是业主或共有人，请在业主名册中登记后导入；联系人的关系应为 家属 或 租户 等",
        ),
        (
            {"name": "周九、吴十"},
            ValidationError,
            "一次只能添加一位联系人：“周九、吴十”是几个人，请一位一位分别添加（每人一条 recordkit owners contact add）",
        ),
        ({"name": "张伟"}, ConflictError, "张伟是这套房屋的业主，不用再登记为租户"),
        (
            {"name": "王小明", "relation": "子女"},
            ConflictError,
            f"1-1-101 已有子女“王小明”（联系人编号 {family.id}），联系人编号 {tenant.id} 没有修改："
            "是同一个人的，请删除其中一位（recordkit owners contact remove 联系人编号）",
        ),
    ]
    for change, error, message in refusals:
        with pytest.raises(error) as refused:
            edit_contact(ledger, tenant.id, "测试员", **change)
        assert refused.value.message == message, change  # type: ignore[attr-defined]
    with pytest.raises(NotFoundError) as missing:
        edit_contact(ledger, 999, "测试员", phone="13900003333")
    assert missing.value.message == "没有编号为 999 的联系人：请用 recordkit owners contact list 查看"
    assert contact_rows(ledger) == expected and len(journal_of(ledger, "contact.edit")) == 1
    # A family member made the tenant's spouse: another relation, the same person.
    assert edit_contact(ledger, family.id, "测试员", relation="家属").changed() == ["relation"]


def test_phase_and_kind_columns_keep_units_apart(ledger: Ledger, tmp_path: Path) -> None:
    """Two phases with the same B-1-2004 are two units; shops, villas and parking spaces by their 类型."""
    from recordkit.core.config import PhaseSettings
    from recordkit.core.unitcodes import phase_spellings

    rows = [
        ["分期", "楼号", "单元", "房间", "类型", "建筑面积", "业主姓名"],
        ["香榭丽舍", "B", 1, 2004, "住宅", 120, "张伟"],
        ["巴塞罗纳", "B", 1, 2004, "住宅", 118, "李四"],
        [None, None, None, "S-101", "商铺", 60, "王五"],
        [None, None, None, "B1-023", "车位", 12.5, "张伟"],
        [None, None, None, "A12", "别墅", 320, None],
    ]
    phases = phase_spellings([PhaseSettings("香榭丽舍"), PhaseSettings("巴塞罗纳")])
    summary = import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员", phases=phases)
    assert summary.units_created == 5
    shown = {v.to_dict()["unit"]: v.to_dict()["display"] for v in list_units(ledger)}
    assert shown == {
        "香榭丽舍·B-1-2004": "香榭丽舍B栋1单元2004室",
        "巴塞罗纳·B-1-2004": "巴塞罗纳B栋1单元2004室",
        "商铺S-101": "商铺S-101",
        "车位B1-023": "地下车位B1-023",
        "别墅A12": "A12号别墅",
    }


def test_a_smart_community_export_and_a_one_cell_address(ledger: Ledger, tmp_path: Path) -> None:
    """Two more export layouts seen in offices: a smart-community app's resident list (楼栋名/单元名/房间名,
    真实姓名, 人员类型 with 业主 and 租客 rows, a column for the estate's name) and a sheet with the whole address
    in one 房屋信息 cell."""
    app = workbook(
        tmp_path / "住户信息.xlsx",
        [
            (
                "住户信息",
                [
                    ["小区名字", "楼栋名", "单元名", "房间名", "真实姓名", "电话", "人员类型", "建筑面积"],
                    ["翠湖花园", "3栋", "2单元", "1201", "王建国", "13812345678", "业主", 89.5],
                    ["翠湖花园", "3栋", "2单元", "1201", "刘洋", "13912345678", "租客", None],
                    ["翠湖花园", "3栋", "2单元", "1202", "李秀兰", "13712345678", "业主", 92],
                ],
            )
        ],
    )
    summary = import_owners(ledger, app, "测试员")
    assert summary.ignored_columns == ("小区名字",)
    assert (summary.units_created, summary.owners_created) == (2, 2)
    assert {unit: owner for unit, (_, owner) in statuses(ledger).items()} == {
        "3-2-1201": "王建国",
        "3-2-1202": "李秀兰",
    }
    assert [(c.unit, c.record.name, c.record.relation) for c in list_contacts(ledger)] == [("3-2-1201", "刘洋", "租户")]

    one_cell = workbook(
        tmp_path / "房屋资料.xlsx",
        [("Sheet1", [["房屋信息", "真实姓名", "面积"], ["5栋1单元0302室", "赵强", "120.00"]])],
    )
    import_owners(ledger, one_cell, "测试员")
    assert statuses(ledger)["5-1-302"] == ("已交付", "赵强")  # no status column: owned means delivered


def test_a_blank_parking_area_on_reimport_keeps_the_stored_area(ledger: Ledger, tmp_path: Path) -> None:
    """Blank means not given: the 12.50 ㎡ already in the ledger stays; an explicit 0 sets 0; a first import
    of a blank area is 0."""
    headers = ["房号", "建筑面积", "业主姓名", "联系电话"]

    def areas() -> dict[str, int]:  # hundredths of ㎡
        return {v.to_dict()["unit"]: v.floor_area_hundredths for v in list_units(ledger)}

    def sheet(name: str, *rows: list[Any]) -> Path:
        return workbook(tmp_path / name, [("Sheet1", [headers, *rows])])

    first = sheet("首次.xlsx", ["车位B1-023", 12.5, "张伟", "13812345678"], ["车位B1-024", None, "李四", "13912345678"])
    assert import_owners(ledger, first, "测试员").units_created == 2
    assert areas() == {"车位B1-023": 1250, "车位B1-024": 0}

    blank = sheet("车位.xlsx", ["车位B1-023", None, "张伟", "13812345678"], ["车位B1-024", "", "李四", "13912345678"])
    summary = import_owners(ledger, blank, "测试员")
    assert (summary.units_updated, summary.units_unchanged) == (0, 2)
    assert areas() == {"车位B1-023": 1250, "车位B1-024": 0}

    zero = sheet("归零.xlsx", ["车位B1-023", 0, "张伟", "13812345678"])
    assert import_owners(ledger, zero, "测试员").units_updated == 1
    assert areas()["车位B1-023"] == 0


def test_owners_an_older_version_kept_under_one_name_of_several_people_are_found(
    ledger: Ledger, tmp_path: Path
) -> None:
    """``owners_split_now`` (doctor's 业主和联系人姓名) on either backend: each owner whose stored name the import's own
    splitting makes several people (王芳、李娜, 张三和李四), in unit order, with what it makes of it; one person's
    name with 和 (王和平), a body's (华润和信置业有限公司) and a name refused today (listed as refused) are not."""
    from recordkit.owners.roster import names_refused_now, owners_split_now

    rows = [["房号", "建筑面积", "业主姓名"]] + [[f"1-1-10{n}", 90, f"业主{n}号"] for n in range(1, 7)]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    stored = ["张三和李四", "王和平", "华润和信置业有限公司", "王芳、李娜、赵磊", "王芳、李娜(已故)", "李娜、李娜"]
    with ledger.write() as conn:
        for n, name in enumerate(stored, start=1):
            conn.execute(
                sa.text("UPDATE owners SET name = :name WHERE name = :old"), {"name": name, "old": f"业主{n}号"}
            )
    assert [(s.unit, s.name, s.names) for s in owners_split_now(ledger)] == [
        ("1-1-101", "张三和李四", ("张三", "李四")),
        ("1-1-104", "王芳、李娜、赵磊", ("王芳", "李娜", "赵磊")),
    ]
    assert [(n.unit, n.name) for n in names_refused_now(ledger)] == [("1-1-105", "王芳、李娜(已故)")]


def _owners_read_back(ledger: Ledger) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The owners, the units' owners and the co-owners, read back with plain SQL."""
    with ledger.read() as conn:
        people = [tuple(r) for r in conn.execute(sa.text("SELECT id, name, phone, id_number FROM owners ORDER BY id"))]
        held = [tuple(r) for r in conn.execute(sa.text("SELECT code, owner_id FROM units ORDER BY code"))]
        co = [
            tuple(r)
            for r in conn.execute(
                sa.text(
                    "SELECT u.code, c.owner_id, c.position FROM unit_co_owners c JOIN units u ON u.id = c.unit_id"
                    " ORDER BY u.code, c.position"
                )
            )
        ]
    return people, held, co


def test_a_co_owner_row_naming_an_owner_without_an_id_number_with_one_is_the_owner(
    ledger: Ledger, tmp_path: Path
) -> None:
    """An owner without an ID number (on its row and in the ledger) and a 共有人 row of the same name with one made two
    people, 李娜 co-owner of 李娜 (papers: 尊敬的李娜、李娜业主).  The row is the owner: the ID number is the owner's —
    a stored owner's record takes it —, the phone only the row gives too; no co-owner is added."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"],
        ["1-1-101", 90, "李娜", None, None, None],
        ["1-1-101", None, "李娜", "13900001111", "440304198001010017", "共有人"],
        ["1-1-102", 90, "王芳", "13812345678", None, None],
    ]
    summary = import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert (summary.owners_created, summary.co_owners) == (2, 0)
    people, held, co = _owners_read_back(ledger)
    assert [p[1:] for p in people] == [("李娜", "13900001111", "440304198001010017"), ("王芳", "13812345678", None)]
    assert held == [("1-1-101", people[0][0]), ("1-1-102", people[1][0])]
    assert co == []
    # 王芳, stored without an ID number, is given one the same way: her own record takes it, no one else is made.
    rows = [
        ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"],
        ["1-1-102", 90, "王芳", "13812345678", None, None],
        ["1-1-102", None, "王芳\u3000", None, "110101199003071233", "共有人"],
    ]
    summary = import_owners(ledger, workbook(tmp_path / "名册2.xlsx", [("Sheet1", rows)]), "测试员")
    assert (summary.owners_created, summary.owners_updated, summary.co_owners) == (0, 1, 0)
    assert _owners_read_back(ledger) == (
        [people[0], (people[1][0], "王芳", "13812345678", "110101199003071233")],
        held,
        [],
    )
    again = import_owners(ledger, workbook(tmp_path / "名册2.xlsx", [("Sheet1", rows)]), "测试员")
    assert (again.units_unchanged, again.owners_created, again.owners_updated) == (1, 0, 0)


def test_an_id_number_a_co_owner_row_gives_the_owner_that_another_owner_holds_is_refused(
    ledger: Ledger, tmp_path: Path
) -> None:
    """The 共有人 row naming the owner (who has no ID number) gives an ID number another owner of the ledger holds, or
    gives a phone other than the owner's: refused, its cell named — the other owner and unit with the numbers masked —,
    nothing imported."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"],
        ["2-1-101", 90, "王芳", "13712345678", "440304198001010017", None],
        ["2-1-102", 90, "赵磊", None, "110101199003071233", None],
        ["2-1-102", None, "王芳", None, "440304198001010017", "共有人"],
    ]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    before = _owners_read_back(ledger)
    rows = [
        ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"],
        ["1-1-101", 90, "李娜", None, None, None],
        ["1-1-101", None, "李娜", None, "440304198001010017", "共有人"],
        ["1-1-102", 90, "孙悦", "13812345678", None, None],
        ["1-1-102", None, "孙悦", "13900002222", "110105197501010026", "共有人"],
    ]
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, workbook(tmp_path / "名册2.xlsx", [("Sheet1", rows)]), "测试员")
    assert [str(p) for p in caught.value.problems] == [
        "第 3 行 E 列（身份证号）：证件号码 440304********0017 在台账里是“王芳”（电话 137****5678，2-1-101 的业主、"
        "2-1-102 的共有人）的，这一行写的却是本户业主“李娜”：请核对号码；是同一个人，请把这个号码也写在第 2 行业主的证件号码里",
        "第 5 行 D 列（联系电话）：与第 4 行是同一位业主（姓名相同，业主那一行没有写证件号码，这一行的就是业主的），"
        "但电话不同：请核对后写成一样的；是同名的另一个人，请在第 4 行写上业主的证件号码",
    ]
    assert _owners_read_back(ledger) == before
    # The number given to another owner on an earlier row of the sheet is that row's.
    rows = [
        ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"],
        ["3-1-101", 90, "周杰", None, "110105197501010026", None],
        ["1-1-101", 90, "李娜", None, None, None],
        ["1-1-101", None, "李娜", None, "110105197501010026", "共有人"],
    ]
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, workbook(tmp_path / "名册3.xlsx", [("Sheet1", rows)]), "测试员")
    assert [str(p) for p in caught.value.problems] == [
        "第 4 行 E 列（身份证号）：证件号码 110105********0026 已写在第 2 行，是“周杰”的，这一行写的却是本户业主“李娜”："
        "请核对号码；是同一个人，请把这个号码也写在第 3 行业主的证件号码里"
    ]
    assert _owners_read_back(ledger) == before


def test_an_id_number_given_on_another_row_quotes_both_names_as_typed(ledger: Ledger, tmp_path: Path) -> None:
    """The refusal of a 共有人 row giving its owner a number another row's owner holds named that owner and the unit's
    NFKC-folded (是ZHOU JIE的, 本户业主 Li Na) though the cells said ＺＨＯＵ　ＪＩＥ and Ｌｉ　Ｎａ: quoted as typed."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"],
        ["3-1-101", 90, "ＺＨＯＵ　ＪＩＥ", None, "110105197501010026", None],
        ["1-1-101", 90, "Ｌｉ　Ｎａ", None, None, None],
        ["1-1-101", None, "Ｌｉ　Ｎａ", None, "110105197501010026", "共有人"],
    ]
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert [str(p) for p in caught.value.problems] == [
        "第 4 行 E 列（身份证号）：证件号码 110105********0026 已写在第 2 行，是“ＺＨＯＵ　ＪＩＥ”的，这一行写的却是本户业主“Ｌｉ　Ｎａ”："
        "请核对号码；是同一个人，请把这个号码也写在第 3 行业主的证件号码里"
    ]
    assert list_units(ledger) == []


def test_the_export_of_an_owner_kept_twice_before_comes_back_as_one_person_or_refused_saying_how(
    ledger: Ledger, tmp_path: Path
) -> None:
    """A ledger an earlier import left with 李娜 (no ID number) as owner and 李娜 (with one) as her co-owner: its export
    comes back with that 共有人 row naming the owner with a number her co-owner record holds.  An owner's row without
    a phone is that co-owner record (as a co-owner written again is): one person.  With a phone, refused at the
    number's cell, naming the record and what it holds; the number written on the owner's row too makes them one."""
    from openpyxl import load_workbook

    with ledger.write() as conn:
        for unit in ("1-1-101", "1-1-102"):
            conn.execute(sa.text("INSERT INTO owners (name, phone, id_number) VALUES ('李娜', NULL, NULL)"))
            phone = "'13900001111'" if unit == "1-1-102" else "NULL"
            conn.execute(sa.text(f"UPDATE owners SET phone = {phone} WHERE id = (SELECT MAX(id) FROM owners)"))
        conn.execute(sa.text("INSERT INTO owners (name, id_number) VALUES ('李娜', '440304198001010017')"))
    rows = [["房号", "建筑面积", "业主姓名"], ["1-1-101", 90, "赵磊"]]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    with ledger.write() as conn:
        conn.execute(sa.text("UPDATE units SET owner_id = 1"))
        conn.execute(sa.text("INSERT INTO unit_co_owners (unit_id, owner_id, position) SELECT id, 3, 2 FROM units"))
    exported = tmp_path / "导出.xlsx"
    export_owners(ledger, exported, "测试员")
    import_owners(ledger, exported, "测试员")
    people, held, co = _owners_read_back(ledger)
    assert (held, co) == ([("1-1-101", 3)], [])
    # The owner's ID-less record, holding nothing once merged, is deleted; 2 (never held) and 赵磊 (4, put aside by
    # hand, not by this import) are left alone.
    assert [p[0] for p in people] == [2, 3, 4]
    # The same with the owner's phone on her row: the row is no longer matched by name alone.
    with ledger.write() as conn:
        conn.execute(sa.text("UPDATE units SET owner_id = 2"))
        conn.execute(sa.text("INSERT INTO unit_co_owners (unit_id, owner_id, position) SELECT id, 3, 2 FROM units"))
    export_owners(ledger, exported, "测试员", show_private=True)
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, exported, "测试员")
    assert [str(p) for p in caught.value.problems] == [
        "第 3 行 G 列（身份证号）：证件号码 440304********0017 在台账里是“李娜”（1-1-101 的共有人）的，这一行写的却是本户业主“李娜”："
        "请核对号码；是同一个人，请把这个号码也写在第 2 行业主的证件号码里"
    ]
    book = load_workbook(exported)
    book.active["G2"] = "440304198001010017"
    book.save(exported)
    import_owners(ledger, exported, "测试员")
    people, held, co = _owners_read_back(ledger)
    assert (held, co) == ([("1-1-101", 3)], [])
    assert people == [(3, "李娜", "13900001111", "440304198001010017"), (4, "赵磊", None, None)]


def _journal_of(ledger: Ledger, action: str) -> list[tuple[Any, ...]]:
    """The journal's entries of ``action``: (entity key, before, after), read back with plain SQL."""
    with ledger.read() as conn:
        rows = conn.execute(
            sa.text("SELECT entity_key, before, after FROM journal WHERE action = :action ORDER BY id"),
            {"action": action},
        )
        return [
            (key, json.loads(before) if before else None, json.loads(after) if after else None)
            for key, before, after in rows
        ]


ROSTER_HEADERS = ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号"]


def test_an_owner_row_giving_the_stored_owner_an_id_number_is_that_owner(ledger: Ledger, tmp_path: Path) -> None:
    """王芳, stored without an ID number, holds 1-1-101 and a parking space; a roster writes her ID number on 1-1-101's
    row (name as a clerk reads it and phone as stored).  That made a new owner record holding 1-1-101, the old one
    left with the parking space (and, once it too came with the number, holding nothing), the journal telling of a new
    owner.  The row is she: her record takes the number (an owner.update in the journal, masked), no one is made; the
    parking space's row without the number, before it in the sheet, is she too; the same sheet again changes nothing."""
    rows = [
        ROSTER_HEADERS,
        ["1-1-101", 90, "王芳", "13812345678", None],
        ["车位B1-001", None, "王芳", "13812345678", None],
    ]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    people, held, _ = _owners_read_back(ledger)
    assert [p[1:] for p in people] == [("王芳", "13812345678", None)]
    rows = [
        ROSTER_HEADERS,
        ["车位B1-001", None, "王芳", "13812345678", None],
        ["1-1-101", 90, "王芳\u3000", "13812345678", "110101199003071233"],
    ]
    summary = import_owners(ledger, workbook(tmp_path / "名册2.xlsx", [("Sheet1", rows)]), "测试员")
    assert (summary.owners_created, summary.owners_updated, summary.units_updated) == (0, 1, 0)
    assert _owners_read_back(ledger) == ([(people[0][0], "王芳", "13812345678", "110101199003071233")], held, [])
    assert _journal_of(ledger, "owner.update") == [
        (
            str(people[0][0]),
            {"name": "王芳", "phone": "138****5678", "id_number": None},
            {"name": "王芳", "phone": "138****5678", "id_number": "110101********1233"},
        )
    ]
    again = import_owners(ledger, workbook(tmp_path / "名册2.xlsx", [("Sheet1", rows)]), "测试员")
    assert (again.owners_created, again.owners_updated, again.units_unchanged) == (0, 0, 2)


def test_an_owner_row_giving_the_stored_owner_a_number_another_owner_holds_is_refused(
    ledger: Ledger, tmp_path: Path
) -> None:
    """The number the row gives 王芳 (stored without one) is 赵磊's: the import renamed 赵磊 to 王芳 and gave him her
    flat.  Refused at the number's cell, naming whose it is and what he holds (masked); nothing imported."""
    rows = [
        ROSTER_HEADERS,
        ["1-1-101", 90, "王芳", "13812345678", None],
        ["2-1-101", 90, "赵磊", "13700002222", "110101199003071233"],
    ]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    before = _owners_read_back(ledger)
    rows = [ROSTER_HEADERS, ["1-1-101", 90, "王芳", "13812345678", "110101199003071233"]]
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, workbook(tmp_path / "名册2.xlsx", [("Sheet1", rows)]), "测试员")
    assert [str(p) for p in caught.value.problems] == [
        "第 2 行 E 列（身份证号）：证件号码 110101********1233 在台账里是“赵磊”（电话 137****2222，2-1-101 的业主）的，"
        "这一行写的却是本户业主“王芳”：请核对号码"
    ]
    assert _owners_read_back(ledger) == before


def test_an_owner_row_with_an_id_number_and_another_phone_is_another_person(ledger: Ledger, tmp_path: Path) -> None:
    """As the README says (业主按身份证号识别): a row naming the stored owner's name with an ID number and another phone
    is another person of that name — a new owner record holding the unit; the stored one, holding nothing after it,
    is deleted (``test_an_owner_record_an_import_leaves_holding_nothing_is_deleted``)."""
    rows = [ROSTER_HEADERS, ["1-1-101", 90, "王芳", "13812345678", None]]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    [(old_id, *_)], _, _ = _owners_read_back(ledger)
    rows = [ROSTER_HEADERS, ["1-1-101", 90, "王芳", "13900001111", "110101199003071233"]]
    summary = import_owners(ledger, workbook(tmp_path / "名册2.xlsx", [("Sheet1", rows)]), "测试员")
    assert (summary.owners_created, summary.owners_updated) == (1, 0)
    people, held, _ = _owners_read_back(ledger)
    assert [p[1:] for p in people] == [("王芳", "13900001111", "110101199003071233")]
    assert people[0][0] != old_id and held == [("1-1-101", people[0][0])]


def test_a_company_name_with_a_separator_inside_is_one_body_not_two_people(ledger: Ledger, tmp_path: Path) -> None:
    """深圳市甲乙、丙丁科技有限公司 in an owner or 租户 cell was split into two people (owner 深圳市甲乙, co-owner
    丙丁科技有限公司; two tenants).  A cell ending in an organisation word whose part before the 、 is no person's name is
    one body: kept whole by the import, not listed by doctor as an owner to split, and its export imports back
    unchanged; 张三、某某科技有限公司 is still 张三 and the company."""
    company = "深圳市甲乙、丙丁科技有限公司"
    rows = [
        ["房号", "建筑面积", "业主姓名", "租户"],
        ["1-1-101", 90, company, None],
        ["1-1-102", 90, "张三、某某科技有限公司", None],
        ["1-1-103", 90, "李四", company],
    ]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    with ledger.read() as conn:
        first, co, contacts = names_by_unit(conn)
    assert [tuple(r) for r in first] == [("1-1-101", company), ("1-1-102", "张三"), ("1-1-103", "李四")]
    assert [tuple(r) for r in co] == [("1-1-102", "某某科技有限公司")]
    assert [tuple(r) for r in contacts] == [("1-1-103", company, "租户")]
    assert owners_split_now(ledger) == []
    exported = tmp_path / "导出.xlsx"
    export_owners(ledger, exported, "测试员")
    again = import_owners(ledger, exported, "测试员")
    assert (again.units_unchanged, again.owners_created, again.co_owners) == (3, 0, 1)


def test_an_owner_record_an_import_leaves_holding_nothing_is_deleted(ledger: Ledger, tmp_path: Path) -> None:
    """An owner row of another phone made a new owner record and left the stored one in the ledger holding nothing —
    no unit, no co-ownership — for ever.  The import that leaves a record referenced by nothing deletes it in its own
    transaction, journalled (owner.delete, masked); a record still holding a unit stays.  Read back with plain SQL."""
    from recordkit.ledger.reconcile import check_tables

    def owners_table() -> list[tuple[Any, ...]]:
        with ledger.read() as conn:
            return [tuple(r) for r in conn.execute(sa.text("SELECT name, phone, id_number FROM owners ORDER BY id"))]

    rows = [
        ROSTER_HEADERS,
        ["1-1-101", 90, "王芳", "13812345678", None],
        ["1-1-102", 90, "李秀英", "13987654321", None],
        ["1-1-103", 90, "李秀英", "13987654321", None],
    ]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert owners_table() == [("王芳", "13812345678", None), ("李秀英", "13987654321", None)]
    with ledger.read() as conn:
        old_id = conn.execute(sa.text("SELECT id FROM owners WHERE name = '王芳'")).scalar_one()
    # Another phone and an ID number: another person (README); the stored 王芳 holds nothing after it.
    rows = [ROSTER_HEADERS, ["1-1-101", 90, "王芳", "13900001111", "110101199003071233"]]
    import_owners(ledger, workbook(tmp_path / "名册2.xlsx", [("Sheet1", rows)]), "测试员")
    assert owners_table() == [("李秀英", "13987654321", None), ("王芳", "13900001111", "110101199003071233")]
    assert _journal_of(ledger, "owner.delete") == [
        (str(old_id), {"name": "王芳", "phone": "138****5678", "id_number": None}, None)
    ]
    # 李秀英 gives 1-1-102 up but still holds 1-1-103: her record stays.
    rows = [ROSTER_HEADERS, ["1-1-102", 90, "赵磊", None, None]]
    import_owners(ledger, workbook(tmp_path / "名册3.xlsx", [("Sheet1", rows)]), "测试员")
    assert owners_table() == [
        ("李秀英", "13987654321", None),
        ("王芳", "13900001111", "110101199003071233"),
        ("赵磊", None, None),
    ]
    assert len(_journal_of(ledger, "owner.delete")) == 1
    with ledger.read() as conn:
        assert check_tables(conn) == []


def _names_by_unit(ledger: Ledger) -> dict[str, list[str]]:
    """Each unit's owner, then its co-owners in deed order, read back with plain SQL."""
    with ledger.read() as conn:
        first = conn.execute(sa.text("SELECT u.code, o.name FROM units u JOIN owners o ON o.id = u.owner_id")).all()
        co = conn.execute(
            sa.text(
                "SELECT u.code, o.name FROM unit_co_owners c JOIN units u ON u.id = c.unit_id"
                " JOIN owners o ON o.id = c.owner_id ORDER BY u.code, c.position"
            )
        ).all()
    names = {code: [name] for code, name in first}
    for code, name in co:
        names[code].append(name)
    return dict(sorted(names.items()))


def test_a_latin_name_written_surname_first_and_a_chinese_name_joined_by_he_are_two_owners(
    ledger: Ledger, tmp_path: Path
) -> None:
    """Smith, John和李四 was imported as one owner of that whole name (the cell's comma split it into Smith and
    John和李四, which is no name, so the cell was kept whole), and 王芳和Brown, Mary likewise.  A Latin name written
    surname first beside 和 is one person and the Chinese name the other; with 、 or ； it was so already, and
    Smith, John alone stays one person."""
    rows = [
        ["房号", "建筑面积", "业主姓名"],
        ["1-1-101", 90, "Smith, John和李四"],
        ["1-1-102", 90, "王芳和Brown, Mary"],
        ["1-1-103", 90, "Green, Tom、Mary Lee"],
        ["1-1-104", 90, "White, Anna"],
        ["1-1-105", 90, "Black, Jack；赵磊"],
        ["1-1-106", 90, "GREY,ADAM 和 孙悦"],
    ]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert _names_by_unit(ledger) == {
        "1-1-101": ["Smith, John", "李四"],
        "1-1-102": ["王芳", "Brown, Mary"],
        "1-1-103": ["Green, Tom", "Mary Lee"],
        "1-1-104": ["White, Anna"],
        "1-1-105": ["Black, Jack", "赵磊"],
        "1-1-106": ["GREY,ADAM", "孙悦"],
    }


def test_a_name_after_a_company_s_name_and_a_blank_is_another_owner(ledger: Ledger, tmp_path: Path) -> None:
    """幸福里房地产开发有限公司 扎西 was imported as one owner of that whole name (a body's name is never split, and a
    blank is no separator), and 幸福里 建材有限公司、顿珠 too (its first part, with a blank inside, was no name, so the
    cell was kept whole).  A company's name ends at its legal suffix: what follows after a blank or a separator is
    another owner (a co-owner), while a blank before the suffix is inside the name, and what follows a blank that is
    itself a body's name (its branch: 某某科技有限公司 广州分公司) stays part of it."""
    rows = [
        ["房号", "建筑面积", "业主姓名"],
        ["S-101", 60, "幸福里房地产开发有限公司 扎西"],
        ["S-102", 60, "幸福里物业服务有限公司、卓玛"],
        ["S-103", 60, "阳光置业集团/次仁"],
        ["S-104", 60, "幸福里 房地产经纪事务所"],
        ["S-105", 60, "幸福里 建材有限公司 顿珠"],
        ["S-106", 60, "幸福里 装饰有限公司、拉姆"],
        ["S-107", 60, "某某科技有限公司 广州分公司"],
        ["S-108", 60, "某某商贸有限公司\u3000John Smith"],
    ]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert _names_by_unit(ledger) == {
        "S-101": ["幸福里房地产开发有限公司", "扎西"],
        "S-102": ["幸福里物业服务有限公司", "卓玛"],
        "S-103": ["阳光置业集团", "次仁"],
        "S-104": ["幸福里 房地产经纪事务所"],
        "S-105": ["幸福里 建材有限公司", "顿珠"],
        "S-106": ["幸福里 装饰有限公司", "拉姆"],
        "S-107": ["某某科技有限公司 广州分公司"],
        "S-108": ["某某商贸有限公司", "John Smith"],
    }


def test_a_person_s_name_before_a_company_s_name_and_a_blank_is_another_owner(ledger: Ledger, tmp_path: Path) -> None:
    """张三 幸福里房地产开发有限公司 was imported as one owner of that whole name, while 幸福里房地产开发有限公司 张三 was a
    company and its co-owner.  A person's name, a blank, then a company's whole name is read as the company first is:
    the first written the owner, the other its co-owner, the import saying nothing more; a company whose name starts
    as a person's would (张三丰餐饮有限公司, with or without a blank) stays one owner.  Read back with plain SQL."""
    rows = [
        ["房号", "建筑面积", "业主姓名"],
        ["S-101", 60, "张三 幸福里房地产开发有限公司"],
        ["S-102", 60, "幸福里房地产开发有限公司 张三"],
        ["S-103", 60, "李四、幸福里商贸有限公司"],
        ["S-104", 60, "王五 幸福里 建材有限公司"],
        ["S-105", 60, "张三丰餐饮有限公司"],
        ["S-106", 60, "张三丰 餐饮有限公司"],
    ]
    summary = import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert _names_by_unit(ledger) == {
        "S-101": ["张三", "幸福里房地产开发有限公司"],
        "S-102": ["幸福里房地产开发有限公司", "张三"],
        "S-103": ["李四", "幸福里商贸有限公司"],
        "S-104": ["王五", "幸福里 建材有限公司"],
        "S-105": ["张三丰餐饮有限公司"],
        "S-106": ["张三丰 餐饮有限公司"],
    }
    # 张三 and the company of S-101 and S-102 are the same two owners, each once.
    assert (summary.owners_created, summary.co_owners, summary.warnings) == (8, 4, [])
    # Such a name an older version kept whole is one doctor names for the re-import to split, as the company first.
    with ledger.write() as conn:
        conn.execute(sa.text("UPDATE owners SET name = '王五 幸福里 建材有限公司' WHERE name = '王五'"))
    assert [split.said() for split in owners_split_now(ledger)] == [
        "S-104 业主 王五 幸福里 建材有限公司（重新导入时会拆成业主和共有人：业主 王五，共有人 幸福里 建材有限公司）"
    ]


def test_each_person_s_name_before_a_company_s_name_is_another_owner(ledger: Ledger, tmp_path: Path) -> None:
    """张三 李四 幸福里商贸有限公司 was imported as owner 张三 and a co-owner company named 李四 幸福里商贸有限公司.  Each
    person's name before the company's is an owner, as one is: 张三 the owner, 李四 and the company its co-owners in
    that order, the import saying nothing more; 华润 置地有限公司 and 张三丰餐饮有限公司 stay one company.  Read back
    with plain SQL."""
    rows = [
        ["房号", "建筑面积", "业主姓名"],
        ["S-101", 60, "张三 李四 幸福里商贸有限公司"],
        ["S-102", 60, "王五 赵六 钱七 幸福里 建材有限公司"],
        ["S-103", 60, "华润 置地有限公司"],
        ["S-104", 60, "张三丰餐饮有限公司"],
    ]
    summary = import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert _names_by_unit(ledger) == {
        "S-101": ["张三", "李四", "幸福里商贸有限公司"],
        "S-102": ["王五", "赵六", "钱七", "幸福里 建材有限公司"],
        "S-103": ["华润 置地有限公司"],
        "S-104": ["张三丰餐饮有限公司"],
    }
    assert (summary.owners_created, summary.co_owners, summary.warnings) == (9, 5, [])
    # Kept whole by an older version, doctor names it for the re-import to split into all three.
    with ledger.write() as conn:
        conn.execute(sa.text("UPDATE owners SET name = '张三 李四 幸福里商贸有限公司' WHERE name = '张三'"))
    assert [split.said() for split in owners_split_now(ledger)] == [
        "S-101 业主 张三 李四 幸福里商贸有限公司（重新导入时会拆成业主和共有人：业主 张三，共有人 李四、幸福里商贸有限公司）"
    ]


def _old_pair_ledger(ledger: Ledger, holdings: dict[str, list[str]]) -> dict[str, int]:
    """A ledger as an older import left it, built with plain SQL: Smith, John split at its comma into owners Smith
    (with the phone and ID number) and John, 王芳 beside them; ``holdings``: unit -> its owners in deed order."""
    with ledger.write() as conn:
        conn.execute(
            sa.text("INSERT INTO owners (name, phone, id_number) VALUES (:name, :phone, :id_number)"),
            [
                {"name": "Smith", "phone": "13812345678", "id_number": "110101199003071233"},
                {"name": "John", "phone": None, "id_number": None},
                {"name": "王芳", "phone": "13900001111", "id_number": None},
            ],
        )
        ids = {name: id_ for id_, name in conn.execute(sa.text("SELECT id, name FROM owners"))}
        for code, names in holdings.items():
            building, entrance, room = code.split("-")
            conn.execute(
                sa.text(
                    "INSERT INTO units (code, kind, phase, building, entrance, room, floor_area_hundredths, status,"
                    " owner_id) VALUES (:code, '住宅', '', :building, :entrance, :room, 9000, 'occupied', :owner)"
                ),
                {"code": code, "building": building, "entrance": entrance, "room": room, "owner": ids[names[0]]},
            )
            unit_id = conn.execute(sa.text("SELECT id FROM units WHERE code = :code"), {"code": code}).scalar_one()
            for position, name in enumerate(names[1:], start=2):
                conn.execute(
                    sa.text("INSERT INTO unit_co_owners (unit_id, owner_id, position) VALUES (:unit, :owner, :pos)"),
                    {"unit": unit_id, "owner": ids[name], "pos": position},
                )
    return ids


def _owners_table(ledger: Ledger) -> list[tuple[Any, ...]]:
    with ledger.read() as conn:
        return [tuple(r) for r in conn.execute(sa.text("SELECT id, name, phone, id_number FROM owners ORDER BY id"))]


def test_the_two_owners_an_older_import_made_of_smith_john_are_merged_into_the_one_a_re_import_makes(
    ledger: Ledger, tmp_path: Path
) -> None:
    """An older import split Smith, John at its comma into owners Smith and John (1-1-101; and 1-1-102 with 王芳 after
    them).  Re-importing 1-1-101 as Smith, John made a new owner and left Smith and John holding 1-1-102, with Smith's
    ID number on the old record.  Now the two are merged into the new one in the import's transaction: 1-1-102 moves
    to Smith, John (王芳 still after), who takes the ID number only Smith had; each old record and the unit moved are
    journalled as owner.merge (masked), none as a deletion; the import says so; the same sheet again changes nothing."""
    ids = _old_pair_ledger(ledger, {"1-1-101": ["Smith", "John"], "1-1-102": ["Smith", "John", "王芳"]})
    rows = [ROSTER_HEADERS, ["1-1-101", 90, "Smith, John", "13812345678", None]]
    sheet = workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)])
    summary = import_owners(ledger, sheet, "测试员")
    people = _owners_table(ledger)
    new_id = people[-1][0]
    assert [p[1:] for p in people] == [
        ("王芳", "13900001111", None),
        ("Smith, John", "13812345678", "110101199003071233"),
    ]
    assert new_id > max(ids.values())
    assert _names_by_unit(ledger) == {"1-1-101": ["Smith, John"], "1-1-102": ["Smith, John", "王芳"]}
    with ledger.read() as conn:
        positions = conn.execute(sa.text("SELECT owner_id, position FROM unit_co_owners")).all()
    assert [tuple(p) for p in positions] == [(ids["王芳"], 2)]
    merged_into = {"merged_into": str(new_id), "name": "Smith, John"}
    assert _journal_of(ledger, "owner.merge") == [
        ("1-1-102", {"owners": ["Smith", "John", "王芳"]}, {"owners": ["Smith, John", "王芳"]}),
        (str(ids["Smith"]), {"name": "Smith", "phone": "138****5678", "id_number": "110101********1233"}, merged_into),
        (str(ids["John"]), {"name": "John", "phone": None, "id_number": None}, merged_into),
    ]
    assert _journal_of(ledger, "owner.delete") == []
    assert summary.owners_removed == 0
    assert [merge.said("已") for merge in summary.owners_merged] == [
        "1-1-101 的业主“Smith, John”在台账里原是两位业主“Smith”和“John”：已合并为一位，1-1-102 也一并转到“Smith, John”名下"
    ]
    again = import_owners(ledger, sheet, "测试员")
    assert (again.units_unchanged, again.owners_created, again.owners_updated, again.owners_merged) == (1, 0, 0, [])


def test_an_old_pair_that_holds_a_unit_apart_is_not_merged_and_the_import_says_so(
    ledger: Ledger, tmp_path: Path
) -> None:
    """Smith alone holds 1-1-102 (no John beside him): which of the two that unit is cannot be told, so the import does
    what it did before — 1-1-101 goes to a new owner Smith, John, Smith keeps 1-1-102, John, left holding nothing, is
    deleted — and says why the two were not merged, in Chinese."""
    ids = _old_pair_ledger(ledger, {"1-1-101": ["Smith", "John"], "1-1-102": ["Smith"]})
    rows = [ROSTER_HEADERS, ["1-1-101", 90, "Smith, John", "13812345678", None]]
    summary = import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert [p[1:] for p in _owners_table(ledger)] == [
        ("Smith", "13812345678", "110101199003071233"),
        ("王芳", "13900001111", None),
        ("Smith, John", "13812345678", None),
    ]
    assert _names_by_unit(ledger) == {"1-1-101": ["Smith, John"], "1-1-102": ["Smith"]}
    assert _journal_of(ledger, "owner.merge") == []
    assert _journal_of(ledger, "owner.delete") == [
        (str(ids["John"]), {"name": "John", "phone": None, "id_number": None}, None)
    ]
    assert [merge.said("已") for merge in summary.owners_merged] == [
        "1-1-101 的业主“Smith, John”在台账里原是两位业主“Smith”和“John”：没有合并，另有房屋没有两位一起登记"
        "（1-1-102 的业主 Smith）；请核对这些房屋的业主，写进名册再导入"
    ]


def test_an_old_pair_whose_first_record_the_sheet_s_id_number_names_is_merged_into_that_record(
    ledger: Ledger, tmp_path: Path
) -> None:
    """The row gives Smith's ID number: the import renames Smith's record Smith, John (the number says who), and John,
    beside him on 1-1-102, was left there as co-owner of himself.  Now John is merged into that record."""
    ids = _old_pair_ledger(ledger, {"1-1-101": ["Smith", "John"], "1-1-102": ["Smith", "John", "王芳"]})
    rows = [ROSTER_HEADERS, ["1-1-101", 90, "Smith, John", "13812345678", "110101199003071233"]]
    summary = import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert _owners_table(ledger) == [
        (ids["Smith"], "Smith, John", "13812345678", "110101199003071233"),
        (ids["王芳"], "王芳", "13900001111", None),
    ]
    assert _names_by_unit(ledger) == {"1-1-101": ["Smith, John"], "1-1-102": ["Smith, John", "王芳"]}
    assert _journal_of(ledger, "owner.merge") == [
        ("1-1-102", {"owners": ["Smith, John", "John", "王芳"]}, {"owners": ["Smith, John", "王芳"]}),
        (
            str(ids["John"]),
            {"name": "John", "phone": None, "id_number": None},
            {"merged_into": str(ids["Smith"]), "name": "Smith, John"},
        ),
    ]
    assert [merge.said("已") for merge in summary.owners_merged] == [
        "1-1-101 的业主“Smith, John”在台账里原是两位业主“Smith”和“John”：已合并为一位，1-1-102 也一并转到“Smith, John”名下"
    ]


def test_an_old_pair_with_another_id_number_than_the_sheet_s_is_not_merged(ledger: Ledger, tmp_path: Path) -> None:
    """The row gives Smith, John another ID number than the one Smith holds: by the numbers, two people.  The import
    does what it did — a new owner of that number, the old two, left holding nothing, deleted — and says why it did not
    merge them."""
    ids = _old_pair_ledger(ledger, {"1-1-101": ["Smith", "John"]})
    rows = [ROSTER_HEADERS, ["1-1-101", 90, "Smith, John", "13812345678", "310104198506120027"]]
    summary = import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert [p[1:] for p in _owners_table(ledger)] == [
        ("王芳", "13900001111", None),
        ("Smith, John", "13812345678", "310104198506120027"),
    ]
    assert _journal_of(ledger, "owner.merge") == []
    assert [key for key, _, _ in _journal_of(ledger, "owner.delete")] == [str(ids["Smith"]), str(ids["John"])]
    assert [merge.said("已") for merge in summary.owners_merged] == [
        "1-1-101 的业主“Smith, John”在台账里原是两位业主“Smith”和“John”：没有合并，旧记录的证件号码与名册里写的不同："
        "是同一个人的，请核对号码后再导入"
    ]


def test_names_in_warnings_and_errors_about_the_sheet_are_quoted_as_typed(ledger: Ledger, tmp_path: Path) -> None:
    """Names are kept NFKC-folded (ＡＢＣ is ABC), but a line about a cell quotes the cell as typed, so that the clerk
    finds it with Excel's search."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "租户", "共有人"],
        ["1-1-101", 90, "Ｗａｎｇ、餐饮有限公司", None, None],
        ["1-1-102", 90, "Ｚｈａｎｇ　Ｓａｎ、丰餐饮有限公司", None, None],
        ["1-1-103", 90, "王五", "Ｌｉ、餐饮有限公司", None],
        ["1-1-104", 90, "王六", None, "Ｌｉ，丰餐饮有限公司"],
    ]
    summary = import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert [warning.split("，不是单位的全称")[0] for warning in summary.warnings] == [
        "第 2 行（业主姓名）：“Ｗａｎｇ、餐饮有限公司”可能是一家单位，也可能是两位业主：“餐饮有限公司”前面没有字号",
        "第 3 行（业主姓名）：“Ｚｈａｎｇ　Ｓａｎ、丰餐饮有限公司”可能是一家单位，也可能是两位业主：“丰餐饮有限公司”的字号只有一个字",
        "第 4 行（租户）：“Ｌｉ、餐饮有限公司”可能是一家单位，也可能是两位租户：“餐饮有限公司”前面没有字号",
        "第 5 行（共有人）：“Ｌｉ，丰餐饮有限公司”可能是一家单位，也可能是两位共有人：“丰餐饮有限公司”的字号只有一个字",
    ]
    # Stored folded, as before.
    assert {view.to_dict()["unit"]: view.owner for view in list_units(ledger)} == {
        "1-1-101": "Wang、餐饮有限公司",
        "1-1-102": "Zhang San、丰餐饮有限公司",
        "1-1-103": "王五",
        "1-1-104": "王六",
    }


def test_a_contact_naming_the_owner_is_refused_quoting_the_cell_as_typed(ledger: Ledger, tmp_path: Path) -> None:
    refused = [
        ["房号", "建筑面积", "业主姓名", "关系", "租户"],
        ["2-1-101", 90, "ＺＨＡＮＧ　ＳＡＮ", None, "ＺＨＡＮＧ　ＳＡＮ"],
        ["2-1-102", 90, "Ｌｉ Ｍｉｎｇ", None, None],
        ["2-1-102", None, "Ｌｉ Ｍｉｎｇ", "家属", None],
    ]
    assert problems_of(ledger, workbook(tmp_path / "有错.xlsx", [("Sheet1", refused)])) == [
        "第 2 行 E 列（租户）：ＺＨＡＮＧ　ＳＡＮ是这套房屋的业主，不用再登记为租户",
        "第 4 行 C 列（业主姓名）：Ｌｉ Ｍｉｎｇ是这套房屋的业主，不用再登记为家属",
    ]


def test_a_contact_of_the_owners_name_but_another_id_number_is_another_person(ledger: Ledger, tmp_path: Path) -> None:
    """Two people of one name: the owner 张伟 and his tenant 张伟, each with his own ID number, as an export writes them
    (a 关系 row under the owner's).  The import refused the tenant as the owner named again (张伟是这套房屋的业主，
    不用再登记为租户); where both numbers are known they decide, so the tenant is imported.  Without the tenant's
    number the name still decides, as before."""
    headers = ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"]
    rows = [
        headers,
        ["1-1-101", 90, "张伟", "13912345678", "110101199003071233", None],
        ["1-1-101", None, "张伟", "13800138000", "320102198802145615", "租户"],
    ]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert [(c.record.name, c.record.relation, c.record.id_number) for c in list_contacts(ledger, "1-1-101")] == [
        ("张伟", "租户", "320102198802145615")
    ]
    rows[2][4] = None
    rows[1][0] = rows[2][0] = "1-1-102"
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, workbook(tmp_path / "名册2.xlsx", [("Sheet1", rows)]), "测试员")
    assert [str(p) for p in caught.value.problems] == [
        "第 3 行 C 列（业主姓名）：张伟是这套房屋的业主，不用再登记为租户"
    ]


def test_one_relation_to_a_unit_is_judged_by_id_number_where_both_are_known(ledger: Ledger, tmp_path: Path) -> None:
    """A unit's 家属 张伟 kept on the ledger and a 租户 张伟 the sheet states, each with his own ID number, are two people:
    the import refused the tenant (一个人在一套房屋只登记一种关系) by name alone.  One passport written under two
    spellings (家属 John Smith kept, 租户 Smith John written) is still refused, by its number: as one person under two
    relations and two spellings, naming the kept contact and the fix (it said 租户、家属应填本人的证件号, as if the
    number were someone else's).  The fix's --name is written as a shell takes it back whole, as every suggested
    command writes a typed value (``core.filenames.as_shell_word``; it was always in double quotes)."""
    headers = ["房号", "建筑面积", "业主姓名", "联系电话", "证件类型", "证件号码", "关系"]
    first = [headers, ["1-1-101", 90, "李娜", "13912345678", None, "110101199003071233", None]]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", first)]), "测试员")
    add_contact(ledger, "1-1-101", "张伟", "家属", "测试员", id_number="320102198802145615")
    add_contact(ledger, "1-1-101", "John Smith", "家属", "测试员", id_type="护照", id_number="E12345678")
    tenant = ["1-1-101", None, "张伟", "13800138000", None, "11010519491231002X", "租户"]
    import_owners(ledger, workbook(tmp_path / "名册2.xlsx", [("Sheet1", [*first, tenant])]), "测试员")
    assert sorted((c.record.name, c.record.relation) for c in list_contacts(ledger, "1-1-101")) == [
        ("John Smith", "家属"),
        ("张伟", "家属"),
        ("张伟", "租户"),
    ]
    spelled = ["1-1-101", None, "Smith John", "13800138001", "护照", "E12345678", "租户"]
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, workbook(tmp_path / "名册3.xlsx", [("Sheet1", [*first, tenant, spelled])]), "测试员")
    assert [str(p) for p in caught.value.problems] == [
        "第 4 行 F 列（证件号码）：1-1-101 的家属“John Smith”（联系人编号 2）已在台账里，证件号码 E1*****78 相同，与这一行的"
        "“Smith John”是同一个人：一个人在一套房屋只登记一种关系、一种姓名，关系或姓名变了的，先用 recordkit owners contact "
        "edit 2 --relation 租户 --name 'Smith John' 改正再导入"
    ]


def test_a_re_import_stating_a_family_member_kept_twice_neither_grows_nor_loses_him(
    ledger: Ledger, tmp_path: Path
) -> None:
    """An older version kept one 家属 twice on a unit (same name, same ID number).  A roster re-stating the unit's 家属
    with him leaves one 家属 张伟 with his number and phone: no third row, none lost; written without his number, the
    same."""
    headers = ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"]
    first = [headers, ["1-1-101", 90, "李娜", "13912345678", "110101199003071233", None]]
    import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", first)]), "测试员")
    kept = add_contact(ledger, "1-1-101", "张伟", "家属", "测试员", id_number="320102198802145615", phone="13800138000")
    with ledger.write() as conn:  # as an older version left it: the counter refuses a second 家属 张伟 today
        row = dict(conn.execute(sa.select(unit_contacts).where(unit_contacts.c.id == kept.id)).mappings().one())
        conn.execute(unit_contacts.insert().values({k: v for k, v in row.items() if k != "id"}))
    family = ["1-1-101", None, "张伟", "13800138000", "320102198802145615", "家属"]
    for number in ("320102198802145615", None):
        family[4] = number
        import_owners(ledger, workbook(tmp_path / "名册2.xlsx", [("Sheet1", [*first, family])]), "测试员")
        contacts = [
            (c.record.name, c.record.relation, c.record.id_number, c.record.phone) for c in list_contacts(ledger)
        ]
        assert contacts == [("张伟", "家属", "320102198802145615", "13800138000")], number


def test_one_sheet_may_name_a_family_member_and_a_tenant_of_one_name_told_apart_by_id_numbers(
    ledger: Ledger, tmp_path: Path
) -> None:
    """A sheet writing 1-1-101's 家属 张敏 and its 租户 张敏, each with his own ID number, was refused on the second row
    (已写在第 3 行，一个人在一套房屋只登记一种关系) by name alone; both numbers known and different, they are two people.
    Without the tenant's number the name decides, as before."""
    headers = ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"]
    rows = [
        headers,
        ["1-1-101", 90, "李娜", "13912345678", "110101199003071233", None],
        ["1-1-101", None, "张敏", None, "330106197206104561", "家属"],
        ["1-1-101", None, "张敏", None, "11010519491231002X", "租户"],
    ]
    for _ in range(2):  # imported again unchanged: no third row
        import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
        contacts = sorted((c.record.name, c.record.relation, c.record.id_number) for c in list_contacts(ledger))
        assert contacts == [("张敏", "家属", "330106197206104561"), ("张敏", "租户", "11010519491231002X")]
    rows[3][4] = None
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, workbook(tmp_path / "名册2.xlsx", [("Sheet1", rows)]), "测试员")
    assert [str(p) for p in caught.value.problems] == [
        "第 4 行 F 列（关系）：1-1-101 的家属“张敏”已写在第 3 行，一个人在一套房屋只登记一种关系：请核对后只留一行"
    ]


def test_two_family_members_of_one_name_told_apart_by_id_numbers_are_both_imported(
    run_cli: Any, workspace: Workspace
) -> None:
    """A real export writing 1-1-101's two 家属 张敏, each with his own ID number and phone, was refused on the second
    row (已写在第 3 行，但电话、证件号码或租期不同) as one person written twice: both numbers known and different, they are
    two people.  One 张敏 written twice (one number, or the second without one) with two phones is still refused."""
    headers = ["序号", "房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系", "备注"]
    rows = [
        ["幸福里小区业主名册"],
        headers,
        [1, "1-1-101", 89.5, "李娜", "13912345678", "110101199003071233", "业主", None],
        [2, "1-1-101", None, "张敏", "13800138001", "330106197206104561", "家属", "女儿"],
        [3, "1-1-101", None, "张敏", "13800138002", "11010519491231002X", "家属", "母亲"],
    ]
    imported = run_cli("owners", "import", str(workbook(workspace.root / "名册.xlsx", [("业主名册", rows)])))
    assert imported.exit_code == 0, imported.output
    listed = run_cli("owners", "contact", "list", "--json", "--show-private")
    assert listed.exit_code == 0, listed.output
    assert sorted((c["unit"], c["name"], c["relation"], c["phone"]) for c in json.loads(listed.stdout)) == [
        ("1-1-101", "张敏", "家属", "13800138001"),
        ("1-1-101", "张敏", "家属", "13800138002"),
    ]
    for number in ("330106197206104561", None):
        rows[4][5] = number
        refused = run_cli("owners", "import", str(workbook(workspace.root / "名册2.xlsx", [("业主名册", rows)])))
        assert refused.exit_code == 5, number
        assert (
            "第 5 行 D 列（业主姓名）：1-1-101 的家属“张敏”已写在第 4 行，但电话、证件号码或租期不同：请核对后只留一行"
            in (refused.stderr)
        ), number


def test_one_passport_under_two_spellings_and_two_relations_in_one_sheet_is_one_person(
    ledger: Ledger, tmp_path: Path
) -> None:
    """A sheet writing 1-1-101's 家属 John Smith and its 租户 Smith John with one passport number was refused as if the
    tenant held someone else's number (租户、家属应填本人的证件号); it is his own: one person under two relations and two
    spellings, and the message says so, naming both rows."""
    headers = ["房号", "建筑面积", "业主姓名", "联系电话", "证件类型", "证件号码", "关系"]
    rows = [
        headers,
        ["1-1-101", 90, "李娜", "13912345678", None, "110101199003071233", None],
        ["1-1-101", None, "John Smith", "13800138001", "护照", "E12345678", "家属"],
        ["1-1-101", None, "Smith John", "13800138001", "护照", "E12345678", "租户"],
    ]
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", rows)]), "测试员")
    assert [str(p) for p in caught.value.problems] == [
        "第 4 行 G 列（关系）：1-1-101 的家属“John Smith”已写在第 3 行，与这一行的“Smith John”证件号码相同，是同一个人："
        "一个人在一套房屋只登记一种关系、一种姓名，请核对后只留一行"
    ]
    assert list_contacts(ledger) == []


def test_a_re_import_naming_one_of_two_namesakes_keeps_his_own_number_and_phone(ledger: Ledger, tmp_path: Path) -> None:
    """1-1-101 has two 家属 张敏 of two ID numbers.  A roster naming one of them again with his phone and a blank ID
    number gave him the other's number (kept by name and relation alone); naming him with his number and a blank phone
    gave him the other's phone.  Each keeps his own now."""
    headers = ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"]
    owner = ["1-1-101", 90, "李娜", "13912345678", "110101199003071233", None]
    both = [
        headers,
        owner,
        ["1-1-101", None, "张敏", "13800138001", "330106197206104561", "家属"],
        ["1-1-101", None, "张敏", "13800138002", "11010519491231002X", "家属"],
    ]
    for again, kept in (
        (["1-1-101", None, "张敏", "13800138001", None, "家属"], ("张敏", "家属", "13800138001", "330106197206104561")),
        (
            ["1-1-101", None, "张敏", None, "330106197206104561", "家属"],
            ("张敏", "家属", "13800138001", "330106197206104561"),
        ),
        (
            ["1-1-101", None, "张敏", None, "11010519491231002X", "家属"],
            ("张敏", "家属", "13800138002", "11010519491231002X"),
        ),
    ):
        import_owners(ledger, workbook(tmp_path / "名册.xlsx", [("Sheet1", both)]), "测试员")
        import_owners(ledger, workbook(tmp_path / "名册2.xlsx", [("Sheet1", [headers, owner, again])]), "测试员")
        contacts = [
            (c.record.name, c.record.relation, c.record.phone, c.record.id_number) for c in list_contacts(ledger)
        ]
        assert contacts == [kept], again


_NAMESAKES_HEADERS = ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"]
_NAMESAKES_OWNER = ["1-1-101", 90, "李娜", "13912345678", "110101199003071233", None]


def _two_namesakes(workspace: Workspace, run_cli: Any, second_phone: str = "13800138002") -> None:
    """1-1-101 of owner 李娜 with two 家属 张敏 of two ID numbers (联系人编号 1 and 2), phones 13800138001 and
    ``second_phone``."""
    rows = [
        _NAMESAKES_HEADERS,
        _NAMESAKES_OWNER,
        ["1-1-101", None, "张敏", "13800138001", "330106197206104561", "家属"],
        ["1-1-101", None, "张敏", second_phone, "11010519491231002X", "家属"],
    ]
    assert run_cli("owners", "import", str(workbook(workspace.root / "名册.xlsx", [("Sheet1", rows)]))).exit_code == 0


def _contacts_listed(run_cli: Any) -> list[tuple[str, str, str, str | None]]:
    listed = json.loads(run_cli("owners", "contact", "list", "--json", "--show-private").stdout)
    return [(c["name"], c["relation"], c["phone"], c["id_number"]) for c in listed]


def test_a_dropped_namesake_s_number_may_go_to_another_contact(workspace: Workspace, run_cli: Any) -> None:
    """Of two 家属 张敏, a roster names one again by his phone with a blank ID number and drops the other; a 租户 given
    the dropped one's number was refused as holding 本户另一位联系人的证件号码 (both 张敏 were taken to keep theirs)."""
    _two_namesakes(workspace, run_cli)
    rows = [
        [*_NAMESAKES_HEADERS, "租户"],
        [*_NAMESAKES_OWNER, None],
        ["1-1-101", None, "张敏", "13800138001", None, "家属", None],
        ["1-1-101", None, "王五", "13700137000", "11010519491231002X", "租户", None],
    ]
    result = run_cli("owners", "import", str(workbook(workspace.root / "名册2.xlsx", [("Sheet1", rows)])))
    assert result.exit_code == 0, result.stderr
    assert _contacts_listed(run_cli) == [
        ("张敏", "家属", "13800138001", "330106197206104561"),
        ("王五", "租户", "13700137000", "11010519491231002X"),
    ]


@pytest.mark.parametrize(
    ("phone", "second_phone"),
    [(None, "13800138002"), ("13800138009", "13800138002"), ("13800138001", "13800138001")],
)
def test_one_of_two_namesakes_named_without_number_or_his_phone_is_refused(
    workspace: Workspace, run_cli: Any, phone: str | None, second_phone: str
) -> None:
    """A roster naming one of two 家属 张敏 again with a blank ID number and no phone, a phone neither has or the one
    both share, recorded him without a number, silently; now its row is refused naming both stored 张敏, and nothing
    is written."""
    _two_namesakes(workspace, run_cli, second_phone)
    rows = [_NAMESAKES_HEADERS, _NAMESAKES_OWNER, ["1-1-101", None, "张敏", phone, None, "家属"]]
    result = run_cli("owners", "import", str(workbook(workspace.root / "名册2.xlsx", [("Sheet1", rows)])))
    assert result.exit_code == 5
    assert "有 1 位联系人分不出是台账里同名的哪一位，没有导入任何数据" in result.stderr
    assert (
        "第 3 行 E 列（身份证号）："
        "1-1-101 有 2 位家属“张敏”（联系人编号 1、2），这一行没有填证件号码，电话也分不出是哪一位：请填上他的证件号码再导入"
        in result.stderr
    )
    assert _contacts_listed(run_cli) == [
        ("张敏", "家属", "13800138001", "330106197206104561"),
        ("张敏", "家属", second_phone, "11010519491231002X"),
    ]
