"""The counter's ``owners contact …`` commands and the contact rows of a roster, as a clerk meets them: an owner's ID
number pasted into a tenant, a field cleared with ``contact edit --clear``, a masked phone on an imported row, the
listing on an 80-column terminal.  Read back with the CLI's JSON and with plain SQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from recordkit.core.workspace import Workspace
from recordkit.ledger.db import open_ledger
from tests.conftest import last_journal_entry, sqlite_parameters_at_most
from tests.revisions import mark_as_of

HEADERS = ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "关系"]
ZHANG_WEI_ID = "110101199003071233"
WANG_FANG_ID = "310104198506120027"
LI_NA_ID = "320102198802145615"  # its first-generation form: 320102880214561
ZHAO_LEI_ID = "11010519491231002X"
SUN_QI_ID = "440301198503151232"  # its first-generation form: 440301850315123
QIAN_BA_ID = "330106197206104561"
WU_FANG_ID = "420102199001010014"


#: Doctor's 业主和联系人姓名 line once nothing is wrong, as the tests that clear a problem expect it back.
NAMES_ALL_CLEAR = {
    "name": "业主和联系人姓名",
    "ok": True,
    "detail": "台账里的姓名都符合现在的规则，没有一个人在一套房屋登记了几种关系或以同一关系登记了不止一次，"
    "也没有业主、共有人又登记为本户的联系人",
    "fix": "",
    "required": False,
}


def roster(path: Path, rows: list[list[Any]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


#: 1-1-101: 张伟 and his co-owner 王芳; 1-1-102: 李娜.
OWNERS = [
    HEADERS,
    ["1-1-101", 90, "张伟", "13812345678", ZHANG_WEI_ID, "业主"],
    ["1-1-101", None, "王芳", None, WANG_FANG_ID, "共有人"],
    ["1-1-102", 90, "李娜", "13987654321", LI_NA_ID, "业主"],
]


def contacts_in_ledger(workspace: Workspace) -> list[tuple[Any, ...]]:
    """The contacts as the table holds them, read with plain SQL."""
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        query = (
            "SELECT u.code, c.name, c.relation, c.phone, c.id_number, c.start_date, c.end_date"
            " FROM unit_contacts c JOIN units u ON u.id = c.unit_id ORDER BY c.id"
        )
        return [
            tuple(str(value) if value is not None else None for value in row) for row in conn.execute(sa.text(query))
        ]


def journal_size(run_cli: Any) -> int:
    return len(json.loads(run_cli("journal", "list", "--json").stdout))


# -- 1. an owner's ID number given to a contact --------------------------------------------------------------


def _each_refused_at_the_counter(run_cli: Any, *cases: tuple[str, str, str, str, str]) -> None:
    """Each ``(unit, name, relation, typed ID number, said)``: ``contact add`` refused, exit 8, nothing on stdout, the
    error ``said`` and the advice 租户、家属应填本人的证件号."""
    for unit, name, relation, typed, said in cases:
        refused = run_cli("owners", "contact", "add", unit, name, "--relation", relation, "--id-number", typed)
        assert (refused.exit_code, refused.stdout, refused.stderr) == (
            8,
            "",
            f"错误：{said}：租户、家属应填本人的证件号\n",
        ), typed


def test_a_contact_with_an_owners_id_number_is_refused_at_the_counter(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """A clerk who pasted the owner's ID number into a tenant was not stopped (only names were compared): the tenant's
    居住证明 would print the owner's number.  ``contact add`` refuses an ID number of any owner of record of the unit,
    co-owners too, a first-generation number as the 18-digit one it became — exit 8 as for the owner's name, the
    number masked, nothing written; the owner of another unit is anyone's contact."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    journalled = journal_size(run_cli)
    _each_refused_at_the_counter(
        run_cli,
        ("1-1-101", "赵磊", "租户", ZHANG_WEI_ID, "联系人的证件号码 110101********1233 与业主“张伟”的相同"),
        ("1-1-101", "王小明", "子女", WANG_FANG_ID, "联系人的证件号码 310104********0027 与共有人“王芳”的相同"),
        ("1-1-102", "赵磊", "租户", "320102880214561", "联系人的证件号码 320102******561 与业主“李娜”的相同"),
    )
    assert contacts_in_ledger(workspace) == []
    assert journal_size(run_cli) == journalled
    added = run_cli("owners", "contact", "add", "1-1-102", "张伟", "--relation", "配偶", "--id-number", ZHANG_WEI_ID)
    assert (added.exit_code, added.stdout) == (0, "已添加 1-1-102 的配偶“张伟”（联系人编号 1）\n")


