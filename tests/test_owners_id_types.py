"""Owners and contacts who hold another ID document than the resident ID card: a passport, a Hong Kong, Macao or Taiwan
resident's permit, a foreigner's permanent residence card …  The ledger keeps each number's type; the roster's 证件类型
column decides how a number is checked; a number of any type is masked on screen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from recordkit.core.errors import ConflictError, ValidationError
from recordkit.core.personal import id_number_as_18, mask_id_number, read_id_type, validate_document_number
from recordkit.core.workspace import Workspace
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.ledger.schema import HEAD_REVISION
from recordkit.owners.contacts import add_contact, list_contacts
from recordkit.owners.roster import import_owners, list_units
from tests.conftest import last_journal_entry
from tests.revisions import mark_as_of

ACCEPTED = "居民身份证、护照、港澳居民来往内地通行证、台湾居民来往大陆通行证、外国人永久居留身份证、港澳台居民居住证、军官证、其他证件"


@pytest.mark.parametrize(
    ("word", "id_type"),
    [
        ("身份证", "resident_id"),
        ("居民身份证", "resident_id"),
        ("护照", "passport"),
        (" 护 照 ", "passport"),
        ("回乡证", "hk_macao_permit"),
        ("港澳居民来往内地通行证", "hk_macao_permit"),
        ("台胞证", "taiwan_permit"),
        ("台湾居民来往大陆通行证（台胞证）", "taiwan_permit"),
        ("外国人永久居留证", "foreign_permanent_id"),
        ("港澳台居民居住证", "hmt_residence_permit"),
        ("军官证", "officer_id"),
        ("ｐａｓｓｐｏｒｔ", "passport"),
    ],
)
def test_the_words_other_systems_write_for_a_document_name_one_type(word: str, id_type: str) -> None:
    assert read_id_type(word) == id_type


def test_an_unknown_document_word_is_refused_with_the_accepted_ones() -> None:
    with pytest.raises(ValidationError) as refused:
        read_id_type("驾驶证")
    assert refused.value.message == f"证件类型“驾驶证”不认识，应为 {ACCEPTED} 之一"


@pytest.mark.parametrize(
    ("text", "id_type", "kept"),
    [
        ("e1234567８", "passport", "E12345678"),
        ("G 1234 5678", "passport", "G12345678"),
        ("H12345678", "hk_macao_permit", "H12345678"),
        ("m1234567801", "hk_macao_permit", "M1234567801"),
        ("１２３４５６７８", "taiwan_permit", "12345678"),
        ("USA110089012345", "foreign_permanent_id", "USA110089012345"),
        ("931156198001010012", "foreign_permanent_id", "931156198001010012"),
        ("810000199408230021", "hmt_residence_permit", "810000199408230021"),
        ("南字第123456号", "officer_id", "南字第123456号"),
        ("110101199003071233", "resident_id", "110101199003071233"),
    ],
)
def test_each_documents_number_is_checked_by_its_shape(text: str, id_type: str, kept: str) -> None:
    assert validate_document_number(text, id_type) == kept


@pytest.mark.parametrize(
    ("text", "id_type", "message"),
    [
        ("E12", "passport", "护照号码“E12”应为 5 至 20 位字母或数字"),
        ("E1234-5678", "passport", "护照号码“E1234-5678”应为 5 至 20 位字母或数字"),
        (
            "12345678",
            "hk_macao_permit",
            "港澳居民来往内地通行证号码“12345678”应为 H 或 M 加 8 位数字（旧证 10 位数字）",
        ),
        ("1234567", "taiwan_permit", "台湾居民来往大陆通行证号码“1234567”应为 8 位数字（旧证 10 位数字）"),
        (
            "110101199003071233",
            "hmt_residence_permit",
            "港澳台居民居住证号码应为以 81（香港）、82（澳门）或 83（台湾）开头的 18 位",
        ),
        ("810000199408230029", "hmt_residence_permit", "港澳台居民居住证号码校验位错误"),
        ("E12345678", "resident_id", "身份证号应为18位或15位（现在是9位）"),
    ],
)
def test_a_number_not_of_its_documents_shape_is_refused_in_those_words(text: str, id_type: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_document_number(text, id_type)
    assert refused.value.message == message


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("E12345678", "E1*****78"),
        ("H1234567801", "H1*******01"),
        ("12345678", "12****78"),
        ("USA110089012345", "US***********45"),
        ("1234567", "*******"),
        ("110101199003071233", "110101********1233"),
    ],
)
def test_another_documents_number_keeps_its_first_and_last_two(number: str, masked: str) -> None:
    assert mask_id_number(number) == masked


def _types(ledger: Ledger) -> list[tuple[str, str, str | None]]:
    with ledger.read() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT 'owner', id_type, id_number FROM owners UNION ALL"
                " SELECT 'contact', id_type, id_number FROM unit_contacts"
            )
        )
        return sorted((tuple(row) for row in rows), key=lambda row: (row[0], row[2] or ""))


def test_a_ledger_of_0028_keeps_its_numbers_as_resident_id_numbers(ledger_url: str) -> None:
    """Upgraded, an older ledger's owners and contacts hold resident ID numbers, as it checked them."""
    with open_ledger(ledger_url) as ledger, ledger.write() as conn:
        conn.execute(sa.text("INSERT INTO owners (name, id_number) VALUES ('张伟', '110101199003071233')"))
        conn.execute(sa.text("INSERT INTO owners (name) VALUES ('李娜')"))
        conn.execute(
            sa.text(
                "INSERT INTO units (code, building, entrance, room, floor_area_hundredths, status)"
                " VALUES ('1-1-101', '1', '1', '101', 9000, 'vacant')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO unit_contacts (unit_id, name, relation, id_number, added_at, added_by)"
                " SELECT id, '赵磊', '租户', '320102198802145615', '2026-12-01T00:00:00+00:00', '测试员' FROM units"
            )
        )
        mark_as_of(conn, "0028")
    with open_ledger(ledger_url) as upgraded:
        assert upgraded.revision() == HEAD_REVISION
        assert _types(upgraded) == [
            ("contact", "resident_id", "320102198802145615"),
            ("owner", "resident_id", None),
            ("owner", "resident_id", "110101199003071233"),
        ]
        with upgraded.write() as conn:  # a passport's 20 characters fit on PostgreSQL too
            conn.execute(
                sa.text("INSERT INTO owners (name, id_type, id_number) VALUES ('Smith', 'passport', :n)"),
                {"n": "A" * 20},
            )


