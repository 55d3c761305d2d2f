"""Certificates and exit passes: what each says, when one is refused, numbers that never repeat."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from docx import Document

from recordkit.billing.receipts import PaymentRequest, pay
from recordkit.billing.rules import add_rule
from recordkit.core.config import RenovationSettings
from recordkit.core.errors import ConflictError, NotFoundError, UsageError, ValidationError
from recordkit.core.workspace import Workspace, open_workspace
from recordkit.documents.certificates import list_certificates, make_certificate, parse_items
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.ledger.schema import certificates, documents
from recordkit.owners.contacts import add_contact
from recordkit.renovations.registration import RegistrationRequest, pay_charges, register
from tests.conftest import SAMPLE_ROWS, last_journal_entry, run_at_once, write_sheet
from tests.documents_fixtures import estate, generated, paragraphs, ws  # noqa: F401 (fixtures)
from tests.fees_fixtures import CASHIER, bill_months
from tests.one_moment import a_write_before_the_statement, an_import_before_the_co_owners_are_read

TODAY = dt.date(2026, 11, 23)


def test_parse_items_splits_names_and_quantities() -> None:
    assert parse_items("冰箱1台，旧沙发 2件、纸箱10个;台灯") == [
        {"序号": 1, "名称": "冰箱", "数量": "1台"},
        {"序号": 2, "名称": "旧沙发", "数量": "2件"},
        {"序号": 3, "名称": "纸箱", "数量": "10个"},
        {"序号": 4, "名称": "台灯", "数量": ""},
    ]
    with pytest.raises(ValidationError, match="需要写明放行的物品"):
        parse_items(" , ")
    for text, part in (("冰箱1台,。。1台", "。。1台"), ("冰箱1台,——", "——")):
        with pytest.raises(ValidationError) as nameless:
            parse_items(text)
        assert nameless.value.message == (
            f'第 2 项物品“{part}”没有写物品名称：请写成 冰箱1台 这样，例如 --items "冰箱1台,洗衣机1台"'
        )


def test_a_set_s_count_is_part_of_its_name_on_the_exit_pass(ws: Workspace, estate: Ledger) -> None:
    """``2件套沙发`` (a three-piece … two-piece suite) printed as 套沙发, 2件: a count followed by 件套 names the set."""
    made = make_certificate(
        ws, estate, "出门条", "3-2-1201", CASHIER, items="2件套沙发,３件套床品2套,2 件套茶几,2套沙发", today=TODAY
    )
    rows = [[c.text for c in r.cells] for r in Document(str(made.document.path)).tables[0].rows]
    assert rows == [
        ["序号", "物品名称", "数量"],
        ["1", "2件套沙发", ""],
        ["2", "3件套床品", "2套"],
        ["3", "2 件套茶几", ""],
        ["4", "沙发", "2套"],
    ]


def test_residence_certificate_carries_the_id_number_but_not_in_its_name(ws: Workspace, estate: Ledger) -> None:
    made = make_certificate(ws, estate, "居住证明", "1-1-101", CASHIER, purpose="子女入学", today=TODAY)
    assert made.number == "JZ2026-0001"
    assert made.document.path.name == "居住证明JZ2026-0001_1-1-101.docx"
    lines = paragraphs(made.document.path)
    assert lines[0] == "编号：JZ2026-0001" and lines[1] == "居住证明"
    assert lines[2] == (
        "兹证明张伟（身份证号：110101199003071233）系测试小区1栋1单元101室的业主，"
        "房屋建筑面积89.35平方米，自2020年5月1日起在该房屋居住至今。"
    )
    assert "本证明用于子女入学，仅证明上述居住情况，复印无效。" in lines
    assert lines[-3:] == ["测试物业服务中心", "（盖章处）", "2026年11月23日"]
    with estate.read() as conn:
        entries = journal.recent(conn, limit=3)
        row = conn.execute(sa.select(certificates)).one()
    assert all("110101199003071233" not in (e.after or "") for e in entries)
    assert "110101199003071233" not in row.details
    assert [e.action for e in entries][:2] == ["certificate.issue", "document.generate"]


def test_residence_refused_for_a_unit_nobody_lives_in(ws: Workspace, estate: Ledger) -> None:
    with pytest.raises(ConflictError, match="^房屋 1-1-102 的状态是“已交付”，不是已入住，不能开具居住证明"):
        make_certificate(ws, estate, "居住证明", "1-1-102", CASHIER, today=TODAY)
    with pytest.raises(ConflictError, match="^房屋 3-2-1202 没有登记业主"):
        make_certificate(ws, estate, "居住证明", "3-2-1202", CASHIER, today=TODAY)
    with pytest.raises(NotFoundError, match="台账中没有房屋 9-9-909"):
        make_certificate(ws, estate, "居住证明", "9-9-909", CASHIER, today=TODAY)
    assert generated(ws) == []


def test_clearance_refused_while_in_arrears_saying_how_much(ws: Workspace, estate: Ledger) -> None:
    bill_months(estate, "2026-10", "2026-11")
    with pytest.raises(ConflictError) as caught:
        make_certificate(ws, estate, "缴费证明", "1-1-101", CASHIER, today=TODAY)
    assert caught.value.message == (
        "房屋 1-1-101 尚欠费用 739.94 元（2 个月，最早 2026-10），结清后才能开具缴费证明。"
        "收款：recordkit fees pay 1-1-101 --amount 739.94"
    )
    assert generated(ws) == []
    with estate.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(certificates)).scalar() == 0
    pay(estate, ws.settings.receipt, CASHIER, PaymentRequest("1-1-101", 73994, "微信", paid_on=TODAY))
    made = make_certificate(ws, estate, "缴费证明", "1-1-101", CASHIER, today=TODAY)
    assert made.number == "JF2026-0001"
    assert paragraphs(made.document.path)[2] == (
        "兹证明测试小区1栋1单元101室（业主：张伟）已缴清2026年11月及以前的物业服务费等各项费用，"
        "截至2026年11月23日无欠费。"
    )
    assert "110101199003071233" not in "\n".join(paragraphs(made.document.path))


def test_clearance_paid_up_to_the_last_month_billed_not_a_renovations_month(ws: Workspace, estate: Ledger) -> None:
    # A renovation registered on 2 December bills its deposit and waste-removal fee as one-off bills
    # of December; the property fee is billed to November.  The certificate must not say December's
    # property fee is paid.
    december = dt.date(2026, 12, 3)
    bill_months(estate, "2026-10", "2026-11")
    add_rule(estate, CASHIER, "装修押金", "oneoff", "2000", "2026-01")
    add_rule(estate, CASHIER, "装修垃圾清运费", "oneoff", "500", "2026-01")
    works = RegistrationRequest("1-1-101", "安居装饰", "王强", "13600001111", "2026-12-05", "2027-01-31")
    number = register(estate, RenovationSettings(), CASHIER, works, today=dt.date(2026, 12, 2)).number
    pay_charges(estate, ws.settings.receipt, CASHIER, number, paid_on=december)
    pay(estate, ws.settings.receipt, CASHIER, PaymentRequest("1-1-101", 73994, "微信", paid_on=december))
    made = make_certificate(ws, estate, "缴费证明", "1-1-101", CASHIER, today=december, now=december)
    assert paragraphs(made.document.path)[2] == (
        "兹证明测试小区1栋1单元101室（业主：张伟）已缴清2026年11月及以前的物业服务费等各项费用，"
        "截至2026年12月3日无欠费。"
    )


def test_exit_pass_numbered_with_items_and_authorisation(ws: Workspace, estate: Ledger) -> None:
    first = make_certificate(
        ws,
        estate,
        "出门条",
        "3-2-1201",
        CASHIER,
        items="冰箱1台,旧沙发2件",
        valid_until=dt.date(2026, 11, 25),
        carrier="王师傅",
        today=TODAY,
    )
    second = make_certificate(ws, estate, "出门条", "3-2-1201", CASHIER, items="纸箱10个", today=TODAY)
    assert (first.number, second.number) == ("CM2026-000001", "CM2026-000002")
    path = first.document.path
    lines = paragraphs(path)
    assert lines[0] == "编号：CM2026-000001"
    assert "房屋：测试小区3栋2单元1201室    业主：李秀英    携物人：王师傅" in lines
    assert "有效期至：2026年11月25日（过期作废，一次有效）" in lines
    assert "业主授权：本人系3栋2单元1201室业主李秀英，同意上列物品搬离小区，并对物品的归属负责。" in lines
    assert f"经办人：{CASHIER}    门岗查验：__________" in lines
    rows = [[c.text for c in r.cells] for r in Document(str(path)).tables[0].rows]
    assert rows == [["序号", "物品名称", "数量"], ["1", "冰箱", "1台"], ["2", "旧沙发", "2件"]]
    assert "有效期至：2026年11月23日（过期作废，一次有效）" in paragraphs(second.document.path)
    listed = list_certificates(estate, "出门条")
    assert [c["number"] for c in listed] == ["CM2026-000002", "CM2026-000001"]
    assert listed[1]["items"] == ["冰箱1台", "旧沙发2件"] and listed[1]["valid_until"] == "2026-11-25"


def test_a_carrier_typed_with_blanks_is_printed_with_one(ws: Workspace, estate: Ledger) -> None:
    # --carrier "Li  Si" printed 携物人：Li  Si, though a payer so typed is printed Li Si: now one rule for both
    made = make_certificate(
        ws, estate, "出门条", "3-2-1201", CASHIER, items="冰箱1台", carrier=" Li \u3000Si ", today=TODAY
    )
    assert "房屋：测试小区3栋2单元1201室    业主：李秀英    携物人：Li Si" in paragraphs(made.document.path)
    assert list_certificates(estate, "出门条")[0]["carrier"] == "Li Si"


def test_exit_pass_bad_input_writes_nothing(ws: Workspace, estate: Ledger) -> None:
    with pytest.raises(ValidationError, match="^有效期 2026-11-22 早于今天（2026-11-23）"):
        make_certificate(
            ws, estate, "出门条", "1-1-101", CASHIER, items="冰箱1台", valid_until=dt.date(2026, 11, 22), today=TODAY
        )
    with pytest.raises(ValidationError, match="需要写明放行的物品"):
        make_certificate(ws, estate, "出门条", "1-1-101", CASHIER, today=TODAY)
    with pytest.raises(UsageError, match="只用于出门条"):
        make_certificate(ws, estate, "居住证明", "1-1-101", CASHIER, items="冰箱1台", today=TODAY)
    with pytest.raises(UsageError, match="^没有“结婚证明”这种证明，可开具：居住证明、缴费证明、出门条"):
        make_certificate(ws, estate, "结婚证明", "1-1-101", CASHIER, today=TODAY)
    # A carrier's name pasted with a vertical tab (the paper would break the line there).
    with pytest.raises(ValidationError) as caught:
        make_certificate(ws, estate, "出门条", "1-1-101", CASHIER, items="冰箱1台", carrier="王\x0b师傅", today=TODAY)
    assert caught.value.message == "携物人：姓名里有换行、控制字符或不可见的格式字符（如从右到左覆盖）：请只写姓名"
    assert generated(ws) == []
    with estate.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(certificates)).scalar() == 0


def _issue_passes(url: str, root: str) -> None:
    import multiprocessing

    workspace = open_workspace(Path(root), environ={"RECORDKIT_DATABASE_URL": url})
    with open_ledger(url) as ledger:
        for _ in range(5):
            make_certificate(
                workspace,
                ledger,
                "出门条",
                "1-1-101",
                multiprocessing.current_process().name,
                items="冰箱1台",
                today=TODAY,
            )


def test_clerks_issuing_passes_at_once_never_share_a_number(ws: Workspace, estate: Ledger) -> None:
    run_at_once(_issue_passes, (ws.database_url, str(ws.root)), [f"前台{i}" for i in range(4)], timeout=300)
    numbers = sorted(c["number"] for c in list_certificates(estate))
    assert numbers == [f"CM2026-{seq:06d}" for seq in range(1, 21)]
    files = [p for p in generated(ws) if p.suffix == ".docx"]
    assert len(files) == 20
    with estate.read() as conn:
        assert journal.verify(conn).ok
        details = [json.loads(d) for (d,) in conn.execute(sa.select(certificates.c.details))]
    assert all(d["items"] == ["冰箱1台"] for d in details)


def _issue_watching_the_lock(url: str, root: str, start_at: float) -> None:
    """From ``start_at`` on, issue certificates and exit passes by turns; any template filled while this
    process holds the ledger's write lock fails the process."""
    import multiprocessing
    import time
    from contextlib import contextmanager

    from recordkit.documents.templates.engine import Template

    workspace = open_workspace(Path(root), environ={"RECORDKIT_DATABASE_URL": url})
    holding = False
    real_part = Template._render_part

    def render_part(template: Template, *args: object) -> str:
        assert not holding, "a template was filled under the ledger's write lock"
        return real_part(template, *args)  # type: ignore[arg-type]

    Template._render_part = render_part  # type: ignore[method-assign]
    with open_ledger(url) as ledger:
        real_write = ledger.write

        @contextmanager
        def write():  # type: ignore[no-untyped-def]
            nonlocal holding
            with real_write() as conn:
                holding = True
                try:
                    yield conn
                finally:
                    holding = False

        ledger.write = write  # type: ignore[method-assign]
        clerk = multiprocessing.current_process().name
        with ledger.read():  # connected before the start, so that both really start together
            pass
        time.sleep(max(0.0, start_at - time.time()))
        for turn in range(6):
            if turn % 2:
                make_certificate(workspace, ledger, "出门条", "1-1-101", clerk, items="冰箱1台", today=TODAY)
            else:
                make_certificate(workspace, ledger, "居住证明", "1-1-101", clerk, purpose="子女入学", today=TODAY)