def test_a_latin_name_in_the_contact_commands_messages_is_quoted(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """``owners contact add|edit|remove`` put the name after a space inside the sentence (已添加 1-1-101 的租户 Tran
    Van Nam（联系人编号 1）, 与业主 Mary Smith 的相同, 已有租户 Tran Van Nam（…）): a Latin name ran into the Chinese
    words around it.  Every name such a sentence carries is quoted."""
    owners = [HEADERS, ["1-1-101", 90, "Mary Smith", "13812345678", ZHANG_WEI_ID, "业主"]]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", owners))).exit_code == 0
    add = ("owners", "contact", "add", "1-1-101", "Tran Van Nam", "--relation", "租户")
    refused = run_cli(*add, "--id-number", ZHANG_WEI_ID)
    assert (refused.exit_code, refused.stdout, refused.stderr) == (
        8,
        "",
        "错误：联系人的证件号码 110101********1233 与业主“Mary Smith”的相同：租户、家属应填本人的证件号\n",
    )
    added = run_cli(*add)
    assert (added.exit_code, added.stdout) == (0, "已添加 1-1-101 的租户“Tran Van Nam”（联系人编号 1）\n")
    again = run_cli("owners", "contact", "add", "1-1-101", "Tran Van Nam", "--relation", "家属")
    assert again.exit_code == 8
    assert again.stderr.startswith(
        "错误：1-1-101 已有租户“Tran Van Nam”（联系人编号 1），一个人在一套房屋只登记一种关系，"
    )
    edited = run_cli("owners", "contact", "edit", "1", "--phone", "13900001111")
    assert (edited.exit_code, edited.stdout) == (
        0,
        "已更正 1-1-101 的租户“Tran Van Nam”（联系人编号 1）：联系电话 （无） → 139****1111\n",
    )
    same = run_cli("owners", "contact", "edit", "1", "--phone", "13900001111")
    assert (same.exit_code, same.stdout) == (
        0,
        "1-1-101 的租户“Tran Van Nam”（联系人编号 1）没有变化：写的与台账相同，没有修改\n",
    )
    removed = run_cli("owners", "contact", "remove", "1")
    assert (removed.exit_code, removed.stdout) == (0, "已删除 1-1-101 的租户“Tran Van Nam”\n")


def test_a_contact_edited_to_an_owners_id_number_is_refused(run_cli: Any, tmp_path: Path, workspace: Workspace) -> None:
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    add = ("owners", "contact", "add", "1-1-101", "赵磊", "--relation", "租户", "--id-number", ZHAO_LEI_ID)
    assert run_cli(*add).exit_code == 0
    journalled = journal_size(run_cli)
    refused = run_cli("owners", "contact", "edit", "1", "--id-number", WANG_FANG_ID, "--phone", "13900001111")
    assert (refused.exit_code, refused.stdout, refused.stderr) == (
        8,
        "",
        "错误：联系人的证件号码 310104********0027 与共有人“王芳”的相同：租户、家属应填本人的证件号\n",
    )
    assert contacts_in_ledger(workspace) == [("1-1-101", "赵磊", "租户", None, ZHAO_LEI_ID, None, None)]
    assert journal_size(run_cli) == journalled


def test_a_roster_contact_row_with_its_owners_id_number_is_refused_at_its_cell(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """A 租户 row carrying the owner's number — written on the sheet, or held by the ledger where the sheet shows it
    masked — is refused at its 身份证号 cell (exit 5, as a name of the unit's owner on such a row), nothing imported."""
    tenant = ["1-1-101", None, "赵磊", "13900001111", ZHANG_WEI_ID, "租户"]
    refused = run_cli("owners", "import", str(roster(tmp_path / "错.xlsx", [*OWNERS, tenant])))
    assert (refused.exit_code, refused.stdout) == (5, "")
    assert refused.stderr.splitlines()[1:] == [
        "  第 5 行 E 列（身份证号）：联系人的证件号码 110101********1233 与业主“张伟”的相同：租户、家属应填本人的证件号"
    ]
    assert run_cli("owners", "list", "--json").stdout.strip() == "[]"
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    journalled = journal_size(run_cli)
    # An export's masked numbers: the owner's is the ledger's, the co-owner's pasted into her daughter's row.
    masked = [
        HEADERS,
        ["1-1-101", 90, "张伟", "138****5678", "110101********1233", "业主"],
        ["1-1-101", None, "王芳", None, "310104********0027", "共有人"],
        ["1-1-101", None, "王小明", None, WANG_FANG_ID, "子女"],
    ]
    again = run_cli("owners", "import", str(roster(tmp_path / "再导入.xlsx", masked)))
    assert (again.exit_code, again.stdout) == (5, "")
    assert again.stderr.splitlines()[1:] == [
        "  第 4 行 E 列（身份证号）：联系人的证件号码 310104********0027 与共有人“王芳”的相同：租户、家属应填本人的证件号"
    ]
    assert contacts_in_ledger(workspace) == []
    assert journal_size(run_cli) == journalled


def test_a_contact_with_another_units_owners_id_number_is_refused_at_the_counter(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """The reverse of an owner given another unit's contact's number: ``contact add 1-1-102 赵磊 --id-number`` 张伟's
    (owner of 1-1-101) was accepted, one number for two people.  Refused (exit 8) naming the other unit and its owner or
    co-owner, number masked, a first-generation number as its 18-digit one, nothing written; ``contact edit`` too.  The
    owner himself, a contact of another unit under his own name, is added."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    journalled = journal_size(run_cli)
    _each_refused_at_the_counter(
        run_cli,
        ("1-1-102", "赵磊", "租户", ZHANG_WEI_ID, "联系人的证件号码 110101********1233 与 1-1-101 的业主“张伟”的相同"),
        (
            "1-1-102",
            "王小明",
            "子女",
            WANG_FANG_ID,
            "联系人的证件号码 310104********0027 与 1-1-101 的共有人“王芳”的相同",
        ),
        (
            "1-1-101",
            "赵磊",
            "租户",
            "320102880214561",
            "联系人的证件号码 320102******561 与 1-1-102 的业主“李娜”的相同",
        ),
    )
    assert contacts_in_ledger(workspace) == []
    assert journal_size(run_cli) == journalled
    assert run_cli("owners", "contact", "add", "1-1-102", "赵磊", "--relation", "租户").exit_code == 0
    edited = run_cli("owners", "contact", "edit", "1", "--id-number", ZHANG_WEI_ID)
    assert (edited.exit_code, edited.stderr) == (
        8,
        "错误：联系人的证件号码 110101********1233 与 1-1-101 的业主“张伟”的相同：租户、家属应填本人的证件号\n",
    )
    assert contacts_in_ledger(workspace) == [("1-1-102", "赵磊", "租户", None, None, None, None)]
    added = run_cli("owners", "contact", "add", "1-1-102", "王芳", "--relation", "家属", "--id-number", WANG_FANG_ID)
    assert (added.exit_code, added.stdout) == (0, "已添加 1-1-102 的家属“王芳”（联系人编号 2）\n")
    # Renamed to another person, the co-owner's number stays hers: refused as well.
    renamed = run_cli("owners", "contact", "edit", "2", "--name", "王小明")
    assert (renamed.exit_code, renamed.stderr) == (
        8,
        "错误：联系人的证件号码 310104********0027 与 1-1-101 的共有人“王芳”的相同：租户、家属应填本人的证件号\n",
    )


def test_a_roster_contact_row_with_another_units_owners_id_number_is_refused_at_its_cell(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """A 家属/租户 row carrying the number of another unit's owner, of another name — the ledger's owner of a unit the
    sheet leaves out, or an owner written on another row of the same sheet — was imported, one number for two people.
    Refused at the contact's 身份证号 cell naming that unit and owner, number masked, nothing imported; the owner
    himself, a contact of another unit under his name, is imported."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    journalled = journal_size(run_cli)
    ledgers_owner = [
        HEADERS,
        ["1-1-102", 90, "李娜", "13987654321", LI_NA_ID, "业主"],
        ["1-1-102", None, "赵磊", None, ZHANG_WEI_ID, "租户"],
    ]
    refused = run_cli("owners", "import", str(roster(tmp_path / "错.xlsx", ledgers_owner)))
    assert (refused.exit_code, refused.stdout) == (5, "")
    assert refused.stderr.splitlines() == [
        "错误：有 1 位联系人填了另一户业主的证件号码，没有导入任何数据",
        "  第 3 行 E 列（身份证号）：联系人的证件号码 110101********1233 与 1-1-101 的业主“张伟”的相同："
        "租户、家属应填本人的证件号",
    ]
    sheets_owner = [
        *OWNERS,
        ["1-1-103", 90, "孙七", "13700137000", SUN_QI_ID, "业主"],
        ["1-1-102", None, "周九", None, SUN_QI_ID, "家属"],
    ]
    refused = run_cli("owners", "import", str(roster(tmp_path / "同一张.xlsx", sheets_owner)))
    assert (refused.exit_code, refused.stdout) == (5, "")
    assert refused.stderr.splitlines() == [
        "错误：有 1 位联系人填了另一户业主的证件号码，没有导入任何数据",
        "  第 6 行 E 列（身份证号）：联系人的证件号码 440301********1232 与 1-1-103 的业主“孙七”的相同："
        "租户、家属应填本人的证件号",
    ]
    assert contacts_in_ledger(workspace) == []
    assert [unit["unit"] for unit in json.loads(run_cli("owners", "list", "--json").stdout)] == ["1-1-101", "1-1-102"]
    assert journal_size(run_cli) == journalled
    himself = [*sheets_owner[:-1], ["1-1-102", None, "孙七", None, SUN_QI_ID, "家属"]]
    imported = run_cli("owners", "import", str(roster(tmp_path / "本人.xlsx", himself)))
    assert imported.exit_code == 0, imported.output
    assert contacts_in_ledger(workspace) == [("1-1-102", "孙七", "家属", None, SUN_QI_ID, None, None)]


# -- 2. contact edit --clear ---------------------------------------------------------------------------------


def test_contact_edit_clear_empties_a_field_and_journals_it_masked(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """A phone, ID number or date registered by mistake could not be taken off (the README said remove the contact and
    add it again: a new number, the history cut in two).  ``--clear`` (repeatable, in the field's Chinese name or its
    option's) empties it, says old → （无） and journals the edit masked as any other."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    add = ("owners", "contact", "add", "1-1-101", "赵磊", "--phone", "13900001111", "--id-number", ZHAO_LEI_ID)
    assert run_cli(*add, "--start", "2026-03-01", "--end", "2027-02-28").exit_code == 0
    cleared = run_cli("owners", "contact", "edit", "1", "--clear", "电话", "--clear", "到期日期")
    assert (cleared.exit_code, cleared.stdout, cleared.stderr) == (
        0,
        "已更正 1-1-101 的租户“赵磊”（联系人编号 1）：联系电话 139****1111 → （无），到期日期 2027-02-28 → （无）\n",
        "",
    )
    assert contacts_in_ledger(workspace) == [("1-1-101", "赵磊", "租户", None, ZHAO_LEI_ID, "2026-03-01", None)]
    entry = last_journal_entry(workspace, "1-1-101")
    assert (entry.action, entry.before, entry.after) == (
        "contact.edit",
        {
            "contact_id": 1,
            "name": "赵磊",
            "relation": "租户",
            "phone": "139****1111",
            "id_number": "110105********002X",
            "start_date": "2026-03-01",
            "end_date": "2027-02-28",
        },
        {
            "contact_id": 1,
            "name": "赵磊",
            "relation": "租户",
            "phone": None,
            "id_number": "110105********002X",
            "start_date": "2026-03-01",
            "end_date": None,
        },
    )
    by_option = run_cli("owners", "contact", "edit", "1", "--clear", "id-number", "--clear", "start")
    assert (by_option.exit_code, by_option.stdout) == (
        0,
        "已更正 1-1-101 的租户“赵磊”（联系人编号 1）：证件号码 110105********002X → （无），起租日期 2026-03-01 → （无）\n",
    )
    assert contacts_in_ledger(workspace) == [("1-1-101", "赵磊", "租户", None, None, None, None)]
    again = run_cli("owners", "contact", "edit", "1", "--clear", "电话")
    assert (again.exit_code, again.stdout) == (
        0,
        "1-1-101 的租户“赵磊”（联系人编号 1）没有变化：写的与台账相同，没有修改\n",
    )
    # 证件号码 (a passport's too) and the older word 身份证号 both name the number.
    for word in ("证件号码", "身份证号"):
        assert run_cli("owners", "contact", "edit", "1", "--id-number", ZHAO_LEI_ID).exit_code == 0
        by_word = run_cli("owners", "contact", "edit", "1", "--clear", word)
        assert (by_word.exit_code, by_word.stdout) == (
            0,
            "已更正 1-1-101 的租户“赵磊”（联系人编号 1）：证件号码 110105********002X → （无）\n",
        )


def test_contact_edit_clear_refuses_the_name_the_relation_an_unknown_field_and_a_value_given_too(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    assert run_cli("owners", "contact", "add", "1-1-101", "赵磊", "--phone", "13900001111").exit_code == 0
    journalled = journal_size(run_cli)
    clearable = "能清空的是 电话、证件号码、起租日期、到期日期（也可写 phone、id-number、start、end）"
    for args, said in (
        (("--clear", "姓名"), f"姓名不能清空：联系人总有姓名和关系，写错了请用 --name、--relation 改正；{clearable}"),
        (
            ("--clear", "relation"),
            f"关系不能清空：联系人总有姓名和关系，写错了请用 --name、--relation 改正；{clearable}",
        ),
        (("--clear", "备注"), f"--clear 不认识“备注”：{clearable}"),
        (
            ("--clear", "电话", "--phone", "13900002222"),
            "--clear 电话 与 --phone 不能一起用：改成新的只写 --phone，清空只写 --clear 电话",
        ),
        (
            ("--end", "2027-02-28", "--clear", "end"),
            "--clear end 与 --end 不能一起用：改成新的只写 --end，清空只写 --clear end",
        ),
    ):
        refused = run_cli("owners", "contact", "edit", "1", *args)
        assert (refused.exit_code, refused.stdout, refused.stderr) == (2, "", f"错误：{said}\n"), args
    assert contacts_in_ledger(workspace) == [("1-1-101", "赵磊", "租户", "13900001111", None, None, None)]
    assert journal_size(run_cli) == journalled


# -- 3. a masked phone on an imported contact row ----------------------------------------------------------


def test_a_masked_phone_on_a_contact_row_is_read_as_blank_with_a_warning(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """Another system's export masks phones (138****5678): a 家属/租户 row's was kept masked — a tenant no one could
    call, the number the ledger had lost.  It is read as blank, told in a warning naming the row and column (as a
    masked ID number is), the rest of the row imported, and the number the ledger holds kept."""
    headers = [*HEADERS, "租户", "租户电话"]
    rows = [
        headers,
        ["1-1-101", 90, "张伟", "13812345678", ZHANG_WEI_ID, "业主", None, None],
        ["1-1-101", None, "赵磊", "139****1111", ZHAO_LEI_ID, "租户", None, None],
        ["1-1-102", 90, "李娜", "13987654321", LI_NA_ID, "业主", "钱七", "137****2222"],
    ]
    imported = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows)))
    assert imported.exit_code == 0, imported.output
    assert [line for line in imported.stdout.splitlines() if line.startswith("提醒")] == [
        "提醒：第 3 行（联系电话）：139****1111 是打码的号码，已按空白导入（这位联系人在台账中已有的号码不变）",
        "提醒：第 4 行（租户电话）：137****2222 是打码的号码，已按空白导入（这位联系人在台账中已有的号码不变）",
    ]
    assert contacts_in_ledger(workspace) == [
        ("1-1-101", "赵磊", "租户", None, ZHAO_LEI_ID, None, None),
        ("1-1-102", "钱七", "租户", None, None, None, None),
    ]
    # The numbers given at the counter, then the export's masked ones again: the ledger's stay.
    assert run_cli("owners", "contact", "edit", "1", "--phone", "13900001111").exit_code == 0
    assert run_cli("owners", "contact", "edit", "2", "--phone", "13700002222").exit_code == 0
    again = run_cli("owners", "import", str(roster(tmp_path / "再导入.xlsx", rows)))
    assert again.exit_code == 0, again.output
    assert contacts_in_ledger(workspace) == [
        ("1-1-101", "赵磊", "租户", "13900001111", ZHAO_LEI_ID, None, None),
        ("1-1-102", "钱七", "租户", "13700002222", None, None, None),
    ]


# -- 4. contact list on an 80-column terminal ----------------------------------------------------------------


def table_rows(text: str) -> list[list[str]]:
    """The body rows of a listing as printed, each line's cells stripped (the header's cells are in ┃)."""
    return [[cell.strip() for cell in line.split("│")[1:-1]] for line in text.splitlines() if line.startswith("│")]


def header_cells(text: str) -> list[str]:
    """The header's cells of a listing as printed (in ┃)."""
    [header] = [line for line in text.splitlines() if line.startswith("┃")]
    return [cell.strip() for cell in header.split("┃")[1:-1]]


def test_a_four_character_name_beside_a_landline_with_an_extension_is_not_cut_at_80_columns(
    run_cli: Any, tmp_path: Path
) -> None:
    """At COLUMNS=80 a contact whose phone is a landline with an extension (0755-8888-6666转123, shown
    0755-****6666-123) had its four-character name cut to 欧阳… , the row one line too wide with the lease's two dates
    beside it.  The start of the lease is shown with ``--wide`` (as the ID number): every name of up to four characters
    is whole, each contact one line, the phone and the end of the lease whole."""
    rows = [HEADERS, ["12-2-1201", 90, "张伟", "13812345678", ZHANG_WEI_ID, "业主"]]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows))).exit_code == 0
    add = ("owners", "contact", "add", "12-2-1201")
    assert run_cli(*add, "欧阳娜娜", "--relation", "子女", "--phone", "0755-8888-6666转123").exit_code == 0
    lease = ("--start", "2026-03-01", "--end", "2027-02-28")
    assert run_cli(*add, "司马相如", "--phone", "13900001111", *lease).exit_code == 0
    narrow = run_cli("owners", "contact", "list", env={"COLUMNS": "80"})
    assert narrow.exit_code == 0, narrow.output
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80
    assert [row[2] for row in table_rows(narrow.stdout)] == ["欧阳娜娜", "司马相如"]
    assert header_cells(narrow.stdout) == ["编号", "房号", "姓名", "关系", "电话", "到期"]
    assert table_rows(narrow.stdout) == [
        ["1", "12-2-1201", "欧阳娜娜", "子女", "0755-****6666-123", ""],
        ["2", "12-2-1201", "司马相如", "租户", "139****1111", "2027-02-28"],
    ]
    wide = run_cli("owners", "contact", "list", "--wide", env={"COLUMNS": "200"})
    assert table_rows(wide.stdout)[1][6:] == ["2026-03-01", "2027-02-28"]


