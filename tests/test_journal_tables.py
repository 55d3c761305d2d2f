"""Issue 20, item 9: ``journal verify --tables`` replays the journal and names every row of the money,
owner and loan tables that was changed behind recordkit's back (raw SQL), exiting 9; an untouched ledger
passes.  The hash chain alone cannot see such an edit: the journal itself is intact."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa

from recordkit.archive.archivist import Archivist, lend
from recordkit.core.workspace import Workspace
from recordkit.demo.scans import write_scan
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.ledger.reconcile import check_tables
from tests.archive_helpers import archive_ledger as ledger  # noqa: F401  (fixtures)
from tests.archive_helpers import archive_ws as ws  # noqa: F401
from tests.test_fees_cli import cashier  # noqa: F401  (fixture)


def raw_sql(workspace: Workspace, *statements: str) -> None:
    engine = sa.create_engine(workspace.database_url)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))
    engine.dispose()


def test_an_untouched_ledger_agrees_with_its_journal(cashier: Any) -> None:  # noqa: F811
    assert cashier("fees", "pay", "1-1-101", "--amount", "300").exit_code == 0
    result = cashier("journal", "verify", "--tables")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "台账与操作日志一致：收据收款、业主和借阅记录都与日志相符"


def test_amounts_payers_and_phones_edited_by_raw_sql_are_each_named(cashier: Any, workspace: Workspace) -> None:  # noqa: F811
    for unit, amount in (("1-1-101", "300"), ("1-1-102", "200")):
        assert cashier("fees", "pay", unit, "--amount", amount).exit_code == 0
    numbers = [row["number"] for row in json.loads(cashier("receipt", "list", "--json").stdout)]
    assert cashier("journal", "verify").exit_code == 0  # the chain is whole throughout
    raw_sql(
        workspace,
        "UPDATE payments SET amount_fen = 3000 WHERE amount_fen = 30000",
        "UPDATE payments SET payer = '王五' WHERE amount_fen = 20000",
        "UPDATE owners SET phone = '13900000000' WHERE name = '张伟'",
    )
    assert cashier("journal", "verify").exit_code == 0  # the chain cannot see it ...
    result = cashier("journal", "verify", "--tables", "--json")  # ... the tables can
    assert result.exit_code == 9
    assert result.stderr.strip() == "错误：台账有 3 处与操作日志不一致：有人绕过 recordkit 改动了台账，请从备份核对"
    found = json.loads(result.stdout)
    assert [(d["table"], d["key"], d["problem"]) for d in found[:2]] == [
        ("收据", numbers[0], "金额（分）：日志为 30000，台账为 3000"),
        ("收据", numbers[1], "交款人：日志为 李秀英，台账为 王五"),
    ]
    assert (found[2]["table"], found[2]["problem"]) == ("业主", "电话：日志为 138****5678，台账为 139****0000")


def test_a_deleted_receipt_and_a_deleted_loan_are_named(ws: Workspace, ledger: Ledger) -> None:  # noqa: F811
    outcome = Archivist(ws, ledger, "档案员").file(
        write_scan(ws.root / "records" / "inbox" / "1-1-101_产权证明.pdf", 1)
    )
    assert outcome.item is not None
    lend(ledger, outcome.item.archive_no, "赵敏", dt.date(2026, 12, 31), "档案员", today=dt.date(2026, 12, 1))
    with ledger.read() as conn:
        assert check_tables(conn) == []
    raw_sql(ws, "DELETE FROM archive_loans")
    with open_ledger(ws.database_url) as reopened, reopened.read() as conn:
        assert [(d.table, d.key, d.problem) for d in check_tables(conn)] == [
            ("借阅", outcome.item.archive_no, "借出次数：日志为 1 次，台账为 0 次")
        ]


def test_an_owner_edited_by_raw_sql_is_named_on_either_database(ledger_url: str, tmp_path: Any) -> None:
    from recordkit.owners.roster import import_owners
    from tests.conftest import SAMPLE_ROWS, write_sheet

    with open_ledger(ledger_url) as opened:
        import_owners(opened, write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS), "测试员")
        with opened.read() as conn:
            assert check_tables(conn) == []
        with opened.write() as conn:
            conn.execute(sa.text("UPDATE owners SET name = '张三' WHERE name = '张伟'"))
        with opened.read() as conn:
            assert [(d.table, d.problem) for d in check_tables(conn)] == [("业主", "姓名：日志为 张伟，台账为 张三")]


def test_a_document_number_edited_by_raw_sql_is_named_as_any_documents_number(ledger_url: str, tmp_path: Any) -> None:
    """An owner's number may be a passport's: the line says 证件号码 (it said 身份证号 of any document)."""
    from recordkit.owners.roster import import_owners
    from tests.conftest import SAMPLE_ROWS, write_sheet

    with open_ledger(ledger_url) as opened:
        import_owners(opened, write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS), "测试员")
        with opened.write() as conn:
            conn.execute(sa.text("UPDATE owners SET id_number = 'E12345678', id_type = '护照' WHERE name = '张伟'"))
        with opened.read() as conn:
            assert [(d.table, d.problem) for d in check_tables(conn)] == [
                ("业主", "证件号码：日志为 110101********1233，台账为 E1*****78")
            ]


def test_looking_at_full_numbers_is_no_change_but_a_deleted_owner_still_is(
    run_cli: Any,
    workspace: Workspace,
    tmp_path: Any,
) -> None:
    """``--show-private`` journals a private.view row with entity owner: that is who looked, not an owner
    removed (it was reported as "日志中有业主 None，台账中没有（被删除）").  An owner row deleted behind
    recordkit's back (sqlite3, not recordkit) is still named."""
    import sqlite3

    from tests.conftest import SAMPLE_ROWS, sa_url_database, write_sheet

    assert run_cli("owners", "import", str(write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    for args in (
        ("owners", "list", "--show-private"),
        ("owners", "show", "1-1-101", "--show-private"),
        ("owners", "export", str(tmp_path / "导出.xlsx"), "--show-private"),
    ):
        assert run_cli(*args).exit_code == 0, args
    views = json.loads(run_cli("journal", "list", "--json").stdout)
    assert sum(entry["action"] == "private.view" for entry in views) == 3
    result = run_cli("journal", "verify", "--tables")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "台账与操作日志一致：收据收款、业主和借阅记录都与日志相符"

    with sqlite3.connect(sa_url_database(workspace.database_url)) as conn:
        (owner_id,) = conn.execute("SELECT id FROM owners WHERE name = '张伟'").fetchone()
        conn.execute("DELETE FROM owners WHERE id = ?", (owner_id,))
    result = run_cli("journal", "verify", "--tables", "--json")
    assert result.exit_code == 9
    assert json.loads(result.stdout) == [
        {"table": "业主", "key": str(owner_id), "problem": "日志中有业主“张伟”，台账中没有（被删除）"}
    ]


def test_an_owner_deleted_or_added_behind_recordkit_s_back_is_named_quoted(
    run_cli: Any, workspace: Workspace, tmp_path: Any
) -> None:
    """An owner the journal has and the ledger lost, or the other way round, was named after a space
    (日志中有业主 Tran Van Nam，台账中没有): a Latin name ran into the Chinese words; it is quoted."""
    from tests.conftest import SAMPLE_ROWS, write_sheet

    rows = [SAMPLE_ROWS[0], ["1", "1", "102", 118.62, "Tran Van Nam", "13700001111", None, None, "已入住"]]
    assert run_cli("owners", "import", str(write_sheet(tmp_path / "名册.xlsx", rows))).exit_code == 0
    raw_sql(
        workspace,
        "DELETE FROM owners WHERE name = 'Tran Van Nam'",
        "INSERT INTO owners (id, name) VALUES (90, 'Mary Smith')",
    )
    result = run_cli("journal", "verify", "--tables", "--json")
    assert result.exit_code == 9
    assert json.loads(result.stdout) == [
        {"table": "业主", "key": "2", "problem": "日志中有业主“Tran Van Nam”，台账中没有（被删除）"},
        {"table": "业主", "key": "90", "problem": "台账中有业主“Mary Smith”，日志中没有"},
    ]