def test_two_processes_issuing_at_once_get_gapless_numbers_on_matching_paper(ws: Workspace, estate: Ledger) -> None:
    start_at = time.time() + 5  # both processes started and their templates loaded by then
    run_at_once(_issue_watching_the_lock, (ws.database_url, str(ws.root), start_at), ["前台甲", "前台乙"], timeout=300)
    with estate.read() as conn:
        rows = conn.execute(
            sa.select(certificates.c.number, certificates.c.kind, documents.c.path, documents.c.sha256).join(
                documents, documents.c.id == certificates.c.document_id
            )
        ).all()
        assert journal.verify(conn).ok
    numbers = sorted(row.number for row in rows)
    assert numbers == sorted(
        [f"JZ2026-{seq:04d}" for seq in range(1, 7)] + [f"CM2026-{seq:06d}" for seq in range(1, 7)]
    )
    for row in rows:
        path = ws.root / row.path
        # The paper under the ledger's name is the one the ledger recorded, carrying the ledger's number.
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row.sha256
        text = "\n".join(paragraphs(path)) + "".join(
            cell.text for table in Document(str(path)).tables for r in table.rows for cell in r.cells
        )
        assert row.number in text and "RKNUMBER" not in text
        assert path.name == f"{row.kind}{row.number}_1-1-101.docx"
    assert len([p for p in generated(ws) if p.suffix == ".docx"]) == 12
    assert not list((ws.records_subdir("generated") / ".pending").glob("*"))