def test_contact_list_shows_each_contact_on_one_line_of_an_80_column_terminal(run_cli: Any, tmp_path: Path) -> None:
    """On an 80-column terminal every contact took two or three lines: the unit code, the masked phone and the dates
    folded (0755-*** / *6666-12 / 3), read wrong.  Each contact is one line, the unit code, the masked phone and the
    end of the lease whole; the ID number, as in ``owners list``, and the start of the lease with ``--wide``; a long
    name is cut with … when nothing else gives room; ``--json`` is as it was."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    add = ("owners", "contact", "add")
    assert run_cli(*add, "1-1-101", "赵磊", "--phone", "13900001111", "--id-number", ZHAO_LEI_ID,
                   "--start", "2026-03-01", "--end", "2027-02-28").exit_code == 0  # fmt: skip
    assert run_cli(*add, "1-1-101", "欧阳娜娜", "--relation", "子女", "--phone", "0755-88886666").exit_code == 0
    assert run_cli(*add, "1-1-102", "Mary-Jane O'Brien-Fitzgerald", "--phone", "13700002222").exit_code == 0
    narrow = run_cli("owners", "contact", "list", env={"COLUMNS": "80"})
    assert narrow.exit_code == 0, narrow.output
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80
    assert header_cells(narrow.stdout) == ["编号", "房号", "姓名", "关系", "电话", "到期"]
    assert table_rows(narrow.stdout) == [
        ["1", "1-1-101", "赵磊", "租户", "139****1111", "2027-02-28"],
        ["2", "1-1-101", "欧阳娜娜", "子女", "0755-****6666", ""],
        ["3", "1-1-102", "Mary-Jane O'Brien-Fitz…", "租户", "137****2222", ""],
    ]
    wide = run_cli("owners", "contact", "list", "--wide", env={"COLUMNS": "200"})
    assert header_cells(wide.stdout) == ["编号", "房号", "姓名", "关系", "电话", "证件号码", "起租", "到期"]
    assert table_rows(wide.stdout)[0] == [
        "1", "1-1-101", "赵磊", "租户", "139****1111", "110105********002X", "2026-03-01", "2027-02-28"
    ]  # fmt: skip
    assert table_rows(wide.stdout)[2][2] == "Mary-Jane O'Brien-Fitzgerald"
    as_json = json.loads(run_cli("owners", "contact", "list", "--json", env={"COLUMNS": "80"}).stdout)
    assert as_json[0] == {
        "id": 1,
        "unit": "1-1-101",
        "name": "赵磊",
        "relation": "租户",
        "phone": "139****1111",
        "id_type": "居民身份证",
        "id_number": "110105********002X",
        "start_date": "2026-03-01",
        "end_date": "2027-02-28",
    }


# -- 5. contacts an older version kept with an owner's ID number ---------------------------------------------


def doctor_check(run_cli: Any, name: str) -> dict[str, Any]:
    result = run_cli("doctor", "--json")
    assert result.exit_code == 0, result.output
    [check] = [c for c in json.loads(result.stdout) if c["name"] == name]
    return check


def test_doctor_lists_each_contact_an_older_version_kept_with_an_owners_id_number(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """The counter and the import refuse a contact the unit owner's ID number, but the contacts an older version kept
    so were reported nowhere.  Doctor lists each as a 提醒 (exit 0, as 业主和联系人姓名): unit, relation, name and
    contact number, the number masked, the owner or co-owner; the owner of another unit is anyone's contact.  What
    it says to do clears them; the unit's export, numbers shown, still imports (the import refuses only a number it
    gives)."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    assert doctor_check(run_cli, "联系人证件号码") == {
        "name": "联系人证件号码",
        "ok": True,
        "detail": "没有联系人登记的是本户业主、共有人的证件号码，或另一户业主、共有人、联系人的，或本户另一位联系人的",
        "fix": "",
        "required": False,
    }
    with open_ledger(workspace.database_url) as ledger, ledger.write() as conn:
        ids = [
            conn.execute(
                sa.text(
                    "INSERT INTO unit_contacts (unit_id, name, relation, id_number, added_at, added_by)"
                    " SELECT id, :name, :relation, :number, '2020-01-01T00:00:00+00:00', '旧版本' FROM units"
                    " WHERE code = :unit RETURNING id"
                ),
                {"unit": unit, "name": name, "relation": relation, "number": number},
            ).scalar_one()
            for unit, name, relation, number in (
                ("1-1-102", "周九", "租户", "320102880214561"),  # 李娜's, first-generation
                ("1-1-101", "赵磊", "租户", ZHANG_WEI_ID),
                ("1-1-102", "张伟", "配偶", ZHANG_WEI_ID),  # the owner of 1-1-101: not of this unit
                ("1-1-101", "王小明", "子女", WANG_FANG_ID),  # the co-owner's
                ("1-1-101", "吴芳", "家属", WU_FANG_ID),
            )
        ]
    assert ids == [1, 2, 3, 4, 5]
    result = run_cli("doctor", "--json")
    assert ZHANG_WEI_ID not in result.stdout and "320102880214561" not in result.stdout
    assert doctor_check(run_cli, "联系人证件号码") == {
        "name": "联系人证件号码",
        "ok": False,
        "detail": "3 位联系人登记的是本户业主或共有人的证件号码（旧版本登记的，现在添加联系人和导入名册都不收；"
        "为租户开的居住证明会印成业主的号码）：1-1-101 租户 赵磊（联系人编号 2）：证件号码 110101********1233 与业主“张伟”的相同；"
        "1-1-101 子女 王小明（联系人编号 4）：证件号码 310104********0027 与共有人“王芳”的相同；"
        "1-1-102 租户 周九（联系人编号 1）：证件号码 320102******561 与业主“李娜”的相同",
        "fix": "核对后用 recordkit owners contact edit 联系人编号 --clear 证件号码 清空，"
        "或用 recordkit owners contact edit 联系人编号 --id-number 正确的号码 改正（租户、家属应填本人的证件号）",
        "required": False,
    }
    exported = tmp_path / "导出.xlsx"
    assert run_cli("owners", "export", str(exported), "--show-private").exit_code == 0
    again = run_cli("owners", "import", str(exported))
    assert again.exit_code == 0, again.output
    assert run_cli("owners", "contact", "edit", "2", "--clear", "身份证号").exit_code == 0
    assert run_cli("owners", "contact", "edit", "4", "--id-number", QIAN_BA_ID).exit_code == 0
    assert doctor_check(run_cli, "联系人证件号码")["detail"].endswith(
        "：1-1-102 租户 周九（联系人编号 1）：证件号码 320102******561 与业主“李娜”的相同"
    )
    assert run_cli("owners", "contact", "edit", "1", "--clear", "身份证号").exit_code == 0
    assert doctor_check(run_cli, "联系人证件号码")["ok"] is True
    assert [row[1:5:3] for row in contacts_in_ledger(workspace)] == [
        ("周九", None),
        ("赵磊", None),
        ("张伟", ZHANG_WEI_ID),
        ("王小明", QIAN_BA_ID),
        ("吴芳", WU_FANG_ID),
    ]


