"""Notices, reminders and templates as the office checks them: the sign sheet is recorded with its
notices or not at all, co-owners are addressed, a unit twice in a batch sheet is refused, what the
sandbox refuses never reaches paper, and a reminder tells of money paid ahead."""

from __future__ import annotations

import datetime as dt
import errno
import json
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import Workbook

from recordkit.core.workspace import Workspace
from recordkit.documents.generated import list_documents
from recordkit.documents.notices import make_notices, select_recipients
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.documents_fixtures import (  # noqa: F401 (fixtures)
    estate,
    generated,
    paragraphs,
    works_under_way,
    works_under_way_in,
    ws,
)
from tests.fees_fixtures import CASHIER
from tests.test_documents_cli import assert_nothing_written, imported, journal_size  # noqa: F401 (fixture)
from tests.test_fees_cli import PARKING_RULE
from tests.test_templates import make_docx

TODAY = dt.date(2026, 11, 23)
TIP = {"提示内容": "冬季请关好门窗"}


# -- the 送达签收表 is one unit of work with its notices ------------------------------------------


@pytest.mark.parametrize("merge", [False, True])
def test_a_sign_sheet_the_ledger_refuses_leaves_no_notice(
    ws: Workspace, estate: Ledger, monkeypatch: pytest.MonkeyPatch, merge: bool
) -> None:
    # The notices were committed first and the sheet recorded in a write of its own: when that
    # write failed, the notices stood in the ledger and on disk without their sign sheet.
    record = journal.record

    def refusing(conn: Any, operator: str, changes: Any) -> Any:
        if any((change.after or {}).get("kind") == "送达签收表" for change in changes):
            raise OSError(errno.ENOSPC, "No space left on device")
        return record(conn, operator, changes)

    monkeypatch.setattr(journal, "record", refusing)
    recipients = select_recipients(estate, everyone=True)
    with pytest.raises(OSError):
        make_notices(ws, estate, "温馨提示", recipients, TIP, CASHIER, merge=merge, scope="全体", today=TODAY)
    assert list_documents(ws, estate) == []
    assert generated(ws) == []  # nor a temporary waiting in records/generated/.pending


def test_companions_of_one_name_each_get_their_own_file(ws: Workspace, estate: Ledger) -> None:
    from recordkit.documents.generated import Companion, DocumentRequest, generate_many

    sheets = [
        Companion("签收表", ".xlsx", data, "送达签收表", "温馨提示", "全体", "签收表", {}) for data in (b"A", b"B")
    ]
    context = {
        "称呼": "尊敬的张伟业主",
        "提示内容": "注意防火",
        "物业服务中心": "测试物业服务中心",
        "日期": "2026年11月23日",
    }
    request = DocumentRequest(context, "1-1-101", "温馨提示")
    made = generate_many(ws, estate, "温馨提示", [request], operator=CASHIER, kind="通知", companions=sheets)
    assert [(d.path.name, d.path.read_bytes()) for d in made[1:]] == [("签收表.xlsx", b"A"), ("签收表_2.xlsx", b"B")]