def test_a_failed_ledger_write_leaves_no_file_and_no_number(
    ws: Workspace, estate: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    import recordkit.documents.certificates as module

    def broken(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(module, "_insert", broken)
    with pytest.raises(RuntimeError):
        make_certificate(ws, estate, "出门条", "1-1-101", CASHIER, items="冰箱1台", today=TODAY)
    assert generated(ws) == []
    monkeypatch.undo()
    assert (
        make_certificate(ws, estate, "出门条", "1-1-101", CASHIER, items="冰箱1台", today=TODAY).number
        == "CM2026-000001"
    )
    with estate.read() as conn:
        assert journal.verify(conn).ok


def test_no_residence_certificate_for_a_shop_parking_space_or_storeroom(run_cli: Any, workspace: Workspace) -> None:
    # Another system's roster says the shop, the parking space and the storeroom are 已出租 (read as
    # 已入住), with a date: nobody lives there, so no 居住证明 says so.  The villa next to them gets one.
    rows = [
        ["", "", "商铺S-101", 85.2, "张伟", "13812345678", "110101199003071233", dt.date(2021, 3, 1), "已出租"],
        ["", "", "车位B1-023", 12.5, "张伟", "13812345678", "110101199003071233", dt.date(2021, 3, 1), "已出租"],
        ["", "", "储藏室12", 8.2, "张伟", "13812345678", "110101199003071233", dt.date(2021, 3, 1), "已出租"],
        ["", "", "别墅12", 320.5, "张伟", "13812345678", "110101199003071233", dt.date(2021, 3, 1), "已入住"],
    ]
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", rows))).exit_code == 0
    for unit, kind in (("商铺S-101", "商铺"), ("车位B1-023", "车位"), ("储藏室12", "储藏室")):
        refused = run_cli("cert", "make", "居住证明", "--unit", unit, "--date", "2026-11-23")
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
            8,
            "",
            f"错误：房屋 {unit} 是{kind}，不是住房，不能开具居住证明",
        )
    assert not list((workspace.root / "records" / "generated").rglob("*.docx"))
    made = run_cli("cert", "make", "居住证明", "--unit", "12号别墅", "--date", "2026-11-23")
    assert made.exit_code == 0, made.output
    [path] = (workspace.root / "records" / "generated").rglob("*.docx")
    assert (
        "系测试小区12号别墅的业主，房屋建筑面积320.50平方米，自2021年3月1日起在该房屋居住至今。"
        in (paragraphs(path)[2])
    )


@pytest.mark.parametrize("kind", ["居住证明", "缴费证明", "出门条"])
@pytest.mark.parametrize("day", ["9999-01-01", "1900-06-30"])
def test_a_date_outside_the_business_years_is_refused_not_numbered(
    run_cli: Any, workspace: Workspace, kind: str, day: str
) -> None:
    # The date gives the number its year: 9999 for 2026 is a typo that would print JZ9999-0001 (a receipt's
    # date is refused the same way, rather than print SJ9999-000001).
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    extra = ("--items", "冰箱1台") if kind == "出门条" else ()
    refused = run_cli("cert", "make", kind, "--unit", "1-1-101", *extra, "--date", day)
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        5,
        "",
        f"错误：开具日期 {day} 不在 2000–2099 年之间：请检查年份",
    )
    assert not list((workspace.root / "records" / "generated").rglob("*.docx"))
    assert json.loads(run_cli("docs", "list", "--json").stdout) == []


def test_an_exit_pass_names_one_carrier(run_cli: Any, workspace: Workspace) -> None:
    # --carrier "张三 李四" printed 携物人：张三 李四, while a receipt's payer so typed is refused: the carrier is the one
    # person who shows the pass at the gate, so it is refused the same way, nothing printed.
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    pass_for = ("cert", "make", "出门条", "--unit", "1-1-101", "--items", "冰箱1台", "--carrier")
    refused = run_cli(*pass_for, "张三 李四")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        5,
        "",
        "错误：携物人：姓名中间有空格，像是两个人的姓名：出门条只写一位携物人，一个人的姓名请去掉空格",
    )
    assert json.loads(run_cli("docs", "list", "--json").stdout) == []
    assert run_cli(*pass_for, "Li  Si").exit_code == 0  # a Latin name keeps its blank, as a payer's


def test_a_residence_certificate_dated_before_the_move_in_is_refused(run_cli: Any, workspace: Workspace) -> None:
    # 1-1-101 moved in on 2020-05-01: dated 2019-12-31, the paper certified "自2020年5月1日起在该房屋居住至今"
    # on a day before that, and took a number of 2019's sequence.
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    refused = run_cli("cert", "make", "居住证明", "--unit", "1-1-101", "--date", "2019-12-31")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        5,
        "",
        "错误：开具日期 2019-12-31 早于房屋 1-1-101 的入住日期 2020-05-01：居住证明只能证明入住以后的居住，请检查 --date",
    )
    assert json.loads(run_cli("docs", "list", "--json").stdout) == []
    made = run_cli("cert", "make", "居住证明", "--unit", "1-1-101", "--date", "2020-05-01")
    assert made.exit_code == 0, made.output
    [path] = (workspace.root / "records" / "generated").rglob("*.docx")
    assert paragraphs(path)[-1] == "2020年5月1日" and "自2020年5月1日起在该房屋居住至今" in paragraphs(path)[2]


@pytest.mark.parametrize("kind", ["居住证明", "缴费证明", "出门条"])
def test_a_certificate_dated_after_today_is_refused_alike_for_every_kind(
    run_cli: Any, workspace: Workspace, kind: str
) -> None:
    # A 居住证明 dated 2027-01-02 was issued in December as JZ2027-0001, taking next year's first number,
    # while a 缴费证明 or an exit pass so dated was refused in the arrears list's words.  The suite's today
    # is 2026-12-05.
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    extra = ("--items", "冰箱1台") if kind == "出门条" else ()
    refused = run_cli("cert", "make", kind, "--unit", "1-1-101", *extra, "--date", "2027-01-02")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        5,
        "",
        "错误：开具日期 2027-01-02 晚于今天（2026-12-05）：不能预先开具以后日期的证明或出门条，到那天再开",
    )
    assert json.loads(run_cli("docs", "list", "--json").stdout) == []
    made = run_cli("cert", "make", kind, "--unit", "1-1-101", *extra, "--date", "2026-12-05")
    assert made.exit_code == 0, made.output


