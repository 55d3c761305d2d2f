"""The counter's units in an estate whose phases have names a generic reading would change (第一期, 2期): a
contact, a rate's units, a month's bills and a unit's balance read the unit typed with the estate's phases, once, as
``owners show`` does — never read again without them (第一期·1-1-101 read as 一期·1-1-101, a unit the ledger lacks).
Every expected unit, amount and message below is written by hand from ``ROWS``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from recordkit.billing.arrears import unit_balance
from recordkit.core.workspace import Workspace, open_workspace
from recordkit.ledger.db import open_ledger
from tests.conftest import write_sheet

PHASES = (
    '\n[[office.phases]]\nname = "第一期"\nspellings = ["一期", "北区"]\n'
    '\n[[office.phases]]\nname = "二期"\nspellings = ["南区"]\n'
)
ROWS = [
    [None, None, "第一期·1-1-101", 100.0, "孙丽", None, None, "2020-01-01", "已入住"],
    [None, None, "二期·1-1-101", 100.0, "周强", None, None, "2020-01-01", "已入住"],
]


@pytest.fixture
def estate(run_cli: Any, workspace: Workspace) -> Workspace:
    config = workspace.root / "recordkit.toml"
    config.write_text(config.read_text(encoding="utf-8") + PHASES, encoding="utf-8")
    imported = run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", ROWS)))
    assert imported.exit_code == 0, imported.output
    return workspace


def shown(run_cli: Any, unit: str) -> dict[str, Any]:
    result = run_cli("owners", "show", unit, "--json")
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def test_a_contact_is_added_to_the_unit_of_the_phase_typed(run_cli: Any, estate: Workspace) -> None:
    added = run_cli("owners", "contact", "add", "一期1-1-101", "赵磊", "--relation", "租户")
    assert added.exit_code == 0, added.output
    assert "已添加 第一期·1-1-101 的租户 赵磊" in added.stdout
    assert [c["name"] for c in shown(run_cli, "第一期·1-1-101")["contacts"]] == ["赵磊"]
    assert shown(run_cli, "二期·1-1-101")["contacts"] == []


def test_a_bare_code_of_two_phases_is_asked_about(run_cli: Any, estate: Workspace) -> None:
    refused = run_cli("owners", "contact", "add", "1-1-101", "赵磊")
    assert refused.exit_code == 6
    assert refused.stderr.strip() == "错误：台账中没有房屋 1-1-101：是不是指 二期·1-1-101 或 第一期·1-1-101？"
    assert shown(run_cli, "第一期·1-1-101")["contacts"] == []
    assert shown(run_cli, "二期·1-1-101")["contacts"] == []


def test_a_rate_for_one_unit_bills_that_unit_only(run_cli: Any, estate: Workspace) -> None:
    rule = run_cli(
        "fees", "rules", "add", "代收电视费", "--kind", "oneoff", "--rate", "25", "--from", "2026-11",
        "--unit", "北区1-1-101",
    )  # fmt: skip
    assert rule.exit_code == 0, rule.output
    billed = run_cli("fees", "bill", "--month", "2026-11", "--item", "代收电视费", "--unit", "第一期1-1-101")
    assert billed.exit_code == 0, billed.output
    assert "新建账单 1 张，合计 25.00 元" in billed.stdout
    assert shown(run_cli, "第一期·1-1-101")["balance"]["due_now_fen"] == 2500
    assert shown(run_cli, "二期·1-1-101")["balance"]["due_now_fen"] == 0
    phases = open_workspace(estate.root, environ={}).settings.office.phase_table()
    with open_ledger(estate.database_url) as ledger:
        assert unit_balance(ledger, "一期1-1-101", phases=phases) == (2500, 0)
        assert unit_balance(ledger, "第一期·1-1-101", phases=phases) == (2500, 0)
        assert unit_balance(ledger, "南区1-1-101", phases=phases) == (0, 0)


def test_a_bare_code_of_two_phases_bills_nobody(run_cli: Any, estate: Workspace) -> None:
    rule = run_cli("fees", "rules", "add", "代收电视费", "--kind", "oneoff", "--rate", "25", "--from", "2026-11")
    assert rule.exit_code == 0, rule.output
    refused = run_cli("fees", "bill", "--month", "2026-11", "--item", "代收电视费", "--unit", "1-1-101")
    assert refused.exit_code == 6
    assert refused.stderr.strip() == "错误：台账中没有房屋 1-1-101：是不是指 二期·1-1-101 或 第一期·1-1-101？"
    assert shown(run_cli, "第一期·1-1-101")["balance"]["due_now_fen"] == 0
    assert shown(run_cli, "二期·1-1-101")["balance"]["due_now_fen"] == 0