def test_notice_make_when_the_sign_sheet_cannot_be_saved(
    run_cli: Any, imported: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    journalled = journal_size(run_cli)

    def full_disk(self: Workbook, filename: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Workbook, "save", full_disk)
    result = run_cli("notice", "make", "温馨提示", "--all", "--set", "提示内容=冬季请关好门窗")
    assert result.exit_code == 10
    assert result.stderr.strip().splitlines()[0] == "错误：无法写入：磁盘已满：请清理磁盘空间后重试"
    monkeypatch.undo()
    assert_nothing_written(run_cli, imported, journalled)


# -- co-owners (共有人) are addressed ---------------------------------------------------------------

CO_OWNED = [
    ["1", "1", "101", 89.35, "张伟、李娜", "13812345678", "110101199003071233", dt.date(2020, 5, 1), "已入住"],
    *SAMPLE_ROWS[1:],
]


@pytest.fixture
def co_owned(estate: Ledger, tmp_path: Path) -> Ledger:  # noqa: F811 (the fixture it builds on)
    """The small estate, 1-1-101 held by 张伟 and 李娜 together (the owner cell "张伟、李娜")."""
    from recordkit.owners.roster import import_owners

    import_owners(estate, write_sheet(tmp_path / "共有名册.xlsx", CO_OWNED), CASHIER)
    return estate


def sign_sheet_rows(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    return [list(row) for row in load_workbook(path).active.iter_rows(min_row=4, values_only=True)]


def test_a_notice_is_addressed_to_every_owner_of_record(ws: Workspace, co_owned: Ledger) -> None:
    batch = make_notices(
        ws, co_owned, "温馨提示", select_recipients(co_owned, everyone=True), TIP, CASHIER, today=TODAY
    )
    assert paragraphs(batch.documents[0].path)[1] == "尊敬的张伟、李娜业主："
    assert paragraphs(batch.documents[1].path)[1] == "尊敬的李秀英业主："
    assert batch.sign_sheet is not None
    assert [row[:3] for row in sign_sheet_rows(batch.sign_sheet.path)] == [
        [1, "1-1-101", "张伟、李娜"],
        [2, "3-2-1201", "李秀英"],
    ]


def test_to_all_names_the_co_owners_and_the_tenant(ws: Workspace, co_owned: Ledger) -> None:
    from recordkit.owners.contacts import add_contact

    add_contact(co_owned, "1-1-101", "赵磊", "租户", CASHIER, start_date=dt.date(2026, 1, 1))
    to_all = select_recipients(co_owned, unit="1-1-101", to="全部", today=TODAY)
    batch = make_notices(ws, co_owned, "温馨提示", to_all, TIP, CASHIER, today=TODAY)
    assert paragraphs(batch.documents[0].path)[1] == "尊敬的张伟、李娜业主、赵磊住户："
    assert batch.sign_sheet is not None
    assert sign_sheet_rows(batch.sign_sheet.path)[0][:3] == [1, "1-1-101", "张伟、李娜、赵磊"]
    # A unit without a current tenant is handed to its occupants: all its owners.
    occupant = select_recipients(co_owned, unit="1-1-101", to="住户", today=dt.date(2025, 6, 1))
    batch = make_notices(ws, co_owned, "温馨提示", occupant, TIP, CASHIER, today=TODAY)
    assert paragraphs(batch.documents[0].path)[1] == "尊敬的张伟、李娜业主："


def test_a_reminder_and_a_batch_notice_name_every_owner(ws: Workspace, co_owned: Ledger, tmp_path: Path) -> None:
    from recordkit.documents.notices import batch_notices, remind
    from tests.fees_fixtures import bill_months

    bill_months(co_owned, "2026-11")
    reminders = remind(ws, co_owned, CASHIER, building="1", as_of=TODAY)
    assert reminders is not None
    assert paragraphs(reminders.documents[0].path)[:2] == ["催缴通知书", "尊敬的张伟、李娜业主："]
    assert reminders.sign_sheet is not None
    assert sign_sheet_rows(reminders.sign_sheet.path)[0][:3] == [1, "1-1-101", "张伟、李娜"]

    works_under_way(co_owned, "1-1-101")
    workbook = Workbook()
    workbook.active.append(["房号", "违规事项", "整改期限"])
    workbook.active.append(["1-1-101", "夜间施工噪音", "2026年12月10日"])
    workbook.save(tmp_path / "整改名单.xlsx")
    batch = batch_notices(ws, co_owned, "装修违规整改通知", tmp_path / "整改名单.xlsx", {}, CASHIER, today=TODAY)
    assert paragraphs(batch.documents[0].path)[1] == "尊敬的张伟、李娜业主："


# -- a unit given twice in a batch sheet ----------------------------------------------------------


def test_notice_batch_refuses_a_unit_given_twice(run_cli: Any, imported: Workspace) -> None:
    works_under_way_in(imported, "1-1-101", "3-2-1201")
    journalled = journal_size(run_cli)
    workbook = Workbook()
    for row in (
        ["房号", "违规事项", "整改期限"],
        ["3-2-1201", "阳台封装超出规定", "2026年12月10日"],
        ["1-1-101", "夜间施工噪音", "2026年12月10日"],
        ["3-02-1201", "擅自拆改承重墙", "2026年12月10日"],
        ["1-1-101", "夜间施工噪音", "2026年12月10日"],
    ):
        workbook.active.append(row)
    sheet = imported.root / "整改名单.xlsx"
    workbook.save(sheet)
    result = run_cli("notice", "batch", "装修违规整改通知", str(sheet))
    assert result.exit_code == 5
    assert result.stderr.strip().splitlines() == [
        "错误：整改名单.xlsx 有 2 处错误，没有生成任何通知",
        "  第 4 行 A 列（房号）：“3-02-1201”就是第 2 行的 3-2-1201，同一户只发一份通知：请删去重复的一行，或把内容合并到一行",
        "  第 5 行 A 列（房号）：1-1-101 与第 3 行重复，同一户只发一份通知：请删去重复的一行，或把内容合并到一行",
    ]
    assert_nothing_written(run_cli, imported, journalled)


# -- what the sandbox refuses never reaches paper -------------------------------------------------

# Attribute lookups the sandbox refuses, written where a filter looks them up on each item: printing
# gave "[Undefined, Undefined]", a generator's "<generator object …>", or the default ("['某', '某']");
# one in a branch not taken was printed without a word.  Each is found by `templates check`.
REFUSED_LOOKUPS = [
    ("{{ 称呼|map(attribute='__class__')|list }}", "__class__"),
    ("{{ 称呼|map(attribute='__class__') }}", "__class__"),
    ("{{ 称呼|map('attr', '__class__')|list }}", "__class__"),
    ("{{ 称呼|map(attribute='__class__', default='某')|list }}", "__class__"),
    ("{{ 称呼|map(attribute='0.__class__')|list }}", "__class__"),
    ("{{ 称呼|selectattr('__class__')|list }}", "__class__"),
    ("{{ 称呼|sort(attribute='__len__')|join }}", "__len__"),
    ("{{ 称呼|attr('mro') }}", "mro"),
    ("{% if 房号 == '无此房' %}{{ 称呼.__class__ }}{% endif %}", "__class__"),
]


@pytest.mark.parametrize(("paragraph", "attribute"), REFUSED_LOOKUPS)
def test_a_refused_attribute_is_refused_by_the_check_and_at_printing(
    run_cli: Any, imported: Workspace, paragraph: str, attribute: str
) -> None:
    journalled = journal_size(run_cli)
    path = make_docx(imported.templates_dir / "越界通知.docx", "尊敬的业主：", paragraph)
    checked = run_cli("templates", "check", str(path))
    assert checked.exit_code == 5, checked.output
    finding = f"[错误] 正文段落“{paragraph}”：访问“{attribute}”是不允许的（模板沙箱会拒绝），模板里只能使用普通变量"
    assert finding in checked.stdout.splitlines()
    printed = run_cli("notice", "make", "越界通知", "--all")
    assert (printed.exit_code, printed.stderr.strip()) == (
        5,
        f"错误：模板“越界通知”的正文段落“{paragraph}”访问“{attribute}”，模板沙箱不允许，已拒绝：模板里只能使用普通变量",
    )
    assert_nothing_written(run_cli, imported, journalled)


# What is no text at all: a method or a generator printed as "<built-in method upper of str object at 0x7f…>".
# (paragraph, its type).  The check refuses each as printing does: a field named like a method of text
# (map(attribute='upper')) passed the check, whose stand-in values had every field, and was refused only
# when printing.
NOT_TEXT = [
    ("{{ 称呼.upper }}", "builtin_function_or_method"),
    ("{{ [称呼.upper] }}", "builtin_function_or_method"),
    ("{{ 称呼|map('upper') }}", "generator"),
    ("{{ range(3) }}", "CountedRange"),
    ("{{ 称呼|map(attribute='upper')|list }}", "builtin_function_or_method"),
    ("{{ 称呼|map(attribute='upper')|join('、') }}", "builtin_function_or_method"),
    ("{{ 称呼['strip'] }}", "builtin_function_or_method"),
    ("{{ 称呼.upper ~ '' }}", "builtin_function_or_method"),
    ("{{ 称呼.upper|string }}", "builtin_function_or_method"),
    ("{{ [称呼.upper]|join('、') }}", "builtin_function_or_method"),
]


@pytest.mark.parametrize(("paragraph", "what"), NOT_TEXT)
def test_a_program_object_is_never_printed(run_cli: Any, imported: Workspace, paragraph: str, what: str) -> None:
    path = make_docx(imported.templates_dir / "对象通知.docx", "尊敬的业主：", paragraph)
    expected = (
        f"模板“对象通知”的正文段落“{paragraph}”印出的是程序内部的对象（{what}），不是文字，已拒绝："
        "请改正这一段（列表要用 |join('、') 连成文字，方法要加括号调用）"
    )
    checked = run_cli("templates", "check", str(path))
    assert checked.exit_code == 5, checked.output
    assert f"[错误] {expected}" in checked.stdout.splitlines()
    printed = run_cli("notice", "make", "对象通知", "--all")
    assert (printed.exit_code, printed.stderr.strip()) == (5, f"错误：{expected}")
    assert generated(imported) == []


@pytest.mark.parametrize(
    "paragraph",
    ["{{ 称呼|map(attribute='姓名')|list }}", "{{ (称呼|map(attribute='姓名')|list)|string }}"],
)
def test_a_field_nobody_has_is_refused_not_printed_as_undefined(
    run_cli: Any, imported: Workspace, paragraph: str
) -> None:
    make_docx(imported.templates_dir / "字段通知.docx", "尊敬的业主：", paragraph)
    printed = run_cli("notice", "make", "字段通知", "--all")
    assert (printed.exit_code, printed.stderr.strip()) == (
        5,
        "错误：模板“字段通知”用到了没有提供的变量或字段“姓名”。请检查名称是否写错，"
        "改正后再用 recordkit templates check 字段通知 检查",
    )
    assert generated(imported) == []


# -- a reminder tells of money paid ahead --------------------------------------------------------


def test_a_reminder_tells_of_the_prepayment_it_does_not_count_against(
    run_cli: Any, imported: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1-1-101 owes October and November (739.94 元) and paid 1,109.91 元 ahead for 2027-01..2027-03,
    # money its receipt holds for those months.  The reminder said nothing of it: the owner at the
    # door answers "I paid already", and the office's paper did not show it knew.
    for args in (
        ("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01"),
        ("fees", "rules", "add", "垃圾清运费", "--kind", "fixed", "--rate", "10", "--from", "2026-01"),
        PARKING_RULE,
        ("fees", "bill", "--month", "2026-10"),
        ("fees", "bill", "--month", "2026-11"),
        ("fees", "pay", "1-1-101", "--amount", "1109.91", "--months", "2027-01..2027-03"),
    ):
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.output)
    arrears = {row["unit"]: row["arrears"] for row in json.loads(run_cli("fees", "arrears", "--json").stdout)}
    assert arrears["1-1-101"] == "739.94"  # the prepayment pays none of it: the same figure as before
    account = json.loads(run_cli("fees", "account", "1-1-101", "--json").stdout)
    assert (account["due_now_fen"], account["prepaid_fen"]) == (73994, 110991)  # what the reminder must say
    result = run_cli("notice", "remind", "--building", "1")
    assert result.exit_code == 0, result.output
    papers = {p.stem: p for p in imported.records_subdir("generated").rglob("*.docx")}
    owing_and_ahead = "\n".join(paragraphs(papers["催缴通知书_1-1-101"]))
    assert "¥739.94" in [
        cell.text for row in Document(str(papers["催缴通知书_1-1-101"])).tables[0].rows for cell in row.cells
    ]
    assert "另有预收款 1,109.91 元（2027年1月起），用于今后出账的费用，不抵扣上述欠费。" in owing_and_ahead.splitlines()
    assert "预收" not in "\n".join(paragraphs(papers["催缴通知书_1-1-102"]))  # nothing paid ahead: not a word
    assert result.stdout.strip().splitlines()[-1] == "欠费合计 1,317.46 元"
    # January 2027 billed ahead: billing lets the prepayment take its bills (369.97 元), yet until 1 January the
    # money is still held ahead (the account's 预收余额, one definition): the next reminder says the same sum.
    result = run_cli("fees", "bill", "--month", "2027-01", "--advance")
    assert result.exit_code == 0, result.output
    account = json.loads(run_cli("fees", "account", "1-1-101", "--json").stdout)
    assert (account["due_now_fen"], account["prepaid_fen"]) == (73994, 110991)
    result = run_cli("notice", "remind", "--building", "1")
    assert result.exit_code == 0, result.output
    again = next(imported.records_subdir("generated").rglob("催缴通知书_1-1-101_2.docx"))
    assert (
        "另有预收款 1,109.91 元（2027年1月起），用于今后出账的费用，不抵扣上述欠费。"
        in "\n".join(paragraphs(again)).splitlines()
    )


def test_a_reminder_says_where_a_prepayment_starts_as_its_receipt_does(run_cli: Any, imported: Workspace) -> None:
    """1-1-101 (369.97 元 a month) paid 555.00 元 for 2027-01..2027-03, a month and a half of it.  The reminder said
    预交2027年1月–2027年3月的费用, three months the money does not cover; it now says what the receipt says: the sum
    and the month it starts from."""
    for args in (
        ("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01"),
        ("fees", "rules", "add", "垃圾清运费", "--kind", "fixed", "--rate", "10", "--from", "2026-01"),
        PARKING_RULE,
        ("fees", "bill", "--month", "2026-11"),
    ):
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.output)
    paid = run_cli("fees", "pay", "1-1-101", "--amount", "555", "--months", "2027-01..2027-03")
    assert paid.exit_code == 0, paid.output
    assert "  预收款（2027年1月起）：555.00 元" in paid.stdout.splitlines()
    result = run_cli("notice", "remind", "--building", "1")
    assert result.exit_code == 0, result.output
    paper = next(imported.records_subdir("generated").rglob("催缴通知书_1-1-101.docx"))
    assert "另有预收款 555.00 元（2027年1月起），用于今后出账的费用，不抵扣上述欠费。" in paragraphs(paper)
    assert "2027年3月" not in "\n".join(paragraphs(paper))


def test_what_a_reminder_says_of_each_kind_of_prepayment() -> None:
    from recordkit.billing.allocations import Credit
    from recordkit.core.dates import MonthRange, parse_month
    from recordkit.documents.notices import prepayment_note

    ahead = Credit(1, 110991, MonthRange(parse_month("2027-01"), parse_month("2027-03")))
    one_month = Credit(2, 36997, MonthRange(parse_month("2027-04"), parse_month("2027-04")))
    left_over = Credit(3, 5000, None)
    assert prepayment_note([]) == ""
    assert prepayment_note([left_over]) == "另有预收款 50.00 元，用于今后出账的费用，不抵扣上述欠费。"
    assert prepayment_note([ahead]) == "另有预收款 1,109.91 元（2027年1月起），用于今后出账的费用，不抵扣上述欠费。"
    assert prepayment_note([ahead, one_month]) == (
        "另有预收款 1,479.88 元（2027年1月起 1,109.91 元、2027年4月起 369.97 元），用于今后出账的费用，不抵扣上述欠费。"
    )
    assert prepayment_note([one_month, ahead]) == prepayment_note([ahead, one_month])  # earliest start first
    assert prepayment_note([left_over, ahead]) == (
        "另有预收款 1,159.91 元（其中 2027年1月起 1,109.91 元），用于今后出账的费用，不抵扣上述欠费。"
    )
    # Two payments from the same month: one start, the money of both.
    again = Credit(4, 5000, MonthRange(parse_month("2027-01"), parse_month("2027-06")))
    assert prepayment_note([ahead, again]) == (
        "另有预收款 1,159.91 元（2027年1月起），用于今后出账的费用，不抵扣上述欠费。"
    )


def test_a_clearance_certificate_names_every_owner_of_record(ws: Workspace, co_owned: Ledger) -> None:
    """A 缴费证明 certifies the unit's fees are paid: for a unit held together it named only 张伟, which a bank or
    a buyer's lawyer reads as 张伟 alone holding it.  It names the owners of record as notices do."""
    from recordkit.billing.arrears import list_arrears
    from recordkit.billing.receipts import PaymentRequest, pay
    from recordkit.documents.certificates import make_certificate

    for owed in list_arrears(co_owned, as_of=TODAY):  # (whatever the estate was billed: settled first)
        pay(co_owned, ws.settings.receipt, CASHIER, PaymentRequest(owed.unit, owed.amount_fen, "微信", paid_on=TODAY))
    made = make_certificate(ws, co_owned, "缴费证明", "1-1-101", CASHIER, today=TODAY)
    assert "（业主：张伟、李娜）已缴清" in paragraphs(made.document.path)[2]
    single = make_certificate(ws, co_owned, "缴费证明", "3-2-1201", CASHIER, today=TODAY)
    assert "（业主：李秀英）已缴清" in paragraphs(single.document.path)[2]