def test_a_clearance_certificates_owners_are_one_moment_of_the_ledger(
    ws: Workspace, estate: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 缴费证明 read the unit and its first owner, then the co-owners in another read: a roster import committed
    between them certified 业主：张伟、赵磊 — the old owner beside the new co-owner.  Both are read in one read
    transaction, on SQLite as on PostgreSQL."""
    bill_months(estate, "2026-10", "2026-11")
    pay(estate, ws.settings.receipt, CASHIER, PaymentRequest("1-1-101", 73994, "微信", paid_on=TODAY))
    imported = an_import_before_the_co_owners_are_read(estate, tmp_path, monkeypatch)
    made = make_certificate(ws, estate, "缴费证明", "1-1-101", CASHIER, today=TODAY)
    assert imported == [True]
    assert paragraphs(made.document.path)[2] == (
        "兹证明测试小区1栋1单元101室（业主：张伟、王芳）已缴清2026年11月及以前的物业服务费等各项费用，"
        "截至2026年11月23日无欠费。"
    )


def test_a_clearance_certificates_figures_are_the_moment_its_check_read(ws: Workspace, estate: Ledger) -> None:
    """A 缴费证明 checked the unit owed nothing in one read and read the last month billed in another: December billed
    between them certified 已缴清2026年12月及以前 of a month not paid.  The check and the figures are one read
    transaction, on SQLite as on PostgreSQL."""
    bill_months(estate, "2026-10", "2026-11")
    pay(estate, ws.settings.receipt, CASHIER, PaymentRequest("1-1-101", 73994, "微信", paid_on=TODAY))
    billed = a_write_before_the_statement(estate, "max(bills.month)", lambda: bill_months(estate, "2026-12"))
    made = make_certificate(ws, estate, "缴费证明", "1-1-101", CASHIER, today=dt.date(2026, 12, 5))
    assert billed == [True]
    with estate.read() as conn:  # December was billed, and is owed
        months = conn.execute(sa.text("SELECT DISTINCT month FROM bills ORDER BY month")).scalars().all()
    assert months == ["2026-10", "2026-11", "2026-12"]
    assert paragraphs(made.document.path)[2] == (
        "兹证明测试小区1栋1单元101室（业主：张伟）已缴清2026年11月及以前的物业服务费等各项费用，"
        "截至2026年12月5日无欠费。"
    )


def test_no_residence_certificate_for_the_owner_of_a_unit_let_to_a_tenant(run_cli: Any, workspace: Workspace) -> None:
    """1-1-101 is let to 赵磊 (租期 2026-03-01 至 2027-02-28, on the roster's contacts): the 居住证明 certified that its
    owner 张伟 had lived there since 2020 "至今", exit 0 — the office's stamp on what its own ledger says is not so.
    Refused (exit 8) naming the tenant and the command that removes one who has moved out, dated back too (read today,
    居住至今 is taken as today's), and no number taken; once the tenant is removed the certificate is made."""
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    let = ("owners", "contact", "add", "1-1-101", "赵磊", "--relation", "租户")
    assert run_cli(*let, "--start", "2026-03-01", "--end", "2027-02-28").exit_code == 0
    said = (
        "错误：房屋 1-1-101 出租给了租户“赵磊”（租期 2026-03-01 至 2027-02-28），业主“张伟”不住在这里，不能开具居住证明"
        "（证明的是业主自入住日期起在该房屋居住至今）。租户已搬走的，先删除这位联系人：recordkit owners contact remove 1。"
        "如需为租户开具，请加 --tenant 赵磊"
    )
    for dated in ((), ("--date", "2026-02-27")):
        refused = run_cli("cert", "make", "居住证明", "--unit", "1栋1单元101室 ", "--purpose", "子女入学", *dated)
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (8, "", said), dated
    assert json.loads(run_cli("docs", "list", "--json").stdout) == []
    # A pass for the tenant's goods is still the owner's to authorise: not refused for the tenancy.
    assert (
        run_cli("cert", "make", "出门条", "--unit", "1-1-101", "--items", "冰箱1台", "--carrier", "赵磊").exit_code == 0
    )
    assert run_cli("owners", "contact", "remove", "1").exit_code == 0
    made = run_cli("cert", "make", "居住证明", "--unit", "1-1-101", "--purpose", "子女入学")
    assert made.exit_code == 0, made.output
    [path] = (workspace.root / "records" / "generated").rglob("居住证明*.docx")
    assert path.name == "居住证明JZ2026-0001_1-1-101.docx"
    assert (
        "系测试小区1栋1单元101室的业主，房屋建筑面积89.35平方米，自2020年5月1日起在该房屋居住至今。"
        in paragraphs(path)[2]
    )


def _let_1_1_101(run_cli: Any, workspace: Workspace) -> None:
    """The sample roster, 1-1-101 (owner 张伟) let to 赵磊 from 2026-03-01 to 2027-02-28 (contact 1)."""
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    let = ("owners", "contact", "add", "1-1-101", "赵磊", "--relation", "租户")
    assert run_cli(*let, "--start", "2026-03-01", "--end", "2027-02-28").exit_code == 0


def test_a_residence_certificate_for_a_tenant_names_the_tenant_and_the_lease(
    run_cli: Any, workspace: Workspace
) -> None:
    """Schools and 派出所 ask a tenant for a 居住证明 from the 物业: `cert make 居住证明` refused a let unit and had no
    way to certify its tenant.  With --tenant the paper names the registered tenant, not the owner, living there
    since the lease began (with its end when registered), numbered and journalled as the owner's is; a contact has
    no ID number on the ledger, so the paper says （未登记）."""
    _let_1_1_101(run_cli, workspace)
    made = run_cli("cert", "make", "居住证明", "--unit", "1-1-101", "--tenant", "赵 磊", "--purpose", "子女入学")
    assert made.exit_code == 0, made.output
    [path] = (workspace.root / "records" / "generated").rglob("*.docx")
    assert path.name == "居住证明JZ2026-0001_1-1-101.docx"
    shown = path.relative_to(workspace.root)
    assert made.stdout == f"已开具居住证明 JZ2026-0001（1-1-101，租户 赵磊）：{shown}\n"
    lines = paragraphs(path)
    assert lines[:3] == [
        "编号：JZ2026-0001",
        "居住证明",
        "兹证明赵磊（证件号码：（未登记））系测试小区1栋1单元101室的租户，"
        "自2026年3月1日起在该房屋承租居住至今，租期至2027年2月28日。",
    ]
    assert "本证明用于子女入学，仅证明上述居住情况，复印无效。" in lines
    paper = "\n".join(lines)
    assert "张伟" not in paper and "110101199003071233" not in paper and "业主" not in paper
    entry = last_journal_entry(workspace, "JZ2026-0001")
    assert (entry.action, entry.after) == (
        "certificate.issue",
        {"kind": "居住证明", "unit": "1-1-101", "purpose": "子女入学", "tenant": "赵磊"},
    )
    # A tenancy registered without its end: 至今, and no 租期至.
    lodger = ("owners", "contact", "add", "3-2-1201", "钱七", "--relation", "租户", "--start", "2026-06-01")
    assert run_cli(*lodger).exit_code == 0
    second = run_cli("cert", "make", "居住证明", "--unit", "3-2-1201", "--tenant", "钱七")
    assert second.exit_code == 0, second.output
    [other] = (workspace.root / "records" / "generated").rglob("居住证明JZ2026-0002_3-2-1201.docx")
    assert paragraphs(other)[2] == (
        "兹证明钱七（证件号码：（未登记））系测试小区3栋2单元1201室的租户，自2026年6月1日起在该房屋承租居住至今。"
    )


def test_a_tenants_residence_certificate_prints_the_tenants_id_number_as_the_owners_prints_the_owners(
    run_cli: Any, workspace: Workspace
) -> None:
    """A tenant's 居住证明 printed 身份证号 （未登记） whatever the office knew: contacts had no ID number.  Registered
    with ``--id-number``, it is printed whole, as an owner's is on the owner's; the journal and the certificate's
    record keep no whole number."""
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    let = ("owners", "contact", "add", "1-1-101", "赵磊", "--relation", "租户", "--id-number", "320102198802145615")
    assert run_cli(*let, "--start", "2026-03-01", "--end", "2027-02-28").exit_code == 0
    made = run_cli("cert", "make", "居住证明", "--unit", "1-1-101", "--tenant", "赵磊", "--purpose", "子女入学")
    assert made.exit_code == 0, made.output
    [path] = (workspace.root / "records" / "generated").rglob("居住证明*.docx")
    assert paragraphs(path)[2] == (
        "兹证明赵磊（身份证号：320102198802145615）系测试小区1栋1单元101室的租户，"
        "自2026年3月1日起在该房屋承租居住至今，租期至2027年2月28日。"
    )
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        journalled = conn.execute(sa.text("SELECT before, after FROM journal")).all()
        details = conn.execute(sa.select(certificates.c.details)).scalar_one()
    assert all("320102198802145615" not in f"{row.before}{row.after}" for row in journalled)
    assert "320102198802145615" not in details


def test_a_residence_certificate_for_a_tenant_the_ledger_does_not_hold_is_refused(
    run_cli: Any, workspace: Workspace
) -> None:
    """--tenant names a tenant registered on the unit whose lease holds the certificate's date, and only a 居住证明;
    otherwise a refusal saying who the tenants are or how to register one, and nothing written."""
    _let_1_1_101(run_cli, workspace)
    register = "--relation 租户 --start 起租日期 --end 到期日期"
    edit = "recordkit owners contact edit 1 --start 起租日期 --end 到期日期"
    refusals = [
        (("缴费证明", "--unit", "1-1-101", "--tenant", "赵磊"), 2, "错误：--tenant 只用于居住证明（为租户开具）"),
        (
            ("出门条", "--unit", "1-1-101", "--items", "冰箱1台", "--tenant", "赵磊"),
            2,
            "错误：--tenant 只用于居住证明（为租户开具）",
        ),
        (("居住证明", "--unit", "1-1-101", "--tenant", "，，"), 5, "错误：--tenant 须写租户的姓名，例如 --tenant 赵磊"),
        (
            ("居住证明", "--unit", "3-2-1201", "--tenant", "钱七"),
            8,
            "错误：房屋 3-2-1201 没有登记租户，不能为租户开具居住证明。请先登记租户和租期："
            f"recordkit owners contact add 3-2-1201 钱七 {register}",
        ),
        (
            ("居住证明", "--unit", "1-1-101", "--tenant", "王五"),
            8,
            "错误：房屋 1-1-101 登记的租户中没有“王五”（现在的租户：“赵磊”（租期 2026-03-01 至 2027-02-28）），"
            f"不能为租户开具居住证明。请核对姓名；新租户先登记：recordkit owners contact add 1-1-101 王五 {register}",
        ),
        (
            ("居住证明", "--unit", "1-1-101", "--tenant", "赵磊", "--date", "2026-02-27"),
            8,
            "错误：租户“赵磊”的租期 2026-03-01 至 2027-02-28，不包括 2026-02-27（开具日期），不能开具居住证明"
            f"（证明的是租户自起租日期起在该房屋居住至今）。请检查 --date；租期登记有误或已续租的，请按实际租期修改：{edit}",
        ),
    ]
    for args, code, said in refusals:
        refused = run_cli("cert", "make", *args)
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (code, "", said), args
    # A tenant registered without the lease's first day: the paper cannot say since when.
    assert run_cli("owners", "contact", "add", "3-2-1201", "钱七", "--relation", "租户").exit_code == 0
    refused = run_cli("cert", "make", "居住证明", "--unit", "3-2-1201", "--tenant", "钱七")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        8,
        "",
        "错误：租户“钱七”没有登记起租日期，居住证明写不出自哪天起承租居住。"
        "请补上租期：recordkit owners contact edit 2 --start 起租日期 --end 到期日期",
    )
    assert json.loads(run_cli("docs", "list", "--json").stdout) == []
    # Done as it says, the certificate is made.
    assert run_cli("owners", "contact", "edit", "2", "--start", "2026-06-01").exit_code == 0
    made = run_cli("cert", "make", "居住证明", "--unit", "3-2-1201", "--tenant", "钱七")
    assert made.exit_code == 0, made.output


def test_a_tenants_residence_certificate_dated_back_is_refused_once_the_lease_has_ended(
    ws: Workspace, estate: Ledger
) -> None:
    """Dated back into the lease but made after it ended: the paper says 居住至今, read today, so it is refused
    naming today — as the owner's is refused while a tenant lives there today."""
    ended = add_contact(
        estate, "1-1-101", "赵磊", "租户", CASHIER, start_date=dt.date(2025, 3, 1), end_date=dt.date(2026, 11, 30)
    )
    with pytest.raises(ConflictError) as caught:
        make_certificate(
            ws, estate, "居住证明", "1-1-101", CASHIER, tenant="赵磊", today=TODAY, now=dt.date(2026, 12, 5)
        )
    assert caught.value.message == (
        "租户“赵磊”的租期 2025-03-01 至 2026-11-30，不包括 2026-12-05（今天），不能开具居住证明"
        "（证明的是租户自起租日期起在该房屋居住至今）。租期登记有误或已续租的，请按实际租期修改："
        f"recordkit owners contact edit {ended.id} --start 起租日期 --end 到期日期"
    )
    assert generated(ws) == []
    made = make_certificate(ws, estate, "居住证明", "1-1-101", CASHIER, tenant="赵磊", today=TODAY, now=TODAY)
    assert paragraphs(made.document.path)[2] == (
        "兹证明赵磊（证件号码：（未登记））系测试小区1栋1单元101室的租户，"
        "自2025年3月1日起在该房屋承租居住至今，租期至2026年11月30日。"
    )


def test_an_offices_own_residence_template_without_a_tenants_wording_is_refused_for_a_tenant(
    run_cli: Any, workspace: Workspace
) -> None:
    """An office's own 居住证明 written before --tenant knows only the owner: filled for a tenant it would certify
    the tenant as 业主.  Refused (exit 5) saying how to get the built-in's wording, nothing written."""
    _let_1_1_101(run_cli, workspace)
    from tests.test_templates import make_docx

    own = ("编号：{{ 证明编号 }}", "兹证明{{ 业主姓名 }}系{{ 房屋地址 }}的业主，自{{ 入住日期 }}起居住至今。")
    make_docx(workspace.templates_dir / "居住证明.docx", *own)
    refused = run_cli("cert", "make", "居住证明", "--unit", "1-1-101", "--tenant", "赵磊")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        5,
        "",
        "错误：本处的模板“居住证明”（templates/居住证明.docx）没有为租户开具的写法（没有用到变量 租户姓名），"
        "开出来会把租户写成业主，没有开具。请参照内置模板在其中加上租户的一段"
        "（recordkit templates copy 居住证明 --force 取回内置模板，会覆盖本处的修改）",
    )
    assert json.loads(run_cli("docs", "list", "--json").stdout) == []


def test_an_exit_pass_for_a_business_s_unit_names_its_carrier_and_asks_for_its_seal(
    run_cli: Any, workspace: Workspace
) -> None:
    # A shop owned by 张记面馆 got 携物人：业主本人, 本人系…业主张记面馆 and 业主签字: words for a person.  A business
    # sends someone, who must be named; the paper asks for the business's seal and that person's signature.
    rows = [*SAMPLE_ROWS[:1], ["1", "1", "102", 118.62, "张记面馆", "13987654321", None, None, "已入住"]]
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", rows))).exit_code == 0
    pass_for = ("cert", "make", "出门条", "--unit", "1-1-102", "--items", "冰柜1台")
    refused = run_cli(*pass_for)
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        2,
        "",
        "错误：业主“张记面馆”是单位，出门条要写明来搬物品的人：请用 --carrier 写单位经办人的姓名，例如 --carrier 王师傅",
    )
    assert json.loads(run_cli("docs", "list", "--json").stdout) == []
    assert run_cli(*pass_for, "--carrier", "王师傅").exit_code == 0
    (path,) = sorted((workspace.root / "records" / "generated").rglob("*.docx"))
    lines = paragraphs(path)
    assert any(line.endswith("1栋1单元102室    业主：张记面馆    单位经办人：王师傅") for line in lines)
    assert "单位授权：1栋1单元102室业主张记面馆委托经办人王师傅将上列物品搬离小区，并对物品的归属负责。" in lines
    assert "单位盖章：__________    经办人签字：__________    联系电话：__________" in lines
    assert not any("业主本人" in line or "业主签字" in line or "本人系" in line for line in lines)
    # A person's unit reads as it did.
    assert run_cli("cert", "make", "出门条", "--unit", "1-1-101", "--items", "冰箱1台").exit_code == 0
    person = next(p for p in sorted((workspace.root / "records" / "generated").rglob("*.docx")) if p != path)
    assert "业主签字：__________    联系电话：__________" in paragraphs(person)
    assert any(line.endswith("业主：张伟    携物人：业主本人") for line in paragraphs(person))