def sheet(path: Path, rows: list[list[Any]]) -> str:
    """A one-sheet workbook typed row by row, headers included, as another system exports it."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return str(path)


#: A roster as another property system exports it: a 证件类型 column beside 证件号码, the numbers as clerks typed them
#: (full-width, with blanks, lower case), the type words that system writes.
MIXED_EXPORT: list[list[Any]] = [
    ["房屋编号", "建筑面积", "客户名称", "联系电话", "证件类型", "证件号码"],
    ["1-1-101", 89.5, "张伟", "13912345678", "身份证", "110101199003071233"],
    ["1-1-102", 89.5, "John Smith", "13600136000", "护照", "ｅ１２３４５６７８"],
    ["1-1-201", 96, "陈家明", "13700137000", "回乡证", "H 1234 5678"],
    ["1-1-202", 96, "林志强", "13800138001", "台胞证", " 12345678 "],
    ["1-1-301", 120, "Maria Garcia", "13500135000", "外国人永久居留证", "esp110089012345"],
    ["1-1-302", 120, "王芳", "13400134000", None, "320102198802145615"],
]


def owners_listed(run_cli: Any, *options: str) -> list[tuple[str, str | None, str | None, str | None]]:
    result = run_cli("owners", "list", "--json", *options)
    assert result.exit_code == 0, result.output
    return [(u["unit"], u["owner"], u["id_type"], u["id_number"]) for u in json.loads(result.stdout)]


def test_a_roster_of_mixed_documents_imports_each_by_its_type(run_cli: Any, tmp_path: Path) -> None:
    """Each number is checked as its 证件类型 says and kept folded; a blank type is a resident ID card.  The listing
    shows each number's document and masks it (a resident number first 6 and last 4, another first 2 and last 2)."""
    result = run_cli("owners", "import", sheet(tmp_path / "房产资料.xlsx", MIXED_EXPORT))
    assert result.exit_code == 0, result.output
    assert owners_listed(run_cli, "--show-private") == [
        ("1-1-101", "张伟", "居民身份证", "110101199003071233"),
        ("1-1-102", "John Smith", "护照", "E12345678"),
        ("1-1-201", "陈家明", "港澳居民来往内地通行证", "H12345678"),
        ("1-1-202", "林志强", "台湾居民来往大陆通行证", "12345678"),
        ("1-1-301", "Maria Garcia", "外国人永久居留身份证", "ESP110089012345"),
        ("1-1-302", "王芳", "居民身份证", "320102198802145615"),
    ]
    assert owners_listed(run_cli) == [
        ("1-1-101", "张伟", "居民身份证", "110101********1233"),
        ("1-1-102", "John Smith", "护照", "E1*****78"),
        ("1-1-201", "陈家明", "港澳居民来往内地通行证", "H1*****78"),
        ("1-1-202", "林志强", "台湾居民来往大陆通行证", "12****78"),
        ("1-1-301", "Maria Garcia", "外国人永久居留身份证", "ES***********45"),
        ("1-1-302", "王芳", "居民身份证", "320102********5615"),
    ]
    again = run_cli("owners", "import", sheet(tmp_path / "房产资料.xlsx", MIXED_EXPORT))
    assert again.exit_code == 0, again.output
    assert "新增房屋 0 户，更新 0 户，未变 6 户；新增业主 0 人，更新业主 0 人" in again.output, again.output


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        (  # no 证件类型 column: a passport's number is refused as a resident number, told how to name its document
            [
                ["房号", "建筑面积", "业主姓名", "证件号码"],
                ["1-1-101", 89.5, "张伟", "110101199003071233"],
                ["1-1-102", 89.5, "John Smith", "E12345678"],
            ],
            "第 3 行 D 列（证件号码）：身份证号应为18位或15位（现在是9位）；如是护照、港澳台通行证等其他证件，"
            "请加一列“证件类型”写明（护照、台胞证、回乡证 …）",
        ),
        (  # the column, its cell blank
            [
                ["房号", "建筑面积", "业主姓名", "证件号码", "证件类型"],
                ["1-1-102", 89.5, "John Smith", "E12345678", None],
            ],
            "第 2 行 D 列（证件号码）：身份证号应为18位或15位（现在是9位）；如是护照、港澳台通行证等其他证件，"
            "请在“证件类型”列写明",
        ),
        (  # a resident number of a wrong check digit is told so, without the hint
            [
                ["房号", "建筑面积", "业主姓名", "证件号码"],
                ["1-1-101", 89.5, "张伟", "110101199003071234"],
            ],
            "第 2 行 D 列（证件号码）：身份证号校验位错误",
        ),
        (  # a type word no system writes
            [
                ["房号", "建筑面积", "业主姓名", "证件类型", "证件号码"],
                ["1-1-101", 89.5, "张伟", "驾驶证", "110101199003071233"],
            ],
            f"第 2 行 D 列（证件类型）：证件类型“驾驶证”不认识，应为 {ACCEPTED} 之一",
        ),
        (  # a passport number too short
            [
                ["房号", "建筑面积", "业主姓名", "证件类型", "证件号码"],
                ["1-1-101", 89.5, "John Smith", "护照", "E12"],
            ],
            "第 2 行 E 列（证件号码）：护照号码“E12”应为 5 至 20 位字母或数字",
        ),
        (  # a family member's row is checked by its own type
            [
                ["房号", "建筑面积", "业主姓名", "关系", "证件类型", "证件号码"],
                ["1-1-101", 89.5, "张伟", "业主", "身份证", "110101199003071233"],
                ["1-1-101", None, "林美玲", "配偶", "台胞证", "H12345678"],
            ],
            "第 3 行 F 列（证件号码）：台湾居民来往大陆通行证号码“H12345678”应为 8 位数字（旧证 10 位数字）",
        ),
    ],
)
def test_a_number_not_of_its_rows_document_is_a_row_error(
    run_cli: Any, tmp_path: Path, rows: list[list[Any]], problem: str
) -> None:
    result = run_cli("owners", "import", sheet(tmp_path / "名册.xlsx", rows))
    assert result.exit_code == 5, result.output
    assert "有 1 处错误，没有导入任何数据" in result.output
    assert problem in result.output
    assert owners_listed(run_cli) == []