def test_doctor_lists_each_contact_an_older_version_kept_with_another_units_owners_id_number(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """The counter and the import now refuse a contact another unit's owner's ID number under another name, but those
    older versions kept were reported nowhere (the import leaves a number the contact held before to doctor).  The
    联系人证件号码 line lists each, that unit and owner named, number masked; the owner himself, another unit's contact
    under his name, is not listed."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    with open_ledger(workspace.database_url) as ledger, ledger.write() as conn:
        for unit, name, relation, number in (
            ("1-1-102", "赵磊", "租户", ZHANG_WEI_ID),  # 张伟's, owner of 1-1-101
            ("1-1-102", "张伟", "配偶", ZHANG_WEI_ID),  # 张伟 himself
            ("1-1-101", "周九", "家属", "320102880214561"),  # 李娜's (1-1-102), first-generation
        ):
            conn.execute(
                sa.text(
                    "INSERT INTO unit_contacts (unit_id, name, relation, id_number, added_at, added_by)"
                    " SELECT id, :name, :relation, :number, '2020-01-01T00:00:00+00:00', '旧版本' FROM units"
                    " WHERE code = :unit"
                ),
                {"unit": unit, "name": name, "relation": relation, "number": number},
            )
    assert doctor_check(run_cli, "联系人证件号码") == {
        "name": "联系人证件号码",
        "ok": False,
        "detail": "2 位联系人登记的是另一户业主或共有人的证件号码、姓名却不同（旧版本登记的，现在添加联系人和导入名册都不收；"
        "一个号码成了两个人的）：1-1-101 家属 周九（联系人编号 3）：证件号码 320102******561 与 1-1-102 的业主“李娜”的相同；"
        "1-1-102 租户 赵磊（联系人编号 1）：证件号码 110101********1233 与 1-1-101 的业主“张伟”的相同",
        "fix": "核对后用 recordkit owners contact edit 联系人编号 --clear 证件号码 清空，"
        "或用 recordkit owners contact edit 联系人编号 --id-number 正确的号码 改正（租户、家属应填本人的证件号）",
        "required": False,
    }
    assert run_cli("owners", "contact", "edit", "1", "--clear", "身份证号").exit_code == 0
    assert run_cli("owners", "contact", "edit", "3", "--clear", "身份证号").exit_code == 0
    assert doctor_check(run_cli, "联系人证件号码")["ok"] is True


# -- 6. an owner given a contact's ID number by a roster ------------------------------------------------------


def owners_in_ledger(workspace: Workspace) -> list[tuple[Any, ...]]:
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        return [tuple(row) for row in conn.execute(sa.text("SELECT name, id_number FROM owners ORDER BY id"))]


def unit_with_two_contacts(run_cli: Any, tmp_path: Path) -> None:
    """1-1-103: owner 钱八 without an ID number; tenant 孙七 (contact 1), spouse 吴芳 (contact 2), each with a number."""
    rows = [HEADERS, ["1-1-103", 90, "钱八", "13700001111", None, "业主"]]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows))).exit_code == 0
    for name, relation, number in (("孙七", "租户", SUN_QI_ID), ("吴芳", "配偶", QIAN_BA_ID)):
        added = run_cli("owners", "contact", "add", "1-1-103", name, "--relation", relation, "--id-number", number)
        assert added.exit_code == 0, added.output


def test_a_roster_giving_an_owner_a_contacts_id_number_is_refused_at_the_owners_cell(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """The reverse of a contact given the owner's number: a roster giving the owner (or a co-owner) the number a
    contact of the unit already holds was imported, the tenant and the owner one number.  Refused at the owner's
    身份证号 cell (exit 5, as the contact-side cell), a first-generation number as its 18-digit one, nothing imported;
    a contact the sheet names again without a number keeps the ledger's, and is refused so too."""
    unit_with_two_contacts(run_cli, tmp_path)
    journalled = journal_size(run_cli)
    rows = [
        HEADERS,
        ["1-1-103", 90, "钱八", "13700001111", "440301850315123", "业主"],
        ["1-1-103", None, "周九", None, QIAN_BA_ID, "共有人"],
    ]
    refused = run_cli("owners", "import", str(roster(tmp_path / "错.xlsx", rows)))
    assert (refused.exit_code, refused.stdout) == (5, "")
    assert refused.stderr.splitlines() == [
        "错误：有 2 位业主的证件号码与本户联系人的相同，没有导入任何数据",
        "  第 2 行 E 列（身份证号）：业主的证件号码 440301******123 与该户联系人“孙七”（租户）的相同："
        "核对这一格；是联系人登记错了的，先改正联系人（recordkit owners contact edit 1 --id-number 正确的号码）再导入",
        "  第 3 行 E 列（身份证号）：共有人的证件号码 330106********4561 与该户联系人“吴芳”（配偶）的相同："
        "核对这一格；是联系人登记错了的，先改正联系人（recordkit owners contact edit 2 --id-number 正确的号码）再导入",
    ]
    named_again = [
        HEADERS,
        ["1-1-103", 90, "钱八", "13700001111", SUN_QI_ID, "业主"],
        ["1-1-103", None, "孙七", None, None, "租户"],
    ]
    refused = run_cli("owners", "import", str(roster(tmp_path / "再写一次.xlsx", named_again)))
    assert (refused.exit_code, refused.stderr.splitlines()[1:]) == (
        5,
        [
            "  第 2 行 E 列（身份证号）：业主的证件号码 440301********1232 与该户联系人“孙七”（租户）的相同："
            "核对这一格；是联系人登记错了的，先改正联系人（recordkit owners contact edit 1 --id-number 正确的号码）再导入"
        ],
    )
    assert owners_in_ledger(workspace) == [("钱八", None)]
    assert [row[1:5:3] for row in contacts_in_ledger(workspace)] == [("孙七", SUN_QI_ID), ("吴芳", QIAN_BA_ID)]
    assert journal_size(run_cli) == journalled


def test_an_owners_id_number_a_contact_held_is_judged_by_what_the_same_roster_makes_of_that_contact(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """A roster that gives the owner a contact's number and, in the same sheet, takes that contact off (another
    tenant) or gives it another number is imported: the unit as it ends holds no number twice."""
    unit_with_two_contacts(run_cli, tmp_path)
    rows = [
        HEADERS,
        ["1-1-103", 90, "钱八", "13700001111", SUN_QI_ID, "业主"],
        ["1-1-103", None, "周九", None, QIAN_BA_ID, "共有人"],
        ["1-1-103", None, "赵磊", None, ZHAO_LEI_ID, "租户"],
        ["1-1-103", None, "吴芳", None, WU_FANG_ID, "配偶"],
    ]
    imported = run_cli("owners", "import", str(roster(tmp_path / "名册2.xlsx", rows)))
    assert imported.exit_code == 0, imported.output
    assert owners_in_ledger(workspace) == [("钱八", SUN_QI_ID), ("周九", QIAN_BA_ID)]
    assert [row[1:5:3] for row in contacts_in_ledger(workspace)] == [("赵磊", ZHAO_LEI_ID), ("吴芳", WU_FANG_ID)]


def test_a_tenant_a_roster_makes_the_owner_under_the_tenants_id_number_is_no_refusal(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """The tenant who bought the flat, named owner with the number the ledger has for him as tenant: the import takes
    him off the contacts, so the unit ends holding his number once; imported, told as a contact now owner."""
    unit_with_two_contacts(run_cli, tmp_path)
    rows = [HEADERS, ["1-1-103", 90, "孙七", "13600002222", SUN_QI_ID, "业主"]]
    imported = run_cli("owners", "import", str(roster(tmp_path / "买房.xlsx", rows)))
    assert imported.exit_code == 0, imported.output
    assert "1 位联系人成为业主，已不再是联系人：1-1-103 的租户 孙七" in imported.stdout.splitlines()
    assert owners_in_ledger(workspace) == [("孙七", SUN_QI_ID)]
    assert [row[1:5:3] for row in contacts_in_ledger(workspace)] == [("吴芳", QIAN_BA_ID)]


# -- 7. one ID number for two contacts of different units -----------------------------------------------------


def _old_contact(workspace: Workspace, unit: str, name: str, relation: str, number: str | None) -> None:
    """A contact as an older version kept it, written with plain SQL (no check of today's)."""
    with open_ledger(workspace.database_url) as ledger, ledger.write() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO unit_contacts (unit_id, name, relation, id_number, added_at, added_by)"
                " SELECT id, :name, :relation, :number, '2020-01-01T00:00:00+00:00', '旧版本' FROM units"
                " WHERE code = :unit"
            ),
            {"unit": unit, "name": name, "relation": relation, "number": number},
        )


def _zhao_leis_number_refused_at_the_counter(run_cli: Any, tmp_path: Path, unit: str, relation: str) -> None:
    """The roster imported and 赵磊 added as 1-1-102's tenant with his ID number: 孙七 given that number as ``unit``'s
    ``relation`` is refused (exit 8) naming 1-1-102's tenant, number masked, nothing written; 孙七 added without it
    (contact 2) and then given it by ``contact edit --id-number`` is refused the same way."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    added = run_cli("owners", "contact", "add", "1-1-102", "赵磊", "--relation", "租户", "--id-number", ZHAO_LEI_ID)
    assert added.exit_code == 0, added.output
    journalled = journal_size(run_cli)
    refused = run_cli("owners", "contact", "add", unit, "孙七", "--relation", relation, "--id-number", ZHAO_LEI_ID)
    assert (refused.exit_code, refused.stdout, refused.stderr) == (
        8,
        "",
        "错误：联系人的证件号码 110105********002X 与 1-1-102 的租户“赵磊”的相同：租户、家属应填本人的证件号\n",
    )
    assert run_cli("owners", "contact", "add", unit, "孙七", "--relation", "家属").exit_code == 0
    edited = run_cli("owners", "contact", "edit", "2", "--id-number", ZHAO_LEI_ID)
    assert (edited.exit_code, edited.stderr) == (
        8,
        "错误：联系人的证件号码 110105********002X 与 1-1-102 的租户“赵磊”的相同：租户、家属应填本人的证件号\n",
    )
    assert journal_size(run_cli) == journalled + 1


def test_a_contact_with_another_units_contacts_id_number_is_refused_at_the_counter(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """``contact add 1-1-101 孙七 --id-number`` 赵磊's (1-1-102's tenant) was accepted: one number for two people, as a
    contact given another unit's owner's.  Refused the same way (exit 8) naming the other unit and its contact, number
    masked, nothing written; ``contact edit --id-number`` too.  赵磊 himself, a family member elsewhere, is added."""
    _zhao_leis_number_refused_at_the_counter(run_cli, tmp_path, "1-1-101", "家属")
    himself = run_cli("owners", "contact", "add", "1-1-101", "赵磊", "--relation", "家属", "--id-number", ZHAO_LEI_ID)
    assert (himself.exit_code, himself.stdout) == (0, "已添加 1-1-101 的家属“赵磊”（联系人编号 3）\n")
    assert contacts_in_ledger(workspace) == [
        ("1-1-102", "赵磊", "租户", None, ZHAO_LEI_ID, None, None),
        ("1-1-101", "孙七", "家属", None, None, None, None),
        ("1-1-101", "赵磊", "家属", None, ZHAO_LEI_ID, None, None),
    ]


def test_a_roster_contact_row_with_another_units_contacts_id_number_is_refused_at_its_cell(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """A 家属/租户 row carrying the number of another unit's contact of another name — the ledger's, of a unit the sheet
    leaves out, or one written on another row of the same sheet (both cells named) — was imported.  Refused at the
    contact's 身份证号 cell naming that unit and contact, number masked, nothing imported; two contacts that held one
    number before the import are doctor's to tell, not blocked."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    assert (
        run_cli(
            "owners", "contact", "add", "1-1-102", "赵磊", "--relation", "租户", "--id-number", ZHAO_LEI_ID
        ).exit_code
        == 0
    )
    journalled = journal_size(run_cli)
    ledgers_contact = [*OWNERS[:3], ["1-1-101", None, "孙七", None, ZHAO_LEI_ID, "家属"]]
    refused = run_cli("owners", "import", str(roster(tmp_path / "错.xlsx", ledgers_contact)))
    assert (refused.exit_code, refused.stdout) == (5, "")
    assert refused.stderr.splitlines() == [
        "错误：有 1 位联系人填了另一户联系人的证件号码，没有导入任何数据",
        "  第 4 行 E 列（身份证号）：联系人的证件号码 110105********002X 与 1-1-102 的租户“赵磊”的相同："
        "租户、家属应填本人的证件号",
    ]
    sheets_contacts = [
        *OWNERS,
        ["1-1-101", None, "周九", None, QIAN_BA_ID, "家属"],
        ["1-1-102", None, "吴十", None, QIAN_BA_ID, "租户"],
    ]
    refused = run_cli("owners", "import", str(roster(tmp_path / "同一张.xlsx", sheets_contacts)))
    assert (refused.exit_code, refused.stdout) == (5, "")
    assert refused.stderr.splitlines() == [
        "错误：有 2 位联系人填了另一户联系人的证件号码，没有导入任何数据",
        "  第 5 行 E 列（身份证号）：联系人的证件号码 330106********4561 与 1-1-102 的租户“吴十”的相同："
        "租户、家属应填本人的证件号",
        "  第 6 行 E 列（身份证号）：联系人的证件号码 330106********4561 与 1-1-101 的家属“周九”的相同："
        "租户、家属应填本人的证件号",
    ]
    assert contacts_in_ledger(workspace) == [("1-1-102", "赵磊", "租户", None, ZHAO_LEI_ID, None, None)]
    assert journal_size(run_cli) == journalled
    _old_contact(workspace, "1-1-101", "孙七", "家属", ZHAO_LEI_ID)
    held_before = [
        *OWNERS,
        ["1-1-101", None, "孙七", None, ZHAO_LEI_ID, "家属"],
        ["1-1-102", None, "赵磊", None, ZHAO_LEI_ID, "租户"],
    ]
    imported = run_cli("owners", "import", str(roster(tmp_path / "原样.xlsx", held_before)))
    assert imported.exit_code == 0, imported.output


def test_doctor_lists_contacts_an_older_version_kept_with_another_units_contacts_id_number(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """Two contacts of different units an older version kept under one number and two names were listed nowhere.  The
    联系人证件号码 line lists each, naming the other unit and contact, number masked; one person (same name) is not
    listed."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    _old_contact(workspace, "1-1-102", "赵磊", "租户", ZHAO_LEI_ID)
    _old_contact(workspace, "1-1-101", "孙七", "家属", ZHAO_LEI_ID)
    _old_contact(workspace, "1-1-101", "周九", "家属", QIAN_BA_ID)
    _old_contact(workspace, "1-1-102", "周九", "租户", QIAN_BA_ID)
    assert doctor_check(run_cli, "联系人证件号码") == {
        "name": "联系人证件号码",
        "ok": False,
        "detail": "2 位联系人登记的证件号码与另一户的联系人的相同、姓名却不同（旧版本登记的，现在添加联系人和导入名册都不收；"
        "一个号码成了两个人的）：1-1-101 家属 孙七（联系人编号 2）：证件号码 110105********002X 与 1-1-102 的租户“赵磊”的相同；"
        "1-1-102 租户 赵磊（联系人编号 1）：证件号码 110105********002X 与 1-1-101 的家属“孙七”的相同",
        "fix": "核对后用 recordkit owners contact edit 联系人编号 --clear 证件号码 清空，"
        "或用 recordkit owners contact edit 联系人编号 --id-number 正确的号码 改正（租户、家属应填本人的证件号）",
        "required": False,
    }
    assert run_cli("owners", "contact", "edit", "2", "--clear", "身份证号").exit_code == 0
    assert doctor_check(run_cli, "联系人证件号码")["ok"] is True


def test_a_phone_contradiction_and_a_contacts_id_number_conflict_are_refused_together(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """A sheet with one owner given two phones and a tenant given another unit's owner's number showed only the phone
    contradiction; the tenant's cell appeared after the clerk fixed it and ran again.  Both are named in one run, by
    row, nothing imported."""
    rows = [
        *OWNERS,
        ["1-1-103", 90, "张伟", "13900139000", ZHANG_WEI_ID, "业主"],
        ["1-1-102", None, "赵磊", None, ZHANG_WEI_ID, "租户"],
    ]
    refused = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows)))
    assert (refused.exit_code, refused.stdout) == (5, "")
    assert refused.stderr.splitlines() == [
        "错误：有 1 处业主信息前后矛盾、1 位联系人填了另一户业主的证件号码，没有导入任何数据",
        "  第 5 行 D 列（联系电话）：与第 2 行是同一证件号码（同一位业主），但电话不同：请核对后写成一样的",
        "  第 6 行 E 列（身份证号）：联系人的证件号码 110101********1233 与 1-1-101 的业主“张伟”的相同："
        "租户、家属应填本人的证件号",
    ]
    assert json.loads(run_cli("owners", "list", "--json").stdout) == []
    assert contacts_in_ledger(workspace) == []


# -- blanks inside a name ------------------------------------------------------------------------------------------


def unit_owners_in_ledger(workspace: Workspace) -> list[tuple[str, str]]:
    """Each unit and its owner's name as the table holds them, read with plain SQL."""
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        query = "SELECT u.code, o.name FROM units u JOIN owners o ON o.id = u.owner_id ORDER BY u.code"
        return [(str(code), str(name)) for code, name in conn.execute(sa.text(query))]


def test_blanks_inside_a_name_are_kept_alike_from_the_roster_and_at_the_counter(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """A company typed 安居  装饰有限公司 (two blanks) was kept 安居 装饰有限公司 as a renovation's contractor or a receipt's
    payer, but with both blanks as an owner or a tenant from the roster and as a contact added at the counter: every
    name is now kept with one blank between its words, none around."""
    rows = [
        HEADERS,
        ["1-1-101", 90, "安居  装饰有限公司", "13812345678", None, "业主"],
        ["1-1-101", None, "幸福\u3000 物业服务有限公司", None, None, "租户"],
        ["1-1-102", 90, "John  Smith", "13987654321", None, "业主"],
    ]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows)))
    assert result.exit_code == 0, result.output
    added = run_cli("owners", "contact", "add", "1-1-102", " 安居\u3000 装饰有限公司 ", "--relation", "租户")
    assert added.exit_code == 0, added.output
    assert added.stdout.strip() == "已添加 1-1-102 的租户“安居 装饰有限公司”（联系人编号 2）"
    assert unit_owners_in_ledger(workspace) == [("1-1-101", "安居 装饰有限公司"), ("1-1-102", "John Smith")]
    assert [(code, name) for code, name, *_ in contacts_in_ledger(workspace)] == [
        ("1-1-101", "幸福 物业服务有限公司"),
        ("1-1-102", "安居 装饰有限公司"),
    ]