def test_an_offices_exit_pass_copied_before_a_business_s_wording_is_refused_for_a_business(
    run_cli: Any, workspace: Workspace
) -> None:
    """The office's 出门条 copied before the built-in had a business's wording (业主是单位) printed, for 张记面馆's
    shop, 本人系…业主张记面馆 and 业主签字 beside the 携物人 the clerk had to name: a person's authority for a body,
    without its seal.  Refused (exit 5) saying how to get the built-in's wording, nothing written; a person's pass
    from the same copy prints as before, and after templates copy --force the business's prints its own words."""
    rows = [*SAMPLE_ROWS[:1], ["1", "1", "102", 118.62, "张记面馆", "13987654321", None, None, "已入住"]]
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", rows))).exit_code == 0
    assert run_cli("templates", "copy", "出门条").exit_code == 0
    path = workspace.templates_dir / "出门条.docx"
    document = Document(str(path))
    old_words = {  # the three lines of the 出门条 as an older version copied them
        "房屋：": "房屋：{{ 房屋地址 }}    业主：{{ 业主姓名 }}    携物人：{{ 携物人 }}",
        "{% if 业主是单位 %}单位授权": "业主授权：本人系{{ 房屋 }}业主{{ 业主姓名 }}，同意上列物品搬离小区，并对物品的归属负责。",
        "{% if 业主是单位 %}单位盖章": "业主签字：__________    联系电话：__________",
    }
    for start, words in old_words.items():
        [paragraph] = [p for p in document.paragraphs if p.text.startswith(start)]
        for run in paragraph.runs[1:]:
            run.text = ""
        paragraph.runs[0].text = words
    document.save(str(path))
    assert "业主是单位" in run_cli("templates", "check", "出门条").stdout  # told there as a variable it lacks
    business = ("cert", "make", "出门条", "--unit", "1-1-102", "--items", "冰柜1台", "--carrier", "王师傅")
    refused = run_cli(*business)
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        5,
        "",
        "错误：本处的模板“出门条”（templates/出门条.docx）没有单位业主的写法（没有用到变量 业主是单位），"
        "开出来会把单位写成业主本人，没有开具。请参照内置模板在其中加上单位业主的一段"
        "（recordkit templates copy 出门条 --force 取回内置模板，会覆盖本处的修改）",
    )
    assert json.loads(run_cli("docs", "list", "--json").stdout) == []
    # A person's unit: the old words are right for him.
    assert run_cli("cert", "make", "出门条", "--unit", "1-1-101", "--items", "冰箱1台").exit_code == 0
    [person] = sorted((workspace.root / "records" / "generated").rglob("*.docx"))
    assert "业主授权：本人系1栋1单元101室业主张伟，同意上列物品搬离小区，并对物品的归属负责。" in paragraphs(person)
    assert run_cli("templates", "copy", "出门条", "--force").exit_code == 0
    made = run_cli(*business)
    assert made.exit_code == 0, made.output
    [body] = [p for p in sorted((workspace.root / "records" / "generated").rglob("*.docx")) if p != person]
    lines = paragraphs(body)
    assert "单位授权：1栋1单元102室业主张记面馆委托经办人王师傅将上列物品搬离小区，并对物品的归属负责。" in lines
    assert "单位盖章：__________    经办人签字：__________    联系电话：__________" in lines


