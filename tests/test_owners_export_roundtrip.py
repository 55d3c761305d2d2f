"""`owners export` then `owners import` changes nothing: every co-owner on a row of its own with its own phone and ID
number, masked or not; read back with plain SQL, not with the roster's own functions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from recordkit.core.errors import ValidationError
from recordkit.ledger.db import Ledger
from recordkit.owners.roster import export_owners, import_owners
from tests.conftest import write_sheet
from tests.one_moment import HEADERS, ZHANG_WEI, ZHOU_LI, an_import_before_the_co_owners_are_read

# ID numbers with valid check digits (GB 11643), worked out by hand.
ZHANG_WEI_TOO = "310104198506120027"
LI_XIUYING = "110105197802140326"
ZHAO_MIN = "44030419850923154X"
ZHAO_LEI = "320102198802145615"

# Shaped like a real roster: co-owners on rows of their own under the owner's row.
ROSTER: list[list[Any]] = [
    ["1", "1", "101", 89.35, "张伟", "13812345678", ZHANG_WEI, dt.date(2020, 5, 1), "已入住", "业主"],
    # Same name, another person: kept as two (told apart by the ID number).
    ["1", "1", "101", None, "张伟", "13912340027", ZHANG_WEI_TOO, None, None, "共有人"],
    # A co-owner without an ID number.
    ["1", "1", "101", None, "李秀兰", "13700001111", None, None, None, "共有人"],
    # A tenant with his ID number (a tenant's 居住证明 prints it).
    ["1", "1", "101", None, "赵磊", "13600002222", ZHAO_LEI, None, None, "租户"],
    # Several co-owners.
    ["1", "1", "102", 118.62, "王建国", "13987654321", None, None, "已交付", "业主"],
    ["1", "1", "102", None, "李秀英", "13511112222", LI_XIUYING, None, None, "共有人"],
    ["1", "1", "102", None, "赵敏", None, ZHAO_MIN, None, None, "共有人"],
    ["1", "1", "102", None, "王小明", None, None, None, None, "子女"],
    # A villa whose co-owner has neither phone nor ID number.
    [None, None, "12号别墅", 320, "陈明", "13822223333", None, None, "已入住", "业主"],
    [None, None, "12号别墅", None, "周丽", None, ZHOU_LI, None, None, "共有人"],
    [None, None, "12号别墅", None, "孙芳", None, None, None, None, "共有人"],
    # A shop with a company as co-owner.
    [None, None, "商铺S-101", 60, "刘强", "13733334444", None, dt.date(2021, 3, 1), "已入住", "业主"],
    [None, None, "商铺S-101", None, "深圳市华安实业有限公司", "0755-83334444", None, None, None, "共有人"],
    # A parking space of the first 张伟, without its area.
    [None, None, "车位B1-023", None, "张伟", "13812345678", ZHANG_WEI, None, "已交付", "业主"],
    [None, None, "车位B1-023", None, "张伟", "13912340027", ZHANG_WEI_TOO, None, None, "共有人"],
    ["3", "2", "1202", 143.8, None, None, None, None, "空置", None],
]


def ledger_state(ledger: Ledger) -> dict[str, Any]:
    """Owners, units, co-owners and contacts as the tables hold them."""
    with ledger.read() as conn:

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return [tuple(row) for row in conn.execute(sa.text(sql))]

        return {
            "owners": rows("SELECT id, name, phone, id_number FROM owners ORDER BY id"),
            "units": rows(
                "SELECT code, kind, floor_area_hundredths, status, owner_id, move_in_date FROM units ORDER BY code"
            ),
            "co_owners": rows(
                "SELECT u.code, c.position, o.id, o.name, o.phone, o.id_number FROM unit_co_owners c"
                " JOIN units u ON u.id = c.unit_id JOIN owners o ON o.id = c.owner_id ORDER BY u.code, c.position"
            ),
            "contacts": rows(
                "SELECT u.code, c.name, c.relation, c.phone, c.id_number FROM unit_contacts c"
                " JOIN units u ON u.id = c.unit_id ORDER BY u.code, c.id"
            ),
        }


def test_the_roster_is_read_as_expected(ledger: Ledger, tmp_path: Path) -> None:
    import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", ROSTER, HEADERS), "测试员")
    state = ledger_state(ledger)
    assert [(code, name, phone, number) for code, _, _, name, phone, number in state["co_owners"]] == [
        ("1-1-101", "张伟", "13912340027", ZHANG_WEI_TOO),
        ("1-1-101", "李秀兰", "13700001111", None),
        ("1-1-102", "李秀英", "13511112222", LI_XIUYING),
        ("1-1-102", "赵敏", None, ZHAO_MIN),
        ("别墅12", "周丽", None, ZHOU_LI),
        ("别墅12", "孙芳", None, None),
        ("商铺S-101", "深圳市华安实业有限公司", "0755-83334444", None),
        ("车位B1-023", "张伟", "13912340027", ZHANG_WEI_TOO),
    ]
    assert state["contacts"] == [
        ("1-1-101", "赵磊", "租户", "13600002222", ZHAO_LEI),
        ("1-1-102", "王小明", "子女", None, None),
    ]


@pytest.mark.parametrize("show_private", [False, True], ids=["masked", "private"])
def test_an_export_imports_back_unchanged(ledger: Ledger, tmp_path: Path, show_private: bool) -> None:
    import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", ROSTER, HEADERS), "测试员")
    before = ledger_state(ledger)
    exported = tmp_path / "导出.xlsx"
    assert export_owners(ledger, exported, "测试员", show_private=show_private) == 6  # units, not rows
    summary = import_owners(ledger, exported, "测试员")
    assert ledger_state(ledger) == before
    assert (summary.units_unchanged, summary.units_updated, summary.owners_created, summary.owners_updated) == (
        6,
        0,
        0,
        0,
    )
    # Exported again, the file is the same: nothing drifted.
    again = tmp_path / "再导出.xlsx"
    export_owners(ledger, again, "测试员", show_private=show_private)
    assert sheet_values(again) == sheet_values(exported)


def sheet_values(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    return [list(row) for row in load_workbook(path).active.iter_rows(values_only=True)]


def test_each_co_owner_is_a_row_of_its_own(ledger: Ledger, tmp_path: Path) -> None:
    import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", ROSTER, HEADERS), "测试员")
    exported = tmp_path / "导出.xlsx"
    export_owners(ledger, exported, "测试员")
    values = sheet_values(exported)
    assert values[0] == list(HEADERS)
    # 1-1-101: the owner alone in the owner cell, each co-owner below with its own masked numbers.
    assert [row[2:] for row in values[1:4]] == [
        ["101", 89.35, "张伟", "138****5678", "110101********1233", dt.datetime(2020, 5, 1), "已入住", "业主"],
        ["101", None, "张伟", "139****0027", "310104********0027", None, None, "共有人"],
        ["101", None, "李秀兰", "137****1111", None, None, None, "共有人"],
    ]
    assert [row[4] for row in values[1:] if row[9] == "共有人"] == [
        "张伟",
        "李秀兰",
        "李秀英",
        "赵敏",
        "周丽",
        "孙芳",
        "深圳市华安实业有限公司",
        "张伟",
    ]


def test_a_masked_co_owner_number_standing_for_no_one_is_refused(ledger: Ledger, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", ROSTER, HEADERS), "测试员")
    before = ledger_state(ledger)
    exported = tmp_path / "导出.xlsx"
    export_owners(ledger, exported, "测试员")
    book = load_workbook(exported)
    # Row 3 is the second 张伟 of 1-1-101: the first 张伟's masked number there is no co-owner's.
    assert (book.active["E3"].value, book.active["J3"].value) == ("张伟", "共有人")
    book.active["G3"] = "110101********1233"
    book.save(exported)
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, exported, "测试员")
    assert [str(p) for p in caught.value.problems] == [
        "第 3 行 G 列（身份证号）：“110101********1233” 是打码的号码，与台账中的记录对不上；请填写完整号码"
    ]
    assert ledger_state(ledger) == before


def test_a_co_owner_renamed_on_a_masked_export_keeps_the_numbers(ledger: Ledger, tmp_path: Path) -> None:
    """A clerk corrects a co-owner's name on a masked export, as on an owner's row: the masked numbers are that
    co-owner's (the only one of the unit they mask), the co-owner is renamed, its numbers kept."""
    from openpyxl import load_workbook

    import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", ROSTER, HEADERS), "测试员")
    before = ledger_state(ledger)
    exported = tmp_path / "导出.xlsx"
    export_owners(ledger, exported, "测试员")
    book = load_workbook(exported)
    [row] = [row for row in book.active.iter_rows(min_row=2) if row[4].value == "李秀英"]
    assert (row[5].value, row[6].value) == ("135****2222", "110105********0326")
    row[4].value = "李秀瑛"
    book.save(exported)
    summary = import_owners(ledger, exported, "测试员")
    assert (summary.owners_created, summary.owners_updated) == (0, 1)
    after = ledger_state(ledger)
    renamed = [(i, name, phone, number) for i, name, phone, number in before["owners"] if name == "李秀英"]
    assert [(i, "李秀瑛", phone, number) for i, _, phone, number in renamed] == [
        row for row in after["owners"] if row[1] == "李秀瑛"
    ]
    assert [row[:3] for row in after["co_owners"]] == [row[:3] for row in before["co_owners"]]


