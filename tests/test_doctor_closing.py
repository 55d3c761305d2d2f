"""``recordkit doctor`` names the months an older version's closing left open before a closed one."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from recordkit.core.workspace import Workspace
from recordkit.doctor import check_closed_months
from tests.conftest import SAMPLE_ROWS, write_sheet

NAME = "结账月份"


def _check(run_cli: Any) -> tuple[int, dict[str, Any]]:
    result = run_cli("doctor", "--json")
    [check] = [c for c in json.loads(result.stdout) if c["name"] == NAME]
    return result.exit_code, check


def test_doctor_names_a_month_an_older_closing_left_open(run_cli: Any, workspace: Workspace) -> None:
    """August, October and November billed, September with no bill and no money.  An older version closed August, then
    October over September, leaving September without a row and October without balances; ``recordkit doctor`` said
    nothing.  It now names September as a 提醒 (exit 0) with the closing that mends it: November's, which closes
    September along — then the doctor is content."""
    import sqlalchemy as sa

    from recordkit.ledger.db import open_ledger

    for args in (
        ("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))),
        ("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01"),
        ("fees", "bill", "--month", "2026-08"),
        ("fees", "bill", "--month", "2026-10"),
        ("fees", "bill", "--month", "2026-11"),
    ):
        assert run_cli(*args).exit_code == 0, args
    healthy, check = _check(run_cli)
    assert (healthy, check["ok"], check["detail"]) == (0, True, "已结账的月份之前没有漏结的月份")
    # What the older version left: two closed months, none of September, no balances stored.
    with open_ledger(workspace.database_url) as ledger, ledger.write() as conn:
        for month in ("2026-08", "2026-10"):
            conn.execute(
                sa.text(
                    "INSERT INTO closed_months (month, closed_at, closed_by) VALUES (:m, '2026-11-02T01:00:00+00:00', '王芳')"
                ),
                {"m": month},
            )

    code, check = _check(run_cli)
    assert code == 0
    assert check == {
        "name": NAME,
        "ok": False,
        "detail": "2026-09 还没有结账，而在它以后的 2026-10 已经结账（旧版本结账时跳过了没有账单也没有收付款的月份）："
        "那以后结账的月份没有存下结账余额，月报只能从头汇总",
        "fix": "下次结账会把 2026-09 一并结账，并重新存下结账余额：recordkit --operator 经办人姓名 fees close --month 2026-11",
        "required": False,
    }
    shown = run_cli("doctor")
    assert shown.exit_code == 0 and "2026-09 还没有结账" in shown.stdout
    # Asked before November is over, the same fix says when to run it.
    early = check_closed_months(workspace, today=dt.date(2026, 11, 20))
    assert early.fix == (
        "下次结账会把 2026-09 一并结账，并重新存下结账余额：recordkit --operator 经办人姓名 fees close --month 2026-11"
        "（2026-11 过完以后运行）"
    )

    # As the fix says.
    closed = run_cli("--operator", "王芳", "fees", "close", "--month", "2026-11")
    assert closed.exit_code == 0, closed.output
    assert "2026-09 没有账单，一并结账" in closed.stdout
    assert [(m["month"], m["billed"]) for m in json.loads(run_cli("fees", "close", "--list", "--json").stdout)] == [
        ("2026-08", True),
        ("2026-09", False),
        ("2026-10", True),
        ("2026-11", True),
    ]
    code, check = _check(run_cli)
    assert (code, check["ok"], check["detail"]) == (0, True, "已结账的月份之前没有漏结的月份")


def test_a_month_left_open_with_bills_is_to_be_closed_first(run_cli: Any, workspace: Workspace) -> None:
    """September has bills but an older version closed October over it: the next closing would refuse, so the doctor
    says to close September first — which then closes."""
    import sqlalchemy as sa

    from recordkit.ledger.db import open_ledger

    for args in (
        ("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))),
        ("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01"),
        ("fees", "bill", "--month", "2026-09"),
        ("fees", "bill", "--month", "2026-10"),
    ):
        assert run_cli(*args).exit_code == 0, args
    with open_ledger(workspace.database_url) as ledger, ledger.write() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO closed_months (month, closed_at, closed_by) VALUES ('2026-10', '2026-11-02T01:00:00+00:00', '王芳')"
            )
        )
    code, check = _check(run_cli)
    assert (code, check["ok"], check["required"]) == (0, False, False)
    assert check["detail"].startswith("2026-09 还没有结账，而在它以后的 2026-10 已经结账")
    assert check["fix"] == "按月份顺序先结 2026-09：recordkit --operator 经办人姓名 fees close --month 2026-09"
    assert run_cli("--operator", "王芳", "fees", "close", "--month", "2026-09").exit_code == 0
    assert _check(run_cli)[1]["ok"] is True