def test_a_business_s_exit_pass_with_a_carrier_of_no_name_is_not_told_to_leave_it_out(
    run_cli: Any, workspace: Workspace
) -> None:
    # For 张记面馆's shop, --carrier "" or ",," advised 业主本人带出的，不写 --carrier: a business has no 本人, and
    # without --carrier its pass is refused.  The advice now asks for the person it sends.
    rows = [*SAMPLE_ROWS[:1], ["1", "1", "102", 118.62, "张记面馆", "13987654321", None, None, "已入住"]]
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", rows))).exit_code == 0
    for carrier, problem in (("", "携物人不能为空"), (",,", "携物人“,,”没有汉字或字母，不是姓名")):
        refused = run_cli("cert", "make", "出门条", "--unit", "1-1-102", "--items", "冰柜1台", "--carrier", carrier)
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
            5,
            "",
            f"错误：{problem}：请写带出物品的人的姓名，例如 --carrier 王师傅；业主“张记面馆”是单位，写单位经办人的姓名",
        )
    assert json.loads(run_cli("docs", "list", "--json").stdout) == []


def test_cert_make_refuses_a_second_unit_instead_of_taking_only_the_last(run_cli: Any, workspace: Workspace) -> None:
    # cert make 出门条 --unit 1-1-101 --unit 3-2-1201 printed the pass for 3-2-1201 alone: a paper is for one unit.
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    refused = run_cli("cert", "make", "出门条", "--unit", "1-1-101", "--unit", "3-2-1201", "--items", "冰箱1台")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        2,
        "",
        "错误：--unit 只能写一次，这里写了两次：“1-1-101”、“3-2-1201”；请只写要用的那一个",
    )
    assert json.loads(run_cli("docs", "list", "--json").stdout) == []
    assert "房号..." not in run_cli("cert", "make", "--help").stdout  # one unit, as the help says
    missing = run_cli("cert", "make", "出门条", "--items", "冰箱1台")
    assert missing.exit_code == 2 and "--unit" in missing.stderr