def test_two_co_owners_of_one_name_without_numbers_stay_with_their_units(ledger: Ledger, tmp_path: Path) -> None:
    """Two people named 孙芳 without phone or ID number, each a co-owner of a unit of their own (an older version kept
    them apart): a 共有人 row names the unit's own co-owner, as a 共有人 cell does; the export comes back unchanged."""
    rows = [
        ["1", "1", "101", 89.35, "张伟", "13812345678", ZHANG_WEI, None, "已入住", "业主"],
        ["1", "1", "101", None, "孙芳", None, None, None, None, "共有人"],
        ["1", "1", "102", 89.35, "王建国", "13987654321", None, None, "已入住", "业主"],
    ]
    import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", rows, HEADERS), "测试员")
    with ledger.write() as conn:
        other = conn.execute(sa.text("INSERT INTO owners (name) VALUES ('孙芳') RETURNING id")).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO unit_co_owners (unit_id, owner_id, position) SELECT id, :o, 2 FROM units"
                " WHERE code = '1-1-102'"
            ),
            {"o": other},
        )
    before = ledger_state(ledger)
    assert len({owner_id for code, _, owner_id, name, _, _ in before["co_owners"] if name == "孙芳"}) == 2
    for show_private in (False, True):
        exported = tmp_path / f"导出{show_private}.xlsx"
        export_owners(ledger, exported, "测试员", show_private=show_private)
        import_owners(ledger, exported, "测试员")
        assert ledger_state(ledger) == before