def test_an_export_names_each_numbers_document_and_imports_back_unchanged(run_cli: Any, tmp_path: Path) -> None:
    """The export writes a 证件类型 column where someone holds another document (a co-owner's row its own); the file,
    masked or not, imports back with nothing changed."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "关系", "证件类型", "证件号码"],
        ["1-1-101", 89.5, "张伟", "业主", "身份证", "110101199003071233"],
        ["1-1-102", 89.5, "John Smith", "业主", "护照", "E12345678"],
        ["1-1-102", None, "林美玲", "共有人", "台胞证", "12345678"],
    ]
    assert run_cli("owners", "import", sheet(tmp_path / "名册.xlsx", rows)).exit_code == 0
    from openpyxl import load_workbook

    for options, shown in (([], ["110101********1233", "E1*****78", "12****78"]), (["--show-private"], None)):
        path = tmp_path / f"导出{len(options)}.xlsx"
        assert run_cli("owners", "export", str(path), *options).exit_code == 0
        cells = [list(row) for row in load_workbook(path).active.iter_rows(values_only=True)]
        assert cells[0] == [
            "楼栋",
            "单元",
            "房号",
            "建筑面积",
            "业主姓名",
            "联系电话",
            "身份证号",
            "入住日期",
            "状态",
            "关系",
            "证件类型",
        ]
        assert [(row[4], row[6], row[10]) for row in cells[1:]] == list(
            zip(
                ["张伟", "John Smith", "林美玲"],
                shown or ["110101199003071233", "E12345678", "12345678"],
                ["居民身份证", "护照", "台湾居民来往大陆通行证"],
                strict=True,
            )
        )
        again = run_cli("owners", "import", str(path))
        assert again.exit_code == 0, again.output
        assert "新增房屋 0 户，更新 0 户，未变 2 户；新增业主 0 人，更新业主 0 人" in again.output


def test_the_counter_adds_a_passport_holder_and_shows_the_number_with_its_document(
    run_cli: Any, tmp_path: Path
) -> None:
    """``owners contact add --id-type 护照`` takes a passport number (``--id-number`` alone still a resident ID
    number's rules); the listings show the number masked with its document after it, --show-private whole."""
    assert run_cli("owners", "import", sheet(tmp_path / "名册.xlsx", MIXED_EXPORT)).exit_code == 0
    add = ("owners", "contact", "add", "1-1-102")
    refused = run_cli(*add, "Mary Smith", "--relation", "配偶", "--id-number", "E87654321")
    assert (refused.exit_code, refused.stderr) == (5, "错误：身份证号应为18位或15位（现在是9位）\n")
    added = run_cli(*add, "Mary Smith", "--relation", "配偶", "--id-type", "护照", "--id-number", "ｅ８７６５４３２１")
    assert added.exit_code == 0, added.output
    unknown = run_cli(*add, "李雷", "--id-type", "驾驶证", "--id-number", "12345678")
    assert (unknown.exit_code, unknown.stderr) == (5, f"错误：证件类型“驾驶证”不认识，应为 {ACCEPTED} 之一\n")
    alone = run_cli(*add, "李雷", "--id-type", "护照")
    assert (alone.exit_code, alone.stderr) == (
        2,
        "错误：--id-type 要和 --id-number 一起写：证件类型说的是这个号码的证件\n",
    )
    wide = run_cli("owners", "contact", "list", "--wide", env={"COLUMNS": "200"})
    assert "│ 1    │ 1-1-102 │ Mary Smith │ 配偶 │      │ E8*****21（护照） │" in wide.stdout, wide.stdout
    private = run_cli("owners", "contact", "list", "--json", "--show-private")
    assert [(c["name"], c["id_type"], c["id_number"]) for c in json.loads(private.stdout)] == [
        ("Mary Smith", "护照", "E87654321")
    ]
    shown = run_cli("owners", "show", "1-1-102")
    assert "│ 证件号码     │ E1*****78（护照）" in shown.stdout, shown.stdout
    assert "Mary Smith E8*****21（护照）（联系人编号 1）" in shown.stdout, shown.stdout
    listed = run_cli("owners", "list", "--wide", env={"COLUMNS": "200"})
    assert "E1*****78（护照）" in listed.stdout and "110101********1233 " in listed.stdout
    assert "证件号码" in listed.stdout and "身份证号" not in listed.stdout, listed.stdout


def test_a_contacts_number_corrected_at_the_counter_keeps_its_document_unless_told(
    run_cli: Any, tmp_path: Path
) -> None:
    """``contact edit --id-number`` checks a new number as of the contact's document so far; ``--id-type`` with it
    changes the document; ``--clear 身份证号`` leaves no document."""
    assert run_cli("owners", "import", sheet(tmp_path / "名册.xlsx", MIXED_EXPORT)).exit_code == 0
    assert (
        run_cli(
            "owners", "contact", "add", "1-1-102", "Mary Smith", "--id-type", "护照", "--id-number", "E87654321"
        ).exit_code
        == 0
    )
    edited = run_cli("owners", "contact", "edit", "1", "--id-number", "E87654322")
    assert edited.stdout == "已更正 1-1-102 的租户“Mary Smith”（联系人编号 1）：证件号码 E8*****21 → E8*****22\n"
    retyped = run_cli("owners", "contact", "edit", "1", "--id-type", "台胞证", "--id-number", "87654322")
    assert retyped.stdout == (
        "已更正 1-1-102 的租户“Mary Smith”（联系人编号 1）：证件类型 护照 → 台湾居民来往大陆通行证，"
        "证件号码 E8*****22 → 87****22\n"
    )
    cleared = run_cli("owners", "contact", "edit", "1", "--clear", "身份证号")
    assert cleared.stdout == (
        "已更正 1-1-102 的租户“Mary Smith”（联系人编号 1）：证件类型 台湾居民来往大陆通行证 → （无），"
        "证件号码 87****22 → （无）\n"
    )
    listed = json.loads(run_cli("owners", "contact", "list", "--json").stdout)
    assert [(c["id_type"], c["id_number"]) for c in listed] == [(None, None)]


def test_doctor_reads_a_ledger_of_other_documents_without_taking_them_for_resident_numbers(
    run_cli: Any, tmp_path: Path
) -> None:
    """A foreigner's 15-character permanent residence number is no first-generation resident number: doctor's owner and
    contact number lines read the ledger (the older code made it 18 digits, and its check digit raised), and find
    nothing to tell."""
    assert id_number_as_18("ESP110089012345") == "ESP110089012345"
    assert run_cli("owners", "import", sheet(tmp_path / "名册.xlsx", MIXED_EXPORT)).exit_code == 0
    add = ("owners", "contact", "add", "1-1-301", "Juan Garcia", "--relation", "子女", "--id-type", "护照")
    assert run_cli(*add, "--id-number", "PAB123456").exit_code == 0
    result = run_cli("doctor", "--json")
    checks = {check["name"]: check for check in json.loads(result.stdout)}
    assert (checks["业主证件号码"]["ok"], checks["业主证件号码"]["detail"]) == (
        True,
        "没有同一个人记成两位业主的（15 位和 18 位身份证号）",
    )
    assert checks["联系人证件号码"]["ok"] is True


def test_a_reimport_naming_another_document_for_the_same_number_corrects_the_type(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """A 证件类型 written wrong (护照 for a 军官证's number) and corrected in the roster: the same owner, his document
    changed, counted as an owner updated; the journal's before and after say the two types."""
    rows = [["房号", "建筑面积", "业主姓名", "证件类型", "证件号码"], ["1-1-101", 89.5, "李明", "护照", "NJ20123456"]]
    assert run_cli("owners", "import", sheet(tmp_path / "名册.xlsx", rows)).exit_code == 0
    rows[1][3] = "军官证"
    again = run_cli("owners", "import", sheet(tmp_path / "名册.xlsx", rows))
    assert "新增业主 0 人，更新业主 1 人" in again.output, again.output
    assert owners_listed(run_cli, "--show-private") == [("1-1-101", "李明", "军官证", "NJ20123456")]
    update = last_journal_entry(workspace, "1")
    assert update.action == "owner.update"
    assert (update.before, update.after) == (
        {"name": "李明", "phone": None, "id_number": "NJ******56", "id_type": "passport"},
        {"name": "李明", "phone": None, "id_number": "NJ******56", "id_type": "officer_id"},
    )


def test_a_tenant_row_keeps_its_own_document_and_an_unchanged_reimport_writes_nothing(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """A 租户 row's 证件类型 is the tenant's: her passport number is kept as one; the same roster again changes
    nothing (no contact rewritten, nothing journalled)."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "关系", "证件类型", "证件号码"],
        ["1-1-101", 89.5, "张伟", "业主", "身份证", "110101199003071233"],
        ["1-1-101", None, "Emma Brown", "租户", "Passport", "533 123 456"],
    ]
    assert run_cli("owners", "import", sheet(tmp_path / "名册.xlsx", rows)).exit_code == 0
    listed = json.loads(run_cli("owners", "contact", "list", "--json", "--show-private").stdout)
    assert [(c["name"], c["relation"], c["id_type"], c["id_number"]) for c in listed] == [
        ("Emma Brown", "租户", "护照", "533123456")
    ]
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        entries = conn.execute(sa.text("SELECT COUNT(*) FROM journal")).scalar()
    again = run_cli("owners", "import", sheet(tmp_path / "名册.xlsx", rows))
    assert again.exit_code == 0, again.output
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM journal")).scalar() == entries


def test_a_twenty_character_passport_number_is_kept_on_both_ledgers(ledger: Ledger, tmp_path: Path) -> None:
    """A passport number of 20 characters (the longest taken) fits the owners' and contacts' columns, PostgreSQL's
    too (their 18 characters grew with migration 0029)."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "关系", "证件类型", "证件号码"],
        ["1-1-101", 89.5, "Jan Kowalski", "业主", "护照", "AB1234567890123456CD"],
        ["1-1-101", None, "Anna Kowalska", "配偶", "护照", "AB1234567890123456CE"],
    ]
    import_owners(ledger, Path(sheet(tmp_path / "名册.xlsx", rows)), "测试员")
    assert [(v.owner, v.id_type, v.id_number) for v in list_units(ledger)] == [
        ("Jan Kowalski", "passport", "AB1234567890123456CD")
    ]
    assert [(c.record.name, c.record.id_type, c.record.id_number) for c in list_contacts(ledger)] == [
        ("Anna Kowalska", "passport", "AB1234567890123456CE")
    ]


def test_the_imports_and_the_counters_help_name_the_document_type(run_cli: Any) -> None:
    imported = run_cli("owners", "import", "--help", env={"COLUMNS": "200"})
    assert "有护照等其他证件的加一列 证件类型" in imported.stdout
    added = run_cli("owners", "contact", "add", "--help", env={"COLUMNS": "200"})
    assert "--id-type" in added.stdout and "台湾居民来往大陆通行证（台胞证）" in added.stdout


def test_a_type_without_a_number_keeps_no_document(ledger: Ledger, tmp_path: Path) -> None:
    """A 证件类型 filled in beside a blank 证件号码 (an export filling the column for everyone) says nothing: the owner
    keeps no document, and a number the counter adds later is a resident ID number unless told."""
    rows = [["房号", "建筑面积", "业主姓名", "证件类型", "证件号码"], ["1-1-101", 89.5, "王芳", "护照", None]]
    import_owners(ledger, Path(sheet(tmp_path / "名册.xlsx", rows)), "测试员")
    assert _types(ledger) == [("owner", "resident_id", None)]


def test_equal_digits_of_two_documents_are_two_people_on_both_ledgers(ledger: Ledger, tmp_path: Path) -> None:
    """A passport and a 台胞证 of the same digits are two people's documents: both import and list, each with its own;
    the same document and number for two names is still one number for two people, refused."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "证件类型", "证件号码"],
        ["1-1-101", 89.5, "John Smith", "护照", "12345678"],
        ["1-1-102", 89.5, "林志强", "台胞证", "12345678"],
    ]
    import_owners(ledger, Path(sheet(tmp_path / "名册.xlsx", rows)), "测试员")
    assert [(str(v.code), v.owner, v.id_type, v.id_number) for v in list_units(ledger)] == [
        ("1-1-101", "John Smith", "passport", "12345678"),
        ("1-1-102", "林志强", "taiwan_permit", "12345678"),
    ]
    rows.append(["1-1-201", 96, "林美玲", "台胞证", "12345678"])
    with pytest.raises(ValidationError) as refused:
        import_owners(ledger, Path(sheet(tmp_path / "名册.xlsx", rows)), "测试员")
    assert [(p.row, p.column, p.reason) for p in refused.value.problems] == [
        (4, "C", "与第 3 行是同一证件号码（同一位业主），但姓名不同：请核对后写成一样的")
    ]


def test_a_contacts_document_of_an_owners_digits_is_anothers_at_the_import_and_the_counter(
    ledger: Ledger, tmp_path: Path
) -> None:
    """A tenant holding a 台胞证 of the digits of her unit's owner's passport, and a family member
    holding a 军官证 of those digits, are other people: imported and added at the counter.  The owner's
    own document and number given to a tenant of another name is still refused."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "关系", "证件类型", "证件号码"],
        ["1-1-101", 89.5, "John Smith", "业主", "护照", "12345678"],
        ["1-1-101", None, "林美玲", "租户", "台胞证", "12345678"],
    ]
    import_owners(ledger, Path(sheet(tmp_path / "名册.xlsx", rows)), "测试员")
    add_contact(ledger, "1-1-101", "林志强", "家属", "测试员", id_number="12345678", id_type="officer_id")
    assert [(c.record.name, c.record.id_type, c.record.id_number) for c in list_contacts(ledger)] == [
        ("林美玲", "taiwan_permit", "12345678"),
        ("林志强", "officer_id", "12345678"),
    ]
    with pytest.raises(ConflictError) as refused:
        add_contact(ledger, "1-1-101", "王芳", "租户", "测试员", id_number="12345678", id_type="passport")
    assert "12****78" in refused.value.message and "John Smith" in refused.value.message


def test_one_persons_number_under_two_documents_in_one_roster_is_refused_naming_both_rows(
    ledger: Ledger, tmp_path: Path
) -> None:
    """The same person and number written as a 台胞证 on one row and a passport on another: no row wins silently; the
    later row's 证件类型 is refused naming the earlier row, nothing imported."""
    rows = [
        ["房号", "建筑面积", "业主姓名", "证件类型", "证件号码"],
        ["1-1-101", 89.5, "林志强", "台胞证", "12345678"],
        ["1-1-102", 89.5, "林志强", "护照", "12345678"],
    ]
    with pytest.raises(ValidationError) as refused:
        import_owners(ledger, Path(sheet(tmp_path / "名册.xlsx", rows)), "测试员")
    assert refused.value.message == "有 1 处业主信息前后矛盾，没有导入任何数据"
    assert [(p.row, p.column, p.header, p.reason) for p in refused.value.problems] == [
        (
            3,
            "D",
            "证件类型",
            "与第 2 行是同一个人、同一个号码，但证件类型不同（第 2 行是台湾居民来往大陆通行证，这一行是护照）："
            "请核对后写成一样的",
        )
    ]
    assert list_units(ledger) == []


def test_one_persons_number_under_two_documents_on_contact_rows_is_refused_naming_both_rows(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """A foreign system's export writes 林美玲 a tenant of two units with one number, a 台胞证 on one row and a passport on
    the next, and its owner 林志强 as a family member of another unit with his 台胞证's number as a passport: the rule
    owners' rows keep (no row wins silently) holds for the 家属/租户 rows too — the later row's 证件类型 refused naming
    the earlier row, exit 5, nothing imported."""
    rows = [
        ["房屋编号", "建筑面积", "客户名称", "人员类型", "联系电话", "证件类型", "证件号码"],
        ["1-1-101", 89.5, "林志强", "业主", "13800138001", "台胞证", "12345678"],
        ["1-1-101", None, "林美玲", "租户", "13800138002", "台胞证", "87654321"],
        ["1-1-102", 89.5, "张伟", "业主", "13912345678", "身份证", "110101199003071233"],
        ["1-1-102", None, "林美玲", "租户", "13800138002", "护照", "87654321"],
        ["1-1-102", None, "林志强", "家属", "13800138001", "护照", "12345678"],
    ]
    result = run_cli("owners", "import", sheet(tmp_path / "房产资料.xlsx", rows))
    assert result.exit_code == 5, result.output
    assert result.stderr.splitlines()[0] == "错误：有 2 处联系人信息前后矛盾，没有导入任何数据"
    assert result.stderr.splitlines()[1:] == [
        "  第 5 行 F 列（证件类型）：与第 3 行是同一个人、同一个号码，但证件类型不同（第 3 行是台湾居民来往大陆通行证，"
        "这一行是护照）：请核对后写成一样的",
        "  第 6 行 F 列（证件类型）：与第 2 行是同一个人、同一个号码，但证件类型不同（第 2 行是台湾居民来往大陆通行证，"
        "这一行是护照）：请核对后写成一样的",
    ]
    assert owners_listed(run_cli) == []
    rows[4][5] = rows[5][5] = "台胞证"
    assert run_cli("owners", "import", sheet(tmp_path / "房产资料.xlsx", rows)).exit_code == 0


def test_a_stored_owners_number_kept_as_another_document_under_another_name_is_refused_not_a_second_person(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """John Smith's passport number kept as 其他证件, and a foreign system's roster writing him 约翰·史密斯 with his
    passport: the number is his, the document and the name are not as stored — it was a second owner of his number.
    Now the row's 证件类型 is refused naming the stored owner, what he holds and both fixes; nothing imported.  Written
    as the ledger has him (其他证件) the row renames him; his type corrected under his stored name, it corrects it."""
    rows = [
        ["房屋编号", "建筑面积", "客户名称", "联系电话", "证件类型", "证件号码"],
        ["1-1-102", 89.5, "John Smith", "13600136000", "其他证件", "E12345678"],
    ]
    assert run_cli("owners", "import", sheet(tmp_path / "旧名册.xlsx", rows)).exit_code == 0
    rows[1][2:5] = ["约翰·史密斯", "13600136000", "护照"]
    result = run_cli("owners", "import", sheet(tmp_path / "房产资料.xlsx", rows))
    assert result.exit_code == 5, result.output
    assert result.stderr.splitlines() == [
        "错误：有 1 处业主信息前后矛盾，没有导入任何数据",
        "  第 2 行 E 列（证件类型）：证件号码 E1*****78 在台账里是“John Smith”（电话 136****6000，1-1-102 的业主）的其他证件，"
        "这一行写的却是“约翰·史密斯”的护照：是同一个人的，请先按台账的姓名“John Smith”导入一次改正证件类型，再改姓名导入；"
        "不是同一个人的，请核对号码",
    ]
    assert owners_listed(run_cli, "--show-private") == [("1-1-102", "John Smith", "其他证件", "E12345678")]
    rows[1][2] = "John Smith"
    assert run_cli("owners", "import", sheet(tmp_path / "房产资料.xlsx", rows)).exit_code == 0
    rows[1][2] = "约翰·史密斯"
    renamed = run_cli("owners", "import", sheet(tmp_path / "房产资料.xlsx", rows))
    assert renamed.exit_code == 0, renamed.output
    assert "证件号码 E1*****78 的业主“John Smith”已改名为“约翰·史密斯”：1-1-102 的业主" in renamed.stdout
    assert owners_listed(run_cli, "--show-private") == [("1-1-102", "约翰·史密斯", "护照", "E12345678")]


def test_two_new_rows_of_one_number_as_其他证件_and_a_passport_under_two_names_are_refused_not_two_owners(
    run_cli: Any, tmp_path: Path, workspace: Workspace
) -> None:
    """One sheet writes John Smith's passport number as 其他证件 on one unit and as 约翰·史密斯's passport on the next,
    neither owner stored yet: they became two owners of one number.  The later row's 证件类型 is refused, as a stored
    owner's number is (the same rule), naming the earlier row and both names; nothing imported.  Written alike, the two
    rows are one owner; a passport and a 台胞证 of equal digits stay two people."""
    rows = [
        ["房屋编号", "建筑面积", "客户名称", "联系电话", "证件类型", "证件号码"],
        ["1-1-101", 89.5, "John Smith", "13600136000", "其他证件", "E12345678"],
        ["1-1-102", 89.5, "约翰·史密斯", "13600136000", "护照", "e1234 5678"],
    ]
    result = run_cli("owners", "import", sheet(tmp_path / "房产资料.xlsx", rows))
    assert result.exit_code == 5, result.output
    assert result.stderr.splitlines() == [
        "错误：有 1 处业主信息前后矛盾，没有导入任何数据",
        "  第 3 行 E 列（证件类型）：证件号码 E1*****78 已写在第 2 行，是“John Smith”的其他证件，"
        "这一行写的却是“约翰·史密斯”的护照：是同一个人的，请把两行的姓名和证件类型写成一样的；不是同一个人的，请核对号码",
    ]
    assert owners_listed(run_cli) == []
    rows[1][4] = "护照"  # the passport first, the 其他证件 after: refused alike
    rows[2][4] = "其他证件"
    swapped = run_cli("owners", "import", sheet(tmp_path / "房产资料.xlsx", rows))
    assert (swapped.exit_code, swapped.stderr.splitlines()[1:]) == (
        5,
        [
            "  第 3 行 E 列（证件类型）：证件号码 E1*****78 已写在第 2 行，是“John Smith”的护照，"
            "这一行写的却是“约翰·史密斯”的其他证件：是同一个人的，请把两行的姓名和证件类型写成一样的；不是同一个人的，请核对号码"
        ],
    )
    rows[2][2:5] = ["John Smith", "13600136000", "护照"]
    rows += [
        ["1-1-201", 96, "林志强", "13800138001", "台胞证", "12345678"],
        ["1-1-202", 96, "Anna Berg", "13800138002", "护照", "12345678"],
    ]
    imported = run_cli("owners", "import", sheet(tmp_path / "房产资料.xlsx", rows))
    assert imported.exit_code == 0, imported.output
    assert "新增业主 3 人" in imported.stdout
    assert owners_listed(run_cli, "--show-private") == [
        ("1-1-101", "John Smith", "护照", "E12345678"),
        ("1-1-102", "John Smith", "护照", "E12345678"),
        ("1-1-201", "林志强", "台湾居民来往大陆通行证", "12345678"),
        ("1-1-202", "Anna Berg", "护照", "12345678"),
    ]


def test_a_number_an_older_version_kept_as_a_resident_ids_is_refused_under_another_name_but_two_documents_are_not(
    ledger: Ledger, tmp_path: Path
) -> None:
    """A passport number an older version kept as a resident ID card's (no valid one: the type is wrong) may be the
    row's passport: another name is refused as above.  A well-typed passport and a 台胞证 of equal digits stay two
    people's, the second imported after the first."""
    with ledger.write() as conn:
        conn.execute(sa.text("INSERT INTO owners (name, id_number) VALUES ('Anna Berg', 'E87654321')"))
    rows = [
        ["房屋编号", "建筑面积", "客户名称", "证件类型", "证件号码"],
        ["1-1-101", 89.5, "安娜·伯格", "护照", "E87654321"],
    ]
    with pytest.raises(ValidationError) as refused:
        import_owners(ledger, Path(sheet(tmp_path / "名册.xlsx", rows)), "测试员")
    assert [(p.row, p.column, p.reason) for p in refused.value.problems] == [
        (
            2,
            "D",
            "证件号码 E8*****21 在台账里是“Anna Berg”（名下没有房屋）的居民身份证，这一行写的却是“安娜·伯格”的护照："
            "是同一个人的，请先按台账的姓名“Anna Berg”导入一次改正证件类型，再改姓名导入；不是同一个人的，请核对号码",
        )
    ]
    rows[1][2:5] = ["John Smith", "护照", "12345678"]
    import_owners(ledger, Path(sheet(tmp_path / "名册.xlsx", rows)), "测试员")
    rows[1][0:5] = ["1-1-102", 89.5, "林志强", "台胞证", "12345678"]
    import_owners(ledger, Path(sheet(tmp_path / "名册.xlsx", rows)), "测试员")
    assert [(str(v.code), v.owner, v.id_type) for v in list_units(ledger)] == [
        ("1-1-101", "John Smith", "passport"),
        ("1-1-102", "林志强", "taiwan_permit"),
    ]


@pytest.mark.parametrize(
    ("text", "id_type", "message"),
    [
        ("E12", "passport", "护照号码应为 5 至 20 位字母或数字"),
        ("E1234-5678", "passport", "护照号码应为 5 至 20 位字母或数字"),
        ("1234567", "taiwan_permit", "台湾居民来往大陆通行证号码应为 8 位数字（旧证 10 位数字）"),
    ],
)
def test_a_wrong_number_is_told_without_it_when_asked(text: str, id_type: str, message: str) -> None:
    """A worker's pass must not repeat the number on screen: the message leaves it out when asked, rather than the
    caller cutting it out of the text afterwards."""
    with pytest.raises(ValidationError) as refused:
        validate_document_number(text, id_type, quote_number=False)
    assert refused.value.message == message