#: The sample roster with a 证件类型 column: 1-1-101's owner John Smith holds a passport.
PASSPORT_ROWS = [
    ["1", "1", "101", 89.35, "John Smith", "13812345678", "护照", "E12345678", dt.date(2020, 5, 1), "已入住"],
    ["3", "2", "1201", 143.8, "李秀英", "13987654321", None, "310104198506120027", dt.date(2019, 10, 1), "已入住"],
]
PASSPORT_HEADERS = (
    "楼栋",
    "单元",
    "房号",
    "建筑面积",
    "业主姓名",
    "联系电话",
    "证件类型",
    "证件号码",
    "入住日期",
    "状态",
)


def test_a_residence_certificate_names_the_document_its_number_is_of(run_cli: Any, workspace: Workspace) -> None:
    """A passport holder's 居住证明, the owner's or a tenant's, printed the passport's number under 身份证号: a school
    reading it took it for a wrong ID number.  It now says 护照号码; a resident's still says 身份证号."""
    sheet = write_sheet(workspace.root / "名册.xlsx", PASSPORT_ROWS, PASSPORT_HEADERS)
    assert run_cli("owners", "import", str(sheet)).exit_code == 0
    tenant = ("owners", "contact", "add", "3-2-1201", "Mary Smith", "--relation", "租户", "--start", "2026-03-01")
    for unit, *more in (["1-1-101"], ["3-2-1201"], ["3-2-1201", "--tenant", "Mary Smith"]):
        if more:  # the owner's first: once let, the owner no longer lives there
            assert run_cli(*tenant, "--id-type", "台胞证", "--id-number", "12345678").exit_code == 0
        made = run_cli("cert", "make", "居住证明", "--unit", unit, *more)
        assert made.exit_code == 0, made.output
    found = (workspace.root / "records" / "generated").rglob("*.docx")
    owner, resident, lodger = sorted(found, key=lambda path: path.name)
    assert paragraphs(owner)[2] == (
        "兹证明John Smith（护照号码：E12345678）系测试小区1栋1单元101室的业主，"
        "房屋建筑面积89.35平方米，自2020年5月1日起在该房屋居住至今。"
    )
    assert paragraphs(resident)[2] == (
        "兹证明李秀英（身份证号：310104198506120027）系测试小区3栋2单元1201室的业主，"
        "房屋建筑面积143.80平方米，自2019年10月1日起在该房屋居住至今。"
    )
    assert paragraphs(lodger)[2] == (
        "兹证明Mary Smith（台湾居民来往大陆通行证号码：12345678）系测试小区3栋2单元1201室的租户，"
        "自2026年3月1日起在该房屋承租居住至今。"
    )


def test_an_offices_own_residence_template_without_the_documents_name_is_refused_for_a_passport(
    run_cli: Any, workspace: Workspace
) -> None:
    """An office's own 居住证明 copied before the paper named the document prints 身份证号 before any number: filled
    for a passport holder it would call the passport's number an ID number.  Refused (exit 5) saying how to get the
    built-in's wording, nothing written; a resident's from the same copy prints as before."""
    sheet = write_sheet(workspace.root / "名册.xlsx", PASSPORT_ROWS, PASSPORT_HEADERS)
    assert run_cli("owners", "import", str(sheet)).exit_code == 0
    from tests.test_templates import make_docx

    own = ("编号：{{ 证明编号 }}", "兹证明{{ 业主姓名 }}（身份证号：{{ 身份证号 }}）系{{ 房屋地址 }}的业主。")
    make_docx(workspace.templates_dir / "居住证明.docx", *own)
    refused = run_cli("cert", "make", "居住证明", "--unit", "1-1-101")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        5,
        "",
        "错误：本处的模板“居住证明”（templates/居住证明.docx）没有护照等其他证件的写法（没有用到变量 证件名称），"
        "开出来会把护照号码写成身份证号，没有开具。请参照内置模板在其中加上证件名称的一段"
        "（recordkit templates copy 居住证明 --force 取回内置模板，会覆盖本处的修改）",
    )
    assert json.loads(run_cli("docs", "list", "--json").stdout) == []
    assert run_cli("cert", "make", "居住证明", "--unit", "3-2-1201").exit_code == 0
    [resident] = (workspace.root / "records" / "generated").rglob("*.docx")
    assert "兹证明李秀英（身份证号：310104198506120027）系测试小区3栋2单元1201室的业主。" in paragraphs(resident)