def test_a_sheet_replaces_only_the_contacts_it_states_for_a_unit(ledger: Ledger, tmp_path: Path) -> None:
    """An export (no contacts in it) with one 租户 row added for 3-2-1202 took every other unit's 家属 and 租户 away:
    one contact row made the whole sheet the list of contacts.  A sheet now replaces, unit by unit, the kinds of
    contact it states — a 租户 row a unit's tenants, a 租户 column (a blank cell: none) every unit's tenants — and
    leaves the rest."""
    import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", ROSTER, HEADERS), "测试员")
    before = ledger_state(ledger)["contacts"]
    assert before == [("1-1-101", "赵磊", "租户", "13600002222", ZHAO_LEI), ("1-1-102", "王小明", "子女", None, None)]
    export = export_owners(ledger, tmp_path / "导出.xlsx", "测试员", show_private=True) and tmp_path / "导出.xlsx"
    from openpyxl import load_workbook

    book = load_workbook(export)
    sheet = book.active
    sheet.append(["3", "2", "1202", None, "钱七", "13755556666", None, None, None, "租户"])
    book.save(export)
    import_owners(ledger, export, "测试员")
    assert ledger_state(ledger)["contacts"] == [*before, ("3-2-1202", "钱七", "租户", "13755556666", None)]
    # A new tenant of 1-1-102 on a row of its own: its 家属 stays, and 1-1-101's tenant too.
    sheet.append(["1", "1", "102", None, "周九", None, None, None, None, "租户"])
    book.save(export)
    import_owners(ledger, export, "测试员")
    assert ledger_state(ledger)["contacts"] == [
        ("1-1-101", "赵磊", "租户", "13600002222", ZHAO_LEI),
        ("1-1-102", "王小明", "子女", None, None),
        ("1-1-102", "周九", "租户", None, None),
        ("3-2-1202", "钱七", "租户", "13755556666", None),
    ]
    # Another system's roster with a 租户 column and no 租户电话 column: 1-1-101's tenant keeps the phone and the ID
    # number the ledger has (as an owner's blank phone does); 1-1-102's blank cell says it has no tenant; its 家属 stays.
    columns = ("楼栋", "单元", "房号", "建筑面积", "业主姓名", "租户")
    rows: list[list[Any]] = [["1", "1", "101", 89.35, "张伟", "赵磊"], ["1", "1", "102", 118.62, "王建国", None]]
    import_owners(ledger, write_sheet(tmp_path / "另一系统.xlsx", rows, columns), "测试员")
    assert ledger_state(ledger)["contacts"] == [
        ("1-1-101", "赵磊", "租户", "13600002222", ZHAO_LEI),
        ("1-1-102", "王小明", "子女", None, None),
        ("3-2-1202", "钱七", "租户", "13755556666", None),
    ]


