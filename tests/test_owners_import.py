"""Owners import: header matching, every validation error, all-or-nothing, re-import, round trips."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from recordkit.core.errors import NotFoundError, ValidationError
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger
from recordkit.owners.roster import export_owners, import_owners, list_units, show_unit
from tests.conftest import OWNER_HEADERS, SAMPLE_ROWS, write_sheet


def counts(ledger: Ledger) -> tuple[int, int, int]:
    with ledger.read() as conn:
        return tuple(
            conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in ("units", "owners", "journal")
        )


def problems_of(ledger: Ledger, path: Path) -> list[str]:
    before = counts(ledger)
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, path, "测试员")
    assert counts(ledger) == before, "a bad sheet must change nothing"
    return [str(p) for p in caught.value.problems]


def test_import_then_list_and_show(ledger: Ledger, tmp_path: Path) -> None:
    summary = import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS), "测试员")
    assert (summary.units_created, summary.owners_created, summary.units_updated) == (4, 2, 0)
    assert counts(ledger) == (4, 2, 6)  # 4 units + 2 owners journalled
    rows = [v.to_dict() for v in list_units(ledger)]
    assert [r["unit"] for r in rows] == ["1-1-101", "1-1-102", "3-2-1201", "3-2-1202"]
    assert rows[0] == {
        "unit": "1-1-101",
        "display": "1栋1单元101室",
        "kind": "住宅",
        "phase": "",
        "building": "1",
        "entrance": "1",
        "room": "101",
        "area": 89.35,
        "status": "已入住",
        "owner": "张伟",
        "phone": "138****5678",
        "id_type": "居民身份证",
        "id_number": "110101********1233",
        "move_in_date": "2020-05-01",
    }
    assert rows[1]["status"] == "已交付" and rows[3]["owner"] is None and rows[3]["status"] == "空置"
    assert [v.to_dict()["unit"] for v in list_units(ledger, building="3栋")] == ["3-2-1201", "3-2-1202"]
    view, holdings = show_unit(ledger, "3栋2单元1201室")
    assert view.owner == "李秀英" and holdings == ["1-1-102", "3-2-1201"]
    assert view.to_dict(show_private=True)["id_number"] == "310104198506120027"


def test_the_journal_keeps_phones_and_id_numbers_masked(ledger: Ledger, tmp_path: Path) -> None:
    import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS), "测试员")
    with ledger.read() as conn:
        logged = " ".join(conn.execute(sa.text("SELECT after FROM journal")).scalars().all())
    assert "310104198506120027" not in logged and "110101199003071233" not in logged
    assert "110101********1233" in logged
    assert "138****5678" in logged and "13812345678" not in logged


def test_show_unknown_unit(ledger: Ledger) -> None:
    with pytest.raises(NotFoundError, match="台账中没有房屋 9-9-909"):
        show_unit(ledger, "9#9-909")


def test_reimport_changes_nothing_and_journals_nothing(ledger: Ledger, tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS)
    import_owners(ledger, sheet, "测试员")
    before = counts(ledger)
    summary = import_owners(ledger, sheet, "测试员")
    assert (summary.units_created, summary.units_updated, summary.units_unchanged) == (0, 0, 4)
    assert counts(ledger) == before


def test_reimport_updates_changed_rows_with_before_and_after(ledger: Ledger, tmp_path: Path) -> None:
    import_owners(ledger, write_sheet(tmp_path / "a.xlsx", SAMPLE_ROWS), "测试员")
    changed = [list(r) for r in SAMPLE_ROWS]
    changed[3] = ["3", "2", "1202", 143.8, "王芳", "13700001111", None, dt.date(2026, 11, 1), "已入住"]
    changed[0][5] = "13812340000"
    summary = import_owners(ledger, write_sheet(tmp_path / "b.xlsx", changed), "李出纳")
    assert (summary.units_updated, summary.owners_created, summary.owners_updated) == (1, 1, 1)
    assert counts(ledger)[:2] == (4, 3)
    with ledger.read() as conn:
        entries = journal.recent(conn, limit=10)
        assert journal.verify(conn).ok
    unit_change = next(e for e in entries if e.action == "unit.update")
    assert unit_change.key == "3-2-1202" and unit_change.operator == "李出纳"
    assert unit_change.before["owner"] is None and unit_change.before["status"] == "vacant"
    assert unit_change.after == {
        "floor_area": "143.80",
        "status": "occupied",
        "owner": "王芳",
        "owner_id_number": None,
        "move_in_date": "2026-11-01",
    }
    owner_change = next(e for e in entries if e.action == "owner.update")
    assert owner_change.before["phone"] == "138****5678" and owner_change.after["phone"] == "138****0000"


def test_headers_in_any_order_with_spaces_a_title_row_and_extra_columns(ledger: Ledger, tmp_path: Path) -> None:
    headers = ("备注", " 业主 姓名 ", "房号", "建筑面积（㎡）", "单元", "楼栋", "手机", "身份证号码", "状态")
    rows = [["老业主", "张伟", "１２０１", "89.35", "２单元", "3栋", "138 1234 5678", "110101199003071233", "已入住"]]
    summary = import_owners(
        ledger, write_sheet(tmp_path / "x.xlsx", rows, headers=headers, title="幸福里小区业主名册"), "测试员"
    )
    assert summary.units_created == 1
    (view,) = list_units(ledger)
    assert str(view.code) == "3-2-1201" and view.phone == "13812345678" and view.floor_area_hundredths == 8935


@pytest.mark.parametrize("spelling", ["3-2-1201", "3栋2单元1201", "3#2-1201", "３－２－１２０１", "3号楼2单元1201室"])
def test_unit_code_spellings_in_one_cell_mean_the_same_unit(ledger: Ledger, tmp_path: Path, spelling: str) -> None:
    import_owners(
        ledger, write_sheet(tmp_path / "a.xlsx", [["3", "2", "1201", 89.35, None, None, None, None, "空置"]]), "测试员"
    )
    headers = ("房号", "建筑面积", "状态")
    summary = import_owners(
        ledger, write_sheet(tmp_path / "b.xlsx", [[spelling, 89.35, "空置"]], headers=headers), "测试员"
    )
    assert (summary.units_created, summary.units_unchanged) == (0, 1)


def bad_row(**changes: Any) -> list[Any]:
    row = dict(zip(OWNER_HEADERS, SAMPLE_ROWS[0], strict=True))
    row.update(changes)
    return list(row.values())


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (bad_row(建筑面积="abc"), "第 2 行 D 列（建筑面积）：“abc” 不是数字"),
        (bad_row(建筑面积=-5), "第 2 行 D 列（建筑面积）：-5 应大于 0"),
        (bad_row(建筑面积=89.355), "第 2 行 D 列（建筑面积）：89.355 最多两位小数"),
        (bad_row(建筑面积=None), "第 2 行 D 列（建筑面积）：不能为空"),
        (bad_row(身份证号="110101199003071234"), "第 2 行 G 列（身份证号）：身份证号校验位错误"),
        (bad_row(身份证号="11010119900307123"), "第 2 行 G 列（身份证号）：身份证号应为18位或15位（现在是17位）"),
        (bad_row(身份证号="110101199002301234"), "第 2 行 G 列（身份证号）：身份证号中的出生日期无效"),
        (bad_row(联系电话="12345"), "第 2 行 F 列（联系电话）：联系电话“12345”不是有效的手机号或固定电话"),
        (bad_row(入住日期="去年"), "第 2 行 H 列（入住日期）：“去年”无法识别，应写成 2026-12-05 或 2026年12月5日"),
        (bad_row(入住日期="2026-02-30"), "第 2 行 H 列（入住日期）：“2026-02-30”不存在：请检查年月日"),
        (
            bad_row(状态="出售中"),
            "第 2 行 I 列（状态）：“出售中” 不是有效状态，应为 已入住、空置 或 已交付（也认 已出售、已出租、未销售、空闲 等）",
        ),
        (bad_row(业主姓名=None, 状态="空置"), "第 2 行 E 列（业主姓名）：填写了电话或证件号码，但没有业主姓名"),
        (bad_row(房号=None), "第 2 行 C 列（房号）：房号不能为空，请填写房号"),
        (bad_row(楼栋="三"), "第 2 行 A 列（楼栋）：楼栋“三”无效，应为数字或一个字母加数字，例如 3、A3 或 B"),
        (bad_row(单元="2-1"), "第 2 行 B 列（单元）：单元“2-1”无效，应为数字，例如 2"),
    ],
)
def test_each_bad_cell_is_named(ledger: Ledger, tmp_path: Path, row: list[Any], expected: str) -> None:
    assert problems_of(ledger, write_sheet(tmp_path / "bad.xlsx", [row])) == [expected]


def test_every_problem_is_reported_and_nothing_is_written(ledger: Ledger, tmp_path: Path) -> None:
    import_owners(ledger, write_sheet(tmp_path / "good.xlsx", SAMPLE_ROWS[:1]), "测试员")
    rows = [
        SAMPLE_ROWS[1],  # good
        bad_row(房号="102", 建筑面积="abc", 身份证号="110101199003071234"),
        SAMPLE_ROWS[2],  # good
        ["3", "2", "1201", 90, None, None, None, None, "空置"],  # same unit as the row above
    ]
    assert problems_of(ledger, write_sheet(tmp_path / "bad.xlsx", rows)) == [
        "第 3 行 D 列（建筑面积）：“abc” 不是数字",
        "第 3 行 G 列（身份证号）：身份证号校验位错误",
        "第 3 行 C 列（房号）：房号 1-1-102 与第 2 行重复（同一房号出现两次；共有人、家属、租户请在“关系”列注明）",
        "第 5 行 C 列（房号）：房号 3-2-1201 与第 4 行重复（同一房号出现两次；共有人、家属、租户请在“关系”列注明）",
    ]


def test_same_id_number_with_different_names_is_refused(ledger: Ledger, tmp_path: Path) -> None:
    rows = [SAMPLE_ROWS[0], bad_row(房号="102", 业主姓名="张伟伟")]
    assert problems_of(ledger, write_sheet(tmp_path / "bad.xlsx", rows)) == [
        "第 3 行 E 列（业主姓名）：与第 2 行是同一证件号码（同一位业主），但姓名不同：请核对后写成一样的"
    ]


def test_missing_required_header(ledger: Ledger, tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "x.xlsx", [["1", "1", "101"]], headers=("楼栋", "单元", "房号"))
    with pytest.raises(ValidationError, match="x.xlsx 缺少表头：建筑面积"):
        import_owners(ledger, path, "测试员")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("名册.xls", b"\xd0\xcf\x11\xe0", "名册.xls 不是 .xlsx 文件"),
        ("坏的.xlsx", b"not a zip at all", "无法打开 坏的.xlsx：文件已损坏、加密，或不是 Excel 工作簿"),
    ],
)
def test_not_a_readable_workbook(ledger: Ledger, tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=expected):
        import_owners(ledger, path, "测试员")


def test_missing_file(ledger: Ledger, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="找不到文件"):
        import_owners(ledger, tmp_path / "没有.xlsx", "测试员")


def test_dry_run_writes_nothing(ledger: Ledger, tmp_path: Path) -> None:
    summary = import_owners(ledger, write_sheet(tmp_path / "a.xlsx", SAMPLE_ROWS), "测试员", dry_run=True)
    assert summary.dry_run and summary.units_created == 4
    assert counts(ledger) == (0, 0, 0)


@pytest.mark.parametrize("show_private", [False, True])
def test_export_imports_back_unchanged(ledger: Ledger, tmp_path: Path, show_private: bool) -> None:
    import_owners(ledger, write_sheet(tmp_path / "a.xlsx", SAMPLE_ROWS), "测试员")
    before = [v.to_dict(show_private=True) for v in list_units(ledger)]
    exported = tmp_path / "导出.xlsx"
    assert export_owners(ledger, exported, "测试员", show_private=show_private) == 4
    summary = import_owners(ledger, exported, "测试员")
    assert (summary.units_unchanged, summary.units_updated, summary.owners_updated) == (4, 0, 0)
    assert [v.to_dict(show_private=True) for v in list_units(ledger)] == before


def test_export_cells_are_what_the_office_expects(ledger: Ledger, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    import_owners(ledger, write_sheet(tmp_path / "a.xlsx", SAMPLE_ROWS), "测试员")
    export_owners(ledger, tmp_path / "e.xlsx", "测试员")
    sheet = load_workbook(tmp_path / "e.xlsx").active
    assert [c.value for c in sheet[1]] == [*OWNER_HEADERS, "关系"]
    assert [c.value for c in sheet[2]] == [
        "1",
        "1",
        "101",
        89.35,
        "张伟",
        "138****5678",
        "110101********1233",
        dt.datetime(2020, 5, 1),
        "已入住",
        "业主",
    ]
    assert sheet["D2"].number_format == "0.00" and sheet.freeze_panes == "A2"
    with ledger.read() as conn:  # a masked export is not a private view: nothing journalled
        assert not [e for e in journal.recent(conn) if e.action == "private.view"]


def test_unmasked_export_is_journalled(ledger: Ledger, tmp_path: Path) -> None:
    import_owners(ledger, write_sheet(tmp_path / "a.xlsx", SAMPLE_ROWS), "测试员")
    export_owners(ledger, tmp_path / "e.xlsx", "王经理", show_private=True)
    with ledger.read() as conn:
        latest = journal.recent(conn, limit=1)[0]
    assert (latest.action, latest.operator, latest.key) == ("private.view", "王经理", "owners export e.xlsx")
    assert latest.after == {"count": 4, "first": ["1-1-101", "1-1-102", "3-2-1201", "3-2-1202"]}


def test_a_masked_value_that_matches_nothing_is_refused(ledger: Ledger, tmp_path: Path) -> None:
    rows = [bad_row(联系电话="138****0000")]
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, write_sheet(tmp_path / "m.xlsx", rows), "测试员")
    assert [str(p) for p in caught.value.problems] == [
        "第 2 行 F 列（联系电话）：“138****0000” 是打码的号码，与台账中的记录对不上；请填写完整号码"
    ]


def test_a_renamed_owner_shows_the_old_name_in_the_units_before(ledger: Ledger, tmp_path: Path) -> None:
    import_owners(ledger, write_sheet(tmp_path / "a.xlsx", SAMPLE_ROWS), "测试员")
    rows = [list(r) for r in SAMPLE_ROWS]
    rows[0][4], rows[0][3] = "张伟明", 90.0  # same ID number: a corrected name, and a corrected area
    summary = import_owners(ledger, write_sheet(tmp_path / "b.xlsx", rows), "测试员")
    assert (summary.owners_updated, summary.units_updated, summary.owners_created) == (1, 1, 0)
    with ledger.read() as conn:
        entries = {e.action: e for e in journal.recent(conn, limit=2)}
    assert entries["owner.update"].before["name"] == "张伟" and entries["owner.update"].after["name"] == "张伟明"
    assert entries["unit.update"].before["owner"] == "张伟" and entries["unit.update"].after["owner"] == "张伟明"
    assert entries["unit.update"].after["floor_area"] == "90.00"


def test_the_visible_active_sheet_is_read_not_a_hidden_first_one(ledger: Ledger, tmp_path: Path) -> None:
    """A workbook exported by another system may keep an old, hidden sheet first."""
    from openpyxl import load_workbook

    path = write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS)
    workbook = load_workbook(path)
    old = workbook.create_sheet("旧名册", 0)
    old.append(list(OWNER_HEADERS))
    old.append(["9", "9", "909", "50", "不该读到", "", "", "", "已入住"])
    old.sheet_state = "hidden"
    workbook.active = 1
    workbook.save(path)
    summary = import_owners(ledger, path, "测试员")
    assert summary.units_created == len(SAMPLE_ROWS)
    with ledger.read() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM units WHERE code = '9-9-909'")).scalar() == 0


def test_a_row_is_the_owner_an_older_version_kept_with_two_blanks_in_his_name(ledger: Ledger, tmp_path: Path) -> None:
    """An older version kept ``Zhang  San`` (two blanks) with his ID number and ``Li  Si`` without one.  A parking-space
    row without the number, ``Zhang San`` and his phone, is Zhang San, and ``Li Si`` with his phone on his unit is Li
    Si — names compared as the ledger keeps them, not as typed —: no new owner takes either unit, none is deleted; each
    now kept with one blank."""
    first = [
        ["1", "1", "101", 89.35, "Zhang San", "13812345678", "110101199003071233", None, "已入住"],
        ["1", "1", "103", 89.35, "Li Si", "13987654321", None, None, "已入住"],
    ]
    import_owners(ledger, write_sheet(tmp_path / "a.xlsx", first), "测试员")
    with ledger.write() as conn:
        conn.execute(sa.text("UPDATE owners SET name = replace(name, ' ', '  ')"))
        before = dict(conn.execute(sa.text("SELECT phone, id FROM owners")).all())
    second = [
        ["1", "1", "102", 90, "Zhang San", "13812345678", None, None, "已交付"],
        ["1", "1", "103", 89.35, "Li Si", "13987654321", None, None, "已入住"],
    ]
    summary = import_owners(ledger, write_sheet(tmp_path / "b.xlsx", second), "测试员")
    assert summary.owners_created == 0
    # Kept from now on with one blank, as every name is: told as tidied, no rename.
    assert summary.owners_renamed == []
    assert summary.names_tidied == ["Zhang San", "Li Si"]
    with ledger.read() as conn:
        held = conn.execute(
            sa.text("SELECT u.code, o.id FROM units u JOIN owners o ON o.id = u.owner_id ORDER BY u.code")
        ).all()
        assert conn.execute(sa.text("SELECT COUNT(*) FROM owners")).scalar() == 2
    zhang, li = before["13812345678"], before["13987654321"]
    assert [tuple(row) for row in held] == [("1-1-101", zhang), ("1-1-102", zhang), ("1-1-103", li)]