def test_the_residence_certificate_calls_its_number_证件号码_and_an_offices_copy_may_still_say_身份证号(
    run_cli: Any, workspace: Workspace
) -> None:
    """The variable holding the holder's number was called 身份证号 though it holds a passport's number as well.  The
    built-in now writes ``{{ 证件名称 }}：{{ 证件号码 }}``; an office's copy written with the older name ``身份证号``
    prints the same number (both filled), `templates check` passes it with a note, and a misspelt name is still
    refused, at the check and when printing."""
    sheet = write_sheet(workspace.root / "名册.xlsx", PASSPORT_ROWS, PASSPORT_HEADERS)
    assert run_cli("owners", "import", str(sheet)).exit_code == 0
    checked = run_cli("templates", "check", "居住证明")
    assert checked.exit_code == 0, checked.output
    used = checked.stdout.splitlines()[1]
    assert "证件号码" in used and "身份证号" not in used
    listed = {info["name"]: info for info in json.loads(run_cli("templates", "list", "--json").stdout)}
    assert "证件号码" in listed["居住证明"]["variables"] and "身份证号" not in listed["居住证明"]["variables"]

    made = run_cli("cert", "make", "居住证明", "--unit", "1-1-101")
    assert made.exit_code == 0, made.output
    [builtin] = (workspace.root / "records" / "generated").rglob("*.docx")
    assert "兹证明John Smith（护照号码：E12345678）系测试小区1栋1单元101室的业主，" in paragraphs(builtin)[2]
    builtin.unlink()

    from tests.test_templates import make_docx

    own = workspace.templates_dir / "居住证明.docx"
    make_docx(own, "兹证明{{ 业主姓名 }}（{{ 证件名称 }}：{{ 身份证号 }}）系{{ 房屋地址 }}的业主。")
    checked = run_cli("templates", "check", "居住证明")
    assert checked.exit_code == 0, checked.output
    assert "[提示] 变量“身份证号”是“证件号码”以前的名称，照常填写，与“证件号码”相同" in checked.stdout
    listed = {info["name"]: info for info in json.loads(run_cli("templates", "list", "--json").stdout)}
    assert listed["居住证明"]["status"] == "可用"
    assert "变量“身份证号”是“证件号码”以前的名称，照常填写，与“证件号码”相同" in listed["居住证明"]["notes"]
    made = run_cli("cert", "make", "居住证明", "--unit", "1-1-101")
    assert made.exit_code == 0, made.output
    [older] = (workspace.root / "records" / "generated").rglob("*.docx")
    assert paragraphs(older) == ["兹证明John Smith（护照号码：E12345678）系测试小区1栋1单元101室的业主。"]
    older.unlink()

    make_docx(own, "兹证明{{ 业主姓名 }}（{{ 证件名称 }}：{{ 证件号吗 }}）系{{ 房屋地址 }}的业主。")
    checked = run_cli("templates", "check", "居住证明")
    assert checked.exit_code == 5
    assert "：变量“证件号吗”recordkit 不提供，是不是“证件号码”写错了？\n发现 1 处错误\n" in checked.stdout
    refused = run_cli("cert", "make", "居住证明", "--unit", "1-1-101")
    assert (refused.exit_code, refused.stderr.strip()) == (
        5,
        "错误：模板“居住证明”用到了没有提供的变量：证件号吗。请检查变量名是否写错（recordkit templates check 可列出可用变量）",
    )
    assert list((workspace.root / "records" / "generated").rglob("*.docx")) == []


def test_an_offices_copy_of_the_residence_certificate_from_before_the_rename_lacks_nothing(
    run_cli: Any, workspace: Workspace
) -> None:
    """`templates copy 居住证明` made by a version before 证件号码 had its name writes ``{{ 身份证号 }}``: it holds the
    number all the same, so `templates list` does not call it lacking 证件号码 (and tell the office to copy the built-in
    again over its own changes); it notes the older name."""
    import io
    import zipfile

    from recordkit.documents.templates.engine import BUILTIN_DIR, marked_copy

    built = (BUILTIN_DIR / "居住证明.docx").read_bytes()
    older = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(built)) as source, zipfile.ZipFile(older, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                assert "证件号码 }}".encode() in data
                data = data.replace("证件号码 }}".encode(), "身份证号 }}".encode())
            target.writestr(info, data)
    (workspace.templates_dir / "居住证明.docx").write_bytes(marked_copy(older.getvalue(), "居住证明"))
    [info] = [i for i in json.loads(run_cli("templates", "list", "--json").stdout) if i["name"] == "居住证明"]
    assert (info["origin"], info["status"], info["lacks"]) == ("本处", "可用", [])
    assert info["notes"] == ["变量“身份证号”是“证件号码”以前的名称，照常填写，与“证件号码”相同"]


def test_a_latin_name_in_a_certificate_s_refusal_is_quoted(run_cli: Any, workspace: Workspace) -> None:
    """A refusal put a tenant's and an owner's name after a space inside the sentence (出租给了租户 Tran Van Nam（租期
    …），业主 Mary Smith 不住在这里, 租户 Tran Van Nam 没有登记起租日期): a Latin name ran into the Chinese words.
    Every name a refusal carries is quoted, as renovation refusals quote theirs; and the commands it suggests
    (--tenant Tran Van Nam, contact add 1-1-101 Nguyen Van Binh) quote the name as a shell takes it back."""
    rows = [
        ["1", "1", "101", 89.35, "Mary Smith", "13812345678", None, dt.date(2020, 5, 1), "已入住"],
        ["1", "1", "102", 89.35, "Mary Smith", "13812345678", None, dt.date(2020, 5, 1), "已入住"],
    ]
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", rows))).exit_code == 0
    let = ("owners", "contact", "add", "1-1-101", "Tran Van Nam", "--relation", "租户")
    assert run_cli(*let, "--start", "2026-03-01", "--end", "2027-02-28").exit_code == 0
    refused = run_cli("cert", "make", "居住证明", "--unit", "1-1-101")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        8,
        "",
        "错误：房屋 1-1-101 出租给了租户“Tran Van Nam”（租期 2026-03-01 至 2027-02-28），业主“Mary Smith”不住在这里，"
        "不能开具居住证明（证明的是业主自入住日期起在该房屋居住至今）。租户已搬走的，先删除这位联系人："
        "recordkit owners contact remove 1。如需为租户开具，请加 --tenant 'Tran Van Nam'",
    )
    refused = run_cli("cert", "make", "居住证明", "--unit", "1-1-101", "--tenant", "Nguyen Van Binh")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        8,
        "",
        "错误：房屋 1-1-101 登记的租户中没有“Nguyen Van Binh”（现在的租户：“Tran Van Nam”（租期 2026-03-01 至 2027-02-28）），"
        "不能为租户开具居住证明。请核对姓名；新租户先登记：recordkit owners contact add 1-1-101 'Nguyen Van Binh' "
        "--relation 租户 --start 起租日期 --end 到期日期",
    )
    refused = run_cli(
        "cert", "make", "居住证明", "--unit", "1-1-101", "--tenant", "Tran Van Nam", "--date", "2026-02-27"
    )
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        8,
        "",
        "错误：租户“Tran Van Nam”的租期 2026-03-01 至 2027-02-28，不包括 2026-02-27（开具日期），不能开具居住证明"
        "（证明的是租户自起租日期起在该房屋居住至今）。请检查 --date；租期登记有误或已续租的，请按实际租期修改："
        "recordkit owners contact edit 1 --start 起租日期 --end 到期日期",
    )
    assert run_cli("owners", "contact", "add", "1-1-102", "Tran Van Nam", "--relation", "租户").exit_code == 0
    refused = run_cli("cert", "make", "居住证明", "--unit", "1-1-102", "--tenant", "Tran Van Nam")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        8,
        "",
        "错误：租户“Tran Van Nam”没有登记起租日期，居住证明写不出自哪天起承租居住。"
        "请补上租期：recordkit owners contact edit 2 --start 起租日期 --end 到期日期",
    )
    assert json.loads(run_cli("docs", "list", "--json").stdout) == []