def test_an_export_is_one_moment_of_the_ledger_even_with_an_import_committed_while_it_reads(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export read the units and owners, then the co-owners, in two reads: an import committed between them gave
    a file of two states — 1-1-101's old owner 张伟 with the new co-owner 赵磊, whom no one ever wrote beside him.  It
    reads everything it writes in one read transaction: the file is the ledger before the import, whole."""
    from openpyxl import load_workbook

    imported = an_import_before_the_co_owners_are_read(ledger, tmp_path, monkeypatch)
    exported = tmp_path / "导出.xlsx"
    export_owners(ledger, exported, "测试员", show_private=True)
    assert imported == [True]
    cells = list(load_workbook(exported).active.iter_rows(min_row=2, values_only=True))
    assert [row[2:7] + row[9:] for row in cells] == [
        ("101", 90, "张伟", "13812345678", ZHANG_WEI, "业主"),
        ("101", None, "王芳", None, None, "共有人"),
    ]
    monkeypatch.undo()
    export_owners(ledger, exported, "测试员", show_private=True)
    cells = list(load_workbook(exported).active.iter_rows(min_row=2, values_only=True))
    assert [row[4] for row in cells] == ["李娜", "赵磊"]


def test_an_export_sorted_by_name_imports_back_with_the_co_owners_in_their_order(
    ledger: Ledger, tmp_path: Path
) -> None:
    """A clerk sorted the exported sheet by 姓名 in Excel, Z to A (赵敏, 王建国, 李秀英): the import took the sheet's
    order for the deed order — 赵敏 before 李秀英 —, which every notice greets in.  Co-owners the ledger has keep
    their stored order; new ones follow in the sheet's order."""
    import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", ROSTER, HEADERS), "测试员")
    before = ledger_state(ledger)
    exported = tmp_path / "导出.xlsx"
    export_owners(ledger, exported, "测试员", show_private=True)
    header, *rows = sheet_values(exported)
    # 1-1-102's rows as Excel sorts them by 姓名, Z to A (by pinyin: zhao, wang, li).
    unit = [row for row in rows if row[2] == "102"]
    assert [row[4] for row in unit] == ["王建国", "李秀英", "赵敏"]
    resorted = [row for row in rows if row[2] != "102"] + [unit[2], unit[0], unit[1]]
    summary = import_owners(ledger, write_sheet(tmp_path / "排序后.xlsx", resorted, header), "测试员")
    assert ledger_state(ledger) == before
    assert (summary.units_unchanged, summary.owners_created) == (6, 0)
    # Two new co-owners written above the stored ones follow them, in the sheet's order.
    new = [["1", "1", "102", None, name, None, None, None, None, "共有人"] for name in ("孙悦", "周杰")]
    import_owners(ledger, write_sheet(tmp_path / "新增.xlsx", [unit[0], *new, unit[2], unit[1]], header), "测试员")
    with ledger.read() as conn:
        names = conn.execute(
            sa.text(
                "SELECT o.name FROM unit_co_owners c JOIN units u ON u.id = c.unit_id JOIN owners o ON o.id = c.owner_id"
                " WHERE u.code = '1-1-102' ORDER BY c.position"
            )
        ).scalars()
        assert list(names) == ["李秀英", "赵敏", "孙悦", "周杰"]


def test_owners_list_is_one_moment_of_the_ledger_on_either_backend(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``owners list`` reads units and co-owners as the export does (``list_owners``): an import committed between the
    two reads is not seen, on SQLite as on PostgreSQL (REPEATABLE READ)."""
    from recordkit.owners.roster import list_owners

    imported = an_import_before_the_co_owners_are_read(ledger, tmp_path, monkeypatch)
    listed = list_owners(ledger)
    assert imported == [True]
    assert [(e.unit.owner, [c.name for c in e.co_owners]) for e in listed] == [("张伟", ["王芳"])]
    monkeypatch.undo()
    assert [(e.unit.owner, [c.name for c in e.co_owners]) for e in list_owners(ledger)] == [("李娜", ["赵磊"])]


def test_owners_shows_balance_is_of_the_moment_of_its_unit(
    run_cli: Any, ledger: Ledger, ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``owners show`` read the unit, its co-owners and contacts, then its account in a second read: a payment
    committed between them was in the balance line of a unit read before it.  The balance is read in the unit's read
    transaction: 1-1-101 still owes October and November (739.94 元) in what it shows; the next look sees the payment."""
    import recordkit.owners.roster as roster
    from recordkit.billing.receipts import PaymentRequest, pay
    from tests.fees_fixtures import RECEIPTS, bill_months, small_estate

    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-10", "2026-11")
    contacts_in = roster.unit_contacts_in
    paid: list[bool] = []

    def pay_first(*args: Any) -> Any:
        if not paid:
            paid.append(True)
            pay(ledger, RECEIPTS, "测试员", PaymentRequest("1-1-101", 73994, "微信", paid_on=dt.date(2026, 12, 5)))
        return contacts_in(*args)

    monkeypatch.setattr(roster, "unit_contacts_in", pay_first)
    env = {"RECORDKIT_DATABASE_URL": ledger_url}
    shown = run_cli("owners", "show", "1-1-101", "--json", env=env)
    assert shown.exit_code == 0, shown.output
    assert paid == [True]
    assert json.loads(shown.stdout)["balance"] == {"due_now_fen": 73994, "prepaid_fen": 0, "deposits_held_fen": 0}
    again = json.loads(run_cli("owners", "show", "1-1-101", "--json", env=env).stdout)
    assert again["balance"] == {"due_now_fen": 0, "prepaid_fen": 0, "deposits_held_fen": 0}


def test_a_latin_name_written_surname_comma_given_name_is_one_person(ledger: Ledger, tmp_path: Path) -> None:
    """``Smith, John`` in an owner cell made owner Smith and co-owner John, and a 共有人 or 租户 row of it was refused
    as two people.  Two single Latin words around one comma are one person, kept as written (its blanks normalised);
    John Smith, Mary Smith is still two, and the export imports back unchanged."""
    rows: list[list[Any]] = [
        ["1", "1", "101", 89.35, "Smith, John", "13812345678", None, None, "已交付", "业主"],
        ["1", "1", "101", None, "Brown ,  Anna", None, None, None, None, "共有人"],
        ["1", "1", "101", None, "LEE,AMY", "13600002222", None, None, None, "租户"],
        ["1", "1", "102", 118.62, "John Smith, Mary Smith", "13987654321", None, None, "已交付", "业主"],
        ["1", "1", "103", 90, "SMITH,JOHN", None, None, None, "已交付", "业主"],
    ]
    import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", rows, HEADERS), "测试员")
    state = ledger_state(ledger)
    assert [name for _, name, _, _ in state["owners"]] == [
        "Smith, John",
        "Brown, Anna",
        "John Smith",
        "Mary Smith",
        "SMITH,JOHN",
    ]
    owner_of = {code: owner_id for code, _, _, _, owner_id, _ in state["units"]}
    names = {owner_id: name for owner_id, name, _, _ in state["owners"]}
    assert {code: names[owner_id] for code, owner_id in owner_of.items()} == {
        "1-1-101": "Smith, John",
        "1-1-102": "John Smith",
        "1-1-103": "SMITH,JOHN",
    }
    assert [(code, name) for code, _, _, name, _, _ in state["co_owners"]] == [
        ("1-1-101", "Brown, Anna"),
        ("1-1-102", "Mary Smith"),
    ]
    assert state["contacts"] == [("1-1-101", "LEE,AMY", "租户", "13600002222", None)]
    exported = tmp_path / "导出.xlsx"
    export_owners(ledger, exported, "测试员", show_private=True)
    summary = import_owners(ledger, exported, "测试员")
    assert ledger_state(ledger) == state
    assert (summary.units_unchanged, summary.owners_created) == (3, 0)


def test_a_compound_surname_before_he_is_no_person_of_its_own(ledger: Ledger, tmp_path: Path) -> None:
    """``司徒和美玲`` in an owner cell made owner 司徒 and co-owner 美玲, and a 共有人 row of it was refused as two people.
    A surname alone is no person: 和 after it is in the given name; 张三和李四 still splits."""
    rows: list[list[Any]] = [
        ["1", "1", "101", 89.35, "司徒和美玲", "13812345678", None, None, "已交付", "业主"],
        ["1", "1", "101", None, "欧阳和丽", None, None, None, None, "共有人"],
        ["1", "1", "102", 118.62, "张三和李四", "13987654321", None, None, "已交付", "业主"],
    ]
    import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", rows, HEADERS), "测试员")
    state = ledger_state(ledger)
    assert [name for _, name, _, _ in state["owners"]] == ["司徒和美玲", "欧阳和丽", "张三", "李四"]
    names = {owner_id: name for owner_id, name, _, _ in state["owners"]}
    assert {code: names[owner_id] for code, _, _, _, owner_id, _ in state["units"]} == {
        "1-1-101": "司徒和美玲",
        "1-1-102": "张三",
    }
    assert [(code, name) for code, _, _, name, _, _ in state["co_owners"]] == [
        ("1-1-101", "欧阳和丽"),
        ("1-1-102", "李四"),
    ]