def test_an_owner_an_older_version_kept_with_two_blanks_is_the_same_owner_at_the_next_import(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """An older version kept 安居  装饰有限公司 (two blanks, no ID number); the roster imported again, now read 安居 装饰有限公司,
    made a new owner record and deleted the old one: it is the same owner, its name now kept with one blank."""
    rows = [HEADERS, ["1-1-101", 90, "安居  装饰有限公司", "13812345678", None, "业主"]]
    sheet = roster(tmp_path / "名册.xlsx", rows)
    assert run_cli("owners", "import", str(sheet)).exit_code == 0
    with open_ledger(workspace.database_url) as ledger, ledger.write() as conn:
        conn.execute(sa.text("UPDATE owners SET name = '安居  装饰有限公司'"))  # as an older version kept it
    again = run_cli("owners", "import", str(sheet))
    assert again.exit_code == 0, again.output
    assert "不再持有房屋、已删除的业主记录" not in again.stdout
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        assert [tuple(row) for row in conn.execute(sa.text("SELECT id, name FROM owners"))] == [
            (1, "安居 装饰有限公司")
        ]


# -- 8. one ID number for two contacts of the same unit -------------------------------------------------------


def test_a_contact_with_the_id_number_of_another_contact_of_its_unit_is_refused_at_the_counter(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """``contact add 1-1-102 孙七 --id-number`` 赵磊's, 1-1-102's own tenant, was accepted (only other units' contacts
    were checked): one number for two people.  Refused the same way (exit 8) naming the contact, number masked, nothing
    written; ``contact edit --id-number`` too; editing that tenant's own phone still passes; 赵磊 himself as a family
    member of the same unit (same name) is the same person."""
    _zhao_leis_number_refused_at_the_counter(run_cli, tmp_path, "1-1-102", "租户")
    renamed = run_cli("owners", "contact", "edit", "1", "--name", "赵蕾")
    assert (renamed.exit_code, renamed.stderr) == (0, "")
    assert contacts_in_ledger(workspace) == [
        ("1-1-102", "赵蕾", "租户", None, ZHAO_LEI_ID, None, None),
        ("1-1-102", "孙七", "家属", None, None, None, None),
    ]


def test_a_roster_giving_two_contacts_of_one_unit_one_id_number_is_refused_at_both_cells(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """Two 家属/租户 rows of one unit with one ID number and two names were imported.  Refused at both contacts'
    身份证号 cells, each naming the other, number masked, nothing imported; one name twice is one person."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    journalled = journal_size(run_cli)
    two = [
        *OWNERS,
        ["1-1-102", None, "周九", None, QIAN_BA_ID, "家属"],
        ["1-1-102", None, "吴十", None, QIAN_BA_ID, "租户"],
    ]
    refused = run_cli("owners", "import", str(roster(tmp_path / "两位.xlsx", two)))
    assert (refused.exit_code, refused.stdout) == (5, "")
    assert refused.stderr.splitlines() == [
        "错误：有 2 位联系人填了本户另一位联系人的证件号码，没有导入任何数据",
        "  第 5 行 E 列（身份证号）：联系人的证件号码 330106********4561 与 1-1-102 的租户“吴十”的相同："
        "租户、家属应填本人的证件号",
        "  第 6 行 E 列（身份证号）：联系人的证件号码 330106********4561 与 1-1-102 的家属“周九”的相同："
        "租户、家属应填本人的证件号",
    ]
    assert contacts_in_ledger(workspace) == []
    assert journal_size(run_cli) == journalled


def test_doctor_lists_two_contacts_of_one_unit_an_older_version_kept_with_one_id_number(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """Two contacts of one unit an older version kept under one number and two names were listed nowhere.  The
    联系人证件号码 line lists each, naming the other, number masked."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    _old_contact(workspace, "1-1-102", "赵磊", "租户", ZHAO_LEI_ID)
    _old_contact(workspace, "1-1-102", "孙七", "家属", ZHAO_LEI_ID)
    assert doctor_check(run_cli, "联系人证件号码") == {
        "name": "联系人证件号码",
        "ok": False,
        "detail": "2 位联系人登记的证件号码与本户另一位联系人的相同、姓名却不同（旧版本登记的，现在添加联系人和导入名册都不收；"
        "一个号码成了两个人的）：1-1-102 租户 赵磊（联系人编号 1）：证件号码 110105********002X 与 1-1-102 的家属“孙七”的相同；"
        "1-1-102 家属 孙七（联系人编号 2）：证件号码 110105********002X 与 1-1-102 的租户“赵磊”的相同",
        "fix": "核对后用 recordkit owners contact edit 联系人编号 --clear 证件号码 清空，"
        "或用 recordkit owners contact edit 联系人编号 --id-number 正确的号码 改正（租户、家属应填本人的证件号）",
        "required": False,
    }


# -- 9. one person, one relation to a unit --------------------------------------------------------------------


def test_a_contact_added_again_under_another_relation_of_the_same_unit_is_refused(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """``contact add 1-1-102 赵磊 --relation 租户`` beside 1-1-102's 配偶 赵磊 (same name, same ID number) was added: one
    person two contacts of one unit, greeted twice on its notices.  Refused (exit 8) naming the first and how to
    change its relation; ``contact edit --name`` onto him too; he is still added to another unit."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    added = run_cli("owners", "contact", "add", "1-1-102", "赵磊", "--relation", "配偶", "--id-number", ZHAO_LEI_ID)
    assert added.exit_code == 0, added.output
    journalled = journal_size(run_cli)
    refused = run_cli("owners", "contact", "add", "1-1-102", "赵磊", "--relation", "租户", "--id-number", ZHAO_LEI_ID)
    assert (refused.exit_code, refused.stdout, refused.stderr) == (
        8,
        "",
        "错误：1-1-102 已有配偶“赵磊”（联系人编号 1），一个人在一套房屋只登记一种关系，没有再添加为租户："
        "关系变了的，请用 recordkit owners contact edit 1 --relation 租户 修改\n",
    )
    assert run_cli("owners", "contact", "add", "1-1-102", "孙七", "--relation", "租户").exit_code == 0
    edited = run_cli("owners", "contact", "edit", "2", "--name", "赵磊")
    assert (edited.exit_code, edited.stderr) == (
        8,
        "错误：1-1-102 已有配偶“赵磊”（联系人编号 1），一个人在一套房屋只登记一种关系，联系人编号 2 没有修改："
        "是同一个人的，请删除其中一位（recordkit owners contact remove 联系人编号）\n",
    )
    assert journal_size(run_cli) == journalled + 1
    assert run_cli("owners", "contact", "edit", "1", "--relation", "租户").exit_code == 0
    elsewhere = run_cli("owners", "contact", "add", "1-1-101", "赵磊", "--relation", "租户", "--id-number", ZHAO_LEI_ID)
    assert elsewhere.exit_code == 0, elsewhere.output
    assert contacts_in_ledger(workspace) == [
        ("1-1-102", "赵磊", "租户", None, ZHAO_LEI_ID, None, None),
        ("1-1-102", "孙七", "租户", None, None, None, None),
        ("1-1-101", "赵磊", "租户", None, ZHAO_LEI_ID, None, None),
    ]


def test_a_roster_naming_one_person_of_a_unit_under_two_relations_is_refused_at_the_second_row(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """Two contact rows of 1-1-102, 赵磊 配偶 and 赵磊 租户 (same name and ID number), were imported as two contacts.
    Refused at the second row's 关系 cell naming the first row, nothing imported."""
    two = [
        *OWNERS,
        ["1-1-102", None, "赵磊", None, ZHAO_LEI_ID, "配偶"],
        ["1-1-102", None, "赵磊", None, ZHAO_LEI_ID, "租户"],
    ]
    refused = run_cli("owners", "import", str(roster(tmp_path / "两种.xlsx", two)))
    assert (refused.exit_code, refused.stdout) == (5, "")
    assert refused.stderr.splitlines() == [
        "错误：两种.xlsx 有 1 处错误，没有导入任何数据",
        "  第 6 行 F 列（关系）：1-1-102 的配偶“赵磊”已写在第 5 行，一个人在一套房屋只登记一种关系：请核对后只留一行",
    ]
    assert contacts_in_ledger(workspace) == []


def test_a_roster_naming_a_contact_the_ledger_keeps_under_another_relation_is_refused_at_its_row(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """1-1-102's 配偶 赵磊, added at the counter, and a roster stating only 1-1-102's 租户 rows, 赵磊 租户: the import kept
    both (the sheet says nothing of 配偶).  Refused at the row's 关系 cell naming the contact and how to change its
    relation, nothing imported; once changed, the roster imports."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    added = run_cli("owners", "contact", "add", "1-1-102", "赵磊", "--relation", "配偶", "--id-number", ZHAO_LEI_ID)
    assert added.exit_code == 0, added.output
    journalled = journal_size(run_cli)
    tenant = [*OWNERS, ["1-1-102", None, "赵磊", None, ZHAO_LEI_ID, "租户"]]
    refused = run_cli("owners", "import", str(roster(tmp_path / "租户.xlsx", tenant)))
    assert (refused.exit_code, refused.stdout) == (5, "")
    assert refused.stderr.splitlines() == [
        "错误：有 1 位联系人已在台账里登记为本户的另一种关系，没有导入任何数据",
        "  第 5 行 F 列（关系）：1-1-102 的配偶“赵磊”（联系人编号 1）已在台账里，一个人在一套房屋只登记一种关系："
        "关系变了的，先用 recordkit owners contact edit 1 --relation 租户 改正再导入",
    ]
    assert journal_size(run_cli) == journalled
    assert run_cli("owners", "contact", "edit", "1", "--relation", "租户").exit_code == 0
    imported = run_cli("owners", "import", str(roster(tmp_path / "租户.xlsx", tenant)))
    assert imported.exit_code == 0, imported.output
    assert contacts_in_ledger(workspace) == [("1-1-102", "赵磊", "租户", None, ZHAO_LEI_ID, None, None)]


def test_doctor_lists_one_person_an_older_version_kept_under_two_relations_of_one_unit(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """1-1-102's 配偶 赵磊 and 租户 赵磊, one person under two relations of one unit as an older version kept him, were
    listed nowhere (the counter and the import refuse him today).  The 业主和联系人姓名 line lists the unit, both
    relations and contact numbers in the counter's words, with what to do; not 1-1-101's 租户 赵磊 of another unit.
    Once the duplicate is removed, the line is all clear and says so."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    _old_contact(workspace, "1-1-102", "赵磊", "配偶", ZHAO_LEI_ID)
    _old_contact(workspace, "1-1-102", "赵磊", "租户", ZHAO_LEI_ID)
    _old_contact(workspace, "1-1-101", "赵磊", "租户", SUN_QI_ID)
    assert doctor_check(run_cli, "业主和联系人姓名") == {
        "name": "业主和联系人姓名",
        "ok": False,
        "detail": "1 人在同一套房屋登记了几种关系（旧版本登记的，一个人在一套房屋只登记一种关系，现在添加联系人和导入名册都不收）："
        "1-1-102 配偶 赵磊（联系人编号 1）、租户 赵磊（联系人编号 2）",
        "fix": "一个人登记了几种关系的：核对后删除关系不对的那一位（recordkit owners contact remove 联系人编号），"
        "留下的那一位关系也不对的，用 recordkit owners contact edit 联系人编号 --relation 关系 改正",
        "required": False,
    }
    assert run_cli("owners", "contact", "remove", "1").exit_code == 0
    assert doctor_check(run_cli, "业主和联系人姓名") == NAMES_ALL_CLEAR


def test_doctor_lists_one_person_an_older_version_kept_twice_under_one_relation_of_one_unit(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """1-1-101's 家属 张敏 kept twice, as a version before the counter refused it left them, was listed nowhere (only
    one person under two relations was).  The 业主和联系人姓名 line lists the unit and both rows by contact number, with
    the command that removes one; not 1-1-102's 家属 张敏 of another unit.  Once one is removed, all clear."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    _old_contact(workspace, "1-1-101", "张敏", "家属", None)
    _old_contact(workspace, "1-1-102", "张敏", "家属", None)
    _old_contact(workspace, "1-1-101", "张敏", "家属", SUN_QI_ID)
    assert doctor_check(run_cli, "业主和联系人姓名") == {
        "name": "业主和联系人姓名",
        "ok": False,
        "detail": "1 人在同一套房屋以同一关系登记了不止一次（旧版本登记的，现在添加联系人和导入名册都不收）："
        "1-1-101 家属 张敏（联系人编号 1）、家属 张敏（联系人编号 3）",
        "fix": "一个人以同一关系登记了不止一次的：核对电话、证件号码后删除多出的那一位"
        "（recordkit owners contact remove 联系人编号），只记在它名下的电话、证件号码先用 "
        "recordkit owners contact edit 联系人编号 补到留下的那一位",
        "required": False,
    }
    assert run_cli("owners", "contact", "remove", "1").exit_code == 0
    assert doctor_check(run_cli, "业主和联系人姓名") == NAMES_ALL_CLEAR


def test_doctor_lists_an_owner_or_co_owner_an_older_version_kept_as_a_contact_of_the_unit(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """1-1-101's owner 张伟 kept as its 家属 too and its co-owner 王芳 as its 租户, as an older version kept them, were
    listed nowhere (the counter and the import refuse them today: a notice would greet one person twice).  The
    业主和联系人姓名 line lists each in the counter's words, with the contact's number and what to do; not 1-1-102's
    租户 张伟 of another unit.  Once removed, the line is all clear and says so."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    _old_contact(workspace, "1-1-101", "张伟", "家属", None)
    _old_contact(workspace, "1-1-102", "张伟", "租户", None)
    _old_contact(workspace, "1-1-101", "王芳", "租户", None)
    assert doctor_check(run_cli, "业主和联系人姓名") == {
        "name": "业主和联系人姓名",
        "ok": False,
        "detail": "2 位联系人是本户的业主或共有人（旧版本登记的，现在添加联系人和导入名册都不收；通知上会把一个人印两次）："
        "1-1-101 家属 张伟（联系人编号 1）：张伟是这套房屋的业主，不用再登记为家属；"
        "1-1-101 租户 王芳（联系人编号 3）：王芳是这套房屋的共有人，不用再登记为租户",
        "fix": "业主、共有人又登记为本户联系人的：核对后删除这位联系人（recordkit owners contact remove 联系人编号）",
        "required": False,
    }
    assert run_cli("owners", "contact", "remove", "1").exit_code == 0
    assert run_cli("owners", "contact", "remove", "3").exit_code == 0
    assert doctor_check(run_cli, "业主和联系人姓名") == NAMES_ALL_CLEAR


# -- a made-up area code ---------------------------------------------------------------------------------------

MADE_UP_AREA = "的区号“0211”不存在：四位区号以 03–09 开头，010 和 02X 是三位区号，请核对后改正"


def test_a_phone_with_a_made_up_area_code_is_refused_at_the_counter_and_in_the_roster(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    # 0211-8888666 was kept as a landline: no city has the area code 0211 (021 is Shanghai's, 3 digits)
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    assert run_cli("owners", "contact", "add", "1-1-102", "赵磊", "--phone", "13900001111").exit_code == 0
    before = contacts_in_ledger(workspace)
    added = run_cli("owners", "contact", "add", "1-1-101", "孙七", "--phone", "0211-8888666")
    assert (added.exit_code, added.stdout, added.stderr) == (
        5,
        "",
        f"错误：--phone 的联系电话“0211-8888666”{MADE_UP_AREA}\n",
    )
    edited = run_cli("owners", "contact", "edit", "1", "--phone", "(0211)8888666")
    assert (edited.exit_code, edited.stdout, edited.stderr) == (
        5,
        "",
        f"错误：--phone 的联系电话“(0211)8888666”{MADE_UP_AREA}\n",
    )
    assert contacts_in_ledger(workspace) == before
    rows = [*OWNERS[:3], ["1-1-102", 90, "李娜", "0211-8888666", LI_NA_ID, "业主"]]
    imported = run_cli("owners", "import", str(roster(tmp_path / "名册2.xlsx", rows)))
    assert imported.exit_code == 5
    assert f"第 4 行 D 列（联系电话）：联系电话“0211-8888666”{MADE_UP_AREA}" in imported.stderr


@pytest.mark.parametrize(
    ("stored", "masked"),
    [
        ("0211-8888666", "0211-***8666"),  # a made-up area code
        ("021-18888666", "021-****8666"),  # a local number starting with 1
        ("010-5881234", "010-***1234"),  # 010 and 7 digits
    ],
)
def test_a_phone_an_older_version_kept_that_input_now_refuses_is_still_listed(
    run_cli: Any, tmp_path: Path, workspace: Workspace, stored: str, masked: str
) -> None:
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    _old_contact(workspace, "1-1-102", "赵磊", "租户", None)
    with open_ledger(workspace.database_url) as ledger, ledger.write() as conn:  # as an older version took it
        conn.execute(sa.text("UPDATE unit_contacts SET phone = :phone"), {"phone": stored})
    listed = run_cli("owners", "contact", "list")
    assert listed.exit_code == 0, listed.output
    assert table_rows(listed.stdout) == [["1", "1-1-102", "赵磊", "租户", masked, ""]]
    shown = run_cli("owners", "contact", "list", "--show-private", "--json")
    assert shown.exit_code == 0, shown.output
    assert [row["phone"] for row in json.loads(shown.stdout)] == [stored]


def test_a_phone_with_an_area_code_01x_other_than_010_is_refused(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    # 011-88886666 was taken: the area-code pattern let 011 to 019 through, though 010 is the only one 01 starts
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    before = contacts_in_ledger(workspace)
    for typed, area in (("011-88886666", "011"), ("01988886666", "019")):
        added = run_cli("owners", "contact", "add", "1-1-101", "孙七", "--phone", typed)
        assert (added.exit_code, added.stdout, added.stderr) == (
            5, "", f"错误：--phone 的联系电话“{typed}”的区号“{area}”不存在：四位区号以 03–09 开头，010 和 02X 是三位区号，请核对后改正\n"
        )  # fmt: skip
    assert contacts_in_ledger(workspace) == before
    added = run_cli("owners", "contact", "add", "1-1-101", "孙七", "--phone", "01088886666")
    assert added.exit_code == 0, added.output
    listed = run_cli("owners", "contact", "list", "--show-private", "--json")
    assert [row["phone"] for row in json.loads(listed.stdout)] == ["010-88886666"]


# -- a landline whose number starts with 0 or 1 ----------------------------------------------------------------------


def test_a_landline_whose_number_starts_with_0_or_1_is_refused_at_the_counter_and_in_the_roster(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    # 021-18888666 and 0755-12345678 were kept: no city's local number starts with 0 or 1
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    assert run_cli("owners", "contact", "add", "1-1-102", "赵磊", "--phone", "13900001111").exit_code == 0
    before = contacts_in_ledger(workspace)
    added = run_cli("owners", "contact", "add", "1-1-101", "孙七", "--phone", "021-18888666")
    assert (added.exit_code, added.stdout, added.stderr) == (
        5, "", "错误：--phone 的联系电话“021-18888666”的号码“18888666”不存在：区号后面的号码以 2–9 开头，不以 0 或 1 开头，请核对后改正\n"
    )  # fmt: skip
    edited = run_cli("owners", "contact", "edit", "1", "--phone", "0755-12345678")
    assert (edited.exit_code, edited.stdout, edited.stderr) == (
        5, "", "错误：--phone 的联系电话“0755-12345678”的号码“12345678”不存在：区号后面的号码以 2–9 开头，不以 0 或 1 开头，请核对后改正\n"
    )  # fmt: skip
    assert contacts_in_ledger(workspace) == before
    rows = [*OWNERS[:3], ["1-1-102", 90, "李娜", "0755-12345678", LI_NA_ID, "业主"]]
    imported = run_cli("owners", "import", str(roster(tmp_path / "名册2.xlsx", rows)))
    assert imported.exit_code == 5
    assert (
        "第 4 行 D 列（联系电话）：联系电话“0755-12345678”的号码“12345678”不存在：区号后面的号码以 2–9 开头，"
        "不以 0 或 1 开头，请核对后改正"
    ) in imported.stderr
    listed = run_cli("owners", "list", "--show-private", "--json")
    assert [owner["phone"] for owner in json.loads(listed.stdout)] == ["13812345678", "13987654321"]


# -- a 3-digit area code with a 7-digit number ----------------------------------------------------------------------


def test_a_landline_of_010_or_02x_with_7_digits_is_refused_at_the_counter_and_in_the_roster(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    # 010-5881234 was kept, though 010 and 02x take 8 digits and a text's 010-5881234 is neither masked nor found
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    assert run_cli("owners", "contact", "add", "1-1-102", "赵磊", "--phone", "13900001111").exit_code == 0
    before = contacts_in_ledger(workspace)
    added = run_cli("owners", "contact", "add", "1-1-101", "孙七", "--phone", "010-5881234")
    assert (added.exit_code, added.stdout, added.stderr) == (
        5, "", "错误：--phone 的联系电话“010-5881234”的号码“5881234”只有 7 位：区号 010 后应是 8 位号码，请核对后改正\n"
    )  # fmt: skip
    edited = run_cli("owners", "contact", "edit", "1", "--phone", "0215881234")
    assert (edited.exit_code, edited.stdout, edited.stderr) == (
        5, "", "错误：--phone 的联系电话“0215881234”的号码“5881234”只有 7 位：区号 021 后应是 8 位号码，请核对后改正\n"
    )  # fmt: skip
    assert contacts_in_ledger(workspace) == before
    rows = [
        [*HEADERS, "租户", "租户电话"],
        [*OWNERS[1], None, None],
        [*OWNERS[2], None, None],
        [*OWNERS[3][:3], "(010)5881234", *OWNERS[3][4:], "周杰", "13700002222"],
    ]
    imported = run_cli("owners", "import", str(roster(tmp_path / "名册2.xlsx", rows)))
    assert imported.exit_code == 5
    assert (
        "第 4 行 D 列（联系电话）：联系电话“(010)5881234”的号码“5881234”只有 7 位：区号 010 后应是 8 位号码，请核对后改正"
    ) in imported.stderr
    rows[3] = [*OWNERS[3], "周杰", "021 588 1234"]
    imported = run_cli("owners", "import", str(roster(tmp_path / "名册3.xlsx", rows)))
    assert imported.exit_code == 5
    assert (
        "第 4 行 H 列（租户电话）：联系电话“021 588 1234”的号码“5881234”只有 7 位：区号 021 后应是 8 位号码，请核对后改正"
    ) in imported.stderr
    listed = run_cli("owners", "list", "--show-private", "--json")
    assert [owner["phone"] for owner in json.loads(listed.stdout)] == ["13812345678", "13987654321"]
    assert contacts_in_ledger(workspace) == before
    for name, typed in (("孙七", "0911-2345678"), ("钱八", "010 5881 2345")):  # what the area code takes
        added = run_cli("owners", "contact", "add", "1-1-101", name, "--phone", typed)
        assert added.exit_code == 0, added.output
    listed = run_cli("owners", "contact", "list", "--show-private", "--json")
    assert [row["phone"] for row in json.loads(listed.stdout)] == ["0911-2345678", "010-58812345", "13900001111"]


def test_doctor_tells_contacts_of_one_name_apart_by_their_id_numbers_and_lists_an_id_pair_as_one_person(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """Doctor's 业主和联系人姓名 line compared names only: 1-1-101's 家属 张敏 and 租户 张敏, each with his own ID number —
    two people the import now registers side by side — were listed as one person under two relations.  Where both
    numbers are known they decide: not listed.  1-1-102's 家属 孙七 kept twice, once under his first-generation number
    and once under the 18-digit one it became, is one person: listed once, both rows in the one entry."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    _old_contact(workspace, "1-1-101", "张敏", "家属", QIAN_BA_ID)
    _old_contact(workspace, "1-1-101", "张敏", "租户", ZHAO_LEI_ID)
    _old_contact(workspace, "1-1-102", "孙七", "家属", "440301850315123")
    _old_contact(workspace, "1-1-102", "孙七", "家属", SUN_QI_ID)
    check = doctor_check(run_cli, "业主和联系人姓名")
    assert check["detail"] == (
        "1 人在同一套房屋以同一关系登记了不止一次（旧版本登记的，现在添加联系人和导入名册都不收）："
        "1-1-102 家属 孙七（联系人编号 3）、家属 孙七（联系人编号 4）"
    )
    assert run_cli("owners", "contact", "remove", "3").exit_code == 0
    assert doctor_check(run_cli, "业主和联系人姓名") == NAMES_ALL_CLEAR


def test_contact_add_takes_a_second_person_of_one_name_told_apart_by_his_id_number(
    run_cli: Any, tmp_path: Path
) -> None:
    """The counter refused 1-1-101's 租户 张敏 beside its 家属 张敏 by name alone (一个人在一套房屋只登记一种关系), though
    each has his own ID number; two numbers known and different are two people.  Without a number the name decides."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    family = ("owners", "contact", "add", "1-1-101", "张敏", "--relation", "家属", "--id-number", QIAN_BA_ID)
    assert run_cli(*family).exit_code == 0
    tenant = ("owners", "contact", "add", "1-1-101", "张敏", "--relation", "租户")
    added = run_cli(*tenant, "--id-number", ZHAO_LEI_ID)
    assert added.exit_code == 0, added.output
    refused = run_cli("owners", "contact", "add", "1-1-101", "张敏", "--relation", "家属")
    assert (refused.exit_code, refused.stderr.strip()) == (
        8,
        "错误：1-1-101 已有家属“张敏”（联系人编号 1），没有再添加：电话、证件号码或租期变了，"
        "请用 recordkit owners contact edit 1 修改（例如 --phone 新号码、--end 到期日期）",
    )


def test_a_latin_name_in_the_roster_import_s_messages_is_quoted(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """``owners import`` put a name after a space inside its sentences (的配偶 Tran Van Nam（联系人编号 1）已在台账里,
    的业主 Tran Van Nam 已改名为 陈文南, 是同一位业主 Nguyen Thi Lan（没有证件号码）): a Latin name ran into the Chinese
    words.  Every name such a sentence carries is quoted."""
    owners = [HEADERS, ["1-1-101", 90, "Tran Van Nam", "13812345678", ZHANG_WEI_ID, "业主"]]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", owners))).exit_code == 0
    renamed = [HEADERS, ["1-1-101", 90, "陈文南", "13812345678", ZHANG_WEI_ID, "业主"]]
    trial = run_cli("owners", "import", str(roster(tmp_path / "改名.xlsx", renamed)), "--dry-run")
    assert trial.exit_code == 0, trial.output
    assert "证件号码 110101********1233 的业主“Tran Van Nam”将改名为“陈文南”：1-1-101 的业主" in trial.stdout
    assert run_cli("owners", "contact", "add", "1-1-101", "Mary Smith", "--relation", "配偶").exit_code == 0
    tenant = [*owners, ["1-1-101", None, "Mary Smith", "13900001111", None, "租户"]]
    refused = run_cli("owners", "import", str(roster(tmp_path / "租户.xlsx", tenant)))
    assert (refused.exit_code, refused.stdout) == (5, "")
    assert refused.stderr.splitlines() == [
        "错误：有 1 位联系人已在台账里登记为本户的另一种关系，没有导入任何数据",
        "  第 3 行 F 列（关系）：1-1-101 的配偶“Mary Smith”（联系人编号 1）已在台账里，一个人在一套房屋只登记一种关系："
        "关系变了的，先用 recordkit owners contact edit 1 --relation 租户 改正再导入",
    ]
    numberless = [
        HEADERS,
        ["1-1-102", 90, "Nguyen Thi Lan", "13987654321", None, "业主"],
        ["1-1-103", 90, "Nguyen Thi Lan", "13987654321", None, "业主"],
    ]
    assert run_cli("owners", "import", str(roster(tmp_path / "无证件.xlsx", numberless))).exit_code == 0
    numberless[1][3] = "13700001111"
    refused = run_cli("owners", "import", str(roster(tmp_path / "新电话.xlsx", numberless)))
    assert refused.exit_code == 5, refused.output
    assert (
        "第 3 行 D 列（联系电话）：与第 2 行是同一位业主“Nguyen Thi Lan”（没有证件号码），但电话不同：请核对后写成一样的"
        in refused.stderr
    )
    twice = [
        *owners,
        ["1-1-101", None, "Nguyen Van Binh", None, None, "家属"],
        ["1-1-101", None, "Nguyen Van Binh", None, None, "租户"],
    ]
    refused = run_cli("owners", "import", str(roster(tmp_path / "两行.xlsx", twice)))
    assert refused.exit_code == 5, refused.output
    assert (
        "第 4 行 F 列（关系）：1-1-101 的家属“Nguyen Van Binh”已写在第 3 行，一个人在一套房屋只登记一种关系：请核对后只留一行"
        in refused.stderr
    )


# -- 10. a contact's number (联系人编号) is his for good ------------------------------------------------------------


def contact_ids(run_cli: Any, env: dict[str, str] | None = None) -> list[tuple[int, str, str, str, str | None]]:
    """``contact list --json --show-private`` as (联系人编号, unit, name, relation, phone), in its order."""
    listed = run_cli("owners", "contact", "list", "--json", "--show-private", env=env)
    assert listed.exit_code == 0, listed.output
    return [(c["id"], c["unit"], c["name"], c["relation"], c["phone"]) for c in json.loads(listed.stdout)]


def test_a_roster_imported_again_keeps_each_contacts_number(run_cli: Any, tmp_path: Path) -> None:
    """Imported again with 1-1-101's 租户 赵磊 under a new phone and a 家属 钱八 added, every 家属 and 租户 of 1-1-101
    was deleted and written anew: 张敏 and 赵磊 got new 联系人编号, and a number an earlier refusal or a clerk's note gave
    named nobody or someone else.  Each contact the sheet names again keeps his number (赵磊's phone changed on it),
    only 钱八 gets a new one; 1-1-102's 孙七 is untouched."""
    contacts = [
        ["1-1-101", None, "张敏", "13700000001", None, "家属"],
        ["1-1-101", None, "赵磊", "13700000002", ZHAO_LEI_ID, "租户"],
        ["1-1-102", None, "孙七", "13700000003", None, "租户"],
    ]
    first = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", [*OWNERS, *contacts])))
    assert first.exit_code == 0, first.output
    assert contact_ids(run_cli) == [
        (1, "1-1-101", "张敏", "家属", "13700000001"),
        (2, "1-1-101", "赵磊", "租户", "13700000002"),
        (3, "1-1-102", "孙七", "租户", "13700000003"),
    ]
    again = [
        ["1-1-101", None, "钱八", "13700000004", None, "家属"],
        ["1-1-101", None, "张敏", "13700000001", None, "家属"],
        ["1-1-101", None, "赵磊", "13700000009", ZHAO_LEI_ID, "租户"],
        ["1-1-102", None, "孙七", "13700000003", None, "租户"],
    ]
    second = run_cli("owners", "import", str(roster(tmp_path / "名册2.xlsx", [*OWNERS, *again])))
    assert second.exit_code == 0, second.output
    assert contact_ids(run_cli) == [
        (1, "1-1-101", "张敏", "家属", "13700000001"),
        (2, "1-1-101", "赵磊", "租户", "13700000009"),
        (4, "1-1-101", "钱八", "家属", "13700000004"),
        (3, "1-1-102", "孙七", "租户", "13700000003"),
    ]


def test_a_removed_contacts_number_is_never_given_to_another(run_cli: Any, ledger_url: str, tmp_path: Path) -> None:
    """On SQLite the highest 联系人编号, once its contact was removed (``contact remove``, or a roster no longer naming
    him), went to the next contact added: a number a clerk noted for 孙七 then named 钱八.  A number once given is
    never given again, on either backend."""
    env = {"RECORDKIT_DATABASE_URL": ledger_url}
    contacts = [
        ["1-1-101", None, "张敏", "13700000001", None, "家属"],
        ["1-1-102", None, "孙七", "13700000003", None, "租户"],
    ]
    imported = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", [*OWNERS, *contacts])), env=env)
    assert imported.exit_code == 0, imported.output
    assert run_cli("owners", "contact", "remove", "2", env=env).exit_code == 0
    added = run_cli("owners", "contact", "add", "1-1-102", "钱八", "--relation", "租户", env=env)
    assert (added.exit_code, added.stdout) == (0, "已添加 1-1-102 的租户“钱八”（联系人编号 3）\n")
    zhou_jiu = ["1-1-101", None, "周九", "13700000005", None, "家属"]
    named = run_cli("owners", "import", str(roster(tmp_path / "名册2.xlsx", [*OWNERS, contacts[0], zhou_jiu])), env=env)
    assert named.exit_code == 0, named.output
    dropped = run_cli("owners", "import", str(roster(tmp_path / "名册3.xlsx", [*OWNERS, contacts[0]])), env=env)
    assert dropped.exit_code == 0, dropped.output
    assert contact_ids(run_cli, env) == [
        (1, "1-1-101", "张敏", "家属", "13700000001"),
        (3, "1-1-102", "钱八", "租户", None),
    ]
    again = run_cli("owners", "contact", "add", "1-1-101", "吴芳", "--relation", "家属", env=env)
    assert (again.exit_code, again.stdout) == (0, "已添加 1-1-101 的家属“吴芳”（联系人编号 5）\n")


def test_an_older_ledger_upgraded_keeps_each_contact_and_number_and_never_gives_one_again(
    run_cli: Any, ledger_url: str, tmp_path: Path
) -> None:
    """A ledger of migration 0030 (SQLite's contact numbers reusable), 1-1-101's 家属 张敏 (1) and 1-1-102's 租户 孙七
    (3) left after 周九 (2) was removed: upgraded, each keeps his number and every field, and once 孙七, the highest, is
    removed, the next contact added is 4, never 3."""
    env = {"RECORDKIT_DATABASE_URL": ledger_url}
    contacts = [
        ["1-1-101", None, "张敏", "13700000001", QIAN_BA_ID, "家属"],
        ["1-1-101", None, "周九", "13700000002", None, "租户"],
        ["1-1-102", None, "孙七", "13700000003", None, "租户"],
    ]
    imported = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", [*OWNERS, *contacts])), env=env)
    assert imported.exit_code == 0, imported.output
    assert run_cli("owners", "contact", "remove", "2", env=env).exit_code == 0
    with open_ledger(ledger_url) as ledger, ledger.write() as conn:
        mark_as_of(conn, "0030")
    assert run_cli("db", "upgrade", env=env).exit_code == 0
    listed = run_cli("owners", "contact", "list", "--json", "--show-private", env=env)
    assert [(c["id"], c["name"], c["phone"], c["id_number"]) for c in json.loads(listed.stdout)] == [
        (1, "张敏", "13700000001", QIAN_BA_ID),
        (3, "孙七", "13700000003", None),
    ]
    assert run_cli("owners", "contact", "remove", "3", env=env).exit_code == 0
    added = run_cli("owners", "contact", "add", "1-1-102", "钱八", "--relation", "租户", env=env)
    assert (added.exit_code, added.stdout) == (0, "已添加 1-1-102 的租户“钱八”（联系人编号 4）\n")


def test_doctor_lists_one_person_kept_three_times_as_one_whatever_order_they_were_added_in(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """配偶 赵磊 and 租户 赵雷 of one ID number are one person, and 租户 赵雷 kept again without a number is he by name; doctor
    grouped each contact with the first it matched, so added 赵磊, 赵雷 (no number), 赵雷 (the number) — 1-1-102 —
    it listed 赵磊 and the numbered 赵雷 and left the other 赵雷 out, while 1-1-101, of the same three added in the order
    赵磊, 赵雷 (the number), 赵雷 (no number), was listed whole.  Both are one person of three contacts now."""
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", OWNERS))).exit_code == 0
    _old_contact(workspace, "1-1-101", "赵磊", "配偶", ZHAO_LEI_ID)
    _old_contact(workspace, "1-1-101", "赵雷", "租户", ZHAO_LEI_ID)
    _old_contact(workspace, "1-1-101", "赵雷", "租户", None)
    _old_contact(workspace, "1-1-102", "赵磊", "配偶", ZHAO_LEI_ID)
    _old_contact(workspace, "1-1-102", "赵雷", "租户", None)
    _old_contact(workspace, "1-1-102", "赵雷", "租户", ZHAO_LEI_ID)
    check = doctor_check(run_cli, "业主和联系人姓名")
    assert (check["ok"], check["detail"]) == (
        False,
        "2 人在同一套房屋登记了几种关系（旧版本登记的，一个人在一套房屋只登记一种关系，现在添加联系人和导入名册都不收）："
        "1-1-101 配偶 赵磊（联系人编号 1）、租户 赵雷（联系人编号 2）、租户 赵雷（联系人编号 3）；"
        "1-1-102 配偶 赵磊（联系人编号 4）、租户 赵雷（联系人编号 5）、租户 赵雷（联系人编号 6）",
    )


def test_a_roster_of_more_units_with_contacts_than_sqlite_takes_parameters_imports(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """The import's check of namesakes named every unit with contacts in one ``IN (…)``: a property group's roster of
    more such units than SQLite takes parameters in one statement failed (exit 7, too many SQL variables).  It imports,
    twice (the second time each tenant is a stored contact), and every tenant is there."""
    rows = [["房号", "建筑面积", "租户"]]
    rows += [[f"{building}-1-{room}", 90, "赵磊"] for building in range(1, 12) for room in range(101, 201)]
    sheet = roster(tmp_path / "集团名册.xlsx", rows)
    with sqlite_parameters_at_most(999):
        for _ in range(2):
            imported = run_cli("owners", "import", str(sheet))
            assert imported.exit_code == 0, imported.output
    tenants = contacts_in_ledger(workspace)
    assert len(tenants) == 1100
    assert tenants[0] == ("1-1-101", "赵磊", "租户", None, None, None, None)
    assert tenants[-1] == ("11-1-200", "赵磊", "租户", None, None, None, None)


def test_a_roster_changing_the_owners_of_more_units_than_sqlite_takes_parameters_imports(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """1,100 units each of an owner and a co-owner, then each of another owner alone: the import deleted the units'
    old co-owners and the owners left holding nothing each in one ``IN (…)``, and failed (exit 7, too many SQL
    variables) on a roster of more units than SQLite takes parameters in one statement.  Both import."""
    codes = [f"{building}-1-{room}" for building in range(1, 12) for room in range(101, 201)]
    both = [["房号", "建筑面积", "业主姓名", "关系"]]
    for n, code in enumerate(codes):
        both += [[code, 90, f"张{n:04d}", "业主"], [code, None, f"王{n:04d}", "共有人"]]
    alone = [["房号", "建筑面积", "业主姓名"], *([code, 90, f"李{n:04d}"] for n, code in enumerate(codes))]
    with sqlite_parameters_at_most(999):
        for rows, name in ((both, "两位.xlsx"), (alone, "一位.xlsx")):
            imported = run_cli("owners", "import", str(roster(tmp_path / name, rows)))
            assert imported.exit_code == 0, imported.output
    assert unit_owners_in_ledger(workspace)[:2] == [("1-1-101", "李0000"), ("1-1-102", "李0001")]
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        counts = conn.execute(sa.text("SELECT (SELECT count(*) FROM owners), (SELECT count(*) FROM unit_co_owners)"))
        assert tuple(counts.one()) == (1100, 0)


def test_a_roster_of_more_units_of_a_name_kept_whole_than_sqlite_takes_parameters_imports(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """1,100 units each owned by 张三、餐饮有限公司 (kept whole: one body's name or two people's): the import read the
    names each unit already held in one ``IN (…)`` of their codes, written twice, and failed (exit 7, too many SQL
    variables) on a roster of more such units than SQLite takes parameters in one statement.  It imports and warns of
    every cell; imported again, no unit is warned of (each holds that name now)."""
    codes = [f"{building}-1-{room}" for building in range(1, 12) for room in range(101, 201)]
    rows = [["房号", "建筑面积", "业主姓名"], *([code, 90, "张三、餐饮有限公司"] for code in codes)]
    sheet = roster(tmp_path / "集团名册.xlsx", rows)
    with sqlite_parameters_at_most(999):
        first = run_cli("owners", "import", str(sheet))
        again = run_cli("owners", "import", str(sheet))
    assert first.exit_code == 0, first.output
    warned = [line for line in first.stdout.splitlines() if line.startswith("提醒")]
    assert len(warned) == 1100
    assert warned[0] == (
        "提醒：第 2 行（业主姓名）：“张三、餐饮有限公司”可能是一家单位，也可能是两位业主：“餐饮有限公司”前面没有字号，"
        "不是单位的全称；已按一位业主原样导入，请核对这一格（是一家单位的写成全称，是两位业主的写上这家单位的全称）"
    )
    assert warned[-1].startswith("提醒：第 1101 行（业主姓名）：“张三、餐饮有限公司”")
    assert again.exit_code == 0, again.output
    assert [line for line in again.stdout.splitlines() if line.startswith("提醒")] == []
    assert set(unit_owners_in_ledger(workspace)) == {(code, "张三、餐饮有限公司") for code in codes}


def test_the_owners_of_more_units_than_sqlite_takes_parameters_are_read_at_once(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """The owners of record of many units at once (the search index's filing transaction, a report's arrears list)
    were read in one ``IN (…)`` of their codes, written twice: more units than SQLite takes parameters in one statement
    failed (too many SQL variables).  Each unit's owners come back, the first then the co-owner."""
    from recordkit.owners.contacts import owner_names_in

    codes = [f"{building}-1-{room}" for building in range(1, 12) for room in range(101, 201)]
    rows = [["房号", "建筑面积", "业主姓名", "关系"]]
    for n, code in enumerate(codes):
        rows += [[code, 90, f"张{n:04d}", "业主"], [code, None, f"王{n:04d}", "共有人"]]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows))).exit_code == 0
    with sqlite_parameters_at_most(999), open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        named = owner_names_in(conn, [*codes, "9-9-909"])
    assert len(named) == 1100
    assert named["1-1-101"] == ("张0000", "王0000")
    assert named["11-1-200"] == ("张1099", "王1099")
    assert "9-9-909" not in named


def test_a_unit_whose_contacts_or_co_owners_alone_changed_is_counted_as_updated(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """A roster giving a tenant a new phone (1-1-101), or a unit another co-owner (1-1-102), and nothing else: the
    summary said 更新 0 户，未变 3 户, and a clerk read "nothing changed".  Such a unit is counted as updated, in the
    trial (and listed among the units it would change) and in the import, on screen and in --json; 1-1-103 stays
    unchanged."""
    headers = ["房号", "建筑面积", "业主姓名", "共有人", "租户", "租户电话"]
    before = [
        headers,
        ["1-1-101", 90, "张伟", None, "赵磊", "13900001111"],
        ["1-1-102", 90, "李娜", None, None, None],
        ["1-1-103", 90, "王芳", None, "孙七", "13900003333"],
    ]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", before))).exit_code == 0
    after = [
        headers,
        ["1-1-101", 90, "张伟", None, "赵磊", "13900002222"],
        ["1-1-102", 90, "李娜", "周九", None, None],
        ["1-1-103", 90, "王芳", None, "孙七", "13900003333"],
    ]
    sheet = str(roster(tmp_path / "新名册.xlsx", after))
    counted = "共 3 行；新增房屋 0 户，更新 2 户，未变 1 户；新增业主 1 人，更新业主 0 人"
    trial = run_cli("owners", "import", sheet, "--dry-run")
    assert trial.exit_code == 0, trial.output
    assert f"检查通过（未写入，--dry-run）：{counted}" in trial.stdout.splitlines()
    assert "将新增或更新的房屋：1-1-101、1-1-102" in trial.stdout.splitlines()
    as_json = json.loads(run_cli("owners", "import", sheet, "--dry-run", "--json").stdout)
    assert (as_json["units_updated"], as_json["units_unchanged"], as_json["changed_units"]) == (
        2,
        1,
        ["1-1-101", "1-1-102"],
    )
    done = run_cli("owners", "import", sheet)
    assert done.exit_code == 0, done.output
    assert f"导入完成：{counted}" in done.stdout.splitlines()
    again = json.loads(run_cli("owners", "import", sheet, "--json").stdout)
    assert (again["units_updated"], again["units_unchanged"], again["changed_units"]) == (0, 3, [])


def test_a_monthly_report_of_more_units_owing_than_sqlite_takes_parameters_is_made(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """700 units, each owing its November fee at the month's end: the report's arrears list read their owners of
    record in one ``IN (…)`` of their codes, written twice, and failed (exit 7, too many SQL variables) on SQLite's
    oldest builds.  The report is made and its arrears list names every unit's owner and co-owner."""
    from openpyxl import load_workbook

    codes = [f"{building}-1-{room}" for building in range(1, 8) for room in range(101, 201)]
    rows = [["房号", "建筑面积", "业主姓名", "关系"]]
    for n, code in enumerate(codes):
        rows += [[code, 100, f"张{n:04d}", "业主"], [code, None, f"王{n:04d}", "共有人"]]
    assert run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", rows))).exit_code == 0
    added = run_cli("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.00", "--from", "2026-01")
    assert added.exit_code == 0, added.output
    assert run_cli("fees", "bill", "--month", "2026-11").exit_code == 0
    folder = tmp_path / "报表"
    with sqlite_parameters_at_most(999):
        made = run_cli("report", "monthly", "--month", "2026-11", "--out", str(folder))
    assert made.exit_code == 0, made.output
    arrears = load_workbook(folder / "月度报表-2026-11.xlsx")["欠费明细"]
    owed = {row[1].value: row[2].value for row in arrears.iter_rows(min_row=3) if row[1].value in codes}
    assert len(owed) == 700
    assert (owed["1-1-101"], owed["7-1-200"]) == ("张0000、王0000", "张0699、王0699")
